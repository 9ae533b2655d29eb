//! `GET /metrics`: Prometheus text exposition of what the server has done
//! (requests by route, method and status; latency by route) and of the
//! index it serves (entities, relations, documents, pending changes, graph
//! memory). Request metrics are counted by a middleware on the API scope,
//! into one registry shared by every worker of the process.

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, Responder};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

use super::SharedEngine;

/// The process's metrics.
struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    index: IntGaugeVec,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new("innograph_http_requests_total", "HTTP requests answered"),
        &["route", "method", "status"],
    )
    .expect("valid metric");
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "innograph_http_request_duration_seconds",
            "Time to answer HTTP requests",
        )
        .buckets(vec![
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ]),
        &["route"],
    )
    .expect("valid metric");
    let index = IntGaugeVec::new(
        Opts::new("innograph_index", "The served index: counts and graph memory in bytes"),
        &["measure"],
    )
    .expect("valid metric");
    for collector in [
        Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(latency.clone()),
        Box::new(index.clone()),
    ] {
        registry.register(collector).expect("metric registered once");
    }
    Metrics {
        registry,
        requests,
        latency,
        index,
    }
});

/// Counts a request and its latency under its route's pattern (so that
/// `/api/entities/{id}` is one series, not one per entity).
pub(super) async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().to_string();
    let response = next.call(request).await?;
    let metrics = &*METRICS;
    metrics
        .requests
        .with_label_values(&[route.as_str(), method.as_str(), response.status().as_str()])
        .inc();
    metrics
        .latency
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    Ok(response)
}

/// `GET /metrics`.
pub(super) async fn metrics(engine: SharedEngine) -> impl Responder {
    let engine = engine.get();
    let (entities, relations) = engine.counts();
    let memory = engine.graph_memory();
    let metrics = &*METRICS;
    for (measure, value) in [
        ("entities", entities),
        ("relations", relations),
        ("documents", engine.manifest().counts.documents),
        ("pending_changes", engine.pending_changes()),
        ("graph_heap_bytes", memory.total),
        ("graph_mapped_bytes", memory.mapped),
    ] {
        metrics
            .index
            .with_label_values(&[measure])
            .set(i64::try_from(value).unwrap_or(i64::MAX));
    }
    let mut body = Vec::new();
    if let Err(error) = TextEncoder::new().encode(&metrics.registry.gather(), &mut body) {
        tracing::error!(%error, "metrics do not encode");
    }
    HttpResponse::Ok().content_type(prometheus::TEXT_FORMAT).body(body)
}

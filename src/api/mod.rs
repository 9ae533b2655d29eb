//! The HTTP API: routes under `/api`, the one JSON error body, request
//! parameter parsing, and the server loop. Handlers are thin: they parse
//! parameters, run the [`Engine`] call on the blocking pool and serialise
//! the same structs the CLI prints with `--json`. [`configure`] is shared by
//! `innograph serve` and the tests.

mod error;
mod metrics;
mod params;
mod routes;

pub use error::ApiError;
pub use routes::WriteToken;

use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::{web, App, HttpServer};

use crate::Engine;

/// Shared state of the server: the opened engine.
pub type SharedEngine = web::Data<Arc<Engine>>;

/// Registers every route, the JSON error handlers for malformed requests
/// and the JSON 404 for unknown API paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _| ApiError::bad_query(err.to_string()).into()))
        .app_data(
            web::JsonConfig::default()
                .limit(1 << 20)
                .error_handler(|err, _| ApiError::bad_body(err).into()),
        )
        .service(
            web::scope("/api")
                .wrap(actix_web::middleware::from_fn(metrics::record))
                .route("/health", web::get().to(routes::health))
                .route("/stats", web::get().to(routes::stats))
                .route("/search", web::get().to(routes::search))
                .route("/suggest", web::get().to(routes::suggest))
                .route("/entities", web::post().to(routes::put_entity))
                .route("/entities/{id}", web::get().to(routes::entity))
                .route("/entities/{id}", web::delete().to(routes::delete_entity))
                .route("/relations", web::post().to(routes::put_relation))
                .route("/relations", web::delete().to(routes::delete_relation))
                .route("/entities/{id}/neighbors", web::get().to(routes::neighbors))
                .route("/paths", web::get().to(routes::paths))
                .route("/graph/common", web::get().to(routes::common))
                .route("/graph/centrality", web::get().to(routes::centrality))
                .route("/graph/clusters", web::get().to(routes::clusters))
                .route("/graph/timeline", web::get().to(routes::timeline))
                .route("/graph/equity", web::get().to(routes::equity))
                .route("/openapi.json", web::get().to(routes::openapi))
                .default_service(web::to(routes::not_found)),
        )
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/", web::get().to(routes::home));
}

/// Serves the API on `addr` until the process is stopped. Writes need
/// `token` as a bearer token; with none, writes are refused.
pub async fn serve(engine: Engine, addr: &str, token: Option<String>) -> std::io::Result<()> {
    let data: SharedEngine = web::Data::new(Arc::new(engine));
    let token = web::Data::new(WriteToken(token));
    if token.0.is_none() {
        tracing::info!("INNOGRAPH_TOKEN is not set: the API is read-only");
    }
    tracing::info!(%addr, "listening");
    HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(token.clone())
            .wrap_fn(|request, service| {
                let started = Instant::now();
                let method = request.method().to_string();
                let path = request.path().to_string();
                let response = service.call(request);
                async move {
                    let response = response.await?;
                    tracing::info!(
                        %method,
                        %path,
                        status = response.status().as_u16(),
                        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
                        "request"
                    );
                    Ok(response)
                }
            })
            .configure(configure)
    })
    .bind(addr)?
    .run()
    .await
}

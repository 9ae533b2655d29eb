//! Route handlers: extract, run the engine call off the async threads,
//! answer JSON.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::params::Params;
use super::{ApiError, SharedEngine};
use crate::graph::{ClusterMethod, Measure, NeighborsRequest, PathsRequest};
use crate::model::{Change, Entity, Relation, RelationKind};
use crate::search::SearchRequest;
use crate::Result;

type Query = web::Query<HashMap<String, String>>;

/// Runs `work` against the engine on the blocking pool and answers its
/// result as JSON.
async fn answer<T, F>(engine: SharedEngine, work: F) -> Result<HttpResponse, ApiError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&crate::Engine) -> Result<T> + Send + 'static,
{
    let engine = engine.get();
    let value = web::block(move || work(&engine)).await??;
    Ok(HttpResponse::Ok().json(value))
}

pub(crate) async fn health(engine: SharedEngine) -> HttpResponse {
    let engine = engine.get();
    let manifest = engine.manifest();
    let graph = engine.graph();
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "entities": graph.entity_count(),
        "relations": graph.relation_count(),
        "documents": manifest.counts.documents,
        "built_at": manifest.built_at,
    }))
}

pub(crate) async fn stats(engine: SharedEngine) -> Result<HttpResponse, ApiError> {
    answer(engine, |engine| Ok(engine.stats())).await
}

pub(crate) async fn search(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(
        query.into_inner(),
        &[
            "q", "kind", "industry", "location", "from", "to", "near", "hops", "offset", "limit",
        ],
    )?;
    let request = SearchRequest {
        q: params.required("q")?,
        kind: params.text("kind"),
        industry: params.text("industry"),
        location: params.text("location"),
        from: params.text("from"),
        to: params.text("to"),
        near: params.text("near"),
        hops: params.optional_number("hops")?,
        restrict_to: None,
        offset: params.number("offset", 0)?,
        limit: params.number("limit", 10)?,
    };
    answer(engine, move |engine| engine.search(&request)).await
}

pub(crate) async fn suggest(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["q", "limit"])?;
    let prefix = params.required("q")?;
    let limit = params.number("limit", 10)?;
    answer(engine, move |engine| engine.suggest(&prefix, limit)).await
}

pub(crate) async fn entity(
    engine: SharedEngine,
    id: web::Path<String>,
    query: Query,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let params = Params::new(query.into_inner(), &["relation", "offset", "limit"])?;
    let page = crate::graph::RelationPage {
        relations: params.relation_kinds("relation")?,
        offset: params.number("offset", 0)?,
        limit: params.number("limit", crate::graph::ENTITY_RELATIONS)?,
    };
    answer(engine, move |engine| engine.entity_page(&id, &page)).await
}

pub(crate) async fn neighbors(
    engine: SharedEngine,
    id: web::Path<String>,
    query: Query,
) -> Result<HttpResponse, ApiError> {
    let params = Params::new(
        query.into_inner(),
        &["depth", "relation", "kind", "limit", "direction", "as_of"],
    )?;
    let defaults = NeighborsRequest::default();
    let request = NeighborsRequest {
        depth: params.number("depth", defaults.depth)?,
        relations: params.relation_kinds("relation")?,
        kinds: params.entity_kinds("kind")?,
        limit: params.number("limit", defaults.limit)?,
        direction: params.parsed("direction")?.unwrap_or_default(),
        as_of: params.text("as_of"),
        budget: None,
    };
    let id = id.into_inner();
    answer(engine, move |engine| engine.neighbors(&id, &request)).await
}

pub(crate) async fn paths(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(
        query.into_inner(),
        &["from", "to", "max_len", "k", "relation", "as_of", "rank"],
    )?;
    let defaults = PathsRequest::default();
    let from = params.required("from")?;
    let to = params.required("to")?;
    let request = PathsRequest {
        max_len: params.number("max_len", defaults.max_len)?,
        k: params.number("k", defaults.k)?,
        relations: params.relation_kinds("relation")?,
        as_of: params.text("as_of"),
        rank: params.parsed("rank")?.unwrap_or_default(),
        budget: None,
    };
    answer(engine, move |engine| engine.paths(&from, &to, &request)).await
}

pub(crate) async fn common(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["a", "b", "limit"])?;
    let (a, b) = (params.required("a")?, params.required("b")?);
    let limit = params.number("limit", 50)?;
    answer(engine, move |engine| engine.graph().common_neighbors(&a, &b, limit)).await
}

pub(crate) async fn centrality(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["kind", "measure", "limit"])?;
    let measure = params.parsed("measure")?.unwrap_or(Measure::Pagerank);
    let kind = params.parsed("kind")?;
    let limit = params.number("limit", 20)?;
    answer(engine, move |engine| engine.graph().centrality(measure, kind, limit)).await
}

pub(crate) async fn clusters(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["method", "limit"])?;
    let method = params.parsed("method")?.unwrap_or(ClusterMethod::Components);
    let limit = params.number("limit", 20)?;
    answer(engine, move |engine| engine.graph().clusters(method, limit)).await
}

pub(crate) async fn timeline(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["id"])?;
    let id = params.required("id")?;
    answer(engine, move |engine| engine.graph().timeline(&id)).await
}

pub(crate) async fn equity(engine: SharedEngine, query: Query) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["id", "depth"])?;
    let id = params.required("id")?;
    let depth = params.number("depth", 3)?;
    answer(engine, move |engine| engine.graph().equity(&id, depth)).await
}

pub(crate) async fn not_found(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no API endpoint at `{} {}`", request.method(), request.path()),
    ))
}

/// A short page for people who open the server in a browser.
pub(crate) async fn home(engine: SharedEngine) -> HttpResponse {
    let engine = engine.get();
    let graph = engine.graph();
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>innograph 创新图谱</title>\
         <h1>innograph 创新图谱</h1>\
         <p>{} entities, {} relations, {} documents.</p>\
         <ul>\
         <li><a href=\"/api/health\">/api/health</a></li>\
         <li><a href=\"/api/stats\">/api/stats</a></li>\
         <li><a href=\"/api/search?q=%E5%85%89%E4%BC%8F\">/api/search?q=光伏</a></li>\
         <li>/api/entities/{{id}}, /api/entities/{{id}}/neighbors?depth=2</li>\
         <li>/api/paths?from=&amp;to=&amp;k=3</li>\
         <li><a href=\"/api/openapi.json\">/api/openapi.json</a> (OpenAPI)</li>\
         <li><a href=\"/metrics\">/metrics</a></li>\
         </ul></html>",
        graph.entity_count(),
        graph.relation_count(),
        engine.manifest().counts.documents
    );
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page)
}

/// The secret a write must present as `Authorization: Bearer <token>`;
/// `None` turns writes off.
#[derive(Clone, Default)]
pub struct WriteToken(pub Option<String>);

/// Refuses a write whose request does not carry the configured token.
fn authorize(request: &HttpRequest) -> Result<(), ApiError> {
    let configured = request.app_data::<web::Data<WriteToken>>().and_then(|t| t.0.clone());
    let Some(configured) = configured else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "writes_disabled",
            "writes are turned off: start the server with INNOGRAPH_TOKEN set to a secret token",
        ));
    };
    let presented = request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "))
        .map(|token| token.trim_ascii());
    let message = match presented {
        // compared as hashes, so the time taken says nothing of the token
        Some(token) if blake3::hash(token) == blake3::hash(configured.as_bytes()) => return Ok(()),
        Some(_) => "the bearer token does not match the server's INNOGRAPH_TOKEN",
        None => "writes need the header `Authorization: Bearer <token>` with the server's INNOGRAPH_TOKEN",
    };
    Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message))
}

/// Runs a change on the blocking pool; 201 when it created something.
async fn write(
    engine: SharedEngine,
    request: &HttpRequest,
    change: impl FnOnce(&crate::Engine) -> Result<Change> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    authorize(request)?;
    let engine = engine.get();
    let receipt = web::block(move || {
        let change = change(&engine)?;
        engine.write(change)
    })
    .await??;
    let status = if receipt.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(receipt))
}

/// The id of the entity `key` (an id, a name or an alias) names.
fn entity_id(engine: &crate::Engine, key: &str) -> Result<String> {
    let graph = engine.graph();
    let index = graph.resolve(key)?;
    Ok(graph.entity_at(index).id.to_string())
}

pub(crate) async fn put_entity(
    engine: SharedEngine,
    request: HttpRequest,
    body: web::Json<Entity>,
) -> Result<HttpResponse, ApiError> {
    let entity = body.into_inner();
    write(engine, &request, move |_| Ok(Change::PutEntity { entity })).await
}

pub(crate) async fn delete_entity(
    engine: SharedEngine,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = id.into_inner();
    write(engine, &request, move |engine| {
        Ok(Change::DeleteEntity {
            id: entity_id(engine, &key)?,
        })
    })
    .await
}

pub(crate) async fn put_relation(
    engine: SharedEngine,
    request: HttpRequest,
    body: web::Json<Relation>,
) -> Result<HttpResponse, ApiError> {
    let mut relation = body.into_inner();
    write(engine, &request, move |engine| {
        relation.from = entity_id(engine, &relation.from)?;
        relation.to = entity_id(engine, &relation.to)?;
        Ok(Change::PutRelation { relation })
    })
    .await
}

pub(crate) async fn delete_relation(
    engine: SharedEngine,
    request: HttpRequest,
    query: Query,
) -> Result<HttpResponse, ApiError> {
    let params = Params::new(query.into_inner(), &["from", "to", "kind"])?;
    let (from, to) = (params.required("from")?, params.required("to")?);
    let kind: RelationKind = params
        .parsed("kind")?
        .ok_or_else(|| crate::Error::invalid_parameter("kind", "is required: the kind of the relations to delete"))?;
    write(engine, &request, move |engine| {
        Ok(Change::DeleteRelation {
            from: entity_id(engine, &from)?,
            to: entity_id(engine, &to)?,
            kind,
        })
    })
    .await
}

/// The OpenAPI document of this API (kept beside the routes; a test checks
/// that it names every route and each route's parameters).
const OPENAPI: &str = include_str!("openapi.json");

pub(crate) async fn openapi() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(OPENAPI)
}

//! Route handlers: extract, run the engine call off the async threads,
//! answer JSON.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::{ApiError, SharedEngine};
use crate::graph::{
    CentralityRequest, ClustersRequest, CommonRequest, EquityRequest, NeighborsRequest, PathsRequest, RelationPage,
    TimelineRequest,
};
use crate::model::{Change, Entity, Relation, RelationKind};
use crate::search::{SearchRequest, SuggestRequest};
use crate::{Result, WriteRules};

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
    let (entities, relations) = engine.counts();
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "entities": entities,
        "relations": relations,
        "documents": manifest.counts.documents,
        "built_at": manifest.built_at,
    }))
}

pub(crate) async fn stats(engine: SharedEngine) -> Result<HttpResponse, ApiError> {
    answer(engine, |engine| Ok(engine.stats())).await
}

pub(crate) async fn search(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let search: SearchRequest = query(&request)?;
    answer(engine, move |engine| engine.search(&search)).await
}

pub(crate) async fn suggest(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let suggest: SuggestRequest = query(&request)?;
    answer(engine, move |engine| engine.suggest(&suggest)).await
}

/// The request struct `T` read from the request's query string.
fn query<T: serde::de::DeserializeOwned>(request: &HttpRequest) -> Result<T, ApiError> {
    Ok(crate::params::from_query(request.query_string())?)
}

pub(crate) async fn entity(
    engine: SharedEngine,
    id: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let page: RelationPage = query(&request)?;
    answer(engine, move |engine| engine.entity_page(&id, &page)).await
}

pub(crate) async fn neighbors(
    engine: SharedEngine,
    id: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let neighbors: NeighborsRequest = query(&request)?;
    let id = id.into_inner();
    answer(engine, move |engine| engine.neighbors(&id, &neighbors)).await
}

pub(crate) async fn paths(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let paths: PathsRequest = query(&request)?;
    answer(engine, move |engine| engine.paths(&paths)).await
}

pub(crate) async fn common(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let common: CommonRequest = query(&request)?;
    answer(engine, move |engine| engine.common(&common)).await
}

pub(crate) async fn centrality(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let centrality: CentralityRequest = query(&request)?;
    answer(engine, move |engine| engine.centrality(&centrality)).await
}

pub(crate) async fn clusters(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let clusters: ClustersRequest = query(&request)?;
    answer(engine, move |engine| engine.clusters(&clusters)).await
}

pub(crate) async fn timeline(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let timeline: TimelineRequest = query(&request)?;
    answer(engine, move |engine| engine.timeline(&timeline)).await
}

pub(crate) async fn equity(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let equity: EquityRequest = query(&request)?;
    answer(engine, move |engine| engine.equity(&equity)).await
}

pub(crate) async fn recent(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let recent: crate::graph::RecentRequest = query(&request)?;
    answer(engine, move |engine| engine.recent(&recent)).await
}

/// `GET /api/documents/{id}`: the article and its linked mentions.
pub(crate) async fn document(
    engine: SharedEngine,
    path: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let _: NoParameters = query(&request)?;
    let id = path.into_inner();
    answer(engine, move |engine| engine.document(&id)).await
}

/// A route that takes no query parameters.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParameters {}

/// `GET /api/kinds`: every entity and relation kind with its Chinese label.
pub(crate) async fn kinds() -> HttpResponse {
    HttpResponse::Ok().json(kinds_body())
}

/// The body of `GET /api/kinds` (the web app's page carries it too).
pub(crate) fn kinds_body() -> serde_json::Value {
    let entity: Vec<serde_json::Value> = crate::model::EntityKind::ALL
        .iter()
        .map(|k| json!({"kind": k.as_str(), "label": k.label()}))
        .collect();
    let relation: Vec<serde_json::Value> = RelationKind::ALL
        .iter()
        .map(|k| json!({"kind": k.as_str(), "label": k.label()}))
        .collect();
    json!({
        "entity": entity,
        "relation": relation,
    })
}

/// `GET /api/match?entity=&kind=&industry=&location=&limit=&offset=&include_linked=`
/// (or `text=` for a short need).
pub(crate) async fn match_get(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let matching: crate::matching::MatchRequest = query(&request)?;
    answer(engine, move |engine| engine.match_request(&matching)).await
}

/// `POST /api/match {"text", "kind", …}`: the same parameters as the GET,
/// in a JSON body (numbers and booleans as JSON or as text; `kind` a list
/// or a comma-separated text), for needs too long for a URL.
pub(crate) async fn match_post(
    engine: SharedEngine,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> Result<HttpResponse, ApiError> {
    let fields: serde_json::Map<String, serde_json::Value> = body
        .into_inner()
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            (key, serde_json::Value::String(text))
        })
        .collect();
    let matching: crate::matching::MatchRequest =
        serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                format!("bad match request: {e}"),
            )
        })?;
    answer(engine, move |engine| engine.match_request(&matching)).await
}

/// Each API path (from the OpenAPI document) and the methods it takes.
static ROUTES: std::sync::LazyLock<Vec<(actix_web::dev::ResourceDef, Vec<String>)>> = std::sync::LazyLock::new(|| {
    let document: serde_json::Value = serde_json::from_str(OPENAPI).unwrap_or_default();
    let paths = document["paths"].as_object().cloned().unwrap_or_default();
    paths
        .into_iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .map(|ops| ops.keys().map(|m| m.to_uppercase()).collect())
                .unwrap_or_default();
            (actix_web::dev::ResourceDef::new(path), methods)
        })
        .collect()
});

/// An API path that does not exist (404), or that does not take this
/// method (405, with the methods it takes in `Allow`).
pub(crate) async fn not_found(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let allowed = ROUTES
        .iter()
        .find(|(pattern, _)| pattern.is_match(request.path()))
        .map(|(_, methods)| methods.join(", "));
    if let Some(allowed) = allowed {
        let error = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("`{}` takes {allowed}, not {}", request.path(), request.method()),
        );
        let mut response = actix_web::ResponseError::error_response(&error);
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allowed) {
            response.headers_mut().insert(actix_web::http::header::ALLOW, value);
        }
        return Ok(response);
    }
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no API endpoint at `{} {}`", request.method(), request.path()),
    ))
}

/// A short page for people who open the server in a browser.
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
    write_with(engine, request, WriteRules::default(), change).await
}

/// [`write`] under `rules`.
async fn write_with(
    engine: SharedEngine,
    request: &HttpRequest,
    rules: WriteRules,
    change: impl FnOnce(&crate::Engine) -> Result<Change> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    authorize(request)?;
    let engine = engine.get();
    let receipt = web::block(move || {
        let change = change(&engine)?;
        engine.write_with(change, rules)
    })
    .await??;
    let status = if receipt.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(receipt))
}

/// `POST /api/entities`: an entity as in `entities.jsonl`, plus
/// `"allow_same_name": true` to give it a name another entity has.
pub(crate) async fn put_entity(
    engine: SharedEngine,
    request: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let mut body = body.into_inner();
    let allow_same_name = match body.as_object_mut().and_then(|o| o.remove("allow_same_name")) {
        None => false,
        Some(serde_json::Value::Bool(allow)) => allow,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("`allow_same_name` must be true or false, got {other}"),
            ))
        }
    };
    let entity: Entity = serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("malformed entity: {e}"),
        )
    })?;
    let rules = WriteRules { allow_same_name };
    write_with(engine, &request, rules, move |_| Ok(Change::PutEntity { entity })).await
}

pub(crate) async fn delete_entity(
    engine: SharedEngine,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = id.into_inner();
    write(engine, &request, move |engine| {
        Ok(Change::DeleteEntity {
            id: engine.resolve_id(&key)?,
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
        relation.from = engine.resolve_id(&relation.from)?;
        relation.to = engine.resolve_id(&relation.to)?;
        Ok(Change::PutRelation { relation })
    })
    .await
}

/// The relations a delete names: `DELETE /api/relations`'s parameters.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationsToDelete {
    #[serde(deserialize_with = "crate::params::text")]
    from: String,
    #[serde(deserialize_with = "crate::params::text")]
    to: String,
    #[serde(deserialize_with = "crate::params::parsed")]
    kind: RelationKind,
}

pub(crate) async fn delete_relation(engine: SharedEngine, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let RelationsToDelete { from, to, kind } = query(&request)?;
    write(engine, &request, move |engine| {
        Ok(Change::DeleteRelation {
            from: engine.resolve_id(&from)?,
            to: engine.resolve_id(&to)?,
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

/// The body of `POST /api/extract`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtractBody {
    text: String,
}

/// `POST /api/extract {"text"}`: the mentions and relations in a text,
/// linked to the graph; writes nothing.
pub(crate) async fn extract(engine: SharedEngine, body: web::Json<ExtractBody>) -> Result<HttpResponse, ApiError> {
    let text = body.into_inner().text;
    answer(engine, move |engine| engine.extract(&text)).await
}

/// The articles of a `POST /api/documents` body: one article object, an
/// array of them, or `{"articles": [...]}`; `"dry_run": true` beside
/// them plans without writing.
fn articles_of(body: serde_json::Value) -> Result<(Vec<crate::ingest::Article>, bool), ApiError> {
    let mut dry_run = false;
    let list = match body {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut object) => {
            match object.remove("dry_run") {
                None => {}
                Some(serde_json::Value::Bool(flag)) => dry_run = flag,
                Some(other) => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_body",
                        format!("`dry_run` must be true or false, got {other}"),
                    ))
                }
            }
            match object.remove("articles") {
                Some(serde_json::Value::Array(items)) if object.is_empty() => items,
                Some(_) if !object.is_empty() => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_body",
                        "give either `articles` (a list) or one article's fields, not both",
                    ))
                }
                Some(other) => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_body",
                        format!("`articles` must be a list of articles, got {other}"),
                    ))
                }
                None => vec![serde_json::Value::Object(object)],
            }
        }
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("expected an article object, a list of them or {{\"articles\": [...]}}, got {other}"),
            ))
        }
    };
    let articles = list
        .into_iter()
        .enumerate()
        .map(|(at, item)| {
            serde_json::from_value::<crate::ingest::Article>(item).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    format!(
                        "article {}: {e}; an article is {{\"text\", \"title\", \"date\", \"source\", \"id\"}}",
                        at + 1
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((articles, dry_run))
}

/// Articles from which a `POST /api/documents` is planned and written in
/// the idle scheduling class (see `crate::background`): a bulk load that
/// yields to searches, where a post of a few articles, which someone
/// waits for, only runs at a lower priority.
const BULK_ARTICLES: usize = 20;

/// `POST /api/documents`: takes articles in (bearer token); 201 when
/// something was written.
pub(crate) async fn put_documents(
    engine: SharedEngine,
    request: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let (articles, dry_run) = articles_of(body.into_inner())?;
    if !dry_run {
        authorize(&request)?;
    }
    let engine = engine.get();
    let options = crate::IngestOptions {
        dry_run,
        details: true,
        ..crate::IngestOptions::default()
    };
    // planning and writing yield the processor to searches; a bulk post
    // runs only on what they leave
    let bulk = articles.len() >= BULK_ARTICLES;
    let ingest = move || engine.ingest(articles, options);
    let receipt = web::block(move || {
        if bulk {
            crate::background::run_idle(ingest)
        } else {
            crate::background::run(ingest)
        }
    })
    .await???;
    let status = if !receipt.dry_run && receipt.changes > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(receipt))
}

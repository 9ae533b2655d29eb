//! The HTTP API: routes under `/api`, the one JSON error body, request
//! parameter parsing, and the server loop. Handlers are thin: they parse
//! parameters, run the [`Engine`] call on the blocking pool and serialise
//! the same structs the CLI prints with `--json`. [`configure`] is shared by
//! `innograph serve` and the tests.

mod error;
mod metrics;
mod routes;
mod ui;

pub use error::ApiError;
pub use routes::WriteToken;

use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::{web, App, HttpServer};

use crate::Engine;

/// Shared state of the server: the engine answering requests.
pub type SharedEngine = web::Data<EngineSlot>;

/// The engine a server answers with, replaced when the index it serves is
/// rebuilt: a request takes the engine of the moment and keeps it to the
/// end; the next ones get the new one.
pub struct EngineSlot {
    engine: RwLock<Arc<Engine>>,
}

impl EngineSlot {
    pub fn new(engine: Engine) -> EngineSlot {
        EngineSlot {
            engine: RwLock::new(Arc::new(engine)),
        }
    }

    /// The engine of the moment.
    pub fn get(&self) -> Arc<Engine> {
        self.engine.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Opens the live generation of `index_dir` and answers with it, if it
    /// is not the one being served (a build has replaced it). Returns
    /// whether it did.
    ///
    /// # Complexity
    /// A read of the index's `CURRENT` file when nothing changed; an open
    /// of the new generation (seconds at 1M entities) when it did, while
    /// the old one goes on answering.
    pub fn reload_if_rebuilt(&self, index_dir: &Path) -> crate::Result<bool> {
        let live = crate::store::current_generation(index_dir)?;
        if live.as_deref() == Some(self.get().generation()) || live.is_none() {
            return Ok(false);
        }
        let engine = Arc::new(Engine::open(index_dir)?);
        tracing::info!(generation = %engine.generation().display(), "serving the rebuilt index");
        let replaced = std::mem::replace(
            &mut *self.engine.write().unwrap_or_else(PoisonError::into_inner),
            engine,
        );
        // freed once the requests holding it are done, outside the lock
        drop(replaced);
        Ok(true)
    }
}

/// How often a server looks for a rebuilt index.
const RELOAD_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// Largest body `POST /api/documents` takes: a batch of a few thousand
/// news articles.
pub const MAX_DOCUMENTS_BODY: usize = 64 << 20;

/// JSON bodies up to `limit` bytes, errors in the API's JSON form.
fn body_limit(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _| ApiError::bad_body(err).into())
}

/// Registers every route, the JSON error handlers for malformed requests
/// and the JSON 404 for unknown API paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _| ApiError::bad_query(err.to_string()).into()))
        .app_data(body_limit(1 << 20))
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
                .service(
                    web::resource("/documents")
                        .app_data(body_limit(MAX_DOCUMENTS_BODY))
                        .route(web::post().to(routes::put_documents)),
                )
                .route("/documents/{id}", web::get().to(routes::document))
                .service(
                    web::resource("/extract")
                        .app_data(body_limit(crate::ingest::MAX_ARTICLE_BYTES + 4096))
                        .route(web::post().to(routes::extract)),
                )
                .route("/entities/{id}/neighbors", web::get().to(routes::neighbors))
                .route("/paths", web::get().to(routes::paths))
                .route("/match", web::get().to(routes::match_get))
                .route("/match", web::post().to(routes::match_post))
                .route("/graph/common", web::get().to(routes::common))
                .route("/graph/centrality", web::get().to(routes::centrality))
                .route("/graph/clusters", web::get().to(routes::clusters))
                .route("/graph/timeline", web::get().to(routes::timeline))
                .route("/graph/equity", web::get().to(routes::equity))
                .route("/graph/recent", web::get().to(routes::recent))
                .route("/kinds", web::get().to(routes::kinds))
                .route("/openapi.json", web::get().to(routes::openapi))
                .default_service(web::to(routes::not_found)),
        )
        .route("/metrics", web::get().to(metrics::metrics))
        .configure(ui::configure);
}

/// Serves the API on `addr` until the process is stopped. Writes need
/// `token` as a bearer token; with none, writes are refused.
pub async fn serve(engine: Engine, addr: &str, token: Option<String>) -> std::io::Result<()> {
    let index_dir = engine.generation().parent().map(Path::to_path_buf);
    let data: SharedEngine = web::Data::new(EngineSlot::new(engine));
    if let Some(index_dir) = index_dir {
        let slot = data.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(RELOAD_CHECK);
            if let Err(error) = slot.reload_if_rebuilt(&index_dir) {
                tracing::error!(%error, "the rebuilt index could not be opened; still serving the one before");
            }
        });
    }
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

//! Changes through the HTTP API: the bearer token, each write endpoint,
//! what later queries see, and that acknowledged changes survive a restart,
//! a compaction and a rebuild of the corpus.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::{test, web, App};
use innograph::api::WriteToken;
use innograph::graph::{PersistentGraph, ARCHIVE_FILE};
use innograph::Engine;
use serde_json::{json, Value};

const TOKEN: &str = "test-token-4f9a";

fn fresh_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    (dir, index)
}

macro_rules! app {
    ($index:expr, $token:expr) => {{
        let engine = Engine::open($index).expect("index opens");
        test::init_service(
            App::new()
                .app_data(web::Data::new(Arc::new(engine)))
                .app_data(web::Data::new(WriteToken($token)))
                .configure(innograph::api::configure),
        )
        .await
    }};
}

/// Sends a request; `auth` is the bearer token to present, if any.
async fn call(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    method: &str,
    uri: &str,
    body: Option<Value>,
    auth: Option<&str>,
) -> (u16, Value) {
    let mut request = match method {
        "GET" => test::TestRequest::get(),
        "POST" => test::TestRequest::post(),
        "DELETE" => test::TestRequest::delete(),
        other => panic!("method {other}"),
    }
    .uri(uri);
    if let Some(token) = auth {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    if let Some(body) = body {
        request = request.set_json(body);
    }
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let bytes = test::read_body(response).await;
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("{method} {uri}: not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn new_enterprise() -> Value {
    json!({
        "id": "ent_api_sodium",
        "kind": "enterprise",
        "name": "青岛钠源储能科技有限公司",
        "aliases": ["钠源储能"],
        "description": "研发钠离子电池与电网级储能系统的初创企业",
        "location": "青岛高新区"
    })
}

fn new_relation() -> Value {
    json!({
        "from": "钠源储能",
        "to": "喜海生物",
        "kind": "collaborates_with",
        "since": "2025-05",
        "evidence": [{"doc": "doc_api_note", "quote": "钠源储能与喜海生物签署合作协议"}]
    })
}

fn search_ids(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

/// What a restarted engine must still show of the changes.
fn assert_changes_kept(index: &Path) {
    let engine = Engine::open(index).unwrap();
    let view = engine.entity("钠源储能").expect("the added entity is there");
    assert_eq!(view.entity.id, "ent_api_sodium");
    let partner = view
        .relations
        .iter()
        .find(|r| r.other.name == "喜海生物")
        .expect("the added relation is there");
    assert_eq!(partner.since.as_deref(), Some("2025-05"));
    assert_eq!(partner.evidence[0].quote, "钠源储能与喜海生物签署合作协议");
    let hits = engine
        .search(&innograph::search::SearchRequest::new("钠离子电池", 10))
        .unwrap();
    assert!(
        hits.hits.iter().any(|h| h.id == "ent_api_sodium"),
        "searchable after restart"
    );
    let suggestions = engine.suggest("钠源", 10).unwrap();
    assert!(suggestions.suggestions.iter().any(|s| s.entity.id == "ent_api_sodium"));
}

#[actix_web::test]
async fn writes_need_the_configured_token() {
    let (_dir, index) = fresh_index();
    let closed = app!(&index, None);
    let (status, body) = call(&closed, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("writes_disabled")),
        "{body}"
    );

    let open = app!(&index, Some(TOKEN.to_string()));
    let (status, body) = call(&open, "POST", "/api/entities", Some(new_enterprise()), None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized")),
        "{body}"
    );
    let (status, body) = call(&open, "POST", "/api/entities", Some(new_enterprise()), Some("wrong")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized")),
        "{body}"
    );
    let (status, _) = call(&open, "GET", "/api/entities/ent_api_sodium", None, None).await;
    assert_eq!(status, 404, "refused writes leave nothing behind");
}

#[actix_web::test]
async fn changes_answer_queries_and_survive_a_restart() {
    let (_dir, index) = fresh_index();
    {
        let app = app!(&index, Some(TOKEN.to_string()));
        let auth = Some(TOKEN);

        let (status, body) = call(&app, "POST", "/api/entities", Some(new_enterprise()), auth).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["created"], true);
        assert_eq!(body["op"], "put_entity");
        let (status, body) = call(&app, "POST", "/api/entities", Some(new_enterprise()), auth).await;
        assert_eq!(
            (status, &body["created"]),
            (200, &json!(false)),
            "a second put replaces"
        );

        // searchable and suggested at once
        let (_, body) = call(
            &app,
            "GET",
            &format!("/api/search?q={}", encode("钠离子电池")),
            None,
            None,
        )
        .await;
        assert!(search_ids(&body).contains(&"ent_api_sodium".to_string()), "{body}");
        let (_, body) = call(&app, "GET", &format!("/api/suggest?q={}", encode("钠源")), None, None).await;
        assert_eq!(body["suggestions"][0]["id"], "ent_api_sodium", "{body}");

        // a relation between an alias and a name
        let (status, body) = call(&app, "POST", "/api/relations", Some(new_relation()), auth).await;
        assert_eq!(status, 201, "{body}");
        let uri = format!("/api/paths?from=ent_api_sodium&to={}", encode("喜海生物"));
        let (_, body) = call(&app, "GET", &uri, None, None).await;
        let path = &body["paths"][0];
        assert_eq!(path["length"], 1, "{body}");
        assert_eq!(path["edges"][0]["kind"], "collaborates_with");
        assert_eq!(path["edges"][0]["evidence"][0]["doc"], "doc_api_note");

        // bad writes: each a 4xx naming what to fix, nothing applied
        let mut unknown_end = new_relation();
        unknown_end["to"] = json!("不存在的公司");
        let (status, body) = call(&app, "POST", "/api/relations", Some(unknown_end), auth).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("entity_not_found")),
            "{body}"
        );
        let mut bad_date = new_relation();
        bad_date["since"] = json!("May 2025");
        let (status, body) = call(&app, "POST", "/api/relations", Some(bad_date), auth).await;
        assert_eq!(status, 400, "{body}");
        let mut bad_kind = new_enterprise();
        bad_kind["kind"] = json!("spaceship");
        let (status, body) = call(&app, "POST", "/api/entities", Some(bad_kind), auth).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_body")),
            "{body}"
        );
        let mut blank_name = new_enterprise();
        blank_name["name"] = json!("  ");
        let (status, body) = call(&app, "POST", "/api/entities", Some(blank_name), auth).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_parameter")),
            "{body}"
        );
        let (status, body) = call(&app, "DELETE", "/api/relations?from=ent_api_sodium", None, auth).await;
        assert_eq!(status, 400, "{body}");

        // delete the relation, then put it back
        let uri = format!(
            "/api/relations?from=ent_api_sodium&to={}&kind=collaborates_with",
            encode("喜海生物")
        );
        let (status, body) = call(&app, "DELETE", &uri, None, auth).await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = call(&app, "GET", "/api/entities/ent_api_sodium", None, None).await;
        assert_eq!(body["relations"].as_array().unwrap().len(), 0, "{body}");
        let (status, _) = call(&app, "POST", "/api/relations", Some(new_relation()), auth).await;
        assert_eq!(status, 201);

        let (_, body) = call(&app, "GET", "/api/stats", None, None).await;
        assert_eq!(body["pending_changes"], 5, "{body}");
    }
    // a restart replays the log
    assert_changes_kept(&index);

    // deleting by name removes the entity from the graph and from search
    let app = app!(&index, Some(TOKEN.to_string()));
    let uri = format!("/api/entities/{}", encode("钠源储能"));
    let (status, body) = call(&app, "DELETE", &uri, None, Some(TOKEN)).await;
    assert_eq!((status, body["op"].as_str()), (200, Some("delete_entity")), "{body}");
    let (status, _) = call(&app, "GET", "/api/entities/ent_api_sodium", None, None).await;
    assert_eq!(status, 404);
    let (_, body) = call(
        &app,
        "GET",
        &format!("/api/search?q={}", encode("钠离子电池")),
        None,
        None,
    )
    .await;
    assert!(!search_ids(&body).contains(&"ent_api_sodium".to_string()), "{body}");
    drop(app);
    let engine = Engine::open(&index).unwrap();
    assert!(
        engine.entity("ent_api_sodium").is_err(),
        "the delete survives a restart"
    );
}

#[actix_web::test]
async fn a_rebuild_keeps_changes_made_before_and_after_a_compaction() {
    let (_dir, index) = fresh_index();
    {
        let app = app!(&index, Some(TOKEN.to_string()));
        let (status, _) = call(&app, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
        assert_eq!(status, 201);
    }
    // fold the first change into the snapshot (and the archive)
    let generation = innograph::store::current_generation(&index).unwrap().unwrap();
    let mut graph = PersistentGraph::open(&generation).unwrap();
    graph.compact().unwrap();
    assert_eq!(graph.pending(), 0);
    drop(graph);
    assert!(generation.join(ARCHIVE_FILE).is_file());
    {
        let app = app!(&index, Some(TOKEN.to_string()));
        let (status, body) = call(&app, "POST", "/api/relations", Some(new_relation()), Some(TOKEN)).await;
        assert_eq!(status, 201, "{body}");
    }
    assert_changes_kept(&index);

    // a new build of the same corpus carries both changes over
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    let rebuilt = innograph::store::current_generation(&index).unwrap().unwrap();
    assert_ne!(rebuilt, generation);
    assert_changes_kept(&index);
    assert_eq!(
        Engine::open(&index).unwrap().pending_changes(),
        0,
        "carried changes are folded"
    );
}

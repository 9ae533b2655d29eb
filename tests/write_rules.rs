//! Writes held to the corpus rules, driven through HTTP: names another
//! entity has, evidence that must quote a real document, self-links, bad
//! dates and kinds, stray quote marks, and deletes that say what they did.
//! After the refused writes, everything the corpus had still resolves.

use std::collections::HashMap;

use innograph::Engine;
use serde_json::{json, Value};

use crate::common::api::{app, assert_error, call, encode, get};

const TOKEN: &str = "rules-token-81c2";

macro_rules! writable {
    ($index:expr) => {
        app(Engine::open($index).expect("index opens"), Some(TOKEN)).await
    };
}

/// Every entity of the curated corpus: id and name.
fn corpus_entities() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(crate::common::curated_corpus().join("entities.jsonl")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn pending(app: &impl crate::common::api::Api) -> u64 {
    let (_, stats) = get(app, "/api/stats").await;
    stats["pending_changes"].as_u64().unwrap()
}

#[actix_web::test]
async fn writes_follow_the_corpus_rules_and_break_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    let app = writable!(&index);
    let post = |uri: &'static str, body: Value| {
        let app = &app;
        async move { call(app, "POST", uri, Some(body), Some(TOKEN)).await }
    };

    // a name another entity has is refused, naming the holder
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_x", "kind": "enterprise", "name": "海尔生物"}),
    )
    .await;
    assert_error(status, &body, 409, "name_taken");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("ent_haier_bio"),
        "{body}"
    );
    // an alias too, after normalisation (full-width, case)
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_y", "kind": "enterprise", "name": "新名字科技", "aliases": ["ＧＡＯＣＥ"]}),
    )
    .await;
    assert_error(status, &body, 409, "name_taken");
    // stray quote marks around an alias are dropped, as the loader does
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_sodium", "kind": "enterprise", "name": "“钠源储能”", "aliases": ["“钠源”"]}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (_, body) = get(&app, "/api/entities/ent_sodium").await;
    assert_eq!(body["name"], "钠源储能");
    assert_eq!(body["aliases"], json!(["钠源"]));
    // replacing an entity keeps its own names
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_sodium", "kind": "enterprise", "name": "钠源储能", "aliases": ["钠源"], "description": "储能"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // bad kinds, blank names and stray fields are refused
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_z", "kind": "startup", "name": "某公司"}),
    )
    .await;
    assert_error(status, &body, 400, "invalid_body");
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_z", "kind": "enterprise", "name": " “” "}),
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = post(
        "/api/entities",
        json!({"id": "ent_z", "kind": "enterprise", "name": "某公司", "allow_same_name": "yes"}),
    )
    .await;
    assert_error(status, &body, 400, "invalid_body");

    // evidence must quote a document the index holds
    let relation = |doc: &str, quote: &str| {
        json!({"from": "钠源储能", "to": "喜海生物", "kind": "collaborates_with", "since": "2025-05",
               "evidence": [{"doc": doc, "quote": quote}]})
    };
    let before = pending(&app).await;
    let (status, body) = post("/api/relations", relation("doc_made_up", "钠源储能与喜海生物签约")).await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("unknown document `doc_made_up`"));
    let (status, body) = post(
        "/api/relations",
        relation("doc_incubation_chain", "钠源储能与喜海生物签约"),
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("quote not found"));
    // an entity cited as a document is not one
    let (status, body) = post("/api/relations", relation("ent_gaoce", "高测")).await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert_eq!(pending(&app).await, before, "refused writes log nothing");
    let (status, body) = post(
        "/api/relations",
        relation("doc_incubation_chain", "组建了喜海生物科技有限公司"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // a link to itself, a bad date
    let (status, body) = post(
        "/api/relations",
        json!({"from": "钠源储能", "to": "ent_sodium", "kind": "collaborates_with"}),
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("itself"), "{body}");
    let (status, body) = post(
        "/api/relations",
        json!({"from": "钠源储能", "to": "喜海生物", "kind": "founded", "since": "2025-02-30"}),
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");

    // deletes say what they did
    let before = pending(&app).await;
    let uri = format!(
        "/api/relations?from={}&to={}&kind=invests_in",
        encode("钠源储能"),
        encode("喜海生物")
    );
    let (status, body) = call(&app, "DELETE", &uri, None, Some(TOKEN)).await;
    assert_error(status, &body, 404, "relation_not_found");
    assert_eq!(pending(&app).await, before);
    let uri = format!(
        "/api/relations?from={}&to={}&kind=collaborates_with",
        encode("钠源储能"),
        encode("喜海生物")
    );
    let (status, body) = call(&app, "DELETE", &uri, None, Some(TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(pending(&app).await, before + 1);
    let (status, body) = call(&app, "DELETE", &uri, None, Some(TOKEN)).await;
    assert_error(status, &body, 404, "relation_not_found");
    assert_eq!(pending(&app).await, before + 1, "a repeated delete changes nothing");
    let (status, body) = call(&app, "DELETE", "/api/entities/ent_nobody", None, Some(TOKEN)).await;
    assert_error(status, &body, 404, "entity_not_found");

    // nothing the corpus had stopped resolving, by id or by name
    let mut names: HashMap<String, usize> = HashMap::new();
    let entities = corpus_entities();
    for (_, name) in &entities {
        *names.entry(name.clone()).or_default() += 1;
    }
    for (id, name) in &entities {
        let (status, body) = get(&app, &format!("/api/entities/{}", encode(id))).await;
        assert_eq!(status, 200, "{id}: {body}");
        if names[name] == 1 {
            let (status, body) = get(&app, &format!("/api/entities/{}", encode(name))).await;
            assert_eq!(
                (status, body["id"].as_str()),
                (200, Some(id.as_str())),
                "{name}: {body}"
            );
        }
    }

    // a different entity of the same name, on purpose: lookups by the
    // shared name then list both
    let (status, body) = post(
        "/api/entities",
        json!({"id": "per_namesake", "kind": "person", "name": "杨建明", "allow_same_name": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = get(&app, &format!("/api/entities/{}", encode("杨建明"))).await;
    assert_error(status, &body, 400, "ambiguous_name");
    let candidates = body["error"]["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 2, "{body}");
    assert!(candidates
        .iter()
        .any(|c| c.as_str().unwrap().contains("per_yang_jianming")));
}

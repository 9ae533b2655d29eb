//! Changes through the HTTP API: the bearer token, each write endpoint,
//! what later queries see, and that acknowledged changes survive a restart,
//! a compaction and a rebuild of the corpus.

use std::path::{Path, PathBuf};

use innograph::store::ARCHIVE_FILE;
use innograph::Engine;
use serde_json::{json, Value};

use crate::common::api::{app, assert_error, call, encode, get};

const TOKEN: &str = "test-token-4f9a";

fn fresh_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    (dir, index)
}

/// The API over the index at `index`, taking writes with [`TOKEN`].
macro_rules! writable {
    ($index:expr) => {
        app(Engine::open($index).expect("index opens"), Some(TOKEN)).await
    };
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
        "evidence": [{"doc": "doc_incubation_chain", "quote": "组建了喜海生物科技有限公司"}]
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
    assert_eq!(partner.facts.since.as_deref(), Some("2025-05"));
    assert_eq!(partner.facts.evidence[0].quote, "组建了喜海生物科技有限公司");
    let hits = engine
        .search(&innograph::search::SearchRequest::new("钠离子电池", 10))
        .unwrap();
    assert!(
        hits.hits.iter().any(|h| h.id == "ent_api_sodium"),
        "searchable after restart"
    );
    let suggestions = engine
        .suggest(&innograph::search::SuggestRequest::new("钠源", 10))
        .unwrap();
    assert!(suggestions.suggestions.iter().any(|s| s.entity.id == "ent_api_sodium"));
}

#[actix_web::test]
async fn writes_need_the_configured_token() {
    let (_dir, index) = fresh_index();
    let closed = app(Engine::open(&index).unwrap(), None).await;
    let (status, body) = call(&closed, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
    assert_error(status, &body, 403, "writes_disabled");

    let open = writable!(&index);
    let (status, body) = call(&open, "POST", "/api/entities", Some(new_enterprise()), None).await;
    assert_error(status, &body, 401, "unauthorized");
    let (status, body) = call(&open, "POST", "/api/entities", Some(new_enterprise()), Some("wrong")).await;
    assert_error(status, &body, 401, "unauthorized");
    let (status, _) = get(&open, "/api/entities/ent_api_sodium").await;
    assert_eq!(status, 404, "refused writes leave nothing behind");
}

#[actix_web::test]
async fn changes_answer_queries_and_survive_a_restart() {
    let (_dir, index) = fresh_index();
    {
        let app = writable!(&index);
        let auth = Some(TOKEN);
        let (_, health) = get(&app, "/api/health").await;
        let entities_before = health["entities"].as_u64().unwrap();

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
        let (_, body) = get(&app, &format!("/api/search?q={}", encode("钠离子电池"))).await;
        assert!(search_ids(&body).contains(&"ent_api_sodium".to_string()), "{body}");
        let (_, body) = get(&app, &format!("/api/suggest?q={}", encode("钠源"))).await;
        assert_eq!(body["suggestions"][0]["id"], "ent_api_sodium", "{body}");

        // a relation between an alias and a name
        let (status, body) = call(&app, "POST", "/api/relations", Some(new_relation()), auth).await;
        assert_eq!(status, 201, "{body}");
        let uri = format!("/api/paths?from=ent_api_sodium&to={}", encode("喜海生物"));
        let (_, body) = get(&app, &uri).await;
        let path = &body["paths"][0];
        assert_eq!(path["length"], 1, "{body}");
        assert_eq!(path["edges"][0]["kind"], "collaborates_with");
        assert_eq!(path["edges"][0]["evidence"][0]["doc"], "doc_incubation_chain");

        // bad writes: each a 4xx naming what to fix, nothing applied
        let with = |mut body: Value, field: &str, value: Value| {
            body[field] = value;
            Some(body)
        };
        let bad_writes = [
            (
                "POST",
                "/api/relations",
                with(new_relation(), "to", json!("不存在的公司")),
                404,
                "entity_not_found",
            ),
            (
                "POST",
                "/api/relations",
                with(new_relation(), "since", json!("May 2025")),
                400,
                "invalid_parameter",
            ),
            (
                "POST",
                "/api/entities",
                with(new_enterprise(), "kind", json!("spaceship")),
                400,
                "invalid_body",
            ),
            (
                "POST",
                "/api/entities",
                with(new_enterprise(), "name", json!("  ")),
                400,
                "invalid_parameter",
            ),
            (
                "DELETE",
                "/api/relations?from=ent_api_sodium",
                None,
                400,
                "invalid_parameter",
            ),
            (
                "POST",
                "/api/entities",
                with(
                    new_enterprise(),
                    "aliases",
                    json!((0..=innograph::model::MAX_ALIASES)
                        .map(|i| format!("别名{i}"))
                        .collect::<Vec<_>>()),
                ),
                400,
                "invalid_parameter",
            ),
        ];
        for (method, uri, body, want_status, code) in bad_writes {
            let (status, answer) = call(&app, method, uri, body, auth).await;
            assert_error(status, &answer, want_status, code);
        }

        // delete the relation, then put it back
        let uri = format!(
            "/api/relations?from=ent_api_sodium&to={}&kind=collaborates_with",
            encode("喜海生物")
        );
        let (status, body) = call(&app, "DELETE", &uri, None, auth).await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = get(&app, "/api/entities/ent_api_sodium").await;
        assert_eq!(body["relations"].as_array().unwrap().len(), 0, "{body}");
        let (status, _) = call(&app, "POST", "/api/relations", Some(new_relation()), auth).await;
        assert_eq!(status, 201);

        let (_, body) = get(&app, "/api/stats").await;
        assert_eq!(body["pending_changes"], 5, "{body}");
        assert_eq!(body["entities"], entities_before + 1, "{body}");
        let (_, health) = get(&app, "/api/health").await;
        assert_eq!(health["entities"], entities_before + 1, "{health}");
    }
    // a restart replays the log
    assert_changes_kept(&index);

    // deleting by name removes the entity from the graph and from search
    let app = writable!(&index);
    let uri = format!("/api/entities/{}", encode("钠源储能"));
    let (status, body) = call(&app, "DELETE", &uri, None, Some(TOKEN)).await;
    assert_eq!((status, body["op"].as_str()), (200, Some("delete_entity")), "{body}");
    let (status, _) = get(&app, "/api/entities/ent_api_sodium").await;
    assert_eq!(status, 404);
    let (_, body) = get(&app, &format!("/api/search?q={}", encode("钠离子电池"))).await;
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
    let generation = innograph::store::current_generation(&index).unwrap().unwrap();
    {
        // the first change is folded into the snapshot (and the archive)
        let app = app(Engine::open(&index).unwrap().compacting_after(1), Some(TOKEN)).await;
        let (status, body) = call(&app, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
        assert_eq!(
            (status, &body["compacted"], &body["pending_changes"]),
            (201, &json!(true), &json!(0))
        );
    }
    assert!(generation.join(ARCHIVE_FILE).is_file());
    {
        let app = writable!(&index);
        let (status, body) = call(&app, "POST", "/api/relations", Some(new_relation()), Some(TOKEN)).await;
        assert_eq!((status, &body["pending_changes"]), (201, &json!(1)), "{body}");
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
        "carried changes are in the snapshot"
    );
    assert_eq!(
        std::fs::read_to_string(rebuilt.join(ARCHIVE_FILE))
            .unwrap()
            .lines()
            .count(),
        2,
        "and in the new archive"
    );
}

#[actix_web::test]
async fn suggestions_follow_a_compaction_that_renumbers_entities() {
    let (_dir, index) = fresh_index();
    let app = app(Engine::open(&index).unwrap().compacting_after(4), Some(TOKEN)).await;
    let mut second = new_enterprise();
    second["id"] = json!("ent_api_second");
    second["name"] = json!("青岛第二钠能科技有限公司");
    second["aliases"] = json!(["第二钠能"]);
    for body in [new_enterprise(), second] {
        let (status, answer) = call(&app, "POST", "/api/entities", Some(body), Some(TOKEN)).await;
        assert_eq!(status, 201, "{answer}");
    }
    let (status, body) = call(&app, "DELETE", "/api/entities/ent_api_sodium", None, Some(TOKEN)).await;
    assert_eq!((status, &body["compacted"]), (200, &json!(false)), "{body}");
    // the fourth change, a relation, folds the log: the snapshot drops the
    // deleted entity's slot, so the second entity moves to another position
    let mut relation = new_relation();
    relation["from"] = json!("ent_api_second");
    let (status, body) = call(&app, "POST", "/api/relations", Some(relation), Some(TOKEN)).await;
    assert_eq!((status, &body["compacted"]), (201, &json!(true)), "{body}");
    let (_, body) = get(&app, &format!("/api/suggest?q={}", encode("第二钠能"))).await;
    assert_eq!(body["suggestions"][0]["id"], "ent_api_second", "{body}");
    assert_eq!(body["suggestions"][0]["name"], "青岛第二钠能科技有限公司", "{body}");
    let (_, body) = get(&app, &format!("/api/suggest?q={}", encode("钠源"))).await;
    assert!(
        body["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != "ent_api_sodium"),
        "{body}"
    );
}

#[actix_web::test]
async fn changes_logged_before_a_crash_reach_search_at_the_next_open() {
    let (_dir, index) = fresh_index();
    let generation = innograph::store::current_generation(&index).unwrap().unwrap();
    let entity: innograph::model::Entity = serde_json::from_value(new_enterprise()).unwrap();
    let found = |engine: Engine| async move {
        let app = app(engine, None).await;
        let (_, body) = get(&app, &format!("/api/search?q={}", encode("钠离子电池"))).await;
        let (_, suggested) = get(&app, &format!("/api/suggest?q={}", encode("钠源"))).await;
        (
            search_ids(&body).contains(&"ent_api_sodium".to_string()),
            suggested["suggestions"].as_array().unwrap().len(),
        )
    };
    // what a crash after the log append leaves: the change in the graph
    // log, not in the search index
    let mut logged = innograph::graph::PersistentGraph::open(innograph::store::graph_files(&generation)).unwrap();
    logged.apply(innograph::model::Change::PutEntity { entity }).unwrap();
    drop(logged);
    assert_eq!(found(Engine::open(&index).unwrap()).await, (true, 1));
    assert_eq!(
        found(Engine::open(&index).unwrap()).await,
        (true, 1),
        "and at the open after"
    );

    let mut logged = innograph::graph::PersistentGraph::open(innograph::store::graph_files(&generation)).unwrap();
    logged
        .apply(innograph::model::Change::DeleteEntity {
            id: "ent_api_sodium".into(),
        })
        .unwrap();
    drop(logged);
    assert_eq!(found(Engine::open(&index).unwrap()).await, (false, 0));
}

#[actix_web::test]
async fn a_build_and_a_server_taking_changes_exclude_each_other() {
    let (_dir, index) = fresh_index();
    let corpus = crate::common::curated_corpus();
    // a server that has taken a change holds the index: a build fails at once
    let app = writable!(&index);
    let (status, _) = call(&app, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
    assert_eq!(status, 201);
    let busy = innograph::store::build(&corpus, &index, &mut |_| {});
    assert!(matches!(busy, Err(innograph::Error::IndexBusy { .. })), "{busy:?}");
    drop(app);
    // once it is gone the build runs, and carries the change over
    innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
    assert!(Engine::open(&index).unwrap().entity("ent_api_sodium").is_ok());

    // a server opened before a build refuses changes after it: they would
    // go to the generation the build replaced
    let stale = writable!(&index);
    innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
    let (status, body) = call(&stale, "POST", "/api/relations", Some(new_relation()), Some(TOKEN)).await;
    assert_error(status, &body, 409, "index_replaced");
    let reopened = writable!(&index);
    let (_, view) = get(&reopened, "/api/entities/ent_api_sodium").await;
    assert_eq!(
        view["relations"].as_array().unwrap().len(),
        0,
        "the refused change is nowhere: {view}"
    );
    let (status, _) = call(&reopened, "POST", "/api/relations", Some(new_relation()), Some(TOKEN)).await;
    assert_eq!(status, 201, "a server opened after the build takes it");
}

#[actix_web::test]
async fn a_failed_compaction_keeps_the_change_and_stops_later_writes() {
    let (_dir, index) = fresh_index();
    let generation = innograph::store::current_generation(&index).unwrap().unwrap();
    let snapshot = generation.join("graph.bin");
    let engine = Engine::open(&index).unwrap().compacting_after(1);
    let slot = actix_web::web::Data::new(innograph::api::EngineSlot::new(engine));
    let app = crate::common::api::app_over(slot.clone(), Some(TOKEN)).await;
    // the snapshot cannot be replaced: a directory stands in its place
    let kept = generation.join("graph.bin.kept");
    std::fs::rename(&snapshot, &kept).unwrap();
    std::fs::create_dir(&snapshot).unwrap();
    std::fs::write(snapshot.join("in-the-way"), "x").unwrap();

    // the write begins a fold, which fails in the background
    let (status, body) = call(&app, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
    assert_eq!((status, &body["compacted"]), (201, &json!(true)), "{body}");
    let failed = slot.get().wait_for_fold();
    assert!(
        matches!(failed, Err(innograph::Error::WritesStopped { .. })),
        "{failed:?}"
    );
    let (status, _) = get(&app, "/api/entities/ent_api_sodium").await;
    assert_eq!(status, 200, "the logged change is applied");
    let (status, body) = call(&app, "POST", "/api/relations", Some(new_relation()), Some(TOKEN)).await;
    assert_error(status, &body, 503, "writes_stopped");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("restarts"),
        "{body}"
    );
    drop(app);
    drop(slot);

    // restarted with its snapshot back, the change is there, from the log
    std::fs::remove_dir_all(&snapshot).unwrap();
    std::fs::rename(&kept, &snapshot).unwrap();
    let engine = Engine::open(&index).unwrap();
    assert!(engine.entity("ent_api_sodium").is_ok());
    assert_eq!(engine.pending_changes(), 1);
}

#[actix_web::test]
async fn a_server_answers_with_the_index_rebuilt_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    for entry in walkdir::WalkDir::new(crate::common::curated_corpus()) {
        let entry = entry.unwrap();
        let target = corpus.join(entry.path().strip_prefix(crate::common::curated_corpus()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let index = dir.path().join("index");
    innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
    let slot = actix_web::web::Data::new(innograph::api::EngineSlot::new(Engine::open(&index).unwrap()));
    let app = crate::common::api::app_over(slot.clone(), Some(TOKEN)).await;
    assert!(!slot.reload_if_rebuilt(&index).unwrap(), "nothing rebuilt yet");

    // the corpus gains an entity and the index is rebuilt under the server
    let mut entities = std::fs::read_to_string(corpus.join("entities.jsonl")).unwrap();
    entities.push_str(
        &json!({"id": "ent_rebuilt", "kind": "enterprise", "name": "重建后新增企业", "description": "重建索引后才有的企业"})
            .to_string(),
    );
    entities.push('\n');
    std::fs::write(corpus.join("entities.jsonl"), entities).unwrap();
    innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
    let (status, _) = get(&app, "/api/entities/ent_rebuilt").await;
    assert_eq!(status, 404, "still the index it opened");

    assert!(slot.reload_if_rebuilt(&index).unwrap());
    let (status, body) = get(&app, "/api/entities/ent_rebuilt").await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = get(&app, &format!("/api/search?q={}", encode("重建后新增企业"))).await;
    assert!(search_ids(&body).contains(&"ent_rebuilt".to_string()), "{body}");
    // and it takes changes again, into the new generation
    let (status, _) = call(&app, "POST", "/api/entities", Some(new_enterprise()), Some(TOKEN)).await;
    assert_eq!(status, 201);
    assert!(!slot.reload_if_rebuilt(&index).unwrap());
    assert!(Engine::open(&index).unwrap().entity("ent_api_sodium").is_ok());
}

#[test]
fn a_batch_is_written_whole_or_not_at_all_and_survives_a_restart() {
    use innograph::model::{Change, Document, Entity, EntityKind, Evidence, Relation, RelationKind};
    let (_dir, index) = fresh_index();
    let engine = Engine::open(&index).unwrap();
    let document = Document {
        id: "doc_ingested_sodium".into(),
        title: "钠源储能落户高新区".into(),
        text: "青岛钠源储能科技有限公司近日落户青岛高新区。该公司研发钠离子电池。".into(),
        date: "2025-06-01".into(),
        ..Default::default()
    };
    let sodium = Entity {
        id: "ent_batch_sodium".into(),
        kind: EntityKind::Enterprise,
        name: "青岛钠源储能科技有限公司".into(),
        aliases: vec!["钠源储能".into()],
        description: String::new(),
        industry: vec![],
        location: String::new(),
        props: Default::default(),
    };
    let quote = "青岛钠源储能科技有限公司近日落户青岛高新区。";
    let relation = |from: &str, kind| Relation {
        from: from.into(),
        to: if kind == RelationKind::Mentions {
            "ent_batch_sodium"
        } else {
            "zone_qingdao_hitech"
        }
        .into(),
        kind,
        since: None,
        amount: None,
        unit: None,
        props: Default::default(),
        evidence: vec![Evidence {
            doc: "doc_ingested_sodium".into(),
            quote: quote.into(),
        }],
    };
    let good = vec![
        Change::PutDocument {
            document: document.clone(),
        },
        Change::PutEntity { entity: sodium.clone() },
        // cites the document and links the entity the batch adds
        Change::PutRelation {
            relation: relation("ent_batch_sodium", RelationKind::LocatedIn),
        },
        Change::PutRelation {
            relation: relation("doc_ingested_sodium", RelationKind::Mentions),
        },
    ];
    // a change that does not fit, last: nothing of the batch is written
    let mut bad = good.clone();
    bad.push(Change::PutRelation {
        relation: relation("ent_nowhere", RelationKind::LocatedIn),
    });
    assert!(engine.write_batch(bad, Default::default()).is_err());
    assert!(
        engine.entity("钠源储能").is_err(),
        "nothing of a refused batch is there"
    );
    assert_eq!(engine.pending_changes(), 0);
    // a quote that is not in the document it cites names the change
    let mut misquoted = good.clone();
    if let Change::PutRelation { relation } = &mut misquoted[2] {
        relation.evidence[0].quote = "不在文中的一句话".into();
    }
    let error = engine.write_batch(misquoted, Default::default()).unwrap_err();
    assert!(error.to_string().contains("change 3 of 4"), "{error}");

    let receipt = engine.write_batch(good, Default::default()).unwrap();
    assert_eq!(receipt.changes.len(), 4);
    assert!(receipt.changes.iter().all(|c| c.created), "{receipt:?}");
    assert_eq!(receipt.changes[0].op, "put_document");
    assert_eq!(receipt.pending_changes, 4);
    drop(engine);

    let engine = Engine::open(&index).unwrap();
    let view = engine.entity("钠源储能").unwrap();
    assert!(view.relations.iter().any(|r| r.other.id == "zone_qingdao_hitech"));
    let mentioned = view
        .relations
        .iter()
        .find(|r| r.other.id == "doc_ingested_sodium")
        .expect("the document that mentions it");
    assert_eq!(mentioned.other.kind, EntityKind::Document);
    let hits = engine
        .search(&innograph::search::SearchRequest::new("钠离子电池", 10))
        .unwrap();
    assert!(
        hits.hits
            .iter()
            .any(|h| h.id == "doc_ingested_sodium" && h.kind == "document"),
        "the document is searchable after a restart: {hits:?}"
    );
    // an entity cannot take a document's id, nor be written as a document
    let mut clash = sodium;
    clash.id = "doc_ingested_sodium".into();
    clash.name = "别的名字".into();
    clash.aliases.clear();
    assert!(engine.write(Change::PutEntity { entity: clash }).is_err());
}

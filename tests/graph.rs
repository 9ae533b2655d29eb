//! Relationship exploration over the curated corpus: the paths a user asks
//! for come back with evidence on every edge; traversals that run out of
//! budget say so (truncated, or `budget_exceeded`); changes logged to the
//! write-ahead log survive a restart, a torn last record and compaction.

use std::path::PathBuf;
use std::time::Duration;

use innograph::graph::{Budget, NeighborsRequest, PathsRequest, PersistentGraph};
use innograph::model::Change;
use innograph::model::{Direction, Entity, EntityKind, Evidence, Relation, RelationKind};
use innograph::store::LOG_FILE;
use innograph::Engine;

use crate::common::engine;

/// A traversal budget of `max_visits` adjacency entries and `max_time`.
fn budget(max_visits: usize, max_time: Duration) -> Option<Budget> {
    Some(Budget { max_visits, max_time })
}

#[test]
fn professor_to_the_incubator_of_his_teams_spin_off() {
    let response = engine()
        .paths(&PathsRequest::between("杨建明", "青岛市工业技术研究院"))
        .unwrap();
    let path = &response.paths[0];
    assert_eq!(path.length, 2);
    assert_eq!(path.nodes[1].id, "ent_xihai_bio", "through the spin-off");
    // the institute both incubated and co-founded it; the hop names the strongest link
    assert!(matches!(
        path.edges[1].kind,
        RelationKind::IncubatedBy | RelationKind::Founded
    ));
    let incubation = engine()
        .paths(&PathsRequest {
            relations: vec![RelationKind::IncubatedBy],
            ..PathsRequest::between("喜海生物", "青岛市工业技术研究院")
        })
        .unwrap();
    assert_eq!(incubation.paths[0].length, 1);
    assert!(path.edges.iter().all(|e| !e.facts.evidence.is_empty()));
}

#[test]
fn investor_to_the_zone_and_k_paths() {
    let response = engine()
        .paths(&PathsRequest {
            k: 5,
            ..PathsRequest::between("阿斯利康", "青岛高新区")
        })
        .unwrap();
    assert!(response.paths.len() >= 3, "{}", response.paths.len());
    assert!(response.paths.windows(2).all(|w| w[0].length <= w[1].length));
    for path in &response.paths {
        assert_eq!(path.edges.len(), path.length);
        for edge in &path.edges {
            assert!(
                !edge.facts.evidence.is_empty(),
                "{} {} {}",
                edge.from,
                edge.kind,
                edge.to
            );
            assert!(edge.direction != Direction::Both);
        }
    }
}

#[test]
fn paths_between_universities_and_enterprises_respect_relation_filters() {
    let request = PathsRequest {
        relations: vec![
            RelationKind::AffiliatedWith,
            RelationKind::Founded,
            RelationKind::HoldsEquityIn,
        ],
        max_len: 3,
        ..Default::default()
    };
    let response = engine()
        .paths(&PathsRequest {
            from: "青岛农业大学".to_string(),
            to: "喜海生物".to_string(),
            ..request.clone()
        })
        .unwrap();
    let path = &response.paths[0];
    assert!(path.edges.iter().all(|e| request.relations.contains(&e.kind)));
}

#[test]
fn neighbourhood_of_the_zone_is_bounded_and_flagged() {
    let response = engine()
        .neighbors(
            "青岛高新区",
            &NeighborsRequest {
                depth: 2,
                limit: 10,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(response.nodes.len(), 10);
    assert!(response.truncated);
    let full = engine()
        .neighbors(
            "青岛高新区",
            &NeighborsRequest {
                depth: 1,
                limit: 1000,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!full.truncated);
    assert!(full.nodes.len() > 20);
    assert!(full.edges.iter().all(|e| !e.facts.evidence.is_empty()));
}

#[test]
fn entity_view_lists_relations_with_evidence() {
    let view = engine().entity("喜海生物科技有限公司").unwrap();
    assert_eq!(view.entity.id, "ent_xihai_bio");
    let incubated = view
        .relations
        .iter()
        .find(|r| r.kind == RelationKind::IncubatedBy)
        .expect("incubation relation");
    assert_eq!(incubated.direction, Direction::Out);
    assert_eq!(incubated.other.id, "inst_qingdao_industrial_tech");
    assert!(!incubated.facts.evidence.is_empty());
}

#[test]
fn k_shortest_paths_out_of_budget_answer_budget_exceeded() {
    let request = PathsRequest {
        k: 10,
        max_len: 6,
        budget: budget(3, Duration::from_secs(5)),
        ..Default::default()
    };
    let error = engine()
        .paths(&PathsRequest {
            from: "阿斯利康".to_string(),
            to: "青岛高新区".to_string(),
            ..request.clone()
        })
        .unwrap_err();
    assert!(matches!(error, innograph::Error::BudgetExceeded { .. }), "{error:?}");
    assert_eq!(error.status(), 422);
    assert_eq!(error.code(), "budget_exceeded");
    assert!(error.to_string().contains("visited nodes"), "{error}");
    // over HTTP: a 422 with the common error body naming the bound
    let response = actix_web::ResponseError::error_response(&innograph::api::ApiError::from(error));
    assert_eq!(response.status().as_u16(), 422);
    let body = actix_web::rt::System::new()
        .block_on(actix_web::body::to_bytes(response.into_body()))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "budget_exceeded");
    assert!(body["error"]["message"].as_str().unwrap().contains("visited nodes"));

    // a budget that runs out after the first path: fewer paths, flagged
    let shortest = engine()
        .paths(&PathsRequest::between("阿斯利康", "青岛高新区"))
        .unwrap();
    assert!(!shortest.truncated);
    let many = engine()
        .paths(&PathsRequest {
            k: 10,
            max_len: 6,
            budget: budget(400, Duration::from_secs(5)),
            ..PathsRequest::between("阿斯利康", "青岛高新区")
        })
        .unwrap();
    assert!(many.truncated);
    assert!(!many.paths.is_empty());
}

#[test]
fn neighbourhood_out_of_budget_is_flagged_truncated() {
    let response = engine()
        .neighbors(
            "青岛高新区",
            &NeighborsRequest {
                depth: 3,
                limit: 1000,
                budget: budget(10, Duration::from_secs(5)),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(response.truncated);
    assert!(
        response.nodes.is_empty(),
        "the zone's own relations are more than ten visits"
    );
}

fn curated_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    (dir, index)
}

fn new_enterprise() -> Entity {
    Entity {
        id: "ent_test_new".into(),
        kind: EntityKind::Enterprise,
        name: "测试新企业".into(),
        aliases: vec!["青岛测试新企业有限公司".into()],
        description: "一家新登记的储能企业".into(),
        industry: vec![],
        location: "青岛高新区".into(),
        props: Default::default(),
    }
}

fn located_in_zone() -> Relation {
    Relation {
        from: "ent_test_new".into(),
        to: "ent_xihai_bio".into(),
        kind: RelationKind::CollaboratesWith,
        since: Some("2025-03".into()),
        amount: None,
        unit: None,
        props: Default::default(),
        evidence: vec![Evidence {
            doc: "doc_test".into(),
            quote: "测试新企业与喜海生物合作".into(),
        }],
    }
}

#[test]
fn changes_survive_a_restart_a_torn_log_and_compaction() {
    let (_dir, index) = curated_copy();
    let generation = innograph::store::current_generation(&index).unwrap().unwrap();
    let before = Engine::open(&index).unwrap().graph().stats();

    let mut graph = PersistentGraph::open(innograph::store::graph_files(&generation)).unwrap();
    graph
        .apply(Change::PutEntity {
            entity: new_enterprise(),
        })
        .unwrap();
    graph
        .apply(Change::PutRelation {
            relation: located_in_zone(),
        })
        .unwrap();
    let removed = graph.graph().entity_view("杨建明").unwrap().relations[0].clone();
    let yang = graph.graph().entity("杨建明").unwrap().id;
    let (from, to) = if removed.direction == Direction::Out {
        (yang.clone(), removed.other.id.clone())
    } else {
        (removed.other.id.clone(), yang.clone())
    };
    graph
        .apply(Change::DeleteRelation {
            from,
            to,
            kind: removed.kind,
        })
        .unwrap();
    assert!(graph
        .apply(Change::DeleteEntity {
            id: "no_such_entity".into()
        })
        .is_err());
    drop(graph);

    // a restart: the engine replays the log
    let check = |engine: &Engine| {
        let view = engine.entity("青岛测试新企业有限公司").unwrap();
        assert_eq!(view.entity, new_enterprise());
        assert_eq!(view.relations.len(), 1);
        assert_eq!(view.relations[0].facts.evidence, located_in_zone().evidence);
        assert_eq!(view.relations[0].facts.since.as_deref(), Some("2025-03"));
        let stats = engine.graph().stats();
        assert_eq!(stats.entities, before.entities + 1);
        assert_eq!(stats.relations, before.relations, "one added, one deleted");
        engine.graph().entity_view("杨建明").unwrap()
    };
    let yang_after = check(&Engine::open(&index).unwrap());
    assert!(!yang_after.relations.contains(&removed));

    // a crash in the middle of an append leaves a torn last record
    let log = generation.join(LOG_FILE);
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(&[200, 0, 0, 0, 1, 2, 3, 4, b'{', b'"']);
    std::fs::write(&log, &bytes).unwrap();
    check(&Engine::open(&index).unwrap());
    let mut graph = PersistentGraph::open(innograph::store::graph_files(&generation)).unwrap();
    assert_eq!(graph.pending(), 3);

    // compaction folds the log into the snapshot; reopening gives the same graph
    graph.compact().unwrap();
    assert_eq!(graph.pending(), 0);
    drop(graph);
    let reopened = Engine::open(&index).unwrap();
    assert_eq!(check(&reopened), yang_after);
    assert_eq!(std::fs::metadata(&log).unwrap().len(), 16, "an empty log");
}

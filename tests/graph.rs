//! Relationship exploration over the curated corpus: the paths a user asks
//! for come back with evidence on every edge.

use innograph::graph::{NeighborsRequest, PathsRequest};
use innograph::model::RelationKind;

use crate::common::engine;

#[test]
fn professor_to_the_incubator_of_his_teams_spin_off() {
    let response = engine()
        .paths("杨建明", "青岛市工业技术研究院", &PathsRequest::default())
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
        .paths(
            "喜海生物",
            "青岛市工业技术研究院",
            &PathsRequest {
                relations: vec![RelationKind::IncubatedBy],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(incubation.paths[0].length, 1);
    assert!(path.edges.iter().all(|e| !e.evidence.is_empty()));
}

#[test]
fn investor_to_the_zone_and_k_paths() {
    let response = engine()
        .paths(
            "阿斯利康",
            "青岛高新区",
            &PathsRequest {
                k: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(response.paths.len() >= 3, "{}", response.paths.len());
    assert!(response.paths.windows(2).all(|w| w[0].length <= w[1].length));
    for path in &response.paths {
        assert_eq!(path.edges.len(), path.length);
        for edge in &path.edges {
            assert!(!edge.evidence.is_empty(), "{} {} {}", edge.from, edge.kind, edge.to);
            assert!(edge.direction == "forward" || edge.direction == "backward");
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
    let response = engine().paths("青岛农业大学", "喜海生物", &request).unwrap();
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
    assert!(full.edges.iter().all(|e| !e.evidence.is_empty()));
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
    assert_eq!(incubated.direction, "out");
    assert_eq!(incubated.other.id, "inst_qingdao_industrial_tech");
    assert!(!incubated.evidence.is_empty());
}

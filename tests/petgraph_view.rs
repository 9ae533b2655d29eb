//! petgraph's algorithms on the curated corpus's served graph: components
//! are the clusters' components, unit-weight Dijkstra gives the shortest
//! path lengths, the strongest route is Dijkstra's over link costs, and
//! PageRank ranks the zone's hubs first.

use petgraph::algo::{astar, connected_components, dijkstra, page_rank};
use petgraph::visit::{EdgeRef, IntoNodeIdentifiers, NodeCount, NodeIndexable, UndirectedAdaptor};

use crate::common::engine;
use innograph::graph::{link_cost, ClusterMethod, PathRank, PathsRequest, ViewFilter};
use innograph::model::RelationKind;

#[test]
fn components_and_unit_distances_agree_with_the_engine() {
    let graph = engine().graph();
    let view = graph.view();
    assert_eq!(view.node_count(), graph.entity_count());
    let clusters = graph.clusters(ClusterMethod::Components, 10).unwrap();
    assert_eq!(connected_components(&view), clusters.total);
    let professor = graph.resolve("杨建明").unwrap();
    let hops = dijkstra(UndirectedAdaptor(&view), professor, None, |_| 1usize);
    let mut compared = 0;
    for target in view.node_identifiers() {
        if target == professor {
            continue;
        }
        let to = graph.entity_at(target).id.to_string();
        let request = PathsRequest {
            max_len: 6,
            ..Default::default()
        };
        let paths = engine()
            .paths(&PathsRequest {
                from: "杨建明".to_string(),
                to: to.clone(),
                ..request.clone()
            })
            .unwrap();
        match hops.get(&target) {
            Some(&length) if length <= 6 => {
                assert_eq!(paths.paths[0].length, length, "杨建明 → {to}");
                compared += 1;
            }
            _ => assert!(paths.paths.is_empty(), "杨建明 → {to}"),
        }
    }
    assert!(compared > 50, "{compared} entities compared");
    assert_eq!(hops[&graph.resolve("青岛市工业技术研究院").unwrap()], 2);
}

#[test]
fn the_strongest_route_is_dijkstras() {
    let graph = engine().graph();
    let view = graph.view();
    let (from, to) = (graph.resolve("杨建明").unwrap(), graph.resolve("青岛高新区").unwrap());
    let (cost, nodes) = astar(
        UndirectedAdaptor(&view),
        from,
        |n| n == to,
        |e| link_cost(*e.weight()),
        |_| 0.0,
    )
    .unwrap();
    let request = PathsRequest {
        max_len: 6,
        k: 3,
        rank: PathRank::Strength,
        ..Default::default()
    };
    let strongest = engine()
        .paths(&PathsRequest {
            from: "杨建明".to_string(),
            to: "青岛高新区".to_string(),
            ..request.clone()
        })
        .unwrap();
    let first = &strongest.paths[0];
    assert_eq!(first.length, nodes.len() - 1);
    let route_cost: f64 = first.edges.iter().map(|e| link_cost(e.kind)).sum();
    assert!((route_cost - cost).abs() < 1e-6);
    // strongest first, and each strength is the product of its links'
    for pair in strongest.paths.windows(2) {
        assert!(pair[0].strength >= pair[1].strength - 1e-6);
    }
    for path in &strongest.paths {
        let product: f32 = path.edges.iter().map(|e| e.kind.strength()).product();
        assert!((path.strength - product).abs() < 1e-6);
    }
    // a shortest path may be weaker than the strongest one
    let shortest = engine().paths(&PathsRequest::between("杨建明", "青岛高新区")).unwrap();
    assert!(shortest.paths[0].length <= first.length);
    assert!(shortest.paths[0].strength <= first.strength + 1e-6);
}

#[test]
fn pagerank_on_a_filtered_view() {
    let graph = engine().graph();
    // the incubation and founding chain only
    let chain = graph
        .view_with(&ViewFilter {
            relations: vec![
                RelationKind::Founded,
                RelationKind::IncubatedBy,
                RelationKind::TransferredTo,
            ],
            ..Default::default()
        })
        .unwrap();
    let ranks = page_rank(&chain, 0.85_f64, 30);
    assert_eq!(ranks.len(), chain.node_count());
    assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-6);
    let edges: Vec<_> = petgraph::visit::IntoEdgeReferences::edge_references(&chain).collect();
    assert!(!edges.is_empty());
    assert!(edges.iter().all(|e| matches!(
        e.weight(),
        RelationKind::Founded | RelationKind::IncubatedBy | RelationKind::TransferredTo
    )));
    // the entity ranked first by petgraph has at least one such link
    let top = (0..ranks.len()).max_by(|&a, &b| ranks[a].total_cmp(&ranks[b])).unwrap();
    let top = chain.from_index(top);
    assert!(edges.iter().any(|e| e.source() == top || e.target() == top));
}

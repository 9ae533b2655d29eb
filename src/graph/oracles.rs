//! petgraph as the oracle of the graph: its algorithms run on the
//! [`GraphView`] must agree with innograph's own traversals (components,
//! shortest paths, neighbourhoods, k shortest paths, PageRank), and with
//! the same algorithms run on a `StableGraph` copy of the view, on random
//! graphs before and after random changes (which leave deleted positions
//! behind).

use std::collections::{BTreeSet, HashMap, HashSet};

use petgraph::algo::{
    all_simple_paths, astar, bellman_ford, connected_components, dijkstra, has_path_connecting, k_shortest_path,
    kosaraju_scc, page_rank, tarjan_scc,
};
use petgraph::stable_graph::{NodeIndex, StableGraph};
use petgraph::visit::{
    Bfs, Dfs, DfsPostOrder, EdgeFiltered, EdgeRef, IntoEdgeReferences, IntoNeighbors, IntoNodeIdentifiers,
    IntoNodeReferences, NodeCount, NodeFiltered, NodeIndexable, NodeRef, Reversed, UndirectedAdaptor, Visitable,
};
use petgraph::Graph;

use super::testing::{entity, random_below, relation};
use super::{
    link_cost, ClusterMethod, EntityIndex, GraphView, KnowledgeGraph, NeighborsRequest, PathRank, PathsRequest,
    ViewFilter, MAX_NEIGHBORS,
};
use crate::model::{Change, EntityKind, RelationKind};

const KINDS: [EntityKind; 4] = [
    EntityKind::Enterprise,
    EntityKind::University,
    EntityKind::Person,
    EntityKind::Patent,
];
const RELATIONS: [RelationKind; 5] = [
    RelationKind::Founded,
    RelationKind::CollaboratesWith,
    RelationKind::LocatedIn,
    RelationKind::Mentions,
    RelationKind::ApplicantOf,
];

/// A random graph of `n` entities and up to `m` relations: no relation
/// from an entity to itself and at most one between two entities (either
/// way), some dated.
fn random_graph(seed: u64, n: usize, m: usize) -> KnowledgeGraph {
    let mut next = random_below(seed);
    let entities = (0..n)
        .map(|i| entity(&format!("e{i}"), KINDS[next(KINDS.len())], &format!("实体{i}"), &[]))
        .collect();
    let mut pairs = HashSet::new();
    let mut relations = Vec::new();
    for _ in 0..m {
        let (a, b) = (next(n), next(n));
        if a == b || !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        let mut link = relation(&format!("e{a}"), &format!("e{b}"), RELATIONS[next(RELATIONS.len())]);
        if next(3) == 0 {
            link.since = Some(format!("{}", 2015 + next(10)));
        }
        relations.push(link);
    }
    KnowledgeGraph::from_records(entities, relations).unwrap()
}

/// `graph` after random deletions of entities and relations and new
/// relations between entities not yet linked.
fn randomly_changed(mut graph: KnowledgeGraph, seed: u64) -> KnowledgeGraph {
    let mut next = random_below(seed);
    let n = graph.entity_slots();
    let mut changes = Vec::new();
    for _ in 0..n / 8 {
        changes.push(Change::DeleteEntity {
            id: format!("e{}", next(n)),
        });
    }
    let linked: HashSet<(String, String)> = graph
        .relation_list()
        .map(|(_, a, b)| {
            let (a, b) = (graph.entity_at(a).id.to_string(), graph.entity_at(b).id.to_string());
            (a.clone().min(b.clone()), a.max(b))
        })
        .collect();
    for (relation, from, to) in graph.relation_list().step_by(5) {
        changes.push(Change::DeleteRelation {
            from: graph.entity_at(from).id.to_string(),
            to: graph.entity_at(to).id.to_string(),
            kind: graph.relation_kind(relation),
        });
    }
    for _ in 0..n / 4 {
        let (a, b) = (format!("e{}", next(n)), format!("e{}", next(n)));
        if a != b && !linked.contains(&(a.clone().min(b.clone()), a.clone().max(b.clone()))) {
            changes.push(Change::PutRelation {
                relation: relation(&a, &b, RELATIONS[next(RELATIONS.len())]),
            });
        }
    }
    graph.apply_fitting(changes);
    // a put may link two entities already linked the other way: keep one
    let mut seen = HashSet::new();
    let doubles: Vec<Change> = graph
        .relation_list()
        .filter(|&(_, a, b)| !seen.insert((a.min(b), a.max(b))))
        .map(|(relation, a, b)| Change::DeleteRelation {
            from: graph.entity_at(a).id.to_string(),
            to: graph.entity_at(b).id.to_string(),
            kind: graph.relation_kind(relation),
        })
        .collect();
    graph.apply_all(doubles).unwrap();
    graph
}

/// The graphs every oracle runs on: random ones, and the same after
/// changes.
fn graphs() -> Vec<KnowledgeGraph> {
    let mut graphs = Vec::new();
    for seed in 1..=6u64 {
        let graph = random_graph(seed * 7919, 30 + 5 * seed as usize, 45 + 12 * seed as usize);
        let changed = randomly_changed(graph.clone(), seed * 31);
        assert!(
            changed.entity_count() < changed.entity_slots(),
            "deleted positions are left behind"
        );
        assert_ne!(changed.relation_count(), graph.relation_count());
        graphs.push(changed);
        graphs.push(graph);
    }
    graphs
}

/// The view copied into a `StableGraph` whose node indexes are the
/// entities' positions.
fn stable_copy(view: &GraphView<'_>) -> StableGraph<EntityKind, RelationKind> {
    let graph = view.graph();
    let mut copy = StableGraph::new();
    for position in 0..graph.entity_slots() {
        let entity = EntityIndex::from_usize(position);
        let added = copy.add_node(if view.contains(entity) {
            graph.kind_at(entity)
        } else {
            EntityKind::Enterprise
        });
        assert_eq!(added.index(), position);
    }
    for position in 0..graph.entity_slots() {
        if !view.contains(EntityIndex::from_usize(position)) {
            copy.remove_node(NodeIndex::new(position));
        }
    }
    for edge in view.edge_references() {
        copy.add_edge(node(edge.source()), node(edge.target()), *edge.weight());
    }
    copy
}

fn node(entity: EntityIndex) -> NodeIndex {
    NodeIndex::new(entity.index())
}

fn entity_of(node: NodeIndex) -> EntityIndex {
    EntityIndex::from_usize(node.index())
}

fn id(graph: &KnowledgeGraph, entity: EntityIndex) -> String {
    graph.entity_at(entity).id.to_string()
}

/// Hops from `source` to every entity it reaches, relations taken both
/// ways, by petgraph's Dijkstra with unit weights.
fn hops(view: &GraphView<'_>, source: EntityIndex) -> HashMap<EntityIndex, usize> {
    dijkstra(UndirectedAdaptor(view), source, None, |_| 1usize)
        .into_iter()
        .collect()
}

/// The view copied into a `Graph` whose node indexes are the view's dense
/// node numbers.
fn compact_copy(view: &GraphView<'_>) -> Graph<EntityKind, RelationKind> {
    let mut copy = Graph::new();
    for n in view.node_identifiers() {
        copy.add_node(view.graph().kind_at(n));
    }
    for edge in view.edge_references() {
        copy.add_edge(
            NodeIndex::new(view.to_index(edge.source())),
            NodeIndex::new(view.to_index(edge.target())),
            *edge.weight(),
        );
    }
    copy
}

/// The entities a breadth-first walk of `graph` from `source` reaches.
fn reached<G>(graph: G, source: G::NodeId) -> BTreeSet<G::NodeId>
where
    G: IntoNeighbors + Visitable,
    G::NodeId: Ord,
{
    let mut found = BTreeSet::new();
    let mut bfs = Bfs::new(graph, source);
    while let Some(n) = bfs.next(graph) {
        found.insert(n);
    }
    found
}

#[test]
fn the_view_is_the_graph_petgraph_copies() {
    for graph in graphs() {
        let view = graph.view();
        let copy = stable_copy(&view);
        assert_eq!(view.node_count(), graph.entity_count());
        assert_eq!(view.node_count(), copy.node_count());
        assert_eq!(petgraph::visit::EdgeCount::edge_count(&view), graph.relation_count());
        assert_eq!(copy.edge_count(), graph.relation_count());
        // dense numbering over the live entities
        let numbers: Vec<usize> = view.node_identifiers().map(|n| view.to_index(n)).collect();
        assert_eq!(numbers, (0..view.node_count()).collect::<Vec<_>>());
        for n in view.node_identifiers() {
            assert_eq!(view.from_index(view.to_index(n)), n);
        }
        let kinds: Vec<(EntityIndex, EntityKind)> = view.node_references().map(|n| (n.id(), *n.weight())).collect();
        let copied: Vec<(EntityIndex, EntityKind)> =
            copy.node_references().map(|(n, kind)| (entity_of(n), *kind)).collect();
        assert_eq!(kinds, copied);
        // strongly connected components, each sorted, as sets
        let sccs = |components: Vec<Vec<EntityIndex>>| -> BTreeSet<Vec<EntityIndex>> {
            components
                .into_iter()
                .map(|mut c| {
                    c.sort();
                    c
                })
                .collect()
        };
        let from_copy = |components: Vec<Vec<NodeIndex>>| {
            components
                .into_iter()
                .map(|c| c.into_iter().map(entity_of).collect())
                .collect()
        };
        assert_eq!(sccs(tarjan_scc(&view)), sccs(from_copy(tarjan_scc(&copy))));
        assert_eq!(sccs(kosaraju_scc(&view)), sccs(from_copy(kosaraju_scc(&copy))));
        assert_eq!(connected_components(&view), connected_components(&compact_copy(&view)));
        // PageRank as petgraph computes it, on the view and on a compact
        // copy (a StableGraph with holes is not compact, and petgraph's
        // page_rank would rank its holes)
        let on_view = page_rank(&view, 0.85_f64, 20);
        let on_copy = page_rank(&compact_copy(&view), 0.85_f64, 20);
        assert_eq!(on_view.len(), on_copy.len());
        for (a, b) in on_view.iter().zip(&on_copy) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        // directed searches from a few sources reach the same entities
        for source in view.node_identifiers().step_by(7) {
            let forward = reached(&view, source);
            let mut copied = BTreeSet::new();
            let mut dfs = Dfs::new(&copy, node(source));
            while let Some(n) = dfs.next(&copy) {
                copied.insert(entity_of(n));
            }
            assert_eq!(forward, copied);
            let mut post_order = BTreeSet::new();
            let mut dfs = DfsPostOrder::new(&view, source);
            while let Some(n) = dfs.next(&view) {
                post_order.insert(n);
            }
            assert_eq!(post_order, forward);
            // against the arrows: who reaches the source
            let reaching = reached(Reversed(&view), source);
            let copied: BTreeSet<EntityIndex> = reached(Reversed(&copy), node(source))
                .into_iter()
                .map(entity_of)
                .collect();
            assert_eq!(reaching, copied);
            let from_view = dijkstra(&view, source, None, |e| link_cost(*e.weight()));
            let from_copy = dijkstra(&copy, node(source), None, |e| link_cost(*e.weight()));
            assert_eq!(from_view.len(), from_copy.len());
            for (n, cost) in &from_view {
                assert!((cost - from_copy[&node(*n)]).abs() < 1e-9);
            }
        }
        // simple directed paths between two entities, up to four hops
        let nodes: Vec<EntityIndex> = view.node_identifiers().collect();
        for pair in nodes.windows(2).step_by(9) {
            let paths: BTreeSet<Vec<EntityIndex>> =
                all_simple_paths::<Vec<_>, _, std::hash::RandomState>(&view, pair[0], pair[1], 0, Some(3)).collect();
            let copied: BTreeSet<Vec<EntityIndex>> =
                all_simple_paths::<Vec<_>, _, std::hash::RandomState>(&copy, node(pair[0]), node(pair[1]), 0, Some(3))
                    .map(|p: Vec<NodeIndex>| p.into_iter().map(entity_of).collect())
                    .collect();
            assert_eq!(paths, copied);
        }
    }
}

#[test]
fn components_are_the_clusters_components() {
    for graph in graphs() {
        let view = graph.view();
        let clusters = graph.clusters(ClusterMethod::Components, 500).unwrap();
        assert_eq!(connected_components(&view), clusters.total);
        // the components' sizes, by breadth-first search both ways
        let mut seen = HashSet::new();
        let mut sizes = Vec::new();
        for start in view.node_identifiers() {
            if seen.contains(&start) {
                continue;
            }
            let mut bfs = Bfs::new(UndirectedAdaptor(&view), start);
            let mut size = 0;
            while let Some(n) = bfs.next(UndirectedAdaptor(&view)) {
                seen.insert(n);
                size += 1;
            }
            sizes.push(size);
        }
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        let listed: Vec<usize> = clusters.results.iter().map(|c| c.size).collect();
        assert_eq!(listed, sizes);
        for a in view.node_identifiers().step_by(5) {
            let reach = hops(&view, a);
            for b in view.node_identifiers().step_by(3) {
                assert_eq!(
                    has_path_connecting(UndirectedAdaptor(&view), a, b, None),
                    reach.contains_key(&b)
                );
            }
        }
    }
}

#[test]
fn unit_dijkstra_is_the_shortest_path_length() {
    let request = PathsRequest {
        max_len: 6,
        ..Default::default()
    };
    for graph in graphs() {
        let view = graph.view();
        let nodes: Vec<EntityIndex> = view.node_identifiers().collect();
        for &source in nodes.iter().step_by(4) {
            let reach = hops(&view, source);
            for &target in nodes.iter().step_by(3) {
                if target == source {
                    continue;
                }
                let found = graph
                    .paths(&PathsRequest {
                        from: id(&graph, source),
                        to: id(&graph, target),
                        ..request.clone()
                    })
                    .unwrap();
                match reach.get(&target) {
                    Some(&length) if length <= 6 => assert_eq!(found.paths[0].length, length),
                    _ => assert!(found.paths.is_empty()),
                }
            }
        }
    }
}

#[test]
fn breadth_first_reach_is_the_neighbourhood() {
    for graph in graphs() {
        let view = graph.view();
        for source in view.node_identifiers().step_by(3) {
            let reach = hops(&view, source);
            // every entity Bfs finds, and no other, is at a finite distance
            let mut bfs = Bfs::new(UndirectedAdaptor(&view), source);
            let mut found = HashSet::new();
            while let Some(n) = bfs.next(UndirectedAdaptor(&view)) {
                found.insert(n);
            }
            assert_eq!(found, reach.keys().copied().collect::<HashSet<_>>());
            let key = id(&graph, source);
            let levels = graph.reachable(&key, 3, None).unwrap();
            for (level, &count) in levels.iter().enumerate() {
                assert_eq!(count, reach.values().filter(|&&d| d == level + 1).count());
            }
            let request = NeighborsRequest {
                depth: 2,
                limit: MAX_NEIGHBORS,
                ..Default::default()
            };
            let neighbourhood = graph.neighbors(&key, &request).unwrap();
            let listed: HashSet<String> = neighbourhood.nodes.iter().map(|n| n.entity.id.clone()).collect();
            let within: HashSet<String> = reach
                .iter()
                .filter(|&(_, &d)| (1..=2).contains(&d))
                .map(|(&n, _)| id(&graph, n))
                .collect();
            assert_eq!(listed, within);
        }
    }
}

#[test]
fn k_shortest_costs_are_yens_lengths() {
    for graph in graphs() {
        let view = graph.view();
        // both directions of every relation, as a plain petgraph graph, to
        // enumerate every simple path
        let mut both = Graph::<(), ()>::new();
        let nodes: Vec<_> = (0..graph.entity_slots()).map(|_| both.add_node(())).collect();
        for edge in view.edge_references() {
            both.add_edge(nodes[edge.source().index()], nodes[edge.target().index()], ());
            both.add_edge(nodes[edge.target().index()], nodes[edge.source().index()], ());
        }
        let entities: Vec<EntityIndex> = view.node_identifiers().collect();
        let mut compared = 0;
        for pair in entities.windows(2).step_by(4) {
            let (source, target) = (pair[0], pair[1]);
            let request = PathsRequest {
                max_len: 6,
                k: 5,
                rank: PathRank::Length,
                ..Default::default()
            };
            let yen: Vec<usize> = graph
                .paths(&PathsRequest {
                    from: id(&graph, source),
                    to: id(&graph, target),
                    ..request.clone()
                })
                .unwrap()
                .paths
                .iter()
                .map(|p| p.length)
                .collect();
            let mut every: Vec<usize> = all_simple_paths::<Vec<_>, _, std::hash::RandomState>(
                &both,
                nodes[source.index()],
                nodes[target.index()],
                0,
                Some(5),
            )
            .map(|p| p.len() - 1)
            .collect();
            every.sort_unstable();
            every.truncate(5);
            assert_eq!(yen, every, "{source} → {target}");
            // walks no longer than the shortest path plus one are simple
            // paths, so petgraph's k-th shortest walk is Yen's k-th path
            let Some(&shortest) = yen.first() else {
                continue;
            };
            for (k, &length) in yen.iter().enumerate() {
                if length > shortest + 1 {
                    break;
                }
                let costs = k_shortest_path(UndirectedAdaptor(&view), source, Some(target), k + 1, |_| 1usize);
                assert_eq!(
                    costs.get(&target),
                    Some(&length),
                    "path {} of {source} → {target}",
                    k + 1
                );
                compared += usize::from(k > 0);
            }
        }
        assert!(compared > 0, "some second shortest paths are compared");
    }
}

#[test]
fn weighted_searches_agree_and_give_the_strongest_route() {
    for graph in graphs() {
        let view = graph.view();
        let both = UndirectedAdaptor(&view);
        let entities: Vec<EntityIndex> = view.node_identifiers().collect();
        for &source in entities.iter().step_by(6) {
            let costs = dijkstra(both, source, None, |e| link_cost(*e.weight()));
            let costed = view.link_costs();
            let bellman =
                bellman_ford(UndirectedAdaptor(costed), source).expect("no negative cycle with positive costs");
            for &target in entities.iter().step_by(5) {
                let Some(&cost) = costs.get(&target) else {
                    assert!(bellman.distances[view.to_index(target)].is_infinite());
                    continue;
                };
                if target == source {
                    continue;
                }
                let by_astar = astar(both, source, |n| n == target, |e| link_cost(*e.weight()), |_| 0.0).unwrap();
                assert!((by_astar.0 - cost).abs() < 1e-9);
                let request = PathsRequest {
                    max_len: 6,
                    rank: PathRank::Strength,
                    ..Default::default()
                };
                let strongest = graph
                    .paths(&PathsRequest {
                        from: id(&graph, source),
                        to: id(&graph, target),
                        ..request.clone()
                    })
                    .unwrap();
                if by_astar.1.len() - 1 <= 6 {
                    let path = &strongest.paths[0];
                    let route_cost: f64 = path.edges.iter().map(|e| link_cost(e.kind)).sum();
                    assert!((route_cost - cost).abs() < 1e-6, "{route_cost} vs {cost}");
                }
            }
        }
    }
}

#[test]
fn filtered_views_are_petgraph_filters() {
    let strong = [RelationKind::Founded, RelationKind::ApplicantOf];
    for graph in graphs() {
        let view = graph.view();
        let only_strong = graph
            .view_with(&ViewFilter {
                relations: strong.to_vec(),
                ..Default::default()
            })
            .unwrap();
        let by_petgraph = EdgeFiltered::from_fn(&view, |e: super::ViewEdge| strong.contains(e.weight()));
        let people = graph
            .view_with(&ViewFilter {
                kinds: vec![EntityKind::Person, EntityKind::Enterprise],
                ..Default::default()
            })
            .unwrap();
        let by_kind = NodeFiltered::from_fn(&view, |n: EntityIndex| {
            matches!(graph.kind_at(n), EntityKind::Person | EntityKind::Enterprise)
        });
        for source in view.node_identifiers().step_by(4) {
            assert_eq!(reached(&only_strong, source), reached(&by_petgraph, source));
            if people.contains(source) {
                assert_eq!(reached(&people, source), reached(&by_kind, source));
            }
        }
        // the graph as it stood in 2019: dated relations after it left out
        let in_2019 = graph
            .view_with(&ViewFilter {
                as_of: Some("2019".into()),
                ..Default::default()
            })
            .unwrap();
        let dated_after = |e: super::ViewEdge| {
            let since = graph.relation(e.id()).unwrap().since;
            since.is_none_or(|since| since.as_str() <= "2019")
        };
        let by_date = EdgeFiltered::from_fn(&view, dated_after);
        assert_eq!(
            in_2019.edge_references().map(|e| e.id()).collect::<Vec<_>>(),
            by_date.edge_references().map(|e| e.id()).collect::<Vec<_>>()
        );
        assert!(petgraph::visit::EdgeCount::edge_count(&in_2019) < petgraph::visit::EdgeCount::edge_count(&view));
        // a filtered view numbers only what it keeps
        assert_eq!(
            people.node_count(),
            graph
                .live_positions()
                .filter(|&n| matches!(graph.kind_at(n), EntityKind::Person | EntityKind::Enterprise))
                .count()
        );
    }
}

/// Textbook PageRank (relations taken both ways, the rank of entities
/// without relations spread over all) by dense power iteration over the
/// view's edges, to convergence.
fn reference_pagerank(view: &GraphView<'_>) -> Vec<f64> {
    let both = UndirectedAdaptor(view);
    let n = view.node_count();
    let degree: Vec<usize> = (0..n)
        .map(|i| petgraph::visit::IntoEdges::edges(both, view.from_index(i)).count())
        .collect();
    let mut rank = vec![1.0 / n as f64; n];
    for _ in 0..10_000 {
        let dangling: f64 = (0..n).filter(|&i| degree[i] == 0).map(|i| rank[i]).sum();
        let mut next = vec![(1.0 - 0.85) / n as f64 + 0.85 * dangling / n as f64; n];
        for (i, &r) in rank.iter().enumerate() {
            for edge in petgraph::visit::IntoEdges::edges(both, view.from_index(i)) {
                next[view.to_index(edge.target())] += 0.85 * r / degree[i] as f64;
            }
        }
        let change: f64 = next.iter().zip(&rank).map(|(a, b)| (a - b).abs()).sum();
        rank = next;
        if change < 1e-15 {
            break;
        }
    }
    rank
}

#[test]
fn pagerank_is_the_textbook_pagerank() {
    for graph in graphs() {
        let view = graph.view();
        let expected = reference_pagerank(&view);
        let ours = graph.pagerank();
        for n in view.node_identifiers() {
            let diff = f64::from(ours[n.index()]) - expected[view.to_index(n)];
            assert!(diff.abs() < 1e-6, "entity {n}: {diff}");
        }
    }
    // networkx 3.6.1 `pagerank(G, alpha=0.85)` of this undirected graph
    // (node 7 without relations), to 1e-9
    let edges = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (3, 5), (5, 6)];
    let networkx = [
        0.122765861,
        0.122765861,
        0.175098879,
        0.175654858,
        0.123377113,
        0.185750171,
        0.073608236,
        0.020979021,
    ];
    let graph = KnowledgeGraph::from_records(
        (0..8)
            .map(|i| entity(&format!("n{i}"), EntityKind::Enterprise, &format!("节点{i}"), &[]))
            .collect(),
        edges
            .iter()
            .map(|(a, b)| relation(&format!("n{a}"), &format!("n{b}"), RelationKind::CollaboratesWith))
            .collect(),
    )
    .unwrap();
    for (ours, expected) in graph.pagerank().iter().zip(networkx) {
        assert!((f64::from(*ours) - expected).abs() < 1e-6, "{ours} vs {expected}");
    }
}

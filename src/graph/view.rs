//! The knowledge graph as a petgraph graph: [`GraphView`] borrows a
//! [`KnowledgeGraph`] and implements petgraph's visit traits over its
//! adjacency rows, so `petgraph::algo` and `petgraph::visit` run on the
//! served graph without a copy.
//!
//! Nodes are the live entities ([`EntityIndex`]) of the kinds the view
//! keeps; edges are the relations ([`RelationIndex`]) between them that
//! pass its relation filter (kinds, `as_of`). Edges are directed `from` →
//! `to`; wrap the view in [`petgraph::visit::UndirectedAdaptor`] to follow
//! relations both ways, as innograph's own traversals do. Node weights are
//! entity kinds and edge weights relation kinds.
//!
//! Deleted entities leave empty positions in the tables until the next
//! snapshot, and a kind filter leaves others out: the view numbers its
//! nodes densely for [`NodeIndexable`] (so `to_index` is `0..node_count`
//! and algorithms that size arrays by `node_bound`, such as
//! `connected_components` or `page_rank`, see only the view's nodes), while
//! node identifiers stay the tables' positions. Edge indexes are relation
//! numbers, which may have gaps when a filter is set.
//!
//! A view may carry a [`Budget`]: every node whose edges an algorithm asks
//! for spends its degree, and once the budget is spent the view answers
//! with no more edges, so any algorithm ends early; the caller then reads
//! [`GraphView::budget_exhausted`].

use std::cell::{OnceCell, RefCell};

use petgraph::visit::{
    Data, EdgeCount, EdgeIndexable, EdgeRef, GraphBase, GraphProp, IntoEdgeReferences, IntoEdges, IntoEdgesDirected,
    IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers, IntoNodeReferences, NodeCompactIndexable, NodeCount,
    NodeIndexable, NodeRef, VisitMap, Visitable,
};
use petgraph::{Directed, Direction as Way};

use super::budget::{Budget, Meter};
use super::filter::RelationFilter;
use super::numbering::{EntityIndex, RelationIndex};
use super::tables::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use crate::{Error, Result};

/// What a [`GraphView`] keeps of the graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewFilter {
    /// Only relations of these kinds (all when empty).
    pub relations: Vec<RelationKind>,
    /// Only entities of these kinds (all when empty).
    pub kinds: Vec<EntityKind>,
    /// The graph as it stood on this date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`): relations dated later are left out, undated ones kept.
    pub as_of: Option<String>,
}

/// Dense node numbers of a view.
#[derive(Debug)]
enum Numbering {
    /// Every position of the tables is a node: number = position.
    Identity(usize),
    /// Some positions are not nodes.
    Dense {
        /// Number of each position; `u32::MAX` for positions outside.
        number: Vec<u32>,
        /// Position of each number.
        position: Vec<EntityIndex>,
    },
}

/// A read-only petgraph view of a [`KnowledgeGraph`]; see the module
/// documentation. Algorithms take it by reference: `dijkstra(&view, …)`.
///
/// # Example
/// ```
/// use innograph::graph::KnowledgeGraph;
/// use innograph::model::{Entity, EntityKind, Relation, RelationKind};
/// use petgraph::algo::{connected_components, dijkstra};
/// use petgraph::visit::UndirectedAdaptor;
///
/// let entity = |id: &str, kind| Entity {
///     id: id.into(), kind, name: id.to_uppercase(), aliases: vec![],
///     description: String::new(), industry: vec![], location: String::new(),
///     props: Default::default(),
/// };
/// let relation = |from: &str, to: &str, kind| Relation {
///     from: from.into(), to: to.into(), kind, since: None, amount: None,
///     unit: None, props: Default::default(), evidence: vec![],
/// };
/// let graph = KnowledgeGraph::from_records(
///     vec![
///         entity("prof", EntityKind::Person),
///         entity("spinoff", EntityKind::Enterprise),
///         entity("zone", EntityKind::Zone),
///         entity("alone", EntityKind::Enterprise),
///     ],
///     vec![
///         relation("prof", "spinoff", RelationKind::Founded),
///         relation("spinoff", "zone", RelationKind::LocatedIn),
///     ],
/// )?;
/// let view = graph.view();
/// assert_eq!(connected_components(&view), 2);
/// // hops from the professor, relations followed both ways
/// let prof = graph.resolve("prof")?;
/// let hops = dijkstra(UndirectedAdaptor(&view), prof, None, |_| 1);
/// assert_eq!(hops[&graph.resolve("zone")?], 2);
/// # Ok::<(), innograph::Error>(())
/// ```
#[derive(Debug)]
pub struct GraphView<'g> {
    graph: &'g KnowledgeGraph,
    relations: RelationFilter,
    /// Entity kinds kept, a bit each; all bits when every kind is.
    kinds: u32,
    numbering: Numbering,
    edge_count: OnceCell<usize>,
    meter: Option<RefCell<Meter>>,
}

impl KnowledgeGraph {
    /// The whole graph as a petgraph graph: every live entity and relation.
    pub fn view(&self) -> GraphView<'_> {
        GraphView::new(self, RelationFilter::all(), u32::MAX)
    }

    /// The graph as a petgraph graph, restricted by `filter`; a bad `as_of`
    /// is [`Error::InvalidParameter`].
    pub fn view_with(&self, filter: &ViewFilter) -> Result<GraphView<'_>> {
        let relations = RelationFilter::new(&filter.relations, filter.as_of.as_deref())?;
        let kinds = if filter.kinds.is_empty() {
            u32::MAX
        } else {
            filter.kinds.iter().fold(0, |mask, &kind| mask | 1 << (kind as u32))
        };
        Ok(GraphView::new(self, relations, kinds))
    }
}

impl<'g> GraphView<'g> {
    /// Every live entity, and the relations `relations` lets through.
    pub(crate) fn filtered(graph: &'g KnowledgeGraph, relations: RelationFilter) -> GraphView<'g> {
        GraphView::new(graph, relations, u32::MAX)
    }
}

const _: () = assert!(EntityKind::ALL.len() <= 32);

impl<'g> GraphView<'g> {
    fn new(graph: &'g KnowledgeGraph, relations: RelationFilter, kinds: u32) -> GraphView<'g> {
        let slots = graph.entity_slots();
        let every_kind = kinds == u32::MAX;
        let numbering = if every_kind && graph.entity_count() == slots {
            Numbering::Identity(slots)
        } else {
            let mut number = vec![u32::MAX; slots];
            let mut position = Vec::new();
            for entity in graph.live_positions() {
                if every_kind || kinds & 1 << (graph.kind_at(entity) as u32) != 0 {
                    number[entity.index()] = position.len() as u32;
                    position.push(entity);
                }
            }
            Numbering::Dense { number, position }
        };
        GraphView {
            graph,
            relations,
            kinds,
            numbering,
            edge_count: OnceCell::new(),
            meter: None,
        }
    }

    /// The view bounded by `budget`: once the algorithm running on it has
    /// asked for the edges of nodes whose degrees add up to more than
    /// `budget.max_visits`, or has run longer than `budget.max_time`, the
    /// view answers with no more edges.
    pub fn with_budget(mut self, budget: Budget) -> GraphView<'g> {
        self.meter = Some(RefCell::new(Meter::new(budget)));
        self
    }

    /// Whether the budget ran out (answers found after that may be
    /// incomplete).
    pub fn budget_exhausted(&self) -> bool {
        self.meter.as_ref().is_some_and(|m| m.borrow().exhausted())
    }

    /// The error naming the bound the budget reached.
    pub(crate) fn budget_error(&self) -> Error {
        self.meter
            .as_ref()
            .map_or_else(|| Meter::new(Budget::PATHS).error(), |m| m.borrow().error())
    }

    /// The graph the view reads.
    pub fn graph(&self) -> &'g KnowledgeGraph {
        self.graph
    }

    /// Whether an entity is a node of the view.
    #[inline]
    pub fn contains(&self, entity: EntityIndex) -> bool {
        match &self.numbering {
            Numbering::Identity(count) => entity.index() < *count,
            Numbering::Dense { number, .. } => number.get(entity.index()).is_some_and(|&n| n != u32::MAX),
        }
    }

    /// Spends the degree of `entity` from the budget; false once spent.
    #[inline]
    fn spend(&self, entity: EntityIndex) -> bool {
        match &self.meter {
            None => true,
            Some(meter) => meter.borrow_mut().spend(self.graph.degree(entity)),
        }
    }

    /// The edges of `entity` in one direction (`Outgoing`: relations from
    /// it; `Incoming`: relations to it), as petgraph's edge references.
    pub fn edges_of(&self, entity: EntityIndex, way: Way) -> Edges<'_, 'g> {
        let positions = if self.contains(entity) && self.spend(entity) {
            let adjacency = self.graph.adjacency();
            match way {
                Way::Outgoing => adjacency.outgoing_positions(entity),
                Way::Incoming => adjacency.incoming_positions(entity),
            }
        } else {
            0..0
        };
        Edges {
            view: self,
            entity,
            positions,
        }
    }

    /// The view's nodes in position order.
    fn nodes(&self) -> Nodes<'_, 'g> {
        Nodes {
            view: self,
            next: 0,
            end: self.graph.entity_slots(),
        }
    }
}

/// A relation of a [`GraphView`], as petgraph's edge reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewEdge {
    source: EntityIndex,
    target: EntityIndex,
    relation: RelationIndex,
    kind: RelationKind,
}

impl EdgeRef for ViewEdge {
    type NodeId = EntityIndex;
    type EdgeId = RelationIndex;
    type Weight = RelationKind;

    fn source(&self) -> EntityIndex {
        self.source
    }

    fn target(&self) -> EntityIndex {
        self.target
    }

    fn weight(&self) -> &RelationKind {
        &self.kind
    }

    fn id(&self) -> RelationIndex {
        self.relation
    }
}

/// An entity of a [`GraphView`], as petgraph's node reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewNode {
    entity: EntityIndex,
    kind: EntityKind,
}

impl NodeRef for ViewNode {
    type NodeId = EntityIndex;
    type Weight = EntityKind;

    fn id(&self) -> EntityIndex {
        self.entity
    }

    fn weight(&self) -> &EntityKind {
        &self.kind
    }
}

/// The edges of one node in one direction.
#[derive(Debug, Clone)]
pub struct Edges<'v, 'g> {
    view: &'v GraphView<'g>,
    entity: EntityIndex,
    positions: std::ops::Range<usize>,
}

impl Iterator for Edges<'_, '_> {
    type Item = ViewEdge;

    fn next(&mut self) -> Option<ViewEdge> {
        let view = self.view;
        let adjacency = view.graph.adjacency();
        for position in self.positions.by_ref() {
            if !view.relations.allows_entry(view.graph, self.entity, position) {
                continue;
            }
            let edge = adjacency.entry(self.entity, position);
            if !view.contains(edge.neighbor) {
                continue;
            }
            let (source, target) = if edge.outgoing {
                (self.entity, edge.neighbor)
            } else {
                (edge.neighbor, self.entity)
            };
            return Some(ViewEdge {
                source,
                target,
                relation: edge.relation,
                kind: edge.kind,
            });
        }
        None
    }
}

/// The other ends of one node's edges in one direction.
#[derive(Debug, Clone)]
pub struct Neighbors<'v, 'g> {
    edges: Edges<'v, 'g>,
    outgoing: bool,
}

impl Iterator for Neighbors<'_, '_> {
    type Item = EntityIndex;

    fn next(&mut self) -> Option<EntityIndex> {
        self.edges
            .next()
            .map(|edge| if self.outgoing { edge.target } else { edge.source })
    }
}

/// The nodes of a view, in position order.
#[derive(Debug, Clone)]
pub struct Nodes<'v, 'g> {
    view: &'v GraphView<'g>,
    next: usize,
    end: usize,
}

impl Iterator for Nodes<'_, '_> {
    type Item = EntityIndex;

    fn next(&mut self) -> Option<EntityIndex> {
        while self.next < self.end {
            let entity = EntityIndex::from_usize(self.next);
            self.next += 1;
            if self.view.contains(entity) {
                return Some(entity);
            }
        }
        None
    }
}

/// Every edge of a view: each node's outgoing edges, in position order.
#[derive(Debug, Clone)]
pub struct EdgeReferences<'v, 'g> {
    nodes: Nodes<'v, 'g>,
    current: Option<Edges<'v, 'g>>,
}

impl Iterator for EdgeReferences<'_, '_> {
    type Item = ViewEdge;

    fn next(&mut self) -> Option<ViewEdge> {
        loop {
            if let Some(edge) = self.current.as_mut().and_then(Iterator::next) {
                return Some(edge);
            }
            let entity = self.nodes.next()?;
            self.current = Some(self.nodes.view.edges_of(entity, Way::Outgoing));
        }
    }
}

/// Visited marks of a view's nodes, one bit per table position.
#[derive(Debug, Clone, Default)]
pub struct VisitSet {
    words: Vec<u64>,
}

impl VisitSet {
    fn with_positions(positions: usize) -> VisitSet {
        VisitSet {
            words: vec![0; positions.div_ceil(64)],
        }
    }

    #[inline]
    fn locate(entity: EntityIndex) -> (usize, u64) {
        (entity.index() / 64, 1u64 << (entity.index() % 64))
    }
}

impl VisitMap<EntityIndex> for VisitSet {
    fn visit(&mut self, entity: EntityIndex) -> bool {
        let (word, bit) = VisitSet::locate(entity);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let first = self.words[word] & bit == 0;
        self.words[word] |= bit;
        first
    }

    fn is_visited(&self, entity: &EntityIndex) -> bool {
        let (word, bit) = VisitSet::locate(*entity);
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    fn unvisit(&mut self, entity: EntityIndex) -> bool {
        let (word, bit) = VisitSet::locate(entity);
        match self.words.get_mut(word) {
            Some(w) if *w & bit != 0 => {
                *w &= !bit;
                true
            }
            _ => false,
        }
    }
}

impl GraphBase for GraphView<'_> {
    type NodeId = EntityIndex;
    type EdgeId = RelationIndex;
}

impl GraphProp for GraphView<'_> {
    type EdgeType = Directed;
}

impl Data for GraphView<'_> {
    type NodeWeight = EntityKind;
    type EdgeWeight = RelationKind;
}

impl NodeCount for GraphView<'_> {
    fn node_count(&self) -> usize {
        match &self.numbering {
            Numbering::Identity(count) => *count,
            Numbering::Dense { position, .. } => position.len(),
        }
    }
}

impl NodeIndexable for GraphView<'_> {
    fn node_bound(&self) -> usize {
        self.node_count()
    }

    fn to_index(&self, entity: EntityIndex) -> usize {
        match &self.numbering {
            Numbering::Identity(_) => entity.index(),
            Numbering::Dense { number, .. } => number[entity.index()] as usize,
        }
    }

    fn from_index(&self, index: usize) -> EntityIndex {
        match &self.numbering {
            Numbering::Identity(_) => EntityIndex::from_usize(index),
            Numbering::Dense { position, .. } => position[index],
        }
    }
}

impl NodeCompactIndexable for GraphView<'_> {}

impl EdgeCount for GraphView<'_> {
    /// The relations the view keeps, counted on first use (O(E) when a
    /// filter is set).
    fn edge_count(&self) -> usize {
        *self.edge_count.get_or_init(|| {
            let every_kind = self.kinds == u32::MAX;
            if self.relations.is_all() && every_kind {
                return self.graph.relation_count();
            }
            self.graph
                .relation_list()
                .filter(|&(relation, from, to)| {
                    self.contains(from)
                        && self.contains(to)
                        && self
                            .relations
                            .allows_relation(self.graph, relation, self.graph.relation_kind(relation))
                })
                .count()
        })
    }
}

impl EdgeIndexable for GraphView<'_> {
    fn edge_bound(&self) -> usize {
        self.graph.relation_count()
    }

    fn to_index(&self, relation: RelationIndex) -> usize {
        relation.index()
    }

    fn from_index(&self, index: usize) -> RelationIndex {
        RelationIndex::from_usize(index)
    }
}

impl Visitable for GraphView<'_> {
    type Map = VisitSet;

    fn visit_map(&self) -> VisitSet {
        VisitSet::with_positions(self.graph.entity_slots())
    }

    fn reset_map(&self, map: &mut VisitSet) {
        map.words.clear();
        map.words.resize(self.graph.entity_slots().div_ceil(64), 0);
    }
}

impl<'v, 'g> IntoNeighbors for &'v GraphView<'g> {
    type Neighbors = Neighbors<'v, 'g>;

    fn neighbors(self, entity: EntityIndex) -> Neighbors<'v, 'g> {
        self.neighbors_directed(entity, Way::Outgoing)
    }
}

impl<'v, 'g> IntoNeighborsDirected for &'v GraphView<'g> {
    type NeighborsDirected = Neighbors<'v, 'g>;

    fn neighbors_directed(self, entity: EntityIndex, way: Way) -> Neighbors<'v, 'g> {
        Neighbors {
            edges: self.edges_of(entity, way),
            outgoing: way == Way::Outgoing,
        }
    }
}

impl<'v, 'g> IntoEdges for &'v GraphView<'g> {
    type Edges = Edges<'v, 'g>;

    fn edges(self, entity: EntityIndex) -> Edges<'v, 'g> {
        self.edges_of(entity, Way::Outgoing)
    }
}

impl<'v, 'g> IntoEdgesDirected for &'v GraphView<'g> {
    type EdgesDirected = Edges<'v, 'g>;

    fn edges_directed(self, entity: EntityIndex, way: Way) -> Edges<'v, 'g> {
        self.edges_of(entity, way)
    }
}

impl<'v, 'g> IntoEdgeReferences for &'v GraphView<'g> {
    type EdgeRef = ViewEdge;
    type EdgeReferences = EdgeReferences<'v, 'g>;

    fn edge_references(self) -> EdgeReferences<'v, 'g> {
        EdgeReferences {
            nodes: self.nodes(),
            current: None,
        }
    }
}

impl<'v, 'g> IntoNodeIdentifiers for &'v GraphView<'g> {
    type NodeIdentifiers = Nodes<'v, 'g>;

    fn node_identifiers(self) -> Nodes<'v, 'g> {
        self.nodes()
    }
}

impl<'v, 'g> IntoNodeReferences for &'v GraphView<'g> {
    type NodeRef = ViewNode;
    type NodeReferences = NodeReferences<'v, 'g>;

    fn node_references(self) -> NodeReferences<'v, 'g> {
        NodeReferences { nodes: self.nodes() }
    }
}

/// The nodes of a view with their kinds, in position order.
#[derive(Debug, Clone)]
pub struct NodeReferences<'v, 'g> {
    nodes: Nodes<'v, 'g>,
}

impl Iterator for NodeReferences<'_, '_> {
    type Item = ViewNode;

    fn next(&mut self) -> Option<ViewNode> {
        let entity = self.nodes.next()?;
        Some(ViewNode {
            entity,
            kind: self.nodes.view.graph.kind_at(entity),
        })
    }
}

/// A [`GraphView`] whose edge weights are the costs of the strongest route
/// ([`super::link_cost`]: −ln of the relation's strength, plus a little
/// per hop) instead of relation kinds, for algorithms that read numeric
/// weights from the graph, such as `bellman_ford`. Made by
/// [`GraphView::link_costs`].
#[derive(Debug, Clone, Copy)]
pub struct LinkCosts<'v, 'g>(&'v GraphView<'g>);

/// A relation of a [`LinkCosts`] view, weighted by its cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostedEdge {
    edge: ViewEdge,
    cost: f64,
}

impl CostedEdge {
    fn of(edge: ViewEdge) -> CostedEdge {
        CostedEdge {
            edge,
            cost: super::paths::link_cost(edge.kind),
        }
    }

    /// The relation's kind.
    pub fn kind(&self) -> RelationKind {
        self.edge.kind
    }
}

impl EdgeRef for CostedEdge {
    type NodeId = EntityIndex;
    type EdgeId = RelationIndex;
    type Weight = f64;

    fn source(&self) -> EntityIndex {
        self.edge.source
    }

    fn target(&self) -> EntityIndex {
        self.edge.target
    }

    fn weight(&self) -> &f64 {
        &self.cost
    }

    fn id(&self) -> RelationIndex {
        self.edge.relation
    }
}

impl<'g> GraphView<'g> {
    /// This view with link costs as edge weights.
    pub fn link_costs(&self) -> LinkCosts<'_, 'g> {
        LinkCosts(self)
    }
}

/// Edges of a [`LinkCosts`] view.
pub type CostedEdges<'v, 'g> = std::iter::Map<Edges<'v, 'g>, fn(ViewEdge) -> CostedEdge>;

impl GraphBase for LinkCosts<'_, '_> {
    type NodeId = EntityIndex;
    type EdgeId = RelationIndex;
}

impl GraphProp for LinkCosts<'_, '_> {
    type EdgeType = Directed;
}

impl Data for LinkCosts<'_, '_> {
    type NodeWeight = EntityKind;
    type EdgeWeight = f64;
}

impl NodeCount for LinkCosts<'_, '_> {
    fn node_count(&self) -> usize {
        self.0.node_count()
    }
}

impl NodeIndexable for LinkCosts<'_, '_> {
    fn node_bound(&self) -> usize {
        self.0.node_bound()
    }

    fn to_index(&self, entity: EntityIndex) -> usize {
        NodeIndexable::to_index(self.0, entity)
    }

    fn from_index(&self, index: usize) -> EntityIndex {
        NodeIndexable::from_index(self.0, index)
    }
}

impl NodeCompactIndexable for LinkCosts<'_, '_> {}

impl Visitable for LinkCosts<'_, '_> {
    type Map = VisitSet;

    fn visit_map(&self) -> VisitSet {
        self.0.visit_map()
    }

    fn reset_map(&self, map: &mut VisitSet) {
        self.0.reset_map(map)
    }
}

impl petgraph::visit::GraphRef for LinkCosts<'_, '_> {}

impl<'v, 'g> IntoNeighbors for LinkCosts<'v, 'g> {
    type Neighbors = Neighbors<'v, 'g>;

    fn neighbors(self, entity: EntityIndex) -> Neighbors<'v, 'g> {
        self.0.neighbors(entity)
    }
}

impl<'v, 'g> IntoNeighborsDirected for LinkCosts<'v, 'g> {
    type NeighborsDirected = Neighbors<'v, 'g>;

    fn neighbors_directed(self, entity: EntityIndex, way: Way) -> Neighbors<'v, 'g> {
        self.0.neighbors_directed(entity, way)
    }
}

impl<'v, 'g> IntoEdges for LinkCosts<'v, 'g> {
    type Edges = CostedEdges<'v, 'g>;

    fn edges(self, entity: EntityIndex) -> CostedEdges<'v, 'g> {
        self.0
            .edges_of(entity, Way::Outgoing)
            .map(CostedEdge::of as fn(ViewEdge) -> CostedEdge)
    }
}

impl<'v, 'g> IntoEdgesDirected for LinkCosts<'v, 'g> {
    type EdgesDirected = CostedEdges<'v, 'g>;

    fn edges_directed(self, entity: EntityIndex, way: Way) -> CostedEdges<'v, 'g> {
        self.0
            .edges_of(entity, way)
            .map(CostedEdge::of as fn(ViewEdge) -> CostedEdge)
    }
}

impl<'v, 'g> IntoEdgeReferences for LinkCosts<'v, 'g> {
    type EdgeRef = CostedEdge;
    type EdgeReferences = std::iter::Map<EdgeReferences<'v, 'g>, fn(ViewEdge) -> CostedEdge>;

    fn edge_references(self) -> Self::EdgeReferences {
        self.0
            .edge_references()
            .map(CostedEdge::of as fn(ViewEdge) -> CostedEdge)
    }
}

impl<'v, 'g> IntoNodeIdentifiers for LinkCosts<'v, 'g> {
    type NodeIdentifiers = Nodes<'v, 'g>;

    fn node_identifiers(self) -> Nodes<'v, 'g> {
        self.0.nodes()
    }
}

//! k-hop neighbourhoods, breadth first, ignoring edge direction.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::analysis::in_force;
use super::store::KnowledgeGraph;
use super::views::{EdgeView, EntityRef, NeighborNode, NeighborsResponse};
use crate::model::{EntityKind, RelationKind};
use crate::{Error, Result};

/// Deepest neighbourhood a request may ask for.
pub const MAX_DEPTH: usize = 3;
/// Most nodes a neighbourhood returns.
pub const MAX_NEIGHBORS: usize = 1000;
/// Nodes a traversal may touch before it stops and reports truncation.
const VISIT_BUDGET: usize = 200_000;

/// Which way relations are followed from an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Relations the entity is the `from` of.
    Out,
    /// Relations the entity is the `to` of.
    In,
    #[default]
    Both,
}

impl std::str::FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "out" => Ok(Direction::Out),
            "in" => Ok(Direction::In),
            "both" => Ok(Direction::Both),
            _ => Err(format!("unknown direction `{s}`, expected out, in or both")),
        }
    }
}

/// Parameters of a neighbourhood query.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeighborsRequest {
    /// Hops from the centre, 1 to [`MAX_DEPTH`].
    pub depth: usize,
    /// Follow only relations of these kinds (all when empty).
    pub relations: Vec<RelationKind>,
    /// Enter only entities of these kinds (all when empty); the centre is
    /// always included.
    pub kinds: Vec<EntityKind>,
    /// Most nodes returned besides the centre, 1 to [`MAX_NEIGHBORS`].
    pub limit: usize,
    /// Follow relations leaving, entering or both.
    pub direction: Direction,
    /// The graph as it stood on this date: later relations are left out.
    pub as_of: Option<String>,
}

impl Default for NeighborsRequest {
    fn default() -> Self {
        NeighborsRequest {
            depth: 1,
            relations: Vec::new(),
            kinds: Vec::new(),
            limit: 50,
            direction: Direction::Both,
            as_of: None,
        }
    }
}

impl KnowledgeGraph {
    /// Returns the entities within `depth` hops of `key` and the relations
    /// among them.
    ///
    /// # Arguments
    /// * `key`: id, name or alias of the centre.
    /// * `request`: depth, relation and kind filters, limit.
    ///
    /// # Returns
    /// Nodes in breadth-first order (nearest first, strongest links first
    /// within a level), each with its depth; the edges between returned
    /// nodes that pass the relation filter; `truncated` when the limit or
    /// the visit budget cut the answer short.
    ///
    /// # Complexity
    /// O(V + E) over the visited part of the graph, bounded by a budget of
    /// visited nodes.
    pub fn neighbors(&self, key: &str, request: &NeighborsRequest) -> Result<NeighborsResponse> {
        if request.depth == 0 || request.depth > MAX_DEPTH {
            return Err(Error::invalid_parameter(
                "depth",
                format!("must be between 1 and {MAX_DEPTH}"),
            ));
        }
        if request.limit == 0 || request.limit > MAX_NEIGHBORS {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_NEIGHBORS}"),
            ));
        }
        if let Some(as_of) = &request.as_of {
            crate::search::check_date("as_of", as_of)?;
        }
        let center = self.resolve(key)?;
        let as_of = request.as_of.as_deref();
        let relation_allowed = |relation: &crate::model::Relation| {
            (request.relations.is_empty() || request.relations.contains(&relation.kind)) && in_force(relation, as_of)
        };
        let direction_allowed = |outgoing: bool| match request.direction {
            Direction::Both => true,
            Direction::Out => outgoing,
            Direction::In => !outgoing,
        };
        let kind_allowed = |kind: EntityKind| request.kinds.is_empty() || request.kinds.contains(&kind);

        let mut depth_of: HashMap<u32, usize> = HashMap::from([(center, 0)]);
        let mut order: Vec<u32> = Vec::new();
        let mut queue = VecDeque::from([center]);
        let mut truncated = false;
        let mut visited = 0usize;
        // entities found but not returned once the limit is reached
        let mut left_out: HashSet<u32> = HashSet::new();
        'bfs: while let Some(current) = queue.pop_front() {
            let depth = depth_of[&current];
            if depth == request.depth {
                continue;
            }
            let mut next: Vec<(f32, u32)> = Vec::new();
            for (_, other_node, relation_index, outgoing) in self.incident_edges(self.node(current)) {
                visited += 1;
                if visited > VISIT_BUDGET {
                    truncated = true;
                    break 'bfs;
                }
                let relation = self.relation_at(relation_index);
                if !relation_allowed(relation) || !direction_allowed(outgoing) {
                    continue;
                }
                let other = self.petgraph()[other_node];
                if depth_of.contains_key(&other) || !kind_allowed(self.entity_at(other).kind) {
                    continue;
                }
                next.push((relation.kind.strength(), other));
            }
            next.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, other) in next {
                if depth_of.contains_key(&other) {
                    continue;
                }
                if order.len() == request.limit {
                    truncated = true;
                    left_out.insert(other);
                    continue;
                }
                depth_of.insert(other, depth + 1);
                order.push(other);
                queue.push_back(other);
            }
        }
        let mut omitted: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for index in left_out {
            *omitted.entry(self.entity_at(index).kind.to_string()).or_default() += 1;
        }

        let included: HashSet<u32> = depth_of.keys().copied().collect();
        let mut seen_edges = HashSet::new();
        let mut edges = Vec::new();
        for &index in std::iter::once(&center).chain(order.iter()) {
            for (edge, other_node, relation_index, _) in self.incident_edges(self.node(index)) {
                let relation = self.relation_at(relation_index);
                if !relation_allowed(relation)
                    || !included.contains(&self.petgraph()[other_node])
                    || !seen_edges.insert(edge)
                {
                    continue;
                }
                edges.push(EdgeView {
                    from: relation.from.clone(),
                    to: relation.to.clone(),
                    kind: relation.kind,
                    since: relation.since.clone(),
                    amount: relation.amount,
                    unit: relation.unit.clone(),
                    evidence: relation.evidence.clone(),
                });
            }
        }
        let nodes = order
            .iter()
            .map(|&i| NeighborNode {
                entity: EntityRef::from(self.entity_at(i)),
                depth: depth_of[&i],
            })
            .collect();
        Ok(NeighborsResponse {
            center: EntityRef::from(self.entity_at(center)),
            nodes,
            edges,
            truncated,
            omitted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::store::tests::{entity, relation};
    use EntityKind::*;
    use RelationKind::*;

    fn sample() -> KnowledgeGraph {
        // prof —leads→ project, prof —affiliated_with→ uni, company —incubated_by→ incubator,
        // prof —founded→ company, company —located_in→ zone, incubator —located_in→ zone
        KnowledgeGraph::from_records(
            vec![
                entity("prof", Person, "杨教授", &[]),
                entity("uni", University, "农大", &[]),
                entity("company", Enterprise, "喜海", &[]),
                entity("incubator", Platform, "工研院", &[]),
                entity("zone", Zone, "高新区", &[]),
            ],
            vec![
                relation("prof", "uni", AffiliatedWith),
                relation("prof", "company", Founded),
                relation("company", "incubator", IncubatedBy),
                relation("company", "zone", LocatedIn),
                relation("incubator", "zone", LocatedIn),
            ],
        )
        .unwrap()
    }

    #[test]
    fn depths_and_edges() {
        let graph = sample();
        let one = graph.neighbors("prof", &NeighborsRequest::default()).unwrap();
        let ids: Vec<&str> = one.nodes.iter().map(|n| n.entity.id.as_str()).collect();
        assert_eq!(ids, ["company", "uni"], "strongest link first");
        assert_eq!(one.edges.len(), 2);
        let two = graph
            .neighbors(
                "prof",
                &NeighborsRequest {
                    depth: 2,
                    ..Default::default()
                },
            )
            .unwrap();
        let depth_of = |id: &str| two.nodes.iter().find(|n| n.entity.id == id).map(|n| n.depth);
        assert_eq!(depth_of("incubator"), Some(2));
        assert_eq!(depth_of("zone"), Some(2));
        // the incubator–zone edge links two returned nodes, so it is shown
        assert!(two.edges.iter().any(|e| e.from == "incubator" && e.to == "zone"));
        assert!(!two.truncated);
    }

    #[test]
    fn filters_and_limit() {
        let graph = sample();
        let only_founded = graph
            .neighbors(
                "prof",
                &NeighborsRequest {
                    depth: 3,
                    relations: vec![Founded],
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(only_founded.nodes.len(), 1);
        let no_platforms = graph
            .neighbors(
                "prof",
                &NeighborsRequest {
                    depth: 3,
                    kinds: vec![Enterprise, Zone, University],
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(no_platforms.nodes.iter().all(|n| n.entity.kind != Platform));
        let limited = graph
            .neighbors(
                "prof",
                &NeighborsRequest {
                    depth: 3,
                    limit: 2,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(limited.nodes.len(), 2);
        assert!(limited.truncated);
        assert!(graph
            .neighbors(
                "prof",
                &NeighborsRequest {
                    depth: 9,
                    ..Default::default()
                }
            )
            .is_err());
    }
}

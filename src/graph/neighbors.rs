//! k-hop neighbourhoods, breadth first, with direction, kind and date
//! filters, a limit, and a budget of visits and time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::adjacency::{pack_date, Edge, KindMask};
use super::budget::{Budget, Meter};
use super::responses::{EdgeView, NeighborNode, NeighborsResponse};
use super::scratch::{with_scratch, Scratch};
use super::tables::KnowledgeGraph;
use crate::model::{EntityKind, EntityRef, RelationKind};
use crate::{Error, Result};

/// Deepest neighbourhood a request may ask for.
pub const MAX_DEPTH: usize = 3;
/// Most nodes a neighbourhood returns.
pub const MAX_NEIGHBORS: usize = 1000;

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
    /// Bounds of the traversal; [`Budget::NEIGHBORS`] when absent.
    #[serde(skip)]
    pub budget: Option<Budget>,
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
            budget: None,
        }
    }
}

impl KnowledgeGraph {
    /// How many entities lie at each distance 1..=`depth` from `key`, over
    /// relations in both directions: the whole neighbourhood, counted
    /// without building views of it (a hub's two hops can be half the
    /// graph). Bounded by `budget` (default [`Budget::NEIGHBORS`]); a count
    /// that would exceed it is [`Error::BudgetExceeded`].
    pub fn reachable(&self, key: &str, depth: usize, budget: Option<Budget>) -> Result<Vec<usize>> {
        if depth == 0 || depth > MAX_DEPTH {
            return Err(Error::invalid_parameter(
                "depth",
                format!("must be between 1 and {MAX_DEPTH}"),
            ));
        }
        let center = self.resolve(key)?;
        let mut meter = Meter::new(budget.unwrap_or(Budget::NEIGHBORS));
        let nodes = self.adjacency.nodes();
        with_scratch(nodes, |scratch| {
            let seen = &mut scratch.seen[0];
            seen.clear(nodes);
            seen.insert(center);
            let mut frontier = vec![center];
            let mut counts = Vec::with_capacity(depth);
            for _ in 0..depth {
                let mut next = Vec::new();
                for node in frontier {
                    let neighbors = self.adjacency.neighbors(node);
                    if !meter.spend(neighbors.len()) {
                        return Err(meter.error());
                    }
                    next.extend(neighbors.iter().copied().filter(|&other| seen.insert(other)));
                }
                counts.push(next.len());
                frontier = next;
            }
            Ok(counts)
        })
    }
    /// Returns the entities within `depth` hops of `key` and the relations
    /// among them.
    ///
    /// # Arguments
    /// * `key`: id, name or alias of the centre.
    /// * `request`: depth, relation and kind filters, direction, date,
    ///   limit, budget.
    ///
    /// # Returns
    /// Nodes in breadth-first order (nearest first, strongest links first
    /// within a level), each with its depth; the edges between returned
    /// nodes that pass the relation filter; `truncated` when the limit or
    /// the budget cut the answer short, with `omitted` counting per kind the
    /// entities found next but left out by the limit.
    ///
    /// # Complexity
    /// O(V + E) over the visited part of the graph (only the returned nodes
    /// are expanded), bounded by the budget of visits and time.
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
            crate::model::check_date("as_of", as_of)?;
        }
        let center = self.resolve(key)?;
        let relation_kinds = KindMask::of(&request.relations);
        let as_of = pack_date(request.as_of.as_deref());
        let allowed = |edge: &Edge| {
            if !relation_kinds.contains(edge.kind) {
                return false;
            }
            let since = self.relations.since[edge.relation as usize];
            as_of == 0 || since == 0 || since <= as_of
        };
        let direction_allowed = |outgoing: bool| match request.direction {
            Direction::Both => true,
            Direction::Out => outgoing,
            Direction::In => !outgoing,
        };
        let any_kind = request.kinds.is_empty();
        let kind_allowed = |node: u32| any_kind || request.kinds.contains(&self.entity_kind[node as usize]);
        let mut meter = Meter::new(request.budget.unwrap_or(Budget::NEIGHBORS));
        let nodes = self.adjacency.nodes();

        let (order, depths, truncated, omitted_by_kind, relation_positions) = with_scratch(nodes, |scratch| {
            let Scratch {
                seen,
                parent,
                depth,
                banned,
                ..
            } = scratch;
            // seen[0]: returned (with depth[0] and parent[0] = place in the
            // order); seen[1]: found but left out; banned: already a
            // candidate of the node being expanded (parent[1] = its slot)
            seen[0].clear(nodes);
            seen[1].clear(nodes);
            seen[0].insert(center);
            depth[0][center as usize] = 0;
            parent[0][center as usize] = 0;
            let mut order: Vec<u32> = vec![center];
            let mut omitted_by_kind = vec![0usize; EntityKind::ALL.len()];
            let mut truncated = false;
            let mut cursor = 0;
            while cursor < order.len() {
                let current = order[cursor];
                cursor += 1;
                let level = depth[0][current as usize] as usize;
                if level == request.depth {
                    continue;
                }
                let range = self.adjacency.range(current);
                if !meter.spend(range.len()) {
                    truncated = true;
                    break;
                }
                banned.clear(nodes);
                let mut next: Vec<(f32, u32)> = Vec::new();
                for position in range {
                    let edge = self.adjacency.entry(current, position);
                    if !direction_allowed(edge.outgoing) || seen[0].contains(edge.neighbor) || !allowed(&edge) {
                        continue;
                    }
                    if !kind_allowed(edge.neighbor) {
                        continue;
                    }
                    let strength = edge.kind.strength();
                    if !banned.insert(edge.neighbor) {
                        let slot = &mut next[parent[1][edge.neighbor as usize] as usize];
                        slot.0 = slot.0.max(strength);
                        continue;
                    }
                    parent[1][edge.neighbor as usize] = next.len() as u32;
                    next.push((strength, edge.neighbor));
                }
                let by_strength = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
                // returned places left: the strongest that many, in order
                let room = request.limit + 1 - order.len();
                if next.len() > room {
                    truncated = true;
                    if room > 0 {
                        next.select_nth_unstable_by(room - 1, by_strength);
                    }
                    for &(_, other) in &next[room..] {
                        if seen[1].insert(other) {
                            omitted_by_kind[self.entity_kind[other as usize] as usize] += 1;
                        }
                    }
                    next.truncate(room);
                }
                next.sort_by(by_strength);
                for (_, other) in next {
                    seen[0].insert(other);
                    depth[0][other as usize] = (level + 1) as u8;
                    parent[0][other as usize] = order.len() as u32;
                    order.push(other);
                }
            }
            // each relation between two returned nodes once, listed at the
            // end that comes first in the order
            let mut relation_positions = Vec::new();
            for (place, &node) in order.iter().enumerate() {
                for edge in self.adjacency.edges(node) {
                    if !seen[0].contains(edge.neighbor) || !allowed(&edge) {
                        continue;
                    }
                    let other_place = parent[0][edge.neighbor as usize] as usize;
                    if other_place > place || (other_place == place && edge.outgoing) {
                        relation_positions.push(edge.relation);
                    }
                }
            }
            let depths: Vec<u8> = order.iter().map(|&n| depth[0][n as usize]).collect();
            (order, depths, truncated, omitted_by_kind, relation_positions)
        });
        let omitted: BTreeMap<String, usize> = omitted_by_kind
            .iter()
            .enumerate()
            .filter(|(_, &count)| count > 0)
            .map(|(kind, &count)| (EntityKind::ALL[kind].to_string(), count))
            .collect();
        let edges = relation_positions
            .into_iter()
            .map(|index| {
                let relation = self.relation(index)?;
                Ok(EdgeView {
                    from: relation.from,
                    to: relation.to,
                    kind: relation.kind,
                    since: relation.since,
                    amount: relation.amount,
                    unit: relation.unit,
                    evidence: relation.evidence,
                })
            })
            .collect::<Result<Vec<EdgeView>>>()?;
        let nodes = order[1..]
            .iter()
            .zip(&depths[1..])
            .map(|(&i, &depth)| NeighborNode {
                entity: EntityRef::from(self.entity_at(i)),
                depth: depth as usize,
            })
            .collect();
        tracing::debug!(visits = meter.visits(), truncated, "neighbors");
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
    use crate::graph::testing::{entity, relation};
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

    #[test]
    fn a_hub_expands_within_its_budget() {
        // a hub linked to 30,000 enterprises, each linked to a person
        let leaves = 30_000;
        let mut entities = vec![entity("hub", Zone, "园区", &[])];
        let mut relations = Vec::new();
        for i in 0..leaves {
            entities.push(entity(&format!("e{i}"), Enterprise, &format!("企业{i}"), &[]));
            entities.push(entity(&format!("p{i}"), Person, &format!("人{i}"), &[]));
            relations.push(relation(&format!("e{i}"), "hub", LocatedIn));
            relations.push(relation(&format!("p{i}"), &format!("e{i}"), Founded));
        }
        let graph = KnowledgeGraph::from_records(entities, relations).unwrap();
        let started = std::time::Instant::now();
        let response = graph
            .neighbors(
                "hub",
                &NeighborsRequest {
                    depth: 3,
                    limit: 1000,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(started.elapsed() < Budget::NEIGHBORS.max_time * 2);
        assert_eq!(response.nodes.len(), 1000);
        assert!(response.truncated);
        assert_eq!(response.omitted.get("enterprise"), Some(&(leaves - 1000)));
        assert!(response.nodes.iter().all(|n| n.depth == 1));
        let bounded = graph
            .neighbors(
                "hub",
                &NeighborsRequest {
                    depth: 3,
                    limit: 1000,
                    budget: Some(Budget {
                        max_visits: 1000,
                        max_time: std::time::Duration::from_secs(5),
                    }),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(bounded.truncated);
        assert!(bounded.nodes.is_empty(), "the hub's own row is over the budget");
    }

    #[test]
    fn reachable_counts_every_level_and_respects_the_budget() {
        let graph = sample();
        // prof: company, uni; then incubator, zone. zone: company,
        // incubator; then prof; then uni
        assert_eq!(graph.reachable("prof", 2, None).unwrap(), [2, 2]);
        assert_eq!(graph.reachable("zone", 3, None).unwrap(), [2, 1, 1]);
        let tiny = Budget {
            max_visits: 2,
            max_time: std::time::Duration::from_secs(5),
        };
        assert!(matches!(
            graph.reachable("prof", 3, Some(tiny)),
            Err(Error::BudgetExceeded { .. })
        ));
        assert!(graph.reachable("prof", 0, None).is_err());
    }
}

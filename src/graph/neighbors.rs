//! k-hop neighbourhoods, breadth first, with direction, kind and date
//! filters, a limit, and a budget of visits and time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::budget::{Budget, Meter};
use super::filter::RelationFilter;
use super::numbering::{EntityIndex, RelationIndex};
use super::responses::{EdgeView, NeighborNode, NeighborsResponse};
use super::scratch::{with_scratch, Scratch};
use super::tables::KnowledgeGraph;
use crate::model::{Direction, EntityKind, EntityRef, RelationKind};
use crate::params;
use crate::{Error, Result};

/// Deepest neighbourhood a request may ask for.
pub const MAX_DEPTH: usize = 3;
/// Most nodes a neighbourhood returns.
pub const MAX_NEIGHBORS: usize = 1000;

/// Parameters of a neighbourhood query (the entity at its centre is the
/// CLI's `ID` and the HTTP path's `{id}`). The same struct is the CLI's
/// `neighbors` options and `/api/entities/{id}/neighbors`'s parameters.
#[derive(Debug, Clone, Serialize, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct NeighborsRequest {
    /// Hops from the entity (1 to 3).
    #[arg(long, default_value_t = 1)]
    #[serde(deserialize_with = "params::number")]
    pub depth: usize,
    /// Follow only these relation kinds (comma-separated).
    #[arg(long = "relation", value_delimiter = ',')]
    #[serde(rename = "relation", deserialize_with = "params::list")]
    pub relations: Vec<RelationKind>,
    /// Enter only these entity kinds (comma-separated); the centre is
    /// always included.
    #[arg(long = "kind", value_delimiter = ',')]
    #[serde(rename = "kind", deserialize_with = "params::list")]
    pub kinds: Vec<EntityKind>,
    /// Most entities listed besides the centre (1 to 1000).
    #[arg(long, default_value_t = DEFAULT_NEIGHBORS)]
    #[serde(deserialize_with = "params::number")]
    pub limit: usize,
    /// Follow relations leaving the entity (out), entering it (in) or both.
    #[arg(long, default_value = "both")]
    #[serde(deserialize_with = "params::parsed")]
    pub direction: Direction,
    /// With --kind: walk only through entities of those kinds (kinds), or
    /// through any entity, listing only those kinds (any).
    #[arg(long, default_value = "kinds")]
    #[serde(deserialize_with = "params::parsed")]
    pub through: Through,
    /// The graph as it stood on this date (YYYY, YYYY-MM or YYYY-MM-DD):
    /// later relations are left out.
    #[arg(long)]
    #[serde(deserialize_with = "params::optional_text")]
    pub as_of: Option<String>,
    /// Bounds of the traversal; [`Budget::NEIGHBORS`] when absent.
    #[arg(skip)]
    #[serde(skip)]
    pub budget: Option<Budget>,
}

/// Which entities a neighbourhood with a kind filter walks through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Through {
    /// Only entities of the kinds asked for.
    #[default]
    Kinds,
    /// Any entity; only the kinds asked for are listed.
    Any,
}

impl std::str::FromStr for Through {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "kinds" => Ok(Through::Kinds),
            "any" => Ok(Through::Any),
            _ => Err(format!("unknown `{s}`, expected kinds or any")),
        }
    }
}

/// Entities a neighbourhood lists unless asked for another number.
pub const DEFAULT_NEIGHBORS: usize = 50;

impl Default for NeighborsRequest {
    fn default() -> Self {
        NeighborsRequest {
            depth: 1,
            relations: Vec::new(),
            kinds: Vec::new(),
            limit: DEFAULT_NEIGHBORS,
            direction: Direction::Both,
            through: Through::Kinds,
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
        let nodes = self.adjacency().nodes();
        with_scratch(nodes, |scratch| {
            let seen = &mut scratch.seen[0];
            seen.clear(nodes);
            seen.insert(center);
            let mut frontier = vec![center];
            let mut counts = Vec::with_capacity(depth);
            for _ in 0..depth {
                let mut next = Vec::new();
                for node in frontier {
                    let neighbors = self.adjacency().neighbors(node);
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
        request.validate()?;
        let center = self.resolve(key)?;
        let expansion = Expansion {
            graph: self,
            request,
            relations: RelationFilter::new(&request.relations, request.as_of.as_deref())?,
            meter: Meter::new(request.budget.unwrap_or(Budget::NEIGHBORS)),
        };
        let mut found = expansion.run(center);
        if request.through == Through::Any && !request.kinds.is_empty() {
            found.keep_listed(self, center, &request.kinds);
        }
        let omitted: BTreeMap<String, usize> = found
            .omitted_by_kind
            .iter()
            .enumerate()
            .filter(|(_, &count)| count > 0)
            .map(|(kind, &count)| (EntityKind::ALL[kind].to_string(), count))
            .collect();
        let edges = found
            .relations
            .into_iter()
            .map(|relation| self.relation(relation).map(EdgeView::from))
            .collect::<Result<Vec<EdgeView>>>()?;
        let nodes = found.order[1..]
            .iter()
            .zip(&found.depths[1..])
            .map(|(&entity, &depth)| NeighborNode {
                entity: EntityRef::from(self.entity_at(entity)),
                depth: depth as usize,
            })
            .collect::<Vec<_>>();
        let explanation = if nodes.is_empty() {
            Some(self.why_no_neighbors(key, request))
        } else {
            None
        };
        Ok(NeighborsResponse {
            center: EntityRef::from(self.entity_at(center)),
            nodes,
            edges,
            truncated: found.truncated,
            omitted,
            explanation,
            resolved_from: Default::default(),
        })
    }
}

impl KnowledgeGraph {
    /// Why a neighbourhood came back empty: the kind filter that blocked
    /// the walk, the relation or date filter, or no relation at all.
    fn why_no_neighbors(&self, key: &str, request: &NeighborsRequest) -> String {
        let listed = |changed: NeighborsRequest| {
            self.neighbors(key, &changed)
                .map(|response| !response.nodes.is_empty())
                .unwrap_or(false)
        };
        if !request.kinds.is_empty() {
            let kinds: Vec<&str> = request.kinds.iter().map(|k| k.as_str()).collect();
            if request.through == Through::Kinds
                && listed(NeighborsRequest {
                    through: Through::Any,
                    ..request.clone()
                })
            {
                return format!(
                    "the kind filter ({}) blocked the walk: entities of those kinds are reachable only through other kinds; walk through any kind with through=any (--through any)",
                    kinds.join(", ")
                );
            }
            return format!(
                "no entity of the kinds asked for ({}) lies within {} hop(s)",
                kinds.join(", "),
                request.depth
            );
        }
        if (!request.relations.is_empty() || request.as_of.is_some() || request.direction != Direction::Both)
            && listed(NeighborsRequest {
                depth: 1,
                ..NeighborsRequest::default()
            })
        {
            return "no relation of the kinds, date and direction asked for leaves the entity".to_string();
        }
        "the entity has no relations".to_string()
    }
}

impl NeighborsRequest {
    fn validate(&self) -> Result<()> {
        if self.depth == 0 || self.depth > MAX_DEPTH {
            return Err(Error::invalid_parameter(
                "depth",
                format!("must be between 1 and {MAX_DEPTH}"),
            ));
        }
        if self.limit == 0 || self.limit > MAX_NEIGHBORS {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_NEIGHBORS}"),
            ));
        }
        Ok(())
    }
}

/// One breadth-first expansion of a neighbourhood.
struct Expansion<'g, 'r> {
    graph: &'g KnowledgeGraph,
    request: &'r NeighborsRequest,
    relations: RelationFilter,
    meter: Meter,
}

/// What an expansion found: the returned entities in order (the centre
/// first) with their depths, the relations among them, and what the limit
/// left out.
struct Found {
    order: Vec<EntityIndex>,
    depths: Vec<u8>,
    relations: Vec<RelationIndex>,
    truncated: bool,
    omitted_by_kind: Vec<usize>,
}

impl Found {
    /// Keeps the centre and the entities of `kinds` (those walked through
    /// on the way are left out), and the relations among them.
    fn keep_listed(&mut self, graph: &KnowledgeGraph, center: EntityIndex, kinds: &[EntityKind]) {
        let listed = |entity: EntityIndex| entity == center || kinds.contains(&graph.kind_at(entity));
        let kept: Vec<(EntityIndex, u8)> = self
            .order
            .iter()
            .zip(&self.depths)
            .filter(|(&entity, _)| listed(entity))
            .map(|(&entity, &depth)| (entity, depth))
            .collect();
        (self.order, self.depths) = kept.into_iter().unzip();
        self.relations.retain(|&relation| {
            let (from, to) = graph.relation_ends(relation);
            listed(from) && listed(to)
        });
    }
}

impl Expansion<'_, '_> {
    /// Whether an entity may be entered.
    fn enters(&self, entity: EntityIndex) -> bool {
        self.request.through == Through::Any || self.lists(entity)
    }

    /// Whether an entity is of a kind the request lists.
    fn lists(&self, entity: EntityIndex) -> bool {
        self.request.kinds.is_empty() || self.request.kinds.contains(&self.graph.kind_at(entity))
    }

    fn run(mut self, center: EntityIndex) -> Found {
        let nodes = self.graph.adjacency().nodes();
        let found = with_scratch(nodes, |scratch| {
            // seen[0]: returned, with depth[0] and parent[0] = place in the
            // order; seen[1]: found but left out
            scratch.seen[0].clear(nodes);
            scratch.seen[1].clear(nodes);
            scratch.seen[0].insert(center);
            scratch.depth[0][center.index()] = 0;
            scratch.parent[0][center.index()] = 0;
            let mut found = Found {
                order: vec![center],
                depths: Vec::new(),
                relations: Vec::new(),
                truncated: false,
                omitted_by_kind: vec![0usize; EntityKind::ALL.len()],
            };
            let mut cursor = 0;
            while cursor < found.order.len() {
                let current = found.order[cursor];
                cursor += 1;
                let level = scratch.depth[0][current.index()] as usize;
                if level == self.request.depth {
                    continue;
                }
                if !self.meter.spend(self.graph.degree(current)) {
                    found.truncated = true;
                    break;
                }
                let next = self.strongest_next(current, scratch, &mut found);
                for other in next {
                    scratch.seen[0].insert(other);
                    scratch.depth[0][other.index()] = (level + 1) as u8;
                    scratch.parent[0][other.index()] = found.order.len() as u32;
                    found.order.push(other);
                }
            }
            found.relations = self.relations_among(&found.order, scratch);
            found.depths = found.order.iter().map(|&n| scratch.depth[0][n.index()]).collect();
            found
        });
        tracing::debug!(visits = self.meter.visits(), truncated = found.truncated, "neighbors");
        found
    }

    /// The entities to return next from `current`: its neighbours not seen
    /// yet that the filters let through, strongest link first, as many as
    /// the limit leaves room for (the others counted as left out).
    fn strongest_next(&self, current: EntityIndex, scratch: &mut Scratch, found: &mut Found) -> Vec<EntityIndex> {
        let Scratch {
            seen, parent, banned, ..
        } = scratch;
        // banned: already a candidate from `current` (parent[1] = its slot)
        banned.clear(self.graph.adjacency().nodes());
        let mut next: Vec<(f32, EntityIndex)> = Vec::new();
        for edge in self.graph.adjacency().edges(current) {
            if !self.request.direction.allows(edge.outgoing)
                || seen[0].contains(edge.neighbor)
                || !self.relations.allows_edge(self.graph, &edge)
                || !self.enters(edge.neighbor)
            {
                continue;
            }
            let strength = edge.kind.strength();
            if !banned.insert(edge.neighbor) {
                let slot = &mut next[parent[1][edge.neighbor.index()] as usize];
                slot.0 = slot.0.max(strength);
                continue;
            }
            parent[1][edge.neighbor.index()] = next.len() as u32;
            next.push((strength, edge.neighbor));
        }
        let by_strength = |a: &(f32, EntityIndex), b: &(f32, EntityIndex)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let room = self.request.limit + 1 - found.order.len();
        if next.len() > room {
            found.truncated = true;
            if room > 0 {
                next.select_nth_unstable_by(room - 1, by_strength);
            }
            for &(_, other) in &next[room..] {
                if seen[1].insert(other) {
                    found.omitted_by_kind[self.graph.kind_at(other) as usize] += 1;
                }
            }
            next.truncate(room);
        }
        next.sort_by(by_strength);
        next.into_iter().map(|(_, entity)| entity).collect()
    }

    /// Each relation between two returned entities once, listed at the end
    /// that comes first in the order.
    fn relations_among(&self, order: &[EntityIndex], scratch: &Scratch) -> Vec<RelationIndex> {
        let mut relations = Vec::new();
        for (place, &entity) in order.iter().enumerate() {
            for edge in self.graph.adjacency().edges(entity) {
                if !scratch.seen[0].contains(edge.neighbor) || !self.relations.allows_edge(self.graph, &edge) {
                    continue;
                }
                let other_place = scratch.parent[0][edge.neighbor.index()] as usize;
                if other_place > place || (other_place == place && edge.outgoing) {
                    relations.push(edge.relation);
                }
            }
        }
        relations
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
        // no time at all: the clock, read once the hub's row is counted,
        // stops the expansion before it lists anything
        let out_of_time = graph
            .neighbors(
                "hub",
                &NeighborsRequest {
                    depth: 3,
                    limit: 1000,
                    budget: Some(Budget {
                        max_visits: usize::MAX,
                        max_time: std::time::Duration::ZERO,
                    }),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(out_of_time.truncated);
        assert!(out_of_time.nodes.is_empty());
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

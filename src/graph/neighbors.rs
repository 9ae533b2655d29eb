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
    /// At most this many neighbours reached through each relation kind at
    /// each hop from the entity (1 to 1000): a hub's neighbourhood with
    /// every kind in it. `limit` still caps the total.
    #[arg(long)]
    #[serde(deserialize_with = "params::optional_number")]
    pub per_kind: Option<usize>,
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
            per_kind: None,
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
    ///   limit, neighbours per relation kind, budget.
    ///
    /// # Returns
    /// Nodes in breadth-first order (nearest first, strongest links first
    /// within a level), each with its depth; the edges between returned
    /// nodes that pass the relation filter; `truncated` when the limit or
    /// the budget cut the answer short, with `omitted` counting per kind the
    /// entities found next but left out by the limit; with `per_kind`,
    /// `per_kind_omitted` counting per relation kind the entities left out
    /// because that kind had its share at their hop; and the centre's
    /// relations by kind (all of them, as the entity view counts them).
    ///
    /// With `per_kind`, a neighbour counts under the strongest relation
    /// kind that reaches it from the node it is found from. When the limit
    /// cuts such a listing, it keeps every kind's first before any kind's
    /// second, and so on, so that a tight limit still shows every kind. An
    /// entity left out at one hop is not listed further out (its depth
    /// would be wrong).
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
            shares: Shares::default(),
        };
        let relations_by_kind = RelationKind::tally(self.adjacency().edges(center).map(|edge| edge.kind));
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
        let per_kind_omitted = RelationKind::tally(found.cut_by_kind.iter().copied());
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
            per_kind_omitted,
            relations_by_kind,
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
        if self.per_kind.is_some_and(|each| each == 0 || each > MAX_NEIGHBORS) {
            return Err(Error::invalid_parameter(
                "per_kind",
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
    shares: Shares,
}

/// With `per_kind`: how many entities each relation kind has brought into
/// the hop being listed, and the entities it had to leave out.
#[derive(Default)]
struct Shares {
    /// The depth of the entities counted in `listed`.
    depth: usize,
    listed: [usize; RelationKind::ALL.len()],
    /// Entities left out, each once, with the kind it was counted under
    /// (one may still be listed later through another link at its hop).
    cut: Vec<(EntityIndex, RelationKind)>,
}

/// A neighbour of the node being expanded that may be listed next.
struct Candidate {
    /// Strength of its strongest link from the node.
    strength: f32,
    /// Kind of that link.
    kind: RelationKind,
    /// With `per_kind`: its place among its kind's entities at this hop (0
    /// for the first), by which the limit cuts; 0 otherwise.
    round: usize,
    entity: EntityIndex,
}

impl Shares {
    /// Splits the candidates found at `depth` into those their kind's share
    /// of `each` still has room for (lowest entities first within a kind),
    /// each with its round, and the others. O(n) for n candidates.
    fn take(&mut self, candidates: Vec<Candidate>, each: usize, depth: usize) -> (Vec<Candidate>, Vec<Candidate>) {
        if depth != self.depth {
            self.depth = depth;
            self.listed = [0; RelationKind::ALL.len()];
        }
        let mut by_kind: [Vec<Candidate>; RelationKind::ALL.len()] = std::array::from_fn(|_| Vec::new());
        for candidate in candidates {
            by_kind[candidate.kind as usize].push(candidate);
        }
        let mut kept = Vec::new();
        let mut cut = Vec::new();
        for (run, &listed) in by_kind.iter_mut().zip(&self.listed) {
            let room = each.saturating_sub(listed);
            if run.len() > room {
                if room > 0 {
                    run.select_nth_unstable_by_key(room - 1, |candidate| candidate.entity);
                }
                cut.extend(run.drain(room..));
            }
            run.sort_unstable_by_key(|candidate| candidate.entity);
            for (rank, mut candidate) in run.drain(..).enumerate() {
                candidate.round = listed + rank;
                kept.push(candidate);
            }
        }
        (kept, cut)
    }
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
    /// Relation kinds of the entities `per_kind` left out and that were
    /// not listed through another link, one per entity.
    cut_by_kind: Vec<RelationKind>,
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
                cut_by_kind: Vec::new(),
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
                let next = self.strongest_next(current, level + 1, scratch, &mut found);
                for other in next {
                    scratch.seen[0].insert(other);
                    scratch.depth[0][other.index()] = (level + 1) as u8;
                    scratch.parent[0][other.index()] = found.order.len() as u32;
                    found.order.push(other);
                }
            }
            found.relations = self.relations_among(&found.order, scratch);
            found.cut_by_kind = self.still_cut(scratch);
            found.depths = found.order.iter().map(|&n| scratch.depth[0][n.index()]).collect();
            found
        });
        tracing::debug!(visits = self.meter.visits(), truncated = found.truncated, "neighbors");
        found
    }

    /// The entities to return next from `current`, found at `depth`: its
    /// neighbours not seen yet that the filters let through, strongest link
    /// first, with `per_kind` as many of each relation kind as its share at
    /// this depth leaves room for, and as many as the limit leaves room for
    /// (the others counted as left out).
    fn strongest_next(
        &mut self,
        current: EntityIndex,
        depth: usize,
        scratch: &mut Scratch,
        found: &mut Found,
    ) -> Vec<EntityIndex> {
        let Scratch {
            seen,
            parent,
            depth: depths,
            banned,
            ..
        } = scratch;
        // banned: already a candidate from `current` (parent[1] = its slot);
        // seen[1]: left out, at depth[1]
        banned.clear(self.graph.adjacency().nodes());
        let mut next: Vec<Candidate> = Vec::new();
        for edge in self.graph.adjacency().edges(current) {
            if !self.request.direction.allows(edge.outgoing)
                || seen[0].contains(edge.neighbor)
                || (seen[1].contains(edge.neighbor) && (depths[1][edge.neighbor.index()] as usize) < depth)
                || !self.relations.allows_edge(self.graph, &edge)
                || !self.enters(edge.neighbor)
            {
                continue;
            }
            let strength = edge.kind.strength();
            if !banned.insert(edge.neighbor) {
                let slot = &mut next[parent[1][edge.neighbor.index()] as usize];
                if strength > slot.strength || (strength == slot.strength && edge.kind < slot.kind) {
                    slot.strength = strength;
                    slot.kind = edge.kind;
                }
                continue;
            }
            parent[1][edge.neighbor.index()] = next.len() as u32;
            next.push(Candidate {
                strength,
                kind: edge.kind,
                round: 0,
                entity: edge.neighbor,
            });
        }
        if let Some(each) = self.request.per_kind {
            let cut;
            (next, cut) = self.shares.take(next, each, depth);
            for candidate in cut {
                if seen[1].insert(candidate.entity) {
                    depths[1][candidate.entity.index()] = depth as u8;
                    self.shares.cut.push((candidate.entity, candidate.kind));
                }
            }
        }
        let by_strength =
            |a: &Candidate, b: &Candidate| b.strength.total_cmp(&a.strength).then(a.entity.cmp(&b.entity));
        let by_round = |a: &Candidate, b: &Candidate| a.round.cmp(&b.round).then_with(|| by_strength(a, b));
        let room = self.request.limit + 1 - found.order.len();
        if next.len() > room {
            found.truncated = true;
            if room > 0 {
                next.select_nth_unstable_by(room - 1, by_round);
            }
            for candidate in &next[room..] {
                if seen[1].insert(candidate.entity) {
                    depths[1][candidate.entity.index()] = depth as u8;
                    found.omitted_by_kind[self.graph.kind_at(candidate.entity) as usize] += 1;
                }
            }
            next.truncate(room);
        }
        if self.request.per_kind.is_some() {
            for candidate in &next {
                self.shares.listed[candidate.kind as usize] += 1;
            }
        }
        next.sort_by(by_strength);
        next.into_iter().map(|candidate| candidate.entity).collect()
    }

    /// The kinds of the entities `per_kind` left out that were not listed
    /// after all (through another link at the same hop).
    fn still_cut(&self, scratch: &Scratch) -> Vec<RelationKind> {
        self.shares
            .cut
            .iter()
            .filter(|&&(entity, _)| !scratch.seen[0].contains(entity))
            .map(|&(_, kind)| kind)
            .collect()
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

    /// A university applicant of 50 patents and partner of 5 enterprises;
    /// each patent has an inventor, each enterprise makes 3 products.
    fn hub() -> KnowledgeGraph {
        let mut entities = vec![entity("uni", University, "大学", &[])];
        let mut relations = Vec::new();
        for i in 0..50 {
            entities.push(entity(&format!("pat{i:02}"), Patent, &format!("专利{i}"), &[]));
            entities.push(entity(&format!("inv{i:02}"), Person, &format!("发明人{i}"), &[]));
            relations.push(relation("uni", &format!("pat{i:02}"), ApplicantOf));
            relations.push(relation(&format!("inv{i:02}"), &format!("pat{i:02}"), InventorOf));
        }
        for i in 0..5 {
            entities.push(entity(&format!("ent{i}"), Enterprise, &format!("企业{i}"), &[]));
            relations.push(relation("uni", &format!("ent{i}"), CollaboratesWith));
            for j in 0..3 {
                entities.push(entity(&format!("prod{i}{j}"), Product, &format!("产品{i}{j}"), &[]));
                relations.push(relation(&format!("ent{i}"), &format!("prod{i}{j}"), Produces));
            }
        }
        KnowledgeGraph::from_records(entities, relations).unwrap()
    }

    fn kinds_listed(response: &NeighborsResponse, depth: usize) -> BTreeMap<EntityKind, usize> {
        let mut counts = BTreeMap::new();
        for node in response.nodes.iter().filter(|n| n.depth == depth) {
            *counts.entry(node.entity.kind).or_default() += 1;
        }
        counts
    }

    #[test]
    fn per_kind_balances_a_hub_across_relation_kinds() {
        let graph = hub();
        let first = graph
            .neighbors(
                "uni",
                &NeighborsRequest {
                    limit: 20,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(
            kinds_listed(&first, 1),
            BTreeMap::from([(Patent, 20)]),
            "the strongest kind fills the limit"
        );
        assert!(first.truncated);
        assert!(first.per_kind_omitted.is_empty());

        let balanced = graph
            .neighbors(
                "uni",
                &NeighborsRequest {
                    limit: 20,
                    per_kind: Some(5),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(
            kinds_listed(&balanced, 1),
            BTreeMap::from([(Enterprise, 5), (Patent, 5)])
        );
        assert!(!balanced.truncated, "only per_kind left entities out");
        assert!(balanced.omitted.is_empty());
        assert_eq!(
            balanced.per_kind_omitted,
            BTreeMap::from([("applicant_of".to_string(), 45)])
        );
        assert_eq!(
            balanced.relations_by_kind,
            BTreeMap::from([("applicant_of".to_string(), 50), ("collaborates_with".to_string(), 5)])
        );
        // strongest link first within the level, each kind's first entities
        let ids: Vec<&str> = balanced.nodes.iter().map(|n| n.entity.id.as_str()).collect();
        assert_eq!(ids[..5], ["pat00", "pat01", "pat02", "pat03", "pat04"]);
        assert_eq!(balanced.edges.len(), 10);

        // a limit tighter than the kinds' shares still lists every kind
        let tight = graph
            .neighbors(
                "uni",
                &NeighborsRequest {
                    limit: 4,
                    per_kind: Some(5),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(kinds_listed(&tight, 1), BTreeMap::from([(Enterprise, 2), (Patent, 2)]));
        assert!(tight.truncated);
        assert_eq!(tight.omitted.values().sum::<usize>(), 6, "cut by the limit");
        assert_eq!(tight.per_kind_omitted.get("applicant_of"), Some(&45));
    }

    #[test]
    fn per_kind_counts_each_hop_apart() {
        let graph = hub();
        let two = graph
            .neighbors(
                "uni",
                &NeighborsRequest {
                    depth: 2,
                    per_kind: Some(2),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(kinds_listed(&two, 1), BTreeMap::from([(Enterprise, 2), (Patent, 2)]));
        // the second hop has shares of its own: 2 inventors, 2 products
        assert_eq!(kinds_listed(&two, 2), BTreeMap::from([(Person, 2), (Product, 2)]));
        assert_eq!(
            two.per_kind_omitted,
            BTreeMap::from([
                ("applicant_of".to_string(), 48),
                ("collaborates_with".to_string(), 3),
                ("produces".to_string(), 4),
            ])
        );
    }

    #[test]
    fn an_entity_left_out_is_listed_only_at_its_own_hop() {
        // centre —founded→ p, centre —invests_in→ q; p —located_in→ x, y;
        // q —collaborates_with→ y; a, b located in the centre, a founded b
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("centre", Enterprise, "中心", &[]),
                entity("p", Enterprise, "甲", &[]),
                entity("q", Enterprise, "乙", &[]),
                entity("x", Zone, "丙", &[]),
                entity("y", Zone, "丁", &[]),
            ],
            vec![
                relation("centre", "p", Founded),
                relation("centre", "q", InvestsIn),
                relation("p", "x", LocatedIn),
                relation("p", "y", LocatedIn),
                relation("q", "y", CollaboratesWith),
            ],
        )
        .unwrap();
        let response = graph
            .neighbors(
                "centre",
                &NeighborsRequest {
                    depth: 2,
                    per_kind: Some(1),
                    ..Default::default()
                },
            )
            .unwrap();
        let ids: Vec<(&str, usize)> = response.nodes.iter().map(|n| (n.entity.id.as_str(), n.depth)).collect();
        // y, left out as p's second located_in, is q's partner at the same hop
        assert_eq!(ids, [("p", 1), ("q", 1), ("x", 2), ("y", 2)]);
        assert!(response.per_kind_omitted.is_empty(), "{:?}", response.per_kind_omitted);

        // a zone with a, b located in it, a founded b: b, left out at the
        // first hop, is not listed at the second through a
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("zone", Zone, "园区", &[]),
                entity("a", Enterprise, "甲", &[]),
                entity("b", Enterprise, "乙", &[]),
            ],
            vec![
                relation("a", "zone", LocatedIn),
                relation("b", "zone", LocatedIn),
                relation("a", "b", Founded),
            ],
        )
        .unwrap();
        let response = graph
            .neighbors(
                "zone",
                &NeighborsRequest {
                    depth: 2,
                    per_kind: Some(1),
                    ..Default::default()
                },
            )
            .unwrap();
        let ids: Vec<(&str, usize)> = response.nodes.iter().map(|n| (n.entity.id.as_str(), n.depth)).collect();
        assert_eq!(ids, [("a", 1)]);
        assert_eq!(
            response.per_kind_omitted,
            BTreeMap::from([("located_in".to_string(), 1)])
        );
    }

    #[test]
    fn per_kind_lists_each_kinds_share_of_random_hubs() {
        use crate::graph::testing::random_below;
        let kinds = [
            ApplicantOf,
            CollaboratesWith,
            AffiliatedWith,
            LocatedIn,
            Founded,
            Mentions,
        ];
        for seed in 1..40u64 {
            let mut next = random_below(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut entities = vec![entity("hub", Zone, "园区", &[])];
            let mut relations = Vec::new();
            // each neighbour's strongest kind (the lower kind on a tie)
            let mut strongest = std::collections::HashMap::new();
            for i in 0..5 + next(60) {
                let id = format!("e{i}");
                entities.push(entity(&id, Enterprise, &format!("企业{i}"), &[]));
                let linked: std::collections::BTreeSet<RelationKind> =
                    (0..1 + next(3)).map(|_| kinds[next(kinds.len())]).collect();
                for &kind in &linked {
                    if next(2) == 0 {
                        relations.push(relation(&id, "hub", kind));
                    } else {
                        relations.push(relation("hub", &id, kind));
                    }
                }
                let best = linked
                    .iter()
                    .copied()
                    .max_by(|a, b| a.strength().total_cmp(&b.strength()).then(b.cmp(a)))
                    .unwrap();
                strongest.insert(id, best);
            }
            let graph = KnowledgeGraph::from_records(entities, relations).unwrap();
            let each = 1 + next(6);
            let mut all = [0usize; RelationKind::ALL.len()];
            for &kind in strongest.values() {
                all[kind as usize] += 1;
            }
            let listed_by_kind = |response: &NeighborsResponse| {
                let mut listed = [0usize; RelationKind::ALL.len()];
                for node in &response.nodes {
                    listed[strongest[&node.entity.id] as usize] += 1;
                }
                listed
            };
            let whole = graph
                .neighbors(
                    "hub",
                    &NeighborsRequest {
                        per_kind: Some(each),
                        limit: MAX_NEIGHBORS,
                        ..Default::default()
                    },
                )
                .unwrap();
            let listed = listed_by_kind(&whole);
            for kind in kinds {
                assert_eq!(
                    listed[kind as usize],
                    all[kind as usize].min(each),
                    "seed {seed}, {kind}"
                );
            }
            let cut = RelationKind::tally(
                kinds
                    .iter()
                    .flat_map(|&kind| std::iter::repeat_n(kind, all[kind as usize].saturating_sub(each))),
            );
            assert_eq!(whole.per_kind_omitted, cut, "seed {seed}");
            assert!(!whole.truncated);
            // under a tight limit, no kind has two more than one that
            // could have had more
            let limit = 1 + next(12);
            let tight = graph
                .neighbors(
                    "hub",
                    &NeighborsRequest {
                        per_kind: Some(each),
                        limit,
                        ..Default::default()
                    },
                )
                .unwrap();
            let listed = listed_by_kind(&tight);
            assert_eq!(tight.nodes.len(), limit.min(listed_by_kind(&whole).iter().sum()));
            for short in kinds
                .iter()
                .filter(|&&k| listed[k as usize] < all[k as usize].min(each))
            {
                for other in kinds {
                    assert!(
                        listed[other as usize] <= listed[*short as usize] + 1,
                        "seed {seed}: {other} {listed:?} vs {short}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_neighbour_linked_twice_counts_under_its_strongest_kind() {
        // ent is both a partner (0.8) and located in (0.3) the zone
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("zone", Zone, "园区", &[]),
                entity("ent", Enterprise, "企业", &[]),
                entity("other", Enterprise, "另一企业", &[]),
            ],
            vec![
                relation("ent", "zone", LocatedIn),
                relation("ent", "zone", CollaboratesWith),
                relation("other", "zone", LocatedIn),
            ],
        )
        .unwrap();
        let response = graph
            .neighbors(
                "zone",
                &NeighborsRequest {
                    per_kind: Some(1),
                    ..Default::default()
                },
            )
            .unwrap();
        let ids: Vec<&str> = response.nodes.iter().map(|n| n.entity.id.as_str()).collect();
        assert_eq!(
            ids,
            ["ent", "other"],
            "ent counts as a partner, leaving located_in's share to other"
        );
        assert!(response.per_kind_omitted.is_empty());
        assert_eq!(response.edges.len(), 3);
    }

    #[test]
    fn per_kind_is_checked_and_keeps_the_budget() {
        let graph = hub();
        for bad in [0, MAX_NEIGHBORS + 1] {
            let error = graph
                .neighbors(
                    "uni",
                    &NeighborsRequest {
                        per_kind: Some(bad),
                        ..Default::default()
                    },
                )
                .unwrap_err();
            assert!(
                matches!(&error, Error::InvalidParameter { name, .. } if name == "per_kind"),
                "{error}"
            );
        }
        // the hub's own row (55 relations) is over a budget of 10 visits
        let bounded = graph
            .neighbors(
                "uni",
                &NeighborsRequest {
                    per_kind: Some(5),
                    budget: Some(Budget {
                        max_visits: 10,
                        max_time: std::time::Duration::from_secs(5),
                    }),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(bounded.truncated);
        assert!(bounded.nodes.is_empty());
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

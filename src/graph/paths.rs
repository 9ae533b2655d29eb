//! Shortest paths and k shortest simple paths between two entities,
//! ignoring edge direction, with a relation filter, a length bound and a
//! budget of visits and time. Searches run on the adjacency rows with the
//! per-thread visited arrays of [`super::scratch`].

use serde::{Deserialize, Serialize};

use petgraph::algo::astar;
use petgraph::visit::{EdgeFiltered, EdgeRef, UndirectedAdaptor};

use super::budget::{Budget, Meter};
use super::filter::RelationFilter;
use super::numbering::EntityIndex;
use super::responses::{PathEdge, PathView, PathsResponse, RelationFacts};
use super::scratch::{with_scratch, Scratch};
use super::tables::KnowledgeGraph;
use super::view::{GraphView, ViewEdge};
use crate::model::{Direction, EntityRef, RelationKind};
use crate::params;
use crate::{Error, Result};

/// Longest path a request may ask for, in hops.
pub const MAX_PATH_LENGTH: usize = 6;
/// Most paths a request may ask for.
pub const MAX_K: usize = 10;
/// Extra candidate paths found beyond `k`, for ranking.
const RANKING_SLACK: usize = 5;
/// Cost added per tenfold of an intermediate entity's relations.
const HUB_PENALTY: f32 = 0.5;
/// Cost removed per link dated in the recent years.
const RECENCY_BONUS: f32 = 0.2;
/// Links dated from this year on count as recent.
const RECENT_FROM: &str = "2021";

/// Default longest path, in hops.
pub const DEFAULT_MAX_LEN: usize = 4;

/// A path query: its two ends and how to search between them. The same
/// struct is the CLI's `path` arguments and `/api/paths`'s parameters.
#[derive(Debug, Clone, Serialize, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct PathsRequest {
    /// Where paths start: an id, a name or an alias.
    #[arg(value_name = "FROM")]
    #[serde(deserialize_with = "params::text")]
    pub from: String,
    /// Where paths end: an id, a name or an alias.
    #[arg(value_name = "TO")]
    #[serde(deserialize_with = "params::text")]
    pub to: String,
    /// Longest path in hops (1 to 6).
    #[arg(long, default_value_t = DEFAULT_MAX_LEN)]
    #[serde(deserialize_with = "params::number")]
    pub max_len: usize,
    /// How many paths (1 to 10).
    #[arg(long, default_value_t = 1)]
    #[serde(deserialize_with = "params::number")]
    pub k: usize,
    /// Follow only these relation kinds (comma-separated).
    #[arg(long = "relation", value_delimiter = ',')]
    #[serde(rename = "relation", deserialize_with = "params::list")]
    pub relations: Vec<RelationKind>,
    /// The graph as it stood on this date (YYYY, YYYY-MM or YYYY-MM-DD):
    /// later relations are left out.
    #[arg(long)]
    #[serde(deserialize_with = "params::optional_text")]
    pub as_of: Option<String>,
    /// Which paths come first: score (short, strong, recent, few hubs),
    /// length (fewest hops) or strength (the strongest links).
    #[arg(long, default_value = "score")]
    #[serde(deserialize_with = "params::parsed")]
    pub rank: PathRank,
    /// The strongest paths: the same as `--rank strength`.
    #[arg(long, conflicts_with = "rank")]
    #[serde(skip)]
    pub strongest: bool,
    /// Bounds of the search; [`Budget::PATHS`] when absent.
    #[arg(skip)]
    #[serde(skip)]
    pub budget: Option<Budget>,
}

impl Default for PathsRequest {
    fn default() -> Self {
        PathsRequest {
            from: String::new(),
            to: String::new(),
            max_len: DEFAULT_MAX_LEN,
            k: 1,
            relations: Vec::new(),
            as_of: None,
            rank: PathRank::Score,
            strongest: false,
            budget: None,
        }
    }
}

impl PathsRequest {
    /// The default query between two entities (ids, names or aliases).
    pub fn between(from: &str, to: &str) -> PathsRequest {
        PathsRequest {
            from: from.to_string(),
            to: to.to_string(),
            ..PathsRequest::default()
        }
    }

    /// The ranking asked for, `--strongest` included.
    pub fn ranking(&self) -> PathRank {
        if self.strongest {
            PathRank::Strength
        } else {
            self.rank
        }
    }

    fn validate(&self) -> Result<()> {
        for (name, end) in [("from", &self.from), ("to", &self.to)] {
            if end.trim().is_empty() {
                return Err(Error::invalid_parameter(
                    name,
                    "is required: an entity id, name or alias",
                ));
            }
        }
        if self.max_len == 0 || self.max_len > MAX_PATH_LENGTH {
            return Err(Error::invalid_parameter(
                "max_len",
                format!("must be between 1 and {MAX_PATH_LENGTH}"),
            ));
        }
        if self.k == 0 || self.k > MAX_K {
            return Err(Error::invalid_parameter("k", format!("must be between 1 and {MAX_K}")));
        }
        Ok(())
    }
}

/// How the paths between two entities are chosen and ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum PathRank {
    /// The shortest paths, best `score` first: strong, recent links through
    /// few hubs.
    #[default]
    Score,
    /// The shortest paths, fewest hops first.
    Length,
    /// The strongest paths: the highest product of link strengths first.
    Strength,
}

impl std::str::FromStr for PathRank {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "score" => Ok(PathRank::Score),
            "length" => Ok(PathRank::Length),
            "strength" => Ok(PathRank::Strength),
            _ => Err(format!("unknown ranking `{s}`, expected score, length or strength")),
        }
    }
}

/// Cost added per hop to the −ln(strength) cost of the strongest route, so
/// that of two equally strong routes the shorter wins (links of strength 1
/// would otherwise cost nothing).
pub const STRENGTH_HOP_COST: f64 = 0.01;

/// Cost of following one relation of `kind` on the strongest route.
pub fn link_cost(kind: RelationKind) -> f64 {
    -f64::from(kind.strength()).ln() + STRENGTH_HOP_COST
}

/// Shared state of the searches of one request.
struct Search<'g> {
    graph: &'g KnowledgeGraph,
    relations: RelationFilter,
    meter: Meter,
}

/// Nodes the spur search of Yen's algorithm must not step to from the spur
/// node (the next hops of the paths already found with the same root).
struct SpurBans<'a> {
    spur: Option<EntityIndex>,
    next: &'a [EntityIndex],
}

impl SpurBans<'_> {
    /// Whether the step between `a` and `b` is banned.
    #[inline]
    fn bans(&self, a: EntityIndex, b: EntityIndex) -> bool {
        self.spur
            .is_some_and(|spur| (a == spur && self.next.contains(&b)) || (b == spur && self.next.contains(&a)))
    }
}

impl Search<'_> {
    /// Shortest path from `source` to `target` of at most `max_len` hops,
    /// avoiding the nodes in `scratch.banned` (when `use_banned`) and the
    /// links in `bans`. `None` when there is none or the budget ran out
    /// (the meter tells which).
    ///
    /// Bidirectional breadth-first search: each step expands a whole level
    /// of the side whose frontier has fewer relations, so the search touches about
    /// the square root of what a one-sided search would around hubs. The
    /// first meeting of the two sides closes a shortest path; adjacency rows
    /// are in a fixed order, so answers are deterministic.
    fn shortest(
        &mut self,
        scratch: &mut Scratch,
        source: EntityIndex,
        target: EntityIndex,
        max_len: usize,
        use_banned: bool,
        bans: &SpurBans<'_>,
    ) -> Option<Vec<EntityIndex>> {
        if source == target {
            return Some(vec![source]);
        }
        let adjacency = self.graph.adjacency();
        let unfiltered = self.relations.is_all();
        let tags = scratch.begin_sides(adjacency.nodes());
        let Scratch {
            slots,
            banned,
            frontiers: [first, second, next],
            ..
        } = scratch;
        slots[source.index()] = tags[0] << 32 | u64::from(source.get());
        slots[target.index()] = tags[1] << 32 | u64::from(target.get());
        // the chain of parents from a node back to its side's start
        let walk = |slots: &[u64], from: EntityIndex| {
            let mut chain = vec![from];
            let mut at = from;
            loop {
                let parent = EntityIndex::new(slots[at.index()] as u32);
                if parent == at {
                    return chain;
                }
                chain.push(parent);
                at = parent;
            }
        };
        for (frontier, start) in [(&mut *first, source), (&mut *second, target)] {
            frontier.clear();
            frontier.push(start);
        }
        let frontiers: [&mut Vec<EntityIndex>; 2] = [first, second];
        let mut depths = [0usize, 0usize];
        while depths[0] + depths[1] < max_len && !frontiers[0].is_empty() && !frontiers[1].is_empty() {
            // expand the side whose next level costs less to scan
            let cost = |frontier: &[EntityIndex]| -> usize { frontier.iter().map(|&n| adjacency.degree(n)).sum() };
            let side = if cost(frontiers[0]) <= cost(frontiers[1]) { 0 } else { 1 };
            let (own, other) = (tags[side], tags[1 - side]);
            next.clear();
            for &node in frontiers[side].iter() {
                let range = adjacency.range(node);
                if !self.meter.spend(range.len()) {
                    return None;
                }
                for position in range {
                    let neighbour = adjacency.neighbor_at(position);
                    let owner = slots[neighbour.index()] >> 32;
                    if owner == own || (!unfiltered && !self.relations.allows_entry(self.graph, node, position)) {
                        continue;
                    }
                    if use_banned && banned.contains(neighbour) {
                        continue;
                    }
                    if bans.bans(node, neighbour) {
                        continue;
                    }
                    if owner == other {
                        // The other side has expanded every node nearer than
                        // its frontier, and none of them was next to this
                        // side's frontier (it would have met it already): so
                        // every meeting of this level has the same length,
                        // and the first one closes a shortest path.
                        let (near_source, near_target) = if side == 0 {
                            (node, neighbour)
                        } else {
                            (neighbour, node)
                        };
                        let mut path = walk(slots, near_source);
                        path.reverse();
                        path.extend(walk(slots, near_target));
                        debug_assert_eq!(path.first(), Some(&source));
                        debug_assert_eq!(path.last(), Some(&target));
                        debug_assert!(path.len() - 1 <= max_len);
                        return Some(path);
                    }
                    slots[neighbour.index()] = own << 32 | u64::from(node.get());
                    next.push(neighbour);
                }
            }
            depths[side] += 1;
            std::mem::swap(frontiers[side], next);
        }
        None
    }
}

impl KnowledgeGraph {
    /// Returns up to `k` paths between two entities, chosen and ordered as
    /// `request.rank` says.
    ///
    /// # Arguments
    /// * `from`, `to`: id, name or alias of each end.
    /// * `request`: length bound, number of paths, ranking, relation
    ///   filter, date, budget.
    ///
    /// # Returns
    /// * [`PathRank::Score`] (the default): with `k = 1`, the shortest
    ///   path; with more, the `k` best of the shortest simple paths (Yen's
    ///   algorithm over bidirectional breadth-first search, edges taken in
    ///   either direction, a few more than `k` found), ranked by `score`:
    ///   strong relations, few hubs and recent links first.
    /// * [`PathRank::Length`]: the `k` shortest simple paths, shortest
    ///   first (ties in the order Yen's algorithm finds them).
    /// * [`PathRank::Strength`]: the `k` strongest simple paths, strongest
    ///   first: each relation costs −ln of its kind's strength (plus
    ///   [`STRENGTH_HOP_COST`] so that the shorter of two equally strong
    ///   routes wins), found by petgraph's `astar` (Dijkstra) on the
    ///   graph's [`super::GraphView`] inside Yen's algorithm; a path's
    ///   `strength` is the product of its links' strengths. Paths longer
    ///   than `max_len` are left out.
    ///
    /// Each hop names the strongest relation between its two nodes, its
    /// direction along the path and its evidence. No path within the bound
    /// gives an empty list. `truncated` is set when the budget ran out after
    /// some paths were found; [`Error::BudgetExceeded`] when it ran out
    /// before the first.
    ///
    /// # Complexity
    /// Score and length: O(k · L · (V + E)) for paths of up to L hops;
    /// strength: O(k · L · (V + E) log V). Both bounded by the budget of
    /// visits and time.
    pub fn paths(&self, request: &PathsRequest) -> Result<PathsResponse> {
        request.validate()?;
        let relations = RelationFilter::new(&request.relations, request.as_of.as_deref())?;
        let source = self.resolve(&request.from)?;
        let target = self.resolve(&request.to)?;
        let rank = request.ranking();
        if source == target {
            return Err(Error::invalid_parameter(
                "to",
                "the two ends of a path must be different entities",
            ));
        }
        let budget = request.budget.unwrap_or(Budget::PATHS);
        let (found, exhausted) = match rank {
            PathRank::Strength => strongest(self, relations, budget, source, target, request),
            PathRank::Score | PathRank::Length => {
                let mut search = Search {
                    graph: self,
                    relations,
                    meter: Meter::new(budget),
                };
                // A few more simple paths than asked for, so that ranking can
                // bring a meaningful longer path ahead of a shorter one
                // through a hub. A single path asked for is the shortest one:
                // one search, no ranking.
                let wanted = if request.k == 1 || rank == PathRank::Length {
                    request.k
                } else {
                    (request.k + RANKING_SLACK).min(MAX_K + RANKING_SLACK)
                };
                let found = with_scratch(self.adjacency().nodes(), |scratch| {
                    yen(&mut search, scratch, source, target, request.max_len, wanted)
                });
                tracing::debug!(visits = search.meter.visits(), found = found.len(), "paths");
                if found.is_empty() && search.meter.exhausted() {
                    return Err(search.meter.error());
                }
                Ok((found, search.meter.exhausted()))
            }
        }?;
        let mut paths: Vec<PathView> = found
            .iter()
            .map(|p| self.path_view(p, &relations))
            .collect::<Result<_>>()?;
        if rank == PathRank::Score {
            paths.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.length.cmp(&b.length)));
        }
        paths.truncate(request.k);
        let explanation = if paths.is_empty() {
            Some(self.why_no_path(source, target, request, budget))
        } else {
            None
        };
        Ok(PathsResponse {
            from: EntityRef::from(self.entity_at(source)),
            to: EntityRef::from(self.entity_at(target)),
            paths,
            truncated: exhausted,
            explanation,
            resolved_from: Default::default(),
        })
    }

    /// The hops of the shortest path between two entities within
    /// `max_len` over `relations`, if the budget finds one.
    fn shortest_length(
        &self,
        source: EntityIndex,
        target: EntityIndex,
        max_len: usize,
        relations: RelationFilter,
        budget: Budget,
    ) -> Option<usize> {
        let mut search = Search {
            graph: self,
            relations,
            meter: Meter::new(budget),
        };
        let no_bans = SpurBans { spur: None, next: &[] };
        with_scratch(self.adjacency().nodes(), |scratch| {
            search.shortest(scratch, source, target, max_len, false, &no_bans)
        })
        .map(|path| path.len() - 1)
    }

    /// Why no path answers a request: the filter or the bound that cut
    /// every path, found by searching again without each in turn.
    /// The shortest path between two entities over every relation, of at
    /// most [`DEFAULT_MAX_LEN`] hops, within `budget`: the path
    /// [`Self::paths`] answers for [`PathsRequest::between`] them, without
    /// the explanation of an empty answer (which searches again, farther).
    /// `None` when there is none, or none was found within the budget.
    pub fn connecting_path(
        &self,
        source: EntityIndex,
        target: EntityIndex,
        budget: Budget,
    ) -> Result<Option<PathView>> {
        if source == target {
            return Ok(None);
        }
        let relations = RelationFilter::new(&[], None)?;
        let mut search = Search {
            graph: self,
            relations,
            meter: Meter::new(budget),
        };
        let found = with_scratch(self.adjacency().nodes(), |scratch| {
            yen(&mut search, scratch, source, target, DEFAULT_MAX_LEN, 1)
        });
        found.first().map(|path| self.path_view(path, &relations)).transpose()
    }

    fn why_no_path(&self, source: EntityIndex, target: EntityIndex, request: &PathsRequest, budget: Budget) -> String {
        let without = |kinds: &[RelationKind], as_of: Option<&str>, max_len: usize| {
            let relations = RelationFilter::new(kinds, as_of).ok()?;
            self.shortest_length(source, target, max_len, relations, budget)
        };
        let as_of = request.as_of.as_deref();
        if !request.relations.is_empty() {
            if let Some(hops) = without(&[], as_of, MAX_PATH_LENGTH) {
                let kinds: Vec<&str> = request.relations.iter().map(|k| k.as_str()).collect();
                return format!(
                    "no path follows only the relations asked for ({}); over every kind of relation the shortest is {hops} hop(s)",
                    kinds.join(", ")
                );
            }
        }
        if let Some(date) = as_of {
            if let Some(hops) = without(&request.relations, None, MAX_PATH_LENGTH) {
                return format!(
                    "no path existed as of {date}; with the relations dated later the shortest is {hops} hop(s)"
                );
            }
        }
        if request.max_len < MAX_PATH_LENGTH {
            if let Some(hops) = without(&request.relations, as_of, MAX_PATH_LENGTH) {
                return format!(
                    "no path of at most {} hop(s); the shortest is {hops} hops: raise max_len",
                    request.max_len
                );
            }
        }
        format!("the two entities are not linked by any path of at most {MAX_PATH_LENGTH} hops")
    }

    fn path_view(&self, path: &[EntityIndex], relations: &RelationFilter) -> Result<PathView> {
        let mut edges = Vec::with_capacity(path.len().saturating_sub(1));
        for pair in path.windows(2) {
            // scan the rows of the end with fewer relations
            let (a, b) = (pair[0], pair[1]);
            let (scan, other) = if self.degree(a) <= self.degree(b) {
                (a, b)
            } else {
                (b, a)
            };
            let best = self
                .adjacency()
                .edges(scan)
                .filter(|e| e.neighbor == other && relations.allows_edge(self, e))
                .max_by(|x, y| {
                    x.kind
                        .strength()
                        .total_cmp(&y.kind.strength())
                        .then(y.kind.cmp(&x.kind))
                });
            if let Some(edge) = best {
                let relation = self.relation_of(scan, &edge)?;
                // out when the relation leaves `a`, the earlier node
                let along = (scan == a) == edge.outgoing;
                let (from, to, kind) = (relation.from.clone(), relation.to.clone(), relation.kind);
                edges.push(PathEdge {
                    from,
                    to,
                    kind,
                    direction: Direction::of(along),
                    facts: RelationFacts::of(relation).0,
                });
            }
        }
        debug_assert_eq!(edges.len() + 1, path.len());
        // Cost of a path: each hop costs the inverse of its relation's
        // strength (a patent transfer is cheap, sharing a zone dear), each
        // intermediate entity a little more the more relations it has (a
        // path through a hub says little), and recent links cost less.
        let hop_cost: f32 = edges.iter().map(|e| 1.0 / e.kind.strength()).sum();
        let hub_cost: f32 = path[1..path.len() - 1]
            .iter()
            .map(|&i| HUB_PENALTY * (1.0 + self.degree(i) as f32).log10())
            .sum();
        let recent = edges
            .iter()
            .filter(|e| e.facts.since.as_deref().is_some_and(|d| d >= RECENT_FROM))
            .count() as f32;
        let cost = (hop_cost + hub_cost - RECENCY_BONUS * recent).max(0.1);
        Ok(PathView {
            strength: edges.iter().map(|e| e.kind.strength()).product(),
            score: 1.0 / cost,
            length: path.len() - 1,
            nodes: path.iter().map(|&i| EntityRef::from(self.entity_at(i))).collect(),
            edges,
        })
    }
}

/// Yen's algorithm: up to `wanted` shortest simple paths, shortest first,
/// stopping early when the budget runs out.
fn yen(
    search: &mut Search<'_>,
    scratch: &mut Scratch,
    source: EntityIndex,
    target: EntityIndex,
    max_len: usize,
    wanted: usize,
) -> Vec<Vec<EntityIndex>> {
    let no_bans = SpurBans { spur: None, next: &[] };
    let mut found: Vec<Vec<EntityIndex>> = Vec::new();
    let mut candidates: Vec<Vec<EntityIndex>> = Vec::new();
    if let Some(first) = search.shortest(scratch, source, target, max_len, false, &no_bans) {
        found.push(first);
    }
    let nodes = search.graph.adjacency().nodes();
    while !found.is_empty() && found.len() < wanted && !search.meter.exhausted() {
        let previous = found[found.len() - 1].clone();
        for spur_at in 0..previous.len() - 1 {
            let root = &previous[..=spur_at];
            let spur = previous[spur_at];
            let next: Vec<EntityIndex> = found
                .iter()
                .filter(|p| p.len() > spur_at + 1 && &p[..=spur_at] == root)
                .map(|p| p[spur_at + 1])
                .collect();
            scratch.banned.clear(nodes);
            for &node in &root[..spur_at] {
                scratch.banned.insert(node);
            }
            let bans = SpurBans {
                spur: Some(spur),
                next: &next,
            };
            let budget = max_len - spur_at;
            if let Some(tail) = search.shortest(scratch, spur, target, budget, true, &bans) {
                let mut path = root[..spur_at].to_vec();
                path.extend(tail);
                if !found.contains(&path) && !candidates.contains(&path) {
                    candidates.push(path);
                }
            }
            if search.meter.exhausted() {
                break;
            }
        }
        if candidates.is_empty() {
            break;
        }
        // the shortest candidate, earliest found on ties
        let best = (0..candidates.len())
            .min_by_key(|&i| (candidates[i].len(), i))
            .unwrap_or(0);
        found.push(candidates.remove(best));
    }
    found
}

/// The strongest simple paths, strongest first, and whether the budget ran
/// out: Yen's algorithm with petgraph's `astar` (no heuristic: Dijkstra)
/// over [`link_cost`] on the undirected view of the graph, banned nodes and
/// links left out by an `EdgeFiltered` view.
fn strongest(
    graph: &KnowledgeGraph,
    relations: RelationFilter,
    budget: Budget,
    source: EntityIndex,
    target: EntityIndex,
    request: &PathsRequest,
) -> Result<(Vec<Vec<EntityIndex>>, bool)> {
    let view = GraphView::filtered(graph, relations).with_budget(budget);
    let both_ways = UndirectedAdaptor(&view);
    let cost = |edge: ViewEdge| link_cost(*edge.weight());
    let best = |banned_nodes: &[EntityIndex], bans: &SpurBans<'_>, from: EntityIndex| {
        let allowed = EdgeFiltered::from_fn(
            both_ways,
            |edge: petgraph::visit::MaybeReversedEdgeReference<ViewEdge>| {
                let (a, b) = (edge.source(), edge.target());
                !banned_nodes.contains(&a) && !banned_nodes.contains(&b) && !bans.bans(a, b)
            },
        );
        astar(
            &allowed,
            from,
            |node| node == target,
            |edge| link_cost(*edge.weight()),
            |_| 0.0,
        )
        .map(|(_, path)| path)
    };
    let no_bans = SpurBans { spur: None, next: &[] };
    let mut found: Vec<Vec<EntityIndex>> = Vec::new();
    let mut candidates: Vec<(f64, Vec<EntityIndex>)> = Vec::new();
    let path_cost = |path: &[EntityIndex]| -> f64 {
        path.windows(2)
            .map(|pair| {
                view.edges_of(pair[0], petgraph::Direction::Outgoing)
                    .chain(view.edges_of(pair[0], petgraph::Direction::Incoming))
                    .filter(|e| e.source() == pair[1] || e.target() == pair[1])
                    .map(cost)
                    .fold(f64::INFINITY, f64::min)
            })
            .sum()
    };
    if let Some(first) = best(&[], &no_bans, source) {
        found.push(first);
    }
    while !found.is_empty() && found.len() < request.k && !view.budget_exhausted() {
        let previous = found[found.len() - 1].clone();
        for spur_at in 0..previous.len() - 1 {
            let root = &previous[..=spur_at];
            let next: Vec<EntityIndex> = found
                .iter()
                .filter(|p| p.len() > spur_at + 1 && &p[..=spur_at] == root)
                .map(|p| p[spur_at + 1])
                .collect();
            let bans = SpurBans {
                spur: Some(previous[spur_at]),
                next: &next,
            };
            if let Some(tail) = best(&root[..spur_at], &bans, previous[spur_at]) {
                let mut path = root[..spur_at].to_vec();
                path.extend(tail);
                if !found.contains(&path) && !candidates.iter().any(|(_, c)| *c == path) {
                    candidates.push((path_cost(&path), path));
                }
            }
            if view.budget_exhausted() {
                break;
            }
        }
        // the cheapest candidate, earliest found on ties
        let Some(cheapest) =
            (0..candidates.len()).min_by(|&i, &j| candidates[i].0.total_cmp(&candidates[j].0).then(i.cmp(&j)))
        else {
            break;
        };
        found.push(candidates.remove(cheapest).1);
    }
    // the budget's end hides edges, which can make a path look complete
    // that a full search would have beaten: only what came before counts
    let exhausted = view.budget_exhausted();
    if found.is_empty() && exhausted {
        return Err(view.budget_error());
    }
    found.retain(|path| path.len() - 1 <= request.max_len);
    Ok((found, exhausted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::{entity, relation};
    use crate::model::EntityKind::*;
    use RelationKind::*;

    fn diamond() -> KnowledgeGraph {
        // a – b – d, a – c – d, a – e – f – d, plus a second, weaker a→b link
        KnowledgeGraph::from_records(
            ["a", "b", "c", "d", "e", "f"]
                .iter()
                .map(|id| entity(id, Enterprise, &id.to_uppercase(), &[]))
                .collect(),
            vec![
                relation("a", "b", LocatedIn),
                relation("a", "b", InvestsIn),
                relation("d", "b", CollaboratesWith),
                relation("a", "c", Mentions),
                relation("c", "d", Mentions),
                relation("a", "e", Founded),
                relation("e", "f", Founded),
                relation("f", "d", Founded),
            ],
        )
        .unwrap()
    }

    #[test]
    fn shortest_path_with_direction_and_strongest_edge() {
        let graph = diamond();
        let response = graph.paths(&PathsRequest::between("a", "d")).unwrap();
        assert_eq!(response.paths.len(), 1);
        let path = &response.paths[0];
        assert_eq!(path.length, 2);
        assert_eq!(path.edges[0].kind, InvestsIn, "strongest of the parallel edges");
        assert_eq!(path.edges[0].direction, Direction::Out);
        assert_eq!(path.edges[1].direction, Direction::In, "d→b points against the path");
        assert!(path.edges.iter().all(|e| !e.facts.evidence.is_empty()));
    }

    #[test]
    fn k_shortest_are_simple_distinct_and_ordered() {
        let graph = diamond();
        let response = graph
            .paths(&PathsRequest {
                k: 10,
                ..PathsRequest::between("a", "d")
            })
            .unwrap();
        let mut lengths: Vec<usize> = response.paths.iter().map(|p| p.length).collect();
        lengths.sort();
        assert_eq!(lengths, [2, 2, 3]);
        assert!(
            response.paths.windows(2).all(|w| w[0].score >= w[1].score),
            "ranked by score"
        );
        // a→e→f→d is three `founded` links: strong links outrank the
        // shorter path through two `mentions`
        let mentions = response.paths.iter().position(|p| p.nodes[1].id == "c").unwrap();
        let founded = response.paths.iter().position(|p| p.length == 3).unwrap();
        assert!(founded < mentions);
        for path in &response.paths {
            let ids: std::collections::HashSet<&str> = path.nodes.iter().map(|n| n.id.as_str()).collect();
            assert_eq!(ids.len(), path.nodes.len(), "simple path");
        }
        let short = graph
            .paths(&PathsRequest {
                k: 10,
                max_len: 2,
                ..PathsRequest::between("a", "d")
            })
            .unwrap();
        assert!(short.paths.iter().all(|p| p.length <= 2));
        let filtered = graph
            .paths(&PathsRequest {
                relations: vec![Founded],
                ..PathsRequest::between("a", "d")
            })
            .unwrap();
        assert_eq!(filtered.paths[0].length, 3);
    }

    /// Lengths from a plain one-sided breadth-first search, for checking.
    fn bfs_lengths(edges: &[(usize, usize)], nodes: usize, source: usize) -> Vec<Option<usize>> {
        let mut adjacency = vec![Vec::new(); nodes];
        for &(a, b) in edges {
            adjacency[a].push(b);
            adjacency[b].push(a);
        }
        let mut distance = vec![None; nodes];
        distance[source] = Some(0);
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(node) = queue.pop_front() {
            for &next in &adjacency[node] {
                if distance[next].is_none() {
                    distance[next] = Some(distance[node].unwrap() + 1);
                    queue.push_back(next);
                }
            }
        }
        distance
    }

    #[test]
    fn bidirectional_search_finds_shortest_lengths_on_random_graphs() {
        let mut next = crate::graph::testing::random_below(0x2545_f491_4f6c_dd1d);
        for _ in 0..20 {
            let nodes = 40;
            let edges: Vec<(usize, usize)> = (0..60)
                .map(|_| (next(nodes), next(nodes)))
                .filter(|(a, b)| a != b)
                .collect();
            let entities = (0..nodes)
                .map(|i| entity(&format!("n{i}"), Enterprise, &format!("N{i}"), &[]))
                .collect();
            let relations = edges
                .iter()
                .map(|(a, b)| relation(&format!("n{a}"), &format!("n{b}"), CollaboratesWith))
                .collect();
            let graph = KnowledgeGraph::from_records(entities, relations).unwrap();
            let expected = bfs_lengths(&edges, nodes, 0);
            for (target, want) in expected.iter().enumerate().skip(1) {
                let request = PathsRequest {
                    max_len: 6,
                    ..Default::default()
                };
                let found = graph
                    .paths(&PathsRequest {
                        from: "n0".to_string(),
                        to: format!("n{target}"),
                        ..request.clone()
                    })
                    .unwrap();
                let length = found.paths.first().map(|p| p.length);
                assert_eq!(length, want.filter(|&d| d <= 6), "n0 → n{target}");
                if let Some(path) = found.paths.first() {
                    for pair in path.nodes.windows(2) {
                        let (a, b) = (&pair[0].id, &pair[1].id);
                        assert!(edges.iter().any(|(x, y)| {
                            let (x, y) = (format!("n{x}"), format!("n{y}"));
                            (&x == a && &y == b) || (&x == b && &y == a)
                        }));
                    }
                }
            }
        }
    }

    #[test]
    fn bad_requests_are_errors() {
        let graph = diamond();
        assert!(graph.paths(&PathsRequest::between("a", "a")).is_err());
        assert!(graph.paths(&PathsRequest::between("a", "zzz")).is_err());
        assert!(graph
            .paths(&PathsRequest {
                max_len: 7,
                ..PathsRequest::between("a", "d")
            })
            .is_err());
        let none = graph
            .paths(&PathsRequest {
                relations: vec![Leads],
                ..PathsRequest::between("a", "d")
            })
            .unwrap();
        assert!(none.paths.is_empty());
    }
}

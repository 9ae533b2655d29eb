//! Questions about one or two entities: the neighbours two entities share,
//! an entity's dated history, and equity chains with cumulative shares.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::RelationKind::HoldsEquityIn;

use serde::{Deserialize, Serialize};

use super::numbering::EntityIndex;
use super::responses::RelationFacts;
use super::tables::KnowledgeGraph;
use crate::model::{Direction, EntityRef, Relation, RelationKind};
use crate::params;
use crate::{Error, Result};

/// Most common neighbours listed.
pub const MAX_COMMON: usize = 1000;
/// Deepest equity chain followed.
pub const MAX_EQUITY_DEPTH: usize = 6;
/// Holdings an equity query may visit.
const EQUITY_BUDGET: usize = 100_000;

/// A query for the graph's latest dated relations: `/api/graph/recent`'s
/// parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecentRequest {
    /// Most relations listed (1 to [`MAX_RECENT`]).
    #[serde(deserialize_with = "params::number")]
    pub limit: usize,
}

/// Most relations a recent list holds.
pub const MAX_RECENT: usize = 200;

impl Default for RecentRequest {
    fn default() -> Self {
        RecentRequest { limit: 20 }
    }
}

/// One dated relation of the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentEvent {
    pub date: String,
    pub kind: RelationKind,
    pub from: EntityRef,
    pub to: EntityRef,
    #[serde(flatten)]
    pub facts: RelationFacts,
}

/// The graph's latest dated relations, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentResponse {
    pub results: Vec<RecentEvent>,
}

/// A query for the neighbours two entities share: the CLI's `common`
/// arguments and `/api/graph/common`'s parameters.
#[derive(Debug, Clone, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct CommonRequest {
    /// One entity: an id, a name or an alias.
    #[arg(value_name = "A")]
    #[serde(deserialize_with = "params::text")]
    pub a: String,
    /// The other entity.
    #[arg(value_name = "B")]
    #[serde(deserialize_with = "params::text")]
    pub b: String,
    /// Most neighbours listed (1 to 1000).
    #[arg(long, default_value_t = DEFAULT_COMMON)]
    #[serde(deserialize_with = "params::number")]
    pub limit: usize,
}

/// Common neighbours listed unless asked for another number.
pub const DEFAULT_COMMON: usize = 50;

impl Default for CommonRequest {
    fn default() -> Self {
        CommonRequest {
            a: String::new(),
            b: String::new(),
            limit: DEFAULT_COMMON,
        }
    }
}

/// A query about one entity (its timeline): the CLI's `ID` and the
/// `id` parameter of `/api/graph/timeline`.
#[derive(Debug, Clone, Default, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct TimelineRequest {
    /// The entity: an id, a name or an alias.
    #[arg(value_name = "ID")]
    #[serde(deserialize_with = "params::text")]
    pub id: String,
    /// List the relations without a date too, after the dated ones.
    #[arg(long)]
    #[serde(deserialize_with = "params::parsed_bool")]
    pub undated: bool,
    /// Events to skip, in the listing's order.
    #[arg(long, default_value_t = 0)]
    #[serde(deserialize_with = "params::number")]
    pub offset: usize,
    /// Most events listed (all when not given).
    #[arg(long)]
    #[serde(deserialize_with = "params::optional_number")]
    pub limit: Option<usize>,
}

/// Which events of a timeline to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimelinePage {
    /// The relations without a date too, after the dated ones.
    pub undated: bool,
    pub offset: usize,
    pub limit: Option<usize>,
}

/// An equity query: the CLI's `equity` arguments and
/// `/api/graph/equity`'s parameters.
#[derive(Debug, Clone, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct EquityRequest {
    /// The entity: an id, a name or an alias.
    #[arg(value_name = "ID")]
    #[serde(deserialize_with = "params::text")]
    pub id: String,
    /// Links followed up and down (1 to 6).
    #[arg(long, default_value_t = DEFAULT_EQUITY_DEPTH)]
    #[serde(deserialize_with = "params::number")]
    pub depth: usize,
}

/// Equity links followed unless asked for another depth.
pub const DEFAULT_EQUITY_DEPTH: usize = 3;

impl Default for EquityRequest {
    fn default() -> Self {
        EquityRequest {
            id: String::new(),
            depth: DEFAULT_EQUITY_DEPTH,
        }
    }
}

/// A neighbour two entities share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonNeighbor {
    #[serde(flatten)]
    pub entity: EntityRef,
    /// Strength of the two links, higher for transfers and equity than for
    /// sharing a location.
    pub score: f32,
    /// Relation kinds linking it to `a` and to `b`.
    pub via_a: Vec<RelationKind>,
    pub via_b: Vec<RelationKind>,
}

/// The neighbours two entities share, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonResponse {
    pub a: EntityRef,
    pub b: EntityRef,
    pub results: Vec<CommonNeighbor>,
    /// Entities typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

/// One dated event of an entity's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// The relation's `since`; null for an undated relation (listed only
    /// when asked for).
    pub date: Option<String>,
    pub kind: RelationKind,
    /// `out` when the entity is the relation's `from`.
    pub direction: Direction,
    pub other: EntityRef,
    #[serde(flatten)]
    pub facts: RelationFacts,
    pub props: serde_json::Map<String, serde_json::Value>,
}

/// An entity's dated relations, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineResponse {
    pub entity: EntityRef,
    pub results: Vec<TimelineEvent>,
    /// Events in the whole listing, before `offset` and `limit`.
    #[serde(default)]
    pub total: usize,
    /// The earliest and the latest date of the dated relations; null
    /// when none is dated.
    #[serde(default)]
    pub first: Option<String>,
    #[serde(default)]
    pub last: Option<String>,
    /// Relations without a date (left out unless asked for).
    pub undated: usize,
    /// Entities typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

/// An entity reached along an equity chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquityLink {
    #[serde(flatten)]
    pub entity: EntityRef,
    /// `holder` (it holds shares, directly or through others, of the
    /// queried entity) or `holding` (the queried entity holds shares of it).
    pub direction: EquityRole,
    pub depth: usize,
    /// Product of the shares along the chain (0–1); absent when a link of
    /// the chain has no known share.
    pub share: Option<f64>,
    /// Ids along the chain, from the holder to the held.
    pub chain: Vec<String>,
}

/// Where an entity stands on an equity chain from the queried one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EquityRole {
    /// It holds shares of the queried entity, directly or through others.
    Holder,
    /// The queried entity holds shares of it.
    Holding,
}

/// Equity chains up and down from an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EquityResponse {
    pub entity: EntityRef,
    pub results: Vec<EquityLink>,
    pub truncated: bool,
    /// Entities typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

/// The share a `holds_equity_in` relation states: `props.share` as a
/// fraction, or an amount in `%`.
fn share_of(relation: &Relation) -> Option<f64> {
    if let Some(share) = relation.props.get("share").and_then(|v| v.as_f64()) {
        return Some(if share > 1.0 { share / 100.0 } else { share });
    }
    match (relation.amount, relation.unit.as_deref()) {
        (Some(amount), Some("%")) => Some(amount / 100.0),
        _ => None,
    }
}

impl KnowledgeGraph {
    /// Returns the entities linked to both `a` and `b`, with the kinds of
    /// their links, strongest pairs of links first.
    ///
    /// # Complexity
    /// O(deg(a) + deg(b)).
    pub fn common_neighbors(&self, a: &str, b: &str, limit: usize) -> Result<CommonResponse> {
        if limit == 0 || limit > MAX_COMMON {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_COMMON}"),
            ));
        }
        let (ia, ib) = (self.resolve(a)?, self.resolve(b)?);
        if ia == ib {
            return Err(Error::invalid_parameter("b", "the two entities must be different"));
        }
        // the kinds linking each neighbour of the end with fewer relations,
        // then those of the other end's neighbours found there
        let (small, large) = if self.degree(ia) <= self.degree(ib) {
            (ia, ib)
        } else {
            (ib, ia)
        };
        let mut from_small: HashMap<EntityIndex, Vec<RelationKind>> = HashMap::new();
        for edge in self.adjacency().edges(small) {
            from_small.entry(edge.neighbor).or_default().push(edge.kind);
        }
        let mut from_large: HashMap<EntityIndex, Vec<RelationKind>> = HashMap::new();
        for edge in self.adjacency().edges(large) {
            if from_small.contains_key(&edge.neighbor) {
                from_large.entry(edge.neighbor).or_default().push(edge.kind);
            }
        }
        let (from_a, from_b) = if small == ia {
            (from_small, from_large)
        } else {
            (from_large, from_small)
        };
        let strongest = |kinds: &[RelationKind]| kinds.iter().map(|k| k.strength()).fold(0.0f32, f32::max);
        let mut results: Vec<CommonNeighbor> = from_a
            .iter()
            .filter(|(other, _)| **other != ia && **other != ib)
            .filter_map(|(other, via_a)| {
                let via_b = from_b.get(other)?;
                let mut via_a = via_a.clone();
                let mut via_b = via_b.clone();
                via_a.sort();
                via_a.dedup();
                via_b.sort();
                via_b.dedup();
                Some(CommonNeighbor {
                    entity: EntityRef::from(self.entity_at(*other)),
                    score: strongest(&via_a) * strongest(&via_b),
                    via_a,
                    via_b,
                })
            })
            .collect();
        results.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.entity.id.cmp(&y.entity.id)));
        results.truncate(limit);
        Ok(CommonResponse {
            a: EntityRef::from(self.entity_at(ia)),
            b: EntityRef::from(self.entity_at(ib)),
            results,
            resolved_from: Default::default(),
        })
    }

    /// Returns an entity's dated relations in date order, a page of them.
    ///
    /// With `page.undated`, the relations without a date follow the dated
    /// ones (their `date` null); otherwise they are only counted.
    ///
    /// # Complexity
    /// O(d log d) over the entity's d relations, ordered by their packed
    /// dates; only the listed page's records (and the first and last
    /// dated ones) are read.
    pub fn timeline(&self, key: &str, page: TimelinePage) -> Result<TimelineResponse> {
        let entity = self.resolve(key)?;
        let mut listed = Vec::new();
        let mut undated = 0;
        let (mut earliest, mut latest) = (None, None);
        for edge in self.adjacency().edges(entity) {
            let packed = match self.packed_since(edge.relation) {
                0 => {
                    undated += 1;
                    if !page.undated {
                        continue;
                    }
                    u32::MAX
                }
                packed => {
                    if earliest.is_none_or(|(first, _)| packed < first) {
                        earliest = Some((packed, edge));
                    }
                    if latest.is_none_or(|(last, _)| packed > last) {
                        latest = Some((packed, edge));
                    }
                    packed
                }
            };
            listed.push((packed, edge));
        }
        let since = |found: Option<(u32, super::adjacency::Edge)>| -> Result<Option<String>> {
            Ok(match found {
                Some((_, edge)) => self.relation_of(entity, &edge)?.since,
                None => None,
            })
        };
        let (first, last) = (since(earliest)?, since(latest)?);
        let total = listed.len();
        // dated first, oldest first; then the undated; ties by the other's
        // id, read only when a page is asked for
        let limit = page.limit.unwrap_or(usize::MAX);
        let listed: Vec<_> = if limit == 0 || page.offset >= total {
            Vec::new()
        } else {
            let mut keyed: Vec<_> = listed
                .into_iter()
                .map(|(packed, edge)| (packed, self.entity_at(edge.neighbor).id, edge))
                .collect();
            let shown = super::entity_page::sorted_page(&mut keyed, page.offset, limit, |a, b| {
                (a.0, a.1, a.2.kind, a.2.outgoing).cmp(&(b.0, b.1, b.2.kind, b.2.outgoing))
            });
            shown.iter().map(|(_, _, edge)| *edge).collect()
        };
        let mut results = Vec::new();
        for edge in listed {
            let relation = self.relation_of(entity, &edge)?;
            let date = relation.since.clone();
            let kind = relation.kind;
            let (facts, props) = RelationFacts::of(relation);
            results.push(TimelineEvent {
                date,
                kind,
                direction: Direction::of(edge.outgoing),
                other: EntityRef::from(self.entity_at(edge.neighbor)),
                facts,
                props,
            });
        }
        Ok(TimelineResponse {
            entity: EntityRef::from(self.entity_at(entity)),
            results,
            total,
            first,
            last,
            undated,
            resolved_from: Default::default(),
        })
    }

    /// The `limit` latest dated relations of the graph, newest first
    /// (ties by relation number, later first). `mentions` are left out:
    /// their date is the article's, not an event's.
    ///
    /// # Complexity
    /// O(E log 200) over the packed dates on the graph's first call (kept
    /// with its measures), then `limit` record reads.
    pub fn recent(&self, limit: usize) -> Result<RecentResponse> {
        if limit == 0 || limit > MAX_RECENT {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_RECENT}"),
            ));
        }
        let latest = self.measures().recent.get_or_init(|| self.latest_dated(MAX_RECENT));
        let mut results = Vec::with_capacity(limit.min(latest.len()));
        for &relation in latest.iter().take(limit) {
            let (from, to) = self.relation_ends(relation);
            let record = self.relation_between(relation, from, to)?;
            let kind = record.kind;
            let Some(date) = record.since.clone() else { continue };
            let (facts, _) = RelationFacts::of(record);
            results.push(RecentEvent {
                date,
                kind,
                from: EntityRef::from(self.entity_at(from)),
                to: EntityRef::from(self.entity_at(to)),
                facts,
            });
        }
        Ok(RecentResponse { results })
    }

    /// The `count` latest dated relations but `mentions`, newest first.
    ///
    /// # Complexity
    /// O(E log count) over the packed dates.
    fn latest_dated(&self, count: usize) -> Vec<super::numbering::RelationIndex> {
        let mut latest = std::collections::BinaryHeap::with_capacity(count + 1);
        for relation in self.relation_positions() {
            let packed = self.packed_since(relation);
            if packed == 0 || self.relation_kind(relation) == RelationKind::Mentions {
                continue;
            }
            // a min-heap of the best so far: the oldest leaves first
            latest.push(std::cmp::Reverse((packed, relation)));
            if latest.len() > count {
                latest.pop();
            }
        }
        latest
            .into_sorted_vec()
            .into_iter()
            .map(|std::cmp::Reverse((_, r))| r)
            .collect()
    }

    /// Follows `holds_equity_in` relations up (who holds the entity, and
    /// who holds them) and down (what it holds, and what those hold), up to
    /// `depth` links, multiplying shares along each chain.
    ///
    /// # Complexity
    /// O(V + E) over the equity subgraph reached, bounded by a budget of
    /// visited holdings; `truncated` tells when the budget was hit.
    pub fn equity(&self, key: &str, depth: usize) -> Result<EquityResponse> {
        if depth == 0 || depth > MAX_EQUITY_DEPTH {
            return Err(Error::invalid_parameter(
                "depth",
                format!("must be between 1 and {MAX_EQUITY_DEPTH}"),
            ));
        }
        let start = self.resolve(key)?;
        let mut results = Vec::new();
        let mut truncated = false;
        let mut visits = 0usize;
        for upward in [true, false] {
            let mut seen: HashSet<EntityIndex> = HashSet::from([start]);
            // (entity, depth, cumulative share, chain from start)
            let mut queue: VecDeque<(EntityIndex, usize, Option<f64>, Vec<EntityIndex>)> =
                VecDeque::from([(start, 0, Some(1.0), vec![start])]);
            while let Some((current, level, share, chain)) = queue.pop_front() {
                if level == depth {
                    continue;
                }
                for edge in self.adjacency().edges(current) {
                    visits += 1;
                    if visits > EQUITY_BUDGET {
                        truncated = true;
                        break;
                    }
                    // upward: relations pointing at `current` (others hold it)
                    if edge.kind != HoldsEquityIn || edge.outgoing == upward {
                        continue;
                    }
                    let other = edge.neighbor;
                    if !seen.insert(other) {
                        continue;
                    }
                    let relation = &self.relation_of(current, &edge)?;
                    let share = share.zip(share_of(relation)).map(|(a, b)| a * b);
                    let mut next_chain = chain.clone();
                    next_chain.push(other);
                    let mut ids: Vec<String> = next_chain.iter().map(|&i| self.entity_at(i).id.to_string()).collect();
                    if upward {
                        ids.reverse();
                    }
                    results.push(EquityLink {
                        entity: EntityRef::from(self.entity_at(other)),
                        direction: if upward {
                            EquityRole::Holder
                        } else {
                            EquityRole::Holding
                        },
                        depth: level + 1,
                        share,
                        chain: ids,
                    });
                    queue.push_back((other, level + 1, share, next_chain));
                }
            }
        }
        Ok(EquityResponse {
            entity: EntityRef::from(self.entity_at(start)),
            results,
            truncated,
            resolved_from: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::{entity, relation};
    use crate::model::EntityKind::*;
    use RelationKind::*;

    fn with_share(from: &str, to: &str, share: f64) -> Relation {
        let mut r = relation(from, to, HoldsEquityIn);
        r.props.insert("share".into(), serde_json::json!(share));
        r
    }

    fn graph() -> KnowledgeGraph {
        let entities = ["p", "h", "c", "s", "u", "z", "inc"]
            .iter()
            .map(|id| entity(id, Enterprise, &id.to_uppercase(), &[]))
            .collect();
        let mut relations = vec![
            with_share("p", "h", 0.6),
            with_share("h", "c", 0.5),
            with_share("c", "s", 0.8),
            relation("u", "c", HoldsEquityIn),
            relation("c", "z", LocatedIn),
            relation("s", "z", LocatedIn),
            relation("c", "inc", IncubatedBy),
            relation("s", "inc", IncubatedBy),
        ];
        relations[0].since = Some("2019".into());
        relations[1].since = Some("2021-06".into());
        KnowledgeGraph::from_records(entities, relations).unwrap()
    }

    #[test]
    fn equity_chains_multiply_shares_both_ways() {
        let graph = graph();
        let response = graph.equity("c", 3).unwrap();
        let find = |id: &str| response.results.iter().find(|r| r.entity.id == id).unwrap();
        assert_eq!(find("h").direction, EquityRole::Holder);
        assert!((find("h").share.unwrap() - 0.5).abs() < 1e-9);
        assert!((find("p").share.unwrap() - 0.3).abs() < 1e-9, "0.6 × 0.5");
        assert_eq!(find("p").chain, ["p", "h", "c"]);
        assert_eq!(find("u").share, None, "unknown share");
        assert_eq!(find("s").direction, EquityRole::Holding);
        assert!((find("s").share.unwrap() - 0.8).abs() < 1e-9);
        assert!(graph.equity("c", 1).unwrap().results.iter().all(|r| r.depth == 1));
    }

    #[test]
    fn common_neighbors_strongest_first() {
        let graph = graph();
        let response = graph.common_neighbors("c", "s", 10).unwrap();
        let ids: Vec<&str> = response.results.iter().map(|r| r.entity.id.as_str()).collect();
        assert_eq!(ids, ["inc", "z"], "sharing an incubator says more than sharing a zone");
        assert_eq!(response.results[0].via_a, [IncubatedBy]);
        assert!(graph.common_neighbors("c", "c", 10).is_err());
    }

    #[test]
    fn timeline_orders_dated_relations() {
        let graph = graph();
        let response = graph.timeline("h", TimelinePage::default()).unwrap();
        let dates: Vec<Option<&str>> = response.results.iter().map(|e| e.date.as_deref()).collect();
        assert_eq!(dates, [Some("2019"), Some("2021-06")]);
        assert_eq!(response.results[0].direction, Direction::In);
        assert_eq!(response.undated, 0);
        let dated = graph.timeline("c", TimelinePage::default()).unwrap();
        assert_eq!((dated.results.len(), dated.undated), (1, 4));
        // asked for, the undated follow the dated, date null
        let undated = TimelinePage {
            undated: true,
            ..TimelinePage::default()
        };
        let all = graph.timeline("c", undated).unwrap();
        assert_eq!((all.results.len(), all.undated, all.total), (5, 4, 5));
        assert!(all.results[0].date.is_some());
        assert!(all.results[1..].iter().all(|e| e.date.is_none()));
        assert_eq!(all.first, all.results[0].date);
        assert_eq!(all.first, all.last, "one dated relation");
    }

    #[test]
    fn the_latest_dated_relations_follow_a_change() {
        let mut graph = graph();
        let dates = |graph: &KnowledgeGraph| -> Vec<String> {
            graph.recent(5).unwrap().results.into_iter().map(|e| e.date).collect()
        };
        assert_eq!(dates(&graph), ["2021-06", "2019"]);
        let mut newer = relation("u", "z", LocatedIn);
        newer.since = Some("2024-03".into());
        graph
            .apply(crate::model::Change::PutRelation { relation: newer })
            .unwrap();
        assert_eq!(
            dates(&graph),
            ["2024-03", "2021-06", "2019"],
            "a change starts the list anew"
        );
        assert_eq!(graph.recent(1).unwrap().results[0].from.id, "u");
        assert!(graph.recent(0).is_err() && graph.recent(MAX_RECENT + 1).is_err());
    }

    #[test]
    fn a_timeline_is_listed_a_page_at_a_time() {
        let graph = graph();
        let whole = graph.timeline("h", TimelinePage::default()).unwrap();
        assert_eq!(
            (whole.first.as_deref(), whole.last.as_deref()),
            (Some("2019"), Some("2021-06"))
        );
        let page = |offset, limit| TimelinePage {
            undated: false,
            offset,
            limit: Some(limit),
        };
        let second = graph.timeline("h", page(1, 5)).unwrap();
        assert_eq!(second.results, whole.results[1..]);
        assert_eq!(second.total, 2);
        // no events, but the counts and the range
        let none = graph.timeline("h", page(0, 0)).unwrap();
        assert!(none.results.is_empty());
        assert_eq!((none.total, none.first), (2, whole.first.clone()));
    }
}

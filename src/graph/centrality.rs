//! Who matters most: degree and PageRank centrality, top N overall or per
//! entity kind.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::numbering::{entity_range, EntityIndex};
use super::tables::KnowledgeGraph;
use crate::model::EntityKind;
use crate::model::EntityRef;
use crate::{params, Error, Result};

/// Most entities a ranking returns.
pub const MAX_RANKED: usize = 1000;
const DAMPING: f64 = 0.85;
const TOLERANCE: f64 = 1e-6;
const MAX_ITERATIONS: usize = 100;

/// A centrality measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Degree,
    Pagerank,
}

impl std::str::FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "degree" => Ok(Measure::Degree),
            "pagerank" => Ok(Measure::Pagerank),
            _ => Err(format!("unknown measure `{s}`, expected degree or pagerank")),
        }
    }
}

/// A centrality query: the CLI's `centrality` options and
/// `/api/graph/centrality`'s parameters.
#[derive(Debug, Clone, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct CentralityRequest {
    /// Only entities of this kind.
    #[arg(long)]
    #[serde(deserialize_with = "params::optional_parsed")]
    pub kind: Option<EntityKind>,
    /// pagerank or degree.
    #[arg(long, default_value = "pagerank")]
    #[serde(deserialize_with = "params::parsed")]
    pub measure: Measure,
    /// Most entities listed (1 to 1000).
    #[arg(long, default_value_t = DEFAULT_RANKED)]
    #[serde(deserialize_with = "params::number")]
    pub limit: usize,
}

/// Entities a ranking lists unless asked for another number.
pub const DEFAULT_RANKED: usize = 20;

impl Default for CentralityRequest {
    fn default() -> Self {
        CentralityRequest {
            kind: None,
            measure: Measure::Pagerank,
            limit: DEFAULT_RANKED,
        }
    }
}

/// One ranked entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    #[serde(flatten)]
    pub entity: EntityRef,
    pub score: f64,
    pub degree: usize,
}

/// A ranking of entities by a measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentralityResponse {
    pub measure: Measure,
    pub kind: Option<EntityKind>,
    pub results: Vec<Ranked>,
}

impl KnowledgeGraph {
    /// PageRank of every entity, edges taken in both directions (a relation
    /// lends importance both ways), computed once and cached.
    ///
    /// # Complexity
    /// O(I · (V + E)) for I ≤ 100 power iterations on every core, until the L1 change is
    /// below 1e-6.
    pub fn pagerank(&self) -> &[f32] {
        self.measures().pagerank.get_or_init(|| {
            let n = self.entity_slots();
            let live = self.entity_count();
            if live == 0 {
                return vec![0.0; n];
            }
            let adjacency = self.adjacency();
            let mut rank: Vec<f64> = entity_range(n)
                .map(|entity| if self.is_live(entity) { 1.0 / live as f64 } else { 0.0 })
                .collect();
            let mut share = vec![0.0f64; n];
            for _ in 0..MAX_ITERATIONS {
                // what each node gives each of its neighbours; the rank of
                // nodes without relations is spread over every node
                let dangling: f64 = share
                    .par_iter_mut()
                    .enumerate()
                    .map(|(at, share)| {
                        let degree = adjacency.degree(EntityIndex::from_usize(at));
                        if degree == 0 {
                            *share = 0.0;
                            rank[at]
                        } else {
                            *share = rank[at] / degree as f64;
                            0.0
                        }
                    })
                    .sum();
                let base = (1.0 - DAMPING) / live as f64 + DAMPING * dangling / live as f64;
                let change: f64 = rank
                    .par_iter_mut()
                    .enumerate()
                    .map(|(at, rank)| {
                        let entity = EntityIndex::from_usize(at);
                        if !self.is_live(entity) {
                            return 0.0;
                        }
                        let gathered: f64 = adjacency
                            .neighbors(entity)
                            .iter()
                            .map(|&other| share[other.index()])
                            .sum();
                        let value = base + DAMPING * gathered;
                        let change = (value - *rank).abs();
                        *rank = value;
                        change
                    })
                    .sum();
                if change < TOLERANCE {
                    break;
                }
            }
            rank.into_iter().map(|r| r as f32).collect()
        })
    }

    /// The `limit` most central entities, of `kind` if given.
    pub fn centrality(&self, measure: Measure, kind: Option<EntityKind>, limit: usize) -> Result<CentralityResponse> {
        if limit == 0 || limit > MAX_RANKED {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_RANKED}"),
            ));
        }
        let scores: Vec<f64> = match measure {
            Measure::Degree => entity_range(self.entity_slots())
                .map(|i| self.degree(i) as f64)
                .collect(),
            Measure::Pagerank => self.pagerank().iter().map(|&r| r as f64).collect(),
        };
        let mut candidates: Vec<EntityIndex> = self
            .live_positions()
            .filter(|&i| kind.is_none_or(|k| self.kind_at(i) == k))
            .collect();
        let by_score =
            |a: &EntityIndex, b: &EntityIndex| scores[b.index()].total_cmp(&scores[a.index()]).then(a.cmp(b));
        if candidates.len() > limit {
            candidates.select_nth_unstable_by(limit - 1, by_score);
            candidates.truncate(limit);
        }
        candidates.sort_by(by_score);
        let results = candidates
            .into_iter()
            .map(|i| Ranked {
                entity: EntityRef::from(self.entity_at(i)),
                score: scores[i.index()],
                degree: self.degree(i),
            })
            .collect();
        Ok(CentralityResponse { measure, kind, results })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::{entity, relation};
    use crate::model::RelationKind;

    #[test]
    fn hubs_rank_first_and_pagerank_sums_to_one() {
        let mut entities = vec![entity("hub", EntityKind::Zone, "园区", &[])];
        let mut relations = Vec::new();
        for i in 0..6 {
            entities.push(entity(
                &format!("e{i}"),
                EntityKind::Enterprise,
                &format!("企业{i}"),
                &[],
            ));
            relations.push(relation(&format!("e{i}"), "hub", RelationKind::LocatedIn));
        }
        relations.push(relation("e0", "e1", RelationKind::CollaboratesWith));
        let graph = KnowledgeGraph::from_records(entities, relations).unwrap();
        let total: f32 = graph.pagerank().iter().sum();
        assert!((total - 1.0).abs() < 1e-3, "{total}");
        for measure in [Measure::Degree, Measure::Pagerank] {
            let top = graph.centrality(measure, None, 3).unwrap();
            assert_eq!(top.results[0].entity.id, "hub", "{measure:?}");
            assert_eq!(top.results.len(), 3);
        }
        let enterprises = graph
            .centrality(Measure::Pagerank, Some(EntityKind::Enterprise), 10)
            .unwrap();
        assert_eq!(enterprises.results.len(), 6);
        assert!(["e0", "e1"].contains(&enterprises.results[0].entity.id.as_str()));
        assert!(graph.centrality(Measure::Degree, None, 0).is_err());
    }
}

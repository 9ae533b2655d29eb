//! Counts and degree distribution of the graph.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::memory::GraphMemory;
use super::tables::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};

/// Degree percentiles over all entities.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DegreePercentiles {
    pub p50: usize,
    pub p90: usize,
    pub p99: usize,
    pub max: usize,
    pub mean: f64,
}

/// The shape of the graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphStats {
    pub entities: usize,
    pub relations: usize,
    pub entity_kinds: BTreeMap<String, usize>,
    pub relation_kinds: BTreeMap<String, usize>,
    pub degree: DegreePercentiles,
    pub memory: GraphMemory,
}

impl KnowledgeGraph {
    /// Counts per entity and relation kind and degree percentiles.
    pub fn stats(&self) -> GraphStats {
        // kinds only: the names stay unread
        let entity_kinds = EntityKind::tally(self.live_positions().map(|i| self.kind_at(i)));
        let relation_kinds = RelationKind::tally(self.relation_positions().map(|r| self.relation_kind(r)));
        let mut degrees: Vec<usize> = self.live_positions().map(|i| self.degree(i)).collect();
        degrees.sort_unstable();
        let at = |q: f64| -> usize {
            if degrees.is_empty() {
                0
            } else {
                degrees[((degrees.len() - 1) as f64 * q).round() as usize]
            }
        };
        let degree = DegreePercentiles {
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: degrees.last().copied().unwrap_or(0),
            mean: if degrees.is_empty() {
                0.0
            } else {
                degrees.iter().sum::<usize>() as f64 / degrees.len() as f64
            },
        };
        GraphStats {
            entities: self.entity_count(),
            relations: self.relation_count(),
            entity_kinds,
            relation_kinds,
            degree,
            memory: self.memory(),
        }
    }
}

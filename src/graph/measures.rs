//! Whole-graph measures computed once per graph on first use and kept
//! beside it: PageRank, the cluster labels, the latest dated relations and
//! the researchers with the longest industry track records. Changing the graph starts
//! a new, empty set (see the tables' batches).

use std::sync::OnceLock;

/// The cluster label of every entity position, by both methods.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clustering {
    pub components: Vec<u32>,
    pub communities: Vec<u32>,
}

/// The measures of one graph, each computed on first use.
#[derive(Debug, Default)]
pub(crate) struct Measures {
    pub pagerank: OnceLock<Vec<f32>>,
    pub clustering: OnceLock<Clustering>,
    /// The latest dated relations, newest first (at most
    /// [`super::MAX_RECENT`]).
    pub recent: OnceLock<Vec<super::numbering::RelationIndex>>,
    /// Researchers and research organisations with the enterprises each
    /// has worked with counted (see `matching`).
    pub experienced: OnceLock<std::sync::Arc<TrackRecords>>,
}

/// How many enterprises each researcher and research organisation has
/// worked with: the ones that have, most first, and the same as a map.
#[derive(Debug, Default)]
pub(crate) struct TrackRecords {
    pub ranked: Vec<(super::numbering::EntityIndex, u32)>,
    pub counts: std::collections::HashMap<super::numbering::EntityIndex, u32>,
}

impl Clone for Measures {
    /// A copy of a graph (taken to apply a change) starts without
    /// measures: they are the changed graph's to compute.
    fn clone(&self) -> Self {
        Measures::default()
    }
}

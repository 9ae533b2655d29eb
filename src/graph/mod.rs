//! The knowledge graph: entities as nodes, relations as directed edges, held
//! in a petgraph `StableGraph` with an id → node map, plus the queries users
//! explore it with (entity views, neighbourhoods, paths, statistics). Every
//! traversal is bounded. Entity and relation records are the graph's own
//! tables; petgraph indices never leave the process. No text search here.

mod analysis;
mod centrality;
pub(crate) mod clusters;
mod neighbors;
mod paths;
mod stats;
mod store;
mod views;

pub use analysis::{
    CommonNeighbor, CommonResponse, EquityLink, EquityResponse, TimelineEvent, TimelineResponse, MAX_COMMON,
    MAX_EQUITY_DEPTH,
};
pub use centrality::{CentralityResponse, Measure, Ranked, MAX_RANKED};
pub use clusters::{Cluster, ClusterMethod, ClustersResponse, MAX_CLUSTERS};
pub use neighbors::{Direction, NeighborsRequest, MAX_DEPTH, MAX_NEIGHBORS};
pub use paths::{PathsRequest, MAX_K, MAX_PATH_LENGTH};
pub use stats::{DegreePercentiles, GraphStats};
/// Record builders for tests anywhere in the crate.
#[cfg(test)]
pub(crate) use store::tests::{entity as test_entity, relation as test_relation};
pub use store::KnowledgeGraph;
pub use views::{
    EdgeView, EntityRef, EntityView, NeighborNode, NeighborsResponse, PathEdge, PathView, PathsResponse, RelationView,
};

//! The knowledge graph: entities as nodes, relations as directed edges, and
//! the queries users explore it with (entity views, neighbourhoods, paths,
//! centrality, clusters, statistics). The graph's own tables hold the
//! records (stable string ids; table positions never leave the process);
//! traversals run on compressed adjacency rows with per-thread visited
//! arrays, and every traversal is bounded by a budget of visits and time.
//! The tables are saved as a binary snapshot; changes since the snapshot go
//! to a write-ahead log, replayed at open and folded into a new snapshot by
//! compaction. No text search here.

mod adjacency;
mod analysis;
mod budget;
mod centrality;
mod clusters;
mod cold;
mod entity_page;
mod filter;
mod log;
mod mapped;
mod measures;
pub(crate) use measures::TrackRecords;
mod memory;
mod names;
mod neighbors;
mod numbering;
#[cfg(test)]
mod oracles;
mod paths;
mod responses;
mod scratch;
mod stats;
mod tables;
#[cfg(test)]
pub(crate) mod testing;
mod view;

pub use analysis::{
    CommonNeighbor, CommonRequest, CommonResponse, EquityLink, EquityRequest, EquityResponse, EquityRole, RecentEvent,
    RecentRequest, RecentResponse, TimelineEvent, TimelinePage, TimelineRequest, TimelineResponse, MAX_COMMON,
    MAX_EQUITY_DEPTH, MAX_RECENT,
};
pub use budget::Budget;
pub use centrality::{CentralityRequest, CentralityResponse, Measure, Ranked, MAX_RANKED};
pub use clusters::{Cluster, ClusterMethod, ClustersRequest, ClustersResponse, MAX_CLUSTERS};
pub use entity_page::{RelationPage, ENTITY_RELATIONS, MAX_ENTITY_RELATIONS};
pub use log::{
    archive, archive_log, begin_fold, changes_since_build, fold_log, read_logs, settle_logs, settle_next_log,
    FoldState, GraphFiles, GraphLog, LogSegment, Logs, PersistentGraph,
};
pub use memory::GraphMemory;
pub use names::EntityHot;
pub use neighbors::{NeighborsRequest, Through, MAX_DEPTH, MAX_NEIGHBORS};
pub use numbering::{EntityIndex, RelationIndex};
pub use paths::{link_cost, PathRank, PathsRequest, MAX_K, MAX_PATH_LENGTH, STRENGTH_HOP_COST};
pub use responses::{
    EdgeView, EntityView, NeighborNode, NeighborsResponse, PathEdge, PathView, PathsResponse, RelationFacts,
    RelationView,
};
pub use stats::{DegreePercentiles, GraphStats};
pub(crate) use tables::props_text;
pub use tables::KnowledgeGraph;
/// Record builders for tests anywhere in the crate.
#[cfg(test)]
pub(crate) use testing::{entity as test_entity, relation as test_relation};
pub use view::{
    CostedEdge, CostedEdges, EdgeReferences, Edges, GraphView, LinkCosts, Neighbors, NodeReferences, Nodes, ViewEdge,
    ViewFilter, ViewNode, VisitSet,
};

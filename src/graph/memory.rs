//! What a graph holds in memory, by part.

use serde::{Deserialize, Serialize};

/// Bytes the graph holds in memory, by part. Profiles, properties and
/// evidence stay in the snapshot file and are not counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphMemory {
    /// Kinds and live flags of the entities; ids, names and aliases added
    /// or changed since the snapshot.
    pub names: usize,
    /// The relations' ends and kinds, as traversal rows in both directions.
    pub adjacency: usize,
    /// Relation dates, where each relation's record is among the records
    /// (after changes), interned document ids and property texts.
    pub relations: usize,
    /// Where each entity's and relation's record is in the snapshot file.
    pub record_offsets: usize,
    /// Records written since the snapshot.
    pub records_in_memory: usize,
    /// The id and name lookup indexes held in the heap (after changes).
    pub indexes: usize,
    /// Sum of the above.
    pub total: usize,
    /// Bytes of the snapshot read in place: names and lookup indexes. They
    /// are in the page cache, as much as has been touched, not in `total`.
    pub mapped: usize,
}

//! A change to the knowledge: what the write API takes, the graph and the
//! search index apply, and the write-ahead log stores.

use serde::{Deserialize, Serialize};

use super::{Document, Entity, Relation, RelationKind};

/// One change to the graph. Applying the same change twice in a row leaves
/// the graph as applying it once does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// Adds an entity, or replaces the one with the same id (its relations
    /// stay).
    PutEntity { entity: Entity },
    /// Deletes an entity and every relation it takes part in.
    DeleteEntity { id: String },
    /// Adds a relation, replacing those with the same `from`, `to` and
    /// `kind`.
    PutRelation { relation: Relation },
    /// Deletes the relations with this `from`, `to` and `kind` (none is
    /// not an error).
    DeleteRelation {
        from: String,
        to: String,
        kind: RelationKind,
    },
    /// Adds an article taken in, or replaces the one with the same id: its
    /// text becomes a search entry and its [`Document::node`] a node of
    /// the graph, which its `mentions` relations start from.
    PutDocument { document: Document },
}

//! What the suggester reads of the entities it names: the
//! [`EntityDirectory`] trait, through which a table of entities (in the
//! engine, the knowledge graph) lends their ids, kinds, names and numbers
//! of relations, so that search depends on no particular table.

use std::sync::Arc;

use crate::model::EntityKind;

/// One entity as a directory lists it.
#[derive(Debug, Clone, Copy)]
pub struct ListedEntity<'a, N> {
    pub id: &'a str,
    pub kind: EntityKind,
    /// The name, then every alias. A deleted entity has none, or only
    /// empty ones (which are never suggested).
    pub names: N,
}

/// A table of entities at positions `0..entity_slots()`, read by the
/// suggester to build its keys and to name the entities it suggests.
///
/// Positions are stable until the table is renumbered (a
/// [`Suggester`](super::Suggester) built before then must be built
/// anew). A deleted entity keeps its position and id, and lists no names
/// (or only empty ones). All methods take a position below
/// [`Self::entity_slots`] and may panic on any other. Reads are made from
/// several threads at once, hence `Sync`, and an entity's names may be
/// read on another thread than the one that listed it, hence their `Send`.
pub trait EntityDirectory: Sync {
    /// Number of positions, deleted entities included.
    fn entity_slots(&self) -> usize;

    /// The id, kind and names of the entity at `position`.
    fn entity(&self, position: u32) -> ListedEntity<'_, impl Iterator<Item = &str> + Send + '_>;

    /// The kind of the entity at `position`, without reading its names.
    fn kind(&self, position: u32) -> EntityKind;

    /// Number of relations the entity at `position` takes part in.
    fn degree(&self, position: u32) -> usize;
}

/// A shared directory lists what it shares.
impl<D: EntityDirectory + Send> EntityDirectory for Arc<D> {
    fn entity_slots(&self) -> usize {
        (**self).entity_slots()
    }

    fn entity(&self, position: u32) -> ListedEntity<'_, impl Iterator<Item = &str> + Send + '_> {
        (**self).entity(position)
    }

    fn kind(&self, position: u32) -> EntityKind {
        (**self).kind(position)
    }

    fn degree(&self, position: u32) -> usize {
        (**self).degree(position)
    }
}

//! The data model: entities, relations, documents and the closed sets of
//! entity and relation kinds, with exactly the JSON shapes of the corpus
//! format. Everything else (loaders, index, graph, API) speaks these types.
//! This module holds no I/O.

mod change;
mod date;
mod direction;
mod document;
mod entity;
mod kinds;
mod relation;

pub use change::Change;
pub use date::{check_date, is_valid_date};
pub use direction::Direction;
pub use document::{derived_title, Document, DERIVED_TITLE_CHARS};
pub use entity::{Entity, EntityRef};
pub use kinds::{EntityKind, RelationKind};
pub use relation::{Evidence, Relation};

/// The most aliases an entity may have.
pub const MAX_ALIASES: usize = 1000;

//! An entity record: one line of `entities.jsonl`.

use serde::{Deserialize, Serialize};

use super::EntityKind;

/// A node of the knowledge graph: an enterprise, a university, a person…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Stable id, unique across kinds.
    pub id: String,
    pub kind: EntityKind,
    /// The name users know it by (a company's short name, for instance).
    pub name: String,
    /// Other names: the full registered name, short forms, English names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A short profile.
    #[serde(default)]
    pub description: String,
    /// Industry names (the names of `industry` entities where they exist).
    #[serde(default)]
    pub industry: Vec<String>,
    #[serde(default)]
    pub location: String,
    /// Free facts: numbers, levels, stages, flags such as `synthetic`.
    #[serde(default)]
    pub props: serde_json::Map<String, serde_json::Value>,
}

impl Entity {
    /// The name followed by every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The short form of an entity inside other answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRef {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
}

impl From<&Entity> for EntityRef {
    fn from(entity: &Entity) -> Self {
        EntityRef {
            id: entity.id.clone(),
            kind: entity.kind,
            name: entity.name.clone(),
        }
    }
}

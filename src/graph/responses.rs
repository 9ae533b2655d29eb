//! The JSON shapes graph queries answer with; the CLI's `--json` and the
//! HTTP API serialise these same structs.

use serde::{Deserialize, Serialize};

use crate::model::{Direction, Entity, EntityRef, Evidence, Relation, RelationKind};

impl From<super::EntityHot<'_>> for EntityRef {
    fn from(entity: super::EntityHot<'_>) -> Self {
        EntityRef {
            id: entity.id.to_string(),
            kind: entity.kind,
            name: entity.name.to_string(),
        }
    }
}

/// What every view of a relation tells besides its ends and kind: when it
/// began, the amount it carries, and the sentences it was learned from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelationFacts {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub since: Option<String>,
    pub amount: Option<f64>,
    pub unit: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl RelationFacts {
    /// The facts of a relation record, and its properties.
    pub(crate) fn of(relation: Relation) -> (RelationFacts, serde_json::Map<String, serde_json::Value>) {
        let facts = RelationFacts {
            since: relation.since,
            amount: relation.amount,
            unit: relation.unit,
            evidence: relation.evidence,
        };
        (facts, relation.props)
    }
}

/// A relation as seen from one of its ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationView {
    pub kind: RelationKind,
    /// `out` when the entity is the relation's `from`, `in` otherwise.
    pub direction: Direction,
    pub other: EntityRef,
    #[serde(flatten)]
    pub facts: RelationFacts,
    pub props: serde_json::Map<String, serde_json::Value>,
}

/// An entity with the relations it takes part in, strongest kinds first,
/// up to a limit, and how many it has of each kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityView {
    #[serde(flatten)]
    pub entity: Entity,
    pub relations: Vec<RelationView>,
    /// All its relations, listed or not.
    pub relation_total: usize,
    /// All its relations by kind.
    pub relations_by_kind: std::collections::BTreeMap<String, usize>,
    /// Entities typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

/// A node of a neighbourhood, with its distance from the centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeighborNode {
    #[serde(flatten)]
    pub entity: EntityRef,
    pub depth: usize,
}

/// An edge of a neighbourhood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeView {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    #[serde(flatten)]
    pub facts: RelationFacts,
}

impl From<Relation> for EdgeView {
    fn from(relation: Relation) -> Self {
        let (from, to, kind) = (relation.from.clone(), relation.to.clone(), relation.kind);
        EdgeView {
            from,
            to,
            kind,
            facts: RelationFacts::of(relation).0,
        }
    }
}

/// The neighbourhood of an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeighborsResponse {
    pub center: EntityRef,
    pub nodes: Vec<NeighborNode>,
    pub edges: Vec<EdgeView>,
    /// Whether the limit or the visit budget cut the neighbourhood short.
    pub truncated: bool,
    /// When truncated by the limit: how many entities of each kind were
    /// found next but left out (empty otherwise).
    #[serde(default)]
    pub omitted: std::collections::BTreeMap<String, usize>,
    /// With `per_kind`: how many entities were reached through each
    /// relation kind but left out because that kind had its share at their
    /// hop (empty otherwise).
    #[serde(default)]
    pub per_kind_omitted: std::collections::BTreeMap<String, usize>,
    /// All the centre's relations by kind, as the entity view counts them.
    #[serde(default)]
    pub relations_by_kind: std::collections::BTreeMap<String, usize>,
    /// When no entity is listed: why (a filter that blocked the walk, or
    /// no relation at all); null otherwise.
    #[serde(default)]
    pub explanation: Option<String>,
    /// Entities typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

/// One hop of a path: the relation that links two consecutive nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathEdge {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    /// `out` when the relation runs the way the path goes, `in` otherwise.
    pub direction: Direction,
    #[serde(flatten)]
    pub facts: RelationFacts,
}

/// A path between two entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathView {
    pub length: usize,
    /// The product of the strengths of its links (0–1]: 1 for a chain of
    /// transfers, founding and equity, small through shared locations and
    /// mentions.
    pub strength: f32,
    /// How meaningful the connection is: higher for fewer, stronger,
    /// more recent links through fewer hubs.
    pub score: f32,
    pub nodes: Vec<EntityRef>,
    pub edges: Vec<PathEdge>,
}

/// The paths found between two entities, most meaningful first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathsResponse {
    pub from: EntityRef,
    pub to: EntityRef,
    pub paths: Vec<PathView>,
    /// Whether the search budget ran out before `k` paths were found.
    pub truncated: bool,
    /// When no path was found: why (the relation filter, the date or the
    /// length limit that cut every path, or no link at all); null
    /// otherwise.
    #[serde(default)]
    pub explanation: Option<String>,
    /// Entities typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

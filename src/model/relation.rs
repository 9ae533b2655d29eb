//! A relation record: one line of `relations.jsonl`, with its provenance.

use serde::{Deserialize, Serialize};

use super::RelationKind;

/// Where a fact was learned: a document and the sentence that states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Id of the document.
    pub doc: String,
    /// The supporting sentence, verbatim from the document's text.
    pub quote: String,
}

/// A directed, typed edge between two entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub props: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

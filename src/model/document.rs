//! An article: a news item, report or profile that entities and relations
//! are learned from and that full-text search returns.

use serde::{Deserialize, Serialize};

/// One article of the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub text: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or empty when unknown.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub source: String,
}

//! What a search asks for and what it answers: the request, its ranked hits
//! and the page they come in, with the bounds on paging. The response and
//! its hits are what the HTTP API and the CLI's `--json` answer with.

use serde::{Deserialize, Serialize};

use super::facets::Facets;
use crate::{params, Result};

/// Largest page a search returns.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset a search pages to.
pub const MAX_OFFSET: usize = 10_000;

/// Hits a search returns unless asked for another number.
pub const DEFAULT_LIMIT: usize = 10;

fn default_limit() -> usize {
    DEFAULT_LIMIT
}

/// What to search for. The same struct is the CLI's `search` arguments and
/// `/api/search`'s parameters.
#[derive(Debug, Clone, Deserialize, Serialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// The query: words (all required), "phrases", -exclusions, filters
    /// such as kind:enterprise (the CLI takes it as the rest of its line).
    #[arg(skip)]
    #[serde(deserialize_with = "params::text")]
    pub q: String,
    /// Only entries of this kind (`document` or an entity kind).
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub kind: Option<String>,
    /// Only entries in this industry.
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub industry: Option<String>,
    /// Only entries at this location.
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub location: Option<String>,
    /// Only entries dated on or after this (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub from: Option<String>,
    /// Only entries dated on or before this.
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub to: Option<String>,
    /// Only entities within --hops relations of this entity (id, name or
    /// alias).
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub near: Option<String>,
    /// Radius around --near (1 to 3, default 2).
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_number")]
    pub hops: Option<usize>,
    /// Only these entries (ids): the resolved neighbourhood of `near`.
    #[arg(skip)]
    #[serde(skip)]
    pub restrict_to: Option<Vec<String>>,
    /// For a question or a pasted text: how many of its content words an
    /// entry must hold, instead of half of them (matching reads long need
    /// texts loosely and ranks by coverage).
    #[arg(skip)]
    #[serde(skip)]
    pub min_match: Option<usize>,
    /// For a question or a pasted text: words dropped as function words
    /// are (matching drops the words that frame a need: 希望, 合作, 团队…).
    #[arg(skip)]
    #[serde(skip)]
    pub ignored: &'static [&'static str],
    /// Hits skipped (at most 10,000).
    #[arg(long, default_value_t = 0)]
    #[serde(default, deserialize_with = "params::number")]
    pub offset: usize,
    /// Hits returned (1 to 100).
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    #[serde(default = "default_limit", deserialize_with = "params::number")]
    pub limit: usize,
}

impl SearchRequest {
    /// A request for the first `limit` hits of `q`.
    pub fn new(q: impl Into<String>, limit: usize) -> Self {
        SearchRequest {
            q: q.into(),
            kind: None,
            industry: None,
            location: None,
            from: None,
            to: None,
            near: None,
            hops: None,
            restrict_to: None,
            min_match: None,
            ignored: &[],
            offset: 0,
            limit,
        }
    }

    /// Checks that the page asked for is within [`MAX_LIMIT`] and
    /// [`MAX_OFFSET`].
    pub(super) fn check_page(&self) -> Result<()> {
        params::check_page(self.limit, MAX_LIMIT, self.offset, MAX_OFFSET)
    }
}

/// One ranked result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchHit {
    pub id: String,
    /// `document` or the entity kind.
    pub kind: String,
    /// The entity's name; null for document hits.
    #[serde(default)]
    pub name: Option<String>,
    /// The document's title; null for entity hits.
    #[serde(default)]
    pub title: Option<String>,
    pub score: f32,
    /// Text around the matches, HTML-escaped, matches in `<em>`.
    pub snippet: String,
    /// The document's date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`); null for
    /// entities and undated documents.
    #[serde(default)]
    pub date: Option<String>,
    /// For entity hits: how many relations the entity takes part in; null
    /// for document hits.
    #[serde(default)]
    pub relation_count: Option<usize>,
    /// For entity hits: the entity's industries (empty for documents).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub industry: Vec<String>,
    /// For entity hits: where the entity is, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    pub offset: usize,
    pub limit: usize,
    /// `any_term` when no entry had every word and the results are those
    /// with any of them; `most_terms` when a question's results hold most
    /// of its words but none holds all; null otherwise.
    #[serde(default)]
    pub fallback: Option<String>,
    /// How a question or a pasted text was read (the words looked for, how
    /// many an entry had to hold, the words left out); null for keywords,
    /// which are all required.
    #[serde(default)]
    pub reading: Option<super::QueryReading>,
    /// The `near` entity, typed as the beginning of a name and read as the one
    /// entity that name begins with: what was typed → the entity's id.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_beyond_the_bounds_are_refused() {
        assert!(SearchRequest::new("光伏", 1).check_page().is_ok());
        assert!(SearchRequest::new("光伏", MAX_LIMIT).check_page().is_ok());
        for limit in [0, MAX_LIMIT + 1] {
            let err = SearchRequest::new("光伏", limit).check_page().unwrap_err();
            assert!(err.to_string().contains("`limit`"), "{err}");
        }
        let mut deep = SearchRequest::new("光伏", 10);
        deep.offset = MAX_OFFSET;
        assert!(deep.check_page().is_ok());
        deep.offset = MAX_OFFSET + 1;
        assert!(deep.check_page().unwrap_err().to_string().contains("`offset`"));
    }
}

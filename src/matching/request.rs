//! What a match asks for and what it answers: the request (the CLI's
//! `match` arguments, `GET /api/match`'s parameters and `POST /api/match`'s
//! body), and the ranked results, each with its explanation card.

use serde::{Deserialize, Serialize};

use crate::graph::PathView;
use crate::model::{EntityKind, EntityRef, Evidence};
use crate::{params, Error, Result};

/// Results a match returns unless asked for another number.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest page of results.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset a match pages to.
pub const MAX_OFFSET: usize = 1_000;
/// Longest need text, in bytes (a few pages; a longer text is refused with
/// `payload_too_large`).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

fn default_limit() -> usize {
    DEFAULT_LIMIT
}

/// A match: an entity (enterprise → universities, institutes, teams and
/// patents; university, institute, team or person → enterprises) or a
/// free text need (→ organisations, teams, patents).
#[derive(Debug, Clone, Default, Deserialize, Serialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// The entity to match: an id, a name or an alias.
    #[arg(value_name = "ENTITY", required_unless_present = "text", conflicts_with = "text")]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub entity: Option<String>,
    /// A need in free text (one line to a page), instead of an entity.
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub text: Option<String>,
    /// Kinds of result (comma-separated): university, institute, person,
    /// patent for a need; enterprise for a capability. Default:
    /// university,institute for a need, enterprise for a capability.
    #[arg(long = "kind", value_delimiter = ',')]
    #[serde(default, rename = "kind", deserialize_with = "params::list")]
    pub kinds: Vec<EntityKind>,
    /// Only results in this industry.
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub industry: Option<String>,
    /// Only results at this location.
    #[arg(long)]
    #[serde(default, deserialize_with = "params::optional_text")]
    pub location: Option<String>,
    /// Results returned (1 to 100).
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    #[serde(default = "default_limit", deserialize_with = "params::number")]
    pub limit: usize,
    /// Results skipped (at most 1,000).
    #[arg(long, default_value_t = 0)]
    #[serde(default, deserialize_with = "params::number")]
    pub offset: usize,
    /// Also rank candidates the entity is already tied to (left out by
    /// default: matching looks for new opportunities).
    #[arg(long)]
    #[serde(default, deserialize_with = "params::parsed_bool")]
    pub include_linked: bool,
    /// Signals to use (the evaluation's baselines); every one when absent.
    #[arg(skip)]
    #[serde(skip)]
    pub signals: Option<super::Weights>,
    /// Leaves the connecting path out of the explanations (the evaluation
    /// reads ranks only).
    #[arg(skip)]
    #[serde(skip)]
    pub brief: bool,
}

impl MatchRequest {
    /// A request matching an entity.
    pub fn entity(key: &str) -> MatchRequest {
        MatchRequest {
            entity: Some(key.to_string()),
            limit: DEFAULT_LIMIT,
            ..MatchRequest::default()
        }
    }

    /// A request matching a free-text need.
    pub fn text(text: &str) -> MatchRequest {
        MatchRequest {
            text: Some(text.to_string()),
            limit: DEFAULT_LIMIT,
            ..MatchRequest::default()
        }
    }

    /// Checks the page and the text, whatever the graph holds.
    pub fn validate(&self) -> Result<()> {
        crate::params::check_page(self.limit, MAX_LIMIT, self.offset, MAX_OFFSET)?;
        match (&self.entity, &self.text) {
            (Some(_), Some(_)) => Err(Error::invalid_parameter(
                "text",
                "give either `entity` or `text`, not both",
            )),
            (None, None) => Err(Error::invalid_parameter(
                "entity",
                "is required: an entity id, name or alias (or a need as `text`)",
            )),
            (Some(entity), None) if entity.trim().is_empty() => Err(Error::invalid_parameter(
                "entity",
                "is required: an entity id, name or alias",
            )),
            (None, Some(text)) if text.len() > MAX_TEXT_BYTES => Err(Error::TextTooLarge {
                bytes: text.len(),
                limit: MAX_TEXT_BYTES,
            }),
            (None, Some(text)) if !text.chars().any(char::is_alphanumeric) => Err(Error::invalid_parameter(
                "text",
                "is empty: write the need in a few words or sentences",
            )),
            _ => Ok(()),
        }
    }
}

/// A matched term and how much of the text score it carried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedTerm {
    pub term: String,
    pub weight: f32,
}

/// A search hit that made a candidate relevant: what it is, how it leads to
/// the candidate, and the sentence that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchEvidence {
    pub id: String,
    /// `document` or an entity kind.
    pub kind: String,
    /// The entity's name or the document's title.
    pub title: String,
    /// The matched sentence, matches in `<em>`.
    pub snippet: String,
    /// How it leads to the candidate: `self`, or the relation
    /// (`applicant_of`, `inventor_of`, `affiliated_with`, `mentions` …).
    pub via: String,
    /// Its share of the candidate's text score, 0–1.
    pub weight: f32,
}

/// An existing link between the matched entity and a candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tie {
    pub kind: String,
    pub from: EntityRef,
    pub to: EntityRef,
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// One signal's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalShare {
    /// `text`, `industry`, `proximity`, `locality`, `ties` or `popularity`.
    pub signal: String,
    /// The signal's value for this candidate, 0–1.
    pub value: f32,
    /// Its weight in the score.
    pub weight: f32,
    /// Its share of the score, 0–1.
    pub share: f32,
}

/// Why a candidate ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Explanation {
    /// The need's words found in the candidate's evidence, heaviest first.
    pub terms: Vec<MatchedTerm>,
    /// Documents, patents, people and projects that matched, with the
    /// sentence.
    pub evidence: Vec<MatchEvidence>,
    /// Industries the need and the candidate share.
    pub industries: Vec<String>,
    /// The shortest connecting path (with each link's evidence), for an
    /// entity's match.
    #[serde(default)]
    pub path: Option<PathView>,
    /// Existing links between the entity and the candidate.
    pub ties: Vec<Tie>,
    /// The entity's partners and fellow tenants that have worked with the
    /// candidate (or, for a capability, the enterprises it worked with
    /// whose peer the candidate is): the `referral` signal's sources.
    #[serde(default)]
    pub referred_by: Vec<EntityRef>,
    /// Each signal's value, weight and share of the score.
    pub signals: Vec<SignalShare>,
    /// For an organisation: its people (teams) behind the evidence.
    pub teams: Vec<EntityRef>,
    /// For an organisation or a team: its patents among the evidence.
    pub patents: Vec<EntityRef>,
}

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResult {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    pub score: f32,
    #[serde(default)]
    pub location: Option<String>,
    /// Whether the entity is already tied to it (shown with
    /// `include_linked` only).
    pub linked: bool,
    pub explanation: Explanation,
}

/// What was matched, as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MatchQuery {
    #[serde(default)]
    pub entity: Option<EntityRef>,
    #[serde(default)]
    pub text: Option<String>,
    /// The kinds ranked.
    pub kinds: Vec<EntityKind>,
    /// The words the need was read as (function words dropped, a long
    /// text's commonest words cut).
    pub words: Vec<String>,
    /// The need's industries (the entity's, or the `industry` asked for).
    pub industries: Vec<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    pub include_linked: bool,
}

/// The ranked candidates of a match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResponse {
    pub query: MatchQuery,
    /// Candidates ranked (before paging).
    pub total: usize,
    /// Already-tied candidates left out.
    pub linked_left_out: usize,
    pub offset: usize,
    pub limit: usize,
    /// The weight of each signal.
    pub weights: super::Weights,
    pub results: Vec<MatchResult>,
    /// What was typed for the entity → its id, when it was resolved from
    /// the beginning of a name.
    #[serde(default)]
    pub resolved_from: std::collections::BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_the_graph_is_read() {
        assert!(MatchRequest::entity("ent_gaoce").validate().is_ok());
        assert!(MatchRequest::text("光伏硅片切割").validate().is_ok());
        let empty = MatchRequest::text("  ，。 ").validate().unwrap_err();
        assert_eq!(empty.code(), "invalid_parameter");
        let huge = MatchRequest::text(&"光伏".repeat(MAX_TEXT_BYTES))
            .validate()
            .unwrap_err();
        assert_eq!(huge.code(), "payload_too_large");
        assert_eq!(huge.status(), 413);
        let neither = MatchRequest {
            limit: 10,
            ..MatchRequest::default()
        };
        assert!(neither.validate().unwrap_err().to_string().contains("`entity`"));
        let mut both = MatchRequest::entity("a");
        both.text = Some("b".into());
        assert!(both.validate().is_err());
        let mut deep = MatchRequest::entity("a");
        deep.limit = MAX_LIMIT + 1;
        assert!(deep.validate().unwrap_err().to_string().contains("`limit`"));
    }

    #[test]
    fn query_parameters_read_into_the_request() {
        let request: MatchRequest =
            params::from_query("entity=ent_a&kind=university,institute&limit=5&include_linked=true").unwrap();
        assert_eq!(request.entity.as_deref(), Some("ent_a"));
        assert_eq!(request.kinds, vec![EntityKind::University, EntityKind::Institute]);
        assert_eq!(request.limit, 5);
        assert!(request.include_linked);
        assert!(params::from_query::<MatchRequest>("entity=a&bogus=1").is_err());
    }
}

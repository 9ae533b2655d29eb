//! University–enterprise matching: which research organisations, teams and
//! patents can meet an enterprise's (or a text's) technical need, and which
//! enterprises could adopt a team's results. This module owns the need and
//! capability profiles (`profile`, read from the graph at query time, so
//! always as current as the graph), the signals and their weights
//! (`score`), the explanation card of each result, the request and
//! response (`request`), and the evaluation on planted links (`eval`).
//! It reads the graph and the search index and writes nothing; the
//! [`Engine`](crate::Engine) calls it for the CLI and the HTTP API.

pub mod eval;
mod profile;
mod records;
mod request;
mod score;

pub use profile::{
    is_research_org, is_researcher, profile_text, walk_proximity, Side, FRAMING_WORDS, HUB_DEGREE, PROFILE_ITEMS,
};
pub use records::carry_track_records;
pub use request::{
    Explanation, MatchEvidence, MatchQuery, MatchRequest, MatchResponse, MatchResult, MatchedTerm, SignalShare, Tie,
    DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, MAX_TEXT_BYTES,
};
pub use score::{run, Weights};

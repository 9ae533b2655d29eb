//! The pattern half of recognition: organisations by their head words
//! (with the left boundary found by walking back over jieba's words),
//! people beside their titles, amounts and dates, the organisations of
//! paper affiliations, and place names. Rules read the [`Prepared`] view and the model's
//! spans (which help find where a name begins); they return mentions over
//! view offsets.

mod affiliations;
mod numbers;
mod orgs;
mod persons;
mod places;

use super::mention::{Mention, MentionKind};
use super::prepare::Prepared;

/// A span the model tagged, over view offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpan {
    pub kind: MentionKind,
    pub start: usize,
    pub end: usize,
}

/// Every mention the rules find in `prepared`, helped by `model` spans.
pub fn find(prepared: &Prepared, model: &[ModelSpan]) -> Vec<Mention> {
    let mut out = Vec::new();
    numbers::find(prepared, &mut out);
    orgs::find(prepared, model, &mut out);
    persons::find(prepared, model, &mut out);
    affiliations::find(prepared, &mut out);
    places::find(prepared, &mut out);
    out
}

pub use orgs::{is_bare_head, org_kind_of, trim_leading};
pub use persons::role_beside;

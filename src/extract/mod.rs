//! Recognising mentions in free Chinese text (news, policy notices, paper
//! abstracts): organisations, people, amounts, dates and places, each with
//! character offsets into the text and what found it.
//!
//! Three sources, combined by [`Recognizer::mentions`]: known names (a
//! gazetteer the caller builds from the graph), rules (organisation head
//! words, titles beside names, numbers with units, dates, affiliations),
//! and a sequence model trained on CLUENER (built into the binary). This
//! module finds mentions only: linking them to entities, relations between
//! them and writing anything are the callers' business.
//!
//! ```
//! use innograph::extract::{MentionKind, Recognizer};
//!
//! let recognizer = Recognizer::new();
//! let mentions = recognizer.mentions("由青岛农业大学牵头，张伟教授团队获得1.5亿元投资。");
//! let university = mentions.iter().find(|m| m.kind == MentionKind::Organization).unwrap();
//! assert_eq!(university.text, "青岛农业大学");
//! assert_eq!((university.start, university.end), (1, 7));
//! let amount = mentions.iter().find(|m| m.kind == MentionKind::Amount).unwrap();
//! assert_eq!(amount.amount.as_ref().map(|a| (a.value, a.unit.as_str())), Some((1.5, "亿元")));
//! ```

pub mod data;
pub mod eval;
mod gazetteer;
mod lexicon;
mod mention;
mod prepare;
mod recognizer;
mod rules;
pub mod tagger;

pub use gazetteer::Gazetteer;
pub use mention::{Amount, GazetteerEntry, Mention, MentionKind, MentionSource, OrgKind};
pub use recognizer::{Recognizer, RecognizerBuilder};

/// The jieba instance (default dictionary) recognition reads text with;
/// training must use the same one.
pub fn jieba_for_training() -> &'static jieba_rs::Jieba {
    recognizer::jieba()
}

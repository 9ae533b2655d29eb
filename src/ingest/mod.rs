//! Taking in articles: cutting their text into the sentences that mentions
//! are found in and relations are quoted by.

mod sentences;

pub use sentences::{split_sentences, Sentence};

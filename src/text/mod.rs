//! Chinese text handling shared by indexing and querying: normalisation,
//! jieba segmentation extended with every entity name, CJK bigrams, and the
//! tantivy tokenizers built on them. Index time and query time go through the
//! same [`Segmenter`] so that they always agree. This module knows nothing of
//! the index layout or the graph.

mod bigram;
mod identifiers;
mod normalize;
mod segment;
mod tokenizer;

pub use bigram::{bigrams, is_cjk, BigramSpans, GramSpan};
pub use identifiers::{find_identifiers, may_hold_identifiers, Identifier};
pub use normalize::{may_simplify, normalize, normalize_char, normalize_into};
pub use segment::{IndexSpan, Segmenter, WordToken, MAX_SUBWORD_CHARS};
pub use tokenizer::{BigramTokenizer, WordTokenizer, BIGRAM_TOKENIZER, WORD_TOKENIZER};

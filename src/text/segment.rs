//! The one jieba segmenter of a running index, extended with every entity
//! name and alias and the corpus's domain dictionary.
//!
//! Index time emits, for each word of jieba's precise cut, the word itself
//! and every dictionary word of 2 to 6 characters inside it, all at the
//! word's position: a compound stays one token while its parts remain
//! searchable. Query time uses the precise cut alone. (The search index
//! matches phrases on CJK bigrams, so it keeps no positions for words.)

use std::sync::Arc;

use jieba_rs::Jieba;

use super::normalize;

/// A token of normalised text, with char offsets and its phrase position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordToken {
    pub text: String,
    /// Char offset where the token starts.
    pub start: usize,
    /// Char offset just past the token.
    pub end: usize,
    /// Position for phrase queries: the index of the enclosing precise word.
    pub position: usize,
}

/// A token of [`Segmenter::for_each_index_token`]: where it lies in the
/// normalised text and its phrase position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpan {
    /// Byte offsets.
    pub start: usize,
    pub end: usize,
    /// Char offsets.
    pub start_char: usize,
    pub end_char: usize,
    /// The index of the enclosing precise word.
    pub position: usize,
}

/// A shared, immutable jieba instance with the project's dictionary.
///
/// Cloning is cheap (an `Arc`); building one loads jieba's dictionary and
/// takes a fraction of a second, so build it once per opened index.
#[derive(Clone)]
pub struct Segmenter {
    jieba: Arc<Jieba>,
    version: String,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").field("version", &self.version).finish()
    }
}

/// Longest dictionary word emitted inside a compound.
pub const MAX_SUBWORD_CHARS: usize = 6;

impl Segmenter {
    /// Builds a segmenter from jieba's default dictionary plus `words`
    /// (entity names, aliases, domain terms), each kept as one token.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut jieba = Jieba::new();
        let mut added: Vec<String> = words
            .into_iter()
            .map(|w| normalize(w.trim()))
            .filter(|w| w.chars().count() >= 2 && !w.chars().any(char::is_whitespace))
            .collect();
        added.sort();
        added.dedup();
        let mut hasher = blake3::Hasher::new();
        for word in &added {
            jieba.add_word(word, None, None);
            hasher.update(word.as_bytes());
            hasher.update(b"\n");
        }
        let version = hasher.finalize().to_hex()[..16].to_string();
        Segmenter {
            jieba: Arc::new(jieba),
            version,
        }
    }

    /// A short hash of the words added to jieba's dictionary: two indexes
    /// segmented with the same version tokenise identically.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Segments already-normalised text for indexing (see the module docs).
    pub fn index_tokens(&self, normalized: &str) -> Vec<WordToken> {
        let mut out = Vec::new();
        self.for_each_index_token(normalized, |token| {
            out.push(WordToken {
                text: normalized[token.start..token.end].to_string(),
                start: token.start_char,
                end: token.end_char,
                position: token.position,
            })
        });
        out
    }

    /// The tokens of [`Segmenter::index_tokens`], handed to `emit` one by
    /// one as spans of `normalized`, in the same order.
    pub fn for_each_index_token(&self, normalized: &str, mut emit: impl FnMut(IndexSpan)) {
        let mut position = 0;
        // byte offset of each char of the current word, plus its end
        let mut bounds: Vec<usize> = Vec::new();
        for token in self.jieba.cut(normalized, true) {
            if !token.word.chars().any(char::is_alphanumeric) {
                continue;
            }
            emit(IndexSpan {
                start: token.byte_start,
                end: token.byte_end,
                start_char: token.start,
                end_char: token.end,
                position,
            });
            let length = token.end - token.start;
            if length > 2 {
                bounds.clear();
                bounds.extend(token.word.char_indices().map(|(b, _)| b));
                bounds.push(token.word.len());
                for size in 2..=MAX_SUBWORD_CHARS.min(length - 1) {
                    for offset in 0..=length - size {
                        let part = &token.word[bounds[offset]..bounds[offset + size]];
                        if self.jieba.has_word(part) {
                            emit(IndexSpan {
                                start: token.byte_start + bounds[offset],
                                end: token.byte_start + bounds[offset + size],
                                start_char: token.start + offset,
                                end_char: token.start + offset + size,
                                position,
                            });
                        }
                    }
                }
            }
            position += 1;
        }
    }

    /// Whether `word` is in the dictionary (jieba's, the entity names or the
    /// domain words).
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// Segments already-normalised query text: the precise cut, without
    /// punctuation.
    pub fn query_words(&self, normalized: &str) -> Vec<String> {
        self.jieba
            .cut(normalized, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_names_stay_whole_and_parts_stay_searchable() {
        let segmenter = Segmenter::new(["青岛高新区", "青岛农业大学"]);
        let tokens = segmenter.index_tokens("青岛农业大学杨建明教授团队");
        let whole = tokens
            .iter()
            .find(|t| t.text == "青岛农业大学")
            .expect("name kept whole");
        let part = tokens.iter().find(|t| t.text == "农业").expect("part emitted");
        assert_eq!(whole.position, part.position);
        assert_eq!((whole.start, whole.end), (0, 6));
        assert_eq!(segmenter.query_words("青岛高新区"), ["青岛高新区"]);
    }

    #[test]
    fn positions_follow_the_precise_cut() {
        let segmenter = Segmenter::new([]);
        let tokens = segmenter.index_tokens("医疗器械产业, 生物医药");
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert!(
            positions.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1),
            "{tokens:?}"
        );
        assert!(tokens.iter().all(|t| t.text != "," && t.text != " "));
    }

    #[test]
    fn version_depends_on_words() {
        assert_eq!(Segmenter::new(["甲乙"]).version(), Segmenter::new(["甲乙"]).version());
        assert_ne!(Segmenter::new(["甲乙"]).version(), Segmenter::new(["丙丁"]).version());
    }
}

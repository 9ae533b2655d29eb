//! The one jieba segmenter of a running index, extended with every entity
//! name and alias and the corpus's domain dictionary.
//!
//! Index time emits, for each word of jieba's precise cut, the word itself
//! and every dictionary word of 2 to 6 characters inside it, all at the
//! word's position: a compound stays one token while its parts remain
//! searchable. Query time uses the precise cut alone. (The search index
//! matches phrases on CJK bigrams, so it keeps no positions for words.)

use std::collections::BTreeSet;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

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

/// A shared jieba instance with the project's dictionary, which grows as
/// names enter the graph ([`Segmenter::add_words`]).
///
/// Cloning is cheap (an `Arc`); every clone sees words added through any
/// of them. Building one loads jieba's dictionary and takes a fraction of a
/// second, so build it once per opened index.
#[derive(Clone)]
pub struct Segmenter {
    shared: Arc<Shared>,
}

struct Shared {
    jieba: RwLock<Jieba>,
    /// The version of the words the segmenter was built with.
    base: String,
    /// Words added since, and the version they make.
    added: RwLock<(BTreeSet<String>, String)>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").field("version", &self.version()).finish()
    }
}

/// Longest dictionary word emitted inside a compound.
pub const MAX_SUBWORD_CHARS: usize = 6;

/// A word as the dictionary takes it: normalised, two characters or more,
/// without spaces; `None` for a word it does not take.
fn dictionary_word(word: &str) -> Option<String> {
    let word = normalize(word.trim());
    (word.chars().count() >= 2 && !word.chars().any(char::is_whitespace)).then_some(word)
}

impl Segmenter {
    /// Builds a segmenter from jieba's default dictionary plus `words`
    /// (entity names, aliases, domain terms), each kept as one token.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut jieba = Jieba::new();
        let mut added: Vec<String> = words.into_iter().filter_map(dictionary_word).collect();
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
            shared: Arc::new(Shared {
                jieba: RwLock::new(jieba),
                added: RwLock::new((BTreeSet::new(), version.clone())),
                base: version,
            }),
        }
    }

    fn jieba(&self) -> RwLockReadGuard<'_, Jieba> {
        self.shared.jieba.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A short hash of the words in jieba's dictionary beyond its own: two
    /// indexes segmented with the same version tokenise identically. Words
    /// added after building change it.
    pub fn version(&self) -> String {
        self.shared
            .added
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .clone()
    }

    /// The version of the words the segmenter was built with, before any
    /// [`Segmenter::add_words`].
    pub fn base_version(&self) -> &str {
        &self.shared.base
    }

    /// Adds `words` to the dictionary, each kept as one token from now on
    /// (by every clone of this segmenter). Returns the words that were not
    /// in it yet, normalised, in order.
    pub fn add_words<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut fresh: Vec<String> = {
            let jieba = self.jieba();
            words
                .into_iter()
                .filter_map(dictionary_word)
                .filter(|w| !jieba.has_word(w))
                .collect()
        };
        fresh.sort();
        fresh.dedup();
        if fresh.is_empty() {
            return fresh;
        }
        {
            let mut jieba = self.shared.jieba.write().unwrap_or_else(PoisonError::into_inner);
            for word in &fresh {
                jieba.add_word(word, None, None);
            }
        }
        let mut added = self.shared.added.write().unwrap_or_else(PoisonError::into_inner);
        added.0.extend(fresh.iter().cloned());
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.shared.base.as_bytes());
        for word in &added.0 {
            hasher.update(b"\n");
            hasher.update(word.as_bytes());
        }
        added.1 = hasher.finalize().to_hex()[..16].to_string();
        fresh
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
        let jieba = self.jieba();
        for token in jieba.cut(normalized, true) {
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
                        if jieba.has_word(part) {
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
        self.jieba().has_word(word)
    }

    /// Segments already-normalised query text: the precise cut, without
    /// punctuation.
    pub fn query_words(&self, normalized: &str) -> Vec<String> {
        self.jieba()
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
    fn added_words_are_whole_tokens_for_every_clone() {
        let segmenter = Segmenter::new(["青岛高新区"]);
        let clone = segmenter.clone();
        let base = segmenter.version();
        let has = |s: &Segmenter, word: &str| s.index_tokens("澜岸智控公司落户").iter().any(|t| t.text == word);
        assert!(!has(&clone, "澜岸智控"));
        assert_eq!(segmenter.add_words(["澜岸智控", "青岛高新区", "x"]), vec!["澜岸智控"]);
        assert!(has(&clone, "澜岸智控"), "{:?}", clone.index_tokens("澜岸智控公司落户"));
        assert_ne!(clone.version(), base);
        assert_eq!(clone.base_version(), base);
        // the version depends on the set of words, not the order they came in
        let other = Segmenter::new(["青岛高新区"]);
        other.add_words(["乙丙丁"]);
        other.add_words(["澜岸智控"]);
        segmenter.add_words(["乙丙丁"]);
        assert_eq!(other.version(), segmenter.version());
        assert!(segmenter.add_words(["澜岸智控"]).is_empty());
    }

    #[test]
    fn version_depends_on_words() {
        assert_eq!(Segmenter::new(["甲乙"]).version(), Segmenter::new(["甲乙"]).version());
        assert_ne!(Segmenter::new(["甲乙"]).version(), Segmenter::new(["丙丁"]).version());
    }
}

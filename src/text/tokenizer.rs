//! tantivy tokenizers over the [`Segmenter`] and the bigram splitter. Both
//! normalise first and report byte offsets into the original text. Each
//! keeps its buffers from one text to the next (tantivy gives every
//! indexing thread its own copy), so a token costs no allocation.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::bigram::BigramSpans;
use super::normalize::normalize_into;
use super::Segmenter;

/// Name under which [`WordTokenizer`] is registered in an index.
pub const WORD_TOKENIZER: &str = "innograph_words";
/// Name under which [`BigramTokenizer`] is registered in an index.
pub const BIGRAM_TOKENIZER: &str = "innograph_bigrams";

/// Jieba words (with in-compound parts) for tantivy.
#[derive(Clone)]
pub struct WordTokenizer {
    segmenter: Segmenter,
    scratch: Scratch,
}

impl WordTokenizer {
    pub fn new(segmenter: Segmenter) -> Self {
        WordTokenizer {
            segmenter,
            scratch: Scratch::default(),
        }
    }
}

/// CJK bigrams and letter/digit runs for tantivy.
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    scratch: Scratch,
}

/// The normalised form of the text being tokenised and its tokens, as
/// spans of it. A copy starts empty: buffers are never shared.
#[derive(Default)]
struct Scratch {
    normalized: String,
    /// Whether byte offsets into `normalized` are byte offsets into the
    /// original text (every character kept its UTF-8 length).
    same_offsets: bool,
    /// Otherwise: for each byte offset of `normalized` where a character
    /// starts (and its end), the byte offset in the original text.
    original_offsets: Vec<usize>,
    /// Byte span in `normalized` and position of each token.
    spans: Vec<(usize, usize, usize)>,
}

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl Scratch {
    /// Normalises `text` into the buffer and forgets the previous tokens.
    fn normalize(&mut self, text: &str) {
        self.spans.clear();
        self.same_offsets = normalize_into(text, &mut self.normalized);
        if !self.same_offsets {
            self.original_offsets.clear();
            self.original_offsets.resize(self.normalized.len() + 1, 0);
            for ((to, _), (from, _)) in self.normalized.char_indices().zip(text.char_indices()) {
                self.original_offsets[to] = from;
            }
            self.original_offsets[self.normalized.len()] = text.len();
        }
    }

    /// The byte offset in the original text of byte `offset` of the
    /// normalised text (a character boundary).
    fn original(&self, offset: usize) -> usize {
        if self.same_offsets {
            offset
        } else {
            self.original_offsets[offset]
        }
    }

    fn stream(&self) -> SpanTokenStream<'_> {
        SpanTokenStream {
            scratch: self,
            next: 0,
            token: Token::default(),
        }
    }
}

/// The tokens of a [`Scratch`], handed out one by one.
pub struct SpanTokenStream<'a> {
    scratch: &'a Scratch,
    next: usize,
    token: Token,
}

impl TokenStream for SpanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(start, end, position)) = self.scratch.spans.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.scratch.normalized[start..end]);
        self.token.offset_from = self.scratch.original(start);
        self.token.offset_to = self.scratch.original(end);
        self.token.position = position;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = SpanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanTokenStream<'a> {
        let scratch = &mut self.scratch;
        scratch.normalize(text);
        let spans = &mut scratch.spans;
        self.segmenter
            .for_each_index_token(&scratch.normalized, |t| spans.push((t.start, t.end, t.position)));
        scratch.stream()
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = SpanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanTokenStream<'a> {
        let scratch = &mut self.scratch;
        scratch.normalize(text);
        let grams = BigramSpans::new(&scratch.normalized);
        scratch
            .spans
            .extend(grams.enumerate().map(|(position, g)| (g.start, g.end, position)));
        scratch.stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect<T: Tokenizer>(tokenizer: &mut T, text: &str) -> Vec<Token> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    #[test]
    fn offsets_are_bytes_of_the_original_text() {
        let text = "ＩＶＤ体外诊断";
        let tokens = collect(&mut BigramTokenizer::default(), text);
        assert_eq!(tokens[0].text, "ivd");
        assert_eq!(&text[tokens[0].offset_from..tokens[0].offset_to], "ＩＶＤ");
        assert_eq!(&text[tokens[1].offset_from..tokens[1].offset_to], "体外");
        let words = collect(&mut WordTokenizer::new(Segmenter::new([])), text);
        for token in &words {
            assert!(text.is_char_boundary(token.offset_from) && text.is_char_boundary(token.offset_to));
        }
    }

    #[test]
    fn streams_follow_the_segmenter_and_the_bigrams_text_after_text() {
        use crate::text::{bigrams, normalize};
        let segmenter = Segmenter::new(["青岛高新区"]);
        let mut words = WordTokenizer::new(segmenter.clone());
        let mut grams = BigramTokenizer::default();
        for text in ["青島高新區的ＩＶＤ企业", "医疗器械产业, 生物医药", "", "药"] {
            let normalized = normalize(text);
            let expected: Vec<(String, usize)> = segmenter
                .index_tokens(&normalized)
                .into_iter()
                .map(|t| (t.text, t.position))
                .collect();
            let got: Vec<(String, usize)> = collect(&mut words, text)
                .into_iter()
                .map(|t| (t.text, t.position))
                .collect();
            assert_eq!(got, expected, "{text}");
            let expected: Vec<String> = bigrams(&normalized).into_iter().map(|(t, _, _)| t).collect();
            let got: Vec<String> = collect(&mut grams, text).into_iter().map(|t| t.text).collect();
            assert_eq!(got, expected, "{text}");
        }
    }
}

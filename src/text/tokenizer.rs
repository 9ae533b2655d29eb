//! tantivy tokenizers over the [`Segmenter`] and the bigram splitter. Both
//! normalise first and report byte offsets into the original text.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{bigrams, normalize, Segmenter};

/// Name under which [`WordTokenizer`] is registered in an index.
pub const WORD_TOKENIZER: &str = "innograph_words";
/// Name under which [`BigramTokenizer`] is registered in an index.
pub const BIGRAM_TOKENIZER: &str = "innograph_bigrams";

/// Jieba words (with in-compound parts) for tantivy.
#[derive(Clone)]
pub struct WordTokenizer {
    segmenter: Segmenter,
}

impl WordTokenizer {
    pub fn new(segmenter: Segmenter) -> Self {
        WordTokenizer { segmenter }
    }
}

/// CJK bigrams and letter/digit runs for tantivy.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

/// A finished list of tokens, handed out one by one.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Byte offset in `text` of each char index, plus one past the end.
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    offsets.push(text.len());
    offsets
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let normalized = normalize(text);
        let offsets = char_to_byte(text);
        let tokens = self
            .segmenter
            .index_tokens(&normalized)
            .into_iter()
            .map(|t| Token {
                offset_from: offsets[t.start],
                offset_to: offsets[t.end],
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, next: 0 }
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let normalized = normalize(text);
        let offsets = char_to_byte(text);
        let tokens = bigrams(&normalized)
            .into_iter()
            .enumerate()
            .map(|(position, (token, start, end))| Token {
                offset_from: offsets[start],
                offset_to: offsets[end],
                position,
                text: token,
                position_length: 1,
            })
            .collect();
        VecTokenStream { tokens, next: 0 }
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
        let tokens = collect(&mut BigramTokenizer, text);
        assert_eq!(tokens[0].text, "ivd");
        assert_eq!(&text[tokens[0].offset_from..tokens[0].offset_to], "ＩＶＤ");
        assert_eq!(&text[tokens[1].offset_from..tokens[1].offset_to], "体外");
        let words = collect(&mut WordTokenizer::new(Segmenter::new([])), text);
        for token in &words {
            assert!(text.is_char_boundary(token.offset_from) && text.is_char_boundary(token.offset_to));
        }
    }
}

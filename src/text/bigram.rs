//! CJK bigrams: every pair of adjacent Han characters, so that a word jieba
//! has never seen, or one inside a longer compound, is still found. Runs of
//! letters and digits become one token each.

/// Whether `c` is a Han character (CJK unified ideographs and extensions).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Splits normalised text into bigram tokens: `(token, char_start, char_end)`.
///
/// A Han run of one character yields that character; a longer run yields
/// its overlapping pairs. A run of other letters or digits (with `.` inside
/// numbers, as in `2.0`) yields itself.
pub fn bigrams(text: &str) -> Vec<(String, usize, usize)> {
    BigramSpans::new(text)
        .map(|gram| (text[gram.start..gram.end].to_string(), gram.start_char, gram.end_char))
        .collect()
}

/// Where a bigram token lies in the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GramSpan {
    /// Byte offsets.
    pub start: usize,
    pub end: usize,
    /// Char offsets.
    pub start_char: usize,
    pub end_char: usize,
}

/// The tokens of [`bigrams`] as spans of the text, one at a time, without
/// allocating.
#[derive(Debug, Clone)]
pub struct BigramSpans<'a> {
    text: &'a str,
    /// Byte and char offset of the next character to read.
    at: usize,
    at_char: usize,
    /// In a Han run: where its last character read starts, and whether the
    /// run has more than one character so far.
    han: Option<(usize, usize, bool)>,
}

impl<'a> BigramSpans<'a> {
    pub fn new(text: &'a str) -> Self {
        BigramSpans {
            text,
            at: 0,
            at_char: 0,
            han: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn step(&mut self, c: char) {
        self.at += c.len_utf8();
        self.at_char += 1;
    }
}

impl Iterator for BigramSpans<'_> {
    type Item = GramSpan;

    fn next(&mut self) -> Option<GramSpan> {
        loop {
            let next = self.peek();
            if let Some((start, start_char, longer)) = self.han {
                if let Some(c) = next.filter(|c| is_cjk(*c)) {
                    self.han = Some((self.at, self.at_char, true));
                    self.step(c);
                    return Some(GramSpan {
                        start,
                        end: self.at,
                        start_char,
                        end_char: self.at_char,
                    });
                }
                self.han = None;
                if !longer {
                    return Some(GramSpan {
                        start,
                        end: self.at,
                        start_char,
                        end_char: self.at_char,
                    });
                }
            }
            let c = next?;
            if is_cjk(c) {
                self.han = Some((self.at, self.at_char, false));
                self.step(c);
            } else if c.is_alphanumeric() {
                let (start, start_char) = (self.at, self.at_char);
                let mut previous = c;
                self.step(c);
                while let Some(here) = self.peek() {
                    let inner_dot = here == '.'
                        && previous.is_ascii_digit()
                        && self.text[self.at + 1..].starts_with(|n: char| n.is_ascii_digit());
                    if (here.is_alphanumeric() && !is_cjk(here)) || inner_dot {
                        previous = here;
                        self.step(here);
                    } else {
                        break;
                    }
                }
                return Some(GramSpan {
                    start,
                    end: self.at,
                    start_char,
                    end_char: self.at_char,
                });
            } else {
                self.step(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        bigrams(text).into_iter().map(|(t, _, _)| t).collect()
    }

    #[test]
    fn han_runs_become_pairs() {
        assert_eq!(tokens("高新区"), ["高新", "新区"]);
        assert_eq!(tokens("药"), ["药"]);
        assert_eq!(tokens("高新贷2.0产品"), ["高新", "新贷", "2.0", "产品"]);
        assert_eq!(tokens("ivd体外诊断, 5g"), ["ivd", "体外", "外诊", "诊断", "5g"]);
        assert_eq!(tokens("药,1.2.3. a.b 2."), ["药", "1.2.3", "a", "b", "2"]);
        assert_eq!(tokens("在药"), ["在药"]);
        assert!(tokens("，。 ").is_empty());
    }

    #[test]
    fn spans_are_char_offsets() {
        let spans = bigrams("在A61K研发");
        assert_eq!(spans[0], ("在".to_string(), 0, 1));
        assert_eq!(spans[1], ("A61K".to_string(), 1, 5));
        assert_eq!(spans.last().unwrap(), &("研发".to_string(), 5, 7));
    }

    #[test]
    fn byte_spans_match_char_spans() {
        let text = "医药Ⅱ期ivd体外诊断，8.86亿美元𠀀𠀁";
        for gram in BigramSpans::new(text) {
            let by_chars: String = text
                .chars()
                .skip(gram.start_char)
                .take(gram.end_char - gram.start_char)
                .collect();
            assert_eq!(&text[gram.start..gram.end], by_chars);
        }
    }
}

//! The user query language: words (all required by default), "quoted
//! phrases" (also with Chinese quotes), and `-exclusion` of a word or phrase.
//! Parsing is strict about structure (an unclosed quote is an error naming
//! its position) and lenient about content (punctuation is ignored later by
//! segmentation).

use crate::text::normalize;
use crate::{Error, Result};

/// One unit of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryPart {
    /// A bare word or run of characters; segmented into words later.
    Term(String),
    /// A quoted phrase that must occur as written.
    Phrase(String),
}

impl QueryPart {
    pub fn text(&self) -> &str {
        match self {
            QueryPart::Term(text) | QueryPart::Phrase(text) => text,
        }
    }
}

/// A parsed query: what must match and what must not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub required: Vec<QueryPart>,
    pub excluded: Vec<QueryPart>,
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '\u{201C}' => Some('\u{201D}'),
        '\u{300C}' => Some('\u{300D}'),
        _ => None,
    }
}

/// Parses a query string. Positions in errors are 1-based characters.
pub fn parse_query(input: &str) -> Result<ParsedQuery> {
    let normalized = normalize(input);
    let chars: Vec<char> = normalized.chars().collect();
    let mut query = ParsedQuery::default();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
        if negated {
            i += 1;
        }
        let part = if let Some(close) = closing_quote(chars[i]) {
            let open_at = i;
            i += 1;
            let start = i;
            while i < chars.len() && chars[i] != close {
                i += 1;
            }
            if i == chars.len() {
                return Err(Error::InvalidQuery {
                    message: format!("the quote opened at position {} is never closed", open_at + 1),
                });
            }
            let phrase: String = chars[start..i].iter().collect();
            i += 1;
            if phrase.trim().is_empty() {
                continue;
            }
            QueryPart::Phrase(phrase.trim().to_string())
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && closing_quote(chars[i]).is_none() {
                i += 1;
            }
            QueryPart::Term(chars[start..i].iter().collect())
        };
        if !part.text().chars().any(char::is_alphanumeric) {
            continue;
        }
        if negated {
            query.excluded.push(part);
        } else {
            query.required.push(part);
        }
    }
    if query.required.is_empty() {
        let message = if query.excluded.is_empty() {
            "the query is empty, type a word to search for".to_string()
        } else {
            "the query only excludes words, add at least one word to search for".to_string()
        };
        return Err(Error::InvalidQuery { message });
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_exclusions() {
        let query = parse_query("生物医药 \"人工血管\" -汉唐生物 -“体外 诊断”").unwrap();
        assert_eq!(
            query.required,
            [QueryPart::Term("生物医药".into()), QueryPart::Phrase("人工血管".into())]
        );
        assert_eq!(
            query.excluded,
            [
                QueryPart::Term("汉唐生物".into()),
                QueryPart::Phrase("体外 诊断".into())
            ]
        );
    }

    #[test]
    fn hyphen_inside_a_word_is_kept() {
        let query = parse_query("WES-5 - 光伏").unwrap();
        assert_eq!(
            query.required,
            [QueryPart::Term("wes-5".into()), QueryPart::Term("光伏".into())]
        );
    }

    #[test]
    fn errors_say_what_to_fix() {
        let err = parse_query("  \"光伏 硅片").unwrap_err().to_string();
        assert!(err.contains("position 3"), "{err}");
        assert!(parse_query("   ").unwrap_err().to_string().contains("empty"));
        assert!(parse_query("，。！").unwrap_err().to_string().contains("empty"));
        assert!(parse_query("-光伏").unwrap_err().to_string().contains("only excludes"));
    }
}

//! The user query language: words (all required by default), "quoted
//! phrases" (also with Chinese quotes), `-exclusion` of a word or phrase,
//! field filters `kind:`, `industry:`, `location:` and `date:` (a year, a
//! date or a range `2020..2023`), and identifiers found exactly (IPC codes,
//! patent numbers, credit codes). Parsing is strict about structure (an
//! unclosed quote or a bad filter is an error naming its position) and
//! lenient about content (punctuation is ignored later by segmentation).

use crate::model::is_valid_date;
use crate::text::{find_identifiers, normalize};
use crate::{Error, Result};

/// One unit of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryPart {
    /// A bare word or run of characters; segmented into words later.
    Term(String),
    /// A quoted phrase that must occur as written.
    Phrase(String),
    /// An identifier in canonical forms, the full form first.
    Identifier(Vec<String>),
}

impl QueryPart {
    /// The text of a term or phrase; an identifier's full form.
    pub fn text(&self) -> &str {
        match self {
            QueryPart::Term(text) | QueryPart::Phrase(text) => text,
            QueryPart::Identifier(forms) => forms.first().map(String::as_str).unwrap_or(""),
        }
    }
}

/// A field a query can be restricted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Kind,
    Industry,
    Location,
}

/// A restriction of the results; it does not score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Field(FilterField, String),
    /// Dated entries from `from` to `to` inclusive (either may be open).
    Date {
        from: Option<String>,
        to: Option<String>,
    },
}

/// A parsed query: what must match, what must not, and restrictions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub required: Vec<QueryPart>,
    pub excluded: Vec<QueryPart>,
    pub filters: Vec<Filter>,
}

/// Parses the value of a `date:` filter: `2023`, `2023-05`, `2020..2023`,
/// `2020..` or `..2023`.
fn parse_date_filter(value: &str, position: usize) -> Result<Filter> {
    let bad = || Error::InvalidQuery {
        message: format!(
            "the date filter at position {position} needs a date or a range such as date:2020..2023, got `{value}`"
        ),
    };
    let (from, to) = match value.split_once("..") {
        Some((from, to)) => (from, to),
        None => (value, value),
    };
    let side = |text: &str| -> Result<Option<String>> {
        if text.is_empty() {
            Ok(None)
        } else if is_valid_date(text) {
            Ok(Some(text.to_string()))
        } else {
            Err(bad())
        }
    };
    let (from, to) = (side(from)?, side(to)?);
    if from.is_none() && to.is_none() {
        return Err(bad());
    }
    Ok(Filter::Date { from, to })
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
    let mut query = ParsedQuery::default();
    // Identifiers first: they may contain spaces (`A61K 35/28`).
    let mut rest = String::with_capacity(normalized.len());
    let mut last = 0;
    for identifier in find_identifiers(&normalized) {
        let negated = normalized[..identifier.start].ends_with('-');
        let keep_until = if negated {
            identifier.start - 1
        } else {
            identifier.start
        };
        rest.push_str(&normalized[last..keep_until]);
        rest.push(' ');
        last = identifier.end;
        let part = QueryPart::Identifier(identifier.forms);
        if negated {
            query.excluded.push(part);
        } else {
            query.required.push(part);
        }
    }
    rest.push_str(&normalized[last..]);

    let chars: Vec<char> = rest.chars().collect();
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
            let word: String = chars[start..i].iter().collect();
            if let Some(filter) = parse_filter(&word, &chars, &mut i, start)? {
                if negated {
                    return Err(Error::InvalidQuery {
                        message: format!("a filter cannot be excluded (position {})", start),
                    });
                }
                query.filters.push(filter);
                continue;
            }
            QueryPart::Term(word)
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
    if query.required.is_empty() && query.filters.is_empty() {
        let message = if query.excluded.is_empty() {
            "the query is empty, type a word to search for".to_string()
        } else {
            "the query only excludes words, add at least one word to search for".to_string()
        };
        return Err(Error::InvalidQuery { message });
    }
    Ok(query)
}

/// Reads `field:value` (the value may be quoted) when `word` starts with a
/// known field name; advances `i` past a quoted value.
fn parse_filter(word: &str, chars: &[char], i: &mut usize, start: usize) -> Result<Option<Filter>> {
    let Some((name, value)) = word.split_once(':') else {
        return Ok(None);
    };
    let field = match name {
        "kind" => Some(FilterField::Kind),
        "industry" => Some(FilterField::Industry),
        "location" => Some(FilterField::Location),
        "date" => None,
        _ => return Ok(None),
    };
    let mut value = value.to_string();
    if value.is_empty() {
        if let Some(close) = chars.get(*i).and_then(|&c| closing_quote(c)) {
            let open_at = *i;
            *i += 1;
            let value_start = *i;
            while *i < chars.len() && chars[*i] != close {
                *i += 1;
            }
            if *i == chars.len() {
                return Err(Error::InvalidQuery {
                    message: format!("the quote opened at position {} is never closed", open_at + 1),
                });
            }
            value = chars[value_start..*i].iter().collect();
            *i += 1;
        }
    }
    let value = value.trim().to_string();
    if value.is_empty() {
        return Err(Error::InvalidQuery {
            message: format!("the filter `{name}:` at position {} has no value", start + 1),
        });
    }
    Ok(Some(match field {
        Some(field) => Filter::Field(field, value),
        None => parse_date_filter(&value, start + 1)?,
    }))
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
    fn filters_and_identifiers() {
        let query = parse_query("储能 kind:enterprise industry:\"新一代信息技术\" date:2020..2023 A61K 35/28").unwrap();
        assert_eq!(
            query.required,
            [
                QueryPart::Identifier(vec!["A61K35/28".into(), "A61K".into()]),
                QueryPart::Term("储能".into())
            ]
        );
        assert_eq!(
            query.filters,
            [
                Filter::Field(FilterField::Kind, "enterprise".into()),
                Filter::Field(FilterField::Industry, "新一代信息技术".into()),
                Filter::Date {
                    from: Some("2020".into()),
                    to: Some("2023".into())
                },
            ]
        );
        let browse = parse_query("kind:university").unwrap();
        assert!(browse.required.is_empty() && browse.filters.len() == 1);
        assert!(parse_query("date:2023-13")
            .unwrap_err()
            .to_string()
            .contains("position 1"));
        assert!(parse_query("光伏 location:")
            .unwrap_err()
            .to_string()
            .contains("no value"));
        // an unknown prefix is just a word
        assert_eq!(
            parse_query("ivd:体外").unwrap().required,
            [QueryPart::Term("ivd:体外".into())]
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

//! The user query language: words (all required by default), "quoted
//! phrases" (also with Chinese quotes), `-exclusion` of a word or phrase,
//! field filters `kind:`, `industry:`, `location:` and `date:` (a year, a
//! date or a range `2020..2023`), and identifiers found exactly (IPC codes,
//! patent numbers, credit codes). Parsing is strict about structure (an
//! unclosed quote or a bad filter is an error naming its position) and
//! lenient about content (punctuation is ignored later by segmentation).
//! A parsed query displays as query text that parses back to it.

use std::fmt;

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

impl FilterField {
    /// The field's name in the query language.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterField::Kind => "kind",
            FilterField::Industry => "industry",
            FilterField::Location => "location",
        }
    }
}

/// Quote pairs of the query language, the straight one first.
const QUOTES: [(char, char); 3] = [('"', '"'), ('\u{201C}', '\u{201D}'), ('\u{300C}', '\u{300D}')];

/// Writes `text` between the first pair of quotes whose closing quote it
/// does not hold (a text holding every closing quote cannot be quoted
/// whole; it is written in straight quotes all the same).
fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let (open, close) = QUOTES
        .iter()
        .copied()
        .find(|&(_, close)| !text.contains(close))
        .unwrap_or(QUOTES[0]);
    write!(f, "{open}{text}{close}")
}

/// Whether a filter value reads back the same written bare after its
/// field's colon: no spaces and no opening quote.
fn is_bare(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || closing_quote(c).is_some())
}

/// A term as written, a phrase in quotes, an identifier in its full form.
impl fmt::Display for QueryPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryPart::Term(text) => f.write_str(text),
            QueryPart::Phrase(text) => write_quoted(f, text),
            QueryPart::Identifier(_) => f.write_str(self.text()),
        }
    }
}

impl fmt::Display for FilterField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `field:value` (the value quoted when it has to be), `date:2023` for a
/// single date, `date:2020..2023` with either side open for a range.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Field(field, value) if is_bare(value) => write!(f, "{field}:{value}"),
            Filter::Field(field, value) => {
                write!(f, "{field}:")?;
                write_quoted(f, value)
            }
            Filter::Date {
                from: Some(from),
                to: Some(to),
            } if from == to => write!(f, "date:{from}"),
            Filter::Date { from, to } => write!(
                f,
                "date:{}..{}",
                from.as_deref().unwrap_or(""),
                to.as_deref().unwrap_or("")
            ),
        }
    }
}

/// The query in the query language: required parts, excluded parts each
/// after a `-`, then filters, separated by spaces. [`parse_query`] reads
/// it back to the same query.
impl fmt::Display for ParsedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = self.required.iter().map(|part| part.to_string());
        let excluded = self.excluded.iter().map(|part| format!("-{part}"));
        let filters = self.filters.iter().map(Filter::to_string);
        for (position, item) in required.chain(excluded).chain(filters).enumerate() {
            if position > 0 {
                // an identifier may span one space (`A61K 35/28`, `CN
                // 201910456789`) and its second half starts with a digit:
                // two spaces keep apart what was written apart
                let gap = if item.starts_with(char::is_numeric) { "  " } else { " " };
                f.write_str(gap)?;
            }
            f.write_str(&item)?;
        }
        Ok(())
    }
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

/// The quote that closes one opened with `open`, if `open` opens one.
fn closing_quote(open: char) -> Option<char> {
    QUOTES.iter().find(|&&(o, _)| o == open).map(|&(_, close)| close)
}

/// Takes the identifiers out of `text` into `query` (excluded when a `-`
/// comes right before one), each replaced by a space, and returns the
/// rest. Identifiers come first since they may contain spaces
/// (`A61K 35/28`). An identifier written right after another
/// (`CN201910456789A61K35/28`) is found once the first is cut out, as it
/// would be with a space between them.
fn cut_identifiers(text: String, query: &mut ParsedQuery) -> String {
    let mut text = text;
    loop {
        let identifiers = find_identifiers(&text);
        if identifiers.is_empty() {
            return text;
        }
        let mut rest = String::with_capacity(text.len());
        let mut last = 0;
        for identifier in identifiers {
            let negated = text[..identifier.start].ends_with('-');
            let keep_until = if negated {
                identifier.start - 1
            } else {
                identifier.start
            };
            rest.push_str(&text[last..keep_until]);
            rest.push(' ');
            last = identifier.end;
            let part = QueryPart::Identifier(identifier.forms);
            if negated {
                query.excluded.push(part);
            } else {
                query.required.push(part);
            }
        }
        rest.push_str(&text[last..]);
        text = rest;
    }
}

/// Parses a query string. Positions in errors are 1-based characters.
pub fn parse_query(input: &str) -> Result<ParsedQuery> {
    let mut query = ParsedQuery::default();
    let rest = cut_identifiers(normalize(input), &mut query);

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
    fn an_identifier_written_right_after_another_is_found_too() {
        let query = parse_query("CN201910456789A61K35/28 光伏").unwrap();
        assert_eq!(
            query.required,
            [
                QueryPart::Identifier(vec!["CN201910456789".into()]),
                QueryPart::Identifier(vec!["A61K35/28".into(), "A61K".into()]),
                QueryPart::Term("光伏".into()),
            ]
        );
        assert_eq!(parse_query(&query.to_string()).unwrap(), query);
    }

    #[test]
    fn displays_in_the_query_language() {
        let query = parse_query(
            "储能 \"光伏 组件\" -“a\"b” kind:enterprise location:「青岛 市」 date:2020.. date:2023 a61k 35/28",
        )
        .unwrap();
        assert_eq!(
            query.to_string(),
            "A61K35/28 储能 \"光伏 组件\" -“a\"b” kind:enterprise location:\"青岛 市\" date:2020.. date:2023"
        );
        // written apart, parts stay apart
        let apart = parse_query("cn  201910456789 a61k  35/28").unwrap();
        assert_eq!(apart.to_string(), "cn  201910456789 a61k  35/28");
        assert_eq!(parse_query(&apart.to_string()).unwrap(), apart);
    }

    #[test]
    fn errors_say_what_to_fix() {
        let err = parse_query("  \"光伏 硅片").unwrap_err().to_string();
        assert!(err.contains("position 3"), "{err}");
        assert!(parse_query("   ").unwrap_err().to_string().contains("empty"));
        assert!(parse_query("，。！").unwrap_err().to_string().contains("empty"));
        assert!(parse_query("-光伏").unwrap_err().to_string().contains("only excludes"));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Pieces a query is made of, ordinary and troublesome: words,
        /// quotes of every kind, minus signs, colons, filters and their
        /// values, ranges, identifiers, full-width and traditional forms.
        fn piece() -> impl Strategy<Value = String> {
            let fixed = prop::sample::select(vec![
                " ",
                "  ",
                "\t",
                "\u{3000}",
                "\"",
                "\u{201C}",
                "\u{201D}",
                "\u{300C}",
                "\u{300D}",
                "\u{FF02}",
                "-",
                "--",
                "－",
                ":",
                "：",
                "..",
                "kind:",
                "industry:",
                "location:",
                "date:",
                "KIND:",
                "enterprise",
                "document",
                "2020",
                "2023-05",
                "2024-02-30",
                "2020..2023",
                "..2021",
                "光伏",
                "储能",
                "青島",
                "高新區",
                "ＡＢＣ",
                "５Ｇ",
                "A61K 35/28",
                "a61k35/28",
                "CN201910456789.0",
                "zl 2019104567",
                "cn",
                "201910456789",
                "35/28",
                "91370212MA3C4X5Y6K",
                "wes-5",
                "，。！",
                "x",
                "İ",
                "Σ",
            ])
            .prop_map(str::to_string);
            prop_oneof![
                6 => fixed,
                2 => "[a-z0-9]{1,4}",
                2 => "[\u{4E00}-\u{9FFF}]{1,3}",
                1 => "[\u{FF01}-\u{FF5E}]{1,3}",
                1 => any::<char>().prop_map(String::from),
            ]
        }

        fn query_text() -> impl Strategy<Value = String> {
            prop::collection::vec(piece(), 0..12).prop_map(|pieces| pieces.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn parsing_never_panics(text in prop_oneof![query_text(), any::<String>()]) {
                let _ = parse_query(&text);
            }

            #[test]
            fn a_displayed_query_parses_back_to_itself(text in query_text()) {
                if let Ok(parsed) = parse_query(&text) {
                    let shown = parsed.to_string();
                    let again = parse_query(&shown);
                    prop_assert!(again.is_ok(), "`{}` shows as `{}`, which fails: {:?}", text, shown, again);
                    prop_assert_eq!(again.ok(), Some(parsed), "`{}` shows as `{}`", text, shown);
                }
            }
        }
    }
}

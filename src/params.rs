//! Request parameters as text: the deserialisers every request struct uses
//! for its fields (whole numbers, comma-separated lists, values parsed with
//! their `FromStr`), and [`from_query`], which reads a URL query string
//! into a request struct. Each request struct is defined once, beside its
//! query, with `clap::Args` for the command line and `serde::Deserialize`
//! for HTTP, so both doors take the same parameters under the same names
//! with the same defaults and the same messages.

use std::str::FromStr;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

use crate::{Error, Result};

/// A text value, trimmed.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<String, D::Error> {
    Ok(String::deserialize(deserializer)?.trim().to_string())
}

/// A whole number written as text.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<usize, D::Error> {
    let value = text(deserializer)?;
    value
        .parse()
        .map_err(|_| D::Error::custom(format!("expected a whole number, got `{value}`")))
}

/// An optional whole number written as text.
pub fn optional_number<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<usize>, D::Error> {
    number(deserializer).map(Some)
}

/// A value parsed with its `FromStr` (kinds, directions, measures…), whose
/// error message says what is expected.
pub fn parsed<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = String>,
{
    let value = text(deserializer)?;
    value.parse().map_err(D::Error::custom)
}

/// An optional value parsed with its `FromStr`.
pub fn optional_parsed<'de, D, T>(deserializer: D) -> std::result::Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = String>,
{
    parsed(deserializer).map(Some)
}

/// A comma-separated list of values parsed with their `FromStr`, blanks
/// skipped.
pub fn list<'de, D, T>(deserializer: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = String>,
{
    text(deserializer)?
        .split([',', '，'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.parse().map_err(D::Error::custom))
        .collect()
}

/// `true` or `false` written as text (also `1`/`0`, `yes`/`no`).
pub fn parsed_bool<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<bool, D::Error> {
    let value = text(deserializer)?;
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(D::Error::custom(format!("expected true or false, got `{value}`"))),
    }
}

/// An optional text, trimmed.
pub fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<String>, D::Error> {
    text(deserializer).map(Some)
}

/// Checks a page of results: `limit` from 1 to `max_limit`, `offset` at
/// most `max_offset` (the search's and the matcher's bounds).
pub fn check_page(limit: usize, max_limit: usize, offset: usize, max_offset: usize) -> Result<()> {
    if limit == 0 || limit > max_limit {
        return Err(Error::invalid_parameter(
            "limit",
            format!("must be between 1 and {max_limit}"),
        ));
    }
    if offset > max_offset {
        return Err(Error::invalid_parameter(
            "offset",
            format!("must be at most {max_offset}"),
        ));
    }
    Ok(())
}

/// Reads a URL query string into the request struct `T`.
///
/// Parameters with blank values count as absent (their defaults apply).
/// Errors are [`Error::InvalidParameter`] naming the parameter: a value
/// that does not parse, a parameter given twice, a missing required one,
/// or one `T` does not take (listing those it does).
pub fn from_query<T: DeserializeOwned>(query: &str) -> Result<T> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let encoded = serde_urlencoded::to_string(&pairs).map_err(|e| Error::invalid_parameter("query", e.to_string()))?;
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        parameter_error(&path, &message)
    })
}

/// The text between the first pair of backticks in `message`.
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

/// Serde's message about parameter `path` as an invalid-parameter error.
fn parameter_error(path: &str, message: &str) -> Error {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = quoted(rest).unwrap_or(rest);
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return Error::invalid_parameter(
            name,
            format!("unknown parameter, expected one of: {}", expected.join(", ")),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return Error::invalid_parameter(quoted(rest).unwrap_or(rest), "is required");
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return Error::invalid_parameter(quoted(rest).unwrap_or(rest), "is given more than once");
    }
    let name = if path.is_empty() || path == "." { "query" } else { path };
    Error::invalid_parameter(name, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RelationKind;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Sample {
        #[serde(deserialize_with = "number")]
        limit: usize,
        #[serde(rename = "relation", deserialize_with = "list")]
        relations: Vec<RelationKind>,
        #[serde(deserialize_with = "optional_text")]
        as_of: Option<String>,
        #[serde(deserialize_with = "text")]
        q: String,
    }

    impl Default for Sample {
        fn default() -> Self {
            Sample {
                limit: 10,
                relations: Vec::new(),
                as_of: None,
                q: String::new(),
            }
        }
    }

    fn error(query: &str) -> (String, String) {
        match from_query::<Sample>(query) {
            Err(Error::InvalidParameter { name, message }) => (name, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parameters_parse_with_defaults_and_blanks_as_absent() {
        let sample: Sample = from_query("limit=3&relation=founded,+located_in&q=%E5%85%89%E4%BC%8F").unwrap();
        assert_eq!(sample.limit, 3);
        assert_eq!(sample.relations, [RelationKind::Founded, RelationKind::LocatedIn]);
        assert_eq!(sample.q, "光伏");
        assert_eq!(from_query::<Sample>("limit=&as_of=").unwrap(), Sample::default());
        assert_eq!(from_query::<Sample>("").unwrap(), Sample::default());
    }

    #[test]
    fn errors_name_the_parameter_and_say_what_to_fix() {
        assert_eq!(
            error("limit=ten"),
            ("limit".into(), "expected a whole number, got `ten`".into())
        );
        let (name, message) = error("relation=partner_of");
        assert_eq!(name, "relation");
        assert!(
            message.contains("partner_of") && message.contains("founded"),
            "{message}"
        );
        let (name, message) = error("colour=red");
        assert_eq!(name, "colour");
        assert_eq!(message, "unknown parameter, expected one of: limit, relation, as_of, q");
        assert_eq!(error("limit=1&limit=2").0, "limit");
    }
}

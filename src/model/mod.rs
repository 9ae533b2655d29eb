//! The data model: entities, relations, documents and the closed sets of
//! entity and relation kinds, with exactly the JSON shapes of the corpus
//! format. Everything else (loaders, index, graph, API) speaks these types.
//! This module holds no I/O.

mod document;
mod entity;
mod kinds;
mod relation;

pub use document::Document;
pub use entity::Entity;
pub use kinds::{EntityKind, RelationKind};
pub use relation::{Evidence, Relation};

/// The most aliases an entity may have.
pub const MAX_ALIASES: usize = 1000;

/// Checks a date written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
///
/// Corpus facts are often known only to the year ("invested in 2023"), so
/// partial dates are first-class; a full date must exist in the calendar.
pub fn is_valid_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let numeric = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => numeric(y, 4),
        [y, m] => numeric(y, 4) && numeric(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            numeric(y, 4)
                && numeric(m, 2)
                && numeric(d, 2)
                && chrono::NaiveDate::from_ymd_opt(
                    y.parse().unwrap_or(0),
                    m.parse().unwrap_or(0),
                    d.parse().unwrap_or(0),
                )
                .is_some()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_and_full_dates() {
        assert!(is_valid_date("2023"));
        assert!(is_valid_date("2028-06"));
        assert!(is_valid_date("2024-02-29"));
        assert!(!is_valid_date("2023-02-29"));
        assert!(!is_valid_date("2023-13"));
        assert!(!is_valid_date("23"));
        assert!(!is_valid_date("2023/01/01"));
        assert!(!is_valid_date(""));
    }
}

//! Dates as the corpus writes them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

use crate::{Error, Result};

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

/// Checks a date parameter, naming it in the error.
pub fn check_date(name: &str, date: &str) -> Result<()> {
    if is_valid_date(date) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            name,
            format!("bad date `{date}`, expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ))
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

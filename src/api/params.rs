//! Query-string parameters, parsed by hand so that each bad value gets a
//! message naming the parameter and what it should be.

use std::collections::HashMap;

use crate::{Error, Result};

/// The raw parameters of one request.
pub(crate) struct Params {
    values: HashMap<String, String>,
}

impl Params {
    /// Reads the parameters, refusing any not in `allowed`.
    pub(crate) fn new(values: HashMap<String, String>, allowed: &[&str]) -> Result<Params> {
        let mut names: Vec<&String> = values.keys().collect();
        names.sort();
        for name in names {
            if !allowed.contains(&name.as_str()) {
                return Err(Error::invalid_parameter(
                    name,
                    format!("unknown parameter, expected one of: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(Params { values })
    }

    /// A non-blank string parameter, if given.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// A parameter that must be given.
    pub(crate) fn required(&self, name: &str) -> Result<String> {
        self.text(name)
            .ok_or_else(|| Error::invalid_parameter(name, "is required"))
    }

    /// A whole number, `default` when absent.
    pub(crate) fn number(&self, name: &str, default: usize) -> Result<usize> {
        match self.text(name) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| Error::invalid_parameter(name, format!("expected a whole number, got `{text}`"))),
        }
    }

    /// A whole number, `None` when absent.
    pub(crate) fn optional_number(&self, name: &str) -> Result<Option<usize>> {
        self.text(name).map(|_| self.number(name, 0)).transpose()
    }

    /// A value parsed with its `FromStr`, `None` when absent.
    pub(crate) fn parsed<T: std::str::FromStr<Err = String>>(&self, name: &str) -> Result<Option<T>> {
        self.text(name)
            .map(|text| {
                text.parse::<T>()
                    .map_err(|message| Error::invalid_parameter(name, message))
            })
            .transpose()
    }
}

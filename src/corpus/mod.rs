//! Reading a corpus directory: entity, relation and document files found
//! anywhere under the root, validated as a whole. Loading never stops at the
//! first bad record: it reports every problem, each with file, line and field,
//! and hands back a [`Corpus`] only when there are none. Nothing here writes.
//! The rules a record meets ([`rules`]) are the write API's too.

mod fields;
mod load;
pub mod rules;

pub use load::{fingerprint, load, Corpus, DOMAIN_DICTIONARY_DIR};

use std::fmt;

use serde::Serialize;

/// One thing wrong with a corpus file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Path of the file, relative to the corpus root.
    pub file: String,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    /// The field at fault, when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

//! The manifest of a built index: format version, counts and what built it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Version of the index layout; an index of another version is rebuilt,
/// never misread.
pub const FORMAT_VERSION: u32 = 10;

/// How many records an index holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub entities: usize,
    pub relations: usize,
    pub documents: usize,
}

/// What is in one generation of the index and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// Version of innograph that built it.
    pub built_by: String,
    /// RFC 3339 time of the build.
    pub built_at: String,
    /// Corpus directory the build read, as given.
    pub corpus: String,
    /// Hash of every corpus file's path and bytes.
    pub corpus_fingerprint: String,
    /// Version of the segmentation dictionary the text was indexed with.
    pub dictionary_version: String,
    pub counts: Counts,
}

impl Manifest {
    /// Reads and checks the manifest at `path`.
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| Error::CorruptIndex {
            path: path.to_path_buf(),
            reason: format!("manifest does not parse: {e}"),
        })?;
        if manifest.format_version != FORMAT_VERSION {
            return Err(Error::CorruptIndex {
                path: path.to_path_buf(),
                reason: format!(
                    "index format {} is not the supported format {FORMAT_VERSION}, rebuild it with `innograph build`",
                    manifest.format_version
                ),
            });
        }
        Ok(manifest)
    }
}

//! The index directory (`index/` by default): what is in it, how a build
//! fills it atomically, and how it is opened. This module is code; `index/`
//! is the data it manages.
//!
//! Layout:
//! ```text
//! index/CURRENT            name of the live generation, replaced atomically
//! index/gen-<stamp>/       one complete build: manifest.json, graph.bin
//!                          (graph snapshot), graph.wal (graph changes since
//!                          the snapshot), graph.wal.next (the changes
//!                          made while graph.wal is folded, while that
//!                          runs), changes.jsonl (changes folded
//!                          into snapshots since the build), dictionary.txt
//!                          (the words the segmenter keeps whole), search/
//!                          (tantivy)
//! index/.build-<stamp>/    a build in progress; never opened, removed later
//! ```
//! A build writes a new generation beside the live one and only then points
//! `CURRENT` at it, so a crash at any moment leaves either the old index or
//! the new one, never a half-written one that opens. Graph changes are
//! appended to `graph.wal` and flushed before they are acknowledged, and
//! folded into a new `graph.bin` by compaction (see `crate::graph`).

pub(crate) mod build;
mod lock;
mod manifest;

pub use build::{build, BuildProgress};
pub use lock::{WriteLock, LOCK_FILE};
pub use manifest::{Counts, Manifest, FORMAT_VERSION};

use std::fs;
use std::path::{Path, PathBuf};

pub(crate) use crate::durable::sync_dir;
pub use crate::durable::write_durably;

use crate::graph::{GraphFiles, KnowledgeGraph};
use crate::{Error, Result};

/// File naming the live generation.
pub const CURRENT_FILE: &str = "CURRENT";
pub(crate) const MANIFEST_FILE: &str = "manifest.json";
pub(crate) const GRAPH_FILE: &str = "graph.bin";
/// File name of the graph's write-ahead log inside a generation.
pub const LOG_FILE: &str = "graph.wal";
/// File name of the log changes go to while the graph log is folded.
pub const NEXT_LOG_FILE: &str = "graph.wal.next";
/// File name of the archive of the graph changes folded into snapshots.
pub const ARCHIVE_FILE: &str = "changes.jsonl";
pub(crate) const DICTIONARY_FILE: &str = "dictionary.txt";
/// Names that joined the segmentation dictionary after the build, one per
/// line, appended (and synced) before the changes that brought them are
/// logged.
pub(crate) const DICTIONARY_ADDED_FILE: &str = "dictionary.added.txt";
pub(crate) const SEARCH_DIR: &str = "search";
pub(crate) const GENERATION_PREFIX: &str = "gen-";
pub(crate) const BUILD_PREFIX: &str = ".build-";

/// Where the graph of the generation `generation` keeps its snapshot, its
/// log and its archive.
pub fn graph_files(generation: &Path) -> GraphFiles {
    GraphFiles {
        snapshot: generation.join(GRAPH_FILE),
        log: generation.join(LOG_FILE),
        next_log: generation.join(NEXT_LOG_FILE),
        archive: generation.join(ARCHIVE_FILE),
    }
}

/// The graph of the generation `generation`: its snapshot with the changes
/// logged since replayed (read only).
pub fn load_graph(generation: &Path) -> Result<KnowledgeGraph> {
    let files = graph_files(generation);
    let mut graph = KnowledgeGraph::load(&files.snapshot)?;
    graph.replay_logs(&files)?;
    Ok(graph)
}

/// The directory of the live generation, if `index_dir` has one.
pub fn current_generation(index_dir: &Path) -> Result<Option<PathBuf>> {
    let pointer = index_dir.join(CURRENT_FILE);
    let name = match fs::read_to_string(&pointer) {
        Ok(name) => name.trim().to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&pointer, e)),
    };
    let valid_name = name.starts_with(GENERATION_PREFIX) && !name.contains(['/', '\\']) && name != GENERATION_PREFIX;
    let generation = index_dir.join(&name);
    if !valid_name || !generation.is_dir() {
        return Err(Error::CorruptIndex {
            path: index_dir.to_path_buf(),
            reason: format!("{CURRENT_FILE} points at `{name}`, which is not a generation directory"),
        });
    }
    Ok(Some(generation))
}

/// Whether `index_dir` holds a built index.
pub fn has_index(index_dir: &Path) -> bool {
    matches!(current_generation(index_dir), Ok(Some(_)))
}

/// Removes generations other than the live one and abandoned builds.
/// Failures are logged, not returned: leftovers cost disk space only.
pub(crate) fn remove_stale(index_dir: &Path, live: &str) {
    let Ok(entries) = fs::read_dir(index_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = (name.starts_with(GENERATION_PREFIX) || name.starts_with(BUILD_PREFIX)) && name != live;
        if stale {
            if let Err(error) = fs::remove_dir_all(entry.path()) {
                tracing::warn!(dir = %entry.path().display(), %error, "could not remove stale index directory");
            }
        }
    }
}

/// The words added to the dictionary of `generation` since its build. A
/// last line cut short by a crash is left out (its change was never
/// logged, so nothing was indexed with it).
pub(crate) fn added_words(generation: &Path) -> Result<Vec<String>> {
    let path = generation.join(DICTIONARY_ADDED_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    Ok(complete.lines().filter(|l| !l.is_empty()).map(str::to_string).collect())
}

/// Appends `words` to the dictionary additions of `generation`, durably.
pub(crate) fn append_added_words(generation: &Path, words: &[String]) -> Result<()> {
    use std::io::Write as _;
    if words.is_empty() {
        return Ok(());
    }
    let path = generation.join(DICTIONARY_ADDED_FILE);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    let mut text = String::new();
    for word in words {
        text.push_str(word);
        text.push('\n');
    }
    file.write_all(text.as_bytes()).map_err(|e| Error::io(&path, e))?;
    file.sync_data().map_err(|e| Error::io(&path, e))
}

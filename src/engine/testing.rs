//! What the engine's tests share: an index of the curated corpus to
//! write to, an article to write, a search for an id.

use std::path::PathBuf;

use crate::model::{Change, Document};
use crate::search::SearchRequest;
use crate::Engine;

/// A fresh build of the curated corpus: its folder (kept while it lives)
/// and the index in it.
pub(crate) fn built() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    crate::store::build(&corpus, &index, &mut |_| {}).unwrap();
    (dir, index)
}

/// An article of 2025-06-01 to take in.
pub(crate) fn document(id: &str, title: &str, text: &str) -> Change {
    Change::PutDocument {
        document: Document {
            id: id.into(),
            title: title.into(),
            text: text.into(),
            date: "2025-06-01".into(),
            ..Default::default()
        },
    }
}

/// Whether searching `q` finds `id` among the first twenty.
pub(crate) fn found(engine: &Engine, q: &str, id: &str) -> bool {
    let response = engine.search(&SearchRequest::new(q, 20)).unwrap();
    response.hits.iter().any(|hit| hit.id == id)
}

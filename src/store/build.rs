//! `innograph build`: corpus directory → a new generation of the index.

use std::fs;
use std::path::Path;

use super::manifest::{Counts, Manifest, FORMAT_VERSION};
use super::{
    remove_stale, sync_dir, write_durably, BUILD_PREFIX, CURRENT_FILE, DICTIONARY_FILE, GENERATION_PREFIX, GRAPH_FILE,
    MANIFEST_FILE, SEARCH_DIR,
};
use crate::corpus::{self, Corpus};
use crate::graph::KnowledgeGraph;
use crate::model::Change;
use crate::model::{Entity, EntityKind};
use crate::search::SearchWriter;
use crate::text::Segmenter;
use crate::{Error, Result};

/// Where a build is, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

/// Longest name added to the segmenter's dictionary, in characters.
const MAX_DICTIONARY_NAME_CHARS: usize = 24;

/// The words the segmenter must keep whole: every name and alias of a named
/// entity, and the domain dictionary. Patents and projects are left out:
/// their "names" are titles, sentences of ordinary words, not names. A build
/// writes them to the generation's dictionary file, which is what opening
/// reads, so that the two agree even after the graph has changed.
pub(crate) fn dictionary_words<'a>(entities: &'a [Entity], domain_words: &'a [String]) -> Vec<&'a str> {
    entities
        .iter()
        .filter(|e| !matches!(e.kind, EntityKind::Patent | EntityKind::Project))
        .flat_map(|e| e.names())
        .filter(|name| name.chars().count() <= MAX_DICTIONARY_NAME_CHARS)
        .chain(domain_words.iter().map(String::as_str))
        .collect()
}

/// Builds the index of the corpus in `corpus_dir` into `index_dir`.
///
/// Validates the whole corpus first: on invalid input it returns
/// [`Error::InvalidCorpus`] and writes nothing. The new generation is written
/// beside the live one and swapped in only when complete; older generations
/// are then removed.
pub fn build(corpus_dir: &Path, index_dir: &Path, progress: &mut dyn FnMut(BuildProgress)) -> Result<Manifest> {
    progress(BuildProgress {
        stage: "reading corpus",
        done: 0,
        total: 0,
    });
    let corpus = corpus::load(corpus_dir)?;
    fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    // held until the new generation is live: no server takes changes into
    // the generation this build replaces, and no other build runs
    let _lock = super::WriteLock::acquire(index_dir)?;
    // changes made through the API since the live generation was built,
    // replayed onto the new one so that a rebuild keeps them
    let carried = match super::current_generation(index_dir)? {
        Some(live) => crate::graph::changes_since_build(&super::graph_files(&live))?,
        None => Vec::new(),
    };
    let stamp = format!(
        "{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
        std::process::id()
    );
    let building = index_dir.join(format!("{BUILD_PREFIX}{stamp}"));
    fs::create_dir(&building).map_err(|e| Error::io(&building, e))?;
    let manifest = match write_generation(corpus, carried, corpus_dir, &building, progress) {
        Ok(manifest) => manifest,
        Err(error) => {
            let _ = fs::remove_dir_all(&building);
            return Err(error);
        }
    };
    let generation_name = format!("{GENERATION_PREFIX}{stamp}");
    let generation = index_dir.join(&generation_name);
    fs::rename(&building, &generation).map_err(|e| Error::io(&generation, e))?;
    sync_dir(index_dir)?;
    write_durably(&index_dir.join(CURRENT_FILE), generation_name.as_bytes())?;
    remove_stale(index_dir, &generation_name);
    tracing::info!(
        index = %index_dir.display(),
        entities = manifest.counts.entities,
        relations = manifest.counts.relations,
        documents = manifest.counts.documents,
        "index built"
    );
    Ok(manifest)
}

/// Writes a generation of `corpus` into `dir`, with the `carried` changes
/// (made through the API in the generation it replaces) applied on top. A
/// carried change that no longer fits (it names an entity the corpus
/// dropped) is left out and counted in the log.
fn write_generation(
    corpus: Corpus,
    carried: Vec<Change>,
    corpus_dir: &Path,
    dir: &Path,
    progress: &mut dyn FnMut(BuildProgress),
) -> Result<Manifest> {
    let dictionary = dictionary_words(&corpus.entities, &corpus.dictionary).join("\n");
    let segmenter = Segmenter::new(dictionary.lines());

    let search_dir = dir.join(SEARCH_DIR);
    fs::create_dir(&search_dir).map_err(|e| Error::io(&search_dir, e))?;
    let mut writer = SearchWriter::create(&search_dir, &segmenter)?;
    let total = (corpus.entities.len() + corpus.documents.len()) as u64;
    let step = (total / 100).max(1);
    let mut done = 0u64;
    let mut advance = |progress: &mut dyn FnMut(BuildProgress)| {
        done += 1;
        if done.is_multiple_of(step) {
            progress(BuildProgress {
                stage: "indexing",
                done,
                total,
            });
        }
    };
    for entity in &corpus.entities {
        writer.add_entity(entity)?;
        advance(progress);
    }
    for document in &corpus.documents {
        writer.add_document(document)?;
        advance(progress);
    }
    let done = total;
    progress(BuildProgress {
        stage: "committing",
        done,
        total,
    });
    // committed now, so that the writer's buffers are freed before the
    // graph is built; carried changes are committed by `finish`
    writer.commit()?;

    let counts = Counts {
        entities: corpus.entities.len(),
        relations: corpus.relations.len(),
        documents: corpus.documents.len(),
    };
    let mut graph = KnowledgeGraph::from_records(corpus.entities, corpus.relations)?;
    if !carried.is_empty() {
        progress(BuildProgress {
            stage: "carrying over changes",
            done,
            total,
        });
        let offered = carried.len();
        let applied = graph.apply_fitting(carried);
        for change in &applied {
            writer.apply_change(change)?;
        }
        crate::graph::archive(&super::graph_files(dir).archive, &applied)?;
        tracing::info!(
            carried = applied.len(),
            left_out = offered - applied.len(),
            "changes made through the API carried over into the new build"
        );
    }
    writer.finish()?;
    progress(BuildProgress {
        stage: "writing graph",
        done,
        total,
    });
    graph.save(&dir.join(GRAPH_FILE))?;
    write_durably(&dir.join(DICTIONARY_FILE), dictionary.as_bytes())?;
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        built_by: env!("CARGO_PKG_VERSION").to_string(),
        built_at: chrono::Utc::now().to_rfc3339(),
        corpus: corpus_dir.display().to_string(),
        corpus_fingerprint: corpus.fingerprint,
        dictionary_version: segmenter.version().to_string(),
        counts,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Serialization(e.to_string()))?;
    // The manifest is written last: a generation without one is incomplete.
    write_durably(&dir.join(MANIFEST_FILE), &json)?;
    sync_dir(dir)?;
    Ok(manifest)
}

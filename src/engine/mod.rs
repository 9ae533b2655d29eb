//! An opened index: the graph, the search index and the manifest of one
//! generation, answering every query, and applying the changes made
//! through the API (see `write`). The CLI and the HTTP API both hold an
//! [`Engine`]; it is shared across threads.

mod committer;
mod directory;
mod fold;
mod ingest;
mod resolve;
#[cfg(test)]
mod testing;
mod write;

pub use ingest::{IngestOptions, IngestReceipt, DEFAULT_INGEST_CHUNK};
pub use resolve::Resolved;
pub use write::{BatchReceipt, ChangeReceipt, WriteReceipt, WriteRules, COMPACT_AFTER};

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde::Serialize;

use crate::graph::{
    CentralityRequest, CentralityResponse, ClustersRequest, ClustersResponse, CommonRequest, CommonResponse,
    EntityView, EquityRequest, EquityResponse, GraphStats, KnowledgeGraph, NeighborsRequest, NeighborsResponse,
    PathsRequest, PathsResponse, TimelineRequest, TimelineResponse, MAX_NEIGHBORS,
};
use crate::search::{SearchIndex, SearchRequest, SearchResponse, SuggestRequest, SuggestResponse, Suggester};
use crate::store::{self, Manifest};
use crate::{Error, Result};

/// A stored article with the mentions found in its text (character
/// offsets into `text`), as the document page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    #[serde(flatten)]
    pub document: crate::model::Document,
    pub mentions: Vec<crate::ingest::LinkedMention>,
}

/// The graph and the suggester built from it (which names entities by
/// their positions in that graph), taken and replaced together.
#[derive(Clone)]
struct Current {
    graph: Arc<KnowledgeGraph>,
    suggester: Arc<Suggester>,
}

/// Everything needed to answer queries over one built index.
///
/// Queries take the current graph and suggester (an `Arc` each) and run
/// without holding a lock; a change replaces them (see [`Engine::write`]).
pub struct Engine {
    current: RwLock<Current>,
    search: Arc<SearchIndex>,
    /// How far the search index is behind the acknowledged writes.
    progress: Arc<committer::SearchProgress>,
    manifest: Manifest,
    generation: PathBuf,
    /// Changes in the graph log: those it held at open, then as writes
    /// and compactions leave it (read by stats without waiting for a
    /// write in flight).
    pending: AtomicUsize,
    /// Logged changes after which the log is folded into a new snapshot;
    /// `None`: [`write::compact_after_for`] the graph's size.
    compact_after: Option<usize>,
    /// Why writes stopped, once one failed past its log append.
    writes_stopped: std::sync::OnceLock<String>,
    /// The open log and search writer, from the first change on.
    writer: Mutex<Option<write::Writer>>,
    /// Test hook: called at each step of the folds begun from now on.
    #[cfg(test)]
    fold_hook: Mutex<Option<fold::FoldHook>>,
    /// The mention recognizer, loaded on the first extraction.
    recognizer: std::sync::OnceLock<crate::extract::Recognizer>,
    /// Short forms of organisation names, built on the first extraction
    /// and kept current by writes.
    short_forms: RwLock<Option<crate::ingest::ShortForms>>,
}

/// `key`, which must not be blank: an entity id, name or alias given as
/// parameter `name`.
fn required<'k>(key: &'k str, name: &str) -> Result<&'k str> {
    if key.trim().is_empty() {
        return Err(Error::invalid_parameter(
            name,
            "is required: an entity id, name or alias",
        ));
    }
    Ok(key)
}

/// Counts and shape of the opened index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub entities: usize,
    pub relations: usize,
    pub documents: usize,
    /// Changes made through the API and not yet folded into the snapshot
    /// (nor into the fold running in the background, while one runs).
    pub pending_changes: usize,
    pub search_entries: u64,
    pub graph: GraphStats,
    pub manifest: Manifest,
}

impl Engine {
    /// Opens the live generation of the index in `index_dir`.
    pub fn open(index_dir: &Path) -> Result<Engine> {
        let generation = store::current_generation(index_dir)?.ok_or_else(|| Error::IndexMissing {
            path: index_dir.to_path_buf(),
        })?;
        let started = std::time::Instant::now();
        let manifest = Manifest::read(&generation.join(store::MANIFEST_FILE))?;
        let files = store::graph_files(&generation);
        let mut graph = KnowledgeGraph::load(&files.snapshot)?;
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "graph loaded");
        let dictionary_path = generation.join(store::DICTIONARY_FILE);
        let dictionary_text = std::fs::read_to_string(&dictionary_path).map_err(|e| Error::io(&dictionary_path, e))?;
        let segmenter = crate::text::Segmenter::new(dictionary_text.lines());
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "segmenter ready");
        if segmenter.base_version() != manifest.dictionary_version {
            return Err(Error::CorruptIndex {
                path: generation,
                reason: "the segmentation dictionary differs from the one the index was built with".into(),
            });
        }
        // names written since the build are words of the dictionary too
        let added = segmenter.add_words(store::added_words(&generation)?.iter().map(String::as_str));
        tracing::debug!(words = added.len(), "dictionary additions read");
        // The graph replays the logged changes; the search index is then
        // brought up to them (a change is logged before its entry is
        // committed, so a crash can leave the index behind, never ahead).
        let logs = graph.replay_logs(&files)?;
        let search_dir = generation.join(store::SEARCH_DIR);
        let search = SearchIndex::open(&search_dir, segmenter).map_err(|e| match e {
            Error::Tantivy(inner) => Error::CorruptIndex {
                path: search_dir.clone(),
                reason: inner.to_string(),
            },
            Error::CorruptIndex { reason, .. } => Error::CorruptIndex {
                path: search_dir.clone(),
                reason,
            },
            other => other,
        })?;
        write::catch_up_search(&search, index_dir, &logs)?;
        let suggester = Suggester::build(&graph);
        crate::heap::release_free_memory();
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            keys = suggester.len(),
            "suggester ready"
        );
        tracing::info!(
            generation = %generation.display(),
            entities = manifest.counts.entities,
            documents = manifest.counts.documents,
            "index opened"
        );
        Ok(Engine {
            current: RwLock::new(Current {
                graph: Arc::new(graph),
                suggester: Arc::new(suggester),
            }),
            search: Arc::new(search),
            progress: Arc::default(),
            manifest,
            generation,
            pending: AtomicUsize::new(logs.unfolded_len()),
            writes_stopped: std::sync::OnceLock::new(),
            compact_after: None,
            writer: Mutex::new(None),
            #[cfg(test)]
            fold_hook: Mutex::new(None),
            recognizer: std::sync::OnceLock::new(),
            short_forms: RwLock::new(None),
        })
    }

    /// Folds the graph log into a new snapshot every `changes` changes
    /// instead of every [`COMPACT_AFTER`] (or the share of a large graph's
    /// size that is the default, see [`write::compact_after_for`]).
    pub fn compacting_after(mut self, changes: usize) -> Engine {
        self.compact_after = Some(changes.max(1));
        self
    }

    fn current(&self) -> Current {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The graph as it is now.
    pub fn graph(&self) -> Arc<KnowledgeGraph> {
        self.current().graph
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Directory of the generation this engine reads.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// Full-text search over documents and entity profiles.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let graph = self.graph();
        let restricted;
        let mut near_resolved = None;
        let request = match &request.near {
            Some(center) => {
                let hops = request.hops.unwrap_or(2);
                let resolved = self.resolve_key(center)?;
                let neighborhood = graph.neighbors(
                    &resolved.id,
                    &NeighborsRequest {
                        depth: hops,
                        limit: MAX_NEIGHBORS,
                        ..NeighborsRequest::default()
                    },
                )?;
                near_resolved = Some(resolved);
                // the entities around the centre, not the centre itself
                let keys: Vec<String> = neighborhood.nodes.into_iter().map(|n| n.entity.id).collect();
                restricted = SearchRequest {
                    restrict_to: Some(keys),
                    ..request.clone()
                };
                &restricted
            }
            None if request.hops.is_some() => {
                return Err(Error::invalid_parameter(
                    "hops",
                    "goes with `near`, the entity to search around",
                ));
            }
            None => request,
        };
        self.progress.settle_reads();
        let mut response = self.search.search(request)?;
        if let (Some(resolved), Some(center)) = (&near_resolved, &request.near) {
            resolved.note(center, &mut response.resolved_from);
        }
        for hit in response
            .hits
            .iter_mut()
            .filter(|h| h.kind != crate::search::DOCUMENT_KIND)
        {
            if let Ok(index) = graph.resolve(&hit.id) {
                hit.relation_count = Some(graph.degree(index));
                // the key facts a result line shows
                if let Ok(entity) = graph.entity_record(index) {
                    hit.industry = entity.industry;
                    hit.location = Some(entity.location).filter(|l| !l.is_empty());
                }
            }
        }
        Ok(response)
    }

    /// Entities whose name, alias, pinyin or initials start with the
    /// request's prefix.
    pub fn suggest(&self, request: &SuggestRequest) -> Result<SuggestResponse> {
        let current = self.current();
        current.suggester.suggest(&current.graph, &request.q, request.limit)
    }

    /// An entity with its strongest relations (up to
    /// [`crate::graph::ENTITY_RELATIONS`]).
    pub fn entity(&self, key: &str) -> Result<EntityView> {
        self.entity_page(key, &crate::graph::RelationPage::default())
    }

    /// An entity with a page of its relations, strongest first. Every key
    /// of the queries below is read by [`Engine::resolve_key`].
    pub fn entity_page(&self, key: &str, page: &crate::graph::RelationPage) -> Result<EntityView> {
        let resolved = self.resolve_key(key)?;
        let mut view = self.graph().entity_view_page(&resolved.id, page)?;
        resolved.note(key, &mut view.resolved_from);
        Ok(view)
    }

    /// The neighbourhood of an entity.
    pub fn neighbors(&self, key: &str, request: &NeighborsRequest) -> Result<NeighborsResponse> {
        let resolved = self.resolve_key(key)?;
        let mut response = self.graph().neighbors(&resolved.id, request)?;
        resolved.note(key, &mut response.resolved_from);
        Ok(response)
    }

    /// Paths between two entities.
    pub fn paths(&self, request: &PathsRequest) -> Result<PathsResponse> {
        let from = self.resolve_key(required(&request.from, "from")?)?;
        let to = self.resolve_key(required(&request.to, "to")?)?;
        let mut response = self.graph().paths(&PathsRequest {
            from: from.id.clone(),
            to: to.id.clone(),
            ..request.clone()
        })?;
        from.note(&request.from, &mut response.resolved_from);
        to.note(&request.to, &mut response.resolved_from);
        Ok(response)
    }

    /// The neighbours two entities share.
    pub fn common(&self, request: &CommonRequest) -> Result<CommonResponse> {
        let (a, b) = (required(&request.a, "a")?, required(&request.b, "b")?);
        let (a, b) = (self.resolve_key(a)?, self.resolve_key(b)?);
        let mut response = self.graph().common_neighbors(&a.id, &b.id, request.limit)?;
        a.note(&request.a, &mut response.resolved_from);
        b.note(&request.b, &mut response.resolved_from);
        Ok(response)
    }

    /// The most central entities.
    pub fn centrality(&self, request: &CentralityRequest) -> Result<CentralityResponse> {
        self.graph().centrality(request.measure, request.kind, request.limit)
    }

    /// The largest clusters.
    pub fn clusters(&self, request: &ClustersRequest) -> Result<ClustersResponse> {
        self.graph().clusters(request.method, request.limit)
    }

    /// An entity's dated relations.
    pub fn timeline(&self, request: &TimelineRequest) -> Result<TimelineResponse> {
        let resolved = self.resolve_key(required(&request.id, "id")?)?;
        let page = crate::graph::TimelinePage {
            undated: request.undated,
            offset: request.offset,
            limit: request.limit,
        };
        let mut response = self.graph().timeline(&resolved.id, page)?;
        resolved.note(&request.id, &mut response.resolved_from);
        Ok(response)
    }

    /// The graph's latest dated relations, newest first.
    pub fn recent(&self, request: &crate::graph::RecentRequest) -> Result<crate::graph::RecentResponse> {
        self.graph().recent(request.limit)
    }

    /// A stored article and the mentions in its text, linked to the graph
    /// as it is now.
    ///
    /// Fails with [`Error::DocumentNotFound`] for an id no document has.
    pub fn document(&self, id: &str) -> Result<DocumentView> {
        // a document written just before is read back, as searches are
        self.progress.settle_reads();
        let document = self
            .search
            .stored_document(id)?
            .ok_or_else(|| Error::DocumentNotFound { id: id.to_string() })?;
        let mentions = if document.text.trim().is_empty() {
            Vec::new()
        } else {
            self.extract(&document.text)?.mentions
        };
        Ok(DocumentView { document, mentions })
    }

    /// Equity chains up and down from an entity.
    pub fn equity(&self, request: &EquityRequest) -> Result<EquityResponse> {
        let resolved = self.resolve_key(required(&request.id, "id")?)?;
        let mut response = self.graph().equity(&resolved.id, request.depth)?;
        resolved.note(&request.id, &mut response.resolved_from);
        Ok(response)
    }

    /// Ranks research organisations, teams and patents for an enterprise,
    /// or enterprises for a university, institute or person (see
    /// [`crate::matching`]).
    pub fn match_entity(&self, request: &crate::matching::MatchRequest) -> Result<crate::matching::MatchResponse> {
        let key = request.entity.as_deref().unwrap_or_default();
        let resolved = self.resolve_key(required(key, "entity")?)?;
        self.progress.settle_reads();
        let mut response = crate::matching::run(
            &self.graph(),
            &self.search,
            &crate::matching::MatchRequest {
                entity: Some(resolved.id.clone()),
                ..request.clone()
            },
        )?;
        resolved.note(key, &mut response.resolved_from);
        Ok(response)
    }

    /// Ranks research organisations, teams and patents for a need written
    /// as text.
    pub fn match_text(&self, request: &crate::matching::MatchRequest) -> Result<crate::matching::MatchResponse> {
        self.progress.settle_reads();
        crate::matching::run(&self.graph(), &self.search, request)
    }

    /// A match of either kind: by entity when the request names one, else
    /// by text.
    pub fn match_request(&self, request: &crate::matching::MatchRequest) -> Result<crate::matching::MatchResponse> {
        request.validate()?;
        if request.entity.is_some() {
            self.match_entity(request)
        } else {
            self.match_text(request)
        }
    }

    /// The id of the entity `key` (an id, a name or an alias) names.
    pub fn resolve_id(&self, key: &str) -> Result<String> {
        let graph = self.graph();
        let entity = graph.resolve(key)?;
        Ok(graph.entity_at(entity).id.to_string())
    }

    /// What the graph holds in memory now, by part.
    pub fn graph_memory(&self) -> crate::graph::GraphMemory {
        self.graph().memory()
    }

    /// Entities and relations in the graph now.
    pub fn counts(&self) -> (usize, usize) {
        let graph = self.graph();
        (graph.entity_count(), graph.relation_count())
    }

    /// Counts and shape of the index.
    pub fn stats(&self) -> Stats {
        self.progress.settle_reads();
        let graph = self.graph();
        Stats {
            entities: graph.entity_count(),
            relations: graph.relation_count(),
            documents: self.manifest.counts.documents,
            pending_changes: self.pending_changes(),
            search_entries: self.search.num_entries(),
            graph: graph.stats(),
            manifest: self.manifest.clone(),
        }
    }
}

//! Changes made through the API, applied to a running engine.
//!
//! One write at a time (a mutex): its changes are checked against the graph
//! as it is and applied to a copy of it; names they bring join the
//! segmentation dictionary; the changes are appended to the graph log and
//! flushed, which makes them durable; their search entries are queued for
//! the search committer ([`super::committer`]); then the new graph and
//! suggester replace the old ones for the next queries, and the write is
//! acknowledged. A crash before the log append loses the write whole (the
//! client's retry applies it: every change is idempotent); a crash after it
//! can leave the search index behind the log, and opening the index brings
//! it up to the log's position ([`catch_up_search`]).
//!
//! A write of fewer than [`WAIT_FOR_SEARCH_FROM`] changes is acknowledged
//! without waiting for its search commit, which the committer makes with
//! those of the writes queued meanwhile; a search waits for it (see
//! [`super::committer::SearchProgress::settle_reads`]), so that what was
//! acknowledged is found. A larger write waits for its own commit, a small
//! share of its time, so that searches never wait on it.
//!
//! By default the log is folded into a new snapshot every
//! [`COMPACT_AFTER`] changes, or every [`COMPACT_SHARE`]th of the graph's
//! size in changes when that is more: a fold writes and reads the whole
//! snapshot and builds the suggester anew, which takes seconds at a million
//! entities, so a large graph folds after proportionally more changes. The
//! fold runs in the background ([`super::fold`]): writes go on being
//! logged, applied and acknowledged meanwhile, and the first write after it
//! has finished publishes the folded graph. The search index holds every
//! change of the log before it is folded.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use serde::Serialize;

use super::committer::{Committer, Indexing};
use super::fold::{Fold, FoldJob, Folded};
use super::{Current, Engine};
use crate::graph::{begin_fold, read_logs, settle_next_log, FoldState, GraphLog, KnowledgeGraph, LogSegment, Logs};
use crate::model::Change;
use crate::search::SearchIndex;
use crate::store::{self, WriteLock};
use crate::{Error, Result};

/// Logged changes after which the log is folded into a new snapshot, unless
/// the engine was opened with another count.
pub const COMPACT_AFTER: usize = 4096;

/// A graph of `n` entities and relations folds its log after `n /
/// COMPACT_SHARE` changes when that is more than [`COMPACT_AFTER`].
pub const COMPACT_SHARE: usize = 32;

/// Logged changes after which the log of `graph` is folded by default.
pub fn compact_after_for(graph: &KnowledgeGraph) -> usize {
    ((graph.entity_count() + graph.relation_count()) / COMPACT_SHARE).max(COMPACT_AFTER)
}

/// What a write must satisfy besides fitting the graph and the corpus
/// rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteRules {
    /// Whether an entity may take a name or alias another entity has (a
    /// different entity of the same name, on purpose). Without it such a
    /// write is refused, so that a name that resolved keeps resolving.
    pub allow_same_name: bool,
}

/// Changes from which a write waits for its search entries to be
/// committed before it is acknowledged.
pub const WAIT_FOR_SEARCH_FROM: usize = 1000;

/// How long a write waits for its search commit (one from
/// [`WAIT_FOR_SEARCH_FROM`] changes).
const SEARCH_COMMIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The open log and search committer of an engine that has taken changes.
pub(super) struct Writer {
    /// The log changes are appended to: the next log while a fold runs.
    log: GraphLog,
    /// The fold running in the background, if one is (dropped, it
    /// finishes its steps on disk: before the committer and the lock).
    pub(super) fold: Option<Fold>,
    /// Held for its thread: dropped, it commits what is queued and ends.
    _committer: Committer,
    /// The index's write lock, held from the first change on.
    _lock: WriteLock,
}

/// What a change did, as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteReceipt {
    /// `put_entity`, `delete_entity`, `put_relation` or `delete_relation`.
    pub op: &'static str,
    /// The entity's id, or the relation's ends and kind (`from>kind>to`).
    pub id: String,
    /// Whether a put added something new (rather than replacing).
    pub created: bool,
    /// Changes logged since the last snapshot (since the fold running in
    /// the background began, while one runs), this one included.
    pub pending_changes: usize,
    /// Whether this change began a fold of the log into a new snapshot
    /// (it runs in the background).
    pub compacted: bool,
}

fn op_name(change: &Change) -> &'static str {
    match change {
        Change::PutEntity { .. } => "put_entity",
        Change::DeleteEntity { .. } => "delete_entity",
        Change::PutRelation { .. } => "put_relation",
        Change::DeleteRelation { .. } => "delete_relation",
        Change::PutDocument { .. } => "put_document",
    }
}

impl Writer {
    /// Ends as a crash would: the log as flushed, the search entries not
    /// committed yet lost.
    #[cfg(test)]
    pub(super) fn crash(self) {
        let Writer {
            log,
            fold,
            _committer: committer,
            _lock: lock,
        } = self;
        if let Some(fold) = fold {
            fold.abandon();
        }
        committer.abandon();
        drop(log);
        drop(lock);
    }
}

impl Engine {
    /// Ends as a crash would (see [`Writer::crash`]).
    #[cfg(test)]
    pub(super) fn crash(self) {
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(writer) = writer {
            writer.crash();
        }
    }

    /// Refuses every later write, saying why.
    fn stop_writes(&self, reason: String) {
        tracing::error!(%reason, "writes stopped until the server restarts");
        let _ = self.writes_stopped.set(reason);
    }

    /// Changes logged since the snapshot (since the fold running in the
    /// background began, while one runs).
    pub fn pending_changes(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    fn open_writer(&self, graph: &Arc<KnowledgeGraph>) -> Result<Writer> {
        let index_dir = self.generation.parent().unwrap_or(&self.generation);
        let lock = WriteLock::acquire(index_dir)?;
        // a build that finished since this engine opened has replaced its
        // generation: changes to it would be lost
        if store::current_generation(index_dir)?.as_deref() != Some(self.generation.as_path()) {
            return Err(Error::IndexReplaced {
                path: index_dir.to_path_buf(),
            });
        }
        // the writer's indexing and merging threads inherit the lower
        // priority of the thread that makes them
        let index = Arc::clone(&self.search);
        let search = crate::background::run(move || index.writer())?.map_err(|e| match e {
            Error::Tantivy(tantivy::TantivyError::LockFailure(..)) => Error::IndexBusy {
                path: self.generation.clone(),
            },
            other => other,
        })?;
        let committer = Committer::start(Arc::clone(&self.search), search, Arc::clone(&self.progress))?;
        let files = store::graph_files(&self.generation);
        let logs = read_logs(&files, graph.epoch())?;
        let (log, fold) = match logs.state {
            FoldState::Settled => (GraphLog::open(&files.log, graph.epoch())?.0, None),
            FoldState::BeforeRename => {
                settle_next_log(&files)?;
                tracing::info!("a graph log fold stopped by a crash after its snapshot is finished");
                (GraphLog::open(&files.log, graph.epoch())?.0, None)
            }
            // a fold stopped before its snapshot: taken up again in the
            // background, the changes of the next log its tail
            FoldState::BeforeSnapshot => {
                let (log, tail) = GraphLog::open(&files.next_log, graph.epoch() + 1)?;
                let folded = logs.unfolded.first().map_or(0, |s| s.changes.len());
                let ticket = self.queue_unless_searchable(&logs, graph)?;
                let job = self.fold_job(files, graph.epoch(), folded, None, ticket);
                tracing::info!(
                    folded,
                    tail = tail.len(),
                    "a graph log fold stopped by a crash is taken up again"
                );
                (log, Some(Fold::start(job, vec![tail.into()])?))
            }
        };
        Ok(Writer {
            log,
            fold,
            _committer: committer,
            _lock: lock,
        })
    }

    /// Queues the changes of `logs` for the search index unless its last
    /// commit says it holds the first log whole (opening the index brought
    /// it up to them, unless another process held the index then);
    /// returns the ticket to wait for.
    fn queue_unless_searchable(&self, logs: &Logs, graph: &Arc<KnowledgeGraph>) -> Result<u64> {
        let (Some(first), Some(last)) = (logs.unfolded.first(), logs.unfolded.last()) else {
            return Ok(0);
        };
        let holds = match self.search.logged_position()? {
            Some((at, count)) => (at == first.epoch && count >= first.changes.len()) || at > first.epoch,
            None => false,
        };
        if holds {
            return Ok(0);
        }
        let changes: Arc<[Change]> = logs.unfolded.iter().flat_map(|s| s.changes.iter().cloned()).collect();
        Ok(self.progress.queue(Indexing {
            changes,
            fresh_words: Vec::new(),
            graph: Arc::clone(graph),
            epoch: last.epoch,
            logged: last.changes.len(),
        }))
    }

    /// The work of a fold of the log of the snapshot of `epoch`.
    fn fold_job(
        &self,
        files: crate::graph::GraphFiles,
        epoch: u64,
        folded: usize,
        base: Option<Arc<KnowledgeGraph>>,
        ticket: u64,
    ) -> FoldJob {
        FoldJob {
            files,
            epoch,
            folded,
            base,
            ticket,
            progress: Arc::clone(&self.progress),
            #[cfg(test)]
            hook: self.fold_hook.lock().unwrap_or_else(PoisonError::into_inner).clone(),
        }
    }

    /// Applies one change durably under the default [`WriteRules`]: see
    /// [`Engine::write_with`].
    pub fn write(&self, change: Change) -> Result<WriteReceipt> {
        self.write_with(change, WriteRules::default())
    }

    /// Applies one change durably: when this returns `Ok`, the change is in
    /// the log on disk and answers every later query.
    ///
    /// The change is held to the corpus rules first
    /// ([`crate::corpus::rules`]: names cleaned, no self-links, evidence
    /// quoting a document the index holds) and to `rules`; nothing is
    /// written when it fails them. Fails with [`Error::EntityNotFound`] or
    /// [`Error::RelationNotFound`] for what does not exist,
    /// [`Error::InvalidParameter`] for a change that breaks a rule,
    /// [`Error::NameTaken`] for a name another entity has, and
    /// [`Error::IndexBusy`] when another process writes to the index.
    pub fn write_with(&self, change: Change, rules: WriteRules) -> Result<WriteReceipt> {
        let batch = self.write_batch(vec![change], rules)?;
        let (op, id, created) = match batch.changes.into_iter().next() {
            Some(done) => (done.op, done.id, done.created),
            None => ("none", String::new(), false),
        };
        Ok(WriteReceipt {
            op,
            id,
            created,
            pending_changes: batch.pending_changes,
            compacted: batch.compacted,
        })
    }

    /// Applies changes durably as one write: all of them or none. When this
    /// returns `Ok`, they are in the log on disk (one record, flushed once)
    /// and answer every later query (a search waits for their entries when
    /// they are not committed yet, see [`super::committer`]); the graph is
    /// copied once for them all, and the search entries they touch are
    /// committed together.
    ///
    /// Each change is held to the rules at its turn, seeing the changes
    /// before it in the batch (a relation may link an entity the batch
    /// adds, and cite a document it adds). The first change that fails
    /// them fails the batch, naming its position, and nothing is written.
    pub fn write_batch(&self, changes: Vec<Change>, rules: WriteRules) -> Result<BatchReceipt> {
        let started = std::time::Instant::now();
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        // a fold that finished in the background is published first
        let finished = match slot.as_mut() {
            Some(writer) => self.finish_fold(writer, false),
            None => Ok(false),
        };
        let finished_at = started.elapsed();
        if let Some(reason) = self.writes_stopped.get() {
            return Err(Error::WritesStopped { reason: reason.clone() });
        }
        finished?;
        if let Some(reason) = self.progress.ended() {
            self.stop_writes(reason.clone());
            return Err(Error::WritesStopped { reason });
        }
        let Current { graph, suggester } = self.current();
        let count = changes.len();
        let mut context = BatchContext::default();
        let mut held = Vec::with_capacity(count);
        for (at, change) in changes.into_iter().enumerate() {
            let change = self
                .held_to_rules(change, &graph, rules, &mut context)
                .map_err(|error| in_batch(error, at, count))?;
            held.push(change);
        }
        let done: Vec<ChangeReceipt> = held.iter().map(|change| describe(change, &graph)).collect();
        // applied to a copy first: a change that does not fit is refused
        // before anything is written; queries read the graph as it was
        let next = crate::background::install(|| self.applied(&graph, &held, count))?;
        crate::matching::carry_track_records(&graph, &next, &held);
        let next = Arc::new(next);
        let applied_at = started.elapsed();
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(self.open_writer(&graph)?),
        };
        let fresh_words = self.add_words(&held)?;
        let words_at = started.elapsed();
        writer.log.append_all(&held)?;
        let logged_at = started.elapsed();
        let held: Arc<[Change]> = held.into();
        let ticket = self.progress.queue(Indexing {
            changes: Arc::clone(&held),
            fresh_words,
            graph: Arc::clone(&next),
            epoch: writer.log.epoch(),
            logged: writer.log.len(),
        });
        if let Some(fold) = writer.fold.as_ref() {
            fold.push_tail(Arc::clone(&held));
        }
        let compacted = self.begin_fold_if_due(writer, &next, ticket);
        let compacted_at = started.elapsed();
        self.pending.store(writer.log.len(), Ordering::Release);
        // entities keep their positions until a folded graph is published
        // (with a suggester of its own): the changed entities are indexed
        // again beside the others
        let positions = changed_positions(&held, &graph, &next);
        let suggester = if positions.is_empty() {
            suggester
        } else {
            Arc::new(crate::background::install(|| {
                suggester.with_changes(&*next, &positions)
            }))
        };
        self.note_short_forms(&held);
        let replaced = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            Current { graph: next, suggester },
        );
        // freed (when no query holds it any more) outside the lock
        drop(replaced);
        let published_at = started.elapsed();
        if count >= WAIT_FOR_SEARCH_FROM {
            if let Err(error) = self.progress.wait_visible(ticket, SEARCH_COMMIT_TIMEOUT) {
                tracing::error!(%error, changes = count, "changes logged and applied, but their search entries are not committed");
                return Err(error);
            }
        }
        self.progress.acknowledge(ticket);
        let ms = |at: std::time::Duration| at.as_secs_f64() * 1e3;
        tracing::debug!(
            changes = count,
            fold_publish_ms = ms(finished_at),
            apply_ms = ms(applied_at - finished_at),
            words_ms = ms(words_at - applied_at),
            append_ms = ms(logged_at - words_at),
            compact_ms = ms(compacted_at - logged_at),
            suggester_ms = ms(published_at - compacted_at),
            search_wait_ms = ms(started.elapsed() - published_at),
            total_ms = ms(started.elapsed()),
            compacted,
            "changes written"
        );
        Ok(BatchReceipt {
            changes: done,
            pending_changes: writer.log.len(),
            compacted,
        })
    }

    /// Waits for the fold of the graph log running in the background, if
    /// one is, and publishes the folded graph; returns whether one ran.
    /// Writes need not call this (the first write after a fold publishes
    /// it); it is for those that want the snapshot taken and its graph
    /// answering now. Fails with [`Error::WritesStopped`] when the fold
    /// failed.
    pub fn wait_for_fold(&self) -> Result<bool> {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_mut() {
            Some(writer) => self.finish_fold(writer, true),
            None => Ok(false),
        }
    }

    /// `change` as it may be written: its entity's names cleaned, checked
    /// against the corpus rules and `rules`.
    fn held_to_rules(
        &self,
        mut change: Change,
        graph: &KnowledgeGraph,
        rules: WriteRules,
        context: &mut BatchContext,
    ) -> Result<Change> {
        let first_problem = |problems: Vec<crate::corpus::rules::FieldProblem>| match problems.into_iter().next() {
            Some((field, message)) => Err(Error::invalid_parameter(field, message)),
            None => Ok(()),
        };
        match &mut change {
            Change::PutEntity { entity } => {
                first_problem(crate::corpus::rules::check_entity(entity))?;
                if !rules.allow_same_name {
                    for name in std::iter::once(&entity.name).chain(&entity.aliases) {
                        let other = graph
                            .name_holders(name)
                            .into_iter()
                            .find(|&holder| graph.entity_at(holder).id != entity.id);
                        if let Some(holder) = other {
                            return Err(Error::NameTaken {
                                name: name.clone(),
                                holder: graph.describe(holder),
                            });
                        }
                        if let Some((_, holder)) = context.names.get(name).filter(|(id, _)| *id != entity.id) {
                            return Err(Error::NameTaken {
                                name: name.clone(),
                                holder: holder.clone(),
                            });
                        }
                    }
                }
                let holder = format!("{} ({} {})", entity.id, entity.kind.label(), entity.name);
                for name in entity.names() {
                    context
                        .names
                        .insert(name.to_string(), (entity.id.clone(), holder.clone()));
                }
            }
            Change::PutRelation { relation } => {
                let document = |id: &str| match context.documents.get(id) {
                    Some(text) => Some(std::borrow::Cow::Borrowed(text.as_str())),
                    None => match self.progress.pending_document(id) {
                        Some(pending) => pending.map(std::borrow::Cow::Owned),
                        None => self
                            .search
                            .document_text(id)
                            .ok()
                            .flatten()
                            .map(std::borrow::Cow::Owned),
                    },
                };
                first_problem(crate::corpus::rules::check_relation(relation, document))?;
            }
            Change::DeleteRelation { from, to, kind } => {
                if !graph.has_relation(from, to, *kind) {
                    return Err(Error::RelationNotFound {
                        from: from.clone(),
                        to: to.clone(),
                        kind: kind.to_string(),
                    });
                }
            }
            Change::PutDocument { document } => {
                first_problem(crate::corpus::rules::check_document(document))?;
                context.documents.insert(document.id.clone(), document.text.clone());
            }
            Change::DeleteEntity { .. } => {}
        }
        Ok(change)
    }

    /// Adds the names the `changes` bring to the segmentation dictionary
    /// and keeps them with the index (before the changes are logged, so
    /// that the entries indexed with them are read with them after a
    /// restart); returns the words new to the dictionary.
    fn add_words(&self, changes: &[Change]) -> Result<Vec<String>> {
        let fresh = self.search.segmenter().add_words(
            changes
                .iter()
                .flat_map(|change| match change {
                    Change::PutEntity { entity } => Some(entity.names()),
                    _ => None,
                })
                .flatten(),
        );
        store::append_added_words(&self.generation, &fresh)?;
        Ok(fresh)
    }

    /// The graph after `changes`, applied to a copy outside any lock:
    /// queries go on reading the graph as it was until the new one (and
    /// its suggester) replaces it, in one swap. Changes are one batch at a
    /// time (the writer lock), so no other change can slip in between.
    /// Entities keep their positions until a compaction, so the suggester
    /// of the graph before stays valid until its successor replaces it.
    fn applied(&self, graph: &KnowledgeGraph, changes: &[Change], count: usize) -> Result<KnowledgeGraph> {
        let mut next = KnowledgeGraph::clone(graph);
        next.apply_checked(changes.iter().cloned())
            .map_err(|(at, error)| in_batch(error, at, count))?;
        Ok(next)
    }

    /// Begins a fold of the log in the background when it holds enough
    /// changes and no fold runs (see [`super::fold`]): the changes of the
    /// writes after this one go to the next log. `graph` is the graph after
    /// the log, the write of `ticket` its last. Returns whether a fold
    /// began.
    fn begin_fold_if_due(&self, writer: &mut Writer, graph: &Arc<KnowledgeGraph>, ticket: u64) -> bool {
        let due_after = self.compact_after.unwrap_or_else(|| compact_after_for(graph));
        if writer.fold.is_some() || writer.log.len() < due_after {
            return false;
        }
        let started = std::time::Instant::now();
        let files = store::graph_files(&self.generation);
        let epoch = writer.log.epoch();
        let folded = writer.log.len();
        // The change is logged and applies: it is published. A failure
        // leaves the files in a state a restart reads back whole, but this
        // process's log may no longer be the one to append to, so it takes
        // no more changes.
        let next_log = match begin_fold(&files, epoch) {
            Ok(next_log) => next_log,
            Err(error) => {
                self.stop_writes(format!("beginning a fold of the graph log failed: {error}"));
                return false;
            }
        };
        writer.log = next_log;
        let job = self.fold_job(files, epoch, folded, Some(Arc::clone(graph)), ticket);
        match Fold::start(job, Vec::new()) {
            Ok(fold) => writer.fold = Some(fold),
            Err(error) => {
                self.stop_writes(format!("starting a fold of the graph log failed: {error}"));
                return false;
            }
        }
        tracing::debug!(
            epoch,
            folded,
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "graph log fold begun in the background"
        );
        true
    }

    /// Publishes the graph a fold made when it has finished (or waits for
    /// it with `wait`): the changes written since it began applied to it,
    /// its suggester brought up to them, both replacing the current ones
    /// in one swap. Returns whether a fold ended; a fold that failed stops
    /// writes (the error says why).
    fn finish_fold(&self, writer: &mut Writer, wait: bool) -> Result<bool> {
        let Some(fold) = writer.fold.take_if(|fold| wait || fold.is_finished()) else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        let (outcome, tail) = fold.join();
        let stopped = |reason: String| {
            self.stop_writes(reason.clone());
            Err(Error::WritesStopped { reason })
        };
        let Folded {
            mut graph,
            suggester,
            applied,
        } = match outcome {
            Ok(Some(folded)) => folded,
            Ok(None) => return stopped("the graph log fold stopped before its end".into()),
            Err(error) => return stopped(format!("folding the graph log failed: {error}")),
        };
        // the writes the fold thread had not applied yet
        let rest: Vec<Change> = tail
            .get(applied..)
            .unwrap_or_default()
            .iter()
            .flat_map(|changes| changes.iter().cloned())
            .collect();
        let count = rest.len();
        let suggester = match crate::background::install(|| super::fold::apply_tail(&mut graph, suggester, &rest)) {
            Ok(suggester) => suggester,
            Err(error) => {
                return stopped(format!(
                    "the changes written while the graph log was folded do not apply to the folded graph: {error}"
                ))
            }
        };
        writer.log.renamed_to(&store::graph_files(&self.generation).log);
        let replaced = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            Current {
                graph: Arc::new(graph),
                suggester: Arc::new(suggester),
            },
        );
        drop(replaced);
        tracing::info!(
            epoch = writer.log.epoch(),
            tail_applied_by_the_fold = applied,
            tail = count,
            publish_ms = started.elapsed().as_secs_f64() * 1e3,
            "folded graph published"
        );
        Ok(true)
    }
}

/// The ids of the entities and documents `changes` put or delete (those
/// whose names the suggester holds).
pub(super) fn named_ids(changes: &[Change]) -> impl Iterator<Item = &str> {
    changes.iter().filter_map(|change| match change {
        Change::PutEntity { entity } => Some(entity.id.as_str()),
        Change::DeleteEntity { id } => Some(id.as_str()),
        Change::PutDocument { document } => Some(document.id.as_str()),
        _ => None,
    })
}

/// The positions of the entities and documents `changes` put or delete,
/// from `graph` to `next` (a deleted one is found by id only before the
/// change, a new one only after it).
fn changed_positions(changes: &[Change], graph: &KnowledgeGraph, next: &KnowledgeGraph) -> Vec<u32> {
    named_ids(changes)
        .filter_map(|id| graph.position_of_id(id).or_else(|| next.position_of_id(id)))
        .map(|position| position.get())
        .collect()
}

/// What one change of a written batch did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeReceipt {
    /// `put_entity`, `delete_entity`, `put_relation`, `delete_relation` or
    /// `put_document`.
    pub op: &'static str,
    /// The entity's or document's id, or the relation's ends and kind
    /// (`from>kind>to`).
    pub id: String,
    /// Whether a put added something new (rather than replacing).
    pub created: bool,
}

/// What a batch of changes did, as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchReceipt {
    /// One receipt per change, in order.
    pub changes: Vec<ChangeReceipt>,
    /// Changes logged since the last snapshot (since the fold running in
    /// the background began, while one runs), these included.
    pub pending_changes: usize,
    /// Whether this batch began a fold of the log into a new snapshot (it
    /// runs in the background).
    pub compacted: bool,
}

/// What the changes before one in its batch make true for the rules.
#[derive(Default)]
struct BatchContext {
    /// Names and aliases given by the batch so far, and to whom (as
    /// [`KnowledgeGraph::describe`] puts it).
    names: std::collections::HashMap<String, (String, String)>,
    /// The texts of the documents the batch adds so far.
    documents: std::collections::HashMap<String, String>,
}

/// `error` of the change at `at` of a batch of `count`, saying which one
/// (a batch of one is a plain write: the error as it is).
fn in_batch(error: Error, at: usize, count: usize) -> Error {
    if count <= 1 {
        return error;
    }
    match error {
        Error::InvalidParameter { name, message } => Error::InvalidParameter {
            name,
            message: format!("{message} (change {} of {count})", at + 1),
        },
        other => other,
    }
}

/// The receipt of a change: its operation name, key and whether a put
/// creates something new in `graph`.
fn describe(change: &Change, graph: &KnowledgeGraph) -> ChangeReceipt {
    let op = op_name(change);
    let (id, created) = match change {
        Change::PutEntity { entity } => (entity.id.clone(), !graph.has_entity_id(&entity.id)),
        Change::DeleteEntity { id } => (id.clone(), false),
        Change::PutRelation { relation } => (
            format!("{}>{}>{}", relation.from, relation.kind, relation.to),
            !graph.has_relation(&relation.from, &relation.to, relation.kind),
        ),
        Change::DeleteRelation { from, to, kind } => (format!("{from}>{kind}>{to}"), false),
        Change::PutDocument { document } => (document.id.clone(), !graph.has_entity_id(&document.id)),
    };
    ChangeReceipt { op, id, created }
}

/// Brings the search index up to the graph logs: applies to it the entity
/// changes of `logs` (those a fold left behind first, each log with the
/// snapshot epoch it follows) that its last commit does not say it holds.
/// Its commit names a log and a position in it; one naming none of them
/// holds none of them (a log is folded away only once the search index
/// holds it). Nothing to do, and no lock taken, in the usual case; when
/// another process holds the index's write lock (a server that took
/// changes, or a build) it is left to that process.
pub(super) fn catch_up_search(search: &SearchIndex, index_dir: &Path, logs: &Logs) -> Result<()> {
    let segments: Vec<&LogSegment> = logs.segments().collect();
    let Some(last) = segments.last() else {
        return Ok(());
    };
    let (from, held) = match search.logged_position()? {
        Some((at, count)) => segments
            .iter()
            .position(|segment| segment.epoch == at && count <= segment.changes.len())
            .map_or((0, 0), |from| (from, count)),
        None => (0, 0),
    };
    let behind: Vec<&Change> = segments[from..]
        .iter()
        .enumerate()
        .flat_map(|(i, segment)| &segment.changes[if i == 0 { held } else { 0 }..])
        .filter(|c| {
            matches!(
                c,
                Change::PutEntity { .. } | Change::DeleteEntity { .. } | Change::PutDocument { .. }
            )
        })
        .collect();
    if behind.is_empty() {
        return Ok(());
    }
    let busy = |changes: usize| {
        tracing::warn!(
            changes,
            "search index behind the graph log; another process writes to it"
        );
        Ok(())
    };
    let _lock = match WriteLock::acquire(index_dir) {
        Ok(lock) => lock,
        Err(Error::IndexBusy { .. }) => return busy(behind.len()),
        Err(other) => return Err(other),
    };
    let mut writer = match search.writer() {
        Ok(writer) => writer,
        Err(Error::Tantivy(tantivy::TantivyError::LockFailure(..))) => return busy(behind.len()),
        Err(other) => return Err(other),
    };
    for change in &behind {
        writer.apply_change(change)?;
    }
    writer.commit_logged(last.epoch, last.changes.len())?;
    search.reload()?;
    tracing::info!(changes = behind.len(), "search index brought up to the graph log");
    Ok(())
}

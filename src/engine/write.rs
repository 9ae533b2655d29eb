//! Changes made through the API, applied to a running engine.
//!
//! One change at a time (a mutex): the change is checked against the graph
//! as it is; an entity's search entry is replaced (or removed) in the
//! search writer; the change is appended to the graph log and flushed,
//! which is when it is acknowledged; the search entry is committed with
//! the log position it reaches; then the change applies to the graph, and
//! the new graph and suggester replace the old ones for the next queries.
//! A crash before the log append loses the change whole (the client's
//! retry applies it: every change is idempotent); a crash after it leaves
//! the search index behind the log, and opening the index brings it up to
//! the log's position ([`catch_up_search`]).
//!
//! Every [`COMPACT_AFTER`] changes (by default) the log is folded into a
//! new snapshot.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use serde::Serialize;

use super::{Current, Engine};
use crate::graph::{fold_log, EntityIndex, GraphLog, KnowledgeGraph};
use crate::model::Change;
use crate::search::{SearchIndex, SearchWriter, Suggester};
use crate::store::{self, WriteLock};
use crate::{Error, Result};

/// Logged changes after which the log is folded into a new snapshot, unless
/// the engine was opened with another count.
pub const COMPACT_AFTER: usize = 4096;

/// What a write must satisfy besides fitting the graph and the corpus
/// rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteRules {
    /// Whether an entity may take a name or alias another entity has (a
    /// different entity of the same name, on purpose). Without it such a
    /// write is refused, so that a name that resolved keeps resolving.
    pub allow_same_name: bool,
}

/// The open log and search writer of an engine that has taken changes.
pub(super) struct Writer {
    log: GraphLog,
    search: SearchWriter,
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
    /// Changes logged since the last snapshot, this one included.
    pub pending_changes: usize,
    /// Whether this change's log was folded into a new snapshot.
    pub compacted: bool,
}

fn op_name(change: &Change) -> &'static str {
    match change {
        Change::PutEntity { .. } => "put_entity",
        Change::DeleteEntity { .. } => "delete_entity",
        Change::PutRelation { .. } => "put_relation",
        Change::DeleteRelation { .. } => "delete_relation",
    }
}

impl Engine {
    /// Refuses every later write, saying why.
    fn stop_writes(&self, reason: String) {
        tracing::error!(%reason, "writes stopped until the server restarts");
        let _ = self.writes_stopped.set(reason);
    }

    /// Changes logged since the snapshot.
    pub fn pending_changes(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    fn open_writer(&self, graph: &KnowledgeGraph) -> Result<Writer> {
        let index_dir = self.generation.parent().unwrap_or(&self.generation);
        let lock = WriteLock::acquire(index_dir)?;
        // a build that finished since this engine opened has replaced its
        // generation: changes to it would be lost
        if store::current_generation(index_dir)?.as_deref() != Some(self.generation.as_path()) {
            return Err(Error::IndexReplaced {
                path: index_dir.to_path_buf(),
            });
        }
        let search = self.search.writer().map_err(|e| match e {
            Error::Tantivy(tantivy::TantivyError::LockFailure(..)) => Error::IndexBusy {
                path: self.generation.clone(),
            },
            other => other,
        })?;
        let (log, _) = GraphLog::open(&store::graph_files(&self.generation).log, graph.epoch())?;
        Ok(Writer {
            log,
            search,
            _lock: lock,
        })
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
        let started = std::time::Instant::now();
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(reason) = self.writes_stopped.get() {
            return Err(Error::WritesStopped { reason: reason.clone() });
        }
        let Current { graph, suggester } = self.current();
        graph.check(&change)?;
        let change = self.held_to_rules(change, &graph, rules)?;
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(self.open_writer(&graph)?),
        };
        let (op, id, created) = describe(&change, &graph);
        let logged = self.log_change(writer, &change, &graph)?;
        let logged_at = started.elapsed();
        let (graph, renamed) = self.applied(graph, change, &id)?;
        let (graph, compacted) = self.compact_if_due(writer, graph);
        self.pending.store(writer.log.len(), Ordering::Release);
        let applied_at = started.elapsed();
        // a snapshot renumbers entities: the folded graph needs a suggester
        // built anew, published with it; otherwise the changed entity is
        // indexed again beside the others
        let suggester = if compacted {
            Arc::new(Suggester::build(&graph))
        } else if logged.names_changed {
            Arc::new(match renamed {
                Some(entity) => suggester.with_change(&graph, entity.get()),
                None => Suggester::build(&graph),
            })
        } else {
            suggester
        };
        let replaced = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            Current { graph, suggester },
        );
        // freed (when no query holds it any more) outside the lock
        drop(replaced);
        if let Err(error) = logged.searched {
            tracing::error!(%error, op, id, "change logged and applied, but its search entry is not committed");
            return Err(error);
        }
        tracing::debug!(
            op,
            log_ms = logged_at.as_secs_f64() * 1e3,
            apply_ms = (applied_at - logged_at).as_secs_f64() * 1e3,
            suggester_ms = (started.elapsed() - applied_at).as_secs_f64() * 1e3,
            "change applied"
        );
        Ok(WriteReceipt {
            op,
            id,
            created,
            pending_changes: writer.log.len(),
            compacted,
        })
    }

    /// `change` as it may be written: its entity's names cleaned, checked
    /// against the corpus rules and `rules`.
    fn held_to_rules(&self, mut change: Change, graph: &KnowledgeGraph, rules: WriteRules) -> Result<Change> {
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
                    }
                }
            }
            Change::PutRelation { relation } => {
                let document = |id: &str| {
                    self.search
                        .document_text(id)
                        .ok()
                        .flatten()
                        .map(std::borrow::Cow::Owned)
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
            Change::DeleteEntity { .. } => {}
        }
        Ok(change)
    }

    /// Replaces the change's search entry, appends the change to the log
    /// (flushed: from here on the change is acknowledged) and commits the
    /// search entry with the log position it reaches. A failure before the
    /// log append rolls the search entry back and writes nothing.
    fn log_change(&self, writer: &mut Writer, change: &Change, graph: &KnowledgeGraph) -> Result<Logged> {
        let names_changed = match writer.search.apply_change(change) {
            Ok(changed) => changed,
            Err(error) => return Err(rolled_back(&mut writer.search, error)),
        };
        if let Err(error) = writer.log.append(change) {
            return Err(rolled_back(&mut writer.search, error));
        }
        // A failed search commit is reported after the change has applied
        // to the graph (the log holds it); the next open brings the index
        // up to the log.
        let searched = if names_changed {
            writer
                .search
                .commit_logged(graph.epoch(), writer.log.len())
                .and_then(|()| self.search.reload())
        } else {
            Ok(())
        };
        Ok(Logged {
            names_changed,
            searched,
        })
    }

    /// The graph after a logged change, and the position of the entity
    /// whose names it changed, if any.
    ///
    /// The change applies to a copy, outside any lock: queries go on
    /// reading the graph as it was until the new one (and its suggester)
    /// replaces it, in one swap. Changes are one at a time (the writer
    /// lock), so no other change can slip in between. Entities keep their
    /// positions until a compaction, so the suggester of the graph before
    /// stays valid until its successor replaces it.
    fn applied(
        &self,
        graph: Arc<KnowledgeGraph>,
        change: Change,
        id: &str,
    ) -> Result<(Arc<KnowledgeGraph>, Option<EntityIndex>)> {
        let entity_change = matches!(change, Change::PutEntity { .. } | Change::DeleteEntity { .. });
        let mut next = KnowledgeGraph::clone(&graph);
        if let Err(error) = next.apply(change) {
            // checked before it was logged, so a fault: the log holds what
            // the graph lacks
            self.stop_writes(format!("a logged change does not apply: {error}"));
            return Err(error);
        }
        // a deleted entity is found by id only before the change, a new one
        // only after it
        let renamed = entity_change
            .then(|| graph.position_of_id(id).or_else(|| next.position_of_id(id)))
            .flatten();
        Ok((Arc::new(next), renamed))
    }

    /// Folds the log into a new snapshot when it holds enough changes,
    /// before anyone reads the new graph; returns the graph to publish and
    /// whether it was folded.
    fn compact_if_due(&self, writer: &mut Writer, graph: Arc<KnowledgeGraph>) -> (Arc<KnowledgeGraph>, bool) {
        if writer.log.len() < self.compact_after {
            return (graph, false);
        }
        match fold_log(&graph, &store::graph_files(&self.generation)) {
            Ok((folded, log)) => {
                writer.log = log;
                (Arc::new(folded), true)
            }
            // The change is logged and applies: it is published. The
            // snapshot and log on disk may now disagree with this process's
            // log, so it takes no more changes; a restart reads them back
            // consistently.
            Err(error) => {
                self.stop_writes(format!("compacting the graph log failed: {error}"));
                (graph, false)
            }
        }
    }
}

/// What logging a change did to the search index.
struct Logged {
    /// Whether the change touched an entity's names (its search entry).
    names_changed: bool,
    /// The outcome of committing the search entry.
    searched: Result<()>,
}

/// The receipt's operation name, key and whether a put creates something
/// new in `graph`.
fn describe(change: &Change, graph: &KnowledgeGraph) -> (&'static str, String, bool) {
    let op = op_name(change);
    match change {
        Change::PutEntity { entity } => (op, entity.id.clone(), !graph.has_entity_id(&entity.id)),
        Change::DeleteEntity { id } => (op, id.clone(), false),
        Change::PutRelation { relation } => (
            op,
            format!("{}>{}>{}", relation.from, relation.kind, relation.to),
            !graph.has_relation(&relation.from, &relation.to, relation.kind),
        ),
        Change::DeleteRelation { from, to, kind } => (op, format!("{from}>{kind}>{to}"), false),
    }
}

/// `error`, after dropping the search changes not yet committed (so the
/// next commit does not carry them).
fn rolled_back(search: &mut SearchWriter, error: Error) -> Error {
    if let Err(rollback) = search.rollback() {
        tracing::error!(%rollback, "search changes could not be dropped");
    }
    error
}

/// Brings the search index up to the graph log: applies to it the entity
/// changes among `logged` (the log following snapshot `epoch`) that its
/// last commit does not say it holds. Nothing to do, and no lock taken, in
/// the usual case; when another process holds the index's write lock (a
/// server that took changes, or a build) it is left to that process.
pub(super) fn catch_up_search(search: &SearchIndex, index_dir: &Path, logged: &[Change], epoch: u64) -> Result<()> {
    let held = match search.logged_position()? {
        Some((at, count)) if at == epoch && count <= logged.len() => count,
        _ => 0,
    };
    let behind: Vec<&Change> = logged[held..]
        .iter()
        .filter(|c| matches!(c, Change::PutEntity { .. } | Change::DeleteEntity { .. }))
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
    writer.commit_logged(epoch, logged.len())?;
    search.reload()?;
    tracing::info!(changes = behind.len(), "search index brought up to the graph log");
    Ok(())
}

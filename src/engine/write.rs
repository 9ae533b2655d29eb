//! Changes made through the API, applied to a running engine.
//!
//! One change at a time (a mutex): the change is checked against the graph
//! as it is; an entity's search entry is replaced (or removed) and
//! committed; the change is appended to the graph log and flushed, which is
//! when it is acknowledged; then it applies to the graph, and the new graph
//! and suggester replace the old ones for the next queries. A crash before
//! the log append leaves at most a search entry ahead of the graph, which
//! the client's retry (every change is idempotent) brings in line.
//!
//! Every [`COMPACT_AFTER`] changes (by default) the log is folded into a
//! new snapshot.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use serde::Serialize;

use super::{Current, Engine};
use crate::graph::{fold_log, Change, GraphLog, KnowledgeGraph, LOG_FILE};
use crate::search::{SearchWriter, Suggester};
use crate::{Error, Result};

/// Logged changes after which the log is folded into a new snapshot, unless
/// the engine was opened with another count.
pub const COMPACT_AFTER: usize = 4096;

/// The open log and search writer of an engine that has taken changes.
pub(super) struct Writer {
    log: GraphLog,
    search: SearchWriter,
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
    /// Changes logged since the snapshot.
    pub fn pending_changes(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    fn open_writer(&self, graph: &KnowledgeGraph) -> Result<Writer> {
        let search = self.search.writer().map_err(|e| match e {
            Error::Tantivy(tantivy::TantivyError::LockFailure(..)) => Error::IndexBusy {
                path: self.generation.clone(),
            },
            other => other,
        })?;
        let (log, _) = GraphLog::open(&self.generation.join(LOG_FILE), graph.epoch)?;
        Ok(Writer { log, search })
    }

    /// Applies one change durably: when this returns `Ok`, the change is in
    /// the log on disk and answers every later query.
    ///
    /// Fails with [`Error::EntityNotFound`] or [`Error::InvalidParameter`]
    /// for a change that does not fit the graph (nothing is written), and
    /// with [`Error::IndexBusy`] when another process writes to the index.
    pub fn write(&self, change: Change) -> Result<WriteReceipt> {
        let started = std::time::Instant::now();
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let graph = self.graph();
        graph.check(&change)?;
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(self.open_writer(&graph)?),
        };
        let op = op_name(&change);
        let (id, created) = match &change {
            Change::PutEntity { entity } => (entity.id.clone(), !graph.has_entity_id(&entity.id)),
            Change::DeleteEntity { id } => (id.clone(), false),
            Change::PutRelation { relation } => (
                format!("{}>{}>{}", relation.from, relation.kind, relation.to),
                !graph.has_relation(&relation.from, &relation.to, relation.kind),
            ),
            Change::DeleteRelation { from, to, kind } => (format!("{from}>{kind}>{to}"), false),
        };
        // the entity whose names change, by its position before the change
        // (a deleted entity is not found by id after it)
        let renamed = match &change {
            Change::DeleteEntity { id } => graph.position_of_id(id),
            _ => None,
        };
        let names_changed = writer.search.apply_change(&change)?;
        if names_changed {
            writer.search.commit()?;
            self.search.reload()?;
        }
        let searched = started.elapsed();
        writer.log.append(&change)?;
        let logged = started.elapsed();

        // The change is acknowledged from here on: apply it. Queries in
        // flight keep the graph they started with; new ones wait for the
        // change to apply. Entities keep their positions in the graph until
        // a compaction, so the suggester of the graph before stays valid
        // until its successor replaces it.
        drop(graph);
        let put_id = match &change {
            Change::PutEntity { entity } => Some(entity.id.clone()),
            _ => None,
        };
        let (mut graph, suggester) = {
            let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
            Arc::make_mut(&mut current.graph).apply(change)?;
            (current.graph.clone(), current.suggester.clone())
        };
        let renamed = renamed.or_else(|| put_id.and_then(|id| graph.position_of_id(&id)));
        // Changes are one at a time (the writer lock), so the graph can be
        // folded into a snapshot while queries go on reading it.
        let compacted = writer.log.len() >= self.compact_after;
        if compacted {
            let (folded, log) = fold_log(&graph, &self.generation)?;
            graph = Arc::new(folded);
            writer.log = log;
        }
        self.pending.store(writer.log.len(), Ordering::Release);
        let applied = started.elapsed();
        // a snapshot renumbers entities: the folded graph needs a suggester
        // built anew, published with it; otherwise the changed entity is
        // indexed again beside the others
        let suggester = if compacted {
            Some(Suggester::build(&graph))
        } else if names_changed {
            Some(match renamed {
                Some(entity) => suggester.with_change(&graph, entity),
                None => Suggester::build(&graph),
            })
        } else {
            None
        };
        if let Some(suggester) = suggester {
            let suggester = Arc::new(suggester);
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = Current { graph, suggester };
        }
        tracing::debug!(
            op,
            search_ms = searched.as_secs_f64() * 1e3,
            log_ms = (logged - searched).as_secs_f64() * 1e3,
            apply_ms = (applied - logged).as_secs_f64() * 1e3,
            suggester_ms = (started.elapsed() - applied).as_secs_f64() * 1e3,
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
}

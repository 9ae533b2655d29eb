//! Writing a plan: its changes through [`Engine::write_batch`] in batches
//! of a few thousand, each all-or-nothing, in the plan's order (every
//! entity before the relations naming it). Ids are deterministic and
//! changes idempotent, so an import stopped between two batches is
//! finished by running it again. This file owns the batching; what is
//! written is the plan's.

use serde::Serialize;

use super::plan::ImportPlan;
use crate::model::Change;
use crate::{Engine, Result, WriteRules};

/// Changes written per batch unless told otherwise.
pub const DEFAULT_CHUNK: usize = 5000;

/// The most a batch's changes may take, as estimated: a quarter of what
/// one log record may hold, so that long abstracts cannot overflow it.
const MAX_CHUNK_BYTES: usize = 16 << 20;

/// What writing a plan did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReceipt {
    /// Changes written.
    pub changes: usize,
    /// Batches they were written in.
    pub batches: usize,
    /// Changes that added a record (rather than replacing one).
    pub created: usize,
    /// Changes logged since the last snapshot, after the import.
    pub pending_changes: usize,
    /// Whether the last batch folded the log into a new snapshot.
    pub compacted: bool,
    pub elapsed_ms: u64,
}

/// Writes `plan`'s changes to `engine` in batches of about `chunk` changes
/// (see the module documentation), calling `progress` with the changes
/// written so far and the total after each batch.
///
/// People and patents may share names, so the batches are written with
/// [`WriteRules::allow_same_name`]: the plan has already refused every
/// other name taken by another entity. Fails with the first batch that
/// fails (the batches before it stay written).
pub fn import(
    engine: &Engine,
    plan: ImportPlan,
    chunk: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReceipt> {
    let started = std::time::Instant::now();
    let total = plan.changes.len();
    let chunk = chunk.max(1);
    let rules = WriteRules { allow_same_name: true };
    let mut receipt = ImportReceipt {
        changes: 0,
        batches: 0,
        created: 0,
        pending_changes: engine.pending_changes(),
        compacted: false,
        elapsed_ms: 0,
    };
    let mut changes = plan.changes.into_iter().peekable();
    while changes.peek().is_some() {
        let mut batch = Vec::with_capacity(chunk.min(total));
        let mut bytes = 0;
        while let Some(change) = changes.next_if(|_| batch.len() < chunk && bytes < MAX_CHUNK_BYTES) {
            bytes += approximate_bytes(&change);
            batch.push(change);
        }
        let size = batch.len();
        let written = engine.write_batch(batch, rules)?;
        receipt.changes += size;
        receipt.batches += 1;
        receipt.created += written.changes.iter().filter(|done| done.created).count();
        receipt.pending_changes = written.pending_changes;
        receipt.compacted = written.compacted;
        tracing::debug!(
            batch = receipt.batches,
            changes = size,
            written = receipt.changes,
            total,
            "batch written"
        );
        progress(receipt.changes, total);
    }
    receipt.elapsed_ms = started.elapsed().as_millis() as u64;
    tracing::info!(
        file = %plan.file,
        changes = receipt.changes,
        batches = receipt.batches,
        elapsed_ms = receipt.elapsed_ms,
        "import written"
    );
    Ok(receipt)
}

/// About the bytes a change takes in the log (its texts, plus room for
/// the JSON around them).
fn approximate_bytes(change: &Change) -> usize {
    let props = |props: &serde_json::Map<String, serde_json::Value>| {
        props
            .iter()
            .map(|(key, value)| key.len() + value.to_string().len() + 4)
            .sum::<usize>()
    };
    128 + match change {
        Change::PutEntity { entity } => {
            entity.id.len()
                + entity.names().map(|name| name.len() + 4).sum::<usize>()
                + entity.description.len()
                + entity.industry.iter().map(|i| i.len() + 4).sum::<usize>()
                + entity.location.len()
                + props(&entity.props)
        }
        Change::PutRelation { relation } => {
            relation.from.len()
                + relation.to.len()
                + relation.since.as_ref().map_or(0, String::len)
                + relation.unit.as_ref().map_or(0, String::len)
                + props(&relation.props)
                + relation
                    .evidence
                    .iter()
                    .map(|e| e.doc.len() + e.quote.len() + 16)
                    .sum::<usize>()
        }
        Change::PutDocument { document } => document.title.len() + document.text.len() + document.id.len(),
        Change::DeleteEntity { id } => id.len(),
        Change::DeleteRelation { from, to, .. } => from.len() + to.len(),
    }
}

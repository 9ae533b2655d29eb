//! The search side of writes: a thread of its own indexes the entries of
//! logged changes and commits them, every write queued since its last
//! commit at once (a group commit), then makes them visible to searches.
//!
//! A write is durable once its changes are in the graph log, which is when
//! it is queued here; opening the index brings the search index up to the
//! log ([`super::write::catch_up_search`]), so a crash between the log
//! append and the commit loses nothing. Reads keep seeing their writes:
//! a search first waits until every write acknowledged before it began is
//! visible ([`SearchProgress::settle_reads`]), and the texts of documents
//! not yet visible are answered from the queue
//! ([`SearchProgress::pending_document`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::graph::KnowledgeGraph;
use crate::model::Change;
use crate::search::{SearchIndex, SearchWriter};
use crate::{Error, Result};

/// Most entries one commit indexes again because they contain names new
/// to the dictionary.
pub const MAX_REINDEX: usize = 500;

/// Most new words one commit looks for in older entries.
pub const MAX_REINDEX_WORDS: usize = 64;

/// How long a search waits for the writes acknowledged before it to be
/// visible before it answers without them (and says so in the log).
pub const SETTLE_READS_FOR: Duration = Duration::from_secs(5);

/// How long the committer waits before trying a failed commit again.
const RETRY_AFTER: Duration = Duration::from_millis(500);

/// What one logged write gives the search index to do.
pub(super) struct Indexing {
    /// The changes, as logged.
    pub changes: Arc<[Change]>,
    /// Words the write added to the dictionary: older entries holding
    /// them are indexed again.
    pub fresh_words: Vec<String>,
    /// The graph after the write (entities indexed again are read there);
    /// a later write queued before the commit puts its own graph here, so
    /// that the queue holds one graph, not one per write.
    pub graph: Arc<KnowledgeGraph>,
    /// The snapshot epoch the log follows, and its length after the write.
    pub epoch: u64,
    pub logged: usize,
}

/// Whether the committer goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Running,
    /// Commit what is queued, then end.
    Draining,
    /// End without committing (what a crash does).
    #[cfg(test)]
    Abandoning,
}

/// The state shared by writes, reads and the committer.
struct State {
    queue: Vec<(u64, Indexing)>,
    /// Ticket of the last write queued.
    queued: u64,
    /// Ticket of the last write acknowledged to its client.
    acknowledged: u64,
    /// Ticket of the last write whose entries searches see.
    visible: u64,
    /// Documents put or deleted by writes not visible yet, by id: the
    /// ticket of the last write that did, and the text (`None` when
    /// deleted).
    documents: HashMap<String, (u64, Option<String>)>,
    /// Why the last commit failed, until one succeeds.
    failure: Option<String>,
    /// Tickets of writes whose entries failed (their waiters are told).
    failed_up_to: u64,
    /// Why the committer ended while writes were left, if it did.
    ended: Option<String>,
    run: Run,
    /// Test hook: while set, the committer takes nothing from the queue.
    #[cfg(test)]
    paused: bool,
}

/// How far the search index is behind the writes, shared by the engine's
/// reads and writes and the committer thread.
pub(super) struct SearchProgress {
    state: Mutex<State>,
    changed: Condvar,
}

impl Default for SearchProgress {
    fn default() -> Self {
        SearchProgress {
            state: Mutex::new(State {
                queue: Vec::new(),
                queued: 0,
                acknowledged: 0,
                visible: 0,
                documents: HashMap::new(),
                failure: None,
                failed_up_to: 0,
                ended: None,
                run: Run::Running,
                #[cfg(test)]
                paused: false,
            }),
            changed: Condvar::new(),
        }
    }
}

impl SearchProgress {
    fn lock(&self) -> MutexGuard<'_, State> {
        // every update of the state is whole before the lock is released
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a logged write's search work; returns its ticket.
    pub(super) fn queue(&self, indexing: Indexing) -> u64 {
        // made before the lock is taken: searches take it too, and a bulk
        // write may run at the lowest priority
        let documents: Vec<(String, Option<String>)> = indexing
            .changes
            .iter()
            .filter_map(|change| match change {
                Change::PutDocument { document } => Some((document.id.clone(), Some(document.text.clone()))),
                Change::DeleteEntity { id } => Some((id.clone(), None)),
                _ => None,
            })
            .collect();
        let mut state = self.lock();
        state.queued += 1;
        let ticket = state.queued;
        state.documents.reserve(documents.len());
        for (id, text) in documents {
            state.documents.insert(id, (ticket, text));
        }
        for (_, earlier) in state.queue.iter_mut() {
            earlier.graph = Arc::clone(&indexing.graph);
        }
        state.queue.push((ticket, indexing));
        self.changed.notify_all();
        ticket
    }

    /// Notes that the write of `ticket` was acknowledged: searches from
    /// now on wait for it.
    pub(super) fn acknowledge(&self, ticket: u64) {
        let mut state = self.lock();
        state.acknowledged = state.acknowledged.max(ticket);
    }

    /// Waits until the write of `ticket` is visible to searches, at most
    /// `timeout`. Fails when its entries could not be committed (they
    /// will be on a later try, or when the index is opened again), or when
    /// the time is up.
    pub(super) fn wait_visible(&self, ticket: u64, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if state.visible >= ticket {
                return Ok(());
            }
            if state.failed_up_to >= ticket {
                let reason = state.failure.clone().unwrap_or_default();
                return Err(Error::SearchBehind { reason });
            }
            if let Some(reason) = &state.ended {
                return Err(Error::SearchBehind { reason: reason.clone() });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::SearchBehind {
                    reason: format!("not committed within {} ms", timeout.as_millis()),
                });
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits until every write acknowledged so far is visible to
    /// searches (at most [`SETTLE_READS_FOR`]): what a search does first,
    /// so that it sees the writes acknowledged before it. When they are
    /// not, it answers without them, and the log says why.
    pub(super) fn settle_reads(&self) {
        let acknowledged = self.lock().acknowledged;
        if let Err(error) = self.wait_visible(acknowledged, SETTLE_READS_FOR) {
            tracing::warn!(%error, "a search answers without the latest acknowledged writes");
        }
    }

    /// What writes searches may not see yet did to the document `id`:
    /// `Some(Some(text))` when one put it, `Some(None)` when one deleted
    /// the entity or document of this id, `None` when none touched it.
    pub(super) fn pending_document(&self, id: &str) -> Option<Option<String>> {
        self.lock().documents.get(id).map(|(_, text)| text.clone())
    }

    /// Writes queued and not visible yet.
    #[cfg(test)]
    pub(super) fn behind(&self) -> u64 {
        let state = self.lock();
        state.queued - state.visible
    }

    /// Waits for work; returns the writes queued, or `None` when the
    /// committer is to end.
    fn take(&self) -> Option<Vec<(u64, Indexing)>> {
        let mut state = self.lock();
        loop {
            #[cfg(test)]
            if state.run == Run::Abandoning {
                return None;
            }
            #[cfg(test)]
            let paused = state.paused;
            #[cfg(not(test))]
            let paused = false;
            if !paused && !state.queue.is_empty() {
                return Some(std::mem::take(&mut state.queue));
            }
            if state.run == Run::Draining && state.queue.is_empty() {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Notes that the writes up to `ticket` are visible.
    fn committed(&self, ticket: u64) {
        let mut state = self.lock();
        state.visible = ticket;
        state.failure = None;
        state.documents.retain(|_, (put_by, _)| *put_by > ticket);
        self.changed.notify_all();
    }

    /// Puts writes whose commit failed back at the head of the queue.
    fn failed(&self, work: Vec<(u64, Indexing)>, error: &Error) {
        let mut state = self.lock();
        let last = work.last().map_or(0, |(ticket, _)| *ticket);
        state.failure = Some(error.to_string());
        state.failed_up_to = state.failed_up_to.max(last);
        let later = std::mem::take(&mut state.queue);
        state.queue = work;
        state.queue.extend(later);
        self.changed.notify_all();
    }

    /// Why the committer ended with writes left, if it did: later writes
    /// would never reach search until the index is opened again.
    pub(super) fn ended(&self) -> Option<String> {
        self.lock().ended.clone()
    }

    /// Notes that the committer has ended.
    fn end(&self, reason: Option<String>) {
        let mut state = self.lock();
        if let Some(reason) = reason {
            state.ended = Some(reason);
        }
        self.changed.notify_all();
    }

    /// Whether the committer is to end once the queue is empty.
    fn draining(&self) -> bool {
        self.lock().run == Run::Draining
    }

    fn stop(&self, run: Run) {
        let mut state = self.lock();
        state.run = run;
        self.changed.notify_all();
    }

    /// Test hook: holds the committer (writes queue up, unseen) or lets it
    /// go on.
    #[cfg(test)]
    pub(super) fn pause(&self, paused: bool) {
        let mut state = self.lock();
        state.paused = paused;
        self.changed.notify_all();
    }
}

/// The committer thread and its writer; on drop it commits what is queued
/// and ends.
pub(super) struct Committer {
    progress: Arc<SearchProgress>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    /// Starts the thread that indexes and commits, with `writer` (the only
    /// writer of `search`).
    pub(super) fn start(
        search: Arc<SearchIndex>,
        writer: SearchWriter,
        progress: Arc<SearchProgress>,
    ) -> Result<Committer> {
        let shared = Arc::clone(&progress);
        let thread = std::thread::Builder::new()
            .name("innograph-commit".into())
            .spawn(move || {
                crate::background::lower_this_thread();
                let run = std::panic::AssertUnwindSafe(|| commit_loop(&search, writer, &shared));
                if std::panic::catch_unwind(run).is_err() {
                    let reason = "the search committer stopped on a panic".to_string();
                    tracing::error!(%reason, "writes stop; opening the index again brings search up to the log");
                    shared.end(Some(reason));
                } else {
                    shared.end(None);
                }
            })
            .map_err(|e| Error::io("innograph-commit thread", e))?;
        Ok(Committer {
            progress,
            thread: Some(thread),
        })
    }

    /// Ends the thread without committing what is queued, as a crash would.
    #[cfg(test)]
    pub(super) fn abandon(mut self) {
        self.progress.stop(Run::Abandoning);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        self.progress.stop(Run::Draining);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn commit_loop(search: &SearchIndex, mut writer: SearchWriter, progress: &SearchProgress) {
    while let Some(work) = progress.take() {
        let started = Instant::now();
        let last = work.last().map_or(0, |(ticket, _)| *ticket);
        match index_and_commit(search, &mut writer, &work) {
            Ok(done) => {
                progress.committed(last);
                tracing::debug!(
                    writes = work.len(),
                    entries_ms = done.spent_ms[0],
                    reindex_ms = done.spent_ms[1],
                    commit_ms = done.spent_ms[2],
                    reload_ms = done.spent_ms[3],
                    reindexed = done.reindexed,
                    elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
                    "search entries committed"
                );
            }
            Err(error) => {
                if let Err(rollback) = writer.rollback() {
                    tracing::error!(%rollback, "search changes could not be dropped");
                }
                progress.failed(work, &error);
                // ending: the log holds the writes, the next open indexes them
                if progress.draining() {
                    tracing::error!(%error, "search entries not committed; the index catches up when opened again");
                    break;
                }
                tracing::error!(%error, "search entries not committed; trying again");
                std::thread::sleep(RETRY_AFTER);
            }
        }
    }
}

/// What one commit did.
struct Done {
    /// Milliseconds spent: entries written, entries with new words indexed
    /// again, commit, reload.
    spent_ms: [f64; 4],
    reindexed: usize,
}

/// Writes the entries of `work`'s changes, indexes again the older entries
/// holding words new to the dictionary, commits with the log position of
/// the last write and makes it all visible.
fn index_and_commit(search: &SearchIndex, writer: &mut SearchWriter, work: &[(u64, Indexing)]) -> Result<Done> {
    let mut clock = Instant::now();
    let mut lap = || {
        let now = Instant::now();
        let spent = (now - clock).as_secs_f64() * 1e3;
        clock = now;
        spent
    };
    let mut changed = false;
    for (_, indexing) in work {
        for change in indexing.changes.iter() {
            changed |= writer.apply_change(change)?;
        }
    }
    let entries_ms = lap();
    let mut reindexed = 0;
    let fresh: Vec<&String> = work.iter().flat_map(|(_, i)| &i.fresh_words).collect();
    if let (false, Some((_, last))) = (fresh.is_empty(), work.last()) {
        let changes = work.iter().flat_map(|(_, i)| i.changes.iter());
        reindexed = reindex_containing(search, writer, &fresh, changes, &last.graph)?;
        changed |= reindexed > 0;
    }
    let reindex_ms = lap();
    if let (true, Some((_, last))) = (changed, work.last()) {
        writer.commit_logged(last.epoch, last.logged)?;
    }
    let commit_ms = lap();
    if changed {
        search.reload()?;
    }
    let reload_ms = lap();
    Ok(Done {
        spent_ms: [entries_ms, reindex_ms, commit_ms, reload_ms],
        reindexed,
    })
}

/// Indexes again the entries that contain any of `words`, new to the
/// dictionary, so that they hold each as one token (the entries of
/// `changes` are indexed with the new words already). At most
/// [`MAX_REINDEX`] entries a commit; the others keep matching through
/// their bigrams. Returns how many were indexed again.
fn reindex_containing<'c>(
    search: &SearchIndex,
    writer: &SearchWriter,
    words: &[&String],
    changes: impl Iterator<Item = &'c Change>,
    graph: &KnowledgeGraph,
) -> Result<usize> {
    let written: HashSet<&str> = changes
        .filter_map(|change| match change {
            Change::PutEntity { entity } => Some(entity.id.as_str()),
            Change::PutDocument { document } => Some(document.id.as_str()),
            Change::DeleteEntity { id } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    // a bulk import brings thousands of names at once, whose entries
    // are in the batch itself: look for older entries with a few only
    let words: Vec<String> = words.iter().take(MAX_REINDEX_WORDS).map(|w| w.to_string()).collect();
    let keys = search.keys_containing(&words, MAX_REINDEX + written.len())?;
    let mut count = 0;
    for key in keys.iter().filter(|k| !written.contains(k.as_str())) {
        if count == MAX_REINDEX {
            tracing::info!(
                entries = keys.len(),
                reindexed = count,
                "more entries contain new dictionary words than a commit indexes again"
            );
            break;
        }
        if let Some(document) = search.stored_document(key)? {
            writer.upsert_document(&document)?;
            count += 1;
        } else if let Ok(entity) = graph.entity(key) {
            writer.upsert_entity(&entity)?;
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{built, document, found};
    use crate::model::{Evidence, Relation, RelationKind};
    use crate::{Engine, WriteRules};

    const TEXT: &str = "钠离子电池储能示范项目在青岛高新区投运。";

    #[test]
    fn a_search_waits_for_the_writes_acknowledged_before_it() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap();
        engine.progress.pause(true);
        engine.write(document("doc_sodium", "储能示范", TEXT)).unwrap();
        assert_eq!(engine.progress.behind(), 1, "acknowledged before its commit");
        let progress = Arc::clone(&engine.progress);
        let lift = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            progress.pause(false);
        });
        let started = Instant::now();
        assert!(found(&engine, "钠离子电池", "doc_sodium"));
        assert!(
            started.elapsed() >= Duration::from_millis(100),
            "the search waited for the commit"
        );
        lift.join().unwrap();
        assert_eq!(engine.progress.behind(), 0);
    }

    #[test]
    fn a_relation_may_quote_a_document_whose_entry_is_not_committed() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap();
        engine.progress.pause(true);
        engine.write(document("doc_sodium", "储能示范", TEXT)).unwrap();
        let quoting = |quote: &str| Change::PutRelation {
            relation: Relation {
                from: "zone_qingdao_hitech".into(),
                to: "region_qingdao".into(),
                kind: RelationKind::LocatedIn,
                since: None,
                amount: None,
                unit: None,
                props: Default::default(),
                evidence: vec![Evidence {
                    doc: "doc_sodium".into(),
                    quote: quote.into(),
                }],
            },
        };
        engine.write(quoting("在青岛高新区投运")).unwrap();
        let refused = engine.write(quoting("不在文中的一句话"));
        assert!(matches!(refused, Err(Error::InvalidParameter { .. })), "{refused:?}");
        engine
            .write(Change::DeleteEntity {
                id: "doc_sodium".into(),
            })
            .unwrap();
        let gone = engine.write(quoting("在青岛高新区投运"));
        assert!(
            matches!(gone, Err(Error::InvalidParameter { .. })),
            "the document is deleted, though its entry is still committed: {gone:?}"
        );
        {
            let state = engine.progress.lock();
            assert_eq!(state.queue.len(), 3);
            let newest = &state.queue[2].1.graph;
            assert!(
                state.queue.iter().all(|(_, queued)| Arc::ptr_eq(&queued.graph, newest)),
                "the queue holds one graph"
            );
        }
        engine.progress.pause(false);
    }

    #[test]
    fn an_acknowledged_write_survives_a_crash_before_its_commit() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap();
        engine.progress.pause(true);
        engine.write(document("doc_sodium", "储能示范", TEXT)).unwrap();
        engine.crash();

        let reopened = Engine::open(&index).unwrap();
        assert!(reopened.entity("doc_sodium").is_ok(), "the graph replays the log");
        assert!(
            found(&reopened, "钠离子电池", "doc_sodium"),
            "the search index catches up with the log"
        );
    }

    #[test]
    fn the_log_is_folded_once_search_holds_it() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap().compacting_after(1);
        engine.progress.pause(true);
        let progress = Arc::clone(&engine.progress);
        let lift = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            progress.pause(false);
        });
        let started = Instant::now();
        let receipt = engine.write(document("doc_sodium", "储能示范", TEXT)).unwrap();
        assert!(receipt.compacted, "the write began a fold");
        assert!(engine.wait_for_fold().unwrap());
        assert!(
            started.elapsed() >= Duration::from_millis(100),
            "the fold waited for the commit"
        );
        lift.join().unwrap();
        engine.crash();
        let reopened = Engine::open(&index).unwrap();
        assert_eq!(reopened.pending_changes(), 0, "folded into the snapshot");
        assert!(found(&reopened, "钠离子电池", "doc_sodium"));
    }

    #[test]
    fn a_large_write_is_visible_when_acknowledged() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap();
        let mut changes: Vec<Change> = (0..crate::engine::write::WAIT_FOR_SEARCH_FROM)
            .map(|i| document(&format!("doc_bulk_{i}"), "储能示范", &format!("第{i}号 {TEXT}")))
            .collect();
        changes.push(document("doc_sodium", "储能示范", TEXT));
        engine.write_batch(changes, WriteRules::default()).unwrap();
        assert_eq!(engine.progress.behind(), 0, "committed before it was acknowledged");
        drop(engine);
        let reopened = Engine::open(&index).unwrap();
        assert!(found(&reopened, "钠离子电池", "doc_sodium"));
    }
}

//! Folding the graph log into a new snapshot in the background, while
//! writes go on (the steps on disk are those of `crate::graph::log`).
//!
//! The write that brings the log to its fold size begins the fold under
//! the writer lock: it creates the next log, where the writes after it are
//! appended, and starts a thread of its own (at the lower priority of
//! background work). The thread waits until the search index holds every
//! change of the folded log (a log folded away could not bring it up to
//! date after a crash), archives those changes, writes the new snapshot,
//! renames the next log over the log, then loads the new snapshot (which
//! renumbers entities) and builds its suggester. It runs in the idle
//! scheduling class (`crate::background::idle_this_thread`): only on
//! processor time that queries and writes leave. The thread then applies
//! the changes written meanwhile to the folded graph and its suggester (a
//! few rounds, while more come); the first write after it has finished (or
//! [`Engine::wait_for_fold`]) applies those written since its last round
//! and publishes both in one swap, so that the writer lock is held for the
//! last few writes' changes only.
//!
//! A fold that fails stops writes, as any failure past a log append does:
//! every acknowledged change is in a log on disk, and opening the index
//! reads back whatever state the fold reached. One fold runs at a time.
//! Dropped (the engine closing), a fold finishes its steps on disk and
//! skips the loading and the suggester.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::committer::SearchProgress;
use crate::graph::{archive_log, settle_next_log, GraphFiles, GraphLog, KnowledgeGraph};
use crate::model::Change;
use crate::search::Suggester;
use crate::{Error, Result};

/// How long a fold waits for the search index before it says so in the
/// log (it goes on waiting), and at most when the engine closes.
const SEARCH_WAIT_WARNING: Duration = Duration::from_secs(120);

/// The fold thread goes on.
const GO_ON: u8 = 0;
/// The engine closes: finish the steps on disk, skip the rest.
const CLOSING: u8 = 1;
/// Stop at the next step, as a crash would.
const ABANDON: u8 = 2;

/// The steps of a fold, as a test hook sees them: each is reached once
/// the step named is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FoldStep {
    /// The next log was created, the thread started.
    Begun,
    /// The search index holds the folded log.
    SearchHolds,
    /// The folded changes were appended to the archive.
    Archived,
    /// The new snapshot was written.
    SnapshotWritten,
    /// The next log was renamed over the log.
    Settled,
    /// The folded graph was loaded and the writes made meanwhile applied
    /// to it (as many rounds as the thread makes).
    TailApplied,
}

/// A test hook called at each step of a fold: `false` stops the fold
/// there, as a crash would.
#[cfg(test)]
pub(super) type FoldHook = Arc<dyn Fn(FoldStep) -> bool + Send + Sync>;

/// What a fold thread is given.
pub(super) struct FoldJob {
    pub files: GraphFiles,
    /// The epoch of the snapshot whose log is folded.
    pub epoch: u64,
    /// Changes in that log.
    pub folded: usize,
    /// The snapshot's graph with the log applied; `None`: read from disk
    /// (a fold a crash stopped, taken up again).
    pub base: Option<Arc<KnowledgeGraph>>,
    /// The write of the log's last change, which the search index must
    /// hold first.
    pub ticket: u64,
    pub progress: Arc<SearchProgress>,
    #[cfg(test)]
    pub hook: Option<FoldHook>,
}

/// Most times the fold thread applies the writes made since the last
/// time before it ends (each round takes less than the one before).
const TAIL_ROUNDS: usize = 3;

/// The folded graph, loaded from the new snapshot, and its suggester, with
/// the first writes of the tail applied.
pub(super) struct Folded {
    pub graph: KnowledgeGraph,
    pub suggester: Suggester,
    /// Writes of the tail applied to both (the first ones).
    pub applied: usize,
}

/// The changes of the writes made since a fold began, in order, shared by
/// the writes that add to it and the fold thread that applies them.
type Tail = Arc<Mutex<Vec<Arc<[Change]>>>>;

/// A fold running in the background.
pub(super) struct Fold {
    thread: Option<JoinHandle<Result<Option<Folded>>>>,
    stop: Arc<AtomicU8>,
    /// The changes written since the fold began (those of the next log),
    /// in order.
    tail: Tail,
    /// Changes folded.
    pub folded: usize,
    started: Instant,
}

impl Fold {
    /// Starts the thread of `job`; `tail` holds the changes already in the
    /// next log.
    pub(super) fn start(job: FoldJob, tail: Vec<Arc<[Change]>>) -> Result<Fold> {
        let stop = Arc::new(AtomicU8::new(GO_ON));
        let shared = Arc::clone(&stop);
        let folded = job.folded;
        let tail: Tail = Arc::new(Mutex::new(tail));
        let written = Arc::clone(&tail);
        let thread = std::thread::Builder::new()
            .name("innograph-fold".into())
            .spawn(move || {
                crate::background::idle_this_thread();
                run(job, &shared, &written)
            })
            .map_err(|e| Error::io("innograph-fold thread", e))?;
        Ok(Fold {
            thread: Some(thread),
            stop,
            tail,
            folded,
            started: Instant::now(),
        })
    }

    /// Adds the changes of a write made while the fold runs.
    pub(super) fn push_tail(&self, changes: Arc<[Change]>) {
        lock(&self.tail).push(changes);
    }

    /// Whether the thread has ended (its outcome waits in [`Fold::join`]).
    pub(super) fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the thread; returns what it made (`None` when it was
    /// stopped), and the changes written meanwhile (of which the first
    /// [`Folded::applied`] writes are in what it made).
    pub(super) fn join(mut self) -> (Result<Option<Folded>>, Vec<Arc<[Change]>>) {
        let outcome = match self.thread.take().map(JoinHandle::join) {
            Some(Ok(outcome)) => outcome,
            Some(Err(_)) => Err(Error::io(
                "the graph log fold thread",
                std::io::Error::other("it stopped on a panic"),
            )),
            None => Ok(None),
        };
        tracing::debug!(
            elapsed_ms = self.started.elapsed().as_secs_f64() * 1e3,
            folded = self.folded,
            tail = lock(&self.tail).iter().map(|c| c.len()).sum::<usize>(),
            "graph log fold joined"
        );
        (outcome, std::mem::take(&mut *lock(&self.tail)))
    }

    /// Stops the thread at its next step and waits for it, as a crash
    /// would leave the files.
    #[cfg(test)]
    pub(super) fn abandon(mut self) {
        self.stop.store(ABANDON, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Fold {
    fn drop(&mut self) {
        let _ = self
            .stop
            .compare_exchange(GO_ON, CLOSING, Ordering::AcqRel, Ordering::Acquire);
        if let Some(thread) = self.thread.take() {
            match thread.join() {
                Ok(Err(error)) => tracing::error!(%error, "the graph log fold failed; the index reads back as it was"),
                Err(_) => tracing::error!("the graph log fold stopped on a panic; the index reads back as it was"),
                Ok(Ok(_)) => {}
            }
        }
    }
}

fn lock(tail: &Tail) -> std::sync::MutexGuard<'_, Vec<Arc<[Change]>>> {
    // a push or a take is whole before the lock is released
    tail.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Applies `changes` (written after the snapshot `graph` was loaded from)
/// to `graph`, and brings `suggester` up to the entities and documents
/// they put or delete.
pub(super) fn apply_tail(graph: &mut KnowledgeGraph, suggester: Suggester, changes: &[Change]) -> Result<Suggester> {
    // a deleted entity is found by id only before the changes, a new
    // one only after them
    let before: Vec<(&str, Option<u32>)> = super::write::named_ids(changes)
        .map(|id| (id, graph.position_of_id(id).map(|p| p.get())))
        .collect();
    graph.apply_all(changes.iter().cloned())?;
    let positions: Vec<u32> = before
        .into_iter()
        .filter_map(|(id, at)| at.or_else(|| graph.position_of_id(id).map(|p| p.get())))
        .collect();
    Ok(if positions.is_empty() {
        suggester
    } else {
        suggester.with_changes(&*graph, &positions)
    })
}

/// Whether the fold goes on past `step` (a test hook may stop it).
fn goes_on(stop: &AtomicU8, job: &FoldJob, step: FoldStep) -> bool {
    #[cfg(test)]
    if let Some(hook) = &job.hook {
        if !hook(step) {
            return false;
        }
    }
    #[cfg(not(test))]
    let _ = (job, step);
    stop.load(Ordering::Acquire) != ABANDON
}

/// Waits until the search index holds the write of `job.ticket`; `false`
/// when the fold is to stop first.
fn wait_for_search(job: &FoldJob, stop: &AtomicU8) -> Result<bool> {
    let started = Instant::now();
    let mut warned = Instant::now();
    loop {
        let error = match job.progress.wait_visible(job.ticket, Duration::from_millis(500)) {
            Ok(()) => return Ok(true),
            Err(error) => error,
        };
        match stop.load(Ordering::Acquire) {
            ABANDON => return Ok(false),
            CLOSING if started.elapsed() >= SEARCH_WAIT_WARNING => {
                tracing::warn!(%error, "the graph log is not folded: the search index is behind it");
                return Ok(false);
            }
            _ => {}
        }
        if let Some(reason) = job.progress.ended() {
            return Err(Error::SearchBehind { reason });
        }
        if warned.elapsed() >= SEARCH_WAIT_WARNING {
            tracing::warn!(%error, logged = job.folded, "the graph log fold waits for the search index to hold the log");
            warned = Instant::now();
        }
        // a failed commit answers at once; the committer tries again
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The fold thread: the steps of `crate::graph::log` from the second on,
/// then the folded graph and its suggester, and the writes of `tail` made
/// meanwhile applied to both (a few rounds, while more come).
fn run(job: FoldJob, stop: &AtomicU8, tail: &Tail) -> Result<Option<Folded>> {
    let started = Instant::now();
    let ms = |from: Instant| from.elapsed().as_secs_f64() * 1e3;
    if !goes_on(stop, &job, FoldStep::Begun)
        || !wait_for_search(&job, stop)?
        || !goes_on(stop, &job, FoldStep::SearchHolds)
    {
        return Ok(None);
    }
    let search_wait_ms = ms(started);
    let clock = Instant::now();
    let base = match &job.base {
        Some(base) => Arc::clone(base),
        None => {
            let mut graph = KnowledgeGraph::load(&job.files.snapshot)?;
            graph.apply_all(GraphLog::read(&job.files.log, job.epoch)?)?;
            Arc::new(graph)
        }
    };
    let base_ms = ms(clock);
    let clock = Instant::now();
    archive_log(&job.files, job.epoch, Some(job.folded))?;
    let archive_ms = ms(clock);
    if !goes_on(stop, &job, FoldStep::Archived) {
        return Ok(None);
    }
    let clock = Instant::now();
    base.save_with_epoch(&job.files.snapshot, job.epoch + 1)?;
    drop(base);
    let snapshot_ms = ms(clock);
    if !goes_on(stop, &job, FoldStep::SnapshotWritten) {
        return Ok(None);
    }
    settle_next_log(&job.files)?;
    tracing::info!(
        epoch = job.epoch + 1,
        folded = job.folded,
        search_wait_ms,
        base_ms,
        archive_ms,
        snapshot_ms,
        elapsed_ms = ms(started),
        "graph log folded into a new snapshot in the background"
    );
    if !goes_on(stop, &job, FoldStep::Settled) || stop.load(Ordering::Acquire) != GO_ON {
        return Ok(None);
    }
    // loading and the suggester work on every core: on idle threads
    let folded = crate::background::install(|| folded_graph(&job, stop, tail, started))?;
    // outside the pool: a hook that waits holds none of its threads
    if !goes_on(stop, &job, FoldStep::TailApplied) {
        return Ok(None);
    }
    Ok(Some(folded))
}

/// The folded graph loaded from the new snapshot, its suggester, and the
/// writes of `tail` applied to both.
fn folded_graph(job: &FoldJob, stop: &AtomicU8, tail: &Tail, started: Instant) -> Result<Folded> {
    let ms = |from: Instant| from.elapsed().as_secs_f64() * 1e3;
    let clock = Instant::now();
    let graph = KnowledgeGraph::load(&job.files.snapshot)?;
    let load_ms = ms(clock);
    let clock = Instant::now();
    let mut suggester = Suggester::build(&graph);
    let suggester_ms = ms(clock);
    let clock = Instant::now();
    let mut graph = graph;
    let (mut applied, mut changes) = (0, 0);
    for _ in 0..TAIL_ROUNDS {
        let pending: Vec<Arc<[Change]>> = lock(tail)[applied..].to_vec();
        if pending.is_empty() || stop.load(Ordering::Acquire) != GO_ON {
            break;
        }
        let written: Vec<Change> = pending.iter().flat_map(|c| c.iter().cloned()).collect();
        suggester = apply_tail(&mut graph, suggester, &written)?;
        applied += pending.len();
        changes += written.len();
    }
    tracing::debug!(
        load_ms,
        suggester_ms,
        tail_ms = ms(clock),
        tail_writes = applied,
        tail_changes = changes,
        elapsed_ms = ms(started),
        "folded graph and its suggester ready"
    );
    Ok(Folded {
        graph,
        suggester,
        applied,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::sync::Mutex;

    use super::*;
    use crate::engine::testing::{built, document, found};
    use crate::graph::testing::entity;
    use crate::model::{EntityKind, Relation, RelationKind};
    use crate::search::SuggestRequest;
    use crate::store;
    use crate::Engine;

    const WAIT: Duration = Duration::from_secs(60);

    fn enterprise(id: &str, name: &str) -> Change {
        Change::PutEntity {
            entity: entity(id, EntityKind::Enterprise, name, &[]),
        }
    }

    fn located(from: &str) -> Change {
        Change::PutRelation {
            relation: Relation {
                from: from.into(),
                to: "region_qingdao".into(),
                kind: RelationKind::LocatedIn,
                since: None,
                amount: None,
                unit: None,
                props: Default::default(),
                evidence: Vec::new(),
            },
        }
    }

    fn suggested(engine: &Engine, q: &str, id: &str) -> bool {
        let response = engine.suggest(&SuggestRequest::new(q, 10)).unwrap();
        response.suggestions.iter().any(|s| s.entity.id == id)
    }

    /// Holds folds at `at` until the returned sender says go on (with
    /// whether to go on past it); the receiver hears when a fold got there.
    fn hold_at(engine: &Engine, at: FoldStep) -> (mpsc::Receiver<()>, mpsc::Sender<bool>) {
        hold_at_each(engine, &[at])
    }

    /// [`hold_at`] each of the steps `at`.
    fn hold_at_each(engine: &Engine, at: &[FoldStep]) -> (mpsc::Receiver<()>, mpsc::Sender<bool>) {
        let at = at.to_vec();
        let (reached, reached_here) = mpsc::channel();
        let (release, released) = mpsc::channel::<bool>();
        let released = Mutex::new(released);
        let reached = Mutex::new(reached);
        let hook: FoldHook = Arc::new(move |step| {
            if !at.contains(&step) {
                return true;
            }
            let _ = reached.lock().unwrap().send(());
            released.lock().unwrap().recv_timeout(WAIT).unwrap_or(false)
        });
        *engine.fold_hook.lock().unwrap() = Some(hook);
        (reached_here, release)
    }

    fn folding(engine: &Engine) -> bool {
        engine.writer.lock().unwrap().as_ref().is_some_and(|w| w.fold.is_some())
    }

    /// The two writes that make a fold due on an engine that folds after
    /// two changes; the receipt of the second.
    fn begin_fold(engine: &Engine) -> crate::engine::WriteReceipt {
        engine.write(document("doc_sodium", "储能示范", SODIUM)).unwrap();
        engine
            .write(enterprise("ent_fold_first", "青岛折叠一号科技有限公司"))
            .unwrap()
    }

    const SODIUM: &str = "钠离子电池储能示范项目在青岛高新区投运。";
    const FLOW: &str = "全钒液流电池储能电站在青岛西海岸新区并网。";

    #[test]
    fn writes_during_a_fold_are_acknowledged_and_kept() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap().compacting_after(2);
        let (reached, release) = hold_at(&engine, FoldStep::SearchHolds);
        let receipt = begin_fold(&engine);
        assert!(receipt.compacted, "the second change begins a fold");
        assert_eq!(receipt.pending_changes, 0, "the next log is empty");
        reached.recv_timeout(WAIT).unwrap();

        // the fold is held: writes go on, and are answered at once
        let started = Instant::now();
        engine.write(document("doc_flow", "储能示范", FLOW)).unwrap();
        engine
            .write(enterprise("ent_fold_second", "青岛折叠二号科技有限公司"))
            .unwrap();
        engine.write(located("ent_fold_second")).unwrap();
        let receipt = engine
            .write(Change::DeleteEntity {
                id: "doc_sodium".into(),
            })
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(!receipt.compacted, "one fold at a time");
        assert_eq!(engine.pending_changes(), 4);
        assert!(folding(&engine), "the fold is still held");
        assert!(engine.entity("ent_fold_second").is_ok());
        assert!(found(&engine, "液流电池", "doc_flow"));
        assert!(suggested(&engine, "青岛折叠二号", "ent_fold_second"));

        release.send(true).unwrap();
        assert!(engine.wait_for_fold().unwrap());
        assert!(!folding(&engine));
        let graph = engine.graph();
        assert_eq!(graph.epoch(), 1, "the folded graph is published");
        assert!(engine.entity("ent_fold_first").is_ok());
        assert!(engine.entity("ent_fold_second").is_ok());
        assert!(engine.entity("doc_sodium").is_err(), "deleted while folding");
        let second = graph.resolve("ent_fold_second").unwrap();
        assert_eq!(graph.degree(second), 1, "its relation, written while folding");
        assert!(suggested(&engine, "青岛折叠一号", "ent_fold_first"));
        assert!(suggested(&engine, "青岛折叠二号", "ent_fold_second"));
        assert!(found(&engine, "液流电池", "doc_flow"));
        assert!(!found(&engine, "钠离子电池", "doc_sodium"));
        // writes go on after the fold, on the folded graph; the log holds
        // enough changes for the next fold
        *engine.fold_hook.lock().unwrap() = None;
        let receipt = engine
            .write(enterprise("ent_fold_third", "青岛折叠三号科技有限公司"))
            .unwrap();
        assert!(receipt.compacted, "the next fold begins");
        assert!(suggested(&engine, "青岛折叠三号", "ent_fold_third"));
        assert!(engine.wait_for_fold().unwrap());
        assert_eq!(engine.graph().epoch(), 2);
        assert!(suggested(&engine, "青岛折叠三号", "ent_fold_third"));
        drop(engine);

        let files = store::graph_files(&store::current_generation(&index).unwrap().unwrap());
        assert!(!files.next_log.exists());
        let reopened = Engine::open(&index).unwrap();
        assert_eq!(reopened.pending_changes(), 0);
        assert_eq!(reopened.graph().epoch(), 2);
        for id in ["ent_fold_first", "ent_fold_second", "ent_fold_third", "doc_flow"] {
            assert!(reopened.entity(id).is_ok(), "{id}");
        }
        assert!(reopened.entity("doc_sodium").is_err());
        assert!(found(&reopened, "液流电池", "doc_flow"));
        let archived = std::fs::read_to_string(&files.archive).unwrap();
        assert_eq!(archived.lines().count(), 7, "the folded changes, archived once");
    }

    #[test]
    fn the_fold_applies_the_writes_made_meanwhile_and_the_publishing_write_the_rest() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap().compacting_after(2);
        let (reached, release) = hold_at_each(&engine, &[FoldStep::Settled, FoldStep::TailApplied]);
        begin_fold(&engine);
        reached.recv_timeout(WAIT).unwrap();
        // before the fold thread loads the folded graph: it applies these
        engine
            .write(enterprise("ent_fold_second", "青岛折叠二号科技有限公司"))
            .unwrap();
        engine.write(located("ent_fold_second")).unwrap();
        engine
            .write(Change::DeleteEntity {
                id: "doc_sodium".into(),
            })
            .unwrap();
        release.send(true).unwrap();
        reached.recv_timeout(WAIT).unwrap();
        // after its last round: the write that publishes it applies these
        engine.write(document("doc_flow", "储能示范", FLOW)).unwrap();
        engine
            .write(enterprise("ent_fold_third", "青岛折叠三号科技有限公司"))
            .unwrap();
        engine.write(located("ent_fold_third")).unwrap();
        assert!(folding(&engine), "the fold is still held");
        release.send(true).unwrap();
        assert!(engine.wait_for_fold().unwrap());

        let check = |engine: &Engine| {
            let graph = engine.graph();
            assert_eq!(graph.epoch(), 1, "the folded graph is published");
            for id in ["ent_fold_first", "ent_fold_second", "ent_fold_third", "doc_flow"] {
                assert!(engine.entity(id).is_ok(), "{id}");
            }
            assert!(engine.entity("doc_sodium").is_err(), "deleted while folding");
            for id in ["ent_fold_second", "ent_fold_third"] {
                assert_eq!(graph.degree(graph.resolve(id).unwrap()), 1, "{id}: its relation");
            }
            assert!(suggested(engine, "青岛折叠一号", "ent_fold_first"));
            assert!(suggested(engine, "青岛折叠二号", "ent_fold_second"));
            assert!(suggested(engine, "青岛折叠三号", "ent_fold_third"));
            assert!(found(engine, "液流电池", "doc_flow"));
            assert!(!found(engine, "钠离子电池", "doc_sodium"));
        };
        check(&engine);
        engine.crash();
        let reopened = Engine::open(&index).unwrap();
        assert_eq!(reopened.pending_changes(), 6, "the changes since the fold began");
        check(&reopened);
    }

    #[test]
    fn a_crash_at_any_step_of_a_fold_loses_no_acknowledged_write() {
        for step in [
            FoldStep::Begun,
            FoldStep::SearchHolds,
            FoldStep::Archived,
            FoldStep::SnapshotWritten,
            FoldStep::Settled,
        ] {
            let (_dir, index) = built();
            let engine = Engine::open(&index).unwrap().compacting_after(2);
            let (reached, release) = hold_at(&engine, step);
            begin_fold(&engine);
            reached.recv_timeout(WAIT).unwrap();
            // written while the fold is at `step`, not committed to search
            engine.progress.pause(true);
            engine.write(document("doc_flow", "储能示范", FLOW)).unwrap();
            engine
                .write(enterprise("ent_fold_second", "青岛折叠二号科技有限公司"))
                .unwrap();
            // the fold stops right after `step`, and the process with it
            release.send(false).unwrap();
            engine.crash();

            let reopened = Engine::open(&index).unwrap();
            for id in ["doc_sodium", "ent_fold_first", "doc_flow", "ent_fold_second"] {
                assert!(reopened.entity(id).is_ok(), "{step:?}: {id}");
            }
            assert!(found(&reopened, "钠离子电池", "doc_sodium"), "{step:?}");
            assert!(found(&reopened, "液流电池", "doc_flow"), "{step:?}");
            assert!(found(&reopened, "青岛折叠二号", "ent_fold_second"), "{step:?}");
            assert!(suggested(&reopened, "青岛折叠二号", "ent_fold_second"), "{step:?}");

            // writing again takes up what the fold left
            reopened
                .write(enterprise("ent_fold_third", "青岛折叠三号科技有限公司"))
                .unwrap();
            let took_up = reopened.wait_for_fold().unwrap();
            assert_eq!(
                took_up,
                matches!(step, FoldStep::Begun | FoldStep::SearchHolds | FoldStep::Archived),
                "{step:?}: a fold that had not written its snapshot is taken up again"
            );
            assert!(suggested(&reopened, "青岛折叠三号", "ent_fold_third"), "{step:?}");
            reopened.crash();

            let files = store::graph_files(&store::current_generation(&index).unwrap().unwrap());
            assert!(!files.next_log.exists(), "{step:?}");
            let again = Engine::open(&index).unwrap();
            assert_eq!(again.graph().epoch(), 1, "{step:?}: folded once");
            assert_eq!(again.pending_changes(), 3, "{step:?}: the changes since the fold began");
            for id in [
                "doc_sodium",
                "ent_fold_first",
                "doc_flow",
                "ent_fold_second",
                "ent_fold_third",
            ] {
                assert!(again.entity(id).is_ok(), "{step:?}: {id}");
            }
            assert!(found(&again, "液流电池", "doc_flow"), "{step:?}");
            assert!(found(&again, "青岛折叠三号", "ent_fold_third"), "{step:?}");
        }
    }

    #[test]
    fn a_failed_fold_stops_writes_and_loses_nothing() {
        let (_dir, index) = built();
        let engine = Engine::open(&index).unwrap().compacting_after(2);
        let generation = store::current_generation(&index).unwrap().unwrap();
        let files = store::graph_files(&generation);
        let (reached, release) = hold_at(&engine, FoldStep::SearchHolds);
        begin_fold(&engine);
        reached.recv_timeout(WAIT).unwrap();
        engine
            .write(enterprise("ent_fold_second", "青岛折叠二号科技有限公司"))
            .unwrap();
        // the archive cannot be written: the fold fails at its first step
        std::fs::create_dir(&files.archive).unwrap();
        release.send(true).unwrap();
        let failed = engine.wait_for_fold();
        assert!(matches!(failed, Err(Error::WritesStopped { .. })), "{failed:?}");
        let refused = engine.write(enterprise("ent_fold_third", "青岛折叠三号科技有限公司"));
        assert!(matches!(refused, Err(Error::WritesStopped { .. })), "{refused:?}");
        assert!(engine.entity("ent_fold_second").is_ok(), "reads go on");
        drop(engine);

        std::fs::remove_dir(&files.archive).unwrap();
        let reopened = Engine::open(&index).unwrap();
        for id in ["doc_sodium", "ent_fold_first", "ent_fold_second"] {
            assert!(reopened.entity(id).is_ok(), "{id}");
        }
        reopened
            .write(enterprise("ent_fold_third", "青岛折叠三号科技有限公司"))
            .unwrap();
        assert!(reopened.wait_for_fold().unwrap(), "the fold is taken up again");
        assert_eq!(reopened.graph().epoch(), 1);
        assert!(reopened.entity("ent_fold_third").is_ok());
    }
}

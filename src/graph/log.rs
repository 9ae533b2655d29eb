//! The write-ahead log of graph changes since the snapshot, and
//! [`PersistentGraph`], a graph with its snapshot and log on disk.
//!
//! Where the snapshot, the logs and the archive live is the caller's
//! choice ([`GraphFiles`]; `crate::store` keeps them in an index
//! generation). The log is a header naming the snapshot epoch it follows, then one record per write:
//! `u32` length, `u32` checksum (the first bytes of the payload's BLAKE3
//! hash), the change as JSON, or a JSON array of the changes of a batch
//! written at once (all of them or none survive a crash). A change is appended and flushed to disk
//! before it is applied and acknowledged. At open the records are replayed;
//! a torn last record (a crash in the middle of an append) is dropped, not
//! an error.
//!
//! A fold of the log of snapshot `e` into the snapshot `e + 1` takes four
//! steps, so that changes can go on being logged while it runs:
//!
//! 1. [`begin_fold`]: an empty log of epoch `e + 1` is written beside the
//!    log (the next log, temporary file, flushed, renamed); from then on
//!    changes are appended there, and the log of `e` no longer changes.
//! 2. The changes of the log of `e` are appended to the archive.
//! 3. The snapshot of `e + 1` (the snapshot of `e` with the log of `e`
//!    applied) is written atomically over the snapshot.
//! 4. The next log is renamed over the log.
//!
//! Every state a crash can leave reads back whole ([`read_logs`]): before
//! step 3, the snapshot of `e`, its log, then the next log; after it, the
//! snapshot of `e + 1` and the next log, the log of `e` (which the new
//! snapshot holds) only read for what it says to the search index; after
//! step 4, the snapshot and its log as usual. A crash after step 2 and
//! before step 3 leaves the changes in the archive twice, which is
//! harmless: replaying a change twice ends where replaying it once does.
//!
//! Before a compaction folds them into the snapshot, the logged changes are
//! appended to the archive (one change per line), so that every change
//! made since the build can be carried over into the next build of the
//! corpus.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::tables::KnowledgeGraph;
use crate::model::Change;
use crate::{Error, Result};

/// The files a persistent graph lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphFiles {
    /// The binary snapshot ([`KnowledgeGraph::save`]).
    pub snapshot: PathBuf,
    /// The write-ahead log of the changes since the snapshot.
    pub log: PathBuf,
    /// The log changes go to while the log is folded into the next
    /// snapshot (see the module's documentation).
    pub next_log: PathBuf,
    /// The archive of the changes folded into snapshots since the build.
    pub archive: PathBuf,
}
const MAGIC: &[u8; 8] = b"IGWAL\0\0\x01";
const HEADER_LEN: usize = 16;
/// Largest record accepted; a longer length field is damage.
const MAX_RECORD: usize = 64 << 20;

fn checksum(payload: &[u8]) -> [u8; 4] {
    let hash = blake3::hash(payload);
    let bytes = hash.as_bytes();
    [bytes[0], bytes[1], bytes[2], bytes[3]]
}

/// What reading a log found.
struct Contents {
    /// The snapshot epoch the log follows.
    epoch: u64,
    changes: Vec<Change>,
    /// Bytes of whole, valid records (with the header).
    valid_len: u64,
    /// Whether more bytes followed the valid ones.
    torn: bool,
}

/// Reads a log of `epoch` (of any epoch if `None`); `None` when the file
/// is missing or follows another snapshot.
fn read_log(path: &Path, epoch: Option<u64>) -> Result<Option<Contents>> {
    let mut changes = Vec::new();
    let scanned = scan_log(path, epoch, |payload| {
        let corrupt = |e: serde_json::Error| Error::CorruptIndex {
            path: path.to_path_buf(),
            reason: format!("graph log record {} does not decode: {e}", changes.len()),
        };
        if payload.first() == Some(&b'[') {
            changes.extend(serde_json::from_slice::<Vec<Change>>(payload).map_err(corrupt)?);
        } else {
            changes.push(serde_json::from_slice(payload).map_err(corrupt)?);
        }
        Ok(())
    })?;
    Ok(scanned.map(|(epoch, valid_len, torn)| Contents {
        epoch,
        changes,
        valid_len,
        torn,
    }))
}

/// Calls `record` with the payload of each whole, valid record of the log
/// at `path` of `epoch` (of any epoch if `None`), in order; returns the
/// log's epoch, the bytes of its valid records (with the header) and
/// whether more bytes followed them, or `None` when the file is missing or
/// follows another snapshot.
fn scan_log(
    path: &Path,
    epoch: Option<u64>,
    mut record: impl FnMut(&[u8]) -> Result<()>,
) -> Result<Option<(u64, u64, bool)>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(Error::CorruptIndex {
            path: path.to_path_buf(),
            reason: "not a graph log".into(),
        });
    }
    let log_epoch = u64::from_le_bytes(bytes[8..16].try_into().unwrap_or_default());
    if epoch.is_some_and(|epoch| epoch != log_epoch) {
        tracing::warn!(
            log_epoch,
            epoch = epoch.unwrap_or_default(),
            "the graph log follows another snapshot, it is discarded"
        );
        return Ok(None);
    }
    let mut at = HEADER_LEN;
    while bytes.len() - at >= 8 {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()) as usize;
        if len > MAX_RECORD || bytes.len() - at - 8 < len {
            break;
        }
        let payload = &bytes[at + 8..at + 8 + len];
        if bytes[at + 4..at + 8] != checksum(payload) {
            break;
        }
        record(payload)?;
        at += 8 + len;
    }
    Ok(Some((log_epoch, at as u64, at < bytes.len())))
}

/// The JSON texts of the changes of one record's payload: the payload
/// itself for one change, the elements of its array for a batch, as they
/// were logged (serde_json's raw values: checked as JSON, not decoded into
/// changes), which is how the archive holds a change (one per line).
fn change_texts(payload: &[u8]) -> std::result::Result<Vec<&[u8]>, String> {
    let trimmed = payload.trim_ascii();
    if !trimmed.starts_with(b"[") {
        return Ok(vec![trimmed]);
    }
    let elements: Vec<&serde_json::value::RawValue> =
        serde_json::from_slice(trimmed).map_err(|e| format!("not a JSON array: {e}"))?;
    let texts: Vec<&[u8]> = elements.iter().map(|element| element.get().as_bytes()).collect();
    if texts.iter().any(|text| !text.starts_with(b"{")) {
        return Err("an element that is not an object".into());
    }
    Ok(texts)
}

/// An open write-ahead log of graph changes.
#[derive(Debug)]
pub struct GraphLog {
    file: File,
    path: PathBuf,
    epoch: u64,
    records: usize,
    /// Bytes of the header and the whole records appended so far.
    valid_len: u64,
}

impl GraphLog {
    /// Creates an empty log following the snapshot of `epoch`, replacing
    /// any file at `path` atomically.
    pub fn create(path: &Path, epoch: u64) -> Result<GraphLog> {
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&epoch.to_le_bytes());
        crate::durable::write_durably(path, &header)?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        Ok(GraphLog {
            file,
            path: path.to_path_buf(),
            epoch,
            records: 0,
            valid_len: HEADER_LEN as u64,
        })
    }

    /// Opens the log at `path` for appending and returns the changes it
    /// holds. A torn last record is cut off; a missing log, or one that
    /// follows another snapshot, is replaced by an empty one.
    pub fn open(path: &Path, epoch: u64) -> Result<(GraphLog, Vec<Change>)> {
        let Some(contents) = read_log(path, Some(epoch))? else {
            return Ok((GraphLog::create(path, epoch)?, Vec::new()));
        };
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        if contents.torn {
            tracing::warn!(log = %path.display(), kept = contents.changes.len(), "dropping a torn record at the end of the graph log");
            file.set_len(contents.valid_len).map_err(|e| Error::io(path, e))?;
            file.sync_all().map_err(|e| Error::io(path, e))?;
        }
        let log = GraphLog {
            file,
            path: path.to_path_buf(),
            epoch,
            records: contents.changes.len(),
            valid_len: contents.valid_len,
        };
        Ok((log, contents.changes))
    }

    /// The changes of the log at `path` without opening it for writing (a
    /// torn last record is skipped, the file left as it is).
    pub fn read(path: &Path, epoch: u64) -> Result<Vec<Change>> {
        Ok(read_log(path, Some(epoch))?.map(|c| c.changes).unwrap_or_default())
    }

    /// Appends a change and flushes it to disk. When that fails, the file
    /// is cut back to the records before it, so that a part of this one
    /// cannot hide the records appended after it.
    pub fn append(&mut self, change: &Change) -> Result<()> {
        let payload = serde_json::to_vec(change).map_err(|e| Error::Serialization(e.to_string()))?;
        self.append_record(&payload, 1)
    }

    /// Appends the changes of a batch as one record, flushed to disk: after
    /// a crash the log holds all of them or none. See [`GraphLog::append`].
    pub fn append_all(&mut self, changes: &[Change]) -> Result<()> {
        match changes {
            [] => Ok(()),
            [change] => self.append(change),
            _ => {
                let payload = serde_json::to_vec(changes).map_err(|e| Error::Serialization(e.to_string()))?;
                self.append_record(&payload, changes.len())
            }
        }
    }

    fn append_record(&mut self, payload: &[u8], changes: usize) -> Result<()> {
        if payload.len() > MAX_RECORD {
            return Err(Error::invalid_parameter(
                "changes",
                format!(
                    "{changes} change(s) take {} MB, more than the {} MB one write may take: send less at once",
                    payload.len() >> 20,
                    MAX_RECORD >> 20
                ),
            ));
        }
        let mut record = Vec::with_capacity(payload.len() + 8);
        record.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        record.extend_from_slice(&checksum(payload));
        record.extend_from_slice(payload);
        let written = self.file.write_all(&record).and_then(|()| self.file.sync_data());
        if let Err(error) = written {
            if let Err(cut) = self.file.set_len(self.valid_len).and_then(|()| self.file.sync_data()) {
                tracing::error!(log = %self.path.display(), %cut, "a failed append could not be cut off the graph log");
            }
            return Err(Error::io(&self.path, error));
        }
        self.valid_len += record.len() as u64;
        self.records += changes;
        Ok(())
    }

    /// Number of changes in the log.
    pub fn len(&self) -> usize {
        self.records
    }

    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// The snapshot epoch the log follows.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Notes that the file of this log was renamed to `path` (appends go
    /// on to the same file).
    pub fn renamed_to(&mut self, path: &Path) {
        self.path = path.to_path_buf();
    }
}

/// The changes of one log and the snapshot epoch it follows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogSegment {
    pub epoch: u64,
    pub changes: Vec<Change>,
}

/// Where a fold of the log stood when the logs were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FoldState {
    /// No fold under way: the snapshot and its log.
    #[default]
    Settled,
    /// A fold began and did not write its snapshot: the snapshot, its log
    /// and the next log.
    BeforeSnapshot,
    /// A fold wrote its snapshot and did not rename the next log over the
    /// log: the snapshot and the next log, the log already folded.
    BeforeRename,
}

/// What the logs of a [`GraphFiles`] hold for its snapshot, as
/// [`read_logs`] finds them.
#[derive(Debug, Clone, Default)]
pub struct Logs {
    /// The logs whose changes the snapshot does not hold, in the order
    /// they apply.
    pub unfolded: Vec<LogSegment>,
    /// A log the snapshot already holds ([`FoldState::BeforeRename`]):
    /// not replayed, read only for what it tells the search index.
    pub folded: Option<LogSegment>,
    pub state: FoldState,
}

impl Logs {
    /// Changes logged since the snapshot.
    pub fn unfolded_len(&self) -> usize {
        self.unfolded.iter().map(|s| s.changes.len()).sum()
    }

    /// Every log read, the folded one first, in the order they were
    /// written.
    pub fn segments(&self) -> impl Iterator<Item = &LogSegment> {
        self.folded.iter().chain(&self.unfolded)
    }
}

/// Reads the logs in `files` for the snapshot of `epoch` (see the
/// module's documentation for the states a fold leaves); a torn last
/// record is skipped, the files left as they are.
pub fn read_logs(files: &GraphFiles, epoch: u64) -> Result<Logs> {
    let log = read_log(&files.log, None)?;
    let next = read_log(&files.next_log, None)?;
    let segment = |contents: Contents| LogSegment {
        epoch: contents.epoch,
        changes: contents.changes,
    };
    let mut logs = Logs::default();
    match (log, next) {
        (Some(log), next) if log.epoch == epoch => {
            logs.unfolded.push(segment(log));
            match next {
                Some(next) if next.epoch == epoch + 1 => {
                    logs.unfolded.push(segment(next));
                    logs.state = FoldState::BeforeSnapshot;
                }
                Some(next) => tracing::warn!(
                    next_epoch = next.epoch,
                    epoch,
                    "the next graph log follows another snapshot, it is ignored"
                ),
                None => {}
            }
        }
        (log, Some(next)) if next.epoch == epoch => {
            logs.folded = log.map(segment);
            logs.unfolded.push(segment(next));
            logs.state = FoldState::BeforeRename;
        }
        (Some(log), _) => tracing::warn!(
            log_epoch = log.epoch,
            epoch,
            "the graph log follows another snapshot, it is discarded"
        ),
        (None, _) => {}
    }
    Ok(logs)
}

/// Begins a fold of the log of the snapshot of `epoch` (step 1 of the
/// module's documentation): writes an empty next log of `epoch + 1` and
/// returns it open, for the changes made while the fold runs.
pub fn begin_fold(files: &GraphFiles, epoch: u64) -> Result<GraphLog> {
    GraphLog::create(&files.next_log, epoch + 1)
}

/// Appends the changes of the log of the snapshot of `epoch` to the
/// archive (step 2), each as the JSON it was logged as, without decoding
/// it; returns how many. With `expected`, fails unless the log holds that
/// many changes.
pub fn archive_log(files: &GraphFiles, epoch: u64, expected: Option<usize>) -> Result<usize> {
    let mut lines = Vec::new();
    let mut count = 0;
    let scanned = scan_log(&files.log, Some(epoch), |payload| {
        let texts = change_texts(payload).map_err(|reason| Error::CorruptIndex {
            path: files.log.clone(),
            reason: format!("graph log record of change {count} does not hold changes: {reason}"),
        })?;
        for text in texts {
            lines.extend_from_slice(text);
            lines.push(b'\n');
            count += 1;
        }
        Ok(())
    })?;
    match (scanned, expected) {
        (Some(_), Some(expected)) if count != expected => {
            return Err(Error::CorruptIndex {
                path: files.log.clone(),
                reason: format!("the graph log holds {count} changes, {expected} were logged"),
            })
        }
        (None, Some(expected)) if expected > 0 => {
            return Err(Error::CorruptIndex {
                path: files.log.clone(),
                reason: format!("the graph log of the snapshot of epoch {epoch} is missing"),
            })
        }
        _ => {}
    }
    append_archive(&files.archive, &lines)?;
    Ok(count)
}

/// Ends a fold (step 4): renames the next log over the log, durably.
pub fn settle_next_log(files: &GraphFiles) -> Result<()> {
    std::fs::rename(&files.next_log, &files.log).map_err(|e| Error::io(&files.log, e))?;
    crate::durable::sync_dir(files.log.parent().unwrap_or(Path::new(".")))
}

/// A graph together with its snapshot and write-ahead log: changes are
/// logged before they apply, and compaction folds them into a new
/// snapshot.
#[derive(Debug)]
pub struct PersistentGraph {
    graph: KnowledgeGraph,
    log: GraphLog,
    files: GraphFiles,
}

impl KnowledgeGraph {
    /// Applies the changes of the logs in `files` (the logs of the
    /// snapshot this graph was loaded from, see [`read_logs`]), read only;
    /// returns what they hold.
    pub fn replay_logs(&mut self, files: &GraphFiles) -> Result<Logs> {
        let logs = read_logs(files, self.epoch())?;
        for segment in &logs.unfolded {
            let path = if segment.epoch == self.epoch() && logs.state != FoldState::BeforeRename {
                &files.log
            } else {
                &files.next_log
            };
            replay(self, segment.changes.clone(), path)?;
        }
        Ok(logs)
    }
}

fn replay(graph: &mut KnowledgeGraph, changes: Vec<Change>, log_path: &Path) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let count = changes.len();
    graph.apply_all(changes).map_err(|e| Error::CorruptIndex {
        path: log_path.to_path_buf(),
        reason: format!("graph log does not replay: {e}"),
    })?;
    tracing::info!(changes = count, "graph log replayed");
    Ok(())
}

/// Every change made to the graph in `files` since it was built: the
/// archive, then the log and the next log (whatever snapshot they follow:
/// a log left behind by a compaction that crashed repeats archived
/// changes, and replaying a change twice ends where replaying it once
/// does).
pub fn changes_since_build(files: &GraphFiles) -> Result<Vec<Change>> {
    let archive_path = &files.archive;
    let mut changes = match std::fs::read_to_string(archive_path) {
        Ok(text) => text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .enumerate()
            .map(|(number, line)| {
                serde_json::from_str(line).map_err(|e| Error::CorruptIndex {
                    path: archive_path.to_path_buf(),
                    reason: format!("line {} does not decode: {e}", number + 1),
                })
            })
            .collect::<Result<Vec<Change>>>()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(archive_path, e)),
    };
    for path in [&files.log, &files.next_log] {
        if let Some(log) = read_log(path, None)? {
            changes.extend(log.changes);
        }
    }
    Ok(changes)
}

/// Appends `changes` to the archive at `path`, flushed to disk.
pub fn archive(path: &Path, changes: &[Change]) -> Result<()> {
    let mut lines = Vec::new();
    for change in changes {
        serde_json::to_writer(&mut lines, change).map_err(|e| Error::Serialization(e.to_string()))?;
        lines.push(b'\n');
    }
    append_archive(path, &lines)
}

/// Appends `lines` (whole lines, one change each) to the archive at
/// `path`, flushed to disk.
fn append_archive(path: &Path, lines: &[u8]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.write_all(lines).map_err(|e| Error::io(path, e))?;
    file.sync_data().map_err(|e| Error::io(path, e))?;
    crate::durable::sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Folds the log in `files` into a new snapshot of `graph`, which must be
/// the snapshot's graph with the log applied, in the steps of the module's
/// documentation, at once. Returns the graph reloaded from the new
/// snapshot (deleted records dropped) and the new log.
pub fn fold_log(graph: &KnowledgeGraph, files: &GraphFiles) -> Result<(KnowledgeGraph, GraphLog)> {
    let mut log = begin_fold(files, graph.epoch())?;
    let folded = archive_log(files, graph.epoch(), None)?;
    let epoch = graph.epoch() + 1;
    graph.save_with_epoch(&files.snapshot, epoch)?;
    settle_next_log(files)?;
    log.renamed_to(&files.log);
    let graph = KnowledgeGraph::load(&files.snapshot)?;
    debug_assert_eq!(graph.epoch(), epoch);
    tracing::info!(epoch, folded, "graph log compacted into a new snapshot");
    Ok((graph, log))
}

/// Brings the logs in `files` to a settled state for the snapshot of
/// `epoch` on its own, finishing a fold a crash stopped: renames the next
/// log over a log already folded, or folds the log into the snapshot
/// first when that was not written yet (loading and saving the snapshot).
pub fn settle_logs(files: &GraphFiles, epoch: u64) -> Result<()> {
    let logs = read_logs(files, epoch)?;
    match logs.state {
        FoldState::Settled => Ok(()),
        FoldState::BeforeRename => settle_next_log(files),
        FoldState::BeforeSnapshot => {
            let mut graph = KnowledgeGraph::load(&files.snapshot)?;
            let logged = logs.unfolded.into_iter().next().unwrap_or_default();
            archive_log(files, epoch, Some(logged.changes.len()))?;
            replay(&mut graph, logged.changes, &files.log)?;
            graph.save_with_epoch(&files.snapshot, epoch + 1)?;
            settle_next_log(files)?;
            tracing::info!(epoch = epoch + 1, "a graph log fold stopped by a crash finished");
            Ok(())
        }
    }
}

impl PersistentGraph {
    /// Opens the snapshot and the log in `files`, replaying the log (a
    /// fold a crash stopped is finished first, see [`settle_logs`]).
    pub fn open(files: GraphFiles) -> Result<PersistentGraph> {
        let mut graph = KnowledgeGraph::load(&files.snapshot)?;
        if read_logs(&files, graph.epoch())?.state != FoldState::Settled {
            settle_logs(&files, graph.epoch())?;
            graph = KnowledgeGraph::load(&files.snapshot)?;
        }
        let (log, changes) = GraphLog::open(&files.log, graph.epoch())?;
        replay(&mut graph, changes, &files.log)?;
        Ok(PersistentGraph { graph, log, files })
    }

    pub fn graph(&self) -> &KnowledgeGraph {
        &self.graph
    }

    /// Changes logged since the snapshot.
    pub fn pending(&self) -> usize {
        self.log.len()
    }

    /// Checks a change, logs it durably, then applies it. When this
    /// returns `Ok` the change survives a crash.
    pub fn apply(&mut self, change: Change) -> Result<()> {
        self.graph.check(&change)?;
        self.log.append(&change)?;
        self.graph.apply(change)
    }

    /// Folds the log into a new snapshot: writes the snapshot of the next
    /// epoch atomically, starts an empty log for it, and reloads the graph
    /// from the new snapshot (dropping deleted records from memory).
    pub fn compact(&mut self) -> Result<()> {
        (self.graph, self.log) = fold_log(&self.graph, &self.files)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::{entity, relation};
    use crate::model::EntityKind::*;
    use crate::model::RelationKind::*;

    fn files(dir: &tempfile::TempDir) -> GraphFiles {
        GraphFiles {
            snapshot: dir.path().join("graph.bin"),
            log: dir.path().join("graph.wal"),
            next_log: dir.path().join("graph.wal.next"),
            archive: dir.path().join("changes.jsonl"),
        }
    }

    fn dir_with_graph() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let graph = KnowledgeGraph::from_records(
            vec![entity("a", Enterprise, "甲", &[]), entity("b", Zone, "乙", &[])],
            vec![relation("a", "b", LocatedIn)],
        )
        .unwrap();
        graph.save(&files(&dir).snapshot).unwrap();
        dir
    }

    /// Changes whose JSON holds what could be taken for the array's
    /// structure: commas, brackets and braces in strings, escaped quotes
    /// and backslashes, nested arrays and objects.
    fn awkward_changes() -> Vec<Change> {
        let mut tricky = entity("c,\"]}", Person, "丙\\\"[,]{}", &["别名,一]", "\\"]);
        tricky.description = "引号\" 逗号, 括号 ] } [ { 反斜杠 \\ 换行\n结束\\".into();
        tricky.props.insert(
            "list".into(),
            serde_json::json!([{"a": [1, 2, {"b": "],"}]}, "\\\"", []]),
        );
        let mut with_evidence = relation("c,\"]}", "a", Founded);
        with_evidence.evidence = vec![crate::model::Evidence {
            doc: "doc_[1]".into(),
            quote: "他说：\"好,]\"".into(),
        }];
        vec![
            Change::PutEntity { entity: tricky },
            Change::PutRelation {
                relation: with_evidence,
            },
            Change::DeleteEntity { id: "b".into() },
        ]
    }

    #[test]
    fn a_record_splits_into_the_json_of_its_changes_as_logged() {
        let changes = awkward_changes();
        let batch = serde_json::to_vec(&changes).unwrap();
        let texts = change_texts(&batch).unwrap();
        assert_eq!(texts.len(), changes.len());
        for (text, change) in texts.iter().zip(&changes) {
            assert_eq!(*text, serde_json::to_vec(change).unwrap().as_slice());
        }
        let one = serde_json::to_vec(&changes[0]).unwrap();
        assert_eq!(change_texts(&one).unwrap(), vec![one.as_slice()]);
        assert!(change_texts(b"[]").unwrap().is_empty());
        for broken in [&b"[{\"a\":1}"[..], b"[{\"a\":\"]}", b"[1,2]", b"[{}}]"] {
            assert!(change_texts(broken).is_err(), "{}", String::from_utf8_lossy(broken));
        }
    }

    #[test]
    fn the_archive_holds_the_logged_changes_one_per_line() {
        let dir = dir_with_graph();
        let files = files(&dir);
        let changes = awkward_changes();
        let mut log = GraphLog::create(&files.log, 0).unwrap();
        log.append_all(&changes).unwrap();
        log.append(&Change::PutEntity {
            entity: entity("d", Person, "丁", &[]),
        })
        .unwrap();
        drop(log);
        assert_eq!(archive_log(&files, 0, Some(4)).unwrap(), 4);
        let text = std::fs::read_to_string(&files.archive).unwrap();
        let mut expected = changes.clone();
        expected.push(Change::PutEntity {
            entity: entity("d", Person, "丁", &[]),
        });
        let written: String = expected
            .iter()
            .map(|change| serde_json::to_string(change).unwrap() + "\n")
            .collect();
        assert_eq!(text, written, "the lines archive() writes");
        std::fs::remove_file(&files.log).unwrap();
        assert_eq!(changes_since_build(&files).unwrap(), expected);
        // a count other than the one logged is damage
        let mut log = GraphLog::create(&files.log, 0).unwrap();
        log.append_all(&changes).unwrap();
        drop(log);
        assert!(matches!(
            archive_log(&files, 0, Some(2)),
            Err(Error::CorruptIndex { .. })
        ));
    }

    #[test]
    fn torn_last_record_is_dropped_and_the_log_stays_usable() {
        let dir = dir_with_graph();
        let mut graph = PersistentGraph::open(files(&dir)).unwrap();
        graph
            .apply(Change::PutEntity {
                entity: entity("c", Person, "丙", &[]),
            })
            .unwrap();
        graph
            .apply(Change::PutRelation {
                relation: relation("c", "a", Founded),
            })
            .unwrap();
        drop(graph);
        let path = files(&dir).log;
        let whole = std::fs::read(&path).unwrap();
        // cut the last record anywhere: its first change survives
        for cut in [whole.len() - 1, whole.len() - 20] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert_eq!(GraphLog::read(&path, 0).unwrap().len(), 1);
        }
        // a flipped byte in the last record is damage of that record only
        let mut flipped = whole.clone();
        let last = flipped.len() - 2;
        flipped[last] ^= 0x55;
        std::fs::write(&path, &flipped).unwrap();
        let mut reopened = PersistentGraph::open(files(&dir)).unwrap();
        assert_eq!(reopened.pending(), 1);
        assert!(reopened.graph().resolve("丙").is_ok());
        assert_eq!(reopened.graph().degree(reopened.graph().resolve("丙").unwrap()), 0);
        reopened
            .apply(Change::PutRelation {
                relation: relation("c", "b", LocatedIn),
            })
            .unwrap();
        drop(reopened);
        let again = PersistentGraph::open(files(&dir)).unwrap();
        assert_eq!(again.pending(), 2);
        assert_eq!(again.graph().degree(again.graph().resolve("c").unwrap()), 1);
    }

    #[test]
    fn a_batch_survives_whole_or_not_at_all() {
        let dir = dir_with_graph();
        let path = files(&dir).log;
        let (mut log, _) = GraphLog::open(&path, 0).unwrap();
        log.append(&Change::DeleteEntity { id: "a".into() }).unwrap();
        let batch = vec![
            Change::PutEntity {
                entity: entity("c", Person, "丙", &[]),
            },
            Change::PutRelation {
                relation: relation("c", "b", Founded),
            },
        ];
        log.append_all(&batch).unwrap();
        assert_eq!(log.len(), 3);
        drop(log);
        let read = GraphLog::read(&path, 0).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[1..], batch[..]);
        // a crash in the middle of the batch's record: none of it, the change before it kept
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 10]).unwrap();
        assert_eq!(
            GraphLog::read(&path, 0).unwrap(),
            vec![Change::DeleteEntity { id: "a".into() }]
        );
    }

    #[test]
    fn a_log_of_an_older_snapshot_is_discarded() {
        let dir = dir_with_graph();
        let mut graph = PersistentGraph::open(files(&dir)).unwrap();
        graph.apply(Change::DeleteEntity { id: "a".into() }).unwrap();
        let stale_log = std::fs::read(files(&dir).log).unwrap();
        graph.compact().unwrap();
        drop(graph);
        // a crash after the new snapshot, before the new log
        std::fs::write(files(&dir).log, &stale_log).unwrap();
        let reopened = PersistentGraph::open(files(&dir)).unwrap();
        assert_eq!(reopened.pending(), 0);
        assert!(reopened.graph().resolve("a").is_err());
        assert_eq!(reopened.graph().entity_count(), 1);
    }

    #[test]
    fn a_fold_stopped_at_any_step_reads_back_whole() {
        // the states the steps leave: begun, archived, snapshot written
        for step in 1..=3 {
            let dir = dir_with_graph();
            let files = files(&dir);
            let mut graph = PersistentGraph::open(files.clone()).unwrap();
            graph.apply(Change::DeleteEntity { id: "a".into() }).unwrap();
            let folded = graph.graph().clone();
            drop(graph);
            let mut next = begin_fold(&files, 0).unwrap();
            next.append(&Change::PutEntity {
                entity: entity("c", Person, "丙", &[]),
            })
            .unwrap();
            if step >= 2 {
                archive_log(&files, 0, Some(1)).unwrap();
            }
            if step >= 3 {
                folded.save_with_epoch(&files.snapshot, 1).unwrap();
            }
            drop(next);
            let mut read = KnowledgeGraph::load(&files.snapshot).unwrap();
            let logs = read.replay_logs(&files).unwrap();
            let expected = if step >= 3 {
                FoldState::BeforeRename
            } else {
                FoldState::BeforeSnapshot
            };
            assert_eq!(logs.state, expected, "step {step}");
            assert!(read.resolve("a").is_err() && read.resolve("丙").is_ok(), "step {step}");
            assert_eq!(logs.segments().map(|s| s.changes.len()).sum::<usize>(), 2);

            let reopened = PersistentGraph::open(files.clone()).unwrap();
            assert_eq!(reopened.graph().epoch(), 1, "step {step}: the fold is finished");
            assert_eq!(reopened.pending(), 1, "step {step}");
            assert!(reopened.graph().resolve("a").is_err(), "step {step}");
            assert!(reopened.graph().resolve("丙").is_ok(), "step {step}");
            assert!(!files.next_log.exists());
            assert_eq!(read_logs(&files, 1).unwrap().state, FoldState::Settled);
        }
    }

    #[test]
    fn a_damaged_header_is_an_error() {
        let dir = dir_with_graph();
        std::fs::write(files(&dir).log, b"nonsense").unwrap();
        assert!(matches!(
            PersistentGraph::open(files(&dir)),
            Err(Error::CorruptIndex { .. })
        ));
    }
}

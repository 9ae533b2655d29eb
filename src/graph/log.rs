//! The write-ahead log of graph changes since the snapshot, and
//! [`PersistentGraph`], a graph with its snapshot and log on disk.
//!
//! Where the snapshot, the log and the archive live is the caller's
//! choice ([`GraphFiles`]; `crate::store` keeps them in an index
//! generation). The log is a header naming the snapshot epoch it follows, then one record per write:
//! `u32` length, `u32` checksum (the first bytes of the payload's BLAKE3
//! hash), the change as JSON, or a JSON array of the changes of a batch
//! written at once (all of them or none survive a crash). A change is appended and flushed to disk
//! before it is applied and acknowledged. At open the records are replayed;
//! a torn last record (a crash in the middle of an append) is dropped, not
//! an error. Compaction writes a snapshot of the next epoch (temporary
//! file, flushed, renamed), then an empty log of that epoch the same way: a
//! crash between the two leaves a log of the old epoch, which the new
//! snapshot already holds, and which is therefore discarded.
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
    changes: Vec<Change>,
    /// Bytes of whole, valid records (with the header).
    valid_len: u64,
    /// Whether more bytes followed the valid ones.
    torn: bool,
}

/// Reads a log of `epoch` (of any epoch if `None`); `None` when the file
/// is missing or follows another snapshot.
fn read_log(path: &Path, epoch: Option<u64>) -> Result<Option<Contents>> {
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
    let mut changes = Vec::new();
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
        let corrupt = |e: serde_json::Error| Error::CorruptIndex {
            path: path.to_path_buf(),
            reason: format!("graph log record {} does not decode: {e}", changes.len()),
        };
        if payload.first() == Some(&b'[') {
            changes.extend(serde_json::from_slice::<Vec<Change>>(payload).map_err(corrupt)?);
        } else {
            changes.push(serde_json::from_slice(payload).map_err(corrupt)?);
        }
        at += 8 + len;
    }
    Ok(Some(Contents {
        changes,
        valid_len: at as u64,
        torn: at < bytes.len(),
    }))
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
    /// Applies the changes of the log at `log` (the log of the snapshot
    /// this graph was loaded from), read only; returns them.
    pub fn replay_log(&mut self, log: &Path) -> Result<Vec<Change>> {
        let changes = GraphLog::read(log, self.epoch())?;
        replay(self, changes.clone(), log)?;
        Ok(changes)
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
/// archive, then the log (whatever snapshot it follows: a log left behind
/// by a compaction that crashed repeats archived changes, and replaying a
/// change twice ends where replaying it once does).
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
    if let Some(log) = read_log(&files.log, None)? {
        changes.extend(log.changes);
    }
    Ok(changes)
}

/// Appends `changes` to the archive at `path`, flushed to disk.
pub fn archive(path: &Path, changes: &[Change]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut lines = Vec::new();
    for change in changes {
        serde_json::to_writer(&mut lines, change).map_err(|e| Error::Serialization(e.to_string()))?;
        lines.push(b'\n');
    }
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.write_all(&lines).map_err(|e| Error::io(path, e))?;
    file.sync_data().map_err(|e| Error::io(path, e))?;
    crate::durable::sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Folds the log in `files` into a new snapshot of `graph`, which must be
/// the snapshot's graph with the log applied: appends the logged changes
/// to the archive, writes the snapshot of the next epoch atomically and
/// starts an empty log for it. Returns the graph reloaded from the new
/// snapshot (deleted records dropped) and the new log.
pub fn fold_log(graph: &KnowledgeGraph, files: &GraphFiles) -> Result<(KnowledgeGraph, GraphLog)> {
    let logged = GraphLog::read(&files.log, graph.epoch())?;
    archive(&files.archive, &logged)?;
    let epoch = graph.epoch() + 1;
    graph.save_with_epoch(&files.snapshot, epoch)?;
    let log = GraphLog::create(&files.log, epoch)?;
    let graph = KnowledgeGraph::load(&files.snapshot)?;
    debug_assert_eq!(graph.epoch(), epoch);
    tracing::info!(epoch, folded = logged.len(), "graph log compacted into a new snapshot");
    Ok((graph, log))
}

impl PersistentGraph {
    /// Opens the snapshot and the log in `files`, replaying the log.
    pub fn open(files: GraphFiles) -> Result<PersistentGraph> {
        let mut graph = KnowledgeGraph::load(&files.snapshot)?;
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
    fn a_damaged_header_is_an_error() {
        let dir = dir_with_graph();
        std::fs::write(files(&dir).log, b"nonsense").unwrap();
        assert!(matches!(
            PersistentGraph::open(files(&dir)),
            Err(Error::CorruptIndex { .. })
        ));
    }
}

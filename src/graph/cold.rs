//! Records read rarely, kept out of the traversal tables: entity profiles
//! and properties, relation dates, amounts, properties and evidence. Each
//! record is a few postcard-encoded bytes. A loaded graph leaves both kinds
//! of records in its snapshot file and reads one when a view needs it
//! (positional reads, no shared cursor, served from the page cache once
//! warm), so they cost no memory; records written since the snapshot are
//! held in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::{Error, Result};

/// Where a snapshot's record region is.
#[derive(Debug, Clone)]
pub(crate) struct FileRegion {
    pub file: Arc<std::fs::File>,
    pub path: PathBuf,
    /// Offset of the region in the file.
    pub base: u64,
    pub len: u64,
}

/// Records in a file region per block of this many records share one
/// 64-bit start; each record keeps only its 32-bit end within its block.
const BLOCK: usize = 1024;

/// Where the records of a file region are: 4 bytes a record plus 8 bytes a
/// block, instead of a 64-bit start and a 32-bit length each.
#[derive(Debug, Clone, Default)]
struct FileRecords {
    /// Offset in the region where each block of [`BLOCK`] records starts.
    blocks: Vec<u64>,
    /// End of each record, counted from the start of its block.
    ends: Vec<u32>,
}

impl FileRecords {
    /// The records of these lengths, back to back; also returns how many
    /// bytes they take. `None` if one block's records exceed 4 GiB.
    fn from_lengths(lengths: &[u32]) -> Option<(FileRecords, u64)> {
        let mut blocks = Vec::with_capacity(lengths.len().div_ceil(BLOCK));
        let mut ends = Vec::with_capacity(lengths.len());
        let mut position = 0u64;
        for (index, &length) in lengths.iter().enumerate() {
            if index % BLOCK == 0 {
                blocks.push(position);
            }
            position += u64::from(length);
            ends.push(u32::try_from(position - blocks[index / BLOCK]).ok()?);
        }
        Some((FileRecords { blocks, ends }, position))
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Start and length of record `index`.
    #[inline]
    fn span(&self, index: usize) -> (u64, usize) {
        let base = self.blocks[index / BLOCK];
        let start = if index.is_multiple_of(BLOCK) {
            0
        } else {
            self.ends[index - 1]
        };
        (base + u64::from(start), (self.ends[index] - start) as usize)
    }
}

/// Bytes read at a time when records are read in file order.
const WINDOW: usize = 8 << 20;

/// Where one record's bytes are.
enum Location {
    File(u64, usize),
    Memory(Spot),
}

/// Bytes of one chunk of an [`Arena`] (a longer record has a chunk of its
/// own).
const CHUNK_BYTES: usize = 1 << 20;

/// Where a record is in an [`Arena`]: chunk, offset in it, length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spot {
    chunk: u32,
    offset: u32,
    len: u32,
}

/// Records held in memory, in chunks shared between copies of a store: a
/// copy costs a pointer per chunk, and adding to it copies at most its
/// last chunk.
#[derive(Debug, Clone, Default)]
struct Arena {
    chunks: Vec<Arc<Vec<u8>>>,
}

impl Arena {
    /// Keeps `bytes`; returns where they are.
    fn keep(&mut self, bytes: &[u8]) -> Spot {
        let fits = self
            .chunks
            .last()
            .is_some_and(|chunk| chunk.len() + bytes.len() <= CHUNK_BYTES);
        if !fits {
            self.chunks
                .push(Arc::new(Vec::with_capacity(CHUNK_BYTES.max(bytes.len()))));
        }
        let chunk = self.chunks.len() - 1;
        let last = Arc::make_mut(&mut self.chunks[chunk]);
        let offset = last.len();
        last.extend_from_slice(bytes);
        Spot {
            chunk: chunk as u32,
            offset: offset as u32,
            len: bytes.len() as u32,
        }
    }

    fn get(&self, spot: Spot) -> &[u8] {
        let start = spot.offset as usize;
        &self.chunks[spot.chunk as usize][start..start + spot.len as usize]
    }

    fn capacity(&self) -> usize {
        self.chunks.iter().map(|chunk| chunk.capacity()).sum()
    }
}

/// A table of byte records, in a file region and in memory.
///
/// Positions below the file region's record count are in the file unless
/// they were given new bytes since; those and the positions after them are
/// in `memory`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColdStore {
    region: Option<FileRegion>,
    /// Shared between copies of the graph: it never changes.
    file: Arc<FileRecords>,
    memory: Arena,
    /// Where each record after the file's is in `memory`.
    added: Vec<Spot>,
    /// File records given new bytes: where those are in `memory`.
    replaced: HashMap<u32, Spot>,
}

impl ColdStore {
    /// A store over a snapshot region holding records of these lengths, back
    /// to back.
    pub(crate) fn in_file(region: FileRegion, lengths: Vec<u32>) -> Result<ColdStore> {
        let corrupt = |reason: String| Error::CorruptIndex {
            path: region.path.clone(),
            reason,
        };
        let (file, total) = FileRecords::from_lengths(&lengths)
            .ok_or_else(|| corrupt(format!("{BLOCK} consecutive records hold more than 4 GiB")))?;
        if total != region.len {
            return Err(corrupt(format!(
                "record lengths add up to {total} bytes, the region holds {}",
                region.len
            )));
        }
        Ok(ColdStore {
            region: Some(region),
            file: Arc::new(file),
            ..ColdStore::default()
        })
    }

    fn locate(&self, index: u32) -> Location {
        if let Some(&spot) = self.replaced.get(&index) {
            return Location::Memory(spot);
        }
        let index = index as usize;
        match index.checked_sub(self.file.len()) {
            None => {
                let (start, len) = self.file.span(index);
                Location::File(start, len)
            }
            Some(added) => Location::Memory(self.added[added]),
        }
    }

    /// Lengths of the records `slots`, in that order.
    pub(crate) fn lengths(&self, slots: &[u32]) -> Vec<u32> {
        slots
            .iter()
            .map(|&index| match self.locate(index) {
                Location::File(_, len) => len as u32,
                Location::Memory(spot) => spot.len,
            })
            .collect()
    }

    /// Number of records.
    pub(crate) fn count(&self) -> usize {
        self.file.len() + self.added.len()
    }

    /// Appends a record; returns its index.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> u32 {
        let index = self.count() as u32;
        let kept = self.memory.keep(bytes);
        self.added.push(kept);
        index
    }

    /// Gives record `index` new bytes (the old ones stay, unreferenced,
    /// until the next snapshot).
    pub(crate) fn replace(&mut self, index: u32, bytes: &[u8]) {
        let kept = self.memory.keep(bytes);
        match (index as usize).checked_sub(self.file.len()) {
            Some(added) => self.added[added] = kept,
            None => {
                self.replaced.insert(index, kept);
            }
        }
    }

    /// The bytes of record `index`.
    pub(crate) fn get(&self, index: u32) -> Result<Cow<'_, [u8]>> {
        match self.locate(index) {
            Location::Memory(spot) => Ok(Cow::Borrowed(self.memory.get(spot))),
            Location::File(start, len) => {
                let region = self
                    .region
                    .as_ref()
                    .ok_or_else(|| Error::Serialization("record outside any region".into()))?;
                let mut buffer = vec![0u8; len];
                read_at(&region.file, &mut buffer, region.base + start).map_err(|e| Error::io(&region.path, e))?;
                Ok(Cow::Owned(buffer))
            }
        }
    }

    /// The records `slots`, in that order (for writing a snapshot). File
    /// records are read through a window of [`WINDOW`] bytes that moves
    /// forward with them, so a pass over records in file order reads the
    /// region once, sequentially, without holding it all.
    pub(crate) fn for_each(&self, slots: &[u32], each: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        self.for_each_through(slots, WINDOW, each)
    }

    /// [`ColdStore::for_each`] with a window of `window_size` bytes.
    fn for_each_through(
        &self,
        slots: &[u32],
        window_size: usize,
        mut each: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut window: Vec<u8> = Vec::new();
        // region offset where `window` starts
        let mut window_start = 0u64;
        for &index in slots {
            match self.locate(index) {
                Location::Memory(spot) => each(self.memory.get(spot))?,
                Location::File(start, len) => {
                    let region = self
                        .region
                        .as_ref()
                        .ok_or_else(|| Error::Serialization("record outside any region".into()))?;
                    let end = start + len as u64;
                    if start < window_start || end > window_start + window.len() as u64 {
                        let size = (len.max(window_size) as u64).min(region.len - start) as usize;
                        window.resize(size, 0);
                        read_at(&region.file, &mut window, region.base + start)
                            .map_err(|e| Error::io(&region.path, e))?;
                        window_start = start;
                    }
                    let at = (start - window_start) as usize;
                    each(&window[at..at + len])?;
                }
            }
        }
        Ok(())
    }

    /// Bytes of the record locations held in memory.
    pub(crate) fn offset_bytes(&self) -> usize {
        self.file.blocks.capacity() * 8
            + self.file.ends.capacity() * 4
            + self.added.capacity() * std::mem::size_of::<Spot>()
            + self.replaced.capacity() * (4 + std::mem::size_of::<Spot>())
            + self.memory.chunks.capacity() * std::mem::size_of::<Arc<Vec<u8>>>()
    }

    /// Bytes of records held in memory (written since the snapshot).
    pub(crate) fn record_bytes(&self) -> usize {
        self.memory.capacity()
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buffer, offset)
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    let mut done = 0;
    while done < buffer.len() {
        let read = file.seek_read(&mut buffer[done..], offset + done as u64)?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        done += read;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn records_from_file_and_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records");
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(b"xxabcde").unwrap();
        drop(file);
        let region = FileRegion {
            file: Arc::new(std::fs::File::open(&path).unwrap()),
            path,
            base: 2,
            len: 5,
        };
        let mut store = ColdStore::in_file(region, vec![2, 3]).unwrap();
        assert_eq!(&*store.get(0).unwrap(), b"ab");
        assert_eq!(&*store.get(1).unwrap(), b"cde");
        assert_eq!(store.push(b"fg"), 2);
        store.replace(0, b"hij");
        assert_eq!(&*store.get(0).unwrap(), b"hij");
        assert_eq!(&*store.get(2).unwrap(), b"fg");
        let mut all = Vec::new();
        store
            .for_each(&[2, 0, 1], |b| {
                all.push(b.to_vec());
                Ok(())
            })
            .unwrap();
        assert_eq!(all, [b"fg".to_vec(), b"hij".to_vec(), b"cde".to_vec()]);
        store.replace(2, b"klmn");
        assert_eq!(&*store.get(2).unwrap(), b"klmn");
        assert_eq!(store.lengths(&[2, 0]), [4, 3]);
        assert_eq!(store.count(), 3);
    }

    #[test]
    fn copies_share_their_chunks_and_add_apart() {
        let mut store = ColdStore::default();
        let long = vec![7u8; CHUNK_BYTES + 3];
        let records: Vec<Vec<u8>> = (0..40u8)
            .map(|i| vec![i; 40_000])
            .chain([long.clone(), b"after".to_vec()])
            .collect();
        for record in &records {
            store.push(record);
        }
        let copy = store.clone();
        assert_eq!(store.push(b"only in the first"), records.len() as u32);
        store.replace(3, b"three");
        for (index, record) in records.iter().enumerate() {
            assert_eq!(&*copy.get(index as u32).unwrap(), &record[..], "record {index}");
        }
        assert_eq!(copy.count(), records.len());
        assert_eq!(&*store.get(3).unwrap(), b"three");
        assert_eq!(&*store.get(records.len() as u32 - 2).unwrap(), &long[..]);
        assert_eq!(&*store.get(records.len() as u32).unwrap(), b"only in the first");
        assert!(store.memory.chunks.len() >= 3, "a long record takes a chunk of its own");
        assert!(Arc::ptr_eq(&store.memory.chunks[0], &copy.memory.chunks[0]));
    }

    #[test]
    fn records_read_through_a_small_window_in_any_order() {
        let lengths: Vec<u32> = (0..40).map(|i| (i * 7 % 11) as u32).collect();
        let mut bytes = Vec::new();
        let mut records = Vec::new();
        for (i, &len) in lengths.iter().enumerate() {
            let record: Vec<u8> = (0..len).map(|j| (i * 31 + j as usize) as u8).collect();
            bytes.extend_from_slice(&record);
            records.push(record);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records");
        std::fs::write(&path, &bytes).unwrap();
        let region = FileRegion {
            file: Arc::new(std::fs::File::open(&path).unwrap()),
            path,
            base: 0,
            len: bytes.len() as u64,
        };
        let mut store = ColdStore::in_file(region, lengths).unwrap();
        store.replace(5, b"new");
        records[5] = b"new".to_vec();
        // in order, backwards, and jumping about; records longer than the window
        let forward: Vec<u32> = (0..40).collect();
        let backward: Vec<u32> = (0..40).rev().collect();
        let jumping: Vec<u32> = (0..40).map(|i| (i * 17) % 40).collect();
        for slots in [forward, backward, jumping] {
            for window in [1, 4, 16, 1 << 20] {
                let mut seen = Vec::new();
                store
                    .for_each_through(&slots, window, |b| {
                        seen.push(b.to_vec());
                        Ok(())
                    })
                    .unwrap();
                let expected: Vec<Vec<u8>> = slots.iter().map(|&i| records[i as usize].clone()).collect();
                assert_eq!(seen, expected, "window {window}");
            }
        }
    }

    #[test]
    fn spans_cross_block_boundaries() {
        let lengths: Vec<u32> = (0..3 * BLOCK as u32 + 5).map(|i| i % 7).collect();
        let (records, total) = FileRecords::from_lengths(&lengths).unwrap();
        assert_eq!(total, lengths.iter().map(|&l| u64::from(l)).sum::<u64>());
        let mut start = 0u64;
        for (index, &length) in lengths.iter().enumerate() {
            assert_eq!(records.span(index), (start, length as usize), "record {index}");
            start += u64::from(length);
        }
        assert!(
            FileRecords::from_lengths(&[u32::MAX, 1]).is_none(),
            "a block past 4 GiB"
        );
    }
}

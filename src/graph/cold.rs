//! Records read rarely, kept out of the traversal tables: entity profiles
//! and properties, relation dates, amounts, properties and evidence. Each
//! record is a few postcard-encoded bytes. A loaded graph leaves both kinds
//! of records in its snapshot file and reads one when a view needs it
//! (positional reads, no shared cursor, served from the page cache once
//! warm), so they cost no memory; records written since the snapshot are
//! held in memory.

use std::borrow::Cow;
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

/// A table of byte records, in a file region and in memory.
///
/// Positions below the file region's length are in the file, positions
/// from it on in `memory`.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColdStore {
    region: Option<FileRegion>,
    memory: Vec<u8>,
    start: Vec<u64>,
    len: Vec<u32>,
}

impl ColdStore {
    /// A store over a snapshot region holding records of these lengths, back
    /// to back.
    pub(crate) fn in_file(region: FileRegion, lengths: Vec<u32>) -> Result<ColdStore> {
        let mut start = Vec::with_capacity(lengths.len());
        let mut position = 0u64;
        for &length in &lengths {
            start.push(position);
            position += u64::from(length);
        }
        if position != region.len {
            return Err(Error::CorruptIndex {
                path: region.path.clone(),
                reason: format!(
                    "record lengths add up to {position} bytes, the region holds {}",
                    region.len
                ),
            });
        }
        Ok(ColdStore {
            region: Some(region),
            memory: Vec::new(),
            start,
            len: lengths,
        })
    }

    fn region_len(&self) -> u64 {
        self.region.as_ref().map_or(0, |r| r.len)
    }

    /// Number of records.
    /// Lengths of the records at the positions whose `live` flag is set,
    /// in order.
    pub(crate) fn lengths(&self, live: &[bool]) -> Vec<u32> {
        self.len
            .iter()
            .zip(live)
            .filter(|(_, &live)| live)
            .map(|(&len, _)| len)
            .collect()
    }

    pub(crate) fn count(&self) -> usize {
        self.start.len()
    }

    /// Appends a record; returns its index.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> u32 {
        let index = self.start.len() as u32;
        self.start.push(self.region_len() + self.memory.len() as u64);
        self.len.push(bytes.len() as u32);
        self.memory.extend_from_slice(bytes);
        index
    }

    /// Gives record `index` new bytes (the old ones stay, unreferenced,
    /// until the next snapshot).
    pub(crate) fn replace(&mut self, index: u32, bytes: &[u8]) {
        self.start[index as usize] = self.region_len() + self.memory.len() as u64;
        self.len[index as usize] = bytes.len() as u32;
        self.memory.extend_from_slice(bytes);
    }

    /// The bytes of record `index`.
    pub(crate) fn get(&self, index: u32) -> Result<Cow<'_, [u8]>> {
        let start = self.start[index as usize];
        let len = self.len[index as usize] as usize;
        let region_len = self.region_len();
        if start >= region_len {
            let at = (start - region_len) as usize;
            return Ok(Cow::Borrowed(&self.memory[at..at + len]));
        }
        let region = self
            .region
            .as_ref()
            .ok_or_else(|| Error::Serialization("record outside any region".into()))?;
        let mut buffer = vec![0u8; len];
        read_at(&region.file, &mut buffer, region.base + start).map_err(|e| Error::io(&region.path, e))?;
        Ok(Cow::Owned(buffer))
    }

    /// Every record in order, reading the file region in one pass (for
    /// writing a snapshot).
    pub(crate) fn for_each(&self, mut each: impl FnMut(u32, &[u8]) -> Result<()>) -> Result<()> {
        let region_bytes = match &self.region {
            Some(region) => {
                let mut buffer = vec![0u8; region.len as usize];
                read_at(&region.file, &mut buffer, region.base).map_err(|e| Error::io(&region.path, e))?;
                buffer
            }
            None => Vec::new(),
        };
        let region_len = region_bytes.len() as u64;
        for index in 0..self.start.len() {
            let start = self.start[index];
            let len = self.len[index] as usize;
            let bytes = if start >= region_len {
                let at = (start - region_len) as usize;
                &self.memory[at..at + len]
            } else {
                &region_bytes[start as usize..start as usize + len]
            };
            each(index as u32, bytes)?;
        }
        Ok(())
    }

    /// Bytes held in memory, for logs.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.memory.len() + self.start.len() * 12
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
            .for_each(|i, b| {
                all.push((i, b.to_vec()));
                Ok(())
            })
            .unwrap();
        assert_eq!(all, [(0, b"hij".to_vec()), (1, b"cde".to_vec()), (2, b"fg".to_vec())]);
    }
}

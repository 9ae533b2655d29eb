//! Parts of a snapshot file used in place, through a read-only memory map:
//! the entities' names and the id and name lookup indexes. Their pages are
//! read from the file when first touched and stay in the page cache, where
//! the kernel can drop them under memory pressure (they are clean), so a
//! loaded graph holds in its own heap only what traversals need.
//!
//! Snapshot files are written once, to a temporary name, and renamed into
//! place; nothing writes to a file after that, which is what makes mapping
//! it sound. Reads go through bounds-checked accessors: a damaged file
//! gives wrong answers or empty texts, never a panic.

use std::path::Path;
use std::sync::Arc;

use crate::{Error, Result};

/// A byte range of a mapped snapshot file.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    map: Arc<memmap2::Mmap>,
    start: usize,
    len: usize,
}

/// Maps a whole snapshot file read-only.
pub(crate) fn map_file(file: &std::fs::File, path: &Path) -> Result<Arc<memmap2::Mmap>> {
    // SAFETY: snapshot files are never written after they are renamed into
    // place (see the module documentation), so the mapped bytes do not
    // change under the reader; reads are bounds-checked.
    let map = unsafe { memmap2::Mmap::map(file) }.map_err(|e| Error::io(path, e))?;
    Ok(Arc::new(map))
}

impl Section {
    /// The bytes `start..start + len` of `map`; `None` if they are beyond it.
    pub(crate) fn new(map: &Arc<memmap2::Mmap>, start: u64, len: u64) -> Option<Section> {
        let start = usize::try_from(start).ok()?;
        let len = usize::try_from(len).ok()?;
        (start.checked_add(len)? <= map.len()).then(|| Section {
            map: map.clone(),
            start,
            len,
        })
    }

    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.map[self.start..self.start + self.len]
    }

    /// Number of little-endian `u32`s the section holds.
    #[inline]
    pub(crate) fn u32_count(&self) -> usize {
        self.len / 4
    }

    /// The `index`th little-endian `u32`.
    #[inline]
    pub(crate) fn u32_at(&self, index: usize) -> Option<u32> {
        let at = index.checked_mul(4)?;
        let bytes = self.bytes().get(at..at + 4)?;
        Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
}

/// Sorted (hash, position) pairs: mapped from a snapshot, or held in
/// memory once changes have touched them.
#[derive(Debug, Clone)]
pub(crate) enum Pairs {
    Mapped(Section),
    /// Shared between copies of the graph until a change replaces them.
    Owned(Arc<Vec<(u32, u32)>>),
}

impl Default for Pairs {
    fn default() -> Self {
        Pairs::Owned(Arc::default())
    }
}

impl Pairs {
    pub(crate) fn len(&self) -> usize {
        match self {
            Pairs::Mapped(section) => section.u32_count() / 2,
            Pairs::Owned(pairs) => pairs.len(),
        }
    }

    #[inline]
    fn get(&self, index: usize) -> (u32, u32) {
        match self {
            Pairs::Mapped(section) => (
                section.u32_at(2 * index).unwrap_or(u32::MAX),
                section.u32_at(2 * index + 1).unwrap_or(u32::MAX),
            ),
            Pairs::Owned(pairs) => pairs[index],
        }
    }

    /// The positions filed under `hash`.
    pub(crate) fn filed_under(&self, hash: u32) -> impl Iterator<Item = u32> + '_ {
        // first pair whose hash is not below `hash`
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.get(middle).0 < hash {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        (low..self.len())
            .map(|i| self.get(i))
            .take_while(move |&(h, _)| h == hash)
            .map(|(_, position)| position)
    }

    /// Every pair, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Bytes held in the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Pairs::Mapped(_) => 0,
            Pairs::Owned(pairs) => pairs.capacity() * 8,
        }
    }

    /// Bytes read in place.
    pub(crate) fn mapped_bytes(&self) -> usize {
        match self {
            Pairs::Mapped(section) => section.bytes().len(),
            Pairs::Owned(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sections_read_little_endian_and_stay_in_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapped");
        let mut file = std::fs::File::create(&path).unwrap();
        let words: Vec<u8> = [1u32, 7, 3, 9, 3, 4, 8, 2]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        file.write_all(b"xx").unwrap();
        file.write_all(&words).unwrap();
        drop(file);
        let map = map_file(&std::fs::File::open(&path).unwrap(), &path).unwrap();
        assert!(Section::new(&map, 2, 40).is_none(), "beyond the file");
        let section = Section::new(&map, 2, 32).unwrap();
        assert_eq!(
            (section.u32_count(), section.u32_at(1), section.u32_at(8)),
            (8, Some(7), None)
        );
        let pairs = Pairs::Mapped(section);
        assert_eq!(pairs.len(), 4);
        assert_eq!(pairs.filed_under(3).collect::<Vec<_>>(), [9, 4]);
        assert_eq!(pairs.filed_under(5).count(), 0);
        assert_eq!(pairs.filed_under(8).collect::<Vec<_>>(), [2]);
        let owned = Pairs::Owned(Arc::new(pairs.iter().collect()));
        assert_eq!(owned.iter().collect::<Vec<_>>(), pairs.iter().collect::<Vec<_>>());
        assert_eq!(owned.filed_under(1).collect::<Vec<_>>(), [7]);
    }
}

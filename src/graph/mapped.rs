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

/// How many steps [`Pairs::first_not_below`] guesses at most.
const GUESSES: usize = 4;

/// The length of range below which [`Pairs::first_not_below`] halves it.
const HALVE_BELOW: usize = 32;

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
        let low = self.first_not_below(hash);
        (low..self.len())
            .map(|i| self.get(i))
            .take_while(move |&(h, _)| h == hash)
            .map(|(_, position)| position)
    }

    /// The index of the first pair whose hash is not below `hash`
    /// (`len()` if none). Hashes spread evenly over the `u32`s, so a few
    /// steps that guess the place from the hashes at both ends of the
    /// range (each a read far from the last) narrow it to a few cache
    /// lines before the halving steps, whose reads are then close
    /// together. Pairs out of order give a wrong index, never a panic.
    fn first_not_below(&self, hash: u32) -> usize {
        // every pair before `low` hashes below `hash`, every pair from
        // `high` on to `hash` or above; `below` and `above` bound the
        // hashes between
        let (mut low, mut high) = (0, self.len());
        let (mut below, mut above) = (0u64, 1u64 << 32);
        for _ in 0..GUESSES {
            if high - low <= HALVE_BELOW {
                break;
            }
            let span = (high - low) as u64;
            // below <= hash < above here, so the share is under `span`
            let offset = (u64::from(hash) - below) * span / (above - below);
            let guess = (low + offset as usize).min(high - 1);
            let here = self.get(guess).0;
            if here < hash {
                low = guess + 1;
                below = u64::from(here);
            } else {
                high = guess;
                above = u64::from(here).max(u64::from(hash) + 1);
            }
        }
        while low < high {
            let middle = low + (high - low) / 2;
            if self.get(middle).0 < hash {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
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

    /// The first pair not below `hash` by halving alone.
    fn halving(pairs: &[(u32, u32)], hash: u32) -> usize {
        pairs.partition_point(|&(h, _)| h < hash)
    }

    #[test]
    fn the_guessing_search_finds_what_halving_finds() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
        for round in 0..60 {
            let len = rng.random_range(0..5_000);
            let mut pairs: Vec<(u32, u32)> = (0..len)
                .map(|i| {
                    // even hashes, bunched ones, and runs of one hash
                    let hash = match round % 3 {
                        0 => rng.random(),
                        1 => rng.random_range(0..1_000),
                        _ => rng.random_range(0..50) * 80_000_000,
                    };
                    (hash, i)
                })
                .collect();
            pairs.sort_unstable();
            let owned = Pairs::Owned(Arc::new(pairs.clone()));
            let mut wanted: Vec<u32> = (0..300).map(|_| rng.random()).collect();
            wanted.extend(pairs.iter().take(300).map(|&(h, _)| h));
            wanted.extend(pairs.iter().take(300).map(|&(h, _)| h.wrapping_add(1)));
            wanted.extend([0, 1, u32::MAX, u32::MAX - 1]);
            for hash in wanted {
                assert_eq!(
                    owned.first_not_below(hash),
                    halving(&pairs, hash),
                    "round {round}, {hash}"
                );
            }
        }
        // out of order: some index, no panic
        let shuffled = Pairs::Owned(Arc::new(
            (0..1_000).map(|i| (i * 7_919 % 1_000 * 4_000_000, i)).collect(),
        ));
        for hash in [0, 5, 2_000_000_000, u32::MAX] {
            assert!(shuffled.first_not_below(hash) <= 1_000);
        }
    }
}

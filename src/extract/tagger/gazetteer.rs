//! Names the tagger was trained on, as features: a span of a sentence
//! that was labelled somewhere in the training sentences (a footballer, a
//! company, a town) is marked with the classes it was labelled with and how
//! reliable that label was (how often the string, wherever it occurs in
//! the training text, was labelled so). Names are kept as 64-bit hashes
//! of their characters, never as text.
//!
//! Training marks each sentence with a gazetteer made from the other
//! folds of the training sentences only (see [`Folds`]), so the model
//! learns how far a match from names it has *not* seen in that sentence is
//! to be trusted, which is the situation of every sentence it tags later.

use std::collections::HashMap;
use std::ops::Range;

use crate::extract::prepare::{is_punctuation, mix};

/// Longest name looked up, in characters.
pub const MAX_NAME: usize = 12;
/// Shortest name looked up.
pub const MIN_NAME: usize = 2;
/// Classes a gazetteer can hold (bits of an entry).
pub const MAX_CLASSES: usize = 8;

/// The hash of a name's characters, extended one character at a time.
#[inline]
pub fn extend(hash: u64, c: char) -> u64 {
    mix(hash ^ u64::from(c).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Hash of the empty name.
pub const EMPTY: u64 = 0x5851_f42d_4c95_7f2d;

/// The hash of `name`.
pub fn hash_of(name: &[char]) -> u64 {
    name.iter().fold(EMPTY, |hash, &c| extend(hash, c))
}

/// Bit of an entry's value: a longer name begins with these characters.
const CONTINUES: u32 = 1 << 16;

/// Names by hash, in an open-addressing table at most half full: for
/// each name, two bits per class, the reliability level of that class's
/// label (0 when never labelled so); and every beginning of a name, so
/// that a lookup stops at the first character no name goes on with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    /// `(hash, value)`: the value's lower 16 bits are the levels, bit 16
    /// [`CONTINUES`]; a hash of 0 marks an empty slot.
    slots: Vec<(u64, u32)>,
    names: usize,
}

/// One match: a span of the sentence and its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub levels: u16,
}

/// A hash as a key: never 0, which marks an empty slot.
#[inline]
fn key(hash: u64) -> u64 {
    hash.max(1)
}

impl Gazetteer {
    /// Builds a gazetteer from names, each as its characters' hashes one
    /// prefix at a time (`prefixes[k]` the hash of its first `k + 1`
    /// characters) and its levels.
    pub fn from_names<'a>(names: impl IntoIterator<Item = (&'a [u64], u16)>) -> Gazetteer {
        let mut values: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        for (prefixes, levels) in names {
            let Some((&whole, beginnings)) = prefixes.split_last() else {
                continue;
            };
            if levels == 0 {
                continue;
            }
            for &prefix in beginnings {
                *values.entry(key(prefix)).or_insert(0) |= CONTINUES;
            }
            *values.entry(key(whole)).or_insert(0) |= u32::from(levels);
        }
        Gazetteer::from_entries(values)
    }

    /// Builds a gazetteer from its entries as [`Gazetteer::entries`] lists
    /// them.
    pub fn from_entries(entries: impl IntoIterator<Item = (u64, u32)>) -> Gazetteer {
        let entries: Vec<(u64, u32)> = entries.into_iter().filter(|&(_, value)| value != 0).collect();
        if entries.is_empty() {
            return Gazetteer::default();
        }
        let capacity = (entries.len() * 2).next_power_of_two();
        let mask = capacity - 1;
        let mut slots = vec![(0u64, 0u32); capacity];
        let mut names = 0;
        for (hash, value) in entries {
            let hash = key(hash);
            let mut slot = hash as usize & mask;
            while slots[slot].0 != 0 && slots[slot].0 != hash {
                slot = (slot + 1) & mask;
            }
            if slots[slot].0 == 0 && value & 0xffff != 0 {
                names += 1;
            }
            slots[slot] = (hash, slots[slot].1 | value);
        }
        Gazetteer { slots, names }
    }

    /// Its entries (names and their beginnings), sorted by hash.
    pub fn entries(&self) -> Vec<(u64, u32)> {
        let mut entries: Vec<(u64, u32)> = self.slots.iter().copied().filter(|&(hash, _)| hash != 0).collect();
        entries.sort_unstable();
        entries
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.names
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let hash = key(hash);
        let mut slot = hash as usize & mask;
        loop {
            let (here, value) = self.slots[slot];
            if here == hash {
                return Some(value);
            }
            if here == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The level of `class` in an entry.
    #[inline]
    pub fn level(levels: u16, class: usize) -> u8 {
        ((levels >> (2 * class)) & 3) as u8
    }

    /// Every span of `chars[range]` that is a name of the gazetteer, not
    /// across punctuation or spaces, in order of start then end.
    pub fn matches(&self, chars: &[char], range: Range<usize>, out: &mut Vec<Match>) {
        out.clear();
        if self.slots.is_empty() {
            return;
        }
        for start in range.clone() {
            let mut hash = EMPTY;
            for end in start + 1..=(start + MAX_NAME).min(range.end) {
                let c = chars[end - 1];
                if is_punctuation(c) || c.is_whitespace() {
                    break;
                }
                hash = extend(hash, c);
                let Some(value) = self.get(hash) else {
                    break;
                };
                let levels = value as u16;
                if levels != 0 && end - start >= MIN_NAME {
                    out.push(Match { start, end, levels });
                }
                if value & CONTINUES == 0 {
                    break;
                }
            }
        }
    }
}

/// The hashes of the beginnings of `name`, the whole last.
pub fn prefixes(name: &[char]) -> Vec<u64> {
    name.iter()
        .scan(EMPTY, |hash, &c| {
            *hash = extend(*hash, c);
            Some(*hash)
        })
        .collect()
}

/// Counts from which gazetteers are made: for each name, how many times
/// it was labelled with each class and how many times it occurs at all in
/// the text, per fold, so that a fold's sentences can be marked with the
/// names of the other folds only.
#[derive(Debug, Default)]
pub struct Folds {
    folds: usize,
    names: HashMap<u64, NameCounts>,
}

/// The counts of one name, by fold.
#[derive(Debug)]
struct NameCounts {
    /// The hashes of its beginnings (see [`prefixes`]), its own last.
    prefixes: Vec<u64>,
    labelled: Vec<[u32; MAX_CLASSES]>,
    occurs: Vec<u32>,
}

impl Folds {
    /// Counts over sentences given as (view characters, labelled spans as
    /// `(class, start, end)` over the view); sentence `i` is in fold
    /// `i % folds`. Names a lookup cannot find (too short or long, or
    /// with punctuation or spaces in them) are left out.
    pub fn count<'a>(
        folds: usize,
        sentences: impl Iterator<Item = (&'a [char], &'a [(usize, usize, usize)])> + Clone,
    ) -> Folds {
        let mut counts = Folds {
            folds,
            ..Folds::default()
        };
        for (i, (chars, spans)) in sentences.clone().enumerate() {
            for &(class, start, end) in spans {
                let name = &chars[start..end];
                let findable = (MIN_NAME..=MAX_NAME).contains(&name.len())
                    && !name.iter().any(|&c| is_punctuation(c) || c.is_whitespace());
                if class >= MAX_CLASSES || !findable {
                    continue;
                }
                let prefixes = prefixes(name);
                let entry = counts
                    .names
                    .entry(*prefixes.last().expect("a name"))
                    .or_insert_with(|| NameCounts {
                        prefixes,
                        labelled: vec![[0; MAX_CLASSES]; folds],
                        occurs: vec![0; folds],
                    });
                entry.labelled[i % folds][class] += 1;
            }
        }
        // where the names occur, labelled or not
        let names = Gazetteer::from_names(counts.names.values().map(|name| (&name.prefixes[..], 1)));
        let mut found = Vec::new();
        for (i, (chars, _)) in sentences.enumerate() {
            names.matches(chars, 0..chars.len(), &mut found);
            for m in &found {
                if let Some(name) = counts.names.get_mut(&hash_of(&chars[m.start..m.end])) {
                    name.occurs[i % folds] += 1;
                }
            }
        }
        counts
    }

    /// The gazetteer of every fold but `left_out` (`None`: of all folds).
    pub fn gazetteer(&self, left_out: Option<usize>) -> Gazetteer {
        let kept = |f: &usize| Some(*f) != left_out;
        let mut entries = Vec::new();
        for name in self.names.values() {
            let occurs: u32 = (0..self.folds).filter(kept).map(|f| name.occurs[f]).sum();
            let mut levels = 0u16;
            for class in 0..MAX_CLASSES {
                let labelled: u32 = (0..self.folds).filter(kept).map(|f| name.labelled[f][class]).sum();
                if labelled > 0 {
                    levels |= u16::from(level_of(labelled, occurs.max(labelled))) << (2 * class);
                }
            }
            entries.push((&name.prefixes[..], levels));
        }
        Gazetteer::from_names(entries)
    }

    pub fn folds(&self) -> usize {
        self.folds
    }
}

/// The reliability level of a label given `labelled` times out of
/// `occurs`: 3 above two thirds, 2 above a third, 1 below.
fn level_of(labelled: u32, occurs: u32) -> u8 {
    if 3 * labelled > 2 * occurs {
        3
    } else if 3 * labelled > occurs {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn finds_names_not_across_punctuation() {
        let (a, b, c) = (
            prefixes(&chars("德罗巴")),
            prefixes(&chars("切尔西")),
            prefixes(&chars("切尔西队")),
        );
        let g = Gazetteer::from_names([(&a[..], 0b0100), (&b[..], 0b0001), (&c[..], 0b0001)]);
        assert_eq!(g.len(), 3);
        assert_eq!(
            Gazetteer::from_entries(g.entries()).entries(),
            g.entries(),
            "entries give the same table"
        );
        let text = chars("切尔西派出德罗巴，德罗");
        let mut found = Vec::new();
        g.matches(&text, 0..text.len(), &mut found);
        assert_eq!(
            found,
            vec![
                Match {
                    start: 0,
                    end: 3,
                    levels: 1
                },
                Match {
                    start: 5,
                    end: 8,
                    levels: 4
                }
            ]
        );
        g.matches(&text, 1..text.len(), &mut found);
        assert_eq!(found.len(), 1, "a range cuts a name off");
        let longer = chars("切尔西队");
        g.matches(&longer, 0..longer.len(), &mut found);
        assert_eq!(
            found.iter().map(|m| m.end).collect::<Vec<_>>(),
            vec![3, 4],
            "both names"
        );
        assert_eq!(Gazetteer::level(0b1100_0100, 1), 1);
        assert_eq!(Gazetteer::level(0b1100_0100, 3), 3);
    }

    #[test]
    fn a_fold_never_sees_its_own_names() {
        let a = chars("德罗巴进球");
        let b = chars("德罗巴助攻");
        let c = chars("展望未来");
        let d = chars("画家展望");
        let spans_a = [(1, 0, 3)];
        let spans_d = [(1, 2, 4)];
        let sentences = vec![
            (&a[..], &spans_a[..]),
            (&b[..], &[][..]),
            (&c[..], &[][..]),
            (&d[..], &spans_d[..]),
        ];
        let folds = Folds::count(4, sentences.into_iter());
        let all = folds.gazetteer(None);
        assert_eq!(all.len(), 2);
        let mut found = Vec::new();
        // 德罗巴: labelled once of two occurrences → level 2
        all.matches(&b, 0..b.len(), &mut found);
        assert_eq!(Gazetteer::level(found[0].levels, 1), 2);
        // 展望: labelled once of two occurrences
        all.matches(&c, 0..c.len(), &mut found);
        assert_eq!(Gazetteer::level(found[0].levels, 1), 2);
        // without fold 0, 德罗巴 was never labelled
        folds.gazetteer(Some(0)).matches(&b, 0..b.len(), &mut found);
        assert!(found.is_empty());
        // without fold 2 (展望未来), 展望 was labelled every time it occurred
        folds.gazetteer(Some(2)).matches(&d, 0..d.len(), &mut found);
        assert_eq!(Gazetteer::level(found[0].levels, 1), 3);
    }
}

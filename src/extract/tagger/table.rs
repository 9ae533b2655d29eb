//! The tagger's weight table: each feature's row of weights kept with the
//! feature's id in one 32-byte entry, two entries to a 64-byte line, and
//! each feature at one of two lines (bucketed cuckoo hashing): its home
//! line, chosen by the id's lower bits, or a second line chosen by its
//! upper bits. A line whose features all stay at home says so, so that a
//! lookup reads one cache line, and a second only where some feature of
//! its home line had to move.
//!
//! An entry holds the weights in its first [`WEIGHTS`] bytes and a 24-bit
//! tag in its last three: the id's upper bits and which of its two lines
//! it is on (the lower bits follow from the line), plus one, so that an
//! empty entry (all zero) matches no id; the first entry's tag also holds
//! the line's overflow bit. A row's bytes past the model's tags are added
//! into the sums like its weights and never read from them.

/// The bytes of an entry: weights, then the tag.
pub(super) const ROW_BYTES: usize = 32;

/// The most weights an entry holds (one per tag).
pub(super) const WEIGHTS: usize = 29;

/// An entry: a feature's weights, one per tag, zeros up to [`WEIGHTS`],
/// then its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(32))]
pub(super) struct Row(pub(super) [i8; ROW_BYTES]);

/// Two entries, one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Line([Row; 2]);

const EMPTY_LINE: Line = Line([Row([0; ROW_BYTES]); 2]);

/// The fewest lines a table has (as a power of two): at least this many
/// lower bits of an id choose its home line, so that the upper bits and
/// the choice of line fit a tag under [`OVERFLOW`].
const MIN_LINE_BITS: u32 = 11;

/// The tag's bit that says, in a line's first entry, that a feature whose
/// home is this line is on its second line.
const OVERFLOW: u32 = 1 << 23;

/// The bits of a tag that name the feature.
const KEY: u32 = OVERFLOW - 1;

/// How many entries a feature moves at most, while the table is built,
/// before the table is made twice as large.
const MAX_MOVES: usize = 2_000;

/// The tag stored in the last three bytes of `row`.
#[inline(always)]
fn tag(row: &Row) -> u32 {
    let bytes = &row.0;
    u32::from_le_bytes([bytes[28] as u8, bytes[29] as u8, bytes[30] as u8, bytes[31] as u8]) >> 8
}

fn set_tag(row: &mut Row, tag: u32) {
    let [low, middle, high, _] = tag.to_le_bytes();
    row.0[29] = low as i8;
    row.0[30] = middle as i8;
    row.0[31] = high as i8;
}

/// Where a lookup stands after the home line: the row, no row, or the
/// second line to read (with the tag wanted there).
#[derive(Debug, Clone, Copy)]
pub(super) enum Probe<'a> {
    Found(&'a Row),
    Absent,
    Second { line: u32, wanted: u32 },
}

/// The table; see the module docs.
#[derive(Debug, Clone)]
pub(super) struct WeightTable {
    lines: Vec<Line>,
    /// log2 of the number of lines.
    bits: u32,
    /// The number of lines minus one.
    mask: u32,
}

impl WeightTable {
    /// A table of `features` (ids, never 0, each once; at most
    /// [`WEIGHTS`] weights each), about `lines_per_feature` lines for each
    /// feature (rounded to a power of two).
    pub(super) fn new(features: &[(u32, Vec<i8>)], lines_per_feature: f64) -> WeightTable {
        let wanted = (features.len() as f64 * lines_per_feature).ceil() as usize;
        let mut bits = wanted.next_power_of_two().trailing_zeros().max(MIN_LINE_BITS);
        loop {
            if let Some(table) = WeightTable::build(features, bits) {
                return table;
            }
            bits += 1;
        }
    }

    /// The table on `2^bits` lines, `None` if the features do not fit.
    fn build(features: &[(u32, Vec<i8>)], bits: u32) -> Option<WeightTable> {
        let mut table = WeightTable {
            lines: vec![EMPTY_LINE; 1 << bits],
            bits,
            mask: (1u32 << bits) - 1,
        };
        let entry = |id: u32, weights: &[i8]| {
            debug_assert!(id != 0 && weights.len() <= WEIGHTS);
            let mut row = Row([0; ROW_BYTES]);
            row.0[..weights.len()].copy_from_slice(weights);
            (id, row)
        };
        // every feature at home where there is room, the others after
        let mut later = Vec::new();
        for (id, weights) in features {
            let (id, row) = entry(*id, weights);
            if !table.put(id, row, false) {
                later.push((id, row));
            }
        }
        for (id, row) in later {
            if !table.put(id, row, true) && !table.push_in(id, row) {
                return None;
            }
        }
        table.mark_overflows();
        Some(table)
    }

    fn home(&self, id: u32) -> u32 {
        id & self.mask
    }

    /// The line other than its home a feature with these upper bits may
    /// be on: never the home line itself.
    fn offset(&self, upper: u32) -> u32 {
        (upper.wrapping_mul(0x9e37_79b1) >> (32 - self.bits)) | 1
    }

    /// The line and the tag of `id` on its home line (`second` false) or
    /// its second line.
    fn place(&self, id: u32, second: bool) -> (u32, u32) {
        let upper = id >> self.bits;
        let home = self.home(id);
        let line = if second { home ^ self.offset(upper) } else { home };
        (line, (upper << 1 | u32::from(second)) + 1)
    }

    /// The id of the entry on `line` with tag `tag`, and whether that line
    /// is its second.
    fn id_at(&self, line: u32, tag: u32) -> (u32, bool) {
        let key = (tag & KEY) - 1;
        let (upper, second) = (key >> 1, key & 1 == 1);
        let home = if second { line ^ self.offset(upper) } else { line };
        (upper << self.bits | home, second)
    }

    /// Puts `id` on its home or second line if it has an empty entry.
    fn put(&mut self, id: u32, mut row: Row, second: bool) -> bool {
        let (line, key) = self.place(id, second);
        for entry in &mut self.lines[line as usize].0 {
            if tag(entry) & KEY == 0 {
                set_tag(&mut row, key);
                *entry = row;
                return true;
            }
        }
        false
    }

    /// Puts `id` on its second line, whose entries are taken, moving an
    /// entry there to its other line, and so on, up to [`MAX_MOVES`]
    /// moves; false if the chain is that long (the entries are then where
    /// they were, but for one feature that is on no line).
    fn push_in(&mut self, mut id: u32, mut row: Row) -> bool {
        let mut second = true;
        for step in 0..MAX_MOVES {
            let (line, key) = self.place(id, second);
            set_tag(&mut row, key);
            // the entries taken in turn, so that a chain does not go back
            // and forth between two features
            let entry = &mut self.lines[line as usize].0[step % 2];
            let moved = std::mem::replace(entry, row);
            let (moved_id, moved_second) = self.id_at(line, tag(&moved));
            (id, row, second) = (moved_id, moved, !moved_second);
            if self.put(id, row, second) {
                return true;
            }
        }
        false
    }

    /// Sets the overflow bit of each line some feature of which is on its
    /// second line (the bits were left clear while entries moved).
    fn mark_overflows(&mut self) {
        let mut homes = Vec::new();
        for (line, entries) in self.lines.iter().enumerate() {
            for entry in &entries.0 {
                let tag = tag(entry);
                if tag & KEY != 0 {
                    let (id, second) = self.id_at(line as u32, tag);
                    if second {
                        homes.push(self.home(id));
                    }
                }
            }
        }
        for home in homes {
            let first = &mut self.lines[home as usize].0[0];
            let tag = tag(first) | OVERFLOW;
            set_tag(first, tag);
        }
    }

    /// Asks the processor for the home line of `id`.
    #[inline(always)]
    pub(super) fn prefetch(&self, id: u32) {
        crate::prefetch::prefetch(&self.lines[self.home(id) as usize]);
    }

    /// Reads the home line of `id`.
    #[inline(always)]
    pub(super) fn probe(&self, id: u32) -> Probe<'_> {
        let home = self.home(id);
        let upper = id >> self.bits;
        let wanted = (upper << 1) + 1;
        let line = &self.lines[home as usize];
        for row in &line.0 {
            if tag(row) & KEY == wanted {
                return Probe::Found(row);
            }
        }
        if tag(&line.0[0]) & OVERFLOW == 0 {
            return Probe::Absent;
        }
        Probe::Second {
            line: home ^ self.offset(upper),
            wanted: wanted + 1,
        }
    }

    /// Asks the processor for a second line.
    #[inline(always)]
    pub(super) fn prefetch_line(&self, line: u32) {
        crate::prefetch::prefetch(&self.lines[line as usize]);
    }

    /// Reads a second line [`WeightTable::probe`] named.
    #[inline(always)]
    pub(super) fn second(&self, line: u32, wanted: u32) -> Option<&Row> {
        self.lines[line as usize].0.iter().find(|row| tag(row) & KEY == wanted)
    }

    /// The row of `id`, if it has one.
    pub(super) fn find(&self, id: u32) -> Option<&Row> {
        match self.probe(id) {
            Probe::Found(row) => Some(row),
            Probe::Absent => None,
            Probe::Second { line, wanted } => self.second(line, wanted),
        }
    }

    /// The share of features on their home line (for measuring).
    #[cfg(test)]
    fn at_home(&self) -> f64 {
        let (mut home, mut all) = (0usize, 0usize);
        for (line, entries) in self.lines.iter().enumerate() {
            for entry in &entries.0 {
                if tag(entry) & KEY != 0 {
                    all += 1;
                    home += usize::from(!self.id_at(line as u32, tag(entry)).1);
                }
            }
        }
        home as f64 / all.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use std::collections::HashMap;

    fn random_features(rng: &mut rand_chacha::ChaCha8Rng, count: usize, n: usize) -> Vec<(u32, Vec<i8>)> {
        let mut seen = std::collections::HashSet::new();
        let mut features = Vec::new();
        while features.len() < count {
            let id: u32 = rng.random();
            if id == 0 || !seen.insert(id) {
                continue;
            }
            features.push((id, (0..n).map(|_| rng.random_range(-128i16..128) as i8).collect()));
        }
        features.sort_unstable_by_key(|(id, _)| *id);
        features
    }

    fn check(table: &WeightTable, features: &[(u32, Vec<i8>)], rng: &mut rand_chacha::ChaCha8Rng) {
        let known: HashMap<u32, &Vec<i8>> = features.iter().map(|(id, w)| (*id, w)).collect();
        for (id, weights) in features {
            let row = table.find(*id).unwrap_or_else(|| panic!("feature {id} lost"));
            assert_eq!(&row.0[..weights.len()], weights.as_slice());
            assert!(row.0[weights.len()..WEIGHTS].iter().all(|&w| w == 0));
        }
        // absent ids, among them ones sharing a line or upper bits with a
        // feature held, and 0
        let mut absent: Vec<u32> = (0..20_000).map(|_| rng.random()).collect();
        for (id, _) in features.iter().take(2_000) {
            absent.push(id ^ (1 << 31));
            absent.push(id ^ 1);
            absent.push(id.wrapping_add(1 << table.bits));
        }
        absent.push(0);
        absent.push(u32::MAX);
        for id in absent {
            if !known.contains_key(&id) {
                assert!(table.find(id).is_none(), "absent id {id} found");
            }
        }
    }

    #[test]
    fn finds_every_feature_and_no_absent_id() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for (count, n, lines_per_feature) in [
            (0, 25, 1.0),
            (3, 25, 1.0),
            (5_000, 29, 0.5),
            (5_000, 13, 0.25),
            (60_000, 25, 1.0),
            (60_000, 25, 0.5),
        ] {
            let features = random_features(&mut rng, count, n);
            let table = WeightTable::new(&features, lines_per_feature);
            check(&table, &features, &mut rng);
        }
    }

    #[test]
    fn a_full_table_grows() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        // more features than entries at the smallest size
        let features = random_features(&mut rng, (1 << MIN_LINE_BITS) * 2 + 100, 25);
        let table = WeightTable::new(&features, 0.1);
        assert!(table.bits > MIN_LINE_BITS);
        check(&table, &features, &mut rng);
    }

    #[test]
    fn ids_with_extreme_upper_bits_round_trip() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut features: Vec<(u32, Vec<i8>)> = [u32::MAX, u32::MAX - 1, 1, 2, 1 << 31, (1 << 31) | 1]
            .into_iter()
            .map(|id| (id, vec![id as i8; WEIGHTS]))
            .collect();
        features.sort_unstable_by_key(|(id, _)| *id);
        for lines_per_feature in [0.01, 1.0] {
            let table = WeightTable::new(&features, lines_per_feature);
            check(&table, &features, &mut rng);
        }
    }

    #[test]
    fn most_features_are_at_home_at_one_line_each() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
        let features = random_features(&mut rng, 100_000, 25);
        let table = WeightTable::new(&features, 1.0);
        assert!(table.at_home() > 0.85, "{}", table.at_home());
    }
}

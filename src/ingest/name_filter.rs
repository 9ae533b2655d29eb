//! A filter over a set of names that answers "surely not one of them" for
//! most texts that are none, without a lookup in the graph: first a bit
//! per hash of a name's first two characters (128 KB, read for every span
//! of text tried), then a blocked Bloom filter over the whole names (one
//! 64-bit word per name, four bits set in it, about 16 bits per name). It
//! never says no to a name it was given, so a span of text it turns away
//! is known not to be a name; a yes only means "look it up" (about one
//! text in a hundred that is no name says yes).

/// Bits of the filter per name it is sized for.
const BITS_PER_NAME: usize = 16;
/// The fewest 64-bit words a filter has.
const MIN_WORDS: usize = 1 << 10;

/// Bits of the filter over names' first two characters.
const START_BITS: usize = 1 << 20;

/// The filter; see the module docs.
#[derive(Debug, Clone)]
pub struct NameFilter {
    /// A bit per hash of the first two characters of the names.
    starts: Vec<u64>,
    words: Vec<u64>,
    /// `words.len() - 1` (a power of two minus one).
    mask: usize,
}

impl NameFilter {
    /// An empty filter for about `names` names (more may be added, at a
    /// growing rate of false yeses).
    pub fn with_capacity(names: usize) -> NameFilter {
        let words = (names.saturating_mul(BITS_PER_NAME) / 64)
            .max(MIN_WORDS)
            .next_power_of_two();
        NameFilter {
            starts: vec![0; START_BITS / 64],
            words: vec![0; words],
            mask: words - 1,
        }
    }

    /// A filter holding `names`, of which there are about `count`.
    pub fn from_names<'a>(count: usize, names: impl IntoIterator<Item = &'a str>) -> NameFilter {
        let mut filter = NameFilter::with_capacity(count);
        for name in names {
            filter.insert(name);
        }
        filter
    }

    /// Adds a name.
    pub fn insert(&mut self, name: &str) {
        let start = start_bit(name);
        self.starts[start / 64] |= 1 << (start % 64);
        let (word, bits) = self.place(name_hash(name));
        self.words[word] |= bits;
    }

    /// Whether `text` may be a name added: false only when it is none.
    #[inline]
    pub fn may_contain(&self, text: &str) -> bool {
        self.may_start_as(text) && self.may_contain_started(text)
    }

    /// Whether a name added may start with the first two characters of
    /// `text`: false only when none does. Texts of two characters or more
    /// that start alike get the same answer, so a caller trying many
    /// texts from one place asks once.
    #[inline]
    pub fn may_start_as(&self, text: &str) -> bool {
        let start = start_bit(text);
        self.starts[start / 64] & (1 << (start % 64)) != 0
    }

    /// [`NameFilter::may_contain`] for a text [`NameFilter::may_start_as`]
    /// said yes to (or one that starts as such a text, in two characters
    /// or more).
    #[inline]
    pub fn may_contain_started(&self, text: &str) -> bool {
        let (word, bits) = self.place(name_hash(text));
        self.words[word] & bits == bits
    }

    /// The word and the four bits of a name's hash.
    #[inline]
    fn place(&self, hash: u64) -> (usize, u64) {
        let word = hash as usize & self.mask;
        let high = hash >> 32;
        let bits = (1u64 << (high & 63))
            | (1u64 << ((high >> 6) & 63))
            | (1u64 << ((high >> 12) & 63))
            | (1u64 << ((high >> 18) & 63));
        (word, bits)
    }
}

/// The bit of the filter over first characters that a text's first two
/// characters (its first eight bytes, at most) fall on.
#[inline]
fn start_bit(text: &str) -> usize {
    let mut chars = text.char_indices();
    let end = match (chars.next(), chars.next()) {
        (Some(_), Some((at, c))) => at + c.len_utf8(),
        _ => text.len(),
    };
    let mut word = [0u8; 8];
    let start = &text.as_bytes()[..end.min(8)];
    word[..start.len()].copy_from_slice(start);
    (finish(u64::from_le_bytes(word) ^ start.len() as u64) >> 44) as usize
}

/// A fast 64-bit hash of a text for the filter: eight bytes at a time,
/// then the splitmix64 finaliser (the bucket is taken from the low bits
/// and the bits from the high ones).
pub fn name_hash(text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = text.as_bytes();
    let mut hash = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    finish(hash)
}

/// The splitmix64 finaliser.
fn finish(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_turns_away_a_name_it_holds_and_turns_away_most_others() {
        let names: Vec<String> = (0..20_000).map(|i| format!("青岛{i}科技有限公司")).collect();
        let mut filter = NameFilter::from_names(names.len(), names.iter().map(String::as_str));
        assert!(names.iter().all(|n| filter.may_contain(n)));
        filter.insert("伯杰医疗");
        assert!(filter.may_contain("伯杰医疗"));
        let others = (0..20_000)
            .filter(|i| filter.may_contain(&format!("烟台{i}有限公司")))
            .count();
        assert!(others < 400, "{others} false yeses in 20,000");
        // another start: turned away by the first bits alone
        assert!(!filter.may_contain("烟台某某有限公司") || !filter.may_contain("济南某某有限公司"));
        assert!(filter.may_contain("青岛1科技有限公司"));
        let short = NameFilter::from_names(1, ["a"]);
        assert!(short.may_contain("a") && !short.may_contain(""));
    }

    #[test]
    fn the_start_and_the_rest_asked_apart_answer_as_the_whole() {
        let names: Vec<String> = (0..5_000).map(|i| format!("青岛{i}科技")).collect();
        let filter = NameFilter::from_names(names.len(), names.iter().map(String::as_str));
        let texts = names
            .iter()
            .cloned()
            .chain((0..5_000).map(|i| format!("青岛{i}技术")))
            .chain((0..5_000).map(|i| format!("烟台{i}科技")))
            .chain(["青".to_string(), String::new(), "ab".to_string()]);
        for text in texts {
            let two: String = text.chars().take(2).collect();
            assert_eq!(filter.may_start_as(&text), filter.may_start_as(&two), "{text}");
            assert_eq!(
                filter.may_contain(&text),
                filter.may_start_as(&two) && filter.may_contain_started(&text),
                "{text}"
            );
        }
    }

    #[test]
    fn lengths_and_tails_count() {
        assert_ne!(name_hash("农大"), name_hash("农大 "));
        assert_ne!(name_hash("abcdefgh1"), name_hash("abcdefgh2"));
        assert_ne!(name_hash(""), name_hash("\0"));
    }
}

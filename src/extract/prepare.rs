//! A text made ready for recognition, once per call: normalised (one
//! character for one, see [`crate::text::normalize`]), lines cut inside a
//! sentence joined again, cut into words by jieba with their parts of
//! speech, and scanned for the lexicon's words. Rules, the gazetteer and
//! the model all read this one [`Prepared`] text; offsets are mapped back
//! to the caller's text only at the end.
//!
//! Line breaks: a break is removed from the view (the two lines are read as
//! one) when the line before it is at least [`MIN_WRAPPED_LINE`] characters
//! long and ends in a letter, digit or Han character (no punctuation), and
//! the next line begins with a Han character and is not a `label：` line.
//! That is how hard-wrapped text looks; a title line or a list item ends
//! short or with punctuation and keeps its break.

use jieba_rs::Jieba;

use super::lexicon::{lexicon, Entry, Strength};
use super::mention::OrgKind;
use crate::text::{is_cjk, normalize_char};

/// The shortest line whose break may be removed.
pub const MIN_WRAPPED_LINE: usize = 8;

/// A jieba word of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub pos: Pos,
    /// A hash of the word's text, for model features.
    pub hash: u64,
}

impl Word {
    pub fn len(&self) -> usize {
        self.end - self.start
    }
}

/// A part-of-speech tag from jieba, reduced to the ones recognition uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Pos {
    Noun = 0,
    PersonName,
    PlaceName,
    OrgName,
    OtherProper,
    Verb,
    VerbNoun,
    Adjective,
    Adverb,
    Preposition,
    Conjunction,
    Particle,
    Pronoun,
    Numeral,
    Quantifier,
    Time,
    Direction,
    Abbreviation,
    Idiom,
    English,
    Punctuation,
    Other,
}

impl Pos {
    /// Reads a jieba tag.
    pub fn from_tag(tag: &str) -> Pos {
        match tag {
            "n" | "ng" | "nrfg" | "s" | "b" | "g" => Pos::Noun,
            "nr" | "nrt" => Pos::PersonName,
            "ns" => Pos::PlaceName,
            "nt" => Pos::OrgName,
            "nz" => Pos::OtherProper,
            "v" | "vd" | "vi" | "vq" => Pos::Verb,
            "vn" | "an" => Pos::VerbNoun,
            "a" | "ad" | "z" => Pos::Adjective,
            "d" => Pos::Adverb,
            "p" => Pos::Preposition,
            "c" => Pos::Conjunction,
            "u" | "uj" | "ul" | "uv" | "uz" | "ug" | "y" | "e" | "o" => Pos::Particle,
            "r" | "rr" | "rz" => Pos::Pronoun,
            "m" | "mq" => Pos::Numeral,
            "q" => Pos::Quantifier,
            "t" => Pos::Time,
            "f" => Pos::Direction,
            "j" => Pos::Abbreviation,
            "i" | "l" => Pos::Idiom,
            "eng" => Pos::English,
            // one-character morphemes (刘/zg, 湾/zg, 洋/ag without the HMM):
            // mostly characters of names jieba does not know
            "vg" | "ag" | "tg" | "zg" => Pos::Other,
            // `x` is also jieba's tag for a character it has never seen
            // (芃, 筠 in 青岛芃筠生物科技有限公司); true punctuation is told
            // by its characters before this is asked
            "x" => Pos::Other,
            "w" => Pos::Punctuation,
            _ => Pos::Other,
        }
    }

    /// Whether a word of this part of speech may stand inside a name.
    pub fn may_be_in_name(self) -> bool {
        !matches!(
            self,
            Pos::Adverb | Pos::Preposition | Pos::Conjunction | Pos::Particle | Pos::Pronoun | Pos::Punctuation
        )
    }

    /// Whether this is a proper-name tag (person, place, organisation,
    /// other proper noun, abbreviation, English).
    pub fn is_proper(self) -> bool {
        matches!(
            self,
            Pos::PersonName | Pos::PlaceName | Pos::OrgName | Pos::OtherProper | Pos::Abbreviation | Pos::English
        )
    }
}

/// What the lexicon says about one character of the view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// Length of the longest organisation head word ending here (0: none).
    pub head_len: u8,
    pub head_kind: Option<OrgKind>,
    pub head_strength: Option<Strength>,
    /// Length of the longest title starting here.
    pub title_start: u8,
    /// Length of the longest title ending here.
    pub title_end: u8,
    /// Length of the longest place-name ending that ends here.
    pub place_end: u8,
    /// Length of the longest department word ending here.
    pub department_end: u8,
    /// Length and kind of a standalone body ending here.
    pub standalone_end: u8,
    pub standalone_kind: Option<OrgKind>,
    /// Length of the longest "thing" word starting here.
    pub thing_start: u8,
    /// Length of the longest stop word ending here.
    pub stop_end: u8,
}

/// A text ready for recognition.
pub struct Prepared {
    /// The caller's text, by characters.
    pub original: Vec<char>,
    /// The view: normalised characters, with joined line breaks removed.
    pub chars: Vec<char>,
    /// The view as a string.
    pub text: String,
    /// Byte offset of each view character in `text`, and the end.
    pub byte_of: Vec<usize>,
    /// For each view character, its offset in `original`.
    pub origin: Vec<usize>,
    pub words: Vec<Word>,
    /// For each view character, the index of its word in `words`.
    pub word_of: Vec<u32>,
    pub marks: Vec<Marks>,
}

impl Prepared {
    /// Prepares `text` with `jieba`.
    pub fn new(jieba: &Jieba, text: &str) -> Prepared {
        let original: Vec<char> = text.chars().collect();
        let (chars, origin) = view(&original);
        let mut view_text = String::with_capacity(text.len());
        let mut byte_of = Vec::with_capacity(chars.len() + 1);
        for &c in &chars {
            byte_of.push(view_text.len());
            view_text.push(c);
        }
        byte_of.push(view_text.len());
        let mut prepared = Prepared {
            original,
            chars,
            text: view_text,
            byte_of,
            origin,
            words: Vec::new(),
            word_of: Vec::new(),
            marks: Vec::new(),
        };
        prepared.segment(jieba);
        prepared.mark();
        prepared
    }

    /// The number of view characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether the view is empty.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The view text of `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        &self.text[self.byte_of[start]..self.byte_of[end]]
    }

    /// The word at view character `i`.
    pub fn word_at(&self, i: usize) -> &Word {
        &self.words[self.word_of[i] as usize]
    }

    /// Whether a word begins at `i` (`i == len` counts as a boundary).
    pub fn is_boundary(&self, i: usize) -> bool {
        i == 0 || i >= self.chars.len() || self.word_at(i).start == i
    }

    /// The caller's offsets and text for view span `start..end`: the
    /// original characters, without the line breaks the view removed.
    pub fn to_original(&self, start: usize, end: usize) -> (usize, usize, String) {
        debug_assert!(start < end && end <= self.chars.len());
        let original_start = self.origin[start];
        let original_end = self.origin[end - 1] + 1;
        let text: String = (start..end).map(|i| self.original[self.origin[i]]).collect();
        (original_start, original_end, text)
    }

    /// The view character index of a byte offset of `text`.
    pub fn char_at_byte(&self, byte: usize) -> usize {
        self.byte_of.partition_point(|&b| b < byte)
    }

    fn segment(&mut self, jieba: &Jieba) {
        self.word_of = vec![0; self.chars.len()];
        let mut words = Vec::with_capacity(self.chars.len() / 2 + 1);
        for tag in jieba.tag(&self.text, false) {
            let index = words.len() as u32;
            for slot in &mut self.word_of[tag.start..tag.end] {
                *slot = index;
            }
            let pos = if tag.word.chars().all(|c| c.is_whitespace() || is_punctuation(c)) {
                Pos::Punctuation
            } else {
                Pos::from_tag(tag.tag)
            };
            words.push(Word {
                start: tag.start,
                end: tag.end,
                pos,
                hash: hash_str(tag.word),
            });
        }
        self.words = words;
    }

    fn mark(&mut self) {
        let lexicon = lexicon();
        let mut marks = vec![Marks::default(); self.chars.len()];
        for found in lexicon.automaton.find_overlapping_iter(self.text.as_str()) {
            let start = self.char_at_byte(found.start());
            let end = self.char_at_byte(found.end());
            let (entry, length) = lexicon.entries[found.pattern().as_usize()];
            let last = &mut marks[end - 1];
            match entry {
                Entry::OrgHead(kind, strength) => {
                    if length > last.head_len {
                        last.head_len = length;
                        last.head_kind = Some(kind);
                        last.head_strength = Some(strength);
                    }
                }
                Entry::Title => {
                    last.title_end = last.title_end.max(length);
                    let first = &mut marks[start];
                    first.title_start = first.title_start.max(length);
                }
                Entry::Department => last.department_end = last.department_end.max(length),
                Entry::Standalone(kind) => {
                    if length > last.standalone_end {
                        last.standalone_end = length;
                        last.standalone_kind = Some(kind);
                    }
                }
                Entry::PlaceEnding => last.place_end = last.place_end.max(length),
                Entry::Thing => {
                    let first = &mut marks[start];
                    first.thing_start = first.thing_start.max(length);
                }
                Entry::Stop => last.stop_end = last.stop_end.max(length),
            }
        }
        self.marks = marks;
    }
}

/// Whether `c` is punctuation (ASCII or CJK) or a symbol.
pub fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x2010..=0x205E | 0xFE30..=0xFE4F)
        || matches!(c, '·' | '•' | '…' | '—' | '“' | '”' | '‘' | '’' | '《' | '》' | '、')
}

/// Whether `c` ends a sentence.
pub fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n')
}

/// A stable 64-bit hash of a string (FNV-1a then a finaliser).
pub fn hash_str(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    mix(hash)
}

/// The splitmix64 finaliser.
pub const fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The normalised view of `original` and, for each of its characters, its
/// offset in `original` (see the module docs for which breaks go).
fn view(original: &[char]) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    let mut line_start = 0;
    let mut i = 0;
    while i < original.len() {
        let c = original[i];
        if c == '\n' && joins(original, line_start, i) {
            // drop the break and the blanks around it
            while chars
                .last()
                .is_some_and(|&last: &char| last == ' ' || last == '\t' || last == '\r')
            {
                chars.pop();
                origin.pop();
            }
            i += 1;
            while i < original.len() && matches!(original[i], ' ' | '\t' | '\r' | '\u{3000}') {
                i += 1;
            }
            line_start = i;
            continue;
        }
        if c == '\n' {
            line_start = i + 1;
        }
        chars.push(normalize_char(c));
        origin.push(i);
        i += 1;
    }
    // traditional to simplified, one character for one, as the index does
    let folded: String = chars.iter().collect();
    if !folded.is_ascii() {
        let simplified = fast2s::convert(&folded);
        if simplified.chars().count() == chars.len() {
            chars = simplified.chars().collect();
        }
    }
    (chars, origin)
}

/// Whether the break at `at`, ending the line that starts at `line_start`,
/// is inside a sentence.
fn joins(original: &[char], line_start: usize, at: usize) -> bool {
    let line = &original[line_start..at];
    let Some(last) = line
        .iter()
        .rev()
        .copied()
        .find(|c| !matches!(c, ' ' | '\t' | '\r' | '\u{3000}'))
    else {
        return false;
    };
    let content = line.iter().filter(|c| !c.is_whitespace()).count();
    if content < MIN_WRAPPED_LINE || !(is_cjk(last) || last.is_alphanumeric()) {
        return false;
    }
    let next: Vec<char> = original[at + 1..]
        .iter()
        .copied()
        .skip_while(|c| matches!(c, ' ' | '\t' | '\r' | '\u{3000}'))
        .take_while(|&c| c != '\n')
        .take(8)
        .collect();
    let Some(&first) = next.first() else {
        return false;
    };
    is_cjk(first) && !next.iter().any(|&c| c == '：' || c == ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jieba() -> &'static Jieba {
        static JIEBA: std::sync::LazyLock<Jieba> = std::sync::LazyLock::new(Jieba::new);
        &JIEBA
    }

    #[test]
    fn wrapped_lines_are_joined_with_offsets_kept() {
        let text = "本周二，青岛高新区管委会与青岛海洋\n生物研究院签署了合作协议。\n\n作者单位：青岛大学";
        let prepared = Prepared::new(jieba(), text);
        assert!(prepared.text.contains("青岛海洋生物研究院"), "{}", prepared.text);
        assert!(prepared.text.contains("\n\n作者单位"), "{}", prepared.text);
        let start = prepared.text[..prepared.text.find("青岛海洋").unwrap()].chars().count();
        let (from, to, name) = prepared.to_original(start, start + 9);
        assert_eq!(name, "青岛海洋生物研究院");
        let original: Vec<char> = text.chars().collect();
        assert_eq!(original[from..to].iter().collect::<String>(), "青岛海洋\n生物研究院");
    }

    #[test]
    fn short_lines_and_punctuated_lines_keep_their_breaks() {
        for text in [
            "青岛大学\n张伟教授团队",
            "这是一个完整的句子。\n下一句开始了",
            "表格第一行内容很长很长\n单位：青岛",
        ] {
            let prepared = Prepared::new(jieba(), text);
            assert!(prepared.text.contains('\n'), "{text}");
        }
    }

    #[test]
    fn words_and_marks() {
        let prepared = Prepared::new(jieba(), "由青岛农业大学牵头，张伟教授");
        assert!(prepared.is_boundary(1));
        assert_eq!(prepared.marks[6].head_len, 2);
        assert_eq!(prepared.marks[6].head_kind, Some(OrgKind::University));
        assert_eq!(prepared.marks[12].title_start, 2);
        assert_eq!(prepared.marks[0].stop_end, 1);
        assert_eq!(prepared.word_at(0).pos, Pos::Preposition);
    }

    #[test]
    fn normalises_one_character_for_one() {
        let prepared = Prepared::new(jieba(), "ＡＢＣ科技有限公司（青島）");
        assert_eq!(prepared.chars.len(), prepared.original.len());
        assert!(prepared.text.starts_with("abc科技有限公司(青岛)"), "{}", prepared.text);
    }
}

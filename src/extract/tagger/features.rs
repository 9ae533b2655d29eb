//! The model's features: for each character of a sentence, the ids of the
//! facts about it and its neighbours (characters, their classes, jieba's
//! words and parts of speech, the lexicon's head words, titles and
//! surnames, runs of transliteration characters, whether it stands inside
//! 《》 or quotation marks). A fact is hashed with its template number into a 32-bit id;
//! training and tagging call the same function, so they always agree.

use std::ops::Range;

use super::super::lexicon::{is_compound_surname, surname_rank, CharSet, Strength};
use super::super::prepare::{is_punctuation, mix, Prepared};
use super::gazetteer::{Gazetteer, Match, MAX_CLASSES};
use crate::text::is_cjk;

/// Features of a run of characters, flattened: the features of character
/// `i` of the run are `ids[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Default, Clone)]
pub struct FeatureBuffer {
    pub ids: Vec<u32>,
    pub offsets: Vec<u32>,
    /// Scratch space of [`extract`], kept from one run to the next.
    next_head: Vec<(usize, u64)>,
    enclosed: Vec<u8>,
    runs: Vec<(usize, usize)>,
    found: Vec<Match>,
    /// Per character, per class: the longest gazetteer match covering it,
    /// as `length << 8 | level << 4 | place` (0: none).
    cover: Vec<[u32; MAX_CLASSES]>,
}

impl FeatureBuffer {
    /// The features of character `i` of the run.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The number of characters.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether the buffer holds no character.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

const BEFORE: u64 = 0x11_0000;
const AFTER: u64 = 0x11_0001;

/// The class of a character: Han, Chinese numeral, digit, Latin letter,
/// punctuation, space, other.
fn class(c: char) -> u64 {
    match c {
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千' | '万' | '亿' | '零'
        | '〇' | '两' => 1,
        c if is_cjk(c) => 0,
        c if c.is_ascii_digit() => 2,
        c if c.is_alphabetic() => 3,
        c if c.is_whitespace() => 5,
        c if is_punctuation(c) => 4,
        _ => 6,
    }
}

/// Word-internal position of a character: begin, middle, end, single.
fn word_position(prepared: &Prepared, i: usize) -> u64 {
    let word = prepared.word_at(i);
    place(i, word.start, word.end)
}

/// Where character `i` stands in the span `start..end`: begin, middle,
/// end, single.
fn place(i: usize, start: usize, end: usize) -> u64 {
    match (i == start, i + 1 == end) {
        (true, true) => 3,
        (true, false) => 0,
        (false, true) => 2,
        (false, false) => 1,
    }
}

fn bucket(distance: usize) -> u64 {
    match distance {
        0..=3 => distance as u64,
        4..=5 => 4,
        6..=8 => 5,
        9..=12 => 6,
        _ => 7,
    }
}

/// The most templates.
const TEMPLATES: usize = 64;

/// The start of each template's hash.
const SEEDS: [u64; TEMPLATES] = {
    let mut seeds = [0; TEMPLATES];
    let mut template = 0;
    while template < TEMPLATES {
        seeds[template] = mix((template as u64).wrapping_add(0x9e37_79b9_7f4a_7c15));
        template += 1;
    }
    seeds
};

struct Emit<'a> {
    ids: &'a mut Vec<u32>,
}

impl Emit<'_> {
    #[inline]
    fn push(&mut self, template: u64, values: &[u64]) {
        let mut hash = SEEDS[template as usize];
        for &value in values {
            hash = mix(hash ^ value.wrapping_mul(0x2545_f491_4f6c_dd1d));
        }
        let id = (hash ^ (hash >> 32)) as u32;
        self.ids.push(if id == 0 { 1 } else { id });
    }
}

/// Fills `out` with the features of `range` of `prepared`; the run is read
/// as one sentence (nothing outside it is looked at).
pub fn extract(prepared: &Prepared, range: Range<usize>, gazetteer: &Gazetteer, out: &mut FeatureBuffer) {
    out.ids.clear();
    out.offsets.clear();
    let (from, to) = (range.start, range.end);
    let chars = &prepared.chars;
    let at = |i: isize| -> u64 {
        if i < from as isize {
            BEFORE
        } else if i >= to as isize {
            AFTER
        } else {
            u64::from(chars[i as usize])
        }
    };
    let class_at = |i: isize| -> u64 {
        if i < from as isize || i >= to as isize {
            7
        } else {
            class(chars[i as usize])
        }
    };
    // distance to the next organisation head word ending, not across
    // punctuation: filled from the right
    let mut next_head = std::mem::take(&mut out.next_head);
    next_head.clear();
    next_head.resize(to - from, (usize::MAX, 0));
    let mut following = (usize::MAX, 0u64);
    for i in (from..to).rev() {
        if is_punctuation(chars[i]) || chars[i].is_whitespace() {
            following = (usize::MAX, 0);
        }
        let marks = &prepared.marks[i];
        if marks.head_len > 0 {
            let kind = marks.head_kind.map_or(0, |k| k as u64 + 1);
            let strength = match marks.head_strength {
                Some(Strength::Strong) => 1,
                Some(Strength::Department) => 2,
                _ => 3,
            };
            following = (i, kind * 4 + strength);
        }
        next_head[i - from] = following;
    }
    // inside 《》 or “”: a title or a quotation, not a name
    let mut enclosed = std::mem::take(&mut out.enclosed);
    enclosures(chars, from, to, &mut enclosed);
    let mut runs = std::mem::take(&mut out.runs);
    transliteration_runs(chars, from, to, &mut runs);
    let mut found = std::mem::take(&mut out.found);
    let mut cover = std::mem::take(&mut out.cover);
    gazetteer_cover(gazetteer, chars, from, to, &mut found, &mut cover);
    let mut emit = Emit { ids: &mut out.ids };
    for i in from..to {
        out_offset(&mut emit, &mut out.offsets);
        let s = i as isize;
        let (cm2, cm1, c0, c1, c2) = (at(s - 2), at(s - 1), at(s), at(s + 1), at(s + 2));
        emit.push(0, &[]);
        emit.push(1, &[cm2]);
        emit.push(2, &[cm1]);
        emit.push(3, &[c0]);
        emit.push(4, &[c1]);
        emit.push(5, &[c2]);
        emit.push(6, &[cm2, cm1]);
        emit.push(7, &[cm1, c0]);
        emit.push(8, &[c0, c1]);
        emit.push(9, &[c1, c2]);
        emit.push(10, &[cm1, c1]);
        emit.push(11, &[cm2, cm1, c0]);
        emit.push(12, &[cm1, c0, c1]);
        emit.push(13, &[c0, c1, c2]);
        emit.push(14, &[class_at(s - 1), class_at(s), class_at(s + 1)]);
        emit.push(
            15,
            &[
                class_at(s - 2),
                class_at(s - 1),
                class_at(s),
                class_at(s + 1),
                class_at(s + 2),
            ],
        );

        // letters as written: a capital starts a Latin name
        let written = |k: isize| -> u64 {
            if k < from as isize || k >= to as isize {
                2
            } else {
                let c = prepared.original[prepared.origin[k as usize]];
                u64::from(c.is_uppercase()) + 3 * u64::from(c.is_ascii_alphabetic())
            }
        };
        emit.push(41, &[written(s - 1), written(s), written(s + 1)]);
        emit.push(42, &[at(s - 3)]);
        emit.push(43, &[at(s + 3)]);
        let inside = enclosed[i - from];
        if inside != 0 {
            emit.push(45, &[u64::from(inside)]);
            emit.push(46, &[u64::from(inside), c0]);
        }
        // jieba's word and its neighbours
        let word_index = prepared.word_of[i] as usize;
        let word = &prepared.words[word_index];
        let position = word_position(prepared, i);
        let pos = word.pos as u64;
        let word_before = word_index
            .checked_sub(1)
            .map(|w| &prepared.words[w])
            .filter(|w| w.start >= from);
        let word_after = prepared.words.get(word_index + 1).filter(|w| w.end <= to);
        let pos_before = word_before.map_or(99, |w| w.pos as u64);
        let pos_after = word_after.map_or(99, |w| w.pos as u64);
        let length = (word.len() as u64).min(5);
        emit.push(16, &[position, pos]);
        emit.push(17, &[position, pos, c0]);
        emit.push(18, &[pos_before, pos, pos_after, position]);
        emit.push(19, &[length, position, pos]);
        if word.len() >= 2 && word.start >= from && word.end <= to {
            emit.push(20, &[word.hash, position]);
        }
        if position == 0 || position == 3 {
            emit.push(21, &[word_before.map_or(BEFORE, |w| w.hash)]);
            emit.push(44, &[word_before.map_or(BEFORE, |w| w.hash), word.hash]);
            emit.push(22, &[pos_before, pos]);
        }
        if position == 2 || position == 3 {
            emit.push(23, &[word_after.map_or(AFTER, |w| w.hash)]);
            emit.push(24, &[pos, pos_after]);
        }

        // runs of characters foreign names are written with
        let (run_start, run_end) = runs[i - from];
        if run_end > run_start {
            let run = (run_end - run_start) as u64;
            let place = place(i, run_start, run_end);
            emit.push(53, &[run.min(6), place]);
            emit.push(54, &[run.min(6), place, position]);
        }
        let foreign = |k: isize| -> u64 {
            if k < from as isize || k >= to as isize {
                2
            } else {
                let (run_start, run_end) = runs[k as usize - from];
                u64::from(run_end > run_start)
            }
        };
        emit.push(
            55,
            &[
                foreign(s - 2),
                foreign(s - 1),
                foreign(s),
                foreign(s + 1),
                foreign(s + 2),
            ],
        );

        // surnames
        let here = chars[i];
        let surname = surname_rank(here).map_or(2, u64::from);
        emit.push(25, &[surname, position, length]);
        if i + 1 < to && is_compound_surname(here, chars[i + 1]) {
            emit.push(26, &[0]);
        }
        if i > from && is_compound_surname(chars[i - 1], here) {
            emit.push(26, &[1]);
        }
        if i > from {
            emit.push(27, &[surname_rank(chars[i - 1]).map_or(2, u64::from), surname]);
        }

        // titles around: a name ends 1 to 3 characters before one, or
        // begins 1 to 3 characters after one
        for ahead in 1..=3usize {
            if i + ahead < to && prepared.marks[i + ahead].title_start > 0 {
                emit.push(28, &[ahead as u64, surname]);
                break;
            }
        }
        for back in 1..=3usize {
            if i >= from + back && prepared.marks[i - back].title_end > 0 {
                emit.push(29, &[back as u64, surname]);
                break;
            }
        }
        let marks = &prepared.marks[i];
        if marks.title_start > 0 {
            emit.push(30, &[u64::from(marks.title_start)]);
        }

        // organisation head words
        if marks.head_len > 0 {
            let strength = marks.head_strength.map_or(0, |s| s as u64);
            let kind = marks.head_kind.map_or(0, |k| k as u64);
            emit.push(31, &[kind, strength, u64::from(marks.head_len).min(4)]);
            emit.push(32, &[kind, strength, position]);
        }
        let (head_end, head_kind) = next_head[i - from];
        if head_end != usize::MAX {
            emit.push(33, &[bucket(head_end - i), head_kind]);
            emit.push(34, &[bucket(head_end - i), head_kind, pos]);
        } else {
            emit.push(33, &[99]);
        }
        if i + 1 < to {
            // a head word begins right after: this may be a name's last
            // character
            let next_end = next_head[i + 1 - from].0;
            if next_end != usize::MAX && prepared.marks[next_end].head_len as usize == next_end - i {
                emit.push(35, &[next_head[i + 1 - from].1]);
            }
        }
        if marks.place_end > 0 {
            emit.push(36, &[u64::from(marks.place_end).min(3), position]);
        }
        if marks.department_end > 0 {
            emit.push(37, &[u64::from(marks.department_end).min(4)]);
        }
        if marks.standalone_end > 0 {
            emit.push(38, &[marks.standalone_kind.map_or(0, |k| k as u64)]);
        }
        if i > from && prepared.marks[i - 1].stop_end > 0 {
            emit.push(39, &[u64::from(prepared.marks[i - 1].stop_end)]);
        }
        if i + 1 < to && prepared.marks[i + 1].thing_start > 0 {
            emit.push(40, &[]);
        }

        // names labelled in the training sentences
        for (class, &packed) in cover[i - from].iter().enumerate() {
            if packed != 0 {
                let (length, level, place) = (
                    u64::from(packed >> 8),
                    u64::from(packed >> 4 & 15),
                    u64::from(packed & 15),
                );
                emit.push(56, &[class as u64, place, level]);
                emit.push(57, &[class as u64, place, length.min(5), level]);
            }
        }
    }
    out_offset(&mut emit, &mut out.offsets);
    out.found = found;
    out.cover = cover;
    out.next_head = next_head;
    out.enclosed = enclosed;
    out.runs = runs;
}

/// For each character of `from..to` and each class, the longest match of
/// the gazetteer covering it (see [`FeatureBuffer::cover`]).
fn gazetteer_cover(
    gazetteer: &Gazetteer,
    chars: &[char],
    from: usize,
    to: usize,
    found: &mut Vec<Match>,
    cover: &mut Vec<[u32; MAX_CLASSES]>,
) {
    cover.clear();
    cover.resize(to - from, [0; MAX_CLASSES]);
    gazetteer.matches(chars, from..to, found);
    for m in found.iter() {
        let length = (m.end - m.start) as u32;
        for class in 0..MAX_CLASSES {
            let level = Gazetteer::level(m.levels, class);
            if level == 0 {
                continue;
            }
            for (i, covered) in (m.start..m.end).zip(&mut cover[m.start - from..m.end - from]) {
                let slot = &mut covered[class];
                if *slot >> 8 < length {
                    *slot = length << 8 | u32::from(level) << 4 | place(i, m.start, m.end) as u32;
                }
            }
        }
    }
}

/// For each character of `from..to`: 1 inside 《》, 2 inside “” (or
/// 「」), 0 elsewhere; a bracket closed nowhere in the run encloses
/// nothing.
fn enclosures(chars: &[char], from: usize, to: usize, out: &mut Vec<u8>) {
    out.clear();
    out.resize(to - from, 0);
    let mut open: Option<(usize, char, u8)> = None;
    for i in from..to {
        let c = chars[i];
        match (open, c) {
            (None, '《') => open = Some((i, '》', 1)),
            (None, '“' | '「') => open = Some((i, if c == '“' { '”' } else { '」' }, 2)),
            (Some((start, close, value)), c) if c == close => {
                for slot in &mut out[start + 1 - from..i - from] {
                    *slot = value;
                }
                open = None;
            }
            _ => {}
        }
    }
}

/// Characters Chinese writes foreign names with (弗格森, 特维斯).
const TRANSLITERATION: &str = "阿埃艾安奥巴拜班邦贝本比彼毕宾波伯博布查达戴丹德迪蒂丁杜多厄恩法凡菲费芬弗福富盖甘冈戈格贡古哈海汉豪赫亨胡霍基吉加贾杰金卡凯坎康柯科克肯库夸奎拉莱兰劳勒雷蕾里利莉林琳卢鲁路伦罗洛吕马玛迈麦曼梅蒙米缪莫姆穆纳娜奈内尼妮涅纽诺欧帕派潘佩彭皮珀普奇齐乔切丘萨塞赛桑瑟森沙莎舍什史斯松苏索塔泰坦汤唐特提图托瓦威韦维温沃乌武西希锡谢辛休雅亚扬耶伊因尤约泽扎詹兹茨";

fn is_transliteration(c: char) -> bool {
    static SET: std::sync::LazyLock<CharSet> = std::sync::LazyLock::new(|| CharSet::of(TRANSLITERATION));
    SET.contains(c)
}

/// For each character of `from..to`, the run of transliteration
/// characters holding it (empty for other characters).
fn transliteration_runs(chars: &[char], from: usize, to: usize, out: &mut Vec<(usize, usize)>) {
    out.clear();
    out.resize(to - from, (0, 0));
    let mut i = from;
    while i < to {
        if !is_transliteration(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < to && is_transliteration(chars[i]) {
            i += 1;
        }
        for slot in &mut out[start - from..i - from] {
            *slot = (start, i);
        }
    }
}

fn out_offset(emit: &mut Emit<'_>, offsets: &mut Vec<u32>) {
    offsets.push(emit.ids.len() as u32);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jieba_rs::Jieba;

    #[test]
    fn same_text_same_features_and_runs_are_independent() {
        let jieba = Jieba::new();
        let prepared = Prepared::new(&jieba, "青岛大学张伟教授。海尔集团");
        let mut first = FeatureBuffer::default();
        extract(&prepared, 0..9, &Gazetteer::default(), &mut first);
        assert_eq!(first.len(), 9);
        let mut again = FeatureBuffer::default();
        extract(&prepared, 0..9, &Gazetteer::default(), &mut again);
        assert_eq!(first.ids, again.ids);
        let other = Prepared::new(&jieba, "青岛大学张伟教授");
        extract(&other, 0..8, &Gazetteer::default(), &mut again);
        assert_eq!(first.of(3), again.of(3));
        assert!(first.of(0).len() > 20);
    }

    #[test]
    fn a_name_of_the_gazetteer_adds_features_to_its_characters_only() {
        let jieba = Jieba::new();
        let prepared = Prepared::new(&jieba, "派出德罗巴上阵");
        let name: Vec<char> = "德罗巴".chars().collect();
        let prefixes = super::super::gazetteer::prefixes(&name);
        // labelled as class 1 at level 3
        let gazetteer = Gazetteer::from_names([(&prefixes[..], 0b1100)]);
        let (mut without, mut with) = (FeatureBuffer::default(), FeatureBuffer::default());
        extract(&prepared, 0..7, &Gazetteer::default(), &mut without);
        extract(&prepared, 0..7, &gazetteer, &mut with);
        for i in 0..7 {
            let added = with.of(i).len() - without.of(i).len();
            assert_eq!(added, if (2..5).contains(&i) { 2 } else { 0 }, "character {i}");
            assert_eq!(&with.of(i)[..without.of(i).len()], without.of(i));
        }
        // the beginning, middle and end of the name are told apart
        let last = |i: usize| *with.of(i).last().unwrap();
        assert_ne!(last(2), last(3));
        assert_ne!(last(3), last(4));
    }

    #[test]
    fn quotes_titles_and_foreign_names() {
        let chars: Vec<char> = "读《海底两万里》与“蓝鲸号”，弗格森说".chars().collect();
        let mut enclosed = Vec::new();
        enclosures(&chars, 0, chars.len(), &mut enclosed);
        assert_eq!(enclosed[1], 0, "the mark itself");
        assert!(enclosed[2..7].iter().all(|&v| v == 1));
        assert!(enclosed[10..13].iter().all(|&v| v == 2));
        assert_eq!(enclosed[15], 0);
        // an unclosed mark encloses nothing
        let open: Vec<char> = "《未完的标题".chars().collect();
        enclosures(&open, 0, open.len(), &mut enclosed);
        assert!(enclosed.iter().all(|&v| v == 0));
        let mut runs = Vec::new();
        transliteration_runs(&chars, 0, chars.len(), &mut runs);
        assert_eq!(runs[15], (15, 18), "弗格森");
        assert_eq!(runs[18], (0, 0), "说");
    }
}

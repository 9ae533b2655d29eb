//! Highlighted snippets: the window of a text where the query's words are
//! densest, HTML-escaped, with `<em>` around every match.
//!
//! Matches are those of the normalised text ([`crate::text::normalize`]):
//! `醫療` in a text is a match of the term `医疗`. The text is not normalised
//! as a whole. A term is searched as bytes as it is written; the characters
//! that normalisation changes into one of the terms' characters (traditional,
//! full-width and upper-case forms) and those it reads with their neighbours
//! are searched too, and each match taking one in is checked in place. Only
//! the chosen window is escaped and written, so beyond those byte searches
//! the cost follows the window and the matches, not the length of the text.
//! A snippet never splits a character, nor a match at the window's edges.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use memchr::memmem;

use crate::text::normalize_char;

/// Characters of the text kept before the match a window starts from.
const LEAD: usize = 12;

/// The characters that fast2s, the traditional-to-simplified step of
/// normalisation, converts by looking at their neighbours (its exception
/// and special-conversion lists, fast2s 0.3). Their normalised form is
/// worked out from the characters around them.
const CONTEXT_CHARS: &str = "兒覆夥藉瞭麽幺於乾著苧闔鍾讎畫";

/// Every character fast2s can turn a context character into, the context
/// characters themselves included: a match can take in a context
/// character only when its term holds one of these.
const CONTEXT_FORMS: &str = "兒儿覆夥伙藉借瞭了麽么幺於于乾干著着苧苎闔阖合鍾钟锺讎仇雠畫画划";

/// The last character normalisation may change when it stands alone.
const LAST_FOLDED: char = '\u{1FFFF}';

fn is_context(c: char) -> bool {
    CONTEXT_CHARS.contains(c)
}

/// What normalisation does to single characters, worked out once for every
/// character.
struct Folding {
    /// The normalised form of each character that normalisation changes
    /// whatever its neighbours (context characters aside).
    changed: HashMap<char, char>,
    /// For a normalised character, the other characters normalising to it
    /// (context characters aside).
    sources: HashMap<char, Vec<char>>,
}

static FOLDING: LazyLock<Folding> = LazyLock::new(Folding::new);

/// Finds the context characters in one pass (none if it failed to build,
/// and the context characters are then searched one by one).
static CONTEXT_SEARCH: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(CONTEXT_CHARS.chars().map(String::from))
        .ok()
});

impl Folding {
    fn new() -> Folding {
        let mut changed = HashMap::new();
        // fast2s converts three-byte characters only: those are gathered
        // into one text, a line each, and converted in one call
        let mut three_byte = Vec::new();
        let mut lines = String::new();
        // no character past the first two planes has a case, a full-width
        // or a traditional form (a test checks every character)
        for c in (0..=LAST_FOLDED as u32).filter_map(char::from_u32) {
            let folded = normalize_char(c);
            if is_context(folded) {
                continue;
            }
            if folded.len_utf8() == 3 {
                three_byte.push(c);
                lines.push(folded);
                lines.push('\n');
            } else if folded != c {
                changed.insert(c, folded);
            }
        }
        let converted = fast2s::convert(&lines);
        for (c, normalized) in three_byte.into_iter().zip(converted.chars().step_by(2)) {
            if normalized != c {
                changed.insert(c, normalized);
            }
        }
        let mut sources: HashMap<char, Vec<char>> = HashMap::new();
        for (&c, &normalized) in &changed {
            sources.entry(normalized).or_default().push(c);
        }
        Folding { changed, sources }
    }

    /// Whether `c` is its own normalised form wherever it stands.
    fn is_fixed(&self, c: char) -> bool {
        !is_context(c) && !self.changed.contains_key(&c)
    }

    /// The normalised form of `c`, found between `prev` and `next` in a text.
    fn normalized(&self, prev: Option<char>, c: char, next: Option<char>) -> char {
        let folded = normalize_char(c);
        if !is_context(folded) {
            return self.changed.get(&c).copied().unwrap_or(c);
        }
        let mut around = String::with_capacity(12);
        around.extend(prev.map(normalize_char));
        around.push(folded);
        around.extend(next.map(normalize_char));
        fast2s::convert(&around)
            .chars()
            .nth(usize::from(prev.is_some()))
            .unwrap_or(folded)
    }

    /// Whether the normalised text at byte `start` begins with `term`.
    fn matches_at(&self, text: &str, start: usize, term: &[char]) -> bool {
        let mut prev = text[..start].chars().next_back();
        let mut rest = text[start..].chars().peekable();
        for &wanted in term {
            let Some(c) = rest.next() else {
                return false;
            };
            if self.normalized(prev, c, rest.peek().copied()) != wanted {
                return false;
            }
            prev = Some(c);
        }
        true
    }
}

/// The characters other than the terms' own that a match can take in, and
/// how they are found.
struct Anchors {
    /// Sorted.
    chars: Vec<char>,
    /// One byte search per distinct lead (first two bytes, or the one byte)
    /// of `chars`; each occurrence is a character to look up in `chars`.
    leads: Vec<memmem::Finder<'static>>,
    /// The context characters, found in one pass.
    context: Option<&'static AhoCorasick>,
}

/// The terms of one query, ready to highlight many texts.
pub struct Highlighter {
    folding: &'static Folding,
    /// Each term's characters (normalised, as the query gave them).
    terms: Vec<Vec<char>>,
    /// Each term as written, when every character of it stands for itself
    /// (each occurrence is then a match as it is).
    exact: Vec<Option<memmem::Finder<'static>>>,
    anchors: Anchors,
}

impl Highlighter {
    /// Prepares `terms` (normalised; empty ones are skipped).
    pub fn new(terms: &[String]) -> Highlighter {
        let folding = &*FOLDING;
        let terms: Vec<Vec<char>> = terms.iter().map(|term| term.chars().collect()).collect();
        let exact = terms
            .iter()
            .map(|chars| {
                (!chars.is_empty() && chars.iter().all(|&c| folding.is_fixed(c))).then(|| {
                    let written: String = chars.iter().collect();
                    memmem::Finder::new(written.as_bytes()).into_owned()
                })
            })
            .collect();
        // the characters normalising to a character of a term, and the
        // context characters when a term holds one of their forms
        let mut chars: Vec<char> = terms
            .iter()
            .flatten()
            .filter_map(|c| folding.sources.get(c))
            .flatten()
            .copied()
            .collect();
        let mut context = None;
        if terms.iter().flatten().any(|&c| CONTEXT_FORMS.contains(c)) {
            context = CONTEXT_SEARCH.as_ref();
            if context.is_none() {
                chars.extend(CONTEXT_CHARS.chars());
            }
        }
        chars.sort_unstable();
        chars.dedup();
        let mut leads: Vec<Vec<u8>> = chars
            .iter()
            .map(|c| {
                let mut bytes = [0; 4];
                let encoded = c.encode_utf8(&mut bytes).as_bytes();
                encoded[..encoded.len().min(2)].to_vec()
            })
            .collect();
        leads.sort_unstable();
        leads.dedup();
        let anchors = Anchors {
            chars,
            leads: leads
                .iter()
                .map(|lead| memmem::Finder::new(lead).into_owned())
                .collect(),
            context,
        };
        Highlighter {
            folding,
            terms,
            exact,
            anchors,
        }
    }

    /// A snippet of at most `max_chars` characters of `text` (plus
    /// ellipses) with every occurrence of the terms wrapped in `<em>`.
    pub fn snippet(&self, text: &str, max_chars: usize) -> String {
        let matches = self.find_matches(text);
        let length = text.chars().count();
        let (start, end) = if length <= max_chars {
            (0, length)
        } else {
            let start = best_window(&matches, self.terms.len(), length, max_chars);
            self.keep_matches_whole(&matches, start, start + max_chars)
        };
        let start_byte = byte_offset(text, &matches, length, start);
        let end_byte = forward(text, start_byte, end - start);

        let mut marked = vec![false; end - start];
        for m in matches.iter().take_while(|m| m.char_start < end) {
            let from = m.char_start.max(start);
            let to = (m.char_start + self.terms[m.term].len()).min(end);
            if from < to {
                marked[from - start..to - start].fill(true);
            }
        }

        let mut out = String::with_capacity((end_byte - start_byte) * 5 / 4 + 32);
        if start > 0 {
            out.push('…');
        }
        let mut open = false;
        for (c, &mark) in text[start_byte..end_byte].chars().zip(&marked) {
            if mark && !open {
                out.push_str("<em>");
                open = true;
            } else if !mark && open {
                out.push_str("</em>");
                open = false;
            }
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
        if open {
            out.push_str("</em>");
        }
        if end < length {
            out.push('…');
        }
        out
    }

    /// Every occurrence of every term in the normalised `text`, overlapping
    /// ones included, in text order (then term order).
    fn find_matches(&self, text: &str) -> Vec<Match> {
        // (byte start, term)
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (term, finder) in self.exact.iter().enumerate() {
            if let Some(finder) = finder {
                for_each_occurrence(finder, text, |at| found.push((at, term)));
            }
        }
        for lead in &self.anchors.leads {
            for_each_occurrence(lead, text, |at| {
                let anchored = text[at..]
                    .chars()
                    .next()
                    .is_some_and(|c| self.anchors.chars.binary_search(&c).is_ok());
                if anchored {
                    self.matches_through(text, at, &mut found);
                }
            });
        }
        if let Some(context) = self.anchors.context {
            // one-character patterns: their occurrences never overlap
            for hit in context.find_iter(text) {
                self.matches_through(text, hit.start(), &mut found);
            }
        }
        found.sort_unstable();
        found.dedup();

        let mut matches = Vec::with_capacity(found.len());
        let (mut char_start, mut counted_to) = (0, 0);
        for (byte_start, term) in found {
            char_start += text[counted_to..byte_start].chars().count();
            counted_to = byte_start;
            matches.push(Match {
                char_start,
                byte_start,
                term,
            });
        }
        matches
    }

    /// Adds to `found` the matches that take in the anchor character at
    /// byte `at`: for each place of its normalised form in a term, the
    /// match that would put it there, checked in place.
    fn matches_through(&self, text: &str, at: usize, found: &mut Vec<(usize, usize)>) {
        let prev = text[..at].chars().next_back();
        let mut after = text[at..].chars();
        let Some(c) = after.next() else {
            return;
        };
        let normalized = self.folding.normalized(prev, c, after.next());
        for (term, chars) in self.terms.iter().enumerate() {
            for (offset, _) in chars.iter().enumerate().filter(|(_, &t)| t == normalized) {
                if let Some(start) = backward(text, at, offset) {
                    if self.folding.matches_at(text, start, chars) {
                        found.push((start, term));
                    }
                }
            }
        }
    }

    /// The window `start..end` narrowed so that no match sticks out of it:
    /// an end inside a match moves back to the match's start, a start
    /// inside one moves on to its end. A window that would be left empty (a
    /// match longer than the window) stays as it is.
    fn keep_matches_whole(&self, matches: &[Match], start: usize, end: usize) -> (usize, usize) {
        let longest = self.terms.iter().map(Vec::len).max().unwrap_or(0);
        // the (start, end) of the matches with `at` strictly inside
        let around = |at: usize| {
            let first = matches.partition_point(|m| m.char_start + longest <= at);
            matches[first..]
                .iter()
                .take_while(move |m| m.char_start < at)
                .map(|m| (m.char_start, m.char_start + self.terms[m.term].len()))
                .filter(move |&(_, match_end)| at < match_end)
        };
        let mut new_end = end;
        while let Some(match_start) = around(new_end).map(|(match_start, _)| match_start).min() {
            new_end = match_start;
        }
        let mut new_start = start;
        while let Some(match_end) = around(new_start).map(|(_, match_end)| match_end).max() {
            new_start = match_end;
        }
        if new_start < new_end {
            (new_start, new_end)
        } else {
            (start, end)
        }
    }
}

/// Returns a snippet of at most `max_chars` characters of `text` (plus
/// ellipses) with every occurrence of `terms` (normalised, matched on the
/// normalised text) wrapped in `<em>`. To highlight several texts, prepare
/// the terms once with [`Highlighter::new`].
pub fn highlight(text: &str, terms: &[String], max_chars: usize) -> String {
    Highlighter::new(terms).snippet(text, max_chars)
}

/// One occurrence of a term.
#[derive(Debug, Clone, Copy)]
struct Match {
    char_start: usize,
    byte_start: usize,
    term: usize,
}

/// Calls `found` with the byte offset of every occurrence of `finder`'s
/// needle in `text`, overlapping ones included.
fn for_each_occurrence(finder: &memmem::Finder, text: &str, mut found: impl FnMut(usize)) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = finder.find(&bytes[from..]) {
        found(from + at);
        // a needle that starts as a character does only matches at
        // character starts
        from += at + 1;
    }
}

/// The first character of the window of `width` chars that covers the most
/// distinct terms (then the most matches), starting a little before a match;
/// the earliest such window wins. `matches` are in text order.
fn best_window(matches: &[Match], terms: usize, length: usize, width: usize) -> usize {
    debug_assert!(length > width);
    let mut per_term = vec![0usize; terms];
    let mut distinct = 0;
    // matches[first..past] lie in the window
    let (mut first, mut past) = (0, 0);
    let mut best = (0, 0);
    let mut best_start = 0;
    for m in matches {
        // never decreasing from one match to the next
        let start = m.char_start.saturating_sub(LEAD).min(length - width);
        let end = start + width;
        while past < matches.len() && matches[past].char_start < end {
            let term = matches[past].term;
            distinct += usize::from(per_term[term] == 0);
            per_term[term] += 1;
            past += 1;
        }
        while first < past && matches[first].char_start < start {
            let term = matches[first].term;
            per_term[term] -= 1;
            distinct -= usize::from(per_term[term] == 0);
            first += 1;
        }
        let score = (distinct, past - first);
        if score > best {
            best = score;
            best_start = start;
        }
    }
    best_start
}

/// The byte offset of character `target` (at most `length`, the text's
/// length in chars), walked to from the nearest character whose offset is
/// known: the text's ends and the matches' starts.
fn byte_offset(text: &str, matches: &[Match], length: usize, target: usize) -> usize {
    let next = matches.partition_point(|m| m.char_start < target);
    let (before_char, before_byte) = next
        .checked_sub(1)
        .map_or((0, 0), |i| (matches[i].char_start, matches[i].byte_start));
    let (after_char, after_byte) = matches
        .get(next)
        .map_or((length, text.len()), |m| (m.char_start, m.byte_start));
    if target - before_char <= after_char - target {
        forward(text, before_byte, target - before_char)
    } else {
        backward(text, after_byte, after_char - target).unwrap_or(0)
    }
}

/// The byte offset `chars` characters after byte `from` (the end of the
/// text at most).
fn forward(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| from + i)
}

/// The byte offset `chars` characters before byte `from`, if the text has
/// that many.
fn backward(text: &str, from: usize, chars: usize) -> Option<usize> {
    match chars {
        0 => Some(from),
        n => text[..from].char_indices().nth_back(n - 1).map(|(i, _)| i),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::sample::{select, Index};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::text::normalize;

    /// Highlighting by normalising the whole text and comparing every
    /// position with every term: the straightforward way, to check the
    /// byte search against. With `keep_matches_whole`, a window edge inside
    /// a match moves out of it as [`highlight`] does; without, it is cut
    /// where it falls. Also says whether that window cut a match.
    fn reference(text: &str, terms: &[String], max_chars: usize, keep_matches_whole: bool) -> (String, bool) {
        let original: Vec<char> = text.chars().collect();
        let normalized: Vec<char> = normalize(text).chars().collect();
        assert_eq!(original.len(), normalized.len());
        let mut marked = vec![false; normalized.len()];
        // (char start, char end, term index) of every match
        let mut matches: Vec<(usize, usize, usize)> = Vec::new();
        for (term_index, term) in terms.iter().enumerate() {
            let needle: Vec<char> = term.chars().collect();
            if needle.is_empty() || needle.len() > normalized.len() {
                continue;
            }
            for start in 0..=normalized.len() - needle.len() {
                if normalized[start..start + needle.len()] == needle[..] {
                    matches.push((start, start + needle.len(), term_index));
                    marked[start..start + needle.len()].iter_mut().for_each(|m| *m = true);
                }
            }
        }
        matches.sort_unstable();
        let (mut start, mut end) = if original.len() <= max_chars {
            (0, original.len())
        } else {
            // the window of max_chars that covers the most distinct terms,
            // starting a little before a match; the earliest wins
            let width = max_chars;
            let mut best = (0usize, 0usize);
            let mut best_start = 0;
            for &(match_start, _, _) in &matches {
                let start = match_start.saturating_sub(LEAD).min(original.len() - width);
                let end = start + width;
                let mut seen: Vec<usize> = matches
                    .iter()
                    .filter(|(s, _, _)| *s >= start && *s < end)
                    .map(|(_, _, t)| *t)
                    .collect();
                let hits = seen.len();
                seen.sort_unstable();
                seen.dedup();
                if (seen.len(), hits) > best {
                    best = (seen.len(), hits);
                    best_start = start;
                }
            }
            (best_start, best_start + width)
        };
        let inside = |at: usize, m: &(usize, usize, usize)| m.0 < at && at < m.1;
        let cut = matches.iter().any(|m| inside(start, m) || inside(end, m));
        if keep_matches_whole {
            let (mut new_start, mut new_end) = (start, end);
            while let Some(m) = matches.iter().filter(|m| inside(new_end, m)).min() {
                new_end = m.0;
            }
            while let Some(m) = matches.iter().filter(|m| inside(new_start, m)).max_by_key(|m| m.1) {
                new_start = m.1;
            }
            if new_start < new_end {
                (start, end) = (new_start, new_end);
            }
        }

        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        let mut open = false;
        for i in start..end {
            if marked[i] && !open {
                out.push_str("<em>");
                open = true;
            } else if !marked[i] && open {
                out.push_str("</em>");
                open = false;
            }
            match original[i] {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
        if open {
            out.push_str("</em>");
        }
        if end < original.len() {
            out.push('…');
        }
        (out, cut)
    }

    /// Checks [`highlight`] against [`reference`]: equal to it, and to the
    /// plain cut whenever that cut no match.
    fn check(text: &str, terms: &[String], max_chars: usize) {
        let snippet = highlight(text, terms, max_chars);
        let (expected, _) = reference(text, terms, max_chars, true);
        assert_eq!(
            snippet, expected,
            "text {text:?}, terms {terms:?}, max_chars {max_chars}"
        );
        let (plain, cut) = reference(text, terms, max_chars, false);
        if !cut {
            assert_eq!(snippet, plain, "text {text:?}, terms {terms:?}, max_chars {max_chars}");
        }
    }

    #[test]
    fn marks_every_match_and_escapes() {
        let snippet = highlight("高测<股份>生产光伏硅片，光伏", &["光伏".into()], 100);
        assert_eq!(snippet, "高测&lt;股份&gt;生产<em>光伏</em>硅片，<em>光伏</em>");
    }

    #[test]
    fn matches_through_normalisation() {
        let snippet = highlight("推出ＩＶＤ主题展", &["ivd".into()], 100);
        assert_eq!(snippet, "推出<em>ＩＶＤ</em>主题展");
        let snippet = highlight("青島高新區醫療器械", &["医疗".into()], 100);
        assert_eq!(snippet, "青島高新區<em>醫療</em>器械");
    }

    #[test]
    fn characters_read_by_their_neighbours_match_as_normalised() {
        // 乾 is 干 in 乾淨 and stays 乾 in 乾隆
        assert_eq!(highlight("乾淨的乾隆", &["干净".into()], 100), "<em>乾淨</em>的乾隆");
        assert_eq!(highlight("乾淨的乾隆", &["乾隆".into()], 100), "乾淨的<em>乾隆</em>");
        assert_eq!(
            highlight("企畫與畫圖", &["企划".into(), "画".into()], 100),
            "<em>企畫</em>與<em>畫</em>圖"
        );
        for (text, term) in [("回覆答覆覆蓋", "覆"), ("回覆答覆覆蓋", "复盖"), ("看著著作", "着")] {
            check(text, &[term.to_string()], 100);
        }
    }

    #[test]
    fn long_text_is_cut_around_the_matches() {
        let text = format!("{}智能人工血管{}", "甲".repeat(200), "乙".repeat(200));
        let snippet = highlight(&text, &["人工血管".into()], 40);
        assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
        assert!(snippet.contains("<em>人工血管</em>"));
        assert_eq!(snippet.replace("<em>", "").replace("</em>", "").chars().count(), 42);
    }

    #[test]
    fn overlapping_terms_make_one_highlight() {
        let snippet = highlight("康复大学", &["康复".into(), "复大".into()], 100);
        assert_eq!(snippet, "<em>康复大</em>学");
    }

    #[test]
    fn a_window_edge_never_cuts_a_match() {
        // the window starting LEAD chars before 光伏 would end inside 储能电池
        let text = format!("{}光伏和储能电池{}", "甲".repeat(LEAD + 30), "乙".repeat(30));
        let terms = ["光伏".to_string(), "储能电池".to_string()];
        let snippet = highlight(&text, &terms, LEAD + 5);
        assert!(snippet.ends_with("<em>光伏</em>和…"), "{snippet}");
        let (plain, cut) = reference(&text, &terms, LEAD + 5, false);
        assert!(cut && plain.ends_with("<em>光伏</em>和<em>储能</em>…"), "{plain}");
        check(&text, &terms, LEAD + 5);
    }

    #[test]
    fn the_window_holds_the_densest_matches_of_a_long_text() {
        let filler = "本文研究了区域经济的发展趋势，并讨论了相关的政策建议。";
        let mut text = String::new();
        for i in 0..120 {
            text.push_str(filler);
            if i % 30 == 7 {
                text.push_str("神经网络");
            }
            if i == 90 {
                text.push_str("基于神经网络的遗传算法优化，遗传算法与神经网络结合。");
            }
        }
        assert!(text.len() > 6000);
        let terms = ["神经网络".to_string(), "遗传算法".to_string()];
        let snippet = highlight(&text, &terms, 120);
        assert!(
            snippet.contains("<em>遗传算法</em>优化，<em>遗传算法</em>与<em>神经网络</em>结合"),
            "{snippet}"
        );
        check(&text, &terms, 120);
    }

    #[test]
    fn only_context_characters_fold_to_context_characters() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if is_context(normalize_char(c)) {
                assert_eq!(normalize_char(c), c, "{c:?}");
            }
        }
    }

    #[test]
    fn context_characters_take_only_their_listed_forms() {
        for x in CONTEXT_CHARS.chars() {
            assert!(CONTEXT_FORMS.contains(x) && CONTEXT_FORMS.contains(normalize(&x.to_string()).as_str()));
            // fast2s reads the character before and the one after apart
            for y in ('\u{4E00}'..='\u{9FFF}').chain(['0', 'a', '，']) {
                let after: Vec<char> = normalize(&format!("{y}{x}")).chars().collect();
                let before: Vec<char> = normalize(&format!("{x}{y}")).chars().collect();
                for form in [after[1], before[0]] {
                    assert!(CONTEXT_FORMS.contains(form), "{x} beside {y} becomes {form}");
                }
            }
        }
    }

    #[test]
    fn folding_agrees_with_normalize_on_every_character() {
        let folding = &*FOLDING;
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if is_context(c) {
                continue;
            }
            let alone = normalize(c.encode_utf8(&mut [0; 4]));
            assert_eq!(alone.chars().count(), 1);
            assert_eq!(alone.chars().next(), Some(folding.normalized(None, c, None)), "{c:?}");
            if c.len_utf8() != 3 {
                continue;
            }
            // and among neighbours: only context characters look at them
            let among = normalize(&format!("醫{c}療"));
            assert_eq!(
                among.chars().nth(1),
                Some(folding.normalized(Some('醫'), c, Some('療'))),
                "{c:?}"
            );
        }
    }

    /// Characters that normalisation changes, or that it maps others onto,
    /// in every way it does (case, full width, traditional forms, forms
    /// read by their neighbours), with the characters escaping treats apart.
    const ALPHABET: &[&str] = &[
        "医",
        "疗",
        "醫",
        "療",
        "器",
        "械",
        "康",
        "复",
        "復",
        "覆",
        "大",
        "学",
        "學",
        "乾",
        "淨",
        "净",
        "干",
        "幹",
        "隆",
        "坤",
        "盖",
        "蓋",
        "答",
        "回",
        "著",
        "看",
        "着",
        "畫",
        "画",
        "計",
        "划",
        "企",
        "藉",
        "口",
        "慰",
        "於",
        "樊",
        "于",
        "兒",
        "寬",
        "儿",
        "光",
        "伏",
        "哈",
        "Ｉ",
        "Ｖ",
        "Ｄ",
        "ｉ",
        "５",
        "Ｇ",
        "i",
        "v",
        "d",
        "g",
        "5",
        "I",
        "V",
        "D",
        "G",
        "\u{212A}",
        "k",
        "K",
        " ",
        "\u{3000}",
        "，",
        ",",
        "。",
        "<",
        ">",
        "&",
        "\"",
        "\n",
        "\r",
        "İ",
        "Σ",
        "σ",
        "\u{10400}",
        "\u{10428}",
        "é",
        "É",
        "😀",
    ];

    /// A text of the alphabet's characters, terms (pieces of its normalised
    /// form, words of the alphabet normalised or not, an empty one) and a
    /// window width.
    fn case(max_len: usize) -> impl Strategy<Value = (String, Vec<String>, usize)> {
        let term = (
            0u8..4,
            prop::collection::vec(select(ALPHABET), 1..5),
            any::<Index>(),
            1usize..6,
        );
        (
            prop::collection::vec(select(ALPHABET), 0..max_len),
            prop::collection::vec(term, 0..5),
            0usize..60,
        )
            .prop_map(|(pieces, specs, max_chars)| {
                let text = pieces.concat();
                let normalized: Vec<char> = normalize(&text).chars().collect();
                let terms = specs
                    .into_iter()
                    .map(|(kind, word, at, len)| match kind {
                        0 if !normalized.is_empty() => {
                            let start = at.index(normalized.len());
                            normalized[start..(start + len).min(normalized.len())].iter().collect()
                        }
                        1 => normalize(&word.concat()),
                        2 => word.concat(),
                        _ => String::new(),
                    })
                    .collect();
                (text, terms, max_chars)
            })
    }

    proptest! {
        #[test]
        fn agrees_with_normalising_the_whole_text((text, terms, max_chars) in case(120)) {
            check(&text, &terms, max_chars);
        }

        #[test]
        fn agrees_on_long_texts((text, terms, max_chars) in case(3000)) {
            check(&text, &terms, max_chars);
        }
    }

    /// Sentences of the kind stored texts hold: simplified and traditional
    /// Chinese, Latin words and numbers in both widths, punctuation of both
    /// widths.
    const SENTENCES: &[&str] = &[
        "采用修正的Rodrigues参数(MRP),建立了飞行器姿态控制系统的数学模型；",
        "利用Lyapunov函数设计了镇定控制器，仿真结果表明该方法有效。",
        "青島高新區醫療器械產業園引進ＩＶＤ體外診斷企業，",
        "基于神经网络的预测模型在５Ｇ通信中的应用研究.",
        "乾淨的水源與乾隆年間的水利工程，",
        "企畫書與計畫書的撰寫，回覆與答覆。",
        "大鼠细胞凋亡与肿瘤生长的关系<实验>&分析\"结果\"\n",
        "遗传算法优化设计，高效液相色谱法测定含量　",
        "Neural Network與ＮＥＵＲＡＬ ＮＥＴＷＯＲＫ的比較；",
        "康復大學的康复医学专业，",
    ];

    const TERM_SETS: &[&[&str]] = &[
        &["神经网络"],
        &["医疗", "器械"],
        &["控制", "系统", "仿真", "模型"],
        &["neural network", "network", "5g"],
        &["干净", "乾隆", "企划", "计划", "答覆"],
        &["康复", "复大", "大学"],
        &["lyapunov", "mrp", "rodrigues"],
        &["<实验>", "&", "细胞凋亡"],
        &["ivd", "体外诊断", "高新区"],
    ];

    #[test]
    fn agrees_on_realistic_long_texts() {
        let mut rng = ChaCha8Rng::seed_from_u64(2026);
        for _ in 0..60 {
            let target = rng.random_range(1_000..10_000);
            let mut text = String::new();
            while text.len() < target {
                text.push_str(SENTENCES[rng.random_range(0..SENTENCES.len())]);
            }
            for terms in TERM_SETS {
                let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
                for max_chars in [40, 120, 500] {
                    check(&text, &terms, max_chars);
                }
            }
        }
    }
}

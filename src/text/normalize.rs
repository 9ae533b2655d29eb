//! Character normalisation applied before any segmentation: full-width forms
//! to half-width, ideographic space to space, upper to lower case, and
//! traditional to simplified characters (fast2s, which maps one character to
//! one character, looking at its neighbours for the few ambiguous ones).
//!
//! The mapping is one character to one character, so character offsets into
//! the normalised text are offsets into the original text too; highlighting
//! and mention spans rely on that.
//!
//! Most text needs no traditional-to-simplified step at all: a table of the
//! characters fast2s may change (probed from fast2s once per process) lets
//! such text skip it, with the same result.

use std::sync::LazyLock;

/// Normalises one character.
pub fn normalize_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).map_or(c, |half| half.to_ascii_lowercase()),
        'A'..='Z' => c.to_ascii_lowercase(),
        c if c.is_ascii() || super::is_cjk(c) => c,
        c if c.is_uppercase() => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(single), None) => single,
                _ => c,
            }
        }
        c => c,
    }
}

/// Normalises a text: [`normalize_char`] on every character, then
/// traditional to simplified.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// Normalises `text` into `out` (cleared first), as [`normalize`] does.
/// Returns whether every character kept its UTF-8 length, in which case
/// byte offsets into `out` are byte offsets into `text` too.
pub fn normalize_into(text: &str, out: &mut String) -> bool {
    out.clear();
    out.reserve(text.len());
    let mut same_lengths = true;
    let mut may_simplify = false;
    for c in text.chars() {
        let folded = normalize_char(c);
        same_lengths &= folded.len_utf8() == c.len_utf8();
        may_simplify |= fast2s_may_change(folded);
        out.push(folded);
    }
    if may_simplify {
        let simplified = fast2s::convert(out);
        // The one-to-one promise is what offsets rely on: keep it even if a
        // conversion ever changed the length.
        if simplified.chars().count() == out.chars().count() {
            same_lengths &= simplified
                .chars()
                .zip(out.chars())
                .all(|(a, b)| a.len_utf8() == b.len_utf8());
            *out = simplified;
        }
    }
    same_lengths
}

/// Characters fast2s looks up only in context: they are left alone on their
/// own but changed next to certain neighbours (`看著` → `看着`).
const CONTEXTUAL: &[char] = &[
    '兒', '覆', '夥', '藉', '瞭', '麽', '幺', '於', '乾', '著', '苧', '闔', '鍾', '讎', '畫',
];

/// One bit per character of the Basic Multilingual Plane: set for those
/// fast2s may change. fast2s only ever changes three-byte characters.
static MAY_CHANGE: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; 1 << 10];
    let mut set = |c: char| bits[c as usize >> 6] |= 1 << (c as u32 & 63);
    // every three-byte character on its own, between spaces (no context)
    let probe: String = (0x800u32..=0xFFFF)
        .filter_map(char::from_u32)
        .flat_map(|c| [c, ' '])
        .collect();
    let converted = fast2s::convert(&probe);
    for (before, after) in probe.chars().zip(converted.chars()) {
        if before != after {
            set(before);
        }
    }
    for &c in CONTEXTUAL {
        set(c);
    }
    bits
});

/// Whether normalising may change `c` in a text already normalised: the
/// traditional-to-simplified step may read a simplified character again
/// (on its own or next to others). Every other step leaves its own output
/// as it is.
pub fn may_simplify(c: char) -> bool {
    fast2s_may_change(c)
}

/// Whether fast2s may change `c`, on its own or next to other characters.
fn fast2s_may_change(c: char) -> bool {
    let code = c as u32;
    (0x800..=0xFFFF).contains(&code) && MAY_CHANGE[code as usize >> 6] & (1 << (code & 63)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case() {
        assert_eq!(normalize("ＩＶＤ体外诊断　５Ｇ"), "ivd体外诊断 5g");
        assert_eq!(normalize("高新贷２．０"), "高新贷2.0");
        assert_eq!(normalize("AstraZeneca"), "astrazeneca");
    }

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(normalize("青島高新區醫療器械"), "青岛高新区医疗器械");
        assert_eq!(normalize("康復大學"), "康复大学");
    }

    #[test]
    fn idempotent_and_one_char_per_char() {
        for text in [
            "ＡＢＣ高新区",
            "İstanbul Σ",
            "8.86亿美元",
            "（青岛）有限公司",
            "臺灣發展銀行",
        ] {
            let once = normalize(text);
            assert_eq!(normalize(&once), once);
            assert_eq!(once.chars().count(), text.chars().count());
        }
    }

    #[test]
    fn skipping_fast2s_changes_nothing() {
        // fast2s on the folded text, as normalisation was defined
        let reference = |text: &str| {
            let folded: String = text.chars().map(normalize_char).collect();
            fast2s::convert(&folded)
        };
        for text in [
            "看著他，藉口與慰藉，苧麻，闔家，鍾書，校讎，計畫與企畫，乾隆的乾兒子",
            "甚夥，瞭望，幺麽，樊於期，乾坤",
            "简体中文的园区与企业，没有繁体字",
            "mixed 文本 with ASCII 和 ＦＵＬＬ width",
        ] {
            assert_eq!(normalize(text), reference(text), "{text}");
        }
        assert!(fast2s_may_change('島') && fast2s_may_change('著'));
        assert!(!fast2s_may_change('岛') && !fast2s_may_change('a'));
    }

    #[test]
    fn byte_lengths_are_reported() {
        let mut out = String::new();
        assert!(normalize_into("青島ABC", &mut out));
        assert_eq!(out, "青岛abc");
        assert!(!normalize_into("ＩＶＤ", &mut out));
        assert_eq!(out, "ivd");
    }
}

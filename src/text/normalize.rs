//! Character normalisation applied before any segmentation: full-width forms
//! to half-width, ideographic space to space, upper to lower case, and
//! traditional to simplified characters (fast2s, which maps one character to
//! one character, looking at its neighbours for the few ambiguous ones).
//!
//! The mapping is one character to one character, so character offsets into
//! the normalised text are offsets into the original text too; highlighting
//! and mention spans rely on that.

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
    let folded: String = text.chars().map(normalize_char).collect();
    if folded.is_ascii() {
        return folded;
    }
    let simplified = fast2s::convert(&folded);
    // The one-to-one promise is what offsets rely on: keep it even if a
    // conversion ever changed the length.
    if simplified.chars().count() == folded.chars().count() {
        simplified
    } else {
        folded
    }
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
}

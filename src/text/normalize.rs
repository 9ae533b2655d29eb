//! Character normalisation applied before any segmentation: full-width forms
//! to half-width, ideographic space to space, upper to lower case.
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
        c if c.is_ascii() => c,
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

/// Normalises a text character by character.
pub fn normalize(text: &str) -> String {
    text.chars().map(normalize_char).collect()
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
    fn idempotent_and_one_char_per_char() {
        for text in ["ＡＢＣ高新区", "İstanbul Σ", "8.86亿美元", "（青岛）有限公司"] {
            let once = normalize(text);
            assert_eq!(normalize(&once), once);
            assert_eq!(once.chars().count(), text.chars().count());
        }
    }
}

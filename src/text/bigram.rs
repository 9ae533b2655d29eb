//! CJK bigrams: every pair of adjacent Han characters, so that a word jieba
//! has never seen, or one inside a longer compound, is still found. Runs of
//! letters and digits become one token each.

/// Whether `c` is a Han character (CJK unified ideographs and extensions).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Splits normalised text into bigram tokens: `(token, char_start, char_end)`.
///
/// A Han run of one character yields that character; a longer run yields
/// its overlapping pairs. A run of other letters or digits (with `.` inside
/// numbers, as in `2.0`) yields itself.
pub fn bigrams(text: &str) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            if i - start == 1 {
                out.push((c.to_string(), start, i));
            } else {
                for j in start..i - 1 {
                    out.push((chars[j..j + 2].iter().collect(), j, j + 2));
                }
            }
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() {
                let here = chars[i];
                let inner_dot = here == '.'
                    && i > start
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
                if (here.is_alphanumeric() && !is_cjk(here)) || inner_dot {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((chars[start..i].iter().collect(), start, i));
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        bigrams(text).into_iter().map(|(t, _, _)| t).collect()
    }

    #[test]
    fn han_runs_become_pairs() {
        assert_eq!(tokens("高新区"), ["高新", "新区"]);
        assert_eq!(tokens("药"), ["药"]);
        assert_eq!(tokens("高新贷2.0产品"), ["高新", "新贷", "2.0", "产品"]);
        assert_eq!(tokens("ivd体外诊断, 5g"), ["ivd", "体外", "外诊", "诊断", "5g"]);
    }

    #[test]
    fn spans_are_char_offsets() {
        let spans = bigrams("在A61K研发");
        assert_eq!(spans[0], ("在".to_string(), 0, 1));
        assert_eq!(spans[1], ("A61K".to_string(), 1, 5));
        assert_eq!(spans.last().unwrap(), &("研发".to_string(), 5, 7));
    }
}

//! Highlighted snippets: the window of a text where the query's words are
//! densest, HTML-escaped, with `<em>` around every match. Works on chars, so
//! a snippet never splits a character.

use crate::text::normalize;

/// Returns a snippet of at most `max_chars` characters of `text` (plus
/// ellipses) with every occurrence of `terms` (normalised, matched on the
/// normalised text) wrapped in `<em>`.
pub fn highlight(text: &str, terms: &[String], max_chars: usize) -> String {
    let original: Vec<char> = text.chars().collect();
    let normalized: Vec<char> = normalize(text).chars().collect();
    debug_assert_eq!(original.len(), normalized.len());
    let mut marked = vec![false; normalized.len()];
    // (char start, term index) of every match.
    let mut matches: Vec<(usize, usize)> = Vec::new();
    for (term_index, term) in terms.iter().enumerate() {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > normalized.len() {
            continue;
        }
        for start in 0..=normalized.len() - needle.len() {
            if normalized[start..start + needle.len()] == needle[..] {
                matches.push((start, term_index));
                marked[start..start + needle.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    matches.sort_unstable();

    let (start, end) = if original.len() <= max_chars {
        (0, original.len())
    } else {
        best_window(&matches, original.len(), max_chars)
    };

    let mut out = String::with_capacity((end - start) * 3 + 16);
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
    out
}

/// The window of `width` chars that covers the most distinct terms,
/// starting a little before a match; the earliest such window wins.
fn best_window(matches: &[(usize, usize)], length: usize, width: usize) -> (usize, usize) {
    const LEAD: usize = 12;
    let mut best = (0usize, 0usize);
    let mut best_start = 0;
    for &(match_start, _) in matches {
        let start = match_start.saturating_sub(LEAD).min(length - width);
        let end = start + width;
        let mut seen: Vec<usize> = matches
            .iter()
            .filter(|(s, _)| *s >= start && *s < end)
            .map(|(_, t)| *t)
            .collect();
        let hits = seen.len();
        seen.sort_unstable();
        seen.dedup();
        let score = (seen.len(), hits);
        if score > best {
            best = score;
            best_start = start;
        }
    }
    (best_start, best_start + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_every_match_and_escapes() {
        let snippet = highlight("高测<股份>生产光伏硅片，光伏", &["光伏".into()], 100);
        assert_eq!(snippet, "高测&lt;股份&gt;生产<em>光伏</em>硅片，<em>光伏</em>");
    }

    #[test]
    fn matches_through_normalisation() {
        let snippet = highlight("推出ＩＶＤ主题展", &["ivd".into()], 100);
        assert_eq!(snippet, "推出<em>ＩＶＤ</em>主题展");
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
}

//! The organisations of paper affiliations, in the two shapes abstracts
//! and author lines use:
//! - a line `作者单位：A；B；C`, each part an organisation (a leading
//!   `1.` or `(1)` dropped, and whatever follows its first comma: city and
//!   postcode);
//! - `张三 (青岛大学 材料学院, 山东 青岛 266071)`: in brackets ending with
//!   a six-digit postcode, the part before the first comma is the
//!   organisation, and the name before the brackets is a person.
//!
//! The whole unit is the mention (青岛大学 材料学院, space included): the
//! outermost name, as everywhere else.

use super::super::lexicon::surname_rank;
use super::super::mention::{Mention, MentionKind, MentionSource};
use super::super::prepare::Prepared;
use super::orgs::org_kind_of;
use crate::text::is_cjk;

/// The longest bracketed affiliation looked at, in characters.
const MAX_BRACKET: usize = 80;

/// Every affiliation organisation (and author) in `prepared`.
pub fn find(prepared: &Prepared, out: &mut Vec<Mention>) {
    let chars = &prepared.chars;
    let mut at = 0;
    while let Some(found) = prepared.text[prepared.byte_of[at]..].find("作者单位") {
        let marker = prepared.char_at_byte(prepared.byte_of[at] + found);
        let mut i = marker + 4;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        at = i;
        if chars.get(i) != Some(&':') {
            continue;
        }
        let line_end = (i + 1..chars.len()).find(|&j| chars[j] == '\n').unwrap_or(chars.len());
        let mut part_start = i + 1;
        let separators = (i + 1..line_end).filter(|&j| chars[j] == ';').chain([line_end]);
        for separator in separators {
            organisation_part(prepared, part_start, separator, out);
            part_start = separator + 1;
        }
        at = line_end;
    }
    for open in 0..chars.len() {
        if chars[open] != '(' {
            continue;
        }
        let Some(close) = (open + 1..chars.len().min(open + MAX_BRACKET)).find(|&j| matches!(chars[j], ')' | '\n'))
        else {
            continue;
        };
        if chars[close] != ')' || !ends_with_postcode(&chars[open + 1..close]) {
            continue;
        }
        if organisation_part(prepared, open + 1, close, out) {
            author_before(prepared, open, out);
        }
    }
}

/// Whether `inside` ends with a six-digit postcode.
fn ends_with_postcode(inside: &[char]) -> bool {
    let trimmed: Vec<char> = inside.iter().copied().rev().skip_while(|c| *c == ' ').collect();
    trimmed.len() > 6
        && trimmed[..6].iter().all(char::is_ascii_digit)
        && !trimmed[6].is_ascii_digit()
        && inside.contains(&',')
}

/// The organisation of one affiliation part `from..to`: up to its first
/// comma, without a leading number. Returns whether one was found.
fn organisation_part(prepared: &Prepared, from: usize, to: usize, out: &mut Vec<Mention>) -> bool {
    let chars = &prepared.chars;
    let mut start = from;
    let skip_blanks = |mut i: usize| {
        while i < to && chars[i] == ' ' {
            i += 1;
        }
        i
    };
    start = skip_blanks(start);
    // 1. / 1、 / (1) / [1] / ①
    if start < to && chars[start] == '(' || chars.get(start) == Some(&'[') {
        if let Some(close) = (start + 1..to.min(start + 4)).find(|&j| matches!(chars[j], ')' | ']')) {
            if chars[start + 1..close].iter().all(char::is_ascii_digit) {
                start = skip_blanks(close + 1);
            }
        }
    } else if start < to && chars[start].is_ascii_digit() {
        let mut j = start;
        while j < to && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j < to && matches!(chars[j], '.' | '、' | ')') {
            start = skip_blanks(j + 1);
        }
    } else if start < to && ('①'..='⑳').contains(&chars[start]) {
        start = skip_blanks(start + 1);
    }
    let mut end = (start..to).find(|&j| chars[j] == ',').unwrap_or(to);
    while end > start && chars[end - 1] == ' ' {
        end -= 1;
    }
    if end - start < 4 || !chars[start..end].iter().any(|&c| is_cjk(c)) {
        return false;
    }
    let text = prepared.slice(start, end);
    let Some(kind) = org_kind_of(text) else {
        return false;
    };
    let mut mention = Mention::new(text, MentionKind::Organization, start, end, MentionSource::Rule);
    mention.org_kind = Some(kind);
    out.push(mention);
    true
}

/// The author named right before an affiliation's opening bracket.
fn author_before(prepared: &Prepared, open: usize, out: &mut Vec<Mention>) {
    let chars = &prepared.chars;
    let mut end = open;
    while end > 0 && chars[end - 1] == ' ' {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && is_cjk(chars[start - 1]) && end - start < 5 {
        start -= 1;
    }
    let bounded = start == 0 || !is_cjk(chars[start - 1]);
    if bounded && (2..=4).contains(&(end - start)) && surname_rank(chars[start]).is_some() {
        out.push(Mention::new(
            prepared.slice(start, end),
            MentionKind::Person,
            start,
            end,
            MentionSource::Rule,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, MentionKind)> {
        let jieba = jieba_rs::Jieba::new();
        let prepared = Prepared::new(&jieba, text);
        let mut out = Vec::new();
        find(&prepared, &mut out);
        out.into_iter().map(|m| (m.text, m.kind)).collect()
    }

    #[test]
    fn author_units_line() {
        let found = found("摘要略。\n作者单位：1. 青岛大学材料科学与工程学院，山东 青岛 266071；2. 中国科学院海洋研究所，青岛 266071\n");
        assert_eq!(
            found,
            [
                ("青岛大学材料科学与工程学院".into(), MentionKind::Organization),
                ("中国科学院海洋研究所".into(), MentionKind::Organization)
            ]
        );
    }

    #[test]
    fn bracketed_affiliation_with_author() {
        let found = found("张三 (青岛大学 材料学院, 山东 青岛 266071)");
        assert_eq!(
            found,
            [
                ("青岛大学 材料学院".into(), MentionKind::Organization),
                ("张三".into(), MentionKind::Person)
            ]
        );
        assert!(super::tests::found("某产品 (型号A, 2023)").is_empty());
    }
}

//! People beside their titles: 张伟教授, 教授张伟, 董事长王强, 团队负责人
//! 李娜. A title (see [`lexicon::TITLES`]) that is a word of its own is
//! looked at on both sides: the name before it, else the name after it.
//! Where the model tagged a person touching the title, its span is the
//! name; else a jieba word tagged as a person name; else two or three
//! characters beginning with a surname, cut where jieba cuts.

use super::super::lexicon::{is_compound_surname, surname_rank};
use super::super::mention::{Mention, MentionKind, MentionSource};
use super::super::prepare::{Pos, Prepared};
use super::ModelSpan;
use crate::text::is_cjk;

/// Characters that do not stand inside a Chinese name after its surname.
const NOT_IN_NAMES: &str = "的了在是和与等将为也都还又并及被把从对向于让给就才而但所之着过说称表示指介绍认姓氏";

/// Every person found beside a title.
pub fn find(prepared: &Prepared, model: &[ModelSpan], out: &mut Vec<Mention>) {
    for i in 0..prepared.len() {
        let length = prepared.marks[i].title_start as usize;
        if length == 0 {
            continue;
        }
        let end = i + length;
        // a title inside a longer one (教授 in 副教授) is the longer one's
        if prepared.marks[end - 1].title_end as usize != length || !prepared.is_boundary(end) {
            continue;
        }
        let title = prepared.slice(i, end);
        let name = name_before(prepared, model, i).or_else(|| name_after(prepared, model, end));
        // a name the model read otherwise (李晓林 where the rule cut 李晓)
        // is the model's to give
        let disputed = |start: usize, name_end: usize| {
            model.iter().any(|span| {
                span.kind == MentionKind::Person
                    && span.start < name_end
                    && start < span.end
                    && (span.start, span.end) != (start, name_end)
            })
        };
        if let Some((start, name_end)) = name.filter(|&(start, name_end)| !disputed(start, name_end)) {
            let mut mention = Mention::new(
                prepared.slice(start, name_end),
                MentionKind::Person,
                start,
                name_end,
                MentionSource::Rule,
            );
            mention.role = Some(title.to_string());
            out.push(mention);
        }
    }
}

fn model_person(model: &[ModelSpan], matches: impl Fn(&ModelSpan) -> bool) -> Option<(usize, usize)> {
    model
        .iter()
        .find(|span| span.kind == MentionKind::Person && (2..=4).contains(&(span.end - span.start)) && matches(span))
        .map(|span| (span.start, span.end))
}

/// The name ending at `title_start`.
fn name_before(prepared: &Prepared, model: &[ModelSpan], title_start: usize) -> Option<(usize, usize)> {
    if let Some(span) = model_person(model, |s| s.end == title_start) {
        if is_plausible_name(prepared, span.0, span.1) {
            return Some(span);
        }
    }
    if title_start == 0 {
        return None;
    }
    let word = prepared.word_at(title_start - 1);
    if word.end == title_start
        && word.pos == Pos::PersonName
        && (2..=4).contains(&word.len())
        && is_plausible_name(prepared, word.start, title_start)
    {
        return Some((word.start, title_start));
    }
    let four = title_start.checked_sub(4).filter(|&s| {
        is_compound_surname(prepared.chars[s], prepared.chars[s + 1])
            && prepared.is_boundary(s)
            && is_plausible_name(prepared, s, title_start)
    });
    if let Some(start) = four {
        return Some((start, title_start));
    }
    // jieba cut the name into pieces: prefer three characters when the
    // third from the title is a common surname that starts a word
    let three = title_start
        .checked_sub(3)
        .filter(|&s| prepared.is_boundary(s) && is_plausible_name(prepared, s, title_start))
        .filter(|&s| surname_rank(prepared.chars[s]) == Some(0));
    let two = title_start
        .checked_sub(2)
        .filter(|&s| prepared.is_boundary(s) && is_plausible_name(prepared, s, title_start));
    three.or(two).map(|s| (s, title_start))
}

/// The name beginning at `title_end`.
fn name_after(prepared: &Prepared, model: &[ModelSpan], title_end: usize) -> Option<(usize, usize)> {
    if let Some(span) = model_person(model, |s| s.start == title_end) {
        if is_plausible_name(prepared, span.0, span.1) {
            return Some(span);
        }
    }
    if title_end >= prepared.len() {
        return None;
    }
    let word = prepared.word_at(title_end);
    if word.start == title_end
        && word.pos == Pos::PersonName
        && (2..=4).contains(&word.len())
        && is_plausible_name(prepared, title_end, word.end)
    {
        return Some((title_end, word.end));
    }
    let compound =
        title_end + 1 < prepared.len() && is_compound_surname(prepared.chars[title_end], prepared.chars[title_end + 1]);
    let (short, long) = if compound { (3, 4) } else { (2, 3) };
    // jieba may glue what follows to the name (林雪说): a function
    // character there is a boundary too
    let fits = |length: usize| {
        let end = title_end + length;
        end <= prepared.len()
            && (prepared.is_boundary(end) || NOT_IN_NAMES.contains(prepared.chars[end]))
            && is_plausible_name(prepared, title_end, end)
    };
    let chosen = match (fits(short), fits(long)) {
        (true, true) => {
            let next = prepared.chars[title_end + short];
            if NOT_IN_NAMES.contains(next) || prepared.word_at(title_end + short).len() > 1 {
                short
            } else {
                long
            }
        }
        (true, false) => short,
        (false, true) => long,
        (false, false) => return None,
    };
    Some((title_end, title_end + chosen))
}

/// Whether `start..end` reads as a Chinese personal name: two to four Han
/// characters beginning with a surname, none of them a function word, not
/// a place or an organisation, and not one dictionary word that is plainly
/// not a name (a verb, a time, a pronoun …).
pub fn is_plausible_name(prepared: &Prepared, start: usize, end: usize) -> bool {
    let length = end - start;
    if !(2..=4).contains(&length) {
        return false;
    }
    let chars = &prepared.chars[start..end];
    if !chars.iter().all(|&c| is_cjk(c)) {
        return false;
    }
    let compound = is_compound_surname(chars[0], chars[1]);
    if surname_rank(chars[0]).is_none() && !compound {
        return false;
    }
    if length == 4 && !compound {
        return false;
    }
    if chars[1..].iter().any(|&c| NOT_IN_NAMES.contains(c)) {
        return false;
    }
    let last = prepared.marks[end - 1];
    if last.head_len > 0 || last.place_end > 0 || last.title_end > 0 {
        return false;
    }
    // 向杜风, 和学者: a preposition or conjunction standing alone is no
    // surname
    let first = prepared.word_at(start);
    if first.start == start
        && first.end == start + 1
        && matches!(
            first.pos,
            Pos::Preposition | Pos::Conjunction | Pos::Particle | Pos::Pronoun
        )
    {
        return false;
    }
    // 汇石投资: a given name that is one common word (投资, 学者, 晨报)
    if length == 3 {
        let given = prepared.word_at(start + 1);
        if given.start == start + 1
            && given.end == end
            && !matches!(given.pos, Pos::PersonName | Pos::Other | Pos::Adjective)
        {
            return false;
        }
    }
    let word = prepared.word_at(start);
    if word.start == start && word.end == end {
        // one dictionary word: a name only if jieba says so (房贷, 项目
        // and 公关 are words that begin with a surname)
        return matches!(word.pos, Pos::PersonName | Pos::Other);
    }
    // a dictionary word crossing the name's start or end is no name,
    // unless jieba glued a function character to it (林雪说)
    let crosses_end = prepared.word_at(end - 1).end > end && !NOT_IN_NAMES.contains(prepared.chars[end]);
    let crosses_start = prepared.word_at(start).start < start;
    !crosses_start && !crosses_end
}

/// The title right before `start` or right after `end`, if there is one.
pub fn role_beside(prepared: &Prepared, start: usize, end: usize) -> Option<String> {
    if end < prepared.len() && prepared.marks[end].title_start > 0 {
        let length = prepared.marks[end].title_start as usize;
        return Some(prepared.slice(end, end + length).to_string());
    }
    if start > 0 && prepared.marks[start - 1].title_end > 0 {
        let length = prepared.marks[start - 1].title_end as usize;
        return Some(prepared.slice(start - length, start).to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persons(text: &str) -> Vec<(String, String)> {
        let jieba = jieba_rs::Jieba::new();
        let prepared = Prepared::new(&jieba, text);
        let mut out = Vec::new();
        find(&prepared, &[], &mut out);
        out.into_iter().map(|m| (m.text, m.role.unwrap_or_default())).collect()
    }

    #[test]
    fn titles_after_and_before_names() {
        assert_eq!(persons("青岛大学张伟教授团队"), [("张伟".into(), "教授".into())]);
        assert_eq!(persons("董事长王建国表示"), [("王建国".into(), "董事长".into())]);
        assert_eq!(persons("由李明副教授牵头"), [("李明".into(), "副教授".into())]);
        assert_eq!(persons("团队负责人刘洋介绍"), [("刘洋".into(), "团队负责人".into())]);
        assert_eq!(
            persons("团队负责人林雪说，样机"),
            [("林雪".into(), "团队负责人".into())]
        );
        assert_eq!(persons("欧阳晓明研究员"), [("欧阳晓明".into(), "研究员".into())]);
    }

    #[test]
    fn no_name_no_person() {
        assert!(persons("该校教授表示").is_empty());
        assert!(persons("高新区主任").is_empty());
        assert!(persons("中国工程院院士").is_empty());
    }
}

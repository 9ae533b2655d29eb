//! Organisations by their head words. A head word (有限公司, 大学, 研究院,
//! 孵化器, 管委会 …, see [`lexicon::ORG_HEADS`]) that ends a jieba word
//! ends a name; the name begins where walking back over jieba's words
//! meets a word no name holds: punctuation, a preposition or conjunction
//! (由, 与, 在 …), a pronoun, a time, a number, a title, a verb that is not
//! one names use (创新, 研发 … are), or the end of another organisation
//! joined by more than nouns. Leading verbs and stop words are trimmed.
//! Another organisation joined by nouns only stays inside: 青岛大学附属医院
//! is one hospital, 青岛大学材料学院 one school.
//!
//! A name part made only of common words (智慧医院, 世界一流大学) is not
//! a name unless the model tagged the same organisation; nor is a head word
//! alone (大学, 公司) unless the whole word is a body (科技部, 国务院).

use super::super::lexicon::{self, is_department, is_stop, Strength};
use super::super::mention::{Mention, MentionKind, MentionSource, OrgKind};
use super::super::prepare::{Pos, Prepared, Word};
use super::ModelSpan;

/// The longest name the walk back builds, in characters.
const MAX_NAME: usize = 24;

/// The longest stretch of nouns that may join two organisation names into
/// one (青岛大学 *附属* 医院, 山东大学 *青岛* 研究院).
const MAX_JOIN: usize = 10;

/// Verbs that stand inside organisation names.
const NAME_VERBS: &[&str] = &[
    "创新", "创业", "发展", "孵化", "研发", "设计", "开发", "投资", "控股", "建设", "制造", "检测", "康复", "转化",
    "加速", "育成", "服务", "管理", "交易", "培训", "教育", "研究", "科创", "智造", "附属", "所属", "下属", "直属",
    "监督", "促进", "合作", "交流", "运营", "创意", "规划", "勘察", "测绘", "生产", "推广", "认证", "评估", "咨询",
    "计算", "感知", "控制", "通信", "传感", "检验", "分析", "测试", "监测", "诊断", "治疗", "育种", "种植", "养殖",
    "加工", "储能", "导航", "探测", "勘探", "开采", "冶炼", "焊接", "成型", "合成", "催化", "降解", "修复", "评价",
    "发明", "创造", "融合", "互联", "共享", "转移", "孵育", "联合",
];

/// Whether a name may contain this verb.
fn is_name_verb(word: &str) -> bool {
    if NAME_VERBS.contains(&word) {
        return true;
    }
    // 投资开发, 研发设计: two of them
    let chars: Vec<char> = word.chars().collect();
    chars.len() == 4 && {
        let (first, second): (String, String) = (chars[..2].iter().collect(), chars[2..].iter().collect());
        NAME_VERBS.contains(&first.as_str()) && NAME_VERBS.contains(&second.as_str())
    }
}

/// Every organisation found by its head word.
pub fn find(prepared: &Prepared, model: &[ModelSpan], out: &mut Vec<Mention>) {
    for i in 0..prepared.len() {
        let marks = prepared.marks[i];
        let end = i + 1;
        if marks.standalone_end > 0 {
            let start = end - marks.standalone_end as usize;
            if prepared.is_boundary(start) && prepared.is_boundary(end) {
                let mut mention = Mention::new(
                    prepared.slice(start, end),
                    MentionKind::Organization,
                    start,
                    end,
                    MentionSource::Rule,
                );
                mention.org_kind = marks.standalone_kind;
                out.push(mention);
            }
        }
        if marks.head_len == 0 || !ends_word(prepared, end) {
            continue;
        }
        let head_start = end - marks.head_len as usize;
        let (Some(kind), Some(strength)) = (marks.head_kind, marks.head_strength) else {
            continue;
        };
        match strength {
            Strength::Weak => continue,
            Strength::Department if !department_before(prepared, head_start, end) => continue,
            _ => {}
        }
        if let Some(mention) = organisation(prepared, model, head_start, end, kind) {
            out.push(mention);
        }
    }
}

/// Whether a name may end at `end`: jieba cuts there, or glued a
/// locative to the head word's last character (科技园内, 学院里).
fn ends_word(prepared: &Prepared, end: usize) -> bool {
    if prepared.is_boundary(end) {
        return true;
    }
    let word = prepared.word_at(end);
    word.start == end - 1
        && word.len() == 2
        && matches!(
            prepared.chars[end],
            '内' | '外' | '中' | '里' | '旁' | '为' | '是' | '在' | '和' | '与' | '的' | '将' | '对' | '向'
        )
}

/// Whether a name of this kind may be made of common words (jieba's
/// person-name tag is no evidence of a proper name here: it gives it to
/// 智慧 and 康复): labs,
/// institutes, platforms and associations are named for what they do
/// (盾构装备联合实验室); a university, hospital, company or government body
/// needs a place, a brand or another proper word in its name.
fn descriptive_names(kind: OrgKind) -> bool {
    matches!(
        kind,
        OrgKind::Lab | OrgKind::Institute | OrgKind::Platform | OrgKind::Other
    )
}

/// Whether the department-strength head word at `head_start..end` follows
/// a department (科技 局), a place level (市 政府) or a place (青岛 海关).
fn department_before(prepared: &Prepared, head_start: usize, end: usize) -> bool {
    if head_start == 0 {
        return false;
    }
    let head = prepared.slice(head_start, end);
    let before = prepared.chars[head_start - 1];
    match head {
        "政府" => matches!(before, '市' | '区' | '省' | '县' | '镇' | '乡' | '州'),
        "海关" => prepared.word_at(head_start - 1).pos == Pos::PlaceName,
        _ => {
            prepared.marks[head_start - 1].department_end > 0
                || is_department(prepared.slice(prepared.word_at(head_start - 1).start, head_start))
        }
    }
}

/// The organisation whose head word is `head_start..end`, if its name part
/// holds up.
fn organisation(
    prepared: &Prepared,
    model: &[ModelSpan],
    head_start: usize,
    end: usize,
    kind: OrgKind,
) -> Option<Mention> {
    let walked = walk_back(prepared, head_start);
    let mut start = trim_leading(prepared, walked.start, head_start);
    let agreeing = model
        .iter()
        .find(|span| span.kind == MentionKind::Organization && span.end == end && span.start < head_start);
    if let Some(span) = agreeing {
        // the model may see further back than the walk (a verb inside the
        // name): take its start if nothing in between stops a name
        if span.start < start && !stops_between(prepared, span.start, start) {
            start = trim_leading(prepared, span.start, head_start);
        }
    }
    if start >= head_start {
        return None;
    }
    // a name part that is only another head word (集团 in 集团有限公司)
    let before = prepared.marks[head_start - 1];
    if before.head_len as usize >= head_start - start {
        return None;
    }
    let proper = walked.joined
        || (start..head_start).any(|i| prepared.chars[i].is_ascii_alphabetic())
        || words_in(prepared, start, head_start).any(|w| w.pos.is_proper() && w.pos != Pos::PersonName)
        || kind == OrgKind::Government && department_before(prepared, head_start, end);
    let thing_follows = end < prepared.len() && prepared.marks[end].thing_start > 0;
    if thing_follows && !proper {
        return None;
    }
    if !proper && agreeing.is_none() && !descriptive_names(kind) {
        return None;
    }
    let end = bracketed_region(prepared, end).unwrap_or(end);
    let mut mention = Mention::new(
        prepared.slice(start, end),
        MentionKind::Organization,
        start,
        end,
        MentionSource::Rule,
    );
    mention.org_kind = Some(kind);
    Some(mention)
}

/// The end of a bracketed region right after a name (中国石油大学（华东）),
/// which belongs to the name; a bracketed note (（筹）) does not.
fn bracketed_region(prepared: &Prepared, end: usize) -> Option<usize> {
    let chars = &prepared.chars;
    if chars.get(end) != Some(&'(') {
        return None;
    }
    let close = (end + 1..prepared.len().min(end + 8)).find(|&i| chars[i] == ')')?;
    let inside = words_in(prepared, end + 1, close);
    let mut any = false;
    for word in inside {
        any = true;
        if word.pos != Pos::PlaceName || word.start < end + 1 || word.end > close {
            return None;
        }
    }
    any.then_some(close + 1)
}

/// Where the walk back from a head word stopped, and whether it took in
/// another organisation's name.
struct Walk {
    start: usize,
    joined: bool,
}

fn walk_back(prepared: &Prepared, head_start: usize) -> Walk {
    // the part of the head's own jieba word before it belongs to the name
    let mut start = prepared.word_at(head_start).start.min(head_start);
    let mut joined = false;
    while start > 0 {
        let word = *prepared.word_at(start - 1);
        let text = prepared.slice(word.start, start);
        if word.pos == Pos::Punctuation {
            match parenthesised(prepared, start) {
                Some(open) => {
                    start = open;
                    continue;
                }
                None => break,
            }
        }
        if head_start - word.start > MAX_NAME {
            break;
        }
        // 和 between two single characters is part of a name (青岛云和岳软件有限公司),
        // not a conjunction of two names (海尔和海信)
        let inside_name = text == "和"
            && word.start > 0
            && prepared.word_at(word.start - 1).len() == 1
            && start < prepared.len()
            && prepared.word_at(start).len() == 1;
        if inside_name {
            start = word.start;
            continue;
        }
        if matches!(text, "与" | "和" | "及" | "暨") {
            // 生物能源与过程研究所: a short conjunct of nouns on each side
            match conjunct_before(prepared, &word, start, head_start) {
                Some(earlier) => {
                    start = earlier;
                    continue;
                }
                None => break,
            }
        }
        if stops_name(prepared, &word, text, start) {
            break;
        }
        let marks = prepared.marks[start - 1];
        let other_head = marks.head_len > 0 && matches!(marks.head_strength, Some(Strength::Strong));
        if other_head {
            if !joins(prepared, start, head_start) {
                break;
            }
            joined = true;
        }
        start = word.start;
    }
    Walk { start, joined }
}

/// Where the walk goes on past a conjunction `conjunction` (ending at
/// `at`): to the start of the noun before it, when that noun ends no
/// organisation and what follows the conjunction is a few nouns.
fn conjunct_before(prepared: &Prepared, conjunction: &Word, at: usize, head_start: usize) -> Option<usize> {
    if conjunction.start == 0 || head_start - at > 6 || at == head_start {
        return None;
    }
    let noun = prepared.word_at(conjunction.start - 1);
    let nouns_after = words_in(prepared, at, head_start).all(|w| {
        matches!(w.pos, Pos::Noun | Pos::VerbNoun)
            || is_name_verb(prepared.slice(w.start.max(at), w.end.min(head_start)))
    });
    let ends_organisation = matches!(prepared.marks[noun.end - 1].head_strength, Some(Strength::Strong));
    let noun_before = matches!(noun.pos, Pos::Noun | Pos::VerbNoun)
        && !ends_organisation
        && !is_stop(prepared.slice(noun.start, noun.end));
    (nouns_after && noun_before).then_some(noun.start)
}

/// Whether `word` (ending at `end`) cannot be inside a name.
fn stops_name(prepared: &Prepared, word: &Word, text: &str, end: usize) -> bool {
    // 青岛某某科技有限公司: a name written out of a report
    if matches!(text, "某某" | "某") {
        return false;
    }
    // 投资 is a verb before a name (投资青岛……) but a part of one before
    // another such verb or a head word (投资开发集团, 投资有限公司)
    let in_name_here = is_name_verb(text) && end < prepared.len() && {
        let next = prepared.word_at(end);
        let next_text = prepared.slice(next.start, next.end);
        is_name_verb(next_text) || prepared.marks[next.end - 1].head_len as usize >= next.len()
    };
    if (is_stop(text) && !in_name_here) || !word.pos.may_be_in_name() {
        return true;
    }
    match word.pos {
        Pos::Time | Pos::Quantifier | Pos::Idiom => return true,
        // 中铁十四局, 七一八厂: a number names the unit written after it
        Pos::Numeral if !text.starts_with('第') && !numbers_a_unit(prepared, end) => return true,
        Pos::Verb if !is_name_verb(text) => return true,
        _ => {}
    }
    let marks = prepared.marks[end - 1];
    marks.title_end as usize >= word.len() || (marks.stop_end as usize >= word.len() && !in_name_here)
}

/// Whether the word at `at` is a unit a number names (局, 所, 院, 厂,
/// 处, 队, 师): then the number before it is part of an organisation's
/// name.
fn numbers_a_unit(prepared: &Prepared, at: usize) -> bool {
    at < prepared.len() && {
        let word = prepared.word_at(at);
        word.len() == 1 && matches!(prepared.chars[at], '局' | '所' | '院' | '厂' | '处' | '队' | '师')
    }
}

/// Whether the words between another organisation's end at `from` and a
/// head word at `head_start` are few and all nouns, so that both are one
/// name.
fn joins(prepared: &Prepared, from: usize, head_start: usize) -> bool {
    let mut first = true;
    head_start - from <= MAX_JOIN
        && words_in(prepared, from, head_start).all(|w| {
            let text = prepared.slice(w.start.max(from), w.end.min(head_start));
            let fits = matches!(
                w.pos,
                Pos::Noun | Pos::PlaceName | Pos::OrgName | Pos::OtherProper | Pos::Abbreviation | Pos::English
            ) || matches!(text, "附属" | "所属" | "下属" | "直属" | "(" | ")")
                || (!first && (w.pos == Pos::VerbNoun || is_name_verb(text) || matches!(text, "与" | "和" | "及")));
            first = false;
            fits
        })
}

/// The start of a parenthesised place or word closing at `close_end`
/// (`海尔(青岛)` in 海尔(青岛)科技有限公司), if there is one.
fn parenthesised(prepared: &Prepared, close_end: usize) -> Option<usize> {
    let chars = &prepared.chars;
    if chars[close_end - 1] != ')' {
        return None;
    }
    let open = (close_end.saturating_sub(10)..close_end - 1)
        .rev()
        .find(|&i| chars[i] == '(')?;
    let inside = &chars[open + 1..close_end - 1];
    (!inside.is_empty() && inside.iter().all(|c| crate::text::is_cjk(*c))).then_some(open)
}

/// Whether anything between `from` and `to` stops a name.
fn stops_between(prepared: &Prepared, from: usize, to: usize) -> bool {
    words_in(prepared, from, to).any(|w| {
        let text = prepared.slice(w.start.max(from), w.end.min(to));
        w.pos == Pos::Punctuation || is_stop(text) || !w.pos.may_be_in_name()
    })
}

/// The words overlapping `from..to`.
fn words_in(prepared: &Prepared, from: usize, to: usize) -> impl Iterator<Item = &super::super::prepare::Word> + '_ {
    let first = if from < prepared.len() {
        prepared.word_of[from] as usize
    } else {
        prepared.words.len()
    };
    prepared.words[first..].iter().take_while(move |w| w.start < to)
}

/// `start`, moved past leading words no name begins with (verbs, stop
/// words, titles, punctuation), but not past `limit`.
pub fn trim_leading(prepared: &Prepared, mut start: usize, limit: usize) -> usize {
    while start < limit {
        let word = prepared.word_at(start);
        let end = word.end.min(limit);
        let text = prepared.slice(start, end);
        let title = prepared.marks[start].title_start as usize >= end - start;
        let leading = is_stop(text)
            || title
            || matches!(
                word.pos,
                Pos::Verb | Pos::Punctuation | Pos::Time | Pos::Adverb | Pos::Preposition | Pos::Conjunction
            )
            || matches!(word.pos, Pos::Particle | Pos::Pronoun | Pos::Quantifier)
            || prepared.chars[start].is_whitespace();
        if !leading {
            break;
        }
        start = end;
    }
    start
}

/// Whether `name` is a head word alone (研究院, 众创空间): no name.
pub fn is_bare_head(name: &str) -> bool {
    lexicon::ORG_HEADS.iter().any(|(head, _, _)| *head == name)
}

/// The kind of body `name` is by its head word, `None` when it has none
/// (a place, or a name without a head word).
pub fn org_kind_of(name: &str) -> Option<OrgKind> {
    lexicon::org_head_of(name).map(|(_, kind, _)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orgs(text: &str) -> Vec<String> {
        let jieba = jieba_rs::Jieba::new();
        let prepared = Prepared::new(&jieba, text);
        let mut out = Vec::new();
        find(&prepared, &[], &mut out);
        out.into_iter().map(|m| m.text).collect()
    }

    #[test]
    fn left_boundaries() {
        assert!(orgs("由青岛农业大学牵头").contains(&"青岛农业大学".to_string()));
        assert!(orgs("近日，青岛高新区管委会发布通知").contains(&"青岛高新区管委会".to_string()));
        assert!(orgs("该项目与海尔集团合作").contains(&"海尔集团".to_string()));
        assert!(orgs("记者从青岛市科技局获悉").contains(&"青岛市科技局".to_string()));
        assert!(orgs("支持中国海洋大学建设").contains(&"中国海洋大学".to_string()));
        // characters jieba has never seen, and 和 inside a name
        assert!(orgs("青岛芃筠生物科技有限公司落户").contains(&"青岛芃筠生物科技有限公司".to_string()));
        assert!(orgs("青岛云和岳软件有限公司成立").contains(&"青岛云和岳软件有限公司".to_string()));
        assert!(orgs("海尔和海信集团").contains(&"海信集团".to_string()));
        // a number naming a unit is part of the name; one counting is not
        let found = orgs("青岛理工大学与中铁十四局集团有限公司共建实验室");
        assert!(found.contains(&"中铁十四局集团有限公司".to_string()), "{found:?}");
        let found = orgs("新增三家高新技术企业");
        assert!(!found.iter().any(|f| f.starts_with('三')), "{found:?}");
    }

    #[test]
    fn nested_names_take_the_outermost() {
        let found = orgs("他在青岛大学附属医院工作");
        assert!(found.contains(&"青岛大学附属医院".to_string()), "{found:?}");
        let found = orgs("海尔(青岛)科技有限公司成立");
        assert!(found.contains(&"海尔(青岛)科技有限公司".to_string()), "{found:?}");
        let found = orgs("他曾在中国科学院青岛生物能源与过程研究所工作");
        assert!(
            found.contains(&"中国科学院青岛生物能源与过程研究所".to_string()),
            "{found:?}"
        );
        let found = orgs("由青岛高新区投资开发集团有限公司投资建设");
        assert!(
            found.contains(&"青岛高新区投资开发集团有限公司".to_string()),
            "{found:?}"
        );
        let found = orgs("中国石油大学（华东）科技园内的企业");
        assert!(found.contains(&"中国石油大学(华东)科技园".to_string()), "{found:?}");
        let found = orgs("清华大学青岛艺术与科学创新研究院成立");
        assert!(
            found.contains(&"清华大学青岛艺术与科学创新研究院".to_string()),
            "{found:?}"
        );
        let found = orgs("中国银行青岛市分行为园区企业放贷");
        assert!(found.contains(&"中国银行青岛市分行".to_string()), "{found:?}");
        let found = orgs("共建的智能计算联合实验室揭牌");
        assert!(found.contains(&"智能计算联合实验室".to_string()), "{found:?}");
    }

    #[test]
    fn traps() {
        assert!(orgs("布局新赛道").is_empty());
        assert!(orgs("打造没有围墙的大学").is_empty());
        assert!(orgs("该公司表示").is_empty());
        assert!(orgs("青岛市崂山区").is_empty());
        assert!(orgs("大学生创业").is_empty());
        assert!(orgs("建设世界一流大学").is_empty());
        assert!(orgs("智慧医院管理系统上线").is_empty());
        assert!(orgs("鼓励科研人员走出实验室").is_empty());
        assert_eq!(
            orgs("院士李德明受聘担任青岛海洋生物医药研究院名誉院长"),
            ["青岛海洋生物医药研究院"]
        );
        assert_eq!(
            orgs("海尔集团投资青岛某某科技有限公司"),
            ["海尔集团", "青岛某某科技有限公司"]
        );
        assert_eq!(orgs("青岛大学与海尔集团合作"), ["青岛大学", "海尔集团"]);
    }

    #[test]
    fn kinds() {
        assert_eq!(org_kind_of("青岛大学附属医院"), Some(OrgKind::Hospital));
        assert_eq!(org_kind_of("青岛某某孵化器"), Some(OrgKind::Platform));
        assert_eq!(org_kind_of("青岛市"), None);
    }
}

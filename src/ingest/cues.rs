//! Typed relations read from one sentence: a cue word (孵化, 转让, 许可,
//! 入股, 投资, 创办, 合作, 落户, 授信, 获…奖, 担任, 隶属 …) between or beside
//! the parties the sentence names, the parties' roles read from the words
//! around them (由/被 before the doer, 与/和 between partners, 获得 before
//! a giver), and the amount and year the sentence gives.

use crate::model::{EntityKind, RelationKind};

/// One party a sentence names: an organisation, a person, a place or
/// another known entity, with its character span in the sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
    /// For people: the title or role beside the name (教授, 董事长 …).
    pub role: Option<String>,
}

/// Which party a relation starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum From {
    /// The one who does what the cue says (A in A孵化B).
    Doer,
    /// The one it is done to (B in A孵化B).
    Receiver,
}

/// What each side of a cue may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Organisation,
    /// An organisation or a person.
    Party,
    /// A zone, a region or a park.
    Place,
}

struct Cue {
    words: &'static [&'static str],
    kind: RelationKind,
    from: From,
    doer: Side,
    receiver: Side,
}

const CUES: &[Cue] = &[
    Cue {
        words: &["孵化", "入孵"],
        kind: RelationKind::IncubatedBy,
        from: From::Receiver,
        doer: Side::Organisation,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["转让给", "转让"],
        kind: RelationKind::TransferredTo,
        from: From::Doer,
        doer: Side::Party,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["许可给", "许可使用", "独占许可", "普通许可", "许可"],
        kind: RelationKind::LicensedTo,
        from: From::Doer,
        doer: Side::Party,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["入股", "参股", "持股", "出资", "持有"],
        kind: RelationKind::HoldsEquityIn,
        from: From::Doer,
        doer: Side::Party,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["投资", "注资", "领投", "跟投"],
        kind: RelationKind::InvestsIn,
        from: From::Doer,
        doer: Side::Party,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["创办", "创立", "成立", "组建", "设立", "发起设立", "创建", "共建"],
        kind: RelationKind::Founded,
        from: From::Doer,
        doer: Side::Party,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["合作", "签约", "签署", "战略协议", "携手", "联合"],
        kind: RelationKind::CollaboratesWith,
        from: From::Doer,
        doer: Side::Organisation,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["落户", "入驻", "落地", "迁入", "位于"],
        kind: RelationKind::LocatedIn,
        from: From::Doer,
        doer: Side::Organisation,
        receiver: Side::Place,
    },
    Cue {
        words: &["授信", "贷款", "融资支持", "资助", "扶持"],
        kind: RelationKind::SupportedBy,
        from: From::Receiver,
        doer: Side::Organisation,
        receiver: Side::Organisation,
    },
    Cue {
        words: &["隶属于", "隶属", "下属", "旗下", "附属"],
        kind: RelationKind::AffiliatedWith,
        from: From::Doer,
        doer: Side::Organisation,
        receiver: Side::Organisation,
    },
];

/// Titles that make a person the one who leads an organisation.
const LEADER_ROLES: &[&str] = &[
    "董事长",
    "总经理",
    "首席执行官",
    "CEO",
    "法定代表人",
    "负责人",
    "团队负责人",
    "院长",
    "所长",
    "主任",
    "校长",
    "党委书记",
    "总裁",
];

/// Titles that make a person the founder of an organisation.
const FOUNDER_ROLES: &[&str] = &["创始人", "创办人", "联合创始人"];

/// Words between two parties before a cue that make the first the doer
/// and the second the receiver (A向B授信, A为B提供贷款).
const TOWARDS: &[&str] = &["向", "为", "对", "给"];

/// Words before a party that make it the doer of a later cue (由A孵化的B).
const PASSIVE: &[char] = &['由', '被', '经'];
/// Words between two parties that make them partners (A与B合作).
const PARTNERS: &[&str] = &["与", "和", "同", "跟", "及", "联合"];
/// Words between two parties that make the second the giver (B获得A投资).
const RECEIVING: &[&str] = &["获得", "获", "得到", "接受", "收到"];

/// A relation a sentence states between two of its parties (indexes into
/// the parties given).
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub from: usize,
    pub to: usize,
    pub kind: RelationKind,
    /// The cue word as written.
    pub cue: String,
    /// Character offset of the cue in the sentence.
    pub at: usize,
}

fn fits(side: Side, kind: EntityKind) -> bool {
    match side {
        Side::Organisation => super::link::is_organisation(kind),
        Side::Party => super::link::is_organisation(kind) || kind == EntityKind::Person,
        Side::Place => matches!(kind, EntityKind::Zone | EntityKind::Region | EntityKind::Platform),
    }
}

/// The characters of each cue's words, in the order of [`CUES`].
fn cue_chars() -> &'static [Vec<Vec<char>>] {
    static CHARS: std::sync::LazyLock<Vec<Vec<Vec<char>>>> = std::sync::LazyLock::new(|| {
        CUES.iter()
            .map(|cue| cue.words.iter().map(|word| word.chars().collect()).collect())
            .collect()
    });
    &CHARS
}

/// The relations `sentence` states between `parties` (sorted by start,
/// not overlapping).
pub fn stated(sentence: &str, parties: &[Party]) -> Vec<Stated> {
    // every relation joins two parties
    if parties.len() < 2 {
        return Vec::new();
    }
    let chars: Vec<char> = sentence.chars().collect();
    let text_between = |a: usize, b: usize| -> String { chars[a.min(b)..b.max(a).min(chars.len())].iter().collect() };
    let inside_party = |at: usize| parties.iter().any(|p| p.start <= at && at < p.end);
    let mut out: Vec<Stated> = Vec::new();
    let mut taken_cues: Vec<(usize, usize)> = Vec::new();
    for (cue, cue_words) in CUES.iter().zip(cue_chars()) {
        for (word, word_chars) in cue.words.iter().zip(cue_words) {
            let first = word_chars[0];
            let mut at = 0;
            while at + word_chars.len() <= chars.len() {
                // the next place the word's first character is at
                match chars[at..=chars.len() - word_chars.len()]
                    .iter()
                    .position(|&c| c == first)
                {
                    Some(skip) => at += skip,
                    None => break,
                }
                if chars[at..at + word_chars.len()] != word_chars[..]
                    || inside_party(at)
                    || (word.ends_with("许可") && chars.get(at + word_chars.len()) == Some(&'证'))
                    || taken_cues.iter().any(|&(s, e)| at < e && s < at + word_chars.len())
                {
                    at += 1;
                    continue;
                }
                let end = at + word_chars.len();
                taken_cues.push((at, end));
                if let Some((doer, receiver)) = roles(cue, &chars, parties, at, end, &text_between) {
                    let (from, to) = match cue.from {
                        From::Doer => (doer, receiver),
                        From::Receiver => (receiver, doer),
                    };
                    if from != to && !out.iter().any(|s| s.kind == cue.kind && s.from == from && s.to == to) {
                        out.push(Stated {
                            from,
                            to,
                            kind: cue.kind,
                            cue: (*word).to_string(),
                            at,
                        });
                    }
                }
                at = end;
            }
        }
    }
    partners_share(&mut out, parties, &text_between);
    out.extend(structure(&chars, parties, &text_between, &out));
    out.extend(roles_of_people(&chars, parties, &text_between, &out));
    out.sort_by_key(|s| (s.at, s.from, s.to));
    out
}

/// The baseline reading the evaluation compares [`stated`] with: for
/// every cue word, the nearest party before it to the nearest party after
/// it, in that direction, whatever they are and whatever the words around
/// them say.
pub fn naive(sentence: &str, parties: &[Party]) -> Vec<Stated> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out: Vec<Stated> = Vec::new();
    for cue in CUES {
        for word in cue.words {
            let word_chars: Vec<char> = word.chars().collect();
            for at in 0..chars.len().saturating_sub(word_chars.len() - 1) {
                if chars[at..at + word_chars.len()] != word_chars[..] {
                    continue;
                }
                let left = (0..parties.len()).rev().find(|&i| parties[i].end <= at);
                let right = (0..parties.len()).find(|&i| parties[i].start >= at + word_chars.len());
                if let (Some(from), Some(to)) = (left, right) {
                    if !out.iter().any(|s| s.from == from && s.to == to && s.kind == cue.kind) {
                        out.push(Stated {
                            from,
                            to,
                            kind: cue.kind,
                            cue: (*word).to_string(),
                            at,
                        });
                    }
                }
            }
        }
    }
    out
}

/// A founding, a stake or an investment by one of two partners (A与B共建C,
/// 由A和B共同出资设立C) is by both; two founders of one thing work
/// together.
fn partners_share(out: &mut Vec<Stated>, parties: &[Party], between: &impl Fn(usize, usize) -> String) {
    let shared = [
        RelationKind::Founded,
        RelationKind::HoldsEquityIn,
        RelationKind::InvestsIn,
    ];
    let mut added = Vec::new();
    for s in out.iter() {
        if !shared.contains(&s.kind) || s.from == 0 {
            continue;
        }
        let partner = s.from - 1;
        let gap = between(parties[partner].end, parties[s.from].start);
        if PARTNERS.contains(&gap.trim()) && partner != s.to && parties[partner].kind == parties[s.from].kind
            || PARTNERS.contains(&gap.trim()) && super::link::is_organisation(parties[partner].kind)
        {
            added.push(Stated {
                from: partner,
                to: s.to,
                kind: s.kind,
                cue: s.cue.clone(),
                at: s.at,
            });
            if s.kind == RelationKind::Founded
                && super::link::is_organisation(parties[partner].kind)
                && super::link::is_organisation(parties[s.from].kind)
            {
                added.push(Stated {
                    from: partner,
                    to: s.from,
                    kind: RelationKind::CollaboratesWith,
                    cue: gap.trim().to_string(),
                    at: s.at,
                });
            }
        }
    }
    for a in added {
        if !out.iter().any(|s| {
            s.kind == a.kind
                && ((s.from == a.from && s.to == a.to)
                    || (a.kind == RelationKind::CollaboratesWith && s.from == a.to && s.to == a.from))
        }) {
            out.push(a);
        }
    }
}

/// What names and word order say without a cue: an organisation named
/// after another (北京大学青岛创新研究院 after 北京大学) belongs to it; an
/// organisation introduced as a place's (青岛高新区内的蓝色硅谷众创空间)
/// is located there.
fn structure(
    chars: &[char],
    parties: &[Party],
    between: &impl Fn(usize, usize) -> String,
    already: &[Stated],
) -> Vec<Stated> {
    let text = |p: &Party| chars[p.start..p.end].iter().collect::<String>();
    let mut out = Vec::new();
    for (y, child) in parties.iter().enumerate() {
        if !super::link::is_organisation(child.kind) {
            continue;
        }
        let name = text(child);
        for (x, parent) in parties.iter().enumerate() {
            if x == y
                || !super::link::is_organisation(parent.kind)
                || parent.end - parent.start >= child.end - child.start
            {
                continue;
            }
            if name.starts_with(&text(parent)) && !already.iter().any(|s| s.from == y && s.to == x) {
                out.push(Stated {
                    from: y,
                    to: x,
                    kind: RelationKind::AffiliatedWith,
                    cue: text(parent),
                    at: child.start,
                });
            }
        }
        // authors and their unit: 张华, 王磊 (中国海洋大学 海洋生命学院, 青岛 266003)
        if y > 0 && matches!(between(parties[y - 1].end, child.start).trim(), "(" | "（") {
            let mut p = y - 1;
            loop {
                if parties[p].kind != EntityKind::Person {
                    break;
                }
                out.push(Stated {
                    from: p,
                    to: y,
                    kind: RelationKind::AffiliatedWith,
                    cue: "(".into(),
                    at: parties[p].start,
                });
                if p == 0
                    || !matches!(
                        between(parties[p - 1].end, parties[p].start).trim(),
                        "," | "，" | "、" | ""
                    )
                {
                    break;
                }
                p -= 1;
            }
        }
        if y > 0 {
            let place = &parties[y - 1];
            let gap = between(place.end, child.start);
            if matches!(place.kind, EntityKind::Zone | EntityKind::Region)
                && matches!(gap.as_str(), "内的" | "的" | "内")
            {
                out.push(Stated {
                    from: y,
                    to: y - 1,
                    kind: RelationKind::LocatedIn,
                    cue: gap,
                    at: child.start,
                });
            }
        }
    }
    out
}

/// The doer and the receiver of the cue at `at..end`.
fn roles(
    cue: &Cue,
    chars: &[char],
    parties: &[Party],
    at: usize,
    end: usize,
    between: &impl Fn(usize, usize) -> String,
) -> Option<(usize, usize)> {
    let left: Vec<usize> = (0..parties.len()).filter(|&i| parties[i].end <= at).collect();
    let right: Vec<usize> = (0..parties.len()).filter(|&i| parties[i].start >= end).collect();
    let passive_before = |i: usize| {
        let start = parties[i].start;
        start > 0 && PASSIVE.contains(&chars[start - 1])
    };
    let last = left.last().copied();
    let before_last = left.len().checked_sub(2).map(|k| left[k]);
    // nearest party to the right, skipping a clause break only for
    // cues that end in 给 (转让给 X)
    let next = right.first().copied().filter(|&r| {
        let gap = between(end, parties[r].start);
        gap.chars().count() <= 24 && !gap.contains('。')
    });
    let near_left = |i: usize| {
        let gap = between(parties[i].end, at);
        gap.chars().count() <= 30
    };
    let candidates: Option<(usize, usize)> = if cue.kind == RelationKind::CollaboratesWith {
        match (before_last, last) {
            (Some(a), Some(b))
                if PARTNERS
                    .iter()
                    .any(|w| between(parties[a].end, parties[b].start).trim() == *w) =>
            {
                Some((a, b))
            }
            // A落户……，并与B签署合作协议: B after 与, A the organisation
            // before it, whatever stands between
            (Some(_), Some(b))
                if near_left(b) && {
                    let gap = between(parties[b - 1].end, parties[b].start);
                    gap.trim_end().ends_with(['与', '和', '同', '跟'])
                } =>
            {
                (0..b)
                    .rev()
                    .find(|&i| super::link::is_organisation(parties[i].kind))
                    .map(|a| (a, b))
            }
            // A合作B: only when B follows the cue closely
            (_, Some(a)) if near_left(a) => next
                .filter(|&b| between(end, parties[b].start).chars().count() <= 2)
                .map(|b| (a, b)),
            _ => None,
        }
    } else if let Some(b) = last.filter(|&b| passive_before(b) && near_left(b)) {
        // 由A孵化的B / B由A孵化
        match (before_last, next) {
            (_, Some(r))
                if between(end, parties[r].start)
                    .trim_start_matches('了')
                    .starts_with('的') =>
            {
                Some((b, r))
            }
            (Some(a), _) => Some((b, a)),
            (None, Some(r)) => Some((b, r)),
            _ => None,
        }
    } else {
        match (before_last, last) {
            (Some(a), Some(b))
                if TOWARDS.contains(&between(parties[a].end, parties[b].start).trim())
                    && between(parties[b].end, at).chars().count() <= 12 =>
            {
                // A向B授信, A为B提供贷款: A does it, to B
                Some((a, b))
            }
            (Some(a), Some(b))
                if RECEIVING
                    .iter()
                    .any(|w| between(parties[a].end, parties[b].start).contains(w))
                    && near_left(b) =>
            {
                // B获得A的投资: A gives, B receives
                Some((b, a))
            }
            (_, Some(a)) if near_left(a) && cue_reads_backwards(cue, chars, at) => {
                // B旗下的A / B下属的A: A is part of B
                next.map(|r| (r, a))
            }
            (_, Some(a)) if near_left(a) => next.map(|b| (a, b)),
            _ => None,
        }
    };
    let (mut doer, receiver) = candidates?;
    // 中国海洋大学陈志远教授团队的专利转让给……: the university transfers
    if matches!(cue.kind, RelationKind::TransferredTo | RelationKind::LicensedTo)
        && parties[doer].kind == EntityKind::Person
        && doer > 0
        && super::link::is_organisation(parties[doer - 1].kind)
        && between(parties[doer - 1].end, parties[doer].start)
            .trim_start_matches('的')
            .is_empty()
    {
        doer -= 1;
    }
    (fits(cue.doer, parties[doer].kind) && fits(cue.receiver, parties[receiver].kind)).then_some((doer, receiver))
}

/// 旗下, 下属 and 附属 name the whole before the part.
fn cue_reads_backwards(cue: &Cue, chars: &[char], at: usize) -> bool {
    let word: String = chars[at..(at + 2).min(chars.len())].iter().collect();
    cue.kind == RelationKind::AffiliatedWith && matches!(word.as_str(), "旗下" | "下属" | "附属")
}

/// People and the organisation beside them: 中国海洋大学陈志远教授 (the
/// person works there), A公司董事长张三 or 张三担任A公司总经理 (the person
/// leads it).
fn roles_of_people(
    chars: &[char],
    parties: &[Party],
    between: &impl Fn(usize, usize) -> String,
    already: &[Stated],
) -> Vec<Stated> {
    let mut out = Vec::new();
    for (p, person) in parties.iter().enumerate() {
        if person.kind != EntityKind::Person {
            continue;
        }
        if already.iter().any(|s| s.from == p || s.to == p) {
            continue;
        }
        // the organisation right before the person (A的张三, A董事长张三)
        let before = (0..p).rev().find(|&i| super::link::is_organisation(parties[i].kind));
        let after = (p + 1..parties.len()).find(|&i| super::link::is_organisation(parties[i].kind));
        let title_between = |a: usize, b: usize| -> Option<String> {
            let gap = between(a, b);
            let gap = gap.trim_start_matches('的').trim();
            (gap.chars().count() <= 8 && !gap.contains(['，', '。', '、', '；'])).then(|| gap.to_string())
        };
        let mut found: Option<(usize, String)> = None;
        if let Some(o) = before {
            if let Some(gap) = title_between(parties[o].end, person.start) {
                found = Some((o, gap));
            }
        }
        if found.is_none() {
            if let Some(o) = after {
                let gap = between(person.end, parties[o].start);
                if ["担任", "出任", "任职于", "任", "就职于", "加入"]
                    .iter()
                    .any(|w| gap.trim().starts_with(w))
                    && gap.chars().count() <= 6
                {
                    let title: String = chars[parties[o].end..chars.len().min(parties[o].end + 6)]
                        .iter()
                        .collect();
                    found = Some((o, title));
                }
            }
        }
        let Some((organisation, title)) = found else {
            continue;
        };
        let role = person.role.clone().unwrap_or_default();
        let titled = |roles: &[&str]| {
            roles
                .iter()
                .any(|r| title.starts_with(r) || role == *r || (title.is_empty() && role.ends_with(r)))
        };
        let kind = if titled(FOUNDER_ROLES) {
            RelationKind::Founded
        } else if titled(LEADER_ROLES) {
            RelationKind::Leads
        } else {
            RelationKind::AffiliatedWith
        };
        out.push(Stated {
            from: p,
            to: organisation,
            kind,
            cue: if title.is_empty() { role } else { title },
            at: person.start,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parties at the first occurrence of each name.
    fn parties(sentence: &str, names: &[(&str, EntityKind)]) -> Vec<Party> {
        let chars: Vec<char> = sentence.chars().collect();
        let mut out: Vec<Party> = names
            .iter()
            .map(|(name, kind)| {
                let n: Vec<char> = name.chars().collect();
                let start = (0..chars.len()).find(|&i| chars[i..].starts_with(&n)).unwrap();
                Party {
                    start,
                    end: start + n.len(),
                    kind: *kind,
                    role: None,
                }
            })
            .collect();
        out.sort_by_key(|p| p.start);
        out
    }

    fn read(sentence: &str, names: &[(&str, EntityKind)]) -> Vec<(String, String, RelationKind)> {
        let ps = parties(sentence, names);
        let chars: Vec<char> = sentence.chars().collect();
        let name = |p: &Party| chars[p.start..p.end].iter().collect::<String>();
        stated(sentence, &ps)
            .into_iter()
            .map(|s| (name(&ps[s.from]), name(&ps[s.to]), s.kind))
            .collect()
    }

    use EntityKind::*;

    #[test]
    fn active_passive_and_receiving_forms() {
        type Case<'a> = (&'a str, [(&'a str, EntityKind); 2], (&'a str, &'a str, RelationKind));
        let cases: [Case; 6] = [
            (
                "青岛蓝湾公司正式落户青岛高新区。",
                [("青岛蓝湾公司", Enterprise), ("青岛高新区", Zone)],
                ("青岛蓝湾公司", "青岛高新区", RelationKind::LocatedIn),
            ),
            (
                "由青岛农业大学牵头组建的智慧农业研究中心通过验收。",
                [("青岛农业大学", University), ("智慧农业研究中心", Institute)],
                ("青岛农业大学", "智慧农业研究中心", RelationKind::Founded),
            ),
            (
                "海纳生物获得蓝海资本3000万元投资。",
                [("海纳生物", Enterprise), ("蓝海资本", Enterprise)],
                ("蓝海资本", "海纳生物", RelationKind::InvestsIn),
            ),
            (
                "中国海洋大学将三项专利转让给青岛海纳公司。",
                [("中国海洋大学", University), ("青岛海纳公司", Enterprise)],
                ("中国海洋大学", "青岛海纳公司", RelationKind::TransferredTo),
            ),
            (
                "甲公司与乙大学签署合作协议。",
                [("甲公司", Enterprise), ("乙大学", University)],
                ("甲公司", "乙大学", RelationKind::CollaboratesWith),
            ),
            (
                "丙公司由丁孵化器孵化。",
                [("丙公司", Enterprise), ("丁孵化器", Platform)],
                ("丙公司", "丁孵化器", RelationKind::IncubatedBy),
            ),
        ];
        for (sentence, names, (from, to, kind)) in cases {
            assert_eq!(
                read(sentence, &names),
                vec![(from.into(), to.into(), kind)],
                "{sentence}"
            );
        }
    }

    #[test]
    fn a_partner_after_a_place_still_has_its_organisation() {
        assert_eq!(
            read(
                "甲公司落户青岛高新区，并与乙大学签署合作协议。",
                &[("甲公司", Enterprise), ("青岛高新区", Zone), ("乙大学", University)]
            ),
            vec![
                ("甲公司".into(), "青岛高新区".into(), RelationKind::LocatedIn),
                ("甲公司".into(), "乙大学".into(), RelationKind::CollaboratesWith),
            ]
        );
    }

    #[test]
    fn people_beside_organisations() {
        let sentence = "中国海洋大学陈志远教授团队与甲公司董事长王强会面。";
        let mut ps = parties(
            sentence,
            &[
                ("中国海洋大学", University),
                ("陈志远", Person),
                ("甲公司", Enterprise),
                ("王强", Person),
            ],
        );
        ps[1].role = Some("教授".into());
        ps[3].role = Some("董事长".into());
        let kinds: Vec<(usize, usize, RelationKind)> = stated(sentence, &ps)
            .into_iter()
            .map(|s| (s.from, s.to, s.kind))
            .collect();
        assert!(kinds.contains(&(1, 0, RelationKind::AffiliatedWith)), "{kinds:?}");
        assert!(kinds.contains(&(3, 2, RelationKind::Leads)), "{kinds:?}");
    }

    #[test]
    fn authors_belong_to_the_unit_in_brackets_after_them() {
        let got = read(
            "张华, 王磊 (中国海洋大学 海洋生命学院, 青岛 266003)",
            &[
                ("张华", Person),
                ("王磊", Person),
                ("中国海洋大学 海洋生命学院", University),
            ],
        );
        assert_eq!(
            got,
            vec![
                (
                    "张华".into(),
                    "中国海洋大学 海洋生命学院".into(),
                    RelationKind::AffiliatedWith
                ),
                (
                    "王磊".into(),
                    "中国海洋大学 海洋生命学院".into(),
                    RelationKind::AffiliatedWith
                ),
            ]
        );
    }

    #[test]
    fn no_relation_without_two_fitting_parties() {
        assert!(read("公司积极开展合作。", &[("公司", Enterprise)]).is_empty());
        // a place cannot invest
        assert!(read("青岛市投资甲公司。", &[("青岛市", Region), ("甲公司", Enterprise)]).is_empty());
    }
}

//! Linking names in text to the graph's entities: known names and aliases
//! found where jieba's cut has a word boundary at both ends (longest
//! first), short forms of organisation names (伯杰医疗 for 青岛伯杰医疗科技
//! 有限公司, 农大 for a 农业大学), and the choice among several holders
//! of one name, by kind and by what else the article names.

use std::collections::{HashMap, HashSet};

use super::name_filter::NameFilter;
use crate::graph::{EntityIndex, KnowledgeGraph};
use crate::model::EntityKind;
use crate::text::{may_simplify, normalize};

/// Longest name looked for in text, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// Endings that say what legal form a company has, longest first.
const LEGAL_FORMS: &[&str] = &[
    "集团股份有限公司",
    "集团有限责任公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "股份公司",
    "有限公司",
    "集团公司",
    "公司",
    "集团",
];

/// Words of trade that a short form leaves out (青岛伯杰医疗科技 → 伯杰医疗).
const TRADE_WORDS: &[&str] = &["科技发展", "高科技", "科技", "技术", "实业", "控股", "发展"];

/// Place names a registered name starts with, longest first. Any
/// `X省`, `X市`, `X区` or `X县` of two to four characters is a place too.
const PLACES: &[&str] = &[
    "中国",
    "山东省",
    "山东",
    "青岛市",
    "青岛",
    "北京市",
    "北京",
    "上海市",
    "上海",
    "深圳市",
    "深圳",
    "广州市",
    "广州",
    "天津市",
    "天津",
    "济南市",
    "济南",
    "烟台市",
    "烟台",
    "潍坊市",
    "潍坊",
    "威海市",
    "威海",
    "江苏",
    "浙江",
    "广东",
    "杭州",
    "南京",
    "苏州",
    "武汉",
    "成都",
    "西安",
    "重庆",
    "大连",
    "沈阳",
    "厦门",
    "宁波",
    "合肥",
    "长沙",
    "郑州",
];

/// University name parts and the one character their short form keeps
/// (青岛农业大学 → 农大).
const UNIVERSITY_SHORT: &[(&str, &str)] = &[
    ("农业", "农"),
    ("海洋", "海"),
    ("科技", "科"),
    ("理工", "理工"),
    ("师范", "师"),
    ("医科", "医"),
    ("工业", "工"),
    ("财经", "财"),
    ("交通", "交"),
    ("石油", "石油"),
];

/// Whether entities of this kind are organisations (which short forms
/// and organisation mentions are about).
pub fn is_organisation(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Enterprise
            | EntityKind::University
            | EntityKind::Institute
            | EntityKind::Platform
            | EntityKind::Agency
    )
}

fn strip_place(name: &str) -> Option<&str> {
    for place in PLACES {
        if let Some(rest) = name.strip_prefix(place) {
            if rest.chars().count() >= 2 {
                return Some(rest);
            }
        }
    }
    // 某某市 / 某某区 at the start
    let chars: Vec<(usize, char)> = name.char_indices().take(5).collect();
    for (at, c) in chars.iter().skip(2) {
        if matches!(c, '省' | '市' | '区' | '县') {
            let rest = &name[at + c.len_utf8()..];
            if rest.chars().count() >= 2 {
                return Some(rest);
            }
        }
    }
    None
}

fn strip_legal(name: &str) -> Option<&str> {
    LEGAL_FORMS
        .iter()
        .find_map(|form| name.strip_suffix(form).filter(|rest| rest.chars().count() >= 2))
}

fn strip_trade(name: &str) -> Option<&str> {
    TRADE_WORDS
        .iter()
        .find_map(|word| name.strip_suffix(word).filter(|rest| rest.chars().count() >= 2))
}

/// The short forms an organisation's name is written as in news, the name
/// itself left out: without its legal form, without its place, without
/// its trade words (青岛伯杰医疗科技有限公司 → 青岛伯杰医疗科技, 伯杰医疗科技,
/// 伯杰医疗), and a university's two-character form (青岛农业大学 → 农大).
pub fn short_forms(name: &str, kind: EntityKind) -> Vec<String> {
    let name = normalize(name.trim());
    let mut forms: Vec<String> = Vec::new();
    let mut push = |form: &str| {
        if form.chars().count() >= 2 && form != name && !forms.iter().any(|f| f == form) {
            forms.push(form.to_string());
        }
    };
    match kind {
        EntityKind::Enterprise => {
            let bare = strip_legal(&name).unwrap_or(&name);
            push(bare);
            let local = strip_place(bare).unwrap_or(bare);
            push(local);
            if let Some(core) = strip_trade(local) {
                push(core);
            }
        }
        EntityKind::University => {
            if let Some(stem) = name.strip_suffix("大学") {
                let stem = strip_place(stem).unwrap_or(stem);
                for (part, short) in UNIVERSITY_SHORT {
                    if stem == *part {
                        push(&format!("{short}大"));
                    }
                }
            }
        }
        EntityKind::Institute | EntityKind::Platform | EntityKind::Agency => {
            if let Some(local) = strip_place(&name) {
                // 青岛高新区管委会 stays apart from other zones' 管委会:
                // a bare head word is not a short form
                if local.chars().count() >= 4 {
                    push(local);
                }
            }
        }
        _ => {}
    }
    forms
}

/// Short forms of the graph's organisations, by normalised form: the ids
/// of the entities each may stand for. When built from a graph, also a
/// filter over every normalised name, alias and short form, so that most
/// spans of text that are none are known not to be a name without looking
/// them up.
#[derive(Debug, Default, Clone)]
pub struct ShortForms {
    ids: HashMap<String, Vec<String>>,
    /// `None`: not gathered, every span may be a name.
    names: Option<NameFilter>,
}

impl ShortForms {
    /// The short forms of every live organisation of `graph`, and the
    /// filter over every live entity's names and those forms.
    pub fn build(graph: &KnowledgeGraph) -> ShortForms {
        let mut forms = ShortForms::default();
        let mut names: Vec<String> = Vec::new();
        for position in graph.live_positions() {
            let entity = graph.entity_at(position);
            names.extend(entity.names().map(normalize));
            if is_organisation(entity.kind) {
                forms.add(entity.id, entity.kind, entity.names());
            }
        }
        let count = names.len() + forms.ids.len();
        let all = names.iter().chain(forms.ids.keys()).map(String::as_str);
        forms.names = Some(NameFilter::from_names(count, all));
        forms
    }

    /// Adds the short forms of one entity's names.
    pub fn add<'a>(&mut self, id: &str, kind: EntityKind, names: impl Iterator<Item = &'a str>) {
        for name in names {
            for form in short_forms(name, kind) {
                if let Some(filter) = self.names.as_mut() {
                    filter.insert(&form);
                }
                let ids = self.ids.entry(form).or_default();
                if !ids.iter().any(|i| i == id) {
                    ids.push(id.to_string());
                }
            }
        }
    }

    /// Notes names an entity of any kind holds (when the filter is
    /// gathered).
    pub fn add_names<'a>(&mut self, names: impl Iterator<Item = &'a str>) {
        if let Some(filter) = self.names.as_mut() {
            for name in names {
                filter.insert(&normalize(name));
            }
        }
    }

    /// Whether a name or short form may be `normalized` (a normalised
    /// text): false only when no name, alias or short form is.
    pub fn may_be_name(&self, normalized: &str) -> bool {
        // a character normalising would read again (a simplified one the
        // traditional table holds too) may make it a name the filter was
        // given in another form
        self.may_be_stable_name(normalized) || normalized.chars().any(may_simplify)
    }

    /// [`ShortForms::may_be_name`] for a text normalising leaves as it is
    /// (no character of it [`may_simplify`]).
    fn may_be_stable_name(&self, stable: &str) -> bool {
        self.names.as_ref().is_none_or(|filter| filter.may_contain(stable))
    }

    /// Whether a name or short form may start with the first two
    /// characters of `text`: false only when none does (the same answer
    /// for every text of two characters or more that starts alike).
    fn may_start_as(&self, text: &str) -> bool {
        self.names.as_ref().is_none_or(|filter| filter.may_start_as(text))
    }

    /// [`ShortForms::may_be_stable_name`] for a text of two characters or
    /// more whose start [`ShortForms::may_start_as`] said yes to.
    fn may_be_started_stable_name(&self, stable: &str) -> bool {
        self.names
            .as_ref()
            .is_none_or(|filter| filter.may_contain_started(stable))
    }

    /// The ids a normalised short form may stand for.
    pub fn ids(&self, normalized: &str) -> &[String] {
        self.ids.get(normalized).map_or(&[], Vec::as_slice)
    }

    /// Number of distinct short forms.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no short form is known.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// What a name in text may stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holders {
    /// Live entities holding the name (or, for `short`, a longer name it
    /// is a short form of), best first.
    pub positions: Vec<EntityIndex>,
    /// Whether the name matched as a short form rather than as a name or
    /// alias.
    pub short: bool,
}

/// The live entities `text` names: by name or alias first (a main name
/// beating an alias), then as a short form, then, for a full registered
/// name, without its legal form (海尔集团 → 海尔).
pub fn holders(graph: &KnowledgeGraph, forms: &ShortForms, text: &str) -> Holders {
    let normalized = normalize(text.trim());
    let named: Vec<EntityIndex> = graph
        .name_holders(&normalized)
        .into_iter()
        .filter(|&p| graph.kind_at(p) != EntityKind::Document)
        .collect();
    if !named.is_empty() {
        let main: Vec<EntityIndex> = named
            .iter()
            .copied()
            .filter(|&p| normalize(graph.entity_at(p).name) == normalized)
            .collect();
        return Holders {
            positions: if main.is_empty() { named } else { main },
            short: false,
        };
    }
    let mut positions: Vec<EntityIndex> = Vec::new();
    for id in forms.ids(&normalized) {
        if let Some(p) = graph.position_of_id(id) {
            if !positions.contains(&p) {
                positions.push(p);
            }
        }
    }
    if positions.is_empty() {
        if let Some(bare) = strip_legal(&normalized) {
            positions = graph
                .name_holders(bare)
                .into_iter()
                .filter(|&p| is_organisation(graph.kind_at(p)))
                .collect();
        }
    }
    Holders { positions, short: true }
}

/// Whether anything in the graph is named `text` or has it as a short
/// form (a cheap test before [`holders`]).
fn is_known(graph: &KnowledgeGraph, forms: &ShortForms, normalized: &str) -> bool {
    !forms.ids(normalized).is_empty()
        || graph
            .name_holders(normalized)
            .iter()
            .any(|&p| graph.kind_at(p) != EntityKind::Document)
}

/// A span of text that names something the graph knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownSpan {
    /// Character offsets.
    pub start: usize,
    pub end: usize,
}

/// The known names in `text`: spans that start and end on word
/// `boundaries` (character offsets of jieba's cut, sorted, as
/// [`crate::extract::Recognizer::read`] gives them) and name an entity or a
/// short form; the longest at each place, then the next place after it.
pub fn known_spans(graph: &KnowledgeGraph, forms: &ShortForms, text: &str, boundaries: &[usize]) -> Vec<KnownSpan> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let boundaries: Vec<usize> = boundaries.iter().map(|&b| b.min(chars.len())).collect();
    let byte_at = |c: usize| chars.get(c).map_or(text.len(), |(b, _)| *b);
    let stops = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '，' | '。'
                    | '、'
                    | '；'
                    | '：'
                    | '！'
                    | '？'
                    | ','
                    | ';'
                    | '“'
                    | '”'
                    | '（'
                    | '）'
                    | '('
                    | ')'
                    | '《'
                    | '》'
            )
    };
    // stops before each character, so a span's check is one subtraction
    let mut stops_before = Vec::with_capacity(chars.len() + 1);
    stops_before.push(0usize);
    for &(_, c) in &chars {
        stops_before.push(stops_before[stops_before.len() - 1] + usize::from(stops(c)));
    }
    // the text normalised once: normalising keeps one character for one,
    // so a span of it is the span normalised (else each span on its own)
    let normalized_text = normalize(text);
    let normalized_at: Option<Vec<usize>> = (normalized_text.chars().count() == chars.len()).then(|| {
        normalized_text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(normalized_text.len()))
            .collect()
    });
    // characters of the normalised text normalising may change again,
    // before each character: a span without any is tried on the filter
    // alone
    let mut unstable_before = Vec::with_capacity(chars.len() + 1);
    unstable_before.push(0usize);
    if normalized_at.is_some() {
        for c in normalized_text.chars() {
            unstable_before.push(unstable_before[unstable_before.len() - 1] + usize::from(may_simplify(c)));
        }
    }
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < boundaries.len() {
        let start = boundaries[i];
        let mut found = None;
        // ends from the farthest allowed back to the nearest
        let mut last = i + 1;
        while last + 1 < boundaries.len() && boundaries[last + 1] - start <= MAX_NAME_CHARS {
            last += 1;
        }
        // every span from here starts with the same two characters: the
        // filter's answer for them is asked once (when a span is tried)
        let mut starts_as_name: Option<bool> = None;
        for j in (i + 1..=last).rev() {
            let end = boundaries[j];
            if end - start < 2 || stops_before[end] != stops_before[start] {
                continue;
            }
            let (normalized, may_be_name): (std::borrow::Cow<str>, bool) = match &normalized_at {
                Some(at) => {
                    let normalized = &normalized_text[at[start]..at[end]];
                    let stable = unstable_before[end] == unstable_before[start];
                    let may_be_name = if stable {
                        *starts_as_name.get_or_insert_with(|| forms.may_start_as(normalized))
                            && forms.may_be_started_stable_name(normalized)
                    } else {
                        forms.may_be_name(normalized)
                    };
                    (normalized.into(), may_be_name)
                }
                None => {
                    let normalized = normalize(&text[byte_at(start)..byte_at(end)]);
                    let may_be_name = forms.may_be_name(&normalized);
                    (normalized.into(), may_be_name)
                }
            };
            if may_be_name && is_known(graph, forms, &normalized) {
                found = Some((j, KnownSpan { start, end }));
                break;
            }
        }
        match found {
            Some((j, span)) => {
                spans.push(span);
                i = j;
            }
            None => i += 1,
        }
    }
    spans
}

/// Chooses among several holders of one name (already of a kind that
/// fits): the ones the rest of the article names, else the ones linked to
/// what it names.
pub fn choose(graph: &KnowledgeGraph, candidates: &[EntityIndex], context: &HashSet<EntityIndex>) -> Vec<EntityIndex> {
    if candidates.len() <= 1 || context.is_empty() {
        return candidates.to_vec();
    }
    let named: Vec<EntityIndex> = candidates.iter().copied().filter(|p| context.contains(p)).collect();
    if !named.is_empty() {
        return named;
    }
    // the adjacency itself, not a view: making a view counts the live
    // entities, a pass over every entity, which at a million entities
    // costs more than reading the article
    let adjacency = graph.adjacency();
    let linked = |p: EntityIndex, positions: std::ops::Range<usize>| {
        positions
            .map(|position| adjacency.entry(p, position).neighbor)
            .filter(|&other| graph.is_live(other))
            .take(2_000)
            .any(|other| context.contains(&other))
    };
    let near: Vec<EntityIndex> = candidates
        .iter()
        .copied()
        .filter(|&p| {
            graph.is_live(p)
                && (linked(p, adjacency.outgoing_positions(p)) || linked(p, adjacency.incoming_positions(p)))
        })
        .collect();
    if near.is_empty() {
        candidates.to_vec()
    } else {
        near
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;

    #[test]
    fn short_forms_drop_legal_form_place_and_trade() {
        assert_eq!(
            short_forms("青岛伯杰医疗科技有限公司", EntityKind::Enterprise),
            vec!["青岛伯杰医疗科技", "伯杰医疗科技", "伯杰医疗"]
        );
        assert_eq!(short_forms("海尔集团", EntityKind::Enterprise), vec!["海尔"]);
        assert_eq!(short_forms("青岛农业大学", EntityKind::University), vec!["农大"]);
        assert_eq!(short_forms("中国海洋大学", EntityKind::University), vec!["海大"]);
        assert!(short_forms("张伟", EntityKind::Person).is_empty());
        assert_eq!(
            short_forms("青岛市某某区管委会", EntityKind::Agency),
            vec!["某某区管委会"]
        );
        assert!(short_forms("青岛管委会", EntityKind::Agency).is_empty());
    }

    fn graph() -> KnowledgeGraph {
        let entity = |id: &str, kind: EntityKind, name: &str| -> Entity {
            serde_json::from_value(serde_json::json!({"id": id, "kind": kind, "name": name})).unwrap()
        };
        KnowledgeGraph::from_records(
            vec![
                entity("ent_bj", EntityKind::Enterprise, "青岛伯杰医疗科技有限公司"),
                entity("uni_qau", EntityKind::University, "青岛农业大学"),
                entity("uni_other", EntityKind::University, "沈阳农业大学"),
                entity("ent_gc", EntityKind::Enterprise, "高测"),
            ],
            vec![],
        )
        .unwrap()
    }

    fn words(text: &str) -> Vec<usize> {
        crate::extract::Recognizer::builder()
            .without_model()
            .build()
            .read(text)
            .1
    }

    #[test]
    fn known_names_and_short_forms_are_found_on_word_boundaries() {
        let graph = graph();
        let forms = ShortForms::build(&graph);
        let text = "伯杰医疗与农大合作，提高测量精度。";
        let spans = known_spans(&graph, &forms, text, &words(text));
        let found: Vec<String> = spans
            .iter()
            .map(|s| text.chars().skip(s.start).take(s.end - s.start).collect())
            .collect();
        assert_eq!(found, vec!["伯杰医疗", "农大"]);
        let bj = holders(&graph, &forms, "伯杰医疗");
        assert!(bj.short);
        assert_eq!(graph.entity_at(bj.positions[0]).id, "ent_bj");
        // 农大 is any 农业大学: two candidates until the article says which
        let nd = holders(&graph, &forms, "农大");
        assert_eq!(nd.positions.len(), 2);
        let qau = graph.position_of_id("uni_qau").unwrap();
        let context = HashSet::from([qau]);
        assert_eq!(choose(&graph, &nd.positions, &context), vec![qau]);
    }
}

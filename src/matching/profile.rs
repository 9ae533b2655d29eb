//! Profiles, read from the graph at query time: the need profile of an
//! enterprise (what it makes and needs: its description, business scope,
//! products, industries), the capability profile of an organisation, a team
//! or a person (its description, patents, projects), the candidates a
//! search hit stands for, and the ties an entity already has.
//!
//! Nothing is cached: a profile is a few rows of the graph read when a
//! match asks for it, so it is current after every write (the graph a
//! query takes is the one the last write left), at the cost of reading
//! at most [`PROFILE_ITEMS`] neighbours per profile.

use std::collections::HashMap;

use crate::graph::{EntityIndex, KnowledgeGraph, RelationIndex};
use crate::model::{EntityKind, RelationKind};

/// Patents, projects and products a profile names, newest first.
pub const PROFILE_ITEMS: usize = 20;
/// Longest profile text, in characters (the search keeps the rarest words
/// of a long text anyway).
const PROFILE_CHARS: usize = 1_500;
/// Entities with more relations than this are not expanded when a hit is
/// carried to the candidates it stands for (a zone, an industry).
pub const HUB_DEGREE: usize = 2_000;

/// Whether an entity of this kind is a research organisation.
pub fn is_research_org(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::University | EntityKind::Institute)
}

/// Which side of a match an entity is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// An enterprise with needs: matched to research capabilities.
    Need,
    /// A university, institute, team or person with results: matched to
    /// enterprises that could adopt them.
    Capability,
    /// A need written as text: matched to whoever can meet it, research
    /// organisations and enterprises with the capability alike.
    Text,
}

impl Side {
    /// The side an entity of `kind` is matched from, if it can be.
    pub fn of(kind: EntityKind) -> Option<Side> {
        match kind {
            EntityKind::Enterprise => Some(Side::Need),
            EntityKind::University | EntityKind::Institute | EntityKind::Person => Some(Side::Capability),
            _ => None,
        }
    }

    /// The kinds ranked for this side unless others are asked for.
    pub fn default_kinds(self) -> Vec<EntityKind> {
        match self {
            Side::Need => vec![EntityKind::University, EntityKind::Institute],
            Side::Capability => vec![EntityKind::Enterprise],
            Side::Text => vec![EntityKind::University, EntityKind::Institute, EntityKind::Enterprise],
        }
    }

    /// The kinds this side may rank.
    pub fn allowed_kinds(self) -> &'static [EntityKind] {
        match self {
            Side::Need => &[
                EntityKind::University,
                EntityKind::Institute,
                EntityKind::Person,
                EntityKind::Patent,
            ],
            Side::Capability => &[EntityKind::Enterprise],
            Side::Text => &[
                EntityKind::University,
                EntityKind::Institute,
                EntityKind::Enterprise,
                EntityKind::Person,
                EntityKind::Patent,
            ],
        }
    }

    /// The groups of kinds whose hits stand for candidates of this side,
    /// each ranked on its own so that one kind does not crowd out the
    /// others, with the factor its hits count for.
    pub fn searches(self) -> &'static [(&'static [&'static str], f32)] {
        match self {
            Side::Need => &[
                (&["patent"], 1.0),
                (&["person"], 1.0),
                (&["university", "institute", "project"], 0.8),
                (&["document"], 0.7),
            ],
            Side::Capability => &[(&["enterprise"], 1.0), (&["product", "document"], 0.7)],
            Side::Text => &[
                (&["patent"], 1.0),
                (&["person"], 1.0),
                (&["university", "institute", "project"], 0.8),
                (&["enterprise", "product"], 0.8),
                (&["document"], 0.7),
            ],
        }
    }
}

/// Relations along which a hit stands for a candidate: a patent for its
/// applicant and inventors, a person for their organisation, a project for
/// who undertakes or leads it, an article for what it mentions, a product
/// for who makes it.
fn carries(kind: RelationKind) -> bool {
    use RelationKind::*;
    matches!(
        kind,
        ApplicantOf | InventorOf | AffiliatedWith | Leads | Undertakes | Mentions | Develops | Produces | Founded
    )
}

/// Relations that make a tie between two parties (a collaboration, a
/// transfer, a founding, a stake), as opposed to sharing a place, an
/// industry or a funder.
pub fn is_tie(kind: RelationKind) -> bool {
    use RelationKind::*;
    matches!(
        kind,
        CollaboratesWith
            | Founded
            | TransferredTo
            | LicensedTo
            | InvestsIn
            | HoldsEquityIn
            | AffiliatedWith
            | Leads
            | Undertakes
            | Develops
            | IncubatedBy
    )
}

/// The neighbours of `entity` along `kind`, in the given direction
/// (`outgoing`: `entity` is the relation's `from`).
fn along(
    graph: &KnowledgeGraph,
    entity: EntityIndex,
    kind: RelationKind,
    outgoing: bool,
) -> impl Iterator<Item = (EntityIndex, RelationIndex)> + '_ {
    graph
        .adjacency()
        .edges(entity)
        .filter(move |edge| edge.kind == kind && edge.outgoing == outgoing)
        .map(|edge| (edge.neighbor, edge.relation))
}

/// Whether `person` is a researcher: affiliated with a university or an
/// institute.
pub fn is_researcher(graph: &KnowledgeGraph, person: EntityIndex) -> bool {
    !organisations_of(graph, person).is_empty()
}

/// The research organisations a person works for.
pub(crate) fn organisations_of(graph: &KnowledgeGraph, person: EntityIndex) -> Vec<EntityIndex> {
    if graph.degree(person) > HUB_DEGREE {
        return Vec::new();
    }
    along(graph, person, RelationKind::AffiliatedWith, true)
        .map(|(org, _)| org)
        .filter(|&org| is_research_org(graph.kind_at(org)))
        .collect()
}

/// Words of a profile that say a person leads a team or a lab.
const LEADER_WORDS: &[&str] = &[
    "带领",
    "领衔",
    "带头人",
    "负责人",
    "首席",
    "团队长",
    "主任",
    "院长",
    "所长",
];

/// Whether a person leads a team: they lead a project, a lab or a team in
/// the graph, or their profile says so.
pub(crate) fn leads_a_team(graph: &KnowledgeGraph, person: EntityIndex, description: &str) -> bool {
    LEADER_WORDS.iter().any(|word| description.contains(word))
        || (graph.degree(person) <= HUB_DEGREE
            && graph
                .adjacency()
                .edges(person)
                .any(|edge| edge.kind == RelationKind::Leads && edge.outgoing))
}

/// Up to [`PROFILE_ITEMS`] neighbours of `entity` along `kind`, newest
/// relation first.
fn newest(graph: &KnowledgeGraph, entity: EntityIndex, kind: RelationKind, outgoing: bool) -> Vec<EntityIndex> {
    let mut items: Vec<(u32, EntityIndex)> = along(graph, entity, kind, outgoing)
        .map(|(other, relation)| (graph.packed_since(relation), other))
        .collect();
    items.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.index().cmp(&b.1.index())));
    items.into_iter().take(PROFILE_ITEMS).map(|(_, other)| other).collect()
}

/// The profile text of an entity: what it needs (an enterprise) or what it
/// can do (an organisation, a person), without its own names (which would
/// only find itself).
pub fn profile_text(graph: &KnowledgeGraph, entity: EntityIndex) -> crate::Result<String> {
    let record = graph.entity_record(entity)?;
    let mut parts = vec![record.description.clone()];
    let names = |items: Vec<EntityIndex>| -> String {
        items
            .into_iter()
            .map(|i| graph.entity_at(i).name.to_string())
            .collect::<Vec<_>>()
            .join("；")
    };
    match record.kind {
        EntityKind::Enterprise => {
            parts.push(names(newest(graph, entity, RelationKind::Produces, true)));
            parts.push(names(newest(graph, entity, RelationKind::Develops, true)));
            if let Some(scope) = record.props.get("business_scope").and_then(|v| v.as_str()) {
                parts.push(scope.to_string());
            }
            for key in ["needs", "technical_needs", "经营范围"] {
                if let Some(value) = record.props.get(key).and_then(|v| v.as_str()) {
                    parts.push(value.to_string());
                }
            }
        }
        EntityKind::University | EntityKind::Institute => {
            parts.push(names(newest(graph, entity, RelationKind::ApplicantOf, true)));
            parts.push(names(newest(graph, entity, RelationKind::Undertakes, true)));
        }
        EntityKind::Person => {
            parts.push(names(newest(graph, entity, RelationKind::InventorOf, true)));
            parts.push(names(newest(graph, entity, RelationKind::Leads, true)));
        }
        _ => {}
    }
    parts.extend(record.industry.iter().cloned());
    let mut text: String = parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("。");
    // where it is says nothing of what it does or needs (locality is its
    // own signal), and a zone's or a city's name is rare enough among the
    // entries to take the place of a technical word in the query
    let mut places: Vec<String> = Vec::new();
    for (zone, _) in along(graph, entity, RelationKind::LocatedIn, true) {
        places.extend(graph.entity_record(zone)?.names().map(str::to_string));
    }
    if !record.location.is_empty() {
        places.push(record.location.clone());
    }
    let mut left_out: Vec<&str> = std::iter::once(record.name.as_str())
        .chain(record.aliases.iter().map(String::as_str))
        .chain(places.iter().map(String::as_str))
        .filter(|n| n.chars().count() >= 2)
        .collect();
    left_out.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for name in left_out {
        text = text.replace(name, " ");
    }
    Ok(without_years(&text).chars().take(PROFILE_CHARS).collect())
}

/// `text` without its years (`2014年`: a founding year matches entries by
/// accident); other numbers stay (5G, 3D打印).
pub(crate) fn without_years(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut kept = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let digits = chars[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        let starts_number = at == 0 || !chars[at - 1].is_ascii_digit();
        if starts_number && digits == 4 && chars.get(at + 4) == Some(&'年') {
            kept.push(' ');
            at += 5;
        } else {
            kept.push(chars[at]);
            at += 1;
        }
    }
    kept
}

/// Words that frame a need or a capability rather than say what it is
/// about (希望与高校合作开展…方向的联合攻关; 寻求…技术的团队): left out of the
/// words a match searches for, so that a team is not found for sharing
/// 团队 or 技术 with the need. The search's function words are left out
/// too.
pub const FRAMING_WORDS: &[&str] = &[
    "希望",
    "寻求",
    "寻找",
    "找到",
    "找",
    "征集",
    "面向",
    "拟",
    "急需",
    "欢迎",
    "共同",
    "推动",
    "合作",
    "开展",
    "联合",
    "攻关",
    "联合攻关",
    "共建",
    "对接",
    "支持",
    "获得",
    "提供",
    "实现",
    "进行",
    "做",
    "解决",
    "提高",
    "提升",
    "降低",
    "改进",
    "突破",
    "问题",
    "需求",
    "技术",
    "相关",
    "方向",
    "领域",
    "方面",
    "团队",
    "专家",
    "人才",
    "企业",
    "公司",
    "我司",
    "高校",
    "大学",
    "院所",
    "科研院所",
    "研究院",
    "单位",
    "机构",
    "项目",
    "重点",
    "主要",
    "从事",
    "研发",
    "生产",
    "销售",
    "主营",
    "产品",
    "成果",
    "转化",
    "产业化",
    "应用",
    "服务",
    "成立",
    "位于",
    "聘请",
    "担任",
    "顾问",
    "技术顾问",
    "领域专家",
    "使用",
];

/// Words that introduce the technical need a profile states.
const NEED_MARKERS: &[&str] = &["技术需求", "需求：", "需求:", "需要"];

/// The technical need an entity's profile states, if it states one: the
/// text after 技术需求 (or a `needs` fact).
pub fn stated_need(record: &crate::model::Entity) -> Option<String> {
    for key in ["needs", "technical_needs"] {
        if let Some(value) = record.props.get(key).and_then(|v| v.as_str()) {
            return Some(value.to_string());
        }
    }
    NEED_MARKERS.iter().find_map(|marker| {
        let at = record.description.find(marker)?;
        let need = record.description[at + marker.len()..].trim_start_matches(['：', ':', ' ']);
        (need.chars().count() >= 4).then(|| need.to_string())
    })
}

/// A need text made safe for the query parser: quotes, field separators,
/// brackets and exclusion marks become spaces, so a pasted text is read
/// as words, never as query syntax.
pub fn as_query_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '“' | '”' | '\'' | '‘' | '’' | ':' | '：' | '-' | '(' | ')' | '（' | '）' | '*' | '\\' => {
                ' '
            }
            c => c,
        })
        .collect()
}

/// The candidates a hit at `entity` stands for, with the factor it counts
/// for each and the relation it goes through (`self` for the hit itself).
/// A patent stands for its applicant and inventors (and their
/// organisations), a person for their organisation, an article for what it
/// mentions.
pub fn stood_for(
    graph: &KnowledgeGraph,
    entity: EntityIndex,
    wanted: &dyn Fn(EntityKind) -> bool,
    wants_orgs: bool,
) -> Vec<(EntityIndex, f32, &'static str)> {
    let mut found: HashMap<EntityIndex, (f32, &'static str)> = HashMap::new();
    let mut credit = |candidate: EntityIndex, factor: f32, via: &'static str| {
        let slot = found.entry(candidate).or_insert((0.0, via));
        if factor > slot.0 {
            *slot = (factor, via);
        }
    };
    if wanted(graph.kind_at(entity)) {
        credit(entity, 1.0, "self");
    }
    if graph.degree(entity) <= HUB_DEGREE {
        for edge in graph.adjacency().edges(entity) {
            if !carries(edge.kind) {
                continue;
            }
            let neighbour = edge.neighbor;
            let kind = graph.kind_at(neighbour);
            if wanted(kind) {
                credit(neighbour, 0.8, edge.kind.as_str());
            }
            if kind == EntityKind::Person && wants_orgs {
                for org in organisations_of(graph, neighbour) {
                    if wanted(graph.kind_at(org)) {
                        credit(org, 0.6, edge.kind.as_str());
                    }
                }
            }
        }
    }
    let mut list: Vec<_> = found.into_iter().map(|(c, (f, via))| (c, f, via)).collect();
    list.sort_unstable_by_key(|(c, _, _)| c.index());
    list
}

/// The side of an entity with what it answers for: itself, and for an
/// organisation its people and patents.
fn parts_of(graph: &KnowledgeGraph, entity: EntityIndex) -> Vec<EntityIndex> {
    let mut parts = vec![entity];
    if is_research_org(graph.kind_at(entity)) && graph.degree(entity) <= 20 * HUB_DEGREE {
        for edge in graph.adjacency().edges(entity) {
            let kind = graph.kind_at(edge.neighbor);
            let member = (edge.kind == RelationKind::AffiliatedWith && !edge.outgoing && kind == EntityKind::Person)
                || (edge.kind == RelationKind::ApplicantOf && edge.outgoing && kind == EntityKind::Patent);
            if member {
                parts.push(edge.neighbor);
            }
        }
    }
    parts
}

/// The candidates (of the wanted kinds) `entity` is already tied to, each
/// with the relations that tie them: a direct tie, a tie with one of the
/// candidate's people or patents, or one of the entity's people or
/// patents tied to the candidate.
pub fn ties_of(
    graph: &KnowledgeGraph,
    entity: EntityIndex,
    wanted: &dyn Fn(EntityKind) -> bool,
) -> HashMap<EntityIndex, Vec<RelationIndex>> {
    let mut ties: HashMap<EntityIndex, Vec<RelationIndex>> = HashMap::new();
    let mut note = |candidate: EntityIndex, relation: RelationIndex| {
        let list = ties.entry(candidate).or_default();
        if !list.contains(&relation) {
            list.push(relation);
        }
    };
    for part in parts_of(graph, entity) {
        if graph.degree(part) > HUB_DEGREE {
            continue;
        }
        for edge in graph.adjacency().edges(part) {
            let neighbour = edge.neighbor;
            if neighbour == entity {
                continue;
            }
            let kind = graph.kind_at(neighbour);
            let patent_deal = matches!(edge.kind, RelationKind::TransferredTo | RelationKind::LicensedTo);
            if !is_tie(edge.kind) && !patent_deal {
                continue;
            }
            // an organisation's own people are parts, not ties
            if part == entity && edge.kind == RelationKind::AffiliatedWith && !edge.outgoing {
                continue;
            }
            if wanted(kind) {
                note(neighbour, edge.relation);
            }
            match kind {
                EntityKind::Person => {
                    for org in organisations_of(graph, neighbour) {
                        if org != entity && wanted(graph.kind_at(org)) {
                            note(org, edge.relation);
                        }
                    }
                }
                EntityKind::Patent if graph.degree(neighbour) <= HUB_DEGREE => {
                    for (owner, _) in along(graph, neighbour, RelationKind::ApplicantOf, false) {
                        if owner != entity && wanted(graph.kind_at(owner)) {
                            note(owner, edge.relation);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    ties
}

/// An incubator with more tenants than this is a park, not a circle of
/// acquaintances: its tenants are not each other's peers.
const PEER_TENANTS: usize = 500;

/// The enterprises whose word reaches `enterprise`: those it is tied to
/// (partners, investors, stakes) and its fellow tenants of an incubator
/// of at most [`PEER_TENANTS`] relations.
pub fn peers_of(graph: &KnowledgeGraph, enterprise: EntityIndex) -> Vec<EntityIndex> {
    let mut peers = Vec::new();
    if graph.degree(enterprise) > HUB_DEGREE {
        return peers;
    }
    for edge in graph.adjacency().edges(enterprise) {
        let neighbour = edge.neighbor;
        match graph.kind_at(neighbour) {
            EntityKind::Enterprise if is_tie(edge.kind) && neighbour != enterprise => peers.push(neighbour),
            EntityKind::Platform
                if edge.kind == RelationKind::IncubatedBy
                    && edge.outgoing
                    && graph.degree(neighbour) <= PEER_TENANTS =>
            {
                peers.extend(
                    along(graph, neighbour, RelationKind::IncubatedBy, false)
                        .map(|(tenant, _)| tenant)
                        .filter(|&tenant| tenant != enterprise && graph.kind_at(tenant) == EntityKind::Enterprise),
                );
            }
            _ => {}
        }
    }
    peers.sort_unstable_by_key(|peer| peer.index());
    peers.dedup();
    peers
}

/// The candidates (of the wanted kinds) that peers of `entity` have worked
/// with, each with the enterprises that refer it. For an enterprise: what
/// its partners and fellow tenants ([`peers_of`]) are tied to, a patent
/// they took up counting for its inventors too. For a university,
/// institute or person: the peers of the enterprises it is tied to.
pub fn referred(
    graph: &KnowledgeGraph,
    entity: EntityIndex,
    side: Side,
    wanted: &dyn Fn(EntityKind) -> bool,
) -> HashMap<EntityIndex, Vec<EntityIndex>> {
    let mut referred: HashMap<EntityIndex, Vec<EntityIndex>> = HashMap::new();
    let mut note = |candidate: EntityIndex, by: EntityIndex| {
        if candidate == entity {
            return;
        }
        let list = referred.entry(candidate).or_default();
        if !list.contains(&by) {
            list.push(by);
        }
    };
    match side {
        Side::Need => {
            for peer in peers_of(graph, entity) {
                for candidate in ties_of(graph, peer, wanted).into_keys() {
                    note(candidate, peer);
                }
                if !wanted(EntityKind::Person) || graph.degree(peer) > HUB_DEGREE {
                    continue;
                }
                for deal in graph.adjacency().edges(peer) {
                    let taken_up = matches!(deal.kind, RelationKind::TransferredTo | RelationKind::LicensedTo);
                    if taken_up && !deal.outgoing && graph.degree(deal.neighbor) <= HUB_DEGREE {
                        for (inventor, _) in along(graph, deal.neighbor, RelationKind::InventorOf, false) {
                            note(inventor, peer);
                        }
                    }
                }
            }
        }
        Side::Capability => {
            let is_enterprise = |kind: EntityKind| kind == EntityKind::Enterprise;
            for tied in ties_of(graph, entity, &is_enterprise).into_keys() {
                for peer in peers_of(graph, tied) {
                    if wanted(graph.kind_at(peer)) {
                        note(peer, tied);
                    }
                }
            }
        }
        Side::Text => {}
    }
    referred
}

/// Whether a walk of [`walk_proximity`] goes along relations of `kind`:
/// ties between parties (collaboration, investment, incubation, founding,
/// patent deals, affiliation, a team's lead, projects) and whose patents
/// are whose; not what many share (an industry, a place, a policy, a
/// mention).
pub fn walks_along(kind: RelationKind) -> bool {
    is_tie(kind) || matches!(kind, RelationKind::InventorOf | RelationKind::ApplicantOf)
}

/// How close each entity is to `source` by short walks: the probability
/// that a walk of up to three steps from `source` (each step along a tie,
/// [`walks_along`], to a neighbour chosen evenly; hubs with more than
/// [`HUB_DEGREE`] relations absorb the walk) ends there, summed over the
/// walk lengths 2 and 3. Two entities sharing partners, an incubator or a
/// team's people are close: a team a partner or a fellow tenant worked
/// with is a referral away. Sharing an industry, a place or a policy does
/// not count; a busy intermediary counts less than a small one, which is
/// Adamic–Adar's discount of common neighbours by their degree.
///
/// # Complexity
/// The relations of the entities within two steps of `source`, bounded by
/// `max_visits` edges in all.
pub fn walk_proximity(graph: &KnowledgeGraph, source: EntityIndex, max_visits: usize) -> HashMap<EntityIndex, f32> {
    let mut frontier: HashMap<EntityIndex, f32> = HashMap::from([(source, 1.0)]);
    let mut reached: HashMap<EntityIndex, f32> = HashMap::new();
    let mut visits = 0usize;
    let mut steps: Vec<EntityIndex> = Vec::new();
    for step in 1..=3 {
        let mut next: HashMap<EntityIndex, f32> = HashMap::new();
        let mut ordered: Vec<(EntityIndex, f32)> = frontier.into_iter().collect();
        ordered.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.index().cmp(&b.0.index())));
        for (node, mass) in ordered {
            let degree = graph.degree(node);
            if degree == 0 || (node != source && degree > HUB_DEGREE) || visits + degree > max_visits {
                continue;
            }
            visits += degree;
            steps.clear();
            steps.extend(
                graph
                    .adjacency()
                    .edges(node)
                    .filter(|edge| walks_along(edge.kind))
                    .map(|edge| edge.neighbor),
            );
            if steps.is_empty() {
                continue;
            }
            let share = mass / steps.len() as f32;
            for &neighbour in &steps {
                if neighbour != source {
                    *next.entry(neighbour).or_default() += share;
                }
            }
        }
        if step >= 2 {
            for (&node, &mass) in &next {
                *reached.entry(node).or_default() += mass;
            }
        }
        frontier = next;
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enterprise(description: &str) -> crate::model::Entity {
        serde_json::from_value(serde_json::json!({
            "id": "ent_x", "kind": "enterprise", "name": "某某科技", "description": description
        }))
        .unwrap()
    }

    #[test]
    fn the_stated_need_is_the_text_after_its_marker() {
        let stated = stated_need(&enterprise("主营激光焊接机。技术需求：寻求增材制造方向的技术咨询。"));
        assert_eq!(stated.as_deref(), Some("寻求增材制造方向的技术咨询。"));
        assert_eq!(stated_need(&enterprise("主营激光焊接机。")), None);
        let mut with_fact = enterprise("主营激光焊接机。");
        with_fact.props.insert("needs".into(), "焊缝检测".into());
        assert_eq!(stated_need(&with_fact).as_deref(), Some("焊缝检测"));
    }

    #[test]
    fn years_leave_the_profile_text_and_other_numbers_stay() {
        assert_eq!(without_years("成立于2014年，研发5G与3D打印"), "成立于 ，研发5G与3D打印");
        assert_eq!(without_years("2014年成立；12014年"), " 成立；12014年");
    }

    #[test]
    fn pasted_text_is_never_read_as_query_syntax() {
        assert_eq!(as_query_text("“人工血管”-材料 kind:企业"), " 人工血管  材料 kind 企业");
    }

    #[test]
    fn sides_rank_the_other_side() {
        assert_eq!(Side::of(EntityKind::Enterprise), Some(Side::Need));
        assert_eq!(Side::of(EntityKind::University), Some(Side::Capability));
        assert_eq!(Side::of(EntityKind::Zone), None);
        assert!(!Side::Need.allowed_kinds().contains(&EntityKind::Enterprise));
        assert_eq!(Side::Capability.allowed_kinds(), &[EntityKind::Enterprise]);
        for side in [Side::Need, Side::Capability, Side::Text] {
            assert!(side.default_kinds().iter().all(|k| side.allowed_kinds().contains(k)));
        }
    }

    #[test]
    fn walks_reach_partners_of_partners_and_discount_nothing_else() {
        use crate::graph::{test_entity, test_relation};
        let entities = vec![
            test_entity("e", EntityKind::Enterprise, "某企业", &[]),
            test_entity("p", EntityKind::Person, "某教授", &[]),
            test_entity("u", EntityKind::University, "某大学", &[]),
            test_entity("far", EntityKind::University, "远方大学", &[]),
        ];
        let relations = vec![
            test_relation("p", "e", RelationKind::CollaboratesWith),
            test_relation("p", "u", RelationKind::AffiliatedWith),
        ];
        let graph = KnowledgeGraph::from_records(entities, relations).unwrap();
        let reached = walk_proximity(&graph, graph.resolve("e").unwrap(), 1000);
        assert!(reached[&graph.resolve("u").unwrap()] > 0.0);
        assert!(!reached.contains_key(&graph.resolve("far").unwrap()));
        let ties = ties_of(&graph, graph.resolve("e").unwrap(), &is_research_org);
        assert!(
            ties.contains_key(&graph.resolve("u").unwrap()),
            "the partner's university"
        );
    }
}

//! From an article's text to what it says: mentions (recognised, then
//! linked to the graph's entities or marked new or ambiguous) and the
//! relations its sentences state, each with the sentence as its quote.
//! Nothing here writes; [`super::plan`] turns an extraction into changes.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::cues::{self, Party};
use super::link::{self, ShortForms};
use super::sentences::{split_sentences, Sentence};
use crate::extract::{Mention, MentionKind, MentionSource, OrgKind, Recognizer};
use crate::graph::{EntityIndex, KnowledgeGraph};
use crate::import::ids::{auto_id, person_id};
use crate::model::{EntityKind, EntityRef, RelationKind};

/// How a mention ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// It names an entity of the graph.
    Linked,
    /// It names an organisation or person the graph does not know yet:
    /// taking the article in adds it (marked `auto`).
    New,
    /// Several entities hold the name and the article does not say which:
    /// see `candidates`.
    Ambiguous,
    /// Not an entity (an amount, a date, or a place the graph lacks).
    Unlinked,
}

/// One mention in an article, as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedMention {
    pub text: String,
    /// `organization`, `person`, `location`, `amount`, `date`, or `entity`
    /// for a known name of another kind (a product, a patent …).
    pub kind: String,
    /// Character offsets into the article's text.
    pub start: usize,
    pub end: usize,
    /// Index of the sentence it is in.
    pub sentence: usize,
    pub status: LinkStatus,
    /// The entity it names (linked), or the one taking the article in
    /// would add (new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_kind: Option<EntityKind>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<EntityRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// What found it: `graph` (a known name or short form), `rule`,
    /// `model` or `gazetteer`.
    pub source: String,
}

/// An entity an article introduces.
#[derive(Debug, Clone, Serialize)]
pub struct NewEntity {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A relation a sentence states.
#[derive(Debug, Clone, Serialize)]
pub struct StatedRelation {
    pub from: String,
    pub from_name: String,
    pub to: String,
    pub to_name: String,
    pub kind: RelationKind,
    /// The word that says it (孵化, 转让给, 董事长 …).
    pub cue: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub sentence: usize,
    /// The sentence, verbatim.
    pub quote: String,
}

/// What one article says.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    pub mentions: Vec<LinkedMention>,
    pub new_entities: Vec<NewEntity>,
    pub relations: Vec<StatedRelation>,
    /// The sentences, with their offsets in the text; relations quote
    /// them.
    #[serde(skip)]
    pub sentences: Vec<Sentence>,
}

/// What an extraction reads the graph with.
pub struct Reader<'a> {
    pub graph: &'a KnowledgeGraph,
    pub forms: &'a ShortForms,
    pub recognizer: &'a Recognizer,
}

/// The entity kind of a recognised organisation.
fn organisation_kind(mention: &Mention) -> Option<EntityKind> {
    match mention.org_kind? {
        OrgKind::Enterprise => Some(EntityKind::Enterprise),
        OrgKind::University => Some(EntityKind::University),
        OrgKind::Institute | OrgKind::Hospital | OrgKind::Lab => Some(EntityKind::Institute),
        OrgKind::Platform => Some(EntityKind::Platform),
        OrgKind::Government => Some(EntityKind::Agency),
        OrgKind::Other => crate::import::ids::guess_kind(&mention.text).filter(|k| link::is_organisation(*k)),
    }
}

/// The kind of a place the graph does not know: a zone (高新区, 开发区,
/// 园区 …) or a region (市, 省, 区, 县); other places are not written.
fn place_kind(name: &str) -> Option<EntityKind> {
    const ZONES: &[&str] = &["高新区", "开发区", "新区", "自贸区", "保税区", "园区", "科技城", "硅谷"];
    const REGIONS: &[&str] = &["省", "市", "区", "县", "镇"];
    if name.chars().count() < 3 {
        return None;
    }
    if ZONES.iter().any(|z| name.ends_with(z)) {
        Some(EntityKind::Zone)
    } else if REGIONS.iter().any(|r| name.ends_with(r)) {
        Some(EntityKind::Region)
    } else {
        None
    }
}

fn mention_fits(kind: MentionKind) -> impl Fn(EntityKind) -> bool {
    move |entity: EntityKind| match kind {
        MentionKind::Organization => link::is_organisation(entity),
        MentionKind::Person => entity == EntityKind::Person,
        MentionKind::Location => matches!(entity, EntityKind::Zone | EntityKind::Region | EntityKind::Platform),
        _ => false,
    }
}

/// A mention before linking, with article offsets.
struct Found {
    mention: Mention,
    sentence: usize,
    /// For a name the graph knows (by name or short form): the entities
    /// holding it; `None` for a mention only recognised.
    known: Option<Vec<EntityIndex>>,
}

/// Where a mention points, once linked.
#[derive(Debug, Clone)]
enum Target {
    Entity(EntityIndex),
    New(usize),
    Ambiguous(Vec<EntityIndex>),
    None,
}

/// Reads one article's text.
pub fn extract(reader: &Reader<'_>, text: &str) -> Extraction {
    let graph = reader.graph;
    let sentences = split_sentences(text);
    let mut found: Vec<Found> = Vec::new();
    for (number, sentence) in sentences.iter().enumerate() {
        // the recognizer's own cut gives the word boundaries known names
        // are looked for on
        let (recognised, boundaries) = reader.recognizer.read(&sentence.text);
        let known = link::known_spans(graph, reader.forms, &sentence.text, &boundaries);
        let chars: Vec<char> = sentence.text.chars().collect();
        let mut merged: Vec<Found> = Vec::new();
        for span in &known {
            // a longer recognised name around a known one wins (青岛高新区管委会
            // around 青岛高新区); a known name as long or longer wins
            let covered = recognised.iter().any(|m| {
                m.start <= span.start
                    && span.end <= m.end
                    && m.len() > span.end - span.start
                    && match m.kind {
                        // only a name with a head word (有限公司, 大学, 管委会 …)
                        // is surely longer than the known one inside it
                        MentionKind::Organization => m.org_kind.is_some_and(|k| k != OrgKind::Other),
                        MentionKind::Person => true,
                        _ => false,
                    }
            });
            if covered {
                continue;
            }
            let text: String = chars[span.start..span.end].iter().collect();
            let holders = link::holders(graph, reader.forms, &text).positions;
            let kind = holders.first().map(|&p| graph.kind_at(p));
            let mention_kind = match kind {
                Some(k) if link::is_organisation(k) => MentionKind::Organization,
                Some(EntityKind::Person) => MentionKind::Person,
                Some(EntityKind::Zone | EntityKind::Region) => MentionKind::Location,
                _ => MentionKind::Organization,
            };
            let mut mention = Mention::new(text, mention_kind, span.start, span.end, MentionSource::Gazetteer);
            // keep a role the recognizer read beside a person
            if let Some(m) = recognised.iter().find(|m| m.start == span.start && m.end == span.end) {
                mention.role = m.role.clone();
            }
            merged.push(Found {
                mention,
                sentence: number,
                known: Some(holders),
            });
        }
        for m in recognised {
            if merged.iter().any(|f| f.mention.overlaps(&m)) {
                continue;
            }
            merged.push(Found {
                mention: m,
                sentence: number,
                known: None,
            });
        }
        merged.sort_by_key(|f| f.mention.start);
        for mut f in merged {
            f.mention.start += sentence.start;
            f.mention.end += sentence.start;
            found.push(f);
        }
    }
    link_all(reader, sentences, found)
}

fn link_all(reader: &Reader<'_>, sentences: Vec<Sentence>, found: Vec<Found>) -> Extraction {
    let graph = reader.graph;
    // first pass: what names one entity alone
    let mut targets: Vec<Target> = Vec::with_capacity(found.len());
    let mut context: HashSet<EntityIndex> = HashSet::new();
    let mut holders_of: Vec<Vec<EntityIndex>> = Vec::with_capacity(found.len());
    for f in &found {
        let fits = mention_fits(f.mention.kind);
        let holders = match &f.known {
            // a known name of another kind (a product, a patent …) links
            // to what holds it
            Some(all) if all.iter().all(|&p| !fits(graph.kind_at(p))) => all.clone(),
            Some(all) => all.iter().copied().filter(|&p| fits(graph.kind_at(p))).collect(),
            None if matches!(
                f.mention.kind,
                MentionKind::Organization | MentionKind::Person | MentionKind::Location
            ) =>
            {
                let all = link::holders(graph, reader.forms, &f.mention.text).positions;
                all.into_iter().filter(|&p| fits(graph.kind_at(p))).collect()
            }
            None => Vec::new(),
        };
        if let [single] = holders.as_slice() {
            context.insert(*single);
        }
        holders_of.push(holders);
    }
    let mut new_entities: Vec<NewEntity> = Vec::new();
    let mut new_by_id: HashMap<String, usize> = HashMap::new();
    for (i, holders) in holders_of.iter().enumerate() {
        let target = match holders.len() {
            1 => Target::Entity(holders[0]),
            0 => new_target(reader, &found, i, &mut new_entities, &mut new_by_id),
            _ => {
                let chosen = link::choose(graph, holders, &context);
                match chosen.as_slice() {
                    [single] => Target::Entity(*single),
                    _ => Target::Ambiguous(chosen),
                }
            }
        };
        targets.push(target);
    }
    let mentions: Vec<LinkedMention> = found
        .iter()
        .zip(&targets)
        .map(|(f, target)| {
            let m = &f.mention;
            let (status, entity_id, entity_kind, candidates) = match target {
                Target::Entity(p) => {
                    let e = graph.entity_at(*p);
                    (LinkStatus::Linked, Some(e.id.to_string()), Some(e.kind), Vec::new())
                }
                Target::New(n) => (
                    LinkStatus::New,
                    Some(new_entities[*n].id.clone()),
                    Some(new_entities[*n].kind),
                    Vec::new(),
                ),
                Target::Ambiguous(c) => (
                    LinkStatus::Ambiguous,
                    None,
                    None,
                    c.iter()
                        .take(20)
                        .map(|&p| EntityRef::from(graph.entity_at(p)))
                        .collect(),
                ),
                Target::None => (LinkStatus::Unlinked, None, None, Vec::new()),
            };
            let kind = match (entity_kind, m.kind) {
                (Some(k), _)
                    if !link::is_organisation(k)
                        && !matches!(k, EntityKind::Person | EntityKind::Zone | EntityKind::Region) =>
                {
                    "entity".to_string()
                }
                _ => m.kind.as_str().to_string(),
            };
            LinkedMention {
                text: m.text.clone(),
                kind,
                start: m.start,
                end: m.end,
                sentence: f.sentence,
                status,
                entity_id,
                entity_kind,
                candidates,
                role: m.role.clone(),
                amount: m.amount.as_ref().map(|a| a.value),
                unit: m.amount.as_ref().map(|a| a.unit.clone()),
                date: m.date.clone(),
                source: match (&f.known, m.source) {
                    (Some(_), _) => "graph",
                    (None, MentionSource::Gazetteer) => "gazetteer",
                    (None, MentionSource::Model) => "model",
                    (None, MentionSource::Rule) => "rule",
                }
                .to_string(),
            }
        })
        .collect();
    let relations = relations(reader, &sentences, &found, &targets, &mut new_entities, &mut new_by_id);
    Extraction {
        mentions,
        new_entities,
        relations,
        sentences,
    }
}

/// A new entity for an unknown organisation or person, or none.
fn new_target(
    reader: &Reader<'_>,
    found: &[Found],
    i: usize,
    new_entities: &mut Vec<NewEntity>,
    new_by_id: &mut HashMap<String, usize>,
) -> Target {
    let m = &found[i].mention;
    let (id, kind) = match m.kind {
        MentionKind::Organization => match organisation_kind(m) {
            Some(kind) => (auto_id(kind, &m.text), kind),
            None => return Target::None,
        },
        MentionKind::Location => match place_kind(&m.text) {
            Some(kind) => (auto_id(kind, &m.text), kind),
            None => return Target::None,
        },
        MentionKind::Person => {
            // told apart by the organisation just before them in the sentence
            let organisation = found[..i]
                .iter()
                .rev()
                .take_while(|f| f.sentence == found[i].sentence)
                .find(|f| f.mention.kind == MentionKind::Organization)
                .map(|f| f.mention.text.as_str())
                .unwrap_or("");
            (person_id(&m.text, organisation), EntityKind::Person)
        }
        _ => return Target::None,
    };
    if let Some(p) = reader.graph.position_of_id(&id) {
        return Target::Entity(p);
    }
    let n = *new_by_id.entry(id.clone()).or_insert_with(|| {
        new_entities.push(NewEntity {
            id: id.clone(),
            kind,
            name: m.text.clone(),
            role: m.role.clone(),
        });
        new_entities.len() - 1
    });
    Target::New(n)
}

/// The award a sentence says a party won: the words from 荣获/获得/获 to
/// the next 奖, when short.
fn award_after(chars: &[char], from: usize) -> Option<(usize, usize)> {
    let window: String = chars[from..chars.len().min(from + 6)].iter().collect();
    let skip = ["荣获", "获得", "斩获", "摘得", "获"]
        .iter()
        .find(|w| window.starts_with(**w))?;
    let start = from + skip.chars().count();
    // the last 奖 before the clause ends (一等奖 after 科学技术进步奖)
    let limit = (start..chars.len().min(start + 30))
        .find(|&k| matches!(chars[k], '，' | '。' | '、' | '；' | ',' | ';'))
        .unwrap_or(chars.len().min(start + 30));
    let end = (start..limit).rev().find(|&k| chars[k] == '奖')?;
    let name: String = chars[start..=end].iter().collect();
    (end + 1 - start >= 4 && !name.contains(['，', '。', '、', '；'])).then_some((start, end + 1))
}

fn relations(
    reader: &Reader<'_>,
    sentences: &[Sentence],
    found: &[Found],
    targets: &[Target],
    new_entities: &mut Vec<NewEntity>,
    new_by_id: &mut HashMap<String, usize>,
) -> Vec<StatedRelation> {
    let graph = reader.graph;
    let mut out: Vec<StatedRelation> = Vec::new();
    for (number, sentence) in sentences.iter().enumerate() {
        let in_sentence: Vec<usize> = (0..found.len()).filter(|&i| found[i].sentence == number).collect();
        let mut parties: Vec<Party> = Vec::new();
        let mut party_mention: Vec<usize> = Vec::new();
        for &i in &in_sentence {
            let kind = match &targets[i] {
                Target::Entity(p) => graph.kind_at(*p),
                Target::New(n) => new_entities[*n].kind,
                _ => continue,
            };
            parties.push(Party {
                start: found[i].mention.start - sentence.start,
                end: found[i].mention.end - sentence.start,
                kind,
                role: found[i].mention.role.clone(),
            });
            party_mention.push(i);
        }
        let amount = in_sentence
            .iter()
            .find(|&&i| found[i].mention.kind == MentionKind::Amount)
            .and_then(|&i| found[i].mention.amount.clone());
        let year = in_sentence
            .iter()
            .find(|&&i| found[i].mention.kind == MentionKind::Date)
            .and_then(|&i| found[i].mention.date.clone());
        let mut stated: Vec<(usize, usize, RelationKind, String)> = cues::stated(&sentence.text, &parties)
            .into_iter()
            .map(|s| (party_mention[s.from], party_mention[s.to], s.kind, s.cue))
            .collect();
        // awards: 甲公司荣获山东省科技进步一等奖
        let chars: Vec<char> = sentence.text.chars().collect();
        let mut awards: Vec<(usize, String)> = Vec::new();
        for (k, party) in parties.iter().enumerate() {
            if !link::is_organisation(party.kind) && party.kind != EntityKind::Person {
                continue;
            }
            let mut at = party.end;
            while at < chars.len() && at < party.end + 4 && !matches!(chars[at], '，' | '。') {
                if let Some((s, e)) = award_after(&chars, at) {
                    let name: String = chars[s..e].iter().collect();
                    awards.push((party_mention[k], name));
                    break;
                }
                at += 1;
            }
        }
        let id_of = |i: usize, new_entities: &Vec<NewEntity>| -> Option<(String, String)> {
            match &targets[i] {
                Target::Entity(p) => {
                    let e = graph.entity_at(*p);
                    Some((e.id.to_string(), e.name.to_string()))
                }
                Target::New(n) => Some((new_entities[*n].id.clone(), new_entities[*n].name.clone())),
                _ => None,
            }
        };
        for (from, to, kind, cue) in stated.drain(..) {
            let (Some((from_id, from_name)), Some((to_id, to_name))) =
                (id_of(from, new_entities), id_of(to, new_entities))
            else {
                continue;
            };
            if from_id == to_id {
                // two names of one entity (a name and its short form, or
                // the same name twice): no relation to itself
                continue;
            }
            let money = matches!(
                kind,
                RelationKind::InvestsIn
                    | RelationKind::TransferredTo
                    | RelationKind::LicensedTo
                    | RelationKind::HoldsEquityIn
                    | RelationKind::SupportedBy
            );
            out.push(StatedRelation {
                from: from_id,
                from_name,
                to: to_id,
                to_name,
                kind,
                cue,
                since: year.clone(),
                amount: amount.as_ref().filter(|_| money).map(|a| a.value),
                unit: amount.as_ref().filter(|_| money).map(|a| a.unit.clone()),
                sentence: number,
                quote: sentence.text.clone(),
            });
        }
        for (winner, award) in awards {
            let Some((from_id, from_name)) = id_of(winner, new_entities) else {
                continue;
            };
            let holders: Vec<EntityIndex> = graph
                .name_holders(&award)
                .into_iter()
                .filter(|&p| graph.kind_at(p) == EntityKind::Award)
                .collect();
            let (to_id, to_name) = match holders.as_slice() {
                [p] => (graph.entity_at(*p).id.to_string(), graph.entity_at(*p).name.to_string()),
                [] => {
                    let id = auto_id(EntityKind::Award, &award);
                    if !new_by_id.contains_key(&id) && graph.position_of_id(&id).is_none() {
                        new_by_id.insert(id.clone(), new_entities.len());
                        new_entities.push(NewEntity {
                            id: id.clone(),
                            kind: EntityKind::Award,
                            name: award.clone(),
                            role: None,
                        });
                    }
                    (id, award.clone())
                }
                _ => continue,
            };
            out.push(StatedRelation {
                from: from_id,
                from_name,
                to: to_id,
                to_name,
                kind: RelationKind::WonAward,
                cue: "获奖".into(),
                since: year.clone(),
                amount: None,
                unit: None,
                sentence: number,
                quote: sentence.text.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;

    fn graph() -> KnowledgeGraph {
        let entity = |id: &str, kind: &str, name: &str, aliases: &[&str]| -> Entity {
            serde_json::from_value(serde_json::json!({"id": id, "kind": kind, "name": name, "aliases": aliases}))
                .unwrap()
        };
        KnowledgeGraph::from_records(
            vec![
                entity("ent_bj", "enterprise", "青岛伯杰医疗科技有限公司", &[]),
                entity("zone_hz", "zone", "青岛高新区", &["高新区"]),
                entity("uni_qau", "university", "青岛农业大学", &[]),
                entity("per_a", "person", "张伟", &[]),
                entity("per_b", "person", "张伟", &[]),
            ],
            vec![],
        )
        .unwrap()
    }

    #[test]
    fn an_article_gives_linked_new_and_ambiguous_mentions_and_relations() {
        let graph = graph();
        let forms = ShortForms::build(&graph);
        let recognizer = Recognizer::new();
        let reader = Reader {
            graph: &graph,
            forms: &forms,
            recognizer: &recognizer,
        };
        let text = "2024年3月，青岛蓝湾智能装备有限公司正式落户青岛高新区。伯杰医疗与青岛农业大学签署合作协议。张伟出席了仪式。";
        let extraction = extract(&reader, text);
        let by_text = |t: &str| {
            extraction
                .mentions
                .iter()
                .find(|m| m.text == t)
                .unwrap_or_else(|| panic!("{t}: {:#?}", extraction.mentions))
        };
        assert_eq!(by_text("青岛高新区").entity_id.as_deref(), Some("zone_hz"));
        assert_eq!(by_text("伯杰医疗").entity_id.as_deref(), Some("ent_bj"));
        assert_eq!(by_text("青岛蓝湾智能装备有限公司").status, LinkStatus::New);
        assert_eq!(by_text("张伟").status, LinkStatus::Ambiguous);
        assert_eq!(by_text("张伟").candidates.len(), 2);
        let chars: Vec<char> = text.chars().collect();
        for m in &extraction.mentions {
            assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
        }
        let relations: Vec<(&str, &str, RelationKind)> = extraction
            .relations
            .iter()
            .map(|r| (r.from_name.as_str(), r.to_name.as_str(), r.kind))
            .collect();
        assert!(
            relations.contains(&("青岛蓝湾智能装备有限公司", "青岛高新区", RelationKind::LocatedIn)),
            "{relations:?}"
        );
        assert!(
            relations.contains(&(
                "青岛伯杰医疗科技有限公司",
                "青岛农业大学",
                RelationKind::CollaboratesWith
            )),
            "{relations:?}"
        );
        let located = extraction
            .relations
            .iter()
            .find(|r| r.kind == RelationKind::LocatedIn)
            .unwrap();
        assert_eq!(located.since.as_deref(), Some("2024-03"));
        assert!(text.contains(&located.quote));
    }

    #[test]
    fn two_names_of_one_entity_state_no_relation_to_itself() {
        let graph = graph();
        let forms = ShortForms::build(&graph);
        let recognizer = Recognizer::new();
        let reader = Reader {
            graph: &graph,
            forms: &forms,
            recognizer: &recognizer,
        };
        for text in [
            "伯杰医疗与青岛伯杰医疗科技有限公司签署合作协议。",
            "青岛澜翊智能装备有限公司与青岛澜翊智能装备有限公司签署合作协议。",
            "青岛澜翊智能装备有限公司获得青岛澜翊智能装备有限公司1000万元投资。",
        ] {
            let extraction = extract(&reader, text);
            assert!(
                extraction.relations.iter().all(|r| r.from != r.to),
                "{text}: {:#?}",
                extraction.relations
            );
        }
    }
}

//! Articles to changes: each article's document, the entities it
//! introduces (marked `auto`, with the article as their source), a
//! `mentions` relation from the document to everything it names (the
//! sentences as evidence), and the typed relations its sentences state.
//! A relation the graph (or an earlier article of the batch) already has
//! gains the new sentence as evidence instead of being written twice.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::article::Article;
use super::extraction::{extract, Extraction, LinkStatus, Reader};
use crate::model::{Change, Entity, Evidence, Relation, RelationKind};
use crate::Result;

/// Most quotes one relation keeps: the first ones stay, later ones are
/// dropped (a company named in a thousand articles does not carry a
/// thousand sentences on each link).
pub const MAX_EVIDENCE: usize = 20;

/// Most sentences a `mentions` relation quotes from its article.
const MENTION_QUOTES: usize = 3;

/// What one article gave.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    pub id: String,
    pub title: String,
    pub source: String,
    pub sentences: usize,
    pub mentions: usize,
    pub linked: usize,
    pub new_entities: usize,
    pub ambiguous: usize,
    pub relations: usize,
    /// The whole extraction, for a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extraction: Option<Extraction>,
}

/// The changes that take a batch of articles in, and what each gave.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub articles: Vec<ArticleSummary>,
    pub changes: Vec<Change>,
}

/// Key of a relation: ends and kind (collaborations keyed both ways).
type Key = (String, String, RelationKind);

/// Plans the changes for `articles`, reading the graph through `reader`.
/// `keep_extractions` keeps each article's whole extraction in its
/// summary (dry runs show it).
///
/// Fails with [`crate::Error::InvalidParameter`] naming the article (its source
/// and position) for an article that cannot be a document.
pub fn plan(reader: &Reader<'_>, articles: &[Article], keep_extractions: bool) -> Result<Planned> {
    let graph = reader.graph;
    let mut documents: Vec<Change> = Vec::new();
    let mut entities: Vec<Change> = Vec::new();
    let mut entity_ids: HashSet<String> = HashSet::new();
    let mut relations: BTreeMap<Key, Relation> = BTreeMap::new();
    let mut order: Vec<Key> = Vec::new();
    let mut summaries = Vec::with_capacity(articles.len());
    let mut seen_documents: HashSet<String> = HashSet::new();
    for (at, article) in articles.iter().enumerate() {
        let document = article.checked_document(at)?;
        if !seen_documents.insert(document.id.clone()) {
            // the same article twice in one batch: taken once
            continue;
        }
        let extraction = extract(reader, &document.text);
        for new in &extraction.new_entities {
            if !entity_ids.insert(new.id.clone()) {
                continue;
            }
            let mut props = serde_json::Map::new();
            props.insert("auto".into(), true.into());
            props.insert("source".into(), document.id.clone().into());
            if let Some(role) = &new.role {
                props.insert("role".into(), role.clone().into());
            }
            let entity: Entity = Entity {
                id: new.id.clone(),
                kind: new.kind,
                name: new.name.clone(),
                aliases: Vec::new(),
                description: String::new(),
                industry: Vec::new(),
                location: String::new(),
                props,
            };
            entities.push(Change::PutEntity { entity });
        }
        // document → everything it names, the sentences as evidence
        let mut named: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for m in &extraction.mentions {
            if matches!(m.status, LinkStatus::Linked | LinkStatus::New) {
                if let Some(id) = &m.entity_id {
                    let sentences = named.entry(id.clone()).or_default();
                    if !sentences.contains(&m.sentence) {
                        sentences.push(m.sentence);
                    }
                }
            }
        }
        for (id, sentences) in &named {
            let key = (document.id.clone(), id.clone(), RelationKind::Mentions);
            let evidence = sentences
                .iter()
                .take(MENTION_QUOTES)
                .map(|&s| Evidence {
                    doc: document.id.clone(),
                    quote: extraction.sentences[s].text.clone(),
                })
                .collect();
            order.push(key.clone());
            relations.insert(
                key,
                Relation {
                    from: document.id.clone(),
                    to: id.clone(),
                    kind: RelationKind::Mentions,
                    since: (!document.date.is_empty()).then(|| document.date.clone()),
                    amount: None,
                    unit: None,
                    props: serde_json::Map::new(),
                    evidence,
                },
            );
        }
        for stated in &extraction.relations {
            let evidence = Evidence {
                doc: document.id.clone(),
                quote: stated.quote.clone(),
            };
            let mut key = (stated.from.clone(), stated.to.clone(), stated.kind);
            if stated.kind == RelationKind::CollaboratesWith {
                let reverse = (stated.to.clone(), stated.from.clone(), stated.kind);
                if relations.contains_key(&reverse)
                    || graph.relation_record(&reverse.0, &reverse.1, reverse.2)?.is_some()
                {
                    key = reverse;
                }
            }
            if !relations.contains_key(&key) {
                let existing = graph.relation_record(&key.0, &key.1, key.2)?;
                let relation = existing.unwrap_or_else(|| Relation {
                    from: key.0.clone(),
                    to: key.1.clone(),
                    kind: key.2,
                    since: None,
                    amount: None,
                    unit: None,
                    props: serde_json::Map::new(),
                    evidence: Vec::new(),
                });
                order.push(key.clone());
                relations.insert(key.clone(), relation);
            }
            let relation = relations.get_mut(&key).expect("inserted above");
            if relation.since.is_none() {
                // a date read from text that is not a valid one is left
                // out rather than failing the whole batch
                relation.since = stated
                    .since
                    .clone()
                    .filter(|date| crate::model::is_valid_date(date))
                    .or_else(|| (!document.date.is_empty()).then(|| document.date.clone()));
            }
            if relation.amount.is_none() && stated.amount.is_some_and(f64::is_finite) {
                relation.amount = stated.amount;
                relation.unit = stated.unit.clone();
            }
            if relation.evidence.len() < MAX_EVIDENCE && !relation.evidence.contains(&evidence) {
                relation.evidence.push(evidence);
            }
        }
        summaries.push(ArticleSummary {
            id: document.id.clone(),
            title: document.title.clone(),
            source: document.source.clone(),
            sentences: extraction.sentences.len(),
            mentions: extraction.mentions.len(),
            linked: count(&extraction, LinkStatus::Linked),
            new_entities: extraction.new_entities.len(),
            ambiguous: count(&extraction, LinkStatus::Ambiguous),
            relations: extraction.relations.len(),
            extraction: keep_extractions.then_some(extraction),
        });
        documents.push(Change::PutDocument { document });
    }
    let mut changes = documents;
    changes.extend(entities);
    let mut written: HashSet<Key> = HashSet::new();
    for key in order {
        if !written.insert(key.clone()) {
            continue;
        }
        if let Some(relation) = relations.remove(&key) {
            changes.push(Change::PutRelation { relation });
        }
    }
    Ok(Planned {
        articles: summaries,
        changes,
    })
}

fn count(extraction: &Extraction, status: LinkStatus) -> usize {
    extraction.mentions.iter().filter(|m| m.status == status).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Recognizer;
    use crate::graph::KnowledgeGraph;
    use crate::ingest::ShortForms;

    #[test]
    fn a_relation_stated_twice_is_written_once_with_both_quotes() {
        let entity = |id: &str, kind: &str, name: &str| -> Entity {
            serde_json::from_value(serde_json::json!({"id": id, "kind": kind, "name": name})).unwrap()
        };
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("ent_a", "enterprise", "青岛甲乙科技有限公司"),
                entity("uni_b", "university", "青岛农业大学"),
            ],
            vec![],
        )
        .unwrap();
        let forms = ShortForms::build(&graph);
        let recognizer = Recognizer::new();
        let reader = Reader {
            graph: &graph,
            forms: &forms,
            recognizer: &recognizer,
        };
        let article = |text: &str| Article {
            title: "新闻".into(),
            text: text.into(),
            date: "2024-05-01".into(),
            ..Article::default()
        };
        let articles = [
            article("青岛甲乙科技有限公司与青岛农业大学签署合作协议。"),
            article("青岛农业大学与甲乙科技深化合作，共建联合实验室。"),
        ];
        let planned = plan(&reader, &articles, false).unwrap();
        let collaborations: Vec<&Relation> = planned
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::PutRelation { relation } if relation.kind == RelationKind::CollaboratesWith => Some(relation),
                _ => None,
            })
            .collect();
        assert_eq!(collaborations.len(), 1, "{:#?}", planned.changes);
        assert_eq!(
            collaborations[0].evidence.len(),
            2,
            "{:#?}",
            plan(&reader, &articles, true).unwrap().articles
        );
        assert_eq!(collaborations[0].since.as_deref(), Some("2024-05-01"));
        // documents first, so that evidence cites a document the batch has
        assert!(matches!(planned.changes[0], Change::PutDocument { .. }));
        assert!(matches!(planned.changes[1], Change::PutDocument { .. }));
        let mentions = planned
            .changes
            .iter()
            .filter(|c| matches!(c, Change::PutRelation { relation } if relation.kind == RelationKind::Mentions))
            .count();
        assert_eq!(mentions, 4);
    }
}

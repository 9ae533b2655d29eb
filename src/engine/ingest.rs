//! Reading articles against the graph as it is now, and taking them in:
//! extraction for `POST /api/extract` (writes nothing), and ingest for
//! `innograph ingest` and `POST /api/documents`, in batches written whole
//! through [`Engine::write_batch`], each batch planned against the graph
//! the previous one left (so that an organisation a batch adds is linked,
//! not added again, by the next).

use std::sync::{PoisonError, RwLockReadGuard};

use serde::Serialize;

use super::{Engine, WriteRules};
use crate::extract::Recognizer;
use crate::ingest::{self, Article, ArticleSummary, Extraction, Reader, ShortForms};
use crate::model::Change;
use crate::{Error, Result};

/// Articles planned and written together by default: large enough that
/// the graph copy and the search commit of a batch are shared by many
/// articles, small enough that a batch is written in well under a second.
pub const DEFAULT_INGEST_CHUNK: usize = 200;

/// How to take articles in.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    /// Plan and report, write nothing.
    pub dry_run: bool,
    /// Articles per written batch.
    pub chunk: usize,
    /// Keep each article's whole extraction in the receipt.
    pub details: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            dry_run: false,
            chunk: DEFAULT_INGEST_CHUNK,
            details: false,
        }
    }
}

/// What an ingest did (or, for a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct IngestReceipt {
    pub dry_run: bool,
    pub articles: usize,
    /// Articles skipped because the same article came earlier.
    pub duplicates: usize,
    pub batches: usize,
    pub documents: usize,
    pub new_entities: usize,
    /// Typed relations (not `mentions`) written or gaining evidence.
    pub relations: usize,
    pub mentions: usize,
    pub linked: usize,
    pub ambiguous: usize,
    pub changes: usize,
    /// Relations read from text that the corpus rules refused (logged as
    /// warnings): left out, the rest of their batch written.
    pub refused_relations: usize,
    /// One summary per article (with the extraction when asked for).
    pub summaries: Vec<ArticleSummary>,
    /// For a dry run: the changes that would be written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<Vec<Change>>,
    pub elapsed_ms: f64,
}

impl Engine {
    /// The recognizer, loaded on first use (its model takes a moment).
    fn recognizer(&self) -> &Recognizer {
        self.recognizer.get_or_init(Recognizer::new)
    }

    /// The short forms of the graph's organisations, built on first use
    /// and kept current by every write after.
    fn short_forms(&self) -> RwLockReadGuard<'_, Option<ShortForms>> {
        {
            let forms = self.short_forms.read().unwrap_or_else(PoisonError::into_inner);
            if forms.is_some() {
                return forms;
            }
        }
        {
            let mut forms = self.short_forms.write().unwrap_or_else(PoisonError::into_inner);
            if forms.is_none() {
                let started = std::time::Instant::now();
                let built = ShortForms::build(&self.graph());
                tracing::info!(
                    forms = built.len(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "short forms of organisation names built"
                );
                *forms = Some(built);
            }
        }
        self.short_forms.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds the short forms and name starts of entities just written (when
    /// they are built).
    pub(super) fn note_short_forms(&self, changes: &[Change]) {
        let mut forms = self.short_forms.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(forms) = forms.as_mut() {
            for change in changes {
                if let Change::PutEntity { entity } = change {
                    forms.add_names(entity.names());
                    if ingest::link::is_organisation(entity.kind) {
                        forms.add(&entity.id, entity.kind, entity.names());
                    }
                }
            }
        }
    }

    /// The mentions and relations in `text`, linked to the graph as it is
    /// now. Writes nothing.
    ///
    /// Fails with [`Error::InvalidParameter`] for an empty text or one
    /// over [`ingest::MAX_ARTICLE_BYTES`].
    pub fn extract(&self, text: &str) -> Result<Extraction> {
        if text.trim().is_empty() {
            return Err(Error::invalid_parameter("text", "is empty: give the text to read"));
        }
        if text.len() > ingest::MAX_ARTICLE_BYTES {
            return Err(Error::invalid_parameter(
                "text",
                format!(
                    "is {:.1} MB, over the {} MB one text may have: send it in parts",
                    text.len() as f64 / 1e6,
                    ingest::MAX_ARTICLE_BYTES >> 20
                ),
            ));
        }
        let graph = self.graph();
        let forms = self.short_forms();
        let reader = Reader {
            graph: &graph,
            forms: forms.as_ref().expect("built by short_forms"),
            recognizer: self.recognizer(),
        };
        Ok(ingest::extract(&reader, text))
    }

    /// Takes `articles` in: documents, new entities, `mentions` and typed
    /// relations with their sentences, in batches of `options.chunk`
    /// articles, each written whole and durably before the next is planned.
    ///
    /// Every article is checked before anything is written: one that
    /// cannot be a document fails the call with nothing written.
    pub fn ingest(&self, articles: Vec<Article>, options: IngestOptions) -> Result<IngestReceipt> {
        let started = std::time::Instant::now();
        if articles.is_empty() {
            return Err(Error::invalid_parameter("articles", "no article to take in"));
        }
        // every article checked before anything is written
        for (at, article) in articles.iter().enumerate() {
            article.checked_document(at)?;
        }
        // a dry run plans everything against the graph as it is
        let chunk = if options.dry_run {
            articles.len()
        } else {
            options.chunk.max(1)
        };
        let mut receipt = IngestReceipt {
            dry_run: options.dry_run,
            articles: articles.len(),
            duplicates: 0,
            batches: 0,
            documents: 0,
            new_entities: 0,
            relations: 0,
            mentions: 0,
            linked: 0,
            ambiguous: 0,
            changes: 0,
            refused_relations: 0,
            summaries: Vec::new(),
            planned: options.dry_run.then(Vec::new),
            elapsed_ms: 0.0,
        };
        let mut seen = std::collections::HashSet::new();
        let articles: Vec<Article> = articles.into_iter().filter(|a| seen.insert(a.document_id())).collect();
        receipt.duplicates = receipt.articles - articles.len();
        for batch in articles.chunks(chunk) {
            let planned = {
                let graph = self.graph();
                let forms = self.short_forms();
                let reader = Reader {
                    graph: &graph,
                    forms: forms.as_ref().expect("built by short_forms"),
                    recognizer: self.recognizer(),
                };
                ingest::plan(&reader, batch, options.details || options.dry_run)?
            };
            receipt.batches += 1;
            receipt.changes += planned.changes.len();
            for change in &planned.changes {
                match change {
                    Change::PutDocument { .. } => receipt.documents += 1,
                    Change::PutEntity { .. } => receipt.new_entities += 1,
                    Change::PutRelation { relation } if relation.kind != crate::model::RelationKind::Mentions => {
                        receipt.relations += 1
                    }
                    _ => {}
                }
            }
            for summary in &planned.articles {
                receipt.mentions += summary.mentions;
                receipt.linked += summary.linked;
                receipt.ambiguous += summary.ambiguous;
            }
            receipt.summaries.extend(planned.articles);
            match receipt.planned.as_mut() {
                Some(all) => all.extend(planned.changes),
                None => {
                    let rules = WriteRules { allow_same_name: true };
                    let dropped = write_dropping_bad_relations(planned.changes, |changes| {
                        self.write_batch(changes, rules).map(|_| ())
                    })?;
                    for (change, error) in &dropped {
                        tracing::warn!(?change, %error, "a relation read from text was refused and left out");
                    }
                    receipt.refused_relations += dropped.len();
                }
            }
        }
        receipt.elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
        tracing::info!(
            articles = receipt.articles,
            batches = receipt.batches,
            new_entities = receipt.new_entities,
            relations = receipt.relations,
            elapsed_ms = receipt.elapsed_ms,
            dry_run = receipt.dry_run,
            "articles taken in"
        );
        Ok(receipt)
    }
}

/// Writes `changes` with `write`, all at once when it can. When the batch
/// is refused, its documents and entities (which the relations need) are
/// written alone, and the relations in halves, each half split again when
/// refused, down to the single relations the rules refuse: those are left
/// out and returned with why. A batch with one bad relation costs a few
/// more writes, not the whole batch. An error that is not a refusal (the
/// index, the disk) stops the write and is returned.
fn write_dropping_bad_relations(
    changes: Vec<Change>,
    mut write: impl FnMut(Vec<Change>) -> Result<()>,
) -> Result<Vec<(Change, Error)>> {
    let refused = |error: &Error| error.status() / 100 == 4;
    match write(changes.clone()) {
        Ok(()) => return Ok(Vec::new()),
        Err(error) if !refused(&error) => return Err(error),
        Err(_) => {}
    }
    let (relations, others): (Vec<Change>, Vec<Change>) = changes
        .into_iter()
        .partition(|c| matches!(c, Change::PutRelation { .. }));
    if !others.is_empty() {
        write(others)?;
    }
    let mut dropped = Vec::new();
    let mut pending = vec![relations];
    while let Some(part) = pending.pop() {
        if part.is_empty() {
            continue;
        }
        match write(part.clone()) {
            Ok(()) => {}
            Err(error) if !refused(&error) => return Err(error),
            Err(error) if part.len() == 1 => {
                if let Some(change) = part.into_iter().next() {
                    dropped.push((change, error));
                }
            }
            Err(_) => {
                let mut part = part;
                let second = part.split_off(part.len() / 2);
                pending.push(second);
                pending.push(part);
            }
        }
    }
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Relation, RelationKind};

    fn relation(to: &str) -> Change {
        Change::PutRelation {
            relation: Relation {
                from: "doc".into(),
                to: to.into(),
                kind: RelationKind::Mentions,
                since: None,
                amount: None,
                unit: None,
                props: serde_json::Map::new(),
                evidence: Vec::new(),
            },
        }
    }

    #[test]
    fn one_refused_relation_is_left_out_and_the_rest_written() {
        let document = Change::PutDocument {
            document: Document {
                id: "doc".into(),
                title: "t".into(),
                text: "x".into(),
                date: String::new(),
                source: String::new(),
                title_derived: false,
            },
        };
        let mut changes = vec![document];
        changes.extend((0..10).map(|i| relation(&format!("e{i}"))));
        changes.push(relation("bad"));
        let mut written: Vec<Change> = Vec::new();
        let mut calls = 0;
        let dropped = write_dropping_bad_relations(changes, |batch| {
            calls += 1;
            if batch
                .iter()
                .any(|c| matches!(c, Change::PutRelation { relation } if relation.to == "bad"))
            {
                return Err(Error::invalid_parameter("to", "refused"));
            }
            written.extend(batch);
            Ok(())
        })
        .unwrap();
        assert_eq!(dropped.len(), 1);
        assert_eq!(written.len(), 11, "the document and ten relations");
        assert!(calls <= 12, "{calls} writes");
        // a failure that is not a refusal stops everything
        let error = write_dropping_bad_relations(vec![relation("a")], |_| {
            Err(Error::WritesStopped { reason: "disk".into() })
        });
        assert!(error.is_err());
    }
}

//! Writing entries into the search index: an entity's profile or an
//! article becomes one tantivy document (its words, bigrams, identifier
//! forms, facet values and year), added, replaced or deleted by id, and
//! committed with the graph log position it reflects.

use std::path::Path;

use tantivy::indexer::LogMergePolicy;
use tantivy::schema::TantivyDocument;
use tantivy::{Index, IndexWriter, Term};

use super::schema::{build_schema, exact_name, register_tokenizers, Fields, DOCUMENT_KIND};
use crate::model::{Change, Document, Entity};
use crate::text::{find_identifiers, may_hold_identifiers, normalize, Segmenter};
use crate::Result;

/// Memory for the index writer of a build, shared by its threads.
const WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;
/// Memory for the writer of incremental changes.
const UPDATE_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// Entries below which the segments incremental changes make are merged
/// as one size class. Each commit of a few writes makes a small segment;
/// with tantivy's default (10,000) every merge of eight of them rewrites
/// the one all earlier merges made, until it reaches that size, which at
/// one article a commit costs more than the writes themselves.
const UPDATE_MIN_LAYER_ENTRIES: u32 = 1000;

/// Keys of the commit payload that records a graph log position.
const EPOCH_KEY: &str = "graph_epoch";
const LOGGED_KEY: &str = "logged";

/// Adds, replaces and deletes entries; [`SearchWriter::commit`] makes the
/// changes durable and [`SearchIndex::reload`](super::SearchIndex::reload)
/// makes them visible.
pub struct SearchWriter {
    writer: IndexWriter,
    fields: Fields,
    /// Entries are stamped with the dictionary version they are indexed with.
    segmenter: Segmenter,
}

impl SearchWriter {
    /// Creates an empty index in `dir` (which must exist and be empty).
    pub fn create(dir: &Path, segmenter: &Segmenter) -> Result<SearchWriter> {
        let index = Index::create_in_dir(dir, build_schema())?;
        register_tokenizers(&index, segmenter);
        let fields = Fields::resolve(&index.schema())?;
        SearchWriter::with_heap(&index, fields, segmenter, WRITER_HEAP_BYTES)
    }

    /// A writer of incremental changes to an opened index. One writer at a
    /// time: a second call fails while the first is alive.
    ///
    /// It indexes on one thread, so that a commit makes one segment, and
    /// merges small segments by size classes from
    /// [`UPDATE_MIN_LAYER_ENTRIES`] entries.
    pub(super) fn for_updates(index: &Index, fields: Fields, segmenter: &Segmenter) -> Result<SearchWriter> {
        let writer = index.writer_with_num_threads(1, UPDATE_HEAP_BYTES)?;
        let mut merges = LogMergePolicy::default();
        merges.set_min_layer_size(UPDATE_MIN_LAYER_ENTRIES);
        writer.set_merge_policy(Box::new(merges));
        Ok(SearchWriter {
            writer,
            fields,
            segmenter: segmenter.clone(),
        })
    }

    fn with_heap(index: &Index, fields: Fields, segmenter: &Segmenter, heap_bytes: usize) -> Result<SearchWriter> {
        Ok(SearchWriter {
            writer: index.writer(heap_bytes)?,
            fields,
            segmenter: segmenter.clone(),
        })
    }

    /// Removes the entry with this id (entity or document), if any.
    pub fn delete(&self, key: &str) {
        self.writer.delete_term(Term::from_field_text(self.fields.key, key));
    }

    /// Brings the index in line with a graph change: an entity or document
    /// put replaces its entry, an entity (or document) deleted loses it;
    /// relations have no entries. Returns whether the index changed (and
    /// needs a commit).
    pub fn apply_change(&self, change: &Change) -> Result<bool> {
        match change {
            Change::PutEntity { entity } => self.upsert_entity(entity)?,
            Change::PutDocument { document } => self.upsert_document(document)?,
            Change::DeleteEntity { id } => self.delete(id),
            Change::PutRelation { .. } | Change::DeleteRelation { .. } => return Ok(false),
        }
        Ok(true)
    }

    /// Adds an entity's profile, replacing any entry with its id.
    pub fn upsert_entity(&self, entity: &Entity) -> Result<()> {
        self.delete(&entity.id);
        self.add_entity(entity)
    }

    /// Adds an article, replacing any entry with its id.
    pub fn upsert_document(&self, document: &Document) -> Result<()> {
        self.delete(&document.id);
        self.add_document(document)
    }

    /// Adds an entity's profile.
    pub fn add_entity(&self, entity: &Entity) -> Result<()> {
        self.writer.add_document(self.entity_entry(entity))?;
        Ok(())
    }

    /// Adds an article.
    pub fn add_document(&self, document: &Document) -> Result<()> {
        self.writer.add_document(self.document_entry(document))?;
        Ok(())
    }

    /// The entry of an entity: its names as words, bigrams and whole names,
    /// its profile, its industries and location as facets and words, the
    /// identifiers written in it and the year it is dated by.
    fn entity_entry(&self, entity: &Entity) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &entity.id);
        doc.add_text(f.dictionary, self.segmenter.version());
        doc.add_text(f.kind, entity.kind.as_str());
        for industry in &entity.industry {
            doc.add_text(f.industry, industry);
            doc.add_text(f.tags, industry);
            doc.add_text(f.body_bigrams, industry);
        }
        for identifier in identifier_forms(
            entity
                .props
                .values()
                .filter_map(|v| v.as_str())
                .chain([entity.description.as_str(), entity.name.as_str()]),
        ) {
            doc.add_text(f.codes, identifier);
        }
        if let Some(year) = entity_year(entity) {
            doc.add_text(f.year, year.to_string());
        }
        if !entity.location.is_empty() {
            doc.add_text(f.location, &entity.location);
            doc.add_text(f.tags, &entity.location);
            doc.add_text(f.body_bigrams, &entity.location);
        }
        doc.add_text(f.title, &entity.name);
        for name in entity.names() {
            doc.add_text(f.title_bigrams, name);
            doc.add_text(f.names_exact, exact_name(name));
        }
        for alias in &entity.aliases {
            doc.add_text(f.aliases, alias);
        }
        doc.add_text(f.body, &entity.description);
        doc.add_text(f.body_bigrams, &entity.description);
        doc
    }

    /// The entry of an article: title and text as words and bigrams, its
    /// date and year, and the identifiers written in it.
    fn document_entry(&self, document: &Document) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &document.id);
        doc.add_text(f.dictionary, self.segmenter.version());
        doc.add_text(f.kind, DOCUMENT_KIND);
        doc.add_text(f.title, &document.title);
        doc.add_text(f.title_bigrams, &document.title);
        doc.add_text(f.body, &document.text);
        doc.add_text(f.body_bigrams, &document.text);
        if !document.date.is_empty() {
            doc.add_text(f.date, &document.date);
            if let Some(year) = document.date.get(..4) {
                doc.add_text(f.year, year);
            }
        }
        for identifier in identifier_forms([document.title.as_str(), document.text.as_str()]) {
            doc.add_text(f.codes, identifier);
        }
        doc
    }

    /// Makes every change so far durable (not yet visible to readers).
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        Ok(())
    }

    /// Commits, recording that the index now holds the entity changes of
    /// the first `logged` changes of the graph log that follows snapshot
    /// epoch `epoch` (see
    /// [`SearchIndex::logged_position`](super::SearchIndex::logged_position)).
    pub fn commit_logged(&mut self, epoch: u64, logged: usize) -> Result<()> {
        let mut commit = self.writer.prepare_commit()?;
        commit.set_payload(&serde_json::json!({ EPOCH_KEY: epoch, LOGGED_KEY: logged }).to_string());
        commit.commit()?;
        Ok(())
    }

    /// Drops the changes made since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        Ok(())
    }

    /// Commits and waits for background merges: the end of a build.
    pub fn finish(mut self) -> Result<()> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// The graph log position a commit payload written by
/// [`SearchWriter::commit_logged`] records: snapshot epoch and changes
/// held. `None` for any other payload.
pub(super) fn logged_position(payload: &str) -> Option<(u64, usize)> {
    let value: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
    match (value[EPOCH_KEY].as_u64(), value[LOGGED_KEY].as_u64()) {
        (Some(epoch), Some(logged)) => Some((epoch, logged as usize)),
        _ => None,
    }
}

/// Every canonical form of every identifier in `texts`, without repeats.
fn identifier_forms<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut forms: Vec<String> = texts
        .into_iter()
        .filter(|text| may_hold_identifiers(text))
        .flat_map(|text| find_identifiers(&normalize(text)))
        .flat_map(|identifier| identifier.forms)
        .collect();
    forms.sort();
    forms.dedup();
    forms
}

/// The year an entity is dated by, if any: founding year, a `year` fact or
/// the application date of a patent.
fn entity_year(entity: &Entity) -> Option<u16> {
    let props = &entity.props;
    let numeric = ["founded", "year", "start"]
        .iter()
        .find_map(|key| props.get(*key).and_then(|v| v.as_u64()))
        .map(|y| y as u16);
    numeric
        .or_else(|| {
            props
                .get("applied")
                .and_then(|v| v.as_str())
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse().ok())
        })
        .filter(|y| (1900..=2100).contains(y))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::EntityKind;
    use crate::search::{SearchIndex, SearchRequest};

    /// An enterprise with a name and a profile, nothing else.
    pub(in crate::search) fn entity(id: &str, name: &str, description: &str) -> Entity {
        Entity {
            id: id.into(),
            kind: EntityKind::Enterprise,
            name: name.into(),
            aliases: vec![],
            description: description.into(),
            industry: vec![],
            location: String::new(),
            props: Default::default(),
        }
    }

    /// The ids of the first ten hits of `q`.
    pub(in crate::search) fn ids(index: &SearchIndex, q: &str) -> Vec<String> {
        index
            .search(&SearchRequest::new(q, 10))
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn add_replace_and_delete_without_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new(["甲储能"]);
        let writer = SearchWriter::create(dir.path(), &segmenter).unwrap();
        writer.add_entity(&entity("a", "甲储能", "储能电池")).unwrap();
        writer.finish().unwrap();
        let index = SearchIndex::open(dir.path(), segmenter).unwrap();
        assert_eq!(ids(&index, "储能"), ["a"]);

        let mut writer = index.writer().unwrap();
        writer.upsert_entity(&entity("b", "乙光伏", "光伏组件")).unwrap();
        writer.upsert_entity(&entity("a", "甲储能", "氢能装备")).unwrap();
        writer
            .upsert_document(&Document {
                id: "d".into(),
                title: "新闻".into(),
                text: "乙光伏扩产".into(),
                date: "2024".into(),
                ..Default::default()
            })
            .unwrap();
        writer.commit().unwrap();
        index.reload().unwrap();
        assert_eq!(ids(&index, "光伏").len(), 2, "the new entity and article are visible");
        assert!(ids(&index, "电池").is_empty(), "the replaced profile is gone");
        assert_eq!(ids(&index, "氢能"), ["a"]);
        assert_eq!(index.num_entries(), 3);

        writer.delete("b");
        writer.commit().unwrap();
        index.reload().unwrap();
        assert_eq!(ids(&index, "光伏"), ["d"]);
    }

    #[test]
    fn a_logged_commit_records_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new([]);
        SearchWriter::create(dir.path(), &segmenter).unwrap().finish().unwrap();
        let index = SearchIndex::open(dir.path(), segmenter).unwrap();
        assert_eq!(index.logged_position().unwrap(), None);
        let mut writer = index.writer().unwrap();
        writer.commit_logged(7, 42).unwrap();
        assert_eq!(index.logged_position().unwrap(), Some((7, 42)));
        assert_eq!(logged_position("not json"), None);
    }

    #[test]
    fn entities_are_dated_by_founding_year_or_application() {
        let mut founded = entity("a", "甲", "");
        founded.props.insert("founded".into(), 2015.into());
        assert_eq!(entity_year(&founded), Some(2015));
        let mut applied = entity("p", "专利", "");
        applied.props.insert("applied".into(), "2021-03-04".into());
        assert_eq!(entity_year(&applied), Some(2021));
        let mut odd = entity("o", "乙", "");
        odd.props.insert("applied".into(), "二〇二一".into());
        assert_eq!(entity_year(&odd), None);
        odd.props.insert("year".into(), 99.into());
        assert_eq!(entity_year(&odd), None, "years outside 1900..=2100 are ignored");
    }
}

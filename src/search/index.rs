//! Writing entries into the search index and answering search requests.

use std::ops::Bound;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, RegexPhraseQuery,
    RegexQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use super::facets::{FacetCache, FacetCounter, Facets};
use super::query::{parse_query, Filter, FilterField, ParsedQuery, QueryPart};
use super::schema::{build_schema, Fields, DOCUMENT_KIND};
use super::snippet::highlight;
use crate::model::{check_date, Change};
use crate::model::{Document, Entity, EntityKind};
use crate::text::{
    bigrams, find_identifiers, is_cjk, normalize, BigramTokenizer, Segmenter, WordTokenizer, BIGRAM_TOKENIZER,
    MAX_SUBWORD_CHARS, WORD_TOKENIZER,
};
use crate::{Error, Result};

/// Largest page a search returns.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset a search pages to.
pub const MAX_OFFSET: usize = 10_000;
/// Characters of text in a snippet.
const SNIPPET_CHARS: usize = 120;
/// Memory for the index writer, shared by its threads.
const WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;

/// What to search for.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SearchRequest {
    /// The query text.
    pub q: String,
    /// Only entries of this kind (`document` or an entity kind).
    pub kind: Option<String>,
    /// Only entries in this industry.
    pub industry: Option<String>,
    /// Only entries at this location.
    pub location: Option<String>,
    /// Only entries dated on or after this (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only entries dated on or before this.
    pub to: Option<String>,
    /// Only entities within `hops` relations of this entity (id, name or alias).
    pub near: Option<String>,
    /// Radius of `near`, 1 to 3 (default 2).
    pub hops: Option<usize>,
    /// Only these entries (ids): the resolved neighbourhood of `near`.
    #[serde(skip)]
    pub restrict_to: Option<Vec<String>>,
    pub offset: usize,
    pub limit: usize,
}

impl SearchRequest {
    /// A request for the first `limit` hits of `q`.
    pub fn new(q: impl Into<String>, limit: usize) -> Self {
        SearchRequest {
            q: q.into(),
            kind: None,
            industry: None,
            location: None,
            from: None,
            to: None,
            near: None,
            hops: None,
            restrict_to: None,
            offset: 0,
            limit,
        }
    }
}

/// One ranked result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchHit {
    pub id: String,
    /// `document` or the entity kind.
    pub kind: String,
    /// Set for entity hits.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Set for document hits.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    pub score: f32,
    /// Text around the matches, HTML-escaped, matches in `<em>`.
    pub snippet: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<String>,
    /// For entity hits: how many relations the entity takes part in.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub relation_count: Option<usize>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    pub offset: usize,
    pub limit: usize,
    /// `any_term` when no entry had every word and the results are those
    /// with any of them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fallback: Option<String>,
}

fn register_tokenizers(index: &Index, segmenter: &Segmenter) {
    index.tokenizers().register(
        WORD_TOKENIZER,
        TextAnalyzer::from(WordTokenizer::new(segmenter.clone())),
    );
    index
        .tokenizers()
        .register(BIGRAM_TOKENIZER, TextAnalyzer::from(BigramTokenizer));
}

/// Adds, replaces and deletes entries; [`SearchWriter::commit`] makes the
/// changes durable and [`SearchIndex::reload`] makes them visible.
pub struct SearchWriter {
    writer: IndexWriter,
    fields: Fields,
    dictionary_version: String,
}

/// Memory for the writer of incremental changes.
const UPDATE_HEAP_BYTES: usize = 64 * 1024 * 1024;

impl SearchWriter {
    /// Creates an empty index in `dir` (which must exist and be empty).
    pub fn create(dir: &Path, segmenter: &Segmenter) -> Result<SearchWriter> {
        let index = Index::create_in_dir(dir, build_schema())?;
        register_tokenizers(&index, segmenter);
        let fields = Fields::resolve(&index.schema())?;
        let writer = index.writer(WRITER_HEAP_BYTES)?;
        Ok(SearchWriter {
            writer,
            fields,
            dictionary_version: segmenter.version().to_string(),
        })
    }

    /// Removes the entry with this id (entity or document), if any.
    pub fn delete(&self, key: &str) {
        self.writer.delete_term(Term::from_field_text(self.fields.key, key));
    }

    /// Brings the index in line with a graph change: an entity put replaces
    /// its entry, an entity deleted loses it; relations have no entries.
    /// Returns whether the index changed (and needs a commit).
    pub fn apply_change(&self, change: &Change) -> Result<bool> {
        match change {
            Change::PutEntity { entity } => self.upsert_entity(entity)?,
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
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &entity.id);
        doc.add_text(f.dictionary, &self.dictionary_version);
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
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Adds an article.
    pub fn add_document(&self, document: &Document) -> Result<()> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &document.id);
        doc.add_text(f.dictionary, &self.dictionary_version);
        doc.add_text(f.kind, DOCUMENT_KIND);
        doc.add_text(f.title, &document.title);
        doc.add_text(f.title_bigrams, &document.title);
        doc.add_text(f.body, &document.text);
        doc.add_text(f.body_bigrams, &document.text);
        if !document.date.is_empty() {
            doc.add_text(f.date, &document.date);
            doc.add_text(f.year, &document.date[..4]);
        }
        for identifier in identifier_forms([document.title.as_str(), document.text.as_str()]) {
            doc.add_text(f.codes, identifier);
        }
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Makes every change so far durable (not yet visible to readers).
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        Ok(())
    }

    /// Commits, recording that the index now holds the entity changes of
    /// the first `logged` changes of the graph log that follows snapshot
    /// epoch `epoch` (see [`SearchIndex::logged_position`]).
    pub fn commit_logged(&mut self, epoch: u64, logged: usize) -> Result<()> {
        let mut commit = self.writer.prepare_commit()?;
        commit.set_payload(&serde_json::json!({ "graph_epoch": epoch, "logged": logged }).to_string());
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

/// Every canonical form of every identifier in `texts`, without repeats.
fn identifier_forms<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut forms: Vec<String> = texts
        .into_iter()
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

/// The form in which names are compared whole: normalised, no spaces.
fn exact_name(name: &str) -> String {
    normalize(name).chars().filter(|c| !c.is_whitespace()).collect()
}

/// An opened search index, ready for concurrent queries.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    segmenter: Segmenter,
    facets: FacetCache,
    /// Threads that search the segments of one large query side by side.
    parallel: Option<tantivy::Executor>,
    /// Entries from which they do (see [`PARALLEL_SEARCH_ENTRIES`]).
    parallel_from: u64,
}

/// Entries from which one query's segments are searched on every core: a
/// lone query then answers sooner (under load the cores are busy either
/// way); below it, handing work to threads costs more than it saves.
const PARALLEL_SEARCH_ENTRIES: u64 = 200_000;

/// Most values listed per facet with many values (locations).
const FACET_VALUES: usize = 30;

/// Most entries the rarest bigram of a dictionary word or chunk may be in
/// for its bigram phrase to join the query (see `word_clause`).
const RARE_BIGRAM_DOCS: u64 = 2_000;
/// The same for a two-character word, whose bigram is one term.
const RARE_TERM_DOCS: u64 = 20_000;

/// Relative weights of the fields a word is looked for in.
const TITLE_BOOST: f32 = 3.0;
const ALIAS_BOOST: f32 = 3.0;
const BODY_BOOST: f32 = 1.0;
const TAGS_BOOST: f32 = 1.0;
const TITLE_BIGRAM_BOOST: f32 = 3.0;
const BODY_BIGRAM_BOOST: f32 = 0.5;
const EXACT_NAME_BOOST: f32 = 20.0;
const IDENTIFIER_BOOST: f32 = 10.0;

impl SearchIndex {
    /// Opens the index in `dir`, tokenising with `segmenter`.
    pub fn open(dir: &Path, segmenter: Segmenter) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        register_tokenizers(&index, &segmenter);
        let fields = Fields::resolve(&index.schema())?;
        let reader: IndexReader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let facets = FacetCache::default();
        facets.refresh(&reader.searcher())?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let parallel = (cores > 1)
            .then(|| tantivy::Executor::multi_thread(cores, "innograph-search-"))
            .transpose()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            segmenter,
            facets,
            parallel,
            parallel_from: PARALLEL_SEARCH_ENTRIES,
        })
    }

    /// A writer for incremental changes to this index. One writer at a
    /// time: a second call fails while the first is alive.
    pub fn writer(&self) -> Result<SearchWriter> {
        Ok(SearchWriter {
            writer: self.index.writer(UPDATE_HEAP_BYTES)?,
            fields: self.fields,
            dictionary_version: self.segmenter.version().to_string(),
        })
    }

    /// The graph log position the last commit recorded with
    /// [`SearchWriter::commit_logged`]: the snapshot epoch the log follows
    /// and how many of its changes the index holds. `None` when no commit
    /// recorded one (as after a build, whose log is empty).
    pub fn logged_position(&self) -> Result<Option<(u64, usize)>> {
        let payload = self.index.load_metas()?.payload;
        let Some(payload) = payload else {
            return Ok(None);
        };
        let value: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
        Ok(match (value["graph_epoch"].as_u64(), value["logged"].as_u64()) {
            (Some(epoch), Some(logged)) => Some((epoch, logged as usize)),
            _ => None,
        })
    }

    /// Makes committed changes visible to the next searches.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        self.facets.refresh(&self.reader.searcher())?;
        Ok(())
    }

    /// Ids of the entries whose text contains any of `words` (as written,
    /// through the bigram fields). When words join the segmentation
    /// dictionary, these are the only entries whose tokens can change, so
    /// they are the ones to index again.
    pub fn keys_containing(&self, words: &[String]) -> Result<Vec<String>> {
        let f = &self.fields;
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .flat_map(|word| {
                [
                    self.bigram_query(f.title_bigrams, word, 1.0),
                    self.bigram_query(f.body_bigrams, word, 1.0),
                ]
            })
            .flatten()
            .map(|q| (Occur::Should, q))
            .collect();
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let query = BooleanQuery::new(clauses);
        let addresses = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
        let mut keys = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(key) = doc.get_first(f.key).and_then(|v| v.as_str()) {
                keys.push(key.to_string());
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// How many entries were segmented with a dictionary other than this
    /// index's current one (they await re-indexing).
    pub fn entries_with_other_dictionary(&self) -> Result<u64> {
        let searcher = self.reader.searcher();
        let current = TermQuery::new(
            Term::from_field_text(self.fields.dictionary, self.segmenter.version()),
            IndexRecordOption::Basic,
        );
        let matching = searcher.search(&current, &Count)? as u64;
        Ok(searcher.num_docs() - matching)
    }

    /// Number of entries (entities and documents).
    pub fn num_entries(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The underlying tantivy index.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }

    fn term_query(&self, field: tantivy::schema::Field, text: &str, boost: f32) -> Box<dyn Query> {
        let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
        Box::new(BoostQuery::new(Box::new(query), boost))
    }

    /// The bigrams of `text` as a term (one bigram) or a phrase.
    fn bigram_query(&self, field: tantivy::schema::Field, text: &str, boost: f32) -> Option<Box<dyn Query>> {
        let tokens: Vec<String> = bigrams(&normalize(text))
            .into_iter()
            .map(|(token, _, _)| token)
            .collect();
        let lone_han = |token: &str| {
            let mut chars = token.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c))
        };
        let query: Box<dyn Query> = match tokens.len() {
            0 => return None,
            1 => Box::new(TermQuery::new(
                Term::from_field_text(field, &tokens[0]),
                IndexRecordOption::WithFreqs,
            )),
            // A lone Han character next to letters or digits (`达8.86`) may
            // be the edge of a longer run in the text, indexed only inside
            // a bigram: match it as the bigram's end (or start).
            count if tokens.iter().any(|t| lone_han(t)) => {
                let patterns = tokens
                    .iter()
                    .enumerate()
                    .map(|(position, token)| {
                        let literal = regex::escape(token);
                        match (lone_han(token), position) {
                            (true, 0) => format!("{literal}|.{literal}"),
                            (true, p) if p == count - 1 => format!("{literal}|{literal}."),
                            _ => literal,
                        }
                    })
                    .collect();
                Box::new(RegexPhraseQuery::new(field, patterns))
            }
            _ => Box::new(PhraseQuery::new(
                tokens.iter().map(|t| Term::from_field_text(field, t)).collect(),
            )),
        };
        Some(Box::new(BoostQuery::new(query, boost)))
    }

    /// Whether the bigrams of `text` are rare enough in `field` that
    /// matching them costs little: its rarest bigram is in at most
    /// [`RARE_BIGRAM_DOCS`] entries (a single bigram: [`RARE_TERM_DOCS`],
    /// since a term costs no position checks).
    fn bigrams_are_rare(&self, field: tantivy::schema::Field, text: &str) -> bool {
        let grams = bigrams(&normalize(text));
        let limit = if grams.len() == 1 {
            RARE_TERM_DOCS
        } else {
            RARE_BIGRAM_DOCS
        };
        let searcher = self.reader.searcher();
        grams
            .iter()
            .map(|(gram, _, _)| {
                searcher
                    .doc_freq(&Term::from_field_text(field, gram))
                    .unwrap_or(u64::MAX)
            })
            .min()
            .is_some_and(|rarest| rarest <= limit)
    }

    /// Whether a word is indexed as a token wherever it is written: a
    /// dictionary word short enough to be emitted inside longer words too.
    fn indexed_whole(&self, word: &str) -> bool {
        (2..=MAX_SUBWORD_CHARS).contains(&word.chars().count()) && self.segmenter.has_word(word)
    }

    /// A word found in any text field, as a jieba word or as its bigrams.
    ///
    /// A lone Han character typed as a word of its own also matches inside
    /// bigrams (a regex over the bigram terms); one that only comes from
    /// cutting a longer chunk does not, since the chunk is matched as a
    /// phrase anyway and the regex is costly.
    fn word_clause(&self, word: &str, lone: bool) -> Box<dyn Query> {
        let f = &self.fields;
        let mut clauses = vec![
            (Occur::Should, self.term_query(f.title, word, TITLE_BOOST)),
            (Occur::Should, self.term_query(f.aliases, word, ALIAS_BOOST)),
            (Occur::Should, self.term_query(f.body, word, BODY_BOOST)),
            (Occur::Should, self.term_query(f.tags, word, TAGS_BOOST)),
        ];
        if word.bytes().any(|b| b.is_ascii_alphanumeric()) {
            // a bare code such as an IPC subclass (`A61K`)
            clauses.push((
                Occur::Should,
                self.term_query(f.codes, &word.to_uppercase(), IDENTIFIER_BOOST),
            ));
        }
        // A dictionary word of two to six characters is indexed as a token
        // wherever jieba cut it out of the text (see
        // `Segmenter::index_tokens`); where the text was cut across it
        // (`看书|剑|恩仇录`, `海军陆战队|员`) only its bigrams find it. That
        // bigram query costs in proportion to its matches, so it is added
        // for a rare word typed on its own (a word of a longer chunk is
        // covered by the chunk's phrase); a common word's own matches fill
        // the pages anyway. Other words (unknown to jieba, or long) are
        // always looked for as bigrams.
        let whole = self.indexed_whole(word);
        for (field, boost) in [
            (f.title_bigrams, TITLE_BIGRAM_BOOST),
            (f.body_bigrams, BODY_BIGRAM_BOOST),
        ] {
            if !whole || (lone && self.bigrams_are_rare(field, word)) {
                clauses.extend(self.bigram_query(field, word, boost).map(|q| (Occur::Should, q)));
            }
        }
        let mut chars = word.chars();
        if let (Some(single), None, true) = (chars.next(), chars.next(), lone) {
            // A lone Han character is indexed inside bigrams: find the
            // bigrams that start or end with it.
            if is_cjk(single) {
                let pattern = format!("{single}.|.{single}");
                for (field, boost) in [
                    (f.title_bigrams, TITLE_BIGRAM_BOOST),
                    (f.body_bigrams, BODY_BIGRAM_BOOST),
                ] {
                    if let Ok(regex) = RegexQuery::from_pattern(&pattern, field) {
                        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(regex), boost))));
                    }
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// A phrase found as written, through the bigram fields.
    fn phrase_clause(&self, phrase: &str) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut chars = phrase.chars();
        if let (Some(single), None) = (chars.next(), chars.next()) {
            // one character is a word, not a sequence of bigrams
            return Some(self.word_clause(&single.to_string(), true));
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = [
            self.bigram_query(f.title_bigrams, phrase, TITLE_BOOST),
            self.bigram_query(f.body_bigrams, phrase, BODY_BOOST),
        ]
        .into_iter()
        .flatten()
        .map(|q| (Occur::Should, q))
        .collect();
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// The clause a required part becomes, and the words to highlight.
    ///
    /// A quoted phrase must occur as written. A bare chunk that segments into
    /// several words matches when all its words do (anywhere), or when the
    /// chunk itself occurs as written, so a name jieba splits differently
    /// from the indexed text is still found; with `all_words` false, any of
    /// its words is enough.
    fn part_clause(&self, part: &QueryPart, all_words: bool, highlights: &mut Vec<String>) -> Option<Box<dyn Query>> {
        match part {
            QueryPart::Term(text) => {
                let words = self.segmenter.query_words(text);
                highlights.extend(words.iter().cloned());
                match words.as_slice() {
                    [] => None,
                    [single] if all_words || single.chars().filter(|c| is_cjk(*c)).count() < 3 => {
                        Some(self.word_clause(single, true))
                    }
                    // relaxed: a long word jieba never saw may be written
                    // differently in the text; any of its bigrams will do
                    [single] => {
                        let mut alternatives: Vec<(Occur, Box<dyn Query>)> =
                            vec![(Occur::Should, self.word_clause(single, true))];
                        for (bigram, _, _) in bigrams(single) {
                            for (field, boost) in [
                                (self.fields.title_bigrams, TITLE_BIGRAM_BOOST),
                                (self.fields.body_bigrams, BODY_BIGRAM_BOOST),
                            ] {
                                alternatives.push((Occur::Should, self.term_query(field, &bigram, boost)));
                            }
                        }
                        Some(Box::new(BooleanQuery::new(alternatives)))
                    }
                    _ => {
                        highlights.push(text.clone());
                        let occur = if all_words { Occur::Must } else { Occur::Should };
                        let every_word =
                            BooleanQuery::new(words.iter().map(|w| (occur, self.word_clause(w, false))).collect());
                        let mut alternatives: Vec<(Occur, Box<dyn Query>)> =
                            vec![(Occur::Should, Box::new(every_word))];
                        if words.iter().all(|w| self.indexed_whole(w))
                            && !self.bigrams_are_rare(self.fields.body_bigrams, text)
                        {
                            // every word is found as a token and the chunk is
                            // common in texts: as a phrase it would mostly
                            // rank names and titles higher, and a phrase costs
                            // in proportion to its matches, so it is kept for
                            // names and titles where it is rare there too
                            if self.bigrams_are_rare(self.fields.title_bigrams, text) {
                                alternatives.extend(
                                    self.bigram_query(self.fields.title_bigrams, text, TITLE_BOOST)
                                        .map(|q| (Occur::Should, q)),
                                );
                            }
                        } else {
                            alternatives.extend(self.phrase_clause(text).map(|q| (Occur::Should, q)));
                        }
                        Some(Box::new(BooleanQuery::new(alternatives)))
                    }
                }
            }
            QueryPart::Phrase(text) => {
                highlights.push(text.clone());
                self.phrase_clause(text)
            }
            QueryPart::Identifier(forms) => Some(self.identifier_clause(forms)),
        }
    }

    /// An identifier found exactly, in any of its forms.
    fn identifier_clause(&self, forms: &[String]) -> Box<dyn Query> {
        let clauses = forms
            .iter()
            .map(|form| {
                (
                    Occur::Should,
                    self.term_query(self.fields.codes, form, IDENTIFIER_BOOST),
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// What an excluded part rules out: the text as a phrase, or the word.
    fn excluded_clause(&self, part: &QueryPart) -> Option<Box<dyn Query>> {
        if let QueryPart::Identifier(forms) = part {
            return Some(self.identifier_clause(&forms[..1]));
        }
        let words = self.segmenter.query_words(part.text());
        match (part, words.as_slice()) {
            (QueryPart::Term(_), [single]) => Some(self.word_clause(single, true)),
            _ => self.phrase_clause(part.text()),
        }
    }

    /// The filters of the request's parameters and of the query text, as
    /// non-scoring clauses. Values of one field are alternatives; different
    /// fields must all hold.
    fn filter_clauses(&self, request: &SearchRequest, parsed: &ParsedQuery) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let mut fields: Vec<(FilterField, String)> = Vec::new();
        let given = [
            (FilterField::Kind, &request.kind),
            (FilterField::Industry, &request.industry),
            (FilterField::Location, &request.location),
        ];
        for (field, value) in given {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                fields.push((field, value.to_string()));
            }
        }
        let mut dates: Vec<(Option<String>, Option<String>)> = Vec::new();
        if request.from.is_some() || request.to.is_some() {
            if let Some(from) = &request.from {
                check_date("from", from)?;
            }
            if let Some(to) = &request.to {
                check_date("to", to)?;
            }
            dates.push((request.from.clone(), request.to.clone()));
        }
        for filter in &parsed.filters {
            match filter {
                Filter::Field(field, value) => fields.push((*field, value.clone())),
                Filter::Date { from, to } => dates.push((from.clone(), to.clone())),
            }
        }

        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for field in [FilterField::Kind, FilterField::Industry, FilterField::Location] {
            let values: Vec<&String> = fields.iter().filter(|(f, _)| *f == field).map(|(_, v)| v).collect();
            if values.is_empty() {
                continue;
            }
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for value in values {
                let target = match field {
                    FilterField::Kind => {
                        if value != DOCUMENT_KIND && value.parse::<EntityKind>().is_err() {
                            let known: Vec<&str> = std::iter::once(DOCUMENT_KIND)
                                .chain(EntityKind::ALL.iter().map(|k| k.as_str()))
                                .collect();
                            return Err(Error::invalid_parameter(
                                "kind",
                                format!("unknown kind `{value}`, expected one of: {}", known.join(", ")),
                            ));
                        }
                        self.fields.kind
                    }
                    FilterField::Industry => self.fields.industry,
                    FilterField::Location => self.fields.location,
                };
                let term = TermQuery::new(Term::from_field_text(target, value), IndexRecordOption::Basic);
                alternatives.push((Occur::Should, Box::new(term)));
            }
            let any_value = BooleanQuery::new(alternatives);
            filters.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(any_value), 0.0))));
        }
        for (from, to) in dates {
            let lower = from.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_text(self.fields.date, &d))
            });
            // `~` sorts after digits and `-`: `2023~` is above every date in 2023
            let upper = to.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_text(self.fields.date, &format!("{d}~")))
            });
            let range = RangeQuery::new(lower, upper);
            filters.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(range), 0.0))));
        }
        if let Some(keys) = &request.restrict_to {
            let terms: Vec<Term> = keys.iter().map(|k| Term::from_field_text(self.fields.key, k)).collect();
            let set = tantivy::query::TermSetQuery::new(terms);
            filters.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(set), 0.0))));
        }
        Ok(filters)
    }

    /// Builds the query; also returns whether relaxing `all_required`
    /// could change the answer (more than one word in all).
    fn build_query(
        &self,
        parsed: &ParsedQuery,
        filters: &[(Occur, Box<dyn Query>)],
        all_required: bool,
        highlights: &mut Vec<String>,
    ) -> (Box<dyn Query>, bool) {
        let words_before = highlights.len();
        let occur = if all_required { Occur::Must } else { Occur::Should };
        let parts: Vec<(Occur, Box<dyn Query>)> = parsed
            .required
            .iter()
            .filter_map(|part| self.part_clause(part, all_required, highlights))
            .map(|clause| (occur, clause))
            .collect();
        let words = &highlights[words_before..];
        let relaxable = words.len() > 1 || words.iter().any(|w| w.chars().filter(|c| is_cjk(*c)).count() >= 3);
        let matching: Box<dyn Query> = if parts.is_empty() {
            // filters only: browse everything they let through
            Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0))
        } else {
            Box::new(BooleanQuery::new(parts))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, matching)];
        let whole: String = parsed.required.iter().map(|p| p.text()).collect::<Vec<_>>().join("");
        clauses.push((
            Occur::Should,
            self.term_query(self.fields.names_exact, &exact_name(&whole), EXACT_NAME_BOOST),
        ));
        for part in &parsed.excluded {
            if let Some(clause) = self.excluded_clause(part) {
                clauses.push((Occur::MustNot, clause));
            }
        }
        clauses.extend(filters.iter().map(|(occur, q)| (*occur, q.box_clone())));
        (Box::new(BooleanQuery::new(clauses)), relaxable)
    }

    /// Runs a search request.
    ///
    /// Every word is required; when nothing has them all and the query has
    /// several words, the entries with any of them are returned and the
    /// response's `fallback` says so.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        if request.offset > MAX_OFFSET {
            return Err(Error::invalid_parameter(
                "offset",
                format!("must be at most {MAX_OFFSET}"),
            ));
        }
        let parsed = parse_query(&request.q)?;
        let filters = self.filter_clauses(request, &parsed)?;
        let searcher = self.reader.searcher();

        let mut highlights = Vec::new();
        let (query, relaxable) = self.build_query(&parsed, &filters, true, &mut highlights);
        let mut fallback = None;
        let mut found = self.collect(&searcher, &*query, request)?;
        if found.0 == 0 && relaxable {
            let (any_query, _) = self.build_query(&parsed, &filters, false, &mut Vec::new());
            found = self.collect(&searcher, &*any_query, request)?;
            fallback = Some("any_term".to_string());
        }
        let (total, top, facets) = found;
        highlights.retain(|h| !h.trim().is_empty());
        highlights.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
        highlights.dedup();

        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            hits.push(self.hit(&searcher, address, score, &highlights)?);
        }
        Ok(SearchResponse {
            query: request.q.clone(),
            total,
            hits,
            facets,
            offset: request.offset,
            limit: request.limit,
            fallback,
        })
    }

    #[allow(clippy::type_complexity)]
    fn collect(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        request: &SearchRequest,
    ) -> Result<(usize, Vec<(f32, DocAddress)>, Facets)> {
        let top = TopDocs::with_limit(request.limit)
            .and_offset(request.offset)
            .order_by_score();
        let collector = (top, FacetCounter { cache: &self.facets });
        let parallel = self
            .parallel
            .as_ref()
            .filter(|_| searcher.segment_readers().len() > 1 && searcher.num_docs() >= self.parallel_from);
        let (top, tally) = match parallel {
            Some(executor) => searcher.search_with_executor(
                query,
                &collector,
                executor,
                tantivy::query::EnableScoring::enabled_from_searcher(searcher),
            )?,
            None => searcher.search(query, &collector)?,
        };
        let (total, facets) = tally.into_facets(FACET_VALUES);
        Ok((total, top, facets))
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        terms: &[String],
    ) -> Result<SearchHit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let f = &self.fields;
        let kind = text(f.kind);
        let title = text(f.title);
        let body = text(f.body);
        let snippet_source = if body.is_empty() { &title } else { &body };
        let snippet = highlight(snippet_source, terms, SNIPPET_CHARS);
        let date = text(f.date);
        let is_document = kind == DOCUMENT_KIND;
        Ok(SearchHit {
            id: text(f.key),
            kind,
            name: (!is_document).then(|| title.clone()),
            title: is_document.then_some(title),
            score,
            snippet,
            date: (!date.is_empty()).then_some(date),
            relation_count: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, name: &str, description: &str) -> Entity {
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

    fn ids(index: &SearchIndex, q: &str) -> Vec<String> {
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
                source: String::new(),
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
    fn segments_searched_side_by_side_answer_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new([]);
        let mut writer = SearchWriter::create(dir.path(), &segmenter).unwrap();
        for segment in 0..3 {
            for n in 0..20 {
                let description = if n % 3 == 0 {
                    "储能电池"
                } else {
                    "光伏组件与储能"
                };
                writer
                    .add_entity(&entity(
                        &format!("e{segment}-{n}"),
                        &format!("企业{segment}{n}"),
                        description,
                    ))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        writer.finish().unwrap();
        let mut index = SearchIndex::open(dir.path(), segmenter).unwrap();
        assert!(index.reader.searcher().segment_readers().len() > 1);
        let request = SearchRequest::new("储能", 7);
        let alone = index.search(&request).unwrap();
        index.parallel_from = 0;
        assert!(index.parallel.is_some() || std::thread::available_parallelism().map_or(1, |n| n.get()) == 1);
        let side_by_side = index.search(&request).unwrap();
        assert_eq!(alone.total, 60);
        assert_eq!(alone, side_by_side);
    }

    #[test]
    fn finds_the_entries_a_new_dictionary_word_affects() {
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new([]);
        let writer = SearchWriter::create(dir.path(), &segmenter).unwrap();
        writer.add_entity(&entity("a", "甲", "与翀霈科技合作")).unwrap();
        writer.add_entity(&entity("b", "乙", "光伏组件")).unwrap();
        writer.finish().unwrap();
        let index = SearchIndex::open(dir.path(), segmenter).unwrap();
        assert_eq!(index.keys_containing(&["翀霈科技".to_string()]).unwrap(), ["a"]);
        assert_eq!(index.entries_with_other_dictionary().unwrap(), 0);

        // the same index opened with a dictionary that knows the new name
        drop(index);
        let index = SearchIndex::open(dir.path(), Segmenter::new(["翀霈科技"])).unwrap();
        assert_eq!(index.entries_with_other_dictionary().unwrap(), 2);
        let mut writer = index.writer().unwrap();
        writer.upsert_entity(&entity("a", "甲", "与翀霈科技合作")).unwrap();
        writer.commit().unwrap();
        index.reload().unwrap();
        assert_eq!(
            index.entries_with_other_dictionary().unwrap(),
            1,
            "only the affected entry was re-indexed"
        );
    }
}

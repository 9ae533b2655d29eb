//! An opened search index answering requests: opening and reloading it,
//! running a request (with the relaxed fallback when no entry has every
//! word), collecting the ranked page and its facets, and turning stored
//! entries into hits with snippets.

use std::path::Path;

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{DocAddress, Executor, Index, IndexReader, ReloadPolicy, Searcher, Term};

use super::facets::{FacetCache, FacetCounter, Facets};
use super::query::parse_query;
use super::query::ParsedQuery;
use super::query_builder::{bigram_query, Clause, QueryBuilder};
use super::question::Reading;
use super::request::{SearchHit, SearchRequest, SearchResponse};
use super::schema::{register_tokenizers, Fields, DOCUMENT_KIND};
use super::snippet::highlight;
use super::writer::{self, SearchWriter};
use crate::text::Segmenter;
use crate::Result;

/// Characters of text in a snippet.
const SNIPPET_CHARS: usize = 120;

/// Entries from which one query's segments are searched on every core: a
/// lone query then answers sooner (under load the cores are busy either
/// way); below it, handing work to threads costs more than it saves.
const PARALLEL_SEARCH_ENTRIES: u64 = 200_000;

/// Most values listed per facet with many values (locations).
const FACET_VALUES: usize = 30;

/// An opened search index, ready for concurrent queries.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    segmenter: Segmenter,
    facets: FacetCache,
    /// Threads that search the segments of one large query side by side.
    parallel: Option<Executor>,
    /// Entries from which they do (see [`PARALLEL_SEARCH_ENTRIES`]).
    parallel_from: u64,
}

/// What a query found: the total, the ranked page and the facets.
struct Found {
    total: usize,
    top: Vec<(f32, DocAddress)>,
    facets: Facets,
}

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
            .then(|| Executor::multi_thread(cores, "innograph-search-"))
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
        SearchWriter::for_updates(&self.index, self.fields, &self.segmenter)
    }

    /// The graph log position the last commit recorded with
    /// [`SearchWriter::commit_logged`]: the snapshot epoch the log follows
    /// and how many of its changes the index holds. `None` when no commit
    /// recorded one (as after a build, whose log is empty).
    pub fn logged_position(&self) -> Result<Option<(u64, usize)>> {
        let payload = self.index.load_metas()?.payload;
        Ok(payload.as_deref().and_then(writer::logged_position))
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
        let clauses: Vec<Clause> = words
            .iter()
            .flat_map(|word| {
                [
                    bigram_query(f.title_bigrams, word, 1.0),
                    bigram_query(f.body_bigrams, word, 1.0),
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
        let addresses = searcher.search(&query, &DocSetCollector)?;
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
    /// The stored text of the document with this id, if the index holds
    /// one (entities are not documents).
    pub fn document_text(&self, id: &str) -> Result<Option<String>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(f.key, id), IndexRecordOption::Basic);
        for address in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            if doc.get_first(f.kind).and_then(|v| v.as_str()) == Some(DOCUMENT_KIND) {
                return Ok(doc.get_first(f.body).and_then(|v| v.as_str()).map(str::to_string));
            }
        }
        Ok(None)
    }

    pub fn num_entries(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The underlying tantivy index.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }

    /// Runs a search request.
    ///
    /// Every word is required; when nothing has them all and the query has
    /// several words, the entries with any of them are returned and the
    /// response's `fallback` says so.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        request.check_page()?;
        let parsed = parse_query(&request.q)?;
        let searcher = self.reader.searcher();
        let builder = QueryBuilder::new(&self.fields, &self.segmenter, &searcher);
        let filters = builder.filter_clauses(request, &parsed)?;

        let mut reading = Reading::of(&parsed, &self.segmenter);
        let mut report = None;
        let (found, fallback, mut highlights) = if reading.natural {
            reading.keep_strongest(|word| builder.entries_with(word));
            let builder = builder.for_questions();
            let answer = self.natural_search(&searcher, &builder, &parsed, &reading, &filters, request)?;
            let required = match answer.1.as_deref() {
                Some("any_term") => 1,
                _ => reading.minimum_to_match(),
            };
            report = Some(reading.report(required));
            answer
        } else {
            self.keyword_search(&searcher, &builder, &parsed, &filters, request)?
        };
        highlights.retain(|h| !h.trim().is_empty());
        highlights.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
        highlights.dedup();

        let mut hits = Vec::with_capacity(found.top.len());
        for (score, address) in found.top {
            hits.push(self.hit(&searcher, address, score, &highlights)?);
        }
        Ok(SearchResponse {
            query: request.q.clone(),
            total: found.total,
            hits,
            facets: found.facets,
            offset: request.offset,
            limit: request.limit,
            fallback,
            reading: report,
            resolved_from: Default::default(),
        })
    }

    /// A keyword query: every word required; when nothing has them all and
    /// the query has several words, the entries with any of them.
    fn keyword_search(
        &self,
        searcher: &Searcher,
        builder: &QueryBuilder<'_>,
        parsed: &ParsedQuery,
        filters: &[Clause],
        request: &SearchRequest,
    ) -> Result<(Found, Option<String>, Vec<String>)> {
        let mut highlights = Vec::new();
        let (query, relaxable) = builder.build_query(parsed, filters, true, &mut highlights);
        let mut fallback = None;
        let mut found = self.collect(searcher, &*query, request)?;
        if found.total == 0 && relaxable {
            let (any_query, _) = builder.build_query(parsed, filters, false, &mut Vec::new());
            found = self.collect(searcher, &*any_query, request)?;
            // said only when the relaxed query found what the whole did not
            if found.total > 0 {
                fallback = Some("any_term".to_string());
            }
        }
        Ok((found, fallback, highlights))
    }

    /// A question or pasted text, ranked by how much of it an entry holds
    /// (see [`QueryBuilder::coverage_query`]): an entry must hold most of
    /// its content words, or, when none does, any of them. `fallback` says
    /// `most_terms` when no entry holds every word, `any_term` when the
    /// answer had to make do with one.
    fn natural_search(
        &self,
        searcher: &Searcher,
        builder: &QueryBuilder<'_>,
        parsed: &ParsedQuery,
        reading: &Reading,
        filters: &[Clause],
        request: &SearchRequest,
    ) -> Result<(Found, Option<String>, Vec<String>)> {
        let every = reading.units.len();
        let minimum = reading.minimum_to_match();
        let query = builder.coverage_query(parsed, reading, filters, minimum);
        let mut found = self.collect(searcher, &*query, request)?;
        let mut fallback = None;
        if found.total > 0 && minimum < every {
            let whole = builder.coverage_query(parsed, reading, filters, every);
            if searcher.search(&*whole, &Count)? == 0 {
                fallback = Some("most_terms".to_string());
            }
        }
        if found.total == 0 && minimum > 1 {
            let any = builder.coverage_query(parsed, reading, filters, 1);
            found = self.collect(searcher, &*any, request)?;
            if found.total > 0 {
                fallback = Some("any_term".to_string());
            }
        }
        Ok((found, fallback, reading.highlights()))
    }

    /// The page of `request` among the matches of `query`, their total and
    /// facets; a large index's segments are searched side by side.
    fn collect(&self, searcher: &Searcher, query: &dyn Query, request: &SearchRequest) -> Result<Found> {
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
                EnableScoring::enabled_from_searcher(searcher),
            )?,
            None => searcher.search(query, &collector)?,
        };
        let (total, facets) = tally.into_facets(FACET_VALUES);
        Ok(Found { total, top, facets })
    }

    /// The hit of a stored entry, its snippet highlighting `terms`.
    fn hit(&self, searcher: &Searcher, address: DocAddress, score: f32, terms: &[String]) -> Result<SearchHit> {
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
    use crate::search::writer::tests::entity;

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

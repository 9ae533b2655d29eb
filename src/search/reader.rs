//! An opened search index answering requests: opening and reloading it,
//! running a request (with the relaxed fallback when no entry has every
//! word), collecting the ranked page and its facets, and turning stored
//! entries into hits with snippets.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::OwnedBytes;
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, TantivyDocument, Value};
use tantivy::store::StoreReader;
use tantivy::{DocAddress, Executor, Index, IndexReader, ReloadPolicy, Searcher, SegmentReader, Term};

use super::doc_freq::{CachedStatistics, DocFreqs};
use super::facets::{FacetCache, FacetCounter, Facets};
use super::keys::EntryKeys;
use super::per_kind::{FoundEntry, GroupTop, KindPage, KindPages, TopPerKind};
use super::query::parse_query;
use super::query::{FilterField, ParsedQuery};
use super::query_builder::{bigram_query, Clause, QueryBuilder};
use super::question::Reading;
use super::request::{SearchHit, SearchRequest, SearchResponse};
use super::schema::{register_tokenizers, Fields, DOCUMENT_KIND};
use super::snippet::Highlighter;
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
    /// Where hits read their stored entries.
    hit_stores: HitStores,
    /// The key of every entry, for searches that read only their hits' ids.
    keys: EntryKeys,
    /// Term counts of the current searcher, for the queries' rarity
    /// weights and BM25.
    doc_freqs: DocFreqs,
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
        let keys = EntryKeys::default();
        keys.refresh(&reader.searcher(), fields.key)?;
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
            hit_stores: HitStores::default(),
            keys,
            doc_freqs: DocFreqs::default(),
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
        let searcher = self.reader.searcher();
        self.facets.refresh(&searcher)?;
        self.keys.refresh(&searcher, self.fields.key)?;
        Ok(())
    }

    /// Ids of at most `limit` entries whose text contains any of `words`
    /// (as written, through the bigram fields), sorted. When words join the
    /// segmentation dictionary, these are the only entries whose tokens
    /// can change, so they are the ones to index again.
    pub fn keys_containing(&self, words: &[String], limit: usize) -> Result<Vec<String>> {
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
        if clauses.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut keys = Vec::with_capacity(top.len());
        for (_, address) in top {
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
            Term::from_field_text(self.fields.dictionary, &self.segmenter.version()),
            IndexRecordOption::Basic,
        );
        let matching = searcher.search(&current, &Count)? as u64;
        Ok(searcher.num_docs() - matching)
    }

    /// Number of entries (entities and documents).
    /// The stored text of the document with this id, if the index holds
    /// one (entities are not documents).
    pub fn document_text(&self, id: &str) -> Result<Option<String>> {
        Ok(self.stored_document(id)?.map(|d| d.text))
    }

    /// The document with this id as the index stores it (title, text and
    /// date; the source is not stored), if the index holds one.
    pub fn stored_document(&self, id: &str) -> Result<Option<crate::model::Document>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(f.key, id), IndexRecordOption::Basic);
        for address in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            if doc.get_first(f.kind).and_then(|v| v.as_str()) == Some(DOCUMENT_KIND) {
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                return Ok(Some(crate::model::Document {
                    id: id.to_string(),
                    title: text(f.title),
                    text: text(f.body),
                    date: text(f.date),
                    source: String::new(),
                    title_derived: false,
                }));
            }
        }
        Ok(None)
    }

    /// The segmenter entries are indexed and queries cut with.
    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
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
        let builder = QueryBuilder::new(&self.fields, &self.segmenter, &searcher, &self.doc_freqs);
        let filters = builder.filter_clauses(request, &parsed)?;

        let mut reading = Reading::of(&parsed, &self.segmenter, request.ignored);
        let mut report = None;
        let (found, fallback, mut highlights) = if reading.natural {
            reading.keep_strongest(|word| builder.entries_with(word));
            let builder = builder.for_questions();
            let answer = self.natural_search(&searcher, &builder, &parsed, &reading, &filters, request)?;
            let required = match (answer.1.as_deref(), request.min_match) {
                (Some("any_term"), _) => 1,
                (_, Some(asked)) => asked.clamp(1, reading.units.len().max(1)),
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

        let highlighter = Highlighter::new(&highlights);
        let mut hits = Vec::with_capacity(found.top.len());
        for (score, address) in found.top {
            hits.push(self.hit(&searcher, address, score, &highlighter)?);
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

    /// Runs `request` once for several groups of kinds (`document` or entity
    /// kinds, e.g. `[["patent"], ["university", "institute"]]`), answering
    /// for each group what `request` with that group's `kind:` filters
    /// answers: the same hits with the same scores and order, and the
    /// `any_term` fallback decided for the group alone. The entries are
    /// matched and scored once for all groups, and no facets are counted;
    /// `most_terms` is not reported (it would take another pass). For
    /// callers that read the hits of several kinds side by side (matching).
    pub fn search_per_kind(&self, request: &SearchRequest, groups: &[Vec<String>]) -> Result<KindPages> {
        request.check_page()?;
        let parsed = parse_query(&request.q)?;
        let searcher = self.reader.searcher();
        let builder = QueryBuilder::new(&self.fields, &self.segmenter, &searcher, &self.doc_freqs);
        let request_filters = builder.filter_clauses(request, &parsed)?;
        // the collector tells the kinds apart; the filter lets the query
        // skip entries of other kinds (measured faster than leaving them
        // to the collector)
        let filters_for = |tops: Option<&[GroupTop]>| -> Result<Vec<Clause>> {
            let kinds: Vec<&str> = groups
                .iter()
                .enumerate()
                .filter(|(at, _)| tops.is_none_or(|tops| tops[*at].0 == 0))
                .flat_map(|(_, group)| group.iter().map(String::as_str))
                .collect();
            let mut filters: Vec<Clause> = request_filters.iter().map(|(o, q)| (*o, q.box_clone())).collect();
            if !kinds.is_empty() {
                filters.push((Occur::Must, builder.field_filter(FilterField::Kind, &kinds)?));
            }
            Ok(filters)
        };
        let filters = filters_for(None)?;

        let mut reading = Reading::of(&parsed, &self.segmenter, request.ignored);
        let mut relaxed_groups = vec![false; groups.len()];
        let (tops, minimum, mut highlights) = if reading.natural {
            reading.keep_strongest(|word| builder.entries_with(word));
            let questions = builder.for_questions();
            let minimum = match request.min_match {
                Some(asked) => asked.clamp(1, reading.units.len().max(1)),
                None => reading.minimum_to_match(),
            };
            let query = questions.coverage_query(&parsed, &reading, &filters, minimum);
            let mut tops = self.collect_per_kind(&searcher, &*query, request, groups)?;
            if minimum > 1 && tops.iter().any(|(total, _)| *total == 0) {
                // only the groups with no match are searched again
                let any = questions.coverage_query(&parsed, &reading, &filters_for(Some(&tops))?, 1);
                let relaxed = self.collect_per_kind(&searcher, &*any, request, groups)?;
                take_relaxed(&mut tops, relaxed, &mut relaxed_groups);
            }
            (tops, Some(minimum), reading.highlights())
        } else {
            let mut highlights = Vec::new();
            let (query, relaxable) = builder.build_query(&parsed, &filters, true, &mut highlights);
            let mut tops = self.collect_per_kind(&searcher, &*query, request, groups)?;
            if relaxable && tops.iter().any(|(total, _)| *total == 0) {
                let (any_query, _) = builder.build_query(&parsed, &filters_for(Some(&tops))?, false, &mut Vec::new());
                let relaxed = self.collect_per_kind(&searcher, &*any_query, request, groups)?;
                take_relaxed(&mut tops, relaxed, &mut relaxed_groups);
            }
            (tops, None, highlights)
        };
        highlights.retain(|h| !h.trim().is_empty());
        highlights.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
        highlights.dedup();

        let mut pages = Vec::with_capacity(groups.len());
        for ((total, top), relaxed) in tops.into_iter().zip(relaxed_groups) {
            let mut entries = Vec::with_capacity(top.len());
            for (score, address) in top {
                let segment = searcher.segment_reader(address.segment_ord).segment_id();
                let id = match self.keys.key(segment, address.doc_id) {
                    Some(id) => id,
                    None => self.stored_key(&searcher, address)?,
                };
                entries.push(FoundEntry { id, score, address });
            }
            pages.push(KindPage {
                total,
                entries,
                fallback: relaxed.then(|| "any_term".to_string()),
                reading: minimum.map(|minimum| reading.report(if relaxed { 1 } else { minimum })),
            });
        }
        Ok(KindPages {
            pages,
            searcher,
            highlighter: Highlighter::new(&highlights),
        })
    }

    /// The hit of an entry [`Self::search_per_kind`] found: its kind,
    /// name or title, and its snippet, read from the stored entry.
    pub fn found_hit(&self, found: &KindPages, entry: &FoundEntry) -> Result<SearchHit> {
        self.hit(&found.searcher, entry.address, entry.score, &found.highlighter)
    }

    /// The key of the entry at `address`, read from its stored entry.
    fn stored_key(&self, searcher: &Searcher, address: DocAddress) -> Result<String> {
        let key = self.fields.key;
        let bytes = self.hit_stores.document_bytes(searcher, address)?;
        let mut stored = StoredText::read(&bytes, &[key], || searcher.doc(address))?;
        Ok(stored.take(key).into_owned())
    }

    /// The page of `request` and the number of matches of `query` in each
    /// group of kinds (see [`TopPerKind`]).
    fn collect_per_kind(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        groups: &[Vec<String>],
    ) -> Result<Vec<GroupTop>> {
        let top = TopDocs::with_limit(request.limit)
            .and_offset(request.offset)
            .order_by_score();
        let collector = TopPerKind { top, groups };
        let statistics = CachedStatistics {
            searcher,
            doc_freqs: &self.doc_freqs,
        };
        let parallel = self
            .parallel
            .as_ref()
            .filter(|_| searcher.segment_readers().len() > 1 && searcher.num_docs() >= self.parallel_from);
        Ok(match parallel {
            Some(executor) => searcher.search_with_executor(
                query,
                &collector,
                executor,
                EnableScoring::enabled_from_statistics_provider(&statistics, searcher),
            )?,
            None => searcher.search_with_statistics_provider(query, &collector, &statistics)?,
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
        let minimum = match request.min_match {
            Some(asked) => asked.clamp(1, every.max(1)),
            None => reading.minimum_to_match(),
        };
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

    /// The hit of a stored entry, its snippet highlighting the query's terms.
    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        highlighter: &Highlighter,
    ) -> Result<SearchHit> {
        let f = &self.fields;
        let bytes = self.hit_stores.document_bytes(searcher, address)?;
        let mut stored = StoredText::read(&bytes, &[f.key, f.kind, f.title, f.body, f.date], || {
            searcher.doc(address)
        })?;
        let kind = stored.take(f.kind);
        let title = stored.take(f.title);
        let body = stored.take(f.body);
        let snippet_source = if body.is_empty() { &title } else { &body };
        let snippet = highlighter.snippet(snippet_source, SNIPPET_CHARS);
        let date = stored.take(f.date);
        let title = title.into_owned();
        let (name, title) = if kind == DOCUMENT_KIND {
            (None, Some(title))
        } else {
            (Some(title), None)
        };
        Ok(SearchHit {
            id: stored.take(f.key).into_owned(),
            kind: kind.into_owned(),
            name,
            title,
            score,
            snippet,
            date: (!date.is_empty()).then(|| date.into_owned()),
            relation_count: None,
            industry: Vec::new(),
            location: None,
        })
    }
}

/// The relaxed answer of each group the strict query found nothing in,
/// noting in `relaxed` the groups it found something for.
fn take_relaxed(tops: &mut [GroupTop], relaxed_tops: Vec<GroupTop>, relaxed: &mut [bool]) {
    for ((top, relaxed_top), flag) in tops.iter_mut().zip(relaxed_tops).zip(relaxed) {
        if top.0 == 0 {
            *flag = relaxed_top.0 > 0;
            *top = relaxed_top;
        }
    }
}

/// Decompressed blocks kept by each segment's document store for hits
/// (tantivy's default for the stores of a searcher).
const HIT_STORE_BLOCKS: usize = 100;

/// The document store of each segment, opened once, from which hits read
/// the raw bytes of their entries. A segment never changes once written,
/// so its store stays valid; the stores of segments the current searcher
/// no longer has are dropped when a new one is opened.
#[derive(Default)]
struct HitStores(Mutex<Vec<(SegmentId, Arc<StoreReader>)>>);

impl HitStores {
    /// The raw bytes of the stored entry at `address`.
    fn document_bytes(&self, searcher: &Searcher, address: DocAddress) -> Result<OwnedBytes> {
        let store = self.store(searcher, searcher.segment_reader(address.segment_ord))?;
        Ok(store.get_document_bytes(address.doc_id)?)
    }

    fn store(&self, searcher: &Searcher, segment: &SegmentReader) -> Result<Arc<StoreReader>> {
        let id = segment.segment_id();
        // a cache: what a panicking holder left is still sound
        let mut stores = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, store)) = stores.iter().find(|(segment, _)| *segment == id) {
            return Ok(Arc::clone(store));
        }
        let store = Arc::new(
            segment
                .get_store_reader(HIT_STORE_BLOCKS)
                .map_err(tantivy::TantivyError::from)?,
        );
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        stores.retain(|(segment, _)| live.contains(segment));
        stores.push((id, Arc::clone(&store)));
        Ok(store)
    }
}

/// Type code of a text value in tantivy's binary document.
const TEXT_TYPE_CODE: u8 = 0;

/// The text values of a stored entry that a hit reads, each taken once.
pub(super) struct StoredText<'a>(Vec<(Field, Cow<'a, str>)>);

impl<'a> StoredText<'a> {
    /// The values of `wanted` fields, read in place from an entry's bytes
    /// in the document store. The layout is tantivy's binary document: a
    /// VInt count of values, then for each a little-endian u32 field, a
    /// type code, and for text a VInt byte length and the UTF-8 bytes.
    /// `None` when a value is not text, the bytes end early or a wanted
    /// value is not UTF-8: the entry is then read through tantivy's own
    /// deserializer ([`DocumentDeserialize`]).
    pub(super) fn parse(bytes: &'a [u8], wanted: &[Field]) -> Option<StoredText<'a>> {
        let mut rest = bytes;
        let count = read_vint(&mut rest)?;
        let mut values = Vec::with_capacity(wanted.len());
        for _ in 0..count {
            let (head, tail) = rest.split_first_chunk::<5>()?;
            let [f0, f1, f2, f3, code] = *head;
            if code != TEXT_TYPE_CODE {
                return None;
            }
            rest = tail;
            let length = usize::try_from(read_vint(&mut rest)?).ok()?;
            let (text, tail) = rest.split_at_checked(length)?;
            rest = tail;
            let field = Field::from_field_id(u32::from_le_bytes([f0, f1, f2, f3]));
            if wanted.contains(&field) {
                values.push((field, Cow::Borrowed(simdutf8::basic::from_utf8(text).ok()?)));
            }
        }
        Some(StoredText(values))
    }

    /// The values of `wanted` fields of a stored entry: read in place from
    /// `bytes` ([`Self::parse`]), or through tantivy (`decode`) for an
    /// entry that reading does not take.
    pub(super) fn read(
        bytes: &'a [u8],
        wanted: &[Field],
        decode: impl FnOnce() -> tantivy::Result<StoredText<'static>>,
    ) -> tantivy::Result<StoredText<'a>> {
        match StoredText::parse(bytes, wanted) {
            Some(stored) => Ok(stored),
            None => decode(),
        }
    }

    /// The first value of `field`, moved out ("" when there is none).
    pub(super) fn take(&mut self, field: Field) -> Cow<'a, str> {
        self.0
            .iter_mut()
            .find(|(f, _)| *f == field)
            .map(|(_, text)| std::mem::take(text))
            .unwrap_or_default()
    }
}

/// Reads a tantivy VInt (seven bits a byte, least significant first, the
/// last byte marked by its high bit) off the front of `bytes`.
fn read_vint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 != 0 {
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}

/// Through tantivy's deserializer, for entries [`StoredText::parse`] does
/// not read.
impl DocumentDeserialize for StoredText<'static> {
    fn deserialize<'de, D>(mut deserializer: D) -> std::result::Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some((field, value)) = deserializer.next_field::<OwnedValue>()? {
            if let OwnedValue::Str(text) = value {
                values.push((field, Cow::Owned(text)));
            }
        }
        Ok(StoredText(values))
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
    fn kinds_searched_together_answer_as_each_searched_alone() {
        use crate::model::EntityKind;
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new([]);
        let mut writer = SearchWriter::create(dir.path(), &segmenter).unwrap();
        let texts = [
            "光伏组件与储能电池的研发",
            "储能电池热管理",
            "光伏硅片切割技术",
            "干细胞治疗溃疡性结肠炎",
            "光伏电站运维与储能调度",
        ];
        let kinds = [
            EntityKind::Patent,
            EntityKind::Person,
            EntityKind::University,
            EntityKind::Enterprise,
        ];
        for segment in 0..2 {
            for n in 0..24 {
                let mut entry = entity(
                    &format!("e{segment}-{n}"),
                    &format!("条目{segment}{n}"),
                    texts[n % texts.len()],
                );
                entry.kind = kinds[n % kinds.len()];
                writer.add_entity(&entry).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.finish().unwrap();
        let index = SearchIndex::open(dir.path(), segmenter).unwrap();
        let groups: Vec<Vec<String>> = vec![
            vec!["patent".into()],
            vec!["person".into(), "university".into()],
            vec!["document".into()],
        ];
        for (q, min_match) in [
            ("我们需要光伏组件、储能电池和硅片切割方面的技术", Some(2)),
            ("我们需要光伏组件、储能电池和硅片切割方面的技术", None),
            ("干细胞 结肠炎", None),
            ("储能", None),
        ] {
            let mut request = SearchRequest::new(q, 5);
            request.min_match = min_match;
            let found = index.search_per_kind(&request, &groups).unwrap();
            let together = &found.pages;
            assert_eq!(together.len(), groups.len());
            for (group, answer) in groups.iter().zip(together) {
                let filters: Vec<String> = group.iter().map(|kind| format!("kind:{kind}")).collect();
                let mut alone_request = SearchRequest::new(format!("{q} {}", filters.join(" ")), 5);
                alone_request.min_match = min_match;
                let alone = index.search(&alone_request).unwrap();
                let hits: Vec<SearchHit> = answer
                    .entries
                    .iter()
                    .map(|entry| index.found_hit(&found, entry).unwrap())
                    .collect();
                assert_eq!(hits, alone.hits, "{q} in {group:?}");
                for (entry, hit) in answer.entries.iter().zip(&hits) {
                    assert_eq!(entry.id, hit.id, "the key read once is the stored one");
                }
                assert_eq!(answer.total, alone.total, "{q} in {group:?}");
                assert_eq!(answer.reading, alone.reading, "{q} in {group:?}");
            }
            assert!(together[0].total > 0, "{q}");
            assert_eq!(together[2].total, 0, "no documents");
        }
    }

    #[test]
    fn entry_keys_are_the_stored_keys_of_the_live_segments() {
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new([]);
        let mut writer = SearchWriter::create(dir.path(), &segmenter).unwrap();
        for segment in 0..2 {
            for n in 0..5 {
                writer
                    .add_entity(&entity(
                        &format!("e{segment}-{n}"),
                        &format!("企业{segment}{n}"),
                        "储能",
                    ))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        writer.finish().unwrap();
        let index = SearchIndex::open(dir.path(), segmenter).unwrap();
        let every_key = |index: &SearchIndex| -> Vec<(Option<String>, String)> {
            let searcher = index.reader.searcher();
            let mut keys = Vec::new();
            for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
                for doc in 0..segment.max_doc() {
                    let address = DocAddress::new(ordinal as u32, doc);
                    keys.push((
                        index.keys.key(segment.segment_id(), doc),
                        index.stored_key(&searcher, address).unwrap(),
                    ));
                }
            }
            keys
        };
        let keys = every_key(&index);
        assert_eq!(keys.len(), 10);
        assert!(keys
            .iter()
            .all(|(read, stored)| read.as_deref() == Some(stored.as_str())));

        let mut writer = index.writer().unwrap();
        writer.upsert_entity(&entity("e2-0", "企业20", "光伏")).unwrap();
        writer.commit().unwrap();
        index.reload().unwrap();
        let keys = every_key(&index);
        assert!(keys.iter().any(|(_, stored)| stored == "e2-0"), "the new segment");
        assert!(keys
            .iter()
            .all(|(read, stored)| read.as_deref() == Some(stored.as_str())));
    }

    #[test]
    fn hits_read_stored_text_in_place_as_tantivy_does() {
        let dir = tempfile::tempdir().unwrap();
        let segmenter = Segmenter::new([]);
        let writer = SearchWriter::create(dir.path(), &segmenter).unwrap();
        let mut company = entity("e1", "青島高新<醫療>", "体外诊断 &amp; 人工血管");
        company.industry = vec!["医疗器械".into(), "生物医药".into()];
        company.location = "青岛".into();
        company.aliases = vec!["高新医疗".into()];
        writer.add_entity(&company).unwrap();
        writer.add_entity(&entity("e2", "无简介", "")).unwrap();
        writer
            .add_document(&crate::model::Document {
                id: "d1".into(),
                title: "康復大學".into(),
                text: "光伏\n储能".repeat(2_000),
                date: "2025-03-01".into(),
                source: "测试".into(),
                title_derived: false,
            })
            .unwrap();
        writer.finish().unwrap();
        let index = SearchIndex::open(dir.path(), segmenter).unwrap();
        let searcher = index.reader.searcher();
        let f = index.fields;
        let fields = [f.key, f.kind, f.title, f.body, f.date];
        let mut read = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in 0..segment.max_doc() {
                let address = DocAddress::new(ord as u32, doc_id);
                let bytes = index.hit_stores.document_bytes(&searcher, address).unwrap();
                let mut in_place = StoredText::parse(&bytes, &fields).expect("text values only");
                let mut through_tantivy: StoredText = searcher.doc(address).unwrap();
                let doc: TantivyDocument = searcher.doc(address).unwrap();
                for field in fields {
                    let expected = doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
                    assert_eq!(in_place.take(field), expected);
                    assert_eq!(through_tantivy.take(field), expected);
                }
                read += 1;
            }
        }
        assert_eq!(read, 3);
        let hit = index.search(&SearchRequest::new("医疗", 10)).unwrap().hits.remove(0);
        assert_eq!(hit.name.as_deref(), Some("青島高新<醫療>"));
        let hit = index.search(&SearchRequest::new("储能", 10)).unwrap().hits.remove(0);
        assert_eq!(
            (hit.title.as_deref(), hit.date.as_deref()),
            (Some("康復大學"), Some("2025-03-01"))
        );
    }

    #[test]
    fn other_values_leave_the_reading_to_tantivy() {
        let (title, body) = (Field::from_field_id(6), Field::from_field_id(8));
        // two values: title "光伏" and body "储能"
        let mut bytes = vec![0x82];
        for (field, text) in [(6u32, "光伏"), (8, "储能")] {
            bytes.extend(field.to_le_bytes());
            bytes.push(TEXT_TYPE_CODE);
            bytes.push(0x80 | text.len() as u8);
            bytes.extend(text.as_bytes());
        }
        let mut stored = StoredText::parse(&bytes, &[title, body]).unwrap();
        assert_eq!((stored.take(title), stored.take(body)), ("光伏".into(), "储能".into()));
        // cut short
        assert!(StoredText::parse(&bytes[..bytes.len() - 1], &[title]).is_none());
        // a value of another type (u64)
        let mut other = bytes.clone();
        other[5] = 1;
        assert!(StoredText::parse(&other, &[title]).is_none());
        // not UTF-8: refused where wanted, skipped otherwise
        let mut broken = bytes.clone();
        let last = broken.len() - 1;
        broken[last] = 0xFF;
        assert!(StoredText::parse(&broken, &[title, body]).is_none());
        assert!(StoredText::parse(&broken, &[title]).is_some());
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
        assert_eq!(index.keys_containing(&["翀霈科技".to_string()], 10).unwrap(), ["a"]);
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

//! Facet counts over every match of a query. The values of the `kind`,
//! `industry`, `location` and `year` fields are read once per segment from
//! their columns and packed into one integer per document; a query then
//! counts ordinals and names them once per segment.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use serde::{Deserialize, Serialize};

/// Facet counts over all matching entries (not only the page).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Facets {
    pub kind: BTreeMap<String, u64>,
    pub industry: BTreeMap<String, u64>,
    pub location: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
}

/// The fields counted, in the order of [`Tally::counts`].
pub(crate) const FACET_FIELDS: [&str; 4] = ["kind", "industry", "location", "year"];

/// Per segment, every document's facet values packed as term ordinals,
/// built once per segment and kept while the segment lives.
#[derive(Default)]
pub(crate) struct FacetCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl FacetCache {
    /// The packed values of a segment, built on first use.
    fn segment(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = reader.segment_id();
        if let Some(found) = self.lock().get(&id) {
            return Ok(found.clone());
        }
        let built = Arc::new(SegmentFacets::build(reader)?);
        self.lock().insert(id, built.clone());
        Ok(built)
    }

    /// Builds the packed values of every segment `searcher` reads and forgets
    /// those of segments that are gone (merged or deleted).
    pub(crate) fn refresh(&self, searcher: &tantivy::Searcher) -> tantivy::Result<()> {
        let live: Vec<SegmentId> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
        self.lock().retain(|id, _| live.contains(id));
        for reader in searcher.segment_readers() {
            self.segment(reader)?;
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFacets>>> {
        // the map holds no invariant a panicking holder could break
        self.segments.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How one document's facet values are packed into an integer: `ordinal +
/// 1` (0 for none) of kind, location and year, then the industries as a
/// bit set over their ordinals, each in as few bits as the segment needs.
/// Dense records keep a segment's values in cache: a query touching tens of
/// thousands of scattered documents then waits on few memory round trips.
#[derive(Clone, Copy)]
struct Layout {
    /// Bit offset and width of kind, location and year.
    single: [(u32, u32); 3],
    /// Bit offset of the industry set; `None` when the segment has more
    /// industries than bits left (they are read from the column).
    industries: Option<u32>,
}

/// Bits needed for the values `0..=max`.
fn bits_for(max: usize) -> u32 {
    usize::BITS - max.leading_zeros()
}

impl Layout {
    fn new(values: [usize; 4], width: u32) -> Option<Layout> {
        let mut single = [(0, 0); 3];
        let mut offset = 0;
        for (slot, field) in single.iter_mut().zip([KIND, LOCATION, YEAR]) {
            let bits = bits_for(values[field]);
            *slot = (offset, bits);
            offset += bits;
        }
        if offset > width {
            return None;
        }
        let industries =
            (values[INDUSTRY] > 0 && offset as usize + values[INDUSTRY] <= width as usize).then_some(offset);
        Some(Layout { single, industries })
    }
}

/// Packed records of a segment, 32 bits each when they fit.
enum Records {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Records {
    #[inline]
    fn get(&self, doc: usize) -> u64 {
        match self {
            Records::Narrow(records) => u64::from(records[doc]),
            Records::Wide(records) => records[doc],
        }
    }
}

/// One segment's facet values, document by document.
struct SegmentFacets {
    /// Value names, per field, by ordinal.
    names: [Vec<String>; 4],
    layout: Layout,
    records: Records,
    /// The industry column, when the industries did not fit the records.
    industry_column: Option<StrColumn>,
}

/// Facet field positions in [`FACET_FIELDS`] and [`SegmentFacets::names`].
const KIND: usize = 0;
const INDUSTRY: usize = 1;
const LOCATION: usize = 2;
const YEAR: usize = 3;

impl SegmentFacets {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let max_doc = reader.max_doc() as usize;
        let mut names: [Vec<String>; 4] = Default::default();
        let mut columns: [Option<StrColumn>; 4] = Default::default();
        for (position, name) in FACET_FIELDS.iter().enumerate() {
            let Some(column) = reader.fast_fields().str(name)? else {
                continue;
            };
            let mut values = Vec::with_capacity(column.num_terms());
            let mut value = String::new();
            for ord in 0..column.num_terms() as u64 {
                value.clear();
                column.ord_to_str(ord, &mut value)?;
                values.push(value.clone());
            }
            names[position] = values;
            columns[position] = Some(column);
        }
        let counts = names.each_ref().map(Vec::len);
        let (layout, width) = match Layout::new(counts, u32::BITS) {
            Some(layout) if layout.industries.is_some() || counts[INDUSTRY] == 0 => (layout, u32::BITS),
            _ => match Layout::new(counts, u64::BITS) {
                Some(layout) => (layout, u64::BITS),
                None => {
                    return Err(tantivy::TantivyError::InternalError(format!(
                        "too many kinds, locations or years in one segment: {counts:?}"
                    )))
                }
            },
        };
        let mut records = vec![0u64; max_doc];
        for (&(offset, _), field) in layout.single.iter().zip([KIND, LOCATION, YEAR]) {
            let Some(column) = &columns[field] else { continue };
            for (doc, record) in records.iter_mut().enumerate() {
                if let Some(ord) = column.ords().first(doc as DocId) {
                    *record |= (ord + 1) << offset;
                }
            }
        }
        let mut industry_column = columns[INDUSTRY].take();
        if let (Some(column), Some(offset)) = (&industry_column, layout.industries) {
            for (doc, record) in records.iter_mut().enumerate() {
                for ord in column.ords().values_for_doc(doc as DocId) {
                    *record |= 1 << (u64::from(offset) + ord);
                }
            }
            industry_column = None;
        }
        let records = if width == u32::BITS {
            Records::Narrow(records.into_iter().map(|r| r as u32).collect())
        } else {
            Records::Wide(records)
        };
        Ok(SegmentFacets {
            names,
            layout,
            records,
            industry_column,
        })
    }
}

/// Counts the matches and, per facet field, the matches carrying each
/// value, from the packed values of a [`FacetCache`].
pub(crate) struct FacetCounter<'a> {
    pub cache: &'a FacetCache,
}

/// What a [`FacetCounter`] found: the number of matches and per field the
/// count of each value.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub total: usize,
    pub counts: [BTreeMap<String, u64>; 4],
}

impl Tally {
    /// The counts as named facets, listing at most `location_values`
    /// locations (the most frequent).
    pub(crate) fn into_facets(self, location_values: usize) -> (usize, Facets) {
        let [kind, industry, location, year] = self.counts;
        let facets = Facets {
            kind,
            industry,
            location: most_frequent(location, location_values),
            year,
        };
        (self.total, facets)
    }
}

/// The `limit` most frequent values of a facet.
fn most_frequent(counts: BTreeMap<String, u64>, limit: usize) -> BTreeMap<String, u64> {
    if counts.len() <= limit {
        return counts;
    }
    let mut by_count: Vec<(String, u64)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    by_count.truncate(limit);
    by_count.into_iter().collect()
}

pub(crate) struct SegmentFacetCounter {
    facets: Arc<SegmentFacets>,
    /// Per field, a count per `ordinal + 1` (industries: per ordinal).
    counts: [Vec<u32>; 4],
    total: usize,
}

impl Collector for FacetCounter<'_> {
    type Fruit = Tally;
    type Child = SegmentFacetCounter;

    fn for_segment(&self, _segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacetCounter> {
        let facets = self.cache.segment(reader)?;
        let counts = [KIND, INDUSTRY, LOCATION, YEAR].map(|field| vec![0; facets.names[field].len() + 1]);
        Ok(SegmentFacetCounter {
            facets,
            counts,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut merged = Tally::default();
        for fruit in fruits {
            merged.total += fruit.total;
            for (into, from) in merged.counts.iter_mut().zip(fruit.counts) {
                for (value, count) in from {
                    *into.entry(value).or_insert(0) += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        let facets = &*self.facets;
        let record = facets.records.get(doc as usize);
        let [kinds, industries, locations, years] = &mut self.counts;
        for (&(offset, bits), counts) in facets.layout.single.iter().zip([kinds, locations, years]) {
            let value = (record >> offset) & ((1 << bits) - 1);
            counts[value as usize] += 1;
        }
        if let Some(offset) = facets.layout.industries {
            let mut set = record >> offset;
            while set != 0 {
                industries[set.trailing_zeros() as usize + 1] += 1;
                set &= set - 1;
            }
        }
        if let Some(column) = &facets.industry_column {
            for ord in column.ords().values_for_doc(doc) {
                industries[ord as usize + 1] += 1;
            }
        }
    }

    fn harvest(self) -> Tally {
        let mut tally = Tally {
            total: self.total,
            ..Tally::default()
        };
        for (field, counts) in self.counts.iter().enumerate() {
            // slot 0 counts documents without a value
            for (name, &count) in self.facets.names[field].iter().zip(&counts[1..]) {
                if count > 0 {
                    tally.counts[field].insert(name.clone(), u64::from(count));
                }
            }
        }
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::AllQuery;
    use tantivy::schema::{Schema, FAST, STRING};
    use tantivy::{doc, Index, IndexWriter};

    #[test]
    fn counts_single_and_multi_valued_fields_across_segments() {
        let mut builder = Schema::builder();
        let kind = builder.add_text_field("kind", STRING | FAST);
        let industry = builder.add_text_field("industry", STRING | FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer
            .add_document(doc!(kind => "enterprise", industry => "海洋", industry => "生物医药"))
            .unwrap();
        writer.add_document(doc!(kind => "enterprise")).unwrap();
        writer.commit().unwrap();
        writer
            .add_document(doc!(kind => "university", industry => "海洋"))
            .unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let cache = FacetCache::default();
        let (total, facets) = searcher
            .search(&AllQuery, &FacetCounter { cache: &cache })
            .unwrap()
            .into_facets(10);
        assert_eq!(total, 3);
        assert_eq!(facets.kind["enterprise"], 2);
        assert_eq!(facets.kind["university"], 1);
        assert_eq!(facets.industry["海洋"], 2);
        assert_eq!(facets.industry["生物医药"], 1);
        assert!(facets.location.is_empty() && facets.year.is_empty());
    }

    #[test]
    fn keeps_the_most_frequent_values() {
        let counts: BTreeMap<String, u64> = [("a", 1), ("b", 5), ("c", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let kept = most_frequent(counts, 2);
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["b", "c"]);
    }

    #[test]
    fn many_industries_are_counted_in_wide_records_or_from_the_column() {
        // 40 industries need 64-bit records; 70 do not fit them at all
        for industries in [40, 70] {
            let mut builder = Schema::builder();
            let industry = builder.add_text_field("industry", STRING | FAST);
            let location = builder.add_text_field("location", STRING | FAST);
            let index = Index::create_in_ram(builder.build());
            let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
            for n in 0..industries {
                writer
                    .add_document(doc!(industry => format!("行业{n}"), industry => "共有", location => "青岛"))
                    .unwrap();
            }
            writer.add_document(doc!()).unwrap();
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let cache = FacetCache::default();
            cache.refresh(&searcher).unwrap();
            let (total, facets) = searcher
                .search(&AllQuery, &FacetCounter { cache: &cache })
                .unwrap()
                .into_facets(10);
            assert_eq!(total, industries + 1);
            assert_eq!(facets.industry.len(), industries + 1);
            assert_eq!(facets.industry["共有"], industries as u64);
            assert_eq!(facets.industry[&format!("行业{}", industries - 1)], 1);
            assert_eq!(facets.location["青岛"], industries as u64);
            assert!(facets.kind.is_empty());
        }
    }
}

//! Facet counts over every match of a query, read from the columnar values
//! of the `kind`, `industry`, `location` and `year` fields: one collector
//! that counts term ordinals per segment into plain arrays and turns them
//! into names once, when the segment is done.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, StrColumn};
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

/// Counts the matches and, per facet field, the matches carrying each value.
pub(crate) struct FacetCounter;

/// What a [`FacetCounter`] found: the number of matches and per field the
/// count of each value.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub total: usize,
    pub counts: [HashMap<String, u64>; 4],
}

impl Tally {
    /// The counts as named facets, listing at most `location_values`
    /// locations (the most frequent).
    pub(crate) fn into_facets(self, location_values: usize) -> (usize, Facets) {
        let [kind, industry, location, year] = self.counts.map(|c| c.into_iter().collect::<BTreeMap<_, _>>());
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

/// One facet field of one segment: its column and a count per term ordinal.
struct FieldCounts {
    column: StrColumn,
    single: bool,
    counts: Vec<u32>,
}

pub(crate) struct SegmentFacetCounter {
    fields: [Option<FieldCounts>; 4],
    total: usize,
}

impl Collector for FacetCounter {
    type Fruit = Tally;
    type Child = SegmentFacetCounter;

    fn for_segment(&self, _segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacetCounter> {
        let mut fields: [Option<FieldCounts>; 4] = Default::default();
        for (slot, name) in fields.iter_mut().zip(FACET_FIELDS) {
            *slot = reader.fast_fields().str(name)?.map(|column| {
                let single = matches!(
                    column.ords().get_cardinality(),
                    Cardinality::Full | Cardinality::Optional
                );
                let counts = vec![0; column.num_terms()];
                FieldCounts { column, single, counts }
            });
        }
        Ok(SegmentFacetCounter { fields, total: 0 })
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
        for field in self.fields.iter_mut().flatten() {
            let ords = field.column.ords();
            if field.single {
                if let Some(ord) = ords.first(doc) {
                    field.counts[ord as usize] += 1;
                }
            } else {
                for ord in ords.values_for_doc(doc) {
                    field.counts[ord as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Tally {
        let mut tally = Tally {
            total: self.total,
            ..Tally::default()
        };
        for (into, field) in tally.counts.iter_mut().zip(self.fields) {
            let Some(field) = field else { continue };
            let mut name = String::new();
            for (ord, &count) in field.counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                name.clear();
                // An ordinal of the column's own dictionary always resolves;
                // a read error would leave the value out of the counts.
                if field.column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    into.insert(name.clone(), u64::from(count));
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
        let (total, facets) = searcher.search(&AllQuery, &FacetCounter).unwrap().into_facets(10);
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
}

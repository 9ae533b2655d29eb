//! The best hits of one query for each of several groups of kinds, in one
//! pass over its matches: each match goes to the group of its `kind`
//! (read from the kind column) and is ranked there by tantivy's own top-k
//! collector, so a group's hits, their order and ties are those a search
//! filtered to that group alone returns.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::snippet::Highlighter;
use super::QueryReading;

/// What [`SearchIndex::search_per_kind`](super::SearchIndex::search_per_kind)
/// found: a page per group of kinds, its entries read as far as their ids;
/// [`SearchIndex::found_hit`](super::SearchIndex::found_hit) reads an
/// entry's hit (name or title, snippet) when it is shown.
pub struct KindPages {
    /// One page per group, in the order of the groups.
    pub pages: Vec<KindPage>,
    /// The searcher that found them (their addresses are its).
    pub(super) searcher: Searcher,
    /// The words to emphasise in their snippets.
    pub(super) highlighter: Highlighter,
}

/// The ranked entries of one group of kinds.
pub struct KindPage {
    /// Entries of the group that match.
    pub total: usize,
    /// The page, best first.
    pub entries: Vec<FoundEntry>,
    /// `any_term` when only the relaxed query found entries.
    pub fallback: Option<String>,
    /// How a natural-language query was read.
    pub reading: Option<QueryReading>,
}

/// An entry found: its id (an entity's or a document's) and score.
#[derive(Debug, Clone)]
pub struct FoundEntry {
    pub id: String,
    pub score: Score,
    pub(super) address: DocAddress,
}

/// The ranked hits of one group and how many matches it had.
pub(crate) type GroupTop = (usize, Vec<(Score, DocAddress)>);

/// Collects, for each group of kinds, its matches' count and the page
/// that `top` (a top-k collector ordered by score) keeps of them.
pub(crate) struct TopPerKind<'a, C> {
    /// The collector of one group's page.
    pub top: C,
    /// Kinds (`document` or entity kinds) of each group; a kind in no
    /// group is left out.
    pub groups: &'a [Vec<String>],
}

/// The per-segment part of [`TopPerKind`].
pub(crate) struct SegmentTopPerKind<S> {
    kinds: Option<StrColumn>,
    /// The group of each kind ordinal of the segment's kind column.
    group_of_ordinal: Vec<Option<usize>>,
    counts: Vec<usize>,
    tops: Vec<S>,
}

impl<C> Collector for TopPerKind<'_, C>
where
    C: Collector<Fruit = Vec<(Score, DocAddress)>>,
{
    type Fruit = Vec<GroupTop>;
    type Child = SegmentTopPerKind<C::Child>;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let kinds = reader.fast_fields().str("kind")?;
        let mut group_of_ordinal = Vec::new();
        if let Some(column) = &kinds {
            let mut value = String::new();
            for ordinal in 0..column.num_terms() as u64 {
                value.clear();
                column.ord_to_str(ordinal, &mut value)?;
                group_of_ordinal.push(self.groups.iter().position(|group| group.contains(&value)));
            }
        }
        let tops = (0..self.groups.len())
            .map(|_| self.top.for_segment(segment, reader))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(SegmentTopPerKind {
            kinds,
            group_of_ordinal,
            counts: vec![0; self.groups.len()],
            tops,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(usize, <C::Child as SegmentCollector>::Fruit)>>,
    ) -> tantivy::Result<Vec<GroupTop>> {
        let mut per_group: Vec<(usize, Vec<<C::Child as SegmentCollector>::Fruit>)> =
            (0..self.groups.len()).map(|_| (0, Vec::new())).collect();
        for fruit in fruits {
            for ((count, pages), (segment_count, segment_page)) in per_group.iter_mut().zip(fruit) {
                *count += segment_count;
                pages.push(segment_page);
            }
        }
        per_group
            .into_iter()
            .map(|(count, pages)| Ok((count, self.top.merge_fruits(pages)?)))
            .collect()
    }
}

impl<S: SegmentCollector> SegmentCollector for SegmentTopPerKind<S> {
    type Fruit = Vec<(usize, S::Fruit)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(column) = &self.kinds else { return };
        let group = column
            .ords()
            .first(doc)
            .and_then(|ordinal| self.group_of_ordinal.get(ordinal as usize).copied().flatten());
        if let Some(group) = group {
            self.counts[group] += 1;
            self.tops[group].collect(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
            .into_iter()
            .zip(self.tops.into_iter().map(SegmentCollector::harvest))
            .collect()
    }
}

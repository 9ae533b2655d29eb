//! How many entries hold a term, remembered for the searcher generation it
//! was counted in. Counting asks every segment's term dictionary; a match
//! asks it for every word of a long profile (to keep the rarest) and
//! again for BM25, and profiles share most of their words, so the counts
//! are kept until the index is reloaded.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Most terms remembered; past it the counts start over.
const MAX_TERMS: usize = 200_000;

/// Document frequencies of terms, for one searcher generation at a time.
#[derive(Default)]
pub(crate) struct DocFreqs {
    /// The generation counted in, and the counts.
    counts: Mutex<(u64, HashMap<Term, u64>)>,
}

impl DocFreqs {
    /// The number of entries of `searcher` holding `term` (deleted ones
    /// included, as tantivy counts them).
    pub(crate) fn doc_freq(&self, searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
        let generation = searcher.generation().generation_id();
        {
            let counts = self.lock();
            if counts.0 == generation {
                if let Some(&count) = counts.1.get(term) {
                    return Ok(count);
                }
            }
        }
        let count = searcher.doc_freq(term)?;
        let mut counts = self.lock();
        if counts.0 != generation || counts.1.len() >= MAX_TERMS {
            counts.1.clear();
            counts.0 = generation;
        }
        counts.1.insert(term.clone(), count);
        Ok(count)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, HashMap<Term, u64>)> {
        // a cache: what a panicking holder left is still sound
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// BM25 statistics of a searcher, its document frequencies read through
/// [`DocFreqs`].
pub(crate) struct CachedStatistics<'a> {
    pub searcher: &'a Searcher,
    pub doc_freqs: &'a DocFreqs,
}

impl Bm25StatisticsProvider for CachedStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.doc_freqs.doc_freq(self.searcher, term)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter, ReloadPolicy};

    use super::*;

    #[test]
    fn counts_follow_the_searcher_generation() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        writer.add_document(doc!(body => "solar cell")).unwrap();
        writer.commit().unwrap();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .unwrap();
        let doc_freqs = DocFreqs::default();
        let solar = Term::from_field_text(body, "solar");
        assert_eq!(doc_freqs.doc_freq(&reader.searcher(), &solar).unwrap(), 1);
        writer.add_document(doc!(body => "solar storage")).unwrap();
        writer.commit().unwrap();
        assert_eq!(
            doc_freqs.doc_freq(&reader.searcher(), &solar).unwrap(),
            1,
            "not reloaded"
        );
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert_eq!(doc_freqs.doc_freq(&searcher, &solar).unwrap(), 2);
        let statistics = CachedStatistics {
            searcher: &searcher,
            doc_freqs: &doc_freqs,
        };
        assert_eq!(Bm25StatisticsProvider::doc_freq(&statistics, &solar).unwrap(), 2);
        assert_eq!(statistics.total_num_docs().unwrap(), 2);
    }
}

//! A query matching the entries that hold at least a given number of its
//! clauses, scoring the sum of the clauses they hold: the "two of twelve
//! words" of a question or a pasted text (see
//! `QueryBuilder::coverage_query`).
//!
//! It matches and scores as tantivy's `BooleanQuery` with a minimum of
//! should-clauses does, but reads the clauses a window of documents at a
//! time (as tantivy's union of should-clauses does): every clause adds its
//! documents of the window to a count and a score per document, and the
//! documents that reached the minimum come out in order. Tantivy's
//! minimum-match scorer keeps the clauses in a binary heap and pops and
//! pushes one for every posting, which was most of a match's time over a
//! million entries.

use std::fmt;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Documents read from the clauses at a time.
const WINDOW: u32 = 4096;
const WORDS: usize = WINDOW as usize / 64;

/// Matches the documents that at least `minimum` of `clauses` match.
pub(super) struct AtLeastQuery {
    clauses: Vec<Box<dyn Query>>,
    minimum: usize,
}

impl AtLeastQuery {
    /// `minimum` is at least one; more than there are clauses matches
    /// nothing.
    pub(super) fn new(clauses: Vec<Box<dyn Query>>, minimum: usize) -> AtLeastQuery {
        AtLeastQuery {
            clauses,
            minimum: minimum.max(1),
        }
    }
}

impl Clone for AtLeastQuery {
    fn clone(&self) -> Self {
        AtLeastQuery {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
            minimum: self.minimum,
        }
    }
}

impl fmt::Debug for AtLeastQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "AtLeast(minimum={}, clauses={:?})", self.minimum, self.clauses)
    }
}

impl Query for AtLeastQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|clause| clause.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AtLeastWeight {
            weights,
            minimum: self.minimum,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    weights: Vec<Box<dyn Weight>>,
    minimum: usize,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        if scorers.len() < self.minimum {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(AtLeastScorer::new(scorers, self.minimum)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let held: Vec<Explanation> = self
            .weights
            .iter()
            .filter_map(|weight| weight.explain(reader, doc).ok())
            .collect();
        if held.len() < self.minimum {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds {} of the {} clauses needed",
                held.len(),
                self.minimum
            )));
        }
        let mut explanation = Explanation::new("Sum of the clauses held", held.iter().map(Explanation::value).sum());
        for detail in held {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

/// The documents of the current window that reached the minimum, in
/// order, with their scores; the clauses stand after the window.
struct AtLeastScorer {
    scorers: Vec<Box<dyn Scorer>>,
    minimum: u32,
    /// per document of the window: how many clauses hold it, their score
    counts: Box<[u32]>,
    scores: Box<[Score]>,
    /// the documents of the window some clause holds
    touched: [u64; WORDS],
    matched: Vec<(DocId, Score)>,
    next: usize,
    doc: DocId,
    score: Score,
}

impl AtLeastScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, minimum: usize) -> AtLeastScorer {
        let mut scorer = AtLeastScorer {
            scorers,
            minimum: minimum as u32,
            counts: vec![0; WINDOW as usize].into_boxed_slice(),
            scores: vec![0.0; WINDOW as usize].into_boxed_slice(),
            touched: [0; WORDS],
            matched: Vec::new(),
            next: 0,
            doc: 0,
            score: 0.0,
        };
        scorer.advance();
        scorer
    }

    /// Reads the next window that has a match, from the first document a
    /// clause stands on; false when none is left.
    fn fill(&mut self) -> bool {
        self.matched.clear();
        self.next = 0;
        while self.matched.is_empty() {
            if self.scorers.len() < self.minimum as usize {
                return false;
            }
            let Some(start) = self.scorers.iter().map(|s| s.doc()).min() else {
                return false;
            };
            let end = start.saturating_add(WINDOW);
            for scorer in &mut self.scorers {
                let mut doc = scorer.doc();
                while doc < end {
                    let at = (doc - start) as usize;
                    self.counts[at] += 1;
                    self.scores[at] += scorer.score();
                    self.touched[at / 64] |= 1 << (at % 64);
                    doc = scorer.advance();
                }
            }
            self.scorers.retain(|s| s.doc() != TERMINATED);
            for (word_at, word) in self.touched.iter_mut().enumerate() {
                while *word != 0 {
                    let bit = word.trailing_zeros() as usize;
                    *word &= *word - 1;
                    let at = word_at * 64 + bit;
                    if self.counts[at] >= self.minimum {
                        self.matched.push((start + at as DocId, self.scores[at]));
                    }
                    self.counts[at] = 0;
                    self.scores[at] = 0.0;
                }
            }
        }
        true
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        if self.next >= self.matched.len() && !self.fill() {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        let (doc, score) = self.matched[self.next];
        self.next += 1;
        self.doc = doc;
        self.score = score;
        doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // within the window read: skip to the first match at or after it
        let left = &self.matched[self.next..];
        let skip = left.partition_point(|&(doc, _)| doc < target);
        if skip < left.len() {
            self.next += skip;
            return self.advance();
        }
        // past it: the clauses leap to the target
        self.next = self.matched.len();
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.scorers.retain(|s| s.doc() != TERMINATED);
        self.advance()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers.iter().map(|s| s.size_hint()).max().unwrap_or(0)
    }

    /// A document counts in at least `minimum` of the clauses' costs.
    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum::<u64>() / u64::from(self.minimum)
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    /// An index of `documents` texts over the words w0..w5, each word
    /// held by a document with a pattern of its own, so that windows hold
    /// many and few matches, and the end of the index cuts a window.
    fn index(documents: u32) -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for n in 0..documents {
            let words: Vec<String> = (0..6u32)
                .filter(|w| (n / (w + 1)).wrapping_mul(2_654_435_761).is_multiple_of(w + 2))
                .map(|w| format!("w{w}"))
                .collect();
            writer.add_document(doc!(body => words.join(" "))).unwrap();
        }
        writer.commit().unwrap();
        (index, body)
    }

    fn clauses(body: tantivy::schema::Field, words: &[u32]) -> Vec<Box<dyn Query>> {
        words
            .iter()
            .map(|w| {
                Box::new(TermQuery::new(
                    Term::from_field_text(body, &format!("w{w}")),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect()
    }

    #[test]
    fn matches_and_scores_as_a_boolean_query_with_a_minimum() {
        let (index, body) = index(20_000);
        let searcher = index.reader().unwrap().searcher();
        for minimum in 1..=4 {
            let words = [0, 1, 2, 3, 4, 5];
            let ours = AtLeastQuery::new(clauses(body, &words), minimum);
            let with_heap = BooleanQuery::with_minimum_required_clauses(
                clauses(body, &words).into_iter().map(|q| (Occur::Should, q)).collect(),
                minimum,
            );
            let top = TopDocs::with_limit(30_000).order_by_score();
            let mut a = searcher.search(&ours, &top).unwrap();
            let mut b = searcher.search(&with_heap, &top).unwrap();
            assert!(!a.is_empty(), "minimum {minimum}: nothing matched");
            assert_eq!(a.len(), b.len(), "minimum {minimum}");
            a.sort_by_key(|(_, address)| *address);
            b.sort_by_key(|(_, address)| *address);
            for ((sa, da), (sb, db)) in a.iter().zip(&b) {
                assert_eq!(da, db);
                assert!((sa - sb).abs() < 1e-4, "{sa} against {sb}");
            }
            let counted = searcher.search(&ours, &tantivy::collector::Count).unwrap();
            assert_eq!(counted, b.len());
        }
    }

    #[test]
    fn seeks_inside_and_past_its_window() {
        let (index, body) = index(20_000);
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let query = AtLeastQuery::new(clauses(body, &[0, 1, 2, 3]), 2);
        let weight = query.weight(EnableScoring::disabled_from_searcher(&searcher)).unwrap();
        let all: Vec<DocId> = {
            let mut scorer = weight.scorer(segment, 1.0).unwrap();
            let mut docs = Vec::new();
            while scorer.doc() != TERMINATED {
                docs.push(scorer.doc());
                scorer.advance();
            }
            docs
        };
        assert!(all.len() > 100);
        for step in [1, 7, 500, 5_000, 9_999] {
            let mut scorer = weight.scorer(segment, 1.0).unwrap();
            let mut target = 0;
            while target < 20_000 {
                let expected = all.iter().copied().find(|&d| d >= target).unwrap_or(TERMINATED);
                assert_eq!(scorer.seek(target), expected, "seek to {target} by {step}");
                target += step;
            }
        }
    }

    #[test]
    fn fewer_clauses_than_the_minimum_match_nothing() {
        let (index, body) = index(100);
        let searcher = index.reader().unwrap().searcher();
        let query = AtLeastQuery::new(clauses(body, &[0, 1]), 3);
        assert_eq!(searcher.search(&query, &tantivy::collector::Count).unwrap(), 0);
    }
}

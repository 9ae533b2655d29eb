//! A query whose matches score what another query scores plus a fixed
//! bonus: the coverage part of a question's units (see
//! `QueryBuilder::coverage_query`). It scores as a union of the query and
//! a constant-score copy of it would, reading the query's postings once.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, COLLECT_BLOCK_BUFFER_LEN};

/// Matches what `query` matches, scoring its score plus `bonus`.
pub(super) struct BonusQuery {
    query: Box<dyn Query>,
    bonus: Score,
}

impl BonusQuery {
    pub(super) fn new(query: Box<dyn Query>, bonus: Score) -> BonusQuery {
        BonusQuery { query, bonus }
    }
}

impl Clone for BonusQuery {
    fn clone(&self) -> Self {
        BonusQuery {
            query: self.query.box_clone(),
            bonus: self.bonus,
        }
    }
}

impl fmt::Debug for BonusQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Bonus(bonus={}, query={:?})", self.bonus, self.query)
    }
}

impl Query for BonusQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            Box::new(BonusWeight {
                inner,
                bonus: self.bonus,
            })
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct BonusWeight {
    inner: Box<dyn Weight>,
    bonus: Score,
}

impl Weight for BonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BonusScorer {
            inner: self.inner.scorer(reader, boost)?,
            bonus: boost * self.bonus,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut explanation = Explanation::new("Sum of the query and its bonus", inner.value() + self.bonus);
        explanation.add_detail(inner);
        explanation.add_const("Bonus", self.bonus);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct BonusScorer {
    inner: Box<dyn Scorer>,
    bonus: Score,
}

impl DocSet for BonusScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        self.inner.fill_buffer(buffer)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for BonusScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.bonus
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    #[test]
    fn scores_as_the_query_or_a_constant_copy_of_it() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        for text in [
            "solar cell",
            "solar solar storage",
            "storage",
            "wind",
            "solar wind cell",
        ] {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |word: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        let unit = || -> Box<dyn Query> {
            let words = BooleanQuery::new(vec![(Occur::Should, term("solar")), (Occur::Should, term("cell"))]);
            Box::new(BoostQuery::new(Box::new(words), 0.5))
        };
        let as_union = BooleanQuery::new(vec![
            (Occur::Should, unit()),
            (Occur::Should, Box::new(ConstScoreQuery::new(unit(), 1.7))),
        ]);
        let with_bonus = BonusQuery::new(unit(), 1.7);
        let top = TopDocs::with_limit(10).order_by_score();
        let expected = searcher.search(&as_union, &top).unwrap();
        assert_eq!(expected.len(), 3);
        assert_eq!(searcher.search(&with_bonus, &top).unwrap(), expected);
        let outer = |unit: Box<dyn Query>| {
            BooleanQuery::with_minimum_required_clauses(vec![(Occur::Should, unit), (Occur::Should, term("wind"))], 1)
        };
        assert_eq!(
            searcher.search(&outer(Box::new(with_bonus)), &top).unwrap(),
            searcher.search(&outer(Box::new(as_union)), &top).unwrap()
        );
    }
}

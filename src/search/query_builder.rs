//! Turning a [`ParsedQuery`] and a [`SearchRequest`] into tantivy queries:
//! each required part becomes a clause over the word, bigram and
//! identifier fields, excluded parts rule entries out, filters restrict
//! without scoring, and an entry named exactly as the query is boosted.
//! Which words to highlight is gathered along the way.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, RegexPhraseQuery,
    RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::at_least::AtLeastQuery;
use super::bonus::BonusQuery;
use super::doc_freq::DocFreqs;
use super::query::{Filter, FilterField, ParsedQuery, QueryPart};
use super::question::{Reading, Unit};
use super::request::SearchRequest;
use super::schema::{exact_name, Fields, DOCUMENT_KIND, DOCUMENT_LABEL};
use crate::model::{check_date, EntityKind};
use crate::text::{bigrams, is_cjk, normalize, Segmenter, MAX_SUBWORD_CHARS};
use crate::{Error, Result};

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

/// Weight of the coverage score of a unit, per unit of its inverse
/// document frequency (see [`QueryBuilder::coverage_query`]).
const COVERAGE: f32 = 3.0;

/// Weight of name and title matches in questions, relative to keyword
/// queries (see [`QueryBuilder::for_questions`]).
const QUESTION_NAME_WEIGHT: f32 = 0.5;

/// How much more a word that names what a question asks for weighs (see
/// [`Reading::focus`]).
const FOCUS: f32 = 0.5;

/// A clause of a boolean query.
pub(super) type Clause = (Occur, Box<dyn Query>);

/// Builds the queries of one search: the index's fields, the segmenter
/// that cuts query text into words, and the searcher whose term counts
/// decide which bigram phrases are cheap enough to add.
#[derive(Clone, Copy)]
pub(super) struct QueryBuilder<'a> {
    fields: &'a Fields,
    segmenter: &'a Segmenter,
    searcher: &'a Searcher,
    /// Where the searcher's term counts are remembered.
    doc_freqs: &'a DocFreqs,
    /// How much a word found in a name or title counts, relative to the
    /// field weights (see [`Self::for_questions`]).
    name_weight: f32,
}

impl<'a> QueryBuilder<'a> {
    pub(super) fn new(
        fields: &'a Fields,
        segmenter: &'a Segmenter,
        searcher: &'a Searcher,
        doc_freqs: &'a DocFreqs,
    ) -> Self {
        QueryBuilder {
            fields,
            segmenter,
            searcher,
            doc_freqs,
            name_weight: 1.0,
        }
    }

    /// The builder for questions and pasted text: a word found in a name
    /// or title counts [`QUESTION_NAME_WEIGHT`] as much. A name in a
    /// question is mostly what it asks about, not the answer it wants
    /// (`哪个孵化器帮助杨建明团队` wants the incubator, not 杨建明).
    pub(super) fn for_questions(self) -> Self {
        QueryBuilder {
            name_weight: QUESTION_NAME_WEIGHT,
            ..self
        }
    }

    /// Builds the query; also returns whether relaxing `all_required`
    /// could change the answer (more than one word in all).
    pub(super) fn build_query(
        &self,
        parsed: &ParsedQuery,
        filters: &[Clause],
        all_required: bool,
        highlights: &mut Vec<String>,
    ) -> (Box<dyn Query>, bool) {
        let words_before = highlights.len();
        let occur = if all_required { Occur::Must } else { Occur::Should };
        let parts: Vec<Clause> = parsed
            .required
            .iter()
            .filter_map(|part| self.part_clause(part, all_required, highlights))
            .map(|clause| (occur, clause))
            .collect();
        let words = &highlights[words_before..];
        let relaxable = words.len() > 1 || words.iter().any(|w| cjk_count(w) >= 3);
        let matching: Box<dyn Query> = if parts.is_empty() {
            // filters only: browse everything they let through
            Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0))
        } else {
            Box::new(BooleanQuery::new(parts))
        };
        (self.around(parsed, matching, filters), relaxable)
    }

    /// The query of a question or of pasted text (see [`Reading`]): an
    /// entry must hold `minimum` of the reading's units; each unit it holds
    /// adds its BM25 score and a coverage score that grows with the unit's
    /// rarity, so entries holding more of the rarer words come first.
    /// Excluded parts, filters and the exact-name boost are as in
    /// [`Self::build_query`].
    pub(super) fn coverage_query(
        &self,
        parsed: &ParsedQuery,
        reading: &Reading,
        filters: &[Clause],
        minimum: usize,
    ) -> Box<dyn Query> {
        let units: Vec<Box<dyn Query>> = reading
            .units
            .iter()
            .filter_map(|unit| {
                let clause = self.unit_clause(unit, reading.units.len() == 1)?;
                let focus = matches!(unit, Unit::Word(word) if reading.focus.contains(word));
                let (clause, weight) = if focus {
                    (Box::new(BoostQuery::new(clause, FOCUS)) as Box<dyn Query>, FOCUS)
                } else {
                    (clause, 1.0)
                };
                let scored = BonusQuery::new(clause, COVERAGE * weight * self.rarity_weight(unit));
                Some(Box::new(scored) as Box<dyn Query>)
            })
            .collect();
        let minimum = minimum.clamp(1, units.len().max(1));
        let matching: Box<dyn Query> = if units.is_empty() {
            Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0))
        } else {
            Box::new(AtLeastQuery::new(units, minimum))
        };
        self.around(parsed, matching, filters)
    }

    /// The clause of one unit of a reading.
    fn unit_clause(&self, unit: &Unit, lone: bool) -> Option<Box<dyn Query>> {
        match unit {
            Unit::Word(word) => Some(self.word_clause(word, lone)),
            Unit::Phrase(text) => self.phrase_clause(text),
            Unit::Identifier(forms) => Some(self.identifier_clause(forms)),
        }
    }

    /// How much holding a unit says: the inverse document frequency of a
    /// word in the entries' texts (a word found in no text counts as rare),
    /// twice the rarest for a phrase or an identifier.
    fn rarity_weight(&self, unit: &Unit) -> f32 {
        let entries = self.searcher.num_docs().max(1) as f32;
        let idf = |df: u64| (1.0 + (entries - df as f32 + 0.5) / (df as f32 + 0.5)).ln().max(0.1);
        match unit {
            Unit::Word(word) => idf(self.entries_with(word)),
            Unit::Phrase(_) | Unit::Identifier(_) => 2.0 * idf(1),
        }
    }

    /// How many entries hold `word` as a token of their text (the body
    /// field), or else among their names.
    pub(super) fn entries_with(&self, word: &str) -> u64 {
        let f = self.fields;
        [f.body, f.title]
            .into_iter()
            .map(|field| {
                self.doc_freqs
                    .doc_freq(self.searcher, &Term::from_field_text(field, word))
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
    }

    /// `matching` with the exact-name boost, the exclusions and the filters.
    fn around(&self, parsed: &ParsedQuery, matching: Box<dyn Query>, filters: &[Clause]) -> Box<dyn Query> {
        let mut clauses: Vec<Clause> = vec![(Occur::Must, matching)];
        let whole: String = parsed.required.iter().map(|p| p.text()).collect::<Vec<_>>().join("");
        clauses.push((
            Occur::Should,
            term_query(self.fields.names_exact, &exact_name(&whole), EXACT_NAME_BOOST),
        ));
        for part in &parsed.excluded {
            if let Some(clause) = self.excluded_clause(part) {
                clauses.push((Occur::MustNot, clause));
            }
        }
        clauses.extend(filters.iter().map(|(occur, q)| (*occur, q.box_clone())));
        Box::new(BooleanQuery::new(clauses))
    }

    /// The filters of the request's parameters and of the query text, as
    /// non-scoring clauses. Values of one field are alternatives; different
    /// fields must all hold.
    pub(super) fn filter_clauses(&self, request: &SearchRequest, parsed: &ParsedQuery) -> Result<Vec<Clause>> {
        let restrictions = Restrictions::gather(request, parsed)?;
        let mut filters: Vec<Clause> = Vec::new();
        for field in [FilterField::Kind, FilterField::Industry, FilterField::Location] {
            let values: Vec<&str> = restrictions
                .values
                .iter()
                .filter(|(f, _)| *f == field)
                .map(|(_, v)| v.as_str())
                .collect();
            if !values.is_empty() {
                filters.push((Occur::Must, self.field_filter(field, &values)?));
            }
        }
        for (from, to) in restrictions.dates {
            filters.push((Occur::Must, self.date_filter(from, to)));
        }
        if let Some(keys) = &request.restrict_to {
            let terms: Vec<Term> = keys.iter().map(|k| Term::from_field_text(self.fields.key, k)).collect();
            filters.push((Occur::Must, unscored(TermSetQuery::new(terms))));
        }
        Ok(filters)
    }

    /// Entries whose `field` holds any of `values`.
    pub(super) fn field_filter(&self, field: FilterField, values: &[&str]) -> Result<Box<dyn Query>> {
        let target = match field {
            FilterField::Kind => self.fields.kind,
            FilterField::Industry => self.fields.industry,
            FilterField::Location => self.fields.location,
        };
        let mut alternatives: Vec<Clause> = Vec::with_capacity(values.len());
        for value in values {
            let value = if field == FilterField::Kind {
                canonical_kind(value)?
            } else {
                value
            };
            let term = TermQuery::new(Term::from_field_text(target, value), IndexRecordOption::Basic);
            alternatives.push((Occur::Should, Box::new(term)));
        }
        Ok(unscored(BooleanQuery::new(alternatives)))
    }

    /// Entries dated from `from` to `to` inclusive, either side open.
    fn date_filter(&self, from: Option<String>, to: Option<String>) -> Box<dyn Query> {
        let field = self.fields.date;
        let lower = from.map_or(Bound::Unbounded, |d| Bound::Included(Term::from_field_text(field, &d)));
        // `~` sorts after digits and `-`: `2023~` is above every date in 2023
        let upper = to.map_or(Bound::Unbounded, |d| {
            Bound::Included(Term::from_field_text(field, &format!("{d}~")))
        });
        unscored(RangeQuery::new(lower, upper))
    }

    /// Whether the bigrams of `text` are rare enough in `field` that
    /// matching them costs little: its rarest bigram is in at most
    /// [`RARE_BIGRAM_DOCS`] entries (a single bigram: [`RARE_TERM_DOCS`],
    /// since a term costs no position checks).
    fn bigrams_are_rare(&self, field: Field, text: &str) -> bool {
        let grams = bigrams(&normalize(text));
        let limit = if grams.len() == 1 {
            RARE_TERM_DOCS
        } else {
            RARE_BIGRAM_DOCS
        };
        grams
            .iter()
            .map(|(gram, _, _)| {
                self.doc_freqs
                    .doc_freq(self.searcher, &Term::from_field_text(field, gram))
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
        let f = self.fields;
        let mut clauses = vec![
            (Occur::Should, term_query(f.title, word, TITLE_BOOST * self.name_weight)),
            (
                Occur::Should,
                term_query(f.aliases, word, ALIAS_BOOST * self.name_weight),
            ),
            (Occur::Should, term_query(f.body, word, BODY_BOOST)),
            (Occur::Should, term_query(f.tags, word, TAGS_BOOST)),
        ];
        if word.bytes().any(|b| b.is_ascii_alphanumeric()) {
            // a bare code such as an IPC subclass (`A61K`)
            clauses.push((
                Occur::Should,
                term_query(f.codes, &word.to_uppercase(), IDENTIFIER_BOOST),
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
        for (field, boost) in self.bigram_fields() {
            if !whole || (lone && self.bigrams_are_rare(field, word)) {
                clauses.extend(bigram_query(field, word, boost).map(|q| (Occur::Should, q)));
            }
        }
        if lone {
            clauses.extend(self.lone_han_clauses(word));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// For a word that is one Han character, indexed only inside bigrams:
    /// the bigrams that start or end with it. Nothing for other words.
    fn lone_han_clauses(&self, word: &str) -> Vec<Clause> {
        let mut chars = word.chars();
        let (Some(single), None) = (chars.next(), chars.next()) else {
            return Vec::new();
        };
        if !is_cjk(single) {
            return Vec::new();
        }
        let pattern = format!("{single}.|.{single}");
        self.bigram_fields()
            .into_iter()
            .filter_map(|(field, boost)| {
                let regex = RegexQuery::from_pattern(&pattern, field).ok()?;
                Some((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(regex), boost)) as Box<dyn Query>,
                ))
            })
            .collect()
    }

    /// The bigram fields with the weight of a word found in them.
    fn bigram_fields(&self) -> [(Field, f32); 2] {
        [
            (self.fields.title_bigrams, TITLE_BIGRAM_BOOST * self.name_weight),
            (self.fields.body_bigrams, BODY_BIGRAM_BOOST),
        ]
    }

    /// A phrase found as written, through the bigram fields.
    fn phrase_clause(&self, phrase: &str) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut chars = phrase.chars();
        if let (Some(single), None) = (chars.next(), chars.next()) {
            // one character is a word, not a sequence of bigrams
            return Some(self.word_clause(&single.to_string(), true));
        }
        let clauses: Vec<Clause> = [
            bigram_query(f.title_bigrams, phrase, TITLE_BOOST * self.name_weight),
            bigram_query(f.body_bigrams, phrase, BODY_BOOST),
        ]
        .into_iter()
        .flatten()
        .map(|q| (Occur::Should, q))
        .collect();
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// The clause a required part becomes, and the words to highlight.
    ///
    /// A quoted phrase must occur as written; a bare chunk is cut into
    /// words (see [`Self::term_clause`]); an identifier is found exactly.
    fn part_clause(&self, part: &QueryPart, all_words: bool, highlights: &mut Vec<String>) -> Option<Box<dyn Query>> {
        match part {
            QueryPart::Term(text) => self.term_clause(text, all_words, highlights),
            QueryPart::Phrase(text) => {
                highlights.push(text.clone());
                self.phrase_clause(text)
            }
            QueryPart::Identifier(forms) => Some(self.identifier_clause(forms)),
        }
    }

    /// A bare chunk. One word is looked for as a word; with `all_words`
    /// false, a long one may instead match through any of its bigrams. A
    /// chunk of several words matches as in [`Self::chunk_clause`].
    fn term_clause(&self, text: &str, all_words: bool, highlights: &mut Vec<String>) -> Option<Box<dyn Query>> {
        let words = self.segmenter.query_words(text);
        highlights.extend(words.iter().cloned());
        match words.as_slice() {
            [] => None,
            [single] if all_words || cjk_count(single) < 3 => Some(self.word_clause(single, true)),
            [single] => Some(self.relaxed_word_clause(single)),
            _ => {
                highlights.push(text.to_string());
                Some(self.chunk_clause(text, &words, all_words))
            }
        }
    }

    /// A long word jieba never saw, relaxed: it may be written differently
    /// in the text, so the word or any of its bigrams will do.
    fn relaxed_word_clause(&self, word: &str) -> Box<dyn Query> {
        let mut alternatives: Vec<Clause> = vec![(Occur::Should, self.word_clause(word, true))];
        for (bigram, _, _) in bigrams(word) {
            for (field, boost) in self.bigram_fields() {
                alternatives.push((Occur::Should, term_query(field, &bigram, boost)));
            }
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    /// A chunk that segments into several `words`: it matches when all its
    /// words do (anywhere; with `all_words` false, any of them), or when the
    /// chunk itself occurs as written, so a name jieba splits differently
    /// from the indexed text is still found.
    fn chunk_clause(&self, text: &str, words: &[String], all_words: bool) -> Box<dyn Query> {
        let occur = if all_words { Occur::Must } else { Occur::Should };
        let every_word = BooleanQuery::new(words.iter().map(|w| (occur, self.word_clause(w, false))).collect());
        let mut alternatives: Vec<Clause> = vec![(Occur::Should, Box::new(every_word))];
        if words.iter().all(|w| self.indexed_whole(w)) && !self.bigrams_are_rare(self.fields.body_bigrams, text) {
            // every word is found as a token and the chunk is common in
            // texts: as a phrase it would mostly rank names and titles
            // higher, and a phrase costs in proportion to its matches, so
            // it is kept for names and titles where it is rare there too
            if self.bigrams_are_rare(self.fields.title_bigrams, text) {
                alternatives
                    .extend(bigram_query(self.fields.title_bigrams, text, TITLE_BOOST).map(|q| (Occur::Should, q)));
            }
        } else {
            alternatives.extend(self.phrase_clause(text).map(|q| (Occur::Should, q)));
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    /// An identifier found exactly, in any of its forms.
    fn identifier_clause(&self, forms: &[String]) -> Box<dyn Query> {
        let clauses = forms
            .iter()
            .map(|form| (Occur::Should, term_query(self.fields.codes, form, IDENTIFIER_BOOST)))
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
}

/// The restrictions of a request's parameters and of its query text,
/// checked and gathered before they become clauses.
#[derive(Debug, Default, PartialEq)]
struct Restrictions {
    /// Field values, the request's first; values of one field are
    /// alternatives.
    values: Vec<(FilterField, String)>,
    /// Date ranges, each of which must hold.
    dates: Vec<(Option<String>, Option<String>)>,
}

impl Restrictions {
    /// Gathers the restrictions, checking the request's dates.
    fn gather(request: &SearchRequest, parsed: &ParsedQuery) -> Result<Restrictions> {
        let mut restrictions = Restrictions::default();
        let given = [
            (FilterField::Kind, &request.kind),
            (FilterField::Industry, &request.industry),
            (FilterField::Location, &request.location),
        ];
        for (field, value) in given {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                restrictions.values.push((field, value.to_string()));
            }
        }
        if request.from.is_some() || request.to.is_some() {
            if let Some(from) = &request.from {
                check_date("from", from)?;
            }
            if let Some(to) = &request.to {
                check_date("to", to)?;
            }
            if let (Some(from), Some(to)) = (&request.from, &request.to) {
                // `2023` starts before `2023-05` and ends after it
                let from_start = from.as_str();
                let to_end = format!("{to}\u{10ffff}");
                if from_start > to_end.as_str() {
                    return Err(Error::invalid_parameter(
                        "from",
                        format!("`{from}` is after `to` (`{to}`): the range holds no date"),
                    ));
                }
            }
            restrictions.dates.push((request.from.clone(), request.to.clone()));
        }
        for filter in &parsed.filters {
            match filter {
                Filter::Field(field, value) => restrictions.values.push((*field, value.clone())),
                Filter::Date { from, to } => restrictions.dates.push((from.clone(), to.clone())),
            }
        }
        Ok(restrictions)
    }
}

/// The kind of entry `value` names, as the index stores it: `document`
/// (or 文档) or an entity kind, by its name or a Chinese name.
fn canonical_kind(value: &str) -> Result<&'static str> {
    if value == DOCUMENT_KIND || value == DOCUMENT_LABEL {
        return Ok(DOCUMENT_KIND);
    }
    if let Ok(kind) = value.parse::<EntityKind>() {
        return Ok(kind.as_str());
    }
    let known: Vec<&str> = std::iter::once(DOCUMENT_KIND)
        .chain(EntityKind::ALL.iter().map(|k| k.as_str()))
        .collect();
    Err(Error::invalid_parameter(
        "kind",
        format!(
            "unknown kind `{value}`, expected one of: {} (or their Chinese names)",
            known.join(", ")
        ),
    ))
}

/// A query that restricts without scoring.
fn unscored(query: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(query), 0.0))
}

/// Number of Han characters in `text`.
fn cjk_count(text: &str) -> usize {
    text.chars().filter(|c| is_cjk(*c)).count()
}

/// `text` as one term of `field`, weighted by `boost`.
fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
    Box::new(BoostQuery::new(Box::new(query), boost))
}

/// The bigrams of `text` as a term (one bigram) or a phrase.
pub(super) fn bigram_query(field: Field, text: &str, boost: f32) -> Option<Box<dyn Query>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::parse_query;

    #[test]
    fn restrictions_join_request_parameters_and_query_filters() {
        let mut request = SearchRequest::new("光伏 kind:document date:2020..", 10);
        request.kind = Some(" enterprise ".into());
        request.industry = Some("  ".into());
        request.to = Some("2024-06".into());
        let parsed = parse_query(&request.q).unwrap();
        let restrictions = Restrictions::gather(&request, &parsed).unwrap();
        assert_eq!(
            restrictions.values,
            [
                (FilterField::Kind, "enterprise".to_string()),
                (FilterField::Kind, "document".to_string())
            ]
        );
        assert_eq!(
            restrictions.dates,
            [(None, Some("2024-06".to_string())), (Some("2020".to_string()), None)]
        );
        request.from = Some("2024-13".into());
        let err = Restrictions::gather(&request, &parsed).unwrap_err();
        assert!(err.to_string().contains("`from`"), "{err}");
        // a range that ends before it starts holds nothing: refused
        request.from = Some("2025".into());
        let err = Restrictions::gather(&request, &parsed).unwrap_err();
        assert!(err.to_string().contains("is after `to`"), "{err}");
        // a year includes its months at both ends
        for (from, to) in [("2024", "2024-06"), ("2024-06", "2024"), ("2024-06-30", "2024-06")] {
            request.from = Some(from.into());
            request.to = Some(to.into());
            assert!(Restrictions::gather(&request, &parsed).is_ok(), "{from}..{to}");
        }
    }

    #[test]
    fn kinds_are_documents_or_entity_kinds() {
        assert_eq!(canonical_kind(DOCUMENT_KIND).unwrap(), DOCUMENT_KIND);
        assert_eq!(canonical_kind("文档").unwrap(), DOCUMENT_KIND);
        assert_eq!(canonical_kind("enterprise").unwrap(), "enterprise");
        assert_eq!(canonical_kind("企业").unwrap(), "enterprise");
        let err = canonical_kind("spaceship").unwrap_err().to_string();
        assert!(
            err.contains("unknown kind `spaceship`") && err.contains("document"),
            "{err}"
        );
    }

    #[test]
    fn bigram_queries_match_lone_han_characters_at_the_edges() {
        let field = crate::search::schema::build_schema().get_field("body_bigrams").unwrap();
        assert!(bigram_query(field, "，", 1.0).is_none());
        let rendered = |text: &str| format!("{:?}", bigram_query(field, text, 1.0).unwrap());
        assert!(rendered("储能").contains("TermQuery"));
        assert!(rendered("储能电池").contains("PhraseQuery"));
        assert!(rendered("达8.86").contains("RegexPhraseQuery"));
    }
}

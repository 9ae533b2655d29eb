//! The recognizer: one call reads a text and returns its mentions. It
//! prepares the text once ([`Prepared`]), runs the model over each
//! sentence, the rules and the gazetteer over the whole, and keeps a set
//! of mentions that do not overlap:
//! 1. a rule organisation that contains a known name (青岛大学附属医院 around
//!    青岛大学): the outermost name is the mention;
//! 2. known names (the gazetteer);
//! 3. the rules (organisations by head word, people by title, amounts,
//!    dates, affiliations);
//! 4. the model (people, organisations and places without a rule);
//! 5. place names found by rule.
//!
//! and within each, the longer first. A rule's organisation or person
//! gives way where the model read the text as the title of a work or a
//! sight (英雄联盟), and a rule's organisation where the model read the
//! same name on to a unit of it over nouns (招商银行信用卡中心); nothing
//! is an organisation or a place by rule inside quotation or title marks
//! that hold more than it. Offsets are then mapped back to the caller's
//! text.

use std::cell::RefCell;
use std::sync::{Arc, LazyLock};

use jieba_rs::Jieba;

use super::gazetteer::Gazetteer;
use super::mention::{GazetteerEntry, Mention, MentionKind, MentionSource, OrgKind};
use super::prepare::{ends_sentence, Pos, Prepared, Word};
use super::rules::{self, ModelSpan};
use super::tagger::{self, extract_features, Class, FeatureBuffer, TagScratch, Tagger};

/// The longest run of characters the model reads as one sentence; longer
/// sentences are cut at a comma (or anywhere, past twice this).
const MAX_SENTENCE: usize = 160;

/// jieba with its default dictionary: the one the model was trained with.
pub(crate) fn jieba() -> &'static Jieba {
    static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);
    &JIEBA
}

/// Finds mentions in Chinese text. Built once, shared freely (`Send +
/// Sync`, cheap to clone: the model is behind an `Arc`).
#[derive(Clone)]
pub struct Recognizer {
    tagger: Option<Arc<Tagger>>,
    gazetteer: Option<Arc<Gazetteer>>,
    rules: bool,
}

impl std::fmt::Debug for Recognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recognizer")
            .field("model_features", &self.tagger.as_ref().map(|t| t.feature_count()))
            .field("gazetteer", &self.gazetteer)
            .finish()
    }
}

impl Default for Recognizer {
    fn default() -> Self {
        Recognizer::new()
    }
}

/// Builds a [`Recognizer`] with a chosen model and gazetteer.
#[derive(Default)]
pub struct RecognizerBuilder {
    tagger: Option<Arc<Tagger>>,
    builtin_model: bool,
    without_rules: bool,
    entries: Vec<GazetteerEntry>,
}

impl RecognizerBuilder {
    /// Uses `tagger` instead of the built-in model.
    pub fn model(mut self, tagger: Tagger) -> Self {
        self.tagger = Some(Arc::new(tagger));
        self.builtin_model = false;
        self
    }

    /// Recognises with rules and the gazetteer only.
    pub fn without_model(mut self) -> Self {
        self.tagger = None;
        self.builtin_model = false;
        self
    }

    /// Recognises with the model and the gazetteer only: for measuring
    /// what the rules add.
    pub fn without_rules(mut self) -> Self {
        self.without_rules = true;
        self
    }

    /// Adds known names.
    pub fn gazetteer(mut self, entries: impl IntoIterator<Item = GazetteerEntry>) -> Self {
        self.entries.extend(entries);
        self
    }

    pub fn build(self) -> Recognizer {
        let tagger = if self.builtin_model { builtin() } else { self.tagger };
        let gazetteer = (!self.entries.is_empty()).then(|| Arc::new(Gazetteer::new(self.entries)));
        Recognizer {
            tagger,
            gazetteer,
            rules: !self.without_rules,
        }
    }
}

fn builtin() -> Option<Arc<Tagger>> {
    static BUILTIN: LazyLock<Option<Arc<Tagger>>> = LazyLock::new(|| tagger::builtin().cloned().map(Arc::new));
    BUILTIN.clone()
}

impl Recognizer {
    /// The built-in model and rules, no gazetteer.
    pub fn new() -> Recognizer {
        Recognizer::builder().build()
    }

    /// The built-in model and rules, and these known names.
    pub fn with_gazetteer(entries: impl IntoIterator<Item = GazetteerEntry>) -> Recognizer {
        Recognizer::builder().gazetteer(entries).build()
    }

    /// A builder starting from the built-in model and no gazetteer.
    pub fn builder() -> RecognizerBuilder {
        RecognizerBuilder {
            builtin_model: true,
            ..RecognizerBuilder::default()
        }
    }

    /// Whether a model is in use.
    pub fn has_model(&self) -> bool {
        self.tagger.is_some()
    }

    /// The mentions in `text`, not overlapping, sorted by start; offsets
    /// are characters of `text` (see [`Mention`]).
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        self.read(text).0
    }

    /// [`Recognizer::mentions`], and the word boundaries of the jieba cut
    /// it read the text with (character offsets of `text`, sorted, `0`
    /// first): callers looking for more names on word boundaries need not
    /// cut the text again.
    pub fn read(&self, text: &str) -> (Vec<Mention>, Vec<usize>) {
        if text.is_empty() {
            return (Vec::new(), vec![0]);
        }
        let prepared = Prepared::new(jieba(), text);
        let mut boundaries: Vec<usize> = Vec::with_capacity(prepared.words.len() + 1);
        boundaries.push(0);
        for word in prepared.words.iter().filter(|w| w.end > w.start) {
            boundaries.push(prepared.origin[word.start]);
            boundaries.push(prepared.origin[word.end - 1] + 1);
        }
        boundaries.sort_unstable();
        boundaries.dedup();
        (self.mentions_in(&prepared), boundaries)
    }

    fn mentions_in(&self, prepared: &Prepared) -> Vec<Mention> {
        let (spans, titles) = self.model_spans(prepared);
        let mut ruled = if self.rules {
            rules::find(prepared, &spans)
        } else {
            Vec::new()
        };
        let mut known = Vec::new();
        if let Some(gazetteer) = &self.gazetteer {
            gazetteer.find(prepared, &mut known);
        }
        let modelled = model_mentions(prepared, &spans);
        let mut ranked: Vec<(u8, Mention)> = Vec::with_capacity(ruled.len() + known.len() + modelled.len());
        for mention in ruled.drain(..) {
            let named = matches!(mention.kind, MentionKind::Organization | MentionKind::Person);
            if matches!(mention.kind, MentionKind::Organization | MentionKind::Location)
                && in_longer_quote(prepared, mention.start, mention.end)
            {
                continue;
            }
            // the model read a game, a book or a sight there (英雄联盟)
            if named
                && titles
                    .iter()
                    .any(|&(start, end)| start <= mention.start && mention.end <= end)
            {
                continue;
            }
            // the model read the organisation on to a unit of it ending
            // in a head word, over nouns only (招商银行信用卡中心 around
            // 招商银行)
            if mention.kind == MentionKind::Organization
                && modelled.iter().any(|m| {
                    m.kind == MentionKind::Organization
                        && m.start == mention.start
                        && mention.end < m.end
                        && m.org_kind.is_some_and(|k| k != OrgKind::Other)
                        && words_of(prepared, mention.end, m.end).all(|w| {
                            w.start >= mention.end
                                && matches!(w.pos, Pos::Noun | Pos::PlaceName | Pos::OrgName | Pos::OtherProper)
                        })
                })
            {
                continue;
            }
            let outer = mention.kind == MentionKind::Organization
                && known
                    .iter()
                    .any(|k| k.start >= mention.start && k.end <= mention.end && k.len() < mention.len());
            // a place the rules found gives way to the model's longer
            // names that hold it (北京国安 over 北京)
            let rank = match (outer, mention.kind) {
                (true, _) => 0,
                (false, MentionKind::Location) => 4,
                _ => 2,
            };
            ranked.push((rank, mention));
        }
        ranked.extend(known.into_iter().map(|m| (1, m)));
        ranked.extend(modelled.into_iter().map(|m| (3, m)));
        ranked.sort_by(|(rank_a, a), (rank_b, b)| {
            rank_a
                .cmp(rank_b)
                .then(b.len().cmp(&a.len()))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<Mention> = Vec::new();
        for (_, mention) in ranked {
            if !kept.iter().any(|k| k.overlaps(&mention)) {
                kept.push(mention);
            }
        }
        kept.sort_by_key(|m| (m.start, m.end));
        for mention in &mut kept {
            let (start, end, original) = prepared.to_original(mention.start, mention.end);
            mention.start = start;
            mention.end = end;
            mention.text = original;
        }
        kept
    }

    /// The spans the model tags, sentence by sentence, over view offsets:
    /// mentions, and the titles of works and names of sights it read.
    fn model_spans(&self, prepared: &Prepared) -> (Vec<ModelSpan>, Vec<(usize, usize)>) {
        let Some(tagger) = &self.tagger else {
            return (Vec::new(), Vec::new());
        };
        thread_local! {
            static SCRATCH: RefCell<(FeatureBuffer, TagScratch)> = RefCell::default();
        }
        SCRATCH.with_borrow_mut(|(buffer, scratch)| Self::tag_sentences(tagger, prepared, buffer, scratch))
    }

    fn tag_sentences(
        tagger: &Tagger,
        prepared: &Prepared,
        buffer: &mut FeatureBuffer,
        scratch: &mut TagScratch,
    ) -> (Vec<ModelSpan>, Vec<(usize, usize)>) {
        let mut spans = Vec::new();
        let mut titles = Vec::new();
        for (from, to) in sentences(&prepared.chars) {
            extract_features(prepared, from..to, tagger.gazetteer(), buffer);
            let path = tagger.tag(buffer, scratch);
            for (class, start, end) in tagger.tags.spans(&path) {
                let kind = match tagger.tags.classes[class] {
                    Class::Mention(kind) => kind,
                    Class::Work | Class::Scene => {
                        titles.push((from + start, from + end));
                        continue;
                    }
                    Class::Position => continue,
                };
                spans.push(ModelSpan {
                    kind,
                    start: from + start,
                    end: from + end,
                });
            }
        }
        (spans, titles)
    }
}

/// The sentences of `chars`, as `(start, end)`: cut after sentence-ending
/// punctuation and line breaks, and long ones at a comma.
fn sentences(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut last_comma = None;
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, ',' | '、' | ':') {
            last_comma = Some(i + 1);
        }
        if ends_sentence(c) {
            out.push((start, i + 1));
            start = i + 1;
            last_comma = None;
        } else if i + 1 - start >= MAX_SENTENCE {
            let cut = last_comma.filter(|&c| c > start).unwrap_or(i + 1);
            if cut - start >= MAX_SENTENCE / 2 || i + 1 - start >= 2 * MAX_SENTENCE {
                out.push((start, cut));
                start = cut;
                last_comma = None;
            }
        }
    }
    if start < chars.len() {
        out.push((start, chars.len()));
    }
    out
}

/// The model's spans as mentions, cleaned: organisations lose leading
/// words no name begins with and get their kind from their head word (a
/// place without one is a place); one-character names and bare titles go.
fn model_mentions(prepared: &Prepared, spans: &[ModelSpan]) -> Vec<Mention> {
    let mut out = Vec::new();
    for span in spans {
        let mut start = span.start;
        let mut end = span.end;
        let mut kind = span.kind;
        let mut org_kind = None;
        let mut role = None;
        match kind {
            MentionKind::Organization => {
                start = rules::trim_leading(prepared, start, end);
                if end - start < 2 || rules::is_bare_head(prepared.slice(start, end)) {
                    continue;
                }
                let proper = words_of(prepared, start, end).any(|w| w.pos.is_proper() && w.pos != Pos::PersonName);
                let thing_follows = end < prepared.len() && prepared.marks[end].thing_start > 0;
                if (thing_follows && !proper) || in_longer_quote(prepared, start, end) {
                    continue;
                }
                org_kind = rules::org_kind_of(prepared.slice(start, end));
                if org_kind.is_none() && prepared.marks[end - 1].place_end > 0 {
                    kind = MentionKind::Location;
                } else if org_kind.is_none() {
                    org_kind = Some(OrgKind::Other);
                }
            }
            MentionKind::Person => {
                let title_only = prepared.marks[end - 1].title_end as usize >= end - start;
                if end - start < 2 || title_only || plain_word(prepared, start, end) {
                    continue;
                }
                role = rules::role_beside(prepared, start, end);
            }
            _ => {
                // 青岛市北部: the direction is not part of the place
                while end > start && prepared.word_at(end - 1).pos == Pos::Direction {
                    end = prepared.word_at(end - 1).start.max(start);
                }
                if end - start < 2 {
                    continue;
                }
                // 青岛市崂山区: two places
                if let Some(cut) = (start + 2..end - 1)
                    .find(|&i| prepared.is_boundary(i) && matches!(prepared.chars[i - 1], '省' | '市') && end - i >= 2)
                {
                    out.push(Mention::new(
                        prepared.slice(start, cut),
                        kind,
                        start,
                        cut,
                        MentionSource::Model,
                    ));
                    start = cut;
                }
            }
        }
        let mut mention = Mention::new(prepared.slice(start, end), kind, start, end, MentionSource::Model);
        mention.org_kind = org_kind;
        mention.role = role;
        out.push(mention);
    }
    out
}

/// The words overlapping `start..end`.
fn words_of(prepared: &Prepared, start: usize, end: usize) -> impl Iterator<Item = &Word> + '_ {
    prepared.words[prepared.word_of[start] as usize..]
        .iter()
        .take_while(move |w| w.start < end)
}

/// Whether `start..end` is one dictionary word that is plainly not a name
/// (陈列, 凌厉: a verb, an adjective …).
fn plain_word(prepared: &Prepared, start: usize, end: usize) -> bool {
    let word = prepared.word_at(start);
    word.start == start
        && word.end == end
        && matches!(
            word.pos,
            Pos::Verb
                | Pos::VerbNoun
                | Pos::Adverb
                | Pos::Adjective
                | Pos::Preposition
                | Pos::Conjunction
                | Pos::Particle
                | Pos::Pronoun
                | Pos::Numeral
                | Pos::Quantifier
                | Pos::Time
                | Pos::Direction
                | Pos::Idiom
        )
}

/// Whether `start..end` sits inside quotation marks or title marks that
/// hold more than it: a product, a programme, a slogan or a journal that
/// contains a name-like phrase (“智慧医院管理系统”, 《青岛科技大学学报》).
fn in_longer_quote(prepared: &Prepared, start: usize, end: usize) -> bool {
    const REACH: usize = 30;
    let chars = &prepared.chars;
    [('“', '”'), ('《', '》')].into_iter().any(|(opening, closing)| {
        let open = (start.saturating_sub(REACH)..start)
            .rev()
            .take_while(|&i| chars[i] != closing && !ends_sentence(chars[i]))
            .find(|&i| chars[i] == opening);
        let close = (end..prepared.len().min(end + REACH))
            .take_while(|&i| chars[i] != opening && !ends_sentence(chars[i]))
            .find(|&i| chars[i] == closing);
        match (open, close) {
            (Some(open), Some(close)) => (open + 1, close) != (start, end),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn recognizer_is_shareable() {
        assert_send_sync::<Recognizer>();
    }

    #[test]
    fn sentences_cut_at_ends_and_long_runs() {
        let chars: Vec<char> = "甲乙。丙丁！戊".chars().collect();
        assert_eq!(sentences(&chars), [(0, 3), (3, 6), (6, 7)]);
        let long: Vec<char> = std::iter::repeat_n('字', 400).collect();
        let cut = sentences(&long);
        assert!(cut.iter().all(|(s, e)| e - s <= 2 * MAX_SENTENCE));
        assert_eq!(cut.last().map(|c| c.1), Some(400));
    }

    #[test]
    fn gazetteer_rules_and_offsets_together() {
        let recognizer = Recognizer::builder()
            .without_model()
            .gazetteer([GazetteerEntry {
                name: "青岛大学".into(),
                kind: MentionKind::Organization,
                org_kind: Some(OrgKind::University),
                key: 7,
            }])
            .build();
        let text = "2023年5月，青岛大学附属医院与青岛大学签约，获得1.5亿元支持。";
        let mentions = recognizer.mentions(text);
        let summary: Vec<(&str, MentionKind, MentionSource)> =
            mentions.iter().map(|m| (m.text.as_str(), m.kind, m.source)).collect();
        assert_eq!(
            summary,
            [
                ("2023年5月", MentionKind::Date, MentionSource::Rule),
                ("青岛大学附属医院", MentionKind::Organization, MentionSource::Rule),
                ("青岛大学", MentionKind::Organization, MentionSource::Gazetteer),
                ("1.5亿元", MentionKind::Amount, MentionSource::Rule),
            ]
        );
        let chars: Vec<char> = text.chars().collect();
        for mention in &mentions {
            assert_eq!(
                chars[mention.start..mention.end].iter().collect::<String>(),
                mention.text
            );
        }
        assert_eq!(mentions[2].keys, [7]);
        assert_eq!(mentions[1].org_kind, Some(OrgKind::Hospital));
    }
}

//! Measuring recognition against labelled sentences: exact-span precision,
//! recall and F1 per kind, for the [`Recognizer`] and, in the same run, for
//! a naive baseline (jieba's part-of-speech tags: `nt` words as
//! organisations, `nr` as people, `ns` as places). A mention counts only
//! with the same kind and the same start and end as a gold one. Kinds are
//! reported when the gold labels some of them.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use serde::Serialize;

use super::data::GoldSentence;
use super::mention::{Mention, MentionKind, MentionSource};
use super::recognizer::{jieba, Recognizer};

/// Counts and ratios for one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Score {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Score {
    fn finish(mut self) -> Score {
        self.precision = ratio(self.correct, self.predicted);
        self.recall = ratio(self.correct, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
        self
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The scores of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindScores {
    pub kind: MentionKind,
    pub recognizer: Score,
    pub baseline: Score,
}

/// A mention the recognizer got wrong, for reading.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub id: String,
    pub kind: MentionKind,
    pub text: String,
    /// `missed` (in the gold only) or `spurious` (found only).
    pub error: &'static str,
    /// What found a spurious mention.
    pub source: Option<MentionSource>,
    pub context: String,
}

/// What an evaluation measured.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub sentences: usize,
    pub characters: usize,
    pub kinds: Vec<KindScores>,
    /// Seconds the recognizer took over all sentences.
    pub seconds: f64,
    /// Up to the number asked for, the recognizer's mistakes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Miss>,
}

impl Evaluation {
    /// The recognizer's score for `kind`, if the gold labels it.
    pub fn score(&self, kind: MentionKind) -> Option<&Score> {
        self.kinds.iter().find(|k| k.kind == kind).map(|k| &k.recognizer)
    }
}

/// Scores `recognizer` and the baseline on `sentences`, keeping up to
/// `keep_errors` of the recognizer's mistakes.
pub fn evaluate(recognizer: &Recognizer, sentences: &[GoldSentence], keep_errors: usize) -> Evaluation {
    let labelled: HashSet<MentionKind> = sentences
        .iter()
        .flat_map(|s| s.entities.iter().filter_map(|e| e.kind()))
        .collect();
    let mut ours: BTreeMap<MentionKind, Score> = BTreeMap::new();
    let mut naive: BTreeMap<MentionKind, Score> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut seconds = 0.0;
    let mut characters = 0;
    for sentence in sentences {
        characters += sentence.text.chars().count();
        let gold: HashSet<(MentionKind, usize, usize)> = sentence
            .entities
            .iter()
            .filter_map(|e| Some((e.kind()?, e.start, e.end)))
            .collect();
        let started = Instant::now();
        let found = recognizer.mentions(&sentence.text);
        seconds += started.elapsed().as_secs_f64();
        let predicted: HashSet<(MentionKind, usize, usize)> = found
            .iter()
            .filter(|m| labelled.contains(&m.kind))
            .map(|m| (m.kind, m.start, m.end))
            .collect();
        tally(&mut ours, &gold, &predicted);
        let baseline: HashSet<(MentionKind, usize, usize)> = baseline_mentions(&sentence.text)
            .iter()
            .filter(|m| labelled.contains(&m.kind))
            .map(|m| (m.kind, m.start, m.end))
            .collect();
        tally(&mut naive, &gold, &baseline);
        if errors.len() < keep_errors {
            let chars: Vec<char> = sentence.text.chars().collect();
            let mut wrong: Vec<(&'static str, &(MentionKind, usize, usize))> = gold
                .difference(&predicted)
                .map(|g| ("missed", g))
                .chain(predicted.difference(&gold).map(|p| ("spurious", p)))
                .collect();
            wrong.sort_by_key(|(_, (_, start, _))| *start);
            for (error, &(kind, start, end)) in wrong {
                let source = found
                    .iter()
                    .find(|m| (m.kind, m.start, m.end) == (kind, start, end))
                    .map(|m| m.source);
                errors.push(Miss {
                    id: sentence.id.clone(),
                    kind,
                    text: chars[start..end].iter().collect(),
                    error,
                    source,
                    context: sentence.text.clone(),
                });
            }
            errors.truncate(keep_errors);
        }
    }
    let mut kinds: Vec<MentionKind> = labelled.into_iter().collect();
    kinds.sort();
    Evaluation {
        sentences: sentences.len(),
        characters,
        kinds: kinds
            .into_iter()
            .map(|kind| KindScores {
                kind,
                recognizer: ours.get(&kind).copied().unwrap_or_default().finish(),
                baseline: naive.get(&kind).copied().unwrap_or_default().finish(),
            })
            .collect(),
        seconds,
        errors,
    }
}

fn tally(
    scores: &mut BTreeMap<MentionKind, Score>,
    gold: &HashSet<(MentionKind, usize, usize)>,
    predicted: &HashSet<(MentionKind, usize, usize)>,
) {
    for &(kind, _, _) in gold {
        scores.entry(kind).or_default().gold += 1;
    }
    for item in predicted {
        let score = scores.entry(item.0).or_default();
        score.predicted += 1;
        if gold.contains(item) {
            score.correct += 1;
        }
    }
}

/// The naive recogniser: jieba's words tagged `nt` (organisations), `nr`
/// (people) and `ns` (places), as they are.
pub fn baseline_mentions(text: &str) -> Vec<Mention> {
    jieba()
        .tag(text, true)
        .into_iter()
        .filter_map(|tag| {
            let kind = match tag.tag {
                "nt" => MentionKind::Organization,
                "nr" => MentionKind::Person,
                "ns" => MentionKind::Location,
                _ => return None,
            };
            Some(Mention::new(tag.word, kind, tag.start, tag.end, MentionSource::Model))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::data::GoldEntity;

    #[test]
    fn exact_spans_count() {
        let sentence = GoldSentence {
            id: "a".into(),
            text: "由青岛农业大学牵头，获得1.5亿元投资".into(),
            entities: vec![
                GoldEntity {
                    label: "organization".into(),
                    start: 1,
                    end: 7,
                    text: "青岛农业大学".into(),
                },
                GoldEntity {
                    label: "amount".into(),
                    start: 12,
                    end: 17,
                    text: "1.5亿元".into(),
                },
            ],
            relations: vec![],
        };
        let evaluation = evaluate(&Recognizer::builder().without_model().build(), &[sentence], 10);
        let org = evaluation.score(MentionKind::Organization).unwrap();
        assert_eq!((org.gold, org.correct), (1, 1));
        assert_eq!(org.f1, 1.0);
        assert_eq!(evaluation.score(MentionKind::Amount).unwrap().f1, 1.0);
        assert!(evaluation.score(MentionKind::Person).is_none());
        assert!(evaluation.errors.is_empty());
    }

    #[test]
    fn baseline_reads_jieba_tags() {
        let found = baseline_mentions("张伟在北京工作");
        assert!(found
            .iter()
            .any(|m| m.kind == MentionKind::Location && m.text == "北京"));
    }
}

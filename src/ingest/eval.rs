//! How well relations are read from text, against labelled sentences
//! (`{"text", "relations": [{"from", "to", "kind"}]}`, names as written):
//! precision, recall and F1 per kind for the cue reading of
//! [`super::cues::stated`] and for a naive baseline (nearest party before
//! a cue word to the nearest after it), computed in the same run over the
//! same mentions. Nothing in the graph: every party is read as new.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cues::{self, Party};
use super::extraction::{extract, LinkStatus, Reader};
use super::link::ShortForms;
use crate::extract::data::GoldSentence;
use crate::extract::Recognizer;
use crate::graph::KnowledgeGraph;
use crate::model::RelationKind;

/// Counts for one kind (or all).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Counts {
    fn finish(&mut self) {
        self.precision = ratio(self.correct, self.predicted);
        self.recall = ratio(self.correct, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores of one reader.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub all: Counts,
    pub by_kind: BTreeMap<String, Counts>,
}

/// A relation read that the labels do not have, or one they have that
/// was not read.
#[derive(Debug, Clone, Serialize)]
pub struct Mistake {
    pub sentence: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    /// `extra` (read, not labelled) or `missed`.
    pub what: &'static str,
}

/// The evaluation of a set of labelled sentences.
#[derive(Debug, Clone, Serialize)]
pub struct RelationEval {
    pub sentences: usize,
    pub cues: Scores,
    pub baseline: Scores,
    pub mistakes: Vec<Mistake>,
}

type Triple = (String, String, String);

fn same(a: &Triple, b: &Triple) -> bool {
    a == b || (a.2 == RelationKind::CollaboratesWith.as_str() && a.0 == b.1 && a.1 == b.0 && a.2 == b.2)
}

fn score(scores: &mut Scores, gold: &[Triple], predicted: &[Triple]) {
    let mut tally = |kind: &str, g: usize, p: usize, c: usize| {
        for counts in [&mut scores.all, scores.by_kind.entry(kind.to_string()).or_default()] {
            counts.gold += g;
            counts.predicted += p;
            counts.correct += c;
        }
    };
    for p in predicted {
        let hit = gold.iter().any(|g| same(g, p));
        tally(&p.2, 0, 1, usize::from(hit));
    }
    for g in gold {
        tally(&g.2, 1, 0, 0);
    }
}

/// Reads every sentence and scores both readers.
pub fn evaluate(sentences: &[GoldSentence], recognizer: &Recognizer) -> RelationEval {
    let graph = KnowledgeGraph::from_records(Vec::new(), Vec::new()).expect("an empty graph");
    let forms = ShortForms::default();
    let reader = Reader {
        graph: &graph,
        forms: &forms,
        recognizer,
    };
    let mut cue_scores = Scores::default();
    let mut baseline = Scores::default();
    let mut mistakes = Vec::new();
    for sentence in sentences {
        let gold: Vec<Triple> = sentence
            .relations
            .iter()
            .map(|r| (r.from.clone(), r.to.clone(), r.kind.clone()))
            .collect();
        let extraction = extract(&reader, &sentence.text);
        let name_of = |id: &str| -> String {
            extraction
                .new_entities
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.name.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let read: Vec<Triple> = extraction
            .relations
            .iter()
            .map(|r| (name_of(&r.from), name_of(&r.to), r.kind.as_str().to_string()))
            .collect();
        score(&mut cue_scores, &gold, &read);
        for r in &read {
            if !gold.iter().any(|g| same(g, r)) {
                mistakes.push(mistake(sentence, r, "extra"));
            }
        }
        for g in &gold {
            if !read.iter().any(|r| same(g, r)) {
                mistakes.push(mistake(sentence, g, "missed"));
            }
        }
        // the baseline over the same parties
        let mut naive: Vec<Triple> = Vec::new();
        for (number, sentence) in extraction.sentences.iter().enumerate() {
            let offset = extraction.sentences[number].start;
            let parties: Vec<(Party, String)> = extraction
                .mentions
                .iter()
                .filter(|m| m.sentence == number && matches!(m.status, LinkStatus::Linked | LinkStatus::New))
                .filter_map(|m| {
                    Some((
                        Party {
                            start: m.start.checked_sub(offset)?,
                            end: m.end.checked_sub(offset)?,
                            kind: m.entity_kind?,
                            role: m.role.clone(),
                        },
                        m.text.clone(),
                    ))
                })
                .collect();
            let (only_parties, names): (Vec<Party>, Vec<String>) = parties.into_iter().unzip();
            for s in cues::naive(&sentence.text, &only_parties) {
                naive.push((names[s.from].clone(), names[s.to].clone(), s.kind.as_str().to_string()));
            }
        }
        score(&mut baseline, &gold, &naive);
    }
    for scores in [&mut cue_scores, &mut baseline] {
        scores.all.finish();
        for counts in scores.by_kind.values_mut() {
            counts.finish();
        }
    }
    RelationEval {
        sentences: sentences.len(),
        cues: cue_scores,
        baseline,
        mistakes,
    }
}

fn mistake(sentence: &GoldSentence, triple: &Triple, what: &'static str) -> Mistake {
    Mistake {
        sentence: sentence.text.clone(),
        from: triple.0.clone(),
        to: triple.1.clone(),
        kind: triple.2.clone(),
        what,
    }
}

//! Training the tagger: an averaged structured perceptron over the
//! features of [`super::features`], with Viterbi decoding under the BIOES
//! constraints, a fixed number of epochs and a fixed shuffling seed, so
//! the same sentences always give the same model, byte for byte. Weights
//! are integers while training (updates are ±1), averaged at the end,
//! then quantised to 8 bits; features whose weights are all small (see
//! [`TrainConfig::min_weight`]) are left out of the model.

use std::collections::HashMap;

use jieba_rs::Jieba;
use serde::Serialize;

use super::features::{extract, FeatureBuffer};
use super::gazetteer::{Folds, Gazetteer};
use super::model::{Class, Lattice, TagSet, Tagger};
use crate::extract::mention::MentionKind;
use crate::extract::prepare::{mix, Prepared};

/// A sentence with its gold mentions, character offsets end-exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSentence {
    pub text: String,
    pub spans: Vec<(Class, usize, usize)>,
}

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// The classes the model tags, in tag order.
    pub classes: Vec<Class>,
    pub epochs: usize,
    /// Seed of the order sentences are seen in each epoch.
    pub seed: u64,
    /// Features seen fewer times than this in the training sentences are
    /// not features.
    pub min_count: u32,
    /// Cost added while training to every tag but the gold one (a
    /// margin: the model must win by more than this).
    pub margin: i64,
    /// Features none of whose 8-bit weights reaches this (in absolute
    /// value) are left out: a smaller table, read faster, for little loss.
    pub min_weight: u8,
    /// Folds of the training sentences for the gazetteer of labelled
    /// names (each sentence is marked with the names of the other folds);
    /// 0: no gazetteer.
    pub gazetteer_folds: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            classes: vec![
                Class::Mention(MentionKind::Organization),
                Class::Mention(MentionKind::Person),
                Class::Mention(MentionKind::Location),
                Class::Position,
                Class::Work,
                Class::Scene,
            ],
            epochs: 12,
            seed: 20_200_701,
            min_count: 2,
            margin: 10,
            min_weight: 8,
            gazetteer_folds: 10,
        }
    }
}

/// What training did.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub sentences: usize,
    pub characters: usize,
    pub candidate_features: usize,
    pub kept_features: usize,
    pub epochs: usize,
    /// Sentences tagged wrong in each epoch (before the update).
    pub errors_per_epoch: Vec<usize>,
}

struct Example {
    features: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<usize>,
}

/// Trains a tagger on `sentences`.
pub fn train(jieba: &Jieba, sentences: &[TrainingSentence], config: &TrainConfig) -> (Tagger, TrainReport) {
    let tags = TagSet::new(config.classes.clone());
    let n = tags.len();
    let (examples, index_of, candidates, characters, gazetteer) = featurize(jieba, sentences, &tags, config);
    let (mut averaged, averaged_transitions, errors_per_epoch) = learn(&examples, index_of.len(), &tags, config);
    let scale = quantisation_scale(&averaged);
    let mut ids: Vec<(u32, u32)> = index_of.into_iter().collect();
    ids.sort_unstable();
    let mut features = Vec::new();
    for (id, index) in ids {
        let row = &mut averaged[index as usize * n..(index as usize + 1) * n];
        let quantised: Vec<i8> = row
            .iter()
            .map(|&w| (w / scale).round().clamp(-127.0, 127.0) as i8)
            .collect();
        if quantised
            .iter()
            .any(|&q| i32::from(q).abs() >= i32::from(config.min_weight.max(1)))
        {
            features.push((id, quantised));
        }
    }
    let transitions: Vec<i64> = averaged_transitions
        .iter()
        .map(|&w| (w / scale).round() as i64)
        .collect();
    let report = TrainReport {
        sentences: examples.len(),
        characters,
        candidate_features: candidates,
        kept_features: features.len(),
        epochs: config.epochs,
        errors_per_epoch,
    };
    (
        Tagger::from_parts(tags, scale as f32, features, transitions).with_gazetteer(gazetteer),
        report,
    )
}

/// The averaged perceptron over the examples: its averaged weights and
/// transitions, and the sentences it tagged wrong in each epoch.
fn learn(
    examples: &[Example],
    feature_count: usize,
    tags: &TagSet,
    config: &TrainConfig,
) -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    let n = tags.len();
    let mut weights = vec![0i32; feature_count * n];
    let mut sums = vec![0i64; feature_count * n];
    let mut transitions = vec![0i32; (n + 1) * n];
    let mut transition_sums = vec![0i64; (n + 1) * n];
    let predecessors = tags.predecessors();
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = config.seed;
    let mut step: i64 = 1;
    let mut errors_per_epoch = Vec::with_capacity(config.epochs);
    let mut emissions: Vec<i64> = Vec::new();
    let mut transition_scores = vec![0i64; (n + 1) * n];
    for _ in 0..config.epochs {
        shuffle(&mut order, &mut rng);
        let mut errors = 0;
        for &e in &order {
            let example = &examples[e];
            let len = example.gold.len();
            emissions.clear();
            emissions.resize(len * n, 0);
            for i in 0..len {
                let row = &mut emissions[i * n..(i + 1) * n];
                for &f in &example.features[example.offsets[i] as usize..example.offsets[i + 1] as usize] {
                    let w = &weights[f as usize * n..(f as usize + 1) * n];
                    for (score, &weight) in row.iter_mut().zip(w) {
                        *score += i64::from(weight);
                    }
                }
            }
            if config.margin > 0 {
                for (i, &gold) in example.gold.iter().enumerate() {
                    for (tag, score) in emissions[i * n..(i + 1) * n].iter_mut().enumerate() {
                        if tag != gold {
                            *score += config.margin;
                        }
                    }
                }
            }
            for (score, &weight) in transition_scores.iter_mut().zip(&transitions) {
                *score = i64::from(weight);
            }
            let predicted = Lattice::new(tags, &transition_scores, &predecessors).decode(&emissions);
            if predicted != example.gold {
                errors += 1;
                let mut update = |index: usize, delta: i32| {
                    weights[index] += delta;
                    sums[index] += step * i64::from(delta);
                };
                for (i, (&gold, &guess)) in example.gold.iter().zip(&predicted).enumerate() {
                    if gold == guess {
                        continue;
                    }
                    for &f in &example.features[example.offsets[i] as usize..example.offsets[i + 1] as usize] {
                        update(f as usize * n + gold, 1);
                        update(f as usize * n + guess, -1);
                    }
                }
                let mut update_transition = |index: usize, delta: i32| {
                    transitions[index] += delta;
                    transition_sums[index] += step * i64::from(delta);
                };
                let mut from_gold = n;
                let mut from_guess = n;
                for (&gold, &guess) in example.gold.iter().zip(&predicted) {
                    if (from_gold, gold) != (from_guess, guess) {
                        update_transition(from_gold * n + gold, 1);
                        update_transition(from_guess * n + guess, -1);
                    }
                    from_gold = gold;
                    from_guess = guess;
                }
            }
            step += 1;
        }
        tracing::info!(errors, sentences = examples.len(), "training epoch");
        errors_per_epoch.push(errors);
    }
    // averaged weights: w - sums / step
    let average = |w: i32, sum: i64| f64::from(w) - sum as f64 / step as f64;
    let averaged: Vec<f64> = weights.iter().zip(&sums).map(|(&w, &s)| average(w, s)).collect();
    let averaged_transitions: Vec<f64> = transitions
        .iter()
        .zip(&transition_sums)
        .map(|(&w, &s)| average(w, s))
        .collect();
    (averaged, averaged_transitions, errors_per_epoch)
}

/// The scale that maps the 99.99th percentile of weight magnitudes to 127.
fn quantisation_scale(weights: &[f64]) -> f64 {
    let mut magnitudes: Vec<f64> = weights.iter().map(|w| w.abs()).filter(|&w| w > 0.0).collect();
    if magnitudes.is_empty() {
        return 1.0;
    }
    let k = ((magnitudes.len() - 1) as f64 * 0.9999) as usize;
    let (_, &mut value, _) = magnitudes.select_nth_unstable_by(k, f64::total_cmp);
    (value / 127.0).max(1e-9)
}

/// A labelled span: `(class, start, end)` over a sentence's prepared view.
type Span = (usize, usize, usize);

type Featurized = (Vec<Example>, HashMap<u32, u32>, usize, usize, Gazetteer);

/// Every sentence's features as indices into one table, and its gold tags;
/// and the gazetteer of all the sentences' labelled names.
fn featurize(jieba: &Jieba, sentences: &[TrainingSentence], tags: &TagSet, config: &TrainConfig) -> Featurized {
    let viewed: Vec<(Prepared, Vec<Span>)> = sentences
        .iter()
        .map(|sentence| {
            let prepared = Prepared::new(jieba, &sentence.text);
            let spans = gold_spans(&prepared, sentence, tags);
            (prepared, spans)
        })
        .collect();
    let folds = (config.gazetteer_folds > 0).then(|| {
        Folds::count(
            config.gazetteer_folds,
            viewed.iter().map(|(prepared, spans)| (&prepared.chars[..], &spans[..])),
        )
    });
    let gazetteers: Vec<Gazetteer> = match &folds {
        Some(folds) => (0..folds.folds()).map(|fold| folds.gazetteer(Some(fold))).collect(),
        None => vec![Gazetteer::default()],
    };
    let mut prepared_all = Vec::with_capacity(sentences.len());
    let mut counts: HashMap<u32, u32> = HashMap::new();
    let mut buffer = FeatureBuffer::default();
    let mut characters = 0;
    for (i, (prepared, spans)) in viewed.iter().enumerate() {
        extract(
            prepared,
            0..prepared.len(),
            &gazetteers[i % gazetteers.len()],
            &mut buffer,
        );
        for &id in &buffer.ids {
            *counts.entry(id).or_insert(0) += 1;
        }
        characters += prepared.len();
        let gold = tags.encode(prepared.len(), spans);
        prepared_all.push((buffer.clone(), gold));
    }
    let min_count = config.min_count;
    let candidates = counts.len();
    let mut index_of: HashMap<u32, u32> = HashMap::new();
    let mut examples = Vec::with_capacity(sentences.len());
    for (buffer, gold) in prepared_all {
        let mut features = Vec::with_capacity(buffer.ids.len());
        let mut offsets = Vec::with_capacity(buffer.offsets.len());
        offsets.push(0);
        for i in 0..buffer.len() {
            for &id in buffer.of(i) {
                if counts[&id] >= min_count {
                    let next = index_of.len() as u32;
                    features.push(*index_of.entry(id).or_insert(next));
                }
            }
            offsets.push(features.len() as u32);
        }
        examples.push(Example {
            features,
            offsets,
            gold,
        });
    }
    let gazetteer = folds.map(|folds| folds.gazetteer(None)).unwrap_or_default();
    (examples, index_of, candidates, characters, gazetteer)
}

/// The gold spans of a sentence, `(class, start, end)` over its prepared
/// view.
fn gold_spans(prepared: &Prepared, sentence: &TrainingSentence, tags: &TagSet) -> Vec<Span> {
    let mut view_of = vec![usize::MAX; prepared.original.len() + 1];
    for (view, &original) in prepared.origin.iter().enumerate() {
        view_of[original] = view;
    }
    view_of[prepared.original.len()] = prepared.len();
    sentence
        .spans
        .iter()
        .filter_map(|&(kind, start, end)| {
            let class = tags.classes.iter().position(|&c| c == kind)?;
            let view_start = *view_of.get(start)?;
            let view_end = view_of.get(end.checked_sub(1)?)?.checked_add(1)?;
            (view_start < view_end && view_end <= prepared.len()).then_some((class, view_start, view_end))
        })
        .collect()
}

/// Fisher–Yates with a splitmix64 stream.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let j = (mix(*state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<TrainingSentence> {
        let lines = [
            (
                "青岛大学张伟教授团队来到海尔集团",
                vec![
                    (MentionKind::Organization, 0, 4),
                    (MentionKind::Person, 4, 6),
                    (MentionKind::Organization, 12, 16),
                ],
            ),
            (
                "李明在山东大学工作",
                vec![(MentionKind::Person, 0, 2), (MentionKind::Organization, 3, 7)],
            ),
            (
                "王芳教授来自北京",
                vec![(MentionKind::Person, 0, 2), (MentionKind::Location, 6, 8)],
            ),
            (
                "海信集团与中国海洋大学合作",
                vec![(MentionKind::Organization, 0, 4), (MentionKind::Organization, 5, 11)],
            ),
        ];
        lines
            .into_iter()
            .map(|(text, spans)| TrainingSentence {
                text: text.to_string(),
                spans: spans.into_iter().map(|(k, s, e)| (k.into(), s, e)).collect(),
            })
            .collect()
    }

    #[test]
    fn training_is_deterministic_and_learns_the_fixture() {
        let jieba = Jieba::new();
        let config = TrainConfig {
            epochs: 8,
            ..TrainConfig::default()
        };
        let (first, report) = train(&jieba, &fixture(), &config);
        let (second, _) = train(&jieba, &fixture(), &config);
        assert_eq!(first.to_bytes(), second.to_bytes());
        assert_eq!(report.sentences, 4);
        assert!(report.kept_features > 0);
        assert_eq!(*report.errors_per_epoch.last().unwrap(), 0, "{report:?}");
        // it tags what it was trained on
        let prepared = Prepared::new(&jieba, "李明在山东大学工作");
        let mut buffer = FeatureBuffer::default();
        extract(&prepared, 0..prepared.len(), first.gazetteer(), &mut buffer);
        let path = first.tag(&buffer, &mut super::super::model::TagScratch::default());
        assert_eq!(first.tags.spans(&path), vec![(1, 0, 2), (0, 3, 7)]);
        // and a different seed gives different bytes
        let (other, _) = train(&jieba, &fixture(), &TrainConfig { seed: 7, ..config });
        assert_eq!(other.tags, first.tags);
    }
}

//! Labelled sentences on disk: the JSONL format of CLUENER and of this
//! crate's gold sets (`{"id","text","entities":[{"type","start","end",
//! "text"}],"relations":[…]}`, character offsets end-exclusive), and the
//! rule that holds part of a training file out of training.
//!
//! The hold-out rule: a line is held out when the first eight bytes of the
//! BLAKE3 hash of its `id`, read as a little-endian integer, are 0 modulo
//! 5 (about a fifth of the lines). Of the rest, those at 1 modulo 5 are the
//! tuning part: `train --tuning` leaves them out too, so that features can
//! be chosen on them without looking at the held-out part.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::mention::MentionKind;
use super::tagger::{Class, TrainingSentence};
use crate::{Error, Result};

/// Which part of a labelled file a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Never trained on; reported on.
    HeldOut,
    /// Trained on, except with `--tuning`.
    Tuning,
    /// Always trained on.
    Train,
}

/// The part the line with this `id` belongs to (see the module docs).
pub fn part_of(id: &str) -> Part {
    let hash = blake3::hash(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    match u64::from_le_bytes(first) % 5 {
        0 => Part::HeldOut,
        1 => Part::Tuning,
        _ => Part::Train,
    }
}

/// One labelled mention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldEntity {
    /// The label as written (`organization`, `company`, `name` …).
    #[serde(rename = "type")]
    pub label: String,
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: String,
}

impl GoldEntity {
    /// Our kind for the label, if it is one of ours.
    pub fn kind(&self) -> Option<MentionKind> {
        MentionKind::from_label(&self.label)
    }
}

/// One labelled relation, between mention texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldRelation {
    pub from: String,
    pub to: String,
    pub kind: String,
}

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldSentence {
    #[serde(default)]
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    #[serde(default)]
    pub relations: Vec<GoldRelation>,
}

impl GoldSentence {
    /// The sentence as training input: its mentions of our kinds and the
    /// phrases the model learns to tell from them.
    pub fn to_training(&self) -> TrainingSentence {
        TrainingSentence {
            text: self.text.clone(),
            spans: self
                .entities
                .iter()
                .filter_map(|e| Some((Class::from_label(&e.label)?, e.start, e.end)))
                .collect(),
        }
    }
}

/// Reads a labelled JSONL file, checking every line: valid JSON with a
/// `text`, spans inside the text, each span's `text` (when given) equal to
/// what the offsets cover. A line without an `id` gets `line-N`.
pub fn read_gold(path: &Path) -> Result<Vec<GoldSentence>> {
    let file = std::fs::File::open(path).map_err(|source| Error::io(path, source))?;
    let mut sentences = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|source| Error::io(path, source))?;
        if line.trim().is_empty() {
            continue;
        }
        let invalid = |message: String| Error::InvalidDataFile {
            path: path.to_path_buf(),
            line: number,
            message,
        };
        let mut sentence: GoldSentence = serde_json::from_str(&line).map_err(|e| invalid(e.to_string()))?;
        if sentence.id.is_empty() {
            sentence.id = format!("line-{number}");
        }
        let chars: Vec<char> = sentence.text.chars().collect();
        for entity in &sentence.entities {
            if entity.start >= entity.end || entity.end > chars.len() {
                return Err(invalid(format!(
                    "entity `{}` at {}..{} is outside the text of {} characters",
                    entity.text,
                    entity.start,
                    entity.end,
                    chars.len()
                )));
            }
            let covered: String = chars[entity.start..entity.end].iter().collect();
            if !entity.text.is_empty() && covered != entity.text {
                return Err(invalid(format!(
                    "entity `{}` at {}..{} covers `{covered}` (offsets are characters, end-exclusive)",
                    entity.text, entity.start, entity.end
                )));
            }
        }
        sentences.push(sentence);
    }
    if sentences.is_empty() {
        return Err(Error::InvalidDataFile {
            path: path.to_path_buf(),
            line: 0,
            message: "no labelled sentence in the file".to_string(),
        });
    }
    Ok(sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_stable_and_about_a_fifth_is_held_out() {
        assert_eq!(part_of("cluener-train-0"), part_of("cluener-train-0"));
        let held = (0..10_000)
            .filter(|i| part_of(&format!("cluener-train-{i}")) == Part::HeldOut)
            .count();
        assert!((1_800..2_200).contains(&held), "{held}");
    }

    #[test]
    fn bad_lines_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gold.jsonl");
        std::fs::write(
            &path,
            "{\"id\":\"a\",\"text\":\"青岛大学\",\"entities\":[{\"type\":\"organization\",\"start\":0,\"end\":4,\"text\":\"青岛大学\"}]}\n\
             {\"id\":\"b\",\"text\":\"青岛大学\",\"entities\":[{\"type\":\"organization\",\"start\":0,\"end\":3,\"text\":\"青岛大学\"}]}\n",
        )
        .unwrap();
        let error = read_gold(&path).unwrap_err().to_string();
        assert!(error.contains(":2"), "{error}");
        assert!(error.contains("covers `青岛大`"), "{error}");
        std::fs::write(&path, "not json\n").unwrap();
        assert!(read_gold(&path).unwrap_err().to_string().contains(":1"));
    }
}

//! Known names: every entry's name (normalised as the text is) in one
//! Aho–Corasick automaton. A match counts only where jieba's cut of the
//! text has a word boundary at both its ends, so that a short name inside
//! an unrelated word (高测 in 提高测量) is not a mention; of overlapping
//! matches the leftmost, then the longest, is kept. A name several
//! entries share gives one mention with all their keys.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::mention::{GazetteerEntry, Mention, MentionKind, MentionSource, OrgKind};
use super::prepare::Prepared;
use crate::text::normalize;

struct Pattern {
    kind: MentionKind,
    org_kind: Option<OrgKind>,
    keys: Vec<u32>,
}

/// The names a recognizer knows.
pub struct Gazetteer {
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("names", &self.patterns.len())
            .finish()
    }
}

impl Gazetteer {
    /// Builds the automaton over `entries`; names shorter than two
    /// characters are left out (one character is never safe to match).
    pub fn new(entries: impl IntoIterator<Item = GazetteerEntry>) -> Gazetteer {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        for entry in entries {
            let name = normalize(entry.name.trim());
            if name.chars().count() < 2 {
                continue;
            }
            match index.get(&name) {
                Some(&at) => {
                    let keys = &mut patterns[at].keys;
                    if !keys.contains(&entry.key) {
                        keys.push(entry.key);
                    }
                }
                None => {
                    index.insert(name.clone(), patterns.len());
                    names.push(name);
                    patterns.push(Pattern {
                        kind: entry.kind,
                        org_kind: entry.org_kind,
                        keys: vec![entry.key],
                    });
                }
            }
        }
        for pattern in &mut patterns {
            pattern.keys.sort_unstable();
        }
        let automaton = (!names.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&names)
                .unwrap_or_else(|error| panic!("names are literal patterns: {error}"))
        });
        Gazetteer { automaton, patterns }
    }

    /// The number of distinct names.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether no name is known.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The known names in `prepared`, leftmost-longest among those at word
    /// boundaries, over view offsets.
    pub fn find(&self, prepared: &Prepared, out: &mut Vec<Mention>) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let mut found: Vec<(usize, usize, usize)> = automaton
            .find_overlapping_iter(prepared.text.as_str())
            .map(|m| {
                (
                    prepared.char_at_byte(m.start()),
                    prepared.char_at_byte(m.end()),
                    m.pattern().as_usize(),
                )
            })
            .filter(|&(start, end, _)| prepared.is_boundary(start) && prepared.is_boundary(end))
            .collect();
        found.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut covered_to = 0;
        for (start, end, pattern) in found {
            if start < covered_to {
                continue;
            }
            covered_to = end;
            let pattern = &self.patterns[pattern];
            let mut mention = Mention::new(
                prepared.slice(start, end),
                pattern.kind,
                start,
                end,
                MentionSource::Gazetteer,
            );
            mention.org_kind = pattern.org_kind;
            mention.keys = pattern.keys.clone();
            out.push(mention);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, key: u32) -> GazetteerEntry {
        GazetteerEntry {
            name: name.to_string(),
            kind: MentionKind::Organization,
            org_kind: Some(OrgKind::Enterprise),
            key,
        }
    }

    fn names(gazetteer: &Gazetteer, text: &str) -> Vec<(String, Vec<u32>)> {
        let jieba = jieba_rs::Jieba::new();
        let prepared = Prepared::new(&jieba, text);
        let mut out = Vec::new();
        gazetteer.find(&prepared, &mut out);
        out.into_iter().map(|m| (m.text, m.keys)).collect()
    }

    #[test]
    fn word_boundaries_and_shared_names() {
        let gazetteer = Gazetteer::new([
            entry("高测", 1),
            entry("高测", 2),
            entry("青岛高测科技", 3),
            entry("x", 4),
        ]);
        assert_eq!(gazetteer.len(), 2);
        assert_eq!(
            names(&gazetteer, "高测股份发布年报"),
            [("高测".to_string(), vec![1, 2])]
        );
        assert!(names(&gazetteer, "大幅提高测量精度").is_empty());
        assert_eq!(
            names(&gazetteer, "青岛高测科技获奖"),
            [("青岛高测科技".to_string(), vec![3])]
        );
    }

    #[test]
    fn names_are_normalised_like_the_text() {
        let gazetteer = Gazetteer::new([entry("ＡＢＣ集团", 9)]);
        assert_eq!(names(&gazetteer, "abc集团落户"), [("abc集团".to_string(), vec![9])]);
    }
}

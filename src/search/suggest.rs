//! Autocomplete on entity names and aliases: by Chinese prefix, by full
//! pinyin prefix (`qingdaogao`) and by pinyin initials (`qdgx` →
//! 青岛高新区), most important entities first.
//!
//! All keys (each name and alias in three forms) sit in one sorted array, so
//! the keys starting with a prefix are one contiguous range; a segment tree
//! over the keys' importance yields the top entries of any range in
//! O(k log n), whatever the range's size. Entities named, renamed or
//! deleted since that array was built are indexed again in a small one
//! beside it (and their keys in the big one ignored), so a change costs
//! time in proportion to the changes, not to the graph. Patents and
//! projects are not suggested: their names are titles.
//!
//! The entities are read through an [`EntityDirectory`], by position.

use std::collections::{BinaryHeap, HashSet};
use std::sync::Arc;

use pinyin::ToPinyin;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::directory::EntityDirectory;
use crate::model::EntityKind;
use crate::model::EntityRef;
use crate::text::normalize;
use crate::{Error, Result};

/// Most suggestions one call returns.
pub const MAX_SUGGESTIONS: usize = 50;

/// How a key was derived from a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Text,
    Pinyin,
    Initials,
}

impl Form {
    fn label(self) -> &'static str {
        match self {
            Form::Text => "name",
            Form::Pinyin => "pinyin",
            Form::Initials => "initials",
        }
    }
}

/// One key: which entity, which of its names (0 = main name, then aliases),
/// and in which form.
#[derive(Debug, Clone, Copy)]
struct Entry {
    entity: u32,
    name: u16,
    form: Form,
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    #[serde(flatten)]
    pub entity: EntityRef,
    /// The name or alias that matched.
    pub matched: String,
    /// `name`, `pinyin` or `initials`: how the typed text matched it.
    pub via: String,
}

/// Suggestions given unless asked for another number.
pub const DEFAULT_SUGGESTIONS: usize = 10;

fn default_suggestions() -> usize {
    DEFAULT_SUGGESTIONS
}

/// A suggest call: the CLI's `suggest` arguments and `/api/suggest`'s
/// parameters.
#[derive(Debug, Clone, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    /// The beginning of a name or alias, its pinyin or its initials.
    #[arg(value_name = "PREFIX")]
    #[serde(deserialize_with = "crate::params::text")]
    pub q: String,
    /// Suggestions returned (1 to 50).
    #[arg(long, default_value_t = DEFAULT_SUGGESTIONS)]
    #[serde(default = "default_suggestions", deserialize_with = "crate::params::number")]
    pub limit: usize,
}

impl SuggestRequest {
    /// The first `limit` suggestions for `q`.
    pub fn new(q: impl Into<String>, limit: usize) -> SuggestRequest {
        SuggestRequest { q: q.into(), limit }
    }
}

/// The answer to a suggest call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestResponse {
    pub query: String,
    pub suggestions: Vec<Suggestion>,
}

/// Texts back to back in one arena: text `i` is `text[ends[i - 1]..ends[i]]`
/// (from 0 for the first).
#[derive(Default)]
struct Texts {
    text: String,
    ends: Vec<u32>,
}

impl Texts {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] as usize };
        &self.text[start..self.ends[index] as usize]
    }

    /// The first index in `from..` whose text does not satisfy `before`
    /// (which holds for a prefix of the texts from `from` on).
    fn partition_point(&self, from: usize, before: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (from, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if before(self.get(middle)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }
}

/// Sorted keys of some entities' names, with a segment tree over their
/// importance.
struct KeyIndex {
    keys: Texts,
    entries: Vec<Entry>,
    importance: Vec<f32>,
    /// `tree[n + i] = i`; `tree[p]` = the key of highest importance under p.
    tree: Vec<u32>,
}

/// The prefix index of entity names.
pub struct Suggester {
    /// Every entity's keys as they were when the suggester was built.
    base: Arc<KeyIndex>,
    /// The keys of the entities in `changed`, as they are now.
    recent: KeyIndex,
    /// Entities named, renamed or deleted since `base` was built, sorted:
    /// their keys in `base` no longer count.
    changed: Vec<u32>,
}

/// A key chosen for an answer: which index, which key, and how it ranks.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    recent: bool,
    key: usize,
    exact: bool,
    importance: f32,
}

/// Entities changed since the full build beyond which a change rebuilds
/// the whole suggester rather than the small index.
const REBUILD_AFTER: usize = 50_000;

/// Full pinyin and initials of a name: letters and digits kept as they are,
/// punctuation dropped.
pub fn pinyin_forms(name: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for c in normalize(name).chars() {
        if let Some(reading) = c.to_pinyin() {
            full.push_str(reading.plain());
            initials.push_str(reading.first_letter());
        } else if c.is_alphanumeric() {
            full.push(c);
            initials.push(c);
        }
    }
    (full, initials)
}

/// How prominent an entity is for suggestions: its number of relations,
/// with organisations and places ahead of people at equal degree.
fn importance(kind: EntityKind, degree: usize) -> f32 {
    let kind_weight = match kind {
        EntityKind::Zone | EntityKind::University | EntityKind::Institute => 3.0,
        EntityKind::Enterprise | EntityKind::Platform | EntityKind::Policy | EntityKind::Industry => 2.0,
        _ => 1.0,
    };
    (1.0 + degree as f32).ln() + kind_weight * 0.5
}

fn key_form(name: &str) -> String {
    normalize(name).chars().filter(|c| !c.is_whitespace()).collect()
}

impl KeyIndex {
    /// Indexes every name and alias of the named entities among `entities`.
    fn build(directory: &impl EntityDirectory, entities: &[u32]) -> KeyIndex {
        // pinyin for every name, and the sort, on every core
        let mut items: Vec<(Box<str>, Entry)> = entities
            .par_iter()
            .map(|&index| (index, directory.entity(index)))
            .filter(|(_, entity)| !matches!(entity.kind, EntityKind::Patent | EntityKind::Project))
            .flat_map_iter(|(index, entity)| {
                let mut keys = Vec::new();
                for (position, name) in entity.names.enumerate() {
                    let entry = |form| Entry {
                        entity: index,
                        name: position.min(u16::MAX as usize) as u16,
                        form,
                    };
                    let text = key_form(name);
                    if text.is_empty() {
                        continue;
                    }
                    let (full, initials) = pinyin_forms(&text);
                    if full != text && !full.is_empty() {
                        keys.push((full.into_boxed_str(), entry(Form::Pinyin)));
                    }
                    if initials != text && initials.chars().count() > 1 {
                        keys.push((initials.into_boxed_str(), entry(Form::Initials)));
                    }
                    keys.push((text.into_boxed_str(), entry(Form::Text)));
                }
                keys
            })
            .collect();
        // a total order, so that equal keys keep one order on every run
        items.par_sort_unstable_by(|a, b| {
            (&a.0, a.1.entity, a.1.name, a.1.form as u8).cmp(&(&b.0, b.1.entity, b.1.name, b.1.form as u8))
        });
        let mut keys = Texts {
            text: String::with_capacity(items.iter().map(|(k, _)| k.len()).sum()),
            ends: Vec::with_capacity(items.len()),
        };
        let mut entries = Vec::with_capacity(items.len());
        for (key, entry) in items {
            if keys.text.len() + key.len() > u32::MAX as usize {
                tracing::warn!(kept = keys.len(), "suggestion keys beyond 4 GiB are left out");
                break;
            }
            keys.text.push_str(&key);
            keys.ends.push(keys.text.len() as u32);
            entries.push(entry);
        }
        let importance: Vec<f32> = entries
            .par_iter()
            .map(|e| {
                let kind = directory.kind(e.entity);
                // among one entity's keys, its main name wins the tie
                let main_name = if e.name == 0 { 1e-3 } else { 0.0 };
                importance(kind, directory.degree(e.entity)) + main_name
            })
            .collect();
        let n = keys.len();
        let mut tree = vec![0u32; 2 * n];
        for i in 0..n {
            tree[n + i] = i as u32;
        }
        for p in (1..n).rev() {
            let (a, b) = (tree[2 * p], tree[2 * p + 1]);
            tree[p] = if importance[b as usize] > importance[a as usize] {
                b
            } else {
                a
            };
        }
        KeyIndex {
            keys,
            entries,
            importance,
            tree,
        }
    }

    /// The key of highest importance in `[left, right)`.
    fn argmax(&self, left: usize, right: usize) -> Option<u32> {
        let n = self.keys.len();
        let (mut l, mut r) = (left + n, right + n);
        let mut best: Option<u32> = None;
        let mut consider = |candidate: u32| {
            if best.is_none_or(|b| self.importance[candidate as usize] > self.importance[b as usize]) {
                best = Some(candidate);
            }
        };
        while l < r {
            if l & 1 == 1 {
                consider(self.tree[l]);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                consider(self.tree[r]);
            }
            l >>= 1;
            r >>= 1;
        }
        best
    }

    /// Up to `limit` keys starting with `prefix`, of distinct entities not
    /// `ignored`: keys equal to the prefix first, then by importance.
    fn candidates(&self, prefix: &str, limit: usize, ignored: impl Fn(u32) -> bool) -> Vec<Candidate> {
        let start = self.keys.partition_point(0, |k| k < prefix);
        let end = self.keys.partition_point(start, |k| k.starts_with(prefix));
        let mut chosen: Vec<Candidate> = Vec::with_capacity(limit);
        let mut seen: HashSet<u32> = HashSet::new();
        // chooses the key unless its entity is taken or ignored; says
        // whether it was ignored
        let mut choose = |key: usize, exact: bool, chosen: &mut Vec<Candidate>| {
            let entity = self.entries[key].entity;
            if ignored(entity) {
                return true;
            }
            if seen.insert(entity) {
                chosen.push(Candidate {
                    recent: false,
                    key,
                    exact,
                    importance: self.importance[key],
                });
            }
            false
        };
        // exact keys sort first in the range
        for key in start..end {
            if self.keys.get(key) != prefix || chosen.len() == limit {
                break;
            }
            choose(key, true, &mut chosen);
        }
        // then the most important keys of the range, best first
        let mut heap: BinaryHeap<(OrderedImportance, usize, usize, usize)> = BinaryHeap::new();
        if let Some(best) = self.argmax(start, end) {
            heap.push((
                OrderedImportance(self.importance[best as usize]),
                best as usize,
                start,
                end,
            ));
        }
        // keys of ignored entities do not count against the bound: there
        // are at most as many as changed entities
        let mut steps = 0;
        while let Some((_, best, left, right)) = heap.pop() {
            if chosen.len() == limit || steps > 20 * limit + 100 {
                break;
            }
            if !choose(best, false, &mut chosen) {
                steps += 1;
            }
            for (l, r) in [(left, best), (best + 1, right)] {
                if l < r {
                    if let Some(next) = self.argmax(l, r) {
                        heap.push((OrderedImportance(self.importance[next as usize]), next as usize, l, r));
                    }
                }
            }
        }
        chosen
    }
}

impl Suggester {
    /// Indexes every name and alias of the directory's named entities.
    pub fn build(directory: &impl EntityDirectory) -> Suggester {
        let all: Vec<u32> = (0..directory.entity_slots() as u32).collect();
        Suggester {
            base: Arc::new(KeyIndex::build(directory, &all)),
            recent: KeyIndex::build(directory, &[]),
            changed: Vec::new(),
        }
    }

    /// The suggester after the entity at position `entity` of `directory`
    /// was added, renamed or deleted (positions as in the directory this
    /// suggester was built from: a renumbering, such as a compaction of
    /// the graph, needs [`Suggester::build`]).
    ///
    /// # Complexity
    /// O(c log c) for the c entities changed since the full build, until
    /// there are `REBUILD_AFTER` of them; then a full build.
    pub fn with_change(&self, directory: &impl EntityDirectory, entity: u32) -> Suggester {
        self.with_changes(directory, &[entity])
    }

    /// The suggester after the entities at `entities` changed: see
    /// [`Suggester::with_change`]; one pass for them all.
    pub fn with_changes(&self, directory: &impl EntityDirectory, entities: &[u32]) -> Suggester {
        let mut changed = self.changed.clone();
        changed.extend_from_slice(entities);
        changed.sort_unstable();
        changed.dedup();
        if changed.len() > REBUILD_AFTER {
            return Suggester::build(directory);
        }
        Suggester {
            base: self.base.clone(),
            recent: KeyIndex::build(directory, &changed),
            changed,
        }
    }

    /// Number of keys indexed (those of changed entities in both indexes).
    pub fn len(&self) -> usize {
        self.base.keys.len() + self.recent.keys.len()
    }

    /// Whether no key is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns up to `limit` entities whose name, alias, pinyin or pinyin
    /// initials start with `query`: exact matches first, then by importance.
    /// `directory` is the one this suggester was built from, as it is now.
    pub fn suggest(&self, directory: &impl EntityDirectory, query: &str, limit: usize) -> Result<SuggestResponse> {
        if limit == 0 || limit > MAX_SUGGESTIONS {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_SUGGESTIONS}"),
            ));
        }
        let prefix = key_form(query);
        if prefix.is_empty() {
            return Err(Error::invalid_parameter("q", "type the beginning of a name"));
        }
        let is_changed = |entity: u32| self.changed.binary_search(&entity).is_ok();
        let mut candidates = self.base.candidates(&prefix, limit, is_changed);
        candidates.extend(
            self.recent
                .candidates(&prefix, limit, |_| false)
                .into_iter()
                .map(|c| Candidate { recent: true, ..c }),
        );
        // exact keys first (those of the full index, then the recent), then
        // by importance; the sort is stable
        candidates.sort_by(|a, b| {
            b.exact.cmp(&a.exact).then_with(|| match a.exact {
                true => a.recent.cmp(&b.recent),
                false => b.importance.total_cmp(&a.importance),
            })
        });
        let mut seen: HashSet<u32> = HashSet::new();
        let suggestions = candidates
            .into_iter()
            .filter_map(|candidate| {
                let index = if candidate.recent { &self.recent } else { &*self.base };
                let entry = index.entries[candidate.key];
                if !seen.insert(entry.entity) {
                    return None;
                }
                let entity = directory.entity(entry.entity);
                let mut names = entity.names;
                let name = names.next().unwrap_or("");
                let matched = match entry.name {
                    0 => name,
                    alias => names.nth(alias as usize - 1).unwrap_or(name),
                };
                let via = match (entry.form, entry.name) {
                    (Form::Text, 0) => "name",
                    (Form::Text, _) => "alias",
                    (form, _) => form.label(),
                };
                Some(Suggestion {
                    entity: EntityRef {
                        id: entity.id.to_string(),
                        kind: entity.kind,
                        name: name.to_string(),
                    },
                    matched: matched.to_string(),
                    via: via.to_string(),
                })
            })
            .take(limit)
            .collect();
        Ok(SuggestResponse {
            query: query.to_string(),
            suggestions,
        })
    }
}

/// An `f32` importance with a total order, for the heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedImportance(f32);

impl Eq for OrderedImportance {}

impl PartialOrd for OrderedImportance {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedImportance {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::ListedEntity;

    /// Entities by position, as a graph lists them: a put replaces the
    /// entity with its id in place or appends it; a delete keeps the id
    /// and drops the names.
    #[derive(Default)]
    struct Directory {
        entities: Vec<(String, EntityKind, Vec<String>)>,
        degrees: Vec<usize>,
    }

    impl Directory {
        fn position(&self, id: &str) -> Option<u32> {
            self.entities
                .iter()
                .position(|(known, _, _)| known == id)
                .map(|p| p as u32)
        }

        fn put(&mut self, id: &str, kind: EntityKind, name: &str, aliases: &[&str]) -> u32 {
            let names = std::iter::once(name)
                .chain(aliases.iter().copied())
                .map(str::to_string)
                .collect();
            let listed = (id.to_string(), kind, names);
            match self.position(id) {
                Some(position) => {
                    self.entities[position as usize] = listed;
                    position
                }
                None => {
                    self.entities.push(listed);
                    self.degrees.push(0);
                    self.entities.len() as u32 - 1
                }
            }
        }

        fn delete(&mut self, id: &str) -> u32 {
            let position = self.position(id).unwrap();
            self.entities[position as usize].2.clear();
            position
        }

        fn relate(&mut self, from: &str, to: &str) {
            for id in [from, to] {
                let position = self.position(id).unwrap();
                self.degrees[position as usize] += 1;
            }
        }
    }

    impl EntityDirectory for Directory {
        fn entity_slots(&self) -> usize {
            self.entities.len()
        }

        fn entity(&self, position: u32) -> ListedEntity<'_, impl Iterator<Item = &str> + Send + '_> {
            let (id, kind, names) = &self.entities[position as usize];
            ListedEntity {
                id,
                kind: *kind,
                names: names.iter().map(String::as_str),
            }
        }

        fn kind(&self, position: u32) -> EntityKind {
            self.entities[position as usize].1
        }

        fn degree(&self, position: u32) -> usize {
            self.degrees[position as usize]
        }
    }

    fn directory() -> Directory {
        let mut directory = Directory::default();
        directory.put("zone", EntityKind::Zone, "青岛高新区", &["青岛国家高新技术产业开发区"]);
        directory.put(
            "gaoce",
            EntityKind::Enterprise,
            "高测股份",
            &["青岛高测科技股份有限公司"],
        );
        directory.put("qau", EntityKind::University, "青岛农业大学", &[]);
        directory.put("patent", EntityKind::Patent, "青岛一种专利", &[]);
        directory.put("az", EntityKind::Enterprise, "阿斯利康", &["AstraZeneca"]);
        for i in 0..5 {
            let id = format!("e{i}");
            directory.put(&id, EntityKind::Enterprise, &format!("青岛企业{i}"), &[]);
            directory.relate(&id, "zone");
        }
        directory
    }

    fn ids(response: &SuggestResponse) -> Vec<&str> {
        response.suggestions.iter().map(|s| s.entity.id.as_str()).collect()
    }

    #[test]
    fn chinese_prefix_pinyin_and_initials() {
        let directory = directory();
        let suggester = Suggester::build(&directory);
        let by_prefix = suggester.suggest(&directory, "青岛", 10).unwrap();
        assert_eq!(ids(&by_prefix)[0], "zone", "the hub comes first");
        assert_eq!(by_prefix.suggestions[0].entity.name, "青岛高新区");
        assert!(!ids(&by_prefix).contains(&"patent"), "titles are not suggested");
        let initials = suggester.suggest(&directory, "qdgx", 5).unwrap();
        assert_eq!(ids(&initials), ["zone"]);
        assert_eq!(initials.suggestions[0].via, "initials");
        let full = suggester.suggest(&directory, "qingdaonong", 5).unwrap();
        assert_eq!(ids(&full), ["qau"]);
        assert_eq!(full.suggestions[0].via, "pinyin");
        let alias = suggester.suggest(&directory, "Astra", 5).unwrap();
        assert_eq!(ids(&alias), ["az"]);
        assert_eq!(alias.suggestions[0].matched, "AstraZeneca");
        assert_eq!(alias.suggestions[0].via, "alias");
        assert_eq!(alias.suggestions[0].entity.name, "阿斯利康");
        let short_inside = suggester.suggest(&directory, "青岛高测", 5).unwrap();
        assert_eq!(ids(&short_inside), ["gaoce"]);
    }

    #[test]
    fn exact_match_first_limit_and_dedup() {
        let directory = directory();
        let suggester = Suggester::build(&directory);
        let response = suggester.suggest(&directory, "青岛企业3", 10).unwrap();
        assert_eq!(ids(&response), ["e3"]);
        let limited = suggester.suggest(&directory, "q", 3).unwrap();
        assert_eq!(limited.suggestions.len(), 3);
        let unique: HashSet<&str> = ids(&limited).into_iter().collect();
        assert_eq!(unique.len(), 3);
        assert!(suggester.suggest(&directory, "  ", 5).is_err());
        assert!(suggester.suggest(&directory, "q", 0).is_err());
        assert!(suggester.suggest(&directory, "zzzz", 5).unwrap().suggestions.is_empty());
    }

    #[test]
    fn changed_entities_are_found_as_they_are_now() {
        let mut directory = directory();
        let mut suggester = Suggester::build(&directory);
        let changed = [
            directory.put("new", EntityKind::Enterprise, "青岛新秀科技", &["新秀"]),
            directory.put("gaoce", EntityKind::Enterprise, "高测集团", &[]),
            directory.delete("e2"),
        ];
        for position in changed {
            suggester = suggester.with_change(&directory, position);
        }
        let suggest = |s: &Suggester, query: &str, limit: usize| s.suggest(&directory, query, limit).unwrap();
        assert_eq!(ids(&suggest(&suggester, "青岛新秀", 5)), ["new"]);
        assert_eq!(ids(&suggest(&suggester, "qdxx", 5)), ["new"]);
        assert_eq!(ids(&suggest(&suggester, "新秀", 5)), ["new"]);
        assert_eq!(ids(&suggest(&suggester, "高测集团", 5)), ["gaoce"]);
        assert!(suggest(&suggester, "高测股份", 5).suggestions.is_empty());
        assert!(suggest(&suggester, "青岛企业2", 5).suggestions.is_empty());
        // the same entities as a suggester built from scratch
        let fresh = Suggester::build(&directory);
        for query in ["青岛", "q", "gao", "高测", "qd", "青岛企业", "x"] {
            let sorted = |s: &Suggester| {
                let mut found: Vec<String> = ids(&suggest(s, query, 20)).into_iter().map(str::to_string).collect();
                found.sort();
                found
            };
            assert_eq!(sorted(&suggester), sorted(&fresh), "{query}");
        }
        let first = suggest(&suggester, "青岛", 3);
        assert_eq!(ids(&first)[0], "zone", "importance still orders across both indexes");
    }
}

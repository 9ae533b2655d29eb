//! The graph's tables and the indexes over them: entities (their names
//! read in place from the snapshot or held for changes, their profiles as
//! cold records), relations (ends and kinds in the adjacency rows, numbered
//! in `from` order; a packed-date column; the rest as cold records), and
//! resolution of ids, names and aliases. Entity and relation positions in
//! these tables are process-local: they never leave the process, and a
//! snapshot or a change renumbers relations.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::graph::adjacency::{pack_date, Adjacency, Edge, MAX_RELATIONS};
use crate::graph::cold::ColdStore;
use crate::graph::mapped::Pairs;
use crate::graph::measures::Measures;
use crate::graph::memory::GraphMemory;
use crate::graph::names::{EntityHot, EntityNames};
use crate::graph::numbering::{entity_range, relation_range, EntityIndex, RelationIndex};
use crate::model::{Entity, EntityKind, Evidence, Relation, RelationKind};
use crate::text::normalize;
use crate::{Error, Result};

mod change;
mod snapshot;

/// Cold part of an entity: profile and properties (JSON text, empty for
/// none). `S` is `&str` when writing, `String` when reading.
#[derive(Serialize, Deserialize)]
pub(crate) struct EntityCold<S> {
    pub description: S,
    pub props: S,
    pub industry: Vec<S>,
    pub location: S,
}

/// Cold part of a relation. `props` is 0 for none, else 1 + its index in
/// the table of property texts; each evidence names its document by index
/// in the table of document ids.
#[derive(Serialize, Deserialize)]
pub(crate) struct RelationCold<S> {
    pub since: Option<S>,
    pub amount: Option<f64>,
    pub unit: Option<S>,
    pub props: u32,
    pub evidence: Vec<(u32, S)>,
}

/// Distinct texts, each stored once and named by its position.
///
/// The texts a table was made with are shared between copies of the graph
/// (a copy adds to its own short list of texts after them). The lookup
/// from text to position is only needed to add texts, so it is built on
/// the first [`Interner::intern`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    base: Arc<InternedTexts>,
    /// Texts added since, numbered after the base ones.
    added: Vec<String>,
    added_lookup: HashMap<String, u32>,
}

/// The texts an [`Interner`] was made with, and their lookup once built.
#[derive(Debug, Default)]
struct InternedTexts {
    texts: Vec<String>,
    lookup: std::sync::OnceLock<HashMap<String, u32>>,
}

impl Interner {
    pub(crate) fn from_texts(texts: Vec<String>) -> Interner {
        Interner {
            base: Arc::new(InternedTexts {
                texts,
                lookup: std::sync::OnceLock::new(),
            }),
            ..Interner::default()
        }
    }

    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        let base = &self.base;
        let lookup = base.lookup.get_or_init(|| {
            base.texts
                .iter()
                .enumerate()
                .map(|(i, t)| (t.clone(), i as u32))
                .collect()
        });
        if let Some(&index) = lookup.get(text).or_else(|| self.added_lookup.get(text)) {
            return index;
        }
        let index = (base.texts.len() + self.added.len()) as u32;
        self.added.push(text.to_string());
        self.added_lookup.insert(text.to_string(), index);
        index
    }

    pub(crate) fn get(&self, index: u32) -> Option<&str> {
        let index = index as usize;
        let base = &self.base.texts;
        match index.checked_sub(base.len()) {
            None => base.get(index),
            Some(added) => self.added.get(added),
        }
        .map(String::as_str)
    }

    /// Every text, in position order.
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> {
        self.base.texts.iter().chain(&self.added).map(String::as_str)
    }

    /// Bytes held: each text, its `String`, and the lookups if built.
    fn heap_bytes(&self) -> usize {
        let string = std::mem::size_of::<String>();
        let text_bytes = |texts: &[String]| texts.iter().map(String::capacity).sum::<usize>();
        let lookup_bytes = |texts: &[String], capacity: usize| text_bytes(texts) + capacity * (string + 4);
        let base = &self.base.texts;
        let base_lookup = self
            .base
            .lookup
            .get()
            .map_or(0, |lookup| lookup_bytes(base, lookup.capacity()));
        let added_lookup = lookup_bytes(&self.added, self.added_lookup.capacity());
        text_bytes(base)
            + base.capacity() * string
            + base_lookup
            + text_bytes(&self.added)
            + self.added.capacity() * string
            + added_lookup
    }
}

/// What the graph keeps of each relation besides its ends and kind (which
/// are in the [`Adjacency`]), by relation number.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelationTable {
    /// `since` packed by [`pack_date`], 0 when undated (shared between
    /// copies of the graph until a change replaces it).
    pub since: Arc<Vec<u32>>,
    /// Where each relation's cold record is in `cold`; empty when relation
    /// `r`'s record is record `r` (as after loading a snapshot).
    pub cold_slot: Arc<Vec<u32>>,
    pub cold: ColdStore,
    pub docs: Interner,
    pub props: Interner,
}

/// A relation on its way into the tables: its ends as entity positions, and
/// where its cold record is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlacedRelation {
    pub from: EntityIndex,
    pub to: EntityIndex,
    pub kind: RelationKind,
    pub since: u32,
    pub slot: u32,
}

/// The in-memory knowledge graph.
///
/// Entities keep their table position ([`EntityIndex`]) for the life of the
/// process (a deleted one leaves a dead position until the next snapshot);
/// ids, names and aliases resolve to positions through hash indexes.
/// Relations are numbered ([`RelationIndex`]) in `from` order.
///
/// # Invariants
/// Kept by the code of this module and its `change` and `snapshot`
/// children, the only code that writes the fields, and checked by
/// [`KnowledgeGraph::check_invariants`] after every build, load and batch
/// of changes in debug builds:
/// - `names`, `entity_live`, `entity_kind` and `entity_cold` have one entry
///   per position, and the adjacency rows cover every position;
/// - `relations` has one date per relation, and `cold_slot` is empty (the
///   record of relation `r` is record `r`) or has one entry per relation;
/// - a dead position has no relations, and no index entry leads to it;
/// - the id and name indexes are sorted by hash (those read in place from
///   a snapshot are as the file has them: a lookup compares the text it
///   finds, so a damaged index gives no answer, never a wrong one);
/// - `measures` are those of this graph (a change starts them anew).
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    /// Ids, names and aliases (see [`Self::entity_at`]).
    names: EntityNames,
    entity_live: Vec<bool>,
    /// The kind of each entity, apart from the records for cache-friendly
    /// filtering in traversals.
    entity_kind: Vec<EntityKind>,
    entity_cold: ColdStore,
    relations: RelationTable,
    adjacency: Adjacency,
    /// (hash of id, entity), sorted.
    id_index: Pairs,
    /// (hash of a normalised name or alias, entity), sorted.
    name_index: Pairs,
    /// Snapshot and log generation this graph descends from.
    epoch: u64,
    /// Whole-graph measures, computed on first use.
    measures: Measures,
}

/// The id index files an id under the hash of its ASCII lower case, so
/// that an id typed in another case is found (the text is compared after).
fn hash_id(id: &str) -> u32 {
    hash_text(&id.to_ascii_lowercase())
}

pub(crate) fn hash_text(text: &str) -> u32 {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    // 32 bits keep the index small; every lookup compares the text itself
    (hasher.finish() >> 32) as u32
}

/// The union of two sorted sequences, sorted, each value once.
fn merge_sorted<T: Ord + Copy>(a: impl Iterator<Item = T>, b: impl Iterator<Item = T>, capacity: usize) -> Vec<T> {
    let mut merged: Vec<T> = Vec::with_capacity(capacity);
    let (mut a, mut b) = (a.peekable(), b.peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => break,
        };
        if let Some(value) = next {
            if merged.last() != Some(&value) {
                merged.push(value);
            }
        }
    }
    merged
}

/// The union of sorted `pairs` and sorted `added`, which has none of
/// them: the runs of `pairs` between two added values copied whole.
fn merge_into(pairs: &[(u32, u32)], added: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut merged = Vec::with_capacity(pairs.len() + added.len());
    let mut rest = pairs;
    for &pair in added {
        let before = rest.partition_point(|&p| p < pair);
        merged.extend_from_slice(&rest[..before]);
        merged.push(pair);
        rest = &rest[before..];
    }
    merged.extend_from_slice(rest);
    merged
}

/// Properties as one JSON text, empty for none.
pub(crate) fn props_text(props: &serde_json::Map<String, serde_json::Value>) -> String {
    if props.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(props.clone()).to_string()
    }
}

fn props_from_text(text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    if text.is_empty() {
        return Ok(serde_json::Map::new());
    }
    serde_json::from_str(text).map_err(|e| Error::Serialization(format!("stored props: {e}")))
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).unwrap_or_default()
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T> {
    postcard::from_bytes(bytes).map_err(|e| Error::Serialization(format!("{what} record does not decode: {e}")))
}

/// Splits an entity into its in-memory part (id, kind, name, aliases) and
/// its cold record (profile, props, industries, location).
pub(crate) fn split_entity(entity: Entity) -> (Entity, Vec<u8>) {
    let props = props_text(&entity.props);
    let cold = encode(&EntityCold {
        description: entity.description.as_str(),
        props: props.as_str(),
        industry: entity.industry.iter().map(String::as_str).collect(),
        location: entity.location.as_str(),
    });
    let hot = Entity {
        id: entity.id,
        kind: entity.kind,
        name: entity.name,
        aliases: entity.aliases,
        description: String::new(),
        industry: Vec::new(),
        location: String::new(),
        props: serde_json::Map::new(),
    };
    (hot, cold)
}

impl RelationTable {
    /// Stores the cold record of a relation between entity positions `from`
    /// and `to`; returns the relation ready to be numbered among the others.
    pub(crate) fn place(&mut self, from: EntityIndex, to: EntityIndex, relation: &Relation) -> PlacedRelation {
        let props = if relation.props.is_empty() {
            0
        } else {
            1 + self.props.intern(&props_text(&relation.props))
        };
        let evidence: Vec<(u32, &str)> = relation
            .evidence
            .iter()
            .map(|e| (self.docs.intern(&e.doc), e.quote.as_str()))
            .collect();
        let cold = encode(&RelationCold {
            since: relation.since.as_deref(),
            amount: relation.amount,
            unit: relation.unit.as_deref(),
            props,
            evidence,
        });
        PlacedRelation {
            from,
            to,
            kind: relation.kind,
            since: pack_date(relation.since.as_deref()),
            slot: self.cold.push(&cold),
        }
    }

    /// Where relation `relation`'s cold record is.
    #[inline]
    pub(crate) fn slot(&self, relation: RelationIndex) -> u32 {
        if self.cold_slot.is_empty() {
            relation.get()
        } else {
            self.cold_slot[relation.index()]
        }
    }
}

impl KnowledgeGraph {
    /// Builds the graph from validated records.
    ///
    /// Fails with [`Error::CorruptIndex`] if a relation names an unknown id
    /// (a validated corpus never does).
    pub fn from_records(entities: Vec<Entity>, relations: Vec<Relation>) -> Result<KnowledgeGraph> {
        let position: HashMap<&str, EntityIndex> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), EntityIndex::from_usize(i)))
            .collect();
        if relations.len() > MAX_RELATIONS {
            return Err(Error::CorruptIndex {
                path: Default::default(),
                reason: format!(
                    "{} relations, more than the {MAX_RELATIONS} a graph can hold",
                    relations.len()
                ),
            });
        }
        let mut ends = Vec::with_capacity(relations.len());
        for (index, relation) in relations.iter().enumerate() {
            let end = |id: &str| {
                position.get(id).copied().ok_or_else(|| Error::CorruptIndex {
                    path: Default::default(),
                    reason: format!("relation {index} names unknown entity `{id}`"),
                })
            };
            ends.push((end(&relation.from)?, end(&relation.to)?));
        }
        // relations are numbered in `from` order; records stored in that
        // order are numbered the same
        let mut order: Vec<usize> = (0..relations.len()).collect();
        order.sort_by_key(|&i| ends[i].0);
        let mut table = RelationTable::default();
        let mut first_relation = vec![0u32; entities.len() + 1];
        let (mut to, mut kind, mut since) = (Vec::new(), Vec::new(), Vec::new());
        for &i in &order {
            // records pushed in this order: relation r's record is record r
            let placed = table.place(ends[i].0, ends[i].1, &relations[i]);
            first_relation[placed.from.index() + 1] += 1;
            to.push(placed.to);
            kind.push(placed.kind);
            since.push(placed.since);
        }
        for node in 0..entities.len() {
            first_relation[node + 1] += first_relation[node];
        }
        table.since = Arc::new(since);
        let adjacency = Adjacency::build(first_relation, &to, kind).map_err(|bad| Error::CorruptIndex {
            path: Default::default(),
            reason: bad.0,
        })?;
        drop(position);
        let mut cold = ColdStore::default();
        let mut names = EntityNames::default();
        let mut kinds = Vec::with_capacity(entities.len());
        for entity in entities {
            let (entity, record) = split_entity(entity);
            cold.push(&record);
            names.push(&entity.id, &entity.name, entity.aliases.iter().map(String::as_str));
            kinds.push(entity.kind);
        }
        Ok(KnowledgeGraph::from_parts(
            names, kinds, cold, table, adjacency, 0, None,
        ))
    }

    /// Assembles a graph; builds the id and name indexes over the tables
    /// unless they are given.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        names: EntityNames,
        kinds: Vec<EntityKind>,
        entity_cold: ColdStore,
        relations: RelationTable,
        adjacency: Adjacency,
        epoch: u64,
        indexes: Option<(Pairs, Pairs)>,
    ) -> KnowledgeGraph {
        debug_assert_eq!(names.len(), entity_cold.count());
        debug_assert_eq!(names.len(), kinds.len());
        let mut graph = KnowledgeGraph {
            entity_live: vec![true; names.len()],
            entity_kind: kinds,
            names,
            entity_cold,
            relations,
            adjacency,
            epoch,
            ..Default::default()
        };
        (graph.id_index, graph.name_index) = indexes.unwrap_or_else(|| {
            let all = 0..graph.names.len() as u32;
            (
                Pairs::Owned(Arc::new(graph.index_entries(all.clone(), false))),
                Pairs::Owned(Arc::new(graph.index_entries(all, true))),
            )
        });
        graph.check_invariants();
        graph
    }

    /// Sorted index entries of the live entities among `positions`: by id,
    /// or by every normalised name and alias.
    pub(crate) fn index_entries(&self, positions: std::ops::Range<u32>, names: bool) -> Vec<(u32, u32)> {
        let mut entries: Vec<(u32, u32)> = positions
            .into_par_iter()
            .filter(|&i| self.entity_live[i as usize])
            .flat_map_iter(|i| {
                let entity = self.entity_at(EntityIndex::new(i));
                let hashes: Vec<u32> = if names {
                    entity.names().map(|n| hash_text(&normalize(n))).collect()
                } else {
                    vec![hash_id(entity.id)]
                };
                hashes.into_iter().map(move |h| (h, i))
            })
            .collect();
        entries.par_sort_unstable();
        entries.dedup();
        entries
    }

    /// Replaces the index entries of the entities in `touched` (a flag per
    /// position) with their current ones. Positions from `positions_before`
    /// on are new: the indexes hold nothing for them yet.
    pub(crate) fn reindex(&mut self, touched: &[bool], positions_before: usize) {
        let is_touched = |i: u32| touched.get(i as usize).copied().unwrap_or(false);
        let fresh: Vec<u32> = (0..self.names.len() as u32).filter(|&i| is_touched(i)).collect();
        if fresh.is_empty() {
            return;
        }
        // only new entities: every old entry stays
        let only_new = fresh.iter().all(|&i| i as usize >= positions_before);
        for names in [false, true] {
            let mut added: Vec<(u32, u32)> = fresh
                .iter()
                .flat_map(|&i| self.index_entries(i..i + 1, names))
                .collect();
            added.sort_unstable();
            added.dedup();
            let index = if names { &self.name_index } else { &self.id_index };
            let merged = match index {
                Pairs::Owned(pairs) if only_new => merge_into(pairs, &added),
                _ => {
                    let kept = index.iter().filter(|&(_, i)| !is_touched(i));
                    merge_sorted(kept, added.into_iter(), index.len())
                }
            };
            *(if names {
                &mut self.name_index
            } else {
                &mut self.id_index
            }) = Pairs::Owned(Arc::new(merged));
        }
    }

    /// Number of entity table positions, deleted entities included
    /// (positions run from 0 to this; see [`Self::entity_at`]).
    pub fn entity_slots(&self) -> usize {
        self.names.len()
    }

    /// Number of live entities.
    pub fn entity_count(&self) -> usize {
        self.entity_live.iter().filter(|&&l| l).count()
    }

    /// Positions of the live entities, in table order.
    pub fn live_positions(&self) -> impl Iterator<Item = EntityIndex> + '_ {
        entity_range(self.names.len()).filter(|&i| self.entity_live[i.index()])
    }

    /// Whether the entity at a position is live (not deleted).
    pub fn is_live(&self, entity: EntityIndex) -> bool {
        self.entity_live.get(entity.index()).copied().unwrap_or(false)
    }

    /// Number of relations.
    pub fn relation_count(&self) -> usize {
        self.adjacency.relations()
    }

    /// Numbers of the relations, in `from` order.
    pub fn relation_positions(&self) -> impl DoubleEndedIterator<Item = RelationIndex> + ExactSizeIterator + Clone {
        relation_range(self.adjacency.relations())
    }

    /// Every relation as (number, `from`, `to`) entity positions, in number
    /// order.
    pub fn relation_list(&self) -> impl Iterator<Item = (RelationIndex, EntityIndex, EntityIndex)> + '_ {
        self.adjacency.relation_ends()
    }

    /// The entity positions of a relation's `from` and `to`.
    ///
    /// # Complexity
    /// O(log V).
    pub fn relation_ends(&self, relation: RelationIndex) -> (EntityIndex, EntityIndex) {
        self.adjacency.ends(relation)
    }

    /// The snapshot and log generation this graph descends from: its
    /// write-ahead log follows the snapshot of this epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The measures computed on this graph so far.
    pub(crate) fn measures(&self) -> &Measures {
        &self.measures
    }

    /// Checks the invariants listed on [`KnowledgeGraph`] (in debug builds;
    /// O(V + E)).
    pub(crate) fn check_invariants(&self) {
        if !cfg!(debug_assertions) {
            return;
        }
        let positions = self.names.len();
        debug_assert_eq!(self.entity_live.len(), positions);
        debug_assert_eq!(self.entity_kind.len(), positions);
        debug_assert_eq!(self.entity_cold.count(), positions);
        debug_assert_eq!(self.adjacency.nodes(), positions);
        let relations = self.adjacency.relations();
        debug_assert_eq!(self.relations.since.len(), relations);
        debug_assert!(self.relations.cold_slot.is_empty() || self.relations.cold_slot.len() == relations);
        for entity in entity_range(positions).filter(|&e| !self.is_live(e)) {
            debug_assert_eq!(self.adjacency.degree(entity), 0, "dead position {entity} has relations");
        }
        // indexes read in place from a snapshot are as the file has them
        // (lookups check what they find); those built here are checked
        for index in [&self.id_index, &self.name_index] {
            if !matches!(index, Pairs::Owned(_)) {
                continue;
            }
            let mut previous = None;
            for (hash, entity) in index.iter() {
                debug_assert!(previous <= Some(hash), "an index is out of order");
                debug_assert!(
                    self.is_live(EntityIndex::new(entity)),
                    "an index leads to dead position {entity}"
                );
                previous = Some(hash);
            }
        }
    }

    /// The adjacency rows.
    #[inline]
    pub(crate) fn adjacency(&self) -> &Adjacency {
        &self.adjacency
    }

    /// A relation's `since` packed by `pack_date` (0 when undated), read
    /// without its record.
    #[inline]
    pub(crate) fn packed_since(&self, relation: RelationIndex) -> u32 {
        self.relations.since[relation.index()]
    }

    /// Kind of the relation at a position.
    pub fn relation_kind(&self, relation: RelationIndex) -> RelationKind {
        self.adjacency.kind(relation)
    }

    /// The full relation record at a position.
    pub fn relation(&self, relation: RelationIndex) -> Result<Relation> {
        let (from, to) = self.relation_ends(relation);
        self.relation_between(relation, from, to)
    }

    /// The full record of the relation an adjacency entry of `node` names
    /// (its ends known from the entry, not looked up).
    pub(crate) fn relation_of(&self, entity: EntityIndex, edge: &Edge) -> Result<Relation> {
        let (from, to) = if edge.outgoing {
            (entity, edge.neighbor)
        } else {
            (edge.neighbor, entity)
        };
        self.relation_between(edge.relation, from, to)
    }

    /// The full record of relation `index`, which goes from `from` to `to`.
    pub(crate) fn relation_between(
        &self,
        relation: RelationIndex,
        from: EntityIndex,
        to: EntityIndex,
    ) -> Result<Relation> {
        let bytes = self.relations.cold.get(self.relations.slot(relation))?;
        let cold: RelationCold<String> = decode(&bytes, "relation")?;
        let props = match cold.props {
            0 => serde_json::Map::new(),
            n => props_from_text(self.relations.props.get(n - 1).unwrap_or_default())?,
        };
        Ok(Relation {
            from: self.entity_at(from).id.to_string(),
            to: self.entity_at(to).id.to_string(),
            kind: self.relation_kind(relation),
            since: cold.since,
            amount: cold.amount,
            unit: cold.unit,
            props,
            evidence: cold
                .evidence
                .into_iter()
                .map(|(doc, quote)| Evidence {
                    doc: self.relations.docs.get(doc).unwrap_or_default().to_string(),
                    quote,
                })
                .collect(),
        })
    }

    /// The in-memory part of the entity at a position: id, kind, name and
    /// aliases (a deleted entity keeps its id, with no names).
    pub fn entity_at(&self, entity: EntityIndex) -> EntityHot<'_> {
        self.names.get(entity, self.entity_kind[entity.index()])
    }

    /// The kind of the entity at a position (without reading its names).
    pub fn kind_at(&self, entity: EntityIndex) -> EntityKind {
        self.entity_kind[entity.index()]
    }

    /// The full entity record at a position.
    pub fn entity_record(&self, entity: EntityIndex) -> Result<Entity> {
        let bytes = self.entity_cold.get(entity.get())?;
        let cold: EntityCold<String> = decode(&bytes, "entity")?;
        let hot = self.entity_at(entity);
        Ok(Entity {
            id: hot.id.to_string(),
            kind: hot.kind,
            name: hot.name.to_string(),
            aliases: hot.aliases().map(str::to_string).collect(),
            description: cold.description,
            industry: cold.industry,
            location: cold.location,
            props: props_from_text(&cold.props)?,
        })
    }

    /// The entity positions filed under `hash` in an index (a damaged
    /// snapshot's positions beyond the table are left out).
    fn filed_under<'a>(&'a self, index: &'a Pairs, hash: u32) -> impl Iterator<Item = EntityIndex> + 'a {
        index
            .filed_under(hash)
            .filter(move |&i| (i as usize) < self.names.len())
            .map(EntityIndex::new)
    }

    /// Table position of a live entity by exact id.
    pub(crate) fn position_of_id(&self, id: &str) -> Option<EntityIndex> {
        self.filed_under(&self.id_index, hash_id(id))
            .find(|&i| self.entity_at(i).id == id)
    }

    /// Table positions of the live entities whose id is `id` in any ASCII
    /// case.
    fn positions_of_id_in_any_case(&self, id: &str) -> Vec<EntityIndex> {
        self.filed_under(&self.id_index, hash_id(id))
            .filter(|&i| self.entity_at(i).id.eq_ignore_ascii_case(id))
            .collect()
    }

    /// Looks an entity up by id, then by name, then by alias (names and
    /// aliases compared after normalisation), then by id in another case
    /// (`ENT_GAOCE` for `ent_gaoce`).
    ///
    /// Returns the entity's table index, [`Error::EntityNotFound`], or
    /// [`Error::AmbiguousName`] listing the candidates.
    pub fn resolve(&self, key: &str) -> Result<EntityIndex> {
        let key = key.trim();
        if let Some(index) = self.position_of_id(key) {
            return Ok(index);
        }
        let normalized = normalize(key);
        let holders = self.name_holders(key);
        if holders.is_empty() {
            return match self.positions_of_id_in_any_case(key).as_slice() {
                [single] => Ok(*single),
                [] => Err(Error::entity_not_found(key)),
                several => Err(self.ambiguous(key, several)),
            };
        }
        // A main name beats an alias: `高测股份` names one entity even if
        // another lists it as an alias.
        let by_main_name: Vec<EntityIndex> = holders
            .iter()
            .copied()
            .filter(|&i| normalize(self.entity_at(i).name) == normalized)
            .collect();
        let candidates = if by_main_name.is_empty() { holders } else { by_main_name };
        match candidates.as_slice() {
            [single] => Ok(*single),
            several => Err(self.ambiguous(key, several)),
        }
    }

    /// The live entities that have `name` as their name or an alias
    /// (compared after normalisation).
    pub fn name_holders(&self, name: &str) -> Vec<EntityIndex> {
        let normalized = normalize(name.trim());
        self.filed_under(&self.name_index, hash_text(&normalized))
            .filter(|&i| self.is_live(i) && self.entity_at(i).names().any(|n| normalize(n) == normalized))
            .collect()
    }

    /// The error of a key that names several entities, listing them.
    fn ambiguous(&self, key: &str, candidates: &[EntityIndex]) -> Error {
        Error::AmbiguousName {
            name: key.to_string(),
            candidates: candidates.iter().map(|&i| self.describe(i)).collect(),
        }
    }

    /// An entity as an error message names it: `id (kind name)`.
    pub fn describe(&self, entity: EntityIndex) -> String {
        let e = self.entity_at(entity);
        format!("{} ({} {})", e.id, e.kind.label(), e.name)
    }

    /// Resolves `key` and returns the full entity record.
    pub fn entity(&self, key: &str) -> Result<Entity> {
        self.resolve(key).and_then(|i| self.entity_record(i))
    }

    /// Number of relations an entity takes part in.
    pub fn degree(&self, entity: EntityIndex) -> usize {
        self.adjacency.degree(entity)
    }

    /// Bytes the graph holds in memory, by part.
    pub fn memory(&self) -> GraphMemory {
        let table = &self.relations;
        let mut memory = GraphMemory {
            names: self.names.heap_bytes() + self.entity_kind.capacity() + self.entity_live.capacity(),
            adjacency: self.adjacency.heap_bytes(),
            relations: table.since.capacity() * 4
                + table.cold_slot.capacity() * 4
                + table.docs.heap_bytes()
                + table.props.heap_bytes(),
            record_offsets: self.entity_cold.offset_bytes() + table.cold.offset_bytes(),
            records_in_memory: self.entity_cold.record_bytes() + table.cold.record_bytes(),
            indexes: self.id_index.heap_bytes() + self.name_index.heap_bytes(),
            total: 0,
            mapped: self.names.mapped_bytes() + self.id_index.mapped_bytes() + self.name_index.mapped_bytes(),
        };
        memory.total = memory.names
            + memory.adjacency
            + memory.relations
            + memory.record_offsets
            + memory.records_in_memory
            + memory.indexes;
        memory
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::{entity, relation};

    #[test]
    fn merged_sequences_stay_sorted_without_repeats() {
        let merged = merge_sorted([1, 3, 3, 7].into_iter(), [0, 3, 8].into_iter(), 0);
        assert_eq!(merged, [0, 1, 3, 7, 8]);
        assert_eq!(merge_sorted(std::iter::empty(), [2, 2].into_iter(), 0), [2]);
    }

    #[test]
    fn added_pairs_merge_into_runs_in_order() {
        let pairs = [(1, 0), (3, 2), (3, 5), (9, 1)];
        let added = [(0, 7), (3, 4), (3, 9), (12, 3)];
        let expected = merge_sorted(pairs.iter().copied(), added.iter().copied(), 0);
        assert_eq!(merge_into(&pairs, &added), expected);
        assert_eq!(merge_into(&[], &added), added);
        assert_eq!(merge_into(&pairs, &[]), pairs);
    }

    #[test]
    fn a_loaded_interner_finds_its_texts_when_adding() {
        let mut interner = Interner::from_texts(vec!["doc_a".into(), "doc_b".into()]);
        assert_eq!(interner.get(1), Some("doc_b"));
        assert_eq!(interner.intern("doc_b"), 1);
        assert_eq!(interner.intern("doc_c"), 2);
        assert_eq!(interner.intern("doc_a"), 0);
        assert_eq!(interner.texts().collect::<Vec<_>>(), ["doc_a", "doc_b", "doc_c"]);
        let mut copy = interner.clone();
        assert_eq!(copy.intern("doc_d"), 3);
        assert_eq!(interner.get(3), None, "a copy adds to its own texts");
        assert_eq!((copy.get(3), copy.get(1)), (Some("doc_d"), Some("doc_b")));
    }

    #[test]
    fn resolves_ids_names_and_aliases() {
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("a", EntityKind::Enterprise, "高测股份", &["青岛高测科技股份有限公司"]),
                entity("b", EntityKind::Enterprise, "甲", &["同名"]),
                entity("c", EntityKind::Enterprise, "乙", &["同名"]),
                entity("d", EntityKind::Enterprise, "ＡＢＣ", &[]),
            ],
            vec![],
        )
        .unwrap();
        assert_eq!(graph.resolve("a").unwrap(), EntityIndex::new(0));
        assert_eq!(graph.resolve("高测股份").unwrap(), EntityIndex::new(0));
        assert_eq!(
            graph.resolve(" 青岛高测科技股份有限公司 ").unwrap(),
            EntityIndex::new(0)
        );
        assert_eq!(graph.resolve("abc").unwrap(), EntityIndex::new(3));
        match graph.resolve("同名") {
            Err(Error::AmbiguousName { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(graph.resolve("无此"), Err(Error::EntityNotFound { .. })));
        // an id in another case
        assert_eq!(graph.resolve("A").unwrap(), EntityIndex::new(0));
        assert_eq!(graph.position_of_id("A"), None, "exact lookups stay exact");
    }

    #[test]
    fn records_keep_every_field() {
        let mut first = entity("a", EntityKind::University, "康复大学", &[]);
        first.description = "一所大学".into();
        first
            .props
            .insert("level".into(), serde_json::json!({"rank": 1, "tags": ["x"]}));
        let mut link = relation("a", "b", RelationKind::LocatedIn);
        link.since = Some("2021-06".into());
        link.amount = Some(3.5);
        link.unit = Some("亿元".into());
        link.props.insert("share".into(), serde_json::json!(0.4));
        let graph = KnowledgeGraph::from_records(
            vec![first.clone(), entity("b", EntityKind::Zone, "青岛高新区", &[])],
            vec![link.clone()],
        )
        .unwrap();
        assert_eq!(graph.entity("康复大学").unwrap(), first);
        assert_eq!(graph.names.len(), 2, "only ids, names and aliases are in memory");
        assert_eq!(graph.relation(RelationIndex::new(0)).unwrap(), link);
        let view = graph.entity_view("康复大学").unwrap();
        assert_eq!(view.relations.len(), 1);
        assert_eq!(view.relations[0].direction, crate::model::Direction::Out);
        assert_eq!(view.relations[0].other.id, "b");
        assert_eq!(view.entity, first);
    }
}

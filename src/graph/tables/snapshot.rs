//! The graph's binary snapshot: flat columns that load with bulk copies,
//! and sections a loaded graph reads in place (see `mapped`).
//!
//! Layout (integers little-endian; each section is a `u64` byte length and
//! the bytes):
//! ```text
//! "INNOGRAPH-GRAPH\0"  u32 version
//! header               postcard: epoch, counts, document ids, property texts
//! entity kinds         u8 per entity
//! names text           ids, names and aliases back to back (UTF-8); mapped
//! names marks          u32 per text and one more: where each text starts;
//!                      mapped
//! names first          u32 per entity and one more: the entity's first
//!                      mark (its id, name, then aliases); mapped
//! id index             (hash of the id in ASCII lower case, entity) u32
//!                      pairs, sorted; mapped
//! name index           (hash of a normalised name or alias, entity) u32
//!                      pairs, sorted; mapped
//! entity cold lengths  u32 per entity
//! relation rows       u32 per entity and one more: where the relations
//!                      from each entity start (relations are in `from`
//!                      order)
//! relation to          u32 per relation (entity position)
//! relation kind        u8 per relation
//! relation since       u32 per relation (packed date)
//! relation cold lengths u32 per relation
//! entity cold records  back to back; left in the file and read on demand
//! relation cold records back to back; read into memory
//! ```
//! Only live records are written, renumbered densely.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Interner, KnowledgeGraph, RelationTable};
use crate::graph::adjacency::Adjacency;
use crate::graph::cold::{ColdStore, FileRegion};
use crate::graph::mapped::{map_file, Pairs, Section};
use crate::graph::names::{EntityNames, MappedNames};
use crate::graph::numbering::EntityIndex;
use crate::model::{EntityKind, RelationKind};
use crate::{Error, Result};

const MAGIC: &[u8; 16] = b"INNOGRAPH-GRAPH\0";
const VERSION: u32 = 9;

#[derive(Serialize, Deserialize)]
struct Header {
    epoch: u64,
    entities: u64,
    relations: u64,
    docs: Vec<String>,
    props: Vec<String>,
}

fn section(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(bytes)
}

/// The records `slots` of `store`, back to back, as one section (`lengths`
/// are theirs, from [`ColdStore::lengths`]).
fn write_records(out: &mut impl Write, store: &ColdStore, slots: &[u32], lengths: &[u32], path: &Path) -> Result<()> {
    let io = |e| Error::io(path, e);
    let total: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
    out.write_all(&total.to_le_bytes()).map_err(io)?;
    store.for_each(slots, |bytes| out.write_all(bytes).map_err(io))
}

fn u32s(values: impl Iterator<Item = u32>) -> Vec<u8> {
    values.flat_map(u32::to_le_bytes).collect()
}

fn from_u32s<T>(bytes: &[u8], each: impl Fn(u32) -> T) -> Vec<T> {
    bytes
        .chunks_exact(4)
        .map(|c| each(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

fn serialization(e: postcard::Error) -> Error {
    Error::Serialization(e.to_string())
}

impl KnowledgeGraph {
    /// Writes the binary snapshot of the graph's live records to `path`
    /// atomically: a temporary file, flushed to disk, renamed over `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.save_with_epoch(path, self.epoch)
    }

    pub(crate) fn save_with_epoch(&self, path: &Path, epoch: u64) -> Result<()> {
        crate::durable::write_durably_with(path, |out| self.write_snapshot(out, epoch, path))
    }

    fn write_snapshot(&self, out: &mut impl Write, epoch: u64, path: &Path) -> Result<()> {
        let io = |e| Error::io(path, e);
        // dense positions of the live entities
        let mut renumber = vec![u32::MAX; self.names.len()];
        let live_entities: Vec<EntityIndex> = self.live_positions().collect();
        for (new, &old) in live_entities.iter().enumerate() {
            renumber[old.index()] = new as u32;
        }
        let live_records: Vec<u32> = live_entities.iter().map(|e| e.get()).collect();
        let relations = self.relation_count();
        let table = &self.relations;
        let header = Header {
            epoch,
            entities: live_entities.len() as u64,
            relations: relations as u64,
            docs: table.docs.texts().map(str::to_string).collect(),
            props: table.props.texts().map(str::to_string).collect(),
        };
        out.write_all(MAGIC).map_err(io)?;
        out.write_all(&VERSION.to_le_bytes()).map_err(io)?;
        section(out, &postcard::to_stdvec(&header).map_err(serialization)?).map_err(io)?;
        let kinds: Vec<u8> = live_entities.iter().map(|&i| self.kind_at(i) as u8).collect();
        section(out, &kinds).map_err(io)?;
        let names = self
            .names
            .sections(&live_entities)
            .ok_or_else(|| Error::Serialization("entity names take 4 GiB or more".into()))?;
        section(out, &names.text).map_err(io)?;
        section(out, &u32s(names.marks.into_iter())).map_err(io)?;
        section(out, &u32s(names.first.into_iter())).map_err(io)?;
        drop(names.text);
        for index in [&self.id_index, &self.name_index] {
            // renumbering keeps the order, so the pairs stay sorted
            // (a damaged snapshot's positions beyond the table are left out)
            let pairs = index
                .iter()
                .filter_map(|(h, i)| match renumber.get(i as usize) {
                    Some(&new) if new != u32::MAX => Some([h, new]),
                    _ => None,
                })
                .flatten();
            section(out, &u32s(pairs)).map_err(io)?;
        }
        let entity_lengths = self.entity_cold.lengths(&live_records);
        section(out, &u32s(entity_lengths.iter().copied())).map_err(io)?;
        // dead entities have no relations, so the live ones' rows cover all
        let adjacency = &self.adjacency;
        let first_relation = live_entities
            .iter()
            .map(|&v| adjacency.first_outgoing(v).get())
            .chain([relations as u32]);
        section(out, &u32s(first_relation)).map_err(io)?;
        let to = self.relation_list().map(|(_, _, to)| renumber[to.index()]);
        section(out, &u32s(to)).map_err(io)?;
        let kinds: Vec<u8> = self.relation_positions().map(|r| adjacency.kind(r) as u8).collect();
        section(out, &kinds).map_err(io)?;
        section(out, &u32s(table.since.iter().copied())).map_err(io)?;
        let relation_records: Vec<u32> = self.relation_positions().map(|r| table.slot(r)).collect();
        let relation_lengths = table.cold.lengths(&relation_records);
        section(out, &u32s(relation_lengths.iter().copied())).map_err(io)?;
        write_records(out, &self.entity_cold, &live_records, &entity_lengths, path)?;
        write_records(out, &table.cold, &relation_records, &relation_lengths, path)?;
        Ok(())
    }

    /// Loads a snapshot written by [`KnowledgeGraph::save`]. The cold
    /// records stay in the file, which the graph keeps open; names and the
    /// lookup indexes are read in place.
    pub fn load(path: &Path) -> Result<KnowledgeGraph> {
        let started = std::time::Instant::now();
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let sections = Sections::read(&file, path)?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "snapshot columns read"
        );
        let graph = sections.assemble(file, path)?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            heap_mb = graph.memory().total / 1_000_000,
            "graph assembled"
        );
        crate::heap::release_free_memory();
        Ok(graph)
    }
}

/// What a snapshot holds, as read from its file: the columns decoded, the
/// sections read in place or on demand as (start, length) in the file.
struct Sections {
    header: Header,
    entity_kinds: Vec<u8>,
    names_text: (u64, u64),
    names_marks: (u64, u64),
    names_first: (u64, u64),
    id_index: (u64, u64),
    name_index: (u64, u64),
    entity_lengths: Vec<u32>,
    first_relation: Vec<u32>,
    relation_to: Vec<EntityIndex>,
    relation_kinds: Vec<u8>,
    since: Vec<u32>,
    relation_lengths: Vec<u32>,
    entity_records: (u64, u64),
    relation_records: (u64, u64),
}

fn corrupt(path: &Path, reason: impl Into<String>) -> Error {
    Error::CorruptIndex {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

impl Sections {
    /// Reads the magic, the version and every section in file order.
    fn read(file: &File, path: &Path) -> Result<Sections> {
        let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let mut reader = SectionReader {
            inner: BufReader::with_capacity(1 << 20, file.try_clone().map_err(|e| Error::io(path, e))?),
            position: 0,
            file_len,
            path,
        };
        let mut magic = [0u8; 20];
        reader.read_exact(&mut magic)?;
        if &magic[..16] != MAGIC {
            return Err(corrupt(path, "not a graph snapshot"));
        }
        let version = u32::from_le_bytes([magic[16], magic[17], magic[18], magic[19]]);
        if version != VERSION {
            return Err(corrupt(
                path,
                format!("graph snapshot format {version} is not the supported format {VERSION}"),
            ));
        }
        let header: Header = postcard::from_bytes(&reader.section()?)
            .map_err(|e| corrupt(path, format!("graph snapshot header does not decode: {e}")))?;
        Ok(Sections {
            header,
            entity_kinds: reader.section()?,
            names_text: reader.skip_section()?,
            names_marks: reader.skip_section()?,
            names_first: reader.skip_section()?,
            id_index: reader.skip_section()?,
            name_index: reader.skip_section()?,
            entity_lengths: from_u32s(&reader.section()?, |v| v),
            first_relation: from_u32s(&reader.section()?, |v| v),
            relation_to: from_u32s(&reader.section()?, EntityIndex::new),
            relation_kinds: reader.section()?,
            since: from_u32s(&reader.section()?, |v| v),
            relation_lengths: from_u32s(&reader.section()?, |v| v),
            entity_records: reader.skip_section()?,
            relation_records: reader.skip_section()?,
        })
    }

    /// The graph over these sections, after checking that they agree.
    fn assemble(self, file: File, path: &Path) -> Result<KnowledgeGraph> {
        let map = map_file(&file, path)?;
        let mapped = |(start, len): (u64, u64)| {
            Section::new(&map, start, len).ok_or_else(|| corrupt(path, "graph snapshot is shorter than its sections"))
        };
        let names = EntityNames::mapped(MappedNames {
            text: mapped(self.names_text)?,
            marks: mapped(self.names_marks)?,
            first: mapped(self.names_first)?,
        });
        let (id_index, name_index) = (mapped(self.id_index)?, mapped(self.name_index)?);
        let first_len = self.header.entities.checked_add(1).and_then(|n| n.checked_mul(4));
        if first_len != Some(self.names_first.1) || id_index.bytes().len() % 8 != 0 || name_index.bytes().len() % 8 != 0
        {
            return Err(corrupt(path, "graph snapshot names disagree on their lengths"));
        }
        let kinds = decode_kinds(&self.entity_kinds, EntityKind::ALL)
            .ok_or_else(|| corrupt(path, "unknown entity kind in graph snapshot"))?;
        let n = names.len() as u64;
        let m = self.header.relations as usize;
        if n != self.header.entities
            || kinds.len() as u64 != n
            || self.entity_lengths.len() as u64 != n
            || self.first_relation.len() as u64 != n + 1
            || [
                self.relation_to.len(),
                self.relation_kinds.len(),
                self.since.len(),
                self.relation_lengths.len(),
            ]
            .iter()
            .any(|&len| len != m)
        {
            return Err(corrupt(path, "graph snapshot columns disagree on their lengths"));
        }
        let kind = decode_kinds(&self.relation_kinds, RelationKind::ALL)
            .ok_or_else(|| corrupt(path, "unknown relation kind in graph snapshot"))?;
        let adjacency = Adjacency::build(self.first_relation, &self.relation_to, kind)
            .map_err(|bad| corrupt(path, format!("graph snapshot relations: {}", bad.0)))?;
        drop(self.relation_to);
        let file = Arc::new(file);
        let region = |(base, len)| FileRegion {
            file: file.clone(),
            path: path.to_path_buf(),
            base,
            len,
        };
        let entity_cold = ColdStore::in_file(region(self.entity_records), self.entity_lengths)?;
        let table = RelationTable {
            since: Arc::new(self.since),
            cold_slot: Default::default(),
            cold: ColdStore::in_file(region(self.relation_records), self.relation_lengths)?,
            docs: Interner::from_texts(self.header.docs),
            props: Interner::from_texts(self.header.props),
        };
        let indexes = Some((Pairs::Mapped(id_index), Pairs::Mapped(name_index)));
        Ok(KnowledgeGraph::from_parts(
            names,
            kinds,
            entity_cold,
            table,
            adjacency,
            self.header.epoch,
            indexes,
        ))
    }
}

/// Kinds stored as their number in `all`; `None` if one is unknown.
fn decode_kinds<K: Copy>(bytes: &[u8], all: &[K]) -> Option<Vec<K>> {
    bytes.iter().map(|&b| all.get(b as usize).copied()).collect()
}

/// Reads sections in order, keeping track of the file position.
struct SectionReader<'p> {
    inner: BufReader<File>,
    position: u64,
    file_len: u64,
    path: &'p Path,
}

impl SectionReader<'_> {
    fn truncated(&self) -> Error {
        Error::CorruptIndex {
            path: self.path.to_path_buf(),
            reason: "graph snapshot is truncated".into(),
        }
    }

    fn read_exact(&mut self, buffer: &mut [u8]) -> Result<()> {
        self.inner.read_exact(buffer).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => self.truncated(),
            _ => Error::io(self.path, e),
        })?;
        self.position += buffer.len() as u64;
        Ok(())
    }

    fn length(&mut self) -> Result<u64> {
        let mut bytes = [0u8; 8];
        self.read_exact(&mut bytes)?;
        let length = u64::from_le_bytes(bytes);
        if length > self.file_len.saturating_sub(self.position) {
            return Err(self.truncated());
        }
        Ok(length)
    }

    fn section(&mut self) -> Result<Vec<u8>> {
        let length = self.length()?;
        let mut bytes = vec![0u8; length as usize];
        self.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// Skips a section; returns its (offset, length) in the file.
    fn skip_section(&mut self) -> Result<(u64, u64)> {
        let length = self.length()?;
        let offset = self.position;
        self.inner
            .seek(SeekFrom::Current(length as i64))
            .map_err(|e| Error::io(self.path, e))?;
        self.position += length;
        Ok((offset, length))
    }
}

/// Checks that a cold relation record decodes (used by tests).
#[cfg(test)]
pub(crate) fn decodes(bytes: &[u8]) -> bool {
    postcard::from_bytes::<super::RelationCold<String>>(bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::numbering::{entity_range, relation_range};
    use crate::graph::testing::{entity, relation};

    fn sample() -> KnowledgeGraph {
        let mut first = entity("a", EntityKind::University, "康复大学", &["康大"]);
        first.description = "位于青岛".into();
        first.industry = vec!["生物医药".into(), "医疗器械".into()];
        first.location = "青岛".into();
        first.props.insert("level".into(), serde_json::json!({"rank": 1}));
        let mut link = relation("a", "b", RelationKind::LocatedIn);
        link.since = Some("2020".into());
        link.props.insert("synthetic".into(), serde_json::json!(true));
        KnowledgeGraph::from_records(
            vec![
                first,
                entity("b", EntityKind::Zone, "青岛高新区", &[]),
                entity("c", EntityKind::Enterprise, "丙", &[]),
            ],
            vec![link, relation("c", "b", RelationKind::LocatedIn)],
        )
        .unwrap()
    }

    #[test]
    fn snapshot_round_trip() {
        let graph = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.bin");
        graph.save(&path).unwrap();
        let loaded = KnowledgeGraph::load(&path).unwrap();
        assert_eq!(loaded.entity_slots(), graph.entity_slots());
        assert_eq!(
            loaded.entity_record(EntityIndex::new(0)).unwrap().industry,
            ["生物医药", "医疗器械"]
        );
        assert_eq!(loaded.entity_record(EntityIndex::new(0)).unwrap().aliases, ["康大"]);
        for i in entity_range(3) {
            assert_eq!(loaded.entity_record(i).unwrap(), graph.entity_record(i).unwrap());
        }
        for r in relation_range(2) {
            assert_eq!(loaded.relation(r).unwrap(), graph.relation(r).unwrap());
            assert!(decodes(&loaded.relations.cold.get(r.get()).unwrap()));
        }
        assert_eq!(loaded.entity_view("康大").unwrap(), graph.entity_view("康大").unwrap());
        // a loaded graph saves again, reading its records from the old file
        let again = dir.path().join("again.bin");
        loaded.save(&again).unwrap();
        let reloaded = KnowledgeGraph::load(&again).unwrap();
        assert_eq!(reloaded.entity_view("b").unwrap(), graph.entity_view("b").unwrap());
    }

    #[test]
    fn corrupt_snapshots_are_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.bin");
        std::fs::write(&path, b"\xff\xff\xff\xff garbage").unwrap();
        assert!(matches!(KnowledgeGraph::load(&path), Err(Error::CorruptIndex { .. })));
        sample().save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        for cut in [10, 30, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(
                matches!(KnowledgeGraph::load(&path), Err(Error::CorruptIndex { .. })),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn damaged_bytes_give_errors_or_answers_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.bin");
        sample().save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut loaded = 0;
        for at in 20..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xA5;
            let path = dir.path().join(format!("damaged-{at}.bin"));
            std::fs::write(&path, &damaged).unwrap();
            let Ok(graph) = KnowledgeGraph::load(&path) else {
                continue;
            };
            loaded += 1;
            for key in ["a", "b", "c", "康大", "康复大学", "青岛高新区", "丙"] {
                if let Ok(index) = graph.resolve(key) {
                    let _ = graph.entity_view(key);
                    let _ = graph.neighbors(key, &crate::graph::NeighborsRequest::default());
                    let _ = graph.entity_at(index).names().count();
                }
            }
            for index in entity_range(graph.entity_slots()) {
                let _ = graph.entity_record(index);
            }
            let _ = graph.stats();
            let _ = graph.save(&dir.path().join("saved-again.bin"));
        }
        // damage to names, indexes, dates and records loads, and is read
        // without a panic
        assert!(loaded > 0);
    }
}

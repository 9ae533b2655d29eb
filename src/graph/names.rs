//! The part of every entity held for lookups and display: its id, name and
//! aliases. A loaded graph reads them in place from its snapshot file (see
//! `mapped`); entities added or renamed since are kept in one text arena
//! with a few offsets per entity, instead of a heap string each. Profiles,
//! properties, industries and locations are cold records (see `cold`);
//! kinds are a column of their own.

use std::collections::HashMap;

use super::mapped::Section;
use super::numbering::EntityIndex;
use crate::model::EntityKind;

/// Names of entities `0..len` as a snapshot stores them: entity `i`'s texts
/// are `text[marks[first[i] + k]..marks[first[i] + k + 1]]` for `k` in
/// `0..first[i + 1] - first[i]`, each section little-endian `u32`s.
#[derive(Debug, Clone)]
pub(crate) struct MappedNames {
    pub text: Section,
    pub marks: Section,
    pub first: Section,
}

impl MappedNames {
    fn len(&self) -> usize {
        self.first.u32_count().saturating_sub(1)
    }

    /// Number of texts of the entity at `position`: 0 if the file's marks
    /// do not hold them.
    fn count(&self, position: u32) -> usize {
        let index = position as usize;
        match (self.first.u32_at(index), self.first.u32_at(index + 1)) {
            (Some(a), Some(b)) if a <= b && (b as usize) < self.marks.u32_count() => (b - a) as usize,
            _ => 0,
        }
    }

    /// Text `k` of the entity at `position`; empty if the file does not
    /// hold it.
    fn text_at(&self, position: u32, k: usize) -> &str {
        let at = self.first.u32_at(position as usize).map(|f| f as usize + k);
        let span = at.and_then(|at| Some((self.marks.u32_at(at)? as usize, self.marks.u32_at(at + 1)? as usize)));
        span.and_then(|(start, end)| self.text.bytes().get(start..end))
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

/// The sections of [`MappedNames`] for some entities, to be written.
#[derive(Default)]
pub(crate) struct NameSections {
    pub text: Vec<u8>,
    pub marks: Vec<u32>,
    pub first: Vec<u32>,
}

/// Ids, names and aliases of the entities by table position.
///
/// Positions below the mapped part's length are read from it, unless they
/// were given new texts since. Those and later positions are in an arena:
/// entity `i`'s texts are `text[marks[f + k]..marks[f + k + 1]]` for `k` in
/// `0..c`, where `(f, c)` is its entry in `replaced`, or in `first` and
/// `count` at `i - mapped length`: its id, its name, then its aliases.
/// Replacing an entity appends its texts anew (the old ones stay until the
/// next snapshot).
#[derive(Debug, Clone, Default)]
pub(crate) struct EntityNames {
    mapped: Option<MappedNames>,
    text: String,
    marks: Vec<u32>,
    first: Vec<u32>,
    count: Vec<u16>,
    replaced: HashMap<u32, (u32, u16)>,
}

/// An entity's in-memory part, borrowed from an [`EntityNames`].
#[derive(Debug, Clone, Copy)]
pub struct EntityHot<'a> {
    pub id: &'a str,
    pub kind: EntityKind,
    pub name: &'a str,
    names: &'a EntityNames,
    entity: EntityIndex,
}

impl<'a> EntityHot<'a> {
    /// The aliases, in their recorded order.
    pub fn aliases(&self) -> impl Iterator<Item = &'a str> + 'a {
        let names = self.names;
        let entity = self.entity;
        (2..names.count(entity)).map(move |k| names.text_at(entity, k))
    }

    /// The name, then every alias.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::once(self.name).chain(self.aliases())
    }
}

/// Where an entity's texts are.
enum Place {
    Mapped,
    Arena(u32, u16),
}

impl EntityNames {
    /// The entities of a snapshot, read in place.
    pub(crate) fn mapped(names: MappedNames) -> EntityNames {
        EntityNames {
            mapped: Some(names),
            ..EntityNames::default()
        }
    }

    fn mapped_len(&self) -> usize {
        self.mapped.as_ref().map_or(0, MappedNames::len)
    }

    /// Number of table positions (deleted entities included).
    pub(crate) fn len(&self) -> usize {
        self.mapped_len() + self.first.len()
    }

    #[inline]
    fn place(&self, entity: EntityIndex) -> Place {
        if !self.replaced.is_empty() {
            if let Some(&(first, count)) = self.replaced.get(&entity.get()) {
                return Place::Arena(first, count);
            }
        }
        match entity.index().checked_sub(self.mapped_len()) {
            None => Place::Mapped,
            Some(at) => Place::Arena(self.first[at], self.count[at]),
        }
    }

    fn count(&self, entity: EntityIndex) -> usize {
        match (self.place(entity), &self.mapped) {
            (Place::Arena(_, count), _) => count as usize,
            (Place::Mapped, Some(mapped)) => mapped.count(entity.get()),
            (Place::Mapped, None) => 0,
        }
    }

    fn text_at(&self, entity: EntityIndex, k: usize) -> &str {
        match (self.place(entity), &self.mapped) {
            (Place::Arena(first, count), _) => {
                if k >= count as usize {
                    return "";
                }
                let at = first as usize + k;
                &self.text[self.marks[at] as usize..self.marks[at + 1] as usize]
            }
            (Place::Mapped, Some(mapped)) => mapped.text_at(entity.get(), k),
            (Place::Mapped, None) => "",
        }
    }

    /// Appends the texts of one entity; returns where its marks start.
    fn append<'t>(&mut self, texts: impl IntoIterator<Item = &'t str>) -> (u32, u16) {
        let first = self.marks.len() as u32;
        let mut count = 0u16;
        self.marks.push(self.text.len() as u32);
        for text in texts {
            self.text.push_str(text);
            self.marks.push(self.text.len() as u32);
            count += 1;
        }
        (first, count)
    }

    /// Adds an entity at the next position.
    pub(crate) fn push<'t>(&mut self, id: &'t str, name: &'t str, aliases: impl IntoIterator<Item = &'t str>) {
        let (first, count) = self.append([id, name].into_iter().chain(aliases));
        self.first.push(first);
        self.count.push(count);
    }

    /// Replaces the texts of an entity.
    pub(crate) fn set<'t>(
        &mut self,
        entity: EntityIndex,
        id: &'t str,
        name: &'t str,
        aliases: impl IntoIterator<Item = &'t str>,
    ) {
        let (first, count) = self.append([id, name].into_iter().chain(aliases));
        match entity.index().checked_sub(self.mapped_len()) {
            None => {
                self.replaced.insert(entity.get(), (first, count));
            }
            Some(at) => {
                self.first[at] = first;
                self.count[at] = count;
            }
        }
    }

    /// The entity at a position, of kind `kind`.
    pub(crate) fn get(&self, entity: EntityIndex, kind: EntityKind) -> EntityHot<'_> {
        EntityHot {
            id: self.text_at(entity, 0),
            kind,
            name: self.text_at(entity, 1),
            names: self,
            entity,
        }
    }

    /// The texts of the entities `positions`, in that order, as a snapshot
    /// stores them. `None` if they take 4 GiB or more.
    pub(crate) fn sections(&self, entities: &[EntityIndex]) -> Option<NameSections> {
        let mut sections = NameSections::default();
        sections.marks.push(0);
        for &entity in entities {
            sections.first.push((sections.marks.len() - 1) as u32);
            for k in 0..self.count(entity) {
                sections.text.extend_from_slice(self.text_at(entity, k).as_bytes());
                sections.marks.push(u32::try_from(sections.text.len()).ok()?);
            }
        }
        sections.first.push((sections.marks.len() - 1) as u32);
        Some(sections)
    }

    /// Bytes of texts read in place.
    pub(crate) fn mapped_bytes(&self) -> usize {
        self.mapped.as_ref().map_or(0, |m| {
            m.text.bytes().len() + m.marks.bytes().len() + m.first.bytes().len()
        })
    }

    /// Bytes held in the heap (mapped texts are not counted).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + 4 * self.marks.capacity()
            + 4 * self.first.capacity()
            + 2 * self.count.capacity()
            + self.replaced.capacity() * 12
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_and_replacements_take_over() {
        let mut names = EntityNames::default();
        names.push("a", "甲公司", ["甲", "Jia Co"]);
        names.push("b", "乙", []);
        let a = names.get(EntityIndex::new(0), EntityKind::Enterprise);
        assert_eq!((a.id, a.name), ("a", "甲公司"));
        assert_eq!(a.aliases().collect::<Vec<_>>(), ["甲", "Jia Co"]);
        assert_eq!(a.names().count(), 3);
        assert_eq!(names.get(EntityIndex::new(1), EntityKind::Person).aliases().count(), 0);
        names.set(EntityIndex::new(0), "a", "甲集团", []);
        assert_eq!(names.get(EntityIndex::new(0), EntityKind::Enterprise).name, "甲集团");
        assert_eq!(names.get(EntityIndex::new(1), EntityKind::Person).name, "乙");
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn mapped_names_read_in_place_and_take_changes() {
        let mut names = EntityNames::default();
        names.push("a", "甲", ["甲甲"]);
        names.push("b", "乙", []);
        names.push("c", "丙", ["丙丙", "C"]);
        let sections = names.sections(&[EntityIndex::new(0), EntityIndex::new(2)]).unwrap();
        let mut bytes = sections.text.clone();
        let words = |values: &[u32]| values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
        let marks_at = bytes.len() as u64;
        bytes.extend(words(&sections.marks));
        let first_at = bytes.len() as u64;
        bytes.extend(words(&sections.first));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names");
        std::fs::write(&path, &bytes).unwrap();
        let map = crate::graph::mapped::map_file(&std::fs::File::open(&path).unwrap(), &path).unwrap();
        let section = |start: u64, end: u64| Section::new(&map, start, end - start).unwrap();
        let mut mapped = EntityNames::mapped(MappedNames {
            text: section(0, marks_at),
            marks: section(marks_at, first_at),
            first: section(first_at, bytes.len() as u64),
        });
        assert_eq!(mapped.len(), 2);
        let c = mapped.get(EntityIndex::new(1), EntityKind::Person);
        assert_eq!((c.id, c.name), ("c", "丙"));
        assert_eq!(c.aliases().collect::<Vec<_>>(), ["丙丙", "C"]);
        assert_eq!(
            mapped
                .get(EntityIndex::new(0), EntityKind::Person)
                .aliases()
                .collect::<Vec<_>>(),
            ["甲甲"]
        );
        // added and replaced entities live beside the mapped ones
        mapped.push("d", "丁", ["D"]);
        mapped.set(EntityIndex::new(0), "a", "甲新", []);
        assert_eq!(mapped.len(), 3);
        assert_eq!(mapped.get(EntityIndex::new(0), EntityKind::Person).name, "甲新");
        assert_eq!(mapped.get(EntityIndex::new(0), EntityKind::Person).aliases().count(), 0);
        assert_eq!(
            mapped
                .get(EntityIndex::new(2), EntityKind::Person)
                .names()
                .collect::<Vec<_>>(),
            ["丁", "D"]
        );
        assert_eq!(mapped.get(EntityIndex::new(1), EntityKind::Person).name, "丙");
        // a position the file does not hold reads as empty, without a panic
        let short = EntityNames::mapped(MappedNames {
            text: section(0, 2),
            marks: section(marks_at, marks_at + 8),
            first: section(first_at, bytes.len() as u64),
        });
        assert_eq!(short.get(EntityIndex::new(1), EntityKind::Person).name, "");
        // the sections of mapped and added entities come out whole again
        let again = mapped.sections(&[EntityIndex::new(2), EntityIndex::new(1)]).unwrap();
        assert_eq!(again.first, [0, 3, 7]);
        assert_eq!(&again.text, "d丁Dc丙丙丙C".as_bytes());
    }
}

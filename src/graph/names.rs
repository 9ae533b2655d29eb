//! The part of every entity held in memory: its id, name and aliases, all
//! in one text arena with a few offsets per entity, instead of a heap
//! string each. Profiles, properties, industries and locations are cold
//! records (see `cold`); kinds are a column of their own.

use crate::model::EntityKind;

/// Ids, names and aliases of the entities by table position.
///
/// Entity `i`'s texts are `text[marks[first[i] + k]..marks[first[i] + k + 1]]`
/// for `k` in `0..count[i]`: its id, its name, then its aliases. Replacing
/// an entity appends its texts anew (the old ones stay until the next
/// snapshot).
#[derive(Debug, Clone, Default)]
pub(crate) struct EntityNames {
    text: String,
    marks: Vec<u32>,
    first: Vec<u32>,
    count: Vec<u16>,
}

/// An entity's in-memory part, borrowed from an [`EntityNames`].
#[derive(Debug, Clone, Copy)]
pub struct EntityHot<'a> {
    pub id: &'a str,
    pub kind: EntityKind,
    pub name: &'a str,
    names: &'a EntityNames,
    index: u32,
}

impl<'a> EntityHot<'a> {
    /// The aliases, in their recorded order.
    pub fn aliases(&self) -> impl Iterator<Item = &'a str> + 'a {
        let names = self.names;
        let index = self.index;
        (2..names.count[index as usize] as usize).map(move |k| names.text_at(index, k))
    }

    /// The name, then every alias.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::once(self.name).chain(self.aliases())
    }
}

impl EntityNames {
    /// Number of table positions (deleted entities included).
    pub(crate) fn len(&self) -> usize {
        self.first.len()
    }

    fn text_at(&self, index: u32, k: usize) -> &str {
        let at = self.first[index as usize] as usize + k;
        &self.text[self.marks[at] as usize..self.marks[at + 1] as usize]
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

    /// Replaces the texts of the entity at `index`.
    pub(crate) fn set<'t>(
        &mut self,
        index: u32,
        id: &'t str,
        name: &'t str,
        aliases: impl IntoIterator<Item = &'t str>,
    ) {
        let (first, count) = self.append([id, name].into_iter().chain(aliases));
        self.first[index as usize] = first;
        self.count[index as usize] = count;
    }

    /// The entity at `index`, of kind `kind`.
    pub(crate) fn get(&self, index: u32, kind: EntityKind) -> EntityHot<'_> {
        EntityHot {
            id: self.text_at(index, 0),
            kind,
            name: self.text_at(index, 1),
            names: self,
            index,
        }
    }

    /// The entities of `parts`, one after the other, in an arena of
    /// exactly their size.
    pub(crate) fn concat<'p>(parts: impl Iterator<Item = &'p EntityNames> + Clone) -> EntityNames {
        let sum = |size: fn(&EntityNames) -> usize| parts.clone().map(size).sum::<usize>();
        let mut joined = EntityNames {
            text: String::with_capacity(sum(|p| p.text.len())),
            marks: Vec::with_capacity(sum(|p| p.marks.len())),
            first: Vec::with_capacity(sum(|p| p.first.len())),
            count: Vec::with_capacity(sum(|p| p.count.len())),
        };
        for part in parts {
            let text_base = joined.text.len() as u32;
            let mark_base = joined.marks.len() as u32;
            joined.text.push_str(&part.text);
            joined.marks.extend(part.marks.iter().map(|&m| text_base + m));
            joined.first.extend(part.first.iter().map(|&f| mark_base + f));
            joined.count.extend_from_slice(&part.count);
        }
        joined
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + 4 * self.marks.capacity() + 4 * self.first.capacity() + 2 * self.count.capacity()
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
        let a = names.get(0, EntityKind::Enterprise);
        assert_eq!((a.id, a.name), ("a", "甲公司"));
        assert_eq!(a.aliases().collect::<Vec<_>>(), ["甲", "Jia Co"]);
        assert_eq!(a.names().count(), 3);
        assert_eq!(names.get(1, EntityKind::Person).aliases().count(), 0);
        names.set(0, "a", "甲集团", []);
        assert_eq!(names.get(0, EntityKind::Enterprise).name, "甲集团");
        assert_eq!(names.get(1, EntityKind::Person).name, "乙");
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn joined_arenas_keep_every_entity() {
        let mut a = EntityNames::default();
        a.push("a", "甲", ["甲甲"]);
        a.push("b", "乙", []);
        let mut b = EntityNames::default();
        b.push("c", "丙", ["丙丙", "C"]);
        let joined = EntityNames::concat([&a, &b].into_iter());
        assert_eq!(joined.len(), 3);
        let c = joined.get(2, EntityKind::Person);
        assert_eq!((c.id, c.name), ("c", "丙"));
        assert_eq!(c.aliases().collect::<Vec<_>>(), ["丙丙", "C"]);
        assert_eq!(joined.get(1, EntityKind::Person).name, "乙");
        assert_eq!(
            joined.get(0, EntityKind::Person).aliases().collect::<Vec<_>>(),
            ["甲甲"]
        );
        assert_eq!(joined.text.capacity(), joined.text.len());
    }
}

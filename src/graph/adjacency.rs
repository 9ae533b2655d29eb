//! The graph's relations and their traversal form: compressed sparse rows
//! over the undirected view, both directions of every node in one
//! contiguous run (outgoing first, then incoming). Relations are numbered
//! in `from` order, so the outgoing relations of a node are a range of
//! numbers: an outgoing entry is only its neighbour (its relation is its
//! place in the row), and a relation's ends follow from its number. An
//! incoming entry also keeps its relation's number and kind. Every
//! traversal (paths, neighbourhoods, PageRank, clusters, common neighbours)
//! reads these rows.

use std::sync::Arc;

use super::numbering::{entity_range, EntityIndex, RelationIndex};
use crate::model::RelationKind;

/// Low bits of an incoming entry's relation word that hold the relation's
/// kind.
const KIND_BITS: u32 = 5;
const _: () = assert!(RelationKind::ALL.len() <= 1 << KIND_BITS);

/// The kind packed in the low bits of an incoming entry's relation word.
#[inline]
fn kind_of_word(word: u32) -> RelationKind {
    RelationKind::ALL[(word & ((1 << KIND_BITS) - 1)) as usize]
}

/// The most relations a graph can hold: what the relation word has room
/// for next to the kind.
pub const MAX_RELATIONS: usize = (1 << (32 - KIND_BITS)) - 1;

/// One entry of a node's run: a relation seen from that node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub neighbor: EntityIndex,
    pub relation: RelationIndex,
    pub kind: RelationKind,
    /// Whether the node is the relation's `from`.
    pub outgoing: bool,
}

/// The relations, numbered in `from` order, as compressed sparse rows of
/// the undirected view of the graph, with the direction of each entry kept.
/// The entry arrays are shared between copies (a graph is copied to take
/// a change, and most changes replace them or leave them alone).
///
/// Node `v`'s run is `offsets[v]..offsets[v + 1]`: first one entry per
/// relation `first_relation[v]..first_relation[v + 1]` (those going from
/// `v`), then its incoming entries. Since `offsets[v]` counts
/// `first_relation[v]` outgoing entries before `v`, the incoming entry at
/// position `p` of `v`'s run is `incoming[p - first_relation[v + 1]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Adjacency {
    offsets: Arc<Vec<u32>>,
    first_relation: Arc<Vec<u32>>,
    neighbor: Arc<Vec<EntityIndex>>,
    /// Relation word of each incoming entry: the relation's number shifted
    /// left by [`KIND_BITS`], and its kind.
    incoming: Arc<Vec<u32>>,
    /// Kind of each relation.
    kind: Arc<Vec<RelationKind>>,
}

/// How a batch renumbers the relations: the old ones it drops, and where
/// each added one goes among the old ones.
#[derive(Debug, Clone, Default)]
pub(crate) struct Renumbering {
    /// For each added relation, in the order they are numbered, the old
    /// number it goes before (see [`Adjacency::insert_point`]);
    /// nondecreasing.
    pub insert_at: Vec<RelationIndex>,
    /// Old numbers dropped, sorted, each once.
    pub deleted: Vec<RelationIndex>,
}

impl Renumbering {
    /// The new number of old relation `old` (which must not be dropped).
    #[inline]
    pub(crate) fn new_number(&self, old: RelationIndex) -> RelationIndex {
        let inserted_before = self.insert_at.partition_point(|&at| at <= old) as u32;
        let dropped_before = self.deleted.partition_point(|&d| d < old) as u32;
        RelationIndex::new(old.get() + inserted_before - dropped_before)
    }

    /// The number of the `index`th added relation.
    pub(crate) fn added_number(&self, index: usize) -> RelationIndex {
        let at = self.insert_at[index];
        RelationIndex::new(at.get() + index as u32 - self.deleted.partition_point(|&d| d < at) as u32)
    }

    /// A column by relation after the batch: `old` without the dropped
    /// relations, with `added(i)` in the place of the `i`th added one.
    pub(crate) fn splice<T: Copy>(&self, old: &[T], added: impl Fn(usize) -> T) -> Vec<T> {
        self.splice_with(old.len(), |spliced, kept| spliced.extend_from_slice(&old[kept]), added)
    }

    /// [`Renumbering::splice`] of a column of `old_len` values that
    /// `copy` appends, a range of old positions at a time.
    pub(crate) fn splice_with<T>(
        &self,
        old_len: usize,
        mut copy: impl FnMut(&mut Vec<T>, std::ops::Range<usize>),
        added: impl Fn(usize) -> T,
    ) -> Vec<T> {
        let mut spliced = Vec::with_capacity(old_len + self.insert_at.len() - self.deleted.len());
        let (mut at, mut next_insert, mut next_delete) = (0usize, 0usize, 0usize);
        loop {
            let insert = self.insert_at.get(next_insert).map_or(usize::MAX, |&i| i.index());
            let delete = self.deleted.get(next_delete).map_or(usize::MAX, |&d| d.index());
            let until = insert.min(delete).min(old_len);
            copy(&mut spliced, at..until);
            at = until;
            if insert == at {
                // an added relation goes before the old one at its place
                spliced.push(added(next_insert));
                next_insert += 1;
            } else if delete == at {
                at += 1;
                next_delete += 1;
            } else {
                break;
            }
        }
        spliced
    }
}

/// Old relation numbers per block of [`Shifts`].
const SHIFT_BLOCK_BITS: u32 = 12;

/// [`Renumbering::new_number`] for every old relation of a splice: the
/// old numbers are cut in blocks, and the numbers of a block no insertion
/// point or dropped number falls in all move by the same shift, looked up
/// at once; the few other blocks search as `new_number` does.
pub(crate) struct Shifts<'r> {
    renumbering: &'r Renumbering,
    /// The shift of each block, or [`Shifts::SEARCH`] for a block whose
    /// numbers do not all move alike.
    block_shift: Vec<i32>,
}

impl<'r> Shifts<'r> {
    const SEARCH: i32 = i32::MIN;

    /// The shifts of the `old_len` old relations under `renumbering`.
    pub(crate) fn new(renumbering: &'r Renumbering, old_len: usize) -> Shifts<'r> {
        let blocks = (old_len >> SHIFT_BLOCK_BITS) + 1;
        let mut block_shift = vec![0i32; blocks];
        let marks = renumbering.insert_at.iter().chain(&renumbering.deleted);
        for relation in marks {
            if let Some(shift) = block_shift.get_mut(relation.index() >> SHIFT_BLOCK_BITS) {
                *shift = Self::SEARCH;
            }
        }
        for (block, shift) in block_shift.iter_mut().enumerate() {
            if *shift != Self::SEARCH {
                let first = RelationIndex::from_usize(block << SHIFT_BLOCK_BITS);
                *shift = renumbering.new_number(first).get() as i32 - first.get() as i32;
            }
        }
        Shifts {
            renumbering,
            block_shift,
        }
    }

    /// The new number of old relation `old` (which must not be dropped).
    #[inline]
    pub(crate) fn new_number(&self, old: RelationIndex) -> RelationIndex {
        match self.block_shift[old.index() >> SHIFT_BLOCK_BITS] {
            Self::SEARCH => self.renumbering.new_number(old),
            shift => RelationIndex::new(old.get().wrapping_add_signed(shift)),
        }
    }
}

/// Why relation rows could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadRows(pub String);

impl Adjacency {
    /// Builds the rows of `first_relation.len() - 1` nodes: the relations
    /// going from node `v` are `first_relation[v]..first_relation[v + 1]`,
    /// relation `r` goes to `to[r]` and is of kind `kind[r]`.
    pub(crate) fn build(
        first_relation: Vec<u32>,
        to: &[EntityIndex],
        kind: Vec<RelationKind>,
    ) -> Result<Adjacency, BadRows> {
        let relations = to.len();
        if kind.len() != relations {
            return Err(BadRows(format!("{relations} relation ends but {} kinds", kind.len())));
        }
        if relations > MAX_RELATIONS {
            return Err(BadRows(format!(
                "{relations} relations, more than the {MAX_RELATIONS} a graph can hold"
            )));
        }
        let Some(nodes) = first_relation.len().checked_sub(1) else {
            return Err(BadRows("no row starts".into()));
        };
        if first_relation[0] != 0
            || first_relation[nodes] as usize != relations
            || first_relation.windows(2).any(|w| w[0] > w[1])
        {
            return Err(BadRows(
                "row starts are not an increasing cover of the relations".into(),
            ));
        }
        let mut in_len = vec![0u32; nodes];
        for &end in to {
            let Some(count) = in_len.get_mut(end.index()) else {
                return Err(BadRows(format!(
                    "a relation goes to node {end}, beyond the {nodes} nodes"
                )));
            };
            *count += 1;
        }
        // offsets[v] = outgoing entries before v + incoming entries before v
        let mut offsets = Vec::with_capacity(nodes + 1);
        // each node's next free incoming slot, counted in `incoming`
        let mut cursor = Vec::with_capacity(nodes);
        let mut incoming_before = 0u32;
        for node in 0..nodes {
            offsets.push(first_relation[node] + incoming_before);
            cursor.push(incoming_before);
            incoming_before += in_len[node];
        }
        offsets.push(first_relation[nodes] + incoming_before);
        drop(in_len);
        let mut neighbor = vec![EntityIndex::default(); 2 * relations];
        let mut incoming = vec![0u32; relations];
        for node in 0..nodes {
            let (first, end) = (first_relation[node], first_relation[node + 1]);
            let base = offsets[node] - first;
            for relation in first..end {
                let other = to[relation as usize];
                neighbor[(base + relation) as usize] = other;
                let slot = cursor[other.index()];
                cursor[other.index()] += 1;
                neighbor[(first_relation[other.index() + 1] + slot) as usize] = EntityIndex::from_usize(node);
                incoming[slot as usize] = relation << KIND_BITS | kind[relation as usize] as u32;
            }
        }
        Ok(Adjacency {
            offsets: Arc::new(offsets),
            first_relation: Arc::new(first_relation),
            neighbor: Arc::new(neighbor),
            incoming: Arc::new(incoming),
            kind: Arc::new(kind),
        })
    }

    /// Number of nodes the rows cover.
    pub(crate) fn nodes(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of relations.
    pub(crate) fn relations(&self) -> usize {
        self.kind.len()
    }

    /// Relations a node takes part in, both directions.
    #[inline]
    pub(crate) fn degree(&self, node: EntityIndex) -> usize {
        let node = node.index();
        (self.offsets[node + 1] - self.offsets[node]) as usize
    }

    /// Numbers of the relations going from a node.
    #[inline]
    fn outgoing(&self, node: EntityIndex) -> std::ops::Range<u32> {
        let node = node.index();
        self.first_relation[node]..self.first_relation[node + 1]
    }

    /// Number of the first relation going from a node (of the next node's
    /// first when it has none).
    #[inline]
    pub(crate) fn first_outgoing(&self, node: EntityIndex) -> RelationIndex {
        RelationIndex::new(self.first_relation[node.index()])
    }

    /// Positions of a node's entries.
    #[inline]
    pub(crate) fn range(&self, node: EntityIndex) -> std::ops::Range<usize> {
        let node = node.index();
        self.offsets[node] as usize..self.offsets[node + 1] as usize
    }

    /// Positions of a node's outgoing entries.
    #[inline]
    pub(crate) fn outgoing_positions(&self, node: EntityIndex) -> std::ops::Range<usize> {
        let start = self.offsets[node.index()] as usize;
        start..start + self.outgoing(node).len()
    }

    /// Positions of a node's incoming entries.
    #[inline]
    pub(crate) fn incoming_positions(&self, node: EntityIndex) -> std::ops::Range<usize> {
        let all = self.range(node);
        all.start + self.outgoing(node).len()..all.end
    }

    /// The neighbours of a node over all its relations, both directions, a
    /// neighbour once per relation.
    #[inline]
    pub(crate) fn neighbors(&self, node: EntityIndex) -> &[EntityIndex] {
        &self.neighbor[self.range(node)]
    }

    /// Whether the entry at `position` of `node` is outgoing; if so, its
    /// relation, else where its word is in `incoming`.
    #[inline]
    fn locate(&self, node: EntityIndex, position: usize) -> Result<RelationIndex, usize> {
        let node = node.index();
        let out_end = self.first_relation[node + 1] as usize;
        let relation = position - self.offsets[node] as usize + self.first_relation[node] as usize;
        if relation < out_end {
            Ok(RelationIndex::from_usize(relation))
        } else {
            Err(position - out_end)
        }
    }

    /// The entry at `position` (from [`Adjacency::range`]) of `node`.
    #[inline]
    pub(crate) fn entry(&self, node: EntityIndex, position: usize) -> Edge {
        let neighbor = self.neighbor[position];
        match self.locate(node, position) {
            Ok(relation) => Edge {
                neighbor,
                relation,
                kind: self.kind[relation.index()],
                outgoing: true,
            },
            Err(slot) => {
                let word = self.incoming[slot];
                Edge {
                    neighbor,
                    relation: RelationIndex::new(word >> KIND_BITS),
                    kind: kind_of_word(word),
                    outgoing: false,
                }
            }
        }
    }

    /// Every relation of a node, outgoing first.
    pub(crate) fn edges(&self, node: EntityIndex) -> impl Iterator<Item = Edge> + '_ {
        self.range(node).map(move |position| self.entry(node, position))
    }

    /// Kind of the entry at `position` of `node`.
    #[inline]
    pub(crate) fn kind_at(&self, node: EntityIndex, position: usize) -> RelationKind {
        match self.locate(node, position) {
            Ok(relation) => self.kind[relation.index()],
            Err(slot) => kind_of_word(self.incoming[slot]),
        }
    }

    /// Number of the relation of the entry at `position` of `node`.
    #[inline]
    pub(crate) fn relation_at(&self, node: EntityIndex, position: usize) -> RelationIndex {
        match self.locate(node, position) {
            Ok(relation) => relation,
            Err(slot) => RelationIndex::new(self.incoming[slot] >> KIND_BITS),
        }
    }

    /// Neighbour of the entry at `position`.
    #[inline]
    pub(crate) fn neighbor_at(&self, position: usize) -> EntityIndex {
        self.neighbor[position]
    }

    /// Kind of a relation.
    #[inline]
    pub(crate) fn kind(&self, relation: RelationIndex) -> RelationKind {
        self.kind[relation.index()]
    }

    /// The `from` and `to` nodes of a relation.
    pub(crate) fn ends(&self, relation: RelationIndex) -> (EntityIndex, EntityIndex) {
        let number = relation.get();
        let from = self.first_relation.partition_point(|&first| first <= number) - 1;
        let to = self.neighbor[(self.offsets[from] + number - self.first_relation[from]) as usize];
        (EntityIndex::from_usize(from), to)
    }

    /// The relations going from a node as (number, to), in number order.
    #[inline]
    pub(crate) fn outgoing_ends(&self, node: EntityIndex) -> impl Iterator<Item = (RelationIndex, EntityIndex)> + '_ {
        let start = self.offsets[node.index()] as usize;
        let relations = self.outgoing(node);
        let ends = &self.neighbor[start..start + relations.len()];
        relations.map(RelationIndex::new).zip(ends.iter().copied())
    }

    /// Adds nodes without relations until the rows cover `nodes` nodes.
    pub(crate) fn add_nodes(&mut self, nodes: usize) {
        if let (Some(&offset), Some(&first)) = (self.offsets.last(), self.first_relation.last()) {
            Arc::make_mut(&mut self.offsets).resize(nodes + 1, offset);
            Arc::make_mut(&mut self.first_relation).resize(nodes + 1, first);
        } else {
            self.offsets = Arc::new(vec![0; nodes + 1]);
            self.first_relation = Arc::new(vec![0; nodes + 1]);
        }
    }

    /// Every relation as (number, from, to), in number order.
    pub(crate) fn relation_ends(&self) -> impl Iterator<Item = (RelationIndex, EntityIndex, EntityIndex)> + '_ {
        entity_range(self.nodes())
            .flat_map(move |from| self.outgoing_ends(from).map(move |(relation, to)| (relation, from, to)))
    }

    /// Where a relation added from `from` goes among the old ones: after
    /// the relations going from `from` (before those of the next node).
    pub(crate) fn insert_point(&self, from: EntityIndex) -> RelationIndex {
        let next = from.index() + 1;
        RelationIndex::new(
            self.first_relation
                .get(next)
                .copied()
                .unwrap_or(self.relations() as u32),
        )
    }

    /// The rows after a batch of changes, built by copying the rows of the
    /// nodes it leaves alone and rebuilding only the others: `nodes` nodes
    /// (at least as many as now), the relations `renumbering` drops left out
    /// and `added` (in the order of `renumbering`) put in.
    ///
    /// # Complexity
    /// O(V + E) sequential copying, plus O(d log d) for the d entries of the
    /// nodes the batch touches; the same rows [`Adjacency::build`] gives.
    pub(crate) fn spliced(
        &self,
        nodes: usize,
        added: &[(EntityIndex, EntityIndex, RelationKind)],
        renumbering: &Renumbering,
    ) -> Adjacency {
        let old_nodes = self.nodes();
        debug_assert!(nodes >= old_nodes);
        let old_relations = self.relations() as u32;
        let deleted = &renumbering.deleted;
        let is_deleted = |relation: RelationIndex| deleted.binary_search(&relation).is_ok();
        let shifts = Shifts::new(renumbering, old_relations as usize);
        let renumber = |word: u32| {
            shifts.new_number(RelationIndex::new(word >> KIND_BITS)).get() << KIND_BITS
                | (word & ((1 << KIND_BITS) - 1))
        };
        // the nodes whose rows change
        let mut changed: Vec<EntityIndex> = added.iter().flat_map(|&(from, to, _)| [from, to]).collect();
        for &relation in deleted {
            let (from, to) = self.ends(relation);
            changed.extend([from, to]);
        }
        changed.sort_unstable();
        changed.dedup();
        // added relations by their `to`, in number order
        let mut by_to: Vec<usize> = (0..added.len()).collect();
        by_to.sort_by_key(|&i| (added[i].1, renumbering.added_number(i)));

        let old_first = |v: usize| {
            if v < old_nodes {
                self.first_relation[v]
            } else {
                old_relations
            }
        };
        let old_offset = |v: usize| {
            if v < old_nodes {
                self.offsets[v]
            } else {
                2 * old_relations
            }
        };
        let in_before = |v: usize| old_offset(v) - old_first(v);
        let mut offsets = Vec::with_capacity(nodes + 1);
        let mut first_relation = Vec::with_capacity(nodes + 1);
        let new_relations = self.relations() + added.len() - deleted.len();
        let mut neighbor = Vec::with_capacity(2 * new_relations);
        let mut incoming = Vec::with_capacity(new_relations);
        // rows of nodes `from..to` (below `old_nodes`) copied as they are,
        // their incoming words renumbered
        let copy = |from: usize, to: usize, neighbor: &mut Vec<EntityIndex>, incoming: &mut Vec<u32>| {
            let (from, to) = (from.min(old_nodes), to.min(old_nodes));
            if from < to {
                neighbor.extend_from_slice(&self.neighbor[old_offset(from) as usize..old_offset(to) as usize]);
                let words = &self.incoming[in_before(from) as usize..in_before(to) as usize];
                incoming.extend(words.iter().map(|&w| renumber(w)));
            }
        };
        let mut copied_up_to = 0usize;
        let mut next_changed = changed.iter().peekable();
        let (mut added_from, mut added_to) = (0usize, 0usize);
        for node in 0..nodes {
            // where the node's row starts: what the rows before it hold now
            // (the rows from `copied_up_to` on are still to be copied whole)
            offsets.push(neighbor.len() as u32 + old_offset(node) - old_offset(copied_up_to));
            let written = (neighbor.len() - incoming.len()) as u32;
            first_relation.push(written + old_first(node) - old_first(copied_up_to));
            if next_changed.next_if(|&&c| c.index() == node).is_none() {
                continue;
            }
            copy(copied_up_to, node, &mut neighbor, &mut incoming);
            copied_up_to = node + 1;
            *offsets.last_mut().expect("pushed") = neighbor.len() as u32;
            *first_relation.last_mut().expect("pushed") = (neighbor.len() - incoming.len()) as u32;
            // outgoing: the old ones left, then the added ones
            if node < old_nodes {
                let start = old_offset(node) as usize;
                let out_len = self.outgoing(EntityIndex::from_usize(node)).len();
                for (j, &to) in self.neighbor[start..start + out_len].iter().enumerate() {
                    if !is_deleted(RelationIndex::new(old_first(node) + j as u32)) {
                        neighbor.push(to);
                    }
                }
            }
            while added_from < added.len() && added[added_from].0.index() == node {
                neighbor.push(added[added_from].1);
                added_from += 1;
            }
            // incoming: the old ones left and the added ones, in number order
            let mut entries: Vec<(EntityIndex, u32)> = Vec::new();
            if node < old_nodes {
                let out_len = self.outgoing(EntityIndex::from_usize(node)).len();
                let start = old_offset(node) as usize + out_len;
                let words = &self.incoming[in_before(node) as usize..in_before(node + 1) as usize];
                for (j, &word) in words.iter().enumerate() {
                    if !is_deleted(RelationIndex::new(word >> KIND_BITS)) {
                        entries.push((self.neighbor[start + j], renumber(word)));
                    }
                }
            }
            while added_to < by_to.len() && added[by_to[added_to]].1.index() == node {
                let i = by_to[added_to];
                let word = renumbering.added_number(i).get() << KIND_BITS | added[i].2 as u32;
                entries.push((added[i].0, word));
                added_to += 1;
            }
            entries.sort_by_key(|&(_, word)| word >> KIND_BITS);
            for (other, word) in entries {
                neighbor.push(other);
                incoming.push(word);
            }
        }
        copy(copied_up_to, old_nodes, &mut neighbor, &mut incoming);
        offsets.push(neighbor.len() as u32);
        first_relation.push((neighbor.len() - incoming.len()) as u32);
        debug_assert_eq!((neighbor.len(), incoming.len()), (2 * new_relations, new_relations));
        Adjacency {
            offsets: Arc::new(offsets),
            first_relation: Arc::new(first_relation),
            neighbor: Arc::new(neighbor),
            incoming: Arc::new(incoming),
            kind: Arc::new(renumbering.splice(&self.kind[..], |i| added[i].2)),
        }
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.first_relation.capacity() + self.neighbor.capacity() + self.incoming.capacity())
            * 4
            + self.kind.capacity()
    }
}

/// A set of relation kinds as a bit mask; empty means every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KindMask(u64);

impl KindMask {
    pub(crate) fn of(kinds: &[RelationKind]) -> KindMask {
        debug_assert!(RelationKind::ALL.len() <= 64);
        if kinds.is_empty() {
            return KindMask(u64::MAX);
        }
        KindMask(kinds.iter().fold(0u64, |mask, &k| mask | 1 << (k as u8)))
    }

    #[inline]
    pub(crate) fn contains(self, kind: RelationKind) -> bool {
        self.0 & (1 << (kind as u8)) != 0
    }

    pub(crate) fn is_all(self) -> bool {
        self.0 == u64::MAX
    }
}

/// A `YYYY[-MM[-DD]]` date as one comparable number, `YYYYMMDD` with the
/// missing parts as zero, so that comparing numbers compares dates the way
/// comparing the texts does (`2021` is before `2021-06`). Zero: no date, or
/// a text of another form.
pub(crate) fn pack_date(date: Option<&str>) -> u32 {
    let Some(date) = date else {
        return 0;
    };
    let mut parts = date.trim().splitn(3, '-');
    let mut number = 0u32;
    for (scale, width) in [(10_000u32, 4usize), (100, 2), (1, 2)] {
        match parts.next() {
            Some(part) if part.len() == width && part.bytes().all(|b| b.is_ascii_digit()) => {
                number += part.parse::<u32>().unwrap_or(0) * scale;
            }
            Some(_) => return 0,
            None => break,
        }
    }
    number
}

#[cfg(test)]
mod tests {
    use super::*;
    use RelationKind::*;

    fn e(number: u32) -> EntityIndex {
        EntityIndex::new(number)
    }

    fn r(number: u32) -> RelationIndex {
        RelationIndex::new(number)
    }

    fn ends(numbers: &[u32]) -> Vec<EntityIndex> {
        numbers.iter().copied().map(e).collect()
    }

    /// 0 → 1 Founded, 0 → 2 InvestsIn, 2 → 0 Mentions, 2 → 1 LocatedIn.
    fn rows() -> Adjacency {
        Adjacency::build(
            vec![0, 2, 2, 4],
            &ends(&[1, 2, 0, 1]),
            vec![Founded, InvestsIn, Mentions, LocatedIn],
        )
        .unwrap()
    }

    #[test]
    fn rows_hold_both_directions_outgoing_first() {
        let adjacency = rows();
        assert_eq!((adjacency.nodes(), adjacency.relations()), (3, 4));
        let edge = |neighbor, relation, kind, outgoing| Edge {
            neighbor: e(neighbor),
            relation: r(relation),
            kind,
            outgoing,
        };
        assert_eq!(
            adjacency.edges(e(0)).collect::<Vec<_>>(),
            [
                edge(1, 0, Founded, true),
                edge(2, 1, InvestsIn, true),
                edge(2, 2, Mentions, false)
            ]
        );
        assert_eq!(
            adjacency.edges(e(1)).collect::<Vec<_>>(),
            [edge(0, 0, Founded, false), edge(2, 3, LocatedIn, false)]
        );
        assert_eq!(adjacency.neighbors(e(2)), ends(&[0, 1, 0]));
        for node in entity_range(3) {
            for position in adjacency.range(node) {
                let entry = adjacency.entry(node, position);
                assert_eq!(adjacency.kind_at(node, position), entry.kind);
                assert_eq!(adjacency.relation_at(node, position), entry.relation);
                assert_eq!(adjacency.neighbor_at(position), entry.neighbor);
                let (from, to) = adjacency.ends(entry.relation);
                assert_eq!(
                    if entry.outgoing {
                        (node, entry.neighbor)
                    } else {
                        (entry.neighbor, node)
                    },
                    (from, to)
                );
                assert_eq!(adjacency.kind(entry.relation), entry.kind);
            }
        }
        assert_eq!(
            adjacency.relation_ends().collect::<Vec<_>>(),
            [
                (r(0), e(0), e(1)),
                (r(1), e(0), e(2)),
                (r(2), e(2), e(0)),
                (r(3), e(2), e(1))
            ]
        );
        assert_eq!(adjacency.outgoing(e(2)), 2..4);
        assert_eq!(adjacency.first_outgoing(e(2)), r(2));
        assert_eq!(
            adjacency.outgoing_ends(e(2)).collect::<Vec<_>>(),
            [(r(2), e(0)), (r(3), e(1))]
        );
        let mut grown = adjacency.clone();
        grown.add_nodes(5);
        assert_eq!((grown.nodes(), grown.degree(e(4)), grown.relations()), (5, 0, 4));
        assert_eq!(
            grown.edges(e(2)).collect::<Vec<_>>(),
            adjacency.edges(e(2)).collect::<Vec<_>>()
        );
        let mut empty = Adjacency::default();
        empty.add_nodes(2);
        assert_eq!((empty.nodes(), empty.degree(e(1))), (2, 0));
    }

    #[test]
    fn shifts_number_old_relations_as_the_renumbering_does() {
        let block = 1u32 << SHIFT_BLOCK_BITS;
        let old_len = 5 * block + 17;
        let renumbering = Renumbering {
            insert_at: vec![r(0), r(3), r(3), r(2 * block + 5), r(old_len), r(old_len)],
            deleted: vec![r(7), r(block), r(4 * block + 1)],
        };
        let shifts = Shifts::new(&renumbering, old_len as usize);
        for old in (0..old_len).filter(|&n| renumbering.deleted.binary_search(&r(n)).is_err()) {
            assert_eq!(
                shifts.new_number(r(old)),
                renumbering.new_number(r(old)),
                "relation {old}"
            );
        }
        let nothing = Renumbering::default();
        assert_eq!(Shifts::new(&nothing, 3).new_number(r(2)), r(2));
    }

    #[test]
    fn bad_rows_are_refused() {
        assert!(Adjacency::build(vec![0, 2, 1, 2], &ends(&[1, 2]), vec![Founded, Founded]).is_err());
        assert!(
            Adjacency::build(vec![0, 1, 2], &ends(&[1, 2]), vec![Founded, Founded]).is_err(),
            "node 2 is beyond"
        );
        assert!(
            Adjacency::build(vec![0, 1], &ends(&[0, 0]), vec![Founded, Founded]).is_err(),
            "rows miss a relation"
        );
        assert!(Adjacency::build(vec![], &[], vec![]).is_err());
        let empty = Adjacency::build(vec![0, 0], &[], vec![]).unwrap();
        assert_eq!((empty.nodes(), empty.degree(e(0))), (1, 0));
    }

    #[test]
    fn packed_dates_order_like_their_texts() {
        let dates = ["2019", "2021", "2021-06", "2021-06-30", "2022-01"];
        for a in dates {
            for b in dates {
                assert_eq!(pack_date(Some(a)) <= pack_date(Some(b)), a <= b, "{a} {b}");
            }
        }
        assert_eq!(pack_date(None), 0);
        assert_eq!(pack_date(Some("soon")), 0);
    }

    #[test]
    fn kind_masks() {
        assert!(KindMask::of(&[]).contains(Founded));
        let mask = KindMask::of(&[Founded]);
        assert!(mask.contains(Founded) && !mask.contains(LocatedIn));
    }
}

//! The traversal form of the graph: compressed sparse rows over the live
//! relations, both directions of every node in one contiguous run (outgoing
//! first, then incoming), each entry the neighbour, the relation's table
//! index and its kind. Built from the relation table at load and after
//! changes; every traversal (paths, neighbourhoods, PageRank, clusters,
//! common neighbours) reads it instead of the relation records.

use crate::model::RelationKind;

/// Low bits of an entry's relation word that hold the relation's kind.
const KIND_BITS: u32 = 5;
const _: () = assert!(RelationKind::ALL.len() <= 1 << KIND_BITS);

/// The most relations a graph can hold: what the relation word has room
/// for next to the kind.
pub const MAX_RELATIONS: usize = (1 << (32 - KIND_BITS)) - 1;

/// One entry of a node's run: a relation seen from that node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub neighbor: u32,
    pub relation: u32,
    pub kind: RelationKind,
    /// Whether the node is the relation's `from`.
    pub outgoing: bool,
}

/// Compressed sparse rows of the undirected view of the graph, with the
/// direction of each entry kept.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacency {
    /// `offsets[v]..offsets[v + 1]` are the entries of node `v`.
    offsets: Vec<u32>,
    /// How many of a node's entries are outgoing (they come first).
    out_len: Vec<u32>,
    neighbor: Vec<u32>,
    /// The relation's table index, shifted left by [`KIND_BITS`], and its
    /// kind.
    relation: Vec<u32>,
}

impl Adjacency {
    /// Builds the rows of `nodes` nodes from relation columns, skipping
    /// relations whose `live` flag is false. Within a node, entries keep
    /// relation table order, so traversals are deterministic.
    pub(crate) fn build(nodes: usize, from: &[u32], to: &[u32], kind: &[RelationKind], live: &[bool]) -> Adjacency {
        debug_assert!(from.len() == to.len() && to.len() == kind.len() && kind.len() == live.len());
        assert!(from.len() <= MAX_RELATIONS, "more than {MAX_RELATIONS} relations");
        let mut out_len = vec![0u32; nodes];
        let mut in_len = vec![0u32; nodes];
        for index in 0..from.len() {
            if live[index] {
                out_len[from[index] as usize] += 1;
                in_len[to[index] as usize] += 1;
            }
        }
        let mut offsets = Vec::with_capacity(nodes + 1);
        let mut total = 0u64;
        offsets.push(0u32);
        for node in 0..nodes {
            total += u64::from(out_len[node]) + u64::from(in_len[node]);
            assert!(total <= u64::from(u32::MAX), "more than 2^32 adjacency entries");
            offsets.push(total as u32);
        }
        let entries = total as usize;
        let mut neighbor = vec![0u32; entries];
        let mut relation = vec![0u32; entries];
        // next free slot of each node's outgoing and incoming parts
        let mut out_cursor: Vec<u32> = offsets[..nodes].to_vec();
        let mut in_cursor: Vec<u32> = (0..nodes).map(|v| offsets[v] + out_len[v]).collect();
        for index in 0..from.len() {
            if !live[index] {
                continue;
            }
            let (a, b) = (from[index] as usize, to[index] as usize);
            let word = (index as u32) << KIND_BITS | kind[index] as u32;
            let slot = out_cursor[a] as usize;
            out_cursor[a] += 1;
            neighbor[slot] = b as u32;
            relation[slot] = word;
            let slot = in_cursor[b] as usize;
            in_cursor[b] += 1;
            neighbor[slot] = a as u32;
            relation[slot] = word;
        }
        drop(in_len);
        Adjacency {
            offsets,
            out_len,
            neighbor,
            relation,
        }
    }

    /// Number of nodes the rows cover.
    pub(crate) fn nodes(&self) -> usize {
        self.out_len.len()
    }

    /// Relations a node takes part in, both directions.
    #[inline]
    pub(crate) fn degree(&self, node: u32) -> usize {
        let node = node as usize;
        (self.offsets[node + 1] - self.offsets[node]) as usize
    }

    /// Positions of a node's entries.
    #[inline]
    pub(crate) fn range(&self, node: u32) -> std::ops::Range<usize> {
        let node = node as usize;
        self.offsets[node] as usize..self.offsets[node + 1] as usize
    }

    /// The neighbours of a node over all its relations, both directions, a
    /// neighbour once per relation.
    #[inline]
    pub(crate) fn neighbors(&self, node: u32) -> &[u32] {
        &self.neighbor[self.range(node)]
    }

    /// The entry at `position` (from [`Adjacency::range`]) of `node`.
    #[inline]
    pub(crate) fn entry(&self, node: u32, position: usize) -> Edge {
        Edge {
            neighbor: self.neighbor[position],
            relation: self.relation_at(position),
            kind: self.kind_at(position),
            outgoing: position < self.offsets[node as usize] as usize + self.out_len[node as usize] as usize,
        }
    }

    /// Every relation of a node, outgoing first.
    pub(crate) fn edges(&self, node: u32) -> impl Iterator<Item = Edge> + '_ {
        self.range(node).map(move |position| self.entry(node, position))
    }

    /// Kind of the entry at `position`.
    #[inline]
    pub(crate) fn kind_at(&self, position: usize) -> RelationKind {
        RelationKind::ALL[(self.relation[position] & ((1 << KIND_BITS) - 1)) as usize]
    }

    /// Relation table index of the entry at `position`.
    #[inline]
    pub(crate) fn relation_at(&self, position: usize) -> u32 {
        self.relation[position] >> KIND_BITS
    }

    /// Neighbour of the entry at `position`.
    #[inline]
    pub(crate) fn neighbor_at(&self, position: usize) -> u32 {
        self.neighbor[position]
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.out_len.capacity() + self.neighbor.capacity() + self.relation.capacity()) * 4
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

    #[test]
    fn rows_hold_both_directions_outgoing_first() {
        let from = [0, 1, 0, 2];
        let to = [1, 2, 2, 0];
        let kind = [Founded, LocatedIn, InvestsIn, Mentions];
        let adjacency = Adjacency::build(3, &from, &to, &kind, &[true, true, false, true]);
        assert_eq!(adjacency.nodes(), 3);
        assert_eq!(adjacency.degree(0), 2, "the dead relation is left out");
        let edges: Vec<Edge> = adjacency.edges(0).collect();
        assert_eq!(
            edges,
            [
                Edge {
                    neighbor: 1,
                    relation: 0,
                    kind: Founded,
                    outgoing: true
                },
                Edge {
                    neighbor: 2,
                    relation: 3,
                    kind: Mentions,
                    outgoing: false
                },
            ]
        );
        assert_eq!(adjacency.neighbors(2), [0, 1]);
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

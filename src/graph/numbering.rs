//! How entities and relations are numbered inside one opened graph.
//!
//! An [`EntityIndex`] is an entity's position in the graph's tables: it
//! stays the same for the life of the process (a deleted entity leaves its
//! position empty until the next snapshot). A [`RelationIndex`] is a
//! relation's number: relations are numbered in `from` order, so a change
//! or a snapshot renumbers them. Neither ever leaves the process: what
//! names an entity outside it is its string id.
//!
//! Both are the node and edge identifiers of the graph's petgraph view
//! ([`super::GraphView`]), as `NodeIndex` and `EdgeIndex` are of petgraph's
//! own graphs.

use std::fmt;

/// Position of an entity in the graph's tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct EntityIndex(u32);

/// Number of a relation, in `from` order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct RelationIndex(u32);

macro_rules! numbering {
    ($name:ident) => {
        impl $name {
            /// The index with this number.
            #[inline]
            pub const fn new(number: u32) -> Self {
                $name(number)
            }

            /// The index at `index`, which must fit in 32 bits (a graph
            /// holds fewer entities and relations than that).
            #[inline]
            pub fn from_usize(index: usize) -> Self {
                debug_assert!(index <= u32::MAX as usize);
                $name(index as u32)
            }

            /// The number, for packing into tables.
            #[inline]
            pub const fn get(self) -> u32 {
                self.0
            }

            /// The number as an index into a slice.
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

numbering!(EntityIndex);
numbering!(RelationIndex);

/// Indexes `0..count` in order.
pub(crate) fn entity_range(count: usize) -> impl DoubleEndedIterator<Item = EntityIndex> + ExactSizeIterator + Clone {
    (0..count as u32).map(EntityIndex)
}

/// Relation numbers `0..count` in order.
pub(crate) fn relation_range(
    count: usize,
) -> impl DoubleEndedIterator<Item = RelationIndex> + ExactSizeIterator + Clone {
    (0..count as u32).map(RelationIndex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_order() {
        let a = EntityIndex::from_usize(7);
        assert_eq!(a.get(), 7);
        assert_eq!(a.index(), 7);
        assert!(EntityIndex::new(3) < a);
        assert_eq!(entity_range(3).map(EntityIndex::get).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(relation_range(2).last(), Some(RelationIndex::new(1)));
        assert_eq!(RelationIndex::new(42).to_string(), "42");
    }
}

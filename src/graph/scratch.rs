//! Reusable per-thread working memory of traversals: visited marks that are
//! cleared in O(1) by bumping a generation stamp, plus parent and depth
//! arrays, sized to the graph. A query takes one set from the pool of its
//! thread and gives it back, so no query allocates per node it visits.

use std::cell::RefCell;

use super::numbering::EntityIndex;

/// A set of nodes, emptied in O(1): a node is in the set when its stamp
/// equals the current generation.
#[derive(Debug, Default)]
pub(crate) struct Marks {
    stamp: Vec<u32>,
    generation: u32,
}

impl Marks {
    /// Empties the set and makes room for `nodes` nodes.
    pub(crate) fn clear(&mut self, nodes: usize) {
        if self.stamp.len() < nodes {
            self.stamp.resize(nodes, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    #[inline]
    pub(crate) fn contains(&self, entity: EntityIndex) -> bool {
        self.stamp[entity.index()] == self.generation
    }

    /// Adds `entity`; returns whether it was absent.
    #[inline]
    pub(crate) fn insert(&mut self, entity: EntityIndex) -> bool {
        let slot = &mut self.stamp[entity.index()];
        if *slot == self.generation {
            false
        } else {
            *slot = self.generation;
            true
        }
    }
}

/// Working memory of one traversal: two sides, each with marks, parents
/// and depths; a set of banned nodes; and the tagged slots of
/// bidirectional searches.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub seen: [Marks; 2],
    pub parent: [Vec<u32>; 2],
    pub depth: [Vec<u8>; 2],
    pub banned: Marks,
    /// Per node: the tag of the search side that reached it (high 32 bits)
    /// and its parent on that side (low 32 bits), so that one memory access
    /// tells whether a node is new, seen by this side, or a meeting point.
    pub slots: Vec<u64>,
    slot_tag: u32,
    /// Frontiers of searches (the two sides and the level being built),
    /// kept with their capacity from one search to the next.
    pub frontiers: [Vec<EntityIndex>; 3],
}

impl Scratch {
    /// Starts a bidirectional search over `nodes` nodes; returns the tags of
    /// its two sides. Slots with other tags count as unseen.
    pub(crate) fn begin_sides(&mut self, nodes: usize) -> [u64; 2] {
        if self.slots.len() < nodes {
            self.slots.resize(nodes, 0);
        }
        if self.slot_tag >= u32::MAX - 2 {
            self.slots.iter_mut().for_each(|s| *s = 0);
            self.slot_tag = 0;
        }
        self.slot_tag += 2;
        [u64::from(self.slot_tag - 1), u64::from(self.slot_tag)]
    }
}

impl Scratch {
    fn fit(&mut self, nodes: usize) {
        for side in 0..2 {
            if self.parent[side].len() < nodes {
                self.parent[side].resize(nodes, 0);
                self.depth[side].resize(nodes, 0);
            }
        }
    }
}

thread_local! {
    static POOL: RefCell<Vec<Scratch>> = const { RefCell::new(Vec::new()) };
}

/// Runs `work` with working memory for a graph of `nodes` nodes, taken from
/// this thread's pool and returned to it afterwards. Marks are not cleared:
/// the caller clears the ones it uses.
pub(crate) fn with_scratch<R>(nodes: usize, work: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = POOL.with(|pool| pool.borrow_mut().pop()).unwrap_or_default();
    scratch.fit(nodes);
    let result = work(&mut scratch);
    POOL.with(|pool| pool.borrow_mut().push(scratch));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_clear_in_one_step_and_survive_wrapping() {
        let mut marks = Marks::default();
        marks.clear(4);
        let (one, two) = (EntityIndex::new(1), EntityIndex::new(2));
        assert!(marks.insert(two));
        assert!(!marks.insert(two));
        assert!(marks.contains(two));
        marks.clear(4);
        assert!(!marks.contains(two));
        marks.generation = u32::MAX;
        marks.stamp[1] = 1;
        marks.clear(4);
        assert!(!marks.contains(one), "stale stamps are wiped when the generation wraps");
    }

    #[test]
    fn nested_use_takes_a_second_set() {
        with_scratch(8, |outer| {
            outer.seen[0].clear(8);
            let three = EntityIndex::new(3);
            outer.seen[0].insert(three);
            with_scratch(8, |inner| {
                inner.seen[0].clear(8);
                assert!(!inner.seen[0].contains(three));
            });
            assert!(outer.seen[0].contains(three));
        });
    }
}

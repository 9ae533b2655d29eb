//! Which relations a traversal may follow: the kinds asked for and the
//! date the graph is seen at. Paths, neighbourhoods and the petgraph view
//! all filter relations through [`RelationFilter`].

use super::adjacency::{pack_date, Edge, KindMask};
use super::numbering::{EntityIndex, RelationIndex};
use super::tables::KnowledgeGraph;
use crate::model::RelationKind;
use crate::Result;

/// Relations of some kinds, as they stood on some date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RelationFilter {
    kinds: KindMask,
    /// Packed `as_of` date, 0 for none.
    as_of: u32,
}

impl Default for RelationFilter {
    fn default() -> Self {
        RelationFilter::all()
    }
}

impl RelationFilter {
    /// Every relation.
    pub(crate) fn all() -> RelationFilter {
        RelationFilter {
            kinds: KindMask::of(&[]),
            as_of: 0,
        }
    }

    /// Relations of `kinds` (every kind when empty) not dated after
    /// `as_of` (undated ones kept); a bad `as_of` is an error naming the
    /// parameter.
    pub(crate) fn new(kinds: &[RelationKind], as_of: Option<&str>) -> Result<RelationFilter> {
        if let Some(as_of) = as_of {
            crate::model::check_date("as_of", as_of)?;
        }
        Ok(RelationFilter {
            kinds: KindMask::of(kinds),
            as_of: pack_date(as_of),
        })
    }

    /// Whether the filter lets every relation through.
    #[inline]
    pub(crate) fn is_all(&self) -> bool {
        self.kinds.is_all() && self.as_of == 0
    }

    /// Whether a relation of `kind` with packed date `since` passes.
    #[inline]
    pub(crate) fn allows(&self, kind: RelationKind, since: u32) -> bool {
        self.kinds.contains(kind) && (self.as_of == 0 || since == 0 || since <= self.as_of)
    }

    /// Whether `relation`, of `kind`, passes (its date read only when one
    /// is asked for).
    #[inline]
    pub(crate) fn allows_relation(&self, graph: &KnowledgeGraph, relation: RelationIndex, kind: RelationKind) -> bool {
        self.kinds.contains(kind) && (self.as_of == 0 || self.allows(kind, graph.packed_since(relation)))
    }

    /// Whether an adjacency entry passes.
    #[inline]
    pub(crate) fn allows_edge(&self, graph: &KnowledgeGraph, edge: &Edge) -> bool {
        self.allows_relation(graph, edge.relation, edge.kind)
    }

    /// Whether the adjacency entry at `position` of `entity` passes,
    /// reading only what the filter needs.
    #[inline]
    pub(crate) fn allows_entry(&self, graph: &KnowledgeGraph, entity: EntityIndex, position: usize) -> bool {
        if self.is_all() {
            return true;
        }
        let adjacency = graph.adjacency();
        let kind = adjacency.kind_at(entity, position);
        if !self.kinds.contains(kind) {
            return false;
        }
        self.as_of == 0 || self.allows(kind, graph.packed_since(adjacency.relation_at(entity, position)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RelationKind::*;

    #[test]
    fn kinds_and_dates_filter_relations() {
        let all = RelationFilter::all();
        assert!(all.is_all() && all.allows(Founded, pack_date(Some("2030"))));
        let filter = RelationFilter::new(&[Founded], Some("2021-06")).unwrap();
        assert!(!filter.is_all());
        assert!(filter.allows(Founded, 0), "undated relations are kept");
        assert!(filter.allows(Founded, pack_date(Some("2021"))));
        assert!(!filter.allows(Founded, pack_date(Some("2021-07"))));
        assert!(!filter.allows(LocatedIn, 0));
        assert!(RelationFilter::new(&[], Some("2021-13")).is_err());
    }
}

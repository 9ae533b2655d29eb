//! An entity with a page of its relations: the view behind `entity` in the
//! CLI and `/api/entities/{id}`.

use super::adjacency::{Edge, KindMask};
use super::responses::{EntityView, RelationFacts, RelationView};
use super::tables::KnowledgeGraph;
use crate::model::{Direction, EntityRef, RelationKind};
use crate::{params, Error, Result};

/// Relations an entity view lists unless asked for another number.
pub const ENTITY_RELATIONS: usize = 200;

/// Which of an entity's relations a view lists (the entity is the CLI's
/// `ID` and the HTTP path's `{id}`). The same struct is the CLI's `entity`
/// options and `/api/entities/{id}`'s parameters.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct RelationPage {
    /// List only relations of these kinds (comma-separated; all when none).
    #[arg(long = "relation", value_delimiter = ',')]
    #[serde(rename = "relation", deserialize_with = "params::list")]
    pub relations: Vec<RelationKind>,
    /// Relations to skip, in the listing's order (strongest kinds first).
    #[arg(long, default_value_t = 0)]
    #[serde(deserialize_with = "params::number")]
    pub offset: usize,
    /// Relations to list (1 to 5000).
    #[arg(long, default_value_t = ENTITY_RELATIONS)]
    #[serde(deserialize_with = "params::number")]
    pub limit: usize,
    /// At most this many of each kind (the first of each in the listing's
    /// order), before `offset` and `limit`: a hub's page with every kind
    /// in it.
    #[arg(long)]
    #[serde(deserialize_with = "params::optional_number")]
    pub per_kind: Option<usize>,
}

impl Default for RelationPage {
    fn default() -> Self {
        RelationPage {
            relations: Vec::new(),
            offset: 0,
            limit: ENTITY_RELATIONS,
            per_kind: None,
        }
    }
}
/// The most relations an entity view lists.
pub const MAX_ENTITY_RELATIONS: usize = 5000;

/// Orders just enough of `items` to return `items[offset..offset + limit]`
/// as a full sort by `order` would list them: O(n + k log k) for a page of
/// k instead of O(n log n), which is what a hub's page of relations needs.
pub(crate) fn sorted_page<T>(
    items: &mut [T],
    offset: usize,
    limit: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> &mut [T] {
    let start = offset.min(items.len());
    let end = offset.saturating_add(limit).min(items.len());
    if start > 0 && start < items.len() {
        items.select_nth_unstable_by(start, &order);
    }
    let rest = &mut items[start..];
    let size = end - start;
    if size > 0 && size < rest.len() {
        rest.select_nth_unstable_by(size, &order);
    }
    let page = &mut rest[..size];
    page.sort_unstable_by(&order);
    page
}

impl KnowledgeGraph {
    /// The entity and up to [`ENTITY_RELATIONS`] of its relations,
    /// strongest kinds first (see [`KnowledgeGraph::entity_view_page`]).
    pub fn entity_view(&self, key: &str) -> Result<EntityView> {
        self.entity_view_page(key, &RelationPage::default())
    }

    /// The entity and a page of its relations with their records: those of
    /// the kinds asked for (all when none), strongest kinds first, then by
    /// kind and by the other entity's id, `page.offset` of them skipped, at
    /// most `page.limit` (at most [`MAX_ENTITY_RELATIONS`]); with its count
    /// of relations of each kind.
    ///
    /// # Complexity
    /// O(d + k log k) for an entity of degree d and a page ending at k, plus
    /// one record read per relation listed.
    pub fn entity_view_page(&self, key: &str, page: &RelationPage) -> Result<EntityView> {
        let limit = page.limit;
        if limit == 0 || limit > MAX_ENTITY_RELATIONS {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_ENTITY_RELATIONS}"),
            ));
        }
        if page
            .per_kind
            .is_some_and(|each| each == 0 || each > MAX_ENTITY_RELATIONS)
        {
            return Err(Error::invalid_parameter(
                "per_kind",
                format!("must be between 1 and {MAX_ENTITY_RELATIONS}"),
            ));
        }
        let index = self.resolve(key)?;
        let edges: Vec<_> = self.adjacency().edges(index).collect();
        let relations_by_kind = RelationKind::tally(edges.iter().map(|edge| edge.kind));
        let relation_total = edges.len();
        let kinds = KindMask::of(&page.relations);
        // ordered before any record is read, so a hub reads only the
        // records it lists, and only as much as the page needs
        let mut keyed: Vec<_> = edges
            .into_iter()
            .filter(|edge| kinds.contains(edge.kind))
            .map(|edge| (edge.kind.strength(), self.entity_at(edge.neighbor).id, edge))
            .collect();
        let order = |a: &(f32, &str, Edge), b: &(f32, &str, Edge)| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.2.kind.cmp(&b.2.kind))
                .then_with(|| a.1.cmp(b.1))
                .then_with(|| a.2.outgoing.cmp(&b.2.outgoing))
        };
        if let Some(each) = page.per_kind {
            // the first `each` of every kind: each kind's run ordered apart
            keyed.sort_unstable_by_key(|(_, _, edge)| edge.kind);
            let mut firsts = Vec::new();
            for run in keyed.chunk_by_mut(|a, b| a.2.kind == b.2.kind) {
                firsts.extend_from_slice(sorted_page(run, 0, each, order));
            }
            keyed = firsts;
        }
        let listed = sorted_page(&mut keyed, page.offset, limit, order);
        let mut relations = Vec::with_capacity(listed.len());
        for (_, _, edge) in listed.iter() {
            let relation = self.relation_of(index, edge)?;
            let kind = relation.kind;
            let (facts, props) = RelationFacts::of(relation);
            relations.push(RelationView {
                kind,
                direction: Direction::of(edge.outgoing),
                other: EntityRef::from(self.entity_at(edge.neighbor)),
                facts,
                props,
            });
        }
        Ok(EntityView {
            entity: self.entity_record(index)?,
            relations,
            relation_total,
            relations_by_kind,
            resolved_from: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::sorted_page;
    use proptest::prelude::*;

    proptest! {
        /// A page is what a full sort would list there.
        #[test]
        fn a_page_is_a_slice_of_the_full_order(
            mut items in proptest::collection::vec(0u16..50, 0..80),
            offset in 0usize..90,
            limit in 0usize..90,
        ) {
            let mut sorted = items.clone();
            sorted.sort();
            let expected: Vec<u16> = sorted.iter().copied().skip(offset).take(limit).collect();
            let page = sorted_page(&mut items, offset, limit, |a, b| a.cmp(b)).to_vec();
            prop_assert_eq!(page, expected);
        }
    }
}

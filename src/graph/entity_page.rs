//! An entity with a page of its relations: the view behind `entity` in the
//! CLI and `/api/entities/{id}`.

use super::adjacency::KindMask;
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
}

impl Default for RelationPage {
    fn default() -> Self {
        RelationPage {
            relations: Vec::new(),
            offset: 0,
            limit: ENTITY_RELATIONS,
        }
    }
}
/// The most relations an entity view lists.
pub const MAX_ENTITY_RELATIONS: usize = 5000;

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
    /// O(d log d) for an entity of degree d, plus one record read per
    /// relation listed.
    pub fn entity_view_page(&self, key: &str, page: &RelationPage) -> Result<EntityView> {
        let limit = page.limit;
        if limit == 0 || limit > MAX_ENTITY_RELATIONS {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_ENTITY_RELATIONS}"),
            ));
        }
        let index = self.resolve(key)?;
        let mut edges: Vec<_> = self.adjacency().edges(index).collect();
        let relations_by_kind = RelationKind::tally(edges.iter().map(|edge| edge.kind));
        // ordered before any record is read, so a hub reads only the
        // records it lists
        edges.sort_by(|a, b| {
            b.kind
                .strength()
                .total_cmp(&a.kind.strength())
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| self.entity_at(a.neighbor).id.cmp(self.entity_at(b.neighbor).id))
        });
        let relation_total = edges.len();
        let kinds = KindMask::of(&page.relations);
        edges.retain(|edge| kinds.contains(edge.kind));
        let edges: Vec<_> = edges.into_iter().skip(page.offset).take(limit).collect();
        let mut relations = Vec::with_capacity(edges.len());
        for edge in edges {
            let relation = self.relation_of(index, &edge)?;
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

//! Changes to a graph: add, replace and delete entities and relations.
//! Entity changes are applied to the tables in place (a deleted entity
//! leaves a dead slot until the next snapshot); relation changes are
//! gathered, then, once per batch, the relations are renumbered and the
//! adjacency rows spliced (the rows of the entities the batch touches
//! rebuilt, the others copied), and the id and name indexes brought up to
//! date. The write-ahead log ([`crate::graph::GraphLog`]) stores changes in this
//! form.

use std::collections::HashMap;

use super::{split_entity, KnowledgeGraph, PlacedRelation};
use crate::graph::adjacency::Renumbering;
use crate::graph::numbering::{entity_range, EntityIndex, RelationIndex};
use crate::model::{Change, EntityKind, Relation, RelationKind};
use crate::{Error, Result};

/// What a batch has done so far, for lookups the indexes do not know yet.
#[derive(Default)]
struct Batch {
    /// Entities added in this batch, by id.
    added_entities: HashMap<String, EntityIndex>,
    /// Relations added in this batch (not in the adjacency yet).
    added_relations: Vec<PlacedRelation>,
    /// Numbers of the relations deleted in this batch.
    deleted_relations: Vec<RelationIndex>,
    /// Entity positions whose index entries must be redone.
    touched: Vec<bool>,
    entities_deleted: bool,
    structure_changed: bool,
}

fn not_found(id: &str) -> Error {
    Error::entity_not_found(id)
}

/// Checks an entity record on its own: its id, name and aliases.
fn check_record(entity: &crate::model::Entity) -> Result<()> {
    if entity.id.trim().is_empty() || entity.id != entity.id.trim() {
        return Err(Error::invalid_parameter(
            "id",
            "must be non-empty, without surrounding spaces",
        ));
    }
    if entity.name.trim().is_empty() {
        return Err(Error::invalid_parameter("name", "must not be empty"));
    }
    if entity.aliases.len() > crate::model::MAX_ALIASES {
        return Err(Error::invalid_parameter(
            "aliases",
            format!("at most {} aliases", crate::model::MAX_ALIASES),
        ));
    }
    Ok(())
}

impl KnowledgeGraph {
    /// Position of the live entity with this exact id, counting entities
    /// added in the running batch.
    fn live_position(&self, id: &str, batch: &Batch) -> Option<EntityIndex> {
        if let Some(&position) = batch.added_entities.get(id) {
            return self.is_live(position).then_some(position);
        }
        self.position_of_id(id).filter(|&p| self.is_live(p))
    }

    /// Whether the entity with this exact id exists.
    pub fn has_entity_id(&self, id: &str) -> bool {
        self.position_of_id(id).is_some_and(|p| self.is_live(p))
    }

    /// Whether a live relation `from` → `to` of `kind` exists (ids, exact).
    pub fn has_relation(&self, from: &str, to: &str, kind: RelationKind) -> bool {
        let (Some(from), Some(to)) = (self.position_of_id(from), self.position_of_id(to)) else {
            return false;
        };
        from.index() < self.adjacency.nodes()
            && self
                .adjacency
                .edges(from)
                .any(|e| e.outgoing && e.neighbor == to && e.kind == kind)
    }

    /// The live relation `from` → `to` of `kind` (ids, exact), when there
    /// is one: its full record.
    ///
    /// # Complexity
    /// O(degree) of the end with fewer relations.
    pub fn relation_record(&self, from: &str, to: &str, kind: RelationKind) -> Result<Option<Relation>> {
        let (Some(from), Some(to)) = (self.position_of_id(from), self.position_of_id(to)) else {
            return Ok(None);
        };
        let nodes = self.adjacency.nodes();
        if from.index() >= nodes || to.index() >= nodes {
            return Ok(None);
        }
        // walk the shorter row: an industry or a large applicant has
        // hundreds of thousands of relations
        let (node, outgoing, other) = if self.adjacency.degree(from) <= self.adjacency.degree(to) {
            (from, true, to)
        } else {
            (to, false, from)
        };
        match self
            .adjacency
            .edges(node)
            .find(|e| e.outgoing == outgoing && e.neighbor == other && e.kind == kind)
        {
            Some(edge) => self.relation_between(edge.relation, from, to).map(Some),
            None => Ok(None),
        }
    }

    /// Checks that `change` can be applied to the graph as it is: ids are
    /// not empty, the entity to delete and the ends of a relation exist,
    /// dates have the `YYYY[-MM[-DD]]` form.
    pub fn check(&self, change: &Change) -> Result<()> {
        self.check_in(change, &Batch::default())
    }

    /// [`KnowledgeGraph::check`] at a change's turn in a running batch.
    fn check_in(&self, change: &Change, batch: &Batch) -> Result<()> {
        let exists = |id: &str| self.live_position(id, batch).map(|_| ()).ok_or_else(|| not_found(id));
        match change {
            Change::PutEntity { entity } => {
                check_record(entity)?;
                let was_document = self
                    .live_position(&entity.id, batch)
                    .is_some_and(|position| self.entity_kind[position.index()] == EntityKind::Document);
                if was_document || entity.kind == EntityKind::Document {
                    return Err(Error::invalid_parameter(
                        "kind",
                        "documents are written as documents (POST /api/documents), and an entity cannot become one",
                    ));
                }
                Ok(())
            }
            Change::DeleteEntity { id } => exists(id),
            Change::PutRelation { relation } => {
                exists(&relation.from)?;
                exists(&relation.to)?;
                self.room_for_relation(batch)?;
                if let Some(since) = &relation.since {
                    crate::model::check_date("since", since)?;
                }
                Ok(())
            }
            Change::DeleteRelation { from, to, .. } => {
                exists(from)?;
                exists(to)
            }
            Change::PutDocument { document } => {
                if let Some(position) = self.live_position(&document.id, batch) {
                    let kind = self.entity_kind[position.index()];
                    if kind != EntityKind::Document {
                        return Err(Error::invalid_parameter(
                            "id",
                            format!("`{}` is the id of an entity ({kind}), not of a document", document.id),
                        ));
                    }
                }
                check_record(&document.node())
            }
        }
    }

    /// Fails unless one more relation fits beside those of the graph and
    /// of the running batch.
    fn room_for_relation(&self, batch: &Batch) -> Result<()> {
        let after = (self.relation_count() + batch.added_relations.len()).saturating_sub(batch.deleted_relations.len());
        if after < crate::graph::adjacency::MAX_RELATIONS {
            return Ok(());
        }
        Err(Error::invalid_parameter(
            "relation",
            format!(
                "the graph holds the most relations it can ({}); delete some first",
                crate::graph::adjacency::MAX_RELATIONS
            ),
        ))
    }

    /// Applies one change. See [`KnowledgeGraph::apply_all`].
    pub fn apply(&mut self, change: Change) -> Result<()> {
        self.apply_all(std::iter::once(change))
    }

    /// Applies changes in order, then rebuilds the adjacency and the indexes
    /// once.
    ///
    /// Fails with [`Error::EntityNotFound`] when a change names an entity
    /// that does not exist at its turn; the changes before it stay applied.
    ///
    /// # Complexity
    /// O(changes) for the tables, plus O(V + E) sequential copying of the
    /// adjacency when relations were added or deleted, or entities deleted.
    pub fn apply_all(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<()> {
        let mut outcome = Ok(());
        self.in_batch(|graph, batch| {
            for change in changes {
                if let Err(error) = graph.apply_one(change, batch) {
                    outcome = Err(error);
                    break;
                }
            }
        });
        outcome
    }

    /// [`KnowledgeGraph::apply_all`] of changes each first held to
    /// [`KnowledgeGraph::check`] at its turn; fails with the position of
    /// the change that did not fit beside the error.
    pub fn apply_checked(
        &mut self,
        changes: impl IntoIterator<Item = Change>,
    ) -> std::result::Result<(), (usize, Error)> {
        let mut outcome = Ok(());
        self.in_batch(|graph, batch| {
            for (at, change) in changes.into_iter().enumerate() {
                let applied = graph
                    .check_in(&change, batch)
                    .and_then(|()| graph.apply_one(change, batch));
                if let Err(error) = applied {
                    outcome = Err((at, error));
                    break;
                }
            }
        });
        outcome
    }

    /// Applies, in one batch, each change that fits the graph at its turn
    /// (see [`KnowledgeGraph::check`]) and leaves out the others; returns
    /// the changes applied, in order.
    ///
    /// # Complexity
    /// As [`KnowledgeGraph::apply_all`].
    pub fn apply_fitting(&mut self, changes: impl IntoIterator<Item = Change>) -> Vec<Change> {
        let mut applied = Vec::new();
        self.in_batch(|graph, batch| {
            for change in changes {
                if graph.check_in(&change, batch).is_ok() && graph.apply_one(change.clone(), batch).is_ok() {
                    applied.push(change);
                }
            }
        });
        applied
    }

    /// Runs `apply` on the tables, then brings the relations of deleted
    /// entities, the adjacency and the indexes up to date once.
    fn in_batch(&mut self, apply: impl FnOnce(&mut KnowledgeGraph, &mut Batch)) {
        let positions_before = self.names.len();
        let mut batch = Batch {
            touched: vec![false; self.names.len()],
            ..Default::default()
        };
        apply(self, &mut batch);
        if batch.structure_changed || batch.entities_deleted {
            self.renumber_relations(batch.added_relations, batch.deleted_relations, batch.entities_deleted);
        } else if self.adjacency.nodes() != self.names.len() {
            // only entities were added: they have no relations yet
            self.adjacency.add_nodes(self.names.len());
        }
        self.reindex(&batch.touched, positions_before);
        self.measures = Default::default();
        self.check_invariants();
    }

    /// Installs the relations as they are after a batch: those there were,
    /// less the `deleted` ones and those of deleted entities, and the
    /// `added` ones, each after the others from the same entity. The rows
    /// of the entities the batch leaves alone are copied, not rebuilt.
    fn renumber_relations(
        &mut self,
        mut added: Vec<PlacedRelation>,
        mut deleted: Vec<RelationIndex>,
        entities_deleted: bool,
    ) {
        let live = &self.entity_live;
        let kept = |from: EntityIndex, to: EntityIndex| live[from.index()] && live[to.index()];
        added.retain(|r| kept(r.from, r.to));
        // stable: relations added from one entity keep their order
        added.sort_by_key(|r| r.from);
        let adjacency = &self.adjacency;
        if entities_deleted {
            for dead in entity_range(adjacency.nodes()).filter(|&v| !live[v.index()]) {
                deleted.extend(adjacency.edges(dead).map(|e| e.relation));
            }
        }
        deleted.sort_unstable();
        deleted.dedup();
        let renumbering = Renumbering {
            insert_at: added.iter().map(|r| adjacency.insert_point(r.from)).collect(),
            deleted,
        };
        let ends: Vec<(EntityIndex, EntityIndex, RelationKind)> =
            added.iter().map(|r| (r.from, r.to, r.kind)).collect();
        let rows = adjacency.spliced(self.names.len(), &ends, &renumbering);
        let table = &mut self.relations;
        table.since = std::sync::Arc::new(renumbering.splice(&table.since[..], |i| added[i].since));
        let slots = if table.cold_slot.is_empty() {
            // relation r's record is record r
            let identity = |slots: &mut Vec<u32>, kept: std::ops::Range<usize>| slots.extend(kept.map(|r| r as u32));
            renumbering.splice_with(adjacency.relations(), identity, |i| added[i].slot)
        } else {
            renumbering.splice(&table.cold_slot[..], |i| added[i].slot)
        };
        table.cold_slot = if slots.iter().enumerate().all(|(i, &s)| s as usize == i) {
            Default::default()
        } else {
            std::sync::Arc::new(slots)
        };
        self.adjacency = rows;
    }

    fn apply_one(&mut self, change: Change, batch: &mut Batch) -> Result<()> {
        match change {
            Change::PutDocument { document } => {
                return self.apply_one(
                    Change::PutEntity {
                        entity: document.node(),
                    },
                    batch,
                )
            }
            Change::PutEntity { entity } => {
                let existing = self.live_position(&entity.id, batch);
                let id = entity.id.clone();
                let (hot, cold) = split_entity(entity);
                match existing {
                    Some(position) => {
                        self.entity_kind[position.index()] = hot.kind;
                        self.names
                            .set(position, &hot.id, &hot.name, hot.aliases.iter().map(String::as_str));
                        self.entity_cold.replace(position.get(), &cold);
                        batch.touched[position.index()] = true;
                    }
                    None => {
                        let position = EntityIndex::new(self.entity_cold.push(&cold));
                        debug_assert_eq!(position.index(), self.names.len());
                        self.entity_kind.push(hot.kind);
                        self.names
                            .push(&hot.id, &hot.name, hot.aliases.iter().map(String::as_str));
                        self.entity_live.push(true);
                        batch.touched.push(true);
                        batch.added_entities.insert(id, position);
                    }
                }
            }
            Change::DeleteEntity { id } => {
                let position = self.live_position(&id, batch).ok_or_else(|| not_found(&id))?;
                self.entity_live[position.index()] = false;
                // a dead slot keeps its id but no names, so nothing finds it
                let id = self.entity_at(position).id.to_string();
                self.names.set(position, &id, "", []);
                batch.touched[position.index()] = true;
                batch.added_entities.remove(&id);
                batch.entities_deleted = true;
            }
            Change::PutRelation { relation } => {
                let from = self
                    .live_position(&relation.from, batch)
                    .ok_or_else(|| not_found(&relation.from))?;
                let to = self
                    .live_position(&relation.to, batch)
                    .ok_or_else(|| not_found(&relation.to))?;
                self.room_for_relation(batch)?;
                self.delete_relations(from, to, relation.kind, batch);
                let placed = self.relations.place(from, to, &relation);
                batch.added_relations.push(placed);
                batch.structure_changed = true;
            }
            Change::DeleteRelation { from, to, kind } => {
                let from = self.live_position(&from, batch).ok_or_else(|| not_found(&from))?;
                let to = self.live_position(&to, batch).ok_or_else(|| not_found(&to))?;
                self.delete_relations(from, to, kind, batch);
                batch.structure_changed = true;
            }
        }
        Ok(())
    }

    /// Deletes the relations `from` → `to` of `kind`, those there were and
    /// those added in the batch.
    fn delete_relations(&mut self, from: EntityIndex, to: EntityIndex, kind: RelationKind, batch: &mut Batch) {
        if from.index() < self.adjacency.nodes() {
            batch.deleted_relations.extend(
                self.adjacency
                    .edges(from)
                    .filter(|e| e.outgoing && e.neighbor == to && e.kind == kind)
                    .map(|e| e.relation),
            );
        }
        batch
            .added_relations
            .retain(|r| !(r.from == from && r.to == to && r.kind == kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::adjacency::pack_date;
    use crate::graph::testing::{entity, random_below, relation};
    use crate::graph::NeighborsRequest;
    use crate::model::EntityKind::*;
    use std::collections::BTreeSet;
    use RelationKind::*;

    /// Every relation as its record says, after checking that the record
    /// is the relation's own (its ends, kind, the quote the test helper
    /// writes, its packed date).
    fn relations_read_back(graph: &KnowledgeGraph) -> BTreeSet<(String, String, RelationKind)> {
        let mut seen = BTreeSet::new();
        for r in graph.relation_positions() {
            let record = graph.relation(r).unwrap();
            let (from, to) = graph.relation_ends(r);
            assert_eq!(
                (graph.entity_at(from).id, graph.entity_at(to).id),
                (&*record.from, &*record.to)
            );
            assert_eq!(record.kind, graph.relation_kind(r));
            assert_eq!(
                record.evidence[0].quote,
                format!("{} {} {}", record.from, record.kind, record.to),
                "relation {r} reads another's record"
            );
            assert_eq!(graph.packed_since(r), pack_date(record.since.as_deref()));
            seen.insert((record.from, record.to, record.kind));
        }
        seen
    }

    fn graph() -> KnowledgeGraph {
        KnowledgeGraph::from_records(
            vec![entity("a", Enterprise, "甲", &["甲公司"]), entity("b", Zone, "乙", &[])],
            vec![relation("a", "b", LocatedIn)],
        )
        .unwrap()
    }

    #[test]
    fn entities_are_added_replaced_and_deleted() {
        let mut graph = graph();
        let mut c = entity("c", University, "丙大学", &["丙大"]);
        c.description = "一所大学".into();
        graph.apply(Change::PutEntity { entity: c.clone() }).unwrap();
        assert_eq!(graph.entity("丙大").unwrap(), c);
        graph
            .apply(Change::PutRelation {
                relation: relation("c", "a", CollaboratesWith),
            })
            .unwrap();
        assert_eq!(graph.degree(graph.resolve("a").unwrap()), 2);
        // replacing keeps relations, renames
        graph
            .apply(Change::PutEntity {
                entity: entity("a", Enterprise, "甲新", &[]),
            })
            .unwrap();
        assert!(graph.resolve("甲公司").is_err(), "old alias gone");
        assert_eq!(graph.degree(graph.resolve("甲新").unwrap()), 2);
        // deleting removes its relations
        graph.apply(Change::DeleteEntity { id: "a".into() }).unwrap();
        assert!(matches!(graph.resolve("a"), Err(Error::EntityNotFound { .. })));
        assert!(graph.resolve("甲新").is_err());
        assert_eq!(graph.relation_count(), 0);
        assert_eq!(graph.entity_count(), 2);
        assert_eq!(graph.stats().entities, 2);
        let around = graph.neighbors("c", &NeighborsRequest::default()).unwrap();
        assert!(around.nodes.is_empty());
        // and the id can come back as a new entity
        graph
            .apply(Change::PutEntity {
                entity: entity("a", Enterprise, "甲", &[]),
            })
            .unwrap();
        assert_eq!(graph.degree(graph.resolve("a").unwrap()), 0);
    }

    #[test]
    fn relations_are_replaced_by_ends_and_kind() {
        let mut graph = graph();
        let mut dated = relation("a", "b", LocatedIn);
        dated.since = Some("2020".into());
        graph
            .apply(Change::PutRelation {
                relation: dated.clone(),
            })
            .unwrap();
        graph
            .apply(Change::PutRelation {
                relation: dated.clone(),
            })
            .unwrap();
        assert_eq!(graph.relation_count(), 1, "same ends and kind: replaced");
        let index = graph.relation_positions().next().unwrap();
        assert_eq!(graph.relation(index).unwrap(), dated);
        graph
            .apply(Change::PutRelation {
                relation: relation("a", "b", InvestsIn),
            })
            .unwrap();
        assert_eq!(graph.relation_count(), 2);
        graph
            .apply(Change::DeleteRelation {
                from: "a".into(),
                to: "b".into(),
                kind: LocatedIn,
            })
            .unwrap();
        assert_eq!(graph.relation_count(), 1);
        assert_eq!(
            graph.relation_kind(graph.relation_positions().next().unwrap()),
            InvestsIn
        );
    }

    #[test]
    fn bad_changes_are_refused_before_they_apply() {
        let graph = graph();
        assert!(graph
            .check(&Change::PutRelation {
                relation: relation("a", "zzz", LocatedIn)
            })
            .is_err());
        assert!(graph.check(&Change::DeleteEntity { id: "zzz".into() }).is_err());
        assert!(graph
            .check(&Change::PutEntity {
                entity: entity(" ", Enterprise, "x", &[])
            })
            .is_err());
        let mut bad_date = relation("a", "b", LocatedIn);
        bad_date.since = Some("yesterday".into());
        assert!(graph.check(&Change::PutRelation { relation: bad_date }).is_err());
    }

    #[test]
    fn a_batch_sees_its_own_entities() {
        let mut graph = graph();
        graph
            .apply_all([
                Change::PutEntity {
                    entity: entity("n", Person, "新人", &[]),
                },
                Change::PutRelation {
                    relation: relation("n", "a", Founded),
                },
                Change::PutRelation {
                    relation: relation("n", "b", LocatedIn),
                },
                Change::DeleteRelation {
                    from: "n".into(),
                    to: "b".into(),
                    kind: LocatedIn,
                },
            ])
            .unwrap();
        let view = graph.entity_view("新人").unwrap();
        assert_eq!(view.relations.len(), 1);
        assert_eq!(view.relations[0].other.id, "a");
    }

    #[test]
    fn changes_that_do_not_fit_are_left_out_of_a_batch() {
        let mut graph = graph();
        let mut dated = relation("n", "b", LocatedIn);
        dated.since = Some("soon".into());
        let fitting = [
            Change::PutEntity {
                entity: entity("n", Person, "新人", &[]),
            },
            Change::PutRelation {
                relation: relation("n", "a", Founded),
            },
            Change::DeleteEntity { id: "b".into() },
        ];
        let unfit = [
            Change::PutRelation {
                relation: relation("n", "missing", Founded),
            },
            Change::PutRelation { relation: dated },
            Change::DeleteEntity { id: "b".into() },
        ];
        let applied = graph.apply_fitting([
            fitting[0].clone(),
            fitting[1].clone(),
            unfit[0].clone(),
            unfit[1].clone(),
            fitting[2].clone(),
            unfit[2].clone(),
        ]);
        assert_eq!(applied, fitting);
        let view = graph.entity_view("新人").unwrap();
        assert_eq!(view.relations.len(), 1);
        assert_eq!(view.relations[0].other.id, "a");
        assert!(graph.resolve("b").is_err());
    }

    #[test]
    fn relations_keep_their_records_and_dates_when_renumbered() {
        let mut graph = KnowledgeGraph::from_records(
            vec![
                entity("a", Enterprise, "甲", &[]),
                entity("b", Zone, "乙", &[]),
                entity("c", University, "丙", &[]),
            ],
            vec![
                relation("c", "b", LocatedIn),
                relation("a", "b", LocatedIn),
                relation("c", "a", CollaboratesWith),
            ],
        )
        .unwrap();
        let mut dated = relation("b", "c", Founded);
        dated.since = Some("2020-05".into());
        graph
            .apply_all([
                Change::PutRelation { relation: dated },
                Change::PutRelation {
                    relation: relation("a", "c", InvestsIn),
                },
                Change::DeleteRelation {
                    from: "c".into(),
                    to: "b".into(),
                    kind: LocatedIn,
                },
            ])
            .unwrap();
        let check = |graph: &KnowledgeGraph| {
            let expected = [
                ("a", "b", LocatedIn),
                ("a", "c", InvestsIn),
                ("b", "c", Founded),
                ("c", "a", CollaboratesWith),
            ];
            let expected: BTreeSet<_> = expected
                .iter()
                .map(|&(f, t, k)| (f.to_string(), t.to_string(), k))
                .collect();
            assert_eq!(relations_read_back(graph), expected);
            assert_eq!(graph.relation_count(), expected.len(), "no relation twice");
        };
        check(&graph);
        assert!(
            !graph.relations.cold_slot.is_empty(),
            "new relations were numbered before old ones"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.bin");
        graph.save(&path).unwrap();
        let loaded = KnowledgeGraph::load(&path).unwrap();
        check(&loaded);
        assert!(loaded.relations.cold_slot.is_empty());
        let timeline = loaded.timeline("c", crate::graph::TimelinePage::default()).unwrap();
        assert_eq!(timeline.results.len(), 1);
    }

    #[test]
    fn rows_after_random_batches_equal_rows_built_from_scratch() {
        use crate::graph::adjacency::Adjacency;
        let mut next = random_below(0x9e37_79b9_7f4a_7c15);
        let kinds = [LocatedIn, CollaboratesWith, Founded];
        let mut ids: Vec<String> = (0..25).map(|i| format!("e{i}")).collect();
        let entities = ids
            .iter()
            .map(|id| entity(id, Enterprise, &format!("企业{id}"), &[]))
            .collect();
        let mut model: BTreeSet<(String, String, RelationKind)> = BTreeSet::new();
        let relations = (0..80)
            .map(|_| {
                let (a, b, k) = (ids[next(25)].clone(), ids[next(25)].clone(), kinds[next(3)]);
                model.insert((a.clone(), b.clone(), k));
                relation(&a, &b, k)
            })
            .collect();
        let mut graph = KnowledgeGraph::from_records(entities, relations).unwrap();
        // from_records keeps duplicates of one (from, to, kind); the model
        // counts each once, so compare sets
        let mut added = 25;
        for round in 0..300 {
            let mut batch = Vec::new();
            for _ in 0..1 + next(3) {
                let pick = |next: &mut dyn FnMut(usize) -> usize| ids[next(ids.len())].clone();
                let change = match next(10) {
                    0..=3 => {
                        let mut r = relation(&pick(&mut next), &pick(&mut next), kinds[next(3)]);
                        if next(2) == 0 {
                            r.since = Some(format!("20{:02}-0{}", 10 + next(15), 1 + next(9)));
                        }
                        Change::PutRelation { relation: r }
                    }
                    4..=5 => Change::DeleteRelation {
                        from: pick(&mut next),
                        to: pick(&mut next),
                        kind: kinds[next(3)],
                    },
                    6 => {
                        added += 1;
                        ids.push(format!("e{added}"));
                        Change::PutEntity {
                            entity: entity(&format!("e{added}"), Enterprise, "新", &[]),
                        }
                    }
                    7 => Change::PutEntity {
                        entity: entity(&pick(&mut next), University, "改名", &[]),
                    },
                    _ => Change::DeleteEntity { id: pick(&mut next) },
                };
                batch.push(change);
            }
            for change in graph.apply_fitting(batch) {
                match change {
                    Change::PutRelation { relation: r } => {
                        model.insert((r.from, r.to, r.kind));
                    }
                    Change::DeleteRelation { from, to, kind } => {
                        model.remove(&(from, to, kind));
                    }
                    Change::DeleteEntity { id } => model.retain(|(a, b, _)| *a != id && *b != id),
                    Change::PutEntity { .. } | Change::PutDocument { .. } => {}
                }
            }
            // the rows are those a build from scratch gives the same relations
            let m = graph.relation_count() as u32;
            let first: Vec<u32> = entity_range(graph.entity_slots())
                .map(|v| graph.adjacency.first_outgoing(v).get())
                .chain([m])
                .collect();
            let to: Vec<EntityIndex> = graph.relation_list().map(|(_, _, to)| to).collect();
            let kind = graph.relation_positions().map(|r| graph.relation_kind(r)).collect();
            assert_eq!(
                graph.adjacency,
                Adjacency::build(first, &to, kind).unwrap(),
                "round {round}"
            );
            // each relation reads its own record and date; together they are the model
            let seen = relations_read_back(&graph);
            assert_eq!(seen, model, "round {round}");
        }
    }
}

//! The knowledge graph as the suggester's [`EntityDirectory`]: entity
//! positions are the graph's table positions, so a suggester built from a
//! graph answers for that graph and the graphs its changes lead to, until
//! a compaction renumbers them.

use crate::graph::{EntityIndex, KnowledgeGraph};
use crate::model::EntityKind;
use crate::search::{EntityDirectory, ListedEntity};

impl EntityDirectory for KnowledgeGraph {
    fn entity_slots(&self) -> usize {
        KnowledgeGraph::entity_slots(self)
    }

    fn entity(&self, position: u32) -> ListedEntity<'_, impl Iterator<Item = &str> + Send + '_> {
        let entity = self.entity_at(EntityIndex::new(position));
        ListedEntity {
            id: entity.id,
            kind: entity.kind,
            names: entity.names(),
        }
    }

    fn kind(&self, position: u32) -> EntityKind {
        self.kind_at(EntityIndex::new(position))
    }

    fn degree(&self, position: u32) -> usize {
        KnowledgeGraph::degree(self, EntityIndex::new(position))
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::{test_entity as entity, test_relation as relation, KnowledgeGraph};
    use crate::model::{EntityKind, RelationKind};
    use crate::search::{EntityDirectory, Suggester};

    #[test]
    fn lists_the_graph_by_position() {
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("a", EntityKind::Enterprise, "甲公司", &["甲"]),
                entity("b", EntityKind::Zone, "乙园区", &[]),
            ],
            vec![relation("a", "b", RelationKind::LocatedIn)],
        )
        .unwrap();
        assert_eq!(EntityDirectory::entity_slots(&graph), 2);
        let a = graph.position_of_id("a").unwrap().get();
        let listed = EntityDirectory::entity(&graph, a);
        assert_eq!((listed.id, listed.kind), ("a", EntityKind::Enterprise));
        assert_eq!(listed.names.collect::<Vec<_>>(), ["甲公司", "甲"]);
        let b = graph.position_of_id("b").unwrap().get();
        assert_eq!(EntityDirectory::kind(&graph, b), EntityKind::Zone);
        assert_eq!(EntityDirectory::degree(&graph, b), 1);

        let suggester = Suggester::build(&graph);
        let found = suggester.suggest(&graph, "jia", 5).unwrap();
        assert_eq!(found.suggestions[0].entity.id, "a");
    }
}

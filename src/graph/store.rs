//! The graph's tables and its petgraph adjacency, the binary snapshot they
//! are saved in, and resolution of ids, names and aliases.

use std::collections::HashMap;
use std::path::Path;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::views::{EntityRef, EntityView, RelationView};
use crate::model::{Entity, EntityKind, Evidence, Relation, RelationKind};
use crate::text::normalize;
use crate::{Error, Result};

/// The in-memory knowledge graph.
///
/// Node weights are indices into `entities`, edge weights indices into
/// `relations`; the records themselves live once, in those tables.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    entities: Vec<Entity>,
    relations: Vec<Relation>,
    graph: StableDiGraph<u32, u32>,
    /// `node_of[i]` is the node of `entities[i]`.
    node_of: Vec<NodeIndex>,
    by_id: HashMap<String, u32>,
    /// Normalised name or alias → entities that carry it.
    by_name: HashMap<String, Vec<u32>>,
    /// Whole-graph measures, computed on first use.
    pub(crate) pagerank: std::sync::OnceLock<Vec<f32>>,
    pub(crate) clusters: std::sync::OnceLock<super::clusters::Clustering>,
}

/// Snapshot form of an entity: `props` as JSON text, since the binary
/// format cannot carry self-describing values. Borrowed when writing,
/// owned when reading (`S` is `&str` or `String`).
#[derive(Serialize, Deserialize)]
struct StoredEntity<S> {
    id: S,
    kind: EntityKind,
    name: S,
    aliases: Vec<S>,
    description: S,
    industry: Vec<S>,
    location: S,
    props: String,
}

#[derive(Serialize, Deserialize)]
struct StoredEvidence<S> {
    doc: S,
    quote: S,
}

#[derive(Serialize, Deserialize)]
struct StoredRelation<S> {
    from: u32,
    to: u32,
    kind: RelationKind,
    since: Option<S>,
    amount: Option<f64>,
    unit: Option<S>,
    props: String,
    evidence: Vec<StoredEvidence<S>>,
}

#[derive(Serialize, Deserialize)]
struct Snapshot<S> {
    entities: Vec<StoredEntity<S>>,
    relations: Vec<StoredRelation<S>>,
}

fn props_to_text(props: &serde_json::Map<String, serde_json::Value>) -> String {
    if props.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(props.clone()).to_string()
    }
}

fn props_from_text(text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    if text.is_empty() {
        return Ok(serde_json::Map::new());
    }
    serde_json::from_str(text).map_err(|e| Error::Serialization(format!("snapshot props: {e}")))
}

/// Parses relation properties, remembering the last few distinct texts:
/// most relations of a large graph share a handful of property sets (often
/// none or `{"synthetic":true}`), and copying a parsed map is far cheaper
/// than parsing it again.
#[derive(Default)]
struct PropsCache {
    recent: Vec<(String, serde_json::Map<String, serde_json::Value>)>,
}

impl PropsCache {
    const SIZE: usize = 8;

    fn parse(&mut self, text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
        if text.is_empty() {
            return Ok(serde_json::Map::new());
        }
        if let Some((_, parsed)) = self.recent.iter().find(|(t, _)| t == text) {
            return Ok(parsed.clone());
        }
        let parsed = props_from_text(text)?;
        if self.recent.len() == Self::SIZE {
            self.recent.remove(0);
        }
        self.recent.push((text.to_string(), parsed.clone()));
        Ok(parsed)
    }
}

impl KnowledgeGraph {
    /// Builds the graph from validated records.
    ///
    /// Fails with [`Error::CorruptIndex`] if a relation names an unknown id
    /// (a validated corpus never does).
    pub fn from_records(entities: Vec<Entity>, relations: Vec<Relation>) -> Result<KnowledgeGraph> {
        let by_id: HashMap<&str, u32> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i as u32))
            .collect();
        let endpoints = relations
            .iter()
            .enumerate()
            .map(|(index, relation)| {
                let endpoint = |id: &str| {
                    by_id.get(id).copied().ok_or_else(|| Error::CorruptIndex {
                        path: Default::default(),
                        reason: format!("relation {index} names unknown entity `{id}`"),
                    })
                };
                Ok((endpoint(&relation.from)?, endpoint(&relation.to)?))
            })
            .collect::<Result<Vec<(u32, u32)>>>()?;
        drop(by_id);
        Ok(KnowledgeGraph::assemble(entities, relations, endpoints))
    }

    /// Builds the indexes over tables whose relation endpoints are already
    /// resolved to entity positions.
    fn assemble(entities: Vec<Entity>, relations: Vec<Relation>, endpoints: Vec<(u32, u32)>) -> KnowledgeGraph {
        debug_assert_eq!(relations.len(), endpoints.len());
        let mut graph = StableDiGraph::with_capacity(entities.len(), relations.len());
        let node_of: Vec<NodeIndex> = (0..entities.len() as u32).map(|i| graph.add_node(i)).collect();
        for (index, &(from, to)) in endpoints.iter().enumerate() {
            graph.add_edge(node_of[from as usize], node_of[to as usize], index as u32);
        }
        let by_id: HashMap<String, u32> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i as u32))
            .collect();
        // Normalising names is the costly part: do it on every core.
        let normalized: Vec<Vec<String>> = entities
            .par_iter()
            .map(|e| e.names().map(normalize).collect())
            .collect();
        let mut by_name: HashMap<String, Vec<u32>> = HashMap::with_capacity(entities.len() * 2);
        for (index, names) in normalized.into_iter().enumerate() {
            let index = index as u32;
            for name in names {
                let holders = by_name.entry(name).or_default();
                if !holders.contains(&index) {
                    holders.push(index);
                }
            }
        }
        KnowledgeGraph {
            entities,
            relations,
            graph,
            node_of,
            by_id,
            by_name,
            pagerank: Default::default(),
            clusters: Default::default(),
        }
    }

    /// Writes the binary snapshot of the graph's tables to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        let snapshot = Snapshot {
            entities: self
                .entities
                .iter()
                .map(|e| StoredEntity {
                    id: e.id.as_str(),
                    kind: e.kind,
                    name: e.name.as_str(),
                    aliases: e.aliases.iter().map(String::as_str).collect(),
                    description: e.description.as_str(),
                    industry: e.industry.iter().map(String::as_str).collect(),
                    location: e.location.as_str(),
                    props: props_to_text(&e.props),
                })
                .collect(),
            relations: self
                .relations
                .iter()
                .map(|r| StoredRelation {
                    from: self.by_id[&r.from],
                    to: self.by_id[&r.to],
                    kind: r.kind,
                    since: r.since.as_deref(),
                    amount: r.amount,
                    unit: r.unit.as_deref(),
                    props: props_to_text(&r.props),
                    evidence: r
                        .evidence
                        .iter()
                        .map(|e| StoredEvidence {
                            doc: e.doc.as_str(),
                            quote: e.quote.as_str(),
                        })
                        .collect(),
                })
                .collect(),
        };
        let bytes = postcard::to_stdvec(&snapshot).map_err(|e| Error::Serialization(e.to_string()))?;
        drop(snapshot);
        crate::store::write_durably(path, &bytes)
    }

    /// Loads a snapshot written by [`KnowledgeGraph::save`].
    pub fn load(path: &Path) -> Result<KnowledgeGraph> {
        let started = std::time::Instant::now();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let snapshot: Snapshot<String> = postcard::from_bytes(&bytes).map_err(|e| Error::CorruptIndex {
            path: path.to_path_buf(),
            reason: format!("graph snapshot does not decode: {e}"),
        })?;
        drop(bytes);
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "snapshot decoded");
        let entities = snapshot
            .entities
            .into_par_iter()
            .map(|e| {
                Ok(Entity {
                    props: props_from_text(&e.props)?,
                    id: e.id,
                    kind: e.kind,
                    name: e.name,
                    aliases: e.aliases,
                    description: e.description,
                    industry: e.industry,
                    location: e.location,
                })
            })
            .collect::<Result<Vec<Entity>>>()?;
        let count = entities.len();
        let (relations, endpoints): (Vec<Relation>, Vec<(u32, u32)>) = snapshot
            .relations
            .into_par_iter()
            .map_init(PropsCache::default, |cache, r| {
                if r.from as usize >= count || r.to as usize >= count {
                    return Err(Error::CorruptIndex {
                        path: path.to_path_buf(),
                        reason: format!("a relation names entity #{}, beyond the table", r.from.max(r.to)),
                    });
                }
                let relation = Relation {
                    from: entities[r.from as usize].id.clone(),
                    to: entities[r.to as usize].id.clone(),
                    props: cache.parse(&r.props)?,
                    kind: r.kind,
                    since: r.since,
                    amount: r.amount,
                    unit: r.unit,
                    evidence: r
                        .evidence
                        .into_iter()
                        .map(|e| Evidence {
                            doc: e.doc,
                            quote: e.quote,
                        })
                        .collect(),
                };
                Ok((relation, (r.from, r.to)))
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "tables rebuilt");
        let graph = KnowledgeGraph::assemble(entities, relations, endpoints);
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "graph assembled");
        Ok(graph)
    }

    /// Every entity, in table order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Every relation, in table order.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// Table index of an entity known to exist (relations always name
    /// existing entities).
    pub(crate) fn index_of(&self, id: &str) -> u32 {
        self.by_id[id]
    }

    pub(crate) fn entity_at(&self, index: u32) -> &Entity {
        &self.entities[index as usize]
    }

    pub(crate) fn relation_at(&self, index: u32) -> &Relation {
        &self.relations[index as usize]
    }

    pub(crate) fn node(&self, index: u32) -> NodeIndex {
        self.node_of[index as usize]
    }

    pub(crate) fn petgraph(&self) -> &StableDiGraph<u32, u32> {
        &self.graph
    }

    /// Looks an entity up by id, then by name, then by alias (names and
    /// aliases compared after normalisation).
    ///
    /// Returns the entity's table index, [`Error::EntityNotFound`], or
    /// [`Error::AmbiguousName`] listing the candidates.
    pub fn resolve(&self, key: &str) -> Result<u32> {
        let key = key.trim();
        if let Some(&index) = self.by_id.get(key) {
            return Ok(index);
        }
        let normalized = normalize(key);
        let Some(holders) = self.by_name.get(&normalized) else {
            return Err(Error::EntityNotFound { id: key.to_string() });
        };
        // A main name beats an alias: `高测股份` names one entity even if
        // another lists it as an alias.
        let by_main_name: Vec<u32> = holders
            .iter()
            .copied()
            .filter(|&i| normalize(&self.entities[i as usize].name) == normalized)
            .collect();
        let candidates = if by_main_name.is_empty() {
            holders.clone()
        } else {
            by_main_name
        };
        match candidates.as_slice() {
            [single] => Ok(*single),
            _ => Err(Error::AmbiguousName {
                name: key.to_string(),
                candidates: candidates
                    .iter()
                    .map(|&i| {
                        let e = &self.entities[i as usize];
                        format!("{} ({} {})", e.id, e.kind.label(), e.name)
                    })
                    .collect(),
            }),
        }
    }

    /// Resolves `key` and returns the entity.
    pub fn entity(&self, key: &str) -> Result<&Entity> {
        self.resolve(key).map(|i| self.entity_at(i))
    }

    /// The edges touching a node in either direction, with whether each
    /// leaves the node.
    pub(crate) fn incident_edges(
        &self,
        node: NodeIndex,
    ) -> impl Iterator<Item = (EdgeIndex, NodeIndex, u32, bool)> + '_ {
        let outgoing = self
            .graph
            .edges_directed(node, Direction::Outgoing)
            .map(|e| (e.id(), e.target(), *e.weight(), true));
        let incoming = self
            .graph
            .edges_directed(node, Direction::Incoming)
            .map(|e| (e.id(), e.source(), *e.weight(), false));
        outgoing.chain(incoming)
    }

    /// The entity and all of its relations, strongest kinds first.
    pub fn entity_view(&self, key: &str) -> Result<EntityView> {
        let index = self.resolve(key)?;
        let node = self.node(index);
        let mut relations: Vec<RelationView> = self
            .incident_edges(node)
            .map(|(_, other, relation_index, outgoing)| {
                let relation = self.relation_at(relation_index);
                let other = self.entity_at(self.graph[other]);
                RelationView {
                    kind: relation.kind,
                    direction: if outgoing { "out" } else { "in" }.to_string(),
                    other: EntityRef::from(other),
                    since: relation.since.clone(),
                    amount: relation.amount,
                    unit: relation.unit.clone(),
                    props: relation.props.clone(),
                    evidence: relation.evidence.clone(),
                }
            })
            .collect();
        relations.sort_by(|a, b| {
            b.kind
                .strength()
                .total_cmp(&a.kind.strength())
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| a.other.id.cmp(&b.other.id))
        });
        Ok(EntityView {
            entity: self.entity_at(index).clone(),
            relations,
        })
    }

    /// Number of relations an entity takes part in.
    pub fn degree(&self, index: u32) -> usize {
        let node = self.node(index);
        self.graph.edges_directed(node, Direction::Outgoing).count()
            + self.graph.edges_directed(node, Direction::Incoming).count()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn entity(id: &str, kind: EntityKind, name: &str, aliases: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            kind,
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            description: String::new(),
            industry: vec![],
            location: String::new(),
            props: Default::default(),
        }
    }

    pub(crate) fn relation(from: &str, to: &str, kind: RelationKind) -> Relation {
        Relation {
            from: from.into(),
            to: to.into(),
            kind,
            since: None,
            amount: None,
            unit: None,
            props: Default::default(),
            evidence: vec![Evidence {
                doc: "d".into(),
                quote: format!("{from} {kind} {to}"),
            }],
        }
    }

    #[test]
    fn resolves_ids_names_and_aliases() {
        let graph = KnowledgeGraph::from_records(
            vec![
                entity("a", EntityKind::Enterprise, "高测股份", &["青岛高测科技股份有限公司"]),
                entity("b", EntityKind::Enterprise, "甲", &["同名"]),
                entity("c", EntityKind::Enterprise, "乙", &["同名"]),
                entity("d", EntityKind::Enterprise, "ＡＢＣ", &[]),
            ],
            vec![],
        )
        .unwrap();
        assert_eq!(graph.resolve("a").unwrap(), 0);
        assert_eq!(graph.resolve("高测股份").unwrap(), 0);
        assert_eq!(graph.resolve(" 青岛高测科技股份有限公司 ").unwrap(), 0);
        assert_eq!(graph.resolve("abc").unwrap(), 3);
        match graph.resolve("同名") {
            Err(Error::AmbiguousName { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(graph.resolve("无此"), Err(Error::EntityNotFound { .. })));
    }

    #[test]
    fn snapshot_round_trip() {
        let mut first = entity("a", EntityKind::University, "康复大学", &[]);
        first
            .props
            .insert("level".into(), serde_json::json!({"rank": 1, "tags": ["x"]}));
        let graph = KnowledgeGraph::from_records(
            vec![first, entity("b", EntityKind::Zone, "青岛高新区", &[])],
            vec![relation("a", "b", RelationKind::LocatedIn)],
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.bin");
        graph.save(&path).unwrap();
        let loaded = KnowledgeGraph::load(&path).unwrap();
        assert_eq!(loaded.entities(), graph.entities());
        assert_eq!(loaded.relations(), graph.relations());
        let view = loaded.entity_view("康复大学").unwrap();
        assert_eq!(view.relations.len(), 1);
        assert_eq!(view.relations[0].direction, "out");
        assert_eq!(view.relations[0].other.id, "b");
    }

    #[test]
    fn props_cache_gives_what_parsing_gives() {
        let mut cache = PropsCache::default();
        for round in 0..3 {
            for i in 0..12 {
                let text = format!("{{\"n\":{i},\"synthetic\":true}}");
                assert_eq!(
                    cache.parse(&text).unwrap(),
                    props_from_text(&text).unwrap(),
                    "round {round}"
                );
            }
        }
        assert!(cache.recent.len() <= PropsCache::SIZE);
        assert!(cache.parse("").unwrap().is_empty());
        assert!(cache.parse("{broken").is_err());
    }

    #[test]
    fn corrupt_snapshot_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.bin");
        std::fs::write(&path, b"\xff\xff\xff\xff garbage").unwrap();
        assert!(matches!(KnowledgeGraph::load(&path), Err(Error::CorruptIndex { .. })));
    }
}

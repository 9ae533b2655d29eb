//! Groups of entities: connected components, and communities found by
//! label propagation, with their sizes and best-connected members.

use std::collections::HashMap;

use petgraph::unionfind::UnionFind;
use serde::{Deserialize, Serialize};

use super::measures::Clustering;
use super::numbering::{entity_range, EntityIndex};
use super::tables::KnowledgeGraph;
use crate::model::EntityRef;
use crate::{params, Error, Result};

/// Most clusters a listing returns.
pub const MAX_CLUSTERS: usize = 500;
/// Members shown per cluster.
const TOP_MEMBERS: usize = 5;
/// Label propagation rounds at most.
const PROPAGATION_ROUNDS: usize = 10;

/// How clusters are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ClusterMethod {
    /// Connected components: entities linked by any chain of relations.
    Components,
    /// Label propagation: densely linked groups inside components.
    Communities,
}

impl std::str::FromStr for ClusterMethod {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "components" => Ok(ClusterMethod::Components),
            "communities" => Ok(ClusterMethod::Communities),
            _ => Err(format!("unknown method `{s}`, expected components or communities")),
        }
    }
}

/// A clusters query: the CLI's `clusters` options and
/// `/api/graph/clusters`'s parameters.
#[derive(Debug, Clone, Deserialize, clap::Args)]
#[serde(default, deny_unknown_fields)]
pub struct ClustersRequest {
    /// components or communities.
    #[arg(long, default_value = "components")]
    #[serde(deserialize_with = "params::parsed")]
    pub method: ClusterMethod,
    /// Most clusters listed (1 to 500).
    #[arg(long, default_value_t = DEFAULT_CLUSTERS)]
    #[serde(deserialize_with = "params::number")]
    pub limit: usize,
}

/// Clusters listed unless asked for another number.
pub const DEFAULT_CLUSTERS: usize = 20;

impl Default for ClustersRequest {
    fn default() -> Self {
        ClustersRequest {
            method: ClusterMethod::Components,
            limit: DEFAULT_CLUSTERS,
        }
    }
}

/// One cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Rank of the cluster by size, from 1.
    pub rank: usize,
    pub size: usize,
    /// The members with the most relations.
    pub top_members: Vec<EntityRef>,
}

/// Clusters, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClustersResponse {
    pub method: ClusterMethod,
    /// Number of clusters in the whole graph.
    pub total: usize,
    pub results: Vec<Cluster>,
}

/// The most frequent value of a sorted, non-empty slice; the smallest of
/// those equally frequent.
fn most_frequent(sorted: &[u32]) -> u32 {
    let (mut best, mut best_count) = (sorted[0], 0usize);
    let mut run_start = 0;
    for at in 1..=sorted.len() {
        if at == sorted.len() || sorted[at] != sorted[run_start] {
            if at - run_start > best_count {
                (best, best_count) = (sorted[run_start], at - run_start);
            }
            run_start = at;
        }
    }
    best
}

impl KnowledgeGraph {
    fn clustering(&self) -> &Clustering {
        self.measures().clustering.get_or_init(|| {
            let n = self.entity_slots();
            let mut components = UnionFind::<u32>::new(n);
            for (_, a, b) in self.relation_list() {
                components.union(a.get(), b.get());
            }
            let components: Vec<u32> = components.into_labeling();

            // Label propagation, in index order for determinism: each entity
            // takes the label most of its neighbours carry (ties: smallest).
            let mut labels: Vec<u32> = (0..n as u32).collect();
            // the neighbours' labels, sorted, so that equal ones are runs
            let mut around: Vec<u32> = Vec::new();
            for _ in 0..PROPAGATION_ROUNDS {
                let mut changed = 0usize;
                for entity in entity_range(n) {
                    let neighbours = self.adjacency().neighbors(entity);
                    if neighbours.is_empty() {
                        continue;
                    }
                    around.clear();
                    around.extend(neighbours.iter().map(|&other| labels[other.index()]));
                    around.sort_unstable();
                    let best = most_frequent(&around);
                    if best != labels[entity.index()] {
                        labels[entity.index()] = best;
                        changed += 1;
                    }
                }
                if changed == 0 {
                    break;
                }
            }
            Clustering {
                components,
                communities: labels,
            }
        })
    }

    /// The `limit` largest clusters by `method`.
    ///
    /// # Complexity
    /// Components: O(V + E α). Communities: O(R · (V + E)) for at most 10
    /// rounds. Both computed once per opened graph and cached.
    pub fn clusters(&self, method: ClusterMethod, limit: usize) -> Result<ClustersResponse> {
        if limit == 0 || limit > MAX_CLUSTERS {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_CLUSTERS}"),
            ));
        }
        let clustering = self.clustering();
        let labels = match method {
            ClusterMethod::Components => &clustering.components,
            ClusterMethod::Communities => &clustering.communities,
        };
        let mut members: HashMap<u32, Vec<EntityIndex>> = HashMap::new();
        for entity in self.live_positions() {
            members.entry(labels[entity.index()]).or_default().push(entity);
        }
        let total = members.len();
        let mut groups: Vec<Vec<EntityIndex>> = members.into_values().collect();
        groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        groups.truncate(limit);
        let results = groups
            .into_iter()
            .enumerate()
            .map(|(rank, mut group)| {
                let size = group.len();
                let by_degree = |a: &EntityIndex, b: &EntityIndex| self.degree(*b).cmp(&self.degree(*a)).then(a.cmp(b));
                if group.len() > TOP_MEMBERS {
                    group.select_nth_unstable_by(TOP_MEMBERS - 1, by_degree);
                    group.truncate(TOP_MEMBERS);
                }
                group.sort_by(by_degree);
                Cluster {
                    rank: rank + 1,
                    size,
                    top_members: group.iter().map(|&i| EntityRef::from(self.entity_at(i))).collect(),
                }
            })
            .collect();
        Ok(ClustersResponse { method, total, results })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::{entity, relation};
    use crate::model::{EntityKind, RelationKind};

    #[test]
    fn components_and_communities() {
        // two triangles joined by one bridge, and a lone pair
        let ids = ["a", "b", "c", "d", "e", "f", "x", "y"];
        let entities = ids
            .iter()
            .map(|id| entity(id, EntityKind::Enterprise, &id.to_uppercase(), &[]))
            .collect();
        let links = [
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("d", "e"),
            ("e", "f"),
            ("f", "d"),
            ("c", "d"),
            ("x", "y"),
        ];
        let relations = links
            .iter()
            .map(|(a, b)| relation(a, b, RelationKind::CollaboratesWith))
            .collect();
        let graph = KnowledgeGraph::from_records(entities, relations).unwrap();
        let components = graph.clusters(ClusterMethod::Components, 10).unwrap();
        assert_eq!(components.total, 2);
        assert_eq!(components.results[0].size, 6);
        assert_eq!(components.results[1].size, 2);
        let communities = graph.clusters(ClusterMethod::Communities, 10).unwrap();
        assert!(communities.total >= 2);
        assert!(communities.results[0].size <= 6);
        assert!(communities.results.iter().map(|c| c.size).sum::<usize>() == 8);
    }

    #[test]
    fn most_frequent_label_and_its_ties() {
        assert_eq!(most_frequent(&[4]), 4);
        assert_eq!(most_frequent(&[1, 2, 2, 3]), 2);
        assert_eq!(most_frequent(&[1, 1, 2, 2, 3]), 1, "ties: the smallest");
        assert_eq!(most_frequent(&[1, 3, 3, 3]), 3);
    }
}

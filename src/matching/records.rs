//! Track records: how many enterprises each researcher and research
//! organisation has worked with (the `popularity` signal). They are
//! counted once per version of the graph, by its first match, and a write
//! carries them to the graph it makes by counting again only the parties
//! its changes can have touched ([`carry_track_records`]), so that matches
//! after a write do not count every record anew.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::profile::{self, is_tie, HUB_DEGREE};
use crate::graph::{EntityIndex, KnowledgeGraph, TrackRecords};
use crate::model::{Change, EntityKind, RelationKind};

/// Parties a write may touch for its track records to be carried; past
/// it, the next match counts them anew.
const CARRIED_AT_MOST: usize = 5_000;

/// The researchers and research organisations that have worked with
/// enterprises, with how many, most first; computed on a graph's first
/// match that weighs track records and kept with its measures.
///
/// # Complexity
/// A pass over the live entities, and the ties of every person and
/// research organisation.
pub(super) fn experienced(graph: &KnowledgeGraph) -> &TrackRecords {
    graph.measures().experienced.get_or_init(|| {
        let counts = graph
            .live_positions()
            .filter_map(|position| Some((position, record_of(graph, position)?)))
            .collect();
        Arc::new(ranked(counts))
    })
}

/// `entity`'s count when it is a researcher (a person of a university or
/// institute) or a research organisation that has worked with an
/// enterprise.
fn record_of(graph: &KnowledgeGraph, entity: EntityIndex) -> Option<u32> {
    if !graph.is_live(entity) {
        return None;
    }
    let counted = match graph.kind_at(entity) {
        EntityKind::Person => profile::is_researcher(graph, entity),
        kind => profile::is_research_org(kind),
    };
    let count = if counted { popularity(graph, entity) as u32 } else { 0 };
    (count > 0).then_some(count)
}

/// Track records of `counts`, ranked most first (ties by position).
fn ranked(counts: HashMap<EntityIndex, u32>) -> TrackRecords {
    let mut ranked: Vec<(EntityIndex, u32)> = counts.iter().map(|(&e, &c)| (e, c)).collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.index().cmp(&b.0.index())));
    TrackRecords { ranked, counts }
}

/// How many enterprises `entity` has worked with: those it is tied to,
/// and for a researcher also those that took up a patent of theirs (a
/// transfer or a licence).
pub(super) fn popularity(graph: &KnowledgeGraph, entity: EntityIndex) -> usize {
    let is_enterprise = |kind: EntityKind| kind == EntityKind::Enterprise;
    let mut tied: HashSet<EntityIndex> = profile::ties_of(graph, entity, &is_enterprise).into_keys().collect();
    if graph.kind_at(entity) == EntityKind::Person && graph.degree(entity) <= profile::HUB_DEGREE {
        for invented in graph.adjacency().edges(entity) {
            if invented.kind != RelationKind::InventorOf || !invented.outgoing {
                continue;
            }
            let patent = invented.neighbor;
            if graph.degree(patent) > profile::HUB_DEGREE {
                continue;
            }
            for deal in graph.adjacency().edges(patent) {
                let taken_up = matches!(deal.kind, RelationKind::TransferredTo | RelationKind::LicensedTo);
                if taken_up && deal.outgoing && is_enterprise(graph.kind_at(deal.neighbor)) {
                    tied.insert(deal.neighbor);
                }
            }
        }
    }
    tied.len()
}

/// Relations a track record is read along: ties, patent deals, who filed
/// and who invented a patent.
fn carries_records(kind: RelationKind) -> bool {
    is_tie(kind)
        || matches!(
            kind,
            RelationKind::TransferredTo
                | RelationKind::LicensedTo
                | RelationKind::ApplicantOf
                | RelationKind::InventorOf
        )
}

/// Degrees past which a record is read otherwise (a hub's ties are not
/// followed, an organisation's parts are not read).
const DEGREE_LIMITS: [usize; 2] = [HUB_DEGREE, 20 * HUB_DEGREE];

/// Carries the track records of `before` (when a match has counted them)
/// to `after`, the graph a write of `changes` made from it, before anyone
/// reads `after`: only the parties whose record can read a changed
/// relation are counted again, and every other count is kept. A record
/// reads its party's own relations, those of its people and patents when
/// it is an organisation, and the deals of the patents a researcher
/// invented; so a relation touching `x` can change the records of `x`, of
/// the organisations of `x` (a person) and of the organisations that filed
/// and the people who invented `x` (a patent), as they are before and
/// after the write. A relation of another kind only counts when it moves
/// an end's degree past a limit records are read by. Entities keep their
/// positions from one graph to the next until a fold, which makes a graph
/// without measures. Nothing is carried when a change deletes an entity,
/// changes an entity's kind, or touches too many parties: the next match
/// then counts every record.
pub fn carry_track_records(before: &KnowledgeGraph, after: &KnowledgeGraph, changes: &[Change]) {
    let Some(records) = before.measures().experienced.get() else {
        return;
    };
    let mut touched: HashSet<EntityIndex> = HashSet::new();
    for change in changes {
        let (from, to, kind) = match change {
            Change::PutRelation { relation } => (relation.from.as_str(), relation.to.as_str(), relation.kind),
            Change::DeleteRelation { from, to, kind } => (from.as_str(), to.as_str(), *kind),
            Change::DeleteEntity { .. } => return,
            Change::PutEntity { entity } => match before.position_of_id(&entity.id) {
                Some(at) if before.kind_at(at) != entity.kind => return,
                _ => continue,
            },
            Change::PutDocument { .. } => continue,
        };
        for id in [from, to] {
            let Some(end) = after.position_of_id(id).or_else(|| before.position_of_id(id)) else {
                continue;
            };
            let (was, is) = (degree_in(before, end), degree_in(after, end));
            if !carries_records(kind) && !DEGREE_LIMITS.iter().any(|&limit| (was > limit) != (is > limit)) {
                continue;
            }
            touched.insert(end);
            for graph in [before, after] {
                if end.index() < graph.entity_slots() {
                    touched.extend(readers_of(graph, end));
                }
            }
            if touched.len() > CARRIED_AT_MOST {
                return;
            }
        }
    }
    // most writes change no count (a relation between enterprises, a
    // mention): the table is shared as it is
    let changed: Vec<(EntityIndex, Option<u32>)> = touched
        .into_iter()
        .map(|party| (party, record_of(after, party)))
        .filter(|(party, count)| records.counts.get(party).copied() != *count)
        .collect();
    if changed.is_empty() {
        let _ = after.measures().experienced.set(Arc::clone(records));
        return;
    }
    let mut counts = records.counts.clone();
    let mut ranked_list = records.ranked.clone();
    let moved: HashSet<EntityIndex> = changed.iter().map(|&(party, _)| party).collect();
    ranked_list.retain(|(party, _)| !moved.contains(party));
    for &(party, count) in &changed {
        match count {
            Some(count) => {
                counts.insert(party, count);
                let at = ranked_list.partition_point(|&(p, c)| {
                    (c, std::cmp::Reverse(p.index())) > (count, std::cmp::Reverse(party.index()))
                });
                ranked_list.insert(at, (party, count));
            }
            None => {
                counts.remove(&party);
            }
        }
    }
    let _ = after.measures().experienced.set(Arc::new(TrackRecords {
        ranked: ranked_list,
        counts,
    }));
}

/// The parties besides `x` whose record reads the relations of `x`: the
/// organisations of a person; the filers and inventors of a patent.
fn readers_of(graph: &KnowledgeGraph, x: EntityIndex) -> Vec<EntityIndex> {
    match graph.kind_at(x) {
        EntityKind::Person => profile::organisations_of(graph, x),
        EntityKind::Patent => graph
            .adjacency()
            .edges(x)
            .filter(|edge| !edge.outgoing && matches!(edge.kind, RelationKind::ApplicantOf | RelationKind::InventorOf))
            .map(|edge| edge.neighbor)
            .collect(),
        _ => Vec::new(),
    }
}

/// `entity`'s degree in `graph`, 0 when `graph` does not hold it yet.
fn degree_in(graph: &KnowledgeGraph, entity: EntityIndex) -> usize {
    if entity.index() < graph.entity_slots() {
        graph.degree(entity)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Relation;

    /// Records carried through writes are those counted anew, change after
    /// change: ties added and removed, affiliations, patents filed and
    /// invented, deals, and relations records are not read along.
    #[test]
    fn carried_records_are_those_counted_anew() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("corpus");
        let config = crate::synth::GenConfig {
            entities: 3_000,
            seed: 3,
            out: out.clone(),
            force: false,
        };
        crate::synth::generate(&config, &mut |_, _| {}).unwrap();
        let corpus = crate::corpus::load(&out).unwrap();
        let ids: HashSet<&str> = corpus.entities.iter().map(|e| e.id.as_str()).collect();
        let mut relations: Vec<Relation> = corpus
            .relations
            .iter()
            .filter(|r| ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()))
            .cloned()
            .collect();
        // the last relations of every kind records are read along, and some
        // others, are written one at a time
        let mut later: Vec<Relation> = Vec::new();
        let mut at = relations.len();
        while later.len() < 120 && at > 0 {
            at -= 1;
            if carries_records(relations[at].kind) || at.is_multiple_of(7) {
                later.push(relations.remove(at));
            }
        }
        let mut graph = KnowledgeGraph::from_records(corpus.entities.clone(), relations.clone()).unwrap();
        experienced(&graph);
        let mut changes: Vec<Change> = later
            .iter()
            .cloned()
            .map(|relation| Change::PutRelation { relation })
            .collect();
        // and some of the first relations are deleted
        for relation in relations
            .iter()
            .filter(|r| carries_records(r.kind))
            .step_by(97)
            .take(30)
        {
            changes.push(Change::DeleteRelation {
                from: relation.from.clone(),
                to: relation.to.clone(),
                kind: relation.kind,
            });
        }
        let mut carried = 0;
        for change in changes {
            let mut next = KnowledgeGraph::clone(&graph);
            next.apply(change.clone()).unwrap();
            carry_track_records(&graph, &next, std::slice::from_ref(&change));
            if let Some(records) = next.measures().experienced.get() {
                carried += 1;
                let fresh = KnowledgeGraph::clone(&next);
                assert_eq!(records.ranked, experienced(&fresh).ranked, "after {change:?}");
            }
            experienced(&next);
            graph = next;
        }
        assert!(carried > 100, "{carried}");
    }
}

//! Reading the entity keys users type. An id (in any case), a name or an
//! alias names its entity. A key that names none but is the beginning of
//! exactly one entity's name or alias (`康道` for 康道医疗) is read as that
//! entity, and the answer says so. Otherwise the not-found error lists the
//! entities the user may have meant, from name completion and from search.

use std::collections::BTreeMap;

use super::Engine;
use crate::search::{SearchRequest, MAX_SUGGESTIONS};
use crate::{Error, Result};

/// Candidates a not-found error lists at most.
const CANDIDATES: usize = 5;
/// Characters a key needs before it is read as the beginning of a name.
const MIN_PREFIX_CHARS: usize = 2;

/// An entity key as the engine read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The entity's id.
    pub id: String,
    /// Whether the key was the beginning of its name or alias rather than
    /// a whole id, name or alias.
    pub by_prefix: bool,
}

impl Resolved {
    /// What an answer's `resolved_from` says of this key: the key and the
    /// id it was read as, when it was read as the beginning of a name.
    pub fn note(&self, key: &str, notes: &mut BTreeMap<String, String>) {
        if self.by_prefix {
            notes.insert(key.trim().to_string(), self.id.clone());
        }
    }
}

impl Engine {
    /// Reads an entity key: see the module documentation.
    ///
    /// Fails with [`Error::AmbiguousName`] when a whole name is shared, and
    /// with [`Error::EntityNotFound`] listing up to five candidates when the
    /// key names no entity and begins the names of none or of several.
    pub fn resolve_key(&self, key: &str) -> Result<Resolved> {
        let current = self.current();
        let graph = &current.graph;
        match graph.resolve(key) {
            Ok(entity) => Ok(Resolved {
                id: graph.entity_at(entity).id.to_string(),
                by_prefix: false,
            }),
            Err(Error::EntityNotFound { id, .. }) => self.resolve_by_prefix(&id),
            Err(other) => Err(other),
        }
    }

    fn resolve_by_prefix(&self, typed: &str) -> Result<Resolved> {
        let current = self.current();
        let graph = &current.graph;
        let suggestions = if typed.is_empty() {
            Vec::new()
        } else {
            current
                .suggester
                .suggest(&**graph, typed, MAX_SUGGESTIONS)
                .map(|response| response.suggestions)
                .unwrap_or_default()
        };
        // the one entity whose main name begins with the key, or else the
        // one whose name or an alias does
        let beginning = |vias: &[&str]| {
            let mut ids: Vec<&str> = suggestions
                .iter()
                .filter(|s| vias.contains(&s.via.as_str()))
                .map(|s| s.entity.id.as_str())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let complete = suggestions.len() < MAX_SUGGESTIONS && typed.chars().count() >= MIN_PREFIX_CHARS;
        for vias in [&["name"][..], &["name", "alias"]] {
            if let [single] = beginning(vias).as_slice() {
                if complete {
                    return Ok(Resolved {
                        id: single.to_string(),
                        by_prefix: true,
                    });
                }
            }
        }
        // candidates: completions first, then what search finds
        let mut candidates: Vec<(String, String)> = suggestions
            .iter()
            .map(|s| (s.entity.id.clone(), s.entity.name.clone()))
            .collect();
        if !typed.is_empty() {
            if let Ok(found) = self.search.search(&SearchRequest::new(typed, 10)) {
                let entities = found
                    .hits
                    .into_iter()
                    .filter(|h| h.kind != crate::search::DOCUMENT_KIND);
                candidates.extend(entities.map(|h| (h.id, h.name.unwrap_or_default())));
            }
        }
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|(id, _)| seen.insert(id.clone()));
        candidates.truncate(CANDIDATES);
        let candidates = candidates
            .into_iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect();
        Err(Error::EntityNotFound {
            id: typed.to_string(),
            candidates,
        })
    }
}

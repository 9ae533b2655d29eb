//! Record builders and a seeded random source for the graph's unit tests.

use crate::model::{Entity, EntityKind, Evidence, Relation, RelationKind};

/// A seeded xorshift: each call a number below its argument.
pub(crate) fn random_below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |bound| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound as u64) as usize
    }
}

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

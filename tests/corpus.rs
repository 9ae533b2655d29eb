//! The curated corpus: complete, valid, and every relation explained.

use std::collections::{HashMap, HashSet};

use innograph::model::{EntityKind, RelationKind};

use crate::common::curated_corpus;

#[test]
fn loads_with_zero_errors_and_real_size() {
    let corpus = innograph::corpus::load(&curated_corpus()).expect("curated corpus is valid");
    assert!(corpus.entities.len() > 40, "{} entities", corpus.entities.len());
    assert!(corpus.relations.len() > 60, "{} relations", corpus.relations.len());
    assert!(corpus.documents.len() >= 5);
    let kinds: HashSet<EntityKind> = corpus.entities.iter().map(|e| e.kind).collect();
    for kind in [
        EntityKind::Enterprise,
        EntityKind::University,
        EntityKind::Institute,
        EntityKind::Platform,
        EntityKind::Person,
        EntityKind::Product,
        EntityKind::Project,
        EntityKind::Policy,
        EntityKind::Industry,
        EntityKind::Zone,
    ] {
        assert!(kinds.contains(&kind), "no {kind} in the curated corpus");
    }
}

#[test]
fn every_relation_has_evidence_quoted_from_its_document() {
    let corpus = innograph::corpus::load(&curated_corpus()).unwrap();
    let texts: HashMap<&str, &str> = corpus
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    for relation in &corpus.relations {
        assert!(
            !relation.evidence.is_empty(),
            "{} {} {} has no evidence",
            relation.from,
            relation.kind,
            relation.to
        );
        for evidence in &relation.evidence {
            let text = texts.get(evidence.doc.as_str()).expect("cited document exists");
            assert!(
                text.contains(&evidence.quote),
                "quote not in {}: {}",
                evidence.doc,
                evidence.quote
            );
            assert!(
                evidence.quote.chars().count() >= 6,
                "quote too short to explain anything"
            );
        }
    }
}

#[test]
fn every_entity_has_a_profile_and_enterprises_their_registered_names() {
    let corpus = innograph::corpus::load(&curated_corpus()).unwrap();
    for entity in &corpus.entities {
        assert!(!entity.description.is_empty(), "{} has no profile", entity.id);
    }
    let registered = corpus
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Enterprise)
        .filter(|e| e.aliases.iter().any(|a| a.ends_with("公司")))
        .count();
    assert!(
        registered >= 10,
        "only {registered} enterprises carry a registered name"
    );
}

#[test]
fn the_seed_links_are_present() {
    let corpus = innograph::corpus::load(&curated_corpus()).unwrap();
    let has = |from: &str, kind: RelationKind, to: &str| {
        corpus
            .relations
            .iter()
            .any(|r| r.from == from && r.kind == kind && r.to == to)
    };
    assert!(has(
        "ent_xihai_bio",
        RelationKind::IncubatedBy,
        "inst_qingdao_industrial_tech"
    ));
    assert!(has(
        "per_yang_jianming",
        RelationKind::AffiliatedWith,
        "uni_qingdao_agricultural"
    ));
    assert!(has("per_yang_jianming", RelationKind::HoldsEquityIn, "ent_xihai_bio"));
    assert!(has("ent_haier_bio", RelationKind::ChainLeaderOf, "ind_biomedicine"));
    let az = corpus
        .relations
        .iter()
        .find(|r| {
            r.from == "ent_astrazeneca" && r.kind == RelationKind::InvestsIn && r.since.as_deref() == Some("2023")
        })
        .expect("the first AstraZeneca investment");
    assert_eq!((az.amount, az.unit.as_deref()), (Some(4.5), Some("亿美元")));
    let loan = corpus
        .relations
        .iter()
        .find(|r| r.from == "ent_runyang_env" && r.to == "pol_gaoxindai_2")
        .expect("the 高新贷2.0 loan");
    assert_eq!((loan.amount, loan.unit.as_deref()), (Some(500.0), Some("万元")));
}

/// The corpus states the seed's facts in its own words: no long run of
/// characters is shared with the seed. Runs only where the seed is present.
#[test]
fn no_sentence_is_copied_from_the_seed() {
    let seed_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let Ok(entries) = std::fs::read_dir(&seed_dir) else {
        eprintln!("seed not present, skipping");
        return;
    };
    const WINDOW: usize = 24;
    let mut seed_windows = HashSet::new();
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        for window in chars.windows(WINDOW) {
            seed_windows.insert(window.iter().collect::<String>());
        }
    }
    let corpus = innograph::corpus::load(&curated_corpus()).unwrap();
    let texts = corpus
        .documents
        .iter()
        .map(|d| d.text.clone())
        .chain(corpus.entities.iter().map(|e| e.description.clone()));
    for text in texts {
        let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        for window in chars.windows(WINDOW) {
            let run: String = window.iter().collect();
            assert!(!seed_windows.contains(&run), "copied from the seed: {run}");
        }
    }
}

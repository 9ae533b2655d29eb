//! `innograph gen`: deterministic, valid corpus format, every record marked
//! synthetic, the planted links consistent with the relations, and a shape
//! like a real zone's.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use innograph::model::{EntityKind, RelationKind};
use innograph::synth::{generate, GenConfig};
use serde_json::Value;

use crate::common::{run, stderr, write};

fn gen(out: &Path, entities: usize, seed: u64) {
    let config = GenConfig {
        entities,
        seed,
        out: out.to_path_buf(),
        force: false,
    };
    generate(&config, &mut |_, _| {}).expect("generation succeeds");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_other_corpus() {
    let dir = tempfile::tempdir().unwrap();
    gen(&dir.path().join("a"), 3_000, 11);
    gen(&dir.path().join("b"), 3_000, 11);
    gen(&dir.path().join("c"), 3_000, 12);
    for file in [
        "entities.jsonl",
        "relations.jsonl",
        "documents/news.jsonl",
        "truth.jsonl",
    ] {
        assert_eq!(
            read(&dir.path().join("a").join(file)),
            read(&dir.path().join("b").join(file)),
            "{file}"
        );
    }
    assert_ne!(
        read(&dir.path().join("a/entities.jsonl")),
        read(&dir.path().join("c/entities.jsonl"))
    );
}

#[test]
fn output_is_a_valid_corpus_marked_synthetic_with_a_real_shape() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("syn");
    gen(&out, 20_000, 3);
    let corpus = innograph::corpus::load(&out).expect("the generated corpus validates");
    assert_eq!(corpus.entities.len(), 20_000);
    assert!(
        corpus.relations.len() > 3 * 20_000,
        "{} relations",
        corpus.relations.len()
    );
    assert!(
        (1_500..=2_500).contains(&corpus.documents.len()),
        "{} documents",
        corpus.documents.len()
    );
    assert!(corpus
        .entities
        .iter()
        .all(|e| e.props.get("synthetic") == Some(&Value::Bool(true))));
    assert!(corpus
        .relations
        .iter()
        .all(|r| r.props.get("synthetic") == Some(&Value::Bool(true))));

    let mut kinds: HashMap<EntityKind, usize> = HashMap::new();
    for entity in &corpus.entities {
        *kinds.entry(entity.kind).or_default() += 1;
    }
    let share = |kind| kinds[&kind] as f64 / 20_000.0;
    assert!((0.40..0.55).contains(&share(EntityKind::Patent)));
    assert!((0.17..0.23).contains(&share(EntityKind::Enterprise)));
    assert!((0.17..0.23).contains(&share(EntityKind::Person)));
    assert!(kinds[&EntityKind::University] >= 2 && share(EntityKind::University) < 0.01);

    // registered names read like real ones and are unique
    let enterprises: Vec<_> = corpus
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Enterprise)
        .collect();
    assert!(enterprises.iter().all(|e| e.name.ends_with("有限公司")));
    let names: HashSet<&str> = enterprises.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), enterprises.len());
    // heavy tail: the biggest hub has far more links than the median entity
    let mut degree: HashMap<&str, usize> = HashMap::new();
    for relation in &corpus.relations {
        *degree.entry(&relation.from).or_default() += 1;
        *degree.entry(&relation.to).or_default() += 1;
    }
    let mut degrees: Vec<usize> = degree.values().copied().collect();
    degrees.sort_unstable();
    assert!(
        degrees[degrees.len() - 1] > 50 * degrees[degrees.len() / 2],
        "{degrees:?}"
    );
    // evidence comes from news articles that state the relation
    let with_evidence = corpus.relations.iter().filter(|r| !r.evidence.is_empty()).count();
    assert!(with_evidence > 5_000, "{with_evidence}");
}

#[test]
fn planted_links_match_relations_and_are_topical() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("syn");
    gen(&out, 20_000, 9);
    let corpus = innograph::corpus::load(&out).unwrap();
    let ids: HashSet<&str> = corpus.entities.iter().map(|e| e.id.as_str()).collect();
    let relations: HashSet<(&str, RelationKind, &str)> = corpus
        .relations
        .iter()
        .map(|r| (r.from.as_str(), r.kind, r.to.as_str()))
        .collect();
    let truth = read(&out.join("truth.jsonl"));
    let mut count = 0;
    for line in truth.lines() {
        let link: Value = serde_json::from_str(line).unwrap();
        let enterprise = link["enterprise"].as_str().unwrap();
        let team = link["team"].as_str().unwrap();
        for key in ["organization", "team", "enterprise"] {
            assert!(ids.contains(link[key].as_str().unwrap()), "{line}");
        }
        let kind: RelationKind = link["kind"].as_str().unwrap().parse().unwrap();
        let from = match kind {
            RelationKind::TransferredTo | RelationKind::LicensedTo => link["patent"].as_str().unwrap(),
            _ => team,
        };
        assert!(relations.contains(&(from, kind, enterprise)), "no relation for {line}");
        count += 1;
    }
    assert!(count > 300, "{count} planted links");
}

#[test]
fn refuses_to_write_over_other_data() {
    let dir = tempfile::tempdir().unwrap();
    let curated = dir.path().join("corpus");
    write(&curated, "entities.jsonl", "{}\n");
    let output = run(&["gen", "--entities", "1000", "--out", curated.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a synthetic corpus"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&curated.join("entities.jsonl")), "{}\n", "untouched");

    let synthetic = dir.path().join("syn");
    gen(&synthetic, 1_000, 1);
    let again = run(&["gen", "--entities", "1000", "--out", synthetic.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    let forced = run(&[
        "gen",
        "--entities",
        "1000",
        "--out",
        synthetic.to_str().unwrap(),
        "--force",
        "--seed",
        "2",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}

//! `innograph build`: validation before any write, atomic generations, and
//! an index that still opens after a build is killed at any moment.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use innograph::{Engine, Error};

use crate::common::{run, stderr, tiny_corpus, write};

/// The names in `dir`, sorted, but for the index's write-lock file (which
/// stays once made).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name != innograph::store::LOCK_FILE)
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn invalid_corpus_exits_2_listing_every_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    write(
        &corpus,
        "entities.jsonl",
        r#"{"id":"a","kind":"enterprise","name":"甲"}
{"id":"b","kind":"startup","name":"乙"}
"#,
    );
    write(
        &corpus,
        "relations.jsonl",
        r#"{"from":"a","to":"nobody","kind":"founded","since":"2023-02-30"}"#,
    );
    let output = run(&[
        "build",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("invalid corpus: 3 problem(s)"), "{err}");
    assert!(
        err.contains("entities.jsonl:2, field `kind`: unknown entity kind `startup`"),
        "{err}"
    );
    assert!(
        err.contains("relations.jsonl:1, field `since`: bad date `2023-02-30`"),
        "{err}"
    );
    assert!(
        err.contains("relations.jsonl:1, field `to`: unknown entity id `nobody`"),
        "{err}"
    );
    assert!(!index.exists(), "nothing may be written for an invalid corpus");
}

#[test]
fn rebuild_swaps_generations_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    tiny_corpus(&corpus);
    innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
    let first = entries(&index);
    assert_eq!(first.len(), 2, "{first:?}");
    std::fs::create_dir(index.join(".build-abandoned")).unwrap();
    write(&index, ".build-abandoned/junk", "half a build");
    innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
    let second = entries(&index);
    assert_eq!(
        second.len(),
        2,
        "old generation and abandoned build removed: {second:?}"
    );
    assert_ne!(first, second, "a new generation was written");
    let engine = Engine::open(&index).unwrap();
    assert_eq!(engine.manifest().counts.entities, 2);
    assert_eq!(engine.manifest().format_version, innograph::store::FORMAT_VERSION);
}

#[test]
fn missing_or_broken_index_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let output = run(&["search", "储能", "--index", index.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("run `innograph build` first"),
        "{}",
        stderr(&output)
    );

    std::fs::create_dir_all(&index).unwrap();
    std::fs::write(index.join("CURRENT"), "gen-missing").unwrap();
    assert!(matches!(Engine::open(&index), Err(Error::CorruptIndex { .. })));
    let output = run(&["entity", "a", "--index", index.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim().lines().count(),
        1,
        "one line: {}",
        stderr(&output)
    );
}

/// A corpus large enough that building it takes a noticeable time.
fn large_corpus(dir: &Path, entities: usize) {
    let mut lines = String::new();
    for i in 0..entities {
        lines.push_str(&format!(
            "{{\"id\":\"e{i}\",\"kind\":\"enterprise\",\"name\":\"测试企业{i}号\",\"description\":\"第{i}家企业，从事新能源储能电池与智能制造装备的研发和生产，服务高新区产业链\"}}\n"
        ));
    }
    write(dir, "entities.jsonl", &lines);
    let mut relations = String::new();
    for i in 1..entities {
        relations.push_str(&format!(
            "{{\"from\":\"e{i}\",\"to\":\"e{}\",\"kind\":\"collaborates_with\"}}\n",
            i / 2
        ));
    }
    write(dir, "relations.jsonl", &relations);
}

#[test]
fn killing_a_build_at_any_moment_leaves_the_previous_index_usable() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    let large = dir.path().join("large");
    let index = dir.path().join("index");
    tiny_corpus(&small);
    large_corpus(&large, 40_000);
    innograph::store::build(&small, &index, &mut |_| {}).unwrap();

    let mut finished = 0;
    for delay_ms in [5u64, 60, 150, 300, 600, 1000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_innograph"))
            .args([
                "build",
                "--corpus",
                large.to_str().unwrap(),
                "--index",
                index.to_str().unwrap(),
            ])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }
        let engine = Engine::open(&index).expect("index opens after a killed build");
        let count = engine.manifest().counts.entities;
        assert!(
            count == 2 || count == 40_000,
            "a complete generation is live, got {count} entities"
        );
        if count == 2 {
            assert_eq!(engine.graph().entity_slots(), 2);
        }
    }
    // Whatever happened, a later build succeeds and cleans up after the killed ones.
    innograph::store::build(&small, &index, &mut |_| {}).unwrap();
    assert_eq!(
        entries(&index).len(),
        2,
        "{:?} (builds finished: {finished})",
        entries(&index)
    );
}

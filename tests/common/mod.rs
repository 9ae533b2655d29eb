//! Shared fixtures: the curated corpus built once into a temporary index,
//! small corpora written by the tests themselves, and the CLI binary.

#![allow(dead_code)]

pub mod api;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use innograph::Engine;

/// The repository's curated corpus.
pub fn curated_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

struct Built {
    _dir: tempfile::TempDir,
    index: PathBuf,
    engine: Engine,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = dir.path().join("index");
        innograph::store::build(&curated_corpus(), &index, &mut |_| {}).expect("curated corpus builds");
        let engine = Engine::open(&index).expect("curated index opens");
        Built {
            _dir: dir,
            index,
            engine,
        }
    })
}

/// The curated corpus, built once per test run.
pub fn engine() -> &'static Engine {
    &built().engine
}

/// Index directory of the curated corpus build.
pub fn curated_index() -> &'static Path {
    &built().index
}

/// Runs the `innograph` binary with `args`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innograph"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes a file under `dir`, creating folders.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A small valid corpus: two entities, one relation, one article.
pub fn tiny_corpus(dir: &Path) {
    write(
        dir,
        "entities.jsonl",
        r#"{"id":"a","kind":"enterprise","name":"甲科技","aliases":["青岛甲科技有限公司"],"description":"研发储能电池"}
{"id":"b","kind":"university","name":"乙大学","description":"材料学科见长"}
"#,
    );
    write(
        dir,
        "relations.jsonl",
        r#"{"from":"a","to":"b","kind":"collaborates_with","since":"2024","evidence":[{"doc":"n1","quote":"甲科技与乙大学共建储能实验室"}]}"#,
    );
    write(
        dir,
        "docs.jsonl",
        r#"{"id":"n1","title":"校企合作","text":"甲科技与乙大学共建储能实验室。","date":"2024-03-01"}"#,
    );
}

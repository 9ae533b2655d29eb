//! Suggest latency at scale: builds the name index of a synthetic ecosystem
//! and times completions by Chinese prefix, full pinyin and initials.
//!
//! Run: `cargo bench --bench suggest`
//!
//! Environment:
//! - `BENCH_INDEX`: an existing index directory to open (its graph is used);
//! - otherwise `BENCH_ENTITIES` (default 1,000,000) entities are generated
//!   with seed 2026 into `BENCH_DIR` (default `/tmp/innograph-bench-suggest`)
//!   and loaded as a graph;
//! - `BENCH_ROUNDS` (default 200): calls per prefix.

use std::path::PathBuf;
use std::time::Instant;

use innograph::graph::KnowledgeGraph;
use innograph::search::Suggester;
use innograph::synth::{generate, GenConfig};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn load_graph() -> Result<KnowledgeGraph, Box<dyn std::error::Error>> {
    if let Ok(index) = std::env::var("BENCH_INDEX") {
        let engine = innograph::Engine::open(&PathBuf::from(index))?;
        return Ok(KnowledgeGraph::clone(&engine.graph()));
    }
    let entities = env_number("BENCH_ENTITIES", 1_000_000);
    let dir = PathBuf::from(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/tmp/innograph-bench-suggest".into()));
    let corpus = dir.join(format!("syn-{entities}"));
    if !corpus.join("gen.json").is_file() {
        let config = GenConfig {
            entities,
            seed: 2026,
            out: corpus.clone(),
            force: true,
        };
        generate(&config, &mut |_, _| {})?;
    }
    let started = Instant::now();
    let loaded = innograph::corpus::load(&corpus)?;
    println!(
        "loaded {} entities in {:.1} s",
        loaded.entities.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(KnowledgeGraph::from_records(loaded.entities, loaded.relations)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let graph = load_graph()?;
    let started = Instant::now();
    let suggester = Suggester::build(&graph);
    println!(
        "suggest index: {} keys over {} entities, built in {:.2} s",
        suggester.len(),
        graph.entity_slots(),
        started.elapsed().as_secs_f64()
    );
    let rounds = env_number("BENCH_ROUNDS", 200);
    let prefixes = [
        "青",
        "青岛",
        "青岛高新",
        "济南",
        "烟台",
        "华",
        "康",
        "生物",
        "中国科学院",
        "山东",
        "q",
        "qd",
        "qingdao",
        "qingdaogao",
        "jinan",
        "hua",
        "kang",
        "sheng",
        "qdgx",
        "jn",
        "zgkxy",
        "s",
        "x",
        "z",
    ];
    let mut all = Vec::new();
    println!("{:<14} {:>8} {:>10} {:>10}", "prefix", "results", "p50 µs", "p99 µs");
    for prefix in prefixes {
        let mut times = Vec::with_capacity(rounds);
        let mut results = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            let response = suggester.suggest(&graph, prefix, 10)?;
            times.push(started.elapsed().as_secs_f64() * 1e6);
            results = response.suggestions.len();
        }
        assert!(results > 0, "`{prefix}` completes to nothing: the index is broken");
        times.sort_by(f64::total_cmp);
        println!(
            "{prefix:<14} {results:>8} {:>10.1} {:>10.1}",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all {} calls: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs (goal: under 1,000 µs)",
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all[all.len() - 1]
    );
    Ok(())
}

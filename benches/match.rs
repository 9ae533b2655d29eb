//! Matching latency: one `match` for an enterprise (a page of ten results
//! with their cards and connecting paths) and one for a page of free text,
//! in process, on an opened index; p50, p90, p99 and the slowest, and the
//! CPU time a match took (all threads; on a shared machine the wall times
//! also count waiting for a core).
//!
//! Run: `cargo bench --bench match`
//!
//! Environment:
//! - `BENCH_INDEX`: the index directory to open (read only: nothing is
//!   written), e.g. the 1M index of `scripts/bench-scale.sh`;
//! - otherwise the curated corpus is built into a temporary directory;
//! - `BENCH_ROUNDS` (default 200): matches of each kind;
//! - `BENCH_WRITES` (default 0): then, on a copy of the index, that many
//!   times a collaboration written and an enterprise matched right after
//!   it (the track records carried through the write, see
//!   `matching::carry_track_records`);
//! - `RUST_LOG=innograph::matching=debug`: the time each phase of a match
//!   took, on stderr.
//!
//! Goals (issue #15, at 1M entities): p99 under 50 ms for an entity and
//! under 100 ms for a page of text.

use std::path::PathBuf;
use std::time::Instant;

use innograph::matching::MatchRequest;
use innograph::model::EntityKind;
use innograph::Engine;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// A page of need text (384 characters), as a call for proposals reads.
const PAGE: &str = "项目需求说明：我公司主要从事高端医疗器械与康复设备的研发、生产与销售，\
现有产品包括步态康复机器人、上肢康复训练系统和智能人工血管。为提升产品竞争力，\
公司拟面向高校和科研院所征集以下技术合作：一是康复机器人的柔性驱动与人机交互控制，\
要求在步态识别、肌电信号采集与运动意图识别方面有成熟成果；二是可降解高分子材料与\
神经修复材料的制备工艺，包括静电纺丝、表面改性和生物相容性评价；三是医疗器械的\
临床试验设计与注册申报支持；四是基于机器视觉的产品缺陷检测与精密测量。合作方式包括\
专利转让、技术许可、联合申报重点研发计划项目和共建联合实验室。欢迎具有相关专利、\
科研项目和产业化经验的团队与我们联系，共同推动成果转化与产业化落地。此外，公司也关注\
干细胞治疗、溃疡性结肠炎创新药、体外诊断试剂、光伏硅片切割与光合固碳等方向的合作机会，\
希望在中试放大、工艺验证和市场对接方面获得支持。";

/// CPU time this process has used, every thread counted (Linux: from
/// `/proc/self/stat`, in clock ticks of 10 ms), in milliseconds. On a
/// shared machine it says what the matches cost when the wall clock also
/// counts waiting for a core.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // the fields after the command name, which is in parentheses
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |at: usize| fields.get(at)?.parse::<f64>().ok();
    // utime and stime are the 14th and 15th fields, the 12th and 13th here
    Some((ticks(11)? + ticks(12)?) * 10.0)
}

fn time(label: &str, mut run: impl FnMut(usize) -> usize, rounds: usize) {
    let mut times = Vec::with_capacity(rounds);
    let mut results = 0;
    let cpu_before = cpu_ms();
    for round in 0..rounds {
        let started = Instant::now();
        results += run(round);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let cpu = match (cpu_before, cpu_ms()) {
        (Some(before), Some(after)) => format!(", cpu {:.1} ms each", (after - before) / rounds as f64),
        _ => String::new(),
    };
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: {rounds} matches, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({:.1} results each{cpu})",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
        times[times.len() - 1],
        results as f64 / rounds as f64
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let built;
    let index = match std::env::var("BENCH_INDEX") {
        Ok(index) => PathBuf::from(index),
        Err(_) => {
            built = tempfile::tempdir()?;
            let index = built.path().join("index");
            innograph::store::build("corpus".as_ref(), &index, &mut |_| {})?;
            index
        }
    };
    if std::env::var("RUST_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let rounds = env_number("BENCH_ROUNDS", 200);
    let started = Instant::now();
    let engine = Engine::open(&index)?;
    println!("opened {} in {:.1} s", index.display(), started.elapsed().as_secs_f64());

    // enterprises spread over the table, stated needs and all
    let graph = engine.graph();
    let enterprises: Vec<String> = graph
        .live_positions()
        .filter(|&e| graph.kind_at(e) == EntityKind::Enterprise)
        .map(|e| graph.entity_at(e).id.to_string())
        .collect();
    drop(graph);
    assert!(!enterprises.is_empty(), "the index holds no enterprise");
    let stride = (enterprises.len() / rounds.max(1)).max(1);

    // warm the caches once; the first match of a graph also counts the
    // track records of its researchers (kept until the graph changes)
    let started = Instant::now();
    engine.match_entity(&MatchRequest::entity(&enterprises[0]))?;
    println!(
        "first match (track records counted): {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    time(
        "entity (page of 10, cards with paths)",
        |round| {
            let id = &enterprises[(round * stride) % enterprises.len()];
            let response = engine.match_entity(&MatchRequest::entity(id)).expect("match");
            assert!(response.results.len() <= 10);
            response.results.len()
        },
        rounds,
    );
    let first = engine.match_text(&MatchRequest::text(PAGE))?;
    assert!(!first.results.is_empty(), "a page of needs finds someone");
    time(
        "text (a page, 384 characters)",
        |round| {
            // a different page each round: the sentences rotated
            let sentences: Vec<&str> = PAGE.split('。').collect();
            let shift = round % sentences.len();
            let page = sentences[shift..]
                .iter()
                .chain(&sentences[..shift])
                .copied()
                .collect::<Vec<_>>()
                .join("。");
            engine
                .match_text(&MatchRequest::text(&page))
                .expect("match")
                .results
                .len()
        },
        rounds,
    );
    drop(engine);
    let writes = env_number("BENCH_WRITES", 0);
    if writes > 0 {
        match_after_writes(&index, writes, &enterprises)?;
    }
    Ok(())
}

/// Writes a collaboration and matches an enterprise right after it,
/// `writes` times, on a copy of `index`.
fn match_after_writes(
    index: &std::path::Path,
    writes: usize,
    enterprises: &[String],
) -> Result<(), Box<dyn std::error::Error>> {
    let copy = tempfile::tempdir()?;
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(index)
        .arg(copy.path().join("index"))
        .status()?;
    assert!(status.success(), "copying the index");
    let engine = Engine::open(&copy.path().join("index"))?;
    let graph = engine.graph();
    let researchers: Vec<String> = graph
        .live_positions()
        .filter(|&e| graph.kind_at(e) == EntityKind::Person && innograph::matching::is_researcher(&graph, e))
        .take(writes)
        .map(|e| graph.entity_at(e).id.to_string())
        .collect();
    drop(graph);
    engine.match_entity(&MatchRequest::entity(&enterprises[0]))?;
    let stride = (enterprises.len() / writes).max(1);
    let (mut wrote, mut matched) = (Vec::new(), Vec::new());
    for (round, researcher) in researchers.iter().enumerate() {
        let relation: innograph::model::Relation = serde_json::from_value(serde_json::json!({
            "from": researcher, "to": enterprises[(round * stride + 1) % enterprises.len()], "kind": "collaborates_with"
        }))?;
        let started = Instant::now();
        engine.write(innograph::model::Change::PutRelation { relation })?;
        wrote.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        engine.match_entity(&MatchRequest::entity(
            &enterprises[(round * stride) % enterprises.len()],
        ))?;
        matched.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    for (what, mut times) in [
        ("write of one collaboration", wrote),
        ("entity match right after it", matched),
    ] {
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{what}: {} rounds, p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms",
            times.len(),
            at(0.5),
            at(0.9),
            at(1.0)
        );
    }
    Ok(())
}

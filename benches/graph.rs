//! Graph benchmark: how fast innograph's knowledge graph loads and answers
//! graph queries on a synthetic ecosystem, and how much memory it holds.
//!
//! What it measures, in one run, on the graph snapshot of one index
//! generation (`<index>/gen-*/graph.bin`, the generation named by
//! `<index>/CURRENT`):
//!
//! 1. **Snapshot load**: `KnowledgeGraph::load`, 3 runs, median (and each
//!    run); resident memory (`VmRSS` from `/proc/self/status`) before and
//!    after the first load, and the peak (`VmHWM`).
//! 2. **Shortest paths**: `KnowledgeGraph::paths` between `BENCH_PAIRS`
//!    random pairs of entities (fixed seed) that are linked within 6 hops.
//!    After 10 untimed warm-up queries, random pairs are drawn and each is
//!    asked once with `k = 1, max_len = 6`; the first `BENCH_PAIRS` with a
//!    path are kept (at most 20 draws per wanted pair), and that query is the
//!    k = 1 measurement of the pair. The kept pairs are then asked again with
//!    `k = 5` and with `k = 10`. Each phase stops after `BENCH_PATH_SECONDS`. Reported: p50,
//!    p99, mean and max latency, how many answers had a path, how many were
//!    `truncated` (the visit budget ran out), and how often the k = 5 answer
//!    held a path shorter than the k = 1 answer (ranking by score can put a
//!    longer path first).
//! 3. **2-hop expansion** of the 10 highest-degree entities
//!    (`centrality(Measure::Degree, None, 10)`): `neighbors` with depth 2 and
//!    limit 1000, median of 3 runs each, with the node and edge counts and
//!    whether the answer was `truncated`.
//!    Then one 3-hop expansion (limit 1000) of the biggest hub, which must
//!    answer within its budget.
//! 4. **PageRank**: the first `pagerank()` call (later calls are cached);
//!    then the first `clusters()` call (components and label-propagation
//!    communities, computed together and cached).
//! 6. **Snapshot save**, as a compaction writes one: time, and the peak
//!    resident memory beyond what the process held before (the peak is
//!    reset through `/proc/self/clear_refs`).
//! 5. **Changes**: copying the graph (the engine applies each change to a
//!    copy and swaps it in), then applying a put relation, a delete
//!    relation and a put entity to the copy; five rounds, medians.
//! 7. **petgraph on the view**: petgraph's `dijkstra` (unit weights, stop at
//!    the goal) on `UndirectedAdaptor(&graph.view())` over the kept pairs,
//!    next to innograph's own k = 1 search on the same pairs (its lengths
//!    checked equal), within `BENCH_PETGRAPH_SECONDS`; and petgraph's `Bfs`
//!    over the whole component of the biggest hub next to innograph's own
//!    breadth-first count of the same hub's neighbourhood up to 3 hops
//!    (`reachable`), as time per entity reached.
//!
//! The process that measures is a fresh one: when this run had to generate
//! the corpus or build the index, the bench `exec`s itself again for the
//! measurements, so that the build's heap does not blur the memory figures.
//!
//! It also exports the graph for the peer libraries
//! (`benches/peers/graph_peers.py`: networkx, igraph, kuzu) into `BENCH_DIR`:
//! - `edges.tsv`: one line per relation, `from<TAB>to`, each an entity index
//!   (its table position, see `entity_at`);
//! - `nodes.tsv`: one line per entity index, in order,
//!   `index<TAB>id<TAB>kind<TAB>name<TAB>aliases` (the aliases joined by
//!   `\x1f`; tabs and line breaks in the texts become spaces): the entity
//!   data innograph holds in memory (profiles stay on disk);
//! - `edge_attrs.tsv`: one line per relation, in the order of `edges.tsv`,
//!   `kind<TAB>since` (`since` empty when undated): the relation data
//!   innograph holds in memory besides the ends (evidence stays on disk);
//! - `pairs.tsv`: the kept pairs, `from<TAB>to<TAB>k1<TAB>k5`: the length of
//!   innograph's k = 1 answer and of the shortest of its k = 5 answers (-1:
//!   none or not measured), for checking the peers' answers;
//! - `hubs.tsv`: the 10 hubs, `index<TAB>degree<TAB>id`;
//! - `innograph-graph.json`: innograph's figures, which the peer script
//!   reads to print the ratios.
//!
//! The synthetic corpus is generated with `innograph::synth::generate` into
//! `$BENCH_DIR/corpus-<N>` unless its `gen.json` already says the same size
//! and seed, and built with `innograph::store::build` into
//! `$BENCH_DIR/index-<N>` unless an index of that corpus is already there
//! (about 80 s and 8.5 GB of memory at 1M entities); both are kept.
//!
//! Run: `cargo bench --bench graph` (for a quick check:
//! `BENCH_ENTITIES=100000 cargo bench --bench graph`), then
//! `python3 benches/peers/graph_peers.py` for the peers.
//!
//! Environment:
//! - `BENCH_ENTITIES`: synthetic entities (default 1000000).
//! - `BENCH_DIR`: where the corpus, the index and the exports live (default
//!   `/tmp/innograph-bench-graph`).
//! - `BENCH_PAIRS`: path queries (default 1000).
//! - `BENCH_PATH_SECONDS`: time budget of each path phase (default 1200).
//! - `BENCH_PETGRAPH_SECONDS`: time budget of petgraph's Dijkstra phase
//!   (default 120).
//! - `BENCH_SEED`: synthetic corpus seed (default 2026); the pairs are drawn
//!   with a fixed seed of their own.

mod common;

use std::fs;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{
    env_or, fmt_count, fmt_duration, machine, mib, peak_rss, prepare, print_table, proc_status_bytes, rss, BenchResult,
};
use innograph::graph::{EntityIndex, KnowledgeGraph, Measure, NeighborsRequest, PathsRequest};

/// Set in the environment of the re-run that measures.
const CHILD_ENV: &str = "INNOGRAPH_BENCH_GRAPH_MEASURE";
/// Seed of the pair sampler (independent of the corpus seed).
const PAIR_SEED: u64 = 0x6772_6170_6862_656e;
/// Longest path asked for.
const MAX_LEN: usize = 6;
/// Draws allowed per wanted pair before giving up on finding more.
const DRAWS_PER_PAIR: usize = 20;
/// Snapshot loads timed.
const LOAD_RUNS: usize = 3;
/// Hubs expanded.
const HUBS: usize = 10;
/// Runs of each expansion.
const EXPANSION_RUNS: usize = 3;
/// Untimed path queries before the timed ones.
const WARM_UP_QUERIES: usize = 10;

fn progress(message: &str) {
    eprintln!("[graph bench] {message}");
}

/// SplitMix64: a small, fixed, portable sampler.
struct Sampler(u64);

impl Sampler {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

// ---------------------------------------------------------------- memory

/// Resident memory split into anonymous pages (heap, stacks) and pages of
/// mapped files (the snapshot sections read in place; clean, so the kernel
/// may drop them under pressure).
fn rss_split() -> (u64, u64) {
    (
        proc_status_bytes("RssAnon:").unwrap_or(0),
        proc_status_bytes("RssFile:").unwrap_or(0),
    )
}

// ---------------------------------------------------------------- statistics

/// Latency summary of one series.
struct Latencies {
    sorted: Vec<Duration>,
    /// The samples in the order they were taken (the order of the pairs).
    in_order: Vec<Duration>,
}

impl Latencies {
    fn new(samples: Vec<Duration>) -> Latencies {
        let mut sorted = samples.clone();
        sorted.sort();
        Latencies {
            sorted,
            in_order: samples,
        }
    }

    /// Nearest-rank percentile.
    fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    fn mean(&self) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        self.sorted.iter().sum::<Duration>() / self.sorted.len() as u32
    }

    fn max(&self) -> Duration {
        self.sorted.last().copied().unwrap_or_default()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.sorted.len(),
            "p50_ms": self.percentile(50.0).as_secs_f64() * 1e3,
            "p99_ms": self.percentile(99.0).as_secs_f64() * 1e3,
            "mean_ms": self.mean().as_secs_f64() * 1e3,
            "max_ms": self.max().as_secs_f64() * 1e3,
            "each_ms": self.in_order.iter().map(|d| d.as_secs_f64() * 1e3).collect::<Vec<_>>(),
        })
    }
}

/// Median times of changes at the bench's scale.
struct ChangeTimes {
    copy: Duration,
    put_relation: Duration,
    delete_relation: Duration,
    put_entity: Duration,
}

/// Times five of each kind of change, each on a fresh copy of `graph`
/// (the engine applies a change to a copy and swaps it in).
fn measure_changes(graph: &KnowledgeGraph) -> Result<ChangeTimes, Box<dyn std::error::Error>> {
    use innograph::model::Change;
    let n = graph.entity_slots() as u32;
    let id = |i: u32| graph.entity_at(EntityIndex::new(i % n)).id.to_string();
    let (mut copy, mut put_relation, mut delete_relation, mut put_entity) = (vec![], vec![], vec![], vec![]);
    for round in 0..5u32 {
        let (a, b) = (id(7919 * (round + 1)), id(104_729 * (round + 3)));
        let relation: innograph::model::Relation =
            serde_json::from_value(serde_json::json!({"from": a, "to": b, "kind": "collaborates_with"}))?;
        let started = Instant::now();
        let mut copied = graph.clone();
        copy.push(started.elapsed());
        let started = Instant::now();
        copied.apply(Change::PutRelation { relation })?;
        put_relation.push(started.elapsed());
        let started = Instant::now();
        copied.apply(Change::DeleteRelation {
            from: a,
            to: b,
            kind: innograph::model::RelationKind::CollaboratesWith,
        })?;
        delete_relation.push(started.elapsed());
        let entity: innograph::model::Entity = serde_json::from_value(serde_json::json!({
            "id": format!("bench_new_{round}"), "kind": "enterprise", "name": format!("基准新增企业{round}")
        }))?;
        let started = Instant::now();
        copied.apply(Change::PutEntity { entity })?;
        put_entity.push(started.elapsed());
    }
    Ok(ChangeTimes {
        copy: median(&copy),
        put_relation: median(&put_relation),
        delete_relation: median(&delete_relation),
        put_entity: median(&put_entity),
    })
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

// ---------------------------------------------------------------- preparation

/// Replaces this process by a fresh run of the bench for the measurements
/// (`exec`, so that the memory of the build is given back).
fn rerun_fresh() -> BenchResult<()> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe()?;
    progress("measuring in a fresh process");
    let error = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(CHILD_ENV, "1")
        .exec();
    Err(format!("could not run the bench again: {error}").into())
}

// ---------------------------------------------------------------- measurements

struct Pair {
    from: EntityIndex,
    to: EntityIndex,
    length: usize,
}

/// The pairs kept by [`sample_pairs`], with the k = 1 run that found them.
struct Sampled {
    pairs: Vec<Pair>,
    /// The k = 1 query of each kept pair, timed as it was made.
    k1: PathRun,
    /// Random pairs tried.
    draws: usize,
    /// Tries cut short by the visit budget.
    draws_truncated: usize,
    /// Whether the time budget stopped the sampling.
    out_of_time: bool,
}

/// Draws random pairs and keeps those linked within [`MAX_LEN`] hops; the
/// k = 1 query that decides it is the one timed for the kept pairs (after a
/// few untimed warm-up queries).
fn sample_pairs(graph: &KnowledgeGraph, wanted: usize, budget: Duration) -> BenchResult<Sampled> {
    let n = graph.entity_slots();
    let id = |i: usize| graph.entity_at(EntityIndex::from_usize(i)).id;
    let request = PathsRequest {
        max_len: MAX_LEN,
        k: 1,
        ..Default::default()
    };
    let mut warm_up = Sampler(!PAIR_SEED);
    for _ in 0..WARM_UP_QUERIES {
        let (a, b) = (warm_up.below(n), warm_up.below(n));
        if a != b {
            black_box(graph.paths(&PathsRequest {
                from: id(a).to_string(),
                to: id(b).to_string(),
                ..request.clone()
            })?);
        }
    }
    let mut sampler = Sampler(PAIR_SEED);
    let mut pairs = Vec::with_capacity(wanted);
    let mut samples = Vec::with_capacity(wanted);
    let mut min_lengths = Vec::with_capacity(wanted);
    let (mut draws, mut draws_truncated, mut truncated) = (0, 0, 0);
    let started = Instant::now();
    let mut out_of_time = false;
    while pairs.len() < wanted && draws < wanted * DRAWS_PER_PAIR {
        if started.elapsed() > budget {
            out_of_time = true;
            break;
        }
        let a = sampler.below(n);
        let b = sampler.below(n);
        if a == b {
            continue;
        }
        draws += 1;
        let query_started = Instant::now();
        let answer = black_box(graph.paths(&PathsRequest {
            from: id(a).to_string(),
            to: id(b).to_string(),
            ..request.clone()
        }));
        let elapsed = query_started.elapsed();
        let Some(response) = within_budget(answer)? else {
            draws_truncated += 1;
            continue;
        };
        if response.truncated {
            draws_truncated += 1;
        }
        if let Some(length) = response.paths.iter().map(|p| p.length).min() {
            pairs.push(Pair {
                from: EntityIndex::from_usize(a),
                to: EntityIndex::from_usize(b),
                length,
            });
            samples.push(elapsed);
            min_lengths.push(Some(length));
            if response.truncated {
                truncated += 1;
            }
        }
    }
    Ok(Sampled {
        k1: PathRun {
            latencies: Latencies::new(samples),
            found: pairs.len(),
            truncated,
            min_lengths,
        },
        pairs,
        draws,
        draws_truncated,
        out_of_time,
    })
}

/// Times `paths` over the pairs.
struct PathRun {
    latencies: Latencies,
    /// Answers with at least one path.
    found: usize,
    /// Answers cut short by the visit budget.
    truncated: usize,
    /// Per pair, the length of the shortest path returned.
    min_lengths: Vec<Option<usize>>,
}

impl PathRun {
    /// Pairs whose shortest returned path has the length of the k = 1
    /// answer seen when sampling.
    fn same_as_sampled(&self, pairs: &[Pair]) -> usize {
        pairs
            .iter()
            .zip(&self.min_lengths)
            .filter(|(p, l)| **l == Some(p.length))
            .count()
    }

    /// Pairs for which a path shorter than the sampled k = 1 answer came back.
    fn shorter_than_sampled(&self, pairs: &[Pair]) -> usize {
        pairs
            .iter()
            .zip(&self.min_lengths)
            .filter(|(p, l)| l.is_some_and(|l| l < p.length))
            .count()
    }
}

/// The answer of a path query, `None` when it ran out of budget before
/// finding a path (a 422 over HTTP).
fn within_budget(
    answer: innograph::Result<innograph::graph::PathsResponse>,
) -> BenchResult<Option<innograph::graph::PathsResponse>> {
    match answer {
        Ok(response) => Ok(Some(response)),
        Err(innograph::Error::BudgetExceeded { .. }) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Times `paths` with `k` over the pairs, in order, until the budget is spent.
fn time_paths(graph: &KnowledgeGraph, pairs: &[Pair], k: usize, budget: Duration) -> BenchResult<PathRun> {
    let request = PathsRequest {
        max_len: MAX_LEN,
        k,
        ..Default::default()
    };
    let mut samples = Vec::with_capacity(pairs.len());
    let (mut found, mut truncated) = (0, 0);
    let mut min_lengths = Vec::with_capacity(pairs.len());
    let started_all = Instant::now();
    for pair in pairs {
        if started_all.elapsed() > budget {
            break;
        }
        let (from, to) = (graph.entity_at(pair.from).id, graph.entity_at(pair.to).id);
        let started = Instant::now();
        let answer = black_box(graph.paths(&PathsRequest {
            from: from.to_string(),
            to: to.to_string(),
            ..request.clone()
        }));
        samples.push(started.elapsed());
        let Some(response) = within_budget(answer)? else {
            truncated += 1;
            min_lengths.push(None);
            continue;
        };
        if !response.paths.is_empty() {
            found += 1;
        }
        if response.truncated {
            truncated += 1;
        }
        min_lengths.push(response.paths.iter().map(|p| p.length).min());
    }
    Ok(PathRun {
        latencies: Latencies::new(samples),
        found,
        truncated,
        min_lengths,
    })
}

/// petgraph's algorithms on the view and innograph's own on the same work.
struct OnView {
    dijkstra: Latencies,
    /// The own k = 1 latencies of the pairs Dijkstra ran on.
    own: Latencies,
    lengths_differ: usize,
    bfs_nodes: usize,
    bfs_time: Duration,
    own_reach_nodes: usize,
    own_reach_time: Duration,
}

/// Runs petgraph's `dijkstra` (unit weights, stopping at the goal) on the
/// undirected view over `pairs` until `budget` is spent, and `Bfs` over the
/// whole component of `hub`; innograph's figures for the same pairs come
/// from `k1`, and its own breadth-first count of `hub`'s 3-hop
/// neighbourhood is timed beside the `Bfs`.
fn petgraph_on_view(
    graph: &KnowledgeGraph,
    pairs: &[Pair],
    k1: &Latencies,
    hub: &str,
    budget: Duration,
) -> BenchResult<OnView> {
    use petgraph::algo::dijkstra;
    use petgraph::visit::{Bfs, UndirectedAdaptor};
    let view = graph.view();
    let both = UndirectedAdaptor(&view);
    let mut samples = Vec::new();
    let mut own = Vec::new();
    let mut lengths_differ = 0;
    let started_all = Instant::now();
    for (pair, own_time) in pairs.iter().zip(&k1.in_order) {
        if started_all.elapsed() > budget {
            break;
        }
        let started = Instant::now();
        let distances = black_box(dijkstra(both, pair.from, Some(pair.to), |_| 1usize));
        samples.push(started.elapsed());
        own.push(*own_time);
        if distances.get(&pair.to) != Some(&pair.length) {
            lengths_differ += 1;
        }
    }
    let hub_index = graph.resolve(hub)?;
    let started = Instant::now();
    let mut bfs = Bfs::new(both, hub_index);
    let mut bfs_nodes = 0usize;
    while let Some(node) = bfs.next(both) {
        black_box(node);
        bfs_nodes += 1;
    }
    let bfs_time = started.elapsed();
    let whole = innograph::graph::Budget {
        max_visits: usize::MAX,
        max_time: Duration::from_secs(600),
    };
    let started = Instant::now();
    let levels = black_box(graph.reachable(hub, 3, Some(whole))?);
    let own_reach_time = started.elapsed();
    Ok(OnView {
        dijkstra: Latencies::new(samples),
        own: Latencies::new(own),
        lengths_differ,
        bfs_nodes,
        bfs_time,
        own_reach_nodes: 1 + levels.iter().sum::<usize>(),
        own_reach_time,
    })
}

/// A text as one TSV field: tabs, line breaks and the alias separator
/// (`\x1f`) become spaces.
fn one_field(text: &str) -> String {
    text.replace(['\t', '\n', '\r', '\x1f'], " ")
}

fn write_exports(
    base: &Path,
    graph: &KnowledgeGraph,
    pairs: &[Pair],
    k5_min_lengths: &[Option<usize>],
    hubs: &[(EntityIndex, usize, String)],
) -> BenchResult<()> {
    let mut edges = BufWriter::with_capacity(1 << 20, fs::File::create(base.join("edges.tsv"))?);
    for relation in graph.relation_positions() {
        let (from, to) = graph.relation_ends(relation);
        writeln!(edges, "{from}\t{to}")?;
    }
    edges.flush()?;
    // what innograph holds in memory besides the topology, for the peers that
    // hold the same data: ids, kinds, names and aliases of the entities, kinds
    // and dates of the relations
    let mut nodes = BufWriter::with_capacity(1 << 20, fs::File::create(base.join("nodes.tsv"))?);
    for index in (0..graph.entity_slots()).map(EntityIndex::from_usize) {
        let entity = graph.entity_at(index);
        let aliases: Vec<String> = entity.aliases().map(one_field).collect();
        writeln!(
            nodes,
            "{index}\t{}\t{}\t{}\t{}",
            one_field(entity.id),
            entity.kind.as_str(),
            one_field(entity.name),
            aliases.join("\x1f")
        )?;
    }
    nodes.flush()?;
    let mut attrs = BufWriter::with_capacity(1 << 20, fs::File::create(base.join("edge_attrs.tsv"))?);
    for relation in graph.relation_positions() {
        // the date is the relation record's (read from the snapshot file);
        // in memory innograph holds it packed, see `pack_date`
        let since = graph
            .relation(relation)?
            .since
            .map(|s| one_field(&s))
            .unwrap_or_default();
        writeln!(attrs, "{}\t{since}", graph.relation_kind(relation).as_str())?;
    }
    attrs.flush()?;
    let mut out = BufWriter::new(fs::File::create(base.join("pairs.tsv"))?);
    for (i, pair) in pairs.iter().enumerate() {
        // -1: no path, or not measured with k = 5
        let k5 = k5_min_lengths.get(i).copied().flatten().map_or(-1, |l| l as i64);
        writeln!(out, "{}\t{}\t{}\t{k5}", pair.from, pair.to, pair.length)?;
    }
    out.flush()?;
    let mut out = BufWriter::new(fs::File::create(base.join("hubs.tsv"))?);
    for (index, degree, id) in hubs {
        writeln!(out, "{index}\t{degree}\t{id}")?;
    }
    out.flush()?;
    Ok(())
}

fn measure(
    base: &Path,
    index_dir: &Path,
    entities_wanted: usize,
    pairs_wanted: usize,
    path_budget: Duration,
) -> BenchResult<()> {
    let generation = innograph::store::current_generation(index_dir)?.ok_or("the index has no CURRENT generation")?;
    let snapshot = generation.join("graph.bin");
    let snapshot_bytes = fs::metadata(&snapshot)?.len();
    println!("machine: {}", machine());
    println!(
        "snapshot: {} ({:.0} MB)",
        snapshot.display(),
        snapshot_bytes as f64 / 1e6
    );

    // 1. load
    let rss_before = rss();
    let started = Instant::now();
    let first = KnowledgeGraph::load(&snapshot)?;
    let mut load_times = vec![started.elapsed()];
    let rss_after = rss();
    let split_after = rss_split();
    let peak_after_load = peak_rss();
    let (n_entities, n_relations) = (first.entity_slots(), first.relation_count());
    drop(first);
    let mut graph = None;
    for _ in 1..LOAD_RUNS {
        drop(graph.take());
        let started = Instant::now();
        let loaded = KnowledgeGraph::load(&snapshot)?;
        load_times.push(started.elapsed());
        graph = Some(loaded);
    }
    let graph = graph.ok_or("no graph loaded")?;
    let memory = graph.memory();
    let load_median = median(&load_times);
    progress(&format!(
        "loaded {n_entities} entities, {n_relations} relations; median load {}",
        fmt_duration(load_median)
    ));
    if n_entities != entities_wanted {
        progress(&format!(
            "note: the snapshot has {n_entities} entities, {entities_wanted} asked for"
        ));
    }

    // hubs (needed by the exports)
    let started = Instant::now();
    let top = graph.centrality(Measure::Degree, None, HUBS)?;
    let degree_time = started.elapsed();
    let mut hubs = Vec::new();
    for ranked in &top.results {
        hubs.push((
            graph.resolve(&ranked.entity.id)?,
            ranked.degree,
            ranked.entity.id.clone(),
        ));
    }

    // 2. paths
    progress(&format!("sampling {pairs_wanted} linked pairs, timing k = 1"));
    let started = Instant::now();
    let Sampled {
        pairs,
        k1,
        draws,
        draws_truncated,
        out_of_time,
    } = sample_pairs(&graph, pairs_wanted, path_budget)?;
    let sampling_time = started.elapsed();
    progress(&format!(
        "{} of {draws} random pairs linked within {MAX_LEN} hops ({draws_truncated} truncated) in {:.1} s{}",
        pairs.len(),
        sampling_time.as_secs_f64(),
        if out_of_time {
            ", stopped by BENCH_PATH_SECONDS"
        } else {
            ""
        }
    ));
    progress("timing k = 5");
    let k5 = time_paths(&graph, &pairs, 5, path_budget)?;
    progress("timing k = 10");
    let k10 = time_paths(&graph, &pairs, 10, path_budget)?;
    let started = Instant::now();
    write_exports(base, &graph, &pairs, &k5.min_lengths, &hubs)?;
    progress(&format!(
        "wrote edges.tsv, nodes.tsv, edge_attrs.tsv, pairs.tsv and hubs.tsv into {} in {:.1} s",
        base.display(),
        started.elapsed().as_secs_f64()
    ));
    let mut length_histogram = [0usize; MAX_LEN + 1];
    for pair in &pairs {
        length_histogram[pair.length] += 1;
    }

    // 3. 2-hop expansion
    progress("expanding hubs");
    let request = NeighborsRequest {
        depth: 2,
        limit: 1000,
        ..Default::default()
    };
    let mut expansions = Vec::new();
    for (index, degree, id) in &hubs {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..EXPANSION_RUNS {
            let started = Instant::now();
            let response = black_box(graph.neighbors(id, &request)?);
            times.push(started.elapsed());
            last = Some(response);
        }
        let response = last.ok_or("no expansion ran")?;
        expansions.push((
            *index,
            *degree,
            id.clone(),
            graph.entity_at(*index).name.to_string(),
            median(&times),
            times[0],
            response.nodes.len(),
            response.edges.len(),
            response.truncated,
        ));
    }

    // the whole 2-hop neighbourhood of each hub, counted (what igraph's
    // `neighborhood(order=2)` lists), with a budget large enough for it
    progress("counting whole 2-hop neighbourhoods");
    let whole_budget = innograph::graph::Budget {
        max_visits: usize::MAX,
        max_time: Duration::from_secs(60),
    };
    let mut whole = Vec::new();
    for (_, degree, id) in &hubs {
        let mut times = Vec::new();
        let mut counts = Vec::new();
        for _ in 0..EXPANSION_RUNS {
            let started = Instant::now();
            counts = black_box(graph.reachable(id, 2, Some(whole_budget))?);
            times.push(started.elapsed());
        }
        whole.push((id.clone(), *degree, median(&times), counts.iter().sum::<usize>()));
    }

    // depth 3 from the biggest hub: must answer within its budget
    let deep_request = NeighborsRequest {
        depth: 3,
        limit: 1000,
        ..Default::default()
    };
    let hub = &hubs.first().ok_or("no hub")?.2;
    let started = Instant::now();
    let deep = black_box(graph.neighbors(hub, &deep_request)?);
    let deep_time = started.elapsed();

    // 4. PageRank
    progress("PageRank");
    let started = Instant::now();
    let ranks = graph.pagerank();
    let pagerank_time = started.elapsed();
    let rank_sum: f64 = ranks.iter().map(|&r| r as f64).sum();
    let top_rank = ranks
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    // clusters: components and label-propagation communities, computed
    // together on the first call
    progress("clusters");
    let started = Instant::now();
    let clusters = graph.clusters(innograph::graph::ClusterMethod::Communities, 10)?;
    let clusters_time = started.elapsed();

    // 7. petgraph's algorithms on the view, next to the own traversals
    progress("petgraph on the view");
    let petgraph_budget = Duration::from_secs(env_or("BENCH_PETGRAPH_SECONDS", 120u64)?);
    let on_view = petgraph_on_view(&graph, &pairs, &k1.latencies, hub, petgraph_budget)?;

    // 5. changes, each applied to a copy of the graph as the engine does
    progress("changes");
    let changes = measure_changes(&graph)?;

    // 6. writing a snapshot, as a compaction does: time and the memory it
    // takes beyond what the process held (the peak is reset first)
    progress("snapshot save");
    let saved = base.join("save-bench.bin");
    let held = rss();
    let _ = fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    graph.save(&saved)?;
    let save_time = started.elapsed();
    let save_peak = peak_rss().saturating_sub(held);
    let _ = fs::remove_file(&saved);

    let rss_end = rss();
    let split_end = rss_split();
    let peak_end = peak_rss();

    // report
    println!();
    println!(
        "## innograph graph: {} entities, {} relations",
        fmt_count(n_entities),
        fmt_count(n_relations)
    );
    println!();
    let load_each: Vec<String> = load_times.iter().map(|d| fmt_duration(*d)).collect();
    print_table(
        &["measure", "value"],
        &[
            vec![
                "snapshot load (median of 3)".into(),
                format!("{} ({})", fmt_duration(load_median), load_each.join(", ")),
            ],
            vec!["snapshot file".into(), format!("{:.0} MB", snapshot_bytes as f64 / 1e6)],
            vec!["RSS before load".into(), mib(rss_before)],
            vec!["RSS after load".into(), mib(rss_after)],
            vec!["RSS growth from load".into(), mib(rss_after.saturating_sub(rss_before))],
            vec![
                "RSS after load: anonymous / file-backed".into(),
                format!("{} / {}", mib(split_after.0), mib(split_after.1)),
            ],
            vec!["peak RSS after first load (VmHWM)".into(), mib(peak_after_load)],
            vec![
                "held by the graph (its own count)".into(),
                format!(
                    "{}: names {}, adjacency {}, relation columns {}, record offsets {}, indexes {} (and {} of the snapshot read in place)",
                    mib(memory.total as u64),
                    mib(memory.names as u64),
                    mib(memory.adjacency as u64),
                    mib(memory.relations as u64),
                    mib(memory.record_offsets as u64),
                    mib(memory.indexes as u64),
                    mib(memory.mapped as u64)
                ),
            ],
            vec![
                "RSS at the end / peak".into(),
                format!("{} / {}", mib(rss_end), mib(peak_end)),
            ],
            vec![
                "RSS at the end: anonymous / file-backed".into(),
                format!("{} / {}", mib(split_end.0), mib(split_end.1)),
            ],
            vec!["degree centrality top 10".into(), fmt_duration(degree_time)],
            vec![
                "clusters (components and communities), first call".into(),
                format!("{} ({} communities)", fmt_duration(clusters_time), fmt_count(clusters.total)),
            ],
            vec![
                "snapshot save (as a compaction): time / peak memory beyond what was held".into(),
                format!("{} / {}", fmt_duration(save_time), mib(save_peak)),
            ],
            vec![
                "copying the graph (the engine applies a change to a copy)".into(),
                fmt_duration(changes.copy),
            ],
            vec!["applying: put relation / delete relation / put entity (median of 5)".into(), format!(
                "{} / {} / {}",
                fmt_duration(changes.put_relation),
                fmt_duration(changes.delete_relation),
                fmt_duration(changes.put_entity)
            )],
            vec![
                "PageRank, first call".into(),
                format!(
                    "{} (sum {rank_sum:.4}, top {})",
                    fmt_duration(pagerank_time),
                    graph.entity_at(EntityIndex::from_usize(top_rank)).id
                ),
            ],
        ],
    );
    println!();
    println!(
        "Pairs: {} linked within {MAX_LEN} hops out of {draws} random draws ({draws_truncated} truncated){}; \
         lengths of the k=1 answers 1..6: {:?}",
        pairs.len(),
        if out_of_time {
            ", sampling stopped by the time budget"
        } else {
            ""
        },
        &length_histogram[1..]
    );
    println!();
    let path_row = |label: &str, run: &PathRun| {
        let lat = &run.latencies;
        vec![
            label.to_string(),
            fmt_count(lat.sorted.len()),
            fmt_duration(lat.percentile(50.0)),
            fmt_duration(lat.percentile(99.0)),
            fmt_duration(lat.mean()),
            fmt_duration(lat.max()),
            fmt_count(run.found),
            fmt_count(run.truncated),
            fmt_count(run.same_as_sampled(&pairs)),
            fmt_count(run.shorter_than_sampled(&pairs)),
        ]
    };
    print_table(
        &[
            "shortest paths (max_len 6)",
            "queries",
            "p50",
            "p99",
            "mean",
            "max",
            "with a path",
            "truncated",
            "shortest returned = k=1 length",
            "shorter than k=1 answer",
        ],
        &[path_row("k = 1", &k1), path_row("k = 5", &k5), path_row("k = 10", &k10)],
    );
    println!();
    let rows: Vec<Vec<String>> = expansions
        .iter()
        .map(|(index, degree, id, name, time, first, nodes, edges, truncated)| {
            vec![
                format!("{name} ({id}, #{index})"),
                fmt_count(*degree),
                fmt_duration(*time),
                fmt_duration(*first),
                fmt_count(*nodes),
                fmt_count(*edges),
                truncated.to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            "2-hop expansion, limit 1000",
            "degree",
            "median of 3",
            "first",
            "nodes",
            "edges",
            "truncated",
        ],
        &rows,
    );

    println!();
    let rows: Vec<Vec<String>> = whole
        .iter()
        .map(|(id, degree, time, nodes)| vec![id.clone(), fmt_count(*degree), fmt_duration(*time), fmt_count(*nodes)])
        .collect();
    print_table(
        &[
            "whole 2-hop neighbourhood, counted",
            "degree",
            "median of 3",
            "nodes (center excluded)",
        ],
        &rows,
    );

    println!();
    println!(
        "3-hop expansion of {hub}, limit 1000: {} ({} nodes, {} edges, truncated {})",
        fmt_duration(deep_time),
        deep.nodes.len(),
        deep.edges.len(),
        deep.truncated
    );

    let expansion_json: Vec<serde_json::Value> = expansions
        .iter()
        .zip(&whole)
        .map(
            |((index, degree, id, _, time, first, nodes, edges, truncated), whole)| {
                serde_json::json!({
                    "whole_median_ms": whole.2.as_secs_f64() * 1e3,
                    "whole_nodes": whole.3,
                    "index": index.get(),
                    "degree": degree,
                    "id": id,
                    "median_ms": time.as_secs_f64() * 1e3,
                    "first_ms": first.as_secs_f64() * 1e3,
                    "nodes": nodes,
                    "edges": edges,
                    "truncated": truncated,
                })
            },
        )
        .collect();
    println!();
    println!("### petgraph's algorithms on the view, beside innograph's own traversals");
    println!();
    let per_node = |time: Duration, nodes: usize| format!("{:.0} ns", time.as_secs_f64() * 1e9 / nodes.max(1) as f64);
    print_table(
        &["measure", "petgraph on GraphView", "innograph's own", "ratio"],
        &[
            vec![
                format!(
                    "shortest path p50 / p99 ({} pairs; dijkstra, unit weights, vs bidirectional BFS)",
                    on_view.dijkstra.sorted.len()
                ),
                format!(
                    "{} / {}",
                    fmt_duration(on_view.dijkstra.percentile(50.0)),
                    fmt_duration(on_view.dijkstra.percentile(99.0))
                ),
                format!(
                    "{} / {}",
                    fmt_duration(on_view.own.percentile(50.0)),
                    fmt_duration(on_view.own.percentile(99.0))
                ),
                format!(
                    "{:.1}×",
                    on_view.dijkstra.percentile(50.0).as_secs_f64()
                        / on_view.own.percentile(50.0).as_secs_f64().max(1e-12)
                ),
            ],
            vec![
                "lengths that differ".into(),
                on_view.lengths_differ.to_string(),
                "–".into(),
                "–".into(),
            ],
            vec![
                "breadth-first from the top hub (Bfs: whole component; own: 3 hops), per entity".into(),
                format!(
                    "{} ({} entities, {})",
                    per_node(on_view.bfs_time, on_view.bfs_nodes),
                    fmt_count(on_view.bfs_nodes),
                    fmt_duration(on_view.bfs_time)
                ),
                format!(
                    "{} ({} entities, {})",
                    per_node(on_view.own_reach_time, on_view.own_reach_nodes),
                    fmt_count(on_view.own_reach_nodes),
                    fmt_duration(on_view.own_reach_time)
                ),
                format!(
                    "{:.1}×",
                    (on_view.bfs_time.as_secs_f64() / on_view.bfs_nodes.max(1) as f64)
                        / (on_view.own_reach_time.as_secs_f64() / on_view.own_reach_nodes.max(1) as f64).max(1e-15)
                ),
            ],
        ],
    );

    let results = serde_json::json!({
        "entities": n_entities,
        "relations": n_relations,
        "snapshot_bytes": snapshot_bytes,
        "load_s": load_times.iter().map(|d| d.as_secs_f64()).collect::<Vec<_>>(),
        "load_median_s": load_median.as_secs_f64(),
        "rss_before_bytes": rss_before,
        "rss_after_load_bytes": rss_after,
        "rss_growth_bytes": rss_after.saturating_sub(rss_before),
        "peak_after_load_bytes": peak_after_load,
        "graph_memory": memory,
        "rss_anon_file_after_load_bytes": [split_after.0, split_after.1],
        "clusters_s": clusters_time.as_secs_f64(),
        "save_s": save_time.as_secs_f64(),
        "save_peak_extra_bytes": save_peak,
        "change_copy_s": changes.copy.as_secs_f64(),
        "change_put_relation_s": changes.put_relation.as_secs_f64(),
        "change_delete_relation_s": changes.delete_relation.as_secs_f64(),
        "change_put_entity_s": changes.put_entity.as_secs_f64(),
        "rss_end_bytes": rss_end,
        "rss_anon_file_end_bytes": [split_end.0, split_end.1],
        "peak_end_bytes": peak_end,
        "pairs": pairs.len(),
        "draws": draws,
        "draws_truncated": draws_truncated,
        "paths_k1": {"latency": k1.latencies.json(), "found": k1.found, "truncated": k1.truncated},
        "paths_k10": {
            "latency": k10.latencies.json(),
            "found": k10.found,
            "truncated": k10.truncated,
        },
        "paths_k5": {
            "latency": k5.latencies.json(),
            "found": k5.found,
            "truncated": k5.truncated,
            "shorter_than_k1": k5.shorter_than_sampled(&pairs),
        },
        "expansion": expansion_json,
        "pagerank_s": pagerank_time.as_secs_f64(),
        "petgraph": {
            "dijkstra": on_view.dijkstra.json(),
            "own_same_pairs": on_view.own.json(),
            "dijkstra_lengths_differ": on_view.lengths_differ,
            "bfs_nodes": on_view.bfs_nodes,
            "bfs_ms": on_view.bfs_time.as_secs_f64() * 1e3,
            "own_reach_nodes": on_view.own_reach_nodes,
            "own_reach_ms": on_view.own_reach_time.as_secs_f64() * 1e3,
        },
        "expansion_depth3": {
            "id": hub,
            "ms": deep_time.as_secs_f64() * 1e3,
            "nodes": deep.nodes.len(),
            "edges": deep.edges.len(),
            "truncated": deep.truncated,
        },
    });
    fs::write(
        base.join("innograph-graph.json"),
        serde_json::to_string_pretty(&results)?,
    )?;
    Ok(())
}

fn main() -> BenchResult<()> {
    let entities: usize = env_or("BENCH_ENTITIES", 1_000_000)?;
    let pairs: usize = env_or("BENCH_PAIRS", 1000)?;
    let path_budget = Duration::from_secs(env_or("BENCH_PATH_SECONDS", 1200)?);
    let seed: u64 = env_or("BENCH_SEED", 2026)?;
    let base = PathBuf::from(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/tmp/innograph-bench-graph".into()));
    let index_dir = base.join(format!("index-{entities}"));
    if std::env::var_os(CHILD_ENV).is_none() {
        let (_, worked) = prepare(&base, entities, seed, &progress)?;
        if worked {
            return rerun_fresh();
        }
    }
    measure(&base, &index_dir, entities, pairs.max(1), path_budget)
}

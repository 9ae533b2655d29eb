//! Indexing throughput and query latency of innograph's search.
//!
//! What it measures, in one run:
//!
//! 1. **Indexing throughput on real text**: the CSL sample's titles and
//!    abstracts, repeated `BENCH_REPEAT` times (by default enough copies to
//!    reach 20 MB of text), as documents:
//!    - jieba alone, one thread: `Jieba::new().cut_for_search(text, true)`;
//!    - innograph's segmentation alone, one thread: `text::normalize` then
//!      `Segmenter::index_tokens` (jieba's precise cut plus in-compound words);
//!    - a plain tantivy index of the same texts (one `TEXT`-like field,
//!      indexed with positions, not stored, tokenised by tantivy-jieba
//!      registered as `"jieba"` as in its README; 256 MB writer heap, the
//!      default thread count), commit and merges included;
//!    - innograph's `SearchWriter` over the same texts as `Document`s (title
//!      and abstract), `finish` (commit and merges) included;
//!
//!    in MB/s and documents/s (best of `BENCH_INDEX_RUNS`), the ratios
//!    between them, and the index size per byte of text.
//! 2. **Query latency in-process**: `Engine::search` (10 hits, single
//!    thread) on an index of the 2,000 CSL papers, on one of
//!    `BENCH_CSL_COPIES` copies of them (default 4: 8,000 documents, the
//!    size of the Meilisearch figure quoted in BENCHMARKS.md) and on a
//!    synthetic ecosystem of `BENCH_ENTITIES` entities, over fixed lists of
//!    1–3 word Chinese queries that occur in each data set. Each query runs
//!    once to warm up (and must return at least one hit), then
//!    `BENCH_ROUNDS` times round-robin; p50, p99, mean and max latency and
//!    queries/s.
//! 3. **Query latency over loopback HTTP**: `innograph serve` on a free
//!    loopback port, on the CSL copies and on the synthetic index, the same
//!    queries sent one at a time over a kept-alive HTTP/1.1 connection by a
//!    minimal client in this file; each answer's `total` must equal the
//!    in-process one.
//! 4. **Snippets on long documents**: `BENCH_LONG_DOCS` documents of 5–10 KB
//!    (CSL titles and abstracts joined by discipline, drawn with
//!    `BENCH_SEED`), the CSL queries each asked for 10 hits with their
//!    highlighted snippets and for 1 hit, one right after the other, in
//!    process and over loopback HTTP; p50, p99 and the ratio of the two
//!    page sizes. The index is built into `$BENCH_DIR/index-long-<N>-<seed>`
//!    and kept for the next run.
//!
//! For `benches/peers/search_peers.py` (Python jieba, Whoosh, SQLite FTS5
//! on the same text and queries), the bench writes into `$BENCH_DIR`:
//! `csl-docs.jsonl` (the papers once: id, title, abstract; a document's
//! text is `title + "\n" + abstract`), `csl-queries.txt` (the CSL queries,
//! one per line), `csl-bench.json` (the part-1 copy count and
//! `BENCH_CSL_COPIES`) and, at the end, `innograph-search.json` (this
//! run's figures).
//!
//! The synthetic corpus is generated with `innograph::synth::generate` into
//! `$BENCH_DIR/corpus-<N>` unless a corpus of the same size and seed is
//! already there (its `gen.json` says so), and built into
//! `$BENCH_DIR/index-<N>` unless an index of that corpus is already there;
//! both are kept for the next run. At 1M entities the build takes about 80 s
//! and 8–9 GB of memory, the open about 17 s and 6.5 GB, and the server as
//! much again (the in-process engine is dropped first).
//!
//! Run: `cargo bench --bench search` (for a quick check:
//! `BENCH_ENTITIES=100000 cargo bench --bench search`; part 4 alone:
//! `BENCH_LONG=only cargo bench --bench search`).
//!
//! Environment:
//! - `BENCH_CSL`: the CSL papers file, default `../shared/data/csl/papers.jsonl`
//!   relative to the crate; when missing, the bench says so and exits 0.
//! - `BENCH_REPEAT`: copies of the CSL texts for part 1 (default: enough for 20 MB).
//! - `BENCH_ENTITIES`: synthetic entities (default 1000000).
//! - `BENCH_SEED`: synthetic seed (default 2026).
//! - `BENCH_CSL_COPIES`: copies of the CSL papers in the index served over
//!   HTTP (default 4).
//! - `BENCH_DIR`: where the synthetic corpus and index, the server logs and
//!   the files for the peers live (default `/tmp/innograph-bench-search`).
//! - `BENCH_ROUNDS`: timed runs of each query (default 20).
//! - `BENCH_INDEX_RUNS`: runs of each part-1 step; the best is reported
//!   with the worst beside it (default 3: the machines are shared).
//! - `BENCH_HTTP`: `0` skips part 3.
//! - `BENCH_INDEX_ONLY`: `1` runs part 1 alone.
//! - `BENCH_BIN`: the `innograph` binary for parts 3 and 4 (default: the one
//!   cargo built with this bench).
//! - `BENCH_LONG`: `0` skips part 4, `only` runs part 4 alone.
//! - `BENCH_LONG_DOCS`: long documents in part 4 (default 8000).
//! - `BENCH_LONG_ROUNDS`: timed runs of each query and page size in part 4
//!   (default 30).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::http::{percent_encode, server_binary, start_serve, HttpClient, ServerGuard};
use common::{
    env_or, fmt_count, fmt_duration, machine, print_table, read_gen_summary, synthetic_corpus, write_document_corpus,
    BenchResult,
};
use innograph::model::Document;
use innograph::search::{SearchRequest, SearchWriter};
use innograph::text::{normalize, Segmenter};
use innograph::Engine;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{doc, Index, Term};

/// Where the CSL papers come from, as the corpus records it.
const CSL_SOURCE: &str = "CSL benchmark (ydli-ai/CSL, Apache-2.0)";
/// Hits asked for per query.
const LIMIT: usize = 10;
/// Text the default repeat count reaches, in bytes.
const TARGET_TEXT_BYTES: usize = 20_000_000;
/// Heap given to the plain tantivy writer (innograph's writer uses the same).
const PLAIN_WRITER_HEAP: usize = 256 * 1024 * 1024;
/// Longest wait for `innograph serve` to answer `/api/health`.
const SERVER_START_TIMEOUT: Duration = Duration::from_secs(600);

/// Queries over the CSL papers: words of its disciplines, each found in at
/// least one title or abstract.
const CSL_QUERIES: &[&str] = &[
    "神经网络",
    "遗传算法",
    "有限元",
    "数值模拟",
    "复合材料",
    "高效液相色谱",
    "脑梗死",
    "斜拉桥",
    "小波变换",
    "知识产权",
    "吸附",
    "大鼠",
    "园林绿化",
    "种子萌发",
    "储层",
    "高炉",
    "无线通信",
    "图书馆",
    "新媒体",
    "艾滋病",
    "支持向量机",
    "无人机",
    "降水",
    "地震",
    "肿瘤",
    "抗氧化",
    "发酵",
    "微生物",
    "城市化",
    "马克思主义",
    "传感器",
    "水产 养殖",
    "图像 分割",
    "混凝土 强度",
    "隧道 施工",
    "气候 变化",
    "遥感 影像",
    "细胞 凋亡",
    "经济 增长",
    "民族 文化",
    "电机 控制",
    "大鼠 细胞 凋亡",
    "神经网络 预测 模型",
    "遗传算法 优化 设计",
    "高效液相色谱 含量 测定",
    "控制 系统 仿真",
];

/// Queries over the synthetic ecosystem: technical words of its industries.
const SYNTHETIC_QUERIES: &[&str] = &[
    "锂电池",
    "储能",
    "手术机器人",
    "石墨烯",
    "干细胞",
    "疫苗",
    "基因治疗",
    "内窥镜",
    "计算机视觉",
    "自然语言处理",
    "工业互联网",
    "区块链",
    "芯片",
    "自动驾驶",
    "工业机器人",
    "数控机床",
    "增材制造",
    "数字孪生",
    "海水淡化",
    "水下机器人",
    "智能船舶",
    "高温合金",
    "稀土",
    "合成生物学",
    "知识产权",
    "科技金融",
    "孵化器",
    "固态电池 电解质",
    "碳纤维 复合材料",
    "海洋 养殖",
    "机器视觉 检测",
    "核酸 检测",
    "超声 诊断",
    "骨科 植入物",
    "人工智能 大模型",
    "集成电路 设计",
    "物联网 传感器",
    "激光 加工",
    "电解水 制氢",
    "海上 风电",
    "mRNA 疫苗",
    "免疫 治疗 抗体",
    "动力电池 回收 技术",
    "医学影像 人工智能 诊断",
];

struct Paper {
    id: String,
    title: String,
    abstract_text: String,
    /// The paper's discipline ("" when the record has none).
    discipline: String,
}

fn data_path() -> PathBuf {
    match std::env::var_os("BENCH_CSL") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/csl/papers.jsonl"),
    }
}

fn read_papers(path: &Path) -> BenchResult<Vec<Paper>> {
    let text = fs::read_to_string(path)?;
    let mut papers = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)?;
        let field = |name: &str| -> BenchResult<String> {
            value
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| format!("{}:{}: no string field `{name}`", path.display(), index + 1).into())
        };
        papers.push(Paper {
            id: field("id")?,
            title: field("title")?,
            abstract_text: field("abstract")?,
            discipline: value
                .get("discipline")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string(),
        });
    }
    Ok(papers)
}

// ---------------------------------------------------------------- formatting

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn progress(message: &str) {
    eprintln!("[search bench] {message}");
}

/// Total size of the files under `dir`.
fn dir_bytes(dir: &Path) -> BenchResult<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

// ---------------------------------------------------------------- part 1: indexing

/// One measured indexing or segmentation step.
struct Throughput {
    name: String,
    threads: String,
    /// Fastest and slowest of the runs.
    best: Duration,
    worst: Duration,
    index_bytes: Option<u64>,
}

struct IndexingReport {
    repeat: usize,
    runs: usize,
    docs: usize,
    text_bytes: usize,
    jieba_load: Duration,
    rows: Vec<Throughput>,
}

/// Runs `step` `runs` times; each run returns its time and index size.
fn best_of(
    name: &str,
    threads: String,
    runs: usize,
    mut step: impl FnMut() -> BenchResult<(Duration, Option<u64>)>,
) -> BenchResult<Throughput> {
    progress(&format!("{name}: {runs} run(s)"));
    let mut times = Vec::with_capacity(runs);
    let mut index_bytes = None;
    for _ in 0..runs {
        let (elapsed, bytes) = step()?;
        times.push(elapsed);
        index_bytes = bytes;
    }
    Ok(Throughput {
        name: name.to_string(),
        threads,
        best: times.iter().copied().min().unwrap_or_default(),
        worst: times.iter().copied().max().unwrap_or_default(),
        index_bytes,
    })
}

fn index_throughput(papers: &[Paper], repeat: usize, runs: usize, cores: usize) -> BenchResult<IndexingReport> {
    let once_bytes: usize = papers.iter().map(|p| p.title.len() + p.abstract_text.len()).sum();
    let docs = papers.len() * repeat;
    let text_bytes = once_bytes * repeat;
    // The same text in the shape each contender takes: one string per
    // paper (title, newline, abstract) for jieba and plain tantivy, a
    // Document (title, text) for innograph.
    let combined: Vec<String> = papers
        .iter()
        .map(|p| format!("{}\n{}", p.title, p.abstract_text))
        .collect();
    let documents: Vec<Document> = (0..repeat)
        .flat_map(|copy| {
            papers.iter().map(move |p| Document {
                id: format!("{}#{copy}", p.id),
                title: p.title.clone(),
                text: p.abstract_text.clone(),
                ..Default::default()
            })
        })
        .collect();
    let min_tokens = text_bytes / 30;
    let mut rows = Vec::new();

    // jieba alone, one thread.
    let started = Instant::now();
    let jieba = jieba_rs::Jieba::new();
    let jieba_load = started.elapsed();
    rows.push(best_of(
        "jieba-rs `cut_for_search(text, true)`",
        "1".into(),
        runs,
        || {
            let started = Instant::now();
            let mut tokens = 0usize;
            for _ in 0..repeat {
                for text in &combined {
                    tokens += black_box(jieba.cut_for_search(black_box(text), true)).len();
                }
            }
            let elapsed = started.elapsed();
            assert!(tokens > min_tokens, "jieba produced only {tokens} tokens");
            Ok((elapsed, None))
        },
    )?);
    drop(jieba);

    // innograph's segmentation alone, one thread.
    let segmenter = Segmenter::new(std::iter::empty::<&str>());
    rows.push(best_of(
        "innograph `normalize` + `Segmenter::index_tokens`",
        "1".into(),
        runs,
        || {
            let started = Instant::now();
            let mut tokens = 0usize;
            for _ in 0..repeat {
                for p in papers {
                    tokens += black_box(segmenter.index_tokens(&normalize(black_box(&p.title)))).len();
                    tokens += black_box(segmenter.index_tokens(&normalize(black_box(&p.abstract_text)))).len();
                }
            }
            let elapsed = started.elapsed();
            assert!(
                tokens > min_tokens,
                "innograph's segmenter produced only {tokens} tokens"
            );
            Ok((elapsed, None))
        },
    )?);

    // Plain tantivy with tantivy-jieba.
    rows.push(best_of(
        "plain tantivy + tantivy-jieba (1 field)",
        format!("{cores} (writer default)"),
        runs,
        || {
            let dir = tempfile::tempdir()?;
            let mut schema = Schema::builder();
            let body = schema.add_text_field(
                "body",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer("jieba")
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                ),
            );
            let started = Instant::now();
            let index = Index::create_in_dir(dir.path(), schema.build())?;
            index
                .tokenizers()
                .register("jieba", tantivy_jieba::JiebaTokenizer::new());
            let mut writer: tantivy::IndexWriter = index.writer(PLAIN_WRITER_HEAP)?;
            for _ in 0..repeat {
                for text in &combined {
                    writer.add_document(doc!(body => text.as_str()))?;
                }
            }
            writer.commit()?;
            writer.wait_merging_threads()?;
            let elapsed = started.elapsed();
            let searcher = index.reader()?.searcher();
            assert_eq!(searcher.num_docs() as usize, docs, "plain tantivy index lost documents");
            let probe =
                tantivy::query::TermQuery::new(Term::from_field_text(body, "神经网络"), IndexRecordOption::Basic);
            let probe_hits = searcher.search(&probe, &tantivy::collector::Count)?;
            assert!(
                probe_hits >= repeat,
                "plain tantivy: 神经网络 found in {probe_hits} documents"
            );
            Ok((elapsed, Some(dir_bytes(dir.path())?)))
        },
    )?);

    // innograph's SearchWriter.
    rows.push(best_of(
        "innograph `SearchWriter` (documents)",
        format!("{cores} (writer default)"),
        runs,
        || {
            let dir = tempfile::tempdir()?;
            let started = Instant::now();
            let writer = SearchWriter::create(dir.path(), &segmenter)?;
            for document in &documents {
                writer.add_document(document)?;
            }
            // Commit and wait for merges, as a build does.
            writer.finish()?;
            let elapsed = started.elapsed();
            Ok((elapsed, Some(dir_bytes(dir.path())?)))
        },
    )?);

    Ok(IndexingReport {
        repeat,
        runs,
        docs,
        text_bytes,
        jieba_load,
        rows,
    })
}

fn print_indexing(report: &IndexingReport, once_bytes: usize) {
    println!("\n## 1. Indexing throughput (CSL titles + abstracts)\n");
    println!(
        "text: {} papers × {} copies = {} documents, {:.2} MB ({:.2} MB per copy{})",
        report.docs / report.repeat,
        report.repeat,
        fmt_count(report.docs),
        mb(report.text_bytes),
        mb(once_bytes),
        if std::env::var_os("BENCH_REPEAT").is_some() {
            ", BENCH_REPEAT"
        } else {
            ", copies chosen to reach 20 MB"
        }
    );
    println!(
        "each step run {} time(s) (BENCH_INDEX_RUNS), rates from the best run; \
         jieba dictionary load (Jieba::new, not in the figures): {:.0} ms\n",
        report.runs,
        report.jieba_load.as_secs_f64() * 1e3
    );
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|row| {
            let secs = row.best.as_secs_f64();
            vec![
                row.name.clone(),
                row.threads.clone(),
                format!("{secs:.2} s"),
                format!("{:.2} s", row.worst.as_secs_f64()),
                format!("{:.2}", mb(report.text_bytes) / secs),
                fmt_count((report.docs as f64 / secs) as usize),
                row.index_bytes
                    .map_or("–".to_string(), |b| format!("{:.1} MB", b as f64 / 1e6)),
                row.index_bytes.map_or("–".to_string(), |b| {
                    format!("{:.2}", b as f64 / report.text_bytes as f64)
                }),
            ]
        })
        .collect();
    print_table(
        &[
            "step",
            "threads",
            "best time",
            "worst time",
            "MB/s (best)",
            "docs/s",
            "index size",
            "index bytes / text byte",
        ],
        &rows,
    );
    let speed = |i: usize| mb(report.text_bytes) / report.rows[i].best.as_secs_f64();
    println!();
    println!(
        "ratios: innograph / plain tantivy = {:.2}; plain tantivy / single-thread jieba = {:.2}; \
         innograph / single-thread jieba = {:.2}; innograph segmenter / jieba cut_for_search = {:.2}",
        speed(3) / speed(2),
        speed(2) / speed(0),
        speed(3) / speed(0),
        speed(1) / speed(0)
    );
    println!(
        "(plain tantivy indexes one unstored field; innograph stores title and text and also indexes \
         CJK bigrams of both)"
    );
}

// ---------------------------------------------------------------- part 2: in-process latency

/// Latencies of one query list against one index.
struct LatencyRun {
    label: String,
    entries: String,
    samples: Vec<Duration>,
    per_query: Vec<(String, Vec<Duration>)>,
    /// Matching entries of each query.
    totals: Vec<usize>,
    fallbacks: usize,
}

struct LatencyStats {
    p50: Duration,
    p99: Duration,
    mean: Duration,
    max: Duration,
    per_second: f64,
}

impl LatencyRun {
    fn percentile(sorted: &[Duration], p: f64) -> Duration {
        let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1));
        sorted.get(rank - 1).copied().unwrap_or_default()
    }

    fn stats(&self) -> LatencyStats {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let total: Duration = sorted.iter().sum();
        LatencyStats {
            p50: Self::percentile(&sorted, 0.5),
            p99: Self::percentile(&sorted, 0.99),
            mean: total / sorted.len().max(1) as u32,
            max: sorted.last().copied().unwrap_or_default(),
            per_second: sorted.len() as f64 / total.as_secs_f64().max(1e-9),
        }
    }

    fn row(&self, rounds: usize) -> Vec<String> {
        let stats = self.stats();
        let queries = self.per_query.len();
        vec![
            self.label.clone(),
            self.entries.clone(),
            format!("{queries} × {rounds}"),
            fmt_duration(stats.p50),
            fmt_duration(stats.p99),
            fmt_duration(stats.mean),
            fmt_duration(stats.max),
            format!("{:.0}", stats.per_second),
            self.fallbacks.to_string(),
        ]
    }

    /// The `n` queries with the highest median latency.
    fn slowest(&self, n: usize) -> String {
        let mut medians: Vec<(Duration, &str, usize)> = self
            .per_query
            .iter()
            .zip(&self.totals)
            .map(|((query, samples), total)| {
                let mut sorted = samples.clone();
                sorted.sort();
                (Self::percentile(&sorted, 0.5), query.as_str(), *total)
            })
            .collect();
        medians.sort_by_key(|m| std::cmp::Reverse(m.0));
        medians
            .iter()
            .take(n)
            .map(|(median, query, total)| format!("{query} {} ({} matches)", fmt_duration(*median), fmt_count(*total)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Runs every query once and checks it finds something; returns each
/// query's total and whether the any-term fallback answered it.
fn warm_up(engine: &Engine, queries: &[&str], label: &str) -> BenchResult<Vec<(usize, bool)>> {
    let mut out = Vec::with_capacity(queries.len());
    let mut empty = Vec::new();
    for query in queries {
        let response = engine.search(&SearchRequest::new(*query, LIMIT))?;
        if response.hits.is_empty() || response.total == 0 {
            empty.push(*query);
        }
        out.push((response.total, response.fallback.is_some()));
    }
    if !empty.is_empty() {
        return Err(format!(
            "{label}: {} quer(ies) found nothing, the engine or the data changed: {}",
            empty.len(),
            empty.join(", ")
        )
        .into());
    }
    Ok(out)
}

fn measure_in_process(
    engine: &Engine,
    queries: &[&str],
    rounds: usize,
    label: &str,
    entries: String,
) -> BenchResult<(LatencyRun, Vec<(usize, bool)>)> {
    progress(&format!("{label}: {} queries × {rounds} rounds", queries.len()));
    let expected = warm_up(engine, queries, label)?;
    let requests: Vec<SearchRequest> = queries.iter().map(|q| SearchRequest::new(*q, LIMIT)).collect();
    let mut per_query: Vec<(String, Vec<Duration>)> = queries
        .iter()
        .map(|q| (q.to_string(), Vec::with_capacity(rounds)))
        .collect();
    let mut samples = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for (i, request) in requests.iter().enumerate() {
            let started = Instant::now();
            let response = engine.search(black_box(request))?;
            let elapsed = started.elapsed();
            assert_eq!(
                response.total, expected[i].0,
                "{label}: `{}` changed its total between runs",
                request.q
            );
            black_box(&response);
            samples.push(elapsed);
            per_query[i].1.push(elapsed);
        }
    }
    let fallbacks = expected.iter().filter(|(_, fallback)| *fallback).count();
    Ok((
        LatencyRun {
            label: label.to_string(),
            entries,
            samples,
            per_query,
            totals: expected.iter().map(|(total, _)| *total).collect(),
            fallbacks,
        },
        expected,
    ))
}

/// Writes a corpus of `copies` copies of the papers as documents (the
/// first copy keeps the papers' ids, copy `k` appends `-copy<k>`).
fn write_csl_corpus(papers: &[Paper], copies: usize, dir: &Path) -> BenchResult<()> {
    let documents = (0..copies).flat_map(|copy| {
        papers.iter().map(move |paper| Document {
            id: if copy == 0 {
                paper.id.clone()
            } else {
                format!("{}-copy{copy}", paper.id)
            },
            title: paper.title.clone(),
            text: paper.abstract_text.clone(),
            source: CSL_SOURCE.to_string(),
            ..Default::default()
        })
    });
    write_document_corpus(dir, "csl", documents)
}

/// Builds an index of `copies` copies of the papers under `work`; returns
/// its directory and the build time.
fn build_csl_index(papers: &[Paper], copies: usize, work: &Path) -> BenchResult<(PathBuf, Duration)> {
    let corpus = work.join(format!("corpus-csl-x{copies}"));
    let index = work.join(format!("index-csl-x{copies}"));
    write_csl_corpus(papers, copies, &corpus)?;
    let started = Instant::now();
    innograph::store::build(&corpus, &index, &mut |_progress| {})?;
    Ok((index, started.elapsed()))
}

/// Writes what `benches/peers/search_peers.py` needs to index and query
/// exactly the same text: the papers once (`csl-docs.jsonl`: id, title,
/// abstract; each document is `title + "\n" + abstract`), the queries one
/// per line (`csl-queries.txt`) and the copy counts (`csl-bench.json`).
fn export_for_peers(base: &Path, papers: &[Paper], repeat: usize, query_copies: usize) -> BenchResult<()> {
    fs::create_dir_all(base)?;
    let mut out = std::io::BufWriter::new(fs::File::create(base.join("csl-docs.jsonl"))?);
    for paper in papers {
        let record = serde_json::json!({
            "id": paper.id,
            "title": paper.title,
            "abstract": paper.abstract_text,
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let mut queries = CSL_QUERIES.join("\n");
    queries.push('\n');
    fs::write(base.join("csl-queries.txt"), queries)?;
    let text_bytes: usize = papers.iter().map(|p| p.title.len() + p.abstract_text.len()).sum();
    let config = serde_json::json!({
        "papers": papers.len(),
        "text_bytes_per_copy": text_bytes,
        "repeat": repeat,
        "query_copies": query_copies,
        "limit": LIMIT,
    });
    fs::write(base.join("csl-bench.json"), serde_json::to_string_pretty(&config)?)?;
    Ok(())
}

/// The synthetic corpus and index of one size, generated and built when
/// not already there.
struct Synthetic {
    index_dir: PathBuf,
    entities: u64,
    relations: u64,
    documents: u64,
    corpus_bytes: u64,
    notes: Vec<String>,
}

fn prepare_synthetic(base: &Path, entities: usize, seed: u64) -> BenchResult<Synthetic> {
    fs::create_dir_all(base)?;
    let corpus = base.join(format!("corpus-{entities}"));
    let index_dir = base.join(format!("index-{entities}"));
    // Written after a successful build: the gen.json of the corpus it was built from.
    let marker = base.join(format!("index-{entities}.corpus.json"));
    let mut notes = Vec::new();
    progress(&format!("corpus of {entities} entities in {}", corpus.display()));
    let (summary, generated) = synthetic_corpus(&corpus, entities, seed)?;
    notes.push(match generated {
        Some(elapsed) => format!(
            "corpus generated in {:.1} s into {}",
            elapsed.as_secs_f64(),
            corpus.display()
        ),
        None => format!("corpus reused from {}", corpus.display()),
    });
    let summary_text = serde_json::to_string(&summary)?;
    let built_from = fs::read_to_string(&marker).ok();
    if index_dir.is_dir() && built_from.as_deref() == Some(summary_text.as_str()) {
        notes.push(format!("index reused from {}", index_dir.display()));
    } else {
        build_synthetic(&corpus, &index_dir, &marker, &summary_text, &mut notes)?;
    }
    let count = |name: &str| summary.get(name).and_then(|v| v.as_u64()).unwrap_or(0);
    Ok(Synthetic {
        index_dir,
        entities: count("entities"),
        relations: count("relations"),
        documents: count("documents"),
        corpus_bytes: dir_bytes(&corpus)?,
        notes,
    })
}

fn build_synthetic(
    corpus: &Path,
    index_dir: &Path,
    marker: &Path,
    summary_text: &str,
    notes: &mut Vec<String>,
) -> BenchResult<()> {
    progress(&format!(
        "building {} (about 80 s and 9 GB at 1M entities)",
        index_dir.display()
    ));
    let _ = fs::remove_file(marker);
    let started = Instant::now();
    innograph::store::build(corpus, index_dir, &mut |_progress| {})?;
    notes.push(format!(
        "index built in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        index_dir.display()
    ));
    fs::write(marker, summary_text)?;
    Ok(())
}

/// Opens the synthetic index; an index another version of innograph cannot
/// open is rebuilt once.
fn open_synthetic(synthetic: &mut Synthetic, base: &Path, entities: usize) -> BenchResult<Engine> {
    let started = Instant::now();
    match Engine::open(&synthetic.index_dir) {
        Ok(engine) => {
            synthetic
                .notes
                .push(format!("index opened in {:.1} s", started.elapsed().as_secs_f64()));
            Ok(engine)
        }
        Err(error) => {
            progress(&format!("the existing index does not open ({error}); rebuilding it"));
            synthetic.notes.retain(|note| !note.starts_with("index reused"));
            synthetic
                .notes
                .push(format!("the index found there did not open ({error})"));
            let corpus = base.join(format!("corpus-{entities}"));
            let marker = base.join(format!("index-{entities}.corpus.json"));
            let summary = read_gen_summary(&corpus).ok_or("gen.json missing")?;
            let summary_text = serde_json::to_string(&summary)?;
            build_synthetic(
                &corpus,
                &synthetic.index_dir,
                &marker,
                &summary_text,
                &mut synthetic.notes,
            )?;
            let started = Instant::now();
            let engine = Engine::open(&synthetic.index_dir)?;
            synthetic
                .notes
                .push(format!("index opened in {:.1} s", started.elapsed().as_secs_f64()));
            Ok(engine)
        }
    }
}

// ---------------------------------------------------------------- part 3: HTTP

/// What the HTTP part measured.
struct HttpOutcome {
    run: LatencyRun,
    /// From spawning the server to its first healthy answer.
    ready_after: Duration,
    /// Mean size of a search response body, in bytes.
    mean_body: usize,
    /// Connections opened during the timed loop (0 when keep-alive held).
    reconnects: usize,
}

impl HttpOutcome {
    fn note(&self, what: &str, binary: &Path) -> String {
        format!(
            "server ({what}): {} serve, ready (index opened) after {:.1} s; mean response body {:.1} KB; \
             reconnects during timing: {}",
            binary.display(),
            self.ready_after.as_secs_f64(),
            self.mean_body as f64 / 1e3,
            self.reconnects
        )
    }
}

/// One index served and queried over HTTP.
struct HttpCase<'a> {
    label: String,
    entries: String,
    index_dir: &'a Path,
    /// Where the server's output goes.
    log_path: PathBuf,
    queries: &'a [&'a str],
    /// Each query's in-process total and fallback flag.
    expected: &'a [(usize, bool)],
}

/// Starts `binary serve` on `index_dir` at a free loopback port and waits
/// for its first healthy answer; returns the server, a client connected to
/// it and how long it took to get ready.
fn start_server(binary: &Path, index_dir: &Path, log_path: &Path) -> BenchResult<(ServerGuard, HttpClient, Duration)> {
    start_serve(binary, index_dir, log_path, &[], SERVER_START_TIMEOUT, &progress)
}

fn measure_http(binary: &Path, case: HttpCase<'_>, rounds: usize) -> BenchResult<HttpOutcome> {
    let HttpCase {
        label,
        entries,
        index_dir,
        log_path,
        queries,
        expected,
    } = case;
    let log_path = log_path.as_path();
    let (server, mut client, ready_after) = start_server(binary, index_dir, log_path)?;
    progress(&format!(
        "{label}: server ready after {:.1} s; {} queries × {rounds} rounds",
        ready_after.as_secs_f64(),
        queries.len()
    ));

    let targets: Vec<String> = queries
        .iter()
        .map(|q| format!("/api/search?q={}&limit={LIMIT}", percent_encode(q)))
        .collect();
    // Warm-up: one request per query, the answer must match the in-process one.
    for (i, target) in targets.iter().enumerate() {
        let (status, body) = client.get(target)?;
        if status != 200 {
            return Err(format!("{target}: HTTP {status}: {}", String::from_utf8_lossy(&body)).into());
        }
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        let total = json.get("total").and_then(|t| t.as_u64()).unwrap_or(u64::MAX);
        let hits = json.get("hits").and_then(|h| h.as_array()).map_or(0, |h| h.len());
        if total != expected[i].0 as u64 || hits == 0 {
            return Err(format!(
                "HTTP `{}`: total {total} and {hits} hits, in-process total {}",
                queries[i], expected[i].0
            )
            .into());
        }
    }
    let connects_before = client.connects;
    let mut per_query: Vec<(String, Vec<Duration>)> = queries
        .iter()
        .map(|q| (q.to_string(), Vec::with_capacity(rounds)))
        .collect();
    let mut samples = Vec::with_capacity(queries.len() * rounds);
    let mut body_bytes = 0usize;
    for _ in 0..rounds {
        for (i, target) in targets.iter().enumerate() {
            let started = Instant::now();
            let (status, body) = client.get(target)?;
            let elapsed = started.elapsed();
            if status != 200 || body.is_empty() {
                return Err(format!("{target}: HTTP {status}").into());
            }
            body_bytes += body.len();
            samples.push(elapsed);
            per_query[i].1.push(elapsed);
        }
    }
    let reconnects = client.connects - connects_before;
    let mean_body = body_bytes / samples.len().max(1);
    drop(server);
    let fallbacks = expected.iter().filter(|(_, fallback)| *fallback).count();
    Ok(HttpOutcome {
        run: LatencyRun {
            label,
            entries,
            samples,
            per_query,
            totals: expected.iter().map(|(total, _)| *total).collect(),
            fallbacks,
        },
        ready_after,
        mean_body,
        reconnects,
    })
}

// ---------------------------------------------------------------- part 4: snippets of long documents

/// Shortest and longest text of a long document, in bytes.
const LONG_MIN_BYTES: usize = 5_000;
const LONG_MAX_BYTES: usize = 10_000;
/// The hits asked for when measuring what the page (and its snippets) adds.
const LONG_ONE: usize = 1;

/// `count` long documents, each the titles and abstracts of papers of one
/// discipline (drawn at random with `seed`, the same paper in several
/// documents) joined until the text reaches a length drawn between
/// [`LONG_MIN_BYTES`] and [`LONG_MAX_BYTES`], then cut to the latter. The
/// title is the first paper's. Returns the documents and the number of
/// disciplines.
fn long_documents(papers: &[Paper], count: usize, seed: u64) -> (Vec<Document>, usize) {
    let mut by_discipline: BTreeMap<&str, Vec<&Paper>> = BTreeMap::new();
    for paper in papers {
        by_discipline.entry(paper.discipline.as_str()).or_default().push(paper);
    }
    let groups: Vec<(&str, Vec<&Paper>)> = by_discipline.into_iter().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut documents = Vec::with_capacity(count);
    for i in 0..count {
        let (discipline, group) = &groups[i % groups.len()];
        let target = rng.random_range(LONG_MIN_BYTES..=LONG_MAX_BYTES);
        let mut text = String::with_capacity(target + 4096);
        let mut title = String::new();
        while text.len() < target {
            let paper = group[rng.random_range(0..group.len())];
            if title.is_empty() {
                title = paper.title.clone();
            }
            text.push_str(&paper.title);
            text.push('\n');
            text.push_str(&paper.abstract_text);
            text.push('\n');
        }
        let mut cut = LONG_MAX_BYTES.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        documents.push(Document {
            id: format!("long-{i}"),
            title,
            text,
            date: String::new(),
            source: format!("{CSL_SOURCE}, {discipline}"),
            title_derived: false,
        });
    }
    (documents, groups.len())
}

/// The long-document index of one size and seed.
struct LongIndex {
    dir: PathBuf,
    documents: usize,
    disciplines: usize,
    text_bytes: usize,
    min_bytes: usize,
    max_bytes: usize,
    /// How the index was had: built (and how long it took) or reused.
    note: String,
}

/// Builds the long-document index under `base`, or reuses the one a
/// previous run built from the same papers, count and seed.
fn prepare_long_index(base: &Path, papers: &[Paper], count: usize, seed: u64) -> BenchResult<LongIndex> {
    let (documents, disciplines) = long_documents(papers, count, seed);
    let sizes: Vec<usize> = documents.iter().map(|d| d.text.len()).collect();
    let text_bytes: usize = documents.iter().map(|d| d.title.len() + d.text.len()).sum();
    let dir = base.join(format!("index-long-{count}-{seed}"));
    let marker = base.join(format!("index-long-{count}-{seed}.json"));
    let description = serde_json::json!({
        "documents": count,
        "seed": seed,
        "min_bytes": LONG_MIN_BYTES,
        "max_bytes": LONG_MAX_BYTES,
        "papers": papers.len(),
        "text_bytes": text_bytes,
    })
    .to_string();
    let note = if dir.is_dir() && fs::read_to_string(&marker).ok().as_deref() == Some(description.as_str()) {
        format!("index reused from {}", dir.display())
    } else {
        let _ = fs::remove_file(&marker);
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        let corpus = base.join(format!("corpus-long-{count}-{seed}"));
        if corpus.exists() {
            fs::remove_dir_all(&corpus)?;
        }
        write_document_corpus(&corpus, "long", documents)?;
        progress(&format!(
            "building {} ({count} documents, {:.0} MB of text)",
            dir.display(),
            mb(text_bytes)
        ));
        let started = Instant::now();
        innograph::store::build(&corpus, &dir, &mut |_progress| {})?;
        let built = started.elapsed();
        fs::write(&marker, &description)?;
        fs::remove_dir_all(&corpus)?;
        format!("index built in {:.1} s into {}", built.as_secs_f64(), dir.display())
    };
    Ok(LongIndex {
        dir,
        documents: count,
        disciplines,
        text_bytes,
        min_bytes: sizes.iter().copied().min().unwrap_or(0),
        max_bytes: sizes.iter().copied().max().unwrap_or(0),
        note,
    })
}

/// One query list timed at two page sizes, the two requests of a query
/// sent one after the other (in alternating order from round to round).
struct PairedRuns {
    top: LatencyRun,
    one: LatencyRun,
    /// Mean response body of each, in bytes (HTTP only).
    bodies: Option<(usize, usize)>,
}

fn empty_run(label: String, entries: &str, queries: &[&str], rounds: usize, expected: &[(usize, bool)]) -> LatencyRun {
    LatencyRun {
        label,
        entries: entries.to_string(),
        samples: Vec::with_capacity(queries.len() * rounds),
        per_query: queries
            .iter()
            .map(|q| (q.to_string(), Vec::with_capacity(rounds)))
            .collect(),
        totals: expected.iter().map(|(total, _)| *total).collect(),
        fallbacks: expected.iter().filter(|(_, fallback)| *fallback).count(),
    }
}

impl LatencyRun {
    fn record(&mut self, query: usize, elapsed: Duration) {
        self.samples.push(elapsed);
        self.per_query[query].1.push(elapsed);
    }
}

/// Whether round `round` sends query `query` at [`LIMIT`] first.
fn top_first(round: usize, query: usize) -> bool {
    (round + query).is_multiple_of(2)
}

/// Checks every query in-process at both page sizes (same total, hits, a
/// highlighted snippet on top) and returns each query's total and fallback.
fn long_warm_up(engine: &Engine, queries: &[&str]) -> BenchResult<Vec<(usize, bool)>> {
    let mut expected = Vec::with_capacity(queries.len());
    for query in queries {
        let top = engine.search(&SearchRequest::new(*query, LIMIT))?;
        let one = engine.search(&SearchRequest::new(*query, LONG_ONE))?;
        let highlighted = top.hits.first().is_some_and(|hit| hit.snippet.contains("<em>"));
        if top.hits.is_empty() || one.hits.len() != 1 || top.total != one.total || !highlighted {
            return Err(format!(
                "long documents: `{query}` answered {} hits (total {}) at limit {LIMIT} and {} (total {}) at \
                 limit {LONG_ONE}, top snippet highlighted: {highlighted}",
                top.hits.len(),
                top.total,
                one.hits.len(),
                one.total
            )
            .into());
        }
        expected.push((top.total, top.fallback.is_some()));
    }
    Ok(expected)
}

fn measure_long_in_process(
    engine: &Engine,
    queries: &[&str],
    rounds: usize,
    entries: &str,
    expected: &[(usize, bool)],
) -> BenchResult<PairedRuns> {
    progress(&format!(
        "long documents, in-process: {} queries × {rounds} rounds × 2 page sizes",
        queries.len()
    ));
    let mut top = empty_run(
        format!("long docs, in-process, top {LIMIT} with snippets"),
        entries,
        queries,
        rounds,
        expected,
    );
    let mut one = empty_run(
        format!("long docs, in-process, limit={LONG_ONE}"),
        entries,
        queries,
        rounds,
        expected,
    );
    let requests: Vec<(SearchRequest, SearchRequest)> = queries
        .iter()
        .map(|q| (SearchRequest::new(*q, LIMIT), SearchRequest::new(*q, LONG_ONE)))
        .collect();
    for round in 0..rounds {
        for (i, (top_request, one_request)) in requests.iter().enumerate() {
            let time = |request: &SearchRequest, run: &mut LatencyRun| -> BenchResult<()> {
                let started = Instant::now();
                let response = engine.search(black_box(request))?;
                let elapsed = started.elapsed();
                assert_eq!(response.total, expected[i].0, "`{}` changed its total", request.q);
                black_box(&response);
                run.record(i, elapsed);
                Ok(())
            };
            if top_first(round, i) {
                time(top_request, &mut top)?;
                time(one_request, &mut one)?;
            } else {
                time(one_request, &mut one)?;
                time(top_request, &mut top)?;
            }
        }
    }
    Ok(PairedRuns { top, one, bodies: None })
}

fn measure_long_http(
    binary: &Path,
    index: &LongIndex,
    log_path: &Path,
    queries: &[&str],
    rounds: usize,
    expected: &[(usize, bool)],
) -> BenchResult<(PairedRuns, Duration)> {
    let entries = format!("{} docs", fmt_count(index.documents));
    let (server, mut client, ready_after) = start_server(binary, &index.dir, log_path)?;
    progress(&format!(
        "long documents, HTTP: server ready after {:.1} s; {} queries × {rounds} rounds × 2 page sizes",
        ready_after.as_secs_f64(),
        queries.len()
    ));
    let targets: Vec<(String, String)> = queries
        .iter()
        .map(|q| {
            let q = percent_encode(q);
            (
                format!("/api/search?q={q}&limit={LIMIT}"),
                format!("/api/search?q={q}&limit={LONG_ONE}"),
            )
        })
        .collect();
    for (i, (top_target, one_target)) in targets.iter().enumerate() {
        for (target, limit) in [(top_target, LIMIT), (one_target, LONG_ONE)] {
            let (status, body) = client.get(target)?;
            if status != 200 {
                return Err(format!("{target}: HTTP {status}: {}", String::from_utf8_lossy(&body)).into());
            }
            let json: serde_json::Value = serde_json::from_slice(&body)?;
            let total = json.get("total").and_then(|t| t.as_u64()).unwrap_or(u64::MAX);
            let hits = json.get("hits").and_then(|h| h.as_array()).map_or(0, |h| h.len());
            if total != expected[i].0 as u64 || hits == 0 || hits > limit {
                return Err(format!(
                    "HTTP `{}` at limit {limit}: total {total} and {hits} hits, in-process total {}",
                    queries[i], expected[i].0
                )
                .into());
            }
        }
    }
    let mut top = empty_run(
        format!("long docs, HTTP, top {LIMIT} with snippets"),
        &entries,
        queries,
        rounds,
        expected,
    );
    let mut one = empty_run(
        format!("long docs, HTTP, limit={LONG_ONE}"),
        &entries,
        queries,
        rounds,
        expected,
    );
    let mut body_bytes = (0usize, 0usize);
    for round in 0..rounds {
        for (i, (top_target, one_target)) in targets.iter().enumerate() {
            let mut time = |target: &str, run: &mut LatencyRun| -> BenchResult<usize> {
                let started = Instant::now();
                let (status, body) = client.get(target)?;
                let elapsed = started.elapsed();
                if status != 200 || body.is_empty() {
                    return Err(format!("{target}: HTTP {status}").into());
                }
                run.record(i, elapsed);
                Ok(body.len())
            };
            if top_first(round, i) {
                body_bytes.0 += time(top_target, &mut top)?;
                body_bytes.1 += time(one_target, &mut one)?;
            } else {
                body_bytes.1 += time(one_target, &mut one)?;
                body_bytes.0 += time(top_target, &mut top)?;
            }
        }
    }
    drop(server);
    let requests = (queries.len() * rounds).max(1);
    Ok((
        PairedRuns {
            top,
            one,
            bodies: Some((body_bytes.0 / requests, body_bytes.1 / requests)),
        },
        ready_after,
    ))
}

/// Part 4: snippets on long documents, top [`LIMIT`] against one hit,
/// in-process and over HTTP.
fn long_documents_part(papers: &[Paper], base: &Path, seed: u64, http: Option<&Path>) -> BenchResult<()> {
    let count: usize = env_or("BENCH_LONG_DOCS", 8_000)?.max(1);
    let rounds: usize = env_or("BENCH_LONG_ROUNDS", 30)?.max(1);
    fs::create_dir_all(base)?;
    let index = prepare_long_index(base, papers, count, seed)?;
    let entries = format!("{} docs", fmt_count(index.documents));
    let engine = Engine::open(&index.dir)?;
    let expected = long_warm_up(&engine, CSL_QUERIES)?;
    let in_process = measure_long_in_process(&engine, CSL_QUERIES, rounds, &entries, &expected)?;
    drop(engine);
    let over_http = match http {
        Some(binary) => Some(measure_long_http(
            binary,
            &index,
            &base.join("serve-long.log"),
            CSL_QUERIES,
            rounds,
            &expected,
        )?),
        None => None,
    };

    println!("\n## 4. Snippets on long documents (top {LIMIT} with snippets against limit={LONG_ONE})\n");
    println!(
        "documents: {} (CSL titles and abstracts joined by discipline, {} disciplines, seed {seed}), \
         {:.1} MB of text, {:.1} KB per document on average ({:.1}–{:.1} KB); {}",
        fmt_count(index.documents),
        index.disciplines,
        mb(index.text_bytes),
        index.text_bytes as f64 / index.documents as f64 / 1e3,
        index.min_bytes as f64 / 1e3,
        index.max_bytes as f64 / 1e3,
        index.note
    );
    println!(
        "{} CSL queries × {rounds} rounds (BENCH_LONG_ROUNDS), each query at limit={LIMIT} and at \
         limit={LONG_ONE}, one right after the other, in alternating order\n",
        CSL_QUERIES.len()
    );
    let mut pairs: Vec<&PairedRuns> = vec![&in_process];
    if let Some((runs, _)) = &over_http {
        pairs.push(runs);
    }
    let rows: Vec<Vec<String>> = pairs
        .iter()
        .flat_map(|pair| [pair.top.row(rounds), pair.one.row(rounds)])
        .collect();
    print_table(
        &[
            "index",
            "entries",
            "queries × rounds",
            "p50",
            "p99",
            "mean",
            "max",
            "queries/s (1 thread)",
            "queries via any-term fallback",
        ],
        &rows,
    );
    println!();
    for pair in &pairs {
        let (top, one) = (pair.top.stats(), pair.one.stats());
        let extra = top.mean.saturating_sub(one.mean) / (LIMIT - LONG_ONE) as u32;
        println!(
            "{}: top {LIMIT} / limit={LONG_ONE} = {:.2} at p50, {:.2} at p99; each further hit adds {} on average",
            pair.top.label.split(", top").next().unwrap_or(""),
            top.p50.as_secs_f64() / one.p50.as_secs_f64().max(1e-12),
            top.p99.as_secs_f64() / one.p99.as_secs_f64().max(1e-12),
            fmt_duration(extra)
        );
        if let Some((top_body, one_body)) = pair.bodies {
            println!(
                "  mean response body: {:.1} KB at limit={LIMIT}, {:.1} KB at limit={LONG_ONE}",
                top_body as f64 / 1e3,
                one_body as f64 / 1e3
            );
        }
    }
    if let Some((_, ready_after)) = &over_http {
        println!(
            "server: {} serve, ready (index opened) after {:.1} s",
            http.map_or(String::new(), |b| b.display().to_string()),
            ready_after.as_secs_f64()
        );
    } else {
        println!("HTTP part skipped (BENCH_HTTP=0 or no server binary)");
    }
    println!(
        "slowest queries by median, top {LIMIT}, in-process: {}",
        in_process.top.slowest(5)
    );
    Ok(())
}

// ---------------------------------------------------------------- figures for the peers

/// Writes innograph's figures of this run as JSON, for the peers script to
/// print beside its own.
fn export_figures(path: &Path, indexing: &IndexingReport, runs: &[&LatencyRun]) -> BenchResult<()> {
    let indexing_rows: Vec<serde_json::Value> = indexing
        .rows
        .iter()
        .map(|row| {
            let secs = row.best.as_secs_f64();
            serde_json::json!({
                "step": row.name,
                "threads": row.threads,
                "seconds": secs,
                "mb_per_s": mb(indexing.text_bytes) / secs,
                "docs_per_s": indexing.docs as f64 / secs,
                "index_bytes": row.index_bytes,
            })
        })
        .collect();
    let latency_rows: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            let stats = run.stats();
            serde_json::json!({
                "index": run.label,
                "entries": run.entries,
                "queries": run.per_query.len(),
                "samples": run.samples.len(),
                "p50_ms": stats.p50.as_secs_f64() * 1e3,
                "p99_ms": stats.p99.as_secs_f64() * 1e3,
                "mean_ms": stats.mean.as_secs_f64() * 1e3,
            })
        })
        .collect();
    let figures = serde_json::json!({
        "machine": machine(),
        "text_bytes": indexing.text_bytes,
        "docs": indexing.docs,
        "repeat": indexing.repeat,
        "indexing": indexing_rows,
        "latency": latency_rows,
    });
    fs::write(path, serde_json::to_string_pretty(&figures)?)?;
    Ok(())
}

// ---------------------------------------------------------------- main

fn main() -> BenchResult<()> {
    let path = data_path();
    if !path.is_file() {
        println!(
            "search bench: no CSL data at {} (set BENCH_CSL to the papers.jsonl file); nothing measured",
            path.display()
        );
        return Ok(());
    }
    let papers = read_papers(&path)?;
    if papers.is_empty() {
        return Err(format!("{} holds no papers", path.display()).into());
    }
    let once_bytes: usize = papers.iter().map(|p| p.title.len() + p.abstract_text.len()).sum();
    let repeat: usize = env_or("BENCH_REPEAT", TARGET_TEXT_BYTES.div_ceil(once_bytes.max(1)))?.max(1);
    let entities: usize = env_or("BENCH_ENTITIES", 1_000_000)?;
    let seed: u64 = env_or("BENCH_SEED", 2026)?;
    let rounds: usize = env_or("BENCH_ROUNDS", 20)?.max(1);
    let index_runs: usize = env_or("BENCH_INDEX_RUNS", 3)?.max(1);
    let base = PathBuf::from(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/tmp/innograph-bench-search".into()));
    let http = std::env::var("BENCH_HTTP").map_or(true, |v| v.trim() != "0");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let csl_copies: usize = env_or("BENCH_CSL_COPIES", 4)?.max(1);
    let long_part = std::env::var("BENCH_LONG").unwrap_or_default();
    let binary = server_binary();
    let http_binary = (http && binary.is_file()).then_some(binary.as_path());

    println!("# innograph search bench");
    println!("machine: {}", machine());
    println!("CSL data: {} ({} papers)", path.display(), papers.len());
    if long_part.trim() == "only" {
        return long_documents_part(&papers, &base, seed, http_binary);
    }
    export_for_peers(&base, &papers, repeat, csl_copies)?;

    // Part 1.
    let indexing = index_throughput(&papers, repeat, index_runs, cores)?;
    print_indexing(&indexing, once_bytes);
    if std::env::var("BENCH_INDEX_ONLY").is_ok_and(|v| v.trim() == "1") {
        return Ok(());
    }

    // Part 2: the CSL papers once, then `csl_copies` times (the index part 3 serves).
    let work = tempfile::tempdir()?;
    let (csl_index, csl_built) = build_csl_index(&papers, 1, work.path())?;
    let csl_engine = Engine::open(&csl_index)?;
    let (csl_run, _) = measure_in_process(
        &csl_engine,
        CSL_QUERIES,
        rounds,
        "CSL papers, in-process",
        format!("{} docs", fmt_count(papers.len())),
    )?;
    drop(csl_engine);
    let (copies_index, copies_built) = build_csl_index(&papers, csl_copies, work.path())?;
    let copies_entries = format!("{} docs", fmt_count(papers.len() * csl_copies));
    let copies_engine = Engine::open(&copies_index)?;
    let (copies_run, copies_expected) = measure_in_process(
        &copies_engine,
        CSL_QUERIES,
        rounds,
        &format!("CSL papers ×{csl_copies}, in-process"),
        copies_entries.clone(),
    )?;
    drop(copies_engine);

    // Part 3 on the CSL copies, before the synthetic index takes the memory.
    let http_skipped = if !http {
        Some("HTTP part skipped (BENCH_HTTP=0)".to_string())
    } else if !binary.is_file() {
        Some(format!(
            "HTTP part skipped: no binary at {} (run `cargo build --release` or set BENCH_BIN)",
            binary.display()
        ))
    } else {
        None
    };
    let mut http_notes = Vec::new();
    let mut copies_http = None;
    if http_skipped.is_none() {
        let case = HttpCase {
            label: format!("CSL papers ×{csl_copies}, HTTP loopback (keep-alive)"),
            entries: copies_entries.clone(),
            index_dir: &copies_index,
            log_path: base.join("serve-csl.log"),
            queries: CSL_QUERIES,
            expected: &copies_expected,
        };
        let outcome = measure_http(&binary, case, rounds)?;
        http_notes.push(outcome.note("CSL", &binary));
        copies_http = Some(outcome.run);
    }

    // Part 2: the synthetic index.
    let mut synthetic = prepare_synthetic(&base, entities, seed)?;
    let synthetic_entries = format!(
        "{} entities + {} docs",
        fmt_count(synthetic.entities as usize),
        fmt_count(synthetic.documents as usize)
    );
    let engine = open_synthetic(&mut synthetic, &base, entities)?;
    let (synthetic_run, expected) = measure_in_process(
        &engine,
        SYNTHETIC_QUERIES,
        rounds,
        "synthetic, in-process",
        synthetic_entries.clone(),
    )?;
    drop(engine);

    // Part 3 on the synthetic index.
    let mut synthetic_http = None;
    if http_skipped.is_none() {
        let case = HttpCase {
            label: "synthetic, HTTP loopback (keep-alive)".to_string(),
            entries: synthetic_entries.clone(),
            index_dir: &synthetic.index_dir,
            log_path: base.join("serve.log"),
            queries: SYNTHETIC_QUERIES,
            expected: &expected,
        };
        let outcome = measure_http(&binary, case, rounds)?;
        http_notes.push(outcome.note("synthetic", &binary));
        synthetic_http = Some(outcome.run);
    }

    println!("\n## 2–3. Query latency ({LIMIT} hits per query, one query at a time)\n");
    println!(
        "CSL index: {} papers (title + abstract), {:.2} MB of text, built in {:.2} s; \
         {csl_copies} copies (BENCH_CSL_COPIES): {} documents, built in {:.2} s",
        papers.len(),
        mb(once_bytes),
        csl_built.as_secs_f64(),
        fmt_count(papers.len() * csl_copies),
        copies_built.as_secs_f64()
    );
    println!(
        "synthetic index: {} entities, {} relations, {} documents (seed {seed}), corpus {:.0} MB on disk; {}",
        fmt_count(synthetic.entities as usize),
        fmt_count(synthetic.relations as usize),
        fmt_count(synthetic.documents as usize),
        synthetic.corpus_bytes as f64 / 1e6,
        synthetic.notes.join("; ")
    );
    if let Ok(bytes) = dir_bytes(&synthetic.index_dir) {
        println!("synthetic index on disk: {:.0} MB", bytes as f64 / 1e6);
    }
    println!();
    let runs: Vec<&LatencyRun> = [
        Some(&csl_run),
        Some(&copies_run),
        copies_http.as_ref(),
        Some(&synthetic_run),
        synthetic_http.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let rows: Vec<Vec<String>> = runs.iter().map(|run| run.row(rounds)).collect();
    print_table(
        &[
            "index",
            "entries",
            "queries × rounds",
            "p50",
            "p99",
            "mean",
            "max",
            "queries/s (1 thread)",
            "queries via any-term fallback",
        ],
        &rows,
    );
    println!();
    println!(
        "reference, quoted and not measured here (Meilisearch cannot be installed on this machine): \
         Meilisearch over HTTP on real Chinese text, about 1.1 ms p50 and 2.5 ms p99 at 7,700 documents"
    );
    println!("slowest queries by median, CSL: {}", csl_run.slowest(5));
    println!(
        "slowest queries by median, CSL ×{csl_copies}: {}",
        copies_run.slowest(5)
    );
    if let Some(run) = &copies_http {
        println!("slowest queries by median, CSL ×{csl_copies} HTTP: {}", run.slowest(5));
    }
    println!("slowest queries by median, synthetic: {}", synthetic_run.slowest(5));
    if let Some(run) = &synthetic_http {
        println!("slowest queries by median, synthetic HTTP: {}", run.slowest(5));
    }
    for note in http_skipped.iter().chain(&http_notes) {
        println!("{note}");
    }
    let figures = base.join("innograph-search.json");
    export_figures(&figures, &indexing, &runs)?;
    println!(
        "figures for benches/peers/search_peers.py written to {}",
        figures.display()
    );
    if long_part.trim() != "0" {
        long_documents_part(&papers, &base, seed, http_binary)?;
    }
    Ok(())
}

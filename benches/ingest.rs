//! Ingest benchmark: how fast articles are read and taken into the
//! synthetic graph, in process and over HTTP, and what taking them in does
//! to searches served at the same time.
//!
//! Articles: `BENCH_ARTICLES` news-length (800–2,000 characters) Chinese
//! articles made deterministically from `BENCH_SEED`: sentences naming
//! entities of the synthetic graph (enterprises, universities, institutes,
//! platforms, people and zones, their names read from the corpus's
//! `entities.jsonl`, sometimes by their short form), made-up companies
//! (city, two uncommon characters, trade, 有限公司), relation cues (落户,
//! 与…签署合作协议, 由…孵化, 获得…投资, 转让给, 董事长 …) and filler: sentences
//! of the CSL abstracts in `../shared/data/csl/papers.jsonl` when that file
//! is there (read at run time), generated sentences otherwise. Article `i`
//! depends on the seed and `i` only, so that more can be made on demand.
//!
//! What it measures, each phase bounded in time:
//!
//! a. **Extraction**: `Engine::extract` over the articles on one thread,
//!    MB/s of UTF-8 text over the wall clock and over the processor time
//!    the thread had (on Linux; the figure of one core on a shared
//!    machine), and `Recognizer::mentions` alone over the same texts for
//!    comparison (`BENCH_EXTRACT_SECONDS` each). With
//!    `BENCH_ONLY_EXTRACTION=1` the bench stops after this phase.
//! b. **Bulk ingest in process** into a copy of the index (the shared index
//!    is never written): `Engine::ingest` of the articles, one call per
//!    batch of the default chunk (200), as long as `BENCH_INGEST_SECONDS`
//!    allows; planning alone (a dry run) of a few batches; then a chunk of
//!    1,000 over fresh articles when the time allows. The write path's own
//!    timings (`fold_publish_ms`, `apply_ms`, `append_ms`, `compact_ms`
//!    (beginning a fold, which runs in the background), `suggester_ms`, `search_wait_ms`,
//!    `total_ms` of each written batch, from its debug events) are
//!    collected to show where a batch's time goes. Then the engine is
//!    dropped and the copy opened again: its
//!    entries and entities must have grown by what was written, and a
//!    made-up company must be found by search.
//! c. **Over HTTP**: `innograph serve` on a fresh copy, with
//!    `INNOGRAPH_TOKEN` set; one article per `POST /api/documents` (p50 and
//!    p99 latency over `BENCH_SINGLES` articles), then batches of 200 per
//!    POST (articles/s, `BENCH_HTTP_SECONDS`).
//! d. **Searches while ingest runs**: 2 client threads with kept-alive
//!    connections send `GET /api/search` over a fixed list of queries for
//!    `BENCH_LOAD_SECONDS` alone, then as long again while another thread
//!    posts batches of 200 articles at `BENCH_LOAD_RATE` articles/s (100,
//!    the bulk rate the goal names; 0: as fast as the server takes them);
//!    queries/s, p50 and p99 of both phases and their ratios; the
//!    server's processor time by thread name and the search index's
//!    segment count, sampled every half second, in both phases.
//!
//! The synthetic corpus and index are those of the graph bench
//! (`$BENCH_DIR/corpus-<N>`, `$BENCH_DIR/index-<N>`), made when missing.
//!
//! Run: `cargo bench --bench ingest` (quick check:
//! `BENCH_ENTITIES=100000 cargo bench --bench ingest`).
//!
//! Environment:
//! - `BENCH_ENTITIES`: synthetic entities (default 1000000).
//! - `BENCH_ARTICLES`: articles made (default 10000).
//! - `BENCH_DIR`: where the corpus and index live (default
//!   `/tmp/innograph-bench-graph`); the copies are made in
//!   `$BENCH_DIR/ingest-work` and removed at the end (kept with
//!   `BENCH_KEEP=1`).
//! - `BENCH_SEED`: synthetic corpus seed, also the articles' (default 2026).
//! - `BENCH_BIN`: the `innograph` binary to serve with (default: the one
//!   cargo built).
//! - `BENCH_ONLY_EXTRACTION`: set, only phase a runs.
//! - `BENCH_ONLY_HTTP`: set, phases a and b are skipped (c and d only).
//! - `BENCH_WORK_DIR`: where the copies are made instead of
//!   `$BENCH_DIR/ingest-work`.
//! - `BENCH_EXTRACT_SECONDS` (60), `BENCH_INGEST_SECONDS` (300),
//!   `BENCH_SINGLES` (100), `BENCH_HTTP_SECONDS` (60),
//!   `BENCH_LOAD_SECONDS` (20): the phases' bounds.
//! - `BENCH_LOAD_RATE` (100): articles/s posted while searches run in
//!   phase d (0: no pacing).

mod common;

// the allocator and settings of the `innograph` binary, so that the
// phases run in process measure what the server does
innograph::server_allocator!();

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http::{log_tail, percent_encode, server_binary, start_serve, HttpClient};
use common::{env_or, fmt_count, fmt_duration, machine, mib, peak_rss, prepare, print_table, BenchResult};
use innograph::extract::Recognizer;
use innograph::ingest::Article;
use innograph::search::SearchRequest;
use innograph::{Engine, IngestOptions};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

const CSL: &str = "../shared/data/csl/papers.jsonl";
const TOKEN: &str = "bench-ingest-token";
/// Articles per POST in the batch phases.
const HTTP_BATCH: usize = 200;
/// Names of each kind kept from the corpus.
const NAMES_PER_KIND: usize = 20_000;
/// The other chunk size tried in process.
const OTHER_CHUNK: usize = 1000;
/// Search clients in the load phases.
const SEARCH_CLIENTS: usize = 2;

fn progress(message: &str) {
    eprintln!("[ingest bench] {message}");
}

/// The 1-minute load average of the machine (it is shared: other work
/// shows here).
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Load averages noted at the start of each phase.
static LOADS: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());

fn note_load(phase: &'static str) {
    LOADS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((phase, load_average()));
}

// ---------------------------------------------------------------- names and filler

/// Names of the synthetic graph that articles mention.
#[derive(Default)]
struct Names {
    enterprises: Vec<String>,
    /// Short forms of enterprises (their aliases).
    short: Vec<String>,
    universities: Vec<String>,
    institutes: Vec<String>,
    platforms: Vec<String>,
    people: Vec<String>,
    zones: Vec<String>,
}

#[derive(serde::Deserialize)]
struct EntityLine {
    kind: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// Reads the first [`NAMES_PER_KIND`] names of each kind articles mention
/// from the corpus's `entities.jsonl`.
fn read_names(corpus: &Path) -> BenchResult<Names> {
    let file = fs::File::open(corpus.join("entities.jsonl"))?;
    let mut names = Names::default();
    for line in BufReader::with_capacity(1 << 20, file).lines() {
        let line = line?;
        let kind_at = line.find("\"kind\":\"").map(|at| at + 8).unwrap_or(0);
        let kind = line[kind_at..].split('"').next().unwrap_or("");
        let list = match kind {
            "enterprise" => &names.enterprises,
            "university" => &names.universities,
            "institute" => &names.institutes,
            "platform" => &names.platforms,
            "person" => &names.people,
            "zone" => &names.zones,
            _ => continue,
        };
        if list.len() >= NAMES_PER_KIND {
            continue;
        }
        let entity: EntityLine = serde_json::from_str(&line)?;
        let list = match entity.kind.as_str() {
            "enterprise" => {
                names.short.extend(entity.aliases.into_iter().take(1));
                &mut names.enterprises
            }
            "university" => &mut names.universities,
            "institute" => &mut names.institutes,
            "platform" => &mut names.platforms,
            "person" => &mut names.people,
            _ => &mut names.zones,
        };
        list.push(entity.name);
    }
    for (kind, list) in [
        ("enterprise", &names.enterprises),
        ("university", &names.universities),
        ("institute", &names.institutes),
        ("platform", &names.platforms),
        ("person", &names.people),
        ("zone", &names.zones),
    ] {
        if list.is_empty() {
            return Err(format!("no {kind} in {}", corpus.join("entities.jsonl").display()).into());
        }
    }
    if names.short.is_empty() {
        names.short = names.enterprises.clone();
    }
    Ok(names)
}

/// Sentences of the CSL abstracts (8–150 characters, ending in 。), or
/// none when the file is not there.
fn read_filler() -> BenchResult<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CSL);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut sentences = Vec::new();
    for line in fs::read_to_string(&path)?.lines() {
        let Ok(paper) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(text) = paper["abstract"].as_str() else {
            continue;
        };
        for sentence in text.split_inclusive('。') {
            let sentence = sentence.trim();
            let chars = sentence.chars().count();
            if sentence.ends_with('。') && (8..=150).contains(&chars) {
                sentences.push(sentence.to_string());
            }
        }
    }
    Ok(sentences)
}

const CITIES: &[&str] = &[
    "青岛", "济南", "烟台", "潍坊", "淄博", "威海", "日照", "临沂", "东营", "济宁",
];
/// Uncommon characters for made-up company names.
const RARE: &[char] = &[
    '翊', '珩', '琰', '玥', '沅', '澈', '岚', '骁', '昶', '甄', '珈', '瑭', '翎', '芃', '霁', '璟', '琮', '棠', '筠',
    '翀', '湉', '珝', '熠', '曜', '婕', '旻', '晞', '韫', '淼', '骐',
];
const TRADES: &[&str] = &[
    "智能装备",
    "生物科技",
    "新材料",
    "光电科技",
    "信息技术",
    "医疗器械",
    "新能源科技",
    "海洋科技",
    "精密机械",
    "半导体",
];
const FIELDS: &[&str] = &[
    "人工智能",
    "海洋生物医药",
    "高端装备",
    "新能源汽车",
    "集成电路",
    "工业互联网",
    "储能材料",
    "智慧医疗",
    "精准农业",
    "氢能",
];
const ROUNDS: &[&str] = &["天使轮", "Pre-A轮", "A轮", "B轮", "战略"];
const TOPICS: &[&str] = &[
    "产业链协同",
    "关键核心技术攻关",
    "科技成果转化",
    "人才引进",
    "数字化转型",
    "绿色低碳发展",
    "产学研合作",
    "专精特新培育",
];

/// One article as sent to the API.
#[derive(Debug, Clone, Serialize)]
struct BenchArticle {
    id: String,
    title: String,
    text: String,
    date: String,
    source: String,
    /// Made-up companies it names (not sent).
    #[serde(skip)]
    new_names: Vec<String>,
}

impl BenchArticle {
    fn article(&self) -> Article {
        Article {
            id: Some(self.id.clone()),
            title: self.title.clone(),
            text: self.text.clone(),
            date: self.date.clone(),
            source: self.source.clone(),
        }
    }
}

/// Makes articles from names and filler.
struct ArticleMaker<'a> {
    names: &'a Names,
    filler: &'a [String],
    seed: u64,
}

fn pick<'s, T: AsRef<str> + ?Sized>(rng: &mut ChaCha8Rng, items: &'s [&'s T]) -> &'s str {
    items[rng.random_range(0..items.len())].as_ref()
}

fn pick_owned<'s>(rng: &mut ChaCha8Rng, items: &'s [String]) -> &'s str {
    &items[rng.random_range(0..items.len())]
}

impl ArticleMaker<'_> {
    fn new_company(&self, rng: &mut ChaCha8Rng) -> String {
        let city = pick(rng, CITIES);
        let a = RARE[rng.random_range(0..RARE.len())];
        let b = RARE[rng.random_range(0..RARE.len())];
        let trade = pick(rng, TRADES);
        format!("{city}{a}{b}{trade}有限公司")
    }

    /// A generated filler sentence (when there is no CSL file).
    fn generated_filler(&self, rng: &mut ChaCha8Rng) -> String {
        let field = pick(rng, FIELDS);
        let topic = pick(rng, TOPICS);
        match rng.random_range(0..4) {
            0 => format!("近年来，{field}领域发展迅速，{topic}成为推动区域经济高质量发展的重要抓手。"),
            1 => format!("业内人士认为，{topic}需要政府、企业和高校形成合力，持续优化创新生态。"),
            2 => format!(
                "据统计，今年前三季度全市{field}产业实现营业收入{}亿元，同比增长{}.{}%。",
                rng.random_range(50..900),
                rng.random_range(3..30),
                rng.random_range(0..10)
            ),
            _ => format!("下一步，相关部门将围绕{field}加大政策支持力度，推进{topic}走深走实。"),
        }
    }

    fn filler(&self, rng: &mut ChaCha8Rng) -> String {
        if self.filler.is_empty() {
            self.generated_filler(rng)
        } else {
            pick_owned(rng, self.filler).to_string()
        }
    }

    /// An enterprise by its full name, or now and then by its short form.
    fn enterprise(&self, rng: &mut ChaCha8Rng) -> String {
        if rng.random_range(0..4) == 0 {
            pick_owned(rng, &self.names.short).to_string()
        } else {
            pick_owned(rng, &self.names.enterprises).to_string()
        }
    }

    /// A sentence with a relation cue or an entity, and the made-up company
    /// it names, if any.
    fn cue_sentence(&self, rng: &mut ChaCha8Rng, new_names: &mut Vec<String>) -> String {
        let n = self.names;
        let field = pick(rng, FIELDS);
        let mut fresh = |rng: &mut ChaCha8Rng| {
            let name = self.new_company(rng);
            new_names.push(name.clone());
            name
        };
        match rng.random_range(0..12) {
            0 => format!(
                "{}正式落户{}，项目总投资{}亿元，主要从事{field}相关产品的研发与生产。",
                fresh(rng),
                pick_owned(rng, &n.zones),
                rng.random_range(1..30)
            ),
            1 => format!(
                "{}与{}签署合作协议，双方将在{field}领域共建联合实验室。",
                self.enterprise(rng),
                pick_owned(rng, &n.universities)
            ),
            2 => format!(
                "由{}孵化的{}近日完成{}融资。",
                pick_owned(rng, &n.platforms),
                fresh(rng),
                pick(rng, ROUNDS)
            ),
            3 => format!(
                "{}获得{}{}千万元投资，资金将用于{field}产品研发。",
                fresh(rng),
                self.enterprise(rng),
                rng.random_range(1..20)
            ),
            4 => format!(
                "{}将一项{field}发明专利转让给{}。",
                pick_owned(rng, &n.institutes),
                self.enterprise(rng)
            ),
            5 => format!(
                "{}董事长{}表示，公司将持续加大研发投入。",
                self.enterprise(rng),
                pick_owned(rng, &n.people)
            ),
            6 => format!(
                "{}与{}开展技术合作，围绕{field}开展联合攻关。",
                pick_owned(rng, &n.institutes),
                self.enterprise(rng)
            ),
            7 => format!(
                "{}{}教授团队与{}联合研发的成果通过鉴定。",
                pick_owned(rng, &n.universities),
                pick_owned(rng, &n.people),
                self.enterprise(rng)
            ),
            8 => format!(
                "近日，{}在{}举行新品发布会，{}出席活动。",
                self.enterprise(rng),
                pick_owned(rng, &n.zones),
                pick_owned(rng, &n.people)
            ),
            9 => format!(
                "{}由{}担任董事长，注册资本{}万元。",
                fresh(rng),
                pick_owned(rng, &n.people),
                rng.random_range(100..9000)
            ),
            10 => format!(
                "{}入驻{}，成为该平台今年引进的重点项目。",
                self.enterprise(rng),
                pick_owned(rng, &n.platforms)
            ),
            _ => format!("{}与{}签署战略合作协议。", pick_owned(rng, &n.universities), fresh(rng)),
        }
    }

    /// Article `i`.
    fn make(&self, i: usize) -> BenchArticle {
        let mut rng =
            ChaCha8Rng::seed_from_u64(self.seed ^ 0x696e_6765_7374 ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let target = rng.random_range(800..=2000usize);
        let mut new_names = Vec::new();
        let lead = self.cue_sentence(&mut rng, &mut new_names);
        let title_subject = new_names
            .first()
            .cloned()
            .unwrap_or_else(|| pick_owned(&mut rng, &self.names.enterprises).to_string());
        let title = format!(
            "{title_subject}{}",
            pick(&mut rng, &["动态", "新进展", "获新突破", "合作签约", "项目落地"])
        );
        let mut text = lead;
        let mut chars = text.chars().count();
        let mut in_paragraph = 1;
        while chars < target {
            let sentence = if rng.random_range(0..100) < 40 {
                self.cue_sentence(&mut rng, &mut new_names)
            } else {
                self.filler(&mut rng)
            };
            chars += sentence.chars().count();
            text.push_str(&sentence);
            in_paragraph += 1;
            if in_paragraph >= rng.random_range(3..7) {
                text.push('\n');
                chars += 1;
                in_paragraph = 0;
            }
        }
        BenchArticle {
            id: format!("bench-ingest-{}-{i}", self.seed),
            title,
            text,
            date: format!("2025-{:02}-{:02}", rng.random_range(1..=12), rng.random_range(1..=28)),
            source: "ingest bench".into(),
            new_names,
        }
    }
}

// ---------------------------------------------------------------- statistics

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(mut samples: Vec<Duration>) -> Vec<Duration> {
    samples.sort();
    samples
}

fn mean(samples: &[Duration]) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.iter().sum::<Duration>() / samples.len() as u32
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------- the write path's timings

/// The fields of one written batch's debug event (`changes written`):
/// counts and milliseconds by name.
#[derive(Debug, Clone, Default)]
struct WriteTimes(BTreeMap<String, f64>);

impl WriteTimes {
    fn get(&self, name: &str) -> f64 {
        self.0.get(name).copied().unwrap_or(0.0)
    }
}

/// Collects the `changes written` debug events of the engine.
#[derive(Clone, Default)]
struct WriteEvents(Arc<Mutex<Vec<WriteTimes>>>);

struct FieldVisitor(WriteTimes);

impl tracing::field::Visit for FieldVisitor {
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        self.0 .0.insert(field.name().to_string(), value);
    }

    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0 .0.insert(field.name().to_string(), value as f64);
    }

    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.0 .0.insert(field.name().to_string(), value as f64);
    }

    fn record_bool(&mut self, field: &tracing::field::Field, value: bool) {
        self.0
             .0
            .insert(field.name().to_string(), if value { 1.0 } else { 0.0 });
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}") == "changes written" {
            self.0 .0.insert("message".into(), 1.0);
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for WriteEvents {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut visitor = FieldVisitor(WriteTimes::default());
        event.record(&mut visitor);
        if visitor.0 .0.remove("message").is_some() {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(visitor.0);
        }
    }
}

impl WriteEvents {
    fn take(&self) -> Vec<WriteTimes> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

/// Installs the collector of write timings (and, with `RUST_LOG`, a log
/// on stderr).
fn install_tracing() -> WriteEvents {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;
    let events = WriteEvents::default();
    let targets = tracing_subscriber::filter::Targets::new().with_target("innograph::engine", tracing::Level::DEBUG);
    let log = std::env::var_os("RUST_LOG").map(|_| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(tracing_subscriber::EnvFilter::from_default_env())
    });
    let subscriber = tracing_subscriber::registry()
        .with(events.clone().with_filter(targets))
        .with(log);
    let _ = tracing::subscriber::set_global_default(subscriber);
    events
}

/// The write timings in a server's log (`changes written` lines).
fn write_times_in_log(path: &Path) -> Vec<WriteTimes> {
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once("changes written"))
        .map(|(_, fields)| {
            let mut times = WriteTimes::default();
            for field in fields.split_whitespace() {
                if let Some((name, value)) = field.split_once('=') {
                    let value = match value {
                        "true" => Some(1.0),
                        "false" => Some(0.0),
                        number => number.parse().ok(),
                    };
                    if let Some(value) = value {
                        times.0.insert(name.to_string(), value);
                    }
                }
            }
            times
        })
        .collect()
}

/// A row per part of the write path: mean and max per batch.
fn write_rows(label: &str, times: &[WriteTimes]) -> Vec<Vec<String>> {
    if times.is_empty() {
        return vec![vec![
            format!("{label}: no write timings"),
            "–".into(),
            "–".into(),
            "–".into(),
            "–".into(),
        ]];
    }
    let n = times.len() as f64;
    let part = |name: &str, unit: &str, get: &dyn Fn(&WriteTimes) -> f64| {
        let values: Vec<f64> = times.iter().map(get).collect();
        let mean = values.iter().sum::<f64>() / n;
        let max = values.iter().cloned().fold(0.0, f64::max);
        let total = values.iter().sum::<f64>();
        vec![
            format!("{label}: {name}"),
            fmt_count(times.len()),
            format!("{mean:.1}{unit}"),
            format!("{max:.1}{unit}"),
            format!("{total:.0}{unit}"),
        ]
    };
    vec![
        part("changes per batch", "", &|t| t.get("changes")),
        part("publishing a fold finished in the background", " ms", &|t| {
            t.get("fold_publish_ms")
        }),
        part("apply (rules, graph copy, changes)", " ms", &|t| t.get("apply_ms")),
        part("new words into the dictionary", " ms", &|t| t.get("words_ms")),
        part("graph log append", " ms", &|t| t.get("append_ms")),
        part("beginning a fold (next log created)", " ms", &|t| t.get("compact_ms")),
        part("batches that began a fold (count)", "", &|t| t.get("compacted")),
        part("suggester, short forms, swap", " ms", &|t| t.get("suggester_ms")),
        part("waiting for the search commit", " ms", &|t| t.get("search_wait_ms")),
        part("whole write_batch", " ms", &|t| t.get("total_ms")),
    ]
}

// ---------------------------------------------------------------- files

fn copy_dir(from: &Path, to: &Path) -> BenchResult<u64> {
    let mut bytes = 0;
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            bytes += copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            bytes += fs::copy(entry.path(), &target)?;
        }
    }
    Ok(bytes)
}

/// A fresh copy of `index` at `to`.
fn copy_index(index: &Path, to: &Path) -> BenchResult<Duration> {
    let started = Instant::now();
    if to.exists() {
        fs::remove_dir_all(to)?;
    }
    let bytes = copy_dir(index, to)?;
    let _ = fs::remove_file(to.join("WRITE.lock"));
    progress(&format!(
        "copied {} ({:.0} MB) to {} in {:.1} s",
        index.display(),
        bytes as f64 / 1e6,
        to.display(),
        started.elapsed().as_secs_f64()
    ));
    Ok(started.elapsed())
}

// ---------------------------------------------------------------- a: extraction

struct ExtractOutcome {
    warm_up: Duration,
    articles: usize,
    bytes: usize,
    elapsed: Duration,
    /// Processor time of the thread, where the system says.
    cpu: Option<Duration>,
    mentions: usize,
    relations: usize,
    new_entities: usize,
    recognizer_articles: usize,
    recognizer_bytes: usize,
    recognizer_elapsed: Duration,
    recognizer_cpu: Option<Duration>,
    recognizer_mentions: usize,
}

/// Processor time this thread has had, where the system says (Linux): on
/// a shared machine, the speed of one core is bytes over this, not over
/// the wall clock.
fn thread_cpu_time() -> Option<Duration> {
    let line = fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: u64 = line.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanoseconds))
}

/// Processor time since `before`.
fn cpu_since(before: Option<Duration>) -> Option<Duration> {
    Some(thread_cpu_time()?.saturating_sub(before?))
}

fn measure_extract(engine: &Engine, articles: &[BenchArticle], budget: Duration) -> BenchResult<ExtractOutcome> {
    progress("extraction: warm-up (recognizer and short forms)");
    let started = Instant::now();
    engine.extract(&articles[0].text)?;
    let warm_up = started.elapsed();
    progress(&format!("extraction: ready in {:.1} s", warm_up.as_secs_f64()));
    let (mut done, mut bytes, mut mentions, mut relations, mut new_entities) = (0, 0, 0, 0, 0);
    let cpu_before = thread_cpu_time();
    let started = Instant::now();
    for article in articles {
        let extraction = engine.extract(&article.text)?;
        mentions += extraction.mentions.len();
        relations += extraction.relations.len();
        new_entities += extraction.new_entities.len();
        bytes += article.text.len();
        done += 1;
        if started.elapsed() > budget {
            break;
        }
    }
    let elapsed = started.elapsed();
    let cpu = cpu_since(cpu_before);
    progress(&format!(
        "extraction: {done} articles in {:.1} s",
        elapsed.as_secs_f64()
    ));

    let recognizer = Recognizer::new();
    recognizer.mentions(&articles[0].text);
    let (mut recognizer_articles, mut recognizer_bytes, mut recognizer_mentions) = (0, 0, 0);
    let cpu_before = thread_cpu_time();
    let started = Instant::now();
    for article in articles {
        recognizer_mentions += recognizer.mentions(&article.text).len();
        recognizer_bytes += article.text.len();
        recognizer_articles += 1;
        if started.elapsed() > budget {
            break;
        }
    }
    let recognizer_elapsed = started.elapsed();
    let recognizer_cpu = cpu_since(cpu_before);
    Ok(ExtractOutcome {
        warm_up,
        articles: done,
        bytes,
        elapsed,
        cpu,
        mentions,
        relations,
        new_entities,
        recognizer_articles,
        recognizer_bytes,
        recognizer_elapsed,
        recognizer_cpu,
        recognizer_mentions,
    })
}

impl ExtractOutcome {
    /// MB/s of `Engine::extract`: over the thread's processor time where
    /// the system says, else over the wall clock.
    fn rate(&self) -> f64 {
        mbps(self.bytes, self.cpu.unwrap_or(self.elapsed))
    }
}

fn mbps(bytes: usize, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9)
}

/// MB/s over the processor time, or a dash.
fn cpu_mbps(bytes: usize, cpu: Option<Duration>) -> String {
    cpu.map_or("–".to_string(), |cpu| format!("{:.2}", mbps(bytes, cpu)))
}

/// The table of phase a.
fn print_extraction(extract: &ExtractOutcome) {
    print_table(
        &[
            "a. extraction, one thread",
            "articles",
            "MB",
            "time",
            "MB/s (wall)",
            "MB/s (CPU time)",
            "per article",
            "found",
        ],
        &[
            vec![
                "Engine::extract".into(),
                fmt_count(extract.articles),
                format!("{:.1}", extract.bytes as f64 / 1e6),
                fmt_duration(extract.elapsed),
                format!("{:.2}", mbps(extract.bytes, extract.elapsed)),
                cpu_mbps(extract.bytes, extract.cpu),
                fmt_duration(extract.elapsed / extract.articles.max(1) as u32),
                format!(
                    "{} mentions, {} relations, {} new entities",
                    fmt_count(extract.mentions),
                    fmt_count(extract.relations),
                    fmt_count(extract.new_entities)
                ),
            ],
            vec![
                "Recognizer::mentions alone".into(),
                fmt_count(extract.recognizer_articles),
                format!("{:.1}", extract.recognizer_bytes as f64 / 1e6),
                fmt_duration(extract.recognizer_elapsed),
                format!("{:.2}", mbps(extract.recognizer_bytes, extract.recognizer_elapsed)),
                cpu_mbps(extract.recognizer_bytes, extract.recognizer_cpu),
                fmt_duration(extract.recognizer_elapsed / extract.recognizer_articles.max(1) as u32),
                format!("{} mentions", fmt_count(extract.recognizer_mentions)),
            ],
        ],
    );
    println!(
        "First extract call (recognizer and short forms built): {}; Engine::extract takes {:.2}× the time of the recognizer alone per MB",
        fmt_duration(extract.warm_up),
        mbps(extract.recognizer_bytes, extract.recognizer_cpu.unwrap_or(extract.recognizer_elapsed)) / extract.rate().max(1e-9)
    );
}

// ---------------------------------------------------------------- b: in process

#[derive(Default)]
struct IngestRun {
    chunk: usize,
    articles: usize,
    batches: Vec<Duration>,
    elapsed: Duration,
    documents: usize,
    new_entities: usize,
    relations: usize,
    mentions: usize,
    changes: usize,
    out_of_time: bool,
    writes: Vec<WriteTimes>,
}

impl IngestRun {
    fn per_second(&self) -> f64 {
        self.articles as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn ingest_run(
    engine: &Engine,
    articles: &[BenchArticle],
    chunk: usize,
    budget: Duration,
    events: &WriteEvents,
) -> BenchResult<IngestRun> {
    events.take();
    let mut run = IngestRun {
        chunk,
        ..Default::default()
    };
    let started = Instant::now();
    for (at, batch) in articles.chunks(chunk).enumerate() {
        let batch: Vec<Article> = batch.iter().map(BenchArticle::article).collect();
        let count = batch.len();
        let began = Instant::now();
        let receipt = engine.ingest(
            batch,
            IngestOptions {
                chunk,
                ..IngestOptions::default()
            },
        )?;
        run.batches.push(began.elapsed());
        run.articles += count;
        run.documents += receipt.documents;
        run.new_entities += receipt.new_entities;
        run.relations += receipt.relations;
        run.mentions += receipt.mentions;
        run.changes += receipt.changes;
        if at % 10 == 9 {
            progress(&format!(
                "ingest (chunk {chunk}): {} articles in {:.1} s",
                run.articles,
                started.elapsed().as_secs_f64()
            ));
        }
        if started.elapsed() > budget {
            run.out_of_time = run.articles < articles.len();
            break;
        }
    }
    run.elapsed = started.elapsed();
    run.writes = events.take();
    Ok(run)
}

/// Planning alone: dry runs of `batches` batches of `chunk` articles.
fn plan_alone(engine: &Engine, articles: &[BenchArticle], chunk: usize, batches: usize) -> BenchResult<Vec<Duration>> {
    let mut times = Vec::new();
    for batch in articles.chunks(chunk).take(batches) {
        let batch: Vec<Article> = batch.iter().map(BenchArticle::article).collect();
        let started = Instant::now();
        engine.ingest(
            batch,
            IngestOptions {
                dry_run: true,
                chunk,
                details: false,
            },
        )?;
        times.push(started.elapsed());
    }
    Ok(times)
}

// ---------------------------------------------------------------- c, d: HTTP

fn body_of(articles: &[BenchArticle]) -> BenchResult<Vec<u8>> {
    Ok(serde_json::to_vec(&serde_json::json!({ "articles": articles }))?)
}

fn post_articles(client: &mut HttpClient, articles: &[BenchArticle]) -> BenchResult<()> {
    let body = if articles.len() == 1 {
        serde_json::to_vec(&articles[0])?
    } else {
        body_of(articles)?
    };
    let (status, answer) = client.post_json("/api/documents", &body)?;
    if status != 201 && status != 200 {
        return Err(format!(
            "POST /api/documents answered {status}: {}",
            String::from_utf8_lossy(&answer[..answer.len().min(500)])
        )
        .into());
    }
    Ok(())
}

/// Queries sent by the search clients: trade words, enterprise names and
/// short forms, universities, people.
fn search_targets(names: &Names) -> Vec<String> {
    let mut queries: Vec<String> = [
        "智能制造",
        "新材料",
        "生物医药",
        "人工智能",
        "医疗器械",
        "新能源",
        "集成电路",
        "孵化器",
        "工业互联网",
        "海洋",
        "合作协议",
        "联合实验室",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    let every = |list: &[String], n: usize| -> Vec<String> {
        let step = (list.len() / n).max(1);
        list.iter().step_by(step).take(n).cloned().collect()
    };
    queries.extend(every(&names.enterprises, 10));
    queries.extend(every(&names.short, 5));
    queries.extend(every(&names.universities, 5));
    queries.extend(every(&names.people, 5));
    queries
        .iter()
        .map(|q| format!("/api/search?q={}&limit=10", percent_encode(q)))
        .collect()
}

/// Latencies of one load phase.
struct LoadPhase {
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: usize,
    /// Articles the poster got written meanwhile, and its POSTs' times.
    posted: usize,
    posts: Vec<Duration>,
    /// What the server did meanwhile, and this process (search clients
    /// and poster).
    server: ServerSamples,
    bench: ServerSamples,
}

impl LoadPhase {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn load_phase(
    addr: std::net::SocketAddr,
    watched: (u32, &Path),
    targets: &[String],
    duration: Duration,
    poster: Option<(&ArticleMaker<'_>, &AtomicUsize, f64)>,
) -> BenchResult<LoadPhase> {
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let deadline = started + duration;
    let (results, posted, server) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| ServerSamples::take(watched.0, watched.1, deadline));
        let own = scope.spawn(|| ServerSamples::take(std::process::id(), watched.1, deadline));
        let clients: Vec<_> = (0..SEARCH_CLIENTS)
            .map(|client_at| {
                scope.spawn(move || {
                    let mut client = HttpClient::new(addr);
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    let mut at = client_at * 7;
                    while Instant::now() < deadline {
                        let target = &targets[at % targets.len()];
                        at += 1;
                        let began = Instant::now();
                        match client.get(target) {
                            Ok((200, _)) => latencies.push(began.elapsed()),
                            _ => errors += 1,
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let posting = poster.map(|(maker, next, rate)| {
            let stop = &stop;
            scope.spawn(move || -> Result<(usize, Vec<Duration>), String> {
                let mut client = HttpClient::new(addr);
                client.headers.push(("Authorization".into(), format!("Bearer {TOKEN}")));
                let mut posted = 0;
                let mut posts = Vec::new();
                while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                    let first = next.fetch_add(HTTP_BATCH, Ordering::Relaxed);
                    let batch: Vec<BenchArticle> = (first..first + HTTP_BATCH).map(|i| maker.make(i)).collect();
                    let began = Instant::now();
                    post_articles(&mut client, &batch).map_err(|e| e.to_string())?;
                    posts.push(began.elapsed());
                    posted += batch.len();
                    // paced: the next batch when the rate allows it
                    if rate > 0.0 {
                        let due = started + Duration::from_secs_f64(posted as f64 / rate);
                        let now = Instant::now();
                        if due > now {
                            std::thread::sleep((due - now).min(deadline.saturating_duration_since(now)));
                        }
                    }
                }
                Ok((posted, posts))
            })
        });
        let results: Vec<(Vec<Duration>, usize)> = clients
            .into_iter()
            .map(|c| c.join().unwrap_or_else(|_| (Vec::new(), usize::MAX)))
            .collect();
        stop.store(true, Ordering::Relaxed);
        let posted = posting.map(|p| p.join().unwrap_or_else(|_| Err("the poster panicked".into())));
        let server = sampler.join().unwrap_or_default();
        let bench = own.join().unwrap_or_default();
        (results, posted, (server, bench))
    });
    let elapsed = started.elapsed();
    let (posted, posts) = match posted {
        None => (0, Vec::new()),
        Some(Ok(done)) => done,
        Some(Err(error)) => return Err(error.into()),
    };
    let mut latencies = Vec::new();
    let mut errors = 0;
    for (mut l, e) in results {
        latencies.append(&mut l);
        errors += e;
    }
    Ok(LoadPhase {
        elapsed,
        latencies: sorted(latencies),
        errors,
        posted,
        posts,
        server: server.0,
        bench: server.1,
    })
}

/// The server's processor time by thread and its search segments over a
/// load phase.
#[derive(Default)]
struct ServerSamples {
    /// Seconds of processor time (user and system) by thread name (digits
    /// at its end dropped), most first.
    cpu_by_thread: Vec<(String, f64)>,
    /// Search segments at each sample.
    segments: Vec<usize>,
}

impl ServerSamples {
    /// Samples the process `pid` every half second until `until`; `index`
    /// is the index folder it serves.
    fn take(pid: u32, index: &Path, until: Instant) -> ServerSamples {
        let first = thread_ticks(pid);
        let mut last = first.clone();
        let mut segments = Vec::new();
        loop {
            for (tid, seen) in thread_ticks(pid) {
                last.insert(tid, seen);
            }
            if let Some(count) = segment_count(index) {
                segments.push(count);
            }
            let now = Instant::now();
            if now >= until {
                break;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(500)));
        }
        // SAFETY: sysconf only reads its argument
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let mut by_name: BTreeMap<String, f64> = BTreeMap::new();
        for (tid, (name, ticks)) in &last {
            let before = first.get(tid).map_or(0, |(_, t)| *t);
            *by_name.entry(name.clone()).or_default() += ticks.saturating_sub(before) as f64 / hz;
        }
        let mut cpu_by_thread: Vec<(String, f64)> = by_name.into_iter().filter(|(_, s)| *s > 0.0).collect();
        cpu_by_thread.sort_by(|a, b| b.1.total_cmp(&a.1));
        ServerSamples {
            cpu_by_thread,
            segments,
        }
    }

    fn cpu_total(&self) -> f64 {
        self.cpu_by_thread.iter().map(|(_, s)| s).sum()
    }

    fn segments_summary(&self) -> String {
        match (self.segments.iter().min(), self.segments.iter().max()) {
            (Some(min), Some(max)) => format!(
                "{min}–{max}, mean {:.1}",
                self.segments.iter().sum::<usize>() as f64 / self.segments.len() as f64
            ),
            _ => "?".into(),
        }
    }
}

/// Processor ticks (user and system) of each thread of `pid`, with the
/// thread's name without the digits at its end.
fn thread_ticks(pid: u32) -> BTreeMap<u64, (String, u64)> {
    let mut ticks = BTreeMap::new();
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return ticks;
    };
    for task in tasks.flatten() {
        let Ok(tid) = task.file_name().to_string_lossy().parse::<u64>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // after the name: state is field 3 of stat, utime 14 and stime 15
        let used = fields.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
            + fields.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        ticks.insert(tid, (name.to_string(), used));
    }
    ticks
}

/// Segments of the search index of the live generation of `index`.
fn segment_count(index: &Path) -> Option<usize> {
    let current = fs::read_to_string(index.join("CURRENT")).ok()?;
    let meta = fs::read_to_string(index.join(current.trim()).join("search").join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&meta).ok()?;
    meta.get("segments")?.as_array().map(Vec::len)
}

// ---------------------------------------------------------------- main

fn yes(met: bool) -> String {
    if met { "yes" } else { "no" }.to_string()
}

/// What phases c and d gave.
struct HttpRun {
    binary: PathBuf,
    ready_after: Duration,
    http_warm_up: Duration,
    singles_done: usize,
    single_times: Vec<Duration>,
    single_writes: Vec<WriteTimes>,
    batch_times: Vec<Duration>,
    batch_articles: usize,
    batch_elapsed: Duration,
    batch_writes: Vec<WriteTimes>,
    alone: LoadPhase,
    loaded: LoadPhase,
    load_writes: Vec<WriteTimes>,
    fold_lines: Vec<String>,
    targets: Vec<String>,
}

/// Settings of phases c and d.
struct HttpSettings<'a> {
    index: &'a Path,
    work: &'a Path,
    articles: &'a [BenchArticle],
    maker: &'a ArticleMaker<'a>,
    names: &'a Names,
    singles: usize,
    http_budget: Duration,
    load_seconds: Duration,
    load_rate: f64,
    article_count: usize,
    keep: bool,
}

/// Phases c and d: a server on a fresh copy, posts, then searches alone
/// and under ingest.
fn run_http(settings: &HttpSettings<'_>) -> BenchResult<HttpRun> {
    let HttpSettings {
        index,
        work,
        articles,
        maker,
        names,
        singles,
        http_budget,
        load_seconds,
        load_rate,
        article_count,
        keep,
    } = *settings;
    let copy_b = work.join("index-http");
    // c: HTTP, on a fresh copy
    copy_index(index, &copy_b)?;
    let binary = server_binary();
    let log_path = work.join("serve.log");
    let (server, mut client, ready_after) = start_serve(
        &binary,
        &copy_b,
        &log_path,
        &[
            ("INNOGRAPH_TOKEN", TOKEN),
            (
                "RUST_LOG",
                "info,innograph::engine::write=debug,innograph::engine::committer=debug,innograph::engine::fold=debug",
            ),
            ("NO_COLOR", "1"),
        ],
        Duration::from_secs(600),
        &progress,
    )?;
    progress(&format!("server ready after {:.1} s", ready_after.as_secs_f64()));
    client.headers.push(("Authorization".into(), format!("Bearer {TOKEN}")));
    // warm-up: the recognizer and the short forms are built on first use
    let started = Instant::now();
    let dry_run = serde_json::json!({ "dry_run": true, "articles": [&articles[0]] });
    let (status, _) = client.post_json("/api/documents", &serde_json::to_vec(&dry_run)?)?;
    let http_warm_up = started.elapsed();
    if status != 200 {
        return Err(format!("dry run answered {status}; log:\n{}", log_tail(&log_path)).into());
    }
    note_load("c. HTTP posts");
    let mut single_times = Vec::new();
    let started = Instant::now();
    for article in articles.iter().take(singles) {
        let began = Instant::now();
        post_articles(&mut client, std::slice::from_ref(article))?;
        single_times.push(began.elapsed());
        if started.elapsed() > http_budget {
            break;
        }
    }
    let singles_done = single_times.len();
    let single_writes = write_times_in_log(&log_path);
    let single_times = sorted(single_times);
    progress(&format!("{singles_done} single posts"));

    let mut next = singles_done;
    let mut batch_times = Vec::new();
    let mut batch_articles = 0;
    let started = Instant::now();
    while started.elapsed() < http_budget {
        let batch: Vec<BenchArticle> = (next..next + HTTP_BATCH)
            .map(|i| articles.get(i).cloned().unwrap_or_else(|| maker.make(i)))
            .collect();
        next += HTTP_BATCH;
        let began = Instant::now();
        post_articles(&mut client, &batch)?;
        batch_times.push(began.elapsed());
        batch_articles += batch.len();
    }
    let batch_elapsed = started.elapsed();
    let batch_writes: Vec<WriteTimes> = write_times_in_log(&log_path)[single_writes.len()..].to_vec();
    progress(&format!("{batch_articles} articles in batches"));

    // d: searches alone, then while batches are posted
    let targets = search_targets(names);
    let addr = client.addr;
    drop(client);
    note_load("d. searches alone");
    progress("searches alone");
    let alone = load_phase(addr, (server.child.id(), &copy_b), &targets, load_seconds, None)?;
    note_load("d. searches under ingest");
    progress("searches while articles are posted");
    let next_article = AtomicUsize::new(next.max(article_count));
    let loaded = load_phase(
        addr,
        (server.child.id(), &copy_b),
        &targets,
        load_seconds,
        Some((maker, &next_article, load_rate)),
    )?;
    let log_writes_all = write_times_in_log(&log_path);
    let load_writes: Vec<WriteTimes> = log_writes_all[single_writes.len() + batch_writes.len()..].to_vec();
    let fold_lines: Vec<String> = fs::read_to_string(&log_path)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains("graph log fold") || line.contains("folded graph"))
        .map(str::to_string)
        .collect();
    drop(server);
    if !keep {
        fs::remove_dir_all(&copy_b)?;
    }

    Ok(HttpRun {
        binary,
        ready_after,
        http_warm_up,
        singles_done,
        single_times,
        single_writes,
        batch_times,
        batch_articles,
        batch_elapsed,
        batch_writes,
        alone,
        loaded,
        load_writes,
        fold_lines,
        targets,
    })
}

/// What phases c and d measured.
struct HttpPhases<'a> {
    binary: &'a Path,
    ready_after: Duration,
    warm_up: Duration,
    singles_done: usize,
    single_times: &'a [Duration],
    batch_times: &'a [Duration],
    batch_articles: usize,
    batch_elapsed: Duration,
    alone: &'a LoadPhase,
    loaded: &'a LoadPhase,
    targets: usize,
}

/// Prints the tables of phases c and d; returns the rate of batches over
/// HTTP, and the throughput and p99 ratios of searches under ingest.
fn print_http_phases(p: &HttpPhases<'_>) -> (f64, f64, f64) {
    let batch_sorted = sorted(p.batch_times.to_vec());
    let http_rate = p.batch_articles as f64 / p.batch_elapsed.as_secs_f64().max(1e-9);
    print_table(
        &[
            "c. over HTTP (POST /api/documents)",
            "articles",
            "requests",
            "p50",
            "p99",
            "max",
            "articles/s",
        ],
        &[
            vec![
                "one article per POST".into(),
                fmt_count(p.singles_done),
                fmt_count(p.singles_done),
                fmt_duration(percentile(p.single_times, 50.0)),
                fmt_duration(percentile(p.single_times, 99.0)),
                fmt_duration(p.single_times.last().copied().unwrap_or_default()),
                format!(
                    "{:.1}",
                    p.singles_done as f64 / p.single_times.iter().sum::<Duration>().as_secs_f64().max(1e-9)
                ),
            ],
            vec![
                format!("{HTTP_BATCH} articles per POST"),
                fmt_count(p.batch_articles),
                fmt_count(p.batch_times.len()),
                fmt_duration(percentile(&batch_sorted, 50.0)),
                fmt_duration(percentile(&batch_sorted, 99.0)),
                fmt_duration(batch_sorted.last().copied().unwrap_or_default()),
                format!("{http_rate:.1}"),
            ],
        ],
    );
    println!(
        "Server: {} serve, ready after {:.1} s; first POST (dry run: recognizer and short forms built) {}",
        p.binary.display(),
        p.ready_after.as_secs_f64(),
        fmt_duration(p.warm_up)
    );
    println!();
    let throughput_ratio = p.loaded.per_second() / p.alone.per_second().max(1e-9);
    let p99_ratio = ms(percentile(&p.loaded.latencies, 99.0)) / ms(percentile(&p.alone.latencies, 99.0)).max(1e-9);
    let load_row = |label: &str, phase: &LoadPhase| {
        vec![
            label.to_string(),
            fmt_count(phase.latencies.len()),
            format!("{:.1} s", phase.elapsed.as_secs_f64()),
            format!("{:.1}", phase.per_second()),
            fmt_duration(percentile(&phase.latencies, 50.0)),
            fmt_duration(percentile(&phase.latencies, 99.0)),
            fmt_duration(mean(&phase.latencies)),
            phase.errors.to_string(),
            if phase.posts.is_empty() {
                "–".into()
            } else {
                format!(
                    "{} ({} POSTs, {:.1} articles/s)",
                    fmt_count(phase.posted),
                    phase.posts.len(),
                    phase.posted as f64 / phase.elapsed.as_secs_f64()
                )
            },
        ]
    };
    print_table(
        &[
            "d. GET /api/search, 2 clients",
            "queries",
            "time",
            "queries/s",
            "p50",
            "p99",
            "mean",
            "errors",
            "articles posted meanwhile",
        ],
        &[
            load_row("alone", p.alone),
            load_row("while batches of 200 are posted", p.loaded),
            vec![
                "ratio (with ingest / alone)".into(),
                "–".into(),
                "–".into(),
                format!("{:.0}%", throughput_ratio * 100.0),
                format!(
                    "{:.2}×",
                    ms(percentile(&p.loaded.latencies, 50.0)) / ms(percentile(&p.alone.latencies, 50.0)).max(1e-9)
                ),
                format!("{p99_ratio:.2}×"),
                format!(
                    "{:.2}×",
                    ms(mean(&p.loaded.latencies)) / ms(mean(&p.alone.latencies)).max(1e-9)
                ),
                "–".into(),
                "–".into(),
            ],
        ],
    );
    println!(
        "{} queries over {} targets (trade words, enterprise names and short forms, universities, people)",
        p.targets, p.targets
    );
    println!();
    let mut rows = Vec::new();
    for (label, phase) in [("alone", p.alone), ("under ingest", p.loaded)] {
        let cpu = &phase.server.cpu_by_thread;
        let secs = phase.elapsed.as_secs_f64().max(1e-9);
        rows.push(vec![
            label.to_string(),
            format!("{:.2}", phase.server.cpu_total() / secs),
            cpu.iter()
                .take(8)
                .map(|(name, s)| format!("{name} {:.2}", s / secs))
                .collect::<Vec<_>>()
                .join(", "),
            phase.server.segments_summary(),
        ]);
        rows.push(vec![
            format!("{label}: the bench's clients"),
            format!("{:.2}", phase.bench.cpu_total() / secs),
            phase
                .bench
                .cpu_by_thread
                .iter()
                .take(4)
                .map(|(name, s)| format!("{name} {:.2}", s / secs))
                .collect::<Vec<_>>()
                .join(", "),
            "–".into(),
        ]);
    }
    print_table(
        &[
            "d. server during the searches",
            "cores used",
            "by thread (cores)",
            "search segments",
        ],
        &rows,
    );
    println!();
    (http_rate, throughput_ratio, p99_ratio)
}

fn main() -> BenchResult<()> {
    let bench_started = Instant::now();
    let entities: usize = env_or("BENCH_ENTITIES", 1_000_000)?;
    let article_count: usize = env_or("BENCH_ARTICLES", 10_000)?;
    let seed: u64 = env_or("BENCH_SEED", 2026)?;
    let extract_budget = Duration::from_secs(env_or("BENCH_EXTRACT_SECONDS", 60)?);
    let ingest_budget = Duration::from_secs(env_or("BENCH_INGEST_SECONDS", 300)?);
    let singles: usize = env_or("BENCH_SINGLES", 100)?;
    let http_budget = Duration::from_secs(env_or("BENCH_HTTP_SECONDS", 60)?);
    let load_seconds = Duration::from_secs(env_or("BENCH_LOAD_SECONDS", 20)?);
    let load_rate = env_or("BENCH_LOAD_RATE", 100)? as f64;
    let keep = std::env::var_os("BENCH_KEEP").is_some();
    let only_extraction = std::env::var_os("BENCH_ONLY_EXTRACTION").is_some();
    let only_http = std::env::var_os("BENCH_ONLY_HTTP").is_some();
    let base = PathBuf::from(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/tmp/innograph-bench-graph".into()));
    let events = install_tracing();
    let default_chunk = IngestOptions::default().chunk;

    let (index, _) = prepare(&base, entities, seed, &progress)?;
    let corpus = base.join(format!("corpus-{entities}"));

    // the articles
    let started = Instant::now();
    let names = read_names(&corpus)?;
    let filler = read_filler()?;
    let maker = ArticleMaker {
        names: &names,
        filler: &filler,
        seed,
    };
    let articles: Vec<BenchArticle> = (0..article_count.max(1)).map(|i| maker.make(i)).collect();
    let text_bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let text_chars: usize = articles.iter().map(|a| a.text.chars().count()).sum();
    let new_names: usize = articles.iter().map(|a| a.new_names.len()).sum();
    let articles_made = started.elapsed();
    progress(&format!(
        "{} articles, {:.1} MB of text, made in {:.1} s",
        articles.len(),
        text_bytes as f64 / 1e6,
        articles_made.as_secs_f64()
    ));

    let work = std::env::var_os("BENCH_WORK_DIR").map_or_else(|| base.join("ingest-work"), PathBuf::from);
    fs::create_dir_all(&work)?;
    let copy_a = work.join("index-in-process");
    if only_http {
        let run = run_http(&HttpSettings {
            index: &index,
            work: &work,
            articles: &articles,
            maker: &maker,
            names: &names,
            singles,
            http_budget,
            load_seconds,
            load_rate,
            article_count,
            keep,
        })?;
        println!();
        println!(
            "Ingest bench, phases c and d only: {} entities; {}",
            fmt_count(entities),
            machine()
        );
        let loads: Vec<String> = LOADS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(phase, load)| format!("{phase} {load}"))
            .collect();
        println!("Load average (1 min) at the start of each phase: {}", loads.join(", "));
        println!();
        let mut rows = write_rows("HTTP, one article per POST", &run.single_writes);
        rows.extend(write_rows("HTTP, 200 per POST", &run.batch_writes));
        rows.extend(write_rows("HTTP, 200 per POST under search load", &run.load_writes));
        print_table(
            &[
                "write_batch timings (engine debug events)",
                "batches",
                "mean",
                "max",
                "total",
            ],
            &rows,
        );
        println!();
        for line in &run.fold_lines {
            println!("    {line}");
        }
        println!();
        print_http_phases(&HttpPhases {
            binary: &run.binary,
            ready_after: run.ready_after,
            warm_up: run.http_warm_up,
            singles_done: run.singles_done,
            single_times: &run.single_times,
            batch_times: &run.batch_times,
            batch_articles: run.batch_articles,
            batch_elapsed: run.batch_elapsed,
            alone: &run.alone,
            loaded: &run.loaded,
            targets: run.targets.len(),
        });
        return Ok(());
    }

    // a and b: in process, on a copy
    let copy_time = copy_index(&index, &copy_a)?;
    let started = Instant::now();
    let engine = Engine::open(&copy_a)?;
    let open_time = started.elapsed();
    progress(&format!("copy opened in {:.1} s", open_time.as_secs_f64()));
    let before = engine.stats();
    let (entities_before, relations_before) = engine.counts();

    note_load("a. extraction");
    let extract = measure_extract(&engine, &articles, extract_budget)?;
    if only_extraction {
        drop(engine);
        if !keep {
            fs::remove_dir_all(&copy_a)?;
        }
        println!();
        println!(
            "Ingest bench, extraction only: {entities} entities, {:.1} MB of articles; {}",
            text_bytes as f64 / 1e6,
            machine()
        );
        print_extraction(&extract);
        return Ok(());
    }

    // names the graph does not know yet, to look for after the ingest
    let mut unknown: Vec<String> = Vec::new();
    for article in articles.iter().take(200) {
        for name in &article.new_names {
            if unknown.len() < 20 && engine.resolve_id(name).is_err() && !unknown.contains(name) {
                unknown.push(name.clone());
            }
        }
    }

    note_load("b. ingest in process");
    progress("ingest in process, default chunk");
    let main_run = ingest_run(&engine, &articles, default_chunk, ingest_budget, &events)?;
    let more_at = article_count.max(1);
    let fresh: Vec<BenchArticle> = (more_at..more_at + 3 * default_chunk).map(|i| maker.make(i)).collect();
    progress("planning alone (dry runs)");
    let plan_times = plan_alone(&engine, &fresh, default_chunk, 3)?;
    let mut runs = vec![main_run];
    if bench_started.elapsed() < Duration::from_secs(420) {
        let other: Vec<BenchArticle> = (more_at + 3 * default_chunk..)
            .take(2 * OTHER_CHUNK)
            .map(|i| maker.make(i))
            .collect();
        progress(&format!("ingest in process, chunk {OTHER_CHUNK}"));
        runs.push(ingest_run(
            &engine,
            &other,
            OTHER_CHUNK,
            Duration::from_secs(90),
            &events,
        )?);
    }
    let after = engine.stats();
    let (entities_after, _) = engine.counts();
    let peak_in_process = peak_rss();
    drop(engine);

    // durable: opened again
    let started = Instant::now();
    let reopened = Engine::open(&copy_a)?;
    let reopen_time = started.elapsed();
    let again = reopened.stats();
    let (entities_again, _) = reopened.counts();
    let mut found = None;
    let mut resolved = 0;
    let mut unresolved = Vec::new();
    for name in &unknown {
        if let Err(error) = reopened.resolve_id(name) {
            unresolved.push(format!("{name} ({error})"));
            continue;
        }
        resolved += 1;
        if found.is_none() {
            let response = reopened.search(&SearchRequest::new(name.as_str(), 10))?;
            if let Some(hit) = response.hits.iter().find(|h| h.name.as_deref() == Some(name.as_str())) {
                found = Some((name.clone(), hit.id.clone()));
            }
        }
    }
    let written_entries = runs.iter().map(|r| r.documents + r.new_entities).sum::<usize>();
    // documents are held by the graph too
    let durable = again.search_entries == after.search_entries
        && entities_again == entities_after
        && after.search_entries == before.search_entries + written_entries as u64
        && entities_after == entities_before + written_entries;
    drop(reopened);
    if !keep {
        fs::remove_dir_all(&copy_a)?;
    }

    let HttpRun {
        binary,
        ready_after,
        http_warm_up,
        singles_done,
        single_times,
        single_writes,
        batch_times,
        batch_articles,
        batch_elapsed,
        batch_writes,
        alone,
        loaded,
        load_writes,
        fold_lines,
        targets,
    } = run_http(&HttpSettings {
        index: &index,
        work: &work,
        articles: &articles,
        maker: &maker,
        names: &names,
        singles,
        http_budget,
        load_seconds,
        load_rate,
        article_count,
        keep,
    })?;

    // report
    let total = bench_started.elapsed();
    println!();
    println!(
        "## innograph ingest: {} articles into {} entities ({} relations, {} search entries)",
        fmt_count(articles.len()),
        fmt_count(entities_before),
        fmt_count(relations_before),
        fmt_count(before.search_entries as usize)
    );
    println!();
    println!("Machine: {}", machine());
    println!(
        "Articles: {:.1} MB of UTF-8 text, {} characters (mean {} per article), {} made-up company names, filler from {}; made in {:.1} s",
        text_bytes as f64 / 1e6,
        fmt_count(text_chars),
        text_chars / articles.len(),
        fmt_count(new_names),
        if filler.is_empty() {
            "generated sentences".to_string()
        } else {
            format!("{} CSL abstract sentences", fmt_count(filler.len()))
        },
        articles_made.as_secs_f64()
    );
    println!(
        "Index copy: {:.1} s; opened in {:.1} s; whole bench {:.0} s; peak memory of the bench process in process {}",
        copy_time.as_secs_f64(),
        open_time.as_secs_f64(),
        total.as_secs_f64(),
        mib(peak_in_process)
    );
    let loads: Vec<String> = LOADS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .map(|(phase, load)| format!("{phase} {load}"))
        .collect();
    println!("Load average (1 min) at the start of each phase: {}", loads.join(", "));
    println!();
    print_extraction(&extract);
    println!();
    let run_rows: Vec<Vec<String>> = runs
        .iter()
        .map(|run| {
            let batches = sorted(run.batches.clone());
            vec![
                format!("Engine::ingest, chunk {}", run.chunk),
                format!(
                    "{}{}",
                    fmt_count(run.articles),
                    if run.out_of_time { " (time bound)" } else { "" }
                ),
                fmt_duration(run.elapsed),
                format!("{:.1}", run.per_second()),
                format!(
                    "{} / {} / {}",
                    fmt_duration(percentile(&batches, 50.0)),
                    fmt_duration(percentile(&batches, 99.0)),
                    fmt_duration(batches.last().copied().unwrap_or_default())
                ),
                format!(
                    "{} docs, {} new entities, {} relations, {} mentions, {} changes",
                    fmt_count(run.documents),
                    fmt_count(run.new_entities),
                    fmt_count(run.relations),
                    fmt_count(run.mentions),
                    fmt_count(run.changes)
                ),
            ]
        })
        .collect();
    print_table(
        &[
            "b. bulk ingest in process",
            "articles",
            "time",
            "articles/s",
            "per call p50 / p99 / max",
            "written",
        ],
        &run_rows,
    );
    let plan_sorted = sorted(plan_times.clone());
    println!(
        "Planning alone (dry run) of a batch of {}: median {} ({} batches)",
        default_chunk,
        fmt_duration(percentile(&plan_sorted, 50.0)),
        plan_times.len()
    );
    println!();
    let mut rows = Vec::new();
    for run in &runs {
        rows.extend(write_rows(&format!("in process, chunk {}", run.chunk), &run.writes));
    }
    rows.extend(write_rows("HTTP, one article per POST", &single_writes));
    rows.extend(write_rows("HTTP, 200 per POST", &batch_writes));
    rows.extend(write_rows("HTTP, 200 per POST under search load", &load_writes));
    print_table(
        &[
            "write_batch timings (engine debug events)",
            "batches",
            "mean",
            "max",
            "total",
        ],
        &rows,
    );
    println!();
    if !fold_lines.is_empty() {
        println!("Graph log folds in the background (server log, phases c and d):");
        for line in &fold_lines {
            println!("    {line}");
        }
        println!();
    }
    print_table(
        &["durable re-open check", "value"],
        &[
            vec!["Engine::open of the written copy".into(), fmt_duration(reopen_time)],
            vec![
                "search entries before / after ingest / after re-open".into(),
                format!(
                    "{} / {} / {}",
                    fmt_count(before.search_entries as usize),
                    fmt_count(after.search_entries as usize),
                    fmt_count(again.search_entries as usize)
                ),
            ],
            vec![
                "graph entities (documents included) before / after ingest / after re-open".into(),
                format!(
                    "{} / {} / {}",
                    fmt_count(entities_before),
                    fmt_count(entities_after),
                    fmt_count(entities_again)
                ),
            ],
            vec![
                "pending changes after ingest / after re-open".into(),
                format!("{} / {}", after.pending_changes, again.pending_changes),
            ],
            vec![
                "made-up companies of the first 200 articles, unknown before, known after re-open".into(),
                format!("{resolved} of {}", unknown.len()),
            ],
            vec![
                "not resolved (first 3)".into(),
                unresolved.iter().take(3).cloned().collect::<Vec<_>>().join("; "),
            ],
            vec![
                "a made-up company found by search after re-open".into(),
                match &found {
                    Some((name, id)) => format!("yes: {name} → {id}"),
                    None => "no".into(),
                },
            ],
            vec!["counts kept across the re-open".into(), yes(durable)],
        ],
    );
    println!();
    let (http_rate, throughput_ratio, p99_ratio) = print_http_phases(&HttpPhases {
        binary: &binary,
        ready_after,
        warm_up: http_warm_up,
        singles_done,
        single_times: &single_times,
        batch_times: &batch_times,
        batch_articles,
        batch_elapsed,
        alone: &alone,
        loaded: &loaded,
        targets: targets.len(),
    });
    let extract_rate = extract.rate();
    let single_p50 = percentile(&single_times, 50.0);
    let single_p99 = percentile(&single_times, 99.0);
    print_table(
        &["goal", "measured", "met"],
        &[
            vec![
                "extraction ≥ 2 MB/s on one thread (of its CPU time)".into(),
                format!("{extract_rate:.2} MB/s"),
                yes(extract_rate >= 2.0),
            ],
            vec![
                "bulk ingest in process ≥ 100 articles/s (default chunk)".into(),
                format!("{:.1} /s", runs[0].per_second()),
                yes(runs[0].per_second() >= 100.0),
            ],
            vec![
                "one article per POST: p50 / p99 < 150 ms".into(),
                format!("{} / {}", fmt_duration(single_p50), fmt_duration(single_p99)),
                yes(single_p99 < Duration::from_millis(150)),
            ],
            vec![
                "200 articles per POST ≥ 100 articles/s".into(),
                format!("{http_rate:.1} /s"),
                yes(http_rate >= 100.0),
            ],
            vec![
                "search throughput under ingest ≥ 70% of alone".into(),
                format!(
                    "{:.0}% (ingest at {:.0} articles/s)",
                    throughput_ratio * 100.0,
                    loaded.posted as f64 / loaded.elapsed.as_secs_f64()
                ),
                yes(throughput_ratio >= 0.7 && loaded.posted as f64 / loaded.elapsed.as_secs_f64() >= 100.0),
            ],
            vec![
                "search p99 under ingest < 2× alone".into(),
                format!("{p99_ratio:.2}×"),
                yes(p99_ratio < 2.0),
            ],
            vec![
                "written articles kept across a re-open".into(),
                yes(durable),
                yes(durable),
            ],
            vec![
                "a new company found by search after re-open".into(),
                yes(found.is_some()),
                yes(found.is_some()),
            ],
        ],
    );
    Ok(())
}

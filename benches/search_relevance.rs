//! Search relevance on real Chinese abstracts (the CSL benchmark sample).
//!
//! What it measures: each paper's abstract is indexed as one document, built
//! the way users build an index (a corpus directory through
//! `innograph::store::build`, then `innograph::Engine::open`). The document's
//! title is the paper's *discipline* (a neutral label shared by many papers),
//! not the paper's title, so that a title query has to find the abstract by
//! its content. Two query sets, one query per paper, each expecting that
//! paper's abstract:
//!
//! - **title**: the paper's title, as typed (raw, with its punctuation);
//! - **keywords**: the paper's keywords joined by spaces (every keyword is
//!   then a required part of the query, with the engine's any-term fallback
//!   when no abstract has them all).
//!
//! For each set it reports MRR@10, recall@1 and recall@10 (every query in the
//! denominator, a query whose paper is not in the first 10 hits counts 0),
//! how many queries returned nothing, how many were answered by the any-term
//! fallback (`SearchResponse::fallback`), how many the engine refused with
//! an error, and the mean latency. A sanity floor (recall@10 of title
//! queries at least 0.3) makes a broken engine fail the run instead of
//! printing numbers.
//!
//! A second part indexes real news sentences (CLUENER 2020) and types each
//! gold mention (company, person, organisation, place…) as a query: recall
//! of the sentences containing it as written, and precision of the first
//! page (see `news_mentions`).
//!
//! Run: `cargo bench --bench search_relevance`
//!
//! Environment:
//! - `BENCH_CSL`: the papers file (JSON lines with `id`, `title`,
//!   `abstract`, `keywords`, `discipline`); default
//!   `../shared/data/csl/papers.jsonl` relative to the crate. When it is
//!   missing the bench says so and exits successfully.
//! - `BENCH_CLUENER`: the CLUENER sentences file; default
//!   `../shared/data/cluener2020/train.jsonl`.
//! - `BENCH_SHOW`: how many missed queries to list per set (default 5).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{env_or, print_table, write_document_corpus, BenchResult};
use innograph::model::Document;
use innograph::search::SearchRequest;
use innograph::Engine;

/// Hits asked for per query; the metrics are @10.
const K: usize = 10;
/// Recall@10 of title queries below this means the engine is broken.
const TITLE_RECALL_FLOOR: f64 = 0.3;

/// One CSL record, the fields this bench uses.
struct Paper {
    id: String,
    title: String,
    abstract_text: String,
    keywords: Vec<String>,
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
        let keywords = value
            .get("keywords")
            .and_then(|v| v.as_array())
            .ok_or_else(|| format!("{}:{}: no list field `keywords`", path.display(), index + 1))?
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        papers.push(Paper {
            id: field("id")?,
            title: field("title")?,
            abstract_text: field("abstract")?,
            keywords,
            discipline: field("discipline")?,
        });
    }
    Ok(papers)
}

/// Writes the corpus: one document per paper, abstract as text, discipline
/// as title; no entities, no relations.
fn write_corpus(papers: &[Paper], dir: &Path) -> BenchResult<()> {
    let documents = papers.iter().map(|paper| Document {
        id: paper.id.clone(),
        title: paper.discipline.clone(),
        text: paper.abstract_text.clone(),
        source: "CSL benchmark (ydli-ai/CSL, Apache-2.0)".into(),
        ..Default::default()
    });
    write_document_corpus(dir, "csl", documents)
}

/// Outcome of one query set.
#[derive(Default)]
struct SetResult {
    queries: usize,
    reciprocal_rank_sum: f64,
    found_at_1: usize,
    found_at_10: usize,
    no_hits: usize,
    fallback: usize,
    errors: usize,
    elapsed: Duration,
    /// Latency of each answered query, and whether the fallback answered it.
    latencies: Vec<(Duration, bool)>,
    error_examples: Vec<String>,
    no_hit_examples: Vec<String>,
    missed_examples: Vec<String>,
}

impl SetResult {
    fn ratio(&self, count: usize) -> f64 {
        if self.queries == 0 {
            0.0
        } else {
            count as f64 / self.queries as f64
        }
    }

    /// p50 and p99 over all answered queries, and the mean of those
    /// answered directly and of those answered by the fallback.
    fn latency_summary(&self) -> String {
        let mut all: Vec<Duration> = self.latencies.iter().map(|(d, _)| *d).collect();
        all.sort();
        let percentile = |p: f64| {
            all.get(((all.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .copied()
        };
        let mean = |fallback: bool| {
            let chosen: Vec<Duration> = self
                .latencies
                .iter()
                .filter(|(_, f)| *f == fallback)
                .map(|(d, _)| *d)
                .collect();
            let total: Duration = chosen.iter().sum();
            total.as_secs_f64() * 1e3 / chosen.len().max(1) as f64
        };
        format!(
            "p50 {:.2} ms, p99 {:.2} ms; mean {:.2} ms answered directly, {:.2} ms via the any-term fallback",
            percentile(0.5).unwrap_or_default().as_secs_f64() * 1e3,
            percentile(0.99).unwrap_or_default().as_secs_f64() * 1e3,
            mean(false),
            mean(true)
        )
    }

    fn mrr(&self) -> f64 {
        if self.queries == 0 {
            0.0
        } else {
            self.reciprocal_rank_sum / self.queries as f64
        }
    }
}

fn evaluate(engine: &Engine, queries: &[(&str, String)], show: usize) -> SetResult {
    let mut result = SetResult::default();
    for (expected, query) in queries {
        result.queries += 1;
        let started = Instant::now();
        let outcome = engine.search(&SearchRequest::new(query.clone(), K));
        let elapsed = started.elapsed();
        result.elapsed += elapsed;
        let response = match outcome {
            Ok(response) => response,
            Err(error) => {
                result.errors += 1;
                if result.error_examples.len() < show {
                    result.error_examples.push(format!("{query:?} → {error}"));
                }
                continue;
            }
        };
        result.latencies.push((elapsed, response.fallback.is_some()));
        if response.fallback.is_some() {
            result.fallback += 1;
        }
        if response.hits.is_empty() {
            result.no_hits += 1;
            if result.no_hit_examples.len() < show {
                result.no_hit_examples.push(format!("{query:?} (want {expected})"));
            }
        }
        let rank = response
            .hits
            .iter()
            .position(|hit| hit.id == *expected && hit.kind == "document")
            .map(|position| position + 1);
        match rank {
            Some(rank) => {
                result.reciprocal_rank_sum += 1.0 / rank as f64;
                result.found_at_10 += 1;
                if rank == 1 {
                    result.found_at_1 += 1;
                }
            }
            None => {
                if result.missed_examples.len() < show {
                    let top = response
                        .hits
                        .first()
                        .map_or("nothing".to_string(), |hit| hit.id.clone());
                    let fallback = if response.fallback.is_some() {
                        ", any-term fallback"
                    } else {
                        ""
                    };
                    result.missed_examples.push(format!(
                        "{query:?} (want {expected}, got {} hits, first {top}{fallback})",
                        response.total
                    ));
                }
            }
        }
    }
    result
}

fn main() -> BenchResult<()> {
    let path = data_path();
    if !path.is_file() {
        println!(
            "search_relevance: no CSL data at {} (set BENCH_CSL to the papers.jsonl file); nothing measured",
            path.display()
        );
        return Ok(());
    }
    let show: usize = env_or("BENCH_SHOW", 5)?;
    let papers = read_papers(&path)?;
    if papers.is_empty() {
        return Err(format!("{} holds no papers", path.display()).into());
    }
    let abstract_bytes: usize = papers.iter().map(|p| p.abstract_text.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("search_relevance: CSL abstracts from {}", path.display());
    println!(
        "  {} papers, {:.2} MB of abstracts, {} disciplines; machine: {cores} core(s)",
        papers.len(),
        abstract_bytes as f64 / 1e6,
        papers
            .iter()
            .map(|p| p.discipline.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );

    let work = tempfile::tempdir()?;
    let corpus_dir = work.path().join("corpus");
    let index_dir = work.path().join("index");
    write_corpus(&papers, &corpus_dir)?;
    let started = Instant::now();
    let manifest = innograph::store::build(&corpus_dir, &index_dir, &mut |_progress| {})?;
    let built = started.elapsed();
    assert_eq!(
        manifest.counts.documents,
        papers.len(),
        "the index must hold one document per paper"
    );
    let started = Instant::now();
    let engine = Engine::open(&index_dir)?;
    println!(
        "  index built in {:.2} s, opened in {:.2} s",
        built.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    let title_queries: Vec<(&str, String)> = papers.iter().map(|p| (p.id.as_str(), p.title.clone())).collect();
    let keyword_queries: Vec<(&str, String)> = papers.iter().map(|p| (p.id.as_str(), p.keywords.join(" "))).collect();
    let sets = [
        ("title → abstract", evaluate(&engine, &title_queries, show)),
        ("keywords → abstract", evaluate(&engine, &keyword_queries, show)),
    ];

    println!();
    let headers = [
        "query set",
        "queries",
        "MRR@10",
        "recall@1",
        "recall@10",
        "no hit",
        "any-term fallback",
        "errors",
        "mean latency",
    ];
    let rows: Vec<Vec<String>> = sets
        .iter()
        .map(|(name, r)| {
            vec![
                name.to_string(),
                r.queries.to_string(),
                format!("{:.3}", r.mrr()),
                format!("{:.3}", r.ratio(r.found_at_1)),
                format!("{:.3}", r.ratio(r.found_at_10)),
                r.no_hits.to_string(),
                format!("{} ({:.1}%)", r.fallback, 100.0 * r.ratio(r.fallback)),
                r.errors.to_string(),
                format!("{:.2} ms", r.elapsed.as_secs_f64() * 1e3 / r.queries.max(1) as f64),
            ]
        })
        .collect();
    print_table(&headers, &rows);
    println!();
    for (name, r) in &sets {
        println!("{name} latency: {}", r.latency_summary());
    }
    for (name, r) in &sets {
        if !r.error_examples.is_empty() {
            println!("\n{name}: errors (first {}):", r.error_examples.len());
            for example in &r.error_examples {
                println!("  {example}");
            }
        }
        if !r.no_hit_examples.is_empty() {
            println!("\n{name}: no hit at all (first {}):", r.no_hit_examples.len());
            for example in &r.no_hit_examples {
                println!("  {example}");
            }
        }
        if !r.missed_examples.is_empty() {
            println!(
                "\n{name}: paper not in the first {K} (first {}):",
                r.missed_examples.len()
            );
            for example in &r.missed_examples {
                println!("  {example}");
            }
        }
    }

    let title = &sets[0].1;
    let title_recall = title.ratio(title.found_at_10);
    assert!(
        title_recall >= TITLE_RECALL_FLOOR,
        "title → abstract recall@10 is {title_recall:.3}, below the sanity floor {TITLE_RECALL_FLOOR}: \
         the engine is broken, the numbers above mean nothing"
    );
    news_mentions(show)
}

// ---------------------------------------------------------------- news mentions

/// Mention types looked for; the rest (numbers, dates) are not names.
const MENTION_TYPES: &[&str] = &[
    "company",
    "organization",
    "government",
    "name",
    "address",
    "scene",
    "position",
    "book",
    "game",
    "movie",
];
/// Most mentions queried.
const MAX_MENTIONS: usize = 2_000;

/// One news sentence and its gold mentions `(type, text)`.
struct Sentence {
    id: String,
    text: String,
    mentions: Vec<(String, String)>,
}

fn read_sentences(path: &Path) -> BenchResult<Vec<Sentence>> {
    let mut sentences = Vec::new();
    for (index, line) in fs::read_to_string(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)?;
        let text = |v: &serde_json::Value, name: &str| -> BenchResult<String> {
            v.get(name)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| format!("{}:{}: no string field `{name}`", path.display(), index + 1).into())
        };
        let mut mentions = Vec::new();
        for entity in value.get("entities").and_then(|e| e.as_array()).into_iter().flatten() {
            mentions.push((text(entity, "type")?, text(entity, "text")?));
        }
        sentences.push(Sentence {
            id: text(&value, "id")?,
            text: text(&value, "text")?,
            mentions,
        });
    }
    Ok(sentences)
}

/// Per mention type: queries, summed recall, summed precision@10 (over
/// queries with hits), complete answers, queries with no hit, errors.
#[derive(Default, Clone)]
struct MentionScore {
    queries: usize,
    recall: f64,
    precision: f64,
    with_hits: usize,
    complete: usize,
    no_hits: usize,
    errors: usize,
}

impl MentionScore {
    fn add(&mut self, other: &MentionScore) {
        self.queries += other.queries;
        self.recall += other.recall;
        self.precision += other.precision;
        self.with_hits += other.with_hits;
        self.complete += other.complete;
        self.no_hits += other.no_hits;
        self.errors += other.errors;
    }

    fn row(&self, name: &str) -> Vec<String> {
        let per = |sum: f64, n: usize| format!("{:.3}", sum / n.max(1) as f64);
        vec![
            name.to_string(),
            self.queries.to_string(),
            per(self.recall, self.queries),
            per(self.complete as f64, self.queries),
            per(self.precision, self.with_hits),
            self.no_hits.to_string(),
            self.errors.to_string(),
        ]
    }
}

/// Real news sentences no one here wrote (CLUENER 2020), indexed as
/// documents; every gold mention (company, person, organisation, place…)
/// typed as a query must find the sentences that contain it as written.
/// The truth is a substring test on normalised text, so the figures say
/// how well segmentation plus the bigram field find names jieba has never
/// seen, and how clean the first page is.
fn news_mentions(show: usize) -> BenchResult<()> {
    let path = match std::env::var_os("BENCH_CLUENER") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/cluener2020/train.jsonl"),
    };
    if !path.is_file() {
        println!(
            "\nnews mentions: no CLUENER data at {} (set BENCH_CLUENER); nothing measured",
            path.display()
        );
        return Ok(());
    }
    let sentences = read_sentences(&path)?;
    let work = tempfile::tempdir()?;
    let corpus_dir = work.path().join("corpus");
    let index_dir = work.path().join("index");
    let documents = sentences.iter().map(|sentence| Document {
        id: sentence.id.clone(),
        title: "新闻".to_string(),
        text: sentence.text.clone(),
        source: "CLUENER 2020".to_string(),
        ..Default::default()
    });
    write_document_corpus(&corpus_dir, "news", documents)?;
    innograph::store::build(&corpus_dir, &index_dir, &mut |_progress| {})?;
    let engine = Engine::open(&index_dir)?;

    let normalized: Vec<(String, String)> = sentences
        .iter()
        .map(|s| (s.id.clone(), innograph::text::normalize(&s.text)))
        .collect();
    let mut mentions: Vec<(String, String)> = sentences
        .iter()
        .flat_map(|s| s.mentions.iter().cloned())
        .filter(|(kind, text)| MENTION_TYPES.contains(&kind.as_str()) && text.trim().chars().count() >= 2)
        .collect();
    mentions.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    mentions.dedup_by(|a, b| a.1 == b.1);
    let step = mentions.len().div_ceil(MAX_MENTIONS).max(1);
    let chosen: Vec<&(String, String)> = mentions.iter().step_by(step).collect();

    let mut by_type: std::collections::BTreeMap<&str, MentionScore> = Default::default();
    let mut misses = Vec::new();
    let mut elapsed = Duration::ZERO;
    for (kind, mention) in &chosen {
        let needle = innograph::text::normalize(mention.trim());
        let truth: std::collections::HashSet<&str> = normalized
            .iter()
            .filter(|(_, text)| text.contains(&needle))
            .map(|(id, _)| id.as_str())
            .collect();
        let score = by_type.entry(kind.as_str()).or_default();
        score.queries += 1;
        let started = Instant::now();
        let outcome = engine.search(&SearchRequest::new(mention.trim(), innograph::search::MAX_LIMIT));
        elapsed += started.elapsed();
        let response = match outcome {
            Ok(response) => response,
            Err(_) => {
                score.errors += 1;
                continue;
            }
        };
        let found = response.hits.iter().filter(|h| truth.contains(h.id.as_str())).count();
        let wanted = truth.len().clamp(1, innograph::search::MAX_LIMIT);
        score.recall += found as f64 / wanted as f64;
        if found >= wanted {
            score.complete += 1;
        } else if misses.len() < show {
            misses.push(format!(
                "{mention:?} ({kind}): {found} of {} sentences, {} hits",
                truth.len(),
                response.total
            ));
        }
        if response.hits.is_empty() {
            score.no_hits += 1;
        } else {
            let top: Vec<_> = response.hits.iter().take(K).collect();
            let relevant = top.iter().filter(|h| truth.contains(h.id.as_str())).count();
            score.precision += relevant as f64 / top.len() as f64;
            score.with_hits += 1;
        }
    }

    println!(
        "\n## News mentions → sentences (CLUENER 2020, {} sentences from {})\n",
        sentences.len(),
        path.display()
    );
    println!(
        "{} distinct mentions of {} types, {} queried (every {step}th in text order); truth: sentences containing the mention as written (normalised)\n",
        mentions.len(),
        MENTION_TYPES.len(),
        chosen.len()
    );
    let headers = [
        "mention type",
        "queries",
        "recall (first 100)",
        "all found",
        "precision@10",
        "no hit",
        "errors",
    ];
    let mut total = MentionScore::default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (kind, score) in &by_type {
        total.add(score);
        rows.push(score.row(kind));
    }
    rows.push(total.row("all"));
    print_table(&headers, &rows);
    println!(
        "\nmean latency {:.2} ms per query (100 hits asked)",
        elapsed.as_secs_f64() * 1e3 / chosen.len().max(1) as f64
    );
    if !misses.is_empty() {
        println!("\nnot every containing sentence found (first {}):", misses.len());
        for miss in &misses {
            println!("  {miss}");
        }
    }
    let recall = total.recall / total.queries.max(1) as f64;
    assert!(
        recall >= TITLE_RECALL_FLOOR,
        "news mention recall is {recall:.3}, below the sanity floor: the engine is broken"
    );
    Ok(())
}

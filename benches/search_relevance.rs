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
//! Run: `cargo bench --bench search_relevance`
//!
//! Environment:
//! - `BENCH_CSL`: the papers file (JSON lines with `id`, `title`,
//!   `abstract`, `keywords`, `discipline`); default
//!   `../shared/data/csl/papers.jsonl` relative to the crate. When it is
//!   missing the bench says so and exits successfully.
//! - `BENCH_SHOW`: how many missed queries to list per set (default 5).

use std::error::Error;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use innograph::search::SearchRequest;
use innograph::Engine;

type BenchResult<T> = Result<T, Box<dyn Error>>;

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

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> BenchResult<T> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a valid value").into()),
        Err(_) => Ok(default),
    }
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
    fs::create_dir_all(dir.join("documents"))?;
    fs::write(dir.join("entities.jsonl"), "")?;
    fs::write(dir.join("relations.jsonl"), "")?;
    let mut out = std::io::BufWriter::new(fs::File::create(dir.join("documents").join("csl.jsonl"))?);
    for paper in papers {
        let record = serde_json::json!({
            "id": paper.id,
            "title": paper.discipline,
            "text": paper.abstract_text,
            "source": "CSL benchmark (ydli-ai/CSL, Apache-2.0)",
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
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

/// Display width of a cell: CJK and full-width characters take two columns.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x9FFF | 0xAC00..=0xD7A3 => 2,
            0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Prints a Markdown table, padded for the terminal; columns after the
/// first are right-aligned.
fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h).max(3)).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                let pad = " ".repeat(width.saturating_sub(display_width(cell)));
                if column == 0 {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(column, width)| {
            if column == 0 {
                "-".repeat(*width)
            } else {
                format!("{}:", "-".repeat(width.saturating_sub(1)))
            }
        })
        .collect();
    println!(
        "|{}|",
        rule.iter().map(|r| format!(" {r} ")).collect::<Vec<_>>().join("|")
    );
    for row in rows {
        line(row.clone());
    }
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
    Ok(())
}

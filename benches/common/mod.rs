//! What the bench binaries share: their error type, reading settings from
//! the environment, describing the machine, and printing figures and
//! Markdown tables. Each bench uses part of it.
#![allow(dead_code)]

pub mod http;

use std::error::Error;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use innograph::model::Document;
use innograph::synth::{generate, GenConfig};

pub type BenchResult<T> = Result<T, Box<dyn Error>>;

/// The number or value in the environment variable `name` (`_` allowed as
/// a digit separator), or `default` when it is not set.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> BenchResult<T> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a valid value").into()),
        Err(_) => Ok(default),
    }
}

/// Writes a corpus of articles only (no entities, no relations) into
/// `dir`, the articles in `documents/<name>.jsonl`.
pub fn write_document_corpus(dir: &Path, name: &str, documents: impl IntoIterator<Item = Document>) -> BenchResult<()> {
    fs::create_dir_all(dir.join("documents"))?;
    fs::write(dir.join("entities.jsonl"), "")?;
    fs::write(dir.join("relations.jsonl"), "")?;
    let mut out = BufWriter::new(fs::File::create(dir.join("documents").join(format!("{name}.jsonl")))?);
    for document in documents {
        serde_json::to_writer(&mut out, &document)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// The synthetic corpus of `entities` entities and `seed` in `corpus`:
/// reused when its `gen.json` says so, generated otherwise. Returns its
/// `gen.json` and, when it was generated, how long that took.
pub fn synthetic_corpus(
    corpus: &Path,
    entities: usize,
    seed: u64,
) -> BenchResult<(serde_json::Value, Option<Duration>)> {
    let matches = |summary: &serde_json::Value| {
        summary.get("entities").and_then(|v| v.as_u64()) == Some(entities as u64)
            && summary.get("seed").and_then(|v| v.as_u64()) == Some(seed)
    };
    if let Some(summary) = read_gen_summary(corpus).filter(matches) {
        return Ok((summary, None));
    }
    let started = Instant::now();
    let config = GenConfig {
        entities,
        seed,
        out: corpus.to_path_buf(),
        force: true,
    };
    generate(&config, &mut |_, _| {})?;
    let elapsed = started.elapsed();
    let summary = read_gen_summary(corpus).ok_or("gen.json missing after generation")?;
    Ok((summary, Some(elapsed)))
}

/// The parameters `innograph gen` recorded for the corpus in `corpus`.
pub fn read_gen_summary(corpus: &Path) -> Option<serde_json::Value> {
    let text = fs::read_to_string(corpus.join("gen.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Cores, CPU model and memory, for the heading of a report.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(String::new, |kb| format!(", {:.1} GiB RAM", kb / 1024.0 / 1024.0));
    format!("{cores} core(s) (available_parallelism), {cpu}{memory}")
}

/// A duration in µs, ms or s, whichever reads best.
pub fn fmt_duration(duration: Duration) -> String {
    let micros = duration.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{micros:.0} µs")
    } else if micros < 1e6 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{:.2} s", micros / 1e6)
    }
}

/// A count with thousands separators: `1,000,000`.
pub fn fmt_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Display width of a cell: CJK and full-width characters take two columns.
pub fn display_width(text: &str) -> usize {
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
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h).max(3)).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    let line = |cells: &[String]| {
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
    line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>());
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
        line(row);
    }
}

// ---------------------------------------------------------------- memory

/// A `kB` field of `/proc/self/status`, in bytes.
pub fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resident memory of this process (`VmRSS`).
pub fn rss() -> u64 {
    proc_status_bytes("VmRSS:").unwrap_or(0)
}

/// Peak resident memory of this process (`VmHWM`).
pub fn peak_rss() -> u64 {
    proc_status_bytes("VmHWM:").unwrap_or(0)
}

/// Bytes in MiB, rounded.
pub fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

// ---------------------------------------------------------------- the synthetic index

/// Makes sure `base/index-<N>` holds an index of the synthetic corpus of
/// `entities` entities and `seed` (generated into `base/corpus-<N>` when
/// missing, see [`synthetic_corpus`]); returns the index directory and
/// whether anything had to be generated or built (about 80 s and 8.5 GB of
/// memory at 1M entities).
pub fn prepare(base: &Path, entities: usize, seed: u64, progress: &dyn Fn(&str)) -> BenchResult<(PathBuf, bool)> {
    fs::create_dir_all(base)?;
    let corpus = base.join(format!("corpus-{entities}"));
    let index_dir = base.join(format!("index-{entities}"));
    // Written after a successful build: the gen.json of the corpus it was built from.
    let marker = base.join(format!("index-{entities}.corpus.json"));
    progress(&format!("corpus of {entities} entities in {}", corpus.display()));
    let (summary, generated) = synthetic_corpus(&corpus, entities, seed)?;
    let mut worked = false;
    match generated {
        Some(elapsed) => {
            progress(&format!("corpus generated in {:.1} s", elapsed.as_secs_f64()));
            worked = true;
        }
        None => progress("corpus reused"),
    }
    let summary_text = serde_json::to_string(&summary)?;
    let built_from = fs::read_to_string(&marker).ok();
    let generation_ok = innograph::store::current_generation(&index_dir)
        .ok()
        .flatten()
        .is_some_and(|g| {
            g.join("graph.bin").is_file() && innograph::store::Manifest::read(&g.join("manifest.json")).is_ok()
        });
    if generation_ok && built_from.as_deref() == Some(summary_text.as_str()) {
        progress(&format!("index reused from {}", index_dir.display()));
    } else {
        progress(&format!(
            "building {} (about 80 s and 8.5 GB at 1M entities)",
            index_dir.display()
        ));
        let _ = fs::remove_file(&marker);
        let started = Instant::now();
        innograph::store::build(&corpus, &index_dir, &mut |_| {})?;
        let elapsed = started.elapsed();
        println!(
            "index built in {:.1} s (peak memory of the building process {})",
            elapsed.as_secs_f64(),
            mib(peak_rss())
        );
        fs::write(&marker, summary_text)?;
        worked = true;
    }
    Ok((index_dir, worked))
}

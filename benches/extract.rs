//! Mention recognition speed on one core: `Recognizer::mentions` over the
//! held-out CLUENER sentences (one call per sentence, and the same text
//! cut into 4 KB documents, repeated to `BENCH_EXTRACT_MB` megabytes) and
//! over the CSL paper abstracts (one call per abstract). Prints MB/s of
//! UTF-8 text, over the wall clock and (on Linux) over the processor time
//! the thread had, which is the figure of one core on a shared machine. The data comes from `../shared/data`; without it the bench
//! says so and stops.
//!
//! Run: `cargo bench --bench extract`

use std::path::Path;
use std::time::Instant;

use innograph::extract::data::{part_of, read_gold, Part};
use innograph::extract::Recognizer;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

const CLUENER: &str = "../shared/data/cluener2020/train.jsonl";
const CSL: &str = "../shared/data/csl/papers.jsonl";

fn megabytes() -> f64 {
    std::env::var("BENCH_EXTRACT_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4.0)
}

/// Seconds this thread has run on a processor, where the system says
/// (Linux): on a shared machine, the speed of one core is bytes over this,
/// not over the wall clock.
fn cpu_seconds() -> Option<f64> {
    let line = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: u64 = line.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds as f64 / 1e9)
}

/// Runs `mentions` over `texts` and prints the throughput, over the wall
/// clock and over the processor time the thread had.
fn measure(recognizer: &Recognizer, label: &str, texts: &[String]) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let mut found = 0;
    for text in texts {
        found += recognizer.mentions(text).len();
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_before.and_then(|before| Some(cpu_seconds()? - before));
    assert!(found > 0, "{label}: no mention found at all");
    let megabytes = bytes as f64 / 1e6;
    println!(
        "{label:<40} {megabytes:>6.2} MB in {seconds:>5.2} s: {:>5.2} MB/s wall, {} {:>7} mentions, {:>6} calls",
        megabytes / seconds,
        cpu.map_or("(no CPU time)".to_string(), |cpu| format!(
            "{:>5.2} MB/s of CPU time,",
            megabytes / cpu
        )),
        found,
        texts.len()
    );
}

fn main() -> BenchResult<()> {
    let cluener = Path::new(env!("CARGO_MANIFEST_DIR")).join(CLUENER);
    let csl = Path::new(env!("CARGO_MANIFEST_DIR")).join(CSL);
    if !cluener.is_file() || !csl.is_file() {
        println!(
            "extract bench skipped: {} or {} is missing",
            cluener.display(),
            csl.display()
        );
        return Ok(());
    }
    let started = Instant::now();
    let recognizer = Recognizer::new();
    recognizer.mentions("预热：青岛大学张伟教授");
    println!(
        "recognizer ready (jieba dictionary and model) in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let held_out: Vec<String> = read_gold(&cluener)?
        .into_iter()
        .filter(|s| part_of(&s.id) == Part::HeldOut)
        .map(|s| s.text)
        .collect();
    let target = (megabytes() * 1e6) as usize;
    let mut sentences = Vec::new();
    let mut total = 0;
    while total < target {
        for text in &held_out {
            total += text.len();
            sentences.push(text.clone());
        }
    }
    measure(&recognizer, "CLUENER held-out, one call per sentence", &sentences);
    let mut documents = Vec::new();
    let mut document = String::new();
    for sentence in &sentences {
        document.push_str(sentence);
        document.push('\n');
        if document.len() >= 4096 {
            documents.push(std::mem::take(&mut document));
        }
    }
    measure(&recognizer, "CLUENER held-out, 4 KB documents", &documents);

    let abstracts: Vec<String> = std::fs::read_to_string(&csl)?
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|paper| paper["abstract"].as_str().map(str::to_string))
        .collect();
    let mut repeated = Vec::new();
    let mut total = 0;
    while total < target {
        for text in &abstracts {
            total += text.len();
            repeated.push(text.clone());
        }
    }
    measure(&recognizer, "CSL abstracts, one call per abstract", &repeated);
    Ok(())
}

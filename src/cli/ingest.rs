//! `innograph ingest`: articles from files into the index, or, with
//! `--dry-run`, what they would add.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::engine::{IngestOptions, IngestReceipt, DEFAULT_INGEST_CHUNK};
use crate::ingest::LinkStatus;

/// The arguments of `ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files (.txt, .md, .jsonl, .html) or directories of them.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub paths: Vec<PathBuf>,
    /// Show what would be written (mentions, new entities, relations) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Articles written per batch; each batch is written whole or not at all.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_INGEST_CHUNK, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub chunk: usize,
    /// Print the receipt as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(index: &Path, args: IngestArgs) -> anyhow::Result<()> {
    // every file read (and checked) before anything is written
    let articles = crate::ingest::read_paths(&args.paths)?;
    let engine = super::open(index)?;
    // one snapshot at the end of a large ingest
    let compact_after = (engine.pending_changes() + articles.len() * 30).max(crate::COMPACT_AFTER);
    let engine = engine.compacting_after(compact_after);
    let receipt = engine.ingest(
        articles,
        IngestOptions {
            dry_run: args.dry_run,
            chunk: args.chunk,
            details: args.dry_run,
        },
    )?;
    super::print(args.json, &receipt, || human(&receipt))
}

fn human(receipt: &IngestReceipt) -> String {
    let mut out = String::new();
    if receipt.dry_run {
        for summary in &receipt.summaries {
            let _ = writeln!(out, "{} ({}): {}", summary.id, summary.source, summary.title);
            let Some(extraction) = &summary.extraction else {
                continue;
            };
            for m in &extraction.mentions {
                let what = match m.status {
                    LinkStatus::Linked => format!("→ {}", m.entity_id.as_deref().unwrap_or("")),
                    LinkStatus::New => format!("new {}", m.entity_id.as_deref().unwrap_or("")),
                    LinkStatus::Ambiguous => format!(
                        "ambiguous: {}",
                        m.candidates
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    LinkStatus::Unlinked => String::new(),
                };
                let _ = writeln!(out, "  {} [{}] {}", m.text, m.kind, what);
            }
            for r in &extraction.relations {
                let _ = writeln!(out, "  {} —{}→ {}   「{}」", r.from_name, r.kind, r.to_name, r.quote);
            }
        }
    }
    let _ = writeln!(
        out,
        "{} {} article(s){}: {} document(s), {} new entit(ies), {} relation(s); {} mention(s), {} linked, {} ambiguous; {} batch(es), {:.2} s",
        if receipt.dry_run { "would take in" } else { "took in" },
        receipt.articles,
        if receipt.duplicates > 0 { format!(" ({} repeated)", receipt.duplicates) } else { String::new() },
        receipt.documents,
        receipt.new_entities,
        receipt.relations,
        receipt.mentions,
        receipt.linked,
        receipt.ambiguous,
        receipt.batches,
        receipt.elapsed_ms / 1e3,
    );
    out
}

/// `innograph eval relations`.
pub(super) fn run_eval_relations(gold: &Path, held_out: bool, errors: usize, json: bool) -> anyhow::Result<()> {
    use crate::extract::data::{part_of, read_gold, Part};
    let mut sentences = read_gold(gold)?;
    if held_out {
        sentences.retain(|s| part_of(&s.id) == Part::HeldOut);
    }
    sentences.retain(|s| !s.relations.is_empty() || s.text.chars().count() > 0);
    let recognizer = crate::extract::Recognizer::new();
    let mut eval = crate::ingest::eval::evaluate(&sentences, &recognizer);
    eval.mistakes.truncate(errors);
    super::print(json, &eval, || {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({} part): {} sentences",
            gold.display(),
            if held_out { "held_out" } else { "all" },
            eval.sentences
        );
        let _ = writeln!(
            out,
            "{:<20} {:>5} {:>6} {:>6} {:>6}   baseline {:>6} {:>6} {:>6}",
            "kind", "gold", "P", "R", "F1", "P", "R", "F1"
        );
        let empty = crate::ingest::eval::Counts::default();
        let mut row = |name: &str, c: &crate::ingest::eval::Counts, b: &crate::ingest::eval::Counts| {
            let _ = writeln!(
                out,
                "{:<20} {:>5} {:>6.3} {:>6.3} {:>6.3}   baseline {:>6.3} {:>6.3} {:>6.3}",
                name, c.gold, c.precision, c.recall, c.f1, b.precision, b.recall, b.f1
            );
        };
        row("all", &eval.cues.all, &eval.baseline.all);
        for (kind, counts) in &eval.cues.by_kind {
            row(kind, counts, eval.baseline.by_kind.get(kind).unwrap_or(&empty));
        }
        for m in &eval.mistakes {
            let _ = writeln!(
                out,
                "  {} {} —{}→ {}   「{}」",
                m.what, m.from, m.kind, m.to, m.sentence
            );
        }
        out
    })
}

//! `train ner` and `eval extract`: training the mention tagger from a
//! labelled JSONL file (holding out its held-out part, always), and scoring
//! the recognizer against one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use serde::Serialize;

use crate::extract::data::{part_of, read_gold, Part};
use crate::extract::eval::{evaluate, Evaluation};
use crate::extract::tagger::{train, Tagger, TrainConfig, TrainReport};
use crate::extract::Recognizer;

/// What `train` trains.
#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Train the mention tagger (organisations, people, places) from
    /// CLUENER-style JSONL; its held-out part is never trained on.
    Ner {
        /// Labelled sentences: {"id","text","entities":[{"type","start","end"}]} per line.
        #[arg(long)]
        data: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "models/ner.bin")]
        out: PathBuf,
        /// Leave out the tuning part too (to choose features on it).
        #[arg(long)]
        tuning: bool,
        /// Passes over the sentences (the built-in model uses the default).
        #[arg(long, default_value_t = TrainConfig::default().epochs)]
        epochs: usize,
        /// Features seen fewer times in the training sentences are dropped
        /// (the built-in model uses the default).
        #[arg(long, default_value_t = TrainConfig::default().min_count)]
        min_count: u32,
        /// Margin the model must win by while training (the built-in model
        /// uses the default).
        #[arg(long, default_value_t = TrainConfig::default().margin)]
        margin: i64,
        /// Features whose 8-bit weights all stay below this in absolute
        /// value are dropped (the built-in model uses the default).
        #[arg(long, default_value_t = TrainConfig::default().min_weight)]
        min_weight: u8,
        /// Folds of the training sentences for the gazetteer of labelled
        /// names (each sentence is marked with the names labelled in the
        /// other folds); 0 trains without it (the built-in model uses the
        /// default).
        #[arg(long, default_value_t = TrainConfig::default().gazetteer_folds)]
        gazetteer_folds: usize,
        /// Print what was done as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

/// What `eval` measures.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Score mention recognition against labelled sentences: exact-span
    /// precision, recall and F1 per kind, beside jieba's POS tags as a
    /// baseline.
    Extract {
        /// Labelled sentences (CLUENER's format; types organization,
        /// person, amount, date, location, or CLUENER's own).
        #[arg(long)]
        gold: PathBuf,
        /// Keep only the held-out part of the file (the part `train ner`
        /// never sees).
        #[arg(long, conflicts_with = "tuning")]
        held_out: bool,
        /// Keep only the tuning part of the file.
        #[arg(long)]
        tuning: bool,
        /// A model file to use instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Recognise with part of the recognizer only: `model` (and no
        /// rules) or `rules` (and no model), to see what each adds.
        #[arg(long, value_enum)]
        only: Option<OnlyArg>,
        /// Also list up to this many of the recognizer's mistakes.
        #[arg(long, default_value_t = 0)]
        errors: usize,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score university–enterprise matching on a corpus with known links
    /// (`innograph gen` plants them in truth.jsonl): hide some, rebuild,
    /// and rank the hidden organisations for each enterprise; recall@10,
    /// recall@50, MRR and nDCG@10 of the matcher and of text-only,
    /// graph-only and popularity baselines.
    Match {
        /// The corpus (with truth.jsonl).
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Seed of the random split.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// `random`: hide a fifth of the links; `time`: hide every link
        /// after a cut-off year and everything dated after it.
        #[arg(long, value_enum, default_value = "random")]
        split: crate::matching::eval::Split,
        /// The time split's cut-off year (default: the year that hides at
        /// least a fifth of the links).
        #[arg(long)]
        cutoff: Option<u16>,
        /// Keep the reduced corpus and its index in this folder (to look
        /// at the matches by hand) instead of a temporary one.
        #[arg(long)]
        keep: Option<PathBuf>,
        /// Weights of the full matcher instead of the defaults, e.g.
        /// `text=0.5,proximity=0.2` (the signals not named keep theirs).
        #[arg(long, default_value = "")]
        weights: String,
        /// Ask the index a run with --keep left in that folder (same
        /// corpus, split and seed) instead of building it again.
        #[arg(long, requires = "keep")]
        reuse: bool,
        /// Print the metrics as JSON: {"full","text_only","graph_only","popularity"}.
        #[arg(long)]
        json: bool,
    },
    /// Score relations read from text against labelled sentences (their
    /// `relations` field): precision, recall and F1 per kind, beside a
    /// naive baseline (nearest party before a cue word to the nearest
    /// after it).
    Relations {
        /// Labelled sentences with `relations: [{"from", "to", "kind"}]`.
        #[arg(long)]
        gold: PathBuf,
        /// Keep only the held-out part of the file (never tuned on).
        #[arg(long)]
        held_out: bool,
        /// Also list up to this many mistakes.
        #[arg(long, default_value_t = 0)]
        errors: usize,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The parts `eval extract --only` keeps.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OnlyArg {
    Model,
    Rules,
}

/// What `train ner --json` prints.
#[derive(Debug, Serialize)]
struct TrainSummary {
    out: String,
    bytes: usize,
    held_out: usize,
    tuning_left_out: usize,
    seconds: f64,
    #[serde(flatten)]
    report: TrainReport,
}

/// Runs `train`.
pub fn run_train(command: TrainCommand) -> anyhow::Result<()> {
    let TrainCommand::Ner {
        data,
        out,
        tuning,
        epochs,
        min_count,
        margin,
        min_weight,
        gazetteer_folds,
        json,
    } = command;
    let started = Instant::now();
    let sentences = read_gold(&data)?;
    let mut held_out = 0;
    let mut tuning_left_out = 0;
    let training: Vec<_> = sentences
        .iter()
        .filter(|s| match part_of(&s.id) {
            Part::HeldOut => {
                held_out += 1;
                false
            }
            Part::Tuning if tuning => {
                tuning_left_out += 1;
                false
            }
            _ => true,
        })
        .map(|s| s.to_training())
        .collect();
    if training.is_empty() {
        return Err(crate::Error::InvalidDataFile {
            path: data,
            line: 0,
            message: format!(
                "every one of its {} sentences is held out: nothing to train on",
                sentences.len()
            ),
        }
        .into());
    }
    let config = TrainConfig {
        epochs,
        min_count,
        margin,
        min_weight,
        gazetteer_folds,
        ..TrainConfig::default()
    };
    let (tagger, report) = train(crate::extract::jieba_for_training(), &training, &config);
    let bytes = tagger.to_bytes();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let summary = TrainSummary {
        out: out.display().to_string(),
        bytes: bytes.len(),
        held_out,
        tuning_left_out,
        seconds: started.elapsed().as_secs_f64(),
        report,
    };
    if json {
        super::print(true, &summary, String::new)?;
    } else {
        eprintln!(
            "trained on {} sentences ({} held out{}), {} epochs: {} of {} features kept, {} bytes written to {} in {:.1} s",
            summary.report.sentences,
            held_out,
            if tuning { format!(", {tuning_left_out} tuning left out") } else { String::new() },
            summary.report.epochs,
            summary.report.kept_features,
            summary.report.candidate_features,
            summary.bytes,
            summary.out,
            summary.seconds
        );
    }
    Ok(())
}

/// What `eval extract --json` prints.
#[derive(Debug, Serialize)]
struct EvalAnswer {
    gold: String,
    part: &'static str,
    model: String,
    #[serde(flatten)]
    evaluation: Evaluation,
}

/// Runs `eval`.
pub fn run_eval(command: EvalCommand) -> anyhow::Result<()> {
    if let EvalCommand::Match {
        corpus,
        seed,
        split,
        cutoff,
        keep,
        weights,
        reuse,
        json,
    } = command
    {
        let weights = crate::matching::Weights::FULL.with(&weights)?;
        return run_eval_match(corpus, seed, split, cutoff, (keep, reuse), weights, json);
    }
    if let EvalCommand::Relations {
        gold,
        held_out,
        errors,
        json,
    } = command
    {
        return super::ingest::run_eval_relations(&gold, held_out, errors, json);
    }
    let EvalCommand::Extract {
        gold,
        held_out,
        tuning,
        model,
        only,
        errors,
        json,
    } = command
    else {
        unreachable!("relations and matching are scored above")
    };
    let mut sentences = read_gold(&gold)?;
    let part = if held_out {
        sentences.retain(|s| part_of(&s.id) == Part::HeldOut);
        "held_out"
    } else if tuning {
        sentences.retain(|s| part_of(&s.id) == Part::Tuning);
        "tuning"
    } else {
        "all"
    };
    if sentences.is_empty() {
        return Err(crate::Error::InvalidDataFile {
            path: gold,
            line: 0,
            message: format!("no sentence of the file is in the {part} part"),
        }
        .into());
    }
    let mut builder = match &model {
        Some(path) => Recognizer::builder().model(read_model(path)?),
        None => Recognizer::builder(),
    };
    builder = match only {
        Some(OnlyArg::Model) => builder.without_rules(),
        Some(OnlyArg::Rules) => builder.without_model(),
        None => builder,
    };
    let recognizer = builder.build();
    let evaluation = evaluate(&recognizer, &sentences, errors);
    let answer = EvalAnswer {
        gold: gold.display().to_string(),
        part,
        model: model.map_or_else(|| "built-in".to_string(), |p| p.display().to_string()),
        evaluation,
    };
    super::print(json, &answer, || human(&answer))
}

fn read_model(path: &Path) -> anyhow::Result<Tagger> {
    let bytes = std::fs::read(path).map_err(|source| crate::Error::io(path, source))?;
    Tagger::from_bytes(&bytes).map_err(|error| {
        crate::Error::InvalidDataFile {
            path: path.to_path_buf(),
            line: 0,
            message: error.to_string(),
        }
        .into()
    })
}

fn human(answer: &EvalAnswer) -> String {
    let evaluation = &answer.evaluation;
    let mut out = format!(
        "{} ({} part): {} sentences, {} characters, model {}, {:.2} s\n",
        answer.gold, answer.part, evaluation.sentences, evaluation.characters, answer.model, evaluation.seconds
    );
    out.push_str(&format!(
        "{:<14}{:>7}{:>7}{:>7}{:>7}   baseline (jieba POS){:>7}{:>7}\n",
        "kind", "gold", "P", "R", "F1", "P", "R"
    ));
    for kind in &evaluation.kinds {
        let (ours, naive) = (&kind.recognizer, &kind.baseline);
        out.push_str(&format!(
            "{:<14}{:>7}{:>7.3}{:>7.3}{:>7.3}   {:>20.3}{:>7.3}{:>7.3}\n",
            kind.kind.as_str(),
            ours.gold,
            ours.precision,
            ours.recall,
            ours.f1,
            naive.f1,
            naive.precision,
            naive.recall
        ));
    }
    out.push_str("(baseline: F1 then P and R)");
    for miss in &evaluation.errors {
        out.push_str(&format!(
            "\n{} {} {}{} 「{}」 in {}",
            miss.id,
            miss.error,
            miss.kind,
            miss.source.map_or(String::new(), |s| format!(
                " ({})",
                serde_json::to_string(&s).unwrap_or_default()
            )),
            miss.text,
            miss.context
        ));
    }
    out
}

/// `eval match`: hides links, rebuilds, ranks, scores.
fn run_eval_match(
    corpus: PathBuf,
    seed: u64,
    split: crate::matching::eval::Split,
    cutoff: Option<u16>,
    (keep, reuse): (Option<PathBuf>, bool),
    weights: crate::matching::Weights,
    json: bool,
) -> anyhow::Result<()> {
    let work_dir = keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("innograph-eval-match-{}", std::process::id())));
    let options = crate::matching::eval::EvalOptions {
        corpus,
        seed,
        split,
        cutoff,
        work_dir,
        keep: keep.is_some(),
        weights,
        reuse,
    };
    let started = std::time::Instant::now();
    let (setup, scores) = crate::matching::eval::run(&options)?;
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&scores)?)?;
        eprintln!(
            "split {:?}, seed {}, cutoff {:?}: {} of {} links hidden, {} enterprise(s) asked",
            setup.split, setup.seed, setup.cutoff, setup.hidden_links, setup.links, setup.queries
        );
        return Ok(());
    }
    let split_text = match (setup.split, setup.cutoff) {
        (crate::matching::eval::Split::Time, Some(year)) => format!("time split, links after {year} hidden"),
        _ => format!("random split (seed {}), a fifth of the links hidden", setup.seed),
    };
    writeln!(
        out,
        "{split_text}: {} of {} links; {} relation(s), {} article(s), {} dated entit(ies) removed; {} enterprise(s) asked; {:.1} s",
        setup.hidden_links,
        setup.links,
        setup.removed_relations,
        setup.removed_documents,
        setup.removed_entities,
        setup.queries,
        started.elapsed().as_secs_f64()
    )?;
    writeln!(
        out,
        "{:<12} {:>9} {:>9} {:>7} {:>8}",
        "matcher", "recall@10", "recall@50", "MRR", "nDCG@10"
    )?;
    for (name, metrics) in [
        ("full", scores.full),
        ("text_only", scores.text_only),
        ("graph_only", scores.graph_only),
        ("popularity", scores.popularity),
    ] {
        writeln!(
            out,
            "{name:<12} {:>9.3} {:>9.3} {:>7.3} {:>8.3}",
            metrics.recall_at_10, metrics.recall_at_50, metrics.mrr, metrics.ndcg_at_10
        )?;
    }
    Ok(())
}

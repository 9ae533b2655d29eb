//! The command line: argument definitions, one function per subcommand, and
//! human-readable output. `--json` prints exactly what the HTTP API answers.
//! Errors travel up as `anyhow` with context; `main` turns them into exit
//! codes (2 for bad input, 1 for internal faults).

mod extract;
mod ingest;
mod output;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::graph::{
    CentralityRequest, ClustersRequest, CommonRequest, EquityRequest, NeighborsRequest, PathsRequest, RelationPage,
    TimelineRequest,
};
use crate::search::{SearchRequest, SuggestRequest};
use crate::store::{self, BuildProgress};
use crate::Engine;

pub use extract::{EvalCommand, TrainCommand};

/// innograph (创新图谱): knowledge graph and Chinese search for an innovation ecosystem.
#[derive(Debug, Parser)]
#[command(name = "innograph", version, about)]
pub struct Cli {
    /// Index directory to read or write.
    #[arg(long, global = true, default_value = "index", env = "INNOGRAPH_INDEX")]
    pub index: PathBuf,

    /// Log what happens on stderr: -v for progress, -vv for details (or
    /// set RUST_LOG). Without it only warnings and errors are logged
    /// (`serve` logs its progress too).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index from a corpus directory (validates it first).
    Build {
        /// Corpus directory.
        #[arg(long, default_value = "corpus", env = "INNOGRAPH_CORPUS")]
        corpus: PathBuf,
    },
    /// Serve the HTTP API, building the index first if there is none.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "INNOGRAPH_ADDR")]
        addr: String,
        /// Corpus to build from when the index is empty.
        #[arg(long, default_value = "corpus", env = "INNOGRAPH_CORPUS")]
        corpus: PathBuf,
    },
    #[command(flatten)]
    Query(Box<QueryCommand>),
    /// Generate a synthetic ecosystem (corpus format, every record marked synthetic).
    Gen {
        /// Number of entities.
        #[arg(long)]
        entities: usize,
        /// Output directory (must be empty, or an earlier synthetic corpus with --force).
        #[arg(long)]
        out: PathBuf,
        /// Random seed: the same seed gives the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Replace an earlier synthetic corpus in the output directory.
        #[arg(long)]
        force: bool,
    },
    /// Import a spreadsheet (CSV) of enterprises, patents… as a mapping file says.
    #[command(long_about = IMPORT_HELP)]
    Import(ImportArgs),
    /// Take in articles (.txt, .md, .jsonl, .html): documents, the entities they name, the relations they state.
    Ingest(ingest::IngestArgs),
    /// Train a model from labelled data.
    Train {
        #[command(subcommand)]
        model: TrainCommand,
    },
    /// Measure a component against labelled data.
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Write the graph for other tools: GraphML, or CSV for neo4j-admin import.
    Export {
        /// `graphml` (one innograph.graphml) or `neo4j` (nodes.csv and relationships.csv).
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// Directory to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Print what was written as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

/// The long help of `import`.
const IMPORT_HELP: &str = "Import a spreadsheet (CSV) of enterprises, patents… as a mapping file says.

The mapping (TOML) says which column feeds which field of the entity each \
row is, and which columns name the entities it is linked to (applicants, \
inventors, a legal representative, assignees); corpus/mappings/ has worked \
examples. Names resolve to the graph's entities by name or alias; a name \
several entities share is a bad row unless the column's kinds pick one; \
other names become new entities marked auto.

Every row is checked before anything is written: by default one bad row \
writes nothing (exit 2, each problem listed by line and column); \
--skip-bad writes the good rows. Changes are written in batches, each whole \
or not at all. Ids are made from the data (a credit code, an application \
number, a hash of a name), so importing a file again changes nothing, and \
an import that was interrupted is finished by running it again.";

/// The arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The spreadsheet, saved as CSV (UTF-8 with or without BOM, or GBK/GB18030).
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// The mapping file (TOML): which column feeds which field.
    #[arg(long, value_name = "MAP.toml")]
    pub mapping: PathBuf,
    /// The CSV's text encoding, instead of the mapping's (auto: UTF-8 when it is valid UTF-8, else GB18030).
    #[arg(long, value_enum)]
    pub encoding: Option<crate::import::Encoding>,
    /// Write the good rows and list the bad ones, instead of writing nothing when a row is bad.
    #[arg(long)]
    pub skip_bad: bool,
    /// Show what would be written (counts by kind, the first records) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Changes written per batch; each batch is written whole or not at all.
    #[arg(long, value_name = "N", default_value_t = crate::import::DEFAULT_CHUNK, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub chunk: usize,
    /// Print the report (and what was written) as JSON.
    #[arg(long)]
    pub json: bool,
}

impl Cli {
    /// The log level the command line asks for: warnings by default
    /// (progress too for `serve`), more with each `-v`.
    pub fn log_level(&self) -> &'static str {
        let base = u8::from(matches!(self.command, Command::Serve { .. }));
        match self.verbose + base {
            0 => "warn",
            1 => "info",
            _ => "debug",
        }
    }
}

/// The commands that query an opened index.
#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Full-text search over documents and entity profiles.
    Search {
        /// The query: the rest of the line (words, "phrases", -exclusions
        /// after `--`, filters such as kind:企业).
        #[arg(value_name = "QUERY", required = true, num_args = 1..)]
        words: Vec<String>,
        #[command(flatten)]
        request: SearchRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Complete an entity name from its beginning, its pinyin or its initials.
    Suggest {
        #[command(flatten)]
        request: SuggestRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an entity and its relations, by id, name or alias.
    Entity {
        /// The entity: an id, a name or an alias.
        id: String,
        #[command(flatten)]
        page: RelationPage,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the neighbourhood of an entity.
    Neighbors {
        /// The entity at the centre: an id, a name or an alias.
        id: String,
        #[command(flatten)]
        request: NeighborsRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find the shortest (or strongest) paths between two entities.
    Path {
        #[command(flatten)]
        request: PathsRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// The neighbours two entities share.
    Common {
        #[command(flatten)]
        request: CommonRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// The most central entities (PageRank or degree), overall or of a kind.
    Centrality {
        #[command(flatten)]
        request: CentralityRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// The largest clusters: connected components or communities.
    Clusters {
        #[command(flatten)]
        request: ClustersRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// An entity's dated relations, oldest first.
    Timeline {
        #[command(flatten)]
        request: TimelineRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Equity chains up and down from an entity, with cumulative shares.
    Equity {
        #[command(flatten)]
        request: EquityRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Match an enterprise to universities, institutes, teams and patents,
    /// a university, institute or person to enterprises, or a need written
    /// as text (--text) to organisations, teams and patents; each result
    /// explains itself.
    Match {
        #[command(flatten)]
        request: crate::matching::MatchRequest,
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Counts per entity and relation kind, degree percentiles.
    Stats {
        /// Print the answer as the HTTP API's JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The formats of `export`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormatArg {
    Graphml,
    Neo4j,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let index = cli.index.as_path();
    match cli.command {
        Command::Build { corpus } => build_with_progress(&corpus, index).map(drop),
        Command::Serve { addr, corpus } => serve(index, &corpus, &addr),
        Command::Gen {
            entities,
            out,
            seed,
            force,
        } => generate(entities, out, seed, force),
        Command::Export { format, out, json } => export(index, format, &out, json),
        Command::Import(args) => import(index, args),
        Command::Ingest(args) => ingest::run(index, args),
        Command::Train { model } => extract::run_train(model),
        Command::Eval { what } => extract::run_eval(what),
        Command::Query(query) => {
            let positional = query.positional_names();
            answer(&open(index)?, *query).map_err(|error| as_typed(error, positional))
        }
    }
}

impl QueryCommand {
    /// The request parameters this command takes as positional arguments,
    /// with the names its help gives them.
    fn positional_names(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            QueryCommand::Search { .. } => &[("q", "QUERY")],
            QueryCommand::Suggest { .. } => &[("q", "PREFIX")],
            QueryCommand::Path { .. } => &[("from", "FROM"), ("to", "TO")],
            QueryCommand::Common { .. } => &[("a", "A"), ("b", "B")],
            QueryCommand::Timeline { .. } | QueryCommand::Equity { .. } => &[("id", "ID")],
            QueryCommand::Match { .. } => &[("entity", "ENTITY")],
            QueryCommand::Entity { .. } | QueryCommand::Neighbors { .. } | QueryCommand::Centrality { .. } => &[],
            QueryCommand::Clusters { .. } | QueryCommand::Stats { .. } => &[],
        }
    }
}

/// `error`, naming a bad parameter as the command line spells it: a
/// positional argument by its name in the help (`FROM`), an option by its
/// flag (`--as-of`, not `as_of`).
fn as_typed(error: anyhow::Error, positional: &[(&str, &str)]) -> anyhow::Error {
    match error.downcast::<crate::Error>() {
        Ok(crate::Error::InvalidParameter { name, message }) => {
            let typed = positional.iter().find(|(field, _)| *field == name).map_or_else(
                || format!("--{}", name.replace('_', "-")),
                |(_, shown)| shown.to_string(),
            );
            crate::Error::InvalidParameter { name: typed, message }.into()
        }
        Ok(other) => other.into(),
        Err(error) => error,
    }
}

/// Runs a query command against an opened index and prints its answer.
fn answer(engine: &Engine, command: QueryCommand) -> anyhow::Result<()> {
    match command {
        QueryCommand::Search {
            words,
            mut request,
            json,
        } => {
            request.q = words.join(" ");
            let response = engine.search(&request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::search(&response))
        }
        QueryCommand::Suggest { request, json } => {
            let response = engine.suggest(&request)?;
            print(json, &response, || output::suggest(&response))
        }
        QueryCommand::Entity { id, page, json } => {
            let view = engine.entity_page(&id, &page)?;
            note_resolved(&view.resolved_from);
            print(json, &view, || output::entity(&view))
        }
        QueryCommand::Neighbors { id, request, json } => {
            let response = engine.neighbors(&id, &request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::neighbors(&response))
        }
        QueryCommand::Path { request, json } => {
            let response = engine.paths(&request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::paths(&response))
        }
        QueryCommand::Common { request, json } => {
            let response = engine.common(&request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::common(&response))
        }
        QueryCommand::Centrality { request, json } => {
            let response = engine.centrality(&request)?;
            print(json, &response, || output::centrality(&response))
        }
        QueryCommand::Clusters { request, json } => {
            let response = engine.clusters(&request)?;
            print(json, &response, || output::clusters(&response))
        }
        QueryCommand::Timeline { request, json } => {
            let response = engine.timeline(&request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::timeline(&response))
        }
        QueryCommand::Equity { request, json } => {
            let response = engine.equity(&request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::equity(&response))
        }
        QueryCommand::Match { request, json } => {
            let response = engine.match_request(&request)?;
            note_resolved(&response.resolved_from);
            print(json, &response, || output::matches(&response))
        }
        QueryCommand::Stats { json } => {
            let stats = engine.stats();
            print(json, &stats, || output::stats(&stats))
        }
    }
}

/// Changes a dry run or report shows.
const IMPORT_SAMPLE: usize = 8;

/// Plans the import of a spreadsheet, prints the plan, and writes it
/// unless it is a dry run or has bad rows (without `--skip-bad`).
fn import(index: &Path, args: ImportArgs) -> anyhow::Result<()> {
    for (flag, path) in [("csv", &args.csv), ("mapping", &args.mapping)] {
        if !path.is_file() {
            return Err(crate::Error::invalid_parameter(
                &format!("--{flag}"),
                format!("no file at `{}`", path.display()),
            )
            .into());
        }
    }
    let mapping = crate::import::Mapping::read(&args.mapping)?;
    let csv = crate::import::CsvInput::read(&args.csv, args.encoding)?;
    let engine = open(index)?;
    let graph = engine.graph();
    let plan = crate::import::plan(&csv, &mapping, &graph)?;
    let mut report = plan.report(&graph, IMPORT_SAMPLE, args.dry_run);
    drop(graph);
    let refused = plan.bad_rows > 0 && !args.skip_bad;
    if args.dry_run || refused || plan.changes.is_empty() {
        print(args.json, &report, || output::import(&report))?;
        if refused {
            return Err(crate::Error::InvalidRows {
                file: plan.file,
                rows: plan.rows,
                bad_rows: plan.bad_rows,
            }
            .into());
        }
        return Ok(());
    }
    // one snapshot at the end of a large import, rather than one every
    // few thousand changes
    let compact_after = (engine.pending_changes() + plan.changes.len()).max(crate::COMPACT_AFTER);
    let engine = engine.compacting_after(compact_after);
    let bar = indicatif::ProgressBar::new(plan.changes.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("importing [{bar:40}] {pos}/{len} changes {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let file = plan.file.clone();
    let mut written_so_far = 0;
    let result = crate::import::import(&engine, plan, args.chunk, &mut |done, _| {
        written_so_far = done;
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    let receipt = result.with_context(|| {
        format!(
            "importing {file}: {written_so_far} change(s) were written before this; running the import again finishes it"
        )
    })?;
    report.written = Some(receipt);
    print(args.json, &report, || output::import(&report))?;
    if report.bad_rows > 0 {
        eprintln!(
            "warning: {}: {} bad row(s) skipped (listed above), the other rows written",
            report.file, report.bad_rows
        );
    }
    Ok(())
}

/// Writes the graph of the live generation (its snapshot and the changes
/// logged since) for other tools.
fn export(index: &Path, format: ExportFormatArg, out: &Path, json: bool) -> anyhow::Result<()> {
    let generation = live_generation(index)?;
    let graph = store::load_graph(&generation)?;
    let format = match format {
        ExportFormatArg::Graphml => crate::export::ExportFormat::GraphMl,
        ExportFormatArg::Neo4j => crate::export::ExportFormat::Neo4j,
    };
    let summary = crate::export::export(&graph, format, out)?;
    if json {
        print(true, &summary, String::new)
    } else {
        eprintln!("{}", output::export(&summary, format));
        Ok(())
    }
}

/// The live generation of the index at `index`.
fn live_generation(index: &Path) -> anyhow::Result<PathBuf> {
    Ok(
        store::current_generation(index)?.ok_or_else(|| crate::Error::IndexMissing {
            path: index.to_path_buf(),
        })?,
    )
}

fn open(index: &Path) -> anyhow::Result<Engine> {
    Ok(Engine::open(index)?)
}

/// Says on stderr which typed keys were read as the beginning of a name.
fn note_resolved(resolved_from: &std::collections::BTreeMap<String, String>) {
    for (typed, id) in resolved_from {
        eprintln!("note: 「{typed}」 is read as {id}, the one entity whose name begins with it");
    }
}

/// Prints `value` as JSON or as the human rendering.
fn print<T: serde::Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) -> anyhow::Result<()> {
    let text = if json {
        serde_json::to_string_pretty(value).context("encoding the answer as JSON")?
    } else {
        human()
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")?;
    stdout.flush()?;
    Ok(())
}

fn build_with_progress(corpus: &Path, index: &Path) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut on_progress = |p: BuildProgress| {
        bar.set_message(p.stage);
        bar.set_length(p.total);
        bar.set_position(p.done);
    };
    let result = store::build(corpus, index, &mut on_progress);
    bar.finish_and_clear();
    let manifest = result?;
    eprintln!(
        "built {}: {} entities, {} relations, {} documents",
        index.display(),
        manifest.counts.entities,
        manifest.counts.relations,
        manifest.counts.documents
    );
    Ok(())
}

fn generate(entities: usize, out: PathBuf, seed: u64, force: bool) -> anyhow::Result<()> {
    let config = crate::synth::GenConfig {
        entities,
        seed,
        out,
        force,
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("generating [{bar:40}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let result = crate::synth::generate(&config, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let summary = result?;
    eprintln!(
        "generated {}: {} entities, {} relations, {} documents, {} planted university-enterprise links in {:.1} s",
        config.out.display(),
        summary.entities,
        summary.relations,
        summary.documents,
        summary.truth_links,
        summary.elapsed_ms as f64 / 1000.0
    );
    Ok(())
}

/// The token writes must present, from `INNOGRAPH_TOKEN` (blank: none).
fn write_token() -> Option<String> {
    std::env::var("INNOGRAPH_TOKEN")
        .ok()
        .map(|token| token.trim().to_string())
        .filter(|token| !token.is_empty())
}

fn serve(index: &Path, corpus: &Path, addr: &str) -> anyhow::Result<()> {
    if !store::has_index(index) {
        tracing::info!(corpus = %corpus.display(), index = %index.display(), "no index yet, building it");
        build_with_progress(corpus, index)?;
    }
    let engine = match Engine::open(index) {
        Ok(engine) => engine,
        // The index is derived data: one written by another version, or
        // damaged, is rebuilt from the corpus rather than refused.
        Err(crate::Error::CorruptIndex { reason, .. }) if corpus.is_dir() => {
            tracing::warn!(%reason, "the index cannot be used, rebuilding it from the corpus");
            build_with_progress(corpus, index)?;
            open(index)?
        }
        Err(error) => return Err(error.into()),
    };
    match crate::corpus::fingerprint(corpus) {
        Ok(now) if now != engine.manifest().corpus_fingerprint => tracing::warn!(
            corpus = %corpus.display(),
            "the corpus has changed since the index was built, run `innograph build` to rebuild it"
        ),
        _ => {}
    }
    actix_web::rt::System::new()
        .block_on(crate::api::serve(engine, addr, write_token()))
        .with_context(|| format!("serving on {addr}"))
}

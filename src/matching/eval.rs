//! `innograph eval match`: hides known university/institute–enterprise
//! links of a corpus that lists them (`truth.jsonl`, as `innograph gen`
//! plants them), builds an index from what is left, asks the matcher for
//! each enterprise with a hidden link, and scores the ranks of the hidden
//! links' teams (their leaders, among every researcher): recall@10, recall@50, MRR and nDCG@10, for the full matcher and
//! three baselines (text only, graph only, popularity).
//!
//! Two splits:
//! - `random`: a fifth of the links, drawn with the seed, are hidden;
//! - `time`: every link after a cut-off year is hidden, and so is everything
//!   dated after it (relations, articles, patents, projects, policies), so
//!   nothing from the future reaches a profile.
//!
//! Either way the relations that state a hidden link are removed, with the
//! articles that state it (cite it as evidence, or name both parties), and
//! evidence citing a removed article is dropped from the relations kept.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MatchRequest, Weights};
use crate::model::EntityKind;
use crate::{Engine, Error, Result};

/// Share of links the random split hides.
pub const RANDOM_SHARE: f64 = 0.2;
/// Share of links (at least) the time split hides when no cut-off is given.
pub const TIME_SHARE: f64 = 0.2;
/// Results asked for per query (the deepest metric looks at 50).
const DEPTH: usize = 50;

/// How the known links are split into kept and hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Random,
    Time,
}

/// A planted link, as `truth.jsonl` lists it.
#[derive(Debug, Clone, Deserialize)]
struct Truth {
    organization: String,
    team: String,
    enterprise: String,
    kind: String,
    #[serde(default)]
    patent: Option<String>,
    since: u16,
}

/// The ranking quality of one matcher.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    #[serde(rename = "recall@10")]
    pub recall_at_10: f64,
    #[serde(rename = "recall@50")]
    pub recall_at_50: f64,
    #[serde(rename = "mrr")]
    pub mrr: f64,
    #[serde(rename = "ndcg@10")]
    pub ndcg_at_10: f64,
}

/// The four matchers' metrics (what `--json` prints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalScores {
    pub full: Metrics,
    pub text_only: Metrics,
    pub graph_only: Metrics,
    pub popularity: Metrics,
}

/// How the evaluation was set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalSetup {
    pub split: Split,
    pub seed: u64,
    /// The time split's cut-off year: links after it are hidden.
    pub cutoff: Option<u16>,
    pub links: usize,
    pub hidden_links: usize,
    /// Enterprises asked (those with a hidden link to an organisation they
    /// have no other tie with).
    pub queries: usize,
    pub removed_relations: usize,
    pub removed_documents: usize,
    pub removed_entities: usize,
}

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    pub corpus: PathBuf,
    pub seed: u64,
    pub split: Split,
    pub cutoff: Option<u16>,
    /// Where the reduced corpus and its index are written.
    pub work_dir: PathBuf,
    /// Whether to keep them after (to look at the matches by hand).
    pub keep: bool,
    /// The full matcher's weights.
    pub weights: Weights,
    /// Ask the index already in `work_dir` (kept by an earlier run with the
    /// same corpus, split and seed) instead of building it again.
    pub reuse: bool,
}

/// Runs the evaluation.
pub fn run(options: &EvalOptions) -> Result<(EvalSetup, EvalScores)> {
    let truth = read_truth(&options.corpus)?;
    if truth.is_empty() {
        return Err(Error::invalid_parameter(
            "corpus",
            format!(
                "`{}` lists no known links (truth.jsonl): evaluate on a corpus made by `innograph gen`",
                options.corpus.display()
            ),
        ));
    }
    let (hidden, cutoff) = choose_hidden(&truth, options)?;
    let reduced = options.work_dir.join("corpus");
    let index = options.work_dir.join("index");
    let removed = if options.reuse && index.is_dir() {
        Removed::default()
    } else {
        if options.work_dir.exists() {
            std::fs::remove_dir_all(&options.work_dir).map_err(|e| Error::io(&options.work_dir, e))?;
        }
        std::fs::create_dir_all(&reduced).map_err(|e| Error::io(&reduced, e))?;
        let removed = write_reduced(&options.corpus, &reduced, &truth, &hidden, cutoff)?;
        tracing::info!(hidden = hidden.len(), ?cutoff, "reduced corpus written");
        crate::store::build(&reduced, &index, &mut |_| {})?;
        removed
    };
    let engine = Engine::open(&index)?;

    // the enterprises to ask, and the teams (their leaders) each should
    // find: a synthetic ecosystem of 10,000 entities has a handful of
    // universities and institutes, so ranking them tells little, while
    // there are hundreds of teams
    let graph = engine.graph();
    let is_team = |kind: EntityKind| kind == EntityKind::Person;
    let mut targets: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for &at in &hidden {
        let link = &truth[at];
        targets
            .entry(link.enterprise.clone())
            .or_default()
            .insert(link.team.clone());
    }
    targets.retain(|enterprise, teams| {
        let Ok(position) = graph.resolve(enterprise) else {
            return false;
        };
        let tied = super::profile::ties_of(&graph, position, &is_team);
        teams.retain(|team| !tied.keys().any(|&t| graph.entity_at(t).id == team.as_str()));
        !teams.is_empty()
    });
    drop(graph);

    let mut scores = Vec::new();
    for weights in [
        options.weights,
        Weights::TEXT_ONLY,
        Weights::GRAPH_ONLY,
        Weights::POPULARITY,
    ] {
        let mut total = Metrics::default();
        for (enterprise, teams) in &targets {
            let request = MatchRequest {
                kinds: vec![EntityKind::Person],
                limit: DEPTH,
                signals: Some(weights),
                brief: true,
                ..MatchRequest::entity(enterprise)
            };
            let response = engine.match_entity(&request)?;
            let ranked: Vec<&str> = response.results.iter().map(|r| r.id.as_str()).collect();
            let metrics = score(&ranked, teams);
            total.recall_at_10 += metrics.recall_at_10;
            total.recall_at_50 += metrics.recall_at_50;
            total.mrr += metrics.mrr;
            total.ndcg_at_10 += metrics.ndcg_at_10;
        }
        let n = targets.len().max(1) as f64;
        scores.push(Metrics {
            recall_at_10: total.recall_at_10 / n,
            recall_at_50: total.recall_at_50 / n,
            mrr: total.mrr / n,
            ndcg_at_10: total.ndcg_at_10 / n,
        });
    }
    drop(engine);
    if options.keep {
        tracing::info!(dir = %options.work_dir.display(), "the reduced corpus and its index are kept");
    } else if let Err(error) = std::fs::remove_dir_all(&options.work_dir) {
        tracing::warn!(%error, dir = %options.work_dir.display(), "the evaluation's work folder was not removed");
    }
    let setup = EvalSetup {
        split: options.split,
        seed: options.seed,
        cutoff,
        links: truth.len(),
        hidden_links: hidden.len(),
        queries: targets.len(),
        removed_relations: removed.relations,
        removed_documents: removed.documents,
        removed_entities: removed.entities,
    };
    Ok((
        setup,
        EvalScores {
            full: scores[0],
            text_only: scores[1],
            graph_only: scores[2],
            popularity: scores[3],
        },
    ))
}

/// The metrics of one ranking against the set of right answers.
fn score(ranked: &[&str], relevant: &HashSet<String>) -> Metrics {
    let found_in = |depth: usize| ranked.iter().take(depth).filter(|id| relevant.contains(**id)).count();
    let wanted = relevant.len().max(1) as f64;
    let first = ranked.iter().position(|id| relevant.contains(*id));
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, id)| relevant.contains(**id))
        .map(|(rank, _)| 1.0 / (rank as f64 + 2.0).log2())
        .sum();
    let ideal: f64 = (0..relevant.len().min(10))
        .map(|rank| 1.0 / (rank as f64 + 2.0).log2())
        .sum();
    Metrics {
        recall_at_10: found_in(10) as f64 / wanted,
        recall_at_50: found_in(50) as f64 / wanted,
        mrr: first.map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0)),
        ndcg_at_10: if ideal > 0.0 { dcg / ideal } else { 0.0 },
    }
}

/// The planted links of a corpus (`truth*.jsonl` at its root).
fn read_truth(corpus: &Path) -> Result<Vec<Truth>> {
    if !corpus.is_dir() {
        return Err(Error::CorpusMissing {
            path: corpus.to_path_buf(),
        });
    }
    let mut truth = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus)
        .map_err(|e| Error::io(corpus, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("truth") && n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    for path in files {
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| Error::io(&path, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let link: Truth = serde_json::from_str(&line).map_err(|e| Error::InvalidDataFile {
                path: path.clone(),
                line: number + 1,
                message: format!("not a known link: {e}"),
            })?;
            truth.push(link);
        }
    }
    Ok(truth)
}

/// The links to hide (positions in `truth`) and the time split's cut-off.
fn choose_hidden(truth: &[Truth], options: &EvalOptions) -> Result<(Vec<usize>, Option<u16>)> {
    match options.split {
        Split::Random => {
            let mut order: Vec<usize> = (0..truth.len()).collect();
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(options.seed);
            order.shuffle(&mut rng);
            let count = ((truth.len() as f64) * RANDOM_SHARE).ceil() as usize;
            let mut hidden: Vec<usize> = order.into_iter().take(count).collect();
            hidden.sort_unstable();
            Ok((hidden, None))
        }
        Split::Time => {
            let cutoff = match options.cutoff {
                Some(year) => year,
                None => {
                    // the latest year that leaves at least TIME_SHARE of the links after it
                    let mut years: Vec<u16> = truth.iter().map(|t| t.since).collect();
                    years.sort_unstable();
                    let at = ((years.len() as f64) * (1.0 - TIME_SHARE)).floor() as usize;
                    years[at.min(years.len() - 1)].saturating_sub(1)
                }
            };
            let hidden: Vec<usize> = (0..truth.len()).filter(|&i| truth[i].since > cutoff).collect();
            if hidden.is_empty() {
                return Err(Error::invalid_parameter(
                    "cutoff",
                    format!("no known link is dated after {cutoff}: choose an earlier year"),
                ));
            }
            Ok((hidden, Some(cutoff)))
        }
    }
}

/// What the reduced corpus left out.
#[derive(Default)]
struct Removed {
    relations: usize,
    documents: usize,
    entities: usize,
}

/// The year of a date (`YYYY…`), if it has one.
fn year_of(value: &Value) -> Option<u16> {
    match value {
        Value::String(text) => text.get(..4).and_then(|y| y.parse().ok()),
        Value::Number(number) => number.as_u64().and_then(|y| u16::try_from(y).ok()),
        _ => None,
    }
}

/// Whether an entity record is dated after the cut-off (a patent's
/// application, a project's or policy's year).
fn entity_after(entity: &Value, cutoff: u16) -> bool {
    let kind = entity["kind"].as_str().unwrap_or_default();
    if !matches!(kind, "patent" | "project" | "policy") {
        return false;
    }
    ["applied", "year", "since", "date"]
        .iter()
        .filter_map(|key| year_of(&entity["props"][*key]))
        .any(|year| year > cutoff)
}

fn read_lines(path: &Path) -> Result<Vec<Value>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut values = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        values.push(serde_json::from_str(&line).map_err(|e| Error::InvalidDataFile {
            path: path.to_path_buf(),
            line: number + 1,
            message: e.to_string(),
        })?);
    }
    Ok(values)
}

fn write_lines(path: &Path, values: &[Value]) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = std::io::BufWriter::new(file);
    for value in values {
        serde_json::to_writer(&mut out, value).map_err(|e| Error::Serialization(e.to_string()))?;
        out.write_all(b"\n").map_err(|e| Error::io(path, e))?;
    }
    out.flush().map_err(|e| Error::io(path, e))
}

/// Writes the corpus without the hidden links (and, for the time split,
/// without anything dated after the cut-off) into `out`.
fn write_reduced(corpus: &Path, out: &Path, truth: &[Truth], hidden: &[usize], cutoff: Option<u16>) -> Result<Removed> {
    let mut removed = Removed::default();
    let mut entity_files = Vec::new();
    let mut relation_files = Vec::new();
    let mut document_files = Vec::new();
    let mut other_files = Vec::new();
    for entry in walkdir::WalkDir::new(corpus).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(corpus, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let name = entry.file_name().to_string_lossy().to_string();
        let relative = path.strip_prefix(corpus).unwrap_or(&path).to_path_buf();
        if name.starts_with("truth") || name.starts_with('.') || name == "gen.json" {
            continue;
        }
        if name.ends_with(".jsonl") && name.starts_with("entities") {
            entity_files.push(relative);
        } else if name.ends_with(".jsonl") && name.starts_with("relations") {
            relation_files.push(relative);
        } else if name.ends_with(".jsonl") {
            document_files.push(relative);
        } else {
            other_files.push(relative);
        }
    }

    // entities: names (to find articles naming both parties) and those dated after the cut-off
    let mut entities: Vec<(PathBuf, Vec<Value>)> = Vec::new();
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    let mut dropped_entities: HashSet<String> = HashSet::new();
    for relative in &entity_files {
        let mut values = read_lines(&corpus.join(relative))?;
        values.retain(|entity| {
            let id = entity["id"].as_str().unwrap_or_default().to_string();
            if cutoff.is_some_and(|year| entity_after(entity, year)) {
                dropped_entities.insert(id);
                return false;
            }
            let mut own: Vec<String> = vec![entity["name"].as_str().unwrap_or_default().to_string()];
            if let Some(aliases) = entity["aliases"].as_array() {
                own.extend(aliases.iter().filter_map(|a| a.as_str().map(str::to_string)));
            }
            own.retain(|n| n.chars().count() >= 2);
            names.insert(id, own);
            true
        });
        entities.push((relative.clone(), values));
    }

    removed.entities = dropped_entities.len();

    // the relations that state a hidden link
    let mut hidden_relations: HashSet<(String, String, String)> = HashSet::new();
    let mut hidden_pairs: Vec<(String, String)> = Vec::new();
    for &at in hidden {
        let link = &truth[at];
        let from = match (link.kind.as_str(), &link.patent) {
            ("transferred_to" | "licensed_to", Some(patent)) => patent.clone(),
            _ => link.team.clone(),
        };
        hidden_relations.insert((from, link.enterprise.clone(), link.kind.clone()));
        hidden_pairs.push((link.enterprise.clone(), link.organization.clone()));
    }

    let mut relations: Vec<(PathBuf, Vec<Value>)> = Vec::new();
    let mut dropped_documents: HashSet<String> = HashSet::new();
    for relative in &relation_files {
        let mut values = read_lines(&corpus.join(relative))?;
        values.retain(|relation| {
            let from = relation["from"].as_str().unwrap_or_default();
            let to = relation["to"].as_str().unwrap_or_default();
            let kind = relation["kind"].as_str().unwrap_or_default();
            let stated = hidden_relations.contains(&(from.to_string(), to.to_string(), kind.to_string()));
            let late = cutoff.is_some_and(|year| year_of(&relation["since"]).is_some_and(|y| y > year));
            let orphan = dropped_entities.contains(from) || dropped_entities.contains(to);
            if stated {
                for evidence in relation["evidence"].as_array().into_iter().flatten() {
                    if let Some(doc) = evidence["doc"].as_str() {
                        dropped_documents.insert(doc.to_string());
                    }
                }
            }
            let keep = !(stated || late || orphan);
            if !keep {
                removed.relations += 1;
            }
            keep
        });
        relations.push((relative.clone(), values));
    }

    // articles: those stating a hidden link, naming both its parties, or dated after the cut-off
    let names_in = |text: &str, id: &str| names.get(id).is_some_and(|own| own.iter().any(|n| text.contains(n)));
    let mut documents: Vec<(PathBuf, Vec<Value>)> = Vec::new();
    for relative in &document_files {
        let mut values = read_lines(&corpus.join(relative))?;
        values.retain(|document| {
            let id = document["id"].as_str().unwrap_or_default();
            let text = format!(
                "{}{}",
                document["title"].as_str().unwrap_or_default(),
                document["text"].as_str().unwrap_or_default()
            );
            let late = cutoff.is_some_and(|year| year_of(&document["date"]).is_some_and(|y| y > year));
            let tells = dropped_documents.contains(id)
                || hidden_pairs
                    .iter()
                    .any(|(enterprise, org)| names_in(&text, enterprise) && names_in(&text, org));
            if late || tells {
                dropped_documents.insert(id.to_string());
                return false;
            }
            true
        });
        documents.push((relative.clone(), values));
    }
    removed.documents = dropped_documents.len();

    // evidence citing a removed article goes with it
    for (_, values) in relations.iter_mut() {
        for relation in values.iter_mut() {
            if let Some(evidence) = relation.get_mut("evidence").and_then(Value::as_array_mut) {
                evidence.retain(|e| !e["doc"].as_str().is_some_and(|doc| dropped_documents.contains(doc)));
            }
        }
    }

    for (relative, values) in entities.iter().chain(&relations).chain(&documents) {
        let path = out.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_lines(&path, values)?;
    }
    for relative in &other_files {
        let (from, to) = (corpus.join(relative), out.join(relative));
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn metrics_of_a_ranking() {
        let perfect = score(&["a", "b", "c"], &set(&["a"]));
        assert_eq!(perfect.recall_at_10, 1.0);
        assert_eq!(perfect.mrr, 1.0);
        assert!((perfect.ndcg_at_10 - 1.0).abs() < 1e-9);
        let second = score(&["x", "a"], &set(&["a", "b"]));
        assert_eq!(second.recall_at_10, 0.5);
        assert_eq!(second.mrr, 0.5);
        let ideal = 1.0 + 1.0 / 3f64.log2();
        assert!((second.ndcg_at_10 - (1.0 / 3f64.log2()) / ideal).abs() < 1e-9);
        let deep: Vec<String> = (0..60).map(|i| format!("n{i}")).collect();
        let mut ranked: Vec<&str> = deep.iter().map(String::as_str).collect();
        ranked[30] = "a";
        let late = score(&ranked, &set(&["a"]));
        assert_eq!((late.recall_at_10, late.recall_at_50), (0.0, 1.0));
        assert!((late.mrr - 1.0 / 31.0).abs() < 1e-9);
    }

    #[test]
    fn dates_give_years() {
        assert_eq!(year_of(&Value::from("2021-03-05")), Some(2021));
        assert_eq!(year_of(&Value::from(2019)), Some(2019));
        assert_eq!(year_of(&Value::Null), None);
        let patent = serde_json::json!({"kind": "patent", "props": {"applied": "2022-01"}});
        assert!(entity_after(&patent, 2020));
        assert!(!entity_after(&patent, 2022));
        let person = serde_json::json!({"kind": "person", "props": {"year": 2030}});
        assert!(!entity_after(&person, 2020));
    }
}

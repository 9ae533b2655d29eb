//! Human-readable renderings of answers for the terminal.

use std::fmt::Write;
use std::io::IsTerminal;

use crate::graph::{EntityView, NeighborsResponse, PathsResponse};
use crate::model::{Direction, Evidence};
use crate::search::SearchResponse;
use crate::Stats;

/// Turns a snippet's `<em>` marks into bold (on a terminal) or 【】 and
/// undoes its HTML escaping.
fn plain_snippet(snippet: &str) -> String {
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    snippet
        .replace("<em>", open)
        .replace("</em>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn kind_label(kind: &str) -> &str {
    kind.parse::<crate::model::EntityKind>()
        .map(|k| k.label())
        .unwrap_or("文档")
}

pub(super) fn search(response: &SearchResponse) -> String {
    let mut out = String::new();
    let _ = write!(out, "{} result(s) for 「{}」", response.total, response.query);
    match response.fallback.as_deref() {
        Some("most_terms") => out.push_str(" (no entry has every word; showing those with most of them)"),
        Some(_) => out.push_str(" (no entry has every word; showing entries with any of them)"),
        None => {}
    }
    out.push('\n');
    if let Some(reading) = &response.reading {
        let _ = write!(
            out,
            "read as: {} ({} of {} required)",
            reading.words.join(" "),
            reading.required,
            reading.words.len()
        );
        let left_out: Vec<&str> = reading.dropped.iter().chain(&reading.cut).map(String::as_str).collect();
        if !left_out.is_empty() {
            let _ = write!(out, "; left out: {}", left_out.join(" "));
        }
        out.push('\n');
    }
    for (rank, hit) in response.hits.iter().enumerate() {
        let label = hit.name.as_deref().or(hit.title.as_deref()).unwrap_or("");
        let _ = writeln!(
            out,
            "{:>3}. [{}] {}  ({})  score {:.2}",
            response.offset + rank + 1,
            kind_label(&hit.kind),
            label,
            hit.id,
            hit.score
        );
        if !hit.snippet.is_empty() {
            let _ = writeln!(out, "     {}", plain_snippet(&hit.snippet));
        }
    }
    if !response.facets.kind.is_empty() {
        let kinds: Vec<String> = response
            .facets
            .kind
            .iter()
            .map(|(k, n)| format!("{} {n}", kind_label(k)))
            .collect();
        let _ = writeln!(out, "by kind: {}", kinds.join(" · "));
    }
    out.trim_end().to_string()
}

pub(super) fn suggest(response: &crate::search::SuggestResponse) -> String {
    if response.suggestions.is_empty() {
        return format!("no entity name starts with 「{}」", response.query);
    }
    let mut out = String::new();
    for suggestion in &response.suggestions {
        let e = &suggestion.entity;
        let via = if suggestion.matched == e.name {
            format!("({})", suggestion.via)
        } else {
            format!("({} {})", suggestion.via, suggestion.matched)
        };
        let _ = writeln!(out, "{}  [{}] {}  {via}", e.name, e.kind.label(), e.id);
    }
    out.trim_end().to_string()
}

/// A path's steps after its first node: ` —kind→ next` or ` ←kind— next`.
fn path_chain(out: &mut String, path: &crate::graph::PathView) {
    for (edge, node) in path.edges.iter().zip(&path.nodes[1..]) {
        if edge.direction == Direction::Out {
            let _ = write!(out, " —{}→ {}", edge.kind.label(), node.name);
        } else {
            let _ = write!(out, " ←{}— {}", edge.kind.label(), node.name);
        }
    }
}

fn evidence_lines(out: &mut String, evidence: &[Evidence], indent: &str) {
    for item in evidence {
        let _ = writeln!(out, "{indent}「{}」 — {}", item.quote, item.doc);
    }
}

pub(super) fn entity(view: &EntityView) -> String {
    let e = &view.entity;
    let mut out = String::new();
    let _ = writeln!(out, "{}  [{}]  {}", e.name, e.kind.label(), e.id);
    if !e.aliases.is_empty() {
        let _ = writeln!(out, "aliases: {}", e.aliases.join("、"));
    }
    if !e.industry.is_empty() {
        let _ = writeln!(out, "industry: {}", e.industry.join("、"));
    }
    if !e.location.is_empty() {
        let _ = writeln!(out, "location: {}", e.location);
    }
    if !e.description.is_empty() {
        let _ = writeln!(out, "\n{}\n", e.description);
    }
    if view.relations.len() < view.relation_total {
        let kinds: Vec<String> = view
            .relations_by_kind
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        let _ = writeln!(
            out,
            "{} relation(s), {} listed ({}; --relation, --offset and --limit for others):",
            view.relation_total,
            view.relations.len(),
            kinds.join(", ")
        );
    } else {
        let _ = writeln!(out, "{} relation(s):", view.relations.len());
    }
    for relation in &view.relations {
        let arrow = if relation.direction == Direction::Out {
            "→"
        } else {
            "←"
        };
        let mut facts = Vec::new();
        if let Some(since) = &relation.facts.since {
            facts.push(since.clone());
        }
        if let Some(amount) = relation.facts.amount {
            facts.push(format!("{amount}{}", relation.facts.unit.as_deref().unwrap_or("")));
        }
        facts.extend(notable(&relation.props));
        let facts = if facts.is_empty() {
            String::new()
        } else {
            format!(" ({})", facts.join(", "))
        };
        let _ = writeln!(
            out,
            "  {arrow} {} {} [{}] {}{facts}",
            relation.kind.label(),
            relation.other.name,
            relation.other.kind.label(),
            relation.other.id
        );
        evidence_lines(&mut out, &relation.facts.evidence, "      ");
    }
    out.trim_end().to_string()
}

/// What a relation's properties say that changes how to read it: an
/// inferred link, a cumulative amount or the round it counts, the basis
/// of an editor's classification.
fn notable(props: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    use serde_json::Value;
    let mut notes = Vec::new();
    for (key, value) in props {
        match (key.as_str(), value) {
            (key, Value::Bool(true)) if key.contains("inferred") => {
                notes.push("推断".to_string());
            }
            ("cumulative", Value::Bool(true)) => notes.push("累计".to_string()),
            ("round" | "basis", Value::String(text)) => notes.push(text.clone()),
            _ => {}
        }
    }
    notes.dedup();
    notes
}

pub(super) fn neighbors(response: &NeighborsResponse) -> String {
    let mut out = String::new();
    let c = &response.center;
    let _ = writeln!(
        out,
        "{} [{}] {}: {} neighbour(s)",
        c.name,
        c.kind.label(),
        c.id,
        response.nodes.len()
    );
    for node in &response.nodes {
        let _ = writeln!(
            out,
            "{}{} [{}] {}",
            "  ".repeat(node.depth),
            node.entity.name,
            node.entity.kind.label(),
            node.entity.id
        );
    }
    let _ = writeln!(out, "{} edge(s)", response.edges.len());
    if let Some(why) = &response.explanation {
        let _ = writeln!(out, "why: {why}");
    }
    if !response.omitted.is_empty() {
        let left: Vec<String> = response.omitted.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(out, "left out: {}", left.join(", "));
    }
    if !response.per_kind_omitted.is_empty() {
        let counts = |counts: &std::collections::BTreeMap<String, usize>| -> String {
            let listed: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            listed.join(", ")
        };
        let _ = writeln!(out, "left out by --per-kind: {}", counts(&response.per_kind_omitted));
        let _ = writeln!(out, "relations of {}: {}", c.name, counts(&response.relations_by_kind));
    }
    if response.truncated {
        out.push_str("truncated: raise --limit or add filters to see more\n");
    }
    out.trim_end().to_string()
}

pub(super) fn paths(response: &PathsResponse) -> String {
    let mut out = String::new();
    if response.paths.is_empty() {
        let _ = writeln!(
            out,
            "no path between {} and {}: {}",
            response.from.name,
            response.to.name,
            response.explanation.as_deref().unwrap_or("none found")
        );
    }
    for (number, path) in response.paths.iter().enumerate() {
        let _ = write!(
            out,
            "path {} (length {}, strength {:.2}, score {:.2}): {}",
            number + 1,
            path.length,
            path.strength,
            path.score,
            path.nodes[0].name
        );
        path_chain(&mut out, path);
        out.push('\n');
        for edge in &path.edges {
            let _ = writeln!(out, "  {} {} {}:", edge.from, edge.kind, edge.to);
            evidence_lines(&mut out, &edge.facts.evidence, "    ");
        }
    }
    if response.truncated {
        out.push_str("search budget reached: fewer paths than asked may be shown\n");
    }
    out.trim_end().to_string()
}

pub(super) fn matches(response: &crate::matching::MatchResponse) -> String {
    let mut out = String::new();
    let query = &response.query;
    let kinds: Vec<&str> = query.kinds.iter().map(|k| k.label()).collect();
    match (&query.entity, &query.text) {
        (Some(entity), _) => {
            let _ = write!(out, "{} [{}] {}", entity.name, entity.kind.label(), entity.id);
        }
        (None, Some(text)) => {
            let shown: String = text.chars().take(40).collect();
            let more = if text.chars().count() > 40 { "…" } else { "" };
            let _ = write!(out, "「{shown}{more}」");
        }
        (None, None) => {}
    }
    let _ = writeln!(out, " → {}: {} candidate(s)", kinds.join("、"), response.total);
    if !query.words.is_empty() {
        let _ = writeln!(out, "read as: {}", query.words.join(" "));
    }
    if response.linked_left_out > 0 {
        let _ = writeln!(
            out,
            "{} already tied left out (--include-linked shows them)",
            response.linked_left_out
        );
    }
    for (number, result) in response.results.iter().enumerate() {
        let card = &result.explanation;
        let linked = if result.linked { "  [已有合作]" } else { "" };
        let _ = writeln!(
            out,
            "\n{:>2}. [{}] {}  ({})  score {:.3}{}{}",
            response.offset + number + 1,
            result.kind.label(),
            result.name,
            result.id,
            result.score,
            result.location.as_deref().map(|l| format!("  {l}")).unwrap_or_default(),
            linked
        );
        let shares: Vec<String> = card
            .signals
            .iter()
            .filter(|s| s.share > 0.0)
            .map(|s| format!("{} {:.0}%", s.signal, 100.0 * s.share))
            .collect();
        if !shares.is_empty() {
            let _ = writeln!(out, "    signals: {}", shares.join(" · "));
        }
        if !card.terms.is_empty() {
            let terms: Vec<String> = card
                .terms
                .iter()
                .take(6)
                .map(|t| format!("{} {:.2}", t.term, t.weight))
                .collect();
            let _ = writeln!(out, "    terms: {}", terms.join(", "));
        }
        if !card.industries.is_empty() {
            let _ = writeln!(out, "    shared industry: {}", card.industries.join("、"));
        }
        for evidence in card.evidence.iter().take(3) {
            let _ = writeln!(
                out,
                "    [{}] {} (via {}): {}",
                kind_label(&evidence.kind),
                evidence.title,
                evidence.via,
                plain_snippet(&evidence.snippet)
            );
        }
        if !card.teams.is_empty() {
            let teams: Vec<&str> = card.teams.iter().map(|t| t.name.as_str()).collect();
            let _ = writeln!(out, "    people: {}", teams.join("、"));
        }
        if !card.patents.is_empty() {
            let patents: Vec<&str> = card.patents.iter().map(|t| t.name.as_str()).collect();
            let _ = writeln!(out, "    patents: {}", patents.join("、"));
        }
        if let Some(path) = &card.path {
            let _ = write!(out, "    path: {}", path.nodes[0].name);
            path_chain(&mut out, path);
            out.push('\n');
        }
        for tie in &card.ties {
            let _ = writeln!(out, "    tie: {} {} {}", tie.from.name, tie.kind, tie.to.name);
            evidence_lines(&mut out, &tie.evidence, "      ");
        }
    }
    if response.results.is_empty() {
        out.push_str("no match: the need's words are found nowhere; try other words, another kind, or fewer filters\n");
    }
    out.trim_end().to_string()
}

fn relation_labels(kinds: &[crate::model::RelationKind]) -> String {
    kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("、")
}

pub(super) fn common(response: &crate::graph::CommonResponse) -> String {
    let mut out = format!(
        "{} neighbour(s) shared by {} and {}\n",
        response.results.len(),
        response.a.name,
        response.b.name
    );
    for n in &response.results {
        let _ = writeln!(
            out,
            "  {} [{}] {}  ({}: {} / {}: {})",
            n.entity.name,
            n.entity.kind.label(),
            n.entity.id,
            response.a.name,
            relation_labels(&n.via_a),
            response.b.name,
            relation_labels(&n.via_b)
        );
    }
    out.trim_end().to_string()
}

pub(super) fn centrality(response: &crate::graph::CentralityResponse) -> String {
    let mut out = String::new();
    for (rank, r) in response.results.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>4}. {} [{}] {}  score {:.6}  degree {}",
            rank + 1,
            r.entity.name,
            r.entity.kind.label(),
            r.entity.id,
            r.score,
            r.degree
        );
    }
    out.trim_end().to_string()
}

pub(super) fn clusters(response: &crate::graph::ClustersResponse) -> String {
    let mut out = format!("{} cluster(s) in all\n", response.total);
    for c in &response.results {
        let members: Vec<&str> = c.top_members.iter().map(|m| m.name.as_str()).collect();
        let _ = writeln!(out, "{:>4}. {} entities: {}", c.rank, c.size, members.join("、"));
    }
    out.trim_end().to_string()
}

pub(super) fn timeline(response: &crate::graph::TimelineResponse) -> String {
    let mut out = format!(
        "{} [{}] {}\n",
        response.entity.name,
        response.entity.kind.label(),
        response.entity.id
    );
    for e in &response.results {
        let arrow = if e.direction == Direction::Out { "→" } else { "←" };
        let amount = match (e.facts.amount, &e.facts.unit) {
            (Some(a), Some(u)) => format!(" {a}{u}"),
            (Some(a), None) => format!(" {a}"),
            _ => String::new(),
        };
        let date = e.date.as_deref().unwrap_or("(undated)");
        let notes = notable(&e.props);
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        let _ = writeln!(
            out,
            "  {date}  {arrow} {} {}{amount}{notes}",
            e.kind.label(),
            e.other.name
        );
    }
    let listed_undated = response.results.iter().filter(|e| e.date.is_none()).count();
    if response.undated > listed_undated {
        let _ = writeln!(
            out,
            "  ({} undated relation(s) not shown: --undated lists them)",
            response.undated
        );
    }
    out.trim_end().to_string()
}

pub(super) fn equity(response: &crate::graph::EquityResponse) -> String {
    let mut out = format!("equity of {} ({})\n", response.entity.name, response.entity.id);
    for link in &response.results {
        let share = link
            .share
            .map_or("share unknown".to_string(), |s| format!("{:.2}%", s * 100.0));
        let _ = writeln!(
            out,
            "  {} {} [{}]  depth {}  {share}  via {}",
            if link.direction == crate::graph::EquityRole::Holder {
                "held by"
            } else {
                "holds"
            },
            link.entity.name,
            link.entity.kind.label(),
            link.depth,
            link.chain.join(" → ")
        );
    }
    if response.results.is_empty() {
        out.push_str("  no equity relations\n");
    }
    out.trim_end().to_string()
}

pub(super) fn stats(stats: &Stats) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} entities, {} relations, {} documents (built {} from {})",
        stats.entities, stats.relations, stats.documents, stats.manifest.built_at, stats.manifest.corpus
    );
    out.push_str("entities by kind:\n");
    for (kind, count) in &stats.graph.entity_kinds {
        let _ = writeln!(out, "  {kind:<18} {count}");
    }
    out.push_str("relations by kind:\n");
    for (kind, count) in &stats.graph.relation_kinds {
        let _ = writeln!(out, "  {kind:<18} {count}");
    }
    let d = &stats.graph.degree;
    let _ = writeln!(
        out,
        "degree: p50 {} · p90 {} · p99 {} · max {} · mean {:.2}",
        d.p50, d.p90, d.p99, d.max, d.mean
    );
    out.trim_end().to_string()
}

pub(super) fn export(summary: &crate::export::ExportSummary, format: crate::export::ExportFormat) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "exported {} entities and {} relations:",
        summary.entities, summary.relations
    );
    for file in &summary.files {
        let _ = writeln!(out, "  {}", file.display());
    }
    if format == crate::export::ExportFormat::Neo4j {
        let file = |name: &str| {
            summary
                .files
                .iter()
                .find(|f| f.ends_with(name))
                .map(|f| f.display().to_string())
                .unwrap_or_default()
        };
        let _ = writeln!(
            out,
            "load into Neo4j with: neo4j-admin database import full --nodes={} --relationships={} innograph",
            file(crate::export::NEO4J_NODES_FILE),
            file(crate::export::NEO4J_RELATIONSHIPS_FILE)
        );
    }
    out
}

/// Problems an import report lists before "…and N more".
const IMPORT_PROBLEMS_SHOWN: usize = 20;

pub(super) fn import(report: &crate::import::ImportReport) -> String {
    let mut out = String::new();
    if !report.problems.is_empty() {
        let bad = if report.written.is_some() || report.dry_run {
            "skipped"
        } else {
            "nothing written"
        };
        let _ = writeln!(
            out,
            "{} problem(s) in {} bad row(s) ({bad}):",
            report.problems.len(),
            report.bad_rows
        );
        for problem in report.problems.iter().take(IMPORT_PROBLEMS_SHOWN) {
            let _ = writeln!(out, "  {problem}");
        }
        if report.problems.len() > IMPORT_PROBLEMS_SHOWN {
            let _ = writeln!(out, "  …and {} more", report.problems.len() - IMPORT_PROBLEMS_SHOWN);
        }
    }
    let _ = writeln!(
        out,
        "{} ({}): {} row(s), {} bad",
        report.file, report.encoding, report.rows, report.bad_rows
    );
    let counts = &report.counts;
    let line = |counts: &std::collections::BTreeMap<String, crate::import::KindCount>| {
        counts
            .iter()
            .map(|(kind, count)| match (count.new, count.updated) {
                (new, 0) => format!("{kind} {new} new"),
                (0, updated) => format!("{kind} {updated} updated"),
                (new, updated) => format!("{kind} {new} new, {updated} updated"),
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let verb = match (&report.written, report.dry_run) {
        (Some(_), _) => "wrote",
        (None, true) => "would write (dry run)",
        (None, false) if report.bad_rows > 0 => "would write once the bad rows are fixed",
        (None, false) => "wrote",
    };
    let _ = writeln!(out, "{verb}: {} change(s)", report.changes);
    if !counts.entities.is_empty() {
        let _ = writeln!(out, "  entities:  {}", line(&counts.entities));
    }
    if !counts.relations.is_empty() {
        let _ = writeln!(out, "  relations: {}", line(&counts.relations));
    }
    let _ = writeln!(
        out,
        "  names linked to existing entities: {}; entities made for new names (auto): {}; left unlinked: {}; already as the rows say: {}",
        counts.linked, counts.auto_created, counts.skipped_names, counts.unchanged
    );
    if !report.sample.is_empty() {
        let _ = writeln!(out, "first records:");
        let named = |id: &str| match report.names.get(id).filter(|name| !name.is_empty()) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        };
        for change in &report.sample {
            match change {
                crate::model::Change::PutEntity { entity } => {
                    let _ = write!(out, "  [{}] {}  {}", entity.kind.label(), entity.name, entity.id);
                    if !entity.aliases.is_empty() {
                        let _ = write!(out, "  aka {}", entity.aliases.join("、"));
                    }
                    out.push('\n');
                }
                crate::model::Change::PutRelation { relation } => {
                    let _ = write!(
                        out,
                        "  {} —{}→ {}",
                        named(&relation.from),
                        relation.kind.label(),
                        named(&relation.to)
                    );
                    if let Some(since) = &relation.since {
                        let _ = write!(out, "  since {since}");
                    }
                    out.push('\n');
                }
                _ => {}
            }
        }
    }
    if let Some(written) = &report.written {
        let _ = writeln!(
            out,
            "written in {} batch(es), {:.1} s; {} change(s) in the log since the last snapshot{}",
            written.batches,
            written.elapsed_ms as f64 / 1000.0,
            written.pending_changes,
            if written.compacted { " (snapshot taken)" } else { "" }
        );
    } else if report.changes == 0 && report.bad_rows == 0 {
        let _ = writeln!(out, "nothing to write: the graph already holds every row as it is");
    }
    out.trim_end().to_string()
}

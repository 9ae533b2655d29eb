//! Articles taken in end to end, over the curated corpus:
//! - `innograph ingest --dry-run --json` shows linked, new and ambiguous
//!   mentions and writes nothing;
//! - `innograph ingest` of Markdown, JSON lines and HTML adds documents,
//!   new organisations (marked `auto`, with their source), `mentions`
//!   relations and typed relations with their sentences; a relation stated
//!   in two articles is written once with both quotes; taking the same
//!   files in again changes nothing;
//! - the new names are found by search and suggest right after, and join
//!   the dictionary of the index;
//! - a truncated JSON line or binary data: exit 2 naming the file and the
//!   line, nothing written;
//! - `POST /api/extract` (offsets, candidates, nothing written) and
//!   `POST /api/documents` (token, 201, kept across a restart).

use std::path::{Path, PathBuf};

use innograph::model::RelationKind;
use innograph::search::{SearchRequest, SuggestRequest};
use innograph::Engine;
use serde_json::{json, Value};

use crate::common::api::{app, assert_error, call};
use crate::common::{run, stderr, stdout};

const TOKEN: &str = "ingest-token-7c1d";

fn fresh_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    (dir, index)
}

/// Three files of articles: Markdown, JSON lines (two articles, one
/// repeating the Markdown's collaboration) and an HTML page.
fn articles(dir: &Path) -> PathBuf {
    let folder = dir.join("news");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("a.md"),
        "# 高新区企业动态\n\n\
         2025年6月，青岛澜岸智能装备有限公司正式落户青岛高新区，项目总投资2.6亿元。\n\
         伯杰医疗与青岛农业大学签署合作协议。\n",
    )
    .unwrap();
    let lines = [
        json!({"id": "news-2", "title": "校企合作", "date": "2025-07-02",
               "text": "青岛农业大学与伯杰医疗深化合作，共建联合实验室。张伟出席了签约仪式。"}),
        json!({"title": "孵化成果", "date": "2025-08",
               "text": "由青岛市工业技术研究院孵化的青岛星河光电有限公司完成首轮融资。"}),
    ];
    std::fs::write(
        folder.join("b.jsonl"),
        lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n") + "\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("c.html"),
        "<html><head><title>获奖快讯</title><script>var x='青岛假公司有限公司';</script></head>\
         <body><p>高测股份荣获山东省科学技术进步奖一等奖。</p></body></html>",
    )
    .unwrap();
    folder
}

fn ingest(index: &Path, extra: &[&str]) -> std::process::Output {
    let index = index.to_string_lossy().into_owned();
    let mut args = vec!["--index", index.as_str(), "ingest"];
    args.extend_from_slice(extra);
    run(&args)
}

fn counts(index: &Path) -> (usize, usize) {
    let engine = Engine::open(index).unwrap();
    let graph = engine.graph();
    (graph.entity_count(), graph.relation_count())
}

fn relation(engine: &Engine, from: &str, to: &str, kind: RelationKind) -> innograph::model::Relation {
    let graph = engine.graph();
    graph
        .relation_record(from, to, kind)
        .unwrap()
        .or_else(|| graph.relation_record(to, from, kind).unwrap())
        .unwrap_or_else(|| panic!("no {kind} between {from} and {to}"))
}

#[test]
fn articles_become_documents_entities_and_relations_with_their_sentences() {
    let (dir, index) = fresh_index();
    let folder = articles(dir.path());
    let folder_arg = folder.to_string_lossy().into_owned();
    let before = counts(&index);

    // a dry run shows what it would do and writes nothing
    let output = ingest(&index, &[&folder_arg, "--dry-run", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let receipt: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(receipt["dry_run"], true);
    assert_eq!(receipt["articles"], 4);
    let mentions: Vec<&Value> = receipt["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["extraction"]["mentions"].as_array().unwrap())
        .collect();
    let find = |text: &str| {
        mentions
            .iter()
            .find(|m| m["text"] == text)
            .unwrap_or_else(|| panic!("{text} not in {mentions:#?}"))
    };
    assert_eq!(find("伯杰医疗")["entity_id"], "ent_bojie_medical");
    assert_eq!(find("青岛高新区")["status"], "linked");
    assert_eq!(find("青岛澜岸智能装备有限公司")["status"], "new");
    assert!(
        !mentions.iter().any(|m| m["text"] == "青岛假公司有限公司"),
        "script text is not read"
    );
    assert!(receipt["planned"].as_array().unwrap().len() > 5);
    assert_eq!(counts(&index), before, "a dry run writes nothing");

    // taken in
    let output = ingest(&index, &[&folder_arg, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let receipt: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(receipt["documents"], 4);
    let engine = Engine::open(&index).unwrap();
    let company = engine.entity("青岛澜岸智能装备有限公司").expect("the new company");
    assert_eq!(company.entity.kind.as_str(), "enterprise");
    assert_eq!(company.entity.props["auto"], true);
    let source = company.entity.props["source"].as_str().unwrap().to_string();
    assert!(source.starts_with("doc_"), "{source}");
    let located = relation(
        &engine,
        &company.entity.id,
        "zone_qingdao_hitech",
        RelationKind::LocatedIn,
    );
    assert_eq!(located.since.as_deref(), Some("2025-06"));
    assert_eq!(located.evidence.len(), 1);
    assert!(located.evidence[0].quote.contains("落户"));
    assert_eq!(located.evidence[0].doc, source);
    // stated in two articles: one relation, two quotes
    let together = relation(
        &engine,
        "ent_bojie_medical",
        "uni_qingdao_agricultural",
        RelationKind::CollaboratesWith,
    );
    assert_eq!(together.evidence.len(), 2, "{together:?}");
    let docs: Vec<&str> = together.evidence.iter().map(|e| e.doc.as_str()).collect();
    assert!(docs.contains(&"news-2"), "{docs:?}");
    // the document names what it mentions, with the sentence
    let mention = relation(&engine, "news-2", "uni_qingdao_agricultural", RelationKind::Mentions);
    assert!(mention.evidence[0].quote.contains("青岛农业大学"));
    // incubation read from a passive sentence, awards from the HTML page
    let startup = engine.entity("青岛星河光电有限公司").unwrap();
    relation(
        &engine,
        &startup.entity.id,
        "inst_qingdao_industrial_tech",
        RelationKind::IncubatedBy,
    );
    let award = engine
        .graph()
        .relation_record("ent_gaoce", "award_sd_sci_tech_progress_first", RelationKind::WonAward)
        .unwrap();
    assert!(award.is_some(), "the known award is linked, not made again");
    // found whole by search and suggest at once
    let hits = engine.search(&SearchRequest::new("澜岸智能装备", 5)).unwrap();
    assert_eq!(hits.hits[0].id, company.entity.id, "{:?}", hits.hits);
    let suggestions = engine.suggest(&SuggestRequest::new("青岛澜岸", 5)).unwrap();
    assert!(suggestions.suggestions.iter().any(|s| s.entity.id == company.entity.id));
    let added = std::fs::read_to_string(engine.generation().join("dictionary.added.txt")).unwrap();
    assert!(added.lines().any(|l| l == "青岛澜岸智能装备有限公司"), "{added}");
    let after = counts(&index);
    drop(engine);

    // again: nothing new
    let output = ingest(&index, &[&folder_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(counts(&index), after);
    let engine = Engine::open(&index).unwrap();
    let together = relation(
        &engine,
        "ent_bojie_medical",
        "uni_qingdao_agricultural",
        RelationKind::CollaboratesWith,
    );
    assert_eq!(together.evidence.len(), 2, "no quote is added twice");
}

#[test]
fn malformed_files_are_refused_by_file_and_line_with_nothing_written() {
    let (dir, index) = fresh_index();
    let good = dir.path().join("good.md");
    std::fs::write(&good, "标题\n伯杰医疗与青岛农业大学签署合作协议。").unwrap();
    let truncated = dir.path().join("news.jsonl");
    std::fs::write(
        &truncated,
        "{\"title\":\"一\",\"text\":\"青岛澜岸智能装备有限公司落户青岛高新区。\"}\n{\"title\":\"二\",\"text\":\"截",
    )
    .unwrap();
    let before = counts(&index);
    let output = ingest(&index, &[&good.to_string_lossy(), &truncated.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains("news.jsonl:2"), "{message}");
    assert_eq!(counts(&index), before);

    let binary = dir.path().join("blob.txt");
    std::fs::write(&binary, [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe, 0]).unwrap();
    let output = ingest(&index, &[&binary.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("blob.txt"), "{}", stderr(&output));
    assert_eq!(counts(&index), before);

    let output = ingest(&index, &[&dir.path().join("missing.md").to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
}

#[actix_web::test]
async fn extraction_and_documents_over_http() {
    let (_dir, index) = fresh_index();
    let service = app(Engine::open(&index).unwrap(), Some(TOKEN)).await;
    let text = "伯杰医疗与青岛农业大学签署合作协议，青岛澜岸智能装备有限公司落户青岛高新区。";
    // offsets count from the text as sent, leading spaces included
    let sent = format!("  \n{text}");
    let (status, body) = call(&service, "POST", "/api/extract", Some(json!({ "text": sent })), None).await;
    assert_eq!(status, 200, "{body}");
    let chars: Vec<char> = sent.chars().collect();
    let mentions = body["mentions"].as_array().unwrap();
    for m in mentions {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[start..end].iter().collect::<String>(),
            m["text"].as_str().unwrap()
        );
    }
    assert!(mentions.iter().any(|m| m["entity_id"] == "ent_bojie_medical"));
    let kinds: Vec<&str> = body["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"collaborates_with") && kinds.contains(&"located_in"),
        "{kinds:?}"
    );
    let (status, body) = call(&service, "POST", "/api/extract", Some(json!({ "text": "  " })), None).await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = call(&service, "POST", "/api/extract", Some(json!({ "txt": "x" })), None).await;
    assert_error(status, &body, 400, "invalid_body");
    assert!(Engine::open(&index).is_ok());

    let article = json!({"title": "新企业", "date": "2025-09-01", "text": text});
    let (status, body) = call(&service, "POST", "/api/documents", Some(article.clone()), None).await;
    assert_error(status, &body, 401, "unauthorized");
    let (status, body) = call(
        &service,
        "POST",
        "/api/documents",
        Some(json!({"articles": [{"title": "坏日期", "date": "2025-13", "text": "内容"}]})),
        Some(TOKEN),
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = call(&service, "POST", "/api/documents", Some(article), Some(TOKEN)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["documents"], 1);
    drop(service);
    let engine = Engine::open(&index).unwrap();
    let company = engine
        .entity("青岛澜岸智能装备有限公司")
        .expect("kept across a restart");
    relation(
        &engine,
        &company.entity.id,
        "zone_qingdao_hitech",
        RelationKind::LocatedIn,
    );
}

#[test]
fn relations_read_from_the_labelled_sentences_beat_the_naive_reading() {
    let gold = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/extract_gold.jsonl");
    let output = run(&["eval", "relations", "--gold", gold, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let eval: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let cues = &eval["cues"]["all"];
    let naive = &eval["baseline"]["all"];
    assert!(cues["gold"].as_u64().unwrap() >= 80, "{cues}");
    let precision = cues["precision"].as_f64().unwrap();
    assert!(precision >= 0.8, "relation precision {precision}");
    assert!(precision > naive["precision"].as_f64().unwrap());
    assert!(cues["recall"].as_f64().unwrap() > 2.0 * naive["recall"].as_f64().unwrap());
}

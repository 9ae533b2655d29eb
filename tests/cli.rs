//! The command line against the curated index: human output, `--json`
//! equal to the API's JSON, exit codes and one-line errors.

use serde_json::Value;

use crate::common::{curated_index, run, stderr, stdout};

fn cli(args: &[&str]) -> std::process::Output {
    let index = curated_index().to_str().unwrap().to_string();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--index", &index]);
    run(&full)
}

#[test]
fn search_prints_ranked_results_and_json() {
    let output = cli(&["search", "溃疡性结肠炎", "--limit", "3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("奥克生物"), "{text}");
    assert!(text.contains("【溃疡性结肠炎】"), "highlight marks: {text}");

    let output = cli(&["search", "溃疡性结肠炎", "--limit", "3", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["limit"], 3);
    assert!(json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == "ent_aoke_bio"));
    assert!(json["reading"].is_null(), "keywords are all required: {json}");

    // a question says how it was read
    let output = cli(&["search", "杨建明是哪个大学的教授"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("read as: 杨建明 大学 教授 (2 of 3 required); left out: 是 哪个 的"),
        "{text}"
    );
}

#[test]
fn entity_neighbors_and_path() {
    let output = cli(&["entity", "青岛高测科技股份有限公司"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("ent_gaoce"));

    let output = cli(&["neighbors", "喜海生物", "--depth", "2", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["center"]["id"], "ent_xihai_bio");

    let output = cli(&["path", "杨建明", "青岛市工业技术研究院", "--k", "2"]);
    let text = stdout(&output);
    assert!(text.contains("path 1 (length 2, strength "), "{text}");
    assert!(text.contains("「"), "evidence quotes shown: {text}");

    // the strongest route: strengths never rise down the list
    let output = cli(&["path", "杨建明", "青岛高新区", "--strongest", "--k", "3", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let strengths: Vec<f64> = json["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["strength"].as_f64().unwrap())
        .collect();
    assert!(strengths.len() >= 2, "{json}");
    assert!(strengths.windows(2).all(|w| w[0] >= w[1] - 1e-6), "{strengths:?}");
    let output = cli(&["path", "杨建明", "青岛高新区", "--strongest", "--rank", "length"]);
    assert_eq!(output.status.code(), Some(2), "--strongest and --rank conflict");
    let output = cli(&["path", "杨建明", "青岛高新区", "--rank", "fastest"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("[possible values: score, length, strength]"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn suggest_completes_names() {
    let output = cli(&["suggest", "qdgx"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("青岛高新区"), "{}", stdout(&output));
    let output = cli(&["suggest", "gaoce", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["suggestions"][0]["id"], "ent_gaoce");
}

#[test]
fn graph_analysis_commands() {
    let output = cli(&["centrality", "--kind", "enterprise", "--limit", "3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 3);
    let output = cli(&["common", "海尔生物", "易邦生物", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(!json["results"].as_array().unwrap().is_empty());
    let output = cli(&["timeline", "阿斯利康"]);
    assert!(stdout(&output).contains("2023"), "{}", stdout(&output));
    let output = cli(&["equity", "喜海生物"]);
    assert!(stdout(&output).contains("杨建明"), "{}", stdout(&output));
    let output = cli(&["clusters", "--method", "communities", "--limit", "2"]);
    assert!(stdout(&output).contains("cluster(s) in all"));
    let output = cli(&["centrality", "--measure", "fame"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn bad_input_exits_2_with_one_line() {
    for args in [
        vec!["entity", "不存在的机构"],
        vec!["search", "   "],
        vec!["neighbors", "ent_gaoce", "--depth", "7"],
        vec!["path", "ent_gaoce", "ent_gaoce"],
    ] {
        let output = cli(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        let err = stderr(&output);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(stdout(&output).is_empty());
    }
    let output = cli(&["neighbors", "ent_gaoce", "--relation", "partner_of"]);
    assert_eq!(output.status.code(), Some(2));
    let output = cli(&["neighbors", "ent_gaoce", "--per-kind", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).trim().lines().count(), 1);
    assert!(stderr(&output).contains("`--per-kind`"), "{}", stderr(&output));
}

#[test]
fn neighbors_per_relation_kind() {
    let output = cli(&["neighbors", "zone_qingdao_hitech", "--per-kind", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("left out by --per-kind: ") && text.contains("located_in"),
        "{text}"
    );
    assert!(text.contains("relations of 青岛高新区: "), "{text}");
    let output = cli(&["neighbors", "zone_qingdao_hitech", "--per-kind", "2", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(json["per_kind_omitted"]["located_in"].as_u64().unwrap() > 0, "{json}");
}

#[test]
fn the_cli_is_a_tool_to_script() {
    // the query is the rest of the line; answers alone on stdout
    let output = cli(&["search", "康复大学", "合作企业", "--limit", "2", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "no logs unless asked");
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["query"], "康复大学 合作企业");
    // -v turns progress logs on
    let output = cli(&["-v", "stats"]);
    assert!(stderr(&output).contains("index opened"), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains('\u{1b}'),
        "no colour codes when stderr is not a terminal"
    );
    // kinds and relations in Chinese, as they are printed
    let output = cli(&["search", "生物医药", "--kind", "企业", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let hits = json["hits"].as_array().unwrap();
    assert!(
        !hits.is_empty() && hits.iter().all(|h| h["kind"] == "enterprise"),
        "{json}"
    );
    let output = cli(&["search", "kind:企业 生物医药", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["total"], hits.len());
    let output = cli(&["neighbors", "阿斯利康", "--relation", "投资", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "invests_in"),
        "{json}"
    );
    // errors name the flag typed, on one line, exit 2
    let output = cli(&["neighbors", "喜海生物", "--as-of", "20x"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).trim().lines().count(), 1);
    assert!(stderr(&output).contains("`--as-of`"), "{}", stderr(&output));
    let output = cli(&["path", "杨建明", "", "--k", "2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`TO`"), "{}", stderr(&output));
    // a corpus folder that does not exist is bad input
    let output = run(&[
        "build",
        "--corpus",
        "/nonexistent/corpus",
        "--index",
        "/nonexistent/index",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("no corpus folder"), "{}", stderr(&output));
    // options with fixed values list them
    let output = run(&["neighbors", "--help"]);
    let help = stdout(&output);
    assert!(
        help.contains("[possible values: out, in, both]") || help.contains("Possible values:"),
        "{help}"
    );
    assert!(help.contains("enterprise") && help.contains("企业"), "{help}");
}

#[test]
fn relations_that_read_differently_say_so() {
    // a cumulative amount beside the first one, and an inferred link
    let output = cli(&["entity", "阿斯利康"]);
    let text = stdout(&output);
    assert!(text.contains("8.86亿美元, 累计"), "{text}");
    assert!(text.contains("4.5亿美元, 首次投资"), "{text}");
    let output = cli(&["entity", "喜海生物"]);
    assert!(stdout(&output).contains("推断"), "{}", stdout(&output));
    // undated relations are counted, and listed when asked
    let output = cli(&["timeline", "杨建明"]);
    assert!(stdout(&output).contains("--undated lists them"), "{}", stdout(&output));
    let output = cli(&["timeline", "杨建明", "--undated", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let events = json["results"].as_array().unwrap();
    assert_eq!(events.len() as u64, json["undated"].as_u64().unwrap());
    assert!(events.iter().all(|e| e["date"].is_null()));
    // the articles are dated, so date filters select them
    let output = cli(&["search", "高新区", "--kind", "document", "--from", "2025", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(json["total"].as_u64().unwrap() > 3, "{json}");
    let output = cli(&["search", "高新区", "--kind", "document", "--to", "2024", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["total"], 0, "{json}");
}

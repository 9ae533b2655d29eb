//! `innograph export`: the curated graph as GraphML and as Neo4j import
//! CSV, checked by reading the files back with an XML and a CSV reader.

use innograph::model::Direction;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use quick_xml::events::Event;

use crate::common::{curated_index, engine, run, stderr, stdout};

fn export(format: &str, out: &Path) {
    let index = curated_index().to_str().unwrap();
    let output = run(&[
        "export",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
        "--index",
        index,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stats = engine().stats();
    // what was written is said on stderr, like `build` and `gen`, so
    // stdout stays for answers
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(
        stderr(&output).contains(&format!(
            "exported {} entities and {} relations",
            stats.entities, stats.relations
        )),
        "{}",
        stderr(&output)
    );
}

/// The GraphML file's nodes (id → kind) and edges (source, target, kind,
/// evidence), read with an XML parser.
type Edge = (String, String, String, String);

fn read_graphml(path: &Path) -> (HashMap<String, String>, Vec<Edge>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut nodes, mut edges) = (HashMap::new(), Vec::new());
    let mut element: Option<(String, String, String)> = None; // node id or edge ends
    let mut data: HashMap<String, String> = HashMap::new();
    let mut key = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                let attr = |name: &[u8]| {
                    start
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.unescape_value().unwrap().into_owned())
                        .unwrap_or_default()
                };
                match start.name().as_ref() {
                    b"node" => element = Some(("node".into(), attr(b"id"), String::new())),
                    b"edge" => element = Some(("edge".into(), attr(b"source"), attr(b"target"))),
                    b"data" => key = attr(b"key"),
                    _ => {}
                }
            }
            Event::Text(text) if !key.is_empty() => {
                let value = quick_xml::escape::unescape(&text.decode().unwrap())
                    .unwrap()
                    .into_owned();
                data.entry(key.clone()).or_default().push_str(&value);
            }
            Event::GeneralRef(reference) if !key.is_empty() => {
                let entity = format!("&{};", String::from_utf8_lossy(&reference));
                let value = quick_xml::escape::unescape(&entity).unwrap().into_owned();
                data.entry(key.clone()).or_default().push_str(&value);
            }
            Event::End(end) => match end.name().as_ref() {
                b"data" => key.clear(),
                b"node" | b"edge" => {
                    let (what, a, b) = element.take().unwrap();
                    let mut take = |k: &str| data.remove(k).unwrap_or_default();
                    if what == "node" {
                        nodes.insert(a, take("n_kind"));
                    } else {
                        edges.push((a, b, take("e_kind"), take("e_evidence")));
                    }
                    data.clear();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (nodes, edges)
}

#[test]
fn graphml_holds_every_entity_and_relation_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    export("graphml", dir.path());
    let (nodes, edges) = read_graphml(&dir.path().join("innograph.graphml"));
    let stats = engine().stats();
    assert_eq!((nodes.len(), edges.len()), (stats.entities, stats.relations));
    assert_eq!(nodes["zone_qingdao_hitech"], "zone");
    for (from, to, kind, _) in &edges {
        assert!(nodes.contains_key(from) && nodes.contains_key(to), "{from} → {to}");
        assert!(!kind.is_empty());
    }
    // every relation's evidence, as the entity view gives it
    let view = engine().graph().entity_view("zone_qingdao_hitech").unwrap();
    for relation in view.relations.iter().filter(|r| r.direction == Direction::Out) {
        let exported = edges
            .iter()
            .find(|(from, to, kind, _)| {
                from == "zone_qingdao_hitech" && *to == relation.other.id && *kind == relation.kind.to_string()
            })
            .unwrap_or_else(|| panic!("{relation:?} not exported"));
        let evidence: Vec<innograph::model::Evidence> = serde_json::from_str(&exported.3).unwrap();
        assert_eq!(evidence, relation.facts.evidence);
    }
}

#[test]
fn neo4j_csv_files_load_as_nodes_and_typed_relationships() {
    let dir = tempfile::tempdir().unwrap();
    export("neo4j", dir.path());
    let mut nodes = csv::Reader::from_path(dir.path().join("nodes.csv")).unwrap();
    assert_eq!(
        nodes.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id:ID",
            ":LABEL",
            "name",
            "aliases:string[]",
            "description",
            "industry:string[]",
            "location",
            "props"
        ]
    );
    let mut ids = HashSet::new();
    for row in nodes.records() {
        let row = row.unwrap();
        assert!(ids.insert(row[0].to_string()), "{} twice", &row[0]);
        if &row[0] == "zone_qingdao_hitech" {
            assert_eq!((&row[1], &row[2]), ("Zone", "青岛高新区"));
            assert!(
                row[3].split(';').any(|alias| alias == "青岛国家高新技术产业开发区"),
                "{}",
                &row[3]
            );
        }
    }
    let mut links = csv::Reader::from_path(dir.path().join("relationships.csv")).unwrap();
    let headers: Vec<String> = links.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(headers[..3], [":START_ID", ":END_ID", ":TYPE"]);
    let mut count = 0;
    for row in links.records() {
        let row = row.unwrap();
        count += 1;
        assert!(ids.contains(&row[0]) && ids.contains(&row[1]), "{row:?}");
        assert!(row[2].chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{row:?}");
        if !row[7].is_empty() {
            let evidence: Vec<innograph::model::Evidence> = serde_json::from_str(&row[7]).unwrap();
            assert!(!evidence.is_empty());
        }
    }
    let stats = engine().stats();
    assert_eq!((ids.len(), count), (stats.entities, stats.relations));
}

#[test]
fn export_errors_are_one_line_and_exit_2() {
    let output = run(&[
        "export",
        "--format",
        "neo4j",
        "--out",
        "/tmp/unused",
        "--index",
        "/nonexistent/index",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).trim().lines().count(), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("run `innograph build` first"));
}

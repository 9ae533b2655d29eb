//! The graph written out for other tools: GraphML (Gephi, yEd, NetworkX,
//! igraph, Cytoscape) and the node and relationship CSV files that
//! `neo4j-admin database import` reads. Every entity and relation goes out
//! with everything the graph knows of it: profile, properties, dates,
//! amounts and evidence. Files are written whole to a temporary name and
//! renamed, so an export that fails leaves no half-written file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use quick_xml::escape::escape;
use serde::Serialize;

use crate::graph::{props_text, KnowledgeGraph};
use crate::model::{Entity, EntityKind, Relation, RelationKind};
use crate::{Error, Result};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One `innograph.graphml` file.
    GraphMl,
    /// `nodes.csv` and `relationships.csv` for `neo4j-admin database import`.
    Neo4j,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSummary {
    pub files: Vec<PathBuf>,
    pub entities: usize,
    pub relations: usize,
}

/// The GraphML file's name.
pub const GRAPHML_FILE: &str = "innograph.graphml";
/// The Neo4j files' names.
pub const NEO4J_NODES_FILE: &str = "nodes.csv";
pub const NEO4J_RELATIONSHIPS_FILE: &str = "relationships.csv";

/// Separator of the values of a multi-valued field (aliases, industries):
/// the array delimiter `neo4j-admin` expects by default.
const LIST_SEPARATOR: &str = ";";

/// Writes the live entities and relations of `graph` into `out_dir`
/// (created if missing) in `format`.
pub fn export(graph: &KnowledgeGraph, format: ExportFormat, out_dir: &Path) -> Result<ExportSummary> {
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let entities = graph.entity_count();
    let relations = graph.relation_count();
    let files = match format {
        ExportFormat::GraphMl => {
            let path = out_dir.join(GRAPHML_FILE);
            crate::store::write_durably_with(&path, |out| write_graphml(graph, out, &path))?;
            vec![path]
        }
        ExportFormat::Neo4j => {
            let nodes = out_dir.join(NEO4J_NODES_FILE);
            crate::store::write_durably_with(&nodes, |out| write_neo4j_nodes(graph, out, &nodes))?;
            let links = out_dir.join(NEO4J_RELATIONSHIPS_FILE);
            crate::store::write_durably_with(&links, |out| write_neo4j_relationships(graph, out, &links))?;
            vec![nodes, links]
        }
    };
    tracing::info!(?format, entities, relations, "graph exported");
    Ok(ExportSummary {
        files,
        entities,
        relations,
    })
}

/// Every live entity's full record, in table order.
fn entities(graph: &KnowledgeGraph) -> impl Iterator<Item = Result<Entity>> + '_ {
    graph.live_positions().map(|i| graph.entity_record(i))
}

/// Every relation's full record.
fn relations(graph: &KnowledgeGraph) -> impl Iterator<Item = Result<Relation>> + '_ {
    graph
        .relation_list()
        .map(|(r, from, to)| graph.relation_between(r, from, to))
}

fn evidence_text(relation: &Relation) -> String {
    if relation.evidence.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&relation.evidence).unwrap_or_default()
    }
}

/// The GraphML attributes: (key id, element, name, type).
const GRAPHML_KEYS: &[(&str, &str, &str, &str)] = &[
    ("n_kind", "node", "kind", "string"),
    ("n_name", "node", "name", "string"),
    ("n_aliases", "node", "aliases", "string"),
    ("n_description", "node", "description", "string"),
    ("n_industry", "node", "industry", "string"),
    ("n_location", "node", "location", "string"),
    ("n_props", "node", "props", "string"),
    ("e_kind", "edge", "kind", "string"),
    ("e_since", "edge", "since", "string"),
    ("e_amount", "edge", "amount", "double"),
    ("e_unit", "edge", "unit", "string"),
    ("e_props", "edge", "props", "string"),
    ("e_evidence", "edge", "evidence", "string"),
];

fn write_graphml(graph: &KnowledgeGraph, out: &mut impl Write, path: &Path) -> Result<()> {
    let io = |e| Error::io(path, e);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#).map_err(io)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )
    .map_err(io)?;
    for (id, element, name, kind) in GRAPHML_KEYS {
        writeln!(
            out,
            r#"  <key id="{id}" for="{element}" attr.name="{name}" attr.type="{kind}"/>"#
        )
        .map_err(io)?;
    }
    writeln!(out, r#"  <graph id="innograph" edgedefault="directed">"#).map_err(io)?;
    let data = |out: &mut dyn Write, key: &str, value: &str| -> std::io::Result<()> {
        if value.is_empty() {
            return Ok(());
        }
        write!(out, r#"<data key="{key}">{}</data>"#, escape(value))
    };
    for entity in entities(graph) {
        let entity = entity?;
        write!(out, r#"    <node id="{}">"#, escape(entity.id.as_str())).map_err(io)?;
        data(out, "n_kind", &entity.kind.to_string()).map_err(io)?;
        data(out, "n_name", &entity.name).map_err(io)?;
        data(out, "n_aliases", &entity.aliases.join(LIST_SEPARATOR)).map_err(io)?;
        data(out, "n_description", &entity.description).map_err(io)?;
        data(out, "n_industry", &entity.industry.join(LIST_SEPARATOR)).map_err(io)?;
        data(out, "n_location", &entity.location).map_err(io)?;
        data(out, "n_props", &props_text(&entity.props)).map_err(io)?;
        writeln!(out, "</node>").map_err(io)?;
    }
    for relation in relations(graph) {
        let relation = relation?;
        write!(
            out,
            r#"    <edge source="{}" target="{}">"#,
            escape(relation.from.as_str()),
            escape(relation.to.as_str())
        )
        .map_err(io)?;
        data(out, "e_kind", &relation.kind.to_string()).map_err(io)?;
        data(out, "e_since", relation.since.as_deref().unwrap_or("")).map_err(io)?;
        let amount = relation.amount.map(|a| a.to_string()).unwrap_or_default();
        data(out, "e_amount", &amount).map_err(io)?;
        data(out, "e_unit", relation.unit.as_deref().unwrap_or("")).map_err(io)?;
        data(out, "e_props", &props_text(&relation.props)).map_err(io)?;
        data(out, "e_evidence", &evidence_text(&relation)).map_err(io)?;
        writeln!(out, "</edge>").map_err(io)?;
    }
    writeln!(out, "  </graph>\n</graphml>").map_err(io)?;
    Ok(())
}

/// A Neo4j label for an entity kind: `enterprise` → `Enterprise`.
pub fn neo4j_label(kind: EntityKind) -> String {
    kind.to_string()
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A Neo4j relationship type for a relation kind: `located_in` →
/// `LOCATED_IN`.
pub fn neo4j_type(kind: RelationKind) -> String {
    kind.to_string().to_uppercase()
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        other => Error::Serialization(format!("{}: {other:?}", path.display())),
    }
}

fn write_neo4j_nodes(graph: &KnowledgeGraph, out: &mut impl Write, path: &Path) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let fail = |e| csv_error(path, e);
    writer
        .write_record([
            "id:ID",
            ":LABEL",
            "name",
            "aliases:string[]",
            "description",
            "industry:string[]",
            "location",
            "props",
        ])
        .map_err(fail)?;
    for entity in entities(graph) {
        let entity = entity?;
        writer
            .write_record([
                entity.id.as_str(),
                &neo4j_label(entity.kind),
                &entity.name,
                &entity.aliases.join(LIST_SEPARATOR),
                &entity.description,
                &entity.industry.join(LIST_SEPARATOR),
                &entity.location,
                &props_text(&entity.props),
            ])
            .map_err(fail)?;
    }
    writer.flush().map_err(|e| Error::io(path, e))
}

fn write_neo4j_relationships(graph: &KnowledgeGraph, out: &mut impl Write, path: &Path) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let fail = |e| csv_error(path, e);
    writer
        .write_record([
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "since",
            "amount:double",
            "unit",
            "props",
            "evidence",
        ])
        .map_err(fail)?;
    for relation in relations(graph) {
        let relation = relation?;
        writer
            .write_record([
                relation.from.as_str(),
                relation.to.as_str(),
                &neo4j_type(relation.kind),
                relation.since.as_deref().unwrap_or(""),
                &relation.amount.map(|a| a.to_string()).unwrap_or_default(),
                relation.unit.as_deref().unwrap_or(""),
                &props_text(&relation.props),
                &evidence_text(&relation),
            ])
            .map_err(fail)?;
    }
    writer.flush().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neo4j_names_of_kinds() {
        assert_eq!(neo4j_label(EntityKind::Enterprise), "Enterprise");
        assert_eq!(neo4j_type(RelationKind::LocatedIn), "LOCATED_IN");
        assert_eq!(neo4j_type(RelationKind::HoldsEquityIn), "HOLDS_EQUITY_IN");
    }
}

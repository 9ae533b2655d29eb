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
            crate::durable::write_durably_with(&path, |out| write_graphml(graph, out, &path))?;
            vec![path]
        }
        ExportFormat::Neo4j => {
            let nodes = out_dir.join(NEO4J_NODES_FILE);
            crate::durable::write_durably_with(&nodes, |out| write_neo4j_nodes(graph, out, &nodes))?;
            let links = out_dir.join(NEO4J_RELATIONSHIPS_FILE);
            crate::durable::write_durably_with(&links, |out| write_neo4j_relationships(graph, out, &links))?;
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

/// What an export writes of an entity besides its id and kind, in order:
/// (name, Neo4j type), the values from [`entity_values`].
const ENTITY_FIELDS: [(&str, &str); 6] = [
    ("name", "string"),
    ("aliases", "string[]"),
    ("description", "string"),
    ("industry", "string[]"),
    ("location", "string"),
    ("props", "string"),
];

fn entity_values(entity: &Entity) -> [String; 6] {
    [
        entity.name.clone(),
        entity.aliases.join(LIST_SEPARATOR),
        entity.description.clone(),
        entity.industry.join(LIST_SEPARATOR),
        entity.location.clone(),
        props_text(&entity.props),
    ]
}

/// What an export writes of a relation besides its ends and kind, in
/// order: (name, Neo4j type), the values from [`relation_values`].
const RELATION_FIELDS: [(&str, &str); 5] = [
    ("since", "string"),
    ("amount", "double"),
    ("unit", "string"),
    ("props", "string"),
    ("evidence", "string"),
];

fn relation_values(relation: &Relation) -> [String; 5] {
    [
        relation.since.clone().unwrap_or_default(),
        relation.amount.map(|a| a.to_string()).unwrap_or_default(),
        relation.unit.clone().unwrap_or_default(),
        props_text(&relation.props),
        evidence_text(relation),
    ]
}

fn write_graphml(graph: &KnowledgeGraph, out: &mut impl Write, path: &Path) -> Result<()> {
    let io = |e| Error::io(path, e);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#).map_err(io)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )
    .map_err(io)?;
    // keys `n_<name>` for nodes and `e_<name>` for edges; lists are joined
    let node_keys = std::iter::once(("kind", "string")).chain(ENTITY_FIELDS);
    let edge_keys = std::iter::once(("kind", "string")).chain(RELATION_FIELDS);
    for (element, prefix, keys) in [
        ("node", "n", node_keys.collect::<Vec<_>>()),
        ("edge", "e", edge_keys.collect()),
    ] {
        for (name, kind) in keys {
            let kind = if kind == "double" { "double" } else { "string" };
            writeln!(
                out,
                r#"  <key id="{prefix}_{name}" for="{element}" attr.name="{name}" attr.type="{kind}"/>"#
            )
            .map_err(io)?;
        }
    }
    writeln!(out, r#"  <graph id="innograph" edgedefault="directed">"#).map_err(io)?;
    let data = |out: &mut dyn Write, prefix: &str, fields: &[(&str, &str)], kind: &str, values: &[String]| {
        let pairs = std::iter::once(("kind", kind)).chain(
            fields
                .iter()
                .map(|&(name, _)| name)
                .zip(values.iter().map(String::as_str)),
        );
        for (name, value) in pairs.filter(|(_, value)| !value.is_empty()) {
            write!(out, r#"<data key="{prefix}_{name}">{}</data>"#, escape(value))?;
        }
        std::io::Result::Ok(())
    };
    for entity in entities(graph) {
        let entity = entity?;
        write!(out, r#"    <node id="{}">"#, escape(entity.id.as_str())).map_err(io)?;
        data(out, "n", &ENTITY_FIELDS, entity.kind.as_str(), &entity_values(&entity)).map_err(io)?;
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
        data(
            out,
            "e",
            &RELATION_FIELDS,
            relation.kind.as_str(),
            &relation_values(&relation),
        )
        .map_err(io)?;
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

/// A CSV file for `neo4j-admin`: the columns `keys` (its id, label and
/// type columns) then `fields` (typed unless strings), and `rows`.
fn write_neo4j_csv<const N: usize>(
    out: &mut impl Write,
    path: &Path,
    keys: &[&str],
    fields: &[(&str, &str)],
    rows: impl Iterator<Item = Result<(Vec<String>, [String; N])>>,
) -> Result<()> {
    let fail = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        other => Error::Serialization(format!("{}: {other:?}", path.display())),
    };
    let mut writer = csv::Writer::from_writer(out);
    let typed = fields.iter().map(|&(name, kind)| {
        if kind == "string" {
            name.to_string()
        } else {
            format!("{name}:{kind}")
        }
    });
    let header: Vec<String> = keys.iter().map(|k| k.to_string()).chain(typed).collect();
    writer.write_record(&header).map_err(fail)?;
    for row in rows {
        let (keys, values) = row?;
        writer.write_record(keys.iter().chain(&values)).map_err(fail)?;
    }
    writer.flush().map_err(|e| Error::io(path, e))
}

fn write_neo4j_nodes(graph: &KnowledgeGraph, out: &mut impl Write, path: &Path) -> Result<()> {
    let rows = entities(graph).map(|entity| {
        let entity = entity?;
        Ok((
            vec![entity.id.clone(), neo4j_label(entity.kind)],
            entity_values(&entity),
        ))
    });
    write_neo4j_csv(out, path, &["id:ID", ":LABEL"], &ENTITY_FIELDS, rows)
}

fn write_neo4j_relationships(graph: &KnowledgeGraph, out: &mut impl Write, path: &Path) -> Result<()> {
    let rows = relations(graph).map(|relation| {
        let relation = relation?;
        let keys = vec![relation.from.clone(), relation.to.clone(), neo4j_type(relation.kind)];
        Ok((keys, relation_values(&relation)))
    });
    write_neo4j_csv(out, path, &[":START_ID", ":END_ID", ":TYPE"], &RELATION_FIELDS, rows)
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

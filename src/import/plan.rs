//! Rows to changes: every row of a spreadsheet read through its mapping,
//! its cells converted, the names it gives resolved against the graph (or
//! entities made for them), and the whole held to the corpus rules, before
//! anything is written. This file owns the reading of rows, the linking
//! rules and the [`ImportPlan`]; it writes nothing (see `write`).
//!
//! Linking, in order:
//! - a row's entity is the graph's entity with the row's id, or else, for
//!   kinds whose names identify them (not people or patents), the one
//!   entity of its kind that has the row's name or an alias as a name;
//!   otherwise it is new;
//! - a cell's name is the one entity of the column's kinds holding it as a
//!   name or alias (among the graph's and those the import makes); a
//!   person only when the graph has exactly one person of that name; a
//!   name several entities hold is a bad row, listing them;
//! - otherwise the column's `missing` says: a new entity (`auto`), no
//!   link, or a bad row. A new person's id is made from the name and the
//!   row's organisation.
//!
//! What the graph already has is completed, not overwritten, unless an
//! import wrote it (`props.source`): a curated profile keeps its
//! description and facts, and gains the row's where it has none.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::decode::{self, clean_header};
use super::ids;
use super::mapping::{BlankId, Convert, End, Field, KindSpec, Mapping, Missing, RelationMapping, DEFAULT_SEPARATORS};
use super::rows::{parse_amount, parse_date, parse_integer, parse_number, split_values};
use crate::corpus::rules::{check_entity, check_relation, clean_name};
use crate::graph::KnowledgeGraph;
use crate::model::{Change, Entity, EntityKind, Relation, RelationKind};
use crate::text::normalize;
use crate::{Error, Result};

/// A spreadsheet to import: its bytes, the name it goes by (in messages
/// and `source` props) and an encoding that overrides the mapping's.
#[derive(Debug, Clone)]
pub struct CsvInput {
    pub file: String,
    pub bytes: Vec<u8>,
    pub encoding: Option<super::mapping::Encoding>,
}

impl CsvInput {
    /// Reads the file at `path`.
    pub fn read(path: &std::path::Path, encoding: Option<super::mapping::Encoding>) -> Result<CsvInput> {
        Ok(CsvInput {
            file: super::mapping::display_name(path),
            bytes: std::fs::read(path).map_err(|e| Error::io(path, e))?,
            encoding,
        })
    }
}

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub file: String,
    /// 1-based line the row starts on.
    pub line: usize,
    /// The column at fault, when there is one.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let Some(column) = &self.column {
            write!(f, "column {column}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// New and updated records of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub new: usize,
    pub updated: usize,
}

/// What a plan writes, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanCounts {
    /// Entities to write, by kind.
    pub entities: BTreeMap<String, KindCount>,
    /// Relations to write, by kind.
    pub relations: BTreeMap<String, KindCount>,
    /// Entities made for names the graph does not have (marked `auto`).
    pub auto_created: usize,
    /// Names in cells that resolved to entities the graph has.
    pub linked: usize,
    /// Names left unlinked by a column's `missing = "skip"`.
    pub skipped_names: usize,
    /// Records the graph already holds as the rows give them.
    pub unchanged: usize,
}

/// What importing a spreadsheet would do: the changes, in an order that
/// writes every entity before the relations that name it, and the bad
/// rows, which contribute nothing.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub file: String,
    /// The encoding the file was read in.
    pub encoding: &'static str,
    /// Data rows read (blank rows left out).
    pub rows: usize,
    pub bad_rows: usize,
    pub changes: Vec<Change>,
    pub problems: Vec<RowProblem>,
    pub counts: PlanCounts,
}

/// What an import did or would do, as `innograph import --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub encoding: &'static str,
    /// Data rows read (blank rows left out).
    pub rows: usize,
    pub bad_rows: usize,
    pub problems: Vec<RowProblem>,
    pub counts: PlanCounts,
    /// Changes the plan makes (the good rows').
    pub changes: usize,
    /// The first change of each operation and kind, to show what is
    /// written.
    pub sample: Vec<Change>,
    /// The names of the entities the sample's relations link, by id.
    pub names: BTreeMap<String, String>,
    pub dry_run: bool,
    /// What was written: `null` for a dry run, or an import refused for
    /// its bad rows.
    pub written: Option<super::ImportReceipt>,
}

impl ImportPlan {
    /// The report of this plan, with up to `sample` changes shown (the
    /// entities they link named from the plan, or else from `graph`).
    pub fn report(&self, graph: &KnowledgeGraph, sample: usize, dry_run: bool) -> ImportReport {
        let mut seen = std::collections::HashSet::new();
        let shown: Vec<Change> = self
            .changes
            .iter()
            .filter(|change| {
                let key = match change {
                    Change::PutEntity { entity } => ("entity", entity.kind.as_str()),
                    Change::PutRelation { relation } => ("relation", relation.kind.as_str()),
                    _ => ("other", ""),
                };
                seen.insert(key)
            })
            .take(sample)
            .cloned()
            .collect();
        let mut names = BTreeMap::new();
        for change in &shown {
            if let Change::PutRelation { relation } = change {
                names.insert(relation.from.clone(), String::new());
                names.insert(relation.to.clone(), String::new());
            }
        }
        for change in &self.changes {
            if let Change::PutEntity { entity } = change {
                if let Some(name) = names.get_mut(&entity.id) {
                    name.clone_from(&entity.name);
                }
            }
        }
        for (id, name) in names.iter_mut().filter(|(_, name)| name.is_empty()) {
            if let Some(position) = graph.position_of_id(id) {
                *name = graph.entity_at(position).name.to_string();
            }
        }
        ImportReport {
            file: self.file.clone(),
            encoding: self.encoding,
            rows: self.rows,
            bad_rows: self.bad_rows,
            problems: self.problems.clone(),
            counts: self.counts.clone(),
            changes: self.changes.len(),
            sample: shown,
            names,
            dry_run,
            written: None,
        }
    }
}

/// Reads `csv` through `mapping` against `graph`: see the module
/// documentation.
///
/// Fails with [`Error::InvalidCsv`] when the file is not a text table (not
/// text in its encoding, binary data, a quote never closed, a row over a
/// megabyte, no header row) and with [`Error::InvalidMapping`] when the
/// mapping names a column the header lacks or has twice. Bad rows are no
/// error: they are the plan's `problems`.
pub fn plan(csv: &CsvInput, mapping: &Mapping, graph: &KnowledgeGraph) -> Result<ImportPlan> {
    let started = std::time::Instant::now();
    let encoding = csv
        .encoding
        .or(mapping.csv.encoding)
        .unwrap_or(super::mapping::Encoding::Auto);
    let decoded = decode::decode(&csv.bytes, encoding, &csv.file)?;
    let delimiter = mapping.csv.delimiter.map_or(b',', |c| c as u8);
    decode::check_rows(&decoded.text, delimiter, &csv.file)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(decoded.text.as_bytes());
    let mut record = csv::StringRecord::new();
    let bad_file = |line: usize, message: String| Error::InvalidCsv {
        file: csv.file.clone(),
        line,
        message,
    };
    let header_row = mapping.csv.header_row.unwrap_or(1);
    for row in 1..=header_row {
        let read = reader
            .read_record(&mut record)
            .map_err(|e| bad_file(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        if !read {
            let message = if row == 1 {
                "empty file: no header row".to_string()
            } else {
                format!("ends before row {header_row}, where the mapping says the header is")
            };
            return Err(bad_file(0, message));
        }
    }
    let header: Vec<String> = record.iter().map(|name| clean_header(name).to_string()).collect();
    let layout = Layout::new(mapping, &header, &csv.file)?;
    let mut planner = Planner::new(graph, mapping, &layout, &csv.file);
    let mut lines = LineCounter::new(decoded.text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| lines.line_of(p.byte() as usize));
                planner.row(&record, line);
            }
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, |p| lines.line_of(p.byte() as usize));
                return Err(bad_file(line, error.to_string()));
            }
        }
    }
    let plan = planner.finish(decoded.encoding);
    tracing::info!(
        file = %plan.file,
        rows = plan.rows,
        bad_rows = plan.bad_rows,
        changes = plan.changes.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import planned"
    );
    Ok(plan)
}

/// Line numbers of record starts, counted as the records come (the `csv`
/// crate's own count is one short after a `\r\n` line end, and its byte
/// offset of a record may point at the end of the line before it).
struct LineCounter<'t> {
    text: &'t [u8],
    counted_to: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t [u8]) -> Self {
        LineCounter {
            text,
            counted_to: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record starting at byte `offset` (offsets
    /// asked for in increasing order).
    fn line_of(&mut self, offset: usize) -> usize {
        let mut start = offset.min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.counted_to {
            self.line += self.text[self.counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted_to = start;
        }
        self.line
    }
}

/// A mapping field placed on the header: the column's position.
struct Placed<'m> {
    index: usize,
    field: &'m Field,
}

/// A relation column placed on the header.
struct PlacedRelation<'m> {
    mapping: &'m RelationMapping,
    index: usize,
    since: Option<Placed<'m>>,
    amount: Option<Placed<'m>>,
    props: Vec<(&'m str, Placed<'m>)>,
}

/// The mapping placed on a header: every column it reads, by position.
struct Layout<'m> {
    header: &'m [String],
    kind_column: Option<usize>,
    id_column: Option<usize>,
    name: Placed<'m>,
    aliases: Vec<Placed<'m>>,
    description: Option<Placed<'m>>,
    industry: Option<Placed<'m>>,
    location: Option<Placed<'m>>,
    organisation: Option<usize>,
    props: Vec<(&'m str, Placed<'m>)>,
    relations: Vec<PlacedRelation<'m>>,
}

impl<'m> Layout<'m> {
    /// Places `mapping` on `header`, failing with [`Error::InvalidMapping`]
    /// for a column the header lacks or has twice.
    fn new(mapping: &'m Mapping, header: &'m [String], csv_file: &str) -> Result<Layout<'m>> {
        let mut positions: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, name) in header.iter().enumerate() {
            positions.entry(name.as_str()).or_default().push(index);
        }
        for (key, column) in mapping.columns() {
            let wanted = clean_header(column);
            let message =
                match positions.get(wanted).map(Vec::as_slice) {
                    Some([_]) => continue,
                    Some(several) => {
                        format!(
                    "column `{wanted}` is in the header of {csv_file} {} times (columns {}): rename all but one",
                    several.len(),
                    several.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
                )
                    }
                    None => {
                        let named: Vec<&str> = header.iter().map(String::as_str).filter(|n| !n.is_empty()).collect();
                        format!(
                            "column `{wanted}` is not in the header of {csv_file} (its columns: {})",
                            named.join(", ")
                        )
                    }
                };
            return Err(Error::InvalidMapping {
                file: mapping.file.clone(),
                line: 0,
                key: Some(key),
                message,
            });
        }
        let at = |column: &str| positions[clean_header(column)][0];
        let placed = |field: &'m Field| Placed {
            index: at(&field.column),
            field,
        };
        let entity = &mapping.entity;
        Ok(Layout {
            header,
            kind_column: match &entity.kind {
                KindSpec::Column { column, .. } => Some(at(column)),
                KindSpec::Fixed(_) => None,
            },
            id_column: entity.id.as_ref().and_then(|id| id.column.as_deref()).map(at),
            name: placed(&entity.name),
            aliases: entity.aliases.iter().map(placed).collect(),
            description: entity.description.as_ref().map(placed),
            industry: entity.industry.as_ref().map(placed),
            location: entity.location.as_ref().map(placed),
            organisation: entity.organisation.as_deref().map(at),
            props: entity
                .props
                .iter()
                .map(|(key, field)| (key.as_str(), placed(field)))
                .collect(),
            relations: mapping
                .relations
                .iter()
                .map(|relation| PlacedRelation {
                    mapping: relation,
                    index: at(&relation.column),
                    since: relation.since.as_ref().map(placed),
                    amount: relation.amount.as_ref().map(placed),
                    props: relation
                        .props
                        .iter()
                        .map(|(key, field)| (key.as_str(), placed(field)))
                        .collect(),
                })
                .collect(),
        })
    }

    fn column_name(&self, index: usize) -> &str {
        &self.header[index]
    }
}

/// Whether names identify entities of this kind: two people, or two
/// patents, may have one name; two companies may not.
fn names_identify(kind: EntityKind) -> bool {
    !matches!(kind, EntityKind::Person | EntityKind::Patent)
}

/// An entity the plan writes.
#[derive(Debug, Clone)]
struct Planned {
    entity: Entity,
    /// Whether the graph has it (so writing it is an update).
    in_graph: bool,
    /// Whether a row describes it (rather than a cell naming it).
    from_row: bool,
}

/// A relation the plan writes, before it is compared with the graph's.
#[derive(Debug, Clone)]
struct PlannedRelation {
    relation: Relation,
}

/// What the plan produces, in the order it first produced it.
#[derive(Debug, Clone, Copy)]
enum Item {
    Entity(usize),
    Relation(usize),
}

/// The accepted rows so far.
struct Planner<'a> {
    graph: &'a KnowledgeGraph,
    mapping: &'a Mapping,
    layout: &'a Layout<'a>,
    file: &'a str,
    separators: &'a str,
    entities: Vec<Planned>,
    entity_slots: HashMap<String, usize>,
    relations: Vec<PlannedRelation>,
    relation_slots: HashMap<(String, RelationKind, String), usize>,
    order: Vec<Item>,
    /// Normalised names of the planned entities, and which hold them.
    names: HashMap<String, Vec<usize>>,
    problems: Vec<RowProblem>,
    rows: usize,
    bad_rows: usize,
    linked: usize,
    skipped_names: usize,
}

/// A row being read: what it adds, kept apart until the row is known to
/// be good.
#[derive(Default)]
struct Row {
    line: usize,
    problems: Vec<(Option<String>, String)>,
    entities: Vec<Planned>,
    relations: Vec<Relation>,
    linked: usize,
    skipped_names: usize,
}

impl Row {
    fn problem(&mut self, column: Option<&str>, message: impl Into<String>) {
        self.problems.push((column.map(str::to_string), message.into()));
    }

    /// The entity this row has staged with `id`.
    fn staged(&self, id: &str) -> Option<&Planned> {
        self.entities.iter().find(|planned| planned.entity.id == id)
    }
}

/// Where the plan stands on an entity id.
enum Known<'p> {
    Planned(&'p Planned),
    Graph(Entity),
    Unknown,
}

impl<'a> Planner<'a> {
    fn new(graph: &'a KnowledgeGraph, mapping: &'a Mapping, layout: &'a Layout<'a>, file: &'a str) -> Planner<'a> {
        Planner {
            graph,
            mapping,
            layout,
            file,
            separators: mapping.csv.separators.as_deref().unwrap_or(DEFAULT_SEPARATORS),
            entities: Vec::new(),
            entity_slots: HashMap::new(),
            relations: Vec::new(),
            relation_slots: HashMap::new(),
            order: Vec::new(),
            names: HashMap::new(),
            problems: Vec::new(),
            rows: 0,
            bad_rows: 0,
            linked: 0,
            skipped_names: 0,
        }
    }

    fn source(&self, line: usize) -> String {
        format!("{}:{line}", self.file)
    }

    /// What the plan or the graph holds under `id` (the row's staged
    /// entities first).
    fn known<'p>(&'p self, row: &'p Row, id: &str) -> Result<Known<'p>> {
        if let Some(planned) = row.staged(id) {
            return Ok(Known::Planned(planned));
        }
        if let Some(&slot) = self.entity_slots.get(id) {
            return Ok(Known::Planned(&self.entities[slot]));
        }
        match self.graph.position_of_id(id) {
            Some(position) => Ok(Known::Graph(self.graph.entity_record(position)?)),
            None => Ok(Known::Unknown),
        }
    }

    /// Reads one record; a bad row is listed and adds nothing.
    fn row(&mut self, record: &csv::StringRecord, line: usize) {
        if record.iter().all(|cell| cell.trim().is_empty()) {
            return;
        }
        self.rows += 1;
        let mut row = Row { line, ..Row::default() };
        let width = self.layout.header.len();
        if record.len() > width && record.iter().skip(width).any(|cell| !cell.trim().is_empty()) {
            row.problem(
                None,
                format!(
                    "{} cells, but the header has {width} columns (a comma inside a cell that is not quoted?)",
                    record.len()
                ),
            );
        }
        if row.problems.is_empty() {
            if let Err(error) = self.read_row(record, &mut row) {
                row.problem(None, format!("cannot be read against the graph: {error}"));
            }
        }
        if row.problems.is_empty() {
            self.accept(row);
        } else {
            self.bad_rows += 1;
            for (column, message) in row.problems {
                self.problems.push(RowProblem {
                    file: self.file.to_string(),
                    line,
                    column,
                    message,
                });
            }
        }
    }

    /// Reads a row's entity and links into `row`.
    fn read_row(&self, record: &csv::StringRecord, row: &mut Row) -> Result<()> {
        let Some(entity) = self.row_entity(record, row)? else {
            return Ok(());
        };
        let organisation = self
            .layout
            .organisation
            .and_then(|index| {
                split_values(cell(record, index), self.separators)
                    .first()
                    .map(|s| clean_name(s))
            })
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| clean_name(cell(record, self.layout.name.index)));
        let row_id = entity.id.clone();
        for relation in &self.layout.relations {
            self.row_relations(record, relation, &row_id, &organisation, row)?;
        }
        Ok(())
    }

    /// The row's entity, staged in `row`; `None` when the row is bad.
    fn row_entity(&self, record: &csv::StringRecord, row: &mut Row) -> Result<Option<Entity>> {
        let layout = self.layout;
        let entity_mapping = &self.mapping.entity;
        let kind = match (&entity_mapping.kind, layout.kind_column) {
            (KindSpec::Fixed(kind), _) => Some(*kind),
            (KindSpec::Column { values, .. }, Some(index)) => {
                let text = cell(record, index);
                let column = Some(layout.column_name(index));
                match values
                    .get(text)
                    .copied()
                    .map(Ok)
                    .unwrap_or_else(|| text.parse::<EntityKind>())
                {
                    Ok(EntityKind::Document) => {
                        row.problem(
                            column,
                            "`document` rows are not imported (articles go through `ingest`)",
                        );
                        None
                    }
                    Ok(kind) => Some(kind),
                    Err(_) if text.is_empty() => {
                        row.problem(column, "empty: the row's kind is read from this column");
                        None
                    }
                    Err(message) => {
                        row.problem(
                            column,
                            format!("{message}; or list the value under `values` of entity.kind in the mapping"),
                        );
                        None
                    }
                }
            }
            (KindSpec::Column { .. }, None) => None,
        };
        let name_column = Some(layout.column_name(layout.name.index));
        let name = clean_name(cell(record, layout.name.index));
        if name.is_empty() {
            row.problem(name_column, "empty: every row needs a name");
        }
        let mut aliases = Vec::new();
        for alias in &layout.aliases {
            let values = self.cell_values(record, alias, true, row);
            aliases.extend(values.into_iter().map(|value| clean_name(&value)));
        }
        let description = self.text(record, layout.description.as_ref(), row);
        let location = self.text(record, layout.location.as_ref(), row);
        let industry = match &layout.industry {
            Some(placed) => self.cell_values(record, placed, true, row),
            None => Vec::new(),
        };
        let mut props = Map::new();
        for (key, placed) in &layout.props {
            self.prop(record, key, placed, &mut props, row);
        }
        let Some(kind) = kind else {
            return Ok(None);
        };
        if name.is_empty() {
            return Ok(None);
        }
        let Some(id) = self.row_id(record, kind, &name, row) else {
            return Ok(None);
        };
        if !row.problems.is_empty() {
            return Ok(None);
        }
        let line = row.line;
        let row_values = RowValues {
            name: name.clone(),
            aliases,
            description,
            industry,
            location,
            props,
        };
        // the entity the row describes: by id, or by name for kinds whose
        // names identify them
        let existing = match self.known(row, &id)? {
            Known::Planned(planned) => Some((planned.entity.clone(), planned.in_graph)),
            Known::Graph(entity) => Some((entity, true)),
            Known::Unknown if names_identify(kind) => self.by_name(row, kind, &row_values, &id)?,
            Known::Unknown => None,
        };
        let (mut entity, in_graph) = match existing {
            Some((existing, in_graph)) => {
                if existing.kind != kind {
                    row.problem(
                        name_column,
                        format!(
                            "`{}` is a {} ({}) in the graph, but this row says {} ({})",
                            existing.id,
                            existing.kind,
                            existing.kind.label(),
                            kind,
                            kind.label()
                        ),
                    );
                    return Ok(None);
                }
                (merged(existing, row_values, &self.source(line)), in_graph)
            }
            None => {
                let mut props = row_values.props;
                props.insert("source".into(), Value::String(self.source(line)));
                let entity = Entity {
                    id,
                    kind,
                    name: row_values.name,
                    aliases: row_values.aliases,
                    description: row_values.description,
                    industry: row_values.industry,
                    location: row_values.location,
                    props,
                };
                (entity, false)
            }
        };
        for (field, message) in check_entity(&mut entity) {
            row.problem(name_column.filter(|_| field == "name"), format!("{field}: {message}"));
        }
        if names_identify(kind) {
            self.check_names_free(&entity, row, name_column);
        }
        if !row.problems.is_empty() {
            return Ok(None);
        }
        row.entities.push(Planned {
            entity: entity.clone(),
            in_graph,
            from_row: true,
        });
        Ok(Some(entity))
    }

    /// The id of a row: its code with the prefix, or a hash of its name.
    fn row_id(&self, record: &csv::StringRecord, kind: EntityKind, name: &str, row: &mut Row) -> Option<String> {
        let spec = self.mapping.entity.id.clone().unwrap_or_default();
        let prefix = spec.prefix.as_deref().unwrap_or(ids::default_prefix(kind));
        let Some(index) = self.layout.id_column else {
            return Some(ids::name_id(prefix, kind, name));
        };
        let code = cell(record, index);
        if !code.is_empty() {
            return Some(ids::code_id(prefix, code));
        }
        match spec.blank {
            BlankId::Name => Some(ids::name_id(prefix, kind, name)),
            BlankId::Error => {
                row.problem(
                    Some(self.layout.column_name(index)),
                    "empty: the row's id is made from it (or write `blank = \"name\"` in entity.id of the mapping to use a hash of the name)",
                );
                None
            }
        }
    }

    /// The entity of `kind` that has one of the row's names, when exactly
    /// one has: the graph's (curated, or written by an earlier import) or
    /// one this import makes for a name. An entity an earlier row of this
    /// file describes under another id, or a name several entities hold,
    /// makes the row bad.
    fn by_name(&self, row: &mut Row, kind: EntityKind, values: &RowValues, id: &str) -> Result<Option<(Entity, bool)>> {
        let column = Some(self.layout.column_name(self.layout.name.index));
        let names = std::iter::once(&values.name).chain(&values.aliases);
        for name in names {
            let mut holders: Vec<Holder> = self.holders(row, name, |k| k == kind);
            holders.retain(|holder| holder.id != id);
            match holders.as_slice() {
                [] => continue,
                [single] => {
                    let (entity, in_graph) = match self.known(row, &single.id)? {
                        Known::Planned(planned) if planned.from_row => {
                            let source = planned.entity.props.get("source").and_then(Value::as_str);
                            row.problem(
                                column,
                                format!(
                                    "`{name}` is already the name of {} ({}, from {}); two rows of one name need one id",
                                    planned.entity.id,
                                    kind.label(),
                                    source.unwrap_or("another row")
                                ),
                            );
                            return Ok(None);
                        }
                        Known::Planned(planned) => (planned.entity.clone(), planned.in_graph),
                        Known::Graph(entity) => (entity, true),
                        Known::Unknown => continue,
                    };
                    return Ok(Some((entity, in_graph)));
                }
                several => {
                    row.problem(
                        column,
                        format!(
                            "`{name}` names {} entities of kind {kind}: {}",
                            several.len(),
                            describe_all(several)
                        ),
                    );
                    return Ok(None);
                }
            }
        }
        Ok(None)
    }

    /// Adds a problem for each name of `entity` another entity holds (in
    /// the graph or the plan).
    fn check_names_free(&self, entity: &Entity, row: &mut Row, column: Option<&str>) {
        for name in entity.names() {
            let others: Vec<Holder> = self
                .holders(row, name, |_| true)
                .into_iter()
                .filter(|holder| holder.id != entity.id)
                .collect();
            if !others.is_empty() {
                row.problem(
                    column,
                    format!(
                        "`{name}` is already a name of {}; give this entity another name or alias",
                        describe_all(&others)
                    ),
                );
            }
        }
    }

    /// The entities whose kind passes `wanted` and that hold `name` as
    /// their name or an alias: the graph's, the plan's and the row's
    /// (each once).
    fn holders(&self, row: &Row, name: &str, wanted: impl Fn(EntityKind) -> bool) -> Vec<Holder> {
        let mut holders: Vec<Holder> = Vec::new();
        let mut add = |holder: Holder| {
            if wanted(holder.kind) && !holders.iter().any(|h| h.id == holder.id) {
                holders.push(holder);
            }
        };
        for position in self.graph.name_holders(name) {
            let entity = self.graph.entity_at(position);
            add(Holder {
                id: entity.id.to_string(),
                kind: entity.kind,
                name: entity.name.to_string(),
                planned: false,
            });
        }
        let key = normalize(name.trim());
        let planned = self
            .names
            .get(&key)
            .into_iter()
            .flatten()
            .map(|&slot| &self.entities[slot]);
        let staged = row
            .entities
            .iter()
            .filter(|planned| planned.entity.names().any(|n| normalize(n) == key));
        for planned in planned.chain(staged) {
            add(Holder {
                id: planned.entity.id.clone(),
                kind: planned.entity.kind,
                name: planned.entity.name.clone(),
                planned: true,
            });
        }
        holders
    }

    /// The relations one relation column gives a row.
    fn row_relations(
        &self,
        record: &csv::StringRecord,
        placed: &PlacedRelation,
        row_id: &str,
        organisation: &str,
        row: &mut Row,
    ) -> Result<()> {
        let mapping = placed.mapping;
        let column = self.layout.column_name(placed.index);
        let separators = mapping.separators.as_deref().unwrap_or(self.separators);
        let text = cell(record, placed.index);
        let names: Vec<String> = if mapping.split.unwrap_or(true) {
            split_values(text, separators).into_iter().map(clean_name).collect()
        } else {
            vec![clean_name(text)]
        };
        let names: Vec<String> = names.into_iter().filter(|name| !name.is_empty()).collect();
        if names.is_empty() {
            if mapping.required {
                row.problem(Some(column), "empty: this column is required");
            }
            return Ok(());
        }
        let since = placed.since.as_ref().and_then(|since| {
            let text = cell(record, since.index);
            if text.is_empty() {
                return None;
            }
            parse_date(text)
                .map_err(|message| row.problem(Some(self.layout.column_name(since.index)), message))
                .ok()
        });
        let amount = placed.amount.as_ref().and_then(|amount| {
            let text = cell(record, amount.index);
            if text.is_empty() {
                return None;
            }
            parse_amount(text, amount.field.unit.as_deref())
                .map_err(|message| row.problem(Some(self.layout.column_name(amount.index)), message))
                .ok()
        });
        let mut props = Map::new();
        for (key, field) in &placed.props {
            self.prop(record, key, field, &mut props, row);
        }
        props.insert("source".into(), Value::String(self.source(row.line)));
        for name in names {
            let Some(other) = self.resolve(&name, mapping, organisation, row, column)? else {
                continue;
            };
            let (from, to) = match mapping.from_end() {
                End::Cell => (other, row_id.to_string()),
                End::Row => (row_id.to_string(), other),
            };
            let relation = Relation {
                from,
                to,
                kind: mapping.relation,
                since: since.clone(),
                amount: amount.as_ref().map(|(number, _)| *number),
                unit: amount.as_ref().and_then(|(_, unit)| unit.clone()),
                props: props.clone(),
                evidence: Vec::new(),
            };
            let problems = check_relation(&relation, |_| None);
            if problems.is_empty() {
                row.relations.push(relation);
            } else {
                for (_, message) in problems {
                    row.problem(Some(column), format!("`{name}`: {message}"));
                }
            }
        }
        Ok(())
    }

    /// The id a name in a relation column stands for (see the module
    /// documentation); `None` when it is left unlinked or the row is bad
    /// (the problem added).
    fn resolve(
        &self,
        name: &str,
        mapping: &RelationMapping,
        organisation: &str,
        row: &mut Row,
        column: &str,
    ) -> Result<Option<String>> {
        let allowed = |kind: EntityKind| mapping.kinds.is_empty() || mapping.kinds.contains(&kind);
        let holders = self.holders(row, name, allowed);
        // people of one name are not one person: a person is found by name
        // only when the graph has one of that name
        let graph_people: Vec<&Holder> = holders
            .iter()
            .filter(|h| h.kind == EntityKind::Person && !h.planned)
            .collect();
        let mut candidates: Vec<&Holder> = holders.iter().filter(|h| h.kind != EntityKind::Person).collect();
        if let [one] = graph_people.as_slice() {
            candidates.push(one);
        }
        match candidates.as_slice() {
            [one] => {
                row.linked += usize::from(!one.planned);
                return Ok(Some(one.id.clone()));
            }
            [] => {}
            several => {
                let candidates: Vec<Holder> = several.iter().map(|h| (*h).clone()).collect();
                row.problem(
                    Some(column),
                    format!(
                        "`{name}` names {} entities: {}; list the kind you mean in `kinds` of this column's mapping",
                        several.len(),
                        describe_all(&candidates)
                    ),
                );
                return Ok(None);
            }
        }
        let kind = match mapping.missing() {
            Missing::Skip => {
                row.skipped_names += 1;
                return Ok(None);
            }
            Missing::Error => {
                row.problem(
                    Some(column),
                    format!("`{name}` is not in the graph (this column links only to entities it has)"),
                );
                return Ok(None);
            }
            Missing::Create(kind) => kind,
            Missing::Guess => match ids::guess_kind(name) {
                Some(kind) if allowed(kind) => kind,
                Some(kind) => {
                    row.problem(
                        Some(column),
                        format!(
                            "`{name}` reads as the name of a {kind} ({}), which this column does not take (kinds: {})",
                            kind.label(),
                            mapping.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    );
                    return Ok(None);
                }
                None => mapping
                    .kinds
                    .iter()
                    .copied()
                    .find(|&kind| kind != EntityKind::Person)
                    .unwrap_or(EntityKind::Enterprise),
            },
        };
        let id = if kind == EntityKind::Person {
            ids::person_id(name, organisation)
        } else {
            ids::auto_id(kind, name)
        };
        match self.known(row, &id)? {
            Known::Planned(_) => return Ok(Some(id)),
            Known::Graph(_) => {
                row.linked += 1;
                return Ok(Some(id));
            }
            Known::Unknown => {}
        }
        let mut props = Map::new();
        props.insert("auto".into(), Value::Bool(true));
        props.insert("source".into(), Value::String(self.source(row.line)));
        let mut entity = Entity {
            id: id.clone(),
            kind,
            name: name.to_string(),
            aliases: Vec::new(),
            description: String::new(),
            industry: Vec::new(),
            location: String::new(),
            props,
        };
        for (field, message) in check_entity(&mut entity) {
            row.problem(Some(column), format!("`{name}`: {field}: {message}"));
        }
        if names_identify(kind) {
            // a name held by entities of kinds this column does not take
            self.check_names_free(&entity, row, Some(column));
        }
        if !row.problems.is_empty() {
            return Ok(None);
        }
        row.entities.push(Planned {
            entity,
            in_graph: false,
            from_row: false,
        });
        Ok(Some(id))
    }

    /// The text of an optional single-valued field.
    fn text(&self, record: &csv::StringRecord, placed: Option<&Placed>, row: &mut Row) -> String {
        let Some(placed) = placed else {
            return String::new();
        };
        let text = cell(record, placed.index);
        if text.is_empty() && placed.field.required {
            row.problem(
                Some(self.layout.column_name(placed.index)),
                "empty: this column is required",
            );
        }
        text.to_string()
    }

    /// The values of a field that may list several (split unless the
    /// field says not to, when `split_by_default`).
    fn cell_values(
        &self,
        record: &csv::StringRecord,
        placed: &Placed,
        split_by_default: bool,
        row: &mut Row,
    ) -> Vec<String> {
        let text = cell(record, placed.index);
        if text.is_empty() && placed.field.required {
            row.problem(
                Some(self.layout.column_name(placed.index)),
                "empty: this column is required",
            );
        }
        let split = placed.field.split.unwrap_or(split_by_default) || placed.field.convert == Convert::List;
        if split {
            let separators = placed.field.separators.as_deref().unwrap_or(self.separators);
            split_values(text, separators).into_iter().map(str::to_string).collect()
        } else if text.is_empty() {
            Vec::new()
        } else {
            vec![text.to_string()]
        }
    }

    /// Puts a prop's value under `key` (an amount's unit under
    /// `key_unit`); an empty cell puts nothing.
    fn prop(
        &self,
        record: &csv::StringRecord,
        key: &str,
        placed: &Placed,
        props: &mut Map<String, Value>,
        row: &mut Row,
    ) {
        let field = placed.field;
        let column = self.layout.column_name(placed.index);
        let text = cell(record, placed.index);
        if text.is_empty() {
            if field.required {
                row.problem(Some(column), "empty: this column is required");
            }
            return;
        }
        let value = match field.convert {
            Convert::Text if field.split != Some(true) => Ok(Value::String(text.to_string())),
            Convert::Text | Convert::List => {
                let values = self.cell_values(record, placed, true, row);
                Ok(Value::Array(values.into_iter().map(Value::String).collect()))
            }
            Convert::Date => parse_date(text).map(Value::String),
            Convert::Number => parse_number(text).map(|n| serde_json::json!(n)),
            Convert::Integer => parse_integer(text).map(|n| serde_json::json!(n)),
            Convert::Amount => parse_amount(text, field.unit.as_deref()).map(|(number, unit)| {
                if let Some(unit) = unit {
                    props.insert(format!("{key}_unit"), Value::String(unit));
                }
                serde_json::json!(number)
            }),
        };
        match value {
            Ok(value) => {
                props.insert(key.to_string(), value);
            }
            Err(message) => row.problem(Some(column), message),
        }
    }

    /// Takes a good row's records into the plan.
    fn accept(&mut self, row: Row) {
        self.linked += row.linked;
        self.skipped_names += row.skipped_names;
        for planned in row.entities {
            let id = planned.entity.id.clone();
            let slot = match self.entity_slots.get(&id) {
                Some(&slot) => {
                    // a later row of the same id: its record, built on the
                    // earlier one, replaces it
                    let earlier = &mut self.entities[slot];
                    earlier.entity = planned.entity;
                    earlier.from_row |= planned.from_row;
                    slot
                }
                None => {
                    let slot = self.entities.len();
                    self.entities.push(planned);
                    self.entity_slots.insert(id, slot);
                    self.order.push(Item::Entity(slot));
                    slot
                }
            };
            for name in self.entities[slot].entity.names() {
                let holders = self.names.entry(normalize(name.trim())).or_default();
                if !holders.contains(&slot) {
                    holders.push(slot);
                }
            }
        }
        for relation in row.relations {
            let key = (relation.from.clone(), relation.kind, relation.to.clone());
            match self.relation_slots.get(&key) {
                Some(&slot) => self.relations[slot].relation = relation,
                None => {
                    let slot = self.relations.len();
                    self.relations.push(PlannedRelation { relation });
                    self.relation_slots.insert(key, slot);
                    self.order.push(Item::Relation(slot));
                }
            }
        }
    }

    /// The plan: the records that change the graph, in order, counted.
    fn finish(self, encoding: &'static str) -> ImportPlan {
        let mut counts = PlanCounts {
            linked: self.linked,
            skipped_names: self.skipped_names,
            ..PlanCounts::default()
        };
        let mut changes = Vec::with_capacity(self.order.len());
        let mut entities: Vec<Option<Planned>> = self.entities.into_iter().map(Some).collect();
        let mut relations: Vec<Option<PlannedRelation>> = self.relations.into_iter().map(Some).collect();
        for item in self.order {
            match item {
                Item::Entity(slot) => {
                    let Some(planned) = entities[slot].take() else { continue };
                    let unchanged = planned.in_graph
                        && self
                            .graph
                            .position_of_id(&planned.entity.id)
                            .and_then(|position| self.graph.entity_record(position).ok())
                            .is_some_and(|stored| stored == planned.entity);
                    if unchanged {
                        counts.unchanged += 1;
                        continue;
                    }
                    if !planned.in_graph && planned.entity.props.contains_key("auto") {
                        counts.auto_created += 1;
                    }
                    let count = counts
                        .entities
                        .entry(planned.entity.kind.as_str().to_string())
                        .or_default();
                    if planned.in_graph {
                        count.updated += 1;
                    } else {
                        count.new += 1;
                    }
                    changes.push(Change::PutEntity { entity: planned.entity });
                }
                Item::Relation(slot) => {
                    let Some(planned) = relations[slot].take() else {
                        continue;
                    };
                    let relation = planned.relation;
                    let stored = self
                        .graph
                        .relation_record(&relation.from, &relation.to, relation.kind)
                        .ok()
                        .flatten();
                    let (relation, updated) = match stored {
                        Some(stored) => {
                            let merged = merged_relation(stored.clone(), relation);
                            if merged == stored {
                                counts.unchanged += 1;
                                continue;
                            }
                            (merged, true)
                        }
                        None => (relation, false),
                    };
                    let count = counts.relations.entry(relation.kind.as_str().to_string()).or_default();
                    if updated {
                        count.updated += 1;
                    } else {
                        count.new += 1;
                    }
                    changes.push(Change::PutRelation { relation });
                }
            }
        }
        ImportPlan {
            file: self.file.to_string(),
            encoding,
            rows: self.rows,
            bad_rows: self.bad_rows,
            changes,
            problems: self.problems,
            counts,
        }
    }
}

/// An entity holding a name, as linking sees it.
#[derive(Debug, Clone)]
struct Holder {
    id: String,
    kind: EntityKind,
    name: String,
    /// Whether the plan makes it (rather than the graph having it).
    planned: bool,
}

fn describe_all(holders: &[Holder]) -> String {
    holders
        .iter()
        .map(|h| format!("{} ({} {})", h.id, h.kind.label(), h.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cell's text, trimmed (a row shorter than the header has empty cells
/// at its end).
fn cell(record: &csv::StringRecord, index: usize) -> &str {
    record
        .get(index)
        .unwrap_or("")
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// What a row says of its entity.
struct RowValues {
    name: String,
    aliases: Vec<String>,
    description: String,
    industry: Vec<String>,
    location: String,
    props: Map<String, Value>,
}

/// `existing` with what a row says of it. An entity an import wrote
/// (`props.source`) takes the row's values: a new name (the old one kept
/// as an alias), profile, industries, location and props, and loses
/// `auto`. Any other (curated, or written through the API) is completed:
/// empty fields filled, aliases, industries and props it lacks added, its
/// own kept; `import_source` says which row completed it, when the row
/// added anything.
fn merged(mut existing: Entity, row: RowValues, source: &str) -> Entity {
    let add_all = |list: &mut Vec<String>, values: Vec<String>| {
        for value in values {
            if !list.contains(&value) {
                list.push(value);
            }
        }
    };
    if existing.props.contains_key("source") {
        if row.name != existing.name {
            let old = std::mem::replace(&mut existing.name, row.name);
            add_all(&mut existing.aliases, vec![old]);
        }
        add_all(&mut existing.aliases, row.aliases);
        if !row.description.is_empty() {
            existing.description = row.description;
        }
        if !row.industry.is_empty() {
            existing.industry = row.industry;
        }
        if !row.location.is_empty() {
            existing.location = row.location;
        }
        existing.props.remove("auto");
        existing.props.extend(row.props);
        existing
            .props
            .insert("source".into(), Value::String(source.to_string()));
    } else {
        let before = existing.clone();
        if row.name != existing.name {
            add_all(&mut existing.aliases, vec![row.name]);
        }
        add_all(&mut existing.aliases, row.aliases);
        if existing.description.is_empty() {
            existing.description = row.description;
        }
        add_all(&mut existing.industry, row.industry);
        if existing.location.is_empty() {
            existing.location = row.location;
        }
        for (key, value) in row.props {
            existing.props.entry(key).or_insert(value);
        }
        existing.aliases.retain(|alias| *alias != existing.name);
        if existing != before {
            existing
                .props
                .insert("import_source".into(), Value::String(source.to_string()));
        }
    }
    existing.aliases.retain(|alias| *alias != existing.name);
    existing
}

/// The graph's relation `stored` with what a row says of it: replaced when
/// an import wrote it, completed otherwise (its date, amount, props and
/// evidence kept; what it lacks filled; `import_source` added when the row
/// filled anything).
fn merged_relation(stored: Relation, mut row: Relation) -> Relation {
    if stored.props.contains_key("source") {
        return row;
    }
    let source = row.props.remove("source");
    let mut merged = stored.clone();
    if merged.since.is_none() {
        merged.since = row.since;
    }
    if merged.amount.is_none() {
        merged.amount = row.amount;
        merged.unit = row.unit;
    }
    for (key, value) in row.props {
        merged.props.entry(key).or_insert(value);
    }
    if merged != stored {
        if let Some(source) = source {
            merged.props.insert("import_source".into(), source);
        }
    }
    merged
}

#[cfg(test)]
mod tests;

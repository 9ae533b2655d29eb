//! The mapping file: a TOML document saying which column of a spreadsheet
//! feeds which field of an entity, and which columns name the entities a
//! row is linked to. This file owns its schema (every table denies unknown
//! keys), its parsing into a [`Mapping`] with errors that name the file,
//! the line and the key, and the check of a mapping against a CSV header
//! ([`Mapping::columns`]). It reads no CSV and knows nothing of the graph.
//!
//! ```toml
//! [csv]                                  # optional
//! encoding = "auto"                      # auto | utf-8 | gbk
//! separators = "；;、,，"                 # how a cell lists several values
//!
//! [entity]                               # what one row is
//! kind = "enterprise"                    # or 企业, or { column = "类型" }
//! id = { column = "统一社会信用代码", prefix = "ent_" }
//! name = "企业名称"
//! aliases = ["简称"]
//! description = "经营范围"
//! props.founded = { column = "成立日期", type = "date" }
//!
//! [[relations]]                          # one table per linking column
//! column = "法定代表人"
//! relation = "leads"                     # person → enterprise
//! kinds = ["person"]
//! ```
//!
//! `corpus/mappings/*.toml` are worked examples, each commented key by key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::model::{EntityKind, RelationKind};
use crate::{Error, Result};

/// Characters a multi-valued cell is split on unless the mapping says
/// otherwise: full- and half-width semicolons and commas, and the
/// enumeration comma.
pub const DEFAULT_SEPARATORS: &str = "；;、,，";

/// Props the import writes itself, which a mapping may not fill.
pub const RESERVED_PROPS: &[&str] = &["source", "auto", "import_source"];

/// A parsed mapping file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The name of the mapping file, for messages.
    #[serde(skip)]
    pub file: String,
    /// How the file is read.
    #[serde(default)]
    pub csv: CsvOptions,
    /// What each row becomes.
    pub entity: EntityMapping,
    /// Columns naming entities the row's entity is linked to.
    #[serde(default)]
    pub relations: Vec<RelationMapping>,
}

/// The `[csv]` table: how the spreadsheet is read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvOptions {
    /// The text encoding; `--encoding` overrides it.
    #[serde(default, deserialize_with = "from_text")]
    pub encoding: Option<Encoding>,
    /// The character between cells (`,` unless set; `"\t"` for tab).
    #[serde(default)]
    pub delimiter: Option<char>,
    /// Which row of the sheet holds the column names, counting from 1 (a
    /// title row above the header makes it 2).
    #[serde(default)]
    pub header_row: Option<usize>,
    /// Characters a multi-valued cell is split on
    /// ([`DEFAULT_SEPARATORS`] unless set).
    #[serde(default)]
    pub separators: Option<String>,
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 when the file is valid UTF-8 (a BOM says UTF-8 or UTF-16),
    /// GB18030 (a superset of GBK) otherwise.
    Auto,
    /// UTF-8, with or without a byte-order mark.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GBK or GB18030, as Chinese Excel writes "CSV" by default.
    #[value(alias = "gb18030", alias = "gb2312")]
    Gbk,
}

impl FromStr for Encoding {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Ok(Encoding::Gbk),
            _ => Err(format!("unknown encoding `{text}`, expected auto, utf-8 or gbk")),
        }
    }
}

/// The `[entity]` table: the entity each row describes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityMapping {
    /// The kind of every row, or the column that gives it.
    pub kind: KindSpec,
    /// How the row's id is made (a hash of its name with the kind's usual
    /// prefix when not set).
    #[serde(default)]
    pub id: Option<IdSpec>,
    /// The column of the entity's name (required in every row).
    pub name: Field,
    /// Columns of other names (split into several).
    #[serde(default, deserialize_with = "fields")]
    pub aliases: Vec<Field>,
    #[serde(default)]
    pub description: Option<Field>,
    /// The column of industry names (split into several).
    #[serde(default)]
    pub industry: Option<Field>,
    #[serde(default)]
    pub location: Option<Field>,
    /// The column naming the organisation a row's people belong to (its
    /// first name); two people of one name are one person only within one
    /// organisation. The row's own name when not set (a registry row is
    /// the company its legal representative belongs to).
    #[serde(default)]
    pub organisation: Option<String>,
    /// Facts kept in `props`, each under its key.
    #[serde(default)]
    pub props: BTreeMap<String, Field>,
}

/// The kind of a row's entity: one for all rows, or read from a column.
#[derive(Debug, Clone)]
pub enum KindSpec {
    Fixed(EntityKind),
    Column {
        column: String,
        /// Cell values and the kinds they stand for; other values are read
        /// as kind names (`enterprise`, `企业`…).
        values: BTreeMap<String, EntityKind>,
    },
}

/// How a row's id is made.
#[derive(Debug, Clone, Default)]
pub struct IdSpec {
    /// The column holding a code that identifies the entity (its spaces
    /// removed); without it, the id is a hash of the kind and name.
    pub column: Option<String>,
    /// Put before the code or hash (`ent_`, `pat_`…; the kind's usual
    /// prefix when not set).
    pub prefix: Option<String>,
    /// What a row with an empty code cell gets: `error` (a bad row, the
    /// default) or `name` (a hash of its name, as without a column).
    pub blank: BlankId,
}

/// What a blank id cell means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlankId {
    #[default]
    Error,
    Name,
}

/// One column feeding a field, with how its cells are read.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub column: String,
    pub convert: Convert,
    /// Whether an empty cell makes the row bad.
    pub required: bool,
    /// Whether a cell lists several values (`None`: as the field is used).
    pub split: Option<bool>,
    /// Separators of this column, instead of the file's.
    pub separators: Option<String>,
    /// The unit of an amount written without one (`万元`).
    pub unit: Option<String>,
}

impl Field {
    /// A text column read as it is.
    pub fn text(column: &str) -> Field {
        Field {
            column: column.to_string(),
            convert: Convert::Text,
            required: false,
            split: None,
            separators: None,
            unit: None,
        }
    }
}

/// How a cell is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Convert {
    /// As it is, trimmed.
    #[default]
    Text,
    /// Several texts (split on the separators).
    List,
    /// A date, written `YYYY[-MM[-DD]]` whatever its form in the cell.
    Date,
    /// An amount of money: a number and its unit (`500万元人民币`).
    Amount,
    /// A number (thousands separators allowed).
    Number,
    /// A whole number.
    Integer,
}

impl Convert {
    const NAMES: &'static str = "text, list, date, amount, number, integer";
}

impl FromStr for Convert {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        Ok(match text.trim() {
            "text" => Convert::Text,
            "list" => Convert::List,
            "date" => Convert::Date,
            "amount" => Convert::Amount,
            "number" => Convert::Number,
            "integer" => Convert::Integer,
            _ => return Err(format!("unknown type `{text}`, expected one of: {}", Convert::NAMES)),
        })
    }
}

/// A `[[relations]]` table: a column naming entities the row's entity is
/// linked to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationMapping {
    /// The column naming the other ends.
    pub column: String,
    /// The relation kind (`applicant_of` or 申请专利…).
    #[serde(deserialize_with = "from_text")]
    pub relation: RelationKind,
    /// Which end the relation starts from: `cell` (the named entity) or
    /// `row` (the row's entity); by default as the relation reads
    /// ([`default_from`]).
    #[serde(default)]
    pub from: Option<End>,
    /// The kinds a cell may name (any when empty): a name several
    /// entities share is read as the one of these kinds.
    #[serde(default, deserialize_with = "kinds")]
    pub kinds: Vec<EntityKind>,
    /// What a name the graph does not have becomes.
    #[serde(default, deserialize_with = "from_text")]
    pub missing: Option<Missing>,
    /// Whether an empty cell makes the row bad.
    #[serde(default)]
    pub required: bool,
    /// Whether a cell lists several names (yes unless set).
    #[serde(default)]
    pub split: Option<bool>,
    /// Separators of this column, instead of the file's.
    #[serde(default)]
    pub separators: Option<String>,
    /// The column of the relation's date (`since`).
    #[serde(default)]
    pub since: Option<Field>,
    /// The column of the relation's amount (and unit).
    #[serde(default)]
    pub amount: Option<Field>,
    /// Facts kept in the relation's `props`.
    #[serde(default)]
    pub props: BTreeMap<String, Field>,
}

/// An end of a relation, as a mapping names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// The entity a cell names.
    Cell,
    /// The row's entity.
    Row,
}

/// What a name the graph does not have becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A new entity of this kind.
    Create(EntityKind),
    /// A new entity whose kind its name tells (…大学 a university,
    /// …公司 an enterprise, two to four Chinese characters a person).
    Guess,
    /// No link (and no problem).
    Skip,
    /// A bad row.
    Error,
}

impl FromStr for Missing {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text.trim() {
            "guess" => Ok(Missing::Guess),
            "skip" => Ok(Missing::Skip),
            "error" => Ok(Missing::Error),
            other => other
                .parse::<EntityKind>()
                .map(Missing::Create)
                .map_err(|_| format!("unknown value `{text}`, expected guess, skip, error or an entity kind")),
        }
    }
}

/// The end a relation of `kind` starts from when the mapping does not say:
/// the cell for the kinds whose subject a sheet lists beside what it is
/// about (an applicant beside the patent, an investor beside the company),
/// the row otherwise (a patent transferred to the assignee in the cell, a
/// company in the industry in the cell).
pub fn default_from(kind: RelationKind) -> End {
    use RelationKind::*;
    match kind {
        ApplicantOf | InventorOf | Leads | Founded | InvestsIn | HoldsEquityIn | Undertakes | Develops | Produces => {
            End::Cell
        }
        _ => End::Row,
    }
}

impl RelationMapping {
    /// The end the relation starts from.
    pub fn from_end(&self) -> End {
        self.from.unwrap_or_else(|| default_from(self.relation))
    }

    /// What a name not in the graph becomes: as set, or a new entity of
    /// the one kind `kinds` allows, or else one of the kind its name tells.
    pub fn missing(&self) -> Missing {
        match (self.missing, self.kinds.as_slice()) {
            (Some(missing), _) => missing,
            (None, [single]) => Missing::Create(*single),
            (None, _) => Missing::Guess,
        }
    }
}

impl Mapping {
    /// Reads and checks the mapping file at `path`.
    pub fn read(path: &Path) -> Result<Mapping> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let file = display_name(path);
        let text = std::str::from_utf8(&bytes).map_err(|e| Error::InvalidMapping {
            file: file.clone(),
            line: line_at(&bytes, e.valid_up_to()),
            key: None,
            message: "not UTF-8 text".into(),
        })?;
        Mapping::parse(text, &file)
    }

    /// Parses and checks a mapping's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Mapping> {
        let located = |error: &toml::de::Error| error.span().map_or(0, |span| line_at(text.as_bytes(), span.start));
        let deserializer = toml::Deserializer::parse(text).map_err(|error| Error::InvalidMapping {
            file: file.to_string(),
            line: located(&error),
            key: None,
            message: one_line(error.message()),
        })?;
        let mut mapping: Mapping = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            Error::InvalidMapping {
                file: file.to_string(),
                line: located(&inner),
                key: (path != "." && !path.is_empty()).then_some(path),
                message: one_line(inner.message()),
            }
        })?;
        mapping.file = file.to_string();
        mapping.check(file)?;
        Ok(mapping)
    }

    /// Checks what the schema cannot say: kinds that cannot be imported,
    /// reserved or empty prop keys, a delimiter that is not one ASCII
    /// character.
    fn check(&self, file: &str) -> Result<()> {
        let bad = |key: &str, message: String| Error::InvalidMapping {
            file: file.to_string(),
            line: 0,
            key: Some(key.to_string()),
            message,
        };
        if let KindSpec::Fixed(EntityKind::Document) = self.entity.kind {
            return Err(bad(
                "entity.kind",
                "`document` is the kind of articles, which are not imported from spreadsheets".into(),
            ));
        }
        if let Some(delimiter) = self.csv.delimiter {
            if !delimiter.is_ascii() || delimiter == '"' || delimiter == '\n' || delimiter == '\r' {
                return Err(bad(
                    "csv.delimiter",
                    format!("`{delimiter}` cannot separate cells: use one ASCII character such as , ; or \\t"),
                ));
            }
        }
        if self.csv.header_row == Some(0) {
            return Err(bad("csv.header_row", "rows count from 1".into()));
        }
        if let Some(id) = &self.entity.id {
            if let Some(prefix) = &id.prefix {
                if prefix.chars().any(char::is_whitespace) {
                    return Err(bad("entity.id.prefix", format!("`{prefix}` must not contain spaces")));
                }
            }
            if id.column.is_none() && id.blank == BlankId::Error && id.prefix.is_none() {
                return Err(bad("entity.id", "give a `column`, a `prefix`, or both".into()));
            }
        }
        let props = self
            .entity
            .props
            .keys()
            .map(|key| (format!("entity.props.{key}"), key))
            .chain(self.relations.iter().enumerate().flat_map(|(at, relation)| {
                relation
                    .props
                    .keys()
                    .map(move |key| (format!("relations[{at}].props.{key}"), key))
            }));
        for (path, key) in props {
            if key.trim().is_empty() {
                return Err(bad(&path, "a prop needs a name".into()));
            }
            if RESERVED_PROPS.contains(&key.as_str()) {
                return Err(bad(
                    &path,
                    format!(
                        "`{key}` is written by the import itself (reserved: {})",
                        RESERVED_PROPS.join(", ")
                    ),
                ));
            }
        }
        for (at, relation) in self.relations.iter().enumerate() {
            if relation.kinds.contains(&EntityKind::Document) {
                return Err(bad(
                    &format!("relations[{at}].kinds"),
                    "documents are not linked from spreadsheets".into(),
                ));
            }
            if let Missing::Create(EntityKind::Document) = relation.missing() {
                return Err(bad(
                    &format!("relations[{at}].missing"),
                    "documents are not created from spreadsheets".into(),
                ));
            }
        }
        Ok(())
    }

    /// Every column the mapping reads, each with the key that names it
    /// (`entity.name`, `relations[1].since`), in mapping order.
    pub fn columns(&self) -> Vec<(String, &str)> {
        let mut columns: Vec<(String, &str)> = Vec::new();
        let entity = &self.entity;
        if let KindSpec::Column { column, .. } = &entity.kind {
            columns.push(("entity.kind.column".into(), column));
        }
        if let Some(column) = entity.id.as_ref().and_then(|id| id.column.as_deref()) {
            columns.push(("entity.id.column".into(), column));
        }
        columns.push(("entity.name".into(), &entity.name.column));
        for (at, alias) in entity.aliases.iter().enumerate() {
            columns.push((format!("entity.aliases[{at}]"), &alias.column));
        }
        for (key, field) in [
            ("description", &entity.description),
            ("industry", &entity.industry),
            ("location", &entity.location),
        ] {
            if let Some(field) = field {
                columns.push((format!("entity.{key}"), &field.column));
            }
        }
        if let Some(column) = &entity.organisation {
            columns.push(("entity.organisation".into(), column));
        }
        for (key, field) in &entity.props {
            columns.push((format!("entity.props.{key}"), &field.column));
        }
        for (at, relation) in self.relations.iter().enumerate() {
            columns.push((format!("relations[{at}].column"), &relation.column));
            for (key, field) in [("since", &relation.since), ("amount", &relation.amount)] {
                if let Some(field) = field {
                    columns.push((format!("relations[{at}].{key}"), &field.column));
                }
            }
            for (key, field) in &relation.props {
                columns.push((format!("relations[{at}].props.{key}"), &field.column));
            }
        }
        columns
    }
}

/// The name a file is called by in messages and `source` props: its file
/// name, without the folders.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.to_string_lossy(), |name| name.to_string_lossy())
        .into_owned()
}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_at(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text[..end].iter().filter(|&&b| b == b'\n').count()
}

/// `text` on one line: its lines joined with `; `.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A value written as text and parsed with `FromStr` (kinds accept their
/// Chinese names this way).
fn from_text<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromText,
{
    let text = String::deserialize(deserializer)?;
    T::from_text(&text).map_err(de::Error::custom)
}

/// What [`from_text`] builds: a value, or an optional one.
trait FromText: Sized {
    fn from_text(text: &str) -> std::result::Result<Self, String>;
}

macro_rules! from_text_via_from_str {
    ($($type:ty),+) => {$(
        impl FromText for $type {
            fn from_text(text: &str) -> std::result::Result<Self, String> {
                text.parse()
            }
        }
        impl FromText for Option<$type> {
            fn from_text(text: &str) -> std::result::Result<Self, String> {
                text.parse().map(Some)
            }
        }
    )+};
}

from_text_via_from_str!(RelationKind, Missing, Encoding);

/// `kinds = "person"` or `kinds = ["enterprise", "高校"]`.
fn kinds<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<EntityKind>, D::Error> {
    struct Kinds;
    impl<'de> Visitor<'de> for Kinds {
        type Value = Vec<EntityKind>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an entity kind or a list of them")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Self::Value, E> {
            text.parse::<EntityKind>().map(|kind| vec![kind]).map_err(E::custom)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
            let mut kinds = Vec::new();
            while let Some(text) = seq.next_element::<String>()? {
                kinds.push(text.parse::<EntityKind>().map_err(de::Error::custom)?);
            }
            Ok(kinds)
        }
    }
    deserializer.deserialize_any(Kinds)
}

/// `aliases = "简称"`, `aliases = ["简称", "英文名称"]` or a list of tables.
fn fields<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<Field>, D::Error> {
    struct Fields;
    impl<'de> Visitor<'de> for Fields {
        type Value = Vec<Field>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a column name, a table with `column`, or a list of them")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Self::Value, E> {
            Ok(vec![Field::text(text)])
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
            Field::deserialize(de::value::MapAccessDeserializer::new(map)).map(|field| vec![field])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
            let mut fields = Vec::new();
            while let Some(field) = seq.next_element::<Field>()? {
                fields.push(field);
            }
            Ok(fields)
        }
    }
    deserializer.deserialize_any(Fields)
}

/// The table form of a [`Field`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldTable {
    column: String,
    #[serde(default, rename = "type", deserialize_with = "from_text")]
    convert: Option<Convert>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    split: Option<bool>,
    #[serde(default)]
    separators: Option<String>,
    #[serde(default)]
    unit: Option<String>,
}

from_text_via_from_str!(Convert);

impl<'de> Deserialize<'de> for Field {
    /// A column name, or a table `{ column, type, required, split,
    /// separators, unit }`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or a table with `column`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Field, E> {
                Ok(Field::text(text))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Field, A::Error> {
                let table = FieldTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let convert = table.convert.unwrap_or(Convert::Text);
                if table.unit.is_some() && convert != Convert::Amount {
                    return Err(de::Error::custom("`unit` goes with type = \"amount\""));
                }
                Ok(Field {
                    column: table.column,
                    convert,
                    required: table.required,
                    split: table.split,
                    separators: table.separators,
                    unit: table.unit,
                })
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

/// The table form of [`KindSpec::Column`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindColumn {
    column: String,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for KindSpec {
    /// A kind name, or a table `{ column, values }`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KindVisitor;
        impl<'de> Visitor<'de> for KindVisitor {
            type Value = KindSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an entity kind or a table with `column`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<KindSpec, E> {
                text.parse().map(KindSpec::Fixed).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<KindSpec, A::Error> {
                let table = KindColumn::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let mut values = BTreeMap::new();
                for (value, kind) in table.values {
                    let kind = kind
                        .parse::<EntityKind>()
                        .map_err(|message| de::Error::custom(format!("values.{value}: {message}")))?;
                    values.insert(value.trim().to_string(), kind);
                }
                Ok(KindSpec::Column {
                    column: table.column,
                    values,
                })
            }
        }
        deserializer.deserialize_any(KindVisitor)
    }
}

impl<'de> Deserialize<'de> for IdSpec {
    /// A column name, or a table `{ column, prefix, blank }`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct IdTable {
            #[serde(default)]
            column: Option<String>,
            #[serde(default)]
            prefix: Option<String>,
            #[serde(default)]
            blank: BlankId,
        }
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = IdSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name or a table with `column` and `prefix`")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<IdSpec, E> {
                Ok(IdSpec {
                    column: Some(text.to_string()),
                    ..IdSpec::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<IdSpec, A::Error> {
                let table = IdTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(IdSpec {
                    column: table.column,
                    prefix: table.prefix,
                    blank: table.blank,
                })
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = r#"
[csv]
encoding = "gbk"

[entity]
kind = "企业"
id = { column = "统一社会信用代码", prefix = "ent_" }
name = "企业名称"
aliases = ["简称"]
description = "经营范围"
industry = "所属行业"
props.founded = { column = "成立日期", type = "date" }
props.capital = { column = "注册资本", type = "amount", unit = "万元" }

[[relations]]
column = "法定代表人"
relation = "带领"
kinds = "person"
"#;

    fn error(text: &str) -> String {
        Mapping::parse(text, "m.toml").unwrap_err().to_string()
    }

    #[test]
    fn a_registry_mapping_parses() {
        let mapping = Mapping::parse(REGISTRY, "m.toml").unwrap();
        assert_eq!(mapping.csv.encoding, Some(Encoding::Gbk));
        assert!(matches!(mapping.entity.kind, KindSpec::Fixed(EntityKind::Enterprise)));
        assert_eq!(mapping.entity.aliases, vec![Field::text("简称")]);
        assert_eq!(mapping.entity.props["founded"].convert, Convert::Date);
        assert_eq!(mapping.entity.props["capital"].unit.as_deref(), Some("万元"));
        let leads = &mapping.relations[0];
        assert_eq!(leads.relation, RelationKind::Leads);
        assert_eq!(leads.from_end(), End::Cell);
        assert_eq!(leads.missing(), Missing::Create(EntityKind::Person));
        let columns: Vec<String> = mapping.columns().into_iter().map(|(key, _)| key).collect();
        assert_eq!(columns[0], "entity.id.column");
        assert!(columns.contains(&"relations[0].column".to_string()));
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let typo = error("[entity]\nkind = \"enterprise\"\nname = \"企业名称\"\nnmae = \"x\"\n");
        assert!(typo.starts_with("bad mapping m.toml:4, key `entity.nmae`"), "{typo}");
        assert!(typo.contains("unknown field `nmae`"), "{typo}");
        assert!(!typo.contains('\n'), "{typo}");
        let syntax = error("[entity\nkind = 1");
        assert!(syntax.starts_with("bad mapping m.toml:1"), "{syntax}");
        assert!(!syntax.contains('\n'), "{syntax}");
        let kind = error("[entity]\nkind = \"spaceship\"\nname = \"名称\"\n");
        assert!(
            kind.contains("key `entity.kind`") && kind.contains("unknown entity kind `spaceship`"),
            "{kind}"
        );
        let relation = error(
            "[entity]\nkind = \"patent\"\nname = \"名称\"\n[[relations]]\ncolumn = \"x\"\nrelation = \"partner_of\"\n",
        );
        assert!(relation.contains("relations[0].relation"), "{relation}");
        let missing = error("[entity]\nkind = \"patent\"\n");
        assert!(missing.contains("missing field `name`"), "{missing}");
        let convert = error("[entity]\nkind = \"patent\"\nname = { column = \"名称\", type = \"datum\" }\n");
        assert!(
            convert.contains("entity.name") && convert.contains("unknown type `datum`"),
            "{convert}"
        );
        let reserved = error("[entity]\nkind = \"patent\"\nname = \"名称\"\nprops.source = \"来源\"\n");
        assert!(
            reserved.contains("entity.props.source") && reserved.contains("reserved"),
            "{reserved}"
        );
        let document = error("[entity]\nkind = \"document\"\nname = \"名称\"\n");
        assert!(document.contains("entity.kind"), "{document}");
    }

    #[test]
    fn missing_defaults_follow_the_kinds() {
        let mapping = Mapping::parse(
            "[entity]\nkind = \"patent\"\nname = \"名称\"\n[[relations]]\ncolumn = \"申请人\"\nrelation = \"applicant_of\"\nkinds = [\"enterprise\", \"高校\"]\n[[relations]]\ncolumn = \"受让人\"\nrelation = \"transferred_to\"\nmissing = \"skip\"\n",
            "m.toml",
        )
        .unwrap();
        assert_eq!(mapping.relations[0].missing(), Missing::Guess);
        assert_eq!(
            mapping.relations[0].kinds,
            vec![EntityKind::Enterprise, EntityKind::University]
        );
        assert_eq!(mapping.relations[1].missing(), Missing::Skip);
        assert_eq!(mapping.relations[1].from_end(), End::Row);
    }
}

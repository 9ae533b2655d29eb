//! Walks a corpus root, classifies its files and decodes every record.
//!
//! File roles, by name, anywhere under the root:
//! - `entities*.jsonl`: entities; `relations*.jsonl`: relations;
//! - any file under a `dict/` folder: domain dictionary, one word a line
//!   (`word [freq] [tag]`, `#` starts a comment);
//! - any other `*.jsonl`: articles, one JSON object a line;
//! - any other `*.md` / `*.txt`: one article, its first line the title, its id
//!   the path without extension;
//! - `README.md`, `truth*` files (ground truth of synthetic corpora, read by
//!   evaluations only), hidden files, anything under a `mappings/` folder
//!   (spreadsheet import mappings and their samples, read by `import`
//!   only) and other extensions are ignored.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::fields::FieldReader;
use super::Problem;
use crate::model::{derived_title, is_valid_date, Document, Entity, EntityKind, Evidence, Relation, RelationKind};
use crate::{Error, Result};

/// Name of the folder (at any depth) whose files are domain dictionaries.
pub const DOMAIN_DICTIONARY_DIR: &str = "dict";

/// Name of the folder (at any depth) of spreadsheet import mappings and
/// samples, which a build does not read.
pub const MAPPINGS_DIR: &str = "mappings";

/// A validated corpus.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
    pub documents: Vec<Document>,
    /// Domain dictionary words for the segmenter.
    pub dictionary: Vec<String>,
    /// A hash of every file's path and bytes: what built an index.
    pub fingerprint: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileRole {
    Entities,
    Relations,
    JsonDocuments,
    TextDocument,
    Dictionary,
}

fn classify(relative: &Path) -> Option<FileRole> {
    let name = relative.file_name()?.to_str()?;
    if name.starts_with('.') || name.eq_ignore_ascii_case("readme.md") || name.starts_with("truth") {
        return None;
    }
    let in_folder = |folder: &str| {
        relative
            .parent()
            .is_some_and(|parent| parent.components().any(|c| c.as_os_str() == folder))
    };
    if in_folder(MAPPINGS_DIR) {
        return None;
    }
    let in_dictionary_dir = in_folder(DOMAIN_DICTIONARY_DIR);
    if in_dictionary_dir {
        return Some(FileRole::Dictionary);
    }
    let extension = relative.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "jsonl" if name.starts_with("entities") => Some(FileRole::Entities),
        "jsonl" if name.starts_with("relations") => Some(FileRole::Relations),
        "jsonl" => Some(FileRole::JsonDocuments),
        "md" | "txt" => Some(FileRole::TextDocument),
        _ => None,
    }
}

/// Where a record came from, kept until cross-record checks are done: an
/// index into the loader's file names and a line number, small enough to
/// keep for millions of records.
#[derive(Debug, Clone, Copy)]
struct Origin {
    file: u32,
    line: u32,
}

/// Accumulates records and problems while files are read.
#[derive(Default)]
struct Loader {
    /// Names of the files read, indexed by [`Origin::file`].
    files: Vec<String>,
    problems: Vec<Problem>,
    entities: Vec<(Entity, Origin)>,
    relations: Vec<(Relation, Origin)>,
    documents: Vec<(Document, Origin)>,
    /// `from`, `to` of relation records with other problems, so that their
    /// unknown endpoints are reported too.
    endpoints: Vec<(String, String, Origin)>,
    dictionary: Vec<String>,
}

impl Loader {
    fn problem(&mut self, origin: &Origin, field: Option<&str>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.files[origin.file as usize].clone(),
            line: origin.line as usize,
            field: field.map(str::to_string),
            message: message.into(),
        });
    }

    fn take_field_problems(&mut self, origin: &Origin, reader: FieldReader<'_>) {
        for (field, message) in reader.problems {
            self.problem(origin, Some(&field), message);
        }
    }

    /// Registers a file name and returns its index for [`Origin::file`].
    fn file(&mut self, name: &str) -> u32 {
        self.files.push(name.to_string());
        (self.files.len() - 1) as u32
    }

    fn read_jsonl(&mut self, file: &str, text: &str, role: FileRole) {
        let file = self.file(file);
        for (index, line) in text.lines().enumerate() {
            let origin = Origin {
                file,
                line: index as u32 + 1,
            };
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let value: Value = match serde_json::from_str(trimmed) {
                Ok(value) => value,
                Err(err) => {
                    self.problem(&origin, None, format!("malformed JSON: {err}"));
                    continue;
                }
            };
            let Value::Object(object) = value else {
                self.problem(&origin, None, "each line must be a JSON object");
                continue;
            };
            match role {
                FileRole::Entities => self.read_entity(&object, origin),
                FileRole::Relations => self.read_relation(&object, origin),
                FileRole::JsonDocuments => self.read_document(&object, origin),
                FileRole::TextDocument | FileRole::Dictionary => unreachable!("not a JSON lines role"),
            }
        }
    }

    fn read_entity(&mut self, object: &serde_json::Map<String, Value>, origin: Origin) {
        let mut reader = FieldReader::new(
            object,
            &[
                "id",
                "kind",
                "name",
                "aliases",
                "description",
                "industry",
                "location",
                "props",
            ],
        );
        let id = reader.required_str("id");
        let kind = reader.parsed("kind", |s| s.parse::<EntityKind>());
        let name = reader.required_str("name");
        let aliases = reader.str_list("aliases");
        let description = reader.optional_str("description").unwrap_or_default();
        let industry = reader.str_list("industry");
        let location = reader.optional_str("location").unwrap_or_default();
        let props = reader.object("props");
        let complete = reader.problems.is_empty();
        self.take_field_problems(&origin, reader);
        if let (true, Some(kind)) = (complete, kind) {
            let mut entity = Entity {
                id,
                kind,
                name,
                aliases,
                description,
                industry,
                location,
                props,
            };
            let problems = super::rules::check_entity(&mut entity);
            if problems.is_empty() {
                self.entities.push((entity, origin));
            }
            for (field, message) in problems {
                self.problem(&origin, Some(field), message);
            }
        }
    }

    fn read_relation(&mut self, object: &serde_json::Map<String, Value>, origin: Origin) {
        let mut reader = FieldReader::new(
            object,
            &["from", "to", "kind", "since", "amount", "unit", "props", "evidence"],
        );
        let from = reader.required_str("from");
        let to = reader.required_str("to");
        let kind = reader.parsed("kind", |s| s.parse::<RelationKind>());
        let since = reader.optional_str("since");
        if let Some(date) = &since {
            if !is_valid_date(date) {
                reader.report(
                    "since",
                    format!("bad date `{date}`, expected YYYY, YYYY-MM or YYYY-MM-DD"),
                );
            }
        }
        let amount = reader.optional_number("amount");
        let unit = reader.optional_str("unit");
        let props = reader.object("props");
        let evidence = read_evidence(&mut reader);
        let complete = reader.problems.is_empty();
        self.take_field_problems(&origin, reader);
        if !(complete && kind.is_some()) {
            self.endpoints.push((from.clone(), to.clone(), origin));
        }
        if let (true, Some(kind)) = (complete, kind) {
            let relation = Relation {
                from,
                to,
                kind,
                since,
                amount,
                unit,
                props,
                evidence,
            };
            self.relations.push((relation, origin));
        }
    }

    fn read_document(&mut self, object: &serde_json::Map<String, Value>, origin: Origin) {
        let mut reader = FieldReader::new(object, &["id", "title", "text", "date", "source"]);
        let id = reader.required_str("id");
        let title = reader.optional_str("title").unwrap_or_default();
        let text = reader.required_str("text");
        let date = reader.optional_str("date").unwrap_or_default();
        if !date.is_empty() && !is_valid_date(&date) {
            reader.report(
                "date",
                format!("bad date `{date}`, expected YYYY, YYYY-MM or YYYY-MM-DD"),
            );
        }
        let source = reader.optional_str("source").unwrap_or_default();
        let complete = reader.problems.is_empty();
        self.take_field_problems(&origin, reader);
        if complete {
            let title_derived = title.is_empty();
            let document = Document {
                id,
                title: if title_derived { derived_title(&text) } else { title },
                text,
                date,
                source,
                title_derived,
            };
            self.documents.push((document, origin));
        }
    }

    fn read_text_document(&mut self, file: &str, text: &str) {
        let origin = Origin {
            file: self.file(file),
            line: 1,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.splitn(2, '\n');
        let title = lines
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches('#')
            .trim()
            .to_string();
        let body = lines.next().unwrap_or("").trim().to_string();
        if title.is_empty() && body.is_empty() {
            self.problem(&origin, Some("title"), "the file holds no text");
            return;
        }
        let id = Path::new(file).with_extension("").to_string_lossy().replace('\\', "/");
        let title_derived = title.is_empty();
        let document = Document {
            id,
            title: if title_derived { derived_title(&body) } else { title },
            text: body,
            date: String::new(),
            source: file.to_string(),
            title_derived,
        };
        self.documents.push((document, origin));
    }

    /// Reports a file that is not UTF-8 text, at the line of its first
    /// invalid byte.
    fn not_utf8(&mut self, file: &str, bytes: &[u8], err: std::str::Utf8Error) {
        let valid = &bytes[..err.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        let origin = Origin {
            file: self.file(file),
            line: u32::try_from(line).unwrap_or(u32::MAX),
        };
        self.problem(
            &origin,
            None,
            format!("not UTF-8 text: invalid byte at byte {column} of the line"),
        );
    }

    fn read_dictionary(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some(word) = line.split_whitespace().next() {
                self.dictionary.push(word.to_string());
            }
        }
    }

    /// Checks what no single record can: unique ids, relation endpoints,
    /// evidence pointing at real documents and quotes found in them.
    fn cross_check(&mut self) {
        let mut problems: Vec<(Origin, &'static str, String)> = Vec::new();
        {
            let mut seen: HashMap<&str, Origin> = HashMap::with_capacity(self.entities.len() + self.documents.len());
            let entity_ids = self.entities.iter().map(|(e, o)| (e.id.as_str(), *o));
            let document_ids = self.documents.iter().map(|(d, o)| (d.id.as_str(), *o));
            for (id, origin) in entity_ids.chain(document_ids) {
                if let Some(first) = seen.get(id) {
                    let message = format!(
                        "duplicate id `{id}`, first used at {}:{}",
                        self.files[first.file as usize], first.line
                    );
                    problems.push((origin, "id", message));
                } else {
                    seen.insert(id, origin);
                }
            }

            let entity_ids: HashSet<&str> = self.entities.iter().map(|(e, _)| e.id.as_str()).collect();
            let documents: HashMap<&str, &str> = self
                .documents
                .iter()
                .map(|(d, _)| (d.id.as_str(), d.text.as_str()))
                .collect();
            let valid = self.relations.iter().map(|(r, o)| (r.from.as_str(), r.to.as_str(), *o));
            let invalid = self.endpoints.iter().map(|(f, t, o)| (f.as_str(), t.as_str(), *o));
            for (from, to, origin) in valid.chain(invalid) {
                for (field, id) in [("from", from), ("to", to)] {
                    if !id.is_empty() && !entity_ids.contains(id) {
                        problems.push((origin, field, format!("unknown entity id `{id}`")));
                    }
                }
            }
            for (relation, origin) in &self.relations {
                let document = |id: &str| documents.get(id).map(|text| std::borrow::Cow::Borrowed(*text));
                for (field, message) in super::rules::check_relation(relation, document) {
                    problems.push((*origin, field, message));
                }
            }
        }
        problems.sort_by_key(|(origin, _, _)| (origin.file, origin.line));
        for (origin, field, message) in problems {
            self.problem(&origin, Some(field), message);
        }
    }
}

fn read_evidence(reader: &mut FieldReader<'_>) -> Vec<Evidence> {
    let Some(value) = reader.raw("evidence") else {
        return Vec::new();
    };
    let items = match value {
        Value::Null => return Vec::new(),
        Value::Array(items) => items,
        _ => {
            reader.report("evidence", "must be a list of {\"doc\", \"quote\"} objects");
            return Vec::new();
        }
    };
    let mut evidence = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let doc = item.get("doc").and_then(Value::as_str).map(str::trim).unwrap_or("");
        let quote = item.get("quote").and_then(Value::as_str).map(str::trim).unwrap_or("");
        let extra = item
            .as_object()
            .map(|o| o.keys().any(|k| k != "doc" && k != "quote"))
            .unwrap_or(true);
        if doc.is_empty() || quote.is_empty() || extra {
            reader.report(
                "evidence",
                format!("item {position} must be {{\"doc\", \"quote\"}} with both non-empty"),
            );
            continue;
        }
        evidence.push(Evidence {
            doc: doc.to_string(),
            quote: quote.to_string(),
        });
    }
    evidence
}

/// Every corpus file under `root` with its name (relative, `/`-separated)
/// and role, in a stable order.
fn corpus_files(root: &Path) -> Result<Vec<(PathBuf, String, FileRole)>> {
    if !root.is_dir() {
        return Err(Error::io(
            root,
            std::io::Error::new(std::io::ErrorKind::NotFound, "corpus directory not found"),
        ));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| root.to_path_buf());
            Error::io(path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if relative
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if let Some(role) = classify(relative) {
            let name = relative.to_string_lossy().replace('\\', "/");
            files.push((entry.path().to_path_buf(), name, role));
        }
    }
    Ok(files)
}

fn hash_file(hasher: &mut blake3::Hasher, name: &str, bytes: &[u8]) {
    hasher.update(name.as_bytes());
    hasher.update(&[0]);
    hasher.update(bytes);
    hasher.update(&[0]);
}

/// The fingerprint [`load`] would give the corpus under `root`, without
/// parsing it: tells whether an index was built from the corpus as it is now.
pub fn fingerprint(root: &Path) -> Result<String> {
    let mut hasher = blake3::Hasher::new();
    for (path, name, _) in corpus_files(root)? {
        // streamed: the same hash as `hash_file`, without holding the file
        let file = fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        hasher.update_reader(file).map_err(|e| Error::io(&path, e))?;
        hasher.update(&[0]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// Loads and validates the corpus under `root`.
///
/// Returns [`Error::InvalidCorpus`] listing every problem found, across all
/// files, when any record is invalid or any file is not UTF-8 text; an I/O
/// error when a file cannot be read.
pub fn load(root: &Path) -> Result<Corpus> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing {
            path: root.to_path_buf(),
        });
    }
    let mut loader = Loader::default();
    let mut hasher = blake3::Hasher::new();
    for (path, name, role) in corpus_files(root)? {
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        hash_file(&mut hasher, &name, &bytes);
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(err) => {
                loader.not_utf8(&name, &bytes, err);
                continue;
            }
        };
        match role {
            FileRole::Entities | FileRole::Relations | FileRole::JsonDocuments => loader.read_jsonl(&name, text, role),
            FileRole::TextDocument => loader.read_text_document(&name, text),
            FileRole::Dictionary => loader.read_dictionary(text),
        }
    }
    loader.cross_check();
    if !loader.problems.is_empty() {
        return Err(Error::InvalidCorpus {
            problems: loader.problems,
        });
    }
    Ok(Corpus {
        entities: loader.entities.into_iter().map(|(e, _)| e).collect(),
        relations: loader.relations.into_iter().map(|(r, _)| r).collect(),
        documents: loader.documents.into_iter().map(|(d, _)| d).collect(),
        dictionary: loader.dictionary,
        fingerprint: hasher.finalize().to_hex().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn problems(dir: &Path) -> Vec<Problem> {
        match load(dir) {
            Err(Error::InvalidCorpus { problems }) => problems,
            other => panic!("expected invalid corpus, got {other:?}"),
        }
    }

    #[test]
    fn loads_any_layout() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "graph/entities.jsonl",
            r#"{"id":"a","kind":"enterprise","name":"甲公司"}
{"id":"b","kind":"university","name":"乙大学","aliases":["乙大"]}
"#,
        );
        write(
            dir.path(),
            "graph/relations.jsonl",
            r#"{"from":"a","to":"b","kind":"collaborates_with","since":"2021-05","evidence":[{"doc":"news/one","quote":"甲公司与乙大学合作"}]}"#,
        );
        write(dir.path(), "news/one.md", "# 合作新闻\n甲公司与乙大学合作研发。\n");
        write(
            dir.path(),
            "docs/more.jsonl",
            r#"{"id":"d2","title":"标题","text":"正文","date":"2024-01-02"}"#,
        );
        write(dir.path(), "dict/words.txt", "光合固碳 10 n\n# comment\n");
        write(dir.path(), "README.md", "ignored");
        write(dir.path(), "mappings/registry.toml", "[entity]");
        write(dir.path(), "mappings/notes.md", "# 导入说明\n不是文章");
        write(dir.path(), "mappings/sample.csv", "企业名称\n甲");
        let corpus = load(dir.path()).unwrap();
        assert_eq!(corpus.entities.len(), 2);
        assert_eq!(corpus.relations.len(), 1);
        assert_eq!(corpus.documents.len(), 2);
        assert_eq!(corpus.dictionary, vec!["光合固碳".to_string()]);
        let md = corpus.documents.iter().find(|d| d.id == "news/one").unwrap();
        assert_eq!(md.title, "合作新闻");
        assert_eq!(corpus.fingerprint.len(), 64);
        assert_eq!(fingerprint(dir.path()).unwrap(), corpus.fingerprint);
        write(dir.path(), "truth.jsonl", "not a document");
        assert_eq!(
            load(dir.path()).unwrap().documents.len(),
            2,
            "truth files are not articles"
        );
    }

    #[test]
    fn reports_every_problem_with_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "entities.jsonl",
            r#"{"id":"a","kind":"enterprise","name":"甲"}
{"id":"a","kind":"enterprise","name":"甲二"}
{"id":"c","kind":"spaceship","name":"丙"}
{"id":"d","kind":"person","name":"  "}
{not json
"#,
        );
        write(
            dir.path(),
            "relations.jsonl",
            r#"{"from":"a","to":"zzz","kind":"partner_of","since":"2023-13"}
{"from":"a","to":"a","kind":"founded","evidence":[{"doc":"nope","quote":"x"}]}
"#,
        );
        let found = problems(dir.path());
        let rendered: Vec<String> = found.iter().map(|p| p.to_string()).collect();
        let expect = [
            "entities.jsonl:2, field `id`: duplicate id `a`, first used at entities.jsonl:1",
            "entities.jsonl:3, field `kind`: unknown entity kind `spaceship`",
            "entities.jsonl:4, field `name`: must not be empty",
            "entities.jsonl:5: malformed JSON",
            "relations.jsonl:1, field `kind`: unknown relation kind `partner_of`",
            "relations.jsonl:1, field `since`: bad date `2023-13`",
            "relations.jsonl:1, field `to`: unknown entity id `zzz`",
            "relations.jsonl:2, field `to`: relation links `a` to itself",
            "relations.jsonl:2, field `evidence`: item 0 cites unknown document `nope`",
        ];
        for wanted in expect {
            assert!(
                rendered.iter().any(|r| r.starts_with(wanted)),
                "missing `{wanted}` in {rendered:#?}"
            );
        }
        assert_eq!(found.len(), expect.len(), "{rendered:#?}");
    }

    #[test]
    fn untitled_documents_take_their_opening_words() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "news.jsonl",
            r#"{"id":"a","text":"高新区发布人才新政。细则另行公布。"}
{"id":"b","title":"  ","text":"园区企业参展"}
"#,
        );
        write(dir.path(), "notes/c.txt", "\n第二行才是正文。后面还有");
        let corpus = load(dir.path()).unwrap();
        let titles: Vec<(&str, &str, bool)> = corpus
            .documents
            .iter()
            .map(|d| (d.id.as_str(), d.title.as_str(), d.title_derived))
            .collect();
        assert_eq!(
            titles,
            [
                ("a", "高新区发布人才新政", true),
                ("b", "园区企业参展", true),
                ("notes/c", "第二行才是正文", true)
            ]
        );
        write(dir.path(), "empty.txt", "  \n  ");
        assert!(problems(dir.path()).iter().any(|p| p.file == "empty.txt"));
    }

    #[test]
    fn quote_must_occur_in_cited_document() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "entities.jsonl",
            "{\"id\":\"a\",\"kind\":\"enterprise\",\"name\":\"甲\"}\n{\"id\":\"b\",\"kind\":\"zone\",\"name\":\"乙\"}\n",
        );
        write(
            dir.path(),
            "relations.jsonl",
            r#"{"from":"a","to":"b","kind":"located_in","evidence":[{"doc":"n","quote":"甲在丙"}]}"#,
        );
        write(dir.path(), "n.txt", "标题\n甲在乙。");
        let found = problems(dir.path());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("quote not found in document `n`"));
    }

    #[test]
    fn text_that_is_not_utf8_is_a_problem_of_its_file() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "entities.jsonl",
            "{\"id\":\"a\",\"kind\":\"enterprise\",\"name\":\"甲\"}\n",
        );
        fs::write(dir.path().join("news.md"), b"# \xe6\xa0\x87\xe9\xa2\x98\nok\n\x80\xff").unwrap();
        fs::write(dir.path().join("relations.jsonl"), b"\xfe").unwrap();
        let found = problems(dir.path());
        let rendered: Vec<String> = found.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            rendered,
            [
                "news.md:3: not UTF-8 text: invalid byte at byte 1 of the line",
                "relations.jsonl:1: not UTF-8 text: invalid byte at byte 1 of the line",
            ]
        );
    }

    mod properties {
        use proptest::prelude::*;
        use serde_json::json;

        use super::*;

        /// Fragments of JSON lines, well-formed or not.
        fn json_piece() -> impl Strategy<Value = String> {
            prop::sample::select(vec![
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\"",
                "\"id\":",
                "\"a\"",
                "\"kind\":\"enterprise\"",
                "\"name\":\"甲\"",
                "\"from\":\"a\"",
                "\"to\":\"b\"",
                "\"evidence\":[{\"doc\":\"d\",\"quote\":\"甲\"}]",
                "\"aliases\":",
                "\"props\":{}",
                "null",
                "true",
                "1e999",
                "-0",
                "18446744073709551616",
                "\"\\ud800\"",
                "\"\\u0000\"",
                "\"date\":\"2023-02-30\"",
                "\"since\":\"二〇二三\"",
                "\u{feff}",
                "\r",
                " ",
                "#",
                "光伏",
            ])
            .prop_map(str::to_string)
        }

        /// An entity, relation or article record whose fields come from
        /// small sets, so that ids repeat, endpoints are missing and
        /// quotes are found or not.
        fn record() -> impl Strategy<Value = String> {
            let id = prop::sample::select(vec!["a", "b", "c", "d", "news/one", "", "  "]);
            let text = prop::sample::select(vec!["甲", "甲在乙", "", " ", "x"]);
            let value = prop_oneof![
                id.clone().prop_map(|s| json!(s)),
                text.clone().prop_map(|s| json!(s)),
                Just(json!(null)),
                Just(json!(7)),
                Just(json!(["甲", "", 1])),
                Just(json!({"k": "v"})),
            ];
            let kind = prop::sample::select(vec![
                "enterprise",
                "zone",
                "patent",
                "located_in",
                "founded",
                "spaceship",
            ]);
            let field = prop::sample::select(vec![
                "id",
                "kind",
                "name",
                "aliases",
                "description",
                "industry",
                "location",
                "props",
                "from",
                "to",
                "since",
                "amount",
                "unit",
                "evidence",
                "title",
                "text",
                "date",
                "source",
                "extra",
            ]);
            let evidence = (id, text).prop_map(|(doc, quote)| json!([{"doc": doc, "quote": quote}]));
            (kind, prop::collection::vec((field, value), 0..8), evidence).prop_map(|(kind, fields, evidence)| {
                let mut object = serde_json::Map::new();
                object.insert("kind".into(), json!(kind));
                for (field, value) in fields {
                    object.insert(field.to_string(), value);
                }
                if object.contains_key("from") {
                    object.insert("evidence".into(), evidence);
                }
                serde_json::Value::Object(object).to_string()
            })
        }

        /// What one file holds: arbitrary bytes, or lines of records,
        /// JSON fragments and arbitrary text.
        fn contents() -> impl Strategy<Value = Vec<u8>> {
            let line = prop_oneof![
                3 => record(),
                2 => prop::collection::vec(json_piece(), 0..10).prop_map(|pieces| pieces.concat()),
                1 => any::<String>(),
            ];
            prop_oneof![
                1 => prop::collection::vec(any::<u8>(), 0..200),
                4 => prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n").into_bytes()),
            ]
        }

        const FILES: [&str; 6] = [
            "entities.jsonl",
            "relations.jsonl",
            "docs/news.jsonl",
            "news/one.md",
            "notes.txt",
            "dict/words.txt",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn loading_any_files_never_panics(files in prop::collection::vec(contents(), FILES.len())) {
                let dir = tempfile::tempdir().unwrap();
                for (name, bytes) in FILES.iter().zip(&files) {
                    let path = dir.path().join(name);
                    fs::create_dir_all(path.parent().unwrap()).unwrap();
                    fs::write(path, bytes).unwrap();
                }
                match load(dir.path()) {
                    Ok(corpus) => prop_assert_eq!(corpus.fingerprint, fingerprint(dir.path()).unwrap()),
                    Err(Error::InvalidCorpus { problems }) => {
                        prop_assert!(!problems.is_empty());
                        for problem in &problems {
                            prop_assert!(FILES.contains(&problem.file.as_str()), "{}", problem);
                        }
                    }
                    Err(other) => prop_assert!(false, "neither a corpus nor its problems: {}", other),
                }
            }
        }
    }
}

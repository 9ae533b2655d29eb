//! The one error type of the library, and the single mapping from each error
//! to its snake_case code, HTTP status and user-or-internal class. The HTTP
//! layer and the CLI's exit code both read [`Error::code`], [`Error::status`]
//! and [`Error::is_user_error`]; nothing else decides those.

use std::path::PathBuf;

use crate::corpus::Problem;

/// Everything that can go wrong in innograph.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The corpus has one or more invalid records; all of them are listed.
    #[error("{}", format_problems(.problems))]
    InvalidCorpus { problems: Vec<Problem> },

    /// No entity has this id, name or alias; `candidates` are entities it
    /// may have meant.
    #[error("no entity has the id, name or alias `{id}`{}", did_you_mean(.candidates))]
    EntityNotFound { id: String, candidates: Vec<String> },

    /// No document has this id.
    #[error("no document has the id `{id}`")]
    DocumentNotFound { id: String },

    /// No relation has these ends and kind.
    #[error("no `{kind}` relation goes from `{from}` to `{to}`")]
    RelationNotFound { from: String, to: String, kind: String },

    /// A write would give an entity a name or alias another entity already
    /// has.
    #[error("`{name}` is already a name of {holder}; use another name, or write `\"allow_same_name\": true` if this is a different entity on purpose")]
    NameTaken { name: String, holder: String },

    /// The corpus folder does not exist.
    #[error("no corpus folder at `{}`", .path.display())]
    CorpusMissing { path: PathBuf },

    /// A name or alias that several entities share.
    #[error("`{name}` names {} entities, use one of their ids: {}", .candidates.len(), .candidates.join(", "))]
    AmbiguousName { name: String, candidates: Vec<String> },

    /// A data file (training sentences, a gold set, articles to take in)
    /// that cannot be read as one.
    #[error("{}{}: {message}", .path.display(), line_suffix(*.line))]
    InvalidDataFile {
        path: PathBuf,
        line: usize,
        message: String,
    },

    /// A search query that cannot be run.
    #[error("invalid query: {message}")]
    InvalidQuery { message: String },

    /// A text too long to be read as one request (a need to match).
    #[error("the text is {bytes} bytes long, more than the {limit} a request reads; send its most telling part")]
    TextTooLarge { bytes: usize, limit: usize },

    /// A request parameter out of range or malformed.
    #[error("invalid parameter `{name}`: {message}")]
    InvalidParameter { name: String, message: String },

    /// The index directory holds no built index.
    #[error("no index in `{}`, run `innograph build` first", .path.display())]
    IndexMissing { path: PathBuf },

    /// The index exists but cannot be used.
    #[error("index at `{}` cannot be opened: {reason}", .path.display())]
    CorruptIndex { path: PathBuf, reason: String },

    /// A traversal reached a bound (visited nodes or time) before it could
    /// answer.
    #[error("query stopped at its {bound} budget ({limit}), narrow it with filters, a smaller depth or fewer paths")]
    BudgetExceeded { bound: String, limit: String },

    /// Another process holds the index for writing.
    #[error("another innograph process is writing to the index at {} (a server that took changes, or a build); send changes to that process, or wait for it to finish", .path.display())]
    IndexBusy { path: PathBuf },

    /// The index was rebuilt since this process opened it, so changes to
    /// the generation it reads would be lost.
    #[error("the index at {} was rebuilt since this process opened it; a server switches to the new one within seconds, retry then", .path.display())]
    IndexReplaced { path: PathBuf },

    /// A write failed in a way that leaves the process unable to take more
    /// (its graph and its files may disagree) until it restarts, which
    /// replays the log.
    #[error("writes are stopped until the server restarts: {reason}")]
    WritesStopped { reason: String },

    /// Changes are logged and applied to the graph, but their search
    /// entries are not committed: they are tried again, and opening the
    /// index brings the search index up to the log.
    #[error("the changes are written, but their search entries are not committed yet: {reason}")]
    SearchBehind { reason: String },

    /// Reading or writing a file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The search engine failed.
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),

    /// A binary snapshot or manifest could not be encoded or decoded.
    #[error("serialization error: {0}")]
    Serialization(String),

    /// An import's mapping file cannot be used: its TOML, an unknown key or
    /// value, or a column the spreadsheet lacks.
    #[error("bad mapping {file}{}{}: {message}", at_line(*.line), .key.as_ref().map(|key| format!(", key `{key}`")).unwrap_or_default())]
    InvalidMapping {
        file: String,
        /// 1-based line in the mapping, 0 when unknown.
        line: usize,
        key: Option<String>,
        message: String,
    },

    /// A spreadsheet that cannot be read as a table of text (binary data,
    /// an unclosed quote, a line far too long).
    #[error("{file}{}: {message}", at_line(*.line))]
    InvalidCsv {
        file: String,
        /// 1-based line, 0 for the whole file.
        line: usize,
        message: String,
    },

    /// An import with bad rows, which wrote nothing.
    #[error("{file}: {bad_rows} of {rows} row(s) are bad, nothing written (fix them, or pass --skip-bad to write the others)")]
    InvalidRows { file: String, rows: usize, bad_rows: usize },
}

/// `:line`, or nothing for line 0.
fn at_line(line: usize) -> String {
    if line > 0 {
        format!(":{line}")
    } else {
        String::new()
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn did_you_mean(candidates: &[String]) -> String {
    if candidates.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", candidates.join(", "))
    }
}

fn line_suffix(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

fn format_problems(problems: &[Problem]) -> String {
    const SHOWN: usize = 20;
    let mut message = format!("invalid corpus: {} problem(s)", problems.len());
    for problem in problems.iter().take(SHOWN) {
        message.push_str("\n  ");
        message.push_str(&problem.to_string());
    }
    if problems.len() > SHOWN {
        message.push_str(&format!("\n  … and {} more", problems.len() - SHOWN));
    }
    message
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Builds an [`Error::EntityNotFound`] without candidates.
    pub fn entity_not_found(id: &str) -> Self {
        Error::EntityNotFound {
            id: id.to_string(),
            candidates: Vec::new(),
        }
    }

    /// Builds an [`Error::InvalidParameter`].
    pub fn invalid_parameter(name: &str, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.to_string(),
            message: message.into(),
        }
    }

    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidCorpus { .. } => "invalid_corpus",
            Error::EntityNotFound { .. } => "entity_not_found",
            Error::RelationNotFound { .. } => "relation_not_found",
            Error::DocumentNotFound { .. } => "document_not_found",
            Error::NameTaken { .. } => "name_taken",
            Error::CorpusMissing { .. } => "corpus_missing",
            Error::AmbiguousName { .. } => "ambiguous_name",
            Error::InvalidDataFile { .. } => "invalid_data_file",
            Error::InvalidQuery { .. } => "invalid_query",
            Error::InvalidParameter { .. } => "invalid_parameter",
            Error::TextTooLarge { .. } => "payload_too_large",
            Error::IndexMissing { .. } => "index_missing",
            Error::CorruptIndex { .. } => "corrupt_index",
            Error::BudgetExceeded { .. } => "budget_exceeded",
            Error::IndexBusy { .. } => "index_busy",
            Error::IndexReplaced { .. } => "index_replaced",
            Error::WritesStopped { .. } => "writes_stopped",
            Error::SearchBehind { .. } => "search_behind",
            Error::InvalidMapping { .. } => "invalid_mapping",
            Error::InvalidCsv { .. } => "invalid_csv",
            Error::InvalidRows { .. } => "invalid_rows",
            Error::Io { .. } | Error::Tantivy(_) | Error::Serialization(_) => "internal",
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Error::InvalidCorpus { .. }
            | Error::InvalidDataFile { .. }
            | Error::InvalidQuery { .. }
            | Error::InvalidParameter { .. }
            | Error::AmbiguousName { .. }
            | Error::CorpusMissing { .. }
            | Error::InvalidMapping { .. }
            | Error::InvalidCsv { .. }
            | Error::InvalidRows { .. } => 400,
            Error::EntityNotFound { .. } | Error::RelationNotFound { .. } | Error::DocumentNotFound { .. } => 404,
            Error::NameTaken { .. } => 409,
            Error::TextTooLarge { .. } => 413,
            Error::BudgetExceeded { .. } => 422,
            Error::IndexBusy { .. } | Error::IndexReplaced { .. } => 409,
            Error::IndexMissing { .. } | Error::WritesStopped { .. } => 503,
            Error::CorruptIndex { .. }
            | Error::SearchBehind { .. }
            | Error::Io { .. }
            | Error::Tantivy(_)
            | Error::Serialization(_) => 500,
        }
    }

    /// Whether the caller can fix this by changing their input (CLI exit 2)
    /// rather than it being a fault of the system (exit 1).
    pub fn is_user_error(&self) -> bool {
        self.status() < 500 || matches!(self, Error::IndexMissing { .. })
    }
}

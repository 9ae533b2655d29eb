//! Articles as files give them: `.txt` and `.md` (one article, the first
//! line its title), `.jsonl` (one article per line, as the corpus's
//! documents), and HTML (one article, `<title>` kept, markup dropped).
//! Bytes are decoded as UTF-8 or, failing that, GB18030; a file that is
//! not text, a line that is not JSON, or an article too large to be one
//! is an error naming the file and the line, before anything is written.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::import::decode::decode;
use crate::import::Encoding;
use crate::model::Document;
use crate::{Error, Result};

/// The largest article taken, in bytes of text: a news article is a few
/// kilobytes and a long report a few hundred; a single line of many
/// megabytes is a file that is not an article.
pub const MAX_ARTICLE_BYTES: usize = 4 << 20;

/// An article read from a file or sent to the API, before it becomes a
/// [`Document`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// Kept when given; otherwise made from a hash of the title and text,
    /// so that taking the same article in twice writes it once.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: String,
    pub text: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub source: String,
}

impl Article {
    /// The id the article is written under: its own, or `doc_` and 16 hex
    /// digits of a hash of its title and text.
    pub fn document_id(&self) -> String {
        match self.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                let mut hasher = blake3::Hasher::new();
                hasher.update(self.title.trim().as_bytes());
                hasher.update(&[0x1f]);
                hasher.update(self.text.trim().as_bytes());
                format!("doc_{}", &hasher.finalize().to_hex()[..16])
            }
        }
    }

    /// The article as the document the graph and the index hold (not yet
    /// checked: see [`crate::corpus::rules::check_document`]).
    pub fn document(&self) -> Document {
        Document {
            id: self.document_id(),
            title: self.title.trim().to_string(),
            text: self.text.trim().to_string(),
            date: self.date.trim().to_string(),
            source: self.source.trim().to_string(),
            title_derived: false,
        }
    }
}

impl Article {
    /// The article as a document, checked by the corpus rules (an untitled
    /// one titled by its opening words) and against
    /// [`MAX_ARTICLE_BYTES`]; `at` (from 0) and the source name the article
    /// in an error.
    pub fn checked_document(&self, at: usize) -> Result<Document> {
        let place = match self.source.as_str() {
            "" => format!("article {}", at + 1),
            source => format!("article {} ({source})", at + 1),
        };
        if self.text.len() > MAX_ARTICLE_BYTES {
            return Err(Error::invalid_parameter(
                "text",
                format!("{place} is over {} MB", MAX_ARTICLE_BYTES >> 20),
            ));
        }
        let mut document = self.document();
        match crate::corpus::rules::check_document(&mut document).into_iter().next() {
            Some((field, message)) => Err(Error::invalid_parameter(field, format!("{place}: {message}"))),
            None => Ok(document),
        }
    }
}

/// What a file holds, told by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    JsonLines,
    Html,
}

fn format_of(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "txt" | "md" | "markdown" => Some(Format::Text),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        _ => None,
    }
}

/// The files `paths` name, directories walked (sorted, hidden entries
/// skipped) and files of unknown extensions inside them left out. A file
/// named directly must have a known extension.
pub fn article_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad_file(path, 0, "no such file or directory"),
            _ => Error::io(path, e),
        })?;
        if metadata.is_dir() {
            for entry in walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            {
                let entry = entry.map_err(|e| Error::io(path, e.into()))?;
                if entry.file_type().is_file() && format_of(entry.path()).is_some() {
                    files.push(entry.into_path());
                }
            }
        } else if format_of(path).is_some() {
            files.push(path.clone());
        } else {
            return Err(bad_file(
                path,
                0,
                "unknown kind of file: articles are .txt, .md, .jsonl or .html",
            ));
        }
    }
    Ok(files)
}

fn bad_file(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::InvalidDataFile {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Reads the articles of one file.
pub fn read_file(path: &Path) -> Result<Vec<Article>> {
    let format = format_of(path)
        .ok_or_else(|| bad_file(path, 0, "unknown kind of file: articles are .txt, .md, .jsonl or .html"))?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let source = path.to_string_lossy().replace('\\', "/");
    read_bytes(&bytes, format, path, &source)
}

fn read_bytes(bytes: &[u8], format: Format, path: &Path, source: &str) -> Result<Vec<Article>> {
    let decoded = decode(bytes, Encoding::Auto, &path.to_string_lossy()).map_err(|e| match e {
        Error::InvalidCsv { line, message, .. } => bad_file(path, line, message.replace("the sheet", "the file")),
        other => other,
    })?;
    let text = decoded.text.as_ref();
    let mut articles = match format {
        Format::Text => {
            check_size(text.len(), path, 1)?;
            text_article(text).into_iter().collect()
        }
        Format::Html => {
            check_size(text.len(), path, 1)?;
            let page = super::html::page_text(text);
            let article = Article {
                id: None,
                title: page.title,
                text: page.text,
                date: page.date.unwrap_or_default(),
                source: String::new(),
            };
            (!article.text.trim().is_empty() || !article.title.trim().is_empty())
                .then_some(article)
                .into_iter()
                .collect()
        }
        Format::JsonLines => json_lines(text, path)?,
    };
    if articles.is_empty() {
        return Err(bad_file(path, 1, "the file holds no article text"));
    }
    for article in &mut articles {
        if article.source.trim().is_empty() {
            article.source = source.to_string();
        }
        if article.text.trim().is_empty() {
            // a title alone is still an article, read as its own text
            article.text = article.title.clone();
        }
    }
    Ok(articles)
}

fn check_size(bytes: usize, path: &Path, line: usize) -> Result<()> {
    if bytes > MAX_ARTICLE_BYTES {
        return Err(bad_file(
            path,
            line,
            format!(
                "an article of {:.1} MB, over the {} MB an article may have: split the file",
                bytes as f64 / 1e6,
                MAX_ARTICLE_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

/// A `.txt` or `.md` file's article: the first non-blank line is the title
/// (a Markdown heading's `#` dropped), the rest the text.
pub fn text_article(text: &str) -> Option<Article> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.trim_start();
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let title = first.trim().trim_start_matches('#').trim().to_string();
    let body = rest.trim().to_string();
    if title.is_empty() && body.is_empty() {
        return None;
    }
    Some(Article {
        id: None,
        title,
        text: body,
        date: String::new(),
        source: String::new(),
    })
}

fn json_lines(text: &str, path: &Path) -> Result<Vec<Article>> {
    let mut articles = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let number = number + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        check_size(line.len(), path, number)?;
        let article: Article = serde_json::from_str(line).map_err(|e| {
            let message = if e.is_eof() {
                "the line ends inside a JSON value (a truncated record?)".to_string()
            } else {
                format!("not an article record: {e}; expected {{\"title\",\"text\",\"date\",\"source\",\"id\"}}")
            };
            bad_file(path, number, message)
        })?;
        if article.text.trim().is_empty() && article.title.trim().is_empty() {
            return Err(bad_file(path, number, "the record has no text"));
        }
        articles.push(article);
    }
    Ok(articles)
}

/// Reads the articles of every file `paths` name (see [`article_files`]),
/// all of them before any is written, so that a bad file stops the whole
/// run with nothing half-done.
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<Article>> {
    let mut articles = Vec::new();
    for file in article_files(paths)? {
        articles.extend(read_file(&file)?);
    }
    Ok(articles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, bytes: &[u8]) -> Result<Vec<Article>> {
        let path = Path::new(name);
        read_bytes(bytes, format_of(path).unwrap(), path, name)
    }

    #[test]
    fn text_files_give_a_title_and_a_body() {
        let articles = read("a.md", "\u{feff}# 青岛高新区新闻\n\n某公司落户高新区。\n".as_bytes()).unwrap();
        assert_eq!(articles.len(), 1);
        assert_eq!(articles[0].title, "青岛高新区新闻");
        assert_eq!(articles[0].text, "某公司落户高新区。");
        assert_eq!(articles[0].source, "a.md");
    }

    #[test]
    fn gbk_text_is_read() {
        let (bytes, _, _) = encoding_rs::GBK.encode("标题\n青岛农业大学与企业合作。");
        let articles = read("b.txt", &bytes).unwrap();
        assert_eq!(articles[0].text, "青岛农业大学与企业合作。");
    }

    #[test]
    fn ids_come_from_the_content_unless_given() {
        let a = text_article("标题\n正文").unwrap();
        let b = text_article("标题\n正文").unwrap();
        let c = text_article("标题\n另一篇").unwrap();
        assert_eq!(a.document_id(), b.document_id());
        assert_ne!(a.document_id(), c.document_id());
        assert!(a.document_id().starts_with("doc_"));
        let given = Article {
            id: Some("news-1".into()),
            ..a
        };
        assert_eq!(given.document_id(), "news-1");
    }

    #[test]
    fn bad_json_lines_name_their_line() {
        let text = "{\"title\":\"一\",\"text\":\"正文\"}\n{\"title\":\"二\",\"text\":\"截断";
        match read("c.jsonl", text.as_bytes()) {
            Err(Error::InvalidDataFile { line, message, .. }) => {
                assert_eq!(line, 2);
                assert!(message.contains("truncated"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        match read("d.jsonl", b"{\"txt\":\"x\"}\n") {
            Err(Error::InvalidDataFile { line: 1, message, .. }) => assert!(message.contains("txt"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_data_and_huge_lines_are_refused() {
        assert!(matches!(
            read("e.txt", b"title\n\x00\x01\x02binary"),
            Err(Error::InvalidDataFile { .. })
        ));
        let huge = format!("{{\"text\":\"{}\"}}\n", "长".repeat(MAX_ARTICLE_BYTES / 3 + 10));
        match read("f.jsonl", huge.as_bytes()) {
            Err(Error::InvalidDataFile { line: 1, message, .. }) => assert!(message.contains("MB"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_pages_keep_their_title_and_text() {
        let page = "<html><head><title>高新区动态</title><style>p{color:red}</style></head>\
                    <body><script>var x = '不要';</script><p>青岛某公司&amp;团队落户。</p></body></html>";
        let articles = read("g.html", page.as_bytes()).unwrap();
        assert_eq!(articles[0].title, "高新区动态");
        assert_eq!(articles[0].text, "青岛某公司&团队落户。");
    }
}

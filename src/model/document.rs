//! An article: a news item, report or profile that entities and relations
//! are learned from and that full-text search returns.

use serde::{Deserialize, Serialize};

use super::{Entity, EntityKind};

/// Characters of a text an untitled document's title is made of, at most.
pub const DERIVED_TITLE_CHARS: usize = 24;

/// One article of the corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    /// The title; for an untitled document, its opening words (see
    /// [`derived_title`]) and `title_derived` is set.
    #[serde(default)]
    pub title: String,
    pub text: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or empty when unknown.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub source: String,
    /// Whether `title` was made from the opening words of the text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub title_derived: bool,
}

impl Document {
    /// The article as a node of the graph: its title is the name, its date
    /// and source are props; the text stays in the search index.
    pub fn node(&self) -> Entity {
        let mut props = serde_json::Map::new();
        if !self.date.is_empty() {
            props.insert("date".into(), self.date.clone().into());
        }
        if !self.source.is_empty() {
            props.insert("source".into(), self.source.clone().into());
        }
        Entity {
            id: self.id.clone(),
            kind: EntityKind::Document,
            name: self.title.clone(),
            aliases: Vec::new(),
            description: String::new(),
            industry: Vec::new(),
            location: String::new(),
            props,
        }
    }
}

/// The title of an untitled text: its first sentence or line, cut to at
/// most [`DERIVED_TITLE_CHARS`] characters (with `…` when cut).
pub fn derived_title(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '；'))
        .map_or(text.len(), |(at, _)| at);
    let sentence = text[..end].trim();
    if sentence.chars().count() <= DERIVED_TITLE_CHARS {
        sentence.to_string()
    } else {
        let cut: String = sentence.chars().take(DERIVED_TITLE_CHARS).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untitled_texts_take_their_opening_words() {
        assert_eq!(derived_title("  高新区发布新政策。细则如下"), "高新区发布新政策");
        assert_eq!(derived_title("第一行\n第二行"), "第一行");
        let long = "这是一句非常非常长的没有任何标点符号的句子它一直写下去直到超过长度限制为止";
        let title = derived_title(long);
        assert_eq!(title.chars().count(), DERIVED_TITLE_CHARS + 1);
        assert!(title.ends_with('…'));
        assert_eq!(derived_title(""), "");
    }
}

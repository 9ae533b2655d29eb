//! Taking in articles: reading them from files (text, Markdown, JSON
//! lines, HTML), cutting their text into sentences, finding and linking
//! the names they mention, reading the relations their sentences state,
//! and planning the changes that write all of it with its evidence.

mod article;
mod cues;
pub mod eval;
mod extraction;
mod html;
pub mod link;
mod name_filter;
mod plan;
mod sentences;

pub use article::{article_files, read_file, read_paths, text_article, Article, MAX_ARTICLE_BYTES};
pub use extraction::{extract, Extraction, LinkStatus, LinkedMention, NewEntity, Reader, StatedRelation};
pub use html::{page_text, PageText};
pub use link::ShortForms;
pub use plan::{plan, ArticleSummary, Planned, MAX_EVIDENCE};
pub use sentences::{split_sentences, Sentence};

//! Full-text search over documents and entity profiles together: the tantivy
//! schema, writing entries (`writer`), turning user queries into tantivy
//! queries (`query`, `query_builder`), and answering requests with ranked,
//! faceted, highlighted results (`request`, `reader`), plus autocomplete on
//! entity names (`suggest`). Entities and documents share one index, each
//! entry saying what it is (`document` or an entity kind). Graph questions
//! are not answered here: the suggester reads the entities it names through
//! an [`EntityDirectory`], which the engine implements for the graph.

mod at_least;
mod bonus;
mod directory;
mod doc_freq;
mod facets;
mod keys;
mod per_kind;
mod query;
mod query_builder;
mod question;
mod reader;
mod request;
mod schema;
mod snippet;
mod suggest;
mod writer;

pub use directory::{EntityDirectory, ListedEntity};
pub use facets::Facets;
pub use per_kind::{FoundEntry, KindPage, KindPages};
pub use query::{parse_query, ParsedQuery, QueryPart};
pub use question::{is_function_word, QueryReading, FUNCTION_WORDS, MAX_CONTENT_WORDS};
pub use reader::SearchIndex;
pub use request::{SearchHit, SearchRequest, SearchResponse, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
pub use schema::DOCUMENT_KIND;
pub use snippet::{highlight, Highlighter};
pub use suggest::{
    pinyin_forms, SuggestRequest, SuggestResponse, Suggester, Suggestion, DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS,
};
pub use writer::SearchWriter;

//! Full-text search over documents and entity profiles together: the tantivy
//! schema, writing entries, parsing user queries into tantivy queries, and
//! ranked, faceted, highlighted results. Entities and documents share one
//! index, each entry saying what it is (`document` or an entity kind).
//! Graph questions are not answered here.

mod facets;
mod index;
mod query;
mod schema;
mod snippet;
mod suggest;

pub use facets::Facets;
pub use index::{SearchHit, SearchIndex, SearchRequest, SearchResponse, SearchWriter, MAX_LIMIT, MAX_OFFSET};
pub use query::{parse_query, ParsedQuery, QueryPart};
pub use schema::DOCUMENT_KIND;
pub use snippet::highlight;
pub use suggest::{pinyin_forms, SuggestResponse, Suggester, Suggestion, MAX_SUGGESTIONS};

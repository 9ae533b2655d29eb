//! The tantivy schema. Field names live here once; the rest of the code
//! reaches fields through [`Fields`], resolved when an index is opened.
//! Also the tokenizers the text fields name, and the form in which names
//! are compared whole.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Index;

use crate::text::{normalize, BigramTokenizer, Segmenter, WordTokenizer, BIGRAM_TOKENIZER, WORD_TOKENIZER};
use crate::{Error, Result};

/// The `kind` of entries that are articles rather than entities.
pub const DOCUMENT_KIND: &str = "document";
/// The Chinese name of the kind of documents.
pub const DOCUMENT_LABEL: &str = "文档";

/// Handles on every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Entity or document id (exact, stored).
    pub key: Field,
    /// `document` or the entity kind (exact, stored, columnar for facets).
    pub kind: Field,
    /// Industry names (exact, stored, several per entry, columnar).
    pub industry: Field,
    pub location: Field,
    /// Year of a dated entry (columnar only, for facets).
    pub year: Field,
    /// Identifiers in canonical form (IPC codes, patent numbers, credit codes).
    pub codes: Field,
    /// Entity name or document title (words, stored).
    pub title: Field,
    pub aliases: Field,
    /// Profile or article text (words, stored).
    pub body: Field,
    /// Industry and location names as words.
    pub tags: Field,
    /// Bigrams of title and aliases.
    pub title_bigrams: Field,
    /// Bigrams of body and tags.
    pub body_bigrams: Field,
    /// Normalised names and aliases as whole terms, for exact-name boosts.
    pub names_exact: Field,
    pub date: Field,
    /// Version of the segmentation dictionary the entry was indexed with.
    pub dictionary: Field,
}

/// Options of a tokenised field. Phrases are matched on the bigram fields
/// alone, so only they record positions; word fields keep frequencies.
fn text_options(tokenizer: &str, stored: bool) -> TextOptions {
    let record = if tokenizer == BIGRAM_TOKENIZER {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(record);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Builds the schema of a new index.
pub(crate) fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("key", STRING | STORED);
    builder.add_text_field("kind", STRING | STORED | FAST);
    builder.add_text_field("industry", STRING | STORED | FAST);
    builder.add_text_field("location", STRING | STORED | FAST);
    builder.add_text_field("year", FAST);
    builder.add_text_field("codes", STRING);
    builder.add_text_field("title", text_options(WORD_TOKENIZER, true));
    builder.add_text_field("aliases", text_options(WORD_TOKENIZER, false));
    builder.add_text_field("body", text_options(WORD_TOKENIZER, true));
    builder.add_text_field("tags", text_options(WORD_TOKENIZER, false));
    builder.add_text_field("title_bigrams", text_options(BIGRAM_TOKENIZER, false));
    builder.add_text_field("body_bigrams", text_options(BIGRAM_TOKENIZER, false));
    builder.add_text_field("names_exact", STRING);
    builder.add_text_field("date", STRING | STORED);
    builder.add_text_field("dictionary", STRING | STORED);
    builder.build()
}

/// Registers the tokenizers the text fields name, segmenting words with
/// `segmenter`; an index needs them before it is written or searched.
pub(crate) fn register_tokenizers(index: &Index, segmenter: &Segmenter) {
    index.tokenizers().register(
        WORD_TOKENIZER,
        TextAnalyzer::from(WordTokenizer::new(segmenter.clone())),
    );
    index
        .tokenizers()
        .register(BIGRAM_TOKENIZER, TextAnalyzer::from(BigramTokenizer::default()));
}

/// The form in which names are compared whole (the `names_exact` field):
/// normalised, no spaces.
pub(crate) fn exact_name(name: &str) -> String {
    normalize(name).chars().filter(|c| !c.is_whitespace()).collect()
}

impl Fields {
    /// Resolves every field by name, failing on an index of another layout.
    pub(crate) fn resolve(schema: &Schema) -> Result<Fields> {
        let field = |name: &str| {
            schema.get_field(name).map_err(|_| Error::CorruptIndex {
                path: Default::default(),
                reason: format!("the search index has no field `{name}`"),
            })
        };
        Ok(Fields {
            key: field("key")?,
            kind: field("kind")?,
            industry: field("industry")?,
            location: field("location")?,
            year: field("year")?,
            codes: field("codes")?,
            title: field("title")?,
            aliases: field("aliases")?,
            body: field("body")?,
            tags: field("tags")?,
            title_bigrams: field("title_bigrams")?,
            body_bigrams: field("body_bigrams")?,
            names_exact: field("names_exact")?,
            date: field("date")?,
            dictionary: field("dictionary")?,
        })
    }
}

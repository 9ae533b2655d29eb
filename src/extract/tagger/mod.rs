//! The statistical half of recognition: a sequence tagger over characters
//! (averaged structured perceptron, BIOES tags, Viterbi), its features,
//! its training and its file format. The model trained on CLUENER is built
//! into the binary (`models/ner.bin`, see `models/README.md`), so
//! recognition works from any directory and without the training data.

mod features;
mod gazetteer;
mod model;
mod table;
mod train;

use std::sync::LazyLock;

pub use features::{extract as extract_features, FeatureBuffer};
pub use gazetteer::Gazetteer;
pub use model::{Class, Part, TagScratch, TagSet, Tagger};
pub use train::{train, TrainConfig, TrainReport, TrainingSentence};

/// The model file built into the binary.
static BUILTIN: &[u8] = include_bytes!("../../../models/ner.bin");

/// The built-in tagger, decoded on first use; `None` (and an error in the
/// log) if the file built in does not decode, which a unit test rules out.
pub fn builtin() -> Option<&'static Tagger> {
    static TAGGER: LazyLock<Option<Tagger>> = LazyLock::new(|| match Tagger::from_bytes(BUILTIN) {
        Ok(tagger) => Some(tagger),
        Err(error) => {
            tracing::error!(%error, "the built-in tagger model does not decode; recognising with rules only");
            None
        }
    });
    TAGGER.as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_model_loads() {
        let tagger = builtin().expect("models/ner.bin decodes");
        assert!(tagger.feature_count() > 10_000);
        assert!(tagger.gazetteer().len() > 1_000, "the names of the training sentences");
        assert!(tagger
            .tags
            .classes
            .contains(&crate::extract::MentionKind::Organization.into()));
        assert!(tagger
            .tags
            .classes
            .contains(&crate::extract::MentionKind::Person.into()));
    }
}

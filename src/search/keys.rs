//! The key (entity or document id) of every entry of each segment, read
//! once from the segment's document store when the index is opened or
//! reloaded with new segments, so that a search which needs only its hits' ids (a match
//! reads hundreds, and shows a few dozen) decompresses no store block for
//! them. A segment never changes once written, so its keys stay valid; the
//! keys of segments the searcher no longer has are dropped when it is
//! reloaded.

use std::sync::{Arc, PoisonError, RwLock};

use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{DocId, Searcher, SegmentReader};

use super::reader::StoredText;
use crate::Result;

/// The keys of one segment's entries, in entry order.
struct SegmentKeys {
    /// Every key, one after the other.
    text: String,
    /// Where each entry's key ends in `text`.
    ends: Vec<u32>,
}

impl SegmentKeys {
    /// Reads the key of every entry of `segment` (deleted ones included).
    fn read(segment: &SegmentReader, key: Field) -> Result<SegmentKeys> {
        // one block at a time: the entries are read in order
        let store = segment.get_store_reader(1).map_err(tantivy::TantivyError::from)?;
        let mut text = String::new();
        let mut ends = Vec::with_capacity(segment.max_doc() as usize);
        for doc in 0..segment.max_doc() {
            let bytes = store.get_document_bytes(doc)?;
            text.push_str(&StoredText::read(&bytes, &[key], || store.get(doc))?.take(key));
            ends.push(
                u32::try_from(text.len())
                    .map_err(|_| tantivy::TantivyError::InternalError("a segment's keys pass 4 GiB".to_string()))?,
            );
        }
        Ok(SegmentKeys { text, ends })
    }

    fn key(&self, doc: DocId) -> Option<&str> {
        let doc = doc as usize;
        let end = *self.ends.get(doc)? as usize;
        let start = if doc == 0 { 0 } else { self.ends[doc - 1] as usize };
        self.text.get(start..end)
    }

    fn bytes(&self) -> usize {
        self.text.len() + 4 * self.ends.len()
    }
}

/// The keys of the entries of each segment of the current searcher.
#[derive(Default)]
pub(super) struct EntryKeys(RwLock<Vec<(SegmentId, Arc<SegmentKeys>)>>);

impl EntryKeys {
    /// Reads the keys of the segments of `searcher` not read yet, and
    /// forgets those of segments it no longer has.
    pub(super) fn refresh(&self, searcher: &Searcher, key: Field) -> Result<()> {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        let known: Vec<SegmentId> = self.read_lock().iter().map(|(segment, _)| *segment).collect();
        let mut read = Vec::new();
        for segment in searcher.segment_readers() {
            if !known.contains(&segment.segment_id()) {
                read.push((segment.segment_id(), Arc::new(SegmentKeys::read(segment, key)?)));
            }
        }
        // a cache: what a panicking holder left is still sound
        let mut segments = self.0.write().unwrap_or_else(PoisonError::into_inner);
        segments.retain(|(segment, _)| live.contains(segment));
        for (segment, keys) in read {
            if !segments.iter().any(|(known, _)| *known == segment) {
                segments.push((segment, keys));
            }
        }
        let bytes: usize = segments.iter().map(|(_, keys)| keys.bytes()).sum();
        tracing::debug!(segments = segments.len(), bytes, "entry keys read");
        Ok(())
    }

    /// The key of entry `doc` of `segment`, if its segment's keys are read.
    pub(super) fn key(&self, segment: SegmentId, doc: DocId) -> Option<String> {
        let segments = self.read_lock();
        let (_, keys) = segments.iter().find(|(known, _)| *known == segment)?;
        keys.key(doc).map(str::to_string)
    }

    fn read_lock(&self) -> std::sync::RwLockReadGuard<'_, Vec<(SegmentId, Arc<SegmentKeys>)>> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }
}

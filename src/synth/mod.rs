//! Synthetic innovation ecosystems of any size, for scale tests and the
//! matching evaluation: `innograph gen`. Output is a corpus directory that
//! `build` takes unchanged, every record marked synthetic, plus `truth.jsonl`
//! (the planted university–enterprise links) and `gen.json` (parameters and
//! counts). Deterministic for a seed: each record is drawn from its own
//! random stream, so the output does not depend on thread scheduling.
//!
//! Never writes into a directory that holds anything but an earlier
//! synthetic corpus.

mod emit;
mod growth;
mod plan;
mod text;
pub mod vocab;

pub use emit::{generate, GenConfig, GenSummary};

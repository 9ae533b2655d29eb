//! # innograph (创新图谱)
//!
//! A knowledge graph and Chinese full-text search engine for an innovation
//! ecosystem: the enterprises, universities, institutes, incubators, people,
//! patents, projects, products and policies of a high-tech zone, and how
//! they are linked, each link with the evidence it was learned from.
//!
//! Data flows in this order:
//! 1. [`corpus`] reads and validates `entities.jsonl`, `relations.jsonl` and
//!    articles into [`model`] records;
//! 2. [`store::build`] segments text with [`text`] (jieba extended with every
//!    entity name, plus CJK bigrams) into a [`search`] index, snapshots the
//!    [`graph`], and swaps the new generation into the index directory;
//! 3. [`Engine::open`] loads a generation and answers searches, entity views,
//!    neighbourhoods and paths, for the [`cli`] and the HTTP [`api`] alike.

pub mod api;
pub mod cli;
pub mod corpus;
mod durable;
mod engine;
mod error;
pub mod export;
pub mod graph;
mod heap;
pub mod model;
pub mod search;
pub mod store;
pub mod synth;
pub mod text;

pub use engine::{Engine, Stats, WriteReceipt, COMPACT_AFTER};
pub use error::{Error, Result};

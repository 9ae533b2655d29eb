//! End-to-end tests, one binary (one link) with a module per area:
//! - `corpus`: the curated corpus loads cleanly and every relation is backed
//!   by evidence found in its document;
//! - `build`: validation errors, atomic generations, crash during a build;
//! - `relevance`: Chinese queries over the curated corpus find what they should;
//! - `questions`: questions in plain Chinese find their answer in the top three;
//! - `graph`: paths and neighbourhoods of the curated corpus, with evidence;
//! - `http`: every endpoint, its JSON shape and its error bodies;
//! - `cli`: commands, `--json`, exit codes and stderr;
//! - `synth`: the synthetic generator's determinism, validity and shape;
//! - `text_search`: tricky Chinese text, identifiers, filters and suggest;
//! - `writes`: changes through the API, the token, restarts and rebuilds;
//! - `write_rules`: writes held to the corpus rules, nothing existing broken;
//! - `export`: GraphML and Neo4j CSV read back;
//! - `extract`: mention recognition against the labelled sentences, `train
//!   ner` and `eval extract`, held-out CLUENER when `../shared` is there;
//! - `import`: spreadsheets (UTF-8 with BOM, GBK) through the sample
//!   mappings: linked, idempotent, bad rows by line and column;
//! - `ingest`: articles in (files and HTTP): mentions linked, new entities,
//!   relations with their sentences, malformed files refused;
//! - `matching`: needs typed by hand find the organisations that hold the
//!   capability, partners left out unless asked for, explanations, bad
//!   input as 4xx and exit 2, `eval match`'s JSON;
//! - `petgraph_view`: petgraph's algorithms on the served graph agree with the
//!   engine's own answers.

#![allow(clippy::unwrap_used)]

mod build;
mod cli;
mod common;
mod corpus;
mod export;
mod extract;
mod graph;
mod http;
mod import;
mod ingest;
mod matching;
mod petgraph_view;
mod questions;
mod relevance;
mod synth;
mod text_search;
mod write_rules;
mod writes;

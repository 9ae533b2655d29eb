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
//! 4. [`import`] reads spreadsheets (registry exports, patent lists)
//!    through a mapping into changes, linked to the graph's entities, and
//!    writes them through the engine.
//!
//! The layers point one way: [`model`] → [`text`] and [`corpus`] →
//! [`search`] | [`graph`] → [`store`] → [`Engine`] → [`import`] → [`api`] |
//! [`cli`].
//!
//! ## The graph as a petgraph graph
//!
//! The graph keeps its own compact tables, and [`graph::GraphView`] makes
//! them a petgraph graph: `petgraph::algo` and `petgraph::visit` run on the
//! served graph directly. Open an index, borrow its graph and run Dijkstra
//! over relations taken both ways:
//!
//! ```
//! use innograph::Engine;
//! use petgraph::algo::{connected_components, dijkstra};
//! use petgraph::visit::UndirectedAdaptor;
//!
//! # let dir = tempfile::tempdir()?;
//! # let index = dir.path().join("index");
//! # innograph::store::build("corpus".as_ref(), &index, &mut |_| {})?;
//! let engine = Engine::open(&index)?;
//! let graph = engine.graph();
//! let view = graph.view();
//! assert!(connected_components(&view) >= 1);
//!
//! // hops from a professor to the institute behind his team's spin-off
//! let professor = graph.resolve("杨建明")?;
//! let hops = dijkstra(UndirectedAdaptor(&view), professor, None, |_| 1);
//! assert_eq!(hops[&graph.resolve("青岛市工业技术研究院")?], 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod api;
mod background;
pub mod cli;
pub mod corpus;
mod durable;
mod engine;
mod error;
pub mod export;
pub mod extract;
pub mod graph;
pub mod heap;
pub mod import;
pub mod ingest;
pub mod matching;
pub mod model;
pub mod params;
mod prefetch;
pub mod search;
pub mod store;
pub mod synth;
pub mod text;

pub use engine::{
    BatchReceipt, ChangeReceipt, Engine, IngestOptions, IngestReceipt, Resolved, Stats, WriteReceipt, WriteRules,
    COMPACT_AFTER,
};
pub use error::{Error, Result};

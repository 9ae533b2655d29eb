//! Spreadsheets into the graph: `innograph import --csv FILE --mapping
//! MAP.toml`. Registry exports (企业名称, 统一社会信用代码, 法定代表人 …) and
//! patent lists (申请号, 申请人, 发明人, 受让人 …) become entities and
//! relations, written durably through the engine without a rebuild.
//!
//! The data flows in this order:
//! 1. [`mapping`] reads the TOML that says which column feeds which field;
//! 2. [`decode`] turns the file's bytes into text (UTF-8 or GBK/GB18030,
//!    detected) and refuses what is not a text table;
//! 3. [`plan`] reads every row (cells converted by [`rows`], ids made by
//!    [`ids`]), links the names it gives to the graph's entities, and
//!    returns an [`ImportPlan`]: the changes, and each bad row by line and
//!    column; nothing is written;
//! 4. [`import`] writes a plan's changes in all-or-nothing batches.
//!
//! The CLI decides what to do with bad rows (write nothing, or the good
//! rows with `--skip-bad`).

pub mod decode;
pub mod ids;
pub mod mapping;
mod plan;
pub mod rows;
mod write;

pub use mapping::{Encoding, Mapping};
pub use plan::{plan, CsvInput, ImportPlan, ImportReport, KindCount, PlanCounts, RowProblem};
pub use write::{import, ImportReceipt, DEFAULT_CHUNK};

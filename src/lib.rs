//! reprint finds near-duplicate and overlapping news articles: syndicated wire
//! copy, lightly edited reprints and reused passages.
//!
//! # Pipeline
//!
//! Data flows one way. `ARCHITECTURE.md`, at the root of the repository, maps
//! every stage to its files, says which file owns which rule, and where to add
//! a stage, a verdict, an input format or a report field.
//!
//! ```text
//! read: input -> normalize -> shingle -> sketch         (per document, in parallel)
//!                                     \-> fingerprint
//!                                     \-> story terms
//! candidates: lsh | overlap | story candidates, merged  (pairs worth checking)
//! pairs: verify -> align -> grade (+ story score, evidence)  (batch by batch)
//! group: cluster (duplicates) | story linkage (stories)
//! assemble: report
//! ```
//!
//! The crate root is what most callers need: [`run`] scans a stream of
//! [`Entry`] values (from a [`CorpusReader`] or built from [`Document`]s) with a
//! [`Config`] into a [`Scan`], whose [`Report`] lists every pair with its
//! [`Verdict`], scores and shared passages; [`compare`] grades two documents
//! whatever their similarity. [`report`] writes reports as JSON, JSON Lines,
//! CSV, HTML or text; [`progress`] reports how far a scan got. [`stages`] has
//! the stages one by one for those who build their own pipeline. With the
//! `eval` feature, `eval` scores reprint on labeled benchmarks (PAN 2013); with
//! `synthetic`, `synthetic` generates corpora with planted reuse.
//!
//! # Example
//!
//! ```
//! use reprint::{Config, Document, Entry};
//!
//! let story = "The central bank raised its main interest rate by half a point on \
//!              Tuesday, the largest increase in two decades, citing stubborn inflation.";
//! let docs = vec![
//!     Document::new("wire", story),
//!     Document::new("reprint", format!("{story} Markets fell.")),
//!     Document::new("other", "A local team won the cup final after extra time."),
//! ];
//! let scan = reprint::run(&Config::default(), docs.into_iter().map(|d| Ok(Entry::Document(d))))?;
//! let pair = &scan.report.pairs[0];
//! assert_eq!((pair.scores.a.as_str(), pair.scores.b.as_str()), ("wire", "reprint"));
//! assert!(pair.scores.jaccard > 0.8);
//! assert_eq!(pair.passages[0].a.text, story.trim_end_matches('.'));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

// The stages, in the order data flows through them (ARCHITECTURE.md).
mod align;
mod boilerplate;
mod cluster;
mod copies;
mod fingerprint;
mod grade;
mod input;
mod lsh;
mod normalize;
mod overlap;
mod pipeline;
pub mod report;
mod shingle;
mod sketch;
mod spill;
mod story;
mod terms;
mod verify;

// What every stage shares.
pub mod config;
pub mod defaults;
mod error;
mod hash;
mod ids;
pub mod options;
pub mod progress;

pub mod stages;

#[cfg(feature = "eval")]
pub mod eval;
#[cfg(feature = "index")]
pub mod index;
#[cfg(feature = "serve")]
pub mod serve;
#[cfg(any(test, feature = "synthetic"))]
pub mod synthetic;

pub use config::Config;
pub use error::Error;
pub use grade::Verdict;
pub use ids::DocId;
pub use input::{
    document_from_line, document_from_record, parse_time, read_document, reads_as_article,
    CorpusReader, Document, Entry, Origin, Record, RecordReader, Skipped,
};
pub use pipeline::{compare, run, run_with_progress, Scan};
pub use report::{Comparison, Report};

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

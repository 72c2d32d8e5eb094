//! reprint finds near-duplicate and overlapping news articles: syndicated wire
//! copy, lightly edited reprints and reused passages.
//!
//! # Pipeline
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! input -> normalize -> shingle -> sketch ------> lsh -----+-> verify -> cluster -> align -> grade -> report
//!                               \-> fingerprint -> overlap -/
//! ```
//!
//! [`input`] streams documents from folders and JSON Lines; [`normalize`] applies
//! NFKC, case folding and typographic rules while keeping a map to the original
//! bytes; [`shingle`] hashes word k-grams (or character n-grams) with one named,
//! seeded hash; [`sketch`] computes MinHash signatures in parallel per document;
//! [`lsh`] bands them into candidate pairs of near-duplicates. Beside it,
//! [`fingerprint`] winnows each document's k-grams and [`overlap`] indexes them into
//! candidate pairs that share any passage, leaving out text found in too many
//! documents ([`boilerplate`]). [`verify`] scores candidates exactly; [`cluster`]
//! groups near-duplicates; [`align`] finds the shared passages, verbatim or
//! reworded, at offsets into the original texts; [`grade`] gives each pair its
//! verdict; [`report`] holds and formats the result. [`pipeline`] runs them in
//! order. [`eval`] scores the alignment on labeled benchmarks (PAN 2013).
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

pub mod align;
pub mod boilerplate;
pub mod cluster;
pub mod config;
pub mod defaults;
pub mod error;
pub mod eval;
pub mod fingerprint;
pub mod grade;
pub mod hash;
pub mod ids;
pub mod input;
pub mod lsh;
pub mod normalize;
pub mod overlap;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod shingle;
pub mod sketch;
pub mod story;
pub mod synthetic;
pub mod terms;
pub mod verify;

pub use config::Config;
pub use error::Error;
pub use ids::DocId;
pub use input::{CorpusReader, Document, Entry, Skipped};
pub use pipeline::{compare, run, run_with_progress, Scan};
pub use report::Report;

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

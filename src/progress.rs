//! What a scan reports while it runs, for progress bars.
//!
//! The pipeline calls a [`Progress`] as it goes: [`Stage::Read`] while it
//! reads and sketches (documents, total unknown: input may be a stream),
//! [`Stage::Candidates`] while the candidate stages run (no units), and
//! [`Stage::Check`] while it verifies, aligns and grades candidate pairs
//! (pairs, total known). The report does not depend on it.

/// A stage of a scan, as a progress display names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and sketching documents.
    Read,
    /// Finding candidate pairs (MinHash LSH, shared passages, story terms).
    Candidates,
    /// Verifying, aligning and grading candidate pairs.
    Check,
}

/// Receives a scan's progress. Both methods may be called from any thread.
pub trait Progress: Sync {
    /// `stage` starts, with `total` units of work when known.
    fn start(&self, stage: Stage, total: Option<u64>);
    /// `units` more of the current stage are done.
    fn advance(&self, units: u64);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: Stage, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}

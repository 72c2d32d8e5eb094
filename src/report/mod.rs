//! The result of a scan, as data: what was read and skipped, the settings in
//! force, per-stage counts and timings, the verified pairs with their shared
//! passages, the clusters, and the closest pairs below the threshold.
//!
//! This module only holds and formats finished results ([`json`] for the wire
//! format, [`text`] for the terminal); the analysis happens in the stages.

pub mod json;
pub mod text;

use serde::Serialize;

use crate::align::Passage;
use crate::config::{Keep, ShingleConfig};
use crate::input::Skipped;

/// Version of the JSON report format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// A finished scan. See [`json`] for the meaning of every field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The program that wrote the report.
    pub tool: Tool,
    /// The settings in force.
    pub parameters: Parameters,
    /// How many items each stage saw or produced.
    pub counts: Counts,
    /// Input items not scanned, in input order, with reasons.
    pub skipped: Vec<Skipped>,
    /// Verified pairs, highest Jaccard first.
    pub pairs: Vec<PairReport>,
    /// Duplicate clusters, largest first.
    pub clusters: Vec<ClusterReport>,
    /// The closest pairs below the threshold, highest Jaccard first.
    pub near_misses: Vec<PairScores>,
    /// Threads and timings: the only part that varies between identical runs.
    pub run: RunInfo,
}

/// Name and version of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// Always `reprint`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "reprint",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameters {
    /// Shingle unit and size.
    pub shingle: ShingleConfig,
    /// The shingle hash.
    pub hash: HashInfo,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Jaccard threshold of a verified pair.
    pub threshold: f64,
    /// Banding.
    pub lsh: LshReport,
    /// Shortest passage reported, in words.
    pub min_passage_words: usize,
    /// Which cluster member is the representative.
    pub keep: Keep,
}

/// The named, seeded shingle hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashInfo {
    /// Hash function name.
    pub name: &'static str,
    /// Seed (also the seed of the MinHash permutations).
    pub seed: u64,
}

/// Banding parameters and what they imply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LshReport {
    /// Number of bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// `auto` (chosen from the threshold) or `set` (given by the user).
    pub chosen: &'static str,
    /// `num_perm - bands * rows`: permutations computed but not used by LSH.
    pub unused_permutations: usize,
    /// Probability that a pair whose Jaccard equals the threshold becomes a candidate.
    pub candidate_probability_at_threshold: f64,
}

/// Per-stage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Counts {
    /// Documents and unusable items read from the input.
    pub documents_read: usize,
    /// Of those, not scanned (see `skipped`).
    pub documents_skipped: usize,
    /// Of those, scanned.
    pub documents_scanned: usize,
    /// Pairs sharing at least one LSH band.
    pub candidate_pairs: usize,
    /// Candidates at or above the threshold.
    pub verified_pairs: usize,
    /// Candidates below the threshold.
    pub rejected_pairs: usize,
    /// Duplicate clusters.
    pub clusters: usize,
    /// Documents in some cluster.
    pub documents_in_clusters: usize,
    /// Documents `dedup` removes: cluster members that are not representatives.
    pub duplicates: usize,
}

/// Scores of one pair of documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScores {
    /// Id of the document that came first in the input.
    pub a: String,
    /// Id of the other document.
    pub b: String,
    /// Exact Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// MinHash estimate of it.
    pub estimated_jaccard: f64,
    /// Share of A's shingles found in B.
    pub containment_a_in_b: f64,
    /// Share of B's shingles found in A.
    pub containment_b_in_a: f64,
    /// Distinct shingles of A.
    pub shingles_a: usize,
    /// Distinct shingles of B.
    pub shingles_b: usize,
    /// Shingles in both.
    pub shared_shingles: usize,
}

/// A verified pair with its shared passages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairReport {
    /// Ids and scores.
    #[serde(flatten)]
    pub scores: PairScores,
    /// Shared passages, in the order they appear in A.
    pub passages: Vec<Passage>,
}

/// A duplicate cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterReport {
    /// Number of members.
    pub size: usize,
    /// Id of the member `dedup` keeps.
    pub representative: String,
    /// Ids of all members, in input order.
    pub members: Vec<String>,
}

/// Threads and wall-clock seconds per stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct RunInfo {
    /// Worker threads used.
    pub threads: usize,
    /// Seconds per stage.
    pub seconds: Timings,
}

/// Wall-clock seconds per stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Timings {
    /// Reading and parsing the input.
    pub read: f64,
    /// Normalizing, shingling and MinHash sketching.
    pub sketch: f64,
    /// Building band tables and candidate pairs.
    pub lsh: f64,
    /// Exact scoring of candidates (and of all pairs of a small corpus, for near misses).
    pub verify: f64,
    /// Union-find clustering.
    pub cluster: f64,
    /// Shared passages of verified pairs.
    pub align: f64,
    /// Everything.
    pub total: f64,
}

/// The result of `compare`: one pair, with the settings that scored it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The program that wrote it.
    pub tool: Tool,
    /// Shingle unit and size.
    pub shingle: ShingleConfig,
    /// The shingle hash.
    pub hash: HashInfo,
    /// MinHash signature length (for the estimate).
    pub num_perm: usize,
    /// Shortest passage reported, in words.
    pub min_passage_words: usize,
    /// The two documents' scores and shared passages.
    pub pair: PairReport,
}

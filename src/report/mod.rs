//! The result of a scan, as data: what was read and skipped, the settings in
//! force, per-stage counts and timings, the verified pairs with their shared
//! passages, the clusters, and the closest pairs below the threshold.
//!
//! This module only holds and formats finished results ([`json`] for the wire
//! format, [`terminal`] for the terminal, [`lines`] for CSV and JSON Lines,
//! [`html`] for the browser); the analysis happens in the stages.

pub mod html;
pub mod json;
pub mod lines;
pub mod terminal;

use std::borrow::Cow;

use ahash::AHashSet;
use serde::{Deserialize, Serialize};

use crate::config::{AlignConfig, GradeConfig, Keep, ShingleConfig};
use crate::input::Skipped;

// The types a report holds that stages define, so that a caller can name them.
pub use crate::align::{Passage, PassageSide};
pub use crate::grade::{Containment, Verdict};
pub use crate::story::evidence::SharedEvidence;
pub use crate::story::score::Side;

/// Version of the JSON report format; bumped on any incompatible change.
/// Version 2 added verdicts, partial-overlap candidates, reuse coverage and
/// boilerplate; version 3 the story stage (the `rewrite` verdict, `story`
/// scores and evidence, story clusters) and renamed the verdict `none` to
/// `unrelated`; version 4 gave each setting one name across the CLI, the
/// config and the report (`align.min_passage_words`, `align.max_gap_words`,
/// `grade.story_threshold`), dropped the copy `parameters.min_passage_words`,
/// and added the rewrite rule's evidence, the story clusters' threshold and
/// the counts of demoted pairs and templates.
pub const FORMAT_VERSION: u32 = 7;

/// A finished scan. See [`json`] for the meaning of every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// What was left out of `pairs` and `passages`, and why.
    pub suppressed: Suppressed,
    /// Pairs graded duplicate, near-duplicate, partial reuse or rewrite:
    /// strongest verdict first, then (rewrites) highest story similarity, then
    /// highest Jaccard, then most reused text.
    pub pairs: Vec<PairReport>,
    /// Duplicate clusters, largest first.
    pub clusters: Vec<ClusterReport>,
    /// Story clusters, largest first (empty when the story stage is off).
    pub story_clusters: Vec<StoryClusterReport>,
    /// The closest pairs not in `pairs` (below the threshold, no reuse), highest
    /// Jaccard first.
    pub near_misses: Vec<PairScores>,
    /// Threads and timings: the only part that varies between identical runs.
    pub run: RunInfo,
}

impl Report {
    /// The ids of the documents its pairs, clusters and story clusters name,
    /// each once: the documents whose texts a written report shows.
    pub fn named_ids(&self) -> AHashSet<&str> {
        let paired = self.pairs.iter().flat_map(|p| [&p.scores.a, &p.scores.b]);
        let clustered = self.clusters.iter().flat_map(|c| &c.members);
        let in_stories = self.story_clusters.iter().flat_map(|c| &c.members);
        paired
            .chain(clustered)
            .chain(in_stories)
            .map(String::as_str)
            .collect()
    }
}

/// Name and version of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `reprint`.
    pub name: Cow<'static, str>,
    /// The crate version.
    pub version: Cow<'static, str>,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: Cow::Borrowed("reprint"),
            version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Which cluster member is the representative.
    pub keep: Keep,
    /// Alignment settings.
    pub align: AlignConfig,
    /// The partial-overlap candidate stage.
    pub overlap: OverlapReport,
    /// The verdict rule's settings.
    pub grade: GradeConfig,
    /// The JSON field read as publication time, if any.
    pub time_field: Option<String>,
    /// Whether that field was detected (tried among the usual names)
    /// rather than named by the caller.
    pub time_field_detected: bool,
    /// The story stage's background model (null when the stage is off).
    pub story_background: Option<String>,
    /// Average story similarity at which groups join one story cluster.
    pub story_cluster_threshold: f64,
}

/// Settings of the partial-overlap candidate stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlapReport {
    /// Whether the stage ran.
    pub enabled: bool,
    /// Words per winnowed k-gram.
    pub k: usize,
    /// Winnowing window, in k-grams; any shared run of `k + window - 1` words
    /// shares a fingerprint.
    pub window: usize,
    /// Fingerprints found in more documents than this are boilerplate.
    pub max_df: usize,
    /// Number of phrases given to ignore.
    pub ignored_phrases: usize,
}

/// What was left out, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Suppressed {
    /// Distinct fingerprints found in more than `max_df` documents: they made no
    /// candidates, and their words count as boilerplate.
    pub boilerplate_fingerprints: u64,
    /// Distinct fingerprints of recurring text: in at least 5 documents whose
    /// dates span more than 30 days (a report's fixed sentences written again
    /// each week or month). They made no candidates either, and their words
    /// count as boilerplate.
    pub recurring_fingerprints: u64,
    /// Candidate pairs those fingerprints would have made (pair emissions).
    pub boilerplate_pair_emissions: u64,
    /// Distinct template fingerprints (k-grams of the texts with numbers and
    /// names as slots) filled in at least 5 different ways across the corpus:
    /// their words count as boilerplate (bond-issue formulas, footers with a
    /// date).
    pub boilerplate_templates: usize,
    /// Occurrences of ignored phrases in the scanned documents.
    pub ignored_phrase_occurrences: usize,
    /// Overlap candidates (found by no other stage) sharing too few
    /// fingerprints to hold partial reuse: neither `min_reuse_words` words nor
    /// half of the shorter document can lie in identical runs they share. Not
    /// verified or aligned.
    pub overlap_pairs_too_small: usize,
    /// Passages marked as boilerplate (listed, but not counted as reuse).
    pub boilerplate_passages: usize,
    /// Aligned pairs graded `none` (their overlap is incidental or boilerplate);
    /// not listed in `pairs`.
    pub pairs_without_reuse: usize,
    /// Aligned pairs where a phrase repeated more than 32 times in one text
    /// anchored no passage (repetitive text is not aligned, to bound the work).
    pub pairs_with_repetitive_text: usize,
    /// Documents without a readable publication time (when a time field is set).
    pub documents_without_time: usize,
    /// Pairs on one topic (story similarity at the story threshold) not
    /// graded rewrite because the names and numbers of their story passage
    /// are mostly not in the other article.
    pub stories_without_specifics: usize,
    /// Pairs on one story not graded rewrite because they are further apart
    /// in time than the story window and not similar enough outside it:
    /// another instance of a recurring report, another event of one company.
    pub stories_far_apart: usize,
    /// Pairs not graded partial reuse or rewrite because more of the
    /// sentences they tell alike give other figures than the same: two
    /// instances of a recurring report.
    pub recurring_reports: usize,
    /// Pairs on one story not graded rewrite because both give several
    /// amounts (prices, sums, counts; not dates or times) and few are the
    /// same: two events of one kind, two instances of a report.
    pub stories_with_other_amounts: usize,
    /// LSH buckets (over all bands) of more than 100 documents, whose
    /// members were each paired with the bucket's first only.
    pub crowded_lsh_buckets: usize,
    /// The pairs those buckets did not propose, summed over bands.
    pub crowded_bucket_pairs: u64,
}

/// The named, seeded shingle hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashInfo {
    /// Hash function name.
    pub name: Cow<'static, str>,
    /// Seed (also the seed of the MinHash permutations).
    pub seed: u64,
}

/// Banding parameters and what they imply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LshReport {
    /// Number of bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// `auto` (chosen from the threshold) or `set` (given by the user).
    pub chosen: Cow<'static, str>,
    /// `num_perm - bands * rows`: permutations computed but not used by LSH.
    pub unused_permutations: usize,
    /// Probability that a pair whose Jaccard equals the threshold becomes a candidate.
    pub candidate_probability_at_threshold: f64,
}

/// Per-stage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Counts {
    /// Documents and unusable items read from the input.
    pub documents_read: usize,
    /// Of those, not scanned (see `skipped`).
    pub documents_skipped: usize,
    /// Of those, scanned.
    pub documents_scanned: usize,
    /// Distinct candidate pairs from either stage.
    pub candidate_pairs: usize,
    /// Pairs sharing at least one LSH band.
    pub minhash_candidates: usize,
    /// Pairs sharing a winnowed fingerprint.
    pub overlap_candidates: usize,
    /// Pairs found by both stages.
    pub found_by_both: usize,
    /// Candidates at or above the threshold.
    pub verified_pairs: usize,
    /// Candidates below the threshold that no stage aligned (MinHash-only).
    pub rejected_pairs: usize,
    /// Pairs whose passages were aligned and graded.
    pub aligned_pairs: usize,
    /// Pairs graded duplicate.
    pub duplicate_pairs: usize,
    /// Pairs graded near-duplicate.
    pub near_duplicate_pairs: usize,
    /// Pairs graded partial reuse.
    pub partial_reuse_pairs: usize,
    /// Pairs graded rewrite.
    pub rewrite_pairs: usize,
    /// Candidate pairs the story stage found.
    pub story_candidates: usize,
    /// Pairs only the story stage found whose similarity fell short.
    pub story_rejected: usize,
    /// Story clusters.
    pub story_clusters: usize,
    /// Duplicate clusters.
    pub clusters: usize,
    /// Documents in some cluster.
    pub documents_in_clusters: usize,
    /// Documents `dedup` removes: cluster members that are not representatives.
    pub duplicates: usize,
    /// Documents whose MinHash signature equals an earlier document's (the
    /// same text, or nearly): left out of the candidate stages, each takes
    /// that document's pairs (listed for a group of at most 16, implied for
    /// a larger one).
    pub copies: usize,
    /// Pairs the listed ones imply but that are not listed: pairs inside a
    /// duplicate cluster not checked one by one, and the pairs of a copy
    /// with other documents.
    pub pairs_not_listed: u64,
}

/// Scores of one pair of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A graded pair with its shared passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairReport {
    /// Ids and scores.
    #[serde(flatten)]
    pub scores: PairScores,
    /// What the pair is (see `crate::grade` for the rule).
    pub verdict: Verdict,
    /// The candidate stages that found it: `minhash`, `overlap`, `story`.
    pub found_by: Vec<Cow<'static, str>>,
    /// How much of each text the shared passages (not boilerplate) cover.
    pub reuse: ReuseReport,
    /// Shared passages, in the order they appear in A.
    pub passages: Vec<Passage>,
    /// Story similarity and, for a rewrite, what the two share (null when the
    /// story stage is off).
    pub story: Option<StoryReport>,
}

/// How alike two articles' stories are (see `crate::story::score`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryReport {
    /// The mean of `cosine` and `passage_containment`.
    pub similarity: f64,
    /// Cosine of the two articles' tf-idf vectors.
    pub cosine: f64,
    /// The best passage's share of weight found in the other article.
    pub passage_containment: f64,
    /// Of that passage's names and numbers (by idf), the share the other
    /// article has.
    pub passage_specifics: f64,
    /// Cosine of the two articles' names and numbers (by idf).
    pub specifics_cosine: f64,
    /// Days between the two articles (the larger of what their times and
    /// their datelines say), when known.
    pub days_apart: Option<u32>,
    /// Sentences of one article told in the other with mostly the same words
    /// and the same figures (counted from both sides; 0 unless the pair
    /// could be partial reuse or a rewrite).
    pub figures_same: u32,
    /// Such sentences told with other figures: more of these than of the
    /// same figures mark a recurring report.
    pub figures_other: u32,
    /// That passage: `a` or `b`, and where it lies in that article's text.
    pub passage: Option<StoryPassage>,
    /// Shared names, numbers, quotes and terms (pairs graded `rewrite`).
    pub shared: Option<SharedEvidence>,
}

/// The passage of one article whose story the other shares most.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryPassage {
    /// Which article it is in.
    pub side: Side,
    /// First byte.
    pub start_byte: usize,
    /// One past the last byte.
    pub end_byte: usize,
    /// First character (Unicode scalar value).
    pub start_char: usize,
    /// One past the last character.
    pub end_char: usize,
    /// Its length in words.
    pub words: usize,
}

/// A story cluster: articles about one story (see `crate::story::linkage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryClusterReport {
    /// Number of members.
    pub size: usize,
    /// Ids of the members, in input order.
    pub members: Vec<String>,
    /// The lowest average link at which two of its parts joined.
    pub weakest_link: f64,
    /// Share of member pairs whose own link reaches the threshold.
    pub linked_share: f64,
}

/// Reused text of a pair and its direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReuseReport {
    /// Words of A inside shared passages that are not boilerplate.
    pub words_a: usize,
    /// Words of B inside them.
    pub words_b: usize,
    /// `words_a` over A's words.
    pub share_a: f64,
    /// `words_b` over B's words.
    pub share_b: f64,
    /// Which text holds the other: `a_in_b`, `b_in_a`, `mutual` or `none`.
    pub containment: Containment,
    /// Id of the earlier document (from the time field), or null.
    pub likely_source: Option<String>,
}

/// A duplicate cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterReport {
    /// Number of members.
    pub size: usize,
    /// Id of the member `dedup` keeps.
    pub representative: String,
    /// Ids of all members, in input order.
    pub members: Vec<String>,
}

/// Threads and wall-clock seconds per stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct RunInfo {
    /// Worker threads used.
    pub threads: usize,
    /// Seconds per stage.
    pub seconds: Timings,
    /// Bytes written to temporary files past the memory budget (LSH band
    /// keys; fingerprints, templates and pair emissions of the overlap stage).
    pub spilled_bytes: u64,
    /// The process's peak resident memory when the report was assembled, in
    /// bytes, where the system says (Linux: `VmHWM`); for a library caller it
    /// counts the caller's memory too.
    pub peak_memory_bytes: Option<u64>,
}

/// Wall-clock seconds per stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Timings {
    /// Reading and parsing the input.
    pub read: f64,
    /// Normalizing, shingling and MinHash sketching.
    pub sketch: f64,
    /// Building band tables and candidate pairs.
    pub lsh: f64,
    /// The partial-overlap index and its candidates (with finding copies,
    /// counting templates and merging the candidates of all stages).
    pub overlap: f64,
    /// The story stage's candidates (documents sharing distinctive terms).
    pub story: f64,
    /// Cutting the documents of candidate pairs into words, stems and
    /// sentences (once per document, for verification and alignment).
    pub prepare: f64,
    /// Exact scoring of candidates (and of all pairs of a small corpus, for near misses).
    pub verify: f64,
    /// Union-find clustering.
    pub cluster: f64,
    /// Shared passages and grades of candidate pairs.
    pub align: f64,
    /// Everything.
    pub total: f64,
}

/// The result of `compare`: one pair, with the settings that scored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Alignment settings.
    pub align: AlignConfig,
    /// The verdict rule's settings.
    pub grade: GradeConfig,
    /// The two documents' scores, verdict and shared passages.
    pub pair: PairReport,
}

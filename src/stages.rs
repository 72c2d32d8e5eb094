//! The stages one by one, for benchmarks, experiments and pipelines of your
//! own: everything [`crate::run`] does, in pieces (as `fst::raw` is to `fst`).
//!
//! A scan, in the order these run (ARCHITECTURE.md has the whole map):
//! [`for_each_word`] cuts a text into normalized words; a [`Shingler`] hashes
//! them into a [`ShingleSet`]; a [`MinHasher`] sketches it into a
//! [`Signature`]; [`banded_pairs`] finds near-duplicate candidates by LSH
//! (a scan keeps [`band_keys`] in a [`Partitioned`] store, which spills past
//! a memory budget, and buckets them with [`banded_pairs_of_store`]);
//! beside it, a [`Winnower`] fingerprints each text and
//! [`shared_fingerprint_pairs`] pairs texts that share one; [`verify`] scores
//! candidates exactly; [`align`] finds shared passages between two
//! [`AlignText`]s (a scan finds their [`Runs`] first, and a near copy takes
//! its passage from them with [`align_by_runs`]); [`Rules`] grades a pair; [`cluster`] groups
//! near-duplicates.
//!
//! These are less settled than the crate root: names and signatures may
//! change between minor versions.

pub use crate::align::{align, align_by_runs, align_from, AlignText, Alignment, Runs};
pub use crate::boilerplate::{is_template, template_id};
pub use crate::cluster::{cluster, Cluster};
pub use crate::copies::{implied_pairs, is_listed_group, listed_pairs, MAX_LISTED_COPIES};
pub use crate::fingerprint::{Scratch as FingerprintScratch, Winnower};
pub use crate::grade::{Grade, Rules, Source};
pub use crate::ids::CandidatePair;
pub use crate::lsh::{
    band_keys, banded_pairs, banded_pairs_of_store, bucket_pairs_of, is_crowded, BandedPairs,
    BucketPairs, LshParams, MAX_BUCKET,
};
pub use crate::normalize::for_each_word;
pub use crate::overlap::{
    shared_fingerprint_pairs, Days, FingerprintRole, OverlapCandidates, OverlapParams,
    RECURRING_MIN_DOCUMENTS, RECURRING_SPAN_DAYS,
};
pub use crate::pipeline::{
    align_listed, check_given, check_given_linked, pair_order_key, report_parameters,
    story_clusters_of_accounts, without_words, GivenCandidates, GivenPair, ListedPair,
    PairOrderKey, StoryCluster, StoryLink, Timing, EXHAUSTIVE_NEAR_MISS_DOCS, MAX_NEAR_MISSES,
};
#[cfg(feature = "index")]
pub use crate::pipeline::{ArticleSketch, ArticleSketcher};
pub use crate::shingle::{Scratch, ShingleSet, Shingler, Token};
pub use crate::sketch::{MinHasher, Signature};
pub use crate::spill::{Partitioned, Record, PARTITIONS};
pub use crate::story::candidates::{ChanceRule, MAX_CHANCE_PARTNERS, MAX_POSTINGS};
pub use crate::verify::{verify, ScoredPair, Similarity};

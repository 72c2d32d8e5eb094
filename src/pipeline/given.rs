//! The pair stage and the report for candidates found elsewhere: an index's
//! check finds the candidates of its new articles from stored postings, and
//! hands them here with what the corpus says about them.
//!
//! Input: a [`GivenCandidates`]: the documents of the candidate pairs (in
//! corpus order, a subset of the corpus), the pairs with the stages that
//! found them, and the corpus-wide facts the pair stage reads (boilerplate
//! fingerprints and templates, document frequencies, the number of
//! documents, publication times). Output: a [`Scan`] of those documents whose
//! report lists what the pair stage made of the given pairs. With the facts
//! of the whole corpus, each pair gets exactly what a scan of the corpus
//! gives it: the pair stage reads nothing else.

use std::time::Instant;

use nohash_hasher::IntMap;

use crate::boilerplate::BoilerplateMarker;
use crate::config::Config;
use crate::copies::Copies;
use crate::ids::CandidatePair;
use crate::input::{Document, Skipped};
use crate::overlap::{OverlapCandidates, OverlapPair, OverlapParams};
use crate::progress::Silent;
use crate::report::Timings;
use crate::shingle::Shingler;
use crate::sketch::MinHasher;
use crate::story::TermWeights;

use super::assemble::{assemble, Findings};
use super::candidates::Candidates;
use super::pairs::{group_words, Found, FoundBy, PairChecker, BATCH_WORDS};
use super::{group, story_background, thread_pool, winnower, Scan, StoryLink};

/// A candidate pair found elsewhere, with the stages that found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GivenPair {
    /// The documents, by their place in [`GivenCandidates::documents`].
    pub pair: CandidatePair,
    /// Found by LSH (or as a copy of its first).
    pub minhash: bool,
    /// Found by shared fingerprints.
    pub overlap: bool,
    /// Found by shared distinctive terms.
    pub story: bool,
}

/// Candidates found elsewhere, and what the whole corpus says about them.
#[derive(Debug, Default)]
pub struct GivenCandidates {
    /// The documents of the pairs, in corpus order, with their texts held
    /// or readable again.
    pub documents: Vec<Document>,
    /// Per document: its copy key.
    pub copy_keys: Vec<u128>,
    /// Per document: its words, as the sketch counts them.
    pub words: Vec<u32>,
    /// Per document: its publication time (of the corpus's time field).
    pub times: Vec<Option<i64>>,
    /// The pairs, each once.
    pub pairs: Vec<GivenPair>,
    /// The overlap stage's pairs among them, with the fingerprints they share.
    pub overlap_pairs: Vec<OverlapPair>,
    /// Fingerprints that are boilerplate in the corpus (at least those of
    /// these documents).
    pub common_fingerprints: Vec<u64>,
    /// Template ids that are boilerplate in the corpus (at least those of
    /// these documents).
    pub common_templates: Vec<u64>,
    /// Documents of the corpus holding each content term (at least the terms
    /// of these documents).
    pub document_frequencies: IntMap<u64, u32>,
    /// The corpus's documents.
    pub corpus_documents: usize,
    /// The corpus's time field.
    pub time_field: Option<String>,
    /// The corpus's documents without a time in its time field.
    pub documents_without_time: usize,
    /// Input items read.
    pub read_count: usize,
    /// Input items skipped.
    pub skipped: Vec<Skipped>,
}

/// Runs the pair stage on `given` and assembles its report (see the module
/// docs).
///
/// # Errors
/// An invalid config, a thread pool that cannot start, a text that cannot be
/// read again.
pub fn check_given(config: &Config, given: GivenCandidates) -> crate::Result<Scan> {
    Ok(check_given_linked(config, given)?.0)
}

/// [`check_given`], and the story link of every pair it scored (by their
/// places in [`GivenCandidates::documents`]): what story clusters are made
/// of, for an engine that makes them from the links of many such calls
/// (`story_clusters_of_accounts`).
///
/// # Errors
/// As [`check_given`].
pub fn check_given_linked(
    config: &Config,
    given: GivenCandidates,
) -> crate::Result<(Scan, Vec<StoryLink>)> {
    config.validate()?;
    let started = Instant::now();
    let pool = thread_pool(config)?;
    let shingler = Shingler::new(config.shingle, config.seed);
    let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
    let winnower = winnower(config);
    let background = story_background(config)?;
    let marker = BoilerplateMarker::new(winnower, &config.overlap.ignore_phrases, &shingler)
        .with_common(given.common_fingerprints)
        .with_common_templates(given.common_templates);
    let weights = background
        .as_deref()
        .map(|b| TermWeights::new(b, given.document_frequencies, given.corpus_documents));
    let mut pairs = given.pairs;
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.pair);
    let merged: Vec<Found> = pairs
        .iter()
        .map(|p| Found {
            pair: p.pair,
            by: FoundBy {
                minhash: p.minhash,
                overlap: p.overlap,
                story: p.story,
            },
        })
        .collect();
    let count = |by: fn(&GivenPair) -> bool| pairs.iter().filter(|p| by(p)).count();
    let candidates = Candidates {
        minhash: count(|p| p.minhash),
        capped_buckets: 0,
        bucket_pairs_left_out: 0,
        overlap: config.overlap.enabled.then(|| {
            OverlapCandidates::given(
                OverlapParams {
                    max_df: config.overlap.max_df,
                    min_shared: 1,
                },
                given.overlap_pairs,
            )
        }),
        overlap_too_small: 0,
        story: count(|p| p.story),
        found_by_both: count(|p| p.minhash && p.overlap),
        exhaustive: false,
        seconds: (0.0, 0.0),
        merged,
    };
    let copies = Copies::find_by_keys(&given.copy_keys);
    let documents = given.documents;
    let mut timings = Timings::default();
    pool.install(|| {
        let checker = PairChecker {
            config,
            shingler: &shingler,
            marker: &marker,
            documents: &documents,
            hasher: &hasher,
            times: &given.times,
            words: &given.words,
            batch_words: BATCH_WORDS,
            group_words: group_words(config),
            weights: weights.as_ref(),
            progress: &Silent,
        };
        let checked = checker.check(&candidates.merged, false, &mut timings)?;
        let clock = Instant::now();
        let mut groups = group(checked, documents.len(), config);
        let story_links = std::mem::take(&mut groups.story_links);
        timings.cluster = clock.elapsed().as_secs_f64();
        timings.total = started.elapsed().as_secs_f64();
        let (report, clusters) = assemble(Findings {
            config,
            winnower: &winnower,
            story_background: background.as_deref().map(|b| b.name().to_string()),
            common_templates: marker.common_template_count(),
            documents: &documents,
            read_count: given.read_count,
            skipped: given.skipped,
            phrase_occurrences: 0,
            documents_without_time: given.documents_without_time,
            time_field: given.time_field,
            candidates: &candidates,
            copies: &copies,
            groups,
            threads: pool.current_num_threads(),
            timings,
            spilled_bytes: 0,
        });
        let scan = Scan {
            report,
            documents,
            clusters,
        };
        Ok((scan, story_links))
    })
}

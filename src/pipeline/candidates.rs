//! The candidate stages, merged: which pairs of documents are worth checking.
//!
//! Input: every document's MinHash signature, winnowed fingerprints, word
//! count and distinctive story terms (from the sketch pass). Output:
//! [`Candidates`], one sorted list of pairs, each with the stages that found
//! it, and what each stage left out.
//!
//! Three stages propose pairs: LSH banding of the signatures (near-duplicates),
//! the inverted index of fingerprints (shared passages) and the index of
//! distinctive terms (one story). A corpus small enough to compare every pair
//! gives the story stage every pair.

use crate::copies::{listed_pairs, Copies};
use crate::grade::Rules;
use crate::ids::{CandidatePair, DocId};
use crate::lsh;
use crate::overlap::{Days, OverlapCandidates, OverlapIndex, OverlapParams};
use crate::spill::Partitioned;
use crate::story;

use std::time::Instant;

use super::pairs::{Found, FoundBy};
use super::Setup;

/// A corpus this small is also compared pair by pair (at most 4,950 exact
/// comparisons), so the report can show how close its closest pairs came.
pub const EXHAUSTIVE_NEAR_MISS_DOCS: usize = 100;

/// What the candidate stages found.
pub(super) struct Candidates {
    /// Every candidate, sorted by pair, each once with the stages that found it.
    pub merged: Vec<Found>,
    /// Pairs found by LSH, and each copy with its first.
    pub minhash: usize,
    /// LSH buckets too crowded to pair every two members, and the pairs
    /// they did not propose (see [`lsh::MAX_BUCKET`]).
    pub capped_buckets: usize,
    pub bucket_pairs_left_out: u64,
    /// The overlap stage's pairs and boilerplate, when it ran.
    pub overlap: Option<OverlapCandidates>,
    /// Overlap pairs left out because they cannot hold partial reuse (and
    /// LSH did not find them).
    pub overlap_too_small: usize,
    /// Pairs proposed by the story stage.
    pub story: usize,
    /// Pairs found by both LSH and the overlap stage.
    pub found_by_both: usize,
    /// Whether every pair of documents is scored (a corpus of at most
    /// [`EXHAUSTIVE_NEAR_MISS_DOCS`] documents).
    pub exhaustive: bool,
    /// Seconds LSH took, and the story stage's shared distinctive terms (the
    /// caller counts the rest of the candidate stage as the overlap stage's).
    pub seconds: (f64, f64),
}

/// What the sketch pass stored under entry numbers, and the map from entry
/// numbers to documents (none for an entry that is not a document, or a
/// copy, which takes part through its first).
pub(super) struct ByEntry<'a> {
    pub band_keys: Partitioned<(u64, u32)>,
    /// None when the overlap stage is off.
    pub fingerprints: Option<OverlapIndex>,
    pub doc_of: &'a (dyn Fn(u32) -> Option<DocId> + Sync),
}

/// Runs the three candidate stages and merges their pairs. Copies take part
/// only through their first document: each is paired with it, and
/// `ByEntry::doc_of` leaves out its band keys and fingerprints, the caller
/// its distinctive terms.
pub(super) fn find_candidates(
    setup: &Setup,
    stored: ByEntry,
    copies: &Copies,
    words: &[u32],
    distinctive: Vec<Box<[u64]>>,
    days: Option<&Days>,
) -> crate::Result<Candidates> {
    let ByEntry {
        band_keys,
        fingerprints,
        doc_of,
    } = stored;
    let config = setup.config;
    // One word count per document.
    let documents = words.len();
    let clock = Instant::now();
    let banded = lsh::banded_pairs_of_store(band_keys, doc_of, config.spill_budget())?;
    let mut minhash_pairs = banded.pairs;
    minhash_pairs.extend(copies.pairs());
    minhash_pairs.sort_unstable();
    let lsh_seconds = clock.elapsed().as_secs_f64();
    let overlap = match fingerprints {
        Some(index) if config.overlap.enabled => Some(index.shared_fingerprint_pairs(
            documents,
            doc_of,
            OverlapParams {
                max_df: config.overlap.max_df,
                min_shared: 1,
            },
            days,
            config.spill_budget(),
        )?),
        _ => None,
    };
    let (overlap_pairs, overlap_too_small) =
        overlap_pairs_worth_checking(setup, overlap.as_ref(), words, &minhash_pairs);
    let clock = Instant::now();
    let exhaustive = documents <= EXHAUSTIVE_NEAR_MISS_DOCS;
    let story_pairs: Vec<CandidatePair> = match setup.background {
        None => Vec::new(),
        // No story is missed for want of shared distinctive terms.
        Some(_) if exhaustive => every_pair(documents)
            .into_iter()
            .filter(|p| !copies.is_copy(p.a) && !copies.is_copy(p.b))
            .collect(),
        Some(_) => {
            story::candidates::distinctive_term_pairs(
                &distinctive,
                story::candidates::MAX_POSTINGS,
                story::candidates::MAX_CHANCE_PARTNERS,
            )
            .pairs
        }
    };
    drop(distinctive);
    let story_seconds = clock.elapsed().as_secs_f64();
    let merged = with_listed_copies(merge(&minhash_pairs, &overlap_pairs, &story_pairs), copies);
    let found_by_both = merged
        .iter()
        .filter(|f| f.by.minhash && f.by.overlap)
        .count();
    Ok(Candidates {
        merged,
        minhash: minhash_pairs.len(),
        capped_buckets: banded.capped_buckets,
        bucket_pairs_left_out: banded.pairs_left_out,
        overlap,
        overlap_too_small,
        story: story_pairs.len(),
        found_by_both,
        exhaustive,
        seconds: (lsh_seconds, story_seconds),
    })
}

/// The overlap stage's pairs that can hold partial reuse, and how many that
/// cannot were left out (those MinHash found anyway are not counted).
fn overlap_pairs_worth_checking(
    setup: &Setup,
    overlap: Option<&OverlapCandidates>,
    words: &[u32],
    minhash_pairs: &[CandidatePair],
) -> (Vec<CandidatePair>, usize) {
    let rules = Rules::new(setup.config);
    let words_per_fingerprint = setup.winnower.max_run_words_per_fingerprint();
    let mut kept = Vec::new();
    let mut too_small = 0;
    for found in overlap.map_or(&[][..], |o| o.pairs()) {
        let (a, b) = (found.pair.a.index(), found.pair.b.index());
        let shared = found.shared_fingerprints as usize + found.shared_boilerplate as usize;
        let lengths = (words[a] as usize, words[b] as usize);
        if rules.overlap_can_be_reuse(shared, words_per_fingerprint, lengths) {
            kept.push(found.pair);
        } else if minhash_pairs.binary_search(&found.pair).is_err() {
            too_small += 1;
        }
    }
    (kept, too_small)
}

/// The candidates with the members of small groups of copies standing for
/// their first: each pair of a first is also proposed for each copy, by the
/// same stages, and so is each pair of copies (from the pair of their first
/// and one of them).
fn with_listed_copies(merged: Vec<Found>, copies: &Copies) -> Vec<Found> {
    let mut extra: Vec<Found> = Vec::new();
    for found in &merged {
        let (a, b) = (found.pair.a, found.pair.b);
        let (group_a, group_b) = (copies.listed_group(a), copies.listed_group(b));
        if group_a.is_none() && group_b.is_none() {
            continue;
        }
        extra.extend(
            listed_pairs(found.pair, group_a, group_b)
                .into_iter()
                .map(|pair| Found { pair, by: found.by }),
        );
    }
    if extra.is_empty() {
        return merged;
    }
    extra.extend(merged);
    merge_found(extra)
}

/// Every pair of `n` documents, sorted.
fn every_pair(n: usize) -> Vec<CandidatePair> {
    let n = n as u32;
    (0..n)
        .flat_map(|a| {
            (a + 1..n).map(move |b| CandidatePair {
                a: DocId(a),
                b: DocId(b),
            })
        })
        .collect()
}

/// Merges the candidate stages' sorted lists into one sorted list, each pair
/// once with every stage that found it.
fn merge(
    minhash: &[CandidatePair],
    overlap: &[CandidatePair],
    story: &[CandidatePair],
) -> Vec<Found> {
    let by = |minhash, overlap, story| FoundBy {
        minhash,
        overlap,
        story,
    };
    let mut all: Vec<Found> = Vec::with_capacity(minhash.len() + overlap.len() + story.len());
    for (list, found_by) in [
        (minhash, by(true, false, false)),
        (overlap, by(false, true, false)),
        (story, by(false, false, true)),
    ] {
        all.extend(list.iter().map(|&pair| Found { pair, by: found_by }));
    }
    merge_found(all)
}

/// `found` sorted by pair, each pair once with every stage that found it.
fn merge_found(mut all: Vec<Found>) -> Vec<Found> {
    all.sort_unstable_by_key(|f| f.pair);
    let mut merged: Vec<Found> = Vec::with_capacity(all.len());
    for found in all {
        match merged.last_mut() {
            Some(last) if last.pair == found.pair => {
                last.by.minhash |= found.by.minhash;
                last.by.overlap |= found.by.overlap;
                last.by.story |= found.by.story;
            }
            _ => merged.push(found),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(u32, u32)]) -> Vec<CandidatePair> {
        list.iter()
            .map(|&(a, b)| CandidatePair::new(DocId(a), DocId(b)))
            .collect()
    }

    #[test]
    fn merging_keeps_each_pair_once_with_every_stage_that_found_it() {
        let merged = merge(
            &pairs(&[(0, 1), (2, 3)]),
            &pairs(&[(0, 1), (1, 2)]),
            &pairs(&[(0, 1), (4, 5)]),
        );
        let by = |minhash, overlap, story| FoundBy {
            minhash,
            overlap,
            story,
        };
        let expected = [
            (pairs(&[(0, 1)])[0], by(true, true, true)),
            (pairs(&[(1, 2)])[0], by(false, true, false)),
            (pairs(&[(2, 3)])[0], by(true, false, false)),
            (pairs(&[(4, 5)])[0], by(false, false, true)),
        ];
        let found: Vec<(CandidatePair, FoundBy)> = merged.iter().map(|f| (f.pair, f.by)).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn every_pair_of_four() {
        assert_eq!(every_pair(4).len(), 6);
        assert!(every_pair(4).windows(2).all(|w| w[0] < w[1]));
    }
}

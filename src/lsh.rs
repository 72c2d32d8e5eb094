//! Locality-sensitive hashing by banding (Leskovec, Rajaraman and Ullman, *Mining of
//! Massive Datasets*, ch. 3.4).
//!
//! Input: one [`Signature`] per document. Output: [`CandidatePair`]s, sorted and
//! deduplicated, each with `a < b`.
//!
//! A signature is cut into `bands` bands of `rows` values; two documents become a
//! candidate pair when all rows of at least one band agree. For a pair with Jaccard
//! `s` that happens with probability `P(s) = 1 - (1 - s^rows)^bands`, an S-curve.
//! Band keys go to a partitioned store (`crate::spill`) rather than a hash map:
//! each partition is sorted, so equal keys are adjacent, and a scan holds one
//! batch of partitions at a time.

use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use serde::Serialize;

use crate::hash::hash_bytes;
use crate::ids::{CandidatePair, DocId};
use crate::sketch::Signature;
use crate::spill::Partitioned;

/// Weight of the false-positive area when choosing bands x rows. Candidates are
/// verified exactly, so a false candidate costs only a set comparison while a
/// missed pair is lost for good: misses weigh 19 times more (0.95 vs 0.05).
pub const FALSE_POSITIVE_WEIGHT: f64 = 0.05;
/// Weight of the false-negative area (see [`FALSE_POSITIVE_WEIGHT`]).
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.95;

/// Bands x rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
}

impl LshParams {
    /// The bands x rows (with `bands * rows <= num_perm`) that minimise the weighted
    /// false-positive area (integral of `P(s)` over `[0, threshold]`) plus the
    /// false-negative area (integral of `1 - P(s)` over `[threshold, 1]`), the
    /// criterion of datasketch's `MinHashLSH` with our weights.
    pub fn optimal(threshold: f64, num_perm: usize) -> Self {
        Self::best_of(
            (1..=num_perm).flat_map(|bands| (1..=num_perm / bands).map(move |rows| (bands, rows))),
            threshold,
        )
    }

    /// Resolves user overrides: both given, or the one given with the other
    /// chosen by the same criterion as [`LshParams::optimal`] (so that
    /// `--bands 8` alone does not take 16 rows and find nothing at 0.5), or
    /// none (optimal for `threshold`).
    pub fn resolve(
        bands: Option<usize>,
        rows: Option<usize>,
        threshold: f64,
        num_perm: usize,
    ) -> Self {
        // The search integrates the S-curve of every banding (about 700 at
        // 128 permutations): ~10 ms, which a service checking one article at
        // a time would pay on every check. The answer depends only on the
        // arguments, so each process searches once per setting.
        type Key = (Option<usize>, Option<usize>, u64, usize);
        static RESOLVED: Mutex<Vec<(Key, LshParams)>> = Mutex::new(Vec::new());
        let key = (bands, rows, threshold.to_bits(), num_perm);
        let cached = |resolved: &Vec<(Key, LshParams)>| {
            resolved.iter().find(|(k, _)| *k == key).map(|&(_, p)| p)
        };
        // A poisoned lock still holds whole answers.
        let lock = || RESOLVED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(params) = cached(&lock()) {
            return params;
        }
        let params = Self::search(bands, rows, threshold, num_perm);
        lock().push((key, params));
        params
    }

    /// [`LshParams::resolve`], searched.
    fn search(bands: Option<usize>, rows: Option<usize>, threshold: f64, num_perm: usize) -> Self {
        match (bands, rows) {
            (Some(bands), Some(rows)) => LshParams { bands, rows },
            (Some(bands), None) => Self::best_of(
                (1..=(num_perm / bands).max(1)).map(|rows| (bands, rows)),
                threshold,
            ),
            (None, Some(rows)) => Self::best_of(
                (1..=(num_perm / rows).max(1)).map(|bands| (bands, rows)),
                threshold,
            ),
            (None, None) => Self::optimal(threshold, num_perm),
        }
    }

    /// The (bands, rows) of `choices` with the least weighted error area.
    fn best_of(choices: impl Iterator<Item = (usize, usize)>, threshold: f64) -> Self {
        let mut best = (f64::INFINITY, LshParams { bands: 1, rows: 1 });
        for (bands, rows) in choices {
            let params = LshParams { bands, rows };
            let fp = integrate(|s| params.candidate_probability(s), 0.0, threshold);
            let fn_ = integrate(|s| 1.0 - params.candidate_probability(s), threshold, 1.0);
            let cost = FALSE_POSITIVE_WEIGHT * fp + FALSE_NEGATIVE_WEIGHT * fn_;
            if cost < best.0 {
                best = (cost, params);
            }
        }
        best.1
    }

    /// Probability that a pair with Jaccard `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// Midpoint rule; the integrands are smooth, 200 steps are accurate to ~1e-5.
fn integrate(f: impl Fn(f64) -> f64, from: f64, to: f64) -> f64 {
    const STEPS: usize = 200;
    let step = (to - from) / STEPS as f64;
    (0..STEPS)
        .map(|i| f(from + (i as f64 + 0.5) * step))
        .sum::<f64>()
        * step
}

/// Documents a band's bucket may hold and still pair every two of them. A
/// larger bucket pairs each member with its first only: such a bucket is a
/// group of near-copies, where the star keeps them one cluster in `m - 1`
/// pairs, or a band that a paragraph shared by many articles decides (of
/// 5,000 articles ending in one agency footer, one band of 26 put 1,045 in
/// one bucket, 545,000 of the scan's 546,000 candidates). On the labeled
/// corpora no bucket holds more than 20.
pub const MAX_BUCKET: usize = 100;

/// Whether a bucket of `members` documents is too crowded to pair every two
/// of them: it pairs each with its first (smallest) member only.
pub fn is_crowded(members: usize) -> bool {
    members > MAX_BUCKET
}

/// What banding found.
#[derive(Debug, Clone, Default)]
pub struct BandedPairs {
    /// Candidate pairs, sorted and distinct.
    pub pairs: Vec<CandidatePair>,
    /// Buckets of more than [`MAX_BUCKET`] documents, over all bands.
    pub capped_buckets: usize,
    /// The pairs those buckets did not propose, summed over bands (a pair
    /// left out by two bands counts twice; another band may propose it).
    pub pairs_left_out: u64,
}

/// The candidate pairs of `signatures` (document `i` has `DocId(i)`) among
/// the documents `keep` accepts, sorted.
pub fn banded_pairs(
    signatures: &[Signature],
    params: LshParams,
    keep: &(dyn Fn(DocId) -> bool + Sync),
) -> BandedPairs {
    let mut store = Partitioned::new("band keys", usize::MAX);
    let doc_of = |doc: u32| Some(DocId(doc)).filter(|&d| keep(d));
    signatures
        .iter()
        .zip(0u32..)
        .try_for_each(|(signature, doc)| {
            store.extend(band_keys(signature, params).map(|key| (key, doc)))
        })
        .and_then(|()| banded_pairs_of_store(store, &doc_of, usize::MAX))
        .expect("a store without a budget stays in memory, where it cannot fail")
}

/// The key of each band of `signature`, in band order: a hash of the band's
/// values, seeded by the band's number. Two documents agree on a band when
/// their keys for it are equal (or, rarely, collide: a false candidate,
/// which verification drops).
pub fn band_keys(signature: &Signature, params: LshParams) -> impl Iterator<Item = u64> + '_ {
    (0..params.bands).map(move |band| {
        let values = &signature.mins()[band * params.rows..(band + 1) * params.rows];
        let mut bytes = [0u8; 4 * 64];
        if values.len() <= 64 {
            for (chunk, v) in bytes.chunks_exact_mut(4).zip(values) {
                chunk.copy_from_slice(&v.to_le_bytes());
            }
            hash_bytes(&bytes[..values.len() * 4], band as u64)
        } else {
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            hash_bytes(&bytes, band as u64)
        }
    })
}

/// The candidate pairs of documents given by their band keys, sorted:
/// `store` holds each key with the number it was added under, `doc_of` maps
/// that number to its document (none leaves the key out). Partitions are
/// bucketed a batch of `batch_bytes` at a time, so a scan holds one batch of
/// keys rather than every document's 8 bytes a band. Keys are seeded by their
/// band's number, so one store holds every band: equal keys of two bands are
/// a 64-bit collision, a false candidate that verification drops.
///
/// # Errors
/// [`crate::Error::TempFile`] when a spilled store cannot be read back.
pub fn banded_pairs_of_store(
    store: Partitioned<(u64, u32)>,
    doc_of: &(dyn Fn(u32) -> Option<DocId> + Sync),
    batch_bytes: usize,
) -> crate::Result<BandedPairs> {
    let mut packed: Vec<u64> = Vec::new();
    let (mut capped_buckets, mut pairs_left_out) = (0, 0);
    store.map_partitions(
        batch_bytes,
        |records| bucket_pairs(records, doc_of),
        |(pairs, capped, left_out)| {
            packed.extend(pairs);
            capped_buckets += capped;
            pairs_left_out += left_out;
            Ok(())
        },
    )?;
    packed.par_sort_unstable();
    packed.dedup();
    let pairs = packed
        .into_iter()
        .map(|p| CandidatePair {
            a: DocId((p >> 32) as u32),
            b: DocId(p as u32),
        })
        .collect();
    Ok(BandedPairs {
        pairs,
        capped_buckets,
        pairs_left_out,
    })
}

/// Pairs that agree on a band key among `records` (keys with entry
/// numbers, every record of a key), packed as `a << 32 | b` for a cheap
/// global sort, with the buckets capped and the pairs they left out.
fn bucket_pairs(
    records: Vec<(u64, u32)>,
    doc_of: &(dyn Fn(u32) -> Option<DocId> + Sync),
) -> (Vec<u64>, usize, u64) {
    let mut keys: Vec<(u64, u32)> = records
        .into_iter()
        .filter_map(|(key, entry)| doc_of(entry).map(|doc| (key, doc.0)))
        .collect();
    keys.sort_unstable();
    let (mut pairs, mut capped, mut left_out) = (Vec::new(), 0, 0u64);
    let mut members = Vec::new();
    for bucket in keys.chunk_by(|x, y| x.0 == y.0) {
        members.clear();
        members.extend(bucket.iter().map(|&(_, doc)| doc));
        let found = bucket_pairs_of(&members);
        pairs.extend(
            found
                .pairs
                .iter()
                .map(|&(a, b)| (a as u64) << 32 | b as u64),
        );
        capped += usize::from(found.capped);
        left_out += found.left_out;
    }
    (pairs, capped, left_out)
}

/// The pairs one LSH bucket gives: what [`bucket_pairs_of`] finds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketPairs {
    /// The pairs, `a < b`, by their documents' numbers.
    pub pairs: Vec<(u32, u32)>,
    /// The bucket was crowded (see [`is_crowded`]): its first member stands
    /// for it.
    pub capped: bool,
    /// Pairs a crowded bucket did not give.
    pub left_out: u64,
}

/// The pairs of the documents in one bucket (every document holding one band
/// key, by number, ascending): every two of them, or, in a crowded bucket,
/// each with the first. The one rule of a scan, an index's check and a
/// cluster engine grouping band keys.
pub fn bucket_pairs_of(members: &[u32]) -> BucketPairs {
    let mut found = BucketPairs::default();
    if members.len() < 2 {
        return found;
    }
    if is_crowded(members.len()) {
        let first = members[0];
        found.pairs = members[1..].iter().map(|&b| (first, b)).collect();
        let m = members.len() as u64;
        found.capped = true;
        found.left_out = m * (m - 1) / 2 - (m - 1);
        return found;
    }
    for (i, &a) in members.iter().enumerate() {
        found.pairs.extend(members[i + 1..].iter().map(|&b| (a, b)));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_pairs_all_its_members_until_it_is_crowded() {
        assert_eq!(bucket_pairs_of(&[4]), BucketPairs::default());
        let small = bucket_pairs_of(&[1, 3, 7]);
        assert_eq!(small.pairs, [(1, 3), (1, 7), (3, 7)]);
        assert!(!small.capped);
        let members: Vec<u32> = (10..10 + MAX_BUCKET as u32 + 1).collect();
        let crowded = bucket_pairs_of(&members);
        assert!(crowded.capped);
        assert_eq!(crowded.pairs.len(), MAX_BUCKET);
        assert!(crowded.pairs.iter().all(|&(a, _)| a == 10));
        let m = members.len() as u64;
        assert_eq!(crowded.left_out, m * (m - 1) / 2 - (m - 1));
    }

    #[test]
    fn optimal_params_favour_recall() {
        let p = LshParams::optimal(0.5, 128);
        assert!(p.bands * p.rows <= 128);
        assert!(p.candidate_probability(0.5) > 0.95, "{p:?}");
        assert!(p.candidate_probability(0.6) > 0.99, "{p:?}");
        assert!(p.candidate_probability(0.1) < 0.05, "{p:?}");
        let strict = LshParams::optimal(0.9, 128);
        assert!(
            strict.rows > p.rows,
            "a higher threshold needs longer bands"
        );
    }

    #[test]
    fn an_override_gets_the_best_other_dimension() {
        // Bands alone: not 8 x 16 (a pair at 0.5 found with probability
        // 0.0001) but the rows that suit the threshold.
        let bands_only = LshParams::resolve(Some(8), None, 0.5, 128);
        assert_eq!(bands_only.bands, 8);
        assert!(bands_only.rows < 16, "{bands_only:?}");
        assert!(
            bands_only.candidate_probability(0.5) > 0.5,
            "{bands_only:?}"
        );
        // Rows alone: as many bands as fit (each finds more, at a cost the
        // criterion weighs lightly).
        assert_eq!(
            LshParams::resolve(None, Some(5), 0.5, 128),
            LshParams { bands: 25, rows: 5 }
        );
        assert_eq!(
            LshParams::resolve(Some(3), Some(2), 0.5, 128),
            LshParams { bands: 3, rows: 2 }
        );
    }

    #[test]
    fn a_crowded_bucket_pairs_each_member_with_its_first() {
        let hasher = crate::sketch::MinHasher::new(crate::Config::default().shingle, 8, 1);
        let same = hasher.sketch_hashes(0..50u64);
        let other = |i: u64| hasher.sketch_hashes(1000 * i..1000 * i + 50);
        // 150 equal signatures, 3 lone ones, one skipped.
        let mut signatures: Vec<Signature> = (0..150).map(|_| same.clone()).collect();
        signatures.extend((1..=3).map(other));
        let params = LshParams { bands: 2, rows: 4 };
        let found = banded_pairs(&signatures, params, &|d| d != DocId(7));
        // Each of the 148 kept copies with the first; nothing else.
        assert_eq!(found.pairs.len(), 148);
        assert!(found.pairs.iter().all(|p| p.a == DocId(0)));
        assert!(!found.pairs.iter().any(|p| p.b == DocId(7)));
        assert_eq!(found.capped_buckets, 2);
        assert_eq!(found.pairs_left_out, 2 * (149 * 148 / 2 - 148));
        // At most MAX_BUCKET: every pair.
        let few = banded_pairs(&signatures[..MAX_BUCKET], params, &|_| true);
        assert_eq!(few.pairs.len(), MAX_BUCKET * (MAX_BUCKET - 1) / 2);
        assert_eq!(few.capped_buckets, 0);
    }

    #[test]
    fn a_spilled_store_of_entries_gives_the_pairs_of_its_documents() {
        let corpus = crate::synthetic::generate(&crate::synthetic::CorpusSpec {
            documents: 400,
            mean_words: 80,
            duplicate_share: 0.4,
            ..crate::synthetic::CorpusSpec::default()
        });
        let config = crate::Config::default();
        let shingler = crate::shingle::Shingler::new(config.shingle, config.seed);
        let hasher = crate::sketch::MinHasher::new(config.shingle, config.sketch.num_perm, 1);
        let signatures: Vec<Signature> = corpus
            .texts
            .iter()
            .map(|t| hasher.sketch(&shingler.shingle_set(t, &mut Default::default())))
            .collect();
        let params = LshParams::optimal(0.5, config.sketch.num_perm);
        let keep = |d: DocId| d.0 % 10 != 3;
        let expected = banded_pairs(&signatures, params, &keep);
        assert!(expected.pairs.len() > 50, "{}", expected.pairs.len());
        // Entries numbered 2i + 1 (as if every other entry were skipped),
        // in a store that spills every few hundred records.
        let mut store = Partitioned::new("band keys", 4096);
        for (signature, doc) in signatures.iter().zip(0u32..) {
            let entry = 2 * doc + 1;
            store
                .extend(band_keys(signature, params).map(|key| (key, entry)))
                .unwrap();
        }
        assert!(store.spilled_bytes() > 0);
        let doc_of = |entry: u32| Some(DocId(entry / 2)).filter(|&d| entry % 2 == 1 && keep(d));
        let found = banded_pairs_of_store(store, &doc_of, 1 << 12).unwrap();
        assert_eq!(found.pairs, expected.pairs);
    }

    #[test]
    fn s_curve_is_monotone() {
        let p = LshParams { bands: 20, rows: 5 };
        let values: Vec<f64> = (0..=10)
            .map(|i| p.candidate_probability(i as f64 / 10.0))
            .collect();
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!((values[0], values[10]), (0.0, 1.0));
    }
}

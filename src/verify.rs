//! Exact verification of candidate pairs.
//!
//! Input: candidate pairs, the shingle sets of the documents in them and their
//! signatures. Output: a [`Similarity`] per pair, split into those at or above the
//! threshold and those below it.
//!
//! The exact Jaccard decides; the MinHash estimate is reported beside it so users
//! can see how far the sketch was off.

use rayon::prelude::*;
use serde::Serialize;

use crate::ids::CandidatePair;
use crate::shingle::ShingleSet;
use crate::sketch::Signature;

/// Exact overlap of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Similarity {
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
    /// |A ∩ B| / |A|: the share of A's shingles found in B.
    pub containment_a_in_b: f64,
    /// |A ∩ B| / |B|: the share of B's shingles found in A.
    pub containment_b_in_a: f64,
    /// |A|.
    pub shingles_a: usize,
    /// |B|.
    pub shingles_b: usize,
    /// |A ∩ B|.
    pub shared_shingles: usize,
}

impl Similarity {
    /// Compares two shingle sets. Two empty sets have similarity 0 (nothing is shared).
    pub fn between(a: &ShingleSet, b: &ShingleSet) -> Self {
        let shared = a.intersection_len(b);
        let union = a.len() + b.len() - shared;
        let ratio = |num: usize, den: usize| {
            if den == 0 {
                0.0
            } else {
                num as f64 / den as f64
            }
        };
        Similarity {
            jaccard: ratio(shared, union),
            containment_a_in_b: ratio(shared, a.len()),
            containment_b_in_a: ratio(shared, b.len()),
            shingles_a: a.len(),
            shingles_b: b.len(),
            shared_shingles: shared,
        }
    }
}

/// A scored pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoredPair {
    /// The two documents.
    pub pair: CandidatePair,
    /// Exact overlap.
    pub similarity: Similarity,
    /// MinHash estimate of the Jaccard similarity.
    pub estimated_jaccard: f64,
}

/// Pairs split by the threshold, both in candidate order.
#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    /// Pairs with exact Jaccard at or above the threshold.
    pub passed: Vec<ScoredPair>,
    /// Pairs below it.
    pub rejected: Vec<ScoredPair>,
}

/// Scores every pair exactly (in parallel) and splits them at `threshold`.
/// `shingles[i]` must hold the set of every document that occurs in `pairs`.
pub fn verify(
    pairs: &[CandidatePair],
    shingles: &[Option<ShingleSet>],
    signatures: &[Signature],
    threshold: f64,
) -> Verdicts {
    let set = |id: crate::ids::DocId| {
        shingles[id.index()]
            .as_ref()
            .expect("the caller computes the shingles of every document in a pair")
    };
    let scored: Vec<ScoredPair> = pairs
        .par_iter()
        .map(|&pair| {
            let (a, b) = (pair.a.index(), pair.b.index());
            score(
                pair,
                set(pair.a),
                set(pair.b),
                (&signatures[a], &signatures[b]),
            )
        })
        .collect();
    let (passed, rejected) = scored
        .into_iter()
        .partition(|p| p.similarity.jaccard >= threshold);
    Verdicts { passed, rejected }
}

/// Scores one pair from the shingle sets and signatures of its two documents.
pub fn score(
    pair: CandidatePair,
    set_a: &ShingleSet,
    set_b: &ShingleSet,
    (signature_a, signature_b): (&Signature, &Signature),
) -> ScoredPair {
    ScoredPair {
        pair,
        similarity: Similarity::between(set_a, set_b),
        estimated_jaccard: signature_a.jaccard_unchecked(signature_b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn similarity_of_known_sets() {
        let a = ShingleSet::from_hashes(vec![1, 2, 3, 4]);
        let b = ShingleSet::from_hashes(vec![3, 4, 5, 6, 7, 8]);
        let s = Similarity::between(&a, &b);
        assert_eq!(s.jaccard, 2.0 / 8.0);
        assert_eq!(s.containment_a_in_b, 0.5);
        assert_eq!(s.containment_b_in_a, 2.0 / 6.0);
        assert_eq!(
            Similarity::between(&ShingleSet::default(), &ShingleSet::default()).jaccard,
            0.0
        );
    }

    proptest! {
        #[test]
        fn jaccard_is_symmetric_and_bounded(a in prop::collection::vec(0u64..50, 0..40),
                                            b in prop::collection::vec(0u64..50, 0..40)) {
            let (a, b) = (ShingleSet::from_hashes(a), ShingleSet::from_hashes(b));
            let (ab, ba) = (Similarity::between(&a, &b), Similarity::between(&b, &a));
            prop_assert_eq!(ab.jaccard, ba.jaccard);
            prop_assert_eq!(ab.containment_a_in_b, ba.containment_b_in_a);
            prop_assert!((0.0..=1.0).contains(&ab.jaccard));
            prop_assert!(ab.jaccard <= ab.containment_a_in_b.min(ab.containment_b_in_a) + 1e-12);
        }
    }
}

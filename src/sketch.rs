//! MinHash signatures (Broder, "On the resemblance and containment of documents", 1997).
//!
//! Input: a [`ShingleSet`]. Output: a [`Signature`] of `num_perm` minimum values,
//! one per hash permutation; the share of equal positions in two signatures is an
//! unbiased estimate of the Jaccard similarity of the two sets.
//!
//! Permutation `i` maps a shingle hash `x` to the high 32 bits of
//! `a_i * x + b_i (mod 2^64)` with odd `a_i` (Dietzfelbinger's multiply-add-shift
//! family); `a_i` and `b_i` come from SplitMix64 seeded with the scan seed, so a
//! signature depends only on the text, the shingle settings, `num_perm` and the seed.
//! 32-bit values halve memory and the chance that two different shingles tie for
//! the minimum (about `|A ∪ B| / 2^32`) is negligible for news-length documents.

use serde::Serialize;

use crate::config::ShingleConfig;
use crate::error::Error;
use crate::hash::{SplitMix64, HASH_NAME};
use crate::shingle::ShingleSet;

/// Everything a signature's values depend on; two signatures compare only if equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SketchParams {
    /// Shingle settings.
    pub shingle: ShingleConfig,
    /// Signature length.
    pub num_perm: usize,
    /// Seed of the shingle hash and of the permutations.
    pub seed: u64,
    /// Name of the shingle hash.
    pub hash: &'static str,
}

/// Computes MinHash signatures with one fixed set of permutations.
#[derive(Debug, Clone)]
pub struct MinHasher {
    params: SketchParams,
    multipliers: Vec<u64>,
    increments: Vec<u64>,
}

/// The MinHash signature of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    params: SketchParams,
    mins: Vec<u32>,
}

impl MinHasher {
    /// Derives `num_perm` permutations from `seed`.
    pub fn new(shingle: ShingleConfig, num_perm: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed ^ 0x0005_EED0_F4D1_4A54);
        let mut multipliers = Vec::with_capacity(num_perm);
        let mut increments = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            multipliers.push(rng.next_u64() | 1);
            increments.push(rng.next_u64());
        }
        MinHasher {
            params: SketchParams {
                shingle,
                num_perm,
                seed,
                hash: HASH_NAME,
            },
            multipliers,
            increments,
        }
    }

    /// The settings every signature of this hasher carries.
    pub fn params(&self) -> SketchParams {
        self.params
    }

    /// The signature of a shingle set. An empty set gives all-`u32::MAX` values;
    /// the pipeline skips such documents before sketching.
    pub fn sketch(&self, shingles: &ShingleSet) -> Signature {
        let mut mins = vec![u32::MAX; self.params.num_perm];
        for &x in shingles.hashes() {
            // Inner loop over permutations: independent lanes the compiler can vectorise.
            for ((min, &a), &b) in mins.iter_mut().zip(&self.multipliers).zip(&self.increments) {
                let value = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                *min = (*min).min(value);
            }
        }
        Signature {
            params: self.params,
            mins,
        }
    }
}

impl Signature {
    /// The minimum values, one per permutation.
    pub fn mins(&self) -> &[u32] {
        &self.mins
    }

    /// The settings this signature was made with.
    pub fn params(&self) -> SketchParams {
        self.params
    }

    /// Estimated Jaccard similarity: the share of positions where the two agree.
    ///
    /// # Errors
    /// [`Error::IncompatibleSignatures`] when the two were made with different
    /// shingle settings, `num_perm`, seed or hash; such a score would be meaningless.
    pub fn jaccard(&self, other: &Signature) -> crate::Result<f64> {
        check_compatible(&self.params, &other.params)?;
        Ok(self.jaccard_unchecked(other))
    }

    /// [`Signature::jaccard`] for signatures known to share settings (one scan).
    pub(crate) fn jaccard_unchecked(&self, other: &Signature) -> f64 {
        let equal = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        equal as f64 / self.mins.len() as f64
    }
}

fn check_compatible(a: &SketchParams, b: &SketchParams) -> crate::Result<()> {
    let differ = |what: &'static str, left: String, right: String| {
        Err(Error::IncompatibleSignatures { what, left, right })
    };
    if a.hash != b.hash {
        return differ("hash", a.hash.into(), b.hash.into());
    }
    if a.seed != b.seed {
        return differ("seed", a.seed.to_string(), b.seed.to_string());
    }
    if a.num_perm != b.num_perm {
        return differ("num_perm", a.num_perm.to_string(), b.num_perm.to_string());
    }
    if a.shingle != b.shingle {
        return differ(
            "shingle settings",
            format!("{:?}", a.shingle),
            format!("{:?}", b.shingle),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ShingleUnit;

    const WORDS5: ShingleConfig = ShingleConfig {
        unit: ShingleUnit::Words,
        size: 5,
    };

    fn set(range: std::ops::Range<u64>) -> ShingleSet {
        ShingleSet::from_hashes(
            range
                .map(|i| crate::hash::hash_bytes(&i.to_le_bytes(), 0))
                .collect(),
        )
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        // Sets of 1,000 with overlaps giving J = 0 .. 1; 512 permutations keep the
        // estimator's standard deviation below 0.023, so 0.08 is over 3.5 sd.
        let hasher = MinHasher::new(WORDS5, 512, 7);
        let a = hasher.sketch(&set(0..1000));
        for shift in [0u64, 100, 333, 500, 800, 1000] {
            let b = hasher.sketch(&set(shift..shift + 1000));
            let exact = (1000 - shift) as f64 / (1000 + shift) as f64;
            let estimate = a.jaccard(&b).unwrap();
            assert!(
                (estimate - exact).abs() < 0.08,
                "shift {shift}: {estimate} vs {exact}"
            );
        }
    }

    #[test]
    fn identical_sets_agree_everywhere() {
        let hasher = MinHasher::new(WORDS5, 64, 1);
        assert_eq!(
            hasher
                .sketch(&set(0..50))
                .jaccard(&hasher.sketch(&set(0..50)))
                .unwrap(),
            1.0
        );
    }

    #[test]
    fn incompatible_signatures_are_an_error() {
        let s = set(0..10);
        let a = MinHasher::new(WORDS5, 64, 1).sketch(&s);
        for (other, what) in [
            (MinHasher::new(WORDS5, 64, 2).sketch(&s), "seed"),
            (MinHasher::new(WORDS5, 32, 1).sketch(&s), "num_perm"),
            (
                MinHasher::new(ShingleConfig { size: 3, ..WORDS5 }, 64, 1).sketch(&s),
                "shingle settings",
            ),
        ] {
            let err = a.jaccard(&other).unwrap_err().to_string();
            assert!(err.contains(what), "{err}");
        }
    }
}

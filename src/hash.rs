//! The one named, seeded hash function behind every stored or compared value.
//!
//! Words (and character shingles) are hashed with XXH3-64, a fixed, published
//! algorithm, so its output is the same on every run, platform and crate
//! version; a word shingle's hash combines its words' hashes with
//! [`combine_hashes`], as fixed. The name and seed go into every report.
//! `RandomState` and other per-process keys are never used for anything that
//! reaches an output.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The name of the shingle hash, as recorded in reports: XXH3-64 of each
/// word, combined per shingle.
pub const HASH_NAME: &str = "xxh3-64-combined";

/// Hashes `bytes` with the named hash function and `seed`.
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    xxh3_64_with_seed(bytes, seed)
}

/// Combines values that are already hashes (word hashes) into one: word
/// shingles, the k-gram fingerprints of the overlap stage and the anchor
/// windows of alignment. A multiply-rotate fold finished with
/// SplitMix64's mixer costs a few cycles per value, against a pass of XXH3
/// over their bytes, and keeps the bits uniform (winnowing picks minima).
#[inline]
pub fn combine_hashes(values: &[u64], seed: u64) -> u64 {
    let folded = values.iter().fold(seed, |h, &v| {
        (h.rotate_left(23) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    });
    mix64(folded)
}

/// SplitMix64's output function: every input bit affects every output bit.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a fixed, well-mixed sequence from a
/// seed. Used to derive permutation coefficients and for synthetic corpora, so
/// both are the same on every platform and crate version.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// Starts the sequence at `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next value of the sequence.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// A uniform float in `[0, 1)`.
    #[cfg(any(test, feature = "synthetic"))]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform integer in `[0, n)`; `n` must be positive.
    #[cfg(any(test, feature = "synthetic"))]
    pub fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-high reduction; its bias is below 2^-32 for the sizes used here.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_across_versions() {
        // Pinned values: if these change, every stored signature and report changes.
        assert_eq!(hash_bytes(b"", 0), 0x2D06_8005_38D3_94C2);
        assert_ne!(hash_bytes(b"reprint", 1), hash_bytes(b"reprint", 2));
    }

    #[test]
    fn combined_hashes_depend_on_order_seed_and_every_value() {
        let words = [11u64, 22, 33];
        let h = combine_hashes(&words, 5);
        assert_ne!(h, combine_hashes(&[22, 11, 33], 5));
        assert_ne!(h, combine_hashes(&words, 6));
        assert_ne!(h, combine_hashes(&[11, 22, 34], 5));
        // Uniform bits: over many windows, the top bit is set about half the time.
        let set = (0..10_000u64)
            .filter(|&i| combine_hashes(&[i, i + 1], 0) >> 63 == 1)
            .count();
        assert!((4_700..5_300).contains(&set), "{set}");
    }

    #[test]
    fn splitmix_is_the_published_sequence() {
        // First output of SplitMix64 seeded with 0 (reference implementation).
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut rng = SplitMix64::new(9);
        assert!((0..1000).all(|_| rng.below(10) < 10));
    }
}

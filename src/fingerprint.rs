//! Winnowing fingerprints: a small, position-tagged sample of a document's word
//! k-grams that is guaranteed to contain a shared value for every long enough
//! shared passage (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms
//! for document fingerprinting", SIGMOD 2003, the algorithm behind MOSS).
//!
//! Input: one document's word hashes (`&[u64]`, from [`Token::hash`]).
//! Output: its [`Fingerprint`]s, in increasing `position` order, or their distinct
//! hashes, sorted.
//!
//! Method: every run of `k` consecutive words is hashed into a k-gram hash; in each
//! window of `window` consecutive k-gram hashes the minimum is selected, and each
//! selected position is recorded once (the paper's robust winnowing: ties go
//! to the position already selected by the previous window when it is still in the
//! window and still minimal, otherwise to the rightmost minimum).
//!
//! Invariants:
//! - Guarantee: two documents that share a run of at least
//!   `t = k + window - 1` words share at least one fingerprint hash. The run holds
//!   one full window of identical k-gram hashes in both documents, and both select
//!   that window's minimum. (Tie-breaking may pick different *positions*, never a
//!   different *hash*.)
//! - Noise: no match shorter than `k` words yields a shared fingerprint, except by
//!   hash collision or between two documents that are both that whole match.
//! - Every window of `window` consecutive k-grams contains a selected position;
//!   positions are strictly increasing.
//! - A k-gram's hash is [`combine_hashes`] of its word hashes with the
//!   winnower's seed, so output is the same on every run and platform.
//!   Fingerprints live in memory only, so they need no named hash, only a fast
//!   and uniform one.
//!
//! [`Token::hash`]: crate::shingle::Token::hash

use rayon::prelude::*;

use crate::hash::combine_hashes;

/// Default noise threshold in words: k-grams shorter than this are not
/// fingerprinted. In news text, short runs ("said in a statement", "the end of
/// the") recur across unrelated articles and make false candidates that the
/// aligner then rejects (a passage needs a run of `min_passage_words` words).
/// Measured on Reuters-21578 with `min_passage_words` 8: k = 5 made 214,731
/// candidates, k = 6 made 102,542, k = 8 made 44,026, with the same partial-reuse
/// pairs found; k = 7 (window 2, about two thirds of k-grams kept) trades
/// candidates against index size.
pub const DEFAULT_NOISE_WORDS: usize = 7;

/// One selected k-gram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint {
    /// The k-gram's hash.
    pub hash: u64,
    /// Index of the k-gram's first word in the document's word sequence (for a
    /// document shorter than `k` words, 0: the fingerprint covers all its words).
    pub position: u32,
}

/// Buffers reused across documents by one worker, so that fingerprinting does not
/// allocate per document once the buffers have grown.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The k-gram hashes of the current document.
    grams: Vec<u64>,
    /// Monotone queue of k-gram indices (see `winnow_into`).
    queue: Vec<u32>,
    /// Fingerprints, when only the distinct hashes are wanted.
    fingerprints: Vec<Fingerprint>,
}

/// Winnowing parameters: noise threshold `k` (words per k-gram), window size (in
/// k-grams) and the seed of the k-gram hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Winnower {
    k: usize,
    window: usize,
    seed: u64,
}

impl Winnower {
    /// The winnower that guarantees a shared fingerprint for every shared run of
    /// `min_passage_words` words (the guarantee threshold `t`), with
    /// `k = min(DEFAULT_NOISE_WORDS, t)` and `window = t - k + 1`, seed 0.
    ///
    /// `k` is as large as `DEFAULT_NOISE_WORDS` allows, not smaller: a smaller `k`
    /// would widen the window (density is about `2 / (window + 1)`, from the paper)
    /// but its k-grams are common phrases that pair unrelated articles or end
    /// up over the boilerplate cut of `crate::overlap`, taking the guarantee with
    /// them. For the default `t = 8` this gives `k = 7`, `window = 2`: about two
    /// thirds of k-grams are kept. `min_passage_words = 0` is treated as 1.
    pub fn for_min_passage(min_passage_words: usize) -> Self {
        let t = min_passage_words.max(1);
        let k = DEFAULT_NOISE_WORDS.min(t);
        Winnower {
            k,
            window: t - k + 1,
            seed: 0,
        }
    }

    /// A winnower with `k` words per k-gram and `window` k-grams per window, seed
    /// 0; `None` when either is zero.
    pub fn new(k: usize, window: usize) -> Option<Self> {
        (k > 0 && window > 0).then_some(Winnower { k, window, seed: 0 })
    }

    /// The same parameters with k-gram hashes seeded by `seed`. Word hashes are
    /// already seeded by the shingler; passing the scan's seed here as well keeps
    /// every stored value a function of the one recorded seed.
    pub fn with_seed(self, seed: u64) -> Self {
        Winnower { seed, ..self }
    }

    /// Words per k-gram (the noise threshold).
    pub fn k(&self) -> usize {
        self.k
    }

    /// K-grams per window.
    pub fn window(&self) -> usize {
        self.window
    }

    /// Seed of the k-gram hash.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The guarantee threshold `t = k + window - 1`: any shared run of this many
    /// words yields a shared fingerprint.
    pub fn min_passage_words(&self) -> usize {
        self.k + self.window - 1
    }

    /// The most words of identical runs, each at least
    /// [`min_passage_words`](Self::min_passage_words) long, that can share
    /// only one fingerprint: `t + window - 1`. A run of `L >= t` words holds
    /// `L - t + 1` full windows, and one selected k-gram lies in at most
    /// `window` of them, so the run shares at least `ceil((L - t + 1) /
    /// window)` fingerprints. Two documents sharing `s` distinct fingerprints
    /// thus share at most `s` times this many words in such runs (unless a run
    /// repeats its own k-grams).
    pub fn max_run_words_per_fingerprint(&self) -> usize {
        self.min_passage_words() + self.window - 1
    }

    /// Expected share of k-grams selected on random input, `2 / (window + 1)`
    /// (Schleimer et al. 2003).
    pub fn expected_density(&self) -> f64 {
        2.0 / (self.window as f64 + 1.0)
    }

    /// The fingerprints of a document with word hashes `words`, in increasing
    /// position order.
    ///
    /// A document with at least `k` words but fewer than
    /// [`min_passage_words`](Self::min_passage_words) has less than one full
    /// window; its k-grams are winnowed as one short window (one fingerprint). A
    /// document with 1 to `k - 1` words gets one fingerprint hashing all its words,
    /// at position 0, so it still pairs with exact copies (the same rule as short
    /// documents in `crate::shingle`). An empty document has none.
    ///
    /// Positions are `u32`; words past index `u32::MAX` are ignored (token spans are
    /// `u32` byte offsets, so real documents never get there).
    pub fn fingerprints(&self, words: &[u64]) -> Vec<Fingerprint> {
        let mut out = Vec::new();
        self.fingerprints_into(words, &mut Scratch::default(), &mut out);
        out
    }

    /// Like [`fingerprints`](Self::fingerprints), but clears and fills `out` and
    /// reuses `scratch`, for the per-document hot path.
    pub fn fingerprints_into(
        &self,
        words: &[u64],
        scratch: &mut Scratch,
        out: &mut Vec<Fingerprint>,
    ) {
        out.clear();
        let words = &words[..words.len().min(u32::MAX as usize)];
        if words.is_empty() {
            return;
        }
        if words.len() < self.k {
            out.push(Fingerprint {
                hash: combine_hashes(words, self.seed),
                position: 0,
            });
            return;
        }
        scratch.grams.clear();
        scratch.grams.extend(
            words
                .windows(self.k)
                .map(|gram| combine_hashes(gram, self.seed)),
        );
        winnow_into(&scratch.grams, self.window, &mut scratch.queue, out);
    }

    /// The distinct fingerprint hashes of `words`, sorted (the input of
    /// `crate::overlap`).
    pub fn distinct_hashes(&self, words: &[u64]) -> Vec<u64> {
        let mut out = Vec::new();
        self.distinct_hashes_into(words, &mut Scratch::default(), &mut out);
        out
    }

    /// Like [`distinct_hashes`](Self::distinct_hashes), but clears and fills `out`
    /// and reuses `scratch`.
    pub fn distinct_hashes_into(&self, words: &[u64], scratch: &mut Scratch, out: &mut Vec<u64>) {
        let mut fingerprints = std::mem::take(&mut scratch.fingerprints);
        self.fingerprints_into(words, scratch, &mut fingerprints);
        sorted_distinct_hashes_into(&fingerprints, out);
        scratch.fingerprints = fingerprints;
    }

    /// The distinct fingerprint hashes of every document, in parallel, one scratch
    /// per worker; element `i` belongs to document `i` whatever the thread count.
    pub fn distinct_hashes_all<W>(&self, documents: &[W]) -> Vec<Vec<u64>>
    where
        W: AsRef<[u64]> + Sync,
    {
        documents
            .par_iter()
            .map_init(Scratch::default, |scratch, words| {
                let mut out = Vec::new();
                self.distinct_hashes_into(words.as_ref(), scratch, &mut out);
                out
            })
            .collect()
    }
}

/// Clears `out` and fills it with the distinct hashes of `fingerprints`, sorted.
pub fn sorted_distinct_hashes_into(fingerprints: &[Fingerprint], out: &mut Vec<u64>) {
    out.clear();
    out.extend(fingerprints.iter().map(|f| f.hash));
    out.sort_unstable();
    out.dedup();
}

/// Robust winnowing of `grams` with windows of `window` values, appending the
/// selected (hash, position) pairs to `out` in position order. With fewer than
/// `window` values, the whole sequence is one window.
///
/// A monotone queue keeps the window minimum in O(1) amortised per k-gram instead
/// of rescanning the window: indices whose hash is `>=` a newer one can never again
/// be the rightmost minimum, so they are dropped from the back, and the front is the
/// rightmost minimum of the current window. Robust tie-breaking then keeps the
/// previous selection if it is still inside the window with the minimal hash.
/// (The paper's Figure 5 rescans a ring buffer instead; its published listing has
/// an indexing bug, see the errata at
/// <http://homepages.warwick.ac.uk/~masgar/Maths/winnowing.html>.)
fn winnow_into(grams: &[u64], window: usize, queue: &mut Vec<u32>, out: &mut Vec<Fingerprint>) {
    queue.clear();
    let mut head = 0;
    let mut selected: Option<usize> = None;
    let window = window.min(grams.len()).max(1);
    for (i, &hash) in grams.iter().enumerate() {
        while queue.len() > head && grams[queue[queue.len() - 1] as usize] >= hash {
            queue.pop();
        }
        queue.push(i as u32);
        // `i + 1 < window`: the first window is not complete yet.
        let Some(start) = (i + 1).checked_sub(window) else {
            continue;
        };
        while (queue[head] as usize) < start {
            head += 1;
        }
        let rightmost_min = queue[head] as usize;
        let pick = match selected {
            Some(prev) if prev >= start && grams[prev] == grams[rightmost_min] => prev,
            _ => rightmost_min,
        };
        if selected != Some(pick) {
            out.push(Fingerprint {
                hash: grams[pick],
                position: pick as u32,
            });
            selected = Some(pick);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::SplitMix64;
    use proptest::prelude::*;

    fn random_words(seed: u64, n: usize) -> Vec<u64> {
        let mut rng = SplitMix64::new(seed);
        (0..n).map(|_| rng.next_u64()).collect()
    }

    fn hashes(w: &Winnower, words: &[u64]) -> Vec<u64> {
        w.distinct_hashes(words)
    }

    fn share_a_hash(a: &[u64], b: &[u64]) -> bool {
        a.iter().any(|h| b.binary_search(h).is_ok())
    }

    macro_rules! parameters {
        ($($name:ident: $t:expr => ($k:expr, $w:expr);)*) => {$(
            #[test]
            fn $name() {
                let w = Winnower::for_min_passage($t);
                assert_eq!((w.k(), w.window()), ($k, $w));
                assert_eq!(w.min_passage_words(), ($t as usize).max(1));
            }
        )*};
    }

    parameters! {
        default_passage: 8 => (7, 2);
        passage_equal_to_noise: 5 => (5, 1);
        passage_below_noise: 3 => (3, 1);
        one_word: 1 => (1, 1);
        zero_is_one: 0 => (1, 1);
        long_passage: 20 => (7, 14);
    }

    #[test]
    fn new_rejects_zero() {
        assert_eq!(Winnower::new(0, 4), None);
        assert_eq!(Winnower::new(5, 0), None);
        assert_eq!(Winnower::new(7, 2), Some(Winnower::for_min_passage(8)));
    }

    #[test]
    fn paper_figure_2_example() {
        // Schleimer et al. 2003, Figure 2(d)-(f): these k-gram hashes with w = 4
        // give the fingerprints [17,3] [17,6] [8,8] [39,11] [17,15].
        let grams = [
            77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98,
        ];
        let mut out = Vec::new();
        winnow_into(&grams, 4, &mut Vec::new(), &mut out);
        let got: Vec<(u64, u32)> = out.iter().map(|f| (f.hash, f.position)).collect();
        assert_eq!(got, [(17, 3), (17, 6), (8, 8), (39, 11), (17, 15)]);
    }

    #[test]
    fn robust_ties_keep_the_previous_selection() {
        // A run of equal hashes (a repeated phrase): plain winnowing would select a
        // new rightmost position in every window (3, 4, ..., 9); robust winnowing
        // keeps one until it leaves the window.
        let mut out = Vec::new();
        winnow_into(&[5; 10], 4, &mut Vec::new(), &mut out);
        let positions: Vec<u32> = out.iter().map(|f| f.position).collect();
        assert_eq!(positions, [3, 7]);
        // A smaller value still wins at once, and a tie after the previous one left
        // goes to the rightmost.
        out.clear();
        winnow_into(&[5, 5, 5, 1, 5, 5, 5, 5], 3, &mut Vec::new(), &mut out);
        let got: Vec<(u64, u32)> = out.iter().map(|f| (f.hash, f.position)).collect();
        assert_eq!(got, [(5, 2), (1, 3), (5, 6)]);
    }

    #[test]
    fn fingerprint_hashes_are_kgram_hashes() {
        let w = Winnower::new(5, 4).unwrap().with_seed(42);
        let words = random_words(3, 500);
        let fps = w.fingerprints(&words);
        for f in &fps {
            let p = f.position as usize;
            assert_eq!(f.hash, combine_hashes(&words[p..p + 5], 42));
        }
    }

    #[test]
    fn deterministic_and_scratch_independent() {
        let w = Winnower::new(5, 4).unwrap();
        let (a, b) = (random_words(1, 300), random_words(2, 40));
        let fresh = w.fingerprints(&a);
        assert_eq!(fresh, w.fingerprints(&a));
        // A scratch dirtied by a longer document gives the same result.
        let (mut scratch, mut out) = (Scratch::default(), Vec::new());
        w.fingerprints_into(&a, &mut scratch, &mut out);
        w.fingerprints_into(&b, &mut scratch, &mut out);
        assert_eq!(out, w.fingerprints(&b));
        w.fingerprints_into(&a, &mut scratch, &mut out);
        assert_eq!(out, fresh);
        // The seed matters.
        assert_ne!(hashes(&w, &a), hashes(&w.with_seed(1), &a));
    }

    #[test]
    fn density_is_about_two_over_window_plus_one() {
        for (t, low, high) in [(8, 0.60, 0.72), (12, 0.28, 0.38), (20, 0.11, 0.155)] {
            let w = Winnower::for_min_passage(t);
            let words = random_words(t as u64, 50_000);
            let grams = words.len() - w.k() + 1;
            let density = w.fingerprints(&words).len() as f64 / grams as f64;
            assert!(
                (low..high).contains(&density),
                "t = {t}: density {density}, expected about {}",
                w.expected_density()
            );
        }
    }

    #[test]
    fn short_documents() {
        let w = Winnower::new(5, 4).unwrap();
        assert!(w.fingerprints(&[]).is_empty());
        // Fewer than k words: one fingerprint of all of them.
        let three = w.fingerprints(&[10, 20, 30]);
        assert_eq!(
            three,
            [Fingerprint {
                hash: combine_hashes(&[10, 20, 30], 0),
                position: 0
            }]
        );
        assert_ne!(w.fingerprints(&[10, 20]), three, "a prefix is not a copy");
        // k to t - 1 words: one short window, hence one fingerprint, which an
        // exact copy shares.
        let six = random_words(5, 6);
        let fps = w.fingerprints(&six);
        let grams = [combine_hashes(&six[..5], 0), combine_hashes(&six[1..], 0)];
        let min = usize::from(grams[1] <= grams[0]);
        assert_eq!(
            fps,
            [Fingerprint {
                hash: grams[min],
                position: min as u32
            }]
        );
    }

    #[test]
    fn distinct_hashes_are_sorted_and_unique() {
        let w = Winnower::for_min_passage(6);
        // A repeated paragraph repeats its fingerprints.
        let para = random_words(7, 60);
        let doc: Vec<u64> = para.iter().chain(&para).copied().collect();
        let all = w.fingerprints(&doc);
        let distinct = w.distinct_hashes(&doc);
        assert!(distinct.windows(2).all(|p| p[0] < p[1]));
        assert!(distinct.len() < all.len());
        let docs = vec![doc.clone(), para.clone(), Vec::new()];
        assert_eq!(
            w.distinct_hashes_all(&docs),
            [distinct, w.distinct_hashes(&para), Vec::new()]
        );
    }

    /// `run` planted between random words.
    fn planted(prefix: Vec<u64>, suffix: Vec<u64>, run: &[u64]) -> Vec<u64> {
        prefix
            .into_iter()
            .chain(run.iter().copied())
            .chain(suffix)
            .collect()
    }

    /// Random words over a vocabulary of 4, so k-grams and ties repeat.
    fn small_vocab_words(max_len: usize) -> impl Strategy<Value = Vec<u64>> {
        prop::collection::vec(0u64..4, 0..max_len)
    }

    proptest! {
        #[test]
        fn shared_run_of_t_words_shares_a_fingerprint(
            k in 1usize..7,
            window in 1usize..10,
            run_seed in any::<u64>(),
            (a_pre, a_suf, b_pre, b_suf) in (
                small_vocab_words(40), small_vocab_words(40),
                small_vocab_words(40), small_vocab_words(40),
            ),
        ) {
            let w = Winnower::new(k, window).expect("k and window are positive");
            let t = w.min_passage_words();
            let mut rng = SplitMix64::new(run_seed);
            let run: Vec<u64> = (0..t).map(|_| rng.below(4)).collect();
            let a = planted(a_pre, a_suf, &run);
            let b = planted(b_pre, b_suf, &run);
            prop_assert!(share_a_hash(&hashes(&w, &a), &hashes(&w, &b)), "t = {}", t);
        }

        #[test]
        fn default_winnower_keeps_the_guarantee(
            t in 1usize..16,
            (a_pre, a_suf, b_pre, b_suf) in (
                small_vocab_words(60), small_vocab_words(60),
                small_vocab_words(60), small_vocab_words(60),
            ),
            run_seed in any::<u64>(),
        ) {
            let w = Winnower::for_min_passage(t);
            let mut rng = SplitMix64::new(run_seed);
            let run: Vec<u64> = (0..t).map(|_| rng.below(3)).collect();
            let a = planted(a_pre, a_suf, &run);
            let b = planted(b_pre, b_suf, &run);
            prop_assert!(share_a_hash(&hashes(&w, &a), &hashes(&w, &b)));
        }

        #[test]
        fn every_window_holds_a_selected_minimum(
            k in 1usize..5,
            window in 1usize..8,
            words in prop::collection::vec(0u64..5, 0..80),
        ) {
            let w = Winnower::new(k, window).expect("k and window are positive");
            let fps = w.fingerprints(&words);
            prop_assert!(fps.windows(2).all(|p| p[0].position < p[1].position));
            if words.len() < k {
                prop_assert_eq!(fps.len(), usize::from(!words.is_empty()));
                return Ok(());
            }
            let grams: Vec<u64> = words.windows(k).map(|g| combine_hashes(g, 0)).collect();
            let span = window.min(grams.len());
            for start in 0..=grams.len() - span {
                let min = grams[start..start + span].iter().min().copied();
                prop_assert!(fps.iter().any(|f| {
                    let p = f.position as usize;
                    (start..start + span).contains(&p) && Some(f.hash) == min
                }), "window at {} has no selected minimum", start);
            }
            for f in &fps {
                prop_assert_eq!(f.hash, grams[f.position as usize]);
            }
        }
    }
}

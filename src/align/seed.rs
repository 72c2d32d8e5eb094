//! Seeds: small pieces of evidence that a region of A and a region of B are the
//! same text.
//!
//! Input: two [`AlignText`]s. Output: [`Seed`]s, each a word range of A matched to
//! a word range of B. Two kinds:
//!
//! - *exact runs*: maximal runs of at least `anchor` identical words (normalized),
//!   found from an index of B's `anchor`-word windows and extended along their
//!   diagonal. They give word-exact boundaries for copied text.
//! - *sentence pairs*: a sentence of A and one of B whose tf-isf vectors of
//!   stemmed content words have cosine above `min_cosine` and whose term sets have
//!   Dice coefficient above `min_dice` (Sanchez-Perez, Sidorov and Gelbukh, "A
//!   Winning Approach to Text Alignment for Text Reuse Detection at PAN 2014").
//!   They catch reworded, reordered and translated sentences.
//!
//! Bound: an anchor window or a term found in more than [`MAX_OCCURRENCES`] places of
//! B (a phrase repeated through a document) is not used to find seeds; seeds
//! through repetitive text still come from their other words, and the work stays
//! linear in the document length rather than quadratic.

use std::ops::Range;

use bit_vec::BitVec;

use super::anchor::KEY_MASK;
use super::prepared::AlignText;
use crate::terms::term_counts;

/// An anchor window or term occurring more often than this in B seeds nothing.
pub const MAX_OCCURRENCES: usize = 32;

/// A word range of A that matches a word range of B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// Words of A.
    pub a: Range<u32>,
    /// Words of B.
    pub b: Range<u32>,
}

/// Inverse sentence frequencies of one document pair: the sentences of both
/// documents are the collection, so terms common in either count for little.
pub(crate) struct PairWeights<'p> {
    a: &'p AlignText<'p>,
    b: &'p AlignText<'p>,
    /// Every content term of either document, sorted, with its weight.
    isf: Vec<(u64, f64)>,
}

impl<'p> PairWeights<'p> {
    /// Weighs every term once: `1 + ln((1 + N) / (1 + n_t))`, with N the
    /// sentences of both documents and `n_t` those containing the term.
    /// Smoothed (as scikit-learn's idf) so that a term of a one-sentence
    /// document still weighs something.
    pub(crate) fn new(a: &'p AlignText<'p>, b: &'p AlignText<'p>) -> Self {
        let sentences = (a.sentence_count() + b.sentence_count()) as f64;
        let weight = |containing: usize| 1.0 + ((1.0 + sentences) / (1.0 + containing as f64)).ln();
        let (mut xs, mut ys) = (
            a.sentence_frequencies().peekable(),
            b.sentence_frequencies().peekable(),
        );
        let mut isf = Vec::new();
        loop {
            let next = match (xs.peek(), ys.peek()) {
                (Some(&(x, n)), Some(&(y, m))) if x == y => {
                    xs.next();
                    ys.next();
                    (x, n + m)
                }
                (Some(&(x, _)), Some(&(y, _))) if y < x => ys.next().expect("peeked"),
                (Some(_), _) => xs.next().expect("peeked"),
                (None, Some(_)) => ys.next().expect("peeked"),
                (None, None) => break,
            };
            isf.push((next.0, weight(next.1)));
        }
        PairWeights { a, b, isf }
    }

    /// The weight of a content term of either document.
    pub(crate) fn isf(&self, term: u64) -> f64 {
        self.isf
            .binary_search_by_key(&term, |&(t, _)| t)
            .map_or(0.0, |i| self.isf[i].1)
    }

    /// Cosine of the tf-isf vectors of two word ranges. Sums run in term order,
    /// so the result is the same bit for bit on every run.
    pub(crate) fn cosine(&self, a: Range<u32>, b: Range<u32>) -> f64 {
        let (ca, cb) = (self.weighed(self.a, a), self.weighed(self.b, b));
        let norm = |counts: &[(u64, u32, f64)]| {
            counts
                .iter()
                .map(|&(_, n, w)| (n as f64 * w).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < ca.len() && j < cb.len() {
            match ca[i].0.cmp(&cb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += ca[i].1 as f64 * cb[j].1 as f64 * ca[i].2.powi(2);
                    i += 1;
                    j += 1;
                }
            }
        }
        let denominator = norm(&ca) * norm(&cb);
        if denominator > 0.0 {
            dot / denominator
        } else {
            0.0
        }
    }

    /// The content terms of a word range of `text` with their counts and
    /// weights, sorted by term. Weights come from one merge along the sorted
    /// `isf` rather than a search per term: a range is often most of a
    /// document.
    fn weighed(&self, text: &AlignText, range: Range<u32>) -> Vec<(u64, u32, f64)> {
        let counts = term_counts(&text.terms()[range.start as usize..range.end as usize]);
        let mut isf = self.isf.iter().peekable();
        counts
            .into_iter()
            .map(|(t, n)| {
                // Every content term of either document is in `isf`.
                while isf.next_if(|&&(term, _)| term < t).is_some() {}
                let weight = isf
                    .peek()
                    .filter(|&&&(term, _)| term == t)
                    .map_or(0.0, |&&(_, w)| w);
                (t, n, weight)
            })
            .collect()
    }
}

/// Maximal runs of at least `anchor` identical words, and the number of B's
/// anchor windows left out as too repetitive.
pub fn exact_runs(a: &AlignText, b: &AlignText, anchor: usize) -> (Vec<Seed>, usize) {
    if anchor == 0 || a.len() < anchor || b.len() < anchor {
        return (Vec::new(), 0);
    }
    let (index_a, index_b) = (a.anchor_index(anchor), b.anchor_index(anchor));
    let word = |t: &AlignText, i: usize| t.tokens[i].hash;
    // Matching windows by a merge of the two sorted window lists (linear, no
    // hashing), then visited in A's order so each diagonal run is found once.
    let (sa, sb) = (&index_a.sorted, &index_b.sorted);
    let (mut x, mut y, mut repetitive) = (0, 0, 0);
    let mut matches: Vec<(u32, u32)> = Vec::new();
    while x < sa.len() && y < sb.len() {
        let key = sa[x] & KEY_MASK;
        match key.cmp(&(sb[y] & KEY_MASK)) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                let x_end = x + sa[x..].partition_point(|&e| e & KEY_MASK == key);
                let y_end = y + sb[y..].partition_point(|&e| e & KEY_MASK == key);
                if y_end - y > MAX_OCCURRENCES {
                    repetitive += x_end - x;
                } else {
                    // The low 32 bits of an entry are its position.
                    for &i in &sa[x..x_end] {
                        matches.extend(sb[y..y_end].iter().map(|&j| (i as u32, j as u32)));
                    }
                }
                (x, y) = (x_end, y_end);
            }
        }
    }
    matches.sort_unstable();
    // Per diagonal (a - b + |B|), the end in A of the last run found on it.
    let mut covered = vec![0usize; a.len() + b.len()];
    let mut runs = Vec::new();
    for (i, j) in matches {
        let (i, j) = (i as usize, j as usize);
        let diagonal = i + b.len() - j;
        if covered[diagonal] > i || (0..anchor).any(|k| word(a, i + k) != word(b, j + k)) {
            continue;
        }
        let back = (1..=i.min(j))
            .take_while(|&k| word(a, i - k) == word(b, j - k))
            .count();
        let forward = (0..)
            .take_while(|&k| i + k < a.len() && j + k < b.len() && word(a, i + k) == word(b, j + k))
            .count();
        covered[diagonal] = i + forward;
        runs.push(Seed {
            a: (i - back) as u32..(i + forward) as u32,
            b: (j - back) as u32..(j + forward) as u32,
        });
    }
    (runs, repetitive)
}

/// Which sentences of each document to compare, and which are already
/// explained by exact runs.
pub(crate) struct SentenceChoice<'c> {
    /// The sentences of A and of B that may pair.
    pub among: (&'c BitVec, &'c BitVec),
    /// The sentences of A and of B mostly inside exact runs: a pair of two such
    /// sentences adds nothing the runs do not already say, so it is never
    /// compared.
    pub run_covered: (&'c BitVec, &'c BitVec),
}

/// Sentence pairs similar enough to be the same sentence reworded, among the
/// chosen sentences of A and of B.
///
/// One function, as the hot loop of alignment (comparing sentences is its
/// costly part): the accumulators `dot`, `shared` and `touched` are reused
/// for every sentence of A, and only B's sentences that share a term are
/// visited.
pub(crate) fn sentence_pairs(
    weights: &PairWeights,
    choice: &SentenceChoice,
    min_cosine: f64,
    min_dice: f64,
) -> Vec<Seed> {
    let (a, b) = (weights.a, weights.b);
    let (among_a, among_b) = choice.among;
    let (covered_a, covered_b) = choice.run_covered;
    // A pair needs at least one uncovered side: a covered sentence of B is
    // needed only when some of A is uncovered, and a covered sentence of A
    // only when some of B is.
    let any_open_a = (0..a.sentence_count()).any(|i| among_a[i] && !covered_a[i]);
    let any_open_b = (0..b.sentence_count()).any(|j| among_b[j] && !covered_b[j]);
    let wanted_b = |j: usize| among_b[j] && (any_open_a || !covered_b[j]);
    let weighted = |text: &AlignText, s: usize| -> Vec<(u64, f64)> {
        text.sentence_terms(s)
            .iter()
            .map(|&(t, n)| (t, n as f64 * weights.isf(t)))
            .collect()
    };
    let norm = |v: &[(u64, f64)]| v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    let b_vectors: Vec<Vec<(u64, f64)>> = (0..b.sentence_count())
        .map(|s| {
            if wanted_b(s) {
                weighted(b, s)
            } else {
                Vec::new()
            }
        })
        .collect();
    let b_norms: Vec<f64> = b_vectors.iter().map(|v| norm(v)).collect();

    let mut dot = vec![0.0f64; b.sentence_count()];
    let mut shared = vec![0u32; b.sentence_count()];
    let mut touched: Vec<u32> = Vec::new();
    let mut seeds = Vec::new();
    let open_a = (0..a.sentence_count()).filter(|&i| among_a[i] && (any_open_b || !covered_a[i]));
    for i in open_a {
        let vector = weighted(a, i);
        let a_norm = norm(&vector);
        for &(term, weight) in &vector {
            let sentences = b.sentences_with(term);
            if sentences.len() > MAX_OCCURRENCES {
                continue;
            }
            for &(_, j) in sentences {
                let j = j as usize;
                if !among_b[j] || (covered_a[i] && covered_b[j]) {
                    continue;
                }
                if shared[j] == 0 {
                    touched.push(j as u32);
                }
                shared[j] += 1;
                let b_weight = b_vectors[j]
                    .binary_search_by_key(&term, |&(t, _)| t)
                    .map_or(0.0, |k| b_vectors[j][k].1);
                dot[j] += weight * b_weight;
            }
        }
        touched.sort_unstable();
        for &j in &touched {
            let j = j as usize;
            let cosine = if a_norm > 0.0 && b_norms[j] > 0.0 {
                dot[j] / (a_norm * b_norms[j])
            } else {
                0.0
            };
            let dice = 2.0 * shared[j] as f64 / (vector.len() + b_vectors[j].len()).max(1) as f64;
            if cosine > min_cosine && dice > min_dice {
                seeds.push(Seed {
                    a: a.sentences()[i].clone(),
                    b: b.sentences()[j].clone(),
                });
            }
            dot[j] = 0.0;
            shared[j] = 0;
        }
        touched.clear();
    }
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::{covered, run_covered_sentences};
    use crate::config::Config;
    use crate::shingle::Shingler;
    use crate::synthetic::{generate_reuse, ReuseSpec};

    /// Source and target texts of planted reuse, edited densely enough that
    /// some copied sentences are broken into runs too short to count.
    fn reused_pairs() -> Vec<(String, String)> {
        let corpus = generate_reuse(&ReuseSpec {
            documents: 80,
            reuse_share: 0.5,
            edited_share: 1.0,
            min_edit_spacing: 4,
            max_edit_spacing: 12,
            ..ReuseSpec::default()
        });
        corpus
            .passages
            .iter()
            .map(|p| {
                (
                    corpus.texts[p.source].clone(),
                    corpus.texts[p.target].clone(),
                )
            })
            .collect()
    }

    #[test]
    fn pairs_of_run_covered_sentences_are_left_out_and_nothing_else() {
        let shingler = Shingler::new(Config::default().shingle, 1);
        let (mut kept_some, mut left_out_some) = (false, false);
        for (a, b) in reused_pairs() {
            let (a, b) = (AlignText::new(&a, &shingler), AlignText::new(&b, &shingler));
            let weights = PairWeights::new(&a, &b);
            let (runs, _) = exact_runs(&a, &b, 8);
            let run_covered = (
                run_covered_sentences(&a, &covered(runs.iter().map(|r| r.a.clone()), a.len())),
                run_covered_sentences(&b, &covered(runs.iter().map(|r| r.b.clone()), b.len())),
            );
            let all = (
                BitVec::from_elem(a.sentence_count(), true),
                BitVec::from_elem(b.sentence_count(), true),
            );
            let nothing = (
                BitVec::from_elem(a.sentence_count(), false),
                BitVec::from_elem(b.sentence_count(), false),
            );
            let find = |run_covered: (&BitVec, &BitVec)| {
                let choice = SentenceChoice {
                    among: (&all.0, &all.1),
                    run_covered,
                };
                sentence_pairs(&weights, &choice, 0.33, 0.33)
            };
            let sentence_of = |text: &AlignText, range: &Range<u32>| {
                text.sentences()
                    .iter()
                    .position(|s| s == range)
                    .expect("a sentence")
            };
            let mut expected = find((&nothing.0, &nothing.1));
            let before = expected.len();
            expected.retain(|s| {
                !(run_covered.0[sentence_of(&a, &s.a)] && run_covered.1[sentence_of(&b, &s.b)])
            });
            left_out_some |= expected.len() < before;
            kept_some |= !expected.is_empty();
            assert_eq!(find((&run_covered.0, &run_covered.1)), expected);
        }
        assert!(kept_some && left_out_some, "the pairs exercise both cases");
    }

    #[test]
    fn cosine_weighs_each_term_by_its_isf() {
        let shingler = Shingler::new(Config::default().shingle, 1);
        for (a, b) in reused_pairs().into_iter().take(20) {
            let (a, b) = (AlignText::new(&a, &shingler), AlignText::new(&b, &shingler));
            let weights = PairWeights::new(&a, &b);
            // The definition, term by term with a search for each weight.
            let vector = |text: &AlignText, r: &Range<u32>| -> Vec<(u64, f64)> {
                term_counts(&text.terms()[r.start as usize..r.end as usize])
                    .into_iter()
                    .map(|(t, n)| (t, n as f64 * weights.isf(t)))
                    .collect()
            };
            let norm = |v: &[(u64, f64)]| v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            for (ra, rb) in [(0..a.len() as u32, 0..b.len() as u32), (3..40, 10..30)] {
                if ra.end as usize > a.len() || rb.end as usize > b.len() {
                    continue;
                }
                let (va, vb) = (vector(&a, &ra), vector(&b, &rb));
                let dot: f64 = va
                    .iter()
                    .filter_map(|&(t, x)| vb.iter().find(|&&(u, _)| u == t).map(|&(_, y)| x * y))
                    .sum();
                let expected = dot / (norm(&va) * norm(&vb));
                let got = weights.cosine(ra, rb);
                assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
            }
        }
    }
}

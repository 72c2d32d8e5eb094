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

use super::text::{term_counts, AlignText};
use crate::hash::combine_hashes;
use crate::shingle::Token;

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
        let slice = |text: &AlignText, r: Range<u32>| -> Vec<(u64, u32)> {
            term_counts(&text.terms[r.start as usize..r.end as usize])
        };
        let (ca, cb) = (slice(self.a, a), slice(self.b, b));
        let norm = |counts: &[(u64, u32)]| {
            counts
                .iter()
                .map(|&(t, n)| (n as f64 * self.isf(t)).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < ca.len() && j < cb.len() {
            match ca[i].0.cmp(&cb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += ca[i].1 as f64 * cb[j].1 as f64 * self.isf(ca[i].0).powi(2);
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
}

/// The `anchor`-word windows of one document, sorted, so two documents'
/// windows match by a merge. Built once per document and reused by every pair
/// it is in.
///
/// Each window is one `u64`: the top 32 bits of its hash, then its position.
/// Plain integers sort faster than (hash, position) pairs, and the shortened
/// key costs nothing in exactness: every match is checked word by word before
/// it makes a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct AnchorIndex {
    anchor: usize,
    sorted: Vec<u64>,
}

impl AnchorIndex {
    pub(crate) fn new(words: &[Token], anchor: usize) -> Self {
        let hashes: Vec<u64> = words.iter().map(|t| t.hash).collect();
        let mut sorted: Vec<u64> = if anchor == 0 {
            Vec::new()
        } else {
            // Token spans are u32 byte offsets, so positions fit in 32 bits.
            hashes
                .windows(anchor)
                .enumerate()
                .map(|(j, w)| combine_hashes(w, 0) & KEY_MASK | j as u64)
                .collect()
        };
        sorted.sort_unstable();
        AnchorIndex { anchor, sorted }
    }

    pub(crate) fn anchor(&self) -> usize {
        self.anchor
    }
}

/// The bits of an anchor entry that hold the window's key (the rest is its
/// position).
const KEY_MASK: u64 = !0 << 32;

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

/// Sentence pairs similar enough to be the same sentence reworded, among the
/// marked sentences of A and of B.
pub(crate) fn sentence_pairs(
    weights: &PairWeights,
    (among_a, among_b): (&BitVec, &BitVec),
    min_cosine: f64,
    min_dice: f64,
) -> Vec<Seed> {
    let (a, b) = (weights.a, weights.b);
    let weighted = |text: &AlignText, s: usize| -> Vec<(u64, f64)> {
        text.sentence_terms(s)
            .iter()
            .map(|&(t, n)| (t, n as f64 * weights.isf(t)))
            .collect()
    };
    let norm = |v: &[(u64, f64)]| v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    let b_vectors: Vec<Vec<(u64, f64)>> = (0..b.sentence_count())
        .map(|s| {
            if among_b[s] {
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
    for i in (0..a.sentence_count()).filter(|&i| among_a[i]) {
        let vector = weighted(a, i);
        let a_norm = norm(&vector);
        for &(term, weight) in &vector {
            let sentences = b.sentences_with(term);
            if sentences.len() > MAX_OCCURRENCES {
                continue;
            }
            for &(_, j) in sentences {
                let j = j as usize;
                if !among_b[j] {
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
                    a: a.sentences[i].clone(),
                    b: b.sentences[j].clone(),
                });
            }
            dot[j] = 0.0;
            shared[j] = 0;
        }
        touched.clear();
    }
    seeds
}

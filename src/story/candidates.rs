//! Story candidates: pairs of documents that share several of their most
//! distinctive terms.
//!
//! Input: each document's distinctive terms (from the sketch pass). Output:
//! the candidate pairs, sorted, and how many terms were too common to index.
//!
//! Rewrites of one story share few word sequences but many of the same names,
//! numbers and content words. Their weighted Jaccard is often below 0.1, where
//! MinHash banding would need hundreds of bands; an inverted index over each
//! article's top terms (a prefix filter, as in all-pairs similarity joins)
//! finds them directly. A term in more than `max_postings` documents is a
//! topic, not a story, and pairs no one.

use rayon::prelude::*;

use crate::input::DocId;
use crate::lsh::CandidatePair;

/// Documents a distinctive term may be in and still pair them.
pub const MAX_POSTINGS: usize = 100;

/// Distinctive terms two documents must share to become a candidate.
pub const MIN_SHARED_TERMS: usize = 2;

/// What the story index found.
#[derive(Debug, Clone, Default)]
pub struct StoryCandidates {
    /// Candidate pairs, sorted, `a < b`.
    pub pairs: Vec<CandidatePair>,
    /// Terms left out of the index for being in too many documents.
    pub common_terms: usize,
}

/// The pairs of documents sharing at least `min_shared` distinctive terms,
/// counting only terms in at most `max_postings` documents.
pub fn candidates(
    distinctive: &[Box<[u64]>],
    max_postings: usize,
    min_shared: usize,
) -> StoryCandidates {
    let mut postings: Vec<(u64, u32)> = distinctive
        .iter()
        .enumerate()
        .flat_map(|(d, terms)| terms.iter().map(move |&t| (t, d as u32)))
        .collect();
    postings.par_sort_unstable();
    let runs: Vec<&[(u64, u32)]> = postings.chunk_by(|x, y| x.0 == y.0).collect();
    let common_terms = runs.iter().filter(|r| r.len() > max_postings).count();
    // Each document's indexed terms, as runs of `postings` (ascending documents).
    let mut runs_of: Vec<Vec<u32>> = vec![Vec::new(); distinctive.len()];
    for (r, run) in runs.iter().enumerate() {
        if run.len() <= max_postings {
            for &(_, d) in run.iter() {
                runs_of[d as usize].push(r as u32);
            }
        }
    }
    // Document by document, the later documents it shares terms with,
    // counted in an array: no list of every (pair, term) to sort.
    let pairs: Vec<CandidatePair> = (0..distinctive.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; distinctive.len()], Vec::new()),
            |(shared, touched), a| {
                for &r in &runs_of[a] {
                    let run = runs[r as usize];
                    let later = run.partition_point(|&(_, d)| d as usize <= a);
                    for &(_, b) in &run[later..] {
                        if shared[b as usize] == 0 {
                            touched.push(b);
                        }
                        shared[b as usize] += 1;
                    }
                }
                touched.sort_unstable();
                let found: Vec<CandidatePair> = touched
                    .iter()
                    .filter(|&&b| shared[b as usize] as usize >= min_shared)
                    .map(|&b| CandidatePair {
                        a: DocId(a as u32),
                        b: DocId(b),
                    })
                    .collect();
                for &b in touched.iter() {
                    shared[b as usize] = 0;
                }
                touched.clear();
                found
            },
        )
        .flatten_iter()
        .collect();
    StoryCandidates {
        pairs,
        common_terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lists: &[&[u64]]) -> Vec<Box<[u64]>> {
        lists
            .iter()
            .map(|l| l.to_vec().into_boxed_slice())
            .collect()
    }

    #[test]
    fn pairs_need_enough_shared_terms_that_are_not_too_common() {
        let docs = terms(&[&[1, 2, 3, 9], &[2, 3, 4, 9], &[3, 4, 5, 9], &[7, 8, 9]]);
        // Term 9 is in four documents: with at most three postings it pairs no one.
        let found = candidates(&docs, 3, 2);
        let pairs: Vec<(u32, u32)> = found.pairs.iter().map(|p| (p.a.0, p.b.0)).collect();
        assert_eq!(pairs, vec![(0, 1), (1, 2)]);
        assert_eq!(found.common_terms, 1);
        // Counting term 9, documents 0 and 2 share two terms; 3 shares one.
        let found = candidates(&docs, 4, 2);
        let pairs: Vec<(u32, u32)> = found.pairs.iter().map(|p| (p.a.0, p.b.0)).collect();
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(found.common_terms, 0);
    }

    #[test]
    fn candidates_are_the_pairs_a_direct_count_finds() {
        // Pseudo-random term lists over a small vocabulary: many shared terms.
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let docs: Vec<Box<[u64]>> = (0..120)
            .map(|_| {
                let mut t: Vec<u64> = (0..10).map(|_| next() % 100).collect();
                t.sort_unstable();
                t.dedup();
                t.into_boxed_slice()
            })
            .collect();
        let postings = |t: u64| docs.iter().filter(|d| d.contains(&t)).count();
        for (max_postings, min_shared) in [(12, 2), (30, 2), (30, 3)] {
            let mut expected = Vec::new();
            for a in 0..docs.len() {
                for b in a + 1..docs.len() {
                    let shared = docs[a]
                        .iter()
                        .filter(|&&t| docs[b].contains(&t) && postings(t) <= max_postings)
                        .count();
                    if shared >= min_shared {
                        expected.push((a as u32, b as u32));
                    }
                }
            }
            let found = candidates(&docs, max_postings, min_shared);
            let pairs: Vec<(u32, u32)> = found.pairs.iter().map(|p| (p.a.0, p.b.0)).collect();
            assert!(!expected.is_empty());
            assert_eq!(pairs, expected, "{max_postings} {min_shared}");
        }
    }
}

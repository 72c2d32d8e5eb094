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
    // Every pair of documents sharing an indexed term, once per shared term.
    let mut shared: Vec<u64> = runs
        .par_iter()
        .filter(|run| run.len() <= max_postings)
        .flat_map_iter(|run| {
            run.iter().enumerate().flat_map(move |(i, &(_, a))| {
                run[i + 1..]
                    .iter()
                    .map(move |&(_, b)| (u64::from(a) << 32) | u64::from(b))
            })
        })
        .collect();
    drop(postings);
    shared.par_sort_unstable();
    let pairs = shared
        .chunk_by(|x, y| x == y)
        .filter(|run| run.len() >= min_shared)
        .map(|run| CandidatePair {
            a: DocId((run[0] >> 32) as u32),
            b: DocId(run[0] as u32),
        })
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
}

//! Story candidates: pairs of documents that share more of their most
//! distinctive terms than chance would explain.
//!
//! Input: each document's distinctive terms (from the sketch pass). Output:
//! the candidate pairs, sorted, and how many terms were too common to index.
//!
//! Rewrites of one story share few word sequences but many of the same names,
//! numbers and content words. Their weighted Jaccard is often below 0.1, where
//! MinHash banding would need hundreds of bands; an inverted index over each
//! article's top terms (a prefix filter, as in all-pairs similarity joins)
//! finds them directly. A term in more than `max_postings` documents' lists is
//! a topic, not a story, and pairs no one.
//!
//! How many shared terms make a candidate depends on how common they are: a
//! term in `p` of `n` lists is in a given other list with chance about `p / n`,
//! so about `n * (p1 / n) * (p2 / n) * ...` documents would share a document's
//! terms `t1, t2, ...` by chance. A pair is a candidate when that expectation
//! is at most [`MAX_CHANCE_PARTNERS`]. Two terms each in 100 of 2,000 lists
//! meet by chance (5 expected); two terms each in 10 do not (0.1). One term is
//! never enough (`n * p / n = p >= 2`). A fixed count of shared terms cannot
//! tell these apart: on 2,000 generated articles with no stories it made
//! 22,507 candidates, this rule 4,581.

use rayon::prelude::*;

use crate::ids::{CandidatePair, DocId};

/// Documents a distinctive term may be in and still pair them. At 100, more
/// common terms than story terms paired articles: on Reuters-21578 the 6,241
/// rewrites only 100 allowed were mostly different companies' template wires
/// (copper prices, airline load factors), while on PAN 2013 every summary pair
/// the index finds at 100 it still finds at 70 (at 50 it loses 4 of 160).
pub const MAX_POSTINGS: usize = 70;

/// Documents expected to share a pair's terms by chance, at most: `1 / e`.
pub const MAX_CHANCE_PARTNERS: f64 = 0.367_879_441_171_442_33;

/// The story candidates' rule among `documents` documents: which terms pair
/// documents, what each shared term adds, and what sum makes a candidate.
/// A scan and an index's check both apply it.
#[derive(Debug, Clone, Copy)]
pub struct ChanceRule {
    documents: f64,
    max_postings: usize,
    /// The surprise a pair's shared terms must sum to.
    needed: f64,
}

impl ChanceRule {
    /// The rule among `documents` documents (every one counted, copies too).
    pub fn new(documents: usize, max_postings: usize, max_chance_partners: f64) -> Self {
        let documents = documents as f64;
        // Each shared term adds its surprise, ln(n / p); a pair's expected
        // chance partners n * prod(p / n) are at most the bound when the sum
        // reaches ln(n) - ln(bound).
        ChanceRule {
            documents,
            max_postings,
            needed: documents.ln() - max_chance_partners.ln(),
        }
    }

    /// The surprise of a term in `postings` documents' lists, ln(n / p).
    pub fn surprise(&self, postings: usize) -> f64 {
        (self.documents / postings as f64).ln()
    }

    /// Whether a term in `postings` lists pairs the documents: at most
    /// `max_postings` of them, and not every list (a term in every list says
    /// nothing, and adds nothing to a sum).
    pub fn pairs_by(&self, postings: usize) -> bool {
        postings <= self.max_postings && self.surprise(postings) > 0.0
    }

    /// Whether a pair whose shared terms' surprise sums to `shared` (added
    /// in ascending term order) is a candidate.
    pub fn is_candidate(&self, shared: f64) -> bool {
        shared >= self.needed
    }

    /// Whether two documents are a candidate by the terms they share that
    /// pair documents (each term with the number of lists holding it): the
    /// surprises are added from 0 in ascending term order, the order a scan
    /// and an index's check add them in, so the sum is the same to the bit.
    pub fn is_pair(&self, shared: &mut [(u64, usize)]) -> bool {
        shared.sort_unstable();
        let sum = shared
            .iter()
            .fold(0.0, |sum, &(_, postings)| sum + self.surprise(postings));
        self.is_candidate(sum)
    }
}

/// What the story index found.
#[derive(Debug, Clone, Default)]
pub struct StoryCandidates {
    /// Candidate pairs, sorted, `a < b`.
    pub pairs: Vec<CandidatePair>,
}

/// The pairs of documents whose shared distinctive terms, counting only terms
/// in at most `max_postings` documents, are expected in at most
/// `max_chance_partners` documents by chance.
pub fn distinctive_term_pairs(
    distinctive: &[Box<[u64]>],
    max_postings: usize,
    max_chance_partners: f64,
) -> StoryCandidates {
    let mut postings: Vec<(u64, u32)> = distinctive
        .iter()
        .enumerate()
        .flat_map(|(d, terms)| terms.iter().map(move |&t| (t, d as u32)))
        .collect();
    postings.par_sort_unstable();
    let runs: Vec<&[(u64, u32)]> = postings.chunk_by(|x, y| x.0 == y.0).collect();
    let rule = ChanceRule::new(distinctive.len(), max_postings, max_chance_partners);
    let surprise: Vec<f64> = runs.iter().map(|run| rule.surprise(run.len())).collect();
    // Each document's indexed terms, as runs of `postings` (ascending documents).
    let mut runs_of: Vec<Vec<u32>> = vec![Vec::new(); distinctive.len()];
    for (r, run) in runs.iter().enumerate() {
        if rule.pairs_by(run.len()) {
            for &(_, d) in run.iter() {
                runs_of[d as usize].push(r as u32);
            }
        }
    }
    // Document by document, the later documents it shares terms with, their
    // surprise summed in an array (always in the order of `runs_of`, so the
    // sums do not depend on the thread count): no list of every (pair, term)
    // to sort.
    let pairs: Vec<CandidatePair> = (0..distinctive.len())
        .into_par_iter()
        .with_min_len(MIN_DOCUMENTS_PER_TASK)
        .map_init(
            || (vec![0.0f64; distinctive.len()], Vec::new()),
            |(shared, touched), a| {
                for &r in &runs_of[a] {
                    let run = runs[r as usize];
                    let later = run.partition_point(|&(_, d)| d as usize <= a);
                    for &(_, b) in &run[later..] {
                        if shared[b as usize] == 0.0 {
                            touched.push(b);
                        }
                        shared[b as usize] += surprise[r as usize];
                    }
                }
                touched.sort_unstable();
                let found: Vec<CandidatePair> = touched
                    .iter()
                    .filter(|&&b| rule.is_candidate(shared[b as usize]))
                    .map(|&b| CandidatePair {
                        a: DocId(a as u32),
                        b: DocId(b),
                    })
                    .collect();
                for &b in touched.iter() {
                    shared[b as usize] = 0.0;
                }
                touched.clear();
                found
            },
        )
        .flatten_iter()
        .collect();
    StoryCandidates { pairs }
}

/// Documents one task of [`candidates`] handles at least: each task starts
/// with a zeroed array as long as the corpus.
const MIN_DOCUMENTS_PER_TASK: usize = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairs_sum_does_not_depend_on_the_order_its_terms_come_in() {
        let rule = ChanceRule::new(1000, MAX_POSTINGS, MAX_CHANCE_PARTNERS);
        // ln(1000/2) + ln(1000/3) = 11.5 > ln(1000) + 1 = 7.9: a candidate.
        let mut terms = [(u64::MAX, 3), (7, 2)];
        assert!(rule.is_pair(&mut terms));
        assert_eq!(
            terms,
            [(7, 2), (u64::MAX, 3)],
            "summed in ascending term order"
        );
        assert!(
            !rule.is_pair(&mut [(7, 60)]),
            "one common term is not enough"
        );
    }

    /// `n` documents, each with a term of its own, then `shared` added: each
    /// (term, documents) puts the term in those documents' lists.
    fn corpus(n: usize, shared: &[(u64, std::ops::Range<usize>)]) -> Vec<Box<[u64]>> {
        let mut lists: Vec<Vec<u64>> = (0..n).map(|d| vec![1_000_000 + d as u64]).collect();
        for (term, docs) in shared {
            for d in docs.clone() {
                lists[d].push(*term);
            }
        }
        lists
            .into_iter()
            .map(|mut l| {
                l.sort_unstable();
                l.into_boxed_slice()
            })
            .collect()
    }

    fn pairs(found: &StoryCandidates) -> Vec<(u32, u32)> {
        found.pairs.iter().map(|p| (p.a.0, p.b.0)).collect()
    }

    #[test]
    fn shared_terms_pair_documents_only_when_chance_would_not() {
        let docs = corpus(
            1000,
            &[
                // Two terms only documents 0 and 1 list: 0.004 expected by chance.
                (1, 0..2),
                (2, 0..2),
                // One rare term alone: its other document is 1 expected.
                (3, 2..4),
                // Two terms in the same 60 lists: 3.6 expected by chance.
                (4, 10..70),
                (5, 10..70),
                // Three of them: 0.22 expected.
                (6, 10..70),
            ],
        );
        let found = distinctive_term_pairs(&docs, 100, MAX_CHANCE_PARTNERS);
        let mut expected = vec![(0, 1)];
        for a in 10..70 {
            expected.extend((a + 1..70).map(|b| (a, b)));
        }
        assert_eq!(pairs(&found), expected);
        // Past the postings limit, the three terms pair no one.
        let found = distinctive_term_pairs(&docs, 50, MAX_CHANCE_PARTNERS);
        assert_eq!(pairs(&found), vec![(0, 1)]);
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
        let docs: Vec<Box<[u64]>> = (0..300)
            .map(|_| {
                let mut t: Vec<u64> = (0..12).map(|_| next() % 400).collect();
                t.sort_unstable();
                t.dedup();
                t.into_boxed_slice()
            })
            .collect();
        let n = docs.len() as f64;
        let postings = |t: u64| docs.iter().filter(|d| d.contains(&t)).count();
        for (max_postings, max_chance) in [(12, MAX_CHANCE_PARTNERS), (30, 0.05), (30, 1.0)] {
            let mut expected = Vec::new();
            for a in 0..docs.len() {
                for b in a + 1..docs.len() {
                    // Summed in term order, as the index does.
                    let surprise: f64 = docs[a]
                        .iter()
                        .filter(|&&t| docs[b].contains(&t) && postings(t) <= max_postings)
                        .map(|&t| (n / postings(t) as f64).ln())
                        .sum();
                    if surprise >= n.ln() - max_chance.ln() {
                        expected.push((a as u32, b as u32));
                    }
                }
            }
            let found = distinctive_term_pairs(&docs, max_postings, max_chance);
            assert!(!expected.is_empty());
            assert_eq!(pairs(&found), expected, "{max_postings} {max_chance}");
        }
    }
}

//! Copies: documents whose MinHash signatures are equal, grouped before any
//! pair is generated.
//!
//! Input: every document's [`Signature`], or its [`copy_key`] (128 bits of
//! hash of the signature, so that a scan need not hold signatures). Output:
//! [`Copies`], for each document the first document (in input order) with
//! the same signature: itself, or the document it copies. Two different
//! signatures share a key with probability 2^-128 a pair.
//!
//! A corpus may hold the same text many times (a wire story carried by a
//! hundred outlets, a feed delivered twice). Equal signatures mean the same
//! shingle set, or one that differs in a shingle or two: each differing
//! shingle changes a signature only where it wins its bin, so two texts of
//! 500 shingles that differ in one have equal signatures with probability
//! about `(1 - 1/500)^128`, 0.77. The pair stage verifies each copy against
//! its first exactly (Jaccard 0.99 or so: a duplicate either way). The
//! candidate stages see only first documents, so the
//! overlap stage counts a passage's documents without the copies (a story
//! copied verbatim by more outlets than `max_df` does not turn into
//! boilerplate and hide a third article's reuse of it), and then:
//! - a group of at most [`MAX_LISTED_COPIES`] documents gets every pair its
//!   first has, for each member, and every pair of members
//!   ([`Copies::listed_group`]): the report is as if each was checked;
//! - a larger group makes n - 1 pairs (each copy with its first) instead of
//!   n (n - 1) / 2, and a copy's pairs with other documents are its first's,
//!   listed once and counted as implied ([`Copies::implied_pairs`]).

use crate::hash::hash_bytes;
use crate::ids::{CandidatePair, DocId};
use crate::sketch::Signature;

/// Groups of copies this small list every pair of their members, and each
/// member's pairs with other documents: at most 120 pairs inside a group,
/// and at most 16 for each pair of its first. Larger groups list each copy
/// with its first only.
pub const MAX_LISTED_COPIES: usize = 16;

/// Whether a group of `size` documents with equal signatures lists each
/// member's pairs (see [`MAX_LISTED_COPIES`]).
pub fn is_listed_group(size: usize) -> bool {
    (2..=MAX_LISTED_COPIES).contains(&size)
}

/// The pairs a candidate `pair` stands for when an end is the first of a
/// listed group (`group_a`, `group_b`: its members, first included): each
/// member of one end's group (or the end itself) with each of the other's,
/// other than `pair` itself and a document with itself.
pub fn listed_pairs(
    pair: CandidatePair,
    group_a: Option<&[DocId]>,
    group_b: Option<&[DocId]>,
) -> Vec<CandidatePair> {
    let group_a = group_a.unwrap_or(std::slice::from_ref(&pair.a));
    let group_b = group_b.unwrap_or(std::slice::from_ref(&pair.b));
    let mut pairs = Vec::new();
    for &x in group_a {
        for &y in group_b.iter().filter(|&&y| y != x) {
            let listed = CandidatePair::new(x, y);
            if listed != pair {
                pairs.push(listed);
            }
        }
    }
    pairs
}

/// Each document's group of equal signatures, by its first member.
#[derive(Debug, Clone, Default)]
pub struct Copies {
    /// Per document: the first document with its signature (itself when it
    /// is the first).
    first: Vec<DocId>,
    /// Per document: the size of its group when it is a group's first, else 0.
    group_size: Vec<u32>,
    /// The members of every group (its first, then its copies), sorted by
    /// first member.
    groups: Vec<Vec<DocId>>,
}

impl Copies {
    /// Groups documents by equal signatures.
    #[cfg(test)]
    pub fn find(signatures: &[Signature]) -> Copies {
        let keys: Vec<u128> = signatures.iter().map(copy_key).collect();
        Copies::find_by_keys(&keys)
    }

    /// Groups documents by equal [`copy_key`]s (document `i` has key `i`).
    pub fn find_by_keys(keys: &[u128]) -> Copies {
        let documents = keys.len();
        let mut keyed: Vec<(u128, u32)> = keys.iter().zip(0..).map(|(&k, d)| (k, d)).collect();
        keyed.sort_unstable();
        let mut first: Vec<DocId> = (0..documents as u32).map(DocId).collect();
        let mut group_size = vec![1u32; documents];
        for run in keyed.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() > 1) {
            // Sorted by document within equal keys: the first is the earliest.
            let earliest = run[0].1;
            for &(_, doc) in &run[1..] {
                first[doc as usize] = DocId(earliest);
                group_size[doc as usize] = 0;
            }
            group_size[earliest as usize] = run.len() as u32;
        }
        let mut groups: Vec<Vec<DocId>> = Vec::new();
        let mut group_of_first: Vec<u32> = vec![u32::MAX; documents];
        for (d, &f) in first.iter().enumerate() {
            if group_size[f.index()] < 2 {
                continue;
            }
            if group_of_first[f.index()] == u32::MAX {
                group_of_first[f.index()] = groups.len() as u32;
                groups.push(Vec::new());
            }
            groups[group_of_first[f.index()] as usize].push(DocId(d as u32));
        }
        Copies {
            first,
            group_size,
            groups,
        }
    }

    /// The members of `doc`'s group, when `doc` is the first of a group of
    /// at most [`MAX_LISTED_COPIES`]: each gets the pairs `doc` gets.
    pub fn listed_group(&self, doc: DocId) -> Option<&[DocId]> {
        let size = self.group_size.get(doc.index()).copied().unwrap_or(0) as usize;
        if !is_listed_group(size) {
            return None;
        }
        let i = self
            .groups
            .binary_search_by_key(&doc, |g| g[0])
            .expect("a first of two or more has a group");
        Some(&self.groups[i])
    }

    /// Whether `doc` copies an earlier document (and so is left to it).
    pub fn is_copy(&self, doc: DocId) -> bool {
        self.first.get(doc.index()).is_some_and(|&f| f != doc)
    }

    /// Documents that copy an earlier one.
    pub fn count(&self) -> usize {
        self.groups.iter().map(|g| g.len() - 1).sum()
    }

    /// Each copy with the document it copies, sorted.
    pub fn pairs(&self) -> Vec<CandidatePair> {
        let mut pairs: Vec<CandidatePair> = self
            .first
            .iter()
            .enumerate()
            .filter(|&(d, &f)| f.index() != d)
            .map(|(d, &f)| CandidatePair::new(f, DocId(d as u32)))
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// The pairs a listed pair stands for but that are not listed: when an
    /// end is the first of a group too large to list, the pairs of its
    /// copies with the other end (`size(a) * size(b) - 1`).
    pub fn implied_pairs(&self, pair: CandidatePair) -> u64 {
        let size = |d: DocId| self.group_size.get(d.index()).copied().unwrap_or(1);
        implied_pairs(size(pair.a), size(pair.b))
    }
}

/// The pairs a listed pair stands for but that are not listed, from its
/// two documents' group sizes (a copy's is 0, a document without copies'
/// 1, a group's first's the group's). A report's `pairs_not_listed` adds
/// these up over its listed pairs across duplicate clusters.
pub fn implied_pairs(group_size_a: u32, group_size_b: u32) -> u64 {
    let size = |group_size: u32| {
        if group_size as usize > MAX_LISTED_COPIES {
            u64::from(group_size)
        } else {
            1
        }
    };
    size(group_size_a) * size(group_size_b) - 1
}

/// A signature's key for [`Copies::find_by_keys`]: two seeded 64-bit hashes
/// of its values.
pub fn copy_key(signature: &Signature) -> u128 {
    let bytes: Vec<u8> = signature
        .mins()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    (hash_bytes(&bytes, 0) as u128) << 64 | hash_bytes(&bytes, 1) as u128
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::MinHasher;

    #[test]
    fn a_listed_group_stands_for_each_of_its_members() {
        let pair = CandidatePair::new(DocId(1), DocId(5));
        let group = [DocId(1), DocId(2), DocId(3)];
        let listed = listed_pairs(pair, Some(&group), None);
        assert_eq!(
            listed,
            [
                CandidatePair::new(DocId(2), DocId(5)),
                CandidatePair::new(DocId(3), DocId(5))
            ]
        );
        // The pair of the first and a copy stands for the other copy's.
        let inside = listed_pairs(CandidatePair::new(DocId(1), DocId(2)), Some(&group), None);
        assert_eq!(inside, [CandidatePair::new(DocId(2), DocId(3))]);
    }

    fn signatures(texts: &[&str]) -> Vec<Signature> {
        let hasher = MinHasher::new(crate::Config::default().shingle, 128, 1);
        texts
            .iter()
            .map(|t| hasher.sketch_hashes(t.split(' ').map(|w| hash_bytes(w.as_bytes(), 7))))
            .collect()
    }

    #[test]
    fn equal_signatures_group_under_their_first_document() {
        let sigs = signatures(&["a b c", "d e f", "a b c", "c b a", "d e f g", "d e f"]);
        let copies = Copies::find(&sigs);
        // "c b a" has the same set of words: a copy by its shingle set.
        let firsts: Vec<u32> = (0..6).map(|d| copies.first[d].0).collect();
        assert_eq!(firsts, [0, 1, 0, 0, 4, 1]);
        assert_eq!(copies.count(), 3);
        assert!(copies.is_copy(DocId(2)) && !copies.is_copy(DocId(4)));
        let pairs: Vec<(u32, u32)> = copies.pairs().iter().map(|p| (p.a.0, p.b.0)).collect();
        assert_eq!(pairs, [(0, 2), (0, 3), (1, 5)]);
        // Small groups list every pair: each member stands for its first.
        let listed: Vec<u32> = copies
            .listed_group(DocId(0))
            .unwrap()
            .iter()
            .map(|d| d.0)
            .collect();
        assert_eq!(listed, [0, 2, 3]);
        assert_eq!(copies.listed_group(DocId(2)), None);
        assert_eq!(copies.listed_group(DocId(4)), None);
        assert_eq!(
            copies.implied_pairs(CandidatePair::new(DocId(0), DocId(1))),
            0
        );
        // A group too large to list: a pair of its first stands for one pair
        // per member.
        let many: Vec<&str> = std::iter::repeat_n("a b c", MAX_LISTED_COPIES + 1)
            .chain(["x y z", "p q r", "p q r"])
            .collect();
        let copies = Copies::find(&signatures(&many));
        let (crowd, lone, pair) = (DocId(0), DocId(17), DocId(18));
        assert_eq!(copies.listed_group(crowd), None);
        assert_eq!(copies.implied_pairs(CandidatePair::new(crowd, lone)), 16);
        assert_eq!(copies.implied_pairs(CandidatePair::new(crowd, pair)), 16);
        assert_eq!(copies.listed_group(pair).map(<[DocId]>::len), Some(2));
    }
}

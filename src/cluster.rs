//! Duplicate clusters: connected components of the verified pairs (union-find).
//!
//! Input: verified pairs (and, for [`Keep::Longest`], a way to measure a
//! document). Output: [`Cluster`]s of two or
//! more members, each with a representative chosen by [`Keep`].
//!
//! Invariants: members are in input order; clusters are ordered by size
//! (largest first), then by first member, so the order never depends on threads.

use serde::Serialize;

use crate::config::Keep;
use crate::ids::{CandidatePair, DocId};

/// A group of documents connected by verified pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cluster {
    /// The member kept by `dedup`.
    pub representative: DocId,
    /// All members, in input order.
    pub members: Vec<DocId>,
}

/// Each of `doc_count` documents' cluster, as an index into `clusters`
/// (`None` for a document in none).
pub fn cluster_of(clusters: &[Cluster], doc_count: usize) -> Vec<Option<u32>> {
    let mut of = vec![None; doc_count];
    for (c, cluster) in clusters.iter().enumerate() {
        for &member in &cluster.members {
            of[member.index()] = Some(c as u32);
        }
    }
    of
}

/// Groups `doc_count` documents by `pairs`. `char_length` gives a document's
/// length in characters; it is asked only for cluster members, and only by
/// [`Keep::Longest`].
pub fn cluster(
    doc_count: usize,
    pairs: &[CandidatePair],
    char_length: impl Fn(DocId) -> usize,
    keep: Keep,
) -> Vec<Cluster> {
    let mut parent: Vec<u32> = (0..doc_count as u32).collect();
    for pair in pairs {
        let (ra, rb) = (find(&mut parent, pair.a.0), find(&mut parent, pair.b.0));
        // The smaller root wins, so a root is always its component's first member.
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
    let mut members: Vec<Vec<DocId>> = vec![Vec::new(); doc_count];
    let mut touched: Vec<u32> = pairs.iter().flat_map(|p| [p.a.0, p.b.0]).collect();
    touched.sort_unstable();
    touched.dedup();
    for doc in touched {
        let root = find(&mut parent, doc);
        members[root as usize].push(DocId(doc));
    }
    let mut clusters: Vec<Cluster> = members
        .into_iter()
        .filter(|m| m.len() > 1)
        .map(|members| {
            let representative = match keep {
                Keep::First => members[0],
                Keep::Longest => *members
                    .iter()
                    .rev() // max_by_key returns the last maximum; reversed, that is the first
                    .max_by_key(|&&d| char_length(d))
                    .expect("clusters have members"),
            };
            Cluster {
                representative,
                members,
            }
        })
        .collect();
    clusters.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then(x.members[0].cmp(&y.members[0]))
    });
    clusters
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let grandparent = parent[parent[x as usize] as usize];
        parent[x as usize] = grandparent; // path halving
        x = grandparent;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: u32, b: u32) -> CandidatePair {
        CandidatePair::new(DocId(a), DocId(b))
    }

    #[test]
    fn components_in_stable_order() {
        let pairs = [pair(5, 6), pair(1, 3), pair(3, 4), pair(0, 4)];
        let clusters = cluster(7, &pairs, |_| 1, Keep::First);
        let ids: Vec<Vec<u32>> = clusters
            .iter()
            .map(|c| c.members.iter().map(|d| d.0).collect())
            .collect();
        assert_eq!(ids, [vec![0, 1, 3, 4], vec![5, 6]]);
        assert_eq!(clusters[0].representative, DocId(0));
    }

    #[test]
    fn longest_keeps_first_of_equal_lengths() {
        let lengths = [10, 30, 30, 5];
        let clusters = cluster(
            4,
            &[pair(0, 1), pair(1, 2), pair(2, 3)],
            |d: DocId| lengths[d.index()],
            Keep::Longest,
        );
        assert_eq!(clusters[0].representative, DocId(1));
    }

    #[test]
    fn no_pairs_no_clusters() {
        assert!(cluster(3, &[], |_| 1, Keep::First).is_empty());
    }
}

//! Story clusters: articles about one story, grouped by average linkage.
//!
//! Input: story similarities of scored pairs. Output: [`StoryCluster`]s of at
//! least two members, each with its weakest link.
//!
//! Single linkage (what duplicate clusters use) would chain: A retells B, B
//! shares a topic with C, and soon a whole beat is one "story". Here two
//! groups merge only when the *average* similarity over every pair of their
//! members, with unscored pairs counted as 0, reaches the threshold: a newcomer
//! with one link of similarity s joins a group of k only if s / k reaches the
//! threshold, so a group of three or more needs several links to grow. Merges go best first,
//! ties broken by document order, so the result does not depend on the order
//! pairs arrive in.

use std::collections::{BTreeMap, BinaryHeap};

use super::StorySimilarity;
use crate::ids::DocId;

/// How strongly a scored pair ties its two articles to one story: the mean of
/// their story similarity and the cosine of their names and numbers. Two
/// events of one kind (two earthquakes, two celebrities' arrests) share a
/// topic's words but not its actors, places and figures.
pub fn link_strength(s: &StorySimilarity) -> f64 {
    (s.similarity + s.specifics_cosine) / 2.0
}

/// One story cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryCluster {
    /// Members in input order.
    pub members: Vec<DocId>,
    /// The lowest average-linkage similarity at which two of its parts merged.
    pub weakest_link: f64,
    /// Pairs of members with a similarity at or above the threshold, over all
    /// pairs of members.
    pub linked_share: f64,
}

/// A candidate merge, best first.
#[derive(Debug, PartialEq)]
struct Merge {
    linkage: f64,
    x: u32,
    y: u32,
    /// Sizes when the linkage was computed: a stale entry is skipped.
    sizes: (u32, u32),
}

impl Eq for Merge {}

impl Ord for Merge {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.linkage
            .total_cmp(&other.linkage)
            .then_with(|| other.x.cmp(&self.x))
            .then_with(|| other.y.cmp(&self.y))
    }
}

impl PartialOrd for Merge {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Groups documents whose average pairwise story similarity reaches
/// `threshold`. `pairs` holds (a, b, similarity); unlisted pairs count as 0.
pub fn story_clusters(pairs: &[(DocId, DocId, f64)], threshold: f64) -> Vec<StoryCluster> {
    // Groups by their smallest member; each with its members and the summed
    // similarity to every neighbouring group.
    let mut members: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut links: Links = BTreeMap::new();
    let mut linked: Vec<(u32, u32)> = Vec::new();
    for &(a, b, s) in pairs {
        let (a, b) = (a.0.min(b.0), a.0.max(b.0));
        if a == b {
            continue;
        }
        for d in [a, b] {
            members.entry(d).or_insert_with(|| vec![d]);
        }
        *links.entry(a).or_default().entry(b).or_insert(0.0) += s;
        *links.entry(b).or_default().entry(a).or_insert(0.0) += s;
        if s >= threshold {
            linked.push((a, b));
        }
    }
    let size = |m: &BTreeMap<u32, Vec<u32>>, g: u32| m[&g].len() as u32;
    let mut heap = BinaryHeap::new();
    for (&x, neighbours) in &links {
        for (&y, &sum) in neighbours.range(x + 1..) {
            heap.push(Merge {
                linkage: sum,
                x,
                y,
                sizes: (1, 1),
            });
        }
    }
    let mut weakest: BTreeMap<u32, f64> = BTreeMap::new();
    while let Some(merge) = heap.pop() {
        if merge.linkage < threshold {
            break;
        }
        let (x, y) = (merge.x, merge.y);
        let alive = members.contains_key(&x) && members.contains_key(&y);
        if !alive || (size(&members, x), size(&members, y)) != merge.sizes {
            continue;
        }
        // Merge y into x (x is the smaller id, so it stays the group's name).
        let moved = members.remove(&y).expect("alive");
        members.get_mut(&x).expect("alive").extend(moved);
        let weakest_link = [
            weakest.remove(&y),
            weakest.get(&x).copied(),
            Some(merge.linkage),
        ]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
        weakest.insert(x, weakest_link);
        merge_links(&mut links, x, y);
        let size_x = size(&members, x);
        for (&z, &sum) in &links[&x] {
            let size_z = size(&members, z);
            let (lo, hi) = (x.min(z), x.max(z));
            let sizes = if lo == x {
                (size_x, size_z)
            } else {
                (size_z, size_x)
            };
            heap.push(Merge {
                linkage: sum / f64::from(size_x * size_z),
                x: lo,
                y: hi,
                sizes,
            });
        }
    }
    finish(members, &weakest, &linked)
}

/// Per group (by its smallest member), the summed similarity to each
/// neighbouring group.
type Links = BTreeMap<u32, BTreeMap<u32, f64>>;

/// Sums the links of group `y` into those of group `x`, which absorbed it.
fn merge_links(links: &mut Links, x: u32, y: u32) {
    let from_y = links.remove(&y).unwrap_or_default();
    for (&z, &sum) in &from_y {
        if z == x {
            continue;
        }
        let of_z = links.get_mut(&z).expect("links are symmetric");
        of_z.remove(&y);
        *of_z.entry(x).or_insert(0.0) += sum;
        *links
            .get_mut(&x)
            .expect("x has links")
            .entry(z)
            .or_insert(0.0) += sum;
    }
    links.get_mut(&x).expect("x has links").remove(&y);
}

/// The groups of more than one member as story clusters, largest first, with
/// their weakest merge and the share of their pairs linked directly.
fn finish(
    members: BTreeMap<u32, Vec<u32>>,
    weakest: &BTreeMap<u32, f64>,
    linked: &[(u32, u32)],
) -> Vec<StoryCluster> {
    // Linked pairs inside each group, counted in one pass over the links.
    let group_of: BTreeMap<u32, u32> = members
        .iter()
        .flat_map(|(&name, m)| m.iter().map(move |&d| (d, name)))
        .collect();
    let mut linked_inside: BTreeMap<u32, usize> = BTreeMap::new();
    for &(a, b) in linked {
        if group_of[&a] == group_of[&b] {
            *linked_inside.entry(group_of[&a]).or_insert(0) += 1;
        }
    }
    let mut clusters: Vec<StoryCluster> = members
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(name, mut m)| {
            m.sort_unstable();
            let all = m.len() * (m.len() - 1) / 2;
            let inside = linked_inside.get(&name).copied().unwrap_or(0);
            StoryCluster {
                members: m.into_iter().map(DocId).collect(),
                weakest_link: weakest[&name],
                linked_share: inside as f64 / all as f64,
            }
        })
        .collect();
    clusters.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then(x.members.cmp(&y.members))
    });
    clusters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(u32, u32, f64)]) -> Vec<(DocId, DocId, f64)> {
        list.iter()
            .map(|&(a, b, s)| (DocId(a), DocId(b), s))
            .collect()
    }

    #[test]
    fn a_fully_linked_group_is_one_cluster() {
        let all: Vec<(u32, u32, f64)> = (0..5)
            .flat_map(|a| (a + 1..5).map(move |b| (a, b, 0.4 + 0.01 * f64::from(a + b))))
            .collect();
        let clusters = story_clusters(&pairs(&all), 0.35);
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].members.len(), 5);
        assert_eq!(clusters[0].linked_share, 1.0);
        assert!(clusters[0].weakest_link >= 0.35 && clusters[0].weakest_link < 0.5);
    }

    #[test]
    fn a_chain_of_single_links_does_not_become_one_cluster() {
        // 0-1-2-3-4-5 each linked to the next only: single linkage would make
        // one cluster of six. One link of similarity s brings a newcomer into
        // a group of k only when s / k reaches the threshold.
        let chain = pairs(&[
            (0, 1, 0.6),
            (1, 2, 0.6),
            (2, 3, 0.6),
            (3, 4, 0.6),
            (4, 5, 0.6),
        ]);
        let clusters = story_clusters(&chain, 0.35);
        assert!(
            clusters.iter().all(|c| c.members.len() <= 2),
            "{clusters:?}"
        );
        // A newcomer linked to one member of a tight triangle stays out.
        let triangle = pairs(&[(0, 1, 0.6), (0, 2, 0.6), (1, 2, 0.6), (2, 3, 0.5)]);
        let clusters = story_clusters(&triangle, 0.35);
        let members: Vec<u32> = clusters[0].members.iter().map(|d| d.0).collect();
        assert_eq!(members, vec![0, 1, 2], "{clusters:?}");
        assert_eq!(clusters.len(), 1);
    }
}

//! Extension: seeds that lie close together in both documents become one
//! fragment, and fragments that do not hold up are split or dropped.
//!
//! Input: [`Seed`]s of one document pair. Output: [`Fragment`]s that overlap
//! neither in A nor in B, ordered by their start in A.
//!
//! Method (after Sanchez-Perez et al. 2014): seeds are grouped by position in A,
//! a new group starting where the gap to the previous seeds exceeds `max_gap`
//! words; each group is then split the same way by position in B, and the two
//! splits alternate until no group changes. Grouping by each side in turn (rather
//! than along one diagonal) keeps reordered sentences of a passage together. A
//! group whose two regions are not similar as wholes (tf-isf cosine below
//! `min_fragment_similarity`) is regrouped with half the gap, down to zero, so a
//! weak bridge between two passages breaks instead of merging them. Fragment ends
//! are then trimmed to the first and last words that begin a word pair found in
//! the other region, so a passage that starts mid-sentence starts where the
//! reuse starts.

use std::ops::Range;

use ahash::AHashSet;

use super::prepared::AlignText;
use super::seed::{PairWeights, Seed};
use crate::config::AlignConfig;

/// An aligned pair of word ranges.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    pub(crate) a: Range<u32>,
    pub(crate) b: Range<u32>,
    /// tf-isf cosine of the two ranges.
    pub(crate) similarity: f64,
}

pub(crate) fn extend(
    seeds: Vec<Seed>,
    weights: &PairWeights,
    a: &AlignText,
    b: &AlignText,
    config: &AlignConfig,
) -> Vec<Fragment> {
    let gap = config.max_gap_words as u32;
    let mut fragments = Vec::new();
    for group in groups(seeds, gap) {
        validate(group, gap, weights, config, &mut fragments);
    }
    let fragments = fragments
        .into_iter()
        .filter_map(|f| trim(f, a, b))
        .filter(|f| f.a.len() >= config.min_passage_words && f.b.len() >= config.min_passage_words)
        .collect();
    without_overlaps(fragments, config.min_passage_words)
}

/// Splits seeds into groups by gaps on A, then B, until stable.
fn groups(seeds: Vec<Seed>, max_gap: u32) -> Vec<Vec<Seed>> {
    let mut groups = vec![seeds];
    let mut on_a = true;
    let mut unchanged_splits = 0;
    // Two splits in a row (one per side) without a change means stable.
    while unchanged_splits < 2 {
        let before = groups.len();
        groups = groups
            .into_iter()
            .flat_map(|group| split(group, max_gap, on_a))
            .collect();
        unchanged_splits = if groups.len() == before {
            unchanged_splits + 1
        } else {
            0
        };
        on_a = !on_a;
    }
    groups
}

fn split(mut group: Vec<Seed>, max_gap: u32, on_a: bool) -> Vec<Vec<Seed>> {
    let side = |s: &Seed| if on_a { s.a.clone() } else { s.b.clone() };
    group.sort_by_key(|s| {
        let (r, other) = if on_a { (&s.a, &s.b) } else { (&s.b, &s.a) };
        (r.start, r.end, other.start, other.end)
    });
    let mut out: Vec<Vec<Seed>> = Vec::new();
    let mut end = 0;
    for seed in group {
        let range = side(&seed);
        match out.last_mut() {
            Some(current) if range.start <= end + max_gap => {
                end = end.max(range.end);
                current.push(seed);
            }
            _ => {
                end = range.end;
                out.push(vec![seed]);
            }
        }
    }
    out
}

fn bounds(group: &[Seed]) -> (Range<u32>, Range<u32>) {
    let a = group.iter().map(|s| s.a.start).min().unwrap_or(0)
        ..group.iter().map(|s| s.a.end).max().unwrap_or(0);
    let b = group.iter().map(|s| s.b.start).min().unwrap_or(0)
        ..group.iter().map(|s| s.b.end).max().unwrap_or(0);
    (a, b)
}

fn validate(
    group: Vec<Seed>,
    gap: u32,
    weights: &PairWeights,
    config: &AlignConfig,
    out: &mut Vec<Fragment>,
) {
    let (a, b) = bounds(&group);
    let similarity = weights.cosine(a.clone(), b.clone());
    if similarity >= config.min_fragment_similarity {
        out.push(Fragment { a, b, similarity });
    } else if gap > 0 {
        for smaller in groups(group, gap / 2) {
            validate(smaller, gap / 2, weights, config, out);
        }
    }
}

/// Moves each end of a fragment inwards to the first (last) word that starts a
/// pair of words also found in the other region; `None` when nothing is left.
fn trim(fragment: Fragment, a: &AlignText, b: &AlignText) -> Option<Fragment> {
    let a_range = trim_side(&fragment.a, a, &bigrams(&fragment.b, b))?;
    let b_range = trim_side(&fragment.b, b, &bigrams(&fragment.a, a))?;
    Some(Fragment {
        a: a_range,
        b: b_range,
        ..fragment
    })
}

fn bigram(text: &AlignText, i: usize) -> u64 {
    text.tokens[i]
        .hash
        .rotate_left(17)
        .wrapping_add(text.tokens[i + 1].hash)
}

fn bigrams(range: &Range<u32>, text: &AlignText) -> AHashSet<u64> {
    (range.start as usize..(range.end as usize).saturating_sub(1))
        .map(|i| bigram(text, i))
        .collect()
}

fn trim_side(range: &Range<u32>, text: &AlignText, other: &AHashSet<u64>) -> Option<Range<u32>> {
    let (start, end) = (range.start as usize, range.end as usize);
    if end < start + 2 {
        return None;
    }
    let first = (start..end - 1).find(|&i| other.contains(&bigram(text, i)))?;
    let last = (start..end - 1)
        .rev()
        .find(|&i| other.contains(&bigram(text, i)))?;
    Some(first as u32..last as u32 + 2)
}

/// Keeps the strongest fragments (similarity times length), ordered by their
/// start in A. A weaker fragment that overlaps a kept one only at its ends (a
/// run that grew by a word matching by chance) is trimmed back; one that still
/// overlaps, or falls under `min_len` words, is dropped.
fn without_overlaps(mut fragments: Vec<Fragment>, min_len: usize) -> Vec<Fragment> {
    let strength = |f: &Fragment| f.similarity * (f.a.len() + f.b.len()) as f64;
    fragments.sort_by(|x, y| {
        strength(y)
            .total_cmp(&strength(x))
            .then(x.a.start.cmp(&y.a.start))
            .then(x.b.start.cmp(&y.b.start))
    });
    let overlaps = |x: &Range<u32>, y: &Range<u32>| x.start < y.end && y.start < x.end;
    let mut kept: Vec<Fragment> = Vec::new();
    for mut f in fragments {
        for k in &kept {
            trim_end_overlap(&mut f.a, &k.a);
            trim_end_overlap(&mut f.b, &k.b);
        }
        let clear = kept
            .iter()
            .all(|k| !overlaps(&k.a, &f.a) && !overlaps(&k.b, &f.b));
        if clear && f.a.len() >= min_len && f.b.len() >= min_len {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.a.start, f.b.start));
    kept
}

/// Cuts the part of `range` inside `taken` when it is at one end of `range`.
fn trim_end_overlap(range: &mut Range<u32>, taken: &Range<u32>) {
    if taken.start <= range.start && range.start < taken.end && taken.end < range.end {
        range.start = taken.end;
    } else if range.start < taken.start && taken.start < range.end && range.end <= taken.end {
        range.end = taken.start;
    }
}

/// Widens each fragment's ends over words that match on both sides, stepping
/// over a single changed word when the two words beyond it match again (a light
/// edit at a passage's edge: "The central bank raised its" / "The central bank
/// lifted its"). A fragment never grows into another one.
pub(crate) fn widen(fragments: &mut [Fragment], a: &AlignText, b: &AlignText) {
    let same = |i: usize, j: usize| a.tokens[i].hash == b.tokens[j].hash;
    for n in 0..fragments.len() {
        let free = |fragments: &[Fragment], i: usize, j: usize| {
            fragments
                .iter()
                .enumerate()
                .all(|(m, f)| m == n || !(f.a.contains(&(i as u32)) || f.b.contains(&(j as u32))))
        };
        let (mut i, mut j) = (fragments[n].a.start as usize, fragments[n].b.start as usize);
        loop {
            let step = if i >= 1 && j >= 1 && same(i - 1, j - 1) {
                1
            } else if i >= 3 && j >= 3 && same(i - 2, j - 2) && same(i - 3, j - 3) {
                3
            } else {
                0
            };
            if step == 0 || !(1..=step).all(|k| free(fragments, i - k, j - k)) {
                break;
            }
            (i, j) = (i - step, j - step);
        }
        let (mut x, mut y) = (fragments[n].a.end as usize, fragments[n].b.end as usize);
        loop {
            let (na, nb) = (a.len(), b.len());
            let step = if x < na && y < nb && same(x, y) {
                1
            } else if x + 2 < na && y + 2 < nb && same(x + 1, y + 1) && same(x + 2, y + 2) {
                3
            } else {
                0
            };
            if step == 0 || !(0..step).all(|k| free(fragments, x + k, y + k)) {
                break;
            }
            (x, y) = (x + step, y + step);
        }
        let f = &mut fragments[n];
        (f.a, f.b) = (i as u32..x as u32, j as u32..y as u32);
    }
}

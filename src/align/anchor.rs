//! The anchor index of one document: its windows of `anchor` words, sorted,
//! from which [`super::seed::exact_runs`] finds the runs of identical words two
//! documents share by a merge.
//!
//! Its own module because a prepared text ([`super::AlignText`]) caches its
//! index and the seed stage reads it: both depend on this, not on each other.

use crate::hash::combine_hashes;
use crate::shingle::Token;

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
    /// Window keys with their positions (see [`KEY_MASK`]), sorted.
    pub(super) sorted: Vec<u64>,
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
pub(super) const KEY_MASK: u64 = !0 << 32;

//! The index's postings: for each band key, fingerprint, template
//! fingerprint and distinctive term, the articles that have it.
//!
//! Input: each added article's sketch, under its sequence number; only
//! documents that copy no earlier one are entered (a scan leaves copies out
//! of every candidate stage). Output: lookups by key, over sorted runs on
//! disk ([`RunStore`], written every [`FLUSH_DOCUMENTS`] articles) and the
//! articles added since (the tail, in memory, sketched again from their
//! records when the index opens). Entries of removed articles stay until
//! merges of runs leave them out; lookups leave them out by the catalog.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bit_vec::BitVec;
use rayon::prelude::*;

use super::runs::RunStore;
use crate::boilerplate::template_id;
use crate::pipeline::ArticleSketch;

/// Articles added to the tail before it is written out as runs (a writer
/// also writes it out when it closes): its memory (about 450 entries of 12
/// bytes an article, 180 MB) and the work of sketching it again when an
/// index opens after its writer was killed stay bounded; larger runs are
/// merged fewer times as the index grows.
pub const FLUSH_DOCUMENTS: usize = 32_768;

/// One kind of postings: runs on disk and a tail in memory.
pub(super) struct Postings {
    runs: RunStore,
    /// Sorted chunks of (key, sequence number).
    tail: Vec<Vec<(u64, u32)>>,
}

impl Postings {
    fn open(dir: &Path, write: bool, bloom_mask: u64) -> io::Result<Self> {
        let runs = if write {
            RunStore::open(dir)?
        } else {
            RunStore::open_to_read(dir)?
        }
        .with_bloom_mask(bloom_mask);
        Ok(Postings {
            runs,
            tail: Vec::new(),
        })
    }

    /// Articles below this number have their entries in the runs.
    pub fn watermark(&self) -> u64 {
        self.runs.watermark()
    }

    /// Adds entries, sorted by key then article, to the tail; `merge`
    /// keeps it ready for lookups (a tail to be written out at once is
    /// merged as it is written).
    fn push_sorted(&mut self, entries: Vec<(u64, u32)>, merge: bool) {
        if entries.is_empty() {
            return;
        }
        self.tail.push(entries);
        if !merge {
            return;
        }
        // Chunks halve in size at least from the first to the last: a
        // lookup searches O(log n) of them, and each entry is merged again
        // O(log n) times however small the adds (a service adds one article
        // at a time).
        while let [.., older, newer] = self.tail.as_slice() {
            if older.len() > 2 * newer.len() {
                break;
            }
            let newer = self.tail.pop().expect("two chunks");
            let older = self.tail.pop().expect("two chunks");
            self.tail.push(merge_sorted(&older, &newer));
        }
    }

    /// Writes the tail as a run, the runs then holding every article below
    /// `watermark`.
    pub fn flush(&mut self, watermark: u64) -> io::Result<()> {
        // The chunks are sorted: merged as they are written.
        self.runs
            .flush_sorted(std::mem::take(&mut self.tail), watermark)
    }

    /// Writes `entries` (of articles below the watermark) as a run at once,
    /// keeping the watermark.
    pub fn write_now(&mut self, entries: Vec<(u64, u32)>) -> io::Result<()> {
        let watermark = self.runs.watermark();
        self.runs.flush(entries, watermark)
    }

    /// Entries of `key` in runs and tail; their sequence numbers are
    /// appended to `out` only when there are at most `limit` (a long list is
    /// counted, not read).
    pub fn values_up_to(&self, key: u64, limit: usize, out: &mut Vec<u32>) -> io::Result<u64> {
        let tail: usize = self.tail.iter().map(|c| tail_range(c, key).len()).sum();
        let before = out.len();
        let in_runs = self
            .runs
            .values_up_to(key, limit.saturating_sub(tail), out)?;
        let total = in_runs + tail as u64;
        if total > limit as u64 {
            out.truncate(before);
        } else {
            for chunk in &self.tail {
                out.extend(tail_range(chunk, key).iter().map(|&(_, s)| s));
            }
        }
        Ok(total)
    }

    /// Appends the entries whose keys share `key`'s bits under `mask` (the
    /// store's prefix).
    pub fn with_prefix(&self, key: u64, mask: u64, out: &mut Vec<(u64, u32)>) -> io::Result<()> {
        let (lo, hi) = (key & mask, key | !mask);
        self.runs.range(lo, hi, out)?;
        for chunk in &self.tail {
            let start = chunk.partition_point(|&(k, _)| k < lo);
            let end = chunk.partition_point(|&(k, _)| k <= hi);
            out.extend_from_slice(&chunk[start..end]);
        }
        Ok(())
    }

    /// Bytes of the runs on disk, and of their summaries held in memory.
    fn bytes(&self) -> (u64, u64) {
        (self.runs.disk_bytes(), self.runs.memory_bytes())
    }
}

/// Two sorted chunks as one.
fn merge_sorted(a: &[(u64, u32)], b: &[(u64, u32)]) -> Vec<(u64, u32)> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            merged.push(a[i]);
            i += 1;
        } else {
            merged.push(b[j]);
            j += 1;
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    merged
}

/// Sorts entries by key, then article: a radix sort on the keys' top bits
/// (keys are hashes, spread evenly). The first pass spreads the entries
/// over 2,048 buckets, each then sorted on its own, in parallel. (In place
/// of a parallel comparison sort, it took sorting from about a fifth of an
/// add's CPU to an eighth: perf, 300,000 harness articles.)
fn sort_entries(entries: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    const FIRST_BITS: u32 = 11;
    let mut entries = entries;
    if entries.len() <= SMALL_BUCKET {
        entries.sort_unstable();
        return entries;
    }
    let mut sorted = vec![(0, 0); entries.len()];
    let starts = spread(&entries, &mut sorted, 64 - FIRST_BITS, FIRST_BITS);
    let mut pairs = Vec::with_capacity(starts.len() - 1);
    let (mut rest, mut scratch) = (sorted.as_mut_slice(), entries.as_mut_slice());
    for size in starts.windows(2).map(|w| w[1] - w[0]) {
        let (bucket, after) = rest.split_at_mut(size);
        let (room, scratch_after) = scratch.split_at_mut(size);
        pairs.push((bucket, room));
        (rest, scratch) = (after, scratch_after);
    }
    pairs
        .par_iter_mut()
        .with_min_len(64)
        .for_each(|(bucket, room)| sort_bucket(bucket, room, 64 - FIRST_BITS));
    sorted
}

/// Buckets this small are sorted by comparison.
const SMALL_BUCKET: usize = 48;

/// Sorts entries whose keys agree above bit `below`, with `room` as
/// scratch space of the same length: by the next 8 bits, then each bucket
/// on its own.
fn sort_bucket(bucket: &mut [(u64, u32)], room: &mut [(u64, u32)], below: u32) {
    const BITS: u32 = 8;
    if bucket.len() <= SMALL_BUCKET || below < BITS {
        bucket.sort_unstable();
        return;
    }
    room.copy_from_slice(bucket);
    let starts = spread(room, bucket, below - BITS, BITS);
    for range in starts.windows(2) {
        let (from, to) = (range[0], range[1]);
        sort_bucket(&mut bucket[from..to], &mut room[from..to], below - BITS);
    }
}

/// Moves `from` into `to` (of the same length) by the `bits` bits of their
/// keys from bit `shift` on, keeping their order within a bucket; returns
/// where each bucket starts, and the end.
fn spread(from: &[(u64, u32)], to: &mut [(u64, u32)], shift: u32, bits: u32) -> Vec<usize> {
    let mask = (1 << bits) - 1;
    let bucket_of = |key: u64| ((key >> shift) & mask) as usize;
    let mut starts = vec![0; (1 << bits) + 1];
    for &(key, _) in from {
        starts[bucket_of(key) + 1] += 1;
    }
    for bucket in 1..starts.len() {
        starts[bucket] += starts[bucket - 1];
    }
    let mut next = starts.clone();
    for &entry in from {
        let slot = &mut next[bucket_of(entry.0)];
        to[*slot] = entry;
        *slot += 1;
    }
    starts
}

/// A batch's entries of each kind, in the order of [`AllPostings::each`],
/// sorted by key, then article. Sorted where a batch is sketched, in
/// parallel with the commit of the one before, under numbers from 0 in
/// batch order: entering them then only shifts the numbers.
pub(super) struct SortedEntries {
    kinds: [Vec<(u64, u32)>; 4],
    /// The numbers of the articles, each once.
    articles: Vec<u32>,
}

impl SortedEntries {
    /// The entries of `sketches`, under the numbers given.
    pub fn of<'a>(sketches: impl Iterator<Item = (u32, &'a ArticleSketch)> + Clone + Sync) -> Self {
        let sorted_kind = |keys_of: fn(&ArticleSketch) -> &[u64]| {
            let entries = sketches
                .clone()
                .flat_map(|(seq, s)| keys_of(s).iter().map(move |&k| (k, seq)))
                .collect();
            sort_entries(entries)
        };
        let ((bands, fingerprints), (templates, terms)) = rayon::join(
            || rayon::join(|| sorted_kind(KEYS[0]), || sorted_kind(KEYS[1])),
            || rayon::join(|| sorted_kind(KEYS[2]), || sorted_kind(KEYS[3])),
        );
        SortedEntries {
            kinds: [bands, fingerprints, templates, terms],
            articles: sketches.map(|(seq, _)| seq).collect(),
        }
    }
}

/// The entries of `key` in a sorted chunk.
fn tail_range(chunk: &[(u64, u32)], key: u64) -> &[(u64, u32)] {
    let start = chunk.partition_point(|&(k, _)| k < key);
    let end = chunk.partition_point(|&(k, _)| k <= key);
    &chunk[start..end]
}

/// The keys of each kind of postings in a sketch, in the order of
/// [`AllPostings::each`].
const KEYS: [fn(&ArticleSketch) -> &[u64]; 4] = [
    |s| &s.band_keys,
    |s| &s.fingerprints,
    |s| &s.templates,
    |s| &s.distinctive,
];

/// The four kinds of postings a check looks up.
pub(super) struct AllPostings {
    pub bands: Postings,
    pub fingerprints: Postings,
    pub templates: Postings,
    pub terms: Postings,
    /// Articles added to the tails since the last flush.
    pub tail_articles: usize,
    /// Articles the tails take before they are full (see [`AllPostings::is_full`]).
    pub flush_every: usize,
    /// Whether this process writes the files.
    write: bool,
}

/// The folder of the postings inside an index folder.
pub(super) fn postings_dir(index: &Path) -> PathBuf {
    index.join("postings")
}

impl AllPostings {
    /// Opens (creating, when writing) the postings under `dir`.
    pub fn open(dir: &Path, write: bool) -> io::Result<Self> {
        let kind = |name: &str, mask| Postings::open(&dir.join(name), write, mask);
        Ok(AllPostings {
            bands: kind("bands", u64::MAX)?,
            fingerprints: kind("fingerprints", u64::MAX)?,
            // Templates are looked up by skeleton: all fillings at once.
            templates: kind("templates", template_id(u64::MAX))?,
            terms: kind("terms", u64::MAX)?,
            tail_articles: 0,
            flush_every: FLUSH_DOCUMENTS,
            write,
        })
    }

    fn kinds(&self) -> [&Postings; 4] {
        [
            &self.bands,
            &self.fingerprints,
            &self.templates,
            &self.terms,
        ]
    }

    fn each(&mut self) -> [&mut Postings; 4] {
        [
            &mut self.bands,
            &mut self.fingerprints,
            &mut self.templates,
            &mut self.terms,
        ]
    }

    /// The lowest watermark of the four kinds: articles from it on are
    /// entered again at open (each kind takes those at or past its own).
    pub fn watermark(&self) -> u64 {
        self.kinds()
            .iter()
            .map(|p| p.watermark())
            .min()
            .unwrap_or(0)
    }

    /// Enters the sketches of documents into the tail of each kind whose
    /// runs do not hold them yet.
    pub fn add(&mut self, sketches: &[(u32, &ArticleSketch)]) {
        let sorted = SortedEntries::of(sketches.iter().copied());
        self.add_sorted(sorted, 0, |_| true);
    }

    /// Enters sorted entries, numbered `first` on, of the articles `entered`
    /// keeps into the tail of each kind whose runs do not hold them yet.
    pub fn add_sorted(
        &mut self,
        sorted: SortedEntries,
        first: u32,
        entered: impl Fn(u32) -> bool + Sync,
    ) {
        self.tail_articles += sorted.articles.iter().filter(|&&n| entered(n)).count();
        let merge = !self.is_full();
        for (postings, entries) in self.each().into_iter().zip(sorted.kinds) {
            let watermark = postings.watermark();
            let mut entries = entries;
            entries.retain(|&(_, n)| entered(n) && u64::from(first + n) >= watermark);
            // A constant added to every number keeps the order.
            for (_, n) in &mut entries {
                *n += first;
            }
            postings.push_sorted(entries, merge);
        }
    }

    /// Sets the articles whose entries merges of runs leave out from now on
    /// (removed ones: lookups leave them out of runs not merged since).
    pub fn drop_on_merge(&mut self, removed: Arc<BitVec>) {
        for postings in self.each() {
            postings.runs.drop_on_merge(Arc::clone(&removed));
        }
    }

    /// Merges each kind's runs into one, leaving removed articles' entries
    /// out; the four kinds side by side.
    pub fn compact(&mut self) -> io::Result<()> {
        self.each()
            .into_par_iter()
            .try_for_each(|postings| postings.runs.compact())
    }

    /// Whether the tails are to be written out (only ever by a writer: a
    /// reader keeps them, merged for lookups).
    pub fn is_full(&self) -> bool {
        self.write && self.tail_articles >= self.flush_every
    }

    /// Enters copies that now stand first (their first was removed): into
    /// the tail of a kind whose runs do not reach them, else as a run of
    /// their own at once (the runs are past them, and reopening enters only
    /// what is past the runs).
    pub fn promote(&mut self, sketches: &[(u32, ArticleSketch)]) -> io::Result<()> {
        if sketches.is_empty() {
            return Ok(());
        }
        for (postings, keys_of) in self.each().into_iter().zip(KEYS) {
            let (mut now, mut tail) = (Vec::new(), Vec::new());
            for (seq, sketch) in sketches {
                let part = if u64::from(*seq) >= postings.watermark() {
                    &mut tail
                } else {
                    &mut now
                };
                part.extend(keys_of(sketch).iter().map(|&k| (k, *seq)));
            }
            postings.push_sorted(sort_entries(tail), true);
            if !now.is_empty() {
                postings.write_now(now)?;
            }
        }
        Ok(())
    }

    /// Writes every tail as runs, which then hold every article below
    /// `watermark`.
    pub fn flush(&mut self, watermark: u64) -> io::Result<()> {
        // Four folders, written side by side.
        self.each()
            .into_par_iter()
            .try_for_each(|postings| postings.flush(watermark))?;
        self.tail_articles = 0;
        Ok(())
    }

    /// Bytes of the runs on disk, and of their summaries held in memory.
    pub fn bytes(&self) -> (u64, u64) {
        self.kinds()
            .iter()
            .map(|p| p.bytes())
            .fold((0, 0), |(d, m), (pd, pm)| (d + pd, m + pm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_entries_sorts_as_a_comparison_sort_does() {
        let mut state = 7u64;
        let mut next = move || {
            // splitmix64
            state = state.wrapping_add(0x9e3779b97f4a7c15);
            let z = (state ^ (state >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
            let z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
            z ^ (z >> 31)
        };
        for len in [0, 1, 47, 48, 49, 1_000, 70_000] {
            let entries: Vec<(u64, u32)> = (0..len)
                .map(|i| {
                    let key = match next() % 4 {
                        // Keys of even hashes, keys that share their top bits
                        // (a common template), one key many times (a common
                        // term), and the extremes.
                        0 | 1 => next(),
                        2 => (0xabc << 52) | (next() >> 40),
                        _ => [0, u64::MAX, 1 << 63][i % 3],
                    };
                    (key, (next() % 1_000) as u32)
                })
                .collect();
            let mut expected = entries.clone();
            expected.sort_unstable();
            assert_eq!(sort_entries(entries), expected, "{len} entries");
        }
    }
}

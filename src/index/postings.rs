//! The index's postings: for each band key, fingerprint, template
//! fingerprint and distinctive term, the articles that have it.
//!
//! Input: each added article's sketch, under its sequence number; only
//! documents that copy no earlier one are entered (a scan leaves copies out
//! of every candidate stage). Output: lookups by key, over sorted runs on
//! disk ([`RunStore`], written every [`FLUSH_DOCUMENTS`] articles) and the
//! articles added since (the tail, in memory, sketched again from their
//! records when the index opens). Entries of removed articles stay until
//! the runs are rewritten; lookups leave them out by the catalog.

use std::io;
use std::path::{Path, PathBuf};

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

    /// Adds entries to the tail.
    pub fn add(&mut self, mut entries: Vec<(u64, u32)>) {
        if entries.is_empty() {
            return;
        }
        entries.par_sort_unstable();
        self.tail.push(entries);
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
            self.tail.push(merge_sorted(older, newer));
        }
    }

    /// Writes the tail as a run, the runs then holding every article below
    /// `watermark`.
    pub fn flush(&mut self, watermark: u64) -> io::Result<()> {
        // The chunks are sorted: merged, they need no sort.
        let entries = self.tail.drain(..).reduce(merge_sorted).unwrap_or_default();
        self.runs.flush(entries, watermark)
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
fn merge_sorted(a: Vec<(u64, u32)>, b: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        merged.push(if x <= y { a.next() } else { b.next() }.expect("peeked"));
    }
    merged.extend(a);
    merged.extend(b);
    merged
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
        })
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
        [
            &self.bands,
            &self.fingerprints,
            &self.templates,
            &self.terms,
        ]
        .iter()
        .map(|p| p.watermark())
        .min()
        .unwrap_or(0)
    }

    /// Enters the sketches of documents (in sequence order) into the tail
    /// of each kind whose runs do not hold them yet.
    pub fn add(&mut self, sketches: &[(u32, &ArticleSketch)]) {
        for (postings, keys_of) in self.each().into_iter().zip(KEYS) {
            let watermark = postings.watermark();
            let entries = sketches
                .iter()
                .filter(|(seq, _)| u64::from(*seq) >= watermark)
                .flat_map(|&(seq, s)| keys_of(s).iter().map(move |&k| (k, seq)))
                .collect();
            postings.add(entries);
        }
        self.tail_articles += sketches.len();
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
            postings.add(tail);
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
        [
            &self.bands,
            &self.fingerprints,
            &self.templates,
            &self.terms,
        ]
        .iter()
        .map(|p| p.bytes())
        .fold((0, 0), |(d, m), (pd, pm)| (d + pd, m + pm))
    }
}

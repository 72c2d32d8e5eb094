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

use super::runs::RunStore;
use crate::boilerplate::template_id;
use crate::pipeline::ArticleSketch;

/// Articles added to the tail before it is written out as runs: its memory
/// (about 450 entries of 12 bytes an article, 90 MB) and the work of
/// sketching it again when the index opens (under a second) stay bounded.
pub const FLUSH_DOCUMENTS: usize = 16_384;

/// Sorted chunks of the tail merged into one past this many, so a lookup
/// searches few.
const MAX_TAIL_CHUNKS: usize = 8;

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
        entries.sort_unstable();
        self.tail.push(entries);
        if self.tail.len() > MAX_TAIL_CHUNKS {
            let mut all: Vec<(u64, u32)> = self.tail.drain(..).flatten().collect();
            all.sort_unstable();
            self.tail.push(all);
        }
    }

    /// Writes the tail as a run, the runs then holding every article below
    /// `watermark`.
    pub fn flush(&mut self, watermark: u64) -> io::Result<()> {
        let entries: Vec<(u64, u32)> = self.tail.drain(..).flatten().collect();
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

/// The entries of `key` in a sorted chunk.
fn tail_range(chunk: &[(u64, u32)], key: u64) -> &[(u64, u32)] {
    let start = chunk.partition_point(|&(k, _)| k < key);
    let end = chunk.partition_point(|&(k, _)| k <= key);
    &chunk[start..end]
}

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

    /// Enters the sketch of the document `seq` into the tail of each kind
    /// whose runs do not hold it yet.
    pub fn add(&mut self, seq: u32, sketch: &ArticleSketch) {
        let entries = |keys: &[u64]| keys.iter().map(|&k| (k, seq)).collect::<Vec<_>>();
        let lists: [&[u64]; 4] = [
            &sketch.band_keys,
            &sketch.fingerprints,
            &sketch.templates,
            &sketch.distinctive,
        ];
        for (postings, keys) in self.each().into_iter().zip(lists) {
            if u64::from(seq) >= postings.watermark() {
                postings.add(entries(keys));
            }
        }
        self.tail_articles += 1;
    }

    /// Enters copies that now stand first (their first was removed): into
    /// the tail of a kind whose runs do not reach them, else as a run of
    /// their own at once (the runs are past them, and reopening enters only
    /// what is past the runs).
    pub fn promote(&mut self, sketches: &[(u32, ArticleSketch)]) -> io::Result<()> {
        if sketches.is_empty() {
            return Ok(());
        }
        let pick: [fn(&ArticleSketch) -> &[u64]; 4] = [
            |s| &s.band_keys,
            |s| &s.fingerprints,
            |s| &s.templates,
            |s| &s.distinctive,
        ];
        for (postings, keys_of) in self.each().into_iter().zip(pick) {
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
        for postings in self.each() {
            postings.flush(watermark)?;
        }
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

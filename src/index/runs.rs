//! The persistent postings store of the index: multisets of `(key, value)`
//! records kept on disk as a log-structured merge of immutable sorted runs.
//!
//! **Owns** one directory, created if missing. **Input**: batches of records
//! (`key`: a 64-bit hash of a fingerprint or term, uniformly distributed;
//! `value`: a document's sequence number) with a caller-given `watermark`,
//! the sequence number up to which the caller's documents are in the runs.
//! **Output**: for a key, its values ([`RunStore::values`]) or only their
//! number ([`RunStore::count`]), summed over all runs.
//!
//! # Files
//! - `run-<id>.bin`: the records, 12 bytes each, little-endian (key `u64`
//!   then value `u32`), sorted by `(key, value)`, duplicates allowed, no
//!   header: its length is exactly `12 × records`. Run ids only increase.
//! - `run-<id>.bloom`: the run's blocked Bloom filter, `blocks × 64` bytes,
//!   each block eight little-endian `u64` words.
//! - `run-<id>.sparse`: the key of every [`SPARSE_EVERY`]-th record
//!   (records 0, 128, 256, …), little-endian `u64`s. Kept on disk so that
//!   opening a store reads only these sidecars, never the runs themselves
//!   (sampling every 128th record of a 6 GB run touches every page of it).
//! - `MANIFEST`: text, the only commit point:
//!   ```text
//!   reprint runs 1
//!   watermark <u64>
//!   next-run <u64>
//!   run <id> <records> <distinct keys> <bloom blocks>     (one per live run, by id)
//!   end <number of run lines>
//!   ```
//! - `LOCK`: locked (`flock`) by the one writer for as long as it is open.
//!
//! # Invariants
//! - Every file the manifest names is complete and durable: a run's three
//!   files are written as `*.tmp`, fsynced, renamed and the directory fsynced
//!   *before* a manifest naming them is written (as `MANIFEST.tmp`, fsynced,
//!   renamed over `MANIFEST`, directory fsynced). A run file is never
//!   modified once renamed; runs are only replaced, by a new manifest.
//! - Files a manifest stops naming are deleted only after that manifest is
//!   durable, so after a crash the store opens to the last manifest whole.
//!   The writer's [`RunStore::open`] deletes what the manifest does not name
//!   (leftover `*.tmp`, runs of an unfinished merge, replaced runs); it only
//!   touches names of the patterns above, never other files in the folder.
//! - Merges run on a thread of their own, one at a time: a flush that finds
//!   a tier with [`FANOUT`] runs starts one, and a later flush installs it
//!   once done (lookups read its inputs until then). After
//!   [`RunStore::wait_for_merges`], and when a writer closes, each size tier
//!   holds fewer than [`FANOUT`] runs, so a store of `n` records has at most
//!   `(FANOUT − 1) × (tier(n) + 1)` runs, where `tier(c) = ⌊log₈(c / 4096)⌋`
//!   (0 below 32 768 records); meanwhile a few more.
//!
//! # Lookups
//! [`RunStore::values`], [`RunStore::count`] and [`RunStore::values_up_to`]
//! take `&self` and probe every run: its Bloom filter in memory first, then
//! its sparse index, then one `pread` of the one or two blocks that can hold
//! the key (a long list: its first and last block for a count, the blocks in
//! between only for its values). They return `io::Result` because a run
//! file can fail to read (a device error, or a file changed behind the
//! store's back, reported as `InvalidData` naming it); they never panic on
//! file contents.
//!
//! # Readers beside the writer
//! [`RunStore::open_to_read`] never writes or deletes anything and takes no
//! lock; it sees the store as of the manifest it read. Its open can race the
//! writer: the manifest it read may name a run that a newer manifest replaced
//! and the writer already deleted. It then re-reads the manifest and retries,
//! [`READ_RETRIES`] times, backing off 10, 20, … 50 ms. Once open, a reader keeps its files open, so later
//! deletions do not disturb it (Unix semantics); to see newer runs it opens
//! the store again.
//!
//! # Why this design
//! Postings arrive in large batches and are never updated in place, which is
//! what an LSM of sorted runs is good at: a flush is a sort plus sequential
//! writes, and tiered merges (eight runs of one size into one of the next)
//! rewrite each record about `log₈(total / flush)` times (eight, not four:
//! by the tiers' arithmetic a record of a million-article index is written
//! about 1.9 times rather than 2.8, and a lookup of an absent key still
//! costs only a Bloom probe per run). Lookups are mostly
//! for absent keys; the in-memory Bloom filter answers those with one cache
//! line per run, and the sparse index turns a present key into one `pread`
//! of one or two 1.5 KB blocks per run, with no mmap, so page-cache pressure
//! and many threads stay simple. In memory a run costs ~10 bits per distinct
//! key plus 8 bytes per 128 records.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bit_vec::BitVec;

#[cfg(test)]
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes of one record in a run file: key `u64` then value `u32`.
pub const RECORD_BYTES: usize = 12;
/// The sparse index keeps the key of every this-many-th record; a lookup
/// reads blocks of this many records.
pub const SPARSE_EVERY: usize = 128;
/// How many runs of one size tier are merged into one run of the next tier.
pub const FANOUT: usize = 8;
/// How many times [`RunStore::open_to_read`] re-reads the manifest when a
/// run it names has just been deleted by the writer.
pub const READ_RETRIES: u32 = 5;

const BLOCK_BYTES: usize = SPARSE_EVERY * RECORD_BYTES;
/// Bits of Bloom filter per distinct key: about 1% false positives with
/// 512-bit blocks and one bit set in each of their eight words.
const BLOOM_BITS_PER_KEY: u64 = 10;
const BLOOM_BLOCK_BYTES: usize = 64;
const BLOOM_BLOCK_BITS: u64 = 512;
/// Size tiers start here; anything under `FANOUT ×` this is tier 0.
const TIER_BASE_RECORDS: u64 = 4096;
/// Buffer per input and output stream of a merge: bounded memory whatever
/// the run sizes, large enough for sequential I/O.
const STREAM_BUFFER_BYTES: usize = 1 << 20;
/// Records read per `pread` when a key's records span many blocks.
const LONG_READ_RECORDS: usize = 64 * SPARSE_EVERY;

const MANIFEST_FORMAT: &str = "reprint runs 1";
const MANIFEST: &str = "MANIFEST";
const MANIFEST_TMP: &str = "MANIFEST.tmp";
const LOCK: &str = "LOCK";
const RUN_EXTENSIONS: [&str; 3] = ["bin", "bloom", "sparse"];

/// A directory of sorted runs of `(key, value)` records and the manifest
/// that lists them. Lookups take `&self` and may run on many threads;
/// changes take `&mut self` and need a store opened with [`RunStore::open`].
pub struct RunStore {
    dir: PathBuf,
    /// The live runs, by increasing id.
    runs: Vec<Run>,
    watermark: u64,
    next_run_id: u64,
    /// The writer's lock on `LOCK`, held while the store is open; `None` for
    /// a reader, which must not change anything.
    writer_lock: Option<File>,
    /// The bits of a key its Bloom filters hold (all, unless set with
    /// [`RunStore::with_bloom_mask`]).
    bloom_mask: u64,
    /// The merge running on a thread of its own, if any.
    merging: Option<Merging>,
    /// Values whose records merges leave out (the caller's removed
    /// documents), by value; values past its end are kept.
    dropped: Arc<BitVec>,
}

/// A merge of runs on a thread of its own: the ids of the runs it merges
/// (still live until it is installed) and the merged run once written.
struct Merging {
    inputs: Vec<u64>,
    handle: std::thread::JoinHandle<io::Result<Option<Run>>>,
}

impl Drop for RunStore {
    /// A writer closing finishes its merges, so the next open finds every
    /// tier below [`FANOUT`] runs; an error leaves the inputs named (and a
    /// partly written run, deleted by the next writer's open).
    fn drop(&mut self) {
        if self.writer_lock.is_some() && self.merging.is_some() {
            let _ = self.wait_for_merges();
        }
    }
}

// Lookups from many threads share one store.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RunStore>();
};

impl RunStore {
    /// Opens the store in `dir` for writing, creating the directory and an
    /// empty store if needed, and deletes the store files the manifest does
    /// not name (crash leftovers). Fails with `WouldBlock` if another writer
    /// has it open, and with an error naming the file if one is corrupt (in
    /// which case nothing is deleted).
    pub fn open(dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).naming(&dir)?;
        let writer_lock = lock_for_writing(&dir)?;
        let (manifest, is_new) = match read_manifest(&dir) {
            Ok(manifest) => (manifest, false),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                // The first manifest is written before any run, so runs
                // without one mean a lost manifest: refuse rather than
                // delete them all as unnamed.
                if let Some(run) = first_run_file(&dir)? {
                    return Err(invalid_data(
                        &dir.join(MANIFEST),
                        format!("missing, but {run} exists"),
                    ));
                }
                (Manifest::empty(), true)
            }
            Err(error) => return Err(error),
        };
        let runs = open_runs(&dir, &manifest.runs)?;
        let store = RunStore::assemble(dir, &manifest, runs, Some(writer_lock));
        store.remove_unnamed_files()?;
        if is_new {
            // Readers need a manifest to open; give them an empty store.
            write_manifest(&store.dir, &manifest)?;
        }
        Ok(store)
    }

    /// Opens the store in `dir` for lookups only: writes and deletes
    /// nothing, takes no lock, and retries (see the module docs) when the
    /// writer replaces runs while it opens. Fails if there is no manifest.
    pub fn open_to_read(dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let mut retries = 0;
        loop {
            let manifest = read_manifest(&dir)?;
            match open_runs(&dir, &manifest.runs) {
                Ok(runs) => return Ok(RunStore::assemble(dir, &manifest, runs, None)),
                // The writer deletes replaced runs right after renaming the
                // new manifest into place, so the next read finds it.
                Err(error) if error.kind() == io::ErrorKind::NotFound && retries < READ_RETRIES => {
                    retries += 1;
                    // Backing off (10 ms, 20 ms, … 150 ms in all) outlasts a
                    // writer slowed by a loaded machine; retries are rare.
                    std::thread::sleep(Duration::from_millis(10 * u64::from(retries)));
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Adds `records` as a new run (sorted here) and commits a manifest
    /// with `watermark`, with the merged run of a merge that has finished in
    /// place of its inputs (whose files are then deleted). When a size tier
    /// holds [`FANOUT`] runs and no merge runs, a merge of them starts on a
    /// thread of its own: the caller goes on adding while it runs, and
    /// lookups read its inputs until it is installed. An empty batch only
    /// records the watermark. On error the store is as before the call (its
    /// partly written files are deleted by the writer's next open).
    pub fn flush(&mut self, mut records: Vec<(u64, u32)>, watermark: u64) -> io::Result<()> {
        records.sort_unstable();
        self.flush_sorted(vec![records], watermark)
    }

    /// [`RunStore::flush`] of chunks each already sorted, merged as they
    /// are written.
    pub fn flush_sorted(&mut self, chunks: Vec<Vec<(u64, u32)>>, watermark: u64) -> io::Result<()> {
        self.require_writer()?;
        let mut added = Vec::new();
        let mut retired = Vec::new();
        self.write_batch(chunks, &mut added)?;
        if self
            .merging
            .as_ref()
            .is_some_and(|m| m.handle.is_finished())
        {
            self.take_merged(&mut added, &mut retired)?;
        }
        self.commit(watermark, added, retired)?;
        self.start_merge()
    }

    /// Merges every run into one, leaving out the records of dropped values
    /// (see [`RunStore::drop_on_merge`]), after the merges in progress: the
    /// files then hold only what counts, however rarely merges would have
    /// reached the largest runs.
    pub fn compact(&mut self) -> io::Result<()> {
        self.wait_for_merges()?;
        if self.runs.is_empty() {
            return Ok(());
        }
        let id = self.allocate_run_id();
        let inputs: Vec<&Run> = self.runs.iter().collect();
        let merged = merge_runs(&self.dir, id, &inputs, self.bloom_mask, &self.dropped)?;
        let retired = self.runs.iter().map(|run| run.entry.id).collect();
        self.commit(self.watermark, merged.into_iter().collect(), retired)
    }

    /// Waits for the merge in progress, if any, installs it, and starts and
    /// installs the merges it makes due, until every tier holds fewer than
    /// [`FANOUT`] runs.
    pub fn wait_for_merges(&mut self) -> io::Result<()> {
        self.require_writer()?;
        self.start_merge()?;
        while self.merging.is_some() {
            let (mut added, mut retired) = (Vec::new(), Vec::new());
            self.take_merged(&mut added, &mut retired)?;
            self.commit(self.watermark, added, retired)?;
            self.start_merge()?;
        }
        Ok(())
    }

    /// The merged run of the merge in progress (waiting for it), with its
    /// inputs to retire.
    fn take_merged(&mut self, added: &mut Vec<Run>, retired: &mut Vec<u64>) -> io::Result<()> {
        let Some(merging) = self.merging.take() else {
            return Ok(());
        };
        let merged = merging.handle.join().map_err(|_| {
            io::Error::other(format!("{}: a merge of runs panicked", self.dir.display()))
        })??;
        retired.extend(merging.inputs);
        added.extend(merged);
        Ok(())
    }

    /// Starts a merge of the oldest full tier's runs, unless one runs.
    fn start_merge(&mut self) -> io::Result<()> {
        if self.merging.is_some() {
            return Ok(());
        }
        let Some(ids) = runs_to_merge(self.runs.iter().map(|run| &run.entry)) else {
            return Ok(());
        };
        let id = self.allocate_run_id();
        let entries: Vec<RunEntry> = self
            .runs
            .iter()
            .filter(|run| ids.contains(&run.entry.id))
            .map(|run| run.entry)
            .collect();
        let (dir, bloom_mask) = (self.dir.clone(), self.bloom_mask);
        let dropped = Arc::clone(&self.dropped);
        // The merge opens its inputs itself: runs are never changed once
        // named, and their files stay until the merged run replaces them.
        let handle = std::thread::Builder::new()
            .name("reprint-merge".into())
            .spawn(move || {
                let inputs = open_runs(&dir, &entries)?;
                let inputs: Vec<&Run> = inputs.iter().collect();
                merge_runs(&dir, id, &inputs, bloom_mask, &dropped)
            })
            .naming(&self.dir)?;
        self.merging = Some(Merging {
            inputs: ids,
            handle,
        });
        Ok(())
    }

    /// Commits a manifest with `watermark`, the runs `added` and without
    /// the runs `retired`, then deletes the retired runs' files.
    fn commit(&mut self, watermark: u64, added: Vec<Run>, retired: Vec<u64>) -> io::Result<()> {
        write_manifest(&self.dir, &self.manifest_after(watermark, &added, &retired))?;

        let (kept, replaced): (Vec<Run>, Vec<Run>) = std::mem::take(&mut self.runs)
            .into_iter()
            .partition(|run| !retired.contains(&run.entry.id));
        self.runs = kept;
        self.runs.extend(added);
        // A merged run was numbered when its merge started.
        self.runs.sort_by_key(|run| run.entry.id);
        self.watermark = watermark;
        for run in replaced {
            remove_run_files(&self.dir, run.entry.id);
        }
        Ok(())
    }

    /// The store with Bloom filters over the bits of keys under `mask` only,
    /// so that [`RunStore::range`] over keys that share those bits (a
    /// prefix) is ruled out from memory too. Every open of one store must
    /// give the same mask.
    pub fn with_bloom_mask(mut self, mask: u64) -> Self {
        self.bloom_mask = mask;
        self
    }

    /// Appends every record with a key in `lo..=hi`, over all runs.
    pub fn range(&self, lo: u64, hi: u64, out: &mut Vec<(u64, u32)>) -> io::Result<()> {
        let prefix = lo & self.bloom_mask;
        for run in &self.runs {
            if prefix == hi & self.bloom_mask && !run.bloom.may_contain(prefix) {
                continue;
            }
            let first = run
                .sparse_keys
                .partition_point(|&k| k < lo)
                .saturating_sub(1);
            let end = run.sparse_keys.partition_point(|&k| k <= hi);
            if end == 0 {
                continue;
            }
            run.visit_records(run.records_in(&(first as u64..end as u64)), |bytes| {
                for record in bytes.chunks_exact(RECORD_BYTES) {
                    let key = le_u64(record, 0);
                    if (lo..=hi).contains(&key) {
                        out.push((key, le_u32(record, 8)));
                    }
                }
            })?;
        }
        Ok(())
    }

    /// The watermark of the last commit: the caller's sequence number up to
    /// which the runs are complete.
    pub fn watermark(&self) -> u64 {
        self.watermark
    }

    /// The number of records in all runs.
    pub fn records(&self) -> u64 {
        self.runs.iter().map(|run| run.entry.records).sum()
    }

    // Only the tests use it (the index reads through `values_up_to`).
    #[cfg(test)]
    /// The number of live runs, each probed by a lookup.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Bytes of the live runs' files (records, Bloom filters, sparse indexes).
    pub fn disk_bytes(&self) -> u64 {
        self.runs.iter().map(Run::disk_bytes).sum()
    }

    /// Bytes held in memory for lookups: Bloom filters and sparse indexes.
    pub fn memory_bytes(&self) -> u64 {
        self.runs.iter().map(Run::memory_bytes).sum()
    }

    // Only the tests use it (the index reads through `values_up_to`).
    #[cfg(test)]
    /// Appends every value stored under `key`, over all runs, to `out` (in
    /// no particular order).
    pub fn values(&self, key: u64, out: &mut Vec<u32>) -> io::Result<()> {
        for run in &self.runs {
            if let Some(blocks) = run.candidate_blocks(key, self.bloom_mask) {
                run.append_values(blocks, key, out)?;
            }
        }
        Ok(())
    }

    // Only the tests use it (the index reads through `values_up_to`).
    #[cfg(test)]
    /// The number of records with `key` over all runs. Reads at most two
    /// blocks per run however long the key's list is.
    pub fn count(&self, key: u64) -> io::Result<u64> {
        let mut total = 0;
        for run in &self.runs {
            if let Some(blocks) = run.candidate_blocks(key, self.bloom_mask) {
                total += run.count_in(blocks, key)?;
            }
        }
        Ok(total)
    }

    /// Returns the number of records with `key`, and appends their values to
    /// `out` only when that number is at most `limit`; otherwise `out` is
    /// left as it was. A long list costs two block reads per run, not a read
    /// of the list.
    pub fn values_up_to(&self, key: u64, limit: usize, out: &mut Vec<u32>) -> io::Result<u64> {
        let len_before = out.len();
        let mut total = 0;
        let mut long_lists = Vec::new();
        for run in &self.runs {
            let Some(blocks) = run.candidate_blocks(key, self.bloom_mask) else {
                continue;
            };
            if blocks.end - blocks.start <= 2 {
                // Short: one read gives both the count and the values.
                total += run.append_values(blocks, key, out)?;
            } else {
                total += run.count_in(blocks.clone(), key)?;
                long_lists.push((run, blocks));
            }
        }
        if total > limit as u64 {
            out.truncate(len_before);
            return Ok(total);
        }
        for (run, blocks) in long_lists {
            run.append_values(blocks, key, out)?;
        }
        Ok(total)
    }

    fn assemble(dir: PathBuf, manifest: &Manifest, runs: Vec<Run>, lock: Option<File>) -> Self {
        let (watermark, next_run_id) = (manifest.watermark, manifest.next_run_id);
        let writer_lock = lock;
        RunStore {
            dir,
            runs,
            watermark,
            next_run_id,
            writer_lock,
            bloom_mask: u64::MAX,
            merging: None,
            dropped: Arc::default(),
        }
    }

    /// Sets the values whose records merges started from now on leave out:
    /// values that no longer count (lookups must leave them out themselves,
    /// as runs not merged yet still hold them).
    pub fn drop_on_merge(&mut self, dropped: Arc<BitVec>) {
        self.dropped = dropped;
    }

    fn require_writer(&self) -> io::Result<()> {
        match self.writer_lock {
            Some(_) => Ok(()),
            None => Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{}: opened to read; changes need RunStore::open",
                    self.dir.display()
                ),
            )),
        }
    }

    fn allocate_run_id(&mut self) -> u64 {
        let id = self.next_run_id;
        self.next_run_id += 1;
        id
    }

    /// Sorts and writes `records` as one new run, pushed onto `added`.
    /// Writes sorted chunks as one run, its Bloom filter built beside the
    /// file on another thread.
    fn write_batch(
        &mut self,
        chunks: Vec<Vec<(u64, u32)>>,
        added: &mut Vec<Run>,
    ) -> io::Result<()> {
        if chunks.iter().all(Vec::is_empty) {
            return Ok(());
        }
        // Keys repeated across chunks are counted once a chunk: a bound.
        let key_bound = chunks.iter().map(|chunk| distinct_keys(chunk)).sum();
        let id = self.allocate_run_id();
        let (dir, bloom_mask) = (&self.dir, self.bloom_mask);
        let (bloom, writer) = rayon::join(
            || {
                let mut bloom = Bloom::with_blocks(Bloom::blocks_for(key_bound));
                for chunk in &chunks {
                    for pair in chunk.windows(2).filter(|p| p[0].0 != p[1].0) {
                        bloom.insert(pair[1].0 & bloom_mask);
                    }
                    if let Some(&(first, _)) = chunk.first() {
                        bloom.insert(first & bloom_mask);
                    }
                }
                bloom
            },
            || -> io::Result<RunWriter> {
                let mut writer = RunWriter::create(dir, id, 0, bloom_mask)?.without_bloom();
                let mut heads: Vec<&[(u64, u32)]> = chunks.iter().map(Vec::as_slice).collect();
                // A few chunks: a linear scan for the smallest head.
                while let Some(chunk) = heads
                    .iter()
                    .enumerate()
                    .filter_map(|(at, rest)| rest.first().map(|head| (head, at)))
                    .min()
                    .map(|(_, at)| at)
                {
                    let (&(key, value), rest) = heads[chunk].split_first().expect("a head");
                    heads[chunk] = rest;
                    writer.push(key, value)?;
                }
                Ok(writer)
            },
        );
        drop(chunks); // before the merges, which need memory for their blooms
        added.push(writer?.with_bloom(bloom).finish()?);
        Ok(())
    }

    fn manifest_after(&self, watermark: u64, added: &[Run], retired: &[u64]) -> Manifest {
        let mut runs: Vec<RunEntry> = self
            .runs
            .iter()
            .filter(|run| !retired.contains(&run.entry.id))
            .chain(added)
            .map(|run| run.entry)
            .collect();
        runs.sort_by_key(|entry| entry.id);
        Manifest {
            watermark,
            next_run_id: self.next_run_id,
            runs,
        }
    }

    /// Deletes the store files (by name pattern) that the manifest does not
    /// name; other files in the directory are not ours and stay.
    fn remove_unnamed_files(&self) -> io::Result<()> {
        let named: HashSet<String> = self
            .runs
            .iter()
            .flat_map(|run| RUN_EXTENSIONS.map(|extension| run_file_name(run.entry.id, extension)))
            .collect();
        for entry in fs::read_dir(&self.dir).naming(&self.dir)? {
            let entry = entry.naming(&self.dir)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if is_store_file_name(name) && !named.contains(name) {
                remove_if_present(&entry.path())?;
            }
        }
        Ok(())
    }

    /// Bytes read from run files since the last call (tests only).
    #[cfg(test)]
    fn take_bytes_read(&self) -> u64 {
        self.runs
            .iter()
            .map(|run| run.bytes_read.swap(0, Ordering::Relaxed))
            .sum()
    }
}

impl fmt::Debug for RunStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunStore")
            .field("dir", &self.dir)
            .field("runs", &self.runs.len())
            .field("records", &self.records())
            .field("watermark", &self.watermark)
            .field("writer", &self.writer_lock.is_some())
            .finish()
    }
}

/// What the manifest says about one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RunEntry {
    id: u64,
    records: u64,
    distinct_keys: u64,
    bloom_blocks: u64,
}

#[derive(Debug)]
struct Manifest {
    watermark: u64,
    next_run_id: u64,
    runs: Vec<RunEntry>,
}

impl Manifest {
    fn empty() -> Self {
        Manifest {
            watermark: 0,
            next_run_id: 1,
            runs: Vec::new(),
        }
    }

    fn to_text(&self) -> String {
        let mut text = format!(
            "{MANIFEST_FORMAT}\nwatermark {}\nnext-run {}\n",
            self.watermark, self.next_run_id
        );
        for run in &self.runs {
            text += &format!(
                "run {} {} {} {}\n",
                run.id, run.records, run.distinct_keys, run.bloom_blocks
            );
        }
        text + &format!("end {}\n", self.runs.len())
    }

    fn parse(path: &Path, text: &str) -> io::Result<Self> {
        let mut lines = text.lines();
        match lines.next() {
            Some(MANIFEST_FORMAT) => {}
            other => {
                return Err(invalid_data(
                    path,
                    format!("format line is {other:?}, expected {MANIFEST_FORMAT:?} (not a run store, or another version)"),
                ))
            }
        }
        let malformed = |line: Option<&str>, expected: &str| {
            invalid_data(
                path,
                format!("expected `{expected}`, found {line:?} (truncated or corrupt?)"),
            )
        };
        let line = lines.next();
        let [watermark] =
            labelled_numbers(line, "watermark").ok_or_else(|| malformed(line, "watermark <n>"))?;
        let line = lines.next();
        let [next_run_id] =
            labelled_numbers(line, "next-run").ok_or_else(|| malformed(line, "next-run <n>"))?;
        let mut runs: Vec<RunEntry> = Vec::new();
        loop {
            let line = lines.next();
            if let Some([id, records, distinct_keys, bloom_blocks]) = labelled_numbers(line, "run")
            {
                let entry = RunEntry {
                    id,
                    records,
                    distinct_keys,
                    bloom_blocks,
                };
                let ordered = runs.last().is_none_or(|last| last.id < id) && id < next_run_id;
                let plausible = distinct_keys <= records
                    && (distinct_keys > 0) == (records > 0)
                    && (1..=u64::from(u32::MAX)).contains(&bloom_blocks);
                if !ordered || !plausible {
                    return Err(invalid_data(
                        path,
                        format!("inconsistent run line {line:?}"),
                    ));
                }
                runs.push(entry);
            } else if let Some([count]) = labelled_numbers(line, "end") {
                if count != runs.len() as u64 || lines.next().is_some() {
                    return Err(invalid_data(
                        path,
                        format!(
                            "`end {count}` after {} run lines, or text after it",
                            runs.len()
                        ),
                    ));
                }
                return Ok(Manifest {
                    watermark,
                    next_run_id,
                    runs,
                });
            } else {
                return Err(malformed(
                    line,
                    "run <id> <records> <keys> <bloom blocks>` or `end <runs>",
                ));
            }
        }
    }
}

/// `label n1 n2 …` with exactly `N` numbers, or `None`.
fn labelled_numbers<const N: usize>(line: Option<&str>, label: &str) -> Option<[u64; N]> {
    let mut words = line?.split_whitespace();
    if words.next()? != label {
        return None;
    }
    let mut numbers = [0; N];
    for number in &mut numbers {
        *number = words.next()?.parse().ok()?;
    }
    words.next().is_none().then_some(numbers)
}

fn read_manifest(dir: &Path) -> io::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = fs::read_to_string(&path).naming(&path)?;
    Manifest::parse(&path, &text)
}

/// Replaces the manifest atomically and durably: the commit point.
fn write_manifest(dir: &Path, manifest: &Manifest) -> io::Result<()> {
    let tmp = dir.join(MANIFEST_TMP);
    write_durably(&tmp, |out| out.write_all(manifest.to_text().as_bytes()))?;
    rename_into_place(&tmp, &dir.join(MANIFEST))?;
    sync_dir(dir)
}

/// One open run: its file, kept open for `pread`, and its summaries.
struct Run {
    entry: RunEntry,
    path: PathBuf,
    file: File,
    /// Key of record `i × SPARSE_EVERY`, for every block `i`.
    sparse_keys: Vec<u64>,
    bloom: Bloom,
    #[cfg(test)]
    bytes_read: AtomicU64,
}

fn open_runs(dir: &Path, entries: &[RunEntry]) -> io::Result<Vec<Run>> {
    entries.iter().map(|&entry| Run::open(dir, entry)).collect()
}

impl Run {
    fn new(
        entry: RunEntry,
        path: PathBuf,
        file: File,
        sparse_keys: Vec<u64>,
        bloom: Bloom,
    ) -> Self {
        Run {
            entry,
            path,
            file,
            sparse_keys,
            bloom,
            #[cfg(test)]
            bytes_read: AtomicU64::new(0),
        }
    }

    /// Opens a run the manifest names and checks its files against it.
    fn open(dir: &Path, entry: RunEntry) -> io::Result<Self> {
        let path = dir.join(run_file_name(entry.id, "bin"));
        let file = File::open(&path).naming(&path)?;
        let bytes = file.metadata().naming(&path)?.len();
        if !bytes.is_multiple_of(RECORD_BYTES as u64) {
            let what = format!(
                "{bytes} bytes is not a whole number of {RECORD_BYTES}-byte records (truncated?)"
            );
            return Err(invalid_data(&path, what));
        }
        if bytes / RECORD_BYTES as u64 != entry.records {
            let what = format!(
                "holds {} records, the manifest says {}",
                bytes / RECORD_BYTES as u64,
                entry.records
            );
            return Err(invalid_data(&path, what));
        }
        let bloom = Bloom::load(
            &dir.join(run_file_name(entry.id, "bloom")),
            entry.bloom_blocks,
        )?;
        let sparse_path = dir.join(run_file_name(entry.id, "sparse"));
        let sparse_keys = load_sparse_keys(&sparse_path, entry.records)?;
        let run = Run::new(entry, path, file, sparse_keys, bloom);
        // Two reads catch a sidecar that belongs to another run.
        for block in [0, run.sparse_keys.len().saturating_sub(1)] {
            if let Some(&sampled) = run.sparse_keys.get(block) {
                let mut record = [0; RECORD_BYTES];
                run.read_records((block * SPARSE_EVERY) as u64, &mut record)?;
                if le_u64(&record, 0) != sampled {
                    return Err(invalid_data(
                        &sparse_path,
                        format!("key of block {block} differs from {}", run.path.display()),
                    ));
                }
            }
        }
        Ok(run)
    }

    fn disk_bytes(&self) -> u64 {
        self.entry.records * RECORD_BYTES as u64 + self.memory_bytes()
    }

    fn memory_bytes(&self) -> u64 {
        (self.bloom.blocks.len() * BLOOM_BLOCK_BYTES + self.sparse_keys.len() * 8) as u64
    }

    /// The blocks that hold every record of `key`, or `None` when the Bloom
    /// filter or the key range rules the run out (no read needed).
    fn candidate_blocks(&self, key: u64, bloom_mask: u64) -> Option<Range<u64>> {
        if !self.bloom.may_contain(key & bloom_mask) {
            return None;
        }
        // Blocks starting below `key` can hold its first records only in the
        // last of them; blocks starting above it hold none.
        let first = self
            .sparse_keys
            .partition_point(|&sampled| sampled < key)
            .saturating_sub(1);
        let end = self.sparse_keys.partition_point(|&sampled| sampled <= key);
        (end > 0).then_some(first as u64..end as u64)
    }

    /// Record positions covered by `blocks`.
    fn records_in(&self, blocks: &Range<u64>) -> Range<u64> {
        let every = SPARSE_EVERY as u64;
        blocks.start * every..(blocks.end * every).min(self.entry.records)
    }

    fn append_values(&self, blocks: Range<u64>, key: u64, out: &mut Vec<u32>) -> io::Result<u64> {
        let mut found = 0;
        self.visit_records(self.records_in(&blocks), |bytes| {
            for record in bytes.chunks_exact(RECORD_BYTES) {
                if le_u64(record, 0) == key {
                    out.push(le_u32(record, 8));
                    found += 1;
                }
            }
        })?;
        Ok(found)
    }

    /// Counts `key`'s records in `blocks` by finding its first and last
    /// position: only the first and last block are read.
    fn count_in(&self, blocks: Range<u64>, key: u64) -> io::Result<u64> {
        if blocks.end - blocks.start <= 2 {
            let mut found = 0;
            self.visit_records(self.records_in(&blocks), |bytes| {
                found += (partition_records(bytes, |k| k <= key)
                    - partition_records(bytes, |k| k < key)) as u64;
            })?;
            return Ok(found);
        }
        let first_block = self.records_in(&(blocks.start..blocks.start + 1));
        let last_block = self.records_in(&(blocks.end - 1..blocks.end));
        let (mut first, mut end) = (first_block.start, last_block.start);
        self.visit_records(first_block, |bytes| {
            first += partition_records(bytes, |k| k < key) as u64
        })?;
        self.visit_records(last_block, |bytes| {
            end += partition_records(bytes, |k| k <= key) as u64
        })?;
        // A corrupt (unsorted) run may put them the wrong way round.
        Ok(end.saturating_sub(first))
    }

    /// Calls `visit` with the bytes of `records`, a chunk at a time: one
    /// stack buffer for the common short case, a heap buffer for long lists.
    fn visit_records(&self, records: Range<u64>, mut visit: impl FnMut(&[u8])) -> io::Result<()> {
        let total = (records.end - records.start) as usize;
        if total <= 2 * SPARSE_EVERY {
            let mut buffer = [0; 2 * BLOCK_BYTES];
            let bytes = &mut buffer[..total * RECORD_BYTES];
            self.read_records(records.start, bytes)?;
            visit(bytes);
            return Ok(());
        }
        let mut buffer = vec![0; total.min(LONG_READ_RECORDS) * RECORD_BYTES];
        let mut next = records.start;
        while next < records.end {
            let count = (records.end - next).min(LONG_READ_RECORDS as u64) as usize;
            let bytes = &mut buffer[..count * RECORD_BYTES];
            self.read_records(next, bytes)?;
            visit(bytes);
            next += count as u64;
        }
        Ok(())
    }

    fn read_records(&self, first: u64, bytes: &mut [u8]) -> io::Result<()> {
        #[cfg(test)]
        self.bytes_read
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        read_records_at(&self.file, &self.path, first, bytes)
    }
}

/// Reads the records from position `first` into `bytes` (a whole number of
/// records); a file shorter than that is reported as corrupt.
fn read_records_at(file: &File, path: &Path, first: u64, bytes: &mut [u8]) -> io::Result<()> {
    file.read_exact_at(bytes, first * RECORD_BYTES as u64)
        .map_err(|error| {
            if error.kind() == io::ErrorKind::UnexpectedEof {
                invalid_data(
                    path,
                    format!("ends before record {first} (changed since it was opened?)"),
                )
            } else {
                with_path(error, path)
            }
        })
}

/// The first position in sorted record `bytes` whose key is not `below`.
fn partition_records(bytes: &[u8], below: impl Fn(u64) -> bool) -> usize {
    let (mut low, mut high) = (0, bytes.len() / RECORD_BYTES);
    while low < high {
        let middle = (low + high) / 2;
        if below(le_u64(bytes, middle * RECORD_BYTES)) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

fn load_sparse_keys(path: &Path, records: u64) -> io::Result<Vec<u64>> {
    let keys = records.div_ceil(SPARSE_EVERY as u64);
    let reader = open_sized(path, keys * 8)?;
    let mut reader = BufReader::with_capacity(STREAM_BUFFER_BYTES, reader);
    let mut sparse_keys = Vec::with_capacity(keys as usize);
    let mut bytes = [0; 8];
    for _ in 0..keys {
        reader.read_exact(&mut bytes).naming(path)?;
        let key = u64::from_le_bytes(bytes);
        if sparse_keys.last().is_some_and(|&last| last > key) {
            return Err(invalid_data(
                path,
                format!("keys out of order at block {}", sparse_keys.len()),
            ));
        }
        sparse_keys.push(key);
    }
    Ok(sparse_keys)
}

/// Opens `path` and checks that it holds exactly `expected` bytes.
fn open_sized(path: &Path, expected: u64) -> io::Result<File> {
    let file = File::open(path).naming(path)?;
    let bytes = file.metadata().naming(path)?.len();
    if bytes != expected {
        return Err(invalid_data(
            path,
            format!("{bytes} bytes, expected {expected} from the manifest"),
        ));
    }
    Ok(file)
}

/// A blocked Bloom filter: a key sets one bit in each of the eight words of
/// one 64-byte block, so a probe touches one cache line. Keys are already
/// uniform hashes, but a cheap remix keeps structured keys (tests, small
/// integers) from clustering; the high half picks the block, the low half,
/// times eight odd constants, picks the bits (the Parquet split-block scheme).
struct Bloom {
    blocks: Vec<BloomBlock>,
}

#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct BloomBlock([u64; 8]);

const BLOOM_SALTS: [u32; 8] = [
    0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31,
];

impl Bloom {
    fn with_blocks(blocks: u64) -> Self {
        Bloom {
            blocks: vec![BloomBlock::default(); blocks as usize],
        }
    }

    /// Blocks for `keys` distinct keys: at least one, at most `u32::MAX` (the
    /// block index is computed in 32 bits).
    fn blocks_for(keys: u64) -> u64 {
        keys.saturating_mul(BLOOM_BITS_PER_KEY)
            .div_ceil(BLOOM_BLOCK_BITS)
            .clamp(1, u64::from(u32::MAX))
    }

    fn remix(key: u64) -> u64 {
        let key = (key ^ (key >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        let key = (key ^ (key >> 27)).wrapping_mul(0x94d049bb133111eb);
        key ^ (key >> 31)
    }

    fn block_and_bits(&self, key: u64) -> (usize, [u64; 8]) {
        let hash = Self::remix(key);
        // Multiply-shift maps the high 32 bits onto 0..blocks without division.
        let block = ((hash >> 32) * self.blocks.len() as u64) >> 32;
        let low = hash as u32;
        (
            block as usize,
            BLOOM_SALTS.map(|salt| 1 << (low.wrapping_mul(salt) >> 26)),
        )
    }

    fn insert(&mut self, key: u64) {
        let (block, bits) = self.block_and_bits(key);
        for (word, bit) in self.blocks[block].0.iter_mut().zip(bits) {
            *word |= bit;
        }
    }

    fn may_contain(&self, key: u64) -> bool {
        let (block, bits) = self.block_and_bits(key);
        self.blocks[block]
            .0
            .iter()
            .zip(bits)
            .all(|(word, bit)| word & bit != 0)
    }

    fn load(path: &Path, blocks: u64) -> io::Result<Self> {
        let file = open_sized(path, blocks * BLOOM_BLOCK_BYTES as u64)?;
        let mut reader = BufReader::with_capacity(STREAM_BUFFER_BYTES, file);
        let mut bloom = Bloom::with_blocks(blocks);
        let mut bytes = [0; BLOOM_BLOCK_BYTES];
        for block in &mut bloom.blocks {
            reader.read_exact(&mut bytes).naming(path)?;
            *block = BloomBlock(std::array::from_fn(|word| le_u64(&bytes, word * 8)));
        }
        Ok(bloom)
    }

    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        for block in &self.blocks {
            for word in block.0 {
                out.write_all(&word.to_le_bytes())?;
            }
        }
        Ok(())
    }
}

/// Writes one run: records stream to `run-<id>.bin.tmp` while its sparse
/// index and Bloom filter are built in memory; `finish` makes all three
/// files durable under their final names.
struct RunWriter {
    dir: PathBuf,
    id: u64,
    tmp_path: PathBuf,
    out: BufWriter<File>,
    records: u64,
    distinct_keys: u64,
    last_key: Option<u64>,
    sparse_keys: Vec<u64>,
    bloom: Bloom,
    bloom_mask: u64,
    /// Whether `push` enters keys into `bloom` (else it is built apart).
    fills_bloom: bool,
}

impl RunWriter {
    /// `key_bound`: at least the number of distinct keys to come; sizes the
    /// Bloom filter.
    fn create(dir: &Path, id: u64, key_bound: u64, bloom_mask: u64) -> io::Result<Self> {
        let tmp_path = dir.join(format!("{}.tmp", run_file_name(id, "bin")));
        // Read access too: a merge may re-read the file to rebuild its bloom.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp_path);
        Ok(RunWriter {
            dir: dir.to_path_buf(),
            id,
            out: BufWriter::with_capacity(STREAM_BUFFER_BYTES, file.naming(&tmp_path)?),
            tmp_path,
            records: 0,
            distinct_keys: 0,
            last_key: None,
            sparse_keys: Vec::new(),
            bloom: Bloom::with_blocks(Bloom::blocks_for(key_bound)),
            bloom_mask,
            fills_bloom: true,
        })
    }

    /// The writer leaves its Bloom filter to [`RunWriter::with_bloom`].
    fn without_bloom(self) -> Self {
        RunWriter {
            fills_bloom: false,
            ..self
        }
    }

    /// Deletes what the writer wrote: it makes no run.
    fn abandon(self) {
        let tmp_path = self.tmp_path.clone();
        drop(self);
        let _ = fs::remove_file(tmp_path);
    }

    /// Gives the writer the Bloom filter of the keys it was given.
    fn with_bloom(self, bloom: Bloom) -> Self {
        RunWriter { bloom, ..self }
    }

    /// Appends a record; records must come in `(key, value)` order.
    fn push(&mut self, key: u64, value: u32) -> io::Result<()> {
        if self.records.is_multiple_of(SPARSE_EVERY as u64) {
            self.sparse_keys.push(key);
        }
        if self.last_key != Some(key) {
            self.distinct_keys += 1;
            if self.fills_bloom {
                self.bloom.insert(key & self.bloom_mask);
            }
            self.last_key = Some(key);
        }
        let mut record = [0; RECORD_BYTES];
        record[..8].copy_from_slice(&key.to_le_bytes());
        record[8..].copy_from_slice(&value.to_le_bytes());
        self.out.write_all(&record).naming(&self.tmp_path)?;
        self.records += 1;
        Ok(())
    }

    fn finish(self) -> io::Result<Run> {
        let RunWriter {
            dir,
            id,
            tmp_path,
            out,
            records,
            distinct_keys,
            sparse_keys,
            mut bloom,
            bloom_mask,
            ..
        } = self;
        let file = out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .naming(&tmp_path)?;
        file.sync_all().naming(&tmp_path)?;
        // A merge sizes its bloom for the sum of its inputs' keys; when keys
        // repeat across runs that overshoots, and the overshoot would compound
        // merge after merge. Rebuilding costs one sequential read.
        let wanted_blocks = Bloom::blocks_for(distinct_keys);
        if wanted_blocks * 4 < bloom.blocks.len() as u64 * 3 {
            bloom = Bloom::with_blocks(wanted_blocks);
            let mut reader = RecordReader::new(&file, &tmp_path, records);
            while let Some((key, _)) = reader.next()? {
                bloom.insert(key & bloom_mask);
            }
        }
        let entry = RunEntry {
            id,
            records,
            distinct_keys,
            bloom_blocks: bloom.blocks.len() as u64,
        };
        let bloom_path = dir.join(run_file_name(id, "bloom"));
        let sparse_path = dir.join(run_file_name(id, "sparse"));
        let bloom_tmp = dir.join(format!("{}.tmp", run_file_name(id, "bloom")));
        let sparse_tmp = dir.join(format!("{}.tmp", run_file_name(id, "sparse")));
        write_durably(&bloom_tmp, |out| bloom.write_to(out))?;
        write_durably(&sparse_tmp, |out| {
            sparse_keys
                .iter()
                .try_for_each(|key| out.write_all(&key.to_le_bytes()))
        })?;
        let path = dir.join(run_file_name(id, "bin"));
        rename_into_place(&tmp_path, &path)?;
        rename_into_place(&bloom_tmp, &bloom_path)?;
        rename_into_place(&sparse_tmp, &sparse_path)?;
        sync_dir(&dir)?;
        Ok(Run::new(entry, path, file, sparse_keys, bloom))
    }
}

/// The number of distinct keys in sorted records.
fn distinct_keys(records: &[(u64, u32)]) -> u64 {
    let repeats = records.windows(2).filter(|p| p[0].0 == p[1].0).count();
    (records.len() - repeats) as u64
}

/// Streams a run's records in order through a bounded buffer, checking
/// that they are sorted (a merge must not spread a corrupt run's disorder).
struct RecordReader<'a> {
    file: &'a File,
    path: &'a Path,
    records: u64,
    next_record: u64,
    buffer: Vec<u8>,
    position: usize,
    last: Option<(u64, u32)>,
}

impl<'a> RecordReader<'a> {
    fn new(file: &'a File, path: &'a Path, records: u64) -> Self {
        RecordReader {
            file,
            path,
            records,
            next_record: 0,
            buffer: Vec::new(),
            position: 0,
            last: None,
        }
    }

    fn next(&mut self) -> io::Result<Option<(u64, u32)>> {
        if self.position == self.buffer.len() {
            let left = self.records - self.next_record;
            if left == 0 {
                return Ok(None);
            }
            let count = left.min((STREAM_BUFFER_BYTES / RECORD_BYTES) as u64);
            self.buffer.resize(count as usize * RECORD_BYTES, 0);
            read_records_at(self.file, self.path, self.next_record, &mut self.buffer)?;
            self.next_record += count;
            self.position = 0;
        }
        let record = (
            le_u64(&self.buffer, self.position),
            le_u32(&self.buffer, self.position + 8),
        );
        self.position += RECORD_BYTES;
        if self.last.is_some_and(|last| record < last) {
            let at =
                self.next_record - ((self.buffer.len() - self.position) / RECORD_BYTES) as u64 - 1;
            return Err(invalid_data(
                self.path,
                format!("records out of order at record {at}"),
            ));
        }
        self.last = Some(record);
        Ok(Some(record))
    }
}

/// The ids of [`FANOUT`] runs to merge: the oldest of the lowest tier that
/// holds that many, or `None` when every tier holds fewer.
fn runs_to_merge<'a>(runs: impl Iterator<Item = &'a RunEntry>) -> Option<Vec<u64>> {
    let mut by_tier: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
    for run in runs {
        by_tier
            .entry(size_tier(run.records))
            .or_default()
            .push(run.id);
    }
    by_tier
        .into_values()
        .find(|ids| ids.len() >= FANOUT)
        .map(|mut ids| {
            ids.sort_unstable();
            ids.truncate(FANOUT);
            ids
        })
}

/// `⌊log₈(records / 4096)⌋`, 0 below 32 768 records. Eight runs of tier `t`
/// sum to tier `t + 1` exactly (from tier 1 up), so merging makes progress.
fn size_tier(records: u64) -> u32 {
    (records / TIER_BASE_RECORDS)
        .checked_ilog(FANOUT as u64)
        .unwrap_or(0)
}

/// K-way merge of `inputs` into new run `id`, streaming (bounded memory),
/// leaving out the records of `dropped` values; `None` (and no files) when
/// none is left.
fn merge_runs(
    dir: &Path,
    id: u64,
    inputs: &[&Run],
    bloom_mask: u64,
    dropped: &BitVec,
) -> io::Result<Option<Run>> {
    let key_bound = inputs.iter().map(|run| run.entry.distinct_keys).sum();
    let mut writer = RunWriter::create(dir, id, key_bound, bloom_mask)?;
    let mut readers: Vec<RecordReader> = inputs
        .iter()
        .map(|run| RecordReader::new(&run.file, &run.path, run.entry.records))
        .collect();
    let mut heads = readers
        .iter_mut()
        .map(RecordReader::next)
        .collect::<io::Result<Vec<_>>>()?;
    loop {
        // FANOUT inputs: a linear scan beats a heap.
        let mut smallest: Option<(usize, (u64, u32))> = None;
        for (index, head) in heads.iter().enumerate() {
            if let Some(record) = *head {
                if smallest.is_none_or(|(_, best)| record < best) {
                    smallest = Some((index, record));
                }
            }
        }
        let Some((index, (key, value))) = smallest else {
            break;
        };
        if !dropped.get(value as usize).unwrap_or(false) {
            writer.push(key, value)?;
        }
        heads[index] = readers[index].next()?;
    }
    if writer.records == 0 {
        writer.abandon();
        return Ok(None);
    }
    writer.finish().map(Some)
}

fn run_file_name(id: u64, extension: &str) -> String {
    format!("run-{id}.{extension}")
}

/// Names this module writes: runs, their sidecars, and temporaries.
fn is_store_file_name(name: &str) -> bool {
    let run_file = name.starts_with("run-")
        && (name.ends_with(".tmp")
            || RUN_EXTENSIONS
                .iter()
                .any(|extension| name.ends_with(&format!(".{extension}"))));
    run_file || name == MANIFEST_TMP
}

/// Deletes a run's files, best effort: they are no longer named by the
/// manifest, and the writer's next open removes whatever survives.
fn remove_run_files(dir: &Path, id: u64) {
    for extension in RUN_EXTENSIONS {
        let _ = fs::remove_file(dir.join(run_file_name(id, extension)));
    }
}

fn first_run_file(dir: &Path) -> io::Result<Option<String>> {
    for entry in fs::read_dir(dir).naming(dir)? {
        let name = entry
            .naming(dir)?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("run-") && name.ends_with(".bin") {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(with_path(error, path)),
        _ => Ok(()),
    }
}

fn lock_for_writing(dir: &Path) -> io::Result<File> {
    let path = dir.join(LOCK);
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path);
    let file = file.naming(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!("{}: another writer has this store open", path.display()),
        )),
        Err(TryLockError::Error(error)) => Err(with_path(error, &path)),
    }
}

/// Creates `path`, lets `write` fill it, and fsyncs it.
fn write_durably(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let file = File::create(path).naming(path)?;
    let mut out = BufWriter::with_capacity(STREAM_BUFFER_BYTES, file);
    write(&mut out).naming(path)?;
    let file = out
        .into_inner()
        .map_err(io::IntoInnerError::into_error)
        .naming(path)?;
    file.sync_all().naming(path)
}

fn rename_into_place(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to).naming(to)
}

/// Makes renames and creations in `dir` durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir).and_then(|dir| dir.sync_all()).naming(dir)
}

fn le_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("an 8-byte slice"))
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("a 4-byte slice"))
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Puts the file's name in an I/O error's message, keeping its kind.
trait NamingFile<T> {
    fn naming(self, path: &Path) -> io::Result<T>;
}

impl<T> NamingFile<T> for io::Result<T> {
    fn naming(self, path: &Path) -> io::Result<T> {
        self.map_err(|error| with_path(error, path))
    }
}

fn invalid_data(path: &Path, what: impl fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {what}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// splitmix64: seeded, dependency-free test data.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
            Bloom::remix(self.0)
        }

        fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound
        }
    }

    type Oracle = BTreeMap<u64, Vec<u32>>;

    fn add_to_oracle(oracle: &mut Oracle, records: &[(u64, u32)]) {
        for &(key, value) in records {
            oracle.entry(key).or_default().push(value);
        }
    }

    fn sorted_values(store: &RunStore, key: u64) -> Vec<u32> {
        let mut values = Vec::new();
        store.values(key, &mut values).expect("values");
        values.sort_unstable();
        values
    }

    /// Checks `values`, `count` and `values_up_to` for `keys` against the oracle.
    fn assert_matches_oracle(
        store: &RunStore,
        oracle: &Oracle,
        keys: impl IntoIterator<Item = u64>,
    ) {
        for key in keys {
            let mut expected = oracle.get(&key).cloned().unwrap_or_default();
            expected.sort_unstable();
            assert_eq!(sorted_values(store, key), expected, "values of {key}");
            assert_eq!(
                store.count(key).expect("count"),
                expected.len() as u64,
                "count of {key}"
            );
            let limit = 3;
            let mut short = vec![7];
            let count = store
                .values_up_to(key, limit, &mut short)
                .expect("values_up_to");
            assert_eq!(count, expected.len() as u64, "values_up_to count of {key}");
            short.remove(0);
            short.sort_unstable();
            assert_eq!(
                short,
                if expected.len() <= limit {
                    expected
                } else {
                    Vec::new()
                },
                "values_up_to of {key}"
            );
        }
    }

    /// The bound on runs the module promises.
    fn max_runs(records: u64) -> usize {
        (FANOUT - 1) * (size_tier(records) as usize + 1)
    }

    fn random_batch(random: &mut Random, len: u64, small_keys: u64) -> Vec<(u64, u32)> {
        (0..len)
            .map(|_| {
                // Mostly keys from a small range, so they repeat across runs;
                // values from a small range, so whole records repeat too.
                let key = if random.below(10) < 7 {
                    random.below(small_keys)
                } else {
                    random.next()
                };
                (key, random.below(1000) as u32)
            })
            .collect()
    }

    #[test]
    fn flushes_and_merges_match_a_btreemap_oracle() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        let mut random = Random(1);
        let mut oracle = Oracle::new();
        let mut absent = Vec::new();
        let flushes = 30;
        for flush in 1..=flushes {
            let len = if flush == 7 { 0 } else { random.below(6000) };
            let batch = random_batch(&mut random, len, 400);
            add_to_oracle(&mut oracle, &batch);
            if flush % 2 == 0 {
                store.flush(batch, flush).expect("flush");
            } else {
                // As the postings' tails come: sorted chunks sharing keys.
                let chunks = batch
                    .chunks(1 + flush as usize * 97)
                    .map(|chunk| {
                        let mut chunk = chunk.to_vec();
                        chunk.sort_unstable();
                        chunk
                    })
                    .collect();
                store.flush_sorted(chunks, flush).expect("flush");
            }
            assert_eq!(store.watermark(), flush);
            assert_eq!(
                store.records(),
                oracle
                    .values()
                    .map(|values| values.len() as u64)
                    .sum::<u64>()
            );
            absent = (0..300)
                .map(|_| random.next())
                .filter(|key| !oracle.contains_key(key))
                .collect();
            let random_present: Vec<u64> = oracle
                .keys()
                .copied()
                .filter(|&key| key >= 400)
                .take(100)
                .collect();
            let keys = (0..400)
                .chain([u64::MAX, 401])
                .chain(random_present)
                .chain(absent.iter().copied());
            // While a merge runs, and once it is installed.
            assert_matches_oracle(&store, &oracle, keys.clone());
            store.wait_for_merges().expect("merges");
            assert!(
                store.runs() <= max_runs(store.records()),
                "{} runs after flush {flush}",
                store.runs()
            );
            assert_matches_oracle(&store, &oracle, keys);
        }
        // 29 non-empty flushes, yet few runs: merges happened.
        assert!(
            store.runs() <= max_runs(store.records()) && store.runs() < 10,
            "{:?}",
            store
        );

        let runs = store.runs();
        drop(store);
        for reopened in [
            RunStore::open(dir.path()),
            RunStore::open_to_read(dir.path()),
        ] {
            let reopened = reopened.expect("reopen");
            assert_eq!((reopened.watermark(), reopened.runs()), (flushes, runs));
            assert_matches_oracle(
                &reopened,
                &oracle,
                oracle.keys().copied().chain(absent.iter().copied()),
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        // Half the keys among four: lists of hundreds of records that span
        // several blocks and runs, and exercise count's first/last search.
        #[test]
        fn any_batches_match_the_oracle(
            batches in prop::collection::vec(
                prop::collection::vec((prop_oneof![0..4u64, any::<u64>()], 0..50u32), 0..400),
                1..10,
            ),
            probes in prop::collection::vec(any::<u64>(), 20),
        ) {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut store = RunStore::open(dir.path()).expect("open");
            let mut oracle = Oracle::new();
            for (watermark, batch) in batches.into_iter().enumerate() {
                add_to_oracle(&mut oracle, &batch);
                store.flush(batch, watermark as u64).expect("flush");
                store.wait_for_merges().expect("merges");
                prop_assert!(store.runs() < FANOUT, "tier 0 never keeps {} runs", store.runs());
            }
            let keys: Vec<u64> = oracle.keys().copied().chain(probes).chain([0, u64::MAX]).collect();
            assert_matches_oracle(&store, &oracle, keys.iter().copied());
            drop(store);
            assert_matches_oracle(&RunStore::open_to_read(dir.path()).expect("reopen"), &oracle, keys);
        }
    }

    #[test]
    fn merges_leave_out_dropped_values() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        let mut random = Random(4);
        let mut oracle = Oracle::new();
        let mut dropped = BitVec::from_elem(1000, false);
        for value in (0..1000).step_by(3) {
            dropped.set(value, true);
        }
        store.drop_on_merge(Arc::new(dropped.clone()));
        // A full tier of equal runs: merged into one.
        for flush in 0..FANOUT as u64 {
            let batch = random_batch(&mut random, 3000, 200);
            add_to_oracle(&mut oracle, &batch);
            store.flush(batch, flush).expect("flush");
        }
        store.wait_for_merges().expect("merges");
        assert_eq!(store.runs(), 1, "{store:?}");
        for values in oracle.values_mut() {
            values.retain(|&v| !dropped[v as usize]);
        }
        oracle.retain(|_, values| !values.is_empty());
        let kept: u64 = oracle.values().map(|v| v.len() as u64).sum();
        assert_eq!(store.records(), kept);
        assert_matches_oracle(&store, &oracle, (0..200).chain(oracle.keys().copied()));

        // A merge that drops every record (the merged run is of the first
        // tier still) leaves no run and no run file behind.
        store.drop_on_merge(Arc::new(BitVec::from_elem(1000, true)));
        for flush in FANOUT as u64..2 * FANOUT as u64 - 1 {
            store
                .flush(random_batch(&mut random, 3000, 200), flush)
                .expect("flush");
        }
        store.wait_for_merges().expect("merges");
        assert_eq!((store.runs(), store.records()), (0, 0), "{store:?}");
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into())
            .collect();
        names.sort();
        assert_eq!(names, [LOCK, MANIFEST]);
    }

    #[test]
    fn count_of_a_long_list_reads_two_blocks_per_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        let mut random = Random(2);
        let long_key = 1 << 63;
        let mut oracle = Oracle::new();
        for flush in 0..6u32 {
            let mut batch: Vec<(u64, u32)> = (0..17_000)
                .map(|i| (long_key, flush * 100_000 + i))
                .collect();
            batch.extend((0..20_000).map(|_| (random.next(), 1)));
            batch.extend([(long_key - 1, flush), (long_key + 1, flush)]);
            add_to_oracle(&mut oracle, &batch);
            store.flush(batch, u64::from(flush)).expect("flush");
        }
        let runs = store.runs() as u64;
        assert!(
            (2..FANOUT as u64).contains(&runs),
            "six runs of one tier, none merged yet: {runs}"
        );

        store.take_bytes_read();
        assert_eq!(store.count(long_key).expect("count"), 102_000);
        let count_bytes = store.take_bytes_read();
        assert!(
            count_bytes <= runs * 2 * BLOCK_BYTES as u64,
            "count read {count_bytes} bytes"
        );

        let mut values = Vec::new();
        assert_eq!(
            store
                .values_up_to(long_key, 1000, &mut values)
                .expect("values_up_to"),
            102_000
        );
        assert!(values.is_empty());
        assert!(
            store.take_bytes_read() <= runs * 2 * BLOCK_BYTES as u64,
            "values_up_to over its limit reads no list"
        );

        assert_eq!(
            store
                .values_up_to(long_key, 102_000, &mut values)
                .expect("values_up_to"),
            102_000
        );
        assert!(
            store.take_bytes_read() >= 102_000 * RECORD_BYTES as u64,
            "the list itself was read"
        );
        values.sort_unstable();
        assert_eq!(values, oracle[&long_key]);
        assert_matches_oracle(&store, &oracle, [long_key - 1, long_key + 1, long_key + 2]);
    }

    #[test]
    fn absent_keys_are_answered_from_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        let mut random = Random(3);
        for flush in 0..6 {
            store
                .flush((0..20_000).map(|_| (random.next(), 0)).collect(), flush)
                .expect("flush");
        }
        store.take_bytes_read();
        let lookups = 10_000;
        for _ in 0..lookups {
            assert_eq!(store.count(random.next()).expect("count"), 0);
        }
        let blocks_read = store.take_bytes_read() / BLOCK_BYTES as u64;
        let probes = lookups * store.runs() as u64;
        assert!(
            blocks_read * 50 < probes,
            "{blocks_read} block reads for {probes} probes of absent keys"
        );
    }

    #[test]
    fn bloom_false_positives_stay_under_two_percent() {
        let keys = 100_000u64;
        let mut random = Random(4);
        // Random keys, as in use, and consecutive ones, which the remix must spread.
        let key_sets: [Vec<u64>; 2] = [
            (0..keys).map(|_| random.next()).collect(),
            (0..keys).collect(),
        ];
        for present in key_sets {
            let mut bloom = Bloom::with_blocks(Bloom::blocks_for(keys));
            present.iter().for_each(|&key| bloom.insert(key));
            assert!(
                present.iter().all(|&key| bloom.may_contain(key)),
                "no false negatives"
            );
            let absent = (0..keys).map(|i| keys + i * 7 + random.below(7));
            let false_positives = absent.filter(|&key| bloom.may_contain(key)).count();
            let rate = false_positives as f64 / keys as f64;
            assert!(rate < 0.02, "false-positive rate {rate}");
        }
    }

    /// Three flushes; returns the answers for some keys, to compare later.
    fn small_store(dir: &Path) -> (Vec<u64>, Vec<Vec<u32>>) {
        let mut store = RunStore::open(dir).expect("open");
        let mut random = Random(5);
        for flush in 0..3 {
            store
                .flush(random_batch(&mut random, 3000, 50), flush)
                .expect("flush");
        }
        let keys: Vec<u64> = (0..60).collect();
        let answers = keys.iter().map(|&key| sorted_values(&store, key)).collect();
        (keys, answers)
    }

    fn file_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read_dir")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn open_removes_crash_leftovers_and_a_reader_removes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (keys, answers) = small_store(dir.path());
        let clean = file_names(dir.path());
        let manifest = fs::read(dir.path().join(MANIFEST)).expect("manifest");
        fs::write(
            dir.path().join(MANIFEST_TMP),
            &manifest[..manifest.len() / 2],
        )
        .expect("write");
        fs::write(dir.path().join("run-77.bin.tmp"), b"half a rec").expect("write");
        // An orphan run, as left by a merge that crashed before its manifest.
        for extension in RUN_EXTENSIONS {
            fs::copy(
                dir.path().join(run_file_name(1, extension)),
                dir.path().join(run_file_name(99, extension)),
            )
            .expect("copy");
        }
        fs::write(dir.path().join("notes.txt"), b"not ours").expect("write");
        let littered = file_names(dir.path());

        let check = |store: &RunStore| {
            let found: Vec<Vec<u32>> = keys.iter().map(|&key| sorted_values(store, key)).collect();
            assert_eq!(found, answers);
        };
        check(&RunStore::open_to_read(dir.path()).expect("open_to_read"));
        assert_eq!(file_names(dir.path()), littered, "a reader deletes nothing");

        let mut store = RunStore::open(dir.path()).expect("open");
        check(&store);
        let mut expected = clean.clone();
        expected.push("notes.txt".into());
        expected.sort();
        assert_eq!(
            file_names(dir.path()),
            expected,
            "only our unnamed files are gone"
        );
        store.flush(vec![(1, 1)], 9).expect("flush after cleanup");
    }

    fn assert_invalid(result: io::Result<RunStore>, names: &str) {
        let error = result.expect_err("a corrupt store must not open");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}");
        assert!(
            error.to_string().contains(names),
            "{error} should name {names}"
        );
    }

    #[test]
    fn corrupt_files_give_errors_naming_them() {
        type Corruption = fn(&Path);
        let cases: [(Corruption, &str); 6] = [
            (|dir| truncate_by(&dir.join("run-1.bin"), 5), "run-1.bin"),
            (
                |dir| truncate_by(&dir.join("run-1.bin"), RECORD_BYTES as u64),
                "run-1.bin",
            ),
            (
                |dir| truncate_by(&dir.join("run-2.bloom"), 64),
                "run-2.bloom",
            ),
            (
                |dir| truncate_by(&dir.join("run-3.sparse"), 8),
                "run-3.sparse",
            ),
            (
                |dir| {
                    fs::write(dir.join(MANIFEST), "reprint runs 2\nwatermark 1\n").expect("write")
                },
                "MANIFEST",
            ),
            (|dir| truncate_by(&dir.join(MANIFEST), 6), "MANIFEST"),
        ];
        for (corrupt, names) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            small_store(dir.path());
            corrupt(dir.path());
            let files = file_names(dir.path());
            assert_invalid(RunStore::open_to_read(dir.path()), names);
            assert_invalid(RunStore::open(dir.path()), names);
            assert_eq!(
                file_names(dir.path()),
                files,
                "a failed open deletes nothing"
            );
        }

        let dir = tempfile::tempdir().expect("tempdir");
        small_store(dir.path());
        fs::remove_file(dir.path().join("run-2.bin")).expect("remove");
        for result in [
            RunStore::open(dir.path()),
            RunStore::open_to_read(dir.path()),
        ] {
            let error = result.expect_err("a missing run");
            assert_eq!(error.kind(), io::ErrorKind::NotFound);
            assert!(error.to_string().contains("run-2.bin"), "{error}");
        }
        fs::remove_file(dir.path().join(MANIFEST)).expect("remove");
        assert_invalid(RunStore::open(dir.path()), "MANIFEST");
    }

    fn truncate_by(path: &Path, bytes: u64) {
        let file = OpenOptions::new().write(true).open(path).expect("open");
        let len = file.metadata().expect("metadata").len();
        file.set_len(len - bytes).expect("set_len");
    }

    #[test]
    fn merging_a_corrupt_run_fails_without_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        // One run short of a merge.
        let full = FANOUT as u64 - 1;
        for flush in 0..full {
            store
                .flush((0..1000).map(|i| (i, 0)).collect(), flush)
                .expect("flush");
        }
        // Disorder inside run 2, past what open checks (its first key).
        let file = OpenOptions::new()
            .write(true)
            .open(dir.path().join("run-2.bin"))
            .expect("open");
        file.write_all_at(&u64::MAX.to_le_bytes(), 500 * RECORD_BYTES as u64)
            .expect("write");
        // The flush starts a merge; its error comes when it is waited for.
        store.flush(vec![(5, 5)], full).expect("flush");
        let error = store
            .wait_for_merges()
            .expect_err("the merge meets the disorder");
        assert!(
            error.to_string().contains("run-2.bin") && error.to_string().contains("order"),
            "{error}"
        );
        assert_eq!(
            (store.runs() as u64, store.watermark()),
            (full + 1, full),
            "a failed merge keeps its inputs"
        );
    }

    #[test]
    fn watermarks_persist_and_readers_cannot_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        assert_eq!(
            (store.watermark(), store.runs(), store.records()),
            (0, 0, 0)
        );
        store.flush(Vec::new(), 5).expect("empty flush");
        assert_eq!((store.watermark(), store.runs()), (5, 0));
        store.flush(vec![(3, 1), (3, 1)], 6).expect("flush");
        store.flush(Vec::new(), 9).expect("a new watermark alone");
        let error = RunStore::open(dir.path()).expect_err("one writer at a time");
        assert_eq!(error.kind(), io::ErrorKind::WouldBlock);

        let mut reader = RunStore::open_to_read(dir.path()).expect("open_to_read");
        assert_eq!(
            (reader.watermark(), reader.count(3).expect("count")),
            (9, 2)
        );
        assert_eq!(
            reader
                .flush(vec![(1, 1)], 10)
                .expect_err("read-only")
                .kind(),
            io::ErrorKind::PermissionDenied
        );
        drop(store);
        let store = RunStore::open(dir.path()).expect("reopen");
        assert_eq!((store.watermark(), store.records()), (9, 2));
        assert_eq!(
            store.disk_bytes(),
            2 * RECORD_BYTES as u64 + store.memory_bytes()
        );
    }

    #[test]
    fn lookups_from_many_threads_agree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        let mut random = Random(6);
        for flush in 0..5 {
            store
                .flush(random_batch(&mut random, 20_000, 2000), flush)
                .expect("flush");
        }
        let keys: Vec<u64> = (0..2000).chain((0..2000).map(|_| random.next())).collect();
        let expected: Vec<Vec<u32>> = keys.iter().map(|&key| sorted_values(&store, key)).collect();
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (store, keys, expected) = (&store, &keys, &expected);
                scope.spawn(move || {
                    for index in (0..keys.len()).rev().skip(thread) {
                        assert_eq!(sorted_values(store, keys[index]), expected[index]);
                        assert_eq!(
                            store.count(keys[index]).expect("count"),
                            expected[index].len() as u64
                        );
                    }
                });
            }
        });
    }

    #[test]
    fn a_reader_retries_when_its_manifest_names_a_deleted_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (keys, answers) = small_store(dir.path());
        let current = fs::read_to_string(dir.path().join(MANIFEST)).expect("manifest");
        // As if the writer had committed the current manifest and deleted
        // run 8 just after the reader read an older one naming it.
        let stale = current
            .replace("next-run 4", "next-run 9")
            .replace("end 3", "run 8 1 1 1\nend 4");
        fs::write(dir.path().join(MANIFEST), stale).expect("write");
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(20));
                fs::write(dir.path().join(MANIFEST_TMP), &current).expect("write");
                fs::rename(dir.path().join(MANIFEST_TMP), dir.path().join(MANIFEST))
                    .expect("rename");
            });
            let reader = RunStore::open_to_read(dir.path()).expect("opens on a retry");
            let found: Vec<Vec<u32>> = keys
                .iter()
                .map(|&key| sorted_values(&reader, key))
                .collect();
            assert_eq!(found, answers);
        });
    }

    #[test]
    fn readers_opening_beside_a_writer_see_whole_commits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = RunStore::open(dir.path()).expect("open");
        let batch = 500;
        let flushes = 40;
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut random = Random(7);
                for flush in 1..=flushes {
                    store
                        .flush(random_batch(&mut random, batch, 100), flush)
                        .expect("flush");
                }
                done.store(true, Ordering::Release);
            });
            let mut opens = 0;
            while !done.load(Ordering::Acquire) {
                let reader =
                    RunStore::open_to_read(dir.path()).expect("a reader opens despite merges");
                assert_eq!(
                    reader.records(),
                    reader.watermark() * batch,
                    "a snapshot of one commit"
                );
                opens += 1;
            }
            assert!(opens > 0);
        });
    }
}

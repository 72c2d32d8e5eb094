//! Records too many to hold at once: partitioned by the top bits of a
//! uniform 64-bit key, held in memory up to a budget and written to one
//! temporary file past it, then read back one partition at a time.
//!
//! Input: fixed-size [`Record`]s pushed in any order. Output: each partition's
//! records, partitions in key order. A caller that sorts each partition by key
//! sees every record sorted by key, while holding one partition (about
//! 1/[`PARTITIONS`] of the records) at a time: this is the sort-based index of
//! the overlap stage and the count of template fillings, in memory bounded by
//! the budget whatever the corpus size.
//!
//! Invariants:
//! - Every record pushed is read back exactly once, in its key's partition.
//! - The buffers hold at most the budget's worth of records; past it, every
//!   buffer is written to the file as one block per partition.
//! - The file is unnamed (`tempfile::tempfile`, in TMPDIR): it takes no name
//!   in any folder and goes away with the process, even a killed one.
//! - Reading back holds, beside a partition, at most 16 MB of read-ahead
//!   windows ([`ReadAhead`]), so small buffers cost few reads.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use crate::error::Error;

/// Partitions, by the top 10 bits of the key. At 12 bytes a record, a
/// partition of 10 million documents' fingerprints (about 4 billion records)
/// is 50 MB; of 100,000 documents', 0.5 MB.
pub const PARTITIONS: usize = 1 << PARTITION_BITS;
const PARTITION_BITS: u32 = 10;

/// A record of fixed size with the key that picks its partition.
pub trait Record: Copy + Send + Sync {
    /// Bytes of one encoded record.
    const BYTES: usize;
    /// The key: uniform over 64 bits, so that partitions are even.
    fn key(&self) -> u64;
    /// Appends the record's `BYTES` bytes to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// The record `encode` wrote into `bytes` (`BYTES` long).
    fn decode(bytes: &[u8]) -> Self;
}

/// A hash and a document: partitioned by the hash.
impl Record for (u64, u32) {
    const BYTES: usize = 12;

    fn key(&self) -> u64 {
        self.0
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
        out.extend_from_slice(&self.1.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        let (hash, doc) = bytes.split_at(8);
        (
            u64::from_le_bytes(hash.try_into().unwrap_or_default()),
            u32::from_le_bytes(doc.try_into().unwrap_or_default()),
        )
    }
}

/// A pair of documents packed as `a << 32 | b`: partitioned by a mix of its
/// bits (the packed value itself is far from uniform).
impl Record for u64 {
    const BYTES: usize = 8;

    fn key(&self) -> u64 {
        // The finalizer of SplitMix64: every input bit moves every output bit.
        let mut z = *self;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        u64::from_le_bytes(bytes.try_into().unwrap_or_default())
    }
}

/// Records partitioned by key, in memory up to a budget, then in a file.
#[derive(Debug)]
pub struct Partitioned<R: Record> {
    /// What the records are, for an error message.
    what: &'static str,
    buffers: Vec<Vec<R>>,
    held: usize,
    /// Records held at most before the buffers are written out.
    capacity: usize,
    /// Records a full buffer grows by (0: it doubles).
    growth: usize,
    /// The file this store writes to, once it spilled.
    file: Option<BufWriter<File>>,
    /// Files of stores absorbed into this one (see [`Partitioned::absorb`]).
    absorbed: Vec<File>,
    /// Per partition, the (file, byte offset, records) of its blocks: file 0
    /// is `file`, file `i + 1` is `absorbed[i]`.
    blocks: Vec<Vec<(usize, u64, usize)>>,
    /// Bytes written to `file`.
    offset: u64,
    /// Bytes written by this store and those it absorbed.
    written: u64,
}

impl<R: Record> Partitioned<R> {
    /// An empty set of partitions that holds at most `budget_bytes` of
    /// records in memory (at least one record); `what` names them in errors.
    pub fn new(what: &'static str, budget_bytes: usize) -> Self {
        let capacity = (budget_bytes / std::mem::size_of::<R>().max(1)).max(1);
        Partitioned {
            what,
            buffers: (0..PARTITIONS).map(|_| Vec::new()).collect(),
            held: 0,
            capacity,
            growth: if budget_bytes == usize::MAX {
                // Without a budget (in memory), buffers double as they need.
                0
            } else {
                (capacity / PARTITIONS / 4).max(16)
            },
            file: None,
            absorbed: Vec::new(),
            blocks: vec![Vec::new(); PARTITIONS],
            offset: 0,
            written: 0,
        }
    }

    /// Adds a record, writing every buffer out when the budget is reached.
    #[cfg(test)]
    pub fn push(&mut self, record: R) -> crate::Result<()> {
        self.extend(std::iter::once(record))
    }

    /// Adds records (one document's, say), writing every buffer out when the
    /// budget is reached after them: checking once per call, not per record.
    pub fn extend(&mut self, records: impl IntoIterator<Item = R>) -> crate::Result<()> {
        for record in records {
            self.buffer_for(record.key()).push(record);
            self.held += 1;
        }
        if self.held >= self.capacity {
            self.spill()?;
        }
        Ok(())
    }

    /// The buffer of `key`'s partition, with room for one more record: a
    /// full buffer grows by a quarter of its share of the budget, not by
    /// doubling, so buffers filled about evenly up to the budget take about
    /// the budget (doubling would take up to twice as much).
    fn buffer_for(&mut self, key: u64) -> &mut Vec<R> {
        let buffer = &mut self.buffers[partition_of(key)];
        if buffer.len() == buffer.capacity() {
            buffer.reserve_exact(self.growth);
        }
        buffer
    }

    /// Records pushed so far.
    #[cfg(test)]
    pub(crate) fn len(&self) -> u64 {
        let on_file: usize = self.blocks.iter().flatten().map(|&(_, _, n)| n).sum();
        (on_file + self.buffers.iter().map(Vec::len).sum::<usize>()) as u64
    }

    /// Bytes written to the temporary file so far.
    pub fn spilled_bytes(&self) -> u64 {
        self.written
    }

    /// Writes every non-empty buffer to the file as one block.
    fn spill(&mut self) -> crate::Result<()> {
        let what = self.what;
        let error = |source| Error::TempFile { what, source };
        if self.file.is_none() {
            let file = tempfile::tempfile().map_err(error)?;
            self.file = Some(BufWriter::with_capacity(1 << 20, file));
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        for (partition, buffer) in self.buffers.iter_mut().enumerate() {
            if buffer.is_empty() {
                continue;
            }
            bytes.clear();
            bytes.reserve(buffer.len() * R::BYTES);
            for record in buffer.iter() {
                record.encode(&mut bytes);
            }
            file.write_all(&bytes).map_err(error)?;
            self.blocks[partition].push((0, self.offset, buffer.len()));
            self.offset += bytes.len() as u64;
            self.written += bytes.len() as u64;
            buffer.clear();
        }
        self.held = 0;
        Ok(())
    }

    /// Takes in every record of `other` (pushed with its own budget): its
    /// file is read with this one's; its buffers join this store's, or, when
    /// either store has spilled already, go to its file first (joined, they
    /// would hold two budgets).
    pub fn absorb(&mut self, mut other: Partitioned<R>) -> crate::Result<()> {
        if self.written > 0 || other.written > 0 {
            other.spill()?;
        }
        let first_file = 1 + self.absorbed.len();
        let mut files = Vec::new();
        if let Some(writer) = other.file.take() {
            files.push(finish(writer, other.what)?);
        }
        let other_files = files.len();
        files.append(&mut other.absorbed);
        for (mine, theirs) in self.blocks.iter_mut().zip(other.blocks) {
            // `other`'s file 0 is its own writer's (absent if it never spilled),
            // its file i + 1 its i-th absorbed one.
            mine.extend(theirs.into_iter().map(|(file, offset, n)| {
                let index = if other_files == 1 { file } else { file - 1 };
                (first_file + index, offset, n)
            }));
        }
        self.absorbed.extend(files);
        for (mine, theirs) in self.buffers.iter_mut().zip(other.buffers) {
            mine.extend(theirs);
        }
        self.held += other.held;
        self.written += other.written;
        Ok(())
    }

    /// Maps every partition's records with `map` on the rayon pool, a batch
    /// of partitions of about `batch_bytes` at a time, and hands the results
    /// to `consume` in key order.
    pub fn map_partitions<T: Send>(
        self,
        batch_bytes: usize,
        map: impl Fn(Vec<R>) -> T + Sync,
        mut consume: impl FnMut(T) -> crate::Result<()>,
    ) -> crate::Result<()> {
        use rayon::prelude::*;
        let batch_records = (batch_bytes / std::mem::size_of::<R>().max(1)).max(1);
        let mut batch: Vec<Vec<R>> = Vec::new();
        let mut held = 0;
        let mut flush = |batch: &mut Vec<Vec<R>>| -> crate::Result<()> {
            let mapped: Vec<T> = std::mem::take(batch).into_par_iter().map(&map).collect();
            mapped.into_iter().try_for_each(&mut consume)
        };
        self.for_each_partition(|records| {
            held += records.len();
            batch.push(records);
            if held >= batch_records {
                held = 0;
                flush(&mut batch)?;
            }
            Ok(())
        })?;
        flush(&mut batch)
    }

    /// Calls `each` with every partition's records (in no particular order
    /// within a partition), partitions in key order, one at a time.
    pub fn for_each_partition(
        mut self,
        mut each: impl FnMut(Vec<R>) -> crate::Result<()>,
    ) -> crate::Result<()> {
        let what = self.what;
        let error = |source| Error::TempFile { what, source };
        let own = match self.file.take() {
            Some(writer) => Some(finish(writer, what)?),
            None => None,
        };
        let mut files: Vec<Option<File>> = std::iter::once(own)
            .chain(self.absorbed.into_iter().map(Some))
            .collect();
        let mut windows = ReadAhead::default();
        for (buffer, blocks) in self.buffers.into_iter().zip(self.blocks) {
            if blocks.is_empty() {
                each(buffer)?;
                continue;
            }
            let on_file: usize = blocks.iter().map(|&(_, _, n)| n).sum();
            let mut records = Vec::with_capacity(on_file + buffer.len());
            for (file, offset, n) in blocks {
                let Some(Some(handle)) = files.get_mut(file) else {
                    // Blocks are only recorded for files that were written.
                    return Err(error(std::io::Error::other("a block's file is missing")));
                };
                let bytes = windows
                    .read(file, handle, offset, n * R::BYTES)
                    .map_err(error)?;
                records.extend(bytes.chunks_exact(R::BYTES).map(R::decode));
            }
            records.extend(buffer);
            each(records)?;
        }
        Ok(())
    }
}

/// Bytes read at once from a spill file, at least.
const READ_AHEAD: usize = 64 << 10;

/// Windows most kept by [`ReadAhead`] (16 MB): more than the spills a store
/// makes of a few million documents (each spill writes one block per
/// partition, and each needs a window of its own).
const READ_AHEAD_WINDOWS: usize = 256;

/// Reads blocks through read-ahead windows. Partitions are read in order and
/// each spill wrote its blocks in partition order, so the next block of a
/// spill starts where its last one ended: one read fills a window that
/// serves that spill's blocks of many partitions, instead of a read a block.
#[derive(Default)]
struct ReadAhead {
    /// (file, first byte offset, bytes, last use).
    windows: Vec<(usize, u64, Vec<u8>, u64)>,
    clock: u64,
}

impl ReadAhead {
    /// The `len` bytes at `offset` of `file`, the `index`-th.
    fn read(
        &mut self,
        index: usize,
        file: &mut File,
        offset: u64,
        len: usize,
    ) -> std::io::Result<&[u8]> {
        self.clock += 1;
        let covers = |w: &(usize, u64, Vec<u8>, u64)| {
            w.0 == index && w.1 <= offset && offset + len as u64 <= w.1 + w.2.len() as u64
        };
        let slot = match self.windows.iter().position(covers) {
            Some(slot) => slot,
            None => {
                let mut bytes = vec![0; len.max(READ_AHEAD)];
                file.seek(SeekFrom::Start(offset))?;
                let mut filled = 0;
                while filled < bytes.len() {
                    match file.read(&mut bytes[filled..])? {
                        0 => break,
                        n => filled += n,
                    }
                }
                if filled < len {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                bytes.truncate(filled);
                let window = (index, offset, bytes, self.clock);
                if self.windows.len() < READ_AHEAD_WINDOWS {
                    self.windows.push(window);
                    self.windows.len() - 1
                } else {
                    let oldest = (0..self.windows.len())
                        .min_by_key(|&i| self.windows[i].3)
                        .unwrap_or(0);
                    self.windows[oldest] = window;
                    oldest
                }
            }
        };
        let window = &mut self.windows[slot];
        window.3 = self.clock;
        let start = (offset - window.1) as usize;
        Ok(&window.2[start..start + len])
    }
}

/// The file a writer wrote, its buffer flushed.
fn finish(writer: BufWriter<File>, what: &'static str) -> crate::Result<File> {
    writer.into_inner().map_err(|e| Error::TempFile {
        what,
        source: e.into_error(),
    })
}

/// The partition of a key: its top bits.
fn partition_of(key: u64) -> usize {
    (key >> (64 - PARTITION_BITS)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::SplitMix64;

    fn read_back<R: Record + Ord>(store: Partitioned<R>) -> Vec<R> {
        let mut all = Vec::new();
        let mut last_partition = None;
        store
            .for_each_partition(|mut records| {
                records.sort_unstable();
                if let Some(first) = records.first() {
                    let partition = partition_of(first.key());
                    assert!(records.iter().all(|r| partition_of(r.key()) == partition));
                    assert!(last_partition < Some(partition), "partitions in key order");
                    last_partition = Some(partition);
                }
                all.extend(records);
                Ok(())
            })
            .unwrap();
        all
    }

    #[test]
    fn every_record_comes_back_once_whether_spilled_or_not() {
        let mut rng = SplitMix64::new(7);
        let records: Vec<(u64, u32)> = (0..50_000)
            .map(|i| (rng.next_u64(), i as u32 % 977))
            .collect();
        let mut expected = records.clone();
        expected.sort_unstable();
        // Sorted by key within partitions, and partitions in key order: the
        // whole read-back is sorted.
        for budget in [usize::MAX, 1 << 16, 100, 0] {
            let mut store = Partitioned::new("test records", budget);
            for &r in &records {
                store.push(r).unwrap();
            }
            assert_eq!(store.len(), records.len() as u64);
            let spilled = store.spilled_bytes() > 0;
            assert_eq!(spilled, budget != usize::MAX, "budget {budget}");
            assert_eq!(read_back(store), expected, "budget {budget}");
        }
    }

    #[test]
    fn absorbed_stores_read_back_with_their_files() {
        let mut rng = SplitMix64::new(8);
        let records: Vec<(u64, u32)> = (0..20_000).map(|i| (rng.next_u64(), i)).collect();
        let mut expected = records.clone();
        expected.sort_unstable();
        // Four stores, two of them spilled, one of those having absorbed
        // another spilled one: every file and buffer is read.
        let mut stores: Vec<Partitioned<(u64, u32)>> = [usize::MAX, 1000, 10, usize::MAX]
            .into_iter()
            .map(|budget| Partitioned::new("test records", budget))
            .collect();
        for (i, &r) in records.iter().enumerate() {
            stores[i % 4].push(r).unwrap();
        }
        let mut last = stores.pop().unwrap();
        let spilled = stores.pop().unwrap();
        stores[1].absorb(spilled).unwrap();
        for store in stores {
            last.absorb(store).unwrap();
        }
        assert_eq!(last.len(), records.len() as u64);
        assert!(last.spilled_bytes() > 0);
        assert_eq!(read_back(last), expected);
    }

    #[test]
    fn packed_pairs_spread_over_partitions() {
        // Pairs of small document numbers share their top bits: the key mixes them.
        let mut store = Partitioned::new("pairs", usize::MAX);
        for a in 0..100u64 {
            for b in a + 1..100 {
                store.push(a << 32 | b).unwrap();
            }
        }
        let mut used = 0;
        store
            .for_each_partition(|records| {
                used += usize::from(!records.is_empty());
                Ok(())
            })
            .unwrap();
        assert!(used > PARTITIONS / 2, "{used} partitions used");
    }
}

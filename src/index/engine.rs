//! The check engine's state: every article's facts ([`Catalog`]), the
//! postings of their sketches ([`AllPostings`]) and the document
//! frequencies of content terms ([`Frequencies`]), kept in step with the
//! database as articles are added and removed.
//!
//! Input: the database's records and facts rows (at open), and each add and
//! removal. Output: the state [`super::probe`] reads. The records are the
//! truth; everything here is derived from them: the facts rows commit with
//! their records, the postings and the base of the document frequencies are
//! files written every [`FLUSH_DOCUMENTS`] articles up to a watermark, and
//! the articles past it are sketched again at open. A removal bumps the
//! database's generation; the frequencies file names the generation it
//! holds, and a file of another generation (a process killed between the
//! two writes) is rebuilt from the records.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nohash_hasher::IntMap;
use rayon::prelude::*;

use super::catalog::{time_fields, Catalog, Facts, Frequencies};
use super::postings::{postings_dir, AllPostings, SortedEntries};
use crate::config::Config;
use crate::error::Error;
use crate::input::{document_from_record, Document};
use crate::pipeline::{ArticleSketch, ArticleSketcher};

/// The file of document frequencies inside the postings folder.
const FREQUENCIES_FILE: &str = "document-frequencies.bin";
/// Its first line.
const FREQUENCIES_FORMAT: &[u8; 16] = b"reprint dfs 1\n\0\0";

/// Everything a fast check reads, in memory and in the postings files.
pub(super) struct Engine {
    /// Shared, so an add sketches its next batch while it writes one.
    pub sketcher: Arc<ArticleSketcher>,
    pub catalog: Catalog,
    pub postings: AllPostings,
    pub frequencies: Frequencies,
    /// Articles below this number are counted in `frequencies.base`.
    frequencies_watermark: u64,
    /// The removal generation the state reflects.
    generation: u64,
    dir: PathBuf,
    /// Whether this process writes the index (and its files).
    write: bool,
}

/// The engine's files, opened before the database snapshot its state is
/// loaded from: a writer beside a reader commits records before it writes
/// files, so the snapshot holds every article the files do.
pub(super) struct Files {
    dir: PathBuf,
    write: bool,
    /// None for a reader of an index without postings yet.
    postings: Option<AllPostings>,
    frequencies: Option<StoredFrequencies>,
}

impl Files {
    /// Opens the files of the index in `dir` (creating them, to write).
    ///
    /// # Errors
    /// Files that cannot be read or created.
    pub fn open(dir: &Path, write: bool) -> crate::Result<Files> {
        let postings_dir = postings_dir(dir);
        let io_error = |source| Error::Io {
            path: postings_dir.clone(),
            source,
        };
        let frequencies =
            read_frequencies(&postings_dir.join(FREQUENCIES_FILE)).map_err(io_error)?;
        if write {
            std::fs::create_dir_all(&postings_dir).map_err(io_error)?;
        }
        let postings = match write || postings_dir.exists() {
            true => Some(AllPostings::open(&postings_dir, write).map_err(io_error)?),
            false => None,
        };
        Ok(Files {
            dir: dir.to_path_buf(),
            write,
            postings,
            frequencies,
        })
    }
}

/// A stored record with its sequence number.
pub(super) type Numbered = (u32, Vec<u8>);

/// An article of the index read back: its document (text held) and sketch.
pub(super) struct Resketched {
    pub doc: Document,
    pub sketch: Option<ArticleSketch>,
}

impl Engine {
    /// Loads the state of the index from its `files`: `facts` are the stored rows
    /// (in sequence order), `next_seq` the number the next article gets and
    /// `generation` the database's removal generation. The articles from
    /// [`Engine::entered_below`] on are then to be given to
    /// [`Engine::enter_records`]. Returns `None` for a reader whose files
    /// are of another generation (a writer is removing articles: the caller
    /// checks by scanning).
    ///
    /// # Errors
    /// Files that cannot be read or written, a row that cannot be read.
    pub fn load(
        files: Files,
        config: &Config,
        facts: impl Iterator<Item = crate::Result<(u32, Facts)>>,
        next_seq: u32,
        generation: u64,
    ) -> crate::Result<Option<Engine>> {
        let Files {
            dir,
            write,
            mut postings,
            mut frequencies,
        } = files;
        let postings_dir = postings_dir(&dir);
        let io_error = |source| Error::Io {
            path: postings_dir.clone(),
            source,
        };
        let stale = match &frequencies {
            Some(f) => f.generation != generation,
            None => generation > 0,
        };
        if stale {
            if !write {
                return Ok(None);
            }
            // Killed between a removal's commit and its files: start again
            // from the records.
            drop(postings.take());
            std::fs::remove_dir_all(&postings_dir).map_err(io_error)?;
            std::fs::create_dir_all(&postings_dir).map_err(io_error)?;
            postings = Some(AllPostings::open(&postings_dir, write).map_err(io_error)?);
            frequencies = None;
        }
        let Some(mut postings) = postings else {
            return Ok(None);
        };
        let (base, frequencies_watermark) = match frequencies {
            Some(f) => (f.counts, f.watermark),
            None => (IntMap::default(), 0),
        };
        let mut catalog = Catalog::new(time_fields(config));
        for row in facts {
            let (seq, facts) = row?;
            catalog.insert(seq, &facts);
        }
        catalog.pad_to(next_seq);
        if write {
            postings.drop_on_merge(Arc::new(catalog.removed()));
        }
        Ok(Some(Engine {
            sketcher: Arc::new(ArticleSketcher::new(config)?),
            catalog,
            postings,
            frequencies: Frequencies {
                base,
                tail: IntMap::default(),
            },
            frequencies_watermark,
            generation,
            dir,
            write,
        }))
    }

    /// The articles below this number are entered in every part; the rest
    /// are to be entered again ([`Engine::enter_records`]).
    pub fn entered_below(&self) -> u32 {
        let from = self.postings.watermark().min(self.frequencies_watermark);
        u32::try_from(from).unwrap_or(u32::MAX)
    }

    /// Sketches stored records (in sequence order, from
    /// [`Engine::entered_below`] on) again and enters them where they are
    /// not yet; a writer writes full tails out.
    ///
    /// # Errors
    /// A record that cannot be read, files that cannot be written.
    pub fn enter_records(&mut self, records: &[Numbered], config: &Config) -> crate::Result<()> {
        let sketched = self.resketch(records, config)?;
        let mut entered = Vec::with_capacity(sketched.len());
        for (seq, again) in &sketched {
            let Some(sketch) = &again.sketch else {
                continue;
            };
            if !self.catalog.is_document(*seq) {
                continue;
            }
            if u64::from(*seq) >= self.frequencies_watermark {
                self.frequencies.add(&sketch.content_terms);
            }
            if self.catalog.counts_in_postings(*seq) {
                entered.push((*seq, sketch));
            }
        }
        self.postings.add(&entered);
        if self.postings.is_full() {
            if let Some((last, _)) = records.last() {
                self.flush_below(last + 1)?;
            }
        }
        Ok(())
    }

    /// Sets the articles the tails take before they are written out.
    pub fn set_flush_every(&mut self, articles: usize) {
        self.postings.flush_every = articles.max(1);
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sketches stored records again, in parallel.
    ///
    /// # Errors
    /// A record that no longer parses (the database was changed by hand).
    pub fn resketch(
        &self,
        records: &[Numbered],
        config: &Config,
    ) -> crate::Result<Vec<(u32, Resketched)>> {
        let origin = self.dir.display().to_string();
        records
            .par_iter()
            .map(|(seq, record)| {
                let doc = document_from_record(record, &config.input, &origin).map_err(|why| {
                    Error::NotAnIndex {
                        dir: self.dir.clone(),
                        why: format!("its article number {seq} cannot be read: {why}"),
                    }
                })?;
                let sketch = self.sketcher.sketch(doc.held_text().unwrap_or_default());
                Ok((*seq, Resketched { doc, sketch }))
            })
            .collect()
    }

    /// Takes in articles just committed (in sequence order, numbered on
    /// from the first), with their postings sorted under numbers from 0 in
    /// the same order, writing the tails out when they are full.
    ///
    /// # Errors
    /// Postings or frequencies that cannot be written.
    pub fn added(
        &mut self,
        articles: &[(u32, Facts, Option<ArticleSketch>)],
        sorted: SortedEntries,
    ) -> crate::Result<()> {
        let Some(&(first, ..)) = articles.first() else {
            return Ok(());
        };
        let mut entered = vec![false; articles.len()];
        for ((seq, facts, sketch), entered) in articles.iter().zip(&mut entered) {
            let copy = self.catalog.insert(*seq, facts);
            if let Some(sketch) = sketch {
                self.frequencies.add(&sketch.content_terms);
                *entered = !copy;
            }
        }
        self.postings
            .add_sorted(sorted, first, |n| entered[n as usize]);
        if self.postings.is_full() {
            self.flush_below(self.catalog.next_seq())?;
        }
        Ok(())
    }

    /// Writes the tails out and merges each kind of postings into one run
    /// without the entries of removed articles (a writer's).
    ///
    /// # Errors
    /// Files that cannot be read or written.
    pub fn compact(&mut self) -> crate::Result<()> {
        self.flush_below(self.catalog.next_seq())?;
        self.postings.compact().map_err(|source| Error::Io {
            path: postings_dir(&self.dir),
            source,
        })
    }

    /// Writes the tails out: postings runs, then the frequencies file, which
    /// then hold every article below `watermark`.
    ///
    /// # Errors
    /// Files that cannot be written.
    fn flush_below(&mut self, watermark: u32) -> crate::Result<()> {
        let watermark = u64::from(watermark);
        let dir = postings_dir(&self.dir);
        let io_error = |source| Error::Io {
            path: dir.clone(),
            source,
        };
        self.postings.flush(watermark).map_err(io_error)?;
        self.frequencies.absorb_tail();
        self.frequencies_watermark = watermark;
        self.write_frequencies()
    }

    /// Takes out articles just removed (their records, read before the
    /// removal's commit, and the new generation), entering the copies that
    /// now stand first into the postings.
    ///
    /// # Errors
    /// Records that cannot be read, files that cannot be written.
    pub fn removed(
        &mut self,
        records: &[Numbered],
        generation: u64,
        config: &Config,
        read_records: impl FnOnce(&[u32]) -> crate::Result<Vec<Numbered>>,
    ) -> crate::Result<()> {
        let mut promoted = Vec::new();
        for (seq, again) in self.resketch(records, config)? {
            let was_document = self.catalog.is_document(seq);
            if let Some(next) = self.catalog.remove(seq) {
                promoted.push(next);
            }
            if let (true, Some(sketch)) = (was_document, &again.sketch) {
                let in_tail = u64::from(seq) >= self.frequencies_watermark;
                self.frequencies.remove(&sketch.content_terms, in_tail);
            }
        }
        promoted.sort_unstable();
        promoted.retain(|&s| self.catalog.counts_in_postings(s));
        self.postings
            .drop_on_merge(Arc::new(self.catalog.removed()));
        let records = read_records(&promoted)?;
        let sketched = self.resketch(&records, config)?;
        let sketches: Vec<(u32, ArticleSketch)> = sketched
            .into_iter()
            .filter_map(|(seq, again)| again.sketch.map(|s| (seq, s)))
            .collect();
        let dir = postings_dir(&self.dir);
        self.postings
            .promote(&sketches)
            .map_err(|source| Error::Io { path: dir, source })?;
        self.generation = generation;
        self.write_frequencies()
    }

    /// Writes the base of the frequencies with its watermark and generation.
    fn write_frequencies(&self) -> crate::Result<()> {
        let path = postings_dir(&self.dir).join(FREQUENCIES_FILE);
        write_frequencies(
            &path,
            self.frequencies_watermark,
            self.generation,
            &self.frequencies.base,
        )
        .map_err(|source| Error::Io { path, source })
    }
}

impl Drop for Engine {
    /// A writer closing writes its tails out, so the next open reads the
    /// files rather than sketching those articles again. An error here loses
    /// nothing: the articles are in the database and are sketched again.
    fn drop(&mut self) {
        if self.write && self.postings.tail_articles > 0 {
            let _ = self.flush_below(self.catalog.next_seq());
        }
    }
}

/// A frequencies file read back.
struct StoredFrequencies {
    watermark: u64,
    generation: u64,
    counts: IntMap<u64, u32>,
}

/// Reads the frequencies file, if there is one.
fn read_frequencies(path: &Path) -> io::Result<Option<StoredFrequencies>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let invalid = |why: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {why}", path.display()),
        )
    };
    let length = file.metadata()?.len();
    let mut input = BufReader::new(file);
    let mut header = [0u8; 40];
    input
        .read_exact(&mut header)
        .map_err(|_| invalid("shorter than its header"))?;
    if &header[..16] != FREQUENCIES_FORMAT {
        return Err(invalid("not a reprint frequencies file"));
    }
    let word = |i: usize| u64::from_le_bytes(header[i..i + 8].try_into().expect("8 bytes"));
    let (watermark, generation, count) = (word(16), word(24), word(32));
    if length != 40 + count.saturating_mul(12) {
        return Err(invalid("its length does not match its count"));
    }
    let mut counts = IntMap::default();
    counts.reserve(count as usize);
    let mut entry = [0u8; 12];
    for _ in 0..count {
        input.read_exact(&mut entry)?;
        let term = u64::from_le_bytes(entry[..8].try_into().expect("8 bytes"));
        let n = u32::from_le_bytes(entry[8..].try_into().expect("4 bytes"));
        counts.insert(term, n);
    }
    Ok(Some(StoredFrequencies {
        watermark,
        generation,
        counts,
    }))
}

/// Writes the frequencies file whole or not at all (a temporary file
/// renamed over it).
fn write_frequencies(
    path: &Path,
    watermark: u64,
    generation: u64,
    counts: &IntMap<u64, u32>,
) -> io::Result<()> {
    let temp = path.with_extension("tmp");
    {
        let file = std::fs::File::create(&temp)?;
        let mut out = BufWriter::new(&file);
        out.write_all(FREQUENCIES_FORMAT)?;
        for word in [watermark, generation, counts.len() as u64] {
            out.write_all(&word.to_le_bytes())?;
        }
        let mut sorted: Vec<(u64, u32)> = counts.iter().map(|(&t, &n)| (t, n)).collect();
        sorted.sort_unstable();
        for (term, n) in sorted {
            out.write_all(&term.to_le_bytes())?;
            out.write_all(&n.to_le_bytes())?;
        }
        out.flush()?;
        drop(out);
        file.sync_all()?;
    }
    std::fs::rename(&temp, path)?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FREQUENCIES_FILE);
        assert!(read_frequencies(&path).unwrap().is_none());
        let counts: IntMap<u64, u32> = [(5, 2), (u64::MAX, 9), (0, 1)].into_iter().collect();
        write_frequencies(&path, 77, 3, &counts).unwrap();
        let back = read_frequencies(&path).unwrap().unwrap();
        assert_eq!((back.watermark, back.generation), (77, 3));
        assert_eq!(back.counts, counts);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let error = read_frequencies(&path).err().unwrap();
        assert!(error.to_string().contains("does not match"), "{error}");
    }
}

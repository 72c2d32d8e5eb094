//! Reading and sketching: the one pass over every text.
//!
//! Input: the entry stream. Output: [`Sketched`], the documents (their texts let
//! go where they can be read again) with the band keys (in a partitioned
//! store) and copy key of their signatures, what the overlap stage needs
//! (fingerprints and templates in partitioned stores, word counts), and what
//! the story stage needs (distinctive terms, and document frequencies counted
//! on each thread).
//!
//! Reading stays on the calling thread (the input may not be `Send`) and the
//! pool sketches chunk by chunk; chunks merge in input order, so the result is
//! the same at any thread count.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use rayon::prelude::*;

use super::ordered::map_chunks_in_order;
use crate::boilerplate::{skeleton_into, BoilerplateMarker};
use crate::config::ShingleUnit;
use crate::copies::copy_key;
use crate::error::Error;
use crate::fingerprint;
use crate::input::{Document, Entry, Skipped};
use crate::lsh::{band_keys, LshParams};
use crate::overlap::OverlapIndex;
use crate::progress::{Progress, Stage};
use crate::report::Timings;
use crate::shingle::{Scratch, Shingler};
use crate::sketch::MinHasher;
use crate::spill::Partitioned;
use crate::story::dateline::lead_day;
use crate::story::weights::{
    distinctive_terms, take_document_frequencies, with_word_rarities, TermTally,
};
use crate::story::Background;
use nohash_hasher::IntMap;

/// Documents read per parallel sketching chunk: large enough to keep every core
/// busy, small enough that texts waiting to be sketched stay a few MB.
const CHUNK_DOCS: usize = 1024;

/// The documents that survived reading, with what the later stages need of
/// each.
pub(super) struct Sketched {
    pub documents: Vec<Document>,
    /// Each document's LSH band keys, under its entry number (see
    /// `entry_docs`): what LSH needs of its signature (the pair stage
    /// sketches the texts it reads again for their estimates).
    pub band_keys: Partitioned<(u64, u32)>,
    /// Each document's [`copy_key`]: equal keys, equal signatures.
    pub copy_keys: Vec<u128>,
    /// Every document's winnowed fingerprints, indexed as they come under
    /// the document's entry number (see `entry_docs`; none when the overlap
    /// stage is off).
    pub fingerprints: Option<OverlapIndex>,
    /// Template fingerprints of each document's skeleton with their fillings,
    /// and its entry number (none when the overlap stage is off).
    pub templates: Option<Partitioned<(u64, u32)>>,
    /// Per entry read, in input order, the number of the document it became,
    /// or [`NOT_A_DOCUMENT`]: the sketching workers number band keys and
    /// fingerprints by entry, as a document's number is known only once every
    /// entry before it is read.
    pub entry_docs: Vec<u32>,
    /// Words per document (for character shingles with the overlap and story
    /// stages off, its shingles: only the pair stage's batches count them
    /// then).
    pub words: Vec<u32>,
    /// Distinctive terms per document (each empty when the story stage is off).
    pub distinctive: Vec<Box<[u64]>>,
    /// The day of the year each document's dateline gives (all none when the
    /// overlap stage is off).
    pub lead_days: Vec<Option<u16>>,
    /// Documents holding each content term (empty when the story stage is off).
    pub document_frequencies: IntMap<u64, u32>,
    pub skipped: Vec<Skipped>,
    pub read_count: usize,
    pub phrase_occurrences: usize,
}

/// What the per-document sketching pass computes with.
pub(super) struct Sketcher<'s> {
    pub shingler: &'s Shingler,
    pub hasher: &'s MinHasher,
    /// The banding whose keys each signature is reduced to.
    pub lsh: LshParams,
    pub marker: &'s BoilerplateMarker,
    pub overlap: bool,
    /// Bytes of band keys, of fingerprints and a quarter as many of
    /// templates held in memory before they go to a temporary file, shared
    /// by the workers.
    pub spill_budget: usize,
    /// The background model, when the story stage runs.
    pub background: Option<&'s Background>,
}

/// `Sketched::entry_docs` of an entry that is not a document.
pub(super) const NOT_A_DOCUMENT: u32 = u32::MAX;

/// The band key, fingerprint and template stores the sketching workers add
/// to: one set per worker at a time, taken from `idle` and put back when the
/// worker's part of a chunk is done, all absorbed into one at the end.
/// Entries are sorted later, so which worker held which makes no difference
/// to the result.
struct WorkerStores {
    idle: Mutex<Vec<Stores>>,
    /// Bytes each store holds before it spills.
    budget: usize,
    /// Whether the overlap stage runs (and needs fingerprints and templates).
    overlap: bool,
}

struct Stores {
    bands: Partitioned<(u64, u32)>,
    /// Fingerprints and templates, when the overlap stage runs.
    overlap: Option<(OverlapIndex, Partitioned<(u64, u32)>)>,
}

impl WorkerStores {
    // A lock is held only to push or pop, which cannot panic; were it
    // poisoned anyway, the stores in it are still whole and are kept.
    fn take(&self) -> Stores {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        // Templates are sampled, one skeleton k-gram in four of a text that
        // has slots: a quarter of the budget holds them.
        idle.unwrap_or_else(|| Stores {
            bands: Partitioned::new("band keys", self.budget),
            overlap: self.overlap.then(|| {
                (
                    OverlapIndex::new(self.budget),
                    Partitioned::new("templates", self.budget / 4),
                )
            }),
        })
    }

    fn put_back(&self, stores: Stores) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        idle.push(stores);
    }

    /// Every store absorbed into one.
    fn into_one(self) -> crate::Result<Option<Stores>> {
        let mut all = self
            .idle
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_iter();
        let Some(mut one) = all.next() else {
            return Ok(None);
        };
        for other in all {
            one.bands.absorb(other.bands)?;
            if let (Some(mine), Some(theirs)) = (one.overlap.as_mut(), other.overlap) {
                mine.0.absorb(theirs.0)?;
                mine.1.absorb(theirs.1)?;
            }
        }
        Ok(Some(one))
    }
}

/// A worker's store while it sketches, put back when the worker is done.
struct StoreGuard<'w> {
    stores: Option<Stores>,
    owner: &'w WorkerStores,
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        if let Some(stores) = self.stores.take() {
            self.owner.put_back(stores);
        }
    }
}

/// Buffers of one sketching worker.
#[derive(Default)]
pub(super) struct SketchScratch {
    shingles: Scratch,
    winnowing: fingerprint::Scratch,
    fingerprints: Vec<fingerprint::Fingerprint>,
    skeleton: Vec<u64>,
    found: Vec<u32>,
    /// The content terms of the text sketched last (story stage only).
    pub terms: TermTally,
}

/// What sketching one document gives the later stages.
pub(super) struct DocumentSketch {
    /// The signature's band keys and copy key.
    pub band_keys: Vec<u64>,
    pub copy_key: u128,
    /// Fingerprint hashes (none when the overlap stage is off).
    pub fingerprints: Vec<u64>,
    /// Template fingerprints and fillings (none when the overlap stage is off).
    pub templates: Vec<u64>,
    /// Words (see `Sketched::words`).
    pub words: u32,
    /// Occurrences of ignored phrases.
    pub phrases: usize,
    /// Distinctive terms (none when the story stage is off).
    pub distinctive: Box<[u64]>,
    /// The day of the year its dateline gives (none when the overlap stage
    /// is off).
    pub lead_day: Option<u16>,
}

/// A document's sketch, or `None` for a document without words.
type SketchOutput = Option<DocumentSketch>;

impl Sketcher<'_> {
    pub(super) fn sketch(&self, text: &str, scratch: &mut SketchScratch) -> SketchOutput {
        let mut builder = self.hasher.builder();
        self.shingler
            .for_each_shingle(text, &mut scratch.shingles, |h| builder.add(h));
        let shingles = builder.shingles();
        if shingles == 0 {
            return None;
        }
        let signature = builder.finish();
        let mut sketch = DocumentSketch {
            band_keys: band_keys(&signature, self.lsh).collect(),
            copy_key: copy_key(&signature),
            fingerprints: Vec::new(),
            templates: Vec::new(),
            words: 0,
            phrases: 0,
            distinctive: Box::default(),
            lead_day: None,
        };
        let by_words = self.shingler.config().unit == ShingleUnit::Words;
        if !by_words && (self.overlap || self.background.is_some()) {
            self.shingler.word_hashes_into(text, &mut scratch.shingles);
        }
        let words_known = by_words || self.overlap || self.background.is_some();
        let words = if words_known {
            scratch.shingles.words().len()
        } else {
            shingles
        };
        sketch.words = u32::try_from(words).unwrap_or(u32::MAX);
        if let Some(background) = self.background {
            with_word_rarities(self.shingler, background, |cache| {
                let (found, tally) = (&mut scratch.found, &mut scratch.terms);
                cache.tally(
                    text,
                    &scratch.shingles,
                    self.shingler,
                    background,
                    found,
                    tally,
                )
            });
            sketch.distinctive = distinctive_terms(&scratch.terms);
        }
        if self.overlap {
            sketch.lead_day = lead_day(text);
            let words = scratch.shingles.words();
            sketch.phrases = self.marker.index_hashes(
                words,
                &mut scratch.winnowing,
                &mut scratch.fingerprints,
                &mut sketch.fingerprints,
            );
            let spans = scratch.shingles.spans();
            skeleton_into(
                text,
                words.iter().copied().zip(spans.iter().copied()),
                &mut scratch.skeleton,
            );
            self.marker
                .template_hashes(words, &scratch.skeleton, &mut sketch.templates);
        }
        Some(sketch)
    }
}

/// Reads entries in chunks and sketches each chunk in parallel, in input order.
///
/// Reading stays on the calling thread (the input may not be `Send`) and runs
/// ahead of sketching by at most [`CHUNKS_IN_FLIGHT`] chunks: while the pool
/// sketches one chunk, the next is read.
pub(super) fn read_and_sketch(
    mut entries: impl Iterator<Item = crate::Result<Entry>>,
    pool: &rayon::ThreadPool,
    sketcher: &Sketcher,
    timings: &mut Timings,
    progress: &dyn Progress,
) -> crate::Result<Sketched> {
    progress.start(Stage::Read, None);
    let mut out = Sketched {
        documents: Vec::new(),
        // Empty until the workers' stores are joined (below).
        band_keys: Partitioned::new("band keys", 0),
        copy_keys: Vec::new(),
        fingerprints: None,
        templates: None,
        entry_docs: Vec::new(),
        words: Vec::new(),
        distinctive: Vec::new(),
        lead_days: Vec::new(),
        document_frequencies: IntMap::default(),
        skipped: Vec::new(),
        read_count: 0,
        phrase_occurrences: 0,
    };
    let started = Instant::now();
    // Every scan starts a pool of its own, so its threads hold no counts yet;
    // taking them anyway keeps the totals right if a pool is ever reused.
    take_pool_document_frequencies(pool, sketcher);
    let stores = WorkerStores {
        idle: Mutex::new(Vec::new()),
        budget: sketcher.spill_budget / pool.current_num_threads().max(1),
        overlap: sketcher.overlap,
    };
    let result = map_chunks_in_order(
        pool,
        &mut entries,
        CHUNK_DOCS,
        CHUNKS_IN_FLIGHT,
        &|number, chunk: &mut [Entry]| sketch_chunk(number, chunk, sketcher, &stores),
        |chunk, sketches| {
            progress.advance(chunk.len() as u64);
            merge_chunk(&mut out, chunk, sketches?)
        },
    );
    out.document_frequencies = take_pool_document_frequencies(pool, sketcher);
    let reading = result?;
    if let Some(Stores { bands, overlap }) = stores.into_one()? {
        out.band_keys = bands;
        if let Some((fingerprints, templates)) = overlap {
            out.fingerprints = Some(fingerprints);
            out.templates = Some(templates);
        }
    }
    timings.read += reading;
    timings.sketch += started.elapsed().as_secs_f64() - reading;
    Ok(out)
}

/// Chunks handed to the pool but not yet merged, at most (the reader reads
/// one more meanwhile): the pool always has a chunk queued when it finishes
/// one, even when reading a chunk briefly takes longer than sketching one,
/// and texts waiting in memory stay a few chunks (about 6 MB each of news
/// articles). Four gave 5-10% less read and sketch time than two on the 100k
/// harness corpus (2 threads, three runs alternating).
const CHUNKS_IN_FLIGHT: usize = 4;

/// Sketches chunk `number`, and lets go of the texts that can be read again:
/// later stages reread the few they need. Each document's band keys,
/// fingerprints and templates go to `stores` under its entry number (its
/// position in the input: every chunk but the last is `CHUNK_DOCS` long).
fn sketch_chunk(
    number: usize,
    chunk: &mut [Entry],
    sketcher: &Sketcher,
    stores: &WorkerStores,
) -> crate::Result<Vec<SketchOutput>> {
    let first = number.saturating_mul(CHUNK_DOCS);
    if first.saturating_add(chunk.len()) > NOT_A_DOCUMENT as usize {
        return Err(Error::TooManyDocuments {
            limit: NOT_A_DOCUMENT as usize,
        });
    }
    let init = || {
        let guard = StoreGuard {
            stores: Some(stores.take()),
            owner: stores,
        };
        (SketchScratch::default(), guard)
    };
    chunk
        .par_iter_mut()
        .enumerate()
        .map_init(init, |(scratch, guard), (i, entry)| match entry {
            Entry::Document(doc) => {
                let text = doc
                    .held_text()
                    .expect("a document is sketched before its text is let go");
                let mut sketch = sketcher.sketch(text, scratch);
                if let (Some(sketch), Some(stores)) = (sketch.as_mut(), guard.stores.as_mut()) {
                    let entry_number = (first + i) as u32;
                    let band_keys = std::mem::take(&mut sketch.band_keys);
                    stores
                        .bands
                        .extend(band_keys.into_iter().map(|key| (key, entry_number)))?;
                    if let Some((fingerprints, templates)) = stores.overlap.as_mut() {
                        fingerprints
                            .add(entry_number, &std::mem::take(&mut sketch.fingerprints))?;
                        let found = std::mem::take(&mut sketch.templates);
                        templates.extend(found.into_iter().map(|t| (t, entry_number)))?;
                    }
                }
                if sketch.is_some() {
                    doc.release_text();
                }
                Ok(sketch)
            }
            Entry::Skipped(_) => Ok(None),
        })
        .collect()
}

/// The story stage's document frequencies counted on every thread of `pool`
/// (see [`take_document_frequencies`]), summed; also what clears them.
fn take_pool_document_frequencies(
    pool: &rayon::ThreadPool,
    sketcher: &Sketcher,
) -> IntMap<u64, u32> {
    let mut total: IntMap<u64, u32> = IntMap::default();
    if let Some(background) = sketcher.background {
        let counted = pool.broadcast(|_| take_document_frequencies(sketcher.shingler, background));
        for (term, documents) in counted.into_iter().flatten() {
            *total.entry(term).or_insert(0) += documents;
        }
    }
    total
}

/// Appends one sketched chunk to the scan's documents, in input order.
fn merge_chunk(
    out: &mut Sketched,
    chunk: Vec<Entry>,
    sketches: Vec<SketchOutput>,
) -> crate::Result<()> {
    out.read_count += chunk.len();
    for (entry, sketch) in chunk.into_iter().zip(sketches) {
        let next = out.documents.len() as u32;
        let sketched = matches!((&entry, &sketch), (Entry::Document(_), Some(_)));
        out.entry_docs
            .push(if sketched { next } else { NOT_A_DOCUMENT });
        match (entry, sketch) {
            (Entry::Document(doc), Some(sketch)) => {
                out.documents.push(doc);
                out.copy_keys.push(sketch.copy_key);
                out.words.push(sketch.words);
                out.distinctive.push(sketch.distinctive);
                out.lead_days.push(sketch.lead_day);
                out.phrase_occurrences += sketch.phrases;
            }
            (Entry::Document(doc), None) => out.skipped.push(without_words(&doc)),
            (Entry::Skipped(skipped), _) => out.skipped.push(skipped),
        }
    }
    if out.documents.len() > u32::MAX as usize - CHUNK_DOCS {
        return Err(Error::TooManyDocuments {
            limit: u32::MAX as usize - CHUNK_DOCS,
        });
    }
    Ok(())
}

/// How a scan lists a document it skipped for having no words.
pub fn without_words(doc: &Document) -> Skipped {
    Skipped {
        location: doc.origin.to_string(),
        reason: if doc.held_text().is_none_or(|t| t.trim().is_empty()) {
            "empty text".to_string()
        } else {
            "no words (only punctuation or symbols)".to_string()
        },
        id: Some(doc.id.clone()),
    }
}

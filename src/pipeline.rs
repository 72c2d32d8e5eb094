//! The scan: every stage in order, on one thread pool.
//!
//! Input: a [`Config`] and a stream of input [`Entry`] values. Output: a [`Scan`],
//! the [`Report`] plus the scanned documents.
//!
//! Stages: read -> normalize + shingle + sketch (parallel per document, in chunks
//! so the reader never runs far ahead) -> LSH candidates -> exact verification ->
//! clusters -> shared passages -> report. Parallel stages collect in input order,
//! and every list in the report is sorted by a total order, so the report is the
//! same at any thread count.

use std::time::Instant;

use bit_vec::BitVec;
use rayon::prelude::*;

use crate::align::{align, align_from, AlignText, Alignment, Passage, Runs};
use crate::boilerplate::BoilerplateMarker;
use crate::cluster::{cluster, Cluster};
use crate::config::{Config, ShingleUnit};
use crate::error::Error;
use crate::fingerprint::{self, Winnower};
use crate::grade::{can_be_reuse, grade, parse_time, Grade, Source, Verdict};
use crate::hash::HASH_NAME;
use crate::input::{DocId, Document, Entry, Skipped};
use crate::lsh::{candidates, CandidatePair, LshParams};
use crate::overlap::{self, OverlapParams};
use crate::report::{
    ClusterReport, Comparison, Counts, HashInfo, LshReport, OverlapReport, PairReport, PairScores,
    Parameters, Report, ReuseReport, RunInfo, Suppressed, Timings, Tool, FORMAT_VERSION,
};
use crate::shingle::{Scratch, ShingleSet, Shingler};
use crate::sketch::{MinHasher, Signature};
use crate::verify::{score, ScoredPair};

/// Documents read per parallel sketching chunk: large enough to keep every core
/// busy, small enough that texts waiting to be sketched stay a few MB.
const CHUNK_DOCS: usize = 2048;

/// A corpus this small is also compared pair by pair (at most 4,950 exact
/// comparisons), so the report can show how close its closest pairs came.
pub const EXHAUSTIVE_NEAR_MISS_DOCS: usize = 100;

/// Most near misses reported.
pub const MAX_NEAR_MISSES: usize = 10;

/// A finished scan.
#[derive(Debug, Clone)]
pub struct Scan {
    /// The report.
    pub report: Report,
    /// The scanned documents; `DocId(i)` is `documents[i]`.
    pub documents: Vec<Document>,
    /// The duplicate clusters of the report, by document number.
    pub clusters: Vec<Cluster>,
}

impl Scan {
    /// The documents `dedup` keeps, in input order: every scanned document
    /// except the cluster members that are not their cluster's representative.
    pub fn kept(&self) -> impl Iterator<Item = &Document> {
        let mut removed = BitVec::from_elem(self.documents.len(), false);
        for cluster in &self.clusters {
            for &member in cluster
                .members
                .iter()
                .filter(|&&m| m != cluster.representative)
            {
                removed.set(member.index(), true);
            }
        }
        self.documents
            .iter()
            .zip(removed)
            .filter_map(|(doc, gone)| (!gone).then_some(doc))
    }
}

/// Runs a scan over `entries` (for example a [`crate::CorpusReader`]).
///
/// # Errors
/// An invalid config, a thread pool that cannot start, or the first error of the
/// input stream (a missing file, a bad line when bad lines are not skipped).
pub fn run<I>(config: &Config, entries: I) -> crate::Result<Scan>
where
    I: IntoIterator<Item = crate::Result<Entry>>,
{
    config.validate()?;
    let pool = thread_pool(config)?;
    run_stages(config, entries.into_iter(), &pool)
}

/// Scores two documents, finds their shared passages and grades them, whatever
/// their similarity (no threshold, no candidate stage).
///
/// # Errors
/// An invalid config, or a document with no words.
pub fn compare(config: &Config, a: &Document, b: &Document) -> crate::Result<Comparison> {
    config.validate()?;
    let shingler = Shingler::new(config.shingle, config.seed);
    let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
    let mut scratch = Scratch::default();
    let mut sketch = |doc: &Document| {
        let set = shingler.shingle_set(&doc.text, &mut scratch);
        if set.is_empty() {
            return Err(Error::NoWords {
                document: doc.origin.to_string(),
            });
        }
        let signature = hasher.sketch(&set);
        Ok((Some(set), signature))
    };
    let ((set_a, sig_a), (set_b, sig_b)) = (sketch(a)?, sketch(b)?);
    let pair = CandidatePair {
        a: DocId(0),
        b: DocId(1),
    };
    let scored = score(pair, &[set_a, set_b], &[sig_a, sig_b]);
    let marker =
        BoilerplateMarker::new(winnower(config), &config.overlap.ignore_phrases, &shingler);
    let documents = [a, b];
    let times = document_times(config, documents.iter().copied()).0;
    let texts = [a.text.as_str(), b.text.as_str()];
    let prepared = prepare(
        &texts,
        &BitVec::from_elem(2, true),
        &shingler,
        Some(&marker),
    );
    let graded = align_and_grade(
        &[Candidate {
            scored,
            by_minhash: false,
            by_overlap: false,
        }],
        &prepared,
        &times,
        config,
    )
    .pop()
    .expect("one pair in, one pair out");
    Ok(Comparison {
        format_version: FORMAT_VERSION,
        tool: Tool::default(),
        shingle: config.shingle,
        hash: HashInfo {
            name: HASH_NAME,
            seed: config.seed,
        },
        num_perm: config.sketch.num_perm,
        align: config.align,
        grade: config.grade,
        pair: pair_report(graded, &documents),
    })
}

/// The shared passages of each listed pair of texts (indexes into `texts`),
/// whatever their similarity: no candidate stage, no threshold. Evaluations on
/// labeled pairs use it.
///
/// # Errors
/// An invalid config, or a thread pool that cannot start.
pub fn align_listed(
    config: &Config,
    texts: &[&str],
    pairs: &[(usize, usize)],
) -> crate::Result<Vec<Vec<Passage>>> {
    config.validate()?;
    if let Some(&(a, b)) = pairs.iter().find(|&&(a, b)| a.max(b) >= texts.len()) {
        return Err(Error::Config(format!(
            "pair ({a}, {b}) names a text past the {} given",
            texts.len()
        )));
    }
    let pool = thread_pool(config)?;
    let shingler = Shingler::new(config.shingle, config.seed);
    Ok(pool.install(|| {
        let prepared = prepare(texts, &in_pairs(texts.len(), pairs), &shingler, None);
        pairs
            .par_iter()
            .map(|&(a, b)| {
                align(
                    prepared_of(&prepared, a),
                    prepared_of(&prepared, b),
                    &config.align,
                )
                .passages
            })
            .collect()
    }))
}

/// Marks the texts (of `count`) that occur in `pairs`.
fn in_pairs(count: usize, pairs: &[(usize, usize)]) -> BitVec {
    let mut marks = BitVec::from_elem(count, false);
    for &(a, b) in pairs {
        marks.set(a, true);
        marks.set(b, true);
    }
    marks
}

/// Prepares, in parallel, the `needed` texts (with their boilerplate marked,
/// when a marker is given); the others stay `None`.
fn prepare<'t>(
    texts: &[&'t str],
    needed: &BitVec,
    shingler: &Shingler,
    marker: Option<&BoilerplateMarker>,
) -> Vec<Option<AlignText<'t>>> {
    texts
        .par_iter()
        .enumerate()
        .map(|(i, &text)| {
            needed[i].then(|| {
                let prepared = AlignText::new(text, shingler);
                match marker {
                    Some(marker) if marker.marks_anything() => {
                        let marks = marker.mark(&prepared.word_hashes());
                        prepared.with_boilerplate(marks)
                    }
                    _ => prepared,
                }
            })
        })
        .collect()
}

fn prepared_of<'p, 't>(prepared: &'p [Option<AlignText<'t>>], i: usize) -> &'p AlignText<'t> {
    prepared[i]
        .as_ref()
        .expect("every document of a pair is prepared")
}

fn thread_pool(config: &Config) -> crate::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|source| Error::ThreadPool {
            threads: config.threads,
            source,
        })
}

/// The documents that survived reading, with their signatures and fingerprints.
struct Sketched {
    documents: Vec<Document>,
    signatures: Vec<Signature>,
    /// Winnowed fingerprint hashes per document, unsorted (empty when the
    /// overlap stage is off).
    fingerprints: Vec<Vec<u64>>,
    /// Words per document (0 when the overlap stage is off).
    words: Vec<u32>,
    skipped: Vec<Skipped>,
    read_count: usize,
    phrase_occurrences: usize,
}

/// A candidate pair, scored, with the stages that found it.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    scored: ScoredPair,
    by_minhash: bool,
    by_overlap: bool,
}

/// An aligned and graded pair.
struct Graded {
    candidate: Candidate,
    passages: Vec<Passage>,
    grade: Grade,
    /// Passages marked as boilerplate.
    boilerplate_passages: usize,
    /// A phrase repeated through one of the texts was not aligned.
    repetitive: bool,
}

/// The winnower whose guarantee is the shortest passage.
fn winnower(config: &Config) -> Winnower {
    Winnower::for_min_passage(config.align.min_passage_tokens).with_seed(config.seed)
}

fn run_stages(
    config: &Config,
    entries: impl Iterator<Item = crate::Result<Entry>>,
    pool: &rayon::ThreadPool,
) -> crate::Result<Scan> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let shingler = Shingler::new(config.shingle, config.seed);
    let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
    let marker =
        BoilerplateMarker::new(winnower(config), &config.overlap.ignore_phrases, &shingler);

    // The input stream may not be `Send` (stdin), so reading stays on this thread
    // and only the sketching of each chunk runs on the pool.
    let sketched = read_and_sketch(
        entries,
        pool,
        &Sketcher {
            shingler: &shingler,
            hasher: &hasher,
            marker: &marker,
            overlap: config.overlap.enabled,
        },
        &mut timings,
    )?;
    let threads = pool.current_num_threads();
    Ok(pool.install(|| {
        find_pairs(
            config, sketched, &shingler, marker, timings, started, threads,
        )
    }))
}

/// Every stage after sketching.
fn find_pairs(
    config: &Config,
    sketched: Sketched,
    shingler: &Shingler,
    marker: BoilerplateMarker,
    mut timings: Timings,
    started: Instant,
    threads: usize,
) -> Scan {
    let Sketched {
        documents,
        signatures,
        fingerprints,
        words,
        skipped,
        read_count,
        phrase_occurrences,
    } = sketched;

    let clock = Instant::now();
    let lsh = LshParams::resolve(
        config.lsh.bands,
        config.lsh.rows,
        config.threshold,
        config.sketch.num_perm,
    );
    let minhash_pairs = candidates(&signatures, lsh);
    timings.lsh = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let overlap = config.overlap.enabled.then(|| {
        overlap::candidates(
            &fingerprints,
            OverlapParams {
                max_df: config.overlap.max_df,
                min_shared: 1,
            },
        )
    });
    drop(fingerprints);
    // A pair sharing few fingerprints shares few words in identical runs; when
    // they cannot make partial reuse, the pair is not worth aligning.
    let most_per_fingerprint = winnower(config).max_run_words_per_fingerprint();
    let mut overlap_pairs: Vec<CandidatePair> = Vec::new();
    let mut overlap_too_small = 0;
    for found in overlap.as_ref().map_or(&[][..], |o| o.pairs()) {
        let (a, b) = (found.pair.a.index(), found.pair.b.index());
        let shared = found.shared_fingerprints as usize + found.shared_boilerplate as usize;
        let most = shared * most_per_fingerprint;
        let lengths = (words[a] as usize, words[b] as usize);
        if can_be_reuse((most, most), lengths, &config.grade) {
            overlap_pairs.push(found.pair);
        } else if minhash_pairs.binary_search(&found.pair).is_err() {
            overlap_too_small += 1;
        }
    }
    let (merged, found_by_both) = merge_candidates(&minhash_pairs, &overlap_pairs);
    let marker = match &overlap {
        Some(o) => marker.with_common(o.boilerplate().to_vec()),
        None => marker,
    };
    timings.overlap = clock.elapsed().as_secs_f64();

    // Every document of a candidate pair is cut into words once: its shingle
    // set for verification and its alignment both come from those words.
    let clock = Instant::now();
    let exhaustive = documents.len() <= EXHAUSTIVE_NEAR_MISS_DOCS;
    let mut involved = BitVec::from_elem(documents.len(), exhaustive);
    for &(pair, _, _) in &merged {
        involved.set(pair.a.index(), true);
        involved.set(pair.b.index(), true);
    }
    let texts: Vec<&str> = documents.iter().map(|d| d.text.as_str()).collect();
    let prepared = prepare(&texts, &involved, shingler, Some(&marker));
    timings.prepare = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let shingles: Vec<Option<ShingleSet>> = prepared
        .par_iter()
        .zip(&texts)
        .map_init(Scratch::default, |scratch, (text, original)| {
            text.as_ref().map(|text| match shingler.config().unit {
                ShingleUnit::Words => shingler.word_shingles(&text.word_hashes()),
                ShingleUnit::Chars => shingler.shingle_set(original, scratch),
            })
        })
        .collect();
    let scored: Vec<Candidate> = merged
        .par_iter()
        .map(|&(pair, by_minhash, by_overlap)| Candidate {
            scored: score(pair, &shingles, &signatures),
            by_minhash,
            by_overlap,
        })
        .collect();
    let (to_align, rejected): (Vec<Candidate>, Vec<Candidate>) = scored
        .into_iter()
        .partition(|c| c.by_overlap || c.scored.similarity.jaccard >= config.threshold);
    timings.verify = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let verified: Vec<CandidatePair> = to_align
        .iter()
        .filter(|c| c.scored.similarity.jaccard >= config.threshold)
        .map(|c| c.scored.pair)
        .collect();
    let clusters = cluster(
        documents.len(),
        &verified,
        |d: DocId| documents[d.index()].text.chars().count(),
        config.cluster.keep,
    );
    timings.cluster = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let doc_refs: Vec<&Document> = documents.iter().collect();
    let (times, documents_without_time) = document_times(config, doc_refs.iter().copied());
    let graded = align_and_grade(&to_align, &prepared, &times, config);
    drop(prepared);
    let (mut listed, unlisted): (Vec<Graded>, Vec<Graded>) = graded
        .into_iter()
        .partition(|g| g.grade.verdict != Verdict::None);
    listed.sort_by(report_order);
    timings.align = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let mut near_miss_pool: Vec<ScoredPair> = rejected.iter().map(|c| c.scored).collect();
    near_miss_pool.extend(unlisted.iter().map(|g| g.candidate.scored));
    let near_misses = near_misses(
        near_miss_pool,
        &merged,
        exhaustive,
        &shingles,
        &signatures,
        &documents,
    );
    drop(shingles);
    timings.verify += clock.elapsed().as_secs_f64();
    timings.total = started.elapsed().as_secs_f64();

    let id = |d: DocId| documents[d.index()].id.clone();
    let in_clusters: usize = clusters.iter().map(|c| c.members.len()).sum();
    let verdict_count = |v: Verdict| listed.iter().filter(|g| g.grade.verdict == v).count();
    let counts = Counts {
        documents_read: read_count,
        documents_skipped: skipped.len(),
        documents_scanned: documents.len(),
        candidate_pairs: merged.len(),
        minhash_candidates: minhash_pairs.len(),
        overlap_candidates: overlap.as_ref().map_or(0, |o| o.pairs().len()),
        found_by_both,
        verified_pairs: verified.len(),
        rejected_pairs: rejected.len(),
        aligned_pairs: listed.len() + unlisted.len(),
        duplicate_pairs: verdict_count(Verdict::Duplicate),
        near_duplicate_pairs: verdict_count(Verdict::NearDuplicate),
        partial_reuse_pairs: verdict_count(Verdict::PartialReuse),
        clusters: clusters.len(),
        documents_in_clusters: in_clusters,
        duplicates: in_clusters - clusters.len(),
    };
    let suppressed = Suppressed {
        boilerplate_fingerprints: overlap
            .as_ref()
            .map_or(0, |o| o.stats().boilerplate_fingerprints),
        boilerplate_pair_emissions: overlap.as_ref().map_or(0, |o| o.stats().pairs_suppressed),
        ignored_phrase_occurrences: phrase_occurrences,
        overlap_pairs_too_small: overlap_too_small,
        boilerplate_passages: listed
            .iter()
            .chain(&unlisted)
            .map(|g| g.boilerplate_passages)
            .sum(),
        pairs_without_reuse: unlisted.len(),
        pairs_with_repetitive_text: listed
            .iter()
            .chain(&unlisted)
            .filter(|g| g.repetitive)
            .count(),
        documents_without_time,
    };
    let winnower = winnower(config);
    let report = Report {
        format_version: FORMAT_VERSION,
        tool: Tool::default(),
        parameters: Parameters {
            shingle: config.shingle,
            hash: HashInfo {
                name: HASH_NAME,
                seed: config.seed,
            },
            num_perm: config.sketch.num_perm,
            threshold: config.threshold,
            lsh: LshReport {
                bands: lsh.bands,
                rows: lsh.rows,
                chosen: if config.lsh.bands.is_none() && config.lsh.rows.is_none() {
                    "auto"
                } else {
                    "set"
                },
                unused_permutations: config.sketch.num_perm - lsh.bands * lsh.rows,
                candidate_probability_at_threshold: lsh.candidate_probability(config.threshold),
            },
            min_passage_words: config.align.min_passage_tokens,
            keep: config.cluster.keep,
            align: config.align,
            overlap: OverlapReport {
                enabled: config.overlap.enabled,
                k: winnower.k(),
                window: winnower.window(),
                max_df: config.overlap.max_df,
                ignored_phrases: config.overlap.ignore_phrases.len(),
            },
            grade: config.grade,
            time_field: config.input.time_field.clone(),
        },
        counts,
        skipped,
        suppressed,
        pairs: listed
            .into_iter()
            .map(|g| pair_report(g, &doc_refs))
            .collect(),
        clusters: clusters
            .iter()
            .map(|c| ClusterReport {
                size: c.members.len(),
                representative: id(c.representative),
                members: c.members.iter().map(|&m| id(m)).collect(),
            })
            .collect(),
        near_misses: near_misses
            .iter()
            .map(|p| pair_scores(p, &doc_refs))
            .collect(),
        run: RunInfo {
            threads,
            seconds: timings,
        },
    };
    drop(doc_refs);
    Scan {
        report,
        documents,
        clusters,
    }
}

/// Merges the two stages' sorted candidate lists into one sorted list of
/// `(pair, by_minhash, by_overlap)`; also returns how many pairs both found.
fn merge_candidates(
    minhash: &[CandidatePair],
    overlap: &[CandidatePair],
) -> (Vec<(CandidatePair, bool, bool)>, usize) {
    let mut merged = Vec::with_capacity(minhash.len() + overlap.len());
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < minhash.len() || j < overlap.len() {
        match (minhash.get(i), overlap.get(j)) {
            (Some(&m), Some(&o)) if m == o => {
                merged.push((m, true, true));
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(&m), Some(&o)) if m < o => {
                merged.push((m, true, false));
                i += 1;
            }
            (Some(&m), None) => {
                merged.push((m, true, false));
                i += 1;
            }
            (_, Some(&o)) => {
                merged.push((o, false, true));
                j += 1;
            }
            (None, None) => unreachable!("the loop runs while one list has pairs"),
        }
    }
    (merged, both)
}

/// Publication times of the documents (when a time field is set), and how many
/// documents have none that can be read.
fn document_times<'d>(
    config: &Config,
    documents: impl Iterator<Item = &'d Document>,
) -> (Vec<Option<i64>>, usize) {
    let Some(field) = &config.input.time_field else {
        return (documents.map(|_| None).collect(), 0);
    };
    let times: Vec<Option<i64>> = documents
        .map(|d| d.metadata.get(field).and_then(parse_time))
        .collect();
    let missing = times.iter().filter(|t| t.is_none()).count();
    (times, missing)
}

/// What the per-document sketching pass computes with.
struct Sketcher<'s> {
    shingler: &'s Shingler,
    hasher: &'s MinHasher,
    marker: &'s BoilerplateMarker,
    overlap: bool,
}

/// Buffers of one sketching worker.
#[derive(Default)]
struct SketchScratch {
    shingles: Scratch,
    winnowing: fingerprint::Scratch,
    fingerprints: Vec<fingerprint::Fingerprint>,
}

/// What sketching one document gives the later stages.
struct DocumentSketch {
    signature: Signature,
    /// Fingerprint hashes (none when the overlap stage is off).
    fingerprints: Vec<u64>,
    /// Words (0 when the overlap stage is off).
    words: u32,
    /// Occurrences of ignored phrases.
    phrases: usize,
}

/// A document's sketch, or `None` for a document without words.
type SketchOutput = Option<DocumentSketch>;

impl Sketcher<'_> {
    fn sketch(&self, text: &str, scratch: &mut SketchScratch) -> SketchOutput {
        let mut builder = self.hasher.builder();
        self.shingler
            .for_each_shingle(text, &mut scratch.shingles, |h| builder.add(h));
        if builder.shingles() == 0 {
            return None;
        }
        let signature = builder.finish();
        let mut sketch = DocumentSketch {
            signature,
            fingerprints: Vec::new(),
            words: 0,
            phrases: 0,
        };
        if self.overlap {
            if self.shingler.config().unit != ShingleUnit::Words {
                self.shingler.word_hashes_into(text, &mut scratch.shingles);
            }
            let words = scratch.shingles.words();
            sketch.words = u32::try_from(words.len()).unwrap_or(u32::MAX);
            sketch.phrases = self.marker.index_hashes(
                words,
                &mut scratch.winnowing,
                &mut scratch.fingerprints,
                &mut sketch.fingerprints,
            );
        }
        Some(sketch)
    }
}

/// Reads entries in chunks and sketches each chunk in parallel, in input order.
///
/// Reading stays on the calling thread (the input may not be `Send`) and runs
/// ahead of sketching by at most [`CHUNKS_IN_FLIGHT`] chunks: while the pool
/// sketches one chunk, the next is read.
fn read_and_sketch(
    mut entries: impl Iterator<Item = crate::Result<Entry>>,
    pool: &rayon::ThreadPool,
    sketcher: &Sketcher,
    timings: &mut Timings,
) -> crate::Result<Sketched> {
    let mut out = Sketched {
        documents: Vec::new(),
        signatures: Vec::new(),
        fingerprints: Vec::new(),
        words: Vec::new(),
        skipped: Vec::new(),
        read_count: 0,
        phrase_occurrences: 0,
    };
    let started = Instant::now();
    let mut reading = 0.0;
    let result = pool.in_place_scope(|scope| -> crate::Result<()> {
        let (done, finished) = std::sync::mpsc::channel::<(usize, Vec<Entry>, Vec<SketchOutput>)>();
        // Chunks sketched but not yet merged, by number, so they merge in order.
        let mut waiting = std::collections::BTreeMap::new();
        let (mut sent, mut merged) = (0usize, 0usize);
        let mut input_left = true;
        while input_left || merged < sent {
            if input_left && sent - merged < CHUNKS_IN_FLIGHT {
                let clock = Instant::now();
                let chunk: Vec<Entry> = entries
                    .by_ref()
                    .take(CHUNK_DOCS)
                    .collect::<crate::Result<_>>()?;
                reading += clock.elapsed().as_secs_f64();
                if chunk.is_empty() {
                    input_left = false;
                    continue;
                }
                let done = done.clone();
                let number = sent;
                scope.spawn(move |_| {
                    let sketches = sketch_chunk(&chunk, sketcher);
                    // Fails only when reading failed and the scan is over.
                    let _ = done.send((number, chunk, sketches));
                });
                sent += 1;
                continue;
            }
            let (number, chunk, sketches) = finished
                .recv()
                .expect("a spawned chunk always reports back");
            waiting.insert(number, (chunk, sketches));
            while let Some((chunk, sketches)) = waiting.remove(&merged) {
                merge_chunk(&mut out, chunk, sketches)?;
                merged += 1;
            }
        }
        Ok(())
    });
    timings.read += reading;
    timings.sketch += started.elapsed().as_secs_f64() - reading;
    result.map(|()| out)
}

/// Chunks handed to the pool but not yet merged, at most (the reader reads
/// one more meanwhile): the pool always has a chunk queued when it finishes
/// one, and texts waiting in memory stay a few chunks.
const CHUNKS_IN_FLIGHT: usize = 2;

fn sketch_chunk(chunk: &[Entry], sketcher: &Sketcher) -> Vec<SketchOutput> {
    chunk
        .par_iter()
        .map_init(SketchScratch::default, |scratch, entry| match entry {
            Entry::Document(doc) => sketcher.sketch(&doc.text, scratch),
            Entry::Skipped(_) => None,
        })
        .collect()
}

/// Appends one sketched chunk to the scan's documents, in input order.
fn merge_chunk(
    out: &mut Sketched,
    chunk: Vec<Entry>,
    sketches: Vec<SketchOutput>,
) -> crate::Result<()> {
    out.read_count += chunk.len();
    for (entry, sketch) in chunk.into_iter().zip(sketches) {
        match (entry, sketch) {
            (Entry::Document(doc), Some(sketch)) => {
                out.documents.push(doc);
                out.signatures.push(sketch.signature);
                out.fingerprints.push(sketch.fingerprints);
                out.words.push(sketch.words);
                out.phrase_occurrences += sketch.phrases;
            }
            (Entry::Document(doc), None) => out.skipped.push(Skipped {
                location: doc.origin.to_string(),
                reason: if doc.text.trim().is_empty() {
                    "empty text".to_string()
                } else {
                    "no words (only punctuation or symbols)".to_string()
                },
                id: Some(doc.id),
            }),
            (Entry::Skipped(skipped), _) => out.skipped.push(skipped),
        }
    }
    if out.documents.len() > u32::MAX as usize - CHUNK_DOCS {
        return Err(Error::Config(format!(
            "a scan holds at most {} documents",
            u32::MAX as usize - CHUNK_DOCS
        )));
    }
    Ok(())
}

/// Report order of graded pairs: strongest verdict, then highest Jaccard, then
/// most reused text, then the documents' input order.
fn report_order(x: &Graded, y: &Graded) -> std::cmp::Ordering {
    let reused = |g: &Graded| g.grade.reused_words_a + g.grade.reused_words_b;
    x.grade
        .verdict
        .cmp(&y.grade.verdict)
        .then(order(&x.candidate.scored, &y.candidate.scored))
        .then(reused(y).cmp(&reused(x)))
}

/// Report order: exact Jaccard (highest first), then the documents' input order.
fn order(x: &ScoredPair, y: &ScoredPair) -> std::cmp::Ordering {
    y.similarity
        .jaccard
        .total_cmp(&x.similarity.jaccard)
        .then(x.pair.cmp(&y.pair))
}

/// The closest pairs not reported: rejected and ungraded candidates, and for a
/// small corpus every pair (LSH rarely pairs documents that are far apart).
fn near_misses(
    mut misses: Vec<ScoredPair>,
    candidates: &[(CandidatePair, bool, bool)],
    exhaustive: bool,
    shingles: &[Option<ShingleSet>],
    signatures: &[Signature],
    documents: &[Document],
) -> Vec<ScoredPair> {
    if exhaustive {
        let n = documents.len() as u32;
        let extra: Vec<ScoredPair> = (0..n)
            .flat_map(|a| {
                (a + 1..n).map(move |b| CandidatePair {
                    a: DocId(a),
                    b: DocId(b),
                })
            })
            .filter(|pair| {
                candidates
                    .binary_search_by(|(c, _, _)| c.cmp(pair))
                    .is_err()
            })
            .map(|pair| score(pair, shingles, signatures))
            .filter(|p| p.similarity.shared_shingles > 0)
            .collect();
        misses.extend(extra);
    }
    misses.sort_by(order);
    misses.truncate(MAX_NEAR_MISSES);
    misses
}

/// Aligns and grades candidate pairs in parallel, from the prepared texts of
/// their documents.
fn align_and_grade(
    candidates: &[Candidate],
    prepared: &[Option<AlignText>],
    times: &[Option<i64>],
    config: &Config,
) -> Vec<Graded> {
    candidates
        .par_iter()
        .map(|&candidate| {
            let (a, b) = (candidate.scored.pair.a, candidate.scored.pair.b);
            let (text_a, text_b) = (
                prepared_of(prepared, a.index()),
                prepared_of(prepared, b.index()),
            );
            let words = (text_a.len(), text_b.len());
            // A pair below the threshold whose identical runs are too short to
            // be reuse is graded `none` without the costly sentence comparison.
            let runs = Runs::find(text_a, text_b, &config.align);
            let hopeless = candidate.scored.similarity.jaccard < config.threshold
                && !can_be_reuse(runs.verbatim_words(), words, &config.grade);
            let alignment = if hopeless {
                Alignment {
                    passages: Vec::new(),
                    repetitive_windows: runs.repetitive_windows(),
                }
            } else {
                align_from(text_a, text_b, &config.align, runs)
            };
            let passages = alignment.passages;
            let grade = grade(
                &candidate.scored.similarity,
                &passages,
                words,
                (times[a.index()], times[b.index()]),
                config.threshold,
                &config.grade,
            );
            let boilerplate_passages = passages.iter().filter(|p| p.boilerplate).count();
            Graded {
                candidate,
                // Pairs graded `none` are counted, not listed: drop their text.
                passages: if grade.verdict == Verdict::None {
                    Vec::new()
                } else {
                    passages
                },
                grade,
                boilerplate_passages,
                repetitive: alignment.repetitive_windows > 0,
            }
        })
        .collect()
}

fn pair_report(graded: Graded, documents: &[&Document]) -> PairReport {
    let Graded {
        candidate,
        passages,
        grade,
        ..
    } = graded;
    let pair = candidate.scored.pair;
    let mut found_by = Vec::new();
    if candidate.by_minhash {
        found_by.push("minhash");
    }
    if candidate.by_overlap {
        found_by.push("overlap");
    }
    PairReport {
        scores: pair_scores(&candidate.scored, documents),
        verdict: grade.verdict,
        found_by,
        reuse: ReuseReport {
            words_a: grade.reused_words_a,
            words_b: grade.reused_words_b,
            share_a: grade.reused_share_a,
            share_b: grade.reused_share_b,
            containment: grade.containment,
            likely_source: match grade.source {
                Source::A => Some(documents[pair.a.index()].id.clone()),
                Source::B => Some(documents[pair.b.index()].id.clone()),
                Source::Unknown => None,
            },
        },
        passages,
    }
}

fn pair_scores(scored: &ScoredPair, documents: &[&Document]) -> PairScores {
    let s = &scored.similarity;
    PairScores {
        a: documents[scored.pair.a.index()].id.clone(),
        b: documents[scored.pair.b.index()].id.clone(),
        jaccard: s.jaccard,
        estimated_jaccard: scored.estimated_jaccard,
        containment_a_in_b: s.containment_a_in_b,
        containment_b_in_a: s.containment_b_in_a,
        shingles_a: s.shingles_a,
        shingles_b: s.shingles_b,
        shared_shingles: s.shared_shingles,
    }
}

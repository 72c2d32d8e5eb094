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

use crate::align::{align, AlignText, Passage};
use crate::cluster::{cluster, Cluster};
use crate::config::{AlignConfig, Config};
use crate::error::Error;
use crate::hash::HASH_NAME;
use crate::input::{DocId, Document, Entry, Skipped};
use crate::lsh::{candidates, CandidatePair, LshParams};
use crate::report::{
    ClusterReport, Comparison, Counts, HashInfo, LshReport, PairReport, PairScores, Parameters,
    Report, RunInfo, Timings, Tool, FORMAT_VERSION,
};
use crate::shingle::{Scratch, ShingleSet, Shingler};
use crate::sketch::{MinHasher, Signature};
use crate::verify::{score, verify, ScoredPair};

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

/// Scores two documents and finds their shared passages, whatever their
/// similarity (no threshold, no LSH).
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
    let documents = [a.clone(), b.clone()];
    let pair = CandidatePair {
        a: DocId(0),
        b: DocId(1),
    };
    let scored = score(pair, &[set_a, set_b], &[sig_a, sig_b]);
    let (scored, passages) = align_pairs(&[scored], &documents, &shingler, &config.align)
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
        min_passage_words: config.align.min_passage_tokens,
        pair: PairReport {
            scores: pair_scores(&scored, &documents),
            passages,
        },
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
    let pool = thread_pool(config)?;
    let shingler = Shingler::new(config.shingle, config.seed);
    Ok(pool.install(|| {
        let mut needed = BitVec::from_elem(texts.len(), false);
        for &(a, b) in pairs {
            needed.set(a, true);
            needed.set(b, true);
        }
        let prepared: Vec<Option<AlignText>> = texts
            .par_iter()
            .enumerate()
            .map(|(i, text)| needed[i].then(|| AlignText::new(text, &shingler)))
            .collect();
        pairs
            .par_iter()
            .map(|&(a, b)| match (&prepared[a], &prepared[b]) {
                (Some(a), Some(b)) => align(a, b, &config.align),
                _ => unreachable!("every listed document is prepared"),
            })
            .collect()
    }))
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

/// The documents that survived reading, with their signatures.
struct Sketched {
    documents: Vec<Document>,
    signatures: Vec<Signature>,
    skipped: Vec<Skipped>,
    read_count: usize,
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

    // The input stream may not be `Send` (stdin), so reading stays on this thread
    // and only the sketching of each chunk runs on the pool.
    let sketched = read_and_sketch(entries, pool, &shingler, &hasher, &mut timings)?;
    let threads = pool.current_num_threads();
    Ok(pool.install(|| find_pairs(config, sketched, &shingler, timings, started, threads)))
}

/// Every stage after sketching.
fn find_pairs(
    config: &Config,
    sketched: Sketched,
    shingler: &Shingler,
    mut timings: Timings,
    started: Instant,
    threads: usize,
) -> Scan {
    let Sketched {
        documents,
        signatures,
        skipped,
        read_count,
    } = sketched;

    let clock = Instant::now();
    let lsh = LshParams::resolve(
        config.lsh.bands,
        config.lsh.rows,
        config.threshold,
        config.sketch.num_perm,
    );
    let candidate_pairs = candidates(&signatures, lsh);
    timings.lsh = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let exhaustive = documents.len() <= EXHAUSTIVE_NEAR_MISS_DOCS;
    let mut involved = BitVec::from_elem(documents.len(), exhaustive);
    for pair in &candidate_pairs {
        involved.set(pair.a.index(), true);
        involved.set(pair.b.index(), true);
    }
    let shingles: Vec<Option<ShingleSet>> = documents
        .par_iter()
        .enumerate()
        .map_init(Scratch::default, |scratch, (i, doc)| {
            involved[i].then(|| shingler.shingle_set(&doc.text, scratch))
        })
        .collect();
    let verdicts = verify(&candidate_pairs, &shingles, &signatures, config.threshold);
    let near_misses = near_misses(
        &verdicts.rejected,
        &candidate_pairs,
        exhaustive,
        &shingles,
        &signatures,
        &documents,
    );
    drop(shingles);
    timings.verify = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let verified: Vec<CandidatePair> = verdicts.passed.iter().map(|p| p.pair).collect();
    let clusters = cluster(
        documents.len(),
        &verified,
        |d: DocId| documents[d.index()].text.chars().count(),
        config.cluster.keep,
    );
    timings.cluster = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let mut pairs = align_pairs(&verdicts.passed, &documents, shingler, &config.align);
    pairs.sort_by(|x, y| order(&x.0, &y.0));
    timings.align = clock.elapsed().as_secs_f64();
    timings.total = started.elapsed().as_secs_f64();

    let id = |d: DocId| documents[d.index()].id.clone();
    let in_clusters: usize = clusters.iter().map(|c| c.members.len()).sum();
    let counts = Counts {
        documents_read: read_count,
        documents_skipped: skipped.len(),
        documents_scanned: documents.len(),
        candidate_pairs: candidate_pairs.len(),
        verified_pairs: verdicts.passed.len(),
        rejected_pairs: verdicts.rejected.len(),
        clusters: clusters.len(),
        documents_in_clusters: in_clusters,
        duplicates: in_clusters - clusters.len(),
    };
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
        },
        counts,
        skipped,
        pairs: pairs
            .into_iter()
            .map(|(scored, passages)| PairReport {
                scores: pair_scores(&scored, &documents),
                passages,
            })
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
            .map(|p| pair_scores(p, &documents))
            .collect(),
        run: RunInfo {
            threads,
            seconds: timings,
        },
    };
    Scan {
        report,
        documents,
        clusters,
    }
}

/// Reads entries in chunks and sketches each chunk in parallel, in input order.
fn read_and_sketch(
    mut entries: impl Iterator<Item = crate::Result<Entry>>,
    pool: &rayon::ThreadPool,
    shingler: &Shingler,
    hasher: &MinHasher,
    timings: &mut Timings,
) -> crate::Result<Sketched> {
    let mut out = Sketched {
        documents: Vec::new(),
        signatures: Vec::new(),
        skipped: Vec::new(),
        read_count: 0,
    };
    loop {
        let clock = Instant::now();
        let chunk: Vec<Entry> = entries
            .by_ref()
            .take(CHUNK_DOCS)
            .collect::<crate::Result<_>>()?;
        timings.read += clock.elapsed().as_secs_f64();
        if chunk.is_empty() {
            return Ok(out);
        }
        out.read_count += chunk.len();

        let clock = Instant::now();
        let sketches: Vec<Option<Signature>> = pool.install(|| {
            chunk
                .par_iter()
                .map_init(Scratch::default, |scratch, entry| match entry {
                    Entry::Document(doc) => {
                        let set = shingler.shingle_set(&doc.text, scratch);
                        (!set.is_empty()).then(|| hasher.sketch(&set))
                    }
                    Entry::Skipped(_) => None,
                })
                .collect()
        });
        for (entry, signature) in chunk.into_iter().zip(sketches) {
            match (entry, signature) {
                (Entry::Document(doc), Some(signature)) => {
                    out.documents.push(doc);
                    out.signatures.push(signature);
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
        timings.sketch += clock.elapsed().as_secs_f64();
        if out.documents.len() > u32::MAX as usize - CHUNK_DOCS {
            return Err(Error::Config(format!(
                "a scan holds at most {} documents",
                u32::MAX as usize - CHUNK_DOCS
            )));
        }
    }
}

/// Report order: exact Jaccard (highest first), then the documents' input order.
fn order(x: &ScoredPair, y: &ScoredPair) -> std::cmp::Ordering {
    y.similarity
        .jaccard
        .total_cmp(&x.similarity.jaccard)
        .then(x.pair.cmp(&y.pair))
}

/// The closest pairs below the threshold: rejected candidates, and for a small
/// corpus every pair (LSH rarely pairs documents that are far apart).
fn near_misses(
    rejected: &[ScoredPair],
    candidate_pairs: &[CandidatePair],
    exhaustive: bool,
    shingles: &[Option<ShingleSet>],
    signatures: &[Signature],
    documents: &[Document],
) -> Vec<ScoredPair> {
    let mut misses = rejected.to_vec();
    if exhaustive {
        let n = documents.len() as u32;
        let extra: Vec<ScoredPair> = (0..n)
            .flat_map(|a| {
                (a + 1..n).map(move |b| CandidatePair {
                    a: DocId(a),
                    b: DocId(b),
                })
            })
            .filter(|pair| candidate_pairs.binary_search(pair).is_err())
            .map(|pair| score(pair, shingles, signatures))
            .filter(|p| p.similarity.shared_shingles > 0)
            .collect();
        misses.extend(extra);
    }
    misses.sort_by(order);
    misses.truncate(MAX_NEAR_MISSES);
    misses
}

/// Shared passages of every verified pair, in parallel; each document is
/// prepared once.
fn align_pairs(
    passed: &[ScoredPair],
    documents: &[Document],
    shingler: &Shingler,
    config: &AlignConfig,
) -> Vec<(ScoredPair, Vec<Passage>)> {
    let mut needed = BitVec::from_elem(documents.len(), false);
    for p in passed {
        needed.set(p.pair.a.index(), true);
        needed.set(p.pair.b.index(), true);
    }
    let prepared: Vec<Option<AlignText>> = documents
        .par_iter()
        .enumerate()
        .map(|(i, doc)| needed[i].then(|| AlignText::new(&doc.text, shingler)))
        .collect();
    passed
        .par_iter()
        .map(|scored| {
            let prepared_of = |d: DocId| {
                prepared[d.index()]
                    .as_ref()
                    .expect("every paired document is prepared")
            };
            let passages = align(
                prepared_of(scored.pair.a),
                prepared_of(scored.pair.b),
                config,
            );
            (*scored, passages)
        })
        .collect()
}

fn pair_scores(scored: &ScoredPair, documents: &[Document]) -> PairScores {
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

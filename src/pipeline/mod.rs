//! The scan: every stage in order, on one thread pool.
//!
//! Input: a [`Config`] and a stream of input [`Entry`] values. Output: a [`Scan`],
//! the [`Report`] plus the scanned documents.
//!
//! Stages: read -> normalize + shingle + sketch (module `read`: parallel per
//! document, in chunks so the reader never runs far ahead) -> LSH and overlap
//! candidates -> exact verification, shared passages and grades (module `pairs`:
//! batch by batch, rereading the texts of candidates) -> clusters -> report.
//! Only signatures and per-document counts are held for the whole corpus.
//! Parallel stages collect in input order, and every list in the report is
//! sorted by a total order, so the report is the same at any thread count.

mod pairs;
mod read;

use std::time::Instant;

use bit_vec::BitVec;
use rayon::prelude::*;

use crate::align::{align, AlignText, Passage};
use crate::boilerplate::BoilerplateMarker;
use crate::cluster::{cluster, Cluster};
use crate::config::Config;
use crate::error::Error;
use crate::fingerprint::Winnower;
use crate::grade::{can_be_reuse, grade, parse_time, Source, Verdict};
use crate::hash::HASH_NAME;
use crate::ids::{CandidatePair, DocId};
use crate::input::{Document, Entry};
use crate::lsh::{candidates, LshParams};
use crate::overlap::{self, OverlapParams};
use crate::progress::{Progress, Silent, Stage};
use crate::report::{
    ClusterReport, Comparison, Counts, HashInfo, LshReport, OverlapReport, PairReport, PairScores,
    Parameters, Report, ReuseReport, RunInfo, StoryClusterReport, StoryReport, Suppressed, Timings,
    Tool, FORMAT_VERSION,
};
use crate::shingle::{Scratch, ShingleSet, Shingler};
use crate::sketch::MinHasher;
use crate::story::cluster::story_clusters;
use crate::story::{self, Background, StoryProfile, StorySimilarity, TermWeights};
use crate::verify::{score, ScoredPair, Similarity};
use pairs::{align_and_grade, prepare, Candidate, Found, FoundBy, Graded, PairChecker, BATCH_DOCS};
use read::{read_and_sketch, Sketched, Sketcher};
use std::borrow::Cow;

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
    /// The scanned documents; `DocId(i)` is `documents[i]`. Documents read
    /// from files hold no text: [`Document::load_text`] reads it again.
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
    run_with_progress(config, entries, &Silent)
}

/// [`run`], telling `progress` how far it got (for progress bars).
///
/// # Errors
/// As [`run`].
pub fn run_with_progress<I>(
    config: &Config,
    entries: I,
    progress: &dyn Progress,
) -> crate::Result<Scan>
where
    I: IntoIterator<Item = crate::Result<Entry>>,
{
    config.validate()?;
    let pool = thread_pool(config)?;
    run_stages(config, entries.into_iter(), &pool, progress)
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
    let texts = [a.load_text()?, b.load_text()?];
    let mut scratch = Scratch::default();
    let mut sets = Vec::with_capacity(2);
    for (doc, text) in [a, b].iter().zip(&texts) {
        let set = shingler.shingle_set(text, &mut scratch);
        if set.is_empty() {
            return Err(Error::NoWords {
                document: doc.origin.to_string(),
            });
        }
        sets.push(set);
    }
    let signatures = [hasher.sketch(&sets[0]), hasher.sketch(&sets[1])];
    let pair = CandidatePair {
        a: DocId(0),
        b: DocId(1),
    };
    let scored = score(pair, &sets[0], &sets[1], &signatures);
    let marker =
        BoilerplateMarker::new(winnower(config), &config.overlap.ignore_phrases, &shingler);
    let documents = [a, b];
    let times = document_times(config, documents.iter().copied()).0;
    let prepared = [
        prepare(&texts[0], &shingler, Some(&marker)),
        prepare(&texts[1], &shingler, Some(&marker)),
    ];
    let background = story_background(config)?;
    let weights = background
        .as_ref()
        .map(|b| TermWeights::of_texts(b, &[&texts[0], &texts[1]], &shingler));
    let story = weights.as_ref().map(|w| {
        StoryProfile::new(&prepared[0], w).similarity(&StoryProfile::new(&prepared[1], w))
    });
    let graded = align_and_grade(
        &[Candidate {
            scored,
            found_by: FoundBy::default(),
            story,
        }],
        |d| &prepared[d.index()],
        &times,
        config,
        weights.as_ref(),
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

/// The shared passages, verdict and story similarity of each listed pair of
/// texts (indexes into `texts`), whatever their similarity: no candidate
/// stage, no threshold, and every pair aligned. The story stage's document
/// frequencies come from the texts of the listed pairs. Evaluations on
/// labeled pairs use it.
///
/// # Errors
/// An invalid config, or a thread pool that cannot start.
pub fn align_listed(
    config: &Config,
    texts: &[&str],
    pairs: &[(usize, usize)],
) -> crate::Result<Vec<ListedPair>> {
    config.validate()?;
    if let Some(&(a, b)) = pairs.iter().find(|&&(a, b)| a.max(b) >= texts.len()) {
        return Err(Error::PairOutOfRange {
            a,
            b,
            texts: texts.len(),
        });
    }
    let pool = thread_pool(config)?;
    let shingler = Shingler::new(config.shingle, config.seed);
    let background = story_background(config)?;
    let mut needed = BitVec::from_elem(texts.len(), false);
    for &(a, b) in pairs {
        needed.set(a, true);
        needed.set(b, true);
    }
    pool.install(|| {
        let needed_texts: Vec<&str> = (0..texts.len())
            .filter(|&i| needed[i])
            .map(|i| texts[i])
            .collect();
        // Document frequencies from every text of a listed pair.
        let weights = background
            .as_deref()
            .map(|b| TermWeights::of_texts(b, &needed_texts, &shingler));
        drop(needed_texts);
        let prepared: Vec<Option<(AlignText, ShingleSet, Option<StoryProfile>)>> = texts
            .par_iter()
            .enumerate()
            .map(|(i, text)| {
                needed[i].then(|| {
                    let prepared = prepare(text, &shingler, None);
                    let set = shingler.shingle_set(text, &mut Scratch::default());
                    let profile = weights.as_ref().map(|w| StoryProfile::new(&prepared, w));
                    (prepared, set, profile)
                })
            })
            .collect();
        let of = |i: usize| {
            prepared[i]
                .as_ref()
                .expect("every text of a listed pair is prepared")
        };
        Ok(pairs
            .par_iter()
            .map(|&(a, b)| {
                let ((text_a, set_a, profile_a), (text_b, set_b, profile_b)) = (of(a), of(b));
                let passages = align(text_a, text_b, &config.align).passages;
                let story = profile_a
                    .as_ref()
                    .zip(profile_b.as_ref())
                    .map(|(x, y)| x.similarity(y));
                let verdict = grade(
                    &Similarity::between(set_a, set_b),
                    &passages,
                    (text_a.len(), text_b.len()),
                    story.as_ref().map(|s| s.similarity),
                    (None, None),
                    config.threshold,
                    &config.grade,
                )
                .verdict;
                ListedPair {
                    passages,
                    verdict,
                    story,
                }
            })
            .collect())
    })
}

/// A listed pair aligned and graded by [`align_listed`].
#[derive(Debug, Clone)]
pub struct ListedPair {
    /// Its shared passages.
    pub passages: Vec<Passage>,
    /// Its verdict (no publication times).
    pub verdict: Verdict,
    /// Its story similarity (`None` when the story stage is off).
    pub story: Option<StorySimilarity>,
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

/// The winnower whose guarantee is the shortest passage.
fn winnower(config: &Config) -> Winnower {
    Winnower::for_min_passage(config.align.min_passage_words).with_seed(config.seed)
}

fn run_stages(
    config: &Config,
    entries: impl Iterator<Item = crate::Result<Entry>>,
    pool: &rayon::ThreadPool,
    progress: &dyn Progress,
) -> crate::Result<Scan> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let shingler = Shingler::new(config.shingle, config.seed);
    let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
    let marker =
        BoilerplateMarker::new(winnower(config), &config.overlap.ignore_phrases, &shingler);
    let background = story_background(config)?;

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
            background: background.as_deref(),
        },
        &mut timings,
        progress,
    )?;
    let threads = pool.current_num_threads();
    let setup = Setup {
        config,
        shingler: &shingler,
        background: background.as_deref(),
        threads,
        progress,
    };
    pool.install(|| find_pairs(&setup, sketched, marker, timings, started))
}

/// What every stage after sketching reads: the settings, the word cutter, the
/// story stage's background model, the pool's size.
#[derive(Clone, Copy)]
struct Setup<'a> {
    config: &'a Config,
    shingler: &'a Shingler,
    background: Option<&'a Background>,
    threads: usize,
    progress: &'a dyn Progress,
}

/// Every stage after sketching.
fn find_pairs(
    setup: &Setup,
    sketched: Sketched,
    marker: BoilerplateMarker,
    mut timings: Timings,
    started: Instant,
) -> crate::Result<Scan> {
    let Setup {
        config,
        shingler,
        background,
        threads,
        progress,
    } = *setup;
    let Sketched {
        documents,
        signatures,
        fingerprints,
        words,
        distinctive,
        document_frequencies,
        skipped,
        read_count,
        phrase_occurrences,
    } = sketched;

    progress.start(Stage::Candidates, None);
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
    let exhaustive = documents.len() <= EXHAUSTIVE_NEAR_MISS_DOCS;
    // A corpus small enough to compare every pair gives the story stage every
    // pair too: no story is missed for want of shared distinctive terms.
    let story_pairs: Vec<CandidatePair> = match background {
        None => Vec::new(),
        Some(_) if exhaustive => {
            let n = documents.len() as u32;
            (0..n)
                .flat_map(|a| {
                    (a + 1..n).map(move |b| CandidatePair {
                        a: DocId(a),
                        b: DocId(b),
                    })
                })
                .collect()
        }
        Some(_) => {
            story::candidates::candidates(
                &distinctive,
                story::candidates::MAX_POSTINGS,
                story::candidates::MAX_CHANCE_PARTNERS,
            )
            .pairs
        }
    };
    drop(distinctive);
    let weights = background.map(|b| TermWeights::new(b, document_frequencies, documents.len()));
    let merged = merge_candidates(&minhash_pairs, &overlap_pairs, &story_pairs);
    let found_by_both = merged
        .iter()
        .filter(|f| f.by.minhash && f.by.overlap)
        .count();
    let marker = match &overlap {
        Some(o) => marker.with_common(o.boilerplate().to_vec()),
        None => marker,
    };
    timings.overlap = clock.elapsed().as_secs_f64();

    // Every document of a candidate pair is read again and cut into words
    // once per batch: its shingle set for verification and its alignment both
    // come from those words.
    let doc_refs: Vec<&Document> = documents.iter().collect();
    let (times, documents_without_time) = document_times(config, doc_refs.iter().copied());
    let checker = PairChecker {
        config,
        shingler,
        marker: &marker,
        documents: &documents,
        signatures: &signatures,
        times: &times,
        batch_docs: BATCH_DOCS,
        weights: weights.as_ref(),
        progress,
    };
    let checked = checker.check(&merged, exhaustive, &mut timings)?;
    drop(times);
    let (mut listed, unlisted): (Vec<Graded>, Vec<Graded>) = checked
        .graded
        .into_iter()
        .partition(|g| g.grade.verdict != Verdict::Unrelated);
    let rejected = checked.rejected;

    let clock = Instant::now();
    let verified: Vec<CandidatePair> = listed
        .iter()
        .chain(&unlisted)
        .filter(|g| g.candidate.scored.similarity.jaccard >= config.threshold)
        .map(|g| g.candidate.scored.pair)
        .collect();
    // Cluster members are documents of verified pairs, all read in a batch.
    let chars = &checked.chars;
    let clusters = cluster(
        documents.len(),
        &verified,
        |d: DocId| {
            let i = chars
                .binary_search_by_key(&d, |&(doc, _)| doc)
                .expect("the pair stage counts the characters of every document it reads");
            chars[i].1
        },
        config.cluster.keep,
    );
    let story_links: Vec<(DocId, DocId, f64)> = listed
        .iter()
        .chain(&unlisted)
        .map(|g| &g.candidate)
        .chain(&rejected)
        .filter_map(|c| {
            let s = c.story.as_ref()?;
            Some((c.scored.pair.a, c.scored.pair.b, s.similarity))
        })
        .collect();
    let story_clusters = story_clusters(&story_links, config.grade.story_threshold);
    drop(story_links);
    timings.cluster = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    listed.sort_by(report_order);
    let mut near_misses: Vec<ScoredPair> = rejected.iter().map(|c| c.scored).collect();
    near_misses.extend(unlisted.iter().map(|g| g.candidate.scored));
    near_misses.extend(checked.non_candidates);
    near_misses.sort_by(order);
    near_misses.truncate(MAX_NEAR_MISSES);
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
        rewrite_pairs: verdict_count(Verdict::Rewrite),
        story_candidates: story_pairs.len(),
        story_rejected: checked.story_rejected,
        story_clusters: story_clusters.len(),
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
            story_background: background.map(|b| b.name().to_string()),
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
        story_clusters: story_clusters
            .iter()
            .map(|c| StoryClusterReport {
                size: c.members.len(),
                members: c.members.iter().map(|&m| id(m)).collect(),
                weakest_link: c.weakest_link,
                linked_share: c.linked_share,
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
    Ok(Scan {
        report,
        documents,
        clusters,
    })
}

/// Report order of graded pairs: strongest verdict, then (rewrites) highest
/// story similarity, then highest Jaccard, then most reused text, then the
/// documents' input order.
fn report_order(x: &Graded, y: &Graded) -> std::cmp::Ordering {
    let reused = |g: &Graded| g.grade.reused_words_a + g.grade.reused_words_b;
    // Rewrites share little text, so their Jaccard says nothing: story first.
    let story = |g: &Graded| match g.grade.verdict {
        Verdict::Rewrite => g.candidate.story.as_ref().map_or(0.0, |s| s.similarity),
        _ => 0.0,
    };
    x.grade
        .verdict
        .cmp(&y.grade.verdict)
        .then(story(y).total_cmp(&story(x)))
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

/// Merges the candidate stages' sorted lists into one sorted list, each pair
/// once with every stage that found it.
fn merge_candidates(
    minhash: &[CandidatePair],
    overlap: &[CandidatePair],
    story: &[CandidatePair],
) -> Vec<Found> {
    let by = |minhash, overlap, story| FoundBy {
        minhash,
        overlap,
        story,
    };
    let mut all: Vec<Found> = Vec::with_capacity(minhash.len() + overlap.len() + story.len());
    for (list, found_by) in [
        (minhash, by(true, false, false)),
        (overlap, by(false, true, false)),
        (story, by(false, false, true)),
    ] {
        all.extend(list.iter().map(|&pair| Found { pair, by: found_by }));
    }
    all.sort_unstable_by_key(|f| f.pair);
    let mut merged: Vec<Found> = Vec::with_capacity(all.len());
    for found in all {
        match merged.last_mut() {
            Some(last) if last.pair == found.pair => {
                last.by.minhash |= found.by.minhash;
                last.by.overlap |= found.by.overlap;
                last.by.story |= found.by.story;
            }
            _ => merged.push(found),
        }
    }
    merged
}

/// The background model of the story stage, or `None` when it is off.
fn story_background(config: &Config) -> crate::Result<Option<Cow<'static, Background>>> {
    if !config.story.enabled {
        return Ok(None);
    }
    Ok(Some(match &config.story.idf {
        Some(path) => Cow::Owned(Background::from_file(path)?),
        None => Cow::Borrowed(Background::english()),
    }))
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

fn pair_report(graded: Graded, documents: &[&Document]) -> PairReport {
    let Graded {
        candidate,
        passages,
        grade,
        evidence,
        story_passage,
        ..
    } = graded;
    let pair = candidate.scored.pair;
    let mut found_by = Vec::new();
    if candidate.found_by.minhash {
        found_by.push("minhash");
    }
    if candidate.found_by.overlap {
        found_by.push("overlap");
    }
    if candidate.found_by.story {
        found_by.push("story");
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
        story: candidate.story.as_ref().map(|s| StoryReport {
            similarity: s.similarity,
            cosine: s.cosine,
            passage_containment: s.passage_containment,
            passage: story_passage,
            shared: evidence,
        }),
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

//! The scan: every stage in order, on one thread pool.
//!
//! Input: a [`Config`] and a stream of input [`Entry`] values. Output: a [`Scan`],
//! the [`Report`] plus the scanned documents.
//!
//! Stages, one submodule each: `read` (read -> normalize + shingle + sketch,
//! parallel per document, in chunks so the reader never runs far ahead) ->
//! `candidates` (LSH, overlap and story candidates, merged) -> `pairs` (exact
//! verification, shared passages and grades, batch by batch, rereading the
//! texts of candidates) -> clusters and story clusters (here) -> `assemble`
//! (the report). `direct` runs the same pair stage on pairs given directly.
//! Only per-document data (id, place, counts, copy key, distinctive terms)
//! is held for the whole corpus; band keys and the overlap stage's
//! fingerprints spill past the memory budget.
//! Parallel stages collect in input order, and every list in the report is
//! sorted by a total order, so the report is the same at any thread count.

#[cfg(feature = "index")]
mod article;
mod assemble;
mod candidates;
mod direct;
mod given;
mod ordered;
mod pairs;
mod read;

use std::borrow::Cow;
use std::time::Instant;

use bit_vec::BitVec;

use crate::boilerplate::{self, BoilerplateMarker};
use crate::cluster::{cluster, cluster_of, Cluster};
use crate::config::{Config, TimeField};
use crate::copies::Copies;
use crate::defaults;
use crate::error::Error;
use crate::fingerprint::Winnower;
use crate::ids::{CandidatePair, DocId};
use crate::input::{parse_time, Document, Entry};
use crate::lsh::LshParams;
use crate::overlap::Days;
use crate::progress::{Progress, Silent, Stage};
use crate::report::{Report, Timings};
use crate::shingle::Shingler;
use crate::sketch::MinHasher;
pub use crate::story::linkage::StoryCluster;
use crate::story::linkage::{link_strength, story_clusters};
use crate::story::{Background, TermWeights};
use crate::verify::ScoredPair;
#[cfg(feature = "index")]
pub use article::{ArticleSketch, ArticleSketcher};
use assemble::{assemble, near_miss_order, Findings};
pub use assemble::{pair_order_key, PairOrderKey, MAX_NEAR_MISSES};

pub use candidates::EXHAUSTIVE_NEAR_MISS_DOCS;
use candidates::{find_candidates, ByEntry};
pub use direct::{align_listed, compare, ListedPair};
pub use given::{check_given, check_given_linked, GivenCandidates, GivenPair};
use pairs::{group_words, Checked, Graded, PairChecker, BATCH_WORDS};
pub use read::without_words;
use read::{read_and_sketch, Sketched, Sketcher, NOT_A_DOCUMENT};

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
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use reprint::progress::{Progress, Stage};
/// use reprint::{Config, CorpusReader};
///
/// /// Counts the documents read.
/// struct Counter(AtomicU64);
///
/// impl Progress for Counter {
///     fn start(&self, _stage: Stage, _total: Option<u64>) {}
///     fn advance(&self, units: u64) {
///         self.0.fetch_add(units, Ordering::Relaxed);
///     }
/// }
///
/// let config = Config::default();
/// let reader = CorpusReader::open(&["seeds".into()], &config.input)?;
/// let counter = Counter(AtomicU64::new(0));
/// let scan = reprint::run_with_progress(&config, reader, &counter)?;
/// assert!(counter.0.load(Ordering::Relaxed) >= scan.report.counts.documents_read as u64);
/// # Ok::<(), reprint::Error>(())
/// ```
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

fn thread_pool(config: &Config) -> crate::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|source| Error::ThreadPool {
            threads: config.threads,
            source,
        })
}

/// The settings a scan with `config` states in its report, when documents
/// were read with `time_field`: for a report assembled elsewhere (the Spark
/// job's, from its parts).
///
/// # Errors
/// Invalid settings; a story background file that cannot be read.
pub fn report_parameters(
    config: &Config,
    time_field: Option<String>,
) -> crate::Result<crate::report::Parameters> {
    config.validate()?;
    let background = story_background(config)?.map(|b| b.name().to_string());
    Ok(assemble::parameters(
        config,
        &winnower(config),
        background,
        time_field,
    ))
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
    let winnower = winnower(config);
    let marker = BoilerplateMarker::new(winnower, &config.overlap.ignore_phrases, &shingler);
    let background = story_background(config)?;

    // The input stream may not be `Send` (stdin), so reading stays on this thread
    // and only the sketching of each chunk runs on the pool.
    let sketched = read_and_sketch(
        entries,
        pool,
        &Sketcher {
            shingler: &shingler,
            hasher: &hasher,
            lsh: lsh_params(config),
            marker: &marker,
            overlap: config.overlap.enabled,
            spill_budget: config.spill_budget(),
            background: background.as_deref(),
        },
        &mut timings,
        progress,
    )?;
    let setup = Setup {
        config,
        shingler: &shingler,
        hasher: &hasher,
        winnower: &winnower,
        background: background.as_deref(),
        threads: pool.current_num_threads(),
        progress,
    };
    pool.install(|| find_pairs(&setup, sketched, marker, timings, started))
}

/// The banding of `config`: the bands x rows given, or chosen for its
/// threshold.
fn lsh_params(config: &Config) -> LshParams {
    LshParams::resolve(
        config.lsh.bands,
        config.lsh.rows,
        config.threshold,
        config.sketch.num_perm,
    )
}

/// What every stage after sketching reads: the settings, the word cutter and
/// winnower, the story stage's background model, the pool's size.
#[derive(Clone, Copy)]
struct Setup<'a> {
    config: &'a Config,
    shingler: &'a Shingler,
    hasher: &'a MinHasher,
    winnower: &'a Winnower,
    background: Option<&'a Background>,
    threads: usize,
    progress: &'a dyn Progress,
}

/// Every stage after sketching: candidates, the pair stage, clusters, the
/// report.
fn find_pairs(
    setup: &Setup,
    sketched: Sketched,
    marker: BoilerplateMarker,
    mut timings: Timings,
    started: Instant,
) -> crate::Result<Scan> {
    let config = setup.config;
    let Sketched {
        documents,
        band_keys,
        copy_keys,
        fingerprints,
        templates,
        entry_docs,
        words,
        mut distinctive,
        lead_days,
        document_frequencies,
        skipped,
        read_count,
        phrase_occurrences,
    } = sketched;

    let DocumentTimes {
        times,
        missing: documents_without_time,
        field: time_field,
    } = document_times(config, &documents.iter().collect::<Vec<_>>());
    let days = document_days(&times, &lead_days);
    drop(lead_days);

    setup.progress.start(Stage::Candidates, None);
    let clock = Instant::now();
    // A copy takes part through the document it copies: its fingerprints,
    // templates and distinctive terms would only count that text again.
    let copies = Copies::find_by_keys(&copy_keys);
    drop(copy_keys);
    for doc in (0..documents.len()).filter(|&d| copies.is_copy(DocId(d as u32))) {
        distinctive[doc] = Box::default();
    }
    // Band keys, fingerprints and templates were stored by entry number.
    let doc_of = |entry: u32| {
        entry_docs
            .get(entry as usize)
            .filter(|&&doc| doc != NOT_A_DOCUMENT)
            .map(|&doc| DocId(doc))
            .filter(|&doc| !copies.is_copy(doc))
    };
    let band_keys_spilled = band_keys.spilled_bytes();
    let candidates = find_candidates(
        setup,
        ByEntry {
            band_keys,
            fingerprints,
            doc_of: &doc_of,
        },
        &copies,
        &words,
        distinctive,
        days.as_ref(),
    )?;
    drop(days);
    let weights = setup
        .background
        .map(|b| TermWeights::new(b, document_frequencies, documents.len()));
    let mut spilled_bytes = band_keys_spilled
        + candidates
            .overlap
            .as_ref()
            .map_or(0, |o| o.stats().spilled_bytes);
    let marker = match (&candidates.overlap, templates) {
        (Some(o), Some(templates)) => {
            spilled_bytes += templates.spilled_bytes();
            marker
                .with_common(o.boilerplate().to_vec())
                .with_common_templates(boilerplate::templates(templates, &doc_of)?)
        }
        _ => marker,
    };
    // The rest of the candidate stage (copies, templates, merging) counts as
    // the overlap stage's, which is most of it.
    let (lsh, story) = candidates.seconds;
    timings.lsh = lsh;
    timings.story = story;
    timings.overlap = clock.elapsed().as_secs_f64() - lsh - story;

    let checker = PairChecker {
        config,
        shingler: setup.shingler,
        marker: &marker,
        documents: &documents,
        hasher: setup.hasher,
        times: &times,
        words: &words,
        batch_words: BATCH_WORDS,
        group_words: group_words(config),
        weights: weights.as_ref(),
        progress: setup.progress,
    };
    let checked = checker.check(&candidates.merged, candidates.exhaustive, &mut timings)?;
    drop(times);

    let clock = Instant::now();
    let groups = group(checked, documents.len(), config);
    timings.cluster = clock.elapsed().as_secs_f64();
    timings.total = started.elapsed().as_secs_f64();

    let (report, clusters) = assemble(Findings {
        config,
        winnower: setup.winnower,
        story_background: setup.background.map(|b| b.name().to_string()),
        common_templates: marker.common_template_count(),
        documents: &documents,
        read_count,
        skipped,
        phrase_occurrences,
        documents_without_time,
        time_field,
        candidates: &candidates,
        copies: &copies,
        groups,
        threads: setup.threads,
        timings,
        spilled_bytes,
    });
    Ok(Scan {
        report,
        documents,
        clusters,
    })
}

/// The checked pairs sorted out: listed or not, grouped into duplicate
/// clusters and story clusters, and the closest pairs that were not listed.
struct Groups {
    listed: Vec<Graded>,
    unlisted: Vec<Graded>,
    rejected: usize,
    story_rejected: usize,
    /// Pairs at or above the threshold.
    verified: usize,
    clusters: Vec<Cluster>,
    story_clusters: Vec<StoryCluster>,
    /// Every scored pair's story link: what `story_clusters` were made of.
    story_links: Vec<StoryLink>,
    near_misses: Vec<ScoredPair>,
}

/// Two documents and how strongly they tell one story: the mean of their
/// story similarity and the cosine of their names and numbers.
pub type StoryLink = (DocId, DocId, f64);

/// Duplicate clusters from the verified pairs, story clusters from every
/// story link, and the near misses.
fn group(checked: Checked, doc_count: usize, config: &Config) -> Groups {
    let (listed, unlisted): (Vec<Graded>, Vec<Graded>) = checked
        .graded
        .into_iter()
        .partition(|g| g.grade.verdict.is_listed());
    let rejected = checked.rejected;
    let aligned = || listed.iter().chain(&unlisted);
    let verified: Vec<CandidatePair> = aligned()
        .filter(|g| g.candidate.scored.similarity.jaccard >= config.threshold)
        .map(|g| g.candidate.scored.pair)
        .collect();
    // Cluster members are documents of verified pairs, all read in a batch.
    let chars = &checked.chars;
    let clusters = cluster(
        doc_count,
        &verified,
        |d: DocId| {
            let i = chars
                .binary_search_by_key(&d, |&(doc, _)| doc)
                .expect("the pair stage counts the characters of every document it reads");
            chars[i].1
        },
        config.cluster.keep,
    );
    let mut story_links: Vec<StoryLink> = aligned()
        .map(|g| &g.candidate)
        .chain(&rejected)
        .filter_map(|c| {
            let s = c.story.as_ref()?;
            Some((c.scored.pair.a, c.scored.pair.b, link_strength(s)))
        })
        .collect();
    story_links.extend(checked.story_links);
    let story_clusters = story_clusters_of_accounts(
        &story_links,
        &clusters,
        doc_count,
        config.story.cluster_threshold,
    );
    let mut near_misses: Vec<ScoredPair> = rejected.iter().map(|c| c.scored).collect();
    near_misses.extend(unlisted.iter().map(|g| g.candidate.scored));
    near_misses.extend(checked.non_candidates);
    near_misses.sort_by(near_miss_order);
    near_misses.truncate(MAX_NEAR_MISSES);
    Groups {
        verified: verified.len(),
        rejected: rejected.len(),
        story_rejected: checked.story_rejected,
        listed,
        unlisted,
        clusters,
        story_clusters,
        story_links,
        near_misses,
    }
}

/// Story clusters of distinct accounts: the members of a duplicate cluster
/// tell one story in one text, so they count as one account, named by their
/// first member and linked to another account by their strongest link. A
/// large cluster lists its members' pairs with one of them only (copies, and
/// crowded LSH buckets), which average linkage over single documents would
/// read as weak ties. A story cluster holds at least two accounts, each with
/// all its members.
///
/// Average linkage merges only linked groups, so the clusters of each
/// connected component of the accounts' links are those of the whole: an
/// engine may call this per component (numbering each one's documents in
/// corpus order).
pub fn story_clusters_of_accounts(
    links: &[StoryLink],
    clusters: &[Cluster],
    doc_count: usize,
    threshold: f64,
) -> Vec<StoryCluster> {
    let cluster_of = cluster_of(clusters, doc_count);
    // An account is named by its first member (a cluster's members are in
    // input order).
    let account = |d: DocId| cluster_of[d.index()].map_or(d, |c| clusters[c as usize].members[0]);
    let mut between: Vec<(DocId, DocId, f64)> = links
        .iter()
        .map(|&(a, b, s)| {
            let (x, y) = (account(a), account(b));
            (x.min(y), x.max(y), s)
        })
        .filter(|&(a, b, _)| a != b)
        .collect();
    // One link per pair of accounts, the strongest (first after the sort).
    between.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(y.2.total_cmp(&x.2)));
    between.dedup_by_key(|&mut (a, b, _)| (a, b));
    let expand = |first: DocId| -> Vec<DocId> {
        cluster_of[first.index()]
            .map_or_else(|| vec![first], |c| clusters[c as usize].members.clone())
    };
    let mut story = story_clusters(&between, threshold);
    for cluster in &mut story {
        let mut members: Vec<DocId> = cluster.members.iter().flat_map(|&a| expand(a)).collect();
        members.sort_unstable();
        cluster.members = members;
    }
    // Expanding changes sizes: back in the documented order.
    story.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then_with(|| x.members.cmp(&y.members))
    });
    story
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

/// Each document's day for the overlap stage's recurring text: by
/// publication time when most documents have one, else by dateline; none
/// when no document's day is known.
fn document_days(times: &[Option<i64>], lead_days: &[Option<u16>]) -> Option<Days> {
    let timed = times.iter().filter(|t| t.is_some()).count();
    let timing = Timing {
        field: None,
        timed,
        by_time: days_by_time(timed, times.len()),
    };
    let days = timing.days(
        times
            .iter()
            .zip(lead_days)
            .map(|(&time, &lead_day)| timing.day(time, lead_day))
            .collect(),
    );
    days.days.iter().any(Option::is_some).then_some(days)
}

/// A corpus's time field and documents' days, from how many documents have
/// a readable time in each field: the rule a scan follows, for an index's
/// check (over the catalog and the new documents) and a cluster engine
/// (over counts summed across the corpus) to follow too.
#[derive(Debug, Clone)]
pub struct Timing {
    /// The field read (an index into the catalog's fields), if any.
    pub field: Option<usize>,
    /// Documents with a readable time in it.
    pub timed: usize,
    /// Whether days are publication days (else dateline days of the year).
    pub by_time: bool,
}

impl Timing {
    /// The timing of `documents` documents, `readable` of them readable in
    /// each field, for a scan that `detect`s its field (else reads the only
    /// one, if any).
    pub fn of(readable: &[usize], documents: usize, detect: bool) -> Timing {
        let field = if detect {
            detected_time_field(readable)
        } else {
            (!readable.is_empty()).then_some(0)
        };
        let timed = field.map_or(0, |f| readable[f]);
        Timing {
            field,
            timed,
            by_time: days_by_time(timed, documents),
        }
    }

    /// The day of a document with `time` in the field read and `lead_day`
    /// from its dateline, as the overlap stage's recurring rule counts it.
    pub fn day(&self, time: Option<i64>, lead_day: Option<u16>) -> Option<u32> {
        if self.by_time {
            time.and_then(day_of_time)
        } else {
            lead_day.map(u32::from)
        }
    }

    /// The days of `days` documents under this timing (for their span).
    pub fn days(&self, days: Vec<Option<u32>>) -> Days {
        Days {
            days,
            around_the_year: !self.by_time,
        }
    }
}

/// Whether documents' days are their publication days (`timed` of
/// `documents` have a time: most of them) rather than their datelines'.
pub(crate) fn days_by_time(timed: usize, documents: usize) -> bool {
    timed * 2 > documents
}

/// The day (since 1970) of a publication time in Unix seconds.
pub(crate) fn day_of_time(time: i64) -> Option<u32> {
    const DAY_SECONDS: i64 = 24 * 3600;
    u32::try_from(time.div_euclid(DAY_SECONDS)).ok()
}

/// The field of [`defaults::TIME_FIELDS`] a scan that detects its time field
/// reads: the one with most readable times (`readable[i]` for the i-th),
/// the earlier on a tie; none when no document has one.
pub(crate) fn detected_time_field(readable: &[usize]) -> Option<usize> {
    // max_by_key keeps the last maximum, so the fields are tried in reverse.
    (0..readable.len())
        .rev()
        .filter(|&i| readable[i] > 0)
        .max_by_key(|&i| readable[i])
}

/// The documents' publication times, as the pair stage reads them.
struct DocumentTimes {
    /// Per document, in input order: Unix seconds, if readable.
    times: Vec<Option<i64>>,
    /// Documents with no readable time (0 when no field is read).
    missing: usize,
    /// The field read, if any (named, or detected).
    field: Option<String>,
}

/// Publication times of the documents from the configured field, or from the
/// detected one (see [`TimeField::Detect`]).
fn document_times(config: &Config, documents: &[&Document]) -> DocumentTimes {
    let read = |field: &str| -> Vec<Option<i64>> {
        documents
            .iter()
            .map(|d| d.metadata().get(field).and_then(parse_time))
            .collect()
    };
    let (times, field) = match &config.input.time_field {
        TimeField::Ignore => (vec![None; documents.len()], None),
        TimeField::Named(field) => (read(field), Some(field.clone())),
        TimeField::Detect => {
            let mut by_field: Vec<Vec<Option<i64>>> =
                defaults::TIME_FIELDS.iter().map(|&f| read(f)).collect();
            let readable: Vec<usize> = by_field
                .iter()
                .map(|times| times.iter().flatten().count())
                .collect();
            match detected_time_field(&readable) {
                Some(i) => (
                    std::mem::take(&mut by_field[i]),
                    Some(defaults::TIME_FIELDS[i].to_string()),
                ),
                None => (vec![None; documents.len()], None),
            }
        }
    };
    let missing = match field {
        Some(_) => times.iter().filter(|t| t.is_none()).count(),
        None => 0,
    };
    DocumentTimes {
        times,
        missing,
        field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_follows_the_scans_rule() {
        // Field 1 has most readable times; most documents are timed.
        let t = Timing::of(&[2, 3, 3], 5, true);
        assert_eq!((t.field, t.timed, t.by_time), (Some(1), 3, true));
        assert_eq!(t.day(Some(86_400 * 3 + 5), Some(9)), Some(3));
        let t = Timing::of(&[2], 5, false);
        assert!(!t.by_time);
        assert_eq!(t.day(Some(86_400), Some(9)), Some(9));
        assert_eq!(Timing::of(&[], 5, false).field, None);
    }
}

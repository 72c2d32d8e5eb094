//! `reprint.ScanPlan`: the scan cut into steps a cluster engine (the Spark
//! job, `spark/reprint_spark.py`) runs between its shuffles. The engine
//! groups and joins; every decision is the library's, through these calls:
//! reading and sketching lines, the time field, each kind of key group's
//! rule, the pair stage over a bucket of candidates, the duplicate and story
//! clusters of one component, and the report's order.
//!
//! Keys cross as signed 64-bit integers (their bits; Spark's `LongType`):
//! the calls turn them back before any rule orders them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use reprint::config::{Keep, TimeField};
use reprint::defaults::TIME_FIELDS;
use reprint::report::{
    Counts, RunInfo, StoryClusterReport, Suppressed, Timings, Tool, FORMAT_VERSION,
};
use reprint::stages::{
    bucket_pairs_of, check_given_linked, cluster, implied_pairs, is_crowded, is_listed_group,
    is_template, listed_pairs, pair_order_key, report_parameters, story_clusters_of_accounts,
    template_id, without_words, ArticleSketcher, CandidatePair, ChanceRule, Cluster, Days,
    FingerprintRole, GivenCandidates, GivenPair, Rules, Timing, EXHAUSTIVE_NEAR_MISS_DOCS,
    MAX_BUCKET, MAX_CHANCE_PARTNERS, MAX_NEAR_MISSES, MAX_POSTINGS,
};
use reprint::{document_from_line, parse_time, Config, DocId, Document, Entry, Report};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::errors::to_py;
use crate::settings::{config_from, CORPUS, GLOBAL, SHINGLE, SIMILARITY, STORY};

/// The steps of one scan's settings (the CLI's options by name, as `scan`).
#[pyclass(module = "reprint", frozen)]
pub struct ScanPlan {
    config: Config,
    sketcher: ArticleSketcher,
    rules: Rules,
}

/// The counts of a report that are sums over its pairs (each pair's grade
/// alone decides them), by section: a report of parts adds up its parts'.
/// The other counts are the corpus's, the engine's to make.
const PAIR_COUNTS: [(&str, &[&str]); 2] = [
    (
        "counts",
        &[
            "found_by_both",
            "verified_pairs",
            "rejected_pairs",
            "aligned_pairs",
            "duplicate_pairs",
            "near_duplicate_pairs",
            "partial_reuse_pairs",
            "rewrite_pairs",
            "story_rejected",
        ],
    ),
    (
        "suppressed",
        &[
            "boilerplate_passages",
            "pairs_without_reuse",
            "pairs_with_repetitive_text",
            "stories_without_specifics",
            "stories_far_apart",
            "recurring_reports",
            "stories_with_other_amounts",
        ],
    ),
];

/// `report`'s [`PAIR_COUNTS`], as `(section, name, count)`.
fn pair_counts(report: &Report) -> PyResult<Vec<(&'static str, &'static str, u64)>> {
    let section_value = |value: serde_json::Result<Value>| {
        value.map_err(|err| PyValueError::new_err(err.to_string()))
    };
    // The two sections alone: a bucket's report also holds its pairs.
    let counts = section_value(serde_json::to_value(report.counts))?;
    let suppressed = section_value(serde_json::to_value(report.suppressed))?;
    let mut found = Vec::new();
    for (section, names) in PAIR_COUNTS {
        let values = if section == "counts" {
            &counts
        } else {
            &suppressed
        };
        for &name in names {
            let count = values[name].as_u64().expect("a count");
            found.push((section, name, count));
        }
    }
    Ok(found)
}

/// `value` with the fields `given` names set to its values.
fn with_values<T: Serialize + DeserializeOwned>(
    value: T,
    given: &Bound<'_, PyDict>,
    what: &str,
) -> PyResult<T> {
    let mut value = serde_json::to_value(value).expect("a struct");
    let given: Map<String, Value> = pythonize::depythonize(given)?;
    for (name, number) in given {
        match value.get_mut(&name) {
            Some(field) => *field = number,
            None => return Err(PyValueError::new_err(format!("no {what} named {name:?}"))),
        }
    }
    serde_json::from_value(value).map_err(|err| PyValueError::new_err(err.to_string()))
}

fn to_json(value: &impl Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|err| PyValueError::new_err(err.to_string()))
}

/// A u64 key as the bits of an i64, and back.
fn signed(x: u64) -> i64 {
    x as i64
}
fn unsigned(x: i64) -> u64 {
    x as u64
}

#[pymethods]
impl ScanPlan {
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut config = config_from(settings, &[SHINGLE, SIMILARITY, STORY, CORPUS, GLOBAL])?;
        // One thread: the engine runs a task per core.
        config.threads = 1;
        Ok(ScanPlan {
            sketcher: ArticleSketcher::new(&config).map_err(to_py)?,
            rules: Rules::new(&config),
            config,
        })
    }

    /// The settings in force, as the library's config (nested by stage).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.config)?)
    }

    /// The time fields read, in order: the nine usual names when the time
    /// field is detected, the one named, or none.
    #[getter]
    fn time_fields(&self) -> Vec<String> {
        match &self.config.input.time_field {
            TimeField::Ignore => Vec::new(),
            TimeField::Named(name) => vec![name.clone()],
            TimeField::Detect => TIME_FIELDS.iter().map(|f| f.to_string()).collect(),
        }
    }

    /// Reads and sketches lines of one JSON Lines file (`(line number from
    /// 1, text)`; blank lines are not records and are left out). Per record
    /// a dict: `line`, `id`, and either `error` (why it is not a record) or
    /// its sketch: `words` (0: no words, a scan skips it), `band_keys`,
    /// `copy_key` (two longs), `fingerprints`, `templates` (`(id, packed)`),
    /// `distinctive`, `content_terms`, `lead_day`, `phrase_occurrences`,
    /// `times` (per time field) and `chars`.
    fn read_lines<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        lines: Vec<(u64, String)>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let fields = self.time_fields();
        let read: Vec<Result<Read, Unread>> = py.detach(|| {
            lines
                .iter()
                .filter(|(_, text)| !text.trim().is_empty())
                .map(|(line, text)| self.read_line(&path, *line, text, &fields))
                .collect()
        });
        read.into_iter()
            .map(|read| {
                let out = PyDict::new(py);
                match read {
                    Err(Unread { line, reason }) => {
                        out.set_item("line", line)?;
                        out.set_item("id", None::<String>)?;
                        out.set_item("error", reason)?;
                    }
                    Ok(read) => read.into_dict(&out)?,
                }
                Ok(out)
            })
            .collect()
    }

    /// The corpus's time field (its place in `time_fields`) and whether
    /// days are publication days, from how many of `documents` documents
    /// have a readable time in each field: `(field, by_time)`.
    fn timing(&self, readable: Vec<usize>, documents: usize) -> (Option<usize>, bool) {
        let detect = matches!(self.config.input.time_field, TimeField::Detect);
        let timing = Timing::of(&readable, documents, detect);
        (timing.field, timing.by_time)
    }

    /// A document's day for the recurring-text rule (see `timing`).
    #[staticmethod]
    fn day(by_time: bool, time: Option<i64>, lead_day: Option<u16>) -> Option<u32> {
        let timing = Timing {
            field: None,
            timed: 0,
            by_time,
        };
        timing.day(time, lead_day)
    }

    /// Most documents an LSH bucket pairs every two of; a larger one is
    /// crowded (see `is_crowded`).
    #[classattr]
    const MAX_BUCKET: usize = MAX_BUCKET;

    /// A corpus of at most this many documents is scanned whole: every
    /// pair is scored (`scan_lines`).
    #[classattr]
    const EXHAUSTIVE_DOCUMENTS: usize = EXHAUSTIVE_NEAR_MISS_DOCS;

    /// Near misses a report lists.
    #[classattr]
    const MAX_NEAR_MISSES: usize = MAX_NEAR_MISSES;

    /// Scans the records of these lines (`(line, text)`, every document of a
    /// small corpus) as `reprint scan` scans the file: `(pairs, clusters,
    /// header)`, pairs as `check_pairs` gives them (keys in report order),
    /// clusters as `cluster_of`, in report order, and the report's JSON
    /// without its lists of pairs, clusters and skipped records (as
    /// `report_header`).
    #[allow(clippy::type_complexity)]
    fn scan_lines(
        &self,
        py: Python<'_>,
        path: PathBuf,
        lines: Vec<(u64, String)>,
    ) -> PyResult<(
        Vec<(u32, u32, &'static str, f64, String, String)>,
        Vec<(usize, String, Vec<String>)>,
        String,
    )> {
        py.detach(|| {
            let entries = lines.iter().map(|(line, text)| {
                document_from_line(text.as_bytes(), &self.config.input, &path, *line)
                    .map(Entry::Document)
                    .map_err(|reason| reprint::Error::BadLine {
                        path: path.clone(),
                        line: *line,
                        reason,
                    })
            });
            let scan = reprint::run(&self.config, entries).map_err(to_py)?;
            let number_of = |id: &str| -> u32 {
                scan.documents
                    .iter()
                    .position(|d| d.id == id)
                    .expect("listed") as u32
            };
            let pairs = scan
                .report
                .pairs
                .iter()
                .enumerate()
                .map(|(place, pair)| {
                    let json = serde_json::to_string(pair)
                        .map_err(|err| PyValueError::new_err(err.to_string()))?;
                    Ok((
                        number_of(&pair.scores.a),
                        number_of(&pair.scores.b),
                        pair.verdict.name(),
                        pair.scores.jaccard,
                        format!("{place:016x}"),
                        json,
                    ))
                })
                .collect::<PyResult<Vec<_>>>()?;
            let clusters = scan
                .report
                .clusters
                .iter()
                .map(|c| (c.size, c.representative.clone(), c.members.clone()))
                .collect();
            let mut header = scan.report;
            header.pairs.clear();
            header.clusters.clear();
            header.skipped.clear();
            Ok((pairs, clusters, to_json(&header)?))
        })
    }

    /// Whether an LSH bucket of `members` documents is crowded: each member
    /// then pairs with the first only.
    #[staticmethod]
    fn is_crowded(members: usize) -> bool {
        is_crowded(members)
    }

    /// The pairs of one LSH bucket (its documents by number, any order).
    #[staticmethod]
    fn bucket_pairs(mut members: Vec<u32>) -> Vec<(u32, u32)> {
        members.sort_unstable();
        bucket_pairs_of(&members).pairs
    }

    /// The role of a fingerprint in `df` documents whose days (for the
    /// recurring rule; none when unknown) are `days`: `alone`, `pairs`,
    /// `common` or `recurring`. `days` is read only when it decides.
    fn fingerprint_role(&self, df: usize, days: Vec<Option<u32>>, by_time: bool) -> &'static str {
        let role = FingerprintRole::of(df, self.config.overlap.max_df, || {
            let known: Vec<u32> = days.iter().flatten().copied().collect();
            Some(Days::span_of(known, !by_time))
        });
        match role {
            FingerprintRole::Alone => "alone",
            FingerprintRole::Pairs => "pairs",
            FingerprintRole::Common => "common",
            FingerprintRole::Recurring => "recurring",
        }
    }

    /// Whether a pair sharing `shared` fingerprints (and `shared_boilerplate`
    /// boilerplate ones) can hold partial reuse, by the lengths of its two
    /// documents: the overlap stage keeps only those.
    fn overlap_pair_kept(
        &self,
        shared: usize,
        shared_boilerplate: usize,
        words_a: usize,
        words_b: usize,
    ) -> bool {
        self.rules.overlap_can_be_reuse(
            shared + shared_boilerplate,
            self.sketcher.winnower().max_run_words_per_fingerprint(),
            (words_a, words_b),
        )
    }

    /// Whether a skeleton k-gram filled `fillings` ways is a template.
    #[staticmethod]
    fn is_template(fillings: usize) -> bool {
        is_template(fillings)
    }

    /// Whether a distinctive term in `postings` of `documents` documents'
    /// lists pairs them.
    #[staticmethod]
    fn story_term_pairs(documents: usize, postings: usize) -> bool {
        ChanceRule::new(documents, MAX_POSTINGS, MAX_CHANCE_PARTNERS).pairs_by(postings)
    }

    /// The later documents `document` is a story candidate with, among
    /// `documents` documents, from its pairing terms: `(term, postings,
    /// the documents listing it)`. Each partner's shared terms are summed as
    /// `story_pair` sums them.
    #[staticmethod]
    fn story_partners(
        documents: usize,
        document: u32,
        terms: Vec<(i64, usize, Vec<u32>)>,
    ) -> Vec<u32> {
        let rule = ChanceRule::new(documents, MAX_POSTINGS, MAX_CHANCE_PARTNERS);
        let mut shared: std::collections::BTreeMap<u32, Vec<(u64, usize)>> = Default::default();
        for (term, postings, members) in terms {
            for b in members.into_iter().filter(|&b| b > document) {
                shared
                    .entry(b)
                    .or_default()
                    .push((unsigned(term), postings));
            }
        }
        shared
            .into_iter()
            .filter_map(|(b, mut terms)| rule.is_pair(&mut terms).then_some(b))
            .collect()
    }

    /// Whether a group of `size` copies lists each member's pairs.
    #[staticmethod]
    fn is_listed_group(size: usize) -> bool {
        is_listed_group(size)
    }

    /// The pairs a candidate `(a, b)` stands for when an end is the first
    /// of a listed group (its members, first included; `None` otherwise).
    #[staticmethod]
    #[pyo3(signature = (a, b, group_a = None, group_b = None))]
    fn listed_pairs(
        a: u32,
        b: u32,
        group_a: Option<Vec<u32>>,
        group_b: Option<Vec<u32>>,
    ) -> Vec<(u32, u32)> {
        let docs = |group: Option<Vec<u32>>| -> Option<Vec<DocId>> {
            group.map(|g| g.into_iter().map(DocId).collect())
        };
        let (group_a, group_b) = (docs(group_a), docs(group_b));
        listed_pairs(
            CandidatePair::new(DocId(a), DocId(b)),
            group_a.as_deref(),
            group_b.as_deref(),
        )
        .into_iter()
        .map(|p| (p.a.0, p.b.0))
        .collect()
    }

    /// The pair stage over a bucket of candidates, as a scan of the whole
    /// corpus grades each. `documents`: `(number, line, record, copy key hi,
    /// lo, words, time)` of every document of the pairs; `pairs`: `(a, b,
    /// minhash, overlap, story)` by number; the corpus's facts about these
    /// documents: boilerplate fingerprints and template ids, content terms'
    /// document frequencies, its documents and time field. Returns per pair
    /// graded other than unrelated: `(a, b, verdict, jaccard, order key,
    /// JSON line)`, the JSON line as `reprint scan --jsonl` writes it; and
    /// the bucket's share of the report's counts that add up over buckets
    /// (`PAIR_COUNTS`: `(section, name, count)`); every scored pair's story
    /// link, `(a, b, strength)` (for `story_clusters_of`); and the bucket's
    /// near misses, `(a, b, jaccard, JSON)`, closest first (the report's are
    /// the closest of all buckets': highest Jaccard, then lowest `(a, b)`).
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    #[pyo3(signature = (path, documents, pairs, common_fingerprints, common_templates, document_frequencies, corpus_documents, time_field))]
    fn check_pairs(
        &self,
        py: Python<'_>,
        path: PathBuf,
        mut documents: Vec<(u32, u64, String, i64, i64, u32, Option<i64>)>,
        pairs: Vec<(u32, u32, bool, bool, bool)>,
        common_fingerprints: Vec<i64>,
        common_templates: Vec<i64>,
        document_frequencies: Vec<(i64, u32)>,
        corpus_documents: usize,
        time_field: Option<String>,
    ) -> PyResult<(
        Vec<(u32, u32, &'static str, f64, String, String)>,
        Vec<(&'static str, &'static str, u64)>,
        Vec<(u32, u32, f64)>,
        Vec<(u32, u32, f64, String)>,
    )> {
        py.detach(|| {
            documents.sort_unstable_by_key(|d| d.0);
            documents.dedup_by_key(|d| d.0);
            let numbers: Vec<u32> = documents.iter().map(|d| d.0).collect();
            let local = |n: u32| -> PyResult<DocId> {
                numbers
                    .binary_search(&n)
                    .map(|i| DocId(i as u32))
                    .map_err(|_| {
                        PyValueError::new_err(format!("pair names document {n}, not given"))
                    })
            };
            let mut given = GivenCandidates {
                corpus_documents,
                time_field,
                common_fingerprints: common_fingerprints.into_iter().map(unsigned).collect(),
                common_templates: common_templates.into_iter().map(unsigned).collect(),
                document_frequencies: document_frequencies
                    .into_iter()
                    .map(|(t, df)| (unsigned(t), df))
                    .collect(),
                ..GivenCandidates::default()
            };
            for (_, line, record, hi, lo, words, time) in &documents {
                let document =
                    document_from_line(record.as_bytes(), &self.config.input, &path, *line)
                        .map_err(|reason| {
                            PyValueError::new_err(format!("line {line}: {reason}"))
                        })?;
                given.documents.push(document);
                given
                    .copy_keys
                    .push((unsigned(*hi) as u128) << 64 | unsigned(*lo) as u128);
                given.words.push(*words);
                given.times.push(*time);
            }
            for &(a, b, minhash, overlap, story) in &pairs {
                given.pairs.push(GivenPair {
                    pair: CandidatePair::new(local(a)?, local(b)?),
                    minhash,
                    overlap,
                    story,
                });
            }
            let number_by_id: std::collections::HashMap<String, u32> = given
                .documents
                .iter()
                .zip(&numbers)
                .map(|(d, &n)| (d.id.clone(), n))
                .collect();
            let (scan, links) = check_given_linked(&self.config, given).map_err(to_py)?;
            let number_of = |id: &str| -> u32 { number_by_id[id] };
            let pairs = scan
                .report
                .pairs
                .iter()
                .map(|pair| {
                    let (a, b) = (number_of(&pair.scores.a), number_of(&pair.scores.b));
                    let key = pair_order_key(
                        pair.verdict,
                        pair.story.as_ref().map(|s| s.similarity),
                        pair.scores.jaccard,
                        CandidatePair::new(DocId(a), DocId(b)),
                    );
                    let json = serde_json::to_string(pair)
                        .map_err(|err| PyValueError::new_err(err.to_string()))?;
                    Ok((
                        a,
                        b,
                        pair.verdict.name(),
                        pair.scores.jaccard,
                        key.to_hex(),
                        json,
                    ))
                })
                .collect::<PyResult<Vec<_>>>()?;
            let links = links
                .iter()
                .map(|&(a, b, strength)| (numbers[a.index()], numbers[b.index()], strength))
                .collect();
            let near_misses = scan
                .report
                .near_misses
                .iter()
                .map(|scores| {
                    let json = serde_json::to_string(scores)
                        .map_err(|err| PyValueError::new_err(err.to_string()))?;
                    let (a, b) = (number_of(&scores.a), number_of(&scores.b));
                    Ok((a, b, scores.jaccard, json))
                })
                .collect::<PyResult<Vec<_>>>()?;
            Ok((pairs, pair_counts(&scan.report)?, links, near_misses))
        })
    }

    /// The story clusters of one connected component of the story links
    /// between accounts (a duplicate cluster's documents are one account,
    /// named by its first): `documents` are `(number, id, account)` of
    /// every document of its accounts, `links` `(a, b, strength)` between
    /// accounts (the strongest of each two). Returns per story cluster
    /// `(numbers, JSON)`: its members' numbers in input order (the report
    /// orders story clusters by size, then by these) and the report's JSON
    /// of it.
    fn story_clusters_of(
        &self,
        py: Python<'_>,
        mut documents: Vec<(u32, String, u32)>,
        links: Vec<(u32, u32, f64)>,
    ) -> PyResult<Vec<(Vec<u32>, String)>> {
        py.detach(|| {
            documents.sort_unstable_by_key(|d| d.0);
            documents.dedup_by_key(|d| d.0);
            // Numbered in corpus order, as the scan numbers them.
            let local = |n: u32| -> PyResult<DocId> {
                documents
                    .binary_search_by_key(&n, |d| d.0)
                    .map(|i| DocId(i as u32))
                    .map_err(|_| {
                        PyValueError::new_err(format!("link names document {n}, not given"))
                    })
            };
            let mut accounts: BTreeMap<u32, Vec<DocId>> = BTreeMap::new();
            for (i, document) in documents.iter().enumerate() {
                accounts
                    .entry(document.2)
                    .or_default()
                    .push(DocId(i as u32));
            }
            let clusters: Vec<Cluster> = accounts
                .into_values()
                .filter(|members| members.len() > 1)
                .map(|members| Cluster {
                    representative: members[0],
                    members,
                })
                .collect();
            let links = links
                .iter()
                .map(|&(a, b, strength)| Ok((local(a)?, local(b)?, strength)))
                .collect::<PyResult<Vec<_>>>()?;
            let threshold = self.config.story.cluster_threshold;
            let stories = story_clusters_of_accounts(&links, &clusters, documents.len(), threshold);
            stories
                .into_iter()
                .map(|story| {
                    let of = |m: &DocId| &documents[m.index()];
                    let report = StoryClusterReport {
                        size: story.members.len(),
                        members: story.members.iter().map(|m| of(m).1.clone()).collect(),
                        weakest_link: story.weakest_link,
                        linked_share: story.linked_share,
                    };
                    let numbers = story.members.iter().map(|m| of(m).0).collect();
                    Ok((numbers, to_json(&report)?))
                })
                .collect()
        })
    }

    /// The pairs a listed pair stands for but that are not listed, from its
    /// documents' group sizes: a copy's 0, a document without copies' 1, a
    /// group's first's the group's (the report's `pairs_not_listed` adds
    /// these up over the pairs across duplicate clusters).
    #[staticmethod]
    fn implied_pairs(group_size_a: u32, group_size_b: u32) -> u64 {
        implied_pairs(group_size_a, group_size_b)
    }

    /// The JSON of the report of a scan made of parts (by a cluster
    /// engine), without its lists of pairs, clusters and skipped records:
    /// these settings, read with `time_field`; `counts` and `suppressed` by
    /// the report's names (a count not given is 0); `seconds` by the
    /// report's stage names; the engine's `threads`.
    #[pyo3(signature = (time_field, counts, suppressed, seconds, threads))]
    fn report_header(
        &self,
        time_field: Option<String>,
        counts: &Bound<'_, PyDict>,
        suppressed: &Bound<'_, PyDict>,
        seconds: &Bound<'_, PyDict>,
        threads: usize,
    ) -> PyResult<String> {
        let parameters = report_parameters(&self.config, time_field).map_err(to_py)?;
        let report = Report {
            format_version: FORMAT_VERSION,
            tool: Tool::default(),
            parameters,
            counts: with_values(Counts::default(), counts, "count")?,
            skipped: Vec::new(),
            suppressed: with_values(Suppressed::default(), suppressed, "suppressed count")?,
            pairs: Vec::new(),
            clusters: Vec::new(),
            story_clusters: Vec::new(),
            near_misses: Vec::new(),
            run: RunInfo {
                threads,
                seconds: with_values(Timings::default(), seconds, "stage")?,
                spilled_bytes: 0,
                peak_memory_bytes: None,
            },
        };
        to_json(&report)
    }

    /// The duplicate cluster of one connected component: its edges (pairs
    /// at or above the threshold, by number) with each member's id and
    /// length in characters (`(number, id, chars)`). Returns `(size,
    /// representative, members)` by id, members in input order.
    fn cluster_of(
        &self,
        mut members: Vec<(u32, String, usize)>,
        edges: Vec<(u32, u32)>,
    ) -> PyResult<Vec<(usize, String, Vec<String>)>> {
        members.sort_unstable_by_key(|m| m.0);
        let local = |n: u32| -> PyResult<DocId> {
            members
                .binary_search_by_key(&n, |m| m.0)
                .map(|i| DocId(i as u32))
                .map_err(|_| PyValueError::new_err(format!("edge names document {n}, not given")))
        };
        let pairs = edges
            .iter()
            .map(|&(a, b)| Ok(CandidatePair::new(local(a)?, local(b)?)))
            .collect::<PyResult<Vec<_>>>()?;
        let keep: Keep = self.config.cluster.keep;
        let clusters = cluster(members.len(), &pairs, |d| members[d.index()].2, keep);
        Ok(clusters
            .into_iter()
            .map(|c| {
                let id = |d: DocId| members[d.index()].1.clone();
                (
                    c.members.len(),
                    id(c.representative),
                    c.members.into_iter().map(id).collect(),
                )
            })
            .collect())
    }
}

/// A line that is not a record, and why.
struct Unread {
    line: u64,
    reason: String,
}

/// One record read and sketched.
struct Read {
    line: u64,
    id: String,
    sketch: Option<reprint::stages::ArticleSketch>,
    /// Why a scan skips it (no words).
    skipped: Option<String>,
    times: Vec<Option<i64>>,
    chars: usize,
}

impl Read {
    fn into_dict(self, out: &Bound<'_, PyDict>) -> PyResult<()> {
        out.set_item("line", self.line)?;
        out.set_item("id", self.id)?;
        out.set_item("times", self.times)?;
        out.set_item("chars", self.chars)?;
        out.set_item("skipped", self.skipped)?;
        let Some(s) = self.sketch else {
            out.set_item("words", 0)?;
            return Ok(());
        };
        let signed_all = |keys: &[u64]| -> Vec<i64> { keys.iter().map(|&k| signed(k)).collect() };
        out.set_item("words", s.words)?;
        out.set_item("band_keys", signed_all(&s.band_keys))?;
        out.set_item(
            "copy_key",
            (signed((s.copy_key >> 64) as u64), signed(s.copy_key as u64)),
        )?;
        out.set_item("fingerprints", signed_all(&s.fingerprints))?;
        let templates: Vec<(i64, i64)> = s
            .templates
            .iter()
            .map(|&t| (signed(template_id(t)), signed(t)))
            .collect();
        out.set_item("templates", templates)?;
        out.set_item("distinctive", signed_all(&s.distinctive))?;
        out.set_item("content_terms", signed_all(&s.content_terms))?;
        out.set_item("lead_day", s.lead_day)?;
        out.set_item("phrase_occurrences", s.phrase_occurrences)?;
        Ok(())
    }
}

impl ScanPlan {
    fn read_line(
        &self,
        path: &std::path::Path,
        line: u64,
        text: &str,
        fields: &[String],
    ) -> Result<Read, Unread> {
        let document: Document =
            document_from_line(text.as_bytes(), &self.config.input, path, line)
                .map_err(|reason| Unread { line, reason })?;
        let held = document.held_text().unwrap_or_default();
        let times = fields
            .iter()
            .map(|f| document.metadata().get(f).and_then(parse_time))
            .collect();
        let sketch = self.sketcher.sketch(held);
        let skipped = sketch.is_none().then(|| without_words(&document).reason);
        Ok(Read {
            line,
            skipped,
            sketch,
            chars: held.chars().count(),
            id: document.id.clone(),
            times,
        })
    }
}

//! The PAN 2013 text alignment corpus and the PAN plagiarism detection measures.
//!
//! This module owns two things:
//!
//! - [`PanCorpus::load`] reads a corpus folder: `docs.jsonl` (documents),
//!   `pairs.csv` (the (suspicious, source) pairs to align, with their category)
//!   and `labels.jsonl` (one line per annotated reuse case). Input: the folder.
//!   Output: a [`PanCorpus`] whose ids, pairs and case offsets have all been
//!   checked against each other, so scoring never meets a dangling reference.
//! - [`score`] and [`score_by_category`] compute macro-averaged precision and
//!   recall, granularity and plagdet as defined by Potthast, Stein,
//!   Barrón-Cedeño and Rosso, "An Evaluation Framework for Plagiarism
//!   Detection" (COLING 2010), following PAN's reference implementation
//!   (`pan-webis-de/pan-code: sepln09/pan09-plagiarism-detection-performance-measures.py`,
//!   reused unchanged up to PAN 2013 and later). Input: cases and detections as
//!   [`Annotation`]s. Output: [`PanScores`].
//!
//! Invariants: every offset and length is in Unicode characters (code points)
//! of the document's `text`, never in bytes, because that is how PAN annotates.
//! A loaded corpus has unique document ids; every pair and case names known
//! documents of the right role; every case lies inside both documents, belongs
//! to a listed pair of the same category, and each pair's `n_cases` matches its
//! cases. Scores never depend on the order of cases or detections.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::open_file;
use crate::error::Error;

/// File name of the documents in a corpus folder.
pub const DOCS_FILE: &str = "docs.jsonl";
/// File name of the pair list in a corpus folder.
pub const PAIRS_FILE: &str = "pairs.csv";
/// File name of the reuse cases in a corpus folder.
pub const LABELS_FILE: &str = "labels.jsonl";

/// The header `pairs.csv` must start with. Checked so that swapped columns are
/// an error rather than a corpus read the wrong way round.
const PAIRS_HEADER: &str = "susp_id,src_id,category,n_cases";

/// Whether a document is suspicious (may reuse text) or a source (may be reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PanRole {
    /// A suspicious document (`"susp"` in `docs.jsonl`).
    #[serde(rename = "susp")]
    Suspicious,
    /// A source document (`"src"` in `docs.jsonl`).
    #[serde(rename = "src")]
    Source,
}

impl PanRole {
    fn name(self) -> &'static str {
        match self {
            PanRole::Suspicious => "suspicious",
            PanRole::Source => "source",
        }
    }
}

/// One document of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanDocument {
    /// The id, e.g. `suspicious-document00001` or `source-document00001`.
    pub id: String,
    /// The text, unchanged; all offsets point into it, counted in characters.
    pub text: String,
    /// Suspicious or source.
    pub role: PanRole,
    /// Length of `text` in Unicode characters (code points), the unit of every offset.
    pub length_chars: usize,
}

/// One (suspicious, source) pair that PAN asks a detector to align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanPair {
    /// Id of the suspicious document.
    pub suspicious: String,
    /// Id of the source document.
    pub source: String,
    /// The corpus category, e.g. `02-no-obfuscation`; `01-no-plagiarism` pairs have no cases.
    pub category: String,
    /// Number of reuse cases annotated for the pair (0 for a negative pair).
    pub n_cases: usize,
}

/// One reuse case or one detection: a span of the suspicious document aligned
/// with a span of the source document, in characters.
///
/// This is also the JSON Lines format for detections: one object per line with
/// exactly these keys (see [`read_annotations`]). Ordering is by pair, then by
/// suspicious span, then by source span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Annotation {
    /// Id of the suspicious document.
    pub suspicious_id: String,
    /// Id of the source document.
    pub source_id: String,
    /// First character of the span in the suspicious document.
    pub suspicious_offset: usize,
    /// Length of the span in the suspicious document, in characters.
    pub suspicious_length: usize,
    /// First character of the span in the source document.
    pub source_offset: usize,
    /// Length of the span in the source document, in characters.
    pub source_length: usize,
}

impl Annotation {
    /// One past the last character of the suspicious span (saturating, so that
    /// absurd detections cannot overflow).
    pub fn suspicious_end(&self) -> usize {
        self.suspicious_offset
            .saturating_add(self.suspicious_length)
    }

    /// One past the last character of the source span (saturating).
    pub fn source_end(&self) -> usize {
        self.source_offset.saturating_add(self.source_length)
    }

    /// Whether `self` and `other` are on the same pair and overlap on both the
    /// suspicious and the source side: PAN's "r detects s", which is symmetric.
    ///
    /// Same test as `is_overlapping` in PAN's script, so a zero-length span
    /// overlaps only a span that strictly contains its offset.
    pub fn detects(&self, other: &Annotation) -> bool {
        self.suspicious_id == other.suspicious_id
            && self.source_id == other.source_id
            && overlaps_suspicious(self, other)
            && overlaps_source(self, other)
    }
}

fn overlaps_suspicious(a: &Annotation, b: &Annotation) -> bool {
    b.suspicious_end() > a.suspicious_offset && b.suspicious_offset < a.suspicious_end()
}

fn overlaps_source(a: &Annotation, b: &Annotation) -> bool {
    b.source_end() > a.source_offset && b.source_offset < a.source_end()
}

/// A PAN text alignment corpus, checked for consistency.
#[derive(Debug, Clone)]
pub struct PanCorpus {
    /// The documents, in `docs.jsonl` order.
    pub documents: Vec<PanDocument>,
    /// The pairs to align, in `pairs.csv` order.
    pub pairs: Vec<PanPair>,
    /// The reuse cases, in `labels.jsonl` order. Each case's category is that
    /// of its pair (see [`PanCorpus::pair`]); the loader checks they agree.
    pub cases: Vec<Annotation>,
    /// Document id -> index into `documents`.
    document_index: HashMap<String, usize>,
    /// Suspicious id -> indexes into `pairs` (a suspicious document has few sources).
    pairs_by_suspicious: HashMap<String, Vec<usize>>,
}

impl PanCorpus {
    /// Reads `docs.jsonl`, `pairs.csv` and `labels.jsonl` from `dir`.
    ///
    /// Blank lines are skipped; line numbers still count them.
    ///
    /// # Errors
    ///
    /// - [`Error::NotFound`] naming `dir` or the missing file.
    /// - [`Error::Io`] if a file cannot be read.
    /// - [`Error::BadLine`] naming the file and 1-based line for malformed JSON
    ///   or CSV, a wrong `pairs.csv` header, a pair or case naming an unknown
    ///   document or one of the wrong role, a duplicate pair, a case on a pair
    ///   not in `pairs.csv` or of another category, a case outside its
    ///   document's character length, or a pair whose `n_cases` differs from its
    ///   number of cases.
    /// - [`Error::DuplicateId`] for a document id seen twice.
    pub fn load(dir: &Path) -> crate::Result<PanCorpus> {
        if !dir.exists() {
            return Err(Error::NotFound {
                path: dir.to_path_buf(),
            });
        }
        let mut corpus = PanCorpus {
            documents: Vec::new(),
            pairs: Vec::new(),
            cases: Vec::new(),
            document_index: HashMap::new(),
            pairs_by_suspicious: HashMap::new(),
        };
        corpus.read_documents(&dir.join(DOCS_FILE))?;
        let pairs_path = dir.join(PAIRS_FILE);
        let pair_lines = corpus.read_pairs(&pairs_path)?;
        let cases_per_pair = corpus.read_cases(&dir.join(LABELS_FILE))?;
        for ((pair, &found), &line) in corpus.pairs.iter().zip(&cases_per_pair).zip(&pair_lines) {
            if pair.n_cases != found {
                return Err(bad_line(
                    &pairs_path,
                    line,
                    format!(
                        "n_cases is {} but {LABELS_FILE} lists {found} for {} / {}",
                        pair.n_cases, pair.suspicious, pair.source
                    ),
                ));
            }
        }
        Ok(corpus)
    }

    fn read_documents(&mut self, path: &Path) -> crate::Result<()> {
        let mut lines = Vec::new();
        for_each_line(path, |line, bytes| {
            let record: DocLine = serde_json::from_slice(bytes)
                .map_err(|e| bad_line(path, line, format!("malformed JSON: {e}")))?;
            if let Some(&first) = self.document_index.get(&record.id) {
                return Err(Error::DuplicateId {
                    at: format!("{}, line {line}", path.display()),
                    id: record.id,
                    first: format!("line {}", lines[first]),
                });
            }
            self.document_index
                .insert(record.id.clone(), self.documents.len());
            lines.push(line);
            self.documents.push(PanDocument {
                length_chars: record.text.chars().count(),
                id: record.id,
                text: record.text,
                role: record.role,
            });
            Ok(())
        })
    }

    /// Returns the line of each pair, for errors found once the cases are read.
    fn read_pairs(&mut self, path: &Path) -> crate::Result<Vec<u64>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(open_file(path)?);
        let mut lines = Vec::new();
        let mut header_seen = false;
        let mut row = csv::StringRecord::new();
        loop {
            let line = reader.position().line();
            match reader.read_record(&mut row) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(path, line, e)),
            }
            let line = row.position().map_or(line, csv::Position::line);
            if row.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            if !header_seen {
                header_seen = true;
                // A byte order mark is invisible in editors; accept it.
                let header: Vec<&str> = row.iter().collect();
                let header = header.join(",");
                if header.trim_start_matches('\u{feff}') != PAIRS_HEADER {
                    return Err(bad_line(
                        path,
                        line,
                        format!("expected the header {PAIRS_HEADER:?}, found {header:?}"),
                    ));
                }
                continue;
            }
            let pair = parse_pair(&row).map_err(|reason| bad_line(path, line, reason))?;
            self.check_document(&pair.suspicious, PanRole::Suspicious)
                .and_then(|_| self.check_document(&pair.source, PanRole::Source))
                .map_err(|reason| bad_line(path, line, reason))?;
            if let Some(first) = self.pair_position(&pair.suspicious, &pair.source) {
                return Err(bad_line(
                    path,
                    line,
                    format!("duplicate pair, first listed at line {}", lines[first]),
                ));
            }
            self.pairs_by_suspicious
                .entry(pair.suspicious.clone())
                .or_default()
                .push(self.pairs.len());
            lines.push(line);
            self.pairs.push(pair);
        }
        if !header_seen {
            return Err(bad_line(
                path,
                1,
                format!("empty file, expected the header {PAIRS_HEADER:?}"),
            ));
        }
        if self.pairs.is_empty() {
            // Scores over no pairs would read as perfect.
            return Err(bad_line(
                path,
                2,
                "no pairs after the header: nothing to evaluate".into(),
            ));
        }
        Ok(lines)
    }

    /// Returns the number of cases read for each pair.
    fn read_cases(&mut self, path: &Path) -> crate::Result<Vec<usize>> {
        let mut cases_per_pair = vec![0usize; self.pairs.len()];
        for_each_line(path, |line, bytes| {
            let record: LabelLine = serde_json::from_slice(bytes)
                .map_err(|e| bad_line(path, line, format!("malformed JSON: {e}")))?;
            let position = self
                .check_label(&record)
                .map_err(|reason| bad_line(path, line, reason))?;
            if let Some(count) = cases_per_pair.get_mut(position) {
                *count += 1;
            }
            self.cases.push(Annotation {
                suspicious_id: record.susp_id,
                source_id: record.src_id,
                suspicious_offset: record.this_offset,
                suspicious_length: record.this_length,
                source_offset: record.source_offset,
                source_length: record.source_length,
            });
            Ok(())
        })?;
        Ok(cases_per_pair)
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&PanDocument> {
        self.position(id).and_then(|i| self.documents.get(i))
    }

    /// The index into `documents` of the document with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.document_index.get(id).copied()
    }

    /// The text of the document with this id.
    pub fn text(&self, id: &str) -> Option<&str> {
        self.document(id).map(|d| d.text.as_str())
    }

    /// The listed pair of these two documents.
    pub fn pair(&self, suspicious_id: &str, source_id: &str) -> Option<&PanPair> {
        self.pair_position(suspicious_id, source_id)
            .and_then(|i| self.pairs.get(i))
    }

    /// The distinct pair categories, sorted.
    pub fn categories(&self) -> Vec<&str> {
        let mut categories: Vec<&str> = self.pairs.iter().map(|p| p.category.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        categories
    }

    fn pair_position(&self, suspicious_id: &str, source_id: &str) -> Option<usize> {
        self.pairs_by_suspicious
            .get(suspicious_id)?
            .iter()
            .copied()
            .find(|&i| self.pairs.get(i).is_some_and(|p| p.source == source_id))
    }

    /// The document's character length, or why it cannot be used in `role`.
    fn check_document(&self, id: &str, role: PanRole) -> Result<usize, String> {
        let document = self.document(id).ok_or_else(|| {
            format!(
                "unknown {} document {id:?} (not in {DOCS_FILE})",
                role.name()
            )
        })?;
        if document.role != role {
            return Err(format!(
                "{id:?} is a {} document, expected a {} one",
                document.role.name(),
                role.name()
            ));
        }
        Ok(document.length_chars)
    }

    /// The position of the case's pair, or why the case cannot be used.
    fn check_label(&self, record: &LabelLine) -> Result<usize, String> {
        let suspicious_chars = self.check_document(&record.susp_id, PanRole::Suspicious)?;
        let source_chars = self.check_document(&record.src_id, PanRole::Source)?;
        check_span(
            "suspicious",
            &record.susp_id,
            record.this_offset,
            record.this_length,
            suspicious_chars,
        )?;
        check_span(
            "source",
            &record.src_id,
            record.source_offset,
            record.source_length,
            source_chars,
        )?;
        let position = self
            .pair_position(&record.susp_id, &record.src_id)
            .ok_or_else(|| {
                format!(
                    "pair {} / {} is not listed in {PAIRS_FILE}",
                    record.susp_id, record.src_id
                )
            })?;
        if let Some(pair) = self.pairs.get(position) {
            if pair.category != record.category {
                return Err(format!(
                    "category {:?} differs from {:?} given for the pair in {PAIRS_FILE}",
                    record.category, pair.category
                ));
            }
        }
        Ok(position)
    }
}

/// A line of `docs.jsonl`; other keys are ignored.
#[derive(Deserialize)]
struct DocLine {
    id: String,
    text: String,
    role: PanRole,
}

/// A line of `labels.jsonl`; `type` and `obfuscation` are not needed for scoring.
#[derive(Deserialize)]
struct LabelLine {
    susp_id: String,
    src_id: String,
    category: String,
    this_offset: usize,
    this_length: usize,
    source_offset: usize,
    source_length: usize,
}

fn check_span(
    side: &str,
    id: &str,
    offset: usize,
    length: usize,
    length_chars: usize,
) -> Result<(), String> {
    match offset.checked_add(length) {
        Some(end) if end <= length_chars => Ok(()),
        _ => Err(format!(
            "{side} span at character {offset} with length {length} is outside {id} \
             ({length_chars} characters)"
        )),
    }
}

/// Parses a `pairs.csv` row (the `csv` crate has split it into fields).
fn parse_pair(row: &csv::StringRecord) -> Result<PanPair, String> {
    let fields: Vec<&str> = row.iter().collect();
    let [suspicious, source, category, n_cases] = fields.as_slice() else {
        return Err(format!(
            "expected 4 comma-separated fields ({PAIRS_HEADER}), found {}",
            fields.len()
        ));
    };
    let n_cases = n_cases
        .parse::<usize>()
        .map_err(|_| format!("n_cases {n_cases:?} is not a non-negative integer"))?;
    if category.is_empty() {
        return Err("empty category".to_string());
    }
    Ok(PanPair {
        suspicious: (*suspicious).to_string(),
        source: (*source).to_string(),
        category: (*category).to_string(),
        n_cases,
    })
}

/// A CSV error at `line` as the error of that line, or of the file when the
/// file cannot be read.
fn csv_error(path: &Path, line: u64, error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        csv::ErrorKind::Utf8 { err, .. } => bad_line(
            path,
            line,
            format!(
                "not valid UTF-8 (field {}, first bad byte at its byte {})",
                err.field() + 1,
                err.valid_up_to() + 1
            ),
        ),
        other => bad_line(path, line, format!("malformed CSV: {other:?}")),
    }
}

/// Reads detections (or cases) from a JSON Lines file of [`Annotation`]s.
/// Keys other than the six of [`Annotation`] are ignored; blank lines are skipped.
///
/// # Errors
///
/// [`Error::NotFound`] or [`Error::Io`] for the file; [`Error::BadLine`] with the
/// 1-based line for a line that is not an annotation.
pub fn read_annotations(path: &Path) -> crate::Result<Vec<Annotation>> {
    let mut annotations = Vec::new();
    for_each_line(path, |line, bytes| {
        let annotation = serde_json::from_slice(bytes)
            .map_err(|e| bad_line(path, line, format!("malformed annotation: {e}")))?;
        annotations.push(annotation);
        Ok(())
    })?;
    Ok(annotations)
}

/// Calls `f` with the 1-based number and bytes (without the line break) of each
/// non-blank line of `path`. Reads one line at a time: `docs.jsonl` is large.
fn for_each_line(
    path: &Path,
    mut f: impl FnMut(u64, &[u8]) -> crate::Result<()>,
) -> crate::Result<()> {
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(open_file(path)?);
    let mut buffer = Vec::new();
    let mut line = 0u64;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer).map_err(io_error)? == 0 {
            return Ok(());
        }
        line += 1;
        if buffer.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let mut bytes = buffer.as_slice();
        while let [rest @ .., b'\n' | b'\r'] = bytes {
            bytes = rest;
        }
        f(line, bytes)?;
    }
}

fn bad_line(path: &Path, line: u64, reason: String) -> Error {
    Error::BadLine {
        path: PathBuf::from(path),
        line,
        reason,
    }
}

/// The PAN measures of a set of detections against a set of cases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PanScores {
    /// Macro-averaged precision in [0, 1].
    pub precision: f64,
    /// Macro-averaged recall in [0, 1].
    pub recall: f64,
    /// Mean number of detections per detected case, >= 1 (1 when nothing is detected).
    pub granularity: f64,
    /// F1 of precision and recall divided by log2(1 + granularity).
    pub plagdet: f64,
    /// Distinct cases scored.
    pub cases: usize,
    /// Distinct detections scored.
    pub detections: usize,
    /// Cases detected by at least one detection.
    pub detected_cases: usize,
}

/// Scores `detections` against `cases` with PAN's macro-averaged measures.
///
/// Exact duplicates are counted once on both sides, because PAN's script reads
/// annotations into a set. A detection detects a case when both are on the same
/// (suspicious, source) pair and overlap on both sides. Then:
///
/// - recall = mean over cases s of |∪ (s ∩ r)| / |s| over the detections r
///   that detect s, where |·| adds the suspicious and the source characters;
/// - precision = the same with the roles of cases and detections swapped;
/// - both are 1 when there are no cases and no detections, and both are 0
///   when exactly one of the two is empty;
/// - granularity = mean number of detecting detections over detected cases;
/// - plagdet = [`plagdet`]`(precision, recall, granularity)`.
///
/// An annotation of zero total length covers nothing and adds 0 to its mean
/// (PAN's script divides by zero there).
///
/// Cost: sorting, then per pair a binary search per annotation, so thousands of
/// cases and detections score in milliseconds.
pub fn score(cases: &[Annotation], detections: &[Annotation]) -> PanScores {
    score_refs(cases.iter().collect(), detections.iter().collect())
}

/// Combines precision, recall and granularity into PAN's ranking score,
/// `F1 / log2(1 + granularity)`. Returns 0 when precision and recall are both
/// 0, when either is negative or not a number, or when granularity is below 1,
/// as `plagdet_score` in PAN's script does.
pub fn plagdet(precision: f64, recall: f64, granularity: f64) -> f64 {
    let valid = precision >= 0.0 && recall >= 0.0 && granularity >= 1.0;
    if !valid || precision + recall == 0.0 {
        return 0.0;
    }
    (2.0 * precision * recall / (precision + recall)) / (1.0 + granularity).log2()
}

/// Scores over the whole corpus and per category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScores {
    /// All cases against all detections, including detections on unlisted pairs.
    pub overall: PanScores,
    /// One entry per category of `pairs.csv`, sorted by name. A detection
    /// belongs to the category of the pair it was made on.
    pub categories: Vec<(String, PanScores)>,
    /// Detections on pairs not listed in `pairs.csv`: they lower the overall
    /// precision but belong to no category.
    pub unlisted_detections: usize,
}

/// Scores `detections` against the corpus's cases, overall and per category.
///
/// A category without cases (`01-no-plagiarism`) scores 1 for precision and
/// recall when no detection was made on its pairs, and 0 otherwise.
pub fn score_by_category(corpus: &PanCorpus, detections: &[Annotation]) -> CategoryScores {
    type Split<'a> = (Vec<&'a Annotation>, Vec<&'a Annotation>);
    let mut by_category: BTreeMap<&str, Split<'_>> = corpus
        .categories()
        .into_iter()
        .map(|c| (c, (Vec::new(), Vec::new())))
        .collect();
    for case in &corpus.cases {
        // The loader guarantees the pair is listed; a corpus edited afterwards
        // may break that, and then the case counts in the overall scores only.
        if let Some(pair) = corpus.pair(&case.suspicious_id, &case.source_id) {
            if let Some((cases, _)) = by_category.get_mut(pair.category.as_str()) {
                cases.push(case);
            }
        }
    }
    let mut unlisted_detections = 0;
    for detection in detections {
        let split = corpus
            .pair(&detection.suspicious_id, &detection.source_id)
            .and_then(|pair| by_category.get_mut(pair.category.as_str()));
        match split {
            Some((_, category_detections)) => category_detections.push(detection),
            None => unlisted_detections += 1,
        }
    }
    CategoryScores {
        overall: score(&corpus.cases, detections),
        categories: by_category
            .into_iter()
            .map(|(category, (cases, detections))| {
                (category.to_string(), score_refs(cases, detections))
            })
            .collect(),
        unlisted_detections,
    }
}

fn score_refs(mut cases: Vec<&Annotation>, mut detections: Vec<&Annotation>) -> PanScores {
    // Sorting groups annotations by pair and orders each group by suspicious
    // offset, which `coverage` relies on; dedup mirrors PAN's set semantics.
    cases.sort_unstable();
    cases.dedup();
    detections.sort_unstable();
    detections.dedup();

    let found = coverage(&cases, &detections);
    let kept = coverage(&detections, &cases);
    let (precision, recall) = match (cases.is_empty(), detections.is_empty()) {
        (true, true) => (1.0, 1.0),
        (true, false) | (false, true) => (0.0, 0.0),
        (false, false) => (
            kept.fraction_sum / detections.len() as f64,
            found.fraction_sum / cases.len() as f64,
        ),
    };
    let granularity = if found.covered == 0 {
        1.0
    } else {
        found.matches as f64 / found.covered as f64
    };
    PanScores {
        precision,
        recall,
        granularity,
        plagdet: plagdet(precision, recall, granularity),
        cases: cases.len(),
        detections: detections.len(),
        detected_cases: found.covered,
    }
}

/// How well `others` cover `targets` (cases by detections gives recall and
/// granularity; detections by cases gives precision).
#[derive(Debug, Default)]
struct Coverage {
    /// Sum over targets of the covered fraction of the target.
    fraction_sum: f64,
    /// Targets overlapped by at least one other.
    covered: usize,
    /// (target, other) pairs that overlap.
    matches: usize,
}

/// Both slices must be sorted (by pair, then suspicious offset).
fn coverage(targets: &[&Annotation], others: &[&Annotation]) -> Coverage {
    let mut result = Coverage::default();
    let mut suspicious_parts = Vec::new();
    let mut source_parts = Vec::new();
    let mut rest = others;
    for group in targets.chunk_by(|a, b| same_pair(a, b)) {
        let Some(first) = group.first() else {
            continue;
        };
        // Both sides are sorted by pair, so one forward walk finds each group.
        let skip = rest.partition_point(|o| pair_key(o) < pair_key(first));
        rest = rest.get(skip..).unwrap_or_default();
        let size = rest.partition_point(|o| pair_key(o) == pair_key(first));
        let (candidates, after) = rest.split_at(size);
        rest = after;
        if candidates.is_empty() {
            continue;
        }
        // An overlapping span starts after `offset - longest`, so a binary search
        // bounds the candidates without an interval tree.
        let longest = candidates
            .iter()
            .map(|o| o.suspicious_length)
            .max()
            .unwrap_or(0);
        for target in group {
            let low = target.suspicious_offset.saturating_sub(longest);
            let start = candidates.partition_point(|o| o.suspicious_offset < low);
            let end = candidates.partition_point(|o| o.suspicious_offset < target.suspicious_end());
            suspicious_parts.clear();
            source_parts.clear();
            let mut count = 0;
            for other in candidates.get(start..end).unwrap_or_default() {
                if !(overlaps_suspicious(target, other) && overlaps_source(target, other)) {
                    continue;
                }
                count += 1;
                suspicious_parts.push((
                    target.suspicious_offset.max(other.suspicious_offset),
                    target.suspicious_end().min(other.suspicious_end()),
                ));
                source_parts.push((
                    target.source_offset.max(other.source_offset),
                    target.source_end().min(other.source_end()),
                ));
            }
            if count == 0 {
                continue;
            }
            result.covered += 1;
            result.matches += count;
            let size = target.suspicious_length as u128 + target.source_length as u128;
            if size > 0 {
                let covered = union_length(&mut suspicious_parts) + union_length(&mut source_parts);
                result.fraction_sum += covered as f64 / size as f64;
            }
        }
    }
    result
}

fn pair_key(a: &Annotation) -> (&str, &str) {
    (&a.suspicious_id, &a.source_id)
}

fn same_pair(a: &Annotation, b: &Annotation) -> bool {
    pair_key(a) == pair_key(b)
}

/// Number of positions covered by half-open ranges (empty ranges allowed), by
/// sorting and merging rather than marking characters.
fn union_length(ranges: &mut [(usize, usize)]) -> u128 {
    ranges.sort_unstable();
    let mut total = 0u128;
    let mut current: Option<(usize, usize)> = None;
    for &(start, end) in ranges.iter() {
        if start >= end {
            continue;
        }
        current = match current {
            Some((run_start, run_end)) if start <= run_end => Some((run_start, run_end.max(end))),
            Some((run_start, run_end)) => {
                total += (run_end - run_start) as u128;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((run_start, run_end)) = current {
        total += (run_end - run_start) as u128;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ann(susp: &str, src: &str, so: usize, sl: usize, ro: usize, rl: usize) -> Annotation {
        Annotation {
            suspicious_id: susp.to_string(),
            source_id: src.to_string(),
            suspicious_offset: so,
            suspicious_length: sl,
            source_offset: ro,
            source_length: rl,
        }
    }

    /// A case on pair (s, r) at the same span on both sides.
    fn same(so: usize, sl: usize) -> Annotation {
        ann("s", "r", so, sl, so, sl)
    }

    fn assert_close(name: &str, what: &str, got: f64, expected: f64) {
        assert!(
            (got - expected).abs() < 1e-9,
            "{name}: {what} is {got}, expected {expected}"
        );
    }

    /// (name, cases, detections, precision, recall, granularity, plagdet)
    type MeasureRow = (
        &'static str,
        Vec<Annotation>,
        Vec<Annotation>,
        f64,
        f64,
        f64,
        f64,
    );

    macro_rules! measure_cases {
        ($( $name:literal: $cases:expr, $dets:expr => $p:expr, $r:expr, $g:expr, $pd:expr; )*) => {
            vec![$( ($name, $cases, $dets, $p, $r, $g, $pd) ),*]
        };
    }

    #[test]
    fn measures_match_hand_computed_values() {
        let f1_half_recall = 2.0 * 0.5 / 1.5; // P = 1, R = 0.5
        let table: Vec<MeasureRow> = measure_cases! {
            "perfect": vec![same(0, 100)], vec![same(0, 100)] => 1.0, 1.0, 1.0, 1.0;
            "half on both sides": vec![same(0, 100)], vec![same(50, 50)]
                => 1.0, 0.5, 1.0, f1_half_recall;
            "two detections split a case": vec![same(0, 100)], vec![same(0, 50), same(50, 50)]
                => 1.0, 1.0, 2.0, 1.0 / 3f64.log2();
            "wrong source document": vec![same(0, 100)], vec![ann("s", "other", 0, 100, 0, 100)]
                => 0.0, 0.0, 1.0, 0.0;
            "wrong suspicious document": vec![same(0, 100)], vec![ann("other", "r", 0, 100, 0, 100)]
                => 0.0, 0.0, 1.0, 0.0;
            "suspicious side only": vec![same(0, 100)], vec![ann("s", "r", 0, 100, 500, 100)]
                => 0.0, 0.0, 1.0, 0.0;
            "source side only": vec![same(0, 100)], vec![ann("s", "r", 500, 100, 0, 100)]
                => 0.0, 0.0, 1.0, 0.0;
            "touching is not overlapping": vec![same(0, 100)], vec![same(100, 100)]
                => 0.0, 0.0, 1.0, 0.0;
            "empty and empty": vec![], vec![] => 1.0, 1.0, 1.0, 1.0;
            "no detections": vec![same(0, 100)], vec![] => 0.0, 0.0, 1.0, 0.0;
            "no cases": vec![], vec![same(0, 100)] => 0.0, 0.0, 1.0, 0.0;
            // Each case: 50 + 50 of 200 covered. The detection: 100 + 100 of 400.
            "one detection over two cases": vec![same(0, 100), same(200, 100)], vec![same(50, 200)]
                => 0.5, 0.5, 1.0, 0.5;
            // From PAN's own unit tests (ann7 against ann9 and ann10).
            "pan recall 0.75": vec![same(0, 100)], vec![same(50, 100), same(25, 75)]
                => 0.75, 0.75, 2.0, 0.75 / 3f64.log2();
            // PAN's ann1 against ann3 (adjacent) and ann4 (twice as long).
            "pan precision 0.25": vec![same(0, 100)], vec![same(100, 100), same(0, 200)]
                => 0.25, 1.0, 1.0, 2.0 * 0.25 / 1.25;
            "exact duplicates count once": vec![same(0, 100), same(0, 100)], vec![same(0, 100), same(0, 100)]
                => 1.0, 1.0, 1.0, 1.0;
            // Case 1 found, case 2 on another pair missed: recall 1/2.
            "second pair missed": vec![same(0, 100), ann("s2", "r", 0, 10, 0, 10)], vec![same(0, 100)]
                => 1.0, 0.5, 1.0, f1_half_recall;
            // Sides of different lengths: 40 of 100 and 10 of 10 covered, 50/110.
            "uneven sides": vec![ann("s", "r", 0, 100, 0, 10)], vec![ann("s", "r", 60, 40, 0, 10)]
                => 1.0, 50.0 / 110.0, 1.0, plagdet(1.0, 50.0 / 110.0, 1.0);
        };
        for (name, cases, detections, p, r, g, pd) in table {
            let scores = score(&cases, &detections);
            assert_close(name, "precision", scores.precision, p);
            assert_close(name, "recall", scores.recall, r);
            assert_close(name, "granularity", scores.granularity, g);
            assert_close(name, "plagdet", scores.plagdet, pd);
            let reversed: Vec<Annotation> = detections.iter().rev().cloned().collect();
            assert_eq!(score(&cases, &reversed), scores, "{name}: order matters");
        }
    }

    #[test]
    fn plagdet_matches_pan_reference_values() {
        assert_close(
            "pan",
            "plagdet(1, 1, 2)",
            plagdet(1.0, 1.0, 2.0),
            0.630_929_753_571_457_4,
        );
        assert_close(
            "pan",
            "plagdet(.75, .25, 2)",
            plagdet(0.75, 0.25, 2.0),
            0.236_598_657_589_296_5,
        );
        assert_close(
            "pan",
            "plagdet(1, .5, 1)",
            plagdet(1.0, 0.5, 1.0),
            2.0 / 3.0,
        );
        for (p, r, g) in [
            (0.0, 0.0, 1.0),
            (-1.0, 0.5, 1.0),
            (0.5, 0.5, 0.5),
            (f64::NAN, 1.0, 1.0),
        ] {
            assert_eq!(plagdet(p, r, g), 0.0, "plagdet({p}, {r}, {g})");
        }
    }

    #[test]
    fn counts_are_reported() {
        let scores = score(
            &[same(0, 100), same(200, 100), same(200, 100)],
            &[same(0, 50), same(50, 50), same(1000, 5)],
        );
        assert_eq!(
            (scores.cases, scores.detections, scores.detected_cases),
            (2, 3, 1)
        );
        assert_close("counts", "granularity", scores.granularity, 2.0);
    }

    #[test]
    fn degenerate_annotations_do_not_panic() {
        let huge = ann("s", "r", usize::MAX - 1, usize::MAX, usize::MAX, 5);
        let empty = same(50, 0);
        let scores = score(
            &[same(0, 100), empty.clone()],
            &[huge, empty, same(0, 100), same(10, 0)],
        );
        for value in [
            scores.precision,
            scores.recall,
            scores.granularity,
            scores.plagdet,
        ] {
            assert!(value.is_finite(), "{scores:?}");
        }
        // The zero-length case at 50 lies strictly inside the detection (0, 100).
        assert_eq!(scores.detected_cases, 2);
        assert_close("degenerate", "recall", scores.recall, 0.5);
    }

    #[test]
    fn annotations_round_trip_as_json_lines() {
        let case = ann(
            "suspicious-document00001",
            "source-document00002",
            1,
            2,
            3,
            4,
        );
        let line = serde_json::to_string(&case).expect("serializing a plain struct");
        assert_eq!(
            line,
            r#"{"suspicious_id":"suspicious-document00001","source_id":"source-document00002","suspicious_offset":1,"suspicious_length":2,"source_offset":3,"source_length":4}"#
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("detections.jsonl");
        std::fs::write(
            &path,
            format!("{line}\n\n{line}\n{{\"suspicious_id\": 1}}\n"),
        )
        .expect("write");
        match read_annotations(&path) {
            Err(Error::BadLine { line: 4, .. }) => {}
            other => panic!("expected a bad line 4, got {other:?}"),
        }
        std::fs::write(&path, format!("{line}\r\n\n{line}")).expect("write");
        let read = read_annotations(&path).expect("two annotations");
        assert_eq!(read, vec![case.clone(), case]);
    }

    /// PAN's definitions computed the slow way: marking characters in sets.
    fn oracle(cases: &[Annotation], detections: &[Annotation]) -> (f64, f64, f64) {
        use std::collections::BTreeSet;
        let cases: Vec<_> = cases.iter().collect::<BTreeSet<_>>().into_iter().collect();
        let dets: Vec<_> = detections
            .iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if cases.is_empty() || dets.is_empty() {
            let both = cases.is_empty() && dets.is_empty();
            return if both {
                (1.0, 1.0, 1.0)
            } else {
                (0.0, 0.0, 1.0)
            };
        }
        // Written out again rather than calling `detects`, so that the oracle is independent.
        let hits = |t: &Annotation, o: &Annotation| {
            t.suspicious_id == o.suspicious_id
                && t.source_id == o.source_id
                && o.suspicious_offset < t.suspicious_offset + t.suspicious_length
                && t.suspicious_offset < o.suspicious_offset + o.suspicious_length
                && o.source_offset < t.source_offset + t.source_length
                && t.source_offset < o.source_offset + o.source_length
        };
        let mean = |targets: &[&Annotation], others: &[&Annotation]| {
            let mut sum = 0.0;
            for t in targets {
                let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
                for o in others.iter().filter(|o| hits(t, o)) {
                    a.extend(
                        t.suspicious_offset.max(o.suspicious_offset)
                            ..t.suspicious_end().min(o.suspicious_end()),
                    );
                    b.extend(
                        t.source_offset.max(o.source_offset)..t.source_end().min(o.source_end()),
                    );
                }
                let size = t.suspicious_length + t.source_length;
                if size > 0 {
                    sum += (a.len() + b.len()) as f64 / size as f64;
                }
            }
            sum / targets.len() as f64
        };
        let per_case: Vec<usize> = cases
            .iter()
            .map(|c| dets.iter().filter(|d| hits(c, d)).count())
            .collect();
        let detected = per_case.iter().filter(|&&n| n > 0).count();
        let granularity = if detected == 0 {
            1.0
        } else {
            per_case.iter().sum::<usize>() as f64 / detected as f64
        };
        (mean(&dets, &cases), mean(&cases, &dets), granularity)
    }

    fn small_annotation() -> impl Strategy<Value = Annotation> {
        (
            0..2usize,
            0..2usize,
            0..60usize,
            0..30usize,
            0..60usize,
            0..30usize,
        )
            .prop_map(|(s, r, so, sl, ro, rl)| {
                ann(["s0", "s1"][s], ["r0", "r1"][r], so, sl, ro, rl)
            })
    }

    proptest! {
        #[test]
        fn score_agrees_with_character_sets(
            cases in prop::collection::vec(small_annotation(), 0..8),
            detections in prop::collection::vec(small_annotation(), 0..12),
        ) {
            let scores = score(&cases, &detections);
            let (precision, recall, granularity) = oracle(&cases, &detections);
            prop_assert!((scores.precision - precision).abs() < 1e-9, "{scores:?} vs p {precision}");
            prop_assert!((scores.recall - recall).abs() < 1e-9, "{scores:?} vs r {recall}");
            prop_assert!((scores.granularity - granularity).abs() < 1e-9, "{scores:?} vs g {granularity}");
            prop_assert!((0.0..=1.0).contains(&scores.plagdet));
        }
    }

    // ---- corpus reader ----

    const DOCS: &str = concat!(
        r#"{"id": "susp1", "text": "héllo wörld, ça va", "role": "susp"}"#,
        "\n",
        r#"{"id": "src1", "text": "wörld, ça va bien", "role": "src"}"#,
        "\n",
        "\n",
        r#"{"id": "src2", "text": "nothing shared here", "role": "src", "extra": 1}"#,
        "\n",
        r#"{"id": "src3", "text": "in no pair", "role": "src"}"#,
        "\n",
    );
    const PAIRS: &str = "susp_id,src_id,category,n_cases\n\
                         susp1,src1,02-no-obfuscation,1\n\
                         susp1,src2,01-no-plagiarism,0\n";
    /// "wörld, ça va" is characters 6..18 of susp1 (21 bytes) and 0..12 of src1.
    const LABELS: &str = concat!(
        r#"{"susp_id": "susp1", "src_id": "src1", "category": "02-no-obfuscation", "type": "artificial", "obfuscation": "none", "this_offset": 6, "this_length": 12, "source_offset": 0, "source_length": 12}"#,
        "\n",
    );

    fn write_corpus(docs: &str, pairs: &str, labels: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, content) in [
            (DOCS_FILE, docs),
            (PAIRS_FILE, pairs),
            (LABELS_FILE, labels),
        ] {
            std::fs::write(dir.path().join(name), content).expect("write corpus file");
        }
        dir
    }

    #[test]
    fn loads_a_small_corpus() {
        let dir = write_corpus(DOCS, PAIRS, LABELS);
        let corpus = PanCorpus::load(dir.path()).expect("valid corpus");
        assert_eq!(
            (
                corpus.documents.len(),
                corpus.pairs.len(),
                corpus.cases.len()
            ),
            (4, 2, 1)
        );
        assert_eq!(corpus.text("src1"), Some("wörld, ça va bien"));
        assert_eq!(corpus.text("missing"), None);
        let susp = corpus.document("susp1").expect("susp1 loaded");
        assert_eq!((susp.role, susp.length_chars), (PanRole::Suspicious, 18));
        assert_eq!(corpus.cases[0], ann("susp1", "src1", 6, 12, 0, 12));
        let text: String = susp.text.chars().skip(6).take(12).collect();
        assert_eq!(text, "wörld, ça va");
        assert_eq!(
            corpus.pair("susp1", "src2").map(|p| p.category.as_str()),
            Some("01-no-plagiarism")
        );
        assert_eq!(
            corpus.categories(),
            vec!["01-no-plagiarism", "02-no-obfuscation"]
        );
    }

    #[test]
    fn scores_by_category() {
        let dir = write_corpus(DOCS, PAIRS, LABELS);
        let corpus = PanCorpus::load(dir.path()).expect("valid corpus");
        let names = |s: &CategoryScores| {
            s.categories
                .iter()
                .map(|(c, _)| c.clone())
                .collect::<Vec<_>>()
        };

        let perfect = score_by_category(&corpus, &corpus.cases);
        assert_eq!(
            names(&perfect),
            vec!["01-no-plagiarism", "02-no-obfuscation"]
        );
        for (category, scores) in &perfect.categories {
            assert_eq!(
                (scores.precision, scores.recall, scores.plagdet),
                (1.0, 1.0, 1.0),
                "{category}"
            );
        }
        assert_eq!(perfect.overall.plagdet, 1.0);

        let mut detections = corpus.cases.clone();
        detections.push(ann("susp1", "src2", 0, 5, 0, 7));
        detections.push(ann("susp1", "nowhere", 0, 5, 0, 7));
        let scored = score_by_category(&corpus, &detections);
        let none = &scored.categories[0].1;
        assert_eq!(
            (none.precision, none.recall, none.cases, none.detections),
            (0.0, 0.0, 0, 1)
        );
        assert_eq!(scored.categories[1].1.plagdet, 1.0);
        assert_eq!(scored.unlisted_detections, 1);
        assert_eq!(scored.overall.detections, 3);
        assert_close("overall", "precision", scored.overall.precision, 1.0 / 3.0);
    }

    #[test]
    fn missing_files_are_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let absent = dir.path().join("absent");
        match PanCorpus::load(&absent) {
            Err(Error::NotFound { path }) => assert_eq!(path, absent),
            other => panic!("expected NotFound, got {other:?}"),
        }
        for missing in [DOCS_FILE, PAIRS_FILE, LABELS_FILE] {
            let dir = write_corpus(DOCS, PAIRS, LABELS);
            std::fs::remove_file(dir.path().join(missing)).expect("remove");
            match PanCorpus::load(dir.path()) {
                Err(Error::NotFound { path }) => assert_eq!(path, dir.path().join(missing)),
                other => panic!("{missing}: expected NotFound, got {other:?}"),
            }
        }
    }

    #[test]
    fn bad_lines_are_named_by_file_and_line() {
        let label = |susp: &str,
                     src: &str,
                     category: &str,
                     so: usize,
                     sl: usize,
                     ro: usize,
                     rl: usize| {
            format!(
                r#"{{"susp_id": "{susp}", "src_id": "{src}", "category": "{category}", "this_offset": {so}, "this_length": {sl}, "source_offset": {ro}, "source_length": {rl}}}"#
            )
        };
        let cat = "02-no-obfuscation";
        let good_label = label("susp1", "src1", cat, 6, 12, 0, 12);
        // (name, file, content, line, words the reason must contain)
        let table: Vec<(&str, &str, String, u64, &str)> = vec![
            (
                "docs: malformed JSON",
                DOCS_FILE,
                format!("{DOCS}{{\"id\": \"x\", \"text\": \n"),
                6,
                "malformed JSON",
            ),
            (
                "docs: missing text",
                DOCS_FILE,
                format!("{DOCS}{{\"id\": \"x\", \"role\": \"src\"}}\n"),
                6,
                "text",
            ),
            (
                "docs: unknown role",
                DOCS_FILE,
                format!("{DOCS}{{\"id\": \"x\", \"text\": \"\", \"role\": \"both\"}}\n"),
                6,
                "both",
            ),
            (
                "pairs: wrong header",
                PAIRS_FILE,
                "src_id,susp_id,category,n_cases\n".into(),
                1,
                "header",
            ),
            ("pairs: empty", PAIRS_FILE, String::new(), 1, "empty"),
            (
                "pairs: header only",
                PAIRS_FILE,
                format!("{PAIRS_HEADER}\n"),
                2,
                "no pairs",
            ),
            (
                "pairs: three fields",
                PAIRS_FILE,
                format!("{PAIRS}susp1,src2,01-no-plagiarism\n"),
                4,
                "4 comma-separated",
            ),
            (
                "pairs: bad count",
                PAIRS_FILE,
                PAIRS.replace(",1\n", ",one\n"),
                2,
                "n_cases",
            ),
            (
                "pairs: unknown id",
                PAIRS_FILE,
                format!("{PAIRS}susp1,src9,01-no-plagiarism,0\n"),
                4,
                "unknown source document \"src9\"",
            ),
            (
                "pairs: swapped roles",
                PAIRS_FILE,
                format!("{PAIRS}src2,susp1,01-no-plagiarism,0\n"),
                4,
                "is a source document",
            ),
            (
                "pairs: duplicate",
                PAIRS_FILE,
                format!("{PAIRS}susp1,src2,01-no-plagiarism,0\n"),
                4,
                "first listed at line 3",
            ),
            (
                "pairs: n_cases mismatch",
                PAIRS_FILE,
                PAIRS.replace(",1\n", ",2\n"),
                2,
                "lists 1 for susp1 / src1",
            ),
            (
                "labels: malformed JSON",
                LABELS_FILE,
                format!("{good_label}\n{{\"susp_id\": \"susp1\"\n"),
                2,
                "malformed JSON",
            ),
            (
                "labels: negative offset",
                LABELS_FILE,
                good_label.replace("\"this_offset\": 6", "\"this_offset\": -6"),
                1,
                "malformed JSON",
            ),
            (
                "labels: unknown id",
                LABELS_FILE,
                format!(
                    "{good_label}\n\n{}\n",
                    label("susp7", "src1", cat, 0, 1, 0, 1)
                ),
                3,
                "unknown suspicious document",
            ),
            (
                "labels: unlisted pair",
                LABELS_FILE,
                label("susp1", "src3", cat, 6, 12, 0, 10),
                1,
                "not listed",
            ),
            (
                "labels: other category",
                LABELS_FILE,
                good_label.replace(cat, "03-random-obfuscation"),
                1,
                "category",
            ),
            // 19 characters fit in the 21 bytes of susp1 but not in its 18 characters.
            (
                "labels: past the end in characters",
                LABELS_FILE,
                label("susp1", "src1", cat, 6, 13, 0, 12),
                1,
                "outside susp1 (18 characters)",
            ),
            (
                "labels: source past the end",
                LABELS_FILE,
                label("susp1", "src1", cat, 6, 12, 10, 12),
                1,
                "outside src1",
            ),
            (
                "labels: overflowing span",
                LABELS_FILE,
                label("susp1", "src1", cat, usize::MAX, 12, 0, 12),
                1,
                "outside",
            ),
        ];
        for (name, file, content, line, words) in table {
            let dir = match file {
                DOCS_FILE => write_corpus(&content, PAIRS, LABELS),
                PAIRS_FILE => write_corpus(DOCS, &content, LABELS),
                _ => write_corpus(DOCS, PAIRS, &content),
            };
            match PanCorpus::load(dir.path()) {
                Err(Error::BadLine {
                    path,
                    line: got,
                    reason,
                }) => {
                    assert_eq!(path, dir.path().join(file), "{name}: {reason}");
                    assert_eq!(got, line, "{name}: {reason}");
                    assert!(reason.contains(words), "{name}: {reason:?} lacks {words:?}");
                }
                other => panic!("{name}: expected a bad line, got {other:?}"),
            }
        }
    }

    #[test]
    fn duplicate_document_ids_are_rejected() {
        let docs = format!("{DOCS}{{\"id\": \"src1\", \"text\": \"again\", \"role\": \"src\"}}\n");
        let dir = write_corpus(&docs, PAIRS, LABELS);
        match PanCorpus::load(dir.path()) {
            Err(Error::DuplicateId { at, id, first }) => {
                assert_eq!(id, "src1");
                assert!(at.ends_with("line 6"), "{at}");
                assert_eq!(first, "line 2");
            }
            other => panic!("expected a duplicate id, got {other:?}"),
        }
    }

    #[test]
    fn invalid_utf8_is_a_bad_line() {
        let dir = write_corpus(DOCS, PAIRS, LABELS);
        let mut pairs = PAIRS.as_bytes().to_vec();
        pairs.extend_from_slice(b"susp1,src\xff,01-no-plagiarism,0\n");
        std::fs::write(dir.path().join(PAIRS_FILE), pairs).expect("write");
        assert!(matches!(
            PanCorpus::load(dir.path()),
            Err(Error::BadLine { line: 4, .. })
        ));
    }

    /// Opt-in: runs only where the PAN 2013 training corpus has been placed.
    #[test]
    fn pan13_training_corpus_scores_itself_perfectly() {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/pan13_ta_train"
        ));
        if !dir.is_dir() {
            return;
        }
        let corpus = PanCorpus::load(dir).expect("the PAN 2013 corpus loads");
        assert_eq!(corpus.documents.len(), 5_057);
        assert_eq!(corpus.pairs.len(), 5_185);
        assert_eq!(corpus.cases.len(), 4_007);
        let scored = score_by_category(&corpus, &corpus.cases);
        assert_eq!(scored.overall.plagdet, 1.0);
        assert_eq!(
            (scored.overall.cases, scored.overall.detected_cases),
            (4_007, 4_007)
        );
        assert_eq!(scored.categories.len(), 5);
        for (category, scores) in &scored.categories {
            assert_eq!(scores.plagdet, 1.0, "{category}");
        }
    }
}

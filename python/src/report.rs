//! `reprint.Report`: a scan's or a check's report, held as the library made
//! it. Each section becomes Python objects when it is read, and the writers
//! are the CLI's, so `to_json()` is byte for byte what `reprint scan --json`
//! writes for the same articles and settings.

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use reprint::index::Checked;
use reprint::report::html::write_html;
use reprint::report::json::write_json;
use reprint::report::lines::{write_csv, write_jsonl};
use reprint::{Document, Report as LibReport, Scan};

/// What a report came from: the documents of its pairs must stay readable
/// for the HTML page (a check's read from its temporary copy).
enum Source {
    Scan(Scan),
    Check(Checked),
}

/// The report of a scan or of an index check.
///
/// Sections (each a list or dict of plain Python values, as in the JSON
/// report): ``pairs``, ``clusters``, ``story_clusters``, ``near_misses``,
/// ``counts``, ``skipped``, ``suppressed``, ``parameters``, ``run``.
/// ``kept`` lists the ids a deduplication keeps. ``to_json()``, ``to_jsonl()``,
/// ``to_csv()`` and ``to_html()`` give the CLI's report formats.
#[pyclass(module = "reprint", frozen)]
pub struct Report {
    source: Source,
}

impl Report {
    pub fn of_scan(scan: Scan) -> Self {
        Report {
            source: Source::Scan(scan),
        }
    }

    pub fn of_check(checked: Checked) -> Self {
        Report {
            source: Source::Check(checked),
        }
    }

    fn scan(&self) -> &Scan {
        match &self.source {
            Source::Scan(scan) => scan,
            Source::Check(checked) => &checked.scan,
        }
    }

    fn report(&self) -> &LibReport {
        &self.scan().report
    }

    fn documents(&self) -> &[Document] {
        &self.scan().documents
    }
}

fn text_of(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> PyResult<String> {
    let mut bytes = Vec::new();
    write(&mut bytes).map_err(|err| PyOSError::new_err(err.to_string()))?;
    String::from_utf8(bytes).map_err(|err| PyOSError::new_err(err.to_string()))
}

#[pymethods]
impl Report {
    /// Pairs graded duplicate, near-duplicate, partial reuse or rewrite,
    /// strongest verdict first: ids, verdict, scores, shared passages with
    /// byte offsets into both texts, story evidence.
    #[getter]
    fn pairs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().pairs)?)
    }

    /// Duplicate clusters, largest first, each with its representative.
    #[getter]
    fn clusters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().clusters)?)
    }

    /// Story clusters (articles about one event), largest first.
    #[getter]
    fn story_clusters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().story_clusters)?)
    }

    /// The closest pairs not listed (below the threshold, no reuse).
    #[getter]
    fn near_misses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().near_misses)?)
    }

    /// How many items each stage saw or produced.
    #[getter]
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().counts)?)
    }

    /// Articles not scanned, with where they were and why.
    #[getter]
    fn skipped<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().skipped)?)
    }

    /// What was left out of the pairs and passages, and why.
    #[getter]
    fn suppressed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().suppressed)?)
    }

    /// The settings in force.
    #[getter]
    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().parameters)?)
    }

    /// Threads and timings: the only part that varies between identical runs.
    #[getter]
    fn run<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.report().run)?)
    }

    /// The ids a deduplication keeps, in input order: every article scanned
    /// but the members of a duplicate cluster other than its representative.
    #[getter]
    fn kept(&self) -> Vec<String> {
        self.scan().kept().map(|doc| doc.id.clone()).collect()
    }

    /// The whole report as a dict (the JSON report's structure).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, self.report())?)
    }

    /// The JSON report, as ``reprint scan --json`` writes it.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| text_of(|out| write_json(self.report(), out)))
    }

    /// The pairs as JSON Lines, one pair a line (``--jsonl``).
    fn to_jsonl(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| text_of(|out| write_jsonl(self.report(), out)))
    }

    /// The pairs as CSV, one row a pair (``--csv``).
    fn to_csv(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| text_of(|out| write_csv(self.report(), out)))
    }

    /// The self-contained HTML report (``--html``): both texts of each pair
    /// side by side with the shared passages marked.
    fn to_html(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| text_of(|out| write_html(self.report(), self.documents(), out)))
    }

    fn __repr__(&self) -> String {
        let counts = &self.report().counts;
        format!(
            "<reprint.Report: {} articles scanned, {} pairs ({} duplicate, {} near-duplicate, {} partial reuse, {} rewrite), {} clusters>",
            counts.documents_scanned,
            self.report().pairs.len(),
            counts.duplicate_pairs,
            counts.near_duplicate_pairs,
            counts.partial_reuse_pairs,
            counts.rewrite_pairs,
            counts.clusters
        )
    }
}

//! `reprint.Index`: the persistent index (``reprint index``) from Python:
//! create or open one, add, check (and add), remove, evict, compact, stats.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use reprint::index::Index as LibIndex;
use reprint::Entry;

use crate::documents;
use crate::errors::to_py;
use crate::report::Report;
use crate::settings::{config_from, CORPUS, GLOBAL, SHINGLE, SIMILARITY, STORY};

/// An index of articles to check new ones against, as ``reprint index``
/// keeps it (the same folder serves both).
///
/// ``Index.create(path, **settings)`` makes one (its settings fixed from
/// then on); ``Index(path)`` opens one to write (one writing process at a
/// time), ``Index(path, read_only=True)`` only to check and read stats
/// (beside a writer). ``threads`` and ``memory_limit`` are this process's.
#[pyclass(module = "reprint")]
pub struct Index {
    index: LibIndex,
}

#[pymethods]
impl Index {
    #[new]
    #[pyo3(signature = (path, read_only = false, threads = 0, memory_limit = 0))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        read_only: bool,
        threads: usize,
        memory_limit: u64,
    ) -> PyResult<Self> {
        let mut index = py
            .detach(|| match read_only {
                true => LibIndex::open_to_read(&path),
                false => LibIndex::open(&path),
            })
            .map_err(to_py)?;
        index.set_resources(threads, memory_limit);
        Ok(Index { index })
    }

    /// Creates an index in ``path`` (a folder that does not exist yet, or is
    /// empty) with these settings (the CLI's options by name), open to write.
    #[staticmethod]
    #[pyo3(signature = (path, **settings))]
    fn create(
        py: Python<'_>,
        path: PathBuf,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let config = config_from(settings, &[SHINGLE, SIMILARITY, STORY, CORPUS, GLOBAL])?;
        let index = py
            .detach(|| LibIndex::create(&path, &config))
            .map_err(to_py)?;
        Ok(Index { index })
    }

    /// Adds articles (dicts or ``(id, text)`` tuples, as ``scan`` takes
    /// them; each needs an id the index does not hold). Returns a dict:
    /// ``added`` (ids, in order) and ``skipped`` (with ``skip_bad_lines``).
    #[pyo3(signature = (docs, skip_bad_lines = false))]
    fn add<'py>(
        &mut self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        skip_bad_lines: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mut input = self.index.config().input.clone();
        input.skip_bad_lines = skip_bad_lines;
        let records = documents::records(docs, &input)?;
        let index = &mut self.index;
        let added = py
            .detach(|| index.add(documents::entries(records, &input), |_| {}))
            .map_err(to_py)?;
        let out = PyDict::new(py);
        out.set_item("added", added.added)?;
        out.set_item("skipped", pythonize::pythonize(py, &added.skipped)?)?;
        Ok(out)
    }

    /// Checks new articles against the index: the report lists every pair
    /// with a new article, exactly as a scan of the indexed articles and the
    /// new ones would. With ``add=True`` the new articles are added after.
    #[pyo3(signature = (docs, add = false, skip_bad_lines = false))]
    fn check(
        &mut self,
        py: Python<'_>,
        docs: &Bound<'_, PyAny>,
        add: bool,
        skip_bad_lines: bool,
    ) -> PyResult<Report> {
        let mut input = self.index.config().input.clone();
        input.skip_bad_lines = skip_bad_lines;
        let records = documents::records(docs, &input)?;
        let index = &mut self.index;
        let checked = py
            .detach(|| {
                let checked = index.check(documents::entries(records, &input))?;
                if add {
                    let new = checked
                        .new_documents()
                        .map(|doc| Ok(Entry::Document(doc.clone())));
                    index.add(new, |_| {})?;
                }
                Ok(checked)
            })
            .map_err(to_py)?;
        Ok(Report::of_check(checked))
    }

    /// Removes articles by id. Returns a dict: ``removed`` and ``unknown``
    /// (ids the index does not hold).
    fn remove<'py>(&mut self, py: Python<'py>, ids: Vec<String>) -> PyResult<Bound<'py, PyDict>> {
        let index = &mut self.index;
        let removed = py.detach(|| index.remove(&ids)).map_err(to_py)?;
        let out = PyDict::new(py);
        out.set_item("removed", removed.removed)?;
        out.set_item("unknown", removed.unknown)?;
        Ok(out)
    }

    /// Removes every article whose ``time_field`` holds a time before
    /// ``before`` (Unix seconds, or a time as the CLI reads it: RFC 3339,
    /// ``YYYY-MM-DD``). Returns a dict: ``removed`` and ``untimed`` (kept:
    /// no readable time).
    fn evict<'py>(
        &mut self,
        py: Python<'py>,
        time_field: String,
        before: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let before = match before.extract::<i64>() {
            Ok(seconds) => seconds,
            Err(_) => {
                let text: String = before.extract()?;
                reprint::parse_time(&serde_json::Value::String(text.clone())).ok_or_else(|| {
                    crate::errors::SettingError::new_err(format!(
                        "before: {text:?} is not a time (RFC 3339, YYYY-MM-DD or Unix seconds)"
                    ))
                })?
            }
        };
        let index = &mut self.index;
        let evicted = py
            .detach(|| index.evict(&time_field, before))
            .map_err(to_py)?;
        let out = PyDict::new(py);
        out.set_item("removed", evicted.removed)?;
        out.set_item("untimed", evicted.untimed)?;
        Ok(out)
    }

    /// Rewrites the postings without the entries of removed articles.
    fn compact(&mut self, py: Python<'_>) -> PyResult<()> {
        let index = &mut self.index;
        py.detach(|| index.compact()).map_err(to_py)
    }

    /// Articles held, sizes on disk and in memory, the version that made it.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = py.detach(|| self.index.stats()).map_err(to_py)?;
        let out = PyDict::new(py);
        out.set_item("documents", stats.documents)?;
        out.set_item("file_bytes", stats.file_bytes)?;
        out.set_item("postings_bytes", stats.postings_bytes)?;
        out.set_item("lookup_memory_bytes", stats.lookup_memory_bytes)?;
        out.set_item("created_by", stats.created_by)?;
        Ok(out)
    }

    /// The index's settings (fixed at creation), as a scan report lists them.
    #[getter]
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, self.index.config())?)
    }

    fn __len__(&self) -> PyResult<usize> {
        let stats = self.index.stats().map_err(to_py)?;
        Ok(stats.documents as usize)
    }
}

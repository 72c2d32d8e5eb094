//! The Python package `reprint` (module `reprint._reprint`; `reprint/__init__.py`
//! re-exports it): scans, comparisons, sketches for other engines, and the
//! persistent index, over the library the CLI runs.
//!
//! Every call converts its Python arguments while it holds the interpreter,
//! then releases it (`Python::detach`) for the work, so other Python threads
//! run meanwhile. Settings are keyword arguments named as the CLI's options
//! (`settings.rs`); errors are the CLI's messages (`errors.rs`).

mod documents;
mod errors;
mod index;
mod plan;
mod report;
mod settings;
mod sketcher;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use reprint::Document;

use errors::{to_py, IndexStoreError, InputError, ReprintError, SettingError};
use report::Report;
use settings::{config_from, CORPUS, GLOBAL, SHINGLE, SIMILARITY, STORY};

/// Scans articles for near-duplicates, duplicate clusters, reused passages
/// and rewrites of one story, as ``reprint scan`` does.
///
/// ``docs`` is any iterable of dicts (read as the lines of a JSON Lines file
/// are: ``id`` and ``text`` fields by default, other fields kept as
/// metadata, a publication time read from a field with a usual name) or of
/// ``(id, text)`` tuples. Settings are the CLI's options by name, e.g.
/// ``threshold=0.8``, ``no_story=True``, ``skip_bad_lines=True``.
#[pyfunction]
#[pyo3(signature = (docs, **settings))]
fn scan(
    py: Python<'_>,
    docs: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    let config = config_from(settings, &[SHINGLE, SIMILARITY, STORY, CORPUS, GLOBAL])?;
    let records = documents::records(docs, &config.input)?;
    let scan = py
        .detach(|| reprint::run(&config, documents::entries(records, &config.input)))
        .map_err(to_py)?;
    Ok(Report::of_scan(scan))
}

/// Compares two articles whatever their similarity, as ``reprint compare``
/// does: scores, verdict and shared passages, as a dict.
///
/// Each article is a text, or an ``(id, text)`` tuple (ids ``a`` and ``b``
/// otherwise).
#[pyfunction]
#[pyo3(signature = (a, b, **settings))]
fn compare<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    settings: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let config = config_from(settings, &[SHINGLE, STORY, GLOBAL])?;
    let (a, b) = (article(a, "a")?, article(b, "b")?);
    let comparison = py
        .detach(|| reprint::compare(&config, &a, &b))
        .map_err(to_py)?;
    Ok(pythonize::pythonize(py, &comparison)?)
}

/// A text, or an `(id, text)` tuple, as a document.
fn article(item: &Bound<'_, PyAny>, default_id: &str) -> PyResult<Document> {
    if let Ok(tuple) = item.cast::<PyTuple>() {
        let (id, text): (String, String) = tuple.extract()?;
        return Ok(Document::new(id, text));
    }
    let text: String = item.extract().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "article {default_id}: expected a str or an (id, text) tuple"
        ))
    })?;
    Ok(Document::new(default_id, text))
}

#[pymodule]
#[pyo3(name = "_reprint")]
fn reprint_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ReprintError", py.get_type::<ReprintError>())?;
    m.add("SettingError", py.get_type::<SettingError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("IndexStoreError", py.get_type::<IndexStoreError>())?;
    m.add(
        "SCAN_SETTINGS",
        [SHINGLE, SIMILARITY, STORY, CORPUS, GLOBAL].concat(),
    )?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_class::<Report>()?;
    m.add_class::<sketcher::Sketcher>()?;
    m.add_class::<index::Index>()?;
    m.add_class::<plan::ScanPlan>()?;
    Ok(())
}

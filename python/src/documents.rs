//! Articles given from Python: dicts (read as JSON Lines records are) or
//! `(id, text)` tuples, in order, into the library's entries.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use reprint::config::InputConfig;
use reprint::{Entry, Record, RecordReader};
use serde_json::{Map, Value};

/// Where errors and skips say an article came from: `<documents>, line 3`
/// is the third item.
pub const ORIGIN: &str = "<documents>";

/// The records of `docs` (any iterable), converted while the interpreter is
/// held; reading them ([`entries`]) needs it no more.
pub fn records(docs: &Bound<'_, PyAny>, input: &InputConfig) -> PyResult<Vec<Record>> {
    let mut records = Vec::new();
    for item in docs.try_iter()? {
        records.push(record(&item?, input)?);
    }
    Ok(records)
}

/// The entries of `records`, as the JSON Lines reader would give them.
pub fn entries(
    records: Vec<Record>,
    input: &InputConfig,
) -> impl Iterator<Item = reprint::Result<Entry>> {
    RecordReader::new(records.into_iter(), input, ORIGIN)
}

/// One item: a dict is a record; an `(id, text)` tuple the record of those
/// two fields; anything else a bad record (an error, or skipped with
/// `skip_bad_lines`). A dict that is not JSON (a set among its values, say)
/// raises at once: it is the caller's to mend.
fn record(item: &Bound<'_, PyAny>, input: &InputConfig) -> PyResult<Record> {
    if let Ok(dict) = item.cast::<PyDict>() {
        return Ok(Ok(pythonize::depythonize::<Map<String, Value>>(dict)?));
    }
    if let Ok(tuple) = item.cast::<PyTuple>() {
        if tuple.len() == 2 {
            let id: Value = pythonize::depythonize(&tuple.get_item(0)?)?;
            let text: Value = pythonize::depythonize(&tuple.get_item(1)?)?;
            let mut record = Map::new();
            record.insert(input.id_field.clone(), id);
            record.insert(input.text_field.clone(), text);
            return Ok(Ok(record));
        }
    }
    let kind = if item.is_instance_of::<PyString>() {
        "a str (give an (id, text) tuple or a dict)".to_string()
    } else {
        format!("{} object", item.get_type().name()?)
    };
    Ok(Err(format!(
        "expected a dict or an (id, text) tuple, got {kind}"
    )))
}

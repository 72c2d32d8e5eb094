//! Records held in memory, read by the JSON Lines reader's rules: what a
//! caller that already has its articles as objects (the Python package's
//! dicts) scans, with the same ids, errors and skips as a file of them.
//!
//! Input: JSON objects in order (or, for an item that is none, why). Output:
//! [`Entry`] values in the same order. Record `n` (from 1) stands where a
//! file's line `n` would: errors and skips name it as `ORIGIN, line n`.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{record_document, Entry, IdKind, IdRegistry, Origin, Skipped};
use crate::config::InputConfig;
use crate::error::Error;

/// One item to read: a JSON object, or why the item is not one.
pub type Record = Result<Map<String, Value>, String>;

/// Reads [`Record`]s as a [`crate::CorpusReader`] reads the lines of one JSON
/// Lines file: the id and text fields by the [`InputConfig`], the other
/// fields kept as metadata, a record without an id named by its number, and
/// a bad record or a repeated id an error (or, with `skip_bad_lines`, a
/// [`Skipped`] entry). The texts stay held: there is no file to read them
/// again from.
///
/// # Examples
///
/// ```
/// use reprint::{Config, Entry, RecordReader};
/// use serde_json::json;
///
/// let records = [json!({"id": 7, "text": "one"}), json!({"text": 2})]
///     .into_iter()
///     .map(|record| Ok(record.as_object().unwrap().clone()));
/// let mut reader = RecordReader::new(records, &Config::default().input, "<memory>");
/// let Some(Ok(Entry::Document(first))) = reader.next() else { panic!() };
/// assert_eq!(first.id, "7");
/// let error = reader.next().unwrap().unwrap_err();
/// assert!(error.to_string().starts_with("<memory>, line 2: text field"), "{error}");
/// ```
pub struct RecordReader<I> {
    records: I,
    config: InputConfig,
    origin: Arc<Path>,
    number: u64,
    ids: IdRegistry,
    failed: bool,
}

impl<I: Iterator<Item = Record>> RecordReader<I> {
    /// A reader of `records`, which errors and skips name as `origin`
    /// (`<python>`, say).
    pub fn new(records: I, config: &InputConfig, origin: &str) -> Self {
        RecordReader {
            records,
            config: config.clone(),
            origin: Path::new(origin).into(),
            number: 0,
            ids: IdRegistry::default(),
            failed: false,
        }
    }

    fn read(&mut self, record: Record) -> crate::Result<Entry> {
        let origin = Origin {
            path: self.origin.clone(),
            line: Some(self.number),
        };
        let document = record
            .map_err(|reason| (None, reason))
            .and_then(|record| record_document(record, &self.config, self.number));
        match document {
            Ok(mut document) => {
                if document.id_kind == IdKind::Line {
                    document.id = self.number.to_string();
                }
                document.origin = origin;
                self.ids.accept(document, self.config.skip_bad_lines)
            }
            Err((id, reason)) if self.config.skip_bad_lines => Ok(Entry::Skipped(Skipped {
                location: origin.to_string(),
                id,
                reason,
            })),
            Err((_, reason)) => Err(Error::BadLine {
                path: self.origin.to_path_buf(),
                line: self.number,
                reason,
            }),
        }
    }
}

impl<I: Iterator<Item = Record>> Iterator for RecordReader<I> {
    type Item = crate::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        // As a file's reader, nothing after an error.
        if self.failed {
            return None;
        }
        let record = self.records.next()?;
        self.number += 1;
        let entry = self.read(record);
        self.failed = entry.is_err();
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn object(value: Value) -> Record {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(format!("not an object: {other}")),
        }
    }

    fn read(values: Vec<Value>, skip_bad_lines: bool) -> Vec<crate::Result<Entry>> {
        let mut input = Config::default().input;
        input.skip_bad_lines = skip_bad_lines;
        RecordReader::new(values.into_iter().map(object), &input, "<test>").collect()
    }

    #[test]
    fn records_read_as_lines_of_a_file() {
        let entries = read(
            vec![
                serde_json::json!({"id": "a", "text": "first", "source": "x"}),
                serde_json::json!({"text": "no id"}),
                serde_json::json!({"id": 18446744073709551616u128, "text": "big id"}),
            ],
            false,
        );
        let documents: Vec<_> = entries
            .into_iter()
            .map(|entry| match entry {
                Ok(Entry::Document(document)) => document,
                other => panic!("{other:?}"),
            })
            .collect();
        let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "2", "18446744073709551616"]);
        assert_eq!(documents[0].metadata()["source"], "x");
        assert_eq!(documents[1].origin.to_string(), "<test>, line 2");
        assert_eq!(documents[2].held_text(), Some("big id"));
    }

    #[test]
    fn a_bad_record_stops_the_reading_or_is_skipped() {
        let values = || {
            vec![
                serde_json::json!({"id": "a", "text": "first"}),
                serde_json::json!({"id": "b", "body": "wrong field"}),
                serde_json::json!({"id": "a", "text": "again"}),
                serde_json::json!(["not", "an", "object"]),
                serde_json::json!({"id": "c", "text": "last"}),
            ]
        };
        let stopped = read(values(), false);
        assert_eq!(stopped.len(), 2, "nothing after the error");
        let error = stopped[1].as_ref().unwrap_err().to_string();
        assert!(
            error.starts_with("<test>, line 2: no text field"),
            "{error}"
        );

        let skipped = read(values(), true);
        let reasons: Vec<String> = skipped
            .iter()
            .filter_map(|entry| match entry {
                Ok(Entry::Skipped(skipped)) => Some(skipped.reason.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[1].starts_with("duplicate id (first seen at <test>, line 1)"));
        assert!(reasons[2].starts_with("not an object"));
        assert!(matches!(skipped.last(), Some(Ok(Entry::Document(d))) if d.id == "c"));
    }
}

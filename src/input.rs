//! Reading corpora: folders of text files, JSON Lines files and standard input.
//!
//! Input: paths (a folder, a `.txt`/`.md` file, a JSON Lines file, or `-` for JSON
//! Lines on stdin; any of them gzipped when the name ends in `.gz`).
//! Output: a stream of [`Entry`] values in input order: a [`Document`] or a
//! [`Skipped`] record saying what could not be used and why.
//!
//! Invariants: the reader holds one line or one file at a time (the corpus is
//! never held twice); folder files are visited in sorted path order so that ids
//! and report order do not depend on the file system; ids are unique.

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use ahash::AHashMap;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::InputConfig;
use crate::error::Error;

/// Dense document number: the position of an accepted document in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u32);

impl DocId {
    /// The id as an index into per-document vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where an input item came from: a file, and the line for JSON Lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (`-` for standard input).
    pub path: PathBuf,
    /// 1-based line for JSON Lines input.
    pub line: Option<u64>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        Ok(())
    }
}

/// One article.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The user's id: the JSON id field, or the path relative to the scanned folder.
    pub id: String,
    /// The original text, unchanged; all reported offsets point into it.
    pub text: String,
    /// The other fields of a JSON Lines record, in their original order.
    pub metadata: Map<String, Value>,
    /// Where it was read from.
    pub origin: Origin,
}

impl Document {
    /// A document built in memory (no file behind it).
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        let id = id.into();
        Document {
            origin: Origin {
                path: PathBuf::from(format!("<memory:{id}>")),
                line: None,
            },
            id,
            text: text.into(),
            metadata: Map::new(),
        }
    }
}

/// An input item that was not used, with the reason. Listed in every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// File, and line for JSON Lines.
    pub location: String,
    /// The document id, where one could be read.
    pub id: Option<String>,
    /// Why it was skipped.
    pub reason: String,
}

/// One item of the input stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A document to scan.
    Document(Document),
    /// Something that could not be used.
    Skipped(Skipped),
}

/// Streams [`Entry`] values from a list of input paths, in order.
pub struct CorpusReader {
    pending: VecDeque<PathBuf>,
    current: Option<Source>,
    config: InputConfig,
    first_seen: AHashMap<String, String>,
}

enum Source {
    Lines {
        path: PathBuf,
        reader: Box<dyn BufRead>,
        line: u64,
        buffer: Vec<u8>,
    },
    Files {
        root: PathBuf,
        files: std::vec::IntoIter<PathBuf>,
    },
}

/// File name endings read as one document each.
const TEXT_EXTENSIONS: [&str; 2] = ["txt", "md"];

impl CorpusReader {
    /// Checks that every path exists and prepares to read them in order.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a path that does not exist.
    pub fn open(paths: &[PathBuf], config: &InputConfig) -> crate::Result<Self> {
        for path in paths {
            if !is_stdin(path) && !path.exists() {
                return Err(Error::NotFound { path: path.clone() });
            }
        }
        Ok(CorpusReader {
            pending: paths.iter().cloned().collect(),
            current: None,
            config: config.clone(),
            first_seen: AHashMap::new(),
        })
    }

    fn open_next(&mut self, path: PathBuf) -> crate::Result<Option<Entry>> {
        if is_stdin(&path) {
            self.current = Some(lines_source(path, Box::new(std::io::stdin().lock())));
            return Ok(None);
        }
        if path.is_dir() {
            let files = list_text_files(&path)?;
            self.current = Some(Source::Files {
                root: path,
                files: files.into_iter(),
            });
            return Ok(None);
        }
        if is_text_file(&path) {
            let id = path.to_string_lossy().into_owned();
            return self.read_text_file(&path, id).map(Some);
        }
        let reader = open_maybe_gzipped(&path)?;
        self.current = Some(lines_source(path, Box::new(BufReader::new(reader))));
        Ok(None)
    }

    /// Reads one whole text file as one document, with a unique id.
    fn read_text_file(&mut self, path: &Path, id: String) -> crate::Result<Entry> {
        match read_document(path, id)? {
            Entry::Document(document) => self.accept(document),
            skipped => Ok(skipped),
        }
    }

    /// Registers the id, or reports it as a duplicate.
    fn accept(&mut self, document: Document) -> crate::Result<Entry> {
        let here = document.origin.to_string();
        if let Some(first) = self.first_seen.get(&document.id) {
            if !self.config.skip_bad_lines {
                return Err(Error::DuplicateId {
                    at: here,
                    id: document.id,
                    first: first.clone(),
                });
            }
            return Ok(Entry::Skipped(Skipped {
                reason: format!("duplicate id (first seen at {first})"),
                location: here,
                id: Some(document.id),
            }));
        }
        self.first_seen.insert(document.id.clone(), here);
        Ok(Entry::Document(document))
    }

    /// Reads the next entry of the current source, or `None` when it is exhausted.
    fn next_from_current(&mut self) -> crate::Result<Option<Entry>> {
        let Some(source) = self.current.as_mut() else {
            return Ok(None);
        };
        match source {
            Source::Files { root, files } => {
                let Some(path) = files.next() else {
                    return Ok(None);
                };
                let relative = path.strip_prefix(&*root).unwrap_or(&path);
                let id = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if is_readme(&path) {
                    return Ok(Some(Entry::Skipped(Skipped {
                        location: display_path(&path),
                        id: Some(id),
                        reason: "README file: describes the folder, not an article".into(),
                    })));
                }
                self.read_text_file(&path, id).map(Some)
            }
            Source::Lines {
                path,
                reader,
                line,
                buffer,
            } => loop {
                buffer.clear();
                let read = reader
                    .read_until(b'\n', buffer)
                    .map_err(|source| Error::Io {
                        path: path.clone(),
                        source,
                    })?;
                if read == 0 {
                    return Ok(None);
                }
                *line += 1;
                if buffer.iter().all(u8::is_ascii_whitespace) {
                    continue; // blank lines separate nothing in JSON Lines
                }
                let origin = Origin {
                    path: path.clone(),
                    line: Some(*line),
                };
                let parsed = parse_record(buffer, &self.config, *line);
                return match parsed {
                    Ok(document) => {
                        let document = Document { origin, ..document };
                        self.accept(document).map(Some)
                    }
                    Err((id, reason)) if self.config.skip_bad_lines => {
                        Ok(Some(Entry::Skipped(Skipped {
                            location: origin.to_string(),
                            id,
                            reason,
                        })))
                    }
                    Err((_, reason)) => Err(Error::BadLine {
                        path: path.clone(),
                        line: *line,
                        reason,
                    }),
                };
            },
        }
    }
}

impl Iterator for CorpusReader {
    type Item = crate::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_from_current() {
                Ok(Some(entry)) => return Some(Ok(entry)),
                Ok(None) => {}
                Err(e) => {
                    self.current = None;
                    self.pending.clear();
                    return Some(Err(e));
                }
            }
            self.current = None;
            let path = self.pending.pop_front()?;
            match self.open_next(path) {
                Ok(Some(entry)) => return Some(Ok(entry)),
                Ok(None) => {}
                Err(e) => {
                    self.pending.clear();
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Reads one whole text file (gzipped if its name ends in `.gz`) as a document
/// with the given id, or a [`Skipped`] entry if it is not valid UTF-8.
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read.
pub fn read_document(path: &Path, id: String) -> crate::Result<Entry> {
    let mut bytes = Vec::new();
    open_maybe_gzipped(path)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Ok(Entry::Skipped(Skipped {
                location: display_path(path),
                id: Some(id),
                reason: format!(
                    "not valid UTF-8 (first bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            }))
        }
    };
    Ok(Entry::Document(Document {
        id,
        text,
        metadata: Map::new(),
        origin: Origin {
            path: path.to_path_buf(),
            line: None,
        },
    }))
}

/// Parses one JSON Lines record; on failure returns the id (if readable) and the reason.
fn parse_record(
    bytes: &[u8],
    config: &InputConfig,
    line: u64,
) -> Result<Document, (Option<String>, String)> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        (
            None,
            format!(
                "not valid UTF-8 (first bad byte at column {})",
                e.valid_up_to() + 1
            ),
        )
    })?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| (None, format!("malformed JSON: {e}")))?;
    let Value::Object(mut record) = value else {
        return Err((
            None,
            format!("expected a JSON object, got {}", kind(&value)),
        ));
    };
    let id = match record.remove(&config.id_field) {
        None => line.to_string(),
        Some(Value::String(id)) => id,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => {
            return Err((
                None,
                format!(
                    "id field {:?} is {}, expected a string or a number",
                    config.id_field,
                    kind(&other)
                ),
            ))
        }
    };
    let text = match record.remove(&config.text_field) {
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err((
                Some(id),
                format!(
                    "text field {:?} is {}, expected a string",
                    config.text_field,
                    kind(&other)
                ),
            ))
        }
        None => {
            let fields: Vec<&str> = record.keys().map(String::as_str).collect();
            return Err((
                Some(id),
                format!(
                    "no text field {:?} (fields present: {}; choose one with --text-field)",
                    config.text_field,
                    if fields.is_empty() {
                        "none".to_string()
                    } else {
                        fields.join(", ")
                    }
                ),
            ));
        }
    };
    Ok(Document {
        id,
        text,
        metadata: record,
        origin: Origin {
            path: PathBuf::new(),
            line: Some(line),
        },
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn lines_source(path: PathBuf, reader: Box<dyn BufRead>) -> Source {
    Source::Lines {
        path,
        reader,
        line: 0,
        buffer: Vec::new(),
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn display_path(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

fn is_gzipped(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The extension that decides the format, looking through a `.gz` suffix.
fn format_extension(path: &Path) -> Option<String> {
    let path = if is_gzipped(path) {
        Path::new(path.file_stem()?)
    } else {
        path
    };
    Some(path.extension()?.to_string_lossy().to_ascii_lowercase())
}

fn is_text_file(path: &Path) -> bool {
    format_extension(path).is_some_and(|e| TEXT_EXTENSIONS.contains(&e.as_str()))
}

fn is_readme(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        n.to_string_lossy()
            .to_ascii_lowercase()
            .starts_with("readme.")
    })
}

fn open_maybe_gzipped(path: &Path) -> crate::Result<Box<dyn Read>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(if is_gzipped(path) {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    })
}

/// The `.txt`/`.md` files below `root`, sorted by path; hidden entries are ignored.
fn list_text_files(root: &Path) -> crate::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            path: e.path().unwrap_or(root).to_path_buf(),
            source: e.into(),
        })?;
        if entry.file_type().is_file() && is_text_file(entry.path()) {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(skip: bool) -> InputConfig {
        InputConfig {
            id_field: "id".into(),
            text_field: "text".into(),
            skip_bad_lines: skip,
            time_field: None,
        }
    }

    macro_rules! bad_records {
        ($($name:ident: $line:expr => $needle:expr;)*) => {$(
            #[test]
            fn $name() {
                let (_, reason) = parse_record($line.as_bytes(), &config(false), 1).unwrap_err();
                assert!(reason.contains($needle), "{reason}");
            }
        )*};
    }

    bad_records! {
        malformed: "{\"id\": 1, \"text\": " => "malformed JSON";
        not_object: "[1, 2]" => "expected a JSON object, got an array";
        missing_text: "{\"id\": 1, \"body\": \"x\"}" => "no text field \"text\" (fields present: body";
        text_not_string: "{\"id\": 1, \"text\": 5}" => "is a number, expected a string";
        id_not_scalar: "{\"id\": [1], \"text\": \"x\"}" => "id field \"id\" is an array";
    }

    #[test]
    fn record_keeps_other_fields_in_order_and_numeric_ids() {
        let doc = parse_record(
            br#"{"z": 1, "id": 7, "text": "hi", "a": "b"}"#,
            &config(false),
            3,
        )
        .unwrap();
        assert_eq!(doc.id, "7");
        assert_eq!(doc.text, "hi");
        assert_eq!(doc.metadata.keys().collect::<Vec<_>>(), ["z", "a"]);
    }

    #[test]
    fn missing_id_falls_back_to_line_number() {
        let doc = parse_record(br#"{"text": "hi"}"#, &config(false), 12).unwrap();
        assert_eq!(doc.id, "12");
    }

    #[test]
    fn format_is_decided_through_gz_suffix() {
        assert!(is_text_file(Path::new("a/b.TXT")));
        assert!(is_text_file(Path::new("b.md.gz")));
        assert!(!is_text_file(Path::new("b.jsonl.gz")));
        assert!(is_readme(Path::new("x/README.md")));
    }
}

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
//!
//! Every document it reads can be read again ([`Document::load_text`]), so a
//! scan keeps only signatures in memory and rereads the texts of candidate
//! pairs: a JSON Lines line by its byte offset, a text file by its path. Input
//! that cannot be read twice (stdin, gzip, pipes) is copied line by line into
//! an unnamed temporary file (in the system's temporary folder, `TMPDIR`) as it
//! is read. A checksum of each text catches a file that changed in between.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use ahash::AHashMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use xxhash_rust::xxh3::xxh3_128;

mod records;
mod time;

pub use records::{Record, RecordReader};
pub use time::parse_time;

use crate::config::InputConfig;
use crate::error::Error;

/// Where an input item came from: a file, and the line for JSON Lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (`-` for standard input), shared by all its documents.
    pub path: Arc<Path>,
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

/// Where a document's id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// Given as text: a JSON string, or by a caller.
    Text,
    /// Given as a JSON number; the id is the number exactly as written.
    Number,
    /// None given: the record's line (prefixed by its file when several
    /// inputs are read).
    Line,
    /// A file's path, relative to the folder scanned.
    Path,
}

/// One article.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The user's id: the JSON id field, or the path relative to the scanned folder.
    pub id: String,
    /// Where the id came from.
    pub id_kind: IdKind,
    /// The original text, unchanged; all reported offsets point into it.
    /// `None` once a scan let it go ([`Document::load_text`] reads it again).
    text: Option<Box<str>>,
    /// The other fields of a JSON Lines record, in their original order; none
    /// when there are none (an empty map takes 72 bytes, a scan holds every
    /// document's for the whole scan).
    metadata: Option<Box<Map<String, Value>>>,
    /// Where it was read from.
    pub origin: Origin,
    /// How to read the text again once a scan has let it go (none for a
    /// document built in memory, whose text is always held).
    recall: Option<Recall>,
}

impl Document {
    /// A document built in memory (no file behind it).
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        let id = id.into();
        Document {
            origin: Origin {
                path: Path::new(&format!("<memory:{id}>")).into(),
                line: None,
            },
            id,
            id_kind: IdKind::Text,
            text: Some(text.into().into_boxed_str()),
            metadata: None,
            recall: None,
        }
    }

    /// The id as the input gave it, to write a record back: a string, a
    /// number exactly as written, or `None` when the input gave none (the id
    /// is the record's line).
    pub fn given_id(&self) -> Option<Value> {
        match self.id_kind {
            IdKind::Text | IdKind::Path => Some(Value::String(self.id.clone())),
            IdKind::Number => Some(
                self.id
                    .parse::<serde_json::Number>()
                    .map_or_else(|_| Value::String(self.id.clone()), Value::Number),
            ),
            IdKind::Line => None,
        }
    }

    /// The other fields of a JSON Lines record, in their original order
    /// (empty for other documents).
    pub fn metadata(&self) -> &Map<String, Value> {
        static NONE: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
        self.metadata.as_deref().unwrap_or(&NONE)
    }

    /// The text when it is held in memory: always for a document built with
    /// [`Document::new`], and for one read by a [`CorpusReader`] until a scan
    /// lets it go. [`Document::load_text`] reads it in either case.
    pub fn held_text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The text of a document just read (readers always give one).
    fn into_text(self) -> String {
        self.text
            .expect("a document just read holds its text")
            .into_string()
    }

    /// [`Document::into_text`], borrowed.
    fn just_read_text(&self) -> &str {
        self.held_text()
            .expect("a document just read holds its text")
    }

    /// The text: held, or read again from the input when a scan let it go
    /// (the documents of a [`crate::Scan`] hold no text when they came from a
    /// [`CorpusReader`]).
    ///
    /// # Errors
    /// [`Error::Io`] when the input cannot be read again, and
    /// [`Error::InputChanged`] when it no longer holds the same text.
    pub fn load_text(&self) -> crate::Result<Cow<'_, str>> {
        match (&self.text, &self.recall) {
            (Some(text), _) => Ok(Cow::Borrowed(text)),
            (None, Some(recall)) => recall.read(self).map(Cow::Owned),
            (None, None) => unreachable!("a text is let go only when it can be read again"),
        }
    }

    /// Frees the text when it can be read again ([`Document::load_text`]);
    /// keeps it otherwise.
    pub fn release_text(&mut self) {
        if self.recall.is_some() {
            self.text = None;
        }
    }
}

/// Where a document's text can be read again.
#[derive(Debug, Clone)]
enum Recall {
    /// A line of a JSON Lines file, or of the temporary copy of an input that
    /// cannot be read twice.
    Line {
        file: Arc<LineFile>,
        offset: u64,
        len: u64,
        checksum: u64,
    },
    /// A whole text file: the document's origin.
    File { checksum: u64 },
    /// A whole text in the reader's temporary copy (a text file that is a
    /// pipe, read once).
    Copied {
        file: Arc<LineFile>,
        offset: u64,
        len: u64,
        checksum: u64,
    },
}

/// Two recalls are equal when they read back the same bytes (by checksum):
/// where the bytes are kept does not make documents differ.
impl PartialEq for Recall {
    fn eq(&self, other: &Self) -> bool {
        self.checksum() == other.checksum()
    }
}

/// Where lines are read back from, with the settings that parse them.
#[derive(Debug)]
struct LineFile {
    place: LinePlace,
    config: InputConfig,
}

#[derive(Debug)]
enum LinePlace {
    /// The JSON Lines file itself (the document's origin), opened again for
    /// each read, so that a corpus of many files holds no file descriptors.
    InPlace,
    /// The reader's one temporary copy of every input that cannot be read twice.
    Copy(File),
}

impl Recall {
    fn checksum(&self) -> u64 {
        match self {
            Recall::Line { checksum, .. }
            | Recall::File { checksum }
            | Recall::Copied { checksum, .. } => *checksum,
        }
    }

    fn read(&self, document: &Document) -> crate::Result<String> {
        let changed = || Error::InputChanged {
            location: document.origin.to_string(),
        };
        // A file cut short since it was read has changed, whatever the
        // system calls it.
        let io_error = |source: std::io::Error| {
            if source.kind() == std::io::ErrorKind::UnexpectedEof {
                changed()
            } else {
                Error::Io {
                    path: document.origin.path.to_path_buf(),
                    source,
                }
            }
        };
        // The bytes at `offset`, if they are still the ones read.
        let read_span = |file: &LineFile, offset: u64, len: u64, checksum: u64| {
            let mut bytes = vec![0; usize::try_from(len).map_err(|_| changed())?];
            match &file.place {
                LinePlace::InPlace => {
                    let opened = File::open(&document.origin.path).map_err(io_error)?;
                    read_exact_at(&opened, &mut bytes, offset).map_err(io_error)?;
                }
                LinePlace::Copy(copy) => {
                    read_exact_at(copy, &mut bytes, offset).map_err(io_error)?
                }
            }
            if text_checksum(&bytes) != checksum {
                return Err(changed());
            }
            Ok(bytes)
        };
        match self {
            Recall::Line {
                file,
                offset,
                len,
                checksum,
            } => {
                let bytes = read_span(file, *offset, *len, *checksum)?;
                let line = document.origin.line.unwrap_or(0);
                parse_record(&bytes, &file.config, line)
                    .map(Document::into_text)
                    .map_err(|_| changed())
            }
            Recall::Copied {
                file,
                offset,
                len,
                checksum,
            } => {
                let bytes = read_span(file, *offset, *len, *checksum)?;
                String::from_utf8(bytes).map_err(|_| changed())
            }
            Recall::File { checksum } => {
                match read_document(&document.origin.path, document.id.clone()) {
                    Ok(Entry::Document(d))
                        if text_checksum(d.just_read_text().as_bytes()) == *checksum =>
                    {
                        Ok(d.into_text())
                    }
                    Err(Error::Io { source, .. }) => Err(io_error(source)),
                    _ => Err(changed()),
                }
            }
        }
    }
}

fn text_checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// An input item that was not used, with the reason. Listed in every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The ids seen so far.
    ids: IdRegistry,
    /// More than one input: an id-less record's id names its file too.
    several_inputs: bool,
    /// The temporary copy of input that cannot be read twice, made on first use.
    spill: Option<Spill>,
}

/// Every id seen so far, to tell a duplicate where its id was first seen.
#[derive(Default)]
struct IdRegistry {
    /// Where each id was first seen, by the id's 128-bit hash (two ids of
    /// ten million share one with a chance near 1e-25): 32 bytes an id, where
    /// the id and its origin took about 170 at a million documents.
    first_seen: AHashMap<u128, FirstSeen>,
    /// The files of the origins in `first_seen`, numbered.
    seen_paths: Vec<Arc<Path>>,
}

impl IdRegistry {
    /// Registers the id, or reports it as a duplicate.
    fn accept(&mut self, document: Document, skip_duplicates: bool) -> crate::Result<Entry> {
        let key = xxh3_128(document.id.as_bytes());
        if let Some(seen) = self.first_seen.get(&key) {
            let first = Origin {
                path: self.seen_paths[seen.path as usize].clone(),
                line: (seen.line != 0).then_some(seen.line),
            };
            let (here, first) = (document.origin.to_string(), first.to_string());
            if document.id_kind == IdKind::Line || seen.kind == IdKind::Line {
                return Err(Error::IdClash {
                    at: here,
                    id: document.id,
                    first,
                });
            }
            if !skip_duplicates {
                return Err(Error::DuplicateId {
                    at: here,
                    id: document.id,
                    first,
                });
            }
            return Ok(Entry::Skipped(Skipped {
                reason: format!("duplicate id (first seen at {first})"),
                location: here,
                id: Some(document.id),
            }));
        }
        // Documents of one file come in a row: one number for all of them.
        if !self
            .seen_paths
            .last()
            .is_some_and(|last| Arc::ptr_eq(last, &document.origin.path))
        {
            self.seen_paths.push(document.origin.path.clone());
        }
        let seen = FirstSeen {
            line: document.origin.line.unwrap_or(0),
            path: (self.seen_paths.len() - 1) as u32,
            kind: document.id_kind,
        };
        self.first_seen.insert(key, seen);
        Ok(Entry::Document(document))
    }
}

/// Where an id was first seen: its origin's line (0 for none, as lines count
/// from 1) and file (a number in `IdRegistry::seen_paths`), and its kind.
struct FirstSeen {
    line: u64,
    path: u32,
    kind: IdKind,
}

/// The temporary copy being written: every line of stdin, gzip and pipe input.
struct Spill {
    copy: Arc<LineFile>,
    writer: BufWriter<File>,
    /// Where the next line goes.
    offset: u64,
}

enum Source {
    Lines {
        path: Arc<Path>,
        reader: Box<dyn BufRead>,
        line: u64,
        buffer: Vec<u8>,
        /// Where the lines are read back from: the file itself, or the
        /// reader's temporary copy when this is `None`.
        in_place: Option<(Arc<LineFile>, u64)>,
    },
    Files {
        root: PathBuf,
        files: std::vec::IntoIter<FolderEntry>,
    },
}

/// The id of a file of a folder: its path relative to the folder, with `/`
/// between components on every system.
fn file_id(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the line just read (`buffer`, empty at the end of the input) can be
/// read again: its file and byte offset, in the input itself or, for input
/// that cannot be read twice, in the temporary copy it is appended to.
fn line_home(
    in_place: Option<&mut (Arc<LineFile>, u64)>,
    spill: Option<&mut Spill>,
    buffer: &[u8],
    path: &Path,
) -> crate::Result<(Arc<LineFile>, u64)> {
    let read = buffer.len() as u64;
    let spill_error = |source| Error::Spill {
        input: path.to_path_buf(),
        source,
    };
    match (in_place, spill) {
        (Some((file, offset)), _) => {
            *offset += read;
            Ok((file.clone(), *offset - read))
        }
        (None, Some(spill)) => {
            if read == 0 {
                spill.writer.flush().map_err(spill_error)?;
            }
            spill.writer.write_all(buffer).map_err(spill_error)?;
            spill.offset += read;
            Ok((spill.copy.clone(), spill.offset - read))
        }
        (None, None) => unreachable!("a copied source makes the copy when it opens"),
    }
}

/// File name endings read as one document each.
const TEXT_EXTENSIONS: [&str; 2] = ["txt", "md"];

impl CorpusReader {
    /// Checks that every path exists and prepares to read them in order.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a path that does not exist.
    ///
    /// # Examples
    ///
    /// Scan a folder of articles (here the five sample articles of the
    /// repository, one story told five ways) and list its pairs:
    ///
    /// ```
    /// use reprint::{Config, CorpusReader, Verdict};
    ///
    /// let config = Config::default();
    /// let reader = CorpusReader::open(&["seeds".into()], &config.input)?;
    /// let scan = reprint::run(&config, reader)?;
    /// assert_eq!(scan.report.counts.documents_scanned, 5);
    /// for pair in &scan.report.pairs {
    ///     assert_eq!(pair.verdict, Verdict::Rewrite);
    ///     println!("{} ~ {}: {}", pair.scores.a, pair.scores.b, pair.verdict.name());
    /// }
    /// // Documents read from files are let go after sketching; read them again:
    /// let first = &scan.documents[0];
    /// assert!(first.held_text().is_none() && !first.load_text()?.is_empty());
    /// # Ok::<(), reprint::Error>(())
    /// ```
    pub fn open(paths: &[PathBuf], config: &InputConfig) -> crate::Result<Self> {
        for path in paths {
            if is_stdin(path) {
                continue;
            }
            match std::fs::metadata(path) {
                Ok(_) => {}
                // A link that leads nowhere exists, but cannot be read.
                Err(source) if path.symlink_metadata().is_ok() => {
                    return Err(Error::Io {
                        path: path.clone(),
                        source,
                    })
                }
                Err(_) => return Err(Error::NotFound { path: path.clone() }),
            }
        }
        Ok(CorpusReader {
            pending: paths.iter().cloned().collect(),
            current: None,
            config: config.clone(),
            ids: IdRegistry::default(),
            several_inputs: paths.len() > 1,
            spill: None,
        })
    }

    fn open_next(&mut self, path: PathBuf) -> crate::Result<Option<Entry>> {
        if is_stdin(&path) {
            let source = self.lines_source(path, Box::new(std::io::stdin().lock()), false)?;
            self.current = Some(source);
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
        // A regular file is read back in place; a pipe or a gzip file is copied.
        let in_place =
            !is_gzipped(&path) && std::fs::metadata(&path).is_ok_and(|m| m.file_type().is_file());
        let source = self.lines_source(path, Box::new(BufReader::new(reader)), in_place)?;
        self.current = Some(source);
        Ok(None)
    }

    /// A JSON Lines source, read back in place or from the temporary copy
    /// (made now if this is the first input that needs it).
    fn lines_source(
        &mut self,
        path: PathBuf,
        reader: Box<dyn BufRead>,
        in_place: bool,
    ) -> crate::Result<Source> {
        let in_place = if in_place {
            let file = LineFile {
                place: LinePlace::InPlace,
                config: self.config.clone(),
            };
            Some((Arc::new(file), 0))
        } else {
            self.spill(&path)?;
            None
        };
        Ok(Source::Lines {
            path: path.into(),
            reader,
            line: 0,
            buffer: Vec::new(),
            in_place,
        })
    }

    /// Reads one whole text file as one document, with a unique id.
    fn read_text_file(&mut self, path: &Path, id: String) -> crate::Result<Entry> {
        match read_document(path, id)? {
            Entry::Document(mut document) => {
                document.id_kind = IdKind::Path;
                let text = document.just_read_text().as_bytes();
                let checksum = text_checksum(text);
                let recall = if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
                    Recall::File { checksum }
                } else {
                    // A pipe gives its text once: keep a copy.
                    let (file, offset) = self.copy_bytes(path, text)?;
                    Recall::Copied {
                        file,
                        offset,
                        len: text.len() as u64,
                        checksum,
                    }
                };
                document.recall = Some(recall);
                self.accept(document)
            }
            skipped => Ok(skipped),
        }
    }

    /// The temporary copy, made now if this is the first input that needs it.
    fn spill(&mut self, input: &Path) -> crate::Result<&mut Spill> {
        if self.spill.is_none() {
            let spill_error = |source| Error::Spill {
                input: input.to_path_buf(),
                source,
            };
            let copy = tempfile::tempfile().map_err(spill_error)?;
            let writer = BufWriter::new(copy.try_clone().map_err(spill_error)?);
            self.spill = Some(Spill {
                copy: Arc::new(LineFile {
                    place: LinePlace::Copy(copy),
                    config: self.config.clone(),
                }),
                writer,
                offset: 0,
            });
        }
        Ok(self.spill.as_mut().expect("made above"))
    }

    /// Appends a whole text to the temporary copy; where it can be read again.
    fn copy_bytes(&mut self, input: &Path, bytes: &[u8]) -> crate::Result<(Arc<LineFile>, u64)> {
        let spill = self.spill(input)?;
        let spill_error = |source| Error::Spill {
            input: input.to_path_buf(),
            source,
        };
        spill.writer.write_all(bytes).map_err(spill_error)?;
        spill.writer.flush().map_err(spill_error)?;
        spill.offset += bytes.len() as u64;
        Ok((spill.copy.clone(), spill.offset - bytes.len() as u64))
    }

    /// Registers the id, or reports it as a duplicate.
    fn accept(&mut self, document: Document) -> crate::Result<Entry> {
        self.ids.accept(document, self.config.skip_bad_lines)
    }

    /// Reads the next entry of the current source, or `None` when it is exhausted.
    fn next_from_current(&mut self) -> crate::Result<Option<Entry>> {
        let Some(source) = self.current.as_mut() else {
            return Ok(None);
        };
        match source {
            Source::Files { root, files } => {
                let path = match files.next() {
                    None => return Ok(None),
                    Some(FolderEntry::File(path)) => path,
                    Some(FolderEntry::Skipped(path, reason)) => {
                        return Ok(Some(Entry::Skipped(Skipped {
                            location: display_path(&path),
                            id: Some(file_id(root, &path)),
                            reason,
                        })));
                    }
                };
                let id = file_id(root, &path);
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
                in_place,
            } => loop {
                buffer.clear();
                let read = reader
                    .read_until(b'\n', buffer)
                    .map_err(|source| Error::Io {
                        path: path.to_path_buf(),
                        source,
                    })?;
                let (file, line_offset) =
                    line_home(in_place.as_mut(), self.spill.as_mut(), buffer, path)?;
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
                    Ok(mut document) => {
                        if document.id_kind == IdKind::Line && self.several_inputs {
                            document.id = format!("{}:{}", display_path(path), line);
                        }
                        let document = Document {
                            origin,
                            recall: Some(Recall::Line {
                                file,
                                offset: line_offset,
                                len: read as u64,
                                checksum: text_checksum(buffer),
                            }),
                            ..document
                        };
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
                        path: path.to_path_buf(),
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
        id_kind: IdKind::Text,
        text: Some(text.into_boxed_str()),
        metadata: None,
        origin: Origin {
            path: path.into(),
            line: None,
        },
        recall: None,
    }))
}

/// One JSON record given in memory (an article of an HTTP request, say), read
/// as a line of JSON Lines is: the id and text fields of `config`, the other
/// fields kept as metadata. `origin` names it in reports and errors. The
/// document holds its text (nothing to read it again from).
///
/// # Errors
/// Why the record is not an article (malformed JSON, no text field, an id
/// that is not a string or number), as a sentence.
pub fn document_from_record(
    record: &[u8],
    config: &InputConfig,
    origin: &str,
) -> Result<Document, String> {
    let mut doc = parse_record(record, config, 0).map_err(|(_, reason)| reason)?;
    doc.origin = Origin {
        path: Path::new(origin).into(),
        line: None,
    };
    Ok(doc)
}

/// [`document_from_record`] for line `line` of the JSON Lines file `path`,
/// as a [`CorpusReader`] reading that file alone reads it: a record without
/// an id takes its line's number as its id, and errors say the reason.
///
/// # Errors
/// Why the line is not a record (as [`document_from_record`]).
pub fn document_from_line(
    record: &[u8],
    config: &InputConfig,
    path: &Path,
    line: u64,
) -> Result<Document, String> {
    let mut doc = parse_record(record, config, line).map_err(|(_, reason)| reason)?;
    doc.origin = Origin {
        path: path.into(),
        line: Some(line),
    };
    Ok(doc)
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
    let Value::Object(record) = value else {
        return Err((
            None,
            format!("expected a JSON object, got {}", kind(&value)),
        ));
    };
    record_document(record, config, line)
}

/// The document of one parsed record: its id and text fields by `config`,
/// the rest kept as metadata. On failure returns the id (if readable) and
/// the reason.
fn record_document(
    mut record: Map<String, Value>,
    config: &InputConfig,
    line: u64,
) -> Result<Document, (Option<String>, String)> {
    // A record without an id gets its line's; the reader names it (see
    // `CorpusReader::line_id`).
    let (id, id_kind) = match record.remove(&config.id_field) {
        None => (line.to_string(), IdKind::Line),
        Some(Value::String(id)) => (id, IdKind::Text),
        // Exactly as written (serde_json keeps a number's text), so that
        // big integers stay distinct.
        Some(Value::Number(n)) => (n.to_string(), IdKind::Number),
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
                    "no text field {:?} (fields present: {}; input.text_field names the field to read)",
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
    // The parsed map keeps room for the id and text taken out of it: about
    // 300 bytes a document, held for the whole scan. Collected again, it
    // holds only the other fields (in their order).
    let metadata = (!record.is_empty()).then(|| Box::new(record.into_iter().collect()));
    Ok(Document {
        id,
        id_kind,
        text: Some(text.into_boxed_str()),
        metadata,
        origin: Origin {
            path: Path::new("").into(),
            line: Some(line),
        },
        recall: None,
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

/// Whether a scan of a folder holding `path` reads it as an article: a
/// `.txt` or `.md` file (or one of them gzipped), neither hidden nor a README.
pub fn reads_as_article(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    is_text_file(path) && !is_readme(path) && !hidden
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

/// What a folder holds for a scan: a file to read, or an entry that cannot be
/// one (a symbolic link that leads nowhere, a pipe), listed as skipped.
enum FolderEntry {
    File(PathBuf),
    Skipped(PathBuf, String),
}

/// The `.txt`/`.md` files below `root`, sorted by path, symbolic links
/// followed; hidden entries are ignored.
///
/// # Errors
/// [`Error::Io`] for a folder below `root` that cannot be read.
fn list_text_files(root: &Path) -> crate::Result<Vec<FolderEntry>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                if let Some(ancestor) = e.loop_ancestor() {
                    let reason =
                        format!("symbolic link loop: leads back to {}", ancestor.display());
                    files.push(FolderEntry::Skipped(path, reason));
                    continue;
                }
                let is_link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::ErrorKind::Other.into());
                if is_link {
                    let reason = format!("symbolic link that leads nowhere ({source})");
                    files.push(FolderEntry::Skipped(path, reason));
                    continue;
                }
                return Err(Error::Io { path, source });
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() || !is_text_file(entry.path()) {
            continue;
        }
        if kind.is_file() {
            files.push(FolderEntry::File(entry.into_path()));
        } else {
            let reason = "not a regular file (a pipe, socket or device): only files given by name are read from pipes".to_string();
            files.push(FolderEntry::Skipped(entry.into_path(), reason));
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
            time_field: crate::config::TimeField::Detect,
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
    fn a_document_without_other_fields_holds_no_map() {
        let doc = parse_record(br#"{"id": 7, "text": "hi"}"#, &config(false), 1).unwrap();
        assert!(doc.metadata.is_none() && doc.metadata().is_empty());
        // A scan holds one per document for its whole length: at 128 bytes,
        // ten million documents take 1.3 GB before their ids (200 before).
        assert!(std::mem::size_of::<Document>() <= 128);
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
        assert_eq!(doc.held_text(), Some("hi"));
        assert_eq!(doc.metadata().keys().collect::<Vec<_>>(), ["z", "a"]);
    }

    #[test]
    fn missing_id_falls_back_to_line_number() {
        let doc = parse_record(br#"{"text": "hi"}"#, &config(false), 12).unwrap();
        assert_eq!(doc.id, "12");
    }

    /// Reads every document of `paths`, lets the texts go, and reads them again.
    fn released(paths: &[PathBuf]) -> Vec<Document> {
        CorpusReader::open(paths, &config(false))
            .unwrap()
            .map(|entry| match entry.unwrap() {
                Entry::Document(mut doc) => {
                    doc.release_text();
                    assert!(doc.held_text().is_none(), "{} holds its text", doc.origin);
                    doc
                }
                Entry::Skipped(s) => panic!("skipped {s:?}"),
            })
            .collect()
    }

    #[test]
    fn released_texts_are_read_again_from_lines_gzip_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let lines = "{\"id\": \"a\", \"text\": \"first \\u00e9 line\"}\n\n{\"id\": \"b\", \"text\": \"second\"}\n";
        std::fs::write(dir.path().join("docs.jsonl"), lines).unwrap();
        // Two gzip files share the reader's one temporary copy.
        for (name, ids) in [("more.jsonl.gz", ["c", "d"]), ("most.jsonl.gz", ["e", "f"])] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let renamed = lines
                .replace("\"a\"", &format!("{:?}", ids[0]))
                .replace("\"b\"", &format!("{:?}", ids[1]))
                .replace("second", ids[1]);
            std::io::Write::write_all(&mut gz, renamed.as_bytes()).unwrap();
            std::fs::write(dir.path().join(name), gz.finish().unwrap()).unwrap();
        }
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        std::fs::write(dir.path().join("folder/story.txt"), "A whole file.\n").unwrap();

        let docs = released(&[
            dir.path().join("docs.jsonl"),
            dir.path().join("more.jsonl.gz"),
            dir.path().join("most.jsonl.gz"),
            dir.path().join("folder"),
        ]);
        let texts: Vec<String> = docs
            .iter()
            .map(|d| d.load_text().unwrap().into_owned())
            .collect();
        assert_eq!(
            texts,
            [
                "first \u{e9} line",
                "second",
                "first \u{e9} line",
                "d",
                "first \u{e9} line",
                "f",
                "A whole file.\n"
            ]
        );
        // A document built in memory keeps its text.
        let mut memory = Document::new("m", "held");
        memory.release_text();
        assert_eq!(memory.load_text().unwrap(), "held");
    }

    #[test]
    fn a_file_changed_after_reading_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        std::fs::write(&path, "{\"id\": \"a\", \"text\": \"original\"}\n").unwrap();
        std::fs::write(dir.path().join("story.txt"), "original").unwrap();
        let docs = released(&[path.clone(), dir.path().join("story.txt")]);
        // Same length, other text: only the checksum can tell.
        std::fs::write(&path, "{\"id\": \"a\", \"text\": \"replaced\"}\n").unwrap();
        std::fs::write(dir.path().join("story.txt"), "replaced").unwrap();
        for doc in &docs {
            let error = doc.load_text().unwrap_err();
            assert!(matches!(error, Error::InputChanged { .. }), "{error}");
            assert!(
                error.to_string().contains(&doc.origin.to_string()),
                "{error}"
            );
        }
    }

    #[test]
    fn a_file_cut_short_after_reading_has_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        let lines = "{\"id\": \"a\", \"text\": \"first\"}\n{\"id\": \"b\", \"text\": \"second\"}\n";
        std::fs::write(&path, lines).unwrap();
        std::fs::write(dir.path().join("story.txt"), "original").unwrap();
        let docs = released(&[path.clone(), dir.path().join("story.txt")]);
        std::fs::write(&path, "{").unwrap();
        std::fs::write(dir.path().join("story.txt"), "").unwrap();
        for doc in &docs {
            let error = doc.load_text().unwrap_err();
            assert!(
                matches!(error, Error::InputChanged { .. }),
                "{}: {error}",
                doc.origin
            );
        }
    }

    #[test]
    fn format_is_decided_through_gz_suffix() {
        assert!(is_text_file(Path::new("a/b.TXT")));
        assert!(is_text_file(Path::new("b.md.gz")));
        assert!(!is_text_file(Path::new("b.jsonl.gz")));
        assert!(is_readme(Path::new("x/README.md")));
    }
}

//! The library's one error type. Variants carry the facts a user needs to fix
//! the input: the path, the line, the document, what was expected and found.

use std::path::PathBuf;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be opened or read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The temporary copy of an input that cannot be read twice (stdin, gzip,
    /// a pipe) could not be written.
    #[error("cannot write the temporary copy of {} (stdin, gzip and pipe input is copied to the temporary folder, TMPDIR, so that candidate texts can be read again)", input.display())]
    Spill {
        /// The input being copied (`-` for standard input).
        input: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A temporary file of the scan (records past the memory budget) could not
    /// be written or read back.
    #[error("cannot use the temporary file of {what} in the temporary folder (TMPDIR)")]
    TempFile {
        /// What the file holds.
        what: &'static str,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// An input no longer holds the text it held when it was first read.
    #[error(
        "{location}: the input changed during the scan (texts of candidate pairs are read again)"
    )]
    InputChanged {
        /// The file, and line for JSON Lines.
        location: String,
    },
    /// An input path does not exist.
    #[error("{}: no such file or folder", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A line of a JSON Lines input could not be used (and `skip_bad_lines` is off).
    #[error("{}, line {line}: {reason}", path.display())]
    BadLine {
        /// The JSON Lines file (`-` for standard input).
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// Two documents have the same id (and `skip_bad_lines` is off).
    #[error("{}: duplicate document id {id:?} (first seen at {first})", at)]
    DuplicateId {
        /// Where the second copy is (file, and line for JSON Lines).
        at: String,
        /// The id.
        id: String,
        /// Where the first copy is.
        first: String,
    },
    /// A record without an id (whose id is its line number) and a record
    /// whose id is that number: they cannot be told apart, whatever
    /// `skip_bad_lines` says.
    #[error("{at}: id {id:?} is also the id of {first}, and one of the two records has no id field (its id is its line number): give every record an id, or none")]
    IdClash {
        /// Where the second record is.
        at: String,
        /// The id.
        id: String,
        /// Where the first is.
        first: String,
    },
    /// A document given to compare has no words to compare.
    #[error("{document}: no words to compare (the text is empty or only punctuation)")]
    NoWords {
        /// Where the document came from.
        document: String,
    },
    /// A setting of the [`crate::Config`] is outside its accepted range.
    #[error("{setting} must be {expected}, got {got}")]
    SettingOutOfRange {
        /// The setting, as its path in the config (`align.min_passage_words`).
        setting: &'static str,
        /// The accepted range, in words (`in (0, 1]`, `at least 2`).
        expected: &'static str,
        /// The value given.
        got: String,
    },
    /// LSH bands and rows take more values than a signature has.
    #[error("lsh.bands x lsh.rows = {bands} x {rows} = {} exceeds sketch.num_perm {num_perm}", bands * rows)]
    BandsExceedSignature {
        /// Bands given or chosen.
        bands: usize,
        /// Rows per band given or chosen.
        rows: usize,
        /// The signature length.
        num_perm: usize,
    },
    /// A listed pair names a text past the end of the texts given.
    #[error("pair ({a}, {b}) names a text past the {texts} given")]
    PairOutOfRange {
        /// The pair's first text.
        a: usize,
        /// The pair's second text.
        b: usize,
        /// How many texts were given.
        texts: usize,
    },
    /// A labeled pair of an evaluation corpus names a document it does not have.
    #[error("pair {suspicious} ~ {source_id} names a document the corpus does not have")]
    UnknownDocument {
        /// The pair's suspicious document.
        suspicious: String,
        /// The pair's source document.
        source_id: String,
    },
    /// More documents than a scan can number.
    #[error("a scan holds at most {limit} documents")]
    TooManyDocuments {
        /// The most documents a scan holds.
        limit: usize,
    },
    /// Two signatures made with different settings were compared.
    #[error("incompatible signatures: {what} differs ({left} vs {right})")]
    IncompatibleSignatures {
        /// Which setting differs.
        what: &'static str,
        /// The setting of the left signature.
        left: String,
        /// The setting of the right signature.
        right: String,
    },
    /// `reprint index create` was given a folder that holds something.
    #[error("{} is not empty: an index is created in a new or empty folder", dir.display())]
    IndexExists {
        /// The folder.
        dir: PathBuf,
    },
    /// A folder opened as an index is not one this version can read.
    #[error("{} is not a reprint index: {why}", dir.display())]
    NotAnIndex {
        /// The folder.
        dir: PathBuf,
        /// What is missing or different.
        why: String,
    },
    /// Another process has the index open to write.
    #[error("the index {} is open to write in another process (one writer at a time: wait for it, or stop it; checks and stats may run beside it)", dir.display())]
    IndexBusy {
        /// The folder.
        dir: PathBuf,
    },
    /// A write to an index opened only to read.
    #[error("the index {} was opened only to read", dir.display())]
    IndexReadOnly {
        /// The folder.
        dir: PathBuf,
    },
    /// The index's database could not be read or written.
    #[cfg(feature = "index")]
    #[error("cannot use the index {}: {source}", dir.display())]
    IndexStore {
        /// The folder.
        dir: PathBuf,
        /// What the database said.
        #[source]
        source: Box<redb::Error>,
    },
    /// An article given to an index has the id of one it holds.
    #[error("{at}: id {id:?} is already in the index {} (remove it there first, or give the article another id)", dir.display())]
    IdInIndex {
        /// Where the article was read.
        at: String,
        /// The id.
        id: String,
        /// The index folder.
        dir: PathBuf,
    },
    /// An article added to an index has no id.
    #[error("{at}: no id field {id_field:?}: an index names its articles by their ids (--id-field names the field)")]
    IdRequired {
        /// Where the article was read.
        at: String,
        /// The id field of the index's settings.
        id_field: String,
    },
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// What rayon said.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

impl Error {
    /// The setting an error is about, as its path in the config
    /// (`align.min_passage_words`), when it is about one: front ends use it to
    /// name their own option for it.
    pub fn setting(&self) -> Option<&'static str> {
        match self {
            Error::SettingOutOfRange { setting, .. } => Some(setting),
            Error::BandsExceedSignature { .. } => Some("lsh.bands"),
            _ => None,
        }
    }
}

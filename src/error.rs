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
    /// A document given to compare has no words to compare.
    #[error("{document}: no words to compare (the text is empty or only punctuation)")]
    NoWords {
        /// Where the document came from.
        document: String,
    },
    /// A setting is out of range or settings contradict each other.
    #[error("invalid setting: {0}")]
    Config(String),
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

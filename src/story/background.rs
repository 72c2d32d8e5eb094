//! The background model: how common each word is in English news at large, so
//! that a handful of articles (seeds/) still know that "prisoners" is rarer
//! than "said".
//!
//! Format (the shipped model and `--idf FILE` alike): UTF-8 text, optionally
//! gzip-compressed; `#` starts a comment line; one line `documents<TAB>N` gives
//! the size of the collection the counts come from; every other line is
//! `word<TAB>count`, the number of those documents that contain the word. Words
//! go through the scan's own normalization and stemming, so "Prisoners" and
//! "prisoner" count as one term (the largest count of its words is kept).
//!
//! The shipped model, `english.tsv.gz`, is built by `build_english_model.py`
//! from wordfreq 3.1.1 (CC BY-SA 4.0; see that script for how).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use nohash_hasher::IntMap;

use crate::error::Error;
use crate::normalize::for_each_word;
use crate::terms::word_term;

/// The shipped English model (CC BY-SA 4.0, see the module docs).
const ENGLISH: &[u8] = include_bytes!("english.tsv.gz");

/// Document frequencies of a reference collection, by term.
#[derive(Debug, Clone)]
pub struct Background {
    documents: f64,
    counts: IntMap<u64, u32>,
    /// Where it came from, for the report.
    name: String,
    /// Tells models apart for caches of their values (copies share it).
    id: u64,
}

impl Background {
    /// The shipped English model, parsed once per process.
    pub fn english() -> &'static Background {
        static MODEL: OnceLock<Background> = OnceLock::new();
        MODEL.get_or_init(|| {
            Background::parse(GzDecoder::new(ENGLISH), Path::new("english.tsv.gz"))
                .map(|model| model.named("english (wordfreq 3.1.1, CC BY-SA 4.0)"))
                .expect("the shipped model is well formed (checked by a test)")
        })
    }

    /// Reads a model from `path` (gzip when it ends in `.gz`).
    ///
    /// # Errors
    /// A file that cannot be read, or a line that does not follow the format,
    /// named by file and line.
    pub fn from_file(path: &Path) -> crate::Result<Background> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let model = if path.extension().is_some_and(|e| e == "gz") {
            Background::parse(GzDecoder::new(file), path)?
        } else {
            Background::parse(file, path)?
        };
        Ok(model.named(&path.display().to_string()))
    }

    fn named(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    pub(crate) fn parse(reader: impl Read, path: &Path) -> crate::Result<Background> {
        let bad = |line: u64, reason: String| Error::BadLine {
            path: PathBuf::from(path),
            line,
            reason,
        };
        let mut documents: Option<f64> = None;
        let mut counts: IntMap<u64, u32> = IntMap::default();
        for (number, line) in BufReader::new(reader).lines().enumerate() {
            let number = number as u64 + 1;
            let line = line.map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((word, count)) = line.split_once('\t') else {
                return Err(bad(number, "expected `word<TAB>count`".to_string()));
            };
            let count: u64 = count.trim().parse().map_err(|_| {
                bad(
                    number,
                    format!("{count:?} is not a count (a whole number of documents)"),
                )
            })?;
            // The first line is the header; after it, "documents" is a word.
            if documents.is_none() && word == "documents" {
                if count == 0 {
                    return Err(bad(number, "the collection has no documents".into()));
                }
                documents = Some(count as f64);
                continue;
            }
            let Some(total) = documents else {
                return Err(bad(
                    number,
                    "the `documents<TAB>N` line must come before the words".to_string(),
                ));
            };
            if count as f64 > total {
                return Err(bad(
                    number,
                    format!("{word:?} is in {count} documents, more than the {total} there are"),
                ));
            }
            let mut terms = Vec::with_capacity(1);
            for_each_word(word, |w, _| terms.push(word_term(w)));
            // A phrase ("new york") has no single term; its words have their own lines.
            if let [term] = terms[..] {
                let entry = counts.entry(term).or_insert(0);
                *entry = (*entry).max(count as u32);
            }
        }
        let Some(documents) = documents else {
            return Err(bad(0, "no `documents<TAB>N` line".to_string()));
        };
        static MODELS: AtomicU64 = AtomicU64::new(0);
        Ok(Background {
            documents,
            counts,
            name: String::new(),
            id: MODELS.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The share of the collection's documents that contain `term`, or `None`
    /// for a term the model does not list.
    pub fn share(&self, term: u64) -> Option<f64> {
        self.counts
            .get(&term)
            .map(|&c| f64::from(c) / self.documents)
    }

    /// The share given to a term the model does not list: half a document,
    /// rarer than any listed word.
    pub fn unseen_share(&self) -> f64 {
        0.5 / self.documents
    }

    /// The share of documents holding `term`, listed or not.
    pub fn document_share(&self, term: u64) -> f64 {
        self.share(term).unwrap_or_else(|| self.unseen_share())
    }

    /// The rarity of `term`: the natural log of one over its share.
    pub fn rarity(&self, term: u64) -> f64 {
        (1.0 / self.document_share(term)).ln()
    }

    /// Different for every model read (a copy keeps it).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Where the model came from.
    pub fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
impl Background {
    fn len(&self) -> usize {
        self.counts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_ranks_news_words_by_rarity() {
        let model = Background::english();
        assert!(model.len() > 50_000, "{} terms", model.len());
        let share = |w: &str| model.document_share(word_term(w));
        // "documents" is also a word of the list: it must not replace the header.
        assert!(share("documents") < 0.1, "{}", share("documents"));
        assert!(share("people") > 0.3 && share("people") <= 1.0);
        assert!(share("said") > share("prisoners"));
        assert!(share("prisoners") > share("umerov"));
        // Stemmed: both forms are one term.
        assert_eq!(share("prisoner"), share("prisoners"));
    }

    #[test]
    fn a_bad_line_is_named() {
        let text = "documents\t10\nfoo\t3\nbar\tmany\n";
        let err = Background::parse(text.as_bytes(), Path::new("mine.tsv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mine.tsv, line 3: \"many\" is not a count (a whole number of documents)"
        );
        let err = Background::parse("foo\t3\n".as_bytes(), Path::new("m")).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let err = Background::parse("documents\t2\nfoo\t3\n".as_bytes(), Path::new("m"));
        assert!(err.unwrap_err().to_string().contains("more than"));
    }

    #[test]
    fn words_are_normalized_and_stemmed() {
        let text = "# mine\ndocuments\t100\nTalks\t7\ntalk\t9\nnew york\t50\n";
        let model = Background::parse(text.as_bytes(), Path::new("m")).unwrap();
        assert_eq!(model.share(word_term("talking")), Some(0.09));
        assert_eq!(model.len(), 1);
    }
}

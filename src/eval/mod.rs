//! Evaluation against labeled corpora: reading them and scoring detections with
//! each benchmark's published measures. Not a pipeline stage; it drives one.

pub mod pan;
pub mod stories;

use crate::pipeline::align_listed;

/// Shortest passage for PAN evaluations, in words. PAN's reuse cases are whole
/// passages of a few hundred characters, so shorter shared runs are noise there
/// (Sanchez-Perez et al. drop detections under 150 characters for the same
/// reason). Measured on pan13_ta_train: plagdet 0.80 at 8 words, 0.86 at 15,
/// 0.88 at 25, 0.88 at 30.
pub const PAN_MIN_PASSAGE_WORDS: usize = 25;
use std::collections::BTreeMap;

use std::fs::File;
use std::path::Path;

use crate::error::Error;
use crate::grade::Verdict;
use crate::story::StorySimilarity;
use crate::Config;
use pan::{Annotation, PanCorpus};

/// The settings `reprint eval pan` uses: the default config with passages of at
/// least [`PAN_MIN_PASSAGE_WORDS`] words that need no exact run (translated and
/// randomly obfuscated cases keep few or none).
pub fn pan_config() -> Config {
    let mut config = Config::default();
    config.align.min_passage_words = PAN_MIN_PASSAGE_WORDS;
    config.align.anchored = false;
    config
}

/// What reprint finds on a PAN corpus's listed pairs.
#[derive(Debug, Clone)]
pub struct PanRun {
    /// The passages found, as PAN detections (character offsets, suspicious
    /// document first).
    pub detections: Vec<Annotation>,
    /// Per listed pair, in `corpus.pairs` order: its verdict.
    pub verdicts: Vec<Verdict>,
    /// Per listed pair: its story similarity (`None` when the stage is off).
    pub stories: Vec<Option<StorySimilarity>>,
}

/// Aligns and grades every pair of a PAN corpus.
///
/// # Errors
/// An invalid config, or a thread pool that cannot start.
///
/// The caller's config is used as given; PAN's obfuscated cases need
/// `align.anchored` off (see [`pan_config`]).
pub fn detect_pan(corpus: &PanCorpus, config: &Config) -> crate::Result<PanRun> {
    let texts: Vec<&str> = corpus.documents.iter().map(|d| d.text.as_str()).collect();
    let mut pairs = Vec::with_capacity(corpus.pairs.len());
    for p in &corpus.pairs {
        match (corpus.position(&p.suspicious), corpus.position(&p.source)) {
            (Some(susp), Some(src)) => pairs.push((susp, src)),
            _ => {
                return Err(crate::Error::UnknownDocument {
                    suspicious: p.suspicious.clone(),
                    source_id: p.source.clone(),
                })
            }
        }
    }
    let listed = align_listed(config, &texts, &pairs)?;
    let verdicts = listed.iter().map(|l| l.verdict).collect();
    let stories = listed.iter().map(|l| l.story.clone()).collect();
    let detections = pairs
        .iter()
        .zip(listed)
        .flat_map(|(&(susp, src), listed)| {
            let (susp_id, src_id) = (&corpus.documents[susp].id, &corpus.documents[src].id);
            listed.passages.into_iter().map(move |p| Annotation {
                suspicious_id: susp_id.clone(),
                source_id: src_id.clone(),
                suspicious_offset: p.a.start_char,
                suspicious_length: p.a.end_char - p.a.start_char,
                source_offset: p.b.start_char,
                source_length: p.b.end_char - p.b.start_char,
            })
        })
        .collect();
    Ok(PanRun {
        detections,
        verdicts,
        stories,
    })
}

/// How the pairs of one category were graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VerdictShares {
    /// Pairs with reuse cases.
    pub positives: usize,
    /// Of those, graded rewrite or stronger.
    pub positives_related: usize,
    /// Pairs without cases.
    pub negatives: usize,
    /// Of those, graded rewrite or stronger.
    pub negatives_related: usize,
}

/// Per category (sorted by name): how many positive and negative pairs were
/// graded rewrite or stronger (anything but `unrelated`).
pub fn verdicts_by_category(
    corpus: &PanCorpus,
    verdicts: &[Verdict],
) -> Vec<(String, VerdictShares)> {
    let mut by_category: BTreeMap<&str, VerdictShares> = BTreeMap::new();
    for (pair, &verdict) in corpus.pairs.iter().zip(verdicts) {
        let shares = by_category.entry(pair.category.as_str()).or_default();
        let related = usize::from(verdict != Verdict::Unrelated);
        if pair.n_cases > 0 {
            shares.positives += 1;
            shares.positives_related += related;
        } else {
            shares.negatives += 1;
            shares.negatives_related += related;
        }
    }
    by_category
        .into_iter()
        .map(|(c, s)| (c.to_string(), s))
        .collect()
}

/// Opens a corpus file; a missing one is [`Error::NotFound`].
pub(crate) fn open_file(path: &Path) -> crate::Result<File> {
    File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            Error::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

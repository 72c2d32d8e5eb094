//! Evaluation against labeled corpora: reading them and scoring detections with
//! each benchmark's published measures. Not a pipeline stage; it drives one.

pub mod pan;

use crate::pipeline::align_listed;

/// Shortest passage for PAN evaluations, in words. PAN's reuse cases are whole
/// passages of a few hundred characters, so shorter shared runs are noise there
/// (Sanchez-Perez et al. drop detections under 150 characters for the same
/// reason). Measured on pan13_ta_train: plagdet 0.80 at 8 words, 0.86 at 15,
/// 0.88 at 25, 0.88 at 30.
pub const PAN_MIN_PASSAGE_WORDS: usize = 25;
use crate::Config;
use pan::{Annotation, PanCorpus};

/// The settings `reprint eval pan` uses: the default config with passages of at
/// least [`PAN_MIN_PASSAGE_WORDS`] words that need no exact run (translated and
/// randomly obfuscated cases keep few or none).
pub fn pan_config() -> Config {
    let mut config = Config::default();
    config.align.min_passage_tokens = PAN_MIN_PASSAGE_WORDS;
    config.align.anchored = false;
    config
}

/// Aligns every pair of a PAN corpus and returns the passages found as PAN
/// detections (character offsets, suspicious document first).
///
/// # Errors
/// An invalid config, or a thread pool that cannot start.
///
/// The caller's config is used as given; PAN's obfuscated cases need
/// `align.anchored` off (see [`pan_config`]).
pub fn detect_pan(corpus: &PanCorpus, config: &Config) -> crate::Result<Vec<Annotation>> {
    let texts: Vec<&str> = corpus.documents.iter().map(|d| d.text.as_str()).collect();
    let pairs: Vec<(usize, usize)> = corpus
        .pairs
        .iter()
        .filter_map(|p| Some((corpus.position(&p.suspicious)?, corpus.position(&p.source)?)))
        .collect();
    let passages = align_listed(config, &texts, &pairs)?;
    Ok(pairs
        .iter()
        .zip(passages)
        .flat_map(|(&(susp, src), passages)| {
            let (susp_id, src_id) = (&corpus.documents[susp].id, &corpus.documents[src].id);
            passages.into_iter().map(move |p| Annotation {
                suspicious_id: susp_id.clone(),
                source_id: src_id.clone(),
                suspicious_offset: p.a.start_char,
                suspicious_length: p.a.end_char - p.a.start_char,
                source_offset: p.b.start_char,
                source_length: p.b.end_char - p.b.start_char,
            })
        })
        .collect())
}

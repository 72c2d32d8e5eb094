//! One article at a time, sketched as a scan sketches it: what an index keeps
//! of each article it adds, and what a check computes of each new one.
//!
//! Input: a [`Config`] and one text. Output: an [`ArticleSketch`], the same
//! band keys, copy key, fingerprints, templates, distinctive terms, word
//! count and dateline day a scan's sketch pass gives that text, plus its
//! content terms (what the scan's document frequencies count).

use std::borrow::Cow;

use crate::boilerplate::BoilerplateMarker;
use crate::config::Config;
use crate::fingerprint::Winnower;
use crate::lsh::LshParams;
use crate::shingle::Shingler;
use crate::sketch::MinHasher;
use crate::story::Background;

use super::read::{SketchScratch, Sketcher};
use super::{lsh_params, story_background, winnower};

/// What an index keeps of an article, and a check computes of a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSketch {
    /// Its LSH band keys, in band order.
    pub band_keys: Vec<u64>,
    /// The 128-bit key of its MinHash signature: equal keys, copies.
    pub copy_key: u128,
    /// Its winnowed fingerprints, sorted and distinct (none when the overlap
    /// stage is off).
    pub fingerprints: Vec<u64>,
    /// Its template fingerprints with their fillings, sorted and distinct
    /// (none when the overlap stage is off).
    pub templates: Vec<u64>,
    /// Words (as a scan counts them).
    pub words: u32,
    /// Its most distinctive terms, sorted (none when the story stage is off).
    pub distinctive: Box<[u64]>,
    /// Its distinct content terms, sorted: what the corpus's document
    /// frequencies count (none when the story stage is off).
    pub content_terms: Vec<u64>,
    /// The day of the year its dateline gives (none when the overlap stage
    /// is off).
    pub lead_day: Option<u16>,
    /// Occurrences of ignored phrases in it (its fingerprints leave out
    /// those touching one).
    pub phrase_occurrences: usize,
}

/// Sketches articles one at a time with a scan's settings. Sketches do not
/// depend on which thread makes them.
pub struct ArticleSketcher {
    shingler: Shingler,
    hasher: MinHasher,
    winnower: Winnower,
    lsh: LshParams,
    marker: BoilerplateMarker,
    background: Option<Cow<'static, Background>>,
    overlap: bool,
}

impl ArticleSketcher {
    /// A sketcher for `config`'s settings.
    ///
    /// # Errors
    /// An invalid config, or a story background file that cannot be read.
    pub fn new(config: &Config) -> crate::Result<Self> {
        config.validate()?;
        let shingler = Shingler::new(config.shingle, config.seed);
        let winnower = winnower(config);
        let marker = BoilerplateMarker::new(winnower, &config.overlap.ignore_phrases, &shingler);
        Ok(ArticleSketcher {
            hasher: MinHasher::new(config.shingle, config.sketch.num_perm, config.seed),
            lsh: lsh_params(config),
            marker,
            background: story_background(config)?,
            overlap: config.overlap.enabled,
            winnower,
            shingler,
        })
    }

    /// The sketch of `text`, or `None` when it has no words (a scan skips
    /// such a text).
    pub fn sketch(&self, text: &str) -> Option<ArticleSketch> {
        let sketcher = Sketcher {
            shingler: &self.shingler,
            hasher: &self.hasher,
            lsh: self.lsh,
            marker: &self.marker,
            overlap: self.overlap,
            spill_budget: 0,
            background: self.background.as_deref(),
        };
        let mut scratch = SketchScratch::default();
        let sketch = sketcher.sketch(text, &mut scratch)?;
        let sorted = |mut values: Vec<u64>| {
            values.sort_unstable();
            values.dedup();
            values
        };
        let content_terms = match self.background {
            Some(_) => sorted(scratch.terms.iter().map(|t| t.term).collect()),
            None => Vec::new(),
        };
        Some(ArticleSketch {
            band_keys: sketch.band_keys,
            copy_key: sketch.copy_key,
            fingerprints: sorted(sketch.fingerprints),
            templates: sorted(sketch.templates),
            words: sketch.words,
            distinctive: sketch.distinctive,
            content_terms,
            lead_day: sketch.lead_day,
            phrase_occurrences: sketch.phrases,
        })
    }

    /// Whether the story stage runs (distinctive and content terms).
    pub fn has_story(&self) -> bool {
        self.background.is_some()
    }

    /// The winnower the fingerprints are chosen with.
    pub fn winnower(&self) -> &Winnower {
        &self.winnower
    }
}

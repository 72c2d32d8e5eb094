//! All settings of a scan, one sub-config per stage, with documented defaults.
//!
//! Every front end (the CLI, a library caller) builds a [`Config`] and calls
//! [`Config::validate`] once; stages then trust the values they receive.

use serde::Serialize;

/// Settings of a whole scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    /// Jaccard similarity (of shingle sets) at or above which two documents are
    /// near-duplicates. Default 0.5.
    pub threshold: f64,
    /// Seed of the shingle hash and of the MinHash permutations. Default 42.
    pub seed: u64,
    /// How documents are read.
    pub input: InputConfig,
    /// How texts are cut into shingles.
    pub shingle: ShingleConfig,
    /// MinHash settings.
    pub sketch: SketchConfig,
    /// Banding settings.
    pub lsh: LshConfig,
    /// Which document represents a cluster.
    pub cluster: ClusterConfig,
    /// Shared-passage settings.
    pub align: AlignConfig,
    /// Partial-overlap candidate settings.
    pub overlap: OverlapConfig,
    /// How pairs are graded.
    pub grade: GradeConfig,
    /// Story-similarity settings.
    pub story: StoryConfig,
    /// Worker threads; 0 means one per core. The report does not depend on it.
    #[serde(skip)]
    pub threads: usize,
}

/// How documents are read from JSON Lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputConfig {
    /// The JSON field holding the document id (string or number). Default `id`.
    pub id_field: String,
    /// The JSON field holding the text. Default `text`.
    pub text_field: String,
    /// Skip malformed lines, missing text fields and duplicate ids (counting and
    /// listing them in the report) instead of stopping at the first. Default off.
    pub skip_bad_lines: bool,
    /// The JSON field holding a document's publication time (RFC 3339, a date
    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` in UTC, or Unix seconds). When set, the
    /// earlier document of a reuse pair is named as the likely source. Default none.
    pub time_field: Option<String>,
}

/// The partial-overlap candidate stage (winnowing fingerprints).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverlapConfig {
    /// Also find pairs that share passages whatever their Jaccard. Default on.
    pub enabled: bool,
    /// A fingerprint found in more documents than this is boilerplate: it makes
    /// no candidates, and passages made of such text do not count as reuse.
    /// Default 50.
    pub max_df: usize,
    /// Phrases that are boilerplate wherever they occur (matched word by word
    /// after normalization). Default none.
    pub ignore_phrases: Vec<String>,
}

/// The default story threshold. Measured with `reprint eval pan` on PAN 2013's
/// summary-obfuscation pairs (news summaries inside other articles): at 0.38,
/// 94.5% of the 238 positive pairs and 4.3% of the 947 negative pairs reach
/// it; the weakest of the ten seed pairs scores 0.41.
pub const DEFAULT_STORY_SIMILARITY: f64 = 0.38;

/// The story stage (see [`crate::story`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryConfig {
    /// Whether the story stage runs. Default true.
    pub enabled: bool,
    /// A background model of document frequencies to use instead of the
    /// shipped English one (`--idf FILE`).
    pub idf: Option<std::path::PathBuf>,
}

/// How a pair's verdict is decided (see [`crate::grade`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GradeConfig {
    /// Jaccard at or above which a pair is a duplicate. Default 0.9.
    pub duplicate_threshold: f64,
    /// Words of non-boilerplate shared passages that make a pair partial reuse.
    /// Default 20.
    pub min_reuse_words: usize,
    /// ...or their share of the shorter document (for short texts); verbatim
    /// words are counted in each document and the smaller count decides.
    /// Default 0.5.
    pub min_reuse_share: f64,
    /// Story similarity at or above which a pair with no more than that is a
    /// rewrite (see [`crate::story::score`]). Default [`DEFAULT_STORY_SIMILARITY`].
    pub min_story_similarity: f64,
}

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShingleUnit {
    /// Word k-grams.
    Words,
    /// Character n-grams of the normalized text.
    Chars,
}

/// How texts are cut into shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShingleConfig {
    /// Words or characters.
    pub unit: ShingleUnit,
    /// Words (or characters) per shingle. Default 5 words.
    pub size: usize,
}

/// MinHash settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SketchConfig {
    /// Number of hash permutations (signature length). Default 128.
    pub num_perm: usize,
}

/// Banding settings. Both `None` chooses bands x rows from the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LshConfig {
    /// Number of bands, or `None` to choose.
    pub bands: Option<usize>,
    /// Rows (permutations) per band, or `None` to choose.
    pub rows: Option<usize>,
}

/// Which member represents a duplicate cluster (and is kept by `dedup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The member that came first in the input.
    First,
    /// The member with the most characters (ties: the first).
    Longest,
}

/// Cluster settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClusterConfig {
    /// Which member represents a cluster. Default [`Keep::First`].
    pub keep: Keep,
}

/// Shared-passage settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlignConfig {
    /// Shortest passage reported, in words on each side; also the shortest run
    /// of identical words that seeds a passage by itself. Default 8.
    pub min_passage_tokens: usize,
    /// Largest gap, in words, between two pieces of matching text that still
    /// joins them into one passage. Default 40 (about two sentences).
    pub max_gap_tokens: usize,
    /// Two sentences match when the cosine of their tf-isf vectors of stemmed
    /// content words is above this... Default 0.33.
    pub min_sentence_cosine: f64,
    /// ...and the Dice coefficient of their term sets is above this. Default 0.33.
    pub min_sentence_dice: f64,
    /// A passage holds when the cosine of its two sides, as wholes, is at least
    /// this; otherwise it is split at its widest gaps. Default 0.34.
    pub min_fragment_similarity: f64,
    /// Every passage must hold a run of at least `min_passage_tokens` identical
    /// words; similar sentences only extend it. On for scans, where a passage is
    /// reused text (formulaic news sentences are similar without being copied);
    /// off for PAN evaluations, whose translated and obfuscated cases may keep no
    /// run at all. Default on.
    pub anchored: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.5,
            seed: 42,
            input: InputConfig {
                id_field: "id".to_string(),
                text_field: "text".to_string(),
                skip_bad_lines: false,
                time_field: None,
            },
            shingle: ShingleConfig {
                unit: ShingleUnit::Words,
                size: 5,
            },
            sketch: SketchConfig { num_perm: 128 },
            lsh: LshConfig {
                bands: None,
                rows: None,
            },
            cluster: ClusterConfig { keep: Keep::First },
            align: AlignConfig {
                min_passage_tokens: 8,
                max_gap_tokens: 40,
                min_sentence_cosine: 0.33,
                min_sentence_dice: 0.33,
                min_fragment_similarity: 0.34,
                anchored: true,
            },
            overlap: OverlapConfig {
                enabled: true,
                max_df: crate::overlap::DEFAULT_MAX_DF,
                ignore_phrases: Vec::new(),
            },
            grade: GradeConfig {
                duplicate_threshold: 0.9,
                min_reuse_words: 20,
                min_reuse_share: 0.5,
                min_story_similarity: DEFAULT_STORY_SIMILARITY,
            },
            story: StoryConfig {
                enabled: true,
                idf: None,
            },
            threads: 0,
        }
    }
}

/// Largest signature length accepted; beyond it sketching cost grows with no
/// practical gain in accuracy (the estimator's error falls as 1/sqrt(num_perm)).
pub const MAX_NUM_PERM: usize = 4096;

impl Config {
    /// Checks ranges and consistency.
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the setting and the accepted range.
    pub fn validate(&self) -> crate::Result<()> {
        let fail = |msg: String| Err(crate::Error::Config(msg));
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return fail(format!(
                "threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        if self.shingle.size == 0 || self.shingle.size > 64 {
            return fail(format!(
                "shingle size must be 1 to 64, got {}",
                self.shingle.size
            ));
        }
        let num_perm = self.sketch.num_perm;
        if num_perm == 0 || num_perm > MAX_NUM_PERM {
            return fail(format!(
                "num-perm must be 1 to {MAX_NUM_PERM}, got {num_perm}"
            ));
        }
        match (self.lsh.bands, self.lsh.rows) {
            (Some(0), _) | (_, Some(0)) => return fail("bands and rows must be positive".into()),
            (Some(b), Some(r)) if b * r > num_perm => {
                return fail(format!(
                    "bands x rows = {b} x {r} = {} exceeds num-perm {num_perm}",
                    b * r
                ))
            }
            (Some(x), None) | (None, Some(x)) if x > num_perm => {
                return fail(format!("bands or rows {x} exceeds num-perm {num_perm}"))
            }
            _ => {}
        }
        if self.align.min_passage_tokens == 0 {
            return fail("min-passage must be at least 1 word".into());
        }
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let a = &self.align;
        if !(unit(a.min_sentence_cosine)
            && unit(a.min_sentence_dice)
            && unit(a.min_fragment_similarity))
        {
            return fail("sentence and passage similarity thresholds must be in [0, 1]".into());
        }
        if !(self.threshold..=1.0).contains(&self.grade.duplicate_threshold) {
            return fail(format!(
                "the duplicate threshold must be in [threshold, 1], got {}",
                self.grade.duplicate_threshold
            ));
        }
        if !unit(self.grade.min_reuse_share) {
            return fail("the reuse share must be in [0, 1]".into());
        }
        if !(self.grade.min_story_similarity > 0.0 && self.grade.min_story_similarity <= 1.0) {
            return fail(format!(
                "the story threshold must be in (0, 1], got {}",
                self.grade.min_story_similarity
            ));
        }
        if self.overlap.max_df < 2 {
            return fail(format!(
                "max-df must be at least 2 (a fingerprint in one document pairs nothing), got {}",
                self.overlap.max_df
            ));
        }
        if self.input.time_field.as_deref() == Some("") {
            return fail("the time field name must not be empty".into());
        }
        if self.input.id_field.is_empty() || self.input.text_field.is_empty() {
            return fail("id and text field names must not be empty".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        Config::default().validate().unwrap();
    }

    macro_rules! rejects {
        ($($name:ident: $edit:expr, $needle:expr;)*) => {$(
            #[test]
            fn $name() {
                let mut config = Config::default();
                let edit: fn(&mut Config) = $edit;
                edit(&mut config);
                let message = config.validate().unwrap_err().to_string();
                assert!(message.contains($needle), "{message}");
            }
        )*};
    }

    rejects! {
        zero_threshold: |c| c.threshold = 0.0, "threshold";
        nan_threshold: |c| c.threshold = f64::NAN, "threshold";
        big_threshold: |c| c.threshold = 1.5, "threshold";
        zero_shingle: |c| c.shingle.size = 0, "shingle size";
        zero_perm: |c| c.sketch.num_perm = 0, "num-perm";
        too_many_bands: |c| { c.lsh.bands = Some(20); c.lsh.rows = Some(7); }, "exceeds num-perm";
        zero_rows: |c| c.lsh.rows = Some(0), "positive";
        zero_passage: |c| c.align.min_passage_tokens = 0, "min-passage";
        bad_cosine: |c| c.align.min_sentence_cosine = 1.5, "similarity thresholds";
        low_duplicate: |c| c.grade.duplicate_threshold = 0.3, "duplicate threshold";
        tiny_max_df: |c| c.overlap.max_df = 1, "max-df";
    }
}

//! All settings of a scan, one sub-config per stage, with documented defaults.
//!
//! Every front end (the CLI, a library caller) builds a [`Config`] and calls
//! [`Config::validate`] once; stages then trust the values they receive.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Settings of a whole scan. Start from [`Config::default`] (every default
/// is in [`crate::defaults`], with why), change what you need, and let
/// [`crate::run`] check it.
///
/// # Examples
///
/// ```
/// use reprint::Config;
///
/// let mut config = Config::default();
/// config.threshold = 0.8; // only close copies are near-duplicates
/// config.story.enabled = false; // copies and reuse only, faster
/// config.validate()?;
///
/// config.align.min_passage_words = 0;
/// let error = config.validate().unwrap_err();
/// assert_eq!(error.setting(), Some("align.min_passage_words"));
/// # Ok::<(), reprint::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The memory budget in bytes (0: a quarter of the machine's memory).
    /// Each partitioned store of the scan (the overlap stage's fingerprints,
    /// templates and pair emissions) holds at most an eighth of it, and at
    /// most [`MAX_SPILL_BUFFER`], before it spills to a temporary file; see
    /// [`Config::spill_budget`]. The report does not depend on it.
    #[serde(skip)]
    pub memory_limit: u64,
}

/// How documents are read from JSON Lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputConfig {
    /// The JSON field holding the document id (string or number). Default `id`.
    pub id_field: String,
    /// The JSON field holding the text. Default `text`.
    pub text_field: String,
    /// Skip malformed lines, missing text fields and duplicate ids (counting and
    /// listing them in the report) instead of stopping at the first. Default off.
    pub skip_bad_lines: bool,
    /// Where a document's publication time comes from (RFC 3339, a date
    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` in UTC, or Unix seconds). With
    /// times, the earlier document of a reuse pair is named as the likely
    /// source, and story pairs far apart in time need more evidence to be
    /// rewrites. Default [`TimeField::Detect`].
    pub time_field: TimeField,
}

/// Where documents' publication times are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeField {
    /// The field of [`crate::defaults::TIME_FIELDS`] that the most documents have a
    /// readable time in (the first listed on a tie); none if no document has.
    Detect,
    /// This JSON field.
    Named(String),
    /// No times, whatever the documents hold.
    Ignore,
}

/// The partial-overlap candidate stage (winnowing fingerprints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The story stage (see `crate::story`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryConfig {
    /// Whether the story stage runs. Default true.
    pub enabled: bool,
    /// A background model of document frequencies to use instead of the
    /// shipped English one (`--idf FILE`).
    pub idf: Option<std::path::PathBuf>,
    /// Average link (the mean of story similarity and the cosine of names
    /// and numbers) at or above which two groups of articles join one story
    /// cluster. Default
    /// [`crate::defaults::STORY_CLUSTER_THRESHOLD`].
    pub cluster_threshold: f64,
}

/// How a pair's verdict is decided (see `crate::grade`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradeConfig {
    /// Jaccard at or above which a pair is a duplicate. Default 0.9. With a
    /// `threshold` above it, the threshold is the duplicates' too (a pair
    /// below the threshold is never a duplicate).
    pub duplicate_threshold: f64,
    /// Words of non-boilerplate shared passages that make a pair partial reuse.
    /// Default 20.
    pub min_reuse_words: usize,
    /// ...or their share of the shorter document (for short texts); verbatim
    /// words are counted in each document and the smaller count decides.
    /// Default 0.5.
    pub min_reuse_share: f64,
    /// Story similarity at or above which a pair with no more than that is a
    /// rewrite (see `crate::story::score`), given its shared specifics.
    /// Default [`crate::defaults::STORY_THRESHOLD`].
    pub story_threshold: f64,
    /// ...and the share (by idf) of the names and numbers of the passage
    /// that carries the story that the other article also has, at or above
    /// which it is. Default [`crate::defaults::MIN_PASSAGE_SPECIFICS`].
    pub min_passage_specifics: f64,
    /// Articles more days apart than this (by their times or by the dates of
    /// their datelines, whichever says more) need a story similarity of at least
    /// `story_threshold_outside_window`, and no sentence told alike with other
    /// figures, to be rewrites. Default
    /// [`crate::defaults::STORY_WINDOW_DAYS`].
    pub story_window_days: u32,
    /// See `story_window_days`. Default
    /// [`crate::defaults::STORY_THRESHOLD_OUTSIDE_WINDOW`].
    pub story_threshold_outside_window: f64,
}

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShingleUnit {
    /// Word k-grams.
    Words,
    /// Character n-grams of the normalized text.
    Chars,
}

/// How texts are cut into shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShingleConfig {
    /// Words or characters.
    pub unit: ShingleUnit,
    /// Words (or characters) per shingle. Default 5 words.
    pub size: usize,
}

/// MinHash settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SketchConfig {
    /// Number of hash permutations (signature length). Default 128.
    pub num_perm: usize,
}

/// Banding settings. Both `None` chooses bands x rows from the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LshConfig {
    /// Number of bands, or `None` to choose.
    pub bands: Option<usize>,
    /// Rows (permutations) per band, or `None` to choose.
    pub rows: Option<usize>,
}

/// Which member represents a duplicate cluster (and is kept by `dedup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The member that came first in the input.
    First,
    /// The member with the most characters (ties: the first).
    Longest,
}

/// Cluster settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterConfig {
    /// Which member represents a cluster. Default [`Keep::First`].
    pub keep: Keep,
}

/// Shared-passage settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlignConfig {
    /// Shortest passage reported, in words on each side; also the shortest run
    /// of identical words that seeds a passage by itself. Default 8.
    pub min_passage_words: usize,
    /// Largest gap, in words, between two pieces of matching text that still
    /// joins them into one passage. Default 40 (about two sentences).
    pub max_gap_words: usize,
    /// Two sentences match when the cosine of their tf-isf vectors of stemmed
    /// content words is above this... Default 0.33.
    pub min_sentence_cosine: f64,
    /// ...and the Dice coefficient of their term sets is above this. Default 0.33.
    pub min_sentence_dice: f64,
    /// A passage holds when the cosine of its two sides, as wholes, is at least
    /// this; otherwise it is split at its widest gaps. Default 0.34.
    pub min_fragment_similarity: f64,
    /// Every passage must hold a run of at least `min_passage_words` identical
    /// words; similar sentences only extend it. On for scans, where a passage is
    /// reused text (formulaic news sentences are similar without being copied);
    /// off for PAN evaluations, whose translated and obfuscated cases may keep no
    /// run at all. Default on.
    pub anchored: bool,
}

impl Default for Config {
    /// Every setting at its default, from [`crate::defaults`].
    fn default() -> Self {
        use crate::defaults as d;
        Config {
            threshold: d::THRESHOLD,
            seed: d::SEED,
            input: InputConfig {
                id_field: d::ID_FIELD.to_string(),
                text_field: d::TEXT_FIELD.to_string(),
                skip_bad_lines: false,
                time_field: TimeField::Detect,
            },
            shingle: ShingleConfig {
                unit: ShingleUnit::Words,
                size: d::SHINGLE_SIZE,
            },
            sketch: SketchConfig {
                num_perm: d::NUM_PERM,
            },
            lsh: LshConfig {
                bands: None,
                rows: None,
            },
            cluster: ClusterConfig { keep: Keep::First },
            align: AlignConfig {
                min_passage_words: d::MIN_PASSAGE_WORDS,
                max_gap_words: d::MAX_GAP_WORDS,
                min_sentence_cosine: d::MIN_SENTENCE_SIMILARITY,
                min_sentence_dice: d::MIN_SENTENCE_SIMILARITY,
                min_fragment_similarity: d::MIN_FRAGMENT_SIMILARITY,
                anchored: true,
            },
            overlap: OverlapConfig {
                enabled: true,
                max_df: d::MAX_DF,
                ignore_phrases: Vec::new(),
            },
            grade: GradeConfig {
                duplicate_threshold: d::DUPLICATE_THRESHOLD,
                min_reuse_words: d::MIN_REUSE_WORDS,
                min_reuse_share: d::MIN_REUSE_SHARE,
                story_threshold: d::STORY_THRESHOLD,
                min_passage_specifics: d::MIN_PASSAGE_SPECIFICS,
                story_window_days: d::STORY_WINDOW_DAYS,
                story_threshold_outside_window: d::STORY_THRESHOLD_OUTSIDE_WINDOW,
            },
            story: StoryConfig {
                enabled: true,
                idf: None,
                cluster_threshold: d::STORY_CLUSTER_THRESHOLD,
            },
            threads: d::THREADS,
            memory_limit: d::MEMORY_LIMIT,
        }
    }
}

/// Largest signature length accepted; beyond it sketching cost grows with no
/// practical gain in accuracy (the estimator's error falls as 1/sqrt(num_perm)).
pub const MAX_NUM_PERM: usize = 4096;

/// Most worker threads: more than cores only wait their turn, and each holds a
/// stack; tens of thousands exhaust the system's memory maps.
pub const MAX_THREADS: usize = 1024;

/// The smallest memory budget accepted: below it the stores would spill
/// every few thousand records.
pub const MIN_MEMORY_LIMIT: u64 = 16 << 20;

/// The most a partitioned store holds in memory before it spills, whatever
/// the budget: writing to the page cache and reading it back through
/// read-ahead windows costs little, so a larger buffer would only raise the
/// peak (a default scan of the 100,000-document harness corpus spills 550
/// MB; two rounds alternating took 5.3 and 5.2 s with 32 MB, 5.3 and 5.1 s
/// with 16 MB, 4.9 and 5.1 s with 8 MB, peaking within 300-340 MB).
pub const MAX_SPILL_BUFFER: usize = 16 << 20;

impl Config {
    /// The memory budget in bytes: `memory_limit`, or for 0 a quarter of the
    /// machine's memory (as `/proc/meminfo` gives it; 4 GiB where there is
    /// none).
    pub fn memory_limit_bytes(&self) -> u64 {
        if self.memory_limit > 0 {
            return self.memory_limit;
        }
        let total = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|info| {
                let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
                let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(kib * 1024)
            });
        total.map_or(4 << 30, |bytes| bytes / 4)
    }

    /// Bytes each partitioned store of the scan holds before it spills.
    pub fn spill_budget(&self) -> usize {
        let eighth = usize::try_from(self.memory_limit_bytes() / 8).unwrap_or(usize::MAX);
        eighth.min(MAX_SPILL_BUFFER)
    }

    /// Checks ranges and consistency.
    ///
    /// # Errors
    /// [`Error::SettingOutOfRange`] naming the first setting out of its range
    /// (by its path in the config, as [`Error::setting`] gives it),
    /// or [`Error::BandsExceedSignature`].
    pub fn validate(&self) -> crate::Result<()> {
        let out_of_range = |setting, expected, got: &dyn std::fmt::Display| {
            Err(Error::SettingOutOfRange {
                setting,
                expected,
                got: got.to_string(),
            })
        };
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let positive_unit = |x: f64| x > 0.0 && x <= 1.0;
        if !positive_unit(self.threshold) {
            return out_of_range("threshold", "in (0, 1]", &self.threshold);
        }
        if !(1..=64).contains(&self.shingle.size) {
            return out_of_range("shingle.size", "1 to 64", &self.shingle.size);
        }
        let num_perm = self.sketch.num_perm;
        if !(1..=MAX_NUM_PERM).contains(&num_perm) {
            return out_of_range("sketch.num_perm", "1 to 4096", &num_perm);
        }
        for (setting, value) in [("lsh.bands", self.lsh.bands), ("lsh.rows", self.lsh.rows)] {
            match value {
                Some(0) => return out_of_range(setting, "at least 1", &0),
                Some(x) if x > num_perm => {
                    return out_of_range(setting, "at most sketch.num_perm", &x)
                }
                _ => {}
            }
        }
        if let (Some(bands), Some(rows)) = (self.lsh.bands, self.lsh.rows) {
            if bands * rows > num_perm {
                return Err(Error::BandsExceedSignature {
                    bands,
                    rows,
                    num_perm,
                });
            }
        }
        let a = &self.align;
        if a.min_passage_words == 0 {
            return out_of_range("align.min_passage_words", "at least 1", &0);
        }
        for (setting, value) in [
            ("align.min_sentence_cosine", a.min_sentence_cosine),
            ("align.min_sentence_dice", a.min_sentence_dice),
            ("align.min_fragment_similarity", a.min_fragment_similarity),
            ("grade.min_reuse_share", self.grade.min_reuse_share),
            (
                "grade.min_passage_specifics",
                self.grade.min_passage_specifics,
            ),
        ] {
            if !unit(value) {
                return out_of_range(setting, "in [0, 1]", &value);
            }
        }
        if !positive_unit(self.grade.duplicate_threshold) {
            return out_of_range(
                "grade.duplicate_threshold",
                "in (0, 1]",
                &self.grade.duplicate_threshold,
            );
        }
        if self.threads > MAX_THREADS {
            return out_of_range(
                "threads",
                "0 (one per core) to 1024: more threads than cores only wait their turn",
                &self.threads,
            );
        }
        if self.memory_limit != 0 && self.memory_limit < MIN_MEMORY_LIMIT {
            return out_of_range(
                "memory_limit",
                "0 (a quarter of the machine's memory) or at least 16 MB",
                &self.memory_limit,
            );
        }
        if self.input.id_field == self.input.text_field {
            return out_of_range(
                "input.id_field",
                "a field other than input.text_field (one field cannot be both)",
                &self.input.id_field,
            );
        }
        if !positive_unit(self.story.cluster_threshold) {
            return out_of_range(
                "story.cluster_threshold",
                "in (0, 1]",
                &self.story.cluster_threshold,
            );
        }
        if !positive_unit(self.grade.story_threshold_outside_window) {
            return out_of_range(
                "grade.story_threshold_outside_window",
                "in (0, 1]",
                &self.grade.story_threshold_outside_window,
            );
        }
        if !positive_unit(self.grade.story_threshold) {
            return out_of_range(
                "grade.story_threshold",
                "in (0, 1]",
                &self.grade.story_threshold,
            );
        }
        if self.overlap.max_df < 2 {
            // A fingerprint in one document pairs nothing.
            return out_of_range("overlap.max_df", "at least 2", &self.overlap.max_df);
        }
        for (setting, name) in [
            ("input.id_field", Some(&self.input.id_field)),
            ("input.text_field", Some(&self.input.text_field)),
            (
                "input.time_field",
                match &self.input.time_field {
                    TimeField::Named(name) => Some(name),
                    TimeField::Detect | TimeField::Ignore => None,
                },
            ),
        ] {
            if name.is_some_and(|name| name.is_empty()) {
                return out_of_range(setting, "a field name", &"\"\"");
            }
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
        zero_threshold: |c| c.threshold = 0.0, "threshold must be in (0, 1], got 0";
        nan_threshold: |c| c.threshold = f64::NAN, "threshold must be in (0, 1], got NaN";
        big_threshold: |c| c.threshold = 1.5, "threshold must be in (0, 1], got 1.5";
        zero_shingle: |c| c.shingle.size = 0, "shingle.size must be 1 to 64, got 0";
        zero_perm: |c| c.sketch.num_perm = 0, "sketch.num_perm must be 1 to 4096, got 0";
        too_many_bands: |c| { c.lsh.bands = Some(20); c.lsh.rows = Some(7); },
            "lsh.bands x lsh.rows = 20 x 7 = 140 exceeds sketch.num_perm 128";
        zero_rows: |c| c.lsh.rows = Some(0), "lsh.rows must be at least 1, got 0";
        zero_passage: |c| c.align.min_passage_words = 0, "align.min_passage_words must be at least 1";
        bad_cosine: |c| c.align.min_sentence_cosine = 1.5, "align.min_sentence_cosine must be in [0, 1], got 1.5";
        zero_duplicate: |c| c.grade.duplicate_threshold = 0.0,
            "grade.duplicate_threshold must be in (0, 1], got 0";
        many_threads: |c| c.threads = 100_000, "threads must be 0 (one per core) to 1024";
        id_is_text: |c| c.input.id_field = "text".into(),
            "input.id_field must be a field other than input.text_field (one field cannot be both), got text";
        zero_story: |c| c.grade.story_threshold = 0.0, "grade.story_threshold must be in (0, 1]";
        tiny_max_df: |c| c.overlap.max_df = 1, "overlap.max_df must be at least 2, got 1";
        empty_time_field: |c| c.input.time_field = TimeField::Named(String::new()), "input.time_field must be a field name";
    }
}

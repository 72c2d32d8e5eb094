//! Command-line arguments and their one validating conversion into a [`Config`].

pub(crate) mod compare;
pub(crate) mod dedup;
pub(crate) mod eval;
pub(crate) mod index;
mod output;
mod progress;
pub(crate) mod report;
pub(crate) mod scan;
pub(crate) mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use reprint::config::{InputConfig, Keep, ShingleUnit, TimeField};
use reprint::defaults;
use reprint::options;
use reprint::Config;

/// Find near-duplicate and overlapping news articles.
///
/// reprint normalizes each article, cuts it into word shingles, sketches it with
/// MinHash and finds near-duplicate candidates with LSH; beside that, winnowed
/// fingerprints find articles that share any passage. Candidates are scored with
/// the exact Jaccard similarity, their shared passages (copied or lightly edited)
/// are aligned at offsets into the original texts, and each pair is graded
/// duplicate, near-duplicate or partial reuse. A story stage weighs each
/// article's distinctive words (names, places, rare terms) to find articles
/// that tell the same story in their own words: rewrites, grouped into story
/// clusters.
#[derive(Debug, Parser)]
#[command(
    name = "reprint",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options of every command.
#[derive(Debug, clap::Args)]
pub(crate) struct GlobalArgs {
    /// Worker threads (0: one per core). Results do not depend on it.
    #[arg(
        long,
        short = 'j',
        global = true,
        default_value_t = defaults::THREADS,
        value_name = "N"
    )]
    pub threads: usize,
    /// Memory budget, e.g. 512M or 2G (0: a quarter of the machine's memory).
    /// LSH band keys and the overlap stage's fingerprints, templates and
    /// pair emissions spill to temporary files in TMPDIR past an eighth of it
    /// (16 MB at most each); a large group of candidate pairs has its texts
    /// prepared in parts of what a sixteenth of it holds (the fewer parts,
    /// the fewer texts prepared twice); per-document data (id, place, counts)
    /// and the report stay in memory. Results do not depend on it.
    #[arg(
        long,
        global = true,
        default_value_t = defaults::MEMORY_LIMIT,
        value_parser = options::parse_size,
        value_name = "SIZE"
    )]
    pub memory_limit: u64,
    /// Print nothing but errors and the requested output.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find near-duplicates, duplicate clusters and reused passages in a corpus
    /// and print a summary.
    ///
    /// Examples:
    ///   reprint scan seeds
    ///   reprint scan articles.jsonl --json report.json
    ///   zcat feed.jsonl.gz | reprint scan - --threshold 0.8
    Scan(scan::ScanArgs),
    /// Keep one article per duplicate cluster and write the kept ones as JSON Lines.
    ///
    /// Example: reprint dedup articles.jsonl --output kept.jsonl
    Dedup(dedup::DedupArgs),
    /// Score two texts against each other and print their shared passages.
    ///
    /// Example: reprint compare a.txt b.txt
    Compare(compare::CompareArgs),
    /// Write a saved report again (HTML, CSV, JSON Lines, JSON or the
    /// summary): a JSON report of `scan`, or the output folder of the Spark
    /// job, with the corpus it was made from for the texts.
    ///
    /// Example: reprint report spark-out corpus.jsonl --html report.html
    Report(report::ReportCommandArgs),
    /// Keep articles in a persistent index and check new ones against it
    /// (create, add, check, remove, evict, compact, stats).
    ///
    /// Example: reprint index create archive && reprint index add archive wires.jsonl
    Index(index::IndexArgs),
    /// Serve an index over HTTP: check articles as they arrive (JSON in,
    /// the JSON report out), add, get and remove them; /metrics for
    /// Prometheus, /openapi.json describes the API.
    ///
    /// Example: reprint serve archive --addr 127.0.0.1:8080
    Serve(serve::ServeArgs),
    /// Measure reprint on a labeled benchmark corpus.
    ///
    /// Example: reprint eval pan ../shared/data/pan13_ta_train
    Eval(eval::EvalArgs),
}

/// Where the corpus comes from.
#[derive(Debug, clap::Args)]
pub(crate) struct CorpusArgs {
    /// Folders (every .txt and .md file below them; id = path relative to the
    /// folder), .txt/.md files, JSON Lines files (one {"id": .., "text": ..} object
    /// per line), or - for JSON Lines on stdin. Names ending in .gz are decompressed.
    /// Texts of candidate pairs are read again, so stdin, .gz and pipe input is
    /// copied to a temporary file (in TMPDIR) while it is read.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub records: RecordArgs,
    /// JSON field holding each article's publication time (RFC 3339, YYYY-MM-DD,
    /// "YYYY-MM-DD HH:MM:SS" in UTC, or Unix seconds). The earlier article of a
    /// reuse pair is then named as its likely source, and articles far apart in
    /// time need more evidence to be one story. [default: the one of time,
    /// published, published_at, publish_date, pubdate, date, datetime,
    /// timestamp, created_at that most records have a readable time in]
    #[arg(long, value_name = "NAME", conflicts_with = "no_time")]
    pub time_field: Option<String>,
    /// Read no publication times, even from a field with a usual name.
    #[arg(long)]
    pub no_time: bool,
}

/// How the records of JSON Lines input are read.
#[derive(Debug, clap::Args)]
pub(crate) struct RecordArgs {
    /// JSON field holding the document id (a string or number; if absent, the line number).
    #[arg(long, default_value = defaults::ID_FIELD, value_name = "NAME")]
    pub id_field: String,
    /// JSON field holding the text. Other fields are kept as metadata.
    #[arg(long, default_value = defaults::TEXT_FIELD, value_name = "NAME")]
    pub text_field: String,
    /// Skip malformed lines, missing text fields and duplicate ids instead of
    /// stopping; each is counted and listed in the report.
    #[arg(long)]
    pub skip_bad_lines: bool,
}

impl RecordArgs {
    /// The input settings these options give, with `time_field`.
    pub fn input_config(&self, time_field: TimeField) -> InputConfig {
        InputConfig {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            skip_bad_lines: self.skip_bad_lines,
            time_field,
        }
    }
}

/// How similarity is measured.
#[derive(Debug, clap::Args)]
pub(crate) struct SimilarityArgs {
    /// Exact Jaccard similarity (of shingle sets) at or above which two articles are
    /// near-duplicates. 1.0 finds only identical word sequences.
    #[arg(long, short = 't', default_value_t = defaults::THRESHOLD, value_name = "J")]
    pub threshold: f64,
    #[command(flatten)]
    pub shingles: ShingleArgs,
    /// MinHash signature length. More permutations estimate Jaccard more
    /// precisely and cost proportionally more time.
    #[arg(long, default_value_t = defaults::NUM_PERM, value_name = "N")]
    pub num_perm: usize,
    /// LSH bands (default: chosen from the threshold to favour recall).
    #[arg(long, value_name = "B")]
    pub bands: Option<usize>,
    /// LSH rows per band (default: chosen from the threshold).
    #[arg(long, value_name = "R")]
    pub rows: Option<usize>,
    /// Which article represents a duplicate cluster (and is kept by dedup).
    #[arg(long, value_enum, default_value_t = KeepArg::First)]
    pub keep: KeepArg,
    #[command(flatten)]
    pub overlap: OverlapArgs,
}

/// The partial-overlap stage and boilerplate.
#[derive(Debug, clap::Args)]
pub(crate) struct OverlapArgs {
    /// Only find near-duplicates (MinHash); skip the search for articles that
    /// share passages but differ otherwise. Boilerplate is found by that
    /// search too: without it, a footer two listed articles share counts as
    /// reuse.
    #[arg(long)]
    pub no_overlap: bool,
    /// Text found in more than N articles is boilerplate (footers, share
    /// buttons): it makes no pairs and does not count as reuse.
    #[arg(long, default_value_t = defaults::MAX_DF, value_name = "N")]
    pub max_df: usize,
    /// A file of phrases to treat as boilerplate wherever they occur, one per
    /// line (blank lines and lines starting with # are ignored).
    #[arg(long, value_name = "FILE")]
    pub ignore_phrases: Option<PathBuf>,
}

/// The story stage: articles that tell the same story in their own words.
#[derive(Debug, clap::Args)]
pub(crate) struct StoryArgs {
    /// Skip the story stage: no rewrite verdicts and no story clusters.
    #[arg(long)]
    pub no_story: bool,
    /// Story similarity (0-1, the mean of the weighted word overlap and the
    /// best passage's share found in the other article) at or above which
    /// two articles are rewrites of one story (given shared specifics).
    #[arg(long, default_value_t = defaults::STORY_THRESHOLD, value_name = "S")]
    pub story_threshold: f64,
    /// Share (0-1, by rarity) of the names and numbers of the passage that
    /// carries the story that the other article must also have for a
    /// rewrite: the same actors, places and figures, not just one topic.
    #[arg(long, default_value_t = defaults::MIN_PASSAGE_SPECIFICS, value_name = "S")]
    pub min_passage_specifics: f64,
    /// Articles more days apart than this (by their publication times or by
    /// the dates their datelines give, whichever says more) need
    /// --story-threshold-outside-window, and no sentence told alike with other
    /// figures, to be rewrites: reports of one event come out within days.
    #[arg(long, default_value_t = defaults::STORY_WINDOW_DAYS, value_name = "DAYS")]
    pub story_window_days: u32,
    /// Average link at or above which groups of articles join one story
    /// cluster (articles about one event). A link is the mean of the story
    /// similarity and the cosine of the two articles' names and numbers.
    #[arg(long, default_value_t = defaults::STORY_CLUSTER_THRESHOLD, value_name = "S")]
    pub story_cluster_threshold: f64,
    /// Story similarity a rewrite needs outside the story window (where it
    /// must also keep the figures of the sentences both tell).
    #[arg(long, default_value_t = defaults::STORY_THRESHOLD_OUTSIDE_WINDOW, value_name = "S")]
    pub story_threshold_outside_window: f64,
    /// Background document frequencies that tell which words are distinctive,
    /// instead of the shipped English model: a `documents<TAB>N` line, then
    /// `word<TAB>documents` lines (# comments; .gz allowed).
    #[arg(long, value_name = "FILE")]
    pub idf: Option<PathBuf>,
}

impl StoryArgs {
    fn apply(&self, config: &mut Config) {
        config.story.enabled = !self.no_story;
        config.story.idf = self.idf.clone();
        config.grade.story_threshold = self.story_threshold;
        config.grade.min_passage_specifics = self.min_passage_specifics;
        config.grade.story_window_days = self.story_window_days;
        config.story.cluster_threshold = self.story_cluster_threshold;
        config.grade.story_threshold_outside_window = self.story_threshold_outside_window;
    }
}

impl OverlapArgs {
    fn apply(&self, config: &mut Config) -> anyhow::Result<()> {
        use anyhow::Context;
        config.overlap.enabled = !self.no_overlap;
        config.overlap.max_df = self.max_df;
        if let Some(path) = &self.ignore_phrases {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the phrase list {}", path.display()))?;
            config.overlap.ignore_phrases = options::phrase_list(&text);
        }
        Ok(())
    }
}

/// Shingle and passage settings (shared with `compare`).
#[derive(Debug, clap::Args)]
pub(crate) struct ShingleArgs {
    /// Words per shingle.
    #[arg(long, short = 'k', default_value_t = defaults::SHINGLE_SIZE, value_name = "K")]
    pub shingle_size: usize,
    /// Use character N-grams of the normalized text instead of word shingles
    /// (for languages written without spaces, or very short texts).
    #[arg(long, value_name = "N", conflicts_with = "shingle_size")]
    pub char_ngrams: Option<usize>,
    /// Shortest shared passage reported, in words; any run of this many
    /// identical words is found.
    #[arg(
        long,
        alias = "min-passage",
        default_value_t = defaults::MIN_PASSAGE_WORDS,
        value_name = "WORDS"
    )]
    pub min_passage_words: usize,
    /// Largest gap, in words, between two matching pieces of text that still
    /// makes them one passage (so a lightly edited paragraph is one passage).
    #[arg(
        long,
        alias = "max-gap",
        default_value_t = defaults::MAX_GAP_WORDS,
        value_name = "WORDS"
    )]
    pub max_gap_words: usize,
    /// Seed of the shingle hash and MinHash permutations; reports made with
    /// different seeds are not comparable.
    #[arg(long, default_value_t = defaults::SEED)]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KeepArg {
    /// The article that came first in the input.
    First,
    /// The article with the most characters.
    Longest,
}

impl ShingleArgs {
    fn apply(&self, config: &mut Config) {
        match self.char_ngrams {
            Some(n) => {
                config.shingle.unit = ShingleUnit::Chars;
                config.shingle.size = n;
            }
            None => config.shingle.size = self.shingle_size,
        }
        config.align.min_passage_words = self.min_passage_words;
        config.align.max_gap_words = self.max_gap_words;
        config.seed = self.seed;
    }
}

/// Builds and validates the library config from the parsed arguments. A
/// command without story options (`dedup`) runs no story stage.
pub(crate) fn to_config(
    global: &GlobalArgs,
    corpus: Option<&CorpusArgs>,
    similarity: Option<&SimilarityArgs>,
    shingles: &ShingleArgs,
    story: Option<&StoryArgs>,
) -> anyhow::Result<Config> {
    let mut config = Config {
        threads: global.threads,
        memory_limit: global.memory_limit,
        ..Config::default()
    };
    shingles.apply(&mut config);
    match story {
        Some(story) => story.apply(&mut config),
        None => config.story.enabled = false,
    }
    if let Some(corpus) = corpus {
        let time_field = match (&corpus.time_field, corpus.no_time) {
            (_, true) => TimeField::Ignore,
            (Some(name), false) => TimeField::Named(name.clone()),
            (None, false) => TimeField::Detect,
        };
        config.input = corpus.records.input_config(time_field);
    }
    if let Some(s) = similarity {
        config.threshold = s.threshold;
        config.sketch.num_perm = s.num_perm;
        config.lsh.bands = s.bands;
        config.lsh.rows = s.rows;
        config.cluster.keep = match s.keep {
            KeepArg::First => Keep::First,
            KeepArg::Longest => Keep::Longest,
        };
        s.overlap.apply(&mut config)?;
    }
    config
        .validate()
        .map_err(|err| match err.setting().and_then(options::option_of) {
            Some(flag) => anyhow::Error::new(err).context(format!("invalid {flag}")),
            None => err.into(),
        })?;
    if config.lsh.bands.is_some() || config.lsh.rows.is_some() {
        warn_if_banding_misses(&config, global);
    }
    Ok(config)
}

/// Banding chosen by hand can make pairs at the threshold unlikely candidates;
/// the summary shows the probability, but only after the scan.
fn warn_if_banding_misses(config: &Config, global: &GlobalArgs) {
    let lsh = reprint::stages::LshParams::resolve(
        config.lsh.bands,
        config.lsh.rows,
        config.threshold,
        config.sketch.num_perm,
    );
    let found = lsh.candidate_probability(config.threshold);
    if found < 0.5 && !global.quiet {
        eprintln!(
            "reprint: warning: with {} bands x {} rows, a pair at Jaccard {:.2} becomes a candidate with probability {found:.3}; most near-duplicates will be missed (without --bands and --rows, the banding suits the threshold)",
            lsh.bands, lsh.rows, config.threshold
        );
    }
}

/// A library error as the command line says it: a setting its message names
/// by its path in the config (`input.text_field`) is named by its option
/// (`--text-field`).
pub(crate) fn in_cli_terms(err: reprint::Error) -> anyhow::Error {
    match options::in_option_terms(&err.to_string(), |flag| flag.to_string()) {
        Some(message) => anyhow::anyhow!(message),
        None => err.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn arguments_reach_the_config() {
        let args = Args::parse_from([
            "reprint",
            "scan",
            "x",
            "--threshold",
            "0.8",
            "--char-ngrams",
            "7",
            "--keep",
            "longest",
            "-j",
            "3",
            "--story-threshold",
            "0.5",
            "--idf",
            "mine.tsv",
        ]);
        let Command::Scan(scan) = &args.command else {
            panic!("parsed as scan")
        };
        let config = to_config(
            &args.global,
            Some(&scan.corpus),
            Some(&scan.similarity),
            &scan.similarity.shingles,
            Some(&scan.story),
        )
        .unwrap();
        assert_eq!(config.threshold, 0.8);
        assert_eq!(config.grade.story_threshold, 0.5);
        assert_eq!(config.story.idf, Some(PathBuf::from("mine.tsv")));
        assert!(config.story.enabled);
        assert_eq!(
            (config.shingle.unit, config.shingle.size),
            (ShingleUnit::Chars, 7)
        );
        assert_eq!((config.cluster.keep, config.threads), (Keep::Longest, 3));
    }

    #[test]
    fn invalid_settings_are_rejected_with_the_setting_named() {
        let args = Args::parse_from(["reprint", "scan", "x", "--bands", "50", "--rows", "5"]);
        let Command::Scan(scan) = &args.command else {
            panic!("parsed as scan")
        };
        let err = to_config(
            &args.global,
            Some(&scan.corpus),
            Some(&scan.similarity),
            &scan.similarity.shingles,
            Some(&scan.story),
        )
        .unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.starts_with("invalid --bands: lsh.bands x lsh.rows = 50 x 5"),
            "{message}"
        );
    }

    /// The parsed arguments of a command given only its input.
    fn parsed_config(command: &str) -> Config {
        let args = Args::parse_from(["reprint", command, "x"]);
        match &args.command {
            Command::Scan(scan) => to_config(
                &args.global,
                Some(&scan.corpus),
                Some(&scan.similarity),
                &scan.similarity.shingles,
                Some(&scan.story),
            ),
            Command::Dedup(dedup) => to_config(
                &args.global,
                Some(&dedup.corpus),
                Some(&dedup.similarity),
                &dedup.similarity.shingles,
                None,
            ),
            _ => panic!("{command} takes a corpus"),
        }
        .unwrap()
    }

    #[test]
    fn the_command_line_defaults_are_the_library_defaults() {
        assert_eq!(parsed_config("scan"), Config::default());
        let mut without_story = Config::default();
        without_story.story.enabled = false;
        assert_eq!(
            parsed_config("dedup"),
            without_story,
            "dedup runs no story stage"
        );
    }

    #[test]
    fn every_setting_the_library_names_has_its_option() {
        let mut config = Config::default();
        config.align.min_passage_words = 0;
        let setting = config.validate().unwrap_err().setting().unwrap();
        assert_eq!(options::option_of(setting), Some("--min-passage-words"));
        let bad_line = reprint::Error::BadLine {
            path: "a.jsonl".into(),
            line: 3,
            reason: "no text field \"text\" (input.text_field names the field to read)".into(),
        };
        assert!(in_cli_terms(bad_line)
            .to_string()
            .ends_with("(--text-field names the field to read)"));
        let command = Args::command();
        // The scan's own options and the global ones (--threads).
        let options: Vec<String> = command
            .find_subcommand("scan")
            .unwrap()
            .get_arguments()
            .chain(command.get_arguments())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        let settings = options::OPTIONS
            .iter()
            .filter(|(s, _)| *s != "shingle.size");
        for (_, flag) in settings {
            assert!(
                options.iter().any(|o| o == flag),
                "{flag} is not an option of scan"
            );
        }
    }
}

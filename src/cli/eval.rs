//! `reprint eval`: run reprint on a labeled corpus and print the benchmark's
//! own measures.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Subcommand;
use reprint::eval::pan::{score_by_category, PanCorpus, PanScores};
use reprint::eval::stories::{read_labels, score_clusters};
use reprint::eval::{detect_pan, verdicts_by_category, PanRun};
use reprint::CorpusReader;

use super::output::Outputs;
use super::{in_cli_terms, to_config, GlobalArgs, SimilarityArgs, StoryArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct EvalArgs {
    #[command(subcommand)]
    pub benchmark: Benchmark,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Benchmark {
    /// PAN 2013 text alignment: align every listed (suspicious, source) pair and
    /// print PAN's macro precision, recall, granularity and plagdet, overall and
    /// per obfuscation category.
    ///
    /// DIR holds docs.jsonl ({"id", "text", "role"}), pairs.csv
    /// (susp_id,src_id,category,n_cases) and labels.jsonl (one reuse case per
    /// line, offsets in characters), as ../shared/data/pan13_ta_train does.
    ///
    /// Example: reprint eval pan ../shared/data/pan13_ta_train --detections det.jsonl
    Pan(PanArgs),
    /// Story clusters against labeled events: scan DIR/docs.jsonl and score
    /// its story clusters against DIR/labels.jsonl ({"id", "cluster"} per
    /// line) with pairwise and B-cubed precision, recall and F1 and the
    /// adjusted Rand index. A document in no story cluster is a cluster of
    /// its own.
    ///
    /// Example: reprint eval stories ../shared/data/ecbplus_dev
    Stories(StoriesArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct StoriesArgs {
    /// The corpus folder (docs.jsonl, labels.jsonl).
    pub dir: PathBuf,
    #[command(flatten)]
    pub similarity: SimilarityArgs,
    #[command(flatten)]
    pub story: StoryArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PanArgs {
    /// The corpus folder.
    pub dir: PathBuf,
    /// Also write every detected passage as JSON Lines (suspicious_id, source_id,
    /// suspicious_offset, suspicious_length, source_offset, source_length; in
    /// characters), for any external scorer.
    #[arg(long, value_name = "FILE")]
    pub detections: Option<PathBuf>,
    /// Also write every listed pair's verdict and story scores as JSON Lines
    /// (suspicious_id, source_id, category, cases, verdict, story_similarity,
    /// cosine, passage_containment), to study the rewrite grading.
    #[arg(long, value_name = "FILE")]
    pub verdicts: Option<PathBuf>,
    /// Shortest passage reported, in words. PAN's reuse cases are whole
    /// passages (a few hundred characters), so shorter shared runs are noise here.
    #[arg(
        long,
        alias = "min-passage",
        default_value_t = reprint::eval::PAN_MIN_PASSAGE_WORDS,
        value_name = "WORDS"
    )]
    pub min_passage_words: usize,
    /// Largest gap, in words, inside one passage.
    #[arg(
        long,
        alias = "max-gap",
        default_value_t = reprint::defaults::MAX_GAP_WORDS,
        value_name = "WORDS"
    )]
    pub max_gap_words: usize,
    #[command(flatten)]
    pub story: StoryArgs,
}

pub(crate) fn run(args: &EvalArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    match &args.benchmark {
        Benchmark::Pan(pan) => run_pan(pan, global),
        Benchmark::Stories(stories) => run_stories(stories, global),
    }
}

fn run_pan(args: &PanArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut config = reprint::eval::pan_config();
    config.threads = global.threads;
    config.align.min_passage_words = args.min_passage_words;
    config.align.max_gap_words = args.max_gap_words;
    args.story.apply(&mut config);
    config.validate().map_err(in_cli_terms)?;
    let mut outputs = Outputs::prepare(
        &[
            ("--detections", args.detections.as_deref()),
            ("--verdicts", args.verdicts.as_deref()),
        ],
        std::slice::from_ref(&args.dir),
    )?;
    let started = Instant::now();
    let corpus = PanCorpus::load(&args.dir)?;
    let loaded = started.elapsed().as_secs_f64();
    let clock = Instant::now();
    let run = detect_pan(&corpus, &config)?;
    let aligned = clock.elapsed().as_secs_f64();

    write_pan_files(&mut outputs, &corpus, &run)?;
    if outputs.stdout_taken() {
        return Ok(Exit::Success);
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "PAN text alignment: {} ({} documents, {} pairs, {} cases)",
        args.dir.display(),
        corpus.documents.len(),
        corpus.pairs.len(),
        corpus.cases.len()
    )?;
    write_pan_tables(&corpus, &run, &config, &mut stdout)?;
    writeln!(
        stdout,
        "Time: {aligned:.2} s to align ({} threads), {loaded:.2} s to load.",
        rayon_threads(global.threads)
    )?;
    stdout.flush()?;
    Ok(Exit::Success)
}

fn rayon_threads(requested: usize) -> usize {
    if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    }
}

/// The files `--detections` and `--verdicts` ask for.
fn write_pan_files(outputs: &mut Outputs, corpus: &PanCorpus, run: &PanRun) -> anyhow::Result<()> {
    outputs.write("--detections", |out| {
        for detection in &run.detections {
            serde_json::to_writer(&mut *out, detection)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    outputs.write("--verdicts", |out| {
        for ((pair, verdict), story) in corpus.pairs.iter().zip(&run.verdicts).zip(&run.stories) {
            let line = serde_json::json!({
                "suspicious_id": pair.suspicious,
                "source_id": pair.source,
                "category": pair.category,
                "cases": pair.n_cases,
                "verdict": verdict,
                "story_similarity": story.as_ref().map(|s| s.similarity),
                "cosine": story.as_ref().map(|s| s.cosine),
                "passage_containment": story.as_ref().map(|s| s.passage_containment),
                "passage_specifics": story.as_ref().map(|s| s.passage_specifics),
            });
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })
}

fn write_pan_tables(
    corpus: &PanCorpus,
    run: &PanRun,
    config: &reprint::Config,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let scores = score_by_category(corpus, &run.detections);
    writeln!(
        out,
        "{:<28} {:>9} {:>9} {:>11} {:>8} {:>6} {:>10}",
        "category", "precision", "recall", "granularity", "plagdet", "cases", "detections"
    )?;
    let row = |out: &mut dyn Write, name: &str, s: &PanScores| {
        writeln!(
            out,
            "{:<28} {:>9.4} {:>9.4} {:>11.4} {:>8.4} {:>6} {:>10}",
            name, s.precision, s.recall, s.granularity, s.plagdet, s.cases, s.detections
        )
    };
    for (name, s) in &scores.categories {
        row(out, name, s)?;
    }
    row(out, "overall", &scores.overall)?;
    writeln!(
        out,
        "\nPairs graded rewrite or stronger (story threshold {:.2}):",
        config.grade.story_threshold
    )?;
    writeln!(
        out,
        "{:<28} {:>16} {:>16}",
        "category", "positive pairs", "negative pairs"
    )?;
    let share = |n: usize, of: usize| match of {
        0 => "-".to_string(),
        _ => format!("{n}/{of} {:.1}%", 100.0 * n as f64 / of as f64),
    };
    for (name, s) in verdicts_by_category(corpus, &run.verdicts) {
        writeln!(
            out,
            "{:<28} {:>16} {:>16}",
            name,
            share(s.positives_related, s.positives),
            share(s.negatives_related, s.negatives)
        )?;
    }
    Ok(())
}

fn run_stories(args: &StoriesArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = to_config(
        global,
        None,
        Some(&args.similarity),
        &args.similarity.shingles,
        Some(&args.story),
    )?;
    anyhow::ensure!(
        config.story.enabled,
        "eval stories scores story clusters: drop --no-story"
    );
    let labels = read_labels(&args.dir.join("labels.jsonl"))?;
    let reader = CorpusReader::open(&[args.dir.join("docs.jsonl")], &config.input)?;
    let scan = reprint::run(&config, reader).map_err(in_cli_terms)?;
    let predicted: Vec<Vec<String>> = scan
        .report
        .story_clusters
        .iter()
        .map(|c| c.members.clone())
        .collect();
    let scores = score_clusters(&predicted, &labels);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Story clusters: {} ({} labeled documents in {} events; {} documents scanned)",
        args.dir.display(),
        scores.documents,
        scores.true_clusters,
        scan.report.counts.documents_scanned
    )?;
    writeln!(
        out,
        "Predicted: {} story clusters of labeled documents (story threshold {:.2}); {} members without a label",
        scores.predicted_clusters, config.grade.story_threshold, scores.unlabeled
    )?;
    writeln!(
        out,
        "{:<22} {:>9} {:>9} {:>9}",
        "measure", "precision", "recall", "F1"
    )?;
    for (name, s) in [("pairwise", scores.pairwise), ("B-cubed", scores.bcubed)] {
        writeln!(
            out,
            "{name:<22} {:>9.4} {:>9.4} {:>9.4}",
            s.precision, s.recall, s.f1
        )?;
    }
    writeln!(
        out,
        "{:<22} {:>9.4}",
        "adjusted Rand index", scores.adjusted_rand
    )?;
    writeln!(
        out,
        "Time: {:.2} s to scan ({} threads).",
        scan.report.run.seconds.total, scan.report.run.threads
    )?;
    out.flush()?;
    Ok(Exit::Success)
}

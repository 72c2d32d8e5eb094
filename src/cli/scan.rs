//! `reprint scan`: the report of a corpus.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use reprint::report::html::write_html;
use reprint::report::json::write_json;
use reprint::report::lines::{write_csv, write_jsonl};
use reprint::report::terminal::{write_summary, TextOptions};
use reprint::{CorpusReader, Scan};

use super::output::Outputs;
use super::progress::Bars;
use super::{in_cli_terms, to_config, CorpusArgs, GlobalArgs, SimilarityArgs, StoryArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[command(flatten)]
    pub similarity: SimilarityArgs,
    #[command(flatten)]
    pub story: StoryArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Where the report goes (shared with `index check`).
#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// Write the full report as JSON to FILE (- for stdout, which replaces the summary).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the pairs as CSV to FILE, one row per pair: ids, verdict, scores,
    /// passage count and covered shares (- for stdout, which replaces the
    /// summary).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the pairs as JSON Lines to FILE, one pair per line as in the JSON
    /// report, for streaming pipelines (- for stdout, which replaces the
    /// summary).
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Write a self-contained HTML report to FILE, to open in a browser: an
    /// overview with score histograms, the clusters, a sortable and filterable
    /// pair table, and both texts of each pair side by side with the shared
    /// passages highlighted. It holds the texts of every document in a listed
    /// pair, gzipped (needs Chrome 80, Firefox 113, Safari 16.4 or later).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Most pairs listed in the terminal summary (the JSON report has all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_pairs: usize,
}

impl ReportArgs {
    /// Checks every output path before any work: none may be one of `inputs`
    /// or unwritable.
    pub(crate) fn prepare(&self, inputs: &[PathBuf]) -> anyhow::Result<Outputs> {
        Outputs::prepare(
            &[
                ("--json", self.json.as_deref()),
                ("--csv", self.csv.as_deref()),
                ("--jsonl", self.jsonl.as_deref()),
                ("--html", self.html.as_deref()),
            ],
            inputs,
        )
    }

    /// Writes the report of `scan` to every output asked for, and the summary
    /// to the terminal unless stdout took an output or `quiet`.
    pub(crate) fn write(
        &self,
        mut outputs: Outputs,
        scan: &Scan,
        global: &GlobalArgs,
    ) -> anyhow::Result<()> {
        let report = &scan.report;
        outputs.write("--json", |out| Ok(write_json(report, out)?))?;
        outputs.write("--csv", |out| Ok(write_csv(report, out)?))?;
        outputs.write("--jsonl", |out| Ok(write_jsonl(report, out)?))?;
        // The page holds the texts too, read again from the scan's documents.
        outputs.write("--html", |out| {
            Ok(write_html(report, &scan.documents, out)?)
        })?;
        if !global.quiet && !outputs.stdout_taken() {
            let options = TextOptions {
                max_pairs: self.max_pairs,
                ..TextOptions::default()
            };
            let mut stdout = std::io::stdout().lock();
            write_summary(report, options, &mut stdout)?;
            if let Some(path) = &self.json {
                writeln!(stdout, "Full report: {}", path.display())?;
            }
            if let Some(path) = &self.html {
                writeln!(stdout, "HTML report: {}", path.display())?;
            }
            stdout.flush()?;
        }
        Ok(())
    }
}

pub(crate) fn run(args: &ScanArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let outputs = args.report.prepare(&args.corpus.inputs)?;
    let scan = scan_corpus(&args.corpus, &args.similarity, Some(&args.story), global)?;
    args.report.write(outputs, &scan, global)?;
    Ok(Exit::Success)
}

/// Reads the corpus and runs the pipeline (shared with `dedup`).
pub(crate) fn scan_corpus(
    corpus: &CorpusArgs,
    similarity: &SimilarityArgs,
    story: Option<&StoryArgs>,
    global: &GlobalArgs,
) -> anyhow::Result<Scan> {
    let config = to_config(
        global,
        Some(corpus),
        Some(similarity),
        &similarity.shingles,
        story,
    )?;
    let reader = CorpusReader::open(&corpus.inputs, &config.input)?;
    let scan = if !global.quiet && std::io::stderr().is_terminal() {
        let bars = Bars::new();
        let scan = reprint::run_with_progress(&config, reader, &bars).map_err(in_cli_terms)?;
        let counts = &scan.report.counts;
        bars.finish(&format!(
            "reprint: {} documents scanned, {} pairs listed, {} duplicate and {} story clusters, in {:.1} s",
            counts.documents_scanned,
            scan.report.pairs.len(),
            counts.clusters,
            counts.story_clusters,
            scan.report.run.seconds.total
        ));
        scan
    } else {
        reprint::run(&config, reader).map_err(in_cli_terms)?
    };
    if scan.report.counts.documents_scanned == 0 && !global.quiet {
        eprintln!(
            "reprint: warning: no documents to scan in {} ({} read, {} skipped)",
            corpus
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            scan.report.counts.documents_read,
            scan.report.counts.documents_skipped
        );
    }
    Ok(scan)
}

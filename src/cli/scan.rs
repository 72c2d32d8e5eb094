//! `reprint scan`: the report of a corpus.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use reprint::report::json::write_json;
use reprint::report::text::{write_summary, TextOptions};
use reprint::{CorpusReader, Scan};

use super::{create_output, to_config, CorpusArgs, GlobalArgs, SimilarityArgs, StoryArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[command(flatten)]
    pub similarity: SimilarityArgs,
    #[command(flatten)]
    pub story: StoryArgs,
    /// Write the full report as JSON to FILE (- for stdout, which replaces the summary).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Most pairs listed in the terminal summary (the JSON report has all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_pairs: usize,
}

pub(crate) fn run(args: &ScanArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let scan = scan_corpus(&args.corpus, &args.similarity, Some(&args.story), global)?;
    let json_to_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    if let Some(path) = &args.json {
        let mut out = create_output(path)?;
        write_json(&scan.report, &mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !global.quiet && !json_to_stdout {
        let options = TextOptions {
            max_pairs: args.max_pairs,
            ..TextOptions::default()
        };
        let mut stdout = std::io::stdout().lock();
        write_summary(&scan.report, options, &mut stdout)?;
        if let Some(path) = args.json.as_ref().filter(|_| !json_to_stdout) {
            writeln!(stdout, "Full report: {}", path.display())?;
        }
        stdout.flush()?;
    }
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
    let scan = reprint::run(&config, reader)?;
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

//! `reprint dedup`: the corpus without its duplicates, as JSON Lines.

use std::path::PathBuf;

use reprint::report::json::write_json;
use serde_json::{Map, Value};

use super::output::Outputs;
use super::scan::scan_corpus;
use super::{CorpusArgs, GlobalArgs, SimilarityArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct DedupArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[command(flatten)]
    pub similarity: SimilarityArgs,
    /// Write the kept articles to FILE as JSON Lines (default: stdout), in input
    /// order, with the id and text fields and every other field of the input,
    /// as given (a numeric id stays a number; a record without an id, whose id
    /// is its line number, stays without one).
    #[arg(long, short = 'o', default_value = "-", value_name = "FILE")]
    pub output: PathBuf,
    /// Also write the full scan report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub(crate) fn run(args: &DedupArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut outputs = Outputs::prepare(
        &[
            ("--output", Some(args.output.as_path())),
            ("--json", args.json.as_deref()),
        ],
        &args.corpus.inputs,
    )?;
    // Dedup keeps one article per duplicate cluster: stories do not matter.
    let scan = scan_corpus(&args.corpus, &args.similarity, None, global)?;
    let report = &scan.report;
    outputs.write("--output", |out| {
        for doc in scan.kept() {
            let text = doc.load_text()?;
            let mut record = Map::with_capacity(doc.metadata().len() + 2);
            // As given: a number stays a number; a record without an id
            // (its id is its line) stays without one.
            if let Some(id) = doc.given_id() {
                record.insert(args.corpus.records.id_field.clone(), id);
            }
            record.insert(
                args.corpus.records.text_field.clone(),
                Value::String(text.into_owned()),
            );
            record.extend(doc.metadata().iter().map(|(k, v)| (k.clone(), v.clone())));
            serde_json::to_writer(&mut *out, &record)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    outputs.write("--json", |out| Ok(write_json(report, out)?))?;
    if !global.quiet {
        let c = &report.counts;
        eprintln!(
            "reprint dedup: kept {} of {} documents: removed {} duplicates in {} clusters; {} input items skipped{}",
            c.documents_scanned - c.duplicates,
            c.documents_read,
            c.duplicates,
            c.clusters,
            c.documents_skipped,
            if c.documents_skipped > 0 { " (listed in the JSON report, --json)" } else { "" }
        );
    }
    Ok(Exit::Success)
}

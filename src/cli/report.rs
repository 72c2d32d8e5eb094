//! `reprint report`: a saved report written again (HTML, CSV, JSON Lines,
//! JSON, the terminal summary), with the texts from the corpus it was made
//! of.
//!
//! A saved report is a JSON report (`reprint scan --json`) or the folder the
//! Spark job (`spark/reprint_spark.py`) wrote: its `report.json` holds all
//! but the long lists, which are in parts of one JSON object a line, in
//! order across the parts' names: `pairs/` (as `--jsonl` writes them),
//! `clusters/`, `story_clusters/` and `skipped/`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use reprint::config::{InputConfig, TimeField};
use reprint::report::json::read_json;
use reprint::{CorpusReader, Entry, Report, Scan};
use serde::de::DeserializeOwned;

use super::scan::ReportArgs;
use super::{GlobalArgs, RecordArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct ReportCommandArgs {
    /// The saved report: a JSON report (reprint scan --json) or the output
    /// folder of the Spark job.
    #[arg(value_name = "REPORT")]
    pub saved: PathBuf,
    /// The corpus the report was made from, as it was given to the scan
    /// (folders, files, JSON Lines): the texts of the documents it names are
    /// read from it.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// How the corpus's records are read: as the scan read them.
    #[command(flatten)]
    pub records: RecordArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

pub(crate) fn run(args: &ReportCommandArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut inputs = args.inputs.clone();
    inputs.push(args.saved.clone());
    let outputs = args.report.prepare(&inputs)?;
    let report = read_saved(&args.saved)?;
    let input = args.records.input_config(TimeField::Ignore);
    let documents = named_documents(&report, &args.inputs, &input)?;
    let scan = Scan {
        report,
        documents,
        clusters: Vec::new(),
    };
    args.report.write(outputs, &scan, global)?;
    Ok(Exit::Success)
}

/// The report saved at `path`: a JSON report, or the Spark job's folder.
fn read_saved(path: &Path) -> anyhow::Result<Report> {
    if !path.is_dir() {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        return read_json(BufReader::new(file)).with_context(|| path.display().to_string());
    }
    let header = path.join("report.json");
    let file = File::open(&header).with_context(|| {
        format!(
            "cannot read {}: a saved report is a JSON report or a folder the Spark job wrote",
            header.display()
        )
    })?;
    let mut report =
        read_json(BufReader::new(file)).with_context(|| header.display().to_string())?;
    report.pairs = read_parts(&path.join("pairs"))?;
    report.clusters = read_parts(&path.join("clusters"))?;
    report.story_clusters = read_parts(&path.join("story_clusters"))?;
    report.skipped = read_parts(&path.join("skipped"))?;
    Ok(report)
}

/// Every line of the part files in `folder` (in the order of their names),
/// each one JSON object.
fn read_parts<T: DeserializeOwned>(folder: &Path) -> anyhow::Result<Vec<T>> {
    let mut parts = Vec::new();
    let entries =
        std::fs::read_dir(folder).with_context(|| format!("cannot read {}", folder.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", folder.display()))?
            .path();
        // Spark's own files (_SUCCESS, .crc checksums) are not parts.
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_file() && !name.starts_with(['_', '.']) {
            parts.push(path);
        }
    }
    parts.sort();
    let mut items = Vec::new();
    for part in parts {
        let file = File::open(&part).with_context(|| format!("cannot read {}", part.display()))?;
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", part.display()))?;
            // Through a Value: with serde_json's arbitrary precision, a
            // number read straight into a flattened struct is a map.
            let item = serde_json::from_str(&line)
                .and_then(serde_json::from_value)
                .with_context(|| format!("{}, line {}", part.display(), i + 1))?;
            items.push(item);
        }
    }
    Ok(items)
}

/// The documents of the corpus that `report` names (in pairs and clusters),
/// in input order, their texts let go until a writer reads them again.
fn named_documents(
    report: &Report,
    inputs: &[PathBuf],
    input: &InputConfig,
) -> anyhow::Result<Vec<reprint::Document>> {
    let mut named = report.named_ids();
    let mut documents = Vec::new();
    for entry in CorpusReader::open(inputs, input)? {
        if let Entry::Document(mut document) = entry? {
            if named.remove(document.id.as_str()) {
                document.release_text();
                documents.push(document);
            }
        }
    }
    if let Some(missing) = named.iter().min() {
        bail!(
            "the report names {} document(s) the corpus does not hold, such as {missing:?}: give the corpus the report was made from (and its --id-field)",
            named.len()
        );
    }
    Ok(documents)
}

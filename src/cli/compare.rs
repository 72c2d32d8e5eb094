//! `reprint compare`: two texts, their scores and shared passages.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use reprint::report::terminal::write_comparison;
use reprint::{Document, Entry};

use super::output::Outputs;
use super::{to_config, GlobalArgs, ShingleArgs, StoryArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// The first text file.
    pub a: PathBuf,
    /// The second text file.
    pub b: PathBuf,
    #[command(flatten)]
    pub shingles: ShingleArgs,
    #[command(flatten)]
    pub story: StoryArgs,
    /// Write the comparison as JSON to FILE (- for stdout, which replaces the text output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Width of the side-by-side passage view, in characters.
    #[arg(long, default_value_t = 100, value_name = "CHARS")]
    pub width: usize,
}

pub(crate) fn run(args: &CompareArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = to_config(global, None, None, &args.shingles, Some(&args.story))?;
    let inputs = [args.a.clone(), args.b.clone()];
    let mut outputs = Outputs::prepare(&[("--json", args.json.as_deref())], &inputs)?;
    let (a, b) = (read_document(&args.a)?, read_document(&args.b)?);
    let comparison = reprint::compare(&config, &a, &b)?;
    outputs.write("--json", |out| {
        serde_json::to_writer_pretty(&mut *out, &comparison)?;
        Ok(out.write_all(b"\n")?)
    })?;
    if !global.quiet && !outputs.stdout_taken() {
        let mut stdout = std::io::stdout().lock();
        write_comparison(&comparison, args.width, &mut stdout)?;
        stdout.flush()?;
    }
    Ok(Exit::Success)
}

/// Reads one text file (through the library's reader, so `.gz` works too).
fn read_document(path: &Path) -> anyhow::Result<Document> {
    match reprint::read_document(path, path.display().to_string())? {
        Entry::Document(document) => Ok(document),
        Entry::Skipped(skipped) => bail!("{}: {}", skipped.location, skipped.reason),
    }
}

//! `reprint compare`: two texts, their scores and shared passages.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use reprint::report::terminal::write_comparison;
use reprint::{Document, Entry};

use super::{create_output, to_config, GlobalArgs, ShingleArgs, StoryArgs};
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
    let (a, b) = (read_document(&args.a)?, read_document(&args.b)?);
    let comparison = reprint::compare(&config, &a, &b)?;
    let json_to_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    if let Some(path) = &args.json {
        let mut out = create_output(path)?;
        serde_json::to_writer_pretty(&mut out, &comparison)?;
        out.write_all(b"\n")
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !global.quiet && !json_to_stdout {
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

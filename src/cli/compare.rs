//! `reprint compare`: two texts, their scores and shared passages.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use reprint::input::Origin;
use reprint::report::Comparison;
use reprint::Document;

use super::{create_output, to_config, GlobalArgs, ShingleArgs};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// The first text file.
    pub a: PathBuf,
    /// The second text file.
    pub b: PathBuf,
    #[command(flatten)]
    pub shingles: ShingleArgs,
    /// Write the comparison as JSON to FILE (- for stdout, which replaces the text output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub(crate) fn run(args: &CompareArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = to_config(global, None, None, &args.shingles)?;
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
        print_comparison(&comparison)?;
    }
    Ok(Exit::Success)
}

fn read_document(path: &Path) -> anyhow::Result<Document> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => bail!(
            "{}: not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ),
    };
    Ok(Document {
        id: path.display().to_string(),
        text,
        metadata: Default::default(),
        origin: Origin {
            path: path.to_path_buf(),
            line: None,
        },
    })
}

fn print_comparison(c: &Comparison) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let s = &c.pair.scores;
    let unit = match c.shingle.unit {
        reprint::config::ShingleUnit::Words => "word",
        reprint::config::ShingleUnit::Chars => "character",
    };
    writeln!(out, "{} ~ {}", s.a, s.b)?;
    writeln!(
        out,
        "Jaccard {:.4} (MinHash estimate {:.4}); {unit} {}-gram shingles: {} in {}, {} in {}, {} shared",
        s.jaccard, s.estimated_jaccard, c.shingle.size, s.shingles_a, s.a, s.shingles_b, s.b, s.shared_shingles
    )?;
    writeln!(
        out,
        "Containment: {:.1}% of {} is in {}; {:.1}% of {} is in {}",
        100.0 * s.containment_a_in_b,
        s.a,
        s.b,
        100.0 * s.containment_b_in_a,
        s.b,
        s.a
    )?;
    let words: usize = c.pair.passages.iter().map(|p| p.words).sum();
    writeln!(
        out,
        "Shared passages of at least {} words: {} ({words} words)",
        c.min_passage_words,
        c.pair.passages.len()
    )?;
    for (i, p) in c.pair.passages.iter().enumerate() {
        writeln!(
            out,
            "{:>3}. {} words; {} chars {}..{}, {} chars {}..{}",
            i + 1,
            p.words,
            s.a,
            p.a.start_char,
            p.a.end_char,
            s.b,
            p.b.start_char,
            p.b.end_char
        )?;
        writeln!(out, "     {}: {:?}", s.a, p.a.text)?;
        if p.b.text != p.a.text {
            writeln!(out, "     {}: {:?}", s.b, p.b.text)?;
        }
    }
    Ok(())
}

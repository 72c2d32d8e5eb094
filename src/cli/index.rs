//! `reprint index`: keep articles in a persistent index and check new ones
//! against it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use reprint::config::TimeField;
use reprint::index::{Added, Index};
use reprint::CorpusReader;

use super::progress::Bars;
use super::scan::ReportArgs;
use super::{in_cli_terms, to_config, GlobalArgs, SimilarityArgs, StoryArgs};
use crate::exit::Exit;
use reprint::defaults;

#[derive(Debug, clap::Args)]
pub(crate) struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum IndexCommand {
    /// Create an index in a new or empty folder, with the settings every
    /// later add and check of it uses (the settings of `scan`).
    ///
    /// Example: reprint index create archive --threshold 0.6
    Create(CreateArgs),
    /// Add articles (JSON Lines or folders, as `scan` reads them; each needs
    /// an id). Prints each committed id; what was printed is in the index,
    /// even if the process is killed.
    ///
    /// Example: reprint index add archive wires-2026-12-05.jsonl
    Add(AddArgs),
    /// Report every pair between new articles and the indexed ones (and
    /// among the new ones), exactly as `scan` of the indexed articles followed
    /// by the new ones lists them.
    ///
    /// Example: reprint index check archive incoming.jsonl --json pairs.json
    Check(CheckArgs),
    /// Remove articles by id.
    ///
    /// Example: reprint index remove archive wire-17 wire-18
    Remove(RemoveArgs),
    /// Remove the articles published before a time (by a JSON field of
    /// their records; articles without a readable time there are kept).
    ///
    /// Example: reprint index evict archive --before 2026-06-01 --time-field published
    Evict(EvictArgs),
    /// Rewrite the postings without the entries of removed articles, one
    /// file a kind (merges drop them as they come, but reach the largest
    /// files rarely): worth running after a large eviction.
    ///
    /// Example: reprint index compact archive
    Compact(CompactArgs),
    /// Show how many articles an index holds, its size and its settings.
    ///
    /// Example: reprint index stats archive
    Stats(StatsArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// The folder to create the index in (new, or empty).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// JSON field holding each article's id (a string or number).
    #[arg(long, default_value = defaults::ID_FIELD, value_name = "NAME")]
    pub id_field: String,
    /// JSON field holding the text. Other fields are kept as metadata.
    #[arg(long, default_value = defaults::TEXT_FIELD, value_name = "NAME")]
    pub text_field: String,
    /// JSON field holding each article's publication time (as for `scan`).
    /// [default: the usual field most records have a readable time in]
    #[arg(long, value_name = "NAME", conflicts_with = "no_time")]
    pub time_field: Option<String>,
    /// Read no publication times, even from a field with a usual name.
    #[arg(long)]
    pub no_time: bool,
    #[command(flatten)]
    pub similarity: SimilarityArgs,
    #[command(flatten)]
    pub story: StoryArgs,
}

/// The index and the articles given to it.
#[derive(Debug, clap::Args)]
pub(crate) struct IndexInputs {
    /// The index folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Folders, .txt/.md files, JSON Lines files, or - for JSON Lines on
    /// stdin (read with the index's id and text fields).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Skip malformed lines, missing text fields and duplicate ids instead of
    /// stopping; each is counted and listed.
    #[arg(long)]
    pub skip_bad_lines: bool,
    /// Articles written per commit when adding. Each commit is durable (one fsync) before
    /// its ids are printed: fewer per commit acknowledge sooner, more add
    /// faster.
    #[arg(long, default_value_t = reprint::index::COMMIT_DOCUMENTS as u64, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub commit_every: u64,
    /// Articles added before their postings (what checks look candidates
    /// up in) are written to files; until then they are held in memory,
    /// and sketched again if the process is killed. A writer also writes
    /// them when it finishes.
    #[arg(long, default_value_t = reprint::index::FLUSH_DOCUMENTS as u64, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub flush_every: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AddArgs {
    #[command(flatten)]
    pub index: IndexInputs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub index: IndexInputs,
    /// Add the new articles to the index once they are checked.
    #[arg(long)]
    pub add: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RemoveArgs {
    /// The index folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Ids of the articles to remove.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct EvictArgs {
    /// The index folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Remove what was published before this time: RFC 3339, YYYY-MM-DD,
    /// "YYYY-MM-DD HH:MM:SS" (UTC) or Unix seconds.
    #[arg(long, value_name = "TIME")]
    pub before: String,
    /// The JSON field holding each article's publication time. [default: the
    /// index's --time-field, when it was created with one]
    #[arg(long, value_name = "NAME")]
    pub time_field: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompactArgs {
    /// The index folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatsArgs {
    /// The index folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub(crate) fn run(args: &IndexArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    match &args.command {
        IndexCommand::Create(create) => run_create(create, global),
        IndexCommand::Add(add) => run_add(add, global),
        IndexCommand::Check(check) => run_check(check, global),
        IndexCommand::Remove(remove) => run_remove(remove, global),
        IndexCommand::Evict(evict) => run_evict(evict, global),
        IndexCommand::Compact(compact) => run_compact(compact, global),
        IndexCommand::Stats(stats) => run_stats(stats),
    }
}

fn run_create(args: &CreateArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut config = to_config(
        global,
        None,
        Some(&args.similarity),
        &args.similarity.shingles,
        Some(&args.story),
    )?;
    config.input.id_field = args.id_field.clone();
    config.input.text_field = args.text_field.clone();
    config.input.time_field = match (&args.time_field, args.no_time) {
        (_, true) => TimeField::Ignore,
        (Some(name), false) => TimeField::Named(name.clone()),
        (None, false) => TimeField::Detect,
    };
    Index::create(&args.dir, &config).map_err(in_cli_terms)?;
    if !global.quiet {
        println!("created the index {}", args.dir.display());
    }
    Ok(Exit::Success)
}

/// Opens the index for a command of this process's threads and memory.
fn open(dir: &std::path::Path, global: &GlobalArgs) -> anyhow::Result<Index> {
    let mut index = Index::open(dir)?;
    index.set_resources(global.threads, global.memory_limit);
    Ok(index)
}

/// The index of `inputs`, opened to add them.
fn open_to_add(inputs: &IndexInputs, global: &GlobalArgs) -> anyhow::Result<Index> {
    let mut index = open(&inputs.dir, global)?;
    index.set_commit_every(usize::try_from(inputs.commit_every).unwrap_or(usize::MAX));
    index.set_flush_every(usize::try_from(inputs.flush_every).unwrap_or(usize::MAX));
    Ok(index)
}

/// A reader of `inputs` with the index's input settings.
fn reader(index: &Index, inputs: &IndexInputs) -> anyhow::Result<CorpusReader> {
    let mut input = index.config().input.clone();
    input.skip_bad_lines = inputs.skip_bad_lines;
    Ok(CorpusReader::open(&inputs.inputs, &input)?)
}

fn run_add(args: &AddArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut index = open_to_add(&args.index, global)?;
    let entries = reader(&index, &args.index)?;
    let mut stdout = std::io::stdout().lock();
    let mut printed = Ok(());
    let added = index.add(entries, |ids| {
        // Printed once committed: what a caller saw is in the index.
        if !global.quiet && printed.is_ok() {
            printed = ids
                .iter()
                .try_for_each(|id| writeln!(stdout, "added {id}"))
                .and_then(|()| stdout.flush());
        }
    })?;
    printed.context("cannot write to stdout")?;
    tell_added(&added, &args.index, global);
    Ok(Exit::Success)
}

fn run_check(args: &CheckArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let outputs = args.report.prepare(&args.index.inputs)?;
    // Without --add, a check only reads: it may run beside a writer.
    let mut index = if args.add {
        open_to_add(&args.index, global)?
    } else {
        let mut index = Index::open_to_read(&args.index.dir)?;
        index.set_resources(global.threads, global.memory_limit);
        index
    };
    let entries = reader(&index, &args.index)?;
    // Bars as for scan: a check scans the whole index.
    let checked = if !global.quiet && std::io::stderr().is_terminal() {
        let bars = Bars::new();
        let checked = index.check_with_progress(entries, &bars);
        drop(bars);
        checked
    } else {
        index.check(entries)
    }
    .map_err(in_cli_terms)?;
    if !global.quiet {
        let report = &checked.scan.report;
        eprintln!(
            "reprint: {} new articles checked against {} indexed in {}: {} pairs with a new article",
            checked.new_ids.len(),
            report.counts.documents_read - checked.new_ids.len(),
            args.index.dir.display(),
            report.pairs.len()
        );
    }
    args.report.write(outputs, &checked.scan, global)?;
    if args.add {
        // From the checked documents: stdin and pipes cannot be read twice.
        let new = checked
            .new_documents()
            .map(|doc| Ok(reprint::Entry::Document(doc.clone())));
        let added = index.add(new, |_| {})?;
        tell_added(&added, &args.index, global);
    }
    Ok(Exit::Success)
}

fn run_remove(args: &RemoveArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut index = open(&args.dir, global)?;
    let removed = index.remove(&args.ids)?;
    if !global.quiet {
        for id in &removed.removed {
            println!("removed {id}");
        }
    }
    if removed.unknown.is_empty() {
        return Ok(Exit::Success);
    }
    eprintln!(
        "reprint: {} ids not in the index {}: {}",
        removed.unknown.len(),
        args.dir.display(),
        removed.unknown.join(", ")
    );
    Ok(Exit::Error)
}

fn run_evict(args: &EvictArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    // A date or time as a scan reads one; a bare number is Unix seconds.
    let given = match args.before.parse::<i64>() {
        Ok(seconds) => serde_json::Value::from(seconds),
        Err(_) => serde_json::Value::String(args.before.clone()),
    };
    let before = reprint::parse_time(&given).with_context(|| {
        format!(
            "--before {:?} is not a time (RFC 3339, YYYY-MM-DD, \"YYYY-MM-DD HH:MM:SS\" or Unix seconds)",
            args.before
        )
    })?;
    let mut index = open(&args.dir, global)?;
    let field = match (&args.time_field, &index.config().input.time_field) {
        (Some(field), _) => field.clone(),
        (None, TimeField::Named(field)) => field.clone(),
        (None, _) => anyhow::bail!(
            "the index {} was created without --time-field: say which field holds the time (--time-field NAME)",
            args.dir.display()
        ),
    };
    let evicted = index.evict(&field, before)?;
    if !global.quiet {
        for id in &evicted.removed {
            println!("removed {id}");
        }
        eprintln!(
            "reprint: {} articles published before {} removed from {}; {} kept without a readable time in {field:?}",
            evicted.removed.len(),
            args.before,
            args.dir.display(),
            evicted.untimed
        );
    }
    Ok(Exit::Success)
}

fn run_compact(args: &CompactArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut index = open(&args.dir, global)?;
    let before = index.stats()?.postings_bytes;
    index.compact()?;
    let after = index.stats()?.postings_bytes;
    if !global.quiet {
        eprintln!(
            "reprint: postings of {} compacted from {before} to {after} bytes",
            args.dir.display()
        );
    }
    Ok(Exit::Success)
}

fn run_stats(args: &StatsArgs) -> anyhow::Result<Exit> {
    let index = Index::open_to_read(&args.dir)?;
    let stats = index.stats()?;
    let settings = serde_json::to_string_pretty(index.config())?;
    println!("index:     {}", args.dir.display());
    println!("articles:  {}", stats.documents);
    println!("file:      {} bytes", stats.file_bytes);
    println!("postings:  {} bytes", stats.postings_bytes);
    println!("lookups:   {} bytes in memory", stats.lookup_memory_bytes);
    println!("made by:   reprint {}", stats.created_by);
    println!("settings:  {settings}");
    Ok(Exit::Success)
}

/// Says on stderr how many articles an add added, and lists what it
/// skipped (nothing is left out unsaid).
fn tell_added(added: &Added, inputs: &IndexInputs, global: &GlobalArgs) {
    if global.quiet {
        return;
    }
    if !added.skipped.is_empty() {
        eprintln!("reprint: {} input items skipped:", added.skipped.len());
        for item in &added.skipped {
            eprintln!("  {}: {}", item.location, item.reason);
        }
    }
    eprintln!(
        "reprint: {} articles added to {}",
        added.added.len(),
        inputs.dir.display()
    );
}

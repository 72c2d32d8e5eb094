//! The `reprint` binary: parse arguments, dispatch, print errors once, exit.

mod cli;
mod exit;

use std::process::ExitCode;

use clap::Parser;

use cli::{Args, Command};
use exit::Exit;

/// A scan allocates and frees many small buffers from every thread (texts
/// reread, words, sentence terms); mimalloc's per-thread free lists serve
/// them without the system allocator's locking and page returns.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.command {
        Command::Scan(scan) => cli::scan::run(scan, &args.global),
        Command::Dedup(dedup) => cli::dedup::run(dedup, &args.global),
        Command::Compare(compare) => cli::compare::run(compare, &args.global),
        Command::Report(report) => cli::report::run(report, &args.global),
        Command::Eval(eval) => cli::eval::run(eval, &args.global),
        Command::Index(index) => cli::index::run(index, &args.global),
        Command::Serve(serve) => cli::serve::run(serve, &args.global),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(err) if exit::is_broken_pipe(&err) => Exit::Success.into(),
        Err(err) => {
            eprintln!("reprint: error: {err:#}");
            Exit::Error.into()
        }
    }
}

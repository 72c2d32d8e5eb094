//! The `reprint` binary: parse arguments, dispatch, print errors once, exit.

mod cli;
mod exit;

use std::process::ExitCode;

use clap::Parser;

use cli::{Args, Command};
use exit::Exit;

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.command {
        Command::Scan(scan) => cli::scan::run(scan, &args.global),
        Command::Dedup(dedup) => cli::dedup::run(dedup, &args.global),
        Command::Compare(compare) => cli::compare::run(compare, &args.global),
        Command::Eval(eval) => cli::eval::run(eval, &args.global),
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

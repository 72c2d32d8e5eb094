//! `reprint serve`: the HTTP service over an index.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use reprint::index::Index;
use reprint::serve::{serve, Limits};

use super::GlobalArgs;
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The index folder (made with `reprint index create`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Address and port to listen on (port 0: any free port, printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub addr: SocketAddr,
    /// Bytes a request body may hold.
    #[arg(long, default_value_t = Limits::default().max_body_bytes, value_name = "BYTES")]
    pub max_body: usize,
    /// Articles a request may hold.
    #[arg(long, default_value_t = Limits::default().max_documents, value_name = "N")]
    pub max_documents: usize,
    /// Seconds a request may take before it is answered 503 (a write it
    /// started still commits).
    #[arg(long, default_value_t = Limits::default().timeout.as_secs(), value_name = "SECONDS")]
    pub timeout: u64,
}

pub(crate) fn run(args: &ServeArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let mut index = Index::open(&args.dir)?;
    index.set_resources(global.threads, global.memory_limit);
    let limits = Limits {
        max_body_bytes: args.max_body,
        max_documents: args.max_documents,
        timeout: Duration::from_secs(args.timeout),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the service's threads")?;
    let quiet = global.quiet;
    let dir = args.dir.clone();
    runtime
        .block_on(serve(index, args.addr, limits, |bound| {
            if !quiet {
                println!(
                    "reprint: serving the index {} on http://{bound}",
                    dir.display()
                );
            }
        }))
        .with_context(|| format!("cannot serve on {}", args.addr))?;
    if !quiet {
        eprintln!("reprint: stopped; every answered write is in the index");
    }
    Ok(Exit::Success)
}

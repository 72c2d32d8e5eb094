//! Scans a folder of articles (default: the repository's `seeds/`) and prints
//! each listed pair with its verdict, scores and shared passages, then the
//! story clusters: the library's main path in one program.
//!
//! ```text
//! cargo run --example scan_folder -- seeds
//! ```

use std::path::PathBuf;

use reprint::{Config, CorpusReader, Verdict};

fn main() -> Result<(), reprint::Error> {
    let folder = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("seeds"), PathBuf::from);
    let config = Config::default();
    let reader = CorpusReader::open(&[folder], &config.input)?;
    let scan = reprint::run(&config, reader)?;
    let report = &scan.report;

    println!(
        "{} documents scanned, {} skipped, {} pairs listed",
        report.counts.documents_scanned,
        report.counts.documents_skipped,
        report.pairs.len()
    );
    for pair in &report.pairs {
        let scores = &pair.scores;
        print!(
            "{} ~ {}: {} (Jaccard {:.3}",
            scores.a,
            scores.b,
            pair.verdict.name(),
            scores.jaccard
        );
        match (&pair.story, pair.verdict) {
            (Some(story), Verdict::Rewrite) => {
                println!(", story similarity {:.2})", story.similarity)
            }
            _ => println!(")"),
        }
        for passage in &pair.passages {
            println!(
                "    {} words at chars {}..{} of {}, {} words at chars {}..{} of {}",
                passage.a.words,
                passage.a.start_char,
                passage.a.end_char,
                scores.a,
                passage.b.words,
                passage.b.start_char,
                passage.b.end_char,
                scores.b
            );
        }
    }
    for cluster in &report.story_clusters {
        println!("story of {}: {}", cluster.size, cluster.members.join(", "));
    }
    Ok(())
}

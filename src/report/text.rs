//! The terminal summary: short, readable, for a person at a terminal.

use std::io::{self, Write};

use super::{Comparison, PairReport, PairScores, Report};
use crate::config::ShingleUnit;

/// How much of a long report the terminal shows.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Most pairs listed (the JSON report has all).
    pub max_pairs: usize,
    /// Most passages listed per pair.
    pub max_passages: usize,
    /// Most skipped items listed.
    pub max_skipped: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            max_pairs: 20,
            max_passages: 3,
            max_skipped: 10,
        }
    }
}

/// Writes the summary of `report`.
///
/// # Errors
/// The writer's I/O error.
pub fn write_summary(report: &Report, options: TextOptions, mut out: impl Write) -> io::Result<()> {
    let c = &report.counts;
    let p = &report.parameters;
    writeln!(
        out,
        "Documents: {} read, {} scanned, {} skipped",
        c.documents_read, c.documents_scanned, c.documents_skipped
    )?;
    for skipped in report.skipped.iter().take(options.max_skipped) {
        writeln!(out, "  skipped {}: {}", skipped.location, skipped.reason)?;
    }
    if report.skipped.len() > options.max_skipped {
        writeln!(
            out,
            "  ... and {} more (all are listed in the JSON report)",
            report.skipped.len() - options.max_skipped
        )?;
    }
    let unit = shingle_name(report);
    writeln!(
        out,
        "Settings:  {unit} shingles (hash {} seed {}), {} permutations, Jaccard threshold {:.2}",
        p.hash.name, p.hash.seed, p.num_perm, p.threshold
    )?;
    let unused = match p.lsh.unused_permutations {
        0 => String::new(),
        n => format!(", {n} permutations unused"),
    };
    writeln!(
        out,
        "LSH:       {} bands x {} rows ({}{unused}); a pair at Jaccard {:.2} becomes a candidate with probability {:.3}",
        p.lsh.bands, p.lsh.rows, p.lsh.chosen, p.threshold, p.lsh.candidate_probability_at_threshold
    )?;
    let s = &report.run.seconds;
    writeln!(
        out,
        "Time:      read {}, sketch {}, lsh {}, verify {}, cluster {}, align {}; total {} on {} threads",
        duration(s.read),
        duration(s.sketch),
        duration(s.lsh),
        duration(s.verify),
        duration(s.cluster),
        duration(s.align),
        duration(s.total),
        report.run.threads
    )?;
    writeln!(
        out,
        "Results:   {} candidate pairs -> {} verified ({} below threshold) -> {} clusters of {} documents ({} duplicates)",
        c.candidate_pairs, c.verified_pairs, c.rejected_pairs, c.clusters, c.documents_in_clusters, c.duplicates
    )?;
    writeln!(out)?;

    if report.pairs.is_empty() {
        write_near_misses(report, &mut out)?;
    } else {
        write_pairs(report, options, &mut out)?;
        write_clusters(report, options, &mut out)?;
    }
    Ok(())
}

fn shingle_name(report: &Report) -> String {
    let shingle = report.parameters.shingle;
    match shingle.unit {
        ShingleUnit::Words => format!("word {}-gram", shingle.size),
        ShingleUnit::Chars => format!("character {}-gram", shingle.size),
    }
}

fn write_near_misses(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let threshold = report.parameters.threshold;
    if report.counts.documents_scanned < 2 {
        return writeln!(
            out,
            "Nothing to compare: a scan needs at least two documents with words."
        );
    }
    writeln!(
        out,
        "No pair reaches Jaccard {threshold:.2}: no near-duplicates found."
    )?;
    if report.near_misses.is_empty() {
        return writeln!(
            out,
            "No pair came close enough to become an LSH candidate (none shares a band of the signature)."
        );
    }
    writeln!(
        out,
        "Closest pairs (Jaccard of {} sets; containment = share of one document's shingles found in the other):",
        shingle_name(report)
    )?;
    for pair in &report.near_misses {
        writeln!(out, "  {}", scores_line(pair))?;
    }
    let closest = &report.near_misses[0];
    if closest.jaccard < 0.1 {
        writeln!(
            out,
            "Even the closest pair shares only {:.1}% of its shingles: these texts were written independently \
             (they may still report the same events in their own words).",
            100.0 * closest.containment_a_in_b.max(closest.containment_b_in_a)
        )?;
    }
    Ok(())
}

fn scores_line(s: &PairScores) -> String {
    format!(
        "{:.4}  {} ~ {}  (containment {:.1}% / {:.1}%, {} shared {})",
        s.jaccard,
        s.a,
        s.b,
        100.0 * s.containment_a_in_b,
        100.0 * s.containment_b_in_a,
        s.shared_shingles,
        if s.shared_shingles == 1 {
            "shingle"
        } else {
            "shingles"
        }
    )
}

fn write_pairs(report: &Report, options: TextOptions, out: &mut impl Write) -> io::Result<()> {
    let total = report.pairs.len();
    let shown = total.min(options.max_pairs);
    let more = if shown < total {
        format!(" (showing {shown}; the JSON report has all)")
    } else {
        String::new()
    };
    writeln!(out, "Near-duplicate pairs: {total}{more}")?;
    for (i, pair) in report.pairs.iter().take(shown).enumerate() {
        write_pair(i + 1, pair, options, out)?;
    }
    writeln!(out)
}

fn write_pair(
    number: usize,
    pair: &PairReport,
    options: TextOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    let s = &pair.scores;
    writeln!(
        out,
        "{number:>3}. {} ~ {}: Jaccard {:.3} (estimate {:.3}); {}",
        s.a,
        s.b,
        s.jaccard,
        s.estimated_jaccard,
        containment(s)
    )?;
    let words: usize = pair.passages.iter().map(|p| p.a.words).sum();
    writeln!(
        out,
        "     {} shared passages, {words} words",
        pair.passages.len()
    )?;
    for passage in pair.passages.iter().take(options.max_passages) {
        writeln!(
            out,
            "     - {} words, chars {}..{} ~ {}..{}: \"{}\"",
            passage.a.words,
            passage.a.start_char,
            passage.a.end_char,
            passage.b.start_char,
            passage.b.end_char,
            excerpt(&passage.a.text, 90)
        )?;
    }
    if pair.passages.len() > options.max_passages {
        writeln!(
            out,
            "     - ... {} more",
            pair.passages.len() - options.max_passages
        )?;
    }
    Ok(())
}

fn write_clusters(report: &Report, options: TextOptions, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "Duplicate clusters: {}", report.clusters.len())?;
    for cluster in report.clusters.iter().take(options.max_pairs) {
        let members = cluster
            .members
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if cluster.size > 8 {
            format!(", ... {} more", cluster.size - 8)
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {} documents, keep {}: {members}{more}",
            cluster.size, cluster.representative
        )?;
    }
    Ok(())
}

/// Seconds as "1.25 s", or "3.4 ms" below one second.
fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{:.1} ms", seconds * 1000.0)
    }
}

/// "x% of A is in B, y% of B is in A".
fn containment(s: &PairScores) -> String {
    format!(
        "{:.1}% of {} is in {}, {:.1}% of {} is in {}",
        100.0 * s.containment_a_in_b,
        s.a,
        s.b,
        100.0 * s.containment_b_in_a,
        s.b,
        s.a
    )
}

/// Writes the result of `compare`: scores, then every shared passage from both sides.
///
/// # Errors
/// The writer's I/O error.
pub fn write_comparison(c: &Comparison, mut out: impl Write) -> io::Result<()> {
    let s = &c.pair.scores;
    let unit = match c.shingle.unit {
        ShingleUnit::Words => "word",
        ShingleUnit::Chars => "character",
    };
    writeln!(out, "{} ~ {}", s.a, s.b)?;
    writeln!(
        out,
        "Jaccard {:.4} (MinHash estimate {:.4}); {unit} {}-gram shingles: {} in {}, {} in {}, {} shared",
        s.jaccard, s.estimated_jaccard, c.shingle.size, s.shingles_a, s.a, s.shingles_b, s.b, s.shared_shingles
    )?;
    writeln!(out, "Containment: {}", containment(s))?;
    let words: usize = c.pair.passages.iter().map(|p| p.a.words).sum();
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
            p.a.words,
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

/// One line of at most about `max_chars` characters: whitespace collapsed, the
/// middle elided.
fn excerpt(text: &str, max_chars: usize) -> String {
    let flat: Vec<char> = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    if flat.len() <= max_chars {
        return flat.into_iter().collect();
    }
    let head: String = flat[..max_chars * 2 / 3].iter().collect();
    let tail: String = flat[flat.len() - max_chars / 3..].iter().collect();
    format!("{head} ... {tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_keeps_short_text_and_elides_long() {
        assert_eq!(excerpt("a  b\nc", 10), "a b c");
        let long = "word ".repeat(100);
        let e = excerpt(&long, 30);
        assert!(e.contains(" ... ") && e.chars().count() < 40, "{e}");
    }

    #[test]
    fn durations_read_at_both_scales() {
        assert_eq!(duration(0.0034), "3.4 ms");
        assert_eq!(duration(12.5), "12.50 s");
    }
}

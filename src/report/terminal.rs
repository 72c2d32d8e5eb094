//! The terminal summary: short, readable, for a person at a terminal.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::{Comparison, PairReport, PairScores, Report};
use crate::config::ShingleUnit;
use crate::grade::{Containment, Verdict};
use crate::overlap::{RECURRING_MIN_DOCUMENTS, RECURRING_SPAN_DAYS};
use crate::story::evidence::SharedEvidence;

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
    write_documents(report, options, &mut out)?;
    write_settings(report, &mut out)?;
    write_counts(report, &mut out)?;
    write_left_out(report, &mut out)?;
    writeln!(out)?;

    if report.pairs.is_empty() {
        write_near_misses(report, &mut out)?;
    } else {
        write_pairs(report, options, &mut out)?;
        write_clusters(report, options, &mut out)?;
        write_story_clusters(report, options, &mut out)?;
    }
    Ok(())
}

/// Documents read, scanned and skipped, with the first skipped listed.
fn write_documents(report: &Report, options: TextOptions, out: &mut impl Write) -> io::Result<()> {
    let c = &report.counts;
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
    Ok(())
}

/// The settings in force, the banding and the time per stage.
fn write_settings(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let p = &report.parameters;
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
    if let Some(field) = &p.time_field {
        let how = if p.time_field_detected {
            "found among the usual names; --time-field to name another, --no-time to ignore"
        } else {
            "--time-field"
        };
        writeln!(
            out,
            "Dates:     publication times from field {field:?} ({how})"
        )?;
    }
    let s = &report.run.seconds;
    writeln!(
        out,
        "Time:      read {}, sketch {}, lsh {}, overlap {}, story {}, prepare {}, verify {}, cluster {}, align {}; total {} on {} threads",
        duration(s.read),
        duration(s.sketch),
        duration(s.lsh),
        duration(s.overlap),
        duration(s.story),
        duration(s.prepare),
        duration(s.verify),
        duration(s.cluster),
        duration(s.align),
        duration(s.total),
        report.run.threads
    )?;
    Ok(())
}

/// Candidates, verdicts, clusters and story clusters.
fn write_counts(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let c = &report.counts;
    let p = &report.parameters;
    let (story, story_rejected) = if p.story_background.is_some() {
        (
            format!(", {} by story terms", c.story_candidates),
            format!(", {} below the story threshold", c.story_rejected),
        )
    } else {
        (String::new(), String::new())
    };
    writeln!(
        out,
        "Candidates: {} pairs ({} by MinHash, {} by shared passages, {} by both{story}); {} below the threshold without reuse{story_rejected}",
        c.candidate_pairs, c.minhash_candidates, c.overlap_candidates, c.found_by_both, c.rejected_pairs
    )?;
    writeln!(
        out,
        "Verdicts:  {} duplicate, {} near-duplicate, {} partial reuse, {} rewrite; {} of {} documents ({} duplicates)",
        c.duplicate_pairs, c.near_duplicate_pairs, c.partial_reuse_pairs, c.rewrite_pairs,
        count(c.clusters, "cluster"), c.documents_in_clusters, c.duplicates
    )?;
    if c.copies > 0 || c.pairs_not_listed > 0 {
        writeln!(
            out,
            "Implied:   {} documents have the signature of an earlier one and take its pairs (listed for groups of up to 16); {} pairs implied but not listed (inside duplicate clusters, and of larger groups' copies)",
            c.copies, c.pairs_not_listed
        )?;
    }
    if let Some(background) = &p.story_background {
        let in_stories: usize = report.story_clusters.iter().map(|s| s.size).sum();
        writeln!(
            out,
            "Stories:   {} of {in_stories} documents; story threshold {:.2} with {:.2} of the story passage's names and numbers shared, background model {background}",
            count(c.story_clusters, "story cluster"), p.grade.story_threshold, p.grade.min_passage_specifics
        )?;
    }
    Ok(())
}

/// What was left out and why, and documents without a readable time.
fn write_left_out(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let p = &report.parameters;
    let sup = &report.suppressed;
    let mut left_out = Vec::new();
    if sup.boilerplate_fingerprints > 0 {
        left_out.push(format!(
            "{} boilerplate fingerprints (text in more than {} documents)",
            sup.boilerplate_fingerprints, p.overlap.max_df
        ));
    }
    if sup.recurring_fingerprints > 0 {
        left_out.push(format!(
            "{} recurring-text fingerprints (in {}+ documents more than {} days apart)",
            sup.recurring_fingerprints, RECURRING_MIN_DOCUMENTS, RECURRING_SPAN_DAYS
        ));
    }
    if sup.crowded_lsh_buckets > 0 {
        left_out.push(format!(
            "{} candidate pairs of {} crowded LSH buckets (over 100 documents agreeing on one band: each paired with the bucket's first only)",
            sup.crowded_bucket_pairs, sup.crowded_lsh_buckets
        ));
    }
    for (n, what) in [
        (
            sup.boilerplate_templates,
            "boilerplate template fingerprints (formulas with other names and numbers)",
        ),
        (sup.ignored_phrase_occurrences, "ignored-phrase occurrences"),
        (
            sup.overlap_pairs_too_small,
            "overlap candidates too small to be reuse",
        ),
        (sup.boilerplate_passages, "boilerplate passages"),
        (
            sup.pairs_without_reuse,
            "pairs with only incidental overlap",
        ),
        (
            sup.pairs_with_repetitive_text,
            "pairs with repetitive text not aligned",
        ),
        (
            sup.stories_without_specifics,
            "pairs on one topic without the same names and numbers (not rewrites)",
        ),
        (
            sup.stories_far_apart,
            "pairs on one story too far apart in time (not rewrites)",
        ),
        (
            sup.recurring_reports,
            "pairs telling the same sentences with other figures (recurring reports, not reuse or rewrites)",
        ),
        (
            sup.stories_with_other_amounts,
            "pairs on one topic giving other amounts (not rewrites)",
        ),
    ] {
        if n > 0 {
            left_out.push(format!("{n} {what}"));
        }
    }
    if !left_out.is_empty() {
        writeln!(out, "Left out:  {}", left_out.join(", "))?;
    }
    if let Some(field) = &p.time_field {
        if sup.documents_without_time > 0 {
            writeln!(
                out,
                "Warning:   {} documents have no readable {field:?} time; their pairs name no likely source and are dated by their datelines only",
                sup.documents_without_time
            )?;
        }
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
        "No pair reaches Jaccard {threshold:.2} or shares reused passages: no near-duplicates or reuse found."
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
    writeln!(out, "Pairs: {total}{more}")?;
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
    let story = match (&pair.story, pair.verdict) {
        (Some(story), Verdict::Rewrite) => format!(
            "story similarity {:.2} (weighted word overlap {:.2}, best passage {:.2}, its names and numbers shared {:.2}), ",
            story.similarity, story.cosine, story.passage_containment, story.passage_specifics
        ),
        _ => String::new(),
    };
    writeln!(
        out,
        "{number:>3}. [{}] {} ~ {}: {story}Jaccard {:.3} (estimate {:.3}), found by {}",
        verdict_name(pair.verdict),
        s.a,
        s.b,
        s.jaccard,
        s.estimated_jaccard,
        pair.found_by.join(" + ")
    )?;
    if let Some(shared) = pair.story.as_ref().and_then(|s| s.shared.as_ref()) {
        for line in evidence_lines(shared) {
            writeln!(out, "     {line}")?;
        }
    }
    writeln!(out, "     {}", reuse_line(pair))?;
    for passage in pair.passages.iter().take(options.max_passages) {
        writeln!(
            out,
            "     - {} words, chars {}..{} ~ {}..{}{}: \"{}\"",
            passage.a.words,
            passage.a.start_char,
            passage.a.end_char,
            passage.b.start_char,
            passage.b.end_char,
            if passage.boilerplate {
                " (boilerplate)"
            } else {
                ""
            },
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

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Duplicate => "duplicate",
        Verdict::NearDuplicate => "near-duplicate",
        Verdict::PartialReuse => "partial reuse",
        Verdict::Rewrite => "rewrite (same story)",
        Verdict::Unrelated => "unrelated",
    }
}

/// "2 passages, 120 words: 35% of a, 8% of b; a sits inside b; likely source a".
fn reuse_line(pair: &PairReport) -> String {
    let (s, r) = (&pair.scores, &pair.reuse);
    let count = pair.passages.iter().filter(|p| !p.boilerplate).count();
    let mut line = format!(
        "{count} reused {} ({} words of {}, {:.0}%; {} words of {}, {:.0}%)",
        if count == 1 { "passage" } else { "passages" },
        r.words_a,
        s.a,
        100.0 * r.share_a,
        r.words_b,
        s.b,
        100.0 * r.share_b
    );
    match r.containment {
        Containment::AInB => line += &format!("; {} sits inside {}", s.a, s.b),
        Containment::BInA => line += &format!("; {} sits inside {}", s.b, s.a),
        Containment::Mutual | Containment::None => {}
    }
    if let Some(source) = &r.likely_source {
        line += &format!("; likely source: {source} (published first)");
    }
    line
}

fn write_clusters(report: &Report, options: TextOptions, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "Duplicate clusters: {}", report.clusters.len())?;
    for cluster in report.clusters.iter().take(options.max_pairs) {
        writeln!(
            out,
            "  {} documents, keep {}: {}",
            cluster.size,
            cluster.representative,
            member_list(&cluster.members)
        )?;
    }
    Ok(())
}

/// The first eight members, then how many more.
fn member_list(members: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut list = members[..members.len().min(SHOWN)].join(", ");
    if members.len() > SHOWN {
        list += &format!(", ... {} more", members.len() - SHOWN);
    }
    list
}

/// "shared names: ...", "shared numbers: ..." and so on, one line per kind
/// that has entries.
fn evidence_lines(shared: &SharedEvidence) -> Vec<String> {
    let quoted: Vec<String> = shared.quotes.iter().map(|q| format!("\"{q}\"")).collect();
    [
        ("names", &shared.names),
        ("numbers", &shared.numbers),
        ("quotes", &quoted),
        ("terms", &shared.terms),
    ]
    .into_iter()
    .filter(|(_, listed)| !listed.is_empty())
    .map(|(kind, listed)| format!("shared {kind}: {}", listed.join(", ")))
    .collect()
}

fn write_story_clusters(
    report: &Report,
    options: TextOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    if report.parameters.story_background.is_none() {
        return Ok(());
    }
    writeln!(out, "Story clusters: {}", report.story_clusters.len())?;
    for cluster in report.story_clusters.iter().take(options.max_pairs) {
        writeln!(
            out,
            "  {} documents (weakest link {:.2}; {:.0}% of member pairs reach the threshold): {}",
            cluster.size,
            cluster.weakest_link,
            100.0 * cluster.linked_share,
            member_list(&cluster.members)
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

/// Writes the result of `compare`: scores and verdict, then every shared passage
/// with both sides next to each other, in columns `width` characters wide in all.
///
/// # Errors
/// The writer's I/O error.
pub fn write_comparison(c: &Comparison, width: usize, mut out: impl Write) -> io::Result<()> {
    let s = &c.pair.scores;
    let unit = match c.shingle.unit {
        ShingleUnit::Words => "word",
        ShingleUnit::Chars => "character",
    };
    writeln!(out, "{} ~ {}: {}", s.a, s.b, verdict_name(c.pair.verdict))?;
    writeln!(
        out,
        "Jaccard {:.4} (MinHash estimate {:.4}); {unit} {}-gram shingles: {} in {}, {} in {}, {} shared",
        s.jaccard, s.estimated_jaccard, c.shingle.size, s.shingles_a, s.a, s.shingles_b, s.b, s.shared_shingles
    )?;
    writeln!(out, "Containment: {}", containment(s))?;
    writeln!(out, "Reuse: {}", reuse_line(&c.pair))?;
    writeln!(
        out,
        "Shared passages of at least {} words (gaps up to {} words joined): {}",
        c.align.min_passage_words,
        c.align.max_gap_words,
        c.pair.passages.len()
    )?;
    let column = width.saturating_sub(3).max(20) / 2;
    for (i, p) in c.pair.passages.iter().enumerate() {
        writeln!(out)?;
        writeln!(
            out,
            "{:>3}. similarity {:.2}{}",
            i + 1,
            p.similarity,
            if p.boilerplate { ", boilerplate" } else { "" }
        )?;
        let heading = |id: &str, side: &crate::align::PassageSide| {
            format!(
                "{id}: chars {}..{}, {} words",
                side.start_char, side.end_char, side.words
            )
        };
        let left = wrap(&heading(&s.a, &p.a), column);
        let right = wrap(&heading(&s.b, &p.b), column);
        write_columns(&left, &right, column, &mut out)?;
        write_columns(
            &wrap(&p.a.text, column),
            &wrap(&p.b.text, column),
            column,
            &mut out,
        )?;
    }
    Ok(())
}

fn write_columns(
    left: &[String],
    right: &[String],
    column: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    for row in 0..left.len().max(right.len()) {
        let l = left.get(row).map_or("", String::as_str);
        let r = right.get(row).map_or("", String::as_str);
        let pad = column.saturating_sub(UnicodeWidthStr::width(l));
        writeln!(out, "{l}{} | {r}", " ".repeat(pad))?;
    }
    Ok(())
}

/// Word-wraps text (whitespace collapsed) into lines at most `width`
/// terminal columns wide (a wide character takes two); a longer word is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let options = textwrap::Options::new(width.max(1)).break_words(true);
    textwrap::wrap(&flat, options)
        .into_iter()
        .map(|line| line.into_owned())
        .filter(|line| !line.is_empty())
        .collect()
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

/// "1 cluster", "2 clusters".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
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
    fn wrap_fills_lines_and_cuts_long_words() {
        assert_eq!(wrap("a bb  ccc\ndd", 6), ["a bb", "ccc dd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert!(wrap("", 5).is_empty());
    }

    #[test]
    fn wide_characters_take_two_columns() {
        for line in wrap("日本語で書いた長い文です", 6) {
            assert!(UnicodeWidthStr::width(line.as_str()) <= 6, "{line}");
        }
        let mut out = Vec::new();
        write_columns(&["日本".to_string()], &["x".to_string()], 6, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "日本   | x\n");
    }

    #[test]
    fn durations_read_at_both_scales() {
        assert_eq!(duration(0.0034), "3.4 ms");
        assert_eq!(duration(12.5), "12.50 s");
    }
}

//! The report's pairs one per line: CSV for spreadsheets, JSON Lines for
//! pipelines.
//!
//! Input: a [`Report`]. Output: its pairs, in report order (strongest verdict
//! first). Clusters, counts and settings are only in the full JSON report.
//!
//! A JSON line is the pair exactly as the full report's `pairs[]` holds it. A
//! CSV row flattens what a table can hold: the ids, verdict, scores, passage
//! count and covered shares; the passages themselves and the story evidence
//! need the JSON.

use std::io::Write;

use serde::Serialize;

use super::{PairReport, Report};
use crate::grade::{Containment, Verdict};

/// One CSV row; the field names are the header.
#[derive(Serialize)]
struct PairRow<'r> {
    a: &'r str,
    b: &'r str,
    verdict: Verdict,
    jaccard: f64,
    estimated_jaccard: f64,
    containment_a_in_b: f64,
    containment_b_in_a: f64,
    /// Empty when the story stage is off.
    story_similarity: Option<f64>,
    passages: usize,
    reuse_words_a: usize,
    reuse_words_b: usize,
    reuse_share_a: f64,
    reuse_share_b: f64,
    direction: Containment,
    /// Empty without a time field.
    likely_source: Option<&'r str>,
    /// The candidate stages, joined by `+`.
    found_by: String,
}

impl<'r> PairRow<'r> {
    fn of(pair: &'r PairReport) -> Self {
        let s = &pair.scores;
        PairRow {
            a: &s.a,
            b: &s.b,
            verdict: pair.verdict,
            jaccard: s.jaccard,
            estimated_jaccard: s.estimated_jaccard,
            containment_a_in_b: s.containment_a_in_b,
            containment_b_in_a: s.containment_b_in_a,
            story_similarity: pair.story.as_ref().map(|story| story.similarity),
            passages: pair.passages.len(),
            reuse_words_a: pair.reuse.words_a,
            reuse_words_b: pair.reuse.words_b,
            reuse_share_a: pair.reuse.share_a,
            reuse_share_b: pair.reuse.share_b,
            direction: pair.reuse.containment,
            likely_source: pair.reuse.likely_source.as_deref(),
            found_by: pair.found_by.join("+"),
        }
    }
}

/// Writes the report's pairs as CSV, with a header row.
///
/// # Errors
/// The writer's I/O error.
pub fn write_csv(report: &Report, out: impl Write) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    if report.pairs.is_empty() {
        // The header alone, so that an empty result still names its columns.
        writer.write_record(CSV_COLUMNS)?;
    }
    for pair in &report.pairs {
        writer.serialize(PairRow::of(pair))?;
    }
    writer.flush()
}

/// The CSV header ([`PairRow`]'s fields, in order).
const CSV_COLUMNS: [&str; 16] = [
    "a",
    "b",
    "verdict",
    "jaccard",
    "estimated_jaccard",
    "containment_a_in_b",
    "containment_b_in_a",
    "story_similarity",
    "passages",
    "reuse_words_a",
    "reuse_words_b",
    "reuse_share_a",
    "reuse_share_b",
    "direction",
    "likely_source",
    "found_by",
];

/// Writes the report's pairs as JSON Lines: one compact object per line.
///
/// # Errors
/// The writer's I/O error.
pub fn write_jsonl(report: &Report, mut out: impl Write) -> std::io::Result<()> {
    for pair in &report.pairs {
        serde_json::to_writer(&mut out, pair)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::input::{Document, Entry};

    fn report() -> Report {
        let base = "The council approved the new budget for the harbour district after a long \
            debate about ferries, parking and the fish market, which traders say has lost \
            half its customers since the bridge closed for repairs last spring.";
        let texts = [
            base.to_string(),
            format!("{base} Officials said more talks would follow."),
            "A completely different article about mountain weather, snow on the passes and \
            closed roads in the north of the valley this weekend."
                .to_string(),
        ];
        let entries = texts.iter().enumerate().map(|(i, t)| {
            Ok(Entry::Document(Document::new(
                format!("doc,{i}"),
                t.clone(),
            )))
        });
        crate::run(&Config::default(), entries).unwrap().report
    }

    #[test]
    fn csv_has_a_row_per_pair_under_the_header() {
        let report = report();
        assert!(!report.pairs.is_empty());
        let mut out = Vec::new();
        write_csv(&report, &mut out).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, CSV_COLUMNS);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), report.pairs.len());
        for (row, pair) in rows.iter().zip(&report.pairs) {
            // Ids with commas are quoted, not split.
            assert_eq!(&row[0], pair.scores.a);
            assert_eq!(&row[1], pair.scores.b);
            let verdict = serde_json::to_value(pair.verdict).unwrap();
            assert_eq!(&row[2], verdict.as_str().unwrap());
            assert_eq!(row[3].parse::<f64>().unwrap(), pair.scores.jaccard);
            assert_eq!(row[8].parse::<usize>().unwrap(), pair.passages.len());
        }
    }

    #[test]
    fn an_empty_report_still_names_its_columns() {
        let mut report = report();
        report.pairs.clear();
        let mut out = Vec::new();
        write_csv(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap().trim(),
            CSV_COLUMNS.join(",")
        );
        let mut lines = Vec::new();
        write_jsonl(&report, &mut lines).unwrap();
        assert!(lines.is_empty());
    }

    #[test]
    fn each_json_line_is_the_pair_of_the_full_report() {
        let report = report();
        let mut out = Vec::new();
        write_jsonl(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), report.pairs.len());
        // Both parsed from text, so that floats round alike.
        let mut json = Vec::new();
        super::super::json::write_json(&report, &mut json).unwrap();
        let full: serde_json::Value = serde_json::from_slice(&json).unwrap();
        for (line, pair) in lines.iter().zip(full["pairs"].as_array().unwrap()) {
            let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(&parsed, pair);
        }
    }
}

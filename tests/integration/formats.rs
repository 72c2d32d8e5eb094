//! The JSON report parsed into strict test-side structs: a field added, renamed or
//! removed without updating these (and the documentation) fails here.

#![allow(dead_code)] // fields exist to be checked by deserialization

use serde::Deserialize;

use crate::util::{entries, small_corpus};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    format_version: u32,
    tool: Tool,
    parameters: Parameters,
    counts: Counts,
    skipped: Vec<Skipped>,
    pairs: Vec<Pair>,
    clusters: Vec<Cluster>,
    near_misses: Vec<Scores>,
    run: Run,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tool {
    name: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Parameters {
    shingle: Shingle,
    hash: Hash,
    num_perm: usize,
    threshold: f64,
    lsh: Lsh,
    min_passage_words: usize,
    keep: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shingle {
    unit: String,
    size: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hash {
    name: String,
    seed: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Lsh {
    bands: usize,
    rows: usize,
    chosen: String,
    unused_permutations: usize,
    candidate_probability_at_threshold: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Counts {
    documents_read: usize,
    documents_skipped: usize,
    documents_scanned: usize,
    candidate_pairs: usize,
    verified_pairs: usize,
    rejected_pairs: usize,
    clusters: usize,
    documents_in_clusters: usize,
    duplicates: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Skipped {
    location: String,
    id: Option<String>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scores {
    a: String,
    b: String,
    jaccard: f64,
    estimated_jaccard: f64,
    containment_a_in_b: f64,
    containment_b_in_a: f64,
    shingles_a: usize,
    shingles_b: usize,
    shared_shingles: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    a: String,
    b: String,
    jaccard: f64,
    estimated_jaccard: f64,
    containment_a_in_b: f64,
    containment_b_in_a: f64,
    shingles_a: usize,
    shingles_b: usize,
    shared_shingles: usize,
    passages: Vec<Passage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Passage {
    a: Side,
    b: Side,
    words: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Side {
    start_byte: usize,
    end_byte: usize,
    start_char: usize,
    end_char: usize,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cluster {
    size: usize,
    representative: String,
    members: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Run {
    threads: usize,
    seconds: Seconds,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seconds {
    read: f64,
    sketch: f64,
    lsh: f64,
    verify: f64,
    cluster: f64,
    align: f64,
    total: f64,
}

fn sample_report() -> reprint::Report {
    let mut input = entries(&small_corpus(200, 3));
    input.push(Ok(reprint::Entry::Skipped(reprint::Skipped {
        location: "x.jsonl, line 9".into(),
        id: None,
        reason: "malformed JSON".into(),
    })));
    reprint::run(&reprint::Config::default(), input)
        .unwrap()
        .report
}

#[test]
fn report_matches_the_documented_format() {
    let report = sample_report();
    let mut json = Vec::new();
    reprint::report::json::write_json(&report, &mut json).unwrap();
    let parsed: Report = serde_json::from_slice(&json).unwrap();
    assert_eq!(parsed.format_version, 1);
    assert_eq!(parsed.counts.verified_pairs, parsed.pairs.len());
    assert_eq!(
        parsed.counts.candidate_pairs,
        parsed.counts.verified_pairs + parsed.counts.rejected_pairs
    );
    assert_eq!(
        parsed.counts.documents_read,
        parsed.counts.documents_scanned + parsed.counts.documents_skipped
    );
    assert_eq!(parsed.skipped.len(), 1);
    assert!(!parsed.pairs.is_empty() && !parsed.clusters.is_empty());
    assert!(parsed.pairs.iter().all(|p| !p.passages.is_empty()));
}

/// Every key the report emits appears in the field table of `report/json.rs`.
#[test]
fn every_field_is_documented() {
    let docs = include_str!("../../src/report/json.rs");
    let value = serde_json::to_value(sample_report()).unwrap();
    let mut keys = Vec::new();
    collect_keys(&value, &mut keys);
    keys.sort();
    keys.dedup();
    for key in keys {
        assert!(
            docs.contains(&format!("`{key}"))
                || docs.contains(&format!(".{key}"))
                || docs.contains(&format!("`{key}`")),
            "field {key:?} is not documented in src/report/json.rs"
        );
    }
}

fn collect_keys(value: &serde_json::Value, keys: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                keys.push(k.clone());
                collect_keys(v, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

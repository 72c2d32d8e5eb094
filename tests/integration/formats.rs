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
    suppressed: Suppressed,
    pairs: Vec<Pair>,
    clusters: Vec<Cluster>,
    story_clusters: Vec<StoryCluster>,
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
    keep: String,
    align: Align,
    overlap: Overlap,
    grade: Grade,
    time_field: Option<String>,
    time_field_detected: bool,
    story_background: Option<String>,
    story_cluster_threshold: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Align {
    min_passage_words: usize,
    max_gap_words: usize,
    min_sentence_cosine: f64,
    min_sentence_dice: f64,
    min_fragment_similarity: f64,
    anchored: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Overlap {
    enabled: bool,
    k: usize,
    window: usize,
    max_df: usize,
    ignored_phrases: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Grade {
    duplicate_threshold: f64,
    min_reuse_words: usize,
    min_reuse_share: f64,
    story_threshold: f64,
    min_passage_specifics: f64,
    story_window_days: u32,
    story_threshold_outside_window: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Suppressed {
    boilerplate_fingerprints: u64,
    recurring_fingerprints: u64,
    boilerplate_pair_emissions: u64,
    ignored_phrase_occurrences: usize,
    overlap_pairs_too_small: usize,
    boilerplate_passages: usize,
    pairs_without_reuse: usize,
    pairs_with_repetitive_text: usize,
    documents_without_time: usize,
    boilerplate_templates: usize,
    stories_without_specifics: usize,
    stories_far_apart: usize,
    recurring_reports: usize,
    stories_with_other_amounts: usize,
    crowded_lsh_buckets: usize,
    crowded_bucket_pairs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reuse {
    words_a: usize,
    words_b: usize,
    share_a: f64,
    share_b: f64,
    containment: String,
    likely_source: Option<String>,
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
    minhash_candidates: usize,
    overlap_candidates: usize,
    found_by_both: usize,
    verified_pairs: usize,
    rejected_pairs: usize,
    aligned_pairs: usize,
    duplicate_pairs: usize,
    near_duplicate_pairs: usize,
    partial_reuse_pairs: usize,
    rewrite_pairs: usize,
    story_candidates: usize,
    story_rejected: usize,
    story_clusters: usize,
    clusters: usize,
    documents_in_clusters: usize,
    duplicates: usize,
    copies: usize,
    pairs_not_listed: u64,
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
    verdict: String,
    found_by: Vec<String>,
    reuse: Reuse,
    passages: Vec<Passage>,
    story: Option<Story>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Story {
    similarity: f64,
    cosine: f64,
    passage_containment: f64,
    passage_specifics: f64,
    specifics_cosine: f64,
    days_apart: Option<u32>,
    figures_same: u32,
    figures_other: u32,
    passage: Option<StoryPassage>,
    shared: Option<Shared>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoryPassage {
    side: String,
    start_byte: usize,
    end_byte: usize,
    start_char: usize,
    end_char: usize,
    words: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    names: Vec<String>,
    numbers: Vec<String>,
    quotes: Vec<String>,
    terms: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoryCluster {
    size: usize,
    members: Vec<String>,
    weakest_link: f64,
    linked_share: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Passage {
    a: Side,
    b: Side,
    similarity: f64,
    boilerplate: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Side {
    start_byte: usize,
    end_byte: usize,
    start_char: usize,
    end_char: usize,
    words: usize,
    verbatim_words: usize,
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
    spilled_bytes: u64,
    peak_memory_bytes: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seconds {
    read: f64,
    sketch: f64,
    lsh: f64,
    overlap: f64,
    story: f64,
    prepare: f64,
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
    let c = &parsed.counts;
    assert_eq!(parsed.format_version, 7);
    assert_eq!(
        c.duplicate_pairs + c.near_duplicate_pairs + c.partial_reuse_pairs + c.rewrite_pairs,
        parsed.pairs.len()
    );
    assert_eq!(c.duplicate_pairs + c.near_duplicate_pairs, c.verified_pairs);
    assert_eq!(
        c.candidate_pairs,
        c.aligned_pairs + c.rejected_pairs + c.story_rejected
    );
    // The story stage's pairs add to those of MinHash and the overlap stage.
    let without_story = c.minhash_candidates + c.overlap_candidates - c.found_by_both;
    assert!(without_story <= c.candidate_pairs, "{without_story}");
    assert!(c.candidate_pairs <= without_story + c.story_candidates);
    assert_eq!(c.story_clusters, parsed.story_clusters.len());
    for pair in &parsed.pairs {
        let story = pair
            .story
            .as_ref()
            .expect("the story stage is on by default");
        assert_eq!(story.shared.is_some(), pair.verdict == "rewrite");
    }
    assert_eq!(
        c.aligned_pairs,
        parsed.pairs.len() + parsed.suppressed.pairs_without_reuse
    );
    assert_eq!(
        parsed.counts.documents_read,
        parsed.counts.documents_scanned + parsed.counts.documents_skipped
    );
    assert_eq!(parsed.skipped.len(), 1);
    assert!(!parsed.pairs.is_empty() && !parsed.clusters.is_empty());
    // Every pair but a rewrite (same story, own words) shares passages.
    assert!(parsed
        .pairs
        .iter()
        .all(|p| !p.passages.is_empty() || p.verdict == "rewrite"));
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

//! The JSON report: one JSON object, written by [`write_json`] and read back
//! by [`read_json`].
//!
//! # Format (`format_version` 7)
//!
//! Offsets are 0-based and end-exclusive. Byte offsets index the UTF-8 original
//! text; character offsets count Unicode scalar values (a Python `str` index).
//! Scores are in `[0, 1]`. All ids are the user's document ids. Arrays are in a
//! fixed order, so two runs with the same input and settings give byte-identical
//! reports except for the `run` object. Version 2 added verdicts, the
//! partial-overlap stage, reuse shares and boilerplate; version 3 the story
//! stage (the `rewrite` verdict, `pairs[].story`, `story_clusters`) and
//! renamed the verdict `none` to `unrelated`; version 4 gave every setting
//! one name in the CLI, the config and the report: `parameters.align.min_passage_tokens`
//! became `.min_passage_words` (`--min-passage-words`), `.max_gap_tokens`
//! became `.max_gap_words` (`--max-gap-words`), `parameters.grade.min_story_similarity`
//! became `.story_threshold` (`--story-threshold`), and the copy
//! `parameters.min_passage_words` was dropped; it also added the rewrite
//! rule's evidence (`pairs[].story.passage_specifics`, `.days_apart`,
//! `parameters.grade.min_passage_specifics`, `.story_window_days`,
//! `.story_threshold_outside_window`), the story clusters' own threshold
//! (`parameters.story_cluster_threshold`) and what was demoted or left out
//! (`suppressed.stories_without_specifics`, `.stories_far_apart`,
//! `.boilerplate_templates`). Version 5 reads publication times from a field
//! with a usual name unless told otherwise (`parameters.time_field_detected`),
//! makes `pairs[].story.days_apart` the larger of what times and datelines
//! say (it was times, or else datelines), and adds the figures of sentences
//! told alike (`pairs[].story.figures_same`, `.figures_other`,
//! `suppressed.recurring_reports`), which demote partial reuse and rewrites,
//! adds `pairs[].story.specifics_cosine`, makes story clusters link on
//! its mean with `story.similarity`, and adds recurring text to the
//! boilerplate (`suppressed.recurring_fingerprints`). Version 6 groups
//! documents with equal signatures before the candidate stages
//! (`counts.copies`): a group of at most 16 lists every pair as before, a
//! larger one lists each copy with its first only, its other pairs implied
//! and counted with the pairs of duplicate clusters not checked one by one
//! (`counts.pairs_not_listed`); an LSH bucket of more than 100 documents
//! pairs each with its first only (`suppressed.crowded_lsh_buckets`,
//! `.crowded_bucket_pairs`); story clusters count a duplicate cluster as one
//! account. Version 7 builds the passage of a near copy from its identical
//! runs alone (runs covering at least 80% of both texts and chaining, across
//! gaps of at most `align.max_gap_words`, into one passage): that passage ends
//! where the runs end, and its `similarity` is its verbatim share; it adds
//! `run.spilled_bytes`, `run.peak_memory_bytes` and `run.seconds.story`.
//!
//! | field | meaning |
//! |---|---|
//! | `format_version` | 6; bumped on any incompatible change |
//! | `tool.name`, `tool.version` | `reprint` and its version |
//! | `parameters.shingle.unit` | `words` or `chars` |
//! | `parameters.shingle.size` | words (or characters) per shingle |
//! | `parameters.hash.name`, `.seed` | the shingle hash (`xxh3-64-combined`: XXH3-64 of each word, combined per shingle) and the seed of it and of the MinHash permutations |
//! | `parameters.num_perm` | MinHash signature length |
//! | `parameters.threshold` | exact Jaccard at or above which a pair is a near-duplicate |
//! | `parameters.lsh.bands`, `.rows` | banding; a pair is a candidate when one band of `rows` values agrees |
//! | `parameters.lsh.chosen` | `auto` (from the threshold) or `set` (by `--bands`/`--rows`) |
//! | `parameters.lsh.unused_permutations` | `num_perm - bands * rows` |
//! | `parameters.lsh.candidate_probability_at_threshold` | `1 - (1 - t^rows)^bands` at `t = threshold` |
//! | `parameters.keep` | `first` or `longest`: which member represents a cluster |
//! | `parameters.align.min_passage_words` | shortest shared passage reported, in words (and the run length every fingerprint guarantees to find) |
//! | `parameters.align.max_gap_words` | largest gap in words inside one passage |
//! | `parameters.align.min_sentence_cosine`, `.min_sentence_dice` | two sentences match above both (tf-isf cosine, Dice of stemmed content words) |
//! | `parameters.align.anchored` | true: every passage holds a run of at least `min_passage_words` identical words |
//! | `parameters.align.min_fragment_similarity` | a passage's two sides must have at least this cosine, or it is split |
//! | `parameters.overlap.enabled` | whether the partial-overlap stage ran |
//! | `parameters.overlap.k`, `.window` | winnowing: words per k-gram, k-grams per window |
//! | `parameters.overlap.max_df` | fingerprints in more documents than this are boilerplate |
//! | `parameters.overlap.ignored_phrases` | number of phrases given with `--ignore-phrases` |
//! | `parameters.grade.duplicate_threshold` | Jaccard at or above which a pair is a duplicate |
//! | `parameters.grade.min_reuse_words`, `.min_reuse_share` | verbatim reused words in each document, or their share of the shorter one, that make partial reuse |
//! | `parameters.grade.story_threshold` | story similarity at or above which a pair with no more than that is a rewrite (`--story-threshold`) |
//! | `parameters.grade.story_window_days`, `.story_threshold_outside_window` | articles more days apart than this (by `time_field` or by their datelines, whichever says more) are rewrites only at this story similarity, and with no `figures_other` |
//! | `parameters.grade.min_passage_specifics` | ...when at least this share (by idf) of the names and numbers of the story passage is in the other article too (`--min-passage-specifics`) |
//! | `parameters.time_field` | the JSON field read as publication time, or null |
//! | `parameters.time_field_detected` | true when no field was named and `time_field` was found among the usual names (`time`, `published`, `date`...; the one most documents have a readable time in) |
//! | `parameters.story_cluster_threshold` | average link (the mean of `story.similarity` and `story.specifics_cosine`) at or above which groups of articles join one story cluster (`--story-cluster-threshold`) |
//! | `parameters.story_background` | the background model of the story stage (`english (wordfreq ...)` or the `--idf` file), or null when the stage is off |
//! | `counts.documents_read` | input items read (documents and unusable items) |
//! | `counts.documents_skipped` | items not scanned; each is listed in `skipped` |
//! | `counts.documents_scanned` | `documents_read - documents_skipped` |
//! | `counts.candidate_pairs` | distinct pairs from any candidate stage: `aligned_pairs + rejected_pairs + story_rejected` |
//! | `counts.minhash_candidates` | pairs sharing an LSH band |
//! | `counts.overlap_candidates` | pairs sharing a winnowed fingerprint that is not boilerplate |
//! | `counts.found_by_both` | pairs found by both MinHash and the overlap stage (each reported once) |
//! | `counts.verified_pairs` | candidates with exact Jaccard >= threshold |
//! | `counts.rejected_pairs` | candidates found by MinHash, not by the overlap stage, below the threshold and (story stage on) below the story threshold: not aligned |
//! | `counts.aligned_pairs` | candidates aligned and graded: verified pairs, overlap candidates, and pairs at or above the story threshold |
//! | `counts.duplicate_pairs`, `.near_duplicate_pairs`, `.partial_reuse_pairs`, `.rewrite_pairs` | pairs per verdict (the `pairs` array) |
//! | `counts.story_candidates` | pairs sharing more of their 20 most distinctive terms than chance would explain (every pair when the corpus has at most 100 documents) |
//! | `counts.story_rejected` | candidates only the story stage found, below the story threshold (not aligned) |
//! | `counts.story_clusters` | story clusters (`story_clusters`) |
//! | `counts.clusters`, `.documents_in_clusters` | duplicate clusters (of verified pairs) and their members |
//! | `counts.duplicates` | cluster members that are not representatives (what `dedup` removes) |
//! | `counts.copies` | documents whose MinHash signature equals an earlier document's (the same text, or one that differs in a shingle or two; each is verified against that document exactly): left out of the candidate stages, which count a passage's documents without them; in a group of at most 16 each copy gets every pair its first gets (checked and listed as usual), in a larger group each is paired with the first only |
//! | `counts.pairs_not_listed` | pairs the listed ones imply but that are not listed: the pairs inside each duplicate cluster that were not checked one by one, and, for each listed pair across clusters with an end that is the first of more than 16 copies, the same pair for each copy (`size_a * size_b - 1`) |
//! | `skipped[]` | items not scanned: `location` (the file, plus `, line N` for JSON Lines), `id` (null when unreadable), `reason` |
//! | `suppressed.boilerplate_fingerprints` | distinct fingerprints in more than `max_df` documents (no candidates; their words are boilerplate) |
//! | `suppressed.recurring_fingerprints` | distinct fingerprints of recurring text: in at least 5 documents (and at most `max_df`) whose dates, by publication time or else by dateline, span more than 30 days: a report's fixed sentences written again each week or month (no candidates; their words are boilerplate) |
//! | `suppressed.boilerplate_pair_emissions` | candidate pairs those fingerprints would have made |
//! | `suppressed.ignored_phrase_occurrences` | occurrences of ignored phrases found |
//! | `suppressed.overlap_pairs_too_small` | overlap-only candidates whose shared fingerprints cannot hold partial reuse (each fingerprint stands for at most `min_passage_words + window - 1` words of identical runs); not verified or aligned |
//! | `suppressed.boilerplate_passages` | passages marked boilerplate (shown, not counted as reuse); pairs whose identical runs are too short to be reuse are graded without alignment and add none |
//! | `suppressed.pairs_without_reuse` | aligned pairs graded `unrelated`, not listed in `pairs` |
//! | `suppressed.pairs_with_repetitive_text` | aligned pairs where a phrase repeated more than 32 times in a text anchored no passage |
//! | `suppressed.boilerplate_templates` | template fingerprints (word k-grams with numbers and capitalized names as slots, holding a slot and at least 3 other words) filled in at least 5 different ways across the corpus: formulas, not copies; their words are boilerplate too |
//! | `suppressed.documents_without_time` | documents with no readable time (when `time_field` is set) |
//! | `suppressed.stories_without_specifics` | pairs whose story similarity reaches `story_threshold` but whose story passage's names and numbers are mostly not in the other article: one topic, not one story; not listed |
//! | `suppressed.recurring_reports` | pairs below the threshold that would be partial reuse or rewrites but have more `figures_other` than `figures_same`: the same sentences with other figures, two instances of a recurring report (this month's figures and last month's); not listed |
//! | `suppressed.stories_with_other_amounts` | pairs on one story (whole articles alike: `cosine` >= 0.3) that each give at least 4 amounts (figures that are not a day of the month, a year, a time of day or a count below ten) with fewer than one in five of the fewer in common: two events of one kind, two instances of a report laid out as a table; not listed |
//! | `suppressed.crowded_lsh_buckets` | LSH buckets (counted over all bands) of more than 100 documents, whose members were each paired with the bucket's first only: a large group of near-copies, or a band a paragraph shared by many documents decides |
//! | `suppressed.crowded_bucket_pairs` | the pairs those buckets did not propose, summed over bands (a pair may count in several bands, and another band may propose it) |
//! | `suppressed.stories_far_apart` | pairs on one story further apart than `story_window_days` and below `story_threshold_outside_window` or with `figures_other` above 0: another instance of a recurring report, another event of one company; not listed |
//! | `pairs[]` | graded pairs: by verdict (strongest first), then for rewrites story similarity (highest first), then Jaccard (highest first), then reused words, then input order |
//! | `pairs[].a`, `.b` | document ids; `a` came first in the input |
//! | `pairs[].jaccard` | exact Jaccard of the two shingle sets |
//! | `pairs[].estimated_jaccard` | MinHash estimate of it (share of equal signature values) |
//! | `pairs[].containment_a_in_b` | share of A's shingles found in B (1.0: A is inside B) |
//! | `pairs[].containment_b_in_a` | share of B's shingles found in A |
//! | `pairs[].shingles_a`, `.shingles_b`, `.shared_shingles` | distinct shingles of A, of B, and of both |
//! | `pairs[].verdict` | `duplicate`, `near_duplicate`, `partial_reuse` or `rewrite`; the rule is in `grade.rs` (Jaccard >= `duplicate_threshold`; Jaccard >= `threshold`; verbatim reused words in each document >= `min_reuse_words`, or >= `min_reuse_share` of the shorter document; story similarity >= `story_threshold` with `passage_specifics` >= `min_passage_specifics`, and >= `story_threshold_outside_window` with no `figures_other` when more than `story_window_days` apart, and not giving other amounts (see `suppressed.stories_with_other_amounts`); not when `figures_other` > `figures_same` and >= 4) |
//! | `pairs[].found_by` | the candidate stages that found the pair: `minhash`, `overlap`, `story` |
//! | `pairs[].reuse.words_a`, `.words_b` | words of each document inside passages that are not boilerplate |
//! | `pairs[].reuse.share_a`, `.share_b` | those words over the document's words |
//! | `pairs[].reuse.containment` | `a_in_b` (A's reused share is over 1.5 times B's: A sits inside B), `b_in_a`, `mutual` or `none` |
//! | `pairs[].reuse.likely_source` | id of the earlier document (by `time_field`), or null |
//! | `pairs[].passages[]` | shared passages, in A's order; no two overlap on either side |
//! | `passages[].a`, `.b` | the passage in each original text: `start_byte`, `end_byte`, `start_char`, `end_char`, `words` (its length in words), `verbatim_words` (of those, words inside runs of at least `min_passage_words` identical words), and `text`, exactly the original slice |
//! | `passages[].similarity` | tf-isf cosine of the two sides (1 for a verbatim copy); for the passage of a near copy built from its runs alone (runs covering at least 80% of both texts, chained into one passage: `grade::RUNS_MAKE_PASSAGES`), its verbatim share: `(a.verbatim_words + b.verbatim_words) / (a.words + b.words)` |
//! | `passages[].boilerplate` | true when half of its words, on either side, are boilerplate; it then does not count as reuse |
//! | `pairs[].story` | the story stage's scores (null when it is off): `similarity` (mean of the next two), `cosine` (of the two articles' tf-idf vectors of content-word stems), `passage_containment` (the largest share of tf-idf weight of a passage of about 60 content words, whole sentences, of either article that lies in terms the other has), `days_apart` (days between the two articles: the larger of the days between their `time_field` times and between the dates of their datelines, around the year; null when neither is known), `specifics_cosine` (cosine of the two articles' names and numbers, as `passage_specifics` finds them, each weighted by its idf), `passage_specifics` (of that passage's names, capitalized inside sentences and never in lower case, and numbers, the share by idf that the other article has; 0 when it has none), `figures_same` and `figures_other` (sentences with numbers of either article whose content words other than the numbers mostly recur in a sentence with numbers of the other, Dice at least 0.6 over at least 4 words: whether every number of the one with fewer is in the other, or not; counted from both sides, only for pairs that could be partial reuse or reach `story_threshold`, else 0) |
//! | `story.passage` | that best passage, or null: `side` (`a` or `b`), `start_byte`, `end_byte`, `start_char`, `end_char`, `words` |
//! | `story.shared` | for a rewrite, what both articles have, or null: `names` (words capitalized inside sentences in both), `numbers` (as written, with the next word when both have it), `quotes` (phrases quoted in one, present in the other), `terms` (the most distinctive other shared words); at most 12 each, as written in A (quotes as written where quoted) |
//! | `clusters[]` | largest first: `size`, `representative` (the id `dedup` keeps), `members` (ids in input order) |
//! | `story_clusters[]` | articles about one story, largest first, by average linkage over accounts (a duplicate cluster is one account, linked to another by its members' strongest link; a story cluster holds at least two accounts, each with all its members) and links (a scored pair's link is the mean of its `story.similarity` and `story.specifics_cosine`; two groups join when the mean link over all pairs between them reaches `story_cluster_threshold`, unscored pairs counting 0, so one strong link alone cannot chain groups together): `size`, `members` (ids in input order), `weakest_link` (the lowest mean link at which two parts joined), `linked_share` (share of pairs of accounts whose own link reaches `story_cluster_threshold`) |
//! | `near_misses[]` | up to 10 closest pairs not in `pairs`, with the score fields of `pairs[]`; drawn from rejected and ungraded candidates, and from all pairs when the corpus has at most 100 documents |
//! | `run.threads` | worker threads |
//! | `run.peak_memory_bytes` | the process's peak resident memory in bytes when the report was assembled (Linux; `null` elsewhere) |
//! | `run.spilled_bytes` | bytes the scan wrote to temporary files (in TMPDIR) past its memory budget: LSH band keys, the overlap stage's fingerprints, templates and pair emissions |
//! | `run.seconds` | wall-clock seconds: `read`, `sketch`, `lsh`, `overlap` (the overlap index, with finding copies, counting templates and merging candidates), `story` (story candidates: documents sharing distinctive terms), `prepare` (documents of candidate pairs cut into words, stems and sentences), `verify`, `cluster`, `align`, `total` |

use std::io::Write;

use super::{Report, FORMAT_VERSION};

/// Writes `report` as pretty-printed JSON followed by a newline.
///
/// # Errors
/// The writer's I/O error.
///
/// # Examples
///
/// ```
/// use reprint::{Config, Document, Entry};
///
/// let docs = [("a", "The cabinet approved the budget on Monday after a long night of talks."),
///             ("b", "The cabinet approved the budget on Monday after a long night of talks.")];
/// let entries = docs.map(|(id, text)| Ok(Entry::Document(Document::new(id, text))));
/// let scan = reprint::run(&Config::default(), entries)?;
/// let mut json = Vec::new();
/// reprint::report::json::write_json(&scan.report, &mut json)?;
/// let value: serde_json::Value = serde_json::from_slice(&json)?;
/// assert_eq!(value["pairs"][0]["verdict"], "duplicate");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_json(report: &Report, mut out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")
}

/// Reads a report [`write_json`] wrote.
///
/// # Errors
/// What is not such a report: malformed JSON, a missing or mistyped field,
/// or another `format_version` than [`FORMAT_VERSION`] (named in the message).
pub fn read_json(input: impl std::io::Read) -> Result<Report, ReadError> {
    // Through a Value: with serde_json's arbitrary precision, a number read
    // straight into a flattened struct (a pair's scores) is a map.
    let value: serde_json::Value = serde_json::from_reader(input)?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(FORMAT_VERSION)) {
        return Err(ReadError::Version(version));
    }
    Ok(serde_json::from_value(value)?)
}

/// Why a JSON report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not JSON, or not a report (the source says where).
    #[error("not a reprint JSON report")]
    Malformed(#[from] serde_json::Error),
    /// A report of another format version (`None`: no version at all).
    #[error("{}: this reprint reads format version {FORMAT_VERSION}", match .0 {
        Some(v) => format!("a report of format version {v}"),
        None => "no format_version (not a reprint JSON report)".to_string(),
    })]
    Version(Option<u64>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Document, Entry};

    #[test]
    fn a_written_report_reads_back_equal() {
        let story = "The harbour authority said on Monday that the new container terminal \
                     will open in spring, doubling the port's capacity for ships arriving \
                     from Asia, and officials expect more trucks on the ring road.";
        let docs = [
            ("wire", format!("{story} The minister welcomed the plan.")),
            ("reprint", format!("Ünïcödé 📰 — {story}")),
            ("copy", story.to_string()),
            (
                "other",
                "A local team won the cup final after extra time.".to_string(),
            ),
        ];
        let entries = docs
            .iter()
            .map(|(id, text)| Ok(Entry::Document(Document::new(*id, text.clone()))));
        let report = crate::run(&Config::default(), entries).unwrap().report;
        assert!(report.pairs.iter().any(|p| !p.passages.is_empty()));
        assert!(!report.clusters.is_empty());
        let mut json = Vec::new();
        write_json(&report, &mut json).unwrap();
        assert_eq!(read_json(&json[..]).unwrap(), report);
    }

    #[test]
    fn another_version_is_named() {
        let err = read_json(&br#"{"format_version": 6, "pairs": []}"#[..]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "a report of format version 6: this reprint reads format version {FORMAT_VERSION}"
            )
        );
        assert!(matches!(
            read_json(&b"[1]"[..]),
            Err(ReadError::Version(None))
        ));
        assert!(matches!(
            read_json(&br#"{"format_version": 7}"#[..]),
            Err(ReadError::Malformed(_))
        ));
    }
}

//! The JSON report: one JSON object, written by [`write_json`].
//!
//! # Format (`format_version` 1)
//!
//! Offsets are 0-based and end-exclusive. Byte offsets index the UTF-8 original
//! text; character offsets count Unicode scalar values (a Python `str` index).
//! Scores are in `[0, 1]`. All ids are the user's document ids. Arrays are in a
//! fixed order, so two runs with the same input and settings give byte-identical
//! reports except for the `run` object.
//!
//! | field | meaning |
//! |---|---|
//! | `format_version` | 1; bumped on any incompatible change |
//! | `tool.name`, `tool.version` | `reprint` and its version |
//! | `parameters.shingle.unit` | `words` or `chars` |
//! | `parameters.shingle.size` | words (or characters) per shingle |
//! | `parameters.hash.name`, `.seed` | the shingle hash (`xxh3-64`) and the seed of it and of the MinHash permutations |
//! | `parameters.num_perm` | MinHash signature length |
//! | `parameters.threshold` | exact Jaccard at or above which a pair is reported |
//! | `parameters.lsh.bands`, `.rows` | banding; a pair is a candidate when one band of `rows` values agrees |
//! | `parameters.lsh.chosen` | `auto` (from the threshold) or `set` (by `--bands`/`--rows`) |
//! | `parameters.lsh.unused_permutations` | `num_perm - bands * rows` |
//! | `parameters.lsh.candidate_probability_at_threshold` | `1 - (1 - t^rows)^bands` at `t = threshold` |
//! | `parameters.min_passage_words` | shortest shared passage reported |
//! | `parameters.keep` | `first` or `longest`: which member represents a cluster |
//! | `counts.documents_read` | input items read (documents and unusable items) |
//! | `counts.documents_skipped` | items not scanned; each is listed in `skipped` |
//! | `counts.documents_scanned` | `documents_read - documents_skipped` |
//! | `counts.candidate_pairs` | distinct pairs sharing a band |
//! | `counts.verified_pairs` | candidates with exact Jaccard >= threshold (the `pairs` array) |
//! | `counts.rejected_pairs` | candidates below the threshold |
//! | `counts.clusters`, `.documents_in_clusters` | duplicate clusters and their members |
//! | `counts.duplicates` | cluster members that are not representatives (what `dedup` removes) |
//! | `skipped[]` | items not scanned: `location` (the file, plus `, line N` for JSON Lines), `id` (null when unreadable), `reason` |
//! | `pairs[]` | verified pairs, by Jaccard (highest first), then by input order |
//! | `pairs[].a`, `.b` | document ids; `a` came first in the input |
//! | `pairs[].jaccard` | exact Jaccard of the two shingle sets |
//! | `pairs[].estimated_jaccard` | MinHash estimate of it (share of equal signature values) |
//! | `pairs[].containment_a_in_b` | share of A's shingles found in B (1.0: A is inside B) |
//! | `pairs[].containment_b_in_a` | share of B's shingles found in A |
//! | `pairs[].shingles_a`, `.shingles_b`, `.shared_shingles` | distinct shingles of A, of B, and of both |
//! | `pairs[].passages[]` | shared passages, in A's order |
//! | `passages[].a`, `.b` | the passage in each original text: `start_byte`, `end_byte`, `start_char`, `end_char`, and `text`, exactly the original slice |
//! | `passages[].words` | passage length in words |
//! | `clusters[]` | largest first: `size`, `representative` (the id `dedup` keeps), `members` (ids in input order) |
//! | `near_misses[]` | up to 10 closest pairs below the threshold, with the score fields of `pairs[]` and no passages; drawn from the rejected candidates, and from all pairs when the corpus has at most 100 documents |
//! | `run.threads` | worker threads |
//! | `run.seconds` | wall-clock seconds: `read`, `sketch`, `lsh`, `verify`, `cluster`, `align`, `total` |

use std::io::Write;

use super::Report;

/// Writes `report` as pretty-printed JSON followed by a newline.
///
/// # Errors
/// The writer's I/O error.
pub fn write_json(report: &Report, mut out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")
}

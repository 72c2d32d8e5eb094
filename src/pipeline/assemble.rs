//! Report assembly: the finished stages' results turned into a [`Report`].
//!
//! Input: what the scan found ([`Findings`]). Output: the [`Report`], with
//! every list in its documented order. It decides nothing: verdicts come from
//! `grade`, pairs and clusters from the stages; this module counts, orders and
//! names documents by their ids.

use std::borrow::Cow;

use crate::cluster::{cluster_of, Cluster};
use crate::config::{Config, TimeField};
use crate::copies::Copies;
use crate::fingerprint::Winnower;
use crate::grade::{Demotion, Source, Verdict};
use crate::hash::HASH_NAME;
use crate::ids::{CandidatePair, DocId};
use crate::input::{Document, Skipped};
use crate::report::{
    ClusterReport, Counts, HashInfo, LshReport, OverlapReport, PairReport, PairScores, Parameters,
    Report, ReuseReport, RunInfo, StoryClusterReport, StoryReport, Suppressed, Timings, Tool,
    FORMAT_VERSION,
};
use crate::verify::ScoredPair;

use super::candidates::Candidates;
use super::pairs::Graded;
use super::Groups;

/// Most near misses reported.
pub const MAX_NEAR_MISSES: usize = 10;

/// Everything a report is made of.
pub(super) struct Findings<'a> {
    pub config: &'a Config,
    pub winnower: &'a Winnower,
    /// The background model's name, when the story stage ran.
    pub story_background: Option<String>,
    pub documents: &'a [Document],
    pub read_count: usize,
    pub skipped: Vec<Skipped>,
    pub phrase_occurrences: usize,
    /// Template fingerprints found in more than `max_df` documents.
    pub common_templates: usize,
    pub documents_without_time: usize,
    /// The field publication times were read from, if any.
    pub time_field: Option<String>,
    pub candidates: &'a Candidates,
    /// Documents with equal signatures, by their first.
    pub copies: &'a Copies,
    /// The checked pairs sorted out: listed or not, clusters, story
    /// clusters, near misses.
    pub groups: Groups,
    pub threads: usize,
    pub timings: Timings,
    /// Bytes written to temporary files past the memory budget.
    pub spilled_bytes: u64,
}

/// Builds the report, and gives back the duplicate clusters (by document
/// number).
pub(super) fn assemble(mut findings: Findings) -> (Report, Vec<Cluster>) {
    findings.groups.listed.sort_by(report_order);
    let counts = counts(&findings);
    let suppressed = suppressed(&findings);
    let parameters = parameters(
        findings.config,
        findings.winnower,
        findings.story_background.take(),
        findings.time_field.take(),
    );
    let Findings {
        documents,
        skipped,
        groups:
            Groups {
                listed,
                clusters,
                story_clusters,
                near_misses,
                ..
            },
        threads,
        timings,
        spilled_bytes,
        ..
    } = findings;
    let id = |d: DocId| documents[d.index()].id.clone();
    let report = Report {
        format_version: FORMAT_VERSION,
        tool: Tool::default(),
        parameters,
        counts,
        skipped,
        suppressed,
        pairs: listed.into_iter().map(|g| pair_report(g, &id)).collect(),
        clusters: clusters
            .iter()
            .map(|c| ClusterReport {
                size: c.members.len(),
                representative: id(c.representative),
                members: c.members.iter().map(|&m| id(m)).collect(),
            })
            .collect(),
        story_clusters: story_clusters
            .iter()
            .map(|c| StoryClusterReport {
                size: c.members.len(),
                members: c.members.iter().map(|&m| id(m)).collect(),
                weakest_link: c.weakest_link,
                linked_share: c.linked_share,
            })
            .collect(),
        near_misses: near_misses.iter().map(|p| pair_scores(p, &id)).collect(),
        run: RunInfo {
            threads,
            seconds: timings,
            spilled_bytes,
            peak_memory_bytes: peak_memory_bytes(),
        },
    };
    (report, clusters)
}

fn counts(f: &Findings) -> Counts {
    let verdict_count = |v: Verdict| {
        f.groups
            .listed
            .iter()
            .filter(|g| g.grade.verdict == v)
            .count()
    };
    let in_clusters: usize = f.groups.clusters.iter().map(|c| c.members.len()).sum();
    let candidates = f.candidates;
    Counts {
        documents_read: f.read_count,
        documents_skipped: f.skipped.len(),
        documents_scanned: f.documents.len(),
        candidate_pairs: candidates.merged.len(),
        minhash_candidates: candidates.minhash,
        overlap_candidates: candidates.overlap.as_ref().map_or(0, |o| o.pairs().len()),
        found_by_both: candidates.found_by_both,
        verified_pairs: f.groups.verified,
        rejected_pairs: f.groups.rejected,
        aligned_pairs: f.groups.listed.len() + f.groups.unlisted.len(),
        duplicate_pairs: verdict_count(Verdict::Duplicate),
        near_duplicate_pairs: verdict_count(Verdict::NearDuplicate),
        partial_reuse_pairs: verdict_count(Verdict::PartialReuse),
        rewrite_pairs: verdict_count(Verdict::Rewrite),
        story_candidates: candidates.story,
        story_rejected: f.groups.story_rejected,
        story_clusters: f.groups.story_clusters.len(),
        clusters: f.groups.clusters.len(),
        documents_in_clusters: in_clusters,
        duplicates: in_clusters - f.groups.clusters.len(),
        copies: f.copies.count(),
        pairs_not_listed: pairs_not_listed(f),
    }
}

/// Pairs implied by the listed ones but not listed: inside each duplicate
/// cluster, every pair of members not listed; for a listed pair across
/// clusters, the pairs of the copies of its two documents.
fn pairs_not_listed(f: &Findings) -> u64 {
    let cluster_of = cluster_of(&f.groups.clusters, f.documents.len());
    let mut listed_inside = vec![0u64; f.groups.clusters.len()];
    let mut through_copies = 0;
    for graded in &f.groups.listed {
        let pair = graded.candidate.scored.pair;
        match (cluster_of[pair.a.index()], cluster_of[pair.b.index()]) {
            (Some(a), Some(b)) if a == b => listed_inside[a as usize] += 1,
            _ => through_copies += f.copies.implied_pairs(pair),
        }
    }
    let inside: u64 = f
        .groups
        .clusters
        .iter()
        .zip(&listed_inside)
        .map(|(c, &listed)| {
            let n = c.members.len() as u64;
            (n * (n - 1) / 2).saturating_sub(listed)
        })
        .sum();
    inside + through_copies
}

/// What was left out, and why.
fn suppressed(f: &Findings) -> Suppressed {
    let overlap = f.candidates.overlap.as_ref();
    let aligned = || f.groups.listed.iter().chain(&f.groups.unlisted);
    let demoted = |why| {
        f.groups
            .unlisted
            .iter()
            .filter(|g| g.demotion == Some(why))
            .count()
    };
    Suppressed {
        boilerplate_fingerprints: overlap.map_or(0, |o| o.stats().boilerplate_fingerprints),
        recurring_fingerprints: overlap.map_or(0, |o| o.stats().recurring_fingerprints),
        boilerplate_pair_emissions: overlap.map_or(0, |o| o.stats().pairs_suppressed),
        boilerplate_templates: f.common_templates,
        ignored_phrase_occurrences: f.phrase_occurrences,
        overlap_pairs_too_small: f.candidates.overlap_too_small,
        boilerplate_passages: aligned().map(|g| g.boilerplate_passages).sum(),
        pairs_without_reuse: f.groups.unlisted.len(),
        pairs_with_repetitive_text: aligned().filter(|g| g.repetitive).count(),
        documents_without_time: f.documents_without_time,
        stories_without_specifics: demoted(Demotion::WithoutSpecifics),
        stories_far_apart: demoted(Demotion::FarApart),
        recurring_reports: demoted(Demotion::OtherFigures),
        stories_with_other_amounts: demoted(Demotion::OtherAmounts),
        crowded_lsh_buckets: f.candidates.capped_buckets,
        crowded_bucket_pairs: f.candidates.bucket_pairs_left_out,
    }
}

/// The settings in force, as the report states them.
pub(super) fn parameters(
    config: &Config,
    winnower: &Winnower,
    story_background: Option<String>,
    time_field: Option<String>,
) -> Parameters {
    let lsh = super::lsh_params(config);
    Parameters {
        shingle: config.shingle,
        hash: HashInfo {
            name: Cow::Borrowed(HASH_NAME),
            seed: config.seed,
        },
        num_perm: config.sketch.num_perm,
        threshold: config.threshold,
        lsh: LshReport {
            bands: lsh.bands,
            rows: lsh.rows,
            chosen: Cow::Borrowed(if config.lsh.bands.is_none() && config.lsh.rows.is_none() {
                "auto"
            } else {
                "set"
            }),
            unused_permutations: config.sketch.num_perm - lsh.bands * lsh.rows,
            candidate_probability_at_threshold: lsh.candidate_probability(config.threshold),
        },
        keep: config.cluster.keep,
        align: config.align,
        overlap: OverlapReport {
            enabled: config.overlap.enabled,
            k: winnower.k(),
            window: winnower.window(),
            max_df: config.overlap.max_df,
            ignored_phrases: config.overlap.ignore_phrases.len(),
        },
        grade: config.grade,
        time_field,
        time_field_detected: matches!(config.input.time_field, TimeField::Detect),
        story_background,
        story_cluster_threshold: config.story.cluster_threshold,
    }
}

/// Report order of graded pairs: strongest verdict, then (rewrites) highest
/// story similarity, then highest Jaccard, then the documents' input order
/// (see [`pair_order_key`]).
fn report_order(x: &Graded, y: &Graded) -> std::cmp::Ordering {
    let key = |g: &Graded| {
        pair_order_key(
            g.grade.verdict,
            g.candidate.story.as_ref().map(|s| s.similarity),
            g.candidate.scored.similarity.jaccard,
            g.candidate.scored.pair,
        )
    };
    key(x).cmp(&key(y))
}

/// Where a listed pair stands in a report, as a key: pairs sorted by their
/// keys are in the report's order (strongest verdict, then for rewrites the
/// highest story similarity, then the highest Jaccard, then the documents'
/// input order). Rewrites share little text, so their Jaccard says little:
/// story first. A cluster engine sorts the pairs of a distributed scan by it
/// ([`PairOrderKey::to_hex`], whose text order is the same).
pub fn pair_order_key(
    verdict: Verdict,
    story_similarity: Option<f64>,
    jaccard: f64,
    pair: CandidatePair,
) -> PairOrderKey {
    let story = match verdict {
        Verdict::Rewrite => story_similarity.unwrap_or(0.0),
        _ => 0.0,
    };
    PairOrderKey([
        verdict as u64,
        !total_order_bits(story),
        !total_order_bits(jaccard),
        (pair.a.0 as u64) << 32 | pair.b.0 as u64,
    ])
}

/// See [`pair_order_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PairOrderKey([u64; 4]);

impl PairOrderKey {
    /// The key as 64 hexadecimal digits: text order is key order.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|part| format!("{part:016x}")).collect()
    }
}

/// An f64's bits, ordered as `f64::total_cmp` orders the numbers.
fn total_order_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// Report order of scored pairs: exact Jaccard (highest first), then the
/// documents' input order.
pub(super) fn near_miss_order(x: &ScoredPair, y: &ScoredPair) -> std::cmp::Ordering {
    y.similarity
        .jaccard
        .total_cmp(&x.similarity.jaccard)
        .then(x.pair.cmp(&y.pair))
}

/// One listed pair as the report shows it.
pub(super) fn pair_report(graded: Graded, id: &dyn Fn(DocId) -> String) -> PairReport {
    let Graded {
        candidate,
        passages,
        grade,
        evidence,
        story_passage,
        days_apart,
        figures,
        ..
    } = graded;
    let pair = candidate.scored.pair;
    let found_by = [
        (candidate.found_by.minhash, "minhash"),
        (candidate.found_by.overlap, "overlap"),
        (candidate.found_by.story, "story"),
    ]
    .into_iter()
    .filter_map(|(found, name)| found.then_some(Cow::Borrowed(name)))
    .collect();
    PairReport {
        scores: pair_scores(&candidate.scored, id),
        verdict: grade.verdict,
        found_by,
        reuse: ReuseReport {
            words_a: grade.reused_words_a,
            words_b: grade.reused_words_b,
            share_a: grade.reused_share_a,
            share_b: grade.reused_share_b,
            containment: grade.containment,
            likely_source: match grade.source {
                Source::A => Some(id(pair.a)),
                Source::B => Some(id(pair.b)),
                Source::Unknown => None,
            },
        },
        passages,
        story: candidate.story.as_ref().map(|s| StoryReport {
            similarity: s.similarity,
            cosine: s.cosine,
            passage_containment: s.passage_containment,
            passage_specifics: s.passage_specifics,
            specifics_cosine: s.specifics_cosine,
            days_apart,
            figures_same: figures.same,
            figures_other: figures.other,
            passage: story_passage,
            shared: evidence,
        }),
    }
}

fn pair_scores(scored: &ScoredPair, id: &dyn Fn(DocId) -> String) -> PairScores {
    let s = &scored.similarity;
    PairScores {
        a: id(scored.pair.a),
        b: id(scored.pair.b),
        jaccard: s.jaccard,
        estimated_jaccard: scored.estimated_jaccard,
        containment_a_in_b: s.containment_a_in_b,
        containment_b_in_a: s.containment_b_in_a,
        shingles_a: s.shingles_a,
        shingles_b: s.shingles_b,
        shared_shingles: s.shared_shingles,
    }
}

/// The process's peak resident memory so far (`VmHWM` of
/// `/proc/self/status`), where the system gives it.
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

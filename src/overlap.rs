//! Partial-overlap candidates: pairs of documents that share at least one
//! winnowing fingerprint, and so possibly a passage of `min_passage_words` words
//! or more, however different the rest of their text is.
//!
//! Input: per document, its fingerprint hashes from [`crate::fingerprint`],
//! added to an [`OverlapIndex`] under a number the caller maps to the
//! document at the end. Output: [`OverlapCandidates`]: [`OverlapPair`]s
//! sorted by pair, each with `a < b` and its number of shared fingerprints,
//! plus the sorted list of boilerplate fingerprints and counts for the report.
//!
//! Method: a sort-based inverted index in bounded memory. Entries (hash,
//! document) go to a [`Partitioned`] store by the hash's top bits (held up to
//! a budget, then in a temporary file), so no document keeps a list of its
//! own. Each partition is read back and sorted on its own (a batch of them in
//! parallel), after a bitset has set aside the hashes certainly seen once
//! (most of them: all entries of a hash are in one partition): equal hashes
//! are adjacent and a hash's document frequency (df) is the length of its
//! run. Every fingerprint with `2 <= df <= max_df` emits
//! all its document pairs, packed as `a << 32 | b`, into a second partitioned
//! store (by a mix of the pair's bits); sorted partition by partition, the
//! length of each pair's run is the number of distinct fingerprints the two
//! documents share.
//!
//! Invariants:
//! - A fingerprint found in more than `max_df` documents is boilerplate (bylines,
//!   newsletter footers, legal notices, agency credits): it makes no pairs and is
//!   listed in [`OverlapCandidates::boilerplate`]. MOSS drops such "passages that
//!   appear too often" the same way (its `-m` option).
//! - With `min_shared = 1`, every pair sharing a non-boilerplate fingerprint is a
//!   candidate, which keeps the winnowing guarantee for every shared run of
//!   `min_passage_words` words whose selected fingerprint is not boilerplate.
//! - The output is a function of the input only: every sort is over a total order
//!   of plain integers, so it is the same at any thread count.
//!
//! Bound: a fingerprint with df documents emits `df * (df - 1) / 2` pairs, at most
//! `max_df * (max_df - 1) / 2` (1,225 at the default `max_df = 50`). Entries
//! and emissions are held up to the budget, then spilled; memory beyond the
//! budget is one batch of partitions, the boilerplate entries (documents
//! times the boilerplate fingerprints they hold) and the candidate pairs.

use rayon::prelude::*;
use serde::Serialize;

use crate::ids::{CandidatePair, DocId};
use crate::spill::Partitioned;

/// Default `min_shared`: one shared fingerprint makes a candidate, the only value
/// that keeps the winnowing guarantee (a shared run of exactly
/// `min_passage_words` words is only guaranteed one shared fingerprint).
pub const DEFAULT_MIN_SHARED: usize = 1;

/// Documents at least, whose dates span more than [`RECURRING_SPAN_DAYS`],
/// that make a fingerprint recurring text: a report's fixed sentences (the
/// list of offerings filed with the SEC, an export-bonus notice, a bond
/// issue's terms), written again each week or month. Copies of one story
/// come out within days, so a story reprinted by many outlets stays.
pub const RECURRING_MIN_DOCUMENTS: usize = 5;

/// Days the documents of recurring text span, more than: a month. Planted
/// and natural copies of one story in the corpora measured are at most ten
/// days apart.
pub const RECURRING_SPAN_DAYS: u32 = 30;

/// Each document's day, when known: by its publication time (days since
/// 1970), or else by the date its dateline gives (a day of the year, compared
/// around the year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Days {
    /// Per document, in input order.
    pub days: Vec<Option<u32>>,
    /// The days are days of the year (dateline dates without a year).
    pub around_the_year: bool,
}

impl Days {
    /// The days between the earliest and the latest of `documents` with a
    /// known day (around the year for days of the year); 0 with fewer than two.
    pub fn span(&self, documents: impl Iterator<Item = u32>) -> u32 {
        let known: Vec<u32> = documents
            .filter_map(|d| self.days.get(d as usize).copied().flatten())
            .collect();
        Days::span_of(known, self.around_the_year)
    }

    /// The days `known` span (days of the year, compared around the year,
    /// when `around_the_year`); 0 with fewer than two.
    pub fn span_of(mut known: Vec<u32>, around_the_year: bool) -> u32 {
        if known.len() < 2 {
            return 0;
        }
        known.sort_unstable();
        let (first, last) = (known[0], known[known.len() - 1]);
        if !around_the_year {
            return last - first;
        }
        // The shortest arc of the year that holds them all: the year less its
        // largest gap between consecutive days (the gap over New Year too).
        let largest_gap = known
            .windows(2)
            .map(|w| w[1] - w[0])
            .chain(std::iter::once(first + 365 - last))
            .max()
            .unwrap_or(0);
        365u32.saturating_sub(largest_gap)
    }
}

/// What a fingerprint is to the overlap stage, by the documents it is in:
/// the one rule both a scan and an index's check apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerprintRole {
    /// In one document: it pairs no one.
    Alone,
    /// In 2 to `max_df` documents, not recurring: it pairs every two of them.
    Pairs,
    /// In more than `max_df` documents: boilerplate.
    Common,
    /// In at least [`RECURRING_MIN_DOCUMENTS`] documents whose days span more
    /// than [`RECURRING_SPAN_DAYS`]: recurring text, boilerplate too.
    Recurring,
}

impl FingerprintRole {
    /// The role of a fingerprint in `df` documents; `span_days` gives the
    /// days they span (see [`Days::span`]), none when no day is known, and is
    /// asked only when it decides.
    pub fn of(df: usize, max_df: usize, span_days: impl FnOnce() -> Option<u32>) -> Self {
        if df > max_df {
            FingerprintRole::Common
        } else if df >= RECURRING_MIN_DOCUMENTS
            && span_days().is_some_and(|span| span > RECURRING_SPAN_DAYS)
        {
            FingerprintRole::Recurring
        } else if df >= 2 {
            FingerprintRole::Pairs
        } else {
            FingerprintRole::Alone
        }
    }

    /// Whether the fingerprint is boilerplate (common or recurring).
    pub fn is_boilerplate(self) -> bool {
        matches!(self, FingerprintRole::Common | FingerprintRole::Recurring)
    }
}

/// Settings of the overlap stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OverlapParams {
    /// Fingerprints found in more documents than this are boilerplate and make no
    /// pairs. Default [`crate::defaults::MAX_DF`]. Below 2, no fingerprint makes pairs.
    pub max_df: usize,
    /// Distinct shared fingerprints a pair needs. Default `DEFAULT_MIN_SHARED`;
    /// 0 is treated as 1.
    pub min_shared: usize,
}

impl Default for OverlapParams {
    fn default() -> Self {
        OverlapParams {
            max_df: crate::defaults::MAX_DF,
            min_shared: DEFAULT_MIN_SHARED,
        }
    }
}

/// A candidate pair and the number of distinct non-boilerplate fingerprints its
/// documents share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OverlapPair {
    /// The two documents, `a < b`.
    pub pair: CandidatePair,
    /// Distinct shared fingerprints, not counting boilerplate ones (saturates at
    /// `u32::MAX`).
    pub shared_fingerprints: u32,
    /// Distinct boilerplate fingerprints the two documents also share (they
    /// make no pairs, but their words may lie in a reused passage).
    pub shared_boilerplate: u32,
}

/// Counts for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OverlapStats {
    /// Documents indexed.
    pub documents: usize,
    /// (fingerprint, document) entries in the index, after removing repeats
    /// within a document.
    pub fingerprints_indexed: u64,
    /// Distinct fingerprint hashes over the corpus.
    pub distinct_fingerprints: u64,
    /// Fingerprints found in 2 to `max_df` documents: the ones that make pairs.
    pub shared_fingerprints: u64,
    /// Fingerprints found in more than `max_df` documents, treated as boilerplate.
    pub boilerplate_fingerprints: u64,
    /// Fingerprints of recurring text (see [`Days`]), treated as boilerplate.
    pub recurring_fingerprints: u64,
    /// Pairs emitted by shared fingerprints, counting a pair once per fingerprint
    /// (the size of the pair buffer).
    pub pair_emissions: u64,
    /// Pair emissions that boilerplate fingerprints would have made (saturating).
    pub pairs_suppressed: u64,
    /// Distinct pairs that shared fewer than `min_shared` fingerprints.
    pub pairs_below_min_shared: u64,
    /// Bytes of index entries and pair emissions written to temporary files
    /// past the memory budget.
    pub spilled_bytes: u64,
}

/// The result of the overlap stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlapCandidates {
    params: OverlapParams,
    pairs: Vec<OverlapPair>,
    boilerplate: Vec<u64>,
    stats: OverlapStats,
}

impl OverlapCandidates {
    /// Candidates found elsewhere (an index's check), sorted here; the
    /// counts of a whole corpus's index are not known and stay zero.
    pub fn given(params: OverlapParams, mut pairs: Vec<OverlapPair>) -> Self {
        pairs.sort_unstable();
        OverlapCandidates {
            params,
            pairs,
            boilerplate: Vec::new(),
            stats: OverlapStats::default(),
        }
    }

    /// The settings these candidates were made with.
    pub fn params(&self) -> OverlapParams {
        self.params
    }

    /// The candidate pairs, sorted by pair, each with `a < b`.
    pub fn pairs(&self) -> &[OverlapPair] {
        &self.pairs
    }

    /// The boilerplate fingerprint hashes (df > `max_df`), sorted and distinct.
    pub fn boilerplate(&self) -> &[u64] {
        &self.boilerplate
    }

    /// True when `hash` is a boilerplate fingerprint (binary search).
    pub fn is_boilerplate(&self, hash: u64) -> bool {
        self.boilerplate.binary_search(&hash).is_ok()
    }

    /// Counts for the report.
    pub fn stats(&self) -> &OverlapStats {
        &self.stats
    }
}

/// The inverted index: every (fingerprint, document) entry, partitioned by
/// fingerprint and held in memory up to a budget (see [`crate::spill`]), so
/// that documents hand in their fingerprints as they are sketched and none
/// keeps a list of its own.
#[derive(Debug)]
pub struct OverlapIndex {
    /// (hash, the number the document was added with).
    postings: Partitioned<(u64, u32)>,
}

impl OverlapIndex {
    /// An empty index holding at most `budget_bytes` of entries in memory
    /// (the rest goes to a temporary file).
    pub fn new(budget_bytes: usize) -> Self {
        OverlapIndex {
            postings: Partitioned::new("overlap fingerprints", budget_bytes),
        }
    }

    /// Indexes `fingerprints` in memory (document `i` has `DocId(i)`). Each
    /// document's hashes may be in any order and may repeat; repeats count
    /// once. Documents past `DocId(u32::MAX)` have no id and are not indexed.
    pub fn build<F: AsRef<[u64]>>(fingerprints: &[F]) -> Self {
        let mut index = OverlapIndex::new(usize::MAX);
        for (doc, hashes) in (0..=u32::MAX).zip(fingerprints) {
            // In memory without limit: nothing is written, nothing can fail.
            let _ = index.add(doc, hashes.as_ref());
        }
        index
    }

    /// Adds a document's fingerprint hashes (in any order, repeats allowed)
    /// under `number`, which [`shared_fingerprint_pairs`](Self::shared_fingerprint_pairs)
    /// maps to the document. Workers that do not know documents' final
    /// numbers yet add under numbers of their own.
    pub fn add(&mut self, number: u32, hashes: &[u64]) -> crate::Result<()> {
        self.postings
            .extend(hashes.iter().map(|&hash| (hash, number)))
    }

    /// Takes in every entry of `other` (another worker's index).
    pub fn absorb(&mut self, other: OverlapIndex) -> crate::Result<()> {
        self.postings.absorb(other.postings)
    }

    /// Bytes of entries written to the temporary file.
    #[cfg(test)]
    pub fn spilled_bytes(&self) -> u64 {
        self.postings.spilled_bytes()
    }

    /// The candidate pairs, boilerplate list and counts for `params`, among
    /// `documents` documents; with `days`, recurring text is boilerplate too.
    /// `doc_of` maps the number each entry was added with to its document, or
    /// to none for entries not to count (copies take part through their
    /// first). The pairs' emissions are held up to `budget_bytes`, past it in
    /// a file. The method is the module's.
    pub fn shared_fingerprint_pairs(
        self,
        documents: usize,
        doc_of: &(dyn Fn(u32) -> Option<DocId> + Sync),
        params: OverlapParams,
        days: Option<&Days>,
        budget_bytes: usize,
    ) -> crate::Result<OverlapCandidates> {
        let min_shared = params.min_shared.max(1);
        let mut stats = OverlapStats {
            documents,
            ..OverlapStats::default()
        };
        let mut boilerplate = Vec::new();
        // (document, hash) of every boilerplate fingerprint, to count those a
        // candidate pair shares.
        let mut boilerplate_of: Vec<(u32, u64)> = Vec::new();
        let mut emissions: Partitioned<u64> = Partitioned::new("overlap pairs", budget_bytes);
        let batch = budget_bytes.min(MAX_BATCH_BYTES);
        stats.spilled_bytes = self.postings.spilled_bytes();
        let read_partition = |mut postings: Vec<(u64, u32)>| {
            postings.retain_mut(|(_, number)| match doc_of(*number) {
                Some(doc) => {
                    *number = doc.0;
                    true
                }
                None => false,
            });
            // Most hashes occur once in the whole corpus, and all entries of
            // a hash are in one partition: those certainly seen once are
            // counted, not sorted.
            let repeated = RepeatFilter::new(&postings);
            let before = postings.len();
            postings.retain(|&(hash, _)| repeated.may_repeat(hash));
            let unique = (before - postings.len()) as u64;
            postings.sort_unstable();
            postings.dedup();
            let mut partition = Partition::of(&postings, params, days);
            partition.stats.fingerprints_indexed += unique;
            partition.stats.distinct_fingerprints += unique;
            partition
        };
        self.postings
            .map_partitions(batch, read_partition, |partition| {
                stats.add(&partition.stats);
                boilerplate.extend(partition.boilerplate);
                boilerplate_of.extend(partition.boilerplate_of);
                emissions.extend(partition.emissions)
            })?;
        boilerplate_of.par_sort_unstable();
        let boilerplate_in = |doc: u32| {
            let start = boilerplate_of.partition_point(|&(d, _)| d < doc);
            let end = boilerplate_of.partition_point(|&(d, _)| d <= doc);
            &boilerplate_of[start..end]
        };

        // Each pair's run of emissions: the fingerprints it shares.
        let count_pairs = |mut packed: Vec<u64>| {
            packed.sort_unstable();
            packed
                .chunk_by(|x, y| x == y)
                .map(|run| (run[0], run.len()))
                .collect::<Vec<_>>()
        };
        let mut counted = Vec::new();
        stats.spilled_bytes += emissions.spilled_bytes();
        emissions.map_partitions(batch, count_pairs, |runs| {
            counted.extend(runs);
            Ok(())
        })?;
        counted.retain(|&(_, shared)| {
            let kept = shared >= min_shared;
            stats.pairs_below_min_shared += u64::from(!kept);
            kept
        });
        counted.par_sort_unstable();
        let pairs = counted
            .par_iter()
            .map(|&(packed, shared)| {
                let (a, b) = ((packed >> 32) as u32, packed as u32);
                OverlapPair {
                    pair: CandidatePair {
                        a: DocId(a),
                        b: DocId(b),
                    },
                    shared_fingerprints: u32::try_from(shared).unwrap_or(u32::MAX),
                    shared_boilerplate: shared_count(boilerplate_in(a), boilerplate_in(b)),
                }
            })
            .collect();
        Ok(OverlapCandidates {
            params,
            pairs,
            boilerplate,
            stats,
        })
    }
}

/// Which hashes of a partition may occur more than once: a bitset with a bit
/// per hash (its low bits), set for a hash seen a second time. A hash always
/// lands on its own bit, so a repeated hash always passes; two hashes sharing
/// a bit only let a unique one through, which sorting then finds alone. With
/// four bits per entry, about one unique hash in five passes; a partition's
/// bitset stays in cache.
struct RepeatFilter {
    repeated: Vec<u64>,
    mask: u64,
}

impl RepeatFilter {
    fn new(postings: &[(u64, u32)]) -> Self {
        let bits = (postings.len().saturating_mul(4))
            .next_power_of_two()
            .max(64);
        let mask = bits as u64 - 1;
        let (mut seen, mut repeated) = (vec![0u64; bits / 64], vec![0u64; bits / 64]);
        for &(hash, _) in postings {
            let (word, bit) = ((hash & mask) as usize / 64, 1u64 << (hash & 63));
            repeated[word] |= seen[word] & bit;
            seen[word] |= bit;
        }
        RepeatFilter { repeated, mask }
    }

    fn may_repeat(&self, hash: u64) -> bool {
        // `mask` is below the bitset's length, so the index is in range.
        self.repeated[(hash & self.mask) as usize / 64] & (1 << (hash & 63)) != 0
    }
}

/// Partitions read and worked on at once, at most about this many bytes of
/// entries: each is sorted on its own, in parallel.
const MAX_BATCH_BYTES: usize = 16 << 20;

/// What one partition of the index gives: its counts, boilerplate and pair
/// emissions, all in hash order.
struct Partition {
    stats: OverlapStats,
    boilerplate: Vec<u64>,
    boilerplate_of: Vec<(u32, u64)>,
    emissions: Vec<u64>,
}

impl Partition {
    /// The findings of a partition's entries, sorted by (hash, document)
    /// without repeats: a hash's document frequency (df) is the length of its
    /// run; a fingerprint with `2 <= df <= max_df` emits all its document
    /// pairs, packed as `a << 32 | b`.
    fn of(postings: &[(u64, u32)], params: OverlapParams, days: Option<&Days>) -> Self {
        let mut found = Partition {
            stats: OverlapStats {
                fingerprints_indexed: postings.len() as u64,
                ..OverlapStats::default()
            },
            boilerplate: Vec::new(),
            boilerplate_of: Vec::new(),
            emissions: Vec::new(),
        };
        let stats = &mut found.stats;
        for group in postings.chunk_by(|x, y| x.0 == y.0) {
            stats.distinct_fingerprints += 1;
            let df = group.len();
            let role = FingerprintRole::of(df, params.max_df, || {
                days.map(|d| d.span(group.iter().map(|&(_, doc)| doc)))
            });
            let recurring = role == FingerprintRole::Recurring;
            if role.is_boilerplate() {
                found.boilerplate.push(group[0].0);
                found
                    .boilerplate_of
                    .extend(group.iter().map(|&(hash, doc)| (doc, hash)));
                if recurring {
                    stats.recurring_fingerprints += 1;
                } else {
                    stats.boilerplate_fingerprints += 1;
                }
                stats.pairs_suppressed = stats.pairs_suppressed.saturating_add(pairs_of(df));
            } else if role == FingerprintRole::Pairs {
                stats.shared_fingerprints += 1;
                stats.pair_emissions = stats.pair_emissions.saturating_add(pairs_of(df));
                // Documents in a group are ascending (sorted by (hash, doc)),
                // so every packed pair already has a < b.
                for (i, &(_, a)) in group.iter().enumerate() {
                    found.emissions.extend(
                        group[i + 1..]
                            .iter()
                            .map(|&(_, b)| (a as u64) << 32 | b as u64),
                    );
                }
            }
        }
        found
    }
}

impl OverlapStats {
    /// Adds a partition's counts (all but `documents`) to these.
    fn add(&mut self, other: &OverlapStats) {
        self.fingerprints_indexed += other.fingerprints_indexed;
        self.distinct_fingerprints += other.distinct_fingerprints;
        self.shared_fingerprints += other.shared_fingerprints;
        self.boilerplate_fingerprints += other.boilerplate_fingerprints;
        self.recurring_fingerprints += other.recurring_fingerprints;
        self.pair_emissions = self.pair_emissions.saturating_add(other.pair_emissions);
        self.pairs_suppressed = self.pairs_suppressed.saturating_add(other.pairs_suppressed);
        self.pairs_below_min_shared += other.pairs_below_min_shared;
    }
}

/// Indexes `fingerprints` in memory and returns its candidates for `params`
/// (see `OverlapIndex`).
pub fn shared_fingerprint_pairs<F>(
    fingerprints: &[F],
    params: OverlapParams,
    days: Option<&Days>,
) -> crate::Result<OverlapCandidates>
where
    F: AsRef<[u64]> + Sync,
{
    let documents = fingerprints.len().min(u32::MAX as usize + 1);
    OverlapIndex::build(fingerprints).shared_fingerprint_pairs(
        documents,
        &|n| Some(DocId(n)),
        params,
        days,
        usize::MAX,
    )
}

/// Entries two sorted lists of (document, hash) have in common, by hash.
fn shared_count(a: &[(u32, u64)], b: &[(u32, u64)]) -> u32 {
    let (mut i, mut j, mut shared) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].1.cmp(&b[j].1) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared = shared.saturating_add(1);
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// `n * (n - 1) / 2`, the pairs among `n` documents.
fn pairs_of(n: usize) -> u64 {
    let n = n as u64;
    n * n.saturating_sub(1) / 2
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::fingerprint::Winnower;
    use crate::hash::{hash_bytes, SplitMix64};

    fn shared_fingerprint_pairs<F: AsRef<[u64]> + Sync>(
        fingerprints: &[F],
        params: OverlapParams,
        days: Option<&Days>,
    ) -> OverlapCandidates {
        super::shared_fingerprint_pairs(fingerprints, params, days).unwrap()
    }

    /// Pairs every fingerprint with `2 <= df <= max_df` emits (the oracle of
    /// `pair_emissions`).
    fn emissions(docs: &[Vec<u64>], max_df: usize) -> u64 {
        let mut df: BTreeMap<u64, usize> = BTreeMap::new();
        for doc in docs {
            for &h in doc.iter().collect::<BTreeSet<_>>() {
                *df.entry(h).or_default() += 1;
            }
        }
        df.values()
            .filter(|&&n| n <= max_df)
            .map(|&n| pairs_of(n))
            .sum()
    }

    fn params(max_df: usize, min_shared: usize) -> OverlapParams {
        OverlapParams { max_df, min_shared }
    }

    fn pair(a: u32, b: u32, shared: u32, shared_boilerplate: u32) -> OverlapPair {
        OverlapPair {
            pair: CandidatePair {
                a: DocId(a),
                b: DocId(b),
            },
            shared_fingerprints: shared,
            shared_boilerplate,
        }
    }

    /// `documents` random fingerprint lists over `vocabulary` values (unsorted,
    /// with repeats), plus a hash `u64::MAX` in about `common_share` of them.
    fn random_corpus(
        seed: u64,
        documents: usize,
        vocabulary: u64,
        common_share: f64,
    ) -> Vec<Vec<u64>> {
        let mut rng = SplitMix64::new(seed);
        (0..documents)
            .map(|_| {
                let len = rng.below(15) as usize;
                let mut doc: Vec<u64> = (0..len).map(|_| rng.below(vocabulary)).collect();
                if rng.next_f64() < common_share {
                    doc.push(u64::MAX);
                }
                doc
            })
            .collect()
    }

    /// Brute force: df of every hash, then pairwise set intersections.
    fn oracle(docs: &[Vec<u64>], p: OverlapParams) -> (Vec<OverlapPair>, Vec<u64>, u64) {
        let sets: Vec<BTreeSet<u64>> = docs.iter().map(|d| d.iter().copied().collect()).collect();
        let mut df: BTreeMap<u64, usize> = BTreeMap::new();
        for set in &sets {
            for &h in set {
                *df.entry(h).or_default() += 1;
            }
        }
        let boilerplate: Vec<u64> = df
            .iter()
            .filter(|(_, &n)| n > p.max_df)
            .map(|(&h, _)| h)
            .collect();
        let (mut pairs, mut below) = (Vec::new(), 0);
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                let common: Vec<&u64> = sets[a].intersection(&sets[b]).collect();
                let shared = common.iter().filter(|h| df[**h] <= p.max_df).count();
                let boilerplate = common.len() - shared;
                if shared >= p.min_shared.max(1) {
                    pairs.push(pair(a as u32, b as u32, shared as u32, boilerplate as u32));
                } else if shared > 0 {
                    below += 1;
                }
            }
        }
        (pairs, boilerplate, below)
    }

    #[test]
    fn text_in_many_documents_a_month_apart_is_recurring_boilerplate() {
        // Fingerprint 7 in five documents; 8 in two of them.
        let docs: Vec<Vec<u64>> = (0..5u64)
            .map(|d| if d < 2 { vec![7, 8] } else { vec![7, 100 + d] })
            .collect();
        let weekly: Vec<Option<u32>> = (0..5).map(|d| Some(100 + 10 * d)).collect();
        let same_week: Vec<Option<u32>> = (0..5).map(|d| Some(100 + d)).collect();
        let run = |days: &[Option<u32>]| {
            let days = Days {
                days: days.to_vec(),
                around_the_year: false,
            };
            shared_fingerprint_pairs(&docs, params(50, 1), Some(&days))
        };
        let recurring = run(&weekly);
        assert_eq!(recurring.boilerplate(), [7], "spans 40 days");
        assert_eq!(recurring.stats().recurring_fingerprints, 1);
        assert_eq!(recurring.pairs().len(), 1, "only the pair sharing 8");
        // The same text in five documents of one week: one story's copies.
        let copies = run(&same_week);
        assert!(copies.boilerplate().is_empty());
        assert_eq!(copies.pairs().len(), 10);
    }

    #[test]
    fn dateline_days_span_around_the_year() {
        let days = [Some(360), Some(2), Some(5), None];
        let around = Days {
            days: days.to_vec(),
            around_the_year: true,
        };
        assert_eq!(around.span(0..4), 10, "December 26 to January 5");
        let linear = Days {
            days: days.to_vec(),
            around_the_year: false,
        };
        assert_eq!(linear.span(0..4), 358);
        assert_eq!(around.span(3..4), 0, "no day known");
    }

    #[test]
    fn matches_brute_force() {
        for (seed, max_df, min_shared) in [
            (1, usize::MAX, 1),
            (2, 50, 1),
            (3, 50, 2),
            (4, 10, 3),
            (5, 5, 0),
            (6, 1, 1),
        ] {
            let docs = random_corpus(seed, 300, 400, 0.3);
            let p = params(max_df, min_shared);
            let got = shared_fingerprint_pairs(&docs, p, None);
            let (pairs, boilerplate, below) = oracle(&docs, p);
            let case = format!("seed {seed}, max_df {max_df}, min_shared {min_shared}");
            assert!(
                !pairs.is_empty() || max_df < 2,
                "{case}: the corpus makes no pairs"
            );
            assert_eq!(got.pairs(), pairs, "{case}");
            assert_eq!(got.boilerplate(), boilerplate, "{case}");
            let stats = got.stats();
            assert_eq!(stats.pairs_below_min_shared, below, "{case}");
            assert_eq!(
                stats.boilerplate_fingerprints,
                boilerplate.len() as u64,
                "{case}"
            );
            assert_eq!(stats.documents, 300);
            assert_eq!(stats.pair_emissions, emissions(&docs, max_df), "{case}");
            // Every emission is one shared fingerprint of a pair, kept or not.
            let (all_pairs, _, _) = oracle(&docs, params(max_df, 1));
            let shared: u64 = all_pairs.iter().map(|q| q.shared_fingerprints as u64).sum();
            assert_eq!(stats.pair_emissions, shared, "{case}");
            let distinct: BTreeSet<u64> = docs.iter().flatten().copied().collect();
            assert_eq!(stats.distinct_fingerprints, distinct.len() as u64, "{case}");
            let indexed: usize = docs
                .iter()
                .map(|d| d.iter().collect::<BTreeSet<_>>().len())
                .sum();
            assert_eq!(stats.fingerprints_indexed, indexed as u64, "{case}");
        }
    }

    #[test]
    fn spilled_and_left_out_documents() {
        let docs = random_corpus(12, 2000, 3000, 0.2);
        let p = params(20, 1);
        let held = shared_fingerprint_pairs(&docs, p, None);
        // Entries and emissions past a budget of a few hundred go to files.
        let mut index = OverlapIndex::new(4096);
        for (doc, hashes) in (0..).zip(&docs) {
            index.add(doc, hashes).unwrap();
        }
        assert!(index.spilled_bytes() > 0);
        let mut spilled = index
            .shared_fingerprint_pairs(docs.len(), &|n| Some(DocId(n)), p, None, 4096)
            .unwrap();
        assert!(spilled.stats.spilled_bytes > 0);
        spilled.stats.spilled_bytes = 0;
        assert_eq!(spilled, held);
        // Entries added under other numbers count for the document they map
        // to; a document left out counts as an empty one.
        let odd = |n: u32| (n % 2 == 1).then_some(DocId(n));
        let cleared: Vec<Vec<u64>> = docs
            .iter()
            .enumerate()
            .map(|(d, hashes)| {
                if d % 2 == 0 {
                    Vec::new()
                } else {
                    hashes.clone()
                }
            })
            .collect();
        let mut shifted = OverlapIndex::new(usize::MAX);
        for (doc, hashes) in (0..).zip(&docs) {
            shifted.add(doc + 1000, hashes).unwrap();
        }
        let left_out = shifted
            .shared_fingerprint_pairs(docs.len(), &|n| odd(n - 1000), p, None, usize::MAX)
            .unwrap();
        assert_eq!(left_out, shared_fingerprint_pairs(&cleared, p, None));
        assert!(left_out.pairs().len() < held.pairs().len());
    }

    #[test]
    fn common_fingerprints_are_boilerplate_and_make_no_pairs() {
        // Hash 999 is in all 10 documents; 42 only in documents 2 and 7, which
        // share 999 too, as boilerplate.
        let mut docs: Vec<Vec<u64>> = (0..10).map(|i| vec![999, 1000 + i]).collect();
        docs[2].push(42);
        docs[7].push(42);
        let got = shared_fingerprint_pairs(&docs, params(5, 1), None);
        assert_eq!(got.pairs(), [pair(2, 7, 1, 1)]);
        assert_eq!(got.boilerplate(), [999]);
        assert!(got.is_boilerplate(999));
        assert!(!got.is_boilerplate(42) && !got.is_boilerplate(1003));
        assert_eq!(got.stats().boilerplate_fingerprints, 1);
        assert_eq!(got.stats().pairs_suppressed, 45);
        assert_eq!(got.stats().shared_fingerprints, 1);
        // With a cut above 10, 999 pairs everything and 2-7 shares two.
        let all = shared_fingerprint_pairs(&docs, params(10, 1), None);
        assert_eq!(all.pairs().len(), 45);
        assert!(all.pairs().contains(&pair(2, 7, 2, 0)));
        assert!(all.boilerplate().is_empty());
        assert_eq!(
            shared_fingerprint_pairs(&docs, params(10, 2), None).pairs(),
            [pair(2, 7, 2, 0)]
        );
    }

    #[test]
    fn edge_cases() {
        let empty: Vec<Vec<u64>> = Vec::new();
        assert_eq!(
            shared_fingerprint_pairs(&empty, OverlapParams::default(), None).stats(),
            &OverlapStats::default()
        );
        let got = shared_fingerprint_pairs(
            &[vec![1, 1, 2], vec![], vec![3]],
            OverlapParams::default(),
            None,
        );
        assert!(
            got.pairs().is_empty(),
            "repeats within a document are not a pair"
        );
        assert_eq!(got.stats().fingerprints_indexed, 3);
        // Input as slices works too, and order within a document does not matter.
        let slices: [&[u64]; 2] = [&[9, 3, 5], &[5, 9]];
        assert_eq!(
            shared_fingerprint_pairs(&slices, OverlapParams::default(), None).pairs(),
            [pair(0, 1, 2, 0)]
        );
    }

    #[test]
    fn same_result_at_any_thread_count() {
        let docs = random_corpus(11, 3000, 2000, 0.05);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a test thread pool")
                .install(|| shared_fingerprint_pairs(&docs, params(20, 1), None))
        };
        let one = run(1);
        assert!(one.pairs().len() > 100 && !one.boilerplate().is_empty());
        assert_eq!(one, run(4));
    }

    #[test]
    fn finds_a_reused_passage_past_a_shared_footer() {
        // 60 articles of random words end with the same newsletter footer; one of
        // them reuses 8 words (exactly `min_passage_words`) of a wire story.
        let words = |text: &str| -> Vec<u64> {
            text.split_whitespace()
                .map(|w| hash_bytes(w.as_bytes(), 42))
                .collect()
        };
        let mut rng = SplitMix64::new(5);
        let mut random_text = |n: usize| -> String {
            (0..n)
                .map(|_| format!("w{}", rng.below(5000)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let footer = "sign up for our morning newsletter to get the top stories every day";
        let passage = "the ministry confirmed that talks would resume next week";
        let wire = format!("{} {passage} {}", random_text(40), random_text(40));
        let mut texts: Vec<String> = (0..60)
            .map(|_| format!("{} {footer}", random_text(80)))
            .collect();
        texts[17] = format!("{} {passage} {} {footer}", random_text(30), random_text(30));
        texts.push(wire);

        let winnower = Winnower::for_min_passage(8).with_seed(42);
        let docs: Vec<Vec<u64>> = texts.iter().map(|t| words(t)).collect();
        let fingerprints = winnower.distinct_hashes_all(&docs);
        let got = shared_fingerprint_pairs(&fingerprints, OverlapParams::default(), None);
        let wire_pair = CandidatePair {
            a: DocId(17),
            b: DocId(60),
        };
        assert!(got.pairs().iter().any(|p| p.pair == wire_pair));

        // Every window inside the footer selects the same minimum in all 60
        // articles, so those fingerprints are boilerplate.
        let footer_fps = winnower.distinct_hashes(&words(footer));
        assert!(!footer_fps.is_empty());
        assert!(footer_fps.iter().all(|&h| got.is_boilerplate(h)));

        // A footer k-gram at its edge is selected only in the articles whose
        // neighbouring k-grams hash higher, so its df can stay under `max_df`: such
        // pairs do share the footer, and later stages tell it apart by the
        // boilerplate fingerprints around it. Nothing else may pair documents.
        let footer_grams: BTreeSet<u64> = words(footer)
            .windows(winnower.k())
            .map(|g| crate::hash::combine_hashes(g, 42))
            .collect();
        for p in got.pairs().iter().filter(|p| p.pair != wire_pair) {
            let (a, b) = (
                &fingerprints[p.pair.a.index()],
                &fingerprints[p.pair.b.index()],
            );
            let leaked: Vec<u64> = a
                .iter()
                .filter(|h| b.binary_search(h).is_ok() && !got.is_boilerplate(**h))
                .copied()
                .collect();
            assert!(
                !leaked.is_empty() && leaked.iter().all(|h| footer_grams.contains(h)),
                "{p:?} shares fingerprints outside the footer"
            );
        }
    }
}

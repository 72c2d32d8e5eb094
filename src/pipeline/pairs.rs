//! Checking candidate pairs, batch by batch: each batch's documents are read
//! again, cut into words, stems and sentences once, and their pairs scored
//! exactly; the pairs that pass are aligned and graded, and the batch's texts
//! are let go before the next batch is read.
//!
//! Input: the sorted candidate list and the documents.
//! Output: [`Checked`], every candidate scored and the aligned ones graded.
//!
//! Invariants: a batch holds at most [`BATCH_WORDS`] words (a document longer
//! than that is a batch of its own), or, for one connected group larger than
//! that, at most the words the memory budget gives prepared texts; this
//! bounds the memory of prepared texts whatever the corpus size. Batches follow the
//! connected groups of the candidate graph, so a document is read and prepared
//! once unless its group is larger than a batch. What comes out does not depend
//! on the batching or the thread count: the caller sorts every list it reports.

use std::borrow::Cow;
use std::time::Instant;

use ahash::AHashSet;
use rayon::prelude::*;

use crate::align::char_offsets;
use crate::align::figures::{figure_match, figure_match_within, FigureMatch};
use crate::align::{align_by_runs, align_from, AlignText, Alignment, Passage, Runs};
use crate::boilerplate::BoilerplateMarker;
use crate::cluster::cluster;
use crate::config::{Config, Keep, ShingleUnit};
use crate::grade::{verbatim_words, Demotion, Grade, Rules, StoryScores, Verdict};
use crate::ids::{CandidatePair, DocId};
use crate::input::Document;
use crate::progress::{Progress, Stage};
use crate::report::StoryPassage;
use crate::report::Timings;
use crate::shingle::{Scratch, ShingleSet, Shingler};
use crate::sketch::{MinHasher, Signature};
use crate::story::evidence::{shared_evidence, SharedEvidence};
use crate::story::linkage::link_strength;
use crate::story::score::Side;
use crate::story::{StoryProfile, StorySimilarity, TermWeights};
use crate::verify::{score, ScoredPair};

/// Words of the documents prepared at once, at most: 1,024 articles of 600
/// words, or 4,700 wires of 130 (about 120 MB at [`PREPARED_BYTES_PER_WORD`]
/// with story profiles and the allocator's share). Counting words rather than documents keeps a large group of short
/// texts (the story candidates of Reuters-21578 are one group) in a few
/// batches: at 1,024 documents a batch, each of its documents was prepared
/// 3.5 times on average.
pub(super) const BATCH_WORDS: u64 = 1024 * 600;

/// Bytes a prepared word takes in a batch as measured, with the story
/// stage's profiles and the allocator's share (a batch of 9.4 million words
/// of harness articles raised the peak by 1.6 GB; Reuters-21578's 2.8
/// million by 280 MB): what turns a memory budget into words.
const PREPARED_BYTES_PER_WORD: u64 = 200;

/// Most words of one large candidate group prepared at once: what a
/// sixteenth of the memory budget holds (1.9 million words with the default
/// budget on a 24 GiB machine).
pub(super) fn group_words(config: &Config) -> u64 {
    config.memory_limit_bytes() / 16 / PREPARED_BYTES_PER_WORD
}

/// The candidate stages that found a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct FoundBy {
    pub minhash: bool,
    pub overlap: bool,
    pub story: bool,
}

/// A candidate pair from the merged list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    pub pair: CandidatePair,
    pub by: FoundBy,
}

/// A candidate pair, scored, with the stages that found it.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub scored: ScoredPair,
    pub found_by: FoundBy,
    /// Its story similarity, when the story stage runs.
    pub story: Option<StorySimilarity>,
}

/// An aligned and graded pair.
pub(super) struct Graded {
    pub candidate: Candidate,
    pub passages: Vec<Passage>,
    pub grade: Grade,
    /// Passages marked as boilerplate.
    pub boilerplate_passages: usize,
    /// A phrase repeated through one of the texts was not aligned.
    pub repetitive: bool,
    /// What a pair graded `rewrite` shares: names, numbers, quotes, terms.
    pub evidence: Option<SharedEvidence>,
    /// The passage whose story the other article shares most, in bytes.
    pub story_passage: Option<StoryPassage>,
    /// Why a pair graded unrelated on one story is not a rewrite.
    pub demotion: Option<Demotion>,
    /// Days between the articles (the larger of what their times and their
    /// datelines say).
    pub days_apart: Option<u32>,
    /// Sentences told alike with the same and with other figures (pairs
    /// that could be partial reuse or a rewrite; else zero).
    pub figures: FigureMatch,
}

/// What checking every candidate gives.
#[derive(Default)]
pub(super) struct Checked {
    /// Pairs aligned and graded: those at or above the threshold, and those
    /// the overlap stage found.
    pub graded: Vec<Graded>,
    /// Pairs below the threshold that only MinHash found: scored, not aligned.
    pub rejected: Vec<Candidate>,
    /// Pairs only the story stage found whose story similarity fell short.
    pub story_rejected: usize,
    /// Their story similarities: story clusters link on them too.
    pub story_links: Vec<(DocId, DocId, f64)>,
    /// With `all_pairs`, every other pair of documents that shares a shingle.
    pub non_candidates: Vec<ScoredPair>,
    /// Characters of every document read again, sorted by document, when
    /// clusters keep their longest member (texts are not held after this stage).
    pub chars: Vec<(DocId, usize)>,
}

/// What the pair stage works with.
pub(super) struct PairChecker<'a> {
    pub config: &'a Config,
    pub shingler: &'a Shingler,
    pub marker: &'a BoilerplateMarker,
    pub documents: &'a [Document],
    /// Sketches the texts read again, for the pairs' estimates (the same
    /// signatures the sketch pass made from the same shingles).
    pub hasher: &'a MinHasher,
    /// Publication time per document, when a time field is set.
    pub times: &'a [Option<i64>],
    /// Words per document (what a batch counts).
    pub words: &'a [u32],
    /// Most words prepared at once ([`BATCH_WORDS`]).
    pub batch_words: u64,
    /// Most words of one connected group prepared at once, when the group
    /// is larger than a batch: the more, the fewer of its documents are
    /// prepared again in another batch (from the memory budget).
    pub group_words: u64,
    /// Term weights, when the story stage runs.
    pub weights: Option<&'a TermWeights<'a>>,
    /// Told of every batch checked.
    pub progress: &'a dyn Progress,
}

impl PairChecker<'_> {
    /// Checks every candidate. With `all_pairs` (small corpora), every pair of
    /// documents is also scored, for the report's near misses.
    ///
    /// # Errors
    /// A text that cannot be read again, or that changed since it was read.
    pub fn check(
        &self,
        candidates: &[Found],
        all_pairs: bool,
        timings: &mut Timings,
    ) -> crate::Result<Checked> {
        let batches = if all_pairs {
            vec![Batch {
                docs: (0..self.documents.len() as u32).map(DocId).collect(),
                pairs: (0..candidates.len()).collect(),
            }]
        } else {
            batches(
                candidates,
                self.words,
                self.batch_words,
                self.group_words.max(self.batch_words),
            )
        };
        let mut checked = Checked::default();
        self.progress
            .start(Stage::Check, Some(candidates.len() as u64));
        for batch in &batches {
            self.check_batch(batch, candidates, all_pairs, &mut checked, timings)?;
            self.progress.advance(batch.pairs.len() as u64);
        }
        // A document of a split group is read in more than one batch.
        checked.chars.sort_unstable();
        checked.chars.dedup();
        Ok(checked)
    }

    fn check_batch(
        &self,
        batch: &Batch,
        candidates: &[Found],
        all_pairs: bool,
        checked: &mut Checked,
        timings: &mut Timings,
    ) -> crate::Result<()> {
        let clock = Instant::now();
        let texts = self.load_texts(batch, checked)?;
        let prepared: Vec<AlignText> = texts
            .par_iter()
            .map(|text| {
                // Story profiles need every text's terms at once; without
                // them, a near copy aligned by its runs needs none.
                let prepared = match self.weights {
                    Some(_) => AlignText::new(text, self.shingler),
                    None => AlignText::words_first(text, self.shingler),
                };
                mark_boilerplate(prepared, Some(self.marker))
            })
            .collect();
        let profiles: Vec<StoryProfile> = match self.weights {
            Some(weights) => prepared
                .par_iter()
                .map(|text| StoryProfile::new(text, weights))
                .collect(),
            None => Vec::new(),
        };
        timings.prepare += clock.elapsed().as_secs_f64();

        let clock = Instant::now();
        let shingles = self.shingle_sets(&prepared, &texts);
        let signatures: Vec<Signature> = shingles
            .par_iter()
            .map(|set| self.hasher.sketch(set))
            .collect();
        let local = |d: DocId| {
            batch
                .docs
                .binary_search(&d)
                .expect("a batch holds the documents of its pairs")
        };
        let score_pair = |pair: CandidatePair| {
            let (a, b) = (local(pair.a), local(pair.b));
            score(
                pair,
                &shingles[a],
                &shingles[b],
                (&signatures[a], &signatures[b]),
            )
        };
        let scored: Vec<Candidate> = batch
            .pairs
            .par_iter()
            .map(|&i| {
                let Found { pair, by } = candidates[i];
                let story = (!profiles.is_empty())
                    .then(|| profiles[local(pair.a)].similarity(&profiles[local(pair.b)]));
                Candidate {
                    scored: score_pair(pair),
                    found_by: by,
                    story,
                }
            })
            .collect();
        let to_align = self.set_aside_near_misses(scored, checked);
        if all_pairs {
            let others = pairs_not_in(&batch.docs, candidates).map(score_pair);
            checked
                .non_candidates
                .extend(others.filter(|p| p.similarity.shared_shingles > 0));
        }
        timings.verify += clock.elapsed().as_secs_f64();

        let clock = Instant::now();
        checked.graded.extend(align_and_grade(
            &to_align,
            |d| &prepared[local(d)],
            self.times,
            self.config,
            self.weights,
        ));
        timings.align += clock.elapsed().as_secs_f64();
        Ok(())
    }

    /// The batch's texts, read again; with `keep: longest`, their lengths
    /// go to `checked.chars`.
    fn load_texts<'d>(
        &'d self,
        batch: &Batch,
        checked: &mut Checked,
    ) -> crate::Result<Vec<Cow<'d, str>>> {
        let texts: Vec<Cow<str>> = batch
            .docs
            .par_iter()
            .map(|&d| self.documents[d.index()].load_text())
            .collect::<crate::Result<_>>()?;
        if self.config.cluster.keep == Keep::Longest {
            let counts = batch.docs.iter().zip(&texts);
            checked
                .chars
                .extend(counts.map(|(&d, text)| (d, text.chars().count())));
        }
        Ok(texts)
    }

    /// Each text's shingle set, from its prepared words when shingles are
    /// words (cutting the text once for both).
    fn shingle_sets(&self, prepared: &[AlignText], texts: &[Cow<str>]) -> Vec<ShingleSet> {
        prepared
            .par_iter()
            .zip(texts)
            .map_init(Scratch::default, |scratch, (text, original)| {
                match self.shingler.config().unit {
                    ShingleUnit::Words => self.shingler.word_shingles(&text.word_hashes()),
                    ShingleUnit::Chars => self.shingler.shingle_set(original, scratch),
                }
            })
            .collect()
    }

    /// The scored candidates worth aligning ([`Rules::worth_aligning`]); the
    /// MinHash ones that are not go to the near misses, the story-only ones
    /// are counted.
    fn set_aside_near_misses(
        &self,
        scored: Vec<Candidate>,
        checked: &mut Checked,
    ) -> Vec<Candidate> {
        let rules = Rules::new(self.config);
        let (to_align, rejected): (Vec<Candidate>, Vec<Candidate>) =
            scored.into_iter().partition(|c| {
                rules.worth_aligning(
                    c.scored.similarity.jaccard,
                    c.found_by.overlap,
                    c.story.as_ref().map(|s| StoryScores::new(s, (None, None))),
                )
            });
        let (by_minhash, story_only): (Vec<Candidate>, Vec<Candidate>) =
            rejected.into_iter().partition(|c| c.found_by.minhash);
        checked.rejected.extend(by_minhash);
        checked.story_rejected += story_only.len();
        checked
            .story_links
            .extend(story_only.iter().filter_map(|c| {
                let s = c.story.as_ref()?;
                Some((c.scored.pair.a, c.scored.pair.b, link_strength(s)))
            }));
        to_align
    }
}

/// Every pair of `docs` (sorted) that is not among `candidates`, for the
/// near misses of a small corpus.
fn pairs_not_in<'c>(
    docs: &'c [DocId],
    candidates: &'c [Found],
) -> impl Iterator<Item = CandidatePair> + 'c {
    let n = docs.len();
    (0..n)
        .flat_map(move |a| {
            (a + 1..n).map(move |b| CandidatePair {
                a: docs[a],
                b: docs[b],
            })
        })
        .filter(|pair| {
            candidates
                .binary_search_by(|found| found.pair.cmp(pair))
                .is_err()
        })
}

/// Candidates checked together, and the documents they need.
#[derive(Debug, Default)]
struct Batch {
    /// Sorted, distinct.
    docs: Vec<DocId>,
    /// Indexes into the candidate list.
    pairs: Vec<usize>,
}

/// Cuts the candidates into batches of at most `max_words` words (per
/// document, `words`; a document counts at least 1), one connected group of
/// the candidate graph after another. A group larger than that is a batch of
/// its own of up to `group_words` words, or, larger still, is cut pair by
/// pair, in [`neighbourhood_order`], into batches of `group_words`: a dense
/// group (the story candidates of short wires) cut small prepares most of its
/// documents in several batches.
fn batches(candidates: &[Found], words: &[u32], max_words: u64, group_words: u64) -> Vec<Batch> {
    let doc_count = words.len();
    let cost = |d: DocId| u64::from(words[d.index()].max(1));
    let pairs: Vec<CandidatePair> = candidates.iter().map(|c| c.pair).collect();
    // The connected groups are what duplicate clusters are for verified pairs.
    let groups = cluster(doc_count, &pairs, |_| 0, Keep::First);
    drop(pairs);
    let mut group_of = vec![u32::MAX; doc_count];
    for (g, group) in groups.iter().enumerate() {
        for member in &group.members {
            group_of[member.index()] = g as u32;
        }
    }
    let mut group_pairs: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (i, found) in candidates.iter().enumerate() {
        group_pairs[group_of[found.pair.a.index()] as usize].push(i);
    }
    drop(group_of);

    let mut done: Vec<Batch> = Vec::new();
    let mut batch = Batch::default();
    let mut held_words = 0u64;
    let mut flush = |batch: &mut Batch, held_words: &mut u64| {
        if !batch.pairs.is_empty() {
            let mut full = std::mem::take(batch);
            full.docs.sort_unstable();
            full.docs.dedup();
            done.push(full);
        }
        *held_words = 0;
    };
    for (group, pairs) in groups.iter().zip(group_pairs) {
        let group_words_total: u64 = group.members.iter().map(|&d| cost(d)).sum();
        if group_words_total <= max_words {
            if held_words + group_words_total > max_words {
                flush(&mut batch, &mut held_words);
            }
            batch.docs.extend(&group.members);
            batch.pairs.extend(pairs);
            held_words += group_words_total;
            continue;
        }
        flush(&mut batch, &mut held_words);
        if group_words_total <= group_words {
            batch.docs.extend(&group.members);
            batch.pairs.extend(pairs);
            flush(&mut batch, &mut held_words);
            continue;
        }
        let mut held: AHashSet<DocId> = AHashSet::new();
        for i in neighbourhood_order(&group.members, pairs, candidates) {
            let pair = candidates[i].pair;
            let new: u64 = [pair.a, pair.b]
                .iter()
                .filter(|d| !held.contains(d))
                .map(|&d| cost(d))
                .sum();
            if !held.is_empty() && held_words + new > group_words {
                flush(&mut batch, &mut held_words);
                held.clear();
            }
            for d in [pair.a, pair.b] {
                if held.insert(d) {
                    batch.docs.push(d);
                    held_words += cost(d);
                }
            }
            batch.pairs.push(i);
        }
        flush(&mut batch, &mut held_words);
    }
    flush(&mut batch, &mut held_words);
    done
}

/// The pairs of one connected group (`members`, sorted), in an order that
/// keeps neighbours together: the members are numbered breadth first from
/// the first, and the pairs sorted by their members' numbers. A document's
/// pairs then come together, followed by its neighbours' pairs, so a batch cut
/// from consecutive pairs reuses most of its documents; in candidate order a
/// large group is read several times over (on Reuters-21578, whose story
/// candidates form one large group, every document about nine times).
fn neighbourhood_order(members: &[DocId], pairs: Vec<usize>, candidates: &[Found]) -> Vec<usize> {
    let local = |d: DocId| {
        members
            .binary_search(&d)
            .expect("a group's pairs join its members") as u32
    };
    // Each pair's members as indexes into `members`, found once.
    let ends: Vec<(u32, u32)> = pairs
        .iter()
        .map(|&i| (local(candidates[i].pair.a), local(candidates[i].pair.b)))
        .collect();
    let mut neighbours: Vec<Vec<u32>> = vec![Vec::new(); members.len()];
    for &(a, b) in &ends {
        neighbours[a as usize].push(b);
        neighbours[b as usize].push(a);
    }
    let mut number = vec![u32::MAX; members.len()];
    let mut queue = std::collections::VecDeque::from([0u32]);
    number[0] = 0;
    let mut next = 1;
    while let Some(m) = queue.pop_front() {
        let near = &mut neighbours[m as usize];
        near.sort_unstable();
        for &n in near.iter() {
            if number[n as usize] == u32::MAX {
                number[n as usize] = next;
                next += 1;
                queue.push_back(n);
            }
        }
    }
    let mut keyed: Vec<((u32, u32), usize)> = ends
        .iter()
        .zip(pairs)
        .map(|(&(a, b), i)| {
            let (x, y) = (number[a as usize], number[b as usize]);
            ((x.min(y), x.max(y)), i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Prepares one text for alignment, with its boilerplate marked when a marker
/// is given and has anything to mark.
pub(super) fn prepare<'t>(
    text: &'t str,
    shingler: &Shingler,
    marker: Option<&BoilerplateMarker>,
) -> AlignText<'t> {
    mark_boilerplate(AlignText::new(text, shingler), marker)
}

/// A prepared text with its boilerplate marked when a marker is given and
/// has anything to mark.
fn mark_boilerplate<'t>(
    prepared: AlignText<'t>,
    marker: Option<&BoilerplateMarker>,
) -> AlignText<'t> {
    match marker {
        Some(marker) if marker.marks_anything() => {
            let marks = marker.mark(prepared.text, prepared.tokens());
            prepared.with_boilerplate(marks)
        }
        _ => prepared,
    }
}

/// The figures of a pair's sentences told alike, where the verdict needs
/// them: inside the shared passages of a pair with enough copied text for
/// partial reuse (copied, or a frame filled in again?), else across the
/// whole texts of a pair at the story threshold (one story, or two
/// instances of a recurring report?).
pub(super) fn figures_of(
    rules: &Rules,
    jaccard: f64,
    story: Option<StoryScores>,
    passages: &[Passage],
    (a, b): (&AlignText, &AlignText),
) -> FigureMatch {
    let words = (a.len(), b.len());
    let verbatim = verbatim_words(passages);
    if !rules.needs_figures(jaccard, story, verbatim, words) {
        FigureMatch::default()
    } else if rules.can_be_reuse(verbatim, words) {
        figure_match_within(a, b, passages)
    } else {
        figure_match(a, b)
    }
}

/// Aligns and grades candidate pairs in parallel, from the prepared texts of
/// their documents.
pub(super) fn align_and_grade<'p, 't: 'p>(
    candidates: &[Candidate],
    prepared: impl Fn(DocId) -> &'p AlignText<'t> + Sync,
    times: &[Option<i64>],
    config: &Config,
    weights: Option<&TermWeights>,
) -> Vec<Graded> {
    let rules = Rules::new(config);
    candidates
        .par_iter()
        .map(|candidate| {
            let candidate = candidate.clone();
            let (a, b) = (candidate.scored.pair.a, candidate.scored.pair.b);
            let (text_a, text_b) = (prepared(a), prepared(b));
            let words = (text_a.len(), text_b.len());
            let runs = Runs::find(text_a, text_b, &config.align);
            let times = (times[a.index()], times[b.index()]);
            let story = candidate.story.as_ref().map(|s| StoryScores::new(s, times));
            let jaccard = candidate.scored.similarity.jaccard;
            let run_words = runs.verbatim_words();
            let by_runs = rules
                .passages_from_runs(run_words, words)
                .then(|| align_by_runs(text_a, text_b, &config.align, &runs))
                .flatten();
            let alignment = if let Some(alignment) = by_runs {
                alignment
            } else if rules.needs_sentence_seeds(jaccard, story, run_words, words) {
                align_from(text_a, text_b, &config.align, runs)
            } else {
                Alignment {
                    passages: Vec::new(),
                    repetitive_windows: runs.repetitive_windows(),
                }
            };
            let passages = alignment.passages;
            let verbatim = verbatim_words(&passages);
            let figures = figures_of(&rules, jaccard, story, &passages, (text_a, text_b));
            let grade = rules.grade(
                &candidate.scored.similarity,
                &passages,
                words,
                story,
                figures,
                times,
            );
            let demotion = match grade.verdict {
                Verdict::Unrelated => rules.demotion(story, figures, verbatim, words),
                _ => None,
            };
            let boilerplate_passages = passages.iter().filter(|p| p.boilerplate).count();
            let evidence = match weights {
                Some(weights) if grade.verdict == Verdict::Rewrite => {
                    Some(shared_evidence(text_a, text_b, weights))
                }
                _ => None,
            };
            // Only listed pairs report it (finding characters reads the text).
            let listed = grade.verdict.is_listed();
            let story_passage = candidate.story.as_ref().filter(|_| listed).and_then(|s| {
                let (side, words) = s.passage.clone()?;
                let text = match side {
                    Side::A => text_a,
                    Side::B => text_b,
                };
                let bytes = text.byte_range(&words);
                let chars = char_offsets(text.text, &[bytes.start, bytes.end]);
                Some(StoryPassage {
                    side,
                    start_byte: bytes.start,
                    end_byte: bytes.end,
                    start_char: chars[0],
                    end_char: chars[1],
                    words: words.len(),
                })
            });
            Graded {
                candidate,
                // Pairs graded `unrelated` are counted, not listed: drop their text.
                passages: if listed { passages } else { Vec::new() },
                grade,
                boilerplate_passages,
                repetitive: alignment.repetitive_windows > 0,
                evidence,
                story_passage,
                demotion,
                days_apart: story.and_then(|s| s.days_apart),
                figures,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsh::{banded_pairs, LshParams};
    use crate::sketch::MinHasher;
    use crate::synthetic::{generate, CorpusSpec};

    #[test]
    fn small_batches_give_the_same_pairs_as_one_batch() {
        let corpus = generate(&CorpusSpec {
            documents: 300,
            mean_words: 120,
            duplicate_share: 0.3,
            ..CorpusSpec::default()
        });
        let config = Config {
            threshold: 0.3,
            ..Config::default()
        };
        let shingler = Shingler::new(config.shingle, config.seed);
        let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
        let documents: Vec<Document> = corpus
            .texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(i.to_string(), t.clone()))
            .collect();
        let signatures: Vec<Signature> = documents
            .iter()
            .map(|d| {
                hasher
                    .sketch(&shingler.shingle_set(d.held_text().unwrap(), &mut Scratch::default()))
            })
            .collect();
        let lsh = LshParams::resolve(None, None, config.threshold, config.sketch.num_perm);
        let found: Vec<Found> = banded_pairs(&signatures, lsh, &|_| true)
            .pairs
            .into_iter()
            .map(|pair| Found {
                pair,
                by: FoundBy {
                    minhash: true,
                    ..FoundBy::default()
                },
            })
            .collect();
        let marker = BoilerplateMarker::new(
            crate::fingerprint::Winnower::for_min_passage(8),
            &[],
            &shingler,
        );
        let times = vec![None; documents.len()];
        let words = vec![1; documents.len()];
        let check = |batch_words| {
            let checker = PairChecker {
                config: &config,
                shingler: &shingler,
                marker: &marker,
                documents: &documents,
                hasher: &hasher,
                times: &times,
                words: &words,
                batch_words,
                group_words: batch_words,
                weights: None,
                progress: &crate::progress::Silent,
            };
            let checked = checker
                .check(&found, false, &mut Timings::default())
                .unwrap();
            let mut graded: Vec<_> = checked
                .graded
                .iter()
                .map(|g| (g.candidate.scored, g.grade.verdict, g.passages.clone()))
                .collect();
            graded.sort_by_key(|g| g.0.pair);
            let mut rejected: Vec<_> = checked.rejected.iter().map(|c| c.scored).collect();
            rejected.sort_by_key(|s| s.pair);
            (graded, rejected)
        };
        let whole = check(u64::MAX);
        assert!(
            whole.0.len() > 20 && !whole.1.is_empty(),
            "{} graded",
            whole.0.len()
        );
        assert_eq!(check(3), whole);
    }

    fn found(pairs: &[(u32, u32)]) -> Vec<Found> {
        pairs
            .iter()
            .map(|&(a, b)| Found {
                pair: CandidatePair {
                    a: DocId(a),
                    b: DocId(b),
                },
                by: FoundBy {
                    minhash: true,
                    ..FoundBy::default()
                },
            })
            .collect()
    }

    #[test]
    fn batches_keep_groups_whole_and_cover_every_pair_once() {
        // Groups {0,1,2}, {3,4}, {5,6}, {7,8,9,10,11} (a chain).
        let candidates = found(&[
            (0, 1),
            (0, 2),
            (3, 4),
            (5, 6),
            (7, 8),
            (8, 9),
            (9, 10),
            (10, 11),
        ]);
        let batches = batches(&candidates, &[1; 12], 4, 4);
        let mut seen: Vec<usize> = batches.iter().flat_map(|b| b.pairs.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..candidates.len()).collect::<Vec<_>>());
        for batch in &batches {
            assert!(batch.docs.len() <= 4, "{:?}", batch.docs);
            assert!(batch.docs.windows(2).all(|w| w[0] < w[1]));
            for &i in &batch.pairs {
                let pair = candidates[i].pair;
                assert!(batch.docs.contains(&pair.a) && batch.docs.contains(&pair.b));
            }
        }
        // Small groups are never split: 0, 1 and 2 share one batch.
        let with_zero = batches.iter().find(|b| b.docs.contains(&DocId(0))).unwrap();
        assert!(with_zero.docs.contains(&DocId(1)) && with_zero.docs.contains(&DocId(2)));
        // The chain of five is cut: its documents span two batches.
        let holding_chain = batches
            .iter()
            .filter(|b| b.docs.iter().any(|d| (7..12).contains(&d.0)))
            .count();
        assert_eq!(holding_chain, 2);
    }

    #[test]
    fn batches_count_words_not_documents() {
        // One group of eight: six short documents and two long ones. A
        // budget of 100 words holds the six short ones together; each long
        // one (60 words) goes with few others; one longer than the budget
        // still gets a batch.
        let candidates = found(&[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]);
        let words = [10, 10, 10, 10, 10, 10, 60, 150];
        let batches = batches(&candidates, &words, 100, 100);
        let mut seen: Vec<usize> = batches.iter().flat_map(|b| b.pairs.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..candidates.len()).collect::<Vec<_>>());
        for batch in &batches {
            let held: u32 = batch.docs.iter().map(|d| words[d.index()]).sum();
            assert!(held <= 100 || batch.docs.len() <= 2, "{batch:?}");
        }
        let with_zero = batches.iter().find(|b| b.docs.contains(&DocId(0))).unwrap();
        assert!(
            (0..6).all(|d| with_zero.docs.contains(&DocId(d))),
            "{with_zero:?}"
        );
        // With room for a large group, it is one batch, each document once.
        let whole = super::batches(&candidates, &words, 100, 300);
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].docs.len(), 8);
        assert_eq!(whole[0].pairs.len(), candidates.len());
    }

    #[test]
    fn a_large_group_is_cut_along_its_neighbourhoods() {
        // A chain of 41 documents whose ids are scrambled (17 i mod 41): in
        // candidate order consecutive pairs share no document.
        let ids: Vec<u32> = (0..41).map(|i| i * 17 % 41).collect();
        let mut pairs: Vec<(u32, u32)> = ids
            .windows(2)
            .map(|w| (w[0].min(w[1]), w[0].max(w[1])))
            .collect();
        pairs.sort_unstable();
        let candidates = found(&pairs);
        let batches = batches(&candidates, &[1; 41], 10, 10);
        let mut seen: Vec<usize> = batches.iter().flat_map(|b| b.pairs.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..candidates.len()).collect::<Vec<_>>());
        assert!(batches.iter().all(|b| b.docs.len() <= 10));
        // Walking the chain, a batch of 10 documents holds 9 of its pairs,
        // so most documents are read once; pair by pair in candidate order
        // it would hold 5 and read most of them twice.
        let loads: usize = batches.iter().map(|b| b.docs.len()).sum();
        assert!(loads <= 55, "{loads} loads of 41 documents");
    }
}

//! Shared passages: the regions two documents have in common, copied verbatim
//! or reworded, reported as spans of both *original* texts.
//!
//! Input: two [`AlignText`]s (each document prepared once) and the
//! [`AlignConfig`]. Output: [`Passage`]s ordered by their position in the first
//! document; no two overlap on either side.
//!
//! Stages, one submodule each: [`prepared`] prepares a document (words, stems,
//! sentences) and `anchor` indexes its word windows; [`seed`] finds evidence (runs of identical words, and sentence
//! pairs similar after stemming); `extend` groups nearby seeds into passages,
//! splits weak groups and trims the ends. Exact runs alone make a copied passage
//! word-exact; sentence seeds make a reworded or reordered passage one passage
//! rather than nothing.

mod anchor;
mod extend;
pub mod figures;
pub mod prepared;
pub mod seed;

use std::ops::Range;

use bit_vec::BitVec;
use serde::{Deserialize, Serialize};

use crate::config::AlignConfig;
use extend::extend;
use prepared::marked_share;
pub use prepared::AlignText;
use seed::{exact_runs, sentence_pairs, PairWeights, Seed, SentenceChoice};

/// One side of a passage: where it is in an original text, and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageSide {
    /// First byte in the original text.
    pub start_byte: usize,
    /// One past the last byte.
    pub end_byte: usize,
    /// First character (Unicode scalar value) in the original text.
    pub start_char: usize,
    /// One past the last character.
    pub end_char: usize,
    /// Its length in words.
    pub words: usize,
    /// Of those, the words inside runs of at least `min_passage_words` words
    /// found identically in the other document (copied verbatim); the rest were
    /// matched as similar sentences, or lie in gaps between matches.
    pub verbatim_words: usize,
    /// The original text of the passage: `text[start_byte..end_byte]`.
    pub text: String,
}

/// A region both documents share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The passage in the first document.
    pub a: PassageSide,
    /// The passage in the second document.
    pub b: PassageSide,
    /// Cosine of the two sides' tf-isf vectors of stemmed content words: 1 for a
    /// verbatim copy, lower the more it was reworded.
    pub similarity: f64,
    /// At least `BOILERPLATE_SHARE` of its words, on either side, are
    /// boilerplate (see `crate::boilerplate`): it is shown but is no evidence
    /// of reuse.
    pub boilerplate: bool,
}

/// Share of boilerplate words that makes a passage boilerplate.
pub const BOILERPLATE_SHARE: f64 = 0.5;

/// A sentence pair whose words are at least this share inside exact runs, on
/// both sides, is left to the runs.
const RUN_COVERED_SENTENCE: f64 = 0.5;

/// The shared passages of two documents, and what was left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alignment {
    /// The passages, in A's order.
    pub passages: Vec<Passage>,
    /// Windows of A's words that occur more than `seed::MAX_OCCURRENCES`
    /// times in B (a repeated phrase) and so anchored nothing.
    pub repetitive_windows: usize,
}

/// The shared passages of two documents.
pub fn align(a: &AlignText, b: &AlignText, config: &AlignConfig) -> Alignment {
    align_from(a, b, config, Runs::find(a, b, config))
}

/// The runs of identical words two documents share: the first step of
/// [`align`], exposed so a caller can judge a pair by them before paying for
/// the rest.
#[derive(Debug, Clone)]
pub struct Runs {
    seeds: Vec<seed::Seed>,
    repetitive_windows: usize,
}

impl Runs {
    /// Maximal runs of at least `min_passage_words` identical words (of the
    /// shorter document's length, when it is shorter).
    pub fn find(a: &AlignText, b: &AlignText, config: &AlignConfig) -> Self {
        let min_len = config.min_passage_words.min(a.len()).min(b.len());
        let (seeds, repetitive_windows) = exact_runs(a, b, min_len);
        Runs {
            seeds,
            repetitive_windows,
        }
    }

    /// Words of A and of B inside the runs: an upper bound on the verbatim
    /// words of any alignment of the pair.
    pub fn verbatim_words(&self) -> (usize, usize) {
        (
            union_len(self.seeds.iter().map(|r| r.a.clone()).collect()),
            union_len(self.seeds.iter().map(|r| r.b.clone()).collect()),
        )
    }

    /// Windows of A that repeat too often in B to anchor anything.
    pub fn repetitive_windows(&self) -> usize {
        self.repetitive_windows
    }
}

/// The passage of a near copy, from its runs alone (the near-duplicate fast
/// path, for a pair whose runs cover most of both texts), or `None` when the
/// runs do not chain into one passage, which is then left to [`align_from`]
/// (sentence seeds may bridge a reworded stretch that the runs cannot). Runs
/// in order on both sides are merged across gaps of at most `max_gap_words`
/// words on each side, and the passage's similarity is its verbatim share
/// (the words of both sides inside runs, over all its words). No stems or
/// sentences are needed. Runs are maximal, so two in a row can share a word
/// (a deleted word next to a repeated one): the later one starts after the
/// earlier one ends. A run that overlaps one already taken otherwise, on
/// either side, repeats text already aligned and is left out.
pub fn align_by_runs(
    a: &AlignText,
    b: &AlignText,
    config: &AlignConfig,
    runs: &Runs,
) -> Option<Alignment> {
    let mut seeds = runs.seeds.clone();
    seeds.sort_by_key(|s| (s.a.start, s.b.start));
    let gap = config.max_gap_words as u32;
    let overlaps = |x: &Range<u32>, y: &Range<u32>| x.start < y.end && y.start < x.end;
    // The chain so far: its span on each side, and its runs.
    let mut chain: Option<(Range<u32>, Range<u32>, Vec<Seed>)> = None;
    for mut run in seeds {
        let Some((span_a, span_b, members)) = chain.as_mut() else {
            chain = Some((run.a.clone(), run.b.clone(), vec![run]));
            continue;
        };
        // Identical runs are as long on both sides.
        let shared =
            (span_a.end.saturating_sub(run.a.start)).max(span_b.end.saturating_sub(run.b.start));
        if shared > 0 && shared < run.a.len() as u32 {
            run.a.start += shared;
            run.b.start += shared;
        }
        if members
            .iter()
            .any(|t| overlaps(&t.a, &run.a) || overlaps(&t.b, &run.b))
        {
            continue;
        }
        let follows = run.a.start >= span_a.end
            && run.b.start >= span_b.end
            && run.a.start - span_a.end <= gap
            && run.b.start - span_b.end <= gap;
        if !follows {
            return None;
        }
        span_a.end = run.a.end;
        span_b.end = run.b.end;
        members.push(run);
    }
    let (span_a, span_b, members) = chain?;
    let verbatim_a = members.iter().map(|r| r.a.len()).sum();
    let verbatim_b = members.iter().map(|r| r.b.len()).sum();
    let a_side = sides(a, std::iter::once((span_a.clone(), verbatim_a))).pop()?;
    let b_side = sides(b, std::iter::once((span_b.clone(), verbatim_b))).pop()?;
    let passage = Passage {
        similarity: (verbatim_a + verbatim_b) as f64 / (a_side.words + b_side.words).max(1) as f64,
        boilerplate: a.boilerplate_share(&span_a) >= BOILERPLATE_SHARE
            || b.boilerplate_share(&span_b) >= BOILERPLATE_SHARE,
        a: a_side,
        b: b_side,
    };
    Some(Alignment {
        passages: vec![passage],
        repetitive_windows: runs.repetitive_windows,
    })
}

/// The rest of [`align`], from runs found by [`Runs::find`] on the same texts.
pub fn align_from(a: &AlignText, b: &AlignText, config: &AlignConfig, runs: Runs) -> Alignment {
    if a.is_empty() || b.is_empty() {
        return Alignment::default();
    }
    let weights = PairWeights::new(a, b);
    let min_len = config.min_passage_words.min(a.len()).min(b.len());
    let Runs {
        mut seeds,
        repetitive_windows,
    } = runs;
    if config.anchored && seeds.is_empty() {
        // No run of identical words: nothing can anchor a passage, and the
        // sentence comparison (the costly part) is skipped.
        return Alignment {
            passages: Vec::new(),
            repetitive_windows,
        };
    }
    let runs = seeds.clone();
    seeds.extend(sentence_seeds(a, b, &weights, config, &runs));
    let short = AlignConfig {
        min_passage_words: min_len,
        ..*config
    };
    let mut fragments = extend(seeds, &weights, a, b, &short);
    extend::widen(&mut fragments, a, b);
    for f in &mut fragments {
        f.similarity = weights.cosine(f.a.clone(), f.b.clone());
    }
    let overlaps =
        |x: &std::ops::Range<u32>, y: &std::ops::Range<u32>| x.start < y.end && y.start < x.end;
    if config.anchored {
        fragments.retain(|f| {
            runs.iter()
                .any(|r| overlaps(&r.a, &f.a) && overlaps(&r.b, &f.b))
        });
    }
    let passages = passages(a, b, &fragments, &runs);
    Alignment {
        passages,
        repetitive_windows,
    }
}

/// Seeds from similar sentences: pairs of sentences whose stemmed content
/// words agree, among those not already covered by the runs (`runs`), and,
/// when passages must be anchored, near enough to a run to join one.
fn sentence_seeds(
    a: &AlignText,
    b: &AlignText,
    weights: &PairWeights,
    config: &AlignConfig,
    runs: &[Seed],
) -> Vec<Seed> {
    // Where words were copied exactly, the runs give word-exact ends: a sentence
    // pair mostly covered by runs on both sides adds nothing but looser ends.
    // (On PAN 2013, dropping only fully covered pairs, or any touched pair, both
    // scored lower on the reworded categories.)
    let runs_a = covered(runs.iter().map(|s| s.a.clone()), a.len());
    let runs_b = covered(runs.iter().map(|s| s.b.clone()), b.len());
    let run_covered = (
        run_covered_sentences(a, &runs_a),
        run_covered_sentences(b, &runs_b),
    );
    let similar = |sentences_a: &BitVec, sentences_b: &BitVec| {
        let choice = SentenceChoice {
            among: (sentences_a, sentences_b),
            run_covered: (&run_covered.0, &run_covered.1),
        };
        sentence_pairs(
            weights,
            &choice,
            config.min_sentence_cosine,
            config.min_sentence_dice,
        )
    };
    if config.anchored {
        // A passage must hold a run, so only sentences that a chain of seeds
        // can link to a run matter: those within `max_gap_words` words of a
        // seed on both sides. The reach grows with the seeds found until it
        // stops (comparing more sentences only ever finds more pairs).
        let gap = config.max_gap_words;
        let mut found: Vec<Seed> = Vec::new();
        let mut compared = (BitVec::new(), BitVec::new());
        loop {
            let reach = (
                a.sentences_near(runs.iter().chain(&found).map(|s| &s.a), gap),
                b.sentences_near(runs.iter().chain(&found).map(|s| &s.b), gap),
            );
            if reach == compared {
                break;
            }
            found = similar(&reach.0, &reach.1);
            compared = reach;
        }
        found
    } else {
        let all = (
            BitVec::from_elem(a.sentence_count(), true),
            BitVec::from_elem(b.sentence_count(), true),
        );
        similar(&all.0, &all.1)
    }
}

/// The fragments as passages: both sides' offsets and text, the words inside
/// identical runs on each side, and whether boilerplate makes most of either.
fn passages(
    a: &AlignText,
    b: &AlignText,
    fragments: &[extend::Fragment],
    runs: &[Seed],
) -> Vec<Passage> {
    let overlaps =
        |x: &std::ops::Range<u32>, y: &std::ops::Range<u32>| x.start < y.end && y.start < x.end;
    let verbatim = |f: &extend::Fragment, side_a: bool| {
        let inside = runs
            .iter()
            .filter(|r| overlaps(&r.a, &f.a) && overlaps(&r.b, &f.b))
            .map(|r| {
                let (run, within) = if side_a { (&r.a, &f.a) } else { (&r.b, &f.b) };
                run.start.max(within.start)..run.end.min(within.end)
            });
        union_len(inside.collect())
    };
    let a_sides = sides(
        a,
        fragments.iter().map(|f| (f.a.clone(), verbatim(f, true))),
    );
    let b_sides = sides(
        b,
        fragments.iter().map(|f| (f.b.clone(), verbatim(f, false))),
    );
    a_sides
        .into_iter()
        .zip(b_sides)
        .zip(fragments)
        .map(|((a_side, b_side), f)| Passage {
            a: a_side,
            b: b_side,
            similarity: f.similarity,
            boilerplate: a.boilerplate_share(&f.a) >= BOILERPLATE_SHARE
                || b.boilerplate_share(&f.b) >= BOILERPLATE_SHARE,
        })
        .collect()
}

/// Number of positions covered by any of `ranges`.
fn union_len(mut ranges: Vec<std::ops::Range<u32>>) -> usize {
    ranges.sort_by_key(|r| r.start);
    let (mut total, mut end) = (0usize, 0u32);
    for r in ranges {
        let start = r.start.max(end);
        if r.end > start {
            total += (r.end - start) as usize;
            end = r.end;
        }
    }
    total
}

/// Marks the sentences of `text` whose words are at least
/// [`RUN_COVERED_SENTENCE`] inside exact runs (`runs` marks those words).
fn run_covered_sentences(text: &AlignText, runs: &BitVec) -> BitVec {
    text.sentences()
        .iter()
        .map(|s| marked_share(runs, s) >= RUN_COVERED_SENTENCE)
        .collect()
}

/// Marks the words inside any of `ranges`.
fn covered(ranges: impl Iterator<Item = std::ops::Range<u32>>, len: usize) -> BitVec {
    let mut marks = BitVec::from_elem(len, false);
    for range in ranges {
        for i in range {
            marks.set(i as usize, true);
        }
    }
    marks
}

/// Turns word ranges into original-text spans with character offsets.
fn sides(
    text: &AlignText,
    ranges: impl Iterator<Item = (std::ops::Range<u32>, usize)>,
) -> Vec<PassageSide> {
    let words: Vec<(usize, usize, usize, usize)> = ranges
        .map(|(r, verbatim)| {
            let bytes = text.byte_range(&r);
            (bytes.start, bytes.end, r.len(), verbatim)
        })
        .collect();
    let flat: Vec<usize> = words.iter().flat_map(|&(s, e, _, _)| [s, e]).collect();
    let chars = char_offsets(text.text, &flat);
    words
        .iter()
        .zip(chars.chunks_exact(2))
        .map(
            |(&(start_byte, end_byte, words, verbatim_words), c)| PassageSide {
                start_byte,
                end_byte,
                start_char: c[0],
                end_char: c[1],
                words,
                verbatim_words,
                text: text.text[start_byte..end_byte].to_string(),
            },
        )
        .collect()
}

/// Character offsets of the given byte offsets (each on a character boundary),
/// in one pass over the text.
pub(crate) fn char_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..byte_offsets.len()).collect();
    order.sort_by_key(|&i| byte_offsets[i]);
    let mut result = vec![0; byte_offsets.len()];
    let (mut byte, mut chars) = (0, 0);
    for i in order {
        let target = byte_offsets[i];
        chars += text[byte..target].chars().count();
        byte = target;
        result[i] = chars;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::shingle::Shingler;

    fn passages(a: &str, b: &str, min: usize) -> Vec<Passage> {
        let s = Shingler::new(Config::default().shingle, 3);
        let config = AlignConfig {
            min_passage_words: min,
            ..Config::default().align
        };
        align(&AlignText::new(a, &s), &AlignText::new(b, &s), &config).passages
    }

    #[test]
    fn finds_the_shared_run_at_original_offsets() {
        let a = "Intro words here. The quick brown fox jumps over the lazy dog. End.";
        let b = "Other start; the QUICK brown   fox jumps over the lazy dog! Tail text";
        let p = passages(a, b, 4);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].a.text, "The quick brown fox jumps over the lazy dog");
        assert_eq!(p[0].b.text, "the QUICK brown   fox jumps over the lazy dog");
        assert_eq!((p[0].a.words, p[0].b.words), (9, 9));
        assert_eq!(&b[p[0].b.start_byte..p[0].b.end_byte], p[0].b.text);
    }

    #[test]
    fn char_offsets_count_multibyte_characters() {
        let a = "Ça “commence” — the shared passage is right here, ok";
        let b = "the shared passage is right here";
        let p = passages(a, b, 3);
        assert_eq!(p.len(), 1);
        let chars: String = a
            .chars()
            .skip(p[0].a.start_char)
            .take(p[0].a.end_char - p[0].a.start_char)
            .collect();
        assert_eq!(chars, p[0].a.text);
        assert!(p[0].a.start_byte > p[0].a.start_char);
    }

    #[test]
    fn short_runs_are_not_passages() {
        assert!(passages("one two three four five", "three four five six seven", 4).is_empty());
    }

    #[test]
    fn each_word_is_in_one_passage_per_side() {
        let a = "alpha beta gamma delta alpha beta gamma delta";
        let b = "alpha beta gamma delta";
        let p = passages(a, b, 4);
        assert_eq!(p.len(), 1, "B's words can be used once: {p:?}");
        assert_eq!(p[0].a.start_byte, 0);
    }

    #[test]
    fn a_changed_word_at_the_edge_stays_inside_the_passage() {
        let a = "Shoppers reacted with dismay. The central bank raised its main interest \
                 rate by half a point on Tuesday, the largest increase in two decades.";
        let b = "The central bank lifted its main interest rate by half a point on \
                 Tuesday, the largest increase in two decades. Markets fell.";
        let p = passages(a, b, 8);
        assert_eq!(p.len(), 1);
        assert!(
            p[0].a.text.starts_with("The central bank raised"),
            "{}",
            p[0].a.text
        );
        assert!(
            p[0].b.text.starts_with("The central bank lifted"),
            "{}",
            p[0].b.text
        );
        assert_eq!(p[0].a.words, p[0].b.words);
        assert!(
            p[0].a.verbatim_words < p[0].a.words,
            "the changed word is not verbatim"
        );
    }

    #[test]
    fn repeated_phrases_do_not_hide_a_unique_passage() {
        let unique = "the minister said the budget would be cut by ten percent next year";
        let a = format!("{} {unique}. End of story.", "buy now ".repeat(5000));
        let b = format!("{unique} {}", "buy now ".repeat(3000));
        let p = passages(&a, &b, 8);
        assert_eq!(p.len(), 1, "the repeated phrase is too common to anchor on");
        assert_eq!(p[0].b.text, unique);
        assert_eq!(&a[p[0].a.start_byte..p[0].a.end_byte], unique);
    }
}

//! Grading: what a pair of documents is to each other, decided from its exact
//! similarity and its shared passages.
//!
//! Input: a pair's [`Similarity`], its [`Passage`]s (boilerplate already marked),
//! both documents' word counts and publication times. Output: a [`Grade`].
//!
//! The rule, first match wins:
//!
//! 1. **duplicate**: Jaccard of the shingle sets at or above
//!    `duplicate_threshold` (default 0.9): the same text, give or take a few words.
//! 2. **near_duplicate**: Jaccard at or above the scan threshold (default 0.5):
//!    mostly the same text, edited.
//! 3. **partial_reuse**: the shared passages that are not boilerplate hold at least
//!    `min_reuse_words` (default 20) words copied verbatim (inside runs of at least
//!    `min_passage_words` identical words) in *each* document, or verbatim words
//!    in each document make up at least `min_reuse_share` (default 0.5) of the
//!    shorter one: a passage was taken over, whatever the rest of the text does.
//!    Counting verbatim words keeps out formulaic news (the same earnings or
//!    bond-issue template filled with other names and numbers), whose runs are
//!    short; counting them on both sides keeps out a short phrase that one text
//!    repeats (three copies of a 9-word line in B against one in A are 27
//!    verbatim words of B but only 9 of A).
//! 4. **rewrite**: story similarity (see `crate::story::score`) at or above
//!    `story_threshold` (default 0.40), and of the names and numbers of the
//!    passage that carries the story, at least `min_passage_specifics`
//!    (default 0.45, by idf) also in the other article: the same story told
//!    in other words. The similarity says the two share a topic; the
//!    specifics, that they name the same actors, places and figures, as two
//!    accounts of one event do and two pages on one subject do not. Articles
//!    more than `story_window_days` apart (by time or dateline) also need
//!    `story_threshold_outside_window` and no sentence told alike with other
//!    figures ([`Demotion::FarApart`]). Two articles alike as wholes that
//!    each give several amounts must have some in common: two events of one
//!    kind state other prices, sums and tolls ([`Demotion::OtherAmounts`]).
//! 5. **unrelated**: anything less (a shared quote or a common phrase, another
//!    story), and any pair below the threshold whose sentences told alike
//!    (`crate::align::figures`) more often give other figures than the same:
//!    two instances of a recurring report (a monthly money-supply figure, a
//!    weekly export tally), whose fixed sentences are copied each time. Steps
//!    3 and 4 are then demoted, and counted ([`Demotion::OtherFigures`]).
//!
//! Pruning. The pair stage skips work a verdict cannot need, by rules that
//! live here beside the verdicts they must agree with ([`Rules`]):
//!
//! - an overlap candidate whose shared fingerprints cannot stand for enough
//!   identical words to make partial reuse is not checked
//!   ([`Rules::overlap_can_be_reuse`]);
//! - a checked pair is aligned only when it is a near-duplicate, was found by
//!   the overlap stage, or its story similarity reaches the story threshold
//!   ([`Rules::worth_aligning`]), whatever its specifics: it may hold copied
//!   text; the rest are reported as near misses;
//! - an aligned pair below the threshold whose identical runs are too short
//!   for reuse and whose story similarity falls short skips the sentence
//!   comparison ([`Rules::needs_sentence_seeds`]): it can only be unrelated;
//! - a pair graded unrelated is counted, not listed ([`Verdict::is_listed`]).
//!
//! Direction. With publication times, the earlier document is the likely source
//! (equal or missing times name none). Without them, coverage says which text
//! holds the other: `a_in_b` when the passages cover more than
//! [`CONTAINMENT_RATIO`] times as much of A as of B (A's text sits inside B, as a
//! wire story inside a longer article), `b_in_a` the other way round, `mutual`
//! otherwise.

use serde::{Deserialize, Serialize};

use crate::align::figures::FigureMatch;
use crate::align::Passage;
use crate::config::{Config, GradeConfig};
use crate::story::StorySimilarity;
use crate::verify::Similarity;

/// How much more of one document the passages must cover to call it contained.
pub const CONTAINMENT_RATIO: f64 = 1.5;

/// What a pair is, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The same text, give or take a few words.
    Duplicate,
    /// Mostly the same text, edited.
    NearDuplicate,
    /// Passages taken over into otherwise different text.
    PartialReuse,
    /// The same story in other words (story similarity at or above its threshold).
    Rewrite,
    /// Nothing beyond incidental or boilerplate overlap.
    Unrelated,
}

impl Verdict {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Duplicate => "duplicate",
            Verdict::NearDuplicate => "near_duplicate",
            Verdict::PartialReuse => "partial_reuse",
            Verdict::Rewrite => "rewrite",
            Verdict::Unrelated => "unrelated",
        }
    }

    /// Whether a pair of this verdict is listed in reports; unrelated pairs
    /// are only counted.
    pub fn is_listed(self) -> bool {
        self != Verdict::Unrelated
    }
}

/// Which text holds the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Containment {
    /// Most of A's reused text is a small part of B: A sits inside B.
    AInB,
    /// B sits inside A.
    BInA,
    /// Both are covered about equally.
    Mutual,
    /// No reused text.
    None,
}

/// Which document is the likely source, from publication times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A was published first.
    A,
    /// B was published first.
    B,
    /// Times missing or equal.
    Unknown,
}

/// The grade of one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grade {
    /// The verdict.
    pub verdict: Verdict,
    /// Words of A inside shared passages that are not boilerplate.
    pub reused_words_a: usize,
    /// Words of B inside them.
    pub reused_words_b: usize,
    /// `reused_words_a` over A's words.
    pub reused_share_a: f64,
    /// `reused_words_b` over B's words.
    pub reused_share_b: f64,
    /// Which text holds the other.
    pub containment: Containment,
    /// The earlier document, when both times are known.
    pub source: Source,
}

/// A pair's story scores as the verdict rule reads them (see
/// [`StorySimilarity`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryScores {
    /// The story similarity.
    pub similarity: f64,
    /// The cosine of the two whole articles' weighted terms.
    pub cosine: f64,
    /// The share of the story passage's names and numbers the other has.
    pub passage_specifics: f64,
    /// Days between the two articles, when known: the larger of the days
    /// between their times and between the dates their datelines give.
    pub days_apart: Option<u32>,
}

impl StoryScores {
    /// The scores of a story similarity, with the days between the articles'
    /// times (Unix seconds) or between their datelines, whichever is larger
    /// when both are known: a feed's clock says when an article came in, its
    /// dateline when its event happened, and either far apart means two
    /// events (a reprint of an old report comes in today with its old date).
    pub fn new(s: &StorySimilarity, times: (Option<i64>, Option<i64>)) -> Self {
        const DAY_SECONDS: u64 = 24 * 3600;
        let by_time = match times {
            (Some(a), Some(b)) => {
                Some(u32::try_from(a.abs_diff(b) / DAY_SECONDS).unwrap_or(u32::MAX))
            }
            _ => None,
        };
        StoryScores {
            similarity: s.similarity,
            cosine: s.cosine,
            passage_specifics: s.passage_specifics,
            days_apart: match (by_time, s.days_apart) {
                (Some(t), Some(d)) => Some(t.max(d)),
                (t, d) => t.or(d),
            },
        }
    }
}

/// Why a pair on one story (its similarity at the story threshold) is not
/// a rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demotion {
    /// Its story passage's names and numbers are mostly not in the other
    /// article: one topic, not one story.
    WithoutSpecifics,
    /// The articles are further apart in time than the story window, and
    /// their similarity falls short of the threshold outside it or a
    /// sentence they tell alike gives other figures: another instance of a
    /// recurring report, or another event of one company.
    FarApart,
    /// More of the sentences they tell alike give other figures than give
    /// the same: two instances of a recurring report (this month's figures
    /// and last month's), neither one story nor copied text.
    OtherFigures,
    /// Both articles give several amounts and few of them are the same:
    /// they state other facts (two events of one kind, two instances of a
    /// report laid out as a table).
    OtherAmounts,
}

/// Words of each document copied verbatim in passages that are not
/// boilerplate: what the partial-reuse rule counts.
pub fn verbatim_words(passages: &[Passage]) -> (usize, usize) {
    passages
        .iter()
        .filter(|p| !p.boilerplate)
        .fold((0, 0), |(a, b), p| {
            (a + p.a.verbatim_words, b + p.b.verbatim_words)
        })
}

/// Whether more of the sentences two articles tell alike give other figures
/// than the same, and at least [`MIN_OTHER_FIGURES`] do: two instances of a
/// recurring report.
fn is_recurring(figures: FigureMatch) -> bool {
    figures.other > figures.same && figures.other >= MIN_OTHER_FIGURES
}

/// Sentences with other figures (counted from both sides, so two sentences
/// of each article) that make a recurring report, at least: one sentence
/// alone is a copy's new dateline or edition number, or an updated count.
pub const MIN_OTHER_FIGURES: u32 = 4;

/// Whether two articles that each give at least [`MIN_AMOUNTS`] amounts
/// (`crate::align::figures`) share less than [`MIN_SHARED_AMOUNTS`] of the
/// fewer: they state other facts.
fn gives_other_amounts(figures: FigureMatch) -> bool {
    figures.amounts_fewer >= MIN_AMOUNTS
        && f64::from(figures.amounts_shared) < MIN_SHARED_AMOUNTS * f64::from(figures.amounts_fewer)
}

/// Amounts each article must give before their disagreement counts: with
/// fewer, one side may simply leave the numbers out.
pub const MIN_AMOUNTS: u32 = 4;

/// Share of the amounts of the article with fewer that the other must also
/// give, when both give several. Two accounts of one event repeat its key
/// amounts (a toll, a price, a sum) beside figures of their own.
pub const MIN_SHARED_AMOUNTS: f64 = 0.2;

/// Cosine of two whole articles (`StorySimilarity::cosine`) from which their
/// amounts are compared: a story told inside a longer text (a summary in an
/// essay, a reworded passage in a long article) shares little of the whole's
/// vocabulary, and the amounts of the rest say nothing about it. Measured
/// side by side (README), the rule then demotes 1.6% of ecbplus_dev's
/// rewrites of one event against 7% of those across its two events of one
/// kind, 16% of realdup_dev's false rewrites and none of its true ones.
pub const MIN_WHOLE_COSINE: f64 = 0.3;

/// The verdict rules of a scan: its near-duplicate threshold and the grade
/// settings. Every verdict, and every shortcut the pair stage takes because a
/// verdict cannot need the work, is decided by one of its methods.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Jaccard at or above which a pair is a near-duplicate (`Config::threshold`).
    pub threshold: f64,
    /// The rest of the rule's settings.
    pub grade: GradeConfig,
}

impl Rules {
    /// The rules of a config.
    pub fn new(config: &Config) -> Self {
        Rules {
            threshold: config.threshold,
            grade: config.grade,
        }
    }

    /// Grades one pair (see the module docs for the rule).
    pub fn grade(
        &self,
        similarity: &Similarity,
        passages: &[Passage],
        words: (usize, usize),
        story: Option<StoryScores>,
        figures: FigureMatch,
        times: (Option<i64>, Option<i64>),
    ) -> Grade {
        let config = &self.grade;
        let reused = || passages.iter().filter(|p| !p.boilerplate);
        let (reused_words_a, reused_words_b) =
            reused().fold((0, 0), |(a, b), p| (a + p.a.words, b + p.b.words));
        let (verbatim_a, verbatim_b) = verbatim_words(passages);
        let share = |reused: usize, total: usize| {
            if total == 0 {
                0.0
            } else {
                (reused as f64 / total as f64).min(1.0)
            }
        };
        let (reused_share_a, reused_share_b) = (
            share(reused_words_a, words.0),
            share(reused_words_b, words.1),
        );
        // A pair below the threshold is never a duplicate, even under a
        // duplicate threshold set lower.
        let duplicate_at = config.duplicate_threshold.max(self.threshold);
        let verdict = if similarity.jaccard >= duplicate_at {
            Verdict::Duplicate
        } else if similarity.jaccard >= self.threshold {
            Verdict::NearDuplicate
        } else if is_recurring(figures) {
            Verdict::Unrelated
        } else if self.can_be_reuse((verbatim_a, verbatim_b), words) {
            Verdict::PartialReuse
        } else if self.is_story(story, figures) {
            Verdict::Rewrite
        } else {
            Verdict::Unrelated
        };
        let containment = if reused_words_a == 0 && reused_words_b == 0 {
            Containment::None
        } else if reused_share_a > CONTAINMENT_RATIO * reused_share_b {
            Containment::AInB
        } else if reused_share_b > CONTAINMENT_RATIO * reused_share_a {
            Containment::BInA
        } else {
            Containment::Mutual
        };
        let source = match times {
            (Some(a), Some(b)) if a < b => Source::A,
            (Some(a), Some(b)) if b < a => Source::B,
            _ => Source::Unknown,
        };
        Grade {
            verdict,
            reused_words_a,
            reused_words_b,
            reused_share_a,
            reused_share_b,
            containment,
            source,
        }
    }

    /// Whether `verbatim` words of each document (out of `words`) make partial
    /// reuse: the partial-reuse rule, and the bound every shortcut below uses.
    pub fn can_be_reuse(&self, verbatim: (usize, usize), words: (usize, usize)) -> bool {
        let both = verbatim.0.min(verbatim.1);
        let shorter = words.0.min(words.1);
        both >= self.grade.min_reuse_words
            || (shorter > 0 && both as f64 >= self.grade.min_reuse_share * shorter as f64)
    }

    /// Whether story scores make a rewrite (`None`: the stage is off).
    fn is_story(&self, story: Option<StoryScores>, figures: FigureMatch) -> bool {
        self.is_on_one_story(story) && self.demotion(story, figures, (0, 0), (0, 0)).is_none()
    }

    /// Why a pair graded unrelated is not partial reuse or a rewrite, when
    /// it reached one of them: `verbatim` words of each (out of `words`)
    /// enough for reuse, or a story similarity at the story threshold.
    pub fn demotion(
        &self,
        story: Option<StoryScores>,
        figures: FigureMatch,
        verbatim: (usize, usize),
        words: (usize, usize),
    ) -> Option<Demotion> {
        let reuse = self.can_be_reuse(verbatim, words);
        if reuse && is_recurring(figures) {
            return Some(Demotion::OtherFigures);
        }
        let s = story.filter(|&s| self.is_on_one_story(Some(s)))?;
        if s.passage_specifics < self.grade.min_passage_specifics {
            return Some(Demotion::WithoutSpecifics);
        }
        let far = s
            .days_apart
            .is_some_and(|d| d > self.grade.story_window_days);
        // Far apart, only a close retelling that keeps its figures is one
        // story: the next month's report of one company is close too, with
        // other figures.
        if far && (s.similarity < self.grade.story_threshold_outside_window || figures.other > 0) {
            return Some(Demotion::FarApart);
        }
        if is_recurring(figures) {
            return Some(Demotion::OtherFigures);
        }
        (s.cosine >= MIN_WHOLE_COSINE && gives_other_amounts(figures))
            .then_some(Demotion::OtherAmounts)
    }

    /// Whether a pair's figures must be compared (`FigureMatch`): only a
    /// pair below the threshold that would otherwise be partial reuse or a
    /// rewrite can be demoted by them.
    pub fn needs_figures(
        &self,
        jaccard: f64,
        story: Option<StoryScores>,
        verbatim: (usize, usize),
        words: (usize, usize),
    ) -> bool {
        jaccard < self.threshold && self.may_be_reuse_or_story(story, verbatim, words)
    }

    /// Whether a pair below the threshold can still be partial reuse (its
    /// `verbatim` words of each, out of `words`) or a rewrite (its story).
    fn may_be_reuse_or_story(
        &self,
        story: Option<StoryScores>,
        verbatim: (usize, usize),
        words: (usize, usize),
    ) -> bool {
        self.is_on_one_story(story) || self.can_be_reuse(verbatim, words)
    }

    /// Whether the story similarity reaches the story threshold, whatever
    /// the specifics: such a pair is worth aligning, as it may be a rewrite
    /// or hold copied text.
    fn is_on_one_story(&self, story: Option<StoryScores>) -> bool {
        story.is_some_and(|s| s.similarity >= self.grade.story_threshold)
    }

    /// Whether an overlap candidate sharing `shared_fingerprints` (boilerplate
    /// ones included) can hold partial reuse, when each fingerprint stands for
    /// at most `words_per_fingerprint` words of identical runs; one that cannot
    /// is not checked unless MinHash also found it.
    pub fn overlap_can_be_reuse(
        &self,
        shared_fingerprints: usize,
        words_per_fingerprint: usize,
        words: (usize, usize),
    ) -> bool {
        let most = shared_fingerprints * words_per_fingerprint;
        self.can_be_reuse((most, most), words)
    }

    /// Whether a scored candidate is aligned and graded: a near-duplicate, an
    /// overlap candidate (shared passages whatever its Jaccard) or a story
    /// candidate that reaches the story threshold. The others are near misses.
    pub fn worth_aligning(
        &self,
        jaccard: f64,
        found_by_overlap: bool,
        story: Option<StoryScores>,
    ) -> bool {
        found_by_overlap || jaccard >= self.threshold || self.is_on_one_story(story)
    }

    /// Whether a pair's passages may be built from its identical runs alone
    /// (`align::align_by_runs`, the near-duplicate fast path, which
    /// leaves runs that do not chain into one passage to full alignment): its
    /// runs hold at least `RUNS_MAKE_PASSAGES` (0.8) of the words of each text
    /// (`verbatim` of `words`).
    pub fn passages_from_runs(&self, verbatim: (usize, usize), words: (usize, usize)) -> bool {
        let covers = |v: usize, w: usize| w > 0 && v as f64 >= RUNS_MAKE_PASSAGES * w as f64;
        covers(verbatim.0, words.0) && covers(verbatim.1, words.1)
    }

    /// Whether an aligned pair needs the costly sentence comparison, given the
    /// verbatim words its identical runs hold in each document: not when it is
    /// below the threshold, its runs are too short for reuse and its story
    /// falls short, as it can then only be unrelated.
    pub fn needs_sentence_seeds(
        &self,
        jaccard: f64,
        story: Option<StoryScores>,
        verbatim: (usize, usize),
        words: (usize, usize),
    ) -> bool {
        jaccard >= self.threshold || self.may_be_reuse_or_story(story, verbatim, words)
    }
}

/// Share of each text that identical runs must cover for a pair's passages
/// to be built from the runs alone: a near copy, where comparing sentences
/// could add only the edited words between runs, which merging runs across
/// gaps covers too. Such a passage's similarity is its verbatim share.
pub const RUNS_MAKE_PASSAGES: f64 = 0.8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::PassageSide;

    fn similarity(jaccard: f64) -> Similarity {
        Similarity {
            jaccard,
            containment_a_in_b: jaccard,
            containment_b_in_a: jaccard,
            shingles_a: 100,
            shingles_b: 100,
            shared_shingles: 0,
        }
    }

    /// A passage of `words` words on each side, `verbatim` of them in runs.
    fn passage(words: (usize, usize), verbatim: (usize, usize), boilerplate: bool) -> Passage {
        let side = |words, verbatim_words| PassageSide {
            start_byte: 0,
            end_byte: 0,
            start_char: 0,
            end_char: 0,
            words,
            verbatim_words,
            text: String::new(),
        };
        Passage {
            a: side(words.0, verbatim.0),
            b: side(words.1, verbatim.1),
            similarity: 1.0,
            boilerplate,
        }
    }

    fn rules() -> Rules {
        Rules::new(&Config::default())
    }

    /// Story scores: a similarity and the passage's shared specifics.
    fn story(similarity: f64, passage_specifics: f64) -> Option<StoryScores> {
        Some(StoryScores {
            similarity,
            cosine: similarity,
            passage_specifics,
            days_apart: None,
        })
    }

    /// Story scores of articles `days` apart.
    fn story_apart(similarity: f64, days: u32) -> Option<StoryScores> {
        Some(StoryScores {
            similarity,
            cosine: similarity,
            passage_specifics: 1.0,
            days_apart: Some(days),
        })
    }

    /// The verdict of a pair with `story_similarity` (specifics all
    /// shared) or, when `reused`, 40 verbatim words of 500 in each, whose
    /// sentences told alike give the same figures `same` times and other
    /// figures `other` times.
    fn with_figures(reused: bool, story_similarity: f64, same: u32, other: u32) -> Verdict {
        let passages = if reused {
            vec![passage((40, 40), (40, 40), false)]
        } else {
            Vec::new()
        };
        let figures = FigureMatch {
            same,
            other,
            ..FigureMatch::default()
        };
        let scores = story(story_similarity, 1.0);
        rules()
            .grade(
                &similarity(0.01),
                &passages,
                (500, 500),
                scores,
                figures,
                (None, None),
            )
            .verdict
    }

    #[test]
    fn other_figures_in_the_same_sentences_are_a_recurring_report() {
        use Verdict::*;
        assert_eq!(with_figures(false, 0.9, 1, 4), Unrelated);
        assert_eq!(
            with_figures(false, 0.9, 0, 2),
            Rewrite,
            "one sentence alone is a new dateline"
        );
        assert_eq!(with_figures(true, 0.0, 1, 4), Unrelated, "not reuse either");
        assert_eq!(with_figures(true, 0.0, 0, 2), PartialReuse);
        assert_eq!(
            with_figures(false, 0.5, 5, 4),
            Rewrite,
            "a retelling keeps most"
        );
        assert_eq!(
            with_figures(false, 0.5, 4, 4),
            Rewrite,
            "as many same as other"
        );
        assert_eq!(with_figures(true, 0.0, 2, 0), PartialReuse);
        let r = rules();
        let demotion = |reuse: usize, story_similarity: f64, other: u32| {
            let figures = FigureMatch {
                same: 0,
                other,
                ..FigureMatch::default()
            };
            let scores = story(story_similarity, 1.0);
            r.demotion(scores, figures, (reuse, reuse), (500, 500))
        };
        assert_eq!(demotion(40, 0.0, 4), Some(Demotion::OtherFigures));
        // Far apart, one sentence with other figures is enough to demote a
        // close story (next month's report); the same story with the same
        // figures stays a rewrite.
        let far = |other: u32| {
            let figures = FigureMatch {
                same: 3,
                other,
                ..FigureMatch::default()
            };
            r.grade(
                &similarity(0.01),
                &[],
                (500, 500),
                story_apart(0.9, 30),
                figures,
                (None, None),
            )
            .verdict
        };
        assert_eq!(far(1), Unrelated);
        assert_eq!(far(0), Rewrite);
        let figures = FigureMatch {
            same: 3,
            other: 1,
            ..FigureMatch::default()
        };
        assert_eq!(
            r.demotion(story_apart(0.9, 30), figures, (0, 0), (500, 500)),
            Some(Demotion::FarApart)
        );
        assert_eq!(demotion(0, 0.5, 4), Some(Demotion::OtherFigures));
        assert_eq!(demotion(0, 0.3, 4), None, "below the story threshold");
        assert_eq!(demotion(40, 0.0, 0), None);
    }

    #[test]
    fn articles_alike_as_wholes_that_give_other_amounts_are_not_one_story() {
        let r = rules();
        // Whole articles alike (cosine 0.5 here), each with `fewer` or more
        // amounts, `shared` of them the same.
        let demotion = |cosine: f64, shared: u32, fewer: u32| {
            let figures = FigureMatch {
                amounts_shared: shared,
                amounts_fewer: fewer,
                ..FigureMatch::default()
            };
            let scores = story(0.5, 1.0).map(|s| StoryScores { cosine, ..s });
            r.demotion(scores, figures, (0, 0), (500, 500))
        };
        assert_eq!(demotion(0.5, 0, 4), Some(Demotion::OtherAmounts));
        assert_eq!(demotion(0.5, 1, 6), Some(Demotion::OtherAmounts));
        assert_eq!(demotion(0.5, 2, 10), None, "one in five kept is one story");
        assert_eq!(demotion(0.5, 0, 3), None, "too few to say");
        assert_eq!(
            demotion(0.2, 0, 10),
            None,
            "a story inside a longer text: the rest's amounts say nothing"
        );
        // Partial reuse stands whatever the rest of the articles state.
        let figures = FigureMatch {
            amounts_fewer: 10,
            ..FigureMatch::default()
        };
        assert_eq!(r.demotion(None, figures, (40, 40), (500, 500)), None);
    }

    /// The verdict rule, one row per case: Jaccard, passages (words and
    /// verbatim words per side, boilerplate), document lengths, story
    /// similarity, and the verdict. Defaults: threshold 0.5, duplicate 0.9,
    /// 20 verbatim words or half the shorter text, story 0.40 with 0.45 of
    /// the story passage's specifics shared.
    macro_rules! verdicts {
        ($($name:ident: $jaccard:expr, [$($p:expr),*], $words:expr, $story:expr => $verdict:ident;)*) => {$(
            #[test]
            fn $name() {
                let passages = [$(passage($p.0, $p.1, $p.2)),*];
                let grade = rules().grade(&similarity($jaccard), &passages, $words, $story, FigureMatch::default(), (None, None));
                assert_eq!(grade.verdict, Verdict::$verdict);
            }
        )*};
    }

    verdicts! {
        duplicate_at_0_9: 0.95, [], (100, 100), None => Duplicate;
        near_duplicate_at_the_threshold: 0.5, [], (100, 100), None => NearDuplicate;
        below_the_threshold_alone_is_unrelated: 0.49, [], (100, 100), None => Unrelated;
        copies_outrank_a_story: 0.6, [], (500, 500), story(0.9, 1.0) => NearDuplicate;
        forty_verbatim_words_are_reuse: 0.1, [((40, 40), (40, 40), false)], (500, 500), None => PartialReuse;
        twenty_verbatim_words_are_reuse: 0.1, [((20, 20), (20, 20), false)], (500, 500), None => PartialReuse;
        a_shared_quote_is_not: 0.1, [((12, 12), (12, 12), false)], (500, 500), None => Unrelated;
        sixty_percent_of_a_brief_is_reuse: 0.1, [((12, 12), (12, 12), false)], (20, 500), None => PartialReuse;
        a_filled_in_template_is_not: 0.1, [((60, 60), (12, 12), false)], (100, 100), None => Unrelated;
        boilerplate_does_not_count: 0.1, [((400, 400), (400, 400), true)], (500, 500), None => Unrelated;
        a_line_repeated_by_one_side_is_not: 0.1, [((9, 30), (9, 27), false)], (100, 200), None => Unrelated;
        passages_add_up: 0.1, [((12, 12), (12, 12), false), ((10, 10), (10, 10), false)], (500, 500), None => PartialReuse;
        reuse_outranks_a_story: 0.01, [((40, 40), (40, 40), false)], (500, 500), story(0.9, 1.0) => PartialReuse;
        a_story_at_the_threshold_is_a_rewrite: 0.01, [], (500, 500), story(0.40, 0.45) => Rewrite;
        a_story_below_it_is_not: 0.01, [], (500, 500), story(0.39, 1.0) => Unrelated;
        a_topic_without_shared_specifics_is_not: 0.01, [], (500, 500), story(0.9, 0.44) => Unrelated;
        a_story_within_the_window_is_a_rewrite: 0.01, [], (500, 500), story_apart(0.40, 3) => Rewrite;
        far_apart_it_needs_more: 0.01, [], (500, 500), story_apart(0.79, 4) => Unrelated;
        far_apart_a_close_story_still_is: 0.01, [], (500, 500), story_apart(0.8, 40) => Rewrite;
    }

    /// Each shortcut of the pair stage, one row per case, against the verdict
    /// it stands for: a pair a shortcut drops must grade `unrelated` or stay a
    /// near miss.
    macro_rules! shortcuts {
        ($($name:ident: $check:expr => $expected:expr;)*) => {$(
            #[test]
            fn $name() {
                let r = rules();
                let check: fn(&Rules) -> bool = $check;
                assert_eq!(check(&r), $expected);
            }
        )*};
    }

    shortcuts! {
        // Two fingerprints of at most 9 words each: 18 < 20 verbatim words.
        two_fingerprints_cannot_be_reuse: |r| r.overlap_can_be_reuse(2, 9, (500, 500)) => false;
        three_fingerprints_can: |r| r.overlap_can_be_reuse(3, 9, (500, 500)) => true;
        one_fingerprint_can_in_a_brief: |r| r.overlap_can_be_reuse(1, 9, (16, 500)) => true;
        an_overlap_candidate_is_aligned: |r| r.worth_aligning(0.01, true, None) => true;
        a_near_duplicate_is_aligned: |r| r.worth_aligning(0.5, false, None) => true;
        a_story_candidate_is_aligned: |r| r.worth_aligning(0.01, false, story(0.40, 0.45)) => true;
        a_story_candidate_without_specifics_still_is: |r| r.worth_aligning(0.01, false, story(0.9, 0.0)) => true;
        a_minhash_near_miss_is_not: |r| r.worth_aligning(0.49, false, story(0.39, 1.0)) => false;
        short_runs_need_no_sentences: |r| r.needs_sentence_seeds(0.1, None, (19, 40), (500, 500)) => false;
        reuse_sized_runs_do: |r| r.needs_sentence_seeds(0.1, None, (20, 20), (500, 500)) => true;
        a_near_duplicate_does: |r| r.needs_sentence_seeds(0.5, None, (0, 0), (500, 500)) => true;
        a_story_does: |r| r.needs_sentence_seeds(0.1, story(0.4, 0.7), (0, 0), (500, 500)) => true;
        a_near_duplicate_needs_no_figures: |r| r.needs_figures(0.5, None, (200, 200), (250, 250)) => false;
        reuse_below_the_threshold_does: |r| r.needs_figures(0.1, None, (20, 20), (500, 500)) => true;
        a_story_at_the_threshold_does: |r| r.needs_figures(0.01, story(0.40, 0.0), (0, 0), (500, 500)) => true;
        a_pair_that_can_be_neither_does_not: |r| r.needs_figures(0.01, story(0.39, 1.0), (19, 19), (500, 500)) => false;
    }

    #[test]
    fn only_unrelated_pairs_are_unlisted() {
        use Verdict::*;
        for verdict in [Duplicate, NearDuplicate, PartialReuse, Rewrite] {
            assert!(verdict.is_listed(), "{verdict:?}");
        }
        assert!(!Unrelated.is_listed());
    }

    #[test]
    fn containment_and_source() {
        let g = rules().grade(
            &similarity(0.1),
            &[passage((100, 100), (100, 100), false)],
            (120, 1000),
            None,
            FigureMatch::default(),
            (Some(5), Some(9)),
        );
        assert_eq!((g.containment, g.source), (Containment::AInB, Source::A));
        assert!((g.reused_share_a - 100.0 / 120.0).abs() < 1e-12);
        let g = rules().grade(
            &similarity(0.1),
            &[passage((100, 100), (100, 100), false)],
            (1000, 1000),
            None,
            FigureMatch::default(),
            (Some(9), Some(9)),
        );
        assert_eq!(
            (g.containment, g.source),
            (Containment::Mutual, Source::Unknown)
        );
    }
}

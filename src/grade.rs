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
//! 4. **rewrite**: story similarity (see [`crate::story::score`]) at or above
//!    `story_threshold` (default 0.38): the same story told in other words.
//! 5. **unrelated**: anything less (a shared quote or a common phrase, another
//!    story).
//!
//! Direction. With publication times, the earlier document is the likely source
//! (equal or missing times name none). Without them, coverage says which text
//! holds the other: `a_in_b` when the passages cover more than
//! [`CONTAINMENT_RATIO`] times as much of A as of B (A's text sits inside B, as a
//! wire story inside a longer article), `b_in_a` the other way round, `mutual`
//! otherwise.

use serde::Serialize;

use crate::align::Passage;
use crate::config::GradeConfig;
use crate::verify::Similarity;

/// How much more of one document the passages must cover to call it contained.
pub const CONTAINMENT_RATIO: f64 = 1.5;

/// What a pair is, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

/// Which text holds the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// Grades one pair (see the module docs for the rule).
pub fn grade(
    similarity: &Similarity,
    passages: &[Passage],
    words: (usize, usize),
    story: Option<f64>,
    times: (Option<i64>, Option<i64>),
    threshold: f64,
    config: &GradeConfig,
) -> Grade {
    let reused = || passages.iter().filter(|p| !p.boilerplate);
    let (reused_words_a, reused_words_b) =
        reused().fold((0, 0), |(a, b), p| (a + p.a.words, b + p.b.words));
    let (verbatim_a, verbatim_b) = reused().fold((0, 0), |(a, b), p| {
        (a + p.a.verbatim_words, b + p.b.verbatim_words)
    });
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
    let verdict = if similarity.jaccard >= config.duplicate_threshold {
        Verdict::Duplicate
    } else if similarity.jaccard >= threshold {
        Verdict::NearDuplicate
    } else if can_be_reuse((verbatim_a, verbatim_b), words, config) {
        Verdict::PartialReuse
    } else if story.is_some_and(|s| s >= config.story_threshold) {
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

/// Whether `verbatim` words of each document (out of `words`) can make partial
/// reuse under `config`; pairs that cannot need no alignment unless their
/// Jaccard makes them near-duplicates.
pub fn can_be_reuse(verbatim: (usize, usize), words: (usize, usize), config: &GradeConfig) -> bool {
    let both = verbatim.0.min(verbatim.1);
    let shorter = words.0.min(words.1);
    both >= config.min_reuse_words
        || (shorter > 0 && both as f64 >= config.min_reuse_share * shorter as f64)
}

/// Parses a publication time into Unix seconds: RFC 3339 (`2025-07-23T10:00:00Z`,
/// any offset), `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS` (taken as UTC),
/// `YYYY-MM-DD` (midnight UTC), or a JSON number of Unix seconds.
pub fn parse_time(value: &serde_json::Value) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    match value {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.floor() as i64)),
        serde_json::Value::String(s) => {
            let s = s.trim();
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Some(t.timestamp());
            }
            for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
                if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
                    return Some(t.and_utc().timestamp());
                }
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::PassageSide;
    use crate::config::Config;

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

    fn passage(words_a: usize, words_b: usize, boilerplate: bool) -> Passage {
        let side = |words| PassageSide {
            start_byte: 0,
            end_byte: 0,
            start_char: 0,
            end_char: 0,
            words,
            verbatim_words: words,
            text: String::new(),
        };
        Passage {
            a: side(words_a),
            b: side(words_b),
            similarity: 1.0,
            boilerplate,
        }
    }

    fn verdict(jaccard: f64, passages: &[Passage], words: (usize, usize)) -> Verdict {
        let config = Config::default();
        grade(
            &similarity(jaccard),
            passages,
            words,
            None,
            (None, None),
            config.threshold,
            &config.grade,
        )
        .verdict
    }

    #[test]
    fn the_rule_in_order() {
        assert_eq!(verdict(0.95, &[], (100, 100)), Verdict::Duplicate);
        assert_eq!(verdict(0.6, &[], (100, 100)), Verdict::NearDuplicate);
        assert_eq!(
            verdict(0.1, &[passage(40, 40, false)], (500, 500)),
            Verdict::PartialReuse
        );
        assert_eq!(
            verdict(0.1, &[passage(12, 12, false)], (500, 500)),
            Verdict::Unrelated,
            "a shared quote"
        );
        assert_eq!(
            verdict(0.1, &[passage(12, 12, false)], (20, 500)),
            Verdict::PartialReuse,
            "60% of a brief"
        );
        let mut template = passage(60, 60, false);
        (template.a.verbatim_words, template.b.verbatim_words) = (12, 12);
        assert_eq!(
            verdict(0.1, &[template], (100, 100)),
            Verdict::Unrelated,
            "a filled-in template"
        );
        assert_eq!(
            verdict(0.1, &[passage(400, 400, true)], (500, 500)),
            Verdict::Unrelated,
            "boilerplate does not count"
        );
        let mut repeated = passage(9, 30, false);
        (repeated.a.verbatim_words, repeated.b.verbatim_words) = (9, 27);
        assert_eq!(
            verdict(0.1, &[repeated], (100, 200)),
            Verdict::Unrelated,
            "a 9-word line that B repeats three times"
        );
    }

    #[test]
    fn a_similar_story_is_a_rewrite_only_below_the_copy_verdicts() {
        let config = Config::default();
        let with_story = |jaccard: f64, passages: &[Passage], story: f64| {
            grade(
                &similarity(jaccard),
                passages,
                (500, 500),
                Some(story),
                (None, None),
                config.threshold,
                &config.grade,
            )
            .verdict
        };
        let at = config.grade.story_threshold;
        assert_eq!(with_story(0.01, &[], at), Verdict::Rewrite);
        assert_eq!(with_story(0.01, &[], at - 0.01), Verdict::Unrelated);
        assert_eq!(with_story(0.6, &[], 0.9), Verdict::NearDuplicate);
        assert_eq!(
            with_story(0.01, &[passage(40, 40, false)], 0.9),
            Verdict::PartialReuse
        );
    }

    #[test]
    fn containment_and_source() {
        let config = Config::default();
        let g = grade(
            &similarity(0.1),
            &[passage(100, 100, false)],
            (120, 1000),
            None,
            (Some(5), Some(9)),
            0.5,
            &config.grade,
        );
        assert_eq!((g.containment, g.source), (Containment::AInB, Source::A));
        assert!((g.reused_share_a - 100.0 / 120.0).abs() < 1e-12);
        let g = grade(
            &similarity(0.1),
            &[passage(100, 100, false)],
            (1000, 1000),
            None,
            (Some(9), Some(9)),
            0.5,
            &config.grade,
        );
        assert_eq!(
            (g.containment, g.source),
            (Containment::Mutual, Source::Unknown)
        );
    }

    #[test]
    fn times_parse_in_every_documented_form() {
        use serde_json::json;
        let noon = 1_753_272_000; // 2025-07-23T12:00:00Z
        assert_eq!(parse_time(&json!("2025-07-23T12:00:00Z")), Some(noon));
        assert_eq!(parse_time(&json!("2025-07-23T14:00:00+02:00")), Some(noon));
        assert_eq!(parse_time(&json!("2025-07-23 12:00:00")), Some(noon));
        assert_eq!(parse_time(&json!("2025-07-23")), Some(noon - 12 * 3600));
        assert_eq!(parse_time(&json!(noon)), Some(noon));
        assert_eq!(parse_time(&json!("yesterday")), None);
        assert_eq!(parse_time(&json!(null)), None);
    }
}

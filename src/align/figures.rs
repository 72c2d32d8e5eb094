//! Evidence of a recurring report: the same sentences told with other figures.
//!
//! Input: two prepared texts ([`AlignText`]). Output: a [`FigureMatch`].
//!
//! Two instances of a recurring report (a money-supply figure each month,
//! a market's close each day, one company's dividend each quarter) are
//! written from one frame: their sentences match word for word except for
//! the numbers, so they share long runs of words (which alone would make
//! partial reuse) and much of their vocabulary (which alone would make a
//! rewrite). A copied passage or a rewrite of one story keeps its figures
//! when it keeps a sentence's words. So each sentence with numbers is
//! matched to the sentence of the other article with numbers whose other
//! content words it shares most ([`MIN_FRAME_DICE`], at least
//! [`MIN_FRAME_TERMS`] of them), and the pair counts the matches whose
//! figures agree (every figure of the sentence with fewer is in the other)
//! and those whose figures differ. Both articles are matched against each
//! other, so the count is symmetric. What the counts demote is `grade.rs`'s
//! rule.
//!
//! Whole texts are also compared by their amounts: the figures that state a
//! fact of the story (a price, a sum, a count of ten or more), not when it
//! happened (a day of the month, a year, a time of day). Two accounts of one
//! event repeat some of its amounts; two events of one kind, or two instances
//! of a report laid out as a table, state others.

use std::collections::BTreeSet;
use std::ops::Range;

use super::{AlignText, Passage};
use crate::shingle::sorted_intersection_len;
use crate::story::dateline::is_day_of_month;
use crate::terms::STOP;

/// Dice coefficient of two sentences' content terms (numbers aside) at or
/// above which they are one frame: most of their words are the same.
pub const MIN_FRAME_DICE: f64 = 0.6;

/// Content terms two sentences of one frame share, at least: a short
/// heading line is no frame.
pub const MIN_FRAME_TERMS: usize = 4;

/// Sentences of one frame in two articles, by whether their figures agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FigureMatch {
    /// Matched sentences whose figures agree.
    pub same: u32,
    /// Matched sentences whose figures differ.
    pub other: u32,
    /// Amounts (see the module docs) the two whole texts both give; 0 when
    /// only shared passages are compared.
    pub amounts_shared: u32,
    /// Amounts of the text that gives fewer.
    pub amounts_fewer: u32,
}

/// A sentence with numbers: its content terms other than the numbers
/// (sorted, distinct) and its figures (digits, commas dropped, units not).
struct Framed {
    terms: Vec<u64>,
    figures: BTreeSet<String>,
}

/// The sentences of `text` that hold a number; with `within`, only those
/// overlapping one of its byte ranges. The amounts of every sentence go to
/// `amounts`, when given.
fn framed_sentences(
    text: &AlignText,
    within: Option<&[Range<usize>]>,
    mut amounts: Option<&mut BTreeSet<String>>,
) -> Vec<Framed> {
    let mut number_words = vec![false; text.len()];
    let mut framed = Vec::new();
    for range in text.sentences() {
        let figures = sentence_figures(text, range, &mut number_words, amounts.as_deref_mut());
        if figures.is_empty() {
            continue;
        }
        let bytes = text.byte_range(range);
        let overlaps = |s: &Range<usize>| s.start < bytes.end && bytes.start < s.end;
        if !within.is_none_or(|spans| spans.iter().any(overlaps)) {
            continue;
        }
        let mut terms: Vec<u64> = (range.start as usize..range.end as usize)
            .filter(|&i| !number_words[i] && text.terms()[i] != STOP)
            .map(|i| text.terms()[i])
            .collect();
        terms.sort_unstable();
        terms.dedup();
        framed.push(Framed { terms, figures });
    }
    framed
}

/// The figures of the sentence at word `range`, marking its number words in
/// `number_words` and adding those that are amounts to `amounts`, when
/// given. A figure
/// is a word's leading digits, joined across "," and "." ("1,200" and "3.5"
/// are two words each; so is "1.3bn": "1", "3bn"), whatever unit follows, as
/// house styles differ ("1.3bn", "1.3 billion").
fn sentence_figures(
    text: &AlignText,
    range: &Range<u32>,
    number_words: &mut [bool],
    mut amounts: Option<&mut BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut figures = BTreeSet::new();
    // The figure being read, and its first and last words.
    let mut figure = String::new();
    let mut words = (0, 0);
    let mut finish = |figure: &mut String, words: (usize, usize)| {
        if let Some(amounts) = amounts.as_deref_mut() {
            if is_amount(text, figure, words) {
                amounts.insert(figure.clone());
            }
        }
        figures.insert(std::mem::take(figure));
    };
    for i in range.start as usize..range.end as usize {
        let word = text.word(i);
        let digits = &word[..word
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(word.len())];
        if digits.is_empty() {
            continue;
        }
        number_words[i] = true;
        let separator =
            (i > range.start as usize && number_words[i - 1]).then(|| text.gap_before(i));
        match separator {
            Some(",") => {}
            Some(".") => figure.push('.'),
            _ if !figure.is_empty() => {
                finish(&mut figure, words);
                words.0 = i;
            }
            _ => words.0 = i,
        }
        figure.push_str(digits);
        words.1 = i;
    }
    if !figure.is_empty() {
        finish(&mut figure, words);
    }
    figures
}

/// Words after a number that make it a time of day ("10 am", "1430 GMT").
const TIME_WORDS: &[&str] = &[
    "am", "pm", "gmt", "utc", "bst", "cet", "edt", "est", "cdt", "cst", "pdt", "pst", "hkt", "jst",
];

/// Whether `figure`, written in words `first..=last` of `text`, is an amount
/// (see the module docs): a decimal or a number of ten or more that is not a
/// day of the month, a year or a time of day.
fn is_amount(text: &AlignText, figure: &str, (first, last): (usize, usize)) -> bool {
    if figure.contains('.') || first != last {
        return true;
    }
    let Ok(value) = figure.parse::<u64>() else {
        return true;
    };
    let word = text.word(first);
    let next = (last + 1 < text.len()).then(|| text.word(last + 1));
    let previous = first.checked_sub(1).map(|i| text.word(i));
    let year = word.len() == 4 && (1800..=2100).contains(&value);
    let time = text.gap_before(first).ends_with(':')
        || (last + 1 < text.len() && text.gap_before(last + 1).starts_with(':'))
        || [&word[figure.len()..], next.unwrap_or("")]
            .iter()
            .any(|w| TIME_WORDS.contains(&w.to_ascii_lowercase().as_str()));
    value >= 10 && !year && !time && !is_day_of_month(word, previous, next)
}

/// Matches each sentence with numbers of `from` to its frame in `to` and
/// counts agreeing and differing figures into `count`.
fn match_into(from: &[Framed], to: &[Framed], count: &mut FigureMatch) {
    for sentence in from {
        let best = to
            .iter()
            .filter_map(|other| {
                let shared = sorted_intersection_len(&sentence.terms, &other.terms);
                let dice = 2.0 * shared as f64 / (sentence.terms.len() + other.terms.len()) as f64;
                (shared >= MIN_FRAME_TERMS && dice >= MIN_FRAME_DICE).then_some((dice, other))
            })
            // The first of equally close sentences, so the count is the same
            // whatever the iteration order of ties.
            .fold(
                None,
                |best: Option<(f64, &Framed)>, (dice, other)| match best {
                    Some((d, _)) if d >= dice => best,
                    _ => Some((dice, other)),
                },
            );
        let Some((_, other)) = best else { continue };
        let (fewer, more) = if sentence.figures.len() <= other.figures.len() {
            (&sentence.figures, &other.figures)
        } else {
            (&other.figures, &sentence.figures)
        };
        if fewer.is_subset(more) {
            count.same += 1;
        } else {
            count.other += 1;
        }
    }
}

/// Sentences of one frame in `a` and `b`, by whether their figures agree.
/// Both texts' amounts are compared too.
pub fn figure_match(a: &AlignText, b: &AlignText) -> FigureMatch {
    let (mut amounts_a, mut amounts_b) = (BTreeSet::new(), BTreeSet::new());
    let mut count = count_matches(
        framed_sentences(a, None, Some(&mut amounts_a)),
        framed_sentences(b, None, Some(&mut amounts_b)),
    );
    count.amounts_shared = amounts_a.intersection(&amounts_b).count() as u32;
    count.amounts_fewer = amounts_a.len().min(amounts_b.len()) as u32;
    count
}

/// The same, counting only sentences inside the `passages` that are not
/// boilerplate: whether what two articles share was copied with its figures
/// or is a frame filled in again.
pub fn figure_match_within(a: &AlignText, b: &AlignText, passages: &[Passage]) -> FigureMatch {
    let shared = passages.iter().filter(|p| !p.boilerplate);
    let spans_a: Vec<Range<usize>> = shared
        .clone()
        .map(|p| p.a.start_byte..p.a.end_byte)
        .collect();
    let spans_b: Vec<Range<usize>> = shared.map(|p| p.b.start_byte..p.b.end_byte).collect();
    // Amounts are for whole texts: a copied passage is reuse whatever the
    // rest of the two articles states.
    count_matches(
        framed_sentences(a, Some(&spans_a), None),
        framed_sentences(b, Some(&spans_b), None),
    )
}

/// Matches the framed sentences of each side against the other's.
fn count_matches(in_a: Vec<Framed>, in_b: Vec<Framed>) -> FigureMatch {
    let mut count = FigureMatch::default();
    match_into(&in_a, &in_b, &mut count);
    match_into(&in_b, &in_a, &mut count);
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::shingle::Shingler;

    /// Sentences told alike with the same and with other figures.
    fn matched(a: &str, b: &str) -> (u32, u32) {
        let count = whole(a, b);
        (count.same, count.other)
    }

    fn whole(a: &str, b: &str) -> FigureMatch {
        let shingler = Shingler::new(Config::default().shingle, 1);
        figure_match(&AlignText::new(a, &shingler), &AlignText::new(b, &shingler))
    }

    #[test]
    fn a_fraction_written_without_digits_is_no_figure() {
        // "¾" is the two words "3" and "4", written as one character.
        let a = "Prices rose ¾ of a point to 102 on the exchange floor in Chicago, traders said.";
        let b = "Prices rose ½ of a point to 102 on the exchange floor in Chicago, traders said.";
        // Written without an ASCII digit, "¾" is no figure: 102 agrees.
        assert_eq!(matched(a, b), (2, 0));
    }

    #[test]
    fn a_monthly_report_gives_other_figures_in_the_same_sentences() {
        let february = "Hong Kong's broadly defined M3 money supply rose 1.4 pct to 1,021.3 \
            billion dlrs in February, the government said. Local currency deposits rose \
            2.2 pct in the month.";
        let january = "Hong Kong's broadly defined M3 money supply rose 2.2 pct to 1,006.8 \
            billion dlrs in January, the government said. Local currency deposits rose \
            0.9 pct in the month.";
        assert_eq!(matched(february, january), (0, 4));
    }

    #[test]
    fn a_retelling_keeps_the_figures_of_the_sentences_it_keeps() {
        let wire = "The mosque raised more than $340,000 in cash and supplies for the \
            victims of the hurricane, its imam said on Tuesday.";
        let retold = "Its imam said on Tuesday that the mosque raised more than $340,000 in \
            cash and supplies for hurricane victims.";
        assert_eq!(matched(wire, retold), (2, 0));
        // Sentences without numbers, or with other words, are not matched.
        let unrelated = "Prices of cocoa rose 12 pct in London trading.";
        assert_eq!(matched(wire, unrelated), (0, 0));
    }

    #[test]
    fn amounts_are_figures_of_the_story_not_of_its_time() {
        // Dates, years, times of day and small counts are no amounts; the
        // rest are, however they are written.
        let a = "On March 25, 1987, at 10:30 GMT, 3 firms paid 1,200 dlrs, 4.5 pct more, \
            for 250 tonnes, traders said at 1430 GMT.";
        let b = "Traders said 250 tonnes sold for 1,200 dlrs on April 2 in 1986 with 7 bids \
            and 31 offers by 11 am.";
        let count = whole(a, b);
        // a: 1200, 4.5, 250; b: 250, 1200, 31.
        assert_eq!((count.amounts_shared, count.amounts_fewer), (2, 3));
    }
}

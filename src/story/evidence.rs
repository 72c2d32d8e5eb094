//! What two articles about one story share, for a reader: names, numbers,
//! quoted phrases and the most distinctive common terms.
//!
//! Input: the two prepared texts and the scan's [`TermWeights`]. Output:
//! [`SharedEvidence`], with words as they are written in article A.

use std::collections::BTreeSet;

use ahash::AHashMap;
use serde::{Deserialize, Serialize};

use super::dateline::is_day_of_month;
use super::weights::{tf_weight, TermWeights};
use crate::align::AlignText;
use crate::terms::{term_counts, STOP};

/// Entries listed per kind, at most.
pub const MAX_LISTED: usize = 12;

/// Shortest quoted phrase listed, in words.
const MIN_QUOTE_WORDS: usize = 2;

/// Shared names, numbers, quotes and terms of a pair.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SharedEvidence {
    /// Capitalized words inside sentences in both articles ("Umerov").
    pub names: Vec<String>,
    /// Numbers written the same way in both, with the word after them when it
    /// is the same too ("1,200 prisoners").
    pub numbers: Vec<String>,
    /// Phrases quoted in one article and present in the other.
    pub quotes: Vec<String>,
    /// The most distinctive shared content terms, as written in A.
    pub terms: Vec<String>,
}

/// The evidence two prepared texts share.
pub fn shared_evidence(a: &AlignText, b: &AlignText, weights: &TermWeights) -> SharedEvidence {
    let (counts_a, counts_b) = (term_counts(a.terms()), term_counts(b.terms()));
    let count_b: AHashMap<u64, u32> = counts_b.into_iter().collect();
    let mut shared: Vec<(f64, u64)> = counts_a
        .iter()
        .filter_map(|&(t, n)| {
            let m = *count_b.get(&t)?;
            Some((tf_weight(n.min(m)) * weights.idf(t), t))
        })
        .collect();
    shared.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let names_a = names(a);
    let names_b = names(b);
    let mut evidence = SharedEvidence::default();
    for &(_, term) in &shared {
        let Some(&i) = names_a.get(&term) else {
            continue;
        };
        if names_b.contains_key(&term) && evidence.names.len() < MAX_LISTED {
            evidence.names.push(a.word(i).to_string());
        }
    }
    // Numbers are listed as written, with their nouns, by `shared_numbers`.
    let is_number = |w: &str| w.bytes().all(|c| c.is_ascii_digit());
    evidence.terms = shared
        .iter()
        .filter(|(_, t)| !names_a.contains_key(t))
        .map(|&(_, t)| {
            let i = a
                .terms()
                .iter()
                .position(|&x| x == t)
                .expect("a shared term of A");
            a.word(i).to_lowercase()
        })
        .filter(|w| !is_number(w))
        .take(MAX_LISTED)
        .collect();
    evidence.numbers = shared_numbers(a, b);
    evidence.quotes = shared_quotes(a, b);
    evidence
}

/// Terms written with a capital inside a sentence, with their first such
/// word. Not names: the first word of a sentence or of a line (headings and
/// list items), terms the text also writes in lower case ("Points" of a
/// heading is the word "points"), and days and months, which any two reports
/// of one week share.
pub(super) fn names(text: &AlignText) -> AHashMap<u64, usize> {
    let starts_lower = |i: usize| text.word(i).chars().next().is_some_and(char::is_lowercase);
    // A sorted list, not a set: built once per text and looked up only for
    // capitalized words, it costs no hashing of every word.
    let mut common: Vec<u64> = (0..text.tokens.len())
        .filter(|&i| starts_lower(i))
        .map(|i| text.terms()[i])
        .collect();
    common.sort_unstable();
    common.dedup();
    let starts_line = |i: usize| text.gap_before(i).contains('\n');
    let mut found = AHashMap::new();
    for sentence in text.sentences() {
        for i in sentence.start as usize + 1..sentence.end as usize {
            let w = text.word(i);
            let mut chars = w.chars();
            let titlecase =
                chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase);
            let term = text.terms()[i];
            if titlecase
                && term != STOP
                && common.binary_search(&term).is_err()
                && !starts_line(i)
                && !CALENDAR.iter().any(|day| day.eq_ignore_ascii_case(w))
            {
                found.entry(term).or_insert(i);
            }
        }
    }
    found
}

/// Capitalized words that name a day or a month, not a person or a place.
const CALENDAR: [&str; 19] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The numbers of a text as written ("1,200", "3.5"), days of dates aside
/// ("March 25"), in order, each with the
/// term of the word after it and that word's index.
fn numbers(text: &AlignText) -> Vec<(String, Option<u64>, usize)> {
    let is_digits = |i: usize| text.word(i).bytes().all(|c| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.tokens.len() {
        if !is_digits(i) {
            i += 1;
            continue;
        }
        let first = i;
        let start = text.tokens[i].span.start as usize;
        let mut end = text.tokens[i].span.end as usize;
        // "1,200" and "3.5" are cut into two words; join them back.
        while i + 1 < text.tokens.len() && is_digits(i + 1) {
            let between = text.gap_before(i + 1);
            if between != "," && between != "." {
                break;
            }
            end = text.tokens[i + 1].span.end as usize;
            i += 1;
        }
        let word = |j: Option<usize>| j.filter(|&j| j < text.len()).map(|j| text.word(j));
        let date =
            first == i && is_day_of_month(text.word(i), word(i.checked_sub(1)), word(Some(i + 1)));
        if !date {
            let after = text.terms().get(i + 1).copied().filter(|&t| t != STOP);
            out.push((text.text[start..end].to_string(), after, i + 1));
        }
        i += 1;
    }
    out
}

fn shared_numbers(a: &AlignText, b: &AlignText) -> Vec<String> {
    let in_b: BTreeSet<(String, Option<u64>)> =
        numbers(b).into_iter().map(|(n, t, _)| (n, t)).collect();
    let plain_b: BTreeSet<&str> = in_b.iter().map(|(n, _)| n.as_str()).collect();
    let mut listed: Vec<String> = Vec::new();
    for (number, after, next) in numbers(a) {
        if !plain_b.contains(number.as_str()) {
            continue;
        }
        let with_word = after.is_some() && in_b.contains(&(number.clone(), after));
        let shown = if with_word {
            format!("{number} {}", a.word(next))
        } else if number.len() >= 3 {
            number
        } else {
            // A lone "2" or "16" in both says nothing; "2014" or "1,200" does.
            continue;
        };
        if !listed.contains(&shown) && listed.len() < MAX_LISTED {
            listed.push(shown);
        }
    }
    listed
}

/// Word ranges between quotation marks.
fn quoted(text: &AlignText) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (at, c) in text.text.char_indices() {
        match (c, open) {
            ('"' | '“' | '«', None) => open = Some(at),
            ('"' | '”' | '»', Some(start)) => {
                let first = text
                    .tokens
                    .partition_point(|t| (t.span.start as usize) < start);
                let last = text
                    .tokens
                    .partition_point(|t| (t.span.start as usize) < at);
                if last > first {
                    spans.push(first..last);
                }
                open = None;
            }
            _ => {}
        }
    }
    spans
}

/// Phrases quoted in one text that the other also has, word for word
/// (normalized), as the quoting text writes them.
fn shared_quotes(a: &AlignText, b: &AlignText) -> Vec<String> {
    let mut listed: Vec<String> = Vec::new();
    for (quoting, other) in [(a, b), (b, a)] {
        for quote in quoted(quoting) {
            let runs = common_runs(
                &quoting.tokens[quote.clone()],
                &other.tokens,
                MIN_QUOTE_WORDS,
            );
            for run in runs {
                let words = quote.start + run.start..quote.start + run.end;
                let content = words
                    .clone()
                    .filter(|&i| quoting.terms()[i] != STOP)
                    .count();
                // A whole quote needs one content word, a fragment of one two
                // ("The key" of a longer quote says nothing).
                let needed = if words == quote { 1 } else { 2 };
                if content < needed {
                    continue;
                }
                let from = quoting.tokens[words.start].span.start as usize;
                let to = quoting.tokens[words.end - 1].span.end as usize;
                let phrase = quoting.text[from..to]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let known = listed.iter().any(|l| l.eq_ignore_ascii_case(&phrase));
                if !known && listed.len() < MAX_LISTED {
                    listed.push(phrase);
                }
            }
        }
    }
    listed
}

/// The maximal runs of at least `min_words` words of `quote` (word indexes)
/// that also occur in `other`, not overlapping (longest kept first), in order.
fn common_runs(
    quote: &[crate::shingle::Token],
    other: &[crate::shingle::Token],
    min_words: usize,
) -> Vec<std::ops::Range<usize>> {
    // Longest common suffix lengths, one row per word of the quote.
    let mut previous = vec![0u32; other.len() + 1];
    let mut current = vec![0u32; other.len() + 1];
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, q) in quote.iter().enumerate() {
        for (j, o) in other.iter().enumerate() {
            current[j + 1] = if q.hash == o.hash { previous[j] + 1 } else { 0 };
        }
        for j in 0..other.len() {
            let len = current[j + 1] as usize;
            let extends = i + 1 < quote.len()
                && j + 1 < other.len()
                && quote[i + 1].hash == other[j + 1].hash;
            if len >= min_words && !extends {
                runs.push(i + 1 - len..i + 1);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    runs.sort_by(|x, y| y.len().cmp(&x.len()).then(x.start.cmp(&y.start)));
    let mut kept: Vec<std::ops::Range<usize>> = Vec::new();
    for run in runs {
        if kept
            .iter()
            .all(|k| run.end <= k.start || k.end <= run.start)
        {
            kept.push(run);
        }
    }
    kept.sort_by_key(|r| r.start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::shingle::Shingler;
    use crate::story::Background;

    /// The evidence `a` and `b` share, weighed on the two texts alone.
    fn evidence_of(a: &str, b: &str) -> SharedEvidence {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let weights = TermWeights::of_texts(Background::english(), &[a, b], &shingler);
        let (ta, tb) = (AlignText::new(a, &shingler), AlignText::new(b, &shingler));
        shared_evidence(&ta, &tb, &weights)
    }

    #[test]
    fn the_day_of_a_dateline_is_not_a_shared_figure() {
        // Without the date rule "25 Sterling" would be listed: the day is
        // followed by the same word in both.
        let a = "LONDON, March 25 - Sterling bills worth 500 mln stg were sold.";
        let b = "PARIS, March 25 - Sterling bills worth 500 mln stg went to banks.";
        let shared = evidence_of(a, b);
        assert_eq!(shared.numbers, ["500 mln"], "{shared:?}");
    }

    #[test]
    fn names_numbers_and_quotes_shared_by_two_accounts() {
        let a = "Talks resumed in Istanbul on Wednesday. Main Points\nThe Talks Room \
                 hosted them. Negotiator Rustem Umerov said \
                 the sides remain \"diametrically opposed\" but agreed to swap 1,200 prisoners. \
                 The deadline is 50 days. Round 2 began; \"the key issue is land\", he said.";
        let b = "In Istanbul the delegations, led by Umerov, freed 1,200 prisoners. Moscow \
                 and Kyiv stayed diametrically opposed on territory, and a 50 day deadline \
                 looms; 200 more may follow. Talks room staff noted main points. The key \
                 round 2 teams met in Istanbul on Wednesday.";
        let shared = evidence_of(a, b);
        assert!(shared.names.contains(&"Istanbul".to_string()), "{shared:?}");
        assert!(shared.names.contains(&"Umerov".to_string()), "{shared:?}");
        // "Talks" and "Negotiator" begin sentences, "Main" begins a line,
        // "Points" and "Room" are written in lower case too: not names.
        // Nor is "Wednesday", said in both.
        for not_a_name in ["Talks", "Negotiator", "Main", "Points", "Room", "Wednesday"] {
            assert!(!shared.names.iter().any(|n| n == not_a_name), "{shared:?}");
        }
        // "1,200" is one number (B's lone "200" does not match it), with its noun.
        assert!(
            shared.numbers.contains(&"1,200 prisoners".to_string()),
            "{shared:?}"
        );
        assert!(
            !shared.numbers.iter().any(|n| n.starts_with("200")),
            "{shared:?}"
        );
        // "days" and "day" are one term, so the noun goes with "50" too.
        assert!(
            shared.numbers.contains(&"50 days".to_string()),
            "{shared:?}"
        );
        // A lone short number ("2", followed by different words) is not listed.
        assert!(!shared.numbers.iter().any(|n| n == "2"), "{shared:?}");
        // "the key" is a fragment of a longer quote with one content word.
        assert_eq!(shared.quotes, vec!["diametrically opposed".to_string()]);
    }
}

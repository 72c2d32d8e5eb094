//! A document prepared for alignment: its words, their stems, and its sentences
//! (the stems and sentences at once, or on first use: see
//! [`AlignText::words_first`]).
//!
//! Input: an original text. Output: an [`AlignText`], computed once per document
//! and shared by every pair the document is in.
//!
//! Words come from [`Shingler::for_each_token`], so they are the words the rest of
//! the pipeline sees. Each word also gets a *term*: the Snowball (Porter 2) stem of
//! the normalized word, hashed, or [`STOP`] for a function word. Terms let a
//! reworded sentence ("rebels killed the chief" / "rebels have killed its chief")
//! still match. Sentences end at `.`, `!` or `?` followed by a space, and at blank
//! lines; a sentence with fewer than [`MIN_SENTENCE_TERMS`] content words joins the
//! next (abbreviations like "U. S." would otherwise make one-word sentences), and
//! one longer than [`MAX_SENTENCE_WORDS`] is cut (lists and tables have no stops).

use std::ops::Range;

use std::borrow::Cow;
use std::sync::OnceLock;

use bit_vec::BitVec;

use super::anchor::AnchorIndex;
use crate::shingle::{Shingler, Token};
use crate::terms::{for_each_term, push_term_counts, STOP};

/// Sentences with fewer content words than this join the next sentence.
pub const MIN_SENTENCE_TERMS: usize = 4;

/// Longer runs of words without a sentence end are cut into pieces of this size.
pub const MAX_SENTENCE_WORDS: usize = 60;

/// A document ready to be aligned with others.
#[derive(Debug, Clone)]
pub struct AlignText<'t> {
    /// The original text; every offset points into it.
    pub(crate) text: &'t str,
    /// Its words with their original spans (hash of the normalized word).
    pub(crate) tokens: Vec<Token>,
    /// How the words were cut, to cut them again for their terms.
    shingler: Shingler,
    /// Terms and sentences: computed on first use when not at once (a near
    /// copy whose passage comes from its identical runs needs neither).
    analysis: OnceLock<Analysis>,
    /// Per word: boilerplate or not (none marked unless given).
    boilerplate: Option<BitVec>,
    /// Index of the anchor windows, built on first use.
    anchors: OnceLock<AnchorIndex>,
}

/// A text's terms and sentences.
#[derive(Debug, Clone)]
struct Analysis {
    /// Per word: the hashed stem, or [`STOP`].
    terms: Vec<u64>,
    /// Sentences as ranges of word indices, in order, covering every word.
    sentences: Vec<Range<u32>>,
    /// Every sentence's distinct content terms with their counts, sorted by
    /// term, one sentence after another (see [`AlignText::sentence_terms`]).
    sentence_terms: Vec<(u64, u32)>,
    /// Where each sentence's entries start in `sentence_terms`, plus the end.
    sentence_term_starts: Vec<u32>,
    /// (term, sentence) for every content term of every sentence, sorted: the
    /// sentences a term occurs in are one run (one sorted array rather than a
    /// map of small vectors, which cost an allocation per distinct term).
    postings: Vec<(u64, u32)>,
    /// The distinct content terms, sorted, each with where its run starts in
    /// `postings`.
    term_runs: Vec<(u64, u32)>,
}

impl Analysis {
    fn new(text: &str, tokens: &[Token], terms: Vec<u64>) -> Self {
        let sentences = sentences(text, tokens, &terms);
        let mut sentence_terms: Vec<(u64, u32)> = Vec::with_capacity(terms.len());
        let mut sentence_term_starts: Vec<u32> = Vec::with_capacity(sentences.len() + 1);
        let mut sorted: Vec<u64> = Vec::new();
        for range in &sentences {
            sentence_term_starts.push(sentence_terms.len() as u32);
            push_term_counts(
                &terms[range.start as usize..range.end as usize],
                &mut sorted,
                &mut sentence_terms,
            );
        }
        sentence_term_starts.push(sentence_terms.len() as u32);
        let mut postings: Vec<(u64, u32)> = Vec::with_capacity(sentence_terms.len());
        for (sentence, bounds) in sentence_term_starts.windows(2).enumerate() {
            let entries = &sentence_terms[bounds[0] as usize..bounds[1] as usize];
            postings.extend(entries.iter().map(|&(t, _)| (t, sentence as u32)));
        }
        postings.sort_unstable();
        let mut term_runs: Vec<(u64, u32)> = Vec::new();
        for (i, &(t, _)) in postings.iter().enumerate() {
            if term_runs.last().is_none_or(|&(last, _)| last != t) {
                term_runs.push((t, i as u32));
            }
        }
        Analysis {
            terms,
            sentences,
            sentence_terms,
            sentence_term_starts,
            postings,
            term_runs,
        }
    }
}

impl<'t> AlignText<'t> {
    /// Prepares `text`, cutting words as `shingler` does: its words, terms
    /// and sentences at once.
    pub fn new(text: &'t str, shingler: &Shingler) -> Self {
        let mut tokens = Vec::new();
        let mut terms = Vec::new();
        for_each_term(text, shingler, |token, term| {
            tokens.push(token);
            terms.push(term);
        });
        let analysis = Analysis::new(text, &tokens, terms);
        AlignText {
            text,
            tokens,
            shingler: *shingler,
            analysis: OnceLock::from(analysis),
            boilerplate: None,
            anchors: OnceLock::new(),
        }
    }

    /// Prepares `text`'s words only; its terms and sentences are computed
    /// when first asked for (cutting the text again), for texts that may
    /// need none (a near copy aligned by its runs).
    pub fn words_first(text: &'t str, shingler: &Shingler) -> Self {
        let mut tokens = Vec::new();
        shingler.for_each_token(text, |_, token| tokens.push(token));
        AlignText {
            text,
            tokens,
            shingler: *shingler,
            analysis: OnceLock::new(),
            boilerplate: None,
            anchors: OnceLock::new(),
        }
    }

    fn analysis(&self) -> &Analysis {
        self.analysis.get_or_init(|| {
            let mut terms = Vec::with_capacity(self.tokens.len());
            for_each_term(self.text, &self.shingler, |_, term| terms.push(term));
            Analysis::new(self.text, &self.tokens, terms)
        })
    }

    /// Per word: the hashed stem, or [`STOP`].
    pub(crate) fn terms(&self) -> &[u64] {
        &self.analysis().terms
    }

    /// Sentences as ranges of word indices, in order, covering every word.
    pub(crate) fn sentences(&self) -> &[Range<u32>] {
        &self.analysis().sentences
    }

    /// The index of this text's `anchor`-word windows: built once for the first
    /// anchor length asked for (all pairs of a scan ask for the same one,
    /// except with texts shorter than it), and built afresh for another.
    pub(crate) fn anchor_index(&self, anchor: usize) -> Cow<'_, AnchorIndex> {
        let index = self
            .anchors
            .get_or_init(|| AnchorIndex::new(&self.tokens, anchor));
        if index.anchor() == anchor {
            Cow::Borrowed(index)
        } else {
            Cow::Owned(AnchorIndex::new(&self.tokens, anchor))
        }
    }

    /// The same text with its boilerplate words marked (one mark per word, as
    /// `crate::boilerplate::BoilerplateMarker::mark` gives).
    pub fn with_boilerplate(mut self, marks: BitVec) -> Self {
        self.boilerplate = (marks.len() == self.tokens.len()).then_some(marks);
        self
    }

    /// The `i`-th word as written.
    pub(crate) fn word(&self, i: usize) -> &'t str {
        let span = self.tokens[i].span;
        &self.text[span.start as usize..span.end as usize]
    }

    /// The text between word `i - 1` and word `i`: empty for the first word,
    /// and for two words from one original character ("¾" is "3" and "4"),
    /// whose spans overlap.
    pub(crate) fn gap_before(&self, i: usize) -> &'t str {
        let Some(previous) = i.checked_sub(1).and_then(|p| self.tokens.get(p)) else {
            return "";
        };
        let start = self
            .tokens
            .get(i)
            .map_or(self.text.len(), |t| t.span.start as usize);
        self.text
            .get(previous.span.end as usize..start)
            .unwrap_or("")
    }

    /// The words, with their spans in the original text.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The hashes of the words, in order.
    pub fn word_hashes(&self) -> Vec<u64> {
        self.tokens.iter().map(|t| t.hash).collect()
    }

    /// The terms of the words, with words marked as boilerplate as [`STOP`]:
    /// a footer shared by every article is not part of any story.
    pub(crate) fn terms_outside_boilerplate(&self) -> std::borrow::Cow<'_, [u64]> {
        match &self.boilerplate {
            Some(marks) if marks.any() => std::borrow::Cow::Owned(
                self.terms()
                    .iter()
                    .zip(marks.iter())
                    .map(|(&t, marked)| if marked { STOP } else { t })
                    .collect(),
            ),
            _ => std::borrow::Cow::Borrowed(self.terms()),
        }
    }

    /// The bytes of the original text that words `words` span.
    pub(crate) fn byte_range(&self, words: &Range<u32>) -> Range<usize> {
        self.tokens[words.start as usize].span.start as usize
            ..self.tokens[words.end as usize - 1].span.end as usize
    }

    /// Share of the words of `range` marked as boilerplate.
    pub(crate) fn boilerplate_share(&self, range: &Range<u32>) -> f64 {
        self.boilerplate
            .as_ref()
            .map_or(0.0, |marks| marked_share(marks, range))
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when the text has no words.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Number of sentences.
    pub fn sentence_count(&self) -> usize {
        self.sentences().len()
    }

    /// Marks the sentences that hold a word within `gap` words of any of
    /// `ranges` (word ranges of this text).
    pub(crate) fn sentences_near<'r>(
        &self,
        ranges: impl Iterator<Item = &'r Range<u32>>,
        gap: usize,
    ) -> BitVec {
        let sentences = self.sentences();
        let mut marks = BitVec::from_elem(sentences.len(), false);
        for range in ranges {
            let start = (range.start as usize).saturating_sub(gap) as u32;
            let end = (range.end as usize + gap) as u32;
            // Sentences are in order and cover every word.
            let first = sentences.partition_point(|s| s.end <= start);
            for (i, sentence) in sentences.iter().enumerate().skip(first) {
                if sentence.start >= end {
                    break;
                }
                marks.set(i, true);
            }
        }
        marks
    }

    /// The distinct content terms of a sentence with their counts, sorted by
    /// term.
    pub(crate) fn sentence_terms(&self, sentence: usize) -> &[(u64, u32)] {
        let analysis = self.analysis();
        let start = analysis.sentence_term_starts[sentence] as usize;
        let end = analysis.sentence_term_starts[sentence + 1] as usize;
        &analysis.sentence_terms[start..end]
    }

    /// The distinct content terms, sorted, each with the number of sentences
    /// it occurs in.
    pub(crate) fn sentence_frequencies(&self) -> impl Iterator<Item = (u64, usize)> + '_ {
        let analysis = self.analysis();
        let ends = analysis
            .term_runs
            .iter()
            .skip(1)
            .map(|&(_, start)| start as usize)
            .chain([analysis.postings.len()]);
        analysis
            .term_runs
            .iter()
            .zip(ends)
            .map(|(&(t, start), end)| (t, end - start as usize))
    }

    /// The (term, sentence) entries of a content term, by ascending sentence.
    pub(crate) fn sentences_with(&self, term: u64) -> &[(u64, u32)] {
        let analysis = self.analysis();
        let Ok(i) = analysis.term_runs.binary_search_by_key(&term, |&(t, _)| t) else {
            return &[];
        };
        let start = analysis.term_runs[i].1 as usize;
        let end = analysis
            .term_runs
            .get(i + 1)
            .map_or(analysis.postings.len(), |&(_, next)| next as usize);
        &analysis.postings[start..end]
    }
}

/// Share of the positions of `range` that are marked.
pub(crate) fn marked_share(marks: &BitVec, range: &Range<u32>) -> f64 {
    let marked = range.clone().filter(|&i| marks[i as usize]).count();
    marked as f64 / range.len().max(1) as f64
}

/// Cuts the words into sentences (see the module docs for the rules).
fn sentences(text: &str, tokens: &[Token], terms: &[u64]) -> Vec<Range<u32>> {
    let mut raw = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let end_of_text = i + 1 == tokens.len();
        let ends = end_of_text
            || i + 1 - start >= MAX_SENTENCE_WORDS
            // Two words from one original character (a ligature, "½") have
            // overlapping spans and nothing between them.
            || text
                .get(tokens[i].span.end as usize..tokens[i + 1].span.start as usize)
                .is_some_and(ends_sentence);
        if ends {
            raw.push(start..i + 1);
            start = i + 1;
        }
    }
    // Join sentences with too few content words to the next one (the last joins
    // the previous).
    let mut joined: Vec<Range<u32>> = Vec::with_capacity(raw.len());
    let mut pending: Option<usize> = None;
    for range in raw {
        let from = pending.take().unwrap_or(range.start);
        let content = terms[from..range.end]
            .iter()
            .filter(|&&t| t != STOP)
            .count();
        if content < MIN_SENTENCE_TERMS && range.end - from < MAX_SENTENCE_WORDS {
            pending = Some(from);
        } else {
            joined.push(from as u32..range.end as u32);
        }
    }
    if let Some(from) = pending {
        match joined.last_mut() {
            Some(last) => last.end = tokens.len() as u32,
            None => joined.push(from as u32..tokens.len() as u32),
        }
    }
    joined
}

/// Whether the text between two words ends a sentence.
fn ends_sentence(between: &str) -> bool {
    let mut after_stop = false;
    let mut newlines = 0;
    for c in between.chars() {
        match c {
            '.' | '!' | '?' => after_stop = true,
            '\n' => {
                newlines += 1;
                if after_stop || newlines >= 2 {
                    return true;
                }
            }
            c if c.is_whitespace() && after_stop => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_between_two_words_of_one_character_is_empty() {
        // "1½" is the words "11" (span "1½") and "2" (span "½"): they overlap.
        let text = AlignText::new(
            "rose 1½ points",
            &Shingler::new(Config::default().shingle, 1),
        );
        let gaps: Vec<&str> = (0..=text.len()).map(|i| text.gap_before(i)).collect();
        assert_eq!(gaps, ["", " ", "", " ", ""]);
    }
    use crate::config::Config;

    fn prepare(text: &str) -> AlignText<'_> {
        AlignText::new(text, &Shingler::new(Config::default().shingle, 1))
    }

    fn sentence_texts<'a>(t: &'a AlignText) -> Vec<&'a str> {
        t.sentences()
            .iter()
            .map(|r| {
                let start = t.tokens[r.start as usize].span.start as usize;
                let end = t.tokens[r.end as usize - 1].span.end as usize;
                &t.text[start..end]
            })
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_and_blank_lines_only() {
        let t = prepare(
            "Rebels killed the police chief today. Witnesses saw two gunmen flee! \
             The price rose 1.5 percent in\nthe morning trade\n\nNew paragraph starts with fresh words",
        );
        assert_eq!(
            sentence_texts(&t),
            [
                "Rebels killed the police chief today",
                "Witnesses saw two gunmen flee",
                "The price rose 1.5 percent in\nthe morning trade",
                "New paragraph starts with fresh words"
            ]
        );
    }

    #[test]
    fn short_sentences_join_the_next() {
        let t = prepare("The U. S. envoy met rebel leaders. Talks failed again today in Geneva.");
        assert_eq!(
            sentence_texts(&t),
            [
                "The U. S. envoy met rebel leaders",
                "Talks failed again today in Geneva"
            ]
        );
        assert_eq!(prepare("Yes. No.").sentence_count(), 1);
    }

    #[test]
    fn stems_match_inflections_and_stop_words_are_not_terms() {
        let a = prepare("killing rebels");
        let b = prepare("killed rebel");
        assert_eq!(a.terms(), b.terms());
        assert_eq!(prepare("the of and").terms(), [STOP, STOP, STOP]);
    }

    #[test]
    fn transliterations_of_a_name_are_one_term() {
        let terms = |word| prepare(word).terms().to_vec();
        let zelensky = terms("Zelensky");
        assert_eq!(terms("Zelenskiy"), zelensky);
        assert_eq!(terms("Zelenskyy"), zelensky);
        assert_eq!(terms("Sergey"), terms("Sergei"));
        assert_eq!(terms("party"), terms("parties"));
        assert_ne!(terms("party"), terms("part"));
        assert_ne!(terms("pay"), terms("pa"));
    }

    #[test]
    fn words_first_gives_the_same_terms_and_sentences_when_asked() {
        let shingler = Shingler::new(Config::default().shingle, 1);
        let text = "Rebels killed the police chief today. Witnesses saw ¾ of the \
                    gunmen flee!\n\nThe U. S. envoy met Zelenskiy in Geneva.";
        let (eager, lazy) = (
            AlignText::new(text, &shingler),
            AlignText::words_first(text, &shingler),
        );
        assert_eq!(eager.tokens, lazy.tokens);
        assert!(lazy.analysis.get().is_none(), "nothing computed yet");
        assert_eq!(eager.terms(), lazy.terms());
        assert_eq!(eager.sentences(), lazy.sentences());
        assert_eq!(
            (0..eager.sentence_count())
                .map(|i| eager.sentence_terms(i).to_vec())
                .collect::<Vec<_>>(),
            (0..lazy.sentence_count())
                .map(|i| lazy.sentence_terms(i).to_vec())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn long_runs_without_stops_are_cut() {
        let text = "word ".repeat(MAX_SENTENCE_WORDS * 2 + 5);
        let t = prepare(&text);
        assert_eq!(t.sentence_count(), 3);
        assert_eq!(t.sentences().last().map(|r| r.end), Some(t.len() as u32));
    }
}

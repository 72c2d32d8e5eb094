//! Word terms: the stemmed, hashed form of a word that alignment and the story
//! stage compare, and the function words that get none.
//!
//! Input: a text cut into words by a [`Shingler`]. Output: one term per word,
//! a hashed Snowball (Porter 2) stem, or [`STOP`] for a function word. Terms
//! let a reworded sentence ("rebels killed the chief" / "rebels have killed its
//! chief") still match, and the transliterations of one name count as one.
//!
//! A leaf of the stage graph: it uses only `shingle` (how words are cut) and
//! `hash`, so alignment and the story stage share one definition of a term
//! without depending on each other.

use std::cell::RefCell;
use std::sync::LazyLock;

use nohash_hasher::IntMap;
use rust_stemmers::{Algorithm, Stemmer};

use crate::hash::hash_bytes;
use crate::shingle::{Shingler, Token};

/// The term of a function word: never a seed, never weighted.
pub const STOP: u64 = 0;

/// Seed of the term hash: terms are compared between two documents of one run,
/// never stored, so any fixed seed works.
const TERM_SEED: u64 = 0x7E57_0F5E_ED5E_7EED;

/// The function words, sorted for binary search. A list of our own rather than
/// the `stop-words` crate's: its English lists (NLTK's 179 words with
/// contractions, or ISO's 1,298) are not this one, and every alignment and
/// story threshold was measured with this one.
static STOP_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("stop_words.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Terms of words already seen, by word hash: stemming is the costly part of
/// preparing a text, and a corpus repeats a small vocabulary. One per thread,
/// kept from text to text.
struct TermCache {
    stemmer: Stemmer,
    /// The seed of the word hashes the keys are (another seed empties it).
    seed: u64,
    /// Keyed by word hash, which is already uniform: the map uses it as its
    /// own hash instead of hashing it again.
    terms: IntMap<u64, u64>,
}

thread_local! {
    static TERMS: RefCell<TermCache> = RefCell::new(TermCache {
        stemmer: Stemmer::create(Algorithm::English),
        seed: 0,
        terms: IntMap::default(),
    });
}

impl TermCache {
    fn term(&mut self, word: &str, hash: u64) -> u64 {
        let stemmer = &self.stemmer;
        *self
            .terms
            .entry(hash)
            .or_insert_with(|| term(stemmer, word))
    }
}

/// Calls `f` with every word of `text` and its term (the hashed stem, or
/// [`STOP`]), through this thread's cache of terms: the one definition of a
/// term, shared by alignment and the story stage.
pub(crate) fn for_each_term(text: &str, shingler: &Shingler, mut f: impl FnMut(Token, u64)) {
    TERMS.with_borrow_mut(|cache| {
        if cache.seed != shingler.seed() {
            cache.terms.clear();
            cache.seed = shingler.seed();
        }
        shingler.for_each_token(text, |word, token| f(token, cache.term(word, token.hash)));
    });
}

/// The term of one normalized word (no cache: for word lists read once).
pub(crate) fn word_term(word: &str) -> u64 {
    TERMS.with_borrow(|cache| term(&cache.stemmer, word))
}

/// The content terms among `terms` with their counts, sorted by term.
pub(crate) fn term_counts(terms: &[u64]) -> Vec<(u64, u32)> {
    let mut counts = Vec::new();
    push_term_counts(terms, &mut Vec::new(), &mut counts);
    counts
}

/// Appends the content terms among `terms` with their counts, sorted by term,
/// to `out` (`sorted` is a reusable buffer).
pub(crate) fn push_term_counts(terms: &[u64], sorted: &mut Vec<u64>, out: &mut Vec<(u64, u32)>) {
    sorted.clear();
    sorted.extend(terms.iter().copied().filter(|&t| t != STOP));
    sorted.sort_unstable();
    let first = out.len();
    for &t in sorted.iter() {
        let len = out.len();
        match out.last_mut() {
            Some((last, n)) if len > first && *last == t => *n += 1,
            _ => out.push((t, 1)),
        }
    }
}

fn term(stemmer: &Stemmer, word: &str) -> u64 {
    if STOP_WORDS.binary_search(&word).is_ok() {
        return STOP;
    }
    let stem = stemmer.stem(word);
    match hash_bytes(fold_final_i(&stem).as_bytes(), TERM_SEED) {
        STOP => 1,
        hash => hash,
    }
}

/// The stem with its final run of `i` and `y` written as one `i`: the
/// transliterations of one name (Zelensky, Zelenskiy, Zelenskyy; Sergey,
/// Sergei) become one term. The stemmer already writes a final consonant + y
/// as i ("party" -> "parti"), so English words are barely touched.
fn fold_final_i(stem: &str) -> std::borrow::Cow<'_, str> {
    let kept = stem.trim_end_matches(['i', 'y']);
    if kept.len() + 1 >= stem.len() && !stem.ends_with('y') || kept.len() < 2 {
        return std::borrow::Cow::Borrowed(stem);
    }
    std::borrow::Cow::Owned(format!("{kept}i"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.len() > 100);
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}

//! Shingling: words (with their spans in the original text) and the set of
//! hashed k-grams that MinHash and exact verification work on.
//!
//! Input: an original text. Output: [`Token`]s (for alignment) or a
//! [`ShingleSet`] (sorted, deduplicated 64-bit shingle hashes).
//!
//! Words are those of [`crate::normalize::for_each_word`]: maximal runs of
//! alphanumeric characters or `_` in the normalized text (the `\w+` rule most
//! MinHash tools use). A word's hash is the named hash of
//! its normalized bytes; a word shingle's hash combines its words' hashes
//! ([`combine_hashes`]: a few cycles per word, where hashing their bytes again
//! cost as much as cutting the words); a character shingle's hash is the named
//! hash of its normalized bytes.
//! A text with fewer than k words (or characters) but at least one gets a single
//! shingle made of all of them, so short documents still compare by content and
//! never share a placeholder signature.

use serde::Serialize;

use crate::config::{ShingleConfig, ShingleUnit};
use crate::hash::{combine_hashes, hash_bytes};
use crate::normalize::{for_each_word, normalize_text_into};

/// A byte range `[start, end)` of an original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// One normalized word and where it stands in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Hash of the normalized word.
    pub hash: u64,
    /// Its bytes in the original text.
    pub span: Span,
}

/// The distinct shingle hashes of one document, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShingleSet {
    hashes: Vec<u64>,
}

impl ShingleSet {
    /// Builds a set from any hashes (sorts and deduplicates).
    pub fn from_hashes(mut hashes: Vec<u64>) -> Self {
        hashes.sort_unstable();
        hashes.dedup();
        ShingleSet { hashes }
    }

    /// The sorted, distinct hashes.
    pub fn hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// Number of distinct shingles.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when the text had no words.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Size of the intersection with `other`.
    pub fn intersection_len(&self, other: &ShingleSet) -> usize {
        sorted_intersection_len(&self.hashes, &other.hashes)
    }
}

/// How many values two sorted, distinct lists share (a linear merge).
pub fn sorted_intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// Cuts texts into words and shingles with one configuration and seed.
#[derive(Debug, Clone, Copy)]
pub struct Shingler {
    config: ShingleConfig,
    seed: u64,
}

impl Shingler {
    /// A shingler for `config`, hashing with `seed`.
    pub fn new(config: ShingleConfig, seed: u64) -> Self {
        Shingler { config, seed }
    }

    /// The configuration in force.
    pub fn config(&self) -> ShingleConfig {
        self.config
    }

    /// The seed of every hash it makes.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The words of `text` with their original spans, in order.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        self.for_each_token(text, |_, token| tokens.push(token));
        tokens
    }

    /// Calls `f` with every word of `text` in order: the normalized word and its
    /// token. For stages that need the words themselves (alignment stems them).
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(&str, Token)) {
        for_each_word(text, |word, span| {
            f(
                word,
                Token {
                    hash: hash_bytes(word.as_bytes(), self.seed),
                    span: Span {
                        start: span.start as u32,
                        end: span.end as u32,
                    },
                },
            );
        });
    }

    /// The shingle set of `text`. `scratch` is reused between calls to avoid
    /// allocating in the per-document hot path.
    pub fn shingle_set(&self, text: &str, scratch: &mut Scratch) -> ShingleSet {
        let mut hashes = Vec::new();
        self.for_each_shingle(text, scratch, |h| hashes.push(h));
        ShingleSet::from_hashes(hashes)
    }

    /// Calls `f` with the hash of every shingle of `text` in order, repeats
    /// included, without building a set: sketching needs no more. In word mode
    /// `scratch` holds the text's word hashes afterwards ([`Scratch::words`]).
    pub fn for_each_shingle(&self, text: &str, scratch: &mut Scratch, mut f: impl FnMut(u64)) {
        let k = self.config.size;
        match self.config.unit {
            ShingleUnit::Words => {
                self.word_hashes_into(text, scratch);
                self.for_each_word_shingle(&scratch.words, f);
            }
            ShingleUnit::Chars => {
                normalize_text_into(text, &mut scratch.normalized);
                let norm = scratch.normalized.as_str();
                scratch.boundaries.clear();
                scratch
                    .boundaries
                    .extend(norm.char_indices().map(|(i, _)| i));
                scratch.boundaries.push(norm.len());
                let bounds = &scratch.boundaries;
                let chars = bounds.len() - 1;
                if chars > 0 && chars < k {
                    f(hash_bytes(norm.as_bytes(), self.seed));
                }
                for w in bounds.windows(k + 1) {
                    f(hash_bytes(&norm.as_bytes()[w[0]..w[k]], self.seed));
                }
            }
        }
    }

    /// The word-shingle set of a text given as its word hashes (in word mode,
    /// the same set [`Shingler::shingle_set`] gives for the text).
    pub fn word_shingles(&self, words: &[u64]) -> ShingleSet {
        let mut hashes = Vec::with_capacity(words.len());
        self.for_each_word_shingle(words, |h| hashes.push(h));
        ShingleSet::from_hashes(hashes)
    }

    fn for_each_word_shingle(&self, words: &[u64], mut f: impl FnMut(u64)) {
        let k = self.config.size;
        if !words.is_empty() && words.len() < k {
            f(combine_hashes(words, self.seed));
        }
        for w in words.windows(k) {
            f(combine_hashes(w, self.seed));
        }
    }
}

impl Shingler {
    /// Fills `scratch`'s words (see [`Scratch::words`]) with the word hashes of
    /// `text`, whatever the shingle unit.
    pub fn word_hashes_into(&self, text: &str, scratch: &mut Scratch) {
        scratch.words.clear();
        scratch.spans.clear();
        for_each_word(text, |word, span| {
            scratch.words.push(hash_bytes(word.as_bytes(), self.seed));
            scratch.spans.push(Span {
                start: span.start as u32,
                end: span.end as u32,
            });
        });
    }
}

/// Buffers reused across documents by one worker.
#[derive(Debug, Default)]
pub struct Scratch {
    normalized: String,
    words: Vec<u64>,
    spans: Vec<Span>,
    boundaries: Vec<usize>,
}

impl Scratch {
    /// The word hashes of the text last given to [`Shingler::for_each_shingle`] in word
    /// mode, or to [`Shingler::word_hashes_into`]; the overlap stage reuses them
    /// rather than cutting the text twice.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The spans of those words in their text.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(k: usize) -> Shingler {
        Shingler::new(
            ShingleConfig {
                unit: ShingleUnit::Words,
                size: k,
            },
            1,
        )
    }

    fn set(shingler: &Shingler, text: &str) -> ShingleSet {
        shingler.shingle_set(text, &mut Scratch::default())
    }

    #[test]
    fn word_shingle_counts() {
        let s = words(3);
        assert_eq!(set(&s, "a b c d e").len(), 3);
        assert_eq!(set(&s, "a b c a b c").len(), 3, "repeats are deduplicated");
        assert_eq!(set(&s, "").len(), 0);
        assert_eq!(set(&s, " ,.; ").len(), 0, "punctuation only has no words");
    }

    #[test]
    fn short_texts_get_one_shingle_of_their_own() {
        let s = words(5);
        let (one, two, other) = (set(&s, "hello"), set(&s, "hello world"), set(&s, "goodbye"));
        assert_eq!((one.len(), two.len()), (1, 1));
        assert_ne!(one, two);
        assert_eq!(one.intersection_len(&other), 0);
    }

    #[test]
    fn normalization_makes_variants_equal() {
        let s = words(2);
        assert_eq!(
            set(&s, "The “Quick” Brown—fox"),
            set(&s, "the \"quick\" brown-FOX")
        );
    }

    #[test]
    fn tokens_span_original_words() {
        let text = "Ünïcode,  “quoted” 1,200 ﬁne";
        let got: Vec<&str> = words(5)
            .tokens(text)
            .iter()
            .map(|t| &text[t.span.start as usize..t.span.end as usize])
            .collect();
        assert_eq!(got, ["Ünïcode", "quoted", "1", "200", "ﬁne"]);
    }

    #[test]
    fn char_ngrams() {
        let s = Shingler::new(
            ShingleConfig {
                unit: ShingleUnit::Chars,
                size: 3,
            },
            1,
        );
        assert_eq!(set(&s, "abcd").len(), 2);
        assert_eq!(set(&s, "AB").len(), 1);
        assert_eq!(set(&s, "é北京x").len(), 2);
    }

    #[test]
    fn intersection_counts_shared_hashes() {
        let a = ShingleSet::from_hashes(vec![5, 1, 3, 3]);
        let b = ShingleSet::from_hashes(vec![3, 4, 5]);
        assert_eq!(a.hashes(), [1, 3, 5]);
        assert_eq!(a.intersection_len(&b), 2);
    }
}

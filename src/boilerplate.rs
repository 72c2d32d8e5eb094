//! Boilerplate: the words of a document that belong to text found all over the
//! corpus, or to phrases the user lists, and so are no evidence of reuse.
//!
//! Input: a document's word hashes, the corpus-wide common fingerprints (those in
//! more than `max_df` documents, from [`crate::overlap`]) and the ignored phrases.
//! Output: one mark per word ([`BitVec`]).
//!
//! A word is boilerplate when it lies inside a common fingerprint's k-gram or
//! inside an occurrence of an ignored phrase. Winnowing keeps at least one
//! fingerprint per window, so the k-grams of a recurring footer cover nearly all
//! of its words, while a word merely next to it stays unmarked.

use ahash::AHashMap;
use bit_vec::BitVec;

use crate::fingerprint::{Fingerprint, Scratch, Winnower};
use crate::shingle::Shingler;

/// Marks boilerplate words in documents of one scan.
#[derive(Debug, Clone)]
pub struct BoilerplateMarker {
    winnower: Winnower,
    /// Sorted hashes of fingerprints found in more than `max_df` documents.
    common: Vec<u64>,
    /// Ignored phrases as word hashes, keyed by their first word.
    phrases: AHashMap<u64, Vec<Vec<u64>>>,
}

impl BoilerplateMarker {
    /// A marker for phrases only (the common fingerprints are not known until
    /// every document is indexed; see [`with_common`](Self::with_common)).
    /// Phrases are cut into words as `shingler` cuts documents; a phrase with no
    /// words is ignored.
    pub fn new(winnower: Winnower, phrases: &[String], shingler: &Shingler) -> Self {
        let mut by_first: AHashMap<u64, Vec<Vec<u64>>> = AHashMap::new();
        for phrase in phrases {
            let words: Vec<u64> = shingler.tokens(phrase).iter().map(|t| t.hash).collect();
            if let Some(&first) = words.first() {
                by_first.entry(first).or_default().push(words);
            }
        }
        BoilerplateMarker {
            winnower,
            common: Vec::new(),
            phrases: by_first,
        }
    }

    /// The same marker, also marking the k-grams of these fingerprint hashes.
    pub fn with_common(mut self, mut common: Vec<u64>) -> Self {
        common.sort_unstable();
        common.dedup();
        self.common = common;
        self
    }

    /// Whether any word can be marked: there are phrases or common
    /// fingerprints.
    pub fn marks_anything(&self) -> bool {
        self.has_phrases() || !self.common.is_empty()
    }

    /// Whether any phrase is to be ignored.
    pub fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }

    /// Marks the words inside occurrences of ignored phrases; returns how many
    /// occurrences there were.
    pub fn mark_phrases(&self, words: &[u64], marks: &mut BitVec) -> usize {
        let mut occurrences = 0;
        if self.phrases.is_empty() {
            return 0;
        }
        for (i, word) in words.iter().enumerate() {
            let Some(phrases) = self.phrases.get(word) else {
                continue;
            };
            for phrase in phrases {
                if words[i..].starts_with(phrase) {
                    occurrences += 1;
                    for j in i..i + phrase.len() {
                        marks.set(j, true);
                    }
                }
            }
        }
        occurrences
    }

    /// Every boilerplate word of a document: ignored phrases and common
    /// fingerprints.
    pub fn mark(&self, words: &[u64]) -> BitVec {
        let mut marks = BitVec::from_elem(words.len(), false);
        self.mark_phrases(words, &mut marks);
        if !self.common.is_empty() {
            let mut fingerprints: Vec<Fingerprint> = Vec::new();
            self.winnower
                .fingerprints_into(words, &mut Scratch::default(), &mut fingerprints);
            for f in fingerprints {
                if self.common.binary_search(&f.hash).is_ok() {
                    let start = f.position as usize;
                    for j in start..(start + self.winnower.k()).min(words.len()) {
                        marks.set(j, true);
                    }
                }
            }
        }
        marks
    }

    /// The fingerprint hashes of a document for the overlap index (in
    /// position order, possibly repeated), leaving out those that touch an
    /// ignored phrase. Returns the number of
    /// phrase occurrences found.
    pub fn index_hashes(
        &self,
        words: &[u64],
        scratch: &mut Scratch,
        fingerprints: &mut Vec<Fingerprint>,
        out: &mut Vec<u64>,
    ) -> usize {
        self.winnower
            .fingerprints_into(words, scratch, fingerprints);
        let mut occurrences = 0;
        if self.has_phrases() {
            let mut marks = BitVec::from_elem(words.len(), false);
            occurrences = self.mark_phrases(words, &mut marks);
            if occurrences > 0 {
                let k = self.winnower.k();
                fingerprints.retain(|f| {
                    let start = f.position as usize;
                    !(start..(start + k).min(words.len())).any(|j| marks[j])
                });
            }
        }
        // The index removes repeats, so the hashes go unsorted.
        out.clear();
        out.extend(fingerprints.iter().map(|f| f.hash));
        occurrences
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn words(text: &str) -> Vec<u64> {
        let config = Config::default();
        Shingler::new(config.shingle, config.seed)
            .tokens(text)
            .iter()
            .map(|t| t.hash)
            .collect()
    }

    fn marker(phrases: &[&str]) -> BoilerplateMarker {
        let config = Config::default();
        let phrases: Vec<String> = phrases.iter().map(|p| p.to_string()).collect();
        BoilerplateMarker::new(
            Winnower::for_min_passage(8).with_seed(config.seed),
            &phrases,
            &Shingler::new(config.shingle, config.seed),
        )
    }

    #[test]
    fn ignored_phrases_are_marked_wherever_they_occur() {
        let m = marker(&["Get link - X - Other Apps"]);
        let doc =
            words("Story text here. get LINK x other apps. More story. Get link X Other Apps");
        let marks = m.mark(&doc);
        let marked: Vec<usize> = (0..doc.len()).filter(|&i| marks[i]).collect();
        assert_eq!(marked, [3, 4, 5, 6, 7, 10, 11, 12, 13, 14]);
    }

    #[test]
    fn common_fingerprints_mark_their_words_only() {
        let footer = "sign up for our daily newsletter to get the top stories in your inbox";
        let doc = words(&format!(
            "a unique opening sentence about the harbour strike {footer}"
        ));
        let winnower = Winnower::for_min_passage(8).with_seed(Config::default().seed);
        let footer_hashes = winnower.distinct_hashes(&words(footer));
        let m = marker(&[]).with_common(footer_hashes);
        let marks = m.mark(&doc);
        let footer_start = doc.len() - words(footer).len();
        assert!(
            (0..footer_start).all(|i| !marks[i]),
            "the story is not boilerplate"
        );
        let covered = (footer_start..doc.len()).filter(|&i| marks[i]).count();
        // Windows at the footer's edges see story words too and may pick another
        // minimum, so the first or last few words can stay unmarked.
        assert!(
            covered * 4 >= words(footer).len() * 3,
            "{covered} footer words marked"
        );
    }

    #[test]
    fn index_hashes_leave_out_phrase_fingerprints() {
        let m = marker(&["read more about this story on our website today"]);
        let phrase_only = words("read more about this story on our website today");
        let (mut scratch, mut fps, mut out) = (Scratch::default(), Vec::new(), Vec::new());
        assert_eq!(
            m.index_hashes(&phrase_only, &mut scratch, &mut fps, &mut out),
            1
        );
        assert!(out.is_empty());
    }
}

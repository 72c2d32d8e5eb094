//! How distinctive each term is: an inverse document frequency from the
//! scanned corpus blended with the background model.
//!
//! Input: the background model and the document frequencies counted in the
//! sketch pass. Output: [`TermWeights`], the weight of any term.
//!
//! The share of documents holding a term is estimated as
//! `(df + B * background_share) / (N + B)`: the background counts as
//! [`BACKGROUND_DOCUMENTS`] documents. Five articles about one event (seeds/)
//! all mention "Istanbul", yet the background keeps it rare; in a corpus of
//! 100,000 wires the corpus dominates, so its own boilerplate ("shr", "cts")
//! stops being distinctive.

use std::cell::RefCell;

use nohash_hasher::IntMap;

use super::background::Background;
use crate::shingle::{Scratch, Shingler};
use crate::terms::{for_each_term, term_counts, word_term, STOP};

/// The weight of the background model, in documents.
pub const BACKGROUND_DOCUMENTS: f64 = 10_000.0;

/// Terms of a document kept for the story candidate index.
pub const DISTINCTIVE_TERMS: usize = 20;

/// Weights of terms for one scan.
#[derive(Debug, Clone)]
pub struct TermWeights<'b> {
    background: &'b Background,
    /// The idf of every term of the corpus, worked out once: the pair stage
    /// asks for each term of every text it prepares.
    corpus: IntMap<u64, f64>,
    documents: f64,
}

impl<'b> TermWeights<'b> {
    /// Weights from `background` and the corpus's document frequencies.
    pub fn new(background: &'b Background, corpus: IntMap<u64, u32>, documents: usize) -> Self {
        let mut weights = TermWeights {
            background,
            corpus: IntMap::default(),
            documents: documents as f64,
        };
        weights.corpus = corpus
            .into_iter()
            .map(|(term, df)| (term, weights.blended_idf(term, f64::from(df))))
            .collect();
        weights
    }

    /// Weights from the texts themselves (evaluations that hold every text).
    pub fn of_texts(background: &'b Background, texts: &[&str], shingler: &Shingler) -> Self {
        let mut corpus: IntMap<u64, u32> = IntMap::default();
        let mut buffer = Vec::new();
        for text in texts {
            for (t, _) in content_term_counts(text, shingler, &mut buffer) {
                *corpus.entry(t).or_insert(0) += 1;
            }
        }
        TermWeights::new(background, corpus, texts.len())
    }

    /// The inverse document frequency of `term` (natural log).
    pub fn idf(&self, term: u64) -> f64 {
        match self.corpus.get(&term) {
            Some(&idf) => idf,
            None => self.blended_idf(term, 0.0),
        }
    }

    /// The idf of a term in `df` documents of the corpus.
    fn blended_idf(&self, term: u64, df: f64) -> f64 {
        let background = self.background.document_share(term);
        let share =
            (df + BACKGROUND_DOCUMENTS * background) / (self.documents + BACKGROUND_DOCUMENTS);
        (1.0 / share.min(1.0)).ln()
    }
}

/// Term frequency damping: a term said ten times is not ten times the evidence.
pub fn tf_weight(count: u32) -> f64 {
    // Nearly every count is small, and a story profile weighs each term of
    // each of its passages: a table saves the logarithms.
    static SMALL: std::sync::LazyLock<[f64; 64]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|n| 1.0 + (n.max(1) as f64).ln()));
    match SMALL.get(count as usize) {
        Some(&weight) => weight,
        None => 1.0 + f64::from(count).ln(),
    }
}

/// The content terms of `text` with their counts, sorted by term (`buffer`
/// is reused between documents).
fn content_term_counts(text: &str, shingler: &Shingler, buffer: &mut Vec<u64>) -> Vec<(u64, u32)> {
    buffer.clear();
    for_each_term(text, shingler, |_, term| buffer.push(term));
    term_counts(buffer)
}

/// A content term of a text: how often the text says it, and its
/// [`Background::rarity`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TermCount {
    /// The term (a stem's hash).
    pub term: u64,
    /// Its uses in the text.
    pub count: u32,
    /// Its rarity in the background model.
    pub rarity: f64,
}

/// A text's distinct content terms, in order of first use. Reused from text
/// to text (clearing keeps its room).
pub type TermTally = Vec<TermCount>;

/// The terms and rarities of words already seen: the sketch pass looks up
/// every word of the corpus, so each costs one lookup of a small entry, not a
/// stemming and a lookup in the background model. One per thread, kept from
/// text to text.
pub struct WordRarities {
    /// The seed of the word hashes and the background model the values are for.
    key: (u64, u64),
    /// The slot of each word's term in `terms`, by word hash.
    words: IntMap<u64, u32>,
    /// The slot of each term (for words not seen yet).
    slots: IntMap<u64, u32>,
    /// Each term seen, with its count in the text being tallied (0 between
    /// texts): counting in an array, not a map.
    terms: Vec<TermCount>,
    /// Per slot, the texts tallied on this thread that hold the term, since
    /// [`take_document_frequencies`] last took them.
    documents: Vec<u32>,
    /// The slots counted in the text being tallied.
    counted: Vec<u32>,
}

thread_local! {
    static RARITIES: RefCell<WordRarities> = RefCell::new(WordRarities {
        key: (0, u64::MAX),
        words: IntMap::default(),
        slots: IntMap::default(),
        terms: Vec::new(),
        documents: Vec::new(),
        counted: Vec::new(),
    });
}

impl WordRarities {
    /// Tallies the content terms of `text`, whose words `shingler` cut into
    /// `words` (their hashes and spans), into `tally` (cleared first; `found`
    /// is a reusable buffer).
    ///
    /// Every word is looked up first and counted after: the lookups miss the
    /// processor's caches (a corpus's vocabulary outgrows them), and with a
    /// branch that is nearly always taken the same way, many of them overlap.
    /// A word not seen yet is stemmed from its span, once per thread.
    pub fn tally(
        &mut self,
        text: &str,
        words: &Scratch,
        shingler: &Shingler,
        background: &Background,
        found: &mut Vec<u32>,
        tally: &mut TermTally,
    ) {
        found.clear();
        for (hash, span) in words.words().iter().zip(words.spans()) {
            let slot = match self.words.get(hash) {
                Some(&slot) => slot,
                None => {
                    let written = &text[span.start as usize..span.end as usize];
                    self.add_word(written, *hash, shingler, background)
                }
            };
            found.push(slot);
        }
        let counted = &mut self.counted;
        counted.clear();
        for &slot in found.iter() {
            let entry = &mut self.terms[slot as usize];
            if entry.term != STOP {
                if entry.count == 0 {
                    counted.push(slot);
                    self.documents[slot as usize] += 1;
                }
                entry.count += 1;
            }
        }
        tally.clear();
        tally.extend(counted.iter().map(|&slot| {
            let entry = &mut self.terms[slot as usize];
            let counted = *entry;
            entry.count = 0;
            counted
        }));
    }

    /// Adds the word written `written` (its hash `hash`) to the cache, with
    /// its term's slot, and returns that slot.
    fn add_word(
        &mut self,
        written: &str,
        hash: u64,
        shingler: &Shingler,
        background: &Background,
    ) -> u32 {
        // The span normalized alone gives the word the shingler hashed; a
        // character that normalizes to two words ("¾" is "3", "4") gives
        // both, and the hash says which one this is.
        let mut term = STOP;
        shingler.for_each_token(written, |word, token| {
            if token.hash == hash {
                term = word_term(word);
            }
        });
        let slot = *self.slots.entry(term).or_insert_with(|| {
            let rarity = if term == STOP {
                0.0
            } else {
                background.rarity(term)
            };
            self.terms.push(TermCount {
                term,
                count: 0,
                rarity,
            });
            self.documents.push(0);
            (self.terms.len() - 1) as u32
        });
        self.words.insert(hash, slot);
        slot
    }
}

/// Calls `f` with this thread's cache of word rarities for words hashed by
/// `shingler` under `background`.
pub fn with_word_rarities<R>(
    shingler: &Shingler,
    background: &Background,
    f: impl FnOnce(&mut WordRarities) -> R,
) -> R {
    RARITIES.with_borrow_mut(|cache| {
        let key = (shingler.seed(), background.id());
        if cache.key != key {
            cache.words.clear();
            cache.slots.clear();
            cache.terms.clear();
            cache.documents.clear();
            cache.key = key;
        }
        f(cache)
    })
}

/// The terms of this thread's texts, tallied by `shingler` under
/// `background` since the last call, with how many texts hold each; the
/// counts start again from zero. A scan takes them from every thread of its
/// pool before it sketches, to start clean, and after, for the corpus's
/// document frequencies: counting in the tally's array costs no map lookup.
pub fn take_document_frequencies(shingler: &Shingler, background: &Background) -> Vec<(u64, u32)> {
    with_word_rarities(shingler, background, |cache| {
        let WordRarities {
            terms, documents, ..
        } = cache;
        terms
            .iter()
            .zip(documents.iter_mut())
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| (t.term, std::mem::take(n)))
            .collect()
    })
}

/// A text's [`DISTINCTIVE_TERMS`] most distinctive terms by the background
/// model alone (the corpus is not counted yet), sorted.
pub fn distinctive_terms(tally: &TermTally) -> Box<[u64]> {
    // (weight, term): damped count times rarity.
    let mut ranked: Vec<(f64, u64)> = tally
        .iter()
        .map(|t| (tf_weight(t.count) * t.rarity, t.term))
        .collect();
    // Highest weight first, ties by term: the same terms whatever the order
    // of the tally.
    let order = |x: &(f64, u64), y: &(f64, u64)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
    if ranked.len() > DISTINCTIVE_TERMS {
        ranked.select_nth_unstable_by(DISTINCTIVE_TERMS, order);
        ranked.truncate(DISTINCTIVE_TERMS);
    }
    let mut distinctive: Vec<u64> = ranked.iter().map(|&(_, t)| t).collect();
    distinctive.sort_unstable();
    distinctive.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_background_keeps_a_small_corpus_from_calling_its_topic_common() {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let texts = [
            "Talks in Istanbul today.",
            "Istanbul talks ended.",
            "In Istanbul.",
        ];
        let weights = TermWeights::of_texts(Background::english(), &texts, &shingler);
        let idf = |w: &str| weights.idf(word_term(w));
        // In every document, yet still rarer than everyday words.
        assert!(idf("istanbul") > idf("today") + 1.0, "{}", idf("istanbul"));
    }

    #[test]
    fn a_large_corpus_outweighs_the_background() {
        let istanbul = word_term("istanbul");
        let background = Background::english();
        let few = TermWeights::new(background, IntMap::default(), 10);
        let corpus: IntMap<u64, u32> = [(istanbul, 50_000)].into_iter().collect();
        let many = TermWeights::new(background, corpus, 100_000);
        // In half of 100,000 documents: a common word of this corpus.
        assert!(many.idf(istanbul) < 1.0, "{}", many.idf(istanbul));
        assert!(few.idf(istanbul) > many.idf(istanbul) + 1.0);
    }

    #[test]
    fn the_distinctive_terms_are_the_rarest() {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let common = "people time year day way work world life house home water money \
            school family group country problem hand place case week company number night \
            point city";
        let text = format!("{common} Umerov the of and");
        let background = Background::english();
        let mut scratch = Scratch::default();
        shingler.word_hashes_into(&text, &mut scratch);
        let mut tally = TermTally::default();
        with_word_rarities(&shingler, background, |cache| {
            cache.tally(
                &text,
                &scratch,
                &shingler,
                background,
                &mut Vec::new(),
                &mut tally,
            )
        });
        assert_eq!(tally.len(), 27, "every content term, no stop words");
        let distinctive = distinctive_terms(&tally);
        assert_eq!(distinctive.len(), DISTINCTIVE_TERMS);
        assert!(distinctive.contains(&word_term("umerov")));
        for everyday in ["people", "time", "year"] {
            assert!(!distinctive.contains(&word_term(everyday)), "{everyday}");
        }
    }

    #[test]
    fn document_frequencies_count_the_texts_tallied_since_the_last_take() {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let background = Background::english();
        // Whatever this thread tallied before.
        take_document_frequencies(&shingler, background);
        for text in [
            "Prisoners were exchanged in Istanbul.",
            "The prisoners, the prisoners! Talks in Istanbul.",
            "Wheat harvest.",
        ] {
            tally_of(text, &shingler, background);
        }
        let counted: IntMap<u64, u32> = take_document_frequencies(&shingler, background)
            .into_iter()
            .collect();
        let df = |w: &str| counted.get(&word_term(w)).copied();
        assert_eq!(df("prisoners"), Some(2), "a text counts once");
        assert_eq!(df("istanbul"), Some(2));
        assert_eq!(df("wheat"), Some(1));
        assert_eq!(df("the"), None, "stop words are not terms");
        assert!(take_document_frequencies(&shingler, background).is_empty());
    }

    /// Tallies `text` through the sketch pass's cache.
    fn tally_of(text: &str, shingler: &Shingler, background: &Background) -> TermTally {
        let mut scratch = Scratch::default();
        shingler.word_hashes_into(text, &mut scratch);
        let mut tally = TermTally::default();
        with_word_rarities(shingler, background, |cache| {
            cache.tally(
                text,
                &scratch,
                shingler,
                background,
                &mut Vec::new(),
                &mut tally,
            )
        });
        tally
    }

    #[test]
    fn the_cached_tally_is_the_tally_of_the_words() {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let english = Background::english();
        let own = Background::parse(
            "documents\t10\nprisoners\t9\n".as_bytes(),
            std::path::Path::new("own"),
        )
        .unwrap();
        // "¾" is two words ("3", "4") with one span.
        let text = "Prisoners were exchanged; the prisoners' families waited ¾ hour in Istanbul.";
        // First with unseen words, then from the cache, then under another model.
        for background in [english, english, &own, english] {
            let tally = tally_of(text, &shingler, background);
            let mut expected = TermTally::default();
            for_each_term(text, &shingler, |_, term| {
                if term != STOP {
                    match expected.iter_mut().find(|t| t.term == term) {
                        Some(known) => known.count += 1,
                        None => expected.push(TermCount {
                            term,
                            count: 1,
                            rarity: background.rarity(term),
                        }),
                    }
                }
            });
            assert_eq!(tally, expected);
        }
        let prisoners = |background| {
            let tally = tally_of(text, &shingler, background);
            *tally
                .iter()
                .find(|t| t.term == word_term("prisoners"))
                .unwrap()
        };
        assert_eq!(prisoners(english).count, 2);
        assert!(prisoners(&own).rarity < 0.2);
    }
}

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

use nohash_hasher::IntMap;

use super::background::Background;
use crate::align::text::{for_each_term, term_counts};
use crate::shingle::Shingler;

/// The weight of the background model, in documents.
pub const BACKGROUND_DOCUMENTS: f64 = 10_000.0;

/// Terms of a document kept for the story candidate index.
pub const DISTINCTIVE_TERMS: usize = 20;

/// Weights of terms for one scan.
#[derive(Debug, Clone)]
pub struct TermWeights<'b> {
    background: &'b Background,
    corpus: IntMap<u64, u32>,
    documents: f64,
}

impl<'b> TermWeights<'b> {
    /// Weights from `background` and the corpus's document frequencies.
    pub fn new(background: &'b Background, corpus: IntMap<u64, u32>, documents: usize) -> Self {
        TermWeights {
            background,
            corpus,
            documents: documents as f64,
        }
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
        let background = self.background.document_share(term);
        let df = self.corpus.get(&term).map_or(0.0, |&c| f64::from(c));
        let share =
            (df + BACKGROUND_DOCUMENTS * background) / (self.documents + BACKGROUND_DOCUMENTS);
        (1.0 / share.min(1.0)).ln()
    }
}

/// Term frequency damping: a term said ten times is not ten times the evidence.
pub fn tf_weight(count: u32) -> f64 {
    1.0 + f64::from(count.max(1)).ln()
}

/// The content terms of `text` with their counts, sorted by term (`buffer`
/// is reused between documents).
fn content_term_counts(text: &str, shingler: &Shingler, buffer: &mut Vec<u64>) -> Vec<(u64, u32)> {
    buffer.clear();
    for_each_term(text, shingler, |_, term| buffer.push(term));
    term_counts(buffer)
}

/// What the sketch pass keeps of a document for the story stage.
#[derive(Debug, Clone, Default)]
pub struct TermDigest {
    /// Its [`DISTINCTIVE_TERMS`] most distinctive terms by the background
    /// model alone (the corpus is not counted yet), sorted.
    pub distinctive: Box<[u64]>,
    /// Every distinct content term, sorted, for the document frequencies.
    pub distinct: Vec<u64>,
}

/// The digest of `text` (`buffer` is reused between documents).
pub fn digest(
    text: &str,
    shingler: &Shingler,
    background: &Background,
    buffer: &mut Vec<u64>,
) -> TermDigest {
    let counts = content_term_counts(text, shingler, buffer);
    let distinct: Vec<u64> = counts.iter().map(|&(t, _)| t).collect();
    let weight = |&(t, n): &(u64, u32)| tf_weight(n) * (1.0 / background.document_share(t)).ln();
    let mut ranked: Vec<(f64, u64)> = counts.iter().map(|c| (weight(c), c.0)).collect();
    // Highest weight first, ties by term: the same terms at any thread count.
    ranked.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut distinctive: Vec<u64> = ranked
        .iter()
        .take(DISTINCTIVE_TERMS)
        .map(|&(_, t)| t)
        .collect();
    distinctive.sort_unstable();
    TermDigest {
        distinctive: distinctive.into_boxed_slice(),
        distinct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::text::word_term;
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
    fn the_digest_keeps_the_rarest_terms() {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let common = "people time year day way work world life house home water money \
            school family group country problem hand place case week company number night \
            point city";
        let text = format!("{common} Umerov the of and");
        let digest = digest(&text, &shingler, Background::english(), &mut Vec::new());
        assert_eq!(
            digest.distinct.len(),
            27,
            "every content term, no stop words"
        );
        assert!(digest.distinct.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(digest.distinctive.len(), DISTINCTIVE_TERMS);
        assert!(digest.distinctive.contains(&word_term("umerov")));
        for everyday in ["people", "time", "year"] {
            assert!(
                !digest.distinctive.contains(&word_term(everyday)),
                "{everyday}"
            );
        }
    }
}

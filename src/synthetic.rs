//! Seeded synthetic news-like corpora with planted near-duplicates, for tests,
//! benchmarks and anyone comparing deduplication methods.
//!
//! Words are drawn from a Zipf law over a generated vocabulary (as in the peer
//! benchmark in `../shared/bench`); documents have sentences, capitals and
//! paragraphs. A share of documents are copies of an earlier document with word
//! edits at a given rate. The same seed gives the same corpus on every platform.

use crate::hash::SplitMix64;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct CorpusSpec {
    /// Number of documents.
    pub documents: usize,
    /// Mean words per document (lengths vary from half to one and a half times this).
    pub mean_words: usize,
    /// Share of documents that are edited copies of an earlier one.
    pub duplicate_share: f64,
    /// Highest per-word edit rate of a copy (each copy draws its rate up to this).
    pub max_edit_rate: f64,
    /// Vocabulary size.
    pub vocabulary: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for CorpusSpec {
    fn default() -> Self {
        CorpusSpec {
            documents: 2000,
            mean_words: 300,
            duplicate_share: 0.1,
            max_edit_rate: 0.15,
            vocabulary: 20_000,
            seed: 1,
        }
    }
}

/// A generated corpus.
#[derive(Debug, Clone)]
pub struct SyntheticCorpus {
    /// The texts; document `i` has id `i`.
    pub texts: Vec<String>,
    /// Planted copies: `(copy, source)` document numbers.
    pub planted: Vec<(usize, usize)>,
}

/// Generates a corpus for `spec`.
pub fn generate(spec: &CorpusSpec) -> SyntheticCorpus {
    let mut rng = SplitMix64::new(spec.seed);
    let vocabulary = make_vocabulary(&mut rng, spec.vocabulary);
    // Zipf weights 1/(rank + 2.7), sampled through the cumulative distribution.
    let mut cumulative = Vec::with_capacity(vocabulary.len());
    let mut total = 0.0;
    for rank in 0..vocabulary.len() {
        total += 1.0 / (rank as f64 + 2.7);
        cumulative.push(total);
    }
    let draw = |rng: &mut SplitMix64| {
        let x = rng.next_f64() * total;
        cumulative
            .partition_point(|&c| c < x)
            .min(vocabulary.len() - 1)
    };
    let mut words_of: Vec<Vec<usize>> = Vec::with_capacity(spec.documents);
    let mut planted = Vec::new();
    for doc in 0..spec.documents {
        let is_copy = doc > 0 && rng.next_f64() < spec.duplicate_share;
        let words = if is_copy {
            let source = doc - 1 - rng.below(doc.min(50) as u64) as usize;
            planted.push((doc, source));
            let rate = rng.next_f64() * spec.max_edit_rate;
            let mut copy = Vec::with_capacity(words_of[source].len());
            for &w in &words_of[source] {
                if rng.next_f64() >= rate {
                    copy.push(w);
                    continue;
                }
                match rng.below(3) {
                    0 => copy.push(draw(&mut rng)),        // substitution
                    1 => {}                                // deletion
                    _ => copy.extend([w, draw(&mut rng)]), // insertion
                }
            }
            copy
        } else {
            let len = spec.mean_words / 2 + rng.below(spec.mean_words as u64 + 1) as usize;
            (0..len.max(1)).map(|_| draw(&mut rng)).collect()
        };
        words_of.push(words);
    }
    let texts = words_of
        .iter()
        .map(|w| render(w, &vocabulary, &mut rng))
        .collect();
    SyntheticCorpus { texts, planted }
}

fn make_vocabulary(rng: &mut SplitMix64, size: usize) -> Vec<String> {
    const LETTERS: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
    let mut seen = std::collections::BTreeSet::new();
    let mut words = Vec::with_capacity(size);
    while words.len() < size.max(1) {
        let len = 2 + rng.below(8) as usize;
        // Skewed letter choice (min of two draws) so words look vaguely English.
        let word: String = (0..len)
            .map(|_| LETTERS[rng.below(26).min(rng.below(26)) as usize] as char)
            .collect();
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

fn render(words: &[usize], vocabulary: &[String], rng: &mut SplitMix64) -> String {
    let mut text = String::with_capacity(words.len() * 7);
    let mut sentence_start = true;
    for (i, &w) in words.iter().enumerate() {
        let word = &vocabulary[w];
        if sentence_start {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push_str(word);
        }
        sentence_start = false;
        if i + 1 == words.len() {
            text.push('.');
        } else if rng.below(14) == 0 {
            text.push('.');
            sentence_start = true;
            text.push_str(if rng.below(5) == 0 { "\n\n" } else { " " });
        } else if rng.below(12) == 0 {
            text.push_str(", ");
        } else {
            text.push(' ');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_corpus() {
        let spec = CorpusSpec {
            documents: 50,
            ..CorpusSpec::default()
        };
        let (x, y) = (generate(&spec), generate(&spec));
        assert_eq!(x.texts, y.texts);
        assert_eq!(x.texts.len(), 50);
        assert!(!x.planted.is_empty());
        assert!(x.planted.iter().all(|&(copy, source)| source < copy));
        let other = generate(&CorpusSpec { seed: 2, ..spec });
        assert_ne!(x.texts, other.texts);
    }
}

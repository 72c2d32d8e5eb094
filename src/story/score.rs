//! The exact story similarity of a candidate pair.
//!
//! Input: two prepared texts ([`AlignText`]) and the scan's [`TermWeights`].
//! Words marked as boilerplate (footers, share buttons) are left out.
//! Output: a [`StorySimilarity`].
//!
//! Two measures, averaged:
//! - the cosine of the two articles' tf-idf vectors (content-word stems,
//!   damped term counts): how much of their distinctive vocabulary they share;
//! - passage containment: over every passage of about [`WINDOW_TERMS`] content
//!   words of either article (whole sentences), the largest share of its tf-idf
//!   weight that lies in terms the other article has. A summary or a rewritten
//!   account of one article inside a longer one scores high here even when
//!   the rest of the longer article is about something else.
//!
//! On PAN 2013's summary-obfuscation pairs the average separates summaries
//! from unrelated news better than either measure alone (see the README).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::dateline::{days_apart, is_day_of_month, lead_day};
use super::evidence::names;
use super::weights::{tf_weight, TermWeights};
use crate::align::AlignText;
use crate::terms::STOP;

/// Content words in a passage of the passage-containment measure, at least
/// (whole sentences are added until it is reached).
pub const WINDOW_TERMS: usize = 60;

/// A text's weighted terms, whole and passage by passage.
#[derive(Debug, Clone)]
pub struct StoryProfile {
    /// (term, tf-idf weight), sorted by term.
    vector: Vec<(u64, f64)>,
    norm: f64,
    windows: Vec<Window>,
    /// Per term of `vector`: its idf when it is a name or a number, else 0.
    specific: Vec<f64>,
    /// The Euclidean norm of `specific`.
    specific_norm: f64,
    /// The day of the year its dateline gives, if any.
    lead_day: Option<u16>,
}

#[derive(Debug, Clone)]
struct Window {
    /// Word indexes of the passage.
    words: Range<u32>,
    /// (index of the term in the profile's `vector`, tf-idf weight within
    /// the passage), in order of first use in the passage (any order sums
    /// the same, to rounding).
    terms: Vec<(u32, f64)>,
    total: f64,
}

/// Which article a passage is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Article A.
    A,
    /// Article B.
    B,
}

/// How alike two articles' stories are.
#[derive(Debug, Clone, PartialEq)]
pub struct StorySimilarity {
    /// The mean of `cosine` and `passage_containment`, in [0, 1].
    pub similarity: f64,
    /// Cosine of the tf-idf vectors.
    pub cosine: f64,
    /// The best passage's share of weight found in the other article.
    pub passage_containment: f64,
    /// That passage: the article and its word indexes.
    pub passage: Option<(Side, Range<u32>)>,
    /// Of that passage's names and numbers (weighted by idf), the share the
    /// other article has; 0 when it has none.
    pub passage_specifics: f64,
    /// Cosine of the two articles' names and numbers, each weighted by its
    /// idf: whether they name the same actors, places and figures.
    pub specifics_cosine: f64,
    /// Days between the dates the two articles give at their start
    /// (datelines), when both give one; compared around the year.
    pub days_apart: Option<u32>,
}

/// Marks a word without a term in the profile (a stop word or boilerplate).
const NO_TERM: u32 = u32::MAX;

impl StoryProfile {
    /// The profile of a prepared text.
    pub fn new(text: &AlignText, weights: &TermWeights) -> Self {
        let terms = text.terms_outside_boilerplate();
        // The content terms with their counts, and per word the index of its
        // term in them (passages count terms in an array rather than sorting
        // their words): one sort of (term, word) pairs gives both.
        let mut uses: Vec<(u64, u32)> = (0..terms.len() as u32)
            .map(|i| (terms[i as usize], i))
            .filter(|&(t, _)| t != STOP)
            .collect();
        uses.sort_unstable();
        let mut counts: Vec<(u64, u32)> = Vec::new();
        // Per term, its first word: every word of a term has a digit or none
        // (stemming keeps digits), so one word tells whether it is a number.
        let mut first_words: Vec<u32> = Vec::new();
        let mut index = vec![NO_TERM; terms.len()];
        for &(t, word) in &uses {
            match counts.last_mut() {
                Some((last, n)) if *last == t => *n += 1,
                _ => {
                    counts.push((t, 1));
                    first_words.push(word);
                }
            }
            index[word as usize] = (counts.len() - 1) as u32;
        }
        drop(uses);
        let idf: Vec<f64> = counts.iter().map(|&(t, _)| weights.idf(t)).collect();
        let vector: Vec<(u64, f64)> = counts
            .iter()
            .zip(&idf)
            .map(|(&(t, n), &w)| (t, tf_weight(n) * w))
            .collect();
        let norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        let mut in_window = vec![0u32; vector.len()];
        let mut windows = Vec::new();
        let sentences = text.sentences();
        // Content words per sentence, counted once: passages overlap, each
        // starting at a sentence.
        let content_words: Vec<usize> = sentences
            .iter()
            .map(|s| {
                index[s.start as usize..s.end as usize]
                    .iter()
                    .filter(|&&i| i != NO_TERM)
                    .count()
            })
            .collect();
        let mut present: Vec<u32> = Vec::new();
        for (first, start) in sentences.iter().enumerate() {
            let mut content = 0;
            let mut end = start.end;
            for (sentence, &words) in sentences[first..].iter().zip(&content_words[first..]) {
                end = sentence.end;
                content += words;
                if content >= WINDOW_TERMS {
                    break;
                }
            }
            present.clear();
            for &i in &index[start.start as usize..end as usize] {
                if i != NO_TERM {
                    if in_window[i as usize] == 0 {
                        present.push(i);
                    }
                    in_window[i as usize] += 1;
                }
            }
            let weighted: Vec<(u32, f64)> = present
                .iter()
                .map(|&i| {
                    let n = std::mem::take(&mut in_window[i as usize]);
                    (i, tf_weight(n) * idf[i as usize])
                })
                .collect();
            let total = weighted.iter().map(|(_, w)| w).sum();
            windows.push(Window {
                words: start.start..end,
                terms: weighted,
                total,
            });
            // The first passage to reach the end is the last one needed.
            if end as usize == terms.len() {
                break;
            }
        }
        let specific = specifics(text, &counts, &first_words, &index, &idf);
        StoryProfile {
            vector,
            norm,
            windows,
            specific_norm: specific.iter().map(|w| w * w).sum::<f64>().sqrt(),
            specific,
            lead_day: lead_day(text.text),
        }
    }

    /// The story similarity of the profiles of A and B.
    pub fn similarity(&self, other: &StoryProfile) -> StorySimilarity {
        // One pass over both vectors: the dot product, and which terms of
        // each the other has (what every passage of either is checked against).
        let mut dot = 0.0;
        let mut specifics_dot = 0.0;
        let mut in_other = vec![false; self.vector.len()];
        let mut in_self = vec![false; other.vector.len()];
        let (x, y) = (&self.vector, &other.vector);
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            match x[i].0.cmp(&y[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += x[i].1 * y[j].1;
                    specifics_dot += self.specific[i] * other.specific[j];
                    in_other[i] = true;
                    in_self[j] = true;
                    i += 1;
                    j += 1;
                }
            }
        }
        let cosine = if self.norm == 0.0 || other.norm == 0.0 {
            0.0
        } else {
            (dot / (self.norm * other.norm)).min(1.0)
        };
        let specifics_cosine = if self.specific_norm == 0.0 || other.specific_norm == 0.0 {
            0.0
        } else {
            (specifics_dot / (self.specific_norm * other.specific_norm)).min(1.0)
        };
        let (in_b, a_passage) = self.best_passage(&in_other);
        let (in_a, b_passage) = other.best_passage(&in_self);
        let ((passage_containment, passage), passage_specifics) = if in_b >= in_a {
            let specifics = a_passage.map_or(0.0, |w| self.specifics_found(w, &in_other));
            (
                (
                    in_b,
                    a_passage.map(|w| (Side::A, self.windows[w].words.clone())),
                ),
                specifics,
            )
        } else {
            let specifics = b_passage.map_or(0.0, |w| other.specifics_found(w, &in_self));
            (
                (
                    in_a,
                    b_passage.map(|w| (Side::B, other.windows[w].words.clone())),
                ),
                specifics,
            )
        };
        StorySimilarity {
            similarity: (cosine + passage_containment) / 2.0,
            cosine,
            passage_containment,
            passage,
            passage_specifics,
            specifics_cosine,
            days_apart: self
                .lead_day
                .zip(other.lead_day)
                .map(|(a, b)| days_apart(a, b)),
        }
    }

    /// Of the names and numbers of window `w`, the share (by idf) that
    /// `shared` marks.
    fn specifics_found(&self, w: usize, shared: &[bool]) -> f64 {
        let (mut found, mut all) = (0.0, 0.0);
        for &(i, _) in &self.windows[w].terms {
            let weight = self.specific[i as usize];
            all += weight;
            if shared[i as usize] {
                found += weight;
            }
        }
        if all > 0.0 {
            found / all
        } else {
            0.0
        }
    }

    /// The passage of this text with the largest share of weight in the
    /// terms `shared` marks (by index into `vector`), and that share.
    fn best_passage(&self, shared: &[bool]) -> (f64, Option<usize>) {
        let mut best = (0.0, None);
        for (w, window) in self.windows.iter().enumerate() {
            if window.total == 0.0 {
                continue;
            }
            let found: f64 = window
                .terms
                .iter()
                .filter(|&&(i, _)| shared[i as usize])
                .map(|&(_, w)| w)
                .sum();
            let share = (found / window.total).min(1.0);
            if share > best.0 {
                best = (share, Some(w));
            }
        }
        best
    }
}

/// Per content term (`counts`, sorted, outside boilerplate, each with its
/// first word in `first_words`; `index` gives each word's term): its idf
/// when it is a name, as the story evidence finds names (capitalized inside
/// sentences, never in lower case), or a number (a word with a digit) used
/// at least once other than as the day of a date; else 0.
fn specifics(
    text: &AlignText,
    counts: &[(u64, u32)],
    first_words: &[u32],
    index: &[u32],
    idf: &[f64],
) -> Vec<f64> {
    // Every word of a term has a digit or none (stemming keeps digits), so
    // the first word tells which terms are numbers; only their words are
    // looked at again.
    let number: Vec<bool> = first_words
        .iter()
        .map(|&w| text.word(w as usize).bytes().any(|c| c.is_ascii_digit()))
        .collect();
    let mut specific = vec![0.0; counts.len()];
    let word = |i: Option<usize>| i.filter(|&i| i < text.len()).map(|i| text.word(i));
    for (w, &term) in index.iter().enumerate() {
        if term == NO_TERM || !number[term as usize] || specific[term as usize] > 0.0 {
            continue;
        }
        if !is_day_of_month(text.word(w), word(w.checked_sub(1)), word(Some(w + 1))) {
            specific[term as usize] = idf[term as usize];
        }
    }
    for term in names(text).into_keys() {
        if let Ok(i) = counts.binary_search_by_key(&term, |&(t, _)| t) {
            specific[i] = idf[i];
        }
    }
    specific
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::defaults::STORY_THRESHOLD;
    use crate::shingle::Shingler;
    use crate::story::Background;

    const TALKS: &str = "Russian and Ukrainian negotiators met in Istanbul on Wednesday \
        for a third round of peace talks. Rustem Umerov led the Ukrainian delegation and \
        Vladimir Medinsky the Russian one. They agreed to exchange 1,200 prisoners of war. \
        The Kremlin said positions remained diametrically opposed on a ceasefire. Kyiv \
        wants a meeting between Zelensky and Putin before any territorial concessions.";

    const SUMMARY: &str = "Delegations led by Umerov and Medinsky held a third round of \
        talks in Istanbul and settled on a swap of 1,200 prisoners, though the Kremlin \
        called their views on a ceasefire diametrically opposed and Kyiv pressed for a \
        Zelensky and Putin meeting.";

    const HARVEST: &str = "Wheat farmers in the northern plains began the harvest early \
        this year after a dry and unusually warm spring. Yields are expected to fall by a \
        tenth, the agriculture ministry said, and bakeries warned that flour prices could \
        rise before the winter. Storage silos are already half full with last season's \
        grain. Exporters hope rail freight rates will ease when the new timetable starts.";

    fn similarity(a: &str, b: &str) -> StorySimilarity {
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let weights = TermWeights::of_texts(Background::english(), &[a, b], &shingler);
        let (ta, tb) = (AlignText::new(a, &shingler), AlignText::new(b, &shingler));
        StoryProfile::new(&ta, &weights).similarity(&StoryProfile::new(&tb, &weights))
    }

    #[test]
    fn a_reworded_account_of_one_event_is_the_same_story() {
        let s = similarity(TALKS, SUMMARY);
        assert!(s.similarity >= STORY_THRESHOLD, "{s:?}");
        assert!(s.cosine > 0.0 && s.passage_containment >= s.cosine, "{s:?}");
    }

    #[test]
    fn articles_about_different_events_are_not() {
        let s = similarity(TALKS, HARVEST);
        assert!(s.similarity < 0.1, "{s:?}");
    }

    const FOOTBALL: &str = "Erling Haaland scored twice as Manchester City beat \
        Arsenal at the Etihad, and Pep Guardiola praised Rodri and Foden for their pressing. \
        Mikel Arteta blamed a soft penalty awarded by Anthony Taylor for the defeat, while \
        Bukayo Saka limped off with a hamstring strain before half time.";

    #[test]
    fn a_short_account_inside_a_longer_article_is_found_by_its_passage() {
        let longer = format!("{HARVEST}\n\n{TALKS}\n\n{FOOTBALL}");
        let s = similarity(SUMMARY, &longer);
        // The other news dilutes the whole-article cosine; the summary's own
        // passage is mostly found in the longer article.
        assert!(s.passage_containment > s.cosine + 0.2, "{s:?}");
        assert!(s.similarity >= STORY_THRESHOLD, "{s:?}");
        assert_eq!(s.passage.as_ref().map(|p| p.0), Some(Side::A), "{s:?}");
        assert!(similarity(SUMMARY, &format!("{HARVEST}\n\n{FOOTBALL}")).similarity < 0.1);
    }

    /// Another round of talks of the same kind: other city, other
    /// negotiators, other figures.
    const OTHER_TALKS: &str = "Russian and Ukrainian negotiators met in Riyadh on \
        Monday for a second round of peace talks. Andriy Yermak led the Ukrainian \
        delegation and Sergei Lavrov the Russian one. They agreed to exchange 300 \
        prisoners of war. The Kremlin said positions remained far apart on a ceasefire.";

    #[test]
    fn the_same_event_names_the_same_actors_another_of_its_kind_does_not() {
        let (same, other) = (similarity(TALKS, SUMMARY), similarity(TALKS, OTHER_TALKS));
        assert!(other.similarity > 0.2, "one kind of event: {other:?}");
        assert!(
            same.specifics_cosine > other.specifics_cosine + 0.2,
            "{same:?} {other:?}"
        );
        assert_eq!(similarity(TALKS, HARVEST).specifics_cosine, 0.0);
    }

    #[test]
    fn similarity_does_not_depend_on_the_order_of_the_pair() {
        let longer = format!("{HARVEST}\n\n{SUMMARY}");
        let (ab, ba) = (similarity(TALKS, &longer), similarity(&longer, TALKS));
        assert_eq!(ab.similarity, ba.similarity);
        assert_eq!(ab.specifics_cosine, ba.specifics_cosine);
        let flipped = |s: Side| if s == Side::A { Side::B } else { Side::A };
        assert_eq!(ab.passage.map(|p| flipped(p.0)), ba.passage.map(|p| p.0));
    }
}

//! Seeded synthetic news-like corpora with planted near-duplicates or planted
//! partial reuse, for tests, benchmarks and anyone comparing deduplication or
//! reuse-detection methods.
//!
//! Words are drawn from a Zipf law over a generated vocabulary (as in the peer
//! benchmark in `../shared/bench`); documents have sentences, capitals and
//! paragraphs. The same seed gives the same corpus on every platform.
//!
//! Two generators share that word machinery:
//! - [`generate`]: a share of documents are copies of an earlier document with
//!   word edits at a given rate (near-duplicates), listed as `(copy, source)`.
//! - [`generate_reuse`]: articles made of paragraphs, where a share of articles
//!   (targets) take 1 to 4 paragraphs over from another article (the source),
//!   some with light word edits. The ground truth is each planted passage's
//!   exact byte range in both texts ([`PlantedPassage`]).

use std::ops::Range;

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
    let zipf = Zipf::new(vocabulary.len());
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
                    0 => copy.push(zipf.draw(&mut rng)),        // substitution
                    1 => {}                                     // deletion
                    _ => copy.extend([w, zipf.draw(&mut rng)]), // insertion
                }
            }
            copy
        } else {
            let len = spec.mean_words / 2 + rng.below(spec.mean_words as u64 + 1) as usize;
            (0..len.max(1)).map(|_| zipf.draw(&mut rng)).collect()
        };
        words_of.push(words);
    }
    let texts = words_of
        .iter()
        .map(|w| {
            let mut text = String::with_capacity(w.len() * 7);
            write_words(
                w,
                &punctuate(w.len(), &mut rng, true),
                &vocabulary,
                &mut text,
            );
            text
        })
        .collect();
    SyntheticCorpus { texts, planted }
}

/// What to generate with [`generate_reuse`]. The defaults give news-like
/// articles of about 600 words in 8 paragraphs, 30% of them reusing text.
#[derive(Debug, Clone, Copy)]
pub struct ReuseSpec {
    /// Number of articles. Default 2,000.
    pub documents: usize,
    /// Mean words of an article's own text, before any planted paragraphs (each
    /// article draws a length from half to one and a half times this, and takes
    /// whole paragraphs until it is reached). Default 600.
    pub mean_words: usize,
    /// Shortest paragraph, in words. Default 30.
    pub min_paragraph_words: usize,
    /// Longest paragraph, in words (lengths are uniform in between). Default 100.
    pub max_paragraph_words: usize,
    /// Share of articles that are targets: they take paragraphs over from one
    /// other article, the source. Default 0.3.
    pub reuse_share: f64,
    /// Most paragraphs one target takes (each target draws 1 to this many).
    /// Default 4.
    pub max_reused_paragraphs: usize,
    /// Share of plants whose paragraphs are scattered over the source rather
    /// than consecutive. Default 0.5.
    pub scattered_share: f64,
    /// Fewest source words between two scattered paragraphs. Default 50: more
    /// than the aligner's default `max_gap_words` (40), so that each scattered
    /// paragraph is a passage of its own, not bridged to the next.
    pub min_scatter_gap_words: usize,
    /// Most words a plant copies, as a share of the smaller of the source's and
    /// the target's own words; paragraphs are dropped from the end of a plant
    /// until it fits, keeping at least one. Default 0.5, so a target's Jaccard
    /// with its source stays low (about 1/4 or less): partial reuse, not a
    /// near-duplicate.
    pub max_copied_share: f64,
    /// Share of plants with light edits: single words substituted. Default 0.5.
    pub edited_share: f64,
    /// Least distance, in words, between two edits of an edited plant, and from
    /// an edit to either end of its passage (so the copied words at each end are
    /// enough evidence to place the passage's ends). Default 15.
    pub min_edit_spacing: usize,
    /// Greatest distance between two edits (each distance is uniform in
    /// between). Default 30.
    pub max_edit_spacing: usize,
    /// Vocabulary size. Default 20,000.
    pub vocabulary: usize,
    /// Seed. Default 1.
    pub seed: u64,
}

impl Default for ReuseSpec {
    fn default() -> Self {
        ReuseSpec {
            documents: 2000,
            mean_words: 600,
            min_paragraph_words: 30,
            max_paragraph_words: 100,
            reuse_share: 0.3,
            max_reused_paragraphs: 4,
            scattered_share: 0.5,
            min_scatter_gap_words: 50,
            max_copied_share: 0.5,
            edited_share: 0.5,
            min_edit_spacing: 15,
            max_edit_spacing: 30,
            vocabulary: 20_000,
            seed: 1,
        }
    }
}

/// One planted passage: text of the source found again in the target. Ranges
/// run from the first byte of the passage's first word to one past its last
/// word's last byte (the closing full stop is not included), as aligned
/// passages are reported; consecutive paragraphs form one passage, separators
/// included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedPassage {
    /// Article the paragraphs were taken from.
    pub source: usize,
    /// Article they were copied into.
    pub target: usize,
    /// Byte range of the passage in the source text.
    pub source_bytes: Range<usize>,
    /// Byte range of the passage in the target text.
    pub target_bytes: Range<usize>,
    /// Length in words (the same on both sides: edits substitute words).
    pub words: usize,
    /// Words substituted in the target's copy (0 for a verbatim copy).
    pub edits: usize,
}

/// A corpus generated by [`generate_reuse`].
#[derive(Debug, Clone)]
pub struct ReuseCorpus {
    /// The texts; article `i` has id `i`. Paragraphs are separated by a blank line.
    pub texts: Vec<String>,
    /// Every planted passage, by target, then by position in the target.
    pub passages: Vec<PlantedPassage>,
}

/// Generates articles with planted partial reuse for `spec` (see [`ReuseSpec`]).
///
/// Each article is a run of paragraphs of its own. A target gets one plant: 1 to
/// `max_reused_paragraphs` paragraphs of a random other article, consecutive or
/// scattered in the source, inserted as one block at a random paragraph boundary
/// of the target. Only an article's own paragraphs are copied, never ones it
/// took over itself, so every passage has one known source. A scattered plant
/// gives one [`PlantedPassage`] per paragraph, a consecutive one a single passage.
pub fn generate_reuse(spec: &ReuseSpec) -> ReuseCorpus {
    let mut rng = SplitMix64::new(spec.seed);
    let vocabulary = make_vocabulary(&mut rng, spec.vocabulary);
    let zipf = Zipf::new(vocabulary.len());
    let min_paragraph = spec.min_paragraph_words.max(1);
    let max_paragraph = spec.max_paragraph_words.max(min_paragraph);

    // Every article's own paragraphs first, so any article can be a source.
    let own = own_paragraphs(spec, &zipf, (min_paragraph, max_paragraph), &mut rng);
    let own_words: Vec<usize> = own
        .iter()
        .map(|ps| ps.iter().map(|p| p.words.len()).sum())
        .collect();

    // Where each target gets its plant, and from whom, before any paragraph is
    // chosen: a source's consecutive paragraphs must not straddle its own plant.
    let placed: Vec<Option<(usize, usize)>> = (0..spec.documents)
        .map(|target| {
            if spec.documents < 2 || rng.next_f64() >= spec.reuse_share {
                return None;
            }
            let s = rng.below(spec.documents as u64 - 1) as usize;
            let source = if s >= target { s + 1 } else { s };
            Some((source, rng.below(own[target].len() as u64 + 1) as usize))
        })
        .collect();
    let plants: Vec<Option<Plant>> = placed
        .iter()
        .enumerate()
        .map(|(target, plant)| {
            let (source, at) = (*plant)?;
            let source_at = placed[source].map(|(_, at)| at);
            let paragraphs = choose(spec, &own, &own_words, source, source_at, target, &mut rng);
            Some(Plant {
                source,
                paragraphs,
                at,
            })
        })
        .collect();

    // Assemble: each target's own paragraphs with its plant inserted, the copies
    // edited; then render and note where every paragraph starts and ends.
    let mut texts = Vec::with_capacity(spec.documents);
    let mut own_spans: Vec<Vec<Range<usize>>> = Vec::with_capacity(spec.documents);
    let mut plant_spans: Vec<Vec<Range<usize>>> = Vec::with_capacity(spec.documents);
    let mut plant_edits: Vec<Vec<usize>> = Vec::with_capacity(spec.documents);
    for (doc, paragraphs) in own.iter().enumerate() {
        let copies = match &plants[doc] {
            Some(p) => edited_copies(spec, p, &own[p.source], &zipf, &mut rng),
            None => Vec::new(),
        };
        let at = plants[doc].as_ref().map_or(usize::MAX, |p| p.at);
        let mut text = String::with_capacity(own_words[doc] * 8);
        let (mut spans, mut copied) = (Vec::new(), Vec::new());
        let write = |p: &Paragraph, text: &mut String| {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let start = text.len();
            write_words(&p.words, &p.seps, &vocabulary, text);
            start..text.len()
        };
        for (i, paragraph) in paragraphs.iter().enumerate() {
            if i == at {
                copied.extend(copies.iter().map(|(p, _)| write(p, &mut text)));
            }
            spans.push(write(paragraph, &mut text));
        }
        if at == paragraphs.len() {
            copied.extend(copies.iter().map(|(p, _)| write(p, &mut text)));
        }
        texts.push(text);
        own_spans.push(spans);
        plant_spans.push(copied);
        plant_edits.push(copies.iter().map(|&(_, e)| e).collect());
    }

    let passages = planted_passages(&plants, &own, &own_spans, &plant_spans, &plant_edits);
    ReuseCorpus { texts, passages }
}

/// Each article's own paragraphs of random words, about `spec.mean_words`
/// long, each of `paragraph_words` (min, max) words.
fn own_paragraphs(
    spec: &ReuseSpec,
    zipf: &Zipf,
    (min_paragraph, max_paragraph): (usize, usize),
    rng: &mut SplitMix64,
) -> Vec<Vec<Paragraph>> {
    (0..spec.documents)
        .map(|_| {
            let len = spec.mean_words / 2 + rng.below(spec.mean_words as u64 + 1) as usize;
            let mut paragraphs = Vec::new();
            let mut words = 0;
            while words < len.max(1) {
                let n =
                    min_paragraph + rng.below((max_paragraph - min_paragraph + 1) as u64) as usize;
                let para_words: Vec<usize> = (0..n).map(|_| zipf.draw(rng)).collect();
                let seps = punctuate(n, rng, false);
                paragraphs.push(Paragraph {
                    words: para_words,
                    seps,
                });
                words += n;
            }
            paragraphs
        })
        .collect()
}

/// Where each planted passage is in its source and its target, in bytes.
fn planted_passages(
    plants: &[Option<Plant>],
    own: &[Vec<Paragraph>],
    own_spans: &[Vec<Range<usize>>],
    plant_spans: &[Vec<Range<usize>>],
    plant_edits: &[Vec<usize>],
) -> Vec<PlantedPassage> {
    let mut passages = Vec::new();
    for (target, plant) in plants.iter().enumerate() {
        let Some(plant) = plant else { continue };
        let (sources, targets) = (&own_spans[plant.source], &plant_spans[target]);
        for Range { start: i, end: j } in plant.runs() {
            let words = plant.paragraphs[i..j]
                .iter()
                .map(|&p| own[plant.source][p].words.len())
                .sum();
            // A paragraph ends with its full stop, which is not part of the passage.
            let span = |spans: &[Range<usize>], first: usize, last: usize| {
                spans[first].start..spans[last].end - 1
            };
            passages.push(PlantedPassage {
                source: plant.source,
                target,
                source_bytes: span(sources, plant.paragraphs[i], plant.paragraphs[j - 1]),
                target_bytes: span(targets, i, j - 1),
                words,
                edits: plant_edits[target][i..j].iter().sum(),
            });
        }
    }
    passages
}

/// Words drawn from a Zipf law with weights `1/(rank + 2.7)`, sampled through
/// the cumulative distribution.
struct Zipf {
    cumulative: Vec<f64>,
    total: f64,
}

impl Zipf {
    fn new(size: usize) -> Self {
        let mut cumulative = Vec::with_capacity(size);
        let mut total = 0.0;
        for rank in 0..size {
            total += 1.0 / (rank as f64 + 2.7);
            cumulative.push(total);
        }
        Zipf { cumulative, total }
    }

    /// A word number (its rank).
    fn draw(&self, rng: &mut SplitMix64) -> usize {
        let x = rng.next_f64() * self.total;
        self.cumulative
            .partition_point(|&c| c < x)
            .min(self.cumulative.len() - 1)
    }
}

/// What follows a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Space,
    Comma,
    /// End of a sentence.
    Stop,
    /// End of a sentence and of a paragraph.
    Break,
    /// The text's closing full stop.
    End,
}

/// A paragraph of an article: its words and what follows each.
#[derive(Debug, Clone)]
struct Paragraph {
    words: Vec<usize>,
    seps: Vec<Sep>,
}

/// The paragraphs one target takes over.
#[derive(Debug, Clone)]
struct Plant {
    source: usize,
    /// The source's paragraphs, in increasing order.
    paragraphs: Vec<usize>,
    /// The target paragraph the copies are inserted before (its paragraph
    /// count: at the end).
    at: usize,
}

impl Plant {
    /// The plant's passages: runs of paragraphs next to each other in the
    /// source (as indexes into `paragraphs`). Consecutive paragraphs never
    /// straddle the source's own plant, so they are next to each other in its text.
    fn runs(&self) -> Vec<Range<usize>> {
        let mut runs: Vec<Range<usize>> = Vec::new();
        for (i, &p) in self.paragraphs.iter().enumerate() {
            match runs.last_mut() {
                Some(run) if self.paragraphs[run.end - 1] + 1 == p => run.end = i + 1,
                _ => runs.push(i..i + 1),
            }
        }
        runs
    }
}

/// Chooses the source paragraphs of one plant, in increasing order. `source_at`
/// is where the source's own plant sits, which consecutive paragraphs do not
/// straddle (they would not be consecutive in the source's text).
fn choose(
    spec: &ReuseSpec,
    own: &[Vec<Paragraph>],
    own_words: &[usize],
    source: usize,
    source_at: Option<usize>,
    target: usize,
    rng: &mut SplitMix64,
) -> Vec<usize> {
    let paragraphs = &own[source];
    let len = |p: usize| paragraphs[p].words.len();
    let wanted = 1 + rng.below(spec.max_reused_paragraphs.max(1) as u64) as usize;
    let mut chosen = Vec::with_capacity(wanted);
    if rng.next_f64() < spec.scattered_share {
        let mut p = rng.below(paragraphs.len() as u64) as usize;
        chosen.push(p);
        'pick: while chosen.len() < wanted {
            // Skip at least `min_scatter_gap_words`, then maybe one more paragraph.
            let mut gap = 0;
            p += 1;
            while gap < spec.min_scatter_gap_words.max(1) {
                if p >= paragraphs.len() {
                    break 'pick;
                }
                gap += len(p);
                p += 1;
            }
            p += rng.below(2) as usize;
            if p >= paragraphs.len() {
                break;
            }
            chosen.push(p);
        }
    } else {
        let n = wanted.min(paragraphs.len());
        let mut run = {
            let first = rng.below((paragraphs.len() - n + 1) as u64) as usize;
            first..first + n
        };
        if let Some(at) = source_at.filter(|&at| run.start < at && at < run.end) {
            // Move the run to one side of the source's plant, or keep its longer part.
            run = if paragraphs.len() - at >= n {
                at..at + n
            } else if at >= n {
                at - n..at
            } else if at - run.start >= run.end - at {
                run.start..at
            } else {
                at..run.end
            };
        }
        chosen.extend(run);
    }
    let limit = spec.max_copied_share * own_words[source].min(own_words[target]) as f64;
    while chosen.len() > 1 && chosen.iter().map(|&p| len(p)).sum::<usize>() as f64 > limit {
        chosen.pop();
    }
    chosen
}

/// The plant's paragraphs as the target prints them, each with its number of
/// substituted words.
fn edited_copies(
    spec: &ReuseSpec,
    plant: &Plant,
    source: &[Paragraph],
    zipf: &Zipf,
    rng: &mut SplitMix64,
) -> Vec<(Paragraph, usize)> {
    let mut copies: Vec<(Paragraph, usize)> = plant
        .paragraphs
        .iter()
        .map(|&p| (source[p].clone(), 0))
        .collect();
    if rng.next_f64() >= spec.edited_share {
        return copies;
    }
    let min = spec.min_edit_spacing.max(1);
    let max = spec.max_edit_spacing.max(min);
    // Edits are spaced along each passage, at least `min` words from either end.
    for Range { start: i, end: j } in plant.runs() {
        let total: usize = copies[i..j].iter().map(|(p, _)| p.words.len()).sum();
        let mut at = 0;
        loop {
            at += min + rng.below((max - min + 1) as u64) as usize;
            if at + min >= total {
                break;
            }
            // Find the paragraph and word of passage word `at`.
            let (mut k, mut offset) = (i, at);
            while offset >= copies[k].0.words.len() {
                offset -= copies[k].0.words.len();
                k += 1;
            }
            let (paragraph, edits) = &mut copies[k];
            let old = paragraph.words[offset];
            let mut new = zipf.draw(rng);
            if new == old {
                new = (old + 1) % zipf.cumulative.len();
            }
            paragraph.words[offset] = new;
            *edits += usize::from(new != old);
        }
    }
    copies
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

/// Punctuation for `len` words: about one sentence end in 14 words, a comma in
/// 12; with `breaks`, one sentence end in 5 also ends a paragraph. The last
/// word closes the text.
fn punctuate(len: usize, rng: &mut SplitMix64, breaks: bool) -> Vec<Sep> {
    (0..len)
        .map(|i| {
            if i + 1 == len {
                Sep::End
            } else if rng.below(14) == 0 {
                if breaks && rng.below(5) == 0 {
                    Sep::Break
                } else {
                    Sep::Stop
                }
            } else if rng.below(12) == 0 {
                Sep::Comma
            } else {
                Sep::Space
            }
        })
        .collect()
}

/// Appends the words with their punctuation, capitalising each sentence's
/// first word.
fn write_words(words: &[usize], seps: &[Sep], vocabulary: &[String], text: &mut String) {
    let mut sentence_start = true;
    for (&w, &sep) in words.iter().zip(seps) {
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
        sentence_start = matches!(sep, Sep::Stop | Sep::Break);
        text.push_str(match sep {
            Sep::Space => " ",
            Sep::Comma => ", ",
            Sep::Stop => ". ",
            Sep::Break => ".\n\n",
            Sep::End => ".",
        });
    }
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

    fn reuse_corpus() -> ReuseCorpus {
        generate_reuse(&ReuseSpec {
            documents: 400,
            ..ReuseSpec::default()
        })
    }

    #[test]
    fn reuse_same_seed_same_corpus() {
        let (x, y) = (reuse_corpus(), reuse_corpus());
        assert_eq!(x.texts, y.texts);
        assert_eq!(x.passages, y.passages);
        let other = generate_reuse(&ReuseSpec {
            documents: 400,
            seed: 2,
            ..ReuseSpec::default()
        });
        assert_ne!(x.texts, other.texts);
    }

    /// The words of `text` (its vocabulary is ASCII letters only).
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    }

    #[test]
    fn planted_passages_match_their_ground_truth() {
        let corpus = reuse_corpus();
        let spec = ReuseSpec::default();
        let targets: std::collections::BTreeSet<usize> =
            corpus.passages.iter().map(|p| p.target).collect();
        let share = targets.len() as f64 / corpus.texts.len() as f64;
        assert!((0.2..0.4).contains(&share), "{share}");
        let (mut edited, mut verbatim) = (0, 0);
        for p in &corpus.passages {
            assert_ne!(p.source, p.target);
            let (source, target) = (&corpus.texts[p.source], &corpus.texts[p.target]);
            let (s, t) = (
                &source[p.source_bytes.clone()],
                &target[p.target_bytes.clone()],
            );
            // Ranges start and end on words.
            for (text, range) in [(source, &p.source_bytes), (target, &p.target_bytes)] {
                let at = |i: usize| text.as_bytes().get(i).is_some_and(u8::is_ascii_alphabetic);
                assert!(at(range.start) && at(range.end - 1), "{p:?}");
                assert!(range.start == 0 || !at(range.start - 1), "{p:?}");
                assert!(!at(range.end), "{p:?}");
            }
            let (ws, wt) = (words(s), words(t));
            assert_eq!((ws.len(), wt.len()), (p.words, p.words), "{p:?}");
            assert!(p.words >= spec.min_paragraph_words);
            let differ: Vec<usize> = (0..p.words).filter(|&i| ws[i] != wt[i]).collect();
            assert_eq!(differ.len(), p.edits, "{p:?}");
            if p.edits == 0 {
                assert_eq!(s, t);
                verbatim += 1;
            } else {
                edited += 1;
                // Edits keep their distance from each other and from both ends.
                let min = spec.min_edit_spacing;
                assert!(differ[0] >= min && p.words - 1 - differ[p.edits - 1] >= min);
                assert!(differ.windows(2).all(|w| w[1] - w[0] >= min));
                assert!(differ
                    .windows(2)
                    .all(|w| w[1] - w[0] <= spec.max_edit_spacing));
            }
        }
        assert!(
            edited > 50 && verbatim > 50,
            "{edited} edited, {verbatim} verbatim"
        );
    }

    #[test]
    fn plants_are_partial_consecutive_or_scattered() {
        let corpus = reuse_corpus();
        let mut per_target: std::collections::BTreeMap<usize, Vec<&PlantedPassage>> =
            Default::default();
        for p in &corpus.passages {
            per_target.entry(p.target).or_default().push(p);
        }
        let (mut scattered, mut multi_paragraph) = (0, 0);
        for (target, passages) in &per_target {
            let copied: usize = passages.iter().map(|p| p.words).sum();
            let source = passages[0].source;
            assert!(passages.iter().all(|p| p.source == source));
            let own = words(&corpus.texts[*target]).len() - copied;
            let source_words = words(&corpus.texts[source]).len();
            // At most half the smaller text, unless one paragraph is already more.
            let one_paragraph = passages.len() == 1
                && !corpus.texts[*target][passages[0].target_bytes.clone()].contains("\n\n");
            assert!(
                one_paragraph || copied * 2 <= own.min(source_words),
                "{passages:?}"
            );
            if passages.len() > 1 {
                scattered += 1;
                // One block in the target, spread out in the source.
                for w in passages.windows(2) {
                    assert_eq!(
                        &corpus.texts[*target][w[0].target_bytes.end..w[1].target_bytes.start],
                        ".\n\n"
                    );
                    assert!(w[0].source_bytes.end < w[1].source_bytes.start);
                }
            } else if corpus.texts[*target][passages[0].target_bytes.clone()].contains("\n\n") {
                multi_paragraph += 1;
            }
        }
        assert!(
            scattered > 20 && multi_paragraph > 20,
            "{scattered} {multi_paragraph}"
        );
    }
}

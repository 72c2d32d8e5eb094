//! Pairs given directly rather than found: two documents compared whatever
//! their similarity ([`compare`]), and listed pairs of texts aligned and
//! graded for evaluations ([`align_listed`]). No candidate stage, no
//! threshold on what is aligned; the same preparation, alignment and grading
//! as a scan.

use std::borrow::Cow;

use bit_vec::BitVec;
use rayon::prelude::*;

use crate::align::{align, AlignText, Passage};
use crate::boilerplate::BoilerplateMarker;
use crate::config::Config;
use crate::error::Error;
use crate::grade::{Rules, StoryScores, Verdict};
use crate::hash::HASH_NAME;
use crate::ids::{CandidatePair, DocId};
use crate::input::Document;
use crate::report::{Comparison, HashInfo, Tool, FORMAT_VERSION};
use crate::shingle::{Scratch, ShingleSet, Shingler};
use crate::sketch::MinHasher;
use crate::story::{StoryProfile, StorySimilarity, TermWeights};
use crate::verify::{score, Similarity};

use super::assemble::pair_report;
use super::pairs::{align_and_grade, figures_of, prepare, Candidate, FoundBy};
use super::{document_times, story_background, thread_pool, winnower};

/// Scores two documents, finds their shared passages and grades them, whatever
/// their similarity (no threshold, no candidate stage).
///
/// # Errors
/// An invalid config, or a document with no words.
///
/// # Examples
///
/// ```
/// use reprint::{Config, Document, Verdict};
///
/// let wire = "Rescue teams pulled 14 miners alive from the flooded Jinshan pit on \
///             Sunday after three days underground, the provincial safety office said.";
/// let paper = format!("LOCAL NEWS. {wire} Families had waited at the gate all weekend.");
/// let comparison = reprint::compare(
///     &Config::default(),
///     &Document::new("wire", wire),
///     &Document::new("paper", paper),
/// )?;
/// let pair = &comparison.pair;
/// assert_eq!(pair.verdict, Verdict::NearDuplicate);
/// assert!(pair.passages[0].b.text.starts_with("Rescue teams pulled 14 miners"));
/// # Ok::<(), reprint::Error>(())
/// ```
pub fn compare(config: &Config, a: &Document, b: &Document) -> crate::Result<Comparison> {
    config.validate()?;
    let shingler = Shingler::new(config.shingle, config.seed);
    let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
    let texts = [a.load_text()?, b.load_text()?];
    let mut scratch = Scratch::default();
    let mut sets = Vec::with_capacity(2);
    for (doc, text) in [a, b].iter().zip(&texts) {
        let set = shingler.shingle_set(text, &mut scratch);
        if set.is_empty() {
            return Err(Error::NoWords {
                document: doc.origin.to_string(),
            });
        }
        sets.push(set);
    }
    let signatures = [hasher.sketch(&sets[0]), hasher.sketch(&sets[1])];
    let pair = CandidatePair {
        a: DocId(0),
        b: DocId(1),
    };
    let scored = score(pair, &sets[0], &sets[1], (&signatures[0], &signatures[1]));
    let marker =
        BoilerplateMarker::new(winnower(config), &config.overlap.ignore_phrases, &shingler);
    let documents = [a, b];
    let times = document_times(config, &documents).times;
    let prepared = [
        prepare(&texts[0], &shingler, Some(&marker)),
        prepare(&texts[1], &shingler, Some(&marker)),
    ];
    let background = story_background(config)?;
    let weights = background
        .as_ref()
        .map(|b| TermWeights::of_texts(b, &[&texts[0], &texts[1]], &shingler));
    let story = weights.as_ref().map(|w| {
        StoryProfile::new(&prepared[0], w).similarity(&StoryProfile::new(&prepared[1], w))
    });
    let graded = align_and_grade(
        &[Candidate {
            scored,
            found_by: FoundBy::default(),
            story,
        }],
        |d| &prepared[d.index()],
        &times,
        config,
        weights.as_ref(),
    )
    .pop()
    .expect("one pair in, one pair out");
    Ok(Comparison {
        format_version: FORMAT_VERSION,
        tool: Tool::default(),
        shingle: config.shingle,
        hash: HashInfo {
            name: Cow::Borrowed(HASH_NAME),
            seed: config.seed,
        },
        num_perm: config.sketch.num_perm,
        align: config.align,
        grade: config.grade,
        pair: pair_report(graded, &|d: DocId| documents[d.index()].id.clone()),
    })
}

/// The shared passages, verdict and story similarity of each listed pair of
/// texts (indexes into `texts`), whatever their similarity: no candidate
/// stage, no threshold, and every pair aligned. The story stage's document
/// frequencies come from the texts of the listed pairs. Evaluations on
/// labeled pairs use it.
///
/// # Errors
/// An invalid config, or a thread pool that cannot start.
pub fn align_listed(
    config: &Config,
    texts: &[&str],
    pairs: &[(usize, usize)],
) -> crate::Result<Vec<ListedPair>> {
    config.validate()?;
    if let Some(&(a, b)) = pairs.iter().find(|&&(a, b)| a.max(b) >= texts.len()) {
        return Err(Error::PairOutOfRange {
            a,
            b,
            texts: texts.len(),
        });
    }
    let pool = thread_pool(config)?;
    let shingler = Shingler::new(config.shingle, config.seed);
    let background = story_background(config)?;
    let rules = Rules::new(config);
    let mut needed = BitVec::from_elem(texts.len(), false);
    for &(a, b) in pairs {
        needed.set(a, true);
        needed.set(b, true);
    }
    pool.install(|| {
        let needed_texts: Vec<&str> = (0..texts.len())
            .filter(|&i| needed[i])
            .map(|i| texts[i])
            .collect();
        // Document frequencies from every text of a listed pair.
        let weights = background
            .as_deref()
            .map(|b| TermWeights::of_texts(b, &needed_texts, &shingler));
        drop(needed_texts);
        let prepared: Vec<Option<(AlignText, ShingleSet, Option<StoryProfile>)>> = texts
            .par_iter()
            .enumerate()
            .map(|(i, text)| {
                needed[i].then(|| {
                    let prepared = prepare(text, &shingler, None);
                    let set = shingler.shingle_set(text, &mut Scratch::default());
                    let profile = weights.as_ref().map(|w| StoryProfile::new(&prepared, w));
                    (prepared, set, profile)
                })
            })
            .collect();
        let of = |i: usize| {
            prepared[i]
                .as_ref()
                .expect("every text of a listed pair is prepared")
        };
        Ok(pairs
            .par_iter()
            .map(|&(a, b)| {
                let ((text_a, set_a, profile_a), (text_b, set_b, profile_b)) = (of(a), of(b));
                let passages = align(text_a, text_b, &config.align).passages;
                let story = profile_a
                    .as_ref()
                    .zip(profile_b.as_ref())
                    .map(|(x, y)| x.similarity(y));
                let scores = story.as_ref().map(|s| StoryScores::new(s, (None, None)));
                let words = (text_a.len(), text_b.len());
                let similarity = Similarity::between(set_a, set_b);
                let figures = figures_of(
                    &rules,
                    similarity.jaccard,
                    scores,
                    &passages,
                    (text_a, text_b),
                );
                let verdict = rules
                    .grade(&similarity, &passages, words, scores, figures, (None, None))
                    .verdict;
                ListedPair {
                    passages,
                    verdict,
                    story,
                }
            })
            .collect())
    })
}

/// A listed pair aligned and graded by [`align_listed`].
#[derive(Debug, Clone)]
pub struct ListedPair {
    /// Its shared passages.
    pub passages: Vec<Passage>,
    /// Its verdict (no publication times).
    pub verdict: Verdict,
    /// Its story similarity (`None` when the story stage is off).
    pub story: Option<StorySimilarity>,
}

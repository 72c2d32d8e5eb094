//! Planted partial reuse: a scan with the default config finds at least 99% of
//! the passages planted by [`generate_reuse`], each at its place in both texts
//! to within one word at each end, in a pair graded partial reuse (or stronger)
//! that the overlap stage found.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Instant;

use reprint::report::PairReport;
use reprint::synthetic::{generate_reuse, PlantedPassage, ReuseCorpus, ReuseSpec};
use reprint::Verdict;
use reprint::{Config, Document, Entry};

/// Share of planted passages a scan must find.
const MIN_RECALL: f64 = 0.99;

/// Misses described in full (with `--nocapture`, or when the test fails).
const MISSES_SHOWN: usize = 5;

#[test]
fn finds_99_percent_of_planted_passages_in_10000_articles() {
    // About 4,000 passages; the scan takes about 5 s in the dev profile on 2 cores.
    check_recall(10_000, 1);
}

fn check_recall(documents: usize, seed: u64) {
    let clock = Instant::now();
    let corpus = generate_reuse(&ReuseSpec {
        documents,
        seed,
        ..ReuseSpec::default()
    });
    let generated = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let entries = corpus
        .texts
        .iter()
        .enumerate()
        .map(|(i, t)| Ok(Entry::Document(Document::new(i.to_string(), t.clone()))));
    let scan = reprint::run(&Config::default(), entries).unwrap();
    let scanned = clock.elapsed().as_secs_f64();
    let report = &scan.report;

    let mut pairs: BTreeMap<(usize, usize), &PairReport> = BTreeMap::new();
    for pair in &report.pairs {
        let (a, b) = (id(&pair.scores.a), id(&pair.scores.b));
        pairs.insert((a.min(b), a.max(b)), pair);
    }
    let words: Vec<Words> = corpus.texts.iter().map(|t| Words::new(t)).collect();
    let mut misses = Vec::new();
    let mut wrong_pairs = Vec::new();
    let mut verdicts: BTreeMap<&str, usize> = BTreeMap::new();
    for planted in &corpus.passages {
        let key = (
            planted.source.min(planted.target),
            planted.source.max(planted.target),
        );
        let Some(pair) = pairs.get(&key) else {
            misses.push(planted);
            continue;
        };
        if !matches_a_passage(planted, pair, &words) {
            misses.push(planted);
            continue;
        }
        *verdicts.entry(pair.verdict.name()).or_default() += 1;
        if pair.verdict > Verdict::PartialReuse || !pair.found_by.iter().any(|s| s == "overlap") {
            wrong_pairs.push((planted, pair.verdict, pair.found_by.clone()));
        }
    }

    let planted = corpus.passages.len();
    let found = planted - misses.len();
    let recall = found as f64 / planted as f64;
    let edited = corpus.passages.iter().filter(|p| p.edits > 0).count();
    let missed_edited = misses.iter().filter(|p| p.edits > 0).count();
    eprintln!(
        "reuse recall over {documents} articles: {found}/{planted} = {recall:.4} \
         ({edited} edited, {missed_edited} of them missed); verdicts of found: {verdicts:?}; \
         report: {} pairs ({} partial reuse), {} candidates ({} overlap, {} minhash); \
         generate {generated:.1} s, scan {scanned:.1} s",
        report.pairs.len(),
        report.counts.partial_reuse_pairs,
        report.counts.candidate_pairs,
        report.counts.overlap_candidates,
        report.counts.minhash_candidates,
    );
    // Shown when the test fails or runs with --nocapture.
    for planted in misses.iter().take(MISSES_SHOWN) {
        describe_miss(planted, &corpus, &pairs, &words);
    }
    assert!(
        recall >= MIN_RECALL,
        "found {found} of {planted} planted passages ({recall:.4})"
    );
    assert!(
        wrong_pairs.is_empty(),
        "{} found passages in pairs graded below partial reuse or not found by overlap, e.g. {:?}",
        wrong_pairs.len(),
        &wrong_pairs[..wrong_pairs.len().min(3)]
    );
}

/// The document number of a report id (`Document::new(i.to_string(), ..)`).
fn id(text: &str) -> usize {
    text.parse().expect("ids are document numbers")
}

/// Whether one of the pair's passages covers the planted ranges on both sides,
/// each end within one word.
fn matches_a_passage(planted: &PlantedPassage, pair: &PairReport, words: &[Words]) -> bool {
    let source_is_a = id(&pair.scores.a) == planted.source;
    let (source, target) = (&words[planted.source], &words[planted.target]);
    let want_source = source.of(&planted.source_bytes);
    let want_target = target.of(&planted.target_bytes);
    pair.passages.iter().any(|p| {
        let (s, t) = if source_is_a {
            (&p.a, &p.b)
        } else {
            (&p.b, &p.a)
        };
        close(&source.of(&(s.start_byte..s.end_byte)), &want_source)
            && close(&target.of(&(t.start_byte..t.end_byte)), &want_target)
    })
}

fn close(x: &Range<usize>, y: &Range<usize>) -> bool {
    x.start.abs_diff(y.start) <= 1 && x.end.abs_diff(y.end) <= 1
}

/// Word boundaries of a text (runs of alphanumeric characters), to turn byte
/// ranges into word ranges.
struct Words {
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Words {
    fn new(text: &str) -> Self {
        let (mut starts, mut ends) = (Vec::new(), Vec::new());
        let mut inside = false;
        for (i, c) in text.char_indices() {
            match (inside, c.is_alphanumeric()) {
                (false, true) => starts.push(i),
                (true, false) => ends.push(i),
                _ => {}
            }
            inside = c.is_alphanumeric();
        }
        if inside {
            ends.push(text.len());
        }
        Words { starts, ends }
    }

    /// The words of a byte range: from the first word starting in it to the
    /// last word ending in it.
    fn of(&self, bytes: &Range<usize>) -> Range<usize> {
        let first = self.starts.partition_point(|&s| s < bytes.start);
        let end = self.ends.partition_point(|&e| e <= bytes.end);
        first..end
    }
}

/// Prints a missed passage: where it was planted, what the report (or, when the
/// report has no such pair, `compare`) aligned instead, and the texts around it.
fn describe_miss(
    planted: &PlantedPassage,
    corpus: &ReuseCorpus,
    pairs: &BTreeMap<(usize, usize), &PairReport>,
    words: &[Words],
) {
    let (source, target) = (planted.source, planted.target);
    let want = (
        words[source].of(&planted.source_bytes),
        words[target].of(&planted.target_bytes),
    );
    eprintln!(
        "\nMISS {planted:?}: words {:?} of {source}, {:?} of {target}",
        want.0, want.1
    );
    let key = (source.min(target), source.max(target));
    let compared;
    let (pair, origin) = match pairs.get(&key) {
        Some(pair) => (*pair, "report"),
        None => {
            let doc = |i: usize| Document::new(i.to_string(), corpus.texts[i].clone());
            compared = reprint::compare(&Config::default(), &doc(key.0), &doc(key.1))
                .unwrap()
                .pair;
            (&compared, "not in the report; compare")
        }
    };
    eprintln!(
        "  {origin}: verdict {}, found by {:?}, jaccard {:.3}",
        pair.verdict.name(),
        pair.found_by,
        pair.scores.jaccard
    );
    let source_is_a = id(&pair.scores.a) == source;
    for p in &pair.passages {
        let (s, t) = if source_is_a {
            (&p.a, &p.b)
        } else {
            (&p.b, &p.a)
        };
        eprintln!(
            "  passage: words {:?} of {source}, {:?} of {target}, similarity {:.2}, boilerplate {}",
            words[source].of(&(s.start_byte..s.end_byte)),
            words[target].of(&(t.start_byte..t.end_byte)),
            p.similarity,
            p.boilerplate
        );
    }
    for (doc, bytes) in [
        (source, &planted.source_bytes),
        (target, &planted.target_bytes),
    ] {
        let text = &corpus.texts[doc];
        let before = floor(text, bytes.start.saturating_sub(80));
        let after = floor(text, (bytes.end + 80).min(text.len()));
        eprintln!(
            "  {doc}: ...{}[[{}]]{}...",
            &text[before..bytes.start],
            &text[bytes.clone()],
            &text[bytes.end..after]
        );
    }
}

/// The nearest character boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

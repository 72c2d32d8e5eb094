//! Properties of the whole pipeline, each against an independent oracle.

use proptest::prelude::*;
use reprint::config::Config;
use reprint::stages::MinHasher;
use reprint::stages::{banded_pairs, LshParams};
use reprint::stages::{Scratch, ShingleSet, Shingler};
use reprint::synthetic::{generate, CorpusSpec};
use reprint::Verdict;
use std::collections::HashMap;

use crate::util::{entries, small_corpus, without_run};

#[test]
fn report_is_identical_at_1_2_and_8_threads_and_when_spilled() {
    // More documents than one sketching chunk (1,024), so chunks finish out of
    // order and must merge in input order. The smallest memory budget spills
    // the overlap stage's stores to temporary files (2 MB each, split among
    // the threads); the default one does not at one thread (16 MB), and may
    // at eight (2 MB a thread).
    let corpus = small_corpus(5000, 11);
    let reports: Vec<String> = [(1, 0), (2, 0), (8, 0), (2, 16 << 20), (8, 16 << 20)]
        .into_iter()
        .map(|(threads, memory_limit)| {
            let config = Config {
                threads,
                memory_limit,
                ..Config::default()
            };
            let scan = reprint::run(&config, entries(&corpus)).unwrap();
            assert_eq!(scan.report.run.threads, threads);
            let spilled = scan.report.run.spilled_bytes > 0;
            if memory_limit > 0 {
                assert!(spilled, "memory limit {memory_limit}");
            } else if threads == 1 {
                assert!(!spilled, "the default budget at one thread");
            }
            without_run(&scan.report)
        })
        .collect();
    assert!(
        reports[0].contains("\"passages\""),
        "the corpus has verified pairs"
    );
    for (i, report) in reports.iter().enumerate().skip(1) {
        assert!(report == &reports[0], "report {i} differs");
    }
}

/// The shingle sets of every text, with `config`'s settings.
fn shingle_sets(texts: &[String], config: &Config) -> Vec<ShingleSet> {
    let shingler = Shingler::new(config.shingle, config.seed);
    let mut scratch = Scratch::default();
    texts
        .iter()
        .map(|t| shingler.shingle_set(t, &mut scratch))
        .collect()
}

/// Exact Jaccard of every pair sharing a shingle, through an inverted index
/// (pairs sharing none have Jaccard 0): the brute-force oracle.
fn exact_pairs(sets: &[ShingleSet]) -> HashMap<(u32, u32), f64> {
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    for (doc, set) in sets.iter().enumerate() {
        for &h in set.hashes() {
            postings.entry(h).or_default().push(doc as u32);
        }
    }
    let mut shared: HashMap<(u32, u32), usize> = HashMap::new();
    for docs in postings.values() {
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    shared
        .into_iter()
        .map(|((a, b), n)| {
            let union = sets[a as usize].len() + sets[b as usize].len() - n;
            ((a, b), n as f64 / union as f64)
        })
        .collect()
}

#[test]
fn lsh_finds_99_percent_of_pairs_above_threshold_plus_a_tenth_and_estimates_are_close() {
    // 2,400 documents of ~300 words; a quarter are copies with up to 12% of words
    // edited (each edit breaks up to 5 shingles), which spreads the planted pairs'
    // Jaccard over the whole range 0.2 .. 1, many of them near the threshold.
    let spec = CorpusSpec {
        documents: 2400,
        mean_words: 300,
        duplicate_share: 0.25,
        max_edit_rate: 0.12,
        seed: 3,
        ..CorpusSpec::default()
    };
    let corpus = generate(&spec);
    let config = Config::default();
    let hasher = MinHasher::new(config.shingle, config.sketch.num_perm, config.seed);
    let sets = shingle_sets(&corpus.texts, &config);
    let signatures: Vec<_> = sets.iter().map(|s| hasher.sketch(s)).collect();
    let params = LshParams::optimal(config.threshold, config.sketch.num_perm);
    let found: std::collections::HashSet<(u32, u32)> = banded_pairs(&signatures, params, &|_| true)
        .pairs
        .iter()
        .map(|p| (p.a.0, p.b.0))
        .collect();

    let exact = exact_pairs(&sets);
    let strong: Vec<(u32, u32)> = exact
        .iter()
        .filter(|(_, &j)| j >= config.threshold + 0.1)
        .map(|(&p, _)| p)
        .collect();
    assert!(
        strong.len() >= 150,
        "the corpus plants enough strong pairs: {}",
        strong.len()
    );
    let near = exact.values().filter(|&&j| (0.5..0.7).contains(&j)).count();
    assert!(near >= 50, "enough pairs close to the threshold: {near}");
    let missed = strong.iter().filter(|p| !found.contains(p)).count();
    let recall = 1.0 - missed as f64 / strong.len() as f64;
    assert!(
        recall >= 0.99,
        "recall {recall:.4} ({missed} of {} missed)",
        strong.len()
    );

    // Estimator: the share of equal signature values is binomial, with standard
    // deviation sd(J) = sqrt(J(1-J)/128) (<= 0.044). Stated tolerance: every pair
    // within 0.2 (>= 4.5 sd), no bias beyond 0.01, and the mean of |error|/sd(J)
    // at most 1.0 (an unbiased normal error gives sqrt(2/pi) = 0.80).
    let (mut worst, mut bias, mut scaled, mut n) = (0.0f64, 0.0, 0.0, 0.0);
    for (&(a, b), &j) in exact.iter().filter(|(_, &j)| (0.2..1.0).contains(&j)) {
        let estimate = signatures[a as usize]
            .jaccard(&signatures[b as usize])
            .unwrap();
        let sd = (j * (1.0 - j) / 128.0).sqrt();
        worst = worst.max((estimate - j).abs());
        bias += estimate - j;
        scaled += (estimate - j).abs() / sd;
        n += 1.0;
    }
    assert!(n >= 200.0, "{n} pairs with 0.2 <= J < 1");
    assert!(worst <= 0.2, "worst estimate error {worst}");
    assert!((bias / n).abs() <= 0.01, "bias {}", bias / n);
    assert!(scaled / n <= 1.0, "mean |error|/sd {}", scaled / n);
}

#[test]
fn verified_pairs_are_exactly_the_candidates_at_or_above_threshold() {
    let corpus = small_corpus(600, 21);
    let config = Config::default();
    let report = reprint::run(&config, entries(&corpus)).unwrap().report;
    let sets = shingle_sets(&corpus.texts, &config);
    let exact = exact_pairs(&sets);
    let mut verified = 0;
    for pair in &report.pairs {
        let key = (
            pair.scores.a.parse().unwrap(),
            pair.scores.b.parse().unwrap(),
        );
        assert_eq!(exact[&key], pair.scores.jaccard);
        let near = matches!(pair.verdict, Verdict::Duplicate | Verdict::NearDuplicate);
        assert_eq!(
            near,
            pair.scores.jaccard >= config.threshold,
            "{:?}",
            pair.verdict
        );
        verified += usize::from(near);
    }
    let above = exact.values().filter(|&&j| j >= config.threshold).count();
    assert!(
        verified <= above && verified + 2 >= above,
        "{verified} of {above}"
    );
}

/// Text pieces with multi-byte characters, curly quotes and irregular whitespace.
fn messy_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Zürich",
        "naïve",
        "“quoted”",
        "it’s",
        "—",
        "São Paulo",
        "北京",
        "1,200",
        "Ωmega",
        "ﬁnal",
        "e\u{301}t\u{e9}",
        "\u{A0}",
        "  ",
        "\n\n",
        "\t",
        " ",
        " ",
        " ",
        "word",
        "news",
        "talks",
        "😀",
        "\u{AD}",
    ]);
    prop::collection::vec(pieces, 1..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn passage_offsets_slice_the_original_texts(shared in messy_text(), before in messy_text(), after in messy_text()) {
        // B holds the shared text with its whitespace changed and case flipped.
        let a = format!("{before} {shared} {after}");
        let variant: String = shared.split_whitespace().collect::<Vec<_>>().join("   ").to_uppercase();
        let b = format!("Lead:\u{2003}{variant}\n— end");
        let mut config = Config::default();
        config.align.min_passage_words = 1;
        let (doc_a, doc_b) = (reprint::Document::new("a", a.clone()), reprint::Document::new("b", b.clone()));
        let Ok(comparison) = reprint::compare(&config, &doc_a, &doc_b) else {
            return Ok(()); // a side without words: nothing to align
        };
        for p in &comparison.pair.passages {
            for (text, side) in [(&a, &p.a), (&b, &p.b)] {
                prop_assert_eq!(&text[side.start_byte..side.end_byte], side.text.as_str());
                let by_chars: String = text.chars().skip(side.start_char).take(side.end_char - side.start_char).collect();
                prop_assert_eq!(by_chars, side.text.clone());
            }
        }
    }
}

//! End-to-end benchmarks: `reprint::run` over in-memory documents, from the
//! first stage (normalize) to the finished report, at one thread and at one
//! thread per core (`config.threads = 0`).
//!
//! Inputs: a seeded synthetic corpus (2,000 documents, mean 600 words, with
//! planted near-duplicates) and the five articles in `seeds/`. The two
//! `overlap-*` groups compare the scan with the partial-overlap stage on (the
//! default) and off, at one thread per core, on 3,000 generated articles (mean
//! 600 words) with planted partial reuse (`overlap-reuse`), and on the
//! near-duplicate corpus (`overlap-dups`); their medians sit side by side, with
//! a third: the overlap candidate stage alone (winnowing and index, no
//! alignment). `story-dups` compares the scan with the story stage on and
//! off on the near-duplicate corpus. Building the
//! `Document`s (copying the texts) happens outside the timed loop; starting the
//! thread pool, which `run` does on every call, is inside it. Each input is one
//! group, and each thread count is measured twice, once reporting bytes/s
//! (`.../bytes`) and once documents/s (`.../docs`), since criterion keeps one
//! throughput per benchmark. Each run asserts the report's counts, so a broken
//! pipeline cannot benchmark as fast.
//!
//! Run with:
//!
//! ```text
//! cargo bench --bench pipeline                     # everything
//! cargo bench --bench pipeline -- --quick          # shorter, rougher
//! cargo bench --bench pipeline -- synthetic/threads-1
//! cargo bench --bench pipeline -- overlap          # overlap stage on vs off
//! cargo bench --bench pipeline -- story-dups       # story stage on vs off
//! cargo bench --bench pipeline -- --test           # run each benchmark once
//! ```

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use rayon::prelude::*;
use reprint::report::Counts;
use reprint::stages::Shingler;
use reprint::stages::{shared_fingerprint_pairs, OverlapParams};
use reprint::stages::{FingerprintScratch, Winnower};
use reprint::synthetic::{generate, generate_reuse, CorpusSpec, ReuseSpec};
use reprint::{Config, Document, Entry, Report};

/// A named corpus with the ids its documents get.
struct Corpus {
    name: &'static str,
    ids: Vec<String>,
    texts: Vec<String>,
}

impl Corpus {
    /// A generated corpus, its documents named `doc-0000`, `doc-0001`, ...
    fn numbered(name: &'static str, texts: Vec<String>) -> Self {
        Corpus {
            name,
            ids: (0..texts.len()).map(|i| format!("doc-{i:04}")).collect(),
            texts,
        }
    }

    fn bytes(&self) -> u64 {
        self.texts.iter().map(|t| t.len() as u64).sum()
    }

    /// Fresh documents for one run (`run` consumes them).
    fn documents(&self) -> Vec<Document> {
        self.ids
            .iter()
            .zip(&self.texts)
            .map(|(id, text)| Document::new(id.clone(), text.clone()))
            .collect()
    }
}

fn synthetic() -> Corpus {
    let spec = CorpusSpec {
        documents: 2000,
        mean_words: 600,
        ..Default::default()
    };
    let texts = generate(&spec).texts;
    Corpus::numbered("synthetic", texts)
}

fn reuse() -> Corpus {
    let spec = ReuseSpec {
        documents: 3000,
        mean_words: 600,
        ..Default::default()
    };
    let texts = generate_reuse(&spec).texts;
    Corpus::numbered("overlap-reuse", texts)
}

fn seeds() -> Corpus {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("seeds/ is part of the crate")
        .map(|entry| entry.expect("seeds/ is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .txt files in {dir}");
    Corpus {
        name: "seeds",
        ids: paths
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect(),
        texts: paths
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("seed files are UTF-8 text"))
            .collect(),
    }
}

/// Benchmarks one corpus at 1 thread and at all cores; `check` asserts on each
/// report inside the timed routine.
fn bench_corpus(c: &mut Criterion, corpus: &Corpus, check: impl Fn(&Report)) {
    let mut group = c.benchmark_group(corpus.name);
    // A synthetic run takes hundreds of milliseconds: flat sampling keeps the
    // number of runs at the sample size.
    group.sampling_mode(SamplingMode::Flat);
    let documents = corpus.texts.len() as u64;
    for (label, threads) in [("threads-1", 1), ("threads-all", 0)] {
        let config = Config {
            threads,
            ..Config::default()
        };
        for (unit, throughput) in [
            ("bytes", Throughput::Bytes(corpus.bytes())),
            ("docs", Throughput::Elements(documents)),
        ] {
            group.throughput(throughput);
            group.bench_function(format!("{label}/{unit}"), |b| {
                b.iter_batched(
                    || corpus.documents(),
                    |docs| {
                        let entries = docs.into_iter().map(|doc| Ok(Entry::Document(doc)));
                        let scan =
                            reprint::run(&config, entries).expect("the default config is valid");
                        assert_eq!(scan.report.counts.documents_scanned, corpus.texts.len());
                        check(&scan.report);
                        scan
                    },
                    BatchSize::LargeInput,
                );
            });
        }
    }
    group.finish();
}

fn bench_synthetic(c: &mut Criterion) {
    bench_corpus(c, &synthetic(), |report| {
        assert!(
            report.counts.verified_pairs > 0,
            "planted near-duplicates are found"
        );
    });
}

fn bench_seeds(c: &mut Criterion) {
    // The seeds are five distinct articles: the scan's work is reading,
    // sketching and the exhaustive near-miss comparison of small corpora.
    bench_corpus(c, &seeds(), |_| {});
}

/// The cost of the overlap stage: the same scan with it on and off, at all
/// cores, on the planted-reuse corpus (`overlap-reuse`) and on the
/// near-duplicate corpus (`overlap-dups`, no planted partial reuse). Without
/// the stage the planted reuse goes unreported (its Jaccard is far below the
/// threshold), which the checks confirm. `candidates` is the candidate stage
/// alone, as the scan runs it: winnowing every document's words (cut
/// beforehand, as the scan cuts them once for both stages) and the inverted
/// index, without verifying or aligning what it finds.
fn bench_overlap(c: &mut Criterion) {
    let mut dups = synthetic();
    dups.name = "overlap-dups";
    bench_overlap_on(c, &reuse(), 500);
    bench_overlap_on(c, &dups, 0);
}

/// The overlap benchmarks of one corpus; with the stage on, more than
/// `min_reuse` pairs must be graded partial reuse.
fn bench_overlap_on(c: &mut Criterion, corpus: &Corpus, min_reuse: usize) {
    let mut group = c.benchmark_group(corpus.name);
    let config = Config::default();
    let shingler = Shingler::new(config.shingle, config.seed);
    let winnower = Winnower::for_min_passage(config.align.min_passage_words).with_seed(config.seed);
    let words: Vec<Vec<u64>> = corpus
        .texts
        .iter()
        .map(|text| shingler.tokens(text).iter().map(|t| t.hash).collect())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .expect("a default thread pool starts");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(corpus.bytes()));
    bench_on_off(
        &mut group,
        corpus,
        |config, enabled| config.overlap.enabled = enabled,
        |counts, enabled| {
            assert_eq!(counts.documents_scanned, corpus.texts.len());
            assert!(counts.verified_pairs > 0 || min_reuse > 0);
            if enabled {
                assert!(counts.partial_reuse_pairs > min_reuse, "reuse is found");
            } else {
                assert_eq!(counts.overlap_candidates, 0);
            }
        },
    );
    group.bench_function("candidates", |b| {
        b.iter(|| {
            let found = pool.install(|| {
                let fingerprints: Vec<Vec<u64>> = words
                    .par_iter()
                    .map_init(FingerprintScratch::default, |scratch, words| {
                        let mut selected = Vec::new();
                        winnower.fingerprints_into(words, scratch, &mut selected);
                        selected.iter().map(|f| f.hash).collect()
                    })
                    .collect();
                shared_fingerprint_pairs(&fingerprints, OverlapParams::default(), None)
                    .expect("an index in memory writes no file")
            });
            assert!(
                found.pairs().len() > min_reuse,
                "shared text makes candidates"
            );
            found
        });
    });
    group.finish();
}

/// The cost of the story stage: the same scan with it on (the default) and
/// off, at all cores, on the near-duplicate corpus (`story-dups`). Its issue
/// asks the stage to add at most 50% to a scan; the two medians side by side
/// give the ratio. The checks confirm the stage ran, and that the pairs other
/// stages grade are there either way.
fn bench_story(c: &mut Criterion) {
    let corpus = synthetic();
    let mut group = c.benchmark_group("story-dups");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(corpus.bytes()));
    bench_on_off(
        &mut group,
        &corpus,
        |config, enabled| config.story.enabled = enabled,
        |counts, enabled| {
            assert!(
                counts.verified_pairs > 0,
                "planted near-duplicates are found"
            );
            assert_eq!(counts.story_candidates > 0, enabled);
        },
    );
    group.finish();
}

/// Benchmarks the whole scan of `corpus` at all cores with one stage on
/// (`set_stage(config, true)`) and off, checking each report's counts.
fn bench_on_off(
    group: &mut BenchmarkGroup<'_, WallTime>,
    corpus: &Corpus,
    set_stage: impl Fn(&mut Config, bool),
    check: impl Fn(&Counts, bool),
) {
    for (label, enabled) in [("on", true), ("off", false)] {
        let mut config = Config {
            threads: 0,
            ..Config::default()
        };
        set_stage(&mut config, enabled);
        group.bench_function(label, |b| {
            b.iter_batched(
                || corpus.documents(),
                |docs| {
                    let entries = docs.into_iter().map(|doc| Ok(Entry::Document(doc)));
                    let scan = reprint::run(&config, entries).expect("the config is valid");
                    check(&scan.report.counts, enabled);
                    scan
                },
                BatchSize::LargeInput,
            );
        });
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = pipeline;
    config = config();
    targets = bench_synthetic, bench_seeds, bench_overlap, bench_story
}
criterion_main!(pipeline);

//! Per-stage benchmarks: one criterion group per pipeline stage, in pipeline
//! order (normalize, shingle, sketch, article, lsh, spill, verify, align,
//! cluster). `article` is a document's whole sketch, as a scan reads it and
//! an index adds it: signature and band keys, winnowed fingerprints,
//! templates and story terms.
//!
//! Input: a seeded synthetic corpus (2,000 documents, mean 600 words, with planted
//! near-duplicates so that LSH, verification and alignment have real work) and,
//! for the per-document stages, the five articles in `seeds/`. Each stage runs on
//! inputs precomputed by the stages before it, outside the timed loop.
//!
//! Every stage reports `Throughput::Bytes` of the *whole* corpus text, so the
//! bytes/s of different stages compare directly (a stage at half the rate costs
//! twice as much per corpus). A second benchmark of the same work reports
//! elements: documents for per-document stages, LSH and clustering; candidate
//! pairs for verify and verified pairs for align. Stages that use rayon (lsh,
//! verify) run on a one-thread pool, so all stage costs are per core and add up to
//! roughly the one-thread run in `benches/pipeline.rs`.
//!
//! Each timed closure asserts a sanity result (non-empty shingle sets, candidates
//! found, pairs verified, ...) so a broken stage cannot benchmark as fast.
//!
//! Run with:
//!
//! ```text
//! cargo bench --bench stages                  # all stages
//! cargo bench --bench stages -- sketch        # one stage (a name filter)
//! cargo bench --bench stages -- --quick       # shorter, rougher
//! cargo bench --bench stages -- --test        # run each benchmark once
//! ```

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use reprint::config::Keep;
use reprint::stages::cluster;
use reprint::stages::for_each_word;
use reprint::stages::verify;
use reprint::stages::ArticleSketcher;
use reprint::stages::CandidatePair;
use reprint::stages::Rules;
use reprint::stages::{align, align_by_runs, align_from, AlignText, Runs};
use reprint::stages::{band_keys, banded_pairs, banded_pairs_of_store, LshParams};
use reprint::stages::{MinHasher, Signature};
use reprint::stages::{Partitioned, PARTITIONS};
use reprint::stages::{Scratch, ShingleSet, Shingler};
use reprint::synthetic::{generate, CorpusSpec};
use reprint::Config;
use reprint::DocId;

/// Threshold and signature length the corpus-level stages are measured at.
const THRESHOLD: f64 = 0.5;
const NUM_PERM: usize = 128;

/// A named list of texts and their total size.
struct Corpus {
    name: &'static str,
    texts: Vec<String>,
    bytes: u64,
}

impl Corpus {
    fn new(name: &'static str, texts: Vec<String>) -> Self {
        let bytes = texts.iter().map(|t| t.len() as u64).sum();
        Corpus { name, texts, bytes }
    }

    fn documents(&self) -> u64 {
        self.texts.len() as u64
    }
}

fn synthetic() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let spec = CorpusSpec {
            documents: 2000,
            mean_words: 600,
            ..Default::default()
        };
        Corpus::new("synthetic", generate(&spec).texts)
    })
}

fn seeds() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("seeds/ is part of the crate")
            .map(|entry| entry.expect("seeds/ is readable").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "no .txt files in {dir}");
        let texts = paths
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("seed files are UTF-8 text"))
            .collect();
        Corpus::new("seeds", texts)
    })
}

/// The synthetic corpus carried through every stage once, untimed: each stage's
/// benchmark starts from the previous stage's output.
struct Prepared {
    shingler: Shingler,
    hasher: MinHasher,
    sets: Vec<ShingleSet>,
    signatures: Vec<Signature>,
    lsh: LshParams,
    candidates: Vec<CandidatePair>,
    /// `Some` for every document, as `verify` expects.
    shingles: Vec<Option<ShingleSet>>,
    verified: Vec<CandidatePair>,
    /// `Some` for the documents in a verified pair, as the pipeline prepares them.
    aligned: Vec<Option<AlignText<'static>>>,
    char_lengths: Vec<usize>,
}

fn prepared() -> &'static Prepared {
    static PREPARED: OnceLock<Prepared> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let corpus = synthetic();
        let config = Config::default();
        let shingler = Shingler::new(config.shingle, config.seed);
        let hasher = MinHasher::new(config.shingle, NUM_PERM, config.seed);
        let mut scratch = Scratch::default();
        let sets: Vec<ShingleSet> = corpus
            .texts
            .iter()
            .map(|text| shingler.shingle_set(text, &mut scratch))
            .collect();
        assert!(
            sets.iter().all(|set| !set.is_empty()),
            "every synthetic document has words"
        );
        let signatures: Vec<Signature> = sets.iter().map(|set| hasher.sketch(set)).collect();
        let lsh = LshParams::optimal(THRESHOLD, NUM_PERM);
        let candidates = banded_pairs(&signatures, lsh, &|_| true).pairs;
        let shingles: Vec<Option<ShingleSet>> = sets.iter().cloned().map(Some).collect();
        let verdicts = verify(&candidates, &shingles, &signatures, THRESHOLD);
        let verified: Vec<CandidatePair> = verdicts.passed.iter().map(|p| p.pair).collect();
        assert!(
            !verified.is_empty(),
            "the synthetic corpus plants near-duplicates"
        );
        let mut aligned: Vec<Option<AlignText<'static>>> = vec![None; corpus.texts.len()];
        for id in verified.iter().flat_map(|p| [p.a, p.b]) {
            aligned[id.index()]
                .get_or_insert_with(|| AlignText::new(&corpus.texts[id.index()], &shingler));
        }
        let char_lengths = corpus.texts.iter().map(|t| t.chars().count()).collect();
        Prepared {
            shingler,
            hasher,
            sets,
            signatures,
            lsh,
            candidates,
            shingles,
            verified,
            aligned,
            char_lengths,
        }
    })
}

/// A pool of one thread for the stages that use rayon internally.
fn one_thread() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread pool starts")
    })
}

/// Benchmarks `routine` as `{input}/bytes` and, when `per` is given, again as
/// `{input}/{unit}`: criterion keeps one throughput per benchmark, so reporting
/// both bytes/s and elements/s takes two runs of the same work.
fn rates<O>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    input: &str,
    bytes: u64,
    per: Option<(&str, u64)>,
    mut routine: impl FnMut() -> O,
) {
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(format!("{input}/bytes"), |b| b.iter(&mut routine));
    if let Some((unit, count)) = per {
        group.throughput(Throughput::Elements(count));
        group.bench_function(format!("{input}/{unit}"), |b| b.iter(&mut routine));
    }
}

/// The per-document stages run on both inputs: elements/s for the synthetic
/// corpus, bytes/s only for the five seeds (real text, with typographic
/// quotes and dashes, where a documents/s figure over five texts says little).
fn per_document_inputs() -> [(&'static Corpus, Option<(&'static str, u64)>); 2] {
    let synthetic = synthetic();
    [
        (synthetic, Some(("docs", synthetic.documents()))),
        (seeds(), None),
    ]
}

fn bench_normalize(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize");
    for (corpus, per) in per_document_inputs() {
        rates(&mut group, corpus.name, corpus.bytes, per, || {
            let mut word_bytes = 0;
            for text in &corpus.texts {
                for_each_word(black_box(text), |word, _| word_bytes += word.len());
            }
            // Words are most of a news text's bytes: spaces and punctuation
            // never make up half of it.
            assert!(word_bytes as u64 > corpus.bytes / 2, "{word_bytes} bytes");
            word_bytes
        });
    }
    group.finish();
}

fn bench_shingle(c: &mut Criterion) {
    let shingler = prepared().shingler;
    let mut group = c.benchmark_group("shingle");
    for (corpus, per) in per_document_inputs() {
        let mut scratch = Scratch::default();
        rates(&mut group, corpus.name, corpus.bytes, per, || {
            let mut shingles = 0;
            for text in &corpus.texts {
                let set = shingler.shingle_set(black_box(text), &mut scratch);
                assert!(!set.is_empty(), "every benchmark document has words");
                shingles += set.len();
            }
            shingles
        });
    }
    group.finish();
}

fn bench_sketch(c: &mut Criterion) {
    let prepared = prepared();
    let seed_sets: Vec<ShingleSet> = {
        let mut scratch = Scratch::default();
        seeds()
            .texts
            .iter()
            .map(|text| prepared.shingler.shingle_set(text, &mut scratch))
            .collect()
    };
    let [(synthetic, synthetic_per), (seed_corpus, seed_per)] = per_document_inputs();
    let mut group = c.benchmark_group("sketch");
    for (corpus, per, sets) in [
        (synthetic, synthetic_per, &prepared.sets),
        (seed_corpus, seed_per, &seed_sets),
    ] {
        rates(&mut group, corpus.name, corpus.bytes, per, || {
            let mut checksum = 0u64;
            for set in sets {
                let signature = prepared.hasher.sketch(black_box(set));
                let first = signature.mins()[0];
                assert_ne!(first, u32::MAX, "a non-empty set has a minimum");
                checksum = checksum.wrapping_add(u64::from(first));
            }
            checksum
        });
    }
    group.finish();
}

fn bench_article(c: &mut Criterion) {
    let sketcher =
        ArticleSketcher::new(&Config::default()).expect("the default settings are valid");
    let mut group = c.benchmark_group("article");
    for (corpus, per) in per_document_inputs() {
        rates(&mut group, corpus.name, corpus.bytes, per, || {
            let mut fingerprints = 0;
            for text in &corpus.texts {
                let sketch = sketcher
                    .sketch(black_box(text))
                    .expect("every text has words");
                fingerprints += sketch.fingerprints.len();
            }
            assert!(
                fingerprints > corpus.texts.len(),
                "fingerprints were chosen"
            );
            fingerprints
        });
    }
    group.finish();
}

fn bench_lsh(c: &mut Criterion) {
    let (corpus, prepared) = (synthetic(), prepared());
    let mut group = c.benchmark_group("lsh");
    let per = Some(("docs", corpus.documents()));
    rates(&mut group, corpus.name, corpus.bytes, per, || {
        let found = one_thread()
            .install(|| banded_pairs(black_box(&prepared.signatures), prepared.lsh, &|_| true));
        assert!(
            !found.pairs.is_empty(),
            "planted near-duplicates become candidates"
        );
        found.pairs.len()
    });
    // As a scan runs it: keys stored with their documents' numbers in a store
    // that spills every 2,000 or so (a scan's budget is up to 16 MB), then
    // bucketed partition by partition.
    let spilled = format!("{}-spilled-store", corpus.name);
    rates(&mut group, &spilled, corpus.bytes, per, || {
        let found = one_thread().install(|| {
            let mut store = Partitioned::new("band keys", 24 << 10);
            for (signature, doc) in black_box(&prepared.signatures).iter().zip(0u32..) {
                store
                    .extend(band_keys(signature, prepared.lsh).map(|key| (key, doc)))
                    .expect("TMPDIR takes the spill");
            }
            assert!(store.spilled_bytes() > 0, "the store spills");
            banded_pairs_of_store(store, &|doc| Some(DocId(doc)), 1 << 20)
                .expect("the spill reads back")
        });
        assert!(!found.pairs.is_empty());
        found.pairs.len()
    });
    group.finish();
}

/// The partitioned store alone: a million (hash, document) records pushed and
/// read back, held in memory or spilled past a 1 MB budget (read back through
/// read-ahead windows).
fn bench_spill(c: &mut Criterion) {
    const RECORDS: u64 = 1_000_000;
    let mut group = c.benchmark_group("spill");
    group.throughput(Throughput::Elements(RECORDS));
    for (name, budget) in [("in-memory", usize::MAX), ("spilled-1MB", 1 << 20)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut store = Partitioned::new("records", budget);
                // SplitMix64-style keys: uniform, as fingerprint hashes are.
                let records = (0..RECORDS).map(|i| {
                    let key = (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    (key ^ (key >> 29), i as u32)
                });
                store.extend(records).expect("TMPDIR takes the spill");
                let (mut read, mut partitions) = (0u64, 0);
                store
                    .for_each_partition(|records| {
                        read += records.len() as u64;
                        partitions += 1;
                        Ok(())
                    })
                    .expect("the spill reads back");
                assert_eq!((read, partitions), (RECORDS, PARTITIONS));
                read
            })
        });
    }
    group.finish();
}

fn bench_verify(c: &mut Criterion) {
    let (corpus, prepared) = (synthetic(), prepared());
    let mut group = c.benchmark_group("verify");
    let per = Some(("pairs", prepared.candidates.len() as u64));
    rates(&mut group, corpus.name, corpus.bytes, per, || {
        let verdicts = one_thread().install(|| {
            verify(
                black_box(&prepared.candidates),
                &prepared.shingles,
                &prepared.signatures,
                THRESHOLD,
            )
        });
        assert!(!verdicts.passed.is_empty(), "some candidates pass");
        verdicts.passed.len()
    });
    group.finish();
}

fn bench_align(c: &mut Criterion) {
    let (corpus, prepared) = (synthetic(), prepared());
    let config = Config::default().align;
    let prepared_of = |id: DocId| {
        prepared.aligned[id.index()]
            .as_ref()
            .expect("every document in a verified pair is prepared")
    };
    let mut group = c.benchmark_group("align");
    let per = Some(("pairs", prepared.verified.len() as u64));
    rates(&mut group, corpus.name, corpus.bytes, per, || {
        let mut passages = 0;
        for pair in black_box(&prepared.verified) {
            passages += align(prepared_of(pair.a), prepared_of(pair.b), &config)
                .passages
                .len();
        }
        assert!(passages > 0, "verified near-duplicates share passages");
        passages
    });
    // As a scan aligns: runs first; a pair whose runs cover most of both
    // texts takes its passage from them (the near-duplicate fast path).
    let rules = Rules::new(&Config::default());
    let runs_first = format!("{}-runs-first", corpus.name);
    rates(&mut group, &runs_first, corpus.bytes, per, || {
        let mut passages = 0;
        for pair in black_box(&prepared.verified) {
            let (a, b) = (prepared_of(pair.a), prepared_of(pair.b));
            let runs = Runs::find(a, b, &config);
            let by_runs = rules
                .passages_from_runs(runs.verbatim_words(), (a.len(), b.len()))
                .then(|| align_by_runs(a, b, &config, &runs))
                .flatten();
            let alignment = by_runs.unwrap_or_else(|| align_from(a, b, &config, runs));
            passages += alignment.passages.len();
        }
        assert!(passages > 0, "verified near-duplicates share passages");
        passages
    });
    group.finish();
}

fn bench_cluster(c: &mut Criterion) {
    let (corpus, prepared) = (synthetic(), prepared());
    let mut group = c.benchmark_group("cluster");
    let per = Some(("docs", corpus.documents()));
    rates(&mut group, corpus.name, corpus.bytes, per, || {
        let clusters = cluster(
            corpus.texts.len(),
            black_box(&prepared.verified),
            |d: DocId| prepared.char_lengths[d.index()],
            Keep::First,
        );
        assert!(!clusters.is_empty(), "verified pairs form clusters");
        clusters.len()
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = stages;
    config = config();
    targets = bench_normalize, bench_shingle, bench_sketch, bench_article, bench_lsh, bench_spill,
        bench_verify, bench_align, bench_cluster
}
criterion_main!(stages);

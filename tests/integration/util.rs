//! Helpers shared by the integration tests.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use reprint::synthetic::{generate, generate_reuse, CorpusSpec, ReuseSpec, SyntheticCorpus};
use reprint::{Document, Entry};

/// The repository's seeds folder.
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// Starts the built binary in `dir` with `args`, its output piped.
pub fn spawn(dir: &Path, args: &[&str], stdin: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Runs the built binary in `dir` with `args`, feeding `stdin`.
pub fn reprint_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn(dir, args, Stdio::piped());
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs the binary with no stdin.
pub fn reprint(dir: &Path, args: &[&str]) -> Output {
    reprint_in(dir, args, b"")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A generated corpus as in-memory entries, ids "0", "1", ...
pub fn entries(corpus: &SyntheticCorpus) -> Vec<reprint::Result<Entry>> {
    corpus
        .texts
        .iter()
        .enumerate()
        .map(|(i, t)| Ok(Entry::Document(Document::new(i.to_string(), t.clone()))))
        .collect()
}

/// A small generated corpus with planted copies.
pub fn small_corpus(documents: usize, seed: u64) -> SyntheticCorpus {
    generate(&CorpusSpec {
        documents,
        mean_words: 200,
        seed,
        ..CorpusSpec::default()
    })
}

/// Writes `corpus` as JSON Lines to `path`.
pub fn write_jsonl(path: &Path, corpus: &SyntheticCorpus) {
    let mut out = String::new();
    for (i, text) in corpus.texts.iter().enumerate() {
        out.push_str(
            &serde_json::json!({"id": format!("d{i}"), "text": text, "source": "synthetic"})
                .to_string(),
        );
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The pairs of `report`, each as its JSON value.
pub fn pairs_json(report: &reprint::Report) -> Vec<serde_json::Value> {
    report
        .pairs
        .iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect()
}

/// The JSON report without its `run` object (threads and timings).
pub fn without_run(report: &reprint::Report) -> String {
    let mut value = serde_json::to_value(report).unwrap();
    value.as_object_mut().unwrap().remove("run");
    serde_json::to_string_pretty(&value).unwrap()
}

/// The seed articles as records, ids their file names.
pub fn seed_records() -> Vec<(String, String)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let id = p.file_name().unwrap().to_string_lossy().into_owned();
            (id, std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

/// Text every other generated article ends with: in far more articles than
/// the boilerplate limit, so pairs that share it show it as boilerplate.
const FOOTER: &str = "This article is distributed by the Example Wire Service and may not be \
                      republished without a license from its syndication desk, which answers \
                      requests on working days.";

/// Writes a JSON Lines corpus of near-duplicate copies and of articles with
/// planted passages; returns its path and the planted pairs. Every article
/// starts with accented letters and emoji, so character offsets differ from
/// byte offsets and from the browser's UTF-16 indexes.
pub fn planted_corpus(
    out: &Path,
    copies: usize,
    reuses: usize,
) -> (PathBuf, Vec<(String, String)>) {
    let copies = generate(&CorpusSpec {
        documents: copies,
        mean_words: 200,
        duplicate_share: 0.15,
        max_edit_rate: 0.03,
        seed: 7,
        ..CorpusSpec::default()
    });
    let reuse = generate_reuse(&ReuseSpec {
        documents: reuses,
        mean_words: 300,
        // Not the copies' seed: the generators would draw the same words.
        seed: 8,
        ..ReuseSpec::default()
    });
    let texts = copies
        .texts
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("copy-{i}"), t))
        .chain(
            reuse
                .texts
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("reuse-{i}"), t)),
        );
    let mut lines = String::new();
    for (n, (id, text)) in texts.enumerate() {
        let emoji = ['📰', '🗞', '🌍', '✈'][n % 4];
        let footer = if n % 2 == 0 { FOOTER } else { "" };
        let text = format!("Édition n°{n} {emoji} — {text}\n\n{footer}");
        writeln!(lines, "{}", serde_json::json!({ "id": id, "text": text })).unwrap();
    }
    let path = out.join("generated.jsonl");
    std::fs::write(&path, lines).unwrap();
    let planted = copies
        .planted
        .iter()
        .map(|&(copy, source)| (format!("copy-{copy}"), format!("copy-{source}")))
        .chain(
            reuse
                .passages
                .iter()
                .map(|p| (format!("reuse-{}", p.source), format!("reuse-{}", p.target))),
        )
        .collect();
    (path, planted)
}

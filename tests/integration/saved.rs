//! `reprint report`: a saved report (a JSON report, or a folder of parts as
//! the Spark job writes) written again gives what the scan wrote.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{planted_corpus, reprint, stderr};

/// The JSON report at `path` split into a folder of parts: `report.json`
/// without the lists, each list in two part files beside Spark's own files.
fn split_into_parts(path: &Path, folder: &Path) {
    let mut report: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    for list in ["pairs", "clusters", "story_clusters", "skipped"] {
        let items = report[list].as_array().unwrap().clone();
        report[list] = Value::Array(Vec::new());
        let dir = folder.join(list);
        fs::create_dir_all(&dir).unwrap();
        let half = items.len() / 2;
        for (name, part) in [
            ("part-00000.json", &items[..half]),
            ("part-00001.json", &items[half..]),
        ] {
            let lines: String = part.iter().map(|item| format!("{item}\n")).collect();
            fs::write(dir.join(name), lines).unwrap();
        }
        fs::write(dir.join("_SUCCESS"), "").unwrap();
        fs::write(dir.join(".part-00000.json.crc"), "not a part").unwrap();
    }
    let header = serde_json::to_string_pretty(&report).unwrap();
    fs::write(folder.join("report.json"), header).unwrap();
}

#[test]
fn a_saved_report_written_again_is_what_the_scan_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = planted_corpus(dir.path(), 150, 60);
    let corpus = corpus.to_str().unwrap();
    let scan = reprint(
        dir.path(),
        &[
            "scan",
            corpus,
            "--json",
            "scan.json",
            "--html",
            "scan.html",
            "--csv",
            "scan.csv",
            "-q",
        ],
    );
    assert!(scan.status.success(), "{}", stderr(&scan));
    let report: Value =
        serde_json::from_slice(&fs::read(dir.path().join("scan.json")).unwrap()).unwrap();
    assert!(report["pairs"].as_array().unwrap().len() > 20);
    assert!(report["clusters"].as_array().unwrap().len() > 2);

    split_into_parts(&dir.path().join("scan.json"), &dir.path().join("parts"));
    for (saved, out) in [("scan.json", "again"), ("parts", "parts")] {
        let html = format!("{out}.html");
        let csv = format!("{out}.csv");
        let json = format!("{out}.json");
        let again = reprint(
            dir.path(),
            &[
                "report", saved, corpus, "--html", &html, "--csv", &csv, "--json", &json, "-q",
            ],
        );
        assert!(again.status.success(), "{saved}: {}", stderr(&again));
        for (written, original) in [
            (&html, "scan.html"),
            (&csv, "scan.csv"),
            (&json, "scan.json"),
        ] {
            assert!(
                fs::read(dir.path().join(written)).unwrap()
                    == fs::read(dir.path().join(original)).unwrap(),
                "{saved}: {written} differs from {original}"
            );
        }
    }
}

#[test]
fn a_saved_report_that_does_not_fit_its_corpus_or_format_is_refused_with_where() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = planted_corpus(dir.path(), 60, 20);
    let corpus = corpus.to_str().unwrap();
    let scan = reprint(dir.path(), &["scan", corpus, "--json", "scan.json", "-q"]);
    assert!(scan.status.success(), "{}", stderr(&scan));

    // A corpus without the documents the report names.
    fs::write(
        dir.path().join("other.jsonl"),
        "{\"id\": \"x\", \"text\": \"Another text.\"}\n",
    )
    .unwrap();
    let out = reprint(
        dir.path(),
        &["report", "scan.json", "other.jsonl", "--html", "r.html"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the corpus does not hold"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("r.html").exists(), "no half-written page");

    // A malformed line in a part is named by file and line.
    split_into_parts(&dir.path().join("scan.json"), &dir.path().join("parts"));
    let part = dir.path().join("parts/pairs/part-00001.json");
    let mut lines = fs::read_to_string(&part).unwrap();
    lines.push_str("{\"a\": \"d1\"}\n");
    let bad_line = lines.lines().count();
    fs::write(&part, lines).unwrap();
    let out = reprint(dir.path(), &["report", "parts", corpus, "--json", "r.json"]);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!("part-00001.json, line {bad_line}: missing field");
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));

    // A report of another format version.
    let mut report: Value =
        serde_json::from_slice(&fs::read(dir.path().join("scan.json")).unwrap()).unwrap();
    report["format_version"] = Value::from(1);
    fs::write(dir.path().join("old.json"), report.to_string()).unwrap();
    let out = reprint(
        dir.path(),
        &["report", "old.json", corpus, "--json", "r.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a report of format version 1"),
        "{}",
        stderr(&out)
    );

    // A header without a part of the report says which, once.
    let mut report: Value =
        serde_json::from_slice(&fs::read(dir.path().join("scan.json")).unwrap()).unwrap();
    report.as_object_mut().unwrap().remove("near_misses");
    fs::write(dir.path().join("partial.json"), report.to_string()).unwrap();
    let out = reprint(
        dir.path(),
        &["report", "partial.json", corpus, "--json", "r.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("partial.json: not a reprint JSON report: missing field `near_misses`"),
        "{message}"
    );
    assert_eq!(message.matches("missing field").count(), 1, "{message}");
}

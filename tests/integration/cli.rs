//! The binary as a user runs it: every bad input gets a clear message and the
//! right exit code, and nothing is dropped without being listed.

use std::fs;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::util::{reprint, reprint_in, seeds_dir, small_corpus, stderr, stdout, write_jsonl};

fn temp() -> TempDir {
    tempfile::tempdir().unwrap()
}

/// Runs `scan` with `--json -` and returns the parsed report.
fn scan_json(dir: &TempDir, args: &[&str]) -> Value {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "-"]);
    let out = reprint(dir.path(), &all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scan_of_seeds_shows_one_story_of_rewrites_and_no_near_duplicates() {
    let out = reprint(seeds_dir().parent().unwrap(), &["scan", "seeds"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "Documents: 6 read, 5 scanned, 1 skipped",
        "skipped seeds/README.md: README file",
        "bands x",
        "0 duplicate, 0 near-duplicate, 0 partial reuse, 10 rewrite",
        "Story clusters: 1\n  5 documents",
        "shared names: Zelensky",
        "\"diametrically opposed\"",
        "50 days",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert_eq!(text.matches("[rewrite (same story)]").count(), 10, "{text}");
}

#[test]
fn scan_of_seeds_without_the_story_stage_explains_that_nothing_is_a_near_duplicate() {
    let out = reprint(
        seeds_dir().parent().unwrap(),
        &["scan", "seeds", "--no-story"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "No pair reaches Jaccard 0.50",
        "Closest pairs",
        "written independently",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("Story clusters"), "{text}");
}

#[test]
fn scan_lists_found_pairs_with_passages_and_writes_json() {
    let dir = temp();
    write_jsonl(&dir.path().join("docs.jsonl"), &small_corpus(300, 5));
    let out = reprint(dir.path(), &["scan", "docs.jsonl", "--json", "report.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Pairs:")
            && text.contains("[near-duplicate]")
            && text.contains("reused passage"),
        "{text}"
    );
    assert!(text.contains("Full report: report.json"));
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert!(report["counts"]["verified_pairs"].as_u64().unwrap() > 0);
}

#[test]
fn csv_and_json_lines_hold_the_pairs_of_the_json_report() {
    let dir = temp();
    write_jsonl(&dir.path().join("docs.jsonl"), &small_corpus(300, 5));
    let args = ["scan", "docs.jsonl", "-q", "--json", "r.json"];
    let out = reprint(
        dir.path(),
        &[&args[..], &["--csv", "pairs.csv", "--jsonl", "pairs.jsonl"]].concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    let report: Value = serde_json::from_str(&read("r.json")).unwrap();
    let pairs = report["pairs"].as_array().unwrap();
    assert!(pairs.len() > 10);
    let csv = read("pairs.csv");
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().starts_with("a,b,verdict,jaccard,"));
    let lines: Vec<Value> = read("pairs.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), pairs.len());
    for ((row, line), pair) in rows.zip(&lines).zip(pairs) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(
            cells[..3],
            [
                pair["a"].as_str().unwrap(),
                pair["b"].as_str().unwrap(),
                pair["verdict"].as_str().unwrap()
            ]
        );
        assert_eq!(line["a"], pair["a"]);
        assert_eq!(line["verdict"], pair["verdict"]);
        assert_eq!(
            line["passages"].as_array().unwrap().len(),
            pair["passages"].as_array().unwrap().len()
        );
    }
    // To stdout, CSV replaces the summary; two formats cannot share it.
    let out = reprint(dir.path(), &["scan", "docs.jsonl", "--csv", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), csv);
    for second in ["--jsonl", "--html"] {
        let out = reprint(
            dir.path(),
            &["scan", "docs.jsonl", "--csv", "-", second, "-"],
        );
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(&format!(
                "--csv and {second} each ask for stdout (-), but only one output can write there"
            )),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn invalid_utf8_file_is_skipped_and_listed() {
    let dir = temp();
    fs::write(dir.path().join("good.txt"), "some words here").unwrap();
    fs::write(dir.path().join("bad.txt"), b"caf\xe9 au lait").unwrap();
    let report = scan_json(&dir, &["."]);
    assert_eq!(report["counts"]["documents_scanned"], 1);
    assert_eq!(report["skipped"][0]["id"], "bad.txt");
    assert_eq!(
        report["skipped"][0]["reason"],
        "not valid UTF-8 (first bad byte at offset 3)"
    );
}

#[test]
fn empty_and_wordless_files_are_skipped_with_reasons() {
    let dir = temp();
    fs::write(dir.path().join("a.txt"), "").unwrap();
    fs::write(dir.path().join("b.txt"), " -- !! ").unwrap();
    let report = scan_json(&dir, &["."]);
    let reasons: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["empty text", "no words (only punctuation or symbols)"]
    );
    assert_eq!(report["counts"]["documents_read"], 2);
}

#[test]
fn malformed_json_line_names_file_and_line() {
    let dir = temp();
    fs::write(
        dir.path().join("docs.jsonl"),
        "{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": \n",
    )
    .unwrap();
    let out = reprint(dir.path(), &["scan", "docs.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("docs.jsonl, line 2: malformed JSON"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn skip_bad_lines_continues_and_counts_them() {
    let dir = temp();
    let lines = "{\"id\": 1, \"text\": \"first text\"}\nnot json\n[1]\n{\"id\": 4, \"text\": \"last text\"}\n";
    fs::write(dir.path().join("docs.jsonl"), lines).unwrap();
    let report = scan_json(&dir, &["docs.jsonl", "--skip-bad-lines"]);
    assert_eq!(report["counts"]["documents_scanned"], 2);
    assert_eq!(report["counts"]["documents_skipped"], 2);
    let locations: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["location"].as_str().unwrap())
        .collect();
    assert_eq!(locations, ["docs.jsonl, line 2", "docs.jsonl, line 3"]);
}

#[test]
fn missing_text_field_is_named_and_can_be_chosen() {
    let dir = temp();
    fs::write(
        dir.path().join("docs.jsonl"),
        "{\"id\": \"a\", \"body\": \"hello there\"}\n",
    )
    .unwrap();
    let out = reprint(dir.path(), &["scan", "docs.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 1: no text field \"text\" (fields present: body"),
        "{}",
        stderr(&out)
    );
    let report = scan_json(&dir, &["docs.jsonl", "--text-field", "body"]);
    assert_eq!(report["counts"]["documents_scanned"], 1);
}

#[test]
fn invalid_utf8_line_is_a_bad_line() {
    let dir = temp();
    fs::write(
        dir.path().join("docs.jsonl"),
        b"{\"id\": 1, \"text\": \"caf\xe9\"}\n",
    )
    .unwrap();
    let out = reprint(dir.path(), &["scan", "docs.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("docs.jsonl, line 1: not valid UTF-8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn duplicate_ids_stop_the_scan_or_are_listed() {
    let dir = temp();
    let lines = "{\"id\": \"x\", \"text\": \"one\"}\n{\"id\": \"y\", \"text\": \"two\"}\n{\"id\": \"x\", \"text\": \"three\"}\n";
    fs::write(dir.path().join("docs.jsonl"), lines).unwrap();
    let out = reprint(dir.path(), &["scan", "docs.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "docs.jsonl, line 3: duplicate document id \"x\" (first seen at docs.jsonl, line 1)"
        ),
        "{err}"
    );
    let report = scan_json(&dir, &["docs.jsonl", "--skip-bad-lines"]);
    assert_eq!(report["counts"]["documents_scanned"], 2);
    assert_eq!(report["skipped"][0]["id"], "x");
}

#[test]
fn missing_path_is_a_clear_error() {
    let dir = temp();
    let out = reprint(dir.path(), &["scan", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "reprint: error: no/such/folder: no such file or folder"
    );
}

#[test]
fn empty_corpus_says_so_and_succeeds() {
    let dir = temp();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let out = reprint(dir.path(), &["scan", "empty"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("Nothing to compare"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("no documents to scan in empty (0 read, 0 skipped)"),
        "{}",
        stderr(&out)
    );
    let report = scan_json(&dir, &["-"]);
    assert_eq!(report["counts"]["documents_read"], 0);
}

#[test]
fn stdin_and_gzip_give_the_same_report_as_a_plain_file() {
    let dir = temp();
    let path = dir.path().join("docs.jsonl");
    write_jsonl(&path, &small_corpus(120, 8));
    let bytes = fs::read(&path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    fs::write(dir.path().join("docs.jsonl.gz"), gz.finish().unwrap()).unwrap();

    let pairs = |v: &Value| v["pairs"].clone();
    let plain = scan_json(&dir, &["docs.jsonl"]);
    let zipped = scan_json(&dir, &["docs.jsonl.gz"]);
    let out = reprint_in(dir.path(), &["scan", "-", "--json", "-"], &bytes);
    let piped: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!pairs(&plain).as_array().unwrap().is_empty());
    assert_eq!(pairs(&plain), pairs(&zipped));
    assert_eq!(pairs(&plain), pairs(&piped));
}

#[test]
fn dedup_keeps_one_per_cluster_with_metadata() {
    let dir = temp();
    let text = "The council approved the new budget after a long debate on Tuesday night in the city hall.";
    let lines = [
        serde_json::json!({"id": "a", "text": text, "outlet": "Wire"}),
        serde_json::json!({"id": "b", "text": format!("{text} More soon."), "outlet": "Daily"}),
        serde_json::json!({"id": "c", "text": "A completely different story about the weather this weekend in the hills.", "outlet": "Post"}),
    ];
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fs::write(dir.path().join("docs.jsonl"), input).unwrap();
    let out = reprint(
        dir.path(),
        &[
            "dedup",
            "docs.jsonl",
            "--keep",
            "longest",
            "--output",
            "kept.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("kept 2 of 3 documents: removed 1 duplicates in 1 clusters"),
        "{}",
        stderr(&out)
    );
    let kept: Vec<Value> = fs::read_to_string(dir.path().join("kept.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = kept.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["b", "c"], "--keep longest keeps b, the longer copy");
    assert_eq!(kept[0]["outlet"], "Daily");
}

#[test]
fn compare_prints_scores_and_passages() {
    let dir = temp();
    let shared =
        "Prices of staple foods rose for the fourth month in a row, the statistics office said";
    fs::write(
        dir.path().join("a.txt"),
        format!("Opening line. {shared}. Closing."),
    )
    .unwrap();
    fs::write(
        dir.path().join("b.txt"),
        format!("{shared}, adding that fuel was cheaper."),
    )
    .unwrap();
    let out = reprint(dir.path(), &["compare", "a.txt", "b.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Shared passages of at least 8 words (gaps up to 40 words joined): 1"),
        "{text}"
    );
    // Side by side: both columns start with the shared words.
    assert!(
        text.contains("Prices of staple foods rose for the fourth month | Prices of staple foods rose for the fourth month"),
        "{text}"
    );

    let out = reprint(dir.path(), &["compare", "a.txt", "b.txt", "--json", "-"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["pair"]["passages"][0]["b"]["start_char"], 0);

    fs::write(dir.path().join("empty.txt"), "").unwrap();
    let out = reprint(dir.path(), &["compare", "a.txt", "empty.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("empty.txt: no words to compare"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn invalid_settings_and_usage_errors_are_reported() {
    let dir = temp();
    // (option, value, exit code: 1 a setting out of range, 2 a usage error, message)
    for (option, value, code, message) in [
        ("--threshold", "1.5", 1, "threshold must be in (0, 1], got 1.5"),
        ("--memory-limit", "1M", 1, "invalid --memory-limit: memory_limit must be 0 (a quarter of the machine's memory) or at least 16 MB, got 1048576"),
        ("--memory-limit", "2X", 2, "unknown unit"),
    ] {
        let out = reprint(dir.path(), &["scan", ".", option, value]);
        assert_eq!(out.status.code(), Some(code), "{option} {value}");
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
    let out = reprint(dir.path(), &["scan"]);
    assert_eq!(out.status.code(), Some(2), "clap usage error");
}

#[test]
fn help_explains_inputs_and_examples() {
    let out = reprint(&seeds_dir(), &["scan", "--help"]);
    let text = stdout(&out);
    for needle in [
        "JSON Lines",
        "--threshold",
        "--skip-bad-lines",
        "reprint scan seeds",
        ".gz",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in --help");
    }
}

/// Two wire-style articles and a later one that reuses two of their paragraphs.
fn reuse_corpus(dir: &TempDir) {
    let para1 = "The central bank raised its main interest rate by half a point on Tuesday, \
                 the largest increase in two decades, and said further rises were likely \
                 if inflation stayed above its target through the winter months.";
    let para2 = "Economists had expected a smaller move. Several said the decision showed \
                 that policymakers were more worried about wages than about the slowing \
                 housing market, which has cooled sharply since the spring.";
    let lines = [
        serde_json::json!({"id": "wire", "published": "2025-03-04T09:00:00Z",
            "text": format!("{para1}\n\n{para2}\n\nMarkets fell after the announcement.")}),
        serde_json::json!({"id": "paper", "published": "2025-03-04 15:30:00",
            "text": format!("Local shoppers reacted with dismay at the news from the capital, \
                according to a survey of high street retailers in the town centre this week.\n\n\
                {para1}\n\n{para2}\n\nThe council meets on Thursday to discuss the budget, \
                and the mayor has promised to protect spending on libraries and parks.\n\n\
                Shop owners on Market Street told reporters that footfall had already \
                dropped since the new parking charges came in, and that higher borrowing \
                costs would make it harder to renew leases when they fall due next year. \
                One baker said she had postponed plans to open a second branch near the \
                station until the outlook was clearer.")}),
        serde_json::json!({"id": "other", "published": "2025-03-05",
            "text": "A local team won the cup final after extra time, with a header from \
                the captain deciding a match that had been goalless for two hours."}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fs::write(dir.path().join("news.jsonl"), text).unwrap();
}

#[test]
fn partial_reuse_is_graded_with_its_likely_source() {
    let dir = temp();
    reuse_corpus(&dir);
    let report = scan_json(&dir, &["news.jsonl", "--time-field", "published"]);
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let pair = &pairs[0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("wire"), Some("paper"))
    );
    assert_eq!(pair["verdict"], "partial_reuse");
    assert!(
        pair["found_by"]
            .as_array()
            .unwrap()
            .contains(&Value::from("overlap")),
        "{pair}"
    );
    assert_eq!(pair["reuse"]["likely_source"], "wire");
    assert_eq!(pair["reuse"]["containment"], "a_in_b");
    assert_eq!(
        pair["passages"].as_array().unwrap().len(),
        1,
        "two paragraphs, one passage"
    );

    let out = reprint(
        dir.path(),
        &["scan", "news.jsonl", "--time-field", "published"],
    );
    let text = stdout(&out);
    assert!(text.contains("[partial reuse] wire ~ paper"), "{text}");
    assert!(text.contains("likely source: wire"), "{text}");

    // Without the overlap stage the story stage still finds the pair (a small
    // corpus gives it every pair), and alignment grades it the same way.
    let no_overlap = scan_json(&dir, &["news.jsonl", "--no-overlap"]);
    assert_eq!(no_overlap["counts"]["overlap_candidates"], 0);
    assert_eq!(no_overlap["pairs"][0]["verdict"], "partial_reuse");
    assert_eq!(
        no_overlap["pairs"][0]["found_by"],
        serde_json::json!(["story"])
    );
    let neither = scan_json(&dir, &["news.jsonl", "--no-overlap", "--no-story"]);
    assert!(neither["pairs"].as_array().unwrap().is_empty());
    assert_eq!(neither["counts"]["story_candidates"], 0);
}

#[test]
fn unreadable_times_are_counted_and_ignored_phrases_read_from_a_file() {
    let dir = temp();
    reuse_corpus(&dir);
    let report = scan_json(&dir, &["news.jsonl", "--time-field", "date"]);
    assert_eq!(report["suppressed"]["documents_without_time"], 3);
    assert_eq!(report["pairs"][0]["reuse"]["likely_source"], Value::Null);

    fs::write(
        dir.path().join("phrases.txt"),
        "# wire paragraphs we license\n\nThe central bank raised its main interest rate by half a point on Tuesday\n",
    )
    .unwrap();
    let report = scan_json(&dir, &["news.jsonl", "--ignore-phrases", "phrases.txt"]);
    assert_eq!(report["parameters"]["overlap"]["ignored_phrases"], 1);
    assert_eq!(report["suppressed"]["ignored_phrase_occurrences"], 2);

    let out = reprint(
        dir.path(),
        &["scan", "news.jsonl", "--ignore-phrases", "nope.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope.txt"), "{}", stderr(&out));
    let out = reprint(dir.path(), &["scan", "news.jsonl", "--max-df", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("max-df"), "{}", stderr(&out));
}

/// A PAN-format corpus of two pairs: one verbatim case, one negative pair.
fn pan_corpus(dir: &std::path::Path) {
    let reused = "The committee reviewed the proposal in detail and concluded that the \
                  new bridge would cut travel times across the river by nearly half for \
                  commuters who live on the northern bank.";
    let source = format!("Background on the city. {reused} Costs were not discussed.");
    let susp = format!("An essay on transport. Some opening remarks here. {reused} The end.");
    let other = "Gardening tips for spring: plant early, water often, and protect young \
                 shoots from frost with a light fleece at night.";
    let doc = |id: &str, text: &str, role: &str| {
        serde_json::json!({"id": id, "text": text, "role": role}).to_string() + "\n"
    };
    fs::write(
        dir.join("docs.jsonl"),
        doc("susp1", &susp, "susp") + &doc("src1", &source, "src") + &doc("src2", other, "src"),
    )
    .unwrap();
    fs::write(
        dir.join("pairs.csv"),
        "susp_id,src_id,category,n_cases\nsusp1,src1,02-no-obfuscation,1\nsusp1,src2,01-no-plagiarism,0\n",
    )
    .unwrap();
    let chars = |text: &str, part: &str| text[..text.find(part).unwrap()].chars().count();
    let n = reused.chars().count();
    fs::write(
        dir.join("labels.jsonl"),
        serde_json::json!({"susp_id": "susp1", "src_id": "src1", "category": "02-no-obfuscation",
            "type": "artificial", "obfuscation": "none",
            "this_offset": chars(&susp, reused), "this_length": n,
            "source_offset": chars(&source, reused), "source_length": n})
        .to_string()
            + "\n",
    )
    .unwrap();
}

#[test]
fn eval_pan_prints_the_measures_and_writes_detections() {
    let dir = temp();
    pan_corpus(dir.path());
    let out = reprint(
        dir.path(),
        &["eval", "pan", ".", "--detections", "det.jsonl"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let overall = text
        .lines()
        .find(|l| l.starts_with("overall"))
        .expect(&text);
    let numbers: Vec<f64> = overall
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // precision, recall, granularity, plagdet: the passage minus its final period.
    assert!(
        numbers[0] == 1.0 && numbers[1] > 0.99 && numbers[2] == 1.0 && numbers[3] > 0.99,
        "{text}"
    );
    assert!(
        text.contains("01-no-plagiarism") && text.contains("02-no-obfuscation"),
        "{text}"
    );
    let detections = fs::read_to_string(dir.path().join("det.jsonl")).unwrap();
    let first: Value = serde_json::from_str(detections.lines().next().unwrap()).unwrap();
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "suspicious_id",
            "source_id",
            "suspicious_offset",
            "suspicious_length",
            "source_offset",
            "source_length"
        ]
    );

    let out = reprint(dir.path(), &["eval", "pan", "missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
}

/// The paths of the seed articles, sorted.
fn seed_articles() -> Vec<std::path::PathBuf> {
    let mut seeds: Vec<_> = fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    seeds
}

#[test]
fn eval_stories_scores_the_story_clusters_against_labels() {
    let dir = temp();
    // The five seeds are one event; two more articles are events of their own.
    let mut docs = String::new();
    let mut labels = String::new();
    let seeds = seed_articles();
    for (i, path) in seeds.iter().enumerate() {
        let text = fs::read_to_string(path).unwrap();
        docs += &(json!({"id": format!("seed{i}"), "text": text}).to_string() + "\n");
        labels += &(json!({"id": format!("seed{i}"), "cluster": "talks"}).to_string() + "\n");
    }
    for (id, text) in [
        ("cup", "The local football club won the regional cup final after extra time on a rainy Sunday afternoon, with two late goals from the captain."),
        ("budget", "The city council approved next year's budget after a long debate about school repairs, road works and the price of bus tickets."),
    ] {
        docs += &(json!({"id": id, "text": text}).to_string() + "\n");
        labels += &(json!({"id": id, "cluster": id}).to_string() + "\n");
    }
    fs::write(dir.path().join("docs.jsonl"), docs).unwrap();
    fs::write(dir.path().join("labels.jsonl"), labels).unwrap();
    let out = reprint(dir.path(), &["eval", "stories", "."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let scores = |name: &str| -> Vec<f64> {
        let line = text.lines().find(|l| l.starts_with(name)).expect(&text);
        line[name.len()..]
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect()
    };
    assert_eq!(scores("B-cubed"), [1.0, 1.0, 1.0], "{text}");
    assert_eq!(scores("pairwise"), [1.0, 1.0, 1.0], "{text}");
    assert_eq!(scores("adjusted Rand index"), [1.0], "{text}");
    assert!(text.contains("7 labeled documents in 3 events"), "{text}");

    // A label file naming one id twice is an error naming its line.
    fs::write(
        dir.path().join("labels.jsonl"),
        "{\"id\": \"a\", \"cluster\": \"x\"}\n{\"id\": \"a\", \"cluster\": \"y\"}\n",
    )
    .unwrap();
    let out = reprint(dir.path(), &["eval", "stories", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("labels.jsonl, line 2: id \"a\" is labeled twice"),
        "{}",
        stderr(&out)
    );
}

/// Two of the seeds (one story told twice) as JSON Lines, published `days` apart.
fn two_seeds_apart(dir: &TempDir, days: u32) {
    let seeds = seed_articles();
    let lines: String = seeds[..2]
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let day = if i == 0 { 1 } else { 1 + days };
            json!({
                "id": format!("seed{i}"),
                "published": format!("2025-07-{day:02}"),
                "text": fs::read_to_string(path).unwrap(),
            })
            .to_string()
                + "\n"
        })
        .collect();
    fs::write(dir.path().join("two.jsonl"), lines).unwrap();
}

#[test]
fn one_story_far_apart_in_time_is_not_a_rewrite_and_is_counted() {
    let dir = temp();
    two_seeds_apart(&dir, 2);
    let near = scan_json(&dir, &["two.jsonl", "--time-field", "published"]);
    assert_eq!(near["pairs"][0]["verdict"], "rewrite", "{near}");
    assert_eq!(near["pairs"][0]["story"]["days_apart"], 2);

    two_seeds_apart(&dir, 20);
    let far = scan_json(&dir, &["two.jsonl", "--time-field", "published"]);
    assert!(far["pairs"].as_array().unwrap().is_empty(), "{far}");
    assert_eq!(far["suppressed"]["stories_far_apart"], 1);
    // A wider window takes it back.
    let wide = scan_json(
        &dir,
        &[
            "two.jsonl",
            "--time-field",
            "published",
            "--story-window-days",
            "30",
        ],
    );
    assert_eq!(wide["pairs"][0]["verdict"], "rewrite", "{wide}");
    // A field with a usual name is found without being named, and said so;
    // --no-time reads none.
    let detected = scan_json(&dir, &["two.jsonl"]);
    assert_eq!(detected["parameters"]["time_field"], "published");
    assert_eq!(detected["parameters"]["time_field_detected"], true);
    assert_eq!(detected["suppressed"]["stories_far_apart"], 1, "{detected}");
    let text = stdout(&reprint(dir.path(), &["scan", "two.jsonl"]));
    assert!(
        text.contains("publication times from field \"published\" (found among the usual names"),
        "{text}"
    );
    let ignored = scan_json(&dir, &["two.jsonl", "--no-time"]);
    assert_eq!(ignored["parameters"]["time_field"], Value::Null);
    assert_eq!(ignored["pairs"][0]["verdict"], "rewrite", "{ignored}");
}

/// Writes `two.jsonl`: two seed articles opening with datelines of `days`,
/// each with `time` as its publication time when given.
fn two_seeds_with_datelines(dir: &TempDir, days: [&str; 2], time: Option<&str>) {
    let seeds = seed_articles();
    let lines: String = seeds[..2]
        .iter()
        .zip(days)
        .enumerate()
        .map(|(i, (path, day))| {
            let text = format!("KYIV, {day} - {}", fs::read_to_string(path).unwrap());
            let mut record = json!({"id": format!("seed{i}"), "text": text});
            if let Some(time) = time {
                record["time"] = json!(time);
            }
            record.to_string() + "\n"
        })
        .collect();
    fs::write(dir.path().join("two.jsonl"), lines).unwrap();
}

#[test]
fn datelines_far_apart_demote_a_story_without_a_time_field() {
    let dir = temp();
    two_seeds_with_datelines(&dir, ["March 2", "March 25"], None);
    let report = scan_json(&dir, &["two.jsonl"]);
    assert!(report["pairs"].as_array().unwrap().is_empty(), "{report}");
    assert_eq!(report["suppressed"]["stories_far_apart"], 1);
    // The same two a day apart are one story.
    two_seeds_with_datelines(&dir, ["March 2", "March 3"], None);
    let report = scan_json(&dir, &["two.jsonl"]);
    assert_eq!(report["pairs"][0]["verdict"], "rewrite", "{report}");
    assert_eq!(report["pairs"][0]["story"]["days_apart"], 1);
}

#[test]
fn datelines_far_apart_outweigh_times_close_together() {
    // A feed's clock says when an article came in, its dateline when its
    // event happened: either far apart makes two events.
    let dir = temp();
    two_seeds_with_datelines(&dir, ["March 2", "March 25"], Some("2025-03-25"));
    let report = scan_json(&dir, &["two.jsonl"]);
    assert_eq!(report["parameters"]["time_field"], "time");
    assert!(report["pairs"].as_array().unwrap().is_empty(), "{report}");
    assert_eq!(report["suppressed"]["stories_far_apart"], 1);
}

#[test]
fn a_monthly_report_told_again_with_other_figures_is_not_a_rewrite() {
    let january = "Hong Kong money supply report\n\nHong Kong's broadly defined M3 money \
        supply rose 1.2 pct to 912.4 billion dollars in January, the Monetary Authority said. \
        Local currency deposits held by licensed banks went up 2.1 pct during January. \
        Narrow M1 money, notes and coins plus demand deposits, climbed 3.4 pct against a year earlier.";
    let february = "Monetary Authority figures\n\nThe Monetary Authority said broadly defined \
        M3 money supply in Hong Kong rose 1.4 pct during February to 925.3 billion dollars. \
        During February, deposits in local currency at licensed banks went up 0.8 pct. \
        Against a year earlier, narrow M1 money, demand deposits plus notes and coins, climbed 2.7 pct.";
    // The same figures told in February's words: one report, retold.
    let retold = february
        .replace("1.4 pct", "1.2 pct")
        .replace("925.3", "912.4")
        .replace("0.8 pct", "2.1 pct")
        .replace("2.7 pct", "3.4 pct")
        .replace("February", "January");
    let dir = temp();
    let write = |second: &str| {
        let lines = [("january", january), ("second", second)]
            .map(|(id, text)| json!({"id": id, "text": text}).to_string() + "\n")
            .concat();
        fs::write(dir.path().join("m3.jsonl"), lines).unwrap();
    };
    write(february);
    let report = scan_json(&dir, &["m3.jsonl"]);
    assert!(report["pairs"].as_array().unwrap().is_empty(), "{report}");
    assert_eq!(report["suppressed"]["recurring_reports"], 1);
    write(&retold);
    let report = scan_json(&dir, &["m3.jsonl"]);
    let pair = &report["pairs"][0];
    assert_eq!(pair["verdict"], "rewrite", "{report}");
    assert!(pair["story"]["figures_same"].as_u64() > Some(0), "{pair}");
    assert_eq!(pair["story"]["figures_other"], 0, "{pair}");
}

#[test]
fn a_formula_filled_in_many_ways_is_not_reuse_but_a_copied_paragraph_is() {
    let dir = temp();
    let issuers = [
        "Westpac Banking",
        "Toronto Dominion",
        "Japan Development",
        "Mercedes Credit",
        "Union Bank",
        "Nordic Finance",
        "Deutsche Siedlungs",
        "Abbey National",
    ];
    let topics = [
        "harbour cranes stood idle as dockers walked out over night shifts and overtime pay",
        "farmers in the valley delayed the harvest after heavy rain flooded the lower fields",
        "the museum reopened its east wing with a collection of maps donated by a sailor",
        "a new tram line will link the airport with the old town before the summer games",
        "river levels fell after the dam operators opened two gates during the dry spell",
        "the choir won a regional prize with a programme of songs written by local children",
        "bakers warned that flour prices would rise again as mills cut their output sharply",
        "the council voted to plant four hundred trees along the ring road next autumn",
    ];
    let copied = "Police said the convoy of 14 lorries left Gdansk at dawn on Tuesday and \
                  reached the border crossing at Terespol shortly before noon, where customs \
                  officers from both countries inspected the cargo of medical supplies.";
    let lines: String = (0..issuers.len())
        .map(|i| {
            let bond = format!(
                "{} is issuing a {} mln dlr eurobond due May {}, {} paying {} pct and priced at {} pct, \
                 lead manager said. The bonds will be issued in denominations of {} dlrs and \
                 will be listed in Luxembourg, and the non-callable issue pays annual interest \
                 on May {} each year, the lead manager said.",
                issuers[i], 50 + 10 * i, 3 + i, 1990 + i, 7 + i, 100 + i, 1000 * (i + 1), 3 + i
            );
            let extra = if i < 2 { copied } else { "" };
            let text = format!("{}. {} {bond} {extra}", topics[i], topics[(i + 3) % 8]);
            json!({"id": format!("d{i}"), "text": text}).to_string() + "\n"
        })
        .collect();
    fs::write(dir.path().join("bonds.jsonl"), lines).unwrap();
    let report = scan_json(&dir, &["bonds.jsonl", "--no-story"]);
    assert!(
        report["suppressed"]["boilerplate_templates"]
            .as_u64()
            .unwrap()
            > 0,
        "{report}"
    );
    let pairs = report["pairs"].as_array().unwrap();
    let listed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|p| (p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        [("d0", "d1")],
        "only the copied paragraph is reuse: {report}"
    );
    assert_eq!(pairs[0]["verdict"], "partial_reuse");
}

#[test]
fn a_temporary_folder_that_cannot_take_the_spill_is_a_clear_error() {
    // 5,000 articles overflow the smallest memory budget's stores, which then
    // write to TMPDIR; a TMPDIR that does not exist is said, not a panic.
    let dir = temp();
    write_jsonl(&dir.path().join("corpus.jsonl"), &small_corpus(5000, 11));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(["scan", "corpus.jsonl", "--quiet", "--memory-limit", "16M"])
        .current_dir(dir.path())
        .env("TMPDIR", dir.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot use the temporary file of")
            && stderr(&out).contains("(TMPDIR)"),
        "{}",
        stderr(&out)
    );
}

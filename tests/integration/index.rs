//! The persistent index: a check lists exactly the pairs a scan of the
//! indexed articles followed by the new ones lists with a new article, and
//! every misuse gets a clear error.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use reprint::index::Index;
use reprint::{Config, CorpusReader, Report};
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::util::{pairs_json, reprint, seed_records, small_corpus, stderr, stdout};

/// JSON Lines of `records` (id, text) at `path`.
fn write_records(path: &Path, records: &[(String, String)]) -> PathBuf {
    let lines: String = records
        .iter()
        .map(|(id, text)| json!({"id": id, "text": text}).to_string() + "\n")
        .collect();
    fs::write(path, lines).unwrap();
    path.to_path_buf()
}

/// A generated corpus with planted copies as records, ids `d0`, `d1`, ...
fn generated_records(documents: usize, seed: u64) -> Vec<(String, String)> {
    small_corpus(documents, seed)
        .texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| (format!("d{i}"), text))
        .collect()
}

/// The pairs of `report` with a member in `ids`, as JSON.
fn pairs_with(report: &Report, ids: &HashSet<String>) -> Vec<Value> {
    report
        .pairs
        .iter()
        .filter(|p| ids.contains(&p.scores.a) || ids.contains(&p.scores.b))
        .map(|p| serde_json::to_value(p).unwrap())
        .collect()
}

fn reader(path: &Path, config: &Config) -> CorpusReader {
    CorpusReader::open(&[path.to_path_buf()], &config.input).unwrap()
}

/// Indexes `batches` one add each, checks `new`, and compares with a scan of
/// every batch and `new` in one file: the same pairs with a new article.
/// Returns how many pairs the check listed.
fn check_equals_scan(
    config: &Config,
    batches: &[&[(String, String)]],
    new: &[(String, String)],
) -> usize {
    let dir = TempDir::new().unwrap();
    let mut index = Index::create(&dir.path().join("index"), config).unwrap();
    for (i, batch) in batches.iter().enumerate() {
        let path = write_records(&dir.path().join(format!("batch{i}.jsonl")), batch);
        let added = index.add(reader(&path, config), |_| {}).unwrap();
        assert_eq!(added.added.len(), batch.len());
    }
    let new_path = write_records(&dir.path().join("new.jsonl"), new);
    let checked = index.check(reader(&new_path, config)).unwrap();

    let everything: Vec<(String, String)> = batches
        .iter()
        .flat_map(|b| b.iter().cloned())
        .chain(new.iter().cloned())
        .collect();
    let all_path = write_records(&dir.path().join("all.jsonl"), &everything);
    let scan = reprint::run(config, reader(&all_path, config)).unwrap();

    let new_ids: HashSet<String> = new.iter().map(|(id, _)| id.clone()).collect();
    let expected = pairs_with(&scan.report, &new_ids);
    let listed = pairs_json(&checked.scan.report);
    assert_eq!(listed, expected, "a check lists what the scan lists");
    let counts = &checked.scan.report.counts;
    let by_verdict = counts.duplicate_pairs
        + counts.near_duplicate_pairs
        + counts.partial_reuse_pairs
        + counts.rewrite_pairs;
    assert_eq!(
        by_verdict,
        listed.len(),
        "verdict counts are of the pairs kept"
    );
    assert_eq!(checked.new_ids.len(), new.len());
    listed.len()
}

#[test]
fn a_check_of_seeds_lists_the_pairs_a_scan_lists() {
    let seeds = seed_records();
    let (indexed, new) = seeds.split_at(2);
    let listed = check_equals_scan(&Config::default(), &[indexed], new);
    // Five write-ups of one story: every pair with one of the three new ones.
    assert_eq!(listed, 3 * 2 + 3);
}

#[test]
fn a_check_of_a_generated_corpus_lists_the_pairs_a_scan_lists() {
    let records = generated_records(240, 7);
    // Two adds (two commits), then a check of the last 80.
    let listed = check_equals_scan(
        &Config::default(),
        &[&records[..100], &records[100..160]],
        &records[160..],
    );
    assert!(
        listed > 5,
        "planted copies among the new articles: {listed}"
    );
}

#[test]
fn an_index_checks_with_the_settings_it_was_created_with() {
    let config = Config {
        threshold: 0.8,
        ..Config::default()
    };
    let dir = TempDir::new().unwrap();
    drop(Index::create(&dir.path().join("index"), &config).unwrap());
    let index = Index::open(&dir.path().join("index")).unwrap();
    assert_eq!(index.config().threshold, 0.8);
    let records = generated_records(120, 3);
    check_equals_scan(&config, &[&records[..80]], &records[80..]);
}

#[test]
fn a_removed_article_pairs_no_more_and_added_ones_stay_after_reopening() {
    let seeds = seed_records();
    let dir = TempDir::new().unwrap();
    let config = Config::default();
    let index_dir = dir.path().join("index");
    let mut index = Index::create(&index_dir, &config).unwrap();
    let path = write_records(&dir.path().join("a.jsonl"), &seeds[..3]);
    index.add(reader(&path, &config), |_| {}).unwrap();
    drop(index);

    let mut index = Index::open(&index_dir).unwrap();
    assert_eq!(index.stats().unwrap().documents, 3);
    let gone = seeds[0].0.clone();
    let removed = index
        .remove(&[gone.clone(), "no-such-id".to_string()])
        .unwrap();
    assert_eq!(removed.removed, std::slice::from_ref(&gone));
    assert_eq!(removed.unknown, ["no-such-id"]);
    assert_eq!(index.stats().unwrap().documents, 2);

    let new_path = write_records(&dir.path().join("b.jsonl"), &seeds[3..]);
    let checked = index.check(reader(&new_path, &config)).unwrap();
    let pairs = &checked.scan.report.pairs;
    assert!(!pairs.is_empty());
    assert!(pairs
        .iter()
        .all(|p| p.scores.a != gone && p.scores.b != gone));
    let listed = pairs.len();
    drop((checked, index));
    // As a scan of what remains: articles 1 and 2, then 3 and 4.
    assert_eq!(
        check_equals_scan(&config, &[&seeds[1..3]], &seeds[3..]),
        listed
    );
}

#[test]
fn check_with_add_indexes_the_new_articles_once_checked() {
    let dir = TempDir::new().unwrap();
    let seeds = seed_records();
    write_records(&dir.path().join("a.jsonl"), &seeds[..2]);
    write_records(&dir.path().join("b.jsonl"), &seeds[2..]);
    let run = |args: &[&str]| {
        let out = reprint(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    };
    run(&["index", "create", "idx"]);
    let added = stdout(&run(&["index", "add", "idx", "a.jsonl"]));
    assert_eq!(added.lines().count(), 2, "{added}");
    assert!(added.starts_with(&format!("added {}", seeds[0].0)));
    let out = run(&["index", "check", "idx", "b.jsonl", "--add", "--json", "-"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pairs"].as_array().unwrap().len(), 3 * 2 + 3);
    let stats = stdout(&run(&["index", "stats", "idx"]));
    assert!(stats.contains("articles:  5"), "{stats}");
    // Now indexed, the same articles are refused.
    let again = reprint(dir.path(), &["index", "check", "idx", "b.jsonl"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("is already in the index idx"));
}

#[test]
fn misuse_of_an_index_gets_clear_errors() {
    let dir = TempDir::new().unwrap();
    let seeds = seed_records();
    write_records(&dir.path().join("a.jsonl"), &seeds[..2]);
    write_records(&dir.path().join("a2.jsonl"), &seeds[2..]);
    fs::write(
        dir.path().join("noid.jsonl"),
        "{\"text\": \"An article without an id.\"}\n",
    )
    .unwrap();
    let out = reprint(dir.path(), &["index", "create", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fails = |args: &[&str], needle: &str| {
        let out = reprint(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    };
    fails(
        &["index", "create", "idx"],
        "idx is not empty: an index is created in a new or empty folder",
    );
    fails(
        &["index", "stats", "."],
        "is not a reprint index: it has no index.redb",
    );
    fails(
        &["index", "add", "idx", "noid.jsonl"],
        "noid.jsonl, line 1: no id field \"id\": an index names its articles by their ids",
    );
    let out = reprint(dir.path(), &["index", "add", "idx", "a.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    fails(
        &["index", "add", "idx", "a.jsonl"],
        &format!(
            "a.jsonl, line 1: id \"{}\" is already in the index idx",
            seeds[0].0
        ),
    );
    fails(
        &["index", "remove", "idx", "no-such-id"],
        "1 ids not in the index idx: no-such-id",
    );
    // One writer at a time: this process holds the index open to write;
    // another may still read it.
    let held = Index::open(&dir.path().join("idx")).unwrap();
    fails(
        &["index", "remove", "idx", "x"],
        "the index idx is open to write in another process",
    );
    let out = reprint(dir.path(), &["index", "stats", "idx"]);
    assert!(stdout(&out).contains("articles:  2"), "{}", stderr(&out));
    let out = reprint(
        dir.path(),
        &["index", "check", "idx", "a2.jsonl", "--json", "-"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    drop(held);
    let out = reprint(dir.path(), &["index", "remove", "idx", &seeds[0].0]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn compact_rewrites_the_postings_without_the_removed_articles() {
    let dir = TempDir::new().unwrap();
    let index_dir = dir.path().join("index");
    let config = Config::default();
    let records: Vec<Value> = generated_records(240, 11)
        .into_iter()
        .map(|(id, text)| json!({"id": id, "text": text}))
        .collect();
    let (indexed, new) = records.split_at(200);
    let mut index = Index::create(&index_dir, &config).unwrap();
    index.set_flush_every(25);
    let path = write_values(&dir.path().join("indexed.jsonl"), indexed);
    index.add(reader(&path, &config), |_| {}).unwrap();
    let gone: Vec<String> = indexed
        .iter()
        .step_by(2)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    // Removed in commits of 7, each taken out of the postings in turn.
    index.set_commit_every(7);
    index.remove(&gone).unwrap();
    let before = index.stats().unwrap().postings_bytes;
    index.compact().unwrap();
    let after = index.stats().unwrap().postings_bytes;
    assert!(
        after * 10 < before * 6,
        "half the articles removed: {before} -> {after} bytes"
    );
    let kept: Vec<Value> = indexed.iter().skip(1).step_by(2).cloned().collect();
    let expected = scanned_pairs(&config, dir.path(), &kept, new);
    assert!(!expected.is_empty());
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);
    drop(index);
    let index = Index::open_to_read(&index_dir).unwrap();
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);
}

#[test]
fn an_add_stopped_by_a_bad_line_adds_every_article_before_it() {
    let dir = TempDir::new().unwrap();
    let generated = generated_records(9, 5);
    let mut lines: Vec<String> = generated
        .iter()
        .map(|(id, text)| json!({"id": id, "text": text}).to_string())
        .collect();
    lines.insert(5, "{not json".to_string());
    fs::write(dir.path().join("bad.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = reprint(dir.path(), &["index", "create", "idx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Batches of two: the bad line falls in the third, read while the first
    // is written and the second sketched.
    let out = reprint(
        dir.path(),
        &["index", "add", "idx", "bad.jsonl", "--commit-every", "2"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad.jsonl, line 6: malformed JSON"),
        "{}",
        stderr(&out)
    );
    let before: Vec<String> = generated[..5]
        .iter()
        .map(|(id, _)| format!("added {id}\n"))
        .collect();
    assert_eq!(stdout(&out), before.concat());
    let out = reprint(dir.path(), &["index", "stats", "idx"]);
    assert!(stdout(&out).contains("articles:  5"), "{}", stdout(&out));
}

#[test]
fn evict_removes_what_was_published_before_a_time_and_keeps_the_untimed() {
    let dir = TempDir::new().unwrap();
    let records = [
        json!({"id": "old", "text": "An old wire about the harbour strike.", "published": "2026-01-05"}),
        json!({"id": "new", "text": "A new wire about the harbour strike.", "published": "2026-07-01T09:00:00Z"}),
        json!({"id": "undated", "text": "A wire that gives no date.", "published": "soon"}),
    ];
    let lines: String = records.iter().map(|r| r.to_string() + "\n").collect();
    fs::write(dir.path().join("wires.jsonl"), lines).unwrap();
    for args in [
        &["index", "create", "idx"][..],
        &["index", "add", "idx", "wires.jsonl"],
    ] {
        let out = reprint(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let fails = |args: &[&str], needle: &str| {
        let out = reprint(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    };
    fails(
        &["index", "evict", "idx", "--before", "2026-06-01"],
        "created without --time-field: say which field holds the time",
    );
    fails(
        &[
            "index",
            "evict",
            "idx",
            "--before",
            "June",
            "--time-field",
            "published",
        ],
        "--before \"June\" is not a time",
    );
    let out = reprint(
        dir.path(),
        &[
            "index",
            "evict",
            "idx",
            "--before",
            "2026-06-01",
            "--time-field",
            "published",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "removed old\n");
    assert!(stderr(&out).contains("1 kept without a readable time in \"published\""));
    let stats = stdout(&reprint(dir.path(), &["index", "stats", "idx"]));
    assert!(stats.contains("articles:  2"), "{stats}");
}

/// Kills `reprint index add` at seeded random moments, 100 times: after each
/// kill the index opens, holds every id the process printed as added, and
/// holds whole commits of the input in order; finished, it answers a check
/// exactly as an index built without a kill.
#[test]
fn a_killed_add_loses_nothing_it_acknowledged() {
    const KILLS: usize = 100;
    const COMMIT: usize = 3;
    let dir = TempDir::new().unwrap();
    let records = generated_records(1500, 11);
    let (indexed, probes) = records.split_at(1400);
    let config = Config::default();
    let mut round = 0;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut kills = 0;
    let mut interrupted = 0;
    while kills < KILLS {
        let index_dir = dir.path().join(format!("index{round}"));
        drop(Index::create(&index_dir, &config).unwrap());
        loop {
            let held = Index::open(&index_dir).unwrap().ids().unwrap();
            let expected: Vec<&String> = indexed[..held.len()].iter().map(|(id, _)| id).collect();
            assert_eq!(
                held.iter().collect::<Vec<_>>(),
                expected,
                "a prefix, in input order"
            );
            if held.len() == indexed.len() || kills == KILLS {
                break;
            }
            let rest = write_records(&dir.path().join("rest.jsonl"), &indexed[held.len()..]);
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reprint"))
                .args(["index", "add"])
                .arg(&index_dir)
                .arg(&rest)
                .args(["--commit-every", &COMMIT.to_string()])
                // Postings written every few commits: kills land in those
                // writes and in merges of runs too.
                .args(["--flush-every", "40"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let acknowledged = std::thread::spawn(move || {
                use std::io::BufRead;
                std::io::BufReader::new(stdout)
                    .lines()
                    .map_while(Result::ok)
                    .filter_map(|l| l.strip_prefix("added ").map(str::to_string))
                    .collect::<Vec<String>>()
            });
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let wait = std::time::Duration::from_millis(2 + (state >> 33) % 60);
            std::thread::sleep(wait);
            let finished = child.try_wait().unwrap().is_some();
            child.kill().ok();
            child.wait().unwrap();
            kills += 1;
            let acknowledged = acknowledged.join().unwrap();
            let now = Index::open(&index_dir).unwrap().ids().unwrap();
            let added = now.len() - held.len();
            assert!(added >= acknowledged.len(), "every printed id is there");
            assert_eq!(
                acknowledged[..],
                now[held.len()..held.len() + acknowledged.len()]
            );
            if !finished && held.len() + added < indexed.len() {
                interrupted += 1;
                assert_eq!(added % COMMIT, 0, "whole commits only");
            }
        }
        round += 1;
    }
    assert!(
        interrupted >= KILLS / 2,
        "most kills interrupted an add: {interrupted}"
    );

    // Finished after its kills, the index answers as one made without them.
    let index_dir = dir.path().join(format!("index{}", round - 1));
    let held = Index::open(&index_dir).unwrap().ids().unwrap().len();
    if held < indexed.len() {
        let rest = write_records(&dir.path().join("rest.jsonl"), &indexed[held..]);
        let mut index = Index::open(&index_dir).unwrap();
        index.add(reader(&rest, &config), |_| {}).unwrap();
    }
    let probe_path = write_records(&dir.path().join("probes.jsonl"), probes);
    let crashed = Index::open(&index_dir).unwrap();
    let after_kills = crashed.check(reader(&probe_path, &config)).unwrap();
    let clean_dir = dir.path().join("clean");
    let mut clean = Index::create(&clean_dir, &config).unwrap();
    let all = write_records(&dir.path().join("all.jsonl"), indexed);
    clean.add(reader(&all, &config), |_| {}).unwrap();
    let without = clean.check(reader(&probe_path, &config)).unwrap();
    assert!(!without.scan.report.pairs.is_empty());
    assert_eq!(
        crate::util::without_run(&after_kills.scan.report),
        crate::util::without_run(&without.scan.report)
    );
}

/// Records (id, text, and for most a time) of a corpus where every
/// corpus-wide rule of a scan is at work: planted partial reuse and edited
/// copies, the seeds' five write-ups of one story, exact copies in a group
/// small enough to list its members' pairs and one too large, a footer in
/// more than `max_df` articles, a sentence recurring over months, a
/// template filled many ways, datelines, and times over a year (a seventh
/// of the articles without one).
fn hostile_records() -> Vec<Value> {
    use reprint::synthetic::{generate_reuse, ReuseSpec};
    let mut texts: Vec<String> = generate_reuse(&ReuseSpec {
        documents: 150,
        mean_words: 220,
        seed: 5,
        ..ReuseSpec::default()
    })
    .texts;
    texts.extend(small_corpus(70, 9).texts);
    let footer = "Copyright 2026 The Example Wire Service. All rights reserved. This \
                  material may not be published, broadcast, rewritten or redistributed \
                  without the written permission of the editors.";
    for text in texts.iter_mut().step_by(3) {
        text.push_str("\n\n");
        text.push_str(footer);
    }
    let recurring = "The Treasury said bids for the weekly auction of three month bills \
                     are due by noon on Monday at the regional reserve banks across the \
                     country and abroad.";
    for (i, text) in texts.iter_mut().skip(4).step_by(23).enumerate() {
        *text = format!(
            "WASHINGTON, {} {} - {recurring}\n\n{text}",
            month(i * 2),
            1 + i % 27
        );
    }
    for (i, text) in texts.iter_mut().skip(9).step_by(17).enumerate() {
        text.push_str(&format!(
            "\n\nShares of {} rose {} percent to {} dollars in early trading on the \
             exchange today, traders on the floor said.",
            ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent"][i % 7],
            3 + i,
            40 + 7 * i
        ));
    }
    // A family of 120 articles, one text with a sentence of its own each:
    // LSH buckets too crowded to pair every two members.
    let family = small_corpus(1, 21).texts[0].clone();
    for (i, text) in texts.iter_mut().skip(2).step_by(2).take(120).enumerate() {
        *text = format!(
            "{family}\n\nReported by desk {i} from bureau {} at hour {}.",
            i * 7 % 31,
            i % 24
        );
    }
    let seeds: Vec<String> = seed_records().into_iter().map(|(_, t)| t).collect();
    // Seeds and exact copies spread over the corpus, some among the last:
    // `c{i}-0` and `c{i}-1` copy `d{i/2}` (groups of 3), the 22 `w{i}` copy
    // `d3` (a group of 23).
    let originals = texts.clone();
    let mut all: Vec<(String, String)> = Vec::new();
    for (i, text) in texts.into_iter().enumerate() {
        all.push((format!("d{i}"), text));
        if i % 40 == 7 {
            all.push((
                format!("s{}", i / 40),
                seeds[(i / 40) % seeds.len()].clone(),
            ));
        }
        if i % 60 == 11 {
            for c in 0..2 {
                all.push((format!("c{i}-{c}"), originals[i / 2].clone()));
            }
        }
        if i % 11 == 5 && i < 240 {
            all.push((format!("w{i}"), originals[3].clone()));
        }
    }
    all.iter()
        .enumerate()
        .map(|(i, (id, text))| {
            let mut record = json!({"id": id, "text": text});
            if i % 7 != 3 {
                record["time"] = json!(1_700_000_000 + (i as i64 * 37 % 365) * 86_400);
            }
            record
        })
        .collect()
}

fn month(i: usize) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][i % 12]
}

fn write_values(path: &Path, records: &[Value]) -> PathBuf {
    let lines: String = records.iter().map(|r| r.to_string() + "\n").collect();
    fs::write(path, lines).unwrap();
    path.to_path_buf()
}

fn ids_of(records: &[Value]) -> HashSet<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// The pairs a check of `new` against `index` lists, as JSON.
fn checked_pairs(index: &Index, dir: &Path, new: &[Value]) -> Vec<Value> {
    let path = write_values(&dir.join("new.jsonl"), new);
    let checked = index.check(reader(&path, index.config())).unwrap();
    pairs_json(&checked.scan.report)
}

/// The pairs a scan of `indexed` followed by `new` lists with a new article.
fn scanned_pairs(config: &Config, dir: &Path, indexed: &[Value], new: &[Value]) -> Vec<Value> {
    let all: Vec<Value> = indexed.iter().chain(new).cloned().collect();
    let path = write_values(&dir.join("all.jsonl"), &all);
    let scan = reprint::run(config, reader(&path, config)).unwrap();
    pairs_with(&scan.report, &ids_of(new))
}

#[test]
fn a_check_from_postings_lists_what_a_scan_lists_with_every_corpus_wide_rule_at_work() {
    let records = hostile_records();
    let (indexed, new) = records.split_at(records.len() * 7 / 10);
    let dir = TempDir::new().unwrap();
    let index_dir = dir.path().join("index");
    let config = Config::default();
    let mut index = Index::create(&index_dir, &config).unwrap();
    // Small flushes: runs, merges of runs and a tail in memory all take part.
    index.set_flush_every(29);
    index.set_commit_every(17);
    let half = indexed.len() / 2;
    for (i, batch) in [&indexed[..half], &indexed[half..]].iter().enumerate() {
        let path = write_values(&dir.path().join(format!("batch{i}.jsonl")), batch);
        index.add(reader(&path, &config), |_| {}).unwrap();
    }
    let expected = scanned_pairs(&config, dir.path(), indexed, new);
    let verdicts: HashSet<&str> = expected
        .iter()
        .map(|p| p["verdict"].as_str().unwrap())
        .collect();
    assert!(
        verdicts.len() >= 3 && expected.len() > 30,
        "the corpus makes pairs of most verdicts: {verdicts:?}, {}",
        expected.len()
    );
    let listed = checked_pairs(&index, dir.path(), new);
    assert_eq!(listed.len(), expected.len());
    assert_eq!(listed, expected, "a check lists what a scan lists");

    // A reader beside the writer, and the writer reopened (its tail sketched
    // again from the records), answer the same.
    let reader_index = Index::open_to_read(&index_dir).unwrap();
    assert_eq!(checked_pairs(&reader_index, dir.path(), new), expected);
    drop(reader_index);
    drop(index);
    let mut index = Index::open(&index_dir).unwrap();
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);

    // Removals, among them the firsts of both groups of copies (a copy
    // stands first in each place) and articles with the footer.
    let gone: Vec<String> = ["d3", "d5", "d0", "d30", "d61"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    index.remove(&gone).unwrap();
    let kept: Vec<Value> = indexed
        .iter()
        .filter(|r| !gone.iter().any(|g| r["id"] == json!(g)))
        .cloned()
        .collect();
    let expected = scanned_pairs(&config, dir.path(), &kept, new);
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);
    drop(index);
    let mut index = Index::open(&index_dir).unwrap();
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);

    // More articles: their flushes merge runs, which leave the removed
    // articles' entries out.
    index.set_flush_every(29);
    let more: Vec<Value> = generated_records(300, 9)
        .into_iter()
        .map(|(id, text)| json!({"id": format!("more-{id}"), "text": text}))
        .collect();
    let path = write_values(&dir.path().join("more.jsonl"), &more);
    index.add(reader(&path, &config), |_| {}).unwrap();
    // Closing installs the merges.
    drop(index);
    let index = Index::open(&index_dir).unwrap();
    let kept: Vec<Value> = kept.into_iter().chain(more).collect();
    let expected = scanned_pairs(&config, dir.path(), &kept, new);
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);
}

#[test]
fn a_check_from_postings_counts_days_by_datelines_without_times() {
    let records = hostile_records();
    let (indexed, new) = records.split_at(records.len() * 3 / 4);
    let dir = TempDir::new().unwrap();
    let config = Config {
        input: reprint::config::InputConfig {
            time_field: reprint::config::TimeField::Ignore,
            ..Config::default().input
        },
        ..Config::default()
    };
    let mut index = Index::create(&dir.path().join("index"), &config).unwrap();
    index.set_flush_every(50);
    let path = write_values(&dir.path().join("indexed.jsonl"), indexed);
    index.add(reader(&path, &config), |_| {}).unwrap();
    let expected = scanned_pairs(&config, dir.path(), indexed, new);
    assert_eq!(checked_pairs(&index, dir.path(), new), expected);
}

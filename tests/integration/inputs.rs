//! Input a new user may give: pipes named like files, huge thread counts,
//! the strictest threshold, ids of every kind, impossible times, hand-made
//! banding, links that lead nowhere. Each gets an answer or a clear error.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::util::{reprint, seeds_dir, spawn, stderr, stdout};

fn temp() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn seed_text(index: usize) -> String {
    let mut paths: Vec<_> = fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    fs::read_to_string(&paths[index]).unwrap()
}

/// Runs the binary, killing it if it has not finished in a minute.
fn reprint_with_deadline(dir: &TempDir, args: &[&str]) -> std::process::Output {
    let mut child = spawn(dir.path(), args, Stdio::null());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("reprint {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_pipe_named_like_a_text_file_is_read_once() {
    let dir = temp();
    fs::write(dir.path().join("b.txt"), seed_text(1)).unwrap();
    for command in ["scan", "dedup"] {
        let fifo = dir.path().join("a.txt");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let text = seed_text(0);
        let writer = std::thread::spawn(move || {
            fs::OpenOptions::new()
                .write(true)
                .open(&fifo)
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        });
        let args: &[&str] = if command == "scan" {
            &["scan", "a.txt", "b.txt", "--json", "-"]
        } else {
            &["dedup", "a.txt", "b.txt"]
        };
        let out = reprint_with_deadline(&dir, args);
        writer.join().unwrap();
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        if command == "scan" {
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(report["counts"]["documents_scanned"], 2);
            // The pair's passages were aligned: the pipe's text was read again.
            assert_eq!(report["pairs"][0]["verdict"], "rewrite");
        } else {
            assert_eq!(stdout(&out).lines().count(), 2);
            assert!(stdout(&out).contains("Zelensky"));
        }
        fs::remove_file(dir.path().join("a.txt")).unwrap();
    }
}

#[test]
fn too_many_threads_are_refused_at_once() {
    let started = Instant::now();
    let out = reprint(&seeds_dir(), &["scan", ".", "-j", "100000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("invalid --threads: threads must be 0 (one per core) to 1024"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn thresholds_up_to_one_work() {
    let dir = temp();
    let base = seed_text(0);
    let edited = base.replacen("Zelensky", "Zelenskyy", 1);
    let lines = [
        json!({"id": "a", "text": base}),
        json!({"id": "copy", "text": base}),
        json!({"id": "edited", "text": edited}),
    ];
    let corpus: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fs::write(dir.path().join("docs.jsonl"), corpus).unwrap();
    let listed = |threshold: &str| -> Vec<(String, String, String)> {
        let out = reprint(
            dir.path(),
            &[
                "scan",
                "docs.jsonl",
                "--threshold",
                threshold,
                "--no-overlap",
                "--no-story",
                "--json",
                "-",
            ],
        );
        assert!(out.status.success(), "{threshold}: {}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let field = |k: &str| p[k].as_str().unwrap().to_string();
                (field("a"), field("b"), field("verdict"))
            })
            .collect()
    };
    let identical = ("a".to_string(), "copy".to_string(), "duplicate".to_string());
    assert_eq!(listed("1.0"), vec![identical.clone()]);
    // Above the duplicate threshold (0.9): a pair at 0.96 or so is found
    // at 0.95 and is a duplicate; none is found at 0.999 but the copy.
    let at_95 = listed("0.95");
    assert_eq!(at_95.len(), 3, "{at_95:?}");
    assert!(at_95.iter().all(|(.., verdict)| verdict == "duplicate"));
    assert_eq!(listed("0.999"), vec![identical]);
}

#[test]
fn ids_are_kept_exactly_as_given() {
    let dir = temp();
    let text = |i: usize| seed_text(i);
    let corpus = [
        format!(
            "{{\"id\": 18446744073709551616, \"text\": {}}}",
            json!(text(0))
        ),
        format!(
            "{{\"id\": 18446744073709551617, \"text\": {}}}",
            json!(text(1))
        ),
        format!(
            "{{\"id\": 1.50, \"text\": {}, \"n\": 123456789012345678901}}",
            json!(text(2))
        ),
        format!("{{\"text\": {}}}", json!(text(3))),
    ]
    .join("\n");
    fs::write(dir.path().join("docs.jsonl"), corpus).unwrap();
    // Big integers stay distinct (no duplicate id error) ...
    let out = reprint(dir.path(), &["dedup", "docs.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let kept: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(kept.len(), 4);
    // ... and are written back as the numbers they were, digit for digit.
    assert!(
        kept[0].starts_with("{\"id\":18446744073709551616,"),
        "{}",
        kept[0]
    );
    assert!(
        kept[1].starts_with("{\"id\":18446744073709551617,"),
        "{}",
        kept[1]
    );
    assert!(kept[2].starts_with("{\"id\":1.50,"), "{}", kept[2]);
    assert!(
        kept[2].ends_with("\"n\":123456789012345678901}"),
        "{}",
        kept[2]
    );
    // A record without an id stays without one.
    assert!(kept[3].starts_with("{\"text\":"), "{}", kept[3]);

    // A line-number id that an explicit id also takes is an error, even
    // when bad lines are skipped.
    let clash = format!(
        "{}\n{}\n",
        json!({"id": "2", "text": text(0)}),
        json!({"text": text(1)})
    );
    fs::write(dir.path().join("clash.jsonl"), clash).unwrap();
    for extra in [&[][..], &["--skip-bad-lines"]] {
        let mut args = vec!["scan", "clash.jsonl"];
        args.extend_from_slice(extra);
        let out = reprint(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("clash.jsonl, line 2: id \"2\" is also the id of clash.jsonl, line 1, and one of the two records has no id field"),
            "{}",
            stderr(&out)
        );
    }
    // Id-less records of two files: each id names its file.
    let one = format!("{}\n", json!({"text": text(4)}));
    fs::write(dir.path().join("x.jsonl"), &one).unwrap();
    fs::write(dir.path().join("y.jsonl"), &one).unwrap();
    let out = reprint(dir.path(), &["scan", "x.jsonl", "y.jsonl", "--json", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pairs"][0]["a"], "x.jsonl:1");
    assert_eq!(report["pairs"][0]["b"], "y.jsonl:1");
}

#[test]
fn impossible_times_count_as_missing() {
    let dir = temp();
    let corpus = [
        json!({"id": "a", "text": seed_text(0), "time": -1e300}),
        json!({"id": "b", "text": seed_text(1), "time": 1_753_272_000_000_u64}),
        json!({"id": "c", "text": seed_text(2), "time": 1_753_272_000}),
    ];
    let corpus: String = corpus.iter().map(|l| format!("{l}\n")).collect();
    fs::write(dir.path().join("docs.jsonl"), corpus).unwrap();
    let out = reprint(dir.path(), &["scan", "docs.jsonl", "--json", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["suppressed"]["documents_without_time"], 2);
}

#[test]
fn hand_made_banding_is_completed_or_warned_about() {
    let out = reprint(&seeds_dir(), &["scan", ".", "--bands", "8"]);
    assert!(out.status.success());
    let summary = stdout(&out);
    let lsh = summary.lines().find(|l| l.starts_with("LSH:")).unwrap();
    assert!(lsh.contains("8 bands x 2 rows"), "{lsh}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = reprint(&seeds_dir(), &["scan", ".", "--bands", "2", "--rows", "30"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("warning: with 2 bands x 30 rows, a pair at Jaccard 0.50 becomes a candidate with probability 0.000"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn messages_say_what_is_wrong() {
    let dir = temp();
    fs::write(
        dir.path().join("docs.jsonl"),
        format!("{}\n", json!({"id": "a", "text": "x y"})),
    )
    .unwrap();
    let out = reprint(dir.path(), &["scan", "docs.jsonl", "--id-field", "text"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "invalid --id-field: input.id_field must be a field other than input.text_field"
        ),
        "{}",
        stderr(&out)
    );
    // A link loop given by name is not "no such file".
    std::os::unix::fs::symlink("loop2", dir.path().join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", dir.path().join("loop2")).unwrap();
    let out = reprint(dir.path(), &["scan", "loop1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read loop1"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("no such file"), "{}", stderr(&out));
}

#[test]
fn links_in_a_folder_are_followed_and_loops_listed() {
    let dir = temp();
    let folder = dir.path().join("f");
    fs::create_dir_all(folder.join("sub")).unwrap();
    fs::write(folder.join("a.txt"), seed_text(0)).unwrap();
    fs::write(dir.path().join("outside.txt"), seed_text(1)).unwrap();
    std::os::unix::fs::symlink("../outside.txt", folder.join("linked.txt")).unwrap();
    std::os::unix::fs::symlink("..", folder.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", folder.join("broken.txt")).unwrap();
    let out = reprint(dir.path(), &["scan", "f", "--json", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["counts"]["documents_scanned"], 2);
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["location"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].0.ends_with("broken.txt") && skipped[0].1.contains("leads nowhere"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].0.ends_with("sub/up") && skipped[1].1.contains("loop"),
        "{skipped:?}"
    );
}

#[test]
fn an_unreadable_subfolder_is_named_once() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp();
    let locked = dir.path().join("f/locked");
    fs::create_dir_all(&locked).unwrap();
    fs::write(dir.path().join("f/a.txt"), seed_text(0)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(&locked).is_ok() {
        // Running as root: nothing is unreadable, there is nothing to test.
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: permissions do not bind this user");
        return;
    }
    let out = reprint(dir.path(), &["scan", "f"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("cannot read f/locked"), "{message}");
    assert_eq!(message.matches("Permission denied").count(), 1, "{message}");
}

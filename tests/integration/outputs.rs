//! Outputs are safe: checked before any work, never written over an input,
//! and each one whole or not at all, whenever the process stops.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::util::{reprint, seeds_dir, small_corpus, spawn, stderr, write_jsonl};

fn corpus_dir(documents: usize) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_jsonl(&dir.path().join("docs.jsonl"), &small_corpus(documents, 3));
    dir
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = corpus_dir(40);
    let input = dir.path().join("docs.jsonl");
    let original = fs::read(&input).unwrap();
    fs::create_dir(dir.path().join("folder")).unwrap();
    fs::write(dir.path().join("folder/a.txt"), "An article.").unwrap();
    std::os::unix::fs::symlink(&input, dir.path().join("link.jsonl")).unwrap();
    for args in [
        &["scan", "docs.jsonl", "--json", "docs.jsonl"][..],
        &["scan", "docs.jsonl", "--html", "./docs.jsonl"],
        &["scan", "docs.jsonl", "--csv", "docs.jsonl"],
        &["scan", "link.jsonl", "--jsonl", "docs.jsonl"],
        &["dedup", "docs.jsonl", "-o", "docs.jsonl"],
        &["dedup", "docs.jsonl", "--json", "docs.jsonl"],
    ] {
        let out = reprint(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("never writes over its input"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(fs::read(&input).unwrap(), original, "{args:?}");
    }
    // A file the folder scan reads as an article, existing or not.
    for name in ["folder/a.txt", "folder/new.md"] {
        let out = reprint(dir.path(), &["scan", "folder", "--json", name]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("reads as an article"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(
        fs::read(dir.path().join("folder/a.txt")).unwrap(),
        b"An article."
    );
    assert!(!dir.path().join("folder/new.md").exists());
}

#[test]
fn two_outputs_to_one_place_are_refused_before_any_work() {
    let dir = corpus_dir(10);
    // A malformed line would stop the scan: the output error comes first.
    let mut bad = fs::read_to_string(dir.path().join("docs.jsonl")).unwrap();
    bad.push_str("{not json\n");
    fs::write(dir.path().join("docs.jsonl"), bad).unwrap();
    for (args, says) in [
        (
            &["scan", "docs.jsonl", "--json", "r", "--html", "./r"][..],
            "--json and --html both write to ./r",
        ),
        (
            &["dedup", "docs.jsonl", "-o", "r", "--json", "r"],
            "--output and --json both write to r",
        ),
        (
            &["scan", "docs.jsonl", "--json", "-", "--csv", "-"],
            "--json and --csv each ask for stdout",
        ),
        (
            &["dedup", "docs.jsonl", "--json", "-"],
            "--output and --json each ask for stdout",
        ),
        (
            &["scan", "docs.jsonl", "--json", "missing/r.json"],
            "folder missing does not exist",
        ),
        (
            &["scan", "docs.jsonl", "--csv", "docs.jsonl/r.csv"],
            "docs.jsonl is not a folder",
        ),
        (&["scan", "docs.jsonl", "--html", "."], "is a folder"),
    ] {
        let out = reprint(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let message = stderr(&out);
        assert!(message.contains(says), "{args:?}: {message}");
        assert!(
            !message.contains("line 11"),
            "{args:?}: the scan ran: {message}"
        );
    }
    assert!(!dir.path().join("r").exists());
}

#[test]
fn an_output_replaces_the_old_file_whole_and_leaves_no_temporary_file() {
    let dir = corpus_dir(30);
    fs::write(dir.path().join("r.json"), "old").unwrap();
    let out = reprint(
        dir.path(),
        &["scan", "docs.jsonl", "--json", "r.json", "-q"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["counts"]["documents_read"], 30);
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // A failed scan leaves the old file and no temporary one.
    let before = fs::read(dir.path().join("r.json")).unwrap();
    fs::write(dir.path().join("bad.jsonl"), "{not json\n").unwrap();
    let out = reprint(dir.path(), &["scan", "bad.jsonl", "--json", "r.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read(dir.path().join("r.json")).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
}

/// Killing a scan or a dedup at 50 moments of its run and its writing leaves
/// every output path with the whole old file or the whole new one.
#[test]
fn a_killed_run_leaves_each_output_whole_old_or_whole_new() {
    let dir = corpus_dir(3000);
    let path = |name: &str| dir.path().join(name);
    let scan = [
        "scan",
        "docs.jsonl",
        "--json",
        "r.json",
        "--csv",
        "r.csv",
        "--html",
        "r.html",
        "-q",
    ];
    let dedup = [
        "dedup",
        "docs.jsonl",
        "-o",
        "kept.jsonl",
        "--json",
        "d.json",
        "-q",
    ];
    // The complete new files, and how long a whole run takes.
    let timed = |args: &[&str]| {
        let started = Instant::now();
        assert!(reprint(dir.path(), args).status.success());
        started.elapsed()
    };
    let whole_run = [timed(&scan), timed(&dedup)];
    let new_csv = fs::read(path("r.csv")).unwrap();
    let new_kept = fs::read(path("kept.jsonl")).unwrap();
    let is_new = |name: &str, bytes: &[u8]| match name {
        "r.csv" => bytes == new_csv,
        "kept.jsonl" => bytes == new_kept,
        "r.html" => bytes.trim_ascii_end().ends_with(b"</html>"),
        _ => serde_json::from_slice::<serde_json::Value>(bytes)
            .is_ok_and(|r| r["counts"]["documents_read"] == 3000),
    };
    let old = b"the whole old file\n";
    // A temporary output file with bytes in it: the run is writing.
    let writing = || {
        fs::read_dir(dir.path()).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".tmp") && e.metadata().unwrap().len() > 0
        })
    };
    let mut random = 0x2545_f491_4f6c_dd1d_u64;
    let (mut kept_old, mut became_new, mut killed_while_writing) = (0, 0, 0);
    for round in 0..50 {
        let (args, names) = if round % 2 == 0 {
            (&scan[..], &["r.json", "r.csv", "r.html"][..])
        } else {
            (&dedup[..], &["kept.jsonl", "d.json"][..])
        };
        for name in names {
            fs::write(path(name), old).unwrap();
        }
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let share = (random % 1000) as f64 / 1000.0;
        let mut child = spawn(dir.path(), args, Stdio::null());
        if round % 4 < 2 {
            // Anywhere from the start to past the end.
            std::thread::sleep(whole_run[round % 2].mul_f64(1.1 * share));
        } else {
            // While writing: once an output has bytes, within 3 ms.
            while !writing() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros((share * 3000.0) as u64));
        }
        killed_while_writing += usize::from(writing() && child.try_wait().unwrap().is_none());
        child.kill().unwrap();
        child.wait().unwrap();
        for name in names {
            let bytes = fs::read(path(name)).unwrap();
            if bytes == old {
                kept_old += 1;
            } else {
                assert!(
                    is_new(name, &bytes),
                    "round {round}: {name} is torn ({} bytes)",
                    bytes.len()
                );
                became_new += 1;
            }
        }
        for entry in fs::read_dir(dir.path()).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().ends_with(".tmp") {
                fs::remove_file(entry.path()).unwrap();
            }
        }
    }
    eprintln!("old {kept_old}, new {became_new}, killed while writing {killed_while_writing}");
    assert!(
        killed_while_writing >= 10,
        "{killed_while_writing} kills while writing"
    );
}

#[test]
fn an_output_can_sit_beside_the_inputs_of_a_folder_scan() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    fs::create_dir(&seeds).unwrap();
    for entry in fs::read_dir(seeds_dir()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), seeds.join(entry.file_name())).unwrap();
    }
    let out = reprint(
        dir.path(),
        &["scan", "seeds", "--json", "seeds/report.json", "-q"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(Path::new(&seeds.join("report.json")).exists());
    // A second scan reads the same articles: the report is not one.
    let again = reprint(
        dir.path(),
        &["scan", "seeds", "--json", "seeds/report.json", "-q"],
    );
    assert!(again.status.success());
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(seeds.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["counts"]["documents_scanned"], 5);
}

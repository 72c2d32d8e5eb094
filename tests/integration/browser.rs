//! The HTML report in a real browser. `tests/browser/setup.sh` installs
//! Debian's chromium and playwright-core when they are missing;
//! `tests/browser/check_report.mjs` opens each report headless and checks it
//! against the JSON report of the same scan (see that script for the checks).
//! Screenshots go to `target/tmp/browser-test/`.
//!
//! Set `REPRINT_SKIP_BROWSER_TEST=1` to skip it on a machine that cannot
//! install chromium; it says so on stderr.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{planted_corpus, reprint, seeds_dir, stderr};

#[test]
fn html_report_in_headless_chromium_lists_the_pairs_and_highlights_the_reported_passages() {
    if std::env::var_os("REPRINT_SKIP_BROWSER_TEST").is_some() {
        eprintln!("browser test skipped: REPRINT_SKIP_BROWSER_TEST is set");
        return;
    }
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let setup = Command::new(browser.join("setup.sh"))
        .status()
        .expect("tests/browser/setup.sh starts");
    assert!(
        setup.success(),
        "tests/browser/setup.sh could not install chromium and playwright-core \
         (it needs apt-get as root or with sudo, and npm); \
         set REPRINT_SKIP_BROWSER_TEST=1 to skip this test"
    );
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-test");
    std::fs::create_dir_all(&out).unwrap();

    // seeds/: expected.json says every pair of the five articles is a rewrite.
    let seeds: Vec<String> = std::fs::read_dir(seeds_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    assert_eq!(seeds.len(), 5);
    let all_pairs = seeds
        .iter()
        .enumerate()
        .flat_map(|(i, a)| seeds[i + 1..].iter().map(move |b| (a.clone(), b.clone())));
    let all_pairs: Vec<(String, String)> = all_pairs.collect();
    check_in_browser(
        &browser,
        &out,
        Case {
            name: "seeds",
            input: &seeds_dir(),
            scan_options: &[],
            expected: all_pairs.clone(),
            expect_scrolling: false,
        },
    );
    // No pairs at all: the page must still draw, with empty charts and table.
    check_in_browser(
        &browser,
        &out,
        Case {
            name: "no-pairs",
            input: &seeds_dir(),
            scan_options: &["--no-story"],
            expected: Vec::new(),
            expect_scrolling: false,
        },
    );

    // seeds/ and an article that reprints two paragraphs of one of them
    // (its curly quotes make character offsets differ from byte offsets).
    let (folder, source) = seeds_with_a_reprint(&out, &seeds);
    let mut expected = all_pairs;
    expected.push((REPRINT.to_string(), source));
    check_in_browser(
        &browser,
        &out,
        Case {
            name: "seeds-with-a-reprint",
            input: &folder,
            scan_options: &[],
            expected,
            expect_scrolling: false,
        },
    );

    // A generated corpus with planted copies, planted passages and
    // boilerplate; its texts are longer than their boxes.
    let (corpus, planted) = planted_corpus(&out, 300, 600);
    check_in_browser(
        &browser,
        &out,
        Case {
            name: "generated",
            input: &corpus,
            scan_options: &[],
            expected: planted,
            expect_scrolling: true,
        },
    );
}

/// One report to check in the browser.
struct Case<'a> {
    name: &'a str,
    input: &'a Path,
    /// Options added to `reprint scan`.
    scan_options: &'a [&'a str],
    /// Pairs the table must list.
    expected: Vec<(String, String)>,
    /// Some click on a passage must bring it into view on the other side
    /// from out of it.
    expect_scrolling: bool,
}

/// Scans the case's input into an HTML and a JSON report and runs the
/// browser checks.
fn check_in_browser(browser: &Path, out: &Path, case: Case) {
    let Case {
        name,
        input,
        scan_options,
        expected,
        expect_scrolling,
    } = case;
    let html = out.join(format!("{name}.html"));
    let json = out.join(format!("{name}.json"));
    let scan = reprint(
        out,
        &[
            "scan",
            input.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
            "--quiet",
        ]
        .into_iter()
        .chain(scan_options.iter().copied())
        .collect::<Vec<_>>(),
    );
    assert!(scan.status.success(), "{}", stderr(&scan));
    let expected_file = out.join(format!("{name}-expected.tsv"));
    let lines: String = expected
        .iter()
        .map(|(a, b)| format!("{a}\t{b}\n"))
        .collect();
    std::fs::write(&expected_file, lines).unwrap();
    let mut check = Command::new("node");
    check
        .arg(browser.join("check_report.mjs"))
        .args(["--html", html.to_str().unwrap()])
        .args(["--json", json.to_str().unwrap()]);
    if !expected.is_empty() {
        check.args(["--expected", expected_file.to_str().unwrap()]);
    }
    if expect_scrolling {
        check.arg("--expect-scrolling");
    }
    let check = check
        .args(["--screenshots", out.to_str().unwrap()])
        .args(["--name", name])
        .current_dir(browser)
        .output()
        .expect("node starts");
    assert!(
        check.status.success(),
        "browser check of the {name} report failed:\n{}\n{}",
        String::from_utf8_lossy(&check.stdout),
        stderr(&check)
    );
    eprintln!("{}", String::from_utf8_lossy(&check.stdout).trim());
}

/// The reprint's file name (its id): markup in it must show as text.
const REPRINT: &str = "reprint <i>&amp; \"copy\".txt";

/// Copies the seeds into a folder with [`REPRINT`]: two paragraphs of the
/// third seed between paragraphs of its own. Returns the folder and the
/// source's file name.
fn seeds_with_a_reprint(out: &Path, seeds: &[String]) -> (PathBuf, String) {
    let folder = out.join("seeds-with-a-reprint");
    if folder.exists() {
        std::fs::remove_dir_all(&folder).unwrap();
    }
    std::fs::create_dir_all(&folder).unwrap();
    let mut names = seeds.to_vec();
    names.sort();
    for name in &names {
        std::fs::copy(seeds_dir().join(name), folder.join(name)).unwrap();
    }
    let source = names[2].clone();
    let text = std::fs::read_to_string(seeds_dir().join(&source)).unwrap();
    let long: Vec<&str> = text
        .split("\n\n")
        .filter(|p| p.split_whitespace().count() >= 60)
        .collect();
    assert!(long.len() >= 3, "{source} has three long paragraphs");
    let reprint = format!(
        "Talks resume in Istanbul\n\nOur correspondent reports from the Bosphorus, where \
         delegations arrived under heavy security on Wednesday morning.\n\n{}\n\nLocal \
         traders said the meeting had filled hotels near the palace for the week.\n\n{}\n\n\
         Reporting by our Istanbul bureau.",
        long[0], long[2]
    );
    std::fs::write(folder.join(REPRINT), reprint).unwrap();
    (folder, source)
}

//! The Python package (`python/`): `python/build.sh` builds it into the
//! project's own environment, `target/python-env` (made on first use, with
//! maturin and pytest from PyPI), and its pytest suite `python/tests` runs
//! there against this build's CLI, on seeds/ and a generated corpus of 3,000
//! articles with planted copies and reuse; its Spark tests run the Spark job
//! (`spark/reprint_spark.py`) on a loopback cluster (`spark/cluster.sh`, Java
//! 17 or later) and compare its output with the CLI's report.
//!
//! Set `REPRINT_SKIP_PYTHON_TEST=1` to skip it on a machine without Python
//! 3.11 or PyPI, `REPRINT_SKIP_SPARK_TEST=1` to skip only the Spark tests
//! (without Java); each says so.

use std::path::Path;
use std::process::Command;

use crate::util::{planted_corpus, seeds_dir};

#[test]
fn python_package_gives_the_reports_of_the_cli() {
    if std::env::var_os("REPRINT_SKIP_PYTHON_TEST").is_some() {
        eprintln!("python test skipped: REPRINT_SKIP_PYTHON_TEST is set");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-test");
    std::fs::create_dir_all(&out).unwrap();
    let (corpus, _) = planted_corpus(&out, 1_000, 2_000);

    let build = Command::new(root.join("python/build.sh"))
        .output()
        .expect("python/build.sh starts");
    assert!(
        build.status.success(),
        "python/build.sh failed (it needs python3 3.11+ with venv, and PyPI); \
         set REPRINT_SKIP_PYTHON_TEST=1 to skip this test:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let python = String::from_utf8(build.stdout).unwrap();
    let tests = Command::new(python.trim())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root.join("python/tests"))
        .env("REPRINT_BIN", env!("CARGO_BIN_EXE_reprint"))
        .env("REPRINT_SEEDS", seeds_dir())
        .env("REPRINT_TEST_CORPUS", &corpus)
        .current_dir(&out)
        .status()
        .expect("pytest starts");
    assert!(tests.success(), "the Python package's tests failed (above)");
}

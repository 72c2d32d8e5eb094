//! Every input a fuzz target crashed on, checked again with the target's own
//! property (`tests/fuzz/checks.rs`); they live in
//! `tests/fuzz/regressions/TARGET/`. Also the targets' starting inputs, so that
//! the properties themselves stay true on ordinary input.

#[path = "../fuzz/checks.rs"]
#[allow(dead_code)]
mod checks;

use std::path::Path;

#[test]
fn fuzz_regressions_and_seeds_hold_their_properties() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut checked = 0;
    for (target, check) in [
        ("jsonl", checks::check_jsonl as fn(&[u8])),
        ("normalize", checks::check_normalize),
        ("align", checks::check_align),
    ] {
        for folder in ["regressions", "inputs"] {
            let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.file_name().is_some_and(|n| n == ".keep") {
                    continue;
                }
                check(&std::fs::read(&path).unwrap());
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 6,
        "the starting inputs are missing ({checked} checked)"
    );
}

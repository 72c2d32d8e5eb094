//! The properties each fuzz target checks, as plain functions: the targets
//! call them on AFL's inputs, and the integration test `fuzz_regressions`
//! calls them on every input saved in `tests/fuzz/regressions/TARGET/` (each
//! crash found, kept as a test).

use std::io::Write;

use reprint::{Config, CorpusReader, Document, Entry};

/// The JSON Lines reader: any bytes as a `.jsonl` file give documents and
/// skipped items or one error, never a panic; every document read can be
/// read again, and its text is what was read.
pub fn check_jsonl(data: &[u8]) {
    let Some((&flags, lines)) = data.split_first() else {
        return;
    };
    let mut config = Config::default().input;
    config.skip_bad_lines = flags & 1 == 1;
    // Memory-backed when /dev/shm exists: the reader needs a file.
    let mut file = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile_in(if std::path::Path::new("/dev/shm").is_dir() {
            "/dev/shm"
        } else {
            "."
        })
        .expect("a temporary file");
    file.write_all(lines).expect("written");
    let Ok(reader) = CorpusReader::open(&[file.path().to_path_buf()], &config) else {
        return;
    };
    for entry in reader {
        match entry {
            Ok(Entry::Document(document)) => {
                let held = document.held_text().expect("just read").to_string();
                let mut released = document.clone();
                released.release_text();
                assert_eq!(released.load_text().expect("read again"), held);
            }
            Ok(Entry::Skipped(skipped)) => assert!(!skipped.reason.is_empty()),
            Err(_) => break,
        }
    }
}

/// The normalizer and its offset map: every word is non-empty, its span lies
/// on character boundaries of the original and is not empty, spans go
/// forward (two words may share a span when one character makes both: "⅝"
/// is "5⁄8"), and a word normalizes to itself.
pub fn check_normalize(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut last = 0..0;
    reprint::stages::for_each_word(text, |word, span| {
        assert!(!word.is_empty());
        assert!(span.start < span.end, "empty span {span:?}");
        assert!(
            span.start >= last.start && span.end >= last.end,
            "{span:?} goes back from {last:?}"
        );
        assert!(
            text.get(span.clone()).is_some(),
            "{span:?} is not on char boundaries"
        );
        last = span.clone();
        let mut again = Vec::new();
        reprint::stages::for_each_word(word, |w, _| again.push(w.to_string()));
        assert_eq!(again, [word], "{word:?} normalizes to {again:?}");
    });
}

/// The aligner, through `compare`: two texts (split at the first NUL byte)
/// give a verdict and passages whose offsets point at their text.
pub fn check_align(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((a, b)) = text.split_once('\0') else {
        return;
    };
    let (a, b) = (Document::new("a", a), Document::new("b", b));
    let Ok(comparison) = reprint::compare(&Config::default(), &a, &b) else {
        return;
    };
    let texts = (a.held_text().unwrap(), b.held_text().unwrap());
    for passage in &comparison.pair.passages {
        for (side, text) in [(&passage.a, texts.0), (&passage.b, texts.1)] {
            let slice = text
                .get(side.start_byte..side.end_byte)
                .expect("on char boundaries");
            assert_eq!(slice, side.text);
            assert_eq!(text[..side.start_byte].chars().count(), side.start_char);
            assert_eq!(slice.chars().count(), side.end_char - side.start_char);
        }
    }
}

//! Hostile inputs for the overlap stage: a very long document, documents made of
//! one repeated phrase, and a boilerplate line in every document. Each must
//! finish, must not flood the report, and must say what it left out.

use reprint::Verdict;
use reprint::{Config, Document, Entry, Report};

use crate::util::small_corpus;

fn scan(docs: Vec<Document>) -> Report {
    let entries = docs.into_iter().map(|d| Ok(Entry::Document(d)));
    reprint::run(&Config::default(), entries).unwrap().report
}

/// Text of `words` words drawn from a generated corpus (unrelated prose).
fn prose(words: usize, seed: u64) -> String {
    let corpus = small_corpus(words / 150 + 1, seed);
    let all: Vec<&str> = corpus
        .texts
        .iter()
        .flat_map(|t| t.split_whitespace())
        .collect();
    all.iter()
        .cycle()
        .take(words)
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_ten_megabyte_document_is_aligned_with_its_passage_found() {
    let passage = "the harbour authority said on Tuesday that the new container terminal \
                   would open three months late because of a dispute over dredging permits";
    let mut huge = String::with_capacity(10_500_000);
    let filler = prose(20_000, 7);
    while huge.len() < 10_000_000 {
        huge.push_str(&filler);
        huge.push_str(".\n\n");
        if huge.len() > 5_000_000 && !huge.contains(passage) {
            huge.push_str(passage);
            huge.push_str(".\n\n");
        }
    }
    assert!(huge.len() >= 10_000_000);
    let short = format!("Port news. {passage}. Shipping lines were not told why.");
    let report = scan(vec![
        Document::new("huge", huge.clone()),
        Document::new("short", short),
    ]);
    let pair = report
        .pairs
        .iter()
        .find(|p| p.scores.b == "short")
        .expect("the shared passage makes a pair");
    assert_eq!(pair.verdict, Verdict::PartialReuse);
    let found = pair
        .passages
        .iter()
        .find(|p| p.b.text.contains("harbour authority"))
        .expect("the passage is aligned");
    assert_eq!(&huge[found.a.start_byte..found.a.end_byte], found.a.text);
    assert!(
        found.a.text.starts_with("the harbour authority said"),
        "{}",
        found.a.text
    );
}

#[test]
fn documents_of_one_repeated_phrase_do_not_flood_the_report() {
    let phrase = "click here to subscribe now ";
    let docs = vec![
        Document::new("r1", phrase.repeat(20_000)),
        Document::new("r2", phrase.repeat(15_000)),
        Document::new("r3", format!("{} {}", prose(400, 3), phrase.repeat(5_000))),
        Document::new("story", prose(400, 4)),
    ];
    let report = scan(docs);
    let passages: usize = report.pairs.iter().map(|p| p.passages.len()).sum();
    assert!(passages <= 10, "{passages} passages for repetitive text");
    assert!(
        report.suppressed.pairs_with_repetitive_text >= 1,
        "{:?}",
        report.suppressed
    );
    let r12 = report
        .pairs
        .iter()
        .find(|p| (p.scores.a.as_str(), p.scores.b.as_str()) == ("r1", "r2"))
        .expect("two texts of one phrase are duplicates");
    assert_eq!(r12.verdict, Verdict::Duplicate);
    assert!(report
        .pairs
        .iter()
        .all(|p| p.scores.a != "story" && p.scores.b != "story"));
}

#[test]
fn a_boilerplate_line_in_every_document_makes_no_pairs() {
    let footer = "Sign up for our morning newsletter and get the top stories delivered \
                  to your inbox every day - Get link - X - Other Apps";
    let docs: Vec<Document> = (0..150)
        .map(|i| {
            Document::new(
                format!("d{i}"),
                format!("{}\n\n{footer}", prose(120, 100 + i)),
            )
        })
        .collect();
    let report = scan(docs);
    assert!(
        report.pairs.is_empty(),
        "the footer is not reuse: {:?}",
        report
            .pairs
            .iter()
            .map(|p| (&p.scores.a, &p.scores.b, p.verdict))
            .collect::<Vec<_>>()
    );
    assert!(report.suppressed.boilerplate_fingerprints > 0);
    assert!(report.suppressed.boilerplate_pair_emissions > 0);
    // A footer k-gram next to the story text is picked by winnowing in only some
    // documents, stays under max-df and pairs them; those pairs are aligned, their
    // passage is marked boilerplate, and they are counted, not listed.
    assert_eq!(
        report.suppressed.pairs_without_reuse,
        report.counts.aligned_pairs
    );
    assert!(report.suppressed.boilerplate_passages >= report.counts.aligned_pairs);
}

#[test]
fn ignored_phrases_are_boilerplate_even_in_a_small_corpus() {
    let footer = "Sign up for our morning newsletter and get the top stories delivered to your \
         inbox. Our journalism depends on readers like you, so please consider a \
         subscription today";
    let docs: Vec<Document> = (0..4)
        .map(|i| Document::new(format!("d{i}"), format!("{} {footer}", prose(150, 200 + i))))
        .collect();
    let entries = || docs.clone().into_iter().map(|d| Ok(Entry::Document(d)));
    let plain = reprint::run(&Config::default(), entries()).unwrap().report;
    assert!(
        plain
            .pairs
            .iter()
            .any(|p| p.verdict == Verdict::PartialReuse),
        "in four documents the footer looks like reuse"
    );
    let mut config = Config::default();
    config.overlap.ignore_phrases = vec![footer.to_string()];
    let ignored = reprint::run(&config, entries()).unwrap().report;
    assert!(ignored.pairs.is_empty(), "{:?}", ignored.pairs.len());
    assert_eq!(ignored.suppressed.ignored_phrase_occurrences, 4);
}

#[test]
fn a_shared_line_too_short_to_be_reuse_is_counted_not_aligned() {
    // Eight words: two 7-word k-grams, so at most two shared fingerprints,
    // which can stand for at most 18 words of identical runs.
    let line = "the minister told reporters talks would resume soon";
    let passage = prose(40, 77);
    let mut texts: Vec<String> = (0..6).map(|i| prose(400, 100 + i)).collect();
    // Documents 0 and 1 share the line, 2 and 3 a 40-word passage.
    for (i, shared) in [(0, line), (1, line), (2, &passage), (3, &passage)] {
        texts[i] = format!("{} {shared}. {}", prose(150, 200 + i as u64), texts[i]);
    }
    let docs = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| Document::new(i.to_string(), t))
        .collect();
    let report = scan(docs);
    let listed = |a: &str, b: &str| {
        report
            .pairs
            .iter()
            .any(|p| p.scores.a == a && p.scores.b == b)
    };
    assert!(!listed("0", "1"), "{:?}", report.pairs);
    assert!(listed("2", "3"), "{:?}", report.pairs);
    assert!(
        report.suppressed.overlap_pairs_too_small >= 1,
        "{:?}",
        report.suppressed
    );
}

/// A paragraph of `text` to reuse: its 60 words from the 100th on.
fn paragraph_of(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    words[100..160].join(" ")
}

#[test]
fn thousands_of_identical_documents_make_one_pair_each() {
    let text = prose(300, 41);
    let mut docs: Vec<Document> = (0..2000)
        .map(|i| Document::new(format!("copy{i}"), text.clone()))
        .collect();
    // An article that reuses a paragraph of the copied text: the passage is
    // in 2,001 documents but in two distinct texts, so it is not boilerplate.
    let reuse = format!(
        "{}\n\n{}\n\n{}",
        prose(150, 42),
        paragraph_of(&text),
        prose(150, 43)
    );
    docs.push(Document::new("reuse", reuse));
    let report = scan(docs);
    let c = &report.counts;
    assert_eq!(c.copies, 1999);
    assert_eq!(c.duplicate_pairs, 1999, "each copy with the first only");
    assert!(report
        .pairs
        .iter()
        .filter(|p| p.verdict == Verdict::Duplicate)
        .all(|p| p.scores.a == "copy0"));
    let reused: Vec<_> = report
        .pairs
        .iter()
        .filter(|p| p.verdict == Verdict::PartialReuse)
        .map(|p| (p.scores.a.as_str(), p.scores.b.as_str()))
        .collect();
    assert_eq!(reused, [("copy0", "reuse")]);
    assert_eq!(report.pairs.len(), 2000);
    // Not listed: the pairs of two copies, and each copy's reuse pair.
    assert_eq!(c.pairs_not_listed, (2000 * 1999 / 2 - 1999) + 1999);
    assert_eq!((c.clusters, c.documents_in_clusters), (1, 2000));
}

#[test]
fn a_few_copies_list_every_pair_as_if_each_was_checked() {
    let text = prose(300, 51);
    let reuse = format!(
        "{}\n\n{}\n\n{}",
        prose(150, 52),
        paragraph_of(&text),
        prose(150, 53)
    );
    let docs = vec![
        Document::new("a", text.clone()),
        Document::new("reuse", reuse),
        Document::new("b", text.clone()),
        Document::new("c", text),
    ];
    let report = scan(docs);
    let listed: Vec<(&str, &str, Verdict)> = report
        .pairs
        .iter()
        .map(|p| (p.scores.a.as_str(), p.scores.b.as_str(), p.verdict))
        .collect();
    assert_eq!(report.counts.copies, 2);
    assert_eq!(listed.len(), 6, "{listed:?}");
    for (a, b) in [("a", "b"), ("a", "c"), ("b", "c")] {
        assert!(
            listed.contains(&(a, b, Verdict::Duplicate)),
            "{a} {b}: {listed:?}"
        );
    }
    for (a, b) in [("a", "reuse"), ("reuse", "b"), ("reuse", "c")] {
        assert!(
            listed.contains(&(a, b, Verdict::PartialReuse)),
            "{a} {b}: {listed:?}"
        );
    }
    assert_eq!(report.counts.pairs_not_listed, 0, "{:?}", report.clusters);
    // The reused passage sits at the same offsets in each copy's pair.
    let passages: Vec<_> = report
        .pairs
        .iter()
        .filter(|p| p.verdict == Verdict::PartialReuse)
        .map(|p| {
            let side = if p.scores.a == "reuse" {
                &p.passages[0].b
            } else {
                &p.passages[0].a
            };
            (side.start_char, side.end_char)
        })
        .collect();
    assert!(passages.windows(2).all(|w| w[0] == w[1]), "{passages:?}");
}

/// Thousands of articles of unrelated stories, each ending in one agency
/// footer full of names and numbers: only the planted copies pair, by any
/// candidate stage, and the crowded LSH bucket the footer makes is counted.
/// (With the overlap stage off, nothing knows the footer is boilerplate:
/// articles it pairs share it verbatim, and are partial reuse.)
#[test]
fn articles_sharing_a_long_footer_pair_only_as_planted() {
    let footer = "Reporting by John Smith in Washington and Maria Garcia in Mexico City; \
                  additional reporting by Ahmed Khalil in Cairo; Editing by Peter Cooney \
                  and Jonathan Oatis. Copyright Thomson Reuters 2024, 3 Times Square, \
                  New York 10036. Our Standards: The Thomson Reuters Trust Principles. \
                  For more news on the Federal Reserve, the European Central Bank and the \
                  Bank of Japan, visit the Reuters Markets page or call 212 555 0100.";
    let corpus = small_corpus(3000, 61);
    // Each document's family: the planted source it copies, transitively.
    let mut family: Vec<usize> = (0..corpus.texts.len()).collect();
    for &(copy, source) in &corpus.planted {
        family[copy] = family[source];
    }
    let docs = corpus.texts.iter().enumerate().map(|(i, t)| {
        Ok(Entry::Document(Document::new(
            i.to_string(),
            format!("{t}\n\n{footer}"),
        )))
    });
    let report = reprint::run(&Config::default(), docs).unwrap().report;
    let unrelated: Vec<_> = report
        .pairs
        .iter()
        .filter(|p| {
            let id = |s: &str| s.parse::<usize>().unwrap();
            family[id(&p.scores.a)] != family[id(&p.scores.b)]
        })
        .map(|p| (&p.scores.a, &p.scores.b, p.verdict))
        .collect();
    assert!(unrelated.is_empty(), "{unrelated:?}");
    assert!(report.counts.near_duplicate_pairs + report.counts.duplicate_pairs > 100);
    assert!(
        report.suppressed.crowded_lsh_buckets > 0,
        "the footer decides some band for most articles"
    );
}

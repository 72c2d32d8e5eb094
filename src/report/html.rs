//! The HTML report: one self-contained page (inline CSS and JavaScript, no
//! network) for people who would rather look than read JSON.
//!
//! Input: a [`Report`] and the scanned documents, whose texts are read again
//! (see [`Document::load_text`]). Output: a page with an overview (counts,
//! settings, score histograms, skipped items), the duplicate and story
//! clusters, a sortable and filterable table of the pairs, and for each pair
//! both texts side by side with the shared passages highlighted.
//!
//! The page carries its data as two gzipped JSON blocks that its script
//! unpacks and renders: `reprint-data` (everything but the texts) and
//! `reprint-texts` (the texts of the documents the report names, one array).
//! Passages are given as character offsets (Unicode scalar values, as in the
//! JSON report) into those texts, not as copied text, so each text is stored
//! once however many pairs it is in. The table renders only the rows in view,
//! so the page stays responsive with tens of thousands of pairs (README:
//! measured with `benches/html/measure.mjs`).

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use ahash::AHashMap;
use base64::prelude::BASE64_STANDARD;
use base64::write::EncoderWriter;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Serialize;

use super::{
    ClusterReport, Counts, PairReport, Parameters, RunInfo, StoryClusterReport, Suppressed, Tool,
};
use crate::align::Passage;
use crate::grade::{Containment, Verdict};
use crate::input::{Document, Skipped};
use crate::story::evidence::SharedEvidence;
use crate::story::score::Side;
use crate::Report;

const TEMPLATE: &str = include_str!("html/report.html");
const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Writes the report as one HTML page. Texts are read one at a time and
/// written as they are read.
///
/// `documents` are the scanned documents (a [`crate::Scan`]'s); every
/// document the report names must be among them.
///
/// # Errors
/// The writer's I/O error; a text that cannot be read again is reported as
/// an I/O error carrying the reason (for example, the input changed).
pub fn write_html(report: &Report, documents: &[Document], out: &mut dyn Write) -> io::Result<()> {
    let named = NamedDocuments::of(report, documents)?;
    let page = Page::new(report, &named);
    let (head, rest) = split_template(TEMPLATE, "/*STYLE*/");
    let (body, tail) = split_template(rest, "<!--DATA-->");
    out.write_all(head.as_bytes())?;
    out.write_all(STYLE.as_bytes())?;
    out.write_all(body.as_bytes())?;

    write_packed(out, "reprint-data", |out| {
        serde_json::to_writer(out, &page).map_err(io::Error::from)
    })?;
    out.write_all(b"<script>")?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(b"</script>\n")?;
    // After the script, so that the table is drawn while the browser is still
    // reading the texts.
    write_packed(out, "reprint-texts", |out| {
        out.write_all(b"[")?;
        for (i, document) in named.documents.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            let text = document.load_text().map_err(io::Error::other)?;
            serde_json::to_writer(&mut *out, text.as_ref())?;
        }
        out.write_all(b"]")
    })?;
    out.write_all(tail.as_bytes())?;
    Ok(())
}

/// Splits the template at its one `marker`.
fn split_template<'t>(template: &'t str, marker: &str) -> (&'t str, &'t str) {
    template
        .split_once(marker)
        .expect("the HTML template holds each marker once")
}

/// The documents the report names (in pairs or clusters), in input order,
/// each with its number on the page.
struct NamedDocuments<'d> {
    documents: Vec<&'d Document>,
    number: AHashMap<&'d str, usize>,
}

impl<'d> NamedDocuments<'d> {
    fn of(report: &Report, documents: &'d [Document]) -> io::Result<Self> {
        let named = report.named_ids();
        let documents: Vec<&Document> = documents
            .iter()
            .filter(|d| named.contains(d.id.as_str()))
            .collect();
        if documents.len() != named.len() {
            return Err(io::Error::other(
                "the report names documents that are not among the scanned documents",
            ));
        }
        let number = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        Ok(NamedDocuments { documents, number })
    }

    fn number(&self, id: &str) -> usize {
        self.number[id]
    }
}

/// What the page's script renders, but the texts.
#[derive(Serialize)]
struct Page<'r> {
    tool: &'r Tool,
    parameters: &'r Parameters,
    counts: &'r Counts,
    skipped: &'r [Skipped],
    suppressed: &'r Suppressed,
    run: &'r RunInfo,
    /// Ids of the named documents; the texts block is in the same order.
    documents: Vec<&'r str>,
    pairs: Vec<PagePair<'r>>,
    clusters: Vec<PageCluster>,
    story_clusters: Vec<PageStoryCluster>,
}

impl<'r> Page<'r> {
    fn new(report: &'r Report, named: &NamedDocuments<'r>) -> Self {
        let members = |ids: &[String]| ids.iter().map(|id| named.number(id)).collect();
        Page {
            tool: &report.tool,
            parameters: &report.parameters,
            counts: &report.counts,
            skipped: &report.skipped,
            suppressed: &report.suppressed,
            run: &report.run,
            documents: named.documents.iter().map(|d| d.id.as_str()).collect(),
            pairs: report
                .pairs
                .iter()
                .map(|pair| PagePair::new(pair, named))
                .collect(),
            clusters: report
                .clusters
                .iter()
                .map(|c: &ClusterReport| PageCluster {
                    representative: named.number(&c.representative),
                    members: members(&c.members),
                })
                .collect(),
            story_clusters: report
                .story_clusters
                .iter()
                .map(|c: &StoryClusterReport| PageStoryCluster {
                    members: members(&c.members),
                    weakest_link: rounded(c.weakest_link),
                    linked_share: rounded(c.linked_share),
                })
                .collect(),
        }
    }
}

/// A pair as the report has it, with documents by number, passages as
/// offsets only, and scores rounded to [`SCORE_DECIMALS`].
#[derive(Serialize)]
struct PagePair<'r> {
    a: usize,
    b: usize,
    verdict: Verdict,
    jaccard: f64,
    estimated_jaccard: f64,
    containment_a_in_b: f64,
    containment_b_in_a: f64,
    found_by: &'r [Cow<'static, str>],
    reuse: PageReuse<'r>,
    passages: Vec<PagePassage>,
    story: Option<PageStory<'r>>,
}

/// Decimals kept of a score: the page shows two, and full precision made
/// the pair data a fifth larger (Reuters-21578, before gzip).
const SCORE_DECIMALS: i32 = 3;

fn rounded(score: f64) -> f64 {
    let scale = 10f64.powi(SCORE_DECIMALS);
    (score * scale).round() / scale
}

impl<'r> PagePair<'r> {
    fn new(pair: &'r PairReport, named: &NamedDocuments) -> Self {
        let s = &pair.scores;
        let reuse = &pair.reuse;
        PagePair {
            a: named.number(&s.a),
            b: named.number(&s.b),
            verdict: pair.verdict,
            jaccard: rounded(s.jaccard),
            estimated_jaccard: rounded(s.estimated_jaccard),
            containment_a_in_b: rounded(s.containment_a_in_b),
            containment_b_in_a: rounded(s.containment_b_in_a),
            found_by: &pair.found_by,
            reuse: PageReuse {
                words_a: reuse.words_a,
                words_b: reuse.words_b,
                share_a: rounded(reuse.share_a),
                share_b: rounded(reuse.share_b),
                containment: reuse.containment,
                likely_source: reuse.likely_source.as_deref(),
            },
            passages: pair.passages.iter().map(PagePassage::of).collect(),
            story: pair.story.as_ref().map(|story| PageStory {
                similarity: rounded(story.similarity),
                cosine: rounded(story.cosine),
                passage_containment: rounded(story.passage_containment),
                passage_specifics: rounded(story.passage_specifics),
                passage: story.passage.as_ref().map(|p| PageStoryPassage {
                    side: p.side,
                    start_char: p.start_char,
                    end_char: p.end_char,
                }),
                shared: story.shared.as_ref(),
            }),
        }
    }
}

#[derive(Serialize)]
struct PageReuse<'r> {
    words_a: usize,
    words_b: usize,
    share_a: f64,
    share_b: f64,
    containment: Containment,
    likely_source: Option<&'r str>,
}

#[derive(Serialize)]
struct PageStory<'r> {
    similarity: f64,
    cosine: f64,
    passage_containment: f64,
    passage_specifics: f64,
    passage: Option<PageStoryPassage>,
    shared: Option<&'r SharedEvidence>,
}

#[derive(Serialize)]
struct PageStoryPassage {
    side: Side,
    start_char: usize,
    end_char: usize,
}

/// A shared passage by character offsets: `[start_char, end_char]` per side.
#[derive(Serialize)]
struct PagePassage {
    a: [usize; 2],
    b: [usize; 2],
    words: [usize; 2],
    verbatim_words: [usize; 2],
    similarity: f64,
    boilerplate: bool,
}

impl PagePassage {
    fn of(p: &Passage) -> Self {
        PagePassage {
            a: [p.a.start_char, p.a.end_char],
            b: [p.b.start_char, p.b.end_char],
            words: [p.a.words, p.b.words],
            verbatim_words: [p.a.verbatim_words, p.b.verbatim_words],
            similarity: rounded(p.similarity),
            boilerplate: p.boilerplate,
        }
    }
}

#[derive(Serialize)]
struct PageCluster {
    representative: usize,
    members: Vec<usize>,
}

#[derive(Serialize)]
struct PageStoryCluster {
    members: Vec<usize>,
    weakest_link: f64,
    linked_share: f64,
}

/// Writes what `write` writes, gzipped and in base64, as the text of a
/// `<script>` element the browser does not run; the page's script unpacks it
/// (with `DecompressionStream`). Gzip took Reuters-21578's page from 41 to
/// 16 MB, and base64 cannot hold a `</script>`.
fn write_packed(
    out: &mut dyn Write,
    id: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write!(out, "<script id=\"{id}\" type=\"application/gzip+base64\">")?;
    let base64 = EncoderWriter::new(&mut *out, &BASE64_STANDARD);
    // The fastest level: the texts are most of the page, and higher levels
    // took three times as long for a tenth less size (gzip -1 vs -6, Reuters).
    let gzip = GzEncoder::new(base64, Compression::fast());
    // flate2 clears its 32 KB output buffer on every write, and JSON comes in
    // small pieces: without this buffer, that clearing took 3 of the 4 s
    // spent writing the page for the 100k-document corpus.
    let mut buffered = BufWriter::with_capacity(1 << 16, gzip);
    write(&mut buffered)?;
    buffered
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .finish()?
        .finish()?;
    out.write_all(b"</script>\n")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use base64::Engine;
    use flate2::read::GzDecoder;
    use serde_json::Value;

    use super::*;
    use crate::{Config, Entry};

    /// The JSON packed in the page's `<script id=...>` element.
    fn unpack(page: &str, id: &str) -> Value {
        let start = page.find(&format!("<script id=\"{id}\"")).unwrap();
        let start = start + page[start..].find('>').unwrap() + 1;
        let end = start + page[start..].find("</script>").unwrap();
        let gzipped = BASE64_STANDARD.decode(&page[start..end]).unwrap();
        let mut json = String::new();
        GzDecoder::new(&gzipped[..])
            .read_to_string(&mut json)
            .unwrap();
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn the_page_holds_each_named_text_once_and_passages_select_the_reported_text() {
        let story = "The harbour authority said on Monday that the new container terminal \
                     will open in spring, doubling the port's capacity </script> for ships \
                     arriving from Asia.";
        let docs = [
            ("wire", format!("{story} Officials expect more trucks.")),
            ("reprint", format!("Ünïcödé 📰 headline — {story}")),
            (
                "other",
                "A local team won the cup final after extra time.".to_string(),
            ),
        ];
        let entries = docs
            .iter()
            .map(|(id, text)| Ok(Entry::Document(Document::new(*id, text.clone()))));
        let scan = crate::run(&Config::default(), entries).unwrap();
        assert!(!scan.report.pairs[0].passages.is_empty());
        let mut out = Vec::new();
        write_html(&scan.report, &scan.documents, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        // The text's "</script>" is packed, so only the page's own three
        // script elements close.
        assert_eq!(page.matches("</script>").count(), 3);

        let data = unpack(&page, "reprint-data");
        let texts = unpack(&page, "reprint-texts");
        let ids: Vec<&str> = data["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            ["wire", "reprint"],
            "only documents in pairs, in input order"
        );
        for (id, text) in ids.iter().zip(texts.as_array().unwrap()) {
            let original = &docs.iter().find(|(d, _)| d == id).unwrap().1;
            assert_eq!(text.as_str().unwrap(), original);
        }
        for (pair, reported) in data["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&scan.report.pairs)
        {
            for (passage, reported) in pair["passages"]
                .as_array()
                .unwrap()
                .iter()
                .zip(&reported.passages)
            {
                for (side, reported) in [("a", &reported.a), ("b", &reported.b)] {
                    let text = texts[pair[side].as_u64().unwrap() as usize]
                        .as_str()
                        .unwrap();
                    let [start, end] = [0, 1].map(|i| passage[side][i].as_u64().unwrap() as usize);
                    let selected: String = text.chars().skip(start).take(end - start).collect();
                    assert_eq!(selected, reported.text);
                }
            }
        }
    }
}

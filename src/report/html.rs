//! The HTML report: one self-contained page (inline CSS and JavaScript, no
//! network) for people who would rather look than read JSON.
//!
//! Input: a [`Report`] and the scanned documents, whose texts are read again
//! (see [`Document::load_text`]). Output: a page with an overview (counts,
//! settings, score histograms, skipped items), the duplicate and story
//! clusters, a sortable and filterable table of the pairs, and for each pair
//! both texts side by side with the shared passages highlighted.
//!
//! The page carries its data as two JSON blocks that its script renders:
//! `reprint-data` (everything but the texts) and `reprint-texts` (the texts of
//! the documents the report names, one array). Passages are given as character
//! offsets (Unicode scalar values, as in the JSON report) into those texts, not
//! as copied text, so each text is stored once however many pairs it is in.
//! The table renders only the rows in view, so the page stays responsive with
//! tens of thousands of pairs; its size is about the size of those texts.

use std::io::{self, Write};

use ahash::{AHashMap, AHashSet};
use serde::Serialize;

use super::{
    ClusterReport, Counts, PairReport, Parameters, ReuseReport, RunInfo, StoryClusterReport,
    StoryReport, Suppressed, Tool,
};
use crate::align::Passage;
use crate::grade::Verdict;
use crate::input::{Document, Skipped};
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

    out.write_all(b"<script id=\"reprint-data\" type=\"application/json\">")?;
    serde_json::to_writer(ScriptSafe(&mut *out), &page)?;
    out.write_all(b"</script>\n<script id=\"reprint-texts\" type=\"application/json\">[")?;
    for (i, document) in named.documents.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let text = document.load_text().map_err(io::Error::other)?;
        serde_json::to_writer(ScriptSafe(&mut *out), text.as_ref())?;
    }
    out.write_all(b"]</script>\n<script>")?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(b"</script>\n")?;
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
        let mut named = AHashSet::new();
        let ids = report.pairs.iter().flat_map(|p| [&p.scores.a, &p.scores.b]);
        let ids = ids.chain(report.clusters.iter().flat_map(|c| &c.members));
        let ids = ids.chain(report.story_clusters.iter().flat_map(|c| &c.members));
        for id in ids {
            named.insert(id.as_str());
        }
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
                    weakest_link: c.weakest_link,
                    linked_share: c.linked_share,
                })
                .collect(),
        }
    }
}

/// A pair as the report has it, with documents by number and passages as
/// offsets only.
#[derive(Serialize)]
struct PagePair<'r> {
    a: usize,
    b: usize,
    verdict: Verdict,
    jaccard: f64,
    estimated_jaccard: f64,
    containment_a_in_b: f64,
    containment_b_in_a: f64,
    found_by: &'r [&'static str],
    reuse: &'r ReuseReport,
    passages: Vec<PagePassage>,
    story: Option<&'r StoryReport>,
}

impl<'r> PagePair<'r> {
    fn new(pair: &'r PairReport, named: &NamedDocuments) -> Self {
        let s = &pair.scores;
        PagePair {
            a: named.number(&s.a),
            b: named.number(&s.b),
            verdict: pair.verdict,
            jaccard: s.jaccard,
            estimated_jaccard: s.estimated_jaccard,
            containment_a_in_b: s.containment_a_in_b,
            containment_b_in_a: s.containment_b_in_a,
            found_by: &pair.found_by,
            reuse: &pair.reuse,
            passages: pair.passages.iter().map(PagePassage::of).collect(),
            story: pair.story.as_ref(),
        }
    }
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
            similarity: p.similarity,
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

/// Writes JSON into a `<script>` element: every `<` becomes `\u003c`, so no
/// text can close the element (`</script>`) or open a comment. JSON only
/// holds `<` inside strings, where the escape means the same character.
struct ScriptSafe<W>(W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'<') {
            self.0.write_all(&rest[..at])?;
            self.0.write_all(br"\u003c")?;
            rest = &rest[at + 1..];
        }
        self.0.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_its_script_element() {
        let mut out = Vec::new();
        let text = "a </script><!-- b <";
        serde_json::to_writer(ScriptSafe(&mut out), text).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(!written.contains('<'), "{written}");
        let back: String = serde_json::from_str(&written).unwrap();
        assert_eq!(back, text);
    }
}

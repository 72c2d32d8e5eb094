//! Text rules: Unicode NFKC, case folding, typographic quotes and dashes unified,
//! invisible format characters dropped, whitespace collapsed and trimmed.
//!
//! Input: the original text. Output: [`NormalizedText`], the normalized string plus,
//! for every normalized byte, the byte span of the original text it came from.
//!
//! Invariants: normalizing twice gives the same text as normalizing once; every
//! origin span lies inside the original text on character boundaries. NFKC can
//! compose a base character with the combining marks that follow it, so the text
//! is processed in segments of one starter plus its combining marks, and every
//! byte a segment produces maps back to the whole segment.

use std::ops::Range;

use caseless::Caseless;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// A normalized text with a map back to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedText {
    text: String,
    origin_start: Vec<u32>,
    origin_end: Vec<u32>,
}

impl NormalizedText {
    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The byte range of the original text that produced `normalized` (a
    /// non-empty byte range of [`NormalizedText::as_str`]).
    ///
    /// # Panics
    /// If the range is empty or out of bounds.
    pub fn original_span(&self, normalized: Range<usize>) -> Range<usize> {
        assert!(normalized.start < normalized.end && normalized.end <= self.text.len());
        self.origin_start[normalized.start] as usize..self.origin_end[normalized.end - 1] as usize
    }
}

/// Normalizes `original`, keeping the map back to original byte offsets.
///
/// # Examples
/// ```
/// let norm = reprint::normalize::normalize("  “Straße”\u{2014}ok ");
/// assert_eq!(norm.as_str(), "\"strasse\"-ok");
/// assert_eq!(norm.original_span(1..8), 5..12); // "strasse" <- "Straße"
/// ```
pub fn normalize(original: &str) -> NormalizedText {
    let mut sink = MappedSink {
        out: NormalizedText {
            text: String::with_capacity(original.len()),
            origin_start: Vec::with_capacity(original.len()),
            origin_end: Vec::with_capacity(original.len()),
        },
    };
    normalize_into(original, &mut sink);
    sink.out
}

/// Normalizes `original` into `out` (cleared first) without the offset map: the
/// cheaper path for sketching, where only the normalized words matter.
pub fn normalize_text_into(original: &str, out: &mut String) {
    out.clear();
    let mut sink = PlainSink { out };
    normalize_into(original, &mut sink);
}

/// Where normalized characters go, with the original span each came from.
trait Sink {
    fn push(&mut self, c: char, origin: Range<usize>);
    fn is_empty(&self) -> bool;
}

struct MappedSink {
    out: NormalizedText,
}

impl Sink for MappedSink {
    fn push(&mut self, c: char, origin: Range<usize>) {
        self.out.text.push(c);
        for _ in 0..c.len_utf8() {
            self.out.origin_start.push(origin.start as u32);
            self.out.origin_end.push(origin.end as u32);
        }
    }
    fn is_empty(&self) -> bool {
        self.out.text.is_empty()
    }
}

struct PlainSink<'a> {
    out: &'a mut String,
}

impl Sink for PlainSink<'_> {
    fn push(&mut self, c: char, _origin: Range<usize>) {
        self.out.push(c);
    }
    fn is_empty(&self) -> bool {
        self.out.is_empty()
    }
}

/// What one character becomes after the typographic rules.
enum Mapped {
    Char(char),
    Space,
    Drop,
}

fn map_char(c: char) -> Mapped {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{2039}' | '\u{203A}' => Mapped::Char('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}'
        | '\u{00AB}' | '\u{00BB}' => Mapped::Char('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
            Mapped::Char('-')
        }
        c if is_invisible(c) => Mapped::Drop,
        c if c.is_whitespace() || c.is_control() => Mapped::Space,
        c => Mapped::Char(c),
    }
}

/// Soft hyphens and zero-width characters split words invisibly in web text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn normalize_into(original: &str, sink: &mut impl Sink) {
    let mut pending_space: Option<Range<usize>> = None;
    let bytes = original.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let first = bytes[start];
        let next_is_ascii = bytes.get(start + 1).is_none_or(|b| b.is_ascii());
        if first.is_ascii() && next_is_ascii {
            // ASCII fast path: NFKC and case folding reduce to lowercasing.
            let c = first.to_ascii_lowercase() as char;
            emit(sink, &mut pending_space, map_char(c), start..start + 1);
            start += 1;
            continue;
        }
        let end = segment_end(original, start);
        let segment = &original[start..end];
        // Invisible characters go before NFKC so that they cannot keep a base
        // character from composing with its marks.
        let visible = segment.chars().filter(|&c| !is_invisible(c));
        for c in visible.nfkc().default_case_fold().nfkc() {
            emit(sink, &mut pending_space, map_char(c), start..end);
        }
        start = end;
    }
}

/// The end of the segment starting at `start`: one character plus the combining
/// marks (canonical combining class > 0) and invisible characters that follow it.
fn segment_end(text: &str, start: usize) -> usize {
    let mut chars = text[start..].char_indices();
    chars.next();
    for (offset, c) in chars {
        if canonical_combining_class(c) == 0 && !is_invisible(c) {
            return start + offset;
        }
    }
    text.len()
}

/// Sends one mapped character to the sink. Whitespace is held back until the next
/// visible character, so runs collapse to one space and leading/trailing whitespace
/// disappears; the space's origin spans the whole run.
fn emit(
    sink: &mut impl Sink,
    pending_space: &mut Option<Range<usize>>,
    mapped: Mapped,
    origin: Range<usize>,
) {
    match mapped {
        Mapped::Drop => {}
        Mapped::Space => {
            if !sink.is_empty() {
                *pending_space = Some(match pending_space.take() {
                    Some(run) => run.start..origin.end,
                    None => origin,
                });
            }
        }
        Mapped::Char(c) => {
            if let Some(run) = pending_space.take() {
                sink.push(' ', run);
            }
            sink.push(c, origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    macro_rules! normalizes {
        ($($name:ident: $input:expr => $expected:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(normalize($input).as_str(), $expected);
                let mut plain = String::new();
                normalize_text_into($input, &mut plain);
                assert_eq!(plain, $expected);
            }
        )*};
    }

    normalizes! {
        lowercases_ascii: "Hello World" => "hello world";
        collapses_and_trims_whitespace: " \t a \n\n b\r\n" => "a b";
        nfkc_compatibility: "ﬁle №5 ①" => "file no5 1";
        composes_combining_marks: "Cafe\u{301}" => "café";
        full_case_folding: "STRASSE Straße ΣΑΣ" => "strasse strasse σασ";
        curly_quotes: "\u{201C}It\u{2019}s\u{201D}" => "\"it's\"";
        dashes: "a\u{2013}b\u{2014}c\u{2212}d" => "a-b-c-d";
        drops_soft_hyphen_and_zero_width: "news\u{AD}paper\u{200B}s" => "newspapers";
        nbsp_is_space: "a\u{A0}\u{2003}b" => "a b";
        empty: "" => "";
        only_space: " \u{A0}\n" => "";
    }

    #[test]
    fn spans_point_at_original_characters() {
        let original = "Ünïcode  “Quotes”";
        let norm = normalize(original);
        assert_eq!(norm.as_str(), "ünïcode \"quotes\"");
        let q = norm.as_str().find("quotes").unwrap();
        assert_eq!(&original[norm.original_span(q..q + 6)], "Quotes");
        let space = norm.as_str().find(' ').unwrap();
        assert_eq!(&original[norm.original_span(space..space + 1)], "  ");
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "B", "é", "e\u{301}", "Σ", "ß", "ﬁ", "“", "”", "’", "—", " ", "  ", "\n", "\t",
            "\u{A0}", "\u{AD}", "1,200", "北京", "😀", "\u{301}", "İ", "ǅ", ".", "'",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(text in text_strategy()) {
            let once = normalize(&text);
            let twice = normalize(once.as_str());
            prop_assert_eq!(twice.as_str(), once.as_str());
        }

        #[test]
        fn spans_are_in_bounds_on_char_boundaries(text in text_strategy()) {
            let norm = normalize(&text);
            for (i, c) in norm.as_str().char_indices() {
                let span = norm.original_span(i..i + c.len_utf8());
                prop_assert!(span.start < span.end && span.end <= text.len());
                prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
    }
}

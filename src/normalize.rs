//! Text rules and words: Unicode NFKC, case folding, typographic quotes and
//! dashes unified, invisible format characters dropped, whitespace collapsed and
//! trimmed; words are the maximal runs of alphanumeric characters or `_` of the
//! normalized text.
//!
//! Input: the original text. Output: its normalized words, each with the byte
//! span of the original text it came from ([`for_each_word`]), or the whole
//! normalized text ([`normalize_text_into`], for character shingles).
//!
//! Invariants: normalizing twice gives the same text as normalizing once; every
//! word's span lies inside the original text on character boundaries. NFKC can
//! compose a base character with the combining marks that follow it, so the text
//! is processed in segments of one starter plus its combining marks, and every
//! character a segment produces maps back to the whole segment. ASCII text, the
//! common case, takes a byte-at-a-time path.

use std::ops::Range;

use caseless::Caseless;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Normalizes `original` into `out` (cleared first): the whole normalized text,
/// for character shingles. Whitespace runs collapse to one space, and leading
/// and trailing whitespace disappears.
pub fn normalize_text_into(original: &str, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    for_each_char(original, |mapped, _| match mapped {
        Mapped::Drop => {}
        Mapped::Space => pending_space = !out.is_empty(),
        Mapped::Char(c) => {
            if std::mem::take(&mut pending_space) {
                out.push(' ');
            }
            out.push(c);
        }
    });
}

/// Calls `f` with every word of the normalized `original`, in order: the
/// normalized word and the byte range of the original text it came from.
///
/// Words are maximal runs of alphanumeric characters or `_` in the normalized
/// text (the `\w+` rule most MinHash tools use). Words are cut as the text is
/// normalized, so no normalized copy or offset map is built: this is the hot
/// path of every stage that reads words.
///
/// # Examples
/// ```
/// let text = "The “Quick” fox";
/// let mut words = Vec::new();
/// reprint::normalize::for_each_word(text, |word, span| words.push((word.to_string(), &text[span])));
/// assert_eq!(words[1], ("quick".to_string(), "Quick"));
/// ```
pub fn for_each_word(original: &str, mut f: impl FnMut(&str, Range<usize>)) {
    let bytes = original.as_bytes();
    let mut word = String::new();
    let mut span = 0..0;
    let mut start = 0;
    while start < bytes.len() {
        // Fast paths, one table lookup per byte: an ASCII byte followed by
        // ASCII (so no combining mark can change it) is its own normalized
        // form, lowercased.
        if word.is_empty() {
            match ASCII_CLASS[bytes[start] as usize] {
                Class::Lower | Class::Upper => {
                    let (end, upper) = ascii_word_end(bytes, start);
                    if bytes.get(end).is_none_or(u8::is_ascii) {
                        let slice = &original[start..end];
                        if upper {
                            word.push_str(slice);
                            word.make_ascii_lowercase();
                            f(&word, start..end);
                            word.clear();
                        } else {
                            // Without capitals the word is handed over without a copy.
                            f(slice, start..end);
                        }
                        start = end;
                        continue;
                    }
                }
                Class::Separator if bytes.get(start + 1).is_none_or(u8::is_ascii) => {
                    start += 1;
                    continue;
                }
                _ => {}
            }
        }
        start = next_chars(original, start, |mapped, origin| match mapped {
            Mapped::Char(c) if is_word_char(c) => {
                if word.is_empty() {
                    span.start = origin.start;
                }
                span.end = origin.end;
                word.push(c);
            }
            // An invisible character inside a word does not split it.
            Mapped::Drop => {}
            Mapped::Char(_) | Mapped::Space => {
                if !word.is_empty() {
                    f(&word, span.clone());
                    word.clear();
                }
            }
        });
    }
    if !word.is_empty() {
        f(&word, span);
    }
}

/// Where the run of ASCII word bytes starting at `start` ends, and whether it
/// holds a capital.
#[inline(always)]
fn ascii_word_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut upper = false;
    for (end, &b) in bytes.iter().enumerate().skip(start) {
        match ASCII_CLASS[b as usize] {
            Class::Lower => {}
            Class::Upper => upper = true,
            _ => return (end, upper),
        }
    }
    (bytes.len(), upper)
}

/// Whether a normalized character belongs to a word.
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || (!c.is_ascii() && c.is_alphanumeric())
}

/// What a byte is to the word scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An ASCII word character that lowercasing leaves alone (`a-z`, `0-9`, `_`).
    Lower,
    /// An ASCII capital.
    Upper,
    /// Any other ASCII character: it ends a word.
    Separator,
    /// Part of a non-ASCII character.
    Other,
}

/// The class of every byte: a table, as the word scan is the innermost loop
/// of reading text.
static ASCII_CLASS: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_uppercase() {
            Class::Upper
        } else if byte.is_ascii_alphanumeric() || byte == b'_' {
            Class::Lower
        } else {
            Class::Separator
        };
        b += 1;
    }
    table
};

/// Calls `f` with every normalized character (before whitespace collapsing)
/// and the byte range of the original it came from.
fn for_each_char(original: &str, mut f: impl FnMut(Mapped, Range<usize>)) {
    let mut start = 0;
    while start < original.len() {
        start = next_chars(original, start, &mut f);
    }
}

/// Normalizes the character at `start` (with the combining marks that follow
/// it), calls `f` with each normalized character and the original byte range
/// it came from, and returns where the next character starts.
#[inline(always)]
fn next_chars(original: &str, start: usize, mut f: impl FnMut(Mapped, Range<usize>)) -> usize {
    let bytes = original.as_bytes();
    let first = bytes[start];
    if first.is_ascii() && bytes.get(start + 1).is_none_or(u8::is_ascii) {
        // ASCII fast path (no combining mark follows): NFKC and case folding
        // reduce to lowercasing, and of the typographic rules only whitespace
        // applies.
        let mapped = if first.is_ascii_whitespace() || first.is_ascii_control() {
            Mapped::Space
        } else {
            Mapped::Char(first.to_ascii_lowercase() as char)
        };
        f(mapped, start..start + 1);
        return start + 1;
    }
    let end = segment_end(original, start);
    let segment = &original[start..end];
    // Invisible characters go before NFKC so that they cannot keep a base
    // character from composing with its marks.
    let visible = segment.chars().filter(|&c| !is_invisible(c));
    for c in visible.nfkc().default_case_fold().nfkc() {
        f(map_char(c), start..end);
    }
    end
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn normalized(text: &str) -> String {
        let mut out = String::new();
        normalize_text_into(text, &mut out);
        out
    }

    /// (normalized word, original text of its span) for every word.
    fn words(text: &str) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for_each_word(text, |word, span| out.push((word.to_string(), &text[span])));
        out
    }

    macro_rules! normalizes {
        ($($name:ident: $input:expr => $expected:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(normalized($input), $expected);
            }
        )*};
    }

    normalizes! {
        lowercases_ascii: "Hello World" => "hello world";
        collapses_and_trims_whitespace: " \t a \n\n b\r\n" => "a b";
        control_characters_are_space: "a\x0Bb\x00c" => "a b c";
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
    fn words_span_their_original_characters() {
        let text = "Ünïcode,  “Quotes” 1,200 ﬁne Cafe\u{301} news\u{AD}paper";
        assert_eq!(
            words(text),
            [
                ("ünïcode".to_string(), "Ünïcode"),
                ("quotes".to_string(), "Quotes"),
                ("1".to_string(), "1"),
                ("200".to_string(), "200"),
                ("fine".to_string(), "ﬁne"),
                ("café".to_string(), "Cafe\u{301}"),
                ("newspaper".to_string(), "news\u{AD}paper"),
            ]
        );
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "B", "é", "e\u{301}", "Σ", "ß", "ﬁ", "“", "”", "’", "—", " ", "  ", "\n", "\t",
            "\u{A0}", "\u{AD}", "1,200", "北京", "😀", "\u{301}", "İ", "ǅ", ".", "'", "_", "Word",
            "x1_Y", "lower",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(text in text_strategy()) {
            let once = normalized(&text);
            prop_assert_eq!(normalized(&once), once);
        }

        /// The words are those of the normalized text, and each span lies in
        /// the original on character boundaries, in order.
        #[test]
        fn words_are_the_normalized_texts_words(text in text_strategy()) {
            let norm = normalized(&text);
            let expected: Vec<&str> = norm
                .split(|c: char| !is_word_char(c))
                .filter(|w| !w.is_empty())
                .collect();
            let mut got = Vec::new();
            let mut last_start = 0;
            for_each_word(&text, |word, span| {
                got.push(word.to_string());
                assert!(span.start < span.end && span.end <= text.len());
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                // Two words from one original character share its span.
                assert!(span.start >= last_start, "spans in order");
                last_start = span.start;
            });
            prop_assert_eq!(got, expected);
        }
    }
}

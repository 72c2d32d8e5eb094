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
/// reprint::stages::for_each_word(text, |word, span| words.push((word.to_string(), &text[span])));
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
            if bytes[start].is_ascii() {
                let next = ascii_block_words(original, start, &mut word, &mut f);
                if next > start {
                    start = next;
                    continue;
                }
            }
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

/// Bytes the block scan classifies at once: one bit each in a `u64`.
const BLOCK_BYTES: usize = 64;

/// Emits the words of the ASCII text from `start` on, a block of up to
/// [`BLOCK_BYTES`] bytes at a time, and returns where it stopped: after the
/// last word it emitted (`start` when it emitted none).
///
/// Only words followed by an ASCII byte inside the block are emitted: a word
/// that reaches the block's end may go on, and one followed by a non-ASCII
/// byte may take a combining mark, so both are left to the next step. Word
/// boundaries come from bit masks (a word is a run of set bits), so there is
/// no branch per byte; this is where most texts spend their time.
#[inline(always)]
fn ascii_block_words(
    original: &str,
    start: usize,
    lowered: &mut String,
    f: &mut impl FnMut(&str, Range<usize>),
) -> usize {
    let bytes = original.as_bytes();
    let block = &bytes[start..bytes.len().min(start + BLOCK_BYTES)];
    let masks = BlockMasks::of(block);
    // Words must end before the first non-ASCII byte (or the block's end).
    let usable = if masks.non_ascii == 0 {
        block.len()
    } else {
        masks.non_ascii.trailing_zeros() as usize
    };
    let mut words = masks.word;
    let mut stop = 0;
    while words != 0 {
        let first = words.trailing_zeros() as usize;
        let end = first + (!(words >> first)).trailing_zeros() as usize;
        if end >= usable {
            break;
        }
        let span = start + first..start + end;
        let run = (u64::MAX << first) & !(u64::MAX << end);
        if masks.upper & run == 0 {
            f(&original[span.clone()], span);
        } else {
            lowered.push_str(&original[span.clone()]);
            lowered.make_ascii_lowercase();
            f(lowered, span);
            lowered.clear();
        }
        stop = end;
        words &= u64::MAX << end;
    }
    start + stop
}

/// One bit per byte of a block: which bytes are ASCII word characters, which
/// are capitals, which are not ASCII.
#[derive(Debug, PartialEq, Eq)]
struct BlockMasks {
    word: u64,
    upper: u64,
    non_ascii: u64,
}

impl BlockMasks {
    /// The masks of up to 64 bytes, eight at a time as one `u64` (SWAR: the
    /// byte ranges are tested with carry-free additions on 7-bit values).
    fn of(block: &[u8]) -> Self {
        let mut masks = BlockMasks {
            word: 0,
            upper: 0,
            non_ascii: 0,
        };
        for (i, chunk) in block.chunks(8).enumerate() {
            let mut lane = [0u8; 8];
            lane[..chunk.len()].copy_from_slice(chunk);
            let x = u64::from_le_bytes(lane);
            let high = x & HIGH_BITS;
            let y = x & !HIGH_BITS;
            let upper = in_range(y, b'A', b'Z') & !high;
            let word = (upper
                | in_range(y, b'a', b'z')
                | in_range(y, b'0', b'9')
                | in_range(y, b'_', b'_'))
                & !high;
            // The zero padding of a short chunk sets no bit.
            masks.word |= high_bits_to_mask(word) << (8 * i);
            masks.upper |= high_bits_to_mask(upper) << (8 * i);
            masks.non_ascii |= high_bits_to_mask(high) << (8 * i);
        }
        masks
    }
}

/// The high bit of every byte of a `u64`.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Sets the high bit of each byte of `y` (every byte below 0x80) that lies in
/// `lo..=hi`: adding `0x80 - lo` sets it when the byte is at least `lo`, adding
/// `0x7F - hi` sets it when the byte is above `hi`, and neither sum carries
/// into the next byte.
#[inline(always)]
fn in_range(y: u64, lo: u8, hi: u8) -> u64 {
    let splat = |b: u8| u64::from_le_bytes([b; 8]);
    (y + splat(0x80 - lo)) & !(y + splat(0x7F - hi)) & HIGH_BITS
}

/// Gathers the high bit of byte i of `h` into bit i of the result.
#[inline(always)]
fn high_bits_to_mask(h: u64) -> u64 {
    ((h >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
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

    /// Byte-at-a-time masks, to check the SWAR ones against.
    fn masks_by_byte(block: &[u8]) -> BlockMasks {
        let bit = |f: &dyn Fn(u8) -> bool| {
            block
                .iter()
                .enumerate()
                .filter(|&(_, &b)| f(b))
                .fold(0u64, |m, (i, _)| m | 1 << i)
        };
        BlockMasks {
            word: bit(&|b| b.is_ascii_alphanumeric() || b == b'_'),
            upper: bit(&|b| b.is_ascii_uppercase()),
            non_ascii: bit(&|b| !b.is_ascii()),
        }
    }

    #[test]
    fn block_masks_classify_every_byte_value() {
        let all: Vec<u8> = (0..=255).collect();
        for block in all.chunks(64) {
            assert_eq!(BlockMasks::of(block), masks_by_byte(block));
            for len in [0, 1, 7, 9, 63] {
                assert_eq!(BlockMasks::of(&block[..len]), masks_by_byte(&block[..len]));
            }
        }
    }

    proptest! {
        #[test]
        fn block_masks_match_bytewise(block in prop::collection::vec(any::<u8>(), 0..=64)) {
            prop_assert_eq!(BlockMasks::of(&block), masks_by_byte(&block));
        }
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "B", "é", "e\u{301}", "Σ", "ß", "ﬁ", "“", "”", "’", "—", " ", "  ", "\n", "\t",
            "\u{A0}", "\u{AD}", "1,200", "北京", "😀", "\u{301}", "İ", "ǅ", ".", "'", "_", "Word",
            "x1_Y", "lower",
        ]);
        // Up to a few hundred bytes: words cross the scan's 64-byte blocks.
        prop::collection::vec(pieces, 0..120).prop_map(|v| v.concat())
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

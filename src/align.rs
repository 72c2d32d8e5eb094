//! Shared passages: maximal runs of matching words between two documents,
//! reported as spans of both *original* texts.
//!
//! Input: both texts and their [`Token`]s. Output: [`Passage`]s ordered by their
//! position in the first document.
//!
//! Method: every run of `min_passage_tokens` words of B is indexed; each match in A
//! is an anchor, extended backwards and forwards along its diagonal to a maximal
//! run (a diagonal already covered is not revisited). Runs are then tiled greedily,
//! longest first (Wise's greedy string tiling, as in YAP and JPlag), so that every
//! word belongs to at most one passage on each side.
//!
//! Bound: an anchor that occurs more than [`MAX_ANCHOR_OCCURRENCES`] times in B
//! (a repeated phrase) is not indexed; runs through it are still found from
//! neighbouring anchors, and the work stays linear in practice.

use ahash::AHashMap;
use bit_vec::BitVec;
use serde::Serialize;

use crate::shingle::Token;

/// Anchors repeated more often than this in one document are not indexed.
pub const MAX_ANCHOR_OCCURRENCES: usize = 32;

/// One side of a passage: where it is in an original text, and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassageSide {
    /// First byte in the original text.
    pub start_byte: usize,
    /// One past the last byte.
    pub end_byte: usize,
    /// First character (Unicode scalar value) in the original text.
    pub start_char: usize,
    /// One past the last character.
    pub end_char: usize,
    /// The original text of the passage: `text[start_byte..end_byte]`.
    pub text: String,
}

/// A run of words that both documents share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// The passage in the first document.
    pub a: PassageSide,
    /// The passage in the second document.
    pub b: PassageSide,
    /// Its length in words.
    pub words: usize,
}

/// A maximal diagonal run: `a[a_start..a_start+len] == b[b_start..b_start+len]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    a_start: usize,
    b_start: usize,
    len: usize,
}

/// The shared passages of two documents of at least `min_passage_tokens` words
/// (or of the whole shorter document, when it is shorter than that).
pub fn align(
    a_text: &str,
    a_tokens: &[Token],
    b_text: &str,
    b_tokens: &[Token],
    min_passage_tokens: usize,
) -> Vec<Passage> {
    let a: Vec<u64> = a_tokens.iter().map(|t| t.hash).collect();
    let b: Vec<u64> = b_tokens.iter().map(|t| t.hash).collect();
    let anchor = min_passage_tokens.min(a.len()).min(b.len());
    if anchor == 0 {
        return Vec::new();
    }
    let runs = tile(maximal_runs(&a, &b, anchor), a.len(), b.len(), anchor);
    let a_sides = sides(a_text, a_tokens, runs.iter().map(|r| (r.a_start, r.len)));
    let b_sides = sides(b_text, b_tokens, runs.iter().map(|r| (r.b_start, r.len)));
    a_sides
        .into_iter()
        .zip(b_sides)
        .zip(&runs)
        .map(|((a, b), run)| Passage {
            a,
            b,
            words: run.len,
        })
        .collect()
}

/// Hash of `len` consecutive word hashes (in memory only, never stored).
fn window_key(words: &[u64]) -> u64 {
    words.iter().fold(0u64, |h, &w| {
        (h.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    })
}

fn maximal_runs(a: &[u64], b: &[u64], anchor: usize) -> Vec<Run> {
    let mut index: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for (j, window) in b.windows(anchor).enumerate() {
        index.entry(window_key(window)).or_default().push(j as u32);
    }
    index.retain(|_, positions| positions.len() <= MAX_ANCHOR_OCCURRENCES);
    // Per diagonal (a - b), the end in A of the last run found on it.
    let mut covered: AHashMap<isize, usize> = AHashMap::new();
    let mut runs = Vec::new();
    for (i, window) in a.windows(anchor).enumerate() {
        let Some(positions) = index.get(&window_key(window)) else {
            continue;
        };
        for &j in positions {
            let j = j as usize;
            let diagonal = i as isize - j as isize;
            if covered.get(&diagonal).is_some_and(|&end| end > i)
                || a[i..i + anchor] != b[j..j + anchor]
            {
                continue;
            }
            let back = (1..=i.min(j)).take_while(|&k| a[i - k] == b[j - k]).count();
            let forward = (0..)
                .take_while(|&k| i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k])
                .count();
            covered.insert(diagonal, i + forward);
            runs.push(Run {
                a_start: i - back,
                b_start: j - back,
                len: back + forward,
            });
        }
    }
    runs
}

/// Greedy tiling: longest runs first; a run that overlaps tiles already taken
/// keeps its free stretches of at least `min_len` words.
fn tile(mut runs: Vec<Run>, a_len: usize, b_len: usize, min_len: usize) -> Vec<Run> {
    runs.sort_by(|x, y| {
        y.len
            .cmp(&x.len)
            .then(x.a_start.cmp(&y.a_start))
            .then(x.b_start.cmp(&y.b_start))
    });
    let (mut used_a, mut used_b) = (
        BitVec::from_elem(a_len, false),
        BitVec::from_elem(b_len, false),
    );
    let mut tiles = Vec::new();
    for run in runs {
        let mut k = 0;
        while k < run.len {
            let free = |k: usize| !used_a[run.a_start + k] && !used_b[run.b_start + k];
            if !free(k) {
                k += 1;
                continue;
            }
            let start = k;
            while k < run.len && free(k) {
                k += 1;
            }
            if k - start >= min_len {
                for t in start..k {
                    used_a.set(run.a_start + t, true);
                    used_b.set(run.b_start + t, true);
                }
                tiles.push(Run {
                    a_start: run.a_start + start,
                    b_start: run.b_start + start,
                    len: k - start,
                });
            }
        }
    }
    tiles.sort_by_key(|r| (r.a_start, r.b_start));
    tiles
}

/// Turns word runs `(start, len)` into original-text spans with character offsets.
fn sides(
    text: &str,
    tokens: &[Token],
    runs: impl Iterator<Item = (usize, usize)>,
) -> Vec<PassageSide> {
    let bytes: Vec<(usize, usize)> = runs
        .map(|(start, len)| {
            (
                tokens[start].span.start as usize,
                tokens[start + len - 1].span.end as usize,
            )
        })
        .collect();
    let flat: Vec<usize> = bytes.iter().flat_map(|&(s, e)| [s, e]).collect();
    let chars = char_offsets(text, &flat);
    bytes
        .iter()
        .zip(chars.chunks_exact(2))
        .map(|(&(start_byte, end_byte), c)| PassageSide {
            start_byte,
            end_byte,
            start_char: c[0],
            end_char: c[1],
            text: text[start_byte..end_byte].to_string(),
        })
        .collect()
}

/// Character offsets of the given byte offsets (each on a character boundary),
/// in one pass over the text.
fn char_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..byte_offsets.len()).collect();
    order.sort_by_key(|&i| byte_offsets[i]);
    let mut result = vec![0; byte_offsets.len()];
    let (mut byte, mut chars) = (0, 0);
    for i in order {
        let target = byte_offsets[i];
        chars += text[byte..target].chars().count();
        byte = target;
        result[i] = chars;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ShingleConfig, ShingleUnit};
    use crate::shingle::Shingler;

    fn passages(a: &str, b: &str, min: usize) -> Vec<Passage> {
        let s = Shingler::new(
            ShingleConfig {
                unit: ShingleUnit::Words,
                size: 5,
            },
            3,
        );
        align(a, &s.tokens(a), b, &s.tokens(b), min)
    }

    #[test]
    fn finds_the_shared_run_at_original_offsets() {
        let a = "Intro words here. The quick brown fox jumps over the lazy dog. End.";
        let b = "Other start; the QUICK brown   fox jumps over the lazy dog! Tail text";
        let p = passages(a, b, 4);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].a.text, "The quick brown fox jumps over the lazy dog");
        assert_eq!(p[0].b.text, "the QUICK brown   fox jumps over the lazy dog");
        assert_eq!(p[0].words, 9);
        assert_eq!(&b[p[0].b.start_byte..p[0].b.end_byte], p[0].b.text);
    }

    #[test]
    fn char_offsets_count_multibyte_characters() {
        let a = "Ça “commence” — the shared passage is right here, ok";
        let b = "the shared passage is right here";
        let p = passages(a, b, 3);
        assert_eq!(p.len(), 1);
        let chars: String = a
            .chars()
            .skip(p[0].a.start_char)
            .take(p[0].a.end_char - p[0].a.start_char)
            .collect();
        assert_eq!(chars, p[0].a.text);
        assert!(p[0].a.start_byte > p[0].a.start_char);
    }

    #[test]
    fn short_runs_are_not_passages() {
        assert!(passages("one two three four five", "three four five six seven", 4).is_empty());
    }

    #[test]
    fn each_word_is_in_one_passage_per_side() {
        let a = "alpha beta gamma delta alpha beta gamma delta";
        let b = "alpha beta gamma delta";
        let p = passages(a, b, 4);
        assert_eq!(p.len(), 1, "B's words can be used once: {p:?}");
        assert_eq!(p[0].a.start_byte, 0);
    }

    #[test]
    fn repeated_phrases_do_not_hide_a_unique_passage() {
        let unique = "the minister said the budget would be cut by ten percent next year";
        let a = format!("{} {unique}. End of story.", "buy now ".repeat(5000));
        let b = format!("{unique} {}", "buy now ".repeat(3000));
        let p = passages(&a, &b, 8);
        assert_eq!(p.len(), 1, "the repeated phrase is too common to anchor on");
        assert_eq!(p[0].b.text, unique);
        assert_eq!(&a[p[0].a.start_byte..p[0].a.end_byte], unique);
    }
}

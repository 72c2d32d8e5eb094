//! Boilerplate: the words of a document that belong to text found all over the
//! corpus, or to phrases the user lists, and so are no evidence of reuse.
//!
//! Input: a document's word hashes, the corpus-wide common fingerprints (those in
//! more than `max_df` documents, from [`crate::overlap`]) and the ignored phrases.
//! Output: one mark per word ([`BitVec`]).
//!
//! A word is boilerplate when it lies inside a common fingerprint's k-gram or
//! inside an occurrence of an ignored phrase. Winnowing keeps at least one
//! fingerprint per window, so the k-grams of a recurring footer cover nearly all
//! of its words, while a word merely next to it stays unmarked.
//!
//! Templates too: a footer whose URL and date change with every article, or a
//! bond-issue formula filled with another issuer, amount and date, repeats
//! its words but not its k-grams. So each text also has a *skeleton*: its
//! word hashes with every slot word (a number, or a capitalized name) replaced
//! by one [`SLOT`] hash. Skeleton k-grams that hold a slot and at least
//! [`MIN_FIXED_WORDS`] other words are sampled ([`TEMPLATE_SAMPLE_BITS`]). One
//! filled in at least [`MIN_FILLINGS`] different ways across the corpus (its
//! words k-gram differs) is a template, and marks its words like a common
//! fingerprint: a formula, not a copy, as a copy keeps its names and numbers.
//! A story reprinted by 20 outlets fills its skeleton one way; 19 bond issues
//! fill "is issuing a # mln dlr equity warrant eurobond due # # #" 19 ways.

use ahash::AHashMap;
use bit_vec::BitVec;

use crate::fingerprint::{Fingerprint, Scratch, Winnower};
use crate::hash::combine_hashes;
use crate::ids::DocId;
use crate::shingle::{Shingler, Span, Token};
use crate::spill::Partitioned;

/// The hash of every slot word in a skeleton.
pub const SLOT: u64 = 0x5105_5105_5105_5105;

/// Words other than slots a skeleton k-gram needs to count: a k-gram of names
/// and numbers alone is a list, not a formula.
pub const MIN_FIXED_WORDS: usize = 3;

/// Different fillings that make a skeleton k-gram a template.
pub const MIN_FILLINGS: usize = 5;

/// One skeleton k-gram in 2^this many (4) is a template fingerprint, chosen
/// by its hash so that every document keeps the same ones (Manber's sampling
/// by hash). Marking tests every k-gram of a text by the same rule and joins
/// hits less than k words apart, so a template is marked from its first
/// sampled k-gram on (winnowed skeletons, which a text keeps by its own
/// window minima, marked a third of the template words in the same test).
/// See the README for what the template sketch costs.
pub const TEMPLATE_SAMPLE_BITS: u32 = 2;

/// Whether a word as written fills a template's slot: a number, or a
/// capitalized name (a word in capitals only, as in a headline, is not).
pub fn is_slot(word: &str) -> bool {
    let bytes = word.as_bytes();
    // Most words start with a lower-case letter: a slot only with a digit.
    if bytes.first().is_some_and(u8::is_ascii_lowercase) {
        return bytes.iter().any(u8::is_ascii_digit);
    }
    if bytes.iter().any(u8::is_ascii_digit) {
        return true;
    }
    if word.is_ascii() {
        return bytes.first().is_some_and(u8::is_ascii_uppercase)
            && bytes[1..].iter().any(u8::is_ascii_lowercase);
    }
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// The skeleton of a text cut into words (hash and span in `text`): their
/// hashes, slots as [`SLOT`].
pub fn skeleton_into(text: &str, words: impl Iterator<Item = (u64, Span)>, out: &mut Vec<u64>) {
    out.clear();
    out.extend(words.map(
        |(hash, span)| match text.get(span.start as usize..span.end as usize) {
            Some(word) if is_slot(word) => SLOT,
            _ => hash,
        },
    ));
}

/// [`skeleton_into`] of a text's tokens.
pub fn skeleton(text: &str, tokens: &[Token]) -> Vec<u64> {
    let mut out = Vec::with_capacity(tokens.len());
    skeleton_into(text, tokens.iter().map(|t| (t.hash, t.span)), &mut out);
    out
}

/// Whether a skeleton k-gram (its hash) is a sampled one: by its top bits,
/// the best mixed.
fn is_sampled(hash: u64) -> bool {
    hash >> (64 - TEMPLATE_SAMPLE_BITS) == 0
}

/// The position and hash of every skeleton k-gram that holds a slot and at
/// least [`MIN_FIXED_WORDS`] other words. The hash is a polynomial rolling
/// hash (Karp and Rabin) of the word hashes, updated in O(1) per word, as the
/// sketch pass sees every k-gram of every document.
fn skeleton_kgrams(skeleton: &[u64], k: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
    const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
    let top = (1..k).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut hash = 0u64;
    let mut slots = 0usize;
    skeleton.iter().enumerate().filter_map(move |(i, &word)| {
        if i >= k {
            let out = skeleton[i - k];
            hash = hash.wrapping_sub(out.wrapping_mul(top));
            slots -= usize::from(out == SLOT);
        }
        hash = hash.wrapping_mul(BASE).wrapping_add(word);
        slots += usize::from(word == SLOT);
        let start = (i + 1).checked_sub(k)?;
        (slots > 0 && k - slots >= MIN_FIXED_WORDS).then_some((start, hash))
    })
}

/// The template fingerprints filled in at least [`MIN_FILLINGS`] different
/// ways across the documents, sorted. Takes each document's template
/// fingerprints (as [`BoilerplateMarker::template_hashes`] gives them) with
/// the number it was added with, partitioned by their top bits, which name
/// the skeleton k-gram: all fillings of one are in one partition. Entries
/// `doc_of` maps to no document are not counted (copies fill a template the
/// way their first does).
pub fn templates(
    per_document: Partitioned<(u64, u32)>,
    doc_of: &(dyn Fn(u32) -> Option<DocId> + Sync),
) -> crate::Result<Vec<u64>> {
    let common_in = |entries: Vec<(u64, u32)>| {
        let mut fillings: Vec<u64> = entries
            .into_iter()
            .filter(|&(_, number)| doc_of(number).is_some())
            .map(|(template, _)| template)
            .collect();
        fillings.sort_unstable();
        fillings.dedup();
        fillings
            .chunk_by(|&x, &y| template_id(x) == template_id(y))
            .filter(|fillings| is_template(fillings.len()))
            .map(|fillings| template_id(fillings[0]))
            .collect::<Vec<u64>>()
    };
    let mut common = Vec::new();
    per_document.map_partitions(16 << 20, common_in, |found| {
        common.extend(found);
        Ok(())
    })?;
    Ok(common)
}

/// Whether a skeleton k-gram filled `fillings` different ways in a corpus
/// (distinct packed fingerprints of one [`template_id`]) is a template.
pub fn is_template(fillings: usize) -> bool {
    fillings >= MIN_FILLINGS
}

/// The bits of a packed template fingerprint that name its skeleton k-gram
/// (the top 40 bits of its hash); the other 24 name its filling. Packed in
/// one word, a corpus's template fingerprints take half the memory and
/// sorting time of pairs. Among 10 million distinct skeleton k-grams about
/// 50 share 40 bits; a filling is compared only with the few others of its
/// skeleton k-gram.
const TEMPLATE_ID: u64 = !0 << 24;

/// The skeleton k-gram a packed template fingerprint names (its
/// `TEMPLATE_ID` bits): the fingerprints of one template with other
/// fillings have the same id, and the smallest packed value of an id is the
/// id itself.
pub fn template_id(packed: u64) -> u64 {
    packed & TEMPLATE_ID
}

/// Marks boilerplate words in documents of one scan.
#[derive(Debug, Clone)]
pub struct BoilerplateMarker {
    winnower: Winnower,
    /// Sorted hashes of fingerprints found in more than `max_df` documents.
    common: Vec<u64>,
    /// Seed of the template hashes of fillings.
    template_seed: u64,
    /// Sorted ids (`TEMPLATE_ID` bits) of the template fingerprints filled in
    /// at least [`MIN_FILLINGS`] ways.
    common_templates: Vec<u64>,
    /// Ignored phrases as word hashes, keyed by their first word.
    phrases: AHashMap<u64, Vec<Vec<u64>>>,
}

impl BoilerplateMarker {
    /// A marker for phrases only (the common fingerprints are not known until
    /// every document is indexed; see [`with_common`](Self::with_common)).
    /// Phrases are cut into words as `shingler` cuts documents; a phrase with no
    /// words is ignored.
    pub fn new(winnower: Winnower, phrases: &[String], shingler: &Shingler) -> Self {
        let mut by_first: AHashMap<u64, Vec<Vec<u64>>> = AHashMap::new();
        for phrase in phrases {
            let words: Vec<u64> = shingler.tokens(phrase).iter().map(|t| t.hash).collect();
            if let Some(&first) = words.first() {
                by_first.entry(first).or_default().push(words);
            }
        }
        BoilerplateMarker {
            template_seed: winnower.seed() ^ SLOT,
            common_templates: Vec::new(),
            winnower,
            common: Vec::new(),
            phrases: by_first,
        }
    }

    /// The same marker, also marking the k-grams of these fingerprint hashes.
    pub fn with_common(mut self, mut common: Vec<u64>) -> Self {
        common.sort_unstable();
        common.dedup();
        self.common = common;
        self
    }

    /// The same marker, also marking the k-grams of these template hashes.
    pub fn with_common_templates(mut self, mut common: Vec<u64>) -> Self {
        common.sort_unstable();
        common.dedup();
        self.common_templates = common;
        self
    }

    /// Whether any word can be marked: there are phrases, common
    /// fingerprints or common templates.
    pub fn marks_anything(&self) -> bool {
        self.has_phrases() || !self.common.is_empty() || !self.common_templates.is_empty()
    }

    /// Common template fingerprints, to report.
    pub fn common_template_count(&self) -> usize {
        self.common_templates.len()
    }

    /// The template fingerprints of a text, with how each is filled, packed
    /// (see `TEMPLATE_ID`: the skeleton k-gram's hash, then the hash of the
    /// same k-gram of `words`), in text order, for the sampled k-grams that
    /// hold a slot and at least [`MIN_FIXED_WORDS`] other words.
    pub fn template_hashes(&self, words: &[u64], skeleton: &[u64], out: &mut Vec<u64>) {
        out.clear();
        let k = self.winnower.k();
        if words.len() != skeleton.len() {
            return;
        }
        for (start, hash) in skeleton_kgrams(skeleton, k) {
            if is_sampled(hash) {
                let filled = combine_hashes(&words[start..start + k], self.template_seed);
                out.push(hash & TEMPLATE_ID | filled >> 40);
            }
        }
    }

    /// Whether any phrase is to be ignored.
    pub fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }

    /// Marks the words inside occurrences of ignored phrases; returns how many
    /// occurrences there were.
    pub fn mark_phrases(&self, words: &[u64], marks: &mut BitVec) -> usize {
        let mut occurrences = 0;
        if self.phrases.is_empty() {
            return 0;
        }
        for (i, word) in words.iter().enumerate() {
            let Some(phrases) = self.phrases.get(word) else {
                continue;
            };
            for phrase in phrases {
                if words[i..].starts_with(phrase) {
                    occurrences += 1;
                    for j in i..i + phrase.len() {
                        marks.set(j, true);
                    }
                }
            }
        }
        occurrences
    }

    /// Every boilerplate word of a text cut into `tokens`: ignored phrases,
    /// common fingerprints of its words and common template fingerprints of
    /// its skeleton (built only when there are common templates).
    pub fn mark(&self, text: &str, tokens: &[Token]) -> BitVec {
        let words: Vec<u64> = tokens.iter().map(|t| t.hash).collect();
        let words = &words[..];
        let mut marks = BitVec::from_elem(words.len(), false);
        self.mark_phrases(words, &mut marks);
        if !self.common.is_empty() {
            let mut fingerprints: Vec<Fingerprint> = Vec::new();
            self.winnower
                .fingerprints_into(words, &mut Scratch::default(), &mut fingerprints);
            for f in fingerprints {
                if self.common.binary_search(&f.hash).is_ok() {
                    let start = f.position as usize;
                    for j in start..(start + self.winnower.k()).min(words.len()) {
                        marks.set(j, true);
                    }
                }
            }
        }
        // A template is marked from end to end, so a passage inside it counts
        // as boilerplate as a whole.
        if !self.common_templates.is_empty() {
            let skeleton = skeleton(text, tokens);
            let k = self.winnower.k();
            // Template k-grams are sampled (one in 4): two hits less than k
            // words apart are one template, gap included.
            let mut last_end: Option<usize> = None;
            for (start, hash) in skeleton_kgrams(&skeleton, k) {
                if !is_sampled(hash)
                    || self
                        .common_templates
                        .binary_search(&(hash & TEMPLATE_ID))
                        .is_err()
                {
                    continue;
                }
                let from = match last_end {
                    Some(end) if start < end + k => end.min(start),
                    _ => start,
                };
                for j in from..start + k {
                    marks.set(j, true);
                }
                last_end = Some(start + k);
            }
        }
        marks
    }

    /// The fingerprint hashes of a document for the overlap index (in
    /// position order, possibly repeated), leaving out those that touch an
    /// ignored phrase. Returns the number of
    /// phrase occurrences found.
    pub fn index_hashes(
        &self,
        words: &[u64],
        scratch: &mut Scratch,
        fingerprints: &mut Vec<Fingerprint>,
        out: &mut Vec<u64>,
    ) -> usize {
        self.winnower
            .fingerprints_into(words, scratch, fingerprints);
        let mut occurrences = 0;
        if self.has_phrases() {
            let mut marks = BitVec::from_elem(words.len(), false);
            occurrences = self.mark_phrases(words, &mut marks);
            if occurrences > 0 {
                let k = self.winnower.k();
                fingerprints.retain(|f| {
                    let start = f.position as usize;
                    !(start..(start + k).min(words.len())).any(|j| marks[j])
                });
            }
        }
        // The index removes repeats, so the hashes go unsorted.
        out.clear();
        out.extend(fingerprints.iter().map(|f| f.hash));
        occurrences
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn tokens(text: &str) -> Vec<Token> {
        let config = Config::default();
        Shingler::new(config.shingle, config.seed).tokens(text)
    }

    fn words(text: &str) -> Vec<u64> {
        tokens(text).iter().map(|t| t.hash).collect()
    }

    fn marker(phrases: &[&str]) -> BoilerplateMarker {
        let config = Config::default();
        let phrases: Vec<String> = phrases.iter().map(|p| p.to_string()).collect();
        BoilerplateMarker::new(
            Winnower::for_min_passage(8).with_seed(config.seed),
            &phrases,
            &Shingler::new(config.shingle, config.seed),
        )
    }

    #[test]
    fn ignored_phrases_are_marked_wherever_they_occur() {
        let m = marker(&["Get link - X - Other Apps"]);
        let text = "Story text here. get LINK x other apps. More story. Get link X Other Apps";
        let doc = words(text);
        let marks = m.mark(text, &tokens(text));
        let marked: Vec<usize> = (0..doc.len()).filter(|&i| marks[i]).collect();
        assert_eq!(marked, [3, 4, 5, 6, 7, 10, 11, 12, 13, 14]);
    }

    #[test]
    fn common_fingerprints_mark_their_words_only() {
        let footer = "sign up for our daily newsletter to get the top stories in your inbox";
        let text = format!("a unique opening sentence about the harbour strike {footer}");
        let doc = words(&text);
        let winnower = Winnower::for_min_passage(8).with_seed(Config::default().seed);
        let footer_hashes = winnower.distinct_hashes(&words(footer));
        let m = marker(&[]).with_common(footer_hashes);
        let marks = m.mark(&text, &tokens(&text));
        let footer_start = doc.len() - words(footer).len();
        assert!(
            (0..footer_start).all(|i| !marks[i]),
            "the story is not boilerplate"
        );
        let covered = (footer_start..doc.len()).filter(|&i| marks[i]).count();
        // Windows at the footer's edges see story words too and may pick another
        // minimum, so the first or last few words can stay unmarked.
        assert!(
            covered * 4 >= words(footer).len() * 3,
            "{covered} footer words marked"
        );
    }

    #[test]
    fn index_hashes_leave_out_phrase_fingerprints() {
        let m = marker(&["read more about this story on our website today"]);
        let phrase_only = words("read more about this story on our website today");
        let (mut scratch, mut fps, mut out) = (Scratch::default(), Vec::new(), Vec::new());
        assert_eq!(
            m.index_hashes(&phrase_only, &mut scratch, &mut fps, &mut out),
            1
        );
        assert!(out.is_empty());
    }

    #[test]
    fn slots_are_numbers_and_capitalized_names() {
        for (word, slot) in [
            ("1992", true),
            ("8-1/2", true),
            ("Westpac", true),
            ("McDonald", true),
            ("LONDON", false),
            ("eurobond", false),
            ("I", false),
        ] {
            assert_eq!(is_slot(word), slot, "{word}");
        }
    }

    /// The skeleton and words of a text, as the pipeline cuts them.
    fn skeleton_and_words(text: &str) -> (Vec<u64>, Vec<u64>) {
        let config = Config::default();
        let tokens = Shingler::new(config.shingle, config.seed).tokens(text);
        (
            skeleton(text, &tokens),
            tokens.iter().map(|t| t.hash).collect(),
        )
    }

    fn template_list(m: &BoilerplateMarker, texts: &[String]) -> Vec<u64> {
        let mut per_document = Partitioned::new("templates", usize::MAX);
        for (doc, text) in (0..).zip(texts) {
            let (skeleton, words) = skeleton_and_words(text);
            let mut out = Vec::new();
            m.template_hashes(&words, &skeleton, &mut out);
            for template in out {
                per_document.push((template, doc)).unwrap();
            }
        }
        templates(per_document, &|n| Some(DocId(n))).unwrap()
    }

    const ISSUERS: [&str; 6] = [
        "Westpac Banking",
        "Toronto Dominion",
        "Japan Development",
        "Mercedes Credit",
        "Union Bank",
        "Nordic Finance",
    ];

    fn bond(i: usize) -> String {
        format!(
            "{} is issuing a {} mln dlr eurobond due May {}, {} paying {} pct and priced at {} pct, \
             lead manager said. The bond is available in denominations of {} dlrs and will be listed in Luxembourg.",
            ISSUERS[i], 50 + 10 * i, 3 + i, 1990 + i, 7 + i, 100 + i, 1000 * (i + 1)
        )
    }

    #[test]
    fn a_formula_filled_many_ways_is_a_template_and_its_words_are_marked() {
        let m = marker(&[]);
        let texts: Vec<String> = (0..ISSUERS.len()).map(bond).collect();
        let list = template_list(&m, &texts);
        assert!(!list.is_empty());
        let m = m.with_common_templates(list);
        let words = words(&texts[0]);
        let marks = m.mark(&texts[0], &tokens(&texts[0]));
        let marked = (0..words.len()).filter(|&i| marks[i]).count();
        // Words of the formula are marked wherever its slots vary; a passage
        // half marked is boilerplate (`crate::align::BOILERPLATE_SHARE`).
        assert!(
            marked * 2 >= words.len(),
            "{marked} of {} words marked",
            words.len()
        );
    }

    #[test]
    fn a_story_copied_many_times_is_not_a_template() {
        let m = marker(&[]);
        let story = "Rescue teams pulled 14 miners alive from the flooded Jinshan pit on Sunday \
                     after three days underground, the provincial safety office said in Taiyuan.";
        let desks = ["city", "national", "world", "business", "regional"];
        let texts: Vec<String> = (0..20)
            .map(|i| format!("From the {} desk: {story}", desks[i % desks.len()]))
            .collect();
        assert!(template_list(&m, &texts).is_empty());
    }
}

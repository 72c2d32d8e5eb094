//! What the index holds in memory of every article, and the corpus-wide
//! counts a check needs: the facts a scan keeps per document for the whole
//! corpus (word count, copy key, dateline day, publication times), which
//! articles are copies of which, how many documents there are, and how many
//! documents hold each content term.
//!
//! Input: each article's [`Facts`] (from its sketch and record), stored as
//! a row of the `facts` table in the same commit as the article, and read
//! back at open. Output: [`Catalog`] lookups by sequence number (the number
//! an article was added as). Document frequencies are kept apart as the
//! part already written to a file (`base`) and the part of the articles
//! added since (`tail`, counted again at open).

use ahash::AHashMap;
use bit_vec::BitVec;
use nohash_hasher::IntMap;

use crate::config::{Config, TimeField};
use crate::defaults;
use crate::input::{parse_time, Document};
use crate::pipeline::ArticleSketch;

/// What the index keeps in memory of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Facts {
    /// Whether a scan would take it as a document (it has words).
    pub document: bool,
    pub words: u32,
    pub copy_key: u128,
    pub lead_day: Option<u16>,
    /// Its time in each field of [`time_fields`], if readable.
    pub times: Vec<Option<i64>>,
}

/// Version byte of a row of the `facts` table.
const ROW_VERSION: u8 = 1;

impl Facts {
    /// The facts of `doc`, with its sketch (none: not a document).
    pub fn of(doc: &Document, sketch: Option<&ArticleSketch>, fields: &[String]) -> Facts {
        let times = fields
            .iter()
            .map(|f| doc.metadata().get(f.as_str()).and_then(parse_time))
            .collect();
        match sketch {
            Some(s) => Facts {
                document: true,
                words: s.words,
                copy_key: s.copy_key,
                lead_day: s.lead_day,
                times,
            },
            None => Facts {
                document: false,
                words: 0,
                copy_key: 0,
                lead_day: None,
                times,
            },
        }
    }

    /// The row stored in the `facts` table.
    pub fn to_row(&self) -> Vec<u8> {
        let mut row = Vec::with_capacity(26 + 9 * self.times.len());
        row.push(ROW_VERSION);
        row.push(u8::from(self.document));
        row.extend(self.words.to_le_bytes());
        row.extend(self.copy_key.to_le_bytes());
        row.extend(self.lead_day.unwrap_or(u16::MAX).to_le_bytes());
        row.push(self.times.len() as u8);
        for time in &self.times {
            match time {
                Some(t) => {
                    row.push(1);
                    row.extend(t.to_le_bytes());
                }
                None => row.push(0),
            }
        }
        row
    }

    /// A row read back, or why it cannot be read.
    pub fn from_row(row: &[u8]) -> Result<Facts, String> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], String> {
            let bytes = row
                .get(at..at + n)
                .ok_or_else(|| format!("a row of {} bytes ends early", row.len()))?;
            at += n;
            Ok(bytes)
        };
        let version = take(1)?[0];
        if version != ROW_VERSION {
            return Err(format!("a row of version {version}, not {ROW_VERSION}"));
        }
        let document = take(1)?[0] == 1;
        let words = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        let copy_key = u128::from_le_bytes(take(16)?.try_into().expect("16 bytes"));
        let lead_day = u16::from_le_bytes(take(2)?.try_into().expect("2 bytes"));
        let fields = take(1)?[0] as usize;
        let mut times = Vec::with_capacity(fields);
        for _ in 0..fields {
            times.push(match take(1)?[0] {
                0 => None,
                _ => Some(i64::from_le_bytes(take(8)?.try_into().expect("8 bytes"))),
            });
        }
        Ok(Facts {
            document,
            words,
            copy_key,
            lead_day: (lead_day != u16::MAX).then_some(lead_day),
            times,
        })
    }
}

/// The fields a scan of `config` may read publication times from: the
/// named one, every detectable one, or none.
pub(super) fn time_fields(config: &Config) -> Vec<String> {
    match &config.input.time_field {
        TimeField::Ignore => Vec::new(),
        TimeField::Named(field) => vec![field.clone()],
        TimeField::Detect => defaults::TIME_FIELDS
            .iter()
            .map(|f| f.to_string())
            .collect(),
    }
}

/// Every article's facts by sequence number, and the counts over them.
#[derive(Debug, Default)]
pub(super) struct Catalog {
    fields: Vec<String>,
    /// Per sequence number: whether an article of that number is held, and
    /// whether it is a document.
    held: BitVec,
    document: BitVec,
    /// Per sequence number: whether the document copies an earlier one.
    copy: BitVec,
    words: Vec<u32>,
    copy_keys: Vec<u128>,
    lead_days: Vec<Option<u16>>,
    /// Per sequence number and field, its time.
    times: Vec<Option<i64>>,
    /// The documents held with each copy key, in sequence order.
    by_copy_key: AHashMap<u128, Vec<u32>>,
    /// Documents held.
    documents: usize,
    /// Per field, documents held with a readable time there.
    readable: Vec<usize>,
    /// Sequence numbers below the next one that hold no article (removed):
    /// a bound on the entries of any postings list that no longer count.
    gone: usize,
}

impl Catalog {
    /// An empty catalog for articles whose times are read from `fields`.
    pub fn new(fields: Vec<String>) -> Self {
        Catalog {
            readable: vec![0; fields.len()],
            fields,
            ..Catalog::default()
        }
    }

    /// The fields times are read from.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// The number the next article is added as.
    pub fn next_seq(&self) -> u32 {
        self.held.len() as u32
    }

    /// Adds the article `seq` (at least [`Catalog::next_seq`]); returns
    /// whether it is a document that copies an earlier one.
    pub fn insert(&mut self, seq: u32, facts: &Facts) -> bool {
        self.pad_to(seq);
        self.held.push(true);
        self.document.push(facts.document);
        self.words.push(facts.words);
        self.copy_keys.push(facts.copy_key);
        self.lead_days.push(facts.lead_day);
        let mut times = facts.times.clone();
        times.resize(self.fields.len(), None);
        self.times.extend(times.iter().copied());
        let mut copy = false;
        if facts.document {
            self.documents += 1;
            for (count, time) in self.readable.iter_mut().zip(&times) {
                *count += usize::from(time.is_some());
            }
            let group = self.by_copy_key.entry(facts.copy_key).or_default();
            copy = !group.is_empty();
            group.push(seq);
        }
        self.copy.push(copy);
        copy
    }

    /// Extends the catalog with no article up to `next_seq` (numbers of
    /// removed articles at the end).
    pub fn pad_to(&mut self, next_seq: u32) {
        while self.held.len() < next_seq as usize {
            self.push_absent();
            self.gone += 1;
        }
    }

    fn push_absent(&mut self) {
        self.held.push(false);
        self.document.push(false);
        self.copy.push(false);
        self.words.push(0);
        self.copy_keys.push(0);
        self.lead_days.push(None);
        self.times
            .extend(std::iter::repeat_n(None, self.fields.len()));
    }

    /// Removes the article `seq`; returns the document that copied it and
    /// now stands first in its place (it joins the postings), if any.
    pub fn remove(&mut self, seq: u32) -> Option<u32> {
        let i = seq as usize;
        if !self.held.get(i).unwrap_or(false) {
            return None;
        }
        self.held.set(i, false);
        self.gone += 1;
        if !self.document[i] {
            return None;
        }
        self.documents -= 1;
        for (f, count) in self.readable.iter_mut().enumerate() {
            *count -= usize::from(self.times[i * self.fields.len() + f].is_some());
        }
        let key = self.copy_keys[i];
        let group = self.by_copy_key.get_mut(&key)?;
        let was_first = group.first() == Some(&seq);
        group.retain(|&s| s != seq);
        let promoted = match group.first() {
            Some(&next) if was_first => {
                self.copy.set(next as usize, false);
                Some(next)
            }
            _ => None,
        };
        if group.is_empty() {
            self.by_copy_key.remove(&key);
        }
        promoted
    }

    /// Whether `seq` is a document held that copies no earlier one: the
    /// articles whose entries count in postings lists.
    pub fn counts_in_postings(&self, seq: u32) -> bool {
        let i = seq as usize;
        self.held.get(i).unwrap_or(false) && self.document[i] && !self.copy[i]
    }

    /// Whether `seq` is a document held.
    pub fn is_document(&self, seq: u32) -> bool {
        let i = seq as usize;
        self.held.get(i).unwrap_or(false) && self.document[i]
    }

    pub fn words(&self, seq: u32) -> u32 {
        self.words[seq as usize]
    }

    pub fn lead_day(&self, seq: u32) -> Option<u16> {
        self.lead_days[seq as usize]
    }

    pub fn copy_key(&self, seq: u32) -> u128 {
        self.copy_keys[seq as usize]
    }

    /// Its time in field `field` (an index into [`Catalog::fields`]).
    pub fn time(&self, seq: u32, field: usize) -> Option<i64> {
        self.times[seq as usize * self.fields.len() + field]
    }

    /// The documents held with `key`, in sequence order.
    pub fn with_copy_key(&self, key: u128) -> &[u32] {
        self.by_copy_key.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Articles held (documents or not).
    pub fn held(&self) -> usize {
        self.held.len() - self.gone
    }

    /// Documents held.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// Per field, documents held with a readable time there.
    pub fn readable(&self) -> &[usize] {
        &self.readable
    }

    /// A bound on the entries of a postings list that no longer count.
    pub fn gone(&self) -> usize {
        self.gone
    }

    /// The numbers below [`Catalog::next_seq`] that hold no article (they
    /// were removed), set.
    pub fn removed(&self) -> BitVec {
        let mut removed = self.held.clone();
        removed.negate();
        removed
    }
}

/// Document frequencies of content terms: the part written to a file with
/// the postings (`base`) and the part counted since (`tail`).
#[derive(Debug, Default)]
pub(super) struct Frequencies {
    pub base: IntMap<u64, u32>,
    pub tail: IntMap<u64, u32>,
}

impl Frequencies {
    /// Documents holding `term`.
    pub fn of(&self, term: u64) -> u32 {
        self.base.get(&term).copied().unwrap_or(0) + self.tail.get(&term).copied().unwrap_or(0)
    }

    /// Counts a document's distinct content terms in the tail.
    pub fn add(&mut self, terms: &[u64]) {
        for &t in terms {
            *self.tail.entry(t).or_insert(0) += 1;
        }
    }

    /// Takes a removed document's terms off (from the tail when it was
    /// counted there, else from the base).
    pub fn remove(&mut self, terms: &[u64], in_tail: bool) {
        let part = if in_tail {
            &mut self.tail
        } else {
            &mut self.base
        };
        for t in terms {
            if let Some(count) = part.get_mut(t) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    part.remove(t);
                }
            }
        }
    }

    /// Moves the tail into the base (once the base is written with it).
    pub fn absorb_tail(&mut self) {
        for (t, n) in std::mem::take(&mut self.tail) {
            *self.base.entry(t).or_insert(0) += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(document: bool, key: u128, times: Vec<Option<i64>>) -> Facts {
        Facts {
            document,
            words: 10,
            copy_key: key,
            lead_day: Some(40),
            times,
        }
    }

    #[test]
    fn a_row_reads_back_as_written() {
        let f = Facts {
            document: true,
            words: 612,
            copy_key: u128::MAX - 5,
            lead_day: None,
            times: vec![None, Some(-86_400), Some(1_700_000_000)],
        };
        assert_eq!(Facts::from_row(&f.to_row()).unwrap(), f);
        assert!(Facts::from_row(&f.to_row()[..10]).is_err());
        let mut other = f.to_row();
        other[0] = 9;
        assert!(Facts::from_row(&other).unwrap_err().contains("version 9"));
    }

    #[test]
    fn copies_stand_behind_their_first_until_it_goes() {
        let mut catalog = Catalog::new(vec!["time".into()]);
        assert!(!catalog.insert(0, &facts(true, 7, vec![Some(1)])));
        assert!(!catalog.insert(1, &facts(true, 8, vec![None])));
        assert!(catalog.insert(2, &facts(true, 7, vec![Some(2)])));
        assert!(catalog.insert(4, &facts(true, 7, vec![None])));
        assert!(!catalog.insert(5, &facts(false, 7, vec![Some(3)])));
        assert_eq!(catalog.with_copy_key(7), &[0, 2, 4]);
        assert_eq!((catalog.documents(), catalog.readable()), (4, &[2][..]));
        assert_eq!(catalog.gone(), 1, "3 was never added");
        assert!(!catalog.counts_in_postings(2));
        assert_eq!(catalog.remove(2), None, "a copy leaves its first first");
        assert_eq!(catalog.remove(0), Some(4));
        assert!(catalog.counts_in_postings(4));
        assert_eq!(catalog.with_copy_key(7), &[4]);
        assert_eq!((catalog.documents(), catalog.readable()), (2, &[0][..]));
        assert_eq!(catalog.remove(0), None, "removed twice");
        assert_eq!(catalog.gone(), 3);
    }
}

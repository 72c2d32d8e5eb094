//! A check from the postings: the candidates of new articles and what the
//! pair stage needs to grade them, found by lookups rather than a scan.
//!
//! Input: the [`Engine`]'s state and the new articles, sketched. Output:
//! [`GivenCandidates`] for `pipeline::check_given`, exactly the candidate
//! pairs with a new article that a scan of the indexed articles followed by
//! the new ones finds, with the corpus-wide facts of that scan.
//!
//! Each candidate stage's rule is the scan's own, applied to one article's
//! keys over the whole corpus (the indexed articles and the new ones):
//! - LSH: the documents under each band key, crowded buckets
//!   ([`lsh::is_crowded`]) paired with their first only;
//! - overlap: each fingerprint's documents give its role
//!   ([`FingerprintRole`]): in more than `max_df`, or recurring over their
//!   days, it is boilerplate; else it pairs them; a pair found only so is
//!   kept when it can hold reuse ([`Rules::overlap_can_be_reuse`]);
//! - story: each distinctive term's documents give its surprise
//!   ([`ChanceRule`]), summed in ascending term order per partner;
//! - copies: documents with equal copy keys stand behind their first, and a
//!   listed group's members take its first's pairs.
//!
//! Articles are numbered as in a scan's order: indexed ones by their
//! sequence number, new ones after them in input order. Copies are not in
//! the postings; removed articles' entries are left out by the catalog.

use std::collections::BTreeMap;

use ahash::{AHashMap, AHashSet};
use nohash_hasher::IntMap;

use super::catalog::Facts;
use super::engine::{Engine, Numbered};
use super::postings::{postings_dir, Postings};
use crate::boilerplate::{is_template, template_id};
use crate::config::{Config, TimeField};
use crate::copies::is_listed_group;
use crate::error::Error;
use crate::grade::Rules;
use crate::ids::{CandidatePair, DocId};
use crate::input::Document;
use crate::lsh;
use crate::overlap::{FingerprintRole, OverlapPair};
use crate::pipeline::Timing;
use crate::pipeline::{ArticleSketch, GivenCandidates, GivenPair};
use crate::story::candidates::{ChanceRule, MAX_CHANCE_PARTNERS, MAX_POSTINGS};

/// An article's number in the check's order: an indexed article's sequence
/// number, or the index's next number plus a new article's place.
type Article = u64;

/// A new article of a check.
pub(super) struct NewArticle {
    pub doc: Document,
    pub sketch: ArticleSketch,
    pub facts: Facts,
}

/// What the candidate stages found for a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct FoundBy {
    minhash: bool,
    overlap: bool,
    story: bool,
}

impl FoundBy {
    fn or(&mut self, other: FoundBy) {
        self.minhash |= other.minhash;
        self.overlap |= other.overlap;
        self.story |= other.story;
    }
}

/// The four kinds of postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bands,
    Fingerprints,
    Templates,
    Terms,
}

/// The corpus of a check: the index's state with the new articles after it.
struct Overlay<'e> {
    engine: &'e Engine,
    config: &'e Config,
    new: &'e [NewArticle],
    /// The number of the first new article.
    first_new: Article,
    /// Per new article: the article it copies, if any.
    copies: Vec<Option<Article>>,
    /// New articles that count in postings (not copies), by key of each kind.
    new_keys: [IntMap<u64, Vec<u32>>; 4],
    /// New documents by content term (copies too: frequencies count them).
    new_terms: IntMap<u64, u32>,
    /// The template fingerprints of new documents (not copies), by template
    /// (ids have their low bits clear: hashed, not used as their own hash).
    new_templates: AHashMap<u64, Vec<u64>>,
    /// New articles by copy key.
    new_by_copy_key: AHashMap<u128, Vec<u32>>,
    documents: usize,
    timing: Timing,
    /// Sketches of indexed articles read so far.
    sketches: AHashMap<u32, (Document, ArticleSketch)>,
    /// Roles of fingerprints looked up so far.
    roles: IntMap<u64, (FingerprintRole, Vec<Article>)>,
    /// The overlap stage's pairs kept, with their shared fingerprints and
    /// shared boilerplate fingerprints.
    overlap_found: BTreeMap<CandidatePair, (u32, u32)>,
}

/// Reads stored records by sequence number.
pub(super) type RecordReader<'r> = &'r dyn Fn(&[u32]) -> crate::Result<Vec<Numbered>>;

/// The candidates of the new articles, and the facts of the corpus about
/// them (see the module docs).
///
/// # Errors
/// Postings or records that cannot be read.
pub(super) fn given_candidates(
    engine: &Engine,
    config: &Config,
    new: &[NewArticle],
    read: RecordReader,
) -> crate::Result<GivenCandidates> {
    let mut overlay = Overlay::new(engine, config, new);
    overlay.find(read)
}

impl<'e> Overlay<'e> {
    fn new(engine: &'e Engine, config: &'e Config, new: &'e [NewArticle]) -> Self {
        let catalog = &engine.catalog;
        let first_new = Article::from(catalog.next_seq());
        let mut new_by_copy_key: AHashMap<u128, Vec<u32>> = AHashMap::default();
        let mut copies = Vec::with_capacity(new.len());
        let mut new_keys: [IntMap<u64, Vec<u32>>; 4] = Default::default();
        let mut new_terms: IntMap<u64, u32> = IntMap::default();
        let mut new_templates: AHashMap<u64, Vec<u64>> = AHashMap::default();
        let mut readable = catalog.readable().to_vec();
        for (i, article) in new.iter().enumerate() {
            let i = i as u32;
            let key = article.sketch.copy_key;
            let indexed = catalog.with_copy_key(key);
            let earlier = new_by_copy_key.entry(key).or_default();
            let first = indexed
                .first()
                .map(|&s| Article::from(s))
                .or_else(|| earlier.first().map(|&j| first_new + Article::from(j)));
            earlier.push(i);
            copies.push(first);
            for t in &article.sketch.content_terms {
                *new_terms.entry(*t).or_insert(0) += 1;
            }
            for (count, time) in readable.iter_mut().zip(&article.facts.times) {
                *count += usize::from(time.is_some());
            }
            if first.is_some() {
                continue;
            }
            let s = &article.sketch;
            for &t in &s.templates {
                new_templates.entry(template_id(t)).or_default().push(t);
            }
            let lists: [&[u64]; 4] = [&s.band_keys, &s.fingerprints, &s.templates, &s.distinctive];
            for (map, keys) in new_keys.iter_mut().zip(lists) {
                for &k in keys {
                    map.entry(k).or_default().push(i);
                }
            }
        }
        let documents = catalog.documents() + new.len();
        let detect = matches!(config.input.time_field, TimeField::Detect);
        Overlay {
            engine,
            config,
            new,
            first_new,
            copies,
            new_keys,
            new_terms,
            new_templates,
            new_by_copy_key,
            documents,
            timing: Timing::of(&readable, documents, detect),
            sketches: AHashMap::default(),
            roles: IntMap::default(),
            overlap_found: BTreeMap::new(),
        }
    }

    fn is_new(&self, a: Article) -> bool {
        a >= self.first_new
    }

    fn new_index(&self, a: Article) -> usize {
        (a - self.first_new) as usize
    }

    fn postings(&self, kind: Kind) -> &Postings {
        let p = &self.engine.postings;
        match kind {
            Kind::Bands => &p.bands,
            Kind::Fingerprints => &p.fingerprints,
            Kind::Templates => &p.templates,
            Kind::Terms => &p.terms,
        }
    }

    fn io_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: postings_dir(self.engine.dir()),
            source,
        }
    }

    /// The documents (not copies) with `key` of `kind`, ascending; `None`
    /// when there are certainly more than `limit` (no long list is read).
    fn members_up_to(
        &self,
        kind: Kind,
        key: u64,
        limit: usize,
    ) -> crate::Result<Option<Vec<Article>>> {
        let catalog = &self.engine.catalog;
        let postings = self.postings(kind);
        let new = self.new_keys[kind as usize].get(&key);
        let new_count = new.map_or(0, Vec::len);
        // Entries of removed articles are the only ones that may not count:
        // a list longer than the limit and those is certainly too long.
        let bound = limit
            .saturating_add(self.engine.catalog.gone())
            .saturating_sub(new_count);
        let mut seqs = Vec::new();
        let stored = postings
            .values_up_to(key, bound, &mut seqs)
            .map_err(|e| self.io_error(e))?;
        if stored > bound as u64 {
            return Ok(None);
        }
        seqs.retain(|&s| catalog.counts_in_postings(s));
        seqs.sort_unstable();
        seqs.dedup();
        let mut members: Vec<Article> = seqs.into_iter().map(Article::from).collect();
        if let Some(new) = new {
            members.extend(new.iter().map(|&i| self.first_new + Article::from(i)));
        }
        Ok((members.len() <= limit).then_some(members))
    }

    fn members(&self, kind: Kind, key: u64) -> crate::Result<Vec<Article>> {
        Ok(self
            .members_up_to(kind, key, usize::MAX)?
            .unwrap_or_default())
    }

    /// The role of fingerprint `hash`, with its documents when it pairs them.
    fn role(&mut self, hash: u64) -> crate::Result<FingerprintRole> {
        if let Some((role, _)) = self.roles.get(&hash) {
            return Ok(*role);
        }
        let max_df = self.config.overlap.max_df;
        let (role, members) = match self.members_up_to(Kind::Fingerprints, hash, max_df)? {
            None => (FingerprintRole::Common, Vec::new()),
            Some(members) => {
                let role = FingerprintRole::of(members.len(), max_df, || {
                    let days = members.iter().map(|&a| self.day(a)).collect();
                    Some(self.timing.days(days).span(0..members.len() as u32))
                });
                (role, members)
            }
        };
        let kept = if role == FingerprintRole::Pairs {
            members
        } else {
            Vec::new()
        };
        self.roles.insert(hash, (role, kept));
        Ok(role)
    }

    /// The day the recurring rule gives an article.
    fn day(&self, a: Article) -> Option<u32> {
        let field = self.timing.field;
        if self.is_new(a) {
            let facts = &self.new[self.new_index(a)].facts;
            let time = field.and_then(|f| facts.times.get(f).copied().flatten());
            self.timing.day(time, facts.lead_day)
        } else {
            let catalog = &self.engine.catalog;
            let seq = a as u32;
            let time = field.and_then(|f| catalog.time(seq, f));
            self.timing.day(time, catalog.lead_day(seq))
        }
    }

    fn words(&self, a: Article) -> u32 {
        if self.is_new(a) {
            self.new[self.new_index(a)].sketch.words
        } else {
            self.engine.catalog.words(a as u32)
        }
    }

    fn copy_key(&self, a: Article) -> u128 {
        if self.is_new(a) {
            self.new[self.new_index(a)].sketch.copy_key
        } else {
            self.engine.catalog.copy_key(a as u32)
        }
    }

    /// The group of documents with `a`'s copy key (first first), when `a`
    /// is its first and its members' pairs are listed.
    fn listed_group(&self, a: Article) -> Option<Vec<Article>> {
        let group = self.group(self.copy_key(a));
        (group.first() == Some(&a) && is_listed_group(group.len())).then_some(group)
    }

    /// Every document with copy key `key`, ascending.
    fn group(&self, key: u128) -> Vec<Article> {
        let mut group: Vec<Article> = self
            .engine
            .catalog
            .with_copy_key(key)
            .iter()
            .map(|&s| Article::from(s))
            .collect();
        if let Some(new) = self.new_by_copy_key.get(&key) {
            group.extend(new.iter().map(|&i| self.first_new + Article::from(i)));
        }
        group
    }

    /// The sketch of an article (indexed ones read and sketched once).
    fn sketch(&self, a: Article) -> &ArticleSketch {
        if self.is_new(a) {
            &self.new[self.new_index(a)].sketch
        } else {
            &self.sketches[&(a as u32)].1
        }
    }

    /// Reads and sketches the indexed articles of `articles` not read yet.
    fn read(
        &mut self,
        articles: impl Iterator<Item = Article>,
        read: RecordReader,
    ) -> crate::Result<()> {
        let mut wanted: Vec<u32> = articles
            .filter(|&a| !self.is_new(a))
            .map(|a| a as u32)
            .filter(|s| !self.sketches.contains_key(s))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(());
        }
        let records = read(&wanted)?;
        for (seq, again) in self.engine.resketch(&records, self.config)? {
            let sketch = again.sketch.ok_or_else(|| Error::NotAnIndex {
                dir: self.engine.dir().to_path_buf(),
                why: format!("its article number {seq} has no words, yet is a document"),
            })?;
            self.sketches.insert(seq, (again.doc, sketch));
        }
        Ok(())
    }

    /// The candidate pairs of document `p` (not a copy) found by the three
    /// stages, with the stages that found each.
    fn found_with(
        &mut self,
        p: Article,
        read: RecordReader,
    ) -> crate::Result<Vec<(CandidatePair, FoundBy)>> {
        let sketch = self.sketch(p).clone();
        let mut found: BTreeMap<Article, FoundBy> = BTreeMap::new();
        let minhash = FoundBy {
            minhash: true,
            ..FoundBy::default()
        };
        for &key in &sketch.band_keys {
            let bucket = self.members(Kind::Bands, key)?;
            if bucket.len() < 2 {
                continue;
            }
            if lsh::is_crowded(bucket.len()) {
                if bucket[0] == p {
                    for &x in &bucket[1..] {
                        found.entry(x).or_default().or(minhash);
                    }
                } else {
                    found.entry(bucket[0]).or_default().or(minhash);
                }
            } else {
                for &x in bucket.iter().filter(|&&x| x != p) {
                    found.entry(x).or_default().or(minhash);
                }
            }
        }
        if self.config.overlap.enabled {
            let mut shared: BTreeMap<Article, usize> = BTreeMap::new();
            let mut boilerplate = Vec::new();
            for &hash in &sketch.fingerprints {
                match self.role(hash)? {
                    FingerprintRole::Pairs => {
                        for &x in self.roles[&hash].1.iter().filter(|&&x| x != p) {
                            *shared.entry(x).or_insert(0) += 1;
                        }
                    }
                    FingerprintRole::Common | FingerprintRole::Recurring => boilerplate.push(hash),
                    FingerprintRole::Alone => {}
                }
            }
            self.read(shared.keys().copied(), read)?;
            let rules = Rules::new(self.config);
            let per_fingerprint = self
                .engine
                .sketcher
                .winnower()
                .max_run_words_per_fingerprint();
            for (&x, &count) in &shared {
                let theirs = &self.sketch(x).fingerprints;
                let shared_boilerplate = boilerplate
                    .iter()
                    .filter(|h| theirs.binary_search(h).is_ok())
                    .count();
                let (a, b) = (p.min(x), p.max(x));
                let words = (self.words(a) as usize, self.words(b) as usize);
                if rules.overlap_can_be_reuse(count + shared_boilerplate, per_fingerprint, words) {
                    found.entry(x).or_default().overlap = true;
                    let counts = (count as u32, shared_boilerplate as u32);
                    self.overlap_found.insert(pair(a, b), counts);
                }
            }
        }
        if self.engine.sketcher.has_story() {
            let rule = ChanceRule::new(self.documents, MAX_POSTINGS, MAX_CHANCE_PARTNERS);
            let mut sums: BTreeMap<Article, f64> = BTreeMap::new();
            for &term in sketch.distinctive.iter() {
                let Some(list) = self.members_up_to(Kind::Terms, term, MAX_POSTINGS)? else {
                    continue;
                };
                if !rule.pairs_by(list.len()) {
                    continue;
                }
                let surprise = rule.surprise(list.len());
                for &x in list.iter().filter(|&&x| x != p) {
                    *sums.entry(x).or_insert(0.0) += surprise;
                }
            }
            for (&x, &sum) in &sums {
                if rule.is_candidate(sum) {
                    found.entry(x).or_default().story = true;
                }
            }
        }
        Ok(found.into_iter().map(|(x, by)| (pair(p, x), by)).collect())
    }

    /// Every candidate pair with a new article, and what the corpus says
    /// about their documents.
    fn find(&mut self, read: RecordReader) -> crate::Result<GivenCandidates> {
        let minhash = FoundBy {
            minhash: true,
            ..FoundBy::default()
        };
        let mut merged: Vec<(CandidatePair, FoundBy)> = Vec::new();
        // Groups of copies with a new member: each copy paired with its first,
        // and a listed group's first probed for the pairs its members take.
        let mut probes: Vec<Article> = Vec::new();
        let mut groups_seen: AHashSet<u128> = AHashSet::default();
        for i in 0..self.new.len() {
            let a = self.first_new + i as Article;
            if self.copies[i].is_none() {
                probes.push(a);
                continue;
            }
            let key = self.new[i].sketch.copy_key;
            if !groups_seen.insert(key) {
                continue;
            }
            let group = self.group(key);
            for &c in &group[1..] {
                merged.push((pair(group[0], c), minhash));
            }
            if is_listed_group(group.len()) && !self.is_new(group[0]) {
                probes.push(group[0]);
            }
        }
        self.read(probes.iter().copied(), read)?;
        for &p in &probes {
            merged.extend(self.found_with(p, read)?);
        }
        // A listed group's members take each pair of its first.
        let mut all: BTreeMap<CandidatePair, FoundBy> = BTreeMap::new();
        for &(found, by) in &merged {
            let (a, b) = (article(found.a), article(found.b));
            let group_a = self.listed_group(a).unwrap_or_else(|| vec![a]);
            let group_b = self.listed_group(b).unwrap_or_else(|| vec![b]);
            for &x in &group_a {
                for &y in group_b.iter().filter(|&&y| y != x) {
                    if self.is_new(x) || self.is_new(y) {
                        all.entry(pair(x, y)).or_default().or(by);
                    }
                }
            }
        }
        self.given(all, read)
    }

    /// The given candidates: the pairs renumbered among their documents,
    /// with the corpus's facts about those documents.
    fn given(
        &mut self,
        pairs: BTreeMap<CandidatePair, FoundBy>,
        read: RecordReader,
    ) -> crate::Result<GivenCandidates> {
        let mut members: Vec<Article> = pairs
            .keys()
            .flat_map(|p| [article(p.a), article(p.b)])
            .collect();
        members.sort_unstable();
        members.dedup();
        self.read(members.iter().copied(), read)?;
        let place = |a: Article| {
            DocId(
                members
                    .binary_search(&a)
                    .expect("a pair's documents are members") as u32,
            )
        };
        // The boilerplate among the members' fingerprints and templates.
        let mut common_fingerprints = Vec::new();
        let mut common_templates = Vec::new();
        // Template ids have their low bits clear: hashed, not used as their
        // own hash.
        let mut templates_seen: AHashSet<u64> = AHashSet::default();
        for &m in &members {
            let sketch = self.sketch(m).clone();
            for &hash in &sketch.fingerprints {
                if self.role(hash)?.is_boilerplate() {
                    common_fingerprints.push(hash);
                }
            }
            for &packed in &sketch.templates {
                let id = template_id(packed);
                if templates_seen.insert(id) && is_template(self.fillings(id)?) {
                    common_templates.push(id);
                }
            }
        }
        // Document frequencies of the members' content terms.
        let mut document_frequencies: IntMap<u64, u32> = IntMap::default();
        for &m in &members {
            for &term in &self.sketch(m).content_terms {
                document_frequencies.entry(term).or_insert_with(|| {
                    self.engine.frequencies.of(term)
                        + self.new_terms.get(&term).copied().unwrap_or(0)
                });
            }
        }
        let field = self.timing.field;
        let mut given = GivenCandidates {
            copy_keys: members.iter().map(|&m| self.copy_key(m)).collect(),
            words: members.iter().map(|&m| self.words(m)).collect(),
            times: members
                .iter()
                .map(|&m| {
                    let f = field?;
                    if self.is_new(m) {
                        self.new[self.new_index(m)]
                            .facts
                            .times
                            .get(f)
                            .copied()
                            .flatten()
                    } else {
                        self.engine.catalog.time(m as u32, f)
                    }
                })
                .collect(),
            common_fingerprints,
            common_templates,
            document_frequencies,
            corpus_documents: self.documents,
            time_field: field.map(|f| self.engine.catalog.fields()[f].clone()),
            documents_without_time: match field {
                Some(_) => self.documents - self.timing.timed,
                None => 0,
            },
            ..GivenCandidates::default()
        };
        for (p, by) in &pairs {
            let pair = CandidatePair::new(place(article(p.a)), place(article(p.b)));
            given.pairs.push(GivenPair {
                pair,
                minhash: by.minhash,
                overlap: by.overlap,
                story: by.story,
            });
        }
        given.documents = members
            .iter()
            .map(|&m| {
                if self.is_new(m) {
                    self.new[self.new_index(m)].doc.clone()
                } else {
                    self.sketches[&(m as u32)].0.clone()
                }
            })
            .collect();
        given.overlap_pairs = self
            .overlap_found
            .iter()
            .filter(|(p, _)| pairs.contains_key(p))
            .map(
                |(p, &(shared_fingerprints, shared_boilerplate))| OverlapPair {
                    pair: CandidatePair::new(place(article(p.a)), place(article(p.b))),
                    shared_fingerprints,
                    shared_boilerplate,
                },
            )
            .collect();
        Ok(given)
    }

    /// Distinct fillings of template `id` among documents (not copies).
    fn fillings(&self, id: u64) -> crate::Result<usize> {
        let catalog = &self.engine.catalog;
        let mut entries = Vec::new();
        self.postings(Kind::Templates)
            .with_prefix(id, template_id(u64::MAX), &mut entries)
            .map_err(|e| self.io_error(e))?;
        let mut fillings: Vec<u64> = entries
            .into_iter()
            .filter(|&(_, s)| catalog.counts_in_postings(s))
            .map(|(packed, _)| packed)
            .collect();
        if let Some(new) = self.new_templates.get(&id) {
            fillings.extend(new);
        }
        fillings.sort_unstable();
        fillings.dedup();
        Ok(fillings.len())
    }
}

/// The pair of two articles, smaller first.
fn pair(a: Article, b: Article) -> CandidatePair {
    CandidatePair::new(DocId(a as u32), DocId(b as u32))
}

/// The article a pair's document number stands for (pairs of the probe are
/// numbered by article until they are renumbered among their documents).
fn article(d: DocId) -> Article {
    Article::from(d.0)
}

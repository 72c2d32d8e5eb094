//! A persistent index of articles, to check new ones against without a
//! corpus of files: `reprint index create | add | check | remove | evict |
//! stats`.
//!
//! Input: the settings of a scan (fixed when the index is created) and
//! entries to add or check. Output: for a check, what the pair stage makes
//! of every pair with a new article, exactly what a scan of the indexed
//! articles followed by the new ones gives those pairs.
//!
//! The index is a folder holding one embedded database ([`redb`]): the
//! settings, each article's JSON record (id, text and other fields) under
//! the number it was added as, its id, and its facts (what a check keeps in
//! memory of it: words, copy key, dateline day, times). Every add commits
//! before it returns, a commit is atomic and durable (fsync), and a killed
//! process leaves the index as of its last commit. One process writes at a
//! time; others may read beside it.
//!
//! Beside the database, `postings/` holds what checks look candidates up in
//! (band keys, fingerprints, templates and distinctive terms of every
//! article that copies no earlier one: `postings.rs` over sorted runs,
//! `runs.rs`) and the document frequencies of content terms, both written
//! every [`FLUSH_DOCUMENTS`] articles; the articles added since are sketched
//! again from their records when the index opens (`engine.rs`). A check
//! (`probe.rs`) sketches the new articles, finds their candidates by the
//! scan's own rules applied over the whole corpus, and runs the scan's pair
//! stage on those pairs alone with the corpus's facts
//! (`pipeline::check_given`). An index of at most 100 documents with the new
//! ones is scanned whole instead (a scan compares every pair of so few), and
//! so is an index whose files a writer is changing under a reader.

mod catalog;
mod engine;
mod postings;
mod probe;
mod runs;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ahash::AHashSet;
use rayon::prelude::*;
use redb::{
    ConcurrencyMode, Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, Table, TableDefinition,
};
use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::Error;
use crate::grade::Verdict;
use crate::input::{parse_time, CorpusReader, Document, Entry, IdKind, Skipped};
use crate::pipeline::{
    check_given, without_words, ArticleSketch, ArticleSketcher, Scan, EXHAUSTIVE_NEAR_MISS_DOCS,
};
use crate::progress::{Progress, Silent};
use crate::report::{Counts, Report};
use catalog::Facts;
use engine::{Engine, Numbered};
use postings::SortedEntries;
pub use postings::FLUSH_DOCUMENTS;
use probe::NewArticle;

/// The database file inside an index folder.
pub const DATABASE_FILE: &str = "index.redb";

/// What [`META`]'s `format` key holds: the layout of the tables.
const FORMAT: &str = "reprint index 2";

/// Settings and facts about the index, by name.
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
/// Each article's JSON record, by the number it was added as.
const RECORDS: TableDefinition<u64, &[u8]> = TableDefinition::new("records");
/// Each article's number, by id.
const IDS: TableDefinition<&str, u64> = TableDefinition::new("ids");
/// What the check engine keeps in memory of each article (see
/// `catalog::Facts`), by number; committed with its record.
const FACTS: TableDefinition<u64, &[u8]> = TableDefinition::new("facts");

/// Articles an index numbers at most over its life (removed ones count).
const MAX_ARTICLES: u64 = 1 << 31;

/// [`META`] keys: the number the next article is added as (numbers are
/// never used twice), and the removal generation (each removal adds one).
const NEXT_SEQ: &str = "next_seq";
const GENERATION: &str = "generation";

/// Articles written per commit while adding, unless set otherwise: what a
/// killed process had not committed is not in the index. A commit costs an
/// fsync and the database's repair state, more as the file grows: adding
/// 300,000 harness articles took 28.4 s with 4,096 a commit, 20.6 s with
/// 16,384.
pub const COMMIT_DOCUMENTS: usize = 16_384;

/// The database, opened to write or only to read.
enum Handle {
    Writer(Database),
    Reader(ReadOnlyDatabase),
}

impl Handle {
    fn begin_read(&self) -> Result<ReadTransaction, redb::TransactionError> {
        match self {
            Handle::Writer(db) => db.begin_read(),
            Handle::Reader(db) => db.begin_read(),
        }
    }

    /// The database to write to, or why not.
    fn writer(&self, dir: &Path) -> crate::Result<&Database> {
        match self {
            Handle::Writer(db) => Ok(db),
            Handle::Reader(_) => Err(Error::IndexReadOnly {
                dir: dir.to_path_buf(),
            }),
        }
    }
}

/// How processes share an index's database: one writer, and readers beside
/// it that follow its commits (redb's `SingleWriter`, byte-range locks).
fn builder() -> redb::Builder {
    let mut builder = Database::builder();
    builder
        .set_cache_size(CACHE_BYTES)
        .set_concurrency_mode(ConcurrencyMode::SingleWriter);
    builder
}

/// Bytes of database pages kept in memory (redb's default is 1 GiB): records
/// are read in order, once per check, so a large cache buys little.
const CACHE_BYTES: usize = 64 << 20;

/// An open index: by one writing process at a time ([`Index::open`]; a
/// second gets [`Error::IndexBusy`]) and any number of reading ones beside it
/// ([`Index::open_to_read`]), which see each commit once it is made.
pub struct Index {
    db: Handle,
    dir: PathBuf,
    config: Config,
    /// Articles an add writes per commit.
    commit_every: usize,
    /// The state fast checks read; none for a reader that opened while a
    /// writer was between a removal's commit and its files (its checks scan).
    engine: Option<Engine>,
}

/// What an add did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Added {
    /// Articles added, in input order.
    pub added: Vec<String>,
    /// Input items not added, with reasons (bad lines, duplicate ids).
    pub skipped: Vec<Skipped>,
}

/// What a removal did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removed {
    /// Ids removed.
    pub removed: Vec<String>,
    /// Ids asked for that the index does not hold.
    pub unknown: Vec<String>,
}

/// What an eviction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evicted {
    /// Ids removed, in the order they were added.
    pub removed: Vec<String>,
    /// Articles kept because their field holds no readable time.
    pub untimed: usize,
}

/// What [`Index::stats`] tells.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexStats {
    /// Articles in the index.
    pub documents: u64,
    /// Bytes of the database file.
    pub file_bytes: u64,
    /// Bytes of the postings files (what checks look candidates up in).
    pub postings_bytes: u64,
    /// Bytes this process holds in memory to look postings up (Bloom
    /// filters and sparse indexes).
    pub lookup_memory_bytes: u64,
    /// The reprint version that created the index.
    pub created_by: String,
}

/// A check's result: what the pair stage made of the pairs with a new
/// article.
pub struct Checked {
    /// The scan of the check. Its report lists only pairs, clusters, story
    /// clusters and near misses with a new article, and counts verdicts and
    /// clusters of those lists. With the index's postings (an index of more
    /// than 100 documents), `scan.documents` are the documents of those
    /// pairs and the other counts are the check's (its documents and
    /// candidates); a smaller index is scanned whole, and they are the
    /// whole scan's.
    pub scan: Scan,
    /// The ids of the new articles, in input order.
    pub new_ids: Vec<String>,
    /// The new articles that were checked (those with words), in input
    /// order: what `check --add` adds.
    new: Vec<Document>,
    /// The temporary copy of the indexed records a whole scan reads texts
    /// from (kept until the check is dropped, so `scan.documents` can be
    /// read).
    _records: Option<tempfile::NamedTempFile>,
}

impl Checked {
    /// The new articles that were checked, in input order (their texts are
    /// read again from the input when needed): what `check --add` adds.
    pub fn new_documents(&self) -> impl Iterator<Item = &Document> {
        self.new.iter()
    }
}

impl Index {
    /// Creates an index in `dir` (a folder that does not exist yet, or is
    /// empty) with the settings of `config`, fixed from now on.
    ///
    /// # Errors
    /// [`Error::IndexExists`] when `dir` holds anything, [`Error::Io`] when it
    /// cannot be made, [`Error::IndexStore`] when the database cannot be
    /// written.
    pub fn create(dir: &Path, config: &Config) -> crate::Result<Index> {
        config.validate()?;
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(io)?;
            if entries.next().is_some() {
                return Err(Error::IndexExists {
                    dir: dir.to_path_buf(),
                });
            }
        }
        std::fs::create_dir_all(dir).map_err(io)?;
        let db = builder().create(dir.join(DATABASE_FILE)).in_index(dir)?;
        let settings = serde_json::to_string(config).expect("settings serialize to JSON");
        let write = db.begin_write().in_index(dir)?;
        {
            let mut meta = write.open_table(META).in_index(dir)?;
            for (key, value) in [
                ("format", FORMAT),
                ("settings", settings.as_str()),
                ("created_by", env!("CARGO_PKG_VERSION")),
                (NEXT_SEQ, "0"),
                (GENERATION, "0"),
            ] {
                meta.insert(key, value).in_index(dir)?;
            }
            write.open_table(RECORDS).in_index(dir)?;
            write.open_table(IDS).in_index(dir)?;
            write.open_table(FACTS).in_index(dir)?;
        }
        write.commit().in_index(dir)?;
        let mut index = Index {
            db: Handle::Writer(db),
            dir: dir.to_path_buf(),
            config: stored_config(config),
            commit_every: COMMIT_DOCUMENTS,
            engine: None,
        };
        index.load_engine(true)?;
        Ok(index)
    }

    /// Opens the index in `dir` to write (add, remove, evict) and read, with
    /// the settings it was created with.
    ///
    /// # Errors
    /// [`Error::NotAnIndex`] when `dir` holds no index (or one of another
    /// format), [`Error::IndexBusy`] when another process has it open to
    /// write, [`Error::IndexStore`] when the database cannot be read.
    pub fn open(dir: &Path) -> crate::Result<Index> {
        Self::open_as(dir, true)
    }

    /// Opens the index in `dir` only to read (check, stats): any number of
    /// processes may, beside one writing, and each read sees the commits
    /// made before it.
    ///
    /// # Errors
    /// As [`Index::open`], but a writer elsewhere is no error.
    pub fn open_to_read(dir: &Path) -> crate::Result<Index> {
        Self::open_as(dir, false)
    }

    fn open_as(dir: &Path, write: bool) -> crate::Result<Index> {
        let file = dir.join(DATABASE_FILE);
        let not_an_index = |why: String| Error::NotAnIndex {
            dir: dir.to_path_buf(),
            why,
        };
        if !file.is_file() {
            return Err(not_an_index(format!(
                "it has no {DATABASE_FILE} (make one with `reprint index create`)"
            )));
        }
        let opened = if write {
            builder().open(&file).map(Handle::Writer)
        } else {
            builder().open_read_only(&file).map(Handle::Reader)
        };
        let db = match opened {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(Error::IndexBusy {
                    dir: dir.to_path_buf(),
                })
            }
            Err(e) => return Err(not_an_index(e.to_string())),
        };
        let read = db.begin_read().in_index(dir)?;
        let meta = read
            .open_table(META)
            .map_err(|e| not_an_index(e.to_string()))?;
        let value = |key: &str| -> crate::Result<Option<String>> {
            Ok(meta.get(key).in_index(dir)?.map(|v| v.value().to_string()))
        };
        match value("format")? {
            Some(format) if format == FORMAT => {}
            Some(other) => {
                return Err(not_an_index(format!(
                    "its format is {other:?}, this reprint reads {FORMAT:?} (create a new \
                     index and add the articles to it again)"
                )))
            }
            None => return Err(not_an_index("it has no format".to_string())),
        }
        let created_by = value("created_by")?.unwrap_or_default();
        let settings = value("settings")?.unwrap_or_default();
        let config: Config = serde_json::from_str(&settings).map_err(|e| {
            not_an_index(format!(
                "its settings (made by reprint {created_by}) cannot be read by this version: {e}"
            ))
        })?;
        drop((meta, read));
        let mut index = Index {
            db,
            dir: dir.to_path_buf(),
            config,
            commit_every: COMMIT_DOCUMENTS,
            engine: None,
        };
        index.load_engine(write)?;
        Ok(index)
    }

    /// Loads the check engine's state: the facts of every article, the
    /// postings files, and the articles past them sketched again.
    fn load_engine(&mut self, write: bool) -> crate::Result<()> {
        let dir = self.dir.clone();
        let files = engine::Files::open(&dir, write)?;
        let read = self.db.begin_read().in_index(&dir)?;
        let (next_seq, generation) = counters(&read, &dir)?;
        let facts_table = read.open_table(FACTS).in_index(&dir)?;
        let rows = facts_table.iter().in_index(&dir)?.map(|row| {
            let (seq, row) = row.in_index(&dir)?;
            let facts = Facts::from_row(row.value()).map_err(|why| Error::NotAnIndex {
                dir: dir.clone(),
                why: format!("the facts of its article number {}: {why}", seq.value()),
            })?;
            Ok((seq.value() as u32, facts))
        });
        let Some(mut engine) =
            Engine::load(files, &self.config, rows, next_seq as u32, generation)?
        else {
            return Ok(());
        };
        let records = read.open_table(RECORDS).in_index(&dir)?;
        let mut chunk: Vec<Numbered> = Vec::with_capacity(1024);
        for row in records
            .range(u64::from(engine.entered_below())..)
            .in_index(&dir)?
        {
            let (seq, record) = row.in_index(&dir)?;
            chunk.push((seq.value() as u32, record.value().to_vec()));
            if chunk.len() == 1024 {
                engine.enter_records(&chunk, &self.config)?;
                chunk.clear();
            }
        }
        engine.enter_records(&chunk, &self.config)?;
        self.engine = Some(engine);
        Ok(())
    }

    /// The settings every check and add of this index uses.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sets the worker threads and memory budget of this process's checks
    /// (0: as [`Config::threads`] and [`Config::memory_limit`] say); results
    /// do not depend on them.
    pub fn set_resources(&mut self, threads: usize, memory_limit: u64) {
        self.config.threads = threads;
        self.config.memory_limit = memory_limit;
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Sets how many articles an add writes per commit (at least one;
    /// [`COMMIT_DOCUMENTS`] until set): fewer make each acknowledgement
    /// sooner, more make adding faster (a commit is one fsync).
    pub fn set_commit_every(&mut self, articles: usize) {
        self.commit_every = articles.max(1);
    }

    /// Sets how many articles are added before their postings are written
    /// to files (at least one; [`FLUSH_DOCUMENTS`] until set): the articles
    /// added since are held in memory and sketched again when the index
    /// opens, so fewer make opening faster and more make adding faster.
    pub fn set_flush_every(&mut self, articles: usize) {
        if let Some(engine) = self.engine.as_mut() {
            engine.set_flush_every(articles);
        }
    }

    /// Adds the articles of `entries` in order, committing every
    /// [`Index::set_commit_every`] articles; `committed` hears the ids of
    /// each commit once it is durable. An article needs an id (an index names its articles by
    /// them); one whose id the index holds already is refused.
    ///
    /// # Errors
    /// The input's errors, [`Error::IdInIndex`] for an id the index holds
    /// (or given twice), [`Error::IdRequired`] for a record without an id,
    /// [`Error::IndexStore`] when the database cannot be written. Commits made
    /// before an error stay; at an error of the input, every article before
    /// it is added first.
    pub fn add(
        &mut self,
        entries: impl IntoIterator<Item = crate::Result<Entry>>,
        mut committed: impl FnMut(&[String]),
    ) -> crate::Result<Added> {
        let mut result = Added::default();
        // Fused: it is read again once it has ended.
        let mut entries = entries.into_iter().fuse();
        let (size, id_field) = (self.commit_every, self.config.input.id_field.clone());
        // An input error ends the reading; the articles before it are added.
        let mut failed = None;
        let mut read = |skipped: &mut Vec<Skipped>| {
            if failed.is_some() {
                return Vec::new();
            }
            let (batch, error) = read_batch(&mut entries, size, &id_field, skipped);
            failed = error;
            batch
        };
        // Three batches at a time: while the pool writes one and sketches
        // the next, this thread reads the one after.
        let mut prepared: Option<PreparedBatch> = None;
        let mut next = read(&mut result.skipped);
        while prepared.is_some() || !next.is_empty() {
            let docs = (!next.is_empty()).then_some(std::mem::take(&mut next));
            let mut skipped = Vec::new();
            next = self.advance(&mut prepared, docs, &mut committed, &mut result, || {
                read(&mut skipped)
            })?;
            result.skipped.append(&mut skipped);
        }
        match failed {
            Some(error) => Err(error),
            None => Ok(result),
        }
    }

    /// Writes the `prepared` batch (if any) while `next` is prepared in its
    /// place, on the pool, and runs `read` on this thread meanwhile; the ids
    /// written are acknowledged before an error in `next`.
    fn advance<R: Send>(
        &mut self,
        prepared: &mut Option<PreparedBatch>,
        next: Option<Vec<Document>>,
        committed: &mut impl FnMut(&[String]),
        result: &mut Added,
        read: impl FnOnce() -> R,
    ) -> crate::Result<R> {
        let sketcher = self.engine.as_ref().map(|e| Arc::clone(&e.sketcher));
        let config = self.config.clone();
        let prepare = |docs: Vec<Document>| prepare_batch(docs, sketcher.as_deref(), &config);
        let batch = prepared.take();
        let mut work = None;
        let read = rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                work = Some(match (batch, next) {
                    (Some(batch), Some(docs)) => {
                        let (written, next) = rayon::join(|| self.commit(batch), || prepare(docs));
                        (Some(written), Some(next))
                    }
                    (Some(batch), None) => (Some(self.commit(batch)), None),
                    (None, next) => (None, next.map(prepare)),
                });
            });
            read()
        });
        let (written, next) = work.expect("the scope ran its work");
        if let Some(written) = written {
            let ids = written?;
            committed(&ids);
            result.added.extend(ids);
        }
        *prepared = next.transpose()?;
        Ok(read)
    }

    /// Writes a prepared batch in one transaction, or nothing, and gives it
    /// to the check engine.
    fn commit(&mut self, batch: PreparedBatch) -> crate::Result<Vec<String>> {
        let PreparedBatch {
            articles: batch,
            sorted,
        } = batch;
        let dir = self.dir.clone();
        let (ids, first) = self.write(|records, by_id, facts_table, meta| {
            let first = read_counter(meta, NEXT_SEQ, &dir)?;
            // Articles are numbered in 32 bits, the new ones of a check after
            // them: a margin is kept for those.
            if first + batch.len() as u64 > MAX_ARTICLES {
                return Err(Error::TooManyDocuments {
                    limit: MAX_ARTICLES as usize,
                });
            }
            let mut ids = Vec::with_capacity(batch.len());
            for (seq, article) in (first..).zip(&batch) {
                let doc = &article.doc;
                if by_id.get(doc.id.as_str()).in_index(&dir)?.is_some() {
                    return Err(Error::IdInIndex {
                        at: doc.origin.to_string(),
                        id: doc.id.clone(),
                        dir: dir.clone(),
                    });
                }
                records
                    .insert(seq, article.record.as_slice())
                    .in_index(&dir)?;
                by_id.insert(doc.id.as_str(), seq).in_index(&dir)?;
                facts_table
                    .insert(seq, article.facts.to_row().as_slice())
                    .in_index(&dir)?;
                ids.push(doc.id.clone());
            }
            let next = (first + batch.len() as u64).to_string();
            meta.insert(NEXT_SEQ, next.as_str()).in_index(&dir)?;
            Ok((ids, first))
        })?;
        if let Some(engine) = self.engine.as_mut() {
            let added: Vec<(u32, Facts, Option<ArticleSketch>)> = batch
                .into_iter()
                .zip(first..)
                .map(|(article, seq)| (seq as u32, article.facts, article.sketch))
                .collect();
            engine.added(&added, sorted)?;
        }
        Ok(ids)
    }

    /// Runs `work` on the records and ids tables in one write transaction,
    /// committed when it succeeds (nothing of it is kept when it fails).
    fn write<T>(
        &self,
        work: impl FnOnce(
            &mut Table<u64, &[u8]>,
            &mut Table<&str, u64>,
            &mut Table<u64, &[u8]>,
            &mut Table<&str, &str>,
        ) -> crate::Result<T>,
    ) -> crate::Result<T> {
        let dir = &self.dir;
        let mut write = self.db.writer(dir)?.begin_write().in_index(dir)?;
        // A killed process leaves the index as of this commit, and the next
        // open needs no repair pass over the file.
        write.set_quick_repair(true);
        let result = {
            let mut records = write.open_table(RECORDS).in_index(dir)?;
            let mut by_id = write.open_table(IDS).in_index(dir)?;
            let mut facts = write.open_table(FACTS).in_index(dir)?;
            let mut meta = write.open_table(META).in_index(dir)?;
            work(&mut records, &mut by_id, &mut facts, &mut meta)?
        };
        write.commit().in_index(dir)?;
        Ok(result)
    }

    /// Removes the articles `numbered` (with their ids), in commits of
    /// [`Index::set_commit_every`] articles: the check engine holds each
    /// commit's records until it has taken them out, so memory stays bounded
    /// however many go (a killed removal leaves whole commits done).
    fn remove_numbered(&mut self, numbered: &[(u64, String)]) -> crate::Result<()> {
        for chunk in numbered.chunks(self.commit_every) {
            self.remove_committed(chunk)?;
        }
        Ok(())
    }

    /// Removes the articles `numbered` (with their ids) in one commit that
    /// adds one to the removal generation, then takes them out of the check
    /// engine.
    fn remove_committed(&mut self, numbered: &[(u64, String)]) -> crate::Result<()> {
        let dir = self.dir.clone();
        let (removed, generation) = self.write(|records, by_id, facts, meta| {
            let mut removed: Vec<Numbered> = Vec::with_capacity(numbered.len());
            for (seq, id) in numbered {
                if let Some(record) = records.remove(*seq).in_index(&dir)? {
                    removed.push((*seq as u32, record.value().to_vec()));
                }
                by_id.remove(id.as_str()).in_index(&dir)?;
                facts.remove(*seq).in_index(&dir)?;
            }
            let generation = read_counter(meta, GENERATION, &dir)? + 1;
            meta.insert(GENERATION, generation.to_string().as_str())
                .in_index(&dir)?;
            Ok((removed, generation))
        })?;
        let read = self.db.begin_read().in_index(&dir)?;
        let read_records = |seqs: &[u32]| read_numbered(&read, seqs, &dir);
        if let Some(engine) = self.engine.as_mut() {
            engine.removed(&removed, generation, &self.config, read_records)?;
        }
        Ok(())
    }

    /// Removes the articles of `ids` (one commit for up to
    /// [`Index::set_commit_every`] of them).
    ///
    /// # Errors
    /// [`Error::IndexStore`] when the database cannot be written.
    pub fn remove(&mut self, ids: &[String]) -> crate::Result<Removed> {
        let dir = self.dir.clone();
        let mut result = Removed::default();
        let mut numbered = Vec::new();
        {
            let read = self.db.begin_read().in_index(&dir)?;
            let by_id = read.open_table(IDS).in_index(&dir)?;
            let mut asked = AHashSet::new();
            for id in ids.iter().filter(|id| asked.insert(id.as_str())) {
                match by_id.get(id.as_str()).in_index(&dir)? {
                    Some(seq) => {
                        numbered.push((seq.value(), id.clone()));
                        result.removed.push(id.clone());
                    }
                    None => result.unknown.push(id.clone()),
                }
            }
        }
        self.remove_numbered(&numbered)?;
        Ok(result)
    }

    /// Removes (one commit for up to [`Index::set_commit_every`] of them)
    /// the articles whose time in the JSON field
    /// `field` (read as `scan` reads publication times) is before `before`
    /// (Unix seconds). Articles without a readable time there are kept and
    /// counted.
    ///
    /// # Errors
    /// [`Error::IndexStore`] when the database cannot be read or written.
    pub fn evict(&mut self, field: &str, before: i64) -> crate::Result<Evicted> {
        let dir = self.dir.clone();
        let id_field = self.config.input.id_field.clone();
        let mut result = Evicted::default();
        let mut old = Vec::new();
        {
            let read = self.db.begin_read().in_index(&dir)?;
            let records = read.open_table(RECORDS).in_index(&dir)?;
            for row in records.iter().in_index(&dir)? {
                let (seq, record) = row.in_index(&dir)?;
                let record: Map<String, Value> =
                    serde_json::from_slice(record.value()).unwrap_or_default();
                match record.get(field).and_then(parse_time) {
                    Some(time) if time < before => {
                        old.push((seq.value(), id_text(record.get(&id_field))));
                    }
                    Some(_) => {}
                    None => result.untimed += 1,
                }
            }
        }
        self.remove_numbered(&old)?;
        result.removed = old.into_iter().map(|(_, id)| id).collect();
        Ok(result)
    }

    /// The stored JSON record of the article `id` (its id, text and other
    /// fields), if the index holds it.
    ///
    /// # Errors
    /// [`Error::IndexStore`] when the database cannot be read.
    pub fn record(&self, id: &str) -> crate::Result<Option<Vec<u8>>> {
        let read = self.db.begin_read().in_index(&self.dir)?;
        let by_id = read.open_table(IDS).in_index(&self.dir)?;
        let Some(seq) = by_id.get(id).in_index(&self.dir)? else {
            return Ok(None);
        };
        let records = read.open_table(RECORDS).in_index(&self.dir)?;
        let record = records
            .get(seq.value())
            .in_index(&self.dir)?
            .map(|r| r.value().to_vec());
        Ok(record)
    }

    /// The ids of the indexed articles, in the order they were added.
    ///
    /// # Errors
    /// [`Error::IndexStore`] when the database cannot be read.
    pub fn ids(&self) -> crate::Result<Vec<String>> {
        // From the ids table, sorted by number: no record is read or parsed.
        let read = self.db.begin_read().in_index(&self.dir)?;
        let by_id = read.open_table(IDS).in_index(&self.dir)?;
        let mut numbered = Vec::new();
        for row in by_id.iter().in_index(&self.dir)? {
            let (id, seq) = row.in_index(&self.dir)?;
            numbered.push((seq.value(), id.value().to_string()));
        }
        numbered.sort_unstable();
        Ok(numbered.into_iter().map(|(_, id)| id).collect())
    }

    /// Rewrites each kind of postings as one file without the entries of
    /// removed articles (merges leave them out as they come, but reach the
    /// largest files rarely): after a large eviction, the postings shrink to
    /// what the index holds.
    ///
    /// # Errors
    /// [`Error::IndexReadOnly`] for an index opened to read, files that
    /// cannot be read or written.
    pub fn compact(&mut self) -> crate::Result<()> {
        self.db.writer(&self.dir)?;
        match self.engine.as_mut() {
            Some(engine) => engine.compact(),
            None => Ok(()),
        }
    }

    /// How many articles the index holds, and how large it is.
    ///
    /// # Errors
    /// [`Error::IndexStore`] when the database cannot be read.
    pub fn stats(&self) -> crate::Result<IndexStats> {
        let read = self.db.begin_read().in_index(&self.dir)?;
        let documents = read
            .open_table(RECORDS)
            .in_index(&self.dir)?
            .len()
            .in_index(&self.dir)?;
        let created_by = read
            .open_table(META)
            .in_index(&self.dir)?
            .get("created_by")
            .in_index(&self.dir)?
            .map(|v| v.value().to_string())
            .unwrap_or_default();
        let file_bytes = std::fs::metadata(self.dir.join(DATABASE_FILE)).map_or(0, |m| m.len());
        let (postings_bytes, lookup_memory_bytes) =
            self.engine.as_ref().map_or((0, 0), |e| e.postings.bytes());
        Ok(IndexStats {
            documents,
            file_bytes,
            postings_bytes,
            lookup_memory_bytes,
            created_by,
        })
    }

    /// Checks the articles of `entries` against the index: the scan of every
    /// indexed article (in the order added) followed by them, with the
    /// index's settings, restricted to what involves a new article.
    ///
    /// # Errors
    /// The input's errors, [`Error::IdInIndex`] for a new article whose id
    /// the index holds, the scan's errors, [`Error::TempFile`] when the
    /// indexed records cannot be written to TMPDIR.
    pub fn check(
        &self,
        entries: impl IntoIterator<Item = crate::Result<Entry>>,
    ) -> crate::Result<Checked> {
        self.check_with_progress(entries, &Silent)
    }

    /// [`Index::check`], telling `progress` how far the scan got.
    ///
    /// # Errors
    /// As [`Index::check`].
    pub fn check_with_progress(
        &self,
        entries: impl IntoIterator<Item = crate::Result<Entry>>,
        progress: &dyn Progress,
    ) -> crate::Result<Checked> {
        // One snapshot for the records read and the ids refused: a writer
        // beside this reader may commit meanwhile.
        let read = self.db.begin_read().in_index(&self.dir)?;
        let by_id = read.open_table(IDS).in_index(&self.dir)?;
        let mut new_ids = Vec::new();
        let mut new = Vec::new();
        for entry in entries {
            let entry = entry?;
            if let Entry::Document(doc) = &entry {
                if by_id.get(doc.id.as_str()).in_index(&self.dir)?.is_some() {
                    return Err(Error::IdInIndex {
                        at: doc.origin.to_string(),
                        id: doc.id.clone(),
                        dir: self.dir.clone(),
                    });
                }
                new_ids.push(doc.id.clone());
            }
            new.push(entry);
        }
        let indexed = |id: &str| by_id.get(id).ok().flatten().is_some();
        let new_set: AHashSet<String> = new_ids.iter().cloned().collect();
        let CheckRun {
            mut scan,
            new,
            records,
        } = match &self.engine {
            Some(engine) => match self.check_by_postings(engine, &read, new)? {
                ByPostings::Checked(run) => *run,
                ByPostings::TooSmall(new) => self.check_by_scan(&read, new, progress)?,
            },
            None => self.check_by_scan(&read, new, progress)?,
        };
        let new_set: AHashSet<&str> = new_set.iter().map(String::as_str).collect();
        restrict_to(&mut scan.report, &new_set, indexed);
        drop((by_id, read));
        Ok(Checked {
            scan,
            new_ids,
            new,
            _records: records,
        })
    }

    /// A check from the postings: the new articles sketched, their
    /// candidates looked up, the pair stage run on those alone. Gives the
    /// entries back when the corpus is small enough to be compared pair by
    /// pair (a scan does, and is cheap then).
    fn check_by_postings(
        &self,
        engine: &Engine,
        read: &ReadTransaction,
        entries: Vec<Entry>,
    ) -> crate::Result<ByPostings> {
        let fields = engine.catalog.fields();
        let sketched: Vec<(Entry, Option<Facts>, Option<ArticleSketch>)> = entries
            .into_par_iter()
            .map(|entry| {
                let Entry::Document(doc) = &entry else {
                    return Ok((entry, None, None));
                };
                let sketch = engine.sketcher.sketch(&doc.load_text()?);
                let facts = Facts::of(doc, sketch.as_ref(), fields);
                Ok((entry, Some(facts), sketch))
            })
            .collect::<crate::Result<_>>()?;
        let documents = sketched.iter().filter(|(_, _, s)| s.is_some()).count();
        if u64::from(engine.catalog.next_seq()) + sketched.len() as u64 >= u64::from(u32::MAX) {
            return Err(Error::TooManyDocuments {
                limit: (u32::MAX - engine.catalog.next_seq()) as usize,
            });
        }
        if engine.catalog.documents() + documents <= EXHAUSTIVE_NEAR_MISS_DOCS {
            return Ok(ByPostings::TooSmall(
                sketched.into_iter().map(|(e, ..)| e).collect(),
            ));
        }
        let read_count = engine.catalog.held() + sketched.len();
        let mut skipped = Vec::new();
        let mut new = Vec::with_capacity(documents);
        for (entry, facts, sketch) in sketched {
            match (entry, facts, sketch) {
                (Entry::Document(doc), Some(facts), Some(sketch)) => {
                    new.push(NewArticle { doc, sketch, facts })
                }
                (Entry::Document(doc), ..) => skipped.push(without_words(&doc)),
                (Entry::Skipped(s), ..) => skipped.push(s),
            }
        }
        let dir = &self.dir;
        let mut given = probe::given_candidates(engine, &self.config, &new, &|seqs: &[u32]| {
            read_numbered(read, seqs, dir)
        })?;
        given.skipped = skipped;
        given.read_count = read_count;
        Ok(ByPostings::Checked(Box::new(CheckRun {
            scan: check_given(&self.config, given)?,
            new: new.into_iter().map(|n| n.doc).collect(),
            records: None,
        })))
    }

    /// A check by a scan of every indexed record (in the order added)
    /// followed by the new entries, exact by construction.
    fn check_by_scan(
        &self,
        read: &ReadTransaction,
        entries: Vec<Entry>,
        progress: &dyn Progress,
    ) -> crate::Result<CheckRun> {
        let records = self.write_records(read)?;
        let indexed = CorpusReader::open(&[records.path().to_path_buf()], &self.config.input)?;
        let new_ids: AHashSet<String> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Document(doc) => Some(doc.id.clone()),
                Entry::Skipped(_) => None,
            })
            .collect();
        let scan = crate::run_with_progress(
            &self.config,
            indexed.chain(entries.into_iter().map(Ok)),
            progress,
        )?;
        let new = scan
            .documents
            .iter()
            .filter(|doc| new_ids.contains(&doc.id))
            .cloned()
            .collect();
        Ok(CheckRun {
            scan,
            new,
            records: Some(records),
        })
    }

    /// Every indexed record, in the order added, as JSON Lines in a
    /// temporary file.
    fn write_records(&self, read: &ReadTransaction) -> crate::Result<tempfile::NamedTempFile> {
        let temp_error = |source| Error::TempFile {
            what: "indexed records",
            source,
        };
        let file = tempfile::Builder::new()
            .prefix("reprint-index-")
            .suffix(".jsonl")
            .tempfile()
            .map_err(temp_error)?;
        let records = read.open_table(RECORDS).in_index(&self.dir)?;
        let mut out = BufWriter::new(file.as_file());
        for row in records.iter().in_index(&self.dir)? {
            let (_, record) = row.in_index(&self.dir)?;
            out.write_all(record.value()).map_err(temp_error)?;
            out.write_all(b"\n").map_err(temp_error)?;
        }
        out.flush().map_err(temp_error)?;
        drop(out);
        Ok(file)
    }
}

/// The number the next article is added as, and the removal generation.
fn counters(read: &ReadTransaction, dir: &Path) -> crate::Result<(u64, u64)> {
    let meta = read.open_table(META).in_index(dir)?;
    let value = |key: &str| -> crate::Result<u64> {
        let text = meta.get(key).in_index(dir)?;
        parse_counter(text.as_ref().map(|v| v.value()), key, dir)
    };
    Ok((value(NEXT_SEQ)?, value(GENERATION)?))
}

/// A counter of [`META`] read inside a write transaction.
fn read_counter(meta: &Table<&str, &str>, key: &str, dir: &Path) -> crate::Result<u64> {
    let text = meta.get(key).in_index(dir)?;
    parse_counter(text.as_ref().map(|v| v.value()), key, dir)
}

fn parse_counter(text: Option<&str>, key: &str, dir: &Path) -> crate::Result<u64> {
    text.and_then(|t| t.parse().ok())
        .ok_or_else(|| Error::NotAnIndex {
            dir: dir.to_path_buf(),
            why: format!("its {key} is missing or not a number"),
        })
}

/// The stored records of `seqs` (those the index holds), with their numbers.
fn read_numbered(read: &ReadTransaction, seqs: &[u32], dir: &Path) -> crate::Result<Vec<Numbered>> {
    let records = read.open_table(RECORDS).in_index(dir)?;
    let mut found = Vec::with_capacity(seqs.len());
    for &seq in seqs {
        if let Some(record) = records.get(u64::from(seq)).in_index(dir)? {
            found.push((seq, record.value().to_vec()));
        }
    }
    Ok(found)
}

/// A check's scan, before its report is cut to the pairs with a new article.
struct CheckRun {
    scan: Scan,
    /// The new articles checked (those with words), in input order.
    new: Vec<Document>,
    /// The temporary copy of the indexed records a whole scan read, if one
    /// did (its documents' texts are read from it).
    records: Option<tempfile::NamedTempFile>,
}

/// What a check from the postings gives.
enum ByPostings {
    Checked(Box<CheckRun>),
    /// The entries back: the corpus is small enough to scan whole.
    TooSmall(Vec<Entry>),
}

/// Reads the next `size` documents of `entries` (fewer at its end or at an
/// error, given with those before it), counting the skipped ones into
/// `skipped`.
fn read_batch(
    entries: &mut impl Iterator<Item = crate::Result<Entry>>,
    size: usize,
    id_field: &str,
    skipped: &mut Vec<Skipped>,
) -> (Vec<Document>, Option<Error>) {
    let mut batch = Vec::new();
    while batch.len() < size {
        match entries.next() {
            None => break,
            Some(Err(error)) => return (batch, Some(error)),
            Some(Ok(Entry::Skipped(entry))) => skipped.push(entry),
            Some(Ok(Entry::Document(doc))) => {
                if doc.id_kind == IdKind::Line {
                    let error = Error::IdRequired {
                        at: doc.origin.to_string(),
                        id_field: id_field.to_string(),
                    };
                    return (batch, Some(error));
                }
                batch.push(doc);
            }
        }
    }
    (batch, None)
}

/// Articles ready to be written, with the postings of their sketches sorted.
struct PreparedBatch {
    articles: Vec<Prepared>,
    sorted: SortedEntries,
}

/// An article ready to be written: its record, facts and sketch.
struct Prepared {
    doc: Document,
    record: Vec<u8>,
    facts: Facts,
    sketch: Option<ArticleSketch>,
}

/// Reads and sketches `docs` in parallel (sketches only with a sketcher).
fn prepare_batch(
    docs: Vec<Document>,
    sketcher: Option<&ArticleSketcher>,
    config: &Config,
) -> crate::Result<PreparedBatch> {
    let fields = catalog::time_fields(config);
    let articles: Vec<Prepared> = docs
        .into_par_iter()
        .map(|doc| {
            let text = doc.load_text()?;
            let sketch = sketcher.and_then(|s| s.sketch(&text));
            let facts = Facts::of(&doc, sketch.as_ref(), &fields);
            let record = record_of(&doc, &text, config);
            drop(text);
            Ok(Prepared {
                doc,
                record,
                facts,
                sketch,
            })
        })
        .collect::<crate::Result<_>>()?;
    let sorted = SortedEntries::of(
        articles
            .iter()
            .zip(0..)
            .filter_map(|(article, n)| article.sketch.as_ref().map(|sketch| (n, sketch))),
    );
    Ok(PreparedBatch { articles, sorted })
}

/// The settings as the index keeps them: what a scan's results depend on
/// (threads and the memory budget are the running process's own).
fn stored_config(config: &Config) -> Config {
    Config {
        threads: 0,
        memory_limit: 0,
        ..config.clone()
    }
}

/// A document as the JSON record the index stores: its id and text under the
/// index's field names, then its other fields, as a scan would read it.
fn record_of(doc: &Document, text: &str, config: &Config) -> Vec<u8> {
    let mut record = Map::with_capacity(doc.metadata().len() + 2);
    let id = doc
        .given_id()
        .unwrap_or_else(|| Value::String(doc.id.clone()));
    record.insert(config.input.id_field.clone(), id);
    record.insert(config.input.text_field.clone(), Value::String(text.into()));
    record.extend(
        doc.metadata()
            .iter()
            .map(|(key, value)| (key.clone(), value.clone())),
    );
    serde_json::to_vec(&record).expect("a JSON map serializes")
}

/// Keeps in `report` the pairs, clusters, story clusters and near misses
/// with a member in `new`, and the skipped items that are not indexed
/// articles (those were counted when they were added).
fn restrict_to(report: &mut Report, new: &AHashSet<&str>, indexed: impl Fn(&str) -> bool) {
    let is_new = |id: &str| new.contains(id);
    report
        .pairs
        .retain(|p| is_new(&p.scores.a) || is_new(&p.scores.b));
    report.near_misses.retain(|p| is_new(&p.a) || is_new(&p.b));
    report
        .clusters
        .retain(|c| c.members.iter().any(|m| is_new(m)));
    report
        .story_clusters
        .retain(|c| c.members.iter().any(|m| is_new(m)));
    report
        .skipped
        .retain(|s| !s.id.as_deref().is_some_and(&indexed));
    // The counts of what is listed follow the lists kept.
    let verdicts = |verdict: Verdict| report.pairs.iter().filter(|p| p.verdict == verdict).count();
    let counts = Counts {
        duplicate_pairs: verdicts(Verdict::Duplicate),
        near_duplicate_pairs: verdicts(Verdict::NearDuplicate),
        partial_reuse_pairs: verdicts(Verdict::PartialReuse),
        rewrite_pairs: verdicts(Verdict::Rewrite),
        clusters: report.clusters.len(),
        documents_in_clusters: report.clusters.iter().map(|c| c.members.len()).sum(),
        story_clusters: report.story_clusters.len(),
        ..report.counts
    };
    report.counts = Counts {
        duplicates: counts.documents_in_clusters - counts.clusters,
        ..counts
    };
}

/// The id a stored record's id field gives, as a scan reads it: a string
/// as is, a number as written.
fn id_text(id: Option<&Value>) -> String {
    match id {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// A database result as the library's: [`Error::IndexStore`] naming the
/// index folder.
trait InIndex<T> {
    fn in_index(self, dir: &Path) -> crate::Result<T>;
}

impl<T, E: Into<redb::Error>> InIndex<T> for Result<T, E> {
    fn in_index(self, dir: &Path) -> crate::Result<T> {
        self.map_err(|source| Error::IndexStore {
            dir: dir.to_path_buf(),
            source: Box::new(source.into()),
        })
    }
}

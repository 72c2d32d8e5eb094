//! `reprint.Sketcher`: the scan's sketches of a batch of texts, for another
//! engine (Spark, a database) to join on: MinHash signatures and LSH band
//! keys as packed arrays, and each article's whole sketch (fingerprints,
//! templates, story terms) as the index keeps it.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rayon::prelude::*;
use reprint::config::ShingleUnit;
use reprint::stages::{
    band_keys, ArticleSketch, ArticleSketcher, LshParams, MinHasher, Scratch, Shingler,
};
use reprint::Config;

use crate::errors::{to_py, ReprintError};
use crate::settings::{config_from, GLOBAL, SHINGLE, SIMILARITY, STORY};

/// Sketches texts as a scan with the same settings does.
///
/// ``sketch(texts)`` gives each text's MinHash signature (``num_perm``
/// unsigned 32-bit values) and LSH band keys (``bands`` unsigned 64-bit
/// values: two texts share a key when their signatures agree on that whole
/// band) packed row by row in bytes, for ``numpy.frombuffer``;
/// ``sketch_articles(texts)`` each text's whole sketch as a dict.
#[pyclass(module = "reprint", frozen)]
pub struct Sketcher {
    config: Config,
    shingler: Shingler,
    hasher: MinHasher,
    lsh: LshParams,
    articles: ArticleSketcher,
    pool: rayon::ThreadPool,
}

#[pymethods]
impl Sketcher {
    #[new]
    #[pyo3(signature = (**settings))]
    fn new(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let config = config_from(settings, &[SHINGLE, SIMILARITY, STORY, GLOBAL])?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .build()
            .map_err(|err| ReprintError::new_err(format!("cannot start worker threads: {err}")))?;
        Ok(Sketcher {
            shingler: Shingler::new(config.shingle, config.seed),
            hasher: MinHasher::new(config.shingle, config.sketch.num_perm, config.seed),
            lsh: LshParams::resolve(
                config.lsh.bands,
                config.lsh.rows,
                config.threshold,
                config.sketch.num_perm,
            ),
            articles: ArticleSketcher::new(&config).map_err(to_py)?,
            pool,
            config,
        })
    }

    /// Values in a signature.
    #[getter]
    fn num_perm(&self) -> usize {
        self.config.sketch.num_perm
    }

    /// LSH bands: band keys per text.
    #[getter]
    fn bands(&self) -> usize {
        self.lsh.bands
    }

    /// Signature values per band.
    #[getter]
    fn rows(&self) -> usize {
        self.lsh.rows
    }

    /// The signatures and band keys of `texts`: a dict with ``signatures``
    /// (bytes, ``len(texts) x num_perm`` little-endian uint32), ``band_keys``
    /// (bytes, ``len(texts) x bands`` little-endian uint64) and ``words``
    /// (a list: a text with no words has none, and its rows say nothing; a
    /// scan skips it).
    fn sketch<'py>(&self, py: Python<'py>, texts: Vec<String>) -> PyResult<Bound<'py, PyDict>> {
        let rows: Vec<(Vec<u32>, Vec<u64>, usize)> = py.detach(|| {
            self.pool.install(|| {
                texts
                    .par_iter()
                    .map_init(Scratch::default, |scratch, text| {
                        self.signature(text, scratch)
                    })
                    .collect()
            })
        });
        let mut signatures = Vec::with_capacity(rows.len() * self.num_perm() * 4);
        let mut keys = Vec::with_capacity(rows.len() * self.lsh.bands * 8);
        let mut words = Vec::with_capacity(rows.len());
        for (mins, bands, count) in rows {
            signatures.extend(mins.iter().flat_map(|v| v.to_le_bytes()));
            keys.extend(bands.iter().flat_map(|k| k.to_le_bytes()));
            words.push(count);
        }
        let out = PyDict::new(py);
        out.set_item("signatures", PyBytes::new(py, &signatures))?;
        out.set_item("band_keys", PyBytes::new(py, &keys))?;
        out.set_item("words", words)?;
        Ok(out)
    }

    /// Each text's whole sketch as a scan makes it, a dict (``None`` for a
    /// text with no words): ``band_keys``, ``copy_key`` (equal keys: equal
    /// signatures), ``fingerprints`` (winnowed, sorted), ``templates``,
    /// ``words``, ``distinctive`` and ``content_terms`` (the story stage's),
    /// ``lead_day`` (the day of the year its dateline gives).
    fn sketch_articles<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> PyResult<Vec<Option<Bound<'py, PyDict>>>> {
        let sketches: Vec<Option<ArticleSketch>> = py.detach(|| {
            self.pool.install(|| {
                texts
                    .par_iter()
                    .map(|text| self.articles.sketch(text))
                    .collect()
            })
        });
        sketches
            .into_iter()
            .map(|sketch| sketch.map(|s| article_dict(py, s)).transpose())
            .collect()
    }
}

impl Sketcher {
    fn signature(&self, text: &str, scratch: &mut Scratch) -> (Vec<u32>, Vec<u64>, usize) {
        let mut builder = self.hasher.builder();
        self.shingler
            .for_each_shingle(text, scratch, |hash| builder.add(hash));
        let words = match self.config.shingle.unit {
            ShingleUnit::Words => scratch.words().len(),
            ShingleUnit::Chars => {
                self.shingler.word_hashes_into(text, scratch);
                scratch.words().len()
            }
        };
        let signature = builder.finish();
        let keys = band_keys(&signature, self.lsh).collect();
        (signature.mins().to_vec(), keys, words)
    }
}

fn article_dict(py: Python<'_>, sketch: ArticleSketch) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("band_keys", sketch.band_keys)?;
    out.set_item("copy_key", sketch.copy_key)?;
    out.set_item("fingerprints", sketch.fingerprints)?;
    out.set_item("templates", sketch.templates)?;
    out.set_item("words", sketch.words)?;
    out.set_item("distinctive", sketch.distinctive.to_vec())?;
    out.set_item("content_terms", sketch.content_terms)?;
    out.set_item("lead_day", sketch.lead_day)?;
    Ok(out)
}

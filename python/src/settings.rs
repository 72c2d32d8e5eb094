//! Keyword settings: the command line's options under the same names
//! (`--max-df` is `max_df=`) and defaults, into one validated [`Config`].

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use reprint::config::{Keep, ShingleUnit, TimeField};
use reprint::options::{in_option_terms, keyword_of, option_of, parse_size, phrase_list};
use reprint::Config;

use crate::errors::{to_py, SettingError};

/// The settings by the CLI's groups of options, each name the option's
/// without dashes. `compare` takes the shingle, story and global ones, a
/// `Sketcher` all but the corpus ones, `scan` and `Index.create` all.
pub const SHINGLE: &[&str] = &[
    "shingle_size",
    "char_ngrams",
    "min_passage_words",
    "max_gap_words",
    "seed",
];
/// How similarity is measured, and which article a cluster keeps.
pub const SIMILARITY: &[&str] = &[
    "threshold",
    "num_perm",
    "bands",
    "rows",
    "keep",
    "no_overlap",
    "max_df",
    "ignore_phrases",
];
/// The story stage.
pub const STORY: &[&str] = &[
    "no_story",
    "story_threshold",
    "min_passage_specifics",
    "story_window_days",
    "story_cluster_threshold",
    "story_threshold_outside_window",
    "idf",
];
/// How records are read.
pub const CORPUS: &[&str] = &[
    "id_field",
    "text_field",
    "skip_bad_lines",
    "time_field",
    "no_time",
];
/// Resources (results do not depend on them).
pub const GLOBAL: &[&str] = &["threads", "memory_limit"];

/// The config `settings` give, each by its option's name, the rest at their
/// defaults (the CLI's). `groups` are the settings this call takes.
pub fn config_from(
    settings: Option<&Bound<'_, PyDict>>,
    groups: &[&[&'static str]],
) -> PyResult<Config> {
    let allowed: Vec<&str> = groups.concat();
    let mut config = Config::default();
    if let Some(settings) = settings {
        let mut char_ngrams = None;
        let mut shingle_size = None;
        for (name, value) in settings.iter() {
            let name: String = name.extract()?;
            if !allowed.contains(&name.as_str()) {
                return Err(PyTypeError::new_err(unknown_setting(&name, &allowed)));
            }
            if value.is_none() {
                continue; // the default, as an option not given
            }
            match name.as_str() {
                "char_ngrams" => char_ngrams = Some(extract::<usize>(&name, &value)?),
                "shingle_size" => shingle_size = Some(extract::<usize>(&name, &value)?),
                _ => set(&mut config, &name, &value)?,
            }
        }
        match (char_ngrams, shingle_size) {
            (Some(_), Some(_)) => {
                return Err(SettingError::new_err(
                    "char_ngrams and shingle_size cannot be given together",
                ))
            }
            (Some(n), None) => {
                config.shingle.unit = ShingleUnit::Chars;
                config.shingle.size = n;
            }
            (None, Some(k)) => config.shingle.size = k,
            (None, None) => {}
        }
    }
    config.validate().map_err(
        |err| match err.setting().and_then(option_of).map(keyword_of) {
            Some(name) => {
                SettingError::new_err(format!("invalid {name}: {}", in_python_terms(&err)))
            }
            None => to_py(err),
        },
    )?;
    Ok(config)
}

fn set(config: &mut Config, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    match name {
        "threshold" => config.threshold = extract(name, value)?,
        "min_passage_words" => config.align.min_passage_words = extract(name, value)?,
        "max_gap_words" => config.align.max_gap_words = extract(name, value)?,
        "seed" => config.seed = extract(name, value)?,
        "num_perm" => config.sketch.num_perm = extract(name, value)?,
        "bands" => config.lsh.bands = Some(extract(name, value)?),
        "rows" => config.lsh.rows = Some(extract(name, value)?),
        "keep" => {
            config.cluster.keep = match extract::<String>(name, value)?.as_str() {
                "first" => Keep::First,
                "longest" => Keep::Longest,
                other => {
                    return Err(SettingError::new_err(format!(
                        "invalid keep: {other:?} (use \"first\" or \"longest\")"
                    )))
                }
            }
        }
        "no_overlap" => config.overlap.enabled = !extract::<bool>(name, value)?,
        "max_df" => config.overlap.max_df = extract(name, value)?,
        "ignore_phrases" => config.overlap.ignore_phrases = phrases(value)?,
        "no_story" => config.story.enabled = !extract::<bool>(name, value)?,
        "story_threshold" => config.grade.story_threshold = extract(name, value)?,
        "min_passage_specifics" => config.grade.min_passage_specifics = extract(name, value)?,
        "story_window_days" => config.grade.story_window_days = extract(name, value)?,
        "story_cluster_threshold" => config.story.cluster_threshold = extract(name, value)?,
        "story_threshold_outside_window" => {
            config.grade.story_threshold_outside_window = extract(name, value)?
        }
        "idf" => config.story.idf = Some(extract::<PathBuf>(name, value)?),
        "threads" => config.threads = extract(name, value)?,
        "memory_limit" => {
            config.memory_limit = match value.extract::<u64>() {
                Ok(bytes) => bytes,
                Err(_) => parse_size(&extract::<String>(name, value)?)
                    .map_err(|why| SettingError::new_err(format!("invalid memory_limit: {why}")))?,
            }
        }
        "id_field" => config.input.id_field = extract(name, value)?,
        "text_field" => config.input.text_field = extract(name, value)?,
        "skip_bad_lines" => config.input.skip_bad_lines = extract(name, value)?,
        "time_field" => {
            if !matches!(config.input.time_field, TimeField::Ignore) {
                config.input.time_field = TimeField::Named(extract(name, value)?);
            }
        }
        "no_time" => {
            if extract::<bool>(name, value)? {
                config.input.time_field = TimeField::Ignore;
            }
        }
        _ => unreachable!("every allowed setting is set above"),
    }
    Ok(())
}

/// A value of the type a setting takes, or a `TypeError` naming the setting.
fn extract<'a, 'py, T>(name: &str, value: &'a Bound<'py, PyAny>) -> PyResult<T>
where
    T: FromPyObject<'a, 'py>,
    T::Error: Into<PyErr>,
{
    value.extract::<T>().map_err(|err| {
        let err: PyErr = err.into();
        PyTypeError::new_err(format!("{name}: {}", err.value(value.py())))
    })
}

/// `ignore_phrases`: a phrase list file, as the CLI reads it, or the
/// phrases themselves.
fn phrases(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if value.is_instance_of::<PyString>() || value.hasattr("__fspath__")? {
        let path: PathBuf = extract("ignore_phrases", value)?;
        let text = std::fs::read_to_string(&path).map_err(|err| {
            SettingError::new_err(format!(
                "cannot read the phrase list {}: {err}",
                path.display()
            ))
        })?;
        return Ok(phrase_list(&text));
    }
    extract("ignore_phrases", value)
}

fn unknown_setting(name: &str, allowed: &[&str]) -> String {
    // A typo is a setting a few edits away.
    let close = allowed
        .iter()
        .map(|known| (edit_distance(name, known), known))
        .filter(|&(distance, _)| distance <= 2)
        .min();
    match close {
        Some((_, known)) => format!("unknown setting {name:?} (did you mean {known:?}?)"),
        None => format!(
            "unknown setting {name:?}; the settings are {}",
            allowed.join(", ")
        ),
    }
}

/// Levenshtein distance, by one row of the table.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A library message with the settings it names by their config path named
/// as keyword arguments.
pub fn in_python_terms(err: &reprint::Error) -> String {
    let message = err.to_string();
    in_option_terms(&message, keyword_of).unwrap_or(message)
}

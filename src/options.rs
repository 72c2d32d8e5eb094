//! Settings by the names people type: the command line's options and the
//! Python package's keyword arguments name the same settings (`--max-df`,
//! `max_df=`), and this module says which config setting each one sets and
//! reads the values both take as text (sizes, phrase lists).
//!
//! Input: a library message that names settings by their path in the
//! [`Config`](crate::Config) (`input.text_field`), or an option's text.
//! Output: the message in a front end's terms, or the value. The CLI's own
//! argument parser stays in the binary; this is what it shares.

/// Every config setting (by its path in the config, as the library's errors
/// name it) that an option sets, with that option as the command line spells
/// it. A keyword argument is the option without its dashes, `-` read as `_`
/// ([`keyword_of`]).
pub const OPTIONS: [(&str, &str); 17] = [
    ("threshold", "--threshold"),
    ("threads", "--threads"),
    ("memory_limit", "--memory-limit"),
    ("shingle.size", "--shingle-size or --char-ngrams"),
    ("sketch.num_perm", "--num-perm"),
    ("lsh.bands", "--bands"),
    ("lsh.rows", "--rows"),
    ("align.min_passage_words", "--min-passage-words"),
    ("align.max_gap_words", "--max-gap-words"),
    ("overlap.max_df", "--max-df"),
    ("grade.story_threshold", "--story-threshold"),
    ("grade.min_passage_specifics", "--min-passage-specifics"),
    (
        "grade.story_threshold_outside_window",
        "--story-threshold-outside-window",
    ),
    ("story.cluster_threshold", "--story-cluster-threshold"),
    ("input.id_field", "--id-field"),
    ("input.text_field", "--text-field"),
    ("input.time_field", "--time-field"),
];

/// The option that sets a config setting (`lsh.bands`: `--bands`), for
/// settings that have one.
pub fn option_of(setting: &str) -> Option<&'static str> {
    OPTIONS
        .iter()
        .find(|(name, _)| *name == setting)
        .map(|&(_, option)| option)
}

/// An option as a keyword argument: `--max-df` is `max_df`, and
/// `--shingle-size or --char-ngrams` is `shingle_size or char_ngrams`.
pub fn keyword_of(option: &str) -> String {
    option.replace("--", "").replace('-', "_")
}

/// `message` with every setting it names by its dotted config path
/// (`input.text_field`) named by its option instead, spelled by `spell`
/// (given the command line's spelling); `None` when it names none.
///
/// # Examples
///
/// ```
/// use reprint::options::{in_option_terms, keyword_of};
///
/// let message = "no text field \"body\" (input.text_field names the field to read)";
/// let cli = in_option_terms(message, str::to_string).unwrap();
/// assert!(cli.ends_with("(--text-field names the field to read)"));
/// let python = in_option_terms(message, keyword_of).unwrap();
/// assert!(python.ends_with("(text_field names the field to read)"));
/// ```
pub fn in_option_terms(message: &str, spell: impl Fn(&str) -> String) -> Option<String> {
    // Dotted paths only (a bare `threshold` also stands inside other
    // names), longest first, so that `grade.story_threshold` does not
    // replace the start of `grade.story_threshold_outside_window`.
    let mut named: Vec<(&str, &str)> = OPTIONS
        .iter()
        .copied()
        .filter(|(setting, _)| setting.contains('.') && message.contains(setting))
        .collect();
    if named.is_empty() {
        return None;
    }
    named.sort_by_key(|(setting, _)| std::cmp::Reverse(setting.len()));
    Some(
        named
            .iter()
            .fold(message.to_string(), |m, (setting, option)| {
                m.replace(setting, &spell(option))
            }),
    )
}

/// The phrases of a phrase list (`--ignore-phrases`): one per line, trimmed;
/// blank lines and lines starting with `#` are not phrases.
pub fn phrase_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A size in bytes: a number, optionally with a unit K, M, G or T (powers
/// of 1024; `KB`, `MiB` and the like read the same), e.g. `512M`, `1.5G`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let shift = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches(['B', 'I'])
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => {
            return Err(format!(
                "unknown unit {unit:?}: use K, M, G or T, e.g. 512M"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size, e.g. 512M or 2G"))?;
    let bytes = value * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("{text:?} is too large"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_their_units() {
        for (text, bytes) in [
            ("0", 0),
            ("4096", 4096),
            ("512M", 512 << 20),
            ("512MB", 512 << 20),
            ("2g", 2 << 30),
            ("1.5GiB", 3 << 29),
            ("64 K", 64 << 10),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for bad in ["", "M", "12X", "1.2.3G", "-1G", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_longer_setting_is_named_before_its_prefix() {
        let message = "grade.story_threshold_outside_window must be at least grade.story_threshold";
        assert_eq!(
            in_option_terms(message, keyword_of).unwrap(),
            "story_threshold_outside_window must be at least story_threshold"
        );
        assert_eq!(
            in_option_terms("threshold must be in (0, 1]", keyword_of),
            None
        );
    }

    #[test]
    fn phrase_lists_skip_comments_and_blank_lines() {
        assert_eq!(
            phrase_list("# ours\n  Share this article \n\nAll rights reserved\n"),
            ["Share this article", "All rights reserved"]
        );
    }
}

//! The date an article gives itself at its start: a wire dateline ("LONDON,
//! March 25 -"), a date line ("May 03, 2013", "25 March 2013") or an ISO date
//! ("2013-05-03"), as a day of the year. Without a time field it is the story
//! stage's clock: two reports of one company or one market on days far apart
//! are two events, however alike their words.
//!
//! Only the first [`LEAD_BYTES`] bytes are read, where datelines stand, and
//! only capitalized month names count ("may" is a verb). The year is not
//! kept: a dateline rarely gives it, so days are compared around the year.

/// Bytes of the start of a text searched for a date.
pub const LEAD_BYTES: usize = 300;

/// Days before each month's first, in a year of 365 days.
const MONTH_STARTS: [u16; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// Month names and abbreviations, with their month (1-12).
const MONTHS: [(&str, u16); 24] = [
    ("January", 1),
    ("February", 2),
    ("March", 3),
    ("April", 4),
    ("May", 5),
    ("June", 6),
    ("July", 7),
    ("August", 8),
    ("September", 9),
    ("October", 10),
    ("November", 11),
    ("December", 12),
    ("Jan", 1),
    ("Feb", 2),
    ("Mar", 3),
    ("Apr", 4),
    ("Jun", 6),
    ("Jul", 7),
    ("Aug", 8),
    ("Sept", 9),
    ("Sep", 9),
    ("Oct", 10),
    ("Nov", 11),
    ("Dec", 12),
];

/// The day of the year (1-365) of the first date at the start of `text`.
pub fn lead_day(text: &str) -> Option<u16> {
    let mut end = text.len().min(LEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let lead = &text[..end];
    let words: Vec<&str> = lead
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().find_map(|(i, &word)| {
        if let Some(day) = iso_day(word) {
            return Some(day);
        }
        let month = month(word)?;
        // "March 25" or "25 March".
        let after = words.get(i + 1).and_then(|w| day_number(w));
        let before = i.checked_sub(1).and_then(|j| day_number(words[j]));
        day_of_year(month, after.or(before)?)
    })
}

/// The days between two days of the year, around the year (at most 182).
pub fn days_apart(a: u16, b: u16) -> u32 {
    // Days of the year are 1 to 365, so d is at most 364.
    let d = u32::from(a.abs_diff(b));
    d.min(365 - d)
}

/// Whether `word` is the day of a date, given the words around it: a
/// number of at most two digits next to a month name ("March 25", "25 March",
/// "Oct. 20", "7-APR"). Every wire of a day shares it, so it says when, not
/// what (the story window compares dates).
pub fn is_day_of_month(word: &str, before: Option<&str>, after: Option<&str>) -> bool {
    let is_month = |w: &str| {
        month(w).is_some()
            || (w.len() >= 3
                && w.bytes().all(|c| c.is_ascii_uppercase() || c == b'.')
                && month(&titlecase(w)).is_some())
    };
    day_number(word).is_some() && (before.is_some_and(is_month) || after.is_some_and(is_month))
}

/// "APR" as "Apr", "MARCH" as "March".
fn titlecase(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn month(word: &str) -> Option<u16> {
    let word = word.strip_suffix('.').unwrap_or(word);
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, m)| m)
}

/// A day of the month as a dateline writes it ("25", "03", "25th").
fn day_number(word: &str) -> Option<u16> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.');
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn day_of_year(month: u16, day: u16) -> Option<u16> {
    const DAYS: [u16; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let index = usize::from(month.checked_sub(1)?);
    // February 29 is read as March 1: the year is not known.
    (1..=*DAYS.get(index)?)
        .contains(&day)
        .then(|| (MONTH_STARTS[index] + day).min(365))
}

/// An ISO date, "2013-05-03".
fn iso_day(word: &str) -> Option<u16> {
    let word = word.get(..10)?;
    let b = word.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    day_of_year(word[5..7].parse().ok()?, word[8..10].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! lead_days {
        ($($name:ident: $text:expr => $day:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(lead_day($text), $day);
            }
        )*};
    }

    #[test]
    fn a_day_next_to_a_month_is_a_date_not_a_figure() {
        assert!(is_day_of_month("25", Some("March"), Some("-")));
        assert!(is_day_of_month("7", None, Some("APR")));
        assert!(is_day_of_month("20", Some("Oct."), None));
        assert!(!is_day_of_month("25", Some("rose"), Some("pct")));
        assert!(!is_day_of_month("1987", Some("March"), None), "a year");
        assert!(!is_day_of_month("3", Some("may"), None), "the verb");
    }

    lead_days! {
        wire_dateline: "COCOA TALKS SLOW     LONDON, March 25 - International Cocoa" => Some(59 + 25);
        abbreviated: "NEW YORK, Oct. 20 - Texaco Inc said" => Some(273 + 20);
        date_line: "Lindsay Lohan checks into Betty Ford Center\nMay 03, 2013\nAfter skipping" => Some(120 + 3);
        day_first: "Published 25 March 2013 by the desk" => Some(59 + 25);
        iso: "2013-05-03T10:00 The council met" => Some(120 + 3);
        may_the_verb_is_not_a_month: "Prices may 3 times rise, traders said" => None;
        no_date: "A local team won the cup final after extra time." => None;
        a_date_past_the_lead_is_not_read: &format!("{} LONDON, March 25 -", "word ".repeat(80)) => None;
        impossible_day: "LONDON, February 30 - and then March 2" => Some(59 + 2);
    }

    #[test]
    fn days_are_compared_around_the_year() {
        assert_eq!(days_apart(59 + 2, 59 + 16), 14);
        assert_eq!(days_apart(2, 364), 3);
        assert_eq!(days_apart(100, 100), 0);
    }

    #[test]
    fn a_lead_cut_inside_a_character_is_read() {
        let text = format!("{}é March 4", "x".repeat(LEAD_BYTES - 1));
        assert_eq!(lead_day(&text), None);
    }
}

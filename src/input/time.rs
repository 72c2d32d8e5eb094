//! Publication times: the value of a document's time field (`--time-field`)
//! read as Unix seconds, so that the earlier article of a reuse pair can be
//! named as its likely source.

/// Unix seconds of the first and the last second of years 1 to 9999: a number
/// outside is no time (a millisecond timestamp read as seconds lands there).
const TIMES: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// Parses a publication time into Unix seconds: RFC 3339 (`2025-07-23T10:00:00Z`,
/// any offset), `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS` (taken as UTC),
/// `YYYY-MM-DD` (midnight UTC), or a JSON number of Unix seconds within years
/// 1 to 9999.
pub fn parse_time(value: &serde_json::Value) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    match value {
        serde_json::Value::Number(n) => {
            let seconds = match n.as_i64() {
                Some(seconds) => seconds,
                // Out of range, infinite or NaN fails the check below.
                None => n.as_f64()?.floor() as i64,
            };
            TIMES.contains(&seconds).then_some(seconds)
        }
        serde_json::Value::String(s) => {
            let s = s.trim();
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Some(t.timestamp());
            }
            for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
                if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
                    return Some(t.and_utc().timestamp());
                }
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_every_documented_form() {
        use serde_json::json;
        let noon = 1_753_272_000; // 2025-07-23T12:00:00Z
        assert_eq!(parse_time(&json!("2025-07-23T12:00:00Z")), Some(noon));
        assert_eq!(parse_time(&json!("2025-07-23T14:00:00+02:00")), Some(noon));
        assert_eq!(parse_time(&json!("2025-07-23 12:00:00")), Some(noon));
        assert_eq!(parse_time(&json!("2025-07-23")), Some(noon - 12 * 3600));
        assert_eq!(parse_time(&json!(noon)), Some(noon));
        assert_eq!(parse_time(&json!("yesterday")), None);
        assert_eq!(parse_time(&json!(null)), None);
        for no_time in [json!(-1e300), json!(1e300), json!(1_753_272_000_000_u64)] {
            assert_eq!(parse_time(&no_time), None, "{no_time}");
        }
        assert_eq!(parse_time(&json!(-86_400.5)), Some(-86_401));
    }
}

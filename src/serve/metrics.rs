//! Request counts and latencies in the Prometheus text format (0.0.4).
//!
//! Hand-written: a few counters and histograms need no registry, and a
//! process-global recorder would be shared by every service a test starts.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Counts and latencies so far.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Recorded>,
}

#[derive(Debug, Default)]
struct Recorded {
    /// Requests by (route, status).
    requests: BTreeMap<(String, u16), u64>,
    /// Latencies by route.
    latencies: BTreeMap<String, Histogram>,
}

#[derive(Debug, Default)]
struct Histogram {
    /// Requests at most each bound of `BUCKETS` (not cumulative).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    /// Counts one request to `route` answered with `status` after `took`.
    pub fn record(&self, route: &str, status: u16, took: Duration) {
        // A poisoned lock still holds whole counts: keep counting.
        let mut recorded = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *recorded
            .requests
            .entry((route.to_string(), status))
            .or_insert(0) += 1;
        let histogram = recorded.latencies.entry(route.to_string()).or_default();
        let seconds = took.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            histogram.buckets[bucket] += 1;
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The text format of every metric, with the index's size.
    pub fn render(&self, documents: u64) -> String {
        let recorded = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "# HELP reprint_requests_total HTTP requests answered, by route and status."
        );
        let _ = writeln!(out, "# TYPE reprint_requests_total counter");
        for ((route, status), count) in &recorded.requests {
            let _ = writeln!(
                out,
                "reprint_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP reprint_request_duration_seconds Time to answer a request, by route."
        );
        let _ = writeln!(out, "# TYPE reprint_request_duration_seconds histogram");
        for (route, histogram) in &recorded.latencies {
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "reprint_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "reprint_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "reprint_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "reprint_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
        let _ = writeln!(out, "# HELP reprint_index_documents Articles in the index.");
        let _ = writeln!(out, "# TYPE reprint_index_documents gauge");
        let _ = writeln!(out, "reprint_index_documents {documents}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_cumulative_buckets_are_written_in_the_text_format() {
        let metrics = Metrics::default();
        metrics.record("/check", 200, Duration::from_millis(3));
        metrics.record("/check", 200, Duration::from_millis(40));
        metrics.record("/check", 400, Duration::from_micros(200));
        let text = metrics.render(7);
        for line in [
            "reprint_requests_total{route=\"/check\",status=\"200\"} 2",
            "reprint_requests_total{route=\"/check\",status=\"400\"} 1",
            "reprint_request_duration_seconds_bucket{route=\"/check\",le=\"0.001\"} 1",
            "reprint_request_duration_seconds_bucket{route=\"/check\",le=\"0.005\"} 2",
            "reprint_request_duration_seconds_bucket{route=\"/check\",le=\"0.05\"} 3",
            "reprint_request_duration_seconds_bucket{route=\"/check\",le=\"+Inf\"} 3",
            "reprint_request_duration_seconds_count{route=\"/check\"} 3",
            "reprint_index_documents 7",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }
}

//! Story clusters scored against labeled events: pairwise and B-cubed
//! precision, recall and F1, and the adjusted Rand index.
//!
//! Input: the predicted clusters (lists of document ids; a document in none
//! is a cluster of its own) and the true cluster of every labeled document
//! (`labels.jsonl`: `{"id", "cluster"}` per line). Output: [`ClusterScores`].
//! Only labeled documents are scored; predicted members without a label are
//! ignored and counted.
//!
//! B-cubed (Bagga and Baldwin 1998) averages over documents: a document's
//! precision is the share of its predicted cluster that truly shares its
//! event, its recall the share of its event found in its predicted cluster.
//! The adjusted Rand index (Hubert and Arabie 1985) is the Rand index
//! corrected for chance: 0 for a random clustering, 1 for the true one.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;

use crate::error::Error;

/// Precision, recall and F1 of one measure.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PrecisionRecall {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// Their harmonic mean.
    pub f1: f64,
}

impl PrecisionRecall {
    fn new(precision: f64, recall: f64) -> Self {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        PrecisionRecall {
            precision,
            recall,
            f1,
        }
    }
}

/// How well predicted clusters match the labeled ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterScores {
    /// Over pairs of documents: predicted together and truly together.
    pub pairwise: PrecisionRecall,
    /// Averaged over documents (B-cubed).
    pub bcubed: PrecisionRecall,
    /// Adjusted Rand index.
    pub adjusted_rand: f64,
    /// Labeled documents scored.
    pub documents: usize,
    /// True clusters among them.
    pub true_clusters: usize,
    /// Predicted clusters of more than one labeled document.
    pub predicted_clusters: usize,
    /// Predicted members that have no label (not scored).
    pub unlabeled: usize,
}

/// One line of `labels.jsonl`; other keys are ignored.
#[derive(Deserialize)]
struct LabelLine {
    id: String,
    cluster: String,
}

/// Reads `labels.jsonl`: the true cluster of each document id.
///
/// # Errors
/// [`Error::NotFound`] or [`Error::Io`] for the file, [`Error::BadLine`] for
/// a line that is not `{"id", "cluster"}` or repeats an id.
pub fn read_labels(path: &Path) -> crate::Result<HashMap<String, String>> {
    let file = super::open_file(path)?;
    let bad_line = |line: u64, reason: String| Error::BadLine {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let mut labels = HashMap::new();
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let number = number as u64 + 1;
        let line = line.map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let label: LabelLine = serde_json::from_str(&line)
            .map_err(|e| bad_line(number, format!("expected {{\"id\", \"cluster\"}}: {e}")))?;
        if labels.insert(label.id.clone(), label.cluster).is_some() {
            return Err(bad_line(
                number,
                format!("id {:?} is labeled twice", label.id),
            ));
        }
    }
    Ok(labels)
}

/// Scores `predicted` clusters (document ids) against `labels`.
pub fn score_clusters(
    predicted: &[Vec<String>],
    labels: &HashMap<String, String>,
) -> ClusterScores {
    // Every labeled document gets a predicted cluster: its own when it is in none.
    let mut predicted_of: HashMap<&str, usize> = HashMap::new();
    let mut unlabeled = 0;
    for (c, members) in predicted.iter().enumerate() {
        for id in members {
            if labels.contains_key(id.as_str()) {
                predicted_of.insert(id, c);
            } else {
                unlabeled += 1;
            }
        }
    }
    let mut ids: Vec<&str> = labels.keys().map(String::as_str).collect();
    ids.sort_unstable();
    let mut next = predicted.len();
    let assigned: Vec<(usize, &str)> = ids
        .iter()
        .map(|id| {
            let p = predicted_of.get(id).copied().unwrap_or_else(|| {
                next += 1;
                next
            });
            (p, labels[*id].as_str())
        })
        .collect();

    // The contingency table: documents per (predicted, true) cluster.
    let mut cells: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    let mut predicted_sizes: BTreeMap<usize, usize> = BTreeMap::new();
    let mut true_sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for &(p, t) in &assigned {
        *cells.entry((p, t)).or_default() += 1;
        *predicted_sizes.entry(p).or_default() += 1;
        *true_sizes.entry(t).or_default() += 1;
    }
    let n = assigned.len();
    let pairs = |k: usize| (k * k.saturating_sub(1) / 2) as f64;
    let together: f64 = cells.values().map(|&k| pairs(k)).sum();
    let predicted_pairs: f64 = predicted_sizes.values().map(|&k| pairs(k)).sum();
    let true_pairs: f64 = true_sizes.values().map(|&k| pairs(k)).sum();
    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { 0.0 };
    let pairwise = PrecisionRecall::new(
        ratio(together, predicted_pairs),
        ratio(together, true_pairs),
    );

    // B-cubed: each document of a cell of k has k correct neighbours (itself included).
    let (mut precision, mut recall) = (0.0, 0.0);
    for (&(p, t), &k) in &cells {
        precision += k as f64 * k as f64 / predicted_sizes[&p] as f64;
        recall += k as f64 * k as f64 / true_sizes[t] as f64;
    }
    let bcubed = PrecisionRecall::new(ratio(precision, n as f64), ratio(recall, n as f64));

    let expected = ratio(predicted_pairs * true_pairs, pairs(n));
    let most = (predicted_pairs + true_pairs) / 2.0;
    let adjusted_rand = if most > expected {
        (together - expected) / (most - expected)
    } else {
        1.0
    };
    ClusterScores {
        pairwise,
        bcubed,
        adjusted_rand,
        documents: n,
        true_clusters: true_sizes.len(),
        predicted_clusters: predicted_sizes.values().filter(|&&k| k > 1).count(),
        unlabeled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(list: &[(&str, &str)]) -> HashMap<String, String> {
        list.iter()
            .map(|(id, c)| (id.to_string(), c.to_string()))
            .collect()
    }

    fn clusters(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 1e-9
    }

    #[test]
    fn the_true_clustering_scores_one() {
        let truth = labels(&[("a", "x"), ("b", "x"), ("c", "y"), ("d", "y"), ("e", "z")]);
        let s = score_clusters(&clusters(&[&["a", "b"], &["c", "d"]]), &truth);
        assert_eq!(s.bcubed, PrecisionRecall::new(1.0, 1.0));
        assert_eq!(s.pairwise, PrecisionRecall::new(1.0, 1.0));
        assert!(close(s.adjusted_rand, 1.0));
        assert_eq!(
            (s.documents, s.true_clusters, s.predicted_clusters),
            (5, 3, 2)
        );
    }

    #[test]
    fn a_worked_example() {
        // Truth {a,b,c} {d,e}; predicted {a,b} {c,d,e}.
        let truth = labels(&[("a", "x"), ("b", "x"), ("c", "x"), ("d", "y"), ("e", "y")]);
        let s = score_clusters(&clusters(&[&["a", "b"], &["c", "d", "e"]]), &truth);
        // Pairs: predicted ab, cd, ce, de (4); true ab, ac, bc, de (4); both ab, de.
        assert!(close(s.pairwise.precision, 0.5) && close(s.pairwise.recall, 0.5));
        // B-cubed precision: a 1, b 1, c 1/3, d 2/3, e 2/3 -> 11/15;
        // recall: a 2/3, b 2/3, c 1/3, d 1, e 1 -> 11/15.
        assert!(close(s.bcubed.precision, 11.0 / 15.0), "{:?}", s.bcubed);
        assert!(close(s.bcubed.recall, 11.0 / 15.0));
        // ARI: index 2, expected 4 * 4 / 10 = 1.6, max 4: (2 - 1.6) / 2.4.
        assert!(close(s.adjusted_rand, 0.4 / 2.4), "{}", s.adjusted_rand);
    }

    #[test]
    fn unlabeled_members_are_counted_not_scored() {
        let truth = labels(&[("a", "x"), ("b", "x")]);
        let s = score_clusters(&clusters(&[&["a", "b", "zz"]]), &truth);
        assert_eq!(s.unlabeled, 1);
        assert!(close(s.bcubed.f1, 1.0));
    }

    #[test]
    fn everything_apart_has_full_bcubed_precision() {
        let truth = labels(&[("a", "x"), ("b", "x"), ("c", "y")]);
        let s = score_clusters(&[], &truth);
        assert!(close(s.bcubed.precision, 1.0));
        assert!(close(s.bcubed.recall, (0.5 + 0.5 + 1.0) / 3.0));
        assert!(close(s.pairwise.recall, 0.0));
    }
}

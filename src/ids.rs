//! The ids every stage passes on: a document's number and a pair of documents.
//!
//! A leaf module: it uses no other module of the crate, so any stage can name
//! documents and pairs without depending on the stage that made them.

use serde::Serialize;

/// Dense document number: the position of an accepted document in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u32);

impl DocId {
    /// The id as an index into per-document vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Two documents found together by a candidate stage; `a < b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CandidatePair {
    /// The earlier document.
    pub a: DocId,
    /// The later document.
    pub b: DocId,
}

impl CandidatePair {
    /// The pair in canonical order.
    pub fn new(x: DocId, y: DocId) -> Self {
        CandidatePair {
            a: x.min(y),
            b: x.max(y),
        }
    }
}

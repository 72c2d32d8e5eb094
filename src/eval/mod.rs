//! Evaluation against labeled corpora: reading them and scoring detections with
//! each benchmark's published measures. Not a pipeline stage; it drives one.

pub mod pan;

//! Partial-overlap candidates (placeholder, being written).

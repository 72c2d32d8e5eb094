//! Winnowing fingerprints (placeholder, being written).

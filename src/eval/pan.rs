//! PAN text alignment evaluation (placeholder, being written).

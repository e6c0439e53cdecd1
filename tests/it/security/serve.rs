//! Security cases: serve (being written).

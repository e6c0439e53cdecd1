//! Security cases: build (being written).

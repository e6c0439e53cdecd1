//! Security cases: identity (being written).

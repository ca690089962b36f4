//! The persons use cases.

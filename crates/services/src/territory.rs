//! The territory use cases.

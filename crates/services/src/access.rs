//! The access use cases.

//! The reports use cases.

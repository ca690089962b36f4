//! The pathways use cases.

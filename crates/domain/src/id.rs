//! Record identifiers.

use uuid::Uuid;

/// A new time-ordered identifier (UUIDv7): sortable by creation, cheap to index, and safe to
/// generate on several servers sharing one base.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

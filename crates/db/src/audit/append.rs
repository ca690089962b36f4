//! The audit row a service writes in its own transaction, so that the change and its trace
//! commit together or not at all.

use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use uuid::Uuid;

use crate::{DbResult, Tx, insert_audit, with_tx};

/// One row of the trail. `user: None` is the system (a command run on the server).
#[derive(Debug, Clone, Copy)]
pub struct AuditRow<'a> {
    pub structure_id: Uuid,
    pub user_id: Option<Uuid>,
    pub action: AuditAction,
    pub entity: &'a str,
    pub entity_id: Uuid,
    pub changes: &'a [FieldChange],
}

impl<'a> AuditRow<'a> {
    /// A row of what a staff member did.
    pub fn by(
        actor: &Actor,
        action: AuditAction,
        entity: &'a str,
        entity_id: Uuid,
        changes: &'a [FieldChange],
    ) -> AuditRow<'a> {
        AuditRow {
            structure_id: actor.structure_id,
            user_id: Some(actor.user_id),
            action,
            entity,
            entity_id,
            changes,
        }
    }
}

pub async fn append(tx: &mut Tx, row: AuditRow<'_>) -> DbResult<()> {
    with_tx!(tx, |c| {
        insert_audit!(
            &mut *c,
            structure: row.structure_id,
            user: row.user_id,
            row.action,
            row.entity,
            row.entity_id,
            row.changes
        )?;
    });
    Ok(())
}

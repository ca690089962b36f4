//! Programmes: the shipped defaults, and an admin's edit.

use passerelle_db::Db;
use passerelle_db::pathways::programmes::{self, reasons_text};
use passerelle_domain::audit::{Actor, AuditAction, FieldChange};
use passerelle_domain::pathways::PROGRAMME;
use passerelle_domain::pathways::programme::ProgrammeDef;
use uuid::Uuid;

use super::{PathwaysResult, audit};

/// Installs the shipped programmes a structure does not have yet. Not audited: it is the
/// application's own setup, the same for every structure, not a person's edit.
#[tracing::instrument(skip_all, fields(structure = %structure_id))]
pub async fn install_default_programmes(db: &Db, structure_id: Uuid) -> PathwaysResult<()> {
    let mut tx = db.begin().await?;
    programmes::ensure_defaults(&mut tx, structure_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves an admin's edit of a programme (its code stays: figures and imports refer to it),
/// audited field by field.
#[tracing::instrument(skip_all, fields(programme = %id))]
pub async fn update_programme(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    def: &ProgrammeDef,
    active: bool,
) -> PathwaysResult<()> {
    let mut tx = db.begin().await?;
    let before = programmes::get(&mut tx, actor.structure_id, id).await?;
    let changes: Vec<FieldChange> =
        passerelle_domain::audit::diff(&shown(&before.def, before.active), &shown(def, active));
    programmes::update(&mut tx, actor.structure_id, id, def, active).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::Update,
        (PROGRAMME.code, id),
        &changes,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A programme's fields as the audit trail compares them.
fn shown(p: &ProgrammeDef, active: bool) -> Vec<(&'static str, String)> {
    vec![
        ("name", p.name.clone()),
        ("team", p.team.code().to_owned()),
        (
            "eligibility",
            serde_json::to_string(&p.eligibility).unwrap_or_default(),
        ),
        (
            "max_duration_months",
            p.max_duration_months
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        ("alert_months", p.alert_months.to_string()),
        (
            "transition_window_months",
            p.transition_window_months.to_string(),
        ),
        ("active", active.to_string()),
        ("exit_reasons", reasons_text(p)),
    ]
}

//! The audit trail's page: who created, changed, deleted or viewed what, filtered.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Query, State};
use passerelle_db::access::users;
use passerelle_db::audit::{self, AuditFilter};
use passerelle_domain::audit::{AuditAction, AuditDetail};
use passerelle_domain::persons::field_label;
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::{Choice, choices};
use crate::view::{PageCtx, fr_datetime};
use passerelle_domain::FieldErrors;
use passerelle_domain::clock::today;
use passerelle_domain::validation::{Horizon, unknown_value};

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    user: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub struct AuditRow {
    pub at: String,
    pub user: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Uuid,
    pub label: String,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/audit.html")]
pub struct AuditPage {
    ctx: PageCtx,
    query: AuditQuery,
    users: Vec<Choice>,
    actions: Vec<Choice>,
    rows: Vec<AuditRow>,
    record_error: bool,
    /// The reader sees register records by their id only (the admin).
    access_only: bool,
}

const LIMIT: i64 = 200;

/// French label of an audited field, whatever the record.
fn label(field: &str) -> &str {
    match field {
        "role" => "Rôle",
        "teams" => "Équipes",
        "active" => "Compte actif",
        "password" => "Mot de passe",
        "display_name" => "Nom affiché",
        "name" => "Nom du jeton",
        "user_id" => "Compte",
        "revoked" => "Révoqué",
        "tokens_revoked" => "Jetons d'API révoqués",
        "locked_until" => "Verrouillé jusqu'à",
        "sessions_closed" => "Sessions fermées",
        "observed_on" => "Date de la situation",
        "labour_status" => "Situation face à l'emploi",
        "jobseeker_since" => "Inscrit depuis",
        "receives_rsa" => "RSA",
        "receives_ass" => "ASS",
        "receives_aah" => "AAH",
        "education_level" => "Niveau de diplôme",
        "rqth" => "RQTH",
        "foreign_background" => "Origine étrangère",
        "justice_supervision" => "Sous main de justice",
        "health_notes" => "Santé",
        other => field_label(other),
    }
}

/// French name of an audited kind of record, as its module registers it.
fn entity_label(entity: &str) -> &str {
    passerelle_domain::modules::record_kind(entity).map_or(entity, |k| k.label)
}

/// The filter as typed; an unknown account or action, or a date outside 1900 to today, is
/// refused with the values allowed (a malformed record id shows next to its field).
fn checked_filter(
    q: &AuditQuery,
    record_id: Option<Uuid>,
    detail: AuditDetail,
) -> Result<AuditFilter, FieldErrors> {
    let mut e = FieldErrors::new();
    let user_id = match q.user.trim() {
        "" => None,
        raw => raw
            .parse::<Uuid>()
            .map_err(|_| e.add("user", "Compte inconnu : choisissez-le dans la liste."))
            .ok(),
    };
    let action = match q.action.trim() {
        "" => None,
        raw => raw
            .parse::<AuditAction>()
            .map_err(|_| {
                e.add(
                    "action",
                    unknown_value(AuditAction::ALL.iter().map(|a| a.code())),
                )
            })
            .ok(),
    };
    let mut date = |field: &str, raw: &str| match raw.trim() {
        "" => None,
        raw => e.day(field, raw, today(), Horizon::Past),
    };
    let (from, to) = (date("from", &q.from), date("to", &q.to));
    e.into_result(AuditFilter {
        user_id,
        entity_id: record_id,
        action,
        from,
        to,
        limit: LIMIT,
        offset: 0,
        detail,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(q): Query<AuditQuery>,
) -> AppResult<AuditPage> {
    let s = user.user.structure_id;
    let record = q.record.trim();
    let record_id = record.parse::<Uuid>().ok();
    let filter = checked_filter(&q, record_id, AuditDetail::for_role(user.user.role))
        .map_err(crate::error::AppError::Invalid)?;
    let entries = audit::list(&state.db, s, &filter).await?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            at: fr_datetime(&e.at),
            user: e.user_email.unwrap_or_else(|| "système".into()),
            action: e.action.label().to_owned(),
            entity: entity_label(&e.entity).to_owned(),
            entity_id: e.entity_id,
            label: e.entity_label.unwrap_or_default(),
            changes: e
                .changes
                .into_iter()
                .map(|c| {
                    (
                        label(&c.field).to_owned(),
                        c.before.unwrap_or_default(),
                        c.after.unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    let users = users::list(&state.db, s)
        .await?
        .into_iter()
        .map(|u| Choice {
            code: u.id.to_string(),
            label: format!("{} ({})", u.display_name, u.email),
        })
        .collect();
    Ok(AuditPage {
        ctx: PageCtx::new(&user, "admin"),
        users,
        actions: choices::<AuditAction>(),
        rows,
        record_error: !record.is_empty() && record_id.is_none(),
        access_only: filter.detail == AuditDetail::AccessOnly,
        query: q,
    })
}

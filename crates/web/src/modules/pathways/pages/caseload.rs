//! The caseload: open pathways in the user's scope, with their alerts.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Query, State};
use passerelle_domain::Permission;
use passerelle_domain::Role;
use passerelle_domain::french::date as fr;
use passerelle_domain::pathways::duration::{DurationStatus, duration_status};
use passerelle_domain::pathways::workflow::PathwayState;
use time::Duration;
use uuid::Uuid;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::pages::Notice;
use crate::view::PageCtx;
use passerelle_domain::clock::today;

pub struct CaseRow {
    pub enrolment_id: Uuid,
    pub person: String,
    pub programme: String,
    pub state: String,
    pub since: String,
    pub referent: String,
    pub alerts: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pathways/caseload.html")]
pub struct CaseloadPage {
    ctx: PageCtx,
    rows: Vec<CaseRow>,
    title: String,
    can_committees: bool,
}

pub async fn caseload(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(n): Query<Notice>,
) -> AppResult<CaseloadPage> {
    let on = today();
    let rows =
        passerelle_db::pathways::caseload::open_pathways(&state.db, &user.scope(), on).await?;
    let rows =
        rows.into_iter()
            // After the exit, a pathway stays on the caseload only while its follow-up is due.
            .filter(|r| {
                r.state != PathwayState::Exited
                    || r.follow_up_due
                        .is_some_and(|d| d <= on + Duration::days(30))
            })
            .map(|r| {
                let mut alerts = Vec::new();
                if let (Some(entered), Some(max), PathwayState::Entered) =
                    (r.entered_on, r.max_duration_months, r.state)
                {
                    match duration_status(entered, on, max, r.alert_months) {
                        DurationStatus::Approaching { ends_on } => {
                            alerts.push(format!("Durée maximale atteinte le {}", fr(ends_on)))
                        }
                        DurationStatus::Reached { ends_on } => alerts
                            .push(format!("Durée maximale dépassée depuis le {}", fr(ends_on))),
                        DurationStatus::Within { .. } => {}
                    }
                }
                if let Some(due) = r.follow_up_due.filter(|d| *d <= on + Duration::days(7)) {
                    alerts.push(format!("Suivi à 6 mois à faire le {}", fr(due)));
                }
                if let Some(end) = r.next_step_end.filter(|d| *d <= on + Duration::days(7)) {
                    alerts.push(format!("Étape se terminant le {}", fr(end)));
                }
                if let Some(end) = r
                    .next_contract_end
                    .filter(|d| *d <= on + Duration::days(14))
                {
                    alerts.push(format!("Contrat se terminant le {}", fr(end)));
                }
                if r.state == PathwayState::Entered {
                    let since = r.last_contact.or(r.entered_on);
                    if since.is_some_and(|d| d < on - Duration::days(30)) {
                        alerts.push(match r.last_contact {
                            Some(d) => format!("Sans contact depuis le {}", fr(d)),
                            None => "Aucun rendez-vous depuis l'entrée".to_owned(),
                        });
                    }
                }
                CaseRow {
                    enrolment_id: r.enrolment_id,
                    person: r.person_name,
                    programme: r.programme_name,
                    state: r.state.label().to_owned(),
                    since: fr(r.entered_on.unwrap_or(r.referred_on)),
                    referent: r.referent_name.unwrap_or_else(|| "—".into()),
                    alerts,
                }
            })
            .collect();
    let title = match user.user.role {
        Role::Referent => "Mes parcours",
        Role::Director => "Tous les parcours",
        _ => "Les parcours de mon équipe",
    };
    Ok(CaseloadPage {
        ctx: PageCtx::new(&user, "parcours").with_notice(n.fait.as_deref()),
        rows,
        title: title.to_owned(),
        can_committees: user.can(Permission::CommitteeManage),
    })
}

//! What every page shares: the layout's context (who is signed in, which menu entries they may
//! see, the CSRF token for forms), the error page, and French dates. It depends on nothing of
//! the crate but the request id, so that errors (which render the error page) sit above it.

use askama::Template;
use axum::http::StatusCode;

/// A menu link as the layout shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuLink {
    pub label: &'static str,
    /// `None`: a module to come, shown greyed.
    pub href: Option<&'static str>,
    pub section: &'static str,
}

/// The layout's data, built once per request from the signed-in user (`PageCtx::new`, in
/// `modules::menu`, which knows the menu the modules register); the default is the layout of
/// a visitor who is not signed in.
#[derive(Debug, Clone, Default)]
pub struct PageCtx {
    pub signed_in: bool,
    pub user_name: String,
    pub role_label: String,
    pub csrf: String,
    /// The main navigation bar: what the modules register for this user's role.
    pub menu: Vec<MenuLink>,
    /// The menu entry to mark as current.
    pub section: &'static str,
    /// A confirmation to show once (after a redirect).
    pub notice: Option<String>,
}

impl PageCtx {
    pub fn with_notice(mut self, code: Option<&str>) -> PageCtx {
        self.notice = code.and_then(notice_text).map(str::to_owned);
        self
    }

    pub fn is(&self, section: &str) -> bool {
        self.section == section
    }
}

/// Confirmation messages carried by a redirect as `?fait=code`.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "cree" => "La fiche a été créée.",
        "enregistre" => "Les modifications ont été enregistrées.",
        "supprime" => "La fiche a été supprimée.",
        "situation" => "La situation a été ajoutée à l'historique.",
        "mot-de-passe" => "Votre mot de passe a été changé.",
        "utilisateur" => "Le compte a été enregistré.",
        "sessions" => "Les sessions du compte ont été fermées.",
        "jeton-revoque" => "Le jeton a été révoqué.",
        "qpv" => "La liste des quartiers prioritaires a été importée.",
        "publie" => "Le rapport est publié : ses chiffres sont figés.",
        "oriente" => "L'orientation est enregistrée.",
        "comite" => "Le comité est ouvert : enregistrez ses décisions.",
        "decision" => "La décision du comité est enregistrée.",
        "communes" => "La table des communes a été mise à jour.",
        "indicateurs" => {
            "Le fichier d'indicateurs est enregistré ; les rapports l'appliquent dès maintenant."
        }
        "indicateurs-supprime" => {
            "Le fichier d'indicateurs est supprimé ; les définitions livrées s'appliquent."
        }
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: PageCtx,
    status: u16,
    title: &'a str,
    message: &'a str,
    /// The request's id, to quote to support (it finds the log lines).
    reference: String,
}

pub fn error_page(status: StatusCode, message: &str) -> String {
    let title = match status.as_u16() {
        403 => "Accès refusé",
        404 => "Introuvable",
        409 => "Conflit de modification",
        429 => "Trop de tentatives",
        400 | 422 => "Demande incorrecte",
        _ => "Erreur",
    };
    ErrorPage {
        ctx: PageCtx::default(),
        status: status.as_u16(),
        title,
        message,
        reference: crate::request_id::current().unwrap_or_default(),
    }
    .render()
    .unwrap_or_else(|_| message.to_owned())
}

/// French date for templates: `15/03/2021`.
pub fn fr_date(d: &time::Date) -> String {
    passerelle_domain::french::date(*d)
}

/// Date and time as the users live them: Paris time, summer and winter (the time-zone rules
/// ship inside the binary with jiff, so a server set to UTC shows the right hour).
pub fn fr_datetime(t: &time::OffsetDateTime) -> String {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(t.unix_timestamp()) {
        Ok(ts) => ts
            .to_zoned_datetime(paris)
            .strftime("%d/%m/%Y à %H:%M")
            .to_string(),
        Err(_) => passerelle_domain::french::date(t.date()),
    }
}

/// Hour and minute, Paris time.
pub fn fr_time(t: &time::OffsetDateTime) -> String {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(t.unix_timestamp()) {
        Ok(ts) => ts.to_zoned_datetime(paris).strftime("%H:%M").to_string(),
        Err(_) => format!("{:02}:{:02}", t.hour(), t.minute()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn paris_time_in_winter_and_summer() {
        assert_eq!(
            fr_datetime(&datetime!(2021-01-15 12:00 UTC)),
            "15/01/2021 à 13:00"
        );
        assert_eq!(
            fr_datetime(&datetime!(2021-07-15 12:00 UTC)),
            "15/07/2021 à 14:00"
        );
    }
}

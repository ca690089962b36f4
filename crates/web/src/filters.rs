//! The person list's filters, for the page and the API alike: an unknown town, QPV, age band
//! or page is refused with the values allowed (never silently ignored, which would show a
//! list that looks filtered and is not).

use passerelle_db::persons::search::{PersonFilter, QpvFilter};
use passerelle_domain::FieldErrors;
use passerelle_domain::persons::age::AgeBand;
use passerelle_domain::territory::TerritoryTables;
use passerelle_domain::validation::unknown_value;
use time::Date;

/// The longest name search (a name, not a document).
pub const QUERY_MAX: usize = 200;
/// The last page one may ask for: far beyond any register, and no overflow in the offset.
pub const PAGE_MAX: i64 = 100_000;

/// The filters as typed, with the names of their fields in the caller's query string.
pub struct Typed<'a> {
    pub q: &'a str,
    pub commune: &'a str,
    pub qpv: &'a str,
    pub age: &'a str,
    pub age_field: &'a str,
    pub page: Option<i64>,
}

/// The checked filter of one page of `page_size` persons on `today`.
pub fn person_filter(
    f: &Typed<'_>,
    page_size: i64,
    t: &TerritoryTables,
    today: Date,
) -> Result<PersonFilter, FieldErrors> {
    let mut e = FieldErrors::new();
    let query = e
        .text(
            "q",
            f.q,
            passerelle_domain::validation::TextRule::line(QUERY_MAX),
        )
        .unwrap_or_default();
    let commune = f.commune.trim();
    if !commune.is_empty() && t.commune(commune).is_none() {
        e.add(
            "commune",
            "Commune inconnue : indiquez le code INSEE d'une commune du territoire.",
        );
    }
    let qpv = match f.qpv.trim() {
        "" => QpvFilter::Any,
        "oui" => QpvFilter::InAnyQpv,
        "non" => QpvFilter::NotInQpv,
        code if t.qpv(code).is_some() => QpvFilter::Code(code.to_owned()),
        _ => {
            e.add(
                "qpv",
                "Valeur inconnue. Valeurs possibles : oui, non, ou le code d'un quartier prioritaire.",
            );
            QpvFilter::Any
        }
    };
    let age_band = match f.age.trim() {
        "" => None,
        code => AgeBand::from_code(code).or_else(|| {
            e.add(
                f.age_field,
                unknown_value(AgeBand::ALL.iter().map(|b| b.code())),
            );
            None
        }),
    };
    let page = f.page.unwrap_or(1);
    if !(1..=PAGE_MAX).contains(&page) {
        e.add("page", format!("Numéro de page de 1 à {PAGE_MAX}."));
    }
    e.into_result(PersonFilter {
        query,
        commune_code: Some(commune.to_owned()).filter(|c| !c.is_empty()),
        qpv,
        age_band,
        on: Some(today),
        limit: page_size,
        offset: (page.clamp(1, PAGE_MAX) - 1) * page_size,
    })
}

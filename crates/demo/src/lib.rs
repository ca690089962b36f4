//! The demo: a fictitious population of the MiE du Roubaisis' territory and one staff account
//! per role. Deterministic (seeded), so tests can rely on it. No real person: names are drawn
//! independently from lists of common surnames and first names.

use passerelle_db::access::structures::{self, Which};
use passerelle_db::{Db, DbError, persons, persons::situations, territory};
use passerelle_domain::access::accounts::AccountRequest;
use passerelle_domain::audit::Actor;
use passerelle_domain::persons::situation::{Answer, LabourStatus, SituationFields};
use passerelle_domain::persons::{PersonFields, Sex};
use passerelle_domain::reports::files::SaveMode;
use passerelle_domain::territory::Qpv;
use passerelle_domain::{Role, Team};
use passerelle_services::By;
use passerelle_services::access::{self, AccessError};
use passerelle_services::reports::ReportsError;
use passerelle_services::territory::TerritoryError;
use time::macros::date;
use time::{Date, Duration};
use uuid::Uuid;

mod names;
pub mod plie;
pub mod programmes;

/// Common surnames of the area, for tools that generate larger registers.
pub const COMMON_SURNAMES: &[&str] = names::SURNAMES;

pub const STRUCTURE_NAME: &str = "MiE du Roubaisis (démo)";
/// The password of every demo account (listed in the README).
pub const DEMO_PASSWORD: &str = "demo-passerelle";
pub const DEFAULT_POPULATION: usize = 1500;

/// The demo structure's own indicator file, as a director would have written it.
const OWN_INDICATORS: &str = include_str!("../data/mie-roubaisis.toml");
pub const SEED: u64 = 2021;

/// The demo staff: one account per role, three more PLIE referents sharing the caseloads, and
/// one referent for each other team's programmes (a referent holds only their team's pathways).
pub const ACCOUNTS: [(&str, &str, Role, &[Team]); 13] = [
    (
        "admin@mie-demo.fr",
        "Alex Admin",
        Role::Admin,
        &[Team::Direction],
    ),
    (
        "direction@mie-demo.fr",
        "Dominique Directrice",
        Role::Director,
        &[Team::Direction],
    ),
    (
        "responsable.plie@mie-demo.fr",
        "Morgane Responsable PLIE",
        Role::Manager,
        &[Team::Plie],
    ),
    (
        "referente.plie@mie-demo.fr",
        "Rachida Référente",
        Role::Referent,
        &[Team::Plie],
    ),
    (
        "facilitateur.clause@mie-demo.fr",
        "Fabien Facilitateur",
        Role::Facilitator,
        &[Team::Clause],
    ),
    (
        "accueil@mie-demo.fr",
        "Amandine Accueil",
        Role::Reception,
        &[Team::Reception],
    ),
    ("lecture@mie-demo.fr", "Luc Lecture", Role::ReadOnly, &[]),
    (
        "karim.referent@mie-demo.fr",
        "Karim Référent",
        Role::Referent,
        &[Team::Plie],
    ),
    (
        "sophie.referente@mie-demo.fr",
        "Sophie Référente",
        Role::Referent,
        &[Team::Plie],
    ),
    (
        "julien.referent@mie-demo.fr",
        "Julien Référent",
        Role::Referent,
        &[Team::Plie],
    ),
    (
        "claire.formation@mie-demo.fr",
        "Claire Conseillère formation",
        Role::Referent,
        &[Team::ProchInfoFormation],
    ),
    (
        "eric.entreprises@mie-demo.fr",
        "Éric Chargé de relations entreprises",
        Role::Referent,
        &[Team::Companies],
    ),
    (
        "fanny.fabrik@mie-demo.fr",
        "Fanny Coach La Fabrik",
        Role::Referent,
        &[Team::Fabrik],
    ),
];

/// Demo priority neighbourhoods, named after the seed report's neighbourhoods. Their codes are
/// demo codes, not the official ANCT codes (which an admin imports as a dated list).
pub fn demo_qpvs() -> Vec<Qpv> {
    let q = |code: &str, name: &str, commune: &str| Qpv {
        code: code.to_owned(),
        name: name.to_owned(),
        commune_codes: vec![commune.to_owned()],
        list_version: "demo".to_owned(),
        valid_from: date!(2015 - 01 - 01),
        valid_to: None,
    };
    vec![
        q("DEMO-QP-RBX-01", "L'Alma", "59512"),
        q("DEMO-QP-RBX-02", "L'Épeule", "59512"),
        q("DEMO-QP-RBX-03", "Les Trois-Ponts", "59512"),
        q("DEMO-QP-RBX-04", "Le Pile", "59512"),
        q("DEMO-QP-RBX-05", "L'Hommelet", "59512"),
        q("DEMO-QP-RBX-06", "Le Cul de Four", "59512"),
        q("DEMO-QP-TRC-01", "La Bourgogne", "59599"),
        q("DEMO-QP-WAT-01", "Les Villas", "59650"),
        q("DEMO-QP-HEM-01", "Les Trois Baudets", "59299"),
    ]
}

/// Where the demo population lives (INSEE code, weight, share living in a QPV in %).
const TOWNS: [(&str, u32, u32); 12] = [
    ("59512", 58, 60), // Roubaix
    ("59339", 7, 0),   // Leers
    ("59367", 7, 0),   // Lys-lez-Lannoy
    ("59599", 6, 40),  // Tourcoing
    ("59650", 6, 30),  // Wattrelos
    ("59163", 4, 0),   // Croix
    ("59299", 4, 35),  // Hem
    ("59332", 2, 0),   // Lannoy
    ("59350", 2, 0),   // Lille
    ("59660", 2, 0),   // Wasquehal
    ("59009", 1, 0),   // Villeneuve-d'Ascq
    ("59522", 1, 0),   // Sailly-lez-Lannoy
];

/// Why the demo could not be built: a storage failure, or a rule refusing what the plan
/// records (a bug of the plan: the demo follows the rules like any user).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Storage(#[from] DbError),
    #[error(transparent)]
    Pathways(#[from] passerelle_services::pathways::PathwaysError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Territory(#[from] TerritoryError),
    #[error(transparent)]
    Reports(#[from] ReportsError),
}

pub type DemoResult<T> = Result<T, DemoError>;

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub structure_id: uuid::Uuid,
    pub persons: usize,
    pub accounts: Vec<(String, Role)>,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn weighted_town(rng: &mut fastrand::Rng) -> (&'static str, u32) {
    let total: u32 = TOWNS.iter().map(|t| t.1).sum();
    let mut n = rng.u32(..total);
    for (code, w, qpv) in TOWNS {
        if n < w {
            return (code, qpv);
        }
        n -= w;
    }
    ("59512", 60)
}

/// `n` fictitious persons and their situations, the same for the same seed.
pub fn population(seed: u64, n: usize, today: Date) -> Vec<(PersonFields, Vec<SituationFields>)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let qpvs = demo_qpvs();
    (0..n)
        .map(|_| {
            let sex = if rng.u32(..100) < 52 {
                Sex::Female
            } else {
                Sex::Male
            };
            let first = match sex {
                Sex::Female => pick(&mut rng, names::FEMALE_FIRST_NAMES),
                _ => pick(&mut rng, names::MALE_FIRST_NAMES),
            };
            let last = *pick(&mut rng, names::SURNAMES);
            let age_days = 365 * 18 + rng.i64(0..365 * 47);
            let birth_date = today - Duration::days(age_days);
            let (commune, qpv_share) = weighted_town(&mut rng);
            let qpv_code = (rng.u32(..100) < qpv_share)
                .then(|| {
                    let local: Vec<&Qpv> = qpvs
                        .iter()
                        .filter(|q| q.commune_codes[0] == commune)
                        .collect();
                    (!local.is_empty()).then(|| pick(&mut rng, &local).code.clone())
                })
                .flatten();
            let birth_name = (sex == Sex::Female && rng.u32(..100) < 20)
                .then(|| (*pick(&mut rng, names::SURNAMES)).to_owned());
            let phone = (rng.u32(..100) < 85).then(|| format!("06{:08}", rng.u32(..100_000_000)));
            let email = (rng.u32(..100) < 60).then(|| {
                format!(
                    "{}.{}{}@exemple.fr",
                    passerelle_domain::persons::name_search::normalise(first).replace(' ', "-"),
                    passerelle_domain::persons::name_search::normalise(last).replace(' ', "-"),
                    rng.u32(..1000)
                )
            });
            let address = Some(format!(
                "{} {}",
                1 + rng.u32(..180),
                pick(&mut rng, names::STREETS)
            ));
            let person = PersonFields {
                last_name: last.to_owned(),
                first_names: (*first).to_owned(),
                birth_name,
                birth_date,
                sex,
                phone,
                email,
                address,
                commune_code: commune.to_owned(),
                qpv_code,
            };
            let observations = 1 + usize::from(rng.u32(..100) < 30);
            let situations = (0..observations)
                .map(|i| {
                    let observed_on = today - Duration::days(rng.i64(0..700) + (i as i64) * 400);
                    let unemployed = rng.u32(..100) < 82;
                    SituationFields {
                        observed_on: observed_on.max(birth_date + Duration::days(365 * 16)),
                        labour_status: if unemployed {
                            LabourStatus::Unemployed
                        } else if rng.bool() {
                            LabourStatus::Employed
                        } else {
                            LabourStatus::Inactive
                        },
                        jobseeker_since: unemployed
                            .then(|| observed_on - Duration::days(rng.i64(30..1500))),
                        receives_rsa: rng.u32(..100) < 38,
                        receives_ass: rng.u32(..100) < 6,
                        receives_aah: rng.u32(..100) < 4,
                        education_level: (rng.u32(..100) < 90)
                            .then(|| *pick(&mut rng, &[1, 2, 3, 3, 3, 3, 4, 4, 4, 5, 6, 7])),
                        in_education_or_training: false,
                        jobless_household: rng.u32(..100) < 45,
                        dependent_children: rng.u32(..100) < 50,
                        single_parent: rng.u32(..100) < 18,
                        homeless: rng.u32(..100) < 5,
                        rqth: Some(if rng.u32(..100) < 9 {
                            Answer::Yes
                        } else {
                            Answer::No
                        }),
                        foreign_background: (rng.u32(..100) < 50)
                            .then(|| *pick(&mut rng, &[Answer::Yes, Answer::No, Answer::Refused])),
                        justice_supervision: (rng.u32(..100) < 30).then(|| {
                            if rng.u32(..100) < 7 {
                                Answer::Yes
                            } else {
                                Answer::No
                            }
                        }),
                        health_notes: None,
                    }
                })
                .collect();
            (person, situations)
        })
        .collect()
}

/// The demo staff as the PLIE activity needs them.
struct Staff {
    accounts: Vec<(String, Role)>,
    manager: Option<Uuid>,
    /// The PLIE referents.
    referents: Vec<Uuid>,
    /// Every referent with their teams.
    by_team: Vec<(Uuid, &'static [Team])>,
}

/// One account per line of [`ACCOUNTS`], created as `passerelle user add` does.
async fn create_staff(db: &Db, structure_id: Uuid) -> DemoResult<Staff> {
    let by = By::Server { structure_id };
    let mut staff = Staff {
        accounts: Vec::new(),
        manager: None,
        referents: Vec::new(),
        by_team: Vec::new(),
    };
    for (email, name, role, teams) in ACCOUNTS {
        let request = AccountRequest {
            email,
            display_name: name,
            role: Some(role),
            teams: teams.to_vec(),
            password: DEMO_PASSWORD,
            confirm: DEMO_PASSWORD,
        };
        let u = access::create_account(db, &by, &request).await?;
        match role {
            Role::Manager => staff.manager = Some(u.id),
            Role::Referent if teams.contains(&Team::Plie) => staff.referents.push(u.id),
            _ => {}
        }
        if role == Role::Referent {
            staff.by_team.push((u.id, teams));
        }
        staff.accounts.push((email.to_owned(), role));
    }
    Ok(staff)
}

/// Builds the demo in an empty database: structure, territory, staff accounts, population.
/// Does nothing and returns `None` if the demo structure is already there.
pub async fn build(
    db: &Db,
    population_size: usize,
    today: Date,
) -> DemoResult<Option<DemoSummary>> {
    if structures::find(db, Which::Named(STRUCTURE_NAME))
        .await?
        .is_some()
    {
        return Ok(None);
    }
    territory::ensure_default_communes(db).await?;
    passerelle_services::territory::install_qpv_list(db, "demo", &demo_qpvs()).await?;
    let structure = access::create_structure(db, STRUCTURE_NAME).await?;
    let staff = create_staff(db, structure.id).await?;
    let (manager, referents, team_referents) = (staff.manager, staff.referents, staff.by_team);
    let people = population(SEED, population_size, today);
    let mut residents = Vec::with_capacity(people.len());
    let mut count = 0;
    for chunk in people.chunks(5_000) {
        let fields: Vec<PersonFields> = chunk.iter().map(|(p, _)| p.clone()).collect();
        let ids = persons::bulk_insert(db, structure.id, &fields).await?;
        residents.extend(
            ids.iter()
                .zip(&fields)
                .map(|(id, f)| plie::Resident::from_fields(*id, f)),
        );
        let obs: Vec<(uuid::Uuid, SituationFields)> = ids
            .iter()
            .zip(chunk)
            .flat_map(|(id, (_, s))| s.iter().map(move |s| (*id, s.clone())))
            .collect();
        situations::bulk_add(db, structure.id, &obs).await?;
        count += ids.len();
    }
    // The PLIE activity needs the full population (its 662 participants of 2021).
    if population_size >= DEFAULT_POPULATION
        && let Some(manager) = manager
    {
        plie::build(db, structure.id, manager, &referents, &residents).await?;
        programmes::other_programmes(db, structure.id, manager, &team_referents, &residents)
            .await?;
        let by_manager = By::Staff(Actor {
            structure_id: structure.id,
            user_id: manager,
        });
        passerelle_services::reports::save_indicator_file(
            db,
            &by_manager,
            SaveMode::Create,
            "mie-roubaisis.toml",
            OWN_INDICATORS,
            passerelle_report::definitions::CHECKS,
        )
        .await?;
    }
    Ok(Some(DemoSummary {
        structure_id: structure.id,
        persons: count,
        accounts: staff.accounts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_is_deterministic_and_valid() {
        let today = date!(2026 - 11 - 29);
        let a = population(SEED, 200, today);
        let b = population(SEED, 200, today);
        assert_eq!(
            a.iter().map(|p| &p.0).collect::<Vec<_>>(),
            b.iter().map(|p| &p.0).collect::<Vec<_>>()
        );
        for (p, situations) in &a {
            let age = passerelle_domain::persons::age::age_at(p.birth_date, today);
            assert!((18..=65).contains(&age), "age {age}");
            for s in situations {
                assert!(s.observed_on <= today && s.observed_on >= p.birth_date);
            }
        }
    }
}

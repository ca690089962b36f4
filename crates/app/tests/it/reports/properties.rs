//! Properties of the report engine on generated activity, on each backend: a year counted with
//! the year before gives what it gives alone; every breakdown of a counted figure adds up to
//! the figure, and its town and QPV groups are the figure filtered on them; the listed records
//! are exactly those counted; what a filter leaves out plus what it keeps is the whole
//! population of the period.

use passerelle_db::params::Param;
use passerelle_db::{Db, bind_param, with_pool};
use passerelle_domain::pathways::exit::ExitCategory;
use passerelle_domain::pathways::step::StepFamily;
use passerelle_domain::reports::indicator::{Breakdown, Filters, IndicatorDef, Measure, Quantity};
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration, Month};
use uuid::Uuid;

use crate::support::databases;
use passerelle_services::pathways as service;

const COMMUNES: [&str; 3] = ["59512", "59339", "59367"];
/// Day 0 of the generated activity.
pub const ORIGIN: Date = date!(2019 - 01 - 01);

#[derive(Debug, Clone)]
pub struct Pathway {
    /// Index in the structure's programmes, the PLIE first.
    pub programme: usize,
    /// Days from `ORIGIN` to the entry; none: referred, not entered.
    pub entered: Option<i64>,
    /// Length in days and exit category.
    pub exit: Option<(i64, usize)>,
    /// (days after entry, referent)
    pub referents: Vec<(i64, usize)>,
    /// (family, days after entry, validated)
    pub steps: Vec<(usize, i64, Option<bool>)>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub female: bool,
    /// Index in `COMMUNES`: Roubaix, Leers, Lys-lez-Lannoy.
    pub commune: usize,
    pub qpv: bool,
    pub birth_year: i32,
    /// (days from `ORIGIN`, RSA, education level)
    pub situations: Vec<(i64, bool, Option<i16>)>,
    pub pathways: Vec<Pathway>,
    /// Days from `ORIGIN` to each contract's start.
    pub contracts: Vec<i64>,
}

fn pathway() -> impl Strategy<Value = Pathway> {
    (
        0..3usize,
        proptest::option::weighted(0.9, 0..1500i64),
        proptest::option::of((0..1200i64, 0..ExitCategory::VARIANTS.len())),
        proptest::collection::vec((-30..900i64, 0..3usize), 0..3),
        proptest::collection::vec(
            (
                0..StepFamily::ALL.len(),
                0..900i64,
                proptest::option::of(any::<bool>()),
            ),
            0..4,
        ),
    )
        .prop_map(|(programme, entered, exit, referents, steps)| Pathway {
            programme,
            entered,
            exit,
            referents,
            steps,
        })
}

fn person() -> impl Strategy<Value = Person> {
    (
        any::<bool>(),
        0..COMMUNES.len(),
        any::<bool>(),
        1960..2004i32,
        proptest::collection::vec(
            (0..1500i64, any::<bool>(), proptest::option::of(1..9i16)),
            0..3,
        ),
        proptest::collection::vec(pathway(), 1..3),
        proptest::collection::vec(0..1800i64, 0..4),
    )
        .prop_map(
            |(female, commune, qpv, birth_year, situations, pathways, contracts)| Person {
                female,
                commune,
                qpv,
                birth_year,
                situations,
                pathways,
                contracts,
            },
        )
}

async fn exec(db: &Db, sql: &'static str, values: Vec<Param>) {
    with_pool!(db, |p| {
        let mut q = sqlx::query(sql);
        for v in values {
            q = bind_param!(q, v);
        }
        q.execute(p).await.unwrap();
    });
}

fn day(offset: i64) -> Date {
    ORIGIN + Duration::days(offset)
}

/// Records the activity of `world` for a structure, as the repositories would store it.
pub async fn record(db: &Db, structure: Uuid, world: &[Person]) {
    use Param::{Bool, Date as D, Text, Uuid as U};
    service::install_default_programmes(db, structure)
        .await
        .unwrap();
    let programmes: Vec<Uuid> = passerelle_db::pathways::programmes::list(db, structure)
        .await
        .unwrap()
        .into_iter()
        .take(3)
        .map(|p| p.id)
        .collect();
    let mut referents = Vec::new();
    for i in 0..3 {
        let email = format!("referent{i}-{}@test.fr", Uuid::now_v7().simple());
        let name = format!("Référent {i}");
        let request = passerelle_domain::access::accounts::AccountRequest {
            email: &email,
            display_name: &name,
            role: Some(passerelle_domain::Role::Referent),
            teams: vec![passerelle_domain::Team::Plie],
            password: crate::support::PASSWORD,
            confirm: crate::support::PASSWORD,
        };
        let by = passerelle_services::By::Server {
            structure_id: structure,
        };
        let user = passerelle_services::access::create_account(db, &by, &request)
            .await
            .unwrap();
        referents.push(user.id);
    }
    let now = time::OffsetDateTime::now_utc();
    for (n, p) in world.iter().enumerate() {
        let person = Uuid::now_v7();
        exec(db,
            "INSERT INTO persons (id, structure_id, version, last_name, first_names, birth_date, sex, commune_code, qpv_code,
               last_name_norm, first_names_norm, created_at, updated_at) VALUES ($1, $2, 1, $3, 'Camille', $4, $5, $6, $7, $8, 'camille', $9, $9)",
            vec![U(person), U(structure), Text(format!("Personne{n}")),
                 D(Date::from_calendar_date(p.birth_year, Month::June, 15).unwrap()),
                 Text(if p.female { "F" } else { "M" }.into()), Text(COMMUNES[p.commune].into()),
                 Param::OptText(p.qpv.then(|| "DEMO-QP-1".into())),
                 Text(format!("personne{n}")), Param::Time(now)]).await;
        for (on, rsa, education) in &p.situations {
            exec(db,
                "INSERT INTO person_situations (id, structure_id, person_id, observed_on, labour_status, receives_rsa, receives_ass,
                   receives_aah, education_level, in_education_or_training, jobless_household, dependent_children, single_parent,
                   homeless, recorded_at) VALUES ($1, $2, $3, $4, 'unemployed', $5, FALSE, FALSE, $6, FALSE, FALSE, FALSE, FALSE, FALSE, $7)",
                vec![U(Uuid::now_v7()), U(structure), U(person), D(day(*on)), Bool(*rsa),
                     Param::OptInt(education.map(i64::from)), Param::Time(now)]).await;
        }
        for pw in &p.pathways {
            let enrolment = Uuid::now_v7();
            let entered = pw.entered.map(day);
            let exit = pw.exit.filter(|_| entered.is_some()).map(|(len, c)| {
                (
                    day(pw.entered.unwrap_or(0) + len),
                    ExitCategory::VARIANTS[c],
                )
            });
            exec(db,
                "INSERT INTO enrolments (id, structure_id, person_id, programme_id, prescriber_organisation, referred_on,
                   referral_reason, entered_on, exited_on, exit_category, created_at) VALUES ($1, $2, $3, $4, 'France Travail', $5,
                   'orientation', $6, $7, $8, $9)",
                vec![U(enrolment), U(structure), U(person), U(programmes[pw.programme]),
                     D(entered.unwrap_or(ORIGIN)), Param::OptDate(entered), Param::OptDate(exit.map(|e| e.0)),
                     Param::OptText(exit.map(|e| e.1.code().to_owned())), Param::Time(now)]).await;
            let start = pw.entered.unwrap_or(0);
            let mut assignments = pw.referents.clone();
            assignments.sort();
            for (i, (from, who)) in assignments.iter().enumerate() {
                let until = assignments.get(i + 1).map(|(next, _)| day(start + next));
                exec(db,
                    "INSERT INTO enrolment_referents (id, structure_id, enrolment_id, user_id, from_date, until_date)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    vec![U(Uuid::now_v7()), U(structure), U(enrolment), U(referents[*who]), D(day(start + from)),
                         Param::OptDate(until)]).await;
            }
            for (family, after, validated) in &pw.steps {
                exec(db,
                    "INSERT INTO steps (id, structure_id, enrolment_id, programme_id, family, title, start_on, end_on, validated)
                     VALUES ($1, $2, $3, $4, $5, 'Étape', $6, $7, $8)",
                    vec![U(Uuid::now_v7()), U(structure), U(enrolment), U(programmes[pw.programme]), Text(StepFamily::ALL[*family].code().into()),
                         D(day(start + after)), D(day(start + after + 90)), Bool(validated.unwrap_or(false))]).await;
            }
        }
        for on in &p.contracts {
            exec(db,
                "INSERT INTO employment_contracts (id, structure_id, person_id, kind, employer, start_on, weekly_hours)
                 VALUES ($1, $2, $3, 'cdd', 'Employeur', $4, 35)",
                vec![U(Uuid::now_v7()), U(structure), U(person), D(day(*on))]).await;
        }
    }
}

/// The same definition without its filters (its programme kept): the population of the period.
fn unfiltered(def: &IndicatorDef) -> IndicatorDef {
    IndicatorDef {
        filters: Filters {
            programme: def.filters.programme.clone(),
            ..Filters::default()
        },
        ..def.clone()
    }
}

async fn check_world(world: Vec<Person>) {
    let defs = passerelle_report::shipped_definitions().unwrap();
    for db in databases().await {
        passerelle_db::territory::ensure_default_communes(&db)
            .await
            .unwrap();
        let structure = passerelle_services::access::create_structure(&db, "Structure générée")
            .await
            .unwrap()
            .id;
        record(&db, structure, &world).await;
        let years = [2021, 2020].map(|y| {
            (
                Date::from_calendar_date(y, Month::January, 1).unwrap(),
                Date::from_calendar_date(y, Month::December, 31).unwrap(),
            )
        });
        // The year and the year before in one query give what each year gives alone.
        for def in defs.iter().filter(|d| {
            matches!(
                d.measure,
                Measure::Count | Measure::DistinctPersons | Measure::MeanMonths
            )
        }) {
            let together =
                passerelle_db::reports::indicators::evaluate_periods(&db, structure, def, &years)
                    .await
                    .unwrap();
            for ((from, to), value) in years.iter().zip(&together) {
                let alone =
                    passerelle_db::reports::indicators::evaluate(&db, structure, def, *from, *to)
                        .await
                        .unwrap();
                assert!(
                    (alone - value).abs() < 1e-9,
                    "{} from {from}: {value} with the year before, {alone} alone, on {}",
                    def.id,
                    db.backend_name()
                );
            }
        }
        // Every generated contract is of 35 hours a week: the contracts' hours are 35 times
        // their count, each contract once however many pathways cover it.
        let contracts = defs.iter().find(|d| d.id == "plie.contracts").unwrap();
        let hours = IndicatorDef {
            measure: Measure::Sum,
            quantity: Some(Quantity::WeeklyHours),
            breakdowns: Vec::new(),
            ..contracts.clone()
        };
        let summed =
            passerelle_db::reports::indicators::evaluate_periods(&db, structure, &hours, &years)
                .await
                .unwrap();
        let counted =
            passerelle_db::reports::indicators::evaluate_periods(&db, structure, contracts, &years)
                .await
                .unwrap();
        assert_eq!(
            summed,
            counted.iter().map(|n| n * 35.0).collect::<Vec<_>>(),
            "hours on {}",
            db.backend_name()
        );
        for year in [2020, 2021] {
            let from = Date::from_calendar_date(year, Month::January, 1).unwrap();
            let to = Date::from_calendar_date(year, Month::December, 31).unwrap();
            for def in defs
                .iter()
                .filter(|d| matches!(d.measure, Measure::Count | Measure::DistinctPersons))
            {
                let total =
                    passerelle_db::reports::indicators::evaluate(&db, structure, def, from, to)
                        .await
                        .unwrap() as i64;
                let all = passerelle_db::reports::indicators::evaluate_breakdowns(
                    &db,
                    structure,
                    def,
                    &def.breakdowns,
                    from,
                    to,
                )
                .await
                .unwrap();
                for (b, groups) in def.breakdowns.iter().zip(&all) {
                    let alone = passerelle_db::reports::indicators::evaluate_breakdown(
                        &db, structure, def, *b, from, to,
                    )
                    .await
                    .unwrap();
                    assert_eq!(&alone, groups, "{} by {} alone", def.id, b.code());
                    // A person's town and neighbourhood do not depend on the pathway a record
                    // is attributed to: each group is the figure filtered on it.
                    for g in groups {
                        let filtered = match b {
                            Breakdown::Commune if def.filters.commune.is_none() => IndicatorDef {
                                filters: Filters {
                                    commune: Some(g.key.clone()),
                                    ..def.filters.clone()
                                },
                                ..def.clone()
                            },
                            Breakdown::Qpv if def.filters.qpv.is_none() => IndicatorDef {
                                filters: Filters {
                                    qpv: Some(g.key == "oui"),
                                    ..def.filters.clone()
                                },
                                ..def.clone()
                            },
                            _ => continue,
                        };
                        let value = passerelle_db::reports::indicators::evaluate(
                            &db, structure, &filtered, from, to,
                        )
                        .await
                        .unwrap() as i64;
                        assert_eq!(
                            value,
                            g.value,
                            "{} {year} by {} = {}",
                            def.id,
                            b.code(),
                            g.key
                        );
                    }
                    let sum: i64 = groups.iter().map(|g| g.value).sum();
                    assert_eq!(
                        sum,
                        total,
                        "{} {year} by {}: {groups:?} on {}",
                        def.id,
                        b.code(),
                        db.backend_name()
                    );
                }
                let whole_structure =
                    passerelle_db::pathways::scope::Scope::whole_structure(structure);
                let counted = passerelle_db::reports::indicators::counted_records(
                    &db,
                    &whole_structure,
                    def,
                    from,
                    to,
                )
                .await
                .unwrap()
                .records;
                assert_eq!(counted.len() as i64, total, "{} {year} listed", def.id);
                let excluded = passerelle_db::reports::indicators::excluded_records(
                    &db,
                    &whole_structure,
                    def,
                    from,
                    to,
                )
                .await
                .unwrap()
                .records;
                assert!(excluded.iter().all(|r| !r.reasons.is_empty()));
                let whole = passerelle_db::reports::indicators::evaluate(
                    &db,
                    structure,
                    &unfiltered(def),
                    from,
                    to,
                )
                .await
                .unwrap() as i64;
                assert_eq!(
                    total + excluded.len() as i64,
                    whole,
                    "{} {year}: counted + left out = population",
                    def.id
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn breakdowns_add_up_and_exclusions_complete_the_population(
        world in proptest::collection::vec(person(), 1..25)
    ) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(check_world(world));
    }
}

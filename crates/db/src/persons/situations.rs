//! A person's dated situations: appended, never overwritten.

use passerelle_domain::audit::Actor;
use passerelle_domain::persons::situation::{Answer, SituationFields};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, DbError, DbResult, Tx, parse_code, with_pool, with_tx};

#[derive(Debug, Clone)]
pub struct Situation {
    pub id: Uuid,
    pub person_id: Uuid,
    pub fields: SituationFields,
    pub recorded_by: Option<String>,
    pub recorded_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    person_id: Uuid,
    observed_on: Date,
    labour_status: String,
    jobseeker_since: Option<Date>,
    receives_rsa: bool,
    receives_ass: bool,
    receives_aah: bool,
    education_level: Option<i16>,
    in_education_or_training: bool,
    jobless_household: bool,
    dependent_children: bool,
    single_parent: bool,
    homeless: bool,
    rqth: Option<String>,
    foreign_background: Option<String>,
    justice_supervision: Option<String>,
    health_notes: Option<String>,
    recorded_by: Option<String>,
    recorded_at: OffsetDateTime,
}

fn answer(raw: Option<String>) -> DbResult<Option<Answer>> {
    raw.map(|r| parse_code(&r)).transpose()
}

impl TryFrom<Row> for Situation {
    type Error = DbError;
    fn try_from(r: Row) -> DbResult<Situation> {
        Ok(Situation {
            id: r.id,
            person_id: r.person_id,
            fields: SituationFields {
                observed_on: r.observed_on,
                labour_status: parse_code(&r.labour_status)?,
                jobseeker_since: r.jobseeker_since,
                receives_rsa: r.receives_rsa,
                receives_ass: r.receives_ass,
                receives_aah: r.receives_aah,
                education_level: r.education_level,
                in_education_or_training: r.in_education_or_training,
                jobless_household: r.jobless_household,
                dependent_children: r.dependent_children,
                single_parent: r.single_parent,
                homeless: r.homeless,
                rqth: answer(r.rqth)?,
                foreign_background: answer(r.foreign_background)?,
                justice_supervision: answer(r.justice_supervision)?,
                health_notes: r.health_notes,
            },
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        })
    }
}

/// Binds the 16 observed fields of a situation, in table order.
macro_rules! bind_situation_fields {
    ($query:expr, $f:expr) => {
        $query
            .bind($f.observed_on)
            .bind($f.labour_status.code())
            .bind($f.jobseeker_since)
            .bind($f.receives_rsa)
            .bind($f.receives_ass)
            .bind($f.receives_aah)
            .bind($f.education_level)
            .bind($f.in_education_or_training)
            .bind($f.jobless_household)
            .bind($f.dependent_children)
            .bind($f.single_parent)
            .bind($f.homeless)
            .bind($f.rqth.map(Answer::code))
            .bind($f.foreign_background.map(Answer::code))
            .bind($f.justice_supervision.map(Answer::code))
            .bind(&$f.health_notes)
    };
}

/// Appends an observation to the history of a person of `actor`'s structure
/// ([`DbError::NotFound`] otherwise); the service audits it.
pub async fn insert(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    person_id: Uuid,
    f: &SituationFields,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        let insert = sqlx::query(
            "INSERT INTO person_situations (id, structure_id, person_id, observed_on, labour_status, jobseeker_since,
                receives_rsa, receives_ass, receives_aah, education_level, in_education_or_training, jobless_household,
                dependent_children, single_parent, homeless, rqth, foreign_background, justice_supervision, health_notes,
                recorded_by, recorded_at)
             SELECT $1, $2, id, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21
             FROM persons WHERE id = $3 AND structure_id = $2",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(person_id);
        bind_situation_fields!(insert, f)
            .bind(actor.user_id)
            .bind(OffsetDateTime::now_utc())
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// A person's situations, the latest observation first.
pub async fn history(db: &Db, structure_id: Uuid, person_id: Uuid) -> DbResult<Vec<Situation>> {
    let rows: Vec<Row> = with_pool!(db, |p| {
        sqlx::query_as(
            "SELECT s.id, s.person_id, s.observed_on, s.labour_status, s.jobseeker_since, s.receives_rsa,
                s.receives_ass, s.receives_aah, s.education_level, s.in_education_or_training, s.jobless_household,
                s.dependent_children, s.single_parent, s.homeless, s.rqth, s.foreign_background,
                s.justice_supervision, s.health_notes, u.display_name AS recorded_by, s.recorded_at
             FROM person_situations s LEFT JOIN users u ON u.id = s.recorded_by
             WHERE s.person_id = $1 AND s.structure_id = $2
             ORDER BY s.observed_on DESC, s.recorded_at DESC",
        )
        .bind(person_id)
        .bind(structure_id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter().map(Situation::try_from).collect()
}

/// Appends many observations without audit rows (demo and initial imports).
pub async fn bulk_add(
    db: &Db,
    structure_id: Uuid,
    rows: &[(Uuid, SituationFields)],
) -> DbResult<()> {
    let now = OffsetDateTime::now_utc();
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        for (person_id, f) in rows {
            let insert = sqlx::query(
                "INSERT INTO person_situations (id, structure_id, person_id, observed_on, labour_status, jobseeker_since,
                    receives_rsa, receives_ass, receives_aah, education_level, in_education_or_training, jobless_household,
                    dependent_children, single_parent, homeless, rqth, foreign_background, justice_supervision, health_notes,
                    recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
            )
            .bind(passerelle_domain::new_id())
            .bind(structure_id)
            .bind(person_id);
            bind_situation_fields!(insert, f)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

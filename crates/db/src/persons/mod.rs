//! The person register: create, read, update with optimistic locking, delete, search and
//! duplicate detection. The writes run in a service's transaction, which audits them.

pub mod search;
pub mod situations;

use passerelle_domain::audit::Actor;
use passerelle_domain::persons::name_search::{tokens, variants};
use passerelle_domain::persons::{Person, PersonFields};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::modules::StorageModule;
use crate::sql::{Sql, bind};
use crate::{Db, DbError, DbResult, Tx, parse_code, sql, sql_query, with_pool, with_tx};

pub const MODULE: StorageModule = StorageModule {
    name: "persons",
    person_references: &[],
};

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: Uuid,
    version: i64,
    last_name: String,
    first_names: String,
    birth_name: Option<String>,
    birth_date: Date,
    sex: String,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    commune_code: String,
    qpv_code: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

pub(crate) const COLUMNS: &str = "p.id, p.version, p.last_name, p.first_names, p.birth_name, p.birth_date, p.sex, p.phone, \
    p.email, p.address, p.commune_code, p.qpv_code, p.created_at, p.updated_at";

impl TryFrom<Row> for Person {
    type Error = DbError;
    fn try_from(r: Row) -> DbResult<Person> {
        Ok(Person {
            id: r.id,
            version: r.version,
            fields: PersonFields {
                last_name: r.last_name,
                first_names: r.first_names,
                birth_name: r.birth_name,
                birth_date: r.birth_date,
                sex: parse_code(&r.sex)?,
                phone: r.phone,
                email: r.email,
                address: r.address,
                commune_code: r.commune_code,
                qpv_code: r.qpv_code,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Binds the 13 stored fields of a person, in table order, after the parameters already bound.
macro_rules! bind_person_fields {
    ($query:expr, $f:expr) => {
        $query
            .bind(&$f.last_name)
            .bind(&$f.first_names)
            .bind(&$f.birth_name)
            .bind($f.birth_date)
            .bind($f.sex.code())
            .bind(&$f.phone)
            .bind(&$f.email)
            .bind(&$f.address)
            .bind(&$f.commune_code)
            .bind(&$f.qpv_code)
            .bind($f.last_name_norm())
            .bind($f.first_names_norm())
            .bind($f.birth_name_norm())
    };
}

/// Writes a person's search tokens and feeds the typo dictionary. Runs inside the caller's
/// transaction.
macro_rules! write_tokens {
    ($tx:expr, $structure_id:expr, $person_id:expr, $fields:expr) => {{
        sqlx::query("DELETE FROM person_name_tokens WHERE person_id = $1")
            .bind($person_id)
            .execute(&mut *$tx)
            .await?;
        for token in tokens(&$fields.search_text()) {
            sqlx::query(
                "INSERT INTO person_name_tokens (structure_id, token, person_id, last_name_norm, first_names_norm, birth_name_norm)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind($structure_id)
            .bind(&token)
            .bind($person_id)
            .bind($fields.last_name_norm())
            .bind($fields.first_names_norm())
            .bind($fields.birth_name_norm())
            .execute(&mut *$tx)
            .await?;
            for v in variants(&token) {
                sqlx::query(
                    "INSERT INTO name_token_variants (structure_id, variant, token) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                )
                .bind($structure_id)
                .bind(v)
                .bind(&token)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}

/// Inserts a person as `actor` (the service audits it).
pub async fn insert(tx: &mut Tx, actor: &Actor, id: Uuid, f: &PersonFields) -> DbResult<()> {
    let now = OffsetDateTime::now_utc();
    with_tx!(tx, |c| {
        let insert = sqlx::query(
            "INSERT INTO persons (id, structure_id, version, last_name, first_names, birth_name, birth_date, sex,
                phone, email, address, commune_code, qpv_code, last_name_norm, first_names_norm, birth_name_norm,
                created_at, updated_at, created_by, updated_by)
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $17)",
        )
        .bind(id)
        .bind(actor.structure_id);
        bind_person_fields!(insert, f)
            .bind(now)
            .bind(actor.user_id)
            .execute(&mut *c)
            .await
            .map_err(DbError::from_write)?;
        write_tokens!(c, actor.structure_id, id, f);
    });
    Ok(())
}

/// A person of the structure. Does not audit the view: the caller records it when it shows the
/// record to someone (see [`crate::audit::record_view`]).
pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Person> {
    let sql = sql![
        "SELECT ",
        COLUMNS,
        " FROM persons p WHERE p.id = ",
        bind(id),
        " AND p.structure_id = ",
        bind(structure_id)
    ];
    let row: Option<Row> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as, sql).fetch_optional(p).await?
    });
    row.ok_or(DbError::NotFound)?.try_into()
}

/// A person of the structure, read inside a service's transaction.
pub async fn load(tx: &mut Tx, structure_id: Uuid, id: Uuid) -> DbResult<Person> {
    let row: Option<Row> = with_tx!(tx, |c| {
        let sql = sql![
            "SELECT ",
            COLUMNS,
            " FROM persons p WHERE p.id = ",
            bind(id),
            " AND p.structure_id = ",
            bind(structure_id)
        ];
        sql_query!(sqlx::query_as, sql)
            .fetch_optional(&mut *c)
            .await?
    });
    row.ok_or(DbError::NotFound)?.try_into()
}

/// Saves new values if the stored version is still `expected_version`; otherwise
/// [`DbError::Conflict`] and nothing is written.
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    f: &PersonFields,
) -> DbResult<()> {
    with_tx!(tx, |c| {
        let update = sqlx::query(
            "UPDATE persons SET version = version + 1, last_name = $4, first_names = $5, birth_name = $6,
                birth_date = $7, sex = $8, phone = $9, email = $10, address = $11, commune_code = $12,
                qpv_code = $13, last_name_norm = $14, first_names_norm = $15, birth_name_norm = $16,
                updated_at = $17, updated_by = $18
             WHERE id = $1 AND structure_id = $2 AND version = $3",
        )
        .bind(id)
        .bind(actor.structure_id)
        .bind(expected_version);
        let done = bind_person_fields!(update, f)
            .bind(OffsetDateTime::now_utc())
            .bind(actor.user_id)
            .execute(&mut *c)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(DbError::Conflict);
        }
        write_tokens!(c, actor.structure_id, id, f);
    });
    Ok(())
}

/// Deletes a person and their situations if the stored version is still `expected_version`.
pub async fn delete(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    expected_version: i64,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query("DELETE FROM persons WHERE id = $1 AND structure_id = $2 AND version = $3")
            .bind(id)
            .bind(structure_id)
            .bind(expected_version)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if done == 0 {
        return Err(DbError::Conflict);
    }
    Ok(())
}

/// Persons who look like the one about to be saved: same normalised name (last or birth name)
/// and first names and same birth date, or same e-mail, or same phone.
pub async fn possible_duplicates(
    db: &Db,
    structure_id: Uuid,
    f: &PersonFields,
    exclude: Option<Uuid>,
) -> DbResult<Vec<Person>> {
    let names = Sql::list(
        [Some(f.last_name_norm()), f.birth_name_norm()]
            .into_iter()
            .flatten(),
    );
    let mut alternatives = vec![sql![
        "((p.last_name_norm IN (",
        names.clone(),
        ") OR p.birth_name_norm IN (",
        names,
        ")) AND p.first_names_norm = ",
        bind(f.first_names_norm()),
        " AND p.birth_date = ",
        bind(f.birth_date),
        ")"
    ]];
    if let Some(e) = &f.email {
        alternatives.push(sql!["p.email = ", bind(e.as_str())]);
    }
    if let Some(ph) = &f.phone {
        alternatives.push(sql!["p.phone = ", bind(ph.as_str())]);
    }
    let mut sql = sql![
        "SELECT ",
        COLUMNS,
        " FROM persons p WHERE p.structure_id = ",
        bind(structure_id),
        " AND (",
        Sql::join(alternatives, " OR "),
        ")"
    ];
    if let Some(id) = exclude {
        sql.push(" AND p.id <> ").push(bind(id));
    }
    sql.push(" ORDER BY p.last_name_norm, p.first_names_norm LIMIT 10");
    let rows: Vec<Row> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, Row>, sql)
            .fetch_all(p)
            .await?
    });
    rows.into_iter().map(Person::try_from).collect()
}

/// Loads many persons in one transaction, without per-person audit rows: for the demo
/// population and initial imports from another system. Rows go in multi-row statements and the
/// typo dictionary gets each distinct token once, which makes a million-person load minutes
/// rather than an hour.
pub async fn bulk_insert(
    db: &Db,
    structure_id: Uuid,
    persons: &[PersonFields],
) -> DbResult<Vec<Uuid>> {
    const ROWS_PER_STATEMENT: usize = 500;
    let now = OffsetDateTime::now_utc();
    let rows: Vec<(Uuid, &PersonFields)> = persons
        .iter()
        .map(|f| (passerelle_domain::new_id(), f))
        .collect();
    let tokens: Vec<(Uuid, String, &PersonFields)> = rows
        .iter()
        .flat_map(|(id, f)| {
            tokens(&f.search_text())
                .into_iter()
                .map(move |t| (*id, t, *f))
        })
        .collect();
    let mut distinct: Vec<&str> = tokens.iter().map(|(_, t, _)| t.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let dictionary: Vec<(String, &str)> = distinct
        .into_iter()
        .flat_map(|t| variants(t).into_iter().map(move |v| (v, t)))
        .collect();
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO persons (id, structure_id, version, last_name, first_names, birth_name, birth_date, sex,
                    phone, email, address, commune_code, qpv_code, last_name_norm, first_names_norm, birth_name_norm,
                    created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut b, (id, f)| {
                b.push_bind(*id)
                    .push_bind(structure_id)
                    .push_bind(1i64)
                    .push_bind(f.last_name.clone())
                    .push_bind(f.first_names.clone())
                    .push_bind(f.birth_name.clone())
                    .push_bind(f.birth_date)
                    .push_bind(f.sex.code())
                    .push_bind(f.phone.clone())
                    .push_bind(f.email.clone())
                    .push_bind(f.address.clone())
                    .push_bind(f.commune_code.clone())
                    .push_bind(f.qpv_code.clone())
                    .push_bind(f.last_name_norm())
                    .push_bind(f.first_names_norm())
                    .push_bind(f.birth_name_norm())
                    .push_bind(now)
                    .push_bind(now);
            });
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in tokens.chunks(ROWS_PER_STATEMENT * 2) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO person_name_tokens (structure_id, token, person_id, last_name_norm, first_names_norm, birth_name_norm) ",
            );
            qb.push_values(chunk, |mut b, (id, t, f)| {
                b.push_bind(structure_id)
                    .push_bind(t.clone())
                    .push_bind(*id)
                    .push_bind(f.last_name_norm())
                    .push_bind(f.first_names_norm())
                    .push_bind(f.birth_name_norm());
            });
            qb.push(" ON CONFLICT DO NOTHING");
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in dictionary.chunks(ROWS_PER_STATEMENT * 4) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO name_token_variants (structure_id, variant, token) ",
            );
            qb.push_values(chunk, |mut b, (v, t)| {
                b.push_bind(structure_id)
                    .push_bind(v.clone())
                    .push_bind((*t).to_owned());
            });
            qb.push(" ON CONFLICT DO NOTHING");
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

pub async fn count(db: &Db, structure_id: Uuid) -> DbResult<i64> {
    Ok(with_pool!(db, |p| {
        sqlx::query_scalar("SELECT COUNT(*) FROM persons WHERE structure_id = $1")
            .bind(structure_id)
            .fetch_one(p)
            .await?
    }))
}

//! The person register: create, read, update with optimistic locking, delete, search and
//! duplicate detection. Every change is audited in the same transaction.

use passerelle_domain::age::AgeBand;
use passerelle_domain::audit::{Actor, AuditAction, diff};
use passerelle_domain::name_search::{prefix_upper_bound, tokens, variants, within_one_typo};
use passerelle_domain::person::{Person, PersonFields};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::ENTITY_PERSON;
use crate::params::{Param, Params};
use crate::{Db, DbError, DbResult, bind_params, insert_audit, parse_code, with_pool};

#[derive(sqlx::FromRow)]
struct Row {
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

const COLUMNS: &str = "p.id, p.version, p.last_name, p.first_names, p.birth_name, p.birth_date, p.sex, p.phone, \
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

/// Creates a person and audits the creation, field by field.
pub async fn create(db: &Db, actor: &Actor, f: &PersonFields) -> DbResult<Person> {
    let id = passerelle_domain::new_id();
    let now = OffsetDateTime::now_utc();
    let changes = diff(&[], &f.audit_values());
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
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
            .execute(&mut *tx)
            .await
            .map_err(DbError::from_write)?;
        write_tokens!(tx, actor.structure_id, id, f);
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Create,
            ENTITY_PERSON,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get(db, actor.structure_id, id).await
}

/// A person of the structure. Does not audit the view: the caller records it when it shows the
/// record to someone (see [`crate::audit::record_view`]).
pub async fn get(db: &Db, structure_id: Uuid, id: Uuid) -> DbResult<Person> {
    let row: Option<Row> = with_pool!(db, |p| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM persons p WHERE p.id = $1 AND p.structure_id = $2"
        )))
        .bind(id)
        .bind(structure_id)
        .fetch_optional(p)
        .await?
    });
    row.ok_or(DbError::NotFound)?.try_into()
}

/// Saves new values if nobody saved the person since `expected_version` was read; otherwise
/// [`DbError::Conflict`] and nothing is written.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    f: &PersonFields,
) -> DbResult<Person> {
    let before = get(db, actor.structure_id, id).await?;
    if before.version != expected_version {
        return Err(DbError::Conflict);
    }
    let changes = diff(&before.fields.audit_values(), &f.audit_values());
    if changes.is_empty() {
        return Ok(before);
    }
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
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
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 0 {
            // Someone saved between our read and our write: the transaction rolls back.
            return Err(DbError::Conflict);
        }
        write_tokens!(tx, actor.structure_id, id, f);
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Update,
            ENTITY_PERSON,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    get(db, actor.structure_id, id).await
}

/// Deletes a person and their situations; the audit row keeps the values deleted.
pub async fn delete(db: &Db, actor: &Actor, id: Uuid, expected_version: i64) -> DbResult<()> {
    let before = get(db, actor.structure_id, id).await?;
    if before.version != expected_version {
        return Err(DbError::Conflict);
    }
    let changes = diff(&before.fields.audit_values(), &[]);
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let done =
            sqlx::query("DELETE FROM persons WHERE id = $1 AND structure_id = $2 AND version = $3")
                .bind(id)
                .bind(actor.structure_id)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if done == 0 {
            return Err(DbError::Conflict);
        }
        insert_audit!(
            &mut *tx,
            actor,
            AuditAction::Delete,
            ENTITY_PERSON,
            id,
            &changes
        )?;
        tx.commit().await?;
    });
    Ok(())
}

/// What the register's list page and the API filter on.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Name words: each must match a name (last, birth or first) by prefix or within one typo.
    pub query: String,
    pub commune_code: Option<String>,
    pub qpv: QpvFilter,
    pub age_band: Option<AgeBand>,
    /// The date ages are computed at (today, normally).
    pub on: Option<Date>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum QpvFilter {
    #[default]
    Any,
    /// Lives in a priority neighbourhood, whichever.
    InAnyQpv,
    NotInQpv,
    Code(String),
}

#[derive(Debug, Clone)]
pub struct PersonPage {
    pub persons: Vec<Person>,
    pub total: i64,
}

/// Dictionary tokens within one typo of `token`.
async fn fuzzy_tokens(db: &Db, structure_id: Uuid, token: &str) -> DbResult<Vec<String>> {
    let vs = variants(token);
    if vs.len() <= 1 {
        return Ok(Vec::new());
    }
    let mut params = Params::default();
    let s = params.push(Param::Uuid(structure_id));
    let list: Vec<String> = vs
        .into_iter()
        .map(|v| params.push(Param::Text(v)))
        .collect();
    let sql = format!(
        "SELECT DISTINCT token FROM name_token_variants WHERE structure_id = {s} AND variant IN ({})",
        list.join(", ")
    );
    let found: Vec<String> = with_pool!(db, |p| {
        bind_params!(
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    });
    Ok(found
        .into_iter()
        .filter(|t| within_one_typo(token, t))
        .collect())
}

/// The condition "this token row matches the searched word": by prefix, or one of the
/// dictionary tokens within one typo of it.
fn token_condition(params: &mut Params, alias: &str, token: &str, fuzzy: &[String]) -> String {
    let lo = params.push(Param::Text(token.to_owned()));
    let hi = params.push(Param::Text(prefix_upper_bound(token)));
    let range = format!("({alias}.token >= {lo} AND {alias}.token < {hi})");
    if fuzzy.is_empty() {
        return range;
    }
    let list: Vec<String> = fuzzy
        .iter()
        .map(|t| params.push(Param::Text(t.clone())))
        .collect();
    format!("({range} OR {alias}.token IN ({}))", list.join(", "))
}

/// Matches counted to rank the searched words by rarity; counting further would only cost time.
const RARITY_CAP: i64 = 5000;

/// Below this many names matching a word as typed, names within one typo are added.
const FUZZY_BELOW: i64 = 100;

/// How many name tokens of the structure match a searched word, counted up to a cap: enough to
/// start the search from the rarest word without paying for counting a common first name.
async fn token_matches(
    db: &Db,
    structure_id: Uuid,
    token: &str,
    fuzzy: &[String],
) -> DbResult<i64> {
    let mut params = Params::default();
    let s = params.push(Param::Uuid(structure_id));
    let cond = token_condition(&mut params, "t", token, fuzzy);
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM person_name_tokens t WHERE t.structure_id = {s} AND {cond} LIMIT {RARITY_CAP}) c"
    );
    Ok(with_pool!(db, |p| {
        bind_params!(
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_one(p)
        .await?
    }))
}

#[derive(sqlx::FromRow)]
struct RowWithTotal {
    #[sqlx(flatten)]
    row: Row,
    total: i64,
}

/// Searches the register of a structure: people whose name is exactly a searched word first,
/// then the others by name. Each word must match a name (last, birth or first) by prefix or
/// within one typo. The search starts from the rarest word and checks the others person by
/// person, so a common first name does not slow down a search on a rare surname.
pub async fn search(db: &Db, structure_id: Uuid, f: &PersonFilter) -> DbResult<PersonPage> {
    let words = tokens(&f.query);
    let mut matched = Vec::with_capacity(words.len());
    for w in &words {
        // A typo is looked for only when the word as typed finds few names: "dupond" then also
        // finds Dupont, while a search for Martin is not flooded with Martins and Marins.
        let typed = token_matches(db, structure_id, w, &[]).await?;
        let fuzzy = if typed < FUZZY_BELOW {
            fuzzy_tokens(db, structure_id, w).await?
        } else {
            Vec::new()
        };
        let n = if fuzzy.is_empty() {
            typed
        } else {
            token_matches(db, structure_id, w, &fuzzy).await?
        };
        if n == 0 {
            return Ok(PersonPage {
                persons: Vec::new(),
                total: 0,
            });
        }
        matched.push((n, w.clone(), fuzzy));
    }
    // Rarest word first; among words too common to count, the longest.
    matched.sort_by_key(|(n, w, _)| (*n, std::cmp::Reverse(w.chars().count())));
    let name_only = f.commune_code.is_none() && f.qpv == QpvFilter::Any && f.age_band.is_none();
    if !matched.is_empty() && name_only {
        return search_by_name(db, structure_id, &words, &matched, f.limit, f.offset).await;
    }

    let mut params = Params::default();
    let mut clauses = vec![format!(
        "p.structure_id = {}",
        params.push(Param::Uuid(structure_id))
    )];
    for (i, (_, word, fuzzy)) in matched.iter().enumerate() {
        let cond = token_condition(&mut params, "t", word, fuzzy);
        if i == 0 {
            let s = params.push(Param::Uuid(structure_id));
            clauses.push(format!(
                "p.id IN (SELECT t.person_id FROM person_name_tokens t WHERE t.structure_id = {s} AND {cond})"
            ));
        } else {
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM person_name_tokens t WHERE t.person_id = p.id AND {cond})"
            ));
        }
    }
    if let Some(c) = &f.commune_code {
        clauses.push(format!(
            "p.commune_code = {}",
            params.push(Param::Text(c.clone()))
        ));
    }
    match &f.qpv {
        QpvFilter::Any => {}
        QpvFilter::InAnyQpv => clauses.push("p.qpv_code IS NOT NULL".to_owned()),
        QpvFilter::NotInQpv => clauses.push("p.qpv_code IS NULL".to_owned()),
        QpvFilter::Code(c) => clauses.push(format!(
            "p.qpv_code = {}",
            params.push(Param::Text(c.clone()))
        )),
    }
    if let (Some(band), Some(on)) = (f.age_band, f.on) {
        let (earliest, latest) = band.birth_dates(on);
        if let Some(e) = earliest {
            clauses.push(format!("p.birth_date >= {}", params.push(Param::Date(e))));
        }
        if let Some(l) = latest {
            clauses.push(format!("p.birth_date <= {}", params.push(Param::Date(l))));
        }
    }
    let where_sql = clauses.join(" AND ");
    let where_params = params.0.len();
    let exact_first = if words.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = words
            .iter()
            .map(|w| params.push(Param::Text(w.clone())))
            .collect();
        let list = list.join(", ");
        format!(
            "CASE WHEN p.last_name_norm IN ({list}) OR p.birth_name_norm IN ({list}) THEN 0 ELSE 1 END, "
        )
    };
    let limit = params.push(Param::Int(f.limit.clamp(1, 500)));
    let offset = params.push(Param::Int(f.offset.max(0)));
    // One pass gives the page and the total (window count over every match).
    let sql = format!(
        "SELECT {COLUMNS}, COUNT(*) OVER () AS total FROM persons p WHERE {where_sql}
         ORDER BY {exact_first}p.last_name_norm, p.first_names_norm, p.id LIMIT {limit} OFFSET {offset}"
    );
    let rows: Vec<RowWithTotal> = with_pool!(db, |p| {
        bind_params!(
            sqlx::query_as::<_, RowWithTotal>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    });
    let total = match rows.first() {
        Some(r) => r.total,
        // A page past the end: count on its own.
        None if f.offset > 0 => {
            let mut count_params = Params(params.0.clone());
            count_params.0.truncate(where_params);
            let count_sql = format!("SELECT COUNT(*) FROM persons p WHERE {where_sql}");
            with_pool!(db, |p| {
                bind_params!(
                    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql)),
                    count_params
                )
                .fetch_one(p)
                .await?
            })
        }
        None => 0,
    };
    Ok(PersonPage {
        persons: rows
            .into_iter()
            .map(|r| Person::try_from(r.row))
            .collect::<DbResult<_>>()?,
        total,
    })
}

/// A name search without other filters, ranked and paged on the token table alone (it carries
/// the sort keys); only the persons of the page are then read.
async fn search_by_name(
    db: &Db,
    structure_id: Uuid,
    words: &[String],
    matched: &[(i64, String, Vec<String>)],
    limit: i64,
    offset: i64,
) -> DbResult<PersonPage> {
    let mut params = Params::default();
    let s = params.push(Param::Uuid(structure_id));
    let mut where_sql = String::new();
    for (i, (_, word, fuzzy)) in matched.iter().enumerate() {
        if i == 0 {
            let cond = token_condition(&mut params, "t", word, fuzzy);
            where_sql = format!("t.structure_id = {s} AND {cond}");
        } else {
            let cond = token_condition(&mut params, "t2", word, fuzzy);
            where_sql += &format!(
                " AND EXISTS (SELECT 1 FROM person_name_tokens t2 WHERE t2.person_id = t.person_id AND {cond})"
            );
        }
    }
    let where_params = params.0.len();
    let list: Vec<String> = words
        .iter()
        .map(|w| params.push(Param::Text(w.clone())))
        .collect();
    let list = list.join(", ");
    let lim = params.push(Param::Int(limit.clamp(1, 500)));
    let off = params.push(Param::Int(offset.max(0)));
    let sql = format!(
        "SELECT m.person_id, COUNT(*) OVER () AS total FROM (
            SELECT t.person_id, t.last_name_norm, t.first_names_norm,
                MIN(CASE WHEN t.last_name_norm IN ({list}) OR t.birth_name_norm IN ({list}) THEN 0 ELSE 1 END) AS exact
            FROM person_name_tokens t WHERE {where_sql}
            GROUP BY t.person_id, t.last_name_norm, t.first_names_norm
         ) m
         ORDER BY m.exact, m.last_name_norm, m.first_names_norm, m.person_id LIMIT {lim} OFFSET {off}"
    );
    let page: Vec<(Uuid, i64)> = with_pool!(db, |p| {
        bind_params!(
            sqlx::query_as::<_, (Uuid, i64)>(sqlx::AssertSqlSafe(sql)),
            params
        )
        .fetch_all(p)
        .await?
    });
    let total = match page.first() {
        Some((_, total)) => *total,
        None if offset > 0 => {
            let mut count_params = Params(params.0.clone());
            count_params.0.truncate(where_params);
            let count_sql = format!(
                "SELECT COUNT(DISTINCT t.person_id) FROM person_name_tokens t WHERE {where_sql}"
            );
            with_pool!(db, |p| {
                bind_params!(
                    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql)),
                    count_params
                )
                .fetch_one(p)
                .await?
            })
        }
        None => 0,
    };
    if page.is_empty() {
        return Ok(PersonPage {
            persons: Vec::new(),
            total,
        });
    }
    let mut params = Params::default();
    let s = params.push(Param::Uuid(structure_id));
    let ids: Vec<String> = page
        .iter()
        .map(|(id, _)| params.push(Param::Uuid(*id)))
        .collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM persons p WHERE p.structure_id = {s} AND p.id IN ({})",
        ids.join(", ")
    );
    let rows: Vec<Row> = with_pool!(db, |p| {
        bind_params!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), params)
            .fetch_all(p)
            .await?
    });
    let mut found: Vec<Person> = rows
        .into_iter()
        .map(Person::try_from)
        .collect::<DbResult<_>>()?;
    found.sort_by_key(|p| page.iter().position(|(id, _)| *id == p.id));
    Ok(PersonPage {
        persons: found,
        total,
    })
}

/// Persons who look like the one about to be saved: same normalised name (last or birth name)
/// and first names and same birth date, or same e-mail, or same phone.
pub async fn possible_duplicates(
    db: &Db,
    structure_id: Uuid,
    f: &PersonFields,
    exclude: Option<Uuid>,
) -> DbResult<Vec<Person>> {
    let mut params = Params::default();
    let s = params.push(Param::Uuid(structure_id));
    let names: Vec<String> = [Some(f.last_name_norm()), f.birth_name_norm()]
        .into_iter()
        .flatten()
        .map(|n| params.push(Param::Text(n)))
        .collect();
    let names = names.join(", ");
    let first = params.push(Param::Text(f.first_names_norm()));
    let born = params.push(Param::Date(f.birth_date));
    let mut alternatives = vec![format!(
        "((p.last_name_norm IN ({names}) OR p.birth_name_norm IN ({names})) AND p.first_names_norm = {first} AND p.birth_date = {born})"
    )];
    if let Some(e) = &f.email {
        alternatives.push(format!("p.email = {}", params.push(Param::Text(e.clone()))));
    }
    if let Some(ph) = &f.phone {
        alternatives.push(format!(
            "p.phone = {}",
            params.push(Param::Text(ph.clone()))
        ));
    }
    let mut sql = format!(
        "SELECT {COLUMNS} FROM persons p WHERE p.structure_id = {s} AND ({})",
        alternatives.join(" OR ")
    );
    if let Some(id) = exclude {
        sql += &format!(" AND p.id <> {}", params.push(Param::Uuid(id)));
    }
    sql += " ORDER BY p.last_name_norm, p.first_names_norm LIMIT 10";
    let rows: Vec<Row> = with_pool!(db, |p| {
        bind_params!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), params)
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

//! Searching the register: name words by prefix or within one typo, town, QPV and age band.
//! See `ARCHITECTURE.md` for why the name tokens live in their own table.

use passerelle_domain::persons::Person;
use passerelle_domain::persons::age::AgeBand;
use passerelle_domain::persons::name_search::{
    prefix_upper_bound, tokens, variants, within_one_typo,
};
use time::Date;
use uuid::Uuid;

use crate::persons::{COLUMNS, Row};
use crate::sql::{Sql, bind};
use crate::{Db, DbResult, sql, sql_query, with_pool};

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

#[derive(Debug, Clone, Default)]
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
    let sql = sql![
        "SELECT DISTINCT token FROM name_token_variants WHERE structure_id = ",
        bind(structure_id),
        " AND variant IN (",
        Sql::list(vs),
        ")"
    ];
    let found: Vec<String> = with_pool!(db, |p| {
        sql_query!(sqlx::query_scalar::<_, String>, sql)
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
fn token_condition(alias: &'static str, token: &str, fuzzy: &[String]) -> Sql {
    let range = sql![
        "(",
        alias,
        ".token >= ",
        bind(token),
        " AND ",
        alias,
        ".token < ",
        bind(prefix_upper_bound(token)),
        ")"
    ];
    if fuzzy.is_empty() {
        return range;
    }
    let list = Sql::list(fuzzy.iter().map(String::as_str));
    sql!["(", range, " OR ", alias, ".token IN (", list, "))"]
}

/// Matches counted to rank the searched words by rarity; counting further would only cost time.
const RARITY_CAP: usize = 5000;

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
    let sql = sql![
        "SELECT COUNT(*) FROM (SELECT 1 FROM person_name_tokens t WHERE t.structure_id = ",
        bind(structure_id),
        " AND ",
        token_condition("t", token, fuzzy),
        " LIMIT ",
        RARITY_CAP,
        ") c"
    ];
    Ok(with_pool!(db, |p| {
        sql_query!(sqlx::query_scalar::<_, i64>, sql)
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

/// Each searched word with how many names it matches and the dictionary words within one
/// typo of it; `None` when a word matches nothing (nobody can match every word).
async fn matched_words(
    db: &Db,
    structure_id: Uuid,
    words: &[String],
) -> DbResult<Option<Vec<(i64, String, Vec<String>)>>> {
    let mut matched = Vec::with_capacity(words.len());
    for w in words {
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
            return Ok(None);
        }
        matched.push((n, w.clone(), fuzzy));
    }
    Ok(Some(matched))
}

/// Searches the register of a structure: people whose name is exactly a searched word first,
/// then the others by name. Each word must match a name (last, birth or first) by prefix or
/// within one typo. The search starts from the rarest word and checks the others person by
/// person, so a common first name does not slow down a search on a rare surname.
pub async fn search(db: &Db, structure_id: Uuid, f: &PersonFilter) -> DbResult<PersonPage> {
    let words = tokens(&f.query);
    let Some(mut matched) = matched_words(db, structure_id, &words).await? else {
        return Ok(PersonPage {
            persons: Vec::new(),
            total: 0,
        });
    };
    // Rarest word first; among words too common to count, the longest.
    matched.sort_by_key(|(n, w, _)| (*n, std::cmp::Reverse(w.chars().count())));
    let name_only = f.commune_code.is_none() && f.qpv == QpvFilter::Any && f.age_band.is_none();
    if !matched.is_empty() && name_only {
        return search_by_name(db, structure_id, &words, &matched, f.limit, f.offset).await;
    }

    let where_sql = filtered_conditions(structure_id, &matched, f);
    let exact_first = if words.is_empty() {
        Sql::default()
    } else {
        let list = Sql::list(words.iter().map(String::as_str));
        sql![
            "CASE WHEN p.last_name_norm IN (",
            list.clone(),
            ") OR p.birth_name_norm IN (",
            list,
            ") THEN 0 ELSE 1 END, "
        ]
    };
    // One pass gives the page and the total (window count over every match).
    let sql = sql![
        "SELECT ",
        COLUMNS,
        ", COUNT(*) OVER () AS total FROM persons p WHERE ",
        where_sql.clone(),
        "
         ORDER BY ",
        exact_first,
        "p.last_name_norm, p.first_names_norm, p.id LIMIT ",
        bind(f.limit.clamp(1, 500)),
        " OFFSET ",
        bind(f.offset.max(0))
    ];
    let rows: Vec<RowWithTotal> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, RowWithTotal>, sql)
            .fetch_all(p)
            .await?
    });
    let total = match rows.first() {
        Some(r) => r.total,
        // A page past the end: count on its own.
        None if f.offset > 0 => {
            let count_sql = sql!["SELECT COUNT(*) FROM persons p WHERE ", where_sql];
            with_pool!(db, |p| {
                sql_query!(sqlx::query_scalar::<_, i64>, count_sql)
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

/// The conditions of a search with a town, QPV or age filter, on `persons p`: the searched
/// words (the rarest first, through the token index) and the filters.
fn filtered_conditions(
    structure_id: Uuid,
    matched: &[(i64, String, Vec<String>)],
    f: &PersonFilter,
) -> Sql {
    let mut clauses = vec![sql!["p.structure_id = ", bind(structure_id)]];
    for (i, (_, word, fuzzy)) in matched.iter().enumerate() {
        let cond = token_condition("t", word, fuzzy);
        clauses.push(if i == 0 {
            sql![
                "p.id IN (SELECT t.person_id FROM person_name_tokens t WHERE t.structure_id = ",
                bind(structure_id),
                " AND ",
                cond,
                ")"
            ]
        } else {
            sql![
                "EXISTS (SELECT 1 FROM person_name_tokens t WHERE t.person_id = p.id AND ",
                cond,
                ")"
            ]
        });
    }
    if let Some(c) = &f.commune_code {
        clauses.push(sql!["p.commune_code = ", bind(c.as_str())]);
    }
    match &f.qpv {
        QpvFilter::Any => {}
        QpvFilter::InAnyQpv => clauses.push(sql!["p.qpv_code IS NOT NULL"]),
        QpvFilter::NotInQpv => clauses.push(sql!["p.qpv_code IS NULL"]),
        QpvFilter::Code(c) => clauses.push(sql!["p.qpv_code = ", bind(c.as_str())]),
    }
    if let (Some(band), Some(on)) = (f.age_band, f.on) {
        let (earliest, latest) = band.birth_dates(on);
        if let Some(e) = earliest {
            clauses.push(sql!["p.birth_date >= ", bind(e)]);
        }
        if let Some(l) = latest {
            clauses.push(sql!["p.birth_date <= ", bind(l)]);
        }
    }
    Sql::join(clauses, " AND ")
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
    let where_sql = name_conditions(structure_id, matched);
    let list = Sql::list(words.iter().map(String::as_str));
    let sql = sql![
        "SELECT m.person_id, COUNT(*) OVER () AS total FROM (
            SELECT t.person_id, t.last_name_norm, t.first_names_norm,
                MIN(CASE WHEN t.last_name_norm IN (",
        list.clone(),
        ") OR t.birth_name_norm IN (",
        list,
        ") THEN 0 ELSE 1 END) AS exact
            FROM person_name_tokens t WHERE ",
        where_sql.clone(),
        "
            GROUP BY t.person_id, t.last_name_norm, t.first_names_norm
         ) m
         ORDER BY m.exact, m.last_name_norm, m.first_names_norm, m.person_id LIMIT ",
        bind(limit.clamp(1, 500)),
        " OFFSET ",
        bind(offset.max(0))
    ];
    let page: Vec<(Uuid, i64)> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, (Uuid, i64)>, sql)
            .fetch_all(p)
            .await?
    });
    let total = match page.first() {
        Some((_, total)) => *total,
        None if offset > 0 => {
            let count_sql = sql![
                "SELECT COUNT(DISTINCT t.person_id) FROM person_name_tokens t WHERE ",
                where_sql
            ];
            with_pool!(db, |p| {
                sql_query!(sqlx::query_scalar::<_, i64>, count_sql)
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
    Ok(PersonPage {
        persons: persons_in_order(db, structure_id, &page).await?,
        total,
    })
}

/// The conditions of a name search on `person_name_tokens t`: the rarest word through the
/// index, each other word checked person by person.
fn name_conditions(structure_id: Uuid, matched: &[(i64, String, Vec<String>)]) -> Sql {
    let mut where_sql = Sql::default();
    for (i, (_, word, fuzzy)) in matched.iter().enumerate() {
        if i == 0 {
            where_sql = sql![
                "t.structure_id = ",
                bind(structure_id),
                " AND ",
                token_condition("t", word, fuzzy)
            ];
        } else {
            where_sql.push(sql![
                " AND EXISTS (SELECT 1 FROM person_name_tokens t2 WHERE t2.person_id = t.person_id AND ",
                token_condition("t2", word, fuzzy),
                ")"
            ]);
        }
    }
    where_sql
}

/// The persons of a page, in the page's order.
async fn persons_in_order(
    db: &Db,
    structure_id: Uuid,
    page: &[(Uuid, i64)],
) -> DbResult<Vec<Person>> {
    let sql = sql![
        "SELECT ",
        COLUMNS,
        " FROM persons p WHERE p.structure_id = ",
        bind(structure_id),
        " AND p.id IN (",
        Sql::list(page.iter().map(|(id, _)| *id)),
        ")"
    ];
    let rows: Vec<Row> = with_pool!(db, |p| {
        sql_query!(sqlx::query_as::<_, Row>, sql)
            .fetch_all(p)
            .await?
    });
    let mut found: Vec<Person> = rows
        .into_iter()
        .map(Person::try_from)
        .collect::<DbResult<_>>()?;
    found.sort_by_key(|p| page.iter().position(|(id, _)| *id == p.id));
    Ok(found)
}

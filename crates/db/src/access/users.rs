//! Staff accounts, their teams, and the counters behind the sign-in lockout.

use passerelle_domain::access::USER;
use passerelle_domain::audit::{AuditAction, FieldChange};
use passerelle_domain::{Role, Team};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, DbError, DbResult, Tx, insert_audit, parse_code, with_pool, with_tx};
use crate::{sql, sql::bind, sql_query};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub structure_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub teams: Vec<Team>,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<OffsetDateTime>,
}

impl User {
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    structure_id: Uuid,
    email: String,
    display_name: String,
    role: String,
    active: bool,
    failed_logins: i64,
    locked_until: Option<OffsetDateTime>,
    password_hash: String,
}

const COLUMNS: &str = "id, structure_id, email, display_name, role, active, failed_logins, locked_until, password_hash";

async fn teams_of(db: &Db, user_id: Uuid) -> DbResult<Vec<Team>> {
    let codes: Vec<String> = with_pool!(db, |p| {
        sqlx::query_scalar("SELECT team FROM user_teams WHERE user_id = $1 ORDER BY team")
            .bind(user_id)
            .fetch_all(p)
            .await?
    });
    codes.iter().map(|c| parse_code(c)).collect()
}

async fn to_user(db: &Db, r: Row) -> DbResult<(User, String)> {
    let teams = teams_of(db, r.id).await?;
    Ok((
        User {
            id: r.id,
            structure_id: r.structure_id,
            email: r.email,
            display_name: r.display_name,
            role: parse_code(&r.role)?,
            teams,
            active: r.active,
            failed_logins: r.failed_logins,
            locked_until: r.locked_until,
        },
        r.password_hash,
    ))
}

pub struct NewUser<'a> {
    pub structure_id: Uuid,
    /// Already normalised (trimmed, lower case) by the rules of accounts.
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub teams: &'a [Team],
    pub password_hash: &'a str,
}

/// Inserts an account and its teams; an e-mail already used gives [`DbError::Duplicate`].
/// The service audits it, without the password.
pub async fn insert(tx: &mut Tx, id: Uuid, u: NewUser<'_>) -> DbResult<()> {
    let now = OffsetDateTime::now_utc();
    with_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO users (id, structure_id, email, display_name, role, password_hash, created_at, password_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id)
        .bind(u.structure_id)
        .bind(u.email)
        .bind(u.display_name)
        .bind(u.role.code())
        .bind(u.password_hash)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(DbError::from_write)?;
    });
    write_teams(tx, u.structure_id, id, u.teams).await
}

/// Replaces an account's teams.
async fn write_teams(tx: &mut Tx, structure_id: Uuid, id: Uuid, teams: &[Team]) -> DbResult<()> {
    with_tx!(tx, |c| {
        sqlx::query("DELETE FROM user_teams WHERE user_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?;
        for t in teams {
            sqlx::query("INSERT INTO user_teams (structure_id, user_id, team) VALUES ($1, $2, $3)")
                .bind(structure_id)
                .bind(id)
                .bind(t.code())
                .execute(&mut *c)
                .await?;
        }
    });
    Ok(())
}

/// An account, read inside a service's transaction.
pub async fn load(tx: &mut Tx, id: Uuid) -> DbResult<User> {
    let (row, teams): (Option<Row>, Vec<String>) = with_tx!(tx, |c| {
        let row = sql_query!(
            sqlx::query_as,
            sql!["SELECT ", COLUMNS, " FROM users WHERE id = ", bind(id)]
        )
        .fetch_optional(&mut *c)
        .await?;
        let teams =
            sqlx::query_scalar("SELECT team FROM user_teams WHERE user_id = $1 ORDER BY team")
                .bind(id)
                .fetch_all(&mut *c)
                .await?;
        (row, teams)
    });
    let r = row.ok_or(DbError::NotFound)?;
    Ok(User {
        id: r.id,
        structure_id: r.structure_id,
        email: r.email,
        display_name: r.display_name,
        role: parse_code(&r.role)?,
        teams: teams
            .iter()
            .map(|c| parse_code(c))
            .collect::<DbResult<_>>()?,
        active: r.active,
        failed_logins: r.failed_logins,
        locked_until: r.locked_until,
    })
}

pub async fn get(db: &Db, id: Uuid) -> DbResult<User> {
    let row: Option<Row> = with_pool!(db, |p| {
        sql_query!(
            sqlx::query_as,
            sql!["SELECT ", COLUMNS, " FROM users WHERE id = ", bind(id)]
        )
        .fetch_optional(p)
        .await?
    });
    let row = row.ok_or(DbError::NotFound)?;
    Ok(to_user(db, row).await?.0)
}

/// The account and its password hash, for sign-in.
pub async fn by_email(db: &Db, email: &str) -> DbResult<Option<(User, String)>> {
    let row: Option<Row> = with_pool!(db, |p| {
        sql_query!(
            sqlx::query_as,
            sql![
                "SELECT ",
                COLUMNS,
                " FROM users WHERE email = ",
                bind(email.trim().to_lowercase())
            ]
        )
        .fetch_optional(p)
        .await?
    });
    match row {
        Some(r) => Ok(Some(to_user(db, r).await?)),
        None => Ok(None),
    }
}

pub async fn password_hash(db: &Db, id: Uuid) -> DbResult<String> {
    with_pool!(db, |p| {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(DbError::NotFound)
    })
}

pub async fn list(db: &Db, structure_id: Uuid) -> DbResult<Vec<User>> {
    let rows: Vec<Row> = with_pool!(db, |p| {
        sql_query!(
            sqlx::query_as,
            sql![
                "SELECT ",
                COLUMNS,
                " FROM users WHERE structure_id = ",
                bind(structure_id),
                " ORDER BY display_name, email"
            ]
        )
        .fetch_all(p)
        .await?
    });
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(to_user(db, r).await?.0);
    }
    Ok(out)
}

/// A password check the database let through: the `nth` of the account's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckReserved {
    pub nth: i64,
}

/// Reserves one password check of the account, before the check is made: at most `max` per
/// window, whatever the concurrency, because the count and its limit are one `UPDATE`. The
/// window opens at the first check after the last one closed; the `max`-th check locks the
/// account for a whole `window` from then. `None`: the account is locked, check nothing.
/// A right password clears the count ([`clear_failed_logins`]); a wrong one keeps it.
pub async fn reserve_password_check(
    db: &Db,
    id: Uuid,
    max: i64,
    window: Duration,
) -> DbResult<Option<CheckReserved>> {
    let now = OffsetDateTime::now_utc();
    let nth: Option<i64> = with_pool!(db, |p| {
        sqlx::query_scalar(
            "UPDATE users SET
               failed_logins = CASE WHEN checks_window_until IS NULL OR checks_window_until <= $2
                                    THEN 1 ELSE failed_logins + 1 END,
               checks_window_until = CASE WHEN checks_window_until IS NULL OR checks_window_until <= $2
                                            OR failed_logins + 1 >= $4
                                          THEN $3 ELSE checks_window_until END,
               locked_until = CASE WHEN (CASE WHEN checks_window_until IS NULL OR checks_window_until <= $2
                                              THEN 1 ELSE failed_logins + 1 END) >= $4
                                   THEN $3 ELSE NULL END
             WHERE id = $1
               AND (checks_window_until IS NULL OR checks_window_until <= $2 OR failed_logins < $4)
             RETURNING failed_logins",
        )
        .bind(id)
        .bind(now)
        .bind(now + window)
        .bind(max)
        .fetch_optional(p)
        .await?
    });
    Ok(nth.map(|nth| CheckReserved { nth }))
}

/// Records that a wrong password used the account's last check of the window: the account
/// is locked until `until` (as the interface writes it). Audited as done by no one: the
/// attempt is not signed in.
pub async fn record_lock(db: &Db, user: &User, until: &str) -> DbResult<()> {
    let change = [FieldChange {
        field: "locked_until".to_owned(),
        before: None,
        after: Some(until.to_owned()),
    }];
    with_pool!(db, |p| {
        insert_audit!(p, structure: user.structure_id, user: None::<Uuid>, AuditAction::Update, USER.code, user.id, &change)?;
    });
    Ok(())
}

/// A right password: the account's checks start again from zero.
pub async fn clear_failed_logins(db: &Db, id: Uuid) -> DbResult<()> {
    with_pool!(db, |p| {
        sqlx::query(
            "UPDATE users SET failed_logins = 0, checks_window_until = NULL, locked_until = NULL
             WHERE id = $1",
        )
        .bind(id)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// What a new password closed: the account's sessions and API tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordChanged {
    pub sessions_closed: u64,
    pub tokens_revoked: u64,
}

/// Sets a new password hash, unlocks the account, and closes its sessions and API tokens (a
/// token must not outlive the password of the account it acts as); the service audits it.
pub async fn set_password(tx: &mut Tx, id: Uuid, password_hash: &str) -> DbResult<PasswordChanged> {
    let now = OffsetDateTime::now_utc();
    with_tx!(tx, |c| {
        let done = sqlx::query(
            "UPDATE users SET password_hash = $2, password_changed_at = $3, failed_logins = 0,
                    checks_window_until = NULL, locked_until = NULL
             WHERE id = $1",
        )
        .bind(id)
        .bind(password_hash)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(DbError::NotFound);
        }
        let sessions_closed = sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected();
        let tokens_revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected();
        Ok(PasswordChanged {
            sessions_closed,
            tokens_revoked,
        })
    })
}

/// Changes the role, teams and active flag of an account of the structure
/// ([`DbError::NotFound`] otherwise); the service audits it.
pub async fn update_rights(
    tx: &mut Tx,
    structure_id: Uuid,
    id: Uuid,
    role: Role,
    teams: &[Team],
    active: bool,
) -> DbResult<()> {
    let done = with_tx!(tx, |c| {
        sqlx::query(
            "UPDATE users SET role = $3, active = $4, version = version + 1 WHERE id = $1 AND structure_id = $2",
        )
        .bind(id)
        .bind(structure_id)
        .bind(role.code())
        .bind(active)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if done == 0 {
        return Err(DbError::NotFound);
    }
    write_teams(tx, structure_id, id, teams).await
}

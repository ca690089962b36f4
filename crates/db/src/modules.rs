//! The business modules of the storage layer and what each registers for the others: the
//! records of theirs that refer to a person. Whether a person's record may be deleted is
//! answered from this list, not by the persons module knowing the others' tables; adding a
//! module is one line in [`MODULES`].

use uuid::Uuid;

use crate::sql::{Sql, bind};
use crate::{DbResult, Tx, sql, sql_query, with_tx};

/// Records of one table that refer to a person (`person_id`) and keep their record: they
/// count in the activity reports.
#[derive(Debug, Clone, Copy)]
pub struct PersonReference {
    /// A table name, written here as a constant: the query below is built only from these.
    pub table: &'static str,
    /// How the refusal names these records (« des parcours »).
    pub label: &'static str,
}

/// What a module registers.
pub struct StorageModule {
    /// The module's name, the same in every layer.
    pub name: &'static str,
    pub person_references: &'static [PersonReference],
}

pub const MODULES: &[StorageModule] = &[
    crate::persons::MODULE,
    crate::pathways::MODULE,
    crate::reports::MODULE,
    crate::access::MODULE,
    crate::territory::MODULE,
    crate::audit::MODULE,
];

/// The kinds of record that still refer to `person_id`, as their modules name them; read in
/// the transaction that would delete the person.
pub async fn references_to_person(tx: &mut Tx, person_id: Uuid) -> DbResult<Vec<&'static str>> {
    let refs: Vec<&PersonReference> = MODULES
        .iter()
        .flat_map(|m| m.person_references.iter())
        .collect();
    if refs.is_empty() {
        return Ok(Vec::new());
    }
    let counts = Sql::join(
        refs.iter().map(|r| {
            sql![
                "(SELECT COUNT(*) FROM ",
                r.table,
                " WHERE person_id = ",
                bind(person_id),
                ")"
            ]
        }),
        ", ",
    );
    let sql = sql!["SELECT ", counts];
    let counts: Vec<i64> = with_tx!(tx, |c| {
        use sqlx::Row;
        let row = sql_query!(sqlx::query, sql).fetch_one(&mut *c).await?;
        (0..refs.len())
            .map(|i| row.try_get::<i64, _>(i))
            .collect::<Result<_, _>>()?
    });
    Ok(refs
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(r, _)| r.label)
        .collect())
}

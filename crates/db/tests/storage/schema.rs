//! The two migration folders build the same schema: tables, columns and their nullability,
//! and the indexes created by hand (name, table, uniqueness, partial or not, key columns in
//! order). Shipped migrations are never edited: their checksums are held here, so that a change
//! to one is a failing test, and a new one is added here on purpose.

use std::collections::BTreeSet;

use passerelle_db::{Db, with_pool};

/// A column: (table, column, nullable).
type Column = (String, String, bool);
/// An index: (name, table, unique, partial, key columns joined by `,`).
type Index = (String, String, bool, bool, String);

#[derive(Debug, PartialEq, Eq)]
struct Schema {
    tables: BTreeSet<String>,
    columns: BTreeSet<Column>,
    indexes: BTreeSet<Index>,
}

async fn sqlite_schema(db: &Db) -> Schema {
    let Db::Sqlite(p) = db else {
        unreachable!("a SQLite base")
    };
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(p)
    .await
    .unwrap();
    let mut columns = BTreeSet::new();
    let mut indexes = BTreeSet::new();
    for t in &tables {
        let cols: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT name, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(t)
                .fetch_all(p)
                .await
                .unwrap();
        // A key column is never null, as on PostgreSQL (SQLite's legacy rule would allow it).
        columns.extend(
            cols.into_iter()
                .map(|(c, notnull, pk)| (t.clone(), c, notnull == 0 && pk == 0)),
        );
        let list: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT name, \"unique\", partial FROM pragma_index_list($1) WHERE origin = 'c'",
        )
        .bind(t)
        .fetch_all(p)
        .await
        .unwrap();
        for (name, unique, partial) in list {
            let keys: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(p)
                    .await
                    .unwrap();
            let keys = keys
                .into_iter()
                .map(|k| k.unwrap_or_else(|| "(expression)".into()));
            indexes.insert((
                name,
                t.clone(),
                unique == 1,
                partial == 1,
                keys.collect::<Vec<_>>().join(","),
            ));
        }
    }
    Schema {
        tables: tables.into_iter().collect(),
        columns,
        indexes,
    }
}

async fn postgres_schema(db: &Db) -> Schema {
    let Db::Postgres(p) = db else {
        unreachable!("a PostgreSQL base")
    };
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(p)
    .await
    .unwrap();
    let cols: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable = 'YES' FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(p)
    .await
    .unwrap();
    // Indexes created by hand: not those behind a primary key or a UNIQUE constraint (SQLite
    // names those itself). INCLUDE columns are not keys.
    let indexes: Vec<(String, String, bool, bool, String)> = sqlx::query_as(
        "SELECT ic.relname::text, tc.relname::text, ix.indisunique, ix.indpred IS NOT NULL,
                string_agg(COALESCE(a.attname::text, '(expression)'), ',' ORDER BY k.ord)
         FROM pg_index ix
         JOIN pg_class ic ON ic.oid = ix.indexrelid
         JOIN pg_class tc ON tc.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = tc.relnamespace
         CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum AND k.attnum > 0
         WHERE n.nspname = current_schema() AND k.ord <= ix.indnkeyatts
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
         GROUP BY ic.relname, tc.relname, ix.indisunique, ix.indpred",
    )
    .fetch_all(p)
    .await
    .unwrap();
    Schema {
        tables: tables.into_iter().collect(),
        columns: cols.into_iter().collect(),
        indexes: indexes.into_iter().collect(),
    }
}

/// What one schema has and the other has not, readably.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    fn side<T: Ord + std::fmt::Debug>(what: &str, a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<String> {
        let only_a = a
            .difference(b)
            .map(|x| format!("{what} only on SQLite: {x:?}"));
        let only_b = b
            .difference(a)
            .map(|x| format!("{what} only on PostgreSQL: {x:?}"));
        only_a.chain(only_b).collect()
    }
    let mut out = side("table", &sqlite.tables, &postgres.tables);
    out.extend(side("column", &sqlite.columns, &postgres.columns));
    out.extend(side("index", &sqlite.indexes, &postgres.indexes));
    out
}

#[tokio::test]
async fn both_engines_migrate_to_the_same_schema() {
    let Some(pg) = crate::postgres().await else {
        return;
    };
    let sqlite = sqlite_schema(&crate::sqlite().await).await;
    let postgres = postgres_schema(&pg).await;
    assert!(
        sqlite.tables.len() > 20,
        "the SQLite schema was read: {:?}",
        sqlite.tables
    );
    let diff = differences(&sqlite, &postgres);
    assert!(
        diff.is_empty(),
        "the migrations differ:\n{}",
        diff.join("\n")
    );
}

/// SHA-384 of each shipped migration file, as sqlx checks them: `engine version checksum`.
const SHIPPED: &str = include_str!("../../migrations/checksums.txt");

fn shipped(engine: &str) -> Vec<(i64, String)> {
    SHIPPED
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (e, v, sum) = (f.next()?, f.next()?, f.next()?);
            (e == engine).then(|| (v.parse().ok(), sum.to_owned()))
        })
        .map(|(v, sum)| (v.unwrap_or_default(), sum))
        .collect()
}

/// The migrations a base ran, with their checksums: (version, checksum in hex).
async fn applied(db: &Db) -> Vec<(i64, String)> {
    let rows: Vec<(i64, Vec<u8>)> = with_pool!(db, |p| {
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(p)
            .await
            .unwrap()
    });
    rows.into_iter()
        .map(|(v, sum)| (v, sum.iter().map(|b| format!("{b:02x}")).collect()))
        .collect()
}

#[tokio::test]
async fn shipped_migrations_are_never_edited() {
    let mut bases = vec![("sqlite", crate::sqlite().await)];
    if let Some(pg) = crate::postgres().await {
        bases.push(("postgres", pg));
    }
    for (engine, db) in bases {
        let held = shipped(engine);
        assert!(held.len() >= 12, "{engine}: checksums.txt was read");
        assert_eq!(
            applied(&db).await,
            held,
            "{engine}: a shipped migration was edited, or a new one is not listed in migrations/checksums.txt (add its `sha384sum`)"
        );
    }
}

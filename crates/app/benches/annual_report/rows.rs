//! Generated rows written in multi-row INSERTs, and the deterministic ids and weighted draws
//! of the benchmark's generator.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One bound value of a generated row.
pub enum V {
    Null,
    Int(i64),
    Real(f64),
    Text(&'static str),
    Day(Date),
    Id(Uuid),
    At(OffsetDateTime),
}

pub fn day(d: Option<Date>) -> V {
    d.map_or(V::Null, V::Day)
}

/// Rows waiting for one table, written as multi-row INSERTs.
pub struct Table {
    name: &'static str,
    head: String,
    width: usize,
    values: Vec<V>,
    pub rows: u64,
}

impl Table {
    pub fn new(name: &'static str, columns: &str) -> Table {
        Table {
            name,
            head: format!("INSERT INTO {name} ({columns}) "),
            width: columns.split(',').count(),
            values: Vec::new(),
            rows: 0,
        }
    }

    pub fn push<const N: usize>(&mut self, row: [V; N]) {
        assert_eq!(N, self.width, "{}: row width", self.name);
        self.values.extend(row);
        self.rows += 1;
    }

    pub async fn flush(&mut self, conn: &mut SqliteConnection) -> sqlx::Result<()> {
        // Below SQLite's bound of 32 766 parameters per statement.
        let rows_per_statement = 20_000 / self.width;
        for chunk in self.values.chunks(rows_per_statement * self.width) {
            let mut qb = QueryBuilder::<Sqlite>::new(self.head.clone());
            qb.push_values(chunk.chunks(self.width), |mut b, row| {
                for v in row {
                    match v {
                        V::Null => b.push_bind(None::<i64>),
                        V::Int(i) => b.push_bind(*i),
                        V::Real(r) => b.push_bind(*r),
                        V::Text(t) => b.push_bind(*t),
                        V::Day(d) => b.push_bind(*d),
                        V::Id(u) => b.push_bind(*u),
                        V::At(t) => b.push_bind(*t),
                    };
                }
            });
            qb.build().execute(&mut *conn).await?;
        }
        self.values.clear();
        Ok(())
    }
}

/// A deterministic id, increasing within a table (like the UUIDv7 the app writes): version and
/// variant bits set, the table's tag on top.
pub fn id(tag: u16, n: u64) -> Uuid {
    Uuid::from_u128((u128::from(tag) << 112) | (0x7 << 76) | (0x8 << 60) | u128::from(n))
}

pub fn weighted<T: Copy>(rng: &mut fastrand::Rng, items: &[(T, u32)]) -> T {
    let mut n = rng.u32(..items.iter().map(|i| i.1).sum::<u32>());
    for &(item, w) in items {
        if n < w {
            return item;
        }
        n -= w;
    }
    items[0].0
}

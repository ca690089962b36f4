//! Every difference between the two engines' SQL text lives here: queries are written once in
//! the SQL both accept, and ask the [`Dialect`] for the few expressions they spell apart (date
//! arithmetic, a length in months, an age, the float type). Compiling a query takes a
//! `Dialect`, not a connection, so it can be compiled and compared without a database.

use crate::sql::Sql;
use crate::{Db, Tx, sql};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Db {
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }
}

impl Tx {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }
}

impl Dialect {
    pub const ALL: [Dialect; 2] = [Dialect::Sqlite, Dialect::Postgres];

    /// A short lowercase name, for file names.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// The type a float is cast to.
    pub fn float_type(self) -> &'static str {
        match self {
            Dialect::Sqlite => "REAL",
            Dialect::Postgres => "DOUBLE PRECISION",
        }
    }

    /// The months from date `from` to date `to` (columns), computed from days (÷ 30.4375, the
    /// mean length of a month over four years), so that a mean is not biased by truncated
    /// months.
    pub fn months_expr(self, from: &'static str, to: &'static str) -> Sql {
        match self {
            Dialect::Sqlite => sql!["((julianday(", to, ") - julianday(", from, ")) / 30.4375)"],
            Dialect::Postgres => {
                sql![
                    "(CAST(",
                    to,
                    " - ",
                    from,
                    " AS DOUBLE PRECISION) / 30.4375)"
                ]
            }
        }
    }

    /// [`Dialect::months_expr`] as French text with one decimal ("30,2 mois").
    pub fn months_text_expr(self, from: &'static str, to: &'static str) -> Sql {
        let months = self.months_expr(from, to);
        match self {
            Dialect::Sqlite => sql!["REPLACE(printf('%.1f', ", months, "), '.', ',') || ' mois'"],
            Dialect::Postgres => {
                sql![
                    "REPLACE(to_char(",
                    months,
                    ", 'FM9999990.0'), '.', ',') || ' mois'"
                ]
            }
        }
    }

    /// Age in whole years on date `on` of someone born on `birth` (columns).
    pub fn age_at_expr(self, birth: &'static str, on: &'static str) -> Sql {
        match self {
            Dialect::Sqlite => sql![
                "(CAST(strftime('%Y', ",
                on,
                ") AS INTEGER) - CAST(strftime('%Y', ",
                birth,
                ") AS INTEGER) - CASE WHEN strftime('%m-%d', ",
                on,
                ") < strftime('%m-%d', ",
                birth,
                ") THEN 1 ELSE 0 END)"
            ],
            Dialect::Postgres => sql![
                "(EXTRACT(YEAR FROM ",
                on,
                ") - EXTRACT(YEAR FROM ",
                birth,
                ") - CASE WHEN to_char(",
                on,
                ", 'MM-DD') < to_char(",
                birth,
                ", 'MM-DD') THEN 1 ELSE 0 END)"
            ],
        }
    }

    /// The date twelve months before date `on` (a column).
    pub fn year_before_expr(self, on: &'static str) -> Sql {
        match self {
            Dialect::Sqlite => sql!["date(", on, ", '-12 months')"],
            Dialect::Postgres => sql!["(", on, " - INTERVAL '12 months')"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_spells_its_own_date_arithmetic() {
        assert_eq!(
            Dialect::Sqlite.year_before_expr("e.entered_on").text(),
            "date(e.entered_on, '-12 months')"
        );
        assert_eq!(
            Dialect::Postgres.year_before_expr("e.entered_on").text(),
            "(e.entered_on - INTERVAL '12 months')"
        );
        assert_eq!(
            Dialect::Postgres
                .months_expr("e.entered_on", "e.exited_on")
                .text(),
            "(CAST(e.exited_on - e.entered_on AS DOUBLE PRECISION) / 30.4375)"
        );
    }
}

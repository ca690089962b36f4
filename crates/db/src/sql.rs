//! The one way to build SQL at run time: a [`Sql`] value grows only by `&'static str`
//! fragments written in the source, bound values ([`Param`]), whole numbers, and other `Sql`
//! values. No `String` can enter it, so no value typed by a user or read from a file can become
//! SQL text: [`Sql::into_query`], the crate's only `AssertSqlSafe` for dynamic SQL, is safe by
//! construction. Placeholders (`$1`, `$2`…, which both engines accept) are numbered when the
//! text is rendered, so that pieces built apart (a scope condition, a filter) compose in any
//! order without renumbering by hand.
//!
//! Why our own and not `sea-query` (1.0, reachable in the registry, about 12 s to build on two
//! cores): the report queries lean on what a portable builder covers only as raw text
//! (`MATERIALIZED` CTEs, window functions, correlated subqueries with `ORDER BY … LIMIT`, the
//! dialect expressions), so most of it would be `Expr::cust` strings again, and its sqlx
//! binding follows its own sqlx release. A hundred lines here keep the SQL readable as SQL.

use crate::params::Param;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(&'static str),
    Value(Param),
    Number(usize),
}

/// SQL text with its bound values, built from pieces that cannot carry SQL from outside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sql {
    parts: Vec<Part>,
}

/// What may be appended to a [`Sql`]: static text, a bound value, a whole number, another `Sql`.
pub trait SqlPart {
    fn append_to(self, sql: &mut Sql);
}

impl SqlPart for &'static str {
    fn append_to(self, sql: &mut Sql) {
        if !self.is_empty() {
            sql.parts.push(Part::Text(self));
        }
    }
}

impl SqlPart for Param {
    fn append_to(self, sql: &mut Sql) {
        sql.parts.push(Part::Value(self));
    }
}

/// A whole number written into the text (a column's index, a cap): digits only.
impl SqlPart for usize {
    fn append_to(self, sql: &mut Sql) {
        sql.parts.push(Part::Number(self));
    }
}

impl SqlPart for Sql {
    fn append_to(self, sql: &mut Sql) {
        sql.parts.extend(self.parts);
    }
}

impl SqlPart for &Sql {
    fn append_to(self, sql: &mut Sql) {
        sql.parts.extend(self.parts.iter().cloned());
    }
}

/// A bound value, as a part of a [`Sql`]: `sql!["e.id = ", bind(id)]`.
pub fn bind(value: impl Into<Param>) -> Param {
    value.into()
}

/// Builds a [`Sql`] from parts in order: `sql!["a.id = ", bind(id), " AND ", other]`.
#[macro_export]
macro_rules! sql {
    ($($part:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut s = $crate::sql::Sql::default();
        $( s.push($part); )*
        s
    }};
}

impl Sql {
    pub fn new(text: &'static str) -> Sql {
        let mut s = Sql::default();
        s.push(text);
        s
    }

    /// Appends a part; returns `self` for chaining.
    pub fn push(&mut self, part: impl SqlPart) -> &mut Sql {
        part.append_to(self);
        self
    }

    /// The parts joined by `separator`.
    pub fn join(items: impl IntoIterator<Item = Sql>, separator: &'static str) -> Sql {
        let mut out = Sql::default();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(separator);
            }
            out.push(item);
        }
        out
    }

    /// Values as a comma-separated list of placeholders, for `IN (…)`.
    pub fn list<T: Into<Param>>(values: impl IntoIterator<Item = T>) -> Sql {
        Sql::join(values.into_iter().map(|v| sql![bind(v)]), ", ")
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The text with its placeholders numbered in order (`$1`, `$2`…).
    pub fn text(&self) -> String {
        let mut text = String::new();
        let mut n = 0;
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Value(_) => {
                    n += 1;
                    text.push('$');
                    text.push_str(&n.to_string());
                }
                Part::Number(k) => text.push_str(&k.to_string()),
            }
        }
        text
    }

    /// The bound values, in the order of their placeholders.
    pub fn values(&self) -> impl Iterator<Item = &Param> {
        self.parts.iter().filter_map(|p| match p {
            Part::Value(v) => Some(v),
            _ => None,
        })
    }

    /// The text for sqlx and the values to bind, in order: use [`crate::sql_query!`].
    pub fn into_query(self) -> (sqlx::AssertSqlSafe<String>, Vec<Param>) {
        let text = self.text();
        let values = self
            .parts
            .into_iter()
            .filter_map(|p| match p {
                Part::Value(v) => Some(v),
                _ => None,
            })
            .collect();
        // Safe: the text is made only of `&'static str` fragments, numbers and placeholders.
        (sqlx::AssertSqlSafe(text), values)
    }
}

/// A sqlx query from a [`Sql`] with its values bound:
/// `sql_query!(sqlx::query_as::<_, Row>, sql).fetch_all(pool)`.
#[macro_export]
macro_rules! sql_query {
    ($make:expr, $sql:expr) => {{
        let (text, values) = $crate::sql::Sql::into_query($sql);
        let mut q = $make(text);
        for v in values {
            q = $crate::bind_param!(q, v);
        }
        q
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_of_the_text() {
        let cond = sql![
            "b = ",
            bind(2i64),
            " AND c IN (",
            Sql::list(["x", "y"]),
            ")"
        ];
        let q = sql![
            "SELECT ",
            3usize,
            " FROM t WHERE a = ",
            bind(1i64),
            " AND ",
            cond
        ];
        assert_eq!(
            q.text(),
            "SELECT 3 FROM t WHERE a = $1 AND b = $2 AND c IN ($3, $4)"
        );
        assert_eq!(
            q.values().cloned().collect::<Vec<_>>(),
            vec![
                Param::Int(1),
                Param::Int(2),
                Param::Text("x".into()),
                Param::Text("y".into())
            ]
        );
    }

    #[test]
    fn a_joined_empty_list_is_empty() {
        assert!(Sql::join(Vec::new(), " AND ").is_empty());
        assert_eq!(Sql::join([sql!["a"], sql!["b"]], " OR ").text(), "a OR b");
    }
}

//! Dates in JSON as ISO strings (`"2021-02-01"`), the form the API documents, instead of
//! `time`'s default `[year, day of year]` pair. Reading accepts both, since programme
//! settings stored before this change hold pairs.

use serde::{Deserialize, Deserializer, Serializer};
use time::Date;

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Text(String),
    Pair(i32, u16),
}

fn from_stored<E: serde::de::Error>(s: Stored) -> Result<Date, E> {
    match s {
        Stored::Text(t) => {
            crate::french::read_date(&t).ok_or_else(|| E::custom("date attendue AAAA-MM-JJ"))
        }
        Stored::Pair(year, ordinal) => Date::from_ordinal_date(year, ordinal).map_err(E::custom),
    }
}

pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    from_stored(Stored::deserialize(d)?)
}

/// The same for an optional date (`null` when absent).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<Stored>::deserialize(d)?
            .map(from_stored)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct T {
        #[serde(with = "super")]
        on: time::Date,
        #[serde(with = "super::option", default)]
        until: Option<time::Date>,
    }

    #[test]
    fn written_as_iso_read_from_both_forms() -> Result<(), serde_json::Error> {
        let t = T {
            on: date!(2001 - 11 - 25),
            until: None,
        };
        assert_eq!(
            serde_json::to_string(&t)?,
            r#"{"on":"2001-11-25","until":null}"#
        );
        let old: T = serde_json::from_str(r#"{"on":[2015,1],"until":[2015,32]}"#)?;
        assert_eq!(old.on, date!(2015 - 01 - 01));
        assert_eq!(old.until, Some(date!(2015 - 02 - 01)));
        assert_eq!(
            serde_json::from_str::<T>(r#"{"on":"2001-11-25"}"#)?.until,
            None
        );
        Ok(())
    }
}

//! The one clock. "Today" is the date in Europe/Paris, where the MiE works, whatever the
//! server's time zone: at 00:30 in Roubaix it is already tomorrow for an exit or a committee,
//! while UTC still says yesterday. The time-zone rules ship inside the binary (jiff's bundled
//! database). This is the only place that reads the system clock; rules take `today` as a
//! parameter.

use time::{Date, Month, OffsetDateTime};

/// Today in Paris.
pub fn today() -> Date {
    paris_date(OffsetDateTime::now_utc())
}

/// The date in Paris at instant `t`.
pub fn paris_date(t: OffsetDateTime) -> Date {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let local = jiff::Timestamp::from_second(t.unix_timestamp())
        .map(|ts| ts.to_zoned_datetime(paris).date())
        .ok();
    local
        .and_then(|d| {
            let month = Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
            Date::from_calendar_date(i32::from(d.year()), month, u8::try_from(d.day()).ok()?).ok()
        })
        .unwrap_or_else(|| t.date())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_day_changes_at_midnight_in_paris_not_in_utc() {
        // Summer (UTC+2) and winter (UTC+1).
        assert_eq!(
            paris_date(datetime!(2021-06-30 22:30 UTC)),
            date!(2021 - 07 - 01)
        );
        assert_eq!(
            paris_date(datetime!(2021-06-30 21:59 UTC)),
            date!(2021 - 06 - 30)
        );
        assert_eq!(
            paris_date(datetime!(2021-12-31 23:30 UTC)),
            date!(2022 - 01 - 01)
        );
        assert_eq!(
            paris_date(datetime!(2021-12-31 22:59 UTC)),
            date!(2021 - 12 - 31)
        );
    }
}

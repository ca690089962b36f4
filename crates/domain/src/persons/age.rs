//! Age at a date and the age bands used in filters and reports.

use time::Date;

/// Age in completed years at `on`, as the law counts it (a person born on 29 February turns a
/// year older on 1 March in non-leap years).
pub fn age_at(birth: Date, on: Date) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years
}

/// The age bands of the register's filters and of the activity report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgeBand {
    Under26,
    From26To44,
    From45To49,
    Over50,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [
        AgeBand::Under26,
        AgeBand::From26To44,
        AgeBand::From45To49,
        AgeBand::Over50,
    ];

    pub fn of_age(age: i32) -> AgeBand {
        match age {
            ..26 => AgeBand::Under26,
            26..45 => AgeBand::From26To44,
            45..50 => AgeBand::From45To49,
            _ => AgeBand::Over50,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            AgeBand::Under26 => "moins-26",
            AgeBand::From26To44 => "26-44",
            AgeBand::From45To49 => "45-49",
            AgeBand::Over50 => "50-plus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeBand::Under26 => "Moins de 26 ans",
            AgeBand::From26To44 => "26 à 44 ans",
            AgeBand::From45To49 => "45 à 49 ans",
            AgeBand::Over50 => "50 ans et plus",
        }
    }

    pub fn from_code(code: &str) -> Option<AgeBand> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    /// Inclusive range of ages of the band (the last one is open-ended).
    pub fn ages(self) -> (i32, Option<i32>) {
        match self {
            AgeBand::Under26 => (0, Some(25)),
            AgeBand::From26To44 => (26, Some(44)),
            AgeBand::From45To49 => (45, Some(49)),
            AgeBand::Over50 => (50, None),
        }
    }

    /// The birth dates of the people in the band on `on`, as an inclusive range
    /// `(born_on_or_after, born_on_or_before)`, so that storage can filter with an index.
    pub fn birth_dates(self, on: Date) -> (Option<Date>, Option<Date>) {
        let (min_age, max_age) = self.ages();
        // Born on or before `on - min_age years` is at least `min_age` old.
        let latest = shift_years(on, -min_age);
        // Younger than `max_age + 1`: born after `on - (max_age + 1) years`.
        let earliest = max_age.and_then(|m| shift_years(on, -(m + 1))?.next_day());
        (earliest, latest)
    }
}

/// The same calendar day `years` later (29 February falls back to 28 February).
fn shift_years(d: Date, years: i32) -> Option<Date> {
    let y = d.year() + years;
    Date::from_calendar_date(y, d.month(), d.day())
        .or_else(|_| Date::from_calendar_date(y, d.month(), d.day() - 1))
        .ok()
}

crate::codes::coded!(AgeBand, &AgeBand::ALL);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn birthday_counts_on_the_day() {
        assert_eq!(age_at(date!(2000 - 06 - 15), date!(2026 - 06 - 14)), 25);
        assert_eq!(age_at(date!(2000 - 06 - 15), date!(2026 - 06 - 15)), 26);
    }

    #[test]
    fn leap_day_birth() {
        assert_eq!(age_at(date!(2004 - 02 - 29), date!(2022 - 02 - 28)), 17);
        assert_eq!(age_at(date!(2004 - 02 - 29), date!(2022 - 03 - 01)), 18);
    }

    proptest! {
        #[test]
        fn birth_date_range_matches_age_band(days in 0i64..40_000, band_ix in 0usize..4) {
            let on = date!(2026 - 11 - 29);
            let birth = on - time::Duration::days(days);
            let band = AgeBand::ALL[band_ix];
            let (earliest, latest) = band.birth_dates(on);
            let in_range = earliest.is_none_or(|e| birth >= e) && latest.is_none_or(|l| birth <= l);
            prop_assert_eq!(in_range, AgeBand::of_age(age_at(birth, on)) == band);
        }
    }
}

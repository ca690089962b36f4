//! Calendar months, as the rules count them ("6 months continuous", "36 months maximum").

use time::{Date, Month};

/// The same day `months` later; the 31st becomes the last day of a shorter month.
pub fn add_months(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months;
    let year = total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// Whole calendar months from `from` to `to` (0 if `to` is before `from`).
pub fn months_between(from: Date, to: Date) -> i32 {
    let mut m = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    if m > 0 && add_months(from, m) > to {
        m -= 1;
    }
    m.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn month_ends() {
        assert_eq!(add_months(date!(2021 - 01 - 31), 1), date!(2021 - 02 - 28));
        assert_eq!(add_months(date!(2021 - 08 - 15), 6), date!(2022 - 02 - 15));
        assert_eq!(add_months(date!(2021 - 03 - 01), -3), date!(2020 - 12 - 01));
        assert_eq!(
            months_between(date!(2021 - 01 - 15), date!(2021 - 07 - 14)),
            5
        );
        assert_eq!(
            months_between(date!(2021 - 01 - 15), date!(2021 - 07 - 15)),
            6
        );
    }

    proptest! {
        #[test]
        fn adding_then_counting_gives_back_the_months(days in 0i64..20_000, m in 0i32..60) {
            let d = date!(1990 - 01 - 01) + time::Duration::days(days);
            let later = add_months(d, m);
            prop_assert!(months_between(d, later) >= m - 1);
            prop_assert!(months_between(d, later) <= m);
            if d.day() <= 28 {
                prop_assert_eq!(months_between(d, later), m);
            }
        }
    }
}

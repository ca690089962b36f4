//! The maximum duration of a pathway (PLIE: 36 months, a programme setting) and the alert
//! before it is reached.

use time::Date;

use super::calendar::add_months;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationStatus {
    Within {
        ends_on: Date,
    },
    /// Within the alert window: the referent prepares the exit.
    Approaching {
        ends_on: Date,
    },
    Reached {
        ends_on: Date,
    },
}

/// Where a pathway that started on `entry` stands on `on`, for a maximum of `max_months` and an
/// alert `alert_months` before.
pub fn duration_status(
    entry: Date,
    on: Date,
    max_months: i32,
    alert_months: i32,
) -> DurationStatus {
    let ends_on = add_months(entry, max_months);
    if on >= ends_on {
        DurationStatus::Reached { ends_on }
    } else if on >= add_months(ends_on, -alert_months) {
        DurationStatus::Approaching { ends_on }
    } else {
        DurationStatus::Within { ends_on }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_36_month_alert() {
        let entry = date!(2019 - 03 - 15);
        assert_eq!(
            duration_status(entry, date!(2021 - 12 - 14), 36, 3),
            DurationStatus::Within {
                ends_on: date!(2022 - 03 - 15)
            }
        );
        assert_eq!(
            duration_status(entry, date!(2021 - 12 - 15), 36, 3),
            DurationStatus::Approaching {
                ends_on: date!(2022 - 03 - 15)
            }
        );
        assert_eq!(
            duration_status(entry, date!(2022 - 03 - 15), 36, 3),
            DurationStatus::Reached {
                ends_on: date!(2022 - 03 - 15)
            }
        );
    }
}

//! Small-count suppression for public exports: no cell under the threshold is shown (primary
//! suppression), and when a breakdown hides a single cell, the next smallest one is hidden too
//! so that no hidden value can be recomputed from the total (secondary suppression).

/// The default threshold: counts of 1 to 4 are never published.
pub const DEFAULT_THRESHOLD: i64 = 5;

/// A published cell: its value, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Published {
    Shown(i64),
    Hidden(Hidden),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Hidden {
    /// `true` when hidden only to protect another cell.
    pub secondary: bool,
}

/// Whether a count may be shown on its own: zero, or at least the threshold.
pub fn publishable(value: i64, threshold: i64) -> bool {
    value == 0 || value >= threshold
}

/// Suppresses the cells of one breakdown whose total is shown.
pub fn suppress(cells: &[i64], threshold: i64) -> Vec<Published> {
    let mut out: Vec<Published> = cells
        .iter()
        .map(|&v| {
            if publishable(v, threshold) {
                Published::Shown(v)
            } else {
                Published::Hidden(Hidden { secondary: false })
            }
        })
        .collect();
    let hidden = out
        .iter()
        .filter(|c| matches!(c, Published::Hidden(_)))
        .count();
    if hidden == 1 {
        // Total minus the shown cells would give the hidden one: hide the smallest shown
        // non-zero cell too (a zero tells nothing about the hidden one's value beyond itself).
        let partner = cells
            .iter()
            .enumerate()
            .filter(|(i, v)| matches!(out[*i], Published::Shown(_)) && **v > 0)
            .min_by_key(|(_, v)| **v)
            .map(|(i, _)| i);
        // Without such a cell the hidden one equals the total, which is then itself under the
        // threshold: callers hide the total when `total_publishable` says so.
        if let Some(i) = partner {
            out[i] = Published::Hidden(Hidden { secondary: true });
        }
    }
    out
}

/// Whether the total of a breakdown may be shown.
pub fn total_publishable(total: i64, threshold: i64) -> bool {
    publishable(total, threshold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_cells_are_hidden_and_protected() {
        let out = suppress(&[389, 21, 4], 5);
        assert_eq!(out[0], Published::Shown(389));
        assert_eq!(out[2], Published::Hidden(Hidden { secondary: false }));
        assert_eq!(
            out[1],
            Published::Hidden(Hidden { secondary: true }),
            "21 would give 414 − 389 − 21 = 4"
        );
    }

    #[test]
    fn zeros_are_shown() {
        assert_eq!(
            suppress(&[0, 12], 5),
            vec![Published::Shown(0), Published::Shown(12)]
        );
    }

    proptest! {
        #[test]
        fn no_published_cell_is_under_the_threshold(cells in proptest::collection::vec(0i64..40, 1..8), k in 2i64..10) {
            for p in suppress(&cells, k) {
                if let Published::Shown(v) = p {
                    prop_assert!(v == 0 || v >= k);
                }
            }
        }

        #[test]
        fn a_hidden_cell_is_never_alone_when_another_can_hide_it(cells in proptest::collection::vec(0i64..40, 2..8), k in 2i64..10) {
            let out = suppress(&cells, k);
            let hidden = out.iter().filter(|c| matches!(c, Published::Hidden(_))).count();
            let others_nonzero = cells.iter().filter(|v| **v >= k).count();
            if hidden == 1 {
                // Only possible when no other non-zero cell exists: then the total equals the
                // hidden cell and is itself under the threshold.
                prop_assert_eq!(others_nonzero, 0);
                let total: i64 = cells.iter().sum();
                prop_assert!(!total_publishable(total, k));
            }
        }
    }
}

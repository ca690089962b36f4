//! Small-count suppression for public exports: no cell under the threshold is shown (primary
//! suppression), and when a breakdown hides a single cell, the next smallest one is hidden too
//! so that no hidden value can be recomputed from the total (secondary suppression).

/// The default threshold: counts of 1 to 4 are never published.
pub const DEFAULT_THRESHOLD: i64 = 5;

/// A threshold asked for an export: at least 1, or a French message.
pub fn check_threshold(threshold: i64) -> Result<i64, String> {
    if threshold < 1 {
        Err("le seuil doit valoir au moins 1".to_owned())
    } else {
        Ok(threshold)
    }
}

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

/// One published count: its total and its breakdowns (dimension, then the groups' keys and
/// values), as the public export will show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    pub total: i64,
    pub breakdowns: Vec<(String, Vec<(String, i64)>)>,
}

/// What a public export may show of a [`CountTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShown {
    pub total: bool,
    /// Per breakdown, per group.
    pub cells: Vec<Vec<Published>>,
}

/// Hides the one remaining shown non-zero cell partner when a breakdown hides a single cell.
fn protect_single(values: &[(String, i64)], cells: &mut [Published]) {
    let hidden = cells
        .iter()
        .filter(|c| matches!(c, Published::Hidden(_)))
        .count();
    if hidden != 1 {
        return;
    }
    let partner = values
        .iter()
        .enumerate()
        .filter(|(i, (_, v))| matches!(cells[*i], Published::Shown(_)) && *v > 0)
        .min_by_key(|(_, (_, v))| *v)
        .map(|(i, _)| i);
    if let Some(i) = partner {
        cells[i] = Published::Hidden(Hidden { secondary: true });
    }
}

/// Suppression across figures. Within each table: small counts and their partners, as
/// [`suppress`]. Across tables, for each pair `(sub, parent)` where `sub` counts a subset of
/// `parent` (a total and a sub-total): a shown difference between the two under the threshold
/// would reveal a small count, so the sub-total's total or cell is hidden too (and its partner
/// in its breakdown). Repeats until nothing changes: hiding only ever grows.
pub fn suppress_tables(
    tables: &[CountTable],
    nested: &[(usize, usize)],
    threshold: i64,
) -> Vec<TableShown> {
    let mut out: Vec<TableShown> = tables
        .iter()
        .map(|t| {
            let total = total_publishable(t.total, threshold);
            TableShown {
                total,
                cells: t
                    .breakdowns
                    .iter()
                    .map(|(_, groups)| {
                        let values: Vec<i64> = groups.iter().map(|(_, v)| *v).collect();
                        if total {
                            suppress(&values, threshold)
                        } else {
                            vec![Published::Hidden(Hidden { secondary: true }); values.len()]
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let small_gap = |a: i64, b: i64| {
        let d = (a - b).abs();
        d > 0 && d < threshold
    };
    loop {
        let mut changed = false;
        for &(sub, parent) in nested {
            let (Some(st), Some(pt)) = (tables.get(sub), tables.get(parent)) else {
                continue;
            };
            if out[sub].total && out[parent].total && small_gap(pt.total, st.total) {
                out[sub].total = false;
                for cells in &mut out[sub].cells {
                    cells.fill(Published::Hidden(Hidden { secondary: true }));
                }
                changed = true;
                continue;
            }
            for (bi, (dimension, groups)) in st.breakdowns.iter().enumerate() {
                let Some(pbi) = pt.breakdowns.iter().position(|(d, _)| d == dimension) else {
                    continue;
                };
                for (gi, (key, value)) in groups.iter().enumerate() {
                    let parent_value = pt.breakdowns[pbi]
                        .1
                        .iter()
                        .position(|(k, _)| k == key)
                        .map(|pgi| (pgi, pt.breakdowns[pbi].1[pgi].1));
                    let Some((pgi, parent_value)) = parent_value else {
                        continue;
                    };
                    let both_shown = matches!(out[sub].cells[bi][gi], Published::Shown(_))
                        && matches!(out[parent].cells[pbi][pgi], Published::Shown(_));
                    if both_shown && small_gap(parent_value, *value) {
                        out[sub].cells[bi][gi] = Published::Hidden(Hidden { secondary: true });
                        protect_single(groups, &mut out[sub].cells[bi]);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            return out;
        }
    }
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

    fn table(total: i64, cells: &[(&str, i64)]) -> CountTable {
        CountTable {
            total,
            breakdowns: vec![(
                "commune".into(),
                cells.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            )],
        }
    }

    #[test]
    fn a_sub_total_close_to_its_total_is_hidden() {
        // 20 exits of which 17 dynamic: publishing both tells that 3 were not.
        let exits = table(20, &[("59512", 20)]);
        let dynamic = table(17, &[("59512", 17)]);
        let out = suppress_tables(&[exits, dynamic], &[(1, 0)], 5);
        assert!(out[0].total);
        assert!(!out[1].total);
        assert!(matches!(out[1].cells[0][0], Published::Hidden(_)));
    }

    #[test]
    fn a_cell_close_to_its_parent_cell_is_hidden_with_a_partner() {
        let all = table(100, &[("a", 50), ("b", 30), ("c", 20)]);
        let sub = table(60, &[("a", 48), ("b", 6), ("c", 6)]);
        let out = suppress_tables(&[all, sub], &[(1, 0)], 5);
        assert!(out[1].total);
        assert!(
            matches!(out[1].cells[0][0], Published::Hidden(_)),
            "50 − 48 = 2"
        );
        let hidden = out[1].cells[0]
            .iter()
            .filter(|c| matches!(c, Published::Hidden(_)))
            .count();
        assert!(
            hidden >= 2,
            "never a single hidden cell beside a shown total"
        );
    }

    fn nested_pair() -> impl Strategy<Value = (CountTable, CountTable)> {
        proptest::collection::vec((0i64..40, 0i64..40), 1..6).prop_map(|groups| {
            let parent: Vec<(String, i64)> = groups
                .iter()
                .enumerate()
                .map(|(i, (a, b))| (format!("g{i}"), a + b))
                .collect();
            let sub: Vec<(String, i64)> = groups
                .iter()
                .enumerate()
                .map(|(i, (a, _))| (format!("g{i}"), *a))
                .collect();
            (
                CountTable {
                    total: parent.iter().map(|(_, v)| v).sum(),
                    breakdowns: vec![("d".into(), parent)],
                },
                CountTable {
                    total: sub.iter().map(|(_, v)| v).sum(),
                    breakdowns: vec![("d".into(), sub)],
                },
            )
        })
    }

    proptest! {
        #[test]
        fn no_difference_between_shown_overlapping_counts_is_small((parent, sub) in nested_pair(), k in 2i64..8) {
            let out = suppress_tables(&[parent.clone(), sub.clone()], &[(1, 0)], k);
            let small = |d: i64| d > 0 && d < k;
            if out[0].total && out[1].total {
                prop_assert!(!small(parent.total - sub.total));
            }
            for (gi, (_, sv)) in sub.breakdowns[0].1.iter().enumerate() {
                let pv = parent.breakdowns[0].1[gi].1;
                if let (Published::Shown(_), Published::Shown(_)) = (out[1].cells[0][gi], out[0].cells[0][gi]) {
                    prop_assert!(!small(pv - sv), "{pv} − {sv}");
                }
            }
            for (t, shown) in [(&parent, &out[0]), (&sub, &out[1])] {
                for (gi, p) in shown.cells[0].iter().enumerate() {
                    if let Published::Shown(v) = p {
                        prop_assert!(*v == 0 || *v >= k);
                        prop_assert_eq!(*v, t.breakdowns[0].1[gi].1);
                    }
                }
            }
        }
    }
}

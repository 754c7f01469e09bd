//! The Markdown table of `parcours-dev bench vrptw`: one row per instance, then one row per class
//! (C1, C2, R1, R2, RC1, RC2, in order of first appearance) and one for all instances.
//!
//! Pure: the rows come in, the text goes out. Distances are in tenths (DIMACS convention, see
//! `parcours_solver::routing::vrplib`) and shown with one decimal.

use std::fmt::Write as _;

use parcours_solver::routing::vrplib::format_tenths;

/// What one solver did on one instance over all seeds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SolverSummary {
    /// Distance of the median run, in tenths; `None` when that run is infeasible.
    pub median: Option<i64>,
    /// Runs whose solution is feasible.
    pub feasible: usize,
    /// Runs made.
    pub runs: usize,
    /// Median wall-clock time of a run, seconds.
    pub median_time_s: f64,
}

/// One instance of the table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InstanceRow {
    /// Instance name (`C101`).
    pub name: String,
    /// Best-known distance, in units (from `bks.csv`), if known.
    pub best_known: Option<f64>,
    /// Parcours' runs.
    pub ours: SolverSummary,
    /// PyVRP's runs, when PyVRP ran on this instance.
    pub pyvrp: Option<SolverSummary>,
}

/// The index of the median run: runs ordered by `key` (callers put infeasible runs last and
/// break ties on the seed), the lower median for an even count, so that it is a real run whose
/// solution can be written. `None` for no runs.
pub(crate) fn median_index<K: Ord>(keys: &[K]) -> Option<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
    order.get(keys.len().checked_sub(1)? / 2).copied()
}

/// The lower median of `values` (0 for none).
pub(crate) fn median_f64(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0)
}

/// The class of an instance: its leading letters and the digit after them (`C101` → `C1`,
/// `RC208` → `RC2`, `C1_2_1` → `C1`), the letters alone, or the whole name when it does not
/// start with a letter.
pub(crate) fn class_of(name: &str) -> String {
    let letters: String = name.chars().take_while(char::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return name.to_owned();
    }
    match name[letters.len()..].chars().next() {
        Some(d) if d.is_ascii_digit() => format!("{letters}{d}"),
        _ => letters,
    }
}

/// Gap to the best-known distance, percent.
fn gap_pct(median: Option<i64>, best_known: Option<f64>) -> Option<f64> {
    let (median, bks) = (median?, best_known?);
    // Tenths to units: exact in f64 for any realistic distance.
    (bks > 0.0).then(|| 100.0 * (median as f64 / 10.0 - bks) / bks)
}

/// Parcours' median distance over PyVRP's.
fn ratio(row: &InstanceRow) -> Option<f64> {
    let ours = row.ours.median?;
    let theirs = row.pyvrp.as_ref()?.median?;
    (theirs > 0).then(|| ours as f64 / theirs as f64)
}

fn show<T>(value: Option<T>, f: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "—".to_owned(), f)
}

/// The mean of the values present, with `(k/n)` when some are missing.
fn mean_of(values: &[Option<f64>], decimals: usize) -> String {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        return "—".to_owned();
    }
    let mean = present.iter().sum::<f64>() / present.len() as f64;
    if present.len() == values.len() {
        format!("{mean:.decimals$}")
    } else {
        format!("{mean:.decimals$} ({}/{})", present.len(), values.len())
    }
}

/// The table, with PyVRP columns when `pyvrp` is true (a missing PyVRP run shows `—`).
pub(crate) fn markdown(rows: &[InstanceRow], pyvrp: bool) -> String {
    let mut out = String::new();
    let mut header = vec![
        "Instance",
        "Best known",
        "Median distance",
        "Gap %",
        "Median time (s)",
        "Feasible runs",
    ];
    if pyvrp {
        header.extend([
            "PyVRP median distance",
            "PyVRP gap %",
            "PyVRP feasible runs",
            "Parcours / PyVRP",
        ]);
    }
    push_row(&mut out, header.iter().map(|h| (*h).to_owned()).collect());
    let mut rule = vec!["---".to_owned()];
    rule.extend(std::iter::repeat_n("---:".to_owned(), header.len() - 1));
    push_row(&mut out, rule);

    for row in rows {
        let mut cells = vec![
            row.name.clone(),
            show(row.best_known, |b| format!("{b:.1}")),
            show(row.ours.median, format_tenths),
            show(gap_pct(row.ours.median, row.best_known), |g| {
                format!("{g:.2}")
            }),
            format!("{:.1}", row.ours.median_time_s),
            format!("{}/{}", row.ours.feasible, row.ours.runs),
        ];
        if pyvrp {
            let theirs = row.pyvrp.as_ref();
            cells.extend([
                show(theirs.and_then(|p| p.median), format_tenths),
                show(
                    theirs.and_then(|p| gap_pct(p.median, row.best_known)),
                    |g| format!("{g:.2}"),
                ),
                show(theirs, |p| format!("{}/{}", p.feasible, p.runs)),
                show(ratio(row), |r| format!("{r:.4}")),
            ]);
        }
        push_row(&mut out, cells);
    }

    let mut classes: Vec<String> = Vec::new();
    for row in rows {
        let class = class_of(&row.name);
        if !classes.contains(&class) {
            classes.push(class);
        }
    }
    let groups = classes.iter().map(|class| {
        let members: Vec<&InstanceRow> = rows
            .iter()
            .filter(|r| class_of(&r.name) == *class)
            .collect();
        (format!("**{class}** mean ({})", members.len()), members)
    });
    let all = (
        format!("**All** mean ({})", rows.len()),
        rows.iter().collect::<Vec<_>>(),
    );
    for (label, members) in groups.chain(std::iter::once(all)) {
        push_row(&mut out, summary_cells(label, &members, pyvrp));
    }
    out
}

/// A class or overall row: mean gaps, mean median time, runs feasible, mean ratio.
fn summary_cells(label: String, members: &[&InstanceRow], pyvrp: bool) -> Vec<String> {
    let runs = |s: &SolverSummary| (s.feasible, s.runs);
    let (feasible, total) = members
        .iter()
        .map(|r| runs(&r.ours))
        .fold((0, 0), |(f, t), (a, b)| (f + a, t + b));
    let gaps: Vec<Option<f64>> = members
        .iter()
        .map(|r| gap_pct(r.ours.median, r.best_known))
        .collect();
    let times: Vec<Option<f64>> = members.iter().map(|r| Some(r.ours.median_time_s)).collect();
    let mut cells = vec![
        label,
        String::new(),
        String::new(),
        mean_of(&gaps, 2),
        mean_of(&times, 1),
        format!("{feasible}/{total}"),
    ];
    if pyvrp {
        let theirs: Vec<Option<&SolverSummary>> =
            members.iter().map(|r| r.pyvrp.as_ref()).collect();
        let (p_feasible, p_total) = theirs
            .iter()
            .flatten()
            .map(|s| runs(s))
            .fold((0, 0), |(f, t), (a, b)| (f + a, t + b));
        let p_gaps: Vec<Option<f64>> = members
            .iter()
            .map(|r| gap_pct(r.pyvrp.as_ref()?.median, r.best_known))
            .collect();
        let ratios: Vec<Option<f64>> = members.iter().map(|r| ratio(r)).collect();
        cells.extend([
            String::new(),
            mean_of(&p_gaps, 2),
            format!("{p_feasible}/{p_total}"),
            mean_of(&ratios, 4),
        ]);
    }
    cells
}

fn push_row(out: &mut String, cells: Vec<String>) {
    writeln!(out, "| {} |", cells.join(" | ")).expect("BUG: writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(median: Option<i64>, feasible: usize, time: f64) -> SolverSummary {
        SolverSummary {
            median,
            feasible,
            runs: 3,
            median_time_s: time,
        }
    }

    #[test]
    fn the_median_run_is_the_lower_middle_one_by_key() {
        assert_eq!(median_index(&[30, 10, 20]), Some(2));
        assert_eq!(median_index(&[40, 10, 30, 20]), Some(3));
        // Ties go to the first run (the smaller seed).
        assert_eq!(median_index(&[5, 5, 5]), Some(1));
        assert_eq!(median_index::<i64>(&[]), None);
        // Infeasible runs rank last when the key says so.
        let keys = [(true, 0), (false, 900), (false, 800)];
        assert_eq!(median_index(&keys), Some(1));
        assert_eq!(median_f64(&[3.0, 1.0, 2.0, 10.0]), 2.0);
    }

    #[test]
    fn instances_are_grouped_by_solomon_class() {
        assert_eq!(class_of("C101"), "C1");
        assert_eq!(class_of("RC208"), "RC2");
        assert_eq!(class_of("R112"), "R1");
        assert_eq!(class_of("C1_2_1"), "C1");
        assert_eq!(class_of("tiny"), "tiny");
        assert_eq!(class_of("42"), "42");
    }

    #[test]
    fn the_table_shows_gaps_per_instance_per_class_and_overall() {
        let rows = vec![
            InstanceRow {
                name: "C101".to_owned(),
                best_known: Some(827.3),
                ours: summary(Some(8273), 3, 10.0),
                pyvrp: Some(summary(Some(8273), 3, 10.0)),
            },
            InstanceRow {
                name: "R101".to_owned(),
                best_known: Some(1637.7),
                ours: summary(Some(16541), 3, 10.2),
                pyvrp: Some(summary(Some(16377), 3, 10.0)),
            },
            InstanceRow {
                name: "R102".to_owned(),
                best_known: Some(1466.6),
                ours: summary(None, 1, 9.0),
                pyvrp: None,
            },
        ];

        let table = markdown(&rows, true);

        let expected = "\
| Instance | Best known | Median distance | Gap % | Median time (s) | Feasible runs | PyVRP median distance | PyVRP gap % | PyVRP feasible runs | Parcours / PyVRP |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| C101 | 827.3 | 827.3 | 0.00 | 10.0 | 3/3 | 827.3 | 0.00 | 3/3 | 1.0000 |
| R101 | 1637.7 | 1654.1 | 1.00 | 10.2 | 3/3 | 1637.7 | 0.00 | 3/3 | 1.0100 |
| R102 | 1466.6 | — | — | 9.0 | 1/3 | — | — | — | — |
| **C1** mean (1) |  |  | 0.00 | 10.0 | 3/3 |  | 0.00 | 3/3 | 1.0000 |
| **R1** mean (2) |  |  | 1.00 (1/2) | 9.6 | 4/6 |  | 0.00 (1/2) | 3/3 | 1.0100 (1/2) |
| **All** mean (3) |  |  | 0.50 (2/3) | 9.7 | 7/9 |  | 0.00 (2/3) | 6/6 | 1.0050 (2/3) |
";
        assert_eq!(table, expected);
    }

    #[test]
    fn without_pyvrp_the_table_has_only_parcours_columns() {
        let rows = vec![InstanceRow {
            name: "X1".to_owned(),
            best_known: None,
            ours: summary(Some(15), 3, 0.5),
            pyvrp: None,
        }];
        let table = markdown(&rows, false);
        assert!(table.starts_with("| Instance | Best known | Median distance | Gap % | Median time (s) | Feasible runs |\n"));
        assert!(table.contains("| X1 | — | 1.5 | — | 0.5 | 3/3 |\n"));
        assert!(table.ends_with("| **All** mean (1) |  |  | — | 0.5 | 3/3 |\n"));
    }
}

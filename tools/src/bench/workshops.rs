//! `parcours-dev bench workshops`: the collective workshops of a school year on the reference
//! territory and on territories N times larger (N copies side by side, each with its 30
//! fiches-action and its orientations), Parcours beside what is done by hand, one child
//! process per scale so that each peak memory is its own (issue 18).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use parcours::planning::SchoolYear;
use parcours::planning::workshops::{WorkshopOptions, plan_year};
use parcours::report::workshops::WorkshopFigures;
use serde::{Deserialize, Serialize};

/// One measured plan of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopRun {
    /// Size, in reference territories.
    pub scale: usize,
    /// Parcours' figures.
    pub parcours: WorkshopRow,
    /// What is done by hand.
    pub by_hand: WorkshopRow,
    /// Reasons of the children Parcours leaves out, with how many each.
    pub reasons: Vec<(String, usize)>,
    /// Why the solve stopped.
    pub stop: String,
    /// Proven gap, percent.
    pub gap_percent: Option<f64>,
    /// Seconds of the solve.
    pub seconds: f64,
    /// Group options.
    pub options: usize,
    /// Peak resident memory of the process, KiB.
    pub peak_kib: Option<u64>,
}

/// The figures of one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopRow {
    /// Fiches-action, and those with a group.
    pub workshops: (usize, usize),
    /// Groups.
    pub groups: usize,
    /// Orientations, and those enrolled.
    pub enrolled: (usize, usize),
    /// Families' travel, km.
    pub family_km: f64,
    /// Sessions, and those at the preferred times.
    pub sessions: (usize, usize),
    /// What the independent check finds (public holidays, periods, sizes, ages, double
    /// bookings).
    pub breaches: usize,
}

impl From<WorkshopFigures> for WorkshopRow {
    fn from(f: WorkshopFigures) -> WorkshopRow {
        WorkshopRow {
            workshops: (f.workshops, f.scheduled),
            groups: f.groups,
            enrolled: (f.oriented, f.enrolled),
            family_km: f.family_km,
            sessions: (f.sessions, f.sessions_preferred),
            breaches: f.breaches,
        }
    }
}

impl WorkshopRow {
    fn enrolled_percent(&self) -> f64 {
        100.0 * self.enrolled.1 as f64 / self.enrolled.0.max(1) as f64
    }
}

/// Plans `year` on `scale` copies of the reference territory, with what is done by hand (the
/// child's side of [`run_workshops_bench`]).
pub fn measure_workshops(
    scale: usize,
    year: SchoolYear,
    time_limit: Duration,
) -> Result<WorkshopRun, String> {
    let territory = super::scaled_territory(scale);
    let mut options = WorkshopOptions::new(year);
    options.time_limit = time_limit;
    options.compare_baseline = true;
    let outcome = plan_year(&territory, &options).map_err(|e| e.to_string())?;
    let by_hand = outcome.baseline.as_ref().expect("compare_baseline");
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for u in &outcome.plan.unenrolled {
        *reasons.entry(u.reason.clone()).or_default() += 1;
    }
    Ok(WorkshopRun {
        scale,
        parcours: WorkshopFigures::of(&territory, &outcome.plan).into(),
        by_hand: WorkshopFigures::of(&territory, by_hand).into(),
        reasons: reasons.into_iter().collect(),
        stop: outcome.plan.stop.clone(),
        gap_percent: outcome.plan.gap.map(|g| 100.0 * g),
        seconds: outcome.stats.seconds,
        options: outcome.stats.options,
        peak_kib: super::scaling::peak_rss_kib(),
    })
}

/// Runs one child process per scale and prints a Markdown table.
///
/// # Errors
/// A message when a child fails or prints no result.
pub fn run_workshops_bench(
    scales: &[usize],
    year: SchoolYear,
    time_limits: &[Duration],
    exe: &Path,
) -> Result<String, String> {
    let mut rows = Vec::new();
    for (i, &scale) in scales.iter().enumerate() {
        let limit = time_limits
            .get(i)
            .or(time_limits.last())
            .copied()
            .unwrap_or(Duration::from_secs(60));
        let output = Command::new(exe)
            .args([
                "bench",
                "workshops-run",
                "--scale",
                &scale.to_string(),
                "--year",
            ])
            .arg(year.to_string())
            .args(["--time-limit", &limit.as_secs_f64().to_string()])
            .output()
            .map_err(|e| format!("scale {scale}: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "scale {scale}: {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let run: WorkshopRun =
            serde_json::from_str(stdout.trim()).map_err(|e| format!("scale {scale}: {e}"))?;
        eprintln!("×{scale}: {:.1} s", run.seconds);
        rows.push((limit, run));
    }
    let mut out = format!(
        "School year {year}, seed 1, HiGHS on one thread, relative gap target {} %, other settings default. \
         « by hand »: each fiche-action in code order opens one group at its first preferred slot and first site, children taken in orientation order until it is full.\n\n\
         | territory | fiches-action scheduled (by hand → Parcours) | groups | children enrolled (by hand → Parcours) | families' travel km (by hand → Parcours) | sessions at preferred times (by hand → Parcours) | check breaches (by hand, Parcours) | time limit | stop | gap | s | group options | peak MiB |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        100.0 * parcours_solver::workshops::REL_GAP
    );
    for (limit, r) in &rows {
        let (a, b) = (&r.by_hand, &r.parcours);
        out.push_str(&format!(
            "| ×{} | {}/{} → {}/{} | {} → {} | {}/{} ({:.1} %) → {}/{} ({:.1} %) | {:.0} → {:.0} | {}/{} → {}/{} | {}, {} | {} s | {} | {} | {:.1} | {} | {} |\n",
            r.scale,
            a.workshops.1,
            a.workshops.0,
            b.workshops.1,
            b.workshops.0,
            a.groups,
            b.groups,
            a.enrolled.1,
            a.enrolled.0,
            a.enrolled_percent(),
            b.enrolled.1,
            b.enrolled.0,
            b.enrolled_percent(),
            a.family_km,
            b.family_km,
            a.sessions.1,
            a.sessions.0,
            b.sessions.1,
            b.sessions.0,
            a.breaches,
            b.breaches,
            limit.as_secs_f64(),
            r.stop,
            r.gap_percent
                .map_or_else(|| "–".to_owned(), |g| format!("{g:.3} %")),
            r.seconds,
            r.options,
            r.peak_kib
                .map_or_else(|| "–".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        ));
    }
    out.push_str("\nChildren Parcours leaves out, by reason:\n\n");
    for (_, r) in &rows {
        let reasons: Vec<String> = r.reasons.iter().map(|(k, n)| format!("{k} {n}")).collect();
        out.push_str(&format!(
            "- ×{}: {}\n",
            r.scale,
            if reasons.is_empty() {
                "none".to_owned()
            } else {
                reasons.join(", ")
            }
        ));
    }
    Ok(out)
}

//! `parcours-dev bench eps`: the EPS meetings of a school year on the reference territory and
//! on territories N times larger (N copies side by side, each with its own 27 EPS and the
//! professionals they share), Parcours beside the poll, one child process per scale so that
//! each peak memory is its own (issue 17).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use parcours::planning::SchoolYear;
use parcours::planning::eps::{EpsOptions, plan_year};
use parcours::report::eps::EpsFigures;
use serde::{Deserialize, Serialize};

/// One measured plan of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpsRun {
    /// Size, in reference territories.
    pub scale: usize,
    /// EPS.
    pub eps: usize,
    /// Professionals.
    pub professionals: usize,
    /// Parcours' figures.
    pub parcours: EpsFiguresRow,
    /// The poll's.
    pub poll: EpsFiguresRow,
    /// Why the solve stopped.
    pub stop: String,
    /// Proven gap, percent.
    pub gap_percent: Option<f64>,
    /// Seconds of the solve.
    pub seconds: f64,
    /// Candidate slots.
    pub candidates: usize,
    /// The most invited attendees any plan could have present.
    pub invited_ceiling: usize,
    /// Peak resident memory of the process, KiB.
    pub peak_kib: Option<u64>,
}

/// The figures of one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpsFiguresRow {
    /// Meetings asked.
    pub asked: usize,
    /// Placed, each with all its required members.
    pub placed: usize,
    /// Invited present over invited.
    pub invited_present: usize,
    /// Invited in all.
    pub invited_total: usize,
    /// Coordinators' driving, minutes.
    pub coordinator_minutes: i64,
    /// On holidays or public holidays.
    pub on_holidays: usize,
}

impl From<EpsFigures> for EpsFiguresRow {
    fn from(f: EpsFigures) -> EpsFiguresRow {
        EpsFiguresRow {
            asked: f.asked,
            placed: f.placed,
            invited_present: f.invited_present,
            invited_total: f.invited_total,
            coordinator_minutes: f.coordinator_minutes,
            on_holidays: f.on_holidays,
        }
    }
}

impl EpsFiguresRow {
    fn invited_percent(&self) -> f64 {
        100.0 * self.invited_present as f64 / self.invited_total.max(1) as f64
    }
}

/// Plans `year` on `scale` copies of the reference territory, with the poll (the child's side
/// of [`run_eps_bench`]).
pub fn measure_eps(scale: usize, year: SchoolYear, time_limit: Duration) -> Result<EpsRun, String> {
    let territory = super::scaled_territory(scale);
    let mut options = EpsOptions::new(year);
    options.time_limit = time_limit;
    options.compare_baseline = true;
    let outcome = plan_year(&territory, &options).map_err(|e| e.to_string())?;
    let poll = outcome.baseline.as_ref().expect("compare_baseline");
    Ok(EpsRun {
        scale,
        eps: territory.eps.len(),
        professionals: territory.professionals.len(),
        parcours: EpsFigures::of(&territory, &outcome.plan).into(),
        poll: EpsFigures::of(&territory, poll).into(),
        stop: outcome.plan.stop.clone(),
        gap_percent: outcome.plan.gap.map(|g| 100.0 * g),
        seconds: outcome.stats.seconds,
        candidates: outcome.stats.candidates,
        invited_ceiling: outcome.stats.invited_ceiling,
        peak_kib: super::scaling::peak_rss_kib(),
    })
}

/// Runs one child process per scale and prints a Markdown table.
///
/// # Errors
/// A message when a child fails or prints no result.
pub fn run_eps_bench(
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
            .args(["bench", "eps-run", "--scale", &scale.to_string(), "--year"])
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
        let run: EpsRun =
            serde_json::from_str(stdout.trim()).map_err(|e| format!("scale {scale}: {e}"))?;
        eprintln!("×{scale}: {:.1} s", run.seconds);
        rows.push((limit, run));
    }
    let mut out = format!(
        "School year {year}, seed 1, HiGHS on one thread, relative gap target {} %, other settings default.\n\n\
         | territory | EPS | professionals | meetings | placed with all required (poll → Parcours) | invited present (poll → Parcours; at most) | coordinators' driving (poll → Parcours) | on holidays (poll, Parcours) | time limit | stop | gap | s | candidates | peak MiB |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        100.0 * parcours_solver::meetings::REL_GAP
    );
    for (limit, r) in &rows {
        let (a, b) = (&r.poll, &r.parcours);
        let change = 100.0 * (b.coordinator_minutes - a.coordinator_minutes) as f64
            / a.coordinator_minutes.max(1) as f64;
        out.push_str(&format!(
            "| ×{} | {} | {} | {} | {} → {} | {:.1} % → {:.1} %; {:.1} % | {} → {} min ({:+.1} %) | {}, {} | {} s | {} | {} | {:.1} | {} | {} |\n",
            r.scale,
            r.eps,
            r.professionals,
            b.asked,
            a.placed,
            b.placed,
            a.invited_percent(),
            b.invited_percent(),
            100.0 * r.invited_ceiling as f64 / b.invited_total.max(1) as f64,
            a.coordinator_minutes,
            b.coordinator_minutes,
            change,
            a.on_holidays,
            b.on_holidays,
            limit.as_secs_f64(),
            r.stop,
            r.gap_percent
                .map_or_else(|| "–".to_owned(), |g| format!("{g:.3} %")),
            r.seconds,
            r.candidates,
            r.peak_kib
                .map_or_else(|| "–".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        ));
    }
    Ok(out)
}

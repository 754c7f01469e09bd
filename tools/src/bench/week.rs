//! `parcours-dev bench week`: the coordinator's week measured on the reference territory and on
//! generated territories N times larger (issue 5): visits placed, travel against today's
//! practice (first fit) and where the saving comes from, assignment proof and time, whole-plan
//! time and peak memory. Each scale runs in its own child process so that its peak memory is
//! its own.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use parcours::domain::{Code, GeoPoint, MeetingPlace, SectorCriterion, SectorKind, Territory};
use parcours::import::validate;
use parcours::planning::{IsoWeek, PlanOptions, plan_week};

/// One measured plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekRun {
    /// Size, in reference territories (generated side by side).
    pub scale: usize,
    /// Référents.
    pub referents: usize,
    /// Families.
    pub families: usize,
    /// Visits due.
    pub due: usize,
    /// Visits placed by Parcours.
    pub placed: usize,
    /// Visits placed by today's practice.
    pub baseline_placed: usize,
    /// Travel minutes, Parcours.
    pub travel_minutes: i64,
    /// Travel minutes, today's practice.
    pub baseline_minutes: i64,
    /// Travel minutes, current assignment with optimised routes.
    pub routed_minutes: i64,
    /// Visits placed by Parcours when given exactly the visits today's practice placed.
    pub same_placed: usize,
    /// Travel minutes of Parcours on those visits.
    pub same_minutes: i64,
    /// Largest workload of a référent, % of her working time.
    pub max_workload_percent: i64,
    /// Assignment: stop reason, proven gap (%), seconds.
    pub assign_stop: String,
    /// Proven gap, percent.
    pub assign_gap_percent: Option<f64>,
    /// Seconds of the assignment solve.
    pub assign_seconds: f64,
    /// Seconds until Parcours' plan is ready (assignment and rota).
    pub plan_seconds: f64,
    /// Seconds of the whole run, comparison included (baseline and routed current assignment).
    pub total_seconds: f64,
    /// Peak resident set of the process, KiB.
    pub peak_kib: Option<u64>,
}

/// The reference territory's calendar (`fixtures/territory/`), which the generator does not
/// write: zone B, public holidays to 2030, school holidays to the summer of 2028.
const CALENDAR: [(&str, &str); 3] = [
    (
        parcours::domain::files::TERRITORY,
        include_str!("../../../fixtures/territory/territoire.csv"),
    ),
    (
        parcours::domain::files::PUBLIC_HOLIDAYS,
        include_str!("../../../fixtures/territory/jours_feries.csv"),
    ),
    (
        parcours::domain::files::SCHOOL_HOLIDAYS,
        include_str!("../../../fixtures/territory/vacances_scolaires.csv"),
    ),
];

/// The territory the fixture generator makes with `seed` (the reference one with seed 67),
/// with the reference calendar.
fn generated(seed: u64) -> Territory {
    let mut files: Vec<(String, Vec<u8>)> = crate::fixtures::generate(seed)
        .into_iter()
        .map(|f| (f.name.to_owned(), f.contents.into_bytes()))
        .collect();
    files.extend(CALENDAR.map(|(name, text)| (name.to_owned(), text.as_bytes().to_vec())));
    let source = parcours::import::Source::from_files(files);
    validate(
        &source,
        &Territory::default(),
        crate::fixtures::REFERENCE_MONDAY,
    )
    .batch()
    .clone()
}

/// A territory `scale` times larger than the reference one: `scale` generated territories
/// side by side (the reference one, then seeds 68, 69, …: other families, availabilities,
/// agendas and current assignments on the same communes), each shifted ~30 km from the last
/// on a grid, with every code suffixed by its copy number (the first keeps its codes).
pub fn scaled_territory(scale: usize) -> Territory {
    if scale <= 1 {
        return generated(crate::fixtures::REFERENCE_SEED);
    }
    let mut t = Territory::default();
    for k in 0..scale {
        let base = generated(crate::fixtures::REFERENCE_SEED + k as u64);
        let (row, col) = ((k / 4) as f64, (k % 4) as f64);
        let shift = |p: GeoPoint| {
            GeoPoint::new(p.lat() - 0.3 * row, p.lon() - 0.45 * col)
                .expect("BUG: shifted points stay in France")
        };
        let c = |code: &Code| {
            if k == 0 {
                code.clone()
            } else {
                Code::parse(&format!("{code}_{k}")).expect("BUG: suffixed codes are short")
            }
        };
        for x in &base.communes {
            let mut x = x.clone();
            x.insee = c(&x.insee);
            x.location = shift(x.location);
            t.communes.push(x);
        }
        for x in &base.qpvs {
            let mut x = x.clone();
            (x.code, x.commune, x.centre) = (c(&x.code), c(&x.commune), shift(x.centre));
            t.qpvs.push(x);
        }
        for x in &base.schools {
            let mut x = x.clone();
            (x.code, x.commune, x.location) = (c(&x.code), c(&x.commune), shift(x.location));
            x.group = x.group.map(|g| format!("{g}_{k}"));
            t.schools.push(x);
        }
        for x in &base.sites {
            let mut x = x.clone();
            (x.code, x.commune, x.location) = (c(&x.code), c(&x.commune), shift(x.location));
            t.sites.push(x);
        }
        for x in &base.referents {
            let mut x = x.clone();
            (x.code, x.commune, x.base) = (c(&x.code), c(&x.commune), shift(x.base));
            x.sectors = x
                .sectors
                .iter()
                .map(|s| match s.kind {
                    SectorKind::Commune | SectorKind::Qpv => SectorCriterion {
                        kind: s.kind,
                        value: c(&Code::parse(&s.value).expect("BUG: sector codes are codes"))
                            .to_string(),
                    },
                    SectorKind::SchoolGroup => SectorCriterion {
                        kind: s.kind,
                        value: format!("{}_{k}", s.value),
                    },
                    SectorKind::Level => s.clone(),
                })
                .collect();
            t.referents.push(x);
        }
        for x in &base.families {
            let mut x = x.clone();
            (x.code, x.commune, x.location) = (c(&x.code), c(&x.commune), shift(x.location));
            x.qpv = x.qpv.as_ref().map(c);
            x.referent = x.referent.map(|(r, since)| (c(&r), since));
            if let MeetingPlace::Site(site) = &x.meeting_place {
                x.meeting_place = MeetingPlace::Site(c(site));
            }
            t.families.push(x);
        }
        for x in &base.agenda {
            let mut x = x.clone();
            (x.code, x.referent) = (c(&x.code), c(&x.referent));
            x.site = x.site.as_ref().map(c);
            x.family = x.family.as_ref().map(c);
            t.agenda.push(x);
        }
        for x in &base.coordinators {
            let mut x = x.clone();
            x.code = c(&x.code);
            x.communes = x.communes.iter().map(c).collect();
            x.site = x.site.as_ref().map(c);
            t.coordinators.push(x);
        }
        for x in &base.professionals {
            let mut x = x.clone();
            x.code = c(&x.code);
            t.professionals.push(x);
        }
        for x in &base.eps {
            let mut x = x.clone();
            (x.code, x.commune, x.coordinator) = (c(&x.code), c(&x.commune), c(&x.coordinator));
            x.qpv = x.qpv.as_ref().map(c);
            x.site = x.site.as_ref().map(c);
            x.members = x.members.iter().map(c).collect();
            x.required = x.required.iter().map(c).collect();
            x.referents = x.referents.iter().map(c).collect();
            x.alternative_sites = x.alternative_sites.iter().map(c).collect();
            t.eps.push(x);
        }
        for x in &base.unavailabilities {
            let mut x = x.clone();
            (x.code, x.person) = (c(&x.code), c(&x.person));
            t.unavailabilities.push(x);
        }
        for x in &base.children {
            let mut x = x.clone();
            (x.code, x.family) = (c(&x.code), c(&x.family));
            x.school = x.school.as_ref().map(c);
            t.children.push(x);
        }
        for x in &base.workshops {
            let mut x = x.clone();
            (x.code, x.facilitator) = (c(&x.code), c(&x.facilitator));
            x.commune = x.commune.as_ref().map(c);
            x.sites = x.sites.iter().map(c).collect();
            t.workshops.push(x);
        }
        for x in &base.orientations {
            let mut x = x.clone();
            (x.child, x.workshop) = (c(&x.child), c(&x.workshop));
            t.orientations.push(x);
        }
        if k == 0 {
            // One calendar for all the copies: they are in one zone.
            t.settings = base.settings.clone();
            t.public_holidays = base.public_holidays.clone();
            t.school_holidays = base.school_holidays.clone();
            t.free_time = base.free_time.clone();
        }
    }
    t.workshops.sort_by(|a, b| a.code.cmp(&b.code));
    t.orientations
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    t
}

/// Plans `week` on `scale` copies of the reference territory with default settings and the
/// comparison, and measures it (the child's side of [`run_week_bench`]).
pub fn measure_week(scale: usize, week: IsoWeek, rota_time: Duration, no_agenda: bool) -> WeekRun {
    let mut territory = scaled_territory(scale);
    if no_agenda {
        territory.agenda.clear();
    }
    let mut options = PlanOptions::new(week);
    options.compare_baseline = true;
    options.rota_time = rota_time;
    let outcome = plan_week(&territory, &options, &mut |_| {}).expect("the bench territory plans");
    let baseline = outcome.baseline.as_ref().expect("compare_baseline");
    let routed = outcome.current_routed.as_ref().expect("compare_baseline");
    let same = outcome.same_visits.as_ref().expect("compare_baseline");
    let max_workload_percent = outcome
        .plan
        .referents
        .iter()
        .filter(|r| r.working_minutes > 0)
        .map(|r| 100 * (r.on_site_minutes() + r.travel_minutes()) / r.working_minutes)
        .max()
        .unwrap_or(0);
    WeekRun {
        scale,
        referents: territory.referents.len(),
        families: territory.families.len(),
        due: outcome.plan.visits() + outcome.plan.unmet.iter().filter(|u| !u.waits).count(),
        placed: outcome.plan.visits(),
        baseline_placed: baseline.visits(),
        travel_minutes: outcome.plan.travel_minutes(),
        baseline_minutes: baseline.travel_minutes(),
        routed_minutes: routed.travel_minutes(),
        same_placed: same.visits(),
        same_minutes: same.travel_minutes(),
        max_workload_percent,
        assign_stop: outcome.assignment.stop.clone(),
        assign_gap_percent: outcome.assignment.gap_percent,
        assign_seconds: outcome.assignment.seconds,
        plan_seconds: outcome.plan_seconds,
        total_seconds: outcome.seconds,
        peak_kib: super::scaling::peak_rss_kib(),
    }
}

/// Runs one child process per scale and prints a Markdown table.
///
/// # Errors
/// A message when a child fails or prints no result.
pub fn run_week_bench(
    scales: &[usize],
    week: IsoWeek,
    rota_time: Duration,
    no_agenda: bool,
    exe: &Path,
) -> Result<String, String> {
    let mut rows = Vec::new();
    for &scale in scales {
        let output = Command::new(exe)
            .args(["bench", "week-run", "--scale", &scale.to_string(), "--week"])
            .arg(week.to_string())
            .args(["--time-limit", &rota_time.as_secs_f64().to_string()])
            .args(no_agenda.then_some("--no-agenda"))
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
        let run: WeekRun =
            serde_json::from_str(stdout.trim()).map_err(|e| format!("scale {scale}: {e}"))?;
        eprintln!("×{scale}: {:.1} s", run.plan_seconds);
        rows.push(run);
    }
    let mut out = format!(
        "Week {week}, rota time limit {} s (work of a quarter of it), seed 1, other settings default{}.\n\n\
         | territory | référents | families | visits due | placed (baseline → Parcours) | travel baseline | travel Parcours | saving | min per visit (baseline → Parcours) | from routing | from assignment | same visits: placed, travel, saving | max workload | assignment (stop, gap, s) | plan s | with comparison s | peak MiB |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        rota_time.as_secs_f64(),
        if no_agenda {
            ", without the agendas"
        } else {
            ""
        }
    );
    for r in &rows {
        let pct = |x: i64| 100.0 * x as f64 / r.baseline_minutes.max(1) as f64;
        out.push_str(&format!(
            "| ×{} | {} | {} | {} | {} → {} | {} min | {} min | {:.1} % | {:.1} → {:.1} | {:.1} pts | {:.1} pts | {} of {}, {} min, {:.1} % | {} % | {}, {}, {:.2} | {:.1} | {:.1} | {} |\n",
            r.scale,
            r.referents,
            r.families,
            r.due,
            r.baseline_placed,
            r.placed,
            r.baseline_minutes,
            r.travel_minutes,
            pct(r.baseline_minutes - r.travel_minutes),
            r.baseline_minutes as f64 / r.baseline_placed.max(1) as f64,
            r.travel_minutes as f64 / r.placed.max(1) as f64,
            pct(r.baseline_minutes - r.routed_minutes),
            pct(r.routed_minutes - r.travel_minutes),
            r.same_placed,
            r.baseline_placed,
            r.same_minutes,
            pct(r.baseline_minutes - r.same_minutes),
            r.max_workload_percent,
            r.assign_stop,
            r.assign_gap_percent
                .map_or_else(|| "–".to_owned(), |g| format!("{g:.3} %")),
            r.assign_seconds,
            r.plan_seconds,
            r.total_seconds,
            r.peak_kib
                .map_or_else(|| "–".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        ));
    }
    Ok(out)
}

//! `parcours-dev bench horizon`: the simulation of `parcours::report::horizon` on the reference
//! territory and on territories N times larger, for Parcours and today's practice, as a
//! Markdown table (issue 15).

use std::time::Duration;

use parcours::planning::{IsoWeek, Tolerance};
use parcours::report::horizon::{Method, simulate};

/// Runs both methods on each scale and prints a Markdown table.
///
/// # Errors
/// The planner's message when a week cannot be planned.
pub fn run_horizon_bench(
    scales: &[usize],
    start: IsoWeek,
    weeks: usize,
    plan_weeks: &[usize],
    rota_time: Duration,
) -> Result<String, String> {
    let mut out = format!(
        "{weeks} weeks from {start}; Parcours plans each week alone (`plan --weeks 1`) or with the \
         next ones (`plan --weeks N`, the first week published); rota time limit {} s (work of a \
         quarter of it), seed 1, tolerance {} % of the interval, other settings default.\n\n\
         | territory | method | visits made | due | within tolerance | families unseen > 2× interval | of them: nobody can visit, nobody may follow, left for want of hours | longest gap | drive | min per visit | s per week (median, max) |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
        rota_time.as_secs_f64(),
        Tolerance::default().percent,
    );
    for &scale in scales {
        let territory = super::scaled_territory(scale);
        let mut template = parcours::planning::PlanOptions::new(start);
        template.rota_time = rota_time;
        let mut runs = Vec::new();
        eprintln!("×{scale}: {}", Method::Today.label());
        runs.push(simulate(
            &territory,
            scale,
            Method::Today,
            start,
            weeks,
            &template,
        )?);
        for &n in plan_weeks {
            eprintln!("×{scale}: Parcours, plans over {n} week(s)");
            template.weeks = n;
            runs.push(simulate(
                &territory,
                scale,
                Method::Parcours,
                start,
                weeks,
                &template,
            )?);
        }
        let label = |r: &parcours::report::horizon::HorizonRun| match r.method {
            Method::Today => r.method.label().to_owned(),
            Method::Parcours => format!("Parcours, `--weeks {}`", r.plan_weeks),
        };
        for r in &runs {
            out.push_str(&format!(
                "| ×{} | {} | {} | {} | {} ({:.1} %) | {} | {}, {}, {} | {} d | {} min | {:.1} | {:.1}, {:.1} |\n",
                r.scale,
                label(r),
                r.visits,
                r.due,
                r.on_time,
                r.on_time_percent(),
                r.unseen_twice,
                r.unseen_twice_unvisitable,
                r.unseen_twice_unfollowed,
                r.unseen_twice_short,
                r.longest_gap_days,
                r.drive_minutes,
                r.minutes_per_visit(),
                r.median_seconds(),
                r.max_seconds(),
            ));
        }
        let today = &runs[0];
        for parcours in &runs[1..] {
            out.push_str(&format!(
            "| ×{scale} | {} vs today | {:+} | | {:+.1} pts | {:+} | | {:+} d | {:+.1} % | {:+.1} % | |\n",
            label(parcours),
            parcours.visits as i64 - today.visits as i64,
            parcours.on_time_percent() - today.on_time_percent(),
            parcours.unseen_twice as i64 - today.unseen_twice as i64,
            parcours.longest_gap_days - today.longest_gap_days,
            percent_change(parcours.drive_minutes as f64, today.drive_minutes as f64),
            percent_change(parcours.minutes_per_visit(), today.minutes_per_visit()),
        ));
        }
    }
    Ok(out)
}

fn percent_change(new: f64, old: f64) -> f64 {
    if old == 0.0 {
        0.0
    } else {
        100.0 * (new - old) / old
    }
}

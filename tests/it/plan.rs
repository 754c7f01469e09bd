//! `parcours plan` and `parcours export` on the reference territory, as a coordinator runs
//! them: the plan respects every family's availability and every référent's hours, skips public
//! holidays, beats today's practice, re-plans an absence with few changes, and exports
//! calendars that real calendar parsers accept.

use std::path::Path;

use chrono::{Datelike as _, NaiveDate, NaiveDateTime, Timelike as _};
use parcours::domain::{AgendaKind, MeetingPlace, Territory, Weekday, to_paris};
use parcours::planning::{IsoWeek, PlanMethod, ReferentWeek, Stop, StopKind, UnmetCause, WeekPlan};
use serde_json::Value;

use crate::helpers::{fixture, load, parcours, visits};

/// Enough rota iterations for a good plan in a debug build, and a deterministic one.
const ITERATIONS: &str = "4000";

fn imported() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("plan.db").display());
    let territory = fixture("territory");
    let out = parcours(&["import", territory.to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (dir, url)
}

fn plan_json(url: &str, extra: &[&str]) -> Value {
    let mut args = vec!["plan", "--json", "--iterations", ITERATIONS];
    args.extend_from_slice(extra);
    let out = parcours(&args, url);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("plan --json prints JSON")
}

fn latest(url: &str, week: &str, kind: PlanMethod) -> WeekPlan {
    crate::helpers::latest_plan(url, week, kind)
}

fn minutes(t: NaiveDateTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// Every stop of `plan` lies inside its family's availability (and its site's opening hours)
/// and inside its référent's working hours; lunch inside its window.
fn assert_inside_availability_and_hours(territory: &Territory, plan: &WeekPlan) {
    for week in &plan.referents {
        let referent = territory
            .referents
            .iter()
            .find(|r| r.code.as_str() == week.code)
            .unwrap();
        for day in &week.days {
            let weekday = Weekday::from_chrono(day.date.weekday());
            let hours: Vec<_> = referent.working_hours.on(weekday).collect();
            if let (Some(leave), Some(back)) = (day.leave, day.back) {
                assert_eq!(leave.date(), day.date);
                // Only an entry of her agenda (a meeting, a visit fixed at a time) at the edge of
                // her hours makes her day longer.
                let fixed = |s: Option<&Stop>| s.is_some_and(|s| s.confirmed);
                assert!(
                    minutes(leave) >= hours[0].start().minutes() || fixed(day.stops.first()),
                    "{} leaves early",
                    week.code
                );
                assert!(
                    minutes(back) <= hours.last().unwrap().end().minutes()
                        || fixed(day.stops.last()),
                    "{} back late on {}",
                    week.code,
                    day.date
                );
            }
            // Stops follow one another with the travel between them.
            for pair in day.stops.windows(2) {
                assert!(
                    pair[0].end + chrono::Duration::minutes(pair[1].travel_minutes)
                        <= pair[1].start,
                    "{} overlaps {} on {}",
                    pair[0].id,
                    pair[1].id,
                    day.date
                );
            }
            if let (Some((lunch, length)), Some(rule)) = (day.lunch, referent.lunch) {
                assert!(minutes(lunch) >= rule.window.start().minutes());
                assert!(minutes(lunch) + length as u32 <= rule.window.end().minutes());
            }
            for stop in &day.stops {
                let StopKind::Visit { family } = &stop.kind else {
                    continue;
                };
                let family = territory
                    .families
                    .iter()
                    .find(|f| f.code.as_str() == family)
                    .unwrap();
                assert_eq!(stop.start.date(), day.date);
                let (start, end) = (minutes(stop.start), minutes(stop.end));
                assert!(
                    family
                        .availability
                        .on(weekday)
                        .any(|w| w.start().minutes() <= start && end <= w.end().minutes()),
                    "{} visited {} {}–{} outside {}",
                    family.code,
                    day.date,
                    stop.start.time(),
                    stop.end.time(),
                    family.availability
                );
                if let MeetingPlace::Site(code) = &family.meeting_place {
                    let site = territory.sites.iter().find(|s| &s.code == code).unwrap();
                    assert!(
                        site.opening_hours
                            .on(weekday)
                            .any(|w| w.start().minutes() <= start && end <= w.end().minutes()),
                        "{} met at {code} while it is closed",
                        family.code
                    );
                }
            }
        }
    }
}

#[test]
fn the_week_beats_todays_practice_and_respects_every_availability_and_working_hour() {
    // Arrange
    let (_dir, url) = imported();

    // Act
    let report = plan_json(&url, &["--week", "2026-W49", "--compare-baseline"]);

    // Assert: at least as many visits, less travel, nobody over her hours.
    let plan = &report["plan"];
    let baseline = &report["comparison"]["baseline"];
    assert!(plan["visits_placed"].as_u64() >= baseline["visits_placed"].as_u64());
    assert!(
        plan["travel_minutes"].as_i64() < baseline["travel_minutes"].as_i64(),
        "{plan}\n{baseline}"
    );
    assert!(report["comparison"]["saving_percent"].as_f64().unwrap() > 0.0);
    for r in plan["referents"].as_array().unwrap() {
        assert!(r["workload_percent"].as_i64().unwrap() <= 100, "{r}");
    }
    assert_eq!(report["assignment"]["stop"], "optimal");
    assert!(report["assignment"]["gap_percent"].as_f64().unwrap() <= 0.1);
    let territory = load(&url);
    for kind in [PlanMethod::Optimised, PlanMethod::Baseline] {
        assert_inside_availability_and_hours(&territory, &latest(&url, "2026-W49", kind));
    }
}

#[test]
fn no_visit_comes_before_its_tolerance_and_late_visits_say_how_late() {
    let (_dir, url) = imported();
    let report = plan_json(&url, &["--week", "2026-W49"]);
    let territory = load(&url);
    let plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    let monday = IsoWeek::parse("2026-W49").unwrap().monday();
    // Where it bites: families whose window opens after the Monday.
    let mut restricted = 0;
    for r in &plan.referents {
        for day in &r.days {
            for stop in &day.stops {
                let StopKind::Visit { family } = &stop.kind else {
                    continue;
                };
                let f = territory
                    .families
                    .iter()
                    .find(|f| f.code.as_str() == family)
                    .unwrap();
                let Some(last) = f.last_visit else { continue };
                let interval = i64::from(f.frequency.interval_days());
                // 30 % of the interval, in whole days.
                let opens = last + chrono::Days::new((interval - interval * 30 / 100) as u64);
                if opens > monday {
                    restricted += 1;
                }
                assert!(
                    stop.start.date() >= opens,
                    "{family} visited on {} before its window opens on {opens}",
                    stop.start.date()
                );
            }
        }
    }
    assert!(
        restricted > 0,
        "no placed visit had a window opening in the week"
    );
    // Every unmet visit carries its lateness, and the late ones are said so in French.
    let late: Vec<_> = plan.unmet.iter().filter(|u| u.late_days > 0).collect();
    assert!(!late.is_empty());
    for u in &late {
        let f = territory
            .families
            .iter()
            .find(|f| f.code.as_str() == u.family)
            .unwrap();
        let close = f.last_visit.unwrap()
            + chrono::Days::new(u64::from(f.frequency.interval_days() * 13 / 10));
        assert_eq!(u.late_days, (monday - close).num_days(), "{}", u.family);
    }
    // The report's unplaced visits are those due; the others may wait.
    assert_eq!(
        report["plan"]["unmet"].as_array().unwrap().len(),
        plan.unmet.iter().filter(|u| !u.waits).count()
    );
}

#[test]
fn unplaced_visits_are_grouped_by_their_true_cause_and_the_shortfall_is_said_in_hours() {
    let (_dir, url) = imported();
    let report = plan_json(&url, &["--week", "2026-W49"]);
    let plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    // Every unmet visit has a cause, and the groups hold each exactly once.
    assert!(!plan.unmet.is_empty());
    assert!(
        plan.unmet.iter().all(|u| u.cause != UnmetCause::Other),
        "{:?}",
        plan.unmet
    );
    let groups = report["plan"]["unmet_by_cause"].as_array().unwrap();
    let grouped: usize = groups
        .iter()
        .map(|g| g["visits"].as_array().unwrap().len())
        .sum();
    let due: Vec<_> = plan.unmet.iter().filter(|u| !u.waits).collect();
    assert_eq!(grouped, due.len());
    assert!(
        groups.len() < due.len(),
        "one group per visit is a wall, not a grouping"
    );
    // Those that may wait are listed apart, and are not counted as due.
    let deferred = report["plan"]["deferred"].as_array().unwrap();
    assert_eq!(deferred.len(), plan.unmet.len() - due.len());
    assert_eq!(
        report["plan"]["visits_due"].as_u64().unwrap() as usize,
        plan.visits() + due.len()
    );
    // The capacity figure is the time of the visits left out for want of time.
    let short: i64 = plan
        .unmet
        .iter()
        .filter(|u| !u.waits && matches!(u.cause, UnmetCause::Capacity | UnmetCause::Agenda))
        .map(|u| u.minutes)
        .sum();
    assert_eq!(report["capacity"]["minutes"].as_i64().unwrap(), short);
    let per_referent: i64 = report["capacity"]["per_referent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[1].as_i64().unwrap())
        .sum();
    assert_eq!(per_referent, short);
    // The French text says it once per group, and in hours.
    let out = parcours(
        &["plan", "--week", "2026-W49", "--iterations", ITERATIONS],
        &url,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("par cause :"), "{text}");
    for g in groups {
        let heading = format!(
            "  {} — {} visite(s)",
            g["label"].as_str().unwrap(),
            g["visits"].as_array().unwrap().len()
        );
        assert!(text.contains(&heading), "{heading}\n{text}");
    }
    if short > 0 {
        assert!(
            text.contains("de visites dues ne tiennent pas dans la semaine"),
            "{text}"
        );
    }
}

#[test]
fn no_visit_is_planned_on_a_public_holiday() {
    let (_dir, url) = imported();
    // Week 53 of 2026 holds Friday 1 January 2027.
    let report = plan_json(&url, &["--week", "2026-W53"]);
    assert_eq!(report["public_holidays"][0][1], "Jour de l'an");
    let plan = latest(&url, "2026-W53", PlanMethod::Optimised);
    let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert!(plan.visits() > 0);
    for week in &plan.referents {
        assert!(
            week.days.iter().all(|d| d.date != new_year),
            "{} works on 1 January",
            week.code
        );
    }
}

#[test]
fn an_absence_moves_only_that_days_visits() {
    // Arrange: a plan, then R-03 is absent on Thursday.
    let (_dir, url) = imported();
    plan_json(&url, &["--week", "2026-W49"]);
    let before = latest(&url, "2026-W49", PlanMethod::Optimised);
    let thursday = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();

    // Act
    let report = plan_json(&url, &["--week", "2026-W49", "--absent", "R-03:2026-12-03"]);

    // Assert: nothing on R-03's Thursday; every other visit stays on its référent and day.
    let after = latest(&url, "2026-W49", PlanMethod::Optimised);
    let r03 = after.referents.iter().find(|r| r.code == "R-03").unwrap();
    assert!(r03.days.iter().all(|d| d.date != thursday));
    let where_is = |plan: &WeekPlan| {
        let mut at = std::collections::BTreeMap::new();
        for r in &plan.referents {
            for d in &r.days {
                for s in &d.stops {
                    if let StopKind::Visit { family } = &s.kind {
                        at.insert(family.clone(), (r.code.clone(), d.date));
                    }
                }
            }
        }
        at
    };
    let (old, new) = (where_is(&before), where_is(&after));
    let on_absent_day: Vec<&String> = old
        .iter()
        .filter(|(_, (r, d))| r == "R-03" && *d == thursday)
        .map(|(f, _)| f)
        .collect();
    assert!(!on_absent_day.is_empty(), "R-03 had no visit on Thursday");
    let moved: Vec<&String> = old
        .iter()
        .filter(|(f, place)| new.get(*f) != Some(place))
        .map(|(f, _)| f)
        .collect();
    // The re-plan's report: every visit moved or dropped, per référent.
    let reported: Vec<String> = report["changes"]["referents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            let moved = r["moved"].as_array().unwrap().iter();
            moved.chain(r["dropped"].as_array().unwrap())
        })
        .map(|v| v["family"].as_str().unwrap().to_owned())
        .collect();
    for f in &moved {
        assert!(
            on_absent_day.contains(f) || reported.contains(f),
            "{f} moved without being reported"
        );
    }
    assert!(
        moved.len() <= on_absent_day.len() + reported.len(),
        "moved {moved:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_plan() {
    let (_dir, url) = imported();
    plan_json(&url, &["--week", "2026-W49", "--seed", "3"]);
    let first = latest(&url, "2026-W49", PlanMethod::Optimised);
    plan_json(&url, &["--week", "2026-W49", "--seed", "3"]);
    let second = latest(&url, "2026-W49", PlanMethod::Optimised);
    assert_eq!(first, second);
}

/// Keeps both cores busy while it lives: `yes` processes writing to nowhere.
struct Spinners(Vec<std::process::Child>);

impl Spinners {
    fn start(n: usize) -> Spinners {
        Spinners(
            (0..n)
                .map(|_| {
                    std::process::Command::new("yes")
                        .stdout(std::process::Stdio::null())
                        .spawn()
                        .expect("yes runs")
                })
                .collect(),
        )
    }
}

impl Drop for Spinners {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn a_busy_machine_gives_the_same_plan_as_an_idle_one() {
    // Arrange: the default budget is work, not time: a little of it under a generous limit
    // (a debug build is far slower than the reference machine).
    let (_dir, url) = imported();
    let args = [
        "--week",
        "2026-W49",
        "--work-time",
        "0.3",
        "--time-limit",
        "600",
    ];
    // Act: once as the machine is, once with both cores kept busy by two other processes.
    let idle = plan_json(&url, &args);
    let idle_plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    let busy = {
        let _spinners = Spinners::start(2);
        plan_json(&url, &args)
    };
    let busy_plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    // Assert: the search ran out of work, not of time, and made the same plan.
    for run in [&idle, &busy] {
        let stop = run["rota_stop"].as_str().unwrap();
        assert!(stop == "budget" || stop == "no_improvement", "{stop}");
    }
    assert!(idle_plan.visits() > 0);
    assert_eq!(idle_plan, busy_plan);
}

#[test]
fn a_plan_stopped_by_its_time_limit_says_so_in_french() {
    let (_dir, url) = imported();
    // More work than the limit lets a debug build do.
    let out = parcours(
        &[
            "plan",
            "--week",
            "2026-W49",
            "--work-time",
            "60",
            "--time-limit",
            "0.5",
        ],
        &url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("s'est arrêtée sur sa limite de temps"),
        "{text}"
    );
}

/// Events of her calendar: every stop but her private appointments.
fn published(week: &ReferentWeek) -> usize {
    week.days
        .iter()
        .flat_map(|d| &d.stops)
        .filter(|s| !matches!(s.kind, StopKind::Fixed { private: true, .. }))
        .count()
}

#[test]
fn the_agenda_is_planned_at_its_times_and_an_absence_reports_what_it_cancels() {
    // Arrange
    let (_dir, url) = imported();
    let territory = load(&url);
    let week = IsoWeek::parse("2026-W49").unwrap();
    let entries: Vec<_> = territory
        .agenda
        .iter()
        .filter(|e| week.dates().any(|d| d == to_paris(e.start).date()))
        .collect();
    assert!(
        entries.len() >= 5,
        "the fixtures' agenda has entries in W49"
    );
    assert!(entries.iter().any(|e| e.kind == AgendaKind::Visit));
    assert!(entries.iter().any(|e| e.kind == AgendaKind::Personal));

    // Act
    let report = plan_json(&url, &["--week", "2026-W49"]);

    // Assert: each entry is in its référent's week at its time, or reported with why.
    let plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    let unplaced: Vec<&str> = report["agenda_unplaced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0].as_str().unwrap())
        .collect();
    for e in &entries {
        let start = to_paris(e.start);
        let her = plan
            .referents
            .iter()
            .find(|r| r.code == e.referent.as_str())
            .unwrap();
        let found = her.days.iter().flat_map(|d| &d.stops).any(|s| {
            s.start == start
                && match (&s.kind, &e.family) {
                    (StopKind::Visit { family }, Some(f)) => family == f.as_str() && s.confirmed,
                    (StopKind::Fixed { code, .. }, None) => code == e.code.as_str(),
                    _ => false,
                }
        });
        assert!(
            found || unplaced.contains(&e.code.as_str()),
            "{} ({:?}, {} at {start}) is neither planned nor reported",
            e.code,
            e.kind,
            e.referent
        );
    }
    assert!(unplaced.len() < entries.len() / 2, "{unplaced:?}");
    assert_inside_availability_and_hours(&territory, &plan);
    // Families the team pinned, and those with a fixed visit, keep their référent.
    for family in &territory.families {
        let pinned = family.referent_pinned
            || entries
                .iter()
                .any(|e| e.family.as_ref() == Some(&family.code));
        if let (true, Some((current, _))) = (pinned, &family.referent) {
            assert!(
                plan.assignment
                    .iter()
                    .any(|(f, r)| f == family.code.as_str() && r == current.as_str()),
                "{} left its référent",
                family.code
            );
        }
    }

    // Act: the référent of a meeting is absent that day.
    let meeting = entries
        .iter()
        .find(|e| e.kind != AgendaKind::Visit)
        .unwrap();
    let absent = format!("{}:{}", meeting.referent, to_paris(meeting.start).date());
    let report = plan_json(&url, &["--week", "2026-W49", "--absent", &absent]);

    // Assert: the meeting is reported as not planned, with the reason.
    let reported = report["agenda_unplaced"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e[0] == meeting.code.as_str())
        .unwrap_or_else(|| panic!("{} not reported: {report}", meeting.code));
    assert!(
        reported[1].as_str().unwrap().contains("ne travaille pas"),
        "{reported}"
    );
}

pub(crate) fn ical_check() -> Option<std::path::PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/ical-check/check.sh");
    script.is_file().then_some(script)
}

#[test]
fn the_export_is_byte_identical_for_the_same_plan_and_passes_ical_check() {
    // Arrange
    let (dir, url) = imported();
    plan_json(&url, &["--week", "2026-W49", "--compare-baseline"]);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let map = dir.path().join("a/semaine.svg");

    // Act
    for (out, with_map) in [(&a, true), (&b, false)] {
        let mut args = vec![
            "export",
            "--week",
            "2026-W49",
            "--published-at",
            "2026-11-27T16:00:00Z",
            "--out",
            out.to_str().unwrap(),
        ];
        if with_map {
            args.extend(["--map", map.to_str().unwrap()]);
        }
        let result = parcours(&args, &url);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }

    // Assert
    let plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    let territory = load(&url);
    for week in &plan.referents {
        let name = format!("{}.ics", week.code);
        let (x, y) = (
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
        );
        assert_eq!(x, y, "{name} differs between two exports");
        let text = String::from_utf8(x).unwrap();
        assert_eq!(text.matches("BEGIN:VEVENT").count(), published(week));
        // Read back by the icalendar crate: the plan's events, all confirmed, first revision.
        let events = crate::feeds::assert_feed_shows(&text, &crate::feeds::planned(week));
        assert!(events.iter().all(|e| e.sequence == 0), "{name}");
        assert!(text.contains("BEGIN:VTIMEZONE") && text.contains("TZID:Europe/Paris"));
        // Confidentiality: no staff or family name, no coordinates.
        for r in &territory.referents {
            assert!(!text.contains(&r.name), "{name} names {}", r.name);
        }
        assert!(!text.contains("50.3"), "{name} carries coordinates");
    }
    let svg = std::fs::read_to_string(&map).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    assert!(!svg.contains("F-0"), "the map shows family codes");

    match ical_check() {
        Some(script) => {
            for week in plan.referents.iter().filter(|w| published(w) > 0).take(2) {
                let file = a.join(format!("{}.ics", week.code));
                let out = std::process::Command::new("bash")
                    .arg(&script)
                    .arg(&file)
                    .args(["--tz", "Europe/Paris", "--expect-events"])
                    .arg(published(week).to_string())
                    .output()
                    .expect("bash runs ical-check");
                assert!(
                    out.status.success(),
                    "ical-check refused {}:\n{}{}",
                    file.display(),
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        None => println!("skipped: ical-check not found beside the repository (../shared/tools)"),
    }
}

#[test]
fn a_working_day_across_the_spring_dst_gap_is_refused_naming_the_referent() {
    // Arrange: mini, with R-01 working the night of the DST Sunday 28 March 2027.
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir(&case).unwrap();
    for entry in std::fs::read_dir(fixture("cases/mini")).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.file_name().unwrap() == "referents.csv" {
            text = text.replace(
                "vendredi 09:00-16:00;",
                "vendredi 09:00-16:00, dimanche 01:00-04:00;",
            );
        }
        std::fs::write(case.join(path.file_name().unwrap()), text).unwrap();
    }
    let url = format!("sqlite://{}", dir.path().join("dst.db").display());
    let out = parcours(&["import", case.to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Act
    let out = parcours(&["plan", "--week", "2027-W12", "--quiet"], &url);

    // Assert
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("R-01") && err.contains("n'existe pas"),
        "{err}"
    );
}

#[test]
fn a_week_beyond_the_imported_calendar_is_refused_and_nothing_is_stored() {
    let (_dir, url) = imported();
    let out = parcours(&["plan", "--week", "2029-W10", "--quiet"], &url);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "2029-W10, semaine : le calendrier importé ne couvre pas du 2029-03-05 au 2029-03-11 \
             : importer les vacances scolaires de la zone B de cette période \
             (vacances_scolaires.csv ne les donne que du 2024-07-06 au 2028-08-31)"
        ),
        "{err}"
    );
    let export = parcours(
        &["export", "--week", "2029-W10", "--out", "/nonexistent"],
        &url,
    );
    assert_eq!(export.status.code(), Some(1), "a plan was stored");
}

#[test]
fn a_plan_over_three_weeks_publishes_its_first_week_and_what_waits_stays_inside_its_tolerance() {
    let (_dir, url) = imported();
    let report = plan_json(&url, &["--week", "2026-W49", "--weeks", "3"]);
    let territory = load(&url);
    let plan = latest(&url, "2026-W49", PlanMethod::Optimised);
    let week = IsoWeek::parse("2026-W49").unwrap();
    // Only the first week is in the plan.
    assert!(plan.visits() > 0);
    for r in &plan.referents {
        for d in &r.days {
            assert!(week.contains(d.date), "{} {}", r.code, d.date);
        }
    }
    // Visits of the week the later weeks took: each after the Sunday, inside its tolerance
    // (30 % of the interval after its due date), said so in French and not counted as due.
    let later: Vec<_> = plan.unmet.iter().filter(|u| u.later.is_some()).collect();
    assert!(!later.is_empty(), "no visit floated into a later week");
    for u in &later {
        let day = u.later.unwrap();
        let f = territory
            .families
            .iter()
            .find(|f| f.code.as_str() == u.family)
            .unwrap();
        let interval = u64::from(f.frequency.interval_days());
        let close = f.last_visit.unwrap() + chrono::Days::new(interval + interval * 30 / 100);
        assert!(u.waits && u.cause == UnmetCause::Later, "{u:?}");
        assert!(
            day > week.sunday() && day <= close,
            "{} on {day}, closes {close}",
            u.family
        );
        assert!(u.reason.starts_with("prévue le "), "{}", u.reason);
    }
    assert_eq!(
        report["plan"]["later"].as_array().unwrap().len(),
        later.len()
    );
    assert_eq!(
        report["plan"]["visits_due"].as_u64().unwrap() as usize,
        plan.visits() + plan.unmet.iter().filter(|u| !u.waits).count()
    );

    // A re-plan over the same weeks with nothing changed changes nothing.
    let again = plan_json(&url, &["--week", "2026-W49", "--weeks", "3", "--replan"]);
    let replanned = latest(&url, "2026-W49", PlanMethod::Optimised);
    assert_eq!(visits(&replanned), visits(&plan));
    assert_eq!(replanned.unmet, plan.unmet);
    assert_eq!(
        again["changes"]["referents"],
        serde_json::json!([]),
        "{}",
        again["changes"]
    );
}

#[test]
fn a_number_of_weeks_outside_one_to_eight_is_refused_in_french() {
    let (_dir, url) = imported();
    for bad in ["0", "9", "deux"] {
        let out = parcours(&["plan", "--week", "2026-W49", "--weeks", bad], &url);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("n'est pas un nombre de semaines entre 1 et 8"),
            "{err}"
        );
    }
}

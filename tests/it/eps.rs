//! `parcours eps plan`, `export`, `publish` and `invitation` on the reference territory, as a
//! coordinator runs them: every meeting placed with its required members, none on holidays, the
//! invited mostly there, better than a poll; a second plan holds still; `--from` keeps the
//! meetings held; calendars that real parsers accept, free of any family.

use std::collections::BTreeMap;

use chrono::{Datelike as _, Timelike as _};
use parcours::domain::{Territory, Weekday, to_paris};
use parcours::planning::eps::{EpsMeeting, EpsPlan};
use parcours::planning::{Holidays, PlanMethod, SchoolYear};
use serde_json::Value;

use crate::helpers::{fixture, load, parcours};

const YEAR: &str = "2026-2027";

fn imported() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("eps.db").display());
    let out = parcours(&["import", fixture("territory").to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (dir, url)
}

fn eps(url: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["eps"];
    all.extend_from_slice(args);
    let out = parcours(&all, url);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn plan_json(url: &str, extra: &[&str]) -> Value {
    // A debug build: 30 s is enough to place every meeting, not always to prove the gap.
    let mut args = vec!["plan", "--year", YEAR, "--json", "--time-limit", "30"];
    args.extend_from_slice(extra);
    serde_json::from_slice(&eps(url, &args).stdout).expect("eps plan --json prints JSON")
}

fn latest(url: &str) -> EpsPlan {
    let year: SchoolYear = serde_json::from_value(Value::String(YEAR.into())).unwrap();
    crate::helpers::on_store(url, |store| async move {
        store
            .latest_plan::<EpsPlan>(year, PlanMethod::Optimised)
            .await
            .unwrap()
            .expect("a plan is stored")
            .1
    })
}

fn minutes_of(t: chrono::NaiveDateTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// Whether `code` is free for all of `meeting`, from the territory's own data: her weekly
/// availability (a professional's, a référent's hours) and her unavailability.
fn free(territory: &Territory, code: &str, meeting: &EpsMeeting) -> bool {
    let weekday = Weekday::from_chrono(meeting.date.weekday());
    let (start, end) = (
        meeting.start_minutes,
        meeting.start_minutes + meeting.minutes,
    );
    let weekly = if let Some(p) = territory
        .professionals
        .iter()
        .find(|p| p.code.as_str() == code)
    {
        Some(&p.availability)
    } else {
        territory
            .referents
            .iter()
            .find(|r| r.code.as_str() == code)
            .map(|r| &r.working_hours)
    };
    let inside = weekly.is_none_or(|w| {
        w.on(weekday)
            .any(|t| t.start().minutes() <= start && end <= t.end().minutes())
    });
    let away = territory.unavailabilities.iter().any(|u| {
        u.person.as_str() == code
            && to_paris(u.from) < meeting.end()
            && meeting.start() < to_paris(u.to)
    });
    inside && !away
}

#[test]
fn the_year_places_every_meeting_with_its_required_members_off_holidays_better_than_a_poll() {
    // Arrange
    let (_dir, url) = imported();

    // Act
    let report = plan_json(&url, &["--compare-baseline"]);

    // Assert
    let plan = latest(&url);
    let territory = load(&url);
    let figures = &report["figures"];
    let asked: usize = territory
        .eps
        .iter()
        .map(|e| e.meetings_per_year as usize)
        .sum();
    assert_eq!(figures["asked"], asked);
    assert_eq!(figures["placed"], asked, "unmet: {}", report["unmet"]);
    assert_eq!(figures["on_holidays"], 0);
    // BENCHMARKS.md measures the release build against the 85 % target; a debug build in
    // 30 s gets close.
    assert!(
        figures["invited_percent"].as_f64().unwrap() >= 80.0,
        "{figures}"
    );
    let poll = &report["baseline"];
    // The poll, first free slot meeting by meeting, fails somewhere; the plan does not, and
    // keeps more of the invited.
    assert!(
        poll["placed"].as_u64() < figures["placed"].as_u64()
            && poll["invited_percent"].as_f64() < figures["invited_percent"].as_f64(),
        "the plan should beat the poll: {figures} against {poll}"
    );
    // Recounted from the territory's own data, not the plan's figures.
    let holidays = Holidays::of(&territory);
    let mut per_eps: BTreeMap<&str, Vec<&EpsMeeting>> = BTreeMap::new();
    for m in &plan.meetings {
        assert!(
            holidays.school_holiday(m.date).is_none(),
            "{} in holidays",
            m.code
        );
        assert!(
            holidays.public_holiday(m.date).is_none(),
            "{} on a public holiday",
            m.code
        );
        assert!(
            m.date.weekday().num_days_from_monday() < 5,
            "{} at a weekend",
            m.code
        );
        let e = territory
            .eps
            .iter()
            .find(|e| e.code.as_str() == m.eps)
            .unwrap();
        for a in m.attendees.iter().filter(|a| a.role.is_required()) {
            assert!(
                free(&territory, &a.code, m),
                "{} required at {} but not free",
                a.code,
                m.code
            );
        }
        for a in &m.attendees {
            assert!(
                !a.present || free(&territory, &a.code, m),
                "{} present at {}",
                a.code,
                m.code
            );
        }
        let site = territory
            .sites
            .iter()
            .find(|s| s.code.as_str() == m.site)
            .unwrap();
        assert!(
            site.capacity as usize >= m.attendees.len(),
            "{} too small for {}",
            m.site,
            m.code
        );
        let weekday = Weekday::from_chrono(m.date.weekday());
        assert!(
            site.opening_hours
                .on(weekday)
                .any(|t| t.start().minutes() <= m.start_minutes
                    && m.start_minutes + m.minutes <= t.end().minutes()),
            "{} closed for {}",
            m.site,
            m.code
        );
        assert!(
            e.site
                .iter()
                .chain(&e.alternative_sites)
                .any(|s| s.as_str() == m.site)
        );
        per_eps.entry(&m.eps).or_default().push(m);
    }
    // Nobody in two meetings at once.
    let mut by_person: BTreeMap<&str, Vec<&EpsMeeting>> = BTreeMap::new();
    for m in &plan.meetings {
        for a in m.attendees.iter().filter(|a| a.present) {
            by_person.entry(&a.code).or_default().push(m);
        }
    }
    for (person, meetings) in by_person {
        for (i, a) in meetings.iter().enumerate() {
            for b in &meetings[i + 1..] {
                assert!(
                    a.end() <= b.start() || b.end() <= a.start(),
                    "{person} at {} and {} at once",
                    a.code,
                    b.code
                );
            }
        }
    }
    // One meeting per period, unless the EPS asks for a spacing.
    for (code, meetings) in per_eps {
        let e = territory
            .eps
            .iter()
            .find(|e| e.code.as_str() == code)
            .unwrap();
        if e.min_spacing_days.is_none() {
            let mut periods: Vec<u32> = meetings.iter().map(|m| m.period).collect();
            periods.dedup();
            assert_eq!(periods.len(), meetings.len(), "{code} twice in a period");
        }
        assert!(minutes_of(meetings[0].start()) >= 8 * 60);
    }

    // A second plan, nothing changed: nothing moves.
    let again = plan_json(&url, &[]);
    assert_eq!(again["moved"], Value::Array(Vec::new()));
    assert_eq!(latest(&url).meetings, plan.meetings);
}

#[test]
fn each_attendee_gets_a_calendar_real_parsers_accept_that_names_no_family() {
    // Arrange
    let (dir, url) = imported();
    plan_json(&url, &[]);
    let out = dir.path().join("cal");

    // Act
    eps(
        &url,
        &[
            "export",
            "--year",
            YEAR,
            "--out",
            out.to_str().unwrap(),
            "--published-at",
            "2026-08-20T10:00:00Z",
        ],
    );
    eps(&url, &["publish", "--year", YEAR]);

    // Assert
    let plan = latest(&url);
    let territory = load(&url);
    let first = &plan.meetings[0];
    let professional = first
        .attendees
        .iter()
        .find(|a| a.code.starts_with("P-"))
        .unwrap();
    let file = out.join(format!("{}.ics", professional.code));
    let text = std::fs::read_to_string(&file).unwrap();
    let mine = plan
        .meetings
        .iter()
        .filter(|m| m.attendees.iter().any(|a| a.code == professional.code))
        .count();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), mine);
    assert!(text.contains(&format!(
        "SUMMARY:{}",
        first.eps_name.chars().take(20).collect::<String>()
    )));
    assert!(!text.contains("F-0"), "a family code in {}", file.display());
    for child in &territory.children {
        assert!(!text.contains(child.code.as_str()));
    }
    let coordinator = out.join(format!("{}.ics", territory.eps[0].coordinator));
    assert!(coordinator.is_file());
    match crate::plan::ical_check() {
        Some(script) => {
            let checked = std::process::Command::new("bash")
                .arg(&script)
                .arg(&file)
                .args(["--tz", "Europe/Paris", "--expect-events"])
                .arg(mine.to_string())
                .output()
                .expect("bash runs ical-check");
            assert!(
                checked.status.success(),
                "ical-check refused {}:\n{}{}",
                file.display(),
                String::from_utf8_lossy(&checked.stdout),
                String::from_utf8_lossy(&checked.stderr)
            );
        }
        None => println!("skipped: ical-check not found beside the repository (../shared/tools)"),
    }

    // The invitation of one meeting: its list and its calendar.
    let ics = dir.path().join("invitation.ics");
    let listed = eps(
        &url,
        &[
            "invitation",
            "--year",
            YEAR,
            &first.code,
            "--ics",
            ics.to_str().unwrap(),
        ],
    );
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("requis") && listed.contains(&professional.code),
        "{listed}"
    );
    assert_eq!(
        std::fs::read_to_string(&ics)
            .unwrap()
            .matches("BEGIN:VEVENT")
            .count(),
        1
    );
}

#[test]
fn planning_the_rest_of_a_year_keeps_the_meetings_held_before() {
    // Arrange
    let (_dir, url) = imported();
    plan_json(&url, &[]);
    let before = latest(&url);

    // Act
    let refused = parcours(
        &[
            "eps",
            "plan",
            "--year",
            YEAR,
            "--from",
            "2027-01-04",
            "--fresh",
        ],
        &url,
    );
    let report_again = plan_json(&url, &["--from", "2027-01-04"]);

    // Assert
    assert!(
        !refused.status.success(),
        "--from without a plan to keep is refused"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--from"));
    let after = latest(&url);
    for m in before
        .meetings
        .iter()
        .filter(|m| m.date < chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap())
    {
        let kept = after.meetings.iter().find(|x| x.code == m.code).unwrap();
        assert_eq!(
            (kept.date, kept.start_minutes, &kept.site),
            (m.date, m.start_minutes, &m.site)
        );
    }
    assert_eq!(report_again["from"], "2027-01-04");
}

#[test]
fn a_published_year_holds_each_referents_meetings_in_her_weekly_rota_and_shows_them_once() {
    // Arrange: the year planned and published; a meeting a référent attends, and its week.
    let (dir, url) = imported();
    plan_json(&url, &[]);
    eps(&url, &["publish", "--year", YEAR]);
    let plan = latest(&url);
    let (meeting, referent) = plan
        .meetings
        .iter()
        .find_map(|m| {
            m.attendees
                .iter()
                .find(|a| a.code.starts_with("R-") && a.present)
                .map(|a| (m.clone(), a.code.clone()))
        })
        .expect("a référent attends some meeting");
    let week = parcours::planning::IsoWeek::containing(meeting.date);

    // Act
    let out = parcours(
        &[
            "plan",
            "--week",
            &week.to_string(),
            "--json",
            "--iterations",
            "2000",
        ],
        &url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cal = dir.path().join("week");
    let exported = parcours(
        &[
            "export",
            "--week",
            &week.to_string(),
            "--out",
            cal.to_str().unwrap(),
        ],
        &url,
    );

    // Assert: the meeting holds her time at its site, at its hour, in the stored week.
    let stored = crate::helpers::on_store(&url, |store| async move {
        store
            .latest_plan::<parcours::planning::WeekPlan>(week, PlanMethod::Optimised)
            .await
            .unwrap()
            .expect("the week is stored")
            .1
    });
    let her = stored
        .referents
        .iter()
        .find(|r| r.code == referent)
        .expect("her week");
    let held = her
        .days
        .iter()
        .flat_map(|d| &d.stops)
        .find(|s| {
            matches!(&s.kind, parcours::planning::StopKind::Fixed { code, .. } if *code == meeting.code)
        })
        .unwrap_or_else(|| panic!("{} in {referent}'s week {week}", meeting.code));
    assert_eq!(held.start, meeting.start());
    assert_eq!(held.end, meeting.end());
    // Her rota's calendar leaves it out: the year's publication already puts it in her feed.
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let ics = std::fs::read_to_string(cal.join(format!("{referent}.ics"))).unwrap_or_default();
    assert!(!ics.contains(&meeting.code), "{ics}");
}

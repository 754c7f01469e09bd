//! Territory → solver problems: codes become dense indices, weekly windows become minutes from
//! the Monday 00:00 of the week, holidays and absences remove working days.

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};
use parcours_solver::assign;
use parcours_solver::ids::LocationIdx;
use parcours_solver::rota;
use parcours_solver::routing::{Break, TimeWindow};
use parcours_solver::travel::{GeoEstimator, Mode, ModeEstimator, TravelTimes};
use parcours_solver::units::Minutes;

use super::PlanError;
use super::calendar::Holidays;
use super::week::IsoWeek;
use crate::domain::{
    Code, Family, MeetingPlace, Referent, School, SectorKind, Territory, TravelMode, Weekday,
    paris_instant,
};

/// Minutes in a day.
pub(crate) const DAY: i64 = 24 * 60;

/// The territory's places and travel, shared by every problem of a week.
pub(crate) struct Context<'t> {
    pub(crate) territory: &'t Territory,
    pub(crate) week: IsoWeek,
    /// Référents in code order (indices of `territory.referents`).
    pub(crate) referents: Vec<usize>,
    /// Families in code order (indices of `territory.families`).
    pub(crate) families: Vec<usize>,
    pub(crate) points: Vec<(f64, f64)>,
    /// Per référent (in `referents` order): her base.
    pub(crate) base: Vec<LocationIdx>,
    /// Per family (in `families` order): where it is met.
    pub(crate) meeting: Vec<LocationIdx>,
    /// One estimator per travel mode, in [`MODES`] order.
    pub(crate) travels: Vec<ModeEstimator>,
    /// Per référent: index into `travels`.
    pub(crate) mode: Vec<usize>,
}

/// The travel modes, in the order of [`Context::travels`].
pub(crate) const MODES: [Mode; 4] = [Mode::Car, Mode::PublicTransport, Mode::Bike, Mode::Walk];

fn mode_index(mode: TravelMode) -> usize {
    match mode {
        TravelMode::Car => 0,
        TravelMode::PublicTransport => 1,
        TravelMode::Bike => 2,
        TravelMode::Walk => 3,
    }
}

impl<'t> Context<'t> {
    pub(crate) fn new(territory: &'t Territory, week: IsoWeek) -> Result<Context<'t>, PlanError> {
        let mut referents: Vec<usize> = (0..territory.referents.len()).collect();
        referents.sort_by(|&a, &b| {
            territory.referents[a]
                .code
                .cmp(&territory.referents[b].code)
        });
        let mut families: Vec<usize> = (0..territory.families.len()).collect();
        families.sort_by(|&a, &b| territory.families[a].code.cmp(&territory.families[b].code));
        let mut points = Vec::new();
        let mut base = Vec::new();
        for &r in &referents {
            let p = territory.referents[r].base;
            base.push(LocationIdx::new(points.len()));
            points.push((p.lat(), p.lon()));
        }
        let mut site_location = BTreeMap::new();
        for site in &territory.sites {
            site_location.insert(&site.code, LocationIdx::new(points.len()));
            points.push((site.location.lat(), site.location.lon()));
        }
        let mut meeting = Vec::new();
        for &f in &families {
            let family = &territory.families[f];
            let at = match &family.meeting_place {
                MeetingPlace::Site(code) => *site_location.get(code).ok_or_else(|| {
                    PlanError::data(&family.code, "lieu", format!("lieu {code} inconnu"))
                })?,
                MeetingPlace::Home => {
                    points.push((family.location.lat(), family.location.lon()));
                    LocationIdx::new(points.len() - 1)
                }
            };
            meeting.push(at);
        }
        let geo = GeoEstimator::new(points.clone())
            .map_err(|e| PlanError::data("territoire", "coordonnées", e.to_string()))?;
        let travels = MODES
            .iter()
            .map(|&m| ModeEstimator::new(geo.clone(), m))
            .collect();
        let mode = referents
            .iter()
            .map(|&r| mode_index(territory.referents[r].travel_mode))
            .collect();
        Ok(Context {
            territory,
            week,
            referents,
            families,
            points,
            base,
            meeting,
            travels,
            mode,
        })
    }

    pub(crate) fn referent(&self, r: usize) -> &'t Referent {
        &self.territory.referents[self.referents[r]]
    }

    pub(crate) fn family(&self, f: usize) -> &'t Family {
        &self.territory.families[self.families[f]]
    }

    pub(crate) fn travel(&self, r: usize) -> &ModeEstimator {
        &self.travels[self.mode[r]]
    }

    /// Index of the référent with `code`.
    pub(crate) fn referent_index(&self, code: &Code) -> Option<usize> {
        (0..self.referents.len()).find(|&r| &self.referent(r).code == code)
    }

    /// The current référent of family `f` (an index), if she exists.
    pub(crate) fn current(&self, f: usize) -> Option<usize> {
        let (code, _) = self.family(f).referent.as_ref()?;
        self.referent_index(code)
    }
}

/// Whether `referent`'s sector covers `family`: criteria of the same kind are alternatives,
/// kinds are cumulative (DESIGN.md, glossary "secteur"). Levels and school groups look at the
/// family's children's schools.
fn in_sector(schools: &[&School], referent: &Referent, family: &Family) -> bool {
    let kinds = [
        SectorKind::Commune,
        SectorKind::Qpv,
        SectorKind::Level,
        SectorKind::SchoolGroup,
    ];
    kinds.iter().all(|&kind| {
        let mut criteria = referent
            .sectors
            .iter()
            .filter(|c| c.kind == kind)
            .peekable();
        if criteria.peek().is_none() {
            return true;
        }
        criteria.any(|c| match kind {
            SectorKind::Commune => family.commune.as_str() == c.value,
            SectorKind::Qpv => family.qpv.as_ref().is_some_and(|q| q.as_str() == c.value),
            SectorKind::Level => schools.iter().any(|s| s.level.key() == c.value),
            SectorKind::SchoolGroup => schools
                .iter()
                .any(|s| s.group.as_deref() == Some(c.value.as_str())),
        })
    })
}

/// Whole months from `since` to `to`.
fn months_between(since: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - since.year()) * 12 + to.month() as i32
        - since.month() as i32
        - i32::from(to.day() < since.day());
    months.max(0) as u32
}

/// The assignment problem of the team.
pub(crate) fn assignment_problem(
    ctx: &Context<'_>,
    sectors: assign::SectorRule,
) -> Result<assign::Problem, PlanError> {
    let mut languages: BTreeMap<String, u32> = BTreeMap::new();
    let mut language_index = |code: &str| {
        let next = languages.len() as u32;
        *languages.entry(code.to_owned()).or_insert(next)
    };
    let referents: Vec<assign::Referent> = (0..ctx.referents.len())
        .map(|r| {
            let referent = ctx.referent(r);
            assign::Referent {
                max_caseload: referent.max_caseload,
                languages: referent
                    .languages
                    .iter()
                    .map(|l| language_index(l.code()))
                    .collect(),
                monthly_minutes: monthly_minutes(referent),
            }
        })
        .collect();
    let families: Vec<assign::Family> = (0..ctx.families.len())
        .map(|f| {
            let family = ctx.family(f);
            let current = ctx.current(f).map(|referent| assign::Current {
                referent,
                months: family
                    .referent
                    .as_ref()
                    .map_or(0, |(_, since)| months_between(*since, ctx.week.monday())),
            });
            assign::Family {
                language: (family.language.code() != "fr")
                    .then(|| language_index(family.language.code())),
                visits_per_month_x100: i64::from(family.frequency.visits_per_month_x100()),
                visit_minutes: i64::from(family.visit_minutes),
                current,
                pinned: false,
            }
        })
        .collect();
    // The schools of each family's children, once.
    let school_of: BTreeMap<&Code, &School> =
        ctx.territory.schools.iter().map(|s| (&s.code, s)).collect();
    let mut schools_of: BTreeMap<&Code, Vec<&School>> = BTreeMap::new();
    for child in &ctx.territory.children {
        if let Some(school) = child.school.as_ref().and_then(|c| school_of.get(c)) {
            schools_of.entry(&child.family).or_default().push(school);
        }
    }
    let no_school = Vec::new();
    let mut pairs = Vec::with_capacity(referents.len() * families.len());
    for r in 0..ctx.referents.len() {
        let travel = ctx.travel(r);
        for f in 0..ctx.families.len() {
            let (out, back) = (
                travel.leg(ctx.base[r], ctx.meeting[f]),
                travel.leg(ctx.meeting[f], ctx.base[r]),
            );
            pairs.push(assign::Pair {
                round_trip: Minutes(out.minutes.0 + back.minutes.0),
                in_sector: in_sector(
                    schools_of.get(&ctx.family(f).code).unwrap_or(&no_school),
                    ctx.referent(r),
                    ctx.family(f),
                ),
            });
        }
    }
    let weights = assign::Weights {
        sectors,
        ..assign::Weights::default()
    };
    assign::Problem::new(referents, families, pairs, weights).map_err(|e| match e {
        assign::AssignError::Invalid {
            item,
            index,
            field,
            message,
        } => {
            let record = if item == "famille" {
                ctx.family(index).code.to_string()
            } else {
                ctx.referent(index).code.to_string()
            };
            PlanError::data(record, field, message)
        }
        other => PlanError::Solver(other.to_string()),
    })
}

/// Working minutes a month: the weekly hours less lunch, × 4.33 weeks.
fn monthly_minutes(referent: &Referent) -> i64 {
    let days = Weekday::ALL
        .iter()
        .filter(|&&d| referent.working_hours.on(d).next().is_some())
        .count() as i64;
    let lunch = referent.lunch.map_or(0, |l| i64::from(l.minutes));
    (i64::from(referent.working_hours.weekly_minutes()) - days * lunch) * 433 / 100
}

/// A working day of the week: the référent (index) and the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WorkDay {
    pub(crate) referent: usize,
    pub(crate) date: NaiveDate,
}

/// A visit of the week: the family (index) it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DueVisit {
    pub(crate) family: usize,
    /// Days past its due date on the Monday (0 when due within the week).
    pub(crate) overdue_days: i64,
}

/// Local time of day `minutes` on `date`, checked to exist once in Europe/Paris.
fn check_local(date: NaiveDate, minutes: u32, record: &Code) -> Result<(), PlanError> {
    let Some(time) = chrono::NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0) else {
        return Ok(()); // 24:00: the next midnight, which always exists
    };
    paris_instant(date.and_time(time))
        .map(|_| ())
        .map_err(|e| PlanError::data(record, "horaires", e.to_string()))
}

/// The working days of the week: each référent's days with hours, minus public holidays and
/// absences. A day whose hours cross a local time that does not exist, or exists twice (the
/// DST Sundays), is refused rather than shifted.
pub(crate) fn working_days(
    ctx: &Context<'_>,
    holidays: &Holidays,
    absences: &[(Code, NaiveDate)],
) -> Result<(Vec<WorkDay>, Vec<rota::Day>), PlanError> {
    let mut meta = Vec::new();
    let mut days = Vec::new();
    for r in 0..ctx.referents.len() {
        let referent = ctx.referent(r);
        for (d, date) in ctx.week.dates().enumerate() {
            let weekday = Weekday::from_chrono(date.weekday());
            let ranges: Vec<_> = referent.working_hours.on(weekday).collect();
            let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else {
                continue;
            };
            if holidays.public_holiday(date).is_some()
                || absences
                    .iter()
                    .any(|(c, day)| c == &referent.code && *day == date)
            {
                continue;
            }
            let (start, end) = (first.start().minutes(), last.end().minutes());
            for probe in [start, end, 150] {
                if (start..=end).contains(&probe) {
                    check_local(date, probe, &referent.code)?;
                }
            }
            let at = d as i64 * DAY;
            let lunch = referent.lunch.map(|l| Break {
                window: TimeWindow::new(
                    Minutes(at + i64::from(l.window.start().minutes())),
                    Minutes(at + i64::from(l.window.end().minutes() - l.minutes)),
                ),
                duration: Minutes(i64::from(l.minutes)),
            });
            meta.push(WorkDay { referent: r, date });
            days.push(rota::Day {
                referent: r,
                hours: TimeWindow::new(
                    Minutes(at + i64::from(start)),
                    Minutes(at + i64::from(end)),
                ),
                lunch,
            });
        }
    }
    Ok((meta, days))
}

/// Whether family `f` is due a visit this week, and by how many days it is overdue.
pub(crate) fn due(ctx: &Context<'_>, f: usize) -> Option<DueVisit> {
    let family = ctx.family(f);
    let monday = ctx.week.monday();
    let due_date = family
        .last_visit
        .map(|d| d + chrono::Days::new(u64::from(family.frequency.interval_days())));
    match due_date {
        None => Some(DueVisit {
            family: f,
            overdue_days: 0,
        }),
        Some(d) if d <= ctx.week.sunday() => Some(DueVisit {
            family: f,
            overdue_days: (monday - d).num_days().max(0),
        }),
        Some(_) => None,
    }
}

/// When family `f` can be visited this week, minutes from Monday 00:00: its weekly windows,
/// intersected with its neutral site's opening hours when it is met there.
pub(crate) fn availability(ctx: &Context<'_>, f: usize) -> Vec<TimeWindow> {
    let family = ctx.family(f);
    let site = match &family.meeting_place {
        MeetingPlace::Site(code) => ctx.territory.sites.iter().find(|s| &s.code == code),
        MeetingPlace::Home => None,
    };
    let mut out = Vec::new();
    for (d, date) in ctx.week.dates().enumerate() {
        let weekday = Weekday::from_chrono(date.weekday());
        let at = d as i64 * DAY;
        for range in family.availability.on(weekday) {
            let (a, b) = (range.start().minutes(), range.end().minutes());
            let pieces: Vec<(u32, u32)> = match site {
                None => vec![(a, b)],
                Some(site) => site
                    .opening_hours
                    .on(weekday)
                    .filter_map(|o| {
                        let (s, e) = (a.max(o.start().minutes()), b.min(o.end().minutes()));
                        (s < e).then_some((s, e))
                    })
                    .collect(),
            };
            for (s, e) in pieces {
                out.push(TimeWindow::new(
                    Minutes(at + i64::from(s)),
                    Minutes(at + i64::from(e)),
                ));
            }
        }
    }
    out.sort();
    // Touching windows (site closes at noon, family free until 12:30) merge into one.
    let mut merged: Vec<TimeWindow> = Vec::with_capacity(out.len());
    for w in out {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

/// The rota problem of the week for `assignment` (a référent index per family, in `families`
/// order), with what a re-plan keeps.
pub(crate) fn rota_problem<'c>(
    ctx: &'c Context<'_>,
    assignment: &[Option<usize>],
    days: Vec<rota::Day>,
    due_visits: &[DueVisit],
    keeps: &dyn Fn(usize) -> rota::Keep,
) -> Result<rota::Problem<'c>, PlanError> {
    let referents = (0..ctx.referents.len())
        .map(|r| rota::Referent {
            base: ctx.base[r],
            travel: ctx.mode[r],
        })
        .collect();
    let visits = due_visits
        .iter()
        .map(|due| {
            let f = due.family;
            rota::Visit {
                referent: assignment[f].expect("BUG: only assigned families are due"),
                location: ctx.meeting[f],
                duration: Minutes(i64::from(ctx.family(f).visit_minutes)),
                available: availability(ctx, f),
                priority: due.overdue_days * 5,
                keep: keeps(f),
            }
        })
        .collect();
    let travels: Vec<&dyn TravelTimes> =
        ctx.travels.iter().map(|t| t as &dyn TravelTimes).collect();
    rota::Problem::new(referents, days, visits, travels)
        .map_err(|e| PlanError::Solver(e.to_string()))
}

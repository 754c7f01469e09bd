//! Territory → solver problems: codes become dense indices, weekly windows become minutes from
//! the Monday 00:00 of the week, holidays and absences remove working days.

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};
use parcours_solver::assign;
use parcours_solver::ids::LocationIdx;
use parcours_solver::rota;
use parcours_solver::routing::{Break, TimeWindow};
use parcours_solver::travel::{GeoEstimator, Leg, Mode, ModeEstimator, TravelTimes};
use parcours_solver::units::Minutes;

use super::PlanError;
use super::calendar::Holidays;
use super::week::IsoWeek;
use crate::domain::{
    AgendaKind, Code, Family, MeetingPlace, Referent, School, SectorKind, Territory, TravelMode,
    Weekday, paris_instant, to_paris,
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
    /// Where each neutral site is.
    pub(crate) site_location: BTreeMap<&'t Code, LocationIdx>,
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
    pub(crate) fn new(
        territory: &'t Territory,
        week: IsoWeek,
        measured: &[crate::domain::TravelOverride],
    ) -> Result<Context<'t>, PlanError> {
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
        // Measured drives between the places the week uses: bases, sites, homes.
        let mut at: BTreeMap<&Code, LocationIdx> = site_location.clone();
        for (i, &r) in referents.iter().enumerate() {
            at.insert(&territory.referents[r].code, base[i]);
        }
        for (i, &f) in families.iter().enumerate() {
            if territory.families[f].meeting_place == MeetingPlace::Home {
                at.insert(&territory.families[f].code, meeting[i]);
            }
        }
        let measured: BTreeMap<(LocationIdx, LocationIdx), Leg> = measured
            .iter()
            .filter_map(|m| {
                let leg = Leg {
                    minutes: Minutes(i64::from(m.minutes)),
                    meters: parcours_solver::units::Meters(i64::from(m.metres)),
                };
                Some(((*at.get(&m.from)?, *at.get(&m.to)?), leg))
            })
            .collect();
        let measured = std::sync::Arc::new(measured);
        let travels = MODES
            .iter()
            .map(|&m| ModeEstimator::new(geo.clone(), m).with_measured(measured.clone()))
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
            site_location,
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

/// The assignment problem of the team; families in `pinned` keep their current référent on
/// top of those the team pinned (a visit fixed this week with her).
pub(crate) fn assignment_problem(
    ctx: &Context<'_>,
    sectors: assign::SectorRule,
    pinned: &dyn Fn(usize) -> bool,
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
                pinned: current.is_some() && (family.referent_pinned || pinned(f)),
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

/// A stretch of a working day she is off (between two ranges of her hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Off {
    /// The day (index into the days of [`working_days`]).
    pub(crate) day: usize,
    /// Start, minutes from Monday 00:00.
    pub(crate) start: i64,
    /// Length, minutes.
    pub(crate) minutes: i64,
}

/// What [`working_days`] finds.
pub(crate) struct WorkingDays {
    /// Whose day and which date, per day.
    pub(crate) meta: Vec<WorkDay>,
    /// The days as the rota sees them.
    pub(crate) days: Vec<rota::Day>,
    /// Stretches off inside the days.
    pub(crate) off: Vec<Off>,
}

/// The working days of the week: each référent's days with hours, minus public holidays and
/// absences, and the stretches she is off inside a day whose hours come in several ranges. A
/// day whose hours cross a local time that does not exist, or exists twice (the DST Sundays),
/// is refused rather than shifted.
///
/// Lunch: a break inside her lunch window, clipped to the day's hours, and none on a day that
/// cannot hold it (a morning only). When a stretch off holds her lunch (hours `09:00-12:00,
/// 13:30-17:00`), that stretch is the break; other stretches off are returned as [`Off`].
pub(crate) fn working_days(
    ctx: &Context<'_>,
    holidays: &Holidays,
    absences: &[(Code, NaiveDate)],
) -> Result<WorkingDays, PlanError> {
    let mut meta = Vec::new();
    let mut days = Vec::new();
    let mut off = Vec::new();
    for r in 0..ctx.referents.len() {
        let referent = ctx.referent(r);
        for (d, date) in ctx.week.dates().enumerate() {
            let weekday = Weekday::from_chrono(date.weekday());
            let ranges: Vec<(i64, i64)> = referent
                .working_hours
                .on(weekday)
                .map(|t| (i64::from(t.start().minutes()), i64::from(t.end().minutes())))
                .collect();
            let (Some(&(start, _)), Some(&(_, end))) = (ranges.first(), ranges.last()) else {
                continue;
            };
            if holidays.public_holiday(date).is_some()
                || absences
                    .iter()
                    .any(|(c, day)| c == &referent.code && *day == date)
            {
                continue;
            }
            for probe in [start, end, 150] {
                if (start..=end).contains(&probe) {
                    check_local(date, probe as u32, &referent.code)?;
                }
            }
            let at = d as i64 * DAY;
            let gaps: Vec<(i64, i64)> = ranges
                .windows(2)
                .map(|w| (w[0].1, w[1].0))
                .filter(|(a, b)| a < b)
                .collect();
            let rule = referent.lunch.map(|l| {
                (
                    i64::from(l.window.start().minutes()),
                    i64::from(l.window.end().minutes()),
                    i64::from(l.minutes),
                )
            });
            // The stretch off that holds her lunch, if one does; else the first, when she has
            // no lunch rule.
            let holds =
                |&(a, b): &(i64, i64)| rule.is_none_or(|(ws, we, m)| b.min(we) - a.max(ws) >= m);
            let as_break = gaps.iter().position(holds);
            let lunch = match as_break {
                Some(g) => Some(Break {
                    window: TimeWindow::new(Minutes(at + gaps[g].0), Minutes(at + gaps[g].0)),
                    duration: Minutes(gaps[g].1 - gaps[g].0),
                }),
                None => rule.and_then(|(ws, we, m)| {
                    let (from, to) = (ws.max(start), we.min(end) - m);
                    (from <= to).then(|| Break {
                        window: TimeWindow::new(Minutes(at + from), Minutes(at + to)),
                        duration: Minutes(m),
                    })
                }),
            };
            for (g, &(a, b)) in gaps.iter().enumerate() {
                if Some(g) != as_break {
                    off.push(Off {
                        day: days.len(),
                        start: at + a,
                        minutes: b - a,
                    });
                }
            }
            let hours = TimeWindow::new(Minutes(at + start), Minutes(at + end));
            meta.push(WorkDay { referent: r, date });
            days.push(rota::Day {
                referent: r,
                hours,
                open: hours,
                lunch,
            });
        }
    }
    Ok(WorkingDays { meta, days, off })
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
/// order), with what a re-plan keeps: the due visits first, in `due_visits` order, then the
/// engagements of `agenda`, in its order. A fixed visit is kept at its time when its family
/// stays with the référent it was fixed with. With `open_dates`, a visit not kept exactly may
/// only be placed on those dates (a visit report's re-plan).
pub(crate) fn rota_problem<'c>(
    ctx: &'c Context<'_>,
    assignment: &[Option<usize>],
    days: Vec<rota::Day>,
    due_visits: &[DueVisit],
    agenda: &WeekAgenda,
    keeps: &dyn Fn(usize) -> rota::Keep,
    open_dates: Option<&[NaiveDate]>,
) -> Result<rota::Problem<'c>, PlanError> {
    let referents = (0..ctx.referents.len())
        .map(|r| rota::Referent {
            base: ctx.base[r],
            travel: ctx.mode[r],
        })
        .collect();
    let mut visits: Vec<rota::Visit> = due_visits
        .iter()
        .map(|due| {
            let f = due.family;
            let referent = assignment[f].expect("BUG: only assigned families are due");
            let fixed = agenda
                .fixed_visits
                .get(&f)
                .filter(|fixed| fixed.referent == referent);
            // A re-plan's exact keep (a visit the référent moved) wins over the agenda's time.
            let keep = match (keeps(f), fixed) {
                (exact @ rota::Keep::Exact { .. }, _) => exact,
                (_, Some(fixed)) => rota::Keep::Exact {
                    day: fixed.day,
                    start: Minutes(fixed.start),
                },
                (keep, None) => keep,
            };
            let mut available = availability(ctx, f);
            if let Some(open) = open_dates {
                let monday = ctx.week.monday();
                available.retain(|w| {
                    let day = u64::try_from(w.start.0.div_euclid(DAY)).unwrap_or(u64::MAX);
                    open.contains(&(monday + chrono::Days::new(day)))
                });
            }
            rota::Visit {
                referent,
                location: ctx.meeting[f],
                duration: Minutes(
                    fixed.map_or(i64::from(ctx.family(f).visit_minutes), |v| v.minutes),
                ),
                available,
                priority: due.overdue_days * 5,
                keep,
            }
        })
        .collect();
    visits.extend(agenda.engagements.iter().map(|e| rota::Visit {
        referent: e.referent,
        location: e.location,
        duration: Minutes(e.minutes),
        available: Vec::new(),
        priority: 0,
        keep: rota::Keep::Exact {
            day: e.day,
            start: Minutes(e.start),
        },
    }));
    let travels: Vec<&dyn TravelTimes> =
        ctx.travels.iter().map(|t| t as &dyn TravelTimes).collect();
    rota::Problem::new(referents, days, visits, travels)
        .map_err(|e| PlanError::Solver(e.to_string()))
}

/// What holds a référent's time at a fixed hour of the week: an agenda entry, or a stretch
/// off between two ranges of her hours. The rota plans around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Engagement {
    /// Index into `territory.agenda`; `None` for a stretch off.
    pub(crate) entry: Option<usize>,
    /// The référent (index).
    pub(crate) referent: usize,
    /// Her working day (index into the days of [`working_days`]).
    pub(crate) day: usize,
    /// Start, minutes from Monday 00:00.
    pub(crate) start: i64,
    /// Length, minutes.
    pub(crate) minutes: i64,
    /// Where.
    pub(crate) location: LocationIdx,
}

/// A visit fixed in the agenda: it happens at that time, with that référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedVisit {
    /// Index into `territory.agenda`.
    pub(crate) entry: usize,
    /// The référent (index).
    pub(crate) referent: usize,
    /// Her working day (index into the days of [`working_days`]).
    pub(crate) day: usize,
    /// Start, minutes from Monday 00:00.
    pub(crate) start: i64,
    /// Length, minutes (the entry's, which may differ from the family's usual length).
    pub(crate) minutes: i64,
}

/// The agenda of the week as the planner uses it.
#[derive(Debug, Clone, Default)]
pub(crate) struct WeekAgenda {
    /// Meetings, sessions, trainings and personal appointments.
    pub(crate) engagements: Vec<Engagement>,
    /// Fixed visits, by family index.
    pub(crate) fixed_visits: BTreeMap<usize, FixedVisit>,
    /// Entries of the week the plan cannot honour: (code, French reason).
    pub(crate) ignored: Vec<(String, String)>,
}

/// The agenda entries falling in the week, and the stretches `off` (kept at her base). An
/// entry on a day its référent does not work (holiday, absence, day off) is reported and left
/// out; one outside her hours widens that day so that she can get there and back, for that
/// entry only ([`rota::Day::open`] stays her hours). A day whose entries leave no room for
/// lunch inside her lunch window has no break: she eats at the meeting or training.
pub(crate) fn week_agenda(
    ctx: &Context<'_>,
    meta: &[WorkDay],
    days: &mut [rota::Day],
    off: &[Off],
) -> Result<WeekAgenda, PlanError> {
    let mut out = WeekAgenda::default();
    out.engagements.extend(off.iter().map(|o| Engagement {
        entry: None,
        referent: days[o.day].referent,
        day: o.day,
        start: o.start,
        minutes: o.minutes,
        location: ctx.base[days[o.day].referent],
    }));
    let monday = ctx
        .week
        .monday()
        .and_hms_opt(0, 0, 0)
        .expect("BUG: midnight exists");
    for (i, entry) in ctx.territory.agenda.iter().enumerate() {
        let local = to_paris(entry.start);
        if !ctx.week.dates().any(|d| d == local.date()) {
            continue;
        }
        let Some(r) = ctx.referent_index(&entry.referent) else {
            return Err(PlanError::data(
                &entry.code,
                "referent",
                format!("référent {} inconnu", entry.referent),
            ));
        };
        let start = (local - monday).num_minutes();
        let end = start + i64::from(entry.minutes);
        let when = local.format("%d/%m %H:%M");
        let Some(day) = meta
            .iter()
            .position(|w| w.referent == r && w.date == local.date())
        else {
            out.ignored.push((
                entry.code.to_string(),
                format!(
                    "{} ne travaille pas le {} (jour non travaillé, férié ou absence) : non planifié",
                    entry.referent, when
                ),
            ));
            continue;
        };
        let location =
            if entry.kind == AgendaKind::Visit {
                let Some(f) = entry.family.as_ref().and_then(|code| {
                    (0..ctx.families.len()).find(|&f| &ctx.family(f).code == code)
                }) else {
                    return Err(PlanError::data(&entry.code, "famille", "famille inconnue"));
                };
                if ctx.current(f) != Some(r) {
                    out.ignored.push((
                    entry.code.to_string(),
                    format!(
                        "la famille {} n'est plus suivie par {} : visite fixée du {} non reprise",
                        ctx.family(f).code,
                        entry.referent,
                        when
                    ),
                ));
                    continue;
                }
                out.fixed_visits.insert(
                    f,
                    FixedVisit {
                        entry: i,
                        referent: r,
                        day,
                        start,
                        minutes: i64::from(entry.minutes),
                    },
                );
                ctx.meeting[f]
            } else {
                match &entry.site {
                    Some(site) => *ctx.site_location.get(site).ok_or_else(|| {
                        PlanError::data(&entry.code, "lieu", format!("lieu {site} inconnu"))
                    })?,
                    None => ctx.base[r],
                }
            };
        // Widen her day when the entry (and the way there and back) lies outside her hours.
        let travel = ctx.travel(r);
        let hours = &mut days[day].hours;
        hours.start = hours
            .start
            .min(Minutes(start - travel.leg(ctx.base[r], location).minutes.0));
        hours.end = hours
            .end
            .max(Minutes(end + travel.leg(location, ctx.base[r]).minutes.0));
        if entry.kind != AgendaKind::Visit {
            out.engagements.push(Engagement {
                entry: Some(i),
                referent: r,
                day,
                start,
                minutes: i64::from(entry.minutes),
                location,
            });
        }
    }
    // Lunch around the fixed times of each day.
    for (d, day) in days.iter_mut().enumerate() {
        let Some(lunch) = day.lunch else { continue };
        let mut busy: Vec<(i64, i64)> = out
            .engagements
            .iter()
            .filter(|e| e.day == d && e.entry.is_some())
            .map(|e| (e.start, e.start + e.minutes))
            .chain(
                out.fixed_visits
                    .values()
                    .filter(|v| v.day == d)
                    .map(|v| (v.start, v.start + v.minutes)),
            )
            .collect();
        if busy.is_empty() {
            continue;
        }
        busy.sort_unstable();
        let (from, to) = (lunch.window.start.0, lunch.window.end.0 + lunch.duration.0);
        let mut at = from;
        let mut room = 0;
        for (a, b) in busy {
            room = room.max(a.min(to) - at);
            at = at.max(b);
        }
        room = room.max(to - at);
        if room < lunch.duration.0 {
            day.lunch = None;
        }
    }
    Ok(out)
}

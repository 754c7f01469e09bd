//! Territory → solver problems: codes become dense indices, weekly windows become the days of
//! the week, holidays and absences become closed days. The rules that combine them (working
//! days, lunch, availability at a site, fixed appointments) are the rota's (`rota::rules`).

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};
use parcours_solver::assign;
use parcours_solver::ids::LocationIdx;
use parcours_solver::rota;
use parcours_solver::travel::{GeoEstimator, Leg, Mode, ModeEstimator, TravelTimes};
use parcours_solver::units::Minutes;

use super::PlanError;
use super::calendar::Holidays;
use super::week::IsoWeek;
use crate::domain::{
    AgendaKind, Code, Family, MeetingPlace, Referent, School, SectorKind, Territory, TravelMode,
    Weekday, paris_instant, to_paris,
};

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

pub(crate) fn mode_index(mode: TravelMode) -> usize {
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
    let pairs = pairs(ctx);
    let weights = assign::Weights {
        sectors,
        ..assign::Weights::default()
    };
    assign::Problem::new(referents, families, pairs, weights).map_err(|e| {
        let record = if e.item == "famille" {
            ctx.family(e.index).code.to_string()
        } else {
            ctx.referent(e.index).code.to_string()
        };
        PlanError::data(record, e.field, e.message)
    })
}

/// Hours, lunch rules, availability and opening hours of a typical week (no day closed), per
/// référent and family: what [`rota::rules::first_visit_start`] reads.
pub(crate) struct TypicalWeek {
    hours: Vec<rota::Weekly>,
    lunch: Vec<Option<rota::LunchRule>>,
    available: Vec<rota::Weekly>,
    /// Per family: the opening hours of the site where it is met, if it is.
    opening: Vec<Option<rota::Weekly>>,
}

impl TypicalWeek {
    pub(crate) fn of(ctx: &Context<'_>) -> TypicalWeek {
        let sites: BTreeMap<&Code, rota::Weekly> = ctx
            .territory
            .sites
            .iter()
            .map(|s| (&s.code, days_of(ctx, &s.opening_hours)))
            .collect();
        TypicalWeek {
            hours: (0..ctx.referents.len())
                .map(|r| days_of(ctx, &ctx.referent(r).working_hours))
                .collect(),
            lunch: (0..ctx.referents.len())
                .map(|r| lunch_rule(ctx.referent(r)))
                .collect(),
            available: (0..ctx.families.len())
                .map(|f| days_of(ctx, &ctx.family(f).availability))
                .collect(),
            opening: (0..ctx.families.len())
                .map(|f| match &ctx.family(f).meeting_place {
                    MeetingPlace::Site(code) => sites.get(code).cloned(),
                    MeetingPlace::Home => None,
                })
                .collect(),
        }
    }

    /// The first start (minutes from Monday) at which référent `r` can visit family `f` in a
    /// typical week, travel from her base and back included; `None` when she never can.
    pub(crate) fn first_visit(&self, ctx: &Context<'_>, r: usize, f: usize) -> Option<Minutes> {
        let travel = ctx.travel(r);
        rota::rules::first_visit_start(
            &self.hours[r],
            self.lunch[r],
            &self.available[f],
            self.opening[f].as_ref(),
            Minutes(i64::from(ctx.family(f).visit_minutes)),
            travel.leg(ctx.base[r], ctx.meeting[f]).minutes,
            travel.leg(ctx.meeting[f], ctx.base[r]).minutes,
        )
    }
}

/// Why family `f` is left without a référent, in French, with what makes it so: its
/// availability (and its site's opening hours) when nobody can visit it, and who could visit it
/// when they may not follow it.
pub(crate) fn unassigned_detail(
    ctx: &Context<'_>,
    problem: &assign::Problem,
    f: usize,
    reason: parcours_solver::unmet::UnmetReason,
) -> String {
    use parcours_solver::unmet::UnmetReason;
    let family = ctx.family(f);
    let mut text = reason.to_string();
    if matches!(
        reason,
        UnmetReason::NoVisitPossible | UnmetReason::NoVisitAllowed
    ) {
        text.push_str(&format!(
            " (disponibilités : {} ; visite de {} min",
            family.availability, family.visit_minutes
        ));
        if let MeetingPlace::Site(code) = &family.meeting_place
            && let Some(site) = ctx.territory.sites.iter().find(|s| &s.code == code)
        {
            text.push_str(&format!(" ; lieu {code} ouvert {}", site.opening_hours));
        }
        text.push(')');
    }
    if reason == UnmetReason::NoVisitAllowed {
        let could: Vec<String> = (0..ctx.referents.len())
            .filter(|&r| problem.can_visit(r, f))
            .map(|r| {
                let why = if !problem.speaks(r, f) {
                    "ne parle pas sa langue"
                } else {
                    "hors secteur"
                };
                format!("{} ({why})", ctx.referent(r).code)
            })
            .collect();
        text.push_str(&format!(" ; pourrait la voir : {}", could.join(", ")));
    }
    // Followed today, it leaves her only because she cannot see it (the assignment's rule).
    if let Some(r) = ctx.current(f)
        && !problem.can_visit(r, f)
    {
        text.push_str(&format!(
            " ; sa référente actuelle {} ne peut pas la voir",
            ctx.referent(r).code
        ));
    }
    text
}

/// Why référent `r` follows family `f` outside her sector, in French.
pub(crate) fn outside_sector_why(problem: &assign::Problem, r: usize, f: usize) -> &'static str {
    let family = &problem.families()[f];
    let current = family.current.is_some_and(|c| c.referent == r);
    match (family.pinned, current) {
        (true, _) => "référente fixée par l'équipe",
        (false, true) => "référente actuelle gardée",
        (false, false) if problem.weights().sectors == assign::SectorRule::Hard => {
            "aucune référente de son secteur ne peut la voir : suivie hors secteur"
        }
        (false, false) => "secteurs souples : affectée hors secteur",
    }
}

/// The lunch rule of `referent`, minutes of the day.
fn lunch_rule(referent: &Referent) -> Option<rota::LunchRule> {
    referent.lunch.map(|l| rota::LunchRule {
        window: rota::Span::new(
            Minutes(i64::from(l.window.start().minutes())),
            Minutes(i64::from(l.window.end().minutes())),
        ),
        minutes: Minutes(i64::from(l.minutes)),
    })
}

/// What links each référent to each family, référent-major: the round trip from her base,
/// whether her sector covers it, whether she can visit it in a typical week.
pub(crate) fn pairs(ctx: &Context<'_>) -> Vec<assign::Pair> {
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
    let week = TypicalWeek::of(ctx);
    let mut pairs = Vec::with_capacity(ctx.referents.len() * ctx.families.len());
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
                can_visit: week.first_visit(ctx, r, f).is_some(),
            });
        }
    }
    pairs
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

/// A visit of the week: the family (index) it is for, when it is due and how much it may move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DueVisit {
    pub(crate) family: usize,
    /// Its due date: the last visit plus the interval of its frequency (the week's Monday for a
    /// family never visited, or a visit the week holds anyway: fixed, already planned).
    pub(crate) due: NaiveDate,
    /// Days either side of `due` the visit still counts as on time ([`Tolerance`]).
    pub(crate) tolerance: i64,
    /// Today's practice: the visit may be made any day of the week, tolerance or not.
    pub(crate) any_day: bool,
    /// 0 for the visit of the week planned; `k` for the `k`-th visit after it, in a later
    /// week of a plan over several weeks (`plan --weeks`): it shapes the routes of those weeks
    /// and is not published.
    pub(crate) occurrence: u32,
}

impl DueVisit {
    /// A visit the week holds whatever its frequency (fixed in the agenda, already in the plan
    /// being re-planned): due on the Monday, no earlier day.
    pub(crate) fn held(family: usize, week: IsoWeek) -> DueVisit {
        DueVisit {
            family,
            due: week.monday(),
            tolerance: 0,
            any_day: false,
            occurrence: 0,
        }
    }

    /// The same visit as today's practice plans it: due by the Sunday, made any day of the week
    /// (`None` when it is not due yet by then, only inside its tolerance).
    pub(crate) fn as_today(self, week: IsoWeek) -> Option<DueVisit> {
        (self.due <= week.sunday()).then_some(DueVisit {
            any_day: true,
            ..self
        })
    }

    /// The first day it may be made: a visit earlier than its tolerance breaks the rhythm.
    pub(crate) fn earliest(&self) -> NaiveDate {
        self.due - chrono::Days::new(self.tolerance as u64)
    }

    /// The last day it is on time.
    pub(crate) fn latest(&self) -> NaiveDate {
        self.due + chrono::Days::new(self.tolerance as u64)
    }

    /// Whether it may wait for a later week: its tolerance runs on past the Sunday.
    pub(crate) fn can_wait(&self, week: IsoWeek) -> bool {
        self.can_wait_after(week.sunday())
    }

    /// Whether its tolerance runs on past `last`, the last day planned.
    pub(crate) fn can_wait_after(&self, last: NaiveDate) -> bool {
        !self.any_day && self.latest() > last
    }

    /// Days late if made on `date` (0 while on time).
    pub(crate) fn late_on(&self, date: NaiveDate) -> i64 {
        (date - self.latest()).num_days().max(0)
    }

    /// Whether it is a later visit of a plan over several weeks (not the week's own).
    pub(crate) fn is_later(&self) -> bool {
        self.occurrence > 0
    }

    /// The days of the `weeks` weeks planned from `week` (0 = its Monday) it may be placed on,
    /// `None` for every day. The week's own visit: from the day its window opens (today's
    /// practice: any day) to the Sunday, or to the end of its tolerance when that is later (a
    /// visit late already stays in the first week). A later visit: inside its tolerance.
    pub(crate) fn days(&self, week: IsoWeek, weeks: usize) -> Option<Vec<usize>> {
        let horizon = 7 * weeks.max(1) as i64;
        let day = |date: NaiveDate| (date - week.monday()).num_days();
        let from = if self.any_day {
            0
        } else {
            day(self.earliest()).max(0)
        };
        let to = if self.is_later() {
            day(self.latest())
        } else if self.any_day {
            6
        } else {
            day(self.latest()).max(6)
        }
        .min(horizon - 1);
        if from == 0 && to == horizon - 1 {
            return None;
        }
        Some((from..=to).map(|d| d as usize).collect())
    }
}

/// The later visits of a plan over `weeks` weeks from `ctx.week`, after each of `due` (the
/// week's visits): every interval after the first (from its due date, or the Monday when it is
/// late already), while its tolerance opens inside the weeks planned. None for a family whose
/// visit is fixed in the agenda of a later week (`fixed_later`).
pub(crate) fn later_visits(
    ctx: &Context<'_>,
    due: &[DueVisit],
    weeks: usize,
    tolerance: Tolerance,
    fixed_later: &std::collections::BTreeSet<usize>,
) -> Vec<DueVisit> {
    let last = ctx.week.monday() + chrono::Days::new(7 * weeks as u64 - 1);
    let mut out = Vec::new();
    for first in due.iter().filter(|d| !fixed_later.contains(&d.family)) {
        let days = ctx.family(first.family).frequency.interval_days();
        let (interval, tolerance) = (u64::from(days), tolerance.days(days));
        let from = first.due.max(ctx.week.monday());
        for k in 1.. {
            let visit = DueVisit {
                family: first.family,
                due: from + chrono::Days::new(interval * u64::from(k)),
                tolerance,
                any_day: false,
                occurrence: k,
            };
            if visit.earliest() > last {
                break;
            }
            out.push(visit);
        }
    }
    out
}

/// How far from its due date a visit still counts as on time: this share of its interval, in
/// whole days, either side (30 %: two days for a weekly visit, four for a fortnightly one,
/// eight for a monthly one). A visit is not planned before its window opens, and past its end
/// it is late, by the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// Percent of the interval.
    pub percent: u32,
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance { percent: 30 }
    }
}

impl Tolerance {
    /// Days either side of the due date for visits every `interval_days`.
    pub fn days(self, interval_days: u32) -> i64 {
        i64::from(interval_days) * i64::from(self.percent) / 100
    }
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

/// The stretches of `weekly` on each day of the week, minutes from midnight.
fn days_of(ctx: &Context<'_>, weekly: &crate::domain::WeeklyAvailability) -> rota::Weekly {
    let mut out: rota::Weekly = Default::default();
    for (d, date) in ctx.week.dates().enumerate() {
        out[d] = weekly
            .on(Weekday::from_chrono(date.weekday()))
            .map(|t| {
                rota::Span::new(
                    Minutes(i64::from(t.start().minutes())),
                    Minutes(i64::from(t.end().minutes())),
                )
            })
            .collect();
    }
    out
}

/// The week's raw calendar for the rota: référents with their hours and lunch, sites with their
/// opening hours, closed days; and the working days the rota will make of them, with dates.
pub(crate) struct Frame {
    /// Weeks planned together, from `ctx.week`.
    pub(crate) weeks: usize,
    pub(crate) referents: Vec<rota::Referent>,
    pub(crate) sites: Vec<rota::Site>,
    pub(crate) closed: Vec<rota::ClosedDay>,
    /// Whose day and which date, per working day (the rota's days, in its order).
    pub(crate) meta: Vec<WorkDay>,
}

/// The week's référents, sites and closed days (public holidays, absences), and its working
/// days. A working day whose hours cross a local time that does not exist, or exists twice
/// (the DST Sundays), is refused rather than shifted.
pub(crate) fn frame(
    ctx: &Context<'_>,
    holidays: &Holidays,
    absences: &[(Code, NaiveDate)],
    weeks: usize,
) -> Result<Frame, PlanError> {
    let referents: Vec<rota::Referent> = (0..ctx.referents.len())
        .map(|r| {
            let referent = ctx.referent(r);
            rota::Referent {
                base: ctx.base[r],
                travel: ctx.mode[r],
                hours: days_of(ctx, &referent.working_hours),
                lunch: lunch_rule(referent),
            }
        })
        .collect();
    let sites = ctx
        .territory
        .sites
        .iter()
        .map(|site| rota::Site {
            opening: days_of(ctx, &site.opening_hours),
        })
        .collect();
    let mut closed = Vec::new();
    for (d, date) in horizon_dates(ctx.week, weeks).enumerate() {
        if holidays.public_holiday(date).is_some() {
            closed.push(rota::ClosedDay {
                referent: None,
                day: d,
                reason: rota::Closure::PublicHoliday,
            });
        }
        for (code, day) in absences {
            if *day == date
                && let Some(r) = ctx.referent_index(code)
            {
                closed.push(rota::ClosedDay {
                    referent: Some(r),
                    day: d,
                    reason: rota::Closure::Absence,
                });
            }
        }
    }
    let monday = ctx.week.monday();
    let mut meta = Vec::new();
    for w in rota::rules::working_days(&referents, &closed, weeks) {
        let date = monday + chrono::Days::new(w.day as u64);
        let hours = &referents[w.referent].hours[w.day % rota::DAYS];
        let (start, end) = (hours[0].start.0, hours[hours.len() - 1].end.0);
        for probe in [start, end, 150] {
            if (start..=end).contains(&probe) {
                check_local(date, probe as u32, &ctx.referent(w.referent).code)?;
            }
        }
        meta.push(WorkDay {
            referent: w.referent,
            date,
        });
    }
    Ok(Frame {
        weeks,
        referents,
        sites,
        closed,
        meta,
    })
}

/// The dates of `weeks` weeks from `week`'s Monday.
pub(crate) fn horizon_dates(week: IsoWeek, weeks: usize) -> impl Iterator<Item = NaiveDate> {
    let monday = week.monday();
    (0..7 * weeks.max(1) as u64).map(move |d| monday + chrono::Days::new(d))
}

/// Whether family `f` is due a visit this week: its window (due date ± tolerance) opens by
/// the Sunday. A family never visited is due this week, its tolerance closing on the Monday:
/// it never waits for a later week (else a new family would wait forever, its due date moving
/// with each week planned).
pub(crate) fn due(ctx: &Context<'_>, f: usize, tolerance: Tolerance) -> Option<DueVisit> {
    let family = ctx.family(f);
    let interval = family.frequency.interval_days();
    let tolerance = tolerance.days(interval);
    let visit = DueVisit {
        family: f,
        due: family.last_visit.map_or(
            ctx.week.monday() - chrono::Days::new(tolerance as u64),
            |d| d + chrono::Days::new(u64::from(interval)),
        ),
        tolerance,
        any_day: false,
        occurrence: 0,
    };
    (visit.earliest() <= ctx.week.sunday()).then_some(visit)
}

/// Travel minutes a day of lateness adds to what leaving a visit out costs: a visit two weeks
/// late outweighs a long detour.
pub(crate) const LATE_DAY_MINUTES: i64 = 10;

/// Travel minutes added for a visit this week can still make on time (its tolerance closes by
/// the Sunday and has not closed yet): left out, it turns late. Measured by
/// `parcours-dev bench horizon` (BENCHMARKS.md): it raises the share of visits made on time
/// without leaving more families unseen.
pub(crate) const ON_TIME_MINUTES: i64 = 400;

/// Travel minutes a later visit of a plan over several weeks weighs (on top of the rota's
/// [`rota::WAIT_MINUTES`]: it may always wait for the next plan): less than any visit of the
/// week, so it never takes a visit's place in the week published, yet enough that the routes of
/// the later weeks keep room for it, and the week's visits that may float go where it is.
pub(crate) const LATER_MINUTES: i64 = 300;

/// What leaving `due` out costs on top of the rota's base, in travel minutes: the days it
/// would be late by the Sunday, and a bonus when this week is its last chance to be on time.
fn priority(ctx: &Context<'_>, due: &DueVisit) -> i64 {
    if due.is_later() {
        return LATER_MINUTES;
    }
    let late = LATE_DAY_MINUTES * due.late_on(ctx.week.sunday());
    let last_chance = due.late_on(ctx.week.monday()) == 0 && due.latest() <= ctx.week.sunday();
    late + if last_chance && !due.any_day {
        ON_TIME_MINUTES
    } else {
        0
    }
}

/// The rota problem of the week for `assignment` (a référent index per family, in `families`
/// order), with what a re-plan keeps: the due visits, in `due_visits` order, then the
/// appointments of `agenda`. A fixed visit is kept at its time when its family stays with the
/// référent it was fixed with. With `open_dates`, a visit not kept exactly may only be placed on
/// those dates (a visit report's re-plan).
pub(crate) fn rota_problem<'c>(
    ctx: &'c Context<'_>,
    frame: &Frame,
    assignment: &[Option<usize>],
    due_visits: &[DueVisit],
    agenda: &WeekAgenda,
    keeps: &dyn Fn(usize) -> rota::Keep,
    open_dates: Option<&[NaiveDate]>,
) -> Result<rota::Problem<'c>, PlanError> {
    let open_days: Option<Vec<usize>> = open_dates.map(|dates| {
        ctx.week
            .dates()
            .enumerate()
            .filter(|(_, d)| dates.contains(d))
            .map(|(i, _)| i)
            .collect()
    });
    let last_day = ctx.week.monday() + chrono::Days::new(7 * frame.weeks as u64 - 1);
    let visits: Vec<rota::Visit> = due_visits
        .iter()
        .map(|due| {
            let f = due.family;
            let referent = assignment[f].expect("BUG: only assigned families are due");
            let fixed = agenda
                .fixed_visits
                .get(&f)
                .filter(|fixed| fixed.referent == referent && !due.is_later());
            // A re-plan's exact keep (a visit the référent moved) wins over the agenda's time;
            // the later visits of a plan over several weeks are free.
            let keep = match (
                if due.is_later() {
                    rota::Keep::Free
                } else {
                    keeps(f)
                },
                fixed,
            ) {
                (exact @ rota::Keep::Exact { .. }, _) => exact,
                (_, Some(fixed)) => rota::Keep::Exact {
                    start: Minutes(fixed.start),
                },
                (keep, None) => keep,
            };
            let family = ctx.family(f);
            let site = match &family.meeting_place {
                MeetingPlace::Site(code) => {
                    ctx.territory.sites.iter().position(|s| &s.code == code)
                }
                MeetingPlace::Home => None,
            };
            // Inside its window; a report's re-plan also keeps to its days.
            let days = match (due.days(ctx.week, frame.weeks), &open_days) {
                (Some(window), Some(open)) => Some(
                    open.iter()
                        .copied()
                        .filter(|d| window.contains(d))
                        .collect(),
                ),
                (None, Some(open)) => Some(open.clone()),
                (window, None) => window,
            };
            rota::Visit {
                referent,
                location: ctx.meeting[f],
                duration: Minutes(fixed.map_or(i64::from(family.visit_minutes), |v| v.minutes)),
                available: days_of(ctx, &family.availability),
                site,
                days,
                priority: priority(ctx, due),
                can_wait: due.is_later() || due.can_wait_after(last_day),
                keep,
            }
        })
        .collect();
    let week = rota::Week {
        weeks: frame.weeks,
        referents: frame.referents.clone(),
        sites: frame.sites.clone(),
        visits,
        appointments: agenda.appointments.iter().map(|(_, a)| a.clone()).collect(),
        closed: frame.closed.clone(),
    };
    let travels: Vec<&dyn TravelTimes> =
        ctx.travels.iter().map(|t| t as &dyn TravelTimes).collect();
    rota::Problem::new(week, travels).map_err(|e| PlanError::Solver(e.to_string()))
}

/// What holds a référent's time at a fixed hour of the week: an agenda entry, or a stretch
/// off between two ranges of her hours. The rota plans around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Engagement {
    /// Index into `territory.agenda`; `None` for a stretch off.
    pub(crate) entry: Option<usize>,
    /// The référent (index).
    pub(crate) referent: usize,
    /// Her working day (index into the rota's days).
    pub(crate) day: usize,
    /// Start, minutes from Monday 00:00.
    pub(crate) start: i64,
    /// Length, minutes.
    pub(crate) minutes: i64,
    /// Where.
    pub(crate) location: LocationIdx,
}

impl Engagement {
    /// The engagement of rota item `item` (a stretch off or an appointment), if it is one.
    pub(crate) fn of(
        ctx: &Context<'_>,
        offs: &[rota::Off],
        days: &[rota::Day],
        agenda: &WeekAgenda,
        item: rota::Item,
    ) -> Option<Engagement> {
        match item {
            rota::Item::Visit(_) => None,
            rota::Item::Off(k) => {
                let off = offs[k];
                let referent = days[off.day].referent;
                Some(Engagement {
                    entry: None,
                    referent,
                    day: off.day,
                    start: off.start.0,
                    minutes: off.duration.0,
                    location: ctx.base[referent],
                })
            }
            rota::Item::Appointment(a) => {
                let (entry, appointment) = &agenda.appointments[a];
                Some(Engagement {
                    entry: Some(*entry),
                    referent: appointment.referent,
                    day: agenda.day[a],
                    start: appointment.start.0,
                    minutes: appointment.duration.0,
                    location: appointment.location,
                })
            }
        }
    }
}

/// A visit fixed in the agenda: it happens at that time, with that référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedVisit {
    /// Index into `territory.agenda`.
    pub(crate) entry: usize,
    /// The référent (index).
    pub(crate) referent: usize,
    /// Her working day (index into the rota's days).
    pub(crate) day: usize,
    /// Start, minutes from Monday 00:00.
    pub(crate) start: i64,
    /// Length, minutes (the entry's, which may differ from the family's usual length).
    pub(crate) minutes: i64,
}

/// The agenda of the week as the planner uses it.
#[derive(Debug, Clone, Default)]
pub(crate) struct WeekAgenda {
    /// The entries of the week on a working day of their référent, as the rota's appointments
    /// (fixed visits too: they hold her time), with their index into `territory.agenda`.
    pub(crate) appointments: Vec<(usize, rota::Appointment)>,
    /// The working day of each appointment (index into the rota's days).
    pub(crate) day: Vec<usize>,
    /// Fixed visits, by family index.
    pub(crate) fixed_visits: BTreeMap<usize, FixedVisit>,
    /// Families whose visit is fixed on a day its référent does not work (an absence, a
    /// holiday): reported, not moved, with why (French).
    pub(crate) fixed_off: BTreeMap<usize, String>,
    /// Entries of the week the plan cannot honour: (code, French reason).
    pub(crate) ignored: Vec<(String, String)>,
    /// Families whose visit is fixed in a later week of a plan over several weeks.
    pub(crate) fixed_later: std::collections::BTreeSet<usize>,
}

/// The agenda entries falling in the week, on the working days `meta`. An entry on a day its
/// référent does not work (holiday, absence, day off) is reported and left out, and so is a
/// visit fixed with a référent who no longer follows the family; the others become the rota's
/// appointments (which stretch her day and move her lunch: `rota::rules`).
///
/// Over several weeks (`weeks`, a plan over several weeks), the entries of the later weeks hold
/// their référent's time too, fixed visits included (as appointments at the family's place:
/// the family gets no other visit in those weeks, `fixed_later`); they are not reported.
pub(crate) fn week_agenda(
    ctx: &Context<'_>,
    meta: &[WorkDay],
    weeks: usize,
) -> Result<WeekAgenda, PlanError> {
    let mut out = WeekAgenda::default();
    let monday = ctx
        .week
        .monday()
        .and_hms_opt(0, 0, 0)
        .expect("BUG: midnight exists");
    let last = ctx.week.monday() + chrono::Days::new(7 * weeks.max(1) as u64 - 1);
    for (i, entry) in ctx.territory.agenda.iter().enumerate() {
        let local = to_paris(entry.start);
        if local.date() < ctx.week.monday() || local.date() > last {
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
        let when = local.format("%d/%m %H:%M");
        let family = entry
            .family
            .as_ref()
            .and_then(|code| (0..ctx.families.len()).find(|&f| &ctx.family(f).code == code));
        // An entry of a later week of a plan over several weeks only holds her time.
        let later = !ctx.week.contains(local.date());
        let Some(day) = meta
            .iter()
            .position(|w| w.referent == r && w.date == local.date())
        else {
            if later {
                continue;
            }
            if let Some(f) =
                family.filter(|&f| entry.kind == AgendaKind::Visit && ctx.current(f) == Some(r))
            {
                out.fixed_off.insert(
                    f,
                    format!(
                        "visite fixée le {when} ({}) : {} ne travaille pas ce jour-là (jour non \
                         travaillé, férié ou absence) ; à reprogrammer avec la famille, elle n'a \
                         pas été déplacée",
                        entry.code, entry.referent
                    ),
                );
            }
            out.ignored.push((
                entry.code.to_string(),
                format!(
                    "{} ne travaille pas le {} (jour non travaillé, férié ou absence) : non planifié",
                    entry.referent, when
                ),
            ));
            continue;
        };
        let location = if entry.kind == AgendaKind::Visit {
            let Some(f) = family else {
                return Err(PlanError::data(&entry.code, "famille", "famille inconnue"));
            };
            if later {
                out.fixed_later.insert(f);
            } else if ctx.current(f) != Some(r) {
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
            } else {
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
            }
            ctx.meeting[f]
        } else {
            match &entry.site {
                Some(site) => *ctx.site_location.get(site).ok_or_else(|| {
                    PlanError::data(&entry.code, "lieu", format!("lieu {site} inconnu"))
                })?,
                None => ctx.base[r],
            }
        };
        out.appointments.push((
            i,
            rota::Appointment {
                referent: r,
                location,
                start: Minutes(start),
                duration: Minutes(i64::from(entry.minutes)),
                // A visit of a later week is placed by the rota at its time, as an appointment.
                is_visit: entry.kind == AgendaKind::Visit && !later,
            },
        ));
        out.day.push(day);
    }
    Ok(out)
}

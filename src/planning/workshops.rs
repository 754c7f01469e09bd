//! The collective workshops of a school year: the territory's fiches-action, the children
//! oriented to them, their free time, the facilitators' availability, the sites and the
//! calendar made into a [`workshops::Problem`], solved, and read back as a [`WorkshopPlan`] (the
//! body of a plan of kind [`PlanKind::Workshops`]).
//!
//! Who is busy when: a professional who facilitates is free within her availability (and at the
//! workshop's preferred times, which she offered), away during her unavailabilities and the
//! published EPS meetings she attends; a référent within her working hours, away during her
//! unavailabilities and her fixed engagements (the published EPS meetings among them). Families
//! travel by car from home; a référent drives from her base.
//!
//! A plan never depends on today's date: `from` plans the rest of a year already begun, keeping
//! the groups of the last plan that have started before it, with their children.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{Datelike as _, NaiveDate, NaiveTime};
use parcours_solver::ids::LocationIdx;
use parcours_solver::limits::{Limits, Params};
use parcours_solver::meetings::{Person, Site};
use parcours_solver::travel::{GeoEstimator, Mode, ModeEstimator, TravelTimes};
use parcours_solver::units::{Meters, Minutes};
use parcours_solver::unmet::UnmetReason;
use parcours_solver::workshops::{
    self, Action, Audience, Day, DayKind, GroupSlot, Kept, Orientation, Period, Term,
};
use serde::{Deserialize, Serialize};

use super::PlanError;
use super::calendar::Holidays;
use super::envelope::{AnyPlan, PlanBody, PlanFigures, PlanKind};
use super::eps::{EpsPlan, join_and, place, stretch, weekly, year_dates};
use super::horizon::{Horizon, SchoolYear};
use super::plan::PlanMethod;
use crate::domain::{
    AgendaEntry, AgendaKind, Code, Territory, Weekday, WorkshopAudience, WorkshopPeriod,
    paris_instant, to_paris,
};

/// Default time limit of the MILP.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// A child enrolled in a group: her pseudonymous code and age, all a roster carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// Her code (`E-0231`).
    pub child: String,
    /// Her age.
    pub age: u32,
}

/// One group of a fiche-action: its slot, site, dates and children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopGroup {
    /// Its code: the fiche-action and its rank (`FA-04-G2`).
    pub code: String,
    /// The fiche-action.
    pub workshop: String,
    /// Its theme.
    pub theme: String,
    /// Its facilitator (P- or R-).
    pub facilitator: String,
    /// Its weekday (0 = Monday) for a workshop of the school weeks, `None` in the holidays.
    pub weekday: Option<u32>,
    /// Start of each session, Europe/Paris local time, minutes from midnight.
    pub start_minutes: u32,
    /// Length of a session.
    pub minutes: u32,
    /// The site.
    pub site: String,
    /// The site's name and commune, as a calendar shows it.
    pub place: String,
    /// The sessions' dates, ascending.
    pub dates: Vec<NaiveDate>,
    /// Sessions outside the workshop's preferred times.
    pub outside_preferred: u32,
    /// Its children, by code.
    pub children: Vec<Enrolment>,
}

impl WorkshopGroup {
    /// The start of session `i` (from 0), local time.
    pub fn start(&self, i: usize) -> chrono::NaiveDateTime {
        self.dates[i].and_time(
            NaiveTime::from_hms_opt(self.start_minutes / 60, self.start_minutes % 60, 0)
                .unwrap_or(NaiveTime::MIN),
        )
    }

    /// The end of session `i`, local time.
    pub fn end(&self, i: usize) -> chrono::NaiveDateTime {
        self.start(i) + chrono::Duration::minutes(i64::from(self.minutes))
    }

    /// The code of session `i` (from 0): `FA-04-G2-S3`.
    pub fn session_code(&self, i: usize) -> String {
        format!("{}-S{}", self.code, i + 1)
    }
}

/// A child oriented and not enrolled, with why, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopUnenrolled {
    /// Her code.
    pub child: String,
    /// The fiche-action.
    pub workshop: String,
    /// Marked priority by the EPS.
    pub priority: bool,
    /// Why, as a key (`no_group_when_free`).
    pub reason: String,
    /// Why, in French (« E-0231 : aucun groupe de FA-04 … »).
    pub message: String,
}

/// The collective workshops of a school year: the body of a plan of kind
/// [`PlanKind::Workshops`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkshopPlan {
    /// The school year.
    pub year: SchoolYear,
    /// How it was made.
    pub method: PlanMethod,
    /// The first day it planned (the rest of a year already begun), if not the whole year.
    pub from: Option<NaiveDate>,
    /// The groups, by fiche-action, then first date, start and site.
    pub groups: Vec<WorkshopGroup>,
    /// Children oriented and not enrolled, by fiche-action then child.
    pub unenrolled: Vec<WorkshopUnenrolled>,
    /// Families' travel to the sessions and back, by car: minutes.
    pub family_minutes: i64,
    /// The same, metres.
    pub family_meters: i64,
    /// The proven relative gap (0.01 = 1 %), `None` when none was proved (the baseline).
    pub gap: Option<f64>,
    /// Why the solve stopped (key).
    pub stop: String,
    /// Cost per rule (key, cost).
    pub costs: Vec<(String, i64)>,
}

impl WorkshopPlan {
    /// Children enrolled (orientations met).
    pub fn enrolled(&self) -> usize {
        self.groups.iter().map(|g| g.children.len()).sum()
    }

    /// Orientations in all.
    pub fn oriented(&self) -> usize {
        self.enrolled() + self.unenrolled.len()
    }

    /// Sessions in all, and those at the workshops' preferred times.
    pub fn sessions(&self) -> (usize, usize) {
        self.groups.iter().fold((0, 0), |(all, preferred), g| {
            (
                all + g.dates.len(),
                preferred + g.dates.len() - g.outside_preferred as usize,
            )
        })
    }

    /// The groups `child` is enrolled in.
    pub fn groups_of<'p>(&'p self, child: &'p str) -> impl Iterator<Item = &'p WorkshopGroup> {
        self.groups
            .iter()
            .filter(move |g| g.children.iter().any(|c| c.child == child))
    }
}

impl PlanBody for WorkshopPlan {
    const KIND: PlanKind = PlanKind::Workshops;

    fn horizon(&self) -> Horizon {
        Horizon::SchoolYear(self.year)
    }

    fn method(&self) -> PlanMethod {
        self.method
    }

    fn figures(&self) -> PlanFigures {
        PlanFigures {
            placed: self.enrolled() as i64,
            unmet: self.unenrolled.len() as i64,
            travel_minutes: self.family_minutes,
            travel_meters: self.family_meters,
        }
    }

    fn into_any(self) -> AnyPlan {
        AnyPlan::Workshops(self)
    }
}

/// How to plan a year of workshops.
#[derive(Debug, Clone)]
pub struct WorkshopOptions {
    /// The school year.
    pub year: SchoolYear,
    /// Plan from this day on, keeping the groups of `previous` started before it.
    pub from: Option<NaiveDate>,
    /// The last plan of the year: its groups and enrolments stay while they can.
    pub previous: Option<WorkshopPlan>,
    /// The year's published EPS meetings: their attendees are busy then.
    pub eps: Option<EpsPlan>,
    /// Seed.
    pub seed: u64,
    /// Time limit of the MILP.
    pub time_limit: Duration,
    /// Also plan what is done by hand and show the difference.
    pub compare_baseline: bool,
    /// Set to stop: a solve not yet started does not start.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl WorkshopOptions {
    /// Defaults for `year`.
    pub fn new(year: SchoolYear) -> WorkshopOptions {
        WorkshopOptions {
            year,
            from: None,
            previous: None,
            eps: None,
            seed: 1,
            time_limit: DEFAULT_TIME_LIMIT,
            compare_baseline: false,
            cancel: None,
        }
    }
}

/// What the solve did, beside its plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkshopStats {
    /// Seconds the solve took (wall clock: not part of the plan).
    pub seconds: f64,
    /// Group options over all fiches-action.
    pub options: usize,
    /// Columns of the MILP.
    pub variables: usize,
    /// Rows of the MILP.
    pub rows: usize,
}

/// A year planned: Parcours' plan, and the hand-made one beside it when asked.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkshopOutcome {
    /// The plan.
    pub plan: WorkshopPlan,
    /// What the solve did.
    pub stats: WorkshopStats,
    /// What is done by hand, when compared.
    pub baseline: Option<WorkshopPlan>,
}

/// The index of everything the problem names.
struct Built {
    term: Term,
    days: Vec<NaiveDate>,
    /// Workshop indices into the territory, by action.
    actions: Vec<usize>,
    /// Site codes, by site.
    sites: Vec<Code>,
    /// Per child of the problem: (code, age).
    children: Vec<(Code, u32)>,
    /// Per orientation: the territory's orientation index.
    orientations: Vec<usize>,
    geo: GeoEstimator,
}

/// The days of `year`: Sundays and public holidays closed, school-holiday days numbered by
/// their stretch of holidays, the others school days.
fn year_days(holidays: &Holidays, dates: &[NaiveDate]) -> Vec<Day> {
    let starts = holidays.school_holiday_starts();
    dates
        .iter()
        .map(|&date| {
            let weekday = date.weekday().num_days_from_monday() as usize;
            let kind = if weekday == 6 || holidays.public_holiday(date).is_some() {
                DayKind::Closed
            } else if holidays.school_holiday(date).is_some() {
                DayKind::Holiday(starts.iter().filter(|&&s| s <= date).count())
            } else {
                DayKind::School
            };
            Day { weekday, kind }
        })
        .collect()
}

fn meters_km(m: Meters) -> String {
    let km = m.0 as f64 / 1000.0;
    if km < 10.0 {
        format!("{km:.1} km").replace('.', ",")
    } else {
        format!("{km:.0} km")
    }
}

fn build(territory: &Territory, options: &WorkshopOptions) -> Result<Built, PlanError> {
    let holidays = Holidays::of(territory);
    let dates = year_dates(&holidays, options.year)?;
    let days = year_days(&holidays, &dates);
    let first = options.year.first_day();
    let first_day = match options.from {
        Some(from) if !Horizon::SchoolYear(options.year).contains(from) => {
            return Err(PlanError::data(
                format!("année scolaire {}", options.year),
                "à partir du",
                format!(
                    "le {} n'est pas dans l'année scolaire {}",
                    from.format("%d/%m/%Y"),
                    options.year
                ),
            ));
        }
        Some(from) => (from - first).num_days() as usize,
        None => 0,
    };
    let car = super::build::MODES
        .iter()
        .position(|&m| m == Mode::Car)
        .expect("BUG: cars are a mode");

    // Points: sites, then families' homes, then référents' bases.
    let mut points = Vec::new();
    let mut site_index: BTreeMap<&Code, usize> = BTreeMap::new();
    let mut sites = Vec::new();
    let mut site_codes = Vec::new();
    let mut communes: BTreeMap<&Code, usize> = BTreeMap::new();
    for site in &territory.sites {
        site_index.insert(&site.code, sites.len());
        let n = communes.len();
        sites.push(Site {
            location: LocationIdx::new(points.len()),
            commune: *communes.entry(&site.commune).or_insert(n),
            capacity: site.capacity,
            opening: weekly(&site.opening_hours),
            closed: Vec::new(),
        });
        site_codes.push(site.code.clone());
        points.push((site.location.lat(), site.location.lon()));
    }

    // Actions, by code; their facilitators.
    let mut actions: Vec<usize> = (0..territory.workshops.len()).collect();
    actions.sort_by(|&a, &b| {
        territory.workshops[a]
            .code
            .cmp(&territory.workshops[b].code)
    });
    let mut people: Vec<Person> = Vec::new();
    let mut person_index: BTreeMap<Code, usize> = BTreeMap::new();
    let mut action_list = Vec::new();
    for &w in &actions {
        let x = &territory.workshops[w];
        let facilitator = match person_index.get(&x.facilitator) {
            Some(&p) => p,
            None => {
                let person = if let Some(p) = territory
                    .professionals
                    .iter()
                    .find(|p| p.code == x.facilitator)
                {
                    Person {
                        available: weekly(&p.availability),
                        away: Vec::new(),
                        base: None,
                        travel: car,
                    }
                } else if let Some(r) = territory.referents.iter().find(|r| r.code == x.facilitator)
                {
                    let base = LocationIdx::new(points.len());
                    points.push((r.base.lat(), r.base.lon()));
                    Person {
                        available: weekly(&r.working_hours),
                        away: Vec::new(),
                        base: Some(base),
                        travel: super::build::mode_index(r.travel_mode),
                    }
                } else {
                    return Err(PlanError::data(
                        &x.code,
                        "animateur",
                        format!("animateur·rice {} inconnu·e", x.facilitator),
                    ));
                };
                people.push(person);
                person_index.insert(x.facilitator.clone(), people.len() - 1);
                people.len() - 1
            }
        };
        let mut action_sites = Vec::new();
        for s in &x.sites {
            let s = *site_index
                .get(s)
                .ok_or_else(|| PlanError::data(&x.code, "lieux", format!("lieu {s} inconnu")))?;
            if !action_sites.contains(&s) {
                action_sites.push(s);
            }
        }
        action_list.push(Action {
            facilitator,
            sites: action_sites,
            sessions: x.sessions as usize,
            duration: Minutes(i64::from(x.session_minutes)),
            size: x.group_size,
            ages: x.ages,
            preferred: weekly(&x.preferred_times),
            period: match x.period {
                WorkshopPeriod::School => Period::School,
                WorkshopPeriod::Holidays => Period::Holidays,
            },
            audience: match x.audience {
                WorkshopAudience::Children => Audience::Children,
                WorkshopAudience::Parents => Audience::Parents,
                WorkshopAudience::Families => Audience::Families,
            },
            max_distance: Meters(i64::from(x.max_distance_meters())),
        });
    }
    let action_of: BTreeMap<&Code, usize> = actions
        .iter()
        .enumerate()
        .map(|(a, &w)| (&territory.workshops[w].code, a))
        .collect();

    // Who is away when: unavailabilities, référents' engagements, published EPS meetings.
    let last = first + chrono::Duration::days(dates.len() as i64);
    let within = |from: chrono::NaiveDateTime, to: chrono::NaiveDateTime| {
        to.date() >= first && from.date() <= last
    };
    for u in &territory.unavailabilities {
        let (from, to) = (to_paris(u.from), to_paris(u.to));
        if !within(from, to) {
            continue;
        }
        if let Some(&p) = person_index.get(&u.person) {
            people[p].away.push(stretch(first, from, to));
        } else if let Some(&s) = site_index.get(&u.person) {
            sites[s].closed.push(stretch(first, from, to));
        }
    }
    for a in &territory.agenda {
        // The workshops' own published sessions are what this plan decides.
        if a.kind == AgendaKind::Workshop && a.from_plan {
            continue;
        }
        let Some(&p) = person_index.get(&a.referent) else {
            continue;
        };
        let from = to_paris(a.start);
        let to = from + chrono::Duration::minutes(i64::from(a.minutes));
        if within(from, to) {
            people[p].away.push(stretch(first, from, to));
        }
    }
    if let Some(eps) = &options.eps {
        for m in eps.live() {
            for a in m.attendees.iter().filter(|a| a.present) {
                let Ok(code) = Code::parse(&a.code) else {
                    continue;
                };
                if let Some(&p) = person_index.get(&code) {
                    people[p].away.push(stretch(first, m.start(), m.end()));
                }
            }
        }
    }
    for p in &mut people {
        p.away.sort();
        p.away.dedup();
    }
    for s in &mut sites {
        s.closed.sort();
    }

    // Children oriented, and their orientations.
    let mut children = Vec::new();
    let mut child_codes = Vec::new();
    let mut child_index: BTreeMap<&Code, usize> = BTreeMap::new();
    let mut family_index: BTreeMap<&Code, (usize, LocationIdx)> = BTreeMap::new();
    let mut orientations = Vec::new();
    let mut orientation_of = Vec::new();
    for (i, o) in territory.orientations.iter().enumerate() {
        let Some(&action) = action_of.get(&o.workshop) else {
            return Err(PlanError::data(
                format!("orientation de {} vers {}", o.child, o.workshop),
                "atelier",
                format!("atelier {} inconnu", o.workshop),
            ));
        };
        let child = match child_index.get(&o.child) {
            Some(&c) => c,
            None => {
                let record = territory
                    .children
                    .iter()
                    .find(|c| c.code == o.child)
                    .ok_or_else(|| {
                        PlanError::data(
                            format!("orientation de {} vers {}", o.child, o.workshop),
                            "enfant",
                            format!("enfant {} inconnu", o.child),
                        )
                    })?;
                let family = territory.family(&record.family).ok_or_else(|| {
                    PlanError::data(
                        &record.code,
                        "famille",
                        format!("famille {} inconnue", record.family),
                    )
                })?;
                let n = family_index.len();
                let (family, home) = *family_index.entry(&family.code).or_insert_with(|| {
                    let home = LocationIdx::new(points.len());
                    points.push((family.location.lat(), family.location.lon()));
                    (n, home)
                });
                let (school_weeks, holidays) = territory.free_time_of(record);
                children.push(workshops::Child {
                    home,
                    family,
                    age: record.age,
                    school_weeks: weekly(&school_weeks),
                    holidays: weekly(&holidays),
                });
                child_codes.push((record.code.clone(), record.age));
                child_index.insert(&o.child, children.len() - 1);
                children.len() - 1
            }
        };
        orientations.push(Orientation {
            child,
            action,
            priority: o.priority,
            oriented: (o.date - first).num_days(),
            kept: None,
        });
        orientation_of.push(i);
    }

    let geo = GeoEstimator::new(points)
        .map_err(|e| PlanError::data("territoire", "coordonnées", e.to_string()))?;
    let mut built = Built {
        term: Term {
            days,
            first_day,
            people,
            sites,
            children,
            actions: action_list,
            orientations,
            kept: Vec::new(),
            family_travel: car,
            weights: workshops::Weights::default(),
        },
        days: dates,
        actions,
        sites: site_codes,
        children: child_codes,
        orientations: orientation_of,
        geo,
    };
    if let Some(previous) = &options.previous {
        keep_previous(&mut built, territory, previous, options.from);
    }
    Ok(built)
}

/// The groups of `previous` stay: those started before `from` exactly, with their children;
/// the others while they pay.
fn keep_previous(
    built: &mut Built,
    territory: &Territory,
    previous: &WorkshopPlan,
    from: Option<NaiveDate>,
) {
    let day_of: BTreeMap<NaiveDate, usize> = built
        .days
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, i))
        .collect();
    for g in &previous.groups {
        let Some(action) = built
            .actions
            .iter()
            .position(|&w| territory.workshops[w].code.as_str() == g.workshop)
        else {
            continue;
        };
        let Some(site) = built.sites.iter().position(|s| s.as_str() == g.site) else {
            continue;
        };
        let Some(days) = g
            .dates
            .iter()
            .map(|d| day_of.get(d).copied())
            .collect::<Option<Vec<usize>>>()
        else {
            continue;
        };
        let exact = from.is_some_and(|f| g.dates.first().is_some_and(|&d| d < f));
        let k = built.term.kept.len();
        built.term.kept.push(Kept {
            action,
            slot: GroupSlot {
                weekday: g.weekday.map(|w| w as usize),
                start: Minutes(i64::from(g.start_minutes)),
                site,
                days,
            },
            exact,
        });
        for e in &g.children {
            let found =
                built.term.orientations.iter().position(|o| {
                    o.action == action && built.children[o.child].0.as_str() == e.child
                });
            if let Some(o) = found {
                built.term.orientations[o].kept = Some(k);
            }
        }
    }
}

/// The sessions of `plan`, a published year, as fixed commitments of the référents who
/// facilitate them: the weekly rota plans around each, with the drive there and back. One entry
/// per session, coded as the session (`FA-04-G2-S3`).
pub fn commitments(plan: &WorkshopPlan) -> Vec<AgendaEntry> {
    let mut out = Vec::new();
    for g in &plan.groups {
        let (Ok(referent), Ok(site)) = (Code::parse(&g.facilitator), Code::parse(&g.site)) else {
            continue;
        };
        if !g.facilitator.starts_with("R-") {
            continue;
        }
        for i in 0..g.dates.len() {
            let (Ok(code), Ok(start)) =
                (Code::parse(&g.session_code(i)), paris_instant(g.start(i)))
            else {
                continue;
            };
            out.push(AgendaEntry {
                code,
                referent: referent.clone(),
                kind: AgendaKind::Workshop,
                start,
                minutes: g.minutes,
                site: Some(site.clone()),
                family: None,
                from_plan: true,
            });
        }
    }
    out
}

/// `territory` with the sessions of each published year of `plans` as the facilitating
/// référents' fixed commitments ([`commitments`]): within such a year, the workshop rows typed in
/// `agenda.csv` give way to them.
pub fn add_commitments(territory: &mut Territory, plans: &[WorkshopPlan]) {
    for plan in plans {
        let (first, last) = (plan.year.first_day(), plan.year.last_day());
        territory.agenda.retain(|e| {
            let date = to_paris(e.start).date();
            e.kind != AgendaKind::Workshop || e.from_plan || date < first || date > last
        });
        territory.agenda.extend(commitments(plan));
    }
}

/// Plans the workshops of `options.year`.
///
/// # Errors
/// [`PlanError::Data`] naming the record and field when the territory cannot be planned as it
/// is (a calendar that does not cover the year, a site or facilitator unknown, a date outside the
/// year).
pub fn plan_year(
    territory: &Territory,
    options: &WorkshopOptions,
) -> Result<WorkshopOutcome, PlanError> {
    let built = build(territory, options)?;
    let travels: Vec<ModeEstimator> = super::build::MODES
        .iter()
        .map(|&m| ModeEstimator::new(built.geo.clone(), m))
        .collect();
    let sources: Vec<&dyn TravelTimes> = travels.iter().map(|t| t as &dyn TravelTimes).collect();
    let problem = workshops::Problem::new(built.term.clone(), sources)
        .map_err(|e| PlanError::Solver(e.to_string()))?;
    let started = std::time::Instant::now();
    let mut limits = Limits::new(options.time_limit);
    if let Some(flag) = &options.cancel {
        limits = limits.with_cancel(flag.clone());
    }
    let params = Params::new(options.seed, limits);
    let solution = workshops::solve(&problem, &params);
    let seconds = started.elapsed().as_secs_f64();
    let stats = WorkshopStats {
        seconds,
        options: solution.stats.options,
        variables: solution.stats.variables,
        rows: solution.stats.rows,
    };
    let plan = read_back(
        territory,
        &built,
        &problem,
        &solution,
        options,
        PlanMethod::Optimised,
    );
    let baseline = options.compare_baseline.then(|| {
        let by_hand = workshops::baseline::solve(&problem);
        read_back(
            territory,
            &built,
            &problem,
            &by_hand,
            options,
            PlanMethod::Baseline,
        )
    });
    Ok(WorkshopOutcome {
        plan,
        stats,
        baseline,
    })
}

/// « le mercredi à 14:00 », « du lundi 19/10 au vendredi 23/10 à 09:30 ».
fn when(group: &WorkshopGroup) -> String {
    let hm = format!(
        "{:02}:{:02}",
        group.start_minutes / 60,
        group.start_minutes % 60
    );
    match group.weekday {
        Some(d) => {
            let day = chrono::Weekday::try_from(d as u8).map_or_else(
                |_| String::new(),
                |w| Weekday::from_chrono(w).french().to_owned(),
            );
            format!("le {day} à {hm}")
        }
        None => match (group.dates.first(), group.dates.last()) {
            (Some(a), Some(b)) => {
                format!("du {} au {} à {hm}", a.format("%d/%m"), b.format("%d/%m"))
            }
            _ => hm,
        },
    }
}

/// The French reason `orientation` is not enrolled.
fn message(
    territory: &Territory,
    built: &Built,
    problem: &workshops::Problem<'_>,
    groups: &[WorkshopGroup],
    u: &workshops::Unenrolled,
) -> String {
    let o = &problem.orientations()[u.orientation];
    let (child, age) = &built.children[o.child];
    let w = &territory.workshops[built.actions[o.action]];
    let km = meters_km(Meters(i64::from(w.max_distance_meters())));
    let of_action: Vec<&WorkshopGroup> = groups
        .iter()
        .filter(|g| g.workshop == w.code.as_str())
        .collect();
    let slots = || {
        let list: Vec<String> = of_action
            .iter()
            .map(|g| format!("{} {}", when(g), g.place))
            .collect();
        join_and(&list)
    };
    match u.reason {
        UnmetReason::OutsideAgeRange => format!(
            "{child} : {age} ans, hors de la tranche d'âge de {} ({} à {} ans)",
            w.code, w.ages.0, w.ages.1
        ),
        UnmetReason::TooFarFromSites => match u.nearest {
            Some((s, d)) => format!(
                "{child} : tous les lieux de {} sont à plus de {km} de chez l'enfant (le plus proche, {}, à {})",
                w.code,
                place(territory, &built.sites[s]),
                meters_km(d)
            ),
            None => format!(
                "{child} : tous les lieux de {} sont à plus de {km} de chez l'enfant",
                w.code
            ),
        },
        UnmetReason::OrientedTooLate => format!(
            "{child} : orientation du {}, après le début des groupes de {} où l'enfant pourrait aller",
            territory.orientations[built.orientations[u.orientation]]
                .date
                .format("%d/%m/%Y"),
            w.code
        ),
        UnmetReason::NeverFreeAtSlots => format!(
            "{child} : aucun créneau possible de {} ({}) pendant le temps libre de l'enfant à moins de {km}",
            w.code, w.preferred_times
        ),
        UnmetReason::WorkshopNotOpened if problem.options(o.action).is_empty() => format!(
            "{child} : {} ne peut ouvrir aucun groupe : aucun créneau de {} min où {} est libre, \
             un de ses lieux ouvert et au moins {} enfants orientés libres ensemble",
            w.code, w.session_minutes, w.facilitator, w.group_size.0
        ),
        UnmetReason::WorkshopNotOpened => format!(
            "{child} : {} n'ouvre aucun groupe (moins de {} enfants peuvent venir ensemble)",
            w.code, w.group_size.0
        ),
        UnmetReason::GroupsFull => format!(
            "{child} : les groupes de {} où l'enfant pourrait aller sont complets ({})",
            w.code,
            slots()
        ),
        UnmetReason::WorkshopClash => {
            let other = u
                .other
                .map(|x| {
                    territory.workshops[built.actions[problem.orientations()[x].action]]
                        .code
                        .to_string()
                })
                .unwrap_or_else(|| "une autre action".to_owned());
            format!(
                "{child} : les groupes de {} avec de la place ont lieu pendant son groupe de {other}",
                w.code
            )
        }
        UnmetReason::NoGroupWhenFree => format!(
            "{child} : aucun groupe de {} quand l'enfant est libre à moins de {km} (groupes : {})",
            w.code,
            slots()
        ),
        reason => format!("{child} : {} : {reason}", w.code),
    }
}

fn read_back(
    territory: &Territory,
    built: &Built,
    problem: &workshops::Problem<'_>,
    solution: &workshops::Solution,
    options: &WorkshopOptions,
    method: PlanMethod,
) -> WorkshopPlan {
    let mut groups = Vec::new();
    let mut rank: BTreeMap<usize, usize> = BTreeMap::new();
    let (mut family_minutes, mut family_meters) = (0, 0);
    for g in &solution.groups {
        let w = &territory.workshops[built.actions[g.action]];
        let r = rank.entry(g.action).or_insert(0);
        *r += 1;
        let mut children: Vec<Enrolment> = g
            .orientations
            .iter()
            .map(|&o| {
                let (code, age) = &built.children[problem.orientations()[o].child];
                let (minutes, meters) = problem.family_trip(o, g.slot.site);
                family_minutes += minutes.0 * g.slot.days.len() as i64;
                family_meters += meters.0 * g.slot.days.len() as i64;
                Enrolment {
                    child: code.to_string(),
                    age: *age,
                }
            })
            .collect();
        children.sort_by(|a, b| a.child.cmp(&b.child));
        groups.push(WorkshopGroup {
            code: format!("{}-G{r}", w.code),
            workshop: w.code.to_string(),
            theme: w.theme.clone(),
            facilitator: w.facilitator.to_string(),
            weekday: g.slot.weekday.map(|d| d as u32),
            start_minutes: g.slot.start.0 as u32,
            minutes: w.session_minutes,
            site: built.sites[g.slot.site].to_string(),
            place: place(territory, &built.sites[g.slot.site]),
            dates: g.slot.days.iter().map(|&d| built.days[d]).collect(),
            outside_preferred: problem.outside_preferred(g.action, &g.slot) as u32,
            children,
        });
    }
    let mut unenrolled: Vec<WorkshopUnenrolled> = solution
        .unenrolled
        .iter()
        .map(|u| {
            let o = &problem.orientations()[u.orientation];
            WorkshopUnenrolled {
                child: built.children[o.child].0.to_string(),
                workshop: territory.workshops[built.actions[o.action]]
                    .code
                    .to_string(),
                priority: o.priority,
                reason: u.reason.key().to_owned(),
                message: message(territory, built, problem, &groups, u),
            }
        })
        .collect();
    unenrolled.sort_by(|a, b| (&a.workshop, &a.child).cmp(&(&b.workshop, &b.child)));
    WorkshopPlan {
        year: options.year,
        method,
        from: options.from,
        groups,
        unenrolled,
        family_minutes,
        family_meters,
        gap: solution.stats.gap.is_finite().then_some(solution.stats.gap),
        stop: solution.stop.key().to_owned(),
        costs: solution
            .costs
            .iter()
            .map(|c| (c.rule.key().to_owned(), c.cost.0))
            .collect(),
    }
}

/// What [`verify`] finds wrong in a plan, in French.
pub type Breach = String;

/// Checks `plan` against `territory` from its dates alone, independently of the solver: no
/// session on a public holiday or a Sunday, school-week workshops outside the holidays and
/// holiday ones inside, each group's size and ages, and nobody (child, facilitator, site) in two
/// sessions at once.
pub fn verify(territory: &Territory, plan: &WorkshopPlan) -> Vec<Breach> {
    let holidays = Holidays::of(territory);
    let mut out = Vec::new();
    let mut busy: BTreeMap<String, Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime, String)>> =
        BTreeMap::new();
    for g in &plan.groups {
        let Some(w) = territory
            .workshops
            .iter()
            .find(|w| w.code.as_str() == g.workshop)
        else {
            out.push(format!("{} : atelier {} inconnu", g.code, g.workshop));
            continue;
        };
        if g.dates.len() != w.sessions as usize {
            out.push(format!(
                "{} : {} séances au lieu de {}",
                g.code,
                g.dates.len(),
                w.sessions
            ));
        }
        let n = g.children.len() as u32;
        if n < w.group_size.0 || n > w.group_size.1 {
            out.push(format!(
                "{} : {n} enfants, hors de la taille {}–{}",
                g.code, w.group_size.0, w.group_size.1
            ));
        }
        for c in &g.children {
            if !w.admits_age(c.age) {
                out.push(format!("{} : {} a {} ans", g.code, c.child, c.age));
            }
        }
        for (i, &date) in g.dates.iter().enumerate() {
            if holidays.public_holiday(date).is_some() || date.weekday() == chrono::Weekday::Sun {
                out.push(format!(
                    "{} : séance le {date}, jour férié ou dimanche",
                    g.code
                ));
            }
            let in_holidays = holidays.school_holiday(date).is_some();
            match w.period {
                WorkshopPeriod::School if in_holidays => {
                    out.push(format!(
                        "{} : séance le {date}, pendant les vacances",
                        g.code
                    ));
                }
                WorkshopPeriod::Holidays if !in_holidays => {
                    out.push(format!("{} : séance le {date}, hors des vacances", g.code));
                }
                _ => {}
            }
            let span = (g.start(i), g.end(i), g.session_code(i));
            for who in g
                .children
                .iter()
                .map(|c| c.child.clone())
                .chain([g.facilitator.clone(), g.site.clone()])
            {
                busy.entry(who).or_default().push(span.clone());
            }
        }
    }
    for (who, mut spans) in busy {
        spans.sort();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                out.push(format!(
                    "{who} : {} et {} en même temps",
                    pair[0].2, pair[1].2
                ));
            }
        }
    }
    out
}

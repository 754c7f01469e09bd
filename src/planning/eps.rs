//! The EPS meetings of a school year: the territory's EPS, their members' availability and
//! unavailability, its sites and its calendar made into a [`meetings::Problem`], solved, and
//! read back as an [`EpsPlan`] (the body of a plan of kind [`PlanKind::EpsYear`]).
//!
//! Who attends: every member of the EPS (required or invited, as `eps.csv` says), the
//! coordinator who leads it (required: she runs it) and its PRE référents (invited: each
//! presents her own families, and a colleague covers for one away). Coordinators are available
//! Monday to Friday [`COORDINATOR_HOURS`]; référents within their working hours. Coordinators
//! and référents drive from their base (a coordinator's `lieu`, else her first EPS's usual
//! site; a référent's base) and back; professionals' travel is theirs.
//!
//! A plan never depends on today's date: `from` plans the rest of a year already begun, keeping
//! the meetings of the last plan held before it.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{Datelike as _, NaiveDate, NaiveTime};
use parcours_solver::ids::LocationIdx;
use parcours_solver::limits::{Limits, Params, StopReason};
use parcours_solver::meetings::{self, Day, Keep, Member, Person, Slot, Spacing, Stretch};
use parcours_solver::rota::{DAY, Span, Weekly};
use parcours_solver::travel::{GeoEstimator, Mode, ModeEstimator, TravelTimes};
use parcours_solver::units::Minutes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::calendar::Holidays;
use super::envelope::{AnyPlan, PlanBody, PlanFigures, PlanKind};
use super::horizon::{Horizon, SchoolYear};
use super::plan::PlanMethod;
use super::{IsoWeek, PlanError};
use crate::domain::{
    AgendaEntry, AgendaKind, Code, Territory, Weekday, WeeklyAvailability, paris_instant, to_paris,
};

/// When coordinators can lead a meeting, Monday to Friday: 08:30 to 18:30, after-school
/// meetings included.
pub const COORDINATOR_HOURS: (i64, i64) = (8 * 60 + 30, 18 * 60 + 30);

/// Default time limit of the MILP.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);

impl Serialize for SchoolYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SchoolYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SchoolYear, D::Error> {
        let text = String::deserialize(deserializer)?;
        match Horizon::parse(&text) {
            Ok(Horizon::SchoolYear(year)) => Ok(year),
            _ => Err(serde::de::Error::custom(format!(
                "« {text} » n'est pas une année scolaire"
            ))),
        }
    }
}

/// How a person attends a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeRole {
    /// The coordinator who leads the EPS (required).
    Coordinator,
    /// A member whose presence is required.
    Required,
    /// A member invited: her presence is wished.
    Invited,
    /// A PRE référent of the EPS (invited).
    Referent,
}

impl AttendeeRole {
    /// French, for invitation lists.
    pub fn french(self) -> &'static str {
        match self {
            AttendeeRole::Coordinator => "coordinatrice (requise)",
            AttendeeRole::Required => "requis",
            AttendeeRole::Invited => "invité",
            AttendeeRole::Referent => "référente PRE (invitée)",
        }
    }

    /// Whether her presence is required.
    pub fn is_required(self) -> bool {
        matches!(self, AttendeeRole::Coordinator | AttendeeRole::Required)
    }
}

/// Someone a meeting brings together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    /// Her code (P-, C-, R-).
    pub code: String,
    /// How she attends.
    pub role: AttendeeRole,
    /// Whether she can be there (free, and not at another meeting then).
    pub present: bool,
}

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Planned.
    #[default]
    Planned,
    /// Held (marked so, or before the `from` date of a later plan): it never moves.
    Held,
    /// Cancelled at this slot by a coordinator: no one's calendar shows it any more, and the
    /// next re-plan gives it another slot (never this one), moving as few others as it can.
    Cancelled,
}

/// One meeting placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpsMeeting {
    /// Stable code: the EPS and the meeting's rank in the year (`EPS-07-R3`).
    pub code: String,
    /// The EPS.
    pub eps: String,
    /// The EPS's name (« EPS Chasse Royale – 1er degré »).
    pub eps_name: String,
    /// Its rank in the EPS's year, from 1.
    pub rank: u32,
    /// The period between holidays it falls in, from 1.
    pub period: u32,
    /// Its day.
    pub date: NaiveDate,
    /// Its start, Europe/Paris local time, minutes from midnight.
    pub start_minutes: u32,
    /// Its length.
    pub minutes: u32,
    /// The site.
    pub site: String,
    /// The site's name and commune, as a calendar shows it (« Centre social Carpeaux, Anzin »).
    pub place: String,
    /// Where it stands.
    #[serde(default)]
    pub status: MeetingStatus,
    /// Everyone it brings together.
    pub attendees: Vec<Attendee>,
}

impl EpsMeeting {
    /// Its invited attendees (members invited and référents) present, and invited in all.
    pub fn invited_attendance(&self) -> (usize, usize) {
        let invited = self.attendees.iter().filter(|a| !a.role.is_required());
        let (mut present, mut all) = (0, 0);
        for a in invited {
            all += 1;
            present += usize::from(a.present);
        }
        (present, all)
    }

    /// Its start, local time.
    pub fn start(&self) -> chrono::NaiveDateTime {
        self.date.and_time(minutes_time(self.start_minutes))
    }

    /// Its end, local time.
    pub fn end(&self) -> chrono::NaiveDateTime {
        self.start() + chrono::Duration::minutes(i64::from(self.minutes))
    }
}

fn minutes_time(minutes: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or(NaiveTime::MIN)
}

/// A meeting the plan could not place, with why, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpsUnmet {
    /// Its code (`EPS-07-R3`).
    pub code: String,
    /// The EPS.
    pub eps: String,
    /// Its rank in the year, from 1.
    pub rank: u32,
    /// The period it was meant for (that of its evenly spread date), from 1.
    pub period: u32,
    /// Why, as a key (`no_common_meeting_slot`).
    pub reason: String,
    /// Why, in French, naming who (« EPS-07, période 3 : aucun créneau commun entre … »).
    pub message: String,
}

/// What a coordinator or référent drives to the meetings of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Driving {
    /// Her code.
    pub code: String,
    /// Minutes.
    pub minutes: i64,
    /// Metres.
    pub meters: i64,
}

/// The EPS meetings of a school year: the body of a plan of kind [`PlanKind::EpsYear`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpsPlan {
    /// The school year.
    pub year: SchoolYear,
    /// How it was made.
    pub method: PlanMethod,
    /// The first day it planned (the rest of a year already begun), if not the whole year.
    pub from: Option<NaiveDate>,
    /// The meetings placed, by date, start, code.
    pub meetings: Vec<EpsMeeting>,
    /// Those it could not place.
    pub unmet: Vec<EpsUnmet>,
    /// Driving of each coordinator and référent, by code.
    pub driving: Vec<Driving>,
    /// The proven relative gap (0.01 = 1 %), `None` when none was proved (the poll).
    pub gap: Option<f64>,
    /// Why the solve stopped (key).
    pub stop: String,
    /// Cost per rule (key, cost).
    pub costs: Vec<(String, i64)>,
}

impl EpsPlan {
    /// Its meetings not cancelled: those calendars show.
    pub fn live(&self) -> impl Iterator<Item = &EpsMeeting> {
        self.meetings
            .iter()
            .filter(|m| m.status != MeetingStatus::Cancelled)
    }

    /// Meetings of the year asked for: placed and unplaced.
    pub fn asked(&self) -> usize {
        self.meetings.len() + self.unmet.len()
    }

    /// Invited attendees (members invited and référents) present, and invited in all, over the
    /// meetings placed.
    pub fn invited_attendance(&self) -> (usize, usize) {
        self.meetings
            .iter()
            .map(EpsMeeting::invited_attendance)
            .fold((0, 0), |(p, a), (mp, ma)| (p + mp, a + ma))
    }

    /// Driving of the coordinators (C- codes), minutes and metres.
    pub fn coordinator_driving(&self) -> (i64, i64) {
        self.driving
            .iter()
            .filter(|d| d.code.starts_with("C-"))
            .fold((0, 0), |(m, k), d| (m + d.minutes, k + d.meters))
    }
}

impl PlanBody for EpsPlan {
    const KIND: PlanKind = PlanKind::EpsYear;

    fn horizon(&self) -> Horizon {
        Horizon::SchoolYear(self.year)
    }

    fn method(&self) -> PlanMethod {
        self.method
    }

    fn figures(&self) -> PlanFigures {
        let (minutes, meters) = self.coordinator_driving();
        PlanFigures {
            placed: self.meetings.len() as i64,
            unmet: self.unmet.len() as i64,
            travel_minutes: minutes,
            travel_meters: meters,
        }
    }

    fn into_any(self) -> AnyPlan {
        AnyPlan::EpsYear(self)
    }
}

/// How to plan a year.
#[derive(Debug, Clone)]
pub struct EpsOptions {
    /// The school year.
    pub year: SchoolYear,
    /// Plan from this day on, keeping the meetings of `previous` before it.
    pub from: Option<NaiveDate>,
    /// The last plan of the year: its meetings stay where they are while they can.
    pub previous: Option<EpsPlan>,
    /// Seed.
    pub seed: u64,
    /// Time limit of the MILP.
    pub time_limit: Duration,
    /// Also plan what a poll does.
    pub compare_baseline: bool,
    /// Set to stop: a solve not yet started does not start (HiGHS, once started, runs to its
    /// gap or its time limit).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl EpsOptions {
    /// Defaults for `year`.
    pub fn new(year: SchoolYear) -> EpsOptions {
        EpsOptions {
            year,
            from: None,
            previous: None,
            seed: 1,
            time_limit: DEFAULT_TIME_LIMIT,
            compare_baseline: false,
            cancel: None,
        }
    }
}

/// What the solve did, beside its plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpsStats {
    /// Seconds the solve took (wall clock: not part of the plan).
    pub seconds: f64,
    /// Candidate slots, columns, rows.
    pub candidates: usize,
    /// Columns of the MILP.
    pub variables: usize,
    /// Rows of the MILP.
    pub rows: usize,
    /// The most invited attendees any plan could have present
    /// ([`meetings::Stats::invited_ceiling`]).
    pub invited_ceiling: usize,
}

/// A year planned: Parcours' plan, and the poll's beside it when asked.
#[derive(Debug, Clone, PartialEq)]
pub struct EpsOutcome {
    /// The plan.
    pub plan: EpsPlan,
    /// What the solve did.
    pub stats: EpsStats,
    /// The poll, when compared.
    pub baseline: Option<EpsPlan>,
    /// Meetings of the previous plan that moved, by code.
    pub moved: Vec<String>,
}

/// The index of everything the problem names.
struct Built {
    year: meetings::Year,
    days: Vec<NaiveDate>,
    /// Person codes, by index.
    people: Vec<Code>,
    /// Per group: the role of each member.
    roles: Vec<Vec<AttendeeRole>>,
    /// Site codes, by index.
    sites: Vec<Code>,
    /// Per meeting: (EPS index, rank from 0).
    meetings: Vec<(usize, usize)>,
    geo: GeoEstimator,
}

pub(super) fn weekly(w: &WeeklyAvailability) -> Weekly {
    let mut out: Weekly = Default::default();
    for (d, day) in out.iter_mut().enumerate() {
        let weekday = Weekday::from_chrono(
            chrono::Weekday::try_from(d as u8).expect("BUG: 0..7 are weekdays"),
        );
        *day = w
            .on(weekday)
            .map(|t| {
                Span::new(
                    Minutes(i64::from(t.start().minutes())),
                    Minutes(i64::from(t.end().minutes())),
                )
            })
            .collect();
    }
    out
}

/// The dates of `year`, from 1 September to 31 August, once the imported calendar is checked
/// to cover each of its weeks up to the summer holidays.
pub(super) fn year_dates(
    holidays: &Holidays,
    year: SchoolYear,
) -> Result<Vec<NaiveDate>, PlanError> {
    let dates: Vec<NaiveDate> = year
        .first_day()
        .iter_days()
        .take_while(|&d| d <= year.last_day())
        .collect();
    let mut weeks: Vec<IsoWeek> = dates.iter().map(|&d| IsoWeek::containing(d)).collect();
    weeks.dedup();
    // The summer holidays close the year: only the weeks up to them need to be known.
    for week in &weeks {
        if let Err(message) = holidays.check_week(*week) {
            if week.monday() > year.first_day() && holidays.school_holiday(week.monday()).is_some()
            {
                continue;
            }
            return Err(PlanError::data(
                format!("année scolaire {year}"),
                "calendrier",
                message,
            ));
        }
    }
    Ok(dates)
}

/// The days of `year`, from 1 September to 31 August, with whether each is a school day and
/// its period (the school holidays started since 1 September).
fn school_days(
    holidays: &Holidays,
    year: SchoolYear,
) -> Result<(Vec<NaiveDate>, Vec<Day>), PlanError> {
    let dates = year_dates(holidays, year)?;
    let starts = holidays.school_holiday_starts();
    let days = dates
        .iter()
        .map(|&date| {
            let school = date.weekday().num_days_from_monday() < 5
                && holidays.public_holiday(date).is_none()
                && holidays.school_holiday(date).is_none();
            let period = starts
                .iter()
                .filter(|&&s| s > year.first_day() && s <= date)
                .count();
            Day {
                weekday: date.weekday().num_days_from_monday() as usize,
                school,
                period,
            }
        })
        .collect();
    Ok((dates, days))
}

/// `[from, to)` as minutes from day 0's midnight, local time; clipped to the year.
pub(super) fn stretch(
    first: NaiveDate,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> Stretch {
    let at = |t: chrono::NaiveDateTime| {
        let days = (t.date() - first).num_days();
        let minutes = i64::from(t.time().num_seconds_from_midnight() / 60);
        Minutes(days * DAY + minutes)
    };
    Stretch::new(at(from), at(to))
}

use chrono::Timelike as _;

/// The EPS of `territory`, sorted by code.
fn build(territory: &Territory, options: &EpsOptions) -> Result<Built, PlanError> {
    let holidays = Holidays::of(territory);
    let (dates, days) = school_days(&holidays, options.year)?;
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
    let mut eps: Vec<usize> = (0..territory.eps.len()).collect();
    eps.sort_by(|&a, &b| territory.eps[a].code.cmp(&territory.eps[b].code));

    // Sites: every site of the territory; points: sites, then référents' bases.
    let mut points = Vec::new();
    let mut site_index: BTreeMap<&Code, usize> = BTreeMap::new();
    let mut communes: BTreeMap<&Code, usize> = BTreeMap::new();
    let mut sites = Vec::new();
    let mut site_codes = Vec::new();
    for site in &territory.sites {
        site_index.insert(&site.code, sites.len());
        let n = communes.len();
        let commune = *communes.entry(&site.commune).or_insert(n);
        sites.push(meetings::Site {
            location: LocationIdx::new(points.len()),
            commune,
            capacity: site.capacity,
            opening: weekly(&site.opening_hours),
            closed: Vec::new(),
        });
        site_codes.push(site.code.clone());
        points.push((site.location.lat(), site.location.lon()));
    }
    let site_of = |code: &Code, record: &Code, field: &str| {
        site_index
            .get(code)
            .copied()
            .ok_or_else(|| PlanError::data(record, field, format!("lieu {code} inconnu")))
    };

    // People: professionals, coordinators, référents, each once.
    let mut people: Vec<Person> = Vec::new();
    let mut codes: Vec<Code> = Vec::new();
    let mut person_index: BTreeMap<Code, usize> = BTreeMap::new();
    let mut add = |code: &Code, person: Person, people: &mut Vec<Person>| {
        *person_index.entry(code.clone()).or_insert_with(|| {
            people.push(person);
            codes.push(code.clone());
            people.len() - 1
        })
    };
    let car = super::build::MODES
        .iter()
        .position(|&m| m == Mode::Car)
        .expect("BUG: cars are a mode");
    let mut professionals: BTreeMap<&Code, usize> = BTreeMap::new();
    for p in &territory.professionals {
        let index = add(
            &p.code,
            Person {
                available: weekly(&p.availability),
                away: Vec::new(),
                base: None,
                travel: car,
            },
            &mut people,
        );
        professionals.insert(&p.code, index);
    }
    let (open, close) = COORDINATOR_HOURS;
    let mut coordinator_hours: Weekly = Default::default();
    for day in coordinator_hours.iter_mut().take(5) {
        day.push(Span::new(Minutes(open), Minutes(close)));
    }
    let mut coordinators: BTreeMap<&Code, usize> = BTreeMap::new();
    for c in &territory.coordinators {
        let office = match &c.site {
            Some(site) => Some(site_of(site, &c.code, "lieu")?),
            None => eps
                .iter()
                .map(|&e| &territory.eps[e])
                .find(|e| e.coordinator == c.code)
                .and_then(|e| e.site.as_ref())
                .and_then(|s| site_index.get(s).copied()),
        };
        let index = add(
            &c.code,
            Person {
                available: coordinator_hours.clone(),
                away: Vec::new(),
                base: office.map(|s| sites[s].location),
                travel: car,
            },
            &mut people,
        );
        coordinators.insert(&c.code, index);
    }
    let mut referents: BTreeMap<&Code, usize> = BTreeMap::new();
    for r in &territory.referents {
        let base = LocationIdx::new(points.len());
        points.push((r.base.lat(), r.base.lon()));
        let index = add(
            &r.code,
            Person {
                available: weekly(&r.working_hours),
                away: Vec::new(),
                base: Some(base),
                travel: super::build::mode_index(r.travel_mode),
            },
            &mut people,
        );
        referents.insert(&r.code, index);
    }
    // Unavailability: people away, sites closed; référents' fixed engagements too.
    let horizon_end = first + chrono::Duration::days(dates.len() as i64);
    let within = |from: chrono::NaiveDateTime, to: chrono::NaiveDateTime| {
        to.date() >= first && from.date() <= horizon_end
    };
    for u in &territory.unavailabilities {
        let (from, to) = (to_paris(u.from), to_paris(u.to));
        if !within(from, to) {
            continue;
        }
        let s = stretch(first, from, to);
        if let Some(&p) = person_index.get(&u.person) {
            people[p].away.push(s);
        } else if let Some(&site) = site_index.get(&u.person) {
            sites[site].closed.push(s);
        }
    }
    for a in &territory.agenda {
        let Some(&p) = referents.get(&a.referent) else {
            continue;
        };
        let from = to_paris(a.start);
        let to = from + chrono::Duration::minutes(i64::from(a.minutes));
        if within(from, to) {
            people[p].away.push(stretch(first, from, to));
        }
    }
    for p in &mut people {
        p.away.sort();
    }
    for s in &mut sites {
        s.closed.sort();
    }

    // Groups and their meetings.
    let mut groups = Vec::new();
    let mut roles = Vec::new();
    let mut meetings_index = Vec::new();
    let mut meeting_list = Vec::new();
    for (gi, &e) in eps.iter().enumerate() {
        let x = &territory.eps[e];
        let mut members = Vec::new();
        let mut role = Vec::new();
        let coordinator = *coordinators.get(&x.coordinator).ok_or_else(|| {
            PlanError::data(
                &x.code,
                "coordinateur",
                format!("coordinatrice {} inconnue", x.coordinator),
            )
        })?;
        members.push(Member {
            person: coordinator,
            required: true,
        });
        role.push(AttendeeRole::Coordinator);
        for m in &x.members {
            let p = *professionals.get(m).ok_or_else(|| {
                PlanError::data(&x.code, "membres", format!("professionnel {m} inconnu"))
            })?;
            let required = x.required.contains(m);
            members.push(Member {
                person: p,
                required,
            });
            role.push(if required {
                AttendeeRole::Required
            } else {
                AttendeeRole::Invited
            });
        }
        for r in &x.referents {
            let p = *referents.get(r).ok_or_else(|| {
                PlanError::data(&x.code, "referents", format!("référent {r} inconnu"))
            })?;
            members.push(Member {
                person: p,
                required: false,
            });
            role.push(AttendeeRole::Referent);
        }
        let mut group_sites = Vec::new();
        for s in x.site.iter().chain(&x.alternative_sites) {
            let s = site_of(s, &x.code, "lieu")?;
            if !group_sites.contains(&s) {
                group_sites.push(s);
            }
        }
        if group_sites.is_empty() {
            return Err(PlanError::data(&x.code, "lieu", "aucun lieu où se réunir"));
        }
        groups.push(meetings::Group {
            members,
            sites: group_sites,
            hours: x.hours.as_ref().map(weekly),
            duration: Minutes(i64::from(x.meeting_minutes)),
            spacing: match x.min_spacing_days {
                Some(d) => Spacing::MinDays(d),
                None => Spacing::OnePerPeriod,
            },
        });
        roles.push(role);
        for k in 0..x.meetings_per_year as usize {
            meetings_index.push((gi, k));
            meeting_list.push(meetings::Meeting {
                group: gi,
                keep: Keep::Free,
                refused: Vec::new(),
            });
        }
    }
    let geo = GeoEstimator::new(points)
        .map_err(|e| PlanError::data("territoire", "coordonnées", e.to_string()))?;
    let mut built = Built {
        year: meetings::Year {
            days,
            first_day,
            people,
            sites,
            groups,
            meetings: meeting_list,
            weights: meetings::Weights::default(),
        },
        days: dates,
        people: codes,
        roles,
        sites: site_codes,
        meetings: meetings_index,
        geo,
    };
    if let Some(previous) = &options.previous {
        keep_previous(&mut built, territory, &eps, previous, options.from);
    }
    Ok(built)
}

/// The meetings of `previous` stay: those held (or before `from`) exactly, the others while
/// they can.
fn keep_previous(
    built: &mut Built,
    territory: &Territory,
    eps: &[usize],
    previous: &EpsPlan,
    from: Option<NaiveDate>,
) {
    let site_index: BTreeMap<&str, usize> = built
        .sites
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    for (m, &(g, k)) in built.meetings.iter().enumerate() {
        let code = meeting_code(&territory.eps[eps[g]].code, k);
        let Some(old) = previous.meetings.iter().find(|x| x.code == code) else {
            continue;
        };
        let Some(&site) = site_index.get(old.site.as_str()) else {
            continue;
        };
        let Some(day) = built.days.iter().position(|&d| d == old.date) else {
            continue;
        };
        let slot = Slot {
            day,
            start: Minutes(i64::from(old.start_minutes)),
            site,
        };
        if old.status == MeetingStatus::Cancelled {
            built.year.meetings[m].refused.push(slot);
            continue;
        }
        let held = old.status == MeetingStatus::Held || from.is_some_and(|f| old.date < f);
        built.year.meetings[m].keep = if held {
            Keep::Exact(slot)
        } else {
            Keep::Still(slot)
        };
    }
}

/// The meetings of `plan`, a published year, as fixed commitments of the référents who attend
/// them (present), at their site: the weekly rota plans around each, with the drive there and
/// back. One entry per meeting and référent, coded as the meeting.
pub fn commitments(plan: &EpsPlan) -> Vec<AgendaEntry> {
    let mut out = Vec::new();
    for meeting in plan.live() {
        let (Ok(code), Ok(site), Ok(start)) = (
            Code::parse(&meeting.code),
            Code::parse(&meeting.site),
            paris_instant(meeting.start()),
        ) else {
            // Codes and times a plan stores were valid when it was made; one that no longer
            // parses holds no one's time.
            continue;
        };
        for a in &meeting.attendees {
            if a.role != AttendeeRole::Referent || !a.present {
                continue;
            }
            let Ok(referent) = Code::parse(&a.code) else {
                continue;
            };
            out.push(AgendaEntry {
                code: code.clone(),
                referent,
                kind: AgendaKind::Eps,
                start,
                minutes: meeting.minutes,
                site: Some(site.clone()),
                family: None,
                from_plan: true,
            });
        }
    }
    out
}

/// `territory` with the EPS meetings of each published year of `plans` as the référents'
/// fixed commitments ([`commitments`]): within such a year, the EPS rows typed in
/// `agenda.csv` give way to them (the published year is where EPS meetings are decided).
pub fn add_commitments(territory: &mut Territory, plans: &[EpsPlan]) {
    for plan in plans {
        let (first, last) = (plan.year.first_day(), plan.year.last_day());
        territory.agenda.retain(|e| {
            let date = to_paris(e.start).date();
            e.kind != AgendaKind::Eps || e.from_plan || date < first || date > last
        });
        territory.agenda.extend(commitments(plan));
    }
}

/// The code of the `k`-th meeting (from 0) of EPS `eps`.
pub fn meeting_code(eps: &Code, k: usize) -> String {
    format!("{eps}-R{}", k + 1)
}

/// Plans the EPS meetings of `options.year`.
///
/// # Errors
/// [`PlanError::Data`] naming the record and field when the territory cannot be planned as it
/// is (a calendar that does not cover the year, a site unknown, a date outside the year).
pub fn plan_year(territory: &Territory, options: &EpsOptions) -> Result<EpsOutcome, PlanError> {
    let built = build(territory, options)?;
    let travels: Vec<ModeEstimator> = super::build::MODES
        .iter()
        .map(|&m| ModeEstimator::new(built.geo.clone(), m))
        .collect();
    let sources: Vec<&dyn TravelTimes> = travels.iter().map(|t| t as &dyn TravelTimes).collect();
    let problem = meetings::Problem::new(built.year.clone(), sources)
        .map_err(|e| PlanError::Solver(e.to_string()))?;
    let started = std::time::Instant::now();
    let mut limits = Limits::new(options.time_limit);
    if let Some(flag) = &options.cancel {
        limits = limits.with_cancel(flag.clone());
    }
    let params = Params::new(options.seed, limits);
    let solution = meetings::solve(&problem, &params);
    let seconds = started.elapsed().as_secs_f64();
    let eps = sorted_eps(territory);
    let mut moved: Vec<String> = solution
        .moved
        .iter()
        .map(|&m| {
            let (g, k) = built.meetings[m];
            meeting_code(&territory.eps[eps[g]].code, k)
        })
        .collect();
    // A meeting cancelled in the plan re-planned takes another slot: it moved too.
    if let Some(previous) = &options.previous {
        moved.extend(
            previous
                .meetings
                .iter()
                .filter(|m| m.status == MeetingStatus::Cancelled)
                .map(|m| m.code.clone()),
        );
        moved.sort();
        moved.dedup();
    }
    let stats = EpsStats {
        seconds,
        candidates: solution.stats.candidates,
        variables: solution.stats.variables,
        rows: solution.stats.rows,
        invited_ceiling: solution.stats.invited_ceiling,
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
        let poll = meetings::baseline::solve(&problem);
        read_back(
            territory,
            &built,
            &problem,
            &poll,
            options,
            PlanMethod::Baseline,
        )
    });
    Ok(EpsOutcome {
        plan,
        stats,
        baseline,
        moved,
    })
}

fn sorted_eps(territory: &Territory) -> Vec<usize> {
    let mut eps: Vec<usize> = (0..territory.eps.len()).collect();
    eps.sort_by(|&a, &b| territory.eps[a].code.cmp(&territory.eps[b].code));
    eps
}

/// « mardi 14:00–16:00, jeudi 09:00–12:00 » or « jamais ».
fn describe(w: &Weekly) -> String {
    let names = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    let hm = |m: Minutes| format!("{:02}:{:02}", m.0 / 60, m.0 % 60);
    let parts: Vec<String> = w
        .iter()
        .enumerate()
        .filter(|(_, spans)| !spans.is_empty())
        .map(|(d, spans)| {
            let spans: Vec<String> = spans
                .iter()
                .map(|s| format!("{}–{}", hm(s.start), hm(s.end)))
                .collect();
            format!("{} {}", names[d], spans.join(" "))
        })
        .collect();
    if parts.is_empty() {
        "jamais".into()
    } else {
        parts.join(", ")
    }
}

fn read_back(
    territory: &Territory,
    built: &Built,
    problem: &meetings::Problem<'_>,
    solution: &meetings::Solution,
    options: &EpsOptions,
    method: PlanMethod,
) -> EpsPlan {
    let eps = sorted_eps(territory);
    let mut placed = Vec::new();
    let held: Vec<bool> = problem
        .meetings()
        .iter()
        .map(|m| matches!(m.keep, Keep::Exact(_)))
        .collect();
    for (m, slot) in solution.slots.iter().enumerate() {
        let Some(slot) = slot else { continue };
        let (g, k) = built.meetings[m];
        let x = &territory.eps[eps[g]];
        let group = &problem.groups()[g];
        let attendees = group
            .members
            .iter()
            .zip(&built.roles[g])
            .zip(&solution.attendance[m].present)
            .map(|((member, role), present)| Attendee {
                code: built.people[member.person].to_string(),
                role: *role,
                present: *present,
            })
            .collect();
        placed.push(EpsMeeting {
            code: meeting_code(&x.code, k),
            eps: x.code.to_string(),
            eps_name: x.name.clone(),
            rank: k as u32 + 1,
            period: problem.days()[slot.day].period as u32 + 1,
            date: built.days[slot.day],
            start_minutes: slot.start.0 as u32,
            minutes: group.duration.0 as u32,
            site: built.sites[slot.site].to_string(),
            place: place(territory, &built.sites[slot.site]),
            status: if held[m] {
                MeetingStatus::Held
            } else {
                MeetingStatus::Planned
            },
            attendees,
        });
    }
    placed.sort_by(|a, b| {
        (a.date, a.start_minutes, &a.code).cmp(&(b.date, b.start_minutes, &b.code))
    });
    let unmet = solution
        .unmet
        .iter()
        .map(|u| {
            let (g, k) = built.meetings[u.meeting];
            let x = &territory.eps[eps[g]];
            let period = problem.days()[problem.target(u.meeting)].period + 1;
            let who: Vec<String> = u
                .who
                .iter()
                .map(|&p| format!("{} ({})", built.people[p], describe(&problem.people()[p].available)))
                .collect();
            let message = match u.reason {
                parcours_solver::unmet::UnmetReason::NoCommonMeetingSlot if who.len() == 1 => format!(
                    "{}, période {period} : aucun créneau de {} min de {} dans les horaires de l'EPS",
                    x.code,
                    x.meeting_minutes,
                    who[0]
                ),
                parcours_solver::unmet::UnmetReason::NoCommonMeetingSlot => format!(
                    "{}, période {period} : aucun créneau commun de {} min entre {}",
                    x.code,
                    x.meeting_minutes,
                    join_and(&who)
                ),
                parcours_solver::unmet::UnmetReason::MembersAway => {
                    let codes: Vec<String> = u.who.iter().map(|&p| built.people[p].to_string()).collect();
                    format!(
                        "{}, période {period} : les créneaux communs tombent pendant les indisponibilités de {}",
                        x.code,
                        join_and(&codes)
                    )
                }
                reason => format!("{}, période {period} : {reason}", x.code),
            };
            EpsUnmet {
                code: meeting_code(&x.code, k),
                eps: x.code.to_string(),
                rank: k as u32 + 1,
                period: period as u32,
                reason: u.reason.key().to_owned(),
                message,
            }
        })
        .collect();
    let driving = driving(built, problem, solution);
    EpsPlan {
        year: options.year,
        method,
        from: options.from,
        meetings: placed,
        unmet,
        driving,
        gap: solution.stats.gap.is_finite().then_some(solution.stats.gap),
        stop: solution.stop.key().to_owned(),
        costs: solution
            .costs
            .iter()
            .map(|c| (c.rule.key().to_owned(), c.cost.0))
            .collect(),
    }
}

/// « Centre social Carpeaux, Anzin ».
pub(super) fn place(territory: &Territory, site: &Code) -> String {
    territory
        .sites
        .iter()
        .find(|s| &s.code == site)
        .map_or_else(
            || site.to_string(),
            |s| match territory.commune_name(&s.commune) {
                Some(commune) => format!("{}, {commune}", s.name),
                None => s.name.clone(),
            },
        )
}

/// « A », « A et B », « A, B et C ».
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// What each person with a base drives: a round trip to each site per half-day, by car.
fn driving(
    built: &Built,
    problem: &meetings::Problem<'_>,
    solution: &meetings::Solution,
) -> Vec<Driving> {
    let mut trips: BTreeMap<usize, std::collections::BTreeSet<(usize, bool, usize)>> =
        BTreeMap::new();
    for (m, slot) in solution.slots.iter().enumerate() {
        let Some(slot) = slot else { continue };
        for (member, present) in problem
            .group_of(m)
            .members
            .iter()
            .zip(&solution.attendance[m].present)
        {
            if *present && problem.people()[member.person].base.is_some() {
                trips.entry(member.person).or_default().insert((
                    slot.day,
                    slot.start.0 >= meetings::AFTERNOON,
                    slot.site,
                ));
            }
        }
    }
    let mut out: Vec<Driving> = trips
        .into_iter()
        .map(|(p, trips)| {
            let person = &problem.people()[p];
            let base = person.base.expect("BUG: only people with a base drive");
            let travel = ModeEstimator::new(built.geo.clone(), super::build::MODES[person.travel]);
            let (mut minutes, mut meters) = (0, 0);
            for (_, _, s) in trips {
                let at = problem.sites()[s].location;
                for leg in [travel.leg(base, at), travel.leg(at, base)] {
                    minutes += leg.minutes.0;
                    meters += leg.meters.0;
                }
            }
            Driving {
                code: built.people[p].to_string(),
                minutes,
                meters,
            }
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// Why a solve stopped, for a report.
pub fn stop_french(key: &str) -> String {
    StopReason::ALL
        .iter()
        .find(|s| s.key() == key)
        .map_or_else(|| key.to_owned(), ToString::to_string)
}

/// Meetings on a school holiday or a public holiday, recounted from their dates alone.
pub fn on_holidays(territory: &Territory, plan: &EpsPlan) -> usize {
    let holidays = Holidays::of(territory);
    plan.meetings
        .iter()
        .filter(|m| {
            m.status == MeetingStatus::Planned
                && (holidays.public_holiday(m.date).is_some()
                    || holidays.school_holiday(m.date).is_some()
                    || m.date.weekday().num_days_from_monday() >= 5)
        })
        .count()
}

/// One line of a meeting's invitation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationLine {
    /// Her code.
    pub code: String,
    /// Her name.
    pub name: String,
    /// Her structure (institution, « PRE »).
    pub structure: String,
    /// Required or invited, in French.
    pub role: String,
    /// Whether she can come.
    pub present: bool,
}

/// Who `meeting` invites: name, structure, required or invited.
pub fn invitation_list(territory: &Territory, meeting: &EpsMeeting) -> Vec<InvitationLine> {
    meeting
        .attendees
        .iter()
        .map(|a| {
            let code = a.code.as_str();
            let (name, structure) = if let Some(p) = territory
                .professionals
                .iter()
                .find(|p| p.code.as_str() == code)
            {
                (
                    p.name.clone(),
                    p.institution.clone().unwrap_or_else(|| p.function.clone()),
                )
            } else if let Some(c) = territory
                .coordinators
                .iter()
                .find(|c| c.code.as_str() == code)
            {
                (c.name.clone(), "PRE (coordinatrice)".to_owned())
            } else if let Some(r) = territory.referents.iter().find(|r| r.code.as_str() == code) {
                (r.name.clone(), "PRE (référente de parcours)".to_owned())
            } else {
                (code.to_owned(), String::new())
            };
            InvitationLine {
                code: a.code.clone(),
                name,
                structure,
                role: a.role.french().to_owned(),
                present: a.present,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, kind: AgendaKind, local: &str) -> AgendaEntry {
        AgendaEntry {
            code: Code::parse(code).unwrap(),
            referent: Code::parse("R-01").unwrap(),
            kind,
            start: crate::domain::parse_paris_datetime(local).unwrap(),
            minutes: 120,
            site: None,
            family: None,
            from_plan: false,
        }
    }

    fn attendee(code: &str, role: AttendeeRole, present: bool) -> Attendee {
        Attendee {
            code: code.to_owned(),
            role,
            present,
        }
    }

    #[test]
    fn a_published_year_replaces_typed_eps_rows_with_its_meetings_for_the_referents_there() {
        // Arrange: R-01 typed an EPS meeting and a training in 2026-2027, and an EPS meeting in
        // 2027-2028; the year's plan has a meeting R-01 attends and R-02 cannot.
        let mut territory = Territory {
            agenda: vec![
                entry("AG-001", AgendaKind::Eps, "2026-12-01 14:00"),
                entry("AG-002", AgendaKind::Training, "2026-12-02 09:00"),
                entry("AG-003", AgendaKind::Eps, "2027-10-05 14:00"),
            ],
            ..Territory::default()
        };
        let year = SchoolYear::starting(2026).unwrap();
        let plan = EpsPlan {
            year,
            method: PlanMethod::Optimised,
            from: None,
            meetings: vec![EpsMeeting {
                code: "EPS-07-R3".into(),
                eps: "EPS-07".into(),
                eps_name: "EPS Denain".into(),
                rank: 3,
                period: 3,
                date: NaiveDate::from_ymd_opt(2027, 3, 16).unwrap(),
                start_minutes: 14 * 60,
                minutes: 90,
                site: "LN-03".into(),
                place: "Centre social, Denain".into(),
                status: MeetingStatus::Planned,
                attendees: vec![
                    attendee("C-01", AttendeeRole::Coordinator, true),
                    attendee("P-001", AttendeeRole::Required, true),
                    attendee("R-01", AttendeeRole::Referent, true),
                    attendee("R-02", AttendeeRole::Referent, false),
                ],
            }],
            unmet: Vec::new(),
            driving: Vec::new(),
            gap: Some(0.0),
            stop: "optimal".into(),
            costs: Vec::new(),
        };

        // Act
        add_commitments(&mut territory, &[plan]);

        // Assert
        let codes: Vec<&str> = territory.agenda.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["AG-002", "AG-003", "EPS-07-R3"]);
        let held = &territory.agenda[2];
        assert_eq!(held.referent.as_str(), "R-01");
        assert!(held.from_plan && held.kind == AgendaKind::Eps);
        assert_eq!(held.site.as_ref().map(Code::as_str), Some("LN-03"));
        assert_eq!(held.minutes, 90);
        // 14:00 in Paris in March (winter time) is 13:00 UTC.
        assert_eq!(held.start.to_rfc3339(), "2027-03-16T13:00:00+00:00");
    }
}

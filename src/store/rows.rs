//! Rows to domain types and domain types to bind values, the same for both backends.
//!
//! Each `…Row` is what a `select` of [`super::queries`] returns, read by column name
//! (`#[derive(sqlx::FromRow)]`), references already turned into codes by joins. Stored text
//! (keywords, weekly windows, lists) is the canonical form the domain types display, and parses
//! back through the same parsers the import uses: a value that does not is
//! [`StoreError::Corrupt`], never a panic.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::publication::StoredEvent;
use super::{ApiUser, Feed, StoreError, TravelOverride};
use crate::domain::{
    AgendaEntry, AgendaKind, Child, ClassLevel, Code, Commune, Coordinator, Driver,
    EducationPriority, Eps, Family, FieldError, FreeTime, FreeTimeLevel, GeoPoint,
    HealthAppointment, HealthKind, Language, LunchBreak, MeetingPlace, NeutralSite, Orientation,
    OrientationSource, ParcoursStatus, Professional, Qpv, Referent, Role, School, SchoolLevel,
    SectorCriterion, SiteKind, TimeRange, TravelMode, Unavailability, Vehicle, VisitFrequency,
    WeeklyAvailability, Workshop, WorkshopAudience, WorkshopPeriod, WorkshopScope, parse_list,
};
use crate::feeds::ics::{Event, EventStatus};
use crate::planning::{Horizon, PlanEnvelope, PlanFigures, PlanKind, PlanMethod};

/// A `commune` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct CommuneRow {
    pub code: String,
    name: String,
    latitude: f64,
    longitude: f64,
}

/// A `qpv` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct QpvRow {
    pub code: String,
    name: String,
    commune: String,
    latitude: f64,
    longitude: f64,
    radius_m: i64,
}

/// A `school` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct SchoolRow {
    pub code: String,
    name: String,
    level: String,
    priority: Option<String>,
    commune: String,
    school_group: Option<String>,
    latitude: f64,
    longitude: f64,
}

/// A `neutral_site` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct SiteRow {
    pub code: String,
    name: String,
    kind: String,
    commune: String,
    latitude: f64,
    longitude: f64,
    opening_hours: String,
    capacity: i64,
}

/// A `coordinator` row (her communes are [`LinkRow`]s).
#[derive(Debug, sqlx::FromRow)]
pub(super) struct CoordinatorRow {
    pub code: String,
    name: String,
    site: Option<String>,
}

/// A row of a list table: the owner's code, the member's code and its position in the list.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct LinkRow {
    pub owner: String,
    member: String,
    pub position: i64,
}

/// A `referent` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ReferentRow {
    pub code: String,
    name: String,
    commune: String,
    latitude: f64,
    longitude: f64,
    working_hours: String,
    working_time_pct: i64,
    lunch_window: Option<String>,
    lunch_min: Option<i64>,
    target_caseload: i64,
    max_caseload: i64,
    sectors: String,
    languages: String,
    travel_mode: String,
}

/// A `family` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct FamilyRow {
    pub code: String,
    commune: String,
    qpv: Option<String>,
    latitude: f64,
    longitude: f64,
    availability: String,
    meeting_site: Option<String>,
    language: String,
    referent: Option<String>,
    referent_since: Option<NaiveDate>,
    frequency: String,
    last_visit: Option<NaiveDate>,
    visit_min: i64,
    referent_pinned: bool,
}

/// A `child` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ChildRow {
    pub code: String,
    family: String,
    age: i64,
    school: Option<String>,
    class: Option<String>,
    status: String,
    free_time: Option<String>,
}

/// A `professional` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ProfessionalRow {
    pub code: String,
    name: String,
    function: String,
    institution: Option<String>,
    availability: String,
}

/// An `eps` row (its members are [`EpsMemberRow`]s, its référents and alternative sites
/// [`LinkRow`]s).
#[derive(Debug, sqlx::FromRow)]
pub(super) struct EpsRow {
    pub code: String,
    name: String,
    commune: String,
    qpv: Option<String>,
    coordinator: String,
    site: Option<String>,
    meetings_per_year: i64,
    meeting_minutes: i64,
    hours: Option<String>,
    min_spacing_days: Option<i64>,
}

/// An `eps_member` row: a [`LinkRow`] with whether the member is required.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct EpsMemberRow {
    pub owner: String,
    member: String,
    pub position: i64,
    required: bool,
}

/// An `unavailability` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct UnavailabilityRow {
    pub code: String,
    person_code: String,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    reason: Option<String>,
}

/// A `workshop` row (its sites are [`LinkRow`]s): exactly one of the two facilitators is set.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct WorkshopRow {
    pub code: String,
    theme: String,
    scope: String,
    commune: Option<String>,
    sessions: i64,
    session_min: i64,
    group_min: i64,
    group_max: i64,
    age_min: i64,
    age_max: i64,
    facilitator_professional: Option<String>,
    facilitator_referent: Option<String>,
    preferred_times: String,
    period: String,
    audience: String,
    max_distance_km: Option<i64>,
}

/// An `orientation` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct OrientationRow {
    child: String,
    workshop: String,
    oriented_on: NaiveDate,
    priority: bool,
    source: String,
}

/// A `free_time` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct FreeTimeRow {
    pub level: String,
    school_weeks: String,
    holidays: String,
}

/// A `health_appointment` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct AppointmentRow {
    pub code: String,
    child: String,
    kind: String,
    place_name: String,
    commune: String,
    latitude: f64,
    longitude: f64,
    start_at: DateTime<Utc>,
    duration_min: i64,
    needs_ride: bool,
    wheelchair: bool,
    address: Option<String>,
}

/// A `driver` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct DriverRow {
    pub code: String,
    name: String,
    commune: String,
    latitude: f64,
    longitude: f64,
    working_hours: String,
}

/// A `vehicle` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct VehicleRow {
    pub code: String,
    driver: Option<String>,
    seats: i64,
    child_seats: i64,
    wheelchair: bool,
}

/// An `agenda_entry` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct AgendaRow {
    pub code: String,
    referent: String,
    kind: String,
    start_at: DateTime<Utc>,
    duration_min: i64,
    site: Option<String>,
    family: Option<String>,
}

/// A `travel_override` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct TravelRow {
    from_code: String,
    to_code: String,
    minutes: i64,
    metres: i64,
}

/// One value to bind, in the order of a statement's placeholders.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Real(f64),
    Bool(bool),
    OptDate(Option<NaiveDate>),
    Instant(DateTime<Utc>),
    /// The time of the import, for `updated_at`: each backend binds it in its own type.
    Now,
}

impl Value {
    fn code(code: &Code) -> Value {
        Value::Text(code.as_str().to_owned())
    }

    fn opt_code(code: Option<&Code>) -> Value {
        Value::OptText(code.map(|c| c.as_str().to_owned()))
    }

    fn count(n: u32) -> Value {
        Value::Int(i64::from(n))
    }

    fn text(text: impl ToString) -> Value {
        Value::Text(text.to_string())
    }
}

/// The record being read, for error messages.
struct Cx<'a> {
    table: &'static str,
    code: &'a str,
}

impl Cx<'_> {
    fn corrupt(&self, field: &'static str, message: impl ToString) -> StoreError {
        StoreError::Corrupt {
            table: self.table,
            code: self.code.to_owned(),
            field,
            message: message.to_string(),
        }
    }

    fn parse<T>(
        &self,
        field: &'static str,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Result<T, StoreError> {
        parse(text).map_err(|e| self.corrupt(field, e))
    }

    fn code(&self, field: &'static str, text: &str) -> Result<Code, StoreError> {
        self.parse(field, text, Code::parse)
    }

    fn opt_code(
        &self,
        field: &'static str,
        text: Option<&str>,
    ) -> Result<Option<Code>, StoreError> {
        text.map(|t| self.code(field, t)).transpose()
    }

    fn count(&self, field: &'static str, n: i64) -> Result<u32, StoreError> {
        u32::try_from(n).map_err(|_| self.corrupt(field, format!("{n} is not a count")))
    }

    fn point(&self, lat: f64, lon: f64) -> Result<GeoPoint, StoreError> {
        GeoPoint::new(lat, lon).map_err(|e| self.corrupt("latitude", e))
    }

    /// Weekly windows; the empty text is no window.
    fn weekly(&self, field: &'static str, text: &str) -> Result<WeeklyAvailability, StoreError> {
        if text.trim().is_empty() {
            return Ok(WeeklyAvailability::default());
        }
        self.parse(field, text, WeeklyAvailability::parse)
    }

    fn list<T>(
        &self,
        field: &'static str,
        text: &str,
        parse: impl Fn(&str) -> Result<T, FieldError>,
    ) -> Result<Vec<T>, StoreError> {
        parse_list(text)
            .into_iter()
            .map(|item| self.parse(field, item, &parse))
            .collect()
    }
}

pub(super) fn commune(row: CommuneRow) -> Result<Commune, StoreError> {
    let cx = Cx {
        table: "commune",
        code: &row.code,
    };
    Ok(Commune {
        insee: cx.code("code", &row.code)?,
        location: cx.point(row.latitude, row.longitude)?,
        name: row.name,
    })
}

pub(super) fn commune_params(c: &Commune) -> Vec<Value> {
    vec![
        Value::code(&c.insee),
        Value::text(&c.name),
        Value::Real(c.location.lat()),
        Value::Real(c.location.lon()),
    ]
}

pub(super) fn qpv(row: QpvRow) -> Result<Qpv, StoreError> {
    let cx = Cx {
        table: "qpv",
        code: &row.code,
    };
    Ok(Qpv {
        code: cx.code("code", &row.code)?,
        commune: cx.code("commune_id", &row.commune)?,
        centre: cx.point(row.latitude, row.longitude)?,
        radius_m: cx.count("radius_m", row.radius_m)?,
        name: row.name,
    })
}

pub(super) fn qpv_params(q: &Qpv) -> Vec<Value> {
    vec![
        Value::code(&q.code),
        Value::text(&q.name),
        Value::code(&q.commune),
        Value::Real(q.centre.lat()),
        Value::Real(q.centre.lon()),
        Value::count(q.radius_m),
    ]
}

pub(super) fn school(row: SchoolRow) -> Result<School, StoreError> {
    let cx = Cx {
        table: "school",
        code: &row.code,
    };
    Ok(School {
        code: cx.code("code", &row.code)?,
        level: cx.parse("level", &row.level, SchoolLevel::parse)?,
        priority: row
            .priority
            .map(|p| cx.parse("priority", &p, EducationPriority::parse))
            .transpose()?,
        commune: cx.code("commune_id", &row.commune)?,
        location: cx.point(row.latitude, row.longitude)?,
        name: row.name,
        group: row.school_group,
    })
}

pub(super) fn school_params(s: &School) -> Vec<Value> {
    vec![
        Value::code(&s.code),
        Value::text(&s.name),
        Value::text(s.level.key()),
        Value::OptText(s.priority.map(|p| p.key().to_owned())),
        Value::code(&s.commune),
        Value::OptText(s.group.clone()),
        Value::Real(s.location.lat()),
        Value::Real(s.location.lon()),
    ]
}

pub(super) fn site(row: SiteRow) -> Result<NeutralSite, StoreError> {
    let cx = Cx {
        table: "neutral_site",
        code: &row.code,
    };
    Ok(NeutralSite {
        code: cx.code("code", &row.code)?,
        kind: cx.parse("kind", &row.kind, SiteKind::parse)?,
        commune: cx.code("commune_id", &row.commune)?,
        location: cx.point(row.latitude, row.longitude)?,
        opening_hours: cx.weekly("opening_hours", &row.opening_hours)?,
        capacity: cx.count("capacity", row.capacity)?,
        name: row.name,
    })
}

pub(super) fn site_params(s: &NeutralSite) -> Vec<Value> {
    vec![
        Value::code(&s.code),
        Value::text(&s.name),
        Value::text(s.kind.key()),
        Value::code(&s.commune),
        Value::Real(s.location.lat()),
        Value::Real(s.location.lon()),
        Value::text(&s.opening_hours),
        Value::count(s.capacity),
    ]
}

pub(super) fn coordinator(
    row: CoordinatorRow,
    communes: &[LinkRow],
) -> Result<Coordinator, StoreError> {
    let cx = Cx {
        table: "coordinator",
        code: &row.code,
    };
    Ok(Coordinator {
        code: cx.code("code", &row.code)?,
        communes: members(&cx, "coordinator_commune", communes)?,
        site: cx.opt_code("neutral_site_id", row.site.as_deref())?,
        name: row.name,
    })
}

pub(super) fn coordinator_params(c: &Coordinator) -> Vec<Value> {
    vec![
        Value::code(&c.code),
        Value::text(&c.name),
        Value::opt_code(c.site.as_ref()),
    ]
}

/// The member codes of `owner` in a list table's rows (sorted by owner then position).
fn members(cx: &Cx<'_>, field: &'static str, rows: &[LinkRow]) -> Result<Vec<Code>, StoreError> {
    rows.iter()
        .filter(|link| link.owner == cx.code)
        .map(|link| cx.code(field, &link.member))
        .collect()
}

pub(super) fn referent(row: ReferentRow) -> Result<Referent, StoreError> {
    let cx = Cx {
        table: "referent",
        code: &row.code,
    };
    let lunch = match (row.lunch_window, row.lunch_min) {
        (Some(window), Some(minutes)) => {
            let window = cx.parse("lunch_window", &window, TimeRange::parse)?;
            let minutes = cx.count("lunch_min", minutes)?;
            Some(LunchBreak::new(window, minutes).map_err(|e| cx.corrupt("lunch_min", e))?)
        }
        (None, None) => None,
        _ => {
            return Err(cx.corrupt(
                "lunch_window",
                "window and length must be both set or both null",
            ));
        }
    };
    Ok(Referent {
        code: cx.code("code", &row.code)?,
        commune: cx.code("commune_id", &row.commune)?,
        base: cx.point(row.latitude, row.longitude)?,
        working_hours: cx.weekly("working_hours", &row.working_hours)?,
        working_time_pct: cx.count("working_time_pct", row.working_time_pct)?,
        lunch,
        target_caseload: cx.count("target_caseload", row.target_caseload)?,
        max_caseload: cx.count("max_caseload", row.max_caseload)?,
        sectors: cx.list("sectors", &row.sectors, SectorCriterion::parse)?,
        languages: cx.list("languages", &row.languages, Language::parse)?,
        travel_mode: cx.parse("travel_mode", &row.travel_mode, TravelMode::parse)?,
        name: row.name,
    })
}

pub(super) fn referent_params(r: &Referent) -> Vec<Value> {
    vec![
        Value::code(&r.code),
        Value::text(&r.name),
        Value::code(&r.commune),
        Value::Real(r.base.lat()),
        Value::Real(r.base.lon()),
        Value::text(&r.working_hours),
        Value::count(r.working_time_pct),
        Value::OptText(r.lunch.map(|l| l.window.to_string())),
        Value::OptInt(r.lunch.map(|l| i64::from(l.minutes))),
        Value::count(r.target_caseload),
        Value::count(r.max_caseload),
        Value::Text(join(&r.sectors)),
        Value::Text(join(r.languages.iter().map(Language::code))),
        Value::text(r.travel_mode.key()),
    ]
}

fn join<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn family(row: FamilyRow) -> Result<Family, StoreError> {
    let cx = Cx {
        table: "family",
        code: &row.code,
    };
    let referent = match (row.referent, row.referent_since) {
        (Some(referent), Some(since)) => Some((cx.code("referent_id", &referent)?, since)),
        (None, None) => None,
        _ => {
            return Err(cx.corrupt(
                "referent_since",
                "référent and date must be both set or both null",
            ));
        }
    };
    Ok(Family {
        code: cx.code("code", &row.code)?,
        commune: cx.code("commune_id", &row.commune)?,
        qpv: cx.opt_code("qpv_id", row.qpv.as_deref())?,
        location: cx.point(row.latitude, row.longitude)?,
        availability: cx.weekly("availability", &row.availability)?,
        meeting_place: match row.meeting_site {
            Some(site) => MeetingPlace::Site(cx.code("meeting_site_id", &site)?),
            None => MeetingPlace::Home,
        },
        language: cx.parse("language", &row.language, Language::parse)?,
        referent,
        referent_pinned: row.referent_pinned,
        frequency: cx.parse("frequency", &row.frequency, VisitFrequency::parse)?,
        last_visit: row.last_visit,
        visit_minutes: cx.count("visit_min", row.visit_min)?,
    })
}

pub(super) fn family_params(f: &Family) -> Vec<Value> {
    let site = match &f.meeting_place {
        MeetingPlace::Home => None,
        MeetingPlace::Site(code) => Some(code),
    };
    vec![
        Value::code(&f.code),
        Value::code(&f.commune),
        Value::opt_code(f.qpv.as_ref()),
        Value::Real(f.location.lat()),
        Value::Real(f.location.lon()),
        Value::text(&f.availability),
        Value::opt_code(site),
        Value::text(f.language.code()),
        Value::opt_code(f.referent.as_ref().map(|(code, _)| code)),
        Value::OptDate(f.referent.as_ref().map(|(_, since)| *since)),
        Value::text(f.frequency.key()),
        Value::OptDate(f.last_visit),
        Value::count(f.visit_minutes),
        Value::Bool(f.referent_pinned),
    ]
}

pub(super) fn child(row: ChildRow) -> Result<Child, StoreError> {
    let cx = Cx {
        table: "child",
        code: &row.code,
    };
    Ok(Child {
        code: cx.code("code", &row.code)?,
        family: cx.code("family_id", &row.family)?,
        age: cx.count("age", row.age)?,
        school: cx.opt_code("school_id", row.school.as_deref())?,
        class: row
            .class
            .map(|c| cx.parse("class", &c, ClassLevel::parse))
            .transpose()?,
        status: cx.parse("status", &row.status, ParcoursStatus::parse)?,
        free_time: row
            .free_time
            .map(|t| cx.parse("free_time", &t, WeeklyAvailability::parse))
            .transpose()?,
    })
}

pub(super) fn child_params(c: &Child) -> Vec<Value> {
    vec![
        Value::code(&c.code),
        Value::code(&c.family),
        Value::count(c.age),
        Value::opt_code(c.school.as_ref()),
        Value::OptText(c.class.map(|c| c.key().to_owned())),
        Value::text(c.status.key()),
        Value::OptText(c.free_time.as_ref().map(ToString::to_string)),
    ]
}

pub(super) fn professional(row: ProfessionalRow) -> Result<Professional, StoreError> {
    let cx = Cx {
        table: "professional",
        code: &row.code,
    };
    Ok(Professional {
        code: cx.code("code", &row.code)?,
        availability: cx.weekly("availability", &row.availability)?,
        name: row.name,
        function: row.function,
        institution: row.institution,
    })
}

pub(super) fn professional_params(p: &Professional) -> Vec<Value> {
    vec![
        Value::code(&p.code),
        Value::text(&p.name),
        Value::text(&p.function),
        Value::OptText(p.institution.clone()),
        Value::text(&p.availability),
    ]
}

/// The links of an EPS, each list sorted by owner then position.
pub(super) struct EpsLinks<'a> {
    pub members: &'a [EpsMemberRow],
    pub referents: &'a [LinkRow],
    pub sites: &'a [LinkRow],
}

pub(super) fn eps(row: EpsRow, links: &EpsLinks<'_>) -> Result<Eps, StoreError> {
    let cx = Cx {
        table: "eps",
        code: &row.code,
    };
    let mut member_codes = Vec::new();
    let mut required = Vec::new();
    for link in links.members.iter().filter(|link| link.owner == row.code) {
        let member = cx.code("eps_member", &link.member)?;
        if link.required {
            required.push(member.clone());
        }
        member_codes.push(member);
    }
    required.sort();
    Ok(Eps {
        code: cx.code("code", &row.code)?,
        commune: cx.code("commune_id", &row.commune)?,
        qpv: cx.opt_code("qpv_id", row.qpv.as_deref())?,
        coordinator: cx.code("coordinator_id", &row.coordinator)?,
        site: cx.opt_code("neutral_site_id", row.site.as_deref())?,
        members: member_codes,
        meetings_per_year: cx.count("meetings_per_year", row.meetings_per_year)?,
        meeting_minutes: cx.count("meeting_minutes", row.meeting_minutes)?,
        required,
        referents: members(&cx, "eps_referent", links.referents)?,
        alternative_sites: members(&cx, "eps_alternative_site", links.sites)?,
        hours: row
            .hours
            .map(|h| cx.parse("hours", &h, WeeklyAvailability::parse))
            .transpose()?,
        min_spacing_days: row
            .min_spacing_days
            .map(|d| cx.count("min_spacing_days", d))
            .transpose()?,
        name: row.name,
    })
}

pub(super) fn eps_params(e: &Eps) -> Vec<Value> {
    vec![
        Value::code(&e.code),
        Value::text(&e.name),
        Value::code(&e.commune),
        Value::opt_code(e.qpv.as_ref()),
        Value::code(&e.coordinator),
        Value::opt_code(e.site.as_ref()),
        Value::count(e.meetings_per_year),
        Value::count(e.meeting_minutes),
        Value::OptText(e.hours.as_ref().map(ToString::to_string)),
        Value::OptInt(e.min_spacing_days.map(i64::from)),
    ]
}

pub(super) fn unavailability(row: UnavailabilityRow) -> Result<Unavailability, StoreError> {
    let cx = Cx {
        table: "unavailability",
        code: &row.code,
    };
    Ok(Unavailability {
        code: cx.code("code", &row.code)?,
        person: cx.code("person_code", &row.person_code)?,
        from: row.start_at,
        to: row.end_at,
        reason: row.reason,
    })
}

pub(super) fn unavailability_params(u: &Unavailability) -> Vec<Value> {
    vec![
        Value::code(&u.code),
        Value::code(&u.person),
        Value::Instant(u.from),
        Value::Instant(u.to),
        Value::OptText(u.reason.clone()),
    ]
}

pub(super) fn workshop(row: WorkshopRow, sites: &[LinkRow]) -> Result<Workshop, StoreError> {
    let cx = Cx {
        table: "workshop",
        code: &row.code,
    };
    let facilitator = match (&row.facilitator_professional, &row.facilitator_referent) {
        (Some(code), None) | (None, Some(code)) => cx.code("facilitator", code)?,
        _ => return Err(cx.corrupt("facilitator", "exactly one facilitator expected")),
    };
    Ok(Workshop {
        code: cx.code("code", &row.code)?,
        scope: cx.parse("scope", &row.scope, WorkshopScope::parse)?,
        commune: cx.opt_code("commune_id", row.commune.as_deref())?,
        sessions: cx.count("sessions", row.sessions)?,
        session_minutes: cx.count("session_min", row.session_min)?,
        group_size: (
            cx.count("group_min", row.group_min)?,
            cx.count("group_max", row.group_max)?,
        ),
        ages: (
            cx.count("age_min", row.age_min)?,
            cx.count("age_max", row.age_max)?,
        ),
        facilitator,
        sites: members(&cx, "workshop_site", sites)?,
        preferred_times: cx.weekly("preferred_times", &row.preferred_times)?,
        period: cx.parse("period", &row.period, WorkshopPeriod::parse)?,
        audience: cx.parse("audience", &row.audience, WorkshopAudience::parse)?,
        max_distance_km: row
            .max_distance_km
            .map(|km| cx.count("max_distance_km", km))
            .transpose()?,
        theme: row.theme,
    })
}

pub(super) fn orientation(row: OrientationRow) -> Result<Orientation, StoreError> {
    let key = format!("{}→{}", row.child, row.workshop);
    let cx = Cx {
        table: "orientation",
        code: &key,
    };
    Ok(Orientation {
        child: cx.code("child_id", &row.child)?,
        workshop: cx.code("workshop_id", &row.workshop)?,
        date: row.oriented_on,
        priority: row.priority,
        by: cx.parse("source", &row.source, OrientationSource::parse)?,
    })
}

pub(super) fn orientation_params(o: &Orientation) -> Vec<Value> {
    vec![
        Value::code(&o.child),
        Value::code(&o.workshop),
        Value::OptDate(Some(o.date)),
        Value::Bool(o.priority),
        Value::text(o.by.key()),
    ]
}

pub(super) fn free_time(row: FreeTimeRow) -> Result<FreeTime, StoreError> {
    let cx = Cx {
        table: "free_time",
        code: &row.level,
    };
    Ok(FreeTime {
        level: cx.parse("level", &row.level, FreeTimeLevel::parse)?,
        school_weeks: cx.weekly("school_weeks", &row.school_weeks)?,
        holidays: cx.weekly("holidays", &row.holidays)?,
    })
}

pub(super) fn free_time_params(f: &FreeTime) -> Vec<Value> {
    vec![
        Value::text(f.level.key()),
        Value::text(&f.school_weeks),
        Value::text(&f.holidays),
    ]
}

/// `facilitator_is_referent` says which of the two facilitator columns gets the code.
pub(super) fn workshop_params(w: &Workshop, facilitator_is_referent: bool) -> Vec<Value> {
    let facilitator = Some(w.facilitator.as_str().to_owned());
    let (by_professional, by_referent) = if facilitator_is_referent {
        (None, facilitator)
    } else {
        (facilitator, None)
    };
    vec![
        Value::code(&w.code),
        Value::text(&w.theme),
        Value::text(w.scope.key()),
        Value::opt_code(w.commune.as_ref()),
        Value::count(w.sessions),
        Value::count(w.session_minutes),
        Value::count(w.group_size.0),
        Value::count(w.group_size.1),
        Value::count(w.ages.0),
        Value::count(w.ages.1),
        Value::OptText(by_professional),
        Value::OptText(by_referent),
        Value::text(&w.preferred_times),
        Value::text(w.period.key()),
        Value::text(w.audience.key()),
        Value::OptInt(w.max_distance_km.map(i64::from)),
    ]
}

pub(super) fn appointment(row: AppointmentRow) -> Result<HealthAppointment, StoreError> {
    let cx = Cx {
        table: "health_appointment",
        code: &row.code,
    };
    Ok(HealthAppointment {
        code: cx.code("code", &row.code)?,
        child: cx.code("child_id", &row.child)?,
        kind: cx.parse("kind", &row.kind, HealthKind::parse)?,
        commune: cx.code("commune_id", &row.commune)?,
        location: cx.point(row.latitude, row.longitude)?,
        start: row.start_at,
        minutes: cx.count("duration_min", row.duration_min)?,
        needs_ride: row.needs_ride,
        wheelchair: row.wheelchair,
        place_name: row.place_name,
        address: row.address,
    })
}

pub(super) fn appointment_params(a: &HealthAppointment) -> Vec<Value> {
    vec![
        Value::code(&a.code),
        Value::code(&a.child),
        Value::text(a.kind.key()),
        Value::text(&a.place_name),
        Value::code(&a.commune),
        Value::Real(a.location.lat()),
        Value::Real(a.location.lon()),
        Value::Instant(a.start),
        Value::count(a.minutes),
        Value::Bool(a.needs_ride),
        Value::Bool(a.wheelchair),
        Value::OptText(a.address.clone()),
    ]
}

pub(super) fn driver(row: DriverRow) -> Result<Driver, StoreError> {
    let cx = Cx {
        table: "driver",
        code: &row.code,
    };
    Ok(Driver {
        code: cx.code("code", &row.code)?,
        commune: cx.code("commune_id", &row.commune)?,
        base: cx.point(row.latitude, row.longitude)?,
        working_hours: cx.weekly("working_hours", &row.working_hours)?,
        name: row.name,
    })
}

pub(super) fn driver_params(d: &Driver) -> Vec<Value> {
    vec![
        Value::code(&d.code),
        Value::text(&d.name),
        Value::code(&d.commune),
        Value::Real(d.base.lat()),
        Value::Real(d.base.lon()),
        Value::text(&d.working_hours),
    ]
}

pub(super) fn vehicle(row: VehicleRow) -> Result<Vehicle, StoreError> {
    let cx = Cx {
        table: "vehicle",
        code: &row.code,
    };
    Ok(Vehicle {
        code: cx.code("code", &row.code)?,
        driver: cx.opt_code("driver_id", row.driver.as_deref())?,
        seats: cx.count("seats", row.seats)?,
        child_seats: cx.count("child_seats", row.child_seats)?,
        wheelchair: row.wheelchair,
    })
}

pub(super) fn vehicle_params(v: &Vehicle) -> Vec<Value> {
    vec![
        Value::code(&v.code),
        Value::opt_code(v.driver.as_ref()),
        Value::count(v.seats),
        Value::count(v.child_seats),
        Value::Bool(v.wheelchair),
    ]
}

pub(super) fn agenda_entry(row: AgendaRow) -> Result<AgendaEntry, StoreError> {
    let cx = Cx {
        table: "agenda_entry",
        code: &row.code,
    };
    Ok(AgendaEntry {
        code: cx.code("code", &row.code)?,
        referent: cx.code("referent_id", &row.referent)?,
        kind: cx.parse("kind", &row.kind, AgendaKind::parse)?,
        start: row.start_at,
        minutes: cx.count("duration_min", row.duration_min)?,
        site: cx.opt_code("neutral_site_id", row.site.as_deref())?,
        family: cx.opt_code("family_id", row.family.as_deref())?,
        from_plan: false,
    })
}

pub(super) fn agenda_params(a: &AgendaEntry) -> Vec<Value> {
    vec![
        Value::code(&a.code),
        Value::code(&a.referent),
        Value::text(a.kind.key()),
        Value::Instant(a.start),
        Value::count(a.minutes),
        Value::opt_code(a.site.as_ref()),
        Value::opt_code(a.family.as_ref()),
    ]
}

pub(super) fn travel(row: TravelRow) -> Result<TravelOverride, StoreError> {
    let key = format!("{}→{}", row.from_code, row.to_code);
    let cx = Cx {
        table: "travel_override",
        code: &key,
    };
    Ok(TravelOverride {
        from: cx.code("from_code", &row.from_code)?,
        to: cx.code("to_code", &row.to_code)?,
        minutes: cx.count("minutes", row.minutes)?,
        metres: cx.count("metres", row.metres)?,
    })
}

pub(super) fn travel_params(t: &TravelOverride) -> Vec<Value> {
    vec![
        Value::code(&t.from),
        Value::code(&t.to),
        Value::count(t.minutes),
        Value::count(t.metres),
    ]
}

/// A `plan` row, read by kind, horizon and method.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct PlanRow {
    pub plan_id: i64,
    version: i64,
    format: i64,
    body: String,
    placed: i64,
    unmet: i64,
    travel_minutes: i64,
    travel_meters: i64,
}

/// The plan of `kind` over `horizon` made by `method` that `row` stores, with its version. The
/// body stays sealed: it is opened (its format checked) by whoever reads it.
pub(super) fn plan_envelope(
    kind: PlanKind,
    horizon: Horizon,
    method: PlanMethod,
    row: PlanRow,
) -> (i64, PlanEnvelope) {
    let envelope = PlanEnvelope {
        kind,
        horizon,
        method,
        format: row.format,
        body: row.body,
        figures: PlanFigures {
            placed: row.placed,
            unmet: row.unmet,
            travel_minutes: row.travel_minutes,
            travel_meters: row.travel_meters,
        },
    };
    (row.version, envelope)
}

/// An `api_user` row, valid (not revoked).
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ApiUserRow {
    api_user_id: i64,
    person_code: String,
    role: String,
}

/// A `web_login` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct LoginRow {
    web_login_id: i64,
    person_code: String,
    role: String,
    password_hash: String,
}

/// A `feed_event` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct FeedEventRow {
    feed_event_id: i64,
    person_code: String,
    kind: String,
    horizon: String,
    uid: String,
    sequence: i64,
    status: String,
    start_local: NaiveDateTime,
    end_local: NaiveDateTime,
    summary: String,
    location: String,
    description: String,
}

/// A row of `SELECT_FEED`: the latest change of any of the person's events, on every row, and
/// one event to show; the event columns are null on the one row of a feed with nothing to show.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct FeedRow {
    last_modified: Option<DateTime<Utc>>,
    uid: Option<String>,
    sequence: Option<i64>,
    status: Option<String>,
    start_local: Option<NaiveDateTime>,
    end_local: Option<NaiveDateTime>,
    summary: Option<String>,
    location: Option<String>,
    description: Option<String>,
}

/// The stored key of an event status.
pub(super) fn status_key(status: EventStatus) -> &'static str {
    match status {
        EventStatus::Confirmed => "confirmed",
        EventStatus::Cancelled => "cancelled",
    }
}

impl Cx<'_> {
    fn status(&self, text: &str) -> Result<EventStatus, StoreError> {
        [EventStatus::Confirmed, EventStatus::Cancelled]
            .into_iter()
            .find(|s| status_key(*s) == text)
            .ok_or_else(|| self.corrupt("status", format!("unknown status `{text}`")))
    }

    fn sequence(&self, n: i64) -> Result<u32, StoreError> {
        u32::try_from(n).map_err(|_| self.corrupt("sequence", format!("{n} is not a sequence")))
    }
}

/// The person code of a token row of `table`.
pub(super) fn person(table: &'static str, code: &str) -> Result<Code, StoreError> {
    Cx { table, code }.code("person_code", code)
}

/// The référent code of a stored absence.
pub(super) fn absent(code: &str) -> Result<Code, StoreError> {
    Cx {
        table: "absence",
        code,
    }
    .code("referent", code)
}

pub(super) fn api_user(row: ApiUserRow) -> Result<ApiUser, StoreError> {
    let cx = Cx {
        table: "api_user",
        code: &row.person_code,
    };
    Ok(ApiUser {
        id: row.api_user_id,
        person: cx.code("person_code", &row.person_code)?,
        role: cx.parse("role", &row.role, Role::parse)?,
    })
}

pub(super) fn web_login(row: LoginRow) -> Result<super::WebLogin, StoreError> {
    let cx = Cx {
        table: "web_login",
        code: &row.person_code,
    };
    Ok(super::WebLogin {
        id: row.web_login_id,
        person: cx.code("person_code", &row.person_code)?,
        role: cx.parse("role", &row.role, Role::parse)?,
        password_hash: row.password_hash,
    })
}

pub(super) fn feed_event(row: FeedEventRow) -> Result<StoredEvent, StoreError> {
    let cx = Cx {
        table: "feed_event",
        code: &row.uid,
    };
    let event = Event {
        sequence: cx.sequence(row.sequence)?,
        status: cx.status(&row.status)?,
        uid: row.uid.clone(),
        start: row.start_local,
        end: row.end_local,
        summary: row.summary,
        location: row.location,
        description: row.description,
    };
    Ok(StoredEvent {
        id: row.feed_event_id,
        person: row.person_code,
        plan: (row.kind, row.horizon),
        event,
    })
}

/// The feed of `person` from the rows of `SELECT_FEED`, events sorted by start then UID (in
/// Rust, so that both backends give the same order whatever their collation).
pub(super) fn feed(person: &str, rows: Vec<FeedRow>) -> Result<Feed, StoreError> {
    let mut last_modified = None;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        last_modified = last_modified.max(row.last_modified);
        let Some(uid) = row.uid else { continue };
        let cx = Cx {
            table: "feed_event",
            code: &uid,
        };
        let (Some(sequence), Some(status), Some(start), Some(end)) =
            (row.sequence, row.status, row.start_local, row.end_local)
        else {
            return Err(cx.corrupt("start_local", format!("incomplete event of {person}")));
        };
        events.push(Event {
            sequence: cx.sequence(sequence)?,
            status: cx.status(&status)?,
            start,
            end,
            summary: row.summary.unwrap_or_default(),
            location: row.location.unwrap_or_default(),
            description: row.description.unwrap_or_default(),
            uid,
        });
    }
    events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    Ok(Feed {
        events,
        last_modified,
    })
}

//! Rows to domain types and domain types to bind values, the same for both backends.
//!
//! Each `…Row` is the tuple a `select` of [`super::queries`] returns, references already turned
//! into codes by joins. Stored text (keywords, weekly windows, lists) is the canonical form the
//! domain types display, and parses back through the same parsers the import uses: a value that
//! does not is [`StoreError::Corrupt`], never a panic.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::publication::StoredEvent;
use super::{ApiUser, Feed, StoreError, TravelOverride};
use crate::domain::{
    AgendaEntry, AgendaKind, Child, ClassLevel, Code, Commune, Coordinator, Driver,
    EducationPriority, Eps, Family, FieldError, GeoPoint, HealthAppointment, HealthKind, Language,
    LunchBreak, MeetingPlace, NeutralSite, ParcoursStatus, Professional, Qpv, Referent, Role,
    School, SchoolLevel, SectorCriterion, SiteKind, TimeRange, TravelMode, Vehicle, VisitFrequency,
    WeeklyAvailability, Workshop, WorkshopPeriod, WorkshopScope, parse_list,
};
use crate::feeds::ics::{Event, EventStatus};

pub(super) type CommuneRow = (String, String, f64, f64);
pub(super) type QpvRow = (String, String, String, f64, f64, i64);
pub(super) type SchoolRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    f64,
    f64,
);
pub(super) type SiteRow = (String, String, String, String, f64, f64, String, i64);
pub(super) type CoordinatorRow = (String, String);
/// `(owner code, member code, position)` of a list table.
pub(super) type LinkRow = (String, String, i64);
pub(super) type ReferentRow = (
    String,
    String,
    String,
    f64,
    f64,
    String,
    i64,
    Option<String>,
    Option<i64>,
    i64,
    i64,
    String,
    String,
    String,
);
pub(super) type FamilyRow = (
    String,
    String,
    Option<String>,
    f64,
    f64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<NaiveDate>,
    String,
    Option<NaiveDate>,
    i64,
    bool,
);
pub(super) type ChildRow = (String, String, i64, Option<String>, Option<String>, String);
pub(super) type ProfessionalRow = (String, String, String, Option<String>, String);
pub(super) type EpsRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);
pub(super) type WorkshopRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    String,
);
pub(super) type AppointmentRow = (
    String,
    String,
    String,
    String,
    String,
    f64,
    f64,
    DateTime<Utc>,
    i64,
    bool,
    bool,
    Option<String>,
);
pub(super) type DriverRow = (String, String, String, f64, f64, String);
pub(super) type VehicleRow = (String, Option<String>, i64, i64, bool);
pub(super) type AgendaRow = (
    String,
    String,
    String,
    DateTime<Utc>,
    i64,
    Option<String>,
    Option<String>,
);
pub(super) type TravelRow = (String, String, i64, i64);

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

pub(super) fn commune((insee, name, lat, lon): CommuneRow) -> Result<Commune, StoreError> {
    let cx = Cx {
        table: "commune",
        code: &insee,
    };
    Ok(Commune {
        insee: cx.code("code", &insee)?,
        name,
        location: cx.point(lat, lon)?,
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

pub(super) fn qpv((code, name, commune, lat, lon, radius): QpvRow) -> Result<Qpv, StoreError> {
    let cx = Cx {
        table: "qpv",
        code: &code,
    };
    Ok(Qpv {
        code: cx.code("code", &code)?,
        name,
        commune: cx.code("commune_id", &commune)?,
        centre: cx.point(lat, lon)?,
        radius_m: cx.count("radius_m", radius)?,
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
    let (code, name, level, priority, commune, group, lat, lon) = row;
    let cx = Cx {
        table: "school",
        code: &code,
    };
    Ok(School {
        code: cx.code("code", &code)?,
        name,
        level: cx.parse("level", &level, SchoolLevel::parse)?,
        priority: priority
            .map(|p| cx.parse("priority", &p, EducationPriority::parse))
            .transpose()?,
        commune: cx.code("commune_id", &commune)?,
        group,
        location: cx.point(lat, lon)?,
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
    let (code, name, kind, commune, lat, lon, hours, capacity) = row;
    let cx = Cx {
        table: "neutral_site",
        code: &code,
    };
    Ok(NeutralSite {
        code: cx.code("code", &code)?,
        name,
        kind: cx.parse("kind", &kind, SiteKind::parse)?,
        commune: cx.code("commune_id", &commune)?,
        location: cx.point(lat, lon)?,
        opening_hours: cx.weekly("opening_hours", &hours)?,
        capacity: cx.count("capacity", capacity)?,
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
    (code, name): CoordinatorRow,
    communes: &[LinkRow],
) -> Result<Coordinator, StoreError> {
    let cx = Cx {
        table: "coordinator",
        code: &code,
    };
    Ok(Coordinator {
        code: cx.code("code", &code)?,
        name,
        communes: members(&cx, "coordinator_commune", communes)?,
    })
}

pub(super) fn coordinator_params(c: &Coordinator) -> Vec<Value> {
    vec![Value::code(&c.code), Value::text(&c.name)]
}

/// The member codes of `owner` in a list table's rows (sorted by owner then position).
fn members(cx: &Cx<'_>, field: &'static str, rows: &[LinkRow]) -> Result<Vec<Code>, StoreError> {
    rows.iter()
        .filter(|(owner, _, _)| owner == cx.code)
        .map(|(_, member, _)| cx.code(field, member))
        .collect()
}

pub(super) fn referent(row: ReferentRow) -> Result<Referent, StoreError> {
    let (
        code,
        name,
        commune,
        lat,
        lon,
        hours,
        pct,
        lunch_window,
        lunch_min,
        target,
        max,
        sectors,
        languages,
        mode,
    ) = row;
    let cx = Cx {
        table: "referent",
        code: &code,
    };
    let lunch = match (lunch_window, lunch_min) {
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
        code: cx.code("code", &code)?,
        name,
        commune: cx.code("commune_id", &commune)?,
        base: cx.point(lat, lon)?,
        working_hours: cx.weekly("working_hours", &hours)?,
        working_time_pct: cx.count("working_time_pct", pct)?,
        lunch,
        target_caseload: cx.count("target_caseload", target)?,
        max_caseload: cx.count("max_caseload", max)?,
        sectors: cx.list("sectors", &sectors, SectorCriterion::parse)?,
        languages: cx.list("languages", &languages, Language::parse)?,
        travel_mode: cx.parse("travel_mode", &mode, TravelMode::parse)?,
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
    let (
        code,
        commune,
        qpv,
        lat,
        lon,
        availability,
        site,
        language,
        referent,
        since,
        frequency,
        last_visit,
        minutes,
        pinned,
    ) = row;
    let cx = Cx {
        table: "family",
        code: &code,
    };
    let referent = match (referent, since) {
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
        code: cx.code("code", &code)?,
        commune: cx.code("commune_id", &commune)?,
        qpv: cx.opt_code("qpv_id", qpv.as_deref())?,
        location: cx.point(lat, lon)?,
        availability: cx.weekly("availability", &availability)?,
        meeting_place: match site {
            Some(site) => MeetingPlace::Site(cx.code("meeting_site_id", &site)?),
            None => MeetingPlace::Home,
        },
        language: cx.parse("language", &language, Language::parse)?,
        referent,
        referent_pinned: pinned,
        frequency: cx.parse("frequency", &frequency, VisitFrequency::parse)?,
        last_visit,
        visit_minutes: cx.count("visit_min", minutes)?,
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
    let (code, family, age, school, class, status) = row;
    let cx = Cx {
        table: "child",
        code: &code,
    };
    Ok(Child {
        code: cx.code("code", &code)?,
        family: cx.code("family_id", &family)?,
        age: cx.count("age", age)?,
        school: cx.opt_code("school_id", school.as_deref())?,
        class: class
            .map(|c| cx.parse("class", &c, ClassLevel::parse))
            .transpose()?,
        status: cx.parse("status", &status, ParcoursStatus::parse)?,
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
    ]
}

pub(super) fn professional(row: ProfessionalRow) -> Result<Professional, StoreError> {
    let (code, name, function, institution, availability) = row;
    let cx = Cx {
        table: "professional",
        code: &code,
    };
    Ok(Professional {
        code: cx.code("code", &code)?,
        name,
        function,
        institution,
        availability: cx.weekly("availability", &availability)?,
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

pub(super) fn eps(row: EpsRow, members_rows: &[LinkRow]) -> Result<Eps, StoreError> {
    let (code, name, commune, qpv, coordinator, site) = row;
    let cx = Cx {
        table: "eps",
        code: &code,
    };
    Ok(Eps {
        code: cx.code("code", &code)?,
        name,
        commune: cx.code("commune_id", &commune)?,
        qpv: cx.opt_code("qpv_id", qpv.as_deref())?,
        coordinator: cx.code("coordinator_id", &coordinator)?,
        site: cx.opt_code("neutral_site_id", site.as_deref())?,
        members: members(&cx, "eps_member", members_rows)?,
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
    ]
}

pub(super) fn workshop(row: WorkshopRow, sites: &[LinkRow]) -> Result<Workshop, StoreError> {
    let (
        code,
        theme,
        scope,
        commune,
        sessions,
        session_min,
        group_min,
        group_max,
        age_min,
        age_max,
        by_professional,
        by_referent,
        times,
        period,
    ) = row;
    let cx = Cx {
        table: "workshop",
        code: &code,
    };
    let facilitator = match (by_professional, by_referent) {
        (Some(code), None) | (None, Some(code)) => cx.code("facilitator", &code)?,
        _ => return Err(cx.corrupt("facilitator", "exactly one facilitator expected")),
    };
    Ok(Workshop {
        code: cx.code("code", &code)?,
        theme,
        scope: cx.parse("scope", &scope, WorkshopScope::parse)?,
        commune: cx.opt_code("commune_id", commune.as_deref())?,
        sessions: cx.count("sessions", sessions)?,
        session_minutes: cx.count("session_min", session_min)?,
        group_size: (
            cx.count("group_min", group_min)?,
            cx.count("group_max", group_max)?,
        ),
        ages: (cx.count("age_min", age_min)?, cx.count("age_max", age_max)?),
        facilitator,
        sites: members(&cx, "workshop_site", sites)?,
        preferred_times: cx.weekly("preferred_times", &times)?,
        period: cx.parse("period", &period, WorkshopPeriod::parse)?,
    })
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
    ]
}

pub(super) fn appointment(row: AppointmentRow) -> Result<HealthAppointment, StoreError> {
    let (
        code,
        child,
        kind,
        place_name,
        commune,
        lat,
        lon,
        start,
        minutes,
        ride,
        wheelchair,
        address,
    ) = row;
    let cx = Cx {
        table: "health_appointment",
        code: &code,
    };
    Ok(HealthAppointment {
        code: cx.code("code", &code)?,
        child: cx.code("child_id", &child)?,
        kind: cx.parse("kind", &kind, HealthKind::parse)?,
        place_name,
        address,
        commune: cx.code("commune_id", &commune)?,
        location: cx.point(lat, lon)?,
        start,
        minutes: cx.count("duration_min", minutes)?,
        needs_ride: ride,
        wheelchair,
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

pub(super) fn driver(
    (code, name, commune, lat, lon, hours): DriverRow,
) -> Result<Driver, StoreError> {
    let cx = Cx {
        table: "driver",
        code: &code,
    };
    Ok(Driver {
        code: cx.code("code", &code)?,
        name,
        commune: cx.code("commune_id", &commune)?,
        base: cx.point(lat, lon)?,
        working_hours: cx.weekly("working_hours", &hours)?,
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

pub(super) fn vehicle(
    (code, driver, seats, child_seats, wheelchair): VehicleRow,
) -> Result<Vehicle, StoreError> {
    let cx = Cx {
        table: "vehicle",
        code: &code,
    };
    Ok(Vehicle {
        code: cx.code("code", &code)?,
        driver: cx.opt_code("driver_id", driver.as_deref())?,
        seats: cx.count("seats", seats)?,
        child_seats: cx.count("child_seats", child_seats)?,
        wheelchair,
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
    let (code, referent, kind, start, minutes, site, family) = row;
    let cx = Cx {
        table: "agenda_entry",
        code: &code,
    };
    Ok(AgendaEntry {
        code: cx.code("code", &code)?,
        referent: cx.code("referent_id", &referent)?,
        kind: cx.parse("kind", &kind, AgendaKind::parse)?,
        start,
        minutes: cx.count("duration_min", minutes)?,
        site: cx.opt_code("neutral_site_id", site.as_deref())?,
        family: cx.opt_code("family_id", family.as_deref())?,
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

pub(super) fn travel((from, to, minutes, metres): TravelRow) -> Result<TravelOverride, StoreError> {
    let key = format!("{from}→{to}");
    let cx = Cx {
        table: "travel_override",
        code: &key,
    };
    Ok(TravelOverride {
        from: cx.code("from_code", &from)?,
        to: cx.code("to_code", &to)?,
        minutes: cx.count("minutes", minutes)?,
        metres: cx.count("metres", metres)?,
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

/// `(api_user_id, person_code, role)`.
pub(super) type ApiUserRow = (i64, String, String);

/// `(feed_event_id, person_code, week, uid, sequence, status, start_local, end_local, summary,
/// location, description)`.
pub(super) type FeedEventRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    NaiveDateTime,
    NaiveDateTime,
    String,
    String,
    String,
);

/// `(last_modified, uid, sequence, status, start_local, end_local, summary, location,
/// description)` of `SELECT_FEED`: the event columns are null on the one row of a feed with
/// nothing to show.
pub(super) type FeedRow = (
    Option<DateTime<Utc>>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
    Option<String>,
);

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

pub(super) fn api_user((id, person, role): ApiUserRow) -> Result<ApiUser, StoreError> {
    let cx = Cx {
        table: "api_user",
        code: &person,
    };
    Ok(ApiUser {
        id,
        person: cx.code("person_code", &person)?,
        role: cx.parse("role", &role, Role::parse)?,
    })
}

pub(super) fn feed_event(
    (id, person, week, uid, sequence, status, start, end, summary, location, description): FeedEventRow,
) -> Result<StoredEvent, StoreError> {
    let cx = Cx {
        table: "feed_event",
        code: &uid,
    };
    let event = Event {
        sequence: cx.sequence(sequence)?,
        status: cx.status(&status)?,
        uid: uid.clone(),
        start,
        end,
        summary,
        location,
        description,
    };
    Ok(StoredEvent {
        id,
        person,
        week,
        event,
    })
}

/// The feed of `person` from the rows of `SELECT_FEED`, events sorted by start then UID (in
/// Rust, so that both backends give the same order whatever their collation).
pub(super) fn feed(person: &str, rows: Vec<FeedRow>) -> Result<Feed, StoreError> {
    let mut last_modified = None;
    let mut events = Vec::with_capacity(rows.len());
    for (modified, uid, sequence, status, start, end, summary, location, description) in rows {
        last_modified = last_modified.max(modified);
        let Some(uid) = uid else { continue };
        let cx = Cx {
            table: "feed_event",
            code: &uid,
        };
        let (Some(sequence), Some(status), Some(start), Some(end)) = (sequence, status, start, end)
        else {
            return Err(cx.corrupt("start_local", format!("incomplete event of {person}")));
        };
        events.push(Event {
            sequence: cx.sequence(sequence)?,
            status: cx.status(&status)?,
            start,
            end,
            summary: summary.unwrap_or_default(),
            location: location.unwrap_or_default(),
            description: description.unwrap_or_default(),
            uid,
        });
    }
    events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    Ok(Feed {
        events,
        last_modified,
    })
}

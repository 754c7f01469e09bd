//! The SQL, written once for both backends (`$1` placeholders, which SQLite accepts too), and
//! [`backend_queries!`], which instantiates the query functions for one backend's concrete types.
//!
//! Reading joins every reference into its code, so rows convert into domain types without
//! lookups. Writing binds codes and resolves them into ids with sub-selects, so an import never
//! needs the ids of the rows it references.

/// Every table, in the order of the migrations (referenced tables first).
pub(super) const TABLES: [&str; 33] = [
    "commune",
    "qpv",
    "school",
    "neutral_site",
    "coordinator",
    "coordinator_commune",
    "referent",
    "family",
    "child",
    "professional",
    "eps",
    "eps_member",
    "workshop",
    "workshop_site",
    "health_appointment",
    "driver",
    "vehicle",
    "travel_override",
    "agenda_entry",
    "api_user",
    "feed_subscription",
    "feed_event",
    "plan",
    "published_plan",
    "absence",
    "web_login",
    "web_session",
    "horizon_figures",
    "eps_referent",
    "eps_alternative_site",
    "unavailability",
    "orientation",
    "free_time",
];

// Every select names its columns as the fields of its `rows::…Row` (a joined code is aliased
// after the column it resolves: `c.code as commune`), since rows are read by name.

pub(super) const SELECT_COMMUNES: &str = "select code, name, latitude, longitude from commune";

pub(super) const SELECT_QPVS: &str = "select q.code, q.name, c.code as commune, q.latitude, \
     q.longitude, q.radius_m from qpv q join commune c on c.commune_id = q.commune_id";

pub(super) const SELECT_SCHOOLS: &str = "select s.code, s.name, s.level, s.priority, \
     c.code as commune, s.school_group, s.latitude, s.longitude \
     from school s join commune c on c.commune_id = s.commune_id";

pub(super) const SELECT_SITES: &str = "select s.code, s.name, s.kind, c.code as commune, \
     s.latitude, s.longitude, s.opening_hours, s.capacity \
     from neutral_site s join commune c on c.commune_id = s.commune_id";

pub(super) const SELECT_COORDINATORS: &str = "select o.code, o.name, s.code as site \
     from coordinator o left join neutral_site s on s.neutral_site_id = o.neutral_site_id";

pub(super) const SELECT_COORDINATOR_COMMUNES: &str = "select o.code as owner, \
     c.code as member, l.position \
     from coordinator_commune l join coordinator o on o.coordinator_id = l.coordinator_id \
     join commune c on c.commune_id = l.commune_id";

pub(super) const SELECT_REFERENTS: &str = "select r.code, r.name, c.code as commune, \
     r.latitude, r.longitude, r.working_hours, r.working_time_pct, r.lunch_window, r.lunch_min, \
     r.target_caseload, r.max_caseload, r.sectors, r.languages, r.travel_mode \
     from referent r join commune c on c.commune_id = r.commune_id";

pub(super) const SELECT_FAMILIES: &str = "select f.code, c.code as commune, q.code as qpv, \
     f.latitude, f.longitude, f.availability, s.code as meeting_site, f.language, \
     r.code as referent, f.referent_since, f.frequency, f.last_visit, f.visit_min, \
     f.referent_pinned \
     from family f join commune c on c.commune_id = f.commune_id \
     left join qpv q on q.qpv_id = f.qpv_id \
     left join neutral_site s on s.neutral_site_id = f.meeting_site_id \
     left join referent r on r.referent_id = f.referent_id";

pub(super) const SELECT_CHILDREN: &str = "select e.code, f.code as family, e.age, \
     s.code as school, e.class, e.status, e.free_time from child e join family f on f.family_id = e.family_id \
     left join school s on s.school_id = e.school_id";

pub(super) const SELECT_PROFESSIONALS: &str =
    "select code, name, function, institution, availability from professional";

pub(super) const SELECT_EPS: &str = "select e.code, e.name, c.code as commune, q.code as qpv, \
     o.code as coordinator, s.code as site, e.meetings_per_year, e.meeting_minutes, e.hours, \
     e.min_spacing_days \
     from eps e join commune c on c.commune_id = e.commune_id \
     left join qpv q on q.qpv_id = e.qpv_id \
     join coordinator o on o.coordinator_id = e.coordinator_id \
     left join neutral_site s on s.neutral_site_id = e.neutral_site_id";

pub(super) const SELECT_EPS_MEMBERS: &str = "select e.code as owner, p.code as member, \
     m.position, m.required from eps_member m join eps e on e.eps_id = m.eps_id \
     join professional p on p.professional_id = m.professional_id";

pub(super) const SELECT_EPS_REFERENTS: &str = "select e.code as owner, r.code as member, \
     l.position from eps_referent l join eps e on e.eps_id = l.eps_id \
     join referent r on r.referent_id = l.referent_id";

pub(super) const SELECT_EPS_SITES: &str = "select e.code as owner, s.code as member, \
     l.position from eps_alternative_site l join eps e on e.eps_id = l.eps_id \
     join neutral_site s on s.neutral_site_id = l.neutral_site_id";

pub(super) const SELECT_WORKSHOPS: &str = "select w.code, w.theme, w.scope, c.code as commune, \
     w.sessions, w.session_min, w.group_min, w.group_max, w.age_min, w.age_max, \
     p.code as facilitator_professional, r.code as facilitator_referent, w.preferred_times, \
     w.period, w.audience, w.max_distance_km \
     from workshop w left join commune c on c.commune_id = w.commune_id \
     left join professional p on p.professional_id = w.facilitator_professional_id \
     left join referent r on r.referent_id = w.facilitator_referent_id";

pub(super) const SELECT_WORKSHOP_SITES: &str = "select w.code as owner, s.code as member, \
     l.position from workshop_site l join workshop w on w.workshop_id = l.workshop_id \
     join neutral_site s on s.neutral_site_id = l.neutral_site_id";

pub(super) const SELECT_ORIENTATIONS: &str = "select e.code as child, w.code as workshop, \
     o.oriented_on, o.priority, o.source from orientation o \
     join child e on e.child_id = o.child_id join workshop w on w.workshop_id = o.workshop_id";

pub(super) const SELECT_FREE_TIME: &str = "select level, school_weeks, holidays from free_time";

pub(super) const SELECT_APPOINTMENTS: &str = "select a.code, e.code as child, a.kind, \
     a.place_name, c.code as commune, a.latitude, a.longitude, a.start_at, a.duration_min, \
     a.needs_ride, a.wheelchair, a.address \
     from health_appointment a join child e on e.child_id = a.child_id \
     join commune c on c.commune_id = a.commune_id";

pub(super) const SELECT_DRIVERS: &str = "select d.code, d.name, c.code as commune, d.latitude, \
     d.longitude, d.working_hours from driver d join commune c on c.commune_id = d.commune_id";

pub(super) const SELECT_VEHICLES: &str = "select v.code, d.code as driver, v.seats, \
     v.child_seats, v.wheelchair from vehicle v left join driver d on d.driver_id = v.driver_id";

pub(super) const SELECT_AGENDA: &str = "select a.code, r.code as referent, a.kind, a.start_at, \
     a.duration_min, s.code as site, f.code as family \
     from agenda_entry a join referent r on r.referent_id = a.referent_id \
     left join neutral_site s on s.neutral_site_id = a.neutral_site_id \
     left join family f on f.family_id = a.family_id";

pub(super) const SELECT_UNAVAILABILITIES: &str = "select code, person_code, start_at, end_at, \
     reason from unavailability";

pub(super) const SELECT_TRAVEL: &str =
    "select from_code, to_code, minutes, metres from travel_override";

/// A column an upsert writes, in the order of the record's bind values.
#[derive(Debug, Clone, Copy)]
pub(super) struct Col {
    pub name: &'static str,
    /// `Some(table)` when the bound value is a code of `table`, stored as its id.
    pub refers_to: Option<&'static str>,
}

const fn col(name: &'static str) -> Col {
    Col {
        name,
        refers_to: None,
    }
}

const fn id(name: &'static str, table: &'static str) -> Col {
    Col {
        name,
        refers_to: Some(table),
    }
}

pub(super) const COMMUNE: &[Col] = &[col("code"), col("name"), col("latitude"), col("longitude")];
pub(super) const QPV: &[Col] = &[
    col("code"),
    col("name"),
    id("commune_id", "commune"),
    col("latitude"),
    col("longitude"),
    col("radius_m"),
];
pub(super) const SCHOOL: &[Col] = &[
    col("code"),
    col("name"),
    col("level"),
    col("priority"),
    id("commune_id", "commune"),
    col("school_group"),
    col("latitude"),
    col("longitude"),
];
pub(super) const SITE: &[Col] = &[
    col("code"),
    col("name"),
    col("kind"),
    id("commune_id", "commune"),
    col("latitude"),
    col("longitude"),
    col("opening_hours"),
    col("capacity"),
];
pub(super) const COORDINATOR: &[Col] = &[
    col("code"),
    col("name"),
    id("neutral_site_id", "neutral_site"),
];
pub(super) const REFERENT: &[Col] = &[
    col("code"),
    col("name"),
    id("commune_id", "commune"),
    col("latitude"),
    col("longitude"),
    col("working_hours"),
    col("working_time_pct"),
    col("lunch_window"),
    col("lunch_min"),
    col("target_caseload"),
    col("max_caseload"),
    col("sectors"),
    col("languages"),
    col("travel_mode"),
];
pub(super) const FAMILY: &[Col] = &[
    col("code"),
    id("commune_id", "commune"),
    id("qpv_id", "qpv"),
    col("latitude"),
    col("longitude"),
    col("availability"),
    id("meeting_site_id", "neutral_site"),
    col("language"),
    id("referent_id", "referent"),
    col("referent_since"),
    col("frequency"),
    col("last_visit"),
    col("visit_min"),
    col("referent_pinned"),
];
pub(super) const CHILD: &[Col] = &[
    col("code"),
    id("family_id", "family"),
    col("age"),
    id("school_id", "school"),
    col("class"),
    col("status"),
    col("free_time"),
];
pub(super) const PROFESSIONAL: &[Col] = &[
    col("code"),
    col("name"),
    col("function"),
    col("institution"),
    col("availability"),
];
pub(super) const EPS: &[Col] = &[
    col("code"),
    col("name"),
    id("commune_id", "commune"),
    id("qpv_id", "qpv"),
    id("coordinator_id", "coordinator"),
    id("neutral_site_id", "neutral_site"),
    col("meetings_per_year"),
    col("meeting_minutes"),
    col("hours"),
    col("min_spacing_days"),
];
pub(super) const WORKSHOP: &[Col] = &[
    col("code"),
    col("theme"),
    col("scope"),
    id("commune_id", "commune"),
    col("sessions"),
    col("session_min"),
    col("group_min"),
    col("group_max"),
    col("age_min"),
    col("age_max"),
    id("facilitator_professional_id", "professional"),
    id("facilitator_referent_id", "referent"),
    col("preferred_times"),
    col("period"),
    col("audience"),
    col("max_distance_km"),
];
pub(super) const ORIENTATION: &[Col] = &[
    id("child_id", "child"),
    id("workshop_id", "workshop"),
    col("oriented_on"),
    col("priority"),
    col("source"),
];
pub(super) const FREE_TIME: &[Col] = &[col("level"), col("school_weeks"), col("holidays")];
pub(super) const APPOINTMENT: &[Col] = &[
    col("code"),
    id("child_id", "child"),
    col("kind"),
    col("place_name"),
    id("commune_id", "commune"),
    col("latitude"),
    col("longitude"),
    col("start_at"),
    col("duration_min"),
    col("needs_ride"),
    col("wheelchair"),
    col("address"),
];
pub(super) const DRIVER: &[Col] = &[
    col("code"),
    col("name"),
    id("commune_id", "commune"),
    col("latitude"),
    col("longitude"),
    col("working_hours"),
];
pub(super) const VEHICLE: &[Col] = &[
    col("code"),
    id("driver_id", "driver"),
    col("seats"),
    col("child_seats"),
    col("wheelchair"),
];
pub(super) const AGENDA: &[Col] = &[
    col("code"),
    id("referent_id", "referent"),
    col("kind"),
    col("start_at"),
    col("duration_min"),
    id("neutral_site_id", "neutral_site"),
    id("family_id", "family"),
];
pub(super) const UNAVAILABILITY: &[Col] = &[
    col("code"),
    col("person_code"),
    col("start_at"),
    col("end_at"),
    col("reason"),
];
pub(super) const TRAVEL: &[Col] = &[
    col("from_code"),
    col("to_code"),
    col("minutes"),
    col("metres"),
];

/// `commune` → `commune_id`: the id column of a record table.
fn id_column(table: &str) -> String {
    format!("{table}_id")
}

/// The insert-or-update statement of one record of `table`: binds the values of `cols` in
/// order, then the import time (`updated_at`); `key` are the columns that identify the record.
pub(super) fn upsert(table: &str, cols: &[Col], key: &[&str]) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
    let values: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = i + 1;
            match c.refers_to {
                None => format!("${n}"),
                Some(target) => {
                    format!(
                        "(select {} from {target} where code = ${n})",
                        id_column(target)
                    )
                }
            }
        })
        .collect();
    let updates: Vec<String> = names
        .iter()
        .filter(|name| !key.contains(name))
        .map(|name| format!("{name} = excluded.{name}"))
        .collect();
    format!(
        "insert into {table} ({}, updated_at) values ({}, ${}) on conflict ({}) do update set {}, \
         updated_at = excluded.updated_at",
        names.join(", "),
        values.join(", "),
        cols.len() + 1,
        key.join(", "),
        updates.join(", "),
    )
}

/// The statement that empties the list of `$1` (an `owner_table` code) in `list_table`.
pub(super) fn delete_list(list_table: &str, owner_table: &str) -> String {
    let owner_id = id_column(owner_table);
    format!(
        "delete from {list_table} where {owner_id} = \
         (select {owner_id} from {owner_table} where code = $1)"
    )
}

/// The statement that adds member `$2` (an EPS member's code) at position `$3` to the member
/// list of EPS `$1`, required when `$4`, stamped `$5`.
pub(super) const INSERT_EPS_MEMBER: &str = "insert into eps_member (eps_id, professional_id, \
     position, required, updated_at) values ((select eps_id from eps where code = $1), \
     (select professional_id from professional where code = $2), $3, $4, $5)";

/// The statement that adds member `$2` (a `member_table` code) at position `$3` to the list of
/// `$1` (an `owner_table` code), stamped `$4`.
pub(super) fn insert_list_item(list_table: &str, owner_table: &str, member_table: &str) -> String {
    let owner_id = id_column(owner_table);
    let member_id = id_column(member_table);
    format!(
        "insert into {list_table} ({owner_id}, {member_id}, position, updated_at) values \
         ((select {owner_id} from {owner_table} where code = $1), \
         (select {member_id} from {member_table} where code = $2), $3, $4)"
    )
}

/// A new version of a plan of one kind, horizon and method: one more than the last. `$1` kind,
/// `$2` horizon, `$3` method, `$4` format, `$5` seed, `$6` body, `$7`–`$10` figures.
pub(super) const SELECT_LATEST_VERSION: &str = "select max(version) from plan \
     where kind = $1 and horizon = $2 and method = $3";
pub(super) const INSERT_PLAN: &str = "insert into plan (kind, horizon, method, version, format, \
     seed, body, placed, unmet, travel_minutes, travel_meters) values ($1, $2, $3, \
     (select coalesce(max(version), 0) + 1 from plan \
     where kind = $1 and horizon = $2 and method = $3), \
     $4, $5, $6, $7, $8, $9, $10) returning version";

/// The columns of a stored plan, the fields of `rows::PlanRow`.
macro_rules! plan_columns {
    () => {
        "plan_id, version, format, body, placed, unmet, travel_minutes, travel_meters"
    };
}

/// One version of a plan of one kind, horizon and method (`$4`), with the id a publication
/// points to.
pub(super) const SELECT_PLAN_VERSION: &str = concat!(
    "select ",
    plan_columns!(),
    " from plan where kind = $1 and horizon = $2 and method = $3 and version = $4"
);

/// The last version of a plan of one kind, horizon and method.
pub(super) const SELECT_LATEST_PLAN: &str = concat!(
    "select ",
    plan_columns!(),
    " from plan where kind = $1 and horizon = $2 and method = $3 \
     order by version desc limit 1"
);

/// The published version of the plan of a kind (`$1`) and horizon (`$2`).
pub(super) const SELECT_PUBLISHED_VERSION: &str = "select p.version from published_plan w \
     join plan p on p.plan_id = w.plan_id where w.kind = $1 and w.horizon = $2";

/// Records référent `$1` absent on `$2` (`$3` now); no row when she is unknown or the absence
/// is already recorded (the first write stands: recording it again changes nothing).
pub(super) const INSERT_ABSENCE: &str = "insert into absence (referent_id, absence_date, \
     created_at, updated_at) select referent_id, $2, $3, $3 from referent where code = $1 \
     on conflict (referent_id, absence_date) do nothing returning absence_id";

/// Lifts référent `$1`'s absence on `$2`.
pub(super) const DELETE_ABSENCE: &str = "delete from absence where absence_date = $2 \
     and referent_id = (select referent_id from referent where code = $1)";

/// Stores the simulated weeks from week `$1` on data of digest `$2` (`$3` the body, `$4` now),
/// replacing figures of the same week and digest.
pub(super) const UPSERT_HORIZON_FIGURES: &str = "insert into horizon_figures (week, \
     inputs_digest, body, created_at, updated_at) values ($1, $2, $3, $4, $4) \
     on conflict (week, inputs_digest) do update set body = excluded.body, \
     updated_at = excluded.updated_at";

/// The simulated weeks from week `$1`: those on data of digest `$2` if any, else the latest
/// (`inputs_digest`, `body`).
pub(super) const SELECT_HORIZON_FIGURES: &str = "select inputs_digest, body from horizon_figures \
     where week = $1 order by case when inputs_digest = $2 then 0 else 1 end, updated_at desc, \
     horizon_figures_id desc limit 1";

/// Recorded absences, by date then référent (`referent`, `absence_date`).
pub(super) const SELECT_ABSENCES: &str = "select r.code as referent, a.absence_date \
     from absence a join referent r on r.referent_id = a.referent_id \
     order by a.absence_date, r.code";

/// Recorded absences from `$1` to `$2` included, by date then référent.
pub(super) const SELECT_ABSENCES_BETWEEN: &str = "select r.code as referent, a.absence_date \
     from absence a join referent r on r.referent_id = a.referent_id \
     where a.absence_date >= $1 and a.absence_date <= $2 order by a.absence_date, r.code";

/// Which tables hold the persons a role may speak for: `$1` is the code.
pub(super) const REFERENT_EXISTS: &str = "exists (select 1 from referent where code = $1)";
pub(super) const COORDINATOR_EXISTS: &str = "exists (select 1 from coordinator where code = $1)";
pub(super) const PERSON_EXISTS: &str = "(exists (select 1 from coordinator where code = $1) \
     or exists (select 1 from referent where code = $1) \
     or exists (select 1 from driver where code = $1) \
     or exists (select 1 from professional where code = $1))";

/// A new API user (`$1` person, `$2` role, `$3` token hash, `$4` now) when `person_exists`
/// holds for `$1`; no row otherwise.
pub(super) fn insert_user(person_exists: &str) -> String {
    format!(
        "insert into api_user (person_code, role, token_hash, created_at, updated_at) \
         select $1, $2, $3, $4, $4 where {person_exists} returning api_user_id"
    )
}

/// A new feed subscription (`$1` person, `$2` token hash, `$3` now) when `$1` is a known
/// person; no row otherwise.
pub(super) fn insert_feed() -> String {
    format!(
        "insert into feed_subscription (person_code, token_hash, created_at, updated_at) \
         select $1, $2, $3, $3 where {PERSON_EXISTS} returning feed_subscription_id"
    )
}

pub(super) const REVOKE_USER: &str = "update api_user set revoked_at = $2, updated_at = $2 \
     where api_user_id = $1 and revoked_at is null";
pub(super) const REVOKE_USERS_OF: &str = "update api_user set revoked_at = $2, updated_at = $2 \
     where person_code = $1 and revoked_at is null";
pub(super) const SELECT_USER_BY_TOKEN: &str = "select api_user_id, person_code, role \
     from api_user where token_hash = $1 and revoked_at is null";

/// A new web login (`$1` person, `$2` role, `$3` login, `$4` password hash, `$5` now) when
/// `person_exists` holds for `$1`; no row otherwise.
pub(super) fn insert_login(person_exists: &str) -> String {
    format!(
        "insert into web_login (person_code, role, login, password_hash, created_at, updated_at) \
         select $1, $2, $3, $4, $5, $5 where {person_exists} returning web_login_id"
    )
}
pub(super) const SELECT_LOGIN: &str = "select web_login_id, person_code, role, password_hash \
     from web_login where login = $1 and revoked_at is null";
pub(super) const INSERT_SESSION: &str = "insert into web_session (web_login_id, token_hash, \
     expires_at, created_at, updated_at) values ($1, $2, $3, $4, $4) returning web_session_id";
/// The person of an open session (`$1` its token hash, `$2` now) whose login is not revoked,
/// as an `ApiUserRow` (its id the login's).
pub(super) const SELECT_SESSION_USER: &str = "select l.web_login_id as api_user_id, \
     l.person_code, l.role from web_session s join web_login l \
     on l.web_login_id = s.web_login_id where s.token_hash = $1 and s.ended_at is null \
     and s.expires_at > $2 and l.revoked_at is null";
pub(super) const END_SESSION: &str = "update web_session set ended_at = $2, updated_at = $2 where token_hash = $1 and ended_at is null";
pub(super) const SET_PASSWORD: &str = "update web_login set password_hash = $3, updated_at = $4 \
     where login = $1 and person_code = $2 and revoked_at is null";
pub(super) const REVOKE_LOGINS_OF: &str = "update web_login set revoked_at = $2, \
     updated_at = $2 where person_code = $1 and revoked_at is null";

pub(super) const SELECT_FEEDS: &str = "select feed_subscription_id, person_code \
     from feed_subscription where revoked_at is null order by feed_subscription_id";
pub(super) const REVOKE_FEED: &str = "update feed_subscription set revoked_at = $2, \
     updated_at = $2 where feed_subscription_id = $1 and revoked_at is null";
pub(super) const REVOKE_FEEDS_OF: &str = "update feed_subscription set revoked_at = $2, \
     updated_at = $2 where person_code = $1 and revoked_at is null";
pub(super) const SELECT_FEED_PERSON: &str = "select person_code from feed_subscription \
     where token_hash = $1 and revoked_at is null";

/// The columns of a stored feed event, the fields of `rows::FeedEventRow`.
macro_rules! feed_event_columns {
    () => {
        "feed_event_id, person_code, kind, horizon, uid, sequence, status, start_local, \
         end_local, summary, location, description"
    };
}

/// The feed events the plan of a kind (`$1`) and horizon (`$2`) last published, every person's.
pub(super) const SELECT_PLAN_EVENTS: &str = concat!(
    "select ",
    feed_event_columns!(),
    " from feed_event where kind = $1 and horizon = $2"
);

/// One person's feed event by UID, whatever plan published it.
pub(super) const SELECT_EVENT: &str = concat!(
    "select ",
    feed_event_columns!(),
    " from feed_event where person_code = $1 and uid = $2"
);

/// A new feed event: `$1` person, `$2` kind, `$3` horizon, `$4` uid, `$5`–`$9` start, end,
/// summary, location, description, `$10` now.
pub(super) const INSERT_EVENT: &str = "insert into feed_event (person_code, kind, horizon, uid, \
     sequence, status, start_local, end_local, summary, location, description, created_at, \
     updated_at) values ($1, $2, $3, $4, 0, 'confirmed', $5, $6, $7, $8, $9, $10, $10)";

/// A feed event that changed or came back: `$1` id, `$2` kind, `$3` horizon, `$4` sequence,
/// `$5`–`$9` start, end, summary, location, description, `$10` now.
pub(super) const UPDATE_EVENT: &str = "update feed_event set kind = $2, horizon = $3, \
     sequence = $4, status = 'confirmed', start_local = $5, end_local = $6, summary = $7, \
     location = $8, description = $9, cancelled_at = null, updated_at = $10 \
     where feed_event_id = $1";

/// A feed event the new plan no longer has: `$1` id, `$2` sequence, `$3` now.
pub(super) const CANCEL_EVENT: &str = "update feed_event set status = 'cancelled', \
     sequence = $2, cancelled_at = $3, updated_at = $3 where feed_event_id = $1";

/// A reported visit moves its family's last visit forward, never back: `$1` code, `$2` the
/// visit's date, `$3` now.
pub(super) const ADVANCE_LAST_VISIT: &str = "update family set last_visit = $2, updated_at = $3 \
     where code = $1 and (last_visit is null or last_visit < $2)";

/// Records the published version of the plan of a kind and horizon; republishing the version
/// already published writes nothing. `$1` kind, `$2` horizon, `$3` plan_id, `$4` now.
pub(super) const UPSERT_PUBLISHED_PLAN: &str = "insert into published_plan (kind, horizon, \
     plan_id, published_at, created_at, updated_at) values ($1, $2, $3, $4, $4, $4) \
     on conflict (kind, horizon) do update set plan_id = excluded.plan_id, \
     published_at = excluded.published_at, updated_at = excluded.updated_at \
     where published_plan.plan_id <> excluded.plan_id";

/// One person's feed in one statement (so one snapshot on both backends): the first column is
/// the latest change of any of her events, on every row; the others are the events to show
/// (confirmed, or cancelled after `$2`), null when there are none. `$1` person, `$2` the
/// oldest cancellation still shown.
pub(super) const SELECT_FEED: &str = "select m.last_modified, e.uid, e.sequence, e.status, \
     e.start_local, e.end_local, e.summary, e.location, e.description \
     from (select max(updated_at) as last_modified from feed_event where person_code = $1) m \
     left join feed_event e on e.person_code = $1 \
     and (e.status = 'confirmed' or e.cancelled_at > $2)";

/// Instantiates the query functions for one backend. The invoking module provides
/// `begin(pool)` (a write transaction for imports and plans), `begin_publication(pool)` (a
/// write transaction that publications take one at a time), `begin_report(pool)` (a write
/// transaction serialised with both) and `stamp(now)` (an instant as
/// that backend stores it).
macro_rules! backend_queries {
    ($db:ty, $conn:ty) => {
        use chrono::{DateTime, Utc};
        use sqlx::{AssertSqlSafe, Pool};

        use $crate::domain::{Code, Territory};
        use $crate::planning::{Horizon, IsoWeek, PlanKind, PlanMethod};
        use $crate::store::PlanRecord;
        use $crate::store::queries as q;
        use $crate::store::rows::{self, Value};
        use $crate::store::{ApiUser, Feed, ImportCounts, Publication, StoreError, TravelOverride};
        use $crate::store::{publication, upsert};

        type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>;

        fn bind_all(mut query: Query<'_>, values: Vec<Value>, now: DateTime<Utc>) -> Query<'_> {
            for value in values {
                query = match value {
                    Value::Text(v) => query.bind(v),
                    Value::OptText(v) => query.bind(v),
                    Value::Int(v) => query.bind(v),
                    Value::OptInt(v) => query.bind(v),
                    Value::Real(v) => query.bind(v),
                    Value::Bool(v) => query.bind(v),
                    Value::OptDate(v) => query.bind(v),
                    Value::Instant(v) => query.bind(v),
                    Value::Now => query.bind(stamp(now)),
                };
            }
            query
        }

        async fn fetch<T>(conn: &mut $conn, sql: &'static str) -> Result<Vec<T>, sqlx::Error>
        where
            T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
        {
            sqlx::query_as(sql).fetch_all(&mut *conn).await
        }

        async fn load_with(
            conn: &mut $conn,
        ) -> Result<(Territory, Vec<TravelOverride>), StoreError> {
            let raw = upsert::RawTerritory {
                communes: fetch(conn, q::SELECT_COMMUNES).await?,
                qpvs: fetch(conn, q::SELECT_QPVS).await?,
                schools: fetch(conn, q::SELECT_SCHOOLS).await?,
                sites: fetch(conn, q::SELECT_SITES).await?,
                coordinators: fetch(conn, q::SELECT_COORDINATORS).await?,
                coordinator_communes: fetch(conn, q::SELECT_COORDINATOR_COMMUNES).await?,
                referents: fetch(conn, q::SELECT_REFERENTS).await?,
                families: fetch(conn, q::SELECT_FAMILIES).await?,
                children: fetch(conn, q::SELECT_CHILDREN).await?,
                professionals: fetch(conn, q::SELECT_PROFESSIONALS).await?,
                eps: fetch(conn, q::SELECT_EPS).await?,
                eps_members: fetch(conn, q::SELECT_EPS_MEMBERS).await?,
                eps_referents: fetch(conn, q::SELECT_EPS_REFERENTS).await?,
                eps_sites: fetch(conn, q::SELECT_EPS_SITES).await?,
                workshops: fetch(conn, q::SELECT_WORKSHOPS).await?,
                workshop_sites: fetch(conn, q::SELECT_WORKSHOP_SITES).await?,
                orientations: fetch(conn, q::SELECT_ORIENTATIONS).await?,
                free_time: fetch(conn, q::SELECT_FREE_TIME).await?,
                appointments: fetch(conn, q::SELECT_APPOINTMENTS).await?,
                drivers: fetch(conn, q::SELECT_DRIVERS).await?,
                vehicles: fetch(conn, q::SELECT_VEHICLES).await?,
                agenda: fetch(conn, q::SELECT_AGENDA).await?,
                unavailabilities: fetch(conn, q::SELECT_UNAVAILABILITIES).await?,
                travel: fetch(conn, q::SELECT_TRAVEL).await?,
                calendar: load_calendar_with(conn).await?,
            };
            raw.into_domain()
        }

        async fn load_calendar_with(
            conn: &mut $conn,
        ) -> Result<$crate::store::calendar::RawCalendar, StoreError> {
            use $crate::store::calendar as c;
            Ok(c::RawCalendar {
                settings: fetch(conn, c::SELECT_SETTINGS).await?,
                public_holidays: fetch(conn, c::SELECT_PUBLIC_HOLIDAYS).await?,
                school_holidays: fetch(conn, c::SELECT_SCHOOL_HOLIDAYS).await?,
            })
        }

        pub(super) async fn load_calendar(pool: &Pool<$db>) -> Result<Territory, StoreError> {
            let mut conn = pool.acquire().await?;
            let mut territory = Territory::default();
            load_calendar_with(&mut conn)
                .await?
                .into_domain(&mut territory)?;
            Ok(territory)
        }

        pub(super) async fn load(
            pool: &Pool<$db>,
        ) -> Result<(Territory, Vec<TravelOverride>), StoreError> {
            let mut conn = pool.acquire().await?;
            load_with(&mut conn).await
        }

        pub(super) async fn apply(
            pool: &Pool<$db>,
            batch: &Territory,
            travel: &[TravelOverride],
            now: DateTime<Utc>,
            precondition: &(dyn Fn(&Territory) -> Result<(), StoreError> + Sync),
        ) -> Result<ImportCounts, StoreError> {
            let mut tx = begin(pool).await?;
            let (existing, existing_travel) = load_with(&mut tx).await?;
            // Inside the transaction, after its lock: what it checks cannot change before the
            // write.
            precondition(&existing)?;
            let plan = upsert::plan(&existing, &existing_travel, batch, travel)?;
            for statement in plan.statements {
                bind_all(
                    sqlx::query(AssertSqlSafe(statement.sql)),
                    statement.params,
                    now,
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(plan.counts)
        }

        pub(super) async fn insert_plans(
            pool: &Pool<$db>,
            plans: &[PlanRecord],
        ) -> Result<Vec<i64>, StoreError> {
            let mut tx = begin(pool).await?;
            let mut versions = Vec::with_capacity(plans.len());
            for plan in plans {
                versions.push(insert_plan_in(&mut tx, plan).await?);
            }
            tx.commit().await?;
            Ok(versions)
        }

        pub(super) async fn insert_plans_after(
            pool: &Pool<$db>,
            plans: &[PlanRecord],
            after: Option<i64>,
        ) -> Result<Vec<i64>, StoreError> {
            let mut tx = begin(pool).await?;
            if let Some(first) = plans.first() {
                let latest: Option<i64> = sqlx::query_scalar(q::SELECT_LATEST_VERSION)
                    .bind(first.kind)
                    .bind(first.horizon.as_str())
                    .bind(first.method)
                    .fetch_one(&mut *tx)
                    .await?;
                if latest != after {
                    tx.rollback().await?;
                    return Err(StoreError::Overtaken {
                        horizon: first.horizon.clone(),
                        after,
                        latest,
                    });
                }
            }
            let mut versions = Vec::with_capacity(plans.len());
            for plan in plans {
                versions.push(insert_plan_in(&mut tx, plan).await?);
            }
            tx.commit().await?;
            Ok(versions)
        }

        /// Inserts a plan as the next version of its kind, horizon and method inside `tx`.
        async fn insert_plan_in(tx: &mut $conn, plan: &PlanRecord) -> Result<i64, StoreError> {
            Ok(sqlx::query_scalar(q::INSERT_PLAN)
                .bind(plan.kind)
                .bind(plan.horizon.as_str())
                .bind(plan.method)
                .bind(plan.format)
                .bind(plan.seed)
                .bind(plan.body.as_str())
                .bind(plan.figures[0])
                .bind(plan.figures[1])
                .bind(plan.figures[2])
                .bind(plan.figures[3])
                .fetch_one(&mut *tx)
                .await?)
        }

        /// Version `version` (the last when `None`) of a plan of one kind, horizon and method.
        async fn plan_row_in(
            conn: &mut $conn,
            kind: &str,
            horizon: &str,
            method: &str,
            version: Option<i64>,
        ) -> Result<Option<rows::PlanRow>, StoreError> {
            let query = match version {
                Some(version) => sqlx::query_as(q::SELECT_PLAN_VERSION)
                    .bind(kind)
                    .bind(horizon)
                    .bind(method)
                    .bind(version),
                None => sqlx::query_as(q::SELECT_LATEST_PLAN)
                    .bind(kind)
                    .bind(horizon)
                    .bind(method),
            };
            Ok(query.fetch_optional(&mut *conn).await?)
        }

        pub(super) async fn plan_row(
            pool: &Pool<$db>,
            kind: &str,
            horizon: &str,
            method: &str,
            version: Option<i64>,
        ) -> Result<Option<rows::PlanRow>, StoreError> {
            let mut conn = pool.acquire().await?;
            plan_row_in(&mut conn, kind, horizon, method, version).await
        }

        pub(super) async fn published_version(
            pool: &Pool<$db>,
            kind: &str,
            horizon: &str,
        ) -> Result<Option<i64>, StoreError> {
            Ok(sqlx::query_scalar(q::SELECT_PUBLISHED_VERSION)
                .bind(kind)
                .bind(horizon)
                .fetch_optional(pool)
                .await?)
        }

        /// Inserts a token row through `sql` (which checks the person); `None` when the person
        /// is unknown.
        async fn insert_token(
            pool: &Pool<$db>,
            sql: String,
            binds: &[&str],
            now: DateTime<Utc>,
        ) -> Result<Option<i64>, StoreError> {
            let mut query = sqlx::query_scalar(AssertSqlSafe(sql));
            for value in binds {
                query = query.bind(*value);
            }
            Ok(query.bind(stamp(now)).fetch_optional(pool).await?)
        }

        pub(super) async fn add_user(
            pool: &Pool<$db>,
            person: &str,
            role: &str,
            person_exists: &str,
            token_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<Option<i64>, StoreError> {
            insert_token(
                pool,
                q::insert_user(person_exists),
                &[person, role, token_hash],
                now,
            )
            .await
        }

        pub(super) async fn add_feed(
            pool: &Pool<$db>,
            person: &str,
            token_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<Option<i64>, StoreError> {
            insert_token(pool, q::insert_feed(), &[person, token_hash], now).await
        }

        /// Runs a revoking `update` of one row (`$1` the id, `$2` now); whether it revoked it.
        pub(super) async fn revoke_one(
            pool: &Pool<$db>,
            sql: &'static str,
            id: i64,
            now: DateTime<Utc>,
        ) -> Result<bool, StoreError> {
            let done = sqlx::query(sql)
                .bind(id)
                .bind(stamp(now))
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        }

        /// Runs a revoking `update` of a person's rows (`$1` the code, `$2` now); how many it
        /// revoked.
        pub(super) async fn revoke_all(
            pool: &Pool<$db>,
            sql: &'static str,
            person: &str,
            now: DateTime<Utc>,
        ) -> Result<u64, StoreError> {
            let done = sqlx::query(sql)
                .bind(person)
                .bind(stamp(now))
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        }

        pub(super) async fn user_by_token(
            pool: &Pool<$db>,
            token_hash: &str,
        ) -> Result<Option<ApiUser>, StoreError> {
            let row: Option<rows::ApiUserRow> = sqlx::query_as(q::SELECT_USER_BY_TOKEN)
                .bind(token_hash)
                .fetch_optional(pool)
                .await?;
            row.map(rows::api_user).transpose()
        }

        pub(super) async fn add_login(
            pool: &Pool<$db>,
            person: &str,
            role: &str,
            person_exists: &str,
            login: &str,
            password_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<Option<i64>, StoreError> {
            insert_token(
                pool,
                q::insert_login(person_exists),
                &[person, role, login, password_hash],
                now,
            )
            .await
        }

        pub(super) async fn set_password(
            pool: &Pool<$db>,
            login: &str,
            person: &str,
            password_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<bool, StoreError> {
            let done = sqlx::query(q::SET_PASSWORD)
                .bind(login)
                .bind(person)
                .bind(password_hash)
                .bind(stamp(now))
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        }

        pub(super) async fn login_named(
            pool: &Pool<$db>,
            login: &str,
        ) -> Result<Option<$crate::store::WebLogin>, StoreError> {
            let row: Option<rows::LoginRow> = sqlx::query_as(q::SELECT_LOGIN)
                .bind(login)
                .fetch_optional(pool)
                .await?;
            row.map(rows::web_login).transpose()
        }

        pub(super) async fn add_session(
            pool: &Pool<$db>,
            login_id: i64,
            token_hash: &str,
            expires: DateTime<Utc>,
            now: DateTime<Utc>,
        ) -> Result<i64, StoreError> {
            Ok(sqlx::query_scalar(q::INSERT_SESSION)
                .bind(login_id)
                .bind(token_hash)
                .bind(stamp(expires))
                .bind(stamp(now))
                .fetch_one(pool)
                .await?)
        }

        pub(super) async fn session_user(
            pool: &Pool<$db>,
            token_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<Option<ApiUser>, StoreError> {
            let row: Option<rows::ApiUserRow> = sqlx::query_as(q::SELECT_SESSION_USER)
                .bind(token_hash)
                .bind(stamp(now))
                .fetch_optional(pool)
                .await?;
            row.map(rows::api_user).transpose()
        }

        pub(super) async fn end_session(
            pool: &Pool<$db>,
            token_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<bool, StoreError> {
            let done = sqlx::query(q::END_SESSION)
                .bind(token_hash)
                .bind(stamp(now))
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        }

        pub(super) async fn feeds(pool: &Pool<$db>) -> Result<Vec<(i64, Code)>, StoreError> {
            let rows: Vec<(i64, String)> = sqlx::query_as(q::SELECT_FEEDS).fetch_all(pool).await?;
            rows.into_iter()
                .map(|(id, person)| Ok((id, rows::person("feed_subscription", &person)?)))
                .collect()
        }

        pub(super) async fn feed_person(
            pool: &Pool<$db>,
            token_hash: &str,
        ) -> Result<Option<Code>, StoreError> {
            let row: Option<String> = sqlx::query_scalar(q::SELECT_FEED_PERSON)
                .bind(token_hash)
                .fetch_optional(pool)
                .await?;
            row.map(|person| rows::person("feed_subscription", &person))
                .transpose()
        }

        pub(super) async fn publish(
            pool: &Pool<$db>,
            kind: PlanKind,
            horizon: Horizon,
            version: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<Option<Publication>, StoreError> {
            // Serialised with any other publication before anything is read.
            let mut tx = begin_publication(pool).await?;
            let publication = publish_in(&mut tx, kind, horizon, version, now).await?;
            match publication {
                Some(_) => tx.commit().await?,
                None => tx.rollback().await?,
            }
            Ok(publication)
        }

        /// A visit report in one transaction, serialised with imports and publications: checks
        /// that `week`'s published rota is still version `base`, stores `plan` (when the report
        /// changed it) as the next version and publishes it, and moves the family's last
        /// visit forward to the reported date. `Err(Stale)` with nothing written when another
        /// publication came first.
        pub(super) async fn report(
            pool: &Pool<$db>,
            week: IsoWeek,
            base: i64,
            plan: Option<&PlanRecord>,
            last_visit: Option<(&str, chrono::NaiveDate)>,
            now: DateTime<Utc>,
        ) -> Result<Publication, StoreError> {
            let week_text = week.to_string();
            let mut tx = begin_report(pool).await?;
            let published: Option<i64> = sqlx::query_scalar(q::SELECT_PUBLISHED_VERSION)
                .bind(PlanKind::Rota.key())
                .bind(&week_text)
                .fetch_optional(&mut *tx)
                .await?;
            if published != Some(base) {
                tx.rollback().await?;
                return Err(StoreError::Stale { week: week_text });
            }
            if let Some((family, date)) = last_visit {
                sqlx::query(q::ADVANCE_LAST_VISIT)
                    .bind(family)
                    .bind(date)
                    .bind(stamp(now))
                    .execute(&mut *tx)
                    .await?;
            }
            let version = match plan {
                Some(plan) => insert_plan_in(&mut tx, plan).await?,
                None => base,
            };
            let publication = publish_in(
                &mut tx,
                PlanKind::Rota,
                Horizon::Week(week),
                Some(version),
                now,
            )
            .await?
            .expect("BUG: the version was read or written in this transaction");
            tx.commit().await?;
            Ok(publication)
        }

        /// Publishes inside `tx` (which holds the publication lock): see [`publish`].
        async fn publish_in(
            tx: &mut $conn,
            kind: PlanKind,
            horizon: Horizon,
            version: Option<i64>,
            now: DateTime<Utc>,
        ) -> Result<Option<Publication>, StoreError> {
            let horizon_text = horizon.to_string();
            let method = PlanMethod::Optimised;
            let row =
                plan_row_in(&mut *tx, kind.key(), &horizon_text, method.key(), version).await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let plan_id = row.plan_id;
            let (version, envelope) = rows::plan_envelope(kind, horizon, method, row);
            let plan = envelope
                .decode()
                .map_err(|reason| StoreError::unreadable(&envelope, version, reason))?;
            let planned = publication::planned_events(&plan);
            let plan_key = (kind.key().to_owned(), horizon_text);

            let mut stored = publication::Stored::new();
            let own_rows: Vec<rows::FeedEventRow> = sqlx::query_as(q::SELECT_PLAN_EVENTS)
                .bind(kind.key())
                .bind(&plan_key.1)
                .fetch_all(&mut *tx)
                .await?;
            for row in own_rows {
                stored.insert(rows::feed_event(row)?);
            }
            // An event may come from another plan's publication (an agenda entry moved from one
            // week to the next keeps its UID): find it by key so it is updated, not duplicated.
            for (person, uid) in planned.keys() {
                if stored.contains(person, uid) {
                    continue;
                }
                let row: Option<rows::FeedEventRow> = sqlx::query_as(q::SELECT_EVENT)
                    .bind(person)
                    .bind(uid)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = row {
                    stored.insert(rows::feed_event(row)?);
                }
            }

            let diff = publication::diff(&plan_key, &planned, &stored);
            let (kind_key, horizon_key) = (plan_key.0.as_str(), plan_key.1.as_str());
            for change in &diff.changes {
                let query = match change {
                    publication::Change::Insert { person, event } => sqlx::query(q::INSERT_EVENT)
                        .bind(person.as_str())
                        .bind(kind_key)
                        .bind(horizon_key)
                        .bind(event.uid.as_str())
                        .bind(event.start)
                        .bind(event.end)
                        .bind(event.summary.as_str())
                        .bind(event.location.as_str())
                        .bind(event.description.as_str())
                        .bind(stamp(now)),
                    publication::Change::Update { id, event } => sqlx::query(q::UPDATE_EVENT)
                        .bind(*id)
                        .bind(kind_key)
                        .bind(horizon_key)
                        .bind(i64::from(event.sequence))
                        .bind(event.start)
                        .bind(event.end)
                        .bind(event.summary.as_str())
                        .bind(event.location.as_str())
                        .bind(event.description.as_str())
                        .bind(stamp(now)),
                    publication::Change::Cancel { id, sequence } => sqlx::query(q::CANCEL_EVENT)
                        .bind(*id)
                        .bind(i64::from(*sequence))
                        .bind(stamp(now)),
                };
                query.execute(&mut *tx).await?;
            }
            sqlx::query(q::UPSERT_PUBLISHED_PLAN)
                .bind(kind_key)
                .bind(horizon_key)
                .bind(plan_id)
                .bind(stamp(now))
                .execute(&mut *tx)
                .await?;
            Ok(Some(Publication {
                kind,
                horizon,
                version,
                added: diff.added,
                changed: diff.changed,
                cancelled: diff.cancelled,
                unchanged: diff.unchanged,
            }))
        }

        pub(super) async fn feed(
            pool: &Pool<$db>,
            person: &str,
            shown_since: DateTime<Utc>,
        ) -> Result<Feed, StoreError> {
            let rows: Vec<rows::FeedRow> = sqlx::query_as(q::SELECT_FEED)
                .bind(person)
                .bind(stamp(shown_since))
                .fetch_all(pool)
                .await?;
            rows::feed(person, rows)
        }

        /// Records an absence: `Some(true)` new, `Some(false)` already recorded, `None` when
        /// the référent is unknown (nothing written).
        pub(super) async fn add_absence(
            pool: &Pool<$db>,
            referent: &str,
            date: chrono::NaiveDate,
            now: DateTime<Utc>,
        ) -> Result<Option<bool>, StoreError> {
            let added: Option<i64> = sqlx::query_scalar(q::INSERT_ABSENCE)
                .bind(referent)
                .bind(date)
                .bind(stamp(now))
                .fetch_optional(pool)
                .await?;
            if added.is_some() {
                return Ok(Some(true));
            }
            Ok(referent_exists(pool, referent).await?.then_some(false))
        }

        /// Lifts an absence: `Some(true)` lifted, `Some(false)` none was recorded, `None` when
        /// the référent is unknown.
        pub(super) async fn lift_absence(
            pool: &Pool<$db>,
            referent: &str,
            date: chrono::NaiveDate,
        ) -> Result<Option<bool>, StoreError> {
            let done = sqlx::query(q::DELETE_ABSENCE)
                .bind(referent)
                .bind(date)
                .execute(pool)
                .await?;
            if done.rows_affected() > 0 {
                return Ok(Some(true));
            }
            Ok(referent_exists(pool, referent).await?.then_some(false))
        }

        async fn referent_exists(pool: &Pool<$db>, referent: &str) -> Result<bool, StoreError> {
            let sql = format!("select {}", q::REFERENT_EXISTS);
            Ok(sqlx::query_scalar(AssertSqlSafe(sql))
                .bind(referent)
                .fetch_one(pool)
                .await?)
        }

        pub(super) async fn absences(
            pool: &Pool<$db>,
            between: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
        ) -> Result<Vec<(Code, chrono::NaiveDate)>, StoreError> {
            let rows: Vec<(String, chrono::NaiveDate)> = match between {
                Some((from, to)) => {
                    sqlx::query_as(q::SELECT_ABSENCES_BETWEEN)
                        .bind(from)
                        .bind(to)
                        .fetch_all(pool)
                        .await?
                }
                None => sqlx::query_as(q::SELECT_ABSENCES).fetch_all(pool).await?,
            };
            rows.into_iter()
                .map(|(code, date)| Ok((rows::absent(&code)?, date)))
                .collect()
        }

        pub(super) async fn save_horizon_figures(
            pool: &Pool<$db>,
            week: &str,
            digest: &str,
            body: &str,
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            sqlx::query(q::UPSERT_HORIZON_FIGURES)
                .bind(week)
                .bind(digest)
                .bind(body)
                .bind(stamp(now))
                .execute(pool)
                .await?;
            Ok(())
        }

        pub(super) async fn horizon_figures(
            pool: &Pool<$db>,
            week: &str,
            digest: &str,
        ) -> Result<Option<(String, String)>, StoreError> {
            Ok(sqlx::query_as(q::SELECT_HORIZON_FIGURES)
                .bind(week)
                .bind(digest)
                .fetch_optional(pool)
                .await?)
        }

        pub(super) async fn ping(pool: &Pool<$db>) -> Result<(), StoreError> {
            sqlx::query("select 1").execute(pool).await?;
            Ok(())
        }

        pub(super) async fn counts(
            pool: &Pool<$db>,
        ) -> Result<Vec<(&'static str, u64)>, StoreError> {
            let mut counts = Vec::with_capacity(q::TABLES.len());
            for table in q::TABLES.into_iter().chain($crate::store::calendar::TABLES) {
                let sql = format!("select count(*) from {table}");
                let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await?;
                counts.push((table, u64::try_from(n).unwrap_or(0)));
            }
            Ok(counts)
        }
    };
}

pub(super) use backend_queries;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upsert_resolves_codes_into_ids_and_stamps_updates() {
        let sql = upsert("qpv", QPV, &["code"]);
        assert_eq!(
            sql,
            "insert into qpv (code, name, commune_id, latitude, longitude, radius_m, updated_at) \
             values ($1, $2, (select commune_id from commune where code = $3), $4, $5, $6, $7) \
             on conflict (code) do update set name = excluded.name, \
             commune_id = excluded.commune_id, latitude = excluded.latitude, \
             longitude = excluded.longitude, radius_m = excluded.radius_m, \
             updated_at = excluded.updated_at"
        );
    }
}

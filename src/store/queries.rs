//! The SQL, written once for both backends (`$1` placeholders, which SQLite accepts too), and
//! [`backend_queries!`], which instantiates the query functions for one backend's concrete types.
//!
//! Reading joins every reference into its code, so rows convert into domain types without
//! lookups. Writing binds codes and resolves them into ids with sub-selects, so an import never
//! needs the ids of the rows it references.

/// Every record table, in the order of the migrations (referenced tables first).
pub(super) const TABLES: [&str; 19] = [
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
];

pub(super) const SELECT_COMMUNES: &str = "select code, name, latitude, longitude from commune";

pub(super) const SELECT_QPVS: &str = "select q.code, q.name, c.code, q.latitude, q.longitude, \
     q.radius_m from qpv q join commune c on c.commune_id = q.commune_id";

pub(super) const SELECT_SCHOOLS: &str = "select s.code, s.name, s.level, s.priority, c.code, \
     s.school_group, s.latitude, s.longitude \
     from school s join commune c on c.commune_id = s.commune_id";

pub(super) const SELECT_SITES: &str = "select s.code, s.name, s.kind, c.code, s.latitude, \
     s.longitude, s.opening_hours, s.capacity \
     from neutral_site s join commune c on c.commune_id = s.commune_id";

pub(super) const SELECT_COORDINATORS: &str = "select code, name from coordinator";

pub(super) const SELECT_COORDINATOR_COMMUNES: &str = "select o.code, c.code, l.position \
     from coordinator_commune l join coordinator o on o.coordinator_id = l.coordinator_id \
     join commune c on c.commune_id = l.commune_id";

pub(super) const SELECT_REFERENTS: &str = "select r.code, r.name, c.code, r.latitude, \
     r.longitude, r.working_hours, r.working_time_pct, r.lunch_window, r.lunch_min, \
     r.target_caseload, r.max_caseload, r.sectors, r.languages, r.travel_mode \
     from referent r join commune c on c.commune_id = r.commune_id";

pub(super) const SELECT_FAMILIES: &str = "select f.code, c.code, q.code, f.latitude, \
     f.longitude, f.availability, s.code, f.language, r.code, f.referent_since, f.frequency, \
     f.last_visit, f.visit_min, f.referent_pinned \
     from family f join commune c on c.commune_id = f.commune_id \
     left join qpv q on q.qpv_id = f.qpv_id \
     left join neutral_site s on s.neutral_site_id = f.meeting_site_id \
     left join referent r on r.referent_id = f.referent_id";

pub(super) const SELECT_CHILDREN: &str = "select e.code, f.code, e.age, s.code, e.class, \
     e.status from child e join family f on f.family_id = e.family_id \
     left join school s on s.school_id = e.school_id";

pub(super) const SELECT_PROFESSIONALS: &str =
    "select code, name, function, institution, availability from professional";

pub(super) const SELECT_EPS: &str = "select e.code, e.name, c.code, q.code, o.code, s.code \
     from eps e join commune c on c.commune_id = e.commune_id \
     left join qpv q on q.qpv_id = e.qpv_id \
     join coordinator o on o.coordinator_id = e.coordinator_id \
     left join neutral_site s on s.neutral_site_id = e.neutral_site_id";

pub(super) const SELECT_EPS_MEMBERS: &str = "select e.code, p.code, m.position \
     from eps_member m join eps e on e.eps_id = m.eps_id \
     join professional p on p.professional_id = m.professional_id";

pub(super) const SELECT_WORKSHOPS: &str = "select w.code, w.theme, w.scope, c.code, \
     w.sessions, w.session_min, w.group_min, w.group_max, w.age_min, w.age_max, p.code, r.code, \
     w.preferred_times, w.period \
     from workshop w left join commune c on c.commune_id = w.commune_id \
     left join professional p on p.professional_id = w.facilitator_professional_id \
     left join referent r on r.referent_id = w.facilitator_referent_id";

pub(super) const SELECT_WORKSHOP_SITES: &str = "select w.code, s.code, l.position \
     from workshop_site l join workshop w on w.workshop_id = l.workshop_id \
     join neutral_site s on s.neutral_site_id = l.neutral_site_id";

pub(super) const SELECT_APPOINTMENTS: &str = "select a.code, e.code, a.kind, a.place_name, \
     c.code, a.latitude, a.longitude, a.start_at, a.duration_min, a.needs_ride, a.wheelchair \
     from health_appointment a join child e on e.child_id = a.child_id \
     join commune c on c.commune_id = a.commune_id";

pub(super) const SELECT_DRIVERS: &str = "select d.code, d.name, c.code, d.latitude, \
     d.longitude, d.working_hours from driver d join commune c on c.commune_id = d.commune_id";

pub(super) const SELECT_VEHICLES: &str = "select v.code, d.code, v.seats, v.child_seats, \
     v.wheelchair from vehicle v left join driver d on d.driver_id = v.driver_id";

pub(super) const SELECT_AGENDA: &str = "select a.code, r.code, a.kind, a.start_at, \
     a.duration_min, s.code, f.code \
     from agenda_entry a join referent r on r.referent_id = a.referent_id \
     left join neutral_site s on s.neutral_site_id = a.neutral_site_id \
     left join family f on f.family_id = a.family_id";

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
pub(super) const COORDINATOR: &[Col] = &[col("code"), col("name")];
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
];
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

/// A new version of a week's plan of one kind: one more than the last.
pub(super) const INSERT_PLAN: &str = "insert into week_plan (week, kind, version, seed, body, \
     visits, unmet, travel_minutes, travel_meters) values ($1, $2, \
     (select coalesce(max(version), 0) + 1 from week_plan where week = $1 and kind = $2), \
     $3, $4, $5, $6, $7, $8) returning version";

/// The last version of a week's plan of one kind.
pub(super) const SELECT_LATEST_PLAN: &str = "select version, body from week_plan \
     where week = $1 and kind = $2 order by version desc limit 1";

/// Instantiates `load`, `apply` and `counts` for one backend. The invoking module provides
/// `begin(pool)` (a write transaction) and `stamp(now)` (the import time as that backend stores
/// it).
macro_rules! backend_queries {
    ($db:ty, $conn:ty) => {
        use chrono::{DateTime, Utc};
        use sqlx::{AssertSqlSafe, Pool};

        use $crate::domain::Territory;
        use $crate::store::queries as q;
        use $crate::store::rows::Value;
        use $crate::store::upsert;
        use $crate::store::{ImportCounts, StoreError, TravelOverride};

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
                workshops: fetch(conn, q::SELECT_WORKSHOPS).await?,
                workshop_sites: fetch(conn, q::SELECT_WORKSHOP_SITES).await?,
                appointments: fetch(conn, q::SELECT_APPOINTMENTS).await?,
                drivers: fetch(conn, q::SELECT_DRIVERS).await?,
                vehicles: fetch(conn, q::SELECT_VEHICLES).await?,
                agenda: fetch(conn, q::SELECT_AGENDA).await?,
                travel: fetch(conn, q::SELECT_TRAVEL).await?,
            };
            raw.into_domain()
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
        ) -> Result<ImportCounts, StoreError> {
            let mut tx = begin(pool).await?;
            let (existing, existing_travel) = load_with(&mut tx).await?;
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

        #[allow(clippy::too_many_arguments)]
        pub(super) async fn insert_plan(
            pool: &Pool<$db>,
            week: &str,
            kind: &str,
            seed: i64,
            body: &str,
            figures: [i64; 4],
        ) -> Result<i64, StoreError> {
            let mut tx = begin(pool).await?;
            let version: i64 = sqlx::query_scalar(q::INSERT_PLAN)
                .bind(week)
                .bind(kind)
                .bind(seed)
                .bind(body)
                .bind(figures[0])
                .bind(figures[1])
                .bind(figures[2])
                .bind(figures[3])
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(version)
        }

        pub(super) async fn latest_plan(
            pool: &Pool<$db>,
            week: &str,
            kind: &str,
        ) -> Result<Option<(i64, String)>, StoreError> {
            Ok(sqlx::query_as(q::SELECT_LATEST_PLAN)
                .bind(week)
                .bind(kind)
                .fetch_optional(pool)
                .await?)
        }

        pub(super) async fn counts(
            pool: &Pool<$db>,
        ) -> Result<Vec<(&'static str, u64)>, StoreError> {
            let mut counts = Vec::with_capacity(q::TABLES.len());
            for table in q::TABLES {
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

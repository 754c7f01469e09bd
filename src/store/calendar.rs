//! The territory's calendar in the database (migrations `0006_calendar.sql`): its settings
//! (`territory`, one row), public holidays and school holidays, read back into domain types and
//! written by an import.
//!
//! Unlike the records, which an import upserts by code and never deletes, the calendar's files
//! replace what they describe (docs/data-format.md): `jours_feries.csv` the public holidays of
//! each year it lists, `vacances_scolaires.csv` the school holidays of each zone it lists.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike as _, NaiveDate};

use super::StoreError;
use super::rows::Value;
use super::upsert::{Plan, Statement};
use crate::domain::files::{PUBLIC_HOLIDAYS, SCHOOL_HOLIDAYS, TERRITORY};
use crate::domain::{PublicHoliday, SchoolHoliday, SchoolZone, Territory, TerritorySettings};
use crate::store::EntityCounts;

/// The calendar's tables, in the order of the migrations.
pub(super) const TABLES: [&str; 3] = ["territory", "public_holiday", "school_holiday"];

pub(super) const SELECT_SETTINGS: &str = "select name, school_zone from territory";
pub(super) const SELECT_PUBLIC_HOLIDAYS: &str = "select holiday_date, name from public_holiday";
pub(super) const SELECT_SCHOOL_HOLIDAYS: &str =
    "select zone, label, start_date, resume_date from school_holiday";

/// `$1` name, `$2` zone, `$3` now.
const UPSERT_SETTINGS: &str = "insert into territory (territory_id, name, school_zone, \
     updated_at) values (1, $1, $2, $3) on conflict (territory_id) do update set \
     name = excluded.name, school_zone = excluded.school_zone, updated_at = excluded.updated_at";
/// `$1` date, `$2` name, `$3` now.
const UPSERT_PUBLIC_HOLIDAY: &str = "insert into public_holiday (holiday_date, name, updated_at) \
     values ($1, $2, $3) on conflict (holiday_date) do update set name = excluded.name, \
     updated_at = excluded.updated_at";
/// `$1` date.
const DELETE_PUBLIC_HOLIDAY: &str = "delete from public_holiday where holiday_date = $1";
/// `$1` zone, `$2` label, `$3` start, `$4` resume, `$5` now.
const UPSERT_SCHOOL_HOLIDAY: &str = "insert into school_holiday (zone, label, start_date, \
     resume_date, updated_at) values ($1, $2, $3, $4, $5) on conflict (zone, start_date) do \
     update set label = excluded.label, resume_date = excluded.resume_date, \
     updated_at = excluded.updated_at";
/// `$1` zone, `$2` start.
const DELETE_SCHOOL_HOLIDAY: &str =
    "delete from school_holiday where zone = $1 and start_date = $2";

/// `(name, school_zone)`.
pub(super) type SettingsRow = (String, String);
/// `(holiday_date, name)`.
pub(super) type PublicHolidayRow = (NaiveDate, String);
/// `(zone, label, start_date, resume_date)`.
pub(super) type SchoolHolidayRow = (String, String, NaiveDate, NaiveDate);

/// The calendar's rows, as read.
#[derive(Default)]
pub(super) struct RawCalendar {
    pub settings: Vec<SettingsRow>,
    pub public_holidays: Vec<PublicHolidayRow>,
    pub school_holidays: Vec<SchoolHolidayRow>,
}

fn zone(table: &'static str, code: String, text: &str) -> Result<SchoolZone, StoreError> {
    SchoolZone::parse(text).map_err(|e| StoreError::Corrupt {
        table,
        code,
        field: "zone",
        message: e.to_string(),
    })
}

impl RawCalendar {
    /// Fills `territory`'s calendar: public holidays by date, school holidays by zone and start.
    pub(super) fn into_domain(self, territory: &mut Territory) -> Result<(), StoreError> {
        territory.settings = match self.settings.into_iter().next() {
            Some((name, school_zone)) => Some(TerritorySettings {
                zone: zone("territory", name.clone(), &school_zone)?,
                name,
            }),
            None => None,
        };
        let mut public: Vec<PublicHoliday> = self
            .public_holidays
            .into_iter()
            .map(|(date, name)| PublicHoliday { date, name })
            .collect();
        public.sort_by_key(|h| h.date);
        territory.public_holidays = public;
        let mut school = self
            .school_holidays
            .into_iter()
            .map(|(z, label, start, resume)| {
                Ok(SchoolHoliday {
                    zone: zone("school_holiday", format!("{z} {start}"), &z)?,
                    label,
                    start,
                    resume,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        school.sort_by_key(|h| (h.zone, h.start));
        territory.school_holidays = school;
        Ok(())
    }
}

fn push(plan: &mut Plan, sql: &Arc<str>, params: Vec<Value>) {
    plan.statements.push(Statement {
        sql: sql.clone(),
        params,
    });
}

fn set_counts(plan: &mut Plan, file: &str, counts: EntityCounts) {
    if let Some(entry) = plan.counts.files.iter_mut().find(|(name, _)| *name == file) {
        entry.1 = counts;
    }
}

fn date(d: NaiveDate) -> Value {
    Value::OptDate(Some(d))
}

/// Adds to `plan` what brings the stored calendar (`existing`) to the batch's: the settings
/// replaced, the public holidays of each year of the batch and the school holidays of each of
/// its zones replaced; and counts them per file.
///
/// # Errors
/// [`StoreError::Conflict`] when the batch holds a date or a zone's start twice, or two
/// territories.
pub(super) fn plan(
    existing: &Territory,
    batch: &Territory,
    plan: &mut Plan,
) -> Result<(), StoreError> {
    if let Some(s) = &batch.settings {
        let mut counts = EntityCounts::default();
        match &existing.settings {
            Some(stored) if stored == s => counts.unchanged += 1,
            stored => {
                if stored.is_some() {
                    counts.updated += 1;
                } else {
                    counts.added += 1;
                }
                let params = vec![
                    Value::Text(s.name.clone()),
                    Value::Text(s.zone.key().to_owned()),
                    Value::Now,
                ];
                push(plan, &Arc::from(UPSERT_SETTINGS), params);
            }
        }
        set_counts(plan, TERRITORY, counts);
    }

    let mut counts = EntityCounts::default();
    let mut seen = BTreeSet::new();
    let upsert: Arc<str> = UPSERT_PUBLIC_HOLIDAY.into();
    for h in &batch.public_holidays {
        if !seen.insert(h.date) {
            return Err(StoreError::Conflict {
                table: "public_holiday",
                code: h.date.to_string(),
                message: "the batch holds this date twice".to_owned(),
            });
        }
        match existing.public_holidays.iter().find(|s| s.date == h.date) {
            Some(stored) if stored == h => {
                counts.unchanged += 1;
                continue;
            }
            Some(_) => counts.updated += 1,
            None => counts.added += 1,
        }
        push(
            plan,
            &upsert,
            vec![date(h.date), Value::Text(h.name.clone()), Value::Now],
        );
    }
    let years: BTreeSet<i32> = seen.iter().map(|d| d.year()).collect();
    let delete: Arc<str> = DELETE_PUBLIC_HOLIDAY.into();
    for stored in &existing.public_holidays {
        if years.contains(&stored.date.year()) && !seen.contains(&stored.date) {
            push(plan, &delete, vec![date(stored.date)]);
        }
    }
    set_counts(plan, PUBLIC_HOLIDAYS, counts);

    let mut counts = EntityCounts::default();
    let mut seen = BTreeSet::new();
    let upsert: Arc<str> = UPSERT_SCHOOL_HOLIDAY.into();
    for h in &batch.school_holidays {
        if !seen.insert((h.zone, h.start)) {
            return Err(StoreError::Conflict {
                table: "school_holiday",
                code: format!("{} {}", h.zone, h.start),
                message: "the batch holds these holidays twice".to_owned(),
            });
        }
        let stored = existing
            .school_holidays
            .iter()
            .find(|s| s.zone == h.zone && s.start == h.start);
        match stored {
            Some(stored) if stored == h => {
                counts.unchanged += 1;
                continue;
            }
            Some(_) => counts.updated += 1,
            None => counts.added += 1,
        }
        let params = vec![
            Value::Text(h.zone.key().to_owned()),
            Value::Text(h.label.clone()),
            date(h.start),
            date(h.resume),
            Value::Now,
        ];
        push(plan, &upsert, params);
    }
    let zones: BTreeSet<SchoolZone> = seen.iter().map(|(z, _)| *z).collect();
    let delete: Arc<str> = DELETE_SCHOOL_HOLIDAY.into();
    for stored in &existing.school_holidays {
        if zones.contains(&stored.zone) && !seen.contains(&(stored.zone, stored.start)) {
            let params = vec![
                Value::Text(stored.zone.key().to_owned()),
                date(stored.start),
            ];
            push(plan, &delete, params);
        }
    }
    set_counts(plan, SCHOOL_HOLIDAYS, counts);
    Ok(())
}

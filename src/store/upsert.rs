//! What an import writes: each record of the batch is compared with the stored one of the same
//! code (domain equality) and becomes an insert-or-update statement only when it is new or
//! different. References are checked against the batch and the database before anything is
//! written.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::queries::{self as q, Col};
use super::rows::{self, Value};
use super::{EntityCounts, ImportCounts, StoreError, TravelOverride};
use crate::domain::files::{self, FILES};
use crate::domain::{Code, MeetingPlace, Territory};

/// The rows of every table, as read, before conversion into domain types.
#[derive(Default)]
pub(super) struct RawTerritory {
    pub communes: Vec<rows::CommuneRow>,
    pub qpvs: Vec<rows::QpvRow>,
    pub schools: Vec<rows::SchoolRow>,
    pub sites: Vec<rows::SiteRow>,
    pub coordinators: Vec<rows::CoordinatorRow>,
    pub coordinator_communes: Vec<rows::LinkRow>,
    pub referents: Vec<rows::ReferentRow>,
    pub families: Vec<rows::FamilyRow>,
    pub children: Vec<rows::ChildRow>,
    pub professionals: Vec<rows::ProfessionalRow>,
    pub eps: Vec<rows::EpsRow>,
    pub eps_members: Vec<rows::EpsMemberRow>,
    pub eps_referents: Vec<rows::LinkRow>,
    pub eps_sites: Vec<rows::LinkRow>,
    pub workshops: Vec<rows::WorkshopRow>,
    pub workshop_sites: Vec<rows::LinkRow>,
    pub orientations: Vec<rows::OrientationRow>,
    pub free_time: Vec<rows::FreeTimeRow>,
    pub appointments: Vec<rows::AppointmentRow>,
    pub drivers: Vec<rows::DriverRow>,
    pub vehicles: Vec<rows::VehicleRow>,
    pub agenda: Vec<rows::AgendaRow>,
    pub unavailabilities: Vec<rows::UnavailabilityRow>,
    pub travel: Vec<rows::TravelRow>,
    pub calendar: super::calendar::RawCalendar,
}

/// Sorts rows by their first column (the code), as the database collation may not.
fn by_code<T>(mut rows: Vec<T>, code: impl Fn(&T) -> &str) -> Vec<T> {
    rows.sort_by(|a, b| code(a).cmp(code(b)));
    rows
}

fn convert<R, T>(
    rows: Vec<R>,
    key: impl Fn(&R) -> &str,
    f: impl Fn(R) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    by_code(rows, key).into_iter().map(f).collect()
}

fn sorted_links(mut links: Vec<rows::LinkRow>) -> Vec<rows::LinkRow> {
    links.sort_by(|a, b| (&a.owner, a.position).cmp(&(&b.owner, b.position)));
    links
}

impl RawTerritory {
    /// The domain records, every list sorted by code, list members in their stored order.
    pub(super) fn into_domain(self) -> Result<(Territory, Vec<TravelOverride>), StoreError> {
        let coordinator_communes = sorted_links(self.coordinator_communes);
        let mut eps_members = self.eps_members;
        eps_members.sort_by(|a, b| (&a.owner, a.position).cmp(&(&b.owner, b.position)));
        let eps_referents = sorted_links(self.eps_referents);
        let eps_sites = sorted_links(self.eps_sites);
        let eps_links = rows::EpsLinks {
            members: &eps_members,
            referents: &eps_referents,
            sites: &eps_sites,
        };
        let workshop_sites = sorted_links(self.workshop_sites);
        let mut territory = Territory {
            communes: convert(self.communes, |r| &r.code, rows::commune)?,
            qpvs: convert(self.qpvs, |r| &r.code, rows::qpv)?,
            schools: convert(self.schools, |r| &r.code, rows::school)?,
            sites: convert(self.sites, |r| &r.code, rows::site)?,
            coordinators: convert(
                self.coordinators,
                |r| &r.code,
                |r| rows::coordinator(r, &coordinator_communes),
            )?,
            referents: convert(self.referents, |r| &r.code, rows::referent)?,
            families: convert(self.families, |r| &r.code, rows::family)?,
            children: convert(self.children, |r| &r.code, rows::child)?,
            professionals: convert(self.professionals, |r| &r.code, rows::professional)?,
            eps: convert(self.eps, |r| &r.code, |r| rows::eps(r, &eps_links))?,
            workshops: convert(
                self.workshops,
                |r| &r.code,
                |r| rows::workshop(r, &workshop_sites),
            )?,
            orientations: {
                let mut o: Vec<_> = self
                    .orientations
                    .into_iter()
                    .map(rows::orientation)
                    .collect::<Result<_, _>>()?;
                o.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                o
            },
            free_time: {
                let mut f: Vec<_> = self
                    .free_time
                    .into_iter()
                    .map(rows::free_time)
                    .collect::<Result<_, _>>()?;
                f.sort_by_key(|f| f.level);
                f
            },
            appointments: convert(self.appointments, |r| &r.code, rows::appointment)?,
            drivers: convert(self.drivers, |r| &r.code, rows::driver)?,
            vehicles: convert(self.vehicles, |r| &r.code, rows::vehicle)?,
            agenda: convert(self.agenda, |r| &r.code, rows::agenda_entry)?,
            unavailabilities: {
                let mut u = convert(self.unavailabilities, |r| &r.code, rows::unavailability)?;
                u.sort_by(|a, b| (&a.person, a.from, &a.code).cmp(&(&b.person, b.from, &b.code)));
                u
            },
            ..Territory::default()
        };
        self.calendar.into_domain(&mut territory)?;
        let mut travel: Vec<TravelOverride> = self
            .travel
            .into_iter()
            .map(rows::travel)
            .collect::<Result<_, _>>()?;
        travel.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        Ok((territory, travel))
    }
}

/// One statement to run, with its values.
#[derive(Debug)]
pub(super) struct Statement {
    pub sql: Arc<str>,
    pub params: Vec<Value>,
}

/// The statements of an import, in order, and what they do per file.
#[derive(Debug)]
pub(super) struct Plan {
    pub statements: Vec<Statement>,
    pub counts: ImportCounts,
}

/// The French name of a table, for the messages a coordinator may read.
pub(super) fn french_label(table: &str) -> &'static str {
    match table {
        "commune" => "commune",
        "qpv" => "QPV",
        "school" => "école",
        "neutral_site" => "lieu",
        "coordinator" => "coordinateur·rice",
        "referent" => "référent·e",
        "family" => "famille",
        "child" => "enfant",
        "professional" => "professionnel·le",
        "eps" => "EPS",
        "workshop" => "atelier",
        "health_appointment" => "rendez-vous de santé",
        "driver" => "chauffeur",
        "vehicle" => "véhicule",
        "travel_override" => "trajet",
        "agenda_entry" => "engagement d'agenda",
        "facilitator" => "animateur·rice",
        "unavailability" => "indisponibilité",
        "orientation" => "orientation",
        "free_time" => "temps libre",
        "person" => "personne",
        _ => "enregistrement",
    }
}

/// Every code a reference may point to: the database's and the batch's.
struct Known {
    codes: HashMap<&'static str, BTreeSet<String>>,
}

impl Known {
    fn new(existing: &Territory, batch: &Territory) -> Known {
        let mut codes: HashMap<&'static str, BTreeSet<String>> = HashMap::new();
        for t in [existing, batch] {
            let mut add = |table: &'static str, code: &Code| {
                codes
                    .entry(table)
                    .or_default()
                    .insert(code.as_str().to_owned());
            };
            t.communes.iter().for_each(|r| add("commune", &r.insee));
            t.qpvs.iter().for_each(|r| add("qpv", &r.code));
            t.schools.iter().for_each(|r| add("school", &r.code));
            t.sites.iter().for_each(|r| add("neutral_site", &r.code));
            t.coordinators
                .iter()
                .for_each(|r| add("coordinator", &r.code));
            t.referents.iter().for_each(|r| add("referent", &r.code));
            t.families.iter().for_each(|r| add("family", &r.code));
            t.children.iter().for_each(|r| add("child", &r.code));
            t.professionals
                .iter()
                .for_each(|r| add("professional", &r.code));
            t.drivers.iter().for_each(|r| add("driver", &r.code));
        }
        Known { codes }
    }

    fn has(&self, table: &str, code: &Code) -> bool {
        self.codes
            .get(table)
            .is_some_and(|codes| codes.contains(code.as_str()))
    }

    /// Checks that `target` is a known code of `target_table`.
    fn check(
        &self,
        table: &'static str,
        code: &Code,
        field: &'static str,
        target_table: &'static str,
        target: Option<&Code>,
    ) -> Result<(), StoreError> {
        match target {
            Some(target) if !self.has(target_table, target) => Err(StoreError::UnknownReference {
                table,
                code: code.as_str().to_owned(),
                field,
                target_table,
                target: target.as_str().to_owned(),
            }),
            _ => Ok(()),
        }
    }
}

/// Builds the statements of one file's records.
struct FileWriter<'a> {
    table: &'static str,
    sql: Arc<str>,
    plan: &'a mut Plan,
    counts: EntityCounts,
    seen: BTreeSet<String>,
}

impl<'a> FileWriter<'a> {
    fn new(plan: &'a mut Plan, table: &'static str, cols: &[Col]) -> FileWriter<'a> {
        FileWriter {
            table,
            sql: q::upsert(table, cols, &["code"]).into(),
            plan,
            counts: EntityCounts::default(),
            seen: BTreeSet::new(),
        }
    }

    /// Counts `record` against the stored one of the same code and, when it is new or changed,
    /// adds its upsert. Returns whether it is written.
    fn record<T: PartialEq>(
        &mut self,
        code: &Code,
        record: &T,
        stored: Option<&T>,
        params: impl FnOnce() -> Vec<Value>,
    ) -> Result<bool, StoreError> {
        if !self.seen.insert(code.as_str().to_owned()) {
            return Err(StoreError::Conflict {
                table: self.table,
                code: code.as_str().to_owned(),
                message: "the batch holds this code twice".to_owned(),
            });
        }
        match stored {
            Some(stored) if stored == record => {
                self.counts.unchanged += 1;
                return Ok(false);
            }
            Some(_) => self.counts.updated += 1,
            None => self.counts.added += 1,
        }
        let mut params = params();
        params.push(Value::Now);
        self.plan.statements.push(Statement {
            sql: self.sql.clone(),
            params,
        });
        Ok(true)
    }

    /// Replaces the list of `owner` in `list_table` with `members`, in order.
    fn list(
        &mut self,
        list_table: &'static str,
        member_table: &'static str,
        owner: &Code,
        members: &[Code],
    ) -> Result<(), StoreError> {
        let mut unique = BTreeSet::new();
        if let Some(twice) = members.iter().find(|m| !unique.insert(m.as_str())) {
            return Err(StoreError::Conflict {
                table: list_table,
                code: owner.as_str().to_owned(),
                message: format!("{twice} is listed twice"),
            });
        }
        self.plan.statements.push(Statement {
            sql: q::delete_list(list_table, self.table).into(),
            params: vec![Value::Text(owner.as_str().to_owned())],
        });
        let insert: Arc<str> = q::insert_list_item(list_table, self.table, member_table).into();
        for (position, member) in (0_i64..).zip(members) {
            self.plan.statements.push(Statement {
                sql: insert.clone(),
                params: vec![
                    Value::Text(owner.as_str().to_owned()),
                    Value::Text(member.as_str().to_owned()),
                    Value::Int(position),
                    Value::Now,
                ],
            });
        }
        Ok(())
    }

    /// Replaces the member list of EPS `owner` with `members`, in order, each flagged required
    /// when it is one of `required`.
    fn eps_members(
        &mut self,
        owner: &Code,
        members: &[Code],
        required: &[Code],
    ) -> Result<(), StoreError> {
        let mut unique = BTreeSet::new();
        if let Some(twice) = members.iter().find(|m| !unique.insert(m.as_str())) {
            return Err(StoreError::Conflict {
                table: "eps_member",
                code: owner.as_str().to_owned(),
                message: format!("{twice} is listed twice"),
            });
        }
        if let Some(stranger) = required.iter().find(|r| !members.contains(r)) {
            return Err(StoreError::Conflict {
                table: "eps_member",
                code: owner.as_str().to_owned(),
                message: format!("{stranger} is required but not a member"),
            });
        }
        self.plan.statements.push(Statement {
            sql: q::delete_list("eps_member", self.table).into(),
            params: vec![Value::Text(owner.as_str().to_owned())],
        });
        let insert: Arc<str> = q::INSERT_EPS_MEMBER.into();
        for (position, member) in (0_i64..).zip(members) {
            self.plan.statements.push(Statement {
                sql: insert.clone(),
                params: vec![
                    Value::Text(owner.as_str().to_owned()),
                    Value::Text(member.as_str().to_owned()),
                    Value::Int(position),
                    Value::Bool(required.contains(member)),
                    Value::Now,
                ],
            });
        }
        Ok(())
    }

    fn finish(self, file: &'static str) {
        let counts = self.counts;
        if let Some(entry) = self
            .plan
            .counts
            .files
            .iter_mut()
            .find(|(name, _)| *name == file)
        {
            entry.1 = counts;
        }
    }
}

fn index<T>(records: &[T], code: impl Fn(&T) -> &Code) -> HashMap<&str, &T> {
    records.iter().map(|r| (code(r).as_str(), r)).collect()
}

/// The statements that bring the database from `existing` to `existing` updated with `batch`,
/// and their counts.
///
/// # Errors
/// [`StoreError::UnknownReference`] for a code found neither in the batch nor in the database;
/// [`StoreError::Conflict`] for a code twice in one file or a member twice in one list.
pub(super) fn plan(
    existing: &Territory,
    existing_travel: &[TravelOverride],
    batch: &Territory,
    travel: &[TravelOverride],
) -> Result<Plan, StoreError> {
    let known = Known::new(existing, batch);
    let mut plan = Plan {
        statements: Vec::new(),
        counts: ImportCounts {
            files: FILES
                .iter()
                .map(|f| (*f, EntityCounts::default()))
                .collect(),
        },
    };

    let stored = index(&existing.communes, |r| &r.insee);
    let mut w = FileWriter::new(&mut plan, "commune", q::COMMUNE);
    for r in &batch.communes {
        w.record(&r.insee, r, stored.get(r.insee.as_str()).copied(), || {
            rows::commune_params(r)
        })?;
    }
    w.finish(files::COMMUNES);

    let stored = index(&existing.qpvs, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "qpv", q::QPV);
    for r in &batch.qpvs {
        known.check("qpv", &r.code, "insee", "commune", Some(&r.commune))?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::qpv_params(r)
        })?;
    }
    w.finish(files::QPVS);

    let stored = index(&existing.schools, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "school", q::SCHOOL);
    for r in &batch.schools {
        known.check("school", &r.code, "insee", "commune", Some(&r.commune))?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::school_params(r)
        })?;
    }
    w.finish(files::SCHOOLS);

    let stored = index(&existing.sites, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "neutral_site", q::SITE);
    for r in &batch.sites {
        known.check(
            "neutral_site",
            &r.code,
            "insee",
            "commune",
            Some(&r.commune),
        )?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::site_params(r)
        })?;
    }
    w.finish(files::SITES);

    let stored = index(&existing.coordinators, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "coordinator", q::COORDINATOR);
    for r in &batch.coordinators {
        for commune in &r.communes {
            known.check("coordinator", &r.code, "communes", "commune", Some(commune))?;
        }
        known.check(
            "coordinator",
            &r.code,
            "lieu",
            "neutral_site",
            r.site.as_ref(),
        )?;
        let stored = stored.get(r.code.as_str()).copied();
        if w.record(&r.code, r, stored, || rows::coordinator_params(r))? {
            w.list("coordinator_commune", "commune", &r.code, &r.communes)?;
        }
    }
    w.finish(files::COORDINATORS);

    let stored = index(&existing.referents, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "referent", q::REFERENT);
    for r in &batch.referents {
        known.check("referent", &r.code, "insee", "commune", Some(&r.commune))?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::referent_params(r)
        })?;
    }
    w.finish(files::REFERENTS);

    let stored = index(&existing.families, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "family", q::FAMILY);
    for r in &batch.families {
        known.check("family", &r.code, "insee", "commune", Some(&r.commune))?;
        known.check("family", &r.code, "qpv", "qpv", r.qpv.as_ref())?;
        if let MeetingPlace::Site(site) = &r.meeting_place {
            known.check("family", &r.code, "lieu", "neutral_site", Some(site))?;
        }
        let referent = r.referent.as_ref().map(|(code, _)| code);
        known.check("family", &r.code, "referent", "referent", referent)?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::family_params(r)
        })?;
    }
    w.finish(files::FAMILIES);

    let stored = index(&existing.children, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "child", q::CHILD);
    for r in &batch.children {
        known.check("child", &r.code, "famille", "family", Some(&r.family))?;
        known.check("child", &r.code, "ecole", "school", r.school.as_ref())?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::child_params(r)
        })?;
    }
    w.finish(files::CHILDREN);

    let stored = index(&existing.professionals, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "professional", q::PROFESSIONAL);
    for r in &batch.professionals {
        let stored = stored.get(r.code.as_str()).copied();
        w.record(&r.code, r, stored, || rows::professional_params(r))?;
    }
    w.finish(files::PROFESSIONALS);

    let stored = index(&existing.eps, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "eps", q::EPS);
    for r in &batch.eps {
        known.check("eps", &r.code, "insee", "commune", Some(&r.commune))?;
        known.check("eps", &r.code, "qpv", "qpv", r.qpv.as_ref())?;
        known.check(
            "eps",
            &r.code,
            "coordinateur",
            "coordinator",
            Some(&r.coordinator),
        )?;
        known.check("eps", &r.code, "lieu", "neutral_site", r.site.as_ref())?;
        for member in &r.members {
            known.check("eps", &r.code, "membres", "professional", Some(member))?;
        }
        for referent in &r.referents {
            known.check("eps", &r.code, "referents", "referent", Some(referent))?;
        }
        for site in &r.alternative_sites {
            known.check(
                "eps",
                &r.code,
                "lieux_alternatifs",
                "neutral_site",
                Some(site),
            )?;
        }
        if w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::eps_params(r)
        })? {
            w.eps_members(&r.code, &r.members, &r.required)?;
            w.list("eps_referent", "referent", &r.code, &r.referents)?;
            w.list(
                "eps_alternative_site",
                "neutral_site",
                &r.code,
                &r.alternative_sites,
            )?;
        }
    }
    w.finish(files::EPS);

    let stored = index(&existing.workshops, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "workshop", q::WORKSHOP);
    for r in &batch.workshops {
        known.check("workshop", &r.code, "insee", "commune", r.commune.as_ref())?;
        for site in &r.sites {
            known.check("workshop", &r.code, "lieux", "neutral_site", Some(site))?;
        }
        // A professional's code wins when a référent has the same one.
        let by_referent = !known.has("professional", &r.facilitator);
        if by_referent && !known.has("referent", &r.facilitator) {
            return Err(StoreError::UnknownReference {
                table: "workshop",
                code: r.code.as_str().to_owned(),
                field: "animateur",
                target_table: "facilitator",
                target: r.facilitator.as_str().to_owned(),
            });
        }
        let stored = stored.get(r.code.as_str()).copied();
        if w.record(&r.code, r, stored, || rows::workshop_params(r, by_referent))? {
            w.list("workshop_site", "neutral_site", &r.code, &r.sites)?;
        }
    }
    w.finish(files::WORKSHOPS);

    for r in &batch.orientations {
        let workshop_known = existing
            .workshops
            .iter()
            .chain(&batch.workshops)
            .any(|w| w.code == r.workshop);
        let unknown = if !known.has("child", &r.child) {
            Some(("enfant", "child", &r.child))
        } else if !workshop_known {
            Some(("atelier", "workshop", &r.workshop))
        } else {
            None
        };
        if let Some((field, target_table, target)) = unknown {
            return Err(StoreError::UnknownReference {
                table: "orientation",
                code: format!("{}→{}", r.child, r.workshop),
                field,
                target_table,
                target: target.as_str().to_owned(),
            });
        }
    }
    plan_by_key(
        &mut plan,
        Keyed {
            file: files::ORIENTATIONS,
            table: "orientation",
            cols: q::ORIENTATION,
            key_cols: &["child_id", "workshop_id"],
        },
        &existing.orientations,
        &batch.orientations,
        |o| format!("{}→{}", o.child, o.workshop),
        rows::orientation_params,
    )?;
    plan_by_key(
        &mut plan,
        Keyed {
            file: files::FREE_TIME,
            table: "free_time",
            cols: q::FREE_TIME,
            key_cols: &["level"],
        },
        &existing.free_time,
        &batch.free_time,
        |f| f.level.key().to_owned(),
        rows::free_time_params,
    )?;

    let stored = index(&existing.appointments, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "health_appointment", q::APPOINTMENT);
    for r in &batch.appointments {
        known.check(
            "health_appointment",
            &r.code,
            "enfant",
            "child",
            Some(&r.child),
        )?;
        known.check(
            "health_appointment",
            &r.code,
            "insee",
            "commune",
            Some(&r.commune),
        )?;
        let stored = stored.get(r.code.as_str()).copied();
        w.record(&r.code, r, stored, || rows::appointment_params(r))?;
    }
    w.finish(files::APPOINTMENTS);

    let stored = index(&existing.drivers, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "driver", q::DRIVER);
    for r in &batch.drivers {
        known.check("driver", &r.code, "insee", "commune", Some(&r.commune))?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::driver_params(r)
        })?;
    }
    w.finish(files::DRIVERS);

    let stored = index(&existing.vehicles, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "vehicle", q::VEHICLE);
    for r in &batch.vehicles {
        known.check("vehicle", &r.code, "chauffeur", "driver", r.driver.as_ref())?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::vehicle_params(r)
        })?;
    }
    w.finish(files::VEHICLES);

    let stored = index(&existing.agenda, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "agenda_entry", q::AGENDA);
    for r in &batch.agenda {
        let table = "agenda_entry";
        known.check(table, &r.code, "referent", "referent", Some(&r.referent))?;
        known.check(table, &r.code, "lieu", "neutral_site", r.site.as_ref())?;
        known.check(table, &r.code, "famille", "family", r.family.as_ref())?;
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::agenda_params(r)
        })?;
    }
    w.finish(files::AGENDA);

    let stored = index(&existing.unavailabilities, |r| &r.code);
    let mut w = FileWriter::new(&mut plan, "unavailability", q::UNAVAILABILITY);
    for r in &batch.unavailabilities {
        let person = ["professional", "coordinator", "referent", "neutral_site"]
            .into_iter()
            .any(|table| known.has(table, &r.person));
        if !person {
            return Err(StoreError::UnknownReference {
                table: "unavailability",
                code: r.code.as_str().to_owned(),
                field: "personne",
                target_table: "person",
                target: r.person.as_str().to_owned(),
            });
        }
        w.record(&r.code, r, stored.get(r.code.as_str()).copied(), || {
            rows::unavailability_params(r)
        })?;
    }
    w.finish(files::UNAVAILABILITIES);

    plan_travel(&mut plan, existing_travel, travel)?;
    super::calendar::plan(existing, batch, &mut plan)?;
    Ok(plan)
}

/// Travel times are keyed by their pair of codes, not by one code.
fn plan_travel(
    plan: &mut Plan,
    existing: &[TravelOverride],
    travel: &[TravelOverride],
) -> Result<(), StoreError> {
    plan_by_key(
        plan,
        Keyed {
            file: files::TRAVEL,
            table: "travel_override",
            cols: q::TRAVEL,
            key_cols: &["from_code", "to_code"],
        },
        existing,
        travel,
        |t| format!("{}→{}", t.from, t.to),
        rows::travel_params,
    )
}

/// A file whose records have no code of their own: where they go and what identifies them.
struct Keyed {
    file: &'static str,
    table: &'static str,
    cols: &'static [Col],
    /// The columns of the table's unique key.
    key_cols: &'static [&'static str],
}

/// The upserts of records identified by `key` (a pair of codes, a level) rather than a code:
/// each compared with the stored one of the same key, written only when new or different.
fn plan_by_key<T: PartialEq>(
    plan: &mut Plan,
    keyed: Keyed,
    existing: &[T],
    batch: &[T],
    key: impl Fn(&T) -> String,
    params: impl Fn(&T) -> Vec<Value>,
) -> Result<(), StoreError> {
    let stored: HashMap<String, &T> = existing.iter().map(|t| (key(t), t)).collect();
    let sql: Arc<str> = q::upsert(keyed.table, keyed.cols, keyed.key_cols).into();
    let mut counts = EntityCounts::default();
    let mut seen = BTreeSet::new();
    for t in batch {
        let k = key(t);
        match stored.get(&k) {
            Some(stored) if *stored == t => counts.unchanged += 1,
            Some(_) => counts.updated += 1,
            None => counts.added += 1,
        }
        if !seen.insert(k.clone()) {
            return Err(StoreError::Conflict {
                table: keyed.table,
                code: k,
                message: "the batch holds this key twice".to_owned(),
            });
        }
        if stored.get(&k).is_some_and(|s| *s == t) {
            continue;
        }
        let mut values = params(t);
        values.push(Value::Now);
        plan.statements.push(Statement {
            sql: sql.clone(),
            params: values,
        });
    }
    if let Some(entry) = plan
        .counts
        .files
        .iter_mut()
        .find(|(name, _)| *name == keyed.file)
    {
        entry.1 = counts;
    }
    Ok(())
}

//! Import of the coordinators' spreadsheets (docs/data-format.md): a folder of `;`-separated CSV
//! files, one per kind of record, validated in full before anything is written.
//!
//! All or nothing: every error of every file is collected (up to [`MAX_ERRORS`] are shown) with
//! file, line, column, value and a French reason; if there is any, the store is not touched.
//! Otherwise the records are upserted by code in one transaction.

mod calendar;
mod coverage;
mod csv_file;
mod records;
mod references;

use std::fmt;
use std::path::Path;

use chrono::NaiveDate;

use crate::domain::files;
use crate::domain::{Code, Territory};
use crate::store::{ImportCounts, Store, StoreError, TravelOverride};

use csv_file::{Column, Row, RowReader, decode, read_rows};

/// At most this many errors are listed in a report.
pub const MAX_ERRORS: usize = 100;

/// The files Parcours reads, in reading order (a record may refer to an earlier file).
pub use crate::domain::files::FILES;

/// One problem found in the input, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// File name (`familles.csv`).
    pub file: String,
    /// Line in the file, 1 being the header.
    pub line: Option<usize>,
    /// Column name.
    pub column: Option<String>,
    /// The value as found.
    pub value: Option<String>,
    /// What is wrong, in French.
    pub message: String,
}

impl fmt::Display for Issue {
    /// `familles.csv, ligne 4, colonne disponibilites (« lundi 18:00-09:00 ») : la plage …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", ligne {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", colonne {column}")?;
        }
        if let Some(value) = self.value.as_deref().filter(|v| !v.is_empty()) {
            write!(f, " (« {} »)", crate::domain::echo(value))?;
        }
        write!(f, " : {}", self.message)
    }
}

/// The files of one import, by name, as raw bytes.
#[derive(Debug, Clone, Default)]
pub struct Source {
    files: Vec<(String, Vec<u8>)>,
}

impl Source {
    /// Reads every `.csv` file of a folder. Unknown `.csv` files are reported as warnings later.
    ///
    /// # Errors
    /// When the folder cannot be read.
    pub fn from_dir(dir: &Path) -> std::io::Result<Source> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let is_csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if path.is_file() && is_csv {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, std::fs::read(&path)?));
            }
        }
        files.sort();
        Ok(Source { files })
    }

    /// From in-memory files (name, contents).
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Source {
        Source { files }
    }

    /// True when the source holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn get(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, b)| b.as_slice())
    }
}

/// A record with the line it came from.
#[derive(Debug, Clone)]
pub(crate) struct Lined<T> {
    pub(crate) line: usize,
    pub(crate) record: T,
}

/// Everything read from the files, before references are checked.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) communes: Vec<Lined<crate::domain::Commune>>,
    pub(crate) qpvs: Vec<Lined<crate::domain::Qpv>>,
    pub(crate) schools: Vec<Lined<crate::domain::School>>,
    pub(crate) sites: Vec<Lined<crate::domain::NeutralSite>>,
    pub(crate) coordinators: Vec<Lined<crate::domain::Coordinator>>,
    pub(crate) referents: Vec<Lined<crate::domain::Referent>>,
    pub(crate) families: Vec<Lined<crate::domain::Family>>,
    pub(crate) children: Vec<Lined<crate::domain::Child>>,
    pub(crate) professionals: Vec<Lined<crate::domain::Professional>>,
    pub(crate) eps: Vec<Lined<crate::domain::Eps>>,
    pub(crate) workshops: Vec<Lined<crate::domain::Workshop>>,
    pub(crate) orientations: Vec<Lined<crate::domain::Orientation>>,
    pub(crate) free_time: Vec<Lined<crate::domain::FreeTime>>,
    pub(crate) appointments: Vec<Lined<crate::domain::HealthAppointment>>,
    pub(crate) drivers: Vec<Lined<crate::domain::Driver>>,
    pub(crate) vehicles: Vec<Lined<crate::domain::Vehicle>>,
    pub(crate) agenda: Vec<Lined<crate::domain::AgendaEntry>>,
    pub(crate) unavailabilities: Vec<Lined<crate::domain::Unavailability>>,
    pub(crate) travel: Vec<Lined<TravelOverride>>,
    pub(crate) settings: Vec<Lined<crate::domain::TerritorySettings>>,
    pub(crate) public_holidays: Vec<Lined<crate::domain::PublicHoliday>>,
    pub(crate) school_holidays: Vec<Lined<crate::domain::SchoolHoliday>>,
}

/// The outcome of reading and validating a folder.
#[derive(Debug, Default)]
pub struct Validation {
    /// Files found and read, in reading order, with `true` when read as Windows-1252.
    pub files: Vec<(&'static str, bool)>,
    /// Errors: if any, nothing may be written.
    pub errors: Vec<Issue>,
    /// Warnings: reported, not blocking.
    pub warnings: Vec<Issue>,
    /// Records read, in file order.
    pub records: usize,
    batch: Territory,
    travel: Vec<TravelOverride>,
}

impl Validation {
    /// True when the import may be written.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The records to write.
    pub fn batch(&self) -> &Territory {
        &self.batch
    }

    /// The travel times to write (`trajets.csv`).
    pub fn travel(&self) -> &[TravelOverride] {
        &self.travel
    }
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    /// The validation that preceded it.
    pub validation: Validation,
    /// Added / updated / unchanged per file; `None` when nothing was written.
    pub counts: Option<ImportCounts>,
}

/// Errors of the import itself (not of the data, which go into the report).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The database failed.
    #[error("la base de données a refusé l'import")]
    Store(#[from] StoreError),
}

fn parse_file<T>(
    source: &Source,
    name: &'static str,
    columns: &[Column],
    parse: fn(&mut RowReader<'_>) -> Option<T>,
    v: &mut Validation,
) -> Vec<Lined<T>> {
    let Some(bytes) = source.get(name) else {
        return Vec::new();
    };
    let (text, cp1252) = decode(bytes);
    v.files.push((name, cp1252));
    let rows: Vec<Row> = read_rows(name, &text, columns, &mut v.errors, &mut v.warnings);
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut reader = RowReader::new(row, &mut v.errors);
        let record = parse(&mut reader);
        if reader.ok()
            && let Some(record) = record
        {
            out.push(Lined {
                line: row.line,
                record,
            });
        }
    }
    v.records += out.len();
    out
}

/// Reads and validates a source against what the database already holds (`existing`), without
/// writing anything. `today` is the date in Europe/Paris: a last visit may not come after it.
pub fn validate(source: &Source, existing: &Territory, today: NaiveDate) -> Validation {
    let mut v = Validation::default();
    for (name, _) in &source.files {
        if !FILES.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            v.warnings.push(Issue {
                file: name.clone(),
                line: None,
                column: None,
                value: None,
                message: format!(
                    "fichier inconnu, ignoré (fichiers reconnus : {})",
                    FILES.join(", ")
                ),
            });
        }
    }
    let p = Parsed {
        communes: parse_file(
            source,
            files::COMMUNES,
            records::COMMUNES,
            records::commune,
            &mut v,
        ),
        qpvs: parse_file(source, files::QPVS, records::QPVS, records::qpv, &mut v),
        schools: parse_file(
            source,
            files::SCHOOLS,
            records::SCHOOLS,
            records::school,
            &mut v,
        ),
        sites: parse_file(source, files::SITES, records::SITES, records::site, &mut v),
        coordinators: parse_file(
            source,
            files::COORDINATORS,
            records::COORDINATORS,
            records::coordinator,
            &mut v,
        ),
        referents: parse_file(
            source,
            files::REFERENTS,
            records::REFERENTS,
            records::referent,
            &mut v,
        ),
        families: parse_file(
            source,
            files::FAMILIES,
            records::FAMILIES,
            records::family,
            &mut v,
        ),
        children: parse_file(
            source,
            files::CHILDREN,
            records::CHILDREN,
            records::child,
            &mut v,
        ),
        professionals: parse_file(
            source,
            files::PROFESSIONALS,
            records::PROFESSIONALS,
            records::professional,
            &mut v,
        ),
        eps: parse_file(source, files::EPS, records::EPS, records::eps, &mut v),
        workshops: parse_file(
            source,
            files::WORKSHOPS,
            records::WORKSHOPS,
            records::workshop,
            &mut v,
        ),
        orientations: parse_file(
            source,
            files::ORIENTATIONS,
            records::ORIENTATIONS,
            records::orientation,
            &mut v,
        ),
        free_time: parse_file(
            source,
            files::FREE_TIME,
            records::FREE_TIME,
            records::free_time,
            &mut v,
        ),
        appointments: parse_file(
            source,
            files::APPOINTMENTS,
            records::APPOINTMENTS,
            records::appointment,
            &mut v,
        ),
        drivers: parse_file(
            source,
            files::DRIVERS,
            records::DRIVERS,
            records::driver,
            &mut v,
        ),
        vehicles: parse_file(
            source,
            files::VEHICLES,
            records::VEHICLES,
            records::vehicle,
            &mut v,
        ),
        agenda: parse_file(
            source,
            files::AGENDA,
            records::AGENDA,
            records::agenda_entry,
            &mut v,
        ),
        unavailabilities: parse_file(
            source,
            files::UNAVAILABILITIES,
            records::UNAVAILABILITIES,
            records::unavailability,
            &mut v,
        ),
        travel: parse_file(
            source,
            files::TRAVEL,
            records::TRAVEL,
            records::travel,
            &mut v,
        ),
        settings: parse_file(
            source,
            files::TERRITORY,
            records::TERRITORY_SETTINGS,
            records::territory_settings,
            &mut v,
        ),
        public_holidays: parse_file(
            source,
            files::PUBLIC_HOLIDAYS,
            records::PUBLIC_HOLIDAYS,
            records::public_holiday,
            &mut v,
        ),
        school_holidays: parse_file(
            source,
            files::SCHOOL_HOLIDAYS,
            records::SCHOOL_HOLIDAYS,
            records::school_holiday,
            &mut v,
        ),
    };
    if v.files.is_empty() && v.errors.is_empty() {
        v.errors.push(Issue {
            file: "(dossier)".to_owned(),
            line: None,
            column: None,
            value: None,
            message: format!(
                "aucun fichier reconnu : attendu au moins un de {}",
                FILES.join(", ")
            ),
        });
    }
    references::check(&p, existing, today, &mut v.errors, &mut v.warnings);
    calendar::check(&p, existing, &mut v.errors, &mut v.warnings);
    let lines: std::collections::BTreeMap<Code, usize> = p
        .families
        .iter()
        .map(|l| (l.record.code.clone(), l.line))
        .collect();
    v.batch = into_territory(p, &mut v.travel);
    if v.errors.is_empty() {
        let found = coverage::warnings(&v.batch, existing, &v.travel, today, &lines);
        v.warnings.extend(found);
    }
    v
}

fn records_of<T>(lined: Vec<Lined<T>>) -> Vec<T> {
    lined.into_iter().map(|l| l.record).collect()
}

fn into_territory(p: Parsed, travel: &mut Vec<TravelOverride>) -> Territory {
    *travel = records_of(p.travel);
    Territory {
        communes: records_of(p.communes),
        qpvs: records_of(p.qpvs),
        schools: records_of(p.schools),
        sites: records_of(p.sites),
        coordinators: records_of(p.coordinators),
        referents: records_of(p.referents),
        families: records_of(p.families),
        children: records_of(p.children),
        professionals: records_of(p.professionals),
        eps: records_of(p.eps),
        workshops: records_of(p.workshops),
        orientations: {
            let mut o = records_of(p.orientations);
            o.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            o
        },
        free_time: {
            let mut f = records_of(p.free_time);
            f.sort_by_key(|f| f.level);
            f
        },
        appointments: records_of(p.appointments),
        drivers: records_of(p.drivers),
        vehicles: records_of(p.vehicles),
        agenda: records_of(p.agenda),
        unavailabilities: {
            let mut u = records_of(p.unavailabilities);
            u.sort_by(|a, b| (&a.person, a.from, &a.code).cmp(&(&b.person, b.from, &b.code)));
            u
        },
        settings: p.settings.into_iter().next().map(|l| l.record),
        public_holidays: records_of(p.public_holidays),
        school_holidays: records_of(p.school_holidays),
    }
}

/// Validates a source against the store on `today` (Europe/Paris) and, if it is valid, writes
/// it in one transaction.
///
/// # Errors
/// Only when the database fails; invalid data is reported in [`ImportReport::validation`] and
/// changes nothing.
#[tracing::instrument(skip_all)]
pub async fn import(
    store: &Store,
    source: &Source,
    today: NaiveDate,
) -> Result<ImportReport, ImportError> {
    let existing = store.load_territory().await?;
    let validation = validate(source, &existing, today);
    if !validation.is_valid() {
        tracing::info!(errors = validation.errors.len(), "import rejected");
        return Ok(ImportReport {
            validation,
            counts: None,
        });
    }
    let counts = store
        .apply_import(&validation.batch, &validation.travel)
        .await?;
    tracing::info!(records = validation.records, "import written");
    Ok(ImportReport {
        validation,
        counts: Some(counts),
    })
}

/// Codes known for one kind of record: in the batch or in the database.
pub(crate) fn known<'a, T: 'a>(
    batch: impl Iterator<Item = &'a T>,
    existing: impl Iterator<Item = &'a T>,
    code: fn(&T) -> &Code,
) -> std::collections::BTreeSet<Code> {
    batch.chain(existing).map(|r| code(r).clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tuesday 1 December 2026, the day these tests are run on.
    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 12, 1) {
        Some(d) => d,
        None => panic!("BUG: 2026-12-01 is a valid date"),
    };

    fn validate(source: &Source, existing: &Territory) -> Validation {
        super::validate(source, existing, TODAY)
    }

    /// The `mini` case, validated, as the database would hold it.
    fn mini() -> Territory {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases/mini");
        let v = validate(&Source::from_dir(&dir).unwrap(), &Territory::default());
        assert!(v.is_valid(), "{:?}", v.errors.first());
        v.batch().clone()
    }

    fn agenda(rows: &str) -> Source {
        let text = format!("code;referent;type;debut;duree_min;lieu;famille\n{rows}");
        Source::from_files(vec![(files::AGENDA.to_owned(), text.into_bytes())])
    }

    #[test]
    fn an_agenda_entry_overlapping_a_stored_one_is_refused_naming_it() {
        // Arrange: mini holds AG-01, R-01's team meeting on Tuesday 1 December 09:00–10:30.
        let stored = mini();

        // Act
        let v = validate(
            &agenda("AG-10;R-01;personnel;2026-12-01 10:00;30;;\n"),
            &stored,
        );

        // Assert
        assert_eq!(v.errors.len(), 1, "{:?}", v.errors);
        let e = &v.errors[0];
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("debut")));
        assert!(
            e.message
                .contains("chevauche l'engagement AG-01 (déjà en base)"),
            "{e}"
        );
    }

    #[test]
    fn an_entry_moved_by_a_new_import_no_longer_clashes_with_its_old_time() {
        // Arrange: AG-05 is R-01's personal appointment on Friday 4 December 11:00.
        let stored = mini();

        // Act: it moves by a quarter of an hour, over its stored self.
        let v = validate(
            &agenda("AG-05;R-01;personnel;2026-12-04 11:15;45;;\n"),
            &stored,
        );

        // Assert
        assert!(v.is_valid(), "{:?}", v.errors);
    }

    #[test]
    fn a_fixed_visit_follows_the_referent_the_same_import_gives_the_family() {
        // Arrange: F-0001 passes from in this import, with its fixed visit AG-03.
        let stored = mini();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases/mini");
        let families = std::fs::read_to_string(dir.join("familles.csv"))
            .unwrap()
            .replace(";R-01;2025-09-01;", ";R-02;2026-11-02;");
        let moved_visit = "code;referent;type;debut;duree_min;lieu;famille\n\
                           AG-03;R-02;visite;2026-11-30 14:00;60;;F-0001\n";

        // Act
        let with_visit = validate(
            &Source::from_files(vec![
                (files::FAMILIES.to_owned(), families.clone().into_bytes()),
                (files::AGENDA.to_owned(), moved_visit.as_bytes().to_vec()),
            ]),
            &stored,
        );
        let without_visit = validate(
            &Source::from_files(vec![(files::FAMILIES.to_owned(), families.into_bytes())]),
            &stored,
        );

        // Assert: valid either way; left behind, the stored visit is worth a warning.
        assert!(with_visit.is_valid(), "{:?}", with_visit.errors);
        assert!(without_visit.is_valid(), "{:?}", without_visit.errors);
        let stale = |v: &Validation| {
            v.warnings
                .iter()
                .any(|w| w.message.contains("la visite fixée AG-03"))
        };
        assert!(!stale(&with_visit));
        assert!(stale(&without_visit), "{:?}", without_visit.warnings);
    }

    #[test]
    fn a_visit_without_family_or_a_meeting_with_one_is_refused_on_famille() {
        // Act
        let v = validate(
            &agenda(
                "AG-10;R-01;visite;2026-12-07 09:30;60;;\n\
                 AG-11;R-01;formation;2026-12-08 09:00;180;;F-0001\n\
                 AG-12;R-01;eps;2026-12-09 14:00;4;L-01;\n",
            ),
            &mini(),
        );

        // Assert
        let located: Vec<(Option<usize>, Option<&str>)> = v
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            located,
            vec![
                (Some(2), Some("famille")),
                (Some(3), Some("famille")),
                (Some(4), Some("duree_min"))
            ],
            "{:?}",
            v.errors
        );
    }

    fn eps(header: &str, rows: &str) -> Source {
        let text = format!("code;nom;insee;coordinateur;membres{header}\n{rows}");
        Source::from_files(vec![(files::EPS.to_owned(), text.into_bytes())])
    }

    #[test]
    fn an_eps_file_without_the_school_year_columns_requires_every_member_four_times_two_hours() {
        // Act
        let v = validate(
            &eps("", "EPS-09;EPS Anzin;59014;C-01;P-03, P-01\n"),
            &mini(),
        );

        // Assert
        assert!(v.is_valid(), "{:?}", v.errors);
        let e = &v.batch().eps[0];
        assert_eq!(e.members, e.required);
        assert_eq!(e.invited().count(), 0);
        assert_eq!((e.meetings_per_year, e.meeting_minutes), (4, 120));
        assert!(e.referents.is_empty() && e.alternative_sites.is_empty());
        assert_eq!((e.hours.as_ref(), e.min_spacing_days), (None, None));
    }

    #[test]
    fn alternative_sites_keep_their_order_without_the_usual_site_and_an_empty_requis_is_everyone() {
        // Act
        let v = validate(
            &eps(
                ";lieu;requis;lieux_alternatifs;horaires;espacement_min_jours",
                "EPS-09;EPS Anzin;59014;C-01;P-03, P-01;L-01;;L-02, L-01, L-02;\
                 mardi 12:00-14:00;28\n",
            ),
            &mini(),
        );

        // Assert
        assert!(v.is_valid(), "{:?}", v.errors);
        let e = &v.batch().eps[0];
        let code = |c: &str| Code::parse(c).unwrap();
        assert_eq!(e.alternative_sites, vec![code("L-02")]);
        assert_eq!(e.required, vec![code("P-01"), code("P-03")]);
        assert_eq!(
            e.hours.as_ref().map(ToString::to_string).as_deref(),
            Some("mardi 12:00-14:00")
        );
        assert_eq!(e.min_spacing_days, Some(28));
    }

    #[test]
    fn school_year_values_out_of_range_or_unknown_are_refused_on_their_column() {
        // Act
        let v = validate(
            &eps(
                ";reunions;duree_min;horaires;espacement_min_jours;referents;lieux_alternatifs",
                "EPS-09;EPS A;59014;C-01;P-01;0;;;;;\n\
                 EPS-10;EPS B;59014;C-01;P-01;;600;;0;;\n\
                 EPS-11;EPS C;59014;C-01;P-01;;120;jeudi 12:00-13:30;;;\n\
                 EPS-12;EPS D;59014;C-01;P-01;;;;;R-09;L-99\n",
            ),
            &mini(),
        );

        // Assert
        let located: Vec<(Option<usize>, Option<&str>)> = v
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            located,
            vec![
                (Some(2), Some("reunions")),
                (Some(3), Some("duree_min")),
                (Some(3), Some("espacement_min_jours")),
                (Some(4), Some("horaires")),
                (Some(5), Some("referents")),
                (Some(5), Some("lieux_alternatifs")),
            ],
            "{:?}",
            v.errors
        );
        assert!(
            v.errors[3]
                .message
                .contains("ne tient une réunion de 120 min"),
            "{}",
            v.errors[3]
        );
    }

    #[test]
    fn an_unavailability_ends_after_it_starts_and_names_someone_or_a_site() {
        // Act
        let text = "code;personne;debut;fin;motif\n\
                    IND-10;C-01;2027-01-11;2027-01-11;formation\n\
                    IND-11;L-01;2027-01-11 14:00;2027-01-11 14:00;\n\
                    IND-12;F-0001;2027-01-12;2027-01-12;\n\
                    IND-13;P-01;2027-03-28 02:30;2027-03-28 04:00;\n";
        let v = validate(
            &Source::from_files(vec![(
                files::UNAVAILABILITIES.to_owned(),
                text.as_bytes().to_vec(),
            )]),
            &mini(),
        );

        // Assert
        let located: Vec<(Option<usize>, Option<&str>)> = v
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            located,
            vec![
                (Some(3), Some("fin")),
                (Some(5), Some("debut")),
                (Some(4), Some("personne")),
            ],
            "{:?}",
            v.errors
        );
        assert!(
            v.errors[0].message.contains(
                "la fin (11/01/2027 14:00) ne vient pas après le début (11/01/2027 14:00)"
            ),
            "{}",
            v.errors[0]
        );
    }

    fn families(rows: &str) -> Source {
        let header = "code;insee;latitude;longitude;disponibilites;frequence;derniere_visite";
        Source::from_files(vec![(
            files::FAMILIES.to_owned(),
            format!("{header}\n{rows}").into_bytes(),
        )])
    }

    #[test]
    fn a_family_given_the_code_of_a_stored_referent_or_child_is_refused_on_code() {
        // Act: R-01 is mini's référent, E-0001 its child.
        let v = validate(
            &families(
                "R-01;59606;50.35;3.53;lundi 14:00-18:00;mensuelle;\n\
                 E-0001;59606;50.35;3.53;lundi 14:00-18:00;mensuelle;\n",
            ),
            &mini(),
        );

        // Assert
        let found: Vec<(Option<usize>, Option<&str>, &str)> = v
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref(), e.message.as_str()))
            .collect();
        assert_eq!(found.len(), 2, "{:?}", v.errors);
        assert_eq!((found[0].0, found[0].1), (Some(2), Some("code")));
        assert!(
            found[0]
                .2
                .starts_with("le code R-01 est déjà celui d'un référent (déjà en base)"),
            "{}",
            found[0].2
        );
        assert!(
            found[1]
                .2
                .contains("le code E-0001 est déjà celui d'un enfant"),
            "{}",
            found[1].2
        );
    }

    #[test]
    fn one_code_given_to_two_kinds_in_one_import_is_refused_on_the_later_file() {
        // Arrange: a driver and a vehicle both coded X-1, nothing stored.
        let source = Source::from_files(vec![
            (
                "chauffeurs.csv".to_owned(),
                b"code;nom;insee;latitude;longitude;horaires\n\
                  X-1;Jean;59606;50.35;3.53;lundi 09:00-17:00\n"
                    .to_vec(),
            ),
            (
                "vehicules.csv".to_owned(),
                b"code;chauffeur;places;sieges_enfant;fauteuil\nX-1;;4;2;non\n".to_vec(),
            ),
        ]);

        // Act
        let v = validate(&source, &mini());

        // Assert
        let e = v
            .errors
            .iter()
            .find(|e| e.message.contains("déjà celui"))
            .unwrap_or_else(|| panic!("{:?}", v.errors));
        assert_eq!(e.file, "vehicules.csv");
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("code")));
        assert!(
            e.message
                .contains("déjà celui d'un chauffeur (chauffeurs.csv, ligne 2)"),
            "{e}"
        );
    }

    #[test]
    fn the_data_format_documents_every_file_in_reading_order() {
        let doc = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data-format.md"),
        )
        .unwrap();
        let documented: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("### `"))
            .filter_map(|l| l.split_once('`').map(|(name, _)| name))
            .collect();
        assert_eq!(documented, FILES.to_vec());
    }

    #[test]
    fn every_file_of_the_mini_case_is_one_parcours_reads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases/mini");
        let v = validate(&Source::from_dir(&dir).unwrap(), &Territory::default());
        let read: Vec<&str> = v.files.iter().map(|(name, _)| *name).collect();
        assert_eq!(read, FILES.to_vec(), "mini uses every file");
        // Its one warning: F-0006 (Monday 17:00-19:00, Saturday) is free only when nobody works.
        let warned: Vec<&str> = v.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(
            warned[0].starts_with("famille F-0006 : aucune référente ne peut la voir"),
            "{warned:?}"
        );
    }

    #[test]
    fn reimporting_the_same_records_is_not_a_clash_of_kinds() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases/mini");
        let v = validate(&Source::from_dir(&dir).unwrap(), &mini());
        assert!(v.is_valid(), "{:?}", v.errors);
    }

    #[test]
    fn a_last_visit_after_today_is_refused_and_today_itself_is_accepted() {
        // Act
        let v = validate(
            &families(
                "F-0101;59606;50.35;3.53;lundi 14:00-18:00;mensuelle;2099-01-01\n\
                 F-0102;59606;50.35;3.53;lundi 14:00-18:00;mensuelle;2026-12-01\n\
                 F-0103;59606;50.35;3.53;lundi 14:00-18:00;mensuelle;02/12/2026\n",
            ),
            &mini(),
        );

        // Assert
        let located: Vec<(Option<usize>, Option<&str>)> = v
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            located,
            vec![
                (Some(2), Some("derniere_visite")),
                (Some(4), Some("derniere_visite"))
            ],
            "{:?}",
            v.errors
        );
        assert!(
            v.errors[0].message.contains("dans le futur"),
            "{}",
            v.errors[0]
        );
    }
}

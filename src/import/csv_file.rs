//! Reading one CSV file as French Excel writes it: encoding (UTF-8 with or without BOM, or
//! Windows-1252), `;` separator, header row, rows with their line numbers.
//!
//! This module only turns bytes into cells; what a cell means is the business of `records`.

use std::collections::BTreeMap;

use crate::domain::{FieldError, fold};

use super::Issue;

/// A column a file may have.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// Canonical name, as in docs/data-format.md.
    pub(crate) name: &'static str,
    /// The column and its cells are required.
    pub(crate) required: bool,
}

/// Shorthand for a required column.
pub(crate) const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

/// Shorthand for an optional column.
pub(crate) const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// Turns raw bytes into text: UTF-16 when the file opens with its byte-order mark (Excel's
/// « Texte Unicode »), else UTF-8 (BOM stripped) when valid, Windows-1252 otherwise.
/// Returns the text and whether it was read as Windows-1252.
pub(crate) fn decode(bytes: &[u8]) -> (String, bool) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        // Unpaired surrogates become U+FFFD; the cells holding them fail their own checks.
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), false);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), true)
        }
    }
}

/// One data row: its line number (1 = header) and its cells by canonical column name.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) file: &'static str,
    pub(crate) line: usize,
    cells: BTreeMap<&'static str, String>,
}

impl Row {
    /// The trimmed cell of a column, `None` when the column is absent or the cell empty.
    pub(crate) fn cell(&self, column: &str) -> Option<&str> {
        self.cells
            .get(column)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The cell, raw, for error messages.
    fn shown(&self, column: &str) -> String {
        self.cells.get(column).cloned().unwrap_or_default()
    }

    /// An issue located at this row and column.
    pub(crate) fn issue(&self, column: &str, error: impl std::fmt::Display) -> Issue {
        Issue {
            file: self.file.to_owned(),
            line: Some(self.line),
            column: Some(column.to_owned()),
            value: Some(self.shown(column)),
            message: error.to_string(),
        }
    }
}

/// Collects the issues of one row while its cells are parsed.
pub(crate) struct RowReader<'a> {
    pub(crate) row: &'a Row,
    pub(crate) errors: &'a mut Vec<Issue>,
    failed: bool,
}

impl<'a> RowReader<'a> {
    pub(crate) fn new(row: &'a Row, errors: &'a mut Vec<Issue>) -> RowReader<'a> {
        RowReader {
            row,
            errors,
            failed: false,
        }
    }

    /// True when no cell of this row has failed so far.
    pub(crate) fn ok(&self) -> bool {
        !self.failed
    }

    /// Records an error on a column of this row.
    pub(crate) fn fail(&mut self, column: &str, error: impl std::fmt::Display) {
        self.failed = true;
        self.errors.push(self.row.issue(column, error));
    }

    /// A required cell, parsed.
    pub(crate) fn req<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        match self.row.cell(column) {
            None => {
                self.fail(column, "valeur obligatoire manquante");
                None
            }
            Some(text) => match parse(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.fail(column, e);
                    None
                }
            },
        }
    }

    /// An optional cell, parsed: `Some(None)` when empty, `None` when it failed.
    pub(crate) fn opt<T>(
        &mut self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<Option<T>> {
        match self.row.cell(column) {
            None => Some(None),
            Some(text) => match parse(text) {
                Ok(v) => Some(Some(v)),
                Err(e) => {
                    self.fail(column, e);
                    None
                }
            },
        }
    }

    /// A required text cell.
    pub(crate) fn text(&mut self, column: &'static str) -> Option<String> {
        self.req(column, |s| Ok(s.to_owned()))
    }
}

/// Parses a non-negative integer cell.
pub(crate) fn parse_count(text: &str) -> Result<u32, FieldError> {
    let t = text.trim();
    if let Ok(v) = t.parse::<i64>() {
        if v < 0 {
            return Err(FieldError::new(format!(
                "« {t} » est négatif : un nombre positif ou nul est attendu"
            )));
        }
        if let Ok(v) = u32::try_from(v) {
            return Ok(v);
        }
    }
    Err(FieldError::new(format!(
        "« {t} » n'est pas un nombre entier"
    )))
}

/// Splits a decoded file into rows keyed by canonical column name. Header problems (empty
/// file, wrong separator, missing column) are errors; unknown columns are warnings.
pub(crate) fn read_rows(
    file: &'static str,
    text: &str,
    columns: &[Column],
    errors: &mut Vec<Issue>,
    warnings: &mut Vec<Issue>,
) -> Vec<Row> {
    let header_issue = |column: &str, value: &str, message: String| Issue {
        file: file.to_owned(),
        line: Some(1),
        column: Some(column.to_owned()),
        value: Some(value.to_owned()),
        message,
    };
    let Some(header_line) = text.lines().find(|l| !l.trim().is_empty()) else {
        errors.push(header_issue(
            "en-tête",
            "",
            "fichier vide : la première ligne doit nommer les colonnes".to_owned(),
        ));
        return Vec::new();
    };
    if text.contains('\0') {
        errors.push(header_issue(
            "en-tête",
            "",
            "le fichier contient des caractères nuls : il est sans doute en UTF-16 sans marque \
             d'ordre des octets ; enregistrez-le en « CSV UTF-8 (délimité par des virgules) » ou \
             en « CSV (séparateur : point-virgule) »"
                .to_owned(),
        ));
        return Vec::new();
    }
    // `;` as French Excel writes CSV; a tab as it writes « Texte Unicode » (UTF-16).
    let delimiter = if header_line.contains(';') {
        b';'
    } else if header_line.contains('\t') {
        b'\t'
    } else {
        let message = if header_line.contains(',') {
            "les colonnes sont séparées par une virgule « , » au lieu d'un point-virgule « ; » : \
             enregistrez le fichier en « CSV (séparateur : point-virgule) »"
                .to_owned()
        } else {
            "l'en-tête n'a qu'une colonne : les colonnes doivent être séparées par « ; »".to_owned()
        };
        errors.push(header_issue("en-tête", header_line.trim(), message));
        return Vec::new();
    };

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            Some(Ok(record)) if record.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(record)) => break record,
            Some(Err(e)) => {
                errors.push(header_issue(
                    "en-tête",
                    "",
                    format!("en-tête illisible : {e}"),
                ));
                return Vec::new();
            }
            None => return Vec::new(),
        }
    };

    // Map header positions to known columns; unknown columns are warned about and ignored.
    let mut positions: Vec<Option<&'static str>> = Vec::with_capacity(header.len());
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    // Columns without a name (Excel's trailing `;;;`) are ignored; said only if they hold data.
    let mut unnamed: Vec<usize> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let key = fold(name).replace([' ', '-'], "_");
        if key.is_empty() {
            unnamed.push(i);
            positions.push(None);
            continue;
        }
        match columns.iter().find(|c| c.name == key) {
            Some(c) if seen.contains_key(c.name) => {
                errors.push(header_issue(
                    c.name,
                    name,
                    format!("la colonne {} apparaît deux fois", c.name),
                ));
                positions.push(None);
            }
            Some(c) => {
                seen.insert(c.name, i);
                positions.push(Some(c.name));
            }
            None => {
                warnings.push(header_issue(
                    name.trim(),
                    name.trim(),
                    format!("colonne inconnue « {} », ignorée", name.trim()),
                ));
                positions.push(None);
            }
        }
    }
    let mut missing = false;
    for c in columns
        .iter()
        .filter(|c| c.required && !seen.contains_key(c.name))
    {
        errors.push(header_issue(
            c.name,
            "",
            format!("colonne obligatoire « {} » absente de l'en-tête", c.name),
        ));
        missing = true;
    }
    if missing {
        return Vec::new();
    }

    // A row needs a cell up to the last named column; cells past the header must be empty.
    let width = header
        .iter()
        .enumerate()
        .filter(|(_, name)| !name.trim().is_empty())
        .last()
        .map_or(0, |(i, _)| i + 1);
    let mut unnamed_with_data: Vec<(usize, usize)> = Vec::new();
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                errors.push(Issue {
                    file: file.to_owned(),
                    line: Some(line),
                    column: None,
                    value: None,
                    message: format!("ligne illisible : {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let past_header = record
            .iter()
            .skip(header.len())
            .any(|c| !c.trim().is_empty());
        if record.len() < width || past_header {
            let (column, message) = if record.len() < width {
                let first_missing = (record.len()..width)
                    .find_map(|i| positions[i])
                    .unwrap_or("?");
                (
                    first_missing,
                    format!(
                        "ligne tronquée : {} valeurs au lieu de {width}, les valeurs manquent à partir de la colonne « {first_missing} »",
                        record.len()
                    ),
                )
            } else {
                let filled = record
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.trim().is_empty())
                    .last()
                    .map_or(0, |(i, _)| i + 1);
                (
                    "?",
                    format!("{filled} valeurs au lieu de {width} : un « ; » en trop ?"),
                )
            };
            errors.push(Issue {
                file: file.to_owned(),
                line: Some(line),
                column: Some(column.to_owned()),
                value: Some(record.iter().collect::<Vec<_>>().join(";")),
                message,
            });
            continue;
        }
        for &i in &unnamed {
            if record.get(i).is_some_and(|c| !c.trim().is_empty())
                && !unnamed_with_data.iter().any(|(column, _)| *column == i)
            {
                unnamed_with_data.push((i, line));
            }
        }
        let cells = positions
            .iter()
            .zip(record.iter())
            .filter_map(|(name, value)| name.map(|n| (n, value.trim().to_owned())))
            .collect();
        rows.push(Row { file, line, cells });
    }
    for (i, line) in unnamed_with_data {
        warnings.push(Issue {
            file: file.to_owned(),
            line: Some(line),
            column: Some(format!("n° {}", i + 1)),
            value: None,
            message: format!(
                "la colonne n° {} n'a pas de nom dans l'en-tête : ses valeurs sont ignorées",
                i + 1
            ),
        });
    }
    rows
}

/// The line (from 1) of byte `offset` of `text`, counting blank lines as a spreadsheet does (the
/// csv reader's own line count skips them).
fn line_at(text: &str, offset: u64) -> usize {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    // The reader reports a record after blank lines as starting at the first of them.
    while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[req("code"), req("nom"), opt("insee")];

    fn read(text: &str) -> (Vec<Row>, Vec<Issue>, Vec<Issue>) {
        let (mut e, mut w) = (Vec::new(), Vec::new());
        let rows = read_rows("t.csv", text, COLUMNS, &mut e, &mut w);
        (rows, e, w)
    }

    #[test]
    fn windows_1252_accents_are_decoded() {
        let (text, cp1252) = decode(b"nom\n\xC9cole J\xE9r\xF4me");
        assert!(cp1252);
        assert_eq!(text, "nom\nÉcole Jérôme");
        let (text, cp1252) = decode("\u{feff}nom\nÉcole".as_bytes());
        assert!(!cp1252);
        assert_eq!(text, "nom\nÉcole");
    }

    #[test]
    fn headers_are_matched_without_case_or_accents_and_rows_keep_line_numbers() {
        let (rows, e, w) = read("Code; Nom ;Commentaire\nA;Un;x\n\nB;Deux;y\n");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(w.len(), 1);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].cell("nom"), Some("Deux"));
        assert_eq!(rows[1].cell("insee"), None);
    }

    /// `text` as Excel's « Texte Unicode » writes it: UTF-16 with its byte-order mark.
    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    #[test]
    fn a_utf16_tab_separated_file_is_read_with_its_accents() {
        for big_endian in [false, true] {
            let (text, cp1252) = decode(&utf16("code\tnom\r\nA\tÉcole Jérôme\r\n", big_endian));
            assert!(!cp1252);
            let (rows, e, w) = read(&text);
            assert!(e.is_empty() && w.is_empty(), "{e:?} {w:?}");
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].cell("nom"), Some("École Jérôme"));
        }
    }

    #[test]
    fn a_file_with_nul_bytes_is_refused_in_french_naming_utf16() {
        let (_, e, _) = read("c\0o\0d\0e\0;\0n\0o\0m\0\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("UTF-16"), "{}", e[0]);
    }

    #[test]
    fn excel_trailing_empty_columns_are_ignored_without_warning() {
        let (rows, e, w) = read("code;nom;;;\nA;Un;;;\nB;Deux\nC;Trois;;;;;\n");
        assert!(e.is_empty(), "{e:?}");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].cell("nom"), Some("Trois"));
    }

    #[test]
    fn values_under_a_column_without_name_are_a_warning_and_past_the_header_an_error() {
        let (rows, e, w) = read("code;;nom\nA;x;Un\nB;;Deux;y\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("n° 2 n'a pas de nom"), "{}", w[0]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, Some(3));
        assert!(e[0].message.contains("en trop"), "{}", e[0]);
    }

    #[test]
    fn a_comma_separated_file_is_named_as_such() {
        let (_, e, _) = read("code,nom\nA,Un\n");
        assert!(e[0].message.contains("virgule"), "{}", e[0]);
    }

    #[test]
    fn a_truncated_row_names_its_line_and_first_missing_column() {
        let (rows, e, _) = read("code;nom;insee\nA;Un;59606\nB\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(e[0].line, Some(3));
        assert_eq!(e[0].column.as_deref(), Some("nom"));
    }

    #[test]
    fn a_missing_required_column_is_an_error() {
        let (_, e, _) = read("code;insee\nA;59606\n");
        assert_eq!(e[0].column.as_deref(), Some("nom"));
    }

    #[test]
    fn negative_counts_are_refused() {
        assert!(
            parse_count("-5")
                .unwrap_err()
                .to_string()
                .contains("négatif")
        );
        assert_eq!(parse_count(" 60 ").unwrap(), 60);
        assert!(parse_count("6,5").is_err());
    }
}

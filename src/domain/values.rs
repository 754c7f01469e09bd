//! Small value types shared by records: codes, languages, sector criteria, lunch breaks, lists.

use std::fmt;

use super::{FieldError, TimeRange, fold};

/// The code that identifies a record in its file and in the database (pseudonymous for
/// families and children): letters, digits, `-`, `_`, at most 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(String);

impl Code {
    /// Longest accepted code.
    pub const MAX_LEN: usize = 32;

    /// Parses a code.
    ///
    /// # Errors
    /// When empty, too long, or holding characters other than letters, digits, `-` and `_`.
    pub fn parse(text: &str) -> Result<Code, FieldError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(FieldError::new("le code est vide"));
        }
        if t.len() > Code::MAX_LEN {
            return Err(FieldError::new(format!(
                "le code « {t} » dépasse {} caractères",
                Code::MAX_LEN
            )));
        }
        if let Some(c) = t
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(FieldError::new(format!(
                "le code « {t} » contient « {c} » : seuls lettres sans accent, chiffres, - et _ sont permis"
            )));
        }
        Ok(Code(t.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a commune's INSEE code: five digits, or `2A`/`2B` and three digits for Corsica.
///
/// # Errors
/// Any other text, quoted in a French message.
pub fn parse_insee(text: &str) -> Result<Code, FieldError> {
    let t = text.trim();
    let b = t.as_bytes();
    let valid = b.len() == 5
        && b[2..].iter().all(u8::is_ascii_digit)
        && (b[..2].iter().all(u8::is_ascii_digit) || matches!(&b[..2], b"2A" | b"2B"));
    if valid {
        Code::parse(t)
    } else {
        Err(FieldError::new(format!(
            "« {t} » n'est pas un code INSEE (5 chiffres, ou 2A/2B et 3 chiffres en Corse)"
        )))
    }
}

/// A language a visit can be held in, as an ISO 639 code (`fr`, `ar`, `tr`, `rom`, …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Language(String);

/// French names accepted for languages, with their ISO 639 code.
const LANGUAGES: &[(&str, &str)] = &[
    ("francais", "fr"),
    ("arabe", "ar"),
    ("turc", "tr"),
    ("romani", "rom"),
    ("anglais", "en"),
    ("espagnol", "es"),
    ("portugais", "pt"),
    ("berbere", "ber"),
    ("tamazight", "ber"),
    ("roumain", "ro"),
    ("albanais", "sq"),
    ("russe", "ru"),
    ("ukrainien", "uk"),
    ("polonais", "pl"),
    ("italien", "it"),
    ("lingala", "ln"),
    ("wolof", "wo"),
    ("soninke", "snk"),
    ("bambara", "bm"),
    ("tchetchene", "ce"),
    ("georgien", "ka"),
    ("armenien", "hy"),
    ("dari", "prs"),
    ("pachto", "ps"),
    ("kurde", "ku"),
];

impl Language {
    /// French.
    pub fn french() -> Language {
        Language("fr".to_owned())
    }

    /// Parses a French language name (`arabe`) or an ISO 639 code (`ar`).
    pub fn parse(text: &str) -> Result<Language, FieldError> {
        let key = fold(text);
        if let Some((_, code)) = LANGUAGES
            .iter()
            .find(|(name, code)| *name == key || *code == key)
        {
            return Ok(Language((*code).to_owned()));
        }
        Err(FieldError::new(format!(
            "langue « {} » inconnue (ex. arabe, turc, romani, anglais, ou un code ISO comme ar)",
            text.trim()
        )))
    }

    /// ISO 639 code.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// French name, for people to read.
    pub fn french_name(&self) -> &str {
        LANGUAGES
            .iter()
            .find(|(_, code)| *code == self.0)
            .map(|(name, _)| *name)
            .unwrap_or(&self.0)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of a sector criterion (critère de secteur).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectorKind {
    /// commune (INSEE code)
    Commune,
    /// QPV code
    Qpv,
    /// school level (`maternelle`, `elementaire`, `college`)
    Level,
    /// school group name
    SchoolGroup,
}

/// One criterion of a référent's sector: `commune:59606`. Criteria of the same kind are
/// alternatives; criteria of different kinds are cumulative (DESIGN.md, glossary "secteur").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectorCriterion {
    /// What the criterion looks at.
    pub kind: SectorKind,
    /// The value it requires.
    pub value: String,
}

impl SectorCriterion {
    /// Parses `commune:59606`, `qpv:CODE`, `niveau:college` or `groupe:NAME`.
    pub fn parse(text: &str) -> Result<SectorCriterion, FieldError> {
        let (kind, value) = text.split_once(':').ok_or_else(|| {
            FieldError::new(format!(
                "critère de secteur « {} » sans type (ex. commune:59606, qpv:CODE, niveau:college, groupe:NOM)",
                text.trim()
            ))
        })?;
        let kind = match fold(kind).as_str() {
            "commune" => SectorKind::Commune,
            "qpv" => SectorKind::Qpv,
            "niveau" => SectorKind::Level,
            "groupe" => SectorKind::SchoolGroup,
            other => {
                return Err(FieldError::new(format!(
                    "type de critère « {other} » inconnu (commune, qpv, niveau, groupe)"
                )));
            }
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(FieldError::new(format!(
                "critère « {} » sans valeur",
                text.trim()
            )));
        }
        let value = match kind {
            SectorKind::Level => super::SchoolLevel::parse(value)?.key().to_owned(),
            SectorKind::Commune => parse_insee(value)?.as_str().to_owned(),
            SectorKind::Qpv | SectorKind::SchoolGroup => value.to_owned(),
        };
        Ok(SectorCriterion { kind, value })
    }
}

impl fmt::Display for SectorCriterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SectorKind::Commune => "commune",
            SectorKind::Qpv => "qpv",
            SectorKind::Level => "niveau",
            SectorKind::SchoolGroup => "groupe",
        };
        write!(f, "{kind}:{}", self.value)
    }
}

/// A lunch break: somewhere inside `window`, lasting `minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunchBreak {
    /// When the break may be taken.
    pub window: TimeRange,
    /// How long it lasts, in minutes, at most the window's length.
    pub minutes: u32,
}

impl LunchBreak {
    /// A break that fits in its window.
    ///
    /// # Errors
    /// When the break is empty or longer than its window.
    pub fn new(window: TimeRange, minutes: u32) -> Result<LunchBreak, FieldError> {
        if minutes == 0 || minutes > window.minutes() {
            return Err(FieldError::new(format!(
                "une pause de {minutes} min ne tient pas dans la plage {window}"
            )));
        }
        Ok(LunchBreak { window, minutes })
    }
}

/// Splits a comma-separated list, trimming items and dropping empty ones.
pub fn parse_list(text: &str) -> Vec<&str> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses `oui`/`non` (also `o`/`n`, `1`/`0`, `vrai`/`faux`, `x`).
pub fn parse_bool(text: &str) -> Result<bool, FieldError> {
    match fold(text).as_str() {
        "oui" | "o" | "1" | "vrai" | "x" => Ok(true),
        "non" | "n" | "0" | "faux" | "" => Ok(false),
        _ => Err(FieldError::new(format!(
            "« {} » : attendu oui ou non",
            text.trim()
        ))),
    }
}

/// Declares an enum written in data files as a French keyword: `parse` (accents and case
/// ignored, aliases allowed), `key` (the canonical keyword) and `Display`.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => $key:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical keyword, as written in files and stored.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// Parses the keyword (accents and case ignored).
            ///
            /// # Errors
            /// A French message listing the accepted keywords.
            pub fn parse(text: &str) -> Result<$name, $crate::domain::FieldError> {
                let key = $crate::domain::fold(text);
                match key.as_str() {
                    $($key $(| $alias)* => Ok($name::$variant),)+
                    _ => Err($crate::domain::FieldError::new(format!(
                        concat!("« {} » n'est pas ", $what, " connu(e) ({})"),
                        text.trim(),
                        [$($key),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}
pub(crate) use keyword_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_reject_spaces_accents_and_overlong_values() {
        assert_eq!(Code::parse(" F-0001 ").unwrap().as_str(), "F-0001");
        assert!(Code::parse("F 0001").is_err());
        assert!(Code::parse("Famille-é").is_err());
        assert!(Code::parse(&"x".repeat(33)).is_err());
        assert!(Code::parse("").is_err());
    }

    #[test]
    fn insee_codes_are_five_digits_or_a_corsican_department_and_three_digits() {
        for ok in ["59606", "01001", "2A004", "2B033", " 97411 "] {
            assert!(parse_insee(ok).is_ok(), "{ok}");
        }
        for bad in [
            "douze",
            "5960",
            "596060",
            "2C004",
            "2a004",
            "59-06",
            "5960A",
            "ÉÉÉÉÉ",
        ] {
            let e = parse_insee(bad).unwrap_err().to_string();
            assert!(e.contains("n'est pas un code INSEE"), "{bad}: {e}");
        }
    }

    #[test]
    fn languages_are_read_by_french_name_or_iso_code() {
        assert_eq!(Language::parse("Arabe").unwrap().code(), "ar");
        assert_eq!(Language::parse("rom").unwrap().french_name(), "romani");
        assert_eq!(Language::parse("Turc ").unwrap().code(), "tr");
        assert!(Language::parse("klingon").is_err());
    }

    #[test]
    fn sector_criteria_name_their_kind() {
        let c = SectorCriterion::parse("niveau:Collège").unwrap();
        assert_eq!(c.to_string(), "niveau:college");
        assert!(SectorCriterion::parse("59606").is_err());
        assert!(SectorCriterion::parse("ville:59606").is_err());
    }
}

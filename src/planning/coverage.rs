//! What the team can cover, before any plan (issue 15): families nobody on the team can visit,
//! families whose référent (pinned or not) cannot visit them, families followed (pinned or
//! kept) outside their référent's sector. The import and `parcours check` report them as warnings:
//! they are the team's present, not input errors.
//!
//! The rules are the assignment's, computed by the same code (`build::pairs`: the solver's
//! `rota::rules::first_visit_start` for visits, the sector criteria for sectors), so a warning
//! here is exactly what the next plan will act on.

use super::PlanError;
use super::build::{self, Context};
use super::week::IsoWeek;
use crate::domain::{Code, MeetingPlace, Territory, TravelOverride};

/// One family the team cannot cover as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageWarning {
    /// The family's code.
    pub family: Code,
    /// The field of `familles.csv` the warning is about (`disponibilites`, `referent`).
    pub field: &'static str,
    /// What is wrong, in French, naming the family, the référent and the cause.
    pub message: String,
}

/// The warnings about `territory`'s families in a typical week (the weekdays of `week`, no day
/// closed), with the measured drives `travel`, in family code order.
///
/// # Errors
/// [`PlanError::Data`] when the territory cannot be planned as it is (an unknown site, bad
/// coordinates): the import reports those as errors already.
pub fn coverage(
    territory: &Territory,
    week: IsoWeek,
    travel: &[TravelOverride],
) -> Result<Vec<CoverageWarning>, PlanError> {
    let ctx = Context::new(territory, week, travel)?;
    let pairs = build::pairs(&ctx);
    let nf = ctx.families.len();
    let pair = |r: usize, f: usize| pairs[r * nf + f];
    let mut out = Vec::new();
    for f in 0..nf {
        let family = ctx.family(f);
        let code = &family.code;
        let can: Vec<usize> = (0..ctx.referents.len())
            .filter(|&r| pair(r, f).can_visit)
            .collect();
        let why = |whose: &str| {
            let mut text = format!(
                "ses disponibilités ({}) ne rencontrent {whose} le temps d'une visite de {} min, \
                 trajet compris",
                family.availability, family.visit_minutes
            );
            if let MeetingPlace::Site(site) = &family.meeting_place
                && let Some(s) = territory.sites.iter().find(|s| &s.code == site)
            {
                text.push_str(&format!(", au lieu {site} ouvert {}", s.opening_hours));
            }
            text
        };
        let current = ctx.current(f);
        if can.is_empty() {
            out.push(CoverageWarning {
                family: code.clone(),
                field: "disponibilites",
                message: format!(
                    "famille {code} : aucune référente ne peut la voir : {}",
                    why("les horaires d'aucune référente")
                ),
            });
        } else if let Some(r) = current.filter(|r| !can.contains(r)) {
            // Who could see it instead, and what bars those the assignment may not use.
            let others: Vec<String> = can
                .iter()
                .map(|&o| {
                    let referent = ctx.referent(o);
                    let bar = if !referent.speaks(&family.language) {
                        " (ne parle pas sa langue)"
                    } else if !pair(o, f).in_sector {
                        " (hors secteur)"
                    } else {
                        ""
                    };
                    format!("{}{bar}", referent.code)
                })
                .collect();
            let then = if family.referent_pinned {
                format!(
                    "fixée chez {}, qui ne peut pas la voir",
                    ctx.referent(r).code
                )
            } else {
                format!(
                    "sa référente {} ne peut pas la voir et l'affectation la confiera à une autre \
                     ou la laissera sans référente",
                    ctx.referent(r).code
                )
            };
            out.push(CoverageWarning {
                family: code.clone(),
                field: "referent",
                message: format!(
                    "famille {code} : {then} : {} ; pourraient la voir : {}",
                    why("pas ses horaires"),
                    others.join(", ")
                ),
            });
        }
        if let Some(r) = current.filter(|&r| !pair(r, f).in_sector) {
            let referent = ctx.referent(r);
            let sector: Vec<String> = referent.sectors.iter().map(|c| c.to_string()).collect();
            let kept = if family.referent_pinned {
                "fixée chez elle par l'équipe"
            } else {
                "l'affectation peut la garder chez elle"
            };
            out.push(CoverageWarning {
                family: code.clone(),
                field: "referent",
                message: format!(
                    "famille {code} : suivie par {} hors de son secteur ({}) ; {kept}",
                    referent.code,
                    sector.join(", ")
                ),
            });
        }
    }
    Ok(out)
}

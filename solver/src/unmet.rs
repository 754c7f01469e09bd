//! Why something a problem asked for is not in its solution: [`UnmetReason`], shared by every
//! problem (STYLE.md §3: infeasibility is data).
//!
//! Each solution lists what it could not place as `(index, UnmetReason)` pairs, sorted by
//! index: families without a référent ([`assign`](crate::assign)), visits left out of the
//! routes ([`routing`](crate::routing)), visits and commitments left out of the week
//! ([`rota`](crate::rota)). The French `Display` is what a coordinator reads.

use std::fmt;

/// Why an item is not placed. Each problem uses its own variants; the doc of each says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnmetReason {
    /// Assignment: no référent speaks the language the family needs.
    NoLanguage,
    /// Assignment: no référent's sector covers the family.
    NoSector,
    /// Assignment: those who speak the family's language do not cover its sector.
    NoLanguageInSector,
    /// Assignment: every référent who may follow the family is at her maximum caseload.
    Capacity,
    /// Assignment: no référent can visit the family: in a typical week, no one's hours meet its
    /// availability (and the opening hours of the site where it is met) for one visit, travel
    /// included.
    NoVisitPossible,
    /// Assignment: those who can visit the family may not follow it (language, sector), and
    /// those who may cannot visit it.
    NoVisitAllowed,
    /// Routing: no vehicle allowed to make the visit has a shift that overlaps one of its
    /// windows, reachable in time.
    NoCompatibleWindow,
    /// Routing: no allowed vehicle may make the visit.
    NoAllowedVehicle,
    /// Routing: the visit's demand exceeds every allowed vehicle's capacity.
    TooLarge,
    /// Routing: it would fit alone, but not with the others; leaving it out costs less than
    /// any place for it.
    NotWorthIt,
    /// Rota: the référent has no working day this week (holiday, absence).
    NoWorkingDay,
    /// Rota: the family's availability never meets the référent's working hours this week.
    NoCommonSlot,
    /// Rota: her week is full; no place for the visit among her other visits.
    WeekFull,
    /// Rota: the family is available while she works, but the site where it is met is closed
    /// then.
    SiteClosed,
    /// Rota: the family is available while she works only on her days off this week (a public
    /// holiday, an absence).
    OnlyOnClosedDays,
    /// Rota: her fixed commitments (meetings, trainings, fixed visits) cover every slot she
    /// shares with the family.
    AgendaFull,
    /// Rota: the family is free while she works only on days the visit is not open to (too
    /// soon after the last visit, or days a re-plan does not touch).
    NotOnOpenDays,
    /// Rota: a fixed appointment clashes with another one.
    FixedClash,
    /// Rota: a commitment falls on a day the référent does not work (day off, public holiday,
    /// absence).
    DayOff,
    /// Meetings: the required members' weekly availability (with the group's own hours) never
    /// holds the meeting's length together.
    NoCommonMeetingSlot,
    /// Meetings: no site of the group is open and big enough when the required members are
    /// all available.
    NoMeetingSite,
    /// Meetings: the required members' common slots of its period fall when some are away
    /// (training, leave) or the sites are closed.
    MembersAway,
    /// Meetings: the common slots of its period are taken by other meetings of its members or
    /// its sites.
    SlotsTaken,
    /// Meetings: no period of the year is left for it (more meetings than periods, or the
    /// rest of the year too short).
    NoPeriodLeft,
    /// Workshops: the child's age is outside the action's range.
    OutsideAgeRange,
    /// Workshops: every site of the action is farther from her home than the action allows.
    TooFarFromSites,
    /// Workshops: she was oriented after every group the action could open has started.
    OrientedTooLate,
    /// Workshops: no slot the action may take falls in her free time (at a site near enough).
    NeverFreeAtSlots,
    /// Workshops: the action opens no group (too few children can come together).
    WorkshopNotOpened,
    /// Workshops: the groups she could join are full.
    GroupsFull,
    /// Workshops: the groups with room meet when she is in another action's group.
    WorkshopClash,
    /// Workshops: no group opened meets when she is free at a site near enough.
    NoGroupWhenFree,
}

impl UnmetReason {
    /// Every reason, in declaration order.
    pub const ALL: [UnmetReason; 32] = [
        UnmetReason::NoLanguage,
        UnmetReason::NoSector,
        UnmetReason::NoLanguageInSector,
        UnmetReason::Capacity,
        UnmetReason::NoVisitPossible,
        UnmetReason::NoVisitAllowed,
        UnmetReason::NoCompatibleWindow,
        UnmetReason::NoAllowedVehicle,
        UnmetReason::TooLarge,
        UnmetReason::NotWorthIt,
        UnmetReason::NoWorkingDay,
        UnmetReason::NoCommonSlot,
        UnmetReason::WeekFull,
        UnmetReason::FixedClash,
        UnmetReason::DayOff,
        UnmetReason::SiteClosed,
        UnmetReason::OnlyOnClosedDays,
        UnmetReason::AgendaFull,
        UnmetReason::NotOnOpenDays,
        UnmetReason::NoCommonMeetingSlot,
        UnmetReason::NoMeetingSite,
        UnmetReason::MembersAway,
        UnmetReason::SlotsTaken,
        UnmetReason::NoPeriodLeft,
        UnmetReason::OutsideAgeRange,
        UnmetReason::TooFarFromSites,
        UnmetReason::OrientedTooLate,
        UnmetReason::NeverFreeAtSlots,
        UnmetReason::WorkshopNotOpened,
        UnmetReason::GroupsFull,
        UnmetReason::WorkshopClash,
        UnmetReason::NoGroupWhenFree,
    ];

    /// Stable English key for logs and JSON (`"no_common_slot"`).
    pub const fn key(self) -> &'static str {
        match self {
            UnmetReason::NoLanguage => "no_language",
            UnmetReason::NoSector => "no_sector",
            UnmetReason::NoLanguageInSector => "no_language_in_sector",
            UnmetReason::Capacity => "capacity",
            UnmetReason::NoVisitPossible => "no_visit_possible",
            UnmetReason::NoVisitAllowed => "no_visit_allowed",
            UnmetReason::NoCompatibleWindow => "no_compatible_window",
            UnmetReason::NoAllowedVehicle => "no_allowed_vehicle",
            UnmetReason::TooLarge => "too_large",
            UnmetReason::NotWorthIt => "not_worth_it",
            UnmetReason::NoWorkingDay => "no_working_day",
            UnmetReason::NoCommonSlot => "no_common_slot",
            UnmetReason::WeekFull => "week_full",
            UnmetReason::FixedClash => "fixed_clash",
            UnmetReason::DayOff => "day_off",
            UnmetReason::SiteClosed => "site_closed",
            UnmetReason::OnlyOnClosedDays => "only_on_closed_days",
            UnmetReason::AgendaFull => "agenda_full",
            UnmetReason::NotOnOpenDays => "not_on_open_days",
            UnmetReason::NoCommonMeetingSlot => "no_common_meeting_slot",
            UnmetReason::NoMeetingSite => "no_meeting_site",
            UnmetReason::MembersAway => "members_away",
            UnmetReason::SlotsTaken => "slots_taken",
            UnmetReason::NoPeriodLeft => "no_period_left",
            UnmetReason::OutsideAgeRange => "outside_age_range",
            UnmetReason::TooFarFromSites => "too_far_from_sites",
            UnmetReason::OrientedTooLate => "oriented_too_late",
            UnmetReason::NeverFreeAtSlots => "never_free_at_slots",
            UnmetReason::WorkshopNotOpened => "workshop_not_opened",
            UnmetReason::GroupsFull => "groups_full",
            UnmetReason::WorkshopClash => "workshop_clash",
            UnmetReason::NoGroupWhenFree => "no_group_when_free",
        }
    }
}

/// French, for coordinators.
impl fmt::Display for UnmetReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnmetReason::NoLanguage => "aucun référent ne parle la langue de la famille",
            UnmetReason::NoSector => "aucun secteur de référent ne couvre la famille",
            UnmetReason::NoLanguageInSector => {
                "aucun référent du secteur ne parle la langue de la famille"
            }
            UnmetReason::Capacity => {
                "les référents possibles ont tous atteint leur charge maximale"
            }
            UnmetReason::NoVisitPossible => {
                "aucune référente ne peut la voir : ses disponibilités ne rencontrent les horaires \
                 d'aucune le temps d'une visite, trajet compris"
            }
            UnmetReason::NoVisitAllowed => {
                "seules des référentes qui ne peuvent pas la suivre (langue, secteur) ont des \
                 horaires qui rencontrent ses disponibilités le temps d'une visite, trajet compris"
            }
            UnmetReason::NoCompatibleWindow => "aucune plage horaire compatible",
            UnmetReason::NoAllowedVehicle => "aucun véhicule autorisé",
            UnmetReason::TooLarge => "demande supérieure à la capacité",
            UnmetReason::NotWorthIt => {
                "pas de place dans les tournées à un coût moindre que sa pénalité"
            }
            UnmetReason::NoWorkingDay => "la référente ne travaille aucun jour cette semaine",
            UnmetReason::NoCommonSlot => {
                "aucun créneau commun entre les disponibilités de la famille et les horaires de la référente"
            }
            UnmetReason::WeekFull => {
                "plus de créneau libre dans la semaine de la référente aux heures où la famille est disponible"
            }
            UnmetReason::FixedClash => "rendez-vous fixé en conflit avec un autre rendez-vous fixé",
            UnmetReason::DayOff => {
                "la référente ne travaille pas ce jour-là (jour non travaillé, férié ou absence)"
            }
            UnmetReason::SiteClosed => {
                "le lieu de rencontre est fermé aux heures où la famille est disponible et où la référente travaille"
            }
            UnmetReason::OnlyOnClosedDays => {
                "la famille n'est disponible que les jours où la référente ne travaille pas cette semaine (férié ou absence)"
            }
            UnmetReason::NotOnOpenDays => {
                "la famille n'est disponible que des jours où la visite ne peut pas avoir lieu (trop tôt après la précédente, ou jours non revus)"
            }
            UnmetReason::NoCommonMeetingSlot => "aucun créneau commun entre les membres requis",
            UnmetReason::NoMeetingSite => {
                "aucun lieu de l'EPS ouvert et assez grand quand les membres requis sont tous disponibles"
            }
            UnmetReason::MembersAway => {
                "les créneaux communs de sa période tombent pendant des indisponibilités"
            }
            UnmetReason::SlotsTaken => {
                "les créneaux communs de sa période sont pris par d'autres réunions de ses membres ou de ses lieux"
            }
            UnmetReason::NoPeriodLeft => "plus de période libre dans l'année pour cette réunion",
            UnmetReason::OutsideAgeRange => "l'âge de l'enfant est hors de la tranche d'âge de l'action",
            UnmetReason::TooFarFromSites => "tous les lieux de l'action sont trop loin du domicile",
            UnmetReason::OrientedTooLate => "orientation postérieure au début du dernier groupe possible",
            UnmetReason::NeverFreeAtSlots => "aucun créneau possible de l'action pendant le temps libre de l'enfant",
            UnmetReason::WorkshopNotOpened => "l'action n'ouvre aucun groupe",
            UnmetReason::GroupsFull => "les groupes où l'enfant pourrait aller sont complets",
            UnmetReason::WorkshopClash => "l'enfant est inscrit·e à une autre action au même moment",
            UnmetReason::NoGroupWhenFree => "aucun groupe de l'action quand l'enfant est libre, assez près de chez elle",
            UnmetReason::AgendaFull => {
                "les créneaux communs avec la famille sont pris par l'agenda de la référente (réunions, formations, visites fixées)"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_distinct_key_and_a_distinct_french_text() {
        let mut keys: Vec<&str> = UnmetReason::ALL.iter().map(|r| r.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), UnmetReason::ALL.len());
        let mut texts: Vec<String> = UnmetReason::ALL.iter().map(|r| r.to_string()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), UnmetReason::ALL.len());
        assert_eq!(
            UnmetReason::NoWorkingDay.to_string(),
            "la référente ne travaille aucun jour cette semaine"
        );
    }
}

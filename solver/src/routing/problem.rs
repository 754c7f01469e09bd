//! The vehicle-routing problem with time windows that every référent's week and every driver's
//! day reduces to: [`Problem`], validated once by [`Problem::new`], then read-only.
//!
//! Times are integers in the problem's time unit (minutes for Parcours' plans, tenths of a
//! distance unit for the Solomon benchmark), measured from an origin the caller chooses (the
//! Monday 00:00 of the planned week). Travel comes from a [`TravelTimes`] source, copied into a
//! dense matrix.

use std::fmt;

use crate::error::InputError;
use crate::ids::LocationIdx;
use crate::travel::TravelTimes;
use crate::units::{Cost, Meters, Minutes};

/// A closed interval of time `[start, end]`: a service may *start* at any instant in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeWindow {
    /// Earliest start.
    pub start: Minutes,
    /// Latest start.
    pub end: Minutes,
}

impl TimeWindow {
    /// The window `[start, end]` (validated by [`Problem::new`]).
    pub const fn new(start: Minutes, end: Minutes) -> TimeWindow {
        TimeWindow { start, end }
    }
}

/// A break the vehicle must take once, anywhere in its route (a référent's lunch): it starts
/// inside `window` and lasts `duration`, at the place where the vehicle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// When the break may start.
    pub window: TimeWindow,
    /// How long it lasts.
    pub duration: Minutes,
}

/// One vehicle: a référent's working day or a driver's shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vehicle {
    /// Where the route starts.
    pub start: LocationIdx,
    /// Where the route ends.
    pub end: LocationIdx,
    /// The vehicle leaves `start` no earlier than `shift.start` and is back at `end` no later
    /// than `shift.end`.
    pub shift: TimeWindow,
    /// Load it carries at once (seats, visits); demands add up along the route.
    pub capacity: i64,
    /// Longest time from leaving `start` to arriving at `end`, if limited.
    pub max_duration: Option<Minutes>,
    /// Break to take somewhere in the route, if any.
    pub lunch: Option<Break>,
    /// Cost of using the vehicle at all.
    pub fixed_cost: Cost,
}

/// Where a pinned visit must stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    /// The vehicle (index into [`Problem::vehicles`]).
    pub vehicle: usize,
    /// Its position among the vehicle's visits (0 = first), when fixed too.
    pub position: Option<usize>,
}

/// One visit: a family at home or at a neutral site, a pickup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Where it happens.
    pub location: LocationIdx,
    /// How long it lasts on site.
    pub service: Minutes,
    /// Load it adds to its vehicle (1 for a home visit, the seats a ride needs).
    pub demand: i64,
    /// When it may start: one or several windows, sorted and disjoint (e.g. Tuesday morning or
    /// Thursday after school). Never empty.
    pub windows: Vec<TimeWindow>,
    /// The vehicles that may make it (language spoken, the family's référent); `None` for any.
    pub allowed_vehicles: Option<Vec<usize>>,
    /// The cost of leaving it out; `None` when it must be made.
    pub penalty: Option<Cost>,
    /// Where it must stay, when pinned.
    pub pin: Option<Pin>,
}

/// How travel is weighed in the objective: cost = `per_minute` × minutes + `per_meter` × metres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Cost of one time unit of travel.
    pub per_minute: i64,
    /// Cost of one distance unit of travel.
    pub per_meter: i64,
}

/// A validated routing problem: vehicles, visits, the dense travel matrix and the weights.
#[derive(Debug, Clone)]
pub struct Problem {
    vehicles: Vec<Vehicle>,
    visits: Vec<Visit>,
    locations: usize,
    /// Travel time and distance of each leg, side by side (one cache line serves both), in
    /// 32 bits (half the memory of the matrix, which on large instances outgrows the caches).
    legs: Vec<[i32; 2]>,
    weights: Weights,
}

fn invalid(
    item: &'static str,
    index: usize,
    field: &'static str,
    message: impl fmt::Display,
) -> InputError {
    InputError::new(item, index, field, message.to_string())
}

fn check_window(
    item: &'static str,
    index: usize,
    field: &'static str,
    w: TimeWindow,
) -> Result<(), InputError> {
    if w.end < w.start {
        return Err(invalid(
            item,
            index,
            field,
            format!(
                "la plage finit ({}) avant de commencer ({})",
                w.end.0, w.start.0
            ),
        ));
    }
    Ok(())
}

impl Problem {
    /// Validates and builds a problem; `travel` must cover every location used.
    ///
    /// # Errors
    /// [`InputError`] naming the visit or vehicle and the field: a window that ends before it
    /// starts, overlapping or unsorted windows, no window, a negative duration, demand,
    /// capacity or weight, an allowed vehicle that does not exist, a pin on a vehicle that does
    /// not exist or outside the allowed ones, a location beyond the matrix; or naming the
    /// travel data (`"trajets"`) for an empty matrix, negative weights or a leg too long.
    pub fn new(
        vehicles: Vec<Vehicle>,
        visits: Vec<Visit>,
        travel: &dyn TravelTimes,
        weights: Weights,
    ) -> Result<Problem, InputError> {
        let locations = travel.len();
        if locations == 0 {
            return Err(invalid("trajets", 0, "lieux", "aucun lieu"));
        }
        if weights.per_minute < 0 || weights.per_meter < 0 {
            return Err(invalid("trajets", 0, "poids", "poids négatif"));
        }
        let check_location = |item, index, field, loc: LocationIdx| {
            if loc.index() >= locations {
                Err(invalid(
                    item,
                    index,
                    field,
                    format!("lieu {loc} hors de la matrice de trajets ({locations} lieux)"),
                ))
            } else {
                Ok(())
            }
        };
        for (i, v) in vehicles.iter().enumerate() {
            let item = "véhicule";
            check_location(item, i, "départ", v.start)?;
            check_location(item, i, "arrivée", v.end)?;
            check_window(item, i, "horaires", v.shift)?;
            if v.capacity < 0 {
                return Err(invalid(item, i, "capacité", "capacité négative"));
            }
            if let Some(d) = v.max_duration
                && d.is_negative()
            {
                return Err(invalid(
                    item,
                    i,
                    "durée maximale",
                    "durée maximale négative",
                ));
            }
            if let Some(lunch) = v.lunch {
                check_window(item, i, "pause", lunch.window)?;
                if lunch.duration.is_negative() {
                    return Err(invalid(item, i, "pause", "pause de durée négative"));
                }
            }
            if v.fixed_cost.is_negative() {
                return Err(invalid(item, i, "coût fixe", "coût fixe négatif"));
            }
        }
        for (i, v) in visits.iter().enumerate() {
            let item = "visite";
            check_location(item, i, "lieu", v.location)?;
            if v.service.is_negative() {
                return Err(invalid(item, i, "durée", "durée négative"));
            }
            if v.demand < 0 {
                return Err(invalid(item, i, "demande", "demande négative"));
            }
            if v.windows.is_empty() {
                return Err(invalid(item, i, "plages", "aucune plage horaire"));
            }
            for w in &v.windows {
                check_window(item, i, "plages", *w)?;
            }
            if v.windows
                .windows(2)
                .any(|pair| pair[1].start <= pair[0].end)
            {
                return Err(invalid(
                    item,
                    i,
                    "plages",
                    "plages non triées ou qui se chevauchent",
                ));
            }
            if let Some(allowed) = &v.allowed_vehicles
                && let Some(bad) = allowed.iter().find(|k| **k >= vehicles.len())
            {
                return Err(invalid(
                    item,
                    i,
                    "véhicules permis",
                    format!("véhicule {bad} inconnu ({} véhicules)", vehicles.len()),
                ));
            }
            if let Some(p) = v.penalty
                && p.is_negative()
            {
                return Err(invalid(item, i, "pénalité", "pénalité négative"));
            }
            if let Some(pin) = v.pin {
                if pin.vehicle >= vehicles.len() {
                    return Err(invalid(
                        item,
                        i,
                        "épingle",
                        format!("véhicule {} inconnu", pin.vehicle),
                    ));
                }
                if v.allowed_vehicles
                    .as_ref()
                    .is_some_and(|a| !a.contains(&pin.vehicle))
                {
                    return Err(invalid(
                        item,
                        i,
                        "épingle",
                        format!(
                            "épinglée sur le véhicule {}, qui ne lui est pas permis",
                            pin.vehicle
                        ),
                    ));
                }
            }
        }
        let mut legs = Vec::with_capacity(locations * locations);
        for from in 0..locations {
            for to in 0..locations {
                let leg = travel.leg(LocationIdx::new(from), LocationIdx::new(to));
                let (Ok(minutes), Ok(meters)) =
                    (i32::try_from(leg.minutes.0), i32::try_from(leg.meters.0))
                else {
                    return Err(invalid(
                        "trajets",
                        from,
                        "durée",
                        format!(
                            "trajet du lieu {from} au lieu {to} trop long ({} min, {} m)",
                            leg.minutes.0, leg.meters.0
                        ),
                    ));
                };
                legs.push([minutes, meters]);
            }
        }
        Ok(Problem {
            vehicles,
            visits,
            locations,
            legs,
            weights,
        })
    }

    /// The vehicles.
    pub fn vehicles(&self) -> &[Vehicle] {
        &self.vehicles
    }

    /// The visits.
    pub fn visits(&self) -> &[Visit] {
        &self.visits
    }

    /// The weights of the objective.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// Number of locations of the matrix.
    pub fn locations(&self) -> usize {
        self.locations
    }

    /// Travel time from `from` to `to`.
    pub fn minutes(&self, from: LocationIdx, to: LocationIdx) -> Minutes {
        Minutes(i64::from(
            self.legs[from.index() * self.locations + to.index()][0],
        ))
    }

    /// Travel distance from `from` to `to`.
    pub fn meters(&self, from: LocationIdx, to: LocationIdx) -> Meters {
        Meters(i64::from(
            self.legs[from.index() * self.locations + to.index()][1],
        ))
    }

    /// Weighted travel cost from `from` to `to`.
    pub fn travel_cost(&self, from: LocationIdx, to: LocationIdx) -> Cost {
        let i = from.index() * self.locations + to.index();
        let [minutes, meters] = self.legs[i];
        Cost(
            self.weights.per_minute * i64::from(minutes)
                + self.weights.per_meter * i64::from(meters),
        )
    }

    /// Whether `vehicle` may make `visit`.
    pub fn allows(&self, visit: usize, vehicle: usize) -> bool {
        self.visits[visit]
            .allowed_vehicles
            .as_ref()
            .is_none_or(|allowed| allowed.contains(&vehicle))
    }
}

/// One vehicle's route in a solution: its visits in order, and when the break starts (after how
/// many visits), if the vehicle has one and is used.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Route {
    /// Visit indices, in the order made.
    pub visits: Vec<usize>,
    /// The break is taken after this many visits (0 = before the first), if any.
    pub break_after: Option<usize>,
}

//! Travel between locations: the [`TravelTimes`] trait, the straight-line [`GeoEstimator`] and
//! the precomputed [`TravelMatrix`] with imported overrides.
//!
//! Every algorithm reads travel through [`TravelTimes`] only (STYLE.md §2, VROOM's
//! `routing/wrapper.h`) and does not know whether the numbers come from the estimator or from an
//! imported matrix. Parsing an imported matrix (`trajets.csv`) is the app's import's job.

use crate::ids::LocationIdx;
use crate::units::{Meters, Minutes};

/// One directed trip by car between two locations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Leg {
    /// Driving time, door to door.
    pub minutes: Minutes,
    /// Road distance.
    pub meters: Meters,
}

impl Leg {
    /// No travel: the leg from a location to itself.
    pub const ZERO: Leg = Leg {
        minutes: Minutes::ZERO,
        meters: Meters::ZERO,
    };

    /// A leg of `minutes` and `meters`.
    pub const fn new(minutes: Minutes, meters: Meters) -> Leg {
        Leg { minutes, meters }
    }
}

/// Travel time and distance between the locations `0..len()` of a problem.
///
/// Implementations guarantee that `leg(a, a)` is [`Leg::ZERO`] and that no leg is negative.
/// Legs may be asymmetric (one-way streets in an imported matrix).
pub trait TravelTimes {
    /// The trip from `from` to `to`. Both must be below [`len`](TravelTimes::len);
    /// implementations may panic otherwise (a validated problem never asks).
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg;

    /// Number of locations.
    fn len(&self) -> usize;

    /// Whether there are no locations.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Driving time from `from` to `to`.
    fn minutes(&self, from: LocationIdx, to: LocationIdx) -> Minutes {
        self.leg(from, to).minutes
    }
}

/// Invalid travel data: a matrix of the wrong size, a negative leg, an impossible coordinate.
/// The French `Display` names the location and field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatrixError {
    /// A dense matrix was given the wrong number of legs.
    #[error(
        "matrice de trajets de {locations} lieux : {expected} trajets attendus \
         ({locations} × {locations}), {actual} reçus"
    )]
    WrongSize {
        /// Number of locations.
        locations: usize,
        /// `locations²`.
        expected: usize,
        /// Number of legs given.
        actual: usize,
    },
    /// A leg refers to a location index outside the matrix.
    #[error("trajet {from} → {to} : lieu hors de la matrice de {locations} lieux")]
    OutOfRange {
        /// Origin index.
        from: usize,
        /// Destination index.
        to: usize,
        /// Number of locations.
        locations: usize,
    },
    /// A leg has negative minutes or metres.
    #[error("trajet {from} → {to} : durée ou distance négative ({leg_min} min, {leg_m} m)")]
    NegativeLeg {
        /// Origin index.
        from: usize,
        /// Destination index.
        to: usize,
        /// Minutes given.
        leg_min: i64,
        /// Metres given.
        leg_m: i64,
    },
    /// A leg from a location to itself is not zero.
    #[error("trajet du lieu {location} vers lui-même : il doit valoir 0 minute et 0 mètre")]
    SelfLegNotZero {
        /// Location index.
        location: usize,
    },
    /// A coordinate is not a finite number of degrees in range.
    #[error("lieu {location}, champ {field} : « {value} » hors de [{min}, {max}] degrés")]
    BadCoordinate {
        /// Location index.
        location: usize,
        /// `"latitude"` or `"longitude"`.
        field: &'static str,
        /// The value given.
        value: f64,
        /// Lowest allowed value, degrees.
        min: f64,
        /// Highest allowed value, degrees.
        max: f64,
    },
}

/// Straight-line estimate of road travel, for when no routed matrix exists (DOMAIN.md §10-11):
/// road metres = great-circle distance × [`DETOUR_FACTOR`](GeoEstimator::DETOUR_FACTOR);
/// minutes = [`FIXED_MIN`](GeoEstimator::FIXED_MIN) + road km at
/// [`SPEED_KMH`](GeoEstimator::SPEED_KMH), rounded to the nearest minute. This is the formula of
/// `fixtures/reference/commune_travel_estimates.csv`, reproduced exactly by the tests.
///
/// One detour factor is used at all distances; DOMAIN.md §10 notes that hops under 2 km are
/// more circuitous (ratios 1.0–2.9 on a local check), which the fixed 5 minutes partly absorbs.
/// The leg from a location to itself is zero; two distinct locations at the same point are
/// `FIXED_MIN` apart.
#[derive(Debug, Clone)]
pub struct GeoEstimator {
    /// (latitude, longitude) in radians, per location.
    points_rad: Vec<(f64, f64)>,
}

impl GeoEstimator {
    /// Mean Earth radius R₁ of the IUGG (Moritz, *Geodetic Reference System 1980*), km.
    pub const EARTH_RADIUS_KM: f64 = 6371.0088;
    /// Road distance over straight-line distance: the average radial detour across 300
    /// European cities (Environment and Planning B, 2023; DOMAIN.md §10).
    pub const DETOUR_FACTOR: f64 = 1.343;
    /// Average door-to-door car speed of 10–20 km local trips, km/h (EMP 2019 mobility survey;
    /// DOMAIN.md §10).
    pub const SPEED_KMH: f64 = 36.0;
    /// Fixed minutes added to every trip between distinct locations for parking and walking to
    /// the door: an assumption (DOMAIN.md §10, marked \[A\]), not a measurement.
    pub const FIXED_MIN: f64 = 5.0;

    /// An estimator over `points`, (latitude, longitude) in degrees, indexed by
    /// [`LocationIdx`].
    ///
    /// # Errors
    ///
    /// [`MatrixError::BadCoordinate`] naming the first location whose latitude is not a finite
    /// number in [−90, 90] or whose longitude is not in [−180, 180].
    pub fn new(points: Vec<(f64, f64)>) -> Result<GeoEstimator, MatrixError> {
        let mut points_rad = Vec::with_capacity(points.len());
        for (location, (lat, lon)) in points.into_iter().enumerate() {
            check_degrees(location, "latitude", lat, 90.0)?;
            check_degrees(location, "longitude", lon, 180.0)?;
            points_rad.push((lat.to_radians(), lon.to_radians()));
        }
        Ok(GeoEstimator { points_rad })
    }

    /// Great-circle (haversine) distance between two locations, km.
    pub fn straight_km(&self, from: LocationIdx, to: LocationIdx) -> f64 {
        let (lat1, lon1) = self.points_rad[from.index()];
        let (lat2, lon2) = self.points_rad[to.index()];
        let half_dlat = ((lat2 - lat1) / 2.0).sin();
        let half_dlon = ((lon2 - lon1) / 2.0).sin();
        let h = half_dlat * half_dlat + lat1.cos() * lat2.cos() * half_dlon * half_dlon;
        // `min(1.0)` guards asin against rounding just above 1 for antipodal points.
        2.0 * Self::EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

fn check_degrees(
    location: usize,
    field: &'static str,
    value: f64,
    bound: f64,
) -> Result<(), MatrixError> {
    if value.is_finite() && (-bound..=bound).contains(&value) {
        Ok(())
    } else {
        Err(MatrixError::BadCoordinate {
            location,
            field,
            value,
            min: -bound,
            max: bound,
        })
    }
}

impl GeoEstimator {
    /// The leg from `from` to `to` for a trip of `fixed` minutes plus the road distance at
    /// `speed_kmh`.
    fn estimate(&self, from: LocationIdx, to: LocationIdx, fixed: f64, speed_kmh: f64) -> Leg {
        if from == to {
            return Leg::ZERO;
        }
        let road_km = self.straight_km(from, to) * Self::DETOUR_FACTOR;
        let minutes = fixed + road_km / speed_kmh * 60.0;
        // Rounded once, here (STYLE.md §7). Both values are ≥ 0 and far below i64::MAX (at most
        // half the Earth's circumference), so the casts are exact.
        Leg {
            minutes: Minutes(minutes.round() as i64),
            meters: Meters((road_km * 1000.0).round() as i64),
        }
    }
}

impl TravelTimes for GeoEstimator {
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg {
        self.estimate(from, to, Self::FIXED_MIN, Self::SPEED_KMH)
    }

    fn len(&self) -> usize {
        self.points_rad.len()
    }
}

/// How a person travels, for [`ModeEstimator`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// By car: [`GeoEstimator`] as it is.
    Car,
    /// By bus or tram.
    PublicTransport,
    /// By bicycle.
    Bike,
    /// On foot.
    Walk,
}

impl Mode {
    /// Fixed minutes per trip and door-to-door speed (km/h) over the road distance.
    ///
    /// Car: [`GeoEstimator`]'s 5 min and 36 km/h (DOMAIN.md §10). The others are assumptions
    /// (DOMAIN.md marks them \[A\]), to be replaced by an imported matrix: public transport,
    /// 12 min to walk to the stop and wait, then 18 km/h (an urban bus or tram's commercial
    /// speed, stops included); bicycle, 3 min and 15 km/h; on foot, 1 min and 4.5 km/h.
    pub const fn fixed_and_speed(self) -> (f64, f64) {
        match self {
            Mode::Car => (GeoEstimator::FIXED_MIN, GeoEstimator::SPEED_KMH),
            Mode::PublicTransport => (12.0, 18.0),
            Mode::Bike => (3.0, 15.0),
            Mode::Walk => (1.0, 4.5),
        }
    }
}

/// [`GeoEstimator`]'s road distance with the time of a travel [`Mode`], or measured drives
/// where they are known.
#[derive(Debug, Clone)]
pub struct ModeEstimator {
    geo: GeoEstimator,
    mode: Mode,
    measured: std::sync::Arc<std::collections::BTreeMap<(LocationIdx, LocationIdx), Leg>>,
}

impl ModeEstimator {
    /// The estimator of `mode` over `geo`'s points.
    pub fn new(geo: GeoEstimator, mode: Mode) -> ModeEstimator {
        ModeEstimator {
            geo,
            mode,
            measured: std::sync::Arc::default(),
        }
    }

    /// The same, with drives measured by a routing engine (time and road distance by car,
    /// from → to): by car a measured leg is taken as it is; in another mode its road distance
    /// replaces the estimated one and the mode's speed gives the time.
    pub fn with_measured(
        self,
        measured: std::sync::Arc<std::collections::BTreeMap<(LocationIdx, LocationIdx), Leg>>,
    ) -> ModeEstimator {
        ModeEstimator { measured, ..self }
    }
}

impl TravelTimes for ModeEstimator {
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg {
        let (fixed, speed) = self.mode.fixed_and_speed();
        match (self.measured.get(&(from, to)), self.mode) {
            (Some(&leg), Mode::Car) => leg,
            (Some(&leg), _) => Leg {
                minutes: Minutes(
                    (fixed + leg.meters.0 as f64 / 1000.0 / speed * 60.0).round() as i64,
                ),
                meters: leg.meters,
            },
            (None, _) => self.geo.estimate(from, to, fixed, speed),
        }
    }

    fn len(&self) -> usize {
        self.geo.len()
    }
}

/// A dense, precomputed `n × n` table of legs, row-major by origin: O(1) lookups for the
/// search's hot loops, built once from any [`TravelTimes`] source and then corrected with an
/// imported matrix where it has data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TravelMatrix {
    locations: usize,
    legs: Vec<Leg>,
}

impl TravelMatrix {
    /// A matrix of `locations` locations from `legs`, row-major (`legs[from * n + to]`).
    ///
    /// # Errors
    ///
    /// [`MatrixError::WrongSize`] unless there are exactly `locations²` legs,
    /// [`MatrixError::NegativeLeg`] for a negative leg, [`MatrixError::SelfLegNotZero`] for a
    /// non-zero diagonal.
    pub fn new(locations: usize, legs: Vec<Leg>) -> Result<TravelMatrix, MatrixError> {
        let expected = locations.saturating_mul(locations);
        if legs.len() != expected {
            return Err(MatrixError::WrongSize {
                locations,
                expected,
                actual: legs.len(),
            });
        }
        for (i, leg) in legs.iter().enumerate() {
            check_leg(i / locations, i % locations, *leg)?;
        }
        Ok(TravelMatrix { locations, legs })
    }

    /// Precomputes every leg of `source`.
    pub fn from_source(source: &dyn TravelTimes) -> TravelMatrix {
        let n = source.len();
        let legs = (0..n)
            .flat_map(|from| {
                (0..n).map(move |to| source.leg(LocationIdx::new(from), LocationIdx::new(to)))
            })
            .collect();
        TravelMatrix { locations: n, legs }
    }

    /// The same matrix where each of `overrides` (from, to, leg) replaces the leg for that
    /// directed pair only: an imported matrix wins where it has the pair, and the reverse
    /// direction keeps its own value. Later overrides of the same pair win.
    ///
    /// # Errors
    ///
    /// [`MatrixError::OutOfRange`] for an index outside the matrix,
    /// [`MatrixError::NegativeLeg`] for a negative leg, [`MatrixError::SelfLegNotZero`] for a
    /// non-zero leg from a location to itself.
    pub fn with_overrides(
        mut self,
        overrides: impl IntoIterator<Item = (LocationIdx, LocationIdx, Leg)>,
    ) -> Result<TravelMatrix, MatrixError> {
        for (from, to, leg) in overrides {
            let (f, t) = (from.index(), to.index());
            if f >= self.locations || t >= self.locations {
                return Err(MatrixError::OutOfRange {
                    from: f,
                    to: t,
                    locations: self.locations,
                });
            }
            check_leg(f, t, leg)?;
            self.legs[f * self.locations + t] = leg;
        }
        Ok(self)
    }
}

fn check_leg(from: usize, to: usize, leg: Leg) -> Result<(), MatrixError> {
    if leg.minutes.is_negative() || leg.meters.is_negative() {
        return Err(MatrixError::NegativeLeg {
            from,
            to,
            leg_min: leg.minutes.get(),
            leg_m: leg.meters.get(),
        });
    }
    if from == to && leg != Leg::ZERO {
        return Err(MatrixError::SelfLegNotZero { location: from });
    }
    Ok(())
}

impl TravelTimes for TravelMatrix {
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg {
        debug_assert!(from.index() < self.locations && to.index() < self.locations);
        self.legs[from.index() * self.locations + to.index()]
    }

    fn len(&self) -> usize {
        self.locations
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const COMMUNES: &str = include_str!("../../fixtures/reference/communes.csv");
    const ESTIMATES: &str = include_str!("../../fixtures/reference/commune_travel_estimates.csv");

    /// Splits a comma-separated line, honouring `"…"` quotes with `""` escapes.
    fn csv_fields(line: &str) -> Vec<String> {
        let mut fields = vec![String::new()];
        let mut in_quotes = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if in_quotes && chars.peek() == Some(&'"') => {
                    chars.next();
                    fields.last_mut().unwrap().push('"');
                }
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => fields.push(String::new()),
                c => fields.last_mut().unwrap().push(c),
            }
        }
        fields
    }

    /// Rows of a CSV text as maps from column name to value.
    fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = csv_fields(lines.next().unwrap());
        lines
            .map(|line| {
                let fields = csv_fields(line);
                assert_eq!(fields.len(), header.len(), "{line}");
                header.iter().cloned().zip(fields).collect()
            })
            .collect()
    }

    /// The reference communes: INSEE code → index, and the estimator over them.
    fn reference_communes() -> (BTreeMap<String, LocationIdx>, GeoEstimator) {
        let rows = csv_rows(COMMUNES);
        let codes = rows
            .iter()
            .enumerate()
            .map(|(i, row)| (row["insee"].clone(), LocationIdx::new(i)))
            .collect();
        let points = rows
            .iter()
            .map(|row| (row["lat"].parse().unwrap(), row["lon"].parse().unwrap()))
            .collect();
        (codes, GeoEstimator::new(points).unwrap())
    }

    fn idx(i: usize) -> LocationIdx {
        LocationIdx::new(i)
    }

    fn leg(minutes: i64, meters: i64) -> Leg {
        Leg::new(Minutes(minutes), Meters(meters))
    }

    #[test]
    fn the_estimator_reproduces_the_reference_commune_table() {
        // Arrange
        let (codes, estimator) = reference_communes();
        let pairs = csv_rows(ESTIMATES);
        assert_eq!(pairs.len(), 210);

        for pair in &pairs {
            // Act
            let (from, to) = (codes[&pair["from_insee"]], codes[&pair["to_insee"]]);
            let leg = estimator.leg(from, to);

            // Assert
            let name = format!("{} → {}", pair["from_name"], pair["to_name"]);
            let minutes: i64 = pair["est_drive_min"].parse().unwrap();
            assert_eq!(leg.minutes, Minutes(minutes), "{name}");
            let road_km: f64 = pair["est_road_km"].parse().unwrap();
            let got_km = leg.meters.get() as f64 / 1000.0;
            assert!((got_km - road_km).abs() <= 0.01, "{name}: {got_km} km");
            let straight: f64 = pair["straight_km"].parse().unwrap();
            assert!(
                (estimator.straight_km(from, to) - straight).abs() <= 0.01,
                "{name}"
            );
        }
    }

    #[test]
    fn the_estimator_is_symmetric_with_a_zero_diagonal() {
        let (_, estimator) = reference_communes();
        let matrix = TravelMatrix::from_source(&estimator);
        assert_eq!(matrix.len(), estimator.len());
        for a in 0..estimator.len() {
            assert_eq!(estimator.leg(idx(a), idx(a)), Leg::ZERO);
            assert_eq!(matrix.leg(idx(a), idx(a)), Leg::ZERO);
            for b in 0..estimator.len() {
                assert_eq!(estimator.leg(idx(a), idx(b)), estimator.leg(idx(b), idx(a)));
                assert_eq!(matrix.leg(idx(a), idx(b)), estimator.leg(idx(a), idx(b)));
            }
        }
    }

    #[test]
    fn distinct_places_at_the_same_point_are_the_fixed_minutes_apart() {
        let estimator = GeoEstimator::new(vec![(50.35909, 3.52506); 2]).unwrap();
        assert_eq!(estimator.leg(idx(0), idx(1)), leg(5, 0));
    }

    #[test]
    fn an_impossible_latitude_is_rejected_naming_the_location_and_field() {
        let err = GeoEstimator::new(vec![(50.0, 3.0), (95.0, 3.0)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "lieu 1, champ latitude : « 95 » hors de [-90, 90] degrés"
        );
        assert!(GeoEstimator::new(vec![(50.0, f64::NAN)]).is_err());
    }

    #[test]
    fn an_override_wins_only_for_its_directed_pair() {
        // Arrange
        let estimator = GeoEstimator::new(vec![
            (50.35909, 3.52506),
            (50.37201, 3.50387),
            (50.45436, 3.58884),
        ])
        .unwrap();
        let base = TravelMatrix::from_source(&estimator);

        // Act
        let matrix = base
            .clone()
            .with_overrides([(idx(0), idx(1), leg(17, 4200))])
            .unwrap();

        // Assert
        assert_eq!(matrix.leg(idx(0), idx(1)), leg(17, 4200));
        assert_eq!(matrix.leg(idx(1), idx(0)), base.leg(idx(1), idx(0)));
        for a in 0..3 {
            for b in 0..3 {
                if (a, b) != (0, 1) {
                    assert_eq!(matrix.leg(idx(a), idx(b)), base.leg(idx(a), idx(b)));
                }
            }
        }
    }

    #[test]
    fn a_matrix_of_the_wrong_size_names_expected_and_actual_sizes() {
        let err = TravelMatrix::new(3, vec![Leg::ZERO; 8]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "matrice de trajets de 3 lieux : 9 trajets attendus (3 × 3), 8 reçus"
        );
    }

    #[test]
    fn a_matrix_rejects_negative_legs_and_a_non_zero_diagonal() {
        let mut legs = vec![Leg::ZERO; 4];
        legs[1] = leg(-1, 10);
        assert!(matches!(
            TravelMatrix::new(2, legs.clone()),
            Err(MatrixError::NegativeLeg { from: 0, to: 1, .. })
        ));
        legs[1] = leg(1, 10);
        legs[3] = leg(1, 0);
        assert_eq!(
            TravelMatrix::new(2, legs),
            Err(MatrixError::SelfLegNotZero { location: 1 })
        );
    }

    #[test]
    fn a_valid_matrix_answers_each_directed_pair() {
        let legs = vec![Leg::ZERO, leg(7, 2000), leg(9, 2100), Leg::ZERO];
        let matrix = TravelMatrix::new(2, legs).unwrap();
        assert_eq!(matrix.minutes(idx(0), idx(1)), Minutes(7));
        assert_eq!(matrix.minutes(idx(1), idx(0)), Minutes(9));
        assert!(!matrix.is_empty());
    }

    #[test]
    fn an_override_outside_the_matrix_is_rejected() {
        let matrix = TravelMatrix::new(1, vec![Leg::ZERO]).unwrap();
        assert_eq!(
            matrix.with_overrides([(idx(0), idx(2), leg(1, 1))]),
            Err(MatrixError::OutOfRange {
                from: 0,
                to: 2,
                locations: 1
            })
        );
    }
}

//! Geographic points (WGS84), checked to lie in metropolitan France, and the travel times
//! measured between located records.

use std::fmt;

use super::{Code, FieldError};

/// A travel time between two located records, imported from a routing engine (`trajets.csv`);
/// it wins over Parcours' estimate where it has the pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TravelOverride {
    /// Code of the origin: a commune (INSEE code), QPV, school, site, référent, family or driver.
    pub from: Code,
    /// Code of the destination, same kinds as `from`.
    pub to: Code,
    /// Drive time, in minutes.
    pub minutes: u32,
    /// Road distance, in metres.
    pub metres: u32,
}

/// A point in decimal degrees, inside metropolitan France (Corsica included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

/// Bounding box of metropolitan France with Corsica, with a small margin.
const LAT_RANGE: (f64, f64) = (41.2, 51.2);
const LON_RANGE: (f64, f64) = (-5.3, 9.7);

impl GeoPoint {
    /// A point from latitude and longitude.
    ///
    /// # Errors
    /// When the point lies outside metropolitan France (a swapped latitude and longitude is the
    /// usual cause, and the message says so).
    pub fn new(lat: f64, lon: f64) -> Result<GeoPoint, FieldError> {
        let inside = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && v >= lo && v <= hi;
        if !inside(lat, LAT_RANGE) || !inside(lon, LON_RANGE) {
            let hint = if inside(lon, LAT_RANGE) && inside(lat, LON_RANGE) {
                " (latitude et longitude inversées ?)"
            } else {
                ""
            };
            return Err(FieldError::new(format!(
                "le point ({lat}, {lon}) est hors de France métropolitaine{hint}"
            )));
        }
        Ok(GeoPoint { lat, lon })
    }

    /// Parses one coordinate in decimal degrees, with a decimal point or a decimal comma.
    pub fn parse_degrees(text: &str) -> Result<f64, FieldError> {
        let t = text.trim().replace(',', ".");
        t.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                FieldError::new(format!(
                    "« {text} » n'est pas une coordonnée en degrés décimaux (ex. 50,3591)"
                ))
            })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }
}

impl fmt::Display for GeoPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.5}, {:.5}", self.lat, self.lon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_commas_are_read_as_excel_writes_them() {
        assert_eq!(GeoPoint::parse_degrees("50,35909").unwrap(), 50.35909);
        assert_eq!(GeoPoint::parse_degrees(" 3.52506 ").unwrap(), 3.52506);
        assert!(GeoPoint::parse_degrees("50°21'").is_err());
    }

    #[test]
    fn points_outside_france_are_rejected_and_swaps_are_pointed_out() {
        assert!(GeoPoint::new(50.359, 3.525).is_ok());
        assert!(GeoPoint::new(40.71, -74.0).is_err());
        let swapped = GeoPoint::new(3.525, 50.359).unwrap_err();
        assert!(swapped.to_string().contains("inversées"), "{swapped}");
    }
}

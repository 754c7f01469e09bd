//! VRPLIB text for the VRPTW benchmark (issue 4): [`parse`] an instance (the Solomon and
//! Gehring–Homberger files of CVRPLIB and PyVRP's `Instances`), turn it into a routing
//! [`Problem`] under the DIMACS convention ([`to_problem`]), and write a solution back in
//! VRPLIB form ([`write_solution`]).
//!
//! This module only reads and writes text: opening the files is the caller's job (STYLE.md §2).
//!
//! The DIMACS convention is the one of the best-known solutions in
//! `shared/data/vrptw/solomon/bks.csv` and of `shared/tools/vrptw-check/check.py`: the distance
//! between two nodes is their Euclidean distance truncated to one decimal, travel time equals
//! distance, and the objective is total distance. Everything is counted in integer tenths
//! ([`TENTHS`] per unit), so sums are exact: a leg is ⌊10 · euclid⌋ tenths, and windows and
//! service times are multiplied by ten. PyVRP's `read(…, round_func="dimacs")` computes the
//! same numbers.

use std::fmt::{self, Write as _};

use crate::ids::LocationIdx;
use crate::travel::{Leg, MatrixError, TravelMatrix};
use crate::units::{Cost, Meters, Minutes};

use super::problem::{Problem, Route, TimeWindow, Vehicle, Visit, Weights};

/// Tenths per unit of distance or time: the problem built by [`to_problem`] counts in tenths.
pub const TENTHS: i64 = 10;

/// Largest coordinate, time or service value accepted, in absolute value: far beyond any
/// benchmark, and small enough that every product and sum in tenths stays exact.
const MAX_VALUE: f64 = 1e9;

/// One node of an instance, as written in the file (units of the file, not tenths).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VrplibNode {
    /// Abscissa.
    pub x: f64,
    /// Ordinate.
    pub y: f64,
    /// Demand (0 for the depot).
    pub demand: i64,
    /// Earliest service start (for the depot: earliest departure).
    pub ready: f64,
    /// Latest service start (for the depot: latest return).
    pub due: f64,
    /// Service duration. The depot's is kept as read and ignored, as `check.py` and PyVRP do.
    pub service: f64,
}

/// A VRPTW instance read from VRPLIB text. Node 1 of the file (index 0 here) is the depot;
/// node `i + 2` is customer `i + 1` of a solution file and visit `i` of the [`Problem`].
#[derive(Debug, Clone, PartialEq)]
pub struct VrplibInstance {
    /// `NAME`, or empty when the file has none.
    pub name: String,
    /// `VEHICLES`: how many identical vehicles may be used, if the file says.
    pub vehicles: Option<usize>,
    /// `CAPACITY` of each vehicle, if the file says.
    pub capacity: Option<i64>,
    /// The `DIMENSION` nodes, depot first.
    pub nodes: Vec<VrplibNode>,
}

impl VrplibInstance {
    /// Number of customers (`DIMENSION` − 1).
    pub fn customers(&self) -> usize {
        self.nodes.len().saturating_sub(1)
    }

    /// Number of vehicles of the problem: `VEHICLES`, else one per customer (at least one).
    pub fn vehicle_count(&self) -> usize {
        self.vehicles.unwrap_or_else(|| self.customers().max(1))
    }

    /// Capacity of each vehicle: `CAPACITY`, else the total demand (no limit in effect).
    pub fn vehicle_capacity(&self) -> i64 {
        self.capacity.unwrap_or_else(|| {
            self.nodes
                .iter()
                .fold(0_i64, |sum, n| sum.saturating_add(n.demand))
        })
    }

    /// The DIMACS distance between nodes `from` and `to` (0-based, depot = 0), in tenths.
    ///
    /// # Panics
    /// If either index is not below `nodes.len()`.
    pub fn distance_tenths(&self, from: usize, to: usize) -> i64 {
        distance_tenths(&self.nodes[from], &self.nodes[to])
    }
}

/// Why a VRPLIB text was refused. The French `Display` names the line (1-based) and the field
/// (header key or section); the caller prefixes the file name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VrplibError {
    /// A line is malformed.
    #[error("ligne {line}, {field} : {message}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// Header key or section name (`"DIMENSION"`, `"TIME_WINDOW_SECTION"`).
        field: String,
        /// What is wrong, in French.
        message: String,
    },
    /// A field is missing or incomplete as a whole.
    #[error("{field} : {message}")]
    Field {
        /// Header key or section name.
        field: String,
        /// What is wrong, in French.
        message: String,
    },
    /// The problem built from the instance was refused (not expected for a parsed instance).
    #[error("{0}")]
    Problem(#[from] crate::error::InputError),
    /// The travel matrix was refused (not expected for a parsed instance).
    #[error("{0}")]
    Matrix(#[from] MatrixError),
}

fn line_error(line: usize, field: &str, message: impl fmt::Display) -> VrplibError {
    VrplibError::Line {
        line,
        field: field.to_owned(),
        message: message.to_string(),
    }
}

fn field_error(field: &str, message: impl fmt::Display) -> VrplibError {
    VrplibError::Field {
        field: field.to_owned(),
        message: message.to_string(),
    }
}

const COORDS: &str = "NODE_COORD_SECTION";
const DEMANDS: &str = "DEMAND_SECTION";
const WINDOWS: &str = "TIME_WINDOW_SECTION";
const SERVICES: &str = "SERVICE_TIME_SECTION";
const DEPOTS: &str = "DEPOT_SECTION";

/// The data sections this reader understands, in the order of [`Sections::rows`].
const SECTIONS: [&str; 5] = [COORDS, DEMANDS, WINDOWS, SERVICES, DEPOTS];

/// Header keys read as information only.
const IGNORED_KEYS: [&str; 4] = ["TYPE", "COMMENT", "NODE_COORD_TYPE", "DISPLAY_DATA_TYPE"];

/// One data line of a section: its line number and its whitespace-separated fields.
type Row<'a> = (usize, Vec<&'a str>);

/// The rows of each section, as read, before `DIMENSION` is known to be valid.
#[derive(Default)]
struct Sections<'a> {
    rows: [Vec<Row<'a>>; 5],
    /// Line where each section started, if it appeared.
    started: [Option<usize>; 5],
}

/// The header values.
#[derive(Default)]
struct Header {
    name: Option<String>,
    dimension: Option<usize>,
    vehicles: Option<usize>,
    capacity: Option<i64>,
    service_time: Option<(usize, f64)>,
}

/// Parses a VRPLIB VRPTW instance.
///
/// Understood: the header keys `NAME`, `DIMENSION`, `VEHICLES`, `CAPACITY`, `SERVICE_TIME` (one
/// service time for every customer), `EDGE_WEIGHT_TYPE` (must be `EUC_2D`), and `TYPE`,
/// `COMMENT`, `NODE_COORD_TYPE`, `DISPLAY_DATA_TYPE` (ignored); the sections
/// `NODE_COORD_SECTION`, `DEMAND_SECTION`, `TIME_WINDOW_SECTION`, `SERVICE_TIME_SECTION`,
/// `DEPOT_SECTION` (node 1 only, ended by `-1`); `EOF` (optional; anything after it is
/// ignored). Keys may be written `KEY : value` or `KEY: value`; fields are separated by spaces
/// or tabs; blank lines and Windows line ends are fine. Coordinates, windows and service times
/// may be decimal; demands, capacity and counts are integers.
///
/// # Errors
/// [`VrplibError::Line`] for a malformed line (unknown key or section, bad or out-of-range
/// number, wrong field count, node outside `1..=DIMENSION` or given twice, window that ends
/// before it starts, depot other than node 1); [`VrplibError::Field`] for a missing key or
/// section, or a section that does not give every node.
pub fn parse(text: &str) -> Result<VrplibInstance, VrplibError> {
    let mut header = Header::default();
    let mut sections = Sections::default();
    let mut current: Option<usize> = None;
    let mut depot_ended = false;

    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let first = trimmed.chars().next().unwrap_or(' ');
        let is_data = first.is_ascii_digit() || matches!(first, '-' | '+' | '.');
        if is_data {
            let Some(section) = current else {
                return Err(line_error(
                    line,
                    "données",
                    format!("ligne « {trimmed} » hors de toute section"),
                ));
            };
            let fields: Vec<&str> = trimmed.split_whitespace().collect();
            if SECTIONS[section] == DEPOTS {
                if depot_ended {
                    return Err(line_error(
                        line,
                        DEPOTS,
                        "donnée après le -1 qui termine la section",
                    ));
                }
                if fields == ["-1"] {
                    depot_ended = true;
                    continue;
                }
            }
            sections.rows[section].push((line, fields));
            continue;
        }

        // A keyword line ends the current section.
        current = None;
        let (key, value) = match trimmed.split_once(':') {
            Some((key, value)) => (key.trim(), Some(value.trim())),
            None => (trimmed, None),
        };
        if key == "EOF" {
            break;
        }
        if let Some(section) = SECTIONS.iter().position(|s| *s == key) {
            if let Some(first_line) = sections.started[section] {
                return Err(line_error(
                    line,
                    key,
                    format!("section déjà ouverte ligne {first_line}"),
                ));
            }
            sections.started[section] = Some(line);
            current = Some(section);
            continue;
        }
        if key.ends_with("_SECTION") {
            return Err(line_error(
                line,
                key,
                "section non prise en charge (ce lecteur ne lit que les instances VRPTW \
                 euclidiennes)",
            ));
        }
        let Some(value) = value else {
            return Err(line_error(
                line,
                key,
                "mot-clé inconnu (attendu « CLÉ : valeur », une section ou EOF)",
            ));
        };
        read_header_line(&mut header, line, key, value)?;
    }

    build(header, &sections)
}

fn read_header_line(
    header: &mut Header,
    line: usize,
    key: &str,
    value: &str,
) -> Result<(), VrplibError> {
    match key {
        "NAME" => header.name = Some(value.to_owned()),
        "DIMENSION" => header.dimension = Some(parse_count(line, key, value, 1)?),
        "VEHICLES" => header.vehicles = Some(parse_count(line, key, value, 1)?),
        "CAPACITY" => header.capacity = Some(parse_integer(line, key, value)?),
        "SERVICE_TIME" => {
            header.service_time = Some((line, parse_duration(line, key, value)?));
        }
        "EDGE_WEIGHT_TYPE" => {
            if value != "EUC_2D" {
                return Err(line_error(
                    line,
                    key,
                    format!("« {value} » non pris en charge (seul EUC_2D l'est)"),
                ));
            }
        }
        _ if IGNORED_KEYS.contains(&key) => {}
        _ => {
            return Err(line_error(
                line,
                key,
                "clé non prise en charge par ce lecteur d'instances VRPTW",
            ));
        }
    }
    Ok(())
}

/// An integer ≥ 0 (count, demand, capacity).
fn parse_integer(line: usize, field: &str, value: &str) -> Result<i64, VrplibError> {
    match value.parse::<i64>() {
        Ok(v) if v >= 0 => Ok(v),
        _ => Err(line_error(
            line,
            field,
            format!("« {value} » n'est pas un entier positif ou nul"),
        )),
    }
}

/// A count ≥ `min`.
fn parse_count(line: usize, field: &str, value: &str, min: usize) -> Result<usize, VrplibError> {
    match usize::try_from(parse_integer(line, field, value)?) {
        Ok(v) if v >= min => Ok(v),
        _ => Err(line_error(
            line,
            field,
            format!("« {value} » : il en faut au moins {min}"),
        )),
    }
}

/// A finite number within [`MAX_VALUE`] (coordinate, time).
fn parse_number(line: usize, field: &str, value: &str) -> Result<f64, VrplibError> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= MAX_VALUE => Ok(v),
        _ => Err(line_error(
            line,
            field,
            format!(
                "« {value} » n'est pas un nombre (fini, au plus {MAX_VALUE:e} en valeur absolue)"
            ),
        )),
    }
}

/// A duration: a number ≥ 0.
fn parse_duration(line: usize, field: &str, value: &str) -> Result<f64, VrplibError> {
    let v = parse_number(line, field, value)?;
    if v < 0.0 {
        return Err(line_error(
            line,
            field,
            format!("durée négative « {value} »"),
        ));
    }
    Ok(v)
}

/// Checks a section row: `expected` fields, the first a node number in `1..=n` not seen before;
/// returns the node's 0-based index.
fn node_of(
    row: &Row<'_>,
    section: &str,
    expected: usize,
    n: usize,
    seen: &mut [Option<usize>],
) -> Result<usize, VrplibError> {
    let (line, fields) = row;
    if fields.len() != expected {
        return Err(line_error(
            *line,
            section,
            format!(
                "{} champ(s) au lieu de {expected} (numéro du nœud puis {} valeur(s))",
                fields.len(),
                expected - 1
            ),
        ));
    }
    let node: usize = fields[0].parse().map_err(|_| {
        line_error(
            *line,
            section,
            format!("numéro de nœud « {} » invalide", fields[0]),
        )
    })?;
    if node < 1 || node > n {
        return Err(line_error(
            *line,
            section,
            format!("nœud {node} hors de 1..{n} (DIMENSION)"),
        ));
    }
    if let Some(first) = seen[node - 1] {
        return Err(line_error(
            *line,
            section,
            format!("nœud {node} déjà donné ligne {first}"),
        ));
    }
    seen[node - 1] = Some(*line);
    Ok(node - 1)
}

/// Fails naming the first node a section did not give.
fn all_given(seen: &[Option<usize>], section: &str) -> Result<(), VrplibError> {
    match seen.iter().position(Option::is_none) {
        Some(missing) => Err(field_error(
            section,
            format!(
                "le nœud {} n'est pas donné ({} nœuds attendus, DIMENSION)",
                missing + 1,
                seen.len()
            ),
        )),
        None => Ok(()),
    }
}

fn build(header: Header, sections: &Sections<'_>) -> Result<VrplibInstance, VrplibError> {
    let Some(n) = header.dimension else {
        return Err(field_error("DIMENSION", "clé absente"));
    };
    let [coords, demands, windows, services, depots] = &sections.rows;
    let [has_coords, has_demands, has_windows, has_services, _] =
        sections.started.map(|s| s.is_some());
    if !has_coords {
        return Err(field_error(COORDS, "section absente"));
    }
    if !has_windows {
        return Err(field_error(WINDOWS, "section absente"));
    }

    let mut nodes = vec![
        VrplibNode {
            x: 0.0,
            y: 0.0,
            demand: 0,
            ready: 0.0,
            due: 0.0,
            service: 0.0,
        };
        n
    ];

    let mut seen = vec![None; n];
    for row in coords {
        let i = node_of(row, COORDS, 3, n, &mut seen)?;
        nodes[i].x = parse_number(row.0, COORDS, row.1[1])?;
        nodes[i].y = parse_number(row.0, COORDS, row.1[2])?;
    }
    all_given(&seen, COORDS)?;

    if has_demands {
        let mut seen = vec![None; n];
        for row in demands {
            let i = node_of(row, DEMANDS, 2, n, &mut seen)?;
            nodes[i].demand = parse_integer(row.0, DEMANDS, row.1[1])?;
        }
        all_given(&seen, DEMANDS)?;
    }

    let mut seen = vec![None; n];
    for row in windows {
        let i = node_of(row, WINDOWS, 3, n, &mut seen)?;
        let ready = parse_number(row.0, WINDOWS, row.1[1])?;
        let due = parse_number(row.0, WINDOWS, row.1[2])?;
        if due < ready {
            return Err(line_error(
                row.0,
                WINDOWS,
                format!(
                    "la plage du nœud {} finit ({due}) avant de commencer ({ready})",
                    i + 1
                ),
            ));
        }
        nodes[i].ready = ready;
        nodes[i].due = due;
    }
    all_given(&seen, WINDOWS)?;

    if has_services {
        let mut seen = vec![None; n];
        for row in services {
            let i = node_of(row, SERVICES, 2, n, &mut seen)?;
            nodes[i].service = parse_duration(row.0, SERVICES, row.1[1])?;
        }
        all_given(&seen, SERVICES)?;
        if let Some((line, _)) = header.service_time {
            return Err(line_error(
                line,
                "SERVICE_TIME",
                "donné en plus de SERVICE_TIME_SECTION : lequel croire ?",
            ));
        }
    } else if let Some((_, service)) = header.service_time {
        // One value for every customer; the depot has none (as in check.py and PyVRP).
        for node in nodes.iter_mut().skip(1) {
            node.service = service;
        }
    }

    for (line, fields) in depots {
        if fields.len() != 1 {
            return Err(line_error(
                *line,
                DEPOTS,
                format!("{} champs au lieu d'un numéro de nœud", fields.len()),
            ));
        }
        if fields[0] != "1" {
            return Err(line_error(
                *line,
                DEPOTS,
                format!(
                    "dépôt « {} » non pris en charge : le seul dépôt doit être le nœud 1",
                    fields[0]
                ),
            ));
        }
    }
    if depots.len() > 1 {
        return Err(line_error(
            depots[1].0,
            DEPOTS,
            "un seul dépôt est pris en charge",
        ));
    }

    Ok(VrplibInstance {
        name: header.name.unwrap_or_default(),
        vehicles: header.vehicles,
        capacity: header.capacity,
        nodes,
    })
}

/// The DIMACS distance between two nodes, in tenths: ⌊10 · euclid⌋, the Euclidean distance
/// truncated to one decimal.
///
/// With integer coordinates (every Solomon and Gehring–Homberger instance) this is computed
/// exactly, as ⌊√(100 · (dx² + dy²))⌋. Otherwise it is `⌊10 · hypot(dx, dy) + 10⁻⁹⌋` in
/// doubles, the formula of `check.py`; on integer coordinates both agree with it and with
/// PyVRP's `round_func="dimacs"` on every pair of the 56 Solomon instances (checked by
/// `solver/tests/vrplib_solomon.rs`).
pub fn distance_tenths(a: &VrplibNode, b: &VrplibNode) -> i64 {
    let integral = |v: f64| v.fract() == 0.0 && v.abs() <= MAX_VALUE;
    if integral(a.x) && integral(a.y) && integral(b.x) && integral(b.y) {
        // Exact: |coordinates| ≤ 1e9, so the casts are exact and 100 · (dx² + dy²) < 2^70.
        let dx = (a.x - b.x) as i128;
        let dy = (a.y - b.y) as i128;
        let square = (100 * (dx * dx + dy * dy)).unsigned_abs();
        i64::try_from(square.isqrt()).expect("BUG: a distance below 2^35 fits in i64")
    } else {
        float_distance_tenths(a, b)
    }
}

/// `⌊10 · hypot(dx, dy) + 10⁻⁹⌋`: the formula of `check.py`, for any coordinates.
fn float_distance_tenths(a: &VrplibNode, b: &VrplibNode) -> i64 {
    // Coordinates are within ±1e9, so the result is below 3e10 and the cast is exact.
    ((a.x - b.x).hypot(a.y - b.y) * 10.0 + 1e-9).floor() as i64
}

/// A time or duration of the file in tenths: `round(10 · value)`, ties to even as Python's
/// `round` in `check.py` (exact for the integers of every benchmark file).
fn tenths(value: f64) -> i64 {
    // |value| ≤ 1e9 (checked when parsing), so the cast is exact.
    (value * 10.0).round_ties_even() as i64
}

/// The routing problem of an instance under the DIMACS convention, in tenths.
///
/// Locations are the nodes (location 0 = the depot = node 1); visit `i` is node `i + 2`, at
/// location `i + 1`, mandatory, with its demand, service × 10 and one window × 10. There are
/// [`VrplibInstance::vehicle_count`] identical vehicles from and to the depot, whose shift is
/// the depot's window × 10, of [`VrplibInstance::vehicle_capacity`], with no fixed cost. Travel
/// time and distance of a leg are both [`distance_tenths`]; the objective is distance
/// (`per_meter` = 1, `per_minute` = 0), so a solution's cost is its distance in tenths.
///
/// # Errors
/// [`VrplibError::Problem`] or [`VrplibError::Matrix`] if the problem is refused, which a
/// parsed instance should never cause.
pub fn to_problem(instance: &VrplibInstance) -> Result<Problem, VrplibError> {
    let n = instance.nodes.len();
    let mut legs = Vec::with_capacity(n * n);
    for from in &instance.nodes {
        for to in &instance.nodes {
            let d = distance_tenths(from, to);
            legs.push(Leg::new(Minutes(d), Meters(d)));
        }
    }
    let matrix = TravelMatrix::new(n, legs)?;

    let depot = instance
        .nodes
        .first()
        .ok_or_else(|| field_error("DIMENSION", "aucun nœud"))?;
    let vehicle = Vehicle {
        start: LocationIdx::new(0),
        end: LocationIdx::new(0),
        shift: TimeWindow::new(Minutes(tenths(depot.ready)), Minutes(tenths(depot.due))),
        capacity: instance.vehicle_capacity(),
        max_duration: None,
        lunch: None,
        fixed_cost: Cost::ZERO,
    };
    let vehicles = vec![vehicle; instance.vehicle_count()];

    let visits = instance
        .nodes
        .iter()
        .enumerate()
        .skip(1)
        .map(|(location, node)| Visit {
            location: LocationIdx::new(location),
            service: Minutes(tenths(node.service)),
            demand: node.demand,
            windows: vec![TimeWindow::new(
                Minutes(tenths(node.ready)),
                Minutes(tenths(node.due)),
            )],
            allowed_vehicles: None,
            penalty: None,
            pin: None,
        })
        .collect();

    let weights = Weights {
        per_minute: 0,
        per_meter: 1,
    };
    Ok(Problem::new(vehicles, visits, &matrix, weights)?)
}

/// `tenths` as a decimal number of units: `8273` → `"827.3"`, `-5` → `"-0.5"`.
pub fn format_tenths(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    let per_unit = TENTHS.unsigned_abs();
    format!("{sign}{}.{}", abs / per_unit, abs % per_unit)
}

/// A solution in VRPLIB form: one `Route #k: c1 c2 …` line per non-empty route, numbered from
/// 1 in order, customers numbered 1..n (visit `i` is customer `i + 1`, the depot omitted), then
/// `Cost` with `cost_tenths` in units (`Cost 827.3`). This is what `check.py` and PyVRP's
/// `read_solution` read.
pub fn write_solution(instance: &VrplibInstance, routes: &[Route], cost_tenths: i64) -> String {
    let mut out = String::new();
    for (k, route) in routes.iter().filter(|r| !r.visits.is_empty()).enumerate() {
        write!(out, "Route #{}:", k + 1).expect("BUG: writing to a String cannot fail");
        for &visit in &route.visits {
            debug_assert!(
                visit < instance.customers(),
                "visit {visit} beyond the instance"
            );
            write!(out, " {}", visit + 1).expect("BUG: writing to a String cannot fail");
        }
        out.push('\n');
    }
    writeln!(out, "Cost {}", format_tenths(cost_tenths))
        .expect("BUG: writing to a String cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four nodes: the depot at the origin and three customers, one at a non-integer place.
    const TINY: &str = "\
NAME : tiny
TYPE : CVRPTW
COMMENT : hand-made
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 5
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 1 1
4 0 2.5
DEMAND_SECTION
1 0
2 4
3 6
4 3
TIME_WINDOW_SECTION
1 0 100
2 10 20
3 0 50
4 5 60.5
DEPOT_SECTION
1
-1
EOF
";

    fn loc(i: usize) -> LocationIdx {
        LocationIdx::new(i)
    }

    fn expect_line_error(text: &str) -> (usize, String, String) {
        match parse(text) {
            Err(VrplibError::Line {
                line,
                field,
                message,
            }) => (line, field, message),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn a_tiny_instance_is_read_node_by_node() {
        let inst = parse(TINY).unwrap();
        assert_eq!(inst.name, "tiny");
        assert_eq!(inst.vehicles, Some(2));
        assert_eq!(inst.capacity, Some(10));
        assert_eq!(inst.customers(), 3);
        assert_eq!(inst.nodes[3].y, 2.5);
        assert_eq!(inst.nodes[2].demand, 6);
        assert_eq!(inst.nodes[3].due, 60.5);
        // SERVICE_TIME applies to customers, not to the depot.
        assert_eq!(inst.nodes[0].service, 0.0);
        assert_eq!(inst.nodes[1].service, 5.0);
    }

    #[test]
    fn distances_are_euclidean_truncated_to_one_decimal_in_tenths() {
        let inst = parse(TINY).unwrap();
        assert_eq!(inst.distance_tenths(0, 1), 50); // 5
        assert_eq!(inst.distance_tenths(0, 2), 14); // √2 = 1.414…
        assert_eq!(inst.distance_tenths(1, 2), 36); // √13 = 3.605…
        assert_eq!(inst.distance_tenths(0, 3), 25); // 2.5, non-integer coordinates
        assert_eq!(inst.distance_tenths(2, 3), 18); // √3.25 = 1.802…
        assert_eq!(inst.distance_tenths(1, 3), 33); // √11.25 = 3.354…
        assert_eq!(inst.distance_tenths(3, 1), 33);
        assert_eq!(inst.distance_tenths(2, 2), 0);
    }

    #[test]
    fn the_exact_and_float_formulas_agree_on_integer_coordinates() {
        let node = |x: f64, y: f64| VrplibNode {
            x,
            y,
            demand: 0,
            ready: 0.0,
            due: 0.0,
            service: 0.0,
        };
        for x in -30..=30 {
            for y in -30..=30 {
                let (a, b) = (node(0.0, 0.0), node(f64::from(x), f64::from(y)));
                assert_eq!(
                    distance_tenths(&a, &b),
                    float_distance_tenths(&a, &b),
                    "{x},{y}"
                );
            }
        }
    }

    #[test]
    fn the_problem_follows_the_dimacs_convention() {
        let problem = to_problem(&parse(TINY).unwrap()).unwrap();

        assert_eq!(problem.locations(), 4);
        assert_eq!(problem.meters(loc(0), loc(1)), Meters(50));
        assert_eq!(problem.minutes(loc(0), loc(1)), Minutes(50));
        assert_eq!(problem.meters(loc(1), loc(3)), Meters(33));
        assert_eq!(problem.travel_cost(loc(2), loc(3)), Cost(18));
        assert_eq!(
            problem.weights(),
            Weights {
                per_minute: 0,
                per_meter: 1
            }
        );

        assert_eq!(problem.vehicles().len(), 2);
        for v in problem.vehicles() {
            assert_eq!((v.start, v.end), (loc(0), loc(0)));
            assert_eq!(v.shift, TimeWindow::new(Minutes(0), Minutes(1000)));
            assert_eq!(v.capacity, 10);
            assert_eq!(v.fixed_cost, Cost::ZERO);
        }

        let visits = problem.visits();
        assert_eq!(visits.len(), 3);
        assert_eq!(visits[0].location, loc(1));
        assert_eq!(visits[0].service, Minutes(50));
        assert_eq!(visits[0].demand, 4);
        assert_eq!(
            visits[0].windows,
            [TimeWindow::new(Minutes(100), Minutes(200))]
        );
        assert_eq!(
            visits[2].windows,
            [TimeWindow::new(Minutes(50), Minutes(605))]
        );
        assert!(
            visits
                .iter()
                .all(|v| v.penalty.is_none() && v.pin.is_none())
        );
    }

    #[test]
    fn variants_of_the_format_are_read_alike() {
        // Windows line ends, `KEY: value`, tabs, a service-time section, no VEHICLES, no
        // CAPACITY, no DEMAND_SECTION, no EOF.
        let text = "NAME: v\r\nDIMENSION:3\r\nEDGE_WEIGHT_TYPE:\tEUC_2D\r\n\r\n\
                    NODE_COORD_SECTION\r\n 1\t0\t0\r\n2 0 3\r\n3 4 0\r\n\
                    SERVICE_TIME_SECTION\r\n1 0\r\n2 1.5\r\n3 2\r\n\
                    TIME_WINDOW_SECTION\r\n1 0 50\r\n2 0 10\r\n3 5 9\r\n\
                    DEPOT_SECTION\r\n1\r\n-1\r\n";
        let inst = parse(text).unwrap();
        assert_eq!(inst.name, "v");
        assert_eq!(inst.vehicle_count(), 2);
        assert_eq!(inst.vehicle_capacity(), 0);
        assert_eq!(inst.nodes[1].service, 1.5);
        let problem = to_problem(&inst).unwrap();
        assert_eq!(problem.visits()[0].service, Minutes(15));
        assert_eq!(problem.meters(loc(1), loc(2)), Meters(50));
    }

    #[test]
    fn a_bad_number_names_its_line_and_section() {
        let text = TINY.replace("3 0 50", "3 0 cinquante");
        let (line, field, message) = expect_line_error(&text);
        assert_eq!((line, field.as_str()), (22, "TIME_WINDOW_SECTION"));
        assert!(message.contains("cinquante"), "{message}");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("ligne 22, TIME_WINDOW_SECTION : "), "{err}");
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        let (line, field, message) = expect_line_error(&TINY.replace("2 10 20", "2 30 20"));
        assert_eq!((line, field.as_str()), (21, "TIME_WINDOW_SECTION"));
        assert!(message.contains("nœud 2"), "{message}");
    }

    #[test]
    fn a_node_given_twice_or_out_of_range_is_refused() {
        let (line, _, message) = expect_line_error(&TINY.replace("3 1 1", "2 1 1"));
        assert_eq!(line, 12);
        assert!(message.contains("déjà donné ligne 11"), "{message}");
        let (line, _, message) = expect_line_error(&TINY.replace("3 6", "5 6"));
        assert_eq!(line, 17);
        assert!(message.contains("nœud 5 hors de 1..4"), "{message}");
    }

    #[test]
    fn a_row_with_the_wrong_field_count_is_refused() {
        let (line, field, message) = expect_line_error(&TINY.replace("2 4\n", "2 4 1\n"));
        assert_eq!((line, field.as_str()), (16, "DEMAND_SECTION"));
        assert!(message.contains("3 champ(s) au lieu de 2"), "{message}");
    }

    #[test]
    fn a_missing_node_or_section_is_named() {
        let err = parse(&TINY.replace("4 5 60.5\n", "")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "TIME_WINDOW_SECTION : le nœud 4 n'est pas donné (4 nœuds attendus, DIMENSION)"
        );
        let no_windows = TINY.replace(
            "TIME_WINDOW_SECTION\n1 0 100\n2 10 20\n3 0 50\n4 5 60.5\n",
            "",
        );
        assert_eq!(
            parse(&no_windows).unwrap_err().to_string(),
            "TIME_WINDOW_SECTION : section absente"
        );
        assert_eq!(
            parse(&TINY.replace("DIMENSION : 4\n", ""))
                .unwrap_err()
                .to_string(),
            "DIMENSION : clé absente"
        );
    }

    #[test]
    fn unsupported_keys_sections_and_depots_are_refused() {
        let (line, field, _) = expect_line_error(&TINY.replace("EUC_2D", "GEO"));
        assert_eq!((line, field.as_str()), (8, "EDGE_WEIGHT_TYPE"));
        let (line, field, _) =
            expect_line_error(&TINY.replace("COMMENT : hand-made", "DISTANCE : 50"));
        assert_eq!((line, field.as_str()), (3, "DISTANCE"));
        let (line, field, _) =
            expect_line_error(&TINY.replace("DEMAND_SECTION", "PICKUP_AND_DELIVERY_SECTION"));
        assert_eq!((line, field.as_str()), (14, "PICKUP_AND_DELIVERY_SECTION"));
        let (line, field, message) = expect_line_error(&TINY.replace("1\n-1", "2\n-1"));
        assert_eq!((line, field.as_str()), (25, "DEPOT_SECTION"));
        assert!(message.contains("nœud 1"), "{message}");
        let (line, _, _) = expect_line_error(&TINY.replace("VEHICLES : 2", "VEHICLES : deux"));
        assert_eq!(line, 5);
    }

    #[test]
    fn a_solution_is_written_in_vrplib_form_without_empty_routes() {
        let inst = parse(TINY).unwrap();
        let routes = [
            Route::default(),
            Route {
                visits: vec![2, 0],
                break_after: None,
            },
            Route::default(),
            Route {
                visits: vec![1],
                break_after: None,
            },
        ];
        assert_eq!(
            write_solution(&inst, &routes, 1234),
            "Route #1: 3 1\nRoute #2: 2\nCost 123.4\n"
        );
    }

    #[test]
    fn tenths_are_shown_as_decimal_units() {
        assert_eq!(format_tenths(8273), "827.3");
        assert_eq!(format_tenths(10), "1.0");
        assert_eq!(format_tenths(0), "0.0");
        assert_eq!(format_tenths(-5), "-0.5");
    }
}

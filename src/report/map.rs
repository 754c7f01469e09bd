//! The week map: a standalone SVG of the référents' routes that a coordinator opens in a
//! browser, offline — Parcours's plan on the left, today's practice on the right when given,
//! drawn with the same projection so the two compare at a glance.
//!
//! It draws communes, bases, stops and routes, a legend and the totals of each panel. It must
//! not write a family code or a person's name (DESIGN.md, confidentiality), nor load anything
//! (no tiles, fonts or scripts). The same plans give the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::Datelike;

use super::hours;
use crate::domain::Weekday;
use crate::planning::{PlanMethod, ReferentWeek, WeekPlan};

/// Width of a panel's map, px.
const MAP_W: f64 = 600.0;
/// Height bounds of a panel's map, px (the width is fixed; the height follows the territory).
const MAP_H_MIN: f64 = 300.0;
const MAP_H_MAX: f64 = 640.0;
/// Outer padding and gap between panels, px.
const PAD: f64 = 20.0;
const GAP: f64 = 40.0;
/// Top of the panels (below the title), and of the map inside a panel (below its title), px.
const PANELS_TOP: f64 = 52.0;
const MAP_TOP: f64 = 26.0;
/// Share of the span added around the points on each side.
const MARGIN: f64 = 0.08;
/// Smallest span shown, degrees (a plan with one point still gets a readable map).
const MIN_SPAN_DEG: f64 = 0.02;

/// One colour per référent, by rank of code (Tableau 10: distinct, readable on white).
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Dash pattern per weekday, Monday first (`""` is a solid line).
const DASHES: [&str; 7] = ["", "9 4", "2 3", "9 3 2 3", "14 4 2 4 2 4", "5 5", "1 5"];

/// The week map of `plan`, and of `baseline` beside it when given, as SVG text.
///
/// `communes` are `(name, latitude, longitude)`; they are labelled on both panels. Colours
/// follow the référent's code (the same in both panels), dashes the weekday.
pub fn week_map(
    plan: &WeekPlan,
    baseline: Option<&WeekPlan>,
    communes: &[(String, f64, f64)],
) -> String {
    draw(plan, baseline, communes, None)
}

/// The same map for the coordinators' web app, which shows family codes to coordinators only:
/// each visit is labelled (family code, référent, day and time, commune, place) on hover and
/// on keyboard focus, and each visit left unplaced is drawn at its family's home
/// (`homes`: family code → latitude and longitude) as a hollow red ring labelled with why.
pub fn week_map_labelled(
    plan: &WeekPlan,
    baseline: Option<&WeekPlan>,
    communes: &[(String, f64, f64)],
    homes: &std::collections::BTreeMap<String, (f64, f64)>,
) -> String {
    draw(plan, baseline, communes, Some(homes))
}

fn draw(
    plan: &WeekPlan,
    baseline: Option<&WeekPlan>,
    communes: &[(String, f64, f64)],
    labels: Option<&std::collections::BTreeMap<String, (f64, f64)>>,
) -> String {
    let plans: Vec<&WeekPlan> = std::iter::once(plan).chain(baseline).collect();
    let projection = Projection::fit(
        plans
            .iter()
            .flat_map(|p| plan_points(p))
            .chain(communes.iter().map(|(_, lat, lon)| (*lat, *lon))),
    );
    let codes: Vec<&str> = plans
        .iter()
        .flat_map(|p| p.referents.iter().map(|r| r.code.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let colour = |code: &str| {
        let rank = codes.iter().position(|c| *c == code).unwrap_or(0);
        PALETTE[rank % PALETTE.len()]
    };

    let width = 2.0 * PAD + plans.len() as f64 * MAP_W + (plans.len() - 1) as f64 * GAP;
    let legend_top = PANELS_TOP + MAP_TOP + projection.height + 40.0;
    let mut legend = String::new();
    let legend_h = write_legend(&mut legend, &plans, &codes, &colour, width, legend_top);
    let height = legend_top + legend_h + PAD;

    let title = format!("Tournées de la semaine {}", plan.week);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">"#,
        w = num(width),
        h = num(height),
    );
    let _ = writeln!(svg, "<title>{}</title>", esc(&title));
    let _ = writeln!(
        svg,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        num(width),
        num(height)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{PAD}" y="32" font-size="20" font-weight="bold" fill="#222222">{}</text>"##,
        esc(&title)
    );
    for (i, p) in plans.iter().enumerate() {
        let x = PAD + i as f64 * (MAP_W + GAP);
        write_panel(&mut svg, p, x, &projection, communes, &colour, labels);
    }
    svg.push_str(&legend);
    svg.push_str("</svg>\n");
    svg
}

/// Every point of a plan: bases and stops.
fn plan_points(plan: &WeekPlan) -> impl Iterator<Item = (f64, f64)> + '_ {
    plan.referents.iter().flat_map(|r| {
        std::iter::once(r.base).chain(r.days.iter().flat_map(|d| d.stops.iter().map(|s| s.point)))
    })
}

/// Equirectangular projection with a cos(latitude) correction, fitted to a set of points.
struct Projection {
    /// West and north edges, degrees.
    lon_west: f64,
    lat_north: f64,
    /// cos of the middle latitude: a degree of longitude is that much shorter.
    cos_lat: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    /// Offsets that centre the points in the map, px.
    dx: f64,
    dy: f64,
    /// Map height, px.
    height: f64,
}

impl Projection {
    fn fit(points: impl Iterator<Item = (f64, f64)>) -> Projection {
        let (mut south, mut north, mut west, mut east) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (lat, lon) in points.filter(|(lat, lon)| lat.is_finite() && lon.is_finite()) {
            south = south.min(lat);
            north = north.max(lat);
            west = west.min(lon);
            east = east.max(lon);
        }
        if south > north {
            // No point at all: an empty map around Valenciennes.
            (south, north, west, east) = (50.36, 50.36, 3.52, 3.52);
        }
        let cos_lat = ((south + north) / 2.0).to_radians().cos();
        let widen = |lo: f64, hi: f64, min_span: f64| {
            let mid = (lo + hi) / 2.0;
            let half = (hi - lo).max(min_span) * (0.5 + MARGIN);
            (mid - half, mid + half)
        };
        let (south, north) = widen(south, north, MIN_SPAN_DEG);
        let (west, east) = widen(west, east, MIN_SPAN_DEG / cos_lat);
        let (span_x, span_y) = ((east - west) * cos_lat, north - south);
        let scale = (MAP_W / span_x).min(MAP_H_MAX / span_y);
        let height = (span_y * scale).max(MAP_H_MIN);
        Projection {
            lon_west: west,
            lat_north: north,
            cos_lat,
            scale,
            dx: (MAP_W - span_x * scale) / 2.0,
            dy: (height - span_y * scale) / 2.0,
            height,
        }
    }

    /// Pixel position of `(lat, lon)` inside the map.
    fn xy(&self, (lat, lon): (f64, f64)) -> (f64, f64) {
        (
            self.dx + (lon - self.lon_west) * self.cos_lat * self.scale,
            self.dy + (self.lat_north - lat) * self.scale,
        )
    }
}

/// One panel at `x`: title, map (communes, routes, stops, bases) and totals.
fn write_panel(
    svg: &mut String,
    plan: &WeekPlan,
    x: f64,
    proj: &Projection,
    communes: &[(String, f64, f64)],
    colour: &dyn Fn(&str) -> &'static str,
    labels: Option<&std::collections::BTreeMap<String, (f64, f64)>>,
) {
    let title = match plan.method {
        PlanMethod::Optimised => "Parcours (optimisé)",
        PlanMethod::Baseline => "Pratique actuelle",
    };
    let _ = writeln!(
        svg,
        r#"<g class="panel" transform="translate({},{})">"#,
        num(x),
        num(PANELS_TOP)
    );
    let _ = writeln!(
        svg,
        r##"<text x="0" y="16" font-size="15" font-weight="bold" fill="#222222">{title}</text>"##
    );
    let _ = writeln!(
        svg,
        r##"<g transform="translate(0,{MAP_TOP})"><rect x="0" y="0" width="{}" height="{}" fill="#f7f7f4" stroke="#cccccc"/>"##,
        num(MAP_W),
        num(proj.height)
    );
    for (_, lat, lon) in communes {
        let (cx, cy) = proj.xy((*lat, *lon));
        let _ = writeln!(
            svg,
            r##"<circle cx="{}" cy="{}" r="2.5" fill="#999999"/>"##,
            num(cx),
            num(cy)
        );
    }
    for r in &plan.referents {
        write_routes(svg, r, proj, colour(&r.code), labels.is_some());
    }
    if let Some(homes) = labels {
        for u in plan.unmet.iter().filter(|u| !u.waits) {
            let Some(home) = homes.get(&u.family) else {
                continue;
            };
            let (x, y) = proj.xy(*home);
            let _ = writeln!(
                svg,
                r##"<circle class="unplaced" cx="{}" cy="{}" r="4.5" fill="none" stroke="#c0392b" stroke-width="1.8" tabindex="0"><title>{} non placée : {}</title></circle>"##,
                num(x),
                num(y),
                esc(&u.family),
                esc(&u.reason)
            );
        }
    }
    for r in &plan.referents {
        let (bx, by) = proj.xy(r.base);
        let _ = writeln!(
            svg,
            r##"<rect x="{}" y="{}" width="10" height="10" fill="{}" stroke="#222222" stroke-width="1.2"><title>Base {}</title></rect>"##,
            num(bx - 5.0),
            num(by - 5.0),
            colour(&r.code),
            esc(&r.code)
        );
    }
    for (name, lat, lon) in communes {
        let (cx, cy) = proj.xy((*lat, *lon));
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="10" fill="#555555" stroke="#ffffff" stroke-width="3" stroke-opacity="0.8" paint-order="stroke">{}</text>"##,
            num(cx + 4.0),
            num(cy - 4.0),
            esc(name)
        );
    }
    svg.push_str("</g>\n");
    let mut totals = format!(
        "{} · trajet {} · {} km",
        count(plan.visits(), "visite", "visites"),
        hours(plan.travel_minutes()),
        (plan.travel_meters() + 500) / 1000
    );
    if !plan.unmet.is_empty() {
        let _ = write!(
            totals,
            " · {}",
            count(plan.unmet.len(), "visite non placée", "visites non placées")
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="0" y="{}" font-size="13" fill="#222222">{}</text>"##,
        num(MAP_TOP + proj.height + 20.0),
        esc(&totals)
    );
    svg.push_str("</g>\n");
}

/// A référent's days: one polyline base → stops → base per day with stops, then the stops.
fn write_routes(svg: &mut String, r: &ReferentWeek, proj: &Projection, colour: &str, labels: bool) {
    for day in r.days.iter().filter(|d| !d.stops.is_empty()) {
        let weekday = day.date.weekday().num_days_from_monday() as usize;
        let stops: Vec<(f64, f64)> = std::iter::once(r.base)
            .chain(day.stops.iter().map(|s| s.point))
            .chain(std::iter::once(r.base))
            .map(|p| proj.xy(p))
            .collect();
        let points: Vec<String> = bent_legs(&stops)
            .into_iter()
            .map(|(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        let dash = match DASHES[weekday] {
            "" => String::new(),
            d => format!(r#" stroke-dasharray="{d}""#),
        };
        let tip = format!(
            "{} – {} {} : {}, trajet {}, {} km",
            r.code,
            Weekday::from_chrono(day.date.weekday()).french(),
            day.date.format("%d/%m"),
            count(day.stops.len(), "étape", "étapes"),
            hours(day.travel_minutes()),
            (day.travel_meters() + 500) / 1000
        );
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.2" stroke-linejoin="round" stroke-opacity="0.85"{dash}><title>{}</title></polyline>"#,
            points.join(" "),
            esc(&tip)
        );
    }
    for day in &r.days {
        for stop in &day.stops {
            let (x, y) = proj.xy(stop.point);
            let label = match (&stop.kind, labels) {
                (crate::planning::StopKind::Visit { family }, true) => Some(format!(
                    "{family} · {} · {} {} {} · {} · {}",
                    r.code,
                    Weekday::from_chrono(day.date.weekday()).french(),
                    day.date.format("%d/%m"),
                    stop.start.format("%H:%M"),
                    stop.commune_name,
                    stop.place.french()
                )),
                _ => None,
            };
            match label {
                Some(label) => {
                    let _ = writeln!(
                        svg,
                        r##"<circle class="visit" cx="{}" cy="{}" r="3.5" fill="{colour}" stroke="#ffffff" stroke-width="1" tabindex="0"><title>{}</title></circle>"##,
                        num(x),
                        num(y),
                        esc(&label)
                    );
                }
                None => {
                    let _ = writeln!(
                        svg,
                        r##"<circle cx="{}" cy="{}" r="3.5" fill="{colour}" stroke="#ffffff" stroke-width="1"/>"##,
                        num(x),
                        num(y)
                    );
                }
            }
        }
    }
}

/// The polyline through `points` with each leg bent slightly to its right (a point added at
/// its middle): a leg and its way back, such as base → family → base, then show as two lines
/// instead of one whose dashes fill each other's gaps.
fn bent_legs(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(2 * points.len());
    for leg in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (leg[0], leg[1]);
        out.push((x0, y0));
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = dx.hypot(dy);
        if len >= 4.0 {
            // Right of the direction of travel, y pointing down.
            let bend = (0.08 * len).min(8.0) / len;
            out.push(((x0 + x1) / 2.0 - dy * bend, (y0 + y1) / 2.0 + dx * bend));
        }
    }
    out.extend(points.last());
    out
}

/// The legend at `top`: référents and their colours, weekdays and their dashes, symbols.
/// Returns its height, px.
fn write_legend(
    svg: &mut String,
    plans: &[&WeekPlan],
    codes: &[&str],
    colour: &dyn Fn(&str) -> &'static str,
    width: f64,
    top: f64,
) -> f64 {
    const ROW: f64 = 22.0;
    const LABEL_W: f64 = 90.0;
    let weekdays: BTreeSet<u32> = plans
        .iter()
        .flat_map(|p| &p.referents)
        .flat_map(|r| &r.days)
        .filter(|d| !d.stops.is_empty())
        .map(|d| d.date.weekday().num_days_from_monday())
        .collect();
    let _ = writeln!(
        svg,
        r##"<g class="legend" transform="translate({PAD},{})" font-size="12" fill="#222222">"##,
        num(top)
    );
    // Rows of (item width, drawing of one item at x, y).
    let mut y = 0.0;
    let mut row = |svg: &mut String, label: &str, items: Vec<(f64, String)>| {
        let _ = writeln!(
            svg,
            r#"<text x="0" y="{}" font-weight="bold">{label}</text>"#,
            num(y + 4.0)
        );
        let mut x = LABEL_W;
        for (w, item) in items {
            if x + w > width - 2.0 * PAD && x > LABEL_W {
                x = LABEL_W;
                y += ROW;
            }
            let _ = writeln!(
                svg,
                r#"<g transform="translate({},{})">{item}</g>"#,
                num(x),
                num(y)
            );
            x += w;
        }
        y += ROW;
    };
    let referents = codes
        .iter()
        .map(|code| {
            (
                80.0,
                format!(
                    r##"<rect x="0" y="-6" width="18" height="10" fill="{}"/><text x="24" y="4">{}</text>"##,
                    colour(code),
                    esc(code)
                ),
            )
        })
        .collect();
    row(svg, "Référents", referents);
    let days = weekdays
        .iter()
        .map(|&d| {
            let dash = match DASHES[d as usize] {
                "" => String::new(),
                p => format!(r#" stroke-dasharray="{p}""#),
            };
            (
                110.0,
                format!(
                    r##"<line x1="0" y1="0" x2="34" y2="0" stroke="#444444" stroke-width="2.2"{dash}/><text x="40" y="4">{}</text>"##,
                    Weekday::ALL[d as usize].french()
                ),
            )
        })
        .collect();
    row(svg, "Jours", days);
    let symbols = vec![
        (
            150.0,
            r##"<rect x="0" y="-5" width="10" height="10" fill="#888888" stroke="#222222"/><text x="16" y="4">base du référent</text>"##.to_owned(),
        ),
        (
            80.0,
            r##"<circle cx="5" cy="0" r="3.5" fill="#888888"/><text x="16" y="4">visite</text>"##.to_owned(),
        ),
        (
            100.0,
            r##"<circle cx="5" cy="0" r="2.5" fill="#999999"/><text x="16" y="4">commune</text>"##.to_owned(),
        ),
        (
            260.0,
            r##"<text x="0" y="4" fill="#666666">(trajets tracés à vol d'oiseau)</text>"##.to_owned(),
        ),
    ];
    row(svg, "Symboles", symbols);
    svg.push_str("</g>\n");
    y
}

/// `1 visite`, `3 visites`, `0 visite` (French: 0 and 1 are singular).
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// A coordinate with one decimal: fixed precision keeps the output deterministic and small.
fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".to_owned() } else { s }
}

/// Escapes XML text and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, NaiveDateTime};

    use super::*;
    use crate::planning::{DayRoute, IsoWeek, PlaceKind, Stop, StopKind, UnmetVisit};

    fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        date.and_hms_opt(h, m, 0).unwrap()
    }

    fn day(date: NaiveDate, points: &[(&str, (f64, f64))]) -> DayRoute {
        let stops: Vec<Stop> = points
            .iter()
            .enumerate()
            .map(|(i, (family, point))| {
                let start = at(date, 9, 0) + Duration::minutes(90 * i as i64);
                Stop {
                    id: format!("visite-2026-W49-{family}"),
                    kind: StopKind::Visit {
                        family: (*family).to_owned(),
                    },
                    start,
                    end: start + Duration::minutes(60),
                    commune: "59606".to_owned(),
                    commune_name: "Valenciennes".to_owned(),
                    place: PlaceKind::Home,
                    point: *point,
                    travel_minutes: 12,
                    travel_meters: 5_300,
                    confirmed: false,
                }
            })
            .collect();
        DayRoute {
            date,
            leave: stops.first().map(|s| s.start - Duration::minutes(12)),
            back: stops.last().map(|s| s.end + Duration::minutes(10)),
            lunch: None,
            return_minutes: if stops.is_empty() { 0 } else { 10 },
            return_meters: if stops.is_empty() { 0 } else { 4_000 },
            stops,
        }
    }

    fn referent(code: &str, base: (f64, f64), days: Vec<DayRoute>) -> ReferentWeek {
        ReferentWeek {
            code: code.to_owned(),
            name: "Camille Lefebvre".to_owned(),
            travel_mode: "voiture".to_owned(),
            base,
            working_minutes: 35 * 60,
            days,
        }
    }

    /// Two référents; R-01 works Monday and Tuesday (Wednesday empty), R-02 Thursday.
    fn plan(kind: PlanMethod) -> WeekPlan {
        let week = IsoWeek::parse("2026-W49").unwrap();
        let d = |n: u64| week.monday() + chrono::Days::new(n);
        WeekPlan {
            week,
            method: kind,
            referents: vec![
                referent(
                    "R-01",
                    (50.3582, 3.5176),
                    vec![
                        day(
                            d(0),
                            &[("F-0001", (50.3571, 3.5239)), ("F-0007", (50.3719, 3.5051))],
                        ),
                        day(d(1), &[("F-0003", (50.3293, 3.3957))]),
                        day(d(2), &[]),
                    ],
                ),
                referent(
                    "R-02",
                    (50.3903, 3.5452),
                    vec![day(d(3), &[("F-0011", (50.4024, 3.6012))])],
                ),
            ],
            unmet: vec![UnmetVisit {
                family: "F-0042".to_owned(),
                referent: Some("R-02".to_owned()),
                reason: "aucune disponibilité commune".to_owned(),
                ..UnmetVisit::default()
            }],
            assignment: ["F-0001", "F-0003", "F-0007", "F-0011", "F-0042"]
                .iter()
                .zip(["R-01", "R-01", "R-01", "R-02", "R-02"])
                .map(|(f, r)| ((*f).to_owned(), r.to_owned()))
                .collect(),
            cancelled: vec![],
        }
    }

    fn communes() -> Vec<(String, f64, f64)> {
        vec![
            ("Valenciennes".to_owned(), 50.3579, 3.5235),
            ("Anzin".to_owned(), 50.3722, 3.5050),
            ("Denain".to_owned(), 50.3294, 3.3958),
            ("Saint-Saulve & <Onnaing>".to_owned(), 50.3760, 3.5560),
        ]
    }

    /// Checks that every tag is closed in order; returns the element names in document order.
    fn balanced_elements(svg: &str) -> Vec<String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else {
                let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
                names.push(name.to_owned());
                if !tag.ends_with('/') {
                    stack.push(name.to_owned());
                }
            }
            rest = &rest[close + 1..];
            let text = &rest[..rest.find('<').unwrap_or(rest.len())];
            let entities = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"];
            let bare_amp = text
                .match_indices('&')
                .any(|(i, _)| !entities.iter().any(|e| text[i..].starts_with(e)));
            assert!(!text.contains('>') && !bare_amp, "unescaped text {text:?}");
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        names
    }

    #[test]
    fn the_map_is_one_balanced_svg_document_with_escaped_text() {
        let svg = week_map(&plan(PlanMethod::Optimised), None, &communes());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        let names = balanced_elements(&svg);
        assert_eq!(names.iter().filter(|n| *n == "svg").count(), 1);
        assert!(svg.contains("Saint-Saulve &amp; &lt;Onnaing&gt;"));
        // Offline: no link to anything.
        assert!(!svg.contains("href"));
        assert_eq!(svg.matches("http").count(), 1, "only the SVG namespace");
    }

    #[test]
    fn each_day_with_stops_is_one_route_in_each_panel() {
        let optimised = plan(PlanMethod::Optimised);
        let mut baseline = plan(PlanMethod::Baseline);
        baseline.referents[1].days.push(day(
            baseline.week.monday() + chrono::Days::new(4),
            &[("F-0012", (50.38, 3.55))],
        ));

        let alone = week_map(&optimised, None, &communes());
        let both = week_map(&optimised, Some(&baseline), &communes());

        // 3 days with stops in the plan (the empty Wednesday draws nothing), 4 in the baseline.
        assert_eq!(alone.matches("<polyline").count(), 3);
        assert_eq!(both.matches("<polyline").count(), 3 + 4);
    }

    #[test]
    fn a_baseline_adds_a_second_panel_titled_pratique_actuelle() {
        let alone = week_map(&plan(PlanMethod::Optimised), None, &communes());
        let both = week_map(
            &plan(PlanMethod::Optimised),
            Some(&plan(PlanMethod::Baseline)),
            &communes(),
        );
        assert_eq!(alone.matches(r#"<g class="panel""#).count(), 1);
        assert_eq!(both.matches(r#"<g class="panel""#).count(), 2);
        assert!(alone.contains("Parcours (optimisé)") && !alone.contains("Pratique actuelle"));
        assert!(both.contains("Parcours (optimisé)") && both.contains("Pratique actuelle"));
    }

    #[test]
    fn each_panel_shows_its_totals_in_french() {
        let svg = week_map(&plan(PlanMethod::Optimised), None, &communes());
        // 4 visits; travel 4 × 12 min + 3 returns × 10 min = 78 min; 4 × 5.3 + 3 × 4 = 33.2 km.
        assert!(
            svg.contains("4 visites · trajet 1 h 18 · 33 km · 1 visite non placée"),
            "{svg}"
        );
        assert!(svg.contains(">lundi<") && svg.contains(">jeudi<"));
        assert!(
            !svg.contains(">mercredi<"),
            "no route on Wednesday, no legend entry"
        );
    }

    #[test]
    fn a_referent_has_the_same_colour_in_both_panels() {
        let mut baseline = plan(PlanMethod::Baseline);
        baseline.referents.reverse();
        let svg = week_map(&plan(PlanMethod::Optimised), Some(&baseline), &communes());
        let base_colour = |code: &str| -> Vec<String> {
            svg.lines()
                .filter(|l| l.contains(&format!("<title>Base {code}</title>")))
                .map(|l| l.split("fill=\"").nth(1).unwrap()[..7].to_owned())
                .collect()
        };
        assert_eq!(base_colour("R-01"), [PALETTE[0], PALETTE[0]]);
        assert_eq!(base_colour("R-02"), [PALETTE[1], PALETTE[1]]);
    }

    #[test]
    fn the_map_shows_no_family_code_or_name() {
        let svg = week_map(
            &plan(PlanMethod::Optimised),
            Some(&plan(PlanMethod::Baseline)),
            &communes(),
        );
        assert!(!svg.contains("F-0"), "family code on the map");
        assert!(!svg.contains("Camille") && !svg.contains("Lefebvre"));
    }

    #[test]
    fn the_web_app_s_map_labels_each_visit_and_draws_the_unplaced_ones_at_home() {
        let mut plan = plan(PlanMethod::Optimised);
        let family = plan
            .unmet
            .first()
            .map(|u| u.family.clone())
            .unwrap_or_default();
        let homes = std::iter::once((family.clone(), (50.36, 3.52))).collect();
        let svg = week_map_labelled(&plan, None, &communes(), &homes);
        let visits = plan.visits();
        assert_eq!(svg.matches(r#"<circle class="visit""#).count(), visits);
        assert!(svg.contains(r#"tabindex="0"><title>F-0"#), "{svg}");
        if !family.is_empty() {
            assert!(svg.contains(&format!("<title>{family} non placée : ")));
        }
        // Without homes, nothing unplaced is drawn; the standalone map stays without codes.
        plan.unmet.clear();
        let svg = week_map_labelled(&plan, None, &communes(), &homes);
        assert!(!svg.contains("non placée :"));
        assert!(!week_map(&plan, None, &communes()).contains("F-0"));
    }

    #[test]
    fn the_same_plans_give_the_same_bytes() {
        let a = week_map(
            &plan(PlanMethod::Optimised),
            Some(&plan(PlanMethod::Baseline)),
            &communes(),
        );
        let b = week_map(
            &plan(PlanMethod::Optimised),
            Some(&plan(PlanMethod::Baseline)),
            &communes(),
        );
        assert_eq!(a, b);
        // One decimal for every coordinate.
        let points = a
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        for xy in points.split([' ', ',']) {
            assert_eq!(xy.split('.').nth(1).map(str::len), Some(1), "{xy}");
        }
    }

    #[test]
    fn every_point_falls_inside_the_map() {
        let p = plan(PlanMethod::Optimised);
        let proj = Projection::fit(plan_points(&p));
        for point in plan_points(&p) {
            let (x, y) = proj.xy(point);
            assert!((0.0..=MAP_W).contains(&x) && (0.0..=proj.height).contains(&y));
        }
        // North is up and east is right.
        let (x_west, y_south) = proj.xy((50.3293, 3.3957));
        let (x_east, y_north) = proj.xy((50.4024, 3.6012));
        assert!(x_west < x_east && y_north < y_south);
    }

    /// A fuller week to look at: 4 référents, Monday to Friday, 2 to 4 visits a day near
    /// the reference communes; the baseline scatters each référent's visits more widely.
    fn sample_plan(kind: PlanMethod, towns: &[(String, f64, f64)]) -> WeekPlan {
        let mut state: u64 = 49;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let week = IsoWeek::parse("2026-W49").unwrap();
        let referents = (0..4)
            .map(|i| {
                let home = &towns[i * 3 % towns.len()];
                let days = (0..5)
                    .map(|d| {
                        let stops: Vec<(String, (f64, f64))> = (0..2 + next(3))
                            .map(|k| {
                                let spread = if kind == PlanMethod::Baseline { 11 } else { 3 };
                                let t = &towns[(i * 3 + next(spread) as usize) % towns.len()];
                                let jitter = |v: u64| (v as f64 - 50.0) / 5_000.0;
                                (
                                    format!("F-{i}{d}{k}"),
                                    (t.1 + jitter(next(100)), t.2 + jitter(next(100))),
                                )
                            })
                            .collect();
                        let refs: Vec<(&str, (f64, f64))> =
                            stops.iter().map(|(f, p)| (f.as_str(), *p)).collect();
                        day(week.monday() + chrono::Days::new(d), &refs)
                    })
                    .collect();
                referent(
                    &format!("R-0{}", i + 1),
                    (home.1 + 0.004, home.2 - 0.006),
                    days,
                )
            })
            .collect();
        WeekPlan {
            week,
            method: kind,
            referents,
            unmet: vec![],
            assignment: vec![],
            cancelled: vec![],
        }
    }

    /// Writes a sample map to the temp dir, to look at it:
    /// `cargo test --lib -p parcours report::map -- --ignored`, then
    /// `rsvg-convert $TMPDIR/parcours-map.svg -o map.png`.
    #[test]
    #[ignore = "writes a sample map to the temp dir"]
    fn writes_a_sample_map() {
        let towns: Vec<(String, f64, f64)> = [
            ("Valenciennes", 50.357, 3.523),
            ("Anzin", 50.372, 3.505),
            ("Denain", 50.329, 3.396),
            ("Saint-Saulve", 50.373, 3.556),
            ("Onnaing", 50.388, 3.598),
            ("Marly", 50.346, 3.550),
            ("Condé-sur-l'Escaut", 50.456, 3.590),
            ("Bruay-sur-l'Escaut", 50.398, 3.540),
            ("Vieux-Condé", 50.460, 3.567),
            ("Quiévrechain", 50.393, 3.665),
            ("Trith-Saint-Léger", 50.318, 3.486),
        ]
        .iter()
        .map(|(n, lat, lon)| ((*n).to_owned(), *lat, *lon))
        .collect();
        let svg = week_map(
            &sample_plan(PlanMethod::Optimised, &towns),
            Some(&sample_plan(PlanMethod::Baseline, &towns)),
            &towns,
        );
        std::fs::write(std::env::temp_dir().join("parcours-map.svg"), svg).unwrap();
    }
}

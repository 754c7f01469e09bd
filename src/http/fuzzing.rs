//! Entry points for the coverage-guided fuzz targets of `fuzz/` (issue 13): each JSON body the
//! API accepts, read as its handler reads it, then checked as far as the handler goes before it
//! needs the database. The server never calls them.
//!
//! A body goes through the handler's own extractor (`AppJson`) or parser, so these entry points
//! follow any change to them; what the handler then checks in its own body is called here too
//! (a family's record goes through the import's validation, like `PUT /families/{code}`).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::Body as HttpBody;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::extract::AppJson;
use super::{eps, families, horizon, jobs, pins, subscriptions, visits, workshops};
use crate::domain::{Code, Territory};
use crate::import::{self, Source};

/// The JSON request bodies of the API ([`Body::operation`] names the operation of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A family's record.
    Family,
    /// Whose calendar to subscribe to.
    Subscription,
    /// A plan's optional settings.
    PlanSettings,
    /// What became of a visit.
    VisitReport,
    /// Where a coordinator fixes a visit of the week's plan.
    Pin,
    /// The optional settings of the eight weeks' simulation.
    HorizonSettings,
    /// The optional settings of an EPS year's plan.
    EpsPlanSettings,
    /// A meeting's new status.
    EpsStatus,
    /// The optional settings of a workshops year's plan.
    WorkshopPlanSettings,
}

impl Body {
    /// Every body, in route order.
    pub const ALL: [Body; 9] = [
        Body::Family,
        Body::Subscription,
        Body::PlanSettings,
        Body::VisitReport,
        Body::Pin,
        Body::HorizonSettings,
        Body::EpsPlanSettings,
        Body::EpsStatus,
        Body::WorkshopPlanSettings,
    ];

    /// The operation that reads it: method and path, as the OpenAPI document names them.
    pub fn operation(self) -> (&'static str, &'static str) {
        match self {
            Body::Family => ("put", "/api/v1/families/{code}"),
            Body::Subscription => ("post", "/api/v1/feed-subscriptions"),
            Body::PlanSettings => ("post", "/api/v1/weeks/{week}/plans"),
            Body::VisitReport => ("post", "/api/v1/weeks/{week}/visits/{family}"),
            Body::Pin => ("put", "/api/v1/weeks/{week}/plan/pins/{family}"),
            Body::HorizonSettings => ("post", "/api/v1/weeks/{week}/horizon"),
            Body::EpsPlanSettings => ("post", "/api/v1/eps/{year}/plans"),
            Body::EpsStatus => ("put", "/api/v1/eps/{year}/meetings/{code}/status"),
            Body::WorkshopPlanSettings => ("post", "/api/v1/workshops/{year}/plans"),
        }
    }
}

/// The family code a fuzzed family body is written to (a new family of `existing`).
const FUZZED_FAMILY: &str = "F-9999";

/// Reads `bytes` as the request body `body`, the way its handler does, and validates it as far as
/// the handler goes without the database, a family against the records of `existing`.
///
/// # Errors
/// The French message the API would answer with (400 or 422) when the body is refused.
pub fn read_body(body: Body, bytes: &[u8], existing: &Territory) -> Result<(), String> {
    match body {
        Body::Family => {
            let input: families::FamilyInput = extract(bytes)?;
            let csv = families::csv(FUZZED_FAMILY, &input);
            let source = Source::from_files(vec![(
                crate::domain::files::FAMILIES.to_owned(),
                csv.into_bytes(),
            )]);
            let validation = import::validate(&source, existing, crate::reference::MONDAY);
            match validation.errors.first() {
                None => Ok(()),
                Some(issue) => Err(issue.to_string()),
            }
        }
        Body::Subscription => {
            let new: subscriptions::NewSubscription = extract(bytes)?;
            Code::parse(&new.person).map_err(|e| e.to_string())?;
            Ok(())
        }
        Body::PlanSettings => {
            // The handler reads the optional body itself (an empty one means the defaults).
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            serde_json::from_slice::<jobs::NewPlan>(bytes).map_err(|e| e.to_string())?;
            Ok(())
        }
        Body::VisitReport => {
            let update: visits::VisitUpdate = extract(bytes)?;
            if let Some(to) = update.to.as_deref() {
                visits::local_time(to)?;
            }
            Ok(())
        }
        Body::Pin => {
            let pin: pins::Pin = extract(bytes)?;
            visits::local_time(&pin.start)?;
            Ok(())
        }
        Body::HorizonSettings => {
            // Read like the plan's settings (an empty body means the defaults), then checked.
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            let settings: horizon::NewHorizon =
                serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            let week = crate::planning::IsoWeek::containing(crate::reference::MONDAY);
            horizon::template(week, &settings).map_err(|e| format!("{e:?}"))?;
            Ok(())
        }
        Body::EpsPlanSettings => {
            // Read like the week's plan settings (an empty body means the defaults), then its
            // time limit checked as the handler does before it reads the database.
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            let settings: eps::NewEpsPlan =
                serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            let year = crate::planning::SchoolYear::containing(crate::reference::MONDAY);
            eps::time_limit(year, settings.time_limit_seconds).map_err(|e| format!("{e:?}"))?;
            Ok(())
        }
        Body::WorkshopPlanSettings => {
            // As the EPS year's settings.
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            let settings: workshops::NewWorkshopPlan =
                serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            let year = crate::planning::SchoolYear::containing(crate::reference::MONDAY);
            eps::time_limit(year, settings.time_limit_seconds).map_err(|e| format!("{e:?}"))?;
            Ok(())
        }
        Body::EpsStatus => {
            let _: eps::NewStatus = extract(bytes)?;
            Ok(())
        }
    }
}

/// The body through the handlers' JSON extractor, as a JSON request.
fn extract<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let request = Request::builder()
        .method("POST")
        .uri("/")
        .header(CONTENT_TYPE, "application/json")
        .body(HttpBody::from(bytes.to_vec()))
        .map_err(|e| e.to_string())?;
    match ready(AppJson::<T>::from_request(request, &())) {
        Ok(AppJson(value)) => Ok(value),
        Err(error) => Err(format!("{error:?}")),
    }
}

/// The output of a future that needs no I/O: an in-memory body is read in one poll.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn mini() -> Territory {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases/mini");
        let source = Source::from_dir(&dir).unwrap();
        import::validate(&source, &Territory::default(), crate::reference::MONDAY)
            .batch()
            .clone()
    }

    #[test]
    fn every_operation_of_the_document_that_reads_a_body_has_its_fuzzed_body() {
        let doc = serde_json::to_value(crate::http::openapi()).unwrap();
        let mut reading = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if operation.get("requestBody").is_some() {
                    reading.push((method.clone(), path.clone()));
                }
            }
        }
        let mut fuzzed: Vec<_> = Body::ALL
            .iter()
            .map(|b| {
                let (method, path) = b.operation();
                (method.to_owned(), path.to_owned())
            })
            .collect();
        reading.sort();
        fuzzed.sort();
        assert_eq!(fuzzed, reading);
    }

    #[test]
    fn the_fuzz_seeds_of_every_body_are_accepted_and_malformed_json_is_refused() {
        // Arrange
        let territory = mini();
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/api_bodies");
        let seed = |name: &str| std::fs::read(seeds.join(name)).unwrap();

        // Act / Assert
        for (body, file) in [
            (Body::Family, "family.json"),
            (Body::Subscription, "subscription.json"),
            (Body::PlanSettings, "plan_settings.json"),
            (Body::VisitReport, "visit_moved.json"),
            (Body::VisitReport, "visit_done.json"),
            (Body::Pin, "pin.json"),
            (Body::HorizonSettings, "horizon_settings.json"),
            (Body::EpsPlanSettings, "eps_plan_settings.json"),
            (Body::EpsStatus, "eps_status.json"),
        ] {
            assert_eq!(read_body(body, &seed(file), &territory), Ok(()), "{file}");
        }
        for body in Body::ALL {
            assert!(read_body(body, b"{", &territory).is_err(), "{body:?}");
        }
    }
}

//! The API's OpenAPI document is its route list (issue 14): the tests read the operations, their
//! roles and their times from the served document, never from a list of their own. The router
//! answers each operation of the document and no other method on its paths; each operation
//! admits the roles its `security` names and refuses the others with 403, before reading a body;
//! times are RFC 3339 date-times with an offset, in the document and in the answers.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

use crate::api::{Team, call, databases, json, team, team_on};
use crate::serve::{Reply, TestServer};

const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

/// One operation of the document.
struct Operation {
    method: String,
    /// As written in the document (`/api/v1/jobs/{id}`).
    template: String,
    /// With each path parameter replaced by its documented example.
    path: String,
    /// The roles of its `security`; `None` for an operation open to anyone.
    roles: Option<Vec<String>>,
    reads_body: bool,
}

fn document(server: &TestServer) -> Value {
    let reply = server.request("GET", "/api/openapi.json", &[], None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.headers["content-type"].starts_with("application/json"),
        "{:?}",
        reply.headers
    );
    let doc = json(&reply);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{doc}");
    doc
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut all = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut path = template.clone();
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] != "path" {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap();
                let example = match &parameter["example"] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => panic!("{method} {template}: {name} has no example ({other})"),
                };
                path = path.replace(&format!("{{{name}}}"), &example);
            }
            assert!(!path.contains('{'), "{method} {template}: {path}");
            let roles = operation["security"].as_array().map(|s| {
                s[0]["bearer"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{method} {template}: {s:?}"))
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect()
            });
            all.push(Operation {
                method: method.to_uppercase(),
                template: template.clone(),
                path,
                roles,
                reads_body: operation.get("requestBody").is_some(),
            });
        }
    }
    all
}

fn is_json_error(reply: &Reply) -> bool {
    reply
        .headers
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/json"))
        && serde_json::from_str::<Value>(&reply.body)
            .is_ok_and(|b| b["error"].as_str().is_some_and(|e| !e.is_empty()))
}

#[test]
fn the_router_answers_each_operation_of_its_document_and_no_other_method() {
    // Arrange
    let team = team();
    let server = TestServer::start(&team.url);
    let doc = document(&server);
    let operations = operations(&doc);
    assert!(operations.len() >= 14, "{} operations", operations.len());
    let paths: BTreeSet<&str> = operations.iter().map(|o| o.template.as_str()).collect();

    for template in paths {
        let documented: BTreeSet<&str> = operations
            .iter()
            .filter(|o| o.template == template)
            .map(|o| o.method.as_str())
            .collect();
        let path = &operations
            .iter()
            .find(|o| o.template == template)
            .unwrap()
            .path;
        for method in METHODS {
            // Act: no token, no body.
            let reply = server.request(method, path, &[], None);

            // Assert
            if !documented.contains(method) {
                assert_eq!(reply.status, 405, "{method} {template}: {}", reply.body);
                assert!(is_json_error(&reply), "{method} {template}: {}", reply.body);
                let allowed: BTreeSet<&str> = reply.headers["allow"]
                    .split(',')
                    .map(str::trim)
                    .filter(|m| *m != "HEAD")
                    .collect();
                assert_eq!(
                    allowed, documented,
                    "{template}: Allow differs from the document"
                );
                continue;
            }
            let operation = operations
                .iter()
                .find(|o| o.template == template && o.method == method)
                .unwrap();
            if operation.roles.is_some() {
                assert_eq!(reply.status, 401, "{method} {template}: {}", reply.body);
                assert!(is_json_error(&reply), "{method} {template}: {}", reply.body);
                assert!(reply.headers.contains_key("www-authenticate"));
            } else {
                assert_eq!(reply.status, 200, "{method} {template}: {}", reply.body);
            }
        }
    }
    // Outside the document: the document itself and the feeds, which need no token.
    assert!(doc["paths"].get("/api/openapi.json").is_none());
    assert!(doc["paths"].get("/feeds/{file}").is_none());
}

#[test]
fn each_operation_admits_the_roles_its_document_names_and_refuses_the_others_before_the_body() {
    for (database, url) in databases() {
        roles_on(team_on(Some(database), url));
    }
}

fn roles_on(team: Team) {
    let server = TestServer::start(&team.url);
    let operations = operations(&document(&server));
    let tokens = [
        ("coordinator", &team.coordinator),
        ("referent", &team.r01),
        ("logistics", &team.logistics),
    ];
    let mut refused = 0;
    for op in operations.iter().filter(|o| o.roles.is_some()) {
        let what = format!("{} {}", op.method, op.template);
        let roles = op.roles.as_ref().unwrap();
        for (role, token) in tokens {
            let admitted = roles.is_empty() || roles.iter().any(|r| r == role);
            if admitted {
                // A malformed body gets past the role to the body's own 400; no body, the
                // operation's own answer.
                let body = op.reads_body.then_some("{");
                let reply = call(&server, &op.method, &op.path, token, body);
                if op.reads_body {
                    assert_eq!(reply.status, 400, "{what} as {role}: {}", reply.body);
                } else {
                    assert!(
                        ![401, 403].contains(&reply.status) && reply.status < 500,
                        "{what} as {role}: {} {}",
                        reply.status,
                        reply.body
                    );
                }
                continue;
            }
            let bodies: &[Option<&str>] = if op.reads_body {
                &[Some("{"), Some(r#"{"seed": -1}"#), Some("\u{0}")]
            } else {
                &[None]
            };
            for body in bodies {
                let reply = call(&server, &op.method, &op.path, token, *body);
                assert_eq!(reply.status, 403, "{what} as {role}: {}", reply.body);
                assert!(is_json_error(&reply), "{what}: {}", reply.body);
                assert_eq!(
                    json(&reply)["error"],
                    "votre rôle ne permet pas cette action",
                    "{what}"
                );
                refused += 1;
            }
        }
        // Without a token, 401 before the body too.
        let headers = [("Content-Type", "application/json")];
        let anonymous = server.request(&op.method, &op.path, &headers, Some("{"));
        assert_eq!(anonymous.status, 401, "{what}: {}", anonymous.body);
        assert!(is_json_error(&anonymous), "{what}: {}", anonymous.body);
    }
    assert!(refused > 20, "only {refused} refusals checked");
}

/// The properties of the document's schemas that hold an instant or a date, by their names.
fn time_kind(property: &str) -> Option<&'static str> {
    let instant =
        ["start", "end", "leave", "back", "to"].contains(&property) || property.ends_with("_at");
    let date = property == "date"
        || property.ends_with("_since")
        || property.ends_with("_on")
        || property.starts_with("last_");
    if instant {
        Some("date-time")
    } else if date {
        Some("date")
    } else {
        None
    }
}

/// Every `(key, text)` of `value`, at any depth.
fn texts<'v>(value: &'v Value, out: &mut Vec<(&'v str, &'v str)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if let Value::String(s) = v {
                    out.push((key, s));
                }
                texts(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        _ => {}
    }
}

#[test]
fn times_are_rfc3339_date_times_with_an_offset_in_the_document_and_in_the_answers() {
    // Arrange
    let team = team();
    let server = TestServer::start(&team.url);
    let doc = document(&server);

    // Assert: the document types every time it names.
    let mut typed = BTreeSet::new();
    for (schema, body) in doc["components"]["schemas"].as_object().unwrap() {
        for (name, property) in body["properties"].as_object().into_iter().flatten() {
            let Some(kind) = time_kind(name) else {
                continue;
            };
            assert_eq!(
                property["format"], kind,
                "{schema}.{name} is not typed as a {kind}: {property}"
            );
            let types = &property["type"];
            assert!(
                *types == "string"
                    || types
                        .as_array()
                        .is_some_and(|t| t.contains(&"string".into())),
                "{schema}.{name}: {property}"
            );
            typed.insert(format!("{schema}.{name}"));
        }
    }
    for expected in [
        "StopDto.start",
        "StopDto.end",
        "DayDto.leave",
        "DayDto.back",
        "DayDto.date",
        "RideDto.start",
        "VisitUpdate.to",
        "FamilyDto.last_visit",
        "FamilyDto.referent_since",
        "FamilyInput.last_visit",
    ] {
        assert!(
            typed.contains(expected),
            "{expected} not checked: {typed:?}"
        );
    }

    // Act: the answers that carry times.
    let publish = "/api/v1/weeks/2026-W49/publish";
    assert_eq!(
        call(&server, "POST", publish, &team.coordinator, None).status,
        200
    );
    let answers = [
        "/api/v1/weeks/2026-W49/referents/R-01",
        "/api/v1/rides",
        "/api/v1/territory",
    ]
    .map(|path| {
        let reply = call(&server, "GET", path, &team.coordinator, None);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        json(&reply)
    });

    // Assert: each time on the wire reads as its document says; December in Paris is +01:00.
    let mut seen = BTreeSet::new();
    for answer in &answers {
        let mut found = Vec::new();
        texts(answer, &mut found);
        for (key, text) in found {
            match time_kind(key) {
                Some("date-time") => {
                    let t = DateTime::parse_from_rfc3339(text)
                        .unwrap_or_else(|e| panic!("{key} = {text}: {e}"));
                    assert_eq!(t.offset().local_minus_utc(), 3600, "{key} = {text}");
                }
                Some(_) => {
                    NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .unwrap_or_else(|e| panic!("{key} = {text}: {e}"));
                }
                None => continue,
            }
            seen.insert(key);
        }
    }
    for key in ["start", "end", "leave", "back", "date", "last_visit"] {
        assert!(seen.contains(key), "no {key} in the answers: {seen:?}");
    }
}

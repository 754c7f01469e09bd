//! `parcours-dev bench vrptw` (issue 4), as a developer runs it: on one Solomon instance with a
//! small iteration budget and without PyVRP, and on a malformed instance; `parcours-dev bench
//! scaling` on two small sizes; `parcours-dev bench feeds` (issue 6) briefly, when wrk and nginx
//! are installed, and without them.

use std::path::Path;
use std::process::Command;

use crate::{parcours_dev, parcours_dev_in};

/// The committed copy of Solomon's C101 (fixtures/vrptw), so the test runs from any clone.
fn solomon() -> Option<std::path::PathBuf> {
    Some(crate::fixture("vrptw"))
}

#[test]
fn bench_vrptw_on_one_instance_writes_a_solution_the_independent_checker_accepts() {
    // Arrange
    let Some(instances) = solomon() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (instances_arg, out_arg) = (instances.to_str().unwrap(), out.to_str().unwrap());

    // Act
    let run = parcours_dev_in(
        dir.path(),
        &[
            "bench",
            "vrptw",
            "--instances",
            instances_arg,
            "--time-limit",
            "60",
            "--seeds",
            "1",
            "--iterations",
            "200",
            "--out",
            out_arg,
            "--only",
            "C101",
            "--no-pyvrp",
        ],
    );

    // Assert
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("| C101 | 827.3 | "), "{stdout}");
    assert!(stdout.contains("| **All** mean (1) |"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(out.join("summary.md")).unwrap(),
        stdout
    );
    // The project's independent Python checker, when the shared tools sit beside the clone.
    let checker =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools/vrptw-check/check.py");
    if !checker.is_file() {
        println!("skipped check.py: {} not found", checker.display());
        return;
    }
    let check = Command::new("python3")
        .arg(checker)
        .arg(instances.join("C101.vrp"))
        .arg(out.join("C101.sol"))
        .output();
    match check {
        Ok(check) => assert!(
            check.status.success(),
            "check.py: {}",
            String::from_utf8_lossy(&check.stdout)
        ),
        Err(err) => println!("skipped check.py: {err}"),
    }
}

#[test]
fn bench_vrptw_refuses_a_malformed_instance_with_exit_code_1_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("BAD.vrp"),
        "NAME : BAD\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : GEO\n",
    )
    .unwrap();

    let run = parcours_dev_in(
        dir.path(),
        &[
            "bench",
            "vrptw",
            "--instances",
            ".",
            "--time-limit",
            "1",
            "--seeds",
            "1",
            "--out",
            "out",
            "--no-pyvrp",
        ],
    );

    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("BAD.vrp : ligne 3, EDGE_WEIGHT_TYPE : « GEO » non pris en charge"),
        "{stderr}"
    );
    assert!(!dir.path().join("parcours.db").exists());
}

#[test]
fn bench_scaling_measures_each_size_in_its_own_process_and_writes_a_table() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scaling");

    // Act
    let run = parcours_dev_in(
        dir.path(),
        &[
            "bench",
            "scaling",
            "--sizes",
            "10,30",
            "--time-limit",
            "0.3",
            "--out",
            out.to_str().unwrap(),
        ],
    );

    // Assert
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("| 10 |") || l.starts_with("| 30 |"))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let iterations: u64 = cells[4].parse().unwrap();
        assert!(iterations > 0, "{row}");
        if cfg!(target_os = "linux") {
            let peak: f64 = cells[9].parse().unwrap();
            assert!(peak > 0.0, "{row}");
        }
    }
    for name in ["S10.vrp", "S30.vrp", "S10.sol", "S30.sol", "scaling.md"] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("scaling.md")).unwrap(),
        stdout
    );
}

/// `parcours-dev bench feeds` with `PATH` set to `path` (the tests set `dir` only, so that
/// neither wrk nor nginx is found, unless one sits in an `sbin` folder, which the command also
/// searches).
fn bench_feeds(dir: &Path, path: &std::ffi::OsStr, args: &[&str]) -> std::process::Output {
    parcours_dev()
        .current_dir(dir)
        .env("PATH", path)
        .args(["bench", "feeds"])
        .args(args)
        .output()
        .expect("the parcours-dev binary should start")
}

/// Whether both programs are on `path` or in an `sbin` folder, where the command finds them.
fn wrk_and_nginx_installed(path: &std::ffi::OsStr) -> bool {
    ["wrk", "nginx"].iter().all(|tool| {
        std::env::split_paths(path)
            .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
            .any(|d| d.join(tool).is_file())
    })
}

#[test]
fn bench_feeds_without_wrk_says_how_to_install_it_and_starts_nothing() {
    // Arrange
    if ["/usr/local/sbin", "/usr/sbin", "/sbin"]
        .iter()
        .any(|d| Path::new(d).join("wrk").is_file())
    {
        println!("skipped: wrk is in an sbin folder");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");

    // Act
    let run = bench_feeds(
        dir.path(),
        dir.path().as_os_str(),
        &["--duration", "1", "--out", out.to_str().unwrap()],
    );
    let bad = bench_feeds(
        dir.path(),
        dir.path().as_os_str(),
        &["--connections", "1", "--threads", "2"],
    );

    // Assert
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("apt-get install wrk"), "{stderr}");
    assert!(!out.exists(), "nothing is prepared without the tools");
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--connections"), "{stderr}");
}

#[test]
fn bench_feeds_measures_parcours_and_nginx_when_both_are_installed() {
    // Arrange
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !wrk_and_nginx_installed(&path) {
        println!("skipped: wrk or nginx is not installed");
        return;
    }
    let server = Path::new(env!("CARGO_BIN_EXE_parcours-dev")).with_file_name("parcours");
    if !server.is_file() {
        println!(
            "skipped: {} is not built (cargo test --workspace builds it)",
            server.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");

    // Act
    let run = bench_feeds(
        dir.path(),
        &path,
        &[
            "--duration",
            "1",
            "--connections",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
    );

    // Assert
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    for label in ["Parcours 200", "nginx 200", "Parcours 304", "nginx 304"] {
        let row = stdout
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no row {label}:\n{stdout}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert!(cells[2].parse::<f64>().unwrap() > 0.0, "{row}");
        assert_eq!(cells[5], "0", "errors in {row}");
    }
    assert!(
        stdout.contains("Parcours / nginx, requests/s: 200 "),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("summary.md")).unwrap(),
        stdout
    );
    let feed = std::fs::read_to_string(out.join("www/feed.ics")).unwrap();
    assert!(feed.starts_with("BEGIN:VCALENDAR"), "{feed}");
}

#[test]
fn bench_feeds_without_the_parcours_binary_says_how_to_build_it_and_starts_nothing() {
    // Arrange
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !wrk_and_nginx_installed(&path) {
        println!("skipped: wrk or nginx is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let missing = dir.path().join("no-such-parcours");

    // Act
    let run = bench_feeds(
        dir.path(),
        &path,
        &[
            "--duration",
            "1",
            "--parcours",
            missing.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );

    // Assert
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cargo build --release --workspace"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is prepared without the server");
}

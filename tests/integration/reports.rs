//! Reports people look at: report.html renders in a real browser with data in every chart,
//! plan.json carries the whole plan, every writer shows the same numbers, CSVs are safe to open
//! in a spreadsheet, and `diff` says what moved.

use super::util::{capplan, close, fixtures, repo, stderr, workdir};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn plan_into(dir: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = capplan(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn headless(browser: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium")
}

#[test]
fn report_html_renders_in_chromium_with_data_in_every_chart() {
    let work = workdir();
    let out = work.path().join("plan");
    plan_into(&repo().join("inputs/openai-2025"), &out, &[]);
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing fetched, nothing run.
    for banned in ["<script", "http://", "https://", "<link", "@import"] {
        assert!(!html.contains(banned), "report.html contains {banned}");
    }
    // `url(` only as a reference inside the page (the Gantt's hatch pattern), never to a file.
    for (at, _) in html.match_indices("url(") {
        assert!(
            html[at..].starts_with("url(#"),
            "report.html fetches {}",
            html[at..].chars().take(40).collect::<String>()
        );
    }
    let Some(browser) = chromium() else {
        super::util::skip_or_fail(
            "chromium not found (apt-get install chromium, or set CHROMIUM): the browser part",
        );
        return;
    };
    let url = format!("file://{}", page.display());
    let dom = headless(&browser, &work.path().join("p1"), &["--dump-dom", &url]);
    let dom_text = String::from_utf8_lossy(&dom.stdout).into_owned();
    let log = String::from_utf8_lossy(&dom.stderr).into_owned();
    for bad in [":CONSOLE(", "Uncaught", "Failed to load resource"] {
        assert!(!log.contains(bad), "browser console reported {bad}:\n{log}");
    }
    let mut charts = vec![
        "spend-by-provider",
        "burn-down",
        "power-by-site",
        "power-total",
        "gpu-demand-units",
        "gpu-units-by-sku",
        "cpu-by-provider",
        "unmet",
    ];
    // The reservation Gantt, when the scenario reserves (one bar per reservation signed).
    let reserves = std::fs::read_to_string(out.join("reservations.csv"))
        .map(|c| c.lines().count() > 1)
        .unwrap_or(false);
    if reserves {
        charts.push("reservations");
    }
    for id in charts {
        let at = dom_text
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("chart {id} not rendered"));
        let tag = &dom_text[at..at + 300.min(dom_text.len() - at)];
        let points: usize = tag
            .split("data-points=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(points > 0, "chart {id} has no data");
    }
    assert!(dom_text.contains("<table>") && dom_text.contains("Commitment burn-down"));
    // The power chart draws lines with height: some point of a site's line is above the axis.
    let power = &dom_text[dom_text.find("id=\"power-by-site\"").unwrap()..];
    let power = &power[..power.find("</svg>").unwrap()];
    let drawn = power
        .split("<polyline")
        .skip(1)
        .filter(|p| !p.contains("stroke-dasharray"))
        .flat_map(|p| {
            let pts = p
                .split("points=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            pts.split(' ')
                .map(|xy| xy.split(',').nth(1).unwrap().parse::<f64>().unwrap())
                .collect::<Vec<_>>()
        })
        .fold(f64::INFINITY, f64::min);
    assert!(
        drawn < 250.0,
        "power chart is flat at zero (highest point y = {drawn})"
    );
    // A screenshot a person can look at, kept under target/test-artifacts/.
    let artifacts = repo().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("report-openai-2025.png");
    let _ = std::fs::remove_file(&shot);
    let s = headless(
        &browser,
        &work.path().join("p2"),
        &[
            "--window-size=1200,3000",
            "--hide-scrollbars",
            &format!("--screenshot={}", shot.display()),
            &url,
        ],
    );
    assert!(
        shot.exists() && std::fs::metadata(&shot).unwrap().len() > 20_000,
        "no screenshot: {}",
        String::from_utf8_lossy(&s.stderr)
    );
}

/// plan.json, summary.json, the CSVs, summary.md and report.html show the same numbers.
#[test]
fn every_writer_shows_the_same_numbers() {
    let work = workdir();
    let out = work.path().join("plan");
    plan_into(
        &fixtures().join("take_or_pay_shortfall"),
        &out,
        &["--price-clauses"],
    );
    let plan = json(&out.join("plan.json"));
    let summary = json(&out.join("summary.json"));
    assert_eq!(plan["format"], "capplan-plan");
    assert_eq!(plan["version"], 1);
    for key in ["objective_usd", "usage_usd", "shortfall_usd", "unmet_units"] {
        assert_eq!(plan["totals"][key], summary[key], "{key}");
    }
    // CSV rows are plan.json's rows, rounded.
    let csv_rows = |file: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_path(out.join(file))
            .unwrap()
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    let alloc = csv_rows("allocation.csv");
    let plan_alloc = plan["allocation"].as_array().unwrap();
    assert_eq!(alloc.len(), plan_alloc.len());
    for (r, p) in alloc.iter().zip(plan_alloc) {
        assert_eq!(&r[0], p["period"].as_str().unwrap());
        assert_eq!(&r[2], p["provider"].as_str().unwrap());
        assert!(close(
            r[7].parse::<f64>().unwrap(),
            p["usd"].as_f64().unwrap(),
            1e-6
        ));
    }
    let spend = csv_rows("provider_spend.csv");
    let total: f64 = spend.iter().map(|r| r[2].parse::<f64>().unwrap()).sum();
    assert!(close(total, summary["usage_usd"].as_f64().unwrap(), 1e-6));
    let contracts = csv_rows("contracts.csv");
    for (r, p) in contracts.iter().zip(plan["contracts"].as_array().unwrap()) {
        assert!(close(
            r[4].parse::<f64>().unwrap(),
            p["shortfall_usd"].as_f64().unwrap(),
            1e-6
        ));
    }
    assert_eq!(
        csv_rows("clauses.csv").len(),
        plan["clauses"].as_array().unwrap().len()
    );
    // Every table cell of the memo appears in the HTML page, and the charts carry the same spend.
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for line in md
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
    {
        for cell in line
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let plain = cell.replace("**", "").replace('`', "");
            let escaped = plain
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(
                html.contains(&escaped),
                "report.html lacks memo cell {cell:?}"
            );
        }
    }
    for p in plan["provider_spend"].as_array().unwrap() {
        let usd = capplan::report::format::usd(p["usd"].as_f64().unwrap());
        let title = format!(
            "{} {}: {}",
            p["period"].as_str().unwrap(),
            p["provider"].as_str().unwrap(),
            usd
        );
        assert!(html.contains(&title), "spend chart lacks {title}");
    }
}

/// No cell a spreadsheet would run as a formula; numbers stay numbers.
#[test]
fn csv_reports_are_safe_to_open_in_a_spreadsheet() {
    let work = workdir();
    let out = work.path().join("plan");
    plan_into(
        &repo().join("inputs/openai-2025"),
        &out,
        &["--price-clauses"],
    );
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "csv") {
            continue;
        }
        for record in csv::Reader::from_path(&path).unwrap().records() {
            for cell in record.unwrap().iter() {
                let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(
                    !risky,
                    "{}: cell {cell:?} could run as a formula",
                    path.display()
                );
            }
        }
    }
}

/// first_on_priority with and without its rule (hand figures in the fixture's README): removing
/// the rule moves January's 3200 and February's 5300 off azure; aws goes from 1800 to 7000.
#[test]
fn diff_reports_what_moved() {
    let work = workdir();
    let (old, new) = (work.path().join("old"), work.path().join("new"));
    let without = work.path().join("without-rule");
    std::fs::create_dir(&without).unwrap();
    for e in std::fs::read_dir(fixtures().join("first_on_priority")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") && !p.ends_with("rules.csv") {
            std::fs::copy(&p, without.join(p.file_name().unwrap())).unwrap();
        }
    }
    plan_into(&fixtures().join("first_on_priority"), &old, &[]);
    plan_into(&without, &new, &[]);
    let changes = capplan::analysis::diff::compare(&old, &new).unwrap();
    let get = |section: &str, key: &str, period: &str| {
        changes
            .iter()
            .find(|c| c.section == section && c.key == key && c.period == period)
            .unwrap()
            .delta()
    };
    assert!(close(get("total", "objective_usd", ""), -3300.0, 1e-6));
    assert!(close(
        get("provider_month", "azure", "2026-01"),
        -3200.0,
        1e-6
    ));
    assert!(close(
        get("provider_month", "azure", "2026-02"),
        -5300.0,
        1e-6
    ));
    assert!(close(get("provider_month", "aws", "2026-02"), 3200.0, 1e-6));
    let csv_path = work.path().join("diff.csv");
    let o = capplan(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--csv",
        csv_path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("azure 2026"));
    assert!(std::fs::read_to_string(csv_path)
        .unwrap()
        .starts_with("section,key,period,old,new,delta"));
    // Not a report folder: a usage error.
    assert_eq!(
        capplan(&["diff", work.path().to_str().unwrap(), new.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

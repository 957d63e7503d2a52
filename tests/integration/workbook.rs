//! report.xlsx read back: every sheet's figures equal the CSVs (numbers as numbers), the view
//! sheets equal sums of the CSVs (and the hand-computed power of `power_binding`), the chart parts
//! exist and reference the right ranges, the bytes repeat, `capplan report` re-renders them from
//! plan.json alone, and LibreOffice opens the workbook (converted to PDF, kept as an artifact).

use super::util::{capplan, fixtures, plan_into_temp, repo, skip_or_fail, stderr, workdir};
use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sheets(path: &Path) -> BTreeMap<String, Range<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("open report.xlsx");
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).expect("sheet");
            (n, r)
        })
        .collect()
}

fn cell(r: &Range<Data>, row: usize, col: usize) -> Data {
    r.get((row, col)).cloned().unwrap_or(Data::Empty)
}

/// Every CSV of `out` is a sheet of the same name whose cells equal the CSV's: a number cell is
/// the CSV's number exactly, a text cell its text, an empty cell an empty field. Returns the
/// number of number cells compared.
fn assert_sheets_equal_csvs(out: &Path, book: &BTreeMap<String, Range<Data>>) -> usize {
    let mut numbers = 0;
    let mut csvs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    csvs.sort();
    assert!(!csvs.is_empty());
    for path in csvs {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let sheet = book
            .get(&name)
            .unwrap_or_else(|| panic!("no sheet for {name}.csv"));
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .unwrap();
        let mut rows = 0;
        for (r, rec) in rd.records().enumerate() {
            let rec = rec.unwrap();
            rows += 1;
            for (c, text) in rec.iter().enumerate() {
                match cell(sheet, r, c) {
                    Data::Float(v) => {
                        assert_eq!(
                            text.parse::<f64>().ok(),
                            Some(v),
                            "{name} row {r} col {c}: {text} vs {v}"
                        );
                        numbers += 1;
                    }
                    Data::String(s) => assert_eq!(s, text, "{name} row {r} col {c}"),
                    Data::Empty => assert_eq!(text, "", "{name} row {r} col {c}: missing"),
                    other => panic!("{name} row {r} col {c}: unexpected {other:?}"),
                }
            }
        }
        assert_eq!(sheet.height(), rows, "{name}: row count");
    }
    numbers
}

/// A wide view sheet as (header, rows of label and values).
fn wide(sheet: &Range<Data>) -> (Vec<String>, Vec<(String, Vec<Option<f64>>)>) {
    let header: Vec<String> = (0..sheet.width())
        .map(|c| cell(sheet, 0, c).to_string())
        .collect();
    let rows = (1..sheet.height())
        .map(|r| {
            let vals = (1..sheet.width())
                .map(|c| match cell(sheet, r, c) {
                    Data::Float(v) => Some(v),
                    Data::Empty => None,
                    other => panic!("view cell {other:?}"),
                })
                .collect();
            (cell(sheet, r, 0).to_string(), vals)
        })
        .collect();
    (header, rows)
}

fn chart_parts(path: &Path) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.starts_with("xl/charts/chart") && name.ends_with(".xml") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            parts.push(s);
        }
    }
    parts
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let h = rd.headers().unwrap().clone();
    rd.records()
        .map(|r| {
            h.iter()
                .zip(r.unwrap().iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn reference_workbook_equals_the_csvs_and_charts_reference_their_ranges() {
    let (_g, out, o) = plan_into_temp(&repo().join("inputs/openai-2025"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let xlsx = out.join("report.xlsx");
    let book = sheets(&xlsx);
    assert!(
        assert_sheets_equal_csvs(&out, &book) > 10_000,
        "few numbers: money written as text?"
    );
    // Numbers are numbers, never text, in the money and unit columns.
    let alloc = &book["allocation"];
    for r in 1..alloc.height() {
        for c in [5, 6, 7] {
            assert!(
                matches!(cell(alloc, r, c), Data::Float(_)),
                "allocation row {r} col {c} is not a number"
            );
        }
    }

    // Summary figures are summary.json's.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let figures: BTreeMap<String, Data> = (1..book["Summary"].height())
        .map(|r| {
            (
                cell(&book["Summary"], r, 0).to_string(),
                cell(&book["Summary"], r, 1),
            )
        })
        .collect();
    for (label, key) in [
        ("objective (present value, USD)", "objective_usd"),
        ("compute spend (nominal, USD)", "usage_usd"),
        ("take-or-pay shortfall (nominal, USD)", "shortfall_usd"),
        ("unmet demand (demand-unit-months)", "unmet_units"),
    ] {
        assert_eq!(
            figures[label],
            Data::Float(summary[key].as_f64().unwrap()),
            "{label}"
        );
    }

    // The spend view is provider_spend.csv pivoted: months down, providers across.
    let months = summary["periods"].as_u64().unwrap() as usize;
    let (header, rows) = wide(&book["Chart spend"]);
    assert_eq!(rows.len(), months);
    let mut expect: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in csv_rows(&out.join("provider_spend.csv")) {
        *expect
            .entry((r["period"].clone(), r["provider"].clone()))
            .or_default() += r["usd"].parse::<f64>().unwrap();
    }
    for (month, vals) in &rows {
        for (k, v) in vals.iter().enumerate() {
            let want = expect
                .get(&(month.clone(), header[k + 1].clone()))
                .copied()
                .unwrap_or(0.0);
            assert!(
                (v.unwrap() - want).abs() <= 0.01,
                "{month} {}: {v:?} vs {want}",
                header[k + 1]
            );
        }
    }

    // The GPU views: demand units (served) by provider add up to allocation.csv's served.
    let gpu_served: f64 = wide(&book["Chart GPU demand units"])
        .1
        .iter()
        .flat_map(|(_, v)| v.iter().map(|x| x.unwrap()))
        .sum();
    let skus: BTreeMap<String, (String, f64)> =
        csv_rows(&repo().join("inputs/openai-2025/skus.csv"))
            .into_iter()
            .map(|r| {
                (
                    r["sku"].clone(),
                    (
                        r["resource"].clone(),
                        r.get("power_kw")
                            .and_then(|p| p.parse().ok())
                            .unwrap_or(0.0),
                    ),
                )
            })
            .collect();
    let alloc_rows = csv_rows(&out.join("allocation.csv"));
    let served: f64 = alloc_rows
        .iter()
        .filter(|r| skus[&r["sku"]].0 == "gpu")
        .map(|r| r["served"].parse::<f64>().unwrap())
        .sum();
    assert!(
        (gpu_served - served).abs() <= 1e-3 * served,
        "{gpu_served} vs {served}"
    );
    // Power in MW per site: units x power_kw / 1000 from allocation.csv and skus.csv.
    let (ph, prow) = wide(&book["Chart power"]);
    let mut mw: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in &alloc_rows {
        *mw.entry((
            r["period"].clone(),
            format!("{}/{}", r["provider"], r["region"]),
        ))
        .or_default() += r["units"].parse::<f64>().unwrap() * skus[&r["sku"]].1 / 1000.0;
    }
    let mut total = 0.0;
    for (month, vals) in &prow {
        for (k, v) in vals
            .iter()
            .enumerate()
            .filter(|(k, _)| !ph[k + 1].ends_with(" limit"))
        {
            let want = mw
                .get(&(month.clone(), ph[k + 1].clone()))
                .copied()
                .unwrap_or(0.0);
            assert!(
                (v.unwrap() - want).abs() <= 1e-6 * want.max(1.0),
                "{month} {}: {v:?} vs {want}",
                ph[k + 1]
            );
            total += want;
        }
    }
    assert!(total > 1000.0, "power view is empty");
    // The cash view is cash.csv's balance and funding need, month by month.
    let (ch, crow) = wide(&book["Chart cash"]);
    assert_eq!(&ch[1..3], ["cash balance", "funding need"]);
    for (r, (month, vals)) in csv_rows(&out.join("cash.csv")).iter().zip(&crow) {
        assert_eq!(&r["period"], month);
        for (k, col) in ["cash", "funding_need"].iter().enumerate() {
            let want: f64 = r[*col].parse().unwrap();
            assert!((vals[k].unwrap() - want).abs() <= 0.01, "{month} {col}");
        }
    }

    // The charts: one part per chart, each series reading its column of its view sheet.
    let charts = chart_parts(&xlsx);
    let last = months + 1;
    let refers = |sheet: &str, col: &str| {
        let range = format!("'{sheet}'!${col}$2:${col}${last}");
        charts.iter().any(|c| c.contains(&range))
    };
    assert!(
        refers("Chart spend", "B") && refers("Chart burn-down", "C") && refers("Chart power", "B")
    );
    let spend = charts
        .iter()
        .find(|c| c.contains("'Chart spend'!$B$2"))
        .unwrap();
    assert!(spend.contains("<c:barChart>") && spend.contains(r#"<c:grouping val="stacked"/>"#));
    let spend_cols = header.len() - 1;
    assert_eq!(
        spend.matches("<c:ser>").count(),
        spend_cols,
        "one series per provider"
    );
    assert!(charts
        .iter()
        .any(|c| c.contains("'Chart GPU units'!") && c.contains("<c:lineChart>")));

    // Same inputs, same bytes; and `capplan report` writes those bytes from plan.json alone.
    let (_g2, out2, _) = plan_into_temp(&repo().join("inputs/openai-2025"), &[]);
    assert_eq!(
        std::fs::read(&xlsx).unwrap(),
        std::fs::read(out2.join("report.xlsx")).unwrap(),
        "xlsx bytes differ on rerun"
    );
}

#[test]
fn power_view_is_the_hand_computed_draw_against_each_envelope() {
    // tests/fixtures/power_binding/README.md: January oracle/abilene 30 gb200 x 2 kW + 40 h100 x 1 kW
    // = 0.1 MW at its 0.1 MW cap, azure/eastus 30 h100 = 0.03 MW under 5 MW; February (cap ended)
    // 100 gb200 x 2 kW = 0.2 MW on oracle, nothing on azure.
    let (_g, out, o) = plan_into_temp(&fixtures().join("power_binding"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = sheets(&out.join("report.xlsx"));
    let (header, rows) = wide(&book["Chart power"]);
    assert_eq!(
        header,
        [
            "month",
            "azure/eastus",
            "azure/eastus limit",
            "oracle/abilene",
            "oracle/abilene limit"
        ]
    );
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    };
    let want = [
        ("2026-01", [Some(0.03), Some(5.0), Some(0.1), Some(0.1)]),
        ("2026-02", [Some(0.0), Some(5.0), Some(0.2), None]),
    ];
    for ((m, got), (wm, w)) in rows.iter().zip(want) {
        assert_eq!(m, wm);
        assert!(
            got.iter().zip(w).all(|(a, b)| close(*a, b)),
            "{m}: {got:?} vs {w:?}"
        );
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"power-by-site\"") && html.contains("oracle/abilene limit 0.1 MW"));
}

#[test]
fn report_command_rerenders_html_and_xlsx_from_plan_json_alone() {
    let work = workdir();
    for (name, args) in [
        ("plan", vec!["plan", "tests/fixtures/take_or_pay_shortfall"]),
        (
            "simulate",
            vec![
                "simulate",
                "tests/fixtures/uncertainty/newsvendor",
                "--samples",
                "6",
            ],
        ),
    ] {
        let out = work.path().join(name);
        let mut a = args.clone();
        a.extend(["--out", out.to_str().unwrap(), "--quiet"]);
        let o = capplan(&a);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let html = std::fs::read(out.join("report.html")).unwrap();
        let xlsx = std::fs::read(out.join("report.xlsx")).unwrap();
        // A folder holding nothing but plan.json.
        let alone = work.path().join(format!("{name}-alone"));
        std::fs::create_dir(&alone).unwrap();
        std::fs::copy(out.join("plan.json"), alone.join("plan.json")).unwrap();
        let o = capplan(&["report", alone.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            std::fs::read(alone.join("report.html")).unwrap() == html,
            "{name}: report.html differs"
        );
        assert!(
            std::fs::read(alone.join("report.xlsx")).unwrap() == xlsx,
            "{name}: report.xlsx differs"
        );
        // In the folder plan wrote: deleted, then re-rendered to the same bytes.
        std::fs::remove_file(out.join("report.html")).unwrap();
        std::fs::remove_file(out.join("report.xlsx")).unwrap();
        let o = capplan(&["report", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            std::fs::read(out.join("report.xlsx")).unwrap() == xlsx,
            "{name}: report.xlsx differs"
        );
        // A folder capplan did not write keeps its own files: no overwrite.
        let o = capplan(&["report", alone.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{name}: overwrote files in a folder capplan did not write"
        );
    }
    let o = capplan(&["report", work.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("plan.json"), "{}", stderr(&o));
}

#[test]
fn simulate_and_commit_show_fans_and_shortfall_probability() {
    let work = workdir();
    let sim = work.path().join("sim");
    let o = capplan(&[
        "simulate",
        "tests/fixtures/uncertainty/newsvendor",
        "--samples",
        "20",
        "--out",
        sim.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = sheets(&sim.join("report.xlsx"));
    assert_sheets_equal_csvs(&sim, &book);
    let risk = csv_rows(&sim.join("risk.csv"));
    let row = |measure: &str| {
        risk.iter()
            .find(|r| {
                r["scope"] == "contract" && r["id"] == "savings-plan" && r["measure"] == measure
            })
            .unwrap()
    };
    // P(shortfall) bar = risk.csv's probability.
    let (_, bars) = wide(&book["Chart P(shortfall)"]);
    assert_eq!(bars[0].0, "savings-plan");
    assert_eq!(
        bars[0].1[0],
        Some(row("shortfall_usd")["probability"].parse().unwrap())
    );
    // The burn fan at the window's end is the contract's spend over the samples: its median is
    // risk.csv's spend P50 (found from per-month provider spend, not from the contract totals).
    let (header, fan) = wide(&book["Chart burn fan"]);
    let median_col = header
        .iter()
        .position(|h| h == "savings-plan median")
        .unwrap()
        - 1;
    let end = fan.last().unwrap().1[median_col].unwrap();
    let p50: f64 = row("spend_usd")["p50"].parse().unwrap();
    assert!((end - p50).abs() <= 0.01 + 1e-9 * p50, "{end} vs {p50}");
    let commit_col = header
        .iter()
        .position(|h| h == "savings-plan commitment")
        .unwrap()
        - 1;
    assert_eq!(fan[0].1[commit_col], Some(1000.0));
    let html = std::fs::read_to_string(sim.join("report.html")).unwrap();
    for id in ["fan-spend-0", "fan-burn-0", "p-shortfall"] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "no {id} in report.html"
        );
    }
    let charts = chart_parts(&sim.join("report.xlsx"));
    assert!(charts.iter().any(|c| c.contains("'Chart burn fan'!")
        && c.contains("<c:areaChart>")
        && c.contains("<c:lineChart>")));

    let com = work.path().join("commit");
    let o = capplan(&[
        "commit",
        "tests/fixtures/uncertainty/newsvendor",
        "--samples",
        "6",
        "--out",
        com.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = sheets(&com.join("report.xlsx"));
    assert_sheets_equal_csvs(&com, &book);
    for s in [
        "Chart P(shortfall)",
        "Chart P(shortfall) 2",
        "Chart burn fan",
        "Chart burn fan 2",
    ] {
        assert!(book.contains_key(s), "commit workbook has no {s}");
    }
    assert!(std::fs::read_to_string(com.join("report.html"))
        .unwrap()
        .contains("id=\"p-shortfall-2\""));
}

/// LibreOffice opens the workbook without repair: it converts it to PDF, which is kept (with PNGs
/// of its pages when poppler is installed) under target/test-artifacts/.
#[test]
fn libreoffice_converts_the_workbook_to_pdf() {
    let Some(soffice) = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
    else {
        skip_or_fail("LibreOffice (soffice) not found: apt-get install libreoffice-calc");
        return;
    };
    let work = workdir();
    let artifacts = repo().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for (name, args) in [
        (
            "workbook-power_binding",
            vec!["plan", "tests/fixtures/power_binding"],
        ),
        (
            "workbook-simulate",
            vec![
                "simulate",
                "tests/fixtures/uncertainty/newsvendor",
                "--samples",
                "10",
            ],
        ),
    ] {
        let out = work.path().join(name);
        let mut a = args.clone();
        a.extend(["--out", out.to_str().unwrap(), "--quiet"]);
        let o = capplan(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let xlsx = work.path().join(format!("{name}.xlsx"));
        std::fs::copy(out.join("report.xlsx"), &xlsx).unwrap();
        let profile = work.path().join(format!("lo-{name}"));
        let o = Command::new(&soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(work.path())
            .arg(&xlsx)
            .output()
            .expect("run soffice");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "soffice failed: {log}");
        for bad in ["repair", "corrupt", "Error:"] {
            assert!(
                !log.to_lowercase().contains(&bad.to_lowercase()),
                "soffice said {bad}: {log}"
            );
        }
        let pdf = work.path().join(format!("{name}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF: {log}"));
        assert!(
            bytes.starts_with(b"%PDF") && bytes.len() > 5_000,
            "PDF too small"
        );
        let kept = artifacts.join(format!("{name}.pdf"));
        std::fs::copy(&pdf, &kept).unwrap();
        if Path::new("/usr/bin/pdftoppm").exists() {
            let prefix = artifacts.join(name);
            let o = Command::new("/usr/bin/pdftoppm")
                .args(["-r", "60", "-png"])
                .arg(&kept)
                .arg(&prefix)
                .output()
                .expect("run pdftoppm");
            assert!(
                o.status.success(),
                "pdftoppm: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

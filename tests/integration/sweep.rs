//! `capplan sweep` against hand-computed what-ifs (tests/sweep/README.md), its refusal of bad
//! cases, and shards: `simulate --shard` / `sweep --shard` merged must equal the single run byte
//! for byte, and `merge` must refuse parts that do not belong together.

use super::util::{capplan, close, fixtures, repo, stderr, workdir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Every file under `dir`, by path relative to it.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

pub fn assert_same_tree(a: &Path, b: &Path) {
    let (ta, tb) = (tree(a), tree(b));
    assert_eq!(
        ta.keys().collect::<Vec<_>>(),
        tb.keys().collect::<Vec<_>>(),
        "different files in {} and {}",
        a.display(),
        b.display()
    );
    for (k, v) in &ta {
        assert!(
            v == &tb[k],
            "{k} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn rows(csv_path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(csv_path).expect("sweep.csv");
    let head = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn base_dir() -> PathBuf {
    fixtures().join("capacity_binding")
}

fn cases_file() -> PathBuf {
    repo().join("tests/sweep/cases.csv")
}

#[test]
fn sweep_matches_the_hand_computed_what_ifs() {
    let w = workdir();
    let out = w.path().join("out");
    let o = capplan(&[
        "sweep",
        s(&base_dir()),
        "--cases",
        s(&cases_file()),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = rows(&out.join("sweep.csv"));
    let num = |r: &BTreeMap<String, String>, k: &str| {
        r[k].parse::<f64>().unwrap_or_else(|_| panic!("{k}: {r:?}"))
    };
    // (case, objective, delta, coreweave, oracle, azure) from tests/sweep/README.md.
    let expect = [
        ("base", 427_050.0, 0.0, 131_400.0, 295_650.0, 0.0),
        (
            "demand-half",
            180_675.0,
            -246_375.0,
            131_400.0,
            49_275.0,
            0.0,
        ),
        ("coreweave-late", 492_750.0, 65_700.0, 0.0, 492_750.0, 0.0),
        ("azure-cheap", 219_000.0, -208_050.0, 0.0, 0.0, 219_000.0),
        (
            "oracle-dearer",
            459_900.0,
            32_850.0,
            131_400.0,
            328_500.0,
            0.0,
        ),
    ];
    assert_eq!(rows.len(), 6);
    for (r, (case, obj, delta, cw, or, az)) in rows.iter().zip(expect) {
        assert_eq!(r["case"], case);
        assert_eq!(r["status"], "optimal", "{case}");
        for (k, want) in [
            ("objective_usd", obj),
            ("delta_usd", delta),
            ("spend_coreweave_usd", cw),
            ("spend_oracle_usd", or),
            ("spend_azure_usd", az),
        ] {
            assert!(
                close(num(r, k), want, 1e-6),
                "{case} {k}: {} vs {want}",
                r[k]
            );
        }
    }
    assert_eq!(rows[5]["case"], "no-capacity");
    assert_eq!(rows[5]["status"], "infeasible");
    assert_eq!(rows[5]["objective_usd"], "");
    let md = std::fs::read_to_string(out.join("sweep.md")).unwrap();
    assert!(md.contains("The biggest move: **demand-half**"), "{md}");
    let html = std::fs::read_to_string(out.join("sweep.html")).unwrap();
    assert!(html.contains(r#"id="tornado" class="chart" data-series="1" data-points="4""#));
    for p in ["coreweave", "oracle", "azure"] {
        assert!(html.contains(&format!(r#"id="spend-{p}""#)), "{p}");
    }
}

#[test]
fn bad_cases_are_each_refused_with_their_line() {
    let w = workdir();
    let cases = w.path().join("cases.csv");
    std::fs::write(
        &cases,
        "case,file,select,column,op,value\n\
         a,offers,provider=ibm,max_units,scale,2\n\
         b,offers,provider=azure,max_units,set,-5\n\
         c,offers,*,max_units,multiply,2\n\
         d,workloads,*,from,shift_months,3\n\
         e,demand,*,quantity,scale,\n",
    )
    .unwrap();
    let out = w.path().join("out");
    let o = capplan(&[
        "sweep",
        s(&base_dir()),
        "--cases",
        s(&cases),
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let c = cases.display().to_string();
    for want in [
        format!("{c}:4: op: unknown op 'multiply'"),
        format!("{c}:5: column: workloads.csv has no column 'from'"),
        format!("{c}:6: value: scale needs a number"),
        format!("{c}:2: select: selects no row of offers.csv (3 rows)"),
        "in case 'b':".to_string(),
    ] {
        assert!(err.contains(&want), "missing {want:?} in:\n{err}");
    }
    assert!(!out.exists(), "nothing is written for a refused sweep");
}

fn shard_run(args: &[&str], n: u64, parts_dir: &Path) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let part = parts_dir.join(format!("part-{k}"));
            let shard = format!("{k}/{n}");
            let mut a = args.to_vec();
            a.extend(["--shard", &shard, "--out", s(&part), "--quiet"]);
            let o = capplan(&a);
            assert!(o.status.success(), "shard {shard}: {}", stderr(&o));
            part
        })
        .collect()
}

fn merge(parts: &[PathBuf], out: &Path) -> std::process::Output {
    let mut a = vec!["merge"];
    a.extend(parts.iter().map(|p| s(p)));
    a.extend(["--out", s(out), "--quiet"]);
    capplan(&a)
}

#[test]
fn sharded_sweep_merges_to_the_single_run_byte_for_byte() {
    let w = workdir();
    let base = base_dir();
    let cases = cases_file();
    let args = ["sweep", s(&base), "--cases", s(&cases), "--keep-plans"];
    let single = w.path().join("single");
    let mut a = args.to_vec();
    a.extend(["--out", s(&single), "--quiet"]);
    let o = capplan(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(single.join("cases/azure-cheap/summary.md").is_file());
    for n in [1u64, 3, 7] {
        let parts = shard_run(&args, n, &w.path().join(format!("n{n}")));
        let out = w.path().join(format!("merged{n}"));
        let o = merge(&parts, &out);
        assert!(o.status.success(), "N={n}: {}", stderr(&o));
        assert_same_tree(&single, &out);
    }
}

#[test]
fn sharded_simulate_merges_to_the_single_run_byte_for_byte() {
    let w = workdir();
    let dir = fixtures().join("uncertainty/newsvendor");
    let args = ["simulate", s(&dir), "--samples", "25", "--seed", "7"];
    let single = w.path().join("single");
    let mut a = args.to_vec();
    a.extend(["--out", s(&single), "--quiet"]);
    let o = capplan(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    for n in [1u64, 3, 7] {
        let parts = shard_run(&args, n, &w.path().join(format!("n{n}")));
        let out = w.path().join(format!("merged{n}"));
        let o = merge(&parts, &out);
        assert!(o.status.success(), "N={n}: {}", stderr(&o));
        assert_same_tree(&single, &out);
    }
}

#[test]
fn merge_refuses_mixed_missing_and_duplicated_shards() {
    let w = workdir();
    let dir = fixtures().join("uncertainty/newsvendor");
    let seed1 = shard_run(
        &["simulate", s(&dir), "--samples", "20", "--seed", "1"],
        2,
        &w.path().join("a"),
    );
    let seed2 = shard_run(
        &["simulate", s(&dir), "--samples", "20", "--seed", "2"],
        2,
        &w.path().join("b"),
    );
    let out = w.path().join("out");

    let o = merge(&[seed1[0].clone(), seed2[1].clone()], &out);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}: the seed is Some(2), but {} has Some(1)",
            seed2[1].display(),
            seed1[0].display()
        )),
        "{err}"
    );

    let o = merge(&seed1[..1], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("shard 2/2 is missing"),
        "{}",
        stderr(&o)
    );

    let o = merge(
        &[seed1[0].clone(), seed1[0].clone(), seed1[1].clone()],
        &out,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("shard 1/2 is given 2 times"),
        "{}",
        stderr(&o)
    );

    let sweep = shard_run(
        &["sweep", s(&base_dir()), "--cases", s(&cases_file())],
        2,
        &w.path().join("c"),
    );
    let o = merge(&[seed1[0].clone(), sweep[1].clone()], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the command is sweep, but"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

#[test]
fn merge_finds_a_relative_scenario_from_another_folder() {
    let w = workdir();
    // Shards given a path relative to the repository (their working folder)...
    let parts = shard_run(
        &[
            "simulate",
            "tests/fixtures/uncertainty/newsvendor",
            "--samples",
            "20",
        ],
        2,
        w.path(),
    );
    // ...merged from elsewhere: the manifest's absolute path is used.
    let out = w.path().join("merged");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
        .arg("merge")
        .args(&parts)
        .args(["--out", s(&out), "--quiet"])
        .current_dir(w.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let single = w.path().join("single");
    let o = capplan(&[
        "simulate",
        "tests/fixtures/uncertainty/newsvendor",
        "--samples",
        "20",
        "--out",
        s(&single),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_tree(&single, &out);
}

#[test]
fn sharded_clause_pricing_merges_to_the_single_run_byte_for_byte() {
    let w = workdir();
    let dir = fixtures().join("first_on_priority_perf_power");
    let args = ["plan", s(&dir), "--price-clauses"];
    let single = w.path().join("single");
    let mut a = args.to_vec();
    a.extend(["--out", s(&single), "--quiet"]);
    let o = capplan(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(single.join("clauses.csv").is_file());
    for n in [1u64, 3, 7] {
        let parts = shard_run(&args, n, &w.path().join(format!("n{n}")));
        let out = w.path().join(format!("merged{n}"));
        let o = merge(&parts, &out);
        assert!(o.status.success(), "N={n}: {}", stderr(&o));
        assert_same_tree(&single, &out);
    }
}

/// `capplan sweep` of fixture `case` with the cases file `cases` (its text): sweep.csv's rows.
fn sweep_fixture(case: &str, cases: &str) -> Vec<BTreeMap<String, String>> {
    let w = workdir();
    let file = w.path().join("cases.csv");
    std::fs::write(&file, cases).unwrap();
    let out = w.path().join("out");
    let dir = fixtures().join(case);
    let o = capplan(&[
        "sweep",
        s(&dir),
        "--cases",
        s(&file),
        "--out",
        s(&out),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    rows(&out.join("sweep.csv"))
}

#[test]
fn sweep_carries_the_cash_ledger_peak_funding_need() {
    // tests/fixtures/money_ledger: the hand-computed peak funding need is 700 (its README).
    let rows = sweep_fixture(
        "money_ledger",
        "case,file,select,column,op,value\nsame-demand,demand,*,quantity,scale,1\n",
    );
    for r in &rows {
        assert_eq!(r["peak_funding_need_usd"], "700", "{r:?}");
    }
    assert_eq!(rows[1]["delta_usd"], "0");
}

/// take_or_pay_minimum (README): a what-if may change minimums.csv like any other file. Without
/// the milestone (scaled by 0) the plan is the 35,400 of "all 8 aws units in April"; a 6,000
/// milestone takes 6 units in February and 2 in April, 35,400 + 6 x (950 - 850) = 36,000.
#[test]
fn a_what_if_can_change_the_minimums() {
    let rows = sweep_fixture(
        "take_or_pay_minimum",
        "case,file,select,column,op,value\n\
         no-minimum,minimums,*,min_usd,scale,0\n\
         minimum-6000,minimums,contract=aws-c,min_usd,set,6000\n",
    );
    let objective = |case: &str| -> f64 {
        rows.iter()
            .find(|r| r["case"] == case)
            .unwrap_or_else(|| panic!("no case {case}: {rows:?}"))["objective_usd"]
            .parse()
            .unwrap()
    };
    assert!(close(objective("no-minimum"), 35_400.0, 1e-9));
    assert!(close(objective("minimum-6000"), 36_000.0, 1e-9));
}

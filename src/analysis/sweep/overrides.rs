//! The cases file of `capplan sweep`: named cases, each a list of overrides of the base folder's
//! raw tables (`input::Tables`), applied in memory before the case is validated like any folder.
//! Every bad row is reported at once as `cases.csv:line: column: message`.

use crate::diagnostics::Diagnostics;
use crate::input::schema::{self, FileSchema, Kind};
use crate::input::{Table, Tables};
use crate::scenario::Month;

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Scale(f64),
    Add(f64),
    Set(String),
    ShiftMonths(i32),
}

/// `column = one of values`; a row is selected when every filter holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub column: &'static str,
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Override {
    /// Line in the cases file, for messages.
    pub line: u64,
    pub file: &'static FileSchema,
    /// Empty = every row.
    pub select: Vec<Filter>,
    /// The cells changed (several only for `shift_months` with `*`).
    pub columns: Vec<&'static str>,
    pub op: Op,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub overrides: Vec<Override>,
}

/// The name of the unmodified folder's row in the reports; no case may take it.
pub const BASE: &str = "base";

/// Parses the cases file's table into cases, in order of first appearance.
pub fn parse(table: &Table, diags: &mut Diagnostics) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for row in &table.rows {
        let line = row.line;
        let mut bad = |column: &str, msg: String| diags.push(&table.display, line, column, msg);
        let name = table.cell(row, "case");
        let name_ok = !name.is_empty()
            && name != BASE
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && !name.starts_with('.');
        if !name_ok {
            bad(
                "case",
                format!(
                    "case name '{name}' must be letters, digits, '-', '_' or '.' (not starting with '.'), and not \
                     '{BASE}' (the unmodified folder)"
                ),
            );
        }
        let file_text = table.cell(row, "file");
        let file_name = if file_text.ends_with(".csv") {
            file_text.to_string()
        } else {
            format!("{file_text}.csv")
        };
        let file = schema::FILES.iter().copied().find(|f| f.name == file_name);
        let Some(file) = file else {
            let known: Vec<&str> = schema::FILES.iter().map(|f| f.name).collect();
            bad(
                "file",
                format!(
                    "unknown scenario file '{file_text}' (expected one of: {})",
                    known.join(", ")
                ),
            );
            continue;
        };
        let op_text = table.cell(row, "op");
        let value = table.cell(row, "value");
        let number = |what: &str| -> Result<f64, String> {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{what} needs a number, got '{value}'"))
        };
        let op = match op_text {
            "scale" => number("scale").map(Op::Scale),
            "add" => number("add").map(Op::Add),
            "set" => Ok(Op::Set(value.to_string())),
            "shift_months" => value
                .parse::<i32>()
                .ok()
                .filter(|n| n.abs() <= 1200)
                .map(Op::ShiftMonths)
                .ok_or_else(|| {
                    format!("shift_months needs a whole number of months, got '{value}'")
                }),
            other => {
                bad(
                    "op",
                    format!("unknown op '{other}' (expected scale, add, set or shift_months)"),
                );
                continue;
            }
        };
        let op = match op {
            Ok(op) => op,
            Err(msg) => {
                bad("value", msg);
                continue;
            }
        };
        let column_text = table.cell(row, "column");
        let columns = match columns(file, column_text, &op) {
            Ok(c) => c,
            Err(msg) => {
                bad("column", msg);
                continue;
            }
        };
        let select = match filters(file, table.cell(row, "select")) {
            Ok(s) => s,
            Err(msg) => {
                bad("select", msg);
                continue;
            }
        };
        if !name_ok {
            continue;
        }
        let o = Override {
            line,
            file,
            select,
            columns,
            op,
        };
        match cases.iter_mut().find(|c| c.name == name) {
            Some(c) => c.overrides.push(o),
            None => cases.push(Case {
                name: name.to_string(),
                overrides: vec![o],
            }),
        }
    }
    if table.rows.is_empty() {
        diags.push(
            &table.display,
            1,
            crate::diagnostics::WHOLE_FILE,
            "no cases: the file has only a header",
        );
    }
    cases
}

fn columns(file: &'static FileSchema, text: &str, op: &Op) -> Result<Vec<&'static str>, String> {
    let periods: Vec<&'static str> = file
        .columns
        .iter()
        .filter(|c| c.kind == Kind::Period)
        .map(|c| c.name)
        .collect();
    if matches!(op, Op::ShiftMonths(_)) && (text == "*" || text.is_empty()) {
        if periods.is_empty() {
            return Err(format!("{} has no month columns to shift", file.name));
        }
        return Ok(periods);
    }
    let Some(c) = file.columns.iter().find(|c| c.name == text) else {
        let names: Vec<&str> = file.columns.iter().map(|c| c.name).collect();
        return Err(format!(
            "{} has no column '{text}' (columns: {})",
            file.name,
            names.join(", ")
        ));
    };
    match op {
        Op::ShiftMonths(_) if c.kind != Kind::Period => Err(format!(
            "shift_months moves month columns ({}), not '{}'",
            periods.join(", "),
            c.name
        )),
        Op::Scale(_) | Op::Add(_) if c.kind != Kind::Number => Err(format!(
            "scale and add change number columns; '{}' of {} is not one",
            c.name, file.name
        )),
        _ => Ok(vec![c.name]),
    }
}

fn filters(file: &'static FileSchema, text: &str) -> Result<Vec<Filter>, String> {
    if text.is_empty() || text == "*" {
        return Ok(Vec::new());
    }
    text.split(';')
        .map(|part| {
            let (col, vals) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}' is not column=value (or `*` for every row)"))?;
            let col = col.trim();
            let column = file
                .columns
                .iter()
                .find(|c| c.name == col)
                .ok_or_else(|| {
                    let names: Vec<&str> = file.columns.iter().map(|c| c.name).collect();
                    format!(
                        "{} has no column '{col}' to select on (columns: {})",
                        file.name,
                        names.join(", ")
                    )
                })?
                .name;
            let values: Vec<String> = vals.split('|').map(|v| v.trim().to_string()).collect();
            Ok(Filter { column, values })
        })
        .collect()
}

/// The horizon as the scenario would read it: settings.csv, else the demand's first and last month.
fn horizon(tables: &Tables) -> (Option<Month>, Option<Month>) {
    let setting = |key: &str| {
        let t = tables.settings.as_ref()?;
        let row = t.rows.iter().find(|r| t.cell(r, "key") == key)?;
        Month::parse(t.cell(row, "value")).ok()
    };
    let demand: Vec<Month> = tables
        .demand
        .as_ref()
        .map(|t| {
            t.rows
                .iter()
                .filter_map(|r| Month::parse(t.cell(r, "period")).ok())
                .collect()
        })
        .unwrap_or_default();
    (
        setting("horizon_start").or_else(|| demand.iter().min().copied()),
        setting("horizon_end").or_else(|| demand.iter().max().copied()),
    )
}

/// The base tables with `case`'s overrides applied in order. Problems (an override that selects
/// nothing, a cell it cannot change) are reported at the override's line of the cases file.
pub fn apply(case: &Case, base: &Tables, cases_file: &str, diags: &mut Diagnostics) -> Tables {
    let mut tables = base.clone();
    for o in &case.overrides {
        let (start, end) = horizon(&tables);
        let Some(table) = tables.get_mut(o.file.name) else {
            diags.push(
                cases_file,
                o.line,
                "file",
                format!("the scenario folder has no {} to change", o.file.name),
            );
            continue;
        };
        let chosen: Vec<usize> = (0..table.rows.len())
            .filter(|&i| {
                o.select.iter().all(|f| {
                    let cell = table.cell(&table.rows[i], f.column);
                    f.values.iter().any(|v| v == cell)
                })
            })
            .collect();
        if chosen.is_empty() {
            diags.push(
                cases_file,
                o.line,
                "select",
                format!(
                    "selects no row of {} ({} rows): an override must change something",
                    o.file.name,
                    table.rows.len()
                ),
            );
            continue;
        }
        for &i in &chosen {
            for &column in &o.columns {
                let cell = table.cell(&table.rows[i], column).to_string();
                let at = format!("{}:{}", o.file.name, table.rows[i].line);
                match new_value(o.file, column, &cell, &o.op, start, end) {
                    Ok(v) => table.set_cell(i, column, v),
                    Err(msg) => diags.push(
                        cases_file,
                        o.line,
                        "value",
                        format!("{at}: {column}: {msg}"),
                    ),
                }
            }
        }
    }
    tables
}

fn new_value(
    file: &FileSchema,
    column: &str,
    cell: &str,
    op: &Op,
    start: Option<Month>,
    end: Option<Month>,
) -> Result<String, String> {
    match op {
        Op::Set(v) => Ok(v.clone()),
        Op::Scale(_) | Op::Add(_) => {
            let text = if cell.is_empty() {
                // A blank cell is its column's default, when that default is a number.
                let default = file
                    .columns
                    .iter()
                    .find(|c| c.name == column)
                    .map(|c| c.default)
                    .unwrap_or("");
                default
            } else {
                cell
            };
            let x: f64 = text.parse().map_err(|_| {
                format!("'{cell}' is not a number, so it cannot be scaled or added to")
            })?;
            let y = match op {
                Op::Scale(k) => x * k,
                Op::Add(k) => x + k,
                _ => unreachable!("matched above"),
            };
            Ok(format!("{y}"))
        }
        Op::ShiftMonths(n) => {
            let month = if cell.is_empty() {
                // Blank from/to mean the horizon's ends: a slip moves those too.
                match column {
                    "from" => start,
                    "to" => end,
                    _ => None,
                }
                .ok_or_else(|| {
                    "blank, and the horizon is unknown, so it cannot be shifted".to_string()
                })?
            } else {
                Month::parse(cell)?
            };
            Ok(Month(month.0 + n).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_table;

    fn cases(text: &str) -> (Vec<Case>, Vec<String>) {
        let mut d = Diagnostics::default();
        let t = parse_table(&schema::CASES, "cases.csv".into(), text.as_bytes(), &mut d);
        let c = parse(&t, &mut d);
        (c, d.iter().map(|x| x.to_string()).collect())
    }

    #[test]
    fn parses_rows_into_cases_in_order() {
        let (c, d) = cases(
            "case,file,select,column,op,value\n\
             late,offers,provider=aws;sku=gb200|gb300,*,shift_months,12\n\
             cheap,offers.csv,*,usd_per_unit_hour,scale,0.8\n\
             late,power,provider=aws,from,shift_months,-3\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "late");
        assert_eq!(c[0].overrides.len(), 2);
        assert_eq!(c[0].overrides[0].columns, vec!["from", "to"]);
        assert_eq!(c[0].overrides[0].select[1].values, vec!["gb200", "gb300"]);
        assert_eq!(c[1].overrides[0].op, Op::Scale(0.8));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let (_, d) = cases(
            "case,file,select,column,op,value\n\
             a,offerz,*,max_units,scale,2\n\
             b,offers,*,max_units,grow,2\n\
             c,offers,*,max_units,scale,two\n\
             d,offers,*,provider,scale,2\n\
             e,offers,region,max_units,scale,2\n\
             base,offers,*,max_units,scale,2\n\
             g,offers,*,max_units,shift_months,2\n\
             h,demand,*,period,shift_months,1.5\n",
        );
        let expect = [
            "cases.csv:2: file: unknown scenario file 'offerz'",
            "cases.csv:3: op: unknown op 'grow'",
            "cases.csv:4: value: scale needs a number",
            "cases.csv:5: column: scale and add change number columns",
            "cases.csv:6: select: 'region' is not column=value",
            "cases.csv:7: case: case name 'base'",
            "cases.csv:8: column: shift_months moves month columns",
            "cases.csv:9: value: shift_months needs a whole number",
        ];
        assert_eq!(d.len(), expect.len(), "{d:#?}");
        for (got, want) in d.iter().zip(expect) {
            assert!(got.starts_with(want), "{got} !~ {want}");
        }
    }

    /// A small folder read from disk (so the test does not list every input file).
    fn base() -> Tables {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("settings.csv", "key,value\nhorizon_start,2026-01\nhorizon_end,2026-12\n"),
            ("demand.csv", "period,workload,quantity\n2026-01,a,10\n2026-02,a,20\n"),
            (
                "offers.csv",
                "provider,region,sku,from,to,max_units,usd_per_unit_hour\naws,r,h100,,2026-06,5,2\nazure,r,h100,2026-03,,7,3\n",
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut d = Diagnostics::default();
        crate::input::read_folder(dir.path(), &mut d)
    }

    #[test]
    fn applies_scale_add_set_and_shift_with_blank_windows_as_the_horizon() {
        let (c, d) = cases(
            "case,file,select,column,op,value\n\
             x,offers,*,from,shift_months,12\n\
             x,offers,provider=azure,to,shift_months,-2\n\
             x,offers,provider=aws,max_units,scale,1.5\n\
             x,demand,workload=a,quantity,add,-4\n\
             x,demand,*,sigma,add,0.1\n\
             x,offers,provider=azure,sku,set,h200\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let mut d = Diagnostics::default();
        let t = apply(&c[0], &base(), "cases.csv", &mut d);
        assert!(
            d.is_empty(),
            "{:?}",
            d.iter().map(|x| x.to_string()).collect::<Vec<_>>()
        );
        let o = t.offers.as_ref().unwrap();
        let cells = |i: usize| {
            ["from", "to", "max_units", "sku"].map(|c| o.cell(&o.rows[i], c).to_string())
        };
        assert_eq!(cells(0), ["2027-01", "2026-06", "7.5", "h100"]);
        assert_eq!(cells(1), ["2027-03", "2026-10", "7", "h200"]);
        let dm = t.demand.as_ref().unwrap();
        assert_eq!(dm.cell(&dm.rows[1], "quantity"), "16");
        assert_eq!(dm.cell(&dm.rows[0], "sigma"), "0.1");
    }

    #[test]
    fn an_override_selecting_nothing_is_an_error() {
        let (c, _) = cases(
            "case,file,select,column,op,value\n\
             x,offers,provider=oci,max_units,scale,2\n\
             x,rules,*,share,scale,2\n",
        );
        let mut d = Diagnostics::default();
        apply(&c[0], &base(), "cases.csv", &mut d);
        let d: Vec<String> = d.iter().map(|x| x.to_string()).collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].starts_with("cases.csv:2: select: selects no row of offers.csv (2 rows)"),
            "{d:?}"
        );
        assert!(
            d[1].starts_with("cases.csv:3: file: the scenario folder has no rules.csv"),
            "{d:?}"
        );
    }
}

//! `report.xlsx`: the plan as a workbook a planner forwards. A Summary sheet of the memo's key
//! figures; then one sheet per CSV table of the report folder, typed by column (a column whose
//! every cell is a number is written as numbers, with a currency, percent or unit format chosen
//! by its name), so the workbook's figures are the CSVs' by construction and a new table needs
//! no code; then one sheet per view (`views`) with its series laid out wide and a native chart.
//! Bytes are deterministic: fixed document properties and creation time.

use super::svg::PALETTE;
use super::views::{Body, GanttBar, Unit, View};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartPatternFill, ChartPatternFillType,
    ChartSolidFill, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};

/// A figure on the Summary sheet.
#[derive(Debug, Clone)]
pub enum Figure {
    Usd(f64),
    Units(f64),
    Share(f64),
    Count(f64),
    Text(String),
}

/// Widest a column is fitted to (characters); longer text wraps in the cell's tooltip.
const MAX_WIDTH: u32 = 60;
/// Rows a sheet holds (Excel's limit), header included.
const MAX_SHEET_ROWS: u32 = 1_048_576;
/// Rows between stacked charts on one sheet.
const CHART_ROWS: u32 = 22;

const USD_FMT: &str = "$#,##0.00";
const PCT_FMT: &str = "0.00%";
const NUM_FMT: &str = "#,##0.######";
const INT_FMT: &str = "0";

/// How a CSV column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Text,
    Usd,
    Share,
    Number,
    Integer,
}

impl Column {
    fn format(self) -> Option<&'static str> {
        match self {
            Column::Text => None,
            Column::Usd => Some(USD_FMT),
            Column::Share => Some(PCT_FMT),
            Column::Number => Some(NUM_FMT),
            Column::Integer => Some(INT_FMT),
        }
    }
}

/// Marks a number that is not there (an infeasible re-solve): the cell stays text.
const NOT_A_NUMBER: &[&str] = &["infeasible"];

/// A CSV cell as a number, when it is one as written (no leading zeros, no `+`, finite).
pub fn as_number(cell: &str) -> Option<f64> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    if cell.is_empty()
        || cell.starts_with('+')
        || leading_zero
        || !digits.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The column's kind: numbers when every non-empty cell is one (or an explicit "not a number"
/// marker) and at least one is; its format from the name.
pub fn column_kind(header: &str, cells: &[&str]) -> Column {
    let present: Vec<&str> = cells
        .iter()
        .copied()
        .filter(|c| !c.is_empty() && !NOT_A_NUMBER.contains(c))
        .collect();
    if present.is_empty() || present.iter().any(|c| as_number(c).is_none()) {
        return Column::Text;
    }
    let h = header.to_ascii_lowercase();
    if h == "usd" || h.ends_with("_usd") {
        Column::Usd
    } else if h == "share" || h.ends_with("_share") || h == "utilization" || h == "probability" {
        Column::Share
    } else if present
        .iter()
        .all(|c| !c.contains('.') && !c.contains('e') && !c.contains('E'))
    {
        Column::Integer
    } else {
        Column::Number
    }
}

fn fmt(num: &str) -> Format {
    Format::new().set_num_format(num)
}

fn header_row(ws: &mut Worksheet, names: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A sheet name from a file name: its stem, cut to Excel's 31 characters.
pub fn sheet_name(file: &str) -> String {
    let stem = file.strip_suffix(".csv").unwrap_or(file);
    stem.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

fn table_sheet(wb: &mut Workbook, file: &str, bytes: &[u8]) -> Result<(), XlsxError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(String::from).collect())
        .unwrap_or_default();
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(|r| r.ok()).collect();
    let kinds: Vec<Column> = (0..header.len())
        .map(|c| {
            let cells: Vec<&str> = rows.iter().map(|r| r.get(c).unwrap_or("")).collect();
            column_kind(&header[c], &cells)
        })
        .collect();
    let formats: Vec<Option<Format>> = kinds.iter().map(|k| k.format().map(fmt)).collect();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(file))?;
    header_row(ws, &header.iter().map(String::as_str).collect::<Vec<_>>())?;
    for (r, rec) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, cell) in rec.iter().enumerate() {
            let col = c as u16;
            match (formats.get(c).and_then(|f| f.as_ref()), as_number(cell)) {
                (Some(f), Some(v)) => {
                    ws.write_number_with_format(row, col, v, f)?;
                }
                _ if cell.is_empty() => {}
                _ => {
                    ws.write_string(row, col, cell)?;
                }
            }
        }
    }
    if !header.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
    }
    ws.set_autofit_max_width(MAX_WIDTH);
    ws.autofit();
    Ok(())
}

fn summary_sheet(
    wb: &mut Workbook,
    title: &str,
    figures: &[(String, Figure)],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Summary")?;
    header_row(ws, &["figure", "value"])?;
    let (usd, share, units, count) = (fmt(USD_FMT), fmt(PCT_FMT), fmt("#,##0.00"), fmt("#,##0"));
    ws.write_string(0, 2, title)?;
    for (i, (label, value)) in figures.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, label)?;
        match value {
            Figure::Usd(v) => ws.write_number_with_format(r, 1, *v, &usd)?,
            Figure::Share(v) => ws.write_number_with_format(r, 1, *v, &share)?,
            Figure::Units(v) => ws.write_number_with_format(r, 1, *v, &units)?,
            Figure::Count(v) => ws.write_number_with_format(r, 1, *v, &count)?,
            Figure::Text(t) => ws.write_string(r, 1, t)?,
        };
    }
    ws.set_autofit_max_width(MAX_WIDTH);
    ws.autofit();
    Ok(())
}

fn unit_format(u: Unit) -> &'static str {
    match u {
        Unit::Usd => "$#,##0",
        Unit::Mw => "#,##0.0",
        Unit::Gw => "0.000",
        Unit::Vcpu | Unit::DemandUnits | Unit::Units => "#,##0",
        Unit::Probability => "0.0%",
        Unit::Months => "0",
    }
}

/// The columns of a view's sheet after the label column: (header, values, role).
enum Role {
    Stacked,
    Line,
    Limit,
    FanLow,
    FanBand,
    FanMedian,
    FanHigh,
    Bar,
}

fn view_columns(v: &View) -> Vec<(String, Vec<Option<f64>>, Role, usize)> {
    let some = |x: &[f64]| x.iter().map(|v| Some(*v)).collect::<Vec<_>>();
    let mut cols = Vec::new();
    match &v.body {
        Body::Stacked(s) => {
            for x in s {
                cols.push((x.name.clone(), some(&x.values), Role::Stacked, 0));
            }
        }
        Body::Lines(lines) => {
            for (k, l) in lines.iter().enumerate() {
                cols.push((l.name.clone(), some(&l.values), Role::Line, k));
                if let Some(limit) = &l.limit {
                    cols.push((format!("{} limit", l.name), limit.clone(), Role::Limit, k));
                }
            }
        }
        Body::Fans(fans) => {
            for (k, f) in fans.iter().enumerate() {
                cols.push((format!("{} P10", f.name), some(&f.p10), Role::FanLow, k));
                let band: Vec<f64> = f.p90.iter().zip(&f.p10).map(|(h, l)| h - l).collect();
                cols.push((
                    format!("{} P10-P90 band", f.name),
                    some(&band),
                    Role::FanBand,
                    k,
                ));
                cols.push((
                    format!("{} median", f.name),
                    some(&f.p50),
                    Role::FanMedian,
                    k,
                ));
                cols.push((format!("{} P90", f.name), some(&f.p90), Role::FanHigh, k));
                if let Some(l) = f.limit {
                    cols.push((
                        format!("{} commitment", f.name),
                        vec![Some(l); f.p50.len()],
                        Role::Limit,
                        k,
                    ));
                }
            }
        }
        Body::Bars(s) => cols.push((s.name.clone(), some(&s.values), Role::Bar, 0)),
        // Drawn by `gantt_sheet`.
        Body::Gantt { .. } => {}
        Body::Signed { line, need, floor } => {
            cols.push((line.name.clone(), some(&line.values), Role::Line, 0));
            cols.push((need.name.clone(), some(&need.values), Role::Line, 5));
            cols.push((
                "minimum cash".into(),
                vec![Some(*floor); line.values.len()],
                Role::Limit,
                0,
            ));
        }
    }
    cols
}

fn dashed() -> ChartFormat {
    ChartFormat::new()
        .set_line(ChartLine::new().set_dash_type(ChartLineDashType::Dash))
        .clone()
}

/// A line in the colour of entity `k` (so a limit matches its series), dashed for limits.
fn line_format(k: usize, dash: bool) -> ChartFormat {
    let mut line = ChartLine::new();
    line.set_color(PALETTE[k % PALETTE.len()]).set_width(1.75);
    if dash {
        line.set_dash_type(ChartLineDashType::Dash);
    }
    ChartFormat::new().set_line(&line).clone()
}

/// The reservation Gantt as a sheet (one row per reservation signed: its months as text, then
/// months from the horizon start to the sign-by month, the lead, the term inside the horizon and
/// after it) and a stacked horizontal bar chart whose first series is invisible, so each bar
/// starts at its sign-by month.
fn gantt_sheet(
    wb: &mut Workbook,
    v: &View,
    bars: &[GanttBar],
    horizon: usize,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(v.sheet)?;
    header_row(
        ws,
        &[
            "reservation",
            "sign_by",
            "start",
            "end",
            "months to sign-by",
            "lead (sign-by to start)",
            "term inside the horizon",
            "term after the horizon",
        ],
    )?;
    let month = |i: usize| v.labels.get(i).cloned().unwrap_or_default();
    for (r, b) in bars.iter().enumerate() {
        let row = r as u32 + 1;
        let after = b.after_horizon(horizon);
        let term = b.end + 1 - b.start;
        ws.write_string(
            row,
            0,
            format!(
                "{} {} × {} ({} units)",
                b.option,
                month(b.start),
                super::format::units(b.lots),
                super::format::units(b.units)
            ),
        )?;
        ws.write_string(row, 1, month(b.sign_by))?;
        ws.write_string(row, 2, month(b.start))?;
        ws.write_string(row, 3, month(b.end))?;
        ws.write_number(row, 4, b.sign_by as f64)?;
        ws.write_number(row, 5, (b.start - b.sign_by) as f64)?;
        ws.write_number(row, 6, (term - after) as f64)?;
        ws.write_number(row, 7, after as f64)?;
    }
    ws.set_autofit_max_width(MAX_WIDTH);
    ws.autofit();
    let n = bars.len() as u32;
    if n == 0 {
        return Ok(());
    }
    let mut ch = Chart::new(ChartType::BarStacked);
    ch.title().set_name(&format!(
        "Reservations: lead (grey) from the sign-by month, term (blue), after the horizon (hatched, month {horizon} on)"
    ));
    // In rust_xlsxwriter's bar chart the x axis is the horizontal (value) one: months from the
    // horizon start; the vertical categories are reversed so the first reservation is on top, as
    // in the HTML chart.
    ch.x_axis()
        .set_name(&format!("months from {}", month(0)))
        .set_num_format("0");
    ch.y_axis().set_reverse();
    ch.set_width(900).set_height(160 + 28 * n.min(40));
    let formats = [
        ChartFormat::new().set_no_fill().set_no_line().clone(),
        ChartFormat::new()
            .set_solid_fill(ChartSolidFill::new().set_color("#BBBBBB"))
            .clone(),
        ChartFormat::new()
            .set_solid_fill(ChartSolidFill::new().set_color(PALETTE[0]))
            .clone(),
        ChartFormat::new()
            .set_pattern_fill(
                ChartPatternFill::new()
                    .set_pattern(ChartPatternFillType::DiagonalStripesWideUpwards)
                    .set_foreground_color(PALETTE[0])
                    .set_background_color("#FFFFFF"),
            )
            .clone(),
    ];
    for (k, mut f) in formats.into_iter().enumerate() {
        let c = 4 + k as u16;
        let s = ch
            .add_series()
            .set_name((v.sheet, 0, c))
            .set_categories((v.sheet, 1, 0, n, 0))
            .set_values((v.sheet, 1, c, n, c))
            .set_format(&mut f);
        if k == 0 {
            s.set_overlap(100).set_gap(40);
        }
    }
    ws.insert_chart(1, 9, &ch)?;
    Ok(())
}

fn view_sheet(wb: &mut Workbook, v: &View) -> Result<(), XlsxError> {
    if let Body::Gantt { bars, horizon } = &v.body {
        return gantt_sheet(wb, v, bars, *horizon);
    }
    let cols = view_columns(v);
    let label = if matches!(v.body, Body::Bars(_)) {
        "contract"
    } else {
        "month"
    };
    let ws = wb.add_worksheet();
    ws.set_name(v.sheet)?;
    let mut names = vec![label];
    names.extend(cols.iter().map(|c| c.0.as_str()));
    header_row(ws, &names)?;
    let f = fmt(unit_format(v.unit));
    for (r, l) in v.labels.iter().enumerate() {
        ws.write_string(r as u32 + 1, 0, l)?;
    }
    for (c, (_, values, _, _)) in cols.iter().enumerate() {
        for (r, x) in values.iter().enumerate() {
            if let Some(x) = x {
                ws.write_number_with_format(r as u32 + 1, c as u16 + 1, *x, &f)?;
            }
        }
    }
    ws.set_autofit_max_width(MAX_WIDTH);
    ws.autofit();
    let n = v.labels.len() as u32;
    // Nothing to draw (no months, or a view with no series, as in a plan with no allocations).
    if n == 0 || cols.is_empty() {
        return Ok(());
    }
    let sheet = v.sheet;
    let chart_col = cols.len() as u16 + 2;
    let stacked = matches!(v.body, Body::Stacked(_));
    let new_chart = |kind: ChartType, title: &str| {
        let mut ch = Chart::new(kind);
        ch.title().set_name(title);
        ch.y_axis()
            .set_name(v.unit.label())
            .set_num_format(unit_format(v.unit));
        ch.set_width(900).set_height(420);
        ch
    };
    let add = |ch: &mut Chart, c: usize, format: Option<ChartFormat>| {
        let s = ch
            .add_series()
            .set_name((sheet, 0, c as u16 + 1))
            .set_categories((sheet, 1, 0, n, 0))
            .set_values((sheet, 1, c as u16 + 1, n, c as u16 + 1));
        if let Some(mut f) = format {
            s.set_format(&mut f);
        }
        if stacked && c == 0 {
            s.set_gap(50).set_overlap(100);
        }
    };
    match &v.body {
        Body::Stacked(_) | Body::Lines(_) | Body::Bars(_) | Body::Signed { .. } => {
            let kind = match v.body {
                Body::Stacked(_) => ChartType::ColumnStacked,
                Body::Bars(_) => ChartType::Column,
                _ => ChartType::Line,
            };
            let mut ch = new_chart(kind, &v.title);
            for (c, col) in cols.iter().enumerate() {
                let format = match (&v.body, &col.2) {
                    (Body::Lines(_) | Body::Signed { .. }, role) => {
                        Some(line_format(col.3, matches!(role, Role::Limit)))
                    }
                    _ => None,
                };
                add(&mut ch, c, format);
            }
            ws.insert_chart(1, chart_col, &ch)?;
        }
        Body::Gantt { .. } => {}
        Body::Fans(fans) => {
            // Excel has no band series: a stacked area of P10 (invisible) and P90 - P10 (shaded),
            // with the median and the commitment as lines over it.
            for (k, fan) in fans.iter().enumerate() {
                let mut area = new_chart(
                    ChartType::AreaStacked,
                    &format!("{}: {}", v.title, fan.name),
                );
                let mut line = Chart::new(ChartType::Line);
                for (c, col) in cols.iter().enumerate().filter(|(_, col)| col.3 == k) {
                    match col.2 {
                        Role::FanLow => add(
                            &mut area,
                            c,
                            Some(ChartFormat::new().set_no_fill().set_no_line().clone()),
                        ),
                        Role::FanBand => add(
                            &mut area,
                            c,
                            Some(
                                ChartFormat::new()
                                    .set_solid_fill(
                                        ChartSolidFill::new()
                                            .set_color("#56B4E9")
                                            .set_transparency(50),
                                    )
                                    .clone(),
                            ),
                        ),
                        Role::FanMedian => add(&mut line, c, None),
                        Role::Limit => add(&mut line, c, Some(dashed())),
                        _ => {}
                    }
                }
                area.combine(&line);
                ws.insert_chart(1 + CHART_ROWS * k as u32, chart_col, &area)?;
            }
        }
    }
    Ok(())
}

/// The workbook: Summary, one sheet per CSV in `files`, one per view.
pub fn workbook(
    title: &str,
    figures: &[(String, Figure)],
    files: &[(&str, Vec<u8>)],
    views: &[View],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("capplan")
            .set_comment(
                "Written by capplan; the figures are those of the report folder's CSV files.",
            )
            .set_creation_datetime(&created),
    );
    // A table longer than a sheet holds is left to its CSV, and the Summary says so.
    let (fits, too_long): (Vec<_>, Vec<_>) = files
        .iter()
        .filter(|(f, _)| f.ends_with(".csv"))
        .partition(|(_, b)| b.iter().filter(|c| **c == b'\n').count() <= MAX_SHEET_ROWS as usize);
    let mut figures = figures.to_vec();
    for (file, _) in &too_long {
        figures.push((
            file.to_string(),
            Figure::Text(format!(
                "more than {MAX_SHEET_ROWS} rows, more than a sheet holds: see the CSV"
            )),
        ));
    }
    summary_sheet(&mut wb, title, &figures)?;
    for (file, bytes) in fits {
        table_sheet(&mut wb, file, bytes)?;
    }
    for v in views {
        view_sheet(&mut wb, v)?;
    }
    wb.save_to_buffer()
}

/// The Summary figures of a plan.
pub fn plan_figures(m: &super::metrics::Metrics) -> Vec<(String, Figure)> {
    let t = &m.totals;
    let mut f = vec![
        ("scenario".to_string(), Figure::Text(m.scenario.clone())),
        (
            "horizon".into(),
            Figure::Text(format!(
                "{} to {} ({} months)",
                m.horizon_start, m.horizon_end, m.periods
            )),
        ),
        (
            "objective (present value, USD)".into(),
            Figure::Usd(t.objective_usd),
        ),
        (
            "compute spend (nominal, USD)".into(),
            Figure::Usd(t.usage_usd),
        ),
        (
            "take-or-pay shortfall (nominal, USD)".into(),
            Figure::Usd(t.shortfall_usd),
        ),
        (
            "unmet demand (demand-unit-months)".into(),
            Figure::Units(t.unmet_units),
        ),
        (
            "unmet penalty (nominal, USD)".into(),
            Figure::Usd(t.unmet_penalty_usd),
        ),
        (
            "discount rate (a year)".into(),
            Figure::Share(m.discount_rate),
        ),
        ("solver".into(), Figure::Text(m.solver.clone())),
        ("variables".into(), Figure::Count(m.variables as f64)),
        ("constraints".into(), Figure::Count(m.rows as f64)),
    ];
    if m.cash.declared || m.cash.peak_funding_need_usd > 0.0 {
        f.push((
            "peak funding need (nominal, USD)".into(),
            Figure::Usd(m.cash.peak_funding_need_usd),
        ));
        if let Some(p) = &m.cash.peak_funding_need_period {
            f.push(("peak funding need in".into(), Figure::Text(p.clone())));
        }
    }
    if let Some(note) = &m.solver_note {
        f.push(("solver note".into(), Figure::Text(note.clone())));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_by_content_and_name() {
        assert_eq!(column_kind("usd", &["1.5", "2"]), Column::Usd);
        assert_eq!(column_kind("commit_usd", &["0", "infeasible"]), Column::Usd);
        assert_eq!(column_kind("share", &["0.25"]), Column::Share);
        assert_eq!(column_kind("units", &["0.25", "3"]), Column::Number);
        assert_eq!(column_kind("sample", &["0", "12"]), Column::Integer);
        // Ids that look numeric but are not numbers as written stay text.
        assert_eq!(column_kind("id", &["007", "8"]), Column::Text);
        assert_eq!(column_kind("period", &["2026-01"]), Column::Text);
        assert_eq!(column_kind("workload", &["'-x"]), Column::Text);
        assert_eq!(column_kind("utilization", &["", ""]), Column::Text);
    }

    #[test]
    fn same_input_same_bytes() {
        let files = vec![("a.csv", b"name,usd\nx,1.5\n".to_vec())];
        let figs = vec![("objective".to_string(), Figure::Usd(3.0))];
        let a = workbook("t", &figs, &files, &[]).expect("workbook");
        let b = workbook("t", &figs, &files, &[]).expect("workbook");
        assert_eq!(a, b);
        assert_eq!(&a[..2], b"PK");
    }
}

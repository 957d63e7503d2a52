//! Every check on the input, turning tables of text into a `Scenario`. All problems are collected;
//! nothing is modelled unless the whole folder is clean.

use super::*;
use crate::diagnostics::{echo, Diagnostic, Diagnostics, WHOLE_FILE};
use crate::input::{Row, Table, Tables};
use std::collections::HashMap;

/// Largest demand `sigma` (std. dev. of ln demand) accepted: see `read_demand`.
pub const SIGMA_MAX: f64 = 3.0;
/// A horizon longer than this (months) is warned about: usually a stray date.
pub const HORIZON_WARN_MONTHS: i64 = 30 * 12;
/// A horizon longer than this (months) is refused unless settings give both ends.
pub const HORIZON_MAX_MONTHS: i64 = 100 * 12;

/// Share of a workload's demand uncertainty that persists across months when none is set.
pub const DEFAULT_PERSISTENCE: f64 = 0.8;

/// Relative gap the whole-lot search stops at when settings name none.
pub const DEFAULT_MIP_GAP: f64 = 1e-4;

/// Builds the scenario, or returns `None` with every problem in `diags`.
pub fn build(name: &str, tables: &Tables, diags: &mut Diagnostics) -> Option<Scenario> {
    let errors_before = diags.len();
    // Rule conflicts found after the scenario is assembled; joined to the loader's warnings.
    let mut warnings = Diagnostics::default();
    let settings = read_settings(tables.settings.as_ref(), diags);

    let providers = tables.providers.as_ref().map(|t| read_providers(t, diags));
    let skus = tables.skus.as_ref().map(|t| read_skus(t, diags));
    let workloads = tables.workloads.as_ref().map(|t| read_workloads(t, diags));
    let ids = Ids {
        providers: providers
            .as_ref()
            .map(|v| index(v.iter().map(|p| p.id.as_str()))),
        skus: skus
            .as_ref()
            .map(|v| index(v.iter().map(|s| s.id.as_str()))),
        workloads: workloads
            .as_ref()
            .map(|v| index(v.iter().map(|w| w.id.as_str()))),
    };

    let demand_rows = tables
        .demand
        .as_ref()
        .map(|t| read_demand(t, &ids, diags))
        .unwrap_or_default();
    let raw_offers = tables
        .offers
        .as_ref()
        .map(|t| read_offers(t, &ids, diags))
        .unwrap_or_default();
    let mut regions: Vec<Region> = Vec::new();
    let mut region_index: HashMap<(usize, String), usize> = HashMap::new();
    for o in &raw_offers {
        if let Some(p) = o.provider {
            region_index
                .entry((p, o.region.clone()))
                .or_insert_with(|| {
                    regions.push(Region {
                        provider: ProviderId(p),
                        id: o.region.clone(),
                    });
                    regions.len() - 1
                });
        }
    }
    let raw_reservations = tables
        .reservations
        .as_ref()
        .map(|t| read_reservations(t, &ids, diags))
        .unwrap_or_default();
    for r in &raw_reservations {
        region_index
            .entry((r.provider, r.region.clone()))
            .or_insert_with(|| {
                regions.push(Region {
                    provider: ProviderId(r.provider),
                    id: r.region.clone(),
                });
                regions.len() - 1
            });
    }
    let perf_rows = tables
        .perf
        .as_ref()
        .map(|t| read_perf(t, &ids, diags))
        .unwrap_or_default();
    let raw_contracts = tables
        .contracts
        .as_ref()
        .map(|t| read_contracts(t, &ids, diags))
        .unwrap_or_default();
    let regions_known = tables.offers.is_some();
    let raw_power = tables
        .power
        .as_ref()
        .map(|t| read_power(t, &ids, regions_known.then_some(&region_index), diags))
        .unwrap_or_default();
    let raw_finance = tables
        .finance
        .as_ref()
        .map(|t| money::read_finance(t, diags))
        .unwrap_or_default();
    let revenue = tables
        .workloads
        .as_ref()
        .map(|t| money::read_revenue(t, diags))
        .unwrap_or_default();
    let raw_rules = tables
        .rules
        .as_ref()
        .map(|t| read_rules(t, &ids, diags))
        .unwrap_or_default();

    // Horizon: settings first, else the demand file's first / last month.
    let demand_first = demand_rows.iter().map(|d| d.period).min();
    let demand_last = demand_rows.iter().map(|d| d.period).max();
    let start = settings.horizon_start.map(|(m, _)| m).or(demand_first);
    let end = settings.horizon_end.map(|(m, _)| m).or(demand_last);
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            let (file, line, col) = match (settings.horizon_end, settings.horizon_start) {
                (Some((_, line)), _) => (settings.display.as_str(), line, "value"),
                (None, Some((_, line))) => (settings.display.as_str(), line, "value"),
                _ => ("demand.csv", 1, WHOLE_FILE),
            };
            diags.push(
                file,
                line,
                col,
                format!("the horizon starts {s} but ends {e}, before it"),
            );
        }
    }
    if let (Some(s), Some(e), Some(t)) = (start, end, tables.demand.as_ref()) {
        check_horizon_length(&settings, &demand_rows, &t.display, s, e, diags);
    }
    if let (Some((m, line)), Some(s), Some(e)) = (settings.decide_by, start, end) {
        if m < s || m > e {
            diags.push(
                settings.display.as_str(),
                line,
                "value",
                format!("decide_by {m} is outside the horizon {s}..{e}"),
            );
        }
    }
    // Version 2: contracts of one provider may overlap (spend is credited, `model::spend`).
    let raw_minimums = tables
        .minimums
        .as_ref()
        .map(|t| read_minimums(t, &raw_contracts, start, end, diags))
        .unwrap_or_default();
    let money = start.zip(end).map(|(s, e)| {
        let declared = tables.finance.is_some()
            || revenue.iter().any(|&r| r > 0.0)
            || settings.min_cash_usd > 0.0
            || settings.funding_rate.is_some();
        let display = tables
            .finance
            .as_ref()
            .map(|t| t.display.clone())
            .unwrap_or_else(|| "finance.csv".into());
        money::place(
            &display,
            raw_finance,
            s,
            e,
            revenue,
            settings.min_cash_usd,
            settings.funding_rate,
            declared,
            diags,
        )
    });

    if diags.len() > errors_before {
        return None;
    }
    let (Some(providers), Some(skus), Some(workloads), Some(start), Some(end)) =
        (providers, skus, workloads, start, end)
    else {
        return None; // a required file was missing: already reported
    };

    let periods = (end.0 - start.0 + 1) as usize;
    let clip = |from: Option<Month>, to: Option<Month>| -> Option<Window> {
        let f = from.unwrap_or(start).max(start);
        let l = to.unwrap_or(end).min(end);
        (f <= l).then(|| Window {
            first: (f.0 - start.0) as usize,
            last: (l.0 - start.0) as usize,
        })
    };
    let mut notes = Notes::default();

    let mut demand = vec![0.0; workloads.len() * periods];
    let mut sigma = vec![0.0; workloads.len() * periods];
    for d in &demand_rows {
        if d.period < start || d.period > end {
            notes.demand_rows_outside_horizon += 1;
            continue;
        }
        let k = d.workload * periods + (d.period.0 - start.0) as usize;
        demand[k] += d.quantity;
        sigma[k] = f64::max(sigma[k], d.sigma);
    }

    let mut perf = vec![0.0; workloads.len() * skus.len()];
    for (w, wl) in workloads.iter().enumerate() {
        for (s, sku) in skus.iter().enumerate() {
            if sku.resource == wl.resource {
                perf[w * skus.len() + s] = sku.perf;
            }
        }
    }
    for p in &perf_rows {
        if skus[p.sku].resource != workloads[p.workload].resource {
            if p.perf > 0.0 {
                diags.warn(
                    &p.file,
                    p.line,
                    "sku",
                    format!(
                        "{} is a {} SKU and {} a {} workload: this perf row has no effect",
                        skus[p.sku].id,
                        skus[p.sku].resource.as_str(),
                        workloads[p.workload].id,
                        workloads[p.workload].resource.as_str()
                    ),
                );
            }
            continue;
        }
        perf[p.workload * skus.len() + p.sku] = p.perf;
    }

    let mut offers = Vec::new();
    for o in raw_offers {
        match clip(o.from, o.to) {
            Some(window) => {
                let p = o.provider.expect("validated");
                offers.push(Offer {
                    provider: ProviderId(p),
                    region: RegionId(region_index[&(p, o.region)]),
                    sku: SkuId(o.sku.expect("validated")),
                    window,
                    max_units: o.max_units,
                    usd_per_unit_hour: o.price,
                    line: o.line,
                    reservation: None,
                })
            }
            None => notes.offers_outside_horizon += 1,
        }
    }
    let mut contracts = Vec::new();
    let mut contract_index: HashMap<String, usize> = HashMap::new();
    for c in raw_contracts {
        match clip(c.from, c.to) {
            Some(window) => {
                let cut_before = c.from.is_some_and(|f| f < start);
                let cut_after = c.to.is_some_and(|t| t > end);
                if cut_before || cut_after {
                    notes.contracts_clipped.push(c.id.clone());
                }
                let owed_factor = if c.prorate {
                    prorate_factor(c.from.unwrap_or(start), c.to.unwrap_or(end), start, end)
                } else {
                    1.0
                };
                contract_index.insert(c.id.clone(), contracts.len());
                contracts.push(Contract {
                    id: c.id,
                    provider: ProviderId(c.provider.expect("validated")),
                    window,
                    commit_usd: c.commit_usd,
                    discount_pct: c.discount_pct,
                    sizable: c.sizable,
                    prorate: c.prorate,
                    owed_usd: c.commit_usd * owed_factor,
                    owed_factor,
                    line: c.line,
                })
            }
            None => notes.contracts_outside_horizon += 1,
        }
    }
    let mut minimums = Vec::new();
    for m in raw_minimums {
        let Some(&c) = contract_index.get(&m.contract) else {
            notes.minimums_outside_horizon += 1; // its contract lies outside the horizon
            continue;
        };
        match clip(Some(m.from), Some(m.to)) {
            Some(window) => {
                let k = &contracts[c];
                // Pro-rating: the contract's factor applies to a milestone running past the horizon.
                let factor = if k.prorate && m.to > end {
                    k.owed_factor
                } else {
                    1.0
                };
                minimums.push(Minimum {
                    contract: ContractId(c),
                    window,
                    min_usd: m.min_usd,
                    owed_usd: m.min_usd * factor,
                    line: m.line,
                })
            }
            None => notes.minimums_outside_horizon += 1,
        }
    }
    let mut power = Vec::new();
    for p in raw_power {
        match clip(p.from, p.to) {
            Some(window) => power.push(PowerLimit {
                provider: ProviderId(p.provider),
                region: RegionId(p.region),
                window,
                max_mw: p.max_mw,
                line: p.line,
            }),
            None => notes.power_rows_outside_horizon += 1,
        }
    }
    let mut rules = Vec::new();
    for r in raw_rules {
        match clip(r.from, r.to) {
            Some(window) => rules.push(Rule {
                id: r.id,
                kind: r.kind,
                workload: WorkloadId(r.workload),
                provider: ProviderId(r.provider),
                window,
                line: r.line,
            }),
            None => notes.rules_outside_horizon += 1,
        }
    }
    let mut reservations = Vec::new();
    for r in raw_reservations {
        // A start must lie in the option's window and the horizon, and be signed at or after the
        // horizon start.
        let earliest = (r.lead_months as i64).max(r.from.map_or(0, |f| (f.0 - start.0) as i64));
        let latest =
            (periods as i64 - 1).min(r.to.map_or(periods as i64 - 1, |t| (t.0 - start.0) as i64));
        if earliest > latest {
            notes.reservations_without_start.push(r.id);
            continue;
        }
        let starts: Vec<usize> = (earliest as usize..=latest as usize).collect();
        let window = Window {
            first: starts[0],
            last: (latest as usize + r.term_months - 1).min(periods - 1),
        };
        let id = ReservationId(reservations.len());
        let offer = OfferId(offers.len());
        let region = RegionId(region_index[&(r.provider, r.region)]);
        offers.push(Offer {
            provider: ProviderId(r.provider),
            region,
            sku: SkuId(r.sku),
            window,
            max_units: f64::INFINITY,
            usd_per_unit_hour: 0.0,
            line: r.line,
            reservation: Some(id),
        });
        reservations.push(Reservation {
            id: r.id,
            provider: ProviderId(r.provider),
            region,
            sku: SkuId(r.sku),
            starts,
            term_months: r.term_months,
            lead_months: r.lead_months,
            lot_units: r.lot_units,
            max_lots: r.max_lots,
            usd_per_unit_hour: r.price,
            upfront_usd_per_lot: r.upfront,
            line: r.line,
            offer,
        });
    }
    let rules_file = tables
        .rules
        .as_ref()
        .map(|t| t.display.clone())
        .unwrap_or_else(|| "rules.csv".into());
    let mut sc = Scenario {
        name: name.to_string(),
        start,
        periods,
        discount_rate: settings.discount_rate,
        hours_per_month: settings.hours_per_month,
        demand_shock_persistence: settings.persistence,
        providers,
        regions,
        skus,
        workloads,
        demand,
        sigma,
        perf,
        offers,
        contracts,
        minimums,
        power,
        rules,
        reservations,
        lots: settings.lots,
        mip_gap: settings.mip_gap,
        decide_by: settings.decide_by.map_or(0, |(m, _)| {
            (m.0 - start.0).clamp(0, periods as i32 - 1) as usize
        }),
        notes,
        money: money.unwrap_or_default(),
    };
    // Rule conflicts, before any model is built: warnings, or errors where only infeasibility
    // could follow (hard demand that no provider may serve).
    super::conflicts::check(&sc, &rules_file, diags, &mut warnings);
    let mut all = diags.warnings().to_vec();
    all.extend(warnings.into_vec());
    sc.notes.warnings = all;
    (diags.len() == errors_before).then_some(sc)
}

/// A very long horizon is usually one stray date (a demand row dated `9999-12`): over 30 years is
/// a warning, over 100 an error at the demand row that stretched it, unless settings give both
/// `horizon_start` and `horizon_end` (then the length is meant).
fn check_horizon_length(
    settings: &Settings,
    demand: &[DemandRow],
    demand_file: &str,
    start: Month,
    end: Month,
    diags: &mut Diagnostics,
) {
    let months = (end.0 as i64) - (start.0 as i64) + 1;
    if months <= HORIZON_WARN_MONTHS {
        return;
    }
    let span = format!(
        "the horizon runs {start}..{end}: {months} months ({:.0} years)",
        months as f64 / 12.0
    );
    if let (Some(_), Some((_, line))) = (settings.horizon_start, settings.horizon_end) {
        diags.warn(
            &settings.display,
            line,
            "value",
            format!("{span}, over 30 years: the model has one column per month of every tranche"),
        );
        return;
    }
    // The demand row that set the far end: the one further from the median month when both ends
    // come from demand.
    let mut periods: Vec<i32> = demand.iter().map(|d| d.period.0).collect();
    periods.sort_unstable();
    let median = periods[(periods.len() - 1) / 2];
    let first_from_demand = settings.horizon_start.is_none();
    let last_from_demand = settings.horizon_end.is_none();
    let blame_last = match (first_from_demand, last_from_demand) {
        (true, true) => end.0 - median >= median - start.0,
        (_, last) => last,
    };
    let target = if blame_last { end } else { start };
    let line = demand
        .iter()
        .find(|d| d.period == target)
        .map(|d| d.line)
        .unwrap_or(1);
    if months > HORIZON_MAX_MONTHS {
        diags.push(
            demand_file,
            line,
            "period",
            format!(
                "{span}, over 100 years, because of this row: if that is meant, give both horizon_start and \
                 horizon_end in settings.csv"
            ),
        );
    } else {
        diags.warn(
            demand_file,
            line,
            "period",
            format!("{span}, over 30 years, because of this row: check its period"),
        );
    }
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    ids.enumerate().map(|(i, s)| (s.to_string(), i)).collect()
}

/// Id maps of the entity files; `None` when the file is missing (then references are not checked,
/// to avoid one missing file drowning the real problems in "unknown id" lines).
struct Ids {
    providers: Option<HashMap<String, usize>>,
    skus: Option<HashMap<String, usize>>,
    workloads: Option<HashMap<String, usize>>,
}

/// Reads cells of one row, reporting problems against its file, line and column.
pub(super) struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
    diags: &'a mut Diagnostics,
}

impl<'a> Cells<'a> {
    pub(super) fn new(table: &'a Table, row: &'a Row, diags: &'a mut Diagnostics) -> Self {
        Cells { table, row, diags }
    }

    pub(super) fn text(&self, column: &str) -> &'a str {
        self.table.cell(self.row, column)
    }

    pub(super) fn problem(&mut self, column: &str, message: impl Into<String>) {
        self.diags
            .push(&self.table.display, self.row.line, column, message);
    }

    /// A required id with the right shape.
    fn id(&mut self, column: &str) -> Option<String> {
        let text = self.text(column);
        if text.is_empty() {
            self.problem(column, "required value is blank");
            return None;
        }
        if !is_valid_id(text) {
            self.problem(
                column,
                format!(
                    "'{}' is not a valid id: use lowercase [a-z0-9][a-z0-9._-]*",
                    echo(text)
                ),
            );
            return None;
        }
        Some(text.to_string())
    }

    /// An id that must be declared in another file. `Some(None)`: cannot be checked.
    fn reference(
        &mut self,
        column: &str,
        known: Option<&HashMap<String, usize>>,
        file: &str,
    ) -> Option<Option<usize>> {
        let id = self.id(column)?;
        match known {
            None => Some(None),
            Some(map) => match map.get(&id) {
                Some(&i) => Some(Some(i)),
                None => {
                    self.problem(
                        column,
                        format!("unknown {column} '{}' (not declared in {file})", echo(&id)),
                    );
                    None
                }
            },
        }
    }

    /// A non-negative finite number; `default` when blank (None = required).
    pub(super) fn number(&mut self, column: &str, default: Option<f64>) -> Option<f64> {
        let text = self.text(column);
        if text.is_empty() {
            if default.is_none() {
                self.problem(column, "required value is blank");
            }
            return default;
        }
        match parse_number(text) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.problem(column, msg);
                None
            }
        }
    }

    /// An optional month; `Err` when malformed.
    pub(super) fn period(&mut self, column: &str) -> Result<Option<Month>, ()> {
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        Month::parse(text)
            .map(Some)
            .map_err(|msg| self.problem(column, msg))
    }

    /// `from`/`to` of a window, checked for order.
    fn window(&mut self) -> Option<(Option<Month>, Option<Month>)> {
        let from = self.period("from");
        let to = self.period("to");
        let (from, to) = (from.ok()?, to.ok()?);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                self.problem("from", format!("window starts {f}, after it ends ({t})"));
                return None;
            }
        }
        Some((from, to))
    }

    fn resource(&mut self) -> Option<Resource> {
        match self.text("resource") {
            "gpu" => Some(Resource::Gpu),
            "cpu" => Some(Resource::Cpu),
            "" => {
                self.problem("resource", "required value is blank (gpu or cpu)");
                None
            }
            other => {
                self.problem(
                    "resource",
                    format!("'{}' is not a resource: use gpu or cpu", echo(other)),
                );
                None
            }
        }
    }
}

pub fn is_valid_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
        })
}

/// Plain decimal (SPEC: no exponent), finite, not negative.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let shown = echo(text);
    let plain = text
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+'));
    let v: f64 = match text.parse() {
        Ok(v) if plain => v,
        Ok(v) if v.is_finite() && text.bytes().any(|c| matches!(c, b'e' | b'E')) => {
            return Err(format!(
                "'{shown}' has an exponent: write it as a plain decimal ({v}); SPEC allows no exponents"
            ))
        }
        _ => {
            return Err(format!(
                "'{shown}' is not a number (plain decimals only, e.g. 1250.5)"
            ))
        }
    };
    if !v.is_finite() {
        return Err(format!("'{shown}' is not a finite number"));
    }
    if v < 0.0 {
        return Err(format!("{shown} is negative; must be 0 or more"));
    }
    Ok(if v == 0.0 { 0.0 } else { v }) // no -0
}

/// Reports a second occurrence of an id.
fn check_unique(
    seen: &mut HashMap<String, u64>,
    id: &str,
    cells: &mut Cells,
    column: &str,
) -> bool {
    if let Some(first) = seen.get(id) {
        cells.problem(
            column,
            format!(
                "duplicate {column} '{}' (first declared on line {first})",
                echo(id)
            ),
        );
        return false;
    }
    seen.insert(id.to_string(), cells.row.line);
    true
}

struct Settings {
    display: String,
    horizon_start: Option<(Month, u64)>,
    horizon_end: Option<(Month, u64)>,
    discount_rate: f64,
    hours_per_month: f64,
    persistence: f64,
    lots: Lots,
    mip_gap: f64,
    /// `capplan commit`: the last sign-by month decided now (checked against the horizon later).
    decide_by: Option<(Month, u64)>,
    min_cash_usd: f64,
    funding_rate: Option<f64>,
}

fn read_settings(table: Option<&Table>, diags: &mut Diagnostics) -> Settings {
    let mut s = Settings {
        display: table
            .map(|t| t.display.clone())
            .unwrap_or_else(|| "settings.csv".into()),
        horizon_start: None,
        horizon_end: None,
        discount_rate: 0.0,
        hours_per_month: 730.0,
        persistence: DEFAULT_PERSISTENCE,
        lots: Lots::Integer,
        mip_gap: DEFAULT_MIP_GAP,
        decide_by: None,
        min_cash_usd: 0.0,
        funding_rate: None,
    };
    let Some(table) = table else { return s };
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let key = c.text("key");
        if !check_unique(&mut seen, key, &mut c, "key") {
            continue;
        }
        let value = c.text("value");
        match key {
            "horizon_start" | "horizon_end" => {
                if value.is_empty() {
                    continue;
                }
                match Month::parse(value) {
                    Ok(m) if key == "horizon_start" => s.horizon_start = Some((m, row.line)),
                    Ok(m) => s.horizon_end = Some((m, row.line)),
                    Err(msg) => c.problem("value", format!("{}: {msg}", echo(key))),
                }
            }
            "decide_by" => {
                if value.is_empty() {
                    continue;
                }
                match Month::parse(value) {
                    Ok(m) => s.decide_by = Some((m, row.line)),
                    Err(msg) => c.problem("value", format!("decide_by: {msg}")),
                }
            }
            "discount_rate" => {
                if let Some(v) = c.number("value", Some(0.0)) {
                    s.discount_rate = v;
                }
            }
            "hours_per_month" => match c.number("value", Some(730.0)) {
                Some(v) if v > 0.0 => s.hours_per_month = v,
                Some(_) => c.problem("value", "hours_per_month must be greater than 0"),
                None => {}
            },
            "demand_shock_persistence" => match c.number("value", Some(DEFAULT_PERSISTENCE)) {
                Some(v) if v <= 1.0 => s.persistence = v,
                Some(v) => c.problem("value", format!("demand_shock_persistence {v} is outside 0..1")),
                None => {}
            },
            "lots" => match value {
                "integer" | "" => s.lots = Lots::Integer,
                "continuous" => s.lots = Lots::Continuous,
                other => c.problem("value", format!("lots '{}' is not integer or continuous", echo(other))),
            },
            "mip_gap" => match c.number("value", Some(DEFAULT_MIP_GAP)) {
                Some(v) if v < 1.0 => s.mip_gap = v,
                Some(v) => c.problem("value", format!("mip_gap {v} must be below 1 (it is relative: 1e-4 = 0.01%)")),
                None => {}
            },
            "min_cash_usd" => {
                if let Some(v) = c.number("value", Some(0.0)) {
                    s.min_cash_usd = v;
                }
            }
            "funding_rate" => {
                if !value.is_empty() {
                    s.funding_rate = c.number("value", None);
                }
            }
            "" => c.problem("key", "required value is blank"),
            other => c.problem(
                "key",
                format!(
                    "unknown setting '{}' (expected horizon_start, horizon_end, discount_rate, hours_per_month, \
                     demand_shock_persistence, lots, mip_gap, decide_by, min_cash_usd, funding_rate)",
                    echo(other)
                ),
            ),
        }
    }
    s
}

fn read_providers(table: &Table, diags: &mut Diagnostics) -> Vec<Provider> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let Some(id) = c.id("provider") else { continue };
        if !check_unique(&mut seen, &id, &mut c, "provider") {
            continue;
        }
        let name = match c.text("name") {
            "" => id.clone(),
            n => n.to_string(),
        };
        out.push(Provider { id, name });
    }
    out
}

fn read_skus(table: &Table, diags: &mut Diagnostics) -> Vec<Sku> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let id = c.id("sku");
        let resource = c.resource();
        let power_kw = c.number("power_kw", Some(0.0));
        let perf = c.number("perf", Some(1.0));
        let Some(id) = id else { continue };
        if !check_unique(&mut seen, &id, &mut c, "sku") {
            continue;
        }
        if let (Some(resource), Some(power_kw), Some(perf)) = (resource, power_kw, perf) {
            out.push(Sku {
                id,
                resource,
                power_kw,
                perf,
            });
        } else {
            // Keep the id declared so rows referring to it are not also reported.
            out.push(Sku {
                id,
                resource: Resource::Gpu,
                power_kw: 0.0,
                perf: 0.0,
            });
        }
    }
    out
}

fn read_workloads(table: &Table, diags: &mut Diagnostics) -> Vec<Workload> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let id = c.id("workload");
        let resource = c.resource();
        let penalty = if c.text("unmet_usd_per_unit_hour").is_empty() {
            Some(None)
        } else {
            c.number("unmet_usd_per_unit_hour", None).map(Some)
        };
        let Some(id) = id else { continue };
        if !check_unique(&mut seen, &id, &mut c, "workload") {
            continue;
        }
        out.push(Workload {
            id,
            resource: resource.unwrap_or(Resource::Gpu),
            unmet_usd_per_unit_hour: penalty.flatten(),
        });
    }
    out
}

struct DemandRow {
    line: u64,
    period: Month,
    workload: usize,
    quantity: f64,
    sigma: f64,
}

fn read_demand(table: &Table, ids: &Ids, diags: &mut Diagnostics) -> Vec<DemandRow> {
    if table.rows.is_empty() && table.has_column("period") {
        diags.push(
            &table.display,
            1,
            WHOLE_FILE,
            "demand file has no rows: nothing to plan",
        );
    }
    let mut out = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let period = match c.period("period") {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                c.problem("period", "required value is blank");
                None
            }
            Err(()) => None,
        };
        let workload = c.reference("workload", ids.workloads.as_ref(), "workloads.csv");
        let quantity = c.number("quantity", None);
        let sigma = match c.number("sigma", Some(0.0)) {
            Some(s) if s > SIGMA_MAX => {
                c.problem(
                    "sigma",
                    format!(
                        "{s} is above {SIGMA_MAX}, the largest spread capplan samples: with the mean kept \
                         (d * exp(sigma*z - sigma^2/2)) nearly every sample would be ~0 and a rare few huge, so \
                         no affordable number of samples estimates the risk"
                    ),
                );
                None
            }
            s => s,
        };
        if let (Some(period), Some(Some(workload)), Some(quantity), Some(sigma)) =
            (period, workload, quantity, sigma)
        {
            out.push(DemandRow {
                line: row.line,
                period,
                workload,
                quantity,
                sigma,
            });
        } else if let (Some(period), Some(None)) = (period, workload) {
            // Workloads file missing: still use the period for the horizon.
            out.push(DemandRow {
                line: row.line,
                period,
                workload: usize::MAX,
                quantity: 0.0,
                sigma: 0.0,
            });
        }
    }
    out
}

struct RawOffer {
    provider: Option<usize>,
    region: String,
    sku: Option<usize>,
    from: Option<Month>,
    to: Option<Month>,
    max_units: f64,
    price: f64,
    line: u64,
}

fn read_offers(table: &Table, ids: &Ids, diags: &mut Diagnostics) -> Vec<RawOffer> {
    let mut out = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let provider = c.reference("provider", ids.providers.as_ref(), "providers.csv");
        let region = c.id("region");
        let sku = c.reference("sku", ids.skus.as_ref(), "skus.csv");
        let window = c.window();
        let max_units = c.number("max_units", None);
        let price = c.number("usd_per_unit_hour", None);
        if let (
            Some(provider),
            Some(region),
            Some(sku),
            Some((from, to)),
            Some(max_units),
            Some(price),
        ) = (provider, region, sku, window, max_units, price)
        {
            out.push(RawOffer {
                provider,
                region,
                sku,
                from,
                to,
                max_units,
                price,
                line: row.line,
            });
        }
    }
    out
}

struct PerfRow {
    file: String,
    line: u64,
    workload: usize,
    sku: usize,
    perf: f64,
}

fn read_perf(table: &Table, ids: &Ids, diags: &mut Diagnostics) -> Vec<PerfRow> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let workload = c.reference("workload", ids.workloads.as_ref(), "workloads.csv");
        let sku = c.reference("sku", ids.skus.as_ref(), "skus.csv");
        let perf = c.number("perf", None);
        let key = format!("{}/{}", c.text("workload"), c.text("sku"));
        if !check_unique(&mut seen, &key, &mut c, "sku") {
            continue;
        }
        if let (Some(Some(workload)), Some(Some(sku)), Some(perf)) = (workload, sku, perf) {
            out.push(PerfRow {
                file: table.display.clone(),
                line: row.line,
                workload,
                sku,
                perf,
            });
        }
    }
    out
}

struct RawContract {
    sizable: bool,
    prorate: bool,
    id: String,
    provider: Option<usize>,
    from: Option<Month>,
    to: Option<Month>,
    commit_usd: f64,
    discount_pct: f64,
    file: String,
    line: u64,
}

fn read_contracts(table: &Table, ids: &Ids, diags: &mut Diagnostics) -> Vec<RawContract> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let id = c.id("contract");
        let provider = c.reference("provider", ids.providers.as_ref(), "providers.csv");
        let window = c.window();
        let commit = c.number("commit_usd", None);
        let sizable = match c.text("sizable") {
            "" | "false" | "no" | "0" => Some(false),
            "true" | "yes" | "1" => Some(true),
            other => {
                c.problem("sizable", format!("'{}' is not true or false", echo(other)));
                None
            }
        };
        let prorate = match c.text("beyond_horizon") {
            "" | "full" => Some(false),
            "prorate" => Some(true),
            other => {
                c.problem(
                    "beyond_horizon",
                    format!("'{other}' is not full or prorate"),
                );
                None
            }
        };
        let discount = match c.number("discount_pct", Some(0.0)) {
            Some(d) if d > 100.0 => {
                c.problem("discount_pct", format!("{d} is above 100%"));
                None
            }
            d => d,
        };
        let Some(id) = id else { continue };
        if !check_unique(&mut seen, &id, &mut c, "contract") {
            continue;
        }
        if let (
            Some(provider),
            Some((from, to)),
            Some(commit_usd),
            Some(discount_pct),
            Some(sizable),
            Some(prorate),
        ) = (provider, window, commit, discount, sizable, prorate)
        {
            out.push(RawContract {
                sizable,
                prorate,
                id,
                provider,
                from,
                to,
                commit_usd,
                discount_pct,
                file: table.display.clone(),
                line: row.line,
            });
        }
    }
    out
}

/// `commit_usd`'s share owed inside the horizon by a pro-rated contract: months of its window
/// inside the horizon over months of its window.
fn prorate_factor(from: Month, to: Month, start: Month, end: Month) -> f64 {
    let months = (to.0 - from.0 + 1) as f64;
    let inside = (to.min(end).0 - from.max(start).0 + 1).max(0) as f64;
    inside / months
}

struct RawMinimum {
    contract: String,
    from: Month,
    to: Month,
    min_usd: f64,
    line: u64,
}

/// Reads `minimums.csv`: each milestone names a contract, lies inside its window (blank `from`/`to`
/// take the contract's) and asks for no more than the contract's commitment.
fn read_minimums(
    table: &Table,
    contracts: &[RawContract],
    start: Option<Month>,
    end: Option<Month>,
    diags: &mut Diagnostics,
) -> Vec<RawMinimum> {
    let mut out = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let id = c.id("contract");
        let window = c.window();
        let min_usd = c.number("min_usd", None);
        let (Some(id), Some((from, to)), Some(min_usd)) = (id, window, min_usd) else {
            continue;
        };
        let Some(k) = contracts.iter().find(|k| k.id == id) else {
            c.problem(
                "contract",
                format!("unknown contract '{id}' (not declared in contracts.csv)"),
            );
            continue;
        };
        // Open ends are the horizon's; with no horizon known the window cannot be checked.
        let (Some(kf), Some(kt)) = (k.from.or(start), k.to.or(end)) else {
            continue;
        };
        let (from, to) = (from.unwrap_or(kf), to.unwrap_or(kt));
        if from > to {
            c.problem(
                "from",
                format!("window starts {from}, after it ends ({to})"),
            );
            continue;
        }
        let mut ok = true;
        if from < kf {
            c.problem(
                "from",
                format!(
                    "minimum starts {from}, before its contract '{id}' does ({kf}, {}:{})",
                    k.file, k.line
                ),
            );
            ok = false;
        }
        if to > kt {
            c.problem(
                "to",
                format!(
                    "minimum ends {to}, after its contract '{id}' does ({kt}, {}:{})",
                    k.file, k.line
                ),
            );
            ok = false;
        }
        if min_usd > k.commit_usd {
            c.problem(
                "min_usd",
                format!(
                    "minimum {min_usd} is above its contract '{id}' commitment ({}): a milestone is part of the total",
                    k.commit_usd
                ),
            );
            ok = false;
        }
        if ok {
            out.push(RawMinimum {
                contract: id,
                from,
                to,
                min_usd,
                line: row.line,
            });
        }
    }
    out
}

struct RawPower {
    provider: usize,
    region: usize,
    from: Option<Month>,
    to: Option<Month>,
    max_mw: f64,
    line: u64,
}

fn read_power(
    table: &Table,
    ids: &Ids,
    regions: Option<&HashMap<(usize, String), usize>>,
    diags: &mut Diagnostics,
) -> Vec<RawPower> {
    let mut out = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let provider = c.reference("provider", ids.providers.as_ref(), "providers.csv");
        let region_id = c.id("region");
        let region = match (provider, &region_id, regions) {
            (Some(Some(p)), Some(r), Some(map)) => match map.get(&(p, r.clone())) {
                Some(&i) => Some(i),
                None => {
                    c.problem(
                        "region",
                        format!("unknown region '{}' for provider '{}' (regions are declared by offers.csv)", echo(r), echo(c.text("provider"))),
                    );
                    None
                }
            },
            _ => None,
        };
        let window = c.window();
        let max_mw = c.number("max_mw", None);
        if let (Some(Some(provider)), Some(region), Some((from, to)), Some(max_mw)) =
            (provider, region, window, max_mw)
        {
            out.push(RawPower {
                provider,
                region,
                from,
                to,
                max_mw,
                line: row.line,
            });
        }
    }
    out
}

struct RawRule {
    line: u64,
    id: String,
    kind: RuleKind,
    workload: usize,
    provider: usize,
    from: Option<Month>,
    to: Option<Month>,
}

fn read_rules(table: &Table, ids: &Ids, diags: &mut Diagnostics) -> Vec<RawRule> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    // A rule that repeats another (same kind, share, mode, workload, provider, window) adds
    // nothing but rows: merged into the first, with a warning.
    let mut identical: HashMap<String, (String, u64)> = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let id = c.id("rule");
        let workload = c.reference("workload", ids.workloads.as_ref(), "workloads.csv");
        let provider = c.reference("provider", ids.providers.as_ref(), "providers.csv");
        let window = c.window();
        let share = match c.text("share") {
            "" => Some(None),
            _ => match c.number("share", None) {
                Some(s) if s > 1.0 => {
                    c.problem(
                        "share",
                        format!("{s} is outside 0..1 (a share of 60% is written 0.6)"),
                    );
                    None
                }
                s => s.map(Some),
            },
        };
        let mode = c.text("mode");
        let kind_text = c.text("kind");
        let needs_share = |c: &mut Cells, s: Option<Option<f64>>| -> Option<f64> {
            match s {
                Some(Some(v)) => Some(v),
                Some(None) => {
                    c.problem("share", format!("{kind_text} needs a share (0..1)"));
                    None
                }
                None => None,
            }
        };
        let kind = match kind_text {
            "exclusive" => Some(RuleKind::Exclusive),
            "forbid" => Some(RuleKind::Forbid),
            "min_share" => needs_share(&mut c, share).map(RuleKind::MinShare),
            "max_share" => needs_share(&mut c, share).map(RuleKind::MaxShare),
            "first_on" => match mode {
                "priority" => Some(RuleKind::FirstOn(FirstOnMode::Priority)),
                "window" => Some(RuleKind::FirstOn(FirstOnMode::Window)),
                "share" => {
                    needs_share(&mut c, share).map(|s| RuleKind::FirstOn(FirstOnMode::Share(s)))
                }
                "" => {
                    c.problem("mode", "first_on needs a mode: priority, window or share");
                    None
                }
                other => {
                    c.problem(
                        "mode",
                        format!(
                            "unknown first_on mode '{}' (expected priority, window or share)",
                            echo(other)
                        ),
                    );
                    None
                }
            },
            "" => {
                c.problem("kind", "required value is blank");
                None
            }
            other => {
                c.problem(
                    "kind",
                    format!("unknown rule kind '{}' (expected exclusive, forbid, min_share, max_share or first_on)", echo(other)),
                );
                None
            }
        };
        if let Some(k) = kind {
            let uses_share = matches!(
                k,
                RuleKind::MinShare(_)
                    | RuleKind::MaxShare(_)
                    | RuleKind::FirstOn(FirstOnMode::Share(_))
            );
            if !uses_share && matches!(share, Some(Some(_))) {
                c.diags.warn(
                    &table.display,
                    row.line,
                    "share",
                    format!("share is ignored for {}", k.label()),
                );
            }
            if !matches!(k, RuleKind::FirstOn(_)) && !mode.is_empty() {
                c.diags.warn(
                    &table.display,
                    row.line,
                    "mode",
                    format!("mode is ignored for {}", k.label()),
                );
            }
        }
        let Some(id) = id else { continue };
        if !check_unique(&mut seen, &id, &mut c, "rule") {
            continue;
        }
        if let (Some(kind), Some(Some(workload)), Some(Some(provider)), Some((from, to))) =
            (kind, workload, provider, window)
        {
            let key = format!("{kind:?}|{workload}|{provider}|{from:?}|{to:?}");
            if let Some((first, line)) = identical.get(&key) {
                c.diags.warn(
                    &table.display,
                    row.line,
                    "rule",
                    format!(
                        "rule '{}' repeats rule '{}' (line {line}): same kind, share, workload, provider and \
                         window; merged into it",
                        echo(&id),
                        echo(first)
                    ),
                );
                continue;
            }
            identical.insert(key, (id.clone(), row.line));
            out.push(RawRule {
                line: row.line,
                id,
                kind,
                workload,
                provider,
                from,
                to,
            });
        }
    }
    out
}

impl Diagnostic {
    /// A short form for the validate summary's warning list.
    pub fn short(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_finite_non_negative() {
        assert_eq!(parse_number("12.5"), Ok(12.5));
        assert!(parse_number("1e3").unwrap_err().contains("exponent"));
        assert!(parse_number("1E-2").unwrap_err().contains("(0.01)"));
        assert_eq!(parse_number("-0"), Ok(0.0));
        for bad in [
            "NaN", "nan", "inf", "-inf", "infinity", "1,000", "$5", "5%", "1_000", "abc", "0x10",
            "1e999",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
        assert!(parse_number("-3").unwrap_err().contains("negative"));
    }

    #[test]
    fn ids_are_lowercase_slugs() {
        assert!(is_valid_id("gb300-nvl72"));
        assert!(is_valid_id("a.b_c-1"));
        assert!(!is_valid_id("Azure"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id(""));
    }
}

struct RawReservation {
    id: String,
    provider: usize,
    region: String,
    sku: usize,
    from: Option<Month>,
    to: Option<Month>,
    term_months: usize,
    lead_months: usize,
    lot_units: f64,
    max_lots: Option<f64>,
    price: f64,
    upfront: f64,
    line: u64,
}

/// A whole number of months (`term_months`, `lead_months`); `min` is the smallest allowed.
fn whole_months(c: &mut Cells, column: &str, default: Option<f64>, min: usize) -> Option<usize> {
    let v = c.number(column, default)?;
    if v.fract() != 0.0 || v > 1200.0 {
        c.problem(column, format!("{v} is not a whole number of months"));
        return None;
    }
    if (v as usize) < min {
        c.problem(column, format!("must be at least {min} month"));
        return None;
    }
    Some(v as usize)
}

fn read_reservations(table: &Table, ids: &Ids, diags: &mut Diagnostics) -> Vec<RawReservation> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut c = Cells::new(table, row, diags);
        let id = c.id("option");
        let unique = id
            .as_ref()
            .is_none_or(|id| check_unique(&mut seen, id, &mut c, "option"));
        let provider = c.reference("provider", ids.providers.as_ref(), "providers.csv");
        let region = c.id("region");
        let sku = c.reference("sku", ids.skus.as_ref(), "skus.csv");
        let window = c.window();
        let term = whole_months(&mut c, "term_months", None, 1);
        let lead = whole_months(&mut c, "lead_months", Some(0.0), 0);
        let lot_units = match c.number("lot_units", Some(1.0)) {
            Some(v) if v > 0.0 => Some(v),
            Some(_) => {
                c.problem("lot_units", "must be greater than 0");
                None
            }
            None => None,
        };
        let max_lots = if c.text("max_lots").is_empty() {
            Some(None)
        } else {
            match c.number("max_lots", None) {
                Some(v) if v.fract() == 0.0 => Some(Some(v)),
                Some(v) => {
                    c.problem("max_lots", format!("{v} is not a whole number of lots"));
                    None
                }
                None => None,
            }
        };
        let price = c.number("usd_per_unit_hour", None);
        let upfront = c.number("upfront_usd_per_lot", Some(0.0));
        if let (
            Some(id),
            true,
            Some(Some(provider)),
            Some(region),
            Some(Some(sku)),
            Some((from, to)),
            Some(term_months),
            Some(lead_months),
            Some(lot_units),
            Some(max_lots),
            Some(price),
            Some(upfront),
        ) = (
            id, unique, provider, region, sku, window, term, lead, lot_units, max_lots, price,
            upfront,
        ) {
            out.push(RawReservation {
                id,
                provider,
                region,
                sku,
                from,
                to,
                term_months,
                lead_months,
                lot_units,
                max_lots,
                price,
                upfront,
                line: row.line,
            });
        }
    }
    out
}

//! Every check on the input, turning tables of text into a `Scenario`. All problems are collected;
//! nothing is modelled unless the whole folder is clean.

use super::*;
use crate::diagnostics::{Diagnostic, Diagnostics, WHOLE_FILE};
use crate::input::{Row, Table, Tables};
use std::collections::HashMap;

/// Share of a workload's demand uncertainty that persists across months when none is set.
pub const DEFAULT_PERSISTENCE: f64 = 0.8;

/// Builds the scenario, or returns `None` with every problem in `diags`.
pub fn build(name: &str, tables: &Tables, diags: &mut Diagnostics) -> Option<Scenario> {
    let errors_before = diags.len();
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
        .map(|t| read_rules(t, &ids, diags, &mut warnings))
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
    // Contracts of one provider must not overlap (which discount would apply?).
    check_contract_overlaps(&raw_contracts, start, end, diags);
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
                warnings.push(
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
                })
            }
            None => notes.offers_outside_horizon += 1,
        }
    }
    let mut contracts = Vec::new();
    for c in raw_contracts {
        match clip(c.from, c.to) {
            Some(window) => {
                let cut_before = c.from.is_some_and(|f| f < start);
                let cut_after = c.to.is_some_and(|t| t > end);
                if cut_before || cut_after {
                    notes.contracts_clipped.push(c.id.clone());
                }
                contracts.push(Contract {
                    id: c.id,
                    provider: ProviderId(c.provider.expect("validated")),
                    window,
                    commit_usd: c.commit_usd,
                    discount_pct: c.discount_pct,
                    sizable: c.sizable,
                })
            }
            None => notes.contracts_outside_horizon += 1,
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
            }),
            None => notes.rules_outside_horizon += 1,
        }
    }
    notes.warnings = warnings.into_vec();

    Some(Scenario {
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
        power,
        rules,
        notes,
        money: money.unwrap_or_default(),
    })
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
                format!("'{text}' is not a valid id: use lowercase [a-z0-9][a-z0-9._-]*"),
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
                        format!("unknown {column} '{id}' (not declared in {file})"),
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
                    format!("'{other}' is not a resource: use gpu or cpu"),
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

/// Plain decimal, finite, not negative.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let plain = text
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'));
    let v: f64 = match text.parse() {
        Ok(v) if plain => v,
        _ => {
            return Err(format!(
                "'{text}' is not a number (plain decimals only, e.g. 1250.5)"
            ))
        }
    };
    if !v.is_finite() {
        return Err(format!("'{text}' is not a finite number"));
    }
    if v < 0.0 {
        return Err(format!("{text} is negative; must be 0 or more"));
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
            format!("duplicate {column} '{id}' (first declared on line {first})"),
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
                    Err(msg) => c.problem("value", format!("{key}: {msg}")),
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
                    "unknown setting '{other}' (expected horizon_start, horizon_end, discount_rate, hours_per_month, \
                     demand_shock_persistence, min_cash_usd, funding_rate)"
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
        let sigma = c.number("sigma", Some(0.0));
        if let (Some(period), Some(Some(workload)), Some(quantity), Some(sigma)) =
            (period, workload, quantity, sigma)
        {
            out.push(DemandRow {
                period,
                workload,
                quantity,
                sigma,
            });
        } else if let (Some(period), Some(None)) = (period, workload) {
            // Workloads file missing: still use the period for the horizon.
            out.push(DemandRow {
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
                c.problem("sizable", format!("'{other}' is not true or false"));
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
        ) = (provider, window, commit, discount, sizable)
        {
            out.push(RawContract {
                sizable,
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

fn check_contract_overlaps(
    contracts: &[RawContract],
    start: Option<Month>,
    end: Option<Month>,
    diags: &mut Diagnostics,
) {
    let lo = Month(i32::MIN / 2);
    let hi = Month(i32::MAX / 2);
    for (j, b) in contracts.iter().enumerate() {
        for a in &contracts[..j] {
            let (Some(pa), Some(pb)) = (a.provider, b.provider) else {
                continue;
            };
            if pa != pb {
                continue;
            }
            let (af, at) = (a.from.or(start).unwrap_or(lo), a.to.or(end).unwrap_or(hi));
            let (bf, bt) = (b.from.or(start).unwrap_or(lo), b.to.or(end).unwrap_or(hi));
            if af <= bt && bf <= at {
                diags.push(
                    &b.file,
                    b.line,
                    "from",
                    format!(
                        "contract '{}' overlaps contract '{}' (line {}) of the same provider; windows of one provider's \
                         contracts must not overlap",
                        b.id, a.id, a.line
                    ),
                );
                break;
            }
        }
    }
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
                        format!("unknown region '{r}' for provider '{}' (regions are declared by offers.csv)", c.text("provider")),
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
    id: String,
    kind: RuleKind,
    workload: usize,
    provider: usize,
    from: Option<Month>,
    to: Option<Month>,
}

fn read_rules(
    table: &Table,
    ids: &Ids,
    diags: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Vec<RawRule> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
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
            "first_on" => {
                match mode {
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
                        c.problem("mode", format!("unknown first_on mode '{other}' (expected priority, window or share)"));
                        None
                    }
                }
            }
            "" => {
                c.problem("kind", "required value is blank");
                None
            }
            other => {
                c.problem(
                    "kind",
                    format!("unknown rule kind '{other}' (expected exclusive, forbid, min_share, max_share or first_on)"),
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
                warnings.push(
                    &table.display,
                    row.line,
                    "share",
                    format!("share is ignored for {}", k.label()),
                );
            }
            if !matches!(k, RuleKind::FirstOn(_)) && !mode.is_empty() {
                warnings.push(
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
            out.push(RawRule {
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
        assert_eq!(parse_number("1e3"), Ok(1000.0));
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

//! Stage 2: the validated scenario. Strings become typed ids, windows become month ranges clipped
//! to the horizon, defaults are filled in. The model never sees a string id.

mod build;
pub mod conflicts;
pub mod money;
pub mod period;

pub use build::build;
pub use period::Month;

macro_rules! typed_id {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);
    )*};
}
typed_id!(
    ProviderId,
    RegionId,
    SkuId,
    WorkloadId,
    OfferId,
    ContractId,
    MinimumId,
    PowerId,
    RuleId,
    ReservationId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Gpu,
    Cpu,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Gpu => "gpu",
            Resource::Cpu => "cpu",
        }
    }
}

/// Months `first..=last`, as indices from the horizon start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first: usize,
    pub last: usize,
}

impl Window {
    pub fn contains(&self, t: usize) -> bool {
        self.first <= t && t <= self.last
    }

    pub fn months(&self) -> std::ops::RangeInclusive<usize> {
        self.first..=self.last
    }
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub provider: ProviderId,
    pub id: String,
}

#[derive(Debug, Clone)]
pub struct Sku {
    pub id: String,
    pub resource: Resource,
    pub power_kw: f64,
    pub perf: f64,
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub id: String,
    pub resource: Resource,
    /// `None` = hard demand.
    pub unmet_usd_per_unit_hour: Option<f64>,
}

/// One capacity tranche of offers.csv.
#[derive(Debug, Clone)]
pub struct Offer {
    pub provider: ProviderId,
    pub region: RegionId,
    pub sku: SkuId,
    pub window: Window,
    pub max_units: f64,
    pub usd_per_unit_hour: f64,
    /// Line in offers.csv (or reservations.csv), to name the tranche.
    pub line: u64,
    /// `Some`: not an offers.csv tranche but the reserved units of a reservation option (`y[k,w,t]`):
    /// its capacity comes from the option's lots, its price is 0 (the charge is on the lots).
    pub reservation: Option<ReservationId>,
}

/// Whether reservation lots are whole numbers (settings `lots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lots {
    Integer,
    Continuous,
}

/// One option of reservations.csv, with its start months resolved against the horizon.
#[derive(Debug, Clone)]
pub struct Reservation {
    pub id: String,
    pub provider: ProviderId,
    pub region: RegionId,
    pub sku: SkuId,
    /// Start months offered (horizon indices): the option's window inside the horizon, less starts
    /// whose sign-by month (`s - lead_months`) falls before the horizon start.
    pub starts: Vec<usize>,
    pub term_months: usize,
    pub lead_months: usize,
    pub lot_units: f64,
    pub max_lots: Option<f64>,
    pub usd_per_unit_hour: f64,
    pub upfront_usd_per_lot: f64,
    pub line: u64,
    /// The pseudo-tranche in `Scenario::offers` whose columns are this option's reserved units.
    pub offer: OfferId,
}

impl Reservation {
    /// Whether a lot starting in `s` is active in `t`.
    pub fn covers(&self, s: usize, t: usize) -> bool {
        s <= t && t < s + self.term_months
    }

    /// List-price charge of one lot for one month of its term, USD.
    pub fn monthly_usd_per_lot(&self, hours_per_month: f64) -> f64 {
        self.lot_units * self.usd_per_unit_hour * hours_per_month
    }
}

#[derive(Debug, Clone)]
pub struct Contract {
    pub id: String,
    pub provider: ProviderId,
    pub window: Window,
    pub commit_usd: f64,
    pub discount_pct: f64,
    /// `capplan commit` may size this commitment.
    pub sizable: bool,
    /// `beyond_horizon = prorate`: only the horizon's share of a window running past it is owed.
    pub prorate: bool,
    /// What is owed inside the horizon: `commit_usd`, times (months of the window inside the
    /// horizon) / (months of the window) when pro-rated.
    pub owed_usd: f64,
    /// That factor (1 unless pro-rated and the window runs past the horizon).
    pub owed_factor: f64,
    /// Line in contracts.csv.
    pub line: u64,
}

/// A take-or-pay milestone of a contract (`minimums.csv`): burn `min_usd` inside its window or pay
/// the shortfall at its end; the payment counts toward the contract's total.
#[derive(Debug, Clone)]
pub struct Minimum {
    pub contract: ContractId,
    pub window: Window,
    pub min_usd: f64,
    /// `min_usd` times the contract's pro-rating factor when the milestone runs past the horizon.
    pub owed_usd: f64,
    pub line: u64,
}

#[derive(Debug, Clone)]
pub struct PowerLimit {
    pub provider: ProviderId,
    pub region: RegionId,
    pub window: Window,
    pub max_mw: f64,
    pub line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FirstOnMode {
    Priority,
    Window,
    Share(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RuleKind {
    Exclusive,
    Forbid,
    MinShare(f64),
    MaxShare(f64),
    FirstOn(FirstOnMode),
}

impl RuleKind {
    pub fn label(&self) -> String {
        match self {
            RuleKind::Exclusive => "exclusive".into(),
            RuleKind::Forbid => "forbid".into(),
            RuleKind::MinShare(s) => format!("min_share {s}"),
            RuleKind::MaxShare(s) => format!("max_share {s}"),
            RuleKind::FirstOn(FirstOnMode::Priority) => "first_on (priority)".into(),
            RuleKind::FirstOn(FirstOnMode::Window) => "first_on (window)".into(),
            RuleKind::FirstOn(FirstOnMode::Share(s)) => format!("first_on (share {s})"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    pub workload: WorkloadId,
    pub provider: ProviderId,
    pub window: Window,
    /// Line in rules.csv.
    pub line: u64,
}

/// What validation noticed but did not refuse.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    pub demand_rows_outside_horizon: usize,
    pub offers_outside_horizon: usize,
    pub contracts_outside_horizon: usize,
    pub minimums_outside_horizon: usize,
    pub power_rows_outside_horizon: usize,
    pub rules_outside_horizon: usize,
    /// Reservation options with no start month offered (window outside the horizon, or every
    /// start's sign-by month before the horizon start).
    pub reservations_without_start: Vec<String>,
    /// Contracts whose window was cut by the horizon (their full commitment still applies).
    pub contracts_clipped: Vec<String>,
    pub warnings: Vec<crate::diagnostics::Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    /// Folder name, used for the default report folder.
    pub name: String,
    pub start: Month,
    pub periods: usize,
    pub discount_rate: f64,
    pub hours_per_month: f64,
    /// Share (0..1) of demand uncertainty that is one shock per workload lasting the whole horizon;
    /// the rest is independent month to month.
    pub demand_shock_persistence: f64,
    pub providers: Vec<Provider>,
    pub regions: Vec<Region>,
    pub skus: Vec<Sku>,
    pub workloads: Vec<Workload>,
    /// Demand units, `[workload * periods + t]`.
    pub demand: Vec<f64>,
    /// Log-normal spread, `[workload * periods + t]`.
    pub sigma: Vec<f64>,
    /// Effective perf, `[workload * skus + sku]`: 0 where the SKU cannot serve the workload.
    pub perf: Vec<f64>,
    pub offers: Vec<Offer>,
    pub contracts: Vec<Contract>,
    pub minimums: Vec<Minimum>,
    pub power: Vec<PowerLimit>,
    pub rules: Vec<Rule>,
    /// Options of reservations.csv that have at least one start month offered.
    pub reservations: Vec<Reservation>,
    pub lots: Lots,
    /// Relative gap at which the whole-lot search stops (settings `mip_gap`).
    pub mip_gap: f64,
    /// `capplan commit`: lots whose sign-by month (`start - lead_months`) is at or before this
    /// month (horizon index; settings `decide_by`, default the horizon start) are decided now,
    /// once for every demand sample; later ones per sample.
    pub decide_by: usize,
    pub notes: Notes,
    /// Revenue, funding and the cash settings (SPEC v2 "Money").
    pub money: money::Money,
}

impl Scenario {
    pub fn month(&self, t: usize) -> Month {
        self.start.plus(t)
    }

    pub fn end(&self) -> Month {
        self.start.plus(self.periods - 1)
    }

    pub fn demand(&self, w: WorkloadId, t: usize) -> f64 {
        self.demand[w.0 * self.periods + t]
    }

    /// Demand units of `w` one unit of `sku` serves; 0 = cannot serve.
    pub fn perf(&self, w: WorkloadId, sku: SkuId) -> f64 {
        self.perf[w.0 * self.skus.len() + sku.0]
    }

    /// Present-value factor of month `t`: `(1 + r)^(-t/12)`.
    pub fn discount_factor(&self, t: usize) -> f64 {
        (1.0 + self.discount_rate).powf(-(t as f64) / 12.0)
    }

    /// The contracts of `provider` in force in month `t` (windows may overlap).
    pub fn contracts_at(&self, provider: ProviderId, t: usize) -> Vec<ContractId> {
        self.contracts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.provider == provider && c.window.contains(t))
            .map(|(i, _)| ContractId(i))
            .collect()
    }

    /// The contract of `provider` in month `t` when exactly one is in force: then all of the
    /// month's spend is credited to it and priced after its discount (version 1's model, see
    /// `model::spend`). `None` with no contract or with several (credited by the LP).
    pub fn sole_contract(&self, provider: ProviderId, t: usize) -> Option<ContractId> {
        let mut in_force = self
            .contracts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.provider == provider && c.window.contains(t));
        match (in_force.next(), in_force.next()) {
            (Some((c, _)), None) => Some(ContractId(c)),
            _ => None,
        }
    }

    /// The scenario with contract `c` removed, and its minimums with it (the others renumbered).
    pub fn without_contract(&self, c: ContractId) -> Scenario {
        let mut s = self.clone();
        s.contracts.remove(c.0);
        s.minimums.retain(|m| m.contract != c);
        for m in &mut s.minimums {
            if m.contract.0 > c.0 {
                m.contract = ContractId(m.contract.0 - 1);
            }
        }
        s
    }

    /// Whether some provider-month has two or more contracts in force.
    pub fn has_overlapping_contracts(&self) -> bool {
        (0..self.providers.len())
            .any(|p| (0..self.periods).any(|t| self.contracts_at(ProviderId(p), t).len() > 1))
    }

    /// Price per unit-hour of `offer` in month `t` as the model's columns carry it: after the
    /// discount of the sole contract in force, else list price (several contracts in force credit
    /// their discounts through `a[c,t]`, see `model::spend`).
    pub fn effective_price(&self, offer: OfferId, t: usize) -> f64 {
        let o = &self.offers[offer.0];
        o.usd_per_unit_hour * self.price_factor(o.provider, t)
    }

    /// `1 - d_c` of the sole contract of `provider` in force in `t`, else 1.
    pub fn price_factor(&self, provider: ProviderId, t: usize) -> f64 {
        match self.sole_contract(provider, t) {
            Some(c) => 1.0 - self.contracts[c.0].discount_pct / 100.0,
            None => 1.0,
        }
    }

    /// Whether `provider` has a tranche open in `t` whose SKU can serve `w` ("can support the capability").
    pub fn provider_can_serve(&self, provider: ProviderId, w: WorkloadId, t: usize) -> bool {
        self.offers
            .iter()
            .any(|o| o.provider == provider && o.window.contains(t) && self.perf(w, o.sku) > 0.0)
    }

    pub fn offer_label(&self, offer: OfferId) -> String {
        let o = &self.offers[offer.0];
        if let Some(k) = o.reservation {
            return format!(
                "{} reserved (reservations.csv:{})",
                self.reservations[k.0].id, o.line
            );
        }
        format!(
            "{}/{}/{} (offers.csv:{})",
            self.providers[o.provider.0].id,
            self.regions[o.region.0].id,
            self.skus[o.sku.0].id,
            o.line
        )
    }

    /// `provider/region (power.csv:LINE)`.
    pub fn power_label(&self, p: PowerId) -> String {
        let l = &self.power[p.0];
        format!(
            "{}/{} (power.csv:{})",
            self.providers[l.provider.0].id, self.regions[l.region.0].id, l.line
        )
    }

    /// `id (kind of workload on provider)`.
    pub fn rule_label(&self, r: RuleId) -> String {
        let k = &self.rules[r.0];
        format!(
            "{} ({} of {} on {})",
            k.id,
            k.kind.label(),
            self.workloads[k.workload.0].id,
            self.providers[k.provider.0].id
        )
    }

    pub fn workload_id(&self, id: &str) -> Option<WorkloadId> {
        self.workloads
            .iter()
            .position(|w| w.id == id)
            .map(WorkloadId)
    }

    pub fn period_index(&self, m: Month) -> Option<usize> {
        let d = m.0 - self.start.0;
        (d >= 0 && (d as usize) < self.periods).then_some(d as usize)
    }
}

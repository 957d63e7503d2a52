//! The command line: clap derive definitions and what each command does.

use crate::analysis::shard::{self, Manifest, Shard};
use crate::error::{Error, Result};
use crate::solve::SolverChoice;
use crate::{input::schema, report};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

const ABOUT: &str = "Compute capacity planner: where each month's GPU and CPU demand should run, across clouds and \
contracts, at least cost.";

const LONG_ABOUT: &str = "Compute capacity planner.

You describe a scenario as a folder of CSV files: monthly demand per workload, each provider's offers (capacity \
tranches with prices and windows), take-or-pay commitments, power limits and contract clauses. capplan turns it \
into a linear program, solves it, and writes an allocation report you can act on.

Exit codes: 0 success; 1 infeasible plan or solver failure (with a diagnosis); 2 bad input or usage (every \
problem listed as file:line: column: message).";

#[derive(Debug, Parser)]
#[command(name = "capplan", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a scenario folder and print a one-screen summary of it.
    #[command(
        long_about = "Check a scenario folder without solving it. Every problem is listed at once as \
                      file:line: column: message (exit code 2); a clean folder prints a one-screen summary \
                      (horizon, providers, workloads, offers, contracts, rules, model size).",
        after_long_help = schema::help_text()
    )]
    Validate {
        /// The scenario folder (CSV files, see below).
        dir: PathBuf,
    },
    /// Solve a scenario and write the allocation reports.
    #[command(
        long_about = "Solve the scenario at least present-value cost and write the reports: summary.md (the memo: \
                      totals, spend by provider and year, commitment burn-down, what is binding, active rules), \
                      summary.json, allocation.csv, provider_spend.csv, contracts.csv, unmet.csv, \
                      marginal_costs.csv, plan.json, report.html (charts: spend, commitment burn-down, power per \
                      site against its envelope, GPU in demand units and raw units per SKU, CPU vCPUs, unmet) and \
                      report.xlsx (a Summary sheet, one sheet per CSV, native charts). The report folder is \
                      replaced whole or not at all.",
        after_long_help = schema::help_text()
    )]
    Plan {
        /// The scenario folder (CSV files, see below).
        dir: PathBuf,
        /// Where to write the reports [default: reports/<folder name>/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an --out folder even if it holds files capplan did not write (never the input
        /// folder or one containing it).
        #[arg(long)]
        force: bool,
        /// LP solver; highs, microlp and cbc need the cargo features of the same name (cbc also
        /// the Debian package coinor-libcbc-dev); auto (the default) picks per LP block by its
        /// size: CBC for a block of 10,000+ columns when built, Clarabel otherwise.
        #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
        solver: SolverChoice,
        /// Relative gap at which the whole-lot search (or HiGHS's MIP) may stop, e.g. 1e-4 = 0.01%;
        /// overrides settings mip_gap [default: settings mip_gap, else 1e-4].
        #[arg(long, value_name = "GAP", value_parser = parse_mip_gap)]
        mip_gap: Option<f64>,
        /// Also price every clause: re-solve without each rule and contract, and each first_on rule
        /// under each reading (priority, window, share); writes clauses.csv.
        #[arg(long)]
        price_clauses: bool,
        /// Also write the model as a free-format MPS file, for other solvers (written before solving,
        /// so an infeasible model can be taken elsewhere too).
        #[arg(long)]
        export_mps: Option<PathBuf>,
        /// With --price-clauses: run only shard K of N of the clause re-solves (re-solve i to shard
        /// i % N + 1) and write a partial result folder for `capplan merge`.
        #[arg(long, value_name = "K/N", requires = "price_clauses")]
        shard: Option<Shard>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// The plan under uncertain demand: Monte Carlo samples, commitment and unmet-demand risk.
    #[command(
        long_about = "Plan the scenario, then re-solve it for --samples demand samples with the contracts as \
                            signed, and write the plan's reports plus risk.csv (per contract P10/P50/P90 spend and \
                            shortfall and the probability of any shortfall; per workload the probability and P90 of \
                            unmet demand; total cost P10/P50/P90), samples.csv and a risk section in summary.md. \
                            Demand rows with a sigma are log-normal around their quantity (mean kept); \
                            settings.csv's demand_shock_persistence (default 0.8) is the share of the spread that is \
                            one shock per workload for the whole horizon, the rest month-to-month noise. The same \
                            seed gives the same samples whatever the number of threads."
    )]
    Simulate {
        /// The scenario folder.
        dir: PathBuf,
        /// Number of demand samples.
        #[arg(long, default_value_t = 100)]
        samples: u64,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the reports [default: reports/<folder name>-simulate/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an --out folder even if it holds files capplan did not write (never the input
        /// folder or one containing it).
        #[arg(long)]
        force: bool,
        #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
        solver: SolverChoice,
        /// Relative gap at which the whole-lot search (or HiGHS's MIP) may stop, e.g. 1e-4 = 0.01%;
        /// overrides settings mip_gap [default: settings mip_gap, else 1e-4].
        #[arg(long, value_name = "GAP", value_parser = parse_mip_gap)]
        mip_gap: Option<f64>,
        /// Solve every sample from scratch even when warm starts are available (to measure them).
        #[arg(long)]
        cold: bool,
        /// Run only shard K of N (samples in chunks of 10, chunk c to shard c % N + 1) and write a
        /// partial result folder for `capplan merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// How much to commit: size sizable contracts and reservation lots to sign now against sampled demand.
    #[command(
        long_about = "Size every contract marked sizable=true in contracts.csv, and the lots of every reservation \
                            start whose sign-by month is at or before settings decide_by (default the horizon start), \
                            as a two-stage stochastic LP (sample average approximation): those are decided first, \
                            once for all samples, then each demand sample's allocation and its lots for later starts. \
                            A sizable contract works like a savings plan: the commitment is owed whatever happens, \
                            usage up to it gets the discount, usage beyond it is at list price. Writes \
                            commitments.csv (as signed vs recommended), commit_reservations.csv (recommended vs the \
                            deterministic plan's lots), risk.csv (the simulate risk table for each, on fresh samples) \
                            and summary.md with the value of planning under uncertainty."
    )]
    Commit {
        /// The scenario folder.
        dir: PathBuf,
        /// Demand samples to size on (the same number again evaluates the result).
        #[arg(long, default_value_t = 20)]
        samples: u64,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the reports [default: reports/<folder name>-commit/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an --out folder even if it holds files capplan did not write (never the input
        /// folder or one containing it).
        #[arg(long)]
        force: bool,
        #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
        solver: SolverChoice,
        /// Relative gap at which the whole-lot search (or HiGHS's MIP) may stop, e.g. 1e-4 = 0.01%;
        /// overrides settings mip_gap [default: settings mip_gap, else 1e-4].
        #[arg(long, value_name = "GAP", value_parser = parse_mip_gap)]
        mip_gap: Option<f64>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Re-render report.html and report.xlsx of a report folder from its plan.json alone.
    #[command(
        long_about = "Re-render report.html and report.xlsx of a report folder (written by plan or simulate) from \
                      its plan.json alone, without the scenario or a solver: a plan solved elsewhere, or merged \
                      from shards, renders the same bytes plan would have written."
    )]
    Report {
        /// The report folder holding plan.json.
        out: PathBuf,
    },
    /// What-if cases: the base folder with overrides, each case validated and solved in parallel.
    #[command(
        long_about = "Solve the base folder and every case of a cases file, in parallel, and write sweep.csv (per \
                      case: status, objective, change against the base, spend per provider, shortfall, unmet \
                      demand), sweep.md and sweep.html (a tornado chart of the objective changes and small \
                      multiples of spend per provider). A case is one or more rows of the cases file \
                      `case,file,select,column,op,value`, each an override applied in memory to the base folder's \
                      tables before the case is validated like a folder: op scale, add (number columns), set (any \
                      column) or shift_months (moves from/to/period months, for slips; `*` shifts all of a \
                      file's month columns, blank from/to are the horizon's ends). select is `*` or \
                      `column=value` filters joined by `;`, with `|` between alternatives, e.g. \
                      `provider=aws;sku=gb200|gb300`; an override that selects no row is an error. Every bad \
                      row is reported at once as cases.csv:line: column: message (exit 2). Example: \
                      inputs/what-if/cases.csv.",
        after_long_help = schema::help_text()
    )]
    Sweep {
        /// The base scenario folder.
        dir: PathBuf,
        /// The cases file (CSV: case,file,select,column,op,value).
        #[arg(long)]
        cases: PathBuf,
        /// Where to write the reports [default: reports/<folder name>-sweep/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an --out folder even if it holds files capplan did not write (never the input
        /// folder or one containing it).
        #[arg(long)]
        force: bool,
        #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
        solver: SolverChoice,
        /// Relative gap at which the whole-lot search (or HiGHS's MIP) may stop, e.g. 1e-4 = 0.01%;
        /// overrides settings mip_gap [default: settings mip_gap, else 1e-4].
        #[arg(long, value_name = "GAP", value_parser = parse_mip_gap)]
        mip_gap: Option<f64>,
        /// Also write every case's full report folder, as cases/<case>/.
        #[arg(long)]
        keep_plans: bool,
        /// Run only shard K of N (item i = base then the cases in order, item i to shard i % N + 1)
        /// and write a partial result folder for `capplan merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Merge the partial result folders of `simulate`, `sweep` or `plan --price-clauses` shards.
    #[command(
        long_about = "Merge shards 1..N of one `simulate`, `sweep` or `plan --price-clauses` run (each written \
                      with --shard K/N) into the \
                      reports the unsharded run writes, byte for byte. Refuses (exit 2, naming the folders) parts \
                      of different commands, scenarios, seeds, arguments or capplan versions, and missing or \
                      duplicated shards. Merging `simulate` or `plan` reads the scenario folder again (the path the shards \
                      were given, from the current folder, else its absolute path) to solve the plan, and \
                      refuses if its content changed."
    )]
    Merge {
        /// The part folders, in any order.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Where to write the merged reports.
        #[arg(long)]
        out: PathBuf,
        /// Replace an --out folder even if it holds files capplan did not write (never the input
        /// folder or one containing it).
        #[arg(long)]
        force: bool,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Write a synthetic scenario folder of a given size, for benchmarks.
    #[command(
        long_about = "Write a synthetic, valid scenario folder with every input family (tranches and cost \
                            curves, perf overrides, annual take-or-pay contracts, power envelopes, forbid and \
                            first_on share rules, reservation options with terms, lead times and lots of 8-72 \
                            units). Sizes (months x workloads x providers x regions x SKUs): S 12x4x4x2x3, \
                            M 36x8x5x4x6, L 86x10x6x6x8, XL 120x20x8x8x12; `capplan validate` prints the model \
                            size of each. By default contracts and reservation terms stay inside calendar years \
                            (the LP splits by year); --coupled, --long-terms, --overlapping, --minimums and \
                            --finance (or --v2 for all) couple the months as signed deals do."
    )]
    Synth {
        /// S, M, L or XL.
        #[arg(long, value_enum, ignore_case = true)]
        size: crate::synth::Size,
        /// Random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[command(flatten)]
        shape: crate::synth::Options,
        /// The folder to write.
        out: PathBuf,
    },
    /// What moved between two plans (two report folders), as a table and optionally a CSV.
    #[command(
        long_about = "Compare two plans by their report folders (each has a plan.json): totals, spend per \
                            provider and month (by year on screen), every contract's spend and shortfall, and each \
                            workload's spend and unmet demand. Unchanged rows are left off the screen; --csv writes \
                            every row with old, new and delta."
    )]
    Diff {
        /// The earlier plan's report folder.
        old: PathBuf,
        /// The later plan's report folder.
        new: PathBuf,
        /// Also write every compared figure to this CSV file.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Why is this workload-month served where it is? The options, the choice, what kept others out.
    #[command(
        long_about = "Solve the scenario, then explain one workload-month: every tranche that could serve it \
                            with its price per demand-unit-hour (after perf and contract discounts), the units \
                            chosen, and for every option the constraints that make it dearer or cheaper than its \
                            price (tranche full, site power at its limit, a commitment in shortfall that makes spend \
                            there free, a share rule at its bound), or the rule that keeps the workload off it. \
                            Without --workload: the month's cash (revenue, funding, expenses, what is paid to whom \
                            under which contract, the funding need, and with funding_rate what one more dollar that \
                            month is worth)."
    )]
    Explain {
        /// The scenario folder.
        dir: PathBuf,
        /// The workload id, e.g. training. Without it, the month's cash is explained: what is paid,
        /// to whom, under which contract, and what one more dollar of funding is worth.
        #[arg(long)]
        workload: Option<String>,
        /// The month, YYYY-MM.
        #[arg(long)]
        period: String,
        #[arg(long, value_enum, default_value_t = SolverChoice::Auto)]
        solver: SolverChoice,
    },
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Explain {
            dir,
            workload,
            period,
            solver,
        } => explain(&dir, workload.as_deref(), &period, solver),
        Command::Diff { old, new, csv } => diff(&old, &new, csv.as_deref()),
        Command::Report { out } => report::rerender(&out),
        Command::Synth {
            size,
            seed,
            shape,
            out,
        } => report::write_folder_guarded(
            &out,
            None,
            false,
            &crate::synth::files_with(size, seed, shape),
        ),
        Command::Commit {
            dir,
            samples,
            seed,
            out,
            force,
            solver,
            mip_gap,
            quiet,
        } => commit(&dir, samples, seed, out, force, solver, mip_gap, quiet),
        Command::Simulate {
            dir,
            samples,
            seed,
            out,
            force,
            solver,
            mip_gap,
            cold,
            shard,
            quiet,
        } => match shard {
            Some(shard) => simulate_shard(
                &dir, samples, seed, out, force, solver, mip_gap, cold, shard, quiet,
            ),
            None => simulate(
                &dir, samples, seed, out, force, solver, mip_gap, cold, quiet,
            ),
        },
        Command::Sweep {
            dir,
            cases,
            out,
            force,
            solver,
            mip_gap,
            keep_plans,
            shard,
            quiet,
        } => sweep(
            &dir, &cases, out, force, solver, mip_gap, keep_plans, shard, quiet,
        ),
        Command::Merge {
            parts,
            out,
            force,
            quiet,
        } => merge(&parts, &out, force, quiet),
        Command::Validate { dir } => validate(&dir),
        Command::Plan {
            dir,
            out,
            force,
            solver,
            mip_gap,
            price_clauses,
            quiet,
            export_mps,
            shard,
        } => match shard {
            Some(shard) => clauses_shard(&dir, out, force, solver, mip_gap, shard, quiet),
            None => plan(
                &dir,
                out,
                force,
                solver,
                mip_gap,
                price_clauses,
                quiet,
                export_mps.as_deref(),
            ),
        },
    }
}

fn explain(dir: &Path, workload: Option<&str>, period: &str, solver: SolverChoice) -> Result<()> {
    let sc = crate::load(dir)?;
    let w = workload
        .map(|workload| {
            sc.workload_id(workload).ok_or_else(|| {
                let known: Vec<&str> = sc.workloads.iter().map(|w| w.id.as_str()).collect();
                Error::Usage(format!(
                    "unknown workload '{workload}' (known: {})",
                    known.join(", ")
                ))
            })
        })
        .transpose()?;
    let month = crate::scenario::Month::parse(period).map_err(Error::Usage)?;
    let t = sc.period_index(month).ok_or_else(|| {
        Error::Usage(format!(
            "{period} is outside the horizon {}..{}",
            sc.start,
            sc.end()
        ))
    })?;
    let (model, sol) = crate::solve_with_model(&sc, solver)?;
    match w {
        Some(w) => {
            let mut e = crate::analysis::explain::explain(&sc, &model, &sol, w, t);
            e.price_lots_exactly(&sc, &model, &sol, solver);
            print!("{}", e.render())
        }
        None => print!("{}", crate::analysis::cash::explain_month(&sc, &sol, t)),
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn simulate(
    dir: &Path,
    samples: u64,
    seed: u64,
    out: Option<PathBuf>,
    force: bool,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    cold: bool,
    quiet: bool,
) -> Result<()> {
    require_built(solver)?;
    if samples == 0 {
        return Err(Error::Usage("--samples must be at least 1".into()));
    }
    let sc = load(dir, mip_gap)?;
    let out = out.unwrap_or_else(|| Path::new("reports").join(format!("{}-simulate", sc.name)));
    report::output::check_folder_target(&out, Some(dir), force)?;
    let solution = crate::solve(&sc, solver)?;
    let mut metrics = report::metrics::compute(&sc, &solution);
    let started = std::time::Instant::now();
    let (risk, method) = crate::analysis::simulate::run(
        &sc,
        Some(&solution.values),
        seed,
        samples,
        solver,
        !cold,
        quiet,
    )
    .map_err(|e| Error::Solver(format!("{e:?}")))?;
    let seconds = started.elapsed().as_secs_f64();
    metrics.risk = Some(risk);
    report::write_folder_guarded(&out, Some(dir), force, &report::render(&metrics)?)?;
    if !quiet {
        println!(
            "{}: {samples} samples in {seconds:.2} s ({:.3} s each): {}",
            sc.name,
            seconds / samples as f64,
            method.describe(solver)
        );
        println!("reports written to {}/", out.display());
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn commit(
    dir: &Path,
    samples: u64,
    seed: u64,
    out: Option<PathBuf>,
    force: bool,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    quiet: bool,
) -> Result<()> {
    require_built(solver)?;
    if samples == 0 {
        return Err(Error::Usage("--samples must be at least 1".into()));
    }
    let sc = load(dir, mip_gap)?;
    let lots_now = sc.reservations.iter().enumerate().any(|(o, r)| {
        r.starts.iter().any(|&s| {
            crate::analysis::commit::here_and_now(&sc, crate::scenario::ReservationId(o), s)
        })
    });
    if !sc.contracts.iter().any(|c| c.sizable) && !lots_now {
        return Err(Error::Usage(format!(
            "{}: no contract is marked sizable=true in contracts.csv and no reservation start must be signed by \
             settings decide_by ({}), so there is nothing to size",
            dir.display(),
            sc.month(sc.decide_by)
        )));
    }
    let out = out.unwrap_or_else(|| Path::new("reports").join(format!("{}-commit", sc.name)));
    report::output::check_folder_target(&out, Some(dir), force)?;
    let study = crate::analysis::commit::run(&sc, seed, samples, solver, quiet).map_err(|e| match e {
        crate::solve::SolveError::Infeasible => Error::Infeasible(
            "infeasible: some sizing sample cannot meet its hard demand at any commitment; give the workloads an \
             unmet_usd_per_unit_hour or add capacity"
                .into(),
        ),
        crate::solve::SolveError::Failed(m) => Error::Solver(m),
    })?;
    report::write_folder_guarded(
        &out,
        Some(dir),
        force,
        &crate::analysis::commit::render(&sc, &study, seed)?,
    )?;
    if !quiet {
        for r in &study.recommendations {
            let c = &sc.contracts[r.contract.0];
            let flat = if c.discount_pct == 0.0 {
                " (no discount: one of many equal-cost levels)"
            } else {
                ""
            };
            println!(
                "{}: commit {} (as signed {}){flat}",
                c.id,
                report::format::usd(r.recommended_usd),
                report::format::usd(r.as_signed_usd)
            );
        }
        for l in &study.lots {
            let res = &sc.reservations[l.option.0];
            println!(
                "{} starting {}: sign {} lots by {} (deterministic plan: {})",
                res.id,
                sc.month(l.start),
                report::format::num(l.recommended_lots, 2),
                sc.month(l.sign_by),
                report::format::num(l.deterministic_lots, 2)
            );
        }
        if let (Some(d), Some(v)) = (
            &study.evaluated_deterministic,
            study.value_of_uncertainty_usd(),
        ) {
            println!(
                "expected cost on fresh samples: {} recommended, {} deterministic plan; value of planning under uncertainty {}",
                report::format::usd(study.evaluated_recommended.expected_cost_usd),
                report::format::usd(d.expected_cost_usd),
                report::format::usd(v)
            );
        }
        println!("reports written to {}/", out.display());
    }
    Ok(())
}

fn diff(old: &Path, new: &Path, csv: Option<&Path>) -> Result<()> {
    let changes = crate::analysis::diff::compare(old, new)?;
    print!("{}", crate::analysis::diff::table(&changes));
    if let Some(path) = csv {
        report::check_file_target("--csv", path, &[old, new])?;
        std::fs::write(path, crate::analysis::diff::csv(&changes))
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

fn validate(dir: &Path) -> Result<()> {
    let sc = crate::load(dir)?;
    let model = crate::model::build(&sc, false);
    print!(
        "{}",
        report::validate::summary(&sc, &dir.display().to_string(), &model)
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn plan(
    dir: &Path,
    out: Option<PathBuf>,
    force: bool,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    price_clauses: bool,
    quiet: bool,
    export_mps: Option<&Path>,
) -> Result<()> {
    require_built(solver)?;
    let sc = load(dir, mip_gap)?;
    let out = out.unwrap_or_else(|| Path::new("reports").join(&sc.name));
    report::output::check_folder_target(&out, Some(dir), force)?;
    if let Some(path) = export_mps {
        report::check_file_target("--export-mps", path, &[dir])?;
        let model = crate::model::build(&sc, false);
        std::fs::write(path, crate::solve::mps::write(&sc, &model.lp))
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
    }
    let spinner = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!("solving {} with {}", sc.name, solver.label()));
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    });
    let result = crate::solve(&sc, solver);
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let solution = result?;
    let mut metrics = report::metrics::compute(&sc, &solution);
    if price_clauses {
        metrics.clauses = Some(crate::analysis::clauses::price(
            &sc,
            solution.objective_usd,
            solver,
            quiet,
        ));
    }
    report::write_folder_guarded(&out, Some(dir), force, &report::render(&metrics)?)?;
    if !quiet {
        let t = &metrics.totals;
        println!(
            "{}: optimal, objective {} (present value); spend {}, shortfall {}, unmet {} unit-months",
            sc.name,
            report::format::usd(t.objective_usd),
            report::format::usd(t.usage_usd),
            report::format::usd(t.shortfall_usd),
            report::format::units(t.unmet_units)
        );
        println!("reports written to {}/", out.display());
        if let Some(note) = &metrics.solver_note {
            eprintln!("warning: {note}");
        }
    }
    Ok(())
}

/// The options of a simulate run that change its result, for the shard manifest.
fn simulate_arguments(
    samples: u64,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    cold: bool,
) -> Vec<String> {
    let mut args = vec![
        format!("--samples={samples}"),
        format!("--solver={}", solver.name()),
        format!("--cold={cold}"),
    ];
    args.extend(mip_gap_argument(mip_gap));
    args
}

/// `--mip-gap=G` for a shard manifest when given (left out otherwise, so manifests without it
/// stay as they were); the merge applies it to the plan it solves.
fn mip_gap_argument(mip_gap: Option<f64>) -> Option<String> {
    mip_gap.map(|g| format!("--mip-gap={g:e}"))
}

/// Parses `--mip-gap`: a relative gap in [0, 1).
fn parse_mip_gap(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(g) if (0.0..1.0).contains(&g) => Ok(g),
        Ok(g) => Err(format!(
            "{g} is not a relative gap in [0, 1) (1e-4 = 0.01%)"
        )),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

/// Loads a scenario folder; `--mip-gap` overrides its settings mip_gap.
fn load(dir: &Path, mip_gap: Option<f64>) -> Result<crate::scenario::Scenario> {
    let mut sc = crate::load(dir)?;
    if let Some(g) = mip_gap {
        sc.mip_gap = g;
    }
    Ok(sc)
}

fn argument<'a>(m: &'a Manifest, name: &str) -> Option<&'a str> {
    m.arguments
        .iter()
        .find_map(|a| a.strip_prefix(name)?.strip_prefix('='))
}

fn part_out(out: Option<PathBuf>, name: &str, command: &str, shard: Shard) -> PathBuf {
    out.unwrap_or_else(|| {
        Path::new("reports").join(format!("{name}-{command}.part-{}-of-{}", shard.k, shard.n))
    })
}

#[allow(clippy::too_many_arguments)]
fn simulate_shard(
    dir: &Path,
    samples: u64,
    seed: u64,
    out: Option<PathBuf>,
    force: bool,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    cold: bool,
    shard: Shard,
    quiet: bool,
) -> Result<()> {
    require_built(solver)?;
    if samples == 0 {
        return Err(Error::Usage("--samples must be at least 1".into()));
    }
    let sc = load(dir, mip_gap)?;
    let out = part_out(out, &sc.name, "simulate", shard);
    report::output::check_folder_target(&out, Some(dir), force)?;
    // The plan itself is solved once, by the merge: a shard computes only its samples.
    let (outcomes, _) =
        crate::analysis::simulate::outcomes(&sc, None, seed, samples, solver, !cold, quiet, shard)
            .map_err(|e| Error::Solver(format!("{e:?}")))?;
    let manifest = Manifest::new(
        "simulate",
        dir,
        simulate_arguments(samples, solver, mip_gap, cold),
        Some(seed),
        samples,
        shard,
    )?;
    report::write_named(
        &out,
        Some(dir),
        force,
        shard::part_files(&manifest, &outcomes, Vec::new()),
    )?;
    if !quiet {
        println!(
            "{}: shard {shard}: {} of {samples} samples; part written to {}/",
            sc.name,
            outcomes.len(),
            out.display()
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
/// `plan --price-clauses --shard K/N`: only this shard's clause re-solves; the plan itself is
/// solved by the merge.
fn clauses_shard(
    dir: &Path,
    out: Option<PathBuf>,
    force: bool,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    shard: Shard,
    quiet: bool,
) -> Result<()> {
    require_built(solver)?;
    let sc = load(dir, mip_gap)?;
    let out = part_out(out, &sc.name, "plan", shard);
    report::output::check_folder_target(&out, Some(dir), force)?;
    let objectives = crate::analysis::clauses::objectives(&sc, solver, quiet, shard);
    let manifest = Manifest::new(
        "plan",
        dir,
        [
            "--price-clauses=true".into(),
            format!("--solver={}", solver.name()),
        ]
        .into_iter()
        .chain(mip_gap_argument(mip_gap))
        .collect(),
        None,
        crate::analysis::clauses::variant_count(&sc),
        shard,
    )?;
    report::write_named(
        &out,
        Some(dir),
        force,
        shard::part_files(&manifest, &objectives, Vec::new()),
    )?;
    if !quiet {
        println!(
            "{}: shard {shard}: {} of {} clause re-solves; part written to {}/",
            sc.name,
            objectives.len(),
            manifest.items,
            out.display()
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn sweep(
    dir: &Path,
    cases: &Path,
    out: Option<PathBuf>,
    force: bool,
    solver: SolverChoice,
    mip_gap: Option<f64>,
    keep_plans: bool,
    shard: Option<Shard>,
    quiet: bool,
) -> Result<()> {
    use crate::analysis::sweep;
    require_built(solver)?;
    let mut prepared = sweep::prepare(dir, cases)?;
    if let Some(g) = mip_gap {
        for p in &mut prepared {
            p.scenario.mip_gap = g;
        }
    }
    let name = prepared[0].scenario.name.clone();
    let out = match shard {
        Some(shard) => part_out(out, &name, "sweep", shard),
        None => out.unwrap_or_else(|| Path::new("reports").join(format!("{name}-sweep"))),
    };
    report::output::check_folder_target(&out, Some(dir), force)?;
    let solved = sweep::solve(
        &prepared,
        solver,
        keep_plans,
        shard.unwrap_or(Shard::ALL),
        quiet,
    );
    let (records, plan_files): (Vec<_>, Vec<_>) =
        solved.into_iter().map(|s| (s.record, s.plan_files)).unzip();
    let plan_files: Vec<(String, Vec<u8>)> = plan_files.into_iter().flatten().collect();
    match shard {
        Some(shard) => {
            let manifest = Manifest::new(
                "sweep",
                dir,
                [
                    format!("--cases-hash={}", shard::file_hash(cases)?),
                    format!("--solver={}", solver.name()),
                    format!("--keep-plans={keep_plans}"),
                ]
                .into_iter()
                .chain(mip_gap_argument(mip_gap))
                .collect(),
                None,
                prepared.len() as u64,
                shard,
            )?;
            let files = shard::part_files(&manifest, &records, plan_files);
            report::write_named(&out, Some(dir), force, files)?;
        }
        None => report::write_named(&out, Some(dir), force, sweep::render(&records, plan_files))?,
    }
    if !quiet {
        for r in &records {
            let objective = r
                .objective_usd
                .map(report::format::usd)
                .unwrap_or_else(|| "-".into());
            println!("{:<28} {:<10} {objective}", r.case, r.status);
        }
        println!("reports written to {}/", out.display());
    }
    Ok(())
}

fn merge(parts: &[PathBuf], out: &Path, force: bool, quiet: bool) -> Result<()> {
    // The merged folder may be none of the parts, nor hold one.
    for p in parts {
        report::output::check_folder_target(out, Some(p), force)?;
    }
    let parts = shard::check(parts)?;
    let m = parts[0].manifest.clone();
    match m.command.as_str() {
        "simulate" | "plan" => {
            // Both re-read the scenario and solve the plan; the shards hold the rest.
            let dir = &m.scenario_dir();
            let now = shard::folder_hash(dir)?;
            if now != m.scenario_hash {
                return Err(Error::Usage(format!(
                    "{}: the scenario folder changed since the shards ran (hash {} then, {now} now)",
                    dir.display(),
                    m.scenario_hash
                )));
            }
            let solver = argument(&m, "--solver")
                .and_then(|s| <SolverChoice as clap::ValueEnum>::from_str(s, true).ok())
                .ok_or_else(|| Error::Usage("the manifests name no known --solver".into()))?;
            require_built(solver)?;
            let mip_gap = match argument(&m, "--mip-gap") {
                Some(g) => Some(parse_mip_gap(g).map_err(Error::Usage)?),
                None => None,
            };
            let sc = load(dir, mip_gap)?;
            let solution = crate::solve(&sc, solver)?;
            let mut metrics = report::metrics::compute(&sc, &solution);
            if m.command == "simulate" {
                let items: Vec<Vec<crate::analysis::risk::SampleOutcome>> =
                    parts.iter().map(|p| p.items()).collect::<Result<_>>()?;
                let outcomes = shard::union(items, |o| o.index, m.items)?;
                let seed = m.seed.unwrap_or_default();
                metrics.risk = Some(crate::analysis::simulate::summarise(&sc, outcomes, seed));
            } else {
                use crate::analysis::clauses;
                let items: Vec<Vec<clauses::VariantObjective>> =
                    parts.iter().map(|p| p.items()).collect::<Result<_>>()?;
                let objectives = shard::union(items, |o| o.index, m.items)?;
                let objectives = objectives.into_iter().map(|o| o.objective_usd).collect();
                metrics.clauses = Some(clauses::assemble(&sc, solution.objective_usd, objectives));
            }
            report::write_folder_guarded(out, Some(dir), force, &report::render(&metrics)?)?;
        }
        "sweep" => {
            let items: Vec<Vec<crate::analysis::sweep::CaseRecord>> =
                parts.iter().map(|p| p.items()).collect::<Result<_>>()?;
            let records = shard::union(items, |r| r.index, m.items)?;
            let mut plan_files = Vec::new();
            for p in &parts {
                plan_files.extend(kept_plans(&p.dir)?);
            }
            let files = crate::analysis::sweep::render(&records, plan_files);
            report::write_named(out, None, force, files)?;
        }
        other => return Err(Error::Usage(format!("cannot merge parts of '{other}'"))),
    }
    if !quiet {
        println!(
            "merged {} shard(s) of {} into {}/",
            parts.len(),
            m.command,
            out.display()
        );
    }
    Ok(())
}

/// The `cases/<case>/<file>` report files a sweep part holds (written with --keep-plans).
fn kept_plans(part: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let io = |p: &Path, e: std::io::Error| Error::Io(format!("cannot read {}: {e}", p.display()));
    let root = part.join("cases");
    let mut files = Vec::new();
    if !root.is_dir() {
        return Ok(files);
    }
    for case in std::fs::read_dir(&root).map_err(|e| io(&root, e))? {
        let case = case.map_err(|e| io(&root, e))?.path();
        for f in std::fs::read_dir(&case).map_err(|e| io(&case, e))? {
            let f = f.map_err(|e| io(&case, e))?.path();
            let rel = f
                .strip_prefix(part)
                .map_err(|_| Error::Io(format!("bad path {}", f.display())))?;
            files.push((
                rel.to_string_lossy().into_owned(),
                std::fs::read(&f).map_err(|e| io(&f, e))?,
            ));
        }
    }
    Ok(files)
}

/// A solver this binary was not built with is a usage error.
fn require_built(solver: SolverChoice) -> Result<()> {
    if solver.is_built() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "solver '{0}' is not built into this binary: rebuild with `cargo build --release --features {0}`",
        solver.name()
    )))
}

/// Maps a library error to its message on stderr and the documented exit code.
pub fn report_error(e: &Error) -> i32 {
    eprintln!("capplan: {e}");
    e.exit_code()
}

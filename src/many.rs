//! Many plans in one run: what `simulate`, `check` (and later `plan`) do
//! when given several plan files or a directory.
//!
//! This module owns the parts that do not depend on the job:
//! * expanding the command line into one sorted list of plan files
//!   ([`plan_jobs`]): a directory stands for every `*.toml` and `*.json`
//!   file directly in it;
//! * the output folder of each plan ([`PlanJob::folder`]), chosen over the
//!   whole list so that it does not depend on the shard;
//! * `--shard I/N` ([`Shard`]), which keeps plans I−1, I−1+N, I−1+2N, … of
//!   the sorted list, so that a CI matrix, Kubernetes Indexed Jobs or Slurm
//!   arrays can split a region without a scheduler of their own;
//! * the parallel driver [`run_many`]: one job per plan on rayon (each
//!   plan's own simulation stays parallel inside), results in list order
//!   whatever the thread count, and one plan's failure (a bad file, even a
//!   panic) reported as that plan's error without stopping the others;
//! * the combined [`Summary`] (`summary.json` and the table on stdout) and
//!   the combined exit code ([`PlanStatus::exit_code`]).

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result, BUG_HINT, EXIT_INTERNAL};
use crate::output::file_stem_for;
use crate::units::Real;

/// File extensions taken from a directory (case-insensitive).
pub const PLAN_EXTENSIONS: [&str; 2] = ["toml", "json"];

/// One slice of a job array: `--shard I/N` keeps every N-th plan of the
/// sorted list, starting with plan I (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, 1 ≤ index ≤ count.
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` (1 ≤ I ≤ N). The errors are usage errors (exit 2).
    ///
    /// ```
    /// use wifiplan::many::Shard;
    /// assert_eq!(Shard::parse("2/3").unwrap(), Shard { index: 2, count: 3 });
    /// assert!(Shard::parse("3/2").unwrap_err().to_string().contains("I must be between 1 and N"));
    /// ```
    pub fn parse(text: &str) -> Result<Shard> {
        let form = || {
            Error::usage(format!(
                "--shard `{text}` is not of the form I/N\n  hint: give the 1-based slice and the number of slices, e.g. --shard 1/4"
            ))
        };
        let (index, count) = text.split_once('/').ok_or_else(form)?;
        let index: usize = index.trim().parse().map_err(|_| form())?;
        let count: usize = count.trim().parse().map_err(|_| form())?;
        if count == 0 {
            return Err(Error::usage(format!(
                "--shard {text}: N must be at least 1\n  hint: N is the number of slices, e.g. --shard 1/4"
            )));
        }
        if index == 0 || index > count {
            return Err(Error::usage(format!(
                "--shard {text}: I must be between 1 and N\n  hint: slices are numbered from 1, e.g. --shard 1/{count} … {count}/{count}"
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether the plan at 0-based `position` of the sorted list is in
    /// this shard.
    pub fn contains(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Whether the command line asks for a many-plans run: more than one path,
/// a directory, or a shard. A single plan file without `--shard` keeps the
/// single-plan behaviour (its `--out` is the plan's own folder).
pub fn is_many(inputs: &[PathBuf], shard: Option<Shard>) -> bool {
    inputs.len() != 1 || shard.is_some() || inputs.iter().any(|p| p.is_dir())
}

/// Whether a file name ends in a plan extension.
pub fn is_plan_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PLAN_EXTENSIONS.iter().any(|known| e.eq_ignore_ascii_case(known)))
}

/// Expands directories into their plan files and returns the whole list
/// sorted by path, duplicates removed. Files named on the command line are
/// kept whatever their extension (a missing one becomes that plan's error).
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut plans = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            plans.push(input.clone());
            continue;
        }
        let io_error = |source| Error::Io { action: "read directory", path: input.clone(), source };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(input).map_err(io_error)? {
            let path = entry.map_err(io_error)?.path();
            if path.is_file() && is_plan_file(&path) {
                found.push(path);
            }
        }
        if found.is_empty() {
            return Err(Error::usage(format!(
                "no plan files in directory `{}`\n  hint: plans are the *.toml and *.json files directly in it",
                input.display()
            )));
        }
        plans.extend(found);
    }
    plans.sort();
    plans.dedup();
    Ok(plans)
}

/// One plan of a many-plans run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanJob {
    /// The plan file.
    pub path: PathBuf,
    /// Its output folder name under the run's `--out`: the file stem, or
    /// `stem-extension` when two plans of the list share a stem, with
    /// `-2`, `-3`, … added if that still collides (in list order).
    pub folder: String,
    /// 0-based position in the sorted list before sharding.
    pub position: usize,
}

/// The jobs of a run: the sorted plan list ([`expand`]) with a folder
/// each, restricted to `shard`.
pub fn plan_jobs(inputs: &[PathBuf], shard: Option<Shard>) -> Result<Vec<PlanJob>> {
    let plans = expand(inputs)?;
    let folders = folder_names(&plans);
    Ok(plans
        .into_iter()
        .zip(folders)
        .enumerate()
        .filter(|(position, _)| shard.is_none_or(|s| s.contains(*position)))
        .map(|(position, (path, folder))| PlanJob { path, folder, position })
        .collect())
}

/// Unique, file-name-safe folder names for a list of plans (see
/// [`PlanJob::folder`]).
pub fn folder_names(plans: &[PathBuf]) -> Vec<String> {
    let part = |path: &Path, ext: bool| {
        let stem = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let extension = path.extension().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        if ext && !extension.is_empty() {
            file_stem_for(&format!("{stem}-{extension}"))
        } else {
            file_stem_for(&stem)
        }
    };
    let mut stems: HashMap<String, usize> = HashMap::new();
    for path in plans {
        *stems.entry(part(path, false)).or_default() += 1;
    }
    let mut used: HashMap<String, usize> = HashMap::new();
    plans
        .iter()
        .map(|path| {
            let stem = part(path, false);
            let name = if stems[&stem] > 1 { part(path, true) } else { stem };
            let seen = used.entry(name.clone()).or_default();
            *seen += 1;
            if *seen == 1 {
                name
            } else {
                format!("{name}-{seen}")
            }
        })
        .collect()
}

/// A job's result with the job it belongs to.
#[derive(Debug)]
pub struct Finished<T> {
    /// The plan.
    pub job: PlanJob,
    /// What the job returned (or the error it failed with).
    pub result: Result<T>,
}

/// Runs `job` on every plan in parallel (rayon) and returns the results in
/// the order of `jobs`. A job that fails, or panics, gives that plan an
/// error and the others run on. `progress(done, total)` is called after
/// each plan.
pub fn run_many<T: Send>(
    jobs: &[PlanJob],
    job: impl Fn(&PlanJob) -> Result<T> + Sync,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Finished<T>> {
    let done = AtomicUsize::new(0);
    jobs.par_iter()
        .map(|plan| {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(plan)))
                .unwrap_or_else(|payload| Err(panic_error(&plan.path, payload.as_ref())));
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
            Finished { job: plan.clone(), result }
        })
        .collect()
}

/// A panic inside a job, as that plan's error (a bug, but one plan's bug
/// must not hide the other plans' results).
fn panic_error(path: &Path, payload: &(dyn std::any::Any + Send)) -> Error {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_owned());
    Error::internal(format!("internal error while processing `{}` ({message})\n  hint: {BUG_HINT}", path.display()))
}

/// How one plan of a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanStatus {
    /// Done, and its requirement (if the command checks one) is met.
    Ok,
    /// Done, but its requirement is not met (`check`).
    Failed,
    /// Not done: unreadable or invalid plan, or an output could not be
    /// written.
    Error,
    /// Not done because of a bug in wifiplan (an internal error).
    Internal,
}

impl PlanStatus {
    /// The exit code of a run from all its plans: 70 if wifiplan failed on
    /// any ([`EXIT_INTERNAL`]), else 2 if any plan errored, else 1 if any
    /// failed its check, else 0 (also for no plans).
    pub fn exit_code(statuses: impl IntoIterator<Item = PlanStatus>) -> u8 {
        statuses.into_iter().fold(0, |code, status| {
            code.max(match status {
                PlanStatus::Ok => 0,
                PlanStatus::Failed => 1,
                PlanStatus::Error => 2,
                PlanStatus::Internal => EXIT_INTERNAL,
            })
        })
    }

    /// The word used in tables.
    pub fn name(self) -> &'static str {
        match self {
            PlanStatus::Ok => "ok",
            PlanStatus::Failed => "failed",
            PlanStatus::Error => "error",
            PlanStatus::Internal => "internal error",
        }
    }
}

/// One line of the combined summary.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryEntry {
    /// The plan file.
    pub file: String,
    /// Its output folder (relative to the run's output directory), when
    /// outputs were written.
    pub folder: Option<String>,
    /// How it ended.
    pub status: PlanStatus,
    /// Plan name (when the plan loaded).
    pub plan: Option<String>,
    /// Number of APs.
    pub ap_count: Option<usize>,
    /// Whole-building coverage, %.
    pub coverage_pct: Option<Real>,
    /// Every required room meets its target (`simulate`), or every check
    /// passes (`check`).
    pub requirement_met: Option<bool>,
    /// Rooms that miss their requirement, as `floor/room`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<String>,
    /// The error, for plans that errored.
    pub error: Option<String>,
}

impl SummaryEntry {
    /// An entry for a plan that errored.
    pub fn error(job: &PlanJob, error: &Error) -> Self {
        SummaryEntry {
            file: job.path.display().to_string(),
            folder: None,
            status: match error {
                Error::Internal { .. } => PlanStatus::Internal,
                _ => PlanStatus::Error,
            },
            plan: None,
            ap_count: None,
            coverage_pct: None,
            requirement_met: None,
            failing: Vec::new(),
            error: Some(error.to_string()),
        }
    }
}

/// Plan counts of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    /// Plans run (in this shard).
    pub plans: usize,
    /// Plans that ended `ok`.
    pub ok: usize,
    /// Plans that failed their check.
    pub failed: usize,
    /// Plans that errored (internal errors included).
    pub errors: usize,
}

/// The combined summary of a many-plans run (`summary.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The command (`simulate`, `check`).
    pub command: String,
    /// `I/N` when the run was a shard.
    pub shard: Option<String>,
    /// The model.
    pub model: String,
    /// Plan counts.
    pub counts: Counts,
    /// The process exit code ([`PlanStatus::exit_code`]).
    pub exit_code: u8,
    /// One entry per plan, in sorted-list order.
    pub plans: Vec<SummaryEntry>,
}

impl Summary {
    /// Builds the summary from the entries, counting them.
    pub fn new(command: &str, shard: Option<Shard>, model: &str, plans: Vec<SummaryEntry>) -> Self {
        let mut counts = Counts { plans: plans.len(), ..Counts::default() };
        for entry in &plans {
            match entry.status {
                PlanStatus::Ok => counts.ok += 1,
                PlanStatus::Failed => counts.failed += 1,
                PlanStatus::Error | PlanStatus::Internal => counts.errors += 1,
            }
        }
        let exit_code = PlanStatus::exit_code(plans.iter().map(|e| e.status));
        Summary {
            command: command.to_owned(),
            shard: shard.map(|s| s.to_string()),
            model: model.to_owned(),
            counts,
            exit_code,
            plans,
        }
    }

    /// The summary as pretty JSON (`summary.json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The table printed on stdout: one line per plan, then the counts.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let width = self.plans.iter().map(|e| e.file.chars().count()).max().unwrap_or(4).clamp(4, 60);
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}  {:>4}  {:>8}  {:<12}  folder / problem",
            "plan", "status", "APs", "coverage", "requirement"
        );
        for entry in &self.plans {
            let requirement = match entry.requirement_met {
                Some(true) => "met".to_owned(),
                Some(false) if entry.failing.is_empty() => "NOT met".to_owned(),
                Some(false) => format!("NOT met ({})", entry.failing.len()),
                None => "–".to_owned(),
            };
            let last = match (&entry.error, &entry.folder) {
                (Some(error), _) => error.lines().next().unwrap_or("").to_owned(),
                (None, Some(folder)) => folder.clone(),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                out,
                "{:<width$}  {:<6}  {:>4}  {:>8}  {:<12}  {last}",
                entry.file,
                entry.status.name(),
                entry.ap_count.map_or_else(|| "–".to_owned(), |n| n.to_string()),
                entry.coverage_pct.map_or_else(|| "–".to_owned(), |c| format!("{c:.1}%")),
                requirement,
            );
        }
        let c = &self.counts;
        let shard = self.shard.as_ref().map_or_else(String::new, |s| format!(" (shard {s})"));
        let _ = writeln!(
            out,
            "{} plan{}{shard}: {} ok, {} failed, {} error{}",
            c.plans,
            if c.plans == 1 { "" } else { "s" },
            c.ok,
            c.failed,
            c.errors,
            if c.errors == 1 { "" } else { "s" }
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_list() {
        let n = 7;
        let mut seen = vec![0; n];
        for index in 1..=3 {
            let shard = Shard { index, count: 3 };
            for (position, hits) in seen.iter_mut().enumerate() {
                if shard.contains(position) {
                    *hits += 1;
                }
            }
        }
        assert!(seen.iter().all(|&hits| hits == 1), "{seen:?}");
        assert!(Shard { index: 2, count: 3 }.contains(1));
        assert!(Shard { index: 2, count: 3 }.contains(4));
    }

    #[test]
    fn shard_errors_are_usage_errors_with_hints() {
        for (text, expected) in [
            ("3/2", "I must be between 1 and N"),
            ("0/2", "I must be between 1 and N"),
            ("1/0", "N must be at least 1"),
            ("1", "not of the form I/N"),
            ("a/b", "not of the form I/N"),
            ("-1/2", "not of the form I/N"),
        ] {
            let error = Shard::parse(text).unwrap_err();
            assert!(matches!(error, Error::Usage { .. }));
            let message = error.to_string();
            assert!(message.contains(expected) && message.contains("hint:"), "{text}: {message}");
        }
        assert_eq!(Shard::parse(" 1 / 1 ").unwrap().to_string(), "1/1");
    }

    #[test]
    fn folders_are_unique_and_do_not_depend_on_the_shard() {
        let plans: Vec<PathBuf> = ["a/office.toml", "b/office.toml", "lycee.toml", "single.json", "single.toml"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(folder_names(&plans), ["office-toml", "office-toml-2", "lycee", "single-json", "single-toml"]);
    }

    #[test]
    fn exit_code_is_the_worst_status() {
        use PlanStatus::*;
        assert_eq!(PlanStatus::exit_code([]), 0);
        assert_eq!(PlanStatus::exit_code([Ok, Ok]), 0);
        assert_eq!(PlanStatus::exit_code([Ok, Failed]), 1);
        assert_eq!(PlanStatus::exit_code([Error, Failed, Ok]), 2);
        assert_eq!(PlanStatus::exit_code([Error, Internal, Failed]), 70);
    }

    #[test]
    fn a_panicking_job_is_one_plans_error() {
        let jobs: Vec<PlanJob> = (0..4)
            .map(|i| PlanJob { path: PathBuf::from(format!("p{i}.toml")), folder: format!("p{i}"), position: i })
            .collect();
        let results = run_many(
            &jobs,
            |job| {
                if job.position == 2 {
                    panic!("boom");
                }
                Ok(job.position * 10)
            },
            &|_, _| {},
        );
        let values: Vec<Option<usize>> = results.iter().map(|r| r.result.as_ref().ok().copied()).collect();
        assert_eq!(values, [Some(0), Some(10), None, Some(30)]);
        let message = results[2].result.as_ref().unwrap_err().to_string();
        assert!(message.contains("p2.toml") && message.contains("boom"), "{message}");
        // A panic is a bug, not the plan's fault: exit 70, not 2.
        assert!(matches!(results[2].result, Err(Error::Internal { .. })));
        let entry = SummaryEntry::error(&jobs[2], results[2].result.as_ref().unwrap_err());
        assert_eq!(entry.status, PlanStatus::Internal);
        assert_eq!(Summary::new("simulate", None, "multiwall", vec![entry]).exit_code, EXIT_INTERNAL);
    }
}

//! Errors of the library, mapped to exit codes in one place.

use crate::diagnostics::Diagnostics;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: every problem found, each as `file:line: column: message`.
    #[error("{n} problem(s) in the input:\n{0}", n = .0.len())]
    Input(Diagnostics),
    /// Bad command line.
    #[error("{0}")]
    Usage(String),
    /// The model has no feasible plan; the text says why.
    #[error("{0}")]
    Infeasible(String),
    #[error("solver failed: {0}")]
    Solver(String),
    #[error("{0}")]
    Io(String),
}

impl Error {
    /// 2 for bad input or usage, 1 for infeasible plans and solver or I/O failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Usage(_) => 2,
            Error::Infeasible(_) | Error::Solver(_) | Error::Io(_) => 1,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

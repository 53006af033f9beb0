//! The library's one error type, and located diagnostics.
//!
//! Every error a user can cause names the file, the line and the column,
//! says what is wrong and, where a fix is known, how to fix it. A bug in
//! wifiplan itself (an invariant that does not hold) is an
//! [`Error::Internal`], never a usage error: the user did nothing wrong,
//! and CI can tell the two apart by the exit code.

use std::fmt;
use std::path::PathBuf;

/// A problem found in an input file, located to a line and column.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// How to fix it, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: error: {}", self.file, self.line, self.column, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("failed to {action} `{}` ({source})", path.display())]
    Io {
        /// What was being done: "read", "write", "create directory".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A plan file is not valid TOML/JSON or does not fit the schema.
    #[error("{0}")]
    Parse(Diagnostic),
    /// A plan parsed but has problems; all of them are listed.
    #[error("{}", format_problems(.problems))]
    InvalidPlan {
        /// Every problem found, in file order.
        problems: Vec<Diagnostic>,
    },
    /// A command-line value is wrong.
    #[error("{message}")]
    Usage {
        /// What is wrong, with a hint when one is known.
        message: String,
    },
    /// A bug in wifiplan: something its own code guarantees did not hold.
    /// The message says what, and how to get on meanwhile when there is a
    /// way.
    #[error("{message}")]
    Internal {
        /// What went wrong, with a hint.
        message: String,
    },
    /// An image could not be encoded.
    #[error("failed to encode image `{}` ({message})", path.display())]
    Image {
        /// The file being written.
        path: PathBuf,
        /// The encoder's message.
        message: String,
    },
}

fn format_problems(problems: &[Diagnostic]) -> String {
    let mut text = String::new();
    for (i, problem) in problems.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&problem.to_string());
    }
    let count = problems.len();
    text.push_str(&format!("\n{count} problem{} found", if count == 1 { "" } else { "s" }));
    text
}

impl Error {
    /// A usage error with a message.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage { message: message.into() }
    }

    /// An internal error (a bug) with a message.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal { message: message.into() }
    }

    /// The process exit code the CLI uses for this error: 2 for usage or
    /// input errors (SPEC.md), [`EXIT_INTERNAL`] for bugs.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Internal { .. } => EXIT_INTERNAL,
            _ => 2,
        }
    }
}

/// Exit code of an internal error: 70, `EX_SOFTWARE` of BSD's
/// `sysexits.h` ("an internal software error has been detected"), apart
/// from the codes a plan's result or the user's input give (0, 1, 2).
pub const EXIT_INTERNAL: u8 = 70;

/// The hint of most internal errors.
pub const BUG_HINT: &str = "this is a bug in wifiplan; please report it with the plan file";

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bugs_and_usage_errors_exit_differently() {
        assert_eq!(Error::usage("--threads must be at least 1").exit_code(), 2);
        assert_eq!(Error::internal("internal error: a grid came out wrong").exit_code(), EXIT_INTERNAL);
        assert_eq!(EXIT_INTERNAL, 70);
        let parse = Error::Parse(Diagnostic {
            file: "p.toml".into(),
            line: 1,
            column: 1,
            message: "expected a table".into(),
            hint: None,
        });
        assert_eq!(parse.exit_code(), 2);
    }
}

//! Input problems, collected rather than thrown: every one is reported as
//! `file:line: column: message`, all of them at once. Warnings (problems that do not stop the plan)
//! travel in the same collection, apart from the errors.

use std::fmt;

/// Column label for problems about a whole file (missing, empty).
pub const WHOLE_FILE: &str = "(file)";
/// Column label for problems about a whole row (wrong field count, duplicates).
pub const WHOLE_ROW: &str = "(row)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path as the user should see it, e.g. `inputs/x/offers.csv`.
    pub file: String,
    /// 1-based; the header is line 1.
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// One problem is one line: control characters anywhere are escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            escape_controls(&self.file),
            self.line,
            escape_controls(&self.column),
            escape_controls(&self.message)
        )
    }
}

/// Longest echo of a user's value inside a message, in characters.
pub const ECHO_MAX: usize = 80;

/// A user's value as it is quoted in a message: control characters escaped (`\n`, `\t`,
/// `\u{1b}`), cut to [`ECHO_MAX`] characters with `...` and the full length.
pub fn echo(value: &str) -> String {
    let escaped = escape_controls(value);
    let n = escaped.chars().count();
    if n <= ECHO_MAX {
        return escaped;
    }
    let head: String = escaped.chars().take(ECHO_MAX).collect();
    format!("{head}... ({n} characters)")
}

/// Control characters written as escapes, so that text stays on one line.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// An ordered collection of problems: errors (which stop the run) and warnings (which do not).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An error. A column taken from the user's header is echoed (escaped, capped).
    pub fn push(&mut self, file: &str, line: u64, column: &str, message: impl Into<String>) {
        self.items.push(Diagnostic {
            file: file.to_string(),
            line,
            column: echo(column),
            message: message.into(),
        });
    }

    /// A warning: printed by `validate` and listed in summary.md under "Warnings"; the plan goes on.
    pub fn warn(&mut self, file: &str, line: u64, column: &str, message: impl Into<String>) {
        self.warnings.push(Diagnostic {
            file: file.to_string(),
            line,
            column: echo(column),
            message: message.into(),
        });
    }

    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// True when there is no error (warnings do not count).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Appends every problem (and warning) of `other`, in order.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.warnings.extend(other.warnings);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.items.iter().map(|d| d.to_string()).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_file_line_column_message() {
        let mut d = Diagnostics::default();
        d.push("x/offers.csv", 3, "max_units", "not a number: 'abc'");
        assert_eq!(
            d.to_string(),
            "x/offers.csv:3: max_units: not a number: 'abc'"
        );
    }

    #[test]
    fn one_problem_is_one_line_and_echoes_are_capped() {
        let mut d = Diagnostics::default();
        d.push("f.csv", 1, "a\nb", format!("bad '{}'", echo("x\ty\u{1b}")));
        assert_eq!(d.to_string(), "f.csv:1: a\\nb: bad 'x\\ty\\u{1b}'");
        let long = "z".repeat(500);
        let e = echo(&long);
        assert!(
            e.starts_with(&"z".repeat(80)) && e.ends_with("... (500 characters)"),
            "{e}"
        );
        d.warn("f.csv", 2, "c", "w");
        assert_eq!(d.len(), 1, "warnings are not errors");
        assert_eq!(d.warnings().len(), 1);
    }
}

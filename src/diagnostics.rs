//! Input problems, collected rather than thrown: every one is reported as
//! `file:line: column: message`, all of them at once.

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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// An ordered collection of problems.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, file: &str, line: u64, column: &str, message: impl Into<String>) {
        self.items.push(Diagnostic {
            file: file.to_string(),
            line,
            column: column.to_string(),
            message: message.into(),
        });
    }

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

    pub fn from_vec(items: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics { items }
    }

    /// Appends every problem of `other`, in order.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
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
}

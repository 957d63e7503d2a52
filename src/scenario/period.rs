//! Calendar months as integers, so windows are plain ranges.

use std::fmt;

/// A calendar month, stored as `year * 12 + (month - 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// Parses exactly `YYYY-MM` (month 01..12).
    pub fn parse(text: &str) -> Result<Month, String> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 7 || b[4] != b'-' || !digits(0..4) || !digits(5..7) {
            return Err(format!(
                "'{}' is not a month: expected YYYY-MM, e.g. 2026-01",
                crate::diagnostics::echo(text)
            ));
        }
        let year: i32 = text[0..4]
            .parse()
            .map_err(|_| format!("'{text}' has a bad year"))?;
        let month: i32 = text[5..7]
            .parse()
            .map_err(|_| format!("'{text}' has a bad month"))?;
        if !(1..=12).contains(&month) {
            return Err(format!("'{text}' is not a month: month must be 01..12"));
        }
        Ok(Month(year * 12 + month - 1))
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    pub fn plus(self, months: usize) -> Month {
        Month(self.0 + months as i32)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}",
            self.0.div_euclid(12),
            self.0.rem_euclid(12) + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders() {
        let a = Month::parse("2025-11").unwrap();
        let b = Month::parse("2026-02").unwrap();
        assert_eq!(b.0 - a.0, 3);
        assert_eq!(a.to_string(), "2025-11");
        assert_eq!(a.plus(2).to_string(), "2026-01");
        assert_eq!(b.year(), 2026);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "2026-13",
            "2026-00",
            "2026/01",
            "26-01",
            "2026-1",
            "2026-01-01",
            "",
            "abcd-ef",
            "2026-+1",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}

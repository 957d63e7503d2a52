//! Number formatting shared by every writer, so the same value always prints the same way.

/// A plain decimal with at most `decimals` places, trailing zeros dropped, never `-0`.
pub fn num(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Money for people: `$1.23B`, `$45.6M`, `$789K`, `$12.34`.
pub fn usd(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 && a >= 0.005 { "-" } else { "" };
    if a >= 1e12 {
        format!("{sign}${:.3}T", a / 1e12)
    } else if a >= 1e9 {
        format!("{sign}${:.2}B", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}${:.1}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{sign}${:.0}K", a / 1e3)
    } else {
        format!("{sign}${a:.2}")
    }
}

/// Thousands separators for counts of units: `1,234,567.9`.
pub fn units(v: f64) -> String {
    let rounded = if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        num(v, 2)
    };
    let (int, frac) = match rounded.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (rounded.clone(), String::new()),
    };
    let (sign, digits) = int
        .strip_prefix('-')
        .map(|d| ("-", d))
        .unwrap_or(("", int.as_str()));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}{frac}")
}

pub fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        assert_eq!(num(1.5, 6), "1.5");
        assert_eq!(num(2.0, 2), "2");
        assert_eq!(num(-0.0000001, 6), "0");
        assert_eq!(num(1234.5678, 2), "1234.57");
    }

    #[test]
    fn money_and_units() {
        assert_eq!(usd(250e9), "$250.00B");
        assert_eq!(usd(1.4e12), "$1.400T");
        assert_eq!(usd(12_345_678.0), "$12.3M");
        assert_eq!(usd(950.0), "$950.00");
        assert_eq!(units(1234567.4), "1,234,567");
        assert_eq!(units(12.25), "12.25");
        assert_eq!(pct(0.1234), "12.3%");
    }
}

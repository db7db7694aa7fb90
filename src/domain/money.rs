//! Amounts of money as exports write them.

use super::text::value_key;

/// Amounts from £10 trillion up are not read as amounts: a binary float holds pence exactly only
/// up to about £90 trillion, and the analysts' table holds money as DECIMAL(18,2).
const LARGEST: f64 = 1e13;

/// "£1,250.00", "1250", "GBP 40", "(25.00)" → pounds, to the penny. `Some(None)`: a way of
/// writing "none". `None`: not an amount.
pub fn parse_money(raw: &str) -> Option<Option<f64>> {
    let key = value_key(raw);
    if matches!(key.as_str(), "-" | "n/a" | "na" | "none" | "nil") {
        return Some(None);
    }
    let negative = key.starts_with('(') && key.ends_with(')') || key.starts_with('-');
    let digits: String = key
        .trim_start_matches(['(', '-'])
        .trim_end_matches(')')
        .replace("gbp", "")
        .chars()
        .filter(|c| !matches!(c, '£' | ',' | ' '))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let amount: f64 = digits.parse().ok()?;
    // Beyond this no export means an amount of compensation, and pence stop being exact.
    if amount >= LARGEST {
        return None;
    }
    let pence = (amount * 100.0).round() / 100.0;
    Some(Some(if negative { -pence } else { pence }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money() {
        assert_eq!(parse_money("£1,250.00"), Some(Some(1250.0)));
        assert_eq!(parse_money("GBP 40"), Some(Some(40.0)));
        assert_eq!(parse_money("(25.505)"), Some(Some(-25.51)));
        assert_eq!(parse_money("N/A"), Some(None));
        assert_eq!(parse_money("fifty pounds"), None);
        assert_eq!(parse_money("1.2.3"), None);
        assert_eq!(parse_money("9999999999999.99"), Some(Some(9999999999999.99)));
        assert_eq!(parse_money("12345678901234567890"), None);
    }
}

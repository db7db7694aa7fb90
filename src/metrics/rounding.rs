//! Presenting figures: percentages, rates and medians from exact integers, rounded half up at
//! the end.

/// num / den × 100 to 1 decimal place, half up; `None` when den is 0.
pub fn pct(num: u64, den: u64) -> Option<f64> {
    scaled(num, den, 100)
}

/// n per 1,000 homes to 1 decimal place, half up; `None` when there are no homes.
pub fn per_1000(n: u64, homes: u64) -> Option<f64> {
    scaled(n, homes, 1000)
}

/// num × scale / den to 1 dp, half up, in integer arithmetic so 12.25 never becomes 12.2.
fn scaled(num: u64, den: u64, scale: u128) -> Option<f64> {
    if den == 0 {
        return None;
    }
    let (num, den) = (num as u128 * scale * 10, den as u128);
    Some(((2 * num + den) / (2 * den)) as f64 / 10.0)
}

/// Rounds half up (away from zero for positives) to `dp` decimal places.
pub fn round_half_up(value: f64, dp: i32) -> f64 {
    let factor = 10f64.powi(dp);
    // The small nudge absorbs binary representation error (1.005 is stored as 1.00499…).
    ((value * factor) + 0.5 + 1e-9).floor() / factor
}

/// The mean of `n` whole numbers summing to `sum`, to 1 dp, half up.
pub(super) fn mean_to_tenth(sum: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| ((2 * sum * 10 + n) / (2 * n)) as f64 / 10.0)
}

/// The median of values given with their counts: the middle one, or the mean of the middle
/// two (so a median of whole numbers is whole or a half). `None` when there are none.
pub(super) fn median_of_counts(counts: &[(i64, u64)]) -> Option<f64> {
    let mut counts = counts.to_vec();
    counts.sort_unstable();
    let n: u64 = counts.iter().map(|(_, c)| c).sum();
    let value_at = |rank: u64| {
        let mut seen = 0;
        counts.iter().find_map(|&(v, c)| {
            seen += c;
            (seen > rank).then_some(v)
        })
    };
    match n {
        0 => None,
        n if n % 2 == 1 => value_at(n / 2).map(|v| v as f64),
        n => Some((value_at(n / 2 - 1)? + value_at(n / 2)?) as f64 / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up_from_integers() {
        assert_eq!(pct(3, 4), Some(75.0));
        assert_eq!(pct(0, 1), Some(0.0));
        assert_eq!(pct(1, 0), None);
        assert_eq!(pct(1, 3), Some(33.3));
        assert_eq!(pct(2, 3), Some(66.7));
        // 1/8 = 12.5% exactly; 49/400 = 12.25% rounds up to 12.3.
        assert_eq!(pct(1, 8), Some(12.5));
        assert_eq!(pct(49, 400), Some(12.3));
        assert_eq!(pct(10, 54), Some(18.5));
    }

    #[test]
    fn rates_per_thousand_homes() {
        // Spec §2.5: 4 stage-1 complaints over 2,000 homes = 2.0; 1 stage-2 = 0.5.
        assert_eq!(per_1000(4, 2000), Some(2.0));
        assert_eq!(per_1000(1, 2000), Some(0.5));
        assert_eq!(per_1000(1, 0), None);
        assert_eq!(per_1000(1977, 41500), Some(47.6));
        assert_eq!(per_1000(1, 8000), Some(0.1)); // 0.125 → 0.1
        assert_eq!(per_1000(3, 8000), Some(0.4)); // 0.375 → 0.4
    }

    #[test]
    fn medians_and_means_from_counts() {
        assert_eq!(median_of_counts(&[]), None);
        assert_eq!(median_of_counts(&[(7, 1)]), Some(7.0));
        // 1 2 2 3 | 5 9: an even count averages the middle two.
        assert_eq!(
            median_of_counts(&[(9, 1), (2, 2), (1, 1), (3, 1), (5, 1)]),
            Some(2.5)
        );
        assert_eq!(median_of_counts(&[(4, 3), (10, 2)]), Some(4.0));
        assert_eq!(median_of_counts(&[(4, 2), (10, 2)]), Some(7.0));
        assert_eq!(median_of_counts(&[(0, 5), (1, 0)]), Some(0.0));
        // 7 values summing to 23: 3.2857 → 3.3; 4 summing to 10: 2.5 exactly.
        assert_eq!(mean_to_tenth(23, 7), Some(3.3));
        assert_eq!(mean_to_tenth(10, 4), Some(2.5));
        assert_eq!(mean_to_tenth(0, 0), None);
    }

    #[test]
    fn money_rounds_half_up() {
        assert_eq!(round_half_up(1.005, 2), 1.01);
        assert_eq!(round_half_up(2.5, 0), 3.0);
    }
}

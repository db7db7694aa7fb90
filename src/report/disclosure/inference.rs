//! What a reader can work out: which hidden figures are fixed by the relations the report
//! prints, by exact linear algebra (a hidden figure is determined when its unit vector lies in
//! the row space of the relations restricted to the unknowns) and by bounds (each relation
//! narrowing the range of its unknowns, e.g. two cells shown as "<5" that sum to 2 are both 1).

use super::{Figure, Relation, Status};

/// A prime just under 2^61: the rank of a 0/±1 relation matrix over this field equals its rank
/// over the rationals unless the prime divides a minor, which for the report's few hundred
/// relations (minors far below 2^61) cannot happen.
const P: u64 = (1 << 61) - 1;

fn mul(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) % P as u128) as u64
}

fn inverse(a: u64) -> u64 {
    // Fermat: a^(p−2).
    let (mut base, mut exp, mut out) = (a, P - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            out = mul(out, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    out
}

fn field(c: i64) -> u64 {
    c.rem_euclid(P as i64) as u64
}

/// Unknowns whose value the relations fix: every figure not shown is an unknown.
pub(super) fn determined(
    figures: &[Figure],
    status: &[Status],
    relations: &[Relation],
    threshold: u64,
) -> Vec<usize> {
    let unknown = |i: usize| status[i] != Status::Shown;
    let mut found: Vec<usize> = linear(relations, &unknown);
    found.extend(bounded(figures, status, relations, threshold));
    found.retain(|&i| status[i].is_hidden());
    found.sort_unstable();
    found.dedup();
    found
}

/// Row-reduces the relations over the unknown columns; a reduced row with a single non-zero
/// entry fixes that unknown.
fn linear(relations: &[Relation], unknown: &dyn Fn(usize) -> bool) -> Vec<usize> {
    let mut columns: Vec<usize> = relations
        .iter()
        .flat_map(|r| r.terms.iter().map(|&(i, _)| i))
        .filter(|&i| unknown(i))
        .collect();
    columns.sort_unstable();
    columns.dedup();
    let index = |i: usize| columns.binary_search(&i).ok();
    let mut rows: Vec<Vec<u64>> = relations
        .iter()
        .map(|r| {
            let mut row = vec![0u64; columns.len()];
            for &(i, c) in &r.terms {
                if let Some(k) = index(i) {
                    row[k] = (row[k] + field(c)) % P;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|&v| v != 0))
        .collect();
    let mut pivot_row = 0;
    let mut pivots = Vec::new();
    for col in 0..columns.len() {
        let Some(found) = (pivot_row..rows.len()).find(|&r| rows[r][col] != 0) else {
            continue;
        };
        rows.swap(pivot_row, found);
        let inv = inverse(rows[pivot_row][col]);
        for v in rows[pivot_row].iter_mut() {
            *v = mul(*v, inv);
        }
        let pivot = rows[pivot_row].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != pivot_row && row[col] != 0 {
                let factor = row[col];
                for (v, p) in row.iter_mut().zip(&pivot) {
                    *v = (*v + P - mul(factor, *p)) % P;
                }
            }
        }
        pivots.push((pivot_row, col));
        pivot_row += 1;
        if pivot_row == rows.len() {
            break;
        }
    }
    pivots
        .into_iter()
        .filter(|&(r, _)| rows[r].iter().filter(|&&v| v != 0).count() == 1)
        .map(|(_, col)| columns[col])
        .collect()
}

/// Interval reasoning on count relations: hidden small counts lie in 1..threshold−1, other
/// hidden counts are at least 1 (a zero is never hidden), unprinted figures at least 0.
/// Relations holding money are left to the linear test.
fn bounded(figures: &[Figure], status: &[Status], relations: &[Relation], threshold: u64) -> Vec<usize> {
    const OPEN: i128 = i128::MAX / 4;
    let mut lo: Vec<i128> = vec![0; figures.len()];
    let mut hi: Vec<i128> = vec![OPEN; figures.len()];
    for i in 0..figures.len() {
        match status[i] {
            Status::Shown => {
                lo[i] = figures[i].value as i128;
                hi[i] = lo[i];
            }
            Status::Small => (lo[i], hi[i]) = (1, threshold as i128 - 1),
            Status::Protected => lo[i] = 1,
            Status::Unprinted => {}
        }
    }
    let counts: Vec<&Relation> = relations
        .iter()
        .filter(|r| r.terms.iter().all(|&(i, _)| !figures[i].money))
        .collect();
    for _ in 0..64 {
        let mut changed = false;
        for r in &counts {
            for &(i, ci) in &r.terms {
                if status[i] == Status::Shown {
                    continue;
                }
                // ci·x_i = −Σ_{j≠i} c_j·x_j
                let (mut min, mut max) = (0i128, 0i128);
                for &(j, cj) in &r.terms {
                    if j == i {
                        continue;
                    }
                    let (a, b) = (
                        (-(cj as i128)).saturating_mul(lo[j]),
                        (-(cj as i128)).saturating_mul(hi[j]),
                    );
                    min = min.saturating_add(a.min(b));
                    max = max.saturating_add(a.max(b));
                }
                let (mut new_lo, mut new_hi) = if ci > 0 {
                    (min, max)
                } else {
                    (max.saturating_neg(), min.saturating_neg())
                };
                if ci.abs() != 1 {
                    let c = ci.abs() as i128;
                    (new_lo, new_hi) = (new_lo.div_euclid(c), new_hi.div_euclid(c));
                }
                if new_lo > lo[i] && new_lo < OPEN {
                    lo[i] = new_lo;
                    changed = true;
                }
                if new_hi < hi[i] && new_hi > -OPEN {
                    hi[i] = new_hi;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    (0..figures.len())
        .filter(|&i| status[i].is_hidden() && lo[i] == hi[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: &[u64]) -> Vec<Figure> {
        values.iter().map(|&v| Figure::count(v)).collect()
    }

    fn sum(total: usize, parts: &[usize]) -> Relation {
        let mut terms: Vec<(usize, i64)> = parts.iter().map(|&p| (p, 1)).collect();
        terms.push((total, -1));
        Relation { terms }
    }

    #[test]
    fn a_lone_hidden_part_of_a_shown_total_is_determined() {
        // 19 = 18 + 1: the 1 is fixed by subtraction.
        let f = counts(&[19, 18, 1]);
        let status = [Status::Shown, Status::Shown, Status::Small];
        assert_eq!(determined(&f, &status, &[sum(0, &[1, 2])], 5), [2]);
        let status = [Status::Shown, Status::Protected, Status::Small];
        assert!(determined(&f, &status, &[sum(0, &[1, 2])], 5).is_empty());
    }

    #[test]
    fn differences_across_two_relations_are_found() {
        // a + b = 10 and a + c = 12 shown with b, c hidden and a hidden: c − b = 2 only.
        let f = counts(&[10, 12, 7, 3, 5]);
        let status = [
            Status::Shown,
            Status::Shown,
            Status::Protected,
            Status::Small,
            Status::Protected,
        ];
        let r = [sum(0, &[2, 3]), sum(1, &[2, 4])];
        assert!(determined(&f, &status, &r, 5).is_empty());
        // Showing a fixes both b and c.
        let status = [
            Status::Shown,
            Status::Shown,
            Status::Shown,
            Status::Small,
            Status::Protected,
        ];
        assert_eq!(determined(&f, &status, &r, 5), [3, 4]);
    }

    #[test]
    fn bounds_fix_small_cells_that_sum_to_their_minimum() {
        // 2 = x + y with both "<5": both are 1.
        let f = counts(&[2, 1, 1]);
        let status = [Status::Shown, Status::Small, Status::Small];
        assert_eq!(determined(&f, &status, &[sum(0, &[1, 2])], 5), [1, 2]);
        // 6 = x + y: x could be 2, 3 or 4.
        let f = counts(&[6, 3, 3]);
        assert!(determined(&f, &status, &[sum(0, &[1, 2])], 5).is_empty());
    }
}

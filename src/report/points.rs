//! Points for the governing body to check before approving the annual report: where what the
//! landlord wrote disagrees with the year's figures. Listed by `validate`, printed by `annual`
//! and set out in the board edition.

use super::ReportInputs;
use super::self_assessment;
use crate::config::{Config, PublishedMeasures};
use crate::metrics::{Metrics, TsmFigures};

/// Every point to check, self-assessment first.
pub fn points_to_check(config: &Config, m: &Metrics, inputs: &ReportInputs) -> Vec<String> {
    let mut points = inputs
        .self_assessment
        .as_ref()
        .map(|sa| self_assessment::points_to_check(sa, m))
        .unwrap_or_default();
    points.extend(published_prior_differences(config, m));
    points
}

/// The prior year's TSM measures as published that differ from the same measures recomputed.
fn published_prior_differences(config: &Config, m: &Metrics) -> Vec<String> {
    let Some(prior) = m.prior.as_deref() else {
        return Vec::new();
    };
    type Pick = (
        &'static str,
        fn(&PublishedMeasures) -> Option<f64>,
        fn(&TsmFigures) -> Option<f64>,
    );
    let measures: [Pick; 4] = [
        ("CH01(1)", |p| p.CH01_1, |f| f.CH01_stage1_per_1000),
        ("CH01(2)", |p| p.CH01_2, |f| f.CH01_stage2_per_1000),
        ("CH02(1)", |p| p.CH02_1, |f| f.CH02_stage1_pct),
        ("CH02(2)", |p| p.CH02_2, |f| f.CH02_stage2_pct),
    ];
    let mut points = Vec::new();
    for tenure in ["LCRA", "LCHO"] {
        let (Some(published), Some(figures)) =
            (config.tsm.published_prior.tenure(tenure), prior.tsm.get(tenure))
        else {
            continue;
        };
        for (name, given, recomputed) in measures {
            if let (Some(given), Some(now)) = (given(published), recomputed(figures))
                && format!("{given:.1}") != format!("{now:.1}")
            {
                points.push(format!(
                    "the prior year's {name} {tenure} as published ({given:.1}) differs from the same measure recomputed from this export ({now:.1}): records for that year have changed since, or the basis has"
                ));
            }
        }
    }
    points
}

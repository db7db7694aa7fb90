//! Stage 5 — charts: SVG drawn with plotters. Bars are drawn one rectangle at a time in a fixed
//! order (plotters' Histogram orders bars through a HashMap), text uses the embedded Inter face,
//! colours come from the Okabe–Ito colour-blind-safe palette, and every chart carries alt text;
//! its data table is printed after it in the report.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::disclosure::{Disclosed, FigureId, Ledger};
use super::legend::draw_legend;
use super::table::{Cell, Edition, Suppression, Table, TableBuilder};
use crate::domain::text::{truncate_text, wrap};
use crate::error::{Error, Result};

/// Okabe–Ito colours that keep 3:1 contrast against the white background (WCAG 1.4.11), with
/// sienna in place of the orange and sky blue, which do not.
pub(crate) const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(0, 0, 0),       // black
    RGBColor(160, 82, 45),   // sienna
];

pub(super) const FONT: &str = "Inter";
const WIDTH: u32 = 900;
const HEIGHT: u32 = 420;
/// Height of the band above the plot that holds the legend.
pub(super) const LEGEND_ROW: u32 = 22;

/// One series of values, aligned with the chart's categories: each value is a table cell, so
/// the chart draws and its data table prints exactly what the edition shows.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub name: String,
    pub cells: Vec<Cell>,
    /// The values drawn (after [`ChartSpec::for_edition`]); `None` is not drawn.
    pub values: Vec<Option<f64>>,
}

impl Series {
    pub(crate) fn new(name: &str, cells: Vec<Cell>) -> Self {
        Series {
            name: name.into(),
            cells,
            values: Vec::new(),
        }
    }

    /// Counts from the report's ledger.
    pub(crate) fn counts(name: &str, figures: impl IntoIterator<Item = FigureId>) -> Self {
        Series::new(name, figures.into_iter().map(Cell::Fig).collect())
    }

    /// Values (such as medians) computed from `bases` cases each.
    pub(crate) fn ratios(name: &str, values: Vec<Option<f64>>, bases: Vec<u64>) -> Self {
        Series::new(
            name,
            values
                .into_iter()
                .zip(bases)
                .map(|(v, n)| Cell::Ratio(v, n))
                .collect(),
        )
    }

    fn resolved(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> Series {
        Series {
            values: self.cells.iter().map(|c| c.plot_value(edition, s, d)).collect(),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Bars side by side per category.
    Grouped,
    /// Bars stacked per category.
    Stacked,
    /// Horizontal bars (long category names), first category at the top.
    Horizontal,
    /// Lines only.
    Lines,
}

#[derive(Debug, Clone)]
pub(crate) struct ChartSpec {
    pub id: String,
    pub title: String,
    pub categories: Vec<String>,
    pub bars: Vec<Series>,
    pub lines: Vec<Series>,
    /// A line on a second axis (e.g. working days over volumes).
    pub secondary: Option<(Series, String)>,
    /// Markers on horizontal bars (e.g. last year's value).
    pub markers: Option<Series>,
    pub layout: Layout,
    pub y_label: String,
    /// A dashed reference line (value, label), e.g. the 100% target.
    pub target: Option<(f64, String)>,
    pub percent: bool,
}

impl ChartSpec {
    pub(crate) fn new(id: &str, title: &str, categories: Vec<String>, layout: Layout, y_label: &str) -> Self {
        ChartSpec {
            id: id.into(),
            title: title.into(),
            categories,
            bars: Vec::new(),
            lines: Vec::new(),
            secondary: None,
            markers: None,
            layout,
            y_label: y_label.into(),
            target: None,
            percent: false,
        }
    }
}

impl ChartSpec {
    fn series(&self) -> impl Iterator<Item = &Series> {
        self.bars
            .iter()
            .chain(self.lines.iter())
            .chain(self.markers.iter())
            .chain(self.secondary.iter().map(|(x, _)| x))
    }

    /// The ledger figures the chart prints in this edition (in its data table).
    pub(crate) fn figures(&self, edition: Edition, s: &Suppression, ledger: &Ledger) -> Vec<FigureId> {
        self.series()
            .flat_map(|x| x.cells.iter())
            .flat_map(|c| c.figures(edition, s, ledger))
            .collect()
    }

    /// The chart as the edition shows it: hidden figures are not drawn.
    fn for_edition(&self, edition: Edition, s: &Suppression, d: &Disclosed) -> ChartSpec {
        let mut out = self.clone();
        out.bars = self.bars.iter().map(|x| x.resolved(edition, s, d)).collect();
        out.lines = self.lines.iter().map(|x| x.resolved(edition, s, d)).collect();
        out.markers = self.markers.as_ref().map(|x| x.resolved(edition, s, d));
        out.secondary = self
            .secondary
            .as_ref()
            .map(|(x, a)| (x.resolved(edition, s, d), a.clone()));
        out
    }

    /// The chart's data as a table (its accessible alternative).
    fn data_table(&self, category_heading: &str) -> TableBuilder {
        let series: Vec<&Series> = self.series().collect();
        let mut header = vec![category_heading.to_string()];
        header.extend(series.iter().map(|x| x.name.clone()));
        let mut table = TableBuilder::new(
            &format!("{}-data", self.id),
            &format!("Data for: {}", self.title),
            "",
            &[],
        );
        table.header = header;
        for (i, category) in self.categories.iter().enumerate() {
            let mut row = vec![Cell::text(category.clone())];
            row.extend(
                series
                    .iter()
                    .map(|x| x.cells.get(i).cloned().unwrap_or_else(|| Cell::text("–"))),
            );
            table.rows.push(row);
        }
        table
    }

    /// True when some value would be drawn as more than zero.
    fn draws_anything(&self) -> bool {
        self.bars
            .iter()
            .chain(self.lines.iter())
            .flat_map(|x| x.values.iter())
            .any(|v| v.is_some_and(|v| v > 0.0))
    }
}

/// A drawn chart.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub alt: String,
    /// The chart's figures, printed after it.
    pub table: Table,
    /// Printed instead of the chart when the edition hides every value it would draw.
    pub sentence: Option<String>,
    #[serde(skip)]
    pub svg: String,
    /// Virtual path the template reads the SVG from.
    pub path: String,
}

fn chart_error(id: &str, e: impl std::fmt::Display) -> Error {
    Error::Template(format!("chart {id} could not be drawn: {e}"))
}

/// Draws the chart for an edition, with its data table.
pub(crate) fn draw(
    spec: &ChartSpec,
    category_heading: &str,
    edition: Edition,
    s: &Suppression,
    d: &Disclosed,
) -> Result<Chart> {
    let table = spec.data_table(category_heading).render(edition, s, d);
    let shown = spec.for_edition(edition, s, d);
    let board = spec.for_edition(Edition::Board, s, d);
    if !shown.draws_anything() && board.draws_anything() {
        return Ok(Chart {
            id: spec.id.clone(),
            title: spec.title.clone(),
            alt: String::new(),
            table,
            sentence: Some(format!(
                "This chart is not shown: each of its figures is below {} or could reveal one that is, so none can be published.",
                s.threshold
            )),
            svg: String::new(),
            path: String::new(),
        });
    }
    let spec = &shown;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_error(&spec.id, e))?;
        let (top, plot) = root.split_vertically(LEGEND_ROW + 10);
        draw_legend(&top, spec).map_err(|e| chart_error(&spec.id, e))?;
        match spec.layout {
            Layout::Horizontal => draw_horizontal(&plot, spec),
            _ => draw_vertical(&plot, spec),
        }
        .map_err(|e| chart_error(&spec.id, e))?;
        root.present().map_err(|e| chart_error(&spec.id, e))?;
    }
    Ok(Chart {
        id: spec.id.clone(),
        title: spec.title.clone(),
        alt: alt_text(spec),
        table,
        sentence: None,
        svg,
        path: format!("charts/{}.svg", spec.id),
    })
}

pub(super) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn max_value(series: &[&Series], stacked: bool, n: usize) -> f64 {
    let max = if stacked {
        (0..n)
            .map(|i| {
                series
                    .iter()
                    .map(|s| s.values.get(i).copied().flatten().unwrap_or(0.0))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    } else {
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .fold(0.0, f64::max)
    };
    if max <= 0.0 { 1.0 } else { max * 1.12 }
}

fn label_for(categories: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 0.01 || i < 0.0 {
        return String::new();
    }
    categories.get(i as usize).cloned().unwrap_or_default()
}

fn draw_vertical(root: &DrawingArea<SVGBackend, Shift>, spec: &ChartSpec) -> DrawResult {
    let n = spec.categories.len().max(1);
    let all: Vec<&Series> = spec.bars.iter().chain(spec.lines.iter()).collect();
    let target = spec.target.as_ref().map_or(0.0, |(t, _)| t * 1.12);
    let y_max = if spec.percent {
        105.0
    } else {
        max_value(&all, spec.layout == Layout::Stacked, n).max(target)
    };
    // The report prints the title as the figure caption, so the SVG has none.
    let mut builder = ChartBuilder::on(root);
    builder.margin(12).x_label_area_size(60).y_label_area_size(60);
    if spec.secondary.is_some() {
        builder.right_y_label_area_size(60);
    }
    // The second axis is set before the mesh is drawn: the primary axis then keeps to the left
    // and its labels do not land on top of the second axis's in the right-hand label area.
    let x_range = -0.5f64..(n as f64 - 0.5);
    let y2_max = spec
        .secondary
        .as_ref()
        .map_or(1.0, |(series, _)| max_value(&[series], false, n));
    let mut chart = builder
        .build_cartesian_2d(x_range.clone(), 0f64..y_max)?
        .set_secondary_coord(x_range, 0f64..y2_max);
    let categories = spec.categories.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(n)
        .x_label_formatter(&|x| label_for(&categories, *x))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_desc(spec.y_label.as_str())
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .draw()?;
    let groups = spec.bars.len().max(1) as f64;
    let width = 0.8;
    for (s_index, series) in spec.bars.iter().enumerate() {
        let colour = PALETTE[s_index % PALETTE.len()];
        let rects: Vec<Rectangle<(f64, f64)>> = series
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let v = (*v)?;
                let x = i as f64;
                let (x0, x1, y0) = match spec.layout {
                    Layout::Stacked => {
                        let below: f64 = spec.bars[..s_index]
                            .iter()
                            .map(|s| s.values[i].unwrap_or(0.0))
                            .sum();
                        (x - width / 2.0, x + width / 2.0, below)
                    }
                    _ => {
                        let w = width / groups;
                        let left = x - width / 2.0 + w * s_index as f64;
                        (left, left + w, 0.0)
                    }
                };
                Some(Rectangle::new([(x0, y0), (x1, y0 + v)], colour.filled()))
            })
            .collect();
        chart.draw_series(rects)?;
    }
    for (l_index, series) in spec.lines.iter().enumerate() {
        let colour = PALETTE[(spec.bars.len() + l_index) % PALETTE.len()];
        let points: Vec<(f64, f64)> = series
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(3)))?;
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, colour.filled())))?;
    }
    if let Some((value, _)) = &spec.target {
        let grey = RGBColor(90, 90, 90);
        chart.draw_series(DashedLineSeries::new(
            vec![(-0.5, *value), (n as f64 - 0.5, *value)],
            6,
            4,
            grey.stroke_width(2),
        ))?;
    }
    if let Some((series, axis)) = &spec.secondary {
        chart
            .configure_secondary_axes()
            .y_desc(axis.as_str())
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()?;
        let colour = PALETTE[5];
        let points: Vec<(f64, f64)> = series
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        chart.draw_secondary_series(LineSeries::new(points, colour.stroke_width(3)))?;
    }
    Ok(())
}

fn draw_horizontal(root: &DrawingArea<SVGBackend, Shift>, spec: &ChartSpec) -> DrawResult {
    let n = spec.categories.len().max(1);
    let mut all: Vec<&Series> = spec.bars.iter().collect();
    if let Some(m) = &spec.markers {
        all.push(m);
    }
    let x_max = max_value(&all, false, n);
    // The first category is drawn at the top; labels are wrapped onto up to three lines.
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(250)
        .build_cartesian_2d(0f64..x_max, -0.5f64..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .max_light_lines(0)
        .y_labels(0)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc(spec.y_label.as_str())
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .draw()?;
    let (base_x, base_y) = root.get_base_pixel();
    let style = TextStyle::from((FONT, 12).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (i, category) in spec.categories.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(0.0, n as f64 - 1.0 - i as f64));
        let lines = wrap(category, 36, 3);
        let first = py - base_y - 7 * (lines.len() as i32 - 1);
        for (k, line) in lines.iter().enumerate() {
            root.draw(&Text::new(
                line.clone(),
                (px - base_x - 8, first + 14 * k as i32),
                style.clone(),
            ))?;
        }
    }
    let row = |i: usize| n as f64 - 1.0 - i as f64;
    for (s_index, series) in spec.bars.iter().enumerate() {
        let colour = PALETTE[s_index % PALETTE.len()];
        let rects: Vec<Rectangle<(f64, f64)>> = series
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                v.map(|v| Rectangle::new([(0.0, row(i) - 0.35), (v, row(i) + 0.35)], colour.filled()))
            })
            .collect();
        chart.draw_series(rects)?;
    }
    if let Some(markers) = &spec.markers {
        let marks: Vec<PathElement<(f64, f64)>> = markers
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                v.map(|v| {
                    PathElement::new(
                        vec![(v, row(i) - 0.45), (v, row(i) + 0.45)],
                        BLACK.stroke_width(3),
                    )
                })
            })
            .collect();
        chart.draw_series(marks)?;
    }
    Ok(())
}

pub(super) fn shorten(text: &str, max: usize) -> String {
    truncate_text(text, max)
}

/// A plain-language description of the chart from the values it shows.
pub(crate) fn alt_text(spec: &ChartSpec) -> String {
    let kind = match spec.layout {
        Layout::Grouped | Layout::Stacked => "Bar chart",
        Layout::Horizontal => "Horizontal bar chart",
        Layout::Lines => "Line chart",
    };
    let names: Vec<&str> = spec
        .bars
        .iter()
        .chain(spec.lines.iter())
        .map(|s| s.name.as_str())
        .collect();
    let mut text = format!("{kind}: {}. ", spec.title);
    if !names.is_empty() {
        text.push_str(&format!("Series: {}. ", names.join(", ")));
    }
    if let (Some(first), Some(last)) = (spec.categories.first(), spec.categories.last()) {
        text.push_str(&format!(
            "{} categories, from {first} to {last}. ",
            spec.categories.len()
        ));
    }
    for s in spec.bars.iter().chain(spec.lines.iter()) {
        let best = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (v, i)))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((v, i)) = best {
            let unit = if spec.percent { "%" } else { "" };
            text.push_str(&format!(
                "Highest {}: {} ({}{unit}). ",
                s.name,
                spec.categories.get(i).cloned().unwrap_or_default(),
                format_value(v)
            ));
        }
    }
    text.push_str("The figures are in the table that follows.");
    text
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(values: &[Option<f64>]) -> Vec<Cell> {
        values.iter().map(|v| Cell::Number(*v)).collect()
    }

    /// Draws `spec` for an edition, its counts registered in `l`.
    fn drawn(spec: &ChartSpec, l: &Ledger, edition: Edition) -> Chart {
        let s = Suppression::default();
        let d = l.disclose(&spec.figures(edition, &s, l), edition, &s);
        draw(spec, "Month", edition, &s, &d).unwrap()
    }

    fn spec_in(l: &mut Ledger) -> ChartSpec {
        let mut s = ChartSpec::new(
            "c1",
            "Complaints received",
            vec!["Apr".into(), "May".into(), "Jun".into()],
            Layout::Grouped,
            "Complaints",
        );
        let mut counts = |name: &str, values: &[u64]| {
            Series::counts(
                name,
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| l.count(format!("{name}{i}"), *v)),
            )
        };
        s.bars = vec![counts("Stage 1", &[10, 12, 0]), counts("Stage 2", &[2, 3, 1])];
        s.lines = vec![Series::new(
            "Last year",
            numbers(&[Some(9.0), Some(11.0), Some(8.0)]),
        )];
        s.target = Some((15.0, "Target".into()));
        s
    }

    #[test]
    fn charts_are_deterministic_and_use_the_embedded_font() {
        let mut l = Ledger::default();
        let spec = spec_in(&mut l);
        let a = drawn(&spec, &l, Edition::Board);
        let b = drawn(&spec, &l, Edition::Board);
        assert_eq!(a.svg, b.svg);
        assert!(a.svg.contains("font-family=\"Inter\""), "{}", &a.svg[..400]);
        assert!(!a.svg.contains("sans-serif"));
        assert!(a.svg.contains("Stage 1"));
    }

    #[test]
    fn web_edition_leaves_out_small_counts_and_shows_them_suppressed_in_the_table() {
        let mut l = Ledger::default();
        let spec = spec_in(&mut l);
        let web = drawn(&spec, &l, Edition::Web);
        assert_eq!(web.table.header, ["Month", "Stage 1", "Stage 2", "Last year"]);
        assert_eq!(web.table.rows[0], ["Apr", "10", "<5", "9.0"]);
        assert!(!web.alt.contains("Highest Stage 2"), "{}", web.alt);
        let board = drawn(&spec, &l, Edition::Board);
        assert_eq!(board.table.rows[0], ["Apr", "10", "2", "9.0"]);
        assert_eq!(board.table.rows[2], ["Jun", "0", "1", "8.0"]);
    }

    #[test]
    fn every_series_colour_has_3_to_1_contrast_against_white() {
        let channel = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        for RGBColor(r, g, b) in PALETTE {
            let lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
            assert!(1.05 / (lum + 0.05) >= 3.0, "{r},{g},{b}");
        }
    }

    #[test]
    fn alt_text_describes_the_data() {
        let mut l = Ledger::default();
        let spec = spec_in(&mut l);
        let alt = drawn(&spec, &l, Edition::Board).alt;
        assert!(alt.starts_with("Bar chart: Complaints received."));
        assert!(alt.contains("Highest Stage 1: May (12)"), "{alt}");
        assert!(alt.contains("3 categories, from Apr to Jun"));
    }

    /// (x, text) of every label in an SVG drawn by plotters.
    fn svg_texts(svg: &str) -> Vec<(f64, String)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let x = t["x=\"".len()..].split('"').next().unwrap().parse().unwrap();
                let body = t.split_once('>').unwrap().1.split("</text>").next().unwrap();
                (x, body.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn second_axis_labels_are_alone_on_the_right_and_the_grid_has_major_lines_only() {
        let mut l = Ledger::default();
        let mut s = spec_in(&mut l);
        s.layout = Layout::Stacked;
        s.secondary = Some((
            Series::new("Median days", numbers(&[Some(9.0), Some(10.5), None])),
            "Working days".into(),
        ));
        let svg = drawn(&s, &l, Edition::Board).svg;
        // The primary axis counts complaints ("0", "2", …); the second shows days ("0.0", "2.0", …).
        let right: Vec<String> = svg_texts(&svg)
            .into_iter()
            .filter(|(x, _)| *x > 800.0)
            .map(|(_, t)| t)
            .collect();
        assert!(right.iter().any(|t| t == "10.0"), "{right:?}");
        assert!(
            right
                .iter()
                .all(|t| t.contains('.') || t == "Working days" || t.chars().any(char::is_alphabetic)),
            "primary labels drawn on the right: {right:?}"
        );
        // Minor grid lines (plotters draws them at opacity 0.1, every few pixels) are left out.
        assert!(!svg.contains("opacity=\"0.1\""));
        assert!(svg.contains("<line opacity=\"0.2\""));
    }

    #[test]
    fn every_layout_draws() {
        for layout in [Layout::Stacked, Layout::Horizontal, Layout::Lines] {
            let mut l = Ledger::default();
            let mut s = spec_in(&mut l);
            s.layout = layout;
            s.markers = Some(Series::new("Last year", numbers(&[Some(5.0), None, Some(2.0)])));
            s.secondary = (layout == Layout::Stacked).then(|| {
                (
                    Series::new("Days", numbers(&[Some(9.0), Some(10.5), None])),
                    "Working days".into(),
                )
            });
            assert!(drawn(&s, &l, Edition::Web).svg.starts_with("<svg"));
        }
    }
}

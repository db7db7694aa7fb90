//! Chart legends, drawn in a band above the plot so they never cover data.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{ChartSpec, DrawResult, FONT, LEGEND_ROW, PALETTE, shorten};

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Bar,
    Line,
    Dashed,
    Tick,
}

fn legend_entries(spec: &ChartSpec) -> Vec<(String, RGBColor, Swatch)> {
    let mut entries = Vec::new();
    for (i, s) in spec.bars.iter().enumerate() {
        entries.push((s.name.clone(), PALETTE[i % PALETTE.len()], Swatch::Bar));
    }
    for (i, s) in spec.lines.iter().enumerate() {
        entries.push((
            s.name.clone(),
            PALETTE[(spec.bars.len() + i) % PALETTE.len()],
            Swatch::Line,
        ));
    }
    if let Some((_, label)) = &spec.target {
        entries.push((label.clone(), RGBColor(90, 90, 90), Swatch::Dashed));
    }
    if let Some((s, _)) = &spec.secondary {
        entries.push((s.name.clone(), PALETTE[5], Swatch::Line));
    }
    if let Some(m) = &spec.markers {
        entries.push((m.name.clone(), BLACK, Swatch::Tick));
    }
    entries
}

/// The legend, in a band above the plot so it never covers data.
pub(super) fn draw_legend(area: &DrawingArea<SVGBackend, Shift>, spec: &ChartSpec) -> DrawResult {
    let entries = &legend_entries(spec);
    let style = TextStyle::from((FONT, 13).into_font()).color(&BLACK);
    let (mut x, y) = (70i32, (LEGEND_ROW / 2 + 4) as i32);
    for (name, colour, swatch) in entries {
        match swatch {
            Swatch::Bar => area.draw(&Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled()))?,
            Swatch::Line => area.draw(&PathElement::new(
                vec![(x, y), (x + 16, y)],
                colour.stroke_width(3),
            ))?,
            Swatch::Dashed => {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 6, y)],
                    colour.stroke_width(2),
                ))?;
                area.draw(&PathElement::new(
                    vec![(x + 10, y), (x + 16, y)],
                    colour.stroke_width(2),
                ))?;
            }
            Swatch::Tick => area.draw(&PathElement::new(
                vec![(x + 6, y - 7), (x + 6, y + 7)],
                colour.stroke_width(3),
            ))?,
        }
        let label = shorten(name, 40);
        area.draw(&Text::new(label.clone(), (x + 22, y - 7), style.clone()))?;
        x += 22 + 8 * label.chars().count() as i32 + 24;
    }
    Ok(())
}

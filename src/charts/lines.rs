//! Line charts as the trends draw them: a strip's axes, its line (broken where nothing was
//! measured), its points (hollow where too few stories to judge), its dashed target, its name
//! with a swatch of its line, and each week's count under the x axis.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::trend::Look;

pub(super) fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

/// The grey of counts and axis words: dark enough to read on white (7:1).
const MUTED: RGBColor = RGBColor(0x4a, 0x4a, 0x4a);

pub(super) fn week_label(weeks: &[String], every: usize, x: f64) -> String {
    let i = x.round();
    let n = weeks.len();
    // Label the latest week and every `every`th before it, so the newest is always named.
    if (x - i).abs() > 1e-6
        || i < 0.0
        || i as usize >= n
        || !(n - 1 - i as usize).is_multiple_of(every)
    {
        return String::new();
    }
    weeks[i as usize].clone()
}

/// The y axis of a line chart: its range, how many labels, and how a label reads.
pub(super) struct Scale {
    pub(super) range: (f64, f64),
    pub(super) labels: usize,
    pub(super) label: fn(f64) -> String,
}

/// A line as drawn: its colour and marker, a point per x (None breaks the line), which points
/// are hollow (too few stories to judge), and an optional dashed target with its label.
pub(super) struct Series {
    pub(super) colour: (u8, u8, u8),
    pub(super) marker: Marker,
    pub(super) values: Vec<Option<f64>>,
    pub(super) hollow: Vec<bool>,
    pub(super) target: Option<(f64, String)>,
}

/// What a strip draws besides its line: the x axis's labels (the bottom strip only), the
/// counts under them, and a heading with a swatch of the line.
#[derive(Clone, Copy, Default)]
pub(super) struct Frame<'a> {
    pub(super) x_labels: bool,
    pub(super) counts: Option<&'a [usize]>,
    pub(super) heading: Option<&'a str>,
    /// The width left of the plot for the strips' names, the same for every strip.
    pub(super) names: u32,
}

/// The shape of a line's points, so that lines are told apart without their colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

impl Marker {
    /// The `i`th line's marker.
    pub fn nth(i: usize) -> Self {
        [Self::Circle, Self::Square, Self::Triangle, Self::Diamond][i % 4]
    }

    /// The marker as a character, for a key beside the chart.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Circle => "●",
            Self::Square => "■",
            Self::Triangle => "▲",
            Self::Diamond => "◆",
        }
    }
}

/// How many rows the counts under the weeks take: one, or two (alternate weeks) where the
/// weeks are too close for their numbers side by side.
/// `sides`: the width left and right of the plot.
pub(super) fn count_rows(look: Look, weeks: usize, counts: &[usize], sides: u32) -> u32 {
    let plot = look.size.0.saturating_sub(look.font + sides);
    let spacing = plot / weeks.max(1) as u32;
    let digits = counts.iter().max().map_or(1, |c| c.to_string().len()) as u32;
    // A digit is drawn about 0.45 of the font size wide, and wants a little room around it.
    if spacing * 20 >= look.font * (9 * digits + 6) {
        1
    } else {
        2
    }
}

/// The height under a chart for the x axis's labels, and the counts under them if any.
pub(super) fn x_axis_height(look: Look, n: usize, counts: Option<&[usize]>, sides: u32) -> u32 {
    let labels = look.font * 3 / 2;
    match counts {
        Some(counts) => {
            labels + count_rows(look, n, counts, sides) * look.font * 6 / 5 + look.font / 4
        }
        None => labels,
    }
}

pub(super) fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    xs: &[String],
    lines: &[Series],
    scale: &Scale,
    look: Look,
    frame: Frame,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let n = xs.len().max(1);
    let label_font = ("sans-serif", look.font).into_font().color(&BLACK);
    // Room on the right for the targets' labels, when there are targets (and for "stories"
    // after the counts, without strip names to put it under).
    let right = match (lines.iter().any(|l| l.target.is_some()), frame.heading) {
        (true, Some(_)) => look.font * 3,
        (true, None) => look.font * 5,
        (false, _) => look.font,
    };
    let left = if frame.heading.is_some() {
        frame.names
    } else {
        look.font * 3
    };
    let x_area = if frame.x_labels {
        x_axis_height(look, n, frame.counts, left + right)
    } else {
        0
    };
    let mut chart = ChartBuilder::on(area)
        .margin(look.font / 2)
        // Room above 100 % for half of its label, or of a target's.
        .margin_top(look.font / 2)
        .margin_bottom(look.font / 4)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(left)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), scale.range.0..scale.range.1)?;
    let every = look.every.max(1);
    let x_label = |x: &f64| week_label(xs, every, *x);
    let y_label = |y: &f64| (scale.label)(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(if frame.x_labels { n } else { 0 })
        .x_label_formatter(&x_label)
        .y_labels(scale.labels)
        .y_label_formatter(&y_label)
        .label_style(label_font.clone())
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x61, 0x60, 0x61))
        .draw()?;
    if let Some(heading) = frame.heading {
        // The strip's name left of it, in two lines broken at the middle space, under a swatch
        // of its line: the legend, where the line is; a light line at 100 % and the baseline.
        chart.draw_series(LineSeries::new(
            [(-0.5, 100.0), (n as f64 - 0.5, 100.0)],
            RGBColor(0xdd, 0xdd, 0xdd).stroke_width(2),
        ))?;
        chart.draw_series(LineSeries::new(
            [(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
            RGBColor(0x61, 0x60, 0x61).stroke_width(2),
        ))?;
        let colour = lines.first().map_or(BLACK, |l| rgb(l.colour));
        let base = area.get_base_pixel();
        let (_, top) = chart.backend_coord(&(-0.5, scale.range.1));
        let (_, bottom) = chart.backend_coord(&(-0.5, scale.range.0));
        let x = (look.font / 3) as i32;
        let middle = (top + bottom) / 2 - base.1;
        let y = middle - (look.font / 3) as i32;
        area.draw(&Text::new(
            heading.to_owned(),
            (x, y),
            ("sans-serif", look.font)
                .into_font()
                .style(FontStyle::Bold)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let under = y + (look.font * 4 / 5) as i32;
        area.draw(&PathElement::new(
            vec![(x, under), (x + (look.font * 3) as i32, under)],
            colour.stroke_width(look.stroke),
        ))?;
    }
    if let Some(counts) = frame.counts {
        // Each week's number of stories, under its label; alternate weeks take a second row
        // where the weeks are too close.
        let rows = count_rows(look, n, counts, left + right);
        let base = area.get_base_pixel();
        let font = ("sans-serif", look.font)
            .into_font()
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (i, count) in counts.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, scale.range.0));
            let row = if rows > 1 { (n - 1 - i) % 2 } else { 0 } as u32;
            let y = y - base.1 + (look.font * 3 / 2 + row * look.font * 6 / 5) as i32;
            area.draw(&Text::new(count.to_string(), (x - base.0, y), font.clone()))?;
        }
        // What the numbers are: under the strips' names, else after the newest week's.
        let row = if rows > 1 { look.font * 6 / 5 } else { 0 };
        let (x, anchor) = if frame.heading.is_some() {
            ((look.font / 3) as i32, HPos::Left)
        } else {
            let (x, _) = chart.backend_coord(&(n as f64 - 0.5, scale.range.0));
            (x - base.0 + (look.font / 3) as i32, HPos::Left)
        };
        let (_, y) = chart.backend_coord(&(0.0, scale.range.0));
        area.draw(&Text::new(
            "stories".to_owned(),
            (x, y - base.1 + (look.font * 3 / 2 + row) as i32),
            ("sans-serif", look.font)
                .into_font()
                .color(&MUTED)
                .pos(Pos::new(anchor, VPos::Top)),
        ))?;
    }
    for line in lines {
        let colour = rgb(line.colour);
        if let Some((y, label)) = &line.target {
            let y = *y;
            chart.draw_series(DashedLineSeries::new(
                [(-0.5, y), (n as f64 - 0.5, y)],
                look.stroke * 3,
                look.stroke * 2,
                colour.stroke_width(look.stroke.div_ceil(2)),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                label.clone(),
                (n as f64 - 0.35, y),
                ("sans-serif", look.font)
                    .into_font()
                    .color(&colour)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            )))?;
        }
        // A point with nothing to measure breaks the line rather than dropping to zero.
        let points: Vec<Option<(f64, f64)>> = line
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        let r = (look.stroke + 2) as i32;
        for run in points.split(Option::is_none) {
            let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
            if run.len() > 1 {
                chart.draw_series(LineSeries::new(
                    run.clone(),
                    colour.stroke_width(look.stroke),
                ))?;
            }
            let hollow = |p: &(f64, f64)| line.hollow.get(p.0 as usize).copied().unwrap_or(false);
            let (open, solid): (Vec<_>, Vec<_>) = run.into_iter().partition(hollow);
            // A week of too few stories: a white point ringed in the line's colour.
            let ring = look.stroke + 3;
            chart.draw_series(open.iter().map(|p| Circle::new(*p, ring, WHITE.filled())))?;
            chart.draw_series(open.iter().map(|p| {
                Circle::new(
                    *p,
                    ring,
                    colour.stroke_width(look.stroke.div_ceil(2).max(2)),
                )
            }))?;
            let style = colour.filled();
            match line.marker {
                Marker::Circle => chart.draw_series(
                    solid
                        .into_iter()
                        .map(|p| Circle::new(p, look.stroke + 2, style)),
                )?,
                Marker::Square => chart.draw_series(solid.into_iter().map(|p| {
                    EmptyElement::at(p) + Rectangle::new([(-r + 1, -r + 1), (r - 1, r - 1)], style)
                }))?,
                Marker::Triangle => chart.draw_series(solid.into_iter().map(|p| {
                    EmptyElement::at(p)
                        + Polygon::new(vec![(0, -r - 1), (r + 1, r - 1), (-r - 1, r - 1)], style)
                }))?,
                Marker::Diamond => chart.draw_series(solid.into_iter().map(|p| {
                    EmptyElement::at(p)
                        + Polygon::new(
                            vec![(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
                            style,
                        )
                }))?,
            };
        }
    }
    Ok(())
}

//! Trend charts: shares in percent week by week against their target lines, counts of stories
//! stacked by customer kind, and report card averages month by month on the 1–5 scale.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Svg;

/// One measure drawn as a line: its share each week (None: nothing to measure that week).
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: (u8, u8, u8),
    pub values: &'a [Option<u32>],
    pub target: Option<u8>,
}

/// One series of counts stacked in the bars.
pub struct Stack<'a> {
    pub colour: (u8, u8, u8),
    pub values: &'a [usize],
}

/// How big a chart is drawn: its pixel size (the page scales it), and its text and lines.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub size: (u32, u32),
    pub font: u32,
    pub stroke: u32,
    /// Label every `every`th week on the x axis.
    pub every: usize,
}

impl Look {
    /// For a page read at a desk.
    pub const PAGE: Look = Look {
        size: (960, 300),
        font: 18,
        stroke: 3,
        every: 4,
    };
    /// For a phone: fewer, larger labels.
    pub const PHONE: Look = Look {
        size: (480, 320),
        font: 20,
        stroke: 3,
        every: 8,
    };
    /// For a screen read from across a room.
    pub const WALL: Look = Look {
        size: (1100, 440),
        font: 28,
        stroke: 7,
        every: 2,
    };
}

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

fn week_label(weeks: &[String], every: usize, x: f64) -> String {
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

/// Shares in percent, one line per measure, each with its target as a dashed line.
pub fn percentages(
    id: &str,
    title: &str,
    desc: &str,
    weeks: &[String],
    lines: &[Line],
    look: Look,
) -> Svg {
    let out = drawn(look, |root| draw_percentages(root, weeks, lines, look));
    Svg::new(&out, id, title, desc)
}

/// The SVG text `draw` leaves on a canvas of `look`'s size.
fn drawn(
    look: Look,
    draw: impl FnOnce(
        &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>>,
) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, look.size).into_drawing_area();
        draw(&root).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    out
}

/// The y axis of a line chart: its range, how many labels, and how a label reads.
struct Scale {
    range: (f64, f64),
    labels: usize,
    label: fn(f64) -> String,
}

/// A line as drawn: its colour and marker, a point per x (None breaks the line), and an
/// optional dashed target with its label.
struct Series {
    colour: (u8, u8, u8),
    marker: Marker,
    values: Vec<Option<f64>>,
    target: Option<(f64, String)>,
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

fn draw_percentages<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    weeks: &[String],
    lines: &[Line],
    look: Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let series: Vec<Series> = lines
        .iter()
        .map(|line| Series {
            colour: line.colour,
            marker: Marker::Circle,
            values: line.values.iter().map(|v| v.map(f64::from)).collect(),
            target: line.target.map(|t| (f64::from(t), format!("{t} %"))),
        })
        .collect();
    let scale = Scale {
        range: (0.0, 100.0),
        labels: 6,
        label: |y| format!("{y:.0} %"),
    };
    draw_lines(root, weeks, &series, &scale, look)
}

fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    xs: &[String],
    lines: &[Series],
    scale: &Scale,
    look: Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = xs.len().max(1);
    let label_font = ("sans-serif", look.font).into_font().color(&BLACK);
    // Room on the right for the targets' labels, when there are targets.
    let right = if lines.iter().any(|l| l.target.is_some()) {
        look.font * 5
    } else {
        look.font
    };
    let mut chart = ChartBuilder::on(root)
        .margin(look.font / 2)
        .margin_right(right)
        .x_label_area_size(look.font * 2)
        .y_label_area_size(look.font * 3)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), scale.range.0..scale.range.1)?;
    let every = look.every.max(1);
    let x_label = |x: &f64| week_label(xs, every, *x);
    let y_label = |y: &f64| (scale.label)(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&x_label)
        .y_labels(scale.labels)
        .y_label_formatter(&y_label)
        .label_style(label_font.clone())
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x61, 0x60, 0x61))
        .draw()?;
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
                (n as f64 - 0.4, y),
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
            let style = colour.filled();
            match line.marker {
                Marker::Circle => chart.draw_series(
                    run.into_iter()
                        .map(|p| Circle::new(p, look.stroke + 2, style)),
                )?,
                Marker::Square => chart.draw_series(run.into_iter().map(|p| {
                    EmptyElement::at(p) + Rectangle::new([(-r + 1, -r + 1), (r - 1, r - 1)], style)
                }))?,
                Marker::Triangle => chart.draw_series(run.into_iter().map(|p| {
                    EmptyElement::at(p)
                        + Polygon::new(vec![(0, -r - 1), (r + 1, r - 1), (-r - 1, r - 1)], style)
                }))?,
                Marker::Diamond => chart.draw_series(run.into_iter().map(|p| {
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

/// One deliverable of a report card drawn as a line: its average each month (None: no round
/// closed, or too few answers to show).
pub struct Averages<'a> {
    pub colour: (u8, u8, u8),
    pub marker: Marker,
    pub values: &'a [Option<f64>],
}

/// Averages on the 1–5 scale, one line per deliverable (the page gives the key).
pub fn ratings(
    id: &str,
    title: &str,
    desc: &str,
    months: &[String],
    lines: &[Averages],
    look: Look,
) -> Svg {
    let series: Vec<Series> = lines
        .iter()
        .map(|line| Series {
            colour: line.colour,
            marker: line.marker,
            values: line.values.to_vec(),
            target: None,
        })
        .collect();
    // A little room above 5 and below 1, so that a point on either is drawn whole.
    let scale = Scale {
        range: (0.75, 5.25),
        labels: 5,
        label: |y| {
            if y.fract() == 0.0 {
                format!("{y:.0}")
            } else {
                String::new()
            }
        },
    };
    let out = drawn(look, |root| draw_lines(root, months, &series, &scale, look));
    Svg::new(&out, id, title, desc)
}

/// Counts per week as stacked bars (the page gives the legend).
pub fn stacked_counts(
    id: &str,
    title: &str,
    desc: &str,
    weeks: &[String],
    stacks: &[Stack],
    look: Look,
) -> Svg {
    let out = drawn(look, |root| draw_stacks(root, weeks, stacks, look));
    Svg::new(&out, id, title, desc)
}

fn draw_stacks<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    weeks: &[String],
    stacks: &[Stack],
    look: Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let n = weeks.len().max(1);
    let totals: Vec<usize> = (0..n)
        .map(|i| {
            stacks
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    // Whole numbers on the axis: at least 4, rounded up to an even top.
    let top = totals
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(4)
        .next_multiple_of(2) as f64;
    let label_font = ("sans-serif", look.font).into_font().color(&BLACK);
    let mut chart = ChartBuilder::on(root)
        .margin(look.font / 2)
        .margin_right(look.font * 5)
        .x_label_area_size(look.font * 2)
        .y_label_area_size(look.font * 3)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)?;
    let every = look.every.max(1);
    let x_label = |x: &f64| week_label(weeks, every, *x);
    let y_label = |y: &f64| {
        if y.fract() == 0.0 {
            format!("{y:.0}")
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&x_label)
        .y_labels(5)
        .y_label_formatter(&y_label)
        .label_style(label_font.clone())
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x61, 0x60, 0x61))
        .draw()?;
    let mut base = vec![0usize; n];
    for stack in stacks {
        let colour = rgb(stack.colour);
        let bars: Vec<Rectangle<(f64, f64)>> = (0..n)
            .filter_map(|i| {
                let v = stack.values.get(i).copied().unwrap_or(0);
                let from = base[i];
                base[i] += v;
                (v > 0).then(|| {
                    Rectangle::new(
                        [
                            (i as f64 - 0.35, from as f64),
                            (i as f64 + 0.35, (from + v) as f64),
                        ],
                        colour.filled(),
                    )
                })
            })
            .collect();
        chart.draw_series(bars)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(n: usize) -> Vec<String> {
        (1..=n).map(|w| format!("W{w:02}")).collect()
    }

    #[test]
    fn a_trend_draws_its_target_and_labels_the_latest_week() {
        let values = [Some(50), None, Some(100), Some(75)];
        let svg = percentages(
            "t",
            "Recovered within 24 h",
            "4 weeks",
            &weeks(4),
            &[Line {
                label: "Recovered within 24 h",
                colour: super::super::RECOVERED,
                values: &values,
                target: Some(90),
            }],
            Look {
                every: 2,
                ..Look::PAGE
            },
        );
        let text = svg.as_str();
        assert!(text.contains(">\n90 %\n</text>"), "{text}");
        assert!(text.contains(">\nW04\n</text>") && text.contains(">\nW02\n</text>"));
        assert!(!text.contains(">\nW03\n</text>"));
        // Three points, and a line only where weeks follow one another.
        assert_eq!(text.matches("<circle").count(), 3);
        assert_eq!(
            text.matches(
                "<polyline fill=\"none\" opacity=\"1\" stroke=\"#1264A3\" stroke-width=\"3\""
            )
            .count(),
            1
        );
        assert!(!text.contains("style="), "presentation attributes only");
    }

    #[test]
    fn ratings_draw_a_line_per_deliverable_broken_where_a_month_is_not_shown() {
        let leads = [Some(4.0), Some(3.5), None, Some(4.5), Some(5.0)];
        let prices = [Some(2.0), Some(2.5), Some(3.0), Some(1.0), None];
        let svg = ratings(
            "r",
            "Marketing",
            "5 months",
            &weeks(5),
            &[
                Averages {
                    colour: super::super::SERIES[0],
                    marker: Marker::nth(0),
                    values: &leads,
                },
                Averages {
                    colour: super::super::SERIES[1],
                    marker: Marker::nth(1),
                    values: &prices,
                },
            ],
            Look {
                every: 1,
                ..Look::PAGE
            },
        );
        let text = svg.as_str();
        let polyline = |colour: &str| {
            text.matches(&format!(
                "<polyline fill=\"none\" opacity=\"1\" stroke=\"{colour}\""
            ))
            .count()
        };
        // Leads: two runs around the gap; prices: one run of four.
        assert_eq!(polyline("#1264A3"), 2, "{text}");
        assert_eq!(polyline("#B7591F"), 1);
        assert_eq!(text.matches("<circle").count(), 4);
        assert_eq!(
            text.matches("<rect").count() - 1,
            4,
            "squares, and the background"
        );
        // The 1–5 scale, whole points only.
        for point in 1..=5 {
            assert!(text.contains(&format!(">\n{point}\n</text>")), "{point}");
        }
        assert!(!text.contains(">\n0\n</text>") && !text.contains(">\n1.5\n</text>"));
        assert!(!text.contains("style="), "presentation attributes only");
    }

    #[test]
    fn stacked_counts_draw_one_bar_per_kind_and_week_with_stories() {
        let svg = stacked_counts(
            "s",
            "Stories",
            "3 weeks",
            &weeks(3),
            &[
                Stack {
                    colour: super::super::INTERNAL,
                    values: &[1, 0, 2],
                },
                Stack {
                    colour: super::super::EXTERNAL,
                    values: &[0, 0, 3],
                },
            ],
            Look::PAGE,
        );
        let text = svg.as_str();
        // One bar per kind and week with stories of that kind.
        assert_eq!(text.matches("fill=\"#8A4BAF\"").count(), 2, "{text}");
        assert_eq!(text.matches("fill=\"#1264A3\"").count(), 1);
    }
}

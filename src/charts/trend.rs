//! Trend charts: shares in percent week by week against their target lines, counts of stories
//! stacked by customer kind, and report card averages month by month on the 1–5 scale.
use plotters::prelude::*;

use super::Svg;
pub use super::lines::Marker;
use super::lines::{Frame, Scale, Series, draw_lines, rgb, week_label, x_axis_height};

/// One measure drawn as a line: its share each week (None: nothing to measure that week).
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: (u8, u8, u8),
    pub values: &'a [Option<u32>],
    pub target: Option<u8>,
}

/// The weeks of a trend of shares: their labels, how many stories each share is of (written
/// under each week), and the fewest stories for a week's share to be judged: a week with fewer
/// is drawn as a hollow point, so that one story's 0 or 100 % does not pass for a result.
pub struct Weeks<'a> {
    pub labels: &'a [String],
    pub counts: &'a [usize],
    pub min_sample: usize,
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
        size: (960, 320),
        font: 18,
        stroke: 3,
        every: 4,
    };
    /// For a phone: fewer, larger labels.
    pub const PHONE: Look = Look {
        size: (480, 340),
        font: 20,
        stroke: 3,
        every: 8,
    };
    /// For a screen read from across a room: one strip per measure.
    pub const WALL: Look = Look {
        size: (1000, 480),
        font: 46,
        stroke: 7,
        every: 2,
    };
}

/// Shares in percent, each measure in a strip of its own (named on its left, when there are
/// several, over a swatch of its line: keep such names short), with its own dashed target line in its colour, so that no line hides
/// another; under the weeks, how many stories each week had.
pub fn percentages(
    id: &str,
    title: &str,
    desc: &str,
    weeks: &Weeks,
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

fn draw_percentages<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    weeks: &Weeks,
    lines: &[Line],
    look: Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let several = lines.len() > 1;
    let (_, height) = root.dim_in_pixel();
    let sides = if several {
        look.font * 3 + names_width(look, lines)
    } else {
        look.font * 8
    };
    let axis = x_axis_height(look, weeks.labels.len(), Some(weeks.counts), sides);
    let strip = (height.saturating_sub(axis) / lines.len().max(1) as u32).max(1);
    // With several strips, each is named where the y axis's labels would be (its target's
    // label gives the scale), so that the name takes no height from the line.
    let scale = Scale {
        range: (0.0, 100.0),
        labels: if several { 0 } else { 6 },
        label: |y| format!("{y:.0} %"),
    };
    let names = names_width(look, lines);
    let mut rest = root.clone();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let area = if last {
            rest.clone()
        } else {
            let (area, below) = rest.split_vertically(strip);
            rest = below;
            area
        };
        let series = Series {
            colour: line.colour,
            marker: Marker::Circle,
            values: line.values.iter().map(|v| v.map(f64::from)).collect(),
            hollow: weeks.counts.iter().map(|c| *c < weeks.min_sample).collect(),
            target: line.target.map(|t| (f64::from(t), format!("{t} %"))),
        };
        let frame = Frame {
            x_labels: last,
            counts: last.then_some(weeks.counts),
            heading: several.then_some(line.label),
            names,
        };
        draw_lines(&area, weeks.labels, &[series], &scale, look, frame)?;
    }
    Ok(())
}

/// The width left of strips for their names: wide enough for the longest (plotters draws text
/// at 1/1.24 of the size asked, and a bold letter is about 0.6 of that wide).
fn names_width(look: Look, lines: &[Line]) -> u32 {
    let longest = lines.iter().map(|l| l.label.chars().count()).max();
    longest.map_or(0, |c| (c as u32 + 2) * look.font / 2)
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
            hollow: Vec::new(),
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
    let frame = Frame {
        x_labels: true,
        ..Frame::default()
    };
    let out = drawn(look, |root| {
        draw_lines(root, months, &series, &scale, look, frame)
    });
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
            &Weeks {
                labels: &weeks(4),
                counts: &[6, 0, 7, 8],
                min_sample: 5,
            },
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
        // Each week's count under it, the empty week's too; no strip heading for one line.
        for count in ["6", "0", "7", "8", "stories"] {
            assert!(text.contains(&format!(">\n{count}\n</text>")), "{count}");
        }
        assert!(!text.contains(">\nRecovered within 24 h\n</text>"));
        assert!(!text.contains("style="), "presentation attributes only");
    }

    #[test]
    fn a_week_of_too_few_stories_is_a_hollow_point_and_each_measure_has_its_strip_and_target() {
        let recovered = [Some(100), Some(50), Some(80)];
        let surprised = [Some(100), Some(50), Some(80)];
        let svg = percentages(
            "t",
            "Trend",
            "3 weeks",
            &Weeks {
                labels: &weeks(3),
                counts: &[1, 2, 5],
                min_sample: 5,
            },
            &[
                Line {
                    label: "Recovered within 24 h",
                    colour: super::super::RECOVERED,
                    values: &recovered,
                    target: Some(90),
                },
                Line {
                    label: "Surprise given",
                    colour: super::super::SURPRISED,
                    values: &surprised,
                    target: Some(80),
                },
            ],
            Look::WALL,
        );
        let text = svg.as_str();
        // Per line: two hollow weeks (a white disc and a ring) and one solid point.
        let circles = |colour: &str, fill: &str| {
            text.lines()
                .filter(|l| l.starts_with("<circle") && l.contains(fill) && l.contains(colour))
                .count()
        };
        assert_eq!(text.matches("<circle").count(), 2 * (2 * 2 + 1), "{text}");
        assert_eq!(circles("#FFFFFF", "fill=\"#FFFFFF\""), 4);
        for colour in ["#1264A3", "#9C4A10"] {
            assert_eq!(circles(colour, "fill=\"none\""), 2, "{colour} rings");
            assert_eq!(
                circles(colour, &format!("fill=\"{colour}\"")),
                1,
                "{colour} point"
            );
        }
        // Each strip is named, with its own target in its own colour; the same values in both
        // strips do not hide one another.
        for heading in ["Recovered within 24 h", "Surprise given", "90 %", "80 %"] {
            assert!(
                text.contains(&format!(">\n{heading}\n</text>")),
                "{heading}"
            );
        }
        assert_eq!(text.matches(">\nW03\n</text>").count(), 1, "one x axis");
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

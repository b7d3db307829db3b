//! A half-ring gauge: a share against its target, with the figure large in its middle, made to
//! be read from across a room.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Svg;

const WIDTH: u32 = 400;
const HEIGHT: u32 = 250;
const RING: u32 = 44;

/// On target, and below it (a word says which, too: colour is not the only cue).
const ON_TARGET: RGBColor = RGBColor(0x2f, 0x85, 0x5a);
const BELOW_TARGET: RGBColor = RGBColor(0xc0, 0x56, 0x21);
const TRACK: RGBColor = RGBColor(0xe2, 0xe2, 0xe2);

/// A gauge of `value` (None: nothing measured) against `target`, both in percent.
pub fn gauge(id: &str, title: &str, value: Option<u32>, target: u8) -> Svg {
    let desc = match value {
        Some(v) => format!(
            "{v} % against a target of {target} %: {}.",
            if v >= u32::from(target) {
                "on target"
            } else {
                "below target"
            }
        ),
        None => format!("Nothing to measure yet; the target is {target} %."),
    };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, value, target).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    Svg::new(&out, id, title, &desc)
}

/// The point at `share` (0 to 1) along the half ring, from the left end over the top.
fn at(share: f64, radius: f64) -> (i32, i32) {
    let angle = std::f64::consts::PI * (1.0 - share.clamp(0.0, 1.0));
    let (cx, cy) = (f64::from(WIDTH) / 2.0, f64::from(HEIGHT) - 40.0);
    (
        (cx + radius * angle.cos()).round() as i32,
        (cy - radius * angle.sin()).round() as i32,
    )
}

fn arc(to: f64, radius: f64) -> Vec<(i32, i32)> {
    let steps = (to * 90.0).ceil().max(1.0) as usize;
    (0..=steps)
        .map(|i| at(to * i as f64 / steps as f64, radius))
        .collect()
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    value: Option<u32>,
    target: u8,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let radius = f64::from(WIDTH) / 2.0 - f64::from(RING) / 2.0 - 20.0;
    root.draw(&PathElement::new(
        arc(1.0, radius),
        TRACK.stroke_width(RING),
    ))?;
    let on_target = value.is_some_and(|v| v >= u32::from(target));
    let colour = if on_target { ON_TARGET } else { BELOW_TARGET };
    if let Some(v) = value.filter(|v| *v > 0) {
        root.draw(&PathElement::new(
            arc(f64::from(v.min(100)) / 100.0, radius),
            colour.stroke_width(RING),
        ))?;
    }
    // The target: a dark tick across the ring.
    let t = f64::from(target) / 100.0;
    let half = f64::from(RING) / 2.0 + 8.0;
    root.draw(&PathElement::new(
        vec![at(t, radius - half), at(t, radius + half)],
        BLACK.stroke_width(6),
    ))?;
    let (cx, base) = (WIDTH as i32 / 2, HEIGHT as i32 - 40);
    let figure = value.map_or_else(|| "–".to_owned(), |v| format!("{v} %"));
    root.draw(&Text::new(
        figure,
        (cx, base - 8),
        ("sans-serif", 84)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Bottom)),
    ))?;
    let caption = match value {
        Some(_) if on_target => format!("on target ({target} %)"),
        Some(_) => format!("target {target} %"),
        None => format!("no stories yet · target {target} %"),
    };
    root.draw(&Text::new(
        caption,
        (cx, base + 8),
        ("sans-serif", 36)
            .into_font()
            .color(&RGBColor(0x30, 0x30, 0x30))
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gauge_shows_its_figure_and_says_whether_it_is_on_target() {
        let below = gauge("g", "Recovered within 24 h", Some(67), 90);
        assert!(below.as_str().contains(">\n67 %\n</text>"), "{below}");
        assert!(below.as_str().contains(">\ntarget 90 %\n</text>"));
        assert!(below.as_str().contains("#C05621"));
        assert!(below.as_str().contains("below target.</desc>"));
        let on = gauge("g", "Surprise given", Some(80), 80);
        assert!(on.as_str().contains(">\non target (80 %)\n</text>"));
        assert!(on.as_str().contains("#2F855A"));
    }

    #[test]
    fn a_gauge_with_nothing_measured_says_so() {
        let none = gauge("g", "Customer blown away", None, 80);
        assert!(none.as_str().contains(">\n–\n</text>"));
        assert!(none.as_str().contains("Nothing to measure yet"));
    }

    #[test]
    fn the_ring_runs_from_left_over_the_top_to_the_right() {
        let r = 100.0;
        assert_eq!(at(0.0, r), (100, 210));
        assert_eq!(at(0.5, r), (200, 110));
        assert_eq!(at(1.0, r), (300, 210));
    }
}

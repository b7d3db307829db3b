//! A half-ring gauge: a share against its target, with the figure large in its middle, made to
//! be read from across a room.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Svg;
use crate::domain::scorecard::Share;

const WIDTH: u32 = 400;
const HEIGHT: u32 = 224;
const RING: u32 = 44;
/// Where the ring's centre sits above the bottom edge.
const FOOT: u32 = 14;

const TRACK: RGBColor = RGBColor(0xe2, 0xe2, 0xe2);

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

/// A gauge of `share` against `target` (in percent), its ring in the measure's `colour` (the
/// colour of its line in the trend; whether it is on target is said in words, beside it): a
/// percentage only from enough stories, else only the counts (`2 of 3`) in a neutral grey, and
/// the page says "too few to judge" beside it.
pub fn gauge(id: &str, title: &str, share: Share, target: u8, colour: (u8, u8, u8)) -> Svg {
    let value = share.percent();
    let desc = match (share, value) {
        (_, Some(v)) => format!(
            "{} against a target of {target} %: {}.",
            share.line(),
            if v >= u32::from(target) {
                "on target"
            } else {
                "below target"
            }
        ),
        (Share::TooFew { .. }, None) => {
            format!("{}; the target is {target} %.", capitalised(&share.line()))
        }
        _ => format!("Nothing to measure yet; the target is {target} %."),
    };
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, share, target, rgb(colour)).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    Svg::new(&out, id, title, &desc)
}

/// Whether a share met its target, in words for beside a gauge: `on target 80 %`, `below
/// target 90 %`, or just the target when there is nothing to judge (the figure and its `%`
/// kept on one line).
pub fn against(share: Share, target: u8) -> String {
    match share.percent() {
        Some(v) if v >= u32::from(target) => format!("on target {target}\u{a0}%"),
        Some(_) => format!("below target {target}\u{a0}%"),
        None => format!("target {target}\u{a0}%"),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The point at `share` (0 to 1) along the half ring, from the left end over the top.
fn at(share: f64, radius: f64) -> (i32, i32) {
    let angle = std::f64::consts::PI * (1.0 - share.clamp(0.0, 1.0));
    let (cx, cy) = (f64::from(WIDTH) / 2.0, f64::from(HEIGHT - FOOT));
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
    share: Share,
    target: u8,
    colour: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let value = share.percent();
    root.fill(&WHITE)?;
    let radius = f64::from(WIDTH) / 2.0 - f64::from(RING) / 2.0 - 12.0;
    root.draw(&PathElement::new(
        arc(1.0, radius),
        TRACK.stroke_width(RING),
    ))?;
    if let Some(v) = value.filter(|v| *v > 0) {
        root.draw(&PathElement::new(
            arc(f64::from(v.min(100)) / 100.0, radius),
            colour.stroke_width(RING),
        ))?;
    }
    // The target: a dark tick across the ring.
    let t = f64::from(target) / 100.0;
    let half = f64::from(RING) / 2.0 + 6.0;
    root.draw(&PathElement::new(
        vec![at(t, radius - half), at(t, radius + half)],
        BLACK.stroke_width(6),
    ))?;
    let (cx, base) = (WIDTH as i32 / 2, (HEIGHT - FOOT) as i32);
    let neutral = rgb(super::NEUTRAL);
    let text = |line: &str, size: u32, colour: &RGBColor, y: i32| {
        Text::new(
            line.to_owned(),
            (cx, y),
            ("sans-serif", size)
                .into_font()
                .style(FontStyle::Bold)
                .color(colour)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        )
    };
    match share {
        // No big percentage from a handful of stories: the words, in a neutral colour.
        Share::TooFew { part, whole } => {
            root.draw(&text(&format!("{part} of {whole}"), 80, &neutral, base - 4))?;
        }
        Share::Nothing => root.draw(&text("–", 100, &neutral, base - 4))?,
        Share::Judged { percent, .. } => {
            root.draw(&text(&format!("{percent} %"), 100, &BLACK, base - 4))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUE: (u8, u8, u8) = (0x12, 0x64, 0xa3);

    #[test]
    fn a_gauge_shows_its_figure_in_its_measures_colour_and_says_whether_it_is_on_target() {
        let judged = |part, whole| Share::of(part, whole, 0);
        let below = gauge("g", "Recovered within 24 h", judged(2, 3), 90, BLUE);
        assert!(below.as_str().contains(">\n67 %\n</text>"), "{below}");
        assert!(below.as_str().contains("#1264A3"));
        assert!(
            below
                .as_str()
                .contains("67 % (2 of 3) against a target of 90 %: below target.</desc>")
        );
        assert_eq!(against(judged(2, 3), 90), "below target 90\u{a0}%");
        let on = gauge("g", "Surprise given", judged(4, 5), 80, BLUE);
        assert!(on.as_str().contains("on target.</desc>"));
        assert_eq!(against(judged(4, 5), 80), "on target 80\u{a0}%");
    }

    #[test]
    fn a_gauge_with_nothing_measured_says_so() {
        let none = gauge("g", "Customer blown away", Share::Nothing, 80, BLUE);
        assert!(none.as_str().contains(">\n–\n</text>"));
        assert!(none.as_str().contains("Nothing to measure yet"));
        assert!(!none.as_str().contains("#1264A3"));
        assert_eq!(against(Share::Nothing, 80), "target 80\u{a0}%");
    }

    #[test]
    fn a_gauge_from_too_few_stories_says_so_in_a_neutral_colour() {
        let few = gauge("g", "Recovered within 24 h", Share::of(1, 2, 5), 90, BLUE);
        let svg = few.as_str();
        assert!(svg.contains(">\n1 of 2\n</text>"), "{few}");
        assert!(!svg.contains(" %\n</text>"), "no percentage");
        assert!(svg.contains("#5F6368"));
        assert!(!svg.contains("#1264A3"), "no share drawn");
        assert!(svg.contains("Too few stories to judge (2): 1 of 2; the target is 90 %."));
        assert_eq!(against(Share::of(1, 2, 5), 90), "target 90\u{a0}%");
    }

    #[test]
    fn the_ring_runs_from_left_over_the_top_to_the_right() {
        let r = 100.0;
        let base = (HEIGHT - FOOT) as i32;
        assert_eq!(at(0.0, r), (100, base));
        assert_eq!(at(0.5, r), (200, base - 100));
        assert_eq!(at(1.0, r), (300, base));
    }
}

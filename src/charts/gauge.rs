//! A half-ring gauge: a share against its target, with the figure large in its middle, made to
//! be read from across a room.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Svg;
use crate::domain::scorecard::Share;

const WIDTH: u32 = 400;
const HEIGHT: u32 = 250;
const RING: u32 = 44;

/// On target, and below it (a word says which, too: colour is not the only cue).
const ON_TARGET: RGBColor = RGBColor(0x2f, 0x85, 0x5a);
const BELOW_TARGET: RGBColor = RGBColor(0xc0, 0x56, 0x21);
const TRACK: RGBColor = RGBColor(0xe2, 0xe2, 0xe2);
/// Too few stories to judge: neither on nor below target.
const NEUTRAL: RGBColor = RGBColor(0x5f, 0x63, 0x68);

/// A gauge of `share` against `target` (in percent): a percentage only from enough stories.
pub fn gauge(id: &str, title: &str, share: Share, target: u8) -> Svg {
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
        draw(&root, share, target).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    Svg::new(&out, id, title, &desc)
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
    share: Share,
    target: u8,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let value = share.percent();
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
    if let Share::TooFew { part, whole } = share {
        // No big percentage from a handful of stories: the words, in a neutral colour.
        for (line, at) in [
            ("too few stories".to_owned(), base - 58),
            (format!("to judge ({whole})"), base - 8),
        ] {
            root.draw(&Text::new(
                line,
                (cx, at),
                ("sans-serif", 44)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(&NEUTRAL)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))?;
        }
        root.draw(&Text::new(
            format!("{part} of {whole} · target {target} %"),
            (cx, base + 8),
            ("sans-serif", 36)
                .into_font()
                .color(&RGBColor(0x30, 0x30, 0x30))
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        return Ok(());
    }
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
        let judged = |part, whole| Share::of(part, whole, 0);
        let below = gauge("g", "Recovered within 24 h", judged(2, 3), 90);
        assert!(below.as_str().contains(">\n67 %\n</text>"), "{below}");
        assert!(below.as_str().contains(">\ntarget 90 %\n</text>"));
        assert!(below.as_str().contains("#C05621"));
        assert!(
            below
                .as_str()
                .contains("67 % (2 of 3) against a target of 90 %: below target.</desc>")
        );
        let on = gauge("g", "Surprise given", judged(4, 5), 80);
        assert!(on.as_str().contains(">\non target (80 %)\n</text>"));
        assert!(on.as_str().contains("#2F855A"));
    }

    #[test]
    fn a_gauge_with_nothing_measured_says_so() {
        let none = gauge("g", "Customer blown away", Share::Nothing, 80);
        assert!(none.as_str().contains(">\n–\n</text>"));
        assert!(none.as_str().contains("Nothing to measure yet"));
    }

    #[test]
    fn a_gauge_from_too_few_stories_says_so_in_a_neutral_colour() {
        let few = gauge("g", "Recovered within 24 h", Share::of(1, 2, 5), 90);
        let svg = few.as_str();
        assert!(svg.contains(">\ntoo few stories\n</text>"), "{few}");
        assert!(svg.contains(">\nto judge (2)\n</text>"));
        assert!(svg.contains(">\n1 of 2 · target 90 %\n</text>"));
        assert!(svg.contains("#5F6368"));
        assert!(!svg.contains("#C05621") && !svg.contains("#2F855A"));
        assert!(svg.contains("Too few stories to judge (2): 1 of 2; the target is 90 %."));
    }

    #[test]
    fn the_ring_runs_from_left_over_the_top_to_the_right() {
        let r = 100.0;
        assert_eq!(at(0.0, r), (100, 210));
        assert_eq!(at(0.5, r), (200, 110));
        assert_eq!(at(1.0, r), (300, 210));
    }
}

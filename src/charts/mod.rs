//! Charts drawn on the server as SVG with plotters' SVG backend: each carries a `<title>` and a
//! `<desc>`, and is styled by presentation attributes only, so it needs no script and no CSS.
pub mod gauge;
mod lines;
pub mod trend;

use std::fmt;

/// The colours of the three recovery measures, the same on every chart and gauge, and meaning
/// nothing else (whether a share is on target is said in words): at least 6:1 on white, and told
/// apart by their labels as well as their colour.
pub const RECOVERED: (u8, u8, u8) = (0x12, 0x64, 0xa3);
pub const SURPRISED: (u8, u8, u8) = (0x9c, 0x4a, 0x10);
pub const BLOWN_AWAY: (u8, u8, u8) = (0x1f, 0x6f, 0x46);
/// Too few stories to judge, and the empty part of a gauge: no judgement either way.
pub const NEUTRAL: (u8, u8, u8) = (0x5f, 0x63, 0x68);
pub const INTERNAL: (u8, u8, u8) = (0x8a, 0x4b, 0xaf);
pub const EXTERNAL: (u8, u8, u8) = (0x12, 0x64, 0xa3);
/// The lines of a chart with several (a report card's deliverables), in order: dark enough to
/// read on white, and drawn with different markers as well.
pub const SERIES: [(u8, u8, u8); 6] = [
    (0x12, 0x64, 0xa3),
    (0xb7, 0x59, 0x1f),
    (0x2f, 0x85, 0x5a),
    (0x8a, 0x4b, 0xaf),
    (0xc5, 0x30, 0x30),
    (0x2c, 0x7a, 0x7b),
];

/// A colour as CSS writes it: `#1264a3`.
pub fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// A finished chart: SVG markup safe to embed in a page as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// Wraps what plotters drew, adding `role="img"`, a `<title>` and a `<desc>` (escaped) that
    /// screen readers announce, and a class for the page's sizing.
    pub fn new(drawn: &str, id: &str, title: &str, desc: &str) -> Self {
        let body = drawn
            .trim_start()
            .strip_prefix("<svg ")
            .expect("plotters writes an <svg> element");
        let (attributes, rest) = body.split_once('>').expect("the <svg> tag closes");
        // Sized by the page (viewBox keeps the proportions), not by plotters' pixels.
        let attributes: Vec<&str> = attributes
            .split(' ')
            .filter(|a| !a.starts_with("width=") && !a.starts_with("height="))
            .collect();
        Self(format!(
            "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" {}>\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>{rest}",
            attributes.join(" "),
            escape(title),
            escape(desc),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A percentage for people: `83 %`, or `–` when there was nothing to measure.
pub fn percent(value: Option<u32>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v} %"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_gets_a_title_and_a_description_and_loses_its_fixed_size() {
        let svg = Svg::new(
            "<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>",
            "c1",
            "Trend <1>",
            "Weeks & targets",
        );
        let text = svg.as_str();
        assert!(text.starts_with("<svg class=\"chart\" role=\"img\" aria-labelledby=\"c1-title c1-desc\" viewBox=\"0 0 10 5\""), "{text}");
        assert!(text.contains("<title id=\"c1-title\">Trend &lt;1&gt;</title>"));
        assert!(text.contains("<desc id=\"c1-desc\">Weeks &amp; targets</desc>"));
        assert!(!text.contains("width=\"10\""));
        assert!(text.ends_with("<rect/>\n</svg>"));
    }
}

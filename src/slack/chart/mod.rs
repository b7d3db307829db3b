//! Slack's data visualization block (Block Kit, June 2026): line, bar and area charts over
//! categories, and pie charts, built so that an invalid block cannot be sent. The limits are
//! Slack's (<https://docs.slack.dev/reference/block-kit/blocks/data-visualization-block>).
use std::fmt;

use serde_json::{Value, json};

use super::blocks::truncate_plain;

mod check;
pub use check::check;

/// At most this many chart blocks in one message.
pub const MAX_PER_MESSAGE: usize = 2;
/// A chart's title, in characters.
pub const TITLE_MAX: usize = 50;
/// An axis's title, in characters.
pub const AXIS_TITLE_MAX: usize = 50;
/// A category, a series' name, a data point's label or a slice's label, in characters.
pub const LABEL_MAX: usize = 20;
/// Series in a line, bar or area chart; slices in a pie.
pub const MAX_SERIES: usize = 6;
pub const MAX_SEGMENTS: usize = 6;
/// Data points in a series (one per category at most).
pub const MAX_POINTS: usize = 20;

/// Why a chart could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    NoCategories,
    TooManyCategories(usize),
    DuplicateCategory(String),
    NoSeries,
    TooManySeries(usize),
    DuplicateSeries(String),
    /// A series' values do not line up with the categories.
    SeriesLength {
        series: String,
        values: usize,
    },
    NotFinite {
        label: String,
    },
    NoSegments,
    TooManySegments(usize),
    /// A pie's slice must weigh more than nothing.
    NotPositive {
        label: String,
    },
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCategories => write!(f, "a chart needs at least one category"),
            Self::TooManyCategories(n) => {
                write!(f, "{n} categories, but a series holds at most {MAX_POINTS}")
            }
            Self::DuplicateCategory(c) => write!(f, "the category \"{c}\" is there twice"),
            Self::NoSeries => write!(f, "a chart needs at least one series"),
            Self::TooManySeries(n) => {
                write!(f, "{n} series, but a chart holds at most {MAX_SERIES}")
            }
            Self::DuplicateSeries(s) => write!(f, "the series \"{s}\" is there twice"),
            Self::SeriesLength { series, values } => {
                write!(
                    f,
                    "the series \"{series}\" has {values} values, not one per category"
                )
            }
            Self::NotFinite { label } => {
                write!(f, "the value of \"{label}\" is not a finite number")
            }
            Self::NoSegments => write!(f, "a pie needs at least one slice"),
            Self::TooManySegments(n) => {
                write!(f, "{n} slices, but a pie holds at most {MAX_SEGMENTS}")
            }
            Self::NotPositive { label } => write!(f, "the slice \"{label}\" must be more than 0"),
        }
    }
}

impl std::error::Error for ChartError {}

/// A short label: a category, a series' name or a slice's label, cut to Slack's 20 characters
/// (ending in `…` when cut), never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label(String);

impl Label {
    /// `text` cut to fit; a blank text reads `–`.
    pub fn cut(text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() {
            return Self("–".to_owned());
        }
        Self(truncate_plain(text, LABEL_MAX))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Labels for `texts`, cut to fit and made distinct: two that read the same once cut are
    /// told apart by a number (`Qualified leads b… 2`).
    pub fn distinct<S: AsRef<str>>(texts: &[S]) -> Vec<Self> {
        let mut out: Vec<Self> = Vec::with_capacity(texts.len());
        for text in texts {
            let mut label = Self::cut(text.as_ref());
            let mut n = 2;
            while out.contains(&label) {
                let suffix = format!(" {n}");
                let room = LABEL_MAX - suffix.chars().count();
                let stem = truncate_plain(text.as_ref().trim(), room);
                label = Self(format!("{stem}{suffix}"));
                n += 1;
            }
            out.push(label);
        }
        out
    }
}

/// The kinds of chart drawn over categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Bar,
    Area,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Line => "line",
            Self::Bar => "bar",
            Self::Area => "area",
        }
    }
}

/// One series: exactly one value per category, in the categories' order. Slack's chart block
/// wants every series to cover every category, so a category with nothing to plot is left
/// off the axis by the caller rather than given a gap here.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: Label,
    pub values: Vec<f64>,
}

/// A line, bar or area chart, checked against Slack's limits by [`Chart::block`].
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: Kind,
    pub title: String,
    pub categories: Vec<Label>,
    pub series: Vec<Series>,
    pub x_title: Option<String>,
    pub y_title: Option<String>,
}

/// A number Slack accepts, rounded to two decimals so that `4.333333` reads `4.33`.
fn number(value: f64, label: &Label) -> Result<Value, ChartError> {
    if !value.is_finite() {
        return Err(ChartError::NotFinite {
            label: label.0.clone(),
        });
    }
    let rounded = (value * 100.0).round() / 100.0;
    Ok(json!(rounded))
}

impl Chart {
    /// The data visualization block, or why it cannot be sent. The title and the axes' titles
    /// are cut to Slack's 50 characters.
    pub fn block(&self, block_id: Option<&str>) -> Result<Value, ChartError> {
        if self.categories.is_empty() {
            return Err(ChartError::NoCategories);
        }
        if self.categories.len() > MAX_POINTS {
            return Err(ChartError::TooManyCategories(self.categories.len()));
        }
        for (i, c) in self.categories.iter().enumerate() {
            if self.categories[..i].contains(c) {
                return Err(ChartError::DuplicateCategory(c.0.clone()));
            }
        }
        if self.series.is_empty() {
            return Err(ChartError::NoSeries);
        }
        if self.series.len() > MAX_SERIES {
            return Err(ChartError::TooManySeries(self.series.len()));
        }
        let mut series = Vec::with_capacity(self.series.len());
        for (i, s) in self.series.iter().enumerate() {
            if self.series[..i].iter().any(|t| t.name == s.name) {
                return Err(ChartError::DuplicateSeries(s.name.0.clone()));
            }
            if s.values.len() != self.categories.len() {
                return Err(ChartError::SeriesLength {
                    series: s.name.0.clone(),
                    values: s.values.len(),
                });
            }
            let mut data = Vec::with_capacity(s.values.len());
            for (category, value) in self.categories.iter().zip(&s.values) {
                data.push(json!({"label": category.0, "value": number(*value, category)?}));
            }
            series.push(json!({"name": s.name.0, "data": data}));
        }
        let mut axes =
            json!({"categories": self.categories.iter().map(|c| c.0.as_str()).collect::<Vec<_>>()});
        if let Some(x) = &self.x_title {
            axes["x_label"] = json!(truncate_plain(x, AXIS_TITLE_MAX));
        }
        if let Some(y) = &self.y_title {
            axes["y_label"] = json!(truncate_plain(y, AXIS_TITLE_MAX));
        }
        let chart = json!({"type": self.kind.as_str(), "series": series, "axis_config": axes});
        Ok(wrap(&self.title, chart, block_id))
    }
}

/// A pie chart: labelled slices, each more than 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Pie {
    pub title: String,
    pub segments: Vec<(Label, f64)>,
}

impl Pie {
    pub fn block(&self, block_id: Option<&str>) -> Result<Value, ChartError> {
        if self.segments.is_empty() {
            return Err(ChartError::NoSegments);
        }
        if self.segments.len() > MAX_SEGMENTS {
            return Err(ChartError::TooManySegments(self.segments.len()));
        }
        let mut segments = Vec::with_capacity(self.segments.len());
        for (label, value) in &self.segments {
            let value = number(*value, label)?;
            if value.as_f64().is_none_or(|v| v <= 0.0) {
                return Err(ChartError::NotPositive {
                    label: label.0.clone(),
                });
            }
            segments.push(json!({"label": label.0, "value": value}));
        }
        Ok(wrap(
            &self.title,
            json!({"type": "pie", "segments": segments}),
            block_id,
        ))
    }
}

fn wrap(title: &str, chart: Value, block_id: Option<&str>) -> Value {
    let title = match title.trim() {
        "" => "Chart".to_owned(),
        t => truncate_plain(t, TITLE_MAX),
    };
    let mut block = json!({"type": "data_visualization", "title": title, "chart": chart});
    if let Some(id) = block_id {
        block["block_id"] = json!(truncate_plain(id, 255));
    }
    block
}

/// Whether `block` is a chart.
pub fn is_chart(block: &Value) -> bool {
    block["type"] == "data_visualization"
}

/// How many of `blocks` are charts: a message may hold at most [`MAX_PER_MESSAGE`].
pub fn count(blocks: &[Value]) -> usize {
    blocks.iter().filter(|b| is_chart(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(categories: &[&str], values: Vec<f64>) -> Chart {
        Chart {
            kind: Kind::Bar,
            title: "Averages".into(),
            categories: Label::distinct(categories),
            series: vec![Series {
                name: Label::cut("Average"),
                values,
            }],
            x_title: Some("Deliverable".into()),
            y_title: Some("Average (1 to 5)".into()),
        }
    }

    #[test]
    fn a_bar_chart_has_slacks_shape() {
        let block = bar(&["Leads", "Prices"], vec![4.0, 10.0 / 3.0])
            .block(Some("averages"))
            .unwrap();
        assert_eq!(
            block,
            json!({
                "type": "data_visualization",
                "block_id": "averages",
                "title": "Averages",
                "chart": {
                    "type": "bar",
                    "series": [{"name": "Average", "data": [
                        {"label": "Leads", "value": 4.0},
                        {"label": "Prices", "value": 3.33},
                    ]}],
                    "axis_config": {
                        "categories": ["Leads", "Prices"],
                        "x_label": "Deliverable",
                        "y_label": "Average (1 to 5)",
                    },
                },
            })
        );
    }

    #[test]
    fn a_line_chart_has_a_point_for_every_category() {
        let chart = Chart {
            kind: Kind::Line,
            title: "x".repeat(80),
            categories: Label::distinct(&["W1", "W2", "W3"]),
            series: vec![Series {
                name: Label::cut("Within 24 h (%)"),
                values: vec![50.0, 75.0, 100.0],
            }],
            x_title: None,
            y_title: None,
        };
        let block = chart.block(None).unwrap();
        assert_eq!(block["chart"]["type"], "line");
        assert_eq!(
            block["chart"]["series"][0]["data"],
            json!([
                {"label": "W1", "value": 50.0},
                {"label": "W2", "value": 75.0},
                {"label": "W3", "value": 100.0}
            ])
        );
        assert_eq!(block["title"].as_str().unwrap().chars().count(), TITLE_MAX);
        assert!(block.get("block_id").is_none());
        assert!(block["chart"]["axis_config"].get("x_label").is_none());
    }

    #[test]
    fn labels_are_cut_to_twenty_characters_and_kept_distinct() {
        let labels = Label::distinct(&[
            "Qualified leads by the 5th",
            "Qualified leads by the 6th",
            "Qualified leads by the 5th",
            "  ",
        ]);
        let texts: Vec<&str> = labels.iter().map(Label::as_str).collect();
        assert_eq!(
            texts,
            [
                "Qualified leads by …",
                "Qualified leads b… 2",
                "Qualified leads b… 3",
                "–"
            ]
        );
        assert!(texts.iter().all(|t| t.chars().count() <= LABEL_MAX));
    }

    #[test]
    fn an_invalid_chart_is_refused_with_the_reason() {
        let nan = bar(&["A"], vec![f64::NAN]).block(None);
        assert_eq!(nan, Err(ChartError::NotFinite { label: "A".into() }));
        let inf = bar(&["A"], vec![f64::INFINITY]).block(None);
        assert!(matches!(inf, Err(ChartError::NotFinite { .. })));
        assert_eq!(bar(&[], vec![]).block(None), Err(ChartError::NoCategories));
        assert_eq!(
            bar(&["A", "B"], vec![1.0]).block(None),
            Err(ChartError::SeriesLength {
                series: "Average".into(),
                values: 1
            })
        );
        let many: Vec<String> = (0..21).map(|i| format!("C{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            bar(&many, vec![1.0; 21]).block(None),
            Err(ChartError::TooManyCategories(21))
        );
        let mut chart = bar(&["A"], vec![1.0]);
        chart.categories.push(Label::cut("A"));
        chart.series[0].values.push(2.0);
        assert_eq!(
            chart.block(None),
            Err(ChartError::DuplicateCategory("A".into()))
        );
        let mut chart = bar(&["A"], vec![1.0]);
        chart.series = (0..7)
            .map(|i| Series {
                name: Label::cut(&format!("S{i}")),
                values: vec![1.0],
            })
            .collect();
        assert_eq!(chart.block(None), Err(ChartError::TooManySeries(7)));
        chart.series.truncate(2);
        chart.series[1].name = Label::cut("S0");
        assert_eq!(
            chart.block(None),
            Err(ChartError::DuplicateSeries("S0".into()))
        );
        assert!(
            ChartError::TooManySeries(7)
                .to_string()
                .contains("at most 6")
        );
    }

    #[test]
    fn a_pie_has_positive_slices() {
        let pie = Pie {
            title: "Customers".into(),
            segments: vec![(Label::cut("External"), 3.0), (Label::cut("Internal"), 1.0)],
        };
        let block = pie.block(None).unwrap();
        assert_eq!(
            block["chart"],
            json!({"type": "pie", "segments": [
                {"label": "External", "value": 3.0},
                {"label": "Internal", "value": 1.0},
            ]})
        );
        let zero = Pie {
            title: "Customers".into(),
            segments: vec![(Label::cut("None"), 0.0)],
        };
        assert_eq!(
            zero.block(None),
            Err(ChartError::NotPositive {
                label: "None".into()
            })
        );
        assert!(matches!(
            Pie {
                title: String::new(),
                segments: vec![]
            }
            .block(None),
            Err(ChartError::NoSegments)
        ));
    }
}

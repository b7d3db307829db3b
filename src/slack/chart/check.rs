//! A check of chart blocks as Slack takes them, whoever built them: for the tests of every
//! message that carries a chart.
use serde_json::Value;

use super::{AXIS_TITLE_MAX, LABEL_MAX, MAX_PER_MESSAGE, MAX_POINTS, MAX_SEGMENTS, MAX_SERIES};
use super::{TITLE_MAX, is_chart};

/// Checks chart blocks as Slack would take them, whoever built them: at most two in `blocks`,
/// each with a title of 1–50 characters and a chart of a known type within its limits (labels of
/// at most 20 characters, finite numbers, points only at categories, distinct names). For the
/// tests of every message that carries a chart.
pub fn check(blocks: &[Value]) -> Result<(), String> {
    let charts: Vec<&Value> = blocks.iter().filter(|b| is_chart(b)).collect();
    if charts.len() > MAX_PER_MESSAGE {
        return Err(format!("{} charts in one message", charts.len()));
    }
    for block in charts {
        check_one(block).map_err(|e| format!("{e}: {block}"))?;
    }
    Ok(())
}

fn check_one(block: &Value) -> Result<(), String> {
    let text = |v: &Value, max: usize, what: &str| -> Result<String, String> {
        let t = v.as_str().ok_or(format!("{what} is not text"))?;
        let n = t.chars().count();
        if n == 0 || n > max {
            return Err(format!("{what} has {n} characters, not 1 to {max}"));
        }
        Ok(t.to_owned())
    };
    let finite = |v: &Value, what: &str| -> Result<f64, String> {
        v.as_f64()
            .filter(|v| v.is_finite())
            .ok_or(format!("{what} is not a finite number"))
    };
    text(&block["title"], TITLE_MAX, "the title")?;
    if let Some(id) = block.get("block_id") {
        text(id, 255, "the block_id")?;
    }
    let chart = &block["chart"];
    match chart["type"].as_str() {
        Some("pie") => {
            let segments = chart["segments"]
                .as_array()
                .ok_or("a pie without segments")?;
            if segments.is_empty() || segments.len() > MAX_SEGMENTS {
                return Err(format!("{} slices", segments.len()));
            }
            for s in segments {
                text(&s["label"], LABEL_MAX, "a slice's label")?;
                if finite(&s["value"], "a slice's value")? <= 0.0 {
                    return Err("a slice of 0 or less".into());
                }
            }
        }
        Some("line" | "bar" | "area") => {
            let axes = &chart["axis_config"];
            let categories = axes["categories"].as_array().ok_or("no categories")?;
            if categories.is_empty() || categories.len() > MAX_POINTS {
                return Err(format!("{} categories", categories.len()));
            }
            let mut names = Vec::new();
            for c in categories {
                let c = text(c, LABEL_MAX, "a category")?;
                if names.contains(&c) {
                    return Err(format!("the category {c} twice"));
                }
                names.push(c);
            }
            for axis in ["x_label", "y_label"] {
                if let Some(label) = axes.get(axis) {
                    text(label, AXIS_TITLE_MAX, axis)?;
                }
            }
            let series = chart["series"].as_array().ok_or("no series")?;
            if series.is_empty() || series.len() > MAX_SERIES {
                return Err(format!("{} series", series.len()));
            }
            let mut seen = Vec::new();
            for s in series {
                let name = text(&s["name"], LABEL_MAX, "a series' name")?;
                if seen.contains(&name) {
                    return Err(format!("the series {name} twice"));
                }
                seen.push(name);
                let data = s["data"].as_array().ok_or("a series without data")?;
                if data.len() != names.len() {
                    return Err(format!(
                        "{} points in a series of {} categories",
                        data.len(),
                        names.len()
                    ));
                }
                for (point, category) in data.iter().zip(&names) {
                    let label = text(&point["label"], LABEL_MAX, "a point's label")?;
                    if &label != category {
                        return Err(format!("the point {label} is not at its category"));
                    }
                    finite(&point["value"], "a point's value")?;
                }
            }
        }
        other => return Err(format!("a chart of type {other:?}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Chart, Kind, Label, Series};
    use super::*;
    use serde_json::json;

    #[test]
    fn the_check_takes_what_the_builder_makes_and_refuses_what_slack_would() {
        let good = Chart {
            kind: Kind::Bar,
            title: "Averages".into(),
            categories: Label::distinct(&["A", "B"]),
            series: vec![Series {
                name: Label::cut("Average"),
                values: vec![1.0, 2.0],
            }],
            x_title: None,
            y_title: None,
        }
        .block(None)
        .unwrap();
        assert_eq!(check(&[good.clone(), good.clone()]), Ok(()));
        assert!(check(&[good.clone(), good.clone(), good.clone()]).is_err());
        let mut long = good.clone();
        long["title"] = json!("x".repeat(51));
        assert!(check(&[long]).is_err());
        let mut stray = good.clone();
        stray["chart"]["series"][0]["data"][0]["label"] = json!("C");
        assert!(check(&[stray]).is_err());
        let mut null = good;
        null["chart"]["series"][0]["data"][0]["value"] = Value::Null;
        assert!(check(&[null]).is_err());
    }
}

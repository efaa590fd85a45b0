//! A small, complete profile document for the writers' own tests and doctests: two sections,
//! every kind of row (compared, not compared, a suppressed count, a missing value, a count
//! without a spine, too few values for a spine), a bar chart, a time series and a locator map.
//! Real profiles come from `ops::profile`; this one only has to exercise every layout path.

use super::document::*;
use crate::render::scene::{Colour, Fill, Group, Item, PathItem, PointMm, Scene, Stroke};

fn row(indicator: &str, title: &str, value: Option<f64>, result: &str, colour: &str) -> Row {
    Row {
        indicator: indicator.into(),
        title: title.into(),
        unit: "%".into(),
        period: "2022/23".into(),
        count: Some(1234.0),
        count_suppressed: false,
        value,
        lower_ci: value.map(|v| v - 0.8),
        upper_ci: value.map(|v| v + 0.9),
        value_suppressed: false,
        parent_value: Some(21.0),
        benchmark_code: Some("E92000001".into()),
        benchmark_value: Some(19.5),
        result: result.into(),
        result_words: match result {
            "worse" => "Worse than England (95%)".into(),
            "better" => "Better than England (95%)".into(),
            "similar" => "Similar to England (95%)".into(),
            _ => "Not compared".into(),
        },
        colour: colour.into(),
        trend: Some("increasing_getting_worse".into()),
        trend_words: Some("Increasing and getting worse".into()),
        lowest: Some(12.0),
        highest: Some(31.5),
        spine: Some(Spine {
            min: 12.0,
            p25: 17.25,
            p75: 24.0,
            max: 31.5,
            centre: 19.5,
            half_width: 12.0,
        }),
        spine_note: None,
        polarity: Polarity::LowerIsBetter,
        decimals: 1,
        notes: Vec::new(),
    }
}

fn square(x: f64, y: f64, fill: Colour, code: &str) -> Item {
    Item::Path(PathItem {
        rings: vec![vec![
            PointMm::new(x, y),
            PointMm::new(x + 20.0, y),
            PointMm::new(x + 20.0, y + 20.0),
            PointMm::new(x, y + 20.0),
        ]],
        fill: Fill::Solid(fill),
        stroke: Some(Stroke::solid(Colour::rgb(80, 80, 80), 0.2)),
        code: Some(code.into()),
        label: None,
    })
}

/// The example document (made up numbers, real structure).
///
/// ```
/// let doc = local_atlas::render::report::example::example_document();
/// assert!(doc.rows().count() >= 10);
/// ```
pub fn example_document() -> ProfileDocument {
    let mut health = vec![
        row(
            "93701",
            "Smoking prevalence in adults (18+)",
            Some(21.4),
            "worse",
            "#c00000",
        ),
        row(
            "92708",
            "Obesity in early pregnancy",
            Some(18.2),
            "better",
            "#92d050",
        ),
        row(
            "241",
            "Diabetes prevalence (17+)",
            Some(8.4),
            "similar",
            "#ffc000",
        ),
    ];
    health[2].polarity = Polarity::Neutral;
    health[2].result = "higher".into();
    health[2].result_words = "Higher than England (95%)".into();
    health[2].colour = "#bed2ff".into();
    let mut missing = row(
        "90453",
        "Admissions for alcohol-related conditions",
        None,
        "not_compared",
        "#ffffff",
    );
    missing.trend = None;
    missing.trend_words = None;
    missing.notes = vec![1];
    health.push(missing);
    let mut suppressed = row(
        "92904",
        "Hospital admissions caused by unintentional injuries",
        Some(140.2),
        "similar",
        "#ffc000",
    );
    suppressed.count = None;
    suppressed.count_suppressed = true;
    suppressed.unit = "per 10,000".into();
    suppressed.notes = vec![2];
    health.push(suppressed);
    let mut few = row(
        "94103",
        "A long-titled indicator whose name needs more than one line in the table to be printed in full",
        Some(55.0),
        "similar",
        "#ffc000",
    );
    few.spine = None;
    few.spine_note = Some("insufficient values".into());
    health.push(few);
    let mut people = vec![];
    let mut count = row(
        "population_total",
        "Population, all ages (mid-2019)",
        Some(14_587.0),
        "not_compared",
        "#ffffff",
    );
    count.unit = "people".into();
    count.count = None;
    count.lower_ci = None;
    count.upper_ci = None;
    count.spine = None;
    count.trend = None;
    count.trend_words = None;
    count.polarity = Polarity::Neutral;
    count.decimals = 0;
    count.parent_value = Some(287_550.0);
    count.benchmark_value = Some(2_835_686.0);
    people.push(count);
    for k in 0..6 {
        people.push(row(
            &format!("x{k}"),
            &format!("Example indicator {k}"),
            Some(15.0 + k as f64 * 2.0),
            ["worse", "better", "similar"][k % 3],
            ["#c00000", "#92d050", "#ffc000"][k % 3],
        ));
    }
    let bars = BarChart {
        indicator: "93701".into(),
        title: "Smoking prevalence in adults (18+)".into(),
        unit: "%".into(),
        period: "2022/23".into(),
        decimals: 1,
        bars: [
            "Bolton",
            "Bury",
            "Manchester",
            "Oldham",
            "Rochdale",
            "Salford",
            "Stockport",
            "Tameside",
            "Trafford",
            "Wigan",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| Bar {
            code: format!("E0800000{i}"),
            name: n.to_string(),
            value: Some(12.0 + i as f64 * 1.7),
            lower_ci: Some(10.5 + i as f64 * 1.7),
            upper_ci: Some(13.6 + i as f64 * 1.7),
            colour: if i < 4 { "#92d050" } else { "#c00000" }.into(),
            is_area: i == 0,
        })
        .collect(),
        benchmark_name: "England".into(),
        benchmark_value: Some(14.7),
    };
    let series = TimeSeries {
        indicator: "93701".into(),
        title: "Smoking prevalence in adults (18+)".into(),
        unit: "%".into(),
        decimals: 1,
        area_name: "Bolton".into(),
        points: (2015..2023)
            .map(|y| SeriesPoint {
                period: y.to_string(),
                value: Some(20.0 - (y - 2015) as f64 * 0.6),
                lower_ci: Some(18.5 - (y - 2015) as f64 * 0.6),
                upper_ci: Some(21.5 - (y - 2015) as f64 * 0.6),
                colour: Some("#ffc000".into()),
            })
            .collect(),
        benchmark_name: "England".into(),
        benchmark: (2015..2023)
            .map(|y| SeriesPoint {
                period: y.to_string(),
                value: Some(17.0 - (y - 2015) as f64 * 0.5),
                lower_ci: None,
                upper_ci: None,
                colour: None,
            })
            .collect(),
    };
    let mut group = Group::new("areas", "Wards of Bolton");
    for (k, code) in ["E05000650", "E05000651", "E05000652", "E05000653"]
        .iter()
        .enumerate()
    {
        let fill = if k == 1 {
            Colour::rgb(0, 94, 184)
        } else {
            Colour::rgb(230, 230, 230)
        };
        group.items.push(square(
            5.0 + (k % 2) as f64 * 22.0,
            5.0 + (k / 2) as f64 * 22.0,
            fill,
            code,
        ));
    }
    let scene = Scene {
        width_mm: 54.0,
        height_mm: 54.0,
        background: Colour::WHITE,
        groups: vec![group],
        title: "Astley Bridge in Bolton".into(),
        dropped_labels: vec![],
    };
    let locator = MapFigure {
        title: "Astley Bridge in Bolton".into(),
        alt: "Map of Bolton's wards with Astley Bridge highlighted".into(),
        scene,
    };
    ProfileDocument {
        template: "District health profile".into(),
        title: "Health profile: Bolton".into(),
        area: AreaHead {
            code: "E08000001".into(),
            name: "Bolton".into(),
            geography: "lad16".into(),
            geography_title: "Local authority district".into(),
            parent: Some(AreaLink { code: "E47000001".into(), name: "Greater Manchester".into(), geography: "all".into() }),
        },
        date: "2 December 2026".into(),
        headline: vec![
            "Significantly worse than England on 2 of 13 indicators: smoking prevalence in adults (18+) and example indicator 0.".into(),
            "Significantly better than England on 3: obesity in early pregnancy, example indicator 1 and example indicator 4.".into(),
            "Getting worse on 12 indicators.".into(),
        ],
        intro: vec!["This profile compares Bolton with England and Greater Manchester on the latest published figures.".into()],
        columns: ComparatorNames {
            parent: Some("Greater Manchester".into()),
            benchmark: "England".into(),
            method: "95% confidence".into(),
            range_of: "the 10 districts of Greater Manchester".into(),
        },
        sections: vec![
            Section { title: "Health".into(), text: vec!["Health indicators from OHID's Fingertips.".into()], rows: health, charts: vec![Chart::Bars(bars), Chart::Series(series)] },
            Section { title: "People".into(), text: vec![], rows: people, charts: vec![] },
        ],
        locator: Some(locator),
        indicators: vec![IndicatorNote {
            indicator: "93701".into(),
            title: "Smoking prevalence in adults (18+)".into(),
            definition: "Prevalence of smoking among persons aged 18 years and over.".into(),
            source: "Annual Population Survey (APS)".into(),
            licence: "Open Government Licence v3.0".into(),
            unit: "%".into(),
            ci_method: Some("Wilson score".into()),
        }],
        disclosure: vec!["Counts below 10 are withheld (shown as *); values computed from them are withheld too.".into()],
        attribution: vec!["Source: Office for National Statistics licensed under the Open Government Licence v3.0.".into()],
        footnotes: vec!["No value for this period (–).".into(), "Count withheld by disclosure control (*).".into()],
    }
}

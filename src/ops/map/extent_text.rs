//! The map area and outline layers as typed on a command line or in a search box:
//! `--extent lad16:E08000001` (or `lad16:Bolton`, or several, comma-separated), `--extent
//! view:MIN_X,MIN_Y,MAX_X,MAX_Y` (British National Grid metres), `--extent whole`; and
//! `--outline ward17:labels`.

use crate::data::Workspace;
use crate::data::query;
use crate::error::{Error, Result};
use crate::render::spec::Extent;

/// Reads an extent: `whole`, `view:MIN_X,MIN_Y,MAX_X,MAX_Y` in BNG metres, or
/// `GEOGRAPHY:AREA[,AREA…]` where each area is a code or a name of that geography (any case).
pub fn parse_extent(ws: &Workspace, text: &str) -> Result<Extent> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("whole") {
        return Ok(Extent::Whole);
    }
    let Some((head, rest)) = text.split_once(':') else {
        return Err(usage(text));
    };
    if head.eq_ignore_ascii_case("view") || head.eq_ignore_ascii_case("bbox") {
        return parse_box(rest);
    }
    let geography = head.trim();
    let wanted: Vec<&str> = rest
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if wanted.is_empty() {
        return Err(usage(text));
    }
    let areas = query::area_names(ws, geography)?;
    let mut codes = Vec::new();
    for w in wanted {
        let found = areas
            .iter()
            .find(|a| a.code.eq_ignore_ascii_case(w))
            .or_else(|| {
                areas
                    .iter()
                    .find(|a| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(w)))
            })
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "--extent: no area '{w}' in geography '{geography}' (by code or name); `local-atlas find WS {w}` searches every geography"
                ))
            })?;
        if !codes.contains(&found.code) {
            codes.push(found.code.clone());
        }
    }
    Ok(Extent::Areas {
        geography: geography.to_string(),
        codes,
    })
}

/// `MIN_X,MIN_Y,MAX_X,MAX_Y` in BNG metres.
///
/// ```
/// use local_atlas::ops::map::extent_text::parse_box;
/// use local_atlas::render::spec::Extent;
/// assert_eq!(parse_box("370000, 400000, 380000, 410000").unwrap(),
///     Extent::Bbox { min_x: 370000.0, min_y: 400000.0, max_x: 380000.0, max_y: 410000.0 });
/// assert!(parse_box("380000,400000,370000,410000").is_err(), "min > max");
/// assert!(parse_box("1,2,3").is_err());
/// ```
pub fn parse_box(text: &str) -> Result<Extent> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| box_usage(text))?;
    let [min_x, min_y, max_x, max_y] = numbers.as_slice() else {
        return Err(box_usage(text));
    };
    let ok = numbers.iter().all(|v| v.is_finite()) && min_x < max_x && min_y < max_y;
    if !ok {
        return Err(box_usage(text));
    }
    Ok(Extent::Bbox {
        min_x: *min_x,
        min_y: *min_y,
        max_x: *max_x,
        max_y: *max_y,
    })
}

fn box_usage(text: &str) -> Error {
    Error::Invalid(format!(
        "--extent view:{text}: give MIN_X,MIN_Y,MAX_X,MAX_Y in British National Grid metres with min < max, e.g. view:370000,400000,380000,410000"
    ))
}

fn usage(text: &str) -> Error {
    Error::Invalid(format!(
        "--extent '{text}': use GEOGRAPHY:CODE[,CODE…] (e.g. lad16:E08000001 or lad16:Bolton), view:MIN_X,MIN_Y,MAX_X,MAX_Y in BNG metres, or whole"
    ))
}

/// Reads an outline layer: `GEOGRAPHY` or `GEOGRAPHY:labels` (labelled with area names).
///
/// ```
/// use local_atlas::ops::map::extent_text::parse_outline;
/// assert_eq!(parse_outline("ward17").unwrap(), ("ward17".to_string(), false));
/// assert_eq!(parse_outline("ward17:labels").unwrap(), ("ward17".to_string(), true));
/// assert!(parse_outline("ward17:names").is_err());
/// ```
pub fn parse_outline(text: &str) -> Result<(String, bool)> {
    match text.split_once(':') {
        None => Ok((text.trim().to_string(), false)),
        Some((g, opt)) if opt.trim().eq_ignore_ascii_case("labels") => {
            Ok((g.trim().to_string(), true))
        }
        Some((_, opt)) => Err(Error::Invalid(format!(
            "--outline: '{opt}' is not an outline option; use GEOGRAPHY or GEOGRAPHY:labels (e.g. ward17:labels)"
        ))),
    }
}

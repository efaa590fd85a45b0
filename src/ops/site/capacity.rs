//! Site capacities for `site`: one number for every site (`--capacity`), and/or a field of the
//! existing and candidate point layers (`--capacity-field`), the number filling in where the
//! field is empty.

use super::{PointSource, SiteRequest};
use crate::data::Workspace;
use crate::data::query;
use crate::error::{Error, Result};

/// Per site (existing first, then candidates, `counts` of each), its capacity; `None` when
/// the request asks for none.
pub(super) fn site_capacities(
    ws: &Workspace,
    req: &SiteRequest,
    counts: (usize, usize),
) -> Result<Option<Vec<f64>>> {
    if let Some(cap) = req.capacity
        && !(cap.is_finite() && cap > 0.0)
    {
        return Err(Error::Invalid(format!(
            "the capacity must be a number > 0, got {cap}"
        )));
    }
    if req.capacity.is_none() && req.capacity_field.is_none() {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(counts.0 + counts.1);
    if let Some(src) = &req.existing {
        out.extend(of_source(ws, req, src, counts.0, "existing")?);
    }
    out.extend(of_source(ws, req, &req.candidates, counts.1, "candidate")?);
    Ok(Some(out))
}

/// The capacities of the `count` sites of one source.
fn of_source(
    ws: &Workspace,
    req: &SiteRequest,
    src: &PointSource,
    count: usize,
    role: &str,
) -> Result<Vec<f64>> {
    let (layer, field) = match (src, &req.capacity_field) {
        (PointSource::Layer { layer, .. }, Some(field)) => (layer, field),
        (PointSource::Centroids { .. }, Some(field)) if req.capacity.is_none() => {
            return Err(Error::Invalid(format!(
                "the {role} sites are area centroids, which have no field '{field}': give --capacity N for them"
            )));
        }
        _ => return Ok(vec![req.capacity.unwrap_or(f64::INFINITY); count]),
    };
    let texts = query::point_field_text(ws, layer, field)?;
    texts
        .iter()
        .enumerate()
        .map(|(k, t)| parse(t.as_deref(), req.capacity, layer, field, k + 1))
        .collect()
}

/// One capacity: the field's number, else the default.
fn parse(
    text: Option<&str>,
    default: Option<f64>,
    layer: &str,
    field: &str,
    feature: usize,
) -> Result<f64> {
    let Some(text) = text else {
        return default.ok_or_else(|| {
            Error::Invalid(format!(
                "point layer '{layer}', feature {feature}: field '{field}' is empty; fill in the site's capacity or give --capacity N as the default"
            ))
        });
    };
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(Error::Invalid(format!(
            "point layer '{layer}', feature {feature}: field '{field}' holds '{text}', not a capacity (a number > 0 in demand units)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn capacities_parse_or_name_the_feature() {
        assert_eq!(parse(Some(" 800 "), None, "c", "places", 1).unwrap(), 800.0);
        assert_eq!(parse(None, Some(500.0), "c", "places", 2).unwrap(), 500.0);
        let e = parse(None, None, "c", "places", 3).unwrap_err().to_string();
        assert!(e.contains("feature 3") && e.contains("places"), "{e}");
        let e = parse(Some("lots"), None, "c", "places", 4)
            .unwrap_err()
            .to_string();
        assert!(e.contains("'lots'") && e.contains("feature 4"), "{e}");
        assert!(parse(Some("-5"), None, "c", "places", 5).is_err());
    }
}

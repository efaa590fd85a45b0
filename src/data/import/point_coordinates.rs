//! Whether a point's coordinates are plausible for the coordinate reference system they are
//! read in: finite, and inside the range where that system is used for Great Britain or the
//! world. A point of 1e308, or a latitude of 400, is a mistake in the file (swapped columns,
//! a wrong CRS, a typo), and is refused at import rather than failing far from its cause.

use crate::data::crs::Crs;

/// British National Grid eastings accepted, metres: −100 km … 800 km (the grid's false origin
/// is at −100 km; Great Britain, its islands and waters lie within 0 … 700 km).
pub const BNG_EASTING: (f64, f64) = (-100_000.0, 800_000.0);

/// British National Grid northings accepted, metres: −100 km … 1 400 km (Shetland reaches
/// about 1 220 km).
pub const BNG_NORTHING: (f64, f64) = (-100_000.0, 1_400_000.0);

/// Web Mercator's range on either axis, metres (the square of the whole world).
pub const WEB_MERCATOR_HALF: f64 = 20_037_508.342_789_244;

/// The axis of a coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Easting, longitude or x.
    X,
    /// Northing, latitude or y.
    Y,
}

/// Which coordinate of `(x, y)` in `crs` is not plausible and why, or `None` when both are.
///
/// ```
/// use local_atlas::data::crs::Crs;
/// use local_atlas::data::import::point_coordinates::{implausible, Axis};
/// assert_eq!(implausible(Crs::Bng, 383_997.0, 398_258.0), None);
/// let (axis, why) = implausible(Crs::Bng, 1e308, 398_258.0).unwrap();
/// assert_eq!(axis, Axis::X);
/// assert!(why.starts_with("easting 1e308 is outside"), "{why}");
/// assert!(implausible(Crs::Wgs84, -2.24, 95.0).unwrap().1.contains("latitude"));
/// assert!(implausible(Crs::Wgs84, f64::NAN, 53.0).is_some());
/// ```
pub fn implausible(crs: Crs, x: f64, y: f64) -> Option<(Axis, String)> {
    let outside = |v: f64, (lo, hi): (f64, f64)| !v.is_finite() || v < lo || v > hi;
    let (xs, ys, x_name, y_name, unit) = match crs {
        Crs::Bng => (BNG_EASTING, BNG_NORTHING, "easting", "northing", "m"),
        Crs::Wgs84 => ((-180.0, 180.0), (-90.0, 90.0), "longitude", "latitude", "°"),
        Crs::WebMercator => {
            let r = (-WEB_MERCATOR_HALF, WEB_MERCATOR_HALF);
            (r, r, "x", "y", "m")
        }
    };
    let say = |name: &str, v: f64, (lo, hi): (f64, f64)| {
        format!(
            "{name} {} is outside {lo} … {hi} {unit} ({})",
            shown(v),
            crs.label()
        )
    };
    if outside(x, xs) {
        return Some((Axis::X, say(x_name, x, xs)));
    }
    if outside(y, ys) {
        return Some((Axis::Y, say(y_name, y, ys)));
    }
    None
}

/// Why a point already converted to British National Grid metres lies off the grid (a
/// longitude/latitude inside its range may still be on the far side of the world, e.g. with
/// the two columns swapped), or `None` when it is on it.
///
/// ```
/// use local_atlas::data::import::point_coordinates::off_grid;
/// assert_eq!(off_grid(383_997.0, 398_258.0), None);
/// assert!(off_grid(5e6, -9e6).unwrap().contains("outside the British National Grid"));
/// ```
pub fn off_grid(easting: f64, northing: f64) -> Option<String> {
    implausible(Crs::Bng, easting, northing).map(|_| {
        format!(
            "the point lands at easting {}, northing {} (EPSG:27700), outside the British National Grid",
            shown(easting),
            shown(northing)
        )
    })
}

fn shown(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e12 {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

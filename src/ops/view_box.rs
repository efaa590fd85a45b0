//! The British National Grid box of what a web map shows: a front end's view is a
//! longitude/latitude rectangle, a map recipe's `Extent::Bbox` is in BNG metres. The box is
//! the bounding box of points along the view's edges (a lon/lat rectangle is slightly curved
//! in BNG), so it covers the whole view.

use crate::data::crs::{Crs, Transformer};
use crate::error::{Error, Result};

/// Points taken along each edge of the view.
const EDGE_POINTS: usize = 8;

/// `[min_x, min_y, max_x, max_y]` in BNG metres of the lon/lat box `west, south, east, north`
/// (degrees).
///
/// ```
/// use local_atlas::ops::view_box::bng_box_of_lonlat;
/// let b = bng_box_of_lonlat([-2.6, 53.5, -2.3, 53.65]).unwrap();
/// assert!(b[0] < 370_000.0 && b[2] > 380_000.0 && b[0] < b[2] && b[1] < b[3]);
/// ```
pub fn bng_box_of_lonlat(lonlat: [f64; 4]) -> Result<[f64; 4]> {
    let [west, south, east, north] = lonlat;
    let ok = lonlat.iter().all(|v| v.is_finite()) && west < east && south < north;
    if !ok {
        return Err(Error::Invalid(format!(
            "the map view {west},{south},{east},{north} is not a longitude/latitude box"
        )));
    }
    let t = Transformer::new(Crs::Wgs84, Crs::Bng)?;
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for k in 0..=EDGE_POINTS {
        let f = k as f64 / EDGE_POINTS as f64;
        let lon = west + (east - west) * f;
        let lat = south + (north - south) * f;
        for (x, y) in [(lon, south), (lon, north), (west, lat), (east, lat)] {
            if let Ok((e, n)) = t.point(x, y) {
                b = [b[0].min(e), b[1].min(n), b[2].max(e), b[3].max(n)];
            }
        }
    }
    if b[0] < b[2] && b[1] < b[3] {
        Ok(b)
    } else {
        Err(Error::Invalid(
            "the map view is outside British National Grid".into(),
        ))
    }
}

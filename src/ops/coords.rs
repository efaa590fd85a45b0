//! Where British National Grid points lie on a web map: the front ends draw point layers on
//! a longitude/latitude basemap without reaching into the coordinate code themselves.

use crate::data::crs::{Crs, Transformer};
use crate::error::Result;

/// WGS 84 (longitude, latitude) of BNG (easting, northing) points; a point that cannot be
/// transformed is left out.
pub fn lonlat_of_bng(points: &[(f64, f64)]) -> Result<Vec<(f64, f64)>> {
    let t = Transformer::new(Crs::Bng, Crs::Wgs84)?;
    Ok(points
        .iter()
        .filter_map(|(x, y)| t.point(*x, *y).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manchester_town_hall_is_near_minus_2_24_53_48() {
        let v = lonlat_of_bng(&[(383_900.0, 398_200.0)]).unwrap();
        let (lon, lat) = v[0];
        assert!(
            (lon + 2.24).abs() < 0.02 && (lat - 53.48).abs() < 0.02,
            "{lon} {lat}"
        );
    }
}

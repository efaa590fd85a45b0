//! Where British National Grid points lie on a web map: the front ends draw point layers on
//! a longitude/latitude basemap without reaching into the coordinate code themselves.

use crate::data::crs::{Crs, Transformer};
use crate::error::Result;

/// Reprojects British National Grid (easting, northing) to WGS 84 (longitude, latitude), for
/// front ends that draw on a web map. One per thread (the transform keeps scratch state).
pub struct LonLatOfBng(Transformer);

impl LonLatOfBng {
    pub fn new() -> Result<Self> {
        Ok(Self(Transformer::new(Crs::Bng, Crs::Wgs84)?))
    }

    /// (longitude, latitude) of one BNG point, `None` when it cannot be transformed.
    pub fn point(&self, easting_m: f64, northing_m: f64) -> Option<(f64, f64)> {
        self.0.point(easting_m, northing_m).ok()
    }
}

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
    fn the_projector_agrees_with_the_batch_function() {
        let p = LonLatOfBng::new().unwrap();
        let one = p.point(383_900.0, 398_200.0).unwrap();
        assert_eq!(one, lonlat_of_bng(&[(383_900.0, 398_200.0)]).unwrap()[0]);
    }

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

//! Coordinate reference systems: the few the workspace knows, recognised from EPSG codes,
//! GeoJSON `crs` members and shapefile `.prj` WKT, and transformed with proj4rs (pure Rust).
//!
//! All CRS handling lives here so an optional PROJ backend can be added behind one interface.
//! BNG ↔ WGS84 uses the 7-parameter Helmert `+towgs84` that PROJ itself applies when the OSTN15
//! grid is absent ("OSGB36 to WGS 84 (6)", ≈ 2 m accuracy); proj4rs matches PROJ to < 1 mm.

use crate::error::{Error, Result};
use geo::{Coord, Geometry, MapCoords};
use proj4rs::proj::Proj;

/// The order of the two numbers of a position as a file writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisOrder {
    /// x first: longitude then latitude, or easting then northing.
    EastNorth,
    /// Latitude then longitude (EPSG:4326 as its authority defines it).
    NorthEast,
}

/// The OGC URI prefix of EPSG codes, upper-cased (`http://www.opengis.net/def/crs/EPSG/0/4326`).
const OGC_EPSG_URI: &str = "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/";

/// A coordinate reference system the workspace can read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Crs {
    /// EPSG:27700, OSGB36 / British National Grid, metres. The workspace's storage CRS.
    Bng,
    /// EPSG:4326, WGS 84 longitude/latitude in degrees (x = longitude).
    Wgs84,
    /// EPSG:3857, Web Mercator metres (tiles).
    WebMercator,
}

const BNG_PROJ: &str = "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 \
    +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs";
const WGS84_PROJ: &str = "+proj=longlat +datum=WGS84 +no_defs";
const MERC_PROJ: &str = "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 \
    +k=1 +units=m +nadgrids=@null +no_defs";

impl Crs {
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Bng => 27700,
            Crs::Wgs84 => 4326,
            Crs::WebMercator => 3857,
        }
    }

    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            27700 => Some(Crs::Bng),
            4326 => Some(Crs::Wgs84),
            3857 | 900913 => Some(Crs::WebMercator),
            _ => None,
        }
    }

    /// `EPSG:27700`-style label.
    pub fn label(self) -> String {
        format!("EPSG:{}", self.epsg())
    }

    pub fn is_geographic(self) -> bool {
        self == Crs::Wgs84
    }

    pub fn proj_string(self) -> &'static str {
        match self {
            Crs::Bng => BNG_PROJ,
            Crs::Wgs84 => WGS84_PROJ,
            Crs::WebMercator => MERC_PROJ,
        }
    }

    /// Parses a user or file CRS name: `EPSG:27700`, `27700`, `urn:ogc:def:crs:EPSG::27700`,
    /// `http://www.opengis.net/def/crs/EPSG/0/27700`, `urn:ogc:def:crs:OGC:1.3:CRS84`,
    /// `OGC:CRS84`, `CRS84`. Says nothing about axis order: see [`Crs::parse_declared`].
    pub fn parse(text: &str) -> Option<Crs> {
        let t = text.trim().to_ascii_uppercase();
        if t.ends_with("CRS84") {
            return Some(Crs::Wgs84);
        }
        let digits: String = t
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or_default()
            .to_string();
        let prefix_ok = t.starts_with("EPSG:")
            || t.starts_with("URN:OGC:DEF:CRS:EPSG:")
            || t.starts_with(OGC_EPSG_URI)
            || t.chars().all(|c| c.is_ascii_digit());
        if !prefix_ok {
            return None;
        }
        digits.parse().ok().and_then(Crs::from_epsg)
    }

    /// Parses the CRS name a file declares (a GeoJSON `crs` member) together with the axis
    /// order its coordinates are written in. The OGC URN and URI forms of EPSG:4326
    /// (`urn:ogc:def:crs:EPSG::4326`, `http://www.opengis.net/def/crs/EPSG/0/4326`) follow the
    /// EPSG definition, latitude first; `urn:ogc:def:crs:OGC:1.3:CRS84`, plain `EPSG:4326`
    /// (the traditional GIS reading) and every projected CRS here are x (longitude or
    /// easting) first.
    ///
    /// ```
    /// use local_atlas::data::crs::{AxisOrder, Crs};
    /// assert_eq!(Crs::parse_declared("urn:ogc:def:crs:EPSG::4326"), Some((Crs::Wgs84, AxisOrder::NorthEast)));
    /// assert_eq!(Crs::parse_declared("urn:ogc:def:crs:OGC:1.3:CRS84"), Some((Crs::Wgs84, AxisOrder::EastNorth)));
    /// assert_eq!(Crs::parse_declared("EPSG:4326"), Some((Crs::Wgs84, AxisOrder::EastNorth)));
    /// assert_eq!(Crs::parse_declared("urn:ogc:def:crs:EPSG::27700"), Some((Crs::Bng, AxisOrder::EastNorth)));
    /// ```
    pub fn parse_declared(text: &str) -> Option<(Crs, AxisOrder)> {
        let crs = Crs::parse(text)?;
        let t = text.trim().to_ascii_uppercase();
        let authority_form = t.starts_with("URN:OGC:DEF:CRS:EPSG:") || t.starts_with(OGC_EPSG_URI);
        let order = if crs == Crs::Wgs84 && authority_form && !t.ends_with("CRS84") {
            AxisOrder::NorthEast
        } else {
            AxisOrder::EastNorth
        };
        Some((crs, order))
    }

    /// Recognises the CRS of an ESRI/OGC WKT string (a shapefile `.prj`).
    pub fn from_wkt(wkt: &str) -> Option<Crs> {
        let w: String = wkt
            .to_ascii_uppercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if let Some(pos) = w.rfind("AUTHORITY[\"EPSG\",\"") {
            let rest = &w[pos + 18..];
            let code: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Some(crs) = code.parse().ok().and_then(Crs::from_epsg) {
                return Some(crs);
            }
        }
        let projected = w.starts_with("PROJCS") || w.starts_with("PROJCRS");
        if projected {
            let bng = w.contains("BRITISH_NATIONAL_GRID")
                || w.contains("BRITISHNATIONALGRID")
                || (w.contains("OSGB") && w.contains("TRANSVERSE_MERCATOR"));
            if bng {
                return Some(Crs::Bng);
            }
            if w.contains("PSEUDO_MERCATOR") || w.contains("PSEUDO-MERCATOR") {
                return Some(Crs::WebMercator);
            }
            return None;
        }
        let geographic = w.starts_with("GEOGCS") || w.starts_with("GEOGCRS");
        if geographic && (w.contains("WGS_1984") || w.contains("WGS84") || w.contains("WGS_84")) {
            return Some(Crs::Wgs84);
        }
        None
    }
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EPSG:{}", self.epsg())
    }
}

/// Transforms coordinates from one [`Crs`] to another. Degrees in and out for geographic CRSs.
pub struct Transformer {
    from: Crs,
    to: Crs,
    src: Proj,
    dst: Proj,
}

impl Transformer {
    pub fn new(from: Crs, to: Crs) -> Result<Self> {
        let make = |crs: Crs| {
            Proj::from_proj_string(crs.proj_string())
                .map_err(|e| Error::Invalid(format!("cannot set up {crs}: {e}")))
        };
        Ok(Self {
            from,
            to,
            src: make(from)?,
            dst: make(to)?,
        })
    }

    /// Transforms one point; `x` is easting or longitude.
    ///
    /// ```
    /// use local_atlas::data::crs::{Crs, Transformer};
    /// let t = Transformer::new(Crs::Wgs84, Crs::Bng).unwrap();
    /// let (e, n) = t.point(-2.2426, 53.4808).unwrap();
    /// // PROJ 9.5 (pyproj 3.7): 383997.4338, 398258.3158
    /// assert!((e - 383997.4338).abs() < 0.01 && (n - 398258.3158).abs() < 0.01);
    /// ```
    pub fn point(&self, x: f64, y: f64) -> Result<(f64, f64)> {
        if self.from == self.to {
            return Ok((x, y));
        }
        if !x.is_finite() || !y.is_finite() {
            return Err(Error::Invalid(format!(
                "coordinate ({x}, {y}) is not a finite number"
            )));
        }
        let mut p = if self.from.is_geographic() {
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        proj4rs::transform::transform(&self.src, &self.dst, &mut p).map_err(|e| {
            Error::Invalid(format!(
                "cannot transform ({x}, {y}) from {} to {}: {e}",
                self.from, self.to
            ))
        })?;
        let out = if self.to.is_geographic() {
            (p.0.to_degrees(), p.1.to_degrees())
        } else {
            (p.0, p.1)
        };
        if out.0.is_finite() && out.1.is_finite() {
            Ok(out)
        } else {
            Err(Error::Invalid(format!(
                "({x}, {y}) is outside the area where {} can be transformed to {}",
                self.from, self.to
            )))
        }
    }

    /// Transforms every coordinate of a geometry.
    pub fn geometry(&self, g: &Geometry<f64>) -> Result<Geometry<f64>> {
        g.try_map_coords(|c| self.point(c.x, c.y).map(|(x, y)| Coord { x, y }))
    }
}

//! GeoPackage binary geometry (OGC 12-128r18 §2.1.3): a `GP` header with the SRS id and an
//! envelope, followed by ISO WKB. Written little-endian with an XY envelope; read in either byte
//! order, with or without envelope, dropping Z/M ordinates.

use geo::{
    BoundingRect, Coord, Geometry, LineString, MultiPoint, MultiPolygon, Point, Polygon, Rect,
};

/// Why a geometry blob could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeomError {
    #[error("geometry blob is truncated")]
    Truncated,
    #[error("geometry blob does not start with the GeoPackage magic 'GP'")]
    BadMagic,
    #[error("unsupported WKB geometry type {0}")]
    UnsupportedType(u32),
    #[error("geometry is empty")]
    Empty,
}

/// Encodes a geometry as a GeoPackage blob in SRS `srs_id`.
///
/// ```
/// use local_atlas::data::gpkg_geom::{decode, encode};
/// let p = geo::Geometry::Point(geo::Point::new(383_997.4, 398_258.3));
/// let blob = encode(&p, 27700);
/// assert_eq!(&blob[0..2], b"GP");
/// assert_eq!(decode(&blob).unwrap().1, p);
/// ```
pub fn encode(g: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    let rect = g.bounding_rect();
    let envelope_flag: u8 = if rect.is_some() { 1 } else { 0 };
    let empty_flag: u8 = if rect.is_none() { 1 << 4 } else { 0 };
    out.push(1 | (envelope_flag << 1) | empty_flag);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = rect {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    write_wkb(&mut out, g);
    out
}

/// Envelope of a geometry (for gpkg_contents).
pub fn envelope(g: &Geometry<f64>) -> Option<Rect<f64>> {
    g.bounding_rect()
}

fn write_wkb(out: &mut Vec<u8>, g: &Geometry<f64>) {
    out.push(1);
    match g {
        Geometry::Point(p) => {
            out.extend_from_slice(&1u32.to_le_bytes());
            write_coord(out, p.0);
        }
        Geometry::LineString(ls) => {
            out.extend_from_slice(&2u32.to_le_bytes());
            write_ring(out, ls);
        }
        Geometry::Polygon(p) => {
            out.extend_from_slice(&3u32.to_le_bytes());
            write_polygon_body(out, p);
        }
        Geometry::MultiPoint(mp) => {
            out.extend_from_slice(&4u32.to_le_bytes());
            out.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                write_wkb(out, &Geometry::Point(*p));
            }
        }
        Geometry::MultiPolygon(mp) => {
            out.extend_from_slice(&6u32.to_le_bytes());
            out.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                out.push(1);
                out.extend_from_slice(&3u32.to_le_bytes());
                write_polygon_body(out, p);
            }
        }
        other => {
            // Only the types the workspace stores reach here; store others as their hull-free
            // multipolygon equivalent is not meaningful, so write an empty geometry collection.
            let _ = other;
            out.extend_from_slice(&7u32.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
        }
    }
}

fn write_coord(out: &mut Vec<u8>, c: Coord<f64>) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn write_ring(out: &mut Vec<u8>, ls: &LineString<f64>) {
    out.extend_from_slice(&(ls.0.len() as u32).to_le_bytes());
    for c in &ls.0 {
        write_coord(out, *c);
    }
}

fn write_polygon_body(out: &mut Vec<u8>, p: &Polygon<f64>) {
    out.extend_from_slice(&(1 + p.interiors().len() as u32).to_le_bytes());
    write_ring(out, p.exterior());
    for r in p.interiors() {
        write_ring(out, r);
    }
}

/// Decodes a GeoPackage blob into its SRS id and geometry.
pub fn decode(blob: &[u8]) -> Result<(i32, Geometry<f64>), GeomError> {
    if blob.len() < 8 {
        return Err(GeomError::Truncated);
    }
    if &blob[0..2] != b"GP" {
        return Err(GeomError::BadMagic);
    }
    let flags = blob[3];
    let little = flags & 1 == 1;
    let srs_bytes: [u8; 4] = [blob[4], blob[5], blob[6], blob[7]];
    let srs_id = if little {
        i32::from_le_bytes(srs_bytes)
    } else {
        i32::from_be_bytes(srs_bytes)
    };
    let envelope_len = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return Err(GeomError::Truncated),
    };
    if flags & (1 << 4) != 0 {
        return Err(GeomError::Empty);
    }
    let mut r = WkbReader {
        buf: blob,
        pos: 8 + envelope_len,
        little: true,
    };
    let g = r.geometry()?;
    Ok((srs_id, g))
}

/// Decodes plain WKB.
pub fn decode_wkb(wkb: &[u8]) -> Result<Geometry<f64>, GeomError> {
    WkbReader {
        buf: wkb,
        pos: 0,
        little: true,
    }
    .geometry()
}

struct WkbReader<'a> {
    buf: &'a [u8],
    pos: usize,
    little: bool,
}

impl WkbReader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], GeomError> {
        let end = self.pos.checked_add(N).ok_or(GeomError::Truncated)?;
        let slice = self.buf.get(self.pos..end).ok_or(GeomError::Truncated)?;
        self.pos = end;
        let mut a = [0u8; N];
        a.copy_from_slice(slice);
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, GeomError> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn f64(&mut self) -> Result<f64, GeomError> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    /// A count that cannot exceed what the rest of the buffer could hold.
    fn count(&mut self, min_item_bytes: usize) -> Result<usize, GeomError> {
        let n = self.u32()? as usize;
        let left = self.buf.len().saturating_sub(self.pos);
        if n.saturating_mul(min_item_bytes) > left {
            return Err(GeomError::Truncated);
        }
        Ok(n)
    }
    fn coord(&mut self, dims: usize) -> Result<Coord<f64>, GeomError> {
        let x = self.f64()?;
        let y = self.f64()?;
        for _ in 2..dims {
            self.f64()?;
        }
        Ok(Coord { x, y })
    }
    fn ring(&mut self, dims: usize) -> Result<LineString<f64>, GeomError> {
        let n = self.count(16)?;
        (0..n)
            .map(|_| self.coord(dims))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    }
    fn polygon(&mut self, dims: usize) -> Result<Polygon<f64>, GeomError> {
        let n = self.count(4)?;
        let mut rings = (0..n)
            .map(|_| self.ring(dims))
            .collect::<Result<Vec<_>, _>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString(vec![]), vec![]));
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    }
    fn header(&mut self) -> Result<(u32, usize), GeomError> {
        let order = self.take::<1>()?[0];
        self.little = order == 1;
        let raw = self.u32()?;
        // ISO (1000s) and EWKB (high bits) Z/M flags.
        let ewkb_z = raw & 0x8000_0000 != 0;
        let ewkb_m = raw & 0x4000_0000 != 0;
        let code = raw & 0x0FFF_FFFF;
        let (base, iso_dims) = (code % 1000, code / 1000);
        let dims = match iso_dims {
            0 => 2 + usize::from(ewkb_z) + usize::from(ewkb_m),
            1 | 2 => 3,
            3 => 4,
            _ => return Err(GeomError::UnsupportedType(raw)),
        };
        if raw & 0x2000_0000 != 0 {
            self.u32()?; // EWKB SRID
        }
        Ok((base, dims))
    }
    fn geometry(&mut self) -> Result<Geometry<f64>, GeomError> {
        let (kind, dims) = self.header()?;
        match kind {
            1 => Ok(Geometry::Point(Point(self.coord(dims)?))),
            2 => Ok(Geometry::LineString(self.ring(dims)?)),
            3 => Ok(Geometry::Polygon(self.polygon(dims)?)),
            4 => {
                let n = self.count(21)?;
                let mut pts = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry()? {
                        Geometry::Point(p) => pts.push(p),
                        _ => return Err(GeomError::UnsupportedType(4)),
                    }
                }
                Ok(Geometry::MultiPoint(MultiPoint(pts)))
            }
            6 => {
                let n = self.count(9)?;
                let mut polys = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry()? {
                        Geometry::Polygon(p) => polys.push(p),
                        _ => return Err(GeomError::UnsupportedType(6)),
                    }
                }
                Ok(Geometry::MultiPolygon(MultiPolygon(polys)))
            }
            other => Err(GeomError::UnsupportedType(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn multipolygon_with_hole_round_trips() {
        let p = polygon!(
            exterior: [(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 0.)],
            interiors: [[(x: 2., y: 1.), (x: 8., y: 1.), (x: 8., y: 7.), (x: 2., y: 1.)]],
        );
        let g = Geometry::MultiPolygon(MultiPolygon(vec![p.clone(), p]));
        let blob = encode(&g, 27700);
        let (srs, back) = decode(&blob).unwrap();
        assert_eq!(srs, 27700);
        assert_eq!(back, g);
        // envelope present: minx maxx miny maxy
        assert_eq!(f64::from_le_bytes(blob[16..24].try_into().unwrap()), 10.0);
    }

    #[test]
    fn truncated_blob_is_an_error_not_a_panic() {
        let g = Geometry::Point(Point::new(1.0, 2.0));
        let blob = encode(&g, 4326);
        for cut in 0..blob.len() {
            assert!(decode(&blob[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = blob.clone();
        huge.truncate(40 + 5);
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&huge).is_err());
    }
}

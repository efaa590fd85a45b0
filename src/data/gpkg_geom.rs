//! GeoPackage binary geometry (OGC 12-128r18 §2.1.3): a `GP` header with the SRS id and an
//! envelope, followed by ISO WKB. Written little-endian with an XY envelope; read in either byte
//! order, with or without envelope, dropping Z/M ordinates.
//!
//! The bytes may come from anyone's file, so the reader never panics, never allocates from a
//! count the remaining bytes could not hold, descends at most one level (a multi-geometry's
//! members must be of its own member type, so nesting cannot exhaust the stack), and refuses
//! coordinates that are not finite numbers.

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
    #[error("geometry blob has an invalid envelope code {0} (0 to 4 are defined)")]
    BadEnvelope(u8),
    #[error("a {container} may only hold {member}s, not WKB type {found}")]
    WrongMember {
        container: &'static str,
        member: &'static str,
        found: u32,
    },
    #[error("coordinate {index} is not a finite number")]
    NonFinite { index: usize },
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
        other => return Err(GeomError::BadEnvelope(other)),
    };
    if flags & (1 << 4) != 0 {
        return Err(GeomError::Empty);
    }
    let wkb = blob.get(8 + envelope_len..).ok_or(GeomError::Truncated)?;
    Ok((srs_id, decode_wkb(wkb)?))
}

/// Decodes plain WKB (points, line strings, polygons, multipoints, multipolygons; Z and M
/// dropped).
///
/// ```
/// use local_atlas::data::gpkg_geom::{GeomError, decode_wkb};
/// // A little-endian POINT (1 2).
/// let mut wkb = vec![1u8, 1, 0, 0, 0];
/// wkb.extend_from_slice(&1f64.to_le_bytes());
/// wkb.extend_from_slice(&2f64.to_le_bytes());
/// assert_eq!(decode_wkb(&wkb), Ok(geo::Geometry::Point(geo::Point::new(1.0, 2.0))));
/// // A ring claiming 4 billion points in 9 bytes is refused before anything is allocated.
/// let lie = [1u8, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
/// assert_eq!(decode_wkb(&lie), Err(GeomError::Truncated));
/// ```
pub fn decode_wkb(wkb: &[u8]) -> Result<Geometry<f64>, GeomError> {
    let mut r = WkbReader {
        buf: wkb,
        pos: 0,
        little: true,
        coords: 0,
    };
    r.geometry()
}

struct WkbReader<'a> {
    buf: &'a [u8],
    pos: usize,
    little: bool,
    /// Coordinates read so far (to name a non-finite one).
    coords: usize,
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
    /// One position: x and y (finite), further ordinates skipped.
    fn coord(&mut self, dims: usize) -> Result<Coord<f64>, GeomError> {
        let x = self.f64()?;
        let y = self.f64()?;
        for _ in 2..dims {
            self.f64()?;
        }
        let index = self.coords;
        self.coords += 1;
        if !(x.is_finite() && y.is_finite()) {
            return Err(GeomError::NonFinite { index });
        }
        Ok(Coord { x, y })
    }
    fn ring(&mut self, dims: usize) -> Result<LineString<f64>, GeomError> {
        let n = self.count(8 * dims)?;
        let mut coords = Vec::with_capacity(n);
        for _ in 0..n {
            coords.push(self.coord(dims)?);
        }
        Ok(LineString(coords))
    }
    /// A point: `POINT EMPTY` is written as NaN NaN in WKB.
    fn point(&mut self, dims: usize) -> Result<Point<f64>, GeomError> {
        let (x, y) = (self.peek_f64(0), self.peek_f64(8));
        if x.is_some_and(f64::is_nan) && y.is_some_and(f64::is_nan) {
            return Err(GeomError::Empty);
        }
        Ok(Point(self.coord(dims)?))
    }
    fn peek_f64(&self, offset: usize) -> Option<f64> {
        let start = self.pos.checked_add(offset)?;
        let b: [u8; 8] = self
            .buf
            .get(start..start.checked_add(8)?)?
            .try_into()
            .ok()?;
        Some(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    fn polygon(&mut self, dims: usize) -> Result<Polygon<f64>, GeomError> {
        let n = self.count(4)?;
        let mut rings = Vec::with_capacity(n);
        for _ in 0..n {
            rings.push(self.ring(dims)?);
        }
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
            1 => Ok(Geometry::Point(self.point(dims)?)),
            2 => Ok(Geometry::LineString(self.ring(dims)?)),
            3 => Ok(Geometry::Polygon(self.polygon(dims)?)),
            4 => {
                let n = self.count(21)?;
                let mut pts = Vec::with_capacity(n);
                for _ in 0..n {
                    let dims = self.member("multipoint", "point", 1)?;
                    pts.push(self.point(dims)?);
                }
                Ok(Geometry::MultiPoint(MultiPoint(pts)))
            }
            6 => {
                let n = self.count(9)?;
                let mut polys = Vec::with_capacity(n);
                for _ in 0..n {
                    let dims = self.member("multipolygon", "polygon", 3)?;
                    polys.push(self.polygon(dims)?);
                }
                Ok(Geometry::MultiPolygon(MultiPolygon(polys)))
            }
            other => Err(GeomError::UnsupportedType(other)),
        }
    }
    /// The header of a multi-geometry's member, which must be of type `kind` (so members are
    /// never multi-geometries themselves and nothing nests deeper).
    fn member(
        &mut self,
        container: &'static str,
        member: &'static str,
        kind: u32,
    ) -> Result<usize, GeomError> {
        let (found, dims) = self.header()?;
        if found != kind {
            return Err(GeomError::WrongMember {
                container,
                member,
                found,
            });
        }
        Ok(dims)
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

    fn point_wkb(x: f64, y: f64) -> Vec<u8> {
        let mut w = vec![1u8, 1, 0, 0, 0];
        w.extend_from_slice(&x.to_le_bytes());
        w.extend_from_slice(&y.to_le_bytes());
        w
    }

    #[test]
    fn deeply_nested_collections_stop_at_the_first_wrong_member() {
        // 200,000 multipolygons each claiming one member: before the member-type check this
        // recursed once per level and overflowed the stack.
        let level = [1u8, 6, 0, 0, 0, 1, 0, 0, 0];
        let wkb: Vec<u8> = level
            .iter()
            .copied()
            .cycle()
            .take(level.len() * 200_000)
            .collect();
        let e = decode_wkb(&wkb).unwrap_err();
        assert_eq!(
            e,
            GeomError::WrongMember {
                container: "multipolygon",
                member: "polygon",
                found: 6
            }
        );
    }

    #[test]
    fn non_finite_coordinates_and_bad_envelopes_are_reported() {
        assert_eq!(
            decode_wkb(&point_wkb(f64::INFINITY, 1.0)),
            Err(GeomError::NonFinite { index: 0 })
        );
        assert_eq!(
            decode_wkb(&point_wkb(f64::NAN, f64::NAN)),
            Err(GeomError::Empty)
        );
        let mut ring = vec![1u8, 2, 0, 0, 0, 2, 0, 0, 0];
        for v in [0.0, 0.0, 1.0, f64::NAN] {
            ring.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(decode_wkb(&ring), Err(GeomError::NonFinite { index: 1 }));
        let mut blob = encode(&Geometry::Point(Point::new(1.0, 2.0)), 27700);
        blob[3] = 1 | (5 << 1);
        assert_eq!(decode(&blob), Err(GeomError::BadEnvelope(5)));
    }

    fn ring_strategy() -> impl proptest::strategy::Strategy<Value = LineString<f64>> {
        proptest::collection::vec((-1e6f64..1e6, -1e6f64..1e6), 3..12).prop_map(LineString::from)
    }

    fn polygon_strategy() -> impl proptest::strategy::Strategy<Value = Polygon<f64>> {
        (
            ring_strategy(),
            proptest::collection::vec(ring_strategy(), 0..3),
        )
            .prop_map(|(ext, holes)| Polygon::new(ext, holes))
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode(&bytes);
            let _ = decode_wkb(&bytes);
            let mut blob = b"GP\0\x01\0\0\0\0".to_vec();
            blob.extend_from_slice(&bytes);
            let _ = decode(&blob);
        }

        #[test]
        fn damaged_blobs_never_panic(
            p in polygon_strategy(),
            damage in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut blob = encode(&Geometry::MultiPolygon(MultiPolygon(vec![p])), 27700);
            for (at, v) in damage {
                let i = at % blob.len();
                blob[i] = v;
            }
            let _ = decode(&blob);
            let _ = decode(&blob[..cut % (blob.len() + 1)]);
        }

        #[test]
        fn polygons_round_trip(parts in proptest::collection::vec(polygon_strategy(), 1..4), srs in any::<i32>()) {
            let single = Geometry::Polygon(parts[0].clone());
            prop_assert_eq!(decode(&encode(&single, srs)), Ok((srs, single)));
            let multi = Geometry::MultiPolygon(MultiPolygon(parts));
            prop_assert_eq!(decode(&encode(&multi, srs)), Ok((srs, multi)));
        }
    }
}

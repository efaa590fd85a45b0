//! A synthetic tessellation for benchmarks and frame-time tests: a jittered grid of
//! quadrilateral cells in British National Grid metres, each edge subdivided into jittered
//! segments so a cell has about as many vertices as a real generalised LSOA. Neighbouring cells
//! compute every shared vertex from the same lattice key, so shared vertices are bit-identical
//! and contiguity works as on real boundaries. **Synthetic: never present it as real data.**

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// A generated cell: a code (`SYN000001`…), its polygon and a smooth synthetic value.
pub struct SyntheticArea {
    pub code: String,
    pub geometry_bng: MultiPolygon<f64>,
    pub value: f64,
}

/// SplitMix64: a tiny, well-known hash used to jitter vertices deterministically.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(key: u64) -> f64 {
    (mix(key) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
}

/// `cols × rows` cells of `cell_m` metres, `segments` segments per edge, starting at the BNG
/// point (`x0`, `y0`).
///
/// ```
/// use local_atlas::data::synthetic::tessellation;
/// let cells = tessellation(4, 3, 500.0, 3);
/// assert_eq!(cells.len(), 12);
/// // 4 edges × 3 segments, closed ring: 13 coordinates.
/// assert_eq!(cells[0].geometry_bng.0[0].exterior().0.len(), 13);
/// ```
pub fn tessellation(cols: usize, rows: usize, cell_m: f64, segments: usize) -> Vec<SyntheticArea> {
    cells(cols, rows, cell_m, segments).collect()
}

/// The cells of [`tessellation`] one at a time, row by row (the same cells in the same order),
/// so a writer of a national-size file never holds every polygon at once.
///
/// ```
/// use local_atlas::data::synthetic::{cells, tessellation};
/// let streamed: Vec<String> = cells(5, 2, 400.0, 4).map(|c| c.code).collect();
/// let held: Vec<String> = tessellation(5, 2, 400.0, 4).into_iter().map(|c| c.code).collect();
/// assert_eq!(streamed, held);
/// assert_eq!(streamed[9], "SYN000010");
/// ```
pub fn cells(
    cols: usize,
    rows: usize,
    cell_m: f64,
    segments: usize,
) -> impl Iterator<Item = SyntheticArea> {
    let (x0, y0) = (350_000.0, 380_000.0);
    let segments = segments.max(1);
    let corner = move |i: usize, j: usize| -> Coord<f64> {
        let key = ((i as u64) << 32) | j as u64;
        Coord {
            x: x0 + i as f64 * cell_m + 0.3 * cell_m * unit(key),
            y: y0 + j as f64 * cell_m + 0.3 * cell_m * unit(key ^ 0xABCD),
        }
    };
    // Point s (1..segments-1) along the edge between two corners, keyed by the edge so both
    // cells sharing it compute the same coordinates.
    let edge_point = move |a: (usize, usize), b: (usize, usize), s: usize| -> Coord<f64> {
        let (lo, hi, t) = if a <= b {
            (a, b, s)
        } else {
            (b, a, segments - s)
        };
        let (p, q) = (corner(lo.0, lo.1), corner(hi.0, hi.1));
        let f = t as f64 / segments as f64;
        let key = mix(((lo.0 as u64) << 48)
            ^ ((lo.1 as u64) << 32)
            ^ ((hi.0 as u64) << 16)
            ^ hi.1 as u64
            ^ t as u64);
        let wobble = 0.08 * cell_m * unit(key);
        Coord {
            x: p.x + (q.x - p.x) * f + wobble,
            y: p.y + (q.y - p.y) * f - wobble,
        }
    };
    (0..rows).flat_map(move |r| {
        (0..cols).map(move |c| {
            let ring_corners = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)];
            let mut ring = Vec::with_capacity(4 * segments + 1);
            for k in 0..4 {
                let (a, b) = (ring_corners[k], ring_corners[(k + 1) % 4]);
                ring.push(corner(a.0, a.1));
                ring.extend((1..segments).map(|s| edge_point(a, b, s)));
            }
            ring.push(corner(c, r));
            SyntheticArea {
                code: cell_code(r * cols + c),
                geometry_bng: MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]),
                value: cell_value(c, r, cols, rows),
            }
        })
    })
}

/// The code of the `index`-th cell (0-based, row by row): `SYN000001`, `SYN000002`, …
pub fn cell_code(index: usize) -> String {
    format!("SYN{:06}", index + 1)
}

/// The smooth synthetic value of the cell in column `c`, row `r` of a `cols × rows` grid (what
/// [`cells`] gives it), without building its polygon: a sine surface plus deterministic noise.
pub fn cell_value(c: usize, r: usize, cols: usize, rows: usize) -> f64 {
    let (fx, fy) = (c as f64 / cols.max(1) as f64, r as f64 / rows.max(1) as f64);
    50.0 + 20.0 * (6.0 * fx).sin() * (4.0 * fy).cos()
        + 10.0 * unit(((c as u64) << 32) ^ r as u64 ^ 0x5EED)
}

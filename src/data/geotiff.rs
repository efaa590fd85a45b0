//! Writing a density grid as a GeoTIFF: one Float32 band, uncompressed, row 0 at the top (as
//! TIFF expects), georeferenced in British National Grid (EPSG:27700) by a ModelTiepoint (the
//! top-left corner of the top-left cell), a ModelPixelScale (the cell size) and the GeoKeys of
//! a projected CRS with pixels as areas, so GDAL and QGIS place it without a side-car file.
//! Encoded with the `tiff` crate (its encoder writes the GeoTIFF tags as plain TIFF tags).

use crate::error::{Error, Result};
use std::io::Cursor;
use tiff::encoder::{TiffEncoder, colortype::Gray32Float};
use tiff::tags::Tag;

/// EPSG code of British National Grid.
pub const EPSG_BNG: u16 = 27700;

/// GeoKeyDirectory: version 1.1.0, four keys — model type projected (1), raster type pixel is
/// area (1), projected CRS EPSG:27700, linear unit metre (EPSG 9001).
const GEO_KEYS: [u16; 20] = [
    1, 1, 0, 4, //
    1024, 0, 1, 1, //
    1025, 0, 1, 1, //
    3072, 0, 1, EPSG_BNG, //
    3076, 0, 1, 9001,
];

/// A grid of values in British National Grid metres (a density surface, as `kde` makes it).
#[derive(Debug, Clone, Copy)]
pub struct BngGrid<'a> {
    /// Lower-left corner of cell (0, 0).
    pub origin_bng: [f64; 2],
    pub cell_m: f64,
    pub cols: usize,
    pub rows: usize,
    /// Row-major, row 0 at the bottom.
    pub values: &'a [f64],
}

/// The grid as GeoTIFF bytes (values as `f32`).
///
/// ```
/// use local_atlas::data::geotiff::{BngGrid, geotiff_bytes};
/// let values = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
/// let grid = BngGrid { origin_bng: [380_000.0, 390_000.0], cell_m: 100.0, cols: 3, rows: 2,
///     values: &values };
/// let tif = geotiff_bytes(&grid).unwrap();
/// assert_eq!(&tif[..4], b"II*\0");
/// ```
pub fn geotiff_bytes(grid: &BngGrid<'_>) -> Result<Vec<u8>> {
    let fail = |e: tiff::TiffError| Error::Invalid(format!("cannot encode the GeoTIFF: {e}"));
    let (cols, rows) = (grid.cols, grid.rows);
    if grid.values.len() != cols * rows || cols == 0 || rows == 0 {
        return Err(Error::Invalid("the density grid is malformed".into()));
    }
    let width = u32::try_from(cols).map_err(|_| Error::Invalid("grid too wide".into()))?;
    let height = u32::try_from(rows).map_err(|_| Error::Invalid("grid too tall".into()))?;
    // Top row first: the grid's row 0 is at the bottom.
    let samples: Vec<f32> = (0..rows)
        .rev()
        .flat_map(|row| grid.values[row * cols..(row + 1) * cols].iter())
        .map(|&v| v as f32)
        .collect();
    let top = grid.origin_bng[1] + rows as f64 * grid.cell_m;
    let mut out = Cursor::new(Vec::new());
    {
        let mut encoder = TiffEncoder::new(&mut out).map_err(fail)?;
        let mut image = encoder
            .new_image::<Gray32Float>(width, height)
            .map_err(fail)?;
        let dir = image.encoder();
        dir.write_tag(
            Tag::ModelPixelScaleTag,
            &[grid.cell_m, grid.cell_m, 0.0][..],
        )
        .map_err(fail)?;
        dir.write_tag(
            Tag::ModelTiepointTag,
            &[0.0, 0.0, 0.0, grid.origin_bng[0], top, 0.0][..],
        )
        .map_err(fail)?;
        dir.write_tag(Tag::GeoKeyDirectoryTag, &GEO_KEYS[..])
            .map_err(fail)?;
        image.write_data(&samples).map_err(fail)?;
    }
    Ok(out.into_inner())
}

//! Colouring a density surface: a sequential palette stretched linearly from 0 to the highest
//! density, see-through near 0 (so the map under it shows where nothing happens) and fading in
//! over the lowest [`FADE`] of the range, at the layer's opacity.

use super::palette;
use crate::render::RenderError;
use crate::render::scene::Colour;

/// Share of the range (from 0) over which the surface fades in from transparent.
pub const FADE: f64 = 0.05;
/// Colours in the ramp.
const STEPS: usize = 64;
/// Default palette of a density layer.
pub const DEFAULT_PALETTE: &str = "YlOrRd";

/// The ramp of palette `name` (reversed if asked), low to high.
pub fn ramp(name: &str, reverse: bool) -> Result<Vec<Colour>, RenderError> {
    palette::colours(name, STEPS, reverse)
}

/// RGBA pixels (straight alpha, row 0 at the top) of a grid whose `values` are row-major with
/// row 0 at the bottom, coloured by `ramp` from 0 to `max`.
///
/// ```
/// use local_atlas::render::scene::Colour;
/// use local_atlas::render::symbology::density::rgba;
/// let ramp = [Colour::rgb(0, 0, 0), Colour::rgb(255, 0, 0)];
/// // Two rows: the bottom one (row 0) empty, the top one at the maximum.
/// let px = rgba(&[0.0, 4.0], 1, 2, 4.0, &ramp, 1.0);
/// assert_eq!(px, vec![255, 0, 0, 255, 0, 0, 0, 0]);
/// ```
pub fn rgba(
    values: &[f64],
    cols: usize,
    rows: usize,
    max: f64,
    ramp: &[Colour],
    opacity: f64,
) -> Vec<u8> {
    let mut out = vec![0u8; 4 * cols * rows];
    if ramp.is_empty() || !(max.is_finite() && max > 0.0) {
        return out;
    }
    let opacity = opacity.clamp(0.0, 1.0);
    for row in 0..rows {
        let top_row = rows - 1 - row;
        for col in 0..cols {
            let v = values.get(row * cols + col).copied().unwrap_or(0.0);
            let t = (v / max).clamp(0.0, 1.0);
            if t.is_nan() || t <= 0.0 {
                continue;
            }
            let i = ((t * ramp.len() as f64) as usize).min(ramp.len() - 1);
            let c = ramp[i];
            let fade = (t / FADE).min(1.0);
            let a = (255.0 * opacity * fade).round() as u8;
            let at = 4 * (top_row * cols + col);
            if let Some(px) = out.get_mut(at..at + 4) {
                px.copy_from_slice(&[c.r, c.g, c.b, a]);
            }
        }
    }
    out
}

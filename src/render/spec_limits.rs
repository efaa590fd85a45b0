//! Limits on what a map recipe may ask for: text lengths, the number of layers, and the sizes
//! and shares of layers. A recipe saved in a workspace or given as a file is user input: a
//! 1 MB title or 2,000 labelled layers would take minutes and gigabytes to draw.

use super::spec::{LayerSpec, MapSpec};

/// The longest title, subtitle, note, source line or legend/layer title: 1,000 characters,
/// several lines of small print on an A4 page; more is never a map's text.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// The most layers of one map: 100. Every layer is drawn and (outlines with labels) placed
/// label by label; 2,000 labelled outline layers took a minute and 1.4 GB.
pub const MAX_LAYERS: usize = 100;

/// The widest outline and the largest point symbol, in millimetres: 50.
pub const MAX_SYMBOL_MM: f64 = 50.0;

impl MapSpec {
    /// The first limit this recipe breaks, as a message naming the field and the limit.
    ///
    /// ```
    /// use local_atlas::render::spec::MapSpec;
    /// assert!(MapSpec::default().check_limits().is_ok());
    /// let long = MapSpec { title: "x".repeat(1001), ..MapSpec::default() };
    /// assert!(long.check_limits().unwrap_err().contains("title"));
    /// ```
    pub fn check_limits(&self) -> Result<(), String> {
        if self.layers.len() > MAX_LAYERS {
            return Err(format!(
                "{} layers is more than the {MAX_LAYERS} a map can have; draw fewer layers",
                self.layers.len()
            ));
        }
        let texts = [
            ("title", Some(&self.title)),
            ("subtitle", Some(&self.subtitle)),
            ("note", Some(&self.note)),
            ("source", self.source.as_ref()),
            ("legend title", self.legend.title.as_ref()),
        ];
        for (what, text) in texts {
            check_text(what, text.map(String::as_str))?;
        }
        self.layers.iter().try_for_each(check_layer)
    }
}

fn check_text(what: &str, text: Option<&str>) -> Result<(), String> {
    let Some(text) = text else { return Ok(()) };
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(format!(
            "the {what} is {n} characters long, more than the {MAX_TEXT_CHARS} a map shows; shorten it"
        ));
    }
    Ok(())
}

/// A layer's sizes and shares: finite and within range (they reach the layout's maths).
fn check_layer(layer: &LayerSpec) -> Result<(), String> {
    let mm = |what: &str, v: f64| {
        if v.is_finite() && (0.0..=MAX_SYMBOL_MM).contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "{what} = {v} is not usable; use 0 to {MAX_SYMBOL_MM} mm"
            ))
        }
    };
    match layer {
        LayerSpec::Outline { width_mm, .. } => mm("width_mm of an outline layer", *width_mm),
        LayerSpec::Points { size_mm, title, .. } => {
            mm("size_mm of a point layer", *size_mm)?;
            check_text("title of a point layer", title.as_deref())
        }
        LayerSpec::Hatch { of: Some(of), .. } if !(of.is_finite() && *of >= 1.0) => Err(format!(
            "of = {of} of a hatch layer is not the size of a ranking; give the number of areas ranked (e.g. 32844)"
        )),
        LayerSpec::Density {
            bandwidth_m,
            cell_m,
            opacity,
            title,
            ..
        } => {
            for (what, v) in [("bandwidth_m", *bandwidth_m), ("cell_m", *cell_m)] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(format!(
                        "{what} = {v} of a density layer is not usable; give a positive number of metres (e.g. 500 and 100)"
                    ));
                }
            }
            if !(0.0..=1.0).contains(opacity) {
                return Err(format!(
                    "opacity = {opacity} of a density layer is not usable; use 0 to 1"
                ));
            }
            check_text("title of a density layer", title.as_deref())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_layers_and_bad_sizes_are_refused() {
        let outline = |w: f64| LayerSpec::Outline {
            geography: "g".into(),
            colour: "#000000".into(),
            width_mm: w,
            labels: true,
        };
        let many = MapSpec {
            layers: vec![outline(0.4); MAX_LAYERS + 1],
            ..MapSpec::default()
        };
        assert!(many.check_limits().unwrap_err().contains("layers"));
        let nan = MapSpec {
            layers: vec![outline(f64::NAN)],
            ..MapSpec::default()
        };
        assert!(nan.check_limits().unwrap_err().contains("width_mm"));
        let note = MapSpec {
            note: "é".repeat(MAX_TEXT_CHARS),
            ..MapSpec::default()
        };
        assert!(note.check_limits().is_ok(), "the limit is in characters");
    }
}

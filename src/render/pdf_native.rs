//! Big map layers written straight into PDF operators, for pages too big for the SVG route to
//! be quick (a national map: 32,844 areas, 1.3 M points). Plain polygons (solid or hatched
//! fill, solid or dashed opaque stroke) in their groups and clips become a Form XObject in
//! millimetres, compressed at a fast deflate level; svg2pdf would format the same paths as
//! SVG, parse them back and compress them at level 6, over half of such a page's time. Text,
//! symbols and translucent colours stay on the SVG route (they need fonts and graphics states).

use super::scene::{Colour, Fill, Group, Item, PathItem, PointMm, Scene, Stroke};

/// Whether the PDF operators here can draw `item` exactly as the SVG route would.
pub fn drawable(item: &Item) -> bool {
    let opaque = |c: &Colour| c.a == 255;
    match item {
        Item::Path(p) => {
            let fill = match &p.fill {
                Fill::None => true,
                Fill::Solid(c) => opaque(c),
                Fill::Hatch { colour, .. } => opaque(colour),
            };
            fill && p.stroke.as_ref().is_none_or(|s| opaque(&s.colour))
        }
        Item::Line(l) => opaque(&l.stroke.colour),
        Item::Group(g) => g.items.iter().all(drawable),
        Item::Text(_) | Item::Symbol(_) | Item::Image(_) => false,
    }
}

/// PDF content drawing `scene`'s groups (and its background, when opaque), in millimetres
/// with y down (as the scene is): `cm` maps them to points with y up.
pub fn content(scene: &Scene) -> Vec<u8> {
    let (groups, height_mm) = (&scene.groups, scene.height_mm);
    let mut w = Writer(Vec::with_capacity(1 << 20));
    // Points per millimetre, to 7 significant digits (the coordinates' 0.01 would shift the
    // foot of an A3 page by 1.4 pt).
    let k = 72.0 / 25.4;
    w.raw(&format!(
        "q {k:.7} 0 0 {:.7} 0 {:.5} cm 1 j\n",
        -k,
        height_mm * k
    ));
    if scene.background.a == 255 {
        w.colour(&scene.background, "rg");
        w.rect(0.0, 0.0, scene.width_mm, scene.height_mm);
        w.raw(" f\n");
    }
    for g in groups {
        w.group(g);
    }
    w.raw("Q\n");
    w.0
}

struct Writer(Vec<u8>);

impl Writer {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A number rounded to 0.01 (the SVG route's precision; exact for points in millimetres).
    fn num(&mut self, v: f64) {
        let centi = (v * 100.0).round() as i64;
        if centi < 0 {
            self.0.push(b'-');
        }
        let a = centi.unsigned_abs();
        self.raw(&(a / 100).to_string());
        let frac = a % 100;
        if frac != 0 {
            self.0.push(b'.');
            self.0.push(b'0' + (frac / 10) as u8);
            if !frac.is_multiple_of(10) {
                self.0.push(b'0' + (frac % 10) as u8);
            }
        }
    }

    fn colour(&mut self, c: &Colour, op: &str) {
        for v in [c.r, c.g, c.b] {
            self.num(f64::from(v) / 255.0);
            self.0.push(b' ');
        }
        self.raw(op);
        self.0.push(b'\n');
    }

    fn group(&mut self, g: &Group) {
        self.raw("q\n");
        if let Some(c) = g.clip {
            self.rect(c.x, c.y, c.width, c.height);
            self.raw(" W n\n");
        }
        for item in &g.items {
            match item {
                Item::Path(p) => self.path(p),
                Item::Line(l) => {
                    self.stroke_style(&l.stroke);
                    if self.points(&l.points, false) {
                        self.raw("S\n");
                    }
                }
                Item::Group(inner) => self.group(inner),
                Item::Text(_) | Item::Symbol(_) | Item::Image(_) => {}
            }
        }
        self.raw("Q\n");
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64) {
        for v in [x, y, w, h] {
            self.num(v);
            self.0.push(b' ');
        }
        self.raw("re");
    }

    fn stroke_style(&mut self, s: &Stroke) {
        self.colour(&s.colour, "RG");
        self.num(s.width_mm);
        self.raw(" w [");
        for (i, d) in s.dash_mm.iter().enumerate() {
            if i > 0 {
                self.0.push(b' ');
            }
            self.num(*d);
        }
        self.raw("] 0 d\n");
    }

    /// The points as `m`/`l` (repeats and non-finite points dropped, as the SVG route does);
    /// false when none was written.
    fn points(&mut self, points: &[PointMm], close: bool) -> bool {
        let mut last: Option<(i64, i64)> = None;
        let mut written = 0;
        for p in points {
            if !(p.x.is_finite() && p.y.is_finite()) {
                continue;
            }
            let key = ((p.x * 100.0).round() as i64, (p.y * 100.0).round() as i64);
            if last == Some(key) {
                continue;
            }
            self.num(p.x);
            self.0.push(b' ');
            self.num(p.y);
            self.raw(if written == 0 { " m\n" } else { " l\n" });
            last = Some(key);
            written += 1;
        }
        if close && written > 0 {
            self.raw("h\n");
        }
        written > 0
    }

    fn rings(&mut self, p: &PathItem) -> bool {
        let mut any = false;
        for ring in &p.rings {
            any |= self.points(ring, true);
        }
        any
    }

    /// A polygon (even-odd, as the SVG route's `fill-rule`): fill then stroke, a hatch drawn
    /// as lines clipped to the shape.
    fn path(&mut self, p: &PathItem) {
        if let Some(s) = &p.stroke {
            self.stroke_style(s);
        }
        if let Fill::Hatch {
            colour,
            spacing_mm,
            angle_deg,
            width_mm,
        } = &p.fill
        {
            self.hatch(p, colour, *spacing_mm, *angle_deg, *width_mm);
            if let Some(s) = &p.stroke {
                self.stroke_style(s);
                if self.rings(p) {
                    self.raw("S\n");
                }
            }
            return;
        }
        if let Fill::Solid(c) = &p.fill {
            self.colour(c, "rg");
        }
        if !self.rings(p) {
            return;
        }
        let op = match (&p.fill, &p.stroke) {
            (Fill::Solid(_), Some(_)) => "B*\n",
            (Fill::Solid(_), None) => "f*\n",
            (_, Some(_)) => "S\n",
            _ => "n\n",
        };
        self.raw(op);
    }

    /// Parallel lines `spacing_mm` apart at `angle_deg` (clockwise from horizontal, y down),
    /// clipped to the shape. The lines lie where the SVG route's pattern puts them (its cell,
    /// rotated about the origin, has its line half a spacing in), so hatches of neighbouring
    /// areas join up as they do there.
    fn hatch(&mut self, p: &PathItem, c: &Colour, spacing_mm: f64, angle_deg: f64, width_mm: f64) {
        // As the SVG route's pattern: never closer than 0.1 mm (a line count per area bounded by
        // its size).
        let spacing_mm = spacing_mm.max(0.1);
        let (sin, cos) = angle_deg.to_radians().sin_cos();
        // Each point's position across the lines (n) and along them (t).
        let (mut n0, mut n1, mut t0, mut t1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for q in p
            .rings
            .iter()
            .flatten()
            .filter(|q| q.x.is_finite() && q.y.is_finite())
        {
            let (n, t) = (-q.x * sin + q.y * cos, q.x * cos + q.y * sin);
            (n0, n1, t0, t1) = (n0.min(n), n1.max(n), t0.min(t), t1.max(t));
        }
        if n0 > n1 || !spacing_mm.is_finite() {
            return;
        }
        self.raw("q\n");
        if !self.rings(p) {
            self.raw("Q\n");
            return;
        }
        self.raw("W* n\n");
        self.colour(c, "RG");
        self.num(width_mm);
        self.raw(" w [] 0 d\n");
        let first = ((n0 - spacing_mm / 2.0) / spacing_mm).floor() as i64;
        let last = ((n1 - spacing_mm / 2.0) / spacing_mm).ceil() as i64;
        for k in first..=last {
            let n = spacing_mm / 2.0 + k as f64 * spacing_mm;
            for (t, op) in [(t0 - width_mm, " m "), (t1 + width_mm, " l\n")] {
                self.num(-n * sin + t * cos);
                self.0.push(b' ');
                self.num(n * cos + t * sin);
                self.raw(op);
            }
        }
        self.raw("S\nQ\n");
    }
}

/// `content` deflated at level 1: about as small as svg2pdf's level 6 on map paths, and
/// several times faster.
pub fn compress(content: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(content, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(fill: Fill, stroke: Option<Stroke>) -> Item {
        let p = |x: f64, y: f64| PointMm { x, y };
        Item::Path(PathItem {
            rings: vec![vec![
                p(0.0, 0.0),
                p(10.0, 0.0),
                p(10.0, 10.0),
                p(0.0, 10.0),
                p(0.0, 0.0),
            ]],
            fill,
            stroke,
            code: None,
            label: None,
        })
    }

    fn page(g: Group, height_mm: f64) -> Scene {
        Scene {
            width_mm: 100.0,
            height_mm,
            background: Colour::TRANSPARENT,
            groups: vec![g],
            title: String::new(),
            dropped_labels: Vec::new(),
        }
    }

    #[test]
    fn a_filled_stroked_square_becomes_one_even_odd_fill_and_stroke() {
        let mut g = Group::new("areas", "Areas");
        g.items = vec![square(
            Fill::Solid(Colour::rgb(255, 0, 0)),
            Some(Stroke::solid(Colour::WHITE, 0.1)),
        )];
        let text = String::from_utf8(content(&page(g, 297.0))).unwrap();
        assert!(
            text.starts_with("q 2.8346457 0 0 -2.8346457 0 841.88976 cm 1 j"),
            "{text}"
        );
        assert!(
            text.contains("1 0 0 rg\n0 0 m\n10 0 l\n10 10 l\n0 10 l\n0 0 l\nh\nB*\n"),
            "{text}"
        );
        assert!(text.contains("1 1 1 RG\n0.1 w [] 0 d\n"), "{text}");
        assert_eq!(text.matches('q').count(), text.matches('Q').count());
    }

    #[test]
    fn hatches_are_clipped_lines_and_translucent_colours_are_not_drawn_here() {
        let hatch = Fill::Hatch {
            colour: Colour::BLACK,
            spacing_mm: 2.0,
            angle_deg: 45.0,
            width_mm: 0.2,
        };
        let mut g = Group::new("areas", "Areas");
        g.items = vec![square(hatch, None)];
        let text = String::from_utf8(content(&page(g.clone(), 100.0))).unwrap();
        assert!(text.contains("h\nW* n\n0 0 0 RG\n0.2 w [] 0 d\n"), "{text}");
        assert!(text.matches(" l\n").count() >= 8, "{text}");
        assert!(drawable(&Item::Group(g)));
        let faint = square(
            Fill::Solid(Colour {
                a: 128,
                ..Colour::WHITE
            }),
            None,
        );
        assert!(!drawable(&faint));
        assert!(compress(text.as_bytes()).len() < text.len());
    }
}

//! The SVG backend: writes a [`Scene`] as SVG 1.1 that Inkscape and Illustrator open as named
//! layers, and that resvg (PNG) and svg2pdf (PDF) render — so all three exports look the same.
//!
//! User units are millimetres (`viewBox` = page size in mm); coordinates are written to 0.01 mm
//! and points that round onto the previous one are dropped, which keeps a 35,000-area map
//! compact. Every piece of user text is XML-escaped. Hatch fills become one `<pattern>` per
//! distinct style; clipped groups get a `<clipPath>`. Everything is appended to one pre-sized
//! string.

use super::font::{FAMILY, MM_PER_PT};
use super::scene::{
    Anchor, Colour, Fill, Group, ImageItem, Item, LineItem, PathItem, PointMm, Scene, Stroke,
    SymbolItem, TextItem,
};
use super::spec::Symbol;
use std::fmt::Write;

/// Halo width around labels, in millimetres.
const HALO_MM: f64 = 0.6;

/// The scene as an SVG document.
///
/// ```
/// use local_atlas::render::scene::{Scene, Colour, Group};
/// use local_atlas::render::svg::to_svg;
/// let scene = Scene { width_mm: 210.0, height_mm: 297.0, background: Colour::WHITE,
///     groups: vec![Group::new("legend", "Legend")], title: "Crime & <ASB>".into(), dropped_labels: vec![] };
/// let svg = to_svg(&scene);
/// assert!(svg.contains(r#"width="210mm" height="297mm" viewBox="0 0 210 297""#));
/// assert!(svg.contains("<title>Crime &amp; &lt;ASB&gt;</title>"));
/// assert!(svg.contains(r#"inkscape:label="Legend""#));
/// ```
pub fn to_svg(scene: &Scene) -> String {
    let mut w = Writer {
        out: String::with_capacity(estimate(scene)),
        patterns: Vec::new(),
        ids: std::collections::HashSet::new(),
    };
    w.document(scene);
    w.out
}

/// A rough output size: 16 bytes per point plus 300 per item.
fn estimate(scene: &Scene) -> usize {
    fn items(list: &[Item]) -> usize {
        list.iter()
            .map(|i| match i {
                Item::Path(p) => 300 + 16 * p.rings.iter().map(Vec::len).sum::<usize>(),
                Item::Line(l) => 100 + 16 * l.points.len(),
                Item::Group(g) => 200 + items(&g.items),
                _ => 300,
            })
            .sum()
    }
    4096 + scene
        .groups
        .iter()
        .map(|g| 200 + items(&g.items))
        .sum::<usize>()
}

struct Writer {
    out: String,
    /// Distinct hatch styles, in order of first use (pattern ids `hatch-N`).
    patterns: Vec<(Colour, u64, u64, u64)>,
    ids: std::collections::HashSet<String>,
}

/// Escapes text for XML content and attribute values.
///
/// ```
/// use local_atlas::render::svg::escape;
/// assert_eq!(escape(r#"a<b & "c" 'd'>"#), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as references.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => s.push(c),
        }
    }
    s
}

/// An id made of `[A-Za-z0-9_-]`, starting with a letter.
///
/// ```
/// use local_atlas::render::svg::sanitise_id;
/// assert_eq!(sanitise_id("0-choropleth-imd score"), "g0-choropleth-imd_score");
/// ```
pub fn sanitise_id(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s.insert(0, 'g');
    }
    s
}

/// A number with at most 2 decimals, no trailing zeros.
fn num(out: &mut String, v: f64) {
    let r = (v * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0"
    if r.fract() == 0.0 && r.abs() < 1e15 {
        let _ = write!(out, "{}", r as i64);
    } else {
        let _ = write!(out, "{r}");
    }
}

fn centi(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

impl Writer {
    fn document(&mut self, scene: &Scene) {
        let mut body = std::mem::take(&mut self.out);
        // The body is written first (it discovers patterns and clips), then the head.
        let mut defs = String::new();
        for g in &scene.groups {
            self.out = std::mem::take(&mut body);
            self.group(g, true, &mut defs);
            body = std::mem::take(&mut self.out);
        }
        let mut head = String::with_capacity(body.len() + 2048);
        let (w, h) = (scene.width_mm, scene.height_mm);
        head.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        head.push('\n');
        head.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" version="1.1" width=""#);
        num(&mut head, w);
        head.push_str(r#"mm" height=""#);
        num(&mut head, h);
        head.push_str(r#"mm" viewBox="0 0 "#);
        num(&mut head, w);
        head.push(' ');
        num(&mut head, h);
        let _ = write!(
            head,
            "\" font-family=\"{FAMILY}\">\n<title>{}</title>\n<defs>\n",
            escape(&scene.title)
        );
        for (i, (colour, spacing, angle, width)) in self.patterns.iter().enumerate() {
            let spacing = *spacing as f64 / 100.0;
            let _ = writeln!(
                head,
                "<pattern id=\"hatch-{i}\" patternUnits=\"userSpaceOnUse\" width=\"{spacing}\" height=\"{spacing}\" patternTransform=\"rotate({})\"><line x1=\"0\" y1=\"{half}\" x2=\"{spacing}\" y2=\"{half}\" stroke=\"{}\"{} stroke-width=\"{}\"/></pattern>",
                *angle as f64 / 100.0,
                colour.hex(),
                opacity_attr("stroke-opacity", *colour),
                *width as f64 / 100.0,
                half = spacing / 2.0,
            );
        }
        head.push_str(&defs);
        head.push_str("</defs>\n");
        if scene.background.a > 0 {
            let _ = write!(head, "<rect id=\"page\" x=\"0\" y=\"0\" width=\"");
            num(&mut head, w);
            head.push_str("\" height=\"");
            num(&mut head, h);
            let _ = writeln!(
                head,
                "\" fill=\"{}\"{}/>",
                scene.background.hex(),
                opacity_attr("fill-opacity", scene.background)
            );
        }
        head.push_str(&body);
        head.push_str("</svg>\n");
        self.out = head;
    }

    fn unique_id(&mut self, id: &str) -> String {
        let base = sanitise_id(id);
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.ids.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        candidate
    }

    fn group(&mut self, g: &Group, top: bool, defs: &mut String) {
        let id = self.unique_id(&g.id);
        let _ = write!(
            self.out,
            "<g id=\"{id}\" inkscape:label=\"{}\"",
            escape(&g.label)
        );
        if top {
            self.out.push_str(" inkscape:groupmode=\"layer\"");
        }
        if let Some(clip) = g.clip {
            let clip_id = format!("clip-{id}");
            let _ = write!(defs, "<clipPath id=\"{clip_id}\"><rect x=\"");
            num(defs, clip.x);
            defs.push_str("\" y=\"");
            num(defs, clip.y);
            defs.push_str("\" width=\"");
            num(defs, clip.width);
            defs.push_str("\" height=\"");
            num(defs, clip.height);
            defs.push_str("\"/></clipPath>\n");
            let _ = write!(self.out, " clip-path=\"url(#{clip_id})\"");
        }
        self.out.push_str(">\n");
        for item in &g.items {
            match item {
                Item::Path(p) => self.path(p),
                Item::Line(l) => self.line(l),
                Item::Text(t) => self.text(t),
                Item::Symbol(s) => self.symbol(s),
                Item::Image(i) => self.image(i),
                Item::Group(inner) => self.group(inner, false, defs),
            }
        }
        self.out.push_str("</g>\n");
    }

    fn fill_attr(&mut self, fill: &Fill) {
        match fill {
            Fill::None => self.out.push_str(" fill=\"none\""),
            Fill::Solid(c) => {
                let _ = write!(
                    self.out,
                    " fill=\"{}\"{}",
                    c.hex(),
                    opacity_attr("fill-opacity", *c)
                );
            }
            Fill::Hatch {
                colour,
                spacing_mm,
                angle_deg,
                width_mm,
            } => {
                let key = (
                    *colour,
                    centi(spacing_mm.max(0.1)) as u64,
                    centi(*angle_deg).rem_euclid(36_000) as u64,
                    centi(width_mm.max(0.01)) as u64,
                );
                let index = match self.patterns.iter().position(|p| *p == key) {
                    Some(i) => i,
                    None => {
                        self.patterns.push(key);
                        self.patterns.len() - 1
                    }
                };
                let _ = write!(self.out, " fill=\"url(#hatch-{index})\"");
            }
        }
    }

    fn stroke_attr(&mut self, stroke: Option<&Stroke>) {
        let Some(s) = stroke else {
            return;
        };
        let _ = write!(
            self.out,
            " stroke=\"{}\"{} stroke-width=\"",
            s.colour.hex(),
            opacity_attr("stroke-opacity", s.colour)
        );
        num(&mut self.out, s.width_mm);
        self.out.push_str("\" stroke-linejoin=\"round\"");
        if !s.dash_mm.is_empty() {
            self.out.push_str(" stroke-dasharray=\"");
            for (i, d) in s.dash_mm.iter().enumerate() {
                if i > 0 {
                    self.out.push(' ');
                }
                num(&mut self.out, *d);
            }
            self.out.push('"');
        }
    }

    fn points(&mut self, points: &[PointMm], close: bool) -> bool {
        let mut last: Option<(i64, i64)> = None;
        let mut written = 0;
        for p in points {
            if !(p.x.is_finite() && p.y.is_finite()) {
                continue;
            }
            let key = (centi(p.x), centi(p.y));
            if last == Some(key) {
                continue;
            }
            self.out.push(if written == 0 { 'M' } else { 'L' });
            num(&mut self.out, p.x);
            self.out.push(' ');
            num(&mut self.out, p.y);
            last = Some(key);
            written += 1;
        }
        if close && written > 0 {
            self.out.push('Z');
        }
        written > 0
    }

    fn path(&mut self, p: &PathItem) {
        self.out.push_str("<path");
        if let Some(code) = &p.code {
            let _ = write!(self.out, " data-code=\"{}\"", escape(code));
        }
        self.fill_attr(&p.fill);
        self.stroke_attr(p.stroke.as_ref());
        self.out.push_str(" fill-rule=\"evenodd\" d=\"");
        for ring in &p.rings {
            self.points(ring, true);
        }
        self.out.push('"');
        let title = p.label.as_ref().or(p.code.as_ref());
        match title {
            Some(t) => {
                let _ = writeln!(self.out, "><title>{}</title></path>", escape(t));
            }
            None => self.out.push_str("/>\n"),
        }
    }

    fn line(&mut self, l: &LineItem) {
        self.out.push_str("<path fill=\"none\"");
        self.stroke_attr(Some(&l.stroke));
        self.out.push_str(" stroke-linecap=\"butt\" d=\"");
        self.points(&l.points, false);
        self.out.push_str("\"/>\n");
    }

    /// One `<text>` per item; a halo is its stroke painted under the fill (`paint-order`,
    /// honoured by resvg, svg2pdf and Inkscape), so PDF text is not duplicated.
    fn text(&mut self, t: &TextItem) {
        self.out.push_str("<text x=\"");
        num(&mut self.out, t.pos.x);
        self.out.push_str("\" y=\"");
        num(&mut self.out, t.pos.y);
        self.out.push_str("\" font-size=\"");
        num(&mut self.out, t.size_pt * MM_PER_PT);
        self.out.push('"');
        if t.bold {
            self.out.push_str(" font-weight=\"bold\"");
        }
        match t.anchor {
            Anchor::Start => {}
            Anchor::Middle => self.out.push_str(" text-anchor=\"middle\""),
            Anchor::End => self.out.push_str(" text-anchor=\"end\""),
        }
        let _ = write!(
            self.out,
            " fill=\"{}\"{}",
            t.colour.hex(),
            opacity_attr("fill-opacity", t.colour)
        );
        if let Some(h) = t.halo {
            let _ = write!(
                self.out,
                " stroke=\"{}\" stroke-width=\"{HALO_MM}\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                h.hex()
            );
        }
        let _ = writeln!(
            self.out,
            " xml:space=\"preserve\">{}</text>",
            escape(&t.text)
        );
    }

    /// A raster as an embedded PNG (`data:` URL), stretched over its rectangle.
    fn image(&mut self, i: &ImageItem) {
        let Some(png) = super::image::png_bytes(i) else {
            return;
        };
        self.out.push_str("<image x=\"");
        num(&mut self.out, i.rect.x);
        self.out.push_str("\" y=\"");
        num(&mut self.out, i.rect.y);
        self.out.push_str("\" width=\"");
        num(&mut self.out, i.rect.width);
        self.out.push_str("\" height=\"");
        num(&mut self.out, i.rect.height);
        self.out
            .push_str("\" preserveAspectRatio=\"none\" xlink:href=\"data:image/png;base64,");
        self.out.push_str(&super::image::base64(&png));
        self.out.push_str("\"/>\n");
    }

    fn symbol(&mut self, s: &SymbolItem) {
        let (c, r) = (s.centre, s.size_mm / 2.0);
        if !(c.x.is_finite() && c.y.is_finite() && r.is_finite()) {
            return;
        }
        match s.symbol {
            Symbol::Circle => {
                self.out.push_str("<circle cx=\"");
                num(&mut self.out, c.x);
                self.out.push_str("\" cy=\"");
                num(&mut self.out, c.y);
                self.out.push_str("\" r=\"");
                num(&mut self.out, r);
                self.out.push('"');
            }
            shape => {
                let corners: Vec<PointMm> = match shape {
                    Symbol::Square => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
                    Symbol::Triangle => {
                        vec![(0.0, -r * 1.15), (r * 1.1, r * 0.75), (-r * 1.1, r * 0.75)]
                    }
                    _ => vec![
                        (0.0, -r * 1.2),
                        (r * 1.2, 0.0),
                        (0.0, r * 1.2),
                        (-r * 1.2, 0.0),
                    ],
                }
                .into_iter()
                .map(|(dx, dy)| PointMm::new(c.x + dx, c.y + dy))
                .collect();
                self.out.push_str("<path d=\"");
                self.points(&corners, true);
                self.out.push('"');
            }
        }
        self.fill_attr(&Fill::Solid(s.fill));
        self.stroke_attr(s.stroke.as_ref());
        match &s.label {
            Some(l) => {
                let _ = writeln!(
                    self.out,
                    "><title>{}</title></{}>",
                    escape(l),
                    if s.symbol == Symbol::Circle {
                        "circle"
                    } else {
                        "path"
                    }
                );
            }
            None => self.out.push_str("/>\n"),
        }
    }
}

/// ` fill-opacity="0.5"` when the colour is not opaque.
fn opacity_attr(name: &str, c: Colour) -> String {
    if c.a == 255 {
        String::new()
    } else {
        format!(" {name}=\"{:.3}\"", f64::from(c.a) / 255.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::scene::RectMm;

    fn square(x: f64, fill: Fill) -> Item {
        Item::Path(PathItem {
            rings: vec![vec![
                PointMm::new(x, 0.0),
                PointMm::new(x + 10.0, 0.0),
                PointMm::new(x + 10.0, 10.0),
                PointMm::new(x + 10.001, 10.001), // rounds onto the previous point
                PointMm::new(x, 10.0),
            ]],
            fill,
            stroke: None,
            code: Some("E01<1>".into()),
            label: None,
        })
    }

    #[test]
    fn paths_round_drop_duplicates_and_escape_codes() {
        let mut g = Group::new("a b", "Areas & more");
        g.clip = Some(RectMm {
            x: 0.0,
            y: 0.0,
            width: 50.0,
            height: 50.0,
        });
        let hatch = Fill::Hatch {
            colour: Colour::BLACK,
            spacing_mm: 1.4,
            angle_deg: -45.0,
            width_mm: 0.25,
        };
        g.items = vec![
            square(0.0, hatch.clone()),
            square(20.0, hatch),
            square(40.0, Fill::Solid(Colour::rgb(255, 0, 0))),
        ];
        let scene = Scene {
            width_mm: 100.0,
            height_mm: 50.0,
            background: Colour::WHITE,
            groups: vec![g.clone(), g],
            title: String::new(),
            dropped_labels: Vec::new(),
        };
        let svg = to_svg(&scene);
        assert!(svg.contains("d=\"M0 0L10 0L10 10L0 10Z\""), "{svg}");
        assert!(svg.contains("data-code=\"E01&lt;1&gt;\""));
        assert_eq!(
            svg.matches("<pattern ").count(),
            1,
            "one pattern per hatch style"
        );
        assert!(
            svg.contains("id=\"a_b\"") && svg.contains("id=\"a_b-2\""),
            "unique ids"
        );
        assert!(svg.contains("clip-path=\"url(#clip-a_b)\""));
        assert!(svg.contains("inkscape:label=\"Areas &amp; more\""));
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        let mut s = String::new();
        for v in [1.0, -0.001, 2.345_67, 1e6, -3.5] {
            num(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "1 0 2.35 1000000 -3.5 ");
    }
}

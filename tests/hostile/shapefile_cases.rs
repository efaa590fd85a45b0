//! Hostile shapefiles, built byte by byte (ESRI Shapefile Technical Description, 1998; dBASE III
//! table) so each defect can be placed exactly.

use super::harness::Case;

/// A polygon shapefile: `rings[i]` is record i's one ring (x, y); `fields` are dBASE character
/// fields (name, width) and `rows[i]` their values.
struct Shapefile<'a> {
    rings: Vec<Vec<(f64, f64)>>,
    fields: &'a [(&'a str, u8)],
    rows: Vec<Vec<String>>,
}

fn square(x: f64, y: f64) -> Vec<(f64, f64)> {
    vec![
        (x, y),
        (x, y + 1000.0),
        (x + 1000.0, y + 1000.0),
        (x + 1000.0, y),
        (x, y),
    ]
}

fn valid() -> Shapefile<'static> {
    Shapefile {
        rings: vec![square(380_000.0, 390_000.0), square(381_000.0, 390_000.0)],
        fields: &[("CODE", 9), ("NAME", 10)],
        rows: vec![
            vec!["S1".into(), "One".into()],
            vec!["S2".into(), "Two".into()],
        ],
    }
}

fn header(shape_type: i32, words: i32) -> Vec<u8> {
    let mut h = Vec::with_capacity(100);
    h.extend(9994i32.to_be_bytes());
    h.extend([0u8; 20]);
    h.extend(words.to_be_bytes());
    h.extend(1000i32.to_le_bytes());
    h.extend(shape_type.to_le_bytes());
    for v in [
        370_000.0f64,
        380_000.0,
        400_000.0,
        400_000.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ] {
        h.extend(v.to_le_bytes());
    }
    h
}

fn polygon_content(ring: &[(f64, f64)]) -> Vec<u8> {
    let mut c = Vec::new();
    c.extend(5i32.to_le_bytes());
    let xs = ring.iter().map(|p| p.0);
    let ys = ring.iter().map(|p| p.1);
    let (x0, x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = (
        ys.clone().fold(f64::INFINITY, f64::min),
        ys.fold(f64::NEG_INFINITY, f64::max),
    );
    for v in [x0, y0, x1, y1] {
        c.extend(v.to_le_bytes());
    }
    c.extend(1i32.to_le_bytes());
    c.extend((ring.len() as i32).to_le_bytes());
    c.extend(0i32.to_le_bytes());
    for (x, y) in ring {
        c.extend(x.to_le_bytes());
        c.extend(y.to_le_bytes());
    }
    c
}

impl Shapefile<'_> {
    /// (.shp, .shx, .dbf) bytes.
    fn bytes(&self) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let mut body = Vec::new();
        let mut index = Vec::new();
        for (i, ring) in self.rings.iter().enumerate() {
            let content = polygon_content(ring);
            index.push((50 + body.len() as i32 / 2, content.len() as i32 / 2));
            body.extend((i as i32 + 1).to_be_bytes());
            body.extend((content.len() as i32 / 2).to_be_bytes());
            body.extend(content);
        }
        let mut shp = header(5, 50 + body.len() as i32 / 2);
        shp.extend(body);
        let mut shx = header(5, 50 + 4 * index.len() as i32);
        for (offset, len) in index {
            shx.extend(offset.to_be_bytes());
            shx.extend(len.to_be_bytes());
        }
        (shp, shx, self.dbf())
    }

    fn dbf(&self) -> Vec<u8> {
        let record_len: u16 = 1 + self.fields.iter().map(|f| f.1 as u16).sum::<u16>();
        let header_len: u16 = 32 + 32 * self.fields.len() as u16 + 1;
        let mut d = vec![0x03, 124, 1, 1];
        d.extend((self.rows.len() as u32).to_le_bytes());
        d.extend(header_len.to_le_bytes());
        d.extend(record_len.to_le_bytes());
        d.extend([0u8; 20]);
        for (name, width) in self.fields {
            let mut n = [0u8; 11];
            n[..name.len()].copy_from_slice(name.as_bytes());
            d.extend(n);
            d.push(b'C');
            d.extend([0u8; 4]);
            d.push(*width);
            d.push(0);
            d.extend([0u8; 14]);
        }
        d.push(0x0D);
        for row in &self.rows {
            d.push(b' ');
            for ((_, width), v) in self.fields.iter().zip(row) {
                let mut cell = v.as_bytes().to_vec();
                cell.resize(*width as usize, b' ');
                d.extend(cell);
            }
        }
        d.push(0x1A);
        d
    }
}

fn import() -> &'static str {
    "import boundaries ws.gpkg b.shp --geography g2 --code-field CODE --source-crs EPSG:27700"
}

/// A case from the three parts, any of which `edit` may change or drop (`None`).
fn case(
    name: &str,
    sf: Shapefile<'_>,
    edit: impl FnOnce(&mut Option<Vec<u8>>, &mut Option<Vec<u8>>, &mut Option<Vec<u8>>),
) -> Case {
    let (shp, shx, dbf) = sf.bytes();
    let (mut shp, mut shx, mut dbf) = (Some(shp), Some(shx), Some(dbf));
    edit(&mut shp, &mut shx, &mut dbf);
    let mut c = Case::new(name, import());
    for (ext, part) in [("shp", shp), ("shx", shx), ("dbf", dbf)] {
        if let Some(bytes) = part {
            c = c.file(&format!("b.{ext}"), bytes);
        }
    }
    c.refused("b.")
}

fn with_ring(ring: Vec<(f64, f64)>) -> Shapefile<'static> {
    let mut sf = valid();
    sf.rings[1] = ring;
    sf
}

pub fn cases() -> Vec<Case> {
    let nan = f64::NAN;
    vec![
        Case::new("shp_valid_control", import())
            .file("b.shp", valid().bytes().0)
            .file("b.shx", valid().bytes().1)
            .file("b.dbf", valid().bytes().2)
            .accepted(),
        case("shp_truncated", valid(), |shp, _, _| {
            shp.as_mut().unwrap().truncate(150)
        }),
        case("shp_header_only", valid(), |shp, _, _| {
            shp.as_mut().unwrap().truncate(100)
        }),
        case("shp_empty", valid(), |shp, _, _| *shp = Some(Vec::new())),
        case("shp_random", valid(), |shp, _, _| {
            *shp = Some((0..3000u32).map(|i| (i * 7919 % 251) as u8).collect())
        }),
        // The .shx index is optional: the .shp is read in order without it.
        case("shp_missing_shx", valid(), |_, shx, _| *shx = None).either(),
        case("shp_missing_dbf", valid(), |_, _, dbf| *dbf = None),
        case("shp_huge_length", valid(), |shp, _, _| {
            shp.as_mut().unwrap()[24..28].copy_from_slice(&i32::MAX.to_be_bytes())
        }),
        case("shp_huge_point_count", valid(), |shp, _, _| {
            // Record 1's NumPoints (record header 8 + type 4 + box 32 + parts 4 = offset 148).
            shp.as_mut().unwrap()[148..152].copy_from_slice(&i32::MAX.to_le_bytes())
        }),
        case("shp_negative_parts", valid(), |shp, _, _| {
            shp.as_mut().unwrap()[144..148].copy_from_slice(&(-5i32).to_le_bytes())
        }),
        case(
            "shp_nan_coordinates",
            with_ring(vec![(nan, nan), (nan, 1.0), (1.0, 1.0), (nan, nan)]),
            |_, _, _| {},
        ),
        case(
            "shp_inf_coordinates",
            with_ring(vec![
                (f64::INFINITY, 0.0),
                (0.0, 1.0),
                (1.0, 1.0),
                (f64::INFINITY, 0.0),
            ]),
            |_, _, _| {},
        ),
        case(
            "shp_huge_coordinates",
            with_ring(vec![
                (1e308, 1e308),
                (1e308, 0.0),
                (0.0, 1e308),
                (1e308, 1e308),
            ]),
            |_, _, _| {},
        ),
        case(
            "shp_ring_two_points",
            with_ring(vec![(380_000.0, 390_000.0), (380_500.0, 390_000.0)]),
            |_, _, _| {},
        ),
        case("shp_empty_ring", with_ring(Vec::new()), |_, _, _| {}),
        case("dbf_no_terminator", valid(), |_, _, dbf| {
            let d = dbf.as_mut().unwrap();
            let at = 32 + 32 * 2;
            d.remove(at);
            d.insert(d.len() - 1, b' ');
        }),
        case(
            "dbf_two_code_fields",
            Shapefile {
                fields: &[("CODE", 9), ("CODE", 9)],
                rows: vec![
                    vec!["S1".into(), "X1".into()],
                    vec!["S2".into(), "X2".into()],
                ],
                ..valid()
            },
            |_, _, _| {},
        ),
        case("dbf_truncated", valid(), |_, _, dbf| {
            dbf.as_mut().unwrap().truncate(40)
        }),
        case("dbf_more_records_than_shapes", valid(), |_, _, dbf| {
            dbf.as_mut().unwrap()[4..8].copy_from_slice(&1000u32.to_le_bytes())
        }),
        case("dbf_header_length_huge", valid(), |_, _, dbf| {
            dbf.as_mut().unwrap()[8..10].copy_from_slice(&u16::MAX.to_le_bytes())
        }),
        case("dbf_record_length_zero", valid(), |_, _, dbf| {
            dbf.as_mut().unwrap()[10..12].copy_from_slice(&0u16.to_le_bytes())
        }),
        case("shp_prj_garbage", valid(), |_, _, _| {})
            .file("b.prj", "PROJCS[\"nonsense\",GEOGCS[")
            .either(),
        case("shp_cpg_unknown", valid(), |_, _, _| {})
            .file("b.cpg", "EBCDIC-9999")
            .either(),
    ]
}

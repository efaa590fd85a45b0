//! Hostile GeoJSON boundary files.

use super::harness::Case;

fn import(extra: &str) -> String {
    format!("import boundaries ws.gpkg b.geojson --geography g2 --code-field code {extra}")
}

/// A FeatureCollection of one feature with `geometry` (JSON text) and code `B1`.
fn one(geometry: &str) -> String {
    with_props(r#"{"code":"B1"}"#, geometry)
}

fn with_props(props: &str, geometry: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{props},"geometry":{geometry}}}]}}"#
    )
}

fn square() -> &'static str {
    r#"{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.29,53.4],[-2.29,53.41],[-2.3,53.41],[-2.3,53.4]]]}"#
}

fn bad(name: &str, text: impl Into<Vec<u8>>) -> Case {
    Case::new(name, &import(""))
        .file("b.geojson", text)
        .refused("b.geojson")
}

fn ok(name: &str, text: impl Into<Vec<u8>>) -> Case {
    Case::new(name, &import(""))
        .file("b.geojson", text)
        .accepted()
}

/// A regular polygon of `n` vertices around Manchester (lon/lat).
fn big_polygon(n: usize) -> String {
    let mut s = String::with_capacity(n * 40);
    s.push_str(r#"{"type":"Polygon","coordinates":[["#);
    for i in 0..=n {
        let a = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        if i > 0 {
            s.push(',');
        }
        s += &format!("[{:.7},{:.7}]", -2.3 + 0.1 * a.cos(), 53.4 + 0.06 * a.sin());
    }
    s.push_str("]]}");
    s
}

pub fn cases() -> Vec<Case> {
    let many_props: String = {
        let p: Vec<String> = (0..10_000).map(|i| format!(r#""p{i}":{i}"#)).collect();
        format!(r#"{{"code":"B1",{}}}"#, p.join(","))
    };
    vec![
        bad("geojson_position_one_number", one(r#"{"type":"Polygon","coordinates":[[[1],[2,3],[4,5],[1]]]}"#)),
        bad("geojson_position_four_numbers", one(r#"{"type":"Polygon","coordinates":[[[1,2,3,4],[2,3,0,0],[4,5,0,0],[1,2,3,4]]]}"#)),
        bad("geojson_position_strings", one(r#"{"type":"Polygon","coordinates":[[["a","b"],[2,3],[4,5],["a","b"]]]}"#)),
        bad("geojson_position_empty", one(r#"{"type":"Polygon","coordinates":[[[],[],[],[]]]}"#)),
        bad("geojson_number_overflow", one(r#"{"type":"Polygon","coordinates":[[[1e999,2],[2,3],[4,5],[1e999,2]]]}"#)),
        bad("geojson_ring_two_points", one(r#"{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.29,53.4]]]}"#)),
        bad("geojson_ring_unclosed", one(r#"{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.29,53.4],[-2.29,53.41],[-2.3,53.41]]]}"#)),
        bad("geojson_polygon_no_rings", one(r#"{"type":"Polygon","coordinates":[]}"#)),
        bad("geojson_polygon_empty_ring", one(r#"{"type":"Polygon","coordinates":[[]]}"#)),
        bad("geojson_multipolygon_empty", one(r#"{"type":"MultiPolygon","coordinates":[]}"#)),
        bad("geojson_null_geometry", one("null")),
        bad("geojson_unknown_type", one(r#"{"type":"Circle","coordinates":[0,0],"radius":5}"#)),
        bad("geojson_nested_collections", one(&format!("{}{}{}", r#"{"type":"GeometryCollection","geometries":["#.repeat(200), square(), "]}".repeat(200)))),
        bad("geojson_deep_arrays", one(&format!(r#"{{"type":"Polygon","coordinates":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000)))),
        bad("geojson_truncated", &one(square())[..120]),
        bad("geojson_not_json", "<html>not found</html>"),
        bad("geojson_empty", ""),
        bad("geojson_bare_geometry", square()),
        bad("geojson_no_features", r#"{"type":"FeatureCollection","features":[]}"#),
        bad("geojson_lonlat_out_of_range", one(r#"{"type":"Polygon","coordinates":[[[500,500],[501,500],[501,501],[500,500]]]}"#)),
        Case::new("geojson_bng_1e308", &import("--source-crs EPSG:27700"))
            .file("b.geojson", one(r#"{"type":"Polygon","coordinates":[[[1e308,1e308],[1e308,0],[0,1e308],[1e308,1e308]]]}"#))
            .refused("b.geojson"),
        bad("geojson_unknown_crs", format!(r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:99999"}}}},"features":[{{"type":"Feature","properties":{{"code":"B1"}},"geometry":{}}}]}}"#, square())),
        bad("geojson_duplicate_codes", format!(r#"{{"type":"FeatureCollection","features":[{f},{f}]}}"#, f = format!(r#"{{"type":"Feature","properties":{{"code":"B1"}},"geometry":{}}}"#, square()))),
        bad("geojson_missing_code_field", with_props(r#"{"name":"x"}"#, square())),
        bad("geojson_five_mb_code", with_props(&format!(r#"{{"code":"{}"}}"#, "B".repeat(5 << 20)), square())),
        bad("geojson_10000_properties", with_props(&many_props, square())),
        ok("geojson_bowtie", one(r#"{"type":"Polygon","coordinates":[[[-2.3,53.4],[-2.29,53.41],[-2.29,53.4],[-2.3,53.41],[-2.3,53.4]]]}"#)),
        ok("geojson_bom", format!("\u{feff}{}", one(square()))),
        ok("geojson_lat_first_urn", r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4326"}},"features":[{"type":"Feature","properties":{"code":"B1"},"geometry":{"type":"Polygon","coordinates":[[[53.4,-2.3],[53.4,-2.29],[53.41,-2.29],[53.41,-2.3],[53.4,-2.3]]]}}]}"#),
        ok("geojson_nul_in_key", with_props(r#"{"code":"B1","a\u0000b":1}"#, square())),
        ok("geojson_sql_in_keys", with_props(r#"{"code":"B1","a\"; DROP TABLE atlas_values; --":1,"x'y":2,"CODE":3}"#, square())),
        ok("geojson_million_vertices", one(&big_polygon(1_000_000))),
        ok("geojson_100k_vertices", one(&big_polygon(100_000))),
        Case::new("geojson_dev_zero", "import boundaries ws.gpkg /dev/zero --geography g2").refused("/dev/zero"),
    ]
}

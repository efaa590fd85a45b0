//! GeoJSON files: any bytes give a layer or an error naming the file, never a panic (e.g. a
//! position of one number).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = local_atlas::data::source::parse_geojson("fuzz.geojson", data);
});

//! Plain WKB: any bytes give a geometry or an error, never a panic, a huge allocation or a
//! deep recursion.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = local_atlas::data::gpkg_geom::decode_wkb(data);
});

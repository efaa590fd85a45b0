//! One CSV cell (numbers, thousands separators, suppression and missing markers): any text
//! gives a cell, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = local_atlas::data::import::csv_text::parse_cell(text);
    }
});

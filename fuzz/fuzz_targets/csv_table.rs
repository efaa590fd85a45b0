//! A whole CSV table (delimiter, headers, rows): any text gives a table or an error naming
//! the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = local_atlas::data::import::csv_text::Table::parse("fuzz.csv", text);
    }
});

//! Any bytes given to the json reader end in records or problems, never a panic; every record
//! read is then validated, as import does.
#![no_main]

mod validate;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    validate::read_all(
        events::formats::json::ArrayReader::new(data),
        data.len() + 2,
    );
});

//! Any bytes given to the csv reader end in records or problems, never a panic; every record
//! read is then validated, as import does.
#![no_main]

mod validate;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    validate::read_all(events::formats::csv::Reader::new(data), data.len() + 2);
});

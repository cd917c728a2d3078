//! Any bytes given to the csv reader end in records or problems, never a panic; every record
//! read is then validated, as import does.
#![no_main]

use events::formats::Item;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for item in events::formats::csv::Reader::new(data).take(data.len() + 2) {
        match item {
            Ok(Item::Event { record, .. }) => {
                let _ = record.validate();
            }
            Ok(Item::Participant { record, .. }) => {
                let _ = record.validate();
            }
            Ok(Item::Aliases { record, .. }) => {
                let _ = record.validate();
            }
            Err(problem) => {
                let _ = problem.to_string();
            }
        }
    }
});

//! Search documents and queries, tokenized in Rust so that both backends find the same
//! events for the same text.

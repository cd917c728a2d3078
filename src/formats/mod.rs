//! Machine-readable formats, one module each. They print text exactly as stored.

pub mod csv;
pub mod json;

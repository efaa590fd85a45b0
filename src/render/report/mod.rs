//! Area profiles, ward bulletins and State of the Area reports as documents ([`document`]),
//! written as one self-contained HTML file or as A4 PDF pages.

pub mod document;
pub mod example;
pub mod spine_layout;

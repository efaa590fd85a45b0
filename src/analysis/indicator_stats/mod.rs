//! Statistics of published indicators (values with numerators, denominators and confidence
//! limits): for now the disclosure control that protects small counts in every output.
//!
//! - [`disclosure`]: the primary rule on one count and what it does to a value's figures
//!   (value, numerator, confidence limits);
//! - [`secondary`]: secondary (complementary) suppression over the totals a table adds up to,
//!   so no suppressed count can be recovered by subtraction.

pub mod disclosure;
pub mod secondary;

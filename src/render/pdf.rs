pub fn to_pdf(_s: &[super::scene::Scene]) -> Result<Vec<u8>, super::RenderError> {
    Ok(vec![])
}

pub fn to_png(_s: &super::scene::Scene, _w: u32, _h: u32) -> Result<Vec<u8>, super::RenderError> {
    Ok(vec![])
}

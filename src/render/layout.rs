use super::{RenderError, input::MapInput, scene::Scene};
pub fn layout(_input: &MapInput) -> Result<Scene, RenderError> {
    Err(RenderError::Invalid("stub".into()))
}

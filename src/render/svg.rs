pub fn to_svg(_s: &super::scene::Scene) -> String {
    String::new()
}

//! Ctrl + / Ctrl − / Ctrl 0 scale the whole interface (egui's zoom factor) in steps of 10%,
//! as in a browser; the scale is a UI preference, so it is kept between runs. egui's own
//! keyboard zoom is switched off: the app sets the zoom factor every frame (presenter mode
//! multiplies it), so the preference is the one place it lives.

use super::prefs::{Prefs, UI_ZOOM_RANGE};

/// One step of Ctrl + / Ctrl −.
const STEP: f32 = 0.1;

/// The preferences with the scale the zoom keys pressed this frame ask for, if any.
pub fn zoom_keys(ctx: &egui::Context, prefs: &Prefs) -> Option<Prefs> {
    use egui::{Key, Modifiers};
    let now = prefs.ui_zoom();
    let wanted = ctx.input_mut(|i| {
        if i.consume_key(Modifiers::COMMAND, Key::Num0) {
            Some(1.0)
        } else if i.consume_key(Modifiers::COMMAND, Key::Plus)
            || i.consume_key(Modifiers::COMMAND, Key::Equals)
        {
            Some(now + STEP)
        } else if i.consume_key(Modifiers::COMMAND, Key::Minus) {
            Some(now - STEP)
        } else {
            None
        }
    })?;
    let z = ((wanted * 10.0).round() / 10.0).clamp(*UI_ZOOM_RANGE.start(), *UI_ZOOM_RANGE.end());
    Some(Prefs {
        ui_zoom: z,
        ..prefs.clone()
    })
}

/// The zoom factor of the interface: the user's scale, larger in presenter mode.
pub fn zoom_factor(prefs: &Prefs) -> f32 {
    prefs.ui_zoom() * if prefs.presenter { 1.6 } else { 1.0 }
}

//! The tray's platform half: drawing the menu and running the event loop. Linux
//! speaks the StatusNotifierItem protocol over D-Bus (`ksni`), with no toolkit at all;
//! Windows and macOS use `tray-icon` on a `tao` event loop. These files are the only
//! places with `cfg(target_os)`.

#[cfg_attr(target_os = "linux", path = "linux.rs")]
#[cfg_attr(not(target_os = "linux"), path = "other.rs")]
mod imp;

pub use imp::{WINDOW_ENV, ask, run};

/// PNG bytes to straight RGBA pixels: `(width, height, rgba)`.
pub fn rgba(png_bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "the icon is too large".to_owned())?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return Err(format!(
            "the icon is {:?}/{:?}, not 8-bit RGBA",
            info.color_type, info.bit_depth
        ));
    }
    buf.truncate(info.buffer_size());
    Ok((info.width, info.height, buf))
}

#[cfg(test)]
mod tests {
    use crate::menu::{Health, icon};

    #[test]
    fn every_tray_icon_decodes_to_rgba() {
        for health in [Health::Good, Health::Degraded, Health::Error] {
            let (w, h, px) = super::rgba(icon(health)).expect("decodes");
            assert!(w >= 16 && h >= 16, "{w}x{h}");
            assert_eq!(px.len(), (w * h * 4) as usize);
        }
    }
}

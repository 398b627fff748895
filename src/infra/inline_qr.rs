//! QR codes of check-in codes as inline images of an email (issue 20 item 0b). The stored
//! HTML part refers to each by `cid:` ([`cid`]); the PNG is drawn from the code when the
//! message is built for sending ([`images_in`]) and when staff read the email in the outbox
//! ([`with_data_urls`]), so what staff see is what was sent and the outbox row stays small.

use std::io::Write;

use base64::Engine;

/// Screen pixels per QR module, and light modules around the code.
const SCALE: usize = 4;
const QUIET: usize = 2;

const PREFIX: &str = "qr-";
const DOMAIN: &str = "@checkin.twinning";

/// The `Content-ID` of `code`'s image (without `cid:`).
pub fn cid(code: &str) -> String {
    format!("{PREFIX}{code}{DOMAIN}")
}

/// The width and height of `code`'s image in pixels (0 if it cannot be drawn).
pub fn pixels(code: &str) -> usize {
    qrcode::QrCode::new(code.as_bytes()).map_or(0, |qr| (qr.width() + 2 * QUIET) * SCALE)
}

/// Every check-in code an HTML part refers to by `cid:`, with its content id, once each, in
/// order. Only codes of our alphabet are taken: the HTML is ours, but a code is not trusted
/// to be anything else.
fn codes_in(html: &str) -> Vec<(String, &str)> {
    let mut found: Vec<(String, &str)> = Vec::new();
    for (at, _) in html.match_indices(&format!("cid:{PREFIX}")) {
        let rest = &html[at + 4 + PREFIX.len()..];
        let Some(end) = rest.find(DOMAIN) else {
            continue;
        };
        let code = &rest[..end];
        let ours =
            !code.is_empty() && code.len() <= 64 && code.bytes().all(|b| b.is_ascii_alphanumeric());
        if ours && !found.iter().any(|(_, c)| *c == code) {
            found.push((cid(code), code));
        }
    }
    found
}

/// The images an HTML part refers to: (content id, PNG bytes).
pub fn images_in(html: &str) -> Vec<(String, Vec<u8>)> {
    codes_in(html)
        .into_iter()
        .filter_map(|(cid, code)| png(code).map(|png| (cid, png)))
        .collect()
}

/// The HTML part with each `cid:` image as a `data:` URL, for a browser to show.
pub fn with_data_urls(html: &str) -> String {
    let mut out = html.to_owned();
    for (cid, png) in images_in(html) {
        let data = base64::engine::general_purpose::STANDARD.encode(png);
        out = out.replace(
            &format!("cid:{cid}"),
            &format!("data:image/png;base64,{data}"),
        );
    }
    out
}

/// `code` as a black-on-white QR code: a one-bit greyscale PNG.
pub fn png(code: &str) -> Option<Vec<u8>> {
    let qr = qrcode::QrCode::new(code.as_bytes()).ok()?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let size = (modules + 2 * QUIET) * SCALE;
    let dark = |x: usize, y: usize| {
        let (mx, my) = (
            (x / SCALE).checked_sub(QUIET),
            (y / SCALE).checked_sub(QUIET),
        );
        matches!((mx, my), (Some(mx), Some(my)) if mx < modules && my < modules
            && colors[my * modules + mx] == qrcode::Color::Dark)
    };
    // Each scanline: filter type 0, then the pixels eight to a byte, 1 for white.
    let mut raw = Vec::with_capacity((size.div_ceil(8) + 1) * size);
    for y in 0..size {
        raw.push(0);
        for first in (0..size).step_by(8) {
            let byte = (0..8).fold(0u8, |b, i| {
                if first + i < size && dark(first + i, y) {
                    b
                } else {
                    b | (0x80 >> i)
                }
            });
            raw.push(byte);
        }
    }
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    zlib.write_all(&raw).ok()?;
    let data = zlib.finish().ok()?;
    let side = u32::try_from(size).ok()?.to_be_bytes();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&side);
    header.extend_from_slice(&side);
    // Bit depth 1, greyscale, deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[1, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &data);
    chunk(&mut out, b"IEND", &[]);
    Some(out)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The PNG's chunks, each checked against its CRC.
    fn chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let mut at = 8;
        let mut out = Vec::new();
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
            let data = png[at + 8..at + 8 + len].to_vec();
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            let mut h = crc32fast::Hasher::new();
            h.update(&kind);
            h.update(&data);
            assert_eq!(h.finalize(), crc, "CRC of {:?}", std::str::from_utf8(&kind));
            out.push((kind, data));
            at += 12 + len;
        }
        out
    }

    #[test]
    fn the_image_is_the_qr_code_pixel_for_module() {
        let code = "K7M2PQ9XRT4WZ8HN";
        let png = png(code).unwrap();
        let chunks = chunks(&png);
        let kinds: Vec<&[u8]> = chunks.iter().map(|(k, _)| &k[..]).collect();
        assert_eq!(kinds, vec![&b"IHDR"[..], b"IDAT", b"IEND"]);
        let qr = qrcode::QrCode::new(code.as_bytes()).unwrap();
        let size = (qr.width() + 2 * QUIET) * SCALE;
        assert_eq!(pixels(code), size);
        let header = &chunks[0].1;
        assert_eq!(
            u32::from_be_bytes(header[..4].try_into().unwrap()) as usize,
            size
        );
        assert_eq!(&header[8..], &[1, 0, 0, 0, 0]);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&chunks[1].1[..])
            .read_to_end(&mut raw)
            .unwrap();
        let stride = size.div_ceil(8) + 1;
        assert_eq!(raw.len(), stride * size);
        let colors = qr.to_colors();
        for y in 0..size {
            assert_eq!(raw[y * stride], 0, "filter none");
            for x in 0..size {
                let white = raw[y * stride + 1 + x / 8] & (0x80 >> (x % 8)) != 0;
                let (mx, my) = (x / SCALE, y / SCALE);
                let inside = (QUIET..QUIET + qr.width()).contains(&mx)
                    && (QUIET..QUIET + qr.width()).contains(&my);
                let dark = inside
                    && colors[(my - QUIET) * qr.width() + (mx - QUIET)] == qrcode::Color::Dark;
                assert_eq!(white, !dark, "pixel {x},{y}");
            }
        }
        assert!(png.len() < 1_000, "{} bytes", png.len());
    }

    #[test]
    fn images_are_found_once_each_by_content_id_and_only_for_codes() {
        let html = format!(
            "<img src=\"cid:{}\"><img src=\"cid:{}\"><img src=\"cid:{}\"><img src=\"cid:qr-<x>{DOMAIN}\">",
            cid("AAAA2222"),
            cid("BBBB3333"),
            cid("AAAA2222")
        );
        let images = images_in(&html);
        let ids: Vec<&str> = images.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(ids, vec![cid("AAAA2222"), cid("BBBB3333")]);
        let shown = with_data_urls(&html);
        assert_eq!(shown.matches("data:image/png;base64,").count(), 3);
        assert!(!shown.contains("cid:qr-AAAA"));
        assert!(shown.contains("cid:qr-<x>"), "not a code: left alone");
    }
}

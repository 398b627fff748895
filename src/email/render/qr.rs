//! Check-in codes in a confirmation, each with its QR code as an inline image.

/// A participant's check-in code and the `cid:` of its QR image. The HTML part refers to the
/// image only; it is drawn when the message is sent ([`crate::infra::inline_qr`]), so a
/// confirmation stays a few kilobytes. The confirmation shows at most six; larger groups find
/// theirs on the private page.
#[derive(Debug, Clone, Default)]
pub struct CheckinCode {
    pub name: String,
    pub code: String,
    /// The image's content id.
    pub cid: String,
    /// Its width and height in pixels.
    pub pixels: usize,
}

impl CheckinCode {
    /// The code of `name`, with its QR image.
    pub fn new(name: &str, code: &str) -> Self {
        Self {
            name: name.to_owned(),
            code: code.to_owned(),
            cid: crate::infra::inline_qr::cid(code),
            pixels: crate::infra::inline_qr::pixels(code),
        }
    }
}

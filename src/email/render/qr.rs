//! QR codes drawn as table rows, for the HTML part of a confirmation.

/// A participant's check-in code and its QR code as rows of dark/light runs, so the HTML part
/// can draw it with a table: email clients block SVG, data URIs and often remote images. The
/// confirmation draws at most six; larger groups find theirs on the private page.
#[derive(Debug, Clone, Default)]
pub struct CheckinCode {
    pub name: String,
    pub code: String,
    /// Per row: (dark, run length) pairs.
    pub rows: Vec<Vec<(bool, usize)>>,
}

impl CheckinCode {
    /// The code of `name`, with its QR code.
    pub fn new(name: &str, code: &str) -> Self {
        let mut rows = Vec::new();
        if let Ok(qr) = qrcode::QrCode::new(code.as_bytes()) {
            let width = qr.width();
            let colors = qr.to_colors();
            let quiet = 2;
            let blank = vec![(false, width + 2 * quiet)];
            rows.extend(std::iter::repeat_n(blank.clone(), quiet));
            for line in colors.chunks(width) {
                let mut runs: Vec<(bool, usize)> = vec![(false, quiet)];
                for c in line {
                    let dark = *c == qrcode::Color::Dark;
                    match runs.last_mut() {
                        Some((d, n)) if *d == dark => *n += 1,
                        _ => runs.push((dark, 1)),
                    }
                }
                match runs.last_mut() {
                    Some((false, n)) => *n += quiet,
                    _ => runs.push((false, quiet)),
                }
                rows.push(runs);
            }
            rows.extend(std::iter::repeat_n(blank, quiet));
        }
        Self {
            name: name.to_owned(),
            code: code.to_owned(),
            rows,
        }
    }
}

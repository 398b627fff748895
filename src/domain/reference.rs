//! Payment references: what a family writes on a bank transfer so the association can tell
//! whose money arrived. `TW-7K3Q-92`: the registration's number in 31 characters that cannot be
//! mistaken for each other (no 0/O, 1/I/L), at least four of them, and two check characters
//! that catch a mistyped or swapped character.

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const BASE: i64 = ALPHABET.len() as i64;

/// The payment reference of registration `id` (positive).
pub fn payment_reference(id: i64) -> String {
    let mut digits = Vec::new();
    let mut n = id.max(0);
    while n > 0 || digits.len() < 4 {
        digits.push((n % BASE) as usize);
        n /= BASE;
    }
    digits.reverse();
    let (a, b) = check(&digits);
    let body: String = digits.iter().map(|d| ALPHABET[*d] as char).collect();
    format!("TW-{body}-{}{}", ALPHABET[a] as char, ALPHABET[b] as char)
}

/// The payment reference of registration `id` when it pays later (by transfer or in cash);
/// `None` for a card payment or nothing to pay.
pub fn for_payment(method: super::PaymentMethod, id: i64) -> Option<String> {
    (method == super::PaymentMethod::Later).then(|| payment_reference(id))
}

/// The registration id a reference names, if it is one this installation made (case and
/// spaces do not matter).
pub fn parse_payment_reference(input: &str) -> Option<i64> {
    let clean: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let rest = clean.strip_prefix("TW-")?;
    let (body, checks) = rest.split_once('-')?;
    let digits: Vec<usize> = body
        .bytes()
        .map(|b| ALPHABET.iter().position(|a| *a == b))
        .collect::<Option<_>>()?;
    let check_digits: Vec<usize> = checks
        .bytes()
        .map(|b| ALPHABET.iter().position(|a| *a == b))
        .collect::<Option<_>>()?;
    if digits.len() < 4 || digits.len() > 12 || check_digits != [check(&digits).0, check(&digits).1]
    {
        return None;
    }
    let id = digits.iter().fold(0i64, |n, d| n * BASE + *d as i64);
    (id > 0).then_some(id)
}

/// Two check characters: a position-weighted sum (catches swaps) and a plain one.
fn check(digits: &[usize]) -> (usize, usize) {
    let weighted: usize = digits
        .iter()
        .enumerate()
        .map(|(i, d)| (i + 1) * (d + 1))
        .sum();
    let plain: usize = digits.iter().map(|d| d * 7 + 3).sum();
    (weighted % BASE as usize, plain % BASE as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_back_to_their_registration() {
        for id in [1, 2, 30, 31, 961, 29_790, 923_521, 1_000_000_007] {
            let reference = payment_reference(id);
            assert!(
                reference.starts_with("TW-") && reference.len() >= 10,
                "{reference}"
            );
            assert_eq!(parse_payment_reference(&reference), Some(id), "{reference}");
            assert_eq!(
                parse_payment_reference(&reference.to_lowercase().replace('-', " - ")),
                Some(id)
            );
        }
        assert_eq!(payment_reference(1).len(), "TW-AAAB-XX".len());
    }

    #[test]
    fn a_mistyped_or_swapped_character_is_not_read_as_another_registration() {
        let reference = payment_reference(48_213);
        let body: Vec<char> = reference.chars().collect();
        for i in 3..7 {
            for replacement in ALPHABET.iter().map(|b| *b as char) {
                if replacement == body[i] {
                    continue;
                }
                let mut typo = body.clone();
                typo[i] = replacement;
                let typo: String = typo.into_iter().collect();
                assert_eq!(parse_payment_reference(&typo), None, "{typo}");
            }
        }
        let mut swapped = body.clone();
        swapped.swap(4, 5);
        if swapped != body {
            let swapped: String = swapped.into_iter().collect();
            assert_eq!(parse_payment_reference(&swapped), None, "{swapped}");
        }
        assert_eq!(parse_payment_reference("TW-0O1I-AA"), None);
        assert_eq!(parse_payment_reference("not a reference"), None);
    }
}

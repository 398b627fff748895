//! Money: integer minor units and an ISO 4217 currency, never floats.

use super::ParseError;

/// Active ISO 4217 codes with their number of minor-unit digits (the ones a sister-city
/// association is likely to meet; extend as needed).
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("GHS", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PEN", 2),
    ("PHP", 2),
    ("PLN", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TRY", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("VND", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("ZAR", 2),
];

/// An ISO 4217 currency code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(&'static str);

impl Currency {
    /// Parses a three-letter code (case-insensitive) from the supported list.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let upper = input.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|(code, _)| Currency(code))
            .ok_or_else(|| ParseError::new("is not a supported ISO 4217 currency code"))
    }

    /// Every supported code.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(code, _)| *code)
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.0
    }

    /// How many digits the minor unit has (2 for EUR, 0 for JPY).
    pub fn minor_digits(&self) -> u8 {
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map(|(_, d)| *d)
            .unwrap_or(2)
    }
}

/// An amount of money in minor units (cents) of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Currency of the amount.
    pub currency: Currency,
}

/// Largest amount accepted anywhere (ten million major units of a two-digit currency).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000;

impl Money {
    /// Builds a non-negative amount no larger than [`MAX_AMOUNT_MINOR`].
    pub fn from_minor(amount_minor: i64, currency: Currency) -> Result<Self, ParseError> {
        if amount_minor < 0 {
            return Err(ParseError::new("must not be negative"));
        }
        if amount_minor > MAX_AMOUNT_MINOR {
            return Err(ParseError::new("is too large"));
        }
        Ok(Self {
            amount_minor,
            currency,
        })
    }

    /// Parses an amount written by a person in major units (`25`, `25.5`, `25,50`) in
    /// `currency`; more decimals than the currency has are refused.
    pub fn parse_major(input: &str, currency: Currency) -> Result<Self, ParseError> {
        let text = input.trim().replace(',', ".");
        let digits = currency.minor_digits() as usize;
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !numeric(whole) || !numeric(frac) || whole.len() > 12 {
            return Err(ParseError::new("must be an amount such as 25.00"));
        }
        if frac.len() > digits {
            return Err(ParseError::new(format!(
                "must have at most {digits} decimals in {}",
                currency.code()
            )));
        }
        let whole: i64 = whole.parse().map_err(|_| ParseError::new("is too large"))?;
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<digits$}").parse().unwrap_or(0)
        };
        Self::from_minor(whole * 10_i64.pow(digits as u32) + frac, currency)
    }

    /// The amount in major units without the currency, e.g. `25.00` (for form fields).
    pub fn major(&self) -> String {
        let digits = self.currency.minor_digits() as u32;
        if digits == 0 {
            return self.amount_minor.to_string();
        }
        let unit = 10_i64.pow(digits);
        format!(
            "{}.{:0width$}",
            self.amount_minor / unit,
            self.amount_minor % unit,
            width = digits as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_parse_case_insensitively_and_know_their_digits() {
        assert_eq!(Currency::parse("eur").unwrap().code(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().minor_digits(), 0);
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("XXX").is_err());
    }

    #[test]
    fn amounts_typed_by_people_parse_in_major_units() {
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(Money::parse_major("25", usd).unwrap().amount_minor, 2500);
        assert_eq!(Money::parse_major("25,5", usd).unwrap().amount_minor, 2550);
        assert_eq!(Money::parse_major(" 0.05 ", usd).unwrap().amount_minor, 5);
        assert!(Money::parse_major("2.505", usd).is_err());
        assert!(Money::parse_major("-3", usd).is_err());
        assert!(Money::parse_major("abc", usd).is_err());
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::parse_major("500", jpy).unwrap().amount_minor, 500);
        assert!(Money::parse_major("500.5", jpy).is_err());
        assert_eq!(Money::parse_major("12.3", usd).unwrap().major(), "12.30");
    }

    #[test]
    fn money_rejects_negative_and_huge_amounts_and_displays_minor_units() {
        let eur = Currency::parse("EUR").unwrap();
        assert!(Money::from_minor(-1, eur).is_err());
        assert!(Money::from_minor(MAX_AMOUNT_MINOR + 1, eur).is_err());
        assert_eq!(Money::from_minor(2505, eur).unwrap().major(), "25.05");
        assert_eq!(
            Money::from_minor(1500, Currency::parse("JPY").unwrap())
                .unwrap()
                .major(),
            "1500"
        );
    }
}

/// An amount of money a request pays or refunds: more than zero, in a supported currency.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountBody {
    /// Amount in minor units (cents), 1 to 1,000,000,000.
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub amount_minor: i64,
    /// ISO 4217 currency code.
    #[schema(value_type = CurrencyCode)]
    pub currency: String,
}

/// The ISO 4217 codes Twinning takes, for the API document.
pub struct CurrencyCode;

impl utoipa::PartialSchema for CurrencyCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("ISO 4217 currency code, e.g. `EUR`."))
            .enum_values(Some(Currency::codes()))
            .into()
    }
}

impl utoipa::ToSchema for CurrencyCode {}

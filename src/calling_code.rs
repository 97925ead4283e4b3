//! The ITU calling code (country code) of an E.164 number: the prefix that
//! names the country or service, as in "SMS to +44 is not enabled".
//!
//! Source of the table: the country codes of Google's libphonenumber metadata
//! (`resources/PhoneNumberMetadata.xml`, every `countryCode` attribute),
//! release 9.0.33, which follows ITU-T's "List of ITU-T Recommendation E.164
//! assigned country codes". Regenerate it with
//! `grep -o 'countryCode="[0-9]*"' PhoneNumberMetadata.xml | sed 's/[^0-9]//g' | LC_ALL=C sort -u`.
//! Codes that ITU lists but no network uses for SMS (388 shared, 991 trial,
//! spare and reserved codes) are absent, so such numbers have no calling code.
//! E.164 country codes are prefix-free (no code is the start of another), so
//! at most one of a number's first 1, 2 or 3 digits is in the table. Numbers
//! sharing a code (the North American Numbering Plan's +1, Russia and
//! Kazakhstan's +7) get that shared code.

/// Sorted byte-wise, for `binary_search`.
const CODES: [&str; 215] = [
  "1", "20", "211", "212", "213", "216", "218", "220", "221", "222", "223", "224", "225", "226",
  "227", "228", "229", "230", "231", "232", "233", "234", "235", "236", "237", "238", "239", "240",
  "241", "242", "243", "244", "245", "246", "247", "248", "249", "250", "251", "252", "253", "254",
  "255", "256", "257", "258", "260", "261", "262", "263", "264", "265", "266", "267", "268", "269",
  "27", "290", "291", "297", "298", "299", "30", "31", "32", "33", "34", "350", "351", "352",
  "353", "354", "355", "356", "357", "358", "359", "36", "370", "371", "372", "373", "374", "375",
  "376", "377", "378", "380", "381", "382", "383", "385", "386", "387", "389", "39", "40", "41",
  "420", "421", "423", "43", "44", "45", "46", "47", "48", "49", "500", "501", "502", "503", "504",
  "505", "506", "507", "508", "509", "51", "52", "53", "54", "55", "56", "57", "58", "590", "591",
  "592", "593", "594", "595", "596", "597", "598", "599", "60", "61", "62", "63", "64", "65", "66",
  "670", "672", "673", "674", "675", "676", "677", "678", "679", "680", "681", "682", "683", "685",
  "686", "687", "688", "689", "690", "691", "692", "7", "800", "808", "81", "82", "84", "850",
  "852", "853", "855", "856", "86", "870", "878", "880", "881", "882", "883", "886", "888", "90",
  "91", "92", "93", "94", "95", "960", "961", "962", "963", "964", "965", "966", "967", "968",
  "970", "971", "972", "973", "974", "975", "976", "977", "979", "98", "992", "993", "994", "995",
  "996", "998",
];

/// The calling code of `e164_digits` (the number with its country code and no
/// `+`, as `phone::to_e164` gives it without the `+`), or `None` when its first
/// digits are no assigned code.
pub fn calling_code(e164_digits: &str) -> Option<&'static str> {
  let digits = e164_digits.strip_prefix('+').unwrap_or(e164_digits);
  (1..=3)
    .filter_map(|len| digits.get(..len))
    .find_map(|prefix| CODES.binary_search(&prefix).ok().map(|i| CODES[i]))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn the_table_is_sorted_and_prefix_free() {
    assert!(CODES.windows(2).all(|w| w[0] < w[1]));
    for a in CODES {
      for b in CODES {
        assert!(a == b || !b.starts_with(a), "{a} is a prefix of {b}");
      }
    }
  }

  #[test]
  fn single_two_and_three_digit_codes() {
    assert_eq!(calling_code("12025550123"), Some("1"));
    assert_eq!(calling_code("447911123456"), Some("44"));
    assert_eq!(calling_code("85291234567"), Some("852"));
    assert_eq!(calling_code("8613812345678"), Some("86"));
    assert_eq!(calling_code("79161234567"), Some("7"));
    assert_eq!(calling_code("77011234567"), Some("7"));
    assert_eq!(calling_code("886912345678"), Some("886"));
    assert_eq!(calling_code("97150123456"), Some("971"));
  }

  #[test]
  fn nanp_members_share_plus_one() {
    // Antigua and Barbuda, Jamaica, Canada: separate countries, one code.
    assert_eq!(calling_code("12684641234"), Some("1"));
    assert_eq!(calling_code("18765551234"), Some("1"));
    assert_eq!(calling_code("14165551234"), Some("1"));
  }

  #[test]
  fn unassigned_prefixes_have_no_code() {
    assert_eq!(calling_code("0123456789"), None);
    assert_eq!(calling_code("2101234567"), None);
    assert_eq!(calling_code("4221234"), None);
    assert_eq!(calling_code("999123456"), None);
    assert_eq!(calling_code(""), None);
    assert_eq!(calling_code("abc"), None);
    assert_eq!(calling_code("85"), None);
  }

  #[test]
  fn a_leading_plus_is_ignored_and_short_inputs_do_not_panic() {
    assert_eq!(calling_code("+8613812345678"), Some("86"));
    assert_eq!(calling_code("8"), None);
    assert_eq!(calling_code("86"), Some("86"));
    assert_eq!(calling_code("é1"), None);
  }
}

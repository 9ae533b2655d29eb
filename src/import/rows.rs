//! Cells to values: dates in any of the forms spreadsheets write them
//! (`2021/3/5`, `2021年3月5日`, `20210305`, Excel serial numbers) to
//! `YYYY[-MM[-DD]]`, amounts of money (`500万元人民币`, `1,000 万美元`) to a
//! number and a unit, numbers, and multi-valued cells split on their
//! separators. Each conversion returns the value or a message saying what
//! was expected; this file knows nothing of rows, mappings or the graph.

use crate::model::is_valid_date;

/// What a bad date message says is expected.
pub const DATE_FORMS: &str = "a date such as 2021-03-05, 2021/3/5, 2021年3月5日, 20210305, 2021-03 or 2021";

/// Full-width digits and punctuation to ASCII, other characters kept.
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Reads a date cell as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
///
/// Takes years, months and days separated by `-`, `/`, `.` or written
/// `2021年3月5日` (months and days of one or two digits), a time after the
/// date (dropped), `YYYYMMDD` and `YYYYMM` digits, and Excel serial day
/// numbers (five digits, `44260` is 2021-03-05). The date must exist.
pub fn parse_date(cell: &str) -> Result<String, String> {
    let text = half_width(cell.trim());
    let bad = || format!("bad date \"{}\", expected {DATE_FORMS}", cell.trim());
    // a time of day after the date: `2021/3/5 0:00`, `2021-03-05T08:00:00`
    let date = text.split([' ', 'T']).next().unwrap_or("").trim();
    if date.is_empty() {
        return Err(bad());
    }
    let all_digits = date.bytes().all(|b| b.is_ascii_digit());
    let normalized = if all_digits {
        match date.len() {
            4 => date.to_string(),
            6 => format!("{}-{}", &date[..4], &date[4..]),
            8 => format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]),
            5 => excel_serial(date).ok_or_else(bad)?,
            _ => return Err(bad()),
        }
    } else if let Some(serial) = date.strip_suffix(".0").filter(|d| d.len() == 5) {
        excel_serial(serial).ok_or_else(bad)?
    } else {
        let parts: Vec<&str> = date.trim_end_matches('日').split(['-', '/', '.', '年', '月']).collect();
        let parts: Vec<&str> = match parts.as_slice() {
            // `2021年3月` splits into ["2021", "3", ""]
            [head @ .., ""] if !head.is_empty() => head.to_vec(),
            _ => parts,
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let year = |part: &str| {
            (part.len() == 4 && digits(part))
                .then(|| part.to_string())
                .ok_or_else(bad)
        };
        let two = |part: &str| {
            (part.len() <= 2 && digits(part))
                .then(|| format!("{part:0>2}"))
                .ok_or_else(bad)
        };
        match parts.as_slice() {
            [y] => year(y)?,
            [y, m] => format!("{}-{}", year(y)?, two(m)?),
            [y, m, d] => format!("{}-{}-{}", year(y)?, two(m)?, two(d)?),
            _ => return Err(bad()),
        }
    };
    if is_valid_date(&normalized) {
        Ok(normalized)
    } else {
        Err(bad())
    }
}

/// The date of an Excel serial day number (1900 date system; the serials
/// a five-digit number can be are 1927 to 2173, past Excel's fictitious
/// 1900-02-29).
fn excel_serial(digits: &str) -> Option<String> {
    let serial: i64 = digits.parse().ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = epoch.checked_add_signed(chrono::TimeDelta::try_days(serial)?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// Reads a number cell: digits with an optional sign, decimal point and
/// thousands separators (`1,234.5`), full-width digits allowed.
pub fn parse_number(cell: &str) -> Result<f64, String> {
    let text: String = half_width(cell.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | ' '))
        .collect();
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && !text.is_empty() && !text.contains(['e', 'E', 'i', 'n', 'N']))
        .ok_or_else(|| {
            format!(
                "bad number \"{}\", expected digits such as 1234 or 1,234.5",
                cell.trim()
            )
        })
}

/// Reads a whole-number cell.
pub fn parse_integer(cell: &str) -> Result<i64, String> {
    let number =
        parse_number(cell).map_err(|_| format!("bad whole number \"{}\", expected digits such as 12", cell.trim()))?;
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        Ok(number as i64)
    } else {
        Err(format!(
            "bad whole number \"{}\", expected digits such as 12",
            cell.trim()
        ))
    }
}

/// Currency words and the unit word they stand for: renminbi is `元`.
const CURRENCIES: &[(&str, &str)] = &[
    ("人民币元", "元"),
    ("人民币", "元"),
    ("rmb", "元"),
    ("cny", "元"),
    ("美元", "美元"),
    ("usd", "美元"),
    ("us$", "美元"),
    ("$", "美元"),
    ("港元", "港元"),
    ("港币", "港元"),
    ("hkd", "港元"),
    ("欧元", "欧元"),
    ("eur", "欧元"),
    ("€", "欧元"),
    ("日元", "日元"),
    ("jpy", "日元"),
    ("英镑", "英镑"),
    ("gbp", "英镑"),
    ("元", "元"),
    ("¥", "元"),
    ("￥", "元"),
];

/// Scale words, longest first.
const SCALES: &[&str] = &["百万", "千万", "万", "亿"];

/// Reads an amount of money: a number, a scale (`万`, `亿`…) and a
/// currency, in any order around the number (`500万元人民币`, `1,000 万美元`,
/// `人民币 500 万元`, `USD 2.5万`). Returns the number as written and the
/// unit as scale plus currency (`万元`, `万美元`); a cell naming no currency
/// is in yuan, and a bare number takes `default_unit` (or none).
pub fn parse_amount(cell: &str, default_unit: Option<&str>) -> Result<(f64, Option<String>), String> {
    let bad = || {
        format!(
            "bad amount \"{}\", expected a number with an optional unit such as 500万元, 1,000万美元 or 2.5亿元",
            cell.trim()
        )
    };
    let text = half_width(cell.trim()).to_lowercase();
    let text = text.trim_matches(|c: char| c == '(' || c == ')' || c == '（' || c == '）' || c.is_whitespace());
    // the number: the one run of digits, separators and a point
    let start = text.find(|c: char| c.is_ascii_digit()).ok_or_else(bad)?;
    let length = text[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(text.len() - start);
    let number = parse_number(&text[start..start + length]).map_err(|_| bad())?;
    let negative = text[..start].trim_end().ends_with('-');
    let mut words: String = format!("{} {}", &text[..start], &text[start + length..])
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）' | '-' | ':' | '：'))
        .collect();
    if words.contains(|c: char| c.is_ascii_digit()) {
        return Err(bad());
    }
    let scale = SCALES.iter().find(|scale| words.contains(**scale)).copied();
    if let Some(scale) = scale {
        words = words.replacen(scale, "", 1);
    }
    // `元人民币` names the currency twice: every currency word must agree
    let mut currency = None;
    while let Some(&(word, unit)) = CURRENCIES.iter().find(|(word, _)| words.contains(word)) {
        if currency.is_some_and(|seen| seen != unit) {
            return Err(bad());
        }
        currency = Some(unit);
        words = words.replacen(word, "", 1);
    }
    if !words.is_empty() {
        return Err(bad());
    }
    let unit = match (scale, currency) {
        (None, None) => default_unit.map(str::to_string),
        (scale, currency) => Some(format!("{}{}", scale.unwrap_or(""), currency.unwrap_or("元"))),
    };
    Ok((if negative { -number } else { number }, unit))
}

/// The values of a multi-valued cell: split on any of `separators`,
/// trimmed, empty ones dropped.
pub fn split_values<'c>(cell: &'c str, separators: &str) -> Vec<&'c str> {
    if separators.is_empty() {
        let value = cell.trim();
        return if value.is_empty() { Vec::new() } else { vec![value] };
    }
    cell.split(|c: char| separators.contains(c))
        .map(|value| value.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}'))
        .filter(|value| !value.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_sheets_write_them() {
        for (cell, date) in [
            ("2021/3/5", "2021-03-05"),
            ("2021-03-05", "2021-03-05"),
            ("2021.3.5", "2021-03-05"),
            ("2021年3月5日", "2021-03-05"),
            ("２０２１年３月５日", "2021-03-05"),
            ("2021年3月", "2021-03"),
            ("2021年", "2021"),
            ("2021", "2021"),
            ("20210305", "2021-03-05"),
            ("202103", "2021-03"),
            ("2021/3/5 0:00", "2021-03-05"),
            ("2021-03-05T08:30:00", "2021-03-05"),
            ("44260", "2021-03-05"),
            ("44260.0", "2021-03-05"),
            (" 2024-2-29 ", "2024-02-29"),
        ] {
            assert_eq!(parse_date(cell).as_deref(), Ok(date), "{cell}");
        }
    }

    #[test]
    fn impossible_dates_say_what_is_expected() {
        for cell in [
            "2021/13/01",
            "2023-02-29",
            "21/3/5",
            "三月五日",
            "",
            "2021-3-5-1",
            "123",
            "2021/003/1",
        ] {
            let error = parse_date(cell).unwrap_err();
            assert!(error.starts_with(&format!("bad date \"{cell}\"")), "{error}");
            assert!(error.contains("expected a date such as"), "{error}");
        }
    }

    #[test]
    fn amounts_become_number_and_unit() {
        for (cell, number, unit) in [
            ("500万元人民币", 500.0, Some("万元")),
            ("1,000 万美元", 1000.0, Some("万美元")),
            ("人民币 500 万元", 500.0, Some("万元")),
            ("500万人民币", 500.0, Some("万元")),
            ("2.5亿元", 2.5, Some("亿元")),
            ("50万", 50.0, Some("万元")),
            ("USD 30万", 30.0, Some("万美元")),
            ("300", 300.0, None),
            ("１，２００万元", 1200.0, Some("万元")),
            ("(人民币)100万元", 100.0, Some("万元")),
            ("3000000元", 3_000_000.0, Some("元")),
        ] {
            assert_eq!(
                parse_amount(cell, None),
                Ok((number, unit.map(str::to_string))),
                "{cell}"
            );
        }
        assert_eq!(parse_amount("300", Some("万元")), Ok((300.0, Some("万元".to_string()))));
    }

    #[test]
    fn bad_amounts_and_numbers() {
        for cell in ["五百万元", "500万元 200万元", "约500万左右", "", "万元"] {
            let error = parse_amount(cell, None).unwrap_err();
            assert!(error.starts_with("bad amount"), "{cell}: {error}");
        }
        assert_eq!(parse_number("1,234.5"), Ok(1234.5));
        assert_eq!(parse_number("-3"), Ok(-3.0));
        assert!(parse_number("NaN").is_err());
        assert!(parse_number("1e5").is_err());
        assert!(parse_number("12a").is_err());
        assert_eq!(parse_integer("１２"), Ok(12));
        assert!(parse_integer("1.5").unwrap_err().starts_with("bad whole number"));
    }

    #[test]
    fn multi_valued_cells_split_on_any_separator() {
        assert_eq!(
            split_values(
                "张伟；李娜;王强、赵敏,周杰，吴昊",
                super::super::mapping::DEFAULT_SEPARATORS
            ),
            vec!["张伟", "李娜", "王强", "赵敏", "周杰", "吴昊"]
        );
        assert_eq!(split_values(" 张伟 ；；　李娜 ", "；"), vec!["张伟", "李娜"]);
        assert_eq!(
            split_values("A61B 5/00; G06N 3/08", ";"),
            vec!["A61B 5/00", "G06N 3/08"]
        );
        assert_eq!(split_values("  ", "；"), Vec::<&str>::new());
        assert_eq!(split_values("a;b", ""), vec!["a;b"]);
    }
}

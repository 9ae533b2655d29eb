//! Amounts of money and dates, read by pattern.
//!
//! Amounts: a number (Arabic, with thousands commas and a decimal point, or
//! Chinese numerals), an optional 余/多, then a unit made of an optional
//! multiplier (十万, 百万, 千万, 万, 亿 …) and a currency (元, 美元, 欧元,
//! 港元, 日元, 英镑, 人民币). With Arabic digits the multiplier stays in the
//! unit (`5千万元` is 5 千万元); Chinese numerals are read whole and given in
//! their last 万 or 亿 (`一千万元` is 1000 万元, `一亿五千万元` 15000 万元).
//! A number without a currency is not an amount.
//!
//! Dates: `2023年`, `2023年5月`, `2023年5月12日` (also in Chinese numerals,
//! 二〇二三年五月), `2023-05-12`, `2023/5/12`, `2023.5.12` and `2023-05`,
//! for years 1900 to 2099, normalised to `YYYY`, `YYYY-MM`, `YYYY-MM-DD`.

use super::super::mention::{Amount, Mention, MentionKind, MentionSource};
use super::super::prepare::Prepared;

const MULTIPLIERS: &[(&str, f64)] = &[
    ("万亿", 1e12),
    ("千亿", 1e11),
    ("百亿", 1e10),
    ("十亿", 1e9),
    ("亿", 1e8),
    ("千万", 1e7),
    ("百万", 1e6),
    ("十万", 1e5),
    ("万", 1e4),
    ("千", 1e3),
];

const CURRENCIES: &[&str] = &[
    "元人民币",
    "人民币",
    "美元",
    "欧元",
    "港元",
    "港币",
    "日元",
    "英镑",
    "元",
];

/// Every amount and date in the view, as mentions over view offsets.
pub fn find(prepared: &Prepared, out: &mut Vec<Mention>) {
    let chars = &prepared.chars;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number = c.is_ascii_digit() || chinese_digit(c).is_some();
        let after_number = i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.');
        if !starts_number || after_number {
            i += 1;
            continue;
        }
        if let Some(mention) = date_at(chars, i).or_else(|| amount_at(chars, i)) {
            i = mention.end;
            out.push(mention);
        } else {
            i += 1;
        }
    }
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '亿')
}

fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    (at..).zip(word.chars()).all(|(i, w)| chars.get(i) == Some(&w))
}

/// Reads Arabic digits at `at`: `(value, end)`.
fn arabic(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let mut text = String::new();
    let mut i = at;
    let mut seen_point = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            text.push(c);
        } else if c == ','
            && !seen_point
            && chars
                .get(i + 1..i + 4)
                .is_some_and(|d| d.iter().all(char::is_ascii_digit))
        {
            // a thousands comma
        } else if c == '.' && !seen_point && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            seen_point = true;
            text.push('.');
        } else {
            break;
        }
        i += 1;
    }
    (i > at).then(|| text.parse().ok().map(|v| (v, i))).flatten()
}

/// Reads Chinese numerals at `at`: `(value, end, last multiplier)`, where
/// the last multiplier is 1e4 or 1e8 when the numeral ends with 万 or 亿.
fn chinese(chars: &[char], at: usize) -> Option<(f64, usize, f64)> {
    let mut end = at;
    while end < chars.len() && is_chinese_numeral(chars[end]) {
        end += 1;
    }
    if end == at {
        return None;
    }
    let mut total = 0f64;
    let mut section = 0f64;
    let mut digit: Option<f64> = None;
    for &c in &chars[at..end] {
        match c {
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10.0,
                    '百' => 100.0,
                    _ => 1000.0,
                };
                section += digit.take().unwrap_or(1.0) * unit;
            }
            '万' | '亿' => {
                let unit = if c == '万' { 1e4 } else { 1e8 };
                section += digit.take().unwrap_or(0.0);
                if c == '亿' {
                    total = (total + section) * unit;
                } else {
                    total += section * unit;
                }
                section = 0.0;
            }
            _ => {
                let d = f64::from(chinese_digit(c)?);
                digit = Some(digit.map_or(d, |previous| previous * 10.0 + d));
            }
        }
    }
    total += section + digit.unwrap_or(0.0);
    let last = match chars[end - 1] {
        '亿' => 1e8,
        '万' => 1e4,
        _ => 1.0,
    };
    (total > 0.0).then_some((total, end, last))
}

fn amount_at(chars: &[char], at: usize) -> Option<Mention> {
    let (value, mut i, multiplier_text) = if chars[at].is_ascii_digit() {
        let (value, end) = arabic(chars, at)?;
        (value, end, None)
    } else {
        let (total, end, last) = chinese(chars, at)?;
        // a lone 十 or 千 is rarely a sum: ask for two numerals at least
        if end - at < 2 && chinese_digit(chars[at]).is_none_or(|d| d == 0) {
            return None;
        }
        let unit = match chars[end - 1] {
            '亿' => Some("亿"),
            '万' => Some("万"),
            _ => None,
        };
        (total / last, end, unit)
    };
    if matches!(chars.get(i), Some('余' | '多')) {
        i += 1;
    }
    let mut unit = String::new();
    if let Some(multiplier) = multiplier_text {
        unit.push_str(multiplier);
    } else if let Some((word, _)) = MULTIPLIERS.iter().find(|(word, _)| starts_with(chars, i, word)) {
        unit.push_str(word);
        i += word.chars().count();
        if matches!(chars.get(i), Some('余' | '多')) {
            i += 1;
        }
    }
    let currency = CURRENCIES.iter().find(|c| starts_with(chars, i, c))?;
    unit.push_str(currency);
    i += currency.chars().count();
    let text: String = chars[at..i].iter().collect();
    let mut mention = Mention::new(text, MentionKind::Amount, at, i, MentionSource::Rule);
    mention.amount = Some(Amount { value, unit });
    Some(mention)
}

fn digits(chars: &[char], at: usize, max: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut i = at;
    while i < chars.len() && i - at < max && chars[i].is_ascii_digit() {
        value = value * 10 + chars[i].to_digit(10)?;
        i += 1;
    }
    (i > at).then_some((value, i))
}

/// A small Chinese number (1 to 31) for months and days.
fn small_chinese(chars: &[char], at: usize) -> Option<(u32, usize)> {
    let mut i = at;
    let mut value = 0u32;
    let mut digit: Option<u32> = None;
    while i < chars.len() && i - at < 3 {
        match chars[i] {
            '十' => {
                value += digit.take().unwrap_or(1) * 10;
            }
            c => match chinese_digit(c) {
                Some(d) if d > 0 => digit = Some(d),
                _ => break,
            },
        }
        i += 1;
    }
    value += digit.unwrap_or(0);
    (i > at && value > 0).then_some((value, i))
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn date_at(chars: &[char], at: usize) -> Option<Mention> {
    // the year: four Arabic digits, or four Chinese digits
    let (year, mut i) = if chars[at].is_ascii_digit() {
        let (year, end) = digits(chars, at, 5)?;
        (year, end)
    } else {
        let mut year = 0;
        let mut i = at;
        while i < chars.len() && i - at < 4 {
            year = year * 10 + chinese_digit(chars[i])?;
            i += 1;
        }
        (year, i)
    };
    if i - at != 4 || !(1900..=2099).contains(&year) {
        return None;
    }
    let chinese_year = !chars[at].is_ascii_digit();
    let numeric_separator = chars
        .get(i)
        .copied()
        .filter(|c| matches!(c, '-' | '/' | '.'))
        .filter(|_| !chinese_year);
    let mut normalised = format!("{year:04}");
    if let Some(separator) = numeric_separator {
        let (month, after_month) = digits(chars, i + 1, 2)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        let day = (chars.get(after_month) == Some(&separator))
            .then(|| digits(chars, after_month + 1, 2))
            .flatten()
            .filter(|&(day, end)| {
                (1..=days_in(month, year)).contains(&day) && !chars.get(end).is_some_and(char::is_ascii_digit)
            });
        match day {
            Some((day, end)) => {
                normalised = format!("{year:04}-{month:02}-{day:02}");
                i = end;
            }
            // 2023.5 is a number; 2023-05 and 2023/05 are months
            None if separator == '.' => return None,
            None => {
                if chars.get(after_month).is_some_and(char::is_ascii_digit) {
                    return None;
                }
                normalised = format!("{year:04}-{month:02}");
                i = after_month;
            }
        }
    } else {
        if chars.get(i) != Some(&'年') {
            return None;
        }
        i += 1;
        let month = if chinese_year {
            small_chinese(chars, i)
        } else {
            digits(chars, i, 2)
        };
        if let Some((month, after)) =
            month.filter(|&(m, after)| (1..=12).contains(&m) && chars.get(after) == Some(&'月'))
        {
            normalised = format!("{year:04}-{month:02}");
            i = after + 1;
            let day = if chinese_year {
                small_chinese(chars, i)
            } else {
                digits(chars, i, 2)
            };
            if let Some((day, after)) = day.filter(|&(d, after)| {
                (1..=days_in(month, year)).contains(&d) && matches!(chars.get(after), Some('日' | '号'))
            }) {
                normalised = format!("{year:04}-{month:02}-{day:02}");
                i = after + 1;
            }
        }
    }
    let text: String = chars[at..i].iter().collect();
    let mut mention = Mention::new(text, MentionKind::Date, at, i, MentionSource::Rule);
    mention.date = Some(normalised);
    Some(mention)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Found = (String, Option<(f64, String)>, Option<String>);

    fn found(text: &str) -> Vec<Found> {
        let jieba = jieba_rs::Jieba::new();
        let prepared = Prepared::new(&jieba, text);
        let mut out = Vec::new();
        find(&prepared, &mut out);
        out.into_iter()
            .map(|m| (m.text, m.amount.map(|a| (a.value, a.unit)), m.date))
            .collect()
    }

    fn amount(text: &str) -> (String, f64, String) {
        let all = found(text);
        let (t, a, _) = all
            .into_iter()
            .find(|(_, a, _)| a.is_some())
            .unwrap_or_else(|| panic!("{text}"));
        let (v, u) = a.unwrap();
        (t, v, u)
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("获得1.5亿元投资"), ("1.5亿元".into(), 1.5, "亿元".into()));
        assert_eq!(amount("总投资5000万元"), ("5000万元".into(), 5000.0, "万元".into()));
        assert_eq!(amount("授信一千万元"), ("一千万元".into(), 1000.0, "万元".into()));
        assert_eq!(amount("融资1.2亿美元"), ("1.2亿美元".into(), 1.2, "亿美元".into()));
        assert_eq!(amount("奖励30万元"), ("30万元".into(), 30.0, "万元".into()));
        assert_eq!(amount("售价3,000元"), ("3,000元".into(), 3000.0, "元".into()));
        assert_eq!(amount("5千万元"), ("5千万元".into(), 5.0, "千万元".into()));
        assert_eq!(amount("800万美元"), ("800万美元".into(), 800.0, "万美元".into()));
        assert_eq!(amount("一亿五千万元"), ("一亿五千万元".into(), 15000.0, "万元".into()));
        assert_eq!(amount("三亿元"), ("三亿元".into(), 3.0, "亿元".into()));
        assert_eq!(amount("3000余万元"), ("3000余万元".into(), 3000.0, "万元".into()));
        assert!(found("服务5000万人次").is_empty());
        assert!(found("增长了30%").is_empty());
    }

    #[test]
    fn dates() {
        let date = |text: &str| found(text).into_iter().find_map(|(t, _, d)| d.map(|d| (t, d)));
        assert_eq!(date("2023年成立"), Some(("2023年".into(), "2023".into())));
        assert_eq!(date("于2023年5月落户"), Some(("2023年5月".into(), "2023-05".into())));
        assert_eq!(
            date("2023年5月12日签约"),
            Some(("2023年5月12日".into(), "2023-05-12".into()))
        );
        assert_eq!(date("日期2023-05-12"), Some(("2023-05-12".into(), "2023-05-12".into())));
        assert_eq!(date("2021/3/8"), Some(("2021/3/8".into(), "2021-03-08".into())));
        assert_eq!(
            date("二〇二三年五月"),
            Some(("二〇二三年五月".into(), "2023-05".into()))
        );
        assert_eq!(date("2023年2月30日"), Some(("2023年2月".into(), "2023-02".into())));
        assert_eq!(date("编号12023年"), None);
        assert_eq!(date("约2023.5万元"), None);
        assert_eq!(date("3000年"), None);
    }
}

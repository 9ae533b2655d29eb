//! Names, titles, abstracts and news sentences composed from the
//! vocabularies. Pure functions of a random stream and their inputs.

use rand::{Rng, RngExt};

use super::vocab::{Industry, Topic, CITIES, GIVEN_NAME_CHARS, INDUSTRIES, SURNAMES, TRADE_NAME_CHARS};

/// Picks one element of a non-empty slice.
pub(crate) fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [T]) -> &'a T {
    debug_assert!(!items.is_empty());
    &items[rng.random_range(0..items.len())]
}

/// A global topic id: industry index and topic index within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TopicId {
    pub industry: u8,
    pub topic: u8,
}

impl TopicId {
    pub(crate) fn get(self) -> &'static Topic {
        &INDUSTRIES[self.industry as usize].topics[self.topic as usize]
    }

    /// How close two topics are: 1 for the same topic, 0.3 within an
    /// industry, 0 otherwise.
    pub(crate) fn similarity(self, other: TopicId) -> f64 {
        if self == other {
            1.0
        } else if self.industry == other.industry {
            0.3
        } else {
            0.0
        }
    }
}

pub(crate) fn industry(index: u8) -> &'static Industry {
    &INDUSTRIES[index as usize]
}

pub(crate) fn city(index: u8) -> &'static str {
    CITIES[index as usize].0
}

/// A person's name: a frequent surname and one or two given characters.
pub(crate) fn person_name<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut name = String::from(*pick(rng, &SURNAMES));
    name.push(*pick(rng, &GIVEN_NAME_CHARS));
    if rng.random_bool(0.7) {
        name.push(*pick(rng, &GIVEN_NAME_CHARS));
    }
    name
}

/// Two distinct trade-name characters.
pub(crate) fn trade_name<R: Rng + ?Sized>(rng: &mut R) -> String {
    let first = *pick(rng, &TRADE_NAME_CHARS);
    let mut second = *pick(rng, &TRADE_NAME_CHARS);
    while second == first {
        second = *pick(rng, &TRADE_NAME_CHARS);
    }
    [first, second].iter().collect()
}

/// An enterprise's registered name and short name:
/// 城市 + 字号 + 行业词 + 有限公司 / 股份有限公司, and 字号 + 行业词's first two characters.
pub(crate) fn enterprise_names<R: Rng + ?Sized>(rng: &mut R, city_index: u8, industry_index: u8) -> (String, String) {
    let trade = trade_name(rng);
    let word = *pick(rng, &industry(industry_index).company_words);
    let form = if rng.random_bool(0.2) {
        "股份有限公司"
    } else {
        "有限公司"
    };
    let full = format!("{}{trade}{word}{form}", city(city_index));
    let short_word: String = word.chars().take(2).collect();
    (full, format!("{trade}{short_word}"))
}

/// Fills `{city}`, `{industry}`, `{year}`, `{topic}` and `{kw}` placeholders.
pub(crate) fn fill(pattern: &str, city: &str, industry: &str, year: u16, topic: &str, keyword: &str) -> String {
    pattern
        .replace("{city}", city)
        .replace("{industry}", industry)
        .replace("{year}", &year.to_string())
        .replace("{topic}", topic)
        .replace("{kw}", keyword)
}

/// A patent's title and abstract, on a topic.
pub(crate) fn patent_text<R: Rng + ?Sized>(rng: &mut R, topic: TopicId) -> (String, String) {
    let field = industry(topic.industry);
    let keywords = &topic.get().keywords;
    let keyword = *pick(rng, keywords);
    let object = *pick(rng, &field.objects);
    let method = *pick(rng, &field.methods);
    let subject = match rng.random_range(0..4) {
        0 => format!("{object}及其{method}"),
        1 => format!("基于{keyword}的{object}"),
        2 => format!("用于{}的{object}", pick(rng, &field.applications)),
        _ => format!("{object}的{method}"),
    };
    let title = format!("一种{subject}");
    let mut steps: Vec<&str> = Vec::with_capacity(3);
    while steps.len() < 3 {
        let step = *pick(rng, &field.steps);
        if !steps.contains(&step) {
            steps.push(step);
        }
    }
    let second_keyword = *pick(rng, keywords);
    let abstract_text = format!(
        "本发明公开了一种{subject}，属于{}技术领域。所述方法包括：{}；{}；{}。本发明通过引入{second_keyword}，{}，可应用于{}。",
        field.name,
        steps[0],
        steps[1],
        steps[2],
        pick(rng, &field.effects),
        pick(rng, &field.applications),
    );
    (title, abstract_text)
}

/// A project's title and description, on a topic.
pub(crate) fn project_text<R: Rng + ?Sized>(rng: &mut R, topic: TopicId) -> (String, String) {
    let field = industry(topic.industry);
    let keyword = *pick(rng, &topic.get().keywords);
    let application = *pick(rng, &field.applications);
    let title = match rng.random_range(0..3) {
        0 => format!("{}关键技术研究及产业化", topic.get().name),
        1 => format!("面向{application}的{keyword}{}研发", pick(rng, &field.objects)),
        _ => format!("{keyword}技术攻关与示范应用"),
    };
    let description = format!(
        "项目围绕{}方向，重点突破{keyword}、{}等关键技术，开发{}，预期在{application}领域形成示范应用。",
        topic.get().name,
        pick(rng, &topic.get().keywords),
        pick(rng, &field.objects),
    );
    (title, description)
}

/// An enterprise's technical needs, one or two sentences.
pub(crate) fn need_text<R: Rng + ?Sized>(rng: &mut R, topic: TopicId) -> String {
    let pattern = *pick(rng, &super::vocab::NEED_PATTERNS);
    let keyword = *pick(rng, &topic.get().keywords);
    fill(pattern, "", "", 0, topic.get().name, keyword)
}

/// The check character of a unified social credit code (GB 32100-2015).
fn credit_code_check(body: &[u8]) -> u8 {
    const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| CHARSET.iter().position(|x| x == c).unwrap_or(0) as u32 * w)
        .sum();
    CHARSET[((31 - sum % 31) % 31) as usize]
}

/// A well-formed unified social credit code of an enterprise in `region`
/// (a six-digit administrative code).
pub(crate) fn credit_code<R: Rng + ?Sized>(rng: &mut R, region: u32) -> String {
    const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut body = format!("91{region:06}").into_bytes();
    body.extend_from_slice(b"MA");
    for _ in 0..7 {
        body.push(CHARSET[rng.random_range(0..CHARSET.len())]);
    }
    let check = credit_code_check(&body);
    body.push(check);
    String::from_utf8(body).unwrap_or_default()
}

/// A Chinese patent application number such as `CN201910456789.0`.
pub(crate) fn application_number<R: Rng + ?Sized>(rng: &mut R, year: u16, invention: bool) -> String {
    let kind = if invention { 1 } else { 2 };
    let serial: u32 = rng.random_range(0..10_000_000);
    let digits = format!("{year}{kind}{serial:07}");
    // check digit: weights 2..9 cycling over the 12 digits, mod 11, 10 → X
    let sum: u32 = digits
        .bytes()
        .zip([2u32, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    let check = match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('0'),
    };
    format!("CN{digits}.{check}")
}

/// A date `YYYY-MM-DD` within `year`.
pub(crate) fn date_in<R: Rng + ?Sized>(rng: &mut R, year: u16) -> String {
    format!("{year}-{:02}-{:02}", rng.random_range(1..=12), rng.random_range(1..=28))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn credit_code_checksum_matches_a_known_code() {
        // a published example code: 91350100M000100Y43
        assert_eq!(credit_code_check(b"91350100M000100Y4"), b'3');
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let code = credit_code(&mut rng, 370_212);
        assert_eq!(code.len(), 18);
        assert_eq!(credit_code_check(&code.as_bytes()[..17]), code.as_bytes()[17]);
    }

    #[test]
    fn names_and_texts_read_like_the_real_thing() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (full, short) = enterprise_names(&mut rng, 0, 0);
        assert!(full.starts_with(city(0)) && full.ends_with("有限公司"), "{full}");
        assert_eq!(short.chars().count(), 4, "{short}");
        let topic = TopicId { industry: 1, topic: 2 };
        let (title, abstract_text) = patent_text(&mut rng, topic);
        assert!(title.starts_with("一种"));
        assert!(abstract_text.starts_with("本发明公开了一种"));
        assert!(topic.get().keywords.iter().any(|k| abstract_text.contains(k)));
        assert!(application_number(&mut rng, 2019, true).starts_with("CN20191"));
    }
}

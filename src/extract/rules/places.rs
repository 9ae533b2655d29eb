//! Place names: a word jieba tags as a place (青岛, 崂山区), with a level
//! word after it when jieba cut one off (青岛 市) or a zone word (青岛
//! 高新区, 西海岸 新区). These are mentions of places, never of
//! organisations; inside an organisation's name the organisation wins.

use super::super::mention::{Mention, MentionKind, MentionSource};
use super::super::prepare::{Pos, Prepared};

/// Words that make a place a larger unit or a zone when they follow it.
const LEVELS: &[&str] = &[
    "省",
    "市",
    "区",
    "县",
    "镇",
    "乡",
    "村",
    "高新区",
    "开发区",
    "新区",
    "自贸区",
    "保税区",
    "片区",
    "示范区",
    "试验区",
    "经济开发区",
    "高新技术产业开发区",
    "街道",
];

/// Words jieba tags as places that name none.
const NOT_PLACES: &[&str] = &[
    "深海", "海洋", "入口", "出口", "城市", "海外", "国内", "国外", "全国", "全球", "世界", "中华", "东方", "西方",
    "南方", "北方", "内地", "沿海", "本地", "当地", "异地", "各地", "基层", "农村", "城乡", "边境", "港口", "码头",
];

/// Every place name in `prepared`.
pub fn find(prepared: &Prepared, out: &mut Vec<Mention>) {
    let words = &prepared.words;
    let mut w = 0;
    while w < words.len() {
        let word = words[w];
        if word.pos != Pos::PlaceName || word.len() < 2 || NOT_PLACES.contains(&prepared.slice(word.start, word.end)) {
            w += 1;
            continue;
        }
        let mut end = word.end;
        let mut next = w + 1;
        while let Some(level) = words.get(next) {
            if !LEVELS.contains(&prepared.slice(level.start, level.end)) {
                break;
            }
            end = level.end;
            next += 1;
        }
        out.push(Mention::new(
            prepared.slice(word.start, end),
            MentionKind::Location,
            word.start,
            end,
            MentionSource::Rule,
        ));
        w = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_zones() {
        let jieba = jieba_rs::Jieba::new();
        let prepared = Prepared::new(&jieba, "崂山区是青岛市的一部分，青岛高新区位于北部");
        let mut out = Vec::new();
        find(&prepared, &mut out);
        let names: Vec<&str> = out.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(names, ["崂山区", "青岛市", "青岛高新区"]);
    }
}

//! Cutting an article into sentences: the unit a mention is found in and a
//! relation is quoted by.
//!
//! A sentence ends at 。！？； (and their ASCII forms `!?;`), or at a line
//! break, but never inside quotes or brackets: `他说：“项目已落地。下一步扩产。”`
//! is one sentence, which ends there because its quote closes on an end
//! mark. Closing quotes and brackets right after an end mark stay
//! with the sentence they close. A quote or bracket left open runs to the end
//! of its line at most, so one stray mark cannot swallow a paragraph.

/// One sentence of a text: its span in characters (end exclusive) and its
/// trimmed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Character offset of the first character of `text` in the article.
    pub start: usize,
    /// Character offset just past the last character of `text`.
    pub end: usize,
    pub text: String,
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}

fn opens(c: char) -> Option<char> {
    Some(match c {
        '“' => '”',
        '‘' => '’',
        '「' => '」',
        '『' => '』',
        '（' => '）',
        '(' => ')',
        '【' => '】',
        '《' => '》',
        '〔' => '〕',
        '[' => ']',
        _ => return None,
    })
}

fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '】' | '》' | '〕' | ']')
}

/// The sentences of `text`, in order, blank ones left out.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let mut sentences = Vec::new();
    let mut open: Vec<char> = Vec::new();
    let mut begin = 0;
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c == '\n' || c == '\r' {
            // a line break ends the sentence and any mark left open
            push(&chars, begin, at, &mut sentences);
            open.clear();
            at += 1;
            begin = at;
            continue;
        }
        if let Some(close) = opens(c) {
            open.push(close);
        } else if closes(c) {
            if let Some(position) = open.iter().rposition(|&expected| expected == c) {
                open.truncate(position);
                // `…扩产。”`: a quote closing on an end mark ends the sentence
                if open.is_empty() && at > 0 && ends_sentence(chars[at - 1]) {
                    let mut end = at + 1;
                    while end < chars.len() && closes(chars[end]) {
                        end += 1;
                    }
                    push(&chars, begin, end, &mut sentences);
                    begin = end;
                    at = end;
                    continue;
                }
            }
        } else if ends_sentence(c) && open.is_empty() {
            let mut end = at + 1;
            // repeated marks (！！, ？！) and the closing marks after them
            while end < chars.len() && (ends_sentence(chars[end]) || closes(chars[end])) {
                end += 1;
            }
            push(&chars, begin, end, &mut sentences);
            begin = end;
            at = end;
            continue;
        }
        at += 1;
    }
    push(&chars, begin, chars.len(), &mut sentences);
    sentences
}

fn push(chars: &[char], mut start: usize, mut end: usize, sentences: &mut Vec<Sentence>) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        sentences.push(Sentence {
            start,
            end,
            text: chars[start..end].iter().collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_sentences(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn sentences_end_at_chinese_marks_and_line_breaks() {
        assert_eq!(
            texts("园区新增企业12家。其中3家来自高校！是否继续？  下一步扩产；\n第二段"),
            [
                "园区新增企业12家。",
                "其中3家来自高校！",
                "是否继续？",
                "下一步扩产；",
                "第二段"
            ]
        );
    }

    #[test]
    fn quotes_and_brackets_stay_whole() {
        assert_eq!(
            texts("他表示：“项目已经落地。下一步将扩产。”随后签约。"),
            ["他表示：“项目已经落地。下一步将扩产。”", "随后签约。"]
        );
        assert_eq!(
            texts("该公司（前身为某研究所。成立于2015年）获批。好！！"),
            ["该公司（前身为某研究所。成立于2015年）获批。", "好！！"]
        );
        // a quote left open ends with its line
        assert_eq!(texts("他说“未完。\n新行。"), ["他说“未完。", "新行。"]);
    }

    #[test]
    fn spans_are_character_offsets_into_the_text() {
        let text = "  甲公司成立。\r\n 乙大学合作。";
        let chars: Vec<char> = text.chars().collect();
        for sentence in split_sentences(text) {
            let slice: String = chars[sentence.start..sentence.end].iter().collect();
            assert_eq!(slice, sentence.text);
        }
        assert!(split_sentences(" \n\n ").is_empty());
    }
}

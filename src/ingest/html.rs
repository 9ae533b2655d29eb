//! A web page's readable text: `<title>` (or the first heading), the text
//! of the body with scripts, styles and other non-text elements left out,
//! block elements as line breaks (so that sentences do not run into each
//! other), character references decoded by the HTML parser, and a date
//! from the usual meta tags when the page gives one.

use scraper::{ElementRef, Html, Node, Selector};

/// What a page says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    pub title: String,
    pub text: String,
    /// `YYYY-MM-DD` (or shorter) from `article:published_time`, `pubdate`,
    /// `date` meta tags or a `<time datetime>`.
    pub date: Option<String>,
}

/// Elements whose content is never text to read.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head", "nav", "footer",
];

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "hr",
    "figcaption",
    "td",
    "th",
];

/// The title, text and date of an HTML page.
pub fn page_text(html: &str) -> PageText {
    let document = Html::parse_document(html);
    let title = select_text(&document, "title")
        .or_else(|| select_text(&document, "h1"))
        .unwrap_or_default();
    let mut text = String::new();
    let body = Selector::parse("body").ok().and_then(|s| document.select(&s).next());
    walk(body.unwrap_or_else(|| document.root_element()), &mut text);
    PageText {
        title,
        text: tidy(&text),
        date: page_date(&document),
    }
}

fn select_text(document: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    let element = document.select(&selector).next()?;
    let text = collapse(&element.text().collect::<String>());
    (!text.is_empty()).then_some(text)
}

fn walk(element: ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(tag) => {
                let name = tag.name();
                if SKIPPED.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push('\n');
                }
                if let Some(child) = ElementRef::wrap(child) {
                    walk(child, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Runs of spaces made one space, and spaces between two CJK characters
/// dropped (HTML source wraps lines anywhere).
fn collapse(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let previous_wide = out.chars().next_back().is_some_and(is_wide);
            if !(previous_wide || is_wide(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// One line per block of text, blank lines dropped.
fn tidy(text: &str) -> String {
    text.lines()
        .map(collapse)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn page_date(document: &Html) -> Option<String> {
    const METAS: &[&str] = &[
        "meta[property='article:published_time']",
        "meta[name='pubdate']",
        "meta[name='publishdate']",
        "meta[name='PubDate']",
        "meta[name='date']",
    ];
    let from_meta = METAS.iter().find_map(|selector| {
        let selector = Selector::parse(selector).ok()?;
        document
            .select(&selector)
            .find_map(|e| e.value().attr("content").and_then(date_prefix))
    });
    from_meta.or_else(|| {
        let selector = Selector::parse("time[datetime]").ok()?;
        document
            .select(&selector)
            .find_map(|e| e.value().attr("datetime").and_then(date_prefix))
    })
}

/// `2024-03-05T10:00:00+08:00` → `2024-03-05`; `2024/3/5` → `2024-03-05`.
fn date_prefix(value: &str) -> Option<String> {
    let digits: Vec<&str> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .take(3)
        .collect();
    let year = digits.first().filter(|y| y.len() == 4)?;
    let mut date = (*year).to_string();
    for part in digits.iter().skip(1) {
        let number: u32 = part.parse().ok()?;
        date.push_str(&format!("-{number:02}"));
    }
    crate::model::is_valid_date(&date).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_and_markup_are_dropped_and_blocks_become_lines() {
        let page = page_text(
            "<!doctype html><html><head><title> 园区 新闻 </title>\
             <meta property=\"article:published_time\" content=\"2024-03-05T10:00:00+08:00\"></head>\
             <body><nav>首页 | 关于</nav><h1>标题</h1><div>第一段<b>加粗</b>文字。</div>\
             <p>第二段 &lt;引用&gt; &#x4e2d;文。</p><script>alert(1)</script><style>.a{}</style></body></html>",
        );
        assert_eq!(page.title, "园区新闻");
        assert_eq!(page.text, "标题\n第一段加粗文字。\n第二段<引用>中文。");
        assert_eq!(page.date.as_deref(), Some("2024-03-05"));
    }

    #[test]
    fn a_page_without_title_takes_its_first_heading() {
        let page =
            page_text("<body><h1>青岛 高新区</h1><p>Hello   world</p><time datetime=\"2023/7/1\">x</time></body>");
        assert_eq!(page.title, "青岛高新区");
        assert!(page.text.contains("Hello world"), "{}", page.text);
        assert_eq!(page.date.as_deref(), Some("2023-07-01"));
    }
}

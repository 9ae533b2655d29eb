//! The web UI: the files of `web/` built into the binary (see `build.rs`)
//! and the routes that serve them. The app's own paths (`/search`,
//! `/entity/…`, …) all answer its `index.html`; the app reads its state
//! from the URL.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

mod assets {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

/// The paths of the app's pages (besides `/`), each answered with the app.
pub const PAGES: [&str; 5] = ["/search", "/entity/{id}", "/document/{id}", "/path", "/match"];

/// Registers `/`, the pages and `/assets/…`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(page));
    for path in PAGES {
        cfg.route(path, web::get().to(page));
    }
    // the app's scripts compress to a third (the graph library most)
    cfg.service(
        web::resource("/assets/{file:.*}")
            .wrap(actix_web::middleware::Compress::default())
            .route(web::get().to(asset)),
    );
    cfg.route("/favicon.svg", web::get().to(asset));
}

/// An embedded file by its path under `/`.
fn file(path: &str) -> Option<&'static [u8]> {
    assets::ASSETS
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, bytes)| *bytes)
}

async fn page() -> HttpResponse {
    match app_page() {
        Some(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(html),
        None => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(missing_page()),
    }
}

/// The app's `index.html` with the kinds in it (see [`with_kinds`]).
fn app_page() -> Option<&'static str> {
    static PAGE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| Some(with_kinds(std::str::from_utf8(file("index.html")?).ok()?)))
        .as_deref()
}

/// `html` with the kinds and their labels (as `GET /api/kinds` answers
/// them) in a JSON script at the end of its head, so that the app draws its
/// first page without asking for them.
fn with_kinds(html: &str) -> String {
    let kinds = super::routes::kinds_body().to_string().replace("</", "<\\/");
    let script = format!("<script id=\"kinds\" type=\"application/json\">{kinds}</script>");
    match html.find("</head>") {
        Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
        None => html.to_string(),
    }
}

async fn asset(request: HttpRequest) -> HttpResponse {
    let path = request.path().trim_start_matches('/');
    let Some(bytes) = file(path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(format!("no file `/{path}` in the web UI"));
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type(path))));
    // built files carry a content hash in their names
    if path.starts_with("assets/") {
        response.insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"));
    }
    response.body(bytes)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// What `/` says when the binary was built without the UI.
fn missing_page() -> String {
    let reason = assets::MISSING.unwrap_or("the build found no web UI files");
    format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>innograph 创新图谱</title>\
         <h1>innograph 创新图谱</h1>\
         <p>网页界面未随本程序构建：{}。</p>\
         <p>The web UI is not in this build: {}. The API answers under \
         <a href=\"/api/openapi.json\">/api</a>.</p></html>",
        html_escape(reason),
        html_escape(reason)
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_served_with_their_types() {
        assert_eq!(content_type("assets/index-1a2b.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("assets/index-1a2b.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn the_page_carries_the_kinds() {
        let page = with_kinds("<html><head><title>t</title></head><body></body></html>");
        let start = page.find("<script id=\"kinds\" type=\"application/json\">").unwrap();
        let body = &page[start..];
        let json = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
        let kinds: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(kinds, crate::api::routes::kinds_body());
        assert_eq!(kinds["entity"][0]["kind"], "enterprise");
        assert!(page.ends_with("</script></head><body></body></html>"));
    }

    #[test]
    fn the_missing_page_escapes_its_reason() {
        assert!(html_escape("<b> & </b>") == "&lt;b&gt; &amp; &lt;/b&gt;");
    }
}

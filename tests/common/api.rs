//! Calling the HTTP API in-process: an app around an engine, requests with
//! an optional bearer token, and the checks every endpoint test shares.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use innograph::api::{EngineSlot, WriteToken};
use innograph::Engine;
use serde_json::Value;

/// The in-process service of the HTTP API.
pub trait Api: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {}
impl<S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> Api for S {}

/// The API over `engine`; writes need `token` (none: writes refused).
pub async fn app(engine: Engine, token: Option<&str>) -> impl Api {
    app_over(web::Data::new(EngineSlot::new(engine)), token).await
}

/// The API answering with the engine in `slot`.
pub async fn app_over(slot: web::Data<EngineSlot>, token: Option<&str>) -> impl Api {
    test::init_service(
        App::new()
            .app_data(slot)
            .app_data(web::Data::new(WriteToken(token.map(str::to_string))))
            .configure(innograph::api::configure),
    )
    .await
}

/// Sends a request, presenting `auth` as the bearer token if given; the
/// status and the JSON body.
pub async fn call(app: &impl Api, method: &str, uri: &str, body: Option<Value>, auth: Option<&str>) -> (u16, Value) {
    let mut request = match method {
        "GET" => test::TestRequest::get(),
        "POST" => test::TestRequest::post(),
        "DELETE" => test::TestRequest::delete(),
        other => panic!("method {other}"),
    }
    .uri(uri);
    if let Some(token) = auth {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    if let Some(body) = body {
        request = request.set_json(body);
    }
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let bytes = test::read_body(response).await;
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("{method} {uri}: not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

/// `GET uri`: the status and the JSON body.
pub async fn get(app: &impl Api, uri: &str) -> (u16, Value) {
    call(app, "GET", uri, None, None).await
}

/// Percent-encodes every byte but ASCII letters and digits.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An error answer: this status, this code and a message.
#[track_caller]
pub fn assert_error(status: u16, body: &Value, want_status: u16, code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(!message.is_empty());
}

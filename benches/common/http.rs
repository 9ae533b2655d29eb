//! A server run for a bench and a minimal HTTP/1.1 client to talk to it.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::BenchResult;

/// Kills the server when dropped, also when the bench panics.
pub struct ServerGuard {
    pub child: Child,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client: GET and POST, one kept-alive connection.
pub struct HttpClient {
    pub addr: SocketAddr,
    pub connection: Option<BufReader<TcpStream>>,
    /// Connections opened so far.
    pub connects: usize,
    /// Sent with every request (name, value).
    pub headers: Vec<(String, String)>,
}

impl HttpClient {
    pub fn new(addr: SocketAddr) -> Self {
        HttpClient {
            addr,
            connection: None,
            connects: 0,
            headers: Vec::new(),
        }
    }

    /// Sends `GET target`; reconnects once if a kept-alive connection
    /// turned out closed.
    pub fn get(&mut self, target: &str) -> std::io::Result<(u16, Vec<u8>)> {
        self.request("GET", target, None)
    }

    /// Sends `POST target` with a JSON body; reconnects once if a
    /// kept-alive connection turned out closed before answering.
    pub fn post_json(&mut self, target: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
        self.request("POST", target, Some(body))
    }

    /// Sends one request and reads its answer.
    pub fn request(&mut self, method: &str, target: &str, body: Option<&[u8]>) -> std::io::Result<(u16, Vec<u8>)> {
        let reused = self.connection.is_some();
        match self.try_request(method, target, body) {
            Ok(answer) => Ok(answer),
            Err(_) if reused => {
                self.connection = None;
                self.try_request(method, target, body)
            }
            Err(error) => Err(error),
        }
    }

    fn try_request(&mut self, method: &str, target: &str, body: Option<&[u8]>) -> std::io::Result<(u16, Vec<u8>)> {
        if self.connection.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(600)))?;
            self.connection = Some(BufReader::new(stream));
            self.connects += 1;
        }
        let result = self.exchange(method, target, body);
        if result.is_err() {
            self.connection = None;
        }
        result
    }

    fn exchange(&mut self, method: &str, target: &str, body: Option<&[u8]>) -> std::io::Result<(u16, Vec<u8>)> {
        let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
        let addr = self.addr;
        let Some(connection) = self.connection.as_mut() else {
            return Err(std::io::Error::new(std::io::ErrorKind::NotConnected, "no connection"));
        };
        let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n");
        for (name, value) in &self.headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        if let Some(body) = body {
            bytes.extend_from_slice(body);
        }
        connection.get_mut().write_all(&bytes)?;

        let mut line = String::new();
        if connection.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("bad status line"))?;
        let mut content_length = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            if connection.read_line(&mut line)? == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "headers cut"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => content_length = value.parse::<usize>().ok(),
                    "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                    "connection" => close = value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                connection.read_line(&mut line)?;
                let size_text = line.trim().split(';').next().unwrap_or("");
                let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    loop {
                        line.clear();
                        if connection.read_line(&mut line)? == 0 || line.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                connection.read_exact(&mut body[start..])?;
                line.clear();
                connection.read_line(&mut line)?;
            }
        } else if let Some(length) = content_length {
            body.resize(length, 0);
            connection.read_exact(&mut body)?;
        } else {
            connection.read_to_end(&mut body)?;
            close = true;
        }
        if close {
            self.connection = None;
        }
        Ok((status, body))
    }
}

/// Percent-encodes a query-string value (everything but unreserved bytes).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub fn free_port() -> BenchResult<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The `innograph` binary: `BENCH_BIN`, or the one cargo built.
pub fn server_binary() -> PathBuf {
    match std::env::var_os("BENCH_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_innograph")),
    }
}

/// The last lines of a log file.
pub fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(10)..].join("\n")
}

/// Starts `binary serve --index index_dir` at a free loopback port, with
/// `env` added to its environment and its output in `log_path`, and waits
/// (at most `timeout`) for its first healthy answer; returns the server, a
/// client connected to it and how long it took to get ready.
pub fn start_serve(
    binary: &Path,
    index_dir: &Path,
    log_path: &Path,
    env: &[(&str, &str)],
    timeout: Duration,
    progress: &dyn Fn(&str),
) -> BenchResult<(ServerGuard, HttpClient, Duration)> {
    let port = free_port()?;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    progress(&format!("starting {} serve on {addr}", binary.display()));
    let log = fs::File::create(log_path)?;
    let started = Instant::now();
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .arg("--index")
        .arg(index_dir)
        .arg("--addr")
        .arg(addr.to_string())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    for (name, value) in env {
        command.env(name, value);
    }
    let child = command.spawn()?;
    let mut server = ServerGuard { child };
    let mut client = HttpClient::new(addr);
    loop {
        if let Some(status) = server.child.try_wait()? {
            return Err(format!(
                "the server exited with {status} before answering; log {}:\n{}",
                log_path.display(),
                log_tail(log_path)
            )
            .into());
        }
        if started.elapsed() > timeout {
            return Err(format!("the server did not answer /api/health within {timeout:?}").into());
        }
        match client.get("/api/health") {
            Ok((200, _)) => break,
            _ => {
                client.connection = None;
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    }
    Ok((server, client, started.elapsed()))
}

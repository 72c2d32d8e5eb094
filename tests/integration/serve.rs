//! `reprint serve` over loopback: every route, every bad request answered
//! with a JSON error, a check equal to the library's, graceful shutdown that
//! keeps what was acknowledged, and 1,000 concurrent checks.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use reprint::index::Index;
use reprint::{Config, CorpusReader};
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::util::seed_records;

/// A running `reprint serve` and its port; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(index: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reprint"))
            .arg("serve")
            .arg(index)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server { child, port }
    }

    /// Sends one request; returns the status and the body.
    fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(content_type) = content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        // A server may answer (413) before reading all of a large body.
        stream.write_all(body).ok();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).ok();
        parse_response(&response)
    }

    fn json(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let (status, body) = self.request(
            method,
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        );
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The status and body of a raw HTTP/1.1 response (whole or chunked).
fn parse_response(raw: &[u8]) -> (u16, Vec<u8>) {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole response");
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 4 + size..];
        }
        body = out;
    }
    (status, body)
}

/// The seed articles as JSON records, ids their file names.
fn seed_articles() -> Vec<Value> {
    seed_records()
        .into_iter()
        .map(|(id, text)| json!({"id": id, "text": text}))
        .collect()
}

/// An index of the first `n` seed articles in `dir`.
fn seed_index(dir: &Path, n: usize) -> std::path::PathBuf {
    seed_index_with(dir, n, &[])
}

/// An index of the first `n` seed articles and `more` in `dir`.
fn seed_index_with(dir: &Path, n: usize, more: &[Value]) -> std::path::PathBuf {
    let index_dir = dir.join("index");
    let config = Config::default();
    let mut index = Index::create(&index_dir, &config).unwrap();
    let lines: String = seed_articles()[..n]
        .iter()
        .chain(more)
        .map(|a| a.to_string() + "\n")
        .collect();
    std::fs::write(dir.join("indexed.jsonl"), lines).unwrap();
    let reader = CorpusReader::open(&[dir.join("indexed.jsonl")], &config.input).unwrap();
    index.add(reader, |_| {}).unwrap();
    index_dir
}

#[test]
fn every_route_answers_and_every_bad_request_gets_a_json_error() {
    let dir = TempDir::new().unwrap();
    let index_dir = seed_index(dir.path(), 2);
    let articles = seed_articles();

    // What the library's check gives, before the service holds the index.
    let expected: Vec<Value> = {
        std::fs::write(dir.path().join("new.jsonl"), articles[2].to_string() + "\n").unwrap();
        let index = Index::open(&index_dir).unwrap();
        let reader =
            CorpusReader::open(&[dir.path().join("new.jsonl")], &index.config().input).unwrap();
        crate::util::pairs_json(&index.check(reader).unwrap().scan.report)
    };
    assert_eq!(expected.len(), 2);

    let server = Server::start(
        &index_dir,
        &["--max-body", "100000", "--max-documents", "3"],
    );
    let (status, health) = server.json("GET", "/health", &Value::Null);
    assert_eq!(
        (status, health),
        (200, json!({"status": "ok", "documents": 2}))
    );

    let (status, report) = server.json("POST", "/check", &articles[2]);
    assert_eq!(status, 200);
    assert_eq!(report["pairs"].as_array().unwrap(), &expected);

    let error = |(status, body): (u16, Value), want: u16, needle: &str| {
        assert_eq!(status, want, "{body}");
        assert_eq!(body["error"]["status"], want);
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    };
    let (status, body) = server.request("POST", "/check", Some("application/json"), b"{\"id\": 1,");
    error(
        (status, serde_json::from_slice(&body).unwrap()),
        400,
        "malformed JSON",
    );
    let (status, body) = server.request(
        "POST",
        "/check",
        Some("text/plain"),
        articles[2].to_string().as_bytes(),
    );
    error(
        (status, serde_json::from_slice(&body).unwrap()),
        415,
        "Content-Type: application/json",
    );
    let big = json!({"id": "big", "text": "word ".repeat(30_000)});
    error(
        server.json("POST", "/check", &big),
        413,
        "larger than 100000 bytes",
    );
    error(
        server.json(
            "POST",
            "/check",
            &json!([articles[2], articles[3], articles[4], {"id": "x", "text": "y"}]),
        ),
        413,
        "4 articles in one request, at most 3",
    );
    error(
        server.json("POST", "/check", &json!({"text": "no id"})),
        422,
        "article 1: no id field \"id\"",
    );
    error(
        server.json("POST", "/check", &json!({"id": "t", "text": 5})),
        422,
        "article 1: text field \"text\" is a number",
    );
    error(
        server.json("POST", "/check", &json!("just a string")),
        400,
        "expected an article",
    );
    error(
        server.json("POST", "/check", &articles[0]),
        409,
        "is already in the index",
    );
    error(
        server.json("GET", "/documents/nope", &Value::Null),
        404,
        "no article \"nope\"",
    );
    error(
        server.json("DELETE", "/documents/nope", &Value::Null),
        404,
        "no article \"nope\"",
    );
    error(
        server.json("GET", "/nowhere", &Value::Null),
        404,
        "no such route",
    );
    error(
        server.json("POST", "/check?add=maybe", &articles[2]),
        400,
        "add",
    );

    // Odd but well-formed requests get an answer, never a failure of the
    // service: 200 with what can be checked, or a 4xx that says why.
    let deep = "[".repeat(300) + &"]".repeat(300);
    for (body, want) in [
        ("[]", 200),
        (r#"{"id": "empty", "text": ""}"#, 200),
        (r#"{"id": "marks", "text": "!!! ???"}"#, 200),
        (r#"{"id": 1.5e3, "text": "a number as an id"}"#, 200),
        (r#"{"id": null, "text": "no id"}"#, 422),
        (deep.as_str(), 400),
        ("{\"id\": \"x\", \"text\": \"y\"} trailing", 400),
    ] {
        let (status, answer) =
            server.request("POST", "/check", Some("application/json"), body.as_bytes());
        assert_eq!(
            status,
            want,
            "{body:.40}: {}",
            String::from_utf8_lossy(&answer)
        );
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert!(want == 200 || answer["error"]["message"].is_string());
    }
    let (status, _) = server.request("POST", "/check", Some("application/json"), b"\xff\xfe");
    assert_eq!(status, 400);

    // Add by check, and directly; read back; remove.
    let (status, _) = server.json("POST", "/check?add=true", &articles[2]);
    assert_eq!(status, 200);
    let (status, added) = server.json("POST", "/documents", &json!([articles[3]]));
    assert_eq!(
        (status, added),
        (200, json!({"added": [articles[3]["id"]]}))
    );
    let id = articles[2]["id"].as_str().unwrap();
    let (status, record) = server.json("GET", &format!("/documents/{id}"), &Value::Null);
    assert_eq!((status, &record["text"]), (200, &articles[2]["text"]));
    let (status, _) = server.request(
        "DELETE",
        &format!("/documents/{}", articles[3]["id"].as_str().unwrap()),
        None,
        b"",
    );
    assert_eq!(status, 204);

    let (status, metrics) = server.request("GET", "/metrics", None, b"");
    let metrics = String::from_utf8(metrics).unwrap();
    assert_eq!(status, 200);
    for line in [
        "reprint_requests_total{route=\"/check\",status=\"200\"} 6",
        "reprint_requests_total{route=\"/check\",status=\"413\"} 2",
        "reprint_index_documents 3",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "missing {line:?} in\n{metrics}"
        );
    }
    let (status, spec) = server.request("GET", "/openapi.json", None, b"");
    assert_eq!(status, 200);
    let spec: Value = serde_json::from_slice(&spec).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");

    // SIGTERM: the service stops cleanly and what it acknowledged stays.
    let mut server = server;
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let ids = Index::open(&index_dir).unwrap().ids().unwrap();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&id.to_string()));
}

/// The load test: 1,000 checks sent at once over loopback, none failing.
/// Prints throughput and latency percentiles (`cargo test --release serve::
/// -- --nocapture`).
#[test]
fn a_thousand_concurrent_checks_all_succeed() {
    const CHECKS: usize = 1000;
    let dir = TempDir::new().unwrap();
    // Four write-ups of the story and 400 other articles: a check looks the
    // fifth up in the postings.
    let others: Vec<Value> = crate::util::small_corpus(400, 11)
        .texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| json!({"id": format!("g{i}"), "text": text}))
        .collect();
    let index_dir = seed_index_with(dir.path(), 4, &others);
    let server = Server::start(&index_dir, &[]);
    let port = server.port;
    let body = seed_articles()[4].to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let mut results: Vec<(u16, std::time::Duration)> = runtime.block_on(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let tasks: Vec<_> = (0..CHECKS)
            .map(|_| {
                let body = body.clone();
                tokio::spawn(async move {
                    let sent = std::time::Instant::now();
                    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                    let request = format!(
                        "POST /check HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    stream.write_all(request.as_bytes()).await.unwrap();
                    let mut response = Vec::new();
                    stream.read_to_end(&mut response).await.unwrap();
                    (parse_response(&response).0, sent.elapsed())
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    let wall = started.elapsed();
    let errors = results.iter().filter(|(status, _)| *status != 200).count();
    assert_eq!(errors, 0, "every check answered 200");
    let (status, answer) = server.json("POST", "/check", &seed_articles()[4]);
    assert_eq!(status, 200);
    assert_eq!(
        answer["pairs"].as_array().unwrap().len(),
        4,
        "the fifth write-up pairs with the four indexed: {answer}"
    );
    results.sort_by_key(|&(_, took)| took);
    let percentile = |p: f64| {
        results[((results.len() - 1) as f64 * p) as usize]
            .1
            .as_secs_f64()
            * 1000.0
    };
    eprintln!(
        "{CHECKS} concurrent checks against 404 indexed articles: {:.0} checks/s, latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms, 0 errors",
        CHECKS as f64 / wall.as_secs_f64(),
        percentile(0.5),
        percentile(0.9),
        percentile(0.99),
        percentile(1.0),
    );
}

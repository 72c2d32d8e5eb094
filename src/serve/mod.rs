//! `reprint serve`: an HTTP JSON service over an index, for live feeds.
//!
//! Input: an open [`Index`] and HTTP requests. Output: JSON responses (the
//! report of a check is the JSON report of `scan`), Prometheus metrics.
//!
//! Routes ([`ROUTES`], described in `openapi.json`, served at
//! `/openapi.json`): `POST /check` (one article or an array; `?add=true`
//! adds them once checked), `POST /documents`, `GET` and `DELETE
//! /documents/{id}`, `GET /health`, `GET /metrics`.
//!
//! Invariants:
//! - Every error is a JSON body `{"error": {"status", "message"}}` with a 4xx
//!   or 5xx status that says what is wrong; no input makes a handler panic.
//! - A write (add, delete) is answered only once committed; shutdown lets
//!   requests in flight finish, so every acknowledged write is in the index.
//! - Checks share the index with each other and wait for writes (a
//!   read-write lock); at most one check per core runs at a time, the others
//!   queue.

mod metrics;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::index::Index;
use crate::input::{document_from_record, Document, Entry};
use metrics::Metrics;

/// Every route, with its methods: the router and the OpenAPI description
/// (a test checks that they agree).
pub const ROUTES: [(&str, &[&str]); 6] = [
    ("/check", &["post"]),
    ("/documents", &["post"]),
    ("/documents/{id}", &["get", "delete"]),
    ("/health", &["get"]),
    ("/metrics", &["get"]),
    ("/openapi.json", &["get"]),
];

/// The OpenAPI 3.1 description of the service.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Limits of the service.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes a request body may hold.
    pub max_body_bytes: usize,
    /// Articles a request may hold.
    pub max_documents: usize,
    /// How long a request may take before the answer is 503 (the work it
    /// started still finishes: a write still commits).
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 8 << 20,
            max_documents: 1000,
            timeout: Duration::from_secs(60),
        }
    }
}

/// What every handler shares.
struct Service {
    index: RwLock<Index>,
    /// One permit per core: checks beyond it queue.
    checks: Semaphore,
    limits: Limits,
    metrics: Metrics,
}

type Shared = Arc<Service>;

/// The service's routes over `index`.
pub fn router(index: Index, limits: Limits) -> Router {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let service = Arc::new(Service {
        index: RwLock::new(index),
        checks: Semaphore::new(cores),
        limits,
        metrics: Metrics::default(),
    });
    Router::new()
        .route("/check", post(check))
        .route("/documents", post(add_documents))
        .route("/documents/{id}", get(get_document).delete(delete_document))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "no such route (see /openapi.json)")
        })
        .layer(axum::middleware::from_fn_with_state(
            service.clone(),
            count_request,
        ))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .with_state(service)
}

/// Serves `index` on `addr` until ctrl-c or SIGTERM; requests in flight
/// finish first. `ready` hears the address bound (port 0 picks one).
///
/// # Errors
/// When the address cannot be bound.
pub async fn serve(
    index: Index,
    addr: SocketAddr,
    limits: Limits,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(index, limits))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// An error answer: a status and a sentence, as JSON.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn internal(err: impl std::fmt::Display) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"status": self.status.as_u16(), "message": self.message}});
        (self.status, axum::Json(body)).into_response()
    }
}

/// Reads the articles of a JSON body: one object, or an array of them, each
/// read as a line of JSON Lines with the index's id and text fields.
fn articles(
    service: &Service,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Vec<Document>, ApiError> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "the body is larger than {} bytes (--max-body)",
                service.limits.max_body_bytes
            )
        } else {
            rejection.body_text()
        };
        ApiError::new(status, message)
    })?;
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim() == "application/json")
        });
    if !json_type {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send articles as JSON (Content-Type: application/json)",
        ));
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("expected an article (a JSON object) or an array of them, got {other}"),
            ))
        }
    };
    if items.len() > service.limits.max_documents {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{} articles in one request, at most {} (--max-documents)",
                items.len(),
                service.limits.max_documents
            ),
        ));
    }
    let input = read_index(service)?.config().input.clone();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let origin = format!("article {}", i + 1);
            let bytes = serde_json::to_vec(item).map_err(ApiError::internal)?;
            let doc = document_from_record(&bytes, &input, &origin).map_err(|reason| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{origin}: {reason}"),
                )
            })?;
            if doc.id_kind == crate::input::IdKind::Line {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{origin}: no id field {:?}", input.id_field),
                ));
            }
            Ok(doc)
        })
        .collect()
}

fn read_index(service: &Service) -> Result<std::sync::RwLockReadGuard<'_, Index>, ApiError> {
    service
        .index
        .read()
        .map_err(|_| ApiError::internal("the index lock was poisoned by an earlier failure"))
}

fn write_index(service: &Service) -> Result<std::sync::RwLockWriteGuard<'_, Index>, ApiError> {
    service
        .index
        .write()
        .map_err(|_| ApiError::internal("the index lock was poisoned by an earlier failure"))
}

/// The status of a library error: what the request got wrong is 4xx.
fn library_error(err: crate::Error) -> ApiError {
    let status = match err {
        crate::Error::IdInIndex { .. } | crate::Error::DuplicateId { .. } => StatusCode::CONFLICT,
        crate::Error::IdRequired { .. } | crate::Error::IdClash { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError::new(status, err.to_string())
}

/// Runs blocking `work` off the async threads, answering 503 past the
/// timeout (the work itself still finishes).
async fn blocking<T: Send + 'static>(
    service: &Shared,
    work: impl FnOnce(&Service) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let shared = service.clone();
    let task = tokio::task::spawn_blocking(move || work(&shared));
    match tokio::time::timeout(service.limits.timeout, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(ApiError::internal(format!("the request failed: {join}"))),
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the request took longer than {} s (--timeout)",
                service.limits.timeout.as_secs()
            ),
        )),
    }
}

#[derive(Debug, Deserialize)]
struct CheckQuery {
    #[serde(default)]
    add: bool,
}

async fn check(
    State(service): State<Shared>,
    query: Result<Query<CheckQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let documents = articles(&service, &headers, body)?;
    let _permit = service.checks.acquire().await.map_err(ApiError::internal)?;
    let report = blocking(&service, move |service| {
        let entries = documents.into_iter().map(|doc| Ok(Entry::Document(doc)));
        let checked = read_index(service)?.check(entries).map_err(library_error)?;
        let mut json = Vec::new();
        crate::report::json::write_json(&checked.scan.report, &mut json)
            .map_err(ApiError::internal)?;
        if query.add {
            let new: Vec<_> = checked
                .new_documents()
                .map(|doc| Ok(Entry::Document(doc.clone())))
                .collect();
            write_index(service)?
                .add(new, |_| {})
                .map_err(library_error)?;
        }
        Ok(json)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], report).into_response())
}

async fn add_documents(
    State(service): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let documents = articles(&service, &headers, body)?;
    let added = blocking(&service, move |service| {
        let entries = documents.into_iter().map(|doc| Ok(Entry::Document(doc)));
        write_index(service)?
            .add(entries, |_| {})
            .map_err(library_error)
    })
    .await?;
    Ok(axum::Json(json!({"added": added.added})).into_response())
}

async fn get_document(
    State(service): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = blocking(&service, move |service| {
        read_index(service)?
            .record(&id)
            .map_err(library_error)?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("no article {id:?} in the index"),
                )
            })
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], record).into_response())
}

async fn delete_document(
    State(service): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    blocking(&service, move |service| {
        let removed = write_index(service)?
            .remove(std::slice::from_ref(&id))
            .map_err(library_error)?;
        if removed.removed.is_empty() {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no article {id:?} in the index"),
            ));
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Articles in the index.
async fn indexed(service: &Shared) -> Result<u64, ApiError> {
    blocking(service, |service| {
        Ok(read_index(service)?
            .stats()
            .map_err(library_error)?
            .documents)
    })
    .await
}

async fn health(State(service): State<Shared>) -> Result<Response, ApiError> {
    let documents = indexed(&service).await?;
    Ok(axum::Json(json!({"status": "ok", "documents": documents})).into_response())
}

async fn metrics(State(service): State<Shared>) -> Result<Response, ApiError> {
    let documents = indexed(&service).await?;
    let text = service.metrics.render(documents);
    Ok(([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response())
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Counts every request by route and status, with its latency.
async fn count_request(State(service): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |path| path.as_str())
        .to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    service
        .metrics
        .record(&route, response.status().as_u16(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_description_names_every_route_and_method() {
        let spec: Value = serde_json::from_str(OPENAPI).unwrap();
        let paths = spec["paths"].as_object().unwrap();
        assert_eq!(paths.len(), ROUTES.len());
        for (route, methods) in ROUTES {
            let described = paths.get(route).unwrap_or_else(|| panic!("{route}"));
            for method in methods {
                assert!(described.get(method).is_some(), "{method} {route}");
            }
        }
    }
}

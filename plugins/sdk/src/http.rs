//! Calling the city's own applications over HTTP (capability `http`): standard
//! `wasi:http/outgoing-handler`, made short. A service may call only the hosts its manifest names
//! (`hosts = ["https://{settings.waste-system}"]`) and its city's administrator approved; the
//! host bounds each request by the call's deadline and each answer to 1 MiB, and follows no
//! redirect. Every failure comes back as a sentence a log line or a citizen's message can use.
//!
//! ```ignore
//! let slots = carmen_sdk::http::get("https://waste.example.org/slots?from=2026-12-07")?;
//! if slots.status == 200 { /* slots.text() */ }
//! ```

use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme,
};
use wasip2::io::streams::StreamError;

/// What a host answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `GET url`.
pub fn get(url: &str) -> Result<Response, String> {
    send("GET", url, None, &[])
}

/// `POST url` with a JSON body.
pub fn post_json(url: &str, json: &str) -> Result<Response, String> {
    send("POST", url, Some("application/json"), json.as_bytes())
}

/// `DELETE url`.
pub fn delete(url: &str) -> Result<Response, String> {
    send("DELETE", url, None, &[])
}

/// The parts of an `http(s)://authority/path?query` address.
fn split(url: &str) -> Result<(Scheme, &str, &str), String> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else {
        return Err(format!(
            "{url:?}: an address starts with https:// or http://"
        ));
    };
    let at = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(at);
    if authority.is_empty() {
        return Err(format!("{url:?} names no host"));
    }
    Ok((scheme, authority, if path.is_empty() { "/" } else { path }))
}

/// Sends one request and reads the whole answer.
pub fn send(
    method: &str,
    url: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response, String> {
    let (scheme, authority, path) = split(url)?;
    let mut headers = vec![("accept".to_string(), b"application/json".to_vec())];
    if let Some(kind) = content_type {
        headers.push(("content-type".to_string(), kind.as_bytes().to_vec()));
    }
    let fields = Fields::from_list(&headers).map_err(|e| format!("{url}: header {e:?}"))?;
    let request = OutgoingRequest::new(fields);
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "PATCH" => Method::Patch,
        other => Method::Other(other.to_string()),
    };
    let set = request
        .set_method(&method)
        .and(request.set_scheme(Some(&scheme)))
        .and(request.set_authority(Some(authority)))
        .and(request.set_path_with_query(Some(path)));
    set.map_err(|()| format!("{url:?} is not an address a request can go to"))?;
    let outgoing = request
        .body()
        .map_err(|()| format!("{url}: no request body"))?;
    let future = outgoing_handler::handle(request, None).map_err(|e| said(authority, &e))?;
    {
        let stream = outgoing
            .write()
            .map_err(|()| format!("{url}: no request body"))?;
        for chunk in body.chunks(4096) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| stream_error(authority, e))?;
        }
    }
    OutgoingBody::finish(outgoing, None).map_err(|e| said(authority, &e))?;
    future.subscribe().block();
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(e))) => return Err(said(authority, &e)),
        _ => return Err(format!("{authority} gave no answer")),
    };
    let status = response.status();
    let incoming = response
        .consume()
        .map_err(|()| format!("{authority}: the answer has no body"))?;
    let mut bytes = Vec::new();
    {
        let stream = incoming
            .stream()
            .map_err(|()| format!("{authority}: the answer has no body"))?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(e) => return Err(stream_error(authority, e)),
            }
        }
    }
    drop(IncomingBody::finish(incoming));
    Ok(Response {
        status,
        body: bytes,
    })
}

fn stream_error(authority: &str, error: StreamError) -> String {
    match error {
        StreamError::Closed => format!("{authority} closed the connection"),
        StreamError::LastOperationFailed(e) => match wasip2::http::types::http_error_code(&e) {
            Some(code) => said(authority, &code),
            None => format!("{authority}: {}", e.to_debug_string()),
        },
    }
}

/// What a failed request means, in a sentence.
pub fn said(authority: &str, error: &ErrorCode) -> String {
    match error {
        ErrorCode::HttpRequestDenied => format!(
            "{authority} is not a host this city approved for this service: its administrator approves the hosts a service calls at install"
        ),
        ErrorCode::DestinationIpProhibited => format!(
            "{authority} is on a private network this host does not call (the operator allows such networks with --allow-outbound)"
        ),
        ErrorCode::ConnectionTimeout
        | ErrorCode::ConnectionReadTimeout
        | ErrorCode::HttpResponseTimeout => format!("{authority} did not answer in time"),
        ErrorCode::HttpResponseBodySize(_) => {
            format!("{authority} answered with more than the 1 MiB a service may read")
        }
        ErrorCode::HttpRequestBodySize(_) => {
            format!("the request to {authority} is larger than the 256 KiB a service may send")
        }
        ErrorCode::ConnectionRefused => format!("{authority} refused the connection"),
        ErrorCode::DnsError(_) => format!("{authority}: no such host"),
        other => format!("{authority}: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_into_scheme_host_and_path() {
        let (scheme, authority, path) = split("https://waste.example.org:8443/slots?d=1").unwrap();
        assert!(matches!(scheme, Scheme::Https));
        assert_eq!((authority, path), ("waste.example.org:8443", "/slots?d=1"));
        assert_eq!(split("http://a.example").unwrap().2, "/");
        assert!(split("ftp://a.example/").is_err());
        assert!(split("https:///x").is_err());
    }
}

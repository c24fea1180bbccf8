//! The one client of the registry's HTTP API, used by the host and the CLI. A download is checked
//! against its digest and its publisher's signature before anyone sees it.

use base64::Engine;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::signing;
use crate::store::{PackageInfo, Search, VersionInfo};

/// Why a registry call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the registry refused ({status}): {detail}")]
    Refused { status: u16, detail: String },
    #[error("cannot reach the registry: {0}")]
    Unreachable(String),
    #[error("the component's digest is {actual}, the registry said {expected}: refused")]
    DigestMismatch { expected: String, actual: String },
    #[error("the publisher's signature does not match {0}: refused")]
    BadSignature(String),
    #[error("{0}")]
    Local(String),
}

/// A registry at one base URL.
#[derive(Clone, Debug)]
pub struct RegistryClient {
    base: String,
    http: reqwest::Client,
    /// The token a registry that registers publishers by invitation asks for.
    invitation: Option<String>,
    /// The host operator's publisher token, which reports for a city carry.
    host_token: Option<String>,
}

impl RegistryClient {
    pub fn new(base: &str) -> RegistryClient {
        RegistryClient {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            invitation: None,
            host_token: None,
        }
    }

    /// This client's reports for a city (installs, evidence) carry `token`, the publisher token of
    /// the host's operator: the registry registers the city's host key only from such a report.
    pub fn with_host_token(mut self, token: &str) -> RegistryClient {
        self.host_token = Some(token.to_string());
        self
    }

    /// This client registers publishers with `token`, the registry operator's invitation.
    pub fn invited(mut self, token: &str) -> RegistryClient {
        self.invitation = Some(token.to_string());
        self
    }

    /// The registry's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `request`: its JSON answer, or why not (the registry's refusal with its detail).
    async fn answer(request: reqwest::RequestBuilder) -> Result<Value, ClientError> {
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status >= 400 {
            let detail = body["detail"].as_str().unwrap_or("no detail").to_string();
            return Err(ClientError::Refused { status, detail });
        }
        Ok(body)
    }

    fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ClientError> {
        serde_json::from_value(value)
            .map_err(|e| ClientError::Local(format!("unexpected answer: {e}")))
    }

    /// Sends `request`: its answer read as a `T`.
    async fn fetch<T: serde::de::DeserializeOwned>(
        request: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        Self::decode(Self::answer(request).await?)
    }

    /// Registers a publisher; returns its token.
    pub async fn register_publisher(
        &self,
        name: &str,
        city: &str,
        public_key: &str,
    ) -> Result<String, ClientError> {
        let body = json!({"name": name, "city": city, "public_key": public_key});
        let mut request = self
            .http
            .post(format!("{}/api/v1/publishers", self.base))
            .json(&body);
        if let Some(token) = &self.invitation {
            request = request.bearer_auth(token);
        }
        let answer = Self::answer(request).await?;
        Ok(answer["token"].as_str().unwrap_or_default().to_string())
    }

    /// Signs and publishes a component with its manifest.
    pub async fn publish(
        &self,
        token: &str,
        secret_key: &str,
        manifest_text: &str,
        component: &[u8],
    ) -> Result<VersionInfo, ClientError> {
        self.publish_with_progress(token, secret_key, manifest_text, component, |_, _| {})
            .await
    }

    /// The largest component the registry takes, if it says (older registries do not).
    pub async fn max_component_bytes(&self) -> Option<u64> {
        let url = format!("{}/api/v1/limits", self.base);
        let answer = Self::answer(self.http.get(url)).await.ok()?;
        answer["max_component_bytes"].as_u64()
    }

    /// Signs and publishes a component with its manifest: refused here at once when the registry
    /// says the component is over its limit, else sent compressed (zstd), `progress(sent, total)`
    /// told as the bytes go.
    pub async fn publish_with_progress(
        &self,
        token: &str,
        secret_key: &str,
        manifest_text: &str,
        component: &[u8],
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<VersionInfo, ClientError> {
        let manifest =
            crate::manifest::Manifest::parse(manifest_text).map_err(|e| ClientError::Local(e.0))?;
        let (name, version) = (&manifest.package.name, &manifest.package.version);
        if let Some(limit) = self.max_component_bytes().await
            && component.len() as u64 > limit
        {
            return Err(ClientError::Refused {
                status: 413,
                detail: crate::store::too_large(component.len(), limit as usize),
            });
        }
        let message = signing::message(name, version, &signing::digest(component), manifest_text);
        let signature = signing::sign(secret_key, &message).map_err(ClientError::Local)?;
        let body = json!({
            "manifest": manifest_text,
            "component": base64::engine::general_purpose::STANDARD.encode(component),
            "signature": signature,
        });
        let compressed = zstd::encode_all(body.to_string().as_bytes(), 3)
            .map_err(|e| ClientError::Local(format!("cannot compress the package: {e}")))?;
        let total = compressed.len() as u64;
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = compressed
            .chunks(64 * 1024)
            .map(|chunk| Ok(chunk.to_vec()))
            .collect();
        let mut sent = 0u64;
        let stream = futures_util::stream::iter(chunks).map(move |chunk| {
            if let Ok(chunk) = &chunk {
                sent += chunk.len() as u64;
                progress(sent, total);
            }
            chunk
        });
        let url = format!("{}/api/v1/packages/{name}/{version}", self.base);
        Self::fetch(
            self.http
                .put(url)
                .bearer_auth(token)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::CONTENT_ENCODING, "zstd")
                .header(reqwest::header::CONTENT_LENGTH, total)
                .body(reqwest::Body::wrap_stream(stream)),
        )
        .await
    }

    /// Packages matching `text`, in `group` and with `keyword` when given: the first page.
    pub async fn search(
        &self,
        text: &str,
        group: Option<&str>,
        keyword: Option<&str>,
    ) -> Result<Vec<PackageInfo>, ClientError> {
        let search = Search::new(text, group, keyword);
        Ok(self.search_page(&search).await?.0)
    }

    /// A page of the packages `search` finds, and the `after` of the next page unless it is the
    /// last.
    pub async fn search_page(
        &self,
        search: &Search,
    ) -> Result<(Vec<PackageInfo>, Option<String>), ClientError> {
        let url = format!("{}/api/v1/packages", self.base);
        let answer = Self::answer(self.http.get(url).query(search)).await?;
        let next = answer["next"].as_str().map(str::to_string);
        Ok((Self::decode(answer["packages"].clone())?, next))
    }

    pub async fn package(&self, name: &str) -> Result<PackageInfo, ClientError> {
        let url = format!("{}/api/v1/packages/{name}", self.base);
        Self::fetch(self.http.get(url)).await
    }

    /// The highest version of `name` matching `requirement` whose contract is one of `contracts`
    /// (the `carmen:city` versions the asking host serves; empty: any the registry takes).
    pub async fn resolve(
        &self,
        name: &str,
        requirement: &str,
        contracts: &[&str],
    ) -> Result<VersionInfo, ClientError> {
        let url = format!("{}/api/v1/packages/{name}/resolve", self.base);
        let mut query = vec![("req", requirement.to_string())];
        if !contracts.is_empty() {
            query.push(("contracts", contracts.join(",")));
        }
        Self::fetch(self.http.get(url).query(&query)).await
    }

    pub async fn set_yanked(
        &self,
        token: &str,
        name: &str,
        version: &str,
        yanked: bool,
    ) -> Result<VersionInfo, ClientError> {
        let body = json!({"yanked": yanked});
        self.change_version(token, name, version, "yank", body)
            .await
    }

    pub async fn set_deprecated(
        &self,
        token: &str,
        name: &str,
        version: &str,
        message: Option<&str>,
    ) -> Result<VersionInfo, ClientError> {
        let body = json!({"message": message});
        self.change_version(token, name, version, "deprecate", body)
            .await
    }

    /// Changes `version` of `name` as its publisher (`token`): `action` (`yank`, `deprecate`)
    /// with `body`; the version as it is then.
    async fn change_version(
        &self,
        token: &str,
        name: &str,
        version: &str,
        action: &str,
        body: Value,
    ) -> Result<VersionInfo, ClientError> {
        let url = format!("{}/api/v1/packages/{name}/{version}/{action}", self.base);
        Self::fetch(self.http.post(url).bearer_auth(token).json(&body)).await
    }

    /// `request` with the host operator's publisher token, when this client has one.
    fn as_host(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.host_token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Tells the registry that `city` runs `version` (for cities that agreed to say so), signed
    /// with the city host's key (`host_secret`, hex).
    pub async fn report_install(
        &self,
        name: &str,
        city: &str,
        version: &str,
        host_secret: &str,
    ) -> Result<(), ClientError> {
        let at = time::OffsetDateTime::now_utc().unix_timestamp();
        let message = signing::report_message(name, city, version, at);
        let signature = signing::sign(host_secret, &message).map_err(ClientError::BadSignature)?;
        let public_key = signing::public_of(host_secret).map_err(ClientError::BadSignature)?;
        let url = format!("{}/api/v1/packages/{name}/cities/{city}", self.base);
        let body =
            json!({"version": version, "at": at, "public_key": public_key, "signature": signature});
        Self::answer(self.as_host(self.http.put(url)).json(&body))
            .await
            .map(|_| ())
    }

    /// Publishes `city`'s pilot `figures` for `version` of `name`, signed with the city's host key.
    pub async fn publish_evidence(
        &self,
        name: &str,
        city: &str,
        version: &str,
        figures: &serde_json::Value,
        host_secret: &str,
    ) -> Result<(), ClientError> {
        let at = time::OffsetDateTime::now_utc().unix_timestamp();
        let message = signing::evidence_message(name, city, version, &figures.to_string(), at);
        let signature = signing::sign(host_secret, &message).map_err(ClientError::BadSignature)?;
        let public_key = signing::public_of(host_secret).map_err(ClientError::BadSignature)?;
        let url = format!(
            "{}/api/v1/packages/{name}/cities/{city}/evidence",
            self.base
        );
        let body = json!({"version": version, "figures": figures, "at": at, "public_key": public_key, "signature": signature});
        Self::answer(self.as_host(self.http.put(url)).json(&body))
            .await
            .map(|_| ())
    }

    /// Downloads a version's component, reading at most `max_bytes`, and checks its digest and
    /// its publisher's signature.
    pub async fn download(
        &self,
        version: &VersionInfo,
        max_bytes: u64,
    ) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}/api/v1/blobs/{}", self.base, version.digest);
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(ClientError::Refused {
                status: response.status().as_u16(),
                detail: "the component is missing".into(),
            });
        }
        let too_big = || ClientError::Refused {
            status: 413,
            detail: format!("the component is larger than the {max_bytes} bytes expected"),
        };
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ClientError::Unreachable(e.to_string()))?
        {
            if bytes.len() as u64 + chunk.len() as u64 > max_bytes {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        let actual = signing::digest(&bytes);
        if actual != version.digest {
            return Err(ClientError::DigestMismatch {
                expected: version.digest.clone(),
                actual,
            });
        }
        let message = signing::message(&version.name, &version.version, &actual, &version.manifest);
        if !signing::verify(&version.public_key, &message, &version.signature) {
            return Err(ClientError::BadSignature(format!(
                "{} {}",
                version.name, version.version
            )));
        }
        Ok(bytes)
    }
}

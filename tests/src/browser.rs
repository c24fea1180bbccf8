//! A real headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`),
//! with axe-core (`tests/browser/node_modules`, installed by `npm ci`) injected into pages, and
//! a screenshot of each step saved under `target/browser-artifacts/<test>/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A phone-sized window (CSS pixels), as a citizen on the street has.
pub const PHONE: (u32, u32) = (390, 844);

/// A chromedriver process and one browser session, both ended when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    artifacts: PathBuf,
    step: u32,
}

fn program(env: &str, default: &str) -> String {
    std::env::var(env).unwrap_or_else(|_| default.to_string())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium whose preferred language is `language`, in a
    /// window of `size`; screenshots go to `target/browser-artifacts/<test>/`.
    pub async fn start(test: &str, language: &str, size: (u32, u32)) -> Browser {
        let port = crate::child::free_addr().port();
        use std::os::unix::process::CommandExt;
        // Its own process group, so that dropping the browser ends chromedriver and every
        // Chromium process it started, even when a test fails half-way.
        let driver = Command::new(program("CHROMEDRIVER", "chromedriver"))
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt install chromium chromium-driver; .ci/run does)");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": program("CHROMIUM", "/usr/bin/chromium"),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    format!("--window-size={},{}", size.0, size.1),
                    format!("--lang={language}"),
                ],
                "prefs": { "intl.accept_languages": language },
            }),
        );
        let mut client = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("a browser session starts");
        let artifacts = crate::workspace()
            .join("target/browser-artifacts")
            .join(test);
        let _ = std::fs::remove_dir_all(&artifacts);
        std::fs::create_dir_all(&artifacts).unwrap();
        Browser {
            client,
            driver,
            artifacts,
            step: 0,
        }
    }

    /// Opens `url`.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The `lang` of the page.
    pub async fn page_language(&self) -> String {
        let value = self
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        value.as_str().unwrap_or_default().to_string()
    }

    /// Clicks the element `css`.
    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks the element `css`, which leads to another page, and waits until that page has loaded.
    pub async fn follow(&self, css: &str) {
        self.marked().await;
        self.click(css).await;
        self.wait_for_new_page().await;
    }

    /// Marks the page shown, so that `wait_for_new_page` can tell when another replaced it.
    async fn marked(&self) {
        self.client
            .execute("window.carmenOldPage = true", vec![])
            .await
            .unwrap();
    }

    /// Waits (up to 10 s) until the marked page has been replaced by another, loaded one.
    async fn wait_for_new_page(&self) {
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return !window.carmenOldPage && document.readyState === 'complete'",
                    vec![],
                )
                .await;
            if matches!(loaded, Ok(Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page after 10 s");
    }

    /// Types `text` into the element `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Sends keys to whatever has the focus, which leads to another page (Enter on a link or a
    /// button), and waits until that page has loaded.
    pub async fn keys_to_new_page(&self, keys: &str) {
        self.marked().await;
        self.keys(keys).await;
        self.wait_for_new_page().await;
    }

    /// Sends keys to whatever has the focus (WebDriver key codes: `\u{E004}` Tab, `\u{E007}`
    /// Enter, `\u{E00D}` Space).
    pub async fn keys(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        // Keyboard actions, as a person types: sent to whatever has the focus, whatever it is (a
        // file input would take "send keys" for a file name).
        let mut typed = KeyActions::new("keyboard".into());
        for value in keys.chars() {
            typed = typed
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client.perform_actions(typed).await.unwrap();
        self.client.release_actions().await.unwrap();
    }

    /// The `id`, or else the tag and name, of the focused element.
    pub async fn focused(&self) -> String {
        let value = self
            .client
            .execute(
                "const e = document.activeElement; return e.id || (e.tagName + ':' + (e.getAttribute('name') || e.textContent.trim()))",
                vec![],
            )
            .await
            .unwrap();
        value.as_str().unwrap_or_default().to_string()
    }

    /// Saves a screenshot of the page as the next step's artifact, named `name`.
    pub async fn screenshot(&mut self, name: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.unwrap();
        let path = self.artifacts.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(path, png).unwrap();
    }

    /// Runs axe-core on the page and fails on any serious or critical violation; saves a
    /// screenshot named `name` first.
    pub async fn check_page(&mut self, name: &str) {
        self.screenshot(name).await;
        let axe = std::fs::read_to_string(
            crate::workspace().join("tests/browser/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core is installed: npm ci --prefix tests/browser");
        let script = format!(
            "{axe}\nconst done = arguments[arguments.length - 1];\naxe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(r.violations.map(v => ({{ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html) }})))).catch(e => done([{{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }}]));"
        );
        let violations = self.client.execute_async(&script, vec![]).await.unwrap();
        let bad: Vec<&Value> = violations
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(
            bad.is_empty(),
            "{name}: axe-core finds serious or critical violations: {}",
            serde_json::to_string_pretty(&bad).unwrap()
        );
    }

    /// Forgets the cookies of the session: the next page is a new visitor's.
    pub async fn forget_cookies(&self) {
        self.client.delete_all_cookies().await.unwrap();
    }

    /// The current address.
    pub async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    /// Attribute `name` of the element matching `css` (the test fails when there is none).
    pub async fn attr(&self, css: &str, name: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .attr(name)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{css} has no {name}"))
    }

    /// The value of the input or select matching `css` ("" when it has none).
    pub async fn value(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// The path of the page shown, without its query (`?done=...` says what an action did).
    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // SAFETY: signals the process group this browser's chromedriver leads (made in `start`).
        unsafe {
            libc::kill(-(self.driver.id() as i32), libc::SIGKILL);
        }
        let _ = self.driver.wait();
    }
}

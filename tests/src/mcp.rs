//! `McpClient`: speaks MCP to a child process over its stdio (`switchboard bridge`, or
//! any server), for tests. Responses are matched to requests by id; notifications are
//! queued and awaited by method, with a deadline rather than a sleep.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::{mpsc, oneshot};

type Waiters = Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>;

pub struct McpClient {
    child: Child,
    stdin: Option<ChildStdin>,
    waiters: Waiters,
    notifications: mpsc::UnboundedReceiver<Value>,
    /// Lines that were not JSON (a bridge must never print any).
    pub stray: Arc<Mutex<Vec<String>>>,
    next_id: u64,
}

/// How long a test waits for any one answer before failing.
pub const WAIT: Duration = Duration::from_secs(30);

impl McpClient {
    /// Spawns `cmd` with piped stdio (stderr inherited, so it shows in test output).
    pub fn spawn(mut cmd: Command) -> Self {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("spawning the MCP process");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let waiters: Waiters = Arc::default();
        let stray: Arc<Mutex<Vec<String>>> = Arc::default();
        let (tx, notifications) = mpsc::unbounded_channel();
        let (w, s) = (waiters.clone(), stray.clone());
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(msg) = serde_json::from_str::<Value>(&line) else {
                    s.lock().unwrap().push(line);
                    continue;
                };
                let is_response = msg.get("method").is_none() && msg.get("id").is_some();
                if is_response {
                    let key = msg["id"].to_string();
                    if let Some(waiter) = w.lock().unwrap().remove(&key) {
                        let _ = waiter.send(msg);
                        continue;
                    }
                }
                let _ = tx.send(msg);
            }
        });
        Self {
            child,
            stdin,
            waiters,
            notifications,
            stray,
            next_id: 1,
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub async fn send_raw(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).await.expect("write");
        stdin.write_all(b"\n").await.expect("write");
        stdin.flush().await.expect("flush");
    }

    /// Sends a request; returns a handle to await its response with.
    pub async fn start_request(
        &mut self,
        method: &str,
        params: Value,
    ) -> (Value, oneshot::Receiver<Value>) {
        let id = json!(self.next_id);
        self.next_id += 1;
        let (tx, rx) = oneshot::channel();
        self.waiters.lock().unwrap().insert(id.to_string(), tx);
        let msg = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_raw(&msg.to_string()).await;
        (id, rx)
    }

    /// Sends a request and waits for its response (the whole message).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let (_, rx) = self.start_request(method, params).await;
        tokio::time::timeout(WAIT, rx)
            .await
            .unwrap_or_else(|_| panic!("no answer to {method} within {WAIT:?}"))
            .expect("answered")
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send_raw(&json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string())
            .await;
    }

    pub async fn initialize(&mut self) -> Value {
        let r = self
            .request(
                "initialize",
                json!({ "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "switchboard-tests", "version": "1" } }),
            )
            .await;
        self.notify("notifications/initialized", json!({})).await;
        r
    }

    /// Calls a tool; returns the whole response message.
    pub async fn call(&mut self, name: &str, arguments: Value) -> Value {
        self.request(
            "tools/call",
            json!({ "name": name, "arguments": arguments }),
        )
        .await
    }

    pub async fn tool_names(&mut self) -> Vec<String> {
        let r = self.request("tools/list", json!({})).await;
        r["result"]["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The next notification with this method (others are skipped and returned).
    pub async fn notification(&mut self, method: &str) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.notifications.recv()).await {
                Ok(Some(msg)) if msg["method"] == method => return msg,
                Ok(Some(_)) => {}
                Ok(None) => panic!("the process ended before sending {method}"),
                Err(_) => panic!("no {method} within {WAIT:?}"),
            }
        }
    }

    /// Forgets every notification received so far; returns them.
    pub fn drain_notifications(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(msg) = self.notifications.try_recv() {
            out.push(msg);
        }
        out
    }

    /// Panics if a notification with this method arrives within `within`.
    pub async fn no_notification_within(&mut self, method: &str, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.notifications.recv()).await
        {
            assert_ne!(msg["method"], method, "unexpected {msg}");
        }
    }

    /// The next response nobody awaits (the answer to a line sent with `send_raw`),
    /// skipping notifications.
    pub async fn raw_response(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(WAIT, self.notifications.recv())
                .await
                .expect("a message in time")
                .expect("still running");
            if msg.get("method").is_none() {
                return msg;
            }
        }
    }

    /// Closes stdin and waits for the process to exit; returns its exit code.
    pub async fn close(mut self) -> Option<i32> {
        drop(self.stdin.take());
        tokio::time::timeout(WAIT, self.child.wait())
            .await
            .expect("exited in time")
            .expect("wait")
            .code()
    }
}

/// The text of a tool result, or the message of an error response.
pub fn text_of(response: &Value) -> String {
    if let Some(e) = response.get("error") {
        return e["message"].as_str().unwrap_or_default().to_owned();
    }
    response["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

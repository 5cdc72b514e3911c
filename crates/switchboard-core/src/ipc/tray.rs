//! The tray's local channel (`tray.sock`, or a named pipe on Windows), under the same
//! peer checks as the daemon's socket. A second launch of the app and the settings
//! window tell the running tray what to do: one JSON line each way.
//!
//! One tray runs per user and `SWITCHBOARD_HOME`: the one holding `tray.lock`.

use std::path::Path;
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::{FramedRead, LinesCodec};

use super::client::IpcError;
use crate::platform;

/// The tray's channel name.
pub const TRAY: &str = "tray";
/// No request is longer than this.
const MAX_LINE: usize = 64 * 1024;
/// A peer that connects and says nothing is dropped after this.
const READ_WITHIN: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TrayRequest {
    /// Show the settings window on `page` (with a vendor's form, given `slug`).
    Open {
        page: String,
        #[serde(default)]
        slug: Option<String>,
    },
    /// Something the menu shows changed (start at login, Claude Desktop's entry).
    Refresh,
    /// A team sign-in started in the window (`true`) or ended (`false`).
    SigningIn { waiting: bool },
    /// A new version was installed: start it in place of this one.
    Restart,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrayReply {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
}

/// Held by the running tray; dropping it lets another take over.
#[derive(Debug)]
pub struct TrayLock(#[allow(dead_code)] std::fs::File);

/// Takes the tray's lock: `None` when another tray holds it.
pub fn try_lock(runtime: &Path) -> std::io::Result<Option<TrayLock>> {
    platform::private_dir(runtime)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(runtime.join("tray.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(TrayLock(file))),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Sends one request to the running tray and waits for its answer. `NotRunning` when
/// no tray listens.
pub async fn send(runtime: &Path, request: &TrayRequest) -> Result<(), IpcError> {
    let stream = platform::ipc_connect(runtime, TRAY)
        .await
        .map_err(|_| IpcError::NotRunning)?;
    let (reader, mut writer) = tokio::io::split(stream);
    let mut line = serde_json::to_string(request).expect("invariant: requests serialize");
    line.push('\n');
    writer
        .write_all(line.as_bytes())
        .await
        .map_err(|e| IpcError::Broken(e.to_string()))?;
    let mut lines = FramedRead::new(reader, LinesCodec::new_with_max_length(MAX_LINE));
    let reply = match tokio::time::timeout(READ_WITHIN, lines.next()).await {
        Ok(Some(Ok(line))) => line,
        Ok(_) => return Err(IpcError::Broken("the tray closed the connection".into())),
        Err(_) => {
            return Err(IpcError::Broken(
                "the tray did not answer within 5 s".into(),
            ));
        }
    };
    match serde_json::from_str::<TrayReply>(&reply) {
        Ok(r) if r.ok => Ok(()),
        Ok(r) => Err(IpcError::Broken(
            r.error.unwrap_or_else(|| "the tray refused".into()),
        )),
        Err(e) => Err(IpcError::Broken(format!(
            "unexpected answer from the tray: {e}"
        ))),
    }
}

/// The tray's end of the channel.
pub struct TrayListener {
    inner: platform::IpcListener,
}

impl TrayListener {
    /// Listens on the tray's channel; only the holder of the lock may.
    pub fn bind(runtime: &Path, _held: &TrayLock) -> std::io::Result<Self> {
        Ok(Self {
            inner: platform::ipc_listen(runtime, TRAY)?,
        })
    }

    /// The next well-formed request (it has been answered). Connections from other
    /// users are refused by the listener; silent or malformed ones get an error line
    /// and are dropped.
    pub async fn next(&mut self) -> TrayRequest {
        loop {
            let stream = match self.inner.accept().await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "the tray's channel could not accept");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let (reader, mut writer) = tokio::io::split(stream);
            let mut lines = FramedRead::new(reader, LinesCodec::new_with_max_length(MAX_LINE));
            let parsed = match tokio::time::timeout(READ_WITHIN, lines.next()).await {
                Ok(Some(Ok(line))) => serde_json::from_str::<TrayRequest>(&line)
                    .map_err(|e| format!("not a tray request: {e}")),
                _ => Err("no request arrived".to_owned()),
            };
            let reply = match &parsed {
                Ok(_) => TrayReply {
                    ok: true,
                    error: None,
                },
                Err(e) => TrayReply {
                    ok: false,
                    error: Some(e.clone()),
                },
            };
            let mut line = serde_json::to_string(&reply).expect("invariant: replies serialize");
            line.push('\n');
            let _ = writer.write_all(line.as_bytes()).await;
            match parsed {
                Ok(request) => return request,
                Err(e) => tracing::warn!(error = %e, "the tray's channel dropped a connection"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_tray_holds_the_lock_and_hears_what_others_send() {
        let dir = tempfile::tempdir().expect("tempdir");
        let runtime = dir.path().join("run");
        assert!(matches!(
            send(&runtime, &TrayRequest::Refresh).await,
            Err(IpcError::NotRunning)
        ));
        let lock = try_lock(&runtime).expect("lock").expect("first takes it");
        assert!(
            try_lock(&runtime).expect("lock").is_none(),
            "a second tray must not"
        );
        let mut listener = TrayListener::bind(&runtime, &lock).expect("bind");
        let open = TrayRequest::Open {
            page: "vendors".into(),
            slug: Some("hudu".into()),
        };
        let sent = {
            let runtime = runtime.clone();
            let open = open.clone();
            tokio::spawn(async move { send(&runtime, &open).await })
        };
        assert_eq!(listener.next().await, open);
        sent.await.expect("join").expect("answered ok");

        // Garbage first: the listener answers with an error and goes on to the next.
        let garbage = {
            let runtime = runtime.clone();
            tokio::spawn(async move {
                let stream = platform::ipc_connect(&runtime, TRAY)
                    .await
                    .expect("connect");
                let (reader, mut writer) = tokio::io::split(stream);
                writer
                    .write_all(b"{\"op\":\"format_disk\"}\n")
                    .await
                    .expect("write");
                let mut lines = FramedRead::new(reader, LinesCodec::new());
                lines.next().await.expect("reply").expect("line")
            })
        };
        let restart = {
            let runtime = runtime.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                send(&runtime, &TrayRequest::Restart).await
            })
        };
        assert_eq!(listener.next().await, TrayRequest::Restart);
        let reply = garbage.await.expect("join");
        assert!(
            reply.contains("\"ok\":false") && reply.contains("not a tray request"),
            "{reply}"
        );
        restart.await.expect("join").expect("ok");

        drop(listener);
        drop(lock);
        assert!(
            try_lock(&runtime).expect("lock").is_some(),
            "free once the tray is gone"
        );
    }
}

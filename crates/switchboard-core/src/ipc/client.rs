//! Connecting to the daemon, and starting it when it is not running.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncWriteExt, ReadHalf, WriteHalf};
use tokio_util::codec::{FramedRead, LinesCodec};

use super::{ControlOp, ControlRequest, ControlResponse, Hello, PROTOCOL, Refusal, Welcome};
use crate::code::{Coded, ErrorCode, Surface};
use crate::platform::{self, IpcStream};
use crate::status::{ControlEvent, StatusReport};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IpcError {
    #[error("Switchboard's daemon is not running")]
    NotRunning,
    #[error("Switchboard's daemon did not start: {0}")]
    StartFailed(String),
    #[error("the daemon connection failed: {0}")]
    Broken(String),
    #[error("the daemon refused: {}", .0.message)]
    Refused(Refusal),
}

impl Coded for IpcError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Refused(r) => r.code,
            _ => ErrorCode::DaemonUnavailable,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        match (self, surface) {
            (Self::NotRunning, Surface::Cli) => Some(
                "start it with `switchboard daemon`, or let `switchboard bridge` start it".into(),
            ),
            (Self::NotRunning, Surface::Window) => Some(
                "the app starts it again within a few seconds; if it does not, quit Switchboard and open it again".into(),
            ),
            (Self::StartFailed(_), Surface::Cli) => Some(
                "run `switchboard daemon --foreground` to see why, and check the daemon log".into(),
            ),
            (Self::StartFailed(_), Surface::Window) => {
                Some("the daemon's log in Switchboard's log folder says why".into())
            }
            (Self::Refused(r), surface) => r.hint_for(surface),
            _ => None,
        }
    }
}

/// One connection after the hello exchange, split into line reader and raw writer.
pub struct Connection {
    pub lines: FramedRead<ReadHalf<IpcStream>, LinesCodec>,
    pub writer: WriteHalf<IpcStream>,
    pub welcome: Welcome,
}

impl Connection {
    /// Writes `line` and its newline in one write, so the daemon wakes once per
    /// message (this is on every call's path).
    pub async fn send_line(&mut self, line: &str) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        self.writer.write_all(&buf).await?;
        self.writer.flush().await
    }
}

/// Connects and says hello. `NotRunning` when nothing listens.
pub async fn connect(
    runtime: &Path,
    hello: &Hello,
    max_line: usize,
) -> Result<Connection, IpcError> {
    let stream = platform::ipc_connect(runtime, super::DAEMON)
        .await
        .map_err(|_| IpcError::NotRunning)?;
    let (reader, writer) = tokio::io::split(stream);
    let mut conn = Connection {
        lines: FramedRead::new(reader, LinesCodec::new_with_max_length(max_line)),
        writer,
        welcome: Welcome {
            switchboard: PROTOCOL,
            ok: false,
            version: String::new(),
            pid: 0,
            error: None,
        },
    };
    let hello_line = serde_json::to_string(hello).expect("invariant: hello serializes");
    conn.send_line(&hello_line)
        .await
        .map_err(|e| IpcError::Broken(e.to_string()))?;
    let reply = match tokio::time::timeout(Duration::from_secs(10), conn.lines.next()).await {
        Ok(Some(Ok(line))) => line,
        Ok(_) => return Err(IpcError::Broken("the daemon closed the connection".into())),
        Err(_) => {
            return Err(IpcError::Broken(
                "the daemon did not answer within 10 s".into(),
            ));
        }
    };
    let welcome: Welcome = serde_json::from_str(&reply)
        .map_err(|e| IpcError::Broken(format!("unexpected greeting: {e}")))?;
    if !welcome.ok {
        return Err(IpcError::Refused(Refusal::new(
            ErrorCode::DaemonUnavailable,
            welcome.error.unwrap_or_else(|| "no reason given".into()),
        )));
    }
    conn.welcome = welcome;
    Ok(conn)
}

/// Connects, starting the daemon (`program daemon`, detached) if it is not running,
/// and waiting up to `within` for it to listen.
pub async fn connect_or_start(
    runtime: &Path,
    hello: &Hello,
    program: &Path,
    home: Option<&Path>,
    within: Duration,
) -> Result<Connection, IpcError> {
    match connect(runtime, hello, MAX_LINE).await {
        Err(IpcError::NotRunning) => {}
        other => return other,
    }
    let mut cmd = std::process::Command::new(program);
    cmd.args(["daemon", "--foreground"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(home) = home {
        cmd.env(crate::env::HOME, home);
    }
    platform::detach(&mut cmd);
    let mut child = cmd
        .spawn()
        .map_err(|e| IpcError::StartFailed(format!("cannot run `{}`: {e}", program.display())))?;
    // Reap the child if it exits quickly (another daemon won the race), without blocking.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    let deadline = Instant::now() + within;
    let mut wait = Duration::from_millis(2);
    loop {
        match connect(runtime, hello, MAX_LINE).await {
            Err(IpcError::NotRunning) if Instant::now() < deadline => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_millis(100));
            }
            Err(IpcError::NotRunning) => {
                return Err(IpcError::StartFailed(format!(
                    "it was not listening after {} s",
                    within.as_secs()
                )));
            }
            other => return other,
        }
    }
}

/// The longest line accepted on a daemon connection (matches the default message cap).
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// A control connection.
pub struct Control {
    conn: Connection,
    next_id: u64,
}

impl Control {
    pub async fn connect(runtime: &Path) -> Result<Self, IpcError> {
        let conn = connect(
            runtime,
            &Hello::Control {
                switchboard: PROTOCOL,
            },
            MAX_LINE,
        )
        .await?;
        Ok(Self { conn, next_id: 1 })
    }

    /// Connects, starting the daemon (`program daemon`) first when none runs.
    pub async fn connect_or_start(
        runtime: &Path,
        program: &Path,
        home: Option<&Path>,
        within: Duration,
    ) -> Result<Self, IpcError> {
        let hello = Hello::Control {
            switchboard: PROTOCOL,
        };
        let conn = connect_or_start(runtime, &hello, program, home, within).await?;
        Ok(Self { conn, next_id: 1 })
    }

    pub fn welcome(&self) -> &Welcome {
        &self.conn.welcome
    }

    pub async fn request(&mut self, op: ControlOp) -> Result<Value, IpcError> {
        let id = self.next_id;
        self.next_id += 1;
        let line = serde_json::to_string(&ControlRequest { id, op })
            .expect("invariant: requests serialize");
        self.conn
            .send_line(&line)
            .await
            .map_err(|e| IpcError::Broken(e.to_string()))?;
        while let Some(line) = self.conn.lines.next().await {
            let line = line.map_err(|e| IpcError::Broken(e.to_string()))?;
            let Ok(resp) = serde_json::from_str::<ControlResponse>(&line) else {
                continue;
            };
            // Id 0: the daemon could not read the request at all (an older daemon
            // that does not know the op): that answer is ours too.
            if resp.id == id || (resp.id == 0 && !resp.ok) {
                return match resp.refusal() {
                    None => Ok(resp.result),
                    Some(refusal) => Err(IpcError::Refused(refusal)),
                };
            }
        }
        Err(IpcError::Broken("the daemon closed the connection".into()))
    }

    /// The daemon's status report.
    pub async fn status(&mut self) -> Result<StatusReport, IpcError> {
        let value = self.request(ControlOp::Status).await?;
        serde_json::from_value(value)
            .map_err(|e| IpcError::Broken(format!("the status report did not parse: {e}")))
    }

    /// Starts the stream of events on this connection (read with `next_event`).
    pub async fn subscribe(&mut self) -> Result<(), IpcError> {
        self.request(ControlOp::Subscribe).await.map(drop)
    }

    /// After `subscribe`: the next event; `None` when the connection ends. Lines that
    /// are not events (answers, or events this build does not know) are skipped.
    pub async fn next_event(&mut self) -> Option<ControlEvent> {
        while let Some(Ok(line)) = self.conn.lines.next().await {
            if let Ok(event) = serde_json::from_str::<ControlEvent>(&line) {
                return Some(event);
            }
        }
        None
    }
}

/// Where the daemon listens, for messages.
pub fn endpoint(runtime: &Path) -> PathBuf {
    platform::ipc_endpoint(runtime, super::DAEMON)
}

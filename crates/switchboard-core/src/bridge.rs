//! The bridge: what an MCP client runs (`switchboard bridge`). It relays JSON-RPC lines
//! between the client (stdio) and the daemon, and nothing else goes to the client.
//!
//! It keeps the client's `initialize`. When the daemon goes away, every call in flight
//! gets an error at once (not silence); the bridge then starts the daemon again,
//! re-attaches by replaying `initialize`, and tells the client
//! `notifications/tools/list_changed`. It ends cleanly when its input ends.
//!
//! The relay forwards each line as it came; it reads only `id` and `method`.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

use crate::ipc::client::{self, Connection, IpcError, MAX_LINE};
use crate::ipc::{Hello, PROTOCOL};
use crate::jsonrpc::{Message, code};
use crate::paths::Paths;

pub struct Options {
    pub paths: Paths,
    /// `None`: every connected vendor.
    pub vendors: Option<BTreeSet<String>>,
    pub compact: bool,
    /// The `switchboard` binary, to start the daemon with.
    pub program: PathBuf,
    /// How long to wait for a daemon to come up.
    pub start_within: Duration,
}

/// Just enough of a message to route it.
#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(default)]
    method: Option<std::borrow::Cow<'a, str>>,
}

const REATTACH_ID: &str = "\"switchboard-reattach\"";

/// This process's stdin and stdout, as the bridge's transport to its client.
pub fn process_stdio() -> (
    Box<dyn AsyncRead + Unpin + Send>,
    Box<dyn AsyncWrite + Unpin + Send>,
) {
    crate::platform::process_stdio()
}

pub async fn run<R, W>(opts: Options, input: R, output: W) -> Result<(), IpcError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let hello = Hello::Bridge {
        switchboard: PROTOCOL,
        vendors: opts.vendors.clone(),
        compact: opts.compact,
    };
    let home = opts.paths.home_override.clone();
    let connect = || {
        client::connect_or_start(
            &opts.paths.runtime,
            &hello,
            &opts.program,
            home.as_deref(),
            opts.start_within,
        )
    };

    let mut input = FramedRead::new(input, LinesCodec::new_with_max_length(MAX_LINE));
    let mut out = BufWriter::new(output);
    let mut daemon: Option<Connection> = Some(connect().await?);
    // The client's initialize request (raw line), for re-attaching.
    let mut initialize: Option<String> = None;
    // Requests forwarded and not yet answered: id (as JSON text) → id.
    let mut inflight: HashMap<String, Box<RawValue>> = HashMap::new();
    // A reconnection attempt is due (after a failure to reconnect).
    let mut retry_at: Option<tokio::time::Instant> = None;

    loop {
        let from_daemon = async {
            match daemon.as_mut() {
                Some(conn) => conn.lines.next().await,
                None => std::future::pending().await,
            }
        };
        let retry = async {
            match retry_at {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            line = input.next() => {
                let line = match line {
                    Some(Ok(line)) => line,
                    Some(Err(LinesCodecError::MaxLineLengthExceeded)) => {
                        let e = Message::error_response(serde_json::Value::Null, code::INVALID_REQUEST, "message too long", None);
                        write_line(&mut out, &e.to_line()).await;
                        continue;
                    }
                    // End of input (or a broken stdin): the client is done.
                    Some(Err(_)) | None => break,
                };
                if line.trim().is_empty() {
                    continue;
                }
                let peek: Option<Peek<'_>> = serde_json::from_str(&line).ok();
                let request_id = peek.as_ref().and_then(|p| p.method.as_ref().and(p.id));
                if let Some(p) = &peek
                    && p.method.as_deref() == Some("initialize")
                {
                    initialize = Some(line.clone());
                }
                match daemon.as_mut() {
                    Some(conn) => {
                        if let Some(id) = request_id {
                            inflight.insert(id.get().to_owned(), id.to_owned());
                        }
                        if conn.send_line(&line).await.is_err() {
                            daemon = None;
                            lost(&mut out, &mut inflight).await;
                            retry_at = Some(tokio::time::Instant::now());
                        }
                    }
                    None => {
                        if let Some(id) = request_id {
                            let e = error_for(id, code::DAEMON_LOST, "Switchboard's daemon is not running right now; try again in a moment");
                            write_line(&mut out, &e).await;
                        }
                    }
                }
            }
            line = from_daemon => match line {
                Some(Ok(line)) => {
                    let peek: Option<Peek<'_>> = serde_json::from_str(&line).ok();
                    if let Some(p) = peek.as_ref().filter(|p| p.method.is_none())
                        && let Some(id) = p.id
                    {
                        if id.get() == REATTACH_ID {
                            continue; // the answer to our replayed initialize
                        }
                        inflight.remove(id.get());
                    }
                    write_line(&mut out, &line).await;
                }
                _ => {
                    daemon = None;
                    lost(&mut out, &mut inflight).await;
                    retry_at = Some(tokio::time::Instant::now());
                }
            },
            () = retry => {
                retry_at = None;
                match connect().await {
                    Ok(mut conn) => {
                        if reattach(&mut conn, initialize.as_deref()).await.is_ok() {
                            daemon = Some(conn);
                            let changed = Message::notification("notifications/tools/list_changed", None);
                            write_line(&mut out, &changed.to_line()).await;
                            tracing::info!("re-attached to the daemon");
                        } else {
                            retry_at = Some(tokio::time::Instant::now() + Duration::from_secs(1));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot reach the daemon; retrying");
                        retry_at = Some(tokio::time::Instant::now() + Duration::from_secs(2));
                    }
                }
            }
        }
    }
    let _ = out.flush().await;
    Ok(())
}

/// Replays the client's `initialize` (under our own id) and `initialized`.
async fn reattach(conn: &mut Connection, initialize: Option<&str>) -> std::io::Result<()> {
    let Some(line) = initialize else {
        return Ok(());
    };
    let Ok(mut msg) = Message::parse(line) else {
        return Ok(());
    };
    msg.id = serde_json::from_str(REATTACH_ID).ok();
    conn.send_line(&msg.to_line()).await?;
    conn.send_line(&Message::notification("notifications/initialized", None).to_line())
        .await
}

/// Every call in flight gets an error now, rather than waiting forever.
async fn lost<W: AsyncWrite + Unpin>(
    out: &mut BufWriter<W>,
    inflight: &mut HashMap<String, Box<RawValue>>,
) {
    tracing::warn!(calls = inflight.len(), "lost the daemon");
    for (_, id) in inflight.drain() {
        let e = error_for(
            &id,
            code::DAEMON_LOST,
            "Switchboard's daemon stopped while this call was running; it may or may not have completed. Switchboard is reconnecting; try again.",
        );
        write_line(out, &e).await;
    }
}

fn error_for(id: &RawValue, code: i64, message: &str) -> String {
    let id: serde_json::Value = serde_json::from_str(id.get()).unwrap_or(serde_json::Value::Null);
    Message::error_response(id, code, message, None).to_line()
}

async fn write_line<W: AsyncWrite + Unpin>(out: &mut BufWriter<W>, line: &str) {
    let _ = out.write_all(line.as_bytes()).await;
    let _ = out.write_all(b"\n").await;
    let _ = out.flush().await;
}

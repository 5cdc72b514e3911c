//! A vendor server as a child process speaking MCP on stdin/stdout.
//!
//! The child is spawned through process-wrap in its own process group (a job object on
//! Windows), so stopping it also stops what it started (`npx` → `node`). Four tasks
//! serve it: a writer (messages → stdin), a reader (stdout lines → messages, with a
//! length limit), a stderr drain (lines → the vendor's log and a ring buffer, with
//! secrets redacted), and a waiter that reports the exit. A line that is not JSON-RPC,
//! or is too long, is a protocol violation: reported, and the child is killed.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use process_wrap::tokio::{CommandWrap, KillOnDrop};
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

use super::{Event, Upstream};
use crate::jsonrpc::Message;
use crate::platform;
use crate::secret::Redactor;

/// Recent stderr lines, for status and for error messages.
pub type StderrTail = Arc<Mutex<VecDeque<String>>>;
pub const STDERR_TAIL: usize = 20;
const STDERR_LINE_MAX: usize = 8 * 1024;

/// Where a child's stderr goes.
pub trait StderrSink: Send + Sync + 'static {
    fn line(&self, line: &str);
}

pub struct Spawn {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// The whole environment to add (fixed env and credentials).
    pub env: BTreeMap<String, String>,
    /// The working directory (the bundle folder for imported bundles).
    pub cwd: Option<PathBuf>,
    pub max_message_bytes: usize,
    pub redactor: Redactor,
    pub stderr_log: Arc<dyn StderrSink>,
    pub stderr_tail: StderrTail,
}

pub struct StdioChild {
    tx: mpsc::UnboundedSender<Message>,
    pid: Option<u32>,
    stop: Option<oneshot::Sender<Duration>>,
    done: Option<oneshot::Receiver<()>>,
}

impl StdioChild {
    /// Starts the child. Events arrive on `events`; `Closed` is always last.
    pub fn spawn(spec: Spawn, events: mpsc::UnboundedSender<Event>) -> std::io::Result<Self> {
        let mut cmd = CommandWrap::with_new(&spec.program, |c| {
            c.args(&spec.args)
                .envs(&spec.env)
                .env_remove("SWITCHBOARD_HOME")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            if let Some(dir) = &spec.cwd {
                c.current_dir(dir);
            }
            // A program found outside PATH (nvm, volta…) usually needs its siblings
            // (`npx` runs `node`): put its directory first on the child's PATH.
            if let Some(dir) = spec.program.parent() {
                let mut path = vec![dir.to_owned()];
                if let Some(old) = std::env::var_os("PATH") {
                    path.extend(std::env::split_paths(&old));
                }
                if let Ok(joined) = std::env::join_paths(path) {
                    c.env("PATH", joined);
                }
            }
        });
        platform::wrap_child(&mut cmd);
        cmd.wrap(KillOnDrop);
        let mut child = cmd.spawn()?;
        let pid = child.id();
        let stdin = child.stdin().take().expect("invariant: stdin is piped");
        let stdout = child.stdout().take().expect("invariant: stdout is piped");
        let stderr = child.stderr().take().expect("invariant: stderr is piped");

        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        // Writer: one line per message, flushed when the queue is empty.
        tokio::spawn(async move {
            let mut out = BufWriter::new(stdin);
            while let Some(msg) = rx.recv().await {
                let mut line = msg.to_line();
                line.push('\n');
                if out.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
                while let Ok(more) = rx.try_recv() {
                    let mut line = more.to_line();
                    line.push('\n');
                    if out.write_all(line.as_bytes()).await.is_err() {
                        return;
                    }
                }
                if out.flush().await.is_err() {
                    return;
                }
            }
            // The sender is gone: closing stdin asks the server to exit.
            let _ = out.shutdown().await;
        });

        // Reader: stdout lines → messages. A violation stops reading and kills the child.
        let (violation_tx, violation_rx) = oneshot::channel::<()>();
        let reader_events = events.clone();
        let max = spec.max_message_bytes;
        let reader = tokio::spawn(async move {
            let mut lines = FramedRead::new(stdout, LinesCodec::new_with_max_length(max));
            while let Some(line) = lines.next().await {
                let problem = match line {
                    Ok(line) if line.trim().is_empty() => continue,
                    Ok(line) => match Message::parse(&line) {
                        Ok(msg) => {
                            let _ = reader_events.send(Event::Message(msg));
                            continue;
                        }
                        Err(e) => format!("wrote something that is not MCP to stdout: {e}"),
                    },
                    Err(LinesCodecError::MaxLineLengthExceeded) => {
                        format!("wrote a message longer than {max} bytes to stdout")
                    }
                    Err(LinesCodecError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                        "wrote bytes that are not UTF-8 to stdout".to_owned()
                    }
                    Err(LinesCodecError::Io(_)) => break,
                };
                let _ = reader_events.send(Event::Protocol(problem));
                let _ = violation_tx.send(());
                return;
            }
        });

        // Stderr: never blocks the child; long lines are cut; secrets are redacted.
        let (redactor, sink, tail) = (spec.redactor, spec.stderr_log, spec.stderr_tail);
        let stderr_done = tokio::spawn(async move {
            let mut lines = FramedRead::new(stderr, LinesCodec::new());
            while let Some(line) = lines.next().await {
                let Ok(mut line) = line else { break };
                if line.len() > STDERR_LINE_MAX {
                    let mut cut = STDERR_LINE_MAX;
                    while !line.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    line.truncate(cut);
                    line.push_str(" …");
                }
                let line = redactor.redact(&line);
                sink.line(&line);
                if let Ok(mut t) = tail.lock() {
                    if t.len() == STDERR_TAIL {
                        t.pop_front();
                    }
                    t.push_back(line);
                }
            }
        });

        // Waiter: owns the process; stops it on request or on a violation.
        let (stop_tx, stop_rx) = oneshot::channel::<Duration>();
        let (done_tx, done_rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            enum Why {
                Exited(std::io::Result<std::process::ExitStatus>),
                Stop(Duration),
                Violation,
            }
            // A reader that ends without a violation drops its sender: not a reason.
            let violation = async {
                if violation_rx.await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            let why = tokio::select! {
                status = child.wait() => Why::Exited(status),
                // Dropping the handle without `shutdown` also stops the child.
                grace = stop_rx => Why::Stop(grace.unwrap_or(Duration::ZERO)),
                () = violation => Why::Violation,
            };
            let status = match why {
                Why::Exited(status) => status,
                Why::Violation => {
                    let _ = Box::into_pin(child.kill()).await;
                    child.wait().await
                }
                Why::Stop(grace) => match tokio::time::timeout(grace, child.wait()).await {
                    Ok(status) => status,
                    Err(_) => {
                        platform::terminate(&mut *child);
                        match tokio::time::timeout(Duration::from_secs(2), child.wait()).await {
                            Ok(status) => status,
                            Err(_) => {
                                let _ = Box::into_pin(child.kill()).await;
                                child.wait().await
                            }
                        }
                    }
                },
            };
            // Let the reader deliver what the child wrote before it died.
            let _ = reader.await;
            let _ = stderr_done.await;
            let why = match status {
                Ok(s) => match s.code() {
                    Some(code) => format!("the server exited with status {code}"),
                    None => "the server was stopped by a signal".to_owned(),
                },
                Err(e) => format!("lost track of the server: {e}"),
            };
            let _ = events.send(Event::Closed(why));
            let _ = done_tx.send(());
        });

        Ok(Self {
            tx,
            pid,
            stop: Some(stop_tx),
            done: Some(done_rx),
        })
    }

    async fn stop(mut self, grace: Duration) {
        // Dropping the sender closes stdin once the writer has flushed.
        let (dead_tx, _) = mpsc::unbounded_channel();
        drop(std::mem::replace(&mut self.tx, dead_tx));
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(grace);
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Upstream for StdioChild {
    fn send(&self, msg: Message) {
        let _ = self.tx.send(msg);
    }

    fn pid(&self) -> Option<u32> {
        self.pid
    }

    fn shutdown(self: Box<Self>, grace: Duration) -> BoxFuture<'static, ()> {
        Box::pin(self.stop(grace))
    }
}

/// A size-capped, rotating log file for one vendor's stderr.
pub struct RotatingLog {
    file: Mutex<file_rotate::FileRotate<file_rotate::suffix::AppendCount>>,
}

impl RotatingLog {
    /// Up to `max_bytes` per file and `keep` older files.
    pub fn open(path: PathBuf, max_bytes: usize, keep: usize) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            fs_err::create_dir_all(dir)?;
        }
        let file = file_rotate::FileRotate::new(
            path,
            file_rotate::suffix::AppendCount::new(keep),
            file_rotate::ContentLimit::BytesSurpassed(max_bytes),
            file_rotate::compression::Compression::None,
            None,
        );
        Ok(Self {
            file: Mutex::new(file),
        })
    }
}

impl StderrSink for RotatingLog {
    fn line(&self, line: &str) {
        if let Ok(mut f) = self.file.lock() {
            let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
            let _ = writeln!(f, "{stamp} {line}");
        }
    }
}

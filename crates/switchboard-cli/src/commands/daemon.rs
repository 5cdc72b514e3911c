//! `switchboard daemon [--foreground] | daemon stop`, `bridge`, `status`, `logs`, `restart`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use switchboard_core::ipc::client;
use switchboard_core::ipc::{Hello, PROTOCOL};
use switchboard_core::paths::Paths;
use switchboard_core::vault::KeyringStore;
use switchboard_core::{Error, Switchboard, bridge, daemon, logs};

use super::{CmdResult, this_program};
use crate::cli::{BridgeArgs, LogsArgs};
use crate::{exit, output};

pub async fn foreground(paths: Paths) -> CmdResult {
    let _guard = crate::init_daemon_logging(&paths.logs);
    let result = daemon::run(
        paths,
        Arc::new(KeyringStore::new()),
        daemon::shutdown_signal(),
    )
    .await;
    match result {
        Ok(()) => Ok(exit::OK),
        Err(e) => Err(Error::from(e).into()),
    }
}

pub async fn background(sb: &Switchboard, json: bool) -> CmdResult {
    let hello = Hello::Control {
        switchboard: PROTOCOL,
    };
    let paths = sb.paths();
    let conn = client::connect_or_start(
        &paths.runtime,
        &hello,
        &this_program()?,
        paths.home_override.as_deref(),
        Duration::from_secs(10),
    )
    .await
    .map_err(Error::from)?;
    let pid = conn.welcome.pid;
    if json {
        output::json(&serde_json::json!({ "running": true, "pid": pid }));
    } else {
        output::line(&format!("Switchboard's daemon is running (pid {pid})."));
    }
    Ok(exit::OK)
}

pub async fn stop(sb: &Switchboard, json: bool) -> CmdResult {
    let stopped = sb.stop_daemon().await?;
    if json {
        output::json(&serde_json::json!({ "stopped": stopped }));
    } else if stopped {
        output::line("Stopped Switchboard's daemon and its vendor servers.");
    } else {
        output::line("Switchboard's daemon was not running.");
    }
    Ok(exit::OK)
}

/// Vendors named with `--vendor` that are unknown simply contribute no tools; the
/// bridge does not parse the catalog, so that it starts fast.
pub async fn bridge(paths: Paths, args: BridgeArgs) -> CmdResult {
    let opts = bridge::Options {
        paths,
        vendors: (!args.vendors.is_empty())
            .then(|| args.vendors.iter().cloned().collect::<BTreeSet<_>>()),
        compact: args.compact,
        program: this_program()?,
        start_within: Duration::from_secs(15),
    };
    let (input, output) = bridge::process_stdio();
    bridge::run(opts, input, output)
        .await
        .map_err(Error::from)?;

    Ok(exit::OK)
}

pub async fn status(sb: &Switchboard, json: bool) -> CmdResult {
    let report = sb.status().await?;
    if json {
        output::json(&report)
    } else {
        output::status(&report)
    }
    Ok(exit::OK)
}

pub async fn restart(sb: &Switchboard, slug: &str, json: bool) -> CmdResult {
    sb.restart(slug).await?;
    if json {
        output::json(&serde_json::json!({ "slug": slug, "restarted": true }));
    } else {
        output::line(&format!("Restarting {slug}'s server."));
    }
    Ok(exit::OK)
}

pub async fn stop_vendor(sb: &Switchboard, slug: &str, json: bool) -> CmdResult {
    sb.stop_vendor(slug).await?;
    if json {
        output::json(&serde_json::json!({ "slug": slug, "stopped": true }));
    } else {
        output::line(&format!(
            "Stopped {slug}'s server; the next call starts it again."
        ));
    }
    Ok(exit::OK)
}

pub async fn logs(sb: &Switchboard, args: LogsArgs) -> CmdResult {
    if args.slug != "daemon" {
        sb.catalog().get(&args.slug).map_err(Error::from)?;
    }
    let files = logs::files(sb.paths(), &args.slug);
    if files.is_empty() && !args.follow {
        output::note(&format!(
            "no log yet for {}: its server has not written anything",
            args.slug
        ));
        return Ok(exit::OK);
    }
    for line in logs::tail(&files, args.lines) {
        output::line(&line);
    }
    if args.follow {
        let path = files
            .last()
            .cloned()
            .unwrap_or_else(|| logs::vendor_log(sb.paths(), &args.slug));
        let mut follower = logs::Follower::at_end(path);
        loop {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(250)) => {
                    for line in follower.poll() {
                        output::line(&line);
                    }
                }
                () = daemon::shutdown_signal() => break,
            }
        }
    }
    Ok(exit::OK)
}

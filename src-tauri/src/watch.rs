//! Keeps the window in step with the daemon while it is open: the status goes to the
//! page after every burst of events (`switchboard_core::ipc::watch`). The tray, a
//! separate process, raises the notifications.

use switchboard_core::ipc::watch::{Attach, Watcher, watch};
use tauri::{AppHandle, Manager, Runtime};

use crate::actions;
use crate::state::AppState;

struct Window<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Watcher for Window<R> {
    async fn refresh(&self) {
        let state = self.0.state::<AppState>();
        if let Ok(status) = state.core.status().await {
            actions::set_status(&self.0, status);
        }
    }

    fn trouble(&self, why: Option<String>) {
        if let Some(why) = why {
            tracing::warn!(%why, "the window cannot reach the daemon");
        }
    }
}

pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let paths = state.core.paths();
        let attach = Attach {
            runtime: paths.runtime.clone(),
            cli: state.cli.clone(),
            home: paths.home_override.clone(),
        };
        watch(&attach, &state.poke, &Window(app.clone())).await;
    });
}

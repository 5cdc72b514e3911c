//! Linux: the tray is a StatusNotifierItem with a dbusmenu, spoken over the session
//! bus by `ksni`. The desktop's tray host (GNOME's AppIndicator extension, KDE, XFCE,
//! waybar…) draws it; no toolkit, GL stack or web engine is loaded here.

use std::future::Future;
use std::process::ExitCode;

use ksni::TrayMethods as _;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::View;
use crate::menu::{self, Entry, Health, Model};

struct Item {
    model: Option<Model>,
    icons: [ksni::Icon; 3],
    clicks: UnboundedSender<String>,
}

fn argb(health: Health) -> ksni::Icon {
    match super::rgba(menu::icon(health)) {
        Ok((width, height, mut data)) => {
            // RGBA to the protocol's ARGB, in network byte order.
            for px in data.chunks_exact_mut(4) {
                px.rotate_right(1);
            }
            ksni::Icon {
                width: width as i32,
                height: height as i32,
                data,
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "the tray icon does not decode");
            ksni::Icon {
                width: 0,
                height: 0,
                data: Vec::new(),
            }
        }
    }
}

fn convert(entry: &Entry) -> ksni::MenuItem<Item> {
    use ksni::menu::{CheckmarkItem, StandardItem, SubMenu};
    let send = |id: String| -> Box<dyn Fn(&mut Item) + Send + Sync> {
        Box::new(move |item: &mut Item| {
            let _ = item.clicks.send(id.clone());
        })
    };
    match entry {
        Entry::Item { id, label, enabled } => StandardItem {
            label: label.clone(),
            enabled: *enabled,
            activate: send(id.clone()),
            ..Default::default()
        }
        .into(),
        Entry::Check { id, label, checked } => CheckmarkItem {
            label: label.clone(),
            checked: *checked,
            activate: send(id.clone()),
            ..Default::default()
        }
        .into(),
        Entry::Submenu { label, items } => SubMenu {
            label: label.clone(),
            submenu: items.iter().map(convert).collect(),
            ..Default::default()
        }
        .into(),
        Entry::Separator => ksni::MenuItem::Separator,
    }
}

impl ksni::Tray for Item {
    fn id(&self) -> String {
        "switchboard".into()
    }

    fn title(&self) -> String {
        "Switchboard".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        let health = self.model.as_ref().map_or(Health::Good, |m| m.health);
        let i = match health {
            Health::Good => 0,
            Health::Degraded => 1,
            Health::Error => 2,
        };
        vec![self.icons[i].clone()]
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: self
                .model
                .as_ref()
                .map_or_else(|| "Switchboard".to_owned(), |m| m.tooltip.clone()),
            ..Default::default()
        }
    }

    /// A left click on the icon, where the host reports one.
    fn activate(&mut self, _x: i32, _y: i32) {
        let _ = self.clicks.send(menu::OPEN.to_owned());
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        self.model
            .as_ref()
            .map(|m| menu::entries(m).iter().map(convert).collect())
            .unwrap_or_default()
    }

    fn watcher_offline(&self, reason: ksni::OfflineReason) -> bool {
        // The host may come later (the panel starts after us at login): keep the
        // item and register when it appears.
        tracing::info!(?reason, "no tray host on the session bus yet");
        true
    }
}

struct KsniView(ksni::Handle<Item>);

impl View for KsniView {
    fn draw(&self, model: &Model) {
        let handle = self.0.clone();
        let model = model.clone();
        tokio::spawn(async move {
            handle.update(move |item| item.model = Some(model)).await;
        });
    }
}

/// Runs the tray on one thread: `start` gets the view and the menu's clicks (item
/// ids), and its result is the exit code.
pub fn run<F, Fut>(start: F) -> ExitCode
where
    F: FnOnce(Box<dyn View>, UnboundedReceiver<String>) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the tray's runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let (clicks, menu_clicks) = unbounded_channel();
        let item = Item {
            model: None,
            icons: [argb(Health::Good), argb(Health::Degraded), argb(Health::Error)],
            clicks,
        };
        let handle = match item.assume_sni_available(true).spawn().await {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "cannot put Switchboard in the tray (is there a D-Bus session?)");
                return ExitCode::FAILURE;
            }
        };
        start(Box::new(KsniView(handle)), menu_clicks).await
    })
}

/// What the window process is started with, unless the user's environment says
/// otherwise. WebKitGTK's accelerated compositing draws the page through GL in the web
/// process: it costs about 70 MB there (Mesa and, without a GPU, LLVM) for a settings
/// page with nothing to accelerate, and is a known cause of blank windows on some
/// drivers. Measured by `scripts/bench-app`.
pub const WINDOW_ENV: &[(&str, &str)] = &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")];

/// A notification with Approve and Deny (the freedesktop notification actions);
/// `answer` gets the choice. Blocks until the technician clicks or the notification
/// goes away, so it runs on a blocking thread.
pub fn ask(title: &str, body: &str, answer: impl FnOnce(bool) + Send + 'static) {
    let shown = notify_rust::Notification::new()
        .appname("Switchboard")
        .summary(title)
        .body(body)
        .action("approve", "Approve")
        .action("deny", "Deny")
        .timeout(notify_rust::Timeout::Never)
        .show();
    match shown {
        Ok(handle) => {
            let mut answer = Some(answer);
            handle.wait_for_action(|action| {
                let choice = match action {
                    "approve" => Some(true),
                    "deny" => Some(false),
                    _ => None,
                };
                if let (Some(approve), Some(f)) = (choice, answer.take()) {
                    f(approve);
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, %title, "could not show a notification"),
    }
}

//! Windows and macOS: `tray-icon` and `muda` on a `tao` event loop (the same crates
//! tauri uses for its tray, without the webview). The loop owns the main thread; the
//! tray's logic runs on a tokio runtime beside it and sends each new menu over.
//! Not run in CI (no Windows or macOS machine there); checked by the Windows clippy.

use std::future::Future;
use std::process::ExitCode;

use tao::event::Event;
use tao::event_loop::{ControlFlow, EventLoopBuilder, EventLoopProxy};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tray_icon::menu::{
    CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu,
};
use tray_icon::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

use crate::app::View;
use crate::menu::{self, Entry, Health, Model};

enum Message {
    Draw(Box<Model>),
    Exit(u8),
}

struct LoopView(EventLoopProxy<Message>);

impl View for LoopView {
    fn draw(&self, model: &Model) {
        let _ = self.0.send_event(Message::Draw(Box::new(model.clone())));
    }
}

fn icon(health: Health) -> Option<tray_icon::Icon> {
    let (w, h, px) = super::rgba(menu::icon(health)).ok()?;
    tray_icon::Icon::from_rgba(px, w, h).ok()
}

fn build(entries: &[Entry]) -> Vec<Box<dyn IsMenuItem>> {
    entries
        .iter()
        .map(|e| -> Box<dyn IsMenuItem> {
            match e {
                Entry::Item { id, label, enabled } => {
                    Box::new(MenuItem::with_id(id.as_str(), label, *enabled, None))
                }
                Entry::Check { id, label, checked } => Box::new(CheckMenuItem::with_id(
                    id.as_str(),
                    label,
                    true,
                    *checked,
                    None,
                )),
                Entry::Submenu { label, items } => {
                    let children = build(items);
                    let refs: Vec<&dyn IsMenuItem> = children.iter().map(|b| b.as_ref()).collect();
                    let sub = Submenu::new(label, true);
                    let _ = sub.append_items(&refs);
                    Box::new(sub)
                }
                Entry::Separator => Box::new(PredefinedMenuItem::separator()),
            }
        })
        .collect()
}

fn draw(tray: &TrayIcon, model: &Model) {
    let items = build(&menu::entries(model));
    let refs: Vec<&dyn IsMenuItem> = items.iter().map(|b| b.as_ref()).collect();
    let menu = Menu::new();
    let _ = menu.append_items(&refs);
    tray.set_menu(Some(Box::new(menu)));
    let _ = tray.set_icon(icon(model.health));
    let _ = tray.set_tooltip(Some(&model.tooltip));
}

pub fn run<F, Fut>(start: F) -> ExitCode
where
    F: FnOnce(Box<dyn View>, UnboundedReceiver<String>) -> Fut + Send + 'static,
    Fut: Future<Output = ExitCode>,
{
    let event_loop = EventLoopBuilder::<Message>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let (clicks, menu_clicks) = unbounded_channel();
    let menu_sender = clicks.clone();
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        let _ = menu_sender.send(event.id.0);
    }));
    TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
        if let TrayIconEvent::Click {
            button: MouseButton::Left,
            button_state: MouseButtonState::Up,
            ..
        } = event
        {
            let _ = clicks.send(menu::OPEN.to_owned());
        }
    }));
    let view_proxy = proxy.clone();
    std::thread::spawn(move || {
        let code = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(start(Box::new(LoopView(view_proxy)), menu_clicks)),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the tray's runtime");
                ExitCode::FAILURE
            }
        };
        let byte = if code == ExitCode::SUCCESS { 0 } else { 1 };
        let _ = proxy.send_event(Message::Exit(byte));
    });
    let mut tray: Option<TrayIcon> = None;
    event_loop.run(move |event, _, flow| {
        *flow = ControlFlow::Wait;
        match event {
            Event::UserEvent(Message::Draw(model)) => match &tray {
                Some(t) => draw(t, &model),
                None => {
                    let built = TrayIconBuilder::new()
                        .with_id("switchboard")
                        .with_title("Switchboard")
                        .with_menu_on_left_click(false)
                        .build();
                    match built {
                        Ok(t) => {
                            draw(&t, &model);
                            tray = Some(t);
                        }
                        Err(e) => tracing::error!(error = %e, "cannot put Switchboard in the tray"),
                    }
                }
            },
            Event::UserEvent(Message::Exit(code)) => {
                tray.take();
                *flow = ControlFlow::ExitWithCode(i32::from(code));
            }
            _ => {}
        }
    })
}

/// What the window process is started with: nothing special here.
pub const WINDOW_ENV: &[(&str, &str)] = &[];

/// A notification saying a call waits; this desktop's notifications carry no actions
/// here, so the tray menu (or `switchboard approve`) answers and `answer` is not used.
pub fn ask(title: &str, body: &str, answer: impl FnOnce(bool) + Send + 'static) {
    drop(answer);
    if let Err(e) = notify_rust::Notification::new()
        .appname("Switchboard")
        .summary(title)
        .body(body)
        .show()
    {
        tracing::warn!(error = %e, %title, "could not show a notification");
    }
}

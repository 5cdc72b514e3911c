//! The settings a person changes from the app's Settings page: a view over parts of
//! `config.toml`, saved by editing the file in place (comments and layout survive).
//! Start at login is not here: it is the OS's state, kept by the app.

use serde::{Deserialize, Serialize};

use crate::config::{self, Config, ConfigError, LogLevel};
use crate::paths::Paths;
use crate::preset::Preset;

/// Vendor servers may not idle-stop sooner than this: a conversation pauses that long.
pub const MIN_IDLE_TIMEOUT_S: u64 = 60;
/// A week; longer means "never", which `idle_timeout_s` cannot say.
pub const MAX_IDLE_TIMEOUT_S: u64 = 7 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub idle_timeout_s: u64,
    pub compact: bool,
    pub log_level: LogLevel,
    /// `None`: the endpoint built into the app.
    pub update_endpoint: Option<String>,
    /// Look for a new version once a day (installing it always takes a click).
    pub check_updates_daily: bool,
    /// The built-in endpoint's channel; set in `config.toml` or by a preset, never
    /// written by [`save`].
    #[serde(default)]
    pub update_channel: Option<String>,
    /// An MSP's own plugin marketplace: its name and its source (both, or neither for
    /// the vendors' public one).
    #[serde(default)]
    pub plugin_marketplace_name: Option<String>,
    #[serde(default)]
    pub plugin_marketplace: Option<String>,
}

impl Settings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            idle_timeout_s: config.supervisor.idle_timeout_s,
            compact: config.supervisor.compact,
            log_level: config.supervisor.log_level,
            update_endpoint: config.app.update_endpoint.clone(),
            check_updates_daily: config.app.check_updates_daily,
            update_channel: config.app.update_channel.clone(),
            plugin_marketplace_name: config.plugins.marketplace_name.clone(),
            plugin_marketplace: config.plugins.marketplace.clone(),
        }
    }

    /// Whether going from `self` to `new` only takes effect in a new daemon (the idle
    /// timeout and log level are read when it starts; compact mode is read per bridge).
    pub fn needs_daemon_restart(&self, new: &Settings) -> bool {
        self.idle_timeout_s != new.idle_timeout_s || self.log_level != new.log_level
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(MIN_IDLE_TIMEOUT_S..=MAX_IDLE_TIMEOUT_S).contains(&self.idle_timeout_s) {
            return Err(ConfigError::Invalid(format!(
                "the idle timeout must be between {} minute and {} days",
                MIN_IDLE_TIMEOUT_S / 60,
                MAX_IDLE_TIMEOUT_S / 86_400
            )));
        }
        if let Some(endpoint) = &self.update_endpoint {
            check_endpoint(endpoint)?;
        }
        Ok(())
    }
}

/// An update endpoint is `https://…`; plain `http://` only to this machine (a local
/// release mirror or a test), since the manifest decides what gets installed.
pub fn check_endpoint(endpoint: &str) -> Result<(), ConfigError> {
    // The updater fills `{{target}}`, `{{arch}}` and `{{current_version}}` in.
    let probe = endpoint.replace("{{", "").replace("}}", "");
    let url = url::Url::parse(&probe).map_err(|e| {
        ConfigError::Invalid(format!(
            "the update endpoint is not a URL ({e}): {endpoint}"
        ))
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(ConfigError::Invalid(format!(
            "the update endpoint must use https (plain http only to localhost): {endpoint}"
        ))),
    }
}

/// `config.toml` with the MSP's preset applied: a locked preset value always wins; an
/// unlocked one fills in what `config.toml` leaves unset (a technician's own choice
/// stands). The file itself is never changed.
pub fn effective_config(paths: &Paths, preset: Option<&Preset>) -> Result<Config, ConfigError> {
    let path = paths.config_file();
    let mut config = Config::load(&path)?;
    if let Some(preset) = preset {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let doc: toml_edit::DocumentMut = text.parse().unwrap_or_default();
        apply_preset(&mut config, &doc, preset);
    }
    Ok(config)
}

/// The overlay behind [`effective_config`], on a parsed `config.toml`.
pub fn apply_preset(config: &mut Config, doc: &toml_edit::DocumentMut, preset: &Preset) {
    if preset.is_locked("policy.tools") {
        config.policy_locked = preset
            .policy
            .tools
            .iter()
            .map(|(pattern, decision)| crate::policy::Rule {
                pattern: pattern.clone(),
                decision: *decision,
            })
            .collect();
    } else {
        for (pattern, decision) in &preset.policy.tools {
            config
                .policy
                .tools
                .entry(pattern.clone())
                .or_insert(*decision);
        }
    }
    let set_here = |table: &str, key: &str| doc.get(table).and_then(|t| t.get(key)).is_some();
    let wins =
        |setting: &str, table: &str, key: &str| preset.is_locked(setting) || !set_here(table, key);
    if let Some(v) = preset.supervisor.idle_timeout_s
        && wins("supervisor.idle_timeout_s", "supervisor", "idle_timeout_s")
    {
        config.supervisor.idle_timeout_s = v.clamp(MIN_IDLE_TIMEOUT_S, MAX_IDLE_TIMEOUT_S);
    }
    if let Some(v) = preset.supervisor.compact
        && wins("supervisor.compact", "supervisor", "compact")
    {
        config.supervisor.compact = v;
    }
    if let Some(v) = &preset.gateway.url
        && wins("gateway.url", "gateway", "url")
    {
        config.gateway.url = Some(v.clone());
    }
    if let Some(v) = &preset.updates.endpoint
        && wins("updates.endpoint", "app", "update_endpoint")
    {
        config.app.update_endpoint = Some(v.clone());
    }
    if let Some(v) = &preset.updates.channel
        && wins("updates.channel", "app", "update_channel")
    {
        config.app.update_channel = Some(v.clone());
    }
    if let Some(v) = preset.updates.check_daily
        && wins("updates.check_daily", "app", "check_updates_daily")
    {
        config.app.check_updates_daily = v;
    }
}

/// The built-in endpoint for `channel`: its `/stable/` segment names the channel.
pub fn endpoint_for_channel(builtin: &str, channel: Option<&str>) -> String {
    match channel {
        Some(c) if c != "stable" && crate::preset::CHANNELS.contains(&c) => {
            builtin.replacen("/stable/", &format!("/{c}/"), 1)
        }
        _ => builtin.to_owned(),
    }
}

/// Refuses `new` where it changes a setting the preset locks.
pub fn check_locks(old: &Settings, new: &Settings, preset: &Preset) -> Result<(), ConfigError> {
    let by = preset.managed_by();
    let changed = [
        (
            "supervisor.idle_timeout_s",
            "the idle timeout",
            old.idle_timeout_s != new.idle_timeout_s,
        ),
        (
            "supervisor.compact",
            "compact mode",
            old.compact != new.compact,
        ),
        (
            "updates.endpoint",
            "the update endpoint",
            old.update_endpoint != new.update_endpoint,
        ),
        (
            "updates.check_daily",
            "the daily update check",
            old.check_updates_daily != new.check_updates_daily,
        ),
    ];
    for (setting, words, differs) in changed {
        if differs && preset.is_locked(setting) {
            return Err(ConfigError::Managed {
                setting: words.to_owned(),
                by,
            });
        }
    }
    Ok(())
}

/// The Settings page's values as they apply: `config.toml` with the preset.
pub fn load(paths: &Paths, preset: Option<&Preset>) -> Result<Settings, ConfigError> {
    Ok(Settings::from_config(&effective_config(paths, preset)?))
}

/// Checks and writes `new` (refusing changes to what the preset locks); returns what
/// now applies.
pub fn save(
    paths: &Paths,
    new: &Settings,
    preset: Option<&Preset>,
) -> Result<Settings, ConfigError> {
    // With a preset, a value that came from it and was left alone is not written down:
    // it stays the MSP's, so a later change to the preset still reaches it.
    let before = match preset {
        Some(p) => {
            let before = load(paths, Some(p))?;
            check_locks(&before, new, p)?;
            Some(before)
        }
        None => None,
    };
    new.validate()?;
    let keep = |old: Option<bool>| before.is_none() || old != Some(true);
    let write_idle = keep(
        before
            .as_ref()
            .map(|b| b.idle_timeout_s == new.idle_timeout_s),
    );
    let write_compact = keep(before.as_ref().map(|b| b.compact == new.compact));
    let write_endpoint = keep(
        before
            .as_ref()
            .map(|b| b.update_endpoint == new.update_endpoint),
    );
    let write_daily = keep(
        before
            .as_ref()
            .map(|b| b.check_updates_daily == new.check_updates_daily),
    );
    let config = config::edit(&paths.config_file(), |doc| {
        let supervisor = config::table(doc, &["supervisor"]);
        if write_idle || supervisor.contains_key("idle_timeout_s") {
            supervisor.insert(
                "idle_timeout_s",
                toml_edit::value(i64::try_from(new.idle_timeout_s).unwrap_or(i64::MAX)),
            );
        }
        if write_compact || supervisor.contains_key("compact") {
            supervisor.insert("compact", toml_edit::value(new.compact));
        }
        supervisor.insert("log_level", toml_edit::value(new.log_level.as_str()));
        let app = config::table(doc, &["app"]);
        if write_endpoint || app.contains_key("update_endpoint") {
            match &new.update_endpoint {
                Some(endpoint) => {
                    app.insert("update_endpoint", toml_edit::value(endpoint.as_str()));
                }
                None => {
                    app.remove("update_endpoint");
                }
            }
        }
        if write_daily || app.contains_key("check_updates_daily") {
            app.insert(
                "check_updates_daily",
                toml_edit::value(new.check_updates_daily),
            );
        }
        let plugins = config::table(doc, &["plugins"]);
        for (key, value) in [
            ("marketplace_name", &new.plugin_marketplace_name),
            ("marketplace", &new.plugin_marketplace),
        ] {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => {
                    plugins.insert(key, toml_edit::value(v));
                }
                None => {
                    plugins.remove(key);
                }
            }
        }
        Ok(())
    })?;
    match preset {
        Some(_) => load(paths, preset),
        None => Ok(Settings::from_config(&config)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Settings {
        Settings::from_config(&Config::default())
    }

    #[test]
    fn round_trip_keeps_comments_and_other_sections() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::create_dir_all(&paths.config).unwrap();
        let original = "# mine\n[supervisor]\ncall_timeout_s = 30 # short\n\n[vendors.hudu.launch]\nhttp = \"http://127.0.0.1:9/mcp\"\n";
        std::fs::write(paths.config_file(), original).unwrap();
        let new = Settings {
            idle_timeout_s: 120,
            compact: true,
            log_level: LogLevel::Debug,
            update_endpoint: Some(
                "https://updates.example.com/{{target}}/{{current_version}}".into(),
            ),
            check_updates_daily: false,
            update_channel: None,
            plugin_marketplace_name: Some("acme-plugins".into()),
            plugin_marketplace: Some("acme/msp-plugins".into()),
        };
        assert_eq!(save(&paths, &new, None).unwrap(), new);
        assert_eq!(load(&paths, None).unwrap(), new);
        let text = std::fs::read_to_string(paths.config_file()).unwrap();
        assert!(text.starts_with("# mine\n"), "{text}");
        assert!(text.contains("call_timeout_s = 30 # short"), "{text}");
        assert!(text.contains("http = \"http://127.0.0.1:9/mcp\""), "{text}");
        let config = Config::load(&paths.config_file()).unwrap();
        assert_eq!(config.supervisor.call_timeout_s, 30);
        // Unsetting the endpoint removes the key.
        let back = Settings {
            update_endpoint: None,
            ..new
        };
        save(&paths, &back, None).unwrap();
        assert!(
            !std::fs::read_to_string(paths.config_file())
                .unwrap()
                .contains("update_endpoint")
        );
    }

    #[test]
    fn bad_values_are_refused_and_nothing_is_written() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        for (bad, why) in [
            (
                Settings {
                    idle_timeout_s: 5,
                    ..defaults()
                },
                "idle timeout",
            ),
            (
                Settings {
                    update_endpoint: Some("http://updates.example.com/x".into()),
                    ..defaults()
                },
                "https",
            ),
            (
                Settings {
                    update_endpoint: Some("not a url".into()),
                    ..defaults()
                },
                "not a URL",
            ),
        ] {
            let err = save(&paths, &bad, None).unwrap_err().to_string();
            assert!(err.contains(why), "{err}");
            assert!(!paths.config_file().exists());
        }
        // Loopback http is fine (a local mirror or a test).
        let local = Settings {
            update_endpoint: Some("http://127.0.0.1:8123/latest.json".into()),
            ..defaults()
        };
        save(&paths, &local, None).unwrap();
    }

    #[test]
    fn a_corrupt_config_is_reported_and_left_alone() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        std::fs::create_dir_all(&paths.config).unwrap();
        std::fs::write(paths.config_file(), "[supervisor\n").unwrap();
        assert!(matches!(
            load(&paths, None),
            Err(ConfigError::Corrupt { .. })
        ));
        assert!(matches!(
            save(&paths, &defaults(), None),
            Err(ConfigError::Corrupt { .. })
        ));
        assert_eq!(
            std::fs::read_to_string(paths.config_file()).unwrap(),
            "[supervisor\n"
        );
    }

    #[test]
    fn which_changes_need_a_new_daemon() {
        let a = defaults();
        assert!(!a.needs_daemon_restart(&Settings {
            compact: true,
            ..a.clone()
        }));
        assert!(a.needs_daemon_restart(&Settings {
            idle_timeout_s: 61,
            ..a.clone()
        }));
        assert!(a.needs_daemon_restart(&Settings {
            log_level: LogLevel::Trace,
            ..a.clone()
        }));
    }

    #[test]
    fn log_level_filters() {
        assert_eq!(
            LogLevel::Debug.filter(),
            "warn,switchboard_core=debug,switchboard=debug"
        );
        assert_eq!(
            LogLevel::Error.filter(),
            "error,switchboard_core=error,switchboard=error"
        );
    }

    #[test]
    fn a_preset_fills_in_what_config_leaves_unset_and_a_lock_always_wins() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let preset = crate::preset::parse(
            "locked = [\"supervisor.compact\"]\n[msp]\nname = \"Acme IT\"\n[gateway]\nurl = \"https://gw.acme.example\"\n[supervisor]\nidle_timeout_s = 900\ncompact = true\n",
        )
        .unwrap();
        // The technician chose their own idle timeout and turned compact mode off.
        std::fs::create_dir_all(paths.config_file().parent().unwrap()).unwrap();
        std::fs::write(
            paths.config_file(),
            "[supervisor]\nidle_timeout_s = 300\ncompact = false\n",
        )
        .unwrap();
        let config = effective_config(&paths, Some(&preset)).unwrap();
        assert_eq!(config.supervisor.idle_timeout_s, 300, "their choice stands");
        assert!(config.supervisor.compact, "the lock wins");
        assert_eq!(
            config.gateway.url.as_deref(),
            Some("https://gw.acme.example")
        );
        // Without the preset, the file as it is.
        assert!(!effective_config(&paths, None).unwrap().supervisor.compact);

        // Changing a locked setting is refused, naming the MSP; the file is untouched.
        let before = std::fs::read_to_string(paths.config_file()).unwrap();
        let mut new = load(&paths, Some(&preset)).unwrap();
        new.compact = false;
        let err = save(&paths, &new, Some(&preset)).unwrap_err();
        assert!(matches!(err, ConfigError::Managed { .. }), "{err}");
        assert!(err.to_string().contains("managed by Acme IT"), "{err}");
        assert_eq!(
            std::fs::read_to_string(paths.config_file()).unwrap(),
            before
        );
        // An unlocked one saves.
        let mut new = load(&paths, Some(&preset)).unwrap();
        new.idle_timeout_s = 1200;
        let saved = save(&paths, &new, Some(&preset)).unwrap();
        assert_eq!((saved.idle_timeout_s, saved.compact), (1200, true));

        // A value that came from the preset and was left alone is not written down,
        // so the MSP can still change it later.
        std::fs::write(paths.config_file(), "").unwrap();
        let mut new = load(&paths, Some(&preset)).unwrap();
        assert_eq!(new.idle_timeout_s, 900);
        new.log_level = LogLevel::Debug;
        save(&paths, &new, Some(&preset)).unwrap();
        let written = std::fs::read_to_string(paths.config_file()).unwrap();
        assert!(!written.contains("idle_timeout_s"), "{written}");
        assert!(!written.contains("compact"), "{written}");
        assert!(written.contains("log_level"), "{written}");
    }

    #[test]
    fn the_daily_check_is_on_by_default_and_a_preset_can_lock_it() {
        let home = tempfile::tempdir().unwrap();
        let paths = Paths::under(home.path());
        assert!(load(&paths, None).unwrap().check_updates_daily);
        let preset: Preset = toml::from_str(
            "locked = [\"updates.check_daily\"]\n[msp]\nname = \"Acme IT\"\n[updates]\ncheck_daily = false\nchannel = \"beta\"\n",
        )
        .unwrap();
        let now = load(&paths, Some(&preset)).unwrap();
        assert!(!now.check_updates_daily);
        let err = save(
            &paths,
            &Settings {
                check_updates_daily: true,
                ..now.clone()
            },
            Some(&preset),
        )
        .unwrap_err();
        assert!(err.to_string().contains("Acme IT"), "{err}");
        assert!(!paths.config_file().exists(), "nothing is written");
        let config = effective_config(&paths, Some(&preset)).unwrap();
        assert_eq!(config.app.update_channel.as_deref(), Some("beta"));
    }

    #[test]
    fn a_channel_names_the_built_in_endpoint_path() {
        let builtin = "https://releases.example/desktop/stable/latest.json";
        assert_eq!(
            endpoint_for_channel(builtin, Some("beta")),
            "https://releases.example/desktop/beta/latest.json"
        );
        assert_eq!(endpoint_for_channel(builtin, None), builtin);
        assert_eq!(endpoint_for_channel(builtin, Some("stable")), builtin);
        // An unknown channel (a hand-edited config) keeps the stable one.
        assert_eq!(endpoint_for_channel(builtin, Some("../x")), builtin);
    }
}

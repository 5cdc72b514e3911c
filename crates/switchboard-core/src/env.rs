//! Every environment variable Switchboard reads, as documented constants.
//!
//! Code elsewhere names these constants, never the strings, so this file is the
//! complete reference (it is also summarised in README.md).

/// Re-roots every directory Switchboard owns (config, data, cache, logs, runtime).
/// Used by tests and portable installs. When set, keychain entries are also put in a
/// namespace derived from this path, so a test run can never touch a user's items.
pub const HOME: &str = "SWITCHBOARD_HOME";

/// Prefix of the per-vendor probe base override: `SWITCHBOARD_PROBE_BASE_<SLUG>`,
/// slug upper-cased with `-` turned into `_`. Points a vendor's probe at another base
/// URL, such as a local fake or a proxy.
pub const PROBE_BASE_PREFIX: &str = "SWITCHBOARD_PROBE_BASE_";

/// Overrides the probe timeout, in milliseconds (default 10 000). For tests and for
/// very slow links.
pub const PROBE_TIMEOUT_MS: &str = "SWITCHBOARD_PROBE_TIMEOUT_MS";

/// Overrides the keychain namespace (the prefix of every keychain service name).
/// Normally derived from the build and `SWITCHBOARD_HOME`; see `vault::Namespace`.
pub const KEYCHAIN_NAMESPACE: &str = "SWITCHBOARD_KEYCHAIN_NAMESPACE";

/// Log filter for the CLI and app, in `tracing_subscriber::EnvFilter` syntax.
pub const LOG: &str = "SWITCHBOARD_LOG";

/// Where the app finds the `switchboard` program (tests, unusual installs).
pub const CLI: &str = "SWITCHBOARD_CLI";

/// Where the tray finds the window program, `switchboard-app`.
pub const APP: &str = "SWITCHBOARD_APP";

/// Where the app's launcher finds the tray program, `switchboard-tray`.
pub const TRAY: &str = "SWITCHBOARD_TRAY";

/// Browser command used to open the gateway sign-in page.
pub const BROWSER: &str = "BROWSER";

/// A preset file to read when the platform's place (on Linux
/// `/etc/switchboard/preset.toml`) holds none: for tests and for trying a preset
/// out. It never overrides an MSP's preset.
pub const PRESET: &str = "SWITCHBOARD_PRESET";

/// The name of the probe override variable for a vendor slug.
pub fn probe_base_var(slug: &str) -> String {
    format!(
        "{PROBE_BASE_PREFIX}{}",
        slug.to_ascii_uppercase().replace('-', "_")
    )
}

/// `1`: the daemon skips the tool policy and the audit record, and says so in its log
/// at start. Only for `scripts/bench`, which measures what they cost against the same
/// call without them; never set it on a technician's computer.
pub const UNGUARDED: &str = "SWITCHBOARD_UNGUARDED";

#[cfg(test)]
mod tests {
    #[test]
    fn probe_base_var_upper_cases_and_replaces_dashes() {
        assert_eq!(
            super::probe_base_var("datto-rmm"),
            "SWITCHBOARD_PROBE_BASE_DATTO_RMM"
        );
        assert_eq!(
            super::probe_base_var("connectwise-psa"),
            "SWITCHBOARD_PROBE_BASE_CONNECTWISE_PSA"
        );
    }
}

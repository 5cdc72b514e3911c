//! The wall clock, as the files Switchboard writes record it.

/// Now, as RFC 3339 in UTC to the second (`2026-12-03T08:14:04Z`).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

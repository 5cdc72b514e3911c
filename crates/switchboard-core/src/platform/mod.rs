//! The few OS-specific facts no crate gives us. One file per OS, same free functions
//! (`unix.rs` is shared by the Unix-like ones). This folder and `vault/keyring.rs` are
//! the only places with `cfg(target_os)`.

#[cfg_attr(target_os = "linux", path = "linux.rs")]
#[cfg_attr(target_os = "macos", path = "macos.rs")]
#[cfg_attr(target_os = "windows", path = "windows.rs")]
#[cfg_attr(
    not(any(target_os = "linux", target_os = "macos", target_os = "windows")),
    path = "other.rs"
)]
mod imp;

#[cfg(unix)]
mod unix;

pub use imp::*;

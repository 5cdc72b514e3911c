//! Other Unix-likes (the BSDs, say): the same XDG layout and the same community
//! Claude Desktop builds as Linux, so Linux's facts are used as they are.

#[path = "linux.rs"]
mod linux;

pub use linux::*;

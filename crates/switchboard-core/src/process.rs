//! Which programs run, and how much memory they hold: the seam behind the "Claude
//! Desktop is running" warnings (real: the OS process table via sysinfo; fake: any
//! `ProcessList` a test writes) and the daemon's per-server memory figure.

use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System};

pub trait ProcessList: Send + Sync {
    /// The names in `names` that some running process has (exact match).
    fn running(&self, names: &[&str]) -> Vec<String>;
}

/// The real process table.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemProcesses;

impl ProcessList for SystemProcesses {
    fn running(&self, names: &[&str]) -> Vec<String> {
        if names.is_empty() {
            return Vec::new();
        }
        let mut system = System::new();
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing(),
        );
        let mut found: Vec<String> = system
            .processes()
            .values()
            .filter_map(|p| {
                let name = p.name().to_string_lossy();
                names.contains(&name.as_ref()).then(|| name.into_owned())
            })
            .collect();
        found.sort();
        found.dedup();
        found
    }
}

/// Resident memory (bytes) of each of `pids` that is still running.
pub fn resident_memory(pids: &[u32]) -> std::collections::HashMap<u32, u64> {
    if pids.is_empty() {
        return Default::default();
    }
    let wanted: Vec<sysinfo::Pid> = pids.iter().map(|p| sysinfo::Pid::from_u32(*p)).collect();
    let mut system = System::new();
    system.refresh_processes_specifics(
        ProcessesToUpdate::Some(&wanted),
        true,
        ProcessRefreshKind::nothing().with_memory(),
    );
    wanted
        .iter()
        .filter_map(|pid| Some((pid.as_u32(), system.process(*pid)?.memory())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_memory() {
        let me = std::process::id();
        let found = resident_memory(&[me, u32::MAX - 7]);
        assert!(found[&me] > 1_000_000, "{found:?}");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn finds_this_test_process_by_name_and_not_a_made_up_one() {
        let exe = std::env::current_exe().unwrap();
        let me = exe.file_name().unwrap().to_string_lossy().into_owned();
        // Process names are cut to 15 bytes on Linux.
        let short: String = me.chars().take(15).collect();
        let found = SystemProcesses.running(&[me.as_str(), short.as_str(), "no-such-program-xyz"]);
        assert!(!found.is_empty(), "{me}");
        assert!(!found.iter().any(|n| n == "no-such-program-xyz"));
    }
}

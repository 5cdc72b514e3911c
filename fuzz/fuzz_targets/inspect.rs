//! Any bytes as a `.mcpb`: inspection (signature block, zip, manifest, findings) must
//! never panic, and never read more than its limits allow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_core::bundle::archive::Limits;
use switchboard_core::bundle::inspect::inspect_with;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_total_bytes: 8 * 1024 * 1024,
        ..Limits::default()
    };
    let mut seen: u64 = 0;
    let inspection = inspect_with(data, limits, |info, contents| {
        assert_eq!(info.size, contents.len() as u64);
        seen += info.size;
        Ok(())
    });
    assert!(seen <= limits.max_total_bytes);
    // Usable means a manifest was read and nothing was an error.
    if inspection.ok {
        assert!(inspection.manifest.is_some());
    }
});

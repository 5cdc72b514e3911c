use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::catalog::Catalog;

fn vendor(slug: &str) -> Vendor {
    Catalog::builtin().unwrap().get(slug).unwrap().clone()
}

fn setup() -> (tempfile::TempDir, Arc<MemoryStore>, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let store = Arc::new(MemoryStore::new());
    let vault = Vault::new(store.clone(), Namespace::detect(&paths), &paths);
    (dir, store, vault)
}

fn datto_creds() -> Credentials {
    let mut c = Credentials::default();
    c.plain.insert("platform".into(), "merlot".into());
    c.secrets
        .insert("api_key".into(), Secret::from("KEY-aaaa-1111"));
    c.secrets
        .insert("api_secret".into(), Secret::from("SECRET-bbbb-2222"));
    c
}

#[tokio::test]
async fn save_then_load_round_trips_and_the_index_holds_no_secret() {
    let (dir, store, vault) = setup();
    let datto = vendor("datto-rmm");
    vault.save(&datto, datto_creds(), None).await.unwrap();

    let loaded = vault.load(&datto).await.unwrap();
    assert_eq!(loaded.plain["platform"], "merlot");
    assert_eq!(loaded.secrets["api_key"].expose(), "KEY-aaaa-1111");
    assert_eq!(loaded.secrets["api_secret"].expose(), "SECRET-bbbb-2222");

    let service = vault.namespace().service("datto-rmm");
    assert_eq!(
        store.keys(),
        vec![
            (service.clone(), "api_key".into()),
            (service, "api_secret".into())
        ]
    );
    let index = std::fs::read_to_string(dir.path().join("config/connections.json")).unwrap();
    assert!(
        index.contains("merlot"),
        "plain values are indexed: {index}"
    );
    assert!(
        !index.contains("KEY-aaaa") && !index.contains("SECRET-bbbb"),
        "{index}"
    );
}

#[tokio::test]
async fn a_failed_keychain_write_undoes_earlier_writes_and_leaves_the_index_alone() {
    let (dir, store, vault) = setup();
    let datto = vendor("datto-rmm");
    store.fail_sets_after(1, StoreError::TooLarge { limit: 2560 });
    let err = vault.save(&datto, datto_creds(), None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::SecretTooLarge);
    assert!(
        store.keys().is_empty(),
        "the first secret was removed again"
    );
    assert!(!dir.path().join("config/connections.json").exists());
}

#[tokio::test]
async fn a_corrupt_index_is_never_overwritten_and_nothing_reaches_the_keychain() {
    let (dir, store, vault) = setup();
    let path = dir.path().join("config/connections.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let garbage = b"{ \"version\": 1, \"vendors\": { oops";
    std::fs::write(&path, garbage).unwrap();

    let err = vault
        .save(&vendor("hudu"), Credentials::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConfigCorrupt);
    assert!(err.hint().unwrap().contains("untouched"));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    assert!(store.keys().is_empty());
    assert_eq!(
        vault.remove(&vendor("hudu")).await.unwrap_err().code(),
        ErrorCode::ConfigCorrupt
    );
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[tokio::test]
async fn remove_deletes_every_catalog_secret_even_without_an_index_entry() {
    let (_dir, store, vault) = setup();
    let datto = vendor("datto-rmm");
    let service = vault.namespace().service("datto-rmm");
    for key in ["api_key", "api_secret"] {
        store
            .set(&service, key, "stray", &Secret::from("stray-value"))
            .unwrap();
    }
    let removed = vault.remove(&datto).await.unwrap();
    assert_eq!(
        removed,
        Removed {
            was_indexed: false,
            keychain_items: 2
        }
    );
    assert!(store.keys().is_empty());
}

#[tokio::test]
async fn reconnecting_with_fewer_secrets_deletes_the_stale_ones() {
    let (_dir, store, vault) = setup();
    let itglue = vendor("itglue");
    let mut creds = Credentials::default();
    creds
        .secrets
        .insert("api_key".into(), Secret::from("ITG.one"));
    creds
        .secrets
        .insert("jwt".into(), Secret::from("jwt-value"));
    vault.save(&itglue, creds, None).await.unwrap();
    let mut creds = Credentials::default();
    creds
        .secrets
        .insert("api_key".into(), Secret::from("ITG.two"));
    vault.save(&itglue, creds, None).await.unwrap();
    let accounts: Vec<String> = store.keys().into_iter().map(|(_, a)| a).collect();
    assert_eq!(accounts, ["api_key"]);
    assert_eq!(
        vault.load(&itglue).await.unwrap().secrets["api_key"].expose(),
        "ITG.two"
    );
}

#[tokio::test]
async fn a_locked_keychain_reports_keychain_unavailable_with_a_hint() {
    let (_dir, store, vault) = setup();
    store.fail_with(StoreError::Unavailable("collection is locked".into()));
    let err = vault.check_keychain().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(err.to_string().contains("collection is locked"));
    assert!(err.hint().is_some());
}

#[tokio::test]
async fn a_missing_keychain_item_is_reported_as_not_connected() {
    let (_dir, store, vault) = setup();
    let datto = vendor("datto-rmm");
    vault.save(&datto, datto_creds(), None).await.unwrap();
    store
        .delete(&vault.namespace().service("datto-rmm"), "api_secret")
        .unwrap();
    let err = vault.load(&datto).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotConnected);
    assert!(err.to_string().contains("api_secret"));
}

/// A store whose calls block until the test ends: an unanswered unlock prompt.
struct HangingStore(std::sync::Mutex<std::sync::mpsc::Receiver<()>>);

impl SecretStore for HangingStore {
    fn describe(&self) -> String {
        "hanging store".into()
    }
    fn set(&self, _: &str, _: &str, _: &str, _: &Secret<String>) -> Result<(), StoreError> {
        let _ = self.0.lock().unwrap().recv();
        Ok(())
    }
    fn get(&self, _: &str, _: &str) -> Result<Option<Secret<String>>, StoreError> {
        let _ = self.0.lock().unwrap().recv();
        Ok(None)
    }
    fn delete(&self, _: &str, _: &str) -> Result<bool, StoreError> {
        Ok(false)
    }
}

#[tokio::test]
async fn a_keychain_that_never_answers_times_out_as_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let (tx, rx) = std::sync::mpsc::channel();
    let vault = Vault::new(
        Arc::new(HangingStore(std::sync::Mutex::new(rx))),
        Namespace::new("t"),
        &paths,
    )
    .with_timeout(Duration::from_millis(100));
    let err = vault.check_keychain().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(err.to_string().contains("did not answer"), "{err}");
    drop(tx);
}

#[test]
fn namespaces_separate_test_homes_from_each_other_and_from_real_users() {
    let a = Namespace::detect(&Paths::under(std::path::Path::new("/tmp/a")));
    let b = Namespace::detect(&Paths::under(std::path::Path::new("/tmp/b")));
    assert!(a.as_str().starts_with("switchboard-home-"), "{a:?}");
    assert_ne!(a, b);
    assert_eq!(
        a,
        Namespace::detect(&Paths::under(std::path::Path::new("/tmp/a")))
    );
    assert_ne!(a.as_str(), "switchboard");
    assert_eq!(a.service("hudu"), format!("{}:hudu", a.as_str()));
}

#[test]
fn windows_size_limit_counts_utf16_bytes() {
    let limit = Some(WINDOWS_MAX_SECRET_BYTES);
    assert!(check_value_size(&"a".repeat(1280), limit).is_ok());
    assert_eq!(
        check_value_size(&"a".repeat(1281), limit),
        Err(StoreError::TooLarge { limit: 2560 })
    );
    assert!(check_value_size(&"a".repeat(100_000), None).is_ok());
    let err = VaultError::from_store("s", "api_key", StoreError::TooLarge { limit: 2560 });
    assert_eq!(err.code(), ErrorCode::SecretTooLarge);
    assert!(err.to_string().contains("api_key"));
}

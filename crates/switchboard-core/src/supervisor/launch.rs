//! Turning a vendor into something to run: a command with its environment, or a URL.
//!
//! Sources, in order: the user's override in `config.toml` (`vendors launch`), a custom
//! server (`servers add`), the catalog. Programs are looked up on PATH and in the places
//! Node version managers and installers put them (nvm, volta, fnm, Homebrew, Program
//! Files), because Claude Desktop starts us with a minimal PATH. A missing runtime is
//! an error that says what to install, never a bare "No such file or directory".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::catalog::{LocalLaunch, Vendor};
use crate::code::{Coded, ErrorCode, Surface};
use crate::config::{Config, LaunchOverride};
use crate::platform;
pub use crate::status::LaunchSource;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Stdio {
        program: PathBuf,
        args: Vec<String>,
        /// Fixed environment (not the credentials).
        env: BTreeMap<String, String>,
    },
    Http {
        url: url::Url,
    },
    /// The hosted gateway's MCP endpoint, with the sign-in's bearer token.
    Gateway {
        endpoint: url::Url,
    },
    /// An imported bundle: its command, with `user_config` filled in at each start.
    Bundle {
        program: PathBuf,
        launch: Box<crate::bundle::vars::BundleLaunch>,
        /// Fixed environment from the catalog entry (not the credentials).
        env: BTreeMap<String, String>,
        /// Tied to a catalog vendor: its credential fields go in the environment too.
        catalog_fields: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub plan: Plan,
    pub source: LaunchSource,
    /// Identifies this launch spec for the tool cache (no secrets in it).
    pub key: String,
}

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    #[error("`{program}` was not found, so {vendor}'s server cannot start; it needs {runtime}")]
    RuntimeMissing {
        vendor: String,
        program: String,
        runtime: String,
        searched: Vec<PathBuf>,
    },
    #[error("`{program}` was not found, so {vendor}'s server cannot start")]
    ProgramMissing { vendor: String, program: String },
    #[error("{vendor}'s server is distributed as a bundle that is not installed yet")]
    BundleNotInstalled {
        vendor: String,
        slug: String,
        url: Option<String>,
    },
    #[error("{vendor}'s imported bundle cannot run: {why}")]
    BundleBroken {
        vendor: String,
        slug: String,
        why: String,
    },
    #[error("{vendor}'s launch URL `{url}` is not an http(s) URL")]
    BadUrl { vendor: String, url: String },
    #[error("not signed in to a team gateway ({0})")]
    NotSignedIn(String),
}

impl Coded for LaunchError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::RuntimeMissing { .. } => ErrorCode::RuntimeMissing,
            Self::NotSignedIn(_) => ErrorCode::NotSignedIn,
            _ => ErrorCode::LaunchFailed,
        }
    }

    fn hint_for(&self, surface: Surface) -> Option<String> {
        // The window has no bundle import or launch override yet: it names the
        // terminal command, as a terminal command.
        let terminal = |cmd: String| match surface {
            Surface::Cli => cmd,
            Surface::Window => format!("in a terminal, {cmd}"),
        };
        Some(match self {
            Self::RuntimeMissing {
                runtime, searched, ..
            } => format!(
                "install {}, then try again. Looked on PATH and in: {}",
                install_advice(runtime),
                searched
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::ProgramMissing { program, .. } => {
                format!("check the command, or give its full path instead of `{program}`")
            }
            Self::BundleNotInstalled {
                slug,
                url: Some(url),
                ..
            } => terminal(format!(
                "download {url} and run `switchboard bundle import <file>`; or run it another way: `switchboard vendors launch {slug} -- <command>` or `--http <url>`"
            )),
            Self::BundleNotInstalled { slug, .. } => terminal(format!(
                "import it again with `switchboard bundle import <file> --vendor {slug}`"
            )),
            Self::BundleBroken { slug, .. } => terminal(format!(
                "import it again with `switchboard bundle import <file> --vendor {slug}`, or `switchboard vendors launch {slug} -- <command>`"
            )),
            Self::BadUrl { .. } => "give a URL like http://127.0.0.1:8080/mcp".to_owned(),
            Self::NotSignedIn(_) => match surface {
                Surface::Cli => "sign in with `switchboard login`".to_owned(),
                Surface::Window => "sign in on the Team page, or from the tray".to_owned(),
            },
        })
    }
}

/// One of Switchboard's own programs (`stem` plus the OS's suffix): the path in the
/// environment variable `env` if set, else the one beside the running program (how
/// they are shipped), else on `PATH`. When none exists the path beside the running
/// program is returned, and starting it reports that it is missing.
pub fn sibling_program(env: &str, stem: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return PathBuf::from(p);
    }
    let name = format!("{stem}{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| installed_path(&exe).parent().map(|d| d.join(&name)));
    if let Some(beside) = beside.as_ref().filter(|p| p.is_file()) {
        return beside.clone();
    }
    ProgramFinder::from_env()
        .find(&name)
        .or(beside)
        .unwrap_or_else(|| PathBuf::from(name))
}

/// Replaces this process with `cmd`: the same pid where the OS can (exec), else a new
/// process and this one ends. Returns only when that failed.
pub fn replace_process(cmd: &mut std::process::Command) -> std::io::Error {
    platform::replace_process(cmd)
}

/// A running program's path on disk. After a package manager replaced the file,
/// Linux names the running one `… (deleted)`; the new one is at the path without it.
pub fn installed_path(exe: &Path) -> PathBuf {
    let text = exe.to_string_lossy();
    match text.strip_suffix(" (deleted)") {
        Some(path) => PathBuf::from(path),
        None => exe.to_path_buf(),
    }
}

/// Finds programs on PATH and in the usual install places.
#[derive(Debug, Clone)]
pub struct ProgramFinder {
    dirs: Vec<PathBuf>,
}

impl ProgramFinder {
    /// PATH, then the known places for this OS.
    pub fn from_env() -> Self {
        let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        if let Some(base) = directories::BaseDirs::new() {
            dirs.extend(platform::runtime_search_dirs(&base));
        }
        Self::with_dirs(dirs)
    }

    pub fn with_dirs(dirs: Vec<PathBuf>) -> Self {
        let mut unique: Vec<PathBuf> = Vec::new();
        for d in dirs {
            if !d.as_os_str().is_empty() && !unique.contains(&d) {
                unique.push(d);
            }
        }
        Self { dirs: unique }
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    pub fn find(&self, program: &str) -> Option<PathBuf> {
        let p = Path::new(program);
        if p.components().count() > 1 || p.is_absolute() {
            return p.is_file().then(|| p.to_owned());
        }
        let joined = std::env::join_paths(&self.dirs).ok()?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        which::which_in(program, Some(joined), cwd).ok()
    }
}

/// The runtime a well-known launcher belongs to.
/// How to get a runtime, for the hint.
fn install_advice(runtime: &str) -> &'static str {
    match runtime {
        "Node.js" => "Node.js 20 or newer (https://nodejs.org, or with nvm, volta or Homebrew)",
        "uv" => "uv (https://docs.astral.sh/uv)",
        "Python 3" => "Python 3 (https://www.python.org)",
        "Docker" => "Docker (https://docs.docker.com/get-docker)",
        _ => "it",
    }
}

fn runtime_of(program: &str) -> Option<&'static str> {
    match program {
        "node" | "npx" | "npm" => Some("Node.js"),
        "uv" | "uvx" => Some("uv"),

        "python" | "python3" => Some("Python 3"),
        "docker" => Some("Docker"),
        _ => None,
    }
}

fn program(vendor: &Vendor, finder: &ProgramFinder, name: &str) -> Result<PathBuf, LaunchError> {
    finder.find(name).ok_or_else(|| match runtime_of(name) {
        Some(runtime) => LaunchError::RuntimeMissing {
            vendor: vendor.name.clone(),
            program: name.to_owned(),
            runtime: runtime.to_owned(),
            searched: finder.dirs().to_vec(),
        },
        None => LaunchError::ProgramMissing {
            vendor: vendor.name.clone(),
            program: name.to_owned(),
        },
    })
}

/// The plan for a bundle imported for `vendor`.
fn bundle_plan(
    vendor: &Vendor,
    installed: Result<crate::bundle::import::Installed, crate::bundle::import::Unreadable>,
    finder: &ProgramFinder,
) -> Result<Plan, LaunchError> {
    let broken = |why: String| LaunchError::BundleBroken {
        vendor: vendor.name.clone(),
        slug: vendor.slug.clone(),
        why,
    };
    let installed = installed.map_err(|e| broken(e.to_string()))?;
    let launch = installed
        .launch(vendor)
        .map_err(|e| broken(e.to_string()))?;
    let command = Path::new(&launch.command);
    let program = if command.is_absolute() {
        if !command.is_file() {
            return Err(broken(format!(
                "`{}` is missing from the bundle",
                launch.command
            )));
        }
        command.to_owned()
    } else {
        program(vendor, finder, &launch.command)?
    };
    Ok(Plan::Bundle {
        program,
        catalog_fields: installed.record.binding == crate::bundle::import::Binding::Catalog,
        launch: Box::new(launch),
        env: vendor.launch.env.clone(),
    })
}

/// Decides how to run `vendor`: its override, else its imported bundle, else the
/// catalog's launch. `bundles` is where imported bundles live.
pub fn resolve(
    vendor: &Vendor,
    config: &Config,
    finder: &ProgramFinder,
    bundles: &Path,
) -> Result<Launch, LaunchError> {
    let fixed = vendor.launch.env.clone();
    let override_ = config
        .vendors
        .get(&vendor.slug)
        .and_then(|v| v.launch.as_ref());
    let is_custom = config.servers.contains_key(&vendor.slug);
    let imported = match override_ {
        None => crate::bundle::import::installed(bundles, &vendor.slug),
        Some(_) => None,
    };
    let (plan, source) = match override_ {
        Some(LaunchOverride::Http { http }) => {
            let url = url::Url::parse(http)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| LaunchError::BadUrl {
                    vendor: vendor.name.clone(),
                    url: http.clone(),
                })?;
            (Plan::Http { url }, LaunchSource::Http)
        }
        Some(LaunchOverride::Command { command, args, env }) => {
            let mut all_env = fixed;
            all_env.extend(env.clone());
            (
                Plan::Stdio {
                    program: program(vendor, finder, command)?,
                    args: args.clone(),
                    env: all_env,
                },
                LaunchSource::Override,
            )
        }
        None if imported.is_some() => {
            let installed = imported.expect("checked just above");
            (
                bundle_plan(vendor, installed, finder)?,
                LaunchSource::Bundle,
            )
        }
        None => {
            let source = if is_custom {
                LaunchSource::Custom
            } else {
                LaunchSource::Catalog
            };
            let plan = match &vendor.launch.local {
                LocalLaunch::Npx { package } => Plan::Stdio {
                    program: program(vendor, finder, "npx")?,
                    args: vec!["-y".to_owned(), package.clone()],
                    env: fixed,
                },
                LocalLaunch::Command { command, args } => Plan::Stdio {
                    program: program(vendor, finder, command)?,
                    args: args.clone(),
                    env: fixed,
                },
                LocalLaunch::Mcpb { url } => {
                    return Err(LaunchError::BundleNotInstalled {
                        vendor: vendor.name.clone(),
                        slug: vendor.slug.clone(),
                        url: Some(url.clone()),
                    });
                }
                LocalLaunch::Bundle => {
                    return Err(LaunchError::BundleNotInstalled {
                        vendor: vendor.name.clone(),
                        slug: vendor.slug.clone(),
                        url: None,
                    });
                }
            };
            (plan, source)
        }
    };
    let key = launch_key(&vendor.slug, &plan);
    Ok(Launch { plan, source, key })
}

/// How to run the team gateway: its endpoint, from the sign-in.
pub fn gateway(paths: &crate::paths::Paths) -> Result<Launch, LaunchError> {
    let signin = crate::gateway::store::read(paths)
        .map_err(|e| LaunchError::NotSignedIn(e.to_string()))?
        .ok_or_else(|| LaunchError::NotSignedIn("no sign-in is stored".into()))?;
    let endpoint = url::Url::parse(&signin.endpoint)
        .map_err(|_| LaunchError::NotSignedIn(format!("`{}` is not a URL", signin.endpoint)))?;
    let plan = Plan::Gateway { endpoint };
    let key = launch_key(crate::gateway::SLUG, &plan);
    Ok(Launch {
        plan,
        source: LaunchSource::Gateway,
        key,
    })
}

fn launch_key(slug: &str, plan: &Plan) -> String {
    let mut h = Sha256::new();
    h.update(slug.as_bytes());
    match plan {
        Plan::Stdio { program, args, env } => {
            h.update(b"\0stdio\0");
            h.update(program.to_string_lossy().as_bytes());
            for a in args {
                h.update(b"\0");
                h.update(a.as_bytes());
            }
            for (k, v) in env {
                h.update(format!("\0{k}={v}").as_bytes());
            }
        }
        Plan::Http { url } => {
            h.update(b"\0http\0");
            h.update(url.as_str().as_bytes());
        }
        Plan::Gateway { endpoint } => {
            h.update(b"\0gateway\0");
            h.update(endpoint.as_str().as_bytes());
        }
        Plan::Bundle {
            program, launch, ..
        } => {
            h.update(b"\0bundle\0");
            h.update(program.to_string_lossy().as_bytes());
            for a in &launch.args {
                h.update(b"\0");
                h.update(a.as_bytes());
            }
            // A re-import replaces the files: a new manifest means new tools maybe.
            if let Ok(m) = std::fs::read(launch.dir.join("manifest.json")) {
                h.update(Sha256::digest(m));
            }
        }
    }
    hex::encode(&h.finalize()[..12])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::config::{CustomServer, VendorSettings};

    fn finder_with(dir: &Path, programs: &[&str]) -> ProgramFinder {
        for p in programs {
            let path = dir.join(p);
            std::fs::write(&path, "#!/bin/sh\n").unwrap();
            crate::platform::make_executable(&path).unwrap();
        }
        ProgramFinder::with_dirs(vec![dir.to_owned()])
    }

    #[test]
    fn npx_launches_resolve_through_the_finder_and_say_what_to_install_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let mut catalog = Catalog::builtin().unwrap();
        let hudu = catalog.get("hudu").unwrap().clone();
        let missing = resolve(
            &hudu,
            &Config::default(),
            &finder_with(dir.path(), &[]),
            Path::new("/nonexistent"),
        )
        .unwrap_err();
        assert_eq!(missing.code(), ErrorCode::RuntimeMissing);
        assert!(
            missing.to_string().contains("`npx` was not found")
                && missing.to_string().contains("Node.js"),
            "{missing}"
        );
        assert!(
            missing
                .hint()
                .unwrap()
                .contains("Node.js 20 or newer (https://nodejs.org"),
            "{:?}",
            missing.hint()
        );

        let launch = resolve(
            &hudu,
            &Config::default(),
            &finder_with(dir.path(), &["npx"]),
            Path::new("/nonexistent"),
        )
        .unwrap();
        assert_eq!(launch.source, LaunchSource::Catalog);
        match launch.plan {
            Plan::Stdio { program, args, env } => {
                assert_eq!(program, dir.path().join("npx"));
                assert_eq!(args, ["-y", "hudu-mcp"]);
                assert_eq!(env["MCP_TRANSPORT"], "stdio");
            }
            other => panic!("{other:?}"),
        }
        let _ = &mut catalog;
    }

    #[test]
    fn overrides_win_and_change_the_cache_key() {
        let dir = tempfile::tempdir().unwrap();
        let finder = finder_with(dir.path(), &["npx", "my-server"]);
        let hudu = Catalog::builtin().unwrap().get("hudu").unwrap().clone();
        let base = resolve(
            &hudu,
            &Config::default(),
            &finder,
            Path::new("/nonexistent"),
        )
        .unwrap();
        let mut config = Config::default();
        config.vendors.insert(
            "hudu".into(),
            VendorSettings {
                launch: Some(LaunchOverride::Command {
                    command: "my-server".into(),
                    args: vec!["--x".into()],
                    env: Default::default(),
                }),
                source: None,
            },
        );
        let over = resolve(&hudu, &config, &finder, Path::new("/nonexistent")).unwrap();
        assert_eq!(over.source, LaunchSource::Override);
        assert_ne!(over.key, base.key);
        config.vendors.insert(
            "hudu".into(),
            VendorSettings {
                launch: Some(LaunchOverride::Http {
                    http: "http://127.0.0.1:9/mcp".into(),
                }),
                source: None,
            },
        );
        assert_eq!(
            resolve(&hudu, &config, &finder, Path::new("/nonexistent"))
                .unwrap()
                .source,
            LaunchSource::Http
        );
        config.vendors.insert(
            "hudu".into(),
            VendorSettings {
                launch: Some(LaunchOverride::Http {
                    http: "ftp://x".into(),
                }),
                source: None,
            },
        );
        assert!(resolve(&hudu, &config, &finder, Path::new("/nonexistent")).is_err());
    }

    #[test]
    fn bundles_are_not_runnable_until_installed() {
        let datto = Catalog::builtin()
            .unwrap()
            .get("datto-rmm")
            .unwrap()
            .clone();
        let err = resolve(
            &datto,
            &Config::default(),
            &ProgramFinder::with_dirs(vec![]),
            Path::new("/nonexistent"),
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::LaunchFailed);
        assert!(
            err.hint()
                .unwrap()
                .contains("switchboard vendors launch datto-rmm")
        );
    }

    #[test]
    fn custom_servers_are_sourced_as_custom() {
        let dir = tempfile::tempdir().unwrap();
        let finder = finder_with(dir.path(), &["tool-server"]);
        let mut config = Config::default();
        config.servers.insert(
            "mine".into(),
            CustomServer {
                command: "tool-server".into(),
                args: vec![],
                env: Default::default(),
                secret_env: vec!["TOKEN".into()],
            },
        );
        let mut catalog = Catalog::builtin().unwrap();
        assert!(crate::sources::add_custom_servers(&mut catalog, &config).is_empty());
        let mine = catalog.get("mine").unwrap().clone();
        assert_eq!(mine.fields[0].env, "TOKEN");
        assert!(mine.fields[0].secret);
        assert_eq!(
            resolve(&mine, &config, &finder, Path::new("/nonexistent"))
                .unwrap()
                .source,
            LaunchSource::Custom
        );
    }
}

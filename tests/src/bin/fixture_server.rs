//! A small MCP server built on rmcp, for tests and benchmarks. It misbehaves on request.
//!
//! Flags: `--name <n>`, `--server-version <v>`, `--crash-after <calls>` (exit in the
//! middle of that call), `--slow-start <ms>`, `--stderr-lines <n>` (written at start),
//! `--extra-tools <n>`, `--pid-file <path>`, `--tools-file <path>` (serve also the tools
//! of a JSON array of `{name, description, inputSchema}`: a real vendor's list from
//! `tests/fixtures/tools/`; a call answers with the tool's name).
//! Tools: echo, add, env, progress, slow, hang, crash, garbage, huge, stderr,
//! add_tool (adds a tool and sends tools/list_changed), long-named ones.
#![allow(clippy::print_stderr)]

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, Prompt, PromptMessage,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, Role, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Value, json};

#[derive(Clone)]
struct Fixture {
    name: String,
    version: String,
    crash_after: Option<u64>,
    calls: Arc<AtomicU64>,
    extra: Arc<Mutex<Vec<String>>>,
    /// Tools from `--tools-file`, as listed.
    listed: Arc<Vec<Tool>>,
}

fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn tool(name: &str, description: &str, schema: Value) -> Tool {
    let Value::Object(schema) = schema else {
        unreachable!()
    };
    Tool::new(name.to_owned(), description.to_owned(), Arc::new(schema))
}

fn no_args() -> Value {
    json!({ "type": "object", "properties": {} })
}

fn text(s: impl Into<String>) -> CallToolResponse {
    CallToolResult::success(vec![ContentBlock::text(s.into())]).into()
}

impl Fixture {
    fn tools(&self) -> Vec<Tool> {
        let mut tools = vec![
            tool(
                "echo",
                "Echo the text back",
                json!({ "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"] }),
            ),
            tool(
                "add",
                "Add two numbers",
                json!({ "type": "object", "properties": { "a": { "type": "number" }, "b": { "type": "number" } } }),
            ),
            tool(
                "env",
                "Read an environment variable of the server",
                json!({ "type": "object", "properties": { "name": { "type": "string" } } }),
            ),
            tool(
                "progress",
                "Report progress in steps, then finish",
                json!({ "type": "object", "properties": { "steps": { "type": "integer" } } }),
            ),
            tool(
                "slow",
                "Answer after a delay",
                json!({ "type": "object", "properties": { "ms": { "type": "integer" } } }),
            ),
            tool(
                "busy",
                "Report progress once (\"started\"), then answer after a delay",
                json!({ "type": "object", "properties": { "ms": { "type": "integer" } } }),
            ),
            tool("hang", "Never answer", no_args()),
            tool(
                "headers",
                "The HTTP request headers this call came with (HTTP mode)",
                no_args(),
            ),
            tool("crash", "Exit the server at once", no_args()),
            tool(
                "garbage",
                "Write something that is not JSON-RPC to stdout",
                no_args(),
            ),
            tool(
                "huge",
                "Answer with a very long text",
                json!({ "type": "object", "properties": { "bytes": { "type": "integer" } } }),
            ),
            tool(
                "stderr",
                "Write lines to stderr",
                json!({ "type": "object", "properties": { "lines": { "type": "integer" }, "text": { "type": "string" } } }),
            ),
            tool(
                "add_tool",
                "Add a tool and announce the change",
                json!({ "type": "object", "properties": { "name": { "type": "string" } } }),
            ),
            tool(
                &format!("a_tool_with_a_very_long_name_{}", "x".repeat(50)),
                "A tool whose name is too long to prefix",
                no_args(),
            ),
            // Annotated tools, for the tool policy: one that says it destroys, one that
            // says it only reads.
            tool(
                "wipe",
                "Erase a device (destructive; answers with what it would erase)",
                json!({ "type": "object", "properties": { "device": { "type": "string" }, "password": { "type": "string" } } }),
            )
            .annotate(ToolAnnotations::new().destructive(true)),
            tool("peek", "Read a value (read-only)", no_args())
                .annotate(ToolAnnotations::new().read_only(true)),
        ];
        for name in self.extra.lock().unwrap().iter() {
            tools.push(tool(name, "An added tool", no_args()));
        }
        tools.extend(self.listed.iter().cloned());
        tools
    }
}

impl ServerHandler for Fixture {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .enable_prompts()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new(self.name.clone(), self.version.clone()))
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult {
            tools: self.tools(),
            ..Default::default()
        })
    }

    async fn call_tool(
        &self,
        req: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.crash_after.is_some_and(|limit| n >= limit) {
            eprintln!("fixture: crashing on call {n} as asked");
            std::process::exit(3);
        }
        let args = req.arguments.clone().unwrap_or_default();
        let get = |k: &str| args.get(k).cloned().unwrap_or(Value::Null);
        Ok(match req.name.as_ref() {
            "echo" => text(get("text").as_str().unwrap_or_default()),
            "add" => text(
                (get("a").as_f64().unwrap_or(0.0) + get("b").as_f64().unwrap_or(0.0)).to_string(),
            ),
            "env" => text(
                std::env::var(get("name").as_str().unwrap_or_default())
                    .unwrap_or_else(|_| "<unset>".into()),
            ),
            "progress" => {
                let steps = get("steps").as_u64().unwrap_or(3);
                if let Some(token) = ctx.meta.get_progress_token() {
                    for i in 1..=steps {
                        let mut p = ProgressNotificationParam::new(token.clone(), i as f64);
                        p.total = Some(steps as f64);
                        p.message = Some(format!("step {i} of {steps}"));
                        let _ = ctx.peer.notify_progress(p).await;
                    }
                }
                text(format!("done in {steps} steps"))
            }
            "busy" => {
                if let Some(token) = ctx.meta.get_progress_token() {
                    let mut p = ProgressNotificationParam::new(token, 0.0);
                    p.message = Some("started".into());
                    let _ = ctx.peer.notify_progress(p).await;
                }
                tokio::time::sleep(Duration::from_millis(get("ms").as_u64().unwrap_or(60_000)))
                    .await;
                text("done")
            }
            "headers" => {
                let parts = ctx.extensions.get::<axum::http::request::Parts>();
                let headers: serde_json::Map<String, Value> = parts
                    .map(|p| {
                        p.headers
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().to_owned(),
                                    Value::String(v.to_str().unwrap_or_default().to_owned()),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                text(Value::Object(headers).to_string())
            }
            "slow" => {
                tokio::time::sleep(Duration::from_millis(get("ms").as_u64().unwrap_or(100))).await;
                text("slept")
            }
            "hang" => {
                ctx.ct.cancelled().await;
                text("cancelled")
            }
            "crash" => {
                eprintln!("fixture: crash tool called");
                std::process::exit(4);
            }
            "garbage" => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(b"this line is not JSON-RPC\n");
                let _ = out.flush();
                text("wrote garbage")
            }
            "huge" => text("x".repeat(
                usize::try_from(get("bytes").as_u64().unwrap_or(1 << 20)).unwrap_or(1 << 20),
            )),
            "stderr" => {
                let line = get("text").as_str().unwrap_or("noise").to_owned();
                for i in 0..get("lines").as_u64().unwrap_or(1) {
                    eprintln!("{line} {i}");
                }
                text("wrote to stderr")
            }
            "add_tool" => {
                self.extra
                    .lock()
                    .unwrap()
                    .push(get("name").as_str().unwrap_or("added").to_owned());
                let _ = ctx.peer.notify_tool_list_changed().await;
                text("added")
            }
            other if other.starts_with("a_tool_with_a_very_long_name_") => text("long"),
            "wipe" => text(format!(
                "wiped {}",
                get("device").as_str().unwrap_or("nothing")
            )),
            "peek" => text("42"),
            other if self.extra.lock().unwrap().iter().any(|t| t == other) => {
                text(format!("{other} ran"))
            }
            other if self.listed.iter().any(|t| t.name == other) => text(format!("{other} ran")),
            other => return Err(McpError::invalid_params(format!("no tool {other}"), None)),
        })
    }

    async fn list_prompts(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult {
            prompts: vec![Prompt::new("greeting", Some("A greeting"), None)],
            ..Default::default()
        })
    }

    async fn get_prompt(
        &self,
        req: GetPromptRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        if req.name != "greeting" {
            return Err(McpError::invalid_params("no such prompt", None));
        }
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(
            Role::User,
            format!("Hello from {}", self.name),
        )])
        .into())
    }

    async fn list_resources(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let r = Resource::new(format!("fixture://{}/readme", self.name), "readme");
        Ok(ListResourcesResult {
            resources: vec![r],
            ..Default::default()
        })
    }

    async fn read_resource(
        &self,
        req: ReadResourceRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        Ok(ReadResourceResult::new(vec![ResourceContents::text(
            format!("readme of {}", self.name),
            req.uri,
        )])
        .into())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(ms) = arg(&args, "--slow-start").and_then(|v| v.parse().ok()) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(n) = arg(&args, "--stderr-lines").and_then(|v| v.parse::<u64>().ok()) {
        let mut err = std::io::stderr().lock();
        for i in 0..n {
            let _ = writeln!(err, "fixture: startup noise line {i} {}", "~".repeat(60));
        }
    }
    if let Some(path) = arg(&args, "--pid-file") {
        let _ = std::fs::write(path, std::process::id().to_string());
    }
    let extra: Vec<String> = (0..arg(&args, "--extra-tools")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0u32))
        .map(|i| format!("generated_tool_{i}"))
        .collect();
    let listed: Vec<Tool> = arg(&args, "--tools-file")
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("--tools-file readable");
            let list: Vec<Value> =
                serde_json::from_str(&text).expect("--tools-file is a JSON array");
            list.iter()
                .map(|t| {
                    tool(
                        t["name"].as_str().expect("a tool has a name"),
                        t["description"].as_str().unwrap_or_default(),
                        t.get("inputSchema").cloned().unwrap_or_else(no_args),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let fixture = Fixture {
        listed: Arc::new(listed),
        name: arg(&args, "--name").unwrap_or_else(|| "fixture".into()),
        version: arg(&args, "--server-version").unwrap_or_else(|| "1.0.0".into()),
        crash_after: arg(&args, "--crash-after").and_then(|v| v.parse().ok()),
        calls: Arc::default(),
        extra: Arc::new(Mutex::new(extra)),
    };
    if args.iter().any(|a| a == "--http") {
        serve_http(fixture).await;
        return;
    }
    let service = match fixture.serve(rmcp::transport::stdio()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fixture: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let _ = service.waiting().await;
}

/// Streamable HTTP on 127.0.0.1 (a free port), path `/mcp`. The first line on stdout
/// is the URL, so whoever started it knows where it listens.
async fn serve_http(fixture: Fixture) {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
    let service = StreamableHttpService::new(
        move || Ok(fixture.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{addr}/mcp");
        let _ = out.flush();
    }
    let app = axum::Router::new().nest_service("/mcp", service);
    let _ = axum::serve(listener, app).await;
}

//! Builds the web UI (`web/`, with npm and Vite) into the build's output
//! directory and writes `web_assets.rs`, the table of files the binary
//! embeds and serves at `/`.
//!
//! Without node and npm the binary is still built: the build prints one
//! warning saying so, and `/` serves a page that says the UI is missing.
//! `INNOGRAPH_NO_UI=1` skips the UI on purpose.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

const WATCHED: [&str; 6] = [
    "web/public",
    "web/src",
    "web/index.html",
    "web/package.json",
    "web/package-lock.json",
    "web/vite.config.js",
];

fn main() {
    for path in WATCHED {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=INNOGRAPH_NO_UI");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dist = out.join("web");
    let missing = if env::var_os("INNOGRAPH_NO_UI").is_some_and(|v| v != "0") {
        Some("the web UI was left out of this build (INNOGRAPH_NO_UI is set)".to_string())
    } else {
        match build_ui(Path::new("web"), &dist) {
            Ok(()) => None,
            Err(reason) => {
                println!("cargo:warning=web UI not built: {reason}");
                Some(reason)
            }
        }
    };
    let files = if missing.is_none() {
        list_files(&dist)
    } else {
        Vec::new()
    };
    let mut table =
        String::from("/// The web UI's files: path under `/`, contents.\npub static ASSETS: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let name = file
            .strip_prefix(&dist)
            .expect("listed under dist")
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            table,
            "    ({name:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .expect("write to a String");
    }
    table.push_str("];\n\n/// Why the UI is not in this build, when it is not.\n");
    writeln!(table, "pub static MISSING: Option<&str> = {missing:?};").expect("write to a String");
    fs::write(out.join("web_assets.rs"), table).expect("write web_assets.rs");
}

/// Installs the locked npm packages when they are missing or stale, then
/// builds the UI into `dist`.
fn build_ui(web: &Path, dist: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let has_npm = Command::new(npm)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_npm || Command::new("node").arg("--version").output().is_err() {
        return Err(
            "node and npm are needed to build it (install Node.js 20 or later); the API works without it".into(),
        );
    }
    let installed = web.join("node_modules/.package-lock.json");
    if is_older(&installed, &web.join("package-lock.json")) {
        run(
            Command::new(npm)
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(web),
            "npm ci",
        )?;
    }
    let dist = dist.to_str().ok_or("the build directory's path is not UTF-8")?;
    run(
        Command::new(npm)
            .args(["run", "build", "--", "--outDir", dist, "--emptyOutDir"])
            .current_dir(web),
        "npm run build",
    )
}

/// Whether `file` is missing or older than `than`.
fn is_older(file: &Path, than: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(file), modified(than)) {
        (Some(a), Some(b)) => a < b,
        _ => true,
    }
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("`{what}` did not start: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    Err(format!("`{what}` failed ({}): {last}", output.status))
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

//! The code's layout rules, checked over the source: files a reader can hold in their head, no
//! import cycle among the crate's modules, the shared vocabulary and the performance kit
//! importing nothing above them, and low-level code (unsafe, arrow buffers, libc, SIMD,
//! threads) only in the files named for it (README, "Development").

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files allowed `unsafe`, arrow's buffers, libc, `std::arch` and starting threads.
const LOW_LEVEL: [&str; 3] = ["src/columnar/", "src/ingest/strict/", "src/trace.rs"];
const LOW_LEVEL_FILES: [&str; 1] = ["src/ingest/source.rs"];

fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = common::project_root();
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// The module a source file belongs to, for the import graph: the first folder or file under
/// src/ (`domain` and `columnar` split into their files, which are independent of each other).
fn module_of(file: &str) -> String {
    let parts: Vec<&str> = file
        .trim_start_matches("src/")
        .trim_end_matches(".rs")
        .split('/')
        .collect();
    match parts.as_slice() {
        ["domain" | "columnar", "mod"] => parts[0].to_string(),
        ["domain" | "columnar", sub, ..] => format!("{}::{sub}", parts[0]),
        [first, ..] => first.to_string(),
        [] => String::new(),
    }
}

/// The modules a file names with `crate::` paths (in `use` lines and in code).
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = &rest[name.len()..];
        let module = match name.as_str() {
            "domain" | "columnar" if after.starts_with("::") => {
                let sub: String = after[2..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                format!("{name}::{sub}")
            }
            _ => name,
        };
        // `crate::Error` and `crate::Result` are the error module's.
        let module = match module.as_str() {
            "Error" | "Result" => "error".to_string(),
            _ => module,
        };
        if !module.is_empty() {
            found.insert(module);
        }
    }
    found
}

#[test]
fn every_source_file_is_under_700_lines() {
    for (file, text) in sources() {
        let lines = text.lines().count();
        assert!(lines <= 700, "{file} has {lines} lines");
    }
}

#[test]
fn the_modules_import_each_other_without_a_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in sources() {
        let module = module_of(&file);
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(imports(&text).into_iter().filter(|m| *m != module));
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("import cycle: {} → {node}", path[at..].join(" → "));
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
    // The shared vocabulary and the performance kit sit below everything else.
    for (module, edges) in &graph {
        let allowed = |m: &str| {
            m == "error"
                || (module.starts_with("domain") && m.starts_with("domain"))
                || (module.starts_with("columnar") && m.starts_with("columnar"))
        };
        if module.starts_with("domain") || module.starts_with("columnar") {
            let above: Vec<&String> = edges.iter().filter(|m| !allowed(m)).collect();
            assert!(above.is_empty(), "{module} imports {above:?}");
        }
    }
    // Nothing below the command layer imports it.
    for (module, edges) in &graph {
        if !["commands", "main", "lib"].contains(&module.as_str()) {
            assert!(!edges.contains("commands"), "{module} imports the command layer");
        }
    }
}

#[test]
fn low_level_code_lives_only_in_the_files_named_for_it() {
    let low_level =
        |file: &str| LOW_LEVEL.iter().any(|dir| file.starts_with(dir)) || LOW_LEVEL_FILES.contains(&file);
    let lib = std::fs::read_to_string(common::project_root().join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![deny(unsafe_code)]"), "lib.rs denies unsafe code");
    for (file, text) in sources() {
        if low_level(&file) {
            continue;
        }
        for needle in [
            "unsafe",
            "allow(unsafe_code)",
            "polars_arrow",
            "libc::",
            "std::arch",
            "thread::spawn",
            "thread::scope",
        ] {
            let code = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            // lib.rs names the rule and main.rs sets the allocator: no unsafe code in either.
            let mentions =
                code.matches(needle).count() - usize::from(file == "src/lib.rs" && needle == "unsafe");
            assert_eq!(mentions, 0, "{file} uses {needle}");
        }
    }
}

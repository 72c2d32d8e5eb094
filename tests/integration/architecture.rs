//! The shape of the code (ARCHITECTURE.md): imports among the files of `src/`
//! run one way. Each `.rs` file is a module; it depends on another when its
//! code (before its tests) names `crate::x::y` or `super::x`, in a `use` or a
//! path, and the other is the file of the longest module prefix of that path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path below `src/` (`["align", "seed"]`; `[]` for the root).
type Module = Vec<String>;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of_file(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its tests and comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every module path named after `crate::` or `super::` (first word
/// `crate` or `super`), with the names inside one level of `{...}` use trees.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let start_ok = i == 0 || !is_ident(chars[i - 1]);
        let head = ["crate::", "super::"]
            .into_iter()
            .find(|h| rest.starts_with(h) && start_ok);
        let Some(head) = head else {
            i += 1;
            continue;
        };
        let mut path = vec![head.trim_end_matches(':').to_string()];
        let mut j = i + head.len();
        loop {
            let word: String = chars[j..].iter().take_while(|&&c| is_ident(c)).collect();
            if word.is_empty() {
                break;
            }
            j += word.chars().count();
            path.push(word);
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
            } else {
                break;
            }
        }
        if chars.get(j) == Some(&'{') {
            // The matching brace, past any nested tree.
            let mut depth = 0;
            let mut close = chars.len();
            for (k, &c) in chars.iter().enumerate().skip(j) {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                if depth == 0 {
                    close = k;
                    break;
                }
            }
            let inside: String = chars[j + 1..close].iter().collect();
            for item in inside.split(',') {
                let item = item.split('{').next().unwrap_or("").trim();
                if !item.is_empty() {
                    let mut full = path.clone();
                    let words = item.split("::").map(str::trim).filter(|w| !w.is_empty());
                    full.extend(words.map(String::from));
                    out.push(full);
                }
            }
        }
        out.push(path);
        i = j.max(i + 1);
    }
    out
}

/// The import graph of the files of `src/`: module -> modules it names.
fn import_graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    source_files(src, &mut files);
    let modules: BTreeMap<Module, PathBuf> = files
        .iter()
        .map(|f| (module_of_file(src, f), f.clone()))
        .collect();
    let longest_prefix = |path: &[String]| -> Option<Module> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|prefix| modules.contains_key(prefix))
    };
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let mut edges = BTreeSet::new();
        for path in named_paths(&code(&std::fs::read_to_string(file).unwrap())) {
            let mut target: Module = if path[0] == "crate" {
                Vec::new()
            } else {
                // `super` is the parent module (for `a/mod.rs`, the root).
                module[..module.len().saturating_sub(1)].to_vec()
            };
            target.extend(path[1..].iter().filter(|p| *p != "self").cloned());
            if let Some(found) = longest_prefix(&target) {
                let is_ancestor = module.starts_with(&found);
                if found != *module && !is_ancestor {
                    edges.insert(found);
                }
            }
        }
        graph.insert(module.clone(), edges);
    }
    graph
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in &self.graph[v] {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    self.on_stack.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn no_import_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = import_graph(&src);
    assert!(graph.len() > 40, "{} modules found", graph.len());
    // The walk sees real imports: the pipeline names every stage.
    let pipeline = &graph[&vec!["pipeline".to_string()]];
    assert!(
        pipeline.contains(&vec!["input".to_string()]),
        "{pipeline:?}"
    );
    let found: Vec<String> = cycles(&graph)
        .iter()
        .map(|c| c.iter().map(|m| m.join("/")).collect::<Vec<_>>().join(", "))
        .collect();
    assert!(
        found.is_empty(),
        "import cycles among the files of src/: {found:#?}"
    );
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let module = |m: &str| m.split('/').map(String::from).collect::<Module>();
    let graph: BTreeMap<Module, BTreeSet<Module>> = [
        ("config", vec!["overlap"]),
        ("overlap", vec!["input"]),
        ("input", vec!["config"]),
        ("lsh", vec!["input"]),
    ]
    .into_iter()
    .map(|(m, to)| (module(m), to.into_iter().map(module).collect()))
    .collect();
    assert_eq!(
        cycles(&graph),
        vec![vec![module("config"), module("input"), module("overlap")]]
    );
}

#[test]
fn paths_in_use_trees_are_found() {
    let named = named_paths(
        "use crate::{config::Config, ids::{DocId, CandidatePair}};\nlet x = super::seed::run();",
    );
    assert!(named.contains(&vec!["crate".into(), "config".into(), "Config".into()]));
    assert!(named.contains(&vec!["crate".into(), "ids".into()]));
    assert!(named.contains(&vec!["super".into(), "seed".into(), "run".into()]));
}

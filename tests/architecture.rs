//! Dependencies point one way (ARCHITECTURE.md, "Layers"): the modules of
//! the crate, and the files of each top-level module, form no cycle.
//!
//! The test reads `src/**/*.rs` itself rather than asking the compiler: it
//! blanks comments, string and character literals and `#[cfg(test)]`
//! modules (a unit test may build its fixture with any part of the crate,
//! as the integration tests do), then collects every module path the code
//! names: `use` trees and inline `crate::`, `super::` and `self::` paths,
//! with `pub use` re-exports followed to the module that defines the item
//! (so that `super::PlanFormat` counts as a dependency on the file that
//! holds it, not on its parent). A reference from module `a::x` to
//! `a::y::z` is an edge `x → y` among the children of `a`; references
//! between a module and its own descendants are not edges (a parent
//! declares and re-exports its children, a child uses its parent's items).
//!
//! Two levels are checked, the ones ARCHITECTURE.md draws: the top-level
//! modules (`floorplan`, `scene`, `propagation`, …), and the children of
//! each top-level module (`render::legend` and `render::overlay`,
//! `propagation::engine` and `propagation::raytrace`, …).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module of the crate, as its path from the root (`["render", "legend"]`).
type ModulePath = Vec<String>;

/// An edge between two sibling modules, with where it is made.
#[derive(Debug, Default)]
struct Graph {
    /// `from → to → locations` (`src/render/legend.rs:16`).
    edges: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// The sibling graphs: the key is the parent (`""` for the crate root).
type Graphs = BTreeMap<String, Graph>;

/// Only these levels are checked: the children of the crate root (depth 0)
/// and the children of a top-level module (depth 1).
const CHECKED_DEPTH: usize = 1;

#[test]
fn module_dependencies_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rust_files(&src, &mut files);
    assert!(files.len() > 50, "read only {} files under {}", files.len(), src.display());
    let sources: Vec<(PathBuf, String)> = files
        .iter()
        .map(|f| (f.strip_prefix(&src).unwrap().to_path_buf(), std::fs::read_to_string(f).unwrap()))
        .collect();
    let graphs = sibling_graphs(&sources);
    // The analysis must see the crate's well-known edges, else it proves nothing.
    for (parent, from, to) in
        [("", "scene", "floorplan"), ("", "propagation", "scene"), ("render", "overlay", "legend")]
    {
        assert!(
            graphs.get(parent).and_then(|g| g.edges.get(from)).is_some_and(|t| t.contains_key(to)),
            "expected the edge {from} → {to} under `{parent}`; the source scan is broken"
        );
    }
    let cycles = cycles(&graphs);
    assert!(
        cycles.is_empty(),
        "module dependencies form cycles (see ARCHITECTURE.md, \"Layers\"):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn a_cycle_between_siblings_is_found_even_through_a_re_export() {
    let crate_with = |files: &[(&str, &str)]| -> Vec<(PathBuf, String)> {
        files.iter().map(|(path, text)| (PathBuf::from(path), text.to_string())).collect()
    };
    // `legend` reaches `overlay` through the parent's re-export.
    let sources = crate_with(&[
        ("lib.rs", "pub mod render;\npub mod scene;\n"),
        ("render/mod.rs", "mod legend;\nmod overlay;\npub use overlay::Raster;\n"),
        ("render/legend.rs", "use super::Raster;\npub struct Font;\n"),
        ("render/overlay.rs", "pub struct Raster;\nfn f() -> super::legend::Font { todo!() }\n"),
        ("scene/mod.rs", "// crate::render::Raster in a comment is no dependency\n"),
    ]);
    let found = cycles(&sibling_graphs(&sources));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("legend → overlay") && found[0].contains("overlay → legend"), "{found:?}");

    // Top level, with a `use` tree; a unit test's use of a higher module
    // is not a dependency.
    let sources = crate_with(&[
        ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
        ("a.rs", "use crate::{b::{self, X}, units};\n#[cfg(test)]\nmod tests {\n    use crate::c::Y;\n}\n"),
        ("b.rs", "pub struct X;\nfn g() { let s = \"crate::a::z\"; crate::c::h(); }\n"),
        ("c.rs", "pub fn h() { crate::a::f(); }\n"),
    ]);
    let found = cycles(&sibling_graphs(&sources));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("crate: a, b, c"), "{found:?}");

    // Without the back edge there is none.
    let sources = crate_with(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b::X;\n"),
        ("b.rs", "pub struct X;\n#[cfg(test)]\nmod tests {\n    use crate::a;\n}\n"),
    ]);
    assert!(cycles(&sibling_graphs(&sources)).is_empty());
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The module a file defines: `render/mod.rs` and `render.rs` are `render`,
/// `lib.rs` and `main.rs` the root.
fn module_of(path: &Path) -> ModulePath {
    let mut parts: Vec<String> = path.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// One source file, scanned.
struct Scanned {
    file: String,
    module: ModulePath,
    /// The code with comments, literals and test modules blanked (same
    /// byte offsets as the file, so line numbers hold).
    code: String,
    /// Inline modules: byte range of the body and the module's path.
    inline: Vec<(std::ops::Range<usize>, ModulePath)>,
}

impl Scanned {
    /// The module the code at `offset` is in.
    fn module_at(&self, offset: usize) -> ModulePath {
        self.inline
            .iter()
            .filter(|(range, _)| range.contains(&offset))
            .max_by_key(|(_, path)| path.len())
            .map_or_else(|| self.module.clone(), |(_, path)| path.clone())
    }

    fn line_of(&self, offset: usize) -> usize {
        self.code[..offset].matches('\n').count() + 1
    }
}

fn sibling_graphs(sources: &[(PathBuf, String)]) -> Graphs {
    let scanned: Vec<Scanned> = sources.iter().map(|(path, text)| scan(path, text)).collect();
    let mut modules: BTreeSet<ModulePath> = BTreeSet::new();
    for s in &scanned {
        modules.insert(s.module.clone());
        modules.extend(s.inline.iter().map(|(_, path)| path.clone()));
    }
    // Names a module imports: (module, name) → the full path it stands
    // for. `pub use` re-exports them, and even a private `use` is seen by
    // the module's children (`super::Name`).
    let mut reexports: BTreeMap<(ModulePath, String), Vec<String>> = BTreeMap::new();
    for s in &scanned {
        for (offset, paths) in use_statements(&s.code) {
            let here = s.module_at(offset);
            for path in paths {
                if let (Some(name), Some(full)) = (path.last(), absolute(&path, &here, &modules)) {
                    if name != "*" && name != "self" {
                        reexports.insert((here.clone(), name.clone()), full);
                    }
                }
            }
        }
    }
    let mut graphs = Graphs::new();
    for s in &scanned {
        let mut references: Vec<(usize, Vec<String>)> = Vec::new();
        for (offset, paths) in use_statements(&s.code) {
            references.extend(paths.into_iter().map(|p| (offset, p)));
        }
        references.extend(inline_paths(&s.code));
        for (offset, path) in references {
            let here = s.module_at(offset);
            let Some(full) = absolute(&path, &here, &modules) else { continue };
            let Some(target) = resolve(&full, &modules, &reexports, 0) else { continue };
            let common = here.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common >= here.len() || common >= target.len() || common > CHECKED_DEPTH {
                continue; // within one module, or deeper than checked
            }
            let location = format!("src/{}:{}", s.file, s.line_of(offset));
            let graph = graphs.entry(here[..common].join("::")).or_default();
            let list = graph.edges.entry(here[common].clone()).or_default().entry(target[common].clone()).or_default();
            if !list.contains(&location) {
                list.push(location);
            }
        }
    }
    graphs
}

/// A path as written at module `here`, made absolute (`crate::…`,
/// `super::…`, `self::…`, or a child module's name); `None` for paths into
/// other crates and the standard library.
fn absolute(path: &[String], here: &ModulePath, modules: &BTreeSet<ModulePath>) -> Option<Vec<String>> {
    let (first, rest) = path.split_first()?;
    match first.as_str() {
        "crate" => Some(rest.to_vec()),
        "self" => Some(here.iter().chain(rest).cloned().collect()),
        "super" => {
            let mut base = here.clone();
            let mut rest = path;
            while rest.first().is_some_and(|p| p == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
            Some(base.into_iter().chain(rest.iter().cloned()).collect())
        }
        _ => {
            // `use child::Item` names a child module (2018 paths).
            let child: ModulePath = here.iter().chain(std::iter::once(first)).cloned().collect();
            modules.contains(&child).then(|| child.into_iter().chain(rest.iter().cloned()).collect())
        }
    }
}

/// The module that defines what `full` names: its longest module prefix,
/// following re-exports of the next segment.
fn resolve(
    full: &[String],
    modules: &BTreeSet<ModulePath>,
    reexports: &BTreeMap<(ModulePath, String), Vec<String>>,
    depth: usize,
) -> Option<ModulePath> {
    for k in (0..=full.len()).rev() {
        let prefix = full[..k].to_vec();
        if !modules.contains(&prefix) {
            continue;
        }
        if let Some(next) = full.get(k) {
            if let Some(target) = reexports.get(&(prefix.clone(), next.clone())) {
                if depth < 8 {
                    let followed: Vec<String> = target.iter().chain(&full[k + 1..]).cloned().collect();
                    if let Some(module) = resolve(&followed, modules, reexports, depth + 1) {
                        return Some(module);
                    }
                }
            }
        }
        return Some(prefix);
    }
    None
}

/// Every `use` statement: its offset and the paths its tree expands to.
fn use_statements(code: &str) -> Vec<(usize, Vec<Vec<String>>)> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(i) = code[at..].find("use ").map(|i| i + at) {
        at = i + 4;
        if i > 0 && is_ident_byte(bytes[i - 1]) {
            continue;
        }
        let Some(end) = code[at..].find(';').map(|e| e + at) else { break };
        found.push((i, expand_use_tree(&code[at..end])));
        at = end;
    }
    found
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `a::{b, c::{self, D}}` → `a::b`, `a::c`, `a::c::D` (aliases dropped).
fn expand_use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    expand_into(&tree, &[], &mut out);
    out
}

fn expand_into(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    for part in split_top_level(tree) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if let Some(open) = part.find('{') {
            let head = part[..open].trim().trim_end_matches("::");
            let inner = &part[open + 1..part.rfind('}').unwrap_or(part.len())];
            let mut next = prefix.to_vec();
            next.extend(segments(head));
            expand_into(inner, &next, out);
        } else {
            let path = part.split(" as ").next().unwrap_or(part);
            let mut full = prefix.to_vec();
            for segment in segments(path) {
                if segment != "self" || full.is_empty() {
                    full.push(segment);
                }
            }
            out.push(full);
        }
    }
}

fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split("::").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Splits at commas outside braces.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `crate::a::b`, `super::x`, `self::y` written in code (outside `use`).
fn inline_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    for keyword in ["crate::", "super::", "self::"] {
        let mut at = 0;
        while let Some(i) = code[at..].find(keyword).map(|i| i + at) {
            at = i + keyword.len();
            if i > 0 && (is_ident_byte(bytes[i - 1]) || bytes[i - 1] == b':' || bytes[i - 1] == b'$') {
                continue; // inside a longer path (`super::super::`) or a macro's `$crate`
            }
            let mut end = i;
            while end < bytes.len() && (is_ident_byte(bytes[end]) || code[end..].starts_with("::")) {
                end += if bytes[end] == b':' { 2 } else { 1 };
            }
            found.push((i, segments(&code[i..end]).collect()));
        }
    }
    found
}

/// Blanks comments, string, byte-string and character literals and
/// `#[cfg(test)]` modules (keeping newlines, so offsets and lines hold),
/// and finds the inline modules left.
fn scan(path: &Path, text: &str) -> Scanned {
    let mut code = blank_comments_and_literals(text);
    while let Some((start, end)) = test_module(&code) {
        let blanked: String = code[start..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
        code.replace_range(start..end, &blanked);
    }
    let module = module_of(path);
    let mut inline = Vec::new();
    let mut at = 0;
    while let Some(i) = code[at..].find("mod ").map(|i| i + at) {
        at = i + 4;
        if i > 0 && is_ident_byte(code.as_bytes()[i - 1]) {
            continue;
        }
        let rest = &code[at..];
        let name: String = rest.chars().take_while(|&c| c.is_alphanumeric() || c == '_').collect();
        let after = rest[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue; // `mod name;`: a file of its own
        }
        let open = at + name.len() + (rest[name.len()..].len() - after.len());
        let close = matching_brace(&code, open).unwrap_or(code.len());
        let enclosing = inline
            .iter()
            .filter(|(range, _): &&(std::ops::Range<usize>, ModulePath)| range.contains(&open))
            .max_by_key(|(_, p)| p.len())
            .map_or_else(|| module.clone(), |(_, p)| p.clone());
        let mut path = enclosing;
        path.push(name);
        inline.push((open..close, path));
    }
    Scanned { file: path.to_string_lossy().replace('\\', "/"), module, code, inline }
}

/// The first `#[cfg(test)] mod name { … }` left: its byte range.
fn test_module(code: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    while let Some(start) = code[at..].find("#[cfg(test)]").map(|i| i + at) {
        at = start + 1;
        let rest = code[start + "#[cfg(test)]".len()..].trim_start();
        let rest = rest.strip_prefix("pub ").unwrap_or(rest).trim_start();
        let Some(rest) = rest.strip_prefix("mod ") else { continue };
        let name_len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if !rest[name_len..].trim_start().starts_with('{') {
            continue;
        }
        let open = code.len() - rest[name_len..].trim_start().len();
        return Some((start, matching_brace(code, open).map_or(code.len(), |c| c + 1)));
    }
    None
}

/// The `}` that closes the `{` at `open` (literals are already blanked).
fn matching_brace(code: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, s: &str| out.extend(s.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    let byte_at = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let mut k = 0;
    while k < chars.len() {
        let (b, c) = chars[k];
        let rest = &text[b..];
        let prev_ident = k > 0 && (chars[k - 1].1.is_alphanumeric() || chars[k - 1].1 == '_');
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |e| b + e);
            blank(&mut out, &text[b..end]);
            k = chars.partition_point(|&(x, _)| x < end);
        } else if rest.starts_with("/*") {
            let (mut depth, mut j) = (0, k);
            while j < chars.len() {
                let r = &text[chars[j].0..];
                if r.starts_with("/*") {
                    depth += 1;
                    j += 2;
                } else if r.starts_with("*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, &text[b..byte_at(j)]);
            k = j;
        } else if !prev_ident && (rest.starts_with("r#") || rest.starts_with("r\"") || rest.starts_with("br")) {
            let start = if rest.starts_with('b') { 2 } else { 1 };
            let hashes = rest[start..].chars().take_while(|&h| h == '#').count();
            if rest[start + hashes..].starts_with('"') {
                let close = format!("\"{}", "#".repeat(hashes));
                let body = b + start + hashes + 1;
                let end = text[body..].find(&close).map_or(text.len(), |e| body + e + close.len());
                blank(&mut out, &text[b..end]);
                k = chars.partition_point(|&(x, _)| x < end);
            } else {
                out.push(c);
                k += 1;
            }
        } else if c == '"' {
            let mut j = k + 1;
            while j < chars.len() && chars[j].1 != '"' {
                j += if chars[j].1 == '\\' { 2 } else { 1 };
            }
            let end = byte_at(j + 1);
            blank(&mut out, &text[b..end]);
            k = j + 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F600}'), not a lifetime.
            let literal_end = match (chars.get(k + 1), chars.get(k + 2)) {
                (Some(&(_, '\\')), _) => {
                    chars.get(k + 3..).and_then(|r| r.iter().position(|&(_, x)| x == '\'')).map(|p| k + 3 + p)
                }
                (Some(_), Some(&(_, '\''))) => Some(k + 2),
                _ => None,
            };
            match literal_end {
                Some(j) => {
                    blank(&mut out, &text[b..byte_at(j + 1)]);
                    k = j + 1;
                }
                None => {
                    out.push(c);
                    k += 1;
                }
            }
        } else {
            out.push(c);
            k += 1;
        }
    }
    out
}

/// Every cycle of every sibling graph: the modules caught in it and its
/// shortest loop, with where each edge of the loop is made.
fn cycles(graphs: &Graphs) -> Vec<String> {
    let mut found = Vec::new();
    for (parent, graph) in graphs {
        let scope = if parent.is_empty() { "crate" } else { parent };
        for component in strongly_connected(graph) {
            let mut text = format!("{scope}: {}", component.join(", "));
            let members: BTreeSet<&str> = component.iter().map(String::as_str).collect();
            let shortest =
                component.iter().filter_map(|start| loop_through(graph, &members, start)).min_by_key(Vec::len);
            for pair in shortest.unwrap_or_default().windows(2) {
                let location = &graph.edges[&pair[0]][&pair[1]][0];
                text.push_str(&format!("\n    {} → {} ({location})", pair[0], pair[1]));
            }
            found.push(text);
        }
    }
    found
}

/// The shortest loop from `start` back to itself inside `members`
/// (breadth first), as the list of modules with `start` at both ends.
fn loop_through(graph: &Graph, members: &BTreeSet<&str>, start: &str) -> Option<Vec<String>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.edges.get(node).into_iter().flat_map(|t| t.keys()).map(String::as_str) {
            if next == start {
                let mut path = vec![start.to_owned(), node.to_owned()];
                let mut at = node;
                while at != start {
                    at = previous[at];
                    path.push(at.to_owned());
                }
                path.reverse();
                return Some(path);
            }
            if members.contains(next) && !previous.contains_key(next) {
                previous.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The strongly connected components with more than one module (Tarjan).
fn strongly_connected(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for next in graph.edges.get(node).into_iter().flat_map(|t| t.keys()) {
            let next = next.as_str();
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.components.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    let nodes: BTreeSet<&str> = graph
        .edges
        .iter()
        .flat_map(|(from, to)| std::iter::once(from.as_str()).chain(to.keys().map(String::as_str)))
        .collect();
    for node in nodes {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.components
}

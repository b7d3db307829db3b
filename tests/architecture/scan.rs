//! Reading the sources for the architecture's rules: a small lexer that blanks comments and
//! keeps string literals apart, `use` trees expanded, and which store functions write.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Reading the sources.

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fails naming each `path:line: text` found, in the order of the files and their lines.
pub(crate) fn fail_on(rule: &str, mut found: Vec<String>) {
    found.sort_by_key(|f| {
        let mut parts = f.splitn(3, ':');
        let path = parts.next().unwrap_or_default().to_string();
        (path, parts.next().and_then(|n| n.parse::<usize>().ok()))
    });
    found.dedup();
    assert!(
        found.is_empty(),
        "{rule}:\n  {}\n({} in all)",
        found.join("\n  "),
        found.len()
    );
}

/// A Rust source file, in three views that keep its lines.
pub(crate) struct Source {
    /// Relative to the crate root, with forward slashes.
    pub(crate) path: String,
    /// Each line with comments blanked; string literals kept.
    pub(crate) code: Vec<String>,
    /// Each line with comments and the contents of string and char literals blanked.
    pub(crate) bare: Vec<String>,
    /// Every string literal, with the line it starts on.
    pub(crate) literals: Vec<(usize, String)>,
}

impl Source {
    pub(crate) fn parse(path: &str, text: &str) -> Source {
        let (code, bare, literals) = lex(text);
        let lines = |s: String| s.lines().map(str::to_string).collect::<Vec<_>>();
        Source {
            path: path.to_string(),
            code: lines(code),
            bare: lines(bare),
            literals,
        }
    }

    /// `path:line: text`, for a failure message.
    pub(crate) fn at(&self, line: usize, text: &str) -> String {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let text: String = text.chars().take(100).collect();
        format!("{}:{line}: {text}", self.path)
    }

    /// Numbered from 1.
    pub(crate) fn code_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.code
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_str()))
    }

    pub(crate) fn bare_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.bare
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_str()))
    }

    /// Each `use` statement: its text (whitespace collapsed) and the lines it spans.
    pub(crate) fn use_statements(&self) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut open: Option<(String, usize)> = None;
        for (n, line) in self.bare_lines() {
            let mut rest = line;
            if open.is_none() {
                let trimmed = line.trim_start();
                let trimmed = trimmed
                    .strip_prefix("pub(crate) ")
                    .or_else(|| trimmed.strip_prefix("pub "))
                    .unwrap_or(trimmed);
                match trimmed.strip_prefix("use ") {
                    Some(tail) => {
                        open = Some((String::new(), n));
                        rest = tail;
                    }
                    None => continue,
                }
            }
            let (text, from) = open.as_mut().unwrap();
            match rest.find(';') {
                Some(end) => {
                    text.push_str(&rest[..end]);
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    out.push((text, *from, n));
                    open = None;
                }
                None => {
                    text.push_str(rest);
                    text.push(' ');
                }
            }
        }
        out
    }

    /// The lines inside `use` statements.
    pub(crate) fn use_lines(&self) -> BTreeSet<usize> {
        self.use_statements()
            .into_iter()
            .flat_map(|(_, from, to)| from..=to)
            .collect()
    }

    /// Every path a `use` statement brings in, with the local name it goes by and its line.
    pub(crate) fn use_items(&self) -> Vec<(Vec<String>, String, usize)> {
        let mut out = Vec::new();
        for (text, line, _) in self.use_statements() {
            let mut items = Vec::new();
            expand_use(&text, &[], &mut items);
            out.extend(items.into_iter().map(|(path, name)| (path, name, line)));
        }
        out
    }

    pub(crate) fn use_paths(&self) -> Vec<(Vec<String>, usize)> {
        self.use_items()
            .into_iter()
            .map(|(p, _, n)| (p, n))
            .collect()
    }

    /// The lines of `#[cfg(test)]` items (a file's unit tests).
    pub(crate) fn test_lines(&self) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let (mut depth, mut opened) = (0, false);
        let mut inside = false;
        for (n, line) in self.bare_lines() {
            if !inside && line.trim() == "#[cfg(test)]" {
                (inside, depth, opened) = (true, 0, false);
                out.insert(n);
                continue;
            }
            if !inside {
                continue;
            }
            out.insert(n);
            for c in line.chars() {
                match c {
                    '{' => (depth, opened) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            // The item ends where its braces close, or at its `;` if it has none.
            if (opened && depth <= 0) || (!opened && line.trim_end().ends_with(';')) {
                inside = false;
            }
        }
        out
    }

    /// Each function: its name and the lines from its `fn` to its closing brace.
    pub(crate) fn fn_bodies(&self) -> Vec<(String, usize, usize)> {
        let text = self.bare.join("\n");
        let chars: Vec<char> = text.chars().collect();
        let line_of = |i: usize| chars[..i].iter().filter(|c| **c == '\n').count() + 1;
        let mut out = Vec::new();
        let mut i = 0;
        while i + 3 < chars.len() {
            let starts = chars[i] == 'f'
                && chars[i + 1] == 'n'
                && chars[i + 2] == ' '
                && (i == 0 || !is_ident(chars[i - 1]));
            if !starts {
                i += 1;
                continue;
            }
            let name: String = chars[i + 3..]
                .iter()
                .take_while(|c| is_ident(**c))
                .collect();
            // The body opens at the first `{` outside the signature's parentheses; a `;` first
            // means a declaration without a body.
            let mut j = i + 3;
            let mut parens = 0i32;
            while j < chars.len() {
                match chars[j] {
                    '(' | '[' => parens += 1,
                    ')' | ']' => parens -= 1,
                    '{' | ';' if parens == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() || chars[j] == ';' {
                i = j;
                continue;
            }
            let mut depth = 0;
            let mut k = j;
            while k < chars.len() {
                match chars[k] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            let end = k.min(chars.len() - 1);
            out.push((name, line_of(i), line_of(end)));
            // Nested functions (closures' helpers, tests' modules) are found too.
            i = j + 1;
        }
        out
    }
}

pub(crate) fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits Rust source into the code view (comments blanked), the bare view (string and char
/// contents blanked too) and its string literals. Every view keeps the lines where they are.
pub(crate) fn lex(text: &str) -> (String, String, Vec<(usize, String)>) {
    let chars: Vec<char> = text.chars().collect();
    let (mut code, mut bare, mut literals) = (String::new(), String::new(), Vec::new());
    let mut line = 1;
    let mut i = 0;
    // Blanks a character in a view, keeping newlines.
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        // Before an `r`, an identifier's character means no raw string, except the `b` of `br"…"`.
        let prev_ident = i > 0
            && is_ident(chars[i - 1])
            && !(chars[i - 1] == 'b' && (i < 2 || !is_ident(chars[i - 2])));
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                code.push(' ');
                bare.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    code.push_str("  ");
                    bare.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    code.push_str("  ");
                    bare.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    code.push(blank(chars[i]));
                    bare.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' || (c == 'r' && !prev_ident && raw_hashes(&chars, i + 1).is_some()) {
            // A string: "…" with escapes, or r#"…"# with none.
            let hashes = if c == 'r' {
                let h = raw_hashes(&chars, i + 1).unwrap();
                for _ in 0..=h {
                    code.push(chars[i]);
                    bare.push(chars[i]);
                    i += 1;
                }
                Some(h)
            } else {
                None
            };
            code.push('"');
            bare.push('"');
            i += 1;
            let (start, mut literal) = (line, String::new());
            while i < chars.len() {
                let ch = chars[i];
                let closes = ch == '"'
                    && hashes.is_none_or(|h| (1..=h).all(|k| chars.get(i + k) == Some(&'#')));
                if closes {
                    break;
                }
                if ch == '\\' && hashes.is_none() && i + 1 < chars.len() {
                    literal.push(match chars[i + 1] {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                    code.push(ch);
                    code.push(chars[i + 1]);
                    bare.push_str("  ");
                    line += usize::from(chars[i + 1] == '\n');
                    i += 2;
                    continue;
                }
                literal.push(ch);
                code.push(ch);
                bare.push(blank(ch));
                line += usize::from(ch == '\n');
                i += 1;
            }
            literals.push((start, literal));
            let close = 1 + hashes.unwrap_or(0);
            for _ in 0..close.min(chars.len().saturating_sub(i)) {
                code.push(chars[i]);
                bare.push(chars[i]);
                i += 1;
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '"'), or a lifetime ('a), which is code.
            let len = if next == Some('\\') {
                chars[(i + 3).min(chars.len())..]
                    .iter()
                    .position(|c| *c == '\'')
                    .map(|p| p + 4)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(3)
            } else {
                None
            };
            match len {
                Some(len) => {
                    for k in 0..len {
                        code.push(chars[i + k]);
                        bare.push(if k == 0 || k == len - 1 { '\'' } else { ' ' });
                    }
                    i += len;
                }
                None => {
                    code.push(c);
                    bare.push(c);
                    i += 1;
                }
            }
        } else {
            line += usize::from(c == '\n');
            code.push(c);
            bare.push(c);
            i += 1;
        }
    }
    (code, bare, literals)
}

/// At `i`: `#…#"` or `"` opening a raw string; how many `#`.
pub(crate) fn raw_hashes(chars: &[char], i: usize) -> Option<usize> {
    let hashes = chars[i.min(chars.len())..]
        .iter()
        .take_while(|c| **c == '#')
        .count();
    (chars.get(i + hashes) == Some(&'"')).then_some(hashes)
}

/// Every `.rs` file under `dir` (relative to the crate root), sorted.
pub(crate) fn sources(dir: &str) -> Vec<Source> {
    let mut files = Vec::new();
    walk(&root().join(dir), "rs", &mut files);
    files
        .into_iter()
        .map(|file| {
            let path = file.strip_prefix(root()).unwrap();
            let path = path.to_string_lossy().replace('\\', "/");
            Source::parse(&path, &std::fs::read_to_string(&file).unwrap())
        })
        .collect()
}

pub(crate) fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, "sql", &mut files);
    files
}

pub(crate) fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paths and imports.

/// Expands a use tree (`crate::{a, b::{self, c as d}}`) into full paths and local names.
pub(crate) fn expand_use(tree: &str, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let close = tree.rfind('}').unwrap_or(tree.len());
        let mut base = prefix.to_vec();
        base.extend(segments(head));
        let inner = &tree[open + 1..close];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&inner[start..], &base, out);
        return;
    }
    if tree.is_empty() || tree.ends_with('*') {
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path, Some(alias.trim().to_string())),
        None => (tree, None),
    };
    let mut full = prefix.to_vec();
    full.extend(segments(path).into_iter().filter(|s| s != "self"));
    let name = alias.unwrap_or_else(|| full.last().cloned().unwrap_or_default());
    out.push((full, name));
}

pub(crate) fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The floor each `crate::X` path on a line names (`X`), outside `use` statements.
pub(crate) fn crate_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        let tail = &rest[at + "crate::".len()..];
        if !before.is_some_and(is_ident) {
            let floor: String = tail.chars().take_while(|c| is_ident(*c)).collect();
            if !floor.is_empty() {
                out.push(floor);
            }
        }
        rest = tail;
    }
    out
}

/// What a local name refers to in the store.
#[derive(Debug)]
pub(crate) enum StoreName {
    /// `store` itself.
    Root,
    /// A store module (`sign_in`, or `report_cards` imported `as store`).
    Module(String),
    /// A function of a store module, imported by name.
    Function(String, String),
}

/// The local names a file gives to the store, its modules and its functions.
pub(crate) fn store_imports(
    src: &Source,
    writes: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, StoreName> {
    let mut names = BTreeMap::new();
    for (path, name, _) in src.use_items() {
        if path.len() < 2 || path[0] != "crate" || path[1] != "store" {
            continue;
        }
        let rest = &path[2..];
        let meaning = if rest.is_empty() {
            StoreName::Root
        } else if writes.contains_key(&rest.join("::")) {
            StoreName::Module(rest.join("::"))
        } else {
            let (function, module) = rest.split_last().unwrap();
            StoreName::Function(module.join("::"), function.clone())
        };
        names.insert(name, meaning);
    }
    names
}

/// The store functions a line calls by path: `(module, function)`, module `""` for
/// `store::f` itself. Method calls (`x.f()`) are no paths and are left out.
pub(crate) fn calls(line: &str, imports: &BTreeMap<String, StoreName>) -> Vec<(String, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_ident(chars[i]) || (i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == '.')) {
            i += 1;
            continue;
        }
        // A path: idents joined by `::`.
        let mut path = Vec::new();
        let mut j = i;
        loop {
            let ident: String = chars[j..].iter().take_while(|c| is_ident(**c)).collect();
            j += ident.chars().count();
            path.push(ident);
            let joined = chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':');
            if joined && chars.get(j + 2).is_some_and(|c| is_ident(*c)) {
                j += 2;
            } else {
                break;
            }
        }
        let turbofish = chars[j..].starts_with(&[':', ':', '<']);
        if chars.get(j) == Some(&'(') || turbofish {
            let (function, module) = path.split_last().unwrap();
            let found = match module.first().map(String::as_str) {
                Some("crate") if module.get(1).map(String::as_str) == Some("store") => {
                    Some((module[2..].join("::"), function.clone()))
                }
                None => match imports.get(function) {
                    Some(StoreName::Function(m, f)) => Some((m.clone(), f.clone())),
                    _ => None,
                },
                Some(first) => match imports.get(first) {
                    Some(StoreName::Root) => Some((module[1..].join("::"), function.clone())),
                    Some(StoreName::Module(m)) => {
                        let mut m = vec![m.clone()];
                        m.extend(module[1..].iter().cloned());
                        Some((m.join("::"), function.clone()))
                    }
                    _ => None,
                },
            };
            out.extend(found);
        }
        i = j.max(i + 1);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The store's writes.

/// Whether SQL text changes rows.
pub(crate) fn writes_sql(sql: &str) -> bool {
    let words: Vec<String> = sql
        .to_lowercase()
        .split(|c: char| !is_ident(c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let pair = |a: &str, b: &str| words.windows(2).any(|w| w[0] == a && w[1] == b);
    let update = words
        .windows(3)
        .any(|w| w[0] == "update" && (w[2] == "set" || w[1] == "or"));
    pair("insert", "into")
        || pair("insert", "or")
        || pair("replace", "into")
        || pair("delete", "from")
        || update
}

/// Every function of `src/store/` that writes, by module (`sign_in`, `search`, `""` for
/// `store/mod.rs`): its SQL changes rows, it opens a transaction, or it calls one that does.
pub(crate) fn store_writes() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources("src/store");
    let module_of = |path: &str| {
        let rel = path.trim_start_matches("src/store").trim_start_matches('/');
        let rel = rel.trim_end_matches(".rs").trim_end_matches("mod");
        rel.trim_end_matches('/').replace('/', "::")
    };
    let mut writes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut bodies = Vec::new();
    for src in &files {
        let module = module_of(&src.path);
        writes.entry(module.clone()).or_default();
        // A unit test's helper that inserts rows is no write a route could call.
        let tests = src.test_lines();
        for (name, from, to) in src.fn_bodies() {
            if tests.contains(&from) {
                continue;
            }
            let sql = src
                .literals
                .iter()
                .filter(|(n, _)| (from..=to).contains(n))
                .any(|(_, s)| writes_sql(s) || s.trim_start().to_lowercase().starts_with("begin"));
            let body = src.bare[from - 1..to].join("\n");
            let begins = body.contains(".begin(") || body.contains("begin_with(");
            if sql || begins {
                writes.get_mut(&module).unwrap().insert(name.clone());
            }
            bodies.push((module.clone(), name, body));
        }
    }
    // A submodule's function that its parent re-exports (`pub use rounds::{close, …}` in
    // `report_cards/mod.rs`) is called through the parent's path too: (child, f, parent, name).
    let reexports: Vec<(String, String, String, String)> = files
        .iter()
        .flat_map(|src| {
            let parent = module_of(&src.path);
            src.use_items()
                .into_iter()
                .filter(|(path, _, _)| path.len() == 2)
                .map(move |(path, name, _)| {
                    let child = match parent.as_str() {
                        "" => path[0].clone(),
                        p => format!("{p}::{}", path[0]),
                    };
                    (child, path[1].clone(), parent.clone(), name)
                })
        })
        .filter(|(child, ..)| writes.contains_key(child))
        .collect();
    // Callers of writes write too, through `f(`, `module::f(` or `super::module::f(`.
    let imports: BTreeMap<String, StoreName> = writes
        .keys()
        .filter(|m| !m.is_empty())
        .map(|m| (m.clone(), StoreName::Module(m.clone())))
        .chain([("super".to_string(), StoreName::Root)])
        .collect();
    loop {
        let mut more = Vec::new();
        for (module, name, body) in &bodies {
            if writes[module].contains(name) {
                continue;
            }
            let calls_write = body.lines().any(|line| {
                calls(line, &imports)
                    .into_iter()
                    .any(|(m, f)| writes.get(&m).is_some_and(|w| w.contains(&f)))
                    || writes[module].iter().any(|w| calls_bare(line, w))
            });
            if calls_write {
                more.push((module.clone(), name.clone()));
            }
        }
        for (child, function, parent, name) in &reexports {
            if writes[child].contains(function) && !writes[parent].contains(name) {
                more.push((parent.clone(), name.clone()));
            }
        }
        if more.is_empty() {
            return writes;
        }
        for (module, name) in more {
            writes.get_mut(&module).unwrap().insert(name);
        }
    }
}

/// Whether `line` calls `name(` without a path (a function of the same module).
pub(crate) fn calls_bare(line: &str, name: &str) -> bool {
    let pattern = format!("{name}(");
    line.match_indices(&pattern).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        !before.is_some_and(|c| is_ident(c) || c == '.' || c == ':')
    })
}

// ---------------------------------------------------------------------------------------------
// Migrations.

/// Each `alter table … add [column] …` of `sql` that declares a column `not null` without a
/// `default`: the line it starts on and the column's definition.
pub(crate) fn not_null_without_default(sql: &str) -> Vec<(usize, String)> {
    // Comments and quoted text blanked, so neither a `-- not null` nor a `';'` counts.
    let mut text = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        text.push('\n');
                        break;
                    }
                }
            }
            '\'' => {
                text.push('\'');
                for c in chars.by_ref() {
                    text.push(if c == '\n' { '\n' } else { ' ' });
                    if c == '\'' {
                        break;
                    }
                }
            }
            c => text.push(c),
        }
    }
    let mut out = Vec::new();
    let mut line = 1;
    for statement in text.split(';') {
        let lead = statement.len() - statement.trim_start().len();
        let start = line + statement[..lead].matches('\n').count();
        line += statement.matches('\n').count();
        let words = statement.split_whitespace().collect::<Vec<_>>().join(" ");
        let words = words.to_lowercase();
        let Some(rest) = words.strip_prefix("alter table ") else {
            continue;
        };
        // The actions after the table's name, split at top-level commas (PostgreSQL can add
        // several columns in one statement).
        let mut actions = Vec::new();
        let (mut depth, mut from) = (0, 0);
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    actions.push(&rest[from..i]);
                    from = i + 1;
                }
                _ => {}
            }
        }
        actions.push(&rest[from..]);
        for action in actions {
            let Some(at) = action
                .find(" add ")
                .or(action.trim().starts_with("add ").then_some(0))
            else {
                continue;
            };
            let column = action[at..].trim().trim_start_matches("add ");
            let column = column
                .trim_start_matches("column ")
                .trim_start_matches("if not exists ");
            let words: Vec<&str> = column.split_whitespace().collect();
            let not_null = words.windows(2).any(|w| w == ["not", "null"]);
            let defaulted = words.contains(&"default") || words.contains(&"generated");
            let constraint = matches!(words.first(), Some(&"constraint" | &"primary" | &"unique"));
            if not_null && !defaulted && !constraint {
                out.push((start, column.trim().to_string()));
            }
        }
    }
    out
}

//! For the tests that check the source itself (every text has its translation): the string
//! literals passed to a call, found in the non-test code of `src/`.

/// Every `.rs` file under `src/`.
fn rust_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files
}

/// The string literal at the start of `text` (after `"`), as Rust reads it: escapes and line
/// continuations undone.
fn literal(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('\n') => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// The first argument of every `call` (e.g. `".tr("`, `"msg!("`) that is a string literal, in
/// the code before each file's `#[cfg(test)]`, each once, in the order found.
pub fn literals_after(call: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    // (Not this file: its documentation names the calls.)
    for f in rust_files()
        .iter()
        .filter(|f| !f.ends_with("source_scan.rs"))
    {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (at, _) in code.match_indices(call) {
            // A call whose argument is not a literal (a variable, a format) is not a key.
            let Some(body) = code[at + call.len()..].trim_start().strip_prefix('"') else {
                continue;
            };
            let t = literal(body);
            if !found.contains(&t) {
                found.push(t);
            }
        }
    }
    found
}

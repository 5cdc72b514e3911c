//! Asking for field values on a terminal. Secrets use hidden input; prompts go to the
//! terminal (stderr and `/dev/tty`), never to stdout.

use std::io::{BufRead, IsTerminal};

use switchboard_core::catalog::Field;
use switchboard_core::secret::Secret;

use crate::output;

pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks for one field. `Ok(None)` when left blank.
pub fn ask(field: &Field) -> std::io::Result<Option<Secret<String>>> {
    let mut intro = field.label.clone();
    if !field.help.is_empty() {
        intro.push_str(&format!("\n  {}", field.help));
    }
    if !field.options.is_empty() {
        for o in &field.options {
            intro.push_str(&format!("\n  {:<10} {}", o.value, o.label));
        }
    }
    output::note(&intro);
    let mut question = field.key.clone();
    match (&field.default, field.required) {
        (Some(d), _) => question.push_str(&format!(" [{d}]")),
        (None, false) => question.push_str(" (optional, Enter to skip)"),
        (None, true) => {}
    }
    question.push_str(": ");
    let value = if field.secret {
        rpassword::prompt_password(question)?
    } else {
        eprint_flush(&question);
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line
    };
    let value = value.trim().to_owned();
    Ok((!value.is_empty()).then(|| Secret::new(value)))
}

#[allow(clippy::print_stderr)]
fn eprint_flush(text: &str) {
    use std::io::Write;
    eprint!("{text}");
    let _ = std::io::stderr().flush();
}

/// Asks for one secret value with hidden input. `Ok(None)` when left blank.
pub fn ask_secret(name: &str) -> std::io::Result<Option<Secret<String>>> {
    let value = rpassword::prompt_password(format!("{name} (hidden): "))?;
    let value = value.trim().to_owned();
    Ok((!value.is_empty()).then(|| Secret::new(value)))
}

//! Files the command line reads: their size is checked before anything is read, and the
//! read itself is bounded, so that a huge file, a device (`/dev/zero`) or a pipe cannot grow
//! memory.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};

/// An indicator file: the definitions' own character limit, at most four bytes a character.
pub const INDICATOR_FILE_BYTES: u64 = passerelle_report::definitions::MAX_FILE_CHARS as u64 * 4;
/// A town or QPV table (CSV): every town of France fits several times.
pub const CSV_BYTES: u64 = 16 * 1024 * 1024;

/// The text of `path`, refused when larger than `max_bytes` or not UTF-8.
pub fn read_text(path: &Path, max_bytes: u64) -> anyhow::Result<String> {
    let too_big = || {
        anyhow::anyhow!(
            "{} : le fichier dépasse {} Ko ; rien n'est importé",
            path.display(),
            max_bytes / 1024
        )
    };
    let file =
        std::fs::File::open(path).with_context(|| format!("lecture de {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("lecture de {}", path.display()))?;
    if meta.is_file() && meta.len() > max_bytes {
        return Err(too_big());
    }
    if meta.is_dir() {
        bail!("{} est un dossier, pas un fichier", path.display());
    }
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("lecture de {}", path.display()))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big());
    }
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} : le fichier n'est pas en UTF-8", path.display()))
}

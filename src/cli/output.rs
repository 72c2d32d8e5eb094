//! The files a command writes: checked before any work, written whole or not at all.
//!
//! Every output is checked when the command starts, so that a scan of an hour
//! does not end on a missing folder: at most one output goes to stdout, no two
//! go to one file, none is an input (or a file an input folder would read as
//! an article), and each one's folder exists and takes a new file. The check
//! creates the output's temporary file there (hidden, so a folder scan never
//! reads it); the output is written into it, flushed and synced, and only then
//! renamed over the path. Whenever the process stops, the path holds the whole
//! old file or the whole new one. A run that fails removes its temporary files;
//! one that is killed may leave `.NAME.*.tmp` files behind.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tempfile::NamedTempFile;

/// One requested output: the option that asked for it and its path (`-` for stdout).
pub(crate) type Request<'a> = (&'static str, Option<&'a Path>);

/// The checked outputs of a command, each ready to be written once.
pub(crate) struct Outputs {
    /// The outputs not written yet.
    planned: Vec<Planned>,
    stdout_taken: bool,
}

struct Planned {
    option: &'static str,
    path: PathBuf,
    /// The temporary file to rename over `target`; `None` for stdout.
    file: Option<(NamedTempFile, PathBuf)>,
}

impl Outputs {
    /// Checks the requested outputs against each other and the inputs, and
    /// creates each file output's temporary file.
    ///
    /// # Errors
    /// Two outputs to stdout or to one file, an output that is an input, a
    /// folder that does not exist or cannot be written.
    pub(crate) fn prepare(requests: &[Request], inputs: &[PathBuf]) -> anyhow::Result<Outputs> {
        let to_stdout: Vec<&str> = requests
            .iter()
            .filter(|(_, path)| path.is_some_and(is_stdout))
            .map(|(option, _)| *option)
            .collect();
        if to_stdout.len() > 1 {
            bail!(
                "{} each ask for stdout (-), but only one output can write there: give the others a file",
                to_stdout.join(" and ")
            );
        }
        let mut planned: Vec<Planned> = Vec::new();
        let mut targets: Vec<(&'static str, PathBuf)> = Vec::new();
        for &(option, path) in requests {
            let Some(path) = path else { continue };
            if is_stdout(path) {
                planned.push(Planned {
                    option,
                    path: path.to_path_buf(),
                    file: None,
                });
                continue;
            }
            let target = resolve(option, path)?;
            if let Some((other, _)) = targets.iter().find(|(_, t)| *t == target) {
                bail!(
                    "{other} and {option} both write to {}: give each output its own file",
                    path.display()
                );
            }
            refuse_inputs(option, path, &target, inputs)?;
            let folder = target.parent().unwrap_or(Path::new("."));
            let temp = temporary_file(folder, &target)
                .with_context(|| format!("{option} {}: cannot write there", path.display()))?;
            targets.push((option, target.clone()));
            planned.push(Planned {
                option,
                path: path.to_path_buf(),
                file: Some((temp, target)),
            });
        }
        Ok(Outputs {
            planned,
            stdout_taken: !to_stdout.is_empty(),
        })
    }

    /// Whether one of the outputs goes to stdout (which then carries nothing else).
    pub(crate) fn stdout_taken(&self) -> bool {
        self.stdout_taken
    }

    /// Writes the output `option` asked for, if it was requested: into its
    /// temporary file, then renamed into place; or to stdout.
    ///
    /// # Errors
    /// Whatever `write` returns, or a failure to flush, sync or rename.
    pub(crate) fn write(
        &mut self,
        option: &str,
        write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let Some(index) = self.planned.iter().position(|p| p.option == option) else {
            return Ok(());
        };
        let Planned { path, file, .. } = self.planned.swap_remove(index);
        let failed = || format!("cannot write {}", path.display());
        match file {
            None => {
                let mut out = BufWriter::new(std::io::stdout().lock());
                write(&mut out).with_context(failed)?;
                out.flush().with_context(failed)?;
            }
            Some((temp, target)) => {
                let mut out = BufWriter::new(temp);
                write(&mut out).with_context(failed)?;
                let temp = out
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(failed)?;
                temp.as_file().sync_all().with_context(failed)?;
                temp.persist(&target)
                    .map_err(|e| e.error)
                    .with_context(failed)?;
            }
        }
        Ok(())
    }
}

fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The file an output path names, with its folder's links resolved (and the
/// path's own, when it is a link to a file: the file is replaced, not the link).
fn resolve(option: &str, path: &Path) -> anyhow::Result<PathBuf> {
    if path.is_dir() {
        bail!(
            "{option} {}: is a folder, expected a file name",
            path.display()
        );
    }
    if let Ok(existing) = path.canonicalize() {
        return Ok(existing);
    }
    let Some(name) = path.file_name() else {
        bail!("{option} {}: expected a file name", path.display());
    };
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match folder.canonicalize() {
        Ok(folder) if folder.is_dir() => Ok(folder.join(name)),
        Ok(_) => bail!(
            "{option} {}: {} is not a folder",
            path.display(),
            folder.display()
        ),
        Err(_) => bail!(
            "{option} {}: folder {} does not exist",
            path.display(),
            folder.display()
        ),
    }
}

/// Refuses an output that is an input, or a file an input folder reads.
fn refuse_inputs(
    option: &str,
    path: &Path,
    target: &Path,
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    for input in inputs.iter().filter(|i| !is_stdout(i)) {
        if same_file::is_same_file(input, target).unwrap_or(false) {
            bail!(
                "{option} {} is the input {}: reprint never writes over its input",
                path.display(),
                input.display()
            );
        }
        let inside = input
            .canonicalize()
            .is_ok_and(|folder| folder.is_dir() && target.starts_with(&folder));
        if inside && reprint::reads_as_article(target) {
            bail!(
                "{option} {} is inside the input folder {} and is a file a scan of it reads as an article: write it elsewhere",
                path.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// A hidden temporary file beside `target`, created with the permissions a
/// new file gets (the temporary files' private default would stick after the
/// rename).
fn temporary_file(folder: &Path, target: &Path) -> std::io::Result<NamedTempFile> {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The process's umask applies, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(folder)
}

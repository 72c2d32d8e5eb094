//! The package's exceptions, and the library's errors as them: the message
//! the CLI prints (the error and its causes), settings named as keyword
//! arguments.

use std::error::Error as _;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::PyErr;
use reprint::Error;

use crate::settings::in_python_terms;

create_exception!(
    reprint,
    ReprintError,
    PyException,
    "Every error reprint raises (its subclasses say which kind)."
);
create_exception!(
    reprint,
    SettingError,
    ReprintError,
    "A setting out of its range, or settings that do not go together."
);
create_exception!(
    reprint,
    InputError,
    ReprintError,
    "An article that cannot be read: a bad record, a duplicate id, a missing text field, a file that cannot be read."
);
create_exception!(
    reprint,
    IndexStoreError,
    ReprintError,
    "An index that cannot be used: not an index, written by another process, opened only to read, or its files failing."
);

/// `err` as the exception of its kind, with the CLI's message.
pub fn to_py(err: Error) -> PyErr {
    let mut message = in_python_terms(&err);
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    match err {
        Error::Io { .. }
        | Error::NotFound { .. }
        | Error::BadLine { .. }
        | Error::DuplicateId { .. }
        | Error::IdClash { .. }
        | Error::NoWords { .. }
        | Error::InputChanged { .. }
        | Error::IdInIndex { .. }
        | Error::IdRequired { .. } => InputError::new_err(message),
        Error::SettingOutOfRange { .. }
        | Error::BandsExceedSignature { .. }
        | Error::IncompatibleSignatures { .. } => SettingError::new_err(message),
        Error::IndexExists { .. }
        | Error::NotAnIndex { .. }
        | Error::IndexBusy { .. }
        | Error::IndexReadOnly { .. }
        | Error::IndexStore { .. } => IndexStoreError::new_err(message),
        _ => ReprintError::new_err(message),
    }
}

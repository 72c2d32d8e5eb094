from typing import Iterable

import numpy as np

from ._reprint import (
    SCAN_SETTINGS as SCAN_SETTINGS,
    Index as Index,
    IndexStoreError as IndexStoreError,
    InputError as InputError,
    Report as Report,
    ReprintError as ReprintError,
    SettingError as SettingError,
    ScanPlan as ScanPlan,
    Sketcher as Sketcher,
    __version__ as __version__,
    compare as compare,
    scan as scan,
)

__all__ = [
    "SCAN_SETTINGS",
    "Index",
    "IndexStoreError",
    "InputError",
    "Report",
    "ReprintError",
    "SettingError",
    "ScanPlan",
    "Sketcher",
    "__version__",
    "compare",
    "scan",
    "sketch_numpy",
]

def sketch_numpy(
    sketcher: Sketcher, texts: Iterable[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...

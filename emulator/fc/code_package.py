"""A function's code as FC keeps it: one zip, whose CRC-64 is ``codeChecksum`` and whose length is
``codeSize``, and the signed address GetFunctionCode hands out for it.

FC stores the zip in an OSS bucket of its own and answers a presigned URL to it. Here the zip is made
from the files the local runtime runs (``Code.files()``: the build folder with ``--from-build``; in a
source run the sources the package is built from, without its wheels), each under the name it has in
the package, and written to the emulator's OSS, in a private bucket of the owning account
(:func:`code_bucket`), signed with the key VOD and FC use for their own storage
(``Accounts.service_key``). How long FC's URL lives is not documented: ``VODFC_FC_CODE_URL_SECONDS``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from vodfc.emulator.fc.model import Code
from vodfc.emulator.oss.storage import crc64
from vodfc.emulator.project.zips import add_to_zip

SKIPPED = ("__pycache__",)


@dataclass(frozen=True)
class CodePackage:
    data: bytes
    # CRC-64/ECMA of the zip, in decimal, as FC's ``codeChecksum`` and OSS's hash header give it.
    checksum: str

    @property
    def size(self) -> int:
        return len(self.data)


def package_of(code: Code) -> CodePackage:
    """The deterministic zip of ``code``: the same files give the same bytes, hence the same checksum."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in code.files():
            if any(part in SKIPPED for part in path.parts) or path.suffix == ".pyc":
                continue
            add_to_zip(archive, name_in_package(code, path), path)
    data = buffer.getvalue()
    return CodePackage(data, str(crc64(data)))


def name_in_package(code: Code, path: Path) -> str:
    """Where ``path`` sits in the unpacked package: relative to the first ``sys.path`` entry holding it
    (the code directory comes first; a source run's ``shared/`` lands under the folder above it)."""
    for entry in code.path or (code.dir,):
        if path.is_relative_to(entry):
            return path.relative_to(entry).as_posix()
    return path.name


def code_bucket(account_id: str, region: str) -> str:
    """The bucket the emulator keeps an account's function code in (FC's is FC's own, out of sight)."""
    return f"fc-code-{region}-{account_id}"


def code_key(function_id: str, package: CodePackage) -> str:
    return f"code/{function_id}/{package.checksum}.zip"

"""Front-end files made elsewhere, fetched at install time, pinned and checked; never committed.

`make install` runs ``python -m espri_ia.vendor``: each package's tarball comes from
the npm registry over HTTPS, its SHA-256 must match the pin below (as pip checks
wheels), and only the named files, licence included, land in ``vendor/<folder>/``,
which ``espri_ia.staticfinders`` serves. No Node is needed, and nothing runs from
the package. Running again does nothing once the files match the pin.

To move to a new version: change ``version`` and ``sha256`` (``sha256sum`` of the
``.tgz`` that ``npm view <name>@<version> dist.tarball`` names, whose npm
``dist.integrity`` should match too), then ``make install``.
"""

import hashlib
import io
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent.parent / "vendor"
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sha256: str  # of the registry's .tgz
    folder: str  # under vendor/
    files: dict  # path inside the tarball: file name in the folder

    @property
    def url(self):
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


PACKAGES = [
    # Plotly's partial bundle with the cartesian traces: the bar, heatmap and scatter
    # charts of the survey results, at a third of the full bundle's weight.
    Package(
        name="plotly.js-cartesian-dist-min",
        version="4.1.1",
        sha256="c5f9a84666b97e571a04de689e09319869e60900e265c89eac2f71d0b5a0de88",
        folder="plotly",
        files={"package/plotly-cartesian.min.js": "plotly.min.js", "package/LICENSE": "LICENSE"},
    ),
]


class VendorError(Exception):
    pass


def _stamp(folder):
    return folder / ".sha256"


def is_installed(package, root=VENDOR_DIR):
    folder = root / package.folder
    stamp = _stamp(folder)
    return (
        stamp.is_file()
        and stamp.read_text().strip() == package.sha256
        and all((folder / name).is_file() for name in package.files.values())
    )


def install(package, root=VENDOR_DIR, url=None):
    """Fetch, check and unpack ``package`` into ``root/<folder>``; nothing is written on a mismatch."""
    if is_installed(package, root):
        return False
    source = url or package.url
    with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 - a pinned https URL (file: in tests)
        data = response.read()
    found = hashlib.sha256(data).hexdigest()
    if found != package.sha256:
        raise VendorError(
            f"{package.name} {package.version}: SHA-256 {found}, expected {package.sha256}"
        )
    contents = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member, name in package.files.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise VendorError(f"{package.name}: {member} is not a file")
            contents[name] = extracted.read()
    folder = root / package.folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (folder / name).write_bytes(content)
    _stamp(folder).write_text(package.sha256 + "\n")
    return True


def main():
    for package in PACKAGES:
        try:
            fetched = install(package)
        except (OSError, VendorError, tarfile.TarError) as error:
            sys.exit(f"Could not install {package.name} {package.version}: {error}")
        state = "fetched and checked" if fetched else "already in place"
        print(f"{package.name} {package.version}: {state} (vendor/{package.folder}/)")


if __name__ == "__main__":
    main()

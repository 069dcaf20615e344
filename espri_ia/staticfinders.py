"""Serve single front-end files fetched at install time (``espri_ia.vendor``), without copying them."""

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

from espri_ia.vendor import PACKAGES, VENDOR_DIR

# Static path -> file under vendor/: each package's files, its licence beside them.
PACKAGE_FILES = {
    f"vendor/{package.folder}/{name}": VENDOR_DIR / package.folder / name
    for package in PACKAGES
    for name in package.files.values()
}


class PackageFileFinder(BaseFinder):
    """Expose exactly the files of PACKAGE_FILES, not the packages' whole folders."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        source = PACKAGE_FILES.get(path)
        if source is None or not source.is_file():
            return []  # as Django's own finders answer "not here"
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for static_path, source in PACKAGE_FILES.items():
            storage = FileSystemStorage(location=str(source.parent))
            # collectstatic copies storage.path(name) to prefix + name.
            storage.prefix = str(Path(static_path).parent)
            yield source.name, storage

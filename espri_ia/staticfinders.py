"""Serve single front-end files that Python packages ship, without copying them."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# Static path -> file inside an installed package.
PACKAGE_FILES = {
    "vendor/plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
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

"""Packaging glue that pyproject.toml cannot express (all metadata lives there).

The checkout keeps the bundled data in ``resources/`` at the top (PyInstaller, the build
scripts and the tests read it there); a wheel carries the same folder as ``app/_resources``,
where ``app.config.resource_path`` finds it after ``pip install``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["app", "app.*"]), "app._resources"],
    package_dir={"app._resources": "resources"},
)

"""Packaging that pyproject.toml cannot say alone: the top-level templates/ folder, where legal edits
the Word templates, ships inside the package as ``partnerkit.templates`` (wheel and editable installs).
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["partnerkit", "partnerkit.*"]), "partnerkit.templates"],
    package_dir={"partnerkit.templates": "templates"},
)

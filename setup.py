"""Packaging that pyproject.toml cannot say alone: two top-level folders ship inside the package.

``templates/``, where legal edits the Word templates, as ``partnerkit.templates``; ``workbook/``, the
planning workbook's companion Python module, as ``partnerkit.companion`` (wheel and editable installs).
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["partnerkit", "partnerkit.*"]),
        "partnerkit.templates",
        "partnerkit.companion",
    ],
    package_dir={"partnerkit.templates": "templates", "partnerkit.companion": "workbook"},
)

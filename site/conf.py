"""Sphinx configuration of the published site. scripts/build_site.py (make site) stages the README and the
lessons into build/site-src/ and builds them with this folder as the configuration folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from navigation import repository  # noqa: E402  (scripts/ is not a package)

project = "Phi-3 chat models with the Azure AI Inference SDK"
html_title = project
extensions = ["myst_nb", "sphinx_copybutton"]
root_doc = "index"
nb_execution_mode = "off"  # the lessons' committed outputs, from replay: the site never runs a cell
nb_ipywidgets_js = {}  # no widget state is stored (lesson 06 shows a still), so no widget script from a CDN
myst_heading_anchors = 3  # the README's links such as #live-or-offline resolve on the landing page
copybutton_exclude = ".linenos, .gp"  # copy the code, not the prompts
html_theme = "sphinx_book_theme"
html_theme_options = {
    "repository_url": repository(),  # pyproject.toml's; build_site.py --repository overrides it
    "use_repository_button": True,
    "use_download_button": True,  # each lesson's .ipynb
    "show_toc_level": 2,
}
html_context = {"default_mode": "light"}
html_static_path = ["_static"]
html_css_files = ["launch.css", "outputs.css"]
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False

# make links (scripts/check_links.py, weekly in .github/workflows/links.yml): Sphinx's linkcheck over the same
# staged pages. It reports dead links and never fails on them: many lessons link to the retired service's docs.
linkcheck_timeout = 15  # seconds per request
linkcheck_retries = 2  # a second try before a link counts as dead or unreachable
linkcheck_workers = 8
# No anchor checks: many docs sites (learn.microsoft.com, GitHub) render their anchors with JavaScript.
linkcheck_anchors = False
linkcheck_ignore = [
    # The lessons' local servers (Ollama, the replay server): never running where the check runs.
    r"https?://(localhost|127\.0\.0\.1)([:/]|$)",
    # The launch buttons open the project's own repository: a Codespaces link answers with a sign-in page, and
    # a request to Binder starts building the repository's image. The repository's files are checked anyway
    # (the links to files that are not pages point at its blob/main/ URLs).
    r"https://codespaces\.new/",
    r"https://mybinder\.org/v2/gh/",
]
# Lesson 04's %%bash cells are highlighted with the notebook's lexer (Python), which gives up at a shell's $JS and
# falls back to plain, relaxed highlighting: harmless, so not a warning that fails the build.
suppress_warnings = ["misc.highlighting_failure"]
# Apostrophes as written, everywhere: Sphinx would curl them in the text but not in the sidebar's lesson titles.
smartquotes = False

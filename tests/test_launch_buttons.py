"""The launch buttons (GitHub Codespaces in both configurations, Binder) and the website's address come from
pyproject.toml's [project.urls], through scripts/navigation.py, into the README and onto every site page."""

import re
from urllib.parse import parse_qs, urlsplit

import navigation  # scripts/navigation.py (conftest.py puts scripts/ on the path)
from navigation import ROOT, project_urls


def test_the_launch_links_open_the_repository_in_each_configuration():
    repo = "https://github.com/someone/tutorial"
    site = "https://someone.github.io/tutorial/"
    links = {
        label: url
        for label, url, _ in navigation.launch_links(repo, "notebooks/03-streaming.ipynb", site=site)
    }
    assert list(links) == ["Run in your browser", "Codespaces", "Codespaces with Ollama", "Binder"]
    assert (
        links["Run in your browser"] == f"{site}lite/notebooks/index.html?path=notebooks/03-streaming.ipynb"
    )
    assert links["Codespaces"] == "https://codespaces.new/someone/tutorial?quickstart=1"
    ollama = urlsplit(links["Codespaces with Ollama"])
    assert ollama.path == "/someone/tutorial"
    assert parse_qs(ollama.query) == {
        "quickstart": ["1"],
        "devcontainer_path": [".devcontainer/local-phi3/devcontainer.json"],
    }
    assert (ROOT / parse_qs(ollama.query)["devcontainer_path"][0]).is_file()
    assert links["Binder"] == (
        "https://mybinder.org/v2/gh/someone/tutorial/HEAD?urlpath=lab/tree/notebooks/03-streaming.ipynb"
    )


def test_binder_builds_from_environment_yml():
    assert (ROOT / "environment.yml").is_file()  # repo2docker's first choice; it installs the project


def test_the_readme_has_the_launch_buttons_of_the_repository_in_pyproject():
    readme = (ROOT / "README.md").read_text()
    repo = project_urls()["Repository"]
    for label, url, what in navigation.launch_links(repo, "notebooks/00-setup.ipynb"):
        assert f"| [{label}]({url}) | {what} |" in readme


def test_every_link_to_the_website_is_the_documentation_address():
    readme = (ROOT / "README.md").read_text()
    site = project_urls()["Documentation"]
    links = re.findall(r"https://[\w.-]+\.github\.io/[^)\s]*", readme)
    in_browser = (
        f"{site}{navigation.IN_BROWSER}?path=notebooks/00-setup.ipynb"  # the in-browser edition's button
    )
    assert links and set(links) == {site, in_browser}
    owner, name = urlsplit(project_urls()["Repository"]).path.strip("/").split("/")
    assert site == f"https://{owner}.github.io/{name}/"  # GitHub Pages' address of that repository

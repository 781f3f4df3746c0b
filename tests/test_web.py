"""The web interface in a real browser: Debian's Chromium, headless, driven by Playwright, against a
running `kmgraph serve`. Screenshots of every step go to test-artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import REPO
from .services import server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "test-artifacts" / "screenshots"
INVALID = (REPO / "examples/records/invalid/missing-title.ttl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium` "
                    "(make test does it through scripts/test-services.sh)")
    from playwright.sync_api import sync_playwright

    live = server.start(tmp_path_factory.mktemp("web") / "store")
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(20_000)
            yield live.url, page
            browser.close()
    finally:
        live.stop()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_home_search_and_target_page(browser_page):
    url, page = browser_page
    page.goto(url + "/")
    assert "knowledge objects" in page.inner_text("main")
    assert page.locator("table tbody tr").count() >= 5  # the vocabularies loaded
    shot(page, "01-home")
    page.fill("#home-q", "restoration")
    option = page.locator("[role=option]", has_text="GBF-TARGET-02")
    option.wait_for()
    shot(page, "02-autocomplete")
    option.click()
    page.wait_for_url(re.compile(r"/concepts/GBF-TARGET-02"))
    assert "Restore 30% of all Degraded Ecosystems" in page.inner_text("h1")
    shot(page, "03-target-2")


def test_french_labels_and_visible_fallback(browser_page):
    url, page = browser_page
    page.goto(url + "/concepts/GBF-TARGET-02?lang=en")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"lang=fr"))
    heading = page.locator("h1")
    assert heading.locator("span[lang=fr]").inner_text() == "Restaurer 30 % des écosystèmes dégradés"
    assert heading.locator(".fallback").count() == 0
    page.goto(url + "/concepts/GBF-VISION?lang=fr")
    assert heading.locator(".fallback").inner_text() == "(en)"  # no French label: English, marked
    assert heading.locator("span[lang=en]").count() == 1
    shot(page, "04-gbf-vision-fr-fallback")
    page.goto(url + "/concepts/SDG-TARGET-15.1?lang=fr")
    assert heading.locator("span[lang=fr]").inner_text().startswith("D’ici à 2020, garantir la préservation")
    assert heading.locator(".fallback").count() == 0
    assert page.locator("html").get_attribute("lang") == "fr"
    shot(page, "05-sdg-target-fr")


def test_interface_in_french(browser_page):
    """A French-speaking user walks the interface: home, autocomplete without accents, a target page
    with its official texts and indicators by role, the tree, validation."""
    url, page = browser_page
    page.goto(url + "/?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    nav = page.locator("nav[aria-label=Principal]")
    assert "Parcourir" in nav.inner_text() and "Rechercher" in nav.inner_text()
    assert "n'est pas une version officielle de la CDB" in page.inner_text("#kmgbf-notice")
    page.fill("#home-q", "conserver 30")
    option = page.locator("[role=option]", has_text="GBF-TARGET-03")
    option.wait_for()
    shot(page, "12-fr-autocomplete")
    option.click()
    page.wait_for_url(re.compile(r"/concepts/GBF-TARGET-03"))
    assert page.locator("h1 span[lang=fr]").inner_text() == "Conserver 30 % des terres, des eaux et des mers"
    assert page.locator("#definition").inner_text().startswith("Faire en sorte que, d'ici à 2030")
    assert page.get_by_role("heading", name="Indicateurs").count() == 1
    row = page.locator("#indicators tr", has_text="3.1")
    assert "principal" in row.first.inner_text()
    assert "Citer" in page.inner_text("aside.notice")
    shot(page, "13-fr-target-3")
    page.goto(url + "/ui/search?lang=fr")
    page.fill("#concept-box", "protegees")  # no accents typed: "protégées" is found
    page.locator("[role=option]", has_text="protégées").first.wait_for()
    shot(page, "14-fr-autocomplete-accents")
    page.get_by_role("link", name="Parcourir").click()
    page.wait_for_url(re.compile(r"/ui/browse"))
    assert page.locator("h1").inner_text() == "Parcourir les vocabulaires"
    goal = page.locator("#tree > li > details", has=page.locator("summary a", has_text="GBF-GOAL-A"))
    assert "Objectif A" in goal.locator("summary").inner_text()
    goal.locator("summary").click()
    target = goal.locator("details", has=page.locator("summary a", has_text="GBF-TARGET-01"))
    target.wait_for()
    assert "Planifier et gérer toutes les zones" in target.locator("summary").inner_text()
    shot(page, "15-fr-tree")
    page.get_by_role("link", name="Valider").click()
    page.fill("#record", INVALID)
    page.get_by_role("button", name="Valider").click()
    report = page.locator("#report")
    report.wait_for()
    assert "Non conforme" in report.inner_text()
    shot(page, "16-fr-validation")


def test_browser_language_chooses_the_interface(browser_page):
    url, page = browser_page
    context = page.context.browser.new_context(locale="es-ES")
    spanish = context.new_page()
    try:
        spanish.goto(url + "/ui/browse")
        assert spanish.locator("html").get_attribute("lang") == "es"
        assert spanish.locator("h1").inner_text() == "Explorar los vocabularios"
        spanish.goto(url + "/ui/search?lang=ar")
        assert spanish.locator("html").get_attribute("dir") == "rtl"
        shot(spanish, "17-ar-rtl")
    finally:
        context.close()


def test_browse_goal_target_indicator(browser_page):
    url, page = browser_page
    page.goto(url + "/ui/browse?vocab=gbf&lang=en")
    goal = page.locator("#tree > li > details", has=page.locator("summary a", has_text="GBF-GOAL-A"))
    goal.locator("summary").click()
    target = goal.locator("details", has=page.locator("summary a", has_text="GBF-TARGET-04"))
    target.wait_for()
    target.locator("summary").focus()
    page.keyboard.press("Enter")  # keyboard opens a level too
    indicator = target.locator("ul li a", has_text=re.compile(r"GBF-INDICATOR-|4\.")).first
    indicator.wait_for()
    shot(page, "06-tree")
    indicator.click()
    page.wait_for_url(re.compile(r"/concepts/"))
    crumbs = page.locator("nav[aria-label=Hierarchy]").inner_text()
    assert "GBF-GOAL-A" in crumbs and "GBF-TARGET-04" in crumbs
    shot(page, "07-indicator")


def test_validate_invalid_record_in_french(browser_page):
    url, page = browser_page
    page.goto(url + "/ui/validate")
    page.fill("#record", INVALID)
    page.select_option("#message_lang", "fr")
    page.get_by_role("button", name="Validate").click()
    report = page.locator("#report")
    report.wait_for()
    assert "Does not conform" in report.inner_text()
    assert "Le titre est obligatoire." in report.inner_text()
    assert report.get_attribute("lang") == "fr"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report (JSON)").click()
    assert download.value.suggested_filename == "validation-report.json"
    shot(page, "08-validation-fr")


def test_sparql_named_query_shows_rows(browser_page):
    url, page = browser_page
    page.goto(url + "/sparql", wait_until="networkidle")
    assert page.locator(".CodeMirror").count() == 1  # the bundled editor, with highlighting
    page.select_option("#example", "goal-targets")
    assert "SELECT" in page.locator(".CodeMirror").inner_text()  # the example replaced the editor's text
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # highlighted
    page.get_by_role("button", name="Run query").click()
    page.locator("#results table tbody tr").first.wait_for()
    assert page.locator("#results table tbody tr").count() >= 5
    assert "GBF-TARGET-" in page.inner_text("#results table tbody")
    assert re.match(r"\d+ rows", page.inner_text("#status"))
    shot(page, "09-sparql")


def test_tag_pasted_text_with_evidence(browser_page):
    url, page = browser_page
    page.goto(url + "/ui/tag")
    page.fill("#text", "The ministry restores degraded wetlands and mangroves and removes invasive alien species "
                       "from protected areas.")
    page.get_by_role("button", name="Suggest").click()
    suggestions = page.locator("#suggestions")
    suggestions.wait_for()
    assert suggestions.locator("ol li a").count() >= 3
    assert suggestions.locator(".evidence-text mark").count() >= 1
    assert "GBF-TARGET-06" in suggestions.inner_text()  # invasive alien species
    shot(page, "10-tagging")


def test_errors_are_pages_not_traces(browser_page):
    url, page = browser_page
    response = page.goto(url + "/ui/tree?concept=NOT-A-CONCEPT")
    assert response.status == 404
    assert page.locator("[role=alert]").count() == 1 and "Traceback" not in page.content()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(url + "/ui/search?q=forest")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "11-phone-search")
    page.set_viewport_size({"width": 1200, "height": 900})


def test_without_javascript_sparql_gives_a_table_and_validate_keeps_the_record(browser_page):
    """The forms work in a browser with JavaScript off: SPARQL answers an HTML table, not raw XML;
    a record that cannot be read comes back in the form with the reason beside it."""
    url, page = browser_page
    context = page.context.browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    plain = context.new_page()
    try:
        plain.goto(url + "/sparql")
        plain.fill("#query", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                             "SELECT ?n WHERE { ?c skos:notation ?n FILTER(STRSTARTS(?n, \"GBF-GOAL-\")) } ORDER BY ?n")
        with plain.expect_navigation():
            plain.get_by_role("button", name="Run query").click()
        assert plain.evaluate("document.contentType") == "text/html"
        cells = plain.locator("table.results tbody td").all_inner_texts()
        assert cells == ["GBF-GOAL-A", "GBF-GOAL-B", "GBF-GOAL-C", "GBF-GOAL-D"]
        assert "SELECT ?n" in plain.input_value("#query")  # the query stays editable
        shot(plain, "12-sparql-without-javascript")
        plain.goto(url + "/ui/validate")
        broken = INVALID.replace(" .", " ;;; .", 1)
        plain.fill("#record", broken)
        with plain.expect_navigation():
            plain.get_by_role("button", name="Validate").click()
        assert plain.input_value("#record") == broken
        assert "line" in plain.inner_text("[role=alert]")
        shot(plain, "13-validate-keeps-the-record")
    finally:
        context.close()

"""The interface in English, French and Spanish: catalogues complete, language chosen from ?lang= or
Accept-Language, <html lang> and dir, official texts on concept pages, accent-insensitive search."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from fastapi.testclient import TestClient

from kmgraph.app import create_app
from kmgraph.config import Settings
from kmgraph.store import EmbeddedStore
from kmgraph.vocab.bundled import load_bundled
from kmgraph.web import i18n

from .conftest import REPO


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = EmbeddedStore(None, query_workers=0)
    load_bundled(store)
    with TestClient(create_app(Settings.load(store=tmp_path_factory.mktemp("i18n") / "s"), store=store)) as c:
        yield c
    store.close()


def template_messages() -> set:
    found = extract_from_dir(str(REPO / "kmgraph/web/templates"), method_map=[("**.html", "jinja2")],
                             options_map={"**.html": {"extensions": "jinja2.ext.i18n"}})
    return {message for _, _, message, _, _ in found}


def test_every_interface_message_is_translated_in_french_and_spanish():
    messages = template_messages()
    assert len(messages) > 100
    for lang in ("fr", "es"):
        catalogue = i18n.catalogues()[lang]
        for message in messages:
            if isinstance(message, tuple):
                assert catalogue.ngettext(message[0], message[1], 2) != message[1], (lang, message)
            else:
                assert catalogue.gettext(message) != message or message in UNCHANGED[lang], (lang, message)


# Words that are the same in the other language.
UNCHANGED = {"fr": {"Code", "Concept", "Concepts", "Message", "Source", "Suggestions", "Type", "Justification",
                    "Relation", "score", "Conforme"},
             "es": {"Principal", "Conforme"}}


def test_negotiation():
    assert i18n.negotiate("fr-CH, fr;q=0.9, en;q=0.8") == "fr"
    assert i18n.negotiate("de-DE,de;q=0.9,es;q=0.5") == "es"
    assert i18n.negotiate("de") == "en" and i18n.negotiate(None) == "en"
    assert i18n.negotiate("en;q=0.2, ar") == "ar"
    assert i18n.direction("ar") == "rtl" and i18n.direction("fr") == "ltr"


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize("query,headers,lang,heading", [
    ("?lang=fr", {}, "fr", "Parcourir les vocabulaires"),
    ("", {"Accept-Language": "es-ES,es;q=0.9"}, "es", "Explorar los vocabularios"),
    ("?lang=de", {"Accept-Language": "fr"}, "fr", "Parcourir les vocabulaires"),  # unknown ?lang=: the header
    ("", {}, "en", "Browse vocabularies"),
    ("?lang=ar", {}, "ar", "Browse vocabularies"),  # no Arabic catalogue yet: English strings, rtl page
])
def test_page_language(client, query, headers, lang, heading):
    r = client.get("/ui/browse" + query, headers=headers)
    assert r.status_code == 200
    assert f'lang="{lang}"' in html_tag(r.text)
    assert ('dir="rtl"' in html_tag(r.text)) == (lang == "ar")
    assert f"<h1>{heading}</h1>" in r.text


def test_concept_page_in_spanish_with_official_texts_and_notice(client):
    r = client.get("/concepts/GBF-TARGET-01", headers={"Accept": "text/html", "Accept-Language": "es"})
    assert r.status_code == 200 and 'lang="es"' in html_tag(r.text)
    assert "Someter todas las zonas a planificación y gestión para reducir la pérdida de biodiversidad" in r.text
    assert "Garantizar que todas las zonas estén sujetas a planificación espacial" in r.text
    assert "Definición" in r.text and "Indicadores" in r.text
    assert "KMGBF Monitoring Framework Ontology. Version 1.0.1" in r.text and "not an official CBD version" in r.text
    assert 'href="http://metadata.cbd.int/kmgbf/target_1"' in r.text  # the official IRI, linked


def test_concept_json_has_roles_short_titles_and_notice(client):
    target = client.get("/concepts/GBF-TARGET-08", params={"lang": "fr"}).json()
    assert ("7.1", "complementary") in {(i["code"], i["role"]) for i in target["indicators"]}
    assert set(target["shortTitles"]) == {"en", "fr", "es"}
    assert target["notice"]["license"] == "https://creativecommons.org/licenses/by/4.0/igo/"
    indicator = client.get("/concepts", params={"uri": "http://metadata.cbd.int/kmgbf/indicator_7.1"}).json()
    assert indicator["notation"] == "GBF-INDICATOR-7.1"  # the official IRI names kmgraph's concept
    assert [(m["notation"], m["role"]) for m in indicator["monitors"]] == [("GBF-TARGET-07", "headline"),
                                                                         ("GBF-TARGET-08", "complementary")]
    assert indicator["custodians"]


def test_autocomplete_ignores_accents_and_case(client):
    hits = client.get("/concepts/search", params={"query": "PROTEGEES", "lang": "fr"}).json()["results"]
    assert hits and all("protégées" in h["matchedLabel"].lower() for h in hits)
    spanish = client.get("/concepts/search", params={"query": "extincion", "lang": "es"}).json()["results"]
    assert any("extinción" in h["matchedLabel"] for h in spanish)
    # Official KMGBF concepts are not listed twice: each is its kmgraph concept.
    goal = client.get("/concepts/search", params={"query": "Objectif A", "lang": "fr"}).json()["results"]
    assert [h["notation"] for h in goal[:1]] == ["GBF-GOAL-A"]
    assert not any(h["uri"].startswith("http://metadata.cbd.int/") for h in goal)

"""French and Spanish strings of the web interface, written by the kmgraph editors (not machine
translated; vocabulary content is never translated, only the interface). ``make messages`` extracts
the templates' messages and writes ``kmgraph/web/locale/<lang>/LC_MESSAGES/messages.po`` from these
tables; a test checks that every message of the templates has a translation in each catalogue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "kmgraph/web/locale"

# msgid -> (French, Spanish); plural messages: (singular, plural) -> ((fr sg, fr pl), (es sg, es pl))
STRINGS: dict[str, tuple[str, str]] = {
    "%(concepts)s concepts, %(triples)s triples; %(added)s new, %(changed)s changed, %(removed)s removed.":
        ("%(concepts)s concepts, %(triples)s triplets ; %(added)s nouveaux, %(changed)s modifiés, %(removed)s supprimés.",
         "%(concepts)s conceptos, %(triples)s tripletas; %(added)s nuevos, %(changed)s modificados, %(removed)s eliminados."),
    "%(records)s record(s), %(violations)s violation(s), %(warnings)s warning(s)":
        ("%(records)s fiche(s), %(violations)s violation(s), %(warnings)s avertissement(s)",
         "%(records)s registro(s), %(violations)s infracción(es), %(warnings)s advertencia(s)"),
    "%(tag)s via %(expansion)s of %(concept)s": ("%(tag)s par %(expansion)s de %(concept)s",
                                                 "%(tag)s por %(expansion)s de %(concept)s"),
    "(choose a named query)": ("(choisir une requête nommée)", "(elegir una consulta con nombre)"),
    "(truncated by the row cap)": ("(tronqué par la limite de lignes)", "(truncado por el límite de filas)"),
    "Abandon": ("Abandonner", "Abandonar"),
    "Answer:": ("Réponse :", "Respuesta:"),
    "Back": ("Retour", "Volver"),
    "Broader": ("Plus large", "Más amplio"),
    "Browse": ("Parcourir", "Explorar"),
    "Browse vocabularies": ("Parcourir les vocabulaires", "Explorar los vocabularios"),
    "Changes": ("Modifications", "Cambios"),
    "Changes against the current version": ("Modifications par rapport à la version actuelle",
                                            "Cambios respecto de la versión actual"),
    "Check": ("Vérifier", "Comprobar"),
    "Check a metadata record against the shapes before submitting it. Nothing is stored.":
        ("Vérifiez une fiche de métadonnées au regard des formes avant de la soumettre. Rien n'est enregistré.",
         "Compruebe un registro de metadatos con las formas antes de enviarlo. No se guarda nada."),
    "Cite:": ("Citer :", "Citar:"),
    "Clear filters": ("Effacer les filtres", "Quitar los filtros"),
    "Code": ("Code", "Código"),
    "Concept": ("Concept", "Concepto"),
    "Concepts": ("Concepts", "Conceptos"),
    "Confirm: load as a new version": ("Confirmer : charger comme nouvelle version",
                                       "Confirmar: cargar como nueva versión"),
    "Conforms": ("Conforme", "Conforme"),
    "Country": ("Pays", "País"),
    "Curate": ("Gérer", "Gestionar"),
    "Curate a vocabulary": ("Gérer un vocabulaire", "Gestionar un vocabulario"),
    "Curator token": ("Jeton de gestionnaire", "Token de gestor"),
    "Current version": ("Version actuelle", "Versión actual"),
    "Custodian agencies:": ("Organismes responsables :", "Organismos custodios:"),
    "Definition": ("Définition", "Definición"),
    "Does not conform": ("Non conforme", "No conforme"),
    "Download CSV": ("Télécharger en CSV", "Descargar CSV"),
    "Download JSON": ("Télécharger en JSON", "Descargar JSON"),
    "Download report (JSON)": ("Télécharger le rapport (JSON)", "Descargar el informe (JSON)"),
    "Download report (Turtle)": ("Télécharger le rapport (Turtle)", "Descargar el informe (Turtle)"),
    "Edition": ("Édition", "Edición"),
    "Evidence:": ("Indices :", "Indicios:"),
    "Expansion": ("Extension", "Ampliación"),
    "Facets": ("Facettes", "Facetas"),
    "Field": ("Champ", "Campo"),
    "File": ("Fichier", "Archivo"),
    "Find a concept": ("Trouver un concept", "Buscar un concepto"),
    "Goal or target": ("Objectif ou cible", "Objetivo o meta"),
    "Hierarchy": ("Hiérarchie", "Jerarquía"),
    "Home": ("Accueil", "Inicio"),
    "Id": ("Identifiant", "Identificador"),
    "Indicator": ("Indicateur", "Indicador"),
    "Indicators": ("Indicateurs", "Indicadores"),
    "Justification": ("Justification", "Justificación"),
    ("Knowledge graph of the CBD biodiversity vocabularies: the Kunming-Montreal Global Biodiversity Framework, "
    "the knowledge management strategy and the clearing-house mechanism programme of work."):
        (("Graphe de connaissances des vocabulaires de la CDB sur la biodiversité : le Cadre mondial de la biodiversité "
         "de Kunming-Montréal, la stratégie de gestion des connaissances et le programme de travail du mécanisme "
         "d'échange d'informations."),
         ("Grafo de conocimiento de los vocabularios del CDB sobre la diversidad biológica: el Marco Mundial de "
         "Biodiversidad de Kunming-Montreal, la estrategia de gestión de los conocimientos y el programa de trabajo "
         "del mecanismo de facilitación.")),
    "Knowledge objects": ("Objets de connaissance", "Objetos de conocimiento"),
    "Labels": ("Libellés", "Etiquetas"),
    "Language": ("Langue", "Idioma"),
    "Language of the messages": ("Langue des messages", "Idioma de los mensajes"),
    "Language of the text": ("Langue du texte", "Idioma del texto"),
    "Detect it": ("La détecter", "Detectarlo"),
    "Licence:": ("Licence :", "Licencia:"),
    "Loaded": ("Chargé", "Cargado"),
    "Loading…": ("Chargement…", "Cargando…"),
    "Main": ("Principal", "Principal"),
    "Mappings": ("Correspondances", "Correspondencias"),
    "Message": ("Message", "Mensaje"),
    "Monitors": ("Suit", "Monitorea"),
    "Named query as example": ("Requête nommée comme exemple", "Consulta con nombre como ejemplo"),
    "Narrower": ("Plus spécifique", "Más específico"),
    "Next page": ("Page suivante", "Página siguiente"),
    "No concept reached the threshold.": ("Aucun concept n'a atteint le seuil.", "Ningún concepto alcanzó el umbral."),
    "No findings.": ("Aucune constatation.", "Sin observaciones."),
    "Open a level to load the next one. Labels in another language than the one chosen carry its code.":
        (("Ouvrez un niveau pour charger le suivant. Les libellés dans une autre langue que celle choisie portent "
         "le code de leur langue."),
         ("Abra un nivel para cargar el siguiente. Las etiquetas en otro idioma que el elegido llevan el código de "
         "su idioma.")),
    "Path:": ("Chemin :", "Ruta:"),
    "Preferred": ("Préféré", "Preferida"),
    "Quality gate": ("Contrôle de qualité", "Control de calidad"),
    "Quality gate:": ("Contrôle de qualité :", "Control de calidad:"),
    "Query": ("Requête", "Consulta"),
    "Record (Turtle or JSON-LD) or CBD KM document (JSON)": ("Fiche (Turtle ou JSON-LD) ou document KM de la CDB (JSON)",
                                                             "Registro (Turtle o JSON-LD) o documento KM del CDB (JSON)"),
    "CBD KM document (JSON)": ("Document KM de la CDB (JSON)", "Documento KM del CDB (JSON)"),
    "Not checked (thesaurus domains kmgraph does not hold):": (
        "Non vérifié (domaines du thésaurus que kmgraph ne détient pas) :",
        "No comprobado (dominios del tesauro que kmgraph no tiene):"),
    "Relation": ("Relation", "Relación"),
    "Report": ("Rapport", "Informe"),
    "Results": ("Résultats", "Resultados"),
    "Role": ("Rôle", "Función"),
    "Run query": ("Exécuter la requête", "Ejecutar la consulta"),
    "Running…": ("Exécution…", "Ejecutando…"),
    "SPARQL query editor": ("Éditeur de requêtes SPARQL", "Editor de consultas SPARQL"),
    "SPARQL results": ("Résultats SPARQL", "Resultados SPARQL"),
    "Search": ("Rechercher", "Buscar"),
    "Search knowledge objects": ("Rechercher des objets de connaissance", "Buscar objetos de conocimiento"),
    "Search records": ("Rechercher des fiches", "Buscar registros"),
    "Search them": ("Les rechercher", "Buscarlos"),
    "Severity": ("Gravité", "Gravedad"),
    "Short title:": ("Titre abrégé :", "Título abreviado:"),
    "Show": ("Afficher", "Mostrar"),
    "Skip to content": ("Aller au contenu", "Ir al contenido"),
    "Source": ("Source", "Fuente"),
    "Source of the data": ("Source des données", "Fuente de los datos"),
    "Source:": ("Source :", "Fuente:"),
    "Suggest": ("Suggérer", "Sugerir"),
    "Suggest tags": ("Suggérer des étiquettes", "Sugerir etiquetas"),
    "Suggestions": ("Suggestions", "Sugerencias"),
    "Suggestions list matching concepts; Enter searches records.":
        ("Les suggestions listent les concepts correspondants ; Entrée recherche les fiches.",
         "Las sugerencias muestran los conceptos que coinciden; Intro busca los registros."),
    "Syntax": ("Syntaxe", "Sintaxis"),
    "Tag": ("Étiqueter", "Etiquetar"),
    "Target": ("Cible", "Meta"),
    "Target or goal": ("Cible ou objectif", "Meta u objetivo"),
    "Text (English, French or Spanish)": ("Texte (anglais, français ou espagnol)", "Texto (inglés, francés o español)"),
    ("The GBF goals, targets and indicators include data from the CBD Secretariat's KMGBF Monitoring Framework "
    "Ontology (CC BY 4.0 IGO). kmgraph's copy is adapted and is not an official CBD version."):
        (("Les objectifs, cibles et indicateurs du Cadre comprennent des données de l'ontologie du cadre de suivi "
         "(KMGBF Monitoring Framework Ontology) du Secrétariat de la CDB (CC BY 4.0 IGO). La copie de kmgraph est "
         "adaptée et n'est pas une version officielle de la CDB."),
         ("Los objetivos, metas e indicadores del Marco incluyen datos de la ontología del marco de seguimiento "
         "(KMGBF Monitoring Framework Ontology) de la Secretaría del CDB (CC BY 4.0 IGO). La copia de kmgraph está "
         "adaptada y no es una versión oficial del CDB.")),
    "The default graph is the union of all graphs. Anonymous SELECT results are capped; every query has a time limit.":
        (("Le graphe par défaut est l'union de tous les graphes. Les résultats SELECT anonymes sont plafonnés ; "
         "chaque requête a une limite de temps."),
         ("El grafo predeterminado es la unión de todos los grafos. Los resultados SELECT anónimos tienen un límite; "
         "cada consulta tiene un tiempo máximo.")),
    "The request failed:": ("La requête a échoué :", "La solicitud falló:"),
    "The upload for %(vocabulary)s was abandoned; nothing changed.":
        ("Le téléversement pour %(vocabulary)s a été abandonné ; rien n'a changé.",
         "La carga para %(vocabulary)s se abandonó; no cambió nada."),
    "Triples": ("Triplets", "Tripletas"),
    "Type": ("Type", "Tipo"),
    "Type a few letters; choose a concept to open its page.":
        ("Tapez quelques lettres ; choisissez un concept pour ouvrir sa page.",
         "Escriba algunas letras; elija un concepto para abrir su página."),
    ("Upload a new version (Turtle, RDF/XML, JSON-LD, N-Triples, CSV or xlsx in the template). The quality gate "
    "runs and the changes against the current version are shown before anything is stored."):
        (("Téléversez une nouvelle version (Turtle, RDF/XML, JSON-LD, N-Triples, CSV ou xlsx selon le modèle). Le "
         "contrôle de qualité s'exécute et les modifications par rapport à la version actuelle sont affichées avant "
         "tout enregistrement."),
         ("Cargue una nueva versión (Turtle, RDF/XML, JSON-LD, N-Triples, CSV o xlsx según la plantilla). El control "
         "de calidad se ejecuta y los cambios respecto de la versión actual se muestran antes de guardar nada.")),
    "Validate": ("Valider", "Validar"),
    "Validate a record": ("Valider une fiche", "Validar un registro"),
    "Version %(version)s of %(vocabulary)s: %(status)s.": ("Version %(version)s de %(vocabulary)s : %(status)s.",
                                                          "Versión %(version)s de %(vocabulary)s: %(status)s."),
    "Vocabulary": ("Vocabulaire", "Vocabulario"),
    "Vocabulary id": ("Identifiant du vocabulaire", "Identificador del vocabulario"),
    "Words in titles and summaries": ("Mots des titres et résumés", "Palabras de títulos y resúmenes"),
    "Year": ("Année", "Año"),
    "alternative": ("alternatif", "alternativa"),
    "binary": ("binaire", "binario"),
    "complementary": ("complémentaire", "complementario"),
    "component": ("de composante", "de componente"),
    "deprecated": ("obsolète", "obsoleto"),
    "e.g. restoration": ("p. ex. restauration", "p. ej. restauración"),
    "e.g. restoration, GBF-TARGET-02, biodiversité": ("p. ex. restauration, GBF-TARGET-02, biodiversité",
                                                      "p. ej. restauración, GBF-TARGET-02, biodiversidad"),
    "exact concept": ("concept exact", "concepto exacto"),
    "expanded to %(n)s concepts": ("étendu à %(n)s concepts", "ampliado a %(n)s conceptos"),
    "headline": ("principal", "principal"),
    "load despite the errors (recorded as forced)": ("charger malgré les erreurs (enregistré comme forcé)",
                                                     "cargar a pesar de los errores (registrado como forzado)"),
    "no label in this language; shown in %(language)s": ("pas de libellé dans cette langue ; affiché en %(language)s",
                                                         "sin etiqueta en este idioma; se muestra en %(language)s"),
    "passed": ("réussi", "superado"),
    "rows": ("lignes", "filas"),
    "score": ("score", "puntuación"),
    "with narrower and crosswalks": ("avec les concepts plus spécifiques et les correspondances",
                                     "con los conceptos más específicos y las correspondencias"),
    "with narrower concepts": ("avec les concepts plus spécifiques", "con los conceptos más específicos"),
    "…and %(n)s more.": ("…et %(n)s de plus.", "…y %(n)s más."),
    "…or upload a file": ("…ou téléversez un fichier", "…o cargue un archivo"),
}
PLURALS: dict[tuple[str, str], tuple[tuple[str, str], tuple[str, str]]] = {
    ("%(num)d error", "%(num)d errors"): (("%(num)d erreur", "%(num)d erreurs"), ("%(num)d error", "%(num)d errores")),
    ("%(num)d warning", "%(num)d warnings"): (("%(num)d avertissement", "%(num)d avertissements"),
                                             ("%(num)d advertencia", "%(num)d advertencias")),
    ("%(num)d record", "%(num)d records"): (("%(num)d fiche", "%(num)d fiches"), ("%(num)d registro", "%(num)d registros")),
    ("%(num)d knowledge object.", "%(num)d knowledge objects."): (
        ("%(num)d objet de connaissance.", "%(num)d objets de connaissance."),
        ("%(num)d objeto de conocimiento.", "%(num)d objetos de conocimiento.")),
    ("%(num)d tagged with this concept.", "%(num)d tagged with this concept."): (
        ("%(num)d étiqueté avec ce concept.", "%(num)d étiquetés avec ce concept."),
        ("%(num)d etiquetado con este concepto.", "%(num)d etiquetados con este concepto.")),
}
LANGUAGES = ("fr", "es")
HEADER = "# The web interface of kmgraph. Generated by scripts/ui_translations.py (make messages); edit the tables there."


def write_catalogues(template: Path) -> list[str]:
    """Write one .po per language from the extracted template; the messages left untranslated."""
    with template.open("rb") as handle:
        pot = read_po(handle)
    missing = []
    for i, lang in enumerate(LANGUAGES):
        catalog = Catalog(locale=lang, project="kmgraph", fuzzy=False, copyright_holder="the kmgraph editors",
                          last_translator="the kmgraph editors", language_team="kmgraph", header_comment=HEADER)
        for message in pot:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                text = PLURALS.get(tuple(message.id))
                # Every plural form the language has (CLDR gives French and Spanish a third, "many").
                string = (text[i][0], *[text[i][1]] * (catalog.num_plurals - 1)) if text else None
            else:
                text = STRINGS.get(message.id)
                string = text[i] if text else None
            if string is None:
                missing.append(f"{lang}: {message.id!r}")
                continue
            catalog.add(message.id, string)
        out = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", type=Path, help="the .pot file that pybabel extract wrote")
    missing = write_catalogues(parser.parse_args(argv).template)
    for line in missing:
        print(f"untranslated: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())

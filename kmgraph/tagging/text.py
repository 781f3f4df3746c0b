"""Text analysis for tagging: folding, tokens, Snowball stems in English, French and Spanish, the
language of a text (py3langid, restricted to the languages asked about) and a French/Spanish-to-English
word map learned from the parallel labels of the vocabularies."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

import snowballstemmer
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from ..vocab.concepts import fold

STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
STOP = {
    "en": set("a an and are as at be by for from has have in into is it its of on or that the their this to was were "
              "which with will within all also other such these those through been being not no can may more most "
              "any each per its our we they".split()),
    "fr": set("a au aux avec ce ces dans de des du en et est la le les leur leurs par pour que qui sur un une "
              "ou son sa ses d l qu s n y ainsi afin cette plus".split()),
    "es": set("a al con de del el en es la las lo los para por que se su sus un una y o e como mas esta este "
              "estos estas entre sobre".split()),
}
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@lru_cache(maxsize=8)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(STEMMERS.get(lang, "english"))


def tokens(text: str, lang: str = "en") -> list[str]:
    """Folded words of ``text`` without stop words."""
    stop = STOP.get(lang, STOP["en"])
    return [w for w in WORD.findall(fold(text)) if w not in stop]


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str = "en") -> str:
    return _stemmer(lang).stemWord(word)


def stems(text: str, lang: str = "en") -> list[str]:
    return [stem(w, lang) for w in tokens(text, lang)]


SURE = 0.75  # below this probability the detector's best guess is not trusted (short, ambiguous texts)


@lru_cache(maxsize=16)
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def detect_languages(text: str, languages: tuple[str, ...]) -> list[tuple[str, float]]:
    """Each of ``languages`` with the probability that ``text`` is written in it, the likeliest first."""
    if len(languages) == 1:
        return [(languages[0], 1.0)]
    ranked = _identifier(tuple(sorted(languages))).rank(text)
    return [(lang, float(p)) for lang, p in ranked]


def language_of(text: str, languages: tuple[str, ...], default: str) -> str:
    """The language of ``text`` among ``languages``; ``default`` when the detector is unsure."""
    lang, p = detect_languages(text, languages)[0]
    return lang if p >= SURE else default


def spans(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for evidence highlighting."""
    folded = fold(text)
    return [(m.group(), m.start(), m.end()) for m in WORD.finditer(folded)]


class WordMap:
    """Maps French or Spanish stems to English stems, learned from concepts labelled in both languages.

    Word alignment by co-occurrence (Dice coefficient) over the parallel labels of the same concepts;
    words whose folded forms agree across languages (cognates such as biodiversite/biodiversity) map
    by their shared prefix.
    """

    def __init__(self, pairs: list[tuple[str, str, str]]) -> None:  # (lang, foreign text, english text)
        self.table: dict[str, dict[str, list[str]]] = {}
        for lang in ("fr", "es"):
            co: Counter = Counter()
            seen_f: Counter = Counter()
            seen_e: Counter = Counter()
            for pair_lang, foreign, english in pairs:
                if pair_lang != lang:
                    continue
                f_set, e_set = set(stems(foreign, lang)), set(stems(english, "en"))
                seen_f.update(f_set)
                seen_e.update(e_set)
                for f in f_set:
                    for e in e_set:
                        co[(f, e)] += 1
            best: dict[str, list[tuple[float, str]]] = defaultdict(list)
            for (f, e), n in co.items():
                dice = 2 * n / (seen_f[f] + seen_e[e])
                if n >= 2 and dice >= 0.35:
                    best[f].append((dice, e))
            self.table[lang] = {f: [e for _, e in sorted(c, reverse=True)[:2]] for f, c in best.items()}

    def translate(self, text: str, lang: str) -> list[str]:
        """English stems for a French or Spanish text (untranslated words kept when they look like cognates)."""
        table = self.table.get(lang, {})
        out: list[str] = []
        for word in tokens(text, lang):
            foreign = stem(word, lang)
            if foreign in table:
                out += table[foreign]
            elif len(word) >= 5:
                out.append(stem(word, "en"))
        return out


class Highlighter:
    """Turns stem features back into the words of the text they came from (analysed once per text)."""

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.spans = spans(text)
        self.stemmed = [stem(w, lang) for w, _, _ in self.spans]

    def find(self, features: list[str]) -> list[str]:
        found: list[str] = []
        for feature in dict.fromkeys(features):
            parts = feature.split()
            for i in range(len(self.spans) - len(parts) + 1):
                if self.stemmed[i:i + len(parts)] == parts:
                    phrase = self.text[self.spans[i][1]:self.spans[i + len(parts) - 1][2]]
                    if phrase not in found:
                        found.append(phrase)
                    break
        return found[:6]

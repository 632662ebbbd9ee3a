"""Language names: one English spelling for the codes and native names exports use."""

from __future__ import annotations

import re

from litreview.core.text import clean_text

#: English name ← ISO 639-1, 639-2/B and 639-2/T codes and native names, for the languages
#: bibliographic databases index. Exports say "eng", "en", "English" or "Anglais" for one
#: language; a limit such as ``language: [English]`` must see one spelling.
_LANGUAGES: dict[str, tuple[str, ...]] = {
    "English": ("en", "eng"), "French": ("fr", "fre", "fra", "français", "francais"),
    "German": ("de", "ger", "deu", "deutsch"), "Spanish": ("es", "spa", "español", "espanol",
                                                          "castellano"),
    "Italian": ("it", "ita", "italiano"), "Portuguese": ("pt", "por", "português", "portugues"),
    "Dutch": ("nl", "dut", "nld", "nederlands", "flemish"), "Russian": ("ru", "rus", "русский"),
    "Chinese": ("zh", "chi", "zho", "中文", "mandarin"), "Japanese": ("ja", "jpn", "日本語"),
    "Korean": ("ko", "kor", "한국어"), "Arabic": ("ar", "ara"), "Polish": ("pl", "pol", "polski"),
    "Swedish": ("sv", "swe", "svenska"), "Norwegian": ("no", "nor", "nob", "nno", "nb", "nn",
                                                       "norsk"),
    "Danish": ("da", "dan", "dansk"), "Finnish": ("fi", "fin", "suomi"),
    "Turkish": ("tr", "tur", "türkçe"), "Greek": ("el", "gre", "ell", "greek, modern"),
    "Hebrew": ("he", "heb"), "Hungarian": ("hu", "hun", "magyar"),
    "Czech": ("cs", "cze", "ces", "čeština"), "Slovak": ("sk", "slo", "slk"),
    "Romanian": ("ro", "rum", "ron", "română"), "Bulgarian": ("bg", "bul"),
    "Croatian": ("hr", "hrv", "hrvatski"), "Serbian": ("sr", "srp"), "Slovenian": ("sl", "slv"),
    "Ukrainian": ("uk", "ukr"), "Persian": ("fa", "per", "fas", "farsi"), "Hindi": ("hi", "hin"),
    "Thai": ("th", "tha"), "Vietnamese": ("vi", "vie"), "Indonesian": ("id", "ind"),
    "Malay": ("ms", "may", "msa"), "Catalan": ("ca", "cat", "català"),
    "Icelandic": ("is", "ice", "isl"), "Estonian": ("et", "est"), "Latvian": ("lv", "lav"),
    "Lithuanian": ("lt", "lit"), "Afrikaans": ("af", "afr"), "Welsh": ("cy", "wel", "cym"),
    "Irish": ("ga", "gle"), "Basque": ("eu", "baq", "eus"), "Galician": ("gl", "glg"),
    "Latin": ("la", "lat"), "Multiple languages": ("mul",), "Undetermined": ("und",),
}
_LANGUAGE_NAMES: dict[str, str] = {
    alias: name for name, aliases in _LANGUAGES.items()
    for alias in (name.casefold(), *aliases)}
_LANGUAGE_REGION = re.compile(r"^([a-z]{2,3})[-_][a-z0-9]{2,4}$")  # en-GB, pt_BR


def normalise_language(value: str | None) -> str:
    """``"eng"``, ``"en-GB"``, ``"ENGLISH"`` → ``"English"``; several joined with ``"; "``.

    A value the table does not know is kept as given, so nothing is guessed away.
    """
    text = clean_text(value)
    if not text:
        return ""
    whole = _language_name(text)
    if whole:
        return whole
    names: dict[str, None] = {}
    for part in _LANGUAGE_SEPARATOR.split(text):
        if part:
            names.setdefault(_language_name(part) or part, None)
    return "; ".join(names)


_LANGUAGE_SEPARATOR = re.compile(r"\s*[;,|/]\s*|\s+and\s+")


def _language_name(text: str) -> str:
    key = text.casefold()
    region = _LANGUAGE_REGION.match(key)
    return _LANGUAGE_NAMES.get(key) or (_LANGUAGE_NAMES.get(region.group(1), "") if region
                                        else "")

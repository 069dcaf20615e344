"""English is the source language: each English message is its own translation,
except allauth's account words that the site says its own way (espri_ia/account_wording.py).

Run by `make messages` after makemessages, so the English catalogue is complete.
"""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from espri_ia.account_wording import ENGLISH as REWORDED

catalogue = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"
# Wrap as msgmerge does (79 columns), so that makemessages alone gives the same msgids.
po = polib.pofile(str(catalogue), wrapwidth=79)
for entry in po:
    if entry.msgid_plural:
        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
    else:
        entry.msgstr = REWORDED.get(entry.msgid, entry.msgid)
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
po.save()

"""Synthesis: thematic coding across studies, evidence matrices, confidence in findings, and
meta-analysis (``meta/``). Plain data in and out; nothing here knows of databases or HTTP."""

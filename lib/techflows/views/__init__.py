"""Presentation for the section notebooks: styled tables, computed sentences, charts."""

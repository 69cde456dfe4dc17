"""Tests of the OOXML layer (partnerkit.io.ooxml): packages, limits, sniffing, hardened XML, references."""

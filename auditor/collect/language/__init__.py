"""The language service: page text cut into blocks, language detection, LanguageTool server
and Hunspell engines, the organisation's own names, a cache of answers between runs."""

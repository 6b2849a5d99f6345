"""The profile visitor: the organisation's public profiles found and looked at once, with one
adapter per platform in ``platforms/``."""

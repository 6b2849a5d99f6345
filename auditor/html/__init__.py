"""HTML as the crawler and every other collector read it: encoding detection and the one lxml parse.

Shared by the crawler (its hot path), the ad and profile visitors, ``Page`` and the test
helpers, so it lives outside any one collector family.
"""

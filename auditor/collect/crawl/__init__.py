"""The crawler family: frontier and workers, politeness, retry, robots.txt, sitemaps, feeds,
parsing in worker processes, and the incremental re-crawl of a previous run."""

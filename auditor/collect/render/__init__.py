"""The browser renderer: headless Chromium through Playwright, phone profiles, template
sampling, tab pool, what is measured in the page, renderings kept between runs."""

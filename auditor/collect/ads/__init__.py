"""The ad landing visitor: ads from CSV exports or the site's own banners, each ad's click
followed, and what its landing page shows."""

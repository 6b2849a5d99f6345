"""First-impression checks (TP8xx): what a prospect sees of the site before the visit.

The search result a page makes (title, description, indexing, canonical, language
alternates) and the preview a shared link gets. Most are site checks over the search and
share facts each page's parse stored (``auditor.html.head``): nothing is fetched or
parsed again at the end of the run.
"""

from checks.impression.indexing import CanonicalElsewhere, HreflangNoReturn, NoindexInNavigation
from checks.impression.share import BrokenShareImage, IncompleteSharePreview, SmallShareImage
from checks.impression.snippet import (
    DuplicateMetaDescription,
    DuplicateTitle,
    MetaDescriptionLength,
    MissingMetaDescription,
    MissingTitle,
    TitleOnlySiteName,
    TitleTooLong,
)

__all__ = [
    "BrokenShareImage", "CanonicalElsewhere", "DuplicateMetaDescription", "DuplicateTitle", "HreflangNoReturn",
    "IncompleteSharePreview", "MetaDescriptionLength", "MissingMetaDescription", "MissingTitle",
    "NoindexInNavigation", "SmallShareImage", "TitleOnlySiteName", "TitleTooLong",
]

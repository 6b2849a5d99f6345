"""First-impression checks (TP8xx): what a prospect sees of the site before the visit.

The search result a page makes (title, description, indexing, canonical, language
alternates), the preview a shared link gets, and the domain in the address bar (https,
redirects, www and bare, the certificate, mixed content). Most are site checks over the search and
share facts each page's parse stored (``auditor.html.head``): nothing is fetched or
parsed again at the end of the run.
"""

from checks.impression.domain import (
    CertificateProblem,
    HttpLinkToOwnSite,
    HttpNotRedirected,
    MissingFavicon,
    MixedContent,
    PageNotHttps,
    WwwAndBareDomain,
)
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
from checks.impression.structure import DeepKeyPage, OrphanPage

__all__ = [
    "BrokenShareImage",
    "CanonicalElsewhere",
    "CertificateProblem",
    "DeepKeyPage",
    "DuplicateMetaDescription",
    "DuplicateTitle",
    "HreflangNoReturn",
    "HttpLinkToOwnSite",
    "HttpNotRedirected",
    "IncompleteSharePreview",
    "MetaDescriptionLength",
    "MissingFavicon",
    "MissingMetaDescription",
    "MissingTitle",
    "MixedContent",
    "NoindexInNavigation",
    "OrphanPage",
    "PageNotHttps",
    "SmallShareImage",
    "TitleOnlySiteName",
    "TitleTooLong",
    "WwwAndBareDomain",
]

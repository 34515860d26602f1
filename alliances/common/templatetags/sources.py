"""`{% load sources %}`: links to sources, a copy of a document marked as such."""

from django import template

from alliances.common.sources import host_of, is_copy_site

register = template.Library()


@register.filter
def copy_site(url: str) -> bool:
    """`{% if url|copy_site %}`: the link goes to a copy, not to the publisher."""
    return bool(url) and is_copy_site(str(url))


@register.inclusion_tag("common/source_link.html")
def source_link(url: str, title: str = "") -> dict:
    """A link to a source, named by its title (else its site), a copy marked as such."""
    return {"url": url, "title": title or host_of(url or ""), "copy": copy_site(url)}

"""What the HTML page tests share: request headers, parsing and the checks every page gets."""

from __future__ import annotations

from bs4 import BeautifulSoup

HTML = {"accept": "text/html"}
HX = {"accept": "text/html", "hx-request": "true"}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def page(client, url, status=200, **kw) -> BeautifulSoup:
    r = client.get(url, headers=HTML, **kw)
    assert r.status_code == status, r.text[:500]
    return soup_of(r)


def csrf_of(soup: BeautifulSoup) -> str:
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def fragment(response) -> BeautifulSoup:
    """An htmx partial: no document shell around it."""
    s = soup_of(response)
    assert s.find("html") is None and s.find("nav") is None, response.text[:300]
    return s


def unlabelled(soup: BeautifulSoup) -> list[str]:
    """Form controls a screen reader could not name."""
    labels = {lab.get("for") for lab in soup.find_all("label")}
    missing = []
    for el in soup.find_all(["input", "select", "textarea"]):
        if el.name == "input" and el.get("type") in ("hidden", "submit", "button"):
            continue
        if el.has_attr("hidden") or el.find_parent("label") or el.get("aria-label") or el.get("id") in labels:
            continue
        missing.append(str(el)[:80])
    return missing

"""mailto: links (RFC 6068). Built on the server and handed to the browser; nothing is stored."""

from urllib.parse import quote


def mailto_url(*, to: str, subject: str, body: str) -> str:
    # RFC 6068: line breaks as %0D%0A; everything else percent-encoded as UTF-8.
    crlf_body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(crlf_body, safe='')}"

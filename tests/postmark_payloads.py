"""Request bodies shaped exactly like Postmark's webhooks, for the tests and the smoke test.

Inbound: https://postmarkapp.com/developer/webhooks/inbound-webhook
Delivery: https://postmarkapp.com/developer/webhooks/delivery-webhook
"""

import base64
import copy
import json

# "TOKEN" stands for a letter's reply token.
POSTMARK_INBOUND = {
    "FromName": "Consulate General of Ukraine in Brno",
    "MessageStream": "inbound",
    "From": "gc_cz_brno@mfa.gov.ua",
    "FromFull": {"Email": "gc_cz_brno@mfa.gov.ua", "Name": "Consulate General of Ukraine in Brno", "MailboxHash": ""},
    "To": '"Taras Supporter" <TOKEN@reply.example.org>',
    "ToFull": [{"Email": "TOKEN@reply.example.org", "Name": "Taras Supporter", "MailboxHash": ""}],
    "Cc": "",
    "CcFull": [],
    "Bcc": "",
    "BccFull": [],
    "OriginalRecipient": "TOKEN@reply.example.org",
    "Subject": "Re: A protest against Law No. 13673",
    "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
    "ReplyTo": "",
    "MailboxHash": "",
    "Date": "Fri, 1 Aug 2026 16:45:32 +0200",
    "TextBody": "Dear Mr Supporter,\n\nwe have received your letter and passed it on to Kyiv.\n\nRespectfully,\nConsulate",
    "HtmlBody": "<html><body><p>Dear Mr Supporter,</p><p>we have received your letter.</p></body></html>",
    "StrippedTextReply": "we have received your letter and passed it on to Kyiv.",
    "Tag": "",
    "Headers": [
        {"Name": "Return-Path", "Value": "<gc_cz_brno@mfa.gov.ua>"},
        {"Name": "X-Spam-Checker-Version", "Value": "SpamAssassin 3.3.1 (2010-03-16) onrs-ord-pm-inbound1.wildbit.com"},
        {"Name": "X-Spam-Status", "Value": "No"},
        {"Name": "X-Spam-Score", "Value": "-0.1"},
        {"Name": "X-Spam-Tests", "Value": "DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,SPF_PASS"},
        {"Name": "Received-SPF", "Value": "Pass (sender SPF authorized) identity=mailfrom"},
        {"Name": "MIME-Version", "Value": "1.0"},
        {"Name": "Message-ID", "Value": "<CAGXpo2WKfxHWZ5UFYCR3H_J9SNMG+5AXUovfEFL6DjWBJSyZaA@mail.mfa.gov.ua>"},
    ],
    "Attachments": [
        {
            "Name": "answer.pdf",
            "Content": base64.b64encode(b"%PDF-1.4 not really").decode(),
            "ContentType": "application/pdf",
            "ContentLength": 19,
        }
    ],
}


def inbound_reply(*, token: str, reply_domain: str = "reply.example.org") -> dict:
    """An embassy's reply to the letter whose reply token is `token`."""
    text = json.dumps(copy.deepcopy(POSTMARK_INBOUND)).replace("TOKEN", token)
    return json.loads(text.replace("@reply.example.org", f"@{reply_domain}"))


def delivery_event(*, message_id: str, recipient: str, letter_ref: str) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message_id,
        "Recipient": recipient,
        "Tag": "letter",
        "DeliveredAt": "2026-11-24T16:33:54.9070259Z",
        "Details": "Test delivery webhook details",
        "Metadata": {"letter_ref": letter_ref},
    }

"""Postmark webhook payload shapes from anymail's own test suite, to post to our webhooks as they are.

Source: github.com/anymail/django-anymail at commit 8c40cc46f6a7aa308c5cabe99c0ea13733b5e079 (BSD 3-Clause,
Copyright (c) 2016-2024, Anymail Contributors):
- tests/test_postmark_inbound.py: test_inbound_basics, test_attachments, test_inbound_with_raw_email,
  test_misconfigured_tracking, test_check_payload (tests/test_files/postmark-inbound-test-payload.json and
  postmark-inbound-test-payload-with-raw.json, Postmark's "Check" button), test_spammy_address;
- tests/test_postmark_webhooks.py: every tracking event, test_misconfigured_inbound, and the security case's
  empty object;
- tests/test_files/sample_image.png and sample_email.txt, base64-encoded below.
Only the payloads are ported; anymail's assertions about its own parsing are not.
"""

import base64
import copy
from textwrap import dedent

SAMPLE_IMAGE_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAABHNCSVQICAgIfAhkiAAAAAlwSFlzAAALEgAACxIB0t1+/AAAABR0"
    "RVh0Q3JlYXRpb24gVGltZQAzLzEvMTNoZNRjAAAAHHRFWHRTb2Z0d2FyZQBBZG9iZSBGaXJld29ya3MgQ1M1cbXjNgAAAZ1JREFU"
    "WIXtl7FKA0EQhr+TgIFgo5BXyBUpfIGksLawUNAXWFFfwCJgBAtfIJFMLXgQn8BSwdpCiPcKAdOIoI2x2Dmyd7kYwXhp9odluX/u"
    "Zv6dnZu7DXowxiKZi0IAUHKCvxcsoAIEpST4IawVGb0Hb0BlpcigefACvAAvwAsoTTGGlwwzBAyivLUPEZrOM10AhGOH2wWugVVl"
    "HoAdhJHrPC8DNR0JGsAAQ9mxNzBOMNjS4Qrq69U5EKmf12ywWVsQI4QIIbCn3Gnmnk7uk1bokfooI7QRDlQIGCdzPwiYh0idtXNs"
    "2zq3UqwVEiDcu/R0DVjUnFpItuPSscfAFXCGSfEAdZ2fVeQ68OjYWwi3ycVvMhABGwgfKXZScHeZ+4c6VzN8FbuYukvOykCs+z8P"
    "J0xqIXYEd4ALoKlVH2IIgUHWwd/6gNAFPjPcCPvKNTDcYAj1lXzKc7GIRrSZI6yJzcQ+dtV9bD+IkHThBj344j9/yYxupaQbXPJL"
    "NqsGFgeZ6qwpLP1b4AV4AV5AoKfjpR5OwR6VKwULCAC+AQV4W9Ps4uZQAAAAAElFTkSuQmCC"
)
SAMPLE_EMAIL_BASE64 = (
    "UmVjZWl2ZWQ6IGJ5IGx1bmEubWFpbGd1bi5uZXQgd2l0aCBTTVRQIG1ncnQgODczNDY2MzMxMTczMzsgRnJpLCAwMyBNYXkgMjAx"
    "MwogMTg6MjY6MjcgKzAwMDAKQ29udGVudC1UeXBlOiBtdWx0aXBhcnQvYWx0ZXJuYXRpdmU7CiBib3VuZGFyeT0iZWI2NjNkNzNh"
    "ZTBhNGQ2YzkxNTNjYzBhZWM4Yjc1MjAiCk1pbWUtVmVyc2lvbjogMS4wClN1YmplY3Q6IFRlc3QgZW1haWwKRnJvbTogU29tZW9u"
    "ZSA8c29tZW9uZUBleGFtcGxlLmNvbT4KVG86IHNvbWVvbmVlbHNlQGV4YW1wbGUuY29tClJlcGx5LVRvOiByZXBseS50b0BleGFt"
    "cGxlLmNvbQpNZXNzYWdlLUlkOiA8MjAxMzA1MDMxODI2MjYuMTg2NjYuMTY1NDBAZXhhbXBsZS5jb20+Ckxpc3QtVW5zdWJzY3Jp"
    "YmU6IDxtYWlsdG86dStuYTZ0bXkzZWdlNHRnbmxkbXl5dHFvanFtZnNkZW1ieW1lM3RteTNjaGE0d2NuZAogYmdheWRxeXJnb2k2"
    "d3N6ZHBvdnJoaTVkaW5menc2M3RmbXY0Z3M0M3VvbXN0aW1kaG52cXdzM2JvbW54dzJqdHVodXN0ZXFqZ20KIHE2dG1AZXhhbXBs"
    "ZS5jb20+ClgtTWFpbGd1bi1TaWQ6IFd5SXdOekk1TUNJc0lDSmhiR2xqWlVCbGVHRnRjR3hsTG1OdmJTSXNJQ0kySWwwPQpYLU1h"
    "aWxndW4tVmFyaWFibGVzOiB7Im15X3Zhcl8xIjogIk1haWxndW4gVmFyaWFibGUgIzEiLCAibXktdmFyLTIiOiAiYXdlc29tZSJ9"
    "CkRhdGU6IEZyaSwgMDMgTWF5IDIwMTMgMTg6MjY6MjcgKzAwMDAKU2VuZGVyOiBzb21lb25lQGV4YW1wbGUuY29tCgotLWViNjYz"
    "ZDczYWUwYTRkNmM5MTUzY2MwYWVjOGI3NTIwCk1pbWUtVmVyc2lvbjogMS4wCkNvbnRlbnQtVHlwZTogdGV4dC9wbGFpbjsgY2hh"
    "cnNldD0iYXNjaWkiCkNvbnRlbnQtVHJhbnNmZXItRW5jb2Rpbmc6IDdiaXQKCkhpIEJvYiwgVGhpcyBpcyBhIG1lc3NhZ2UuIFRo"
    "YW5rcyEKCi0tZWI2NjNkNzNhZTBhNGQ2YzkxNTNjYzBhZWM4Yjc1MjAKTWltZS1WZXJzaW9uOiAxLjAKQ29udGVudC1UeXBlOiB0"
    "ZXh0L2h0bWw7IGNoYXJzZXQ9ImFzY2lpIgpDb250ZW50LVRyYW5zZmVyLUVuY29kaW5nOiA3Yml0Cgo8aHRtbD4KICAgICAgICAg"
    "ICAgICAgICAgICAgICAgICAgIDxib2R5PkhpIEJvYiwgVGhpcyBpcyBhIG1lc3NhZ2UuIFRoYW5rcyEKICAgICAgICAgICAgICAg"
    "ICAgICAgICAgICAgIDxicj4KPC9ib2R5PjwvaHRtbD4KLS1lYjY2M2Q3M2FlMGE0ZDZjOTE1M2NjMGFlYzhiNzUyMC0tCg=="
)
SAMPLE_IMAGE = base64.b64decode(SAMPLE_IMAGE_BASE64)

# test_inbound_basics: without "Include raw email content in JSON payload".
INBOUND_BASICS = {
    "FromFull": {"Email": "from+test@example.org", "Name": "Displayed From", "MailboxHash": "test"},
    "ToFull": [
        {"Email": "test@inbound.example.com", "Name": "Test Inbound", "MailboxHash": ""},
        {"Email": "other@example.com", "Name": "", "MailboxHash": ""},
    ],
    "CcFull": [{"Email": "cc@example.com", "Name": "", "MailboxHash": ""}],
    # Postmark provides Bcc if the delivered-to address is not in the To field.
    "BccFull": [{"Email": "test@inbound.example.com", "Name": "", "MailboxHash": ""}],
    "OriginalRecipient": "test@inbound.example.com",
    "ReplyTo": "from+test@milter.example.org",
    "Subject": "Test subject",
    "MessageID": "22c74902-a0c1-4511-804f2-341342852c90",
    "Date": "Wed, 11 Oct 2017 18:31:04 -0700",
    "TextBody": "Test body plain",
    "HtmlBody": "<div>Test body html</div>",
    "StrippedTextReply": "stripped plaintext body",
    "Tag": "",
    "Headers": [
        {"Name": "Return-Path", "Value": "<envelope-from@example.org>"},
        {"Name": "Received", "Value": "from mail.example.org by inbound.postmarkapp.com ..."},
        {
            "Name": "X-Spam-Checker-Version",
            "Value": "SpamAssassin 3.4.0 (2014-02-07) on p-pm-smtp-inbound01b-aws-useast2b",
        },
        {"Name": "X-Spam-Status", "Value": "No"},
        {"Name": "X-Spam-Score", "Value": "1.7"},
        {"Name": "X-Spam-Tests", "Value": "SPF_PASS"},
        {"Name": "Received", "Value": "by mail.example.org for <test@inbound.example.com> ..."},
        {"Name": "Received", "Value": "by 10.10.1.71 with HTTP; Wed, 11 Oct 2017 18:31:04 -0700 (PDT)"},
        {"Name": "Return-Path", "Value": "<fake-return-path@postmark-should-have-removed>"},
        {"Name": "MIME-Version", "Value": "1.0"},
        {"Name": "Message-ID", "Value": "<CAEPk3R+4Zr@mail.example.org>"},
    ],
}

# test_attachments: a text file, an inline picture (it has a ContentID) and a forwarded message.
INBOUND_ATTACHMENTS = {
    "Attachments": [
        {
            "Name": "test.txt",
            "Content": base64.b64encode(b"test attachment").decode("ascii"),
            "ContentType": "text/plain",
            "ContentLength": len("test attachment"),
        },
        {
            "Name": "image.png",
            "Content": SAMPLE_IMAGE_BASE64,
            "ContentType": "image/png",
            "ContentID": "abc123",
            "ContentLength": len(SAMPLE_IMAGE),
        },
        {
            "Name": "bounce.txt",
            "Content": SAMPLE_EMAIL_BASE64,
            "ContentType": 'message/rfc822; charset="us-ascii"',
            "ContentLength": len(base64.b64decode(SAMPLE_EMAIL_BASE64)),
        },
    ]
}

# test_inbound_with_raw_email: with "Include raw email content in JSON payload" (Postmark uses \n, not \r\n).
INBOUND_WITH_RAW_EMAIL = {
    "RawEmail": dedent("""\
        Received: from mail.example.org by inbound.postmarkapp.com ...
        X-Spam-Checker-Version: SpamAssassin 3.4.0 (2014-02-07)
        \ton p-pm-smtp-inbound01b-aws-useast2b
        X-Spam-Status: No
        X-Spam-Score: 1.7
        X-Spam-Tests: SPF_PASS
        Received: by mail.example.org for <test@inbound.example.com> ...
        Received: by 10.10.1.71 with HTTP; Wed, 11 Oct 2017 18:31:04 -0700 (PDT)
        MIME-Version: 1.0
        Message-ID: <CAEPk3R+4Zr@mail.example.org>
        Return-Path: <fake-return-path@postmark-should-have-removed>
        From: "Displayed From" <from+test@example.org>
        To: Test Inbound <test@inbound.example.com>, other@example.com
        Cc: cc@example.com
        Reply-To: from+test@milter.example.org
        Subject: Test subject
        Date: Wed, 11 Oct 2017 18:31:04 -0700
        Content-Type: multipart/alternative; boundary="BoUnDaRy1"

        --BoUnDaRy1
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: 7bit

        Test body plain
        --BoUnDaRy1
        Content-Type: multipart/related; boundary="bOuNdArY2"

        --bOuNdArY2
        Content-Type: text/html; charset="utf-8"
        Content-Transfer-Encoding: quoted-printable

        <div>Test body html</div>
        --bOuNdArY2
        Content-Type: text/plain
        Content-Transfer-Encoding: quoted-printable
        Content-Disposition: attachment; filename="attachment.txt"

        This is an attachment
        --bOuNdArY2--

        --BoUnDaRy1--
        """),
    "BccFull": [{"Email": "test@inbound.example.com", "Name": "", "MailboxHash": ""}],
    "OriginalRecipient": "test@inbound.example.com",
    "MessageID": "22c74902-a0c1-4511-804f2-341342852c90",
    "StrippedTextReply": "stripped plaintext body",
    "Tag": "",
    "Headers": [
        {"Name": "Return-Path", "Value": "<envelope-from@example.org>"},
        # Not in RawEmail, to show headers are taken from one place only.
        {"Name": "X-No-Duplicates", "Value": "headers only from RawEmail"},
    ],
    "Attachments": [
        # Not in RawEmail, to show attachments are taken from one place only.
        {
            "Name": "no-duplicates.txt",
            "Content": base64.b64encode(b"fake attachment").decode("ascii"),
            "ContentType": "text/plain",
            "ContentLength": len("fake attachment"),
        },
    ],
}

# test_misconfigured_tracking: a delivery event posted to the inbound URL.
INBOUND_MISCONFIGURED_TRACKING = {"RecordType": "Delivery"}

# test_check_payload: what Postmark's "Check" button posts (2023-05-05); its attachments have "Data", not "Content".
_CHECK_PAYLOAD = {
    "FromName": "Postmarkapp Support",
    "MessageStream": "inbound",
    "From": "support@postmarkapp.com",
    "FromFull": {"Email": "support@postmarkapp.com", "Name": "Postmarkapp Support", "MailboxHash": ""},
    "To": '"Firstname Lastname" <mailbox+SampleHash@inbound.postmarkapp.com>',
    "ToFull": [
        {
            "Email": "mailbox+SampleHash@inbound.postmarkapp.com",
            "Name": "Firstname Lastname",
            "MailboxHash": "SampleHash",
        }
    ],
    "Cc": '"First Cc" <firstcc@postmarkapp.com>, secondCc@postmarkapp.com',
    "CcFull": [
        {"Email": "firstcc@postmarkapp.com", "Name": "First Cc", "MailboxHash": ""},
        {"Email": "secondCc@postmarkapp.com", "Name": "", "MailboxHash": ""},
    ],
    "Bcc": '"First Bcc" <firstbcc@postmarkapp.com>',
    "BccFull": [{"Email": "firstbcc@postmarkapp.com", "Name": "First Bcc", "MailboxHash": ""}],
    "OriginalRecipient": "mailbox+SampleHash@inbound.postmarkapp.com",
    "Subject": "Test subject",
    "MessageID": "00000000-0000-0000-0000-000000000000",
    "ReplyTo": "replyto@example.com",
    "MailboxHash": "SampleHash",
    "Date": "Fri, 5 May 2023 17:44:33 -0400",
    "TextBody": "This is a test text body.",
    "HtmlBody": "<html><body><p>This is a test html body.</p></body></html>",
    "StrippedTextReply": "This is the reply text",
    "Tag": "TestTag",
    "Headers": [{"Name": "X-Header-Test", "Value": ""}],
    "Attachments": [
        {
            "Name": "test.txt",
            "ContentType": "text/plain",
            "Data": "VGhpcyBpcyBhdHRhY2htZW50IGNvbnRlbnRzLCBiYXNlLTY0IGVuY29kZWQu",
            "ContentLength": 45,
        }
    ],
}
INBOUND_CHECK = _CHECK_PAYLOAD
INBOUND_CHECK_WITH_RAW = {
    **copy.deepcopy(_CHECK_PAYLOAD),
    "Date": "Fri, 5 May 2023 17:41:16 -0400",
    "RawEmail": (
        "From: Postmarkapp Support <support@postmarkapp.com>\r\n"
        "To: Firstname Lastname <mailbox+SampleHash@inbound.postmarkapp.com>\r\n"
        "Subject: Test subject\r\n\r\nThis is a test text body.\r\n"
    ),
}

# test_spammy_address: a long From name that once broke anymail's address folding; nothing else in the payload.
INBOUND_SPAMMY_ADDRESS = {
    "MessageStream": "inbound",
    "FromFull": {
        "Email": "noreply@spam.example.com",
        "Name": "* * * 💲 Snag Your Free Gift! Click Here: https://spam.example.com/uploads/phish.php?123456 💲 * * *",
    },
}

INBOUND = {
    "basics": INBOUND_BASICS,
    "attachments": INBOUND_ATTACHMENTS,
    "raw_email": INBOUND_WITH_RAW_EMAIL,
    "misconfigured_tracking": INBOUND_MISCONFIGURED_TRACKING,
    "check": INBOUND_CHECK,
    "check_with_raw": INBOUND_CHECK_WITH_RAW,
    "spammy_address": INBOUND_SPAMMY_ADDRESS,
    "empty": {},
}

TRACKING = {
    "bounce": {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": "HardBounce",
        "TypeCode": 1,
        "ServerID": 23,
        "Name": "Hard bounce",
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "bounce@example.com",
        "From": "sender@example.com",
        "BouncedAt": "2016-04-27T16:28:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Postmark event test",
        "Content": "...",
    },
    "delivered": {
        "RecordType": "Delivery",
        "ServerId": 23,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": "recipient@example.com",
        "Tag": "welcome-email",
        "Metadata": {"cohort": "2014-08-A", "userid": "12345"},
        "DeliveredAt": "2014-08-01T13:28:10.2735393-04:00",
        "Details": "Test delivery webhook details",
    },
    "open": {
        "RecordType": "Open",
        "FirstOpen": True,
        "Client": {"Name": "Gmail", "Company": "Google", "Family": "Gmail"},
        "OS": {"Name": "unknown", "Company": "unknown", "Family": "unknown"},
        "Platform": "Unknown",
        "UserAgent": "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0",
        "ReadSeconds": 0,
        "Geo": {},
        "MessageID": "f4830d10-9c35-4f0c-bca3-3d9b459821f8",
        "ReceivedAt": "2016-04-27T16:21:41.2493688-04:00",
        "Recipient": "recipient@example.com",
    },
    "click": {
        "RecordType": "Click",
        "ClickLocation": "HTML",
        "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
        "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
        "Platform": "Desktop",
        "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) etc.",
        "OriginalLink": "https://example.com/click/me",
        "Geo": {
            "CountryISOCode": "RS",
            "Country": "Serbia",
            "RegionISOCode": "VO",
            "Region": "Autonomna Pokrajina Vojvodina",
            "City": "Novi Sad",
            "Zip": "21000",
            "Coords": "45.2517,19.8369",
            "IP": "8.8.8.8",
        },
        "MessageID": "f4830d10-9c35-4f0c-bca3-3d9b459821f8",
        "ReceivedAt": "2017-10-25T15:21:11.9065619Z",
        "Tag": "welcome-email",
        "Recipient": "recipient@example.com",
    },
    "spam": {
        "RecordType": "SpamComplaint",
        "ID": 901542550,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "Test",
        "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed",
        "ServerID": 1234,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": "spam@example.com",
        "From": "sender@example.com",
        "BouncedAt": "2016-04-27T16:28:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Postmark event test",
    },
    "unsubscribe": {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73d7-4c49-b148-a54522d3f7ac",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2022-06-05T17:17:32Z",
        "Recipient": "john@example.com",
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "Tag": "welcome-email",
        "Metadata": {"example": "value", "example_2": "value"},
    },
    "resubscribe": {
        "RecordType": "SubscriptionChange",
        "MessageID": "a4909a96-73d7-4c49-b148-a54522d3f7ac",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2022-06-05T17:17:32Z",
        "Recipient": "john@example.com",
        "Origin": "Recipient",
        "SuppressSending": False,
        "SuppressionReason": None,
        "Tag": "welcome-email",
        "Metadata": {"example": "value", "example_2": "value"},
    },
    "subscription_change_bounce": {
        "RecordType": "SubscriptionChange",
        "MessageID": "b4cb783d-78ed-43f2-983b-63f55c712dc8",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2022-06-05T17:17:32Z",
        "Recipient": "john@example.com",
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "HardBounce",
        "Tag": "my-tag",
        "Metadata": {"example": "value", "example_2": "value"},
    },
    # github.com/anymail/django-anymail/issues/447
    "bounce_unsubscribe_variant": {
        "Description": "Unsubscribe or Remove request.",
        "ID": 555555555,
        "MessageID": "5555555-5555555-5555-5555555",
        "MessageStream": "outbound",
        "Name": "Unsubscribe request",
        "RecordType": "Bounce",
        "ServerID": 111111111,
        "Tag": "",
        "Type": "Unsubscribe",
        "TypeCode": 16,
    },
}

TRACKING["empty"] = {}  # what anymail's webhook security test case posts, answered 200 when authenticated

# Posted to the tracking URL, these are anymail configuration errors: not delivery events.
TRACKING_MISCONFIGURED = {
    "inbound_fields": {"FromFull": {"Email": "from@example.org"}},
    "inbound_record_type": {"RecordType": "Inbound"},
}

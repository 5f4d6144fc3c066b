"""Organiser scope on every record: an organiser of Czechia who is a member of a Prague group walks every admin
URL and every app URL for Polish records and a Warsaw group's batch, and gets 403 or 404 on each.

The walk is driven by what is registered and routed, not by a list of today's pages: a new admin that
organisers can open, or a new URL with parameters, fails here until it is scoped and given a record below.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import pytest

from campaign.models import (
    Campaign,
    CampaignTranslation,
    ContactChannel,
    ContactEvent,
    Letter,
    LetterStatus,
    LetterTemplate,
)
from common.permissions import ORGANISERS_GROUP
from corrections.models import OfficeReport
from embassies.admin.scoped import CountryScopedAdmin
from embassies.models import ImportJobStatus, Office, OfficeImportJob
from embassies.services import organiser_scope_set
from events.models import Event, EventStatus
from faxing.models import FaxGateway, GatewayKind
from posters.models import PosterUpload
from printing.models import Batch, BatchStatus, Group, Signer, SignerMode
from sharing.models import EmbedOrigin
from tests.factories import LetterFactory, SubmissionFactory, VerifiedOfficeFactory
from tracking.models import CallScript, Reply, ReplyAttachment, ReplyState, SurveyAnswer

pytestmark = pytest.mark.django_db

# Shared by every country on purpose: a campaign, its texts and the sites that may embed its counter are set once
# for all offices.
SHARED_BY_DESIGN = {Campaign, LetterTemplate, CallScript, CampaignTranslation, EmbedOrigin, PosterUpload}
REFUSED = {403, 404}


def records_in(*, country: str, office_phone: str, campaign: Campaign, group_name: str) -> dict:
    """One record of every kind an organiser can reach, for one host country."""
    office = VerifiedOfficeFactory(host_country=country, phone=office_phone, name=f"Office in {country}")
    letter = LetterFactory(
        submission=SubmissionFactory(campaign=campaign, name=f"Supporter in {country}"),
        office=office,
        status=LetterStatus.FAILED,
        sent_at=None,
    )
    event = ContactEvent.objects.create(
        campaign=campaign, office=office, channel=ContactChannel.POST, quantity=1, occurred_at=timezone.now()
    )
    group = Group.objects.create(name=group_name, country=country, city="")
    batch = Batch.objects.create(
        campaign=campaign,
        template=campaign.templates.get(language="en"),
        group=group,
        host_country=country,
        signer_mode=SignerMode.SIGNERS,
        status=BatchStatus.GENERATED,
    )
    batch.pdf.save("batch.pdf", ContentFile(b"%PDF-1.4 signers of " + group_name.encode()))
    batch.csv.save("batch.csv", ContentFile(f"name\nSigner of {group_name}\n".encode()))
    Signer.objects.create(batch=batch, position=1, name=f"Signer of {group_name}")
    reply = Reply.objects.create(
        state=ReplyState.MATCHED,
        campaign=campaign,
        office=office,
        letter=letter,
        received_at=timezone.now(),
        from_address=f"consul@{country.lower()}.example",
        subject=f"Reply from {country}",
        body_text=f"Dear Supporter in {country}",
    )
    attachment = ReplyAttachment(reply=reply, content_type="application/pdf", size=9, display_name="scan.pdf")
    attachment.file.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=False)
    attachment.save()
    answer = SurveyAnswer.objects.create(
        campaign=campaign, office=office, got_reply=True, answered_on=datetime.date(2026, 11, 1)
    )
    proposed_event = Event.objects.create(
        campaign=campaign,
        office=office,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        meeting_point=f"Gate of the office in {country}",
        description="A proposal waiting for review",
        organiser_contact=f"proposer@{country.lower()}.example",
        status=EventStatus.PROPOSED,
    )
    report = OfficeReport.objects.create(
        office=office, kind="phone_wrong", details=f"Wrong number in {country}", proposed_phone=office_phone
    )
    gateway = FaxGateway.objects.create(
        host_country=country, kind=GatewayKind.EMAIL, address_template="{number}@fax." + country.lower()
    )
    return {
        Office: office,
        FaxGateway: gateway,
        OfficeReport: report,
        Event: proposed_event,
        Letter: letter,
        ContactEvent: event,
        Group: group,
        Batch: batch,
        Reply: reply,
        SurveyAnswer: answer,
        ReplyAttachment: attachment,
    }


@pytest.fixture
def world(campaign):
    czech = records_in(country="CZ", office_phone="+420233342000", campaign=campaign, group_name="Praha")
    polish = records_in(country="PL", office_phone="+48226252700", campaign=campaign, group_name="Warszawa")
    organiser = User.objects.create_user("organiser-cz", password="x", is_staff=True)
    organiser.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=organiser, host_countries=["CZ"])
    czech[Group].members.add(organiser)
    # Import jobs belong to their organiser, not to a country: the foreign one is a Polish organiser's.
    polish_organiser = User.objects.create_user("organiser-pl", password="x", is_staff=True)
    polish_organiser.groups.add(AuthGroup.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=polish_organiser, host_countries=["PL"])
    for records, owner in ((czech, organiser), (polish, polish_organiser)):
        records[OfficeImportJob] = OfficeImportJob.objects.create(
            user=owner, original_name="offices.csv", file_format="csv", language="en", status=ImportJobStatus.CHECKED
        )
    return {"own": czech, "foreign": polish, "organiser": organiser}


@pytest.fixture
def organiser_client(client, world):
    client.force_login(world["organiser"])
    return client


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_admin_organisers_can_open_is_scoped_and_refuses_foreign_records(organiser_client, world):
    request = _admin_request(world["organiser"])
    checked = []
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        if not model_admin.has_view_or_change_permission(request):
            assert organiser_client.get(changelist).status_code == 403, model
            continue
        if model in SHARED_BY_DESIGN:
            continue
        assert isinstance(model_admin, CountryScopedAdmin), f"{model.__name__} is open to organisers without scope"
        assert model in world["foreign"], f"give {model.__name__} a record in records_in() to walk its URLs"
        own, foreign = world["own"][model], world["foreign"][model]

        listed = {obj.pk for obj in organiser_client.get(changelist).context["cl"].result_list}
        assert own.pk in listed and foreign.pk not in listed, model
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[foreign.pk])
            assert organiser_client.get(url).status_code in REFUSED, (model, view)
            assert organiser_client.post(url, {"post": "yes"}).status_code in REFUSED, (model, view)
        assert model._default_manager.filter(pk=foreign.pk).exists()

        before = model_to_dict(model._default_manager.get(pk=foreign.pk))
        for action in model_admin.get_actions(_admin_request(world["organiser"])):
            organiser_client.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [foreign.pk], "apply": "1"})
        assert model_to_dict(model._default_manager.get(pk=foreign.pk)) == before, model
        checked.append(model)
    assert {Office, Letter, ContactEvent, Group, Batch, Reply, SurveyAnswer, OfficeImportJob, OfficeReport} <= set(
        checked
    )


def test_related_choices_and_exports_stay_inside_the_scope(organiser_client, world):
    batch_form = organiser_client.get(reverse("admin:printing_group_add"))
    assert batch_form.status_code == 200
    country_choices = {code for code, _name in batch_form.context["adminform"].form.fields["country"].choices}
    assert country_choices == {"", "CZ"}

    export = organiser_client.post(
        reverse("admin:embassies_office_export"), {"format": "0", "resource": "0", "export_items": []}
    )
    assert b"Office in PL" not in export.content


def _named_routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


# Pages for everyone, or reached only with a secret token from the supporter's own email: no organiser data.
PUBLIC_OR_TOKEN = {
    "healthz", "tracking_postmark_inbound", "tracking_postmark_tracking", "tracking_postal_inbound", "embassies:country_list", "embassies:country_detail", "embassies:directory_csv",
    "embassies:country_csv",
    "campaign:campaign_list", "campaign:forget_request", "campaign:privacy", "campaign:campaign_detail",
    "campaign:check_inbox", "campaign:submission_confirm", "campaign:letter_status", "campaign:submission_forget",
    "campaign:letter_form", "campaign:campaign_theme", "tracking:survey_answer", "tracking:progress", "tracking:progress_country", "tracking:office",
    "tracking:office_report",
    "printing:supporter_pdf", "printing:supporter_posted", "printing:login", "printing:batch_list", "printing:batch_new",
    "tracking:dashboard", "tracking:dashboard_csv", "set_language",
    "posters:poster_list", "posters:poster_pdf", "posters:poster_upload", "shortlinks:short_link",
    # Events: public pages show approved events only; proposing needs no login and reaches no organiser data.
    "events:event_list", "events:country_events", "events:event_propose", "events:event_proposed",
    "events:event_detail", "events:event_ics", "events:event_rsvp", "events:event_photo", "events:country_ics",
    "events:campaign_ics",
    # Corrections: anyone may report a problem with an active office; the reports reach organisers in the admin only.
    "corrections:office_report", "corrections:office_report_sent",
    "sharing:embed", "sharing:og_image", "sharing:mastodon_share",
    "sharing_api:campaign", "sharing_api:country", "sharing_api:not_found",
    # The fax gateway's report: its address carries a per-letter secret (faxing/tokens.py).
    "faxing:sinch_callback",
}  # fmt: skip


def _foreign_urls(world) -> dict[str, list[tuple[str, str]]]:
    batch, attachment = world["foreign"][Batch], world["foreign"][ReplyAttachment]
    return {
        "printing:batch_detail": [("get", reverse("printing:batch_detail", args=[batch.pk]))],
        "printing:batch_download": [
            ("get", reverse("printing:batch_download", args=[batch.pk, "pdf"])),
            ("get", reverse("printing:batch_download", args=[batch.pk, "csv"])),
        ],
        "printing:batch_printed": [("post", reverse("printing:batch_printed", args=[batch.pk]))],
        "printing:batch_posted": [("post", reverse("printing:batch_posted", args=[batch.pk]))],
        "tracking:reply_attachment": [("get", reverse("tracking:reply_attachment", args=[attachment.pk]))],
    }


def test_every_app_url_refuses_another_countrys_and_another_groups_records(organiser_client, world):
    foreign_urls = _foreign_urls(world)
    for name, _pattern in _named_routes(get_resolver().url_patterns):
        # The admin is walked above; anymail's webhooks are for the ESP, behind the webhook secret; accounts
        # pages show the signed-in user's own second factor only.
        if name.startswith(("admin:", "anymail:", "accounts:", "devmailbox")) or name in PUBLIC_OR_TOKEN:
            continue
        assert name in foreign_urls, f"{name}: scope it and add it to _foreign_urls (or to PUBLIC_OR_TOKEN)"
        for method, url in foreign_urls[name]:
            response = getattr(organiser_client, method)(url, {"posted_on": "2026-11-30"})
            assert response.status_code in REFUSED, (name, url, response.status_code)
    batch = Batch.objects.get(pk=world["foreign"][Batch].pk)
    assert batch.status == BatchStatus.GENERATED and batch.signers.count() == 1


def test_own_records_stay_reachable(organiser_client, world):
    batch, attachment = world["own"][Batch], world["own"][ReplyAttachment]
    assert organiser_client.get(reverse("printing:batch_download", args=[batch.pk, "csv"])).status_code == 200
    assert organiser_client.get(reverse("tracking:reply_attachment", args=[attachment.pk])).status_code == 200
    listed = organiser_client.get(reverse("printing:batch_list")).content.decode()
    assert "Praha" in listed and "Warszawa" not in listed
    change_page = organiser_client.get(reverse("admin:printing_batch_change", args=[batch.pk])).content.decode()
    assert reverse("printing:batch_download", args=[batch.pk, "pdf"]) in change_page
    assert "/media/" not in change_page  # the web server never serves media; only the checked download does


def test_a_group_member_sees_only_their_groups_batches(client, world):
    member = User.objects.create_user("member-warszawa", password="x")
    world["foreign"][Group].members.add(member)
    client.force_login(member)

    assert client.get(reverse("printing:batch_detail", args=[world["own"][Batch].pk])).status_code == 404
    assert client.get(reverse("printing:batch_detail", args=[world["foreign"][Batch].pk])).status_code == 200
    listed = client.get(reverse("printing:batch_list")).content.decode()
    assert "Warszawa" in listed and "Praha" not in listed


def test_the_dashboard_shows_only_the_organisers_countries(organiser_client, world, campaign):
    dashboard = reverse("tracking:dashboard")
    assert organiser_client.get(dashboard, {"campaign": campaign.pk, "country": "PL"}).status_code == 400
    page = organiser_client.get(dashboard, {"campaign": campaign.pk})
    assert page.status_code == 200
    assert {country.code for country in page.context["progress"].countries} == {"CZ"}
    export = organiser_client.get(reverse("tracking:dashboard_csv"), {"campaign": campaign.pk}).content.decode()
    assert "Office in CZ" in export and "Office in PL" not in export


def test_a_refused_organiser_reads_why_in_their_language(client, world):
    client.force_login(world["organiser"])
    foreign = world["foreign"][Office]

    page = client.get(reverse("admin:embassies_office_change", args=[foreign.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 403
    assert "This record belongs to a country you do not look after." in page.content.decode()

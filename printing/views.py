"""Thin views: the supporter's PDF download, and the batch pages for organisers and group members."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.forms import CHANNEL_PRINT, LetterForm
from campaign.selectors import office_queryset_for_letter
from campaign.shortcuts import campaign_open_or_404, letter_page_context
from common.abuse import browser_key, client_ip
from common.http import public_page

from .forms import BatchForm, PostedForm, SupporterPaperForm, SupporterPostedForm
from .models import Batch, BatchStatus
from .selectors import batches_visible_to
from .services import (
    batch_create,
    batch_mark_posted,
    batch_mark_printed,
    supporter_letters_pdf,
    supporter_letters_posted_mark,
    supporter_pdf_rate_limit_hit,
)


def member_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Group members need an account but not staff status, so they sign in here, not in the admin."""
    return login_required(view, login_url="printing:login")


login = auth_views.LoginView.as_view(template_name="printing/login.html")


@public_page
@require_POST
def supporter_pdf(request: HttpRequest, slug: str, cc: str) -> HttpResponse:
    campaign = campaign_open_or_404(slug)
    if supporter_pdf_rate_limit_hit(client_ip=client_ip(request)):
        return render(request, "printing/too_many.html", {"campaign": campaign}, status=429)
    form = LetterForm(request.POST, campaign=campaign, host_country=cc, channel=CHANNEL_PRINT)
    paper_form = SupporterPaperForm(request.POST)
    if not (form.is_valid() and paper_form.is_valid()):
        for error in paper_form.errors.get("paper", []):
            form.add_error(None, error)
        # The supporter gets the letter page back with the errors and everything they wrote.
        context = {**letter_page_context(campaign=campaign, cc=cc), "form": form}
        return render(request, "campaign/letter_form.html", context, status=400)
    data = form.cleaned_data
    pdf = supporter_letters_pdf(
        campaign=campaign,
        template=data["template"],
        offices=data["offices"],
        name=data["name"],
        city=data.get("city", ""),
        subject=data["subject"],
        body=data["body"],
        personal_paragraph=data.get("personal_paragraph", ""),
        paper=paper_form.cleaned_data.get("paper") or "a4",
        client_ip=client_ip(request),
        browser=browser_key(request),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{cc.lower()}-letters.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@public_page
@require_POST
def supporter_posted(request: HttpRequest, slug: str, cc: str) -> HttpResponse:
    """The letter page's "I have posted these letters": counts letters posted, anonymously."""
    campaign = campaign_open_or_404(slug)
    context = letter_page_context(campaign=campaign, cc=cc)
    offices = list(office_queryset_for_letter(campaign=campaign, host_country=cc.upper()))
    form = SupporterPostedForm(request.POST, offices=offices)
    if not form.is_valid():
        return render(request, "printing/supporter_posted.html", {**context, "form": form}, status=400)
    chosen = form.chosen_offices()
    counted = supporter_letters_posted_mark(
        campaign=campaign, offices=chosen, client_ip=client_ip(request), browser=browser_key(request)
    )
    already = [office for office in chosen if office not in counted]
    return render(
        request, "printing/supporter_posted.html", {**context, "form": form, "counted": counted, "already": already}
    )


@member_login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = batches_visible_to(user=request.user)[:100]
    return render(request, "printing/batch_list.html", {"batches": batches})


@member_login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_create(
                campaign=data["template"].campaign,
                template=data["template"],
                group=data["group"],
                host_country=data["host_country"],
                selected_offices=data["selected_offices"],
                signer_mode=data["signer_mode"],
                signers=data["signers"],
                group_signature=data["group_signature"],
                copies_per_office=data["copies_per_office"],
                sign_lines=data["sign_lines"],
                paper=data["paper"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("printing:batch_detail", batch_id=batch.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "printing/batch_form.html",
        {"form": form, "retention_days": settings.RETENTION_SIGNERS_DAYS},
        status=status,
    )


def _visible_batch(request: HttpRequest, batch_id: int) -> Batch:
    return get_object_or_404(batches_visible_to(user=request.user), pk=batch_id)


@member_login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _visible_batch(request, batch_id)
    return _batch_page(request, batch=batch, posted_form=PostedForm(initial={"posted_on": timezone.localdate()}))


def _batch_page(request: HttpRequest, *, batch: Batch, posted_form: PostedForm, status: int = 200) -> HttpResponse:
    context = {"batch": batch, "posted_form": posted_form, "retention_days": settings.RETENTION_SIGNERS_DAYS}
    return render(request, "printing/batch_detail.html", context, status=status)


@member_login_required
def batch_download(request: HttpRequest, batch_id: int, kind: str) -> FileResponse:
    batch = _visible_batch(request, batch_id)
    file = {"pdf": batch.pdf, "csv": batch.csv}.get(kind)
    if not file or batch.status not in (BatchStatus.GENERATED, BatchStatus.PRINTED):
        raise Http404(_("This file is not available."))
    response = FileResponse(file.open("rb"), as_attachment=True, filename=f"print-batch-{batch.pk}.{kind}")
    response["Cache-Control"] = "no-store"
    return response


@member_login_required
@require_POST
def batch_printed(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _visible_batch(request, batch_id)
    if batch_mark_printed(batch=batch):
        messages.success(request, _("Marked as printed."))
    else:
        messages.error(request, _("Only a generated batch can be marked as printed."))
    return redirect("printing:batch_detail", batch_id=batch.pk)


@member_login_required
@require_POST
def batch_posted(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _visible_batch(request, batch_id)
    form = PostedForm(request.POST)
    if not form.is_valid():
        return _batch_page(request, batch=batch, posted_form=form, status=400)
    try:
        changed = batch_mark_posted(batch=batch, posted_on=form.cleaned_data["posted_on"])
    except ValidationError as error:
        form.add_error("posted_on", error)
        return _batch_page(request, batch=batch, posted_form=form, status=400)
    if changed:
        messages.success(request, _("Marked as posted: the letters now count for their offices."))
    else:
        messages.error(request, _("This batch was already posted, or is not generated yet."))
    return redirect("printing:batch_detail", batch_id=batch.pk)

"""Two-factor authentication: with OTP_REQUIRED, staff give a code from their authenticator app after the password
before any staff page opens; group members who are not staff are never asked. And organisers' passwords are long."""

import time

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import call_command

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.permissions import ORGANISERS_GROUP
from embassies.services import organiser_scope_set
from printing.models import Group as PrintGroup

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
ADMIN_LOGIN = "/admin/login/"
GROUP_LOGIN = "/en/print/login/"
VERIFY = "/admin/2fa/verify/"
ENROL = "/admin/2fa/enrol/"
OFFICES = "/admin/embassies/office/"
DEVICES = "/admin/otp_totp/totpdevice/"
DASHBOARD = "/en/progress/dashboard/"
BATCHES = "/en/print/batches/"
STAFF_PAGES = ["/admin/", OFFICES, DASHBOARD]


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait between attempts, unless a test is about the wait


@pytest.fixture
def organiser(db):
    user = User.objects.create_user("organiser", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=["CZ"])
    return user


def login(client, username="organiser", url=ADMIN_LOGIN):
    data = {"username": username, "password": PASSWORD, "next": "/admin/" if url == ADMIN_LOGIN else BATCHES}
    return client.post(url, data, REMOTE_ADDR="198.51.100.7")


def code(device, steps_ahead=0):
    """The code the phone shows now, or that many 30-second steps later (a code works only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enter(client, url, token, next_url="/admin/"):
    return client.post(f"{url}?next={next_url}", {"token": token, "next": next_url}, REMOTE_ADDR="198.51.100.7")


def enrolled(client, username="organiser"):
    """Log in and set up the app; the session is then verified."""
    login(client, username)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user__username=username)
    assert enter(client, ENROL, code(device)).status_code == 302
    return TOTPDevice.objects.get(pk=device.pk)


def test_the_right_password_leads_a_staff_organiser_to_enrolment(client, organiser, otp_required):
    assert login(client)["Location"] == "/admin/"

    held = client.get("/admin/")
    assert held.status_code == 302 and held["Location"] == f"{VERIFY}?next=/admin/"
    page = client.get(held["Location"], follow=True)

    assert page.redirect_chain == [(f"{ENROL}?next=%2Fadmin%2F", 302)]
    content = page.content.decode()
    assert 'class="segno"' in content and "otpauth://totp/" in content
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    assert device.config_url.split("secret=")[1][:4] in content.replace(" ", "")
    assert "style=" not in content and "<img" not in content  # the CSP allows neither inline styles nor data: QR


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_no_staff_page_opens_before_the_device_is_confirmed(client, organiser, otp_required, path):
    login(client)
    client.get(ENROL)

    response = client.get(path)

    assert response.status_code == 302 and response["Location"].startswith(f"{VERIFY}?next=")
    assert client.get(response["Location"])["Location"].startswith(ENROL)


def test_a_wrong_code_is_refused_with_a_clear_message(client, organiser, otp_required):
    login(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=organiser)
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"

    response = enter(client, ENROL, wrong)

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_the_right_code_confirms_the_device_and_opens_staff_pages(client, organiser, otp_required, path):
    device = enrolled(client)

    assert device.confirmed
    assert client.get(path).status_code == 200


def test_enrolment_leads_back_to_the_page_that_was_held(client, organiser, otp_required):
    login(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=organiser)

    assert enter(client, ENROL, code(device), next_url=OFFICES)["Location"] == OFFICES


def test_the_next_login_asks_for_the_code(client, organiser, otp_required):
    device = enrolled(client)
    client.post("/admin/logout/")

    login(client)
    held = client.get(OFFICES)
    assert held["Location"] == f"{VERIFY}?next={OFFICES}"
    page = client.get(held["Location"])
    assert page.status_code == 200 and "segno" not in page.content.decode()  # no new secret shown
    assert client.get(ENROL)["Location"].startswith(VERIFY)  # and none to be had

    assert "That code is not right" in enter(client, VERIFY, code(device)).content.decode()  # used at enrolment
    assert enter(client, VERIFY, code(device, steps_ahead=1), next_url=OFFICES)["Location"] == OFFICES
    assert client.get(OFFICES).status_code == 200


def test_superusers_set_up_a_device_too(client, otp_required):
    User.objects.create_superuser("root", password=PASSWORD)
    login(client, "root")

    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=/admin/"


def test_a_group_member_who_is_not_staff_is_not_asked(client, otp_required):
    member = User.objects.create_user("member", password=PASSWORD)
    PrintGroup.objects.create(name="Brno", country="CZ", city="Brno").members.add(member)

    response = login(client, "member", url=GROUP_LOGIN)

    assert response.status_code == 302 and response["Location"] == BATCHES
    assert client.get(BATCHES).status_code == 200


def test_without_otp_required_a_password_is_enough(client, organiser, settings):
    settings.OTP_REQUIRED = False
    login(client)

    for path in STAFF_PAGES:
        assert client.get(path).status_code == 200


def test_logging_out_needs_no_code(client, organiser, otp_required):
    login(client)

    assert client.post("/admin/logout/").status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "token",
    [
        "1" * 100_000,
        "abcdef",
        "12345",
        "1234567",
        "１２３４５６",
        "١٢٣٤٥٦",
        "12\x003456",
        "' OR 1=1 --",
        "",
        "<script>",
    ],
)
def test_garbage_codes_get_a_form_error_never_a_server_error(client, organiser, otp_required, token):
    enrolled(client)
    client.post("/admin/logout/")
    login(client)

    response = enter(client, VERIFY, token)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", VERIFY, ENROL]
)
def test_a_next_address_elsewhere_or_in_circles_is_ignored(client, organiser, otp_required, evil):
    login(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=organiser)

    assert enter(client, ENROL, code(device), next_url=evil)["Location"] == "/admin/"
    assert client.get(f"{VERIFY}?next={evil}")["Location"] == "/admin/"  # verified: straight on, never round


def test_codes_right_after_a_wrong_one_wait(client, organiser, otp_required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = enrolled(client)
    client.post("/admin/logout/")
    login(client)

    enter(client, VERIFY, "000000" if code(device, 1) != "000000" else "111111")
    refused = enter(client, VERIFY, code(device, steps_ahead=1))

    assert "Too many wrong codes in a row" in refused.content.decode()
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_count_as_failed_logins(client, organiser, otp_required, settings):
    device = enrolled(client)
    client.post("/admin/logout/")
    login(client)
    wrong = f"{(int(code(device)) + 500_000) % 1_000_000:06d}"

    statuses = [enter(client, VERIFY, wrong).status_code for _attempt in range(settings.AXES_FAILURE_LIMIT)]

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert "_auth_user_id" not in client.session  # the half-open session is closed
    assert login(client).status_code == 429  # and the password alone no longer opens one


def test_device_admin_is_for_superusers_only(client, organiser, otp_required):
    enrolled(client)
    assert client.get(DEVICES).status_code == 403
    client.post("/admin/logout/")

    User.objects.create_superuser("root", password=PASSWORD)
    device = enrolled(client, "root")
    page = client.get(f"{DEVICES}{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()  # OTP_ADMIN_HIDE_SENSITIVE_DATA


def test_a_lost_phone_is_reset_by_command(client, organiser, otp_required):
    enrolled(client)
    client.post("/admin/logout/")

    call_command("otp_device_reset", "organiser")

    assert not TOTPDevice.objects.filter(user=organiser).exists()
    login(client)
    assert client.get(VERIFY)["Location"].startswith(ENROL)


def test_production_without_two_factor_is_reported(settings):
    settings.OTP_REQUIRED = False
    assert "accounts.W001" in [message.id for message in checks.run_checks(include_deployment_checks=True)]
    settings.OTP_REQUIRED = True
    assert "accounts.W001" not in [message.id for message in checks.run_checks(include_deployment_checks=True)]


def test_organiser_passwords_need_twelve_characters(organiser):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3", user=organiser)
    validate_password("violet staple lantern orbit", user=organiser)


@pytest.mark.browser
def test_a_browser_sets_up_the_app_and_signs_in_within_the_policy(
    live_server, transactional_db, browser_context, settings, tmp_path
):
    """The pages run in Chromium with JavaScript on; browser_context fails the test on any CSP violation."""
    settings.OTP_REQUIRED = True
    User.objects.create_user("organiser", password=PASSWORD, is_staff=True)
    page = browser_context(locale="en-GB").new_page()

    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=username]", "organiser")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.url.startswith(f"{live_server.url}{ENROL}")
    assert page.locator("figure svg.segno").is_visible()
    page.screenshot(path=tmp_path / "enrol.png", full_page=True)

    page.fill("input[name=token]", code(TOTPDevice.objects.get(user__username="organiser")))
    page.get_by_role("button", name="Confirm").click()
    assert page.url == f"{live_server.url}/admin/"
    assert "Two-factor authentication is set up" in page.content()

"""A supporter with JavaScript off writes to the Czech offices, confirms from the dev mailbox, sees "Sent"."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.campaign.devmailbox_urls")]


def test_supporter_sends_by_email_and_sees_each_letter_sent(site, page, tmp_path):
    page.goto(site + "/")
    page.get_by_role("link", name="Write a letter").click()
    page.select_option("select[name=country]", "CZ")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_label("Embassy of Ukraine in the Czech Republic").is_checked()
    assert page.get_by_label("Consulate General of Ukraine in Brno").is_checked()
    assert not page.get_by_label("Honorary Consulate of Ukraine in Ostrava").is_checked()
    page.fill("input[name=name]", "Jana Nováková")
    page.fill("input[name=city]", "Brno")
    page.fill("input[name=email]", "jana@example.org")
    page.fill("textarea[name=personal_paragraph]", "My neighbour left so as not to kill. He is not a criminal.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".card.preview").count() == 2
    assert "Dear Consul General," in page.locator(".card.preview").nth(1).inner_text()
    page.screenshot(path=tmp_path / "letter-form.png", full_page=True)
    page.wait_for_timeout(1100)  # FORM_MIN_FILL_SECONDS

    page.get_by_role("button", name="Send by email").click()
    assert "Check your inbox" in page.inner_text("h1")

    page.goto(site + "/dev/mailbox/")
    page.get_by_role("link", name="Please confirm your letters").click()
    page.locator("a[href*='/confirm/']").click()
    page.get_by_role("button", name="Confirm and send my letters").click()

    statuses = page.locator("[data-status]")
    assert statuses.count() == 2
    assert [statuses.nth(index).inner_text() for index in range(2)] == ["Sent", "Sent"]

    page.goto(site + "/dev/mailbox/")
    letters = page.locator("td", has_text="A protest against criminalisation")
    assert letters.count() == 2


def test_proof_of_work_is_solved_by_the_self_hosted_script(site, page_with_javascript, settings):
    settings.POW_ENABLED = True
    settings.POW_DIFFICULTY_BITS = 12
    page = page_with_javascript
    page.goto(site.replace("127.0.0.1", "localhost") + "/en/c/law-13673/cz/")  # crypto.subtle needs a secure origin
    page.fill("input[name=name]", "Jana Nováková")
    page.fill("input[name=email]", "jana@example.org")
    # A Playwright assertion, not wait_for_function: that evaluates a string, which the page's CSP forbids.
    expect(page.locator("input[name=pow_solution]")).not_to_have_value("", timeout=30000)
    page.wait_for_timeout(1100)  # FORM_MIN_FILL_SECONDS

    page.get_by_role("button", name="Send by email").click()

    assert "Check your inbox" in page.inner_text("h1"), page.inner_text("main")[:1500]

"""The harness keeps CSRF on, and its form helpers post with the token or fail the test."""
import pytest
from flask import Flask, render_template_string, request
from flask_wtf.csrf import CSRFProtect

from sdk.testing import csrf_token, page_forms, post_with_token, submit_form
from sdk.testing.support import TEST_PASSWORD

PAGES = {
    "/good": """<header><form method="post" action="/logout">
                  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form></header>
                <main><form method="get" action="/search"></form>
                  <form method="post" action="/save">
                  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>
                  <form method="post" action="/other">
                  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form></main>""",
    "/bad": '<main><form method="post" action="/save"><input name="title"></form></main>',
    "/self": """<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
                <button formaction="/preset">Save as preset</button></form>""",
}


@pytest.fixture
def tiny_client():
    """A bare Flask app with CSRF on: the helpers need no host, like a third-party tool's tests."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="s", TESTING=True)
    CSRFProtect(app)

    def page(path):
        return lambda: render_template_string(PAGES[path])

    for path in PAGES:
        app.add_url_rule(path, path, page(path))

    @app.post("/<name>")
    def posted(name):
        return {"posted_to": name, "form": request.form.to_dict(), "json": request.get_json(silent=True)}

    return app.test_client()


def test_submit_form_posts_the_content_form_with_its_token(tiny_client):
    r = submit_form(tiny_client, "/good", {"title": "Hello"})
    assert r.status_code == 200 and r.json["posted_to"] == "save"
    assert r.json["form"]["title"] == "Hello" and r.json["form"]["csrf_token"]


def test_submit_form_picks_the_form_by_action(tiny_client):
    assert submit_form(tiny_client, "/good", {}, action="/other").json["posted_to"] == "other"
    with pytest.raises(AssertionError, match="no form with action '/missing' on /good"):
        submit_form(tiny_client, "/good", {}, action="/missing")


def test_a_form_without_its_token_fails_the_test(tiny_client):
    with pytest.raises(AssertionError, match="on /bad has no 'csrf_token'"):
        submit_form(tiny_client, "/bad", {"title": "Hello"})


def test_a_form_without_action_posts_to_its_page(tiny_client):
    assert submit_form(tiny_client, "/self", {}).json["posted_to"] == "self"


def test_a_buttons_formaction_is_posted_to(tiny_client):
    assert submit_form(tiny_client, "/self", {}, action="/preset").json["posted_to"] == "preset"


def test_post_with_token_sends_the_sessions_token_as_field_or_header(tiny_client):
    posted = post_with_token(tiny_client, "/forged-id", {"a": "1"}, token_from="/good")
    assert posted.status_code == 200 and posted.json["form"]["a"] == "1"
    sent = post_with_token(tiny_client, "/api", json={"a": 1}, token_from="/good")
    assert sent.status_code == 200 and sent.json["json"] == {"a": 1}


def test_csrf_token_serves_a_json_post(tiny_client):
    assert tiny_client.post("/api", json={"a": 1}).status_code == 400
    r = tiny_client.post("/api", json={"a": 1}, headers={"X-CSRFToken": csrf_token(tiny_client, "/good")})
    assert r.status_code == 200 and r.json["json"] == {"a": 1}
    with pytest.raises(AssertionError, match="no form with a CSRF token .* on /bad"):
        csrf_token(tiny_client, "/bad")


def test_page_forms_lists_every_form_in_order(tiny_client):
    forms = page_forms(tiny_client.get("/good").get_data(as_text=True))
    assert [(f.action, f.method, f.in_main, bool(f.token)) for f in forms] == [
        ("/logout", "post", False, True), ("/search", "get", True, False),
        ("/save", "post", True, True), ("/other", "post", True, True)]


def test_harness_apps_refuse_a_post_without_the_token(app, make_user, client):
    make_user("ada@example.org")
    sign_in = {"email": "ada@example.org", "password": TEST_PASSWORD}
    assert client.post("/login", data=sign_in).status_code == 400
    r = submit_form(client, "/login", sign_in)
    assert r.status_code == 302 and client.get("/account").status_code == 200


def test_choice_groups_render_as_fieldsets_and_problems_carry_field_names():
    from wtforms.fields.choices import SelectChoice

    from host.app import create_app
    from sdk.forms import MultiCheckboxField, ToolForm

    class Pick(ToolForm):
        colours = MultiCheckboxField("Colours", choices=[SelectChoice("r", "Red"), SelectChoice("g", "Green")])

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "x",
                      "DATABASE_URL": "sqlite://"})
    with app.test_request_context("/", method="POST", data={"colours": ["r", "blue"]}):
        form = Pick()
        assert not form.validate()
        html = app.jinja_env.from_string(
            '{% from "kit/forms.html" import field %}{{ field(form.colours) }}').render(form=form)
        assert '<fieldset class="choice-group" id="colours"' in html and "<legend>Colours</legend>" in html
        assert html.count('type="checkbox"') == 2 and 'checked id="colours-0"' in html
        problems = form.problems()
        assert [name for name, _ in problems.items] == ["colours"]
        assert problems.as_json()["fields"]["colours"] == problems.messages

